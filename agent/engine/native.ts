import { CATEGORY_IDS } from "../../reports/trace/categories.js";
import type { NativeEntry } from "../catalogue/native.js";
export { NATIVE_ENTRIES } from "../catalogue/native.js";
import type { FrameTuple } from "../protocol.js";
import { now } from "./clock.js";
import { Java } from "./java.js";
import type { Recorder } from "./recorder.js";
import { summarize, type RedactionConfig } from "./summaries.js";

const categoryIndex = new Map<string, number>(CATEGORY_IDS.map((c, i) => [c, i]));

/** The Java stack when the native call came from Java (the thread is attached to the VM). */
function javaFrames(): FrameTuple[] {
  try {
    const bt = (Java as { backtrace?: (o: { limit: number }) => { frames: { className: string; methodName: string }[] } }).backtrace?.call(Java, { limit: 24 });
    return bt ? bt.frames.map((f) => [f.className, f.methodName] as FrameTuple) : [];
  } catch {
    return [];
  }
}

/**
 * Side channels through Interceptor: the same categories as the Java twins, with a native
 * backtrace followed by the Java stack when there is one. Returns coverage rows.
 */
export function installNative(
  entries: readonly NativeEntry[],
  hookNumber: (id: string) => number,
  recorder: Recorder,
  redaction: RedactionConfig,
  guarded: <T>(fn: () => T) => T,
  reportError: (where: string, err: unknown) => void,
  /** True while a Java catalogue call is in progress on this thread: its native work is part of it. */
  inJavaCall: () => boolean,
): [string, "hooked" | "absent" | "failed", string?][] {
  const rows: [string, "hooked" | "absent" | "failed", string?][] = [];
  for (const e of entries) {
    const hook = hookNumber(e.id);
    const address = Module.findGlobalExportByName(e.symbol);
    if (address === null) {
      rows.push([e.id, "absent", `${e.symbol} not exported here`]);
      continue;
    }
    const category = categoryIndex.get(e.category)!;
    try {
      Interceptor.attach(address, {
        onEnter(args) {
          this.id = -1;
          if (inJavaCall()) return;
          try {
            guarded(() => {
            let detail: string | undefined;
            if (e.arg) {
              const s = args[e.arg.index]!.readCString();
              if (s === null || !e.arg.match.test(s)) return;
              detail = s;
            }
            if (e.request !== undefined && args[1]!.toInt32() !== e.request) return;
            const t = now();
            if (recorder.sampledOut(hook, t)) return;
            const native = Thread.backtrace(this.context, Backtracer.FUZZY)
              .slice(0, 16)
              .map((a) => [null, DebugSymbol.fromAddress(a).toString()] as FrameTuple);
            const frames = [...native, ...javaFrames()];
            const stack = recorder.stack(frames.map((f) => f.join(":")).join("|"), () => ({ frames, truncated: false }));
            this.valueBuffer = e.symbol === "__system_property_get" ? args[1] : null;
            this.id = recorder.begin(t, hook, category, Process.getCurrentThreadId(), stack, detail === undefined ? null : [detail], 0, null);
            });
          } catch (err) {
            reportError(e.id, err);
          }
        },
        onLeave(retval) {
          const id = this.id as number;
          if (id < 0) return;
          try {
            guarded(() => {
              const buf = this.valueBuffer as NativePointer | null;
              const value = buf ? buf.readCString() : null;
              // fopen returns NULL on failure; the others -1.
              const failed = e.symbol === "__system_property_get" ? false : e.symbol === "fopen" ? retval.isNull() : retval.toInt32() === -1;
              recorder.end(id, failed, failed ? "errno" : null, value ? (summarize("hash", value, redaction) ?? null) : null);
            });
          } catch (err) {
            reportError(e.id, err);
          }
        },
      });
      rows.push([e.id, "hooked"]);
    } catch (err) {
      reportError(e.id, err);
      rows.push([e.id, "failed", (err as Error)?.message ?? String(err)]);
    }
  }
  return rows;
}

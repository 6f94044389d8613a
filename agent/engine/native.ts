import { CATEGORY_IDS } from "../../reports/trace/categories.js";
import { NATIVE_ENTRIES, type NativeEntry } from "../catalogue/native.js";
export { NATIVE_ENTRIES } from "../catalogue/native.js";
import type { FrameTuple } from "../protocol.js";
import { now } from "./clock.js";
import { Java } from "./java.js";
import { filterSource, STATE_SIZE } from "./native-filter.js";
import type { Recorder } from "./recorder.js";
import { summarize, type RedactionConfig } from "./summaries.js";

type Row = [string, "hooked" | "absent" | "failed", string?];

const categoryIndex = new Map<string, number>(CATEGORY_IDS.map((c, i) => [c, i]));
/** The filter and its callbacks live as long as the script: a collected NativeCallback would crash the app. */
const keep: unknown[] = [];

type JavaTrace = { readonly id: string; readonly frames: () => FrameTuple[] };
const NO_JAVA: JavaTrace = { id: "", frames: () => [] };

/**
 * The Java stack when the native call came from Java (the thread is attached to the VM), where
 * `Java.backtrace()` works in this process (the agent probed it at init: ./stack.ts): an id for
 * the key, the frames built only for a new stack. Elsewhere (no VM, a JVM, a ROM without the
 * symbols it needs) nothing: it would throw, and rebuild its CModule, on every call.
 */
function javaTrace(usable: boolean): JavaTrace {
  if (!usable) return NO_JAVA;
  try {
    const bt = (Java as unknown as { backtrace(o: { limit: number }): { id: string; frames: { className: string; methodName: string }[] } }).backtrace({ limit: 24 });
    return { id: bt.id, frames: () => bt.frames.slice(0, 24).map((f) => [f.className, f.methodName] as FrameTuple) };
  } catch {
    return NO_JAVA;
  }
}

/**
 * The native frames of the hooked call, innermost first: its return address, then the callers
 * found above it on the stack. The callback runs under the filter and Frida's native-to-JavaScript
 * bridge, whose frames come before the return address; a fuzzy scan also sees stale values, so
 * frames outside any module are dropped.
 */
function nativeFrames(context: CpuContext, returnAddress: NativePointer): NativePointer[] {
  // Frida's frames take much of the default 16: ask for more (the options form is frida-gum's
  // bindings/gumjs/runtime/core.js, Thread.backtrace; @types/frida-gum only knows the old one).
  const all = (Thread.backtrace as (c: CpuContext, o: { backtracer: Backtracer; limit: number }) => NativePointer[])(context, { backtracer: Backtracer.FUZZY, limit: 64 });
  const at = all.findIndex((a) => a.equals(returnAddress));
  const callers = at < 0 ? [] : all.slice(at + 1).filter((a) => {
    if (a.equals(returnAddress)) return false;
    return Process.findModuleByAddress(a) !== null;
  });
  return [returnAddress, ...callers.slice(0, 15)];
}

/**
 * Side channels through Interceptor: the same categories as the Java twins, with a native
 * backtrace followed by the Java stack when there is one. A C filter (./native-filter.ts) runs on
 * every call and enters JavaScript only for a call that reads an identifier. Returns coverage rows.
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
  /** Whether `Java.backtrace()` works in this process. */
  javaBacktrace = false,
): Row[] {
  const hooks = new Map(entries.map((e) => [NATIVE_ENTRIES.indexOf(e), { e, hook: hookNumber(e.id), category: categoryIndex.get(e.category)! }]));
  const enter = new NativeCallback(
    function (this: CallbackContext, index: number, arg: NativePointer, returnAddress: NativePointer): number {
      const h = hooks.get(index);
      if (h === undefined || inJavaCall()) return -1;
      try {
        return guarded(() => {
          const t = now();
          if (recorder.sampledOut(h.hook, t)) return -1;
          const native = nativeFrames(this.context, returnAddress);
          const java = javaTrace(javaBacktrace);
          // Keyed by addresses and the Java stack's id: symbols and frames are looked up once per distinct stack.
          const key = `${native.join("|")}|${java.id}`;
          const frames = (): FrameTuple[] => [...native.map((a) => [null, DebugSymbol.fromAddress(a).toString()] as FrameTuple), ...java.frames()];
          const stack = recorder.stack(key, () => ({ frames: frames(), truncated: false }));
          const detail = arg.isNull() ? null : arg.readCString();
          return recorder.begin(t, h.hook, h.category, Process.getCurrentThreadId(), stack, detail === null ? null : [detail], 0, null);
        });
      } catch (err) {
        reportError(h.e.id, err);
        return -1;
      }
    },
    "int",
    ["int", "pointer", "pointer"],
  );
  const leave = new NativeCallback(
    (index: number, id: number, retval: NativePointer, error: number, extra: NativePointer): void => {
      const h = hooks.get(index);
      if (h === undefined) return;
      try {
        guarded(() => outcome(recorder, redaction, h.e, id, retval, error, extra));
      } catch (err) {
        reportError(h.e.id, err);
      }
    },
    "void",
    ["int", "int", "pointer", "int", "pointer"],
  );
  let filter: CModule;
  const state = Memory.alloc(STATE_SIZE);
  try {
    filter = new CModule(filterSource(), { permtrace_enter: enter, permtrace_leave: leave, state, pthread_self: Module.getGlobalExportByName("pthread_self"), getpid: Module.getGlobalExportByName("getpid") });
    const size = new NativeFunction(filter.state_size as NativePointer, "int", [])() as number;
    if (size > STATE_SIZE) throw new Error(`the filter's state takes ${size} bytes, ${STATE_SIZE} allocated`);
  } catch (err) {
    // No C compiler in this runtime: hooking in JavaScript would slow every libc call; say so instead.
    reportError("native", err);
    return entries.map((e) => [e.id, "failed", `the native filter (CModule) cannot be built: ${(err as Error)?.message ?? String(err)}`]);
  }
  keep.push(enter, leave, filter, state);
  const originals = state.add(new NativeFunction(filter.originals_offset as NativePointer, "int", [])() as number);
  return [...hooks].map(([index, { e }]) => replace(e, filter[`r_${index}`] as NativePointer, originals.add(index * Process.pointerSize), reportError));
}

/** Replaces the function with the filter's, which calls the original through `original`. */
function replace(e: NativeEntry, replacement: NativePointer, original: NativePointer, reportError: (where: string, err: unknown) => void): Row {
  const address = Module.findGlobalExportByName(e.symbol);
  if (address === null) return [e.id, "absent", `${e.symbol} not exported here`];
  try {
    // Written in the same JavaScript turn: the replacement is live only when the turn ends.
    original.writePointer(Interceptor.replaceFast(address, replacement));
    return [e.id, "hooked"];
  } catch (err) {
    reportError(e.id, err);
    return [e.id, "failed", (err as Error)?.message ?? String(err)];
  }
}

/** The outcome of a recorded call, by what the function returns (bionic's signatures). */
function outcome(recorder: Recorder, redaction: RedactionConfig, e: NativeEntry, id: number, retval: NativePointer, error: number, extra: NativePointer): void {
  switch (e.filter.kind) {
    case "prop": {
      // __system_property_get returns the value's length; SELinux denial or an unset property give "".
      const value = extra.isNull() ? "" : (extra.readCString() ?? "");
      recorder.end(id, false, null, value === "" ? "len:0" : (summarize("hash", value, redaction) ?? null));
      return;
    }
    case "prop-find":
      // Recorded only when the look-up found nothing: the modern path's empty outcome.
      recorder.end(id, false, null, "null");
      return;
    case "path": {
      const failed = e.symbol === "fopen" ? retval.isNull() : retval.toInt32() === -1;
      recorder.end(id, failed, failed ? `errno:${error}` : null, null);
      return;
    }
    case "ioctl": {
      const failed = retval.toInt32() === -1;
      recorder.end(id, failed, failed ? `errno:${error}` : null, null);
      return;
    }
    case "prop-read":
    case "ifaddrs":
      recorder.end(id, false, null, null);
  }
}

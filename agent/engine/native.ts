import { CATEGORY_IDS } from "../../reports/trace/categories.js";
import { NATIVE_ENTRIES, propertyKind, type NativeEntry } from "../catalogue/native.js";
export { NATIVE_ENTRIES } from "../catalogue/native.js";
import type { FrameTuple } from "../protocol.js";
import { now } from "./clock.js";
import { Java } from "./java.js";
import type { Egress } from "./egress.js";
import { filterSource, STATE_SIZE } from "./native-filter.js";
import { NativeHooker, type Row } from "./native-hooks.js";
import { sendCallback } from "./native-send.js";
import type { Recorder } from "./recorder.js";
import { summarize, type RedactionConfig } from "./summaries.js";


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
 * above it. The callback runs under the filter and Frida's native-to-JavaScript bridge, whose
 * frames come before the return address. The accurate backtracer (libunwind): the fuzzy one reads
 * the code before each stack word that points into a code range, from a map of code ranges taken
 * once, when the script first asked for it (frida-gum gum/arch-x86/gumx86backtracer.c and
 * gum/arch-arm64/gumarm64backtracer.c init, cached by bindings/gumjs/gumquickthread.c) — in a
 * JVM, whose code mappings come and go, that read crashed the process (SIGSEGV, SEGV_ACCERR, in
 * frida-agent on a HotSpot NIO writer thread; test/frida/java-target.test.ts).
 */
function nativeFrames(context: CpuContext, returnAddress: NativePointer): NativePointer[] {
  // Frida's frames come first: 32 leaves room for them and the 15 callers kept, and each frame is
  // libunwind's work (the options form is frida-gum's bindings/gumjs/runtime/core.js,
  // Thread.backtrace; @types/frida-gum only knows the old one).
  const all = (Thread.backtrace as (c: CpuContext, o: { backtracer: Backtracer; limit: number }) => NativePointer[])(context, { backtracer: Backtracer.ACCURATE, limit: 32 });
  const at = all.findIndex((a) => a.equals(returnAddress));
  const callers = at < 0 ? [] : all.slice(at + 1).filter((a) => !a.equals(returnAddress) && Process.findModuleByAddress(a) !== null);
  return [returnAddress, ...callers.slice(0, 15)];
}

export interface NativeDeps {
  readonly hookNumber: (id: string) => number;
  readonly recorder: Recorder;
  readonly redaction: RedactionConfig;
  readonly guarded: <T>(fn: () => T) => T;
  readonly reportError: (where: string, err: unknown) => void;
  /** True while a Java catalogue call is in progress on this thread: its native work is part of it. */
  readonly inJavaCall: () => boolean;
  /** Whether `Java.backtrace()` works in this process. */
  readonly javaBacktrace: boolean;
  /** Where native sends' payloads are scanned and their records queued. */
  readonly egress: Egress;
  /** libc functions to hook by attach rather than replacement (AgentConfig.nativeAttach). */
  readonly attach?: readonly string[];
}

export interface NativeInstall {
  readonly rows: Row[];
  /**
   * After dispose: the filter only calls the originals. Its replacements stay: a thread inside
   * one (blocked in ioctl, write) would return into freed code if the script unloaded them
   * (frida-gum gum/guminterceptor.c frees a fast replacement's code without waiting for callers).
   */
  readonly disable: () => void;
}

/**
 * Side channels and native sends through Interceptor: the same categories as the Java twins, with
 * a native backtrace followed by the Java stack when there is one. A C filter (./native-filter.ts)
 * runs on every call and enters JavaScript only for a call that reads an identifier or sends on
 * an Internet socket. Returns coverage rows.
 */
export function installNative(entries: readonly NativeEntry[], deps: NativeDeps): NativeInstall {
  const { recorder, guarded, reportError, inJavaCall } = deps;
  /** Property reads in progress, by call id: the name, to learn the value the read returns. */
  const properties = new Map<number, string>();
  const hooks = new Map(entries.map((e) => [NATIVE_ENTRIES.indexOf(e), { e, hook: deps.hookNumber(e.id), category: categoryIndex.get(e.category)! }]));
  /** The call's stack: keyed by addresses and the Java stack's id, symbols and frames looked up once per distinct stack. */
  const stackOf = (context: CpuContext, returnAddress: NativePointer): number => {
    const native = nativeFrames(context, returnAddress);
    const java = javaTrace(deps.javaBacktrace);
    const frames = (): FrameTuple[] => [...native.map((a) => [null, DebugSymbol.fromAddress(a).toString()] as FrameTuple), ...java.frames()];
    return recorder.stack(`${native.join("|")}|${java.id}`, () => ({ frames: frames(), truncated: false }));
  };
  const enter = new NativeCallback(
    function (this: CallbackContext, index: number, arg: NativePointer, returnAddress: NativePointer): number {
      const h = hooks.get(index);
      if (h === undefined || inJavaCall()) return -1;
      try {
        return guarded(() => {
          const t = now();
          if (recorder.sampledOut(h.hook, t)) return -1;
          const stack = stackOf(this.context, returnAddress);
          const detail = arg.isNull() ? null : arg.readCString();
          const id = recorder.begin(t, h.hook, h.category, Process.getCurrentThreadId(), stack, detail === null ? null : [detail], 0, null);
          // A property's value is learned by the egress matcher when the read returns.
          if (h.e.filter.kind === "prop" && detail !== null && id >= 0) properties.set(id, detail);
          return id;
        });
      } catch (err) {
        reportError(h.e.id, err);
        return -1;
      }
    },
    "int",
    ["int", "pointer", "pointer"],
  );
  // pt_mark is the filter's own: bound once the filter is built (a send cannot arrive before).
  let mark: (fd: number, inet: number) => void = () => undefined;
  const send = sendCallback({ ...deps, hooks, stackOf, markOther: (fd) => mark(fd, 0) });
  const leave = new NativeCallback(
    (index: number, id: number, retval: NativePointer, error: number, extra: NativePointer): void => {
      const h = hooks.get(index);
      if (h === undefined) return;
      try {
        guarded(() => {
          const value = outcome(recorder, deps.redaction, h.e, id, retval, error, extra);
          const name = properties.get(id);
          properties.delete(id);
          if (name !== undefined && value) deps.egress.learnValue(propertyKind(name), value, id);
        });
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
    const libc = (name: string): NativePointer => Module.getGlobalExportByName(name);
    filter = new CModule(filterSource(), { permtrace_enter: enter, permtrace_send: send, permtrace_leave: leave, state, pthread_self: libc("pthread_self"), getpid: libc("getpid"), getsockname: libc("getsockname") });
    const size = new NativeFunction(filter.state_size as NativePointer, "int", [])() as number;
    if (size > STATE_SIZE) throw new Error(`the filter's state takes ${size} bytes, ${STATE_SIZE} allocated`);
  } catch (err) {
    // No C compiler in this runtime: hooking in JavaScript would slow every libc call; say so instead.
    reportError("native", err);
    return { rows: entries.map((e) => [e.id, "failed", `the native filter (CModule) cannot be built: ${(err as Error)?.message ?? String(err)}`]), disable: () => undefined };
  }
  keep.push(enter, send, leave, filter, state);
  const offset = (name: string): NativePointer => state.add(new NativeFunction(filter[name] as NativePointer, "int", [])() as number);
  const hooker = new NativeHooker(filter, offset("originals_offset"), offset("track_originals_offset"), new Set(deps.attach ?? []), reportError);
  const rows = [...hooks].map(([index, { e }]) => hooker.hook(e, index));
  // Sends need the socket table kept right: close forgets a descriptor, socket/accept/connect mark it.
  if (entries.some((e) => e.filter.kind === "send")) {
    const pt = new NativeFunction(filter.pt_mark as NativePointer, "void", ["int", "int"]);
    mark = (fd, inet) => void pt(fd, inet);
    hooker.track();
  }
  const disable = new NativeFunction(filter.pt_disable as NativePointer, "void", []);
  return { rows, disable: () => void disable() };
}

/** The outcome of a recorded call, by what the function returns (bionic's signatures); a property's value is returned (agent memory only). */
function outcome(recorder: Recorder, redaction: RedactionConfig, e: NativeEntry, id: number, retval: NativePointer, error: number, extra: NativePointer): string | void {
  switch (e.filter.kind) {
    case "prop": {
      // __system_property_get returns the value's length; SELinux denial or an unset property give "".
      const value = extra.isNull() ? "" : (extra.readCString() ?? "");
      recorder.end(id, false, null, value === "" ? "len:0" : (summarize("hash", value, redaction) ?? null));
      return value;
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
    // A send's ssize_t: -1 on failure, else the bytes the kernel took (a short write is not a failure).
    case "send":
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

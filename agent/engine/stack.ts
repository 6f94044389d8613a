import type { FrameTuple } from "../protocol.js";
import { Java, type JavaBacktrace } from "./java.js";

/** How the agent reads Java stacks in this process: recorded in the trace's manifest. */
export type StackSource = "backtrace" | "throwable";

export interface CapturedStack {
  /** Identifies the stack for interning. */
  readonly key: string;
  /** The frames (innermost first, the hooked method left out) and whether the depth limit cut them: computed only when called. */
  readonly build: () => { readonly frames: readonly FrameTuple[]; readonly truncated: boolean };
}

/** Frames of the capture machinery itself, never part of the caller's stack. */
const MACHINERY = /^(java\.lang\.Throwable|java\.lang\.Thread|dalvik\.system\.VMStack|java\.lang\.Exception)$/;

type Wrapper = { $new(...a: unknown[]): unknown };

/** Reads a new Throwable's stack trace as text, through the cheapest way this VM has. */
function traceTextReader(): () => string {
  const Throwable = Java.use("java.lang.Throwable") as unknown as Wrapper;
  try {
    const Log = Java.use("android.util.Log") as unknown as { getStackTraceString(t: unknown): string };
    return () => Log.getStackTraceString(Throwable.$new());
  } catch {
    // Not Android (a JVM): printStackTrace into a StringWriter.
    const StringWriter = Java.use("java.io.StringWriter") as unknown as Wrapper;
    const PrintWriter = Java.use("java.io.PrintWriter") as unknown as { $new: { overload(...t: string[]): { call(self: unknown, ...a: unknown[]): unknown } } };
    return () => {
      const sw = StringWriter.$new() as { toString(): string };
      const pw = PrintWriter.$new.overload("java.io.Writer").call(PrintWriter, sw) as { flush(): void };
      (Throwable.$new() as { printStackTrace(w: unknown): void }).printStackTrace(pw);
      pw.flush();
      return sw.toString();
    };
  }
}

/** `\tat [module/]pkg.Class.method(File.java:12)` lines of a stack trace, innermost first. */
const FRAME_LINE = /^\s*at (?:[^\s(/]*\/)*([^\s(]+)\.([^.\s(]+)\(([^)]*)\)\s*$/;

export function parseTrace(text: string): FrameTuple[] {
  const frames: FrameTuple[] = [];
  for (const line of text.split("\n")) {
    const m = FRAME_LINE.exec(line);
    if (!m) continue;
    const where = m[3]!;
    const colon = where.lastIndexOf(":");
    const file = colon > 0 ? where.slice(0, colon) : where === "Native Method" || where === "Unknown Source" ? undefined : where || undefined;
    const lineNo = colon > 0 ? Number(where.slice(colon + 1)) : NaN;
    frames.push([m[1]!, m[2]!, file, Number.isInteger(lineNo) && lineNo >= 0 ? lineNo : undefined]);
  }
  return frames;
}

/**
 * Reads the Java stack of the current call. `Java.backtrace()` where it works: it walks ART's
 * stack in C and gives an id for interning, with the frames built only when read (frida-java-bridge
 * lib/android.js, `backtrace` and `class Backtrace`: reading `frames` makes a JSON string per frame
 * with a line-number look-up, then parses it), so a stack already interned costs the walk only.
 * It needs optional ART symbols and throws where one is missing (some ROMs; always on a
 * non-Android JVM), and the bridge would try to build it again on every call: it is probed once,
 * and on failure the agent uses a Throwable's stack trace for good.
 */
export class StackWalker {
  readonly source: StackSource;
  /** Why `Java.backtrace()` is not used, when it is not. */
  readonly fallbackReason: string | undefined;

  constructor(private readonly maxDepth: number) {
    const probe = probeBacktrace();
    this.source = probe === null ? "backtrace" : "throwable";
    this.fallbackReason = probe ?? undefined;
  }

  capture(hookedClass: string | null, hookedMethod: string): CapturedStack {
    return this.source === "backtrace" ? this.fromBacktrace(hookedClass, hookedMethod) : this.fromThrowable(hookedClass, hookedMethod);
  }

  private fromBacktrace(hookedClass: string | null, hookedMethod: string): CapturedStack {
    // The bridge's visitor walks every frame whatever the limit; the cut is made here.
    const bt = (Java as unknown as { backtrace(o: { limit: number }): JavaBacktrace }).backtrace({ limit: this.maxDepth + 4 });
    return {
      key: bt.id,
      build: () => this.cut(bt.frames.map((f) => [f.className, f.methodName, f.fileName || undefined, f.lineNumber >= 0 ? f.lineNumber : undefined] as FrameTuple), hookedClass, hookedMethod),
    };
  }

  /**
   * A Throwable's stack trace as one string (`Log.getStackTraceString` on Android, printStackTrace
   * into a StringWriter elsewhere): one Java call per stack, where reading the StackTraceElements
   * costs four per frame (measured on HotSpot through the bridge: about 2.2 ms a call against
   * 0.2 ms). The text is the interning key; it is parsed only for a stack not seen yet.
   */
  private fromThrowable(hookedClass: string | null, hookedMethod: string): CapturedStack {
    const text = (this.traceText ??= traceTextReader())();
    return {
      key: text,
      build: () => {
        const all = parseTrace(text);
        const cut = this.cut(all, hookedClass, hookedMethod, true);
        return cut;
      },
    };
  }

  private traceText: (() => string) | undefined;

  /**
   * Drops the machinery and the hooked method's own frames from the top, then keeps maxDepth.
   * `hookedClass` null: the method is hooked in whatever class implements an interface, so its
   * frames are known by method name only.
   */
  private cut(frames: readonly FrameTuple[], hookedClass: string | null, hookedMethod: string, throwable = false): { frames: FrameTuple[]; truncated: boolean } {
    // Java names constructors <init>; the catalogue says $init. A constructor hook strips only
    // the hooked class's own constructor frames (a chain of this(...) calls), never the caller's:
    // an SDK constructor that creates an AudioRecord is that SDK's call.
    const method = hookedMethod === "$init" ? "<init>" : hookedMethod;
    let i = 0;
    // Without a class (an interface entry), only the one frame of the implementation itself goes:
    // an SDK's wrapper of the same name (SdkWrapper.getOAID calling supplier.getOAID) is its caller.
    let anyClassLeft = 1;
    while (i < frames.length) {
      const [c, m] = frames[i]!;
      // The capture machinery is on a Throwable's trace only; ART's walk starts at the hooked method.
      if (c !== null && throwable && MACHINERY.test(c)) i++;
      else if (c !== null && hookedClass !== null && c === hookedClass && (m === method || m === hookedMethod)) i++;
      else if (c !== null && hookedClass === null && anyClassLeft > 0 && (m === method || m === hookedMethod)) {
        anyClassLeft--;
        i++;
      } else break;
    }
    return { frames: frames.slice(i, i + this.maxDepth), truncated: frames.length - i > this.maxDepth };
  }
}

/** Null when `Java.backtrace()` works here, else why not. Must run on a thread attached to the VM. */
function probeBacktrace(): string | null {
  const backtrace = (Java as unknown as { backtrace?: (o: { limit: number }) => JavaBacktrace }).backtrace;
  if (typeof backtrace !== "function") return "this Java bridge has no backtrace()";
  try {
    const bt = backtrace.call(Java, { limit: 1 });
    if (typeof bt.id !== "string" || !Array.isArray(bt.frames)) return "Java.backtrace() returned no frames";
    return null;
  } catch (err) {
    return `Java.backtrace() failed: ${((err as Error)?.message ?? String(err)).split("\n")[0]}`;
  }
}

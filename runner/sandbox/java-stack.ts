/**
 * The Java stack as the stand-in bridge (./java.ts) shows it to the agent: `Java.backtrace()`,
 * and the stack trace of a `new Throwable()` made inside a replacement (the agent's fallback).
 * - `backtrace()` can throw (frida-java-bridge 7.0.13 lib/android.js `backtrace` compiles a
 *   CModule that needs optional ART symbols; it throws where one is missing, and on a non-Android
 *   JVM), and its `frames` are computed when read (lib/android.js `class Backtrace`:
 *   `get frames()` calls `_get_frames`); the real visitor walks every frame, whatever `limit` says.
 */
import type { FrameSpec } from "./java-class.js";

/** What these count (FakeJava.stats carries them). */
export interface StackStats {
  backtraces: number;
  framesRead: number;
  throwableTraces: number;
}

/** The simulated stack: the called method's frame (constructors named <init>, as the bridge does) over its callers. */
export function stackOf(top: FrameSpec | undefined, callers: readonly FrameSpec[]): FrameSpec[] {
  return [...(top ? [{ ...top, methodName: top.methodName === "$init" ? "<init>" : top.methodName }] : []), ...callers];
}

/** A `Java.backtrace()` result: an id at once, the frames when first read. */
export function backtraceOf(all: readonly FrameSpec[], stats: StackStats): unknown {
  let frames: unknown[] | undefined;
  return {
    id: all.map((f) => `${f.className}.${f.methodName}:${f.lineNumber ?? -1}`).join("|"),
    get frames(): unknown[] {
      if (frames === undefined) {
        stats.framesRead++;
        frames = all.map((f) => ({ ...f, signature: "", origin: "", methodFlags: 0, fileName: f.fileName ?? "", lineNumber: f.lineNumber ?? -1 }));
      }
      return frames;
    },
  };
}

/**
 * `java.lang.Throwable`: `new Throwable()` made inside a replacement has a stack trace that starts
 * at the hooked method (the replacement runs in its place), then its callers —
 * `Thread.getStackTrace()` would add the capture frames on top, a Throwable's fillInStackTrace
 * leaves its own constructor out.
 */
export function throwableClass(stack: () => readonly FrameSpec[], stats: StackStats): unknown {
  return {
    $new: () => ({
      getStackTrace: () => {
        stats.throwableTraces++;
        return stack().map((f) => ({
          getClassName: () => f.className,
          getMethodName: () => f.methodName,
          getFileName: () => f.fileName ?? null,
          getLineNumber: () => f.lineNumber ?? -1,
        }));
      },
    }),
  };
}

interface StackElement {
  getClassName(): string;
  getMethodName(): string;
  getFileName(): string | null;
  getLineNumber(): number;
}

/** `android.util.Log`: getStackTraceString(new Throwable()), the trace as Android prints it. */
export function logClass(): unknown {
  const at = (e: StackElement): string => `\tat ${e.getClassName()}.${e.getMethodName()}(${e.getFileName() === null ? "Unknown Source" : `${e.getFileName()}${e.getLineNumber() >= 0 ? `:${e.getLineNumber()}` : ""}`})`;
  return {
    getStackTraceString: (t: { getStackTrace(): StackElement[] }) => ["java.lang.Throwable", ...t.getStackTrace().map(at)].join("\n"),
  };
}

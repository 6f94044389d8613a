import type { FrameTuple } from "../protocol.js";
import { Java, type JavaBacktrace } from "./java.js";

export interface CapturedStack {
  /** Identifies the stack for interning. */
  readonly key: string;
  readonly frames: () => readonly FrameTuple[];
  readonly truncated: boolean;
}

/** Frames of the capture machinery itself, never part of the caller's stack. */
const MACHINERY = /^(java\.lang\.Throwable|java\.lang\.Thread|dalvik\.system\.VMStack|java\.lang\.Exception)$/;

/**
 * The Java stack of the current call, innermost first, with the hooked method (and the capture
 * machinery) removed. `Java.backtrace()` where the bridge has it (cheap, with an id for
 * interning), a Throwable's stack trace otherwise.
 */
export function javaStack(hookedClass: string, hookedMethod: string, maxDepth: number): CapturedStack {
  const strip = (frames: FrameTuple[]): FrameTuple[] => {
    let i = 0;
    while (i < frames.length) {
      const [c, m] = frames[i]!;
      // Java.backtrace() names constructors <init>; the catalogue says $init.
      const isHooked = hookedMethod === "$init" ? m === "<init>" || m === "$init" : m === hookedMethod && c === hookedClass;
      if (c !== null && (MACHINERY.test(c) || isHooked)) i++;
      else break;
    }
    return frames.slice(i, i + maxDepth);
  };
  const backtrace = (Java as { backtrace?: (o: { limit: number }) => JavaBacktrace }).backtrace;
  if (typeof backtrace === "function") {
    const bt = backtrace.call(Java, { limit: maxDepth + 4 });
    let cached: FrameTuple[] | undefined;
    const frames = (): FrameTuple[] =>
      (cached ??= strip(bt.frames.map((f) => [f.className, f.methodName, f.fileName ?? undefined, f.lineNumber >= 0 ? f.lineNumber : undefined] as FrameTuple)));
    return { key: bt.id, frames, truncated: bt.frames.length >= maxDepth + 4 };
  }
  const elements = Java.use("java.lang.Throwable").$new().getStackTrace() as { getClassName(): string; getMethodName(): string; getFileName(): string | null; getLineNumber(): number }[];
  const all: FrameTuple[] = [];
  for (let i = 0; i < elements.length && i < maxDepth + 4; i++) {
    const e = elements[i]!;
    const line = e.getLineNumber();
    all.push([e.getClassName(), e.getMethodName(), e.getFileName() ?? undefined, line >= 0 ? line : undefined]);
  }
  const frames = strip(all);
  return { key: frames.map((f) => f.join(":")).join("|"), frames: () => frames, truncated: elements.length > maxDepth + 4 };
}

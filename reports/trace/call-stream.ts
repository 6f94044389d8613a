import { existsSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from "node:worker_threads";
import { TraceError } from "../errors.js";
import { BatchReader } from "./call-batch.js";
import type { ParserMessage } from "./call-parser-worker.js";
import { TRACE_FILES, type CallEvent } from "./format.js";
import { isOwnCall } from "./own-calls.js";
import { forEachCall, readManifestText, type OpenTrace, type ReadStats } from "./reader.js";

export interface StreamStats extends ReadStats {
  /** Parsing ran in a worker thread alongside the analysis. */
  readonly parallel: boolean;
  /** The worker read the lines with its WebAssembly scanner. */
  readonly wasm?: boolean;
}

export interface StreamOptions {
  /** Parse in a worker thread (default: when the worker is built and the file is over 4 MiB). */
  readonly parallel?: boolean;
  /** Let the worker use its WebAssembly scanner when built (default true; false for tests). */
  readonly wasm?: boolean;
  /** A worker started early by prefetchCalls, used if it reads this file for this package. */
  readonly prefetch?: CallPrefetch;
}

/**
 * Gets each call, whether it concerns only the app's own data, its line's byte offset, and — from
 * the parallel read, else -1 — a number that stands for its hook (the same for the same hook
 * throughout the read) and its category's index in CATEGORY_IDS.
 */
export type CallSink = (ev: CallEvent, own: boolean, offset: number, hookKey: number, catIdx: number) => void;

const PARALLEL_MIN_BYTES = 4 << 20;
const WORKER = new URL("./call-parser-worker.js", import.meta.url);

/**
 * Streams the calls of a trace to `onCall`, with whether each concerns only the app's own data
 * and its line's byte offset. On large files JSON parsing runs in a worker thread while this
 * thread analyses, so a report takes about as long as parsing alone; events then arrive without
 * `args`/`ret` (read them again with `CallReader`). Same events, order, skips and statistics either way.
 */
export function streamCalls(trace: OpenTrace, appPackage: string, onCall: CallSink, opts: StreamOptions = {}): StreamStats {
  const path = join(trace.dir, TRACE_FILES.calls);
  const wasm = opts.wasm !== false;
  const workerBuilt = existsSync(fileURLToPath(WORKER));
  const early = opts.prefetch;
  if (early && (!workerBuilt || early.path !== path || early.appPackage !== appPackage || early.wasm !== wasm || opts.parallel === false)) early.cancel();
  let started = early?.take();
  const parallel = started !== undefined || (opts.parallel ?? (workerBuilt && statSync(path).size >= PARALLEL_MIN_BYTES));
  if (parallel && workerBuilt) {
    started ??= startParser(path, appPackage, wasm);
    const stats = parallelStream(trace, started, onCall);
    if (stats) return stats;
  }
  const stats = forEachCall(trace, (ev, offset) => onCall(ev, isOwnCall(ev, appPackage), offset, -1, -1));
  return { ...stats, parallel: false };
}

interface Parser {
  readonly path: string;
  readonly worker: Worker;
  readonly port: MessagePort;
  readonly ctl: Int32Array;
}

function startParser(path: string, appPackage: string, wasm: boolean): Parser {
  const control = new SharedArrayBuffer(8);
  const { port1, port2 } = new MessageChannel();
  const worker = new Worker(WORKER, { workerData: { path, appPackage, port: port2, control, wasm }, transferList: [port2] });
  // The reading thread waits synchronously, so it learns of a failed worker by its silence (the
  // read then falls back to this thread, or stops with an error); the event itself must not
  // reach the process as an unhandled 'error' later.
  worker.on("error", () => {});
  return { path, worker, port: port1, ctl: new Int32Array(control) };
}

/** A parsing worker started before the trace is opened, so that its start-up overlaps the rest. */
export interface CallPrefetch {
  readonly path: string;
  readonly appPackage: string;
  readonly wasm: boolean;
  /** The worker, once (undefined after take or cancel). */
  take(): Parser | undefined;
  /** Stops the worker unless streamCalls took it; safe to call again. */
  cancel(): void;
}

/**
 * Starts parsing a large trace's calls before the trace is opened and checked, with the app
 * package the manifest names (streamCalls uses the worker only if it reads for that package).
 * Undefined for a small or odd trace, or when the worker is not built: streamCalls then starts
 * its own. The caller cancels it in a `finally`.
 */
export function prefetchCalls(dir: string, opts: StreamOptions = {}): CallPrefetch | undefined {
  if (opts.parallel === false || !existsSync(fileURLToPath(WORKER))) return undefined;
  let appPackage: unknown;
  const path = join(dir, TRACE_FILES.calls);
  try {
    const st = statSync(path);
    if (!st.isFile() || (opts.parallel !== true && st.size < PARALLEL_MIN_BYTES)) return undefined;
    // Only a plain, small manifest (checked on the opened file; openTrace then says what is wrong).
    appPackage = (JSON.parse(readManifestText(join(dir, TRACE_FILES.manifest))) as { app?: { package?: unknown } })?.app?.package;
  } catch {
    return undefined;
  }
  if (typeof appPackage !== "string") return undefined;
  const wasm = opts.wasm !== false;
  let parser: Parser | undefined = startParser(path, appPackage, wasm);
  return {
    path,
    appPackage,
    wasm,
    take() {
      const p = parser;
      parser = undefined;
      return p;
    },
    cancel() {
      if (!parser) return;
      parser.port.close();
      void parser.worker.terminate();
      parser = undefined;
    },
  };
}

/** Returns undefined when the worker did not start (the caller reads in this thread). */
function parallelStream(trace: OpenTrace, parser: Parser, onCall: CallSink): StreamStats | undefined {
  const { path, worker, ctl } = parser;
  const port1 = parser.port;
  const reader = new BatchReader();
  const stats = { read: 0, skipped: 0, truncatedLast: false, parallel: true, wasm: false };
  let idleMs = 0;
  try {
    for (;;) {
      const produced = Atomics.load(ctl, 0);
      const received = receiveMessageOnPort(port1);
      if (!received) {
        // The analysis is synchronous: block until the worker has produced something.
        if (Atomics.wait(ctl, 0, produced, 250) === "timed-out") idleMs += 250;
        if (idleMs >= 5000 && stats.read === 0 && stats.skipped === 0) return undefined;
        if (idleMs >= 60_000) throw new TraceError("the parsing thread stopped responding", { where: path, fix: "run again; if it persists, report it" });
        continue;
      }
      idleMs = 0;
      const msg = received.message as ParserMessage;
      Atomics.add(ctl, 1, 1);
      Atomics.notify(ctl, 1);
      if (msg.kind === "batch") {
        for (const [line, problem] of msg.batch.skipped) {
          stats.skipped++;
          trace.skipped.add(TRACE_FILES.calls, line, problem);
        }
        stats.read += msg.batch.n;
        reader.forEach(msg.batch, onCall);
      } else if (msg.kind === "done") {
        stats.truncatedLast = msg.truncatedLast;
        stats.wasm = msg.wasm;
        return stats;
      } else {
        throw new TraceError(`cannot read calls: ${msg.message}`, { where: path });
      }
    }
  } finally {
    port1.close();
    void worker.terminate();
  }
}

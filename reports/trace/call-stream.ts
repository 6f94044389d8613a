import { existsSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { MessageChannel, receiveMessageOnPort, Worker } from "node:worker_threads";
import { TraceError } from "../errors.js";
import { BatchReader } from "./call-batch.js";
import type { ParserMessage } from "./call-parser-worker.js";
import { TRACE_FILES, type CallEvent } from "./format.js";
import { isOwnCall } from "./own-calls.js";
import { forEachCall, type OpenTrace, type ReadStats } from "./reader.js";

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
 * `args`/`ret` (read them again with `callAt`). Same events, order, skips and statistics either way.
 */
export function streamCalls(trace: OpenTrace, appPackage: string, onCall: CallSink, opts: StreamOptions = {}): StreamStats {
  const path = join(trace.dir, TRACE_FILES.calls);
  const workerBuilt = existsSync(fileURLToPath(WORKER));
  const parallel = opts.parallel ?? (workerBuilt && statSync(path).size >= PARALLEL_MIN_BYTES);
  if (parallel && workerBuilt) {
    const stats = parallelStream(trace, path, appPackage, onCall, opts.wasm !== false);
    if (stats) return stats;
  }
  const stats = forEachCall(trace, (ev, offset) => onCall(ev, isOwnCall(ev, appPackage), offset, -1, -1));
  return { ...stats, parallel: false };
}

/** Returns undefined when the worker did not start (the caller reads in this thread). */
function parallelStream(trace: OpenTrace, path: string, appPackage: string, onCall: CallSink, wasm: boolean): StreamStats | undefined {
  const control = new SharedArrayBuffer(8);
  const ctl = new Int32Array(control);
  const { port1, port2 } = new MessageChannel();
  const worker = new Worker(WORKER, { workerData: { path, appPackage, port: port2, control, wasm }, transferList: [port2] });
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

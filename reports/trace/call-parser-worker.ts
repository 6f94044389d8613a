/**
 * The parsing half of a parallel read (see call-stream.ts): reads calls.jsonl, parses and checks
 * each line, and sends columns of calls to the analysing thread, at most MAX_AHEAD batches ahead.
 */
import { parentPort, workerData, type MessagePort } from "node:worker_threads";
import { BatchWriter } from "./call-batch.js";
import { forEachLine, LONG_LINE } from "./lines.js";
import { isOwnCall } from "./own-calls.js";
import { callEventProblem, NOT_JSON, parseLine as parseJson } from "./call-check.js";
import type { CallEvent } from "./format.js";
import { loadScanner, scanCalls } from "./wasm-scanner.js";

export interface ParserInit {
  readonly path: string;
  readonly appPackage: string;
  readonly port: MessagePort;
  /** [produced, consumed] batch counters. */
  readonly control: SharedArrayBuffer;
  /** Use the WebAssembly fast path when built (default true). */
  readonly wasm?: boolean;
}

export type ParserMessage =
  | { readonly kind: "batch"; readonly batch: import("./call-batch.js").CallBatch }
  | { readonly kind: "done"; readonly truncatedLast: boolean; readonly wasm: boolean }
  | { readonly kind: "error"; readonly message: string };

const MAX_AHEAD = 8;

function run(init: ParserInit): void {
  // This thread reports problems as messages, never with a stack: bad lines throw cheaper without one.
  Error.stackTraceLimit = 0;
  const ctl = new Int32Array(init.control);
  const out = new BatchWriter();
  let truncatedLast = false;
  const send = (msg: ParserMessage, transfer: ArrayBuffer[] = []): void => {
    init.port.postMessage(msg, transfer);
    Atomics.add(ctl, 0, 1);
    Atomics.notify(ctl, 0);
    // Flow control: never more than MAX_AHEAD batches waiting, whatever the file's size.
    for (;;) {
      const consumed = Atomics.load(ctl, 1);
      if (Atomics.load(ctl, 0) - consumed < MAX_AHEAD) break;
      Atomics.wait(ctl, 1, consumed, 1000);
    }
  };
  const flush = (): void => {
    const { batch, transfer } = out.take();
    send({ kind: "batch", batch }, transfer);
  };
  // A long stretch of bad lines sends its skips in batches too: memory stays bounded, and the
  // reading thread hears from this one while it works.
  const skip = (lineNo: number, problem: string): void => {
    if (out.skip(lineNo, problem)) flush();
  };
  const parseLine = (line: string, lineNo: number, last: boolean, offset: number): void => {
    const v = parseJson(line);
    if (v === NOT_JSON) {
      if (last) truncatedLast = true;
      skip(lineNo, last ? "truncated last line" : "not JSON");
      return;
    }
    if (v === null || typeof v !== "object" || Array.isArray(v)) {
      skip(lineNo, "not a JSON object");
      return;
    }
    const problem = callEventProblem(v as Record<string, unknown>);
    if (problem !== undefined) {
      skip(lineNo, problem);
      return;
    }
    const ev = v as CallEvent;
    if (out.add(ev, isOwnCall(ev, init.appPackage), offset)) flush();
  };
  try {
    const scanner = init.wasm === false ? undefined : loadScanner();
    if (scanner) scanCalls(scanner, init.path, init.appPackage, out, flush, parseLine, (lineNo) => skip(lineNo, LONG_LINE));
    else forEachLine(init.path, parseLine, (lineNo) => skip(lineNo, LONG_LINE));
    if (out.pending) flush();
    send({ kind: "done", truncatedLast, wasm: scanner !== undefined });
  } catch (err) {
    send({ kind: "error", message: (err as Error)?.message ?? String(err) });
  }
}

if (parentPort && workerData) run(workerData as ParserInit);

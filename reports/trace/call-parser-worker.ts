/**
 * The parsing half of a parallel read (see call-stream.ts): reads calls.jsonl, parses and checks
 * each line, and sends columns of calls to the analysing thread, at most MAX_AHEAD batches ahead.
 */
import { parentPort, workerData, type MessagePort } from "node:worker_threads";
import { BatchWriter } from "./call-batch.js";
import { forEachLine, LONG_LINE } from "./lines.js";
import { isOwnCall } from "./own-calls.js";
import { callEventProblem } from "./call-check.js";
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
  const parseLine = (line: string, lineNo: number, last: boolean, offset: number): void => {
    let v: unknown;
    try {
      v = JSON.parse(line);
    } catch {
      if (last) truncatedLast = true;
      out.skip(lineNo, last ? "truncated last line" : "not JSON");
      return;
    }
    if (v === null || typeof v !== "object" || Array.isArray(v)) {
      out.skip(lineNo, "not a JSON object");
      return;
    }
    const problem = callEventProblem(v as Record<string, unknown>);
    if (problem !== undefined) {
      out.skip(lineNo, problem);
      return;
    }
    const ev = v as CallEvent;
    if (out.add(ev, isOwnCall(ev, init.appPackage), offset)) flush();
  };
  try {
    const scanner = init.wasm === false ? undefined : loadScanner();
    if (scanner) scanCalls(scanner, init.path, init.appPackage, out, flush, parseLine, (lineNo) => out.skip(lineNo, LONG_LINE));
    else forEachLine(init.path, parseLine, (lineNo) => out.skip(lineNo, LONG_LINE));
    if (out.pending) flush();
    send({ kind: "done", truncatedLast, wasm: scanner !== undefined });
  } catch (err) {
    send({ kind: "error", message: (err as Error)?.message ?? String(err) });
  }
}

if (parentPort && workerData) run(workerData as ParserInit);

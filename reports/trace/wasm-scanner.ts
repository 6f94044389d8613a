import { closeSync, existsSync, readFileSync, readSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { fileURLToPath } from "node:url";
import { BatchWriter, catIndex } from "./call-batch.js";
import { MAX_LINE_BYTES, openRegularFile } from "./lines.js";
import { OWN_PACKAGE_HOOKS } from "./own-calls.js";

/**
 * The WebAssembly fast path of the parsing worker (source: wasm/line-scanner.ts, AssemblyScript).
 * It turns the lines the trace writer produces into batch rows without making a JavaScript
 * string or object per event; every other line comes back as text, for the same JSON.parse and
 * checks as the plain path. Same events, skips and line numbers either way (tested).
 */

/** The little of the WebAssembly API used here (its types come with the DOM library, not Node's). */
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { readonly exports: Record<string, unknown> };
  Memory: abstract new (...args: never[]) => { readonly buffer: ArrayBuffer };
}
const wasmApi = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

export interface ScannerExports {
  readonly memory: { readonly buffer: ArrayBuffer };
  init(rows: number, key: bigint): void;
  probeCount(): number;
  column(i: number): number;
  input(cap: number): number;
  scan(buf: number, from: number, len: number): number;
  consumed(): number;
  freshCount(): number;
  freshIds(): number;
  clearFresh(): void;
  stringPtr(id: number): number;
  stringLen(id: number): number;
}

const KIND_EVENT = 0;
const KIND_BLANK = 2;
const F_OWN = 2;
const F_STACK = 32;
const F_ARG0 = 64;
const CHUNK = 1 << 22;
const ROWS = 8192;
const WASM = new URL("./wasm/line-scanner.wasm", import.meta.url);

/** The compiled scanner, or undefined when it is not built (running from sources) or will not load. */
export function loadScanner(): ScannerExports | undefined {
  const path = fileURLToPath(WASM);
  if (!existsSync(path)) return undefined;
  try {
    const instance = new wasmApi.Instance(new wasmApi.Module(readFileSync(path)), {});
    const x = instance.exports as unknown as ScannerExports;
    return typeof x.scan === "function" && x.memory instanceof wasmApi.Memory ? x : undefined;
  } catch {
    return undefined;
  }
}

/** Handles a line the fast path left to JSON.parse; `last`: the file's final line, with no newline. */
export type SlowLine = (line: string, lineNo: number, last: boolean, offset: number) => void;

/**
 * Reads calls.jsonl into `out` (calling `full` whenever a batch fills), handing lines outside the
 * fast shape to `slow`. Lines are numbered as an editor does (blank ones count).
 */
export function scanCalls(w: ScannerExports, path: string, appPackage: string, out: BatchWriter, full: () => void, slow: SlowLine, longLine: (lineNo: number) => void): void {
  // The fast shape's strings are ASCII: a first argument equals the package exactly when their bytes do.
  const app = Buffer.from(appPackage, "utf8");
  w.init(ROWS, randomBytes(8).readBigUInt64LE());
  let cap = CHUNK;
  let inPtr = w.input(cap);
  // By the scanner's string id: the batch index, the category index (-1: not a category), the
  // outcome (0 returned, 1 threw, -1 neither) and whether it is a hook about a package name.
  const ids: number[] = [];
  const cats: number[] = [];
  const outs: number[] = [];
  const ownHooks: boolean[] = [];
  const takeFresh = (): void => {
    const n = w.freshCount();
    if (n === 0) return;
    const list = new Uint32Array(w.memory.buffer, w.freshIds(), n);
    for (let i = 0; i < n; i++) {
      const id = list[i]!;
      const s = Buffer.from(w.memory.buffer, w.stringPtr(id), w.stringLen(id)).toString("latin1"); // ASCII only
      ids[id] = out.intern(s);
      cats[id] = catIndex.get(s) ?? -1;
      outs[id] = s === "returned" ? 0 : s === "threw" ? 1 : -1;
      ownHooks[id] = OWN_PACKAGE_HOOKS.has(s);
    }
    w.clearFresh();
  };
  const fd = openRegularFile(path);
  let base = 0; // file offset of the input buffer's first byte
  let have = 0;
  let lineNo = 0;
  let skipping = false; // in a line over MAX_LINE_BYTES, as forEachLine skips it
  try {
    for (;;) {
      if (have === cap) {
        if (cap >= MAX_LINE_BYTES) {
          skipping = true;
          base += have;
          have = 0;
        } else {
          // One line longer than the buffer: a bigger buffer (the old one stays behind, unused).
          const next = w.input(cap * 2);
          new Uint8Array(w.memory.buffer).copyWithin(next, inPtr, inPtr + have);
          inPtr = next;
          cap *= 2;
        }
      }
      const n = readSync(fd, new Uint8Array(w.memory.buffer, inPtr + have, cap - have));
      if (n <= 0) break;
      have += n;
      let from = 0;
      if (skipping) {
        const nl = Buffer.from(w.memory.buffer, inPtr, have).indexOf(10);
        if (nl < 0) {
          base += have;
          have = 0;
          continue;
        }
        longLine(++lineNo);
        skipping = false;
        from = nl + 1;
      }
      for (;;) {
        const rows = w.scan(inPtr, from, have);
        if (rows === 0) break;
        takeFresh();
        const mem = w.memory.buffer;
        const kind = new Uint8Array(mem, w.column(0), rows);
        const flags = new Uint8Array(mem, w.column(1), rows);
        const start = new Uint32Array(mem, w.column(2), rows);
        const len = new Uint32Array(mem, w.column(3), rows);
        const seq = new Float64Array(mem, w.column(4), rows);
        const t = new Float64Array(mem, w.column(5), rows);
        const pid = new Int32Array(mem, w.column(6), rows);
        const tid = new Int32Array(mem, w.column(7), rows);
        const stack = new Int32Array(mem, w.column(8), rows);
        const hook = new Int32Array(mem, w.column(9), rows);
        const cat = new Int32Array(mem, w.column(10), rows);
        const perm = new Int32Array(mem, w.column(11), rows);
        const outcome = new Int32Array(mem, w.column(12), rows);
        const exc = new Int32Array(mem, w.column(13), rows);
        const arg0 = new Uint32Array(mem, w.column(14), rows);
        const arg0Len = new Uint32Array(mem, w.column(15), rows);
        const bytes = new Uint8Array(mem);
        for (let r = 0; r < rows; r++) {
          lineNo++;
          const k = kind[r]!;
          if (k === KIND_BLANK) continue;
          const offset = base + start[r]!;
          if (k === KIND_EVENT) {
            const h = hook[r]!;
            const f = flags[r]!;
            const c = cats[cat[r]!]!;
            const o = outs[outcome[r]!]!;
            // A bad category or outcome gets the reader's own message: the slow way.
            if (c >= 0 && o >= 0) {
              const p = perm[r]!;
              const e = exc[r]!;
              let own = f & F_OWN;
              // The app reading its own package info (isOwnCall): a package-name hook whose first argument is the app's package.
              if (ownHooks[h] && f & F_ARG0 && arg0Len[r] === app.length && app.equals(bytes.subarray(arg0[r]!, arg0[r]! + app.length))) own = F_OWN;
              if (out.addRow(seq[r]!, t[r]!, offset, pid[r]!, tid[r]!, f & F_STACK ? stack[r]! : NaN, ids[h]!, c, p >= 0 ? ids[p]! : -1, e >= 0 ? ids[e]! : -1, (f & 12) | own | o)) full();
              continue;
            }
          }
          slow(Buffer.from(mem, inPtr + start[r]!, len[r]!).toString("utf8"), lineNo, false, offset);
        }
        from = w.consumed();
      }
      if (from > 0) {
        new Uint8Array(w.memory.buffer).copyWithin(inPtr, inPtr + from, inPtr + have);
        base += from;
        have -= from;
      }
    }
    if (skipping) longLine(lineNo + 1);
    else if (have > 0) {
      // No newline at the end: the last line may have been cut mid-write.
      const rest = Buffer.from(w.memory.buffer, inPtr, have).toString("utf8");
      if (rest.trim().length > 0) slow(rest, lineNo + 1, true, base);
    }
  } finally {
    closeSync(fd);
  }
}

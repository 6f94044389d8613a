import { CATEGORY_IDS, type Category } from "./categories.js";
import type { CallEvent, NetRecord } from "./format.js";

/**
 * Calls in columns, as the parsing worker sends them to the analysing thread: typed arrays
 * (transferred, not copied) plus the strings first seen in this batch. Strings are sent once and
 * referenced by index after, so the receiving side allocates no string per event.
 */
export interface CallBatch {
  readonly n: number;
  readonly seq: Float64Array;
  readonly t: Float64Array;
  readonly offset: Float64Array;
  readonly pid: Float64Array;
  readonly tid: Float64Array;
  /** NaN: no stack. */
  readonly stack: Float64Array;
  readonly hook: Int32Array;
  readonly cat: Uint8Array;
  /** -1: none. */
  readonly perm: Int32Array;
  readonly exc: Int32Array;
  /** bit 0 threw, 1 own call, 2 fg present, 3 fg value. */
  readonly flags: Uint8Array;
  /** Strings new in this batch, in index order (hooks, permissions and exception classes share one table). */
  readonly strings: readonly string[];
  /** `req` lists of permission_request events, by row. */
  readonly reqs: readonly (readonly [number, readonly string[]])[];
  /** `net` records of network_egress events, by row (rare: a side list, like `reqs`). */
  readonly nets: readonly (readonly [number, NetRecord])[];
  /** Lines skipped in this batch. */
  readonly skipped: readonly (readonly [number, string])[];
}

export const BATCH_ROWS = 8192;

/** Category id → index in CATEGORY_IDS. */
export const catIndex: ReadonlyMap<string, number> = new Map<string, number>(CATEGORY_IDS.map((c, i) => [c, i]));

/** Fills batches on the parsing side. */
export class BatchWriter {
  private strings = new Map<string, number>();
  private fresh: string[] = [];
  private rows = 0;
  private cols = BatchWriter.columns();
  private reqs: [number, string[]][] = [];
  private nets: [number, NetRecord][] = [];
  private skipped: [number, string][] = [];

  private static columns() {
    return {
      seq: new Float64Array(BATCH_ROWS),
      t: new Float64Array(BATCH_ROWS),
      offset: new Float64Array(BATCH_ROWS),
      pid: new Float64Array(BATCH_ROWS),
      tid: new Float64Array(BATCH_ROWS),
      stack: new Float64Array(BATCH_ROWS),
      hook: new Int32Array(BATCH_ROWS),
      cat: new Uint8Array(BATCH_ROWS),
      perm: new Int32Array(BATCH_ROWS),
      exc: new Int32Array(BATCH_ROWS),
      flags: new Uint8Array(BATCH_ROWS),
    };
  }

  /** The batch-wide index of a string (-1 for undefined), added to this batch's strings if new. */
  intern(s: string | undefined): number {
    if (s === undefined) return -1;
    let i = this.strings.get(s);
    if (i === undefined) {
      i = this.strings.size;
      this.strings.set(s, i);
      this.fresh.push(s);
    }
    return i;
  }

  /** Adds a valid event; returns true when the batch is full. */
  add(ev: CallEvent, own: boolean, offset: number): boolean {
    if (ev.req !== undefined) this.reqs.push([this.rows, [...ev.req]]);
    if (ev.net !== undefined) this.nets.push([this.rows, ev.net]);
    const flags = (ev.out === "threw" ? 1 : 0) | (own ? 2 : 0) | (typeof ev.fg === "boolean" ? 4 | (ev.fg ? 8 : 0) : 0);
    return this.addRow(ev.seq, ev.t, offset, ev.pid, ev.tid, typeof ev.stack === "number" ? ev.stack : NaN, this.intern(ev.hook), catIndex.get(ev.cat)!, this.intern(ev.perm), this.intern(ev.exc), flags);
  }


  /**
   * Adds a valid event given as column values (strings as `intern` indexes, the category as its
   * index, NaN for no stack, flags as in CallBatch); returns true when the batch is full.
   */
  addRow(seq: number, t: number, offset: number, pid: number, tid: number, stack: number, hook: number, cat: number, perm: number, exc: number, flags: number): boolean {
    const r = this.rows++;
    const c = this.cols;
    c.seq[r] = seq;
    c.t[r] = t;
    c.offset[r] = offset;
    c.pid[r] = pid;
    c.tid[r] = tid;
    c.stack[r] = stack;
    c.hook[r] = hook;
    c.cat[r] = cat;
    c.perm[r] = perm;
    c.exc[r] = exc;
    c.flags[r] = flags;
    return this.rows === BATCH_ROWS;
  }

  /** Records a skipped line; returns true when the batch should be sent (skips are bounded per batch too). */
  skip(lineNo: number, problem: string): boolean {
    this.skipped.push([lineNo, problem]);
    return this.skipped.length >= BATCH_ROWS;
  }

  get pending(): boolean {
    return this.rows > 0 || this.skipped.length > 0;
  }

  /** Takes the batch and its transfer list, and starts a new one. */
  take(): { batch: CallBatch; transfer: ArrayBuffer[] } {
    const c = this.cols;
    const batch: CallBatch = { n: this.rows, ...c, strings: this.fresh, reqs: this.reqs, nets: this.nets, skipped: this.skipped };
    const transfer = Object.values(c).map((a) => a.buffer as ArrayBuffer);
    this.cols = BatchWriter.columns();
    this.rows = 0;
    this.fresh = [];
    this.reqs = [];
    this.nets = [];
    this.skipped = [];
    return { batch, transfer };
  }
}

/** The receiving side: turns rows back into (light) call events, sharing strings across events. */
export class BatchReader {
  private readonly strings: string[] = [];

  /**
   * Calls `onCall` for every row, with the hook's index in the batches' string table and the
   * category's in CATEGORY_IDS (so the caller can look them up in arrays). Events have one fixed
   * shape; absent fields are undefined.
   */
  forEach(b: CallBatch, onCall: (ev: CallEvent, own: boolean, offset: number, hookKey: number, catIdx: number) => void): void {
    for (const s of b.strings) this.strings.push(s);
    const strings = this.strings;
    // Columns in locals: onCall could change `b` for all the compiler knows, so it would load them per row.
    const { n, seq, t, offset, pid, tid, stack, hook, cat, perm, exc, flags, reqs, nets } = b;
    let nextReq = 0;
    let nextNet = 0;
    for (let r = 0; r < n; r++) {
      const f = flags[r]!;
      let req: readonly string[] | undefined;
      if (nextReq < reqs.length && reqs[nextReq]![0] === r) req = reqs[nextReq++]![1];
      let net: NetRecord | undefined;
      if (nets !== undefined && nextNet < nets.length && nets[nextNet]![0] === r) net = nets[nextNet++]![1];
      const p = perm[r]!;
      const e = exc[r]!;
      const st = stack[r]!;
      const h = hook[r]!;
      const c = cat[r]!;
      const ev: CallEvent = {
        seq: seq[r]!,
        t: t[r]!,
        hook: strings[h]!,
        cat: CATEGORY_IDS[c]!,
        perm: p >= 0 ? strings[p] : undefined,
        out: f & 1 ? "threw" : "returned",
        exc: e >= 0 ? strings[e] : undefined,
        pid: pid[r]!,
        tid: tid[r]!,
        stack: Number.isNaN(st) ? undefined : st,
        req,
        fg: f & 4 ? (f & 8) !== 0 : undefined,
        net,
      };
      onCall(ev, (f & 2) !== 0, offset[r]!, h, c);
    }
  }
}

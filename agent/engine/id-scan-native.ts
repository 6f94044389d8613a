/**
 * The matcher's scan loop in C (issue 15 item 9). Under Frida's default runtime, QuickJS, an
 * interpreter, the JavaScript loop of agent/engine/id-index.ts costs ~57 µs per KiB and ~190 µs
 * for a request of URL, headers and a 2 KiB body (`npm run bench:matcher -- --frida`), which is
 * more than the 20 % of the hooked write the issue allows. This loop is the same Wu–Manber pass
 * (same hash, same shift table, same verification) compiled by Frida's TinyCC into a CModule: it
 * reads the JavaScript index's own typed arrays in place — GumJS's `ArrayBuffer.prototype.unwrap()`
 * gives an ArrayBuffer's backing store (frida-gum bindings/gumjs/gumquickcore.c,
 * gumjs_array_buffer_unwrap; QuickJS never moves an ArrayBuffer's data) — and returns the hits
 * (pattern id, start); JavaScript then does what is rare and needs the forms: bounds, case,
 * encoding names. So results are the JavaScript loop's, which a real-Frida test checks on random
 * payloads (test/frida/matcher-native.test.ts).
 *
 * Used only where the runtime has CModule and `ArrayBuffer.prototype.unwrap` (real Frida). The
 * Frida stand-in (runner/sandbox) runs in Node, which has neither, so it runs the JavaScript loop.
 *
 * Frida's globals are typed locally: the Node-side tsconfig, which also compiles the matcher, has
 * no frida-gum types.
 */
import type { IndexTables, PatternIndex } from "./id-index.js";

/** A scan loop over the index's tables: calls `hit(patternId, start)` as PatternIndex.scan does; returns the hits it could not deliver. */
export interface ScanEngine {
  scanBytes(ix: PatternIndex, data: Uint8Array, end: number, startLimit: number, hit: (id: number, start: number) => void): number;
  /** Copies an ASCII string out for scanLoaded(); false (nothing to scan) when it is not all ASCII, or holds a NUL. */
  loadAscii(s: string): boolean;
  /** Scans the string loadAscii() copied out; `end` is its length. */
  scanLoaded(ix: PatternIndex, end: number, startLimit: number, hit: (id: number, start: number) => void): number;
}

interface Ptr {
  add(n: number): Ptr;
  writePointer(p: Ptr): Ptr;
  writeS32(n: number): Ptr;
  writeUtf8String(s: string): Ptr;
}
interface FridaGlobals {
  CModule: new (source: string) => Record<string, Ptr>;
  NativeFunction: new (p: Ptr, ret: string, args: string[], options?: { scheduling?: string }) => (...a: unknown[]) => number;
  Memory: { alloc(size: number): Ptr; copy(dst: Ptr, src: Ptr, n: number): void };
  Process: { pointerSize: number };
}
type Unwrappable = { unwrap?: () => Ptr };

/** Hits returned per scan at most; past them the scan counts (the matcher keeps 128 anyway). */
const MAX_HITS = 1024;

const FOLD_TABLE = Array.from({ length: 256 }, (_, i) => (i >= 65 && i <= 90 ? i | 0x20 : i)).join(", ");

/**
 * `Pat` is { bytes, length, ci }: 16 bytes on 64-bit, 12 on 32-bit (pointer + two ints, 4-aligned
 * there): the agent writes entries at `pointerSize + 8` apart. `Index` is four pointers and the
 * window. The hash is id-index.ts's `hash`; the verification is its `verify`.
 */
export const SCAN_SOURCE = `#include <glib.h>

typedef struct { const guint8 * bytes; gint32 length; gint32 ci; } Pat;
typedef struct { const guint8 * shift; const gint32 * head; const gint32 * next; const Pat * pats; gint32 window; } Index;

static const guint8 fold[256] = { ${FOLD_TABLE} };

int
pt_scan (const Index * ix, const guint8 * data, int end, int start_limit, gint32 * hits, int max_hits)
{
  const guint8 * shift = ix->shift;
  int m = ix->window, pos = m - 1, n = 0;
  while (pos < end)
  {
    unsigned int h = ((fold[data[pos - 2]] << 10) ^ (fold[data[pos - 1]] << 5) ^ fold[data[pos]]) & 0xffff;
    int s = shift[h], start, id;
    if (s != 0)
    {
      pos += s;
      continue;
    }
    start = pos - m + 1;
    if (start >= start_limit)
      break;
    for (id = ix->head[h]; id != -1; id = ix->next[id])
    {
      const Pat * p = &ix->pats[id];
      const guint8 * d = data + start;
      int i, len = p->length;
      if (start + len > end)
        continue;
      if (p->ci)
        for (i = 0; i != len && fold[d[i]] == p->bytes[i]; i++)
          ;
      else
        for (i = 0; i != len && d[i] == p->bytes[i]; i++)
          ;
      if (i != len)
        continue;
      if (n < max_hits)
      {
        hits[2 * n] = id;
        hits[2 * n + 1] = start;
      }
      n++;
    }
    pos++;
  }
  return n;
}

/* The length of a NUL-terminated string, or -1 when it holds a byte that is not ASCII. */
int
pt_ascii_length (const guint8 * s)
{
  const guint8 * p;
  for (p = s; *p != 0; p++)
    if (*p >= 0x80)
      return -1;
  return (int) (p - s);
}
`;

const base = (a: ArrayBufferView): Ptr => (a.buffer as unknown as Unwrappable).unwrap!().add(a.byteOffset);

/** The index the C loop last saw, and how much of it is written into native memory. */
interface Bound {
  readonly index: PatternIndex;
  readonly struct: Ptr;
  next: Int32Array | null;
  table: Ptr;
  capacity: number;
  written: number;
}

class NativeScan implements ScanEngine {
  private bound: Bound | null = null;
  private readonly hits = new Int32Array(2 * MAX_HITS);
  private readonly hitsPtr: Ptr;
  private scratch: Ptr | null = null;
  private scratchSize = 0;
  private readonly stride: number;

  constructor(
    private readonly g: FridaGlobals,
    private readonly fn: (...a: unknown[]) => number,
    private readonly ascii: (p: Ptr) => number,
    private readonly keep: unknown,
  ) {
    this.hitsPtr = base(this.hits);
    this.stride = g.Process.pointerSize + 8;
  }

  scanBytes(ix: PatternIndex, data: Uint8Array, end: number, startLimit: number, hit: (id: number, start: number) => void): number {
    if (end <= 0) return 0;
    return this.run(ix, base(data), end, startLimit, hit);
  }

  loadAscii(s: string): boolean {
    // UTF-8 takes at most 3 bytes per UTF-16 unit, plus the NUL.
    if (this.scratchSize < 3 * s.length + 1) {
      this.scratchSize = Math.max(3 * s.length + 1, 4096);
      this.scratch = this.g.Memory.alloc(this.scratchSize);
    }
    this.scratch!.writeUtf8String(s);
    return this.ascii(this.scratch!) === s.length;
  }

  scanLoaded(ix: PatternIndex, end: number, startLimit: number, hit: (id: number, start: number) => void): number {
    return this.run(ix, this.scratch!, end, startLimit, hit);
  }

  private run(ix: PatternIndex, data: Ptr, end: number, startLimit: number, hit: (id: number, start: number) => void): number {
    const b = this.sync(ix);
    const n = this.fn(b.struct, data, end, startLimit, this.hitsPtr, MAX_HITS);
    const hits = this.hits;
    for (let i = 0, k = Math.min(n, MAX_HITS); i < k; i++) hit(hits[2 * i]!, hits[2 * i + 1]!);
    return Math.max(0, n - MAX_HITS);
  }

  /** Writes into native memory what changed in the index since the last scan. */
  private sync(ix: PatternIndex): Bound {
    const t = ix.tables();
    let b = this.bound;
    if (b === null || b.index !== ix) {
      const P = this.g.Process.pointerSize;
      const struct = this.g.Memory.alloc(4 * P + 8);
      struct.writePointer(base(t.shift));
      struct.add(P).writePointer(base(t.head));
      struct.add(4 * P).writeS32(t.window);
      b = this.bound = { index: ix, struct, next: null, table: struct, capacity: 0, written: 0 };
    }
    this.syncPatterns(b, t);
    if (b.next !== t.next) {
      b.struct.add(2 * this.g.Process.pointerSize).writePointer(base(t.next));
      b.next = t.next;
    }
    return b;
  }

  private syncPatterns(b: Bound, t: IndexTables): void {
    const n = t.patterns.length;
    if (n > b.capacity) {
      const capacity = Math.max(64, n * 2);
      const table = this.g.Memory.alloc(capacity * this.stride);
      if (b.written > 0) this.g.Memory.copy(table, b.table, b.written * this.stride);
      b.table = table;
      b.capacity = capacity;
      b.struct.add(3 * this.g.Process.pointerSize).writePointer(table);
    }
    for (let i = b.written; i < n; i++) {
      const p = t.patterns[i]!;
      const at = b.table.add(i * this.stride);
      at.writePointer(base(p.bytes));
      at.add(this.g.Process.pointerSize).writeS32(p.bytes.length);
      at.add(this.g.Process.pointerSize + 4).writeS32(p.ci ? 1 : 0);
    }
    b.written = n;
  }
}

/**
 * The C scan loop where the runtime can build it; null elsewhere (Node, the stand-in), and
 * null with `onError` told why when the CModule cannot be built (the JavaScript loop then runs).
 */
export function nativeScanEngine(onError: (err: unknown) => void): ScanEngine | null {
  const g = globalThis as unknown as Partial<FridaGlobals>;
  if (typeof g.CModule !== "function" || typeof (ArrayBuffer.prototype as unknown as Unwrappable).unwrap !== "function") return null;
  try {
    const cm = new g.CModule(SCAN_SOURCE);
    // "exclusive": the script's lock is held during the C call (frida-gum gumquickcore.c releases it
    // under the default, "cooperative"). Not only speed: released, another thread could run the
    // matcher meanwhile — grow `next` and let the old table be freed, or reuse the hits and
    // scratch buffers — under the C that is reading them.
    const fn = new g.NativeFunction!(cm.pt_scan!, "int", ["pointer", "pointer", "int", "int", "pointer", "int"], { scheduling: "exclusive" });
    const ascii = new g.NativeFunction!(cm.pt_ascii_length!, "int", ["pointer"], { scheduling: "exclusive" });
    return new NativeScan(g as FridaGlobals, fn, ascii, cm);
  } catch (err) {
    onError(err);
    return null;
  }
}

/**
 * One multi-pattern pass over a payload's bytes for every encoded form of every learned value
 * (agent/engine/id-matcher.ts). Wu–Manber (S. Wu, U. Manber, "A fast algorithm for multi-pattern
 * searching", TR-94-17, 1994): a window of the shortest pattern length m slides over the payload;
 * the hash of its last 3 bytes indexes a shift table that lets the window jump up to m−2 bytes
 * when those bytes end no pattern prefix, so random bytes cost well under one step per byte,
 * which matters under an interpreter (Frida's QuickJS, `node --jitless`). Only a zero shift looks
 * at candidates, which are then verified byte by byte. Tables: a 64 Ki-entry Uint8Array and a
 * 64 Ki-entry Int32Array (320 KiB) whatever the number of patterns.
 *
 * Hashing and the shift table work on ASCII-case-folded bytes; a case-sensitive pattern (base64,
 * a serial, an SSID) is verified on the raw bytes.
 */

export interface IndexedPattern {
  /** The pattern's bytes; ASCII lower-case when `ci`. */
  readonly bytes: Uint8Array;
  readonly ci: boolean;
}

const BLOCK = 3;
const SIZE = 1 << 16;
const MAX_WINDOW = 16;

/** ASCII case folding: A–Z to a–z, every other byte unchanged. */
export const FOLD: Uint8Array = (() => {
  const f = new Uint8Array(256);
  for (let i = 0; i < 256; i++) f[i] = i >= 65 && i <= 90 ? i | 0x20 : i;
  return f;
})();

/** The C loop (agent/engine/id-scan-native.ts) computes the same hash: change both or neither. */
const hash = (a: number, b: number, c: number): number => ((a << 10) ^ (b << 5) ^ c) & (SIZE - 1);

/** What a scan loop in another language reads (agent/engine/id-scan-native.ts): the index's tables as they are. */
export interface IndexTables {
  readonly window: number;
  readonly shift: Uint8Array;
  readonly head: Int32Array;
  readonly next: Int32Array;
  readonly patterns: readonly IndexedPattern[];
}

export class PatternIndex {
  /** Window length: the shortest pattern, at most MAX_WINDOW. */
  readonly window: number;
  private _maxLength: number;
  private readonly shift = new Uint8Array(SIZE);
  private readonly head = new Int32Array(SIZE).fill(-1);
  private next: Int32Array;
  private readonly patterns: IndexedPattern[];

  constructor(patterns: readonly IndexedPattern[]) {
    this.patterns = [...patterns];
    let min = MAX_WINDOW;
    let max = 0;
    for (const p of patterns) {
      min = Math.min(min, p.bytes.length);
      max = Math.max(max, p.bytes.length);
    }
    if (min < BLOCK) throw new Error(`pattern shorter than ${BLOCK} bytes`);
    this.window = min;
    this._maxLength = max;
    this.next = new Int32Array(patterns.length).fill(-1);
    this.shift.fill(min - BLOCK + 1);
    patterns.forEach((p, id) => this.add(p.bytes, id));
  }

  /** The tables, for a scan loop in C; `next` is replaced when it grows, `patterns` only appended to. */
  tables(): IndexTables {
    return { window: this.window, shift: this.shift, head: this.head, next: this.next, patterns: this.patterns };
  }

  /** The longest pattern's length. */
  get maxLength(): number {
    return this._maxLength;
  }

  /**
   * Adds a pattern in place (a newly learned value: no rebuild of the tables), or returns
   * false when it is shorter than the window, which only a rebuild can accommodate.
   */
  tryAdd(p: IndexedPattern): boolean {
    if (p.bytes.length < this.window) return false;
    const id = this.patterns.length;
    this.patterns.push(p);
    if (id >= this.next.length) {
      const grown = new Int32Array(Math.max(16, this.next.length * 2)).fill(-1);
      grown.set(this.next);
      this.next = grown;
    }
    this._maxLength = Math.max(this._maxLength, p.bytes.length);
    this.add(p.bytes, id);
    return true;
  }

  private add(b: Uint8Array, id: number): void {
    const m = this.window;
    const f = (i: number): number => FOLD[b[i]!]!;
    for (let q = BLOCK - 1; q < m; q++) {
      const h = hash(f(q - 2), f(q - 1), f(q));
      this.shift[h] = Math.min(this.shift[h]!, m - 1 - q);
    }
    const h = hash(f(m - 3), f(m - 2), f(m - 1));
    this.next[id] = this.head[h]!;
    this.head[h] = id;
  }

  /**
   * Calls `hit(patternId, start)` for every occurrence in `data[0, end)` that starts before
   * `startLimit`. Occurrences of one pattern may overlap.
   */
  scan(data: Uint8Array, end: number, startLimit: number, hit: (id: number, start: number) => void): void {
    const m = this.window;
    const { shift, head, next, patterns } = this;
    const fold = FOLD;
    let pos = m - 1;
    while (pos < end) {
      const h = ((fold[data[pos - 2]!]! << 10) ^ (fold[data[pos - 1]!]! << 5) ^ fold[data[pos]!]!) & (SIZE - 1);
      const s = shift[h]!;
      if (s !== 0) {
        pos += s;
        continue;
      }
      const start = pos - m + 1;
      if (start >= startLimit) break;
      for (let id = head[h]!; id !== -1; id = next[id]!) {
        if (verify(patterns[id]!, data, start, end)) hit(id, start);
      }
      pos++;
    }
  }

  /**
   * scan() over an ASCII string's char codes, which are its UTF-8 bytes. Reads only the
   * characters the windows land on: encoding the whole string first cost more, under an
   * interpreter, than scanning it (38 µs against 10 µs for 2 KiB under `node --jitless`).
   */
  scanAscii(data: string, end: number, startLimit: number, hit: (id: number, start: number) => void): void {
    const m = this.window;
    const { shift, head, next, patterns } = this;
    const fold = FOLD;
    let pos = m - 1;
    while (pos < end) {
      const h = ((fold[data.charCodeAt(pos - 2)]! << 10) ^ (fold[data.charCodeAt(pos - 1)]! << 5) ^ fold[data.charCodeAt(pos)]!) & (SIZE - 1);
      const s = shift[h]!;
      if (s !== 0) {
        pos += s;
        continue;
      }
      const start = pos - m + 1;
      if (start >= startLimit) break;
      for (let id = head[h]!; id !== -1; id = next[id]!) {
        if (verifyAscii(patterns[id]!, data, start, end)) hit(id, start);
      }
      pos++;
    }
  }
}

function verify(p: IndexedPattern, data: Uint8Array, start: number, end: number): boolean {
  const b = p.bytes;
  const n = b.length;
  if (start + n > end) return false;
  if (p.ci) {
    for (let i = 0; i < n; i++) if (FOLD[data[start + i]!] !== b[i]) return false;
  } else {
    for (let i = 0; i < n; i++) if (data[start + i] !== b[i]) return false;
  }
  return true;
}

function verifyAscii(p: IndexedPattern, data: string, start: number, end: number): boolean {
  const b = p.bytes;
  const n = b.length;
  if (start + n > end) return false;
  if (p.ci) {
    for (let i = 0; i < n; i++) if (FOLD[data.charCodeAt(start + i)] !== b[i]) return false;
  } else {
    for (let i = 0; i < n; i++) if (data.charCodeAt(start + i) !== b[i]) return false;
  }
  return true;
}

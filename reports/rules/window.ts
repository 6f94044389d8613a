const MAX_KEPT = 1 << 14;
const SAMPLE = 5;

/** What a window remembers of its busiest stretch. */
export interface WindowPeak {
  /** Highest count seen in one window. */
  max: number;
  /** Time of the call that made it. */
  maxAt: number;
  /** Time of the first call in that window. */
  maxFrom: number;
  /** Seqs of that window's first few calls and its last. */
  maxSeqs: number[];
  /** The window held MAX_KEPT calls and dropped older ones: the maximum is "at least". */
  saturated: boolean;
}

/** The calls a window holds, oldest first: (time, seq) in a ring that doubles up to MAX_KEPT. */
class CallRing {
  private times = new Float64Array(8);
  private seqs = new Float64Array(8);
  private head = 0;
  size = 0;

  /** Time of the i-th oldest call. */
  time(i: number): number {
    return this.times[(this.head + i) & (this.times.length - 1)]!;
  }

  dropOldest(): void {
    this.head = (this.head + 1) & (this.times.length - 1);
    this.size--;
  }

  /** Makes room for one more call; true when the ring was full at MAX_KEPT and dropped its oldest. */
  makeRoom(): boolean {
    const cap = this.times.length;
    if (this.size < cap) return false;
    if (cap >= MAX_KEPT) {
      this.dropOldest();
      return true;
    }
    const times = new Float64Array(cap * 2);
    const seqs = new Float64Array(cap * 2);
    for (let i = 0; i < this.size; i++) {
      times[i] = this.times[(this.head + i) & (cap - 1)]!;
      seqs[i] = this.seqs[(this.head + i) & (cap - 1)]!;
    }
    this.times = times;
    this.seqs = seqs;
    this.head = 0;
    return false;
  }

  push(t: number, seq: number): void {
    const slot = (this.head + this.size) & (this.times.length - 1);
    this.times[slot] = t;
    this.seqs[slot] = seq;
    this.size++;
  }

  /** Records a new maximum: the `size` newest calls from the `from`-th oldest, the last being (t, seq). */
  record(p: WindowPeak, from: number, size: number, t: number, seq: number): void {
    const mask = this.times.length - 1;
    const start = (this.head + from) & mask;
    p.max = size;
    p.maxAt = t;
    p.maxFrom = this.times[start]!;
    const first = Math.min(SAMPLE, size - 1);
    p.maxSeqs = [];
    for (let i = 0; i < first; i++) p.maxSeqs.push(this.seqs[(start + i) & mask]!);
    p.maxSeqs.push(seq);
  }
}

/**
 * Counts events in a sliding time window (t − width, t] and remembers the highest count with the
 * window it happened in (its first and last time, the seqs of its first few calls and of its
 * last). Memory is bounded by the highest count itself, capped at 16384: past that the maximum is
 * reported as "at least".
 */
export class SlidingWindow implements WindowPeak {
  private readonly ring = new CallRing();
  max = 0;
  maxAt = 0;
  maxFrom = 0;
  maxSeqs: number[] = [];
  saturated = false;

  constructor(private readonly width: number) {}

  /** Adds a call; returns true when it makes a new maximum. */
  add(t: number, seq: number): boolean {
    const ring = this.ring;
    const edge = t - this.width;
    while (ring.size > 0 && ring.time(0) <= edge) ring.dropOldest();
    if (ring.makeRoom()) this.saturated = true;
    ring.push(t, seq);
    if (ring.size <= this.max) return false;
    ring.record(this, 0, ring.size, t, seq);
    return true;
  }
}

/**
 * Two sliding windows over the same calls — a short one (one second) and a long one (a minute)
 * — sharing one ring: the short window is always the newest part of the long one, so each call
 * is stored once. Exactly what two SlidingWindows would report (tested against them).
 */
export class DualWindow {
  /** The long window's calls. */
  private readonly ring = new CallRing();
  /** Calls of the long window before the short one starts. */
  private skip = 0;
  readonly short: WindowPeak = { max: 0, maxAt: 0, maxFrom: 0, maxSeqs: [], saturated: false };
  readonly long: WindowPeak = { max: 0, maxAt: 0, maxFrom: 0, maxSeqs: [], saturated: false };

  constructor(
    private readonly shortWidth: number,
    private readonly longWidth: number,
  ) {}

  /** Adds a call; returns 1 | 2 when it makes a new maximum of the short | long window. */
  add(t: number, seq: number): number {
    const ring = this.ring;
    const longEdge = t - this.longWidth;
    while (ring.size > 0 && ring.time(0) <= longEdge) {
      ring.dropOldest();
      // Past the short window's start: those calls are older than the short window anyway.
      if (this.skip > 0) this.skip--;
    }
    const shortEdge = t - this.shortWidth;
    while (this.skip < ring.size && ring.time(this.skip) <= shortEdge) this.skip++;
    if (ring.makeRoom()) {
      this.long.saturated = true;
      if (this.skip === 0) this.short.saturated = true;
      else this.skip--;
    }
    ring.push(t, seq);
    let made = 0;
    const shortSize = ring.size - this.skip;
    if (shortSize > this.short.max) {
      ring.record(this.short, this.skip, shortSize, t, seq);
      made |= 1;
    }
    if (ring.size > this.long.max) {
      ring.record(this.long, 0, ring.size, t, seq);
      made |= 2;
    }
    return made;
  }
}

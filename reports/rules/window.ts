const MAX_KEPT = 1 << 14;
const SAMPLE = 5;

/**
 * Counts events in a sliding time window (t − width, t] and remembers the highest count with the
 * window it happened in (its first and last time, the seqs of its first few calls and of its
 * last). Memory is bounded by the highest count itself, capped at 16384: past that the maximum is
 * reported as "at least".
 */
export class SlidingWindow {
  private times = new Float64Array(8);
  private seqs = new Float64Array(8);
  private head = 0;
  private size = 0;
  max = 0;
  maxAt = 0;
  /** Time of the first call in the busiest window. */
  maxFrom = 0;
  /** Seqs of the busiest window's first few calls and its last. */
  maxSeqs: number[] = [];
  saturated = false;

  constructor(private readonly width: number) {}

  /** Adds a call; returns true when it makes a new maximum. */
  add(t: number, seq: number): boolean {
    let mask = this.times.length - 1; // capacities are powers of two
    const edge = t - this.width;
    while (this.size > 0 && this.times[this.head]! <= edge) {
      this.head = (this.head + 1) & mask;
      this.size--;
    }
    if (this.size === mask + 1) {
      if (mask + 1 >= MAX_KEPT) {
        this.saturated = true;
        this.head = (this.head + 1) & mask;
        this.size--;
      } else {
        const times = new Float64Array((mask + 1) * 2);
        const seqs = new Float64Array((mask + 1) * 2);
        for (let i = 0; i < this.size; i++) {
          times[i] = this.times[(this.head + i) & mask]!;
          seqs[i] = this.seqs[(this.head + i) & mask]!;
        }
        this.times = times;
        this.seqs = seqs;
        this.head = 0;
        mask = times.length - 1;
      }
    }
    const slot = (this.head + this.size) & mask;
    this.times[slot] = t;
    this.seqs[slot] = seq;
    this.size++;
    if (this.size <= this.max) return false;
    this.max = this.size;
    this.maxAt = t;
    this.maxFrom = this.times[this.head]!;
    const first = Math.min(SAMPLE, this.size - 1);
    this.maxSeqs = [];
    for (let i = 0; i < first; i++) this.maxSeqs.push(this.seqs[(this.head + i) & mask]!);
    this.maxSeqs.push(seq);
    return true;
  }
}

/** What a window remembers of its busiest stretch (the fields of SlidingWindow). */
export interface WindowPeak {
  max: number;
  maxAt: number;
  maxFrom: number;
  maxSeqs: number[];
  saturated: boolean;
}

/**
 * Two sliding windows over the same calls — a short one (one second) and a long one (a minute)
 * — sharing one ring: the short window is always the newest part of the long one, so each call
 * is stored once. Exactly what two SlidingWindows would report (tested against them).
 */
export class DualWindow {
  private times = new Float64Array(8);
  private seqs = new Float64Array(8);
  /** The long window: `size` calls from `head`. */
  private head = 0;
  private size = 0;
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
    let mask = this.times.length - 1;
    const longEdge = t - this.longWidth;
    while (this.size > 0 && this.times[this.head]! <= longEdge) {
      this.head = (this.head + 1) & mask;
      this.size--;
      // Past the short window's start: those calls are older than the short window anyway.
      if (this.skip > 0) this.skip--;
    }
    const shortEdge = t - this.shortWidth;
    while (this.skip < this.size && this.times[(this.head + this.skip) & mask]! <= shortEdge) this.skip++;
    if (this.size === mask + 1) {
      if (mask + 1 >= MAX_KEPT) {
        this.long.saturated = true;
        if (this.skip === 0) this.short.saturated = true;
        else this.skip--;
        this.head = (this.head + 1) & mask;
        this.size--;
      } else {
        const times = new Float64Array((mask + 1) * 2);
        const seqs = new Float64Array((mask + 1) * 2);
        for (let i = 0; i < this.size; i++) {
          times[i] = this.times[(this.head + i) & mask]!;
          seqs[i] = this.seqs[(this.head + i) & mask]!;
        }
        this.times = times;
        this.seqs = seqs;
        this.head = 0;
        mask = times.length - 1;
      }
    }
    const slot = (this.head + this.size) & mask;
    this.times[slot] = t;
    this.seqs[slot] = seq;
    this.size++;
    let made = 0;
    const shortSize = this.size - this.skip;
    if (shortSize > this.short.max) {
      this.peak(this.short, shortSize, (this.head + this.skip) & mask, t, seq);
      made |= 1;
    }
    if (this.size > this.long.max) {
      this.peak(this.long, this.size, this.head, t, seq);
      made |= 2;
    }
    return made;
  }

  private peak(p: WindowPeak, size: number, from: number, t: number, seq: number): void {
    const mask = this.times.length - 1;
    p.max = size;
    p.maxAt = t;
    p.maxFrom = this.times[from]!;
    const first = Math.min(SAMPLE, size - 1);
    p.maxSeqs = [];
    for (let i = 0; i < first; i++) p.maxSeqs.push(this.seqs[(from + i) & mask]!);
    p.maxSeqs.push(seq);
  }
}

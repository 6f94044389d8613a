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
  /** A tagged window's busiest stretch by tag (the all-parties counters tag each call with its party): [tag, calls]. */
  maxTags?: (readonly [number, number])[];
}

/** Calls in a window by tag (a small non-negative integer: a party index), kept as calls enter and leave it. */
export class TagCount {
  private counts = new Float64Array(8);
  private top = 0;

  add(tag: number): void {
    if (tag >= this.counts.length) {
      const grown = new Float64Array(Math.max(tag + 1, this.counts.length * 2));
      grown.set(this.counts);
      this.counts = grown;
    }
    this.counts[tag]!++;
    if (tag >= this.top) this.top = tag + 1;
  }

  remove(tag: number): void {
    if (tag < this.counts.length && this.counts[tag]! > 0) this.counts[tag]!--;
  }

  clear(): void {
    this.counts.fill(0, 0, this.top);
    this.top = 0;
  }

  snapshot(): (readonly [number, number])[] {
    const out: [number, number][] = [];
    for (let i = 0; i < this.top; i++) if (this.counts[i]! > 0) out.push([i, this.counts[i]!]);
    return out;
  }
}

/** The calls a window holds, oldest first: (time, seq) in a ring that doubles up to MAX_KEPT. */
class CallRing {
  private times = new Float64Array(8);
  private seqs = new Float64Array(8);
  /** Each call's tag, for a tagged window only. */
  private tags: Float64Array | undefined;
  private head = 0;
  size = 0;

  constructor(tagged = false) {
    if (tagged) this.tags = new Float64Array(8);
  }

  /** Tag of the i-th oldest call (0 when untagged). */
  tag(i: number): number {
    return this.tags ? this.tags[(this.head + i) & (this.times.length - 1)]! : 0;
  }

  /** The ring is full at MAX_KEPT: the next makeRoom drops the oldest call. */
  atCap(): boolean {
    return this.size >= this.times.length && this.times.length >= MAX_KEPT;
  }

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
    const tags = this.tags ? new Float64Array(cap * 2) : undefined;
    for (let i = 0; i < this.size; i++) {
      times[i] = this.times[(this.head + i) & (cap - 1)]!;
      seqs[i] = this.seqs[(this.head + i) & (cap - 1)]!;
      if (tags) tags[i] = this.tags![(this.head + i) & (cap - 1)]!;
    }
    this.times = times;
    this.seqs = seqs;
    this.tags = tags;
    this.head = 0;
    return false;
  }

  push(t: number, seq: number, tag = 0): void {
    const slot = (this.head + this.size) & (this.times.length - 1);
    this.times[slot] = t;
    this.seqs[slot] = seq;
    if (this.tags) this.tags[slot] = tag;
    this.size++;
  }

  /** Records a new maximum: the `size` newest calls from the `from`-th oldest, the last being (t, seq). */
  record(p: WindowPeak, from: number, size: number, t: number, seq: number, tags?: TagCount): void {
    if (tags) p.maxTags = tags.snapshot();
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
  private readonly ring: CallRing;
  /** Calls in the window by tag, when tagged. */
  private readonly counts: TagCount | undefined;
  max = 0;
  maxAt = 0;
  maxFrom = 0;
  maxSeqs: number[] = [];
  saturated = false;
  maxTags?: (readonly [number, number])[];

  constructor(
    private readonly width: number,
    tagged = false,
  ) {
    this.ring = new CallRing(tagged);
    this.counts = tagged ? new TagCount() : undefined;
  }

  /** Adds a call; returns true when it makes a new maximum. */
  add(t: number, seq: number, tag = 0): boolean {
    const ring = this.ring;
    const counts = this.counts;
    const edge = t - this.width;
    while (ring.size > 0 && ring.time(0) <= edge) {
      counts?.remove(ring.tag(0));
      ring.dropOldest();
    }
    if (counts && ring.atCap()) counts.remove(ring.tag(0));
    if (ring.makeRoom()) this.saturated = true;
    ring.push(t, seq, tag);
    counts?.add(tag);
    if (ring.size <= this.max) return false;
    ring.record(this, 0, ring.size, t, seq, counts);
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
  private readonly ring: CallRing;
  /** Calls of the long window before the short one starts. */
  private skip = 0;
  /** Calls in each window by tag, when tagged. */
  private readonly shortCounts: TagCount | undefined;
  private readonly longCounts: TagCount | undefined;
  readonly short: WindowPeak = { max: 0, maxAt: 0, maxFrom: 0, maxSeqs: [], saturated: false };
  readonly long: WindowPeak = { max: 0, maxAt: 0, maxFrom: 0, maxSeqs: [], saturated: false };

  constructor(
    private readonly shortWidth: number,
    private readonly longWidth: number,
    tagged = false,
  ) {
    this.ring = new CallRing(tagged);
    this.shortCounts = tagged ? new TagCount() : undefined;
    this.longCounts = tagged ? new TagCount() : undefined;
  }

  /** Drops the oldest call of the long window (and of the short one when they start together). */
  private dropOldest(): void {
    const tag = this.ring.tag(0);
    this.longCounts?.remove(tag);
    // Past the short window's start: those calls are older than the short window anyway.
    if (this.skip > 0) this.skip--;
    else this.shortCounts?.remove(tag);
    this.ring.dropOldest();
  }

  /** Adds a call; returns 1 | 2 when it makes a new maximum of the short | long window. */
  add(t: number, seq: number, tag = 0): number {
    const ring = this.ring;
    const longEdge = t - this.longWidth;
    while (ring.size > 0 && ring.time(0) <= longEdge) this.dropOldest();
    const shortEdge = t - this.shortWidth;
    while (this.skip < ring.size && ring.time(this.skip) <= shortEdge) {
      this.shortCounts?.remove(ring.tag(this.skip));
      this.skip++;
    }
    if (ring.atCap()) {
      this.long.saturated = true;
      if (this.skip === 0) this.short.saturated = true;
      this.dropOldest();
    }
    ring.makeRoom();
    ring.push(t, seq, tag);
    this.shortCounts?.add(tag);
    this.longCounts?.add(tag);
    let made = 0;
    const shortSize = ring.size - this.skip;
    if (shortSize > this.short.max) {
      ring.record(this.short, this.skip, shortSize, t, seq, this.shortCounts);
      made |= 1;
    }
    if (ring.size > this.long.max) {
      ring.record(this.long, 0, ring.size, t, seq, this.longCounts);
      made |= 2;
    }
    return made;
  }
}

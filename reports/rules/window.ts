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

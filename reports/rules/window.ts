const MAX_KEPT = 1 << 14;

/**
 * Counts events in a sliding time window and remembers the highest count, in memory bounded by
 * the highest count itself (capped at 16384: past that the maximum is reported as "at least").
 */
export class SlidingWindow {
  private buf = new Float64Array(8);
  private head = 0;
  private size = 0;
  max = 0;
  maxAt = 0;
  saturated = false;

  constructor(private readonly width: number) {}

  add(t: number): void {
    let mask = this.buf.length - 1; // capacities are powers of two
    // Drop what left the window.
    const edge = t - this.width;
    while (this.size > 0 && this.buf[this.head]! <= edge) {
      this.head = (this.head + 1) & mask;
      this.size--;
    }
    if (this.size === mask + 1) {
      if (mask + 1 >= MAX_KEPT) {
        this.saturated = true;
        this.head = (this.head + 1) & mask;
        this.size--;
      } else {
        const bigger = new Float64Array((mask + 1) * 2);
        for (let i = 0; i < this.size; i++) bigger[i] = this.buf[(this.head + i) & mask]!;
        this.buf = bigger;
        this.head = 0;
        mask = bigger.length - 1;
      }
    }
    this.buf[(this.head + this.size) & mask] = t;
    this.size++;
    if (this.size > this.max) {
      this.max = this.size;
      this.maxAt = t;
    }
  }
}

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
    const cap = this.buf.length;
    // Drop what left the window.
    while (this.size > 0 && this.buf[this.head]! <= t - this.width) {
      this.head = (this.head + 1) % cap;
      this.size--;
    }
    if (this.size === cap) {
      if (cap >= MAX_KEPT) {
        this.saturated = true;
        this.head = (this.head + 1) % cap;
        this.size--;
      } else {
        const bigger = new Float64Array(cap * 2);
        for (let i = 0; i < this.size; i++) bigger[i] = this.buf[(this.head + i) % cap]!;
        this.buf = bigger;
        this.head = 0;
      }
    }
    const c = this.buf.length;
    this.buf[(this.head + this.size) % c] = t;
    this.size++;
    if (this.size > this.max) {
      this.max = this.size;
      this.maxAt = t;
    }
  }
}

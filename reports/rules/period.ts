/** One stretch of regular calls. */
export interface PeriodicEpisode {
  /** Mean interval between occurrences, ms. */
  readonly period: number;
  /** Largest deviation of an interval from the period, ms. */
  readonly jitter: number;
  readonly occurrences: number;
  /** Intervals that matched the period directly (the rest are missed ticks). */
  readonly direct: number;
  readonly start: number;
  readonly end: number;
}

export interface PeriodOptions {
  /** Calls closer than this belong to one occurrence (a poll that reads several providers at once). */
  readonly burstGapMs: number;
  /** An interval matches the period when within max(relTolerance × period, absToleranceMs). */
  readonly relTolerance: number;
  readonly absToleranceMs: number;
  /** Episodes shorter than this many occurrences are not reported. */
  readonly minOccurrences: number;
}

const KEEP = 3;

/**
 * Streams timestamps and finds periodic polling ("every 30 s") in O(1) memory: a chain of
 * intervals that stay within tolerance of their running mean is an episode; a missed tick
 * (an interval of two or three periods) does not break it; anything else closes it, and so
 * does an occurrence whose burst lasts longer than a quarter of the interval (dense traffic).
 * Keeps the three longest episodes.
 */
export class PeriodDetector {
  private lastT = -Infinity;
  private lastOcc = -Infinity;
  private mean = 0;
  private intervals = 0;
  private occurrences = 0;
  private chainStart = 0;
  /** Intervals that matched directly (not through a missed tick). */
  private direct = 0;
  private missed = 0;
  private minInterval = Infinity;
  private maxInterval = 0;
  readonly episodes: PeriodicEpisode[] = [];
  episodeCount = 0;
  /** Occurrences (bursts) seen in all: the number of chances random traffic had to look regular. */
  totalOccurrences = 0;

  constructor(private readonly opt: PeriodOptions) {}

  add(t: number): void {
    if (t - this.lastT < this.opt.burstGapMs) {
      if (t > this.lastT) this.lastT = t;
      return;
    }
    // The occurrence that just ended spanned lastOcc..lastT: a long one is a stream, not a poll.
    const burst = this.lastT - this.lastOcc;
    this.lastT = t;
    this.totalOccurrences++;
    if (this.lastOcc === -Infinity) {
      this.lastOcc = t;
      this.chainStart = t;
      this.occurrences = 1;
      return;
    }
    const interval = t - this.lastOcc;
    if (burst > Math.max(this.opt.burstGapMs, interval / 4)) {
      this.close();
      this.chainStart = t;
      this.lastOcc = t;
      return;
    }
    if (this.intervals === 0) {
      this.startChain(interval);
    } else {
      const tol = Math.max(this.opt.relTolerance * this.mean, this.opt.absToleranceMs);
      const ticks = Math.round(interval / this.mean);
      if (Math.abs(interval - this.mean) <= tol) {
        this.mean = (this.mean * this.intervals + interval) / (this.intervals + 1);
        this.intervals++;
        this.direct++;
        this.occurrences++;
        if (interval < this.minInterval) this.minInterval = interval;
        if (interval > this.maxInterval) this.maxInterval = interval;
      } else if (ticks === 2 && this.missed < Math.floor(this.direct / 4) && Math.abs(interval - 2 * this.mean) <= tol) {
        // A missed tick in an established chain (at most one per four direct matches): the
        // poller is still on its period.
        this.intervals += 2;
        this.missed++;
        this.occurrences++;
      } else {
        this.close();
        this.chainStart = this.lastOcc;
        this.startChain(interval);
      }
    }
    this.lastOcc = t;
  }

  private startChain(interval: number): void {
    this.mean = interval;
    this.intervals = 1;
    this.direct = 1;
    this.missed = 0;
    this.occurrences = 2;
    this.minInterval = interval;
    this.maxInterval = interval;
  }

  /**
   * Occurrences an episode needs to be told apart from chance in this stream. An interval of
   * irregular traffic lands within ±r of a given period with probability p ≤ 2r (a conservative
   * bound: it holds for exponential, shifted-exponential and bursty gaps alike), so a run of n
   * occurrences (n − 2 matching intervals after the first sets the period) appears by chance at
   * most (N − n + 1)·p^(n−2) times among N occurrences. The episode must bring that under 1%.
   */
  requiredOccurrences(): number {
    const p = Math.min(0.9, 2 * this.opt.relTolerance);
    const total = this.totalOccurrences;
    let n = this.opt.minOccurrences;
    while (Math.max(1, total - n + 1) * p ** (n - 2) >= 0.01 && n < total) n++;
    return n;
  }

  /** The longest episode that random traffic would not explain, if any. */
  significant(accept: (e: PeriodicEpisode) => boolean = () => true): PeriodicEpisode | undefined {
    const need = this.requiredOccurrences();
    return this.episodes.find((e) => e.direct + 1 >= need && accept(e));
  }

  /** Ends the current chain; call once after the last timestamp. */
  close(): void {
    // Missed ticks extend an episode but do not make one: it needs enough direct matches.
    if (this.direct + 1 >= this.opt.minOccurrences && this.intervals > 0) {
      this.episodeCount++;
      const jitter = Math.max(this.maxInterval - this.mean, this.mean - this.minInterval);
      const ep: PeriodicEpisode = { period: this.mean, jitter, occurrences: this.occurrences, direct: this.direct, start: this.chainStart, end: this.lastOcc };
      this.episodes.push(ep);
      this.episodes.sort((a, b) => b.occurrences - a.occurrences);
      if (this.episodes.length > KEEP) this.episodes.pop();
    }
    this.intervals = 0;
    this.direct = 0;
    this.missed = 0;
    this.occurrences = this.lastOcc === -Infinity ? 0 : 1;
  }
}

/** "every 30 s", "every 2.5 s", "every 5 min". */
export function describePeriod(ms: number): string {
  const s = ms / 1000;
  if (s < 60) return `every ${s < 10 ? Math.round(s * 10) / 10 : Math.round(s)} s`;
  const m = s / 60;
  return `every ${m < 10 ? Math.round(m * 10) / 10 : Math.round(m)} min`;
}

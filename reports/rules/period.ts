import { fitGrid, minimaxRange, scratchFor, widestCovered, type Beats, type Scratch } from "./period-fit.js";

export { minimaxTolerance } from "./period-fit.js";

/** One stretch of beats on a regular grid. */
export interface PeriodicEpisode {
  /** The grid's period, ms: least squares of the beat times against their grid indices. */
  readonly period: number;
  /** Root mean square of the beats' distances from the fitted grid, ms. */
  readonly dispersion: number;
  /** Largest distance of a beat from the fitted grid, ms. */
  readonly jitter: number;
  /** The smallest ± share of the period within which some grid holds every beat (minimax fit). */
  readonly tolerance: number;
  /** Beats on the grid. */
  readonly occurrences: number;
  /** Grid slots between the first and the last beat without a beat (missed ticks). */
  readonly missing: number;
  readonly start: number;
  readonly end: number;
  /** How often irregular activity of this key's size would hold such a stretch (see `chanceOf`). */
  readonly chance: number;
}

/**
 * The policy's numbers for frequency.periodic_polling (reports/rules/families/frequency.ts), with
 * their strict defaults; POLLING_SCHEMA gives their ranges (an out-of-range value is a one-line
 * error naming the policy file, line and key) and says what each governs.
 */
export const POLLING_DEFAULTS = {
  minPeriodMs: 1000,
  maxPeriodSec: 1800,
  relTolerance: 0.15,
  maxMissedFraction: 0.34,
  minOccurrences: 6,
  maxChance: 1e-4,
  burstGapMs: 500,
  absToleranceMs: 100,
};
export type PollingNumbers = Readonly<typeof POLLING_DEFAULTS>;
/** What the detector reads: the numbers, with the longest period in ms. A beat may lie up to max(relTolerance × period, absToleranceMs) from its grid point. */
export type PeriodOptions = Omit<PollingNumbers, "maxPeriodSec"> & { readonly maxPeriodMs: number };

/** JSON Schema of the numbers; the ranges keep the detector meaningful (see each description). */
export const POLLING_SCHEMA = {
  minPeriodMs: { type: "number", minimum: 100, maximum: 3_600_000, description: "Shortest period reported, ms (faster reads are the rate rules' business)." },
  maxPeriodSec: { type: "number", exclusiveMinimum: 0, maximum: 86_400, description: "Longest period reported, s." },
  relTolerance: { type: "number", minimum: 0.01, maximum: 0.25, description: "How far each beat may stray from the grid, as a share of the period; past 0.25 every instant is near some grid point." },
  maxMissedFraction: { type: "number", minimum: 0, maximum: 0.5, description: "Share of an episode's grid slots that may lack a beat (0.34: up to a third)." },
  minOccurrences: { type: "integer", minimum: 3, maximum: 1000, description: "Fewest beats of an episode." },
  maxChance: { type: "number", exclusiveMinimum: 0, maximum: 0.01, description: "Highest chance that irregular activity of the same size holds such an episode." },
  burstGapMs: { type: "number", minimum: 0, maximum: 60_000, description: "Calls closer than this make one beat (a poll reading several providers at once)." },
  absToleranceMs: { type: "number", minimum: 0, maximum: 10_000, description: "Tolerance floor, ms, for very short periods (timer resolution)." },
} as const;

/** Fitted periods walked again over the whole buffer, per key. */
const CANDIDATES = 6;
/**
 * Beats kept per key before the buffer is analysed and emptied (1 MB of times and durations): 18 h
 * of a poll every second. An episode crossing the cut is reported in two.
 */
const MAX_BEATS = 1 << 16;

const tolOf = (p: number, opt: PeriodOptions): number => Math.max(opt.relTolerance * p, opt.absToleranceMs);

/**
 * Splits a walked run into episodes: a run whose beats no grid holds within the tolerance
 * (minimaxTolerance) is split at the beat furthest from its least-squares grid; a run with too
 * many missed slots keeps its widest covered part (the rest is tried on its own). What stays is
 * an episode, reported with its least-squares period and the spread of its residuals.
 * Iterative, so a long run cannot overflow the stack.
 */
function settle(beats: Beats, run: Scratch, len: number, opt: PeriodOptions, out: Omit<PeriodicEpisode, "chance">[]): void {
  const { idx, ks, xs } = run;
  const todo: [number, number][] = [[0, len]];
  while (todo.length > 0) {
    const [from, to] = todo.pop()!;
    if (to - from < opt.minOccurrences) continue;
    const fit = fitGrid(beats, idx, ks, from, to);
    if (!(fit.p > 0)) continue;
    const [i, j] = widestCovered(ks, from, to, opt.maxMissedFraction);
    // No stretch of it is long enough (a grid at half the period holds every beat of a run
    // but never covers two thirds of its slots): nothing to try.
    if (j - i < opt.minOccurrences) continue;
    if (j - i < to - from) {
      todo.push([i, j], [from, i], [j, to]);
      continue;
    }
    const tol = minimaxRange(ks, xs, from, to, opt.absToleranceMs);
    if (!within(tol, fit.p, opt)) {
      todo.push([from, fit.worstAt], [fit.worstAt + 1, to]);
      continue;
    }
    const m = to - from;
    out.push({
      period: fit.p,
      dispersion: Math.sqrt(fit.sumSq / m),
      jitter: fit.worst,
      tolerance: tol.rel,
      occurrences: m,
      missing: ks[to - 1]! - ks[from]! + 1 - m,
      start: beats.t[idx[from]!]!,
      end: beats.t[idx[to - 1]!]!,
    });
  }
}

/**
 * The period to extend a run with: the candidate p0, known to a relative standard deviation sd0,
 * and the run's own least-squares slope (its variance: the beats' variance, tolerance²/3 for
 * jitter uniform within the tolerance, over the spread of their indices), weighted by their
 * inverse variances. A short run's slope is noisy — three beats jittered by ±15 % can put it
 * 15 % off — so the candidate leads until the run has spread out.
 */
function blendPeriod(p0: number, sd0: number, n: number, sk: number, skk: number, st: number, skt: number, opt: PeriodOptions): number {
  const spread = skk - (sk * sk) / n;
  if (n < 2 || spread <= 0) return p0;
  const q = (skt - (sk * st) / n) / spread;
  const tol = tolOf(p0, opt);
  const w0 = 1 / (sd0 * p0) ** 2;
  const wq = spread / ((tol * tol) / 3);
  const p = (w0 * p0 + wq * q) / (w0 + wq);
  return p > p0 / 2 && p < p0 * 2 ? p : p0;
}

/**
 * Walks the beats from `from` against a grid of period p0: the next beat joins the run when it
 * lands on a later slot near the run's grid (within 3 × tolerance of the grid extrapolated with
 * blendPeriod, or, failing that, when some grid still holds the whole run within the tolerance),
 * and the beat before it was a short burst (a burst longer than a quarter period is a stream, not
 * a poll). Anything else ends the run — settled into episodes — and starts the next one, or with
 * `once` returns where it ended. Linear in the beats, but for the exact check on a miss.
 */
function walk(beats: Beats, p0: number, sd0: number, opt: PeriodOptions, run: Scratch, out: Omit<PeriodicEpisode, "chance">[], from = 0, once = false): number {
  const { idx, ks, xs } = run;
  let t0 = 0, n = 0, sk = 0, skk = 0, st = 0, skt = 0;
  for (let i = from; i < beats.n; i++) {
    const x = beats.t[i]! - t0;
    if (n > 0) {
      const p = blendPeriod(p0, sd0, n, sk, skk, st, skt, opt);
      const a = (st - p * sk) / n;
      let k = Math.round((x - a) / p);
      const last = ks[n - 1]!;
      const short = beats.dur[idx[n - 1]!]! <= p / 4;
      // A silence may not outlast the run by much: a lone beat far away fits any grid's phase.
      const longest = Math.max(n, 2 * opt.minOccurrences);
      let ok = short && k > last && k - last <= longest && Math.abs(x - a - k * p) <= 3 * tolOf(p, opt);
      if (!ok && short && n >= 3) {
        // The running fit can be a few per cent off after beats that happen to drift one way,
        // which a long run of missed ticks magnifies: ask whether any grid still holds the run
        // with this beat on slot k, k − 1 or k + 1 (x / slot is then about the period).
        // Slots k, k − 1, k + 1 (no array: this runs per beat).
        for (let d = 0; d < 3; d++) {
          const c = d === 0 ? k : d === 1 ? k - 1 : k + 1;
          if (c <= last || c - last > longest) continue;
          ks[n] = c;
          xs[n] = x;
          if (within(minimaxRange(ks, xs, 0, n + 1, opt.absToleranceMs), x / c, opt)) {
            k = c;
            ok = true;
            break;
          }
        }
      }
      if (ok) {
        idx[n] = i;
        ks[n] = k;
        xs[n] = x;
        n++; sk += k; skk += k * k; st += x; skt += k * x;
        continue;
      }
      if (n >= opt.minOccurrences) settle(beats, run, n, opt, out);
      if (once) return i;
    }
    t0 = beats.t[i]!;
    idx[0] = i;
    ks[0] = 0;
    xs[0] = 0;
    n = 1;
    sk = skk = st = skt = 0;
  }
  if (n >= opt.minOccurrences) settle(beats, run, n, opt, out);
  return beats.n;
}

/** Whether a minimax tolerance is within the policy's, give or take the timestamps' 1 ms resolution. */
function within(tol: { rel: number; abs: boolean }, period: number, opt: PeriodOptions): boolean {
  return tol.abs || tol.rel <= opt.relTolerance + 1 / period;
}

/**
 * Candidate periods from pairs of beats minOccurrences − 1 apart: from each beat, the span to
 * the (m − 1)-th next divided by each slot count those m beats can cover — the span of several
 * beats pins the period far closer than one gap — tried when the m beats lie on that grid
 * (onChord), and walked from there until the run breaks. A significant episode is skipped over.
 *
 * Only a walk that takes in m beats can settle anything, and it takes in the next beat only after
 * a short burst (at most a quarter of its period, which blendPeriod keeps below 2·p0): so a
 * candidate p0 is not tried when one of the first m − 1 bursts lasts more than p0 / 2 — exactly
 * what those walks would have found (nothing), without them. Most of a busy key's beats are such
 * bursts.
 */
function walkLocally(beats: Beats, opt: PeriodOptions, run: Scratch, out: Omit<PeriodicEpisode, "chance">[]): void {
  const m = opt.minOccurrences;
  // An episode's m beats fill at least (1 − f) of its slots, but m beats of it next to a run of
  // missed ticks may fill fewer: up to half.
  const maxSlots = Math.max(2 * (m - 1), Math.floor(m / (1 - opt.maxMissedFraction) - 1 + 1e-9));
  const lo = opt.minPeriodMs * (1 - opt.relTolerance);
  const hi = opt.maxPeriodMs * (1 + opt.relTolerance);
  const { t, dur } = beats;
  for (let i = 0; i + m <= beats.n; ) {
    const base = t[i]!;
    const span = t[i + m - 1]! - base;
    // No slot count gives a period within the bounds (a burst, a long silence): next beat.
    if (span / (m - 1) < lo || span / maxSlots > hi) {
      i++;
      continue;
    }
    let longBurst = 0;
    for (let j = i; j < i + m - 1; j++) if (dur[j]! > longBurst) longBurst = dur[j]!;
    const gap = t[i + 1]! - base;
    let next = i + 1;
    for (let slots = Math.max(m - 1, Math.ceil(span / hi)); slots <= maxSlots; slots++) {
      const p0 = span / slots;
      // p0 only shrinks with more slots: below either bound, no later slot count is tried.
      if (p0 < lo || longBurst > p0 / 2) break;
      // The next beat first (most candidates fail there), then all of them.
      const tol2 = 2 * tolOf(p0, opt);
      const k1 = Math.round(gap / p0);
      if (k1 < 1 || Math.abs(gap - k1 * p0) > tol2 || !onChord(t, i, m, p0, tol2, k1)) continue;
      const before = out.length;
      // Each end of the span is off by up to ±tolerance (uniform: sd tolerance/√3).
      const end = walk(beats, p0, (opt.relTolerance * Math.SQRT2) / Math.sqrt(3) / slots, opt, run, out, i, true);
      // Skip over the run when a significant episode starts with this beat (not when its first
      // beats were trimmed off, nor for a stretch at a wrong period that chance explains).
      for (let e = before; e < out.length; e++) {
        if (out[e]!.start === base && chanceOf(out[e]!, beats.n) <= opt.maxChance) {
          next = Math.max(next, end);
          break;
        }
      }
    }
    i = next;
  }
}

/**
 * Whether the m beats from i lie on increasing slots within twice the tolerance (tol2) of the
 * grid through the first and the last of them: beats of an episode always do (each is within
 * ±tol of the true grid, so within ±2 tol of that chord), irregular ones almost never — a cheap
 * test before a walk. The next beat (on slot k1) has passed it already.
 */
function onChord(t: Float64Array, i: number, m: number, p0: number, tol2: number, k1: number): boolean {
  const base = t[i]!;
  let last = k1;
  for (let j = i + 2; j < i + m; j++) {
    const k = Math.round((t[j]! - base) / p0);
    if (k <= last || Math.abs(t[j]! - base - k * p0) > tol2) return false;
    last = k;
  }
  return true;
}

/**
 * How often irregular activity would hold such an episode among `total` beats — a union bound,
 * checked against generated Poisson, bursty, foreground-return and user-action series (1 series
 * in 24 000 had a finding at maxChance 1e-4; test/reports/period-properties.test.ts): a beat
 * whose timing is unrelated to a grid lands within ±d of one of its points with probability 2d
 * (d: the episode's minimax tolerance); two beats fix phase and period, and the period could be
 * any of about ticks/(2d) distinguishable values over the episode's span (one more factor 2d
 * off); the episode could start at any of total − beats + 1 beats.
 */
export function chanceOf(ep: Omit<PeriodicEpisode, "chance">, total: number): number {
  const d = Math.min(0.5, ep.tolerance);
  const ticks = Math.max(1, ep.occurrences + ep.missing - 1);
  return Math.max(1, total - ep.occurrences + 1) * ticks * (2 * d) ** (ep.occurrences - 3);
}

/**
 * Finds periodic polling in one key's calls (one call site, or one party's calls of one hook).
 * Calls are folded into beats (bursts) and kept; `finish` analyses the whole series: candidate
 * periods from the spans of minOccurrences consecutive beats (walkLocally), a walk per candidate
 * that cuts the beats into runs on its grid, per run a least-squares grid (period = slope of the
 * beat times against their integer grid indices, dispersion = the residuals' RMS) split where no
 * grid holds the beats within the tolerance (minimaxTolerance) and trimmed to at most
 * maxMissedFraction of empty slots; then one more walk over the whole series with each fitted
 * period. An episode is reported when its chance under irregular activity (`chanceOf`) is at
 * most `maxChance`. About O(n · minOccurrences): 100 000 calls of one hook in 50–200 ms.
 */
export class PeriodDetector {
  private t = new Float64Array(16);
  /** Burst lengths; the last beat's is written when it ends (closeBeat), not at every call of its burst. */
  private dur = new Float64Array(16);
  private n = 0;
  private lastT = -Infinity;
  private readonly gap: number;
  private readonly found: Omit<PeriodicEpisode, "chance">[] = [];
  /** Beats (bursts) seen in all: the chances irregular traffic had to look regular. */
  totalBeats = 0;

  constructor(private readonly opt: PeriodOptions) {
    this.gap = opt.burstGapMs;
  }

  /** Runs for every call of every polled key: a call within the burst gap only moves the burst's end. */
  add(t: number): void {
    if (t - this.lastT < this.gap) {
      if (t > this.lastT) this.lastT = t;
      return;
    }
    this.closeBeat();
    if (this.n === MAX_BEATS) this.analyse();
    if (this.n === this.t.length) {
      const [t2, d2] = [new Float64Array(this.n * 2), new Float64Array(this.n * 2)];
      t2.set(this.t);
      d2.set(this.dur);
      [this.t, this.dur] = [t2, d2];
    }
    this.t[this.n] = t;
    this.n++;
    this.lastT = t;
    this.totalBeats++;
  }

  /** The last beat's burst length: its last call's time less its first's (0 for a single call). */
  private closeBeat(): void {
    if (this.n > 0) this.dur[this.n - 1] = this.lastT - this.t[this.n - 1]!;
  }

  /** Analyses the buffered beats and empties the buffer. */
  private analyse(): void {
    this.closeBeat();
    const beats: Beats = { t: this.t, dur: this.dur, n: this.n };
    if (beats.n >= this.opt.minOccurrences) {
      const run = scratchFor(beats.n + 1);
      const from = this.found.length;
      walkLocally(beats, this.opt, run, this.found);
      // Once more over the whole buffer with the periods fitted to the longest plausible
      // episodes: a local candidate a few per cent off can break a run early on, or not reach
      // back before a silence; the fitted period does not.
      const tried: number[] = [];
      const plausible = this.found.slice(from).filter((e) => chanceOf(e, this.totalBeats) <= 1);
      for (const e of plausible.sort((x, y) => y.occurrences - x.occurrences)) {
        if (tried.length === CANDIDATES) break;
        if (tried.some((q) => Math.abs(q - e.period) <= 0.005 * e.period)) continue;
        tried.push(e.period);
        walk(beats, e.period, this.opt.relTolerance / (e.occurrences + e.missing), this.opt, run, this.found);
      }
    }
    this.n = 0;
  }

  /**
   * Whether the episode's period is within the bounds, as far as its beats tell: with each beat
   * up to ±tolerance off the grid, the span of `slots` slots pins the period to ±2·tolerance/slots.
   */
  private inBounds(e: Omit<PeriodicEpisode, "chance">): boolean {
    const slack = 1 + (2 * this.opt.relTolerance) / (e.occurrences + e.missing - 1);
    return e.period * slack >= this.opt.minPeriodMs && e.period <= this.opt.maxPeriodMs * slack;
  }

  /**
   * The episodes irregular traffic would not explain, each period within the bounds: most beats
   * first, none overlapping another in time.
   */
  finish(): PeriodicEpisode[] {
    this.analyse();
    const ok = this.found
      .filter((e) => this.inBounds(e))
      .map((e) => ({ ...e, chance: chanceOf(e, this.totalBeats) }))
      .filter((e) => e.chance <= this.opt.maxChance)
      .sort((x, y) => y.occurrences - x.occurrences || x.chance - y.chance || x.start - y.start);
    const kept: PeriodicEpisode[] = [];
    for (const e of ok) if (!kept.some((k) => e.start <= k.end && k.start <= e.end)) kept.push(e);
    return kept;
  }
}

/** "every 30 s", "every 2.5 s", "every 5 min". */
export function describePeriod(ms: number): string {
  const s = ms / 1000;
  if (s < 60) return `every ${s < 10 ? Math.round(s * 10) / 10 : Math.round(s)} s`;
  const m = s / 60;
  return `every ${m < 10 ? Math.round(m * 10) / 10 : Math.round(m)} min`;
}

import { describe, expect, it } from "vitest";
import { chanceOf, describePeriod, minimaxTolerance, PeriodDetector, POLLING_DEFAULTS, type PeriodicEpisode } from "../../reports/rules/period.js";
import { SlidingWindow } from "../../reports/rules/window.js";
import { prng } from "../../scripts/synthetic.js";

// The strict policy's numbers.
const OPTS = { ...POLLING_DEFAULTS, maxPeriodMs: POLLING_DEFAULTS.maxPeriodSec * 1000 };

function detect(times: readonly number[], opts: Partial<typeof OPTS> = {}): PeriodicEpisode[] {
  const d = new PeriodDetector({ ...OPTS, ...opts });
  for (const t of times) d.add(t);
  return d.finish();
}

const every = (ms: number, n: number, start = 0): number[] => Array.from({ length: n }, (_, i) => start + i * ms);

describe("PeriodDetector", () => {
  it("finds an exact 30 s period: the least-squares period, no dispersion, no missed tick", () => {
    const [e, ...rest] = detect(every(30_000, 10));
    expect(rest).toEqual([]);
    expect(e).toMatchObject({ period: 30_000, jitter: 0, dispersion: 0, occurrences: 10, missing: 0, start: 0, end: 270_000 });
  });

  it("finds a jittered period (±2 s around 30 s) and estimates it from the whole series", () => {
    const r = prng(7);
    const times = every(30_000, 20).map((t) => Math.round(t + (r() - 0.5) * 4000));
    const [e] = detect(times);
    expect(e!.occurrences).toBe(20);
    expect(Math.abs(e!.period - 30_000)).toBeLessThan(300);
    // The fitted grid's largest residual is about the ±2 s spread; the RMS about 2 s / √3.
    expect(e!.jitter).toBeLessThanOrEqual(2300);
    expect(e!.dispersion).toBeGreaterThan(700);
    expect(e!.dispersion).toBeLessThan(1500);
  });

  it("folds bursts into one beat (a poll reading several providers)", () => {
    const times = every(2000, 8).flatMap((t) => [t, t + 10, t + 25]);
    expect(detect(times)[0]).toMatchObject({ period: 2000, occurrences: 8, jitter: 0 });
  });

  it("a burst longer than a quarter of the period is a stream, not a poll", () => {
    const times = every(2000, 12).flatMap((t) => [t, t + 300, t + 600]);
    expect(detect(times)).toEqual([]);
  });

  it("tolerates runs of missed ticks: 30 s with two and three beats missing in a row", () => {
    const slots = [0, 1, 2, 3, 6, 7, 8, 9, 10, 14, 15, 16, 17];
    const [e] = detect(slots.map((k) => k * 30_000));
    expect(e).toMatchObject({ period: 30_000, occurrences: 13, missing: 5, start: 0, end: 510_000 });
  });

  it("needs minOccurrences beats: five exact beats are not polling, six are", () => {
    expect(detect(every(10_000, 5))).toEqual([]);
    expect(detect(every(10_000, 6))).toHaveLength(1);
    expect(detect(every(10_000, 6), { minOccurrences: 7 })).toEqual([]);
  });

  it("keeps to the period bounds, with the slack the beats leave", () => {
    expect(detect(every(900, 20))).toEqual([]);
    expect(detect(every(1000, 20))).toHaveLength(1);
    expect(detect(every(1_800_000, 8))).toHaveLength(1);
    expect(detect(every(2_000_000, 8))).toEqual([]);
    expect(detect(every(40_000, 8), { maxPeriodMs: 30_000 })).toEqual([]);
  });

  it("reports separate episodes of one key, longest first, none overlapping", () => {
    const eps = detect([...every(30_000, 12), ...every(7000, 30, 1_000_123)]);
    expect(eps.map((e) => [e.occurrences, Math.round(e.period)])).toEqual([
      [30, 7000],
      [12, 30_000],
    ]);
  });

  it("keeps at most 65 536 beats per key: a longer poll is reported as its episodes before and after the cut", () => {
    const eps = detect(every(2000, 70_000));
    expect(eps.map((e) => [e.occurrences, Math.round(e.period)])).toEqual([
      [65_536, 2000],
      [4464, 2000],
    ]);
  });

  it("describes periods", () => {
    expect(describePeriod(30_000)).toBe("every 30 s");
    expect(describePeriod(2_500)).toBe("every 2.5 s");
    expect(describePeriod(300_000)).toBe("every 5 min");
  });
});

describe("minimaxTolerance", () => {
  it("is the smallest ± share of the period within which one grid holds every point", () => {
    // Beats at −10 %, +10 %, −10 %, +10 % of a 100 ms grid: no grid does better than ±10 %.
    expect(minimaxTolerance([0, 1, 2, 3], [-10, 110, 190, 310], 0).rel).toBeCloseTo(0.1, 6);
    // A straight line: zero, whatever the slots.
    expect(minimaxTolerance([0, 2, 3, 7], [0, 200, 300, 700], 0).rel).toBe(0);
    expect(minimaxTolerance([0, 1, 2, 3], [-10, 110, 190, 310], 10).abs).toBe(true);
    expect(minimaxTolerance([0, 1, 2, 3], [-10, 110, 190, 310], 9).abs).toBe(false);
  });

  it("agrees with a brute-force search over grids", () => {
    const r = prng(3);
    for (let trial = 0; trial < 50; trial++) {
      const ks = [0];
      while (ks.length < 8) ks.push(ks[ks.length - 1]! + 1 + Math.floor(r() * 2));
      const ts = ks.map((k) => k * 1000 + (r() - 0.5) * 400);
      let best = Infinity;
      for (let p = 900; p <= 1100; p += 0.25) {
        const res = ks.map((k, i) => ts[i]! - k * p);
        best = Math.min(best, (Math.max(...res) - Math.min(...res)) / 2 / p);
      }
      const got = minimaxTolerance(ks, ts, 0).rel;
      expect(got, `trial ${trial}`).toBeLessThanOrEqual(best + 1e-9);
      expect(got, `trial ${trial}`).toBeGreaterThan(best - 0.001);
    }
  });
});

describe("significance", () => {
  const ep = (occurrences: number, tolerance: number, missing = 0) => ({ period: 1000, dispersion: 0, jitter: 0, tolerance, occurrences, missing, start: 0, end: 0 });

  it("chance grows with the traffic around an episode and shrinks with each beat on the grid", () => {
    expect(chanceOf(ep(6, 0.15), 6)).toBeCloseTo(5 * 0.3 ** 3, 12);
    expect(chanceOf(ep(6, 0.15), 106)).toBeCloseTo(101 * 5 * 0.3 ** 3, 12);
    expect(chanceOf(ep(7, 0.15), 6)).toBeLessThan(chanceOf(ep(6, 0.15), 6));
    expect(chanceOf(ep(6, 0), 1000)).toBe(0);
  });

  it("asks longer episodes of busy streams: a real poller inside random traffic is still found", () => {
    const r = prng(11);
    const noise: number[] = [];
    let t = 0;
    for (let i = 0; i < 20_000; i++) noise.push((t += 500 + -Math.log(1 - r()) * 1000));
    expect(detect(noise)).toEqual([]);
    // The poller starts 47.3 s after the last random call: off its grid, so not taken in.
    const poller = every(30_000, 40, t + 47_300);
    const eps = detect([...noise, ...poller]);
    expect(eps.map((e) => [e.occurrences, e.period])).toEqual([[40, 30_000]]);
  });
});

describe("SlidingWindow", () => {
  it("reports the highest count in any window, exclusive of the window's start", () => {
    const w = new SlidingWindow(1000);
    [0, 100, 200, 999, 1000, 1001, 5000].forEach((t, i) => w.add(t, i + 1));
    // (0,100,200,999) in [0,1000); at 1000 the call at 0 leaves; (100..1001) = 5
    expect(w.max).toBe(5);
    expect(w.maxAt).toBe(1001);
    expect(w.maxFrom).toBe(100);
    expect(w.maxSeqs).toEqual([2, 3, 4, 5, 6]);
  });

  it("grows with the count and saturates past its cap", () => {
    const w = new SlidingWindow(1000);
    for (let i = 0; i < 20_000; i++) w.add(i * 0.01, i);
    expect(w.saturated).toBe(true);
    expect(w.max).toBe(16_384);
  });
});

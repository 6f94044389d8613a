import { describe, expect, it } from "vitest";
import { PeriodDetector, POLLING_DEFAULTS, type PeriodicEpisode } from "../../reports/rules/period.js";
import { prng } from "../../scripts/synthetic.js";

/**
 * Property tests of periodic-polling detection on generated series, both sides of each bound
 * the strict policy states (docs/rules.md, frequency.periodic_polling). Every series comes from
 * a seeded generator and every assertion names its seed, so a failure reproduces exactly.
 */

const OPTS = { ...POLLING_DEFAULTS, maxPeriodMs: POLLING_DEFAULTS.maxPeriodSec * 1000 };
const SEEDS = 300;
/** The fewest beats with which a poller at the bounds (±15 %, a third missing) is always found. */
const AT_BOUNDS = 13;

function detect(times: readonly number[]): PeriodicEpisode[] {
  const d = new PeriodDetector(OPTS);
  for (const t of times) d.add(t);
  return d.finish();
}

const uniform = (r: () => number, lo: number, hi: number): number => lo + (hi - lo) * r();
/** 2 s to 30 min, log-uniform. */
const period = (r: () => number): number => Math.exp(uniform(r, Math.log(2000), Math.log(1_800_000)));

interface Poller {
  readonly times: number[];
  readonly slots: number;
  readonly missing: number;
}

/**
 * m beats on a grid of period P from t0, each moved uniformly within ±jitter × P, with the slots
 * a share `missed` of them empty in runs of 1 to 4 between the first and the last beat.
 */
function poller(r: () => number, P: number, m: number, jitter: number, missed: number, t0 = 10_000): Poller {
  const slots = Math.floor(m / (1 - missed) + 1e-9);
  const present = new Array<boolean>(slots).fill(true);
  for (let left = slots - m, guard = 0; left > 0 && guard < 10_000; guard++) {
    const len = Math.min(left, 1 + Math.floor(r() * 4));
    const at = 1 + Math.floor(r() * (slots - 2));
    if (at + len > slots - 1 || present.slice(at, at + len).includes(false)) continue;
    present.fill(false, at, at + len);
    left -= len;
  }
  const times: number[] = [];
  present.forEach((p, k) => p && times.push(Math.round(t0 + k * P + uniform(r, -jitter, jitter) * P)));
  return { times, slots, missing: present.filter((p) => !p).length };
}

function lognormal(r: () => number, median: number, sigma: number): number {
  return median * Math.exp(sigma * Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r()));
}

/** Irregular activity of one key: n events of each kind. */
const IRREGULAR: Record<string, (r: () => number, n: number) => number[]> = {
  // Calls at Poisson times, mean 30 s apart.
  poisson: (r, n) => {
    let t = 0;
    return Array.from({ length: n }, () => Math.round((t += -Math.log(1 - r()) * 30_000)));
  },
  // The user comes back to the app (median 2 min away), each return reading 1–3 times within 200 ms.
  "foreground returns": (r, n) => {
    let t = 0;
    const out: number[] = [];
    for (let i = 0; i < n; i++) {
      t += lognormal(r, 120_000, 1);
      for (let j = 1 + Math.floor(r() * 3); j > 0; j--) out.push(Math.round(t + r() * 200));
    }
    return out.sort((a, b) => a - b);
  },
  // Bursts of 5–50 calls 50–300 ms apart, at Poisson times (mean 45 s).
  bursts: (r, n) => {
    let t = 0;
    const out: number[] = [];
    for (let i = 0; i < n; i++) {
      t += -Math.log(1 - r()) * 45_000;
      for (let j = 5 + Math.floor(r() * 46); j > 0; j--) out.push(Math.round((t += 50 + r() * 250)));
    }
    return out;
  },
  // Taps: lognormal gaps, median 4 s.
  "user actions": (r, n) => {
    let t = 0;
    return Array.from({ length: n }, () => Math.round((t += 300 + lognormal(r, 4000, 1))));
  },
};

describe("periodic polling at the bounds: found", () => {
  it(`a poller of 2 s to 30 min, each beat within ±15 %, a third of the beats missing in runs, is one episode from ${AT_BOUNDS} beats on`, () => {
    for (let seed = 1; seed <= SEEDS; seed++) {
      const r = prng(seed);
      const P = period(r);
      const m = AT_BOUNDS + Math.floor(r() * 49);
      const s = poller(r, P, m, 0.15, 1 / 3);
      const eps = detect(s.times);
      const why = `seed ${seed}: P ${Math.round(P)} ms, ${m} beats, ${s.missing} missing`;
      expect(eps.length, why).toBe(1);
      const e = eps[0]!;
      expect([e.occurrences, e.missing], why).toEqual([m, s.missing]);
      expect(e.tolerance, why).toBeLessThanOrEqual(0.15 + 1e-9);
      // The whole span pins the period: each end is off by at most ±15 %.
      expect(Math.abs(e.period - P), why).toBeLessThanOrEqual((0.3 * P) / (s.slots - 1));
      expect(e.dispersion, why).toBeLessThanOrEqual(0.15 * P);
    }
  });

  it("period and dispersion come from the whole series, even when its first gaps mislead", () => {
    for (let seed = 1; seed <= SEEDS; seed++) {
      const r = prng(seed);
      const P = period(r);
      const s = poller(r, P, 40, 0.15, 0);
      // The first beats at the edges of the tolerance: the first gap is 1.3 periods, the second 0.7.
      [s.times[0], s.times[1], s.times[2]] = [10_000 - 0.15 * P, 10_000 + 1.15 * P, 10_000 + 1.85 * P].map(Math.round) as [number, number, number];
      const [e] = detect(s.times);
      const why = `seed ${seed}: P ${Math.round(P)} ms`;
      expect(e?.occurrences, why).toBe(40);
      expect(Math.abs(e!.period - P) / P, why).toBeLessThan(0.01);
      // Uniform ±15 % jitter: the residuals' RMS is about 0.15 / √3 ≈ 0.087 of the period.
      expect(e!.dispersion / P, why).toBeGreaterThan(0.06);
      expect(e!.dispersion / P, why).toBeLessThan(0.11);
    }
  });

  it("an exact poller is found at minOccurrences beats, not one before; a tight one (±5 %) from 8", () => {
    for (let seed = 1; seed <= SEEDS; seed++) {
      const r = prng(seed);
      const P = period(r);
      const exact = poller(r, P, OPTS.minOccurrences, 0, 0).times;
      expect(detect(exact).map((e) => e.occurrences), `seed ${seed}`).toEqual([OPTS.minOccurrences]);
      expect(detect(exact.slice(1)), `seed ${seed}`).toEqual([]);
      expect(detect(poller(r, P, 8, 0.05, 0).times).map((e) => e.occurrences), `seed ${seed}`).toEqual([8]);
    }
  });

  it("periods at the ends of the range are found, beyond them not", () => {
    const exact = (P: number, n: number) => Array.from({ length: n }, (_, i) => 5000 + i * P);
    expect(detect(exact(2000, 30)).map((e) => e.period)).toEqual([2000]);
    expect(detect(exact(1_800_000, 12)).map((e) => e.period)).toEqual([1_800_000]);
    expect(detect(exact(2_700_000, 12))).toEqual([]);
    expect(detect(exact(900, 60))).toEqual([]);
  });
});

describe("beyond the bounds and irregular activity: not found", () => {
  it("jitter of ±35 %: never one episode over the series, and a tight stretch of it in at most 1 % of series", () => {
    let stretches = 0;
    for (let seed = 1; seed <= SEEDS; seed++) {
      const r = prng(seed);
      const eps = detect(poller(r, period(r), 40, 0.35, 0).times);
      for (const e of eps) {
        expect(e.occurrences, `seed ${seed}`).toBeLessThanOrEqual(20);
        expect(e.tolerance, `seed ${seed}`).toBeLessThanOrEqual(0.15 + 1e-9);
      }
      if (eps.length > 0) stretches++;
    }
    expect(stretches).toBeLessThanOrEqual(SEEDS / 100);
  });

  it("half the beats missing: never one episode over the series; an episode never lacks more than a third of its slots", () => {
    for (let seed = 1; seed <= SEEDS; seed++) {
      const r = prng(seed);
      const s = poller(r, period(r), 30, 0.05, 0.5);
      for (const e of detect(s.times)) {
        expect(e.occurrences, `seed ${seed}`).toBeLessThan(30);
        expect(e.missing, `seed ${seed}`).toBeLessThanOrEqual(0.34 * (e.occurrences + e.missing));
      }
    }
  });

  for (const [kind, make] of Object.entries(IRREGULAR)) {
    it(`${kind}: no polling in ${SEEDS} series each of 10, 40 and 200 events`, () => {
      for (const n of [10, 40, 200]) {
        for (let seed = 1; seed <= SEEDS; seed++) {
          const eps = detect(make(prng(seed * 7919 + n), n));
          expect(eps, `${kind}, ${n} events, seed ${seed * 7919 + n}`).toEqual([]);
        }
      }
    });
  }
});

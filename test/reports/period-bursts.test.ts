import { describe, expect, it } from "vitest";
import { PeriodDetector, POLLING_DEFAULTS, type PeriodicEpisode } from "../../reports/rules/period.js";
import { prng } from "../../scripts/synthetic.js";

/**
 * Polls that are bursts of calls (a beat with a length). A walk takes in the next beat only
 * after a burst of at most a quarter period, and the candidate search skips every candidate
 * period a long burst among its first beats rules out (reports/rules/period.ts walkLocally):
 * these pin what is found on both sides of that bound. Each expectation was also what the
 * search found before it skipped anything (checked against the unfiltered search at c4ad07d).
 */

const OPTS = { ...POLLING_DEFAULTS, maxPeriodMs: POLLING_DEFAULTS.maxPeriodSec * 1000 };
const P = 10_000;

function detect(times: readonly number[]): PeriodicEpisode[] {
  const d = new PeriodDetector(OPTS);
  for (const t of times) d.add(t);
  return d.finish();
}

/** A burst from `start` lasting `ms`: calls at most 400 ms apart (closer than burstGapMs, so one beat). */
function burst(start: number, ms: number): number[] {
  const gaps = Math.ceil(ms / 400);
  return Array.from({ length: gaps + 1 }, (_, j) => (gaps === 0 ? start : start + (j * ms) / gaps));
}
const brief = (e: PeriodicEpisode): [number, number, number, number] => [Math.round(e.period), e.occurrences, e.start, e.end];

describe("periodic polling of bursts", () => {
  it("finds polls whose bursts last up to a quarter period, not longer ones", () => {
    for (const frac of [0, 0.1, 0.2, 0.24]) {
      const times = Array.from({ length: 20 }, (_, k) => burst(5000 + k * P, frac * P)).flat();
      expect(detect(times).map(brief), `bursts of ${frac} P`).toEqual([[P, 20, 5000, 195_000]]);
    }
    for (const frac of [0.26, 0.3, 0.45]) {
      const times = Array.from({ length: 20 }, (_, k) => burst(5000 + k * P, frac * P)).flat();
      expect(detect(times), `bursts of ${frac} P`).toEqual([]);
    }
  });

  it("starts after a long first burst and breaks at a long one in the middle", () => {
    const times = Array.from({ length: 20 }, (_, k) => burst(5000 + k * P, (k === 0 || k === 12 ? 0.4 : 0.1) * P)).flat();
    // The run ends with the long burst's beat (it is on the grid); the next run starts after it.
    expect(detect(times).map(brief)).toEqual([
      [P, 12, 15_000, 125_000],
      [P, 7, 135_000, 195_000],
    ]);
  });

  it("finds a poll of short bursts after irregular long bursts of the same key", () => {
    const r = prng(11);
    const times: number[] = [];
    // Ten minutes of irregular activity first: bursts of 8–15 s (longer than a quarter of 30 s:
    // no run goes on from one) at Poisson times.
    for (let t = -Math.log(1 - r()) * 40_000; t < 600_000; t += 15_000 + -Math.log(1 - r()) * 40_000) times.push(...burst(t, 8000 + r() * 7000));
    // Then a poll every 30 s, each a burst of 1.2 s.
    for (let k = 0; k < 30; k++) times.push(...burst(620_000 + k * 30_000, 1200));
    const [e, ...rest] = detect(times);
    expect(rest).toEqual([]);
    expect(brief(e!)).toEqual([30_000, 30, 620_000, 1_490_000]);
  });
});

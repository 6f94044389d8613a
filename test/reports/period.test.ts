import { describe, expect, it } from "vitest";
import { describePeriod, PeriodDetector } from "../../reports/rules/period.js";
import { prng } from "../../scripts/synthetic.js";
import { SlidingWindow } from "../../reports/rules/window.js";

// The strict policy's defaults.
const OPTS = { burstGapMs: 500, relTolerance: 0.15, absToleranceMs: 250, minOccurrences: 6 };

function detect(times: number[]): PeriodDetector {
  const d = new PeriodDetector(OPTS);
  for (const t of times) d.add(t);
  d.close();
  return d;
}

describe("PeriodDetector", () => {
  it("finds an exact 30 s period", () => {
    const d = detect(Array.from({ length: 10 }, (_, i) => i * 30_000));
    expect(d.episodes).toHaveLength(1);
    expect(d.episodes[0]).toEqual({ period: 30_000, occurrences: 10, direct: 9, jitter: 0, start: 0, end: 270_000 });
  });

  it("finds a jittered period (±2 s around 30 s)", () => {
    const r = prng(7);
    const times: number[] = [];
    let t = 0;
    for (let i = 0; i < 20; i++) {
      times.push(t);
      t += 30_000 + (r() - 0.5) * 4000;
    }
    const d = detect(times);
    expect(d.episodes[0]!.occurrences).toBe(20);
    expect(Math.abs(d.episodes[0]!.period - 30_000)).toBeLessThan(1000);
    // Jitter is measured against the final period: at most the ±2 s spread plus the mean's error.
    expect(d.episodes[0]!.jitter).toBeLessThanOrEqual(2000 + 1000);
    expect(d.episodes[0]!.jitter).toBeGreaterThan(1000);
  });

  it("rarely calls random (Poisson) traffic periodic: at most 2 episodes in 50 traces of 200 calls", () => {
    let episodes = 0;
    for (let seed = 1; seed <= 50; seed++) {
      const r = prng(seed);
      const times: number[] = [];
      let t = 0;
      for (let i = 0; i < 200; i++) {
        t += -Math.log(1 - r()) * 20_000;
        times.push(t);
      }
      episodes += detect(times).episodeCount;
    }
    expect(episodes).toBeLessThanOrEqual(2);
  });

  it("folds bursts into one occurrence (a poll reading several providers)", () => {
    const times = Array.from({ length: 8 }, (_, i) => [i * 2000, i * 2000 + 10, i * 2000 + 25]).flat();
    const d = detect(times);
    expect(d.episodes[0]).toMatchObject({ period: 2000, occurrences: 8, jitter: 0 });
  });

  it("tolerates a missed tick without breaking the episode", () => {
    const times = [0, 30_000, 60_000, 90_000, 120_000, 180_000, 210_000];
    // Four direct intervals, a missed tick, one more: one episode of seven calls.
    expect(detect(times).episodes[0]).toMatchObject({ occurrences: 7, direct: 5, period: 30_000, end: 210_000 });
  });

  it("needs minOccurrences: five calls are not polling, six are", () => {
    expect(detect([0, 10_000, 20_000, 30_000, 40_000]).episodes).toHaveLength(0);
    expect(detect([0, 10_000, 20_000, 30_000, 40_000, 50_000]).episodes).toHaveLength(1);
  });

  it("a missed tick does not make an episode out of too few direct matches", () => {
    expect(detect([0, 10_000, 20_000, 30_000, 50_000, 60_000]).episodes).toHaveLength(0);
  });

  it("describes periods", () => {
    expect(describePeriod(30_000)).toBe("every 30 s");
    expect(describePeriod(2_500)).toBe("every 2.5 s");
    expect(describePeriod(300_000)).toBe("every 5 min");
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

describe("PeriodDetector significance", () => {
  it("asks longer episodes of dense streams, so random traffic is not polling", () => {
    const few = new PeriodDetector(OPTS);
    for (let i = 0; i < 10; i++) few.add(i * 30_000);
    // 10 occurrences: a run of 6 has at most 5 starts × 0.3^4 ≈ 4% chance; 7 brings it under 1%.
    expect(few.requiredOccurrences()).toBe(7);
    const many = new PeriodDetector(OPTS);
    const r = prng(11);
    let t = 0;
    for (let i = 0; i < 20_000; i++) {
      t += 500 + -Math.log(1 - r()) * 1000;
      many.add(t);
    }
    many.close();
    expect(many.requiredOccurrences()).toBeGreaterThan(6);
    // Chains exist by chance, but none is significant.
    expect(many.episodeCount).toBeGreaterThan(0);
    expect(many.significant()).toBeUndefined();
  });

  it("still finds a real poller inside a busy stream", () => {
    const d = new PeriodDetector(OPTS);
    for (let i = 0; i < 40; i++) d.add(i * 30_000);
    d.close();
    expect(d.significant()).toMatchObject({ occurrences: 40, period: 30_000 });
  });
});

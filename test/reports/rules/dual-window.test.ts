import { describe, expect, it } from "vitest";
import { DualWindow, SlidingWindow } from "../../../reports/rules/window.js";
import { prng } from "../../../scripts/synthetic.js";

/** Runs the same calls through a DualWindow and two SlidingWindows; every report must agree, after every call. */
function agree(times: readonly number[]): void {
  const dual = new DualWindow(1000, 60_000);
  const sec = new SlidingWindow(1000);
  const min = new SlidingWindow(60_000);
  const peak = (w: SlidingWindow) => ({ max: w.max, maxAt: w.maxAt, maxFrom: w.maxFrom, maxSeqs: w.maxSeqs, saturated: w.saturated });
  times.forEach((t, seq) => {
    const made = dual.add(t, seq);
    expect(made).toBe((sec.add(t, seq) ? 1 : 0) | (min.add(t, seq) ? 2 : 0));
    if (made) {
      expect(dual.short).toEqual(peak(sec));
      expect(dual.long).toEqual(peak(min));
    }
  });
  expect(dual.short).toEqual(peak(sec));
  expect(dual.long).toEqual(peak(min));
}

describe("DualWindow: one ring for the per-second and per-minute windows", () => {
  it("agrees with two sliding windows on steady, bursty and periodic traffic", () => {
    const r = prng(3);
    let t = 0;
    const times: number[] = [];
    for (let i = 0; i < 20_000; i++) {
      t += i % 1000 < 50 ? r() * 5 : r() < 0.01 ? 70_000 * r() : r() * 400;
      times.push(t);
    }
    agree(times);
  });

  it("agrees when times go backwards (several processes interleaved)", () => {
    const r = prng(9);
    const times: number[] = [];
    let t = 0;
    for (let i = 0; i < 20_000; i++) {
      t += r() * 300;
      times.push(r() < 0.2 ? t - r() * 5000 : t);
    }
    agree(times);
  });

  it("agrees at the edges: a call exactly one window after another, equal times", () => {
    agree([0, 1000, 1000, 2000, 2000.0001, 60_000, 60_999, 61_000, 120_000, 120_000, 120_000]);
  });

  it("agrees past the cap, where both windows saturate or only the long one does", () => {
    const times: number[] = [];
    for (let i = 0; i < 12_000; i++) times.push(i * 2); // 24 s: fills the long window only
    for (let i = 0; i < 20_000; i++) times.push(30_000 + i * 0.01); // 20k calls in 0.2 s: both
    for (let i = 0; i < 5000; i++) times.push(100_000 + i * 50);
    agree(times);
  });
});

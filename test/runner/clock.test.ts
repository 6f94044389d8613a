import { describe, expect, it } from "vitest";
import { AlignedClock, handshake } from "../../runner/device/clock.js";

/** A host clock advanced by hand, and an agent clock that is skewed, drifts, and answers after a delay. */
function world(opts: { skew: number; driftPerSec?: number; delays: number[] }) {
  let host = 1000;
  let call = 0;
  const agentAt = (h: number) => h - opts.skew + ((opts.driftPerSec ?? 0) * h) / 1000;
  return {
    hostNow: () => host,
    agentNow: async () => {
      const d = opts.delays[call++ % opts.delays.length]!;
      host += d / 2;
      const a = agentAt(host);
      host += d / 2;
      return a;
    },
    advance: (ms: number) => void (host += ms),
    agentAt,
  };
}

describe("clock alignment", () => {
  it("finds the offset from the round with the shortest round trip", async () => {
    const w = world({ skew: 123_456.7, delays: [40, 4, 30, 12, 50] });
    const s = await handshake(w.hostNow, w.agentNow);
    expect(s.uncertaintyMs).toBe(2);
    expect(Math.abs(s.offsetMs - 123_456.7)).toBeLessThan(0.001);
  });

  it("aligns agent times to the host within tens of milliseconds, and measures drift at re-checks", async () => {
    const w = world({ skew: 5000, driftPerSec: 0.05, delays: [20] });
    const clock = new AlignedClock(await handshake(w.hostNow, w.agentNow));
    const hostT = 2000;
    expect(Math.abs(clock.toHost(w.agentAt(hostT)) - hostT)).toBeLessThan(20);
    w.advance(600_000);
    const r = await clock.recheck(w.hostNow, w.agentNow);
    // 0.05 ms/s over ten minutes: 30 ms of drift, reported and absorbed.
    expect(r.driftMs).toBeCloseTo(-30, 0);
    const later = w.hostNow();
    expect(Math.abs(clock.toHost(w.agentAt(later)) - later)).toBeLessThan(20);
  });
});

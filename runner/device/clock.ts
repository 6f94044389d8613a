/**
 * One clock for calls, steps and screenshots: the agent's monotonic clock is aligned to the
 * host's by a handshake (the agent's time read between two host readings; the round with the
 * shortest round trip wins), and the offset is checked again at markers to measure drift.
 */
export interface ClockSample {
  /** Host minus agent, ms: add it to an agent time to get host time. */
  readonly offsetMs: number;
  /** Half the round trip of the best round: how far off the offset may be. */
  readonly uncertaintyMs: number;
}

export async function handshake(hostNow: () => number, agentNow: () => Promise<number>, rounds = 5): Promise<ClockSample> {
  let best: ClockSample | undefined;
  for (let i = 0; i < rounds; i++) {
    const t0 = hostNow();
    const a = await agentNow();
    const t1 = hostNow();
    const sample = { offsetMs: (t0 + t1) / 2 - a, uncertaintyMs: (t1 - t0) / 2 };
    if (!best || sample.uncertaintyMs < best.uncertaintyMs) best = sample;
  }
  return best!;
}

/** Keeps the offset in use and reports drift at each re-check (a `clock_sync` marker's fields). */
export class AlignedClock {
  private current: ClockSample;
  constructor(initial: ClockSample) {
    this.current = initial;
  }

  get offsetMs(): number {
    return this.current.offsetMs;
  }

  /** An agent time on the host clock. */
  toHost(agentMs: number): number {
    return agentMs + this.current.offsetMs;
  }

  /** Re-measures; returns the new offset and how far it moved since the last one. */
  async recheck(hostNow: () => number, agentNow: () => Promise<number>): Promise<{ offsetMs: number; driftMs: number; uncertaintyMs: number }> {
    const s = await handshake(hostNow, agentNow, 3);
    const driftMs = s.offsetMs - this.current.offsetMs;
    // Keep the better-measured offset when the new one is no more precise than the drift itself.
    if (s.uncertaintyMs <= this.current.uncertaintyMs || Math.abs(driftMs) > s.uncertaintyMs) this.current = s;
    return { offsetMs: this.current.offsetMs, driftMs, uncertaintyMs: s.uncertaintyMs };
  }
}

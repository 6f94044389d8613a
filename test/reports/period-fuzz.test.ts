import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { PeriodDetector, POLLING_DEFAULTS } from "../../reports/rules/period.js";
import { prng } from "../../scripts/synthetic.js";

/**
 * What the polling detector finds on 240 generated keys — irregular calls, bursts, and pollers of
 * bursts with jitter and missed ticks, at three burst gaps — pinned exactly, so that a change
 * meant only to make it faster (reports/rules/period.ts, period-fit.ts) is seen to find the same
 * episodes, to the last bit of each number. The digests are of what the detector found at
 * c4ad07d, before its candidate search skipped anything.
 */

const OPTS = { ...POLLING_DEFAULTS, maxPeriodMs: POLLING_DEFAULTS.maxPeriodSec * 1000 };
const SEEDS = 240;

/** One key's calls: Poisson noise (some in bursts), then up to three pollers of bursts. */
function series(r: () => number, burstGap: number): number[] {
  const ts: number[] = [];
  const end = 3_600_000 * (0.05 + r());
  const rate = [0.00005, 0.0005, 0.002, 0.01][Math.floor(r() * 4)]!;
  for (let t = 0; t < end; ) {
    t += -Math.log(1 - r()) / rate;
    const calls = 1 + (r() < 0.3 ? Math.floor(r() * 6) : 0);
    for (let j = 0; j < calls; j++) ts.push(t + j * r() * 400);
  }
  const pollers = Math.floor(r() * 4);
  for (let s = 0; s < pollers; s++) {
    const period = Math.exp(Math.log(1000) + r() * Math.log(60));
    const jitter = r() * 0.12, missed = r() * 0.25, burstShare = r() * 0.5, calls = 1 + Math.floor(r() * 5);
    const from = r() * end, to = from + r() * (end - from);
    for (let t = from; t < to; t += period) {
      if (r() < missed) continue;
      const beat = t + (r() * 2 - 1) * jitter * period;
      // A burst: its calls closer than the burst gap, lasting up to half a period.
      const length = Math.min(burstShare * period * (0.5 + r() / 2), (burstGap - 1) * (calls - 1));
      for (let j = 0; j < calls; j++) ts.push(beat + (calls === 1 ? 0 : (j * length) / (calls - 1)));
    }
  }
  return ts.sort((a, b) => a - b).map((t) => Math.round(t * 1000) / 1000);
}

/** The seeds' findings, each seed's as the first 8 hex digits of the SHA-256 of its episodes' JSON. */
function digests(): { digest: string[]; found: number } {
  const digest: string[] = [];
  let found = 0;
  for (let seed = 1; seed <= SEEDS; seed++) {
    const burstGapMs = [100, 500, 2000][seed % 3]!;
    const d = new PeriodDetector({ ...OPTS, burstGapMs });
    for (const t of series(prng(seed), burstGapMs)) d.add(t);
    const eps = d.finish();
    found += eps.length;
    digest.push(createHash("sha256").update(JSON.stringify(eps)).digest("hex").slice(0, 8));
  }
  return { digest, found };
}

// prettier-ignore
const EXPECTED: readonly string[] = [
  "4f53cda1", "4f53cda1", "4f53cda1", "4f53cda1", "4f53cda1", "c7a215a7", "4f53cda1", "4f53cda1", "4f53cda1", "4f53cda1", "4f53cda1", "092180e2",
  "4f53cda1", "4f53cda1", "4f53cda1", "4f53cda1", "4f53cda1", "4f53cda1", "4f53cda1", "4f53cda1", "4f53cda1", "b579e89f", "4f53cda1", "4f53cda1",
  "4f53cda1", "4f53cda1", "3ccef248", "4f53cda1", "4f53cda1", "4f53cda1", "4f53cda1", "4f53cda1", "4f53cda1", "4f53cda1", "4f53cda1", "4f53cda1",
  "4f53cda1", "4f53cda1", "4f53cda1", "4f53cda1", "4f53cda1", "4f53cda1", "4f53cda1", "f8c80a15", "4f53cda1", "4f53cda1", "4f53cda1", "4f53cda1",
  "4f53cda1", "4f53cda1", "4f53cda1", "22028f3f", "4f53cda1", "4f53cda1", "4f53cda1", "4f53cda1", "4f53cda1", "4f53cda1", "4f53cda1", "4f53cda1",
  "4f53cda1", "4f53cda1", "82e90db4", "4f53cda1", "4f53cda1", "b12155c7", "4f53cda1", "4f53cda1", "4f53cda1", "4f53cda1", "4f53cda1", "4f53cda1",
  "4f53cda1", "4f53cda1", "ecbba516", "4f53cda1", "4f53cda1", "4f53cda1", "4f53cda1", "4f53cda1", "4f53cda1", "4f53cda1", "9ab19e79", "4f53cda1",
  "4f53cda1", "4f53cda1", "4f53cda1", "4f53cda1", "4f53cda1", "4f53cda1", "4f53cda1", "4f53cda1", "4f53cda1", "4f53cda1", "4f53cda1", "4f53cda1",
  "4f53cda1", "ebefaf2c", "4f53cda1", "4f53cda1", "4f53cda1", "4f53cda1", "4f53cda1", "4f53cda1", "4f53cda1", "4f53cda1", "4f53cda1", "4f53cda1",
  "4f53cda1", "4f53cda1", "4f53cda1", "4f53cda1", "4f53cda1", "4f53cda1", "4f53cda1", "4f53cda1", "4f53cda1", "4f53cda1", "4f53cda1", "4f53cda1",
  "4f53cda1", "4f53cda1", "4f53cda1", "4f53cda1", "4f53cda1", "4f53cda1", "4f53cda1", "4f53cda1", "4f53cda1", "4f53cda1", "4f53cda1", "4f53cda1",
  "4f53cda1", "4f53cda1", "4f53cda1", "4f53cda1", "4f53cda1", "4f53cda1", "4f53cda1", "cbfa7bdc", "4f53cda1", "4f53cda1", "4f53cda1", "4f53cda1",
  "4f53cda1", "4f53cda1", "4f53cda1", "4f53cda1", "4f53cda1", "4f53cda1", "fbae12e9", "4f53cda1", "4f53cda1", "4f53cda1", "4f53cda1", "4f53cda1",
  "4f53cda1", "4f53cda1", "4f53cda1", "4f53cda1", "4f53cda1", "4f53cda1", "4f53cda1", "4f53cda1", "4f53cda1", "4f53cda1", "4f53cda1", "4f53cda1",
  "4f53cda1", "4f53cda1", "4f53cda1", "4f53cda1", "4f53cda1", "4f53cda1", "4f53cda1", "4f53cda1", "4f53cda1", "4f53cda1", "4f53cda1", "4f53cda1",
  "4f53cda1", "4f53cda1", "4f53cda1", "4f53cda1", "cb9bc60a", "4f53cda1", "4f53cda1", "4f53cda1", "4f53cda1", "4f53cda1", "4f53cda1", "4f53cda1",
  "4f53cda1", "4f53cda1", "4f53cda1", "4f53cda1", "4f53cda1", "4f53cda1", "4f53cda1", "4f53cda1", "4f53cda1", "4f53cda1", "bfdefe16", "4f53cda1",
  "4f53cda1", "4f53cda1", "4f53cda1", "4f53cda1", "4f53cda1", "4f53cda1", "4f53cda1", "4f53cda1", "4f53cda1", "4f53cda1", "4f53cda1", "4f53cda1",
  "4f53cda1", "4f53cda1", "4f53cda1", "4f53cda1", "4f53cda1", "4f53cda1", "4f53cda1", "4f53cda1", "4f53cda1", "4f53cda1", "4f53cda1", "4f53cda1",
  "4f53cda1", "4f53cda1", "4f53cda1", "4f53cda1", "4f53cda1", "4f53cda1", "4f53cda1", "4f53cda1", "4f53cda1", "4f53cda1", "4f53cda1", "4f53cda1",
];

describe("periodic polling on generated bursty keys", () => {
  it("finds exactly what it found before its candidate search was sped up", () => {
    const { digest, found } = digests();
    expect(found).toBeGreaterThan(50);
    const differ = digest.flatMap((d, i) => (d === EXPECTED[i] ? [] : [i + 1]));
    expect(differ, `seeds whose episodes differ: ${differ.join(", ")}`).toEqual([]);
  });
});

import { describe, expect, it } from "vitest";
import { renderHtml } from "../../reports/render/html/index.js";
import { generateTrace } from "../../scripts/synthetic.js";
import { analyzeDir, tempDir } from "../support/trace-builder.js";

async function htmlBytes(events: number, rate: number): Promise<{ bytes: number; findings: number; calls: number }> {
  const dir = tempDir("permtrace-html-scale-");
  generateTrace({ dir, events, rate });
  const a = analyzeDir(dir);
  const html = await renderHtml(a, { traceDir: dir });
  return { bytes: Buffer.byteLength(html), findings: a.findings.length, calls: a.trace.calls };
}

describe("HTML report at scale", () => {
  // The same 1000 s of synthetic app (same scenarios) at 20 and at 200 calls/s. Measured:
  // 20k calls → 1.62 MB (343 findings), 200k calls → 1.65 MB (369 findings). The page holds
  // aggregates only: at most 600 timeline bins, the parties, the findings (300 with evidence).
  it("does not grow with the number of calls: 10× the calls, the same size", async () => {
    const small = await htmlBytes(20_000, 20);
    const large = await htmlBytes(200_000, 200);
    expect(large.calls).toBe(200_000);
    expect(large.bytes).toBeLessThan(2_000_000);
    expect(large.bytes / small.bytes).toBeLessThan(1.1);
  }, 180_000);
});

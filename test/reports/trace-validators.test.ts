import { appendFileSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { openTrace as openFromSources, tracePrecompiledValidators as fromSources } from "../../reports/trace/reader.js";
import { TraceBuilder, UMENG } from "../support/trace-builder.js";

// The build precompiles the reader's schema validators (scripts/build-validators.ts); sources
// compile them at run time. Both must judge stacks, markers and manifests alike.
const DIST = new URL("../../dist/reports/trace/reader.js", import.meta.url).pathname;

function odd(): string {
  const dir = new TraceBuilder().consented().call(2, "telephony.TelephonyManager.getImei", "phone_identifiers", { from: UMENG }).mark(3, "scenario_start", { scenario: "s", needs: ["location"] }).close();
  appendFileSync(join(dir, "stacks.jsonl"), ['{"id":"x","frames":[]}', '{"id":7}', '{"id":8,"frames":[{"c":5}]}', '{"id":9,"frames":[{"c":"a.B","m":"run","l":"x"}]}', '{"id":10,"frames":[],"extra":1}'].join("\n") + "\n");
  appendFileSync(join(dir, "timeline.jsonl"), ['{"t":"1","kind":"background"}', '{"t":4,"kind":"scenario_start","needs":"location"}', '{"t":5,"kind":"permission_dialog_answered","answer":"maybe"}', '{"kind":"foreground"}', '{"t":6,"kind":"foreground","extra":true}'].join("\n") + "\n");
  return dir;
}

describe("precompiled trace validators", () => {
  it("are used by the build, not by sources", async () => {
    const dist = (await import(DIST)) as typeof import("../../reports/trace/reader.js");
    expect(dist.tracePrecompiledValidators()).toBe(true);
    expect(fromSources()).toBe(false);
  });

  it("judge stacks and markers exactly as compiled ones", async () => {
    const dist = (await import(DIST)) as typeof import("../../reports/trace/reader.js");
    const dir = odd();
    const a = dist.openTrace(dir);
    const b = openFromSources(dir);
    expect(a.skipped.samples.length).toBeGreaterThan(5);
    expect(a.skipped.samples).toEqual(b.skipped.samples);
    expect([a.stackStats, a.timelineStats, a.markers.length, a.stacks.size]).toEqual([b.stackStats, b.timelineStats, b.markers.length, b.stacks.size]);
  });

  it("give the same one-line error for a bad manifest", async () => {
    const dist = (await import(DIST)) as typeof import("../../reports/trace/reader.js");
    const dir = odd();
    const m = JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8")) as Record<string, unknown>;
    for (const bad of [{ ...m, app: { package: 5 } }, { ...m, device: "x" }, { ...m, startedAt: undefined }]) {
      writeFileSync(join(dir, "manifest.json"), JSON.stringify(bad));
      const msg = (f: () => unknown) => {
        try {
          f();
          return "no error";
        } catch (e) {
          return (e as Error).message;
        }
      };
      const fromDist = msg(() => dist.openTrace(dir));
      expect(fromDist).not.toBe("no error");
      expect(fromDist).toBe(msg(() => openFromSources(dir)));
    }
  });
});

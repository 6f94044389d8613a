import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { diffAnalyses } from "../../reports/diff.js";
import { renderJson } from "../../reports/render/json.js";
import { EXIT, main } from "../../runner/cli.js";
import { APP, analyzeDir, GDT, tempDir, TraceBuilder, UMENG } from "../support/trace-builder.js";

const ACQUIRE = "com.acme.tracker.Collector.run";

/** Version 1: Umeng reads the IMEI before consent; the app reads location now and then. */
function v1(): string {
  const b = new TraceBuilder().mark(0, "app_launch").mark(0, "consent_shown");
  b.call(5, "telephony.TelephonyManager.getImei", "phone_identifiers", { from: UMENG });
  b.mark(10, "consent_accepted");
  b.calls([100_000, 200_000, 300_000, 400_000, 500_000, 600_000], "location.LocationManager.getLastKnownLocation", "location", { from: APP });
  return b.close();
}

/** Version 2: consent fixed for Umeng, an ad SDK and an unknown tracker arrive, the app reads location far more. */
function v2(): string {
  const b = new TraceBuilder().mark(0, "app_launch").mark(0, "consent_shown");
  // The tracker now reads the clipboard before consent; Umeng waits for it.
  b.call(7, "clipboard.ClipboardManager.getPrimaryClip", "clipboard", { from: [ACQUIRE] });
  b.mark(20, "consent_accepted");
  b.call(25, "telephony.TelephonyManager.getImei", "phone_identifiers", { from: UMENG });
  b.call(29, "location.LocationManager.getLastKnownLocation", "location", { from: GDT });
  b.calls(Array.from({ length: 60 }, (_, i) => 10_000 + i * 10_000), "location.LocationManager.getLastKnownLocation", "location", { from: APP });
  return b.close();
}

describe("permtrace diff", () => {
  it("lists new collectors, categories, frequency changes, findings introduced and fixed", () => {
    const d = diffAnalyses(analyzeDir(v1()), analyzeDir(v2()));
    expect(d.newParties.map((p) => p.party).sort()).toEqual(["pkg:com.acme.tracker", "sdk:tencent-gdt"]);
    expect(d.newCategories).toEqual(["clipboard"]);
    expect(d.goneCategories).toEqual([]);
    expect(d.rateUp.map((r) => [r.party, r.category])).toEqual([["app", "location"]]);
    expect(d.fixed.map((f) => f.rule)).toContain("consent.pre_consent_collection");
    expect(d.introduced.map((f) => [f.rule, f.party])).toContainEqual(["consent.pre_consent_collection", "com.acme.tracker"]);
    expect(d.introduced.every((f) => !f.key.startsWith("consent.pre_consent_collection|sdk:umeng"))).toBe(true);
  });

  it("compares traces or findings.json files, in text, JSON or Markdown, with a regression gate", async () => {
    const oldTrace = v1();
    const newTrace = v2();
    const oldFindings = join(tempDir(), "old.json");
    writeFileSync(oldFindings, renderJson(analyzeDir(oldTrace)));
    const io = () => {
      const r = { out: "", err: "" };
      return { r, io: { out: (t: string) => void (r.out += t), err: (t: string) => void (r.err += t) } };
    };
    const a = io();
    expect(await main(["--log-level", "silent", "diff", oldFindings, newTrace], a.io)).toBe(EXIT.ok);
    expect(a.r.out).toMatch(/^\d+ → \d+ finding\(s\); \d+ introduced, \d+ fixed/);
    expect(a.r.out).toMatch(/New collectors:\n {2}.*com\.acme\.tracker/);
    const b = io();
    expect(await main(["--log-level", "silent", "diff", oldTrace, newTrace, "--format", "json", "--fail-on", "low"], b.io)).toBe(EXIT.findings);
    expect(JSON.parse(b.r.out).format).toBe("permtrace-diff");
    const c = io();
    expect(await main(["--log-level", "silent", "diff", oldTrace, oldTrace, "--format", "md", "--fail-on", "info"], c.io)).toBe(EXIT.ok);
    expect(c.r.out).toMatch(/^# permtrace diff: com\.example\.app/);
    const bad = io();
    expect(await main(["--log-level", "silent", "diff", join(tempDir(), "nope.json"), newTrace], bad.io)).toBe(EXIT.input);
    expect(bad.r.err).toMatch(/findings file not found/);
  });
});

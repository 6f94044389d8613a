import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { diffAnalyses, renderDiffMarkdown, renderDiffText } from "../../reports/diff.js";
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

describe("permtrace diff of findings someone else handed over", () => {
  it("refuses a findings file that is not one, in one line", async () => {
    const bad = join(tempDir(), "bad.json");
    writeFileSync(bad, JSON.stringify({ format: "permtrace-findings", schemaVersion: 1 }));
    let err = "";
    const code = await main(["--log-level", "silent", "diff", bad, bad], { out: () => undefined, err: (t) => void (err += t) });
    expect(code).toBe(EXIT.input);
    expect(err).toMatch(/^permtrace: .*bad\.json: not a findings file of this permtrace: the top level must have required property '\w+' — pass the findings\.json `permtrace report` wrote, unchanged\n$/);
  });

  it("escapes every field in Markdown and drops terminal controls in text", () => {
    const before = analyzeDir(v1());
    const after = structuredClone(analyzeDir(v2())) as { parties: { categories: Record<string, number>; party: { sdkKind?: string } }[] } & ReturnType<typeof analyzeDir>;
    after.parties[0]!.categories["<img src=x onerror=alert(1)>"] = 9;
    after.parties[0]!.party.sdkKind = "\u001b]0;pwned\u0007kind";
    const d = diffAnalyses(before, after);
    const md = renderDiffMarkdown(d);
    expect(md).not.toContain("<img");
    expect(md).toContain("&lt;img src=x onerror=alert(1)&gt;");
    const text = renderDiffText(d);
    expect(text).not.toMatch(/[\u001b\u0007]/);
  });

  it("tells apart findings of one party that differ by permission: fixing one shows", () => {
    const trace = (perms: string[]) => {
      const b = new TraceBuilder().consented(0);
      for (const [i, p] of perms.entries()) {
        b.mark(100 + i, "permission_dialog_answered", { permissions: [p], answer: "deny" });
      }
      // Two reads of one category, guarded by two permissions.
      b.call(1_000, "location.LocationManager.getLastKnownLocation", "location", { from: GDT, perm: "android.permission.ACCESS_FINE_LOCATION" });
      b.call(1_001, "location.LocationManager.getLastKnownLocation", "location", { from: GDT, perm: "android.permission.ACCESS_COARSE_LOCATION" });
      return analyzeDir(b.close());
    };
    const both = trace(["android.permission.ACCESS_FINE_LOCATION", "android.permission.ACCESS_COARSE_LOCATION"]);
    const one = trace(["android.permission.ACCESS_COARSE_LOCATION"]);
    const refused = (a: ReturnType<typeof analyzeDir>) => a.findings.filter((f) => f.rule === "refusal.after_permission_denied");
    expect(refused(both).map((f) => f.evidence.details?.permission).sort()).toEqual(["android.permission.ACCESS_COARSE_LOCATION", "android.permission.ACCESS_FINE_LOCATION"]);
    expect(refused(one)).toHaveLength(1);
    expect(diffAnalyses(both, one).fixed.filter((f) => f.rule === "refusal.after_permission_denied")).toHaveLength(refused(both).length - refused(one).length);
  });
  it("does not see a frequency finding as fixed and introduced when its busiest minute moves to another scenario", () => {
    const trace = (busy: "a" | "b") => {
      const b = new TraceBuilder().consented(0);
      b.mark(1_000, "scenario_start", { scenario: "a", needs: ["device_identifiers"] });
      b.mark(200_000, "scenario_start", { scenario: "b", needs: ["device_identifiers"] });
      const at = busy === "a" ? 10_000 : 210_000;
      b.calls([0, 5_000, 10_000, 15_000, 20_000, 25_000].map((x) => at + x), "settings.Secure.getString.android_id", "device_identifiers", { from: UMENG });
      return analyzeDir(b.close());
    };
    const inA = trace("a");
    const inB = trace("b");
    const perMinute = (a: ReturnType<typeof analyzeDir>) => a.findings.filter((f) => f.rule === "frequency.rate_per_minute");
    expect(perMinute(inA).map((f) => f.scenario)).toEqual(["a"]);
    expect(perMinute(inB).map((f) => f.scenario)).toEqual(["b"]);
    const d = diffAnalyses(inA, inB);
    expect([...d.introduced, ...d.fixed].filter((f) => f.rule.startsWith("frequency."))).toEqual([]);
  });

  it("tells apart pollers of one party by hook, and counts repeated findings: fixing one of several shows", () => {
    const trace = (hooks: number, backgrounds: number) => {
      const b = new TraceBuilder().consented(0);
      const ticks = Array.from({ length: 12 }, (_, i) => 1_000 + i * 30_000);
      b.calls(ticks, "location.LocationManager.getLastKnownLocation", "location", { from: GDT });
      if (hooks > 1) b.calls(ticks.map((t) => t + 5_000), "telephony.TelephonyManager.getCellLocation", "location", { from: GDT });
      for (let i = 0; i < backgrounds; i++) {
        const t = 400_000 + i * 100_000;
        b.mark(t, "background").call(t + 5_000, "clipboard.ClipboardManager.getPrimaryClip", "clipboard", { from: UMENG }).mark(t + 50_000, "foreground");
      }
      return analyzeDir(b.close());
    };
    const before = trace(2, 3);
    const after = trace(1, 1);
    const count = (a: ReturnType<typeof analyzeDir>, rule: string) => a.findings.filter((f) => f.rule === rule).length;
    expect([count(before, "frequency.periodic_polling"), count(after, "frequency.periodic_polling")]).toEqual([2, 1]);
    expect([count(before, "background.collection"), count(after, "background.collection")]).toEqual([3, 1]);
    const d = diffAnalyses(before, after);
    expect(d.fixed.filter((f) => f.rule === "frequency.periodic_polling")).toHaveLength(1);
    expect(d.fixed.filter((f) => f.rule === "background.collection")).toHaveLength(2);
    expect(d.introduced.filter((f) => f.rule === "frequency.periodic_polling" || f.rule === "background.collection")).toEqual([]);
  });
});

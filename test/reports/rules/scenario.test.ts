import { describe, expect, it } from "vitest";
import type { Category } from "../../../reports/trace/categories.js";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { analyzeDir, APP, GDT, ruleFindings, tempDir, TraceBuilder } from "../../support/trace-builder.js";

const RULE = "scenario.unneeded_category";
const LOC = "location.LocationManager.getLastKnownLocation";
const CONTACTS = "contacts.ContentResolver.query";

/** Consent at 0, then a scenario starting at 1000 with the given needs. */
function inScenario(needs: readonly Category[] | undefined, add: (b: TraceBuilder) => void, name = "search") {
  const b = new TraceBuilder().consented(0).mark(1000, "scenario_start", { scenario: name, purpose: "find a shop", ...(needs ? { needs } : {}) });
  add(b);
  return analyzeDir(b.close());
}

const status = (a: ReturnType<typeof analyzeDir>) => a.rules.find((r) => r.id === RULE)!;

describe("scenario.unneeded_category", () => {
  it("flags a category the scenario does not need, with scenario, needs and evidence", () => {
    const a = inScenario(["location"], (b) => {
      b.mark(1500, "step_start", { scenario: "search", step: 1, action: "tap", label: "search button" });
      b.call(2000, CONTACTS, "contacts", { from: APP });
      b.call(2500, CONTACTS, "contacts", { from: APP });
    });
    const f = ruleFindings(a, RULE);
    expect(f).toHaveLength(1);
    expect(f[0]!).toMatchObject({ severity: "medium", category: "contacts", scenario: "search", count: 2, window: { start: 2000, end: 2500 } });
    expect(f[0]!.party).toMatchObject({ key: "app", kind: "app" });
    expect(f[0]!.evidence.details!.needs).toEqual(["location"]);
    expect(f[0]!.evidence.step).toEqual({ scenario: "search", index: 1, action: "tap", label: "search button" });
    expect(f[0]!.message).toContain("in scenario 'search', which needs location");
    expect(status(a).status).toBe("evaluated");
  });

  it("does not flag a needed category", () => {
    const a = inScenario(["location"], (b) => b.call(2000, LOC, "location", { from: APP }));
    expect(ruleFindings(a, RULE)).toEqual([]);
  });

  it("judges SDKs too: an ads SDK reading a needed category is not flagged, an unneeded one is", () => {
    const a = inScenario(["location"], (b) => {
      b.call(2000, LOC, "location", { from: GDT });
      b.call(2100, "settings.Secure.getString", "device_identifiers", { from: GDT });
    });
    const f = ruleFindings(a, RULE);
    expect(f).toHaveLength(1);
    expect(f[0]!.party.key).toBe("sdk:tencent-gdt");
    expect(f[0]!.category).toBe("device_identifiers");
  });

  it("a scenario with an empty needs list flags every collected category", () => {
    const a = inScenario([], (b) => {
      b.call(2000, LOC, "location");
      b.call(2100, "camera.Camera.open", "camera");
    });
    const f = ruleFindings(a, RULE);
    expect(f.map((x) => x.category).sort()).toEqual(["camera", "location"]);
    expect(f[0]!.message).toContain("which needs no personal data");
  });

  it("does not judge meta categories (permission checks, requests)", () => {
    const a = inScenario(["location"], (b) => {
      b.call(2000, "perm.Context.checkSelfPermission", "permission_check", { perm: "android.permission.READ_CONTACTS" });
      b.call(2100, "perm.Activity.requestPermissions", "permission_request", { req: ["android.permission.READ_CONTACTS"] });
    });
    expect(ruleFindings(a, RULE)).toEqual([]);
  });

  it("does not judge calls outside scenarios or after scenario_end", () => {
    const a = inScenario(["location"], (b) => {
      b.call(500, CONTACTS, "contacts");
      b.mark(3000, "scenario_end", { scenario: "search" });
      b.call(3000, CONTACTS, "contacts");
      b.call(4000, CONTACTS, "contacts");
    });
    expect(ruleFindings(a, RULE)).toEqual([]);
  });

  it("does not judge a scenario without needs, while judging one that has them", () => {
    const b = new TraceBuilder().consented(0);
    b.mark(1000, "scenario_start", { scenario: "browse" });
    b.call(1500, CONTACTS, "contacts");
    b.mark(2000, "scenario_start", { scenario: "map", needs: ["location"] });
    b.call(2500, CONTACTS, "contacts");
    const a = analyzeDir(b.close());
    const f = ruleFindings(a, RULE);
    expect(f).toHaveLength(1);
    expect(f[0]!.scenario).toBe("map");
    expect(f[0]!.window.start).toBe(2500);
    expect(a.scenarios.map((s) => [s.name, s.needs])).toEqual([
      ["browse", undefined],
      ["map", ["location"]],
    ]);
  });

  it("gives one finding per party, category and API across scenarios, listing each occurrence", () => {
    const b = new TraceBuilder().consented(0);
    b.mark(1000, "scenario_start", { scenario: "one", needs: ["location"] });
    b.call(1500, CONTACTS, "contacts");
    b.mark(2000, "scenario_start", { scenario: "two", needs: ["location"] });
    b.call(2500, CONTACTS, "contacts");
    b.call(2600, CONTACTS, "contacts");
    b.call(2700, "contacts.ContentResolver.query.other", "contacts");
    const f = ruleFindings(analyzeDir(b.close()), RULE);
    expect(f.map((x) => [x.evidence.details!.hook, x.scenario ?? x.scenarios, x.count])).toEqual([
      [CONTACTS, ["one", "two"], 3],
      ["contacts.ContentResolver.query.other", "two", 1],
    ]);
    const grouped = f[0]!;
    expect(grouped.scenario).toBeUndefined();
    expect(grouped.evidence.details!.occurrences).toEqual([
      { scenario: "one", needs: ["location"], count: 1, start: 1500, end: 1500, firstEvent: expect.any(Number) },
      { scenario: "two", needs: ["location"], count: 2, start: 2500, end: 2600, firstEvent: expect.any(Number) },
    ]);
    expect(grouped.message).toMatch(/read contacts 3 time\(s\) in 2 scenarios that do not need it: 'one' \(1\), 'two' \(2\)$/);
  });

  it("a call a stronger rule already reports is counted in that finding, not a second one", () => {
    // Before consent: the pre-consent finding (high) holds the call and says it was also unneeded there.
    const b = new TraceBuilder();
    b.mark(0, "consent_shown");
    b.mark(1000, "scenario_start", { scenario: "one", needs: ["location"] });
    b.call(1500, CONTACTS, "contacts");
    const traceDir = b.close();
    const a = analyzeDir(traceDir);
    expect(ruleFindings(a, RULE)).toEqual([]);
    const pre = ruleFindings(a, "consent.pre_consent_collection");
    expect(pre).toHaveLength(1);
    expect(pre[0]!.evidence.details!.alsoBreaks).toEqual([{ rule: RULE, count: 1, scenarios: ["one"] }]);
    expect(pre[0]!.message).toContain("; also scenario.unneeded_category: 1 of these call(s) in scenario 'one', which does not need the data");
    // Made weaker than the unneeded rule by the policy, the pre-consent finding does not take the call.
    const dir = tempDir();
    const policy = join(dir, "weak.yaml");
    writeFileSync(policy, "rules:\n  consent.pre_consent_collection:\n    severity: low\n");
    const weak = analyzeDir(traceDir, { policy });
    expect(ruleFindings(weak, RULE)).toHaveLength(1);
  });

  it("is skipped, with a reason, when no scenario declares needs", () => {
    const a = inScenario(undefined, (b) => b.call(2000, CONTACTS, "contacts"));
    expect(ruleFindings(a, RULE)).toEqual([]);
    const s = status(a);
    expect(s.status).toBe("skipped");
    expect(s.reason).toMatch(/no scenario .*declares/);
    expect(s.findings).toBe(0);
  });

  it("is skipped when the trace has no scenario at all", () => {
    const a = analyzeDir(new TraceBuilder().consented(0).call(2000, CONTACTS, "contacts").close());
    expect(status(a).status).toBe("skipped");
  });
});

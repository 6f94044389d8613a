import { describe, expect, it } from "vitest";
import type { AppProfile } from "../../../reports/profile.js";
import { analyzeDir, APP, GDT, ruleFindings, TraceBuilder } from "../../support/trace-builder.js";

const RULE = "necessity.beyond_app_type";
const LOC = "location.LocationManager.getLastKnownLocation";
const CONTACTS = "contacts.ContentResolver.query";

/** Consent at 0; location, contacts, camera and microphone each read by the app. */
function everyKind(appType: AppProfile["appType"] | null, policy?: string) {
  const b = new TraceBuilder().consented(0);
  b.call(1000, LOC, "location", { from: APP });
  b.call(1500, LOC, "location", { from: APP });
  b.call(2000, CONTACTS, "contacts", { from: APP });
  b.call(3000, "camera.Camera.open", "camera", { from: APP });
  b.call(4000, "audio.AudioRecord.startRecording", "microphone", { from: APP });
  b.call(5000, "perm.Context.checkSelfPermission", "permission_check", { from: APP });
  const profile: AppProfile = { app: "com.example.app", ...(appType !== null ? { appType } : {}) };
  return analyzeDir(b.close(), { profile, ...(policy ? { policy } : {}) });
}

const status = (a: ReturnType<typeof analyzeDir>) => a.rules.find((r) => r.id === RULE)!;

describe("necessity.beyond_app_type", () => {
  it.each(["browser", 32, "32", "浏览器", "浏览器类", "Browser"] as const)("a browser (%s) reading location is flagged (low)", (appType) => {
    const f = ruleFindings(everyKind(appType), RULE);
    const loc = f.find((x) => x.category === "location")!;
    expect(loc).toMatchObject({ severity: "low", count: 2, window: { start: 1000, end: 1500 } });
    expect(loc.party.key).toBe("app");
    expect(loc.evidence.details!.appType).toMatchObject({ id: "browser", nameZh: "浏览器", necessary: [] });
    expect(loc.message).toContain("a Browser (浏览器) app needs no device-observable personal data");
    expect(f.map((x) => x.category).sort()).toEqual(["contacts", "location"]);
  });

  it("map_navigation does not flag location but flags contacts", () => {
    const a = everyKind("map_navigation");
    const f = ruleFindings(a, RULE);
    expect(f.map((x) => x.category)).toEqual(["contacts"]);
    expect(f[0]!.evidence.details!.appType).toMatchObject({ id: "map_navigation", necessary: ["location"] });
    expect(f[0]!.message).toContain("needs location for its basic function");
    expect(a.profile).toMatchObject({ app: "com.example.app", appType: "map_navigation" });
  });

  it("never flags capabilities (camera, microphone) or meta categories", () => {
    for (const t of ["browser", "map_navigation", "utilities"]) {
      const cats = ruleFindings(everyKind(t), RULE).map((x) => x.category);
      expect(cats).not.toContain("camera");
      expect(cats).not.toContain("microphone");
      expect(cats).not.toContain("permission_check");
    }
  });

  it("gives separate findings per party", () => {
    const b = new TraceBuilder().consented(0);
    b.call(1000, LOC, "location", { from: APP });
    b.call(2000, LOC, "location", { from: GDT });
    const f = ruleFindings(analyzeDir(b.close(), { profile: { app: "com.example.app", appType: "news" } }), RULE);
    expect(f.map((x) => x.party.key).sort()).toEqual(["app", "sdk:tencent-gdt"]);
  });

  it("is skipped without a profile, or with a profile naming no appType", () => {
    const b = new TraceBuilder().consented(0).call(1000, LOC, "location");
    const none = analyzeDir(b.close());
    expect(status(none)).toMatchObject({ status: "skipped", findings: 0 });
    expect(status(none).reason).toMatch(/no app profile/);
    const noType = everyKind(null);
    expect(status(noType).status).toBe("skipped");
    expect(status(noType).reason).toMatch(/names no appType/);
    expect(ruleFindings(noType, RULE)).toEqual([]);
  });

  it("is disabled by store profiles that do not use the 39-type table", () => {
    const a = everyKind("browser", "tencent-myapp");
    expect(status(a).status).toBe("disabled");
    expect(ruleFindings(a, RULE)).toEqual([]);
  });
});

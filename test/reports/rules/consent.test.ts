import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { renderMarkdown } from "../../../reports/render/markdown.js";
import { analyzeDir, APP, ruleFindings, tempDir, TraceBuilder, UMENG } from "../../support/trace-builder.js";

const COLLECTION = "consent.pre_consent_collection";
const REQUEST = "consent.pre_consent_permission_request";
const IMEI = "telephony.TelephonyManager.getImei";
const PKG_INFO = "apps.PackageManager.getPackageInfo";
const NO_MARKER_WARNING = /no consent marker/;

/** A trace with consent accepted at `at` and the calls `add` writes. */
function withConsentAt(at: number, add: (b: TraceBuilder) => void) {
  const b = new TraceBuilder().consented(at);
  add(b);
  return analyzeDir(b.close());
}

function policyFile(yaml: string): string {
  const path = join(tempDir(), "policy.yaml");
  writeFileSync(path, yaml);
  return path;
}


describe("consent.pre_consent_collection", () => {
  it("flags a single call before consent_accepted, with party, category, window and evidence", () => {
    const a = withConsentAt(1000, (b) => {
      b.mark(100, "screenshot", { path: "screenshots/consent.png" });
      b.mark(200, "scenario_start", { scenario: "launch" });
      b.mark(200, "step_start", { scenario: "launch", step: 0, action: "wait", label: "splash" });
      b.call(500, IMEI, "phone_identifiers", { from: UMENG, perm: "android.permission.READ_PHONE_STATE" });
    });
    const f = ruleFindings(a, COLLECTION);
    expect(f).toHaveLength(1);
    const x = f[0]!;
    expect(x.family).toBe("consent");
    expect(x.severity).toBe("high");
    expect(x.party).toMatchObject({ key: "sdk:umeng-common", kind: "sdk", sdkKind: "analytics" });
    expect(x.category).toBe("phone_identifiers");
    expect(x.scenario).toBe("launch");
    expect(x.count).toBe(1);
    expect(x.window).toEqual({ start: 500, end: 500 });
    expect(x.message).toContain("1 time(s) before the privacy policy was accepted");
    expect(x.evidence.screenshot).toEqual({ t: 100, path: "screenshots/consent.png" });
    expect(x.evidence.step).toEqual({ scenario: "launch", index: 0, action: "wait", label: "splash" });
    expect(x.evidence.hooks).toEqual([{ hook: IMEI, count: 1 }]);
    const st = x.evidence.stack!;
    expect(st.frames[st.responsibleFrame]).toBe("com.umeng.commonsdk.internal.a.b(Unknown Source)");
    expect(st.frames[st.immediateFrame]).toBe("com.umeng.commonsdk.internal.a.b(Unknown Source)");
  });

  it("says when every call was an attempt that threw (Android refused the identifier)", () => {
    const one = withConsentAt(1000, (b) => b.call(500, IMEI, "phone_identifiers", { from: UMENG, out: "threw", exc: "java.lang.SecurityException" }));
    expect(ruleFindings(one, COLLECTION)[0]!.message).toMatch(/before the privacy policy was accepted — the call threw java\.lang\.SecurityException: an attempt, refused or failed on the device$/);
    const two = withConsentAt(1000, (b) => b.calls([400, 500], IMEI, "phone_identifiers", { from: UMENG, out: "threw", exc: "java.lang.SecurityException" }));
    expect(ruleFindings(two, COLLECTION)[0]!.message).toContain("— all 2 threw java.lang.SecurityException: attempts");
    // One that succeeded among them: a read, said as such.
    const mixed = withConsentAt(1000, (b) => {
      b.call(400, IMEI, "phone_identifiers", { from: UMENG, out: "threw", exc: "java.lang.SecurityException" });
      b.call(500, IMEI, "phone_identifiers", { from: UMENG });
    });
    expect(ruleFindings(mixed, COLLECTION)[0]!.message).not.toContain("attempt");
  });

  it("does not flag a call at exactly the consent time (markers at t apply to events at t)", () => {
    const a = withConsentAt(1000, (b) => b.call(1000, IMEI, "phone_identifiers", { from: UMENG }));
    expect(ruleFindings(a, COLLECTION)).toEqual([]);
  });

  it("flags a call 1 ms before the consent time", () => {
    const a = withConsentAt(1000, (b) => b.call(999, IMEI, "phone_identifiers", { from: UMENG }));
    expect(ruleFindings(a, COLLECTION)).toHaveLength(1);
  });

  it("does not count reading the app's own package info (by args or own flag) as collection", () => {
    const a = withConsentAt(1000, (b) => {
      b.call(100, PKG_INFO, "installed_apps", { args: ["com.example.app"] });
      b.call(200, "apps.PackageManager.getApplicationInfo", "installed_apps", { args: ["com.example.app"] });
      b.call(300, "apps.PackageManager.getInstalledPackages", "installed_apps", { own: true });
    });
    expect(ruleFindings(a, COLLECTION)).toEqual([]);
    // Nor does any table or the chart: they are counted apart.
    expect(a.trace).toMatchObject({ calls: 3, ownCalls: 3 });
    expect(a.parties).toEqual([expect.objectContaining({ party: expect.objectContaining({ key: "app" }), calls: 0, categories: {}, ownCalls: 3 })]);
    expect(a.stacks).toEqual([]);
    expect(renderMarkdown(a)).toContain("3 calls (3 about the app's own data, in no tally)");
    expect(Object.values(a.activity?.byCategory ?? {}).flat().reduce((n: number, x) => n + (x as number), 0)).toBe(0);
  });

  it("counts reading another package's info as collection", () => {
    const a = withConsentAt(1000, (b) => b.call(100, PKG_INFO, "installed_apps", { args: ["com.tencent.mm"] }));
    const f = ruleFindings(a, COLLECTION);
    expect(f).toHaveLength(1);
    expect(f[0]!.category).toBe("installed_apps");
    expect(f[0]!.party).toMatchObject({ key: "app", kind: "app" });
  });

  it("does not count own-package reads by hooks that do not take a package name", () => {
    // Only the package-info hooks are judged by their first argument.
    const a = withConsentAt(1000, (b) => b.call(100, "apps.PackageManager.getInstalledPackages", "installed_apps", { args: ["com.example.app"] }));
    expect(ruleFindings(a, COLLECTION)).toHaveLength(1);
  });

  it("ignores meta categories (permission checks) and calls after consent", () => {
    const a = withConsentAt(1000, (b) => {
      b.call(100, "perm.Context.checkSelfPermission", "permission_check", { perm: "android.permission.CAMERA" });
      b.call(2000, IMEI, "phone_identifiers", { from: UMENG });
    });
    expect(ruleFindings(a, COLLECTION)).toEqual([]);
  });

  it("gives app code and SDK code separate findings with the right party", () => {
    const a = withConsentAt(1000, (b) => {
      b.call(100, IMEI, "phone_identifiers", { from: APP });
      b.call(200, IMEI, "phone_identifiers", { from: UMENG });
    });
    const f = ruleFindings(a, COLLECTION);
    expect(f.map((x) => x.party.key).sort()).toEqual(["app", "sdk:umeng-common"]);
    const app = f.find((x) => x.party.key === "app")!;
    expect(app.party.kind).toBe("app");
    expect(app.window.start).toBe(100);
    expect(app.evidence.stack!.frames[app.evidence.stack!.responsibleFrame]).toBe("com.example.app.Main.run(Unknown Source)");
  });

  it("groups the same SDK through two call paths into one finding (party + category + scenario)", () => {
    const a = withConsentAt(5000, (b) => {
      b.call(100, IMEI, "phone_identifiers", { from: UMENG });
      b.call(200, "telephony.TelephonyManager.getDeviceId", "phone_identifiers", { from: ["com.umeng.commonsdk.statistics.idtracking.c.a", "com.example.app.Splash.onCreate"] });
      b.call(300, IMEI, "phone_identifiers", { from: UMENG });
    });
    const f = ruleFindings(a, COLLECTION);
    expect(f).toHaveLength(1);
    expect(f[0]!.count).toBe(3);
    expect(f[0]!.window).toEqual({ start: 100, end: 300 });
    expect(f[0]!.evidence.hooks).toEqual([
      { hook: IMEI, count: 2 },
      { hook: "telephony.TelephonyManager.getDeviceId", count: 1 },
    ]);
    // The stack seen most often is the evidence.
    expect(f[0]!.evidence.stack!.frames[0]).toBe("com.umeng.commonsdk.internal.a.b(Unknown Source)");
  });

  it("splits one party's findings by category and by scenario", () => {
    const a = withConsentAt(10_000, (b) => {
      b.call(100, IMEI, "phone_identifiers", { from: UMENG });
      b.call(200, "location.LocationManager.getLastKnownLocation", "location", { from: UMENG });
      b.mark(300, "scenario_start", { scenario: "login" });
      b.call(400, IMEI, "phone_identifiers", { from: UMENG });
    });
    const f = ruleFindings(a, COLLECTION);
    expect(f.map((x) => `${x.category}|${x.scenario ?? "-"}`).sort()).toEqual(["location|-", "phone_identifiers|-", "phone_identifiers|login"]);
  });
});

describe("consent.pre_consent_permission_request", () => {
  it("flags permission requests before consent with the permissions in details", () => {
    const a = withConsentAt(1000, (b) => {
      b.call(100, "perm.Activity.requestPermissions", "permission_request", { req: ["android.permission.ACCESS_FINE_LOCATION", "android.permission.READ_PHONE_STATE"] });
      b.call(200, "perm.Activity.requestPermissions", "permission_request", { req: ["android.permission.ACCESS_FINE_LOCATION", "android.permission.CAMERA"] });
    });
    const f = ruleFindings(a, REQUEST);
    expect(f).toHaveLength(1);
    expect(f[0]!.category).toBe("permission_request");
    expect(f[0]!.count).toBe(2);
    expect(f[0]!.evidence.details!.permissions).toEqual(["android.permission.ACCESS_FINE_LOCATION", "android.permission.READ_PHONE_STATE", "android.permission.CAMERA"]);
    expect(f[0]!.message).toContain("android.permission.ACCESS_FINE_LOCATION");
    // A request is not collection.
    expect(ruleFindings(a, COLLECTION)).toEqual([]);
  });

  it("does not flag a request after consent", () => {
    const a = withConsentAt(1000, (b) => b.call(1000, "perm.Activity.requestPermissions", "permission_request", { req: ["android.permission.CAMERA"] }));
    expect(ruleFindings(a, REQUEST)).toEqual([]);
  });
});

describe("initial consent state", () => {
  const imeiOnly = (): string => new TraceBuilder().mark(0, "app_launch").call(500, IMEI, "phone_identifiers", { from: UMENG }).close();

  it("judges every call as pre-consent without consent markers and warns about it", () => {
    const a = analyzeDir(imeiOnly());
    expect(ruleFindings(a, COLLECTION)).toHaveLength(1);
    expect(a.warnings.some((w) => NO_MARKER_WARNING.test(w))).toBe(true);
  });

  it("does not warn when the trace has consent markers", () => {
    const a = withConsentAt(1000, (b) => b.call(2000, IMEI, "phone_identifiers"));
    expect(a.warnings.some((w) => NO_MARKER_WARNING.test(w))).toBe(false);
  });

  it("consent.initialState: accepted in a policy file suppresses the finding and the warning", () => {
    const policy = policyFile("version: 1\nconsent:\n  initialState: accepted\n");
    const a = analyzeDir(imeiOnly(), { policy });
    expect(ruleFindings(a, COLLECTION)).toEqual([]);
    expect(a.warnings.some((w) => NO_MARKER_WARNING.test(w))).toBe(false);
    expect(a.policy.chain).toEqual([policy]);
  });

  it("a consent_shown marker after an accepted initial state makes consent pending again", () => {
    const policy = policyFile("consent:\n  initialState: accepted\n");
    const b = new TraceBuilder().mark(0, "app_launch").mark(1000, "consent_shown").call(500, IMEI, "phone_identifiers").call(1500, IMEI, "phone_identifiers");
    const f = ruleFindings(analyzeDir(b.close(), { policy }), COLLECTION);
    expect(f).toHaveLength(1);
    expect(f[0]!.window).toEqual({ start: 1500, end: 1500 });
  });

  it("ignoreCategories leaves those categories out", () => {
    const policy = policyFile("rules:\n  consent.pre_consent_collection:\n    ignoreCategories: [phone_identifiers]\n");
    const f = ruleFindings(analyzeDir(imeiOnly(), { policy }), COLLECTION);
    expect(f).toEqual([]);
  });
});

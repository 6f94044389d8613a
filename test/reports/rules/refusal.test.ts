import { describe, expect, it } from "vitest";
import { analyzeDir, APP, GDT, ruleFindings, TraceBuilder, UMENG } from "../../support/trace-builder.js";

const REJECTED = "refusal.after_consent_rejected";
const DENIED = "refusal.after_permission_denied";
const OPTED_OUT = "refusal.after_opt_out";

const FINE = "android.permission.ACCESS_FINE_LOCATION";
const CONTACTS = "android.permission.READ_CONTACTS";
const LOC = "location.LocationManager.getLastKnownLocation";
const IMEI = "telephony.TelephonyManager.getImei";
const SECURITY = "java.lang.SecurityException";

/** Launch and consent at 0, then whatever `add` writes. */
function consentedTrace(add: (b: TraceBuilder) => void) {
  const b = new TraceBuilder().consented(0);
  add(b);
  return analyzeDir(b.close());
}

const locCall = (b: TraceBuilder, t: number, extra: Parameters<TraceBuilder["call"]>[3] = {}) => b.call(t, LOC, "location", { perm: FINE, ...extra });

describe("refusal.after_consent_rejected", () => {
  it("flags collection after consent_rejected, not before it", () => {
    const b = new TraceBuilder().mark(0, "app_launch").mark(0, "consent_shown").mark(1000, "consent_rejected");
    b.call(500, IMEI, "phone_identifiers", { from: UMENG });
    b.call(1000, IMEI, "phone_identifiers", { from: UMENG });
    b.call(3000, IMEI, "phone_identifiers", { from: UMENG });
    const f = ruleFindings(analyzeDir(b.close()), REJECTED);
    expect(f).toHaveLength(1);
    expect(f[0]!).toMatchObject({ severity: "critical", category: "phone_identifiers", count: 2, window: { start: 1000, end: 3000 } });
    expect(f[0]!.party).toMatchObject({ key: "sdk:umeng-common", kind: "sdk" });
    expect(f[0]!.message).toContain("after the privacy policy was rejected");
  });

  it("does not flag after a later acceptance", () => {
    const b = new TraceBuilder().mark(0, "app_launch").mark(0, "consent_shown").mark(1000, "consent_rejected").mark(2000, "consent_shown").mark(2500, "consent_accepted");
    b.call(3000, IMEI, "phone_identifiers", { from: UMENG });
    expect(ruleFindings(analyzeDir(b.close()), REJECTED)).toEqual([]);
  });
});

describe("refusal.after_permission_denied", () => {
  it("counts calls guarded by a denied permission, a SecurityException included", () => {
    const a = consentedTrace((b) => {
      locCall(b, 500);
      b.mark(1000, "permission_dialog_answered", { permissions: [FINE], answer: "deny" });
      locCall(b, 2000, { out: "threw", exc: SECURITY });
      locCall(b, 3000);
    });
    const f = ruleFindings(a, DENIED);
    expect(f).toHaveLength(1);
    const x = f[0]!;
    expect(x).toMatchObject({ severity: "high", category: "location", count: 2, window: { start: 2000, end: 3000 } });
    expect(x.party.key).toBe("app");
    expect(x.evidence.details).toMatchObject({ permission: FINE, deniedAt: 1000, threw: 1 });
    expect(x.evidence.details!.firstCall).toMatchObject({ hook: LOC, out: "threw", exc: SECURITY });
    expect(x.message).toContain(`(1 threw ${SECURITY})`);
  });

  it("one call that threw is enough", () => {
    const a = consentedTrace((b) => {
      b.mark(1000, "permission_dialog_answered", { permissions: [FINE], answer: "deny_dont_ask" });
      locCall(b, 1000, { out: "threw", exc: SECURITY });
    });
    expect(ruleFindings(a, DENIED)).toHaveLength(1);
  });

  it("ignores calls guarded by another permission or by none", () => {
    const a = consentedTrace((b) => {
      b.mark(1000, "permission_dialog_answered", { permissions: [FINE], answer: "deny" });
      b.call(2000, "contacts.ContentResolver.query", "contacts", { perm: CONTACTS });
      b.call(2100, "settings.Secure.getString", "device_identifiers");
    });
    expect(ruleFindings(a, DENIED)).toEqual([]);
  });

  it("stops counting after a later grant (permission_granted or an allow answer)", () => {
    const a = consentedTrace((b) => {
      b.mark(1000, "permission_dialog_answered", { permissions: [FINE, CONTACTS], answer: "deny" });
      locCall(b, 1500);
      b.mark(2000, "permission_granted", { permissions: [FINE] });
      locCall(b, 2000);
      locCall(b, 2500);
      b.call(2600, "contacts.ContentResolver.query", "contacts", { perm: CONTACTS });
      b.mark(3000, "permission_dialog_answered", { permissions: [CONTACTS], answer: "allow" });
      b.call(3500, "contacts.ContentResolver.query", "contacts", { perm: CONTACTS });
    });
    const f = ruleFindings(a, DENIED);
    expect(f.map((x) => [x.evidence.details!.permission, x.count, x.window.end]).sort()).toEqual([
      [FINE, 1, 1500],
      [CONTACTS, 1, 2600],
    ].sort());
  });

  it("counts after permission_revoked and after permission_result granted: false", () => {
    const a = consentedTrace((b) => {
      b.mark(1000, "permission_revoked", { permissions: [FINE] });
      locCall(b, 1200, { from: GDT });
      b.mark(2000, "permission_result", { permissions: [CONTACTS], granted: false });
      b.call(2500, "contacts.ContentResolver.query", "contacts", { perm: CONTACTS, from: APP });
    });
    const f = ruleFindings(a, DENIED);
    expect(f).toHaveLength(2);
    const gdt = f.find((x) => x.party.key === "sdk:tencent-gdt")!;
    expect(gdt.evidence.details).toMatchObject({ permission: FINE, deniedAt: 1000 });
    expect(gdt.evidence.details!.threw).toBeUndefined();
    const app = f.find((x) => x.party.key === "app")!;
    expect(app.evidence.details).toMatchObject({ permission: CONTACTS, deniedAt: 2000 });
  });

  it("a permission_result granted: true does not deny", () => {
    const a = consentedTrace((b) => {
      b.mark(1000, "permission_result", { permissions: [FINE], granted: true });
      locCall(b, 1200);
    });
    expect(ruleFindings(a, DENIED)).toEqual([]);
  });

  it("keeps separate findings per party for the same permission", () => {
    const a = consentedTrace((b) => {
      b.mark(1000, "permission_revoked", { permissions: [FINE] });
      locCall(b, 1200, { from: GDT });
      locCall(b, 1300, { from: APP });
      locCall(b, 1400, { from: GDT });
    });
    const f = ruleFindings(a, DENIED);
    expect(f.map((x) => `${x.party.key}:${x.count}`).sort()).toEqual(["app:1", "sdk:tencent-gdt:2"]);
  });
});

describe("refusal.after_opt_out", () => {
  it("with categories, affects only those categories", () => {
    const a = consentedTrace((b) => {
      b.call(500, "settings.Secure.getString", "device_identifiers", { from: UMENG });
      b.mark(1000, "opt_out", { categories: ["device_identifiers"] });
      b.call(1000, "settings.Secure.getString", "device_identifiers", { from: UMENG });
      b.call(1100, IMEI, "phone_identifiers", { from: UMENG });
      b.call(1200, LOC, "location", { from: UMENG });
    });
    const f = ruleFindings(a, OPTED_OUT);
    expect(f).toHaveLength(1);
    expect(f[0]!).toMatchObject({ category: "device_identifiers", count: 1, window: { start: 1000, end: 1000 } });
    expect(f[0]!.evidence.details).toMatchObject({ optedOutAt: 1000 });
    expect(f[0]!.party.key).toBe("sdk:umeng-common");
  });

  it("with a purpose, flags only the parties whose kind it covers, and says which opt-out was broken", () => {
    // Personalised ads off: GDT (ads) reading the device id is a violation; the app's own fraud check and Umeng (analytics) are not.
    const a = consentedTrace((b) => {
      b.mark(1000, "opt_out", { purpose: "personalised_ads" });
      b.call(1100, "settings.Secure.getString", "device_identifiers", { from: GDT });
      b.call(1200, "settings.Secure.getString", "device_identifiers", { from: APP });
      b.call(1300, "settings.Secure.getString", "device_identifiers", { from: UMENG });
    });
    const f = ruleFindings(a, OPTED_OUT);
    expect(f.map((x) => x.party.key)).toEqual(["sdk:tencent-gdt"]);
    expect(f[0]!.evidence.details).toMatchObject({ optedOutAt: 1000, optOut: { purpose: "personalised_ads", label: "personalised ads", categories: "all" } });
    expect(f[0]!.message).toMatch(/after the user opted out of personalised ads at 1\.0 s$/);
    // Analytics off: Umeng is flagged, GDT is not.
    const b = consentedTrace((t) => {
      t.mark(1000, "opt_out", { purpose: "analytics" });
      t.call(1100, "settings.Secure.getString", "device_identifiers", { from: GDT });
      t.call(1300, "settings.Secure.getString", "device_identifiers", { from: UMENG });
    });
    expect(ruleFindings(b, OPTED_OUT).map((x) => x.party.key)).toEqual(["sdk:umeng-common"]);
  });

  it("naming parties, flags those parties only", () => {
    const a = consentedTrace((b) => {
      b.mark(1000, "opt_out", { purpose: "personalised_ads", parties: ["sdk:umeng-common"] });
      b.call(1100, "settings.Secure.getString", "device_identifiers", { from: GDT });
      b.call(1300, "settings.Secure.getString", "device_identifiers", { from: UMENG });
    });
    const f = ruleFindings(a, OPTED_OUT);
    expect(f.map((x) => x.party.key)).toEqual(["sdk:umeng-common"]);
    expect(f[0]!.evidence.details!.optOut).toMatchObject({ parties: ["sdk:umeng-common"], label: "personalised ads by umeng-common" });
  });

  it("opt-outs add up: ads off, then analytics off, both hold", () => {
    const a = consentedTrace((b) => {
      b.mark(1000, "opt_out", { purpose: "personalised_ads" });
      b.mark(1050, "opt_out", { purpose: "analytics" });
      b.call(1100, "settings.Secure.getString", "device_identifiers", { from: GDT });
      b.call(1300, "settings.Secure.getString", "device_identifiers", { from: UMENG });
    });
    const f = ruleFindings(a, OPTED_OUT);
    expect(f.map((x) => [x.party.key, (x.evidence.details!.optOut as { purpose: string }).purpose])).toEqual([
      ["sdk:tencent-gdt", "personalised_ads"],
      ["sdk:umeng-common", "analytics"],
    ]);
  });

  it("the chain counts: an ad SDK reading the OAID through an identifier helper, a network behind a named mediation SDK", () => {
    // MSA is a transparent library: the call is Pangle's. A helper the catalogue calls an SDK in the chain counts too.
    const PANGLE_VIA_MSA = ["com.bun.miitmdid.supplier.xiaomi.XiaomiProvider.getOAID", "com.bun.miitmdid.core.MdidSdkHelper.InitSdk", "com.bytedance.sdk.openadsdk.core.a.b", "com.example.app.App.onCreate"];
    const a = consentedTrace((b) => {
      b.mark(1000, "opt_out", { purpose: "personalised_ads" });
      b.call(1100, "ids.IdSupplier.getOAID", "device_identifiers", { from: PANGLE_VIA_MSA });
    });
    expect(ruleFindings(a, OPTED_OUT).map((x) => x.party.key)).toEqual(["sdk:bytedance-pangle"]);
    const UNKNOWN_VIA_MAX = ["com.newadnet.sdk.Core.scan", "com.applovin.mediation.adapters.NewAdNetMediationAdapter.loadAd", "com.applovin.impl.mediation.b.run", "com.example.app.Ads.show"];
    const named = consentedTrace((b) => {
      b.mark(1000, "opt_out", { purpose: "personalised_ads", parties: ["sdk:applovin"] });
      b.call(1100, "settings.Secure.getString", "device_identifiers", { from: UNKNOWN_VIA_MAX });
    });
    expect(ruleFindings(named, OPTED_OUT).map((x) => x.party.key)).toEqual(["pkg:com.newadnet.sdk"]);
  });

  it("an opt-out whose purpose this version does not know is left out with a warning, never widened to all", () => {
    const a = consentedTrace((b) => {
      b.mark(1000, "opt_out", { purpose: "personalized_ads" });
      b.call(1100, "settings.Secure.getString", "device_identifiers", { from: APP });
      b.mark(2000, "opt_out", { purpose: "__proto__" });
      b.call(2100, "settings.Secure.getString", "device_identifiers", { from: APP });
    });
    expect(ruleFindings(a, OPTED_OUT)).toEqual([]);
    expect(a.warnings.find((w) => w.includes("opt-out(s) name a purpose"))).toMatch(/^2 opt-out\(s\) name a purpose this version does not know \('personalized_ads' at 1\.0 s\): left out/);
  });

  it("without categories, affects every collected category but not meta ones", () => {
    const a = consentedTrace((b) => {
      b.mark(1000, "opt_out");
      b.call(1100, "settings.Secure.getString", "device_identifiers", { from: UMENG });
      b.call(1200, IMEI, "phone_identifiers", { from: UMENG });
      b.call(1300, LOC, "location", { from: UMENG });
      b.call(1400, "perm.Context.checkSelfPermission", "permission_check", { from: UMENG });
    });
    const f = ruleFindings(a, OPTED_OUT);
    expect(f.map((x) => x.category).sort()).toEqual(["device_identifiers", "location", "phone_identifiers"]);
  });

  it("an empty categories list means everything", () => {
    const a = consentedTrace((b) => {
      b.mark(1000, "opt_out", { categories: [] });
      b.call(1300, LOC, "location");
    });
    expect(ruleFindings(a, OPTED_OUT)).toHaveLength(1);
  });

  it("a consent_reset clears the opt-out", () => {
    const a = consentedTrace((b) => {
      b.mark(1000, "opt_out");
      b.mark(2000, "consent_reset");
      b.mark(2500, "consent_accepted");
      b.call(3000, LOC, "location");
    });
    expect(ruleFindings(a, OPTED_OUT)).toEqual([]);
  });
});

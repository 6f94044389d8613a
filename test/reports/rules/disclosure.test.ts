import { describe, expect, it } from "vitest";
import type { AppProfile, DeclaredSdk, DeclaredUse } from "../../../reports/profile.js";
import { analyzeDir, APP, GDT, ruleFindings, TraceBuilder, UMENG } from "../../support/trace-builder.js";

const SDK = "disclosure.undeclared_sdk";
const SDK_CAT = "disclosure.sdk_undeclared_category";
const USE = "disclosure.undeclared_category";

const LOC = "location.LocationManager.getLastKnownLocation";
const ANDROID_ID = "settings.Secure.getString";
const ACME = ["com.acme.tracker.X.y", "com.example.app.App.onCreate"];

function profile(sdks?: readonly DeclaredSdk[], uses?: readonly DeclaredUse[]): AppProfile {
  return { app: "com.example.app", ...(sdks ? { sdks } : {}), ...(uses ? { uses } : {}) };
}

/** Consent at 0; the calls `add` writes; analysed with `p`. */
function trace(p: AppProfile | undefined, add: (b: TraceBuilder) => void) {
  const b = new TraceBuilder().consented(0);
  add(b);
  return analyzeDir(b.close(), p ? { profile: p } : {});
}

const statusOf = (a: ReturnType<typeof analyzeDir>, id: string) => a.rules.find((r) => r.id === id)!;

describe("disclosure.undeclared_sdk", () => {
  it("flags an undeclared SDK with its categories, not one declared by Chinese alias", () => {
    const a = trace(profile([{ name: "友盟基础组件库" }]), (b) => {
      b.call(1000, ANDROID_ID, "device_identifiers", { from: UMENG });
      b.call(2000, ANDROID_ID, "device_identifiers", { from: GDT });
      b.call(3000, LOC, "location", { from: GDT });
      b.call(4000, ANDROID_ID, "device_identifiers", { from: GDT });
    });
    const f = ruleFindings(a, SDK);
    expect(f).toHaveLength(1);
    const x = f[0]!;
    expect(x.party).toMatchObject({ key: "sdk:tencent-gdt", kind: "sdk", sdkKind: "ads", vendor: "Tencent" });
    expect(x).toMatchObject({ severity: "high", count: 3, window: { start: 2000, end: 4000 } });
    expect(x.category).toBeUndefined();
    expect(x.evidence.details!.categories).toEqual(["device_identifiers", "location"]);
    expect(x.message).toContain("collected device identifiers, location (3 calls) but is not in the app's published SDK list");
    // The decisive frame is the SDK's code nearest the API: the code that collected.
    expect(x.evidence.stack!.frames[x.evidence.stack!.responsibleFrame]).toBe("com.qq.e.comm.managers.status.DeviceStatus.getDid(Unknown Source)");
  });

  it("matches declarations by catalogue id and by display name", () => {
    const byId = trace(profile([{ name: "腾讯的广告", id: "tencent-gdt" }]), (b) => b.call(1000, ANDROID_ID, "device_identifiers", { from: GDT }));
    expect(ruleFindings(byId, SDK)).toEqual([]);
    const byName = trace(profile([{ name: "Umeng Common SDK" }]), (b) => b.call(1000, ANDROID_ID, "device_identifiers", { from: UMENG }));
    expect(ruleFindings(byName, SDK)).toEqual([]);
  });

  it("names a push aggregator's vendor channel that collected, and the declared aggregator that led to it", () => {
    // MiPush reads the Android ID behind Umeng Push's Xiaomi channel; the app lists Umeng Push only.
    const MIPUSH = ["com.xiaomi.mipush.sdk.MiPushClient.getRegId", "org.android.agoo.xiaomi.MiPushRegistar.register", "com.umeng.message.PushAgent.register", "com.example.app.App.onCreate"];
    const a = trace(profile([{ name: "友盟推送" }]), (b) => b.call(1000, ANDROID_ID, "device_identifiers", { from: MIPUSH }));
    const f = ruleFindings(a, SDK);
    expect(f.map((x) => x.party.key)).toEqual(["sdk:xiaomi-push"]);
    expect(f[0]!.message).toMatch(/^Xiaomi Push \(小米推送\), via Umeng Push Xiaomi channel \(友盟推送小米通道\), Umeng Push \(友盟推送 \/ U-Push\) collected device identifiers \(1 call\) but is not in the app's published SDK list; the declared Umeng Push \(友盟推送 \/ U-Push\) \(listed as '友盟推送'\) led to it/);
    // Listing the vendor's SDK too: nothing undeclared (Umeng's channel adapter is covered by Umeng Push).
    const both = trace(profile([{ name: "友盟推送" }, { name: "小米推送" }]), (b) => b.call(1000, ANDROID_ID, "device_identifiers", { from: MIPUSH }));
    expect(ruleFindings(both, SDK)).toEqual([]);
    const ADAPTER = ["org.android.agoo.xiaomi.MiPushRegistar.register", "com.umeng.message.PushAgent.register", "com.example.app.App.onCreate"];
    const adapter = trace(profile([{ name: "友盟推送" }]), (b) => b.call(1000, ANDROID_ID, "device_identifiers", { from: ADAPTER }));
    expect(ruleFindings(adapter, SDK)).toEqual([]);
  });

  it("names the ad network behind a mediation SDK, not the mediation SDK the app lists", () => {
    const PANGLE_VIA_MAX = ["com.bytedance.sdk.openadsdk.core.l.c", "com.applovin.mediation.adapters.ByteDanceMediationAdapter.loadAd", "com.applovin.impl.mediation.MaxAdLoader.run", "com.example.app.Ads.show"];
    const a = trace(profile([{ name: "AppLovin MAX" }]), (b) => b.call(1000, "apps.PackageManager.getInstalledPackages", "installed_apps", { from: PANGLE_VIA_MAX }));
    const f = ruleFindings(a, SDK);
    expect(f.map((x) => x.party.key)).toEqual(["sdk:bytedance-pangle"]);
    expect(f[0]!.message).toContain("Pangle / CSJ (穿山甲), via AppLovin MAX mediation adapters, AppLovin (MAX) collected installed apps");
    expect(f[0]!.message).toContain("the declared AppLovin (MAX) (listed as 'AppLovin MAX') led to it");
  });

  it("one SDK reached by two paths is one finding that lists both chains and both declared SDKs that led to it", () => {
    const VIA_MAX = ["com.bytedance.sdk.openadsdk.core.l.c", "com.applovin.mediation.adapters.ByteDanceMediationAdapter.loadAd", "com.applovin.impl.mediation.MaxAdLoader.run", "com.example.app.Ads.show"];
    const VIA_ADMOB = ["com.bytedance.sdk.openadsdk.core.l.c", "com.google.ads.mediation.pangle.PangleMediationAdapter.loadAd", "com.google.android.gms.ads.internal.a.b", "com.example.app.Ads.banner"];
    const a = trace(profile([{ name: "AppLovin MAX" }, { name: "Google AdMob", id: "google-mobile-ads" }]), (b) => {
      b.call(1000, "apps.PackageManager.getInstalledPackages", "installed_apps", { from: VIA_MAX });
      b.call(2000, "apps.PackageManager.getInstalledPackages", "installed_apps", { from: VIA_ADMOB });
      b.call(3000, "apps.PackageManager.getInstalledPackages", "installed_apps", { from: VIA_ADMOB });
    });
    const f = ruleFindings(a, SDK);
    expect(f).toHaveLength(1);
    expect(f[0]!.evidence.details!.chains).toEqual([
      { via: ["AppLovin MAX mediation adapters", "AppLovin (MAX)"], calls: 1 },
      { via: ["AdMob mediation adapters", "Google Mobile Ads (AdMob / Ad Manager)"], calls: 2 },
    ]);
    expect(f[0]!.message).toContain("the declared AppLovin (MAX) (listed as 'AppLovin MAX') and Google Mobile Ads (AdMob / Ad Manager) (listed as 'Google AdMob') led to it");
  });

  it("a family's common component is declared by any member ('友盟+ 统计' covers Umeng's common SDK); a family name declares every member", () => {
    const common = trace(profile([{ name: "友盟+ 统计" }]), (b) => b.call(1000, ANDROID_ID, "device_identifiers", { from: UMENG }));
    expect(ruleFindings(common, SDK)).toEqual([]);
    const PUSH = ["com.umeng.message.PushAgent.register", "com.example.app.App.onCreate"];
    expect(ruleFindings(trace(profile([{ name: "友盟+" }]), (b) => b.call(1000, ANDROID_ID, "device_identifiers", { from: PUSH })), SDK)).toEqual([]);
    // A member does not declare its siblings: Umeng Analytics listed, Umeng Push not.
    expect(ruleFindings(trace(profile([{ name: "友盟+ 统计" }]), (b) => b.call(1000, ANDROID_ID, "device_identifiers", { from: PUSH })), SDK).map((x) => x.party.key)).toEqual(["sdk:umeng-push"]);
  });

  it("a declaration of another SDK does not cover this one", () => {
    const a = trace(profile([{ name: "友盟统计", id: "umeng-analytics" }]), (b) => b.call(1000, ANDROID_ID, "device_identifiers", { from: GDT }));
    expect(ruleFindings(a, SDK).map((x) => x.party.key)).toEqual(["sdk:tencent-gdt"]);
  });

  it("flags an undeclared unknown third party under its package", () => {
    const a = trace(profile([{ name: "友盟基础组件库" }]), (b) => b.call(1000, ANDROID_ID, "device_identifiers", { from: ACME }));
    const f = ruleFindings(a, SDK);
    expect(f).toHaveLength(1);
    expect(f[0]!.party).toMatchObject({ key: "pkg:com.acme.tracker", kind: "unknown_third_party", package: "com.acme.tracker" });
    expect(f[0]!.evidence.details!.categories).toEqual(["device_identifiers"]);
  });

  it("does not flag an unknown third party declared by packages (the package or a parent)", () => {
    for (const packages of [["com.acme.tracker"], ["com.acme"]]) {
      const a = trace(profile([{ name: "Acme Tracker", packages }]), (b) => b.call(1000, ANDROID_ID, "device_identifiers", { from: ACME }));
      expect(ruleFindings(a, SDK), packages[0]).toEqual([]);
    }
  });

  it("never flags the app's own code, nor SDK calls that are not collection", () => {
    const a = trace(profile([]), (b) => {
      b.call(1000, ANDROID_ID, "device_identifiers", { from: APP });
      b.call(2000, "perm.Context.checkSelfPermission", "permission_check", { from: GDT });
    });
    expect(ruleFindings(a, SDK)).toEqual([]);
    expect(statusOf(a, SDK).status).toBe("evaluated");
  });
});

describe("disclosure.sdk_undeclared_category", () => {
  it("flags a declared SDK collecting a category its declaration does not list", () => {
    const a = trace(profile([{ name: "友盟基础组件库", categories: ["device_identifiers"] }]), (b) => {
      b.call(1000, ANDROID_ID, "device_identifiers", { from: UMENG });
      b.call(2000, LOC, "location", { from: UMENG });
    });
    const f = ruleFindings(a, SDK_CAT);
    expect(f).toHaveLength(1);
    expect(f[0]!).toMatchObject({ severity: "medium", category: "location", count: 1 });
    expect(f[0]!.party.key).toBe("sdk:umeng-common");
    expect(f[0]!.evidence.details).toMatchObject({ declared: "友盟基础组件库", declaredCategories: ["device_identifiers"] });
    expect(f[0]!.message).toContain("its declaration lists only device_identifiers");
    expect(ruleFindings(a, SDK)).toEqual([]);
  });

  it("does not judge a declaration without categories", () => {
    const a = trace(profile([{ name: "友盟基础组件库" }]), (b) => b.call(2000, LOC, "location", { from: UMENG }));
    expect(ruleFindings(a, SDK_CAT)).toEqual([]);
  });
});

describe("disclosure.undeclared_category", () => {
  it("flags a category the privacy policy's uses do not list", () => {
    const a = trace(profile(undefined, [{ category: "location", purpose: "nearby shops" }]), (b) => {
      b.call(1000, LOC, "location", { from: APP });
      b.call(2000, "contacts.ContentResolver.query", "contacts", { from: APP });
    });
    const f = ruleFindings(a, USE);
    expect(f).toHaveLength(1);
    expect(f[0]!).toMatchObject({ severity: "medium", category: "contacts", count: 1 });
    expect(f[0]!.party.key).toBe("app");
    expect(f[0]!.message).toContain("which the privacy policy does not declare");
  });

  it("an SDK's declared categories count as declared; an SDK without them is judged against uses", () => {
    const p = profile([{ name: "友盟基础组件库", categories: ["device_identifiers"] }, { name: "优量汇" }], [{ category: "location" }]);
    const a = trace(p, (b) => {
      b.call(1000, ANDROID_ID, "device_identifiers", { from: UMENG });
      b.call(2000, ANDROID_ID, "device_identifiers", { from: GDT });
      b.call(3000, LOC, "location", { from: GDT });
    });
    const f = ruleFindings(a, USE);
    expect(f.map((x) => `${x.party.key}|${x.category}`)).toEqual(["sdk:tencent-gdt|device_identifiers"]);
  });
});

describe("rule status without the data to judge", () => {
  it("no profile: all three rules are skipped with a reason", () => {
    const a = trace(undefined, (b) => b.call(1000, ANDROID_ID, "device_identifiers", { from: GDT }));
    for (const id of [SDK, SDK_CAT, USE]) {
      expect(statusOf(a, id).status, id).toBe("skipped");
      expect(statusOf(a, id).reason, id).toMatch(/no app profile/);
      expect(ruleFindings(a, id)).toEqual([]);
    }
  });

  it("a profile without `sdks` skips the SDK-list rule; one without `uses` skips the uses rule", () => {
    const a = trace(profile(undefined, [{ category: "location" }]), (b) => b.call(1000, ANDROID_ID, "device_identifiers", { from: GDT }));
    expect(statusOf(a, SDK)).toMatchObject({ status: "skipped", findings: 0 });
    expect(statusOf(a, SDK).reason).toMatch(/no `sdks` list/);
    expect(statusOf(a, USE).status).toBe("evaluated");
    expect(ruleFindings(a, USE)).toHaveLength(1);
    const b = trace(profile([]), (x) => x.call(1000, ANDROID_ID, "device_identifiers", { from: GDT }));
    expect(statusOf(b, USE)).toMatchObject({ status: "skipped" });
    expect(statusOf(b, USE).reason).toMatch(/no `uses` list/);
    expect(ruleFindings(b, SDK)).toHaveLength(1);
  });

  it("a profile without `sdks` also marks sdk_undeclared_category skipped", () => {
    const a = trace(profile(undefined, [{ category: "location" }]), (b) => b.call(1000, ANDROID_ID, "device_identifiers", { from: GDT }));
    expect(statusOf(a, SDK_CAT).status).toBe("skipped");
  });
});

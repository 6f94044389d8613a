import { existsSync, readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, it, expect } from "vitest";
import type { SdkEntry } from "../../reports/sdk/types.js";
import { CHANNEL_SDKS, LIBRARIES, SDK_CATALOGUE, SDK_CATALOGUE_VERSION, SDK_FAMILIES } from "../../reports/sdk/catalogue/index.js";

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const EXODUS_TSV = resolve(REPO_ROOT, "../shared/data/exodus-trackers/exodus_trackers_signatures.tsv");

const JAVA_PACKAGE = /^[A-Za-z_$][A-Za-z0-9_$]*(\.[A-Za-z_$][A-Za-z0-9_$]*)+$/;
const KEBAB_ID = /^[a-z0-9]+(-[a-z0-9]+)*$/;

/** Framework roots no SDK prefix may equal or live under. */
const FRAMEWORK_ROOTS = [
  "android", "androidx", "java", "javax", "kotlin", "kotlinx", "dalvik", "com.android", "sun", "libcore",
  "org.json", "org.apache", "okhttp3", "retrofit2", "io.reactivex", "com.google.gson", "com.google.android.material",
];

/** Vendor roots shared by several products (or by frameworks): never a prefix on their own. */
const SHARED_VENDOR_ROOTS = [
  "com.tencent", "com.tencent.mm", "com.google", "com.google.android", "com.google.android.gms", "com.google.firebase",
  "com.huawei", "com.huawei.hms", "com.baidu", "com.alibaba", "com.alibaba.sdk.android", "com.alipay", "com.facebook",
  "com.bytedance", "com.bytedance.sdk", "com.ss.android", "com.xiaomi", "com.amazon", "com.microsoft", "com.samsung",
  "com.umeng", "com.netease", "com.taobao", "com.qq", "com.yandex", "com.mob", "com.iflytek", "com.sina", "com.uc",
];

/** `prefix` equals `name` or is a package-boundary prefix of it. */
function covers(prefix: string, name: string): boolean {
  return name === prefix || name.startsWith(`${prefix}.`);
}

/** Tiny longest-prefix resolver, independent of the project's matcher. */
function resolveClass(className: string): string | undefined {
  let best: { id: string; length: number } | undefined;
  for (const entry of [...SDK_CATALOGUE, ...LIBRARIES]) {
    for (const prefix of entry.prefixes) {
      if (covers(prefix, className) && (best === undefined || prefix.length > best.length)) {
        best = { id: entry.kind === "library" ? `library:${entry.id}` : entry.id, length: prefix.length };
      }
    }
  }
  return best?.id;
}

const allPrefixes = (): string[] => SDK_CATALOGUE.flatMap((e: SdkEntry) => [...e.prefixes]);

describe("SDK catalogue structure", () => {
  it("has a version string and at least 320 entries", () => {
    expect(SDK_CATALOGUE_VERSION).toMatch(/^\d{4}\.\d{1,2}\.\d+$/);
    expect(SDK_CATALOGUE.length).toBeGreaterThanOrEqual(320);
  });

  it("has unique kebab-case ids", () => {
    const ids = SDK_CATALOGUE.map((e) => e.id);
    const bad = ids.filter((id) => !KEBAB_ID.test(id));
    expect(bad).toEqual([]);
    const dupes = ids.filter((id, i) => ids.indexOf(id) !== i);
    expect(dupes).toEqual([]);
  });

  it("gives every entry a name, vendor and at least one prefix", () => {
    for (const entry of SDK_CATALOGUE) {
      expect(entry.name.trim(), entry.id).not.toBe("");
      expect(entry.vendor.trim(), entry.id).not.toBe("");
      expect(entry.prefixes.length, entry.id).toBeGreaterThan(0);
      for (const alias of entry.aliases ?? []) expect(alias.trim(), entry.id).not.toBe("");
    }
  });

  it("uses valid Java package prefixes without trailing dots", () => {
    const bad = SDK_CATALOGUE.flatMap((e) => e.prefixes.filter((p) => !JAVA_PACKAGE.test(p)).map((p) => `${e.id}: ${p}`));
    expect(bad).toEqual([]);
  });

  it("never shares a prefix between two entries (or repeats one within an entry)", () => {
    const owner = new Map<string, string>();
    const clashes: string[] = [];
    for (const entry of SDK_CATALOGUE) {
      for (const prefix of entry.prefixes) {
        const previous = owner.get(prefix);
        if (previous !== undefined) clashes.push(`${prefix}: ${previous} / ${entry.id}`);
        owner.set(prefix, entry.id);
      }
    }
    expect(clashes).toEqual([]);
  });

  it("never uses a framework root or anything under one", () => {
    const bad = allPrefixes().filter((p) => FRAMEWORK_ROOTS.some((root) => covers(root, p)));
    expect(bad).toEqual([]);
  });

  it("never uses a bare shared vendor root", () => {
    const bad = allPrefixes().filter((p) => SHARED_VENDOR_ROOTS.includes(p));
    expect(bad).toEqual([]);
  });
});

/** Representative class name → expected entry id (undefined: no SDK). */
const EXPECTED: ReadonlyArray<readonly [string, string | undefined]> = [
  // Umeng
  ["com.umeng.analytics.MobclickAgent", "umeng-analytics"],
  ["com.umeng.message.PushAgent", "umeng-push"],
  ["com.umeng.socialize.UMShareAPI", "umeng-share"],
  ["com.umeng.commonsdk.UMConfigure", "umeng-common"],
  ["com.uc.crashsdk.export.CrashApi", "umeng-apm"],
  ["com.umeng.umzid.ZIDManager", "umeng-zid"],
  ["com.umengapp.Main", undefined],
  // JIGUANG
  ["cn.jpush.android.api.JPushInterface", "jpush"],
  ["cn.jiguang.api.JCoreInterface", "jiguang-jcore"],
  ["cn.jiguang.verifysdk.api.JVerificationInterface", "jiguang-jverification"],
  ["cn.jiguang.analytics.android.api.JAnalyticsInterface", "jiguang-janalytics"],
  ["cn.jiguang.share.android.api.JShareInterface", "jiguang-jshare"],
  // Getui
  ["com.igexin.sdk.PushManager", "getui-push"],
  ["com.getui.gtc.base.GtcProvider", "getui-push"],
  // Tencent
  ["com.tencent.bugly.crashreport.CrashReport", "tencent-bugly"],
  ["com.qq.e.ads.splash.SplashAD", "tencent-gdt"],
  ["com.tencent.smtt.sdk.QbSdk", "tencent-x5"],
  ["com.tencent.stat.StatService", "tencent-mta"],
  ["com.tencent.wxop.stat.StatService", "tencent-mta"],
  ["com.tencent.android.tpush.XGPushManager", "tencent-tpns"],
  ["com.tencent.map.geolocation.TencentLocationManager", "tencent-location"],
  ["com.tencent.tencentmap.mapsdk.maps.TencentMap", "tencent-map"],
  ["com.tencent.tauth.Tencent", "qq-connect"],
  ["com.tencent.connect.common.UIListenerManager", "qq-connect"],
  ["com.tencent.mm.opensdk.openapi.WXAPIFactory", "wechat-opensdk"],
  ["com.tencent.beacon.event.UserAction", "tencent-beacon"],
  ["com.tencent.mm.ui.LauncherUI", undefined],
  // ByteDance
  ["com.bytedance.sdk.openadsdk.TTAdSdk", "bytedance-pangle"],
  ["com.bytedance.applog.AppLog", "bytedance-applog"],
  ["com.bytedance.common.utility.Logger", undefined],
  // Baidu
  ["com.baidu.mobads.sdk.api.SplashAd", "baidu-mobads"],
  ["com.baidu.location.LocationClient", "baidu-location"],
  ["com.baidu.mapapi.map.MapView", "baidu-map"],
  ["com.baidu.mapsdkplatform.comapi.map.MapController", "baidu-map"],
  ["com.baidu.mobstat.StatService", "baidu-mobstat"],
  ["com.baidu.android.pushservice.PushManager", "baidu-push"],
  ["com.baidu.ocr.sdk.OCR", "baidu-ocr"],
  // AMap
  ["com.amap.api.maps.AMap", "amap-maps"],
  ["com.amap.api.location.AMapLocationClient", "amap-location"],
  ["com.loc.LocationProvider", "amap-location"],
  ["com.amap.api.services.geocoder.GeocodeSearch", "amap-search"],
  ["com.autonavi.amap.mapcore.MapCore", "amap-maps"],
  // Payments, social, share
  ["com.alipay.sdk.app.PayTask", "alipay"],
  ["com.alipay.apmobilesecuritysdk.face.APSecuritySDK", "alipay-device-security"],
  ["com.unionpay.UPPayAssistEx", "unionpay"],
  ["com.sina.weibo.sdk.WbSdk", "weibo-sdk"],
  ["cn.sharesdk.framework.ShareSDK", "sharesdk"],
  ["com.mob.MobSDK", "mobtech-core"],
  ["com.mob.pushsdk.MobPush", "mobtech-mobpush"],
  ["com.mob.secverify.SecVerify", "mobtech-secverify"],
  // Other Chinese SDKs
  ["com.kwad.sdk.api.KsAdSDK", "kuaishou-ads"],
  ["com.sensorsdata.analytics.android.sdk.SensorsDataAPI", "sensors-data"],
  ["com.growingio.android.sdk.collection.GrowingIO", "growingio"],
  ["com.tendcloud.tenddata.TCAgent", "talkingdata"],
  ["com.talkingdata.sdk.TalkingDataSDK", "talkingdata"],
  ["com.zhuge.analysis.stat.ZhugeSDK", "zhuge-io"],
  ["com.ishumei.smantifraud.SmAntiFraud", "shumei"],
  ["cn.tongdun.android.shell.FMAgent", "tongdun"],
  ["com.dx.mobile.risk.DXRisk", "dingxiang"],
  ["com.geetest.sdk.GT3GeetestUtils", "geetest-captcha"],
  ["com.netease.nis.captcha.Captcha", "netease-yidun"],
  ["com.netease.nis.quicklogin.QuickLogin", "netease-quicklogin"],
  ["com.qiyukf.unicorn.api.Unicorn", "netease-qiyu"],
  ["com.alibaba.sdk.android.push.noonesdk.PushServiceFactory", "aliyun-push"],
  ["com.alibaba.sdk.android.feedback.impl.FeedbackAPI", "aliyun-feedback"],
  ["com.ta.utdid2.device.UTDevice", "alibaba-utdid"],
  ["com.ut.mini.UTAnalytics", "alibaba-ut-analytics"],
  ["com.alibaba.mtl.appmonitor.AppMonitor", "alibaba-ut-analytics"],
  ["com.alibaba.fastjson.JSON", undefined],
  ["com.iflytek.cloud.SpeechRecognizer", "iflytek-speech"],
  ["com.youzan.androidsdk.YouzanSDK", "youzan"],
  ["com.qihoo.util.QHClassLoader", "qihoo-jiagu"],
  ["com.secneo.apkwrapper.ApplicationWrapper", "bangcle"],
  ["com.sigmob.windad.WindAds", "sigmob"],
  ["com.mbridge.msdk.MBridgeSDK", "mintegral"],
  ["com.mintegral.msdk.MIntegralSDK", "mintegral"],
  ["com.mediamain.android.view.FoxWallView", "tuia"],
  // Huawei and OEM push / OAID
  ["com.huawei.hms.push.HmsMessaging", "huawei-push"],
  // Identifier clients are transparent libraries: the caller collects.
  ["com.huawei.hms.ads.identifier.AdvertisingIdClient", "library:huawei-oaid"],
  ["com.huawei.hms.ads.splash.SplashView", "huawei-ads"],
  ["com.huawei.hms.location.FusedLocationProviderClient", "huawei-location"],
  ["com.huawei.hms.analytics.HiAnalytics", "huawei-analytics"],
  ["com.xiaomi.mipush.sdk.MiPushClient", "xiaomi-push"],
  ["com.heytap.msp.push.HeytapPushManager", "oppo-push"],
  ["com.coloros.mcssdk.PushManager", "oppo-push"],
  ["com.vivo.push.PushClient", "vivo-push"],
  ["com.hihonor.push.sdk.HonorPushClient", "honor-push"],
  ["com.meizu.cloud.pushsdk.PushManager", "meizu-push"],
  ["com.bun.miitmdid.core.MdidSdkHelper", "library:msa-oaid"],
  ["com.bun.supplier.IIdentifierListener", "library:msa-oaid"],
  // Google / Firebase
  ["com.google.android.gms.ads.MobileAds", "google-mobile-ads"],
  ["com.google.android.gms.ads.identifier.AdvertisingIdClient", "library:google-advertising-id"],
  ["com.google.android.gms.location.FusedLocationProviderClient", "google-location"],
  ["com.google.android.gms.maps.MapView", "google-maps"],
  ["com.google.android.gms.auth.api.signin.GoogleSignIn", "google-sign-in"],
  ["com.google.firebase.analytics.FirebaseAnalytics", "firebase-analytics"],
  ["com.google.android.gms.measurement.AppMeasurement", "firebase-analytics"],
  ["com.google.firebase.crashlytics.FirebaseCrashlytics", "firebase-crashlytics"],
  ["com.crashlytics.android.Crashlytics", "firebase-crashlytics"],
  ["com.crashlytics.android.answers.Answers", "fabric-answers"],
  ["com.google.firebase.messaging.FirebaseMessaging", "firebase-messaging"],
  ["com.google.firebase.remoteconfig.FirebaseRemoteConfig", "firebase-remote-config"],
  ["com.google.firebase.perf.FirebasePerformance", "firebase-performance"],
  ["com.google.firebase.auth.FirebaseAuth", "firebase-auth"],
  ["com.google.android.gms.common.GoogleApiAvailability", undefined],
  ["com.google.android.material.button.MaterialButton", undefined],
  ["com.google.gson.Gson", undefined],
  // Meta
  ["com.facebook.ads.AdView", "facebook-audience-network"],
  ["com.facebook.appevents.AppEventsLogger", "facebook-app-events"],
  ["com.facebook.login.LoginManager", "facebook-login"],
  ["com.facebook.share.widget.ShareDialog", "facebook-share"],
  ["com.facebook.react.ReactActivity", undefined],
  ["com.facebook.imagepipeline.core.ImagePipeline", undefined],
  ["com.facebook.drawee.view.SimpleDraweeView", undefined],
  ["com.facebook.soloader.SoLoader", undefined],
  // Global ads
  ["com.applovin.sdk.AppLovinSdk", "applovin"],
  ["com.unity3d.ads.UnityAds", "unity-ads"],
  ["com.unity3d.services.core.properties.SdkProperties", "unity-ads"],
  ["com.unity3d.player.UnityPlayer", undefined],
  ["com.ironsource.mediationsdk.IronSource", "ironsource"],
  ["com.vungle.warren.Vungle", "vungle"],
  ["com.chartboost.sdk.Chartboost", "chartboost"],
  ["com.inmobi.sdk.InMobiSdk", "inmobi"],
  ["com.yandex.mobile.ads.common.MobileAds", "yandex-mobile-ads"],
  ["com.my.target.ads.InterstitialAd", "mytarget"],
  ["com.pubmatic.sdk.common.OpenWrapSDK", "pubmatic"],
  ["com.smaato.sdk.core.SmaatoSdk", "smaato"],
  ["io.presage.Presage", "ogury"],
  ["com.fyber.inneractive.sdk.external.InneractiveAdManager", "dt-exchange"],
  ["com.fyber.FairBid", "fyber"],
  ["com.tapjoy.Tapjoy", "tapjoy"],
  ["com.adcolony.sdk.AdColony", "adcolony"],
  ["sg.bigo.ads.BigoAdSdk", "bigo-ads"],
  ["com.criteo.publisher.Criteo", "criteo"],
  ["com.amazon.device.ads.AdRegistration", "amazon-ads"],
  ["com.mopub.common.MoPub", "mopub"],
  ["com.kidoz.sdk.api.KidozSDK", "kidoz"],
  ["tv.superawesome.sdk.publisher.AwesomeAds", "superawesome"],
  // Attribution, analytics, engagement
  ["com.appsflyer.AppsFlyerLib", "appsflyer"],
  ["com.adjust.sdk.Adjust", "adjust"],
  ["io.branch.referral.Branch", "branch"],
  ["com.kochava.tracker.Tracker", "kochava"],
  ["com.singular.sdk.Singular", "singular"],
  ["com.tenjin.android.TenjinSDK", "tenjin"],
  ["com.tiktok.appevents.TTAppEventLogger", "tiktok-business-sdk"],
  ["com.flurry.android.FlurryAgent", "flurry"],
  ["com.amplitude.api.Amplitude", "amplitude"],
  ["com.mixpanel.android.mpmetrics.MixpanelAPI", "mixpanel"],
  ["com.segment.analytics.Analytics", "segment"],
  ["com.yandex.metrica.YandexMetrica", "yandex-appmetrica"],
  ["com.smartlook.sdk.smartlook.Smartlook", "smartlook"],
  ["com.uxcam.UXCam", "uxcam"],
  ["com.microsoft.appcenter.analytics.Analytics", "appcenter-analytics"],
  ["com.braze.Braze", "braze"],
  ["com.appboy.Appboy", "braze"],
  ["com.leanplum.Leanplum", "leanplum"],
  ["com.clevertap.android.sdk.CleverTapAPI", "clevertap"],
  ["com.onesignal.OneSignal", "onesignal"],
  ["com.pushwoosh.Pushwoosh", "pushwoosh"],
  ["com.urbanairship.UAirship", "airship"],
  // Crash
  ["io.sentry.Sentry", "sentry"],
  ["com.bugsnag.android.Bugsnag", "bugsnag"],
  ["com.instabug.library.Instabug", "instabug"],
  ["com.microsoft.appcenter.crashes.Crashes", "appcenter-crashes"],
  // Login, payment, support
  ["com.linecorp.linesdk.api.LineApiClient", "line-sdk"],
  ["com.kakao.sdk.user.UserApiClient", "kakao-sdk"],
  ["com.navercorp.nid.NaverIdLoginSDK", "naver-login"],
  ["com.vk.api.sdk.VK", "vk-sdk"],
  ["com.stripe.android.PaymentConfiguration", "stripe"],
  ["com.paypal.android.sdk.payments.PayPalService", "paypal"],
  ["com.braintreepayments.api.BraintreeClient", "braintree"],
  ["com.adyen.checkout.components.ActionComponentData", "adyen"],
  ["zendesk.support.Support", "zendesk"],
  ["io.intercom.android.sdk.Intercom", "intercom"],
  ["com.helpshift.Core", "helpshift"],
  ["com.freshchat.consumer.sdk.Freshchat", "freshchat"],
  // Maps and location data
  ["com.mapbox.mapboxsdk.maps.MapView", "mapbox-maps"],
  ["com.mapbox.android.telemetry.MapboxTelemetry", "mapbox-telemetry"],
  ["com.here.sdk.mapview.MapView", "here-sdk"],
  ["io.radar.sdk.Radar", "radar"],
  ["com.foursquare.pilgrim.PilgrimSdk", "foursquare-pilgrim"],
  ["io.huq.sourcekit.HISourceKit", "huq"],
  ["io.xmode.locationsdk.LocationSdk", "x-mode"],
  ["com.cuebiq.cuebiqsdk.CuebiqSDK", "cuebiq"],
  ["com.databerries.DataBerries", "teemo"],
  ["com.tutelatechnologies.sdk.framework.TutelaSDKFactory", "tutela"],
  ["com.opensignal.sdk.data.OpensignalSdk", "opensignal"],
  // Frameworks
  ["androidx.appcompat.app.AppCompatActivity", undefined],
  ["okhttp3.OkHttpClient", undefined],
  ["android.location.LocationManager", undefined],
];

describe("SDK catalogue attribution of representative classes", () => {
  it.each(EXPECTED)("%s → %s", (className, expectedId) => {
    // A transparent library is no SDK: `undefined` rows accept one, `library:<id>` rows name it.
    const got = resolveClass(className);
    if (expectedId === undefined && got?.startsWith("library:")) return;
    expect(got).toBe(expectedId);
  });

  it("references only entry ids that exist", () => {
    const ids = new Set([...SDK_CATALOGUE.map((e) => e.id), ...LIBRARIES.map((e) => `library:${e.id}`)]);
    const missing = EXPECTED.map(([, id]) => id).filter((id): id is string => id !== undefined && !ids.has(id));
    expect(missing).toEqual([]);
  });
});

/** Exodus code-signature alternatives converted to plain package names. */
function exodusPrefixes(tsv: string): string[] {
  const [header, ...rows] = tsv.split(/\r?\n/).filter((line) => line.trim() !== "");
  const column = (header ?? "").split("\t").indexOf("code_signature");
  const out = new Set<string>();
  for (const row of rows) {
    const signature = row.split("\t")[column] ?? "";
    for (const alternative of signature.split("|")) {
      const plain = alternative.replace(/\\/g, "").trim().replace(/\.+$/, "");
      if (JAVA_PACKAGE.test(plain)) out.add(plain);
    }
  }
  return [...out].sort();
}

describe.skipIf(!existsSync(EXODUS_TSV))("SDK catalogue coverage of Exodus tracker signatures", () => {
  it("covers at least 70% of the Exodus code-signature prefixes", () => {
    const exodus = exodusPrefixes(readFileSync(EXODUS_TSV, "utf8"));
    expect(exodus.length).toBeGreaterThan(300);
    const prefixes = allPrefixes();
    const uncovered = exodus.filter((e) => !prefixes.some((p) => covers(p, e) || covers(e, p)));
    const ratio = (exodus.length - uncovered.length) / exodus.length;
    if (ratio < 0.9) {
      console.log(`Exodus coverage ${(ratio * 100).toFixed(1)}%; uncovered:\n  ${uncovered.join("\n  ")}`);
    }
    expect(ratio).toBeGreaterThanOrEqual(0.7);
  });
});

describe("SDK catalogue families, channels and transparent libraries", () => {
  const ids = new Set(SDK_CATALOGUE.map((e) => e.id));
  const norm = (s: string): string => s.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, "");

  it("names only families that exist, and every family has at least two members", () => {
    const families = new Set(SDK_FAMILIES.map((f) => f.id));
    expect(SDK_CATALOGUE.filter((e) => e.family !== undefined && !families.has(e.family)).map((e) => e.id)).toEqual([]);
    for (const f of SDK_FAMILIES) expect(SDK_CATALOGUE.filter((e) => e.family === f.id).length, f.id).toBeGreaterThanOrEqual(2);
  });

  it("covers an entry only by entries that exist, or by its family when it has one", () => {
    for (const e of SDK_CATALOGUE) {
      if (e.coveredBy === "family") expect(e.family, e.id).toBeDefined();
      else for (const id of e.coveredBy ?? []) expect(ids.has(id), `${e.id} → ${id}`).toBe(true);
    }
  });

  it("gives a push aggregator a channel entry per vendor it reaches, in its family", () => {
    for (const aggregator of ["umeng-push", "jpush", "getui-push"]) {
      const family = SDK_CATALOGUE.find((e) => e.id === aggregator)?.family;
      const channels = CHANNEL_SDKS.filter((e) => Array.isArray(e.coveredBy) && e.coveredBy.includes(aggregator));
      expect(channels.map((e) => e.id.replace(/.*-channel-/, "")), aggregator).toEqual(expect.arrayContaining(["xiaomi", "huawei", "oppo", "vivo", "meizu", "honor"]));
      for (const c of channels) expect(c.family, c.id).toBe(family);
    }
  });

  it("keeps family names apart from entry names, so a declared name means one thing", () => {
    const entryNames = new Set(SDK_CATALOGUE.flatMap((e) => [e.name, ...(e.aliases ?? [])].map(norm)));
    const clashes = SDK_FAMILIES.flatMap((f) => [f.name, ...f.aliases].filter((n) => entryNames.has(norm(n))).map((n) => `${f.id}: ${n}`));
    expect(clashes).toEqual([]);
  });

  it("marks transparent libraries as their own kind, never sharing a prefix with an SDK", () => {
    const sdkPrefixes = new Set(allPrefixes());
    for (const l of LIBRARIES) {
      expect(l.kind, l.id).toBe("library");
      for (const p of l.prefixes) expect(sdkPrefixes.has(p), `${l.id}: ${p}`).toBe(false);
    }
    expect(SDK_CATALOGUE.filter((e) => e.kind === "library").map((e) => e.id)).toEqual([]);
    for (const utility of ["com.blankj.utilcode", "okhttp3", "kotlinx", "io.reactivex", "com.google.gson"]) {
      expect(LIBRARIES.some((l) => l.prefixes.includes(utility)), utility).toBe(true);
    }
  });
});

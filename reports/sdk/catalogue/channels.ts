/**
 * The pieces one SDK uses to reach another: a push aggregator's vendor channels and an ad
 * mediation SDK's network adapters. Each is an entry of its own, in its aggregator's family and
 * covered by the aggregator's declaration (the app that lists Umeng Push has declared Umeng's
 * Xiaomi channel adapter), so that a stack `MiPush ← Umeng's Xiaomi channel ← Umeng Push ← app`
 * names Xiaomi Push as the collector, via Umeng Push (docs/attribution.md).
 *
 * Package names are the ones the aggregators ship (their integration guides and the classes apps
 * register in their manifests): Umeng/Agoo `org.android.agoo.xiaomi.MiPushRegistar`,
 * `org.android.agoo.huawei.HuaWeiRegister`, `org.android.agoo.mezu.MeizuRegister` (sic);
 * JPush `cn.jpush.android.thirdpush.xiaomi.XMPushManager`; Getui
 * `com.igexin.assist.control.xiaomi.MiuiPushManager`, `…huawei.HmsPushManager`; TPNS
 * `com.tencent.android.mipush`; AppLovin MAX `com.applovin.mediation.adapters.*MediationAdapter`;
 * AdMob `com.google.ads.mediation.<network>.*`; ironSource `com.ironsource.adapters.<network>`.
 */
import type { SdkEntry } from "../types.js";

type Vendor = "xiaomi" | "huawei" | "oppo" | "vivo" | "meizu" | "honor" | "fcm";
const VENDOR_NAMES: Record<Vendor, string> = { xiaomi: "Xiaomi", huawei: "Huawei", oppo: "OPPO", vivo: "vivo", meizu: "Meizu", honor: "Honor", fcm: "FCM" };
const VENDOR_ZH: Record<Vendor, string> = { xiaomi: "小米", huawei: "华为", oppo: "OPPO", vivo: "vivo", meizu: "魅族", honor: "荣耀", fcm: "FCM" };

/** One aggregator's channel adapters, one entry per vendor. */
function channels(aggregator: { id: string; name: string; zh: string; vendor: string; family: string; ref: string }, packages: Partial<Record<Vendor, string>>): SdkEntry[] {
  return (Object.entries(packages) as [Vendor, string][]).map(([v, pkg]) => ({
    id: `${aggregator.id}-channel-${v}`,
    name: `${aggregator.name} ${VENDOR_NAMES[v]} channel (${aggregator.zh}${VENDOR_ZH[v]}通道)`,
    vendor: aggregator.vendor,
    kind: "push",
    prefixes: [pkg],
    aliases: [`${aggregator.zh}${VENDOR_ZH[v]}通道`, `${aggregator.name} ${VENDOR_NAMES[v]} channel`],
    ref: aggregator.ref,
    family: aggregator.family,
    coveredBy: [aggregator.id],
    bridge: true,
  }));
}

const UMENG = { id: "umeng-push", name: "Umeng Push", zh: "友盟推送", vendor: "Umeng+ (Alibaba)", family: "umeng", ref: "https://developer.umeng.com/docs/67966/detail/98589" };
const JPUSH = { id: "jpush", name: "JPush", zh: "极光推送", vendor: "Aurora Mobile (JIGUANG)", family: "jiguang", ref: "https://docs.jiguang.cn/jpush/client/Android/android_3rd_guide" };
const GETUI = { id: "getui-push", name: "Getui", zh: "个推", vendor: "Getui", family: "getui", ref: "https://docs.getui.com/getui/mobile/vendor/vendor_open/" };
const TPNS = { id: "tencent-tpns", name: "TPNS", zh: "腾讯移动推送", vendor: "Tencent", family: "tencent-tpns", ref: "https://cloud.tencent.com/document/product/548/45909" };

export const CHANNEL_SDKS: readonly SdkEntry[] = [
  ...channels(UMENG, { xiaomi: "org.android.agoo.xiaomi", huawei: "org.android.agoo.huawei", oppo: "org.android.agoo.oppo", vivo: "org.android.agoo.vivo", meizu: "org.android.agoo.mezu", honor: "org.android.agoo.honor", fcm: "org.android.agoo.fcm" }),
  ...channels(JPUSH, {
    xiaomi: "cn.jpush.android.thirdpush.xiaomi",
    huawei: "cn.jpush.android.thirdpush.huawei",
    oppo: "cn.jpush.android.thirdpush.oppo",
    vivo: "cn.jpush.android.thirdpush.vivo",
    meizu: "cn.jpush.android.thirdpush.meizu",
    honor: "cn.jpush.android.thirdpush.honor",
    fcm: "cn.jpush.android.thirdpush.fcm",
  }),
  ...channels(GETUI, {
    xiaomi: "com.igexin.assist.control.xiaomi",
    huawei: "com.igexin.assist.control.huawei",
    oppo: "com.igexin.assist.control.oppo",
    vivo: "com.igexin.assist.control.vivo",
    meizu: "com.igexin.assist.control.meizu",
    honor: "com.igexin.assist.control.honor",
    fcm: "com.igexin.assist.control.fcm",
  }),
  ...channels(TPNS, { xiaomi: "com.tencent.android.mipush" }),
  // Mediation adapters: the mediation SDK's code that loads a network; the network's own code is its own entry.
  { id: "applovin-max-adapters", name: "AppLovin MAX mediation adapters", vendor: "AppLovin", kind: "ads", prefixes: ["com.applovin.mediation.adapters"],
    aliases: ["MAX adapters", "AppLovin MAX adapters"], ref: "https://developers.applovin.com/en/max/android/preparing-mediated-networks", family: "applovin", coveredBy: ["applovin"], bridge: true },
  { id: "admob-mediation-adapters", name: "AdMob mediation adapters", vendor: "Google", kind: "ads",
    prefixes: ["com.google.ads.mediation.facebook", "com.google.ads.mediation.pangle", "com.google.ads.mediation.applovin", "com.google.ads.mediation.unity", "com.google.ads.mediation.mintegral", "com.google.ads.mediation.inmobi", "com.google.ads.mediation.vungle", "com.google.ads.mediation.ironsource", "com.google.ads.mediation.chartboost", "com.google.ads.mediation.liftoffmonetize", "com.google.ads.mediation.moloco"],
    aliases: ["AdMob adapters", "Google Mobile Ads mediation adapters"], ref: "https://developers.google.com/admob/android/mediation", family: "admob", coveredBy: ["google-mobile-ads"], bridge: true },
  { id: "ironsource-adapters", name: "ironSource LevelPlay network adapters", vendor: "Unity Technologies", kind: "ads", prefixes: ["com.ironsource.adapters"],
    aliases: ["LevelPlay adapters"], ref: "https://developers.is.com/ironsource-mobile/android/mediation-networks-android/", family: "ironsource", coveredBy: ["ironsource"], bridge: true },
];

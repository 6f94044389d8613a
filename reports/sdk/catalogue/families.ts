/**
 * Product families: the brand an app's SDK list may name instead of one product ("友盟+" for the
 * Umeng products it embeds). A declared family name declares every member of the family; a
 * declared member also declares the family's common component (entries with
 * `coveredBy: "family"`), which every product of the family ships. Members name their family
 * with `family`; a test checks both directions.
 */
import type { SdkFamily } from "../types.js";

export const SDK_FAMILIES: readonly SdkFamily[] = [
  { id: "umeng", name: "Umeng+ (友盟+)", vendor: "Umeng+ (Alibaba)", aliases: ["友盟", "友盟+", "Umeng", "Umeng+", "U-Meng", "友盟SDK", "友盟+SDK"] },
  { id: "jiguang", name: "JIGUANG (极光)", vendor: "Aurora Mobile (JIGUANG)", aliases: ["极光", "JIGUANG", "Aurora Mobile", "极光SDK"] },
  { id: "getui", name: "Getui (个推)", vendor: "Getui", aliases: ["个推SDK", "每日互动"] },
  { id: "huawei-hms", name: "Huawei HMS Core (华为移动服务)", vendor: "Huawei", aliases: ["HMS", "华为HMS", "华为HMS Core", "HMS Core SDK"] },
  { id: "applovin", name: "AppLovin", vendor: "AppLovin", aliases: ["AppLovin SDK"] },
  { id: "admob", name: "AdMob family (Google Mobile Ads and its mediation adapters)", vendor: "Google", aliases: ["AdMob全家桶"] },
  { id: "ironsource", name: "ironSource family (LevelPlay and its network adapters)", vendor: "Unity Technologies", aliases: ["ironSource全家桶"] },
  { id: "tencent-tpns", name: "Tencent Push (TPNS)", vendor: "Tencent", aliases: ["腾讯推送"] },
  { id: "pangle", name: "CSJ family (穿山甲全家桶: Pangle and GroMore)", vendor: "ByteDance", aliases: ["穿山甲全家桶"] },
  // AMap's combined package (map + location + search) is one line in many lists: the brand declares all of it.
  { id: "amap", name: "AMap (高德开放平台)", vendor: "AutoNavi (Alibaba)", aliases: ["高德", "高德开放平台", "高德SDK", "AMap", "AutoNavi", "高德地图开放平台"] },
  { id: "firebase", name: "Firebase", vendor: "Google", aliases: ["Google Firebase", "Firebase SDK"] },
];

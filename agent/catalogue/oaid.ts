/**
 * Vendor OAID services read directly, without the MSA SDK's IdSupplier: what the open-source OAID
 * libraries do on each ROM (gzu-liyujiang/Android_CN_OAID, `library/src/main/java/com/github/
 * gzuliyujiang/oaid/impl/*Impl.java` and the AIDL in `aidl/`, read at e568f0a).
 *
 * Most vendors expose a bound service: the library binds it (recorded by
 * launch.ContextWrapper.bindService: an explicit intent to the vendor's package) and calls the
 * AIDL interface through its generated proxy, `I…$Stub$Proxy`, a concrete class compiled into
 * the app — hooked here (the interface itself cannot be: calls dispatch to the proxy). Android_CN_OAID
 * ships those proxies relocated under `repeackage.` (its `library/src/main/java/repeackage/`), so
 * both names are listed; other SDKs that obfuscate the proxy's name are seen through the bind.
 * vivo, Meizu and Nubia expose content providers (the `content-uri` classifier knows their
 * authorities); Xiaomi a framework class; Huawei and Honor an SDK client; Coosea a hidden
 * KeyguardManager method. Values are hashed; the AIDL's package arguments are package names.
 *
 * Freeme's proxy keeps its AIDL name, `com.android.creator.IdsSupplier$Stub$Proxy`: a class the
 * app bundles under `com.android.`, which the installer waits for like any SDK class
 * (agent/engine/installer.ts, isPlatformClass).
 */
import type { Category } from "../../reports/trace/categories.js";
import type { HookEntry, Summary } from "./types.js";

const SRC = "gzu-liyujiang/Android_CN_OAID";
const REPACKAGED = "repeackage.";

interface Method {
  readonly name: string;
  readonly args?: readonly Summary[];
  readonly category?: Category;
}

interface VendorService {
  readonly vendor: string;
  /** The AIDL interface (aidl/<path>.aidl in Android_CN_OAID). */
  readonly aidl: string;
  readonly methods: readonly Method[];
  /** Listed under its original name too. */
  readonly original: boolean;
}

const ids = (...names: string[]): Method[] => names.map((name) => ({ name }));
const PKG: readonly Summary[] = ["package"];

/** The vendors' AIDL services, from Android_CN_OAID's aidl/ folder. */
const SERVICES: readonly VendorService[] = [
  { vendor: "samsung", aidl: "com.samsung.android.deviceidservice.IDeviceIdService", methods: [{ name: "getOAID" }, { name: "getVAID", args: PKG }, { name: "getAAID", args: PKG }], original: true },
  { vendor: "huawei", aidl: "com.uodis.opendevice.aidl.OpenDeviceIdentifierService", methods: ids("getOaid"), original: true },
  // OPPO/OnePlus/realme: getSerID(package, signature, "OUID"|"DUID"|"AUID"); the signature hash is the app's.
  { vendor: "heytap", aidl: "com.heytap.openid.IOpenID", methods: [{ name: "getSerID", args: ["package", "omit", "raw"] }], original: true },
  { vendor: "oplus", aidl: "com.oplus.stdid.IStdID", methods: [{ name: "getSerID", args: ["package", "omit", "raw"] }], original: true },
  { vendor: "asus", aidl: "com.asus.msa.SupplementaryDID.IDidAidlInterface", methods: ids("getUDID", "getOAID", "getVAID", "getAAID"), original: true },
  { vendor: "lenovo", aidl: "com.zui.deviceidservice.IDeviceidInterface", methods: [...ids("getUDID", "getOAID"), { name: "getVAID", args: PKG }, { name: "getAAID", args: PKG }], original: true },
  // Coolpad's service hands out the IMEI as well.
  {
    vendor: "coolpad",
    aidl: "com.coolpad.deviceidsupport.IDeviceIdManager",
    methods: [...["getUDID", "getOAID", "getVAID", "getAAID"].map((name) => ({ name, args: PKG })), { name: "getIMEI", args: PKG, category: "phone_identifiers" }],
    original: true,
  },
  { vendor: "qiku", aidl: "com.qiku.id.IOAIDInterface", methods: ids("getUDID", "getOAID", "getVAID", "getAAID"), original: true },
  // The MSA service app itself (com.mdid.msa), bound without the SDK.
  { vendor: "msa", aidl: "com.bun.lib.MsaIdInterface", methods: ids("getOAID", "getVAID", "getAAID"), original: true },
  { vendor: "freeme", aidl: "com.android.creator.IdsSupplier", methods: [{ name: "getUDID", args: PKG }, { name: "getOAID" }, { name: "getVAID" }, { name: "getAAID", args: PKG }], original: true },
];

function proxyEntry(s: VendorService, m: Method, repackaged: boolean): HookEntry {
  return {
    id: `ids.Proxy.${m.name}.${s.vendor}${repackaged ? "_repackaged" : ""}`,
    className: `${repackaged ? REPACKAGED : ""}${s.aidl}$Stub$Proxy`,
    method: m.name,
    overloads: "all",
    category: m.category ?? "device_identifiers",
    ...(m.args ? { args: m.args } : {}),
    ret: "hash",
    nonPublic: `${s.vendor} OAID service's AIDL proxy, compiled into the app`,
    ref: `${SRC} aidl/${s.aidl.replace(/\./g, "/")}.aidl`,
  };
}

const PROXIES: readonly HookEntry[] = SERVICES.flatMap((s) => s.methods.flatMap((m) => [...(s.original ? [proxyEntry(s, m, false)] : []), proxyEntry(s, m, true)]));

const XIAOMI = "com.android.id.impl.IdProviderImpl";
const HONOR = "com.hihonor.ads.identifier.AdvertisingIdClient";
const IMPL = `${SRC} library/src/main/java/com/github/gzuliyujiang/oaid/impl`;

export const OAID: readonly HookEntry[] = [
  // Xiaomi (MIUI/HyperOS): a framework class, called by reflection with a Context.
  ...["getUDID", "getOAID", "getVAID", "getAAID"].map((m): HookEntry => ({ id: `ids.IdProviderImpl.${m}`, className: XIAOMI, method: m, overloads: "all", category: "device_identifiers", ret: "hash", nonPublic: "Xiaomi framework class (MIUI), not AOSP", ref: `${IMPL}/XiaomiImpl.java` })),
  // Huawei's HMS and Honor's SDK clients: the Info the client returns carries the OAID.
  { id: "ids.Info.getId.hms", className: "com.huawei.hms.ads.identifier.AdvertisingIdClient$Info", method: "getId", overloads: "all", category: "device_identifiers", ret: "hash", nonPublic: "Huawei Mobile Services SDK, not the platform", ref: `${IMPL}/HuaweiImpl.java` },
  { id: "ids.AdvertisingIdClient.getAdvertisingIdInfo.honor", className: HONOR, method: "getAdvertisingIdInfo", overloads: "all", category: "device_identifiers", ret: "type", nonPublic: "Honor ads identifier SDK, not the platform", ref: `${IMPL}/HonorImpl.java` },
  // Honor's AdvertisingIdClient.Info carries the OAID in a public field (`id`), which no hook can
  // see: the Settings.Global "oaid" read (device-ids.ts) and getAdvertisingIdInfo stand for it.
  // Coosea ROMs add a hidden method to KeyguardManager; elsewhere the coverage says it is absent.
  { id: "ids.KeyguardManager.obtainOaid", className: "android.app.KeyguardManager", method: "obtainOaid", overloads: "all", category: "device_identifiers", ret: "hash", nonPublic: "hidden method of Coosea ROMs", ref: `${IMPL}/CooseaImpl.java` },
  // Nubia: ContentProviderClient.call("getOAID") on content://cn.nubia.identity/identity (the
  // method name, not a URI, is the first argument: recorded by name).
  { id: "ids.ContentProviderClient.call.oaid", className: "android.content.ContentProviderClient", method: "call", overloads: [["java.lang.String", "java.lang.String", "android.os.Bundle"]], when: { arg: 0, oneOf: ["getOAID", "getVAID", "getAAID", "getUDID"] }, minApi: 17, category: "device_identifiers", args: ["raw"], ret: "type", ref: `${IMPL}/NubiaImpl.java` },
  ...PROXIES,
];

/**
 * Signatures the platform declarations do not have: third-party SDK entry points (Play services,
 * AMap, Baidu, Tencent, Huawei, the MSA OAID SDK, Jetpack) and the platform's hidden
 * implementation classes (ApplicationPackageManager and ContextImpl take the public abstract
 * class's methods, as on a device). Written as Java declarations, one per overload, from each
 * SDK's published API reference; `kind` says whether the type is an interface in that SDK.
 */
export interface SdkClass {
  readonly kind: "class" | "interface";
  readonly methods: readonly string[];
  /** Take this public class's declared methods too (hidden implementation classes). */
  readonly methodsOf?: string;
}

const TASK = "com.google.android.gms.tasks.Task";
const HMF = "com.huawei.hmf.tasks.Task";

/**
 * The vendor OAID services' AIDL interfaces (gzu-liyujiang/Android_CN_OAID, aidl/): every
 * method's parameters are Strings. Their generated `$Stub$Proxy` classes are what an app calls,
 * under the original name and relocated under `repeackage.` as that library ships them.
 */
const AIDL: Readonly<Record<string, readonly (readonly [string, number])[]>> = {
  "com.samsung.android.deviceidservice.IDeviceIdService": [["getOAID", 0], ["getVAID", 1], ["getAAID", 1]],
  "com.uodis.opendevice.aidl.OpenDeviceIdentifierService": [["getOaid", 0]],
  "com.heytap.openid.IOpenID": [["getSerID", 3]],
  "com.oplus.stdid.IStdID": [["getSerID", 3]],
  "com.asus.msa.SupplementaryDID.IDidAidlInterface": [["getUDID", 0], ["getOAID", 0], ["getVAID", 0], ["getAAID", 0]],
  "com.zui.deviceidservice.IDeviceidInterface": [["getOAID", 0], ["getUDID", 0], ["getVAID", 1], ["getAAID", 1]],
  "com.coolpad.deviceidsupport.IDeviceIdManager": [["getUDID", 1], ["getOAID", 1], ["getVAID", 1], ["getAAID", 1], ["getIMEI", 1]],
  "com.qiku.id.IOAIDInterface": [["getUDID", 0], ["getOAID", 0], ["getVAID", 0], ["getAAID", 0]],
  "com.bun.lib.MsaIdInterface": [["getOAID", 0], ["getVAID", 0], ["getAAID", 0]],
  "com.android.creator.IdsSupplier": [["getUDID", 1], ["getOAID", 0], ["getVAID", 0], ["getAAID", 1]],
};

function aidlProxies(): Record<string, SdkClass> {
  const out: Record<string, SdkClass> = {};
  for (const [iface, methods] of Object.entries(AIDL)) {
    const decls = methods.map(([name, n]) => `java.lang.String ${name}(${Array.from({ length: n }, (_, i) => `java.lang.String s${i}`).join(", ")})`);
    for (const prefix of ["", "repeackage."]) out[`${prefix}${iface}$Stub$Proxy`] = { kind: "class", methods: decls };
  }
  return out;
}

export const SDK_API: Readonly<Record<string, SdkClass>> = {
  // An interface from play-services-location 21 (the catalogue reports it absent there).
  "com.google.android.gms.location.FusedLocationProviderClient": {
    kind: "interface",
    methods: [
      `${TASK} getLastLocation()`,
      `${TASK} getCurrentLocation(int priority, com.google.android.gms.tasks.CancellationToken token)`,
      `${TASK} requestLocationUpdates(com.google.android.gms.location.LocationRequest request, com.google.android.gms.location.LocationCallback callback, android.os.Looper looper)`,
      `${TASK} requestLocationUpdates(com.google.android.gms.location.LocationRequest request, android.app.PendingIntent intent)`,
    ],
  },
  "com.amap.api.location.AMapLocationClient": { kind: "class", methods: ["void startLocation()", "com.amap.api.location.AMapLocation getLastKnownLocation()"] },
  "com.baidu.location.LocationClient": { kind: "class", methods: ["void start()", "int requestLocation()", "com.baidu.location.BDLocation getLastKnownLocation()"] },
  "com.tencent.map.geolocation.TencentLocationManager": {
    kind: "class",
    methods: [
      "int requestLocationUpdates(com.tencent.map.geolocation.TencentLocationRequest request, com.tencent.map.geolocation.TencentLocationListener listener)",
      "int requestLocationUpdates(com.tencent.map.geolocation.TencentLocationRequest request, com.tencent.map.geolocation.TencentLocationListener listener, android.os.Looper looper)",
      "int requestSingleFreshLocation(com.tencent.map.geolocation.TencentLocationRequest request, com.tencent.map.geolocation.TencentLocationListener listener, android.os.Looper looper)",
      "com.tencent.map.geolocation.TencentLocation getLastKnownLocation()",
    ],
  },
  "com.google.android.gms.ads.identifier.AdvertisingIdClient": { kind: "class", methods: ["static com.google.android.gms.ads.identifier.AdvertisingIdClient$Info getAdvertisingIdInfo(android.content.Context context)"] },
  "com.google.android.gms.ads.identifier.AdvertisingIdClient$Info": { kind: "class", methods: ["java.lang.String getId()", "boolean isLimitAdTrackingEnabled()"] },
  "androidx.ads.identifier.AdvertisingIdClient": { kind: "class", methods: ["static com.google.common.util.concurrent.ListenableFuture getAdvertisingIdInfo(android.content.Context context)"] },
  "com.huawei.hms.ads.identifier.AdvertisingIdClient": { kind: "class", methods: ["static com.huawei.hms.ads.identifier.AdvertisingIdClient$Info getAdvertisingIdInfo(android.content.Context context)"] },
  "com.bun.miitmdid.core.MdidSdkHelper": { kind: "class", methods: ["static int InitSdk(android.content.Context context, boolean isLogOn, com.bun.miitmdid.interfaces.IIdentifierListener listener)"] },
  "com.bun.miitmdid.interfaces.IdSupplier": { kind: "interface", methods: ["boolean isSupported()", "java.lang.String getOAID()", "java.lang.String getVAID()", "java.lang.String getAAID()"] },
  "com.bun.supplier.IdSupplier": { kind: "interface", methods: ["boolean isSupported()", "java.lang.String getOAID()", "java.lang.String getVAID()", "java.lang.String getAAID()"] },
  "com.bun.miitmdid.supplier.IdSupplier": { kind: "interface", methods: ["boolean isSupported()", "java.lang.String getOAID()", "java.lang.String getVAID()", "java.lang.String getAAID()"] },
  "androidx.exifinterface.media.ExifInterface": { kind: "class", methods: ["double[] getLatLong()", "boolean getLatLong(float[] output)"] },
  "androidx.core.app.ActivityCompat": { kind: "class", methods: ["static void requestPermissions(android.app.Activity activity, java.lang.String[] permissions, int requestCode)"] },
  "androidx.fragment.app.Fragment": { kind: "class", methods: ["void requestPermissions(java.lang.String[] permissions, int requestCode)"] },
  "androidx.activity.result.contract.ActivityResultContracts$RequestPermission": { kind: "class", methods: ["android.content.Intent createIntent(android.content.Context context, java.lang.String input)"] },
  "androidx.activity.result.contract.ActivityResultContracts$RequestMultiplePermissions": { kind: "class", methods: ["android.content.Intent createIntent(android.content.Context context, java.lang.String[] input)"] },
  // Fused location results and factories (Play services' and Huawei's Location Kit references).
  "com.google.android.gms.location.LocationServices": {
    kind: "class",
    methods: [
      "static com.google.android.gms.location.FusedLocationProviderClient getFusedLocationProviderClient(android.content.Context context)",
      "static com.google.android.gms.location.FusedLocationProviderClient getFusedLocationProviderClient(android.app.Activity activity)",
    ],
  },
  "com.google.android.gms.location.LocationResult": {
    kind: "class",
    methods: ["android.location.Location getLastLocation()", "java.util.List getLocations()", "static com.google.android.gms.location.LocationResult extractResult(android.content.Intent intent)"],
  },
  "com.huawei.hms.location.FusedLocationProviderClient": {
    kind: "class",
    methods: [
      `${HMF} getLastLocation()`,
      `${HMF} getLastLocationWithAddress(com.huawei.hms.location.LocationRequest request)`,
      `${HMF} requestLocationUpdates(com.huawei.hms.location.LocationRequest request, com.huawei.hms.location.LocationCallback callback, android.os.Looper looper)`,
      `${HMF} requestLocationUpdates(com.huawei.hms.location.LocationRequest request, android.app.PendingIntent callbackIntent)`,
      `${HMF} requestLocationUpdatesEx(com.huawei.hms.location.LocationRequest request, com.huawei.hms.location.LocationCallback callback, android.os.Looper looper)`,
    ],
  },
  "com.huawei.hms.location.LocationServices": {
    kind: "class",
    methods: [
      "static com.huawei.hms.location.FusedLocationProviderClient getFusedLocationProviderClient(android.content.Context context)",
      "static com.huawei.hms.location.FusedLocationProviderClient getFusedLocationProviderClient(android.app.Activity activity)",
    ],
  },
  "com.huawei.hms.location.LocationResult": { kind: "class", methods: ["android.location.Location getLastLocation()", "java.util.List getLocations()"] },
  // Vendor OAID: Xiaomi's framework class, the HMS and Honor clients' Info, Coosea's hidden method
  // (gzu-liyujiang/Android_CN_OAID, library/…/impl/XiaomiImpl.java, HuaweiImpl.java, HonorImpl.java, CooseaImpl.java).
  "com.android.id.impl.IdProviderImpl": { kind: "class", methods: ["getUDID", "getOAID", "getVAID", "getAAID"].map((m) => `java.lang.String ${m}(android.content.Context context)`) },
  "com.huawei.hms.ads.identifier.AdvertisingIdClient$Info": { kind: "class", methods: ["java.lang.String getId()", "boolean isLimitAdTrackingEnabled()"] },
  "com.hihonor.ads.identifier.AdvertisingIdClient": { kind: "class", methods: ["static com.hihonor.ads.identifier.AdvertisingIdClient$Info getAdvertisingIdInfo(android.content.Context context)"] },
  "com.hihonor.ads.identifier.AdvertisingIdClient$Info": { kind: "class", methods: ["java.lang.String getId()", "boolean isLimitAdTrackingEnabled()"] },
  "android.app.KeyguardManager": { kind: "class", methods: ["java.lang.String obtainOaid()"] },
  // Hidden: android.os.SystemProperties (AOSP core/java/android/os/SystemProperties.java).
  "android.os.SystemProperties": { kind: "class", methods: ["static java.lang.String get(java.lang.String key)", "static java.lang.String get(java.lang.String key, java.lang.String def)"] },
  ...aidlProxies(),
  "android.app.ApplicationPackageManager": { kind: "class", methods: [], methodsOf: "android.content.pm.PackageManager" },
  "android.app.ContextImpl": { kind: "class", methods: [], methodsOf: "android.content.Context" },
};

/** Parses one of the declarations above. */
export function parseDeclaration(decl: string): { name: string; isStatic: boolean; params: string[]; ret: string } {
  const m = /^(static )?([\w.$[\]]+) (\w+)\((.*)\)$/.exec(decl);
  if (!m) throw new Error(`bad declaration: ${decl}`);
  const params = m[4]!.trim() ? m[4]!.split(",").map((p) => p.trim().split(" ")[0]!) : [];
  return { name: m[3]!, isStatic: m[1] !== undefined, params, ret: m[2]! };
}

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
  "androidx.exifinterface.media.ExifInterface": { kind: "class", methods: ["double[] getLatLong()", "boolean getLatLong(float[] output)"] },
  "androidx.core.app.ActivityCompat": { kind: "class", methods: ["static void requestPermissions(android.app.Activity activity, java.lang.String[] permissions, int requestCode)"] },
  "androidx.fragment.app.Fragment": { kind: "class", methods: ["void requestPermissions(java.lang.String[] permissions, int requestCode)"] },
  "androidx.activity.result.contract.ActivityResultContracts$RequestPermission": { kind: "class", methods: ["android.content.Intent createIntent(android.content.Context context, java.lang.String input)"] },
  "androidx.activity.result.contract.ActivityResultContracts$RequestMultiplePermissions": { kind: "class", methods: ["android.content.Intent createIntent(android.content.Context context, java.lang.String[] input)"] },
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

import { JavaException, type ClassSpec, type Original } from "../../runner/sandbox/java.js";
import { agentRuntimeClasses } from "../../runner/sandbox/phone.js";

export { JavaException };

/** A small Android for the agent's tests (the sandbox phone's is runner/sandbox/phone.ts): the classes the engine tests touch, with behaviour as plain functions. */
export const IMEI = "356938035643809";
export const ANDROID_ID = "9774d56d682e549c";

export interface AndroidState {
  imeiDenied: boolean;
  clipboardText: string;
  screenOn?: boolean;
}

export function android(state: AndroidState): ClassSpec[] {
  const imei: Original = () => {
    if (state.imeiDenied) throw new JavaException("java.lang.SecurityException", "getImei: The user 10123 does not meet the requirements to access device identifiers.");
    return IMEI;
  };
  return [
    { name: "android.os.Build$VERSION", methods: [], fields: { SDK_INT: 31 } },
    {
      name: "android.telephony.TelephonyManager",
      methods: [
        { name: "getImei", params: [], impl: imei },
        { name: "getImei", params: ["int"], impl: imei },
        { name: "getDeviceId", params: [], impl: imei },
        { name: "getNetworkOperatorName", params: [], impl: () => "China Mobile" },
        { name: "getSubscriberId", params: [], impl: () => "460001234567890" },
        { name: "getSubscriberId", params: ["int"], impl: () => "460001234567890" },
        { name: "getPrimaryImei", params: [], impl: imei },
      ],
    },
    {
      name: "android.provider.Settings$Secure",
      methods: [{ name: "getString", params: ["android.content.ContentResolver", "java.lang.String"], impl: (_s, a) => (a[1] === "android_id" ? ANDROID_ID : "1") }],
    },
    {
      name: "android.app.ApplicationPackageManager",
      methods: [
        { name: "getPackageInfo", params: ["java.lang.String", "int"], impl: (_s, a) => ({ $className: "android.content.pm.PackageInfo", packageName: a[0] }) },
        { name: "getInstalledPackages", params: ["int"], impl: () => Object.assign([1, 2, 3], { $className: "java.util.List" }) },
      ],
    },
    {
      name: "android.content.ClipboardManager",
      methods: [{ name: "getPrimaryClip", params: [], impl: () => ({ $className: "android.content.ClipData", text: state.clipboardText }) }],
    },
    {
      name: "android.location.LocationManager",
      methods: [{ name: "getLastKnownLocation", params: ["java.lang.String"], impl: () => ({ $className: "android.location.Location" }) }],
    },
    {
      name: "android.content.ContentResolver",
      methods: [
        {
          name: "query",
          params: ["android.net.Uri", "[Ljava.lang.String;", "java.lang.String", "[Ljava.lang.String;", "java.lang.String"],
          impl: () => ({ $className: "android.database.Cursor" }),
        },
      ],
    },
    {
      name: "android.hardware.SensorManager",
      methods: [{ name: "registerListener", params: ["android.hardware.SensorEventListener", "android.hardware.Sensor", "int"], impl: () => true }],
    },
    ...agentRuntimeClasses(() => state.screenOn !== false),
  ];
}

/** An SDK that arrives later in its own dex (a dynamically loaded SDK). */
export const AMAP: ClassSpec = {
  name: "com.amap.api.location.AMapLocationClient",
  methods: [
    { name: "startLocation", params: [] },
    { name: "getLastKnownLocation", params: [], impl: () => ({ $className: "com.amap.api.location.AMapLocation" }) },
  ],
};

export const APP_STACK = [
  { className: "com.example.app.DeviceInfo", methodName: "collect", fileName: "DeviceInfo.kt", lineNumber: 12 },
  { className: "com.example.app.MainActivity", methodName: "onResume", fileName: "MainActivity.kt", lineNumber: 40 },
  { className: "android.app.Activity", methodName: "performResume" },
  { className: "android.os.Looper", methodName: "loop" },
];

export const UMENG_STACK = [
  { className: "com.umeng.commonsdk.internal.utils.a", methodName: "b" },
  { className: "com.umeng.commonsdk.UMConfigure", methodName: "init" },
  { className: "com.example.app.App", methodName: "onCreate" },
  { className: "android.os.Looper", methodName: "loop" },
];

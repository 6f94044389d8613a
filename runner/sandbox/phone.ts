import type { KnownValue } from "../../agent/protocol.js";
import { JavaException, type ClassSpec, type Original } from "./java.js";
import { networkClasses } from "./network.js";

/**
 * The Android framework of the sandbox phone, as the agent's Java hooks see it: the classes an
 * app reaches for personal data, with the platform's permission checks (a location read without
 * the location permission throws SecurityException, as on a phone), and the Activity methods the
 * agent follows for foreground/background and permission answers. Android 10 (API 29): device
 * identifiers (IMEI) are closed to ordinary apps, so reading them throws, as it does there.
 */
export const SANDBOX_API_LEVEL = 29;
export const SANDBOX_RELEASE = "10";
export const SANDBOX_MODEL = "permtrace sandbox (Android 10)";

/** Values the sandbox answers with: obviously fake, and redacted in reports anyway. */
export const SANDBOX_VALUES = {
  androidId: "5a4d0b1e2c3f4a5b",
  /** Closed to apps on Android 10 (getDeviceId throws), known to the phone itself. */
  imei: "867530012345670",
  /** The SIM's number: getLine1Number answers it with READ_PHONE_NUMBERS (or READ_PHONE_STATE). */
  phoneNumber: "+8613800138000",
  location: { latitude: 31.2304, longitude: 121.4737 },
  mac: "02:00:00:00:00:00",
  installed: ["com.tencent.mm", "com.eg.android.AlipayGphone", "com.ss.android.ugc.aweme", "com.taobao.taobao"],
} as const;

/** The device identifiers the phone knows of itself, as the runner reads a real device's before launch. */
export function sandboxKnownValues(): readonly KnownValue[] {
  return [
    { kind: "android_id", value: SANDBOX_VALUES.androidId },
    { kind: "imei", value: SANDBOX_VALUES.imei },
    { kind: "phone_number", value: SANDBOX_VALUES.phoneNumber },
  ];
}

export interface PhoneState {
  readonly granted: Set<string>;
  screenOn: boolean;
  clipboard: string;
}

const P = "android.permission.";
const LOCATION = [`${P}ACCESS_FINE_LOCATION`, `${P}ACCESS_COARSE_LOCATION`];

function denied(what: string): JavaException {
  return new JavaException("java.lang.SecurityException", `${what}: permission denied for uid 10187`);
}

export function phoneClasses(state: PhoneState): ClassSpec[] {
  const needLocation = (what: string): void => {
    if (!LOCATION.some((p) => state.granted.has(p))) throw denied(what);
  };
  // A Location's getters, as the agent's matcher reads a returned Location (agent/engine/egress-payload.ts, learnableValue).
  const { latitude, longitude } = SANDBOX_VALUES.location;
  const location = (): object => ({ $className: "android.location.Location", latitude, longitude, getLatitude: () => latitude, getLongitude: () => longitude });
  const identifiers: Original = () => {
    throw new JavaException("java.lang.SecurityException", "getDeviceId: The user 10187 does not meet the requirements to access device identifiers.");
  };
  return [
    { name: "android.os.Build$VERSION", methods: [], fields: { SDK_INT: SANDBOX_API_LEVEL } },
    {
      name: "android.telephony.TelephonyManager",
      methods: [
        { name: "getImei", params: [], impl: identifiers },
        { name: "getImei", params: ["int"], impl: identifiers },
        { name: "getDeviceId", params: [], impl: identifiers },
        { name: "getSubscriberId", params: [], impl: identifiers },
        { name: "getNetworkOperatorName", params: [], impl: () => "China Mobile" },
        {
          name: "getLine1Number",
          params: [],
          // Android 10: READ_PHONE_NUMBERS, READ_PHONE_STATE or READ_SMS (TelephonyManager#getLine1Number).
          impl: () => {
            if (![`${P}READ_PHONE_NUMBERS`, `${P}READ_PHONE_STATE`, `${P}READ_SMS`].some((p) => state.granted.has(p))) throw denied("getLine1Number");
            return SANDBOX_VALUES.phoneNumber;
          },
        },
      ],
    },
    {
      name: "android.provider.Settings$Secure",
      methods: [{ name: "getString", params: ["android.content.ContentResolver", "java.lang.String"], impl: (_s, a) => (a[1] === "android_id" ? SANDBOX_VALUES.androidId : null) }],
    },
    {
      name: "android.app.ApplicationPackageManager",
      methods: [
        { name: "getPackageInfo", params: ["java.lang.String", "int"], impl: (_s, a) => ({ $className: "android.content.pm.PackageInfo", packageName: a[0], versionName: "2.4.0" }) },
        { name: "getInstalledPackages", params: ["int"], impl: () => Object.assign(SANDBOX_VALUES.installed.map((p) => ({ packageName: p })), { $className: "java.util.List" }) },
        { name: "getInstalledApplications", params: ["int"], impl: () => Object.assign(SANDBOX_VALUES.installed.map((p) => ({ packageName: p })), { $className: "java.util.List" }) },
      ],
    },
    {
      name: "android.content.ClipboardManager",
      methods: [
        { name: "getPrimaryClip", params: [], impl: () => ({ $className: "android.content.ClipData", text: state.clipboard }) },
        { name: "hasPrimaryClip", params: [], impl: () => state.clipboard !== "" },
      ],
    },
    {
      name: "android.location.LocationManager",
      methods: [
        {
          name: "getLastKnownLocation",
          params: ["java.lang.String"],
          impl: () => (needLocation("getLastKnownLocation"), location()),
        },
        {
          name: "requestLocationUpdates",
          params: ["java.lang.String", "long", "float", "android.location.LocationListener"],
          impl: () => void needLocation("requestLocationUpdates"),
        },
      ],
    },
    {
      name: "android.net.wifi.WifiInfo",
      methods: [
        { name: "getMacAddress", params: [], impl: () => SANDBOX_VALUES.mac },
        { name: "getBSSID", params: [], impl: () => SANDBOX_VALUES.mac },
        { name: "getSSID", params: [], impl: () => "<unknown ssid>" },
      ],
    },
    {
      name: "android.hardware.Camera",
      methods: [
        {
          name: "open",
          params: ["int"],
          impl: () => {
            if (!state.granted.has(`${P}CAMERA`)) throw new JavaException("java.lang.RuntimeException", "Fail to connect to camera service");
            return { $className: "android.hardware.Camera" };
          },
        },
      ],
    },
    ...networkClasses(),
    ...agentRuntimeClasses(() => state.screenOn),
  ];
}

/**
 * The framework classes the agent itself uses, whatever the app does: the Activity methods it
 * follows (foreground/background, permission requests and answers), the class loader it watches
 * for late SDKs, and the power state it reads when the screen goes off.
 */
export function agentRuntimeClasses(interactive: () => boolean): ClassSpec[] {
  return [
    {
      name: "android.app.Activity",
      methods: [
        { name: "onStart", params: [] },
        { name: "onStop", params: [] },
        { name: "requestPermissions", params: ["[Ljava.lang.String;", "int"] },
        { name: "onRequestPermissionsResult", params: ["int", "[Ljava.lang.String;", "[I"] },
        { name: "dispatchRequestPermissionsResult", params: ["int", "android.content.Intent"] },
      ],
    },
    {
      // The public constructor delegates to the one with shared libraries (libcore's BaseDexClassLoader).
      name: "dalvik.system.BaseDexClassLoader",
      methods: [
        { name: "$init", params: ["java.lang.String", "java.io.File", "java.lang.String", "java.lang.ClassLoader"] },
        { name: "$init", params: ["java.lang.String", "java.io.File", "java.lang.String", "java.lang.ClassLoader", "[Ljava.lang.ClassLoader;", "boolean"] },
      ],
    },
    { name: "dalvik.system.PathClassLoader", methods: [{ name: "$init", params: ["java.lang.String", "java.lang.ClassLoader"] }] },
    { name: "dalvik.system.DexClassLoader", methods: [{ name: "$init", params: ["java.lang.String", "java.lang.String", "java.lang.String", "java.lang.ClassLoader"] }] },
    { name: "android.app.Application", methods: [{ name: "attach", params: ["android.content.Context"] }] },
    {
      name: "android.app.ActivityThread",
      methods: [{ name: "currentApplication", params: [], impl: () => ({ getSystemService: () => ({ isInteractive: () => interactive() }) }) }],
    },
    { name: "android.os.PowerManager", methods: [] },
  ];
}

/** The Intent Android hands to dispatchRequestPermissionsResult. */
export function permissionResultIntent(permissions: readonly string[], granted: readonly boolean[]): object {
  return {
    $className: "android.content.Intent",
    getStringArrayExtra: (k: string) => (k.endsWith("REQUEST_PERMISSIONS_NAMES") ? [...permissions] : null),
    getIntArrayExtra: (k: string) => (k.endsWith("REQUEST_PERMISSIONS_RESULTS") ? granted.map((g) => (g ? 0 : -1)) : null),
  };
}

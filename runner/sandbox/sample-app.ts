/**
 * 样例地图 Sample Map (com.permtrace.sample): the sandbox phone's app. A small city-guide app
 * with the SDKs and habits that real apps get flagged for, and two uses that are fine:
 *
 * - Umeng analytics initialises in Application.onCreate, before the privacy dialog is answered,
 *   and reads the Android ID and the installed-app list;
 * - JPush runs in its own `:push` process from start-up and tries the IMEI (Android 10 refuses
 *   it: SecurityException) and reads the Android ID;
 * - the app's own code reads the clipboard on every resume (to offer "paste this address?");
 * - once the user has consented and location is granted, the Tencent ad SDK (GDT) polls the
 *   last known location every 30 s, in the background too — and the app does not list GDT;
 * - the map screen asks for location and, through AMap's location SDK, reads it: needed there;
 *   denied, the app asks again at once, once; denied again, Umeng tries the last known location
 *   all the same (Android refuses it: the attempt after the denial is flagged);
 * - the app reads its own package info for the About line: not collection;
 * - "Scan" opens the camera without the camera permission: Camera.open throws and the app,
 *   which does not catch it, crashes;
 * - what leaves the phone (issue 15), through the hooked network classes (./network.ts): Umeng
 *   posts the MD5 of the Android ID at every start, gzipped and AES-encrypted, over TLS to
 *   alog.umeng.com — before consent, and after a rejection; GDT sends the position it polled to
 *   its ad host mi.gdt.qq.com (not on the sharing list); "Sign in" asks for READ_PHONE_NUMBERS,
 *   reads the number and posts it to the app's own API (declared, needed there: fine); the map
 *   fetches AMap tiles that carry nothing about the user (fine).
 *
 * Every call goes through the phone's framework classes, so the agent's hooks see it with the
 * stack given here: the SDK's frames over the app's over the framework's.
 *
 * This is the sandbox's code, so it lives with the sandbox; what a user writes for the app (its
 * scenarios, profile and screens) stays in scenarios/sample-app/.
 */
import { createHash } from "node:crypto";
import { join } from "node:path";
import { packageRoot } from "../../reports/version.js";
import type { AppProcess, FrameSpec, Phone, SandboxApp, UiTarget } from "./app.js";
import { httpsRequest, sealedBody } from "./network.js";

export const SAMPLE_PACKAGE = "com.permtrace.sample";
const FINE = "android.permission.ACCESS_FINE_LOCATION";
const PHONE_NUMBERS = "android.permission.READ_PHONE_NUMBERS";

const f = (className: string, methodName: string, fileName?: string, lineNumber?: number): FrameSpec => ({ className, methodName, ...(fileName ? { fileName, lineNumber: lineNumber ?? 1 } : {}) });

/** Frames of the app's own start-up and screens. */
const APP_ON_CREATE = [f("com.permtrace.sample.SampleApplication", "onCreate", "SampleApplication.kt", 31), f("android.app.Instrumentation", "callApplicationOnCreate"), f("android.app.ActivityThread", "handleBindApplication")];
const MAIN_RESUME = [f("com.permtrace.sample.ui.MainActivity", "onResume", "MainActivity.kt", 58), f("android.app.Activity", "performResume"), f("android.app.ActivityThread", "performResumeActivity")];
const PUSH_SERVICE = [f("cn.jpush.android.service.PushService", "onCreate"), f("android.app.ActivityThread", "handleCreateService")];

/** Where each behaviour calls from. */
const STACKS = {
  umengAndroidId: [f("com.umeng.commonsdk.statistics.common.DeviceConfig", "getAndroidID"), f("com.umeng.commonsdk.UMConfigure", "init"), ...APP_ON_CREATE],
  umengLocation: [f("com.umeng.commonsdk.statistics.common.DeviceConfig", "getLocation"), f("com.umeng.commonsdk.internal.UMInternalData", "collect"), f("com.permtrace.sample.map.MapActivity", "onRequestPermissionsResult", "MapActivity.kt", 88)],
  umengApps: [f("com.umeng.commonsdk.internal.utils.ApplicationLayerUtil", "getAppList"), f("com.umeng.commonsdk.UMConfigure", "init"), ...APP_ON_CREATE],
  ownPackage: [f("com.permtrace.sample.about.VersionInfo", "read", "VersionInfo.kt", 12), ...APP_ON_CREATE],
  clipboard: [f("com.permtrace.sample.ui.PasteHint", "check", "PasteHint.kt", 22), ...MAIN_RESUME],
  pushImei: [f("cn.jpush.android.helper.DeviceInfo", "getImei"), f("cn.jiguang.internal.JCoreInternalHelper", "collect"), ...PUSH_SERVICE],
  pushAndroidId: [f("cn.jpush.android.helper.DeviceInfo", "getAndroidId"), f("cn.jiguang.internal.JCoreInternalHelper", "collect"), ...PUSH_SERVICE],
  adLocation: [f("com.qq.e.comm.managers.status.DeviceStatus", "getLocation"), f("com.qq.e.comm.managers.plugin.PM$a", "run"), f("java.util.concurrent.ScheduledThreadPoolExecutor$ScheduledFutureTask", "run", "ScheduledThreadPoolExecutor.java", 301)],
  mapLocation: [f("com.amap.api.location.AMapLocationClient", "startLocation"), f("com.permtrace.sample.map.MapActivity", "showMyLocation", "MapActivity.kt", 77)],
  mapAsk: [f("com.permtrace.sample.map.MapActivity", "askLocation", "MapActivity.kt", 64), f("com.permtrace.sample.map.MapActivity", "onCreate", "MapActivity.kt", 40)],
  scan: [f("com.permtrace.sample.scan.ScanActivity", "openCamera", "ScanActivity.kt", 29), f("com.permtrace.sample.ui.MainActivity", "onScanClicked", "MainActivity.kt", 91)],
  umengSend: [f("com.umeng.commonsdk.framework.UMNetWorkSender", "sendRequest"), f("com.umeng.commonsdk.framework.UMWorkDispatch", "handleEvent")],
  adSend: [f("com.qq.e.comm.net.NetworkClientImpl", "execute"), f("com.qq.e.comm.managers.status.DeviceStatus", "report"), f("com.qq.e.comm.managers.plugin.PM$a", "run")],
  signIn: [f("com.permtrace.sample.account.SignInActivity", "fillNumber", "SignInActivity.kt", 47), f("com.permtrace.sample.ui.MainActivity", "onSignInClicked", "MainActivity.kt", 97)],
  signInSend: [f("com.permtrace.sample.account.AccountApi", "signIn", "AccountApi.kt", 21), f("com.permtrace.sample.account.SignInActivity", "submit", "SignInActivity.kt", 63)],
  mapTiles: [f("com.amap.api.mapcore.util.TileServerHandler", "fetchTile"), f("com.amap.api.maps.MapView", "loadTiles")],
} as const;

/** Hosts the SDKs and the map send to (worker threads of their own). */
const UMENG_HOST = "alog.umeng.com";
const GDT_HOST = "mi.gdt.qq.com";
/** The app's own API (its profile's `domains`). */
const API_HOST = "api.sample.permtrace.example";
/** AMap's raster tile server. */
const TILE_HOST = "wprd01.is.autonavi.com";

const LM = "android.location.LocationManager";

type Screen = "consent" | "home" | "map" | "limited";

/** What each screen shows, by id and text (scenarios may name either). */
type Element = UiTarget & { readonly label: string; readonly kind: "button" | "text" };
const SCREENS: Record<Screen, readonly Element[]> = {
  consent: [
    { id: "policy", text: "隐私政策 Privacy policy", label: "Privacy policy: we and our partners collect device information...", kind: "text" },
    { id: "agree", text: "同意并继续", label: "Agree and continue", kind: "button" },
    { id: "disagree", text: "不同意", label: "Disagree", kind: "button" },
  ],
  home: [
    { id: "home", text: "Home", label: "Home", kind: "text" },
    { id: "nearby", text: "Nearby", label: "Nearby", kind: "button" },
    { id: "scan", text: "Scan", label: "Scan", kind: "button" },
    { id: "about", text: "About", label: "About", kind: "button" },
    { id: "sign_in", text: "Sign in", label: "Sign in", kind: "button" },
  ],
  map: [
    { id: "map", text: "Map", label: "Map", kind: "text" },
    { id: "location_off", text: "Location off", label: "Location off", kind: "text" },
  ],
  limited: [{ id: "limited", text: "Browse without an account", label: "Browse without an account", kind: "text" }],
};
const TITLES: Record<Screen, string> = { consent: "Sample Map", home: "Sample Map", map: "Nearby", limited: "Sample Map" };

export class SampleMapApp implements SandboxApp {
  readonly package = SAMPLE_PACKAGE;
  readonly versionName = "2.4.0";
  readonly screensXml = join(packageRoot(), "scenarios", "sample-app", "screens.xml");
  /** Stored in the app's data: survives restarts, wiped by clearData. */
  private consent: "none" | "accepted" | "rejected" = "none";
  private screen: Screen = "consent";
  private phone: Phone | undefined;
  private adsStarted = false;
  private mapAsked = 0;
  private mapUpdates = false;

  start(phone: Phone, proc: AppProcess): void {
    this.phone = phone;
    if (proc.name === `${SAMPLE_PACKAGE}:push`) return this.pushService(proc);
    this.adsStarted = false;
    this.mapAsked = 0;
    this.screen = this.consent === "accepted" ? "home" : this.consent === "rejected" ? "limited" : "consent";
    // Application.onCreate: the SDKs initialise before anyone asked the user.
    const androidId = proc.call("android.provider.Settings$Secure", "getString", ["android.content.ContentResolver", "java.lang.String"], [{ $className: "android.content.ContentResolver" }, "android_id"], STACKS.umengAndroidId);
    proc.call("android.app.ApplicationPackageManager", "getInstalledPackages", ["int"], [0], STACKS.umengApps);
    this.umengSend(proc, String(androidId));
    proc.call("android.app.ApplicationPackageManager", "getPackageInfo", ["java.lang.String", "int"], [SAMPLE_PACKAGE, 0], STACKS.ownPackage);
    phone.startProcess(":push");
    if (this.consent === "accepted") this.startAds(proc);
  }

  resumed(proc: AppProcess): void {
    proc.call("android.content.ClipboardManager", "getPrimaryClip", [], [], STACKS.clipboard);
    // Back on the map: it asks for location updates again.
    if (this.screen === "map" && !this.mapUpdates && this.phone!.granted(FINE)) this.showMyLocation(proc);
  }

  tap(proc: AppProcess, t: UiTarget): void {
    const is = (id: string): boolean => SCREENS[this.screen].some((e) => e.id === id && (t.id === id || (t.text !== undefined && t.text === e.text) || t.accessibilityId === id));
    if (this.screen === "consent" && is("agree")) {
      this.consent = "accepted";
      this.screen = "home";
      this.startAds(proc);
    } else if (this.screen === "consent" && is("disagree")) {
      this.consent = "rejected";
      this.screen = "limited";
    } else if (this.screen === "home" && is("nearby")) {
      this.screen = "map";
      this.fetchTiles(proc);
      this.showMyLocation(proc);
    } else if (this.screen === "home" && is("sign_in")) {
      // One-tap sign-in with this phone's number: asks to read it first.
      this.phone!.requestPermissions(proc, [PHONE_NUMBERS], STACKS.signIn);
    } else if (this.screen === "home" && is("scan")) {
      // No camera permission asked first: Camera.open throws, nothing catches it.
      proc.call("android.hardware.Camera", "open", ["int"], [0], STACKS.scan);
    }
  }

  back(_proc: AppProcess): boolean {
    if (this.screen !== "map") return false;
    this.screen = "home";
    return true;
  }

  paused(_proc: AppProcess): void {
    // The map stops its own location updates when it leaves the screen (AMap's stopLocation):
    // nothing of the app's reads location in the background. GDT does not care.
    this.mapUpdates = false;
  }

  describeScreen(): { title: string; elements: { label: string; kind: "button" | "text" }[] } {
    return { title: TITLES[this.screen], elements: this.onScreen().map((e) => ({ label: e.label, kind: e.kind })) };
  }

  /** The current screen's elements: the map says "Location off" only while it has no location. */
  private onScreen(): readonly Element[] {
    const all = SCREENS[this.screen];
    return this.screen === "map" && this.phone?.granted(FINE) ? all.filter((e) => e.id !== "location_off").concat([{ id: "you_are_here", text: "You are here", label: "You are here", kind: "text" }]) : all;
  }

  shows(t: UiTarget): boolean {
    return this.onScreen().some((e) => (t.id !== undefined && t.id === e.id) || (t.text !== undefined && t.text === e.text) || (t.accessibilityId !== undefined && t.accessibilityId === e.id));
  }

  permissionResult(proc: AppProcess, permissions: readonly string[], granted: readonly boolean[]): void {
    if (permissions.includes(PHONE_NUMBERS) && granted[permissions.indexOf(PHONE_NUMBERS)]) return this.signIn(proc);
    if (!permissions.includes(FINE)) return;
    if (granted[permissions.indexOf(FINE)]) {
      this.showMyLocation(proc);
      this.startAds(proc);
    } else if (this.mapAsked < 2) {
      // "Location is needed for the map": asked again at once — what the 48-hour store rule forbids.
      this.askLocation(proc);
    } else {
      // Refused twice: Umeng's analytics tries the last network location all the same. Android
      // refuses it (SecurityException); the attempt after the denial is the evidence.
      try {
        proc.call(LM, "getLastKnownLocation", ["java.lang.String"], ["network"], STACKS.umengLocation);
      } catch {
        // Umeng goes without
      }
    }
  }

  clearData(): void {
    this.consent = "none";
  }

  stopped(): void {
    this.adsStarted = false;
  }

  private showMyLocation(proc: AppProcess): void {
    if (!this.phone!.granted(FINE)) return this.askLocation(proc);
    this.mapUpdates = true;
    proc.call(LM, "requestLocationUpdates", ["java.lang.String", "long", "float", "android.location.LocationListener"], ["gps", 2000, 10, { $className: "com.amap.api.location.AMapLocationClient$Listener" }], STACKS.mapLocation);
    proc.call(LM, "getLastKnownLocation", ["java.lang.String"], ["gps"], STACKS.mapLocation);
  }

  private askLocation(proc: AppProcess): void {
    this.mapAsked++;
    this.phone!.requestPermissions(proc, [FINE, "android.permission.ACCESS_COARSE_LOCATION"], STACKS.mapAsk);
  }

  /** GDT's location poll: every 30 s once it may, whether the app is on screen or not. */
  private startAds(proc: AppProcess): void {
    if (this.adsStarted || this.consent !== "accepted" || !this.phone!.granted(FINE)) return;
    this.adsStarted = true;
    proc.every(30_000, () => {
      const at = proc.call(LM, "getLastKnownLocation", ["java.lang.String"], ["network"], STACKS.adLocation, "GDT-pool-1") as { latitude: number; longitude: number };
      // The ad request carries the position it just read, in the URL, over TLS to GDT's ad host.
      httpsRequest(proc, { host: GDT_HOST, method: "GET", path: `/gdt_mview.fcg?posid=7020285781&adposcount=1&lat=${at.latitude}&lng=${at.longitude}&count=1` }, STACKS.adSend, "GDT-pool-1");
    });
  }

  /**
   * Umeng's start-up log: the MD5 of the Android ID in a JSON envelope, gzipped, AES-encrypted and
   * posted over TLS — at every start, before any consent (what its init in onCreate does).
   */
  private umengSend(proc: AppProcess, androidId: string): void {
    const thread = "UMThreadPool-1";
    const json = JSON.stringify({ header: { appkey: "5f2b9c7ed3a1b2c4e6f80917", device_id: createHash("md5").update(androidId).digest("hex"), os: "Android", os_version: "10", sdk_version: "9.6.3" }, analytics: { sessions: [{ id: "s-1", start_time: 0 }] } });
    const body = sealedBody(proc, json, STACKS.umengSend, thread);
    httpsRequest(proc, { host: UMENG_HOST, method: "POST", path: "/app_logs", headers: { "Content-Type": "envelope/json", "Msg-Type": "envelope/json" }, body }, STACKS.umengSend, thread);
  }

  /** The number read (with the user's grant), sent to the app's own API to sign in: declared, needed, over TLS. */
  private signIn(proc: AppProcess): void {
    const number = String(proc.call("android.telephony.TelephonyManager", "getLine1Number", [], [], STACKS.signIn));
    const body = new TextEncoder().encode(JSON.stringify({ phone: number, method: "one_tap" }));
    httpsRequest(proc, { host: API_HOST, method: "POST", path: "/v1/account/sign-in", headers: { "Content-Type": "application/json" }, body }, STACKS.signInSend, "OkHttp Dispatcher");
  }

  /** The map's tiles around the city centre: tile numbers and style, nothing about the user. */
  private fetchTiles(proc: AppProcess): void {
    for (const [x, y] of [[27438, 13390], [27439, 13390]] as const) {
      httpsRequest(proc, { host: TILE_HOST, method: "GET", path: `/appmaptile?x=${x}&y=${y}&z=15&lang=zh_cn&size=1&scl=1&style=7`, headers: { "User-Agent": "AMAP_SDK_Android_Map_9.8.2" } }, STACKS.mapTiles, "amap-tile-1");
    }
  }

  private pushService(proc: AppProcess): void {
    try {
      proc.call("android.telephony.TelephonyManager", "getDeviceId", [], [], STACKS.pushImei);
    } catch {
      // Android 10 refuses it; JPush falls back to the Android ID.
    }
    proc.call("android.provider.Settings$Secure", "getString", ["android.content.ContentResolver", "java.lang.String"], [{ $className: "android.content.ContentResolver" }, "android_id"], STACKS.pushAndroidId);
  }
}

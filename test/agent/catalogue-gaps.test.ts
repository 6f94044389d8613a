import { existsSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { CoverageRow } from "../../agent/protocol.js";
import { CALL, CALL_FLAGS } from "../../agent/protocol.js";
import { CATEGORY_IDS } from "../../reports/trace/categories.js";
import type { ClassSpec } from "../../runner/sandbox/java.js";
import { BUNDLE, loadAgent, type Runtime } from "../../runner/sandbox/runtime.js";
import { android, APP_STACK, IMEI } from "../support/android-fixture.js";

// The gaps issue 16 closed, through the compiled bundle on the Frida-runtime stand-in: each new
// entry is hooked, records what it must (category, summaries) and nothing it must not, and
// leaves results as they were. `npm run build` (or `npm run build:agent`) first.

const APP = "com.example.app";
const SERIAL = "R58M12ABCDE";
const OAID = "f3c1e2d4-oaid-0001";
const MAC = "a4:50:46:11:22:33";

const m = (name: string, params: readonly string[], impl: (self: unknown, args: unknown[]) => unknown): ClassSpec["methods"][number] => ({ name, params, impl });
const proc = { $className: "java.lang.ProcessImpl" };
const REDIRECTS = ["[Ljava.lang.String;", "java.util.Map", "java.lang.String", "[Ljava.lang.ProcessBuilder$Redirect;", "boolean"];

/** The platform and SDK classes the new entries hook, with fixed answers. */
const CLASSES: readonly ClassSpec[] = [
  { name: "android.telephony.SmsManager", methods: [m("sendTextMessage", ["java.lang.String", "java.lang.String", "java.lang.String", "android.app.PendingIntent", "android.app.PendingIntent"], () => undefined), m("sendMultipartTextMessage", ["java.lang.String", "java.lang.String", "java.util.ArrayList", "java.util.ArrayList", "java.util.ArrayList"], () => undefined), m("sendDataMessage", ["java.lang.String", "java.lang.String", "short", "[B", "android.app.PendingIntent", "android.app.PendingIntent"], () => undefined)] },
  { name: "android.os.SystemProperties", methods: [m("get", ["java.lang.String"], (_s, a) => (a[0] === "ro.serialno" ? SERIAL : a[0] === "persist.radio.imei1" ? IMEI : "31")), m("get", ["java.lang.String", "java.lang.String"], (_s, a) => (a[0] === "ro.boot.serialno" ? SERIAL : String(a[1])))] },
  { name: "java.lang.ProcessImpl", methods: [m("start", REDIRECTS, () => proc)] },
  { name: "com.samsung.android.deviceidservice.IDeviceIdService$Stub$Proxy", methods: [m("getOAID", [], () => OAID)] },
  { name: "repeackage.com.samsung.android.deviceidservice.IDeviceIdService$Stub$Proxy", methods: [m("getOAID", [], () => OAID)] },
  { name: "com.coolpad.deviceidsupport.IDeviceIdManager$Stub$Proxy", methods: [m("getIMEI", ["java.lang.String"], () => IMEI)] },
  { name: "com.android.id.impl.IdProviderImpl", methods: [m("getOAID", ["android.content.Context"], () => OAID)] },
  { name: "android.content.ContentProviderClient", methods: [m("call", ["java.lang.String", "java.lang.String", "android.os.Bundle"], () => ({ $className: "android.os.Bundle" }))] },
  { name: "com.google.android.gms.location.LocationResult", methods: [m("getLastLocation", [], () => ({ $className: "android.location.Location" })), m("getLocations", [], () => Object.assign([1, 2], { $className: "java.util.List" }))] },
  { name: "com.huawei.hms.location.FusedLocationProviderClient", methods: [m("getLastLocation", [], () => ({ $className: "com.huawei.hmf.tasks.Task" }))] },
  { name: "android.bluetooth.BluetoothDevice", methods: [m("getAddress", [], () => MAC)] },
  { name: "android.net.NetworkInfo", methods: [m("getExtraInfo", [], () => '"HomeWifi"')] },
  { name: "android.app.admin.DevicePolicyManager", methods: [m("getWifiMacAddress", ["android.content.ComponentName"], () => MAC)] },
  { name: "android.app.ApplicationPackageManager", methods: [m("getActivityInfo", ["android.content.ComponentName", "int"], () => ({ $className: "android.content.pm.ActivityInfo" })), m("queryIntentActivityOptions", ["android.content.ComponentName", "[Landroid.content.Intent;", "android.content.Intent", "int"], () => Object.assign([1, 2, 3], { $className: "java.util.List" }))] },
];

function start(): { rt: Runtime; coverage: readonly CoverageRow[] } {
  const base = android({ imeiDenied: false, clipboardText: "" }).filter((c) => !CLASSES.some((x) => x.name === c.name));
  const rt = loadAgent([...base, ...CLASSES]);
  return { rt, coverage: rt.rpc.init({ appPackage: APP, salt: "s" }) };
}

interface Seen {
  readonly hook: string;
  readonly own: boolean;
  readonly category: string;
  readonly args: readonly string[] | null;
  readonly ret: string | null;
}

/** Every call the agent sent, decoded. */
function calls(rt: Runtime): Seen[] {
  const strings: string[] = [];
  const hooks = (rt.messages.filter((x) => x.type === "coverage").pop() as { hooks: readonly CoverageRow[] }).hooks;
  const out: Seen[] = [];
  for (const b of rt.batches()) {
    strings.push(...b.strings);
    for (const c of b.calls) {
      const ret = (c.length > CALL.ret ? c[CALL.ret] : -1) as number;
      const args = (c.length > CALL.args ? c[CALL.args] : null) as number[] | null;
      out.push({ hook: hooks[c[CALL.hook] as number]![0], own: ((c[CALL.flags] as number) & CALL_FLAGS.own) !== 0, category: CATEGORY_IDS[c[CALL.category] as number]!, args: args ? args.map((i) => strings[i]!) : null, ret: ret >= 0 ? strings[ret]! : null });
    }
  }
  return out;
}

/** Runs `fn` on a fresh agent and returns what it recorded. */
async function recorded(fn: (rt: Runtime) => void): Promise<Seen[]> {
  const { rt } = start();
  fn(rt);
  await rt.settle();
  return calls(rt);
}

const exec = (rt: Runtime, argv: string[]): unknown => rt.call("java.lang.ProcessImpl", "start", REDIRECTS, [argv, null, null, null, false], APP_STACK);

describe("catalogue gaps (issue 16) on the stand-in", () => {
  it("the bundle is built", () => expect(existsSync(BUNDLE), "run `npm run build`").toBe(true));

  it("hooks every new entry present on the device", () => {
    const { coverage } = start();
    const status = (id: string): string | undefined => coverage.find((r) => r[0] === id)?.[1];
    for (const id of [
      "telephony.SmsManager.sendTextMessage", "telephony.SmsManager.sendMultipartTextMessage", "telephony.SmsManager.sendDataMessage",
      "telephony.SystemProperties.get", "exec.ProcessBuilder.start", "ids.Proxy.getOAID.samsung", "ids.Proxy.getOAID.samsung_repackaged",
      "ids.Proxy.getIMEI.coolpad", "ids.IdProviderImpl.getOAID", "ids.ContentProviderClient.call.oaid", "location.LocationResult.getLastLocation",
      "location.FusedLocationProviderClient.getLastLocation.hms", "bluetooth.BluetoothDevice.getAddress", "net.NetworkInfo.getExtraInfo",
      "net.DevicePolicyManager.getWifiMacAddress", "apps.PackageManager.queryIntentActivityOptions",
    ]) expect(status(id), id).toBe("hooked");
    // The sending permission travels with the coverage.
    const cov = start().rt.messages.find((x) => x.type === "coverage") as { permissions?: readonly (string | null)[]; hooks: readonly CoverageRow[] };
    const i = cov.hooks.findIndex((r) => r[0] === "telephony.SmsManager.sendTextMessage");
    if (cov.permissions) expect(cov.permissions[i]).toBe("android.permission.SEND_SMS");
  });

  it("records SMS sent: destination masked, text by length only", async () => {
    const text = "your code is 482913";
    const seen = await recorded((rt) => {
      rt.call("android.telephony.SmsManager", "sendTextMessage", ["java.lang.String", "java.lang.String", "java.lang.String", "android.app.PendingIntent", "android.app.PendingIntent"], ["+8613800138000", null, text, null, null], APP_STACK);
      rt.call("android.telephony.SmsManager", "sendDataMessage", ["java.lang.String", "java.lang.String", "short", "[B", "android.app.PendingIntent", "android.app.PendingIntent"], ["10086", null, 8080, [1, 2, 3], null, null], APP_STACK);
    });
    expect(seen).toEqual([
      { hook: "telephony.SmsManager.sendTextMessage", own: false, category: "sms", args: ["mask:+8********8000", "", `len:${text.length}`], ret: null },
      { hook: "telephony.SmsManager.sendDataMessage", own: false, category: "sms", args: ["mask:*****", "", "8080", "len:3"], ret: null },
    ]);
    expect(JSON.stringify(seen)).not.toContain("482913");
  });

  it("records SystemProperties.get for the serial and IMEI keys only, results unchanged", async () => {
    const { rt } = start();
    const get = (args: string[]): unknown => rt.call("android.os.SystemProperties", "get", args.map(() => "java.lang.String"), args, APP_STACK);
    expect(get(["ro.serialno"])).toBe(SERIAL);
    expect(get(["persist.radio.imei1"])).toBe(IMEI);
    expect(get(["ro.boot.serialno", ""])).toBe(SERIAL);
    expect(get(["ro.build.version.sdk"])).toBe("31");
    expect(get(["ro.product.model", "x"])).toBe("x");
    await rt.settle();
    const seen = calls(rt);
    expect(seen.map((c) => [c.hook, c.category, c.args?.[0]])).toEqual([
      ["telephony.SystemProperties.get", "phone_identifiers", "ro.serialno"],
      ["telephony.SystemProperties.get", "phone_identifiers", "persist.radio.imei1"],
      ["telephony.SystemProperties.get", "phone_identifiers", "ro.boot.serialno"],
    ]);
    for (const c of seen) expect(c.ret).toMatch(/^hash:[0-9a-f]{12}$/);
    expect(JSON.stringify(rt.messages)).not.toContain(SERIAL);
  });

  it("classifies commands that read personal data and drops the others, never sending the command line", async () => {
    const seen = await recorded((rt) => {
      expect(exec(rt, ["getprop", "ro.serialno"])).toBe(proc);
      exec(rt, ["/system/bin/sh", "-c", "cat /sys/class/net/wlan0/address"]);
      exec(rt, ["pm", "list", "packages", "-3"]);
      exec(rt, ["settings", "get", "--user", "0", "secure", "android_id"]);
      exec(rt, ["content", "query", "--uri", "content://com.android.contacts/contacts/7"]);
      exec(rt, ["toybox", "ps", "-A"]);
      exec(rt, ["sh", "-c", `getprop ro.serialno | grep ${IMEI}`]);
      exec(rt, ["getprop"]);
      // Not personal data: not recorded.
      exec(rt, ["ls", "/sdcard"]);
      exec(rt, ["getprop", "ro.build.version.sdk"]);
      exec(rt, ["sh", "-c", `echo ${IMEI} > /sdcard/x`]);
      exec(rt, ["content", "query", "--uri", `content://${APP}.provider/items`]);
    });
    expect(seen.map((c) => [c.category, c.args?.[0]])).toEqual([
      ["phone_identifiers", "cmd:getprop rule:getprop-serial words:1 len:11"],
      ["network_identifiers", "cmd:sh rule:read-mac-file words:2 len:35"],
      ["installed_apps", "cmd:pm rule:pm-list-packages words:3 len:16"],
      ["device_identifiers", `cmd:settings rule:settings-android_id words:5 len:${"get --user 0 secure android_id".length}`],
      ["contacts", `cmd:content rule:content words:3 len:${"query --uri content://com.android.contacts/contacts/7".length}`],
      ["running_apps", "cmd:toybox rule:ps words:2 len:5"],
      ["phone_identifiers", `cmd:sh rule:getprop-serial words:2 len:${`-c getprop ro.serialno | grep ${IMEI}`.length}`],
      ["phone_identifiers", "cmd:getprop rule:getprop-all words:0 len:0"],
    ]);
    expect(new Set(seen.map((c) => c.hook))).toEqual(new Set(["exec.ProcessBuilder.start"]));
    expect(JSON.stringify(seen)).not.toContain(IMEI);
  });

  it("records vendor OAID reads, original and relocated proxies, hashed", async () => {
    const seen = await recorded((rt) => {
      expect(rt.call("com.samsung.android.deviceidservice.IDeviceIdService$Stub$Proxy", "getOAID", [], [], APP_STACK)).toBe(OAID);
      rt.call("repeackage.com.samsung.android.deviceidservice.IDeviceIdService$Stub$Proxy", "getOAID", [], [], APP_STACK);
      rt.call("com.coolpad.deviceidsupport.IDeviceIdManager$Stub$Proxy", "getIMEI", ["java.lang.String"], [APP], APP_STACK);
      rt.call("com.android.id.impl.IdProviderImpl", "getOAID", ["android.content.Context"], [{ $className: "android.app.Application" }], APP_STACK);
      rt.call("android.content.ContentProviderClient", "call", ["java.lang.String", "java.lang.String", "android.os.Bundle"], ["getOAID", null, null], APP_STACK);
      rt.call("android.content.ContentProviderClient", "call", ["java.lang.String", "java.lang.String", "android.os.Bundle"], ["sync", null, null], APP_STACK);
    });
    expect(seen.map((c) => [c.hook, c.category])).toEqual([
      ["ids.Proxy.getOAID.samsung", "device_identifiers"],
      ["ids.Proxy.getOAID.samsung_repackaged", "device_identifiers"],
      ["ids.Proxy.getIMEI.coolpad", "phone_identifiers"],
      ["ids.IdProviderImpl.getOAID", "device_identifiers"],
      ["ids.ContentProviderClient.call.oaid", "device_identifiers"],
    ]);
    expect(seen[2]!.args).toEqual([APP]);
    for (const c of seen.slice(0, 4)) expect(c.ret).toMatch(/^hash:/);
    expect(JSON.stringify(seen)).not.toContain(OAID);
  });

  it("records vivo's and Meizu's OAID providers as device identifiers", async () => {
    const seen = await recorded((rt) => {
      for (const uri of ["content://com.vivo.vms.IdProvider/IdentifierId/OAID", "content://com.meizu.flyme.openidsdk/"]) {
        rt.call("android.content.ContentResolver", "query", ["android.net.Uri", "[Ljava.lang.String;", "java.lang.String", "[Ljava.lang.String;", "java.lang.String"], [{ toString: () => uri }, null, null, null, null], APP_STACK);
      }
    });
    expect(seen.map((c) => [c.category, c.args?.[0]])).toEqual([
      ["device_identifiers", "content://com.vivo.vms.IdProvider/IdentifierId/OAID"],
      ["device_identifiers", "content://com.meizu.flyme.openidsdk/"],
    ]);
  });

  it("records fused location results, HMS clients, Bluetooth and network identifiers, intent scans", async () => {
    const seen = await recorded((rt) => {
      rt.call("com.google.android.gms.location.LocationResult", "getLastLocation", [], [], APP_STACK);
      rt.call("com.google.android.gms.location.LocationResult", "getLocations", [], [], APP_STACK);
      rt.call("com.huawei.hms.location.FusedLocationProviderClient", "getLastLocation", [], [], APP_STACK);
      expect(rt.call("android.bluetooth.BluetoothDevice", "getAddress", [], [], APP_STACK)).toBe(MAC);
      // The framework's own bookkeeping is no read: BluetoothDevice.equals() calls getAddress() on every
      // collection lookup (AOSP); that call still runs, unrecorded.
      const EQUALS = [{ className: "android.bluetooth.BluetoothDevice", methodName: "equals" }, { className: "java.util.HashMap", methodName: "get" }, ...APP_STACK];
      expect(rt.call("android.bluetooth.BluetoothDevice", "getAddress", [], [], EQUALS)).toBe(MAC);
      rt.call("android.net.NetworkInfo", "getExtraInfo", [], [], APP_STACK);
      rt.call("android.app.admin.DevicePolicyManager", "getWifiMacAddress", ["android.content.ComponentName"], [null], APP_STACK);
      rt.call("android.app.ApplicationPackageManager", "queryIntentActivityOptions", ["android.content.ComponentName", "[Landroid.content.Intent;", "android.content.Intent", "int"], [null, [{}, {}], null, 0], APP_STACK);
    });
    expect(seen.map((c) => [c.hook, c.category, c.ret?.replace(/^hash:.*/, "hash")])).toEqual([
      ["location.LocationResult.getLastLocation", "location", "type:android.location.Location"],
      ["location.LocationResult.getLocations", "location", "len:2"],
      ["location.FusedLocationProviderClient.getLastLocation.hms", "location", "type:com.huawei.hmf.tasks.Task"],
      ["bluetooth.BluetoothDevice.getAddress", "bluetooth", "hash"],
      ["net.NetworkInfo.getExtraInfo", "network_identifiers", "hash"],
      ["net.DevicePolicyManager.getWifiMacAddress", "network_identifiers", "hash"],
      ["apps.PackageManager.queryIntentActivityOptions", "installed_apps", "len:3"],
    ]);
    expect(seen[6]!.args).toEqual(["", "len:2", "null", "0"]);
    expect(JSON.stringify(seen)).not.toContain(MAC);
  });

  it("marks a component lookup of the app's own ComponentName as own, another app's not", async () => {
    const component = (pkg: string) => ({ $className: "android.content.ComponentName", getPackageName: () => pkg, toString: () => `ComponentInfo{${pkg}/${pkg}.Main}` });
    const seen = await recorded((rt) => {
      for (const pkg of [APP, "com.other.app"]) rt.call("android.app.ApplicationPackageManager", "getActivityInfo", ["android.content.ComponentName", "int"], [component(pkg), 0], APP_STACK);
    });
    expect(seen.map((c) => [c.hook, c.category, c.own])).toEqual([
      ["apps.PackageManager.getActivityInfo", "installed_apps", true],
      ["apps.PackageManager.getActivityInfo", "installed_apps", false],
    ]);
  });
});

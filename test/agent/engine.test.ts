import { existsSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { CallTuple, CoverageRow } from "../../agent/protocol.js";
import { CALL, CALL_FLAGS } from "../../agent/protocol.js";
import { CATEGORY_IDS } from "../../reports/trace/categories.js";
import { AMAP, android, ANDROID_ID, APP_STACK, IMEI, JavaException, UMENG_STACK, type AndroidState } from "../support/android-fixture.js";
import { BUNDLE, loadAgent, type Runtime } from "../../runner/sandbox/runtime.js";

// These tests run the compiled bundle (dist/agent/permtrace-agent.js, built by `npm test`
// before vitest runs) in a vm context against the Frida-runtime stand-in.

const APP = "com.example.app";
const TM = "android.telephony.TelephonyManager";

function start(config: Record<string, unknown> = {}, state: Partial<AndroidState> = {}) {
  const s: AndroidState = { imeiDenied: false, clipboardText: "secret code 482913", ...state };
  const rt = loadAgent(android(s));
  const coverage = rt.rpc.init({ appPackage: APP, salt: "test-salt", ...config });
  return { rt, coverage, state: s };
}

/** Every call sent so far, decoded: hook ids, categories and strings resolved. */
function calls(rt: Runtime) {
  const strings: string[] = [];
  const coverage = rt.messages.filter((m) => m.type === "coverage").pop() as { hooks: readonly CoverageRow[] };
  const out: { tuple: CallTuple; hook: string; category: string; flags: number; stack: number; ret: string | null; exc: string | null; args: string[] | null }[] = [];
  for (const b of rt.batches()) {
    strings.push(...b.strings);
    for (const c of b.calls) {
      const at = (i: number, d: unknown) => (c.length > i ? c[i] : d);
      const ret = at(CALL.ret, -1) as number;
      const exc = at(CALL.exc, -1) as number;
      const args = at(CALL.args, null) as number[] | null;
      out.push({
        tuple: c,
        hook: coverage.hooks[c[CALL.hook] as number]![0],
        category: CATEGORY_IDS[c[CALL.category] as number]!,
        flags: c[CALL.flags] as number,
        stack: c[CALL.stack] as number,
        ret: ret >= 0 ? strings[ret]! : null,
        exc: exc >= 0 ? strings[exc]! : null,
        args: args ? args.map((i) => strings[i]!) : null,
      });
    }
  }
  return out;
}

function status(coverage: readonly CoverageRow[], id: string): string | undefined {
  return coverage.find((r) => r[0] === id)?.[1];
}

describe("agent engine on the stand-in", () => {
  it("the bundle is built", () => {
    expect(existsSync(BUNDLE), "run `npm run build` (npm test does)").toBe(true);
  });

  it("says hello and sends a coverage manifest: hooked, absent on this device, pending SDK classes", () => {
    const { rt, coverage } = start();
    const hello = rt.messages.find((m) => m.type === "hello");
    expect(hello).toMatchObject({ type: "hello", protocol: 1, pid: 4242, apiLevel: 31 });
    expect(status(coverage, "telephony.TelephonyManager.getImei")).toBe("hooked");
    expect(status(coverage, "clipboard.ClipboardManager.getPrimaryClip")).toBe("hooked");
    // A platform class the stand-in device lacks is absent, with the reason.
    const absent = coverage.find((r) => r[1] === "absent" && r[0].startsWith("accounts."));
    expect(absent?.[2]).toMatch(/not on this device|no method/);
    // An SDK class not loaded yet waits for its class loader.
    expect(coverage.filter((r) => r[0].startsWith("location.AMapLocationClient")).map((r) => r[1])).toContain("pending");
    expect(coverage.filter((r) => r[0].startsWith("native.")).map((r) => r[1])).toEqual(expect.arrayContaining(["hooked"]));
  });

  it("never changes results: returns what the original returns and records it redacted", async () => {
    const { rt } = start();
    expect(rt.call(TM, "getImei", [], [], APP_STACK)).toBe(IMEI);
    expect(rt.call(TM, "getImei", ["int"], [1], APP_STACK)).toBe(IMEI);
    await rt.settle();
    const c = calls(rt).filter((x) => x.hook === "telephony.TelephonyManager.getImei");
    expect(c).toHaveLength(2);
    expect(c[0]!.category).toBe("phone_identifiers");
    expect(c[0]!.ret).toMatch(/^hash:[0-9a-f]{12}$/);
    expect(c[0]!.flags & CALL_FLAGS.pending).toBe(0);
    expect(JSON.stringify(rt.messages)).not.toContain(IMEI);
  });

  it("rethrows the original exception unchanged and records the attempt with its class", async () => {
    const { rt } = start({}, { imeiDenied: true });
    let thrown: unknown;
    try {
      rt.call(TM, "getImei", [], [], UMENG_STACK);
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(JavaException);
    expect((thrown as JavaException).$className).toBe("java.lang.SecurityException");
    await rt.settle();
    const c = calls(rt).find((x) => x.hook === "telephony.TelephonyManager.getImei")!;
    expect(c.flags & CALL_FLAGS.threw).toBe(CALL_FLAGS.threw);
    expect(c.exc).toBe("java.lang.SecurityException");
  });

  it("records the attempt before the original runs: a call in flight is already queued", async () => {
    const { rt, state } = start();
    let seenDuringCall = -1;
    const tm = rt.java.get(TM).overload("getImei", []);
    const original = tm.apply.bind(tm);
    tm.apply = (self: unknown, args: unknown[]) => {
      seenDuringCall = (rt.rpc.status() as { pending: number }).pending;
      return original(self, args);
    };
    rt.call(TM, "getImei", [], [], APP_STACK);
    expect(seenDuringCall).toBe(1);
    expect(state.imeiDenied).toBe(false);
  });

  it("passes arguments through and records the argument predicate's calls only (android_id)", async () => {
    const { rt } = start();
    const S = "android.provider.Settings$Secure";
    const P = ["android.content.ContentResolver", "java.lang.String"];
    expect(rt.call(S, "getString", P, [{}, "android_id"], APP_STACK)).toBe(ANDROID_ID);
    expect(rt.call(S, "getString", P, [{}, "adb_enabled"], APP_STACK)).toBe("1");
    await rt.settle();
    const c = calls(rt).filter((x) => x.hook.startsWith("settings.Secure.getString"));
    expect(c.map((x) => x.hook)).toEqual(["settings.Secure.getString.android_id"]);
    expect(c[0]!.category).toBe("device_identifiers");
  });

  it("interns stacks: sent once, referenced after, the hooked method itself left out", async () => {
    const { rt } = start();
    for (let i = 0; i < 3; i++) rt.call(TM, "getImei", [], [], UMENG_STACK);
    rt.call(TM, "getImei", [], [], APP_STACK);
    await rt.settle();
    const stacks = rt.batches().flatMap((b) => b.stacks);
    const c = calls(rt);
    expect(new Set(c.map((x) => x.stack)).size).toBe(2);
    expect(stacks).toHaveLength(2);
    const umeng = stacks.find((s) => s[1][0]?.[0] === "com.umeng.commonsdk.internal.utils.a")!;
    expect(umeng[1].map((f) => f[0])).toEqual(UMENG_STACK.map((f) => f.className));
  });

  it("marks the app's own package info as own, another app's not", async () => {
    const { rt } = start();
    const PM = "android.app.ApplicationPackageManager";
    rt.call(PM, "getPackageInfo", ["java.lang.String", "int"], [APP, 0], APP_STACK);
    rt.call(PM, "getPackageInfo", ["java.lang.String", "int"], ["com.tencent.mm", 0], APP_STACK);
    await rt.settle();
    const c = calls(rt).filter((x) => x.hook === "apps.PackageManager.getPackageInfo");
    expect(c.map((x) => (x.flags & CALL_FLAGS.own) !== 0)).toEqual([true, false]);
    expect(c[1]!.args?.[0]).toBe("com.tencent.mm");
  });

  it("keeps the agent's own Java calls out of the record (reentrancy guard)", async () => {
    const { rt } = start();
    // A URI whose toString() reads the clipboard: the agent calls it while summarising.
    const uri = { toString: () => (rt.call("android.content.ClipboardManager", "getPrimaryClip", [], [], APP_STACK), "content://com.android.contacts/contacts/42") };
    const CR = "android.content.ContentResolver";
    rt.call(CR, "query", ["android.net.Uri", "[Ljava.lang.String;", "java.lang.String", "[Ljava.lang.String;", "java.lang.String"], [uri, null, null, null, null], APP_STACK);
    await rt.settle();
    const c = calls(rt);
    expect(c.map((x) => x.category)).toEqual(["contacts"]);
    expect(c[0]!.args?.[0]).toBe("content://com.android.contacts/contacts/#");
  });

  it("an error inside a hook body never reaches the app: it becomes an agent-error", async () => {
    const { rt } = start();
    const broken = { getType: () => { throw new Error("boom"); } };
    const r = rt.call("android.hardware.SensorManager", "registerListener", ["android.hardware.SensorEventListener", "android.hardware.Sensor", "int"], [{}, broken, 3], APP_STACK);
    expect(r).toBe(true);
    expect(rt.messages.some((m) => m.type === "agent-error" && /boom/.test(m.message))).toBe(true);
  });

  it("batches by size and by timer, and flushes on request", async () => {
    const { rt } = start({ batchSize: 100, flushMs: 30 });
    for (let i = 0; i < 250; i++) rt.call(TM, "getNetworkOperatorName", [], [], APP_STACK);
    expect(rt.batches()).toHaveLength(2);
    expect(rt.rpc.flush()).toBe(50);
    rt.call(TM, "getNetworkOperatorName", [], [], APP_STACK);
    expect(rt.batches()).toHaveLength(3);
    await rt.settle(60);
    expect(rt.batches()).toHaveLength(4);
    expect(calls(rt)).toHaveLength(251);
  });

  it("samples hot hooks while keeping counts exact", async () => {
    const { rt } = start({ sampling: { threshold: 10, keepEvery: 5 } });
    for (let i = 0; i < 100; i++) rt.call(TM, "getNetworkOperatorName", [], [], APP_STACK);
    rt.rpc.flush();
    const full = calls(rt).length;
    const sampled = rt.batches().flatMap((b) => b.sampled).reduce((n, [, k]) => n + k, 0);
    expect(full + sampled).toBe(100);
    expect(full).toBeLessThan(40);
    expect(rt.rpc.status()).toMatchObject({ calls: full, sampled });
  });

  it("hooks an SDK's classes when their class loader appears later", async () => {
    const { rt } = start();
    rt.java.newLoader("sdk-dex", [AMAP]);
    // The retry runs after the loader's constructor has returned.
    await rt.settle(10);
    const coverage = (rt.messages.filter((m) => m.type === "coverage").pop() as { hooks: readonly CoverageRow[] }).hooks;
    expect(coverage.filter((r) => r[0].startsWith("location.AMapLocationClient")).map((r) => r[1])).toContain("hooked");
    rt.java.get(AMAP.name, "sdk-dex").overload("getLastKnownLocation", []).invoke({}, []);
    await rt.settle();
    expect(calls(rt).map((c) => c.hook)).toContain("location.AMapLocationClient.getLastKnownLocation");
  });

  it("tags calls with the process's foreground state and reports lifecycle and permission results", async () => {
    const { rt } = start();
    rt.call(TM, "getImei", [], [], APP_STACK);
    rt.call("android.app.Activity", "onStart", [], [], []);
    rt.call(TM, "getImei", [], [], APP_STACK);
    rt.call("android.app.Activity", "onStop", [], [], []);
    rt.call(TM, "getImei", [], [], APP_STACK);
    rt.call("android.app.Activity", "onRequestPermissionsResult", ["int", "[Ljava.lang.String;", "[I"], [1, ["android.permission.CAMERA", "android.permission.READ_CONTACTS"], [0, -1]], []);
    await rt.settle();
    const fg = calls(rt)
      .filter((c) => c.hook === "telephony.TelephonyManager.getImei")
      .map((c) => ((c.flags & CALL_FLAGS.fgKnown) === 0 ? null : (c.flags & CALL_FLAGS.fg) !== 0));
    expect(fg).toEqual([null, true, false]);
    const life = rt.batches().flatMap((b) => b.lifecycle);
    expect(life.map((l) => l[1])).toEqual(["foreground", "background", "permission_result"]);
    expect(life[2]![2]).toEqual({ permissions: ["android.permission.CAMERA", "android.permission.READ_CONTACTS"], granted: [true, false] });
  });
});

describe("nested hooked calls", () => {
  it("records one event when a hooked overload calls another of the same class", async () => {
    const s: AndroidState = { imeiDenied: false, clipboardText: "" };
    const classes = android(s);
    const rt = loadAgent(classes);
    // getImei() delegates to getImei(int), as the platform does.
    const tm = rt.java.get(TM);
    const inner = tm.overload("getImei", ["int"]);
    const outer = tm.overload("getImei", []);
    const outerOriginal = outer.apply.bind(outer);
    outer.apply = (self: unknown, args: unknown[]) => {
      outerOriginal(self, args);
      return inner.invoke(self, [0]);
    };
    rt.rpc.init({ appPackage: APP, salt: "s" });
    expect(rt.call(TM, "getImei", [], [], APP_STACK)).toBe(IMEI);
    await rt.settle();
    expect(calls(rt).filter((c) => c.hook === "telephony.TelephonyManager.getImei")).toHaveLength(1);
    expect(inner.calls).toBe(1);
  });
});

describe("overloads and API levels", () => {
  it("hooks exactly the overloads an entry lists, and leaves the others to the app", async () => {
    const { rt, coverage } = start();
    expect(status(coverage, "telephony.TelephonyManager.getSubscriberId")).toBe("hooked");
    const tm = rt.java.get(TM);
    expect(tm.overload("getSubscriberId", []).implementation).not.toBeNull();
    expect(tm.overload("getSubscriberId", ["int"]).implementation).toBeNull();
  });

  it("marks entries outside the device's API level absent, with the range", () => {
    const { rt, coverage } = start();
    const row = coverage.find((r) => r[0] === "telephony.TelephonyManager.getPrimaryImei")!;
    expect(row[1]).toBe("absent");
    expect(row[2]).toMatch(/API 31 outside 34/);
    expect(rt.java.get(TM).overload("getPrimaryImei", []).implementation).toBeNull();
  });
});

describe("screen state", () => {
  it("reports the screen going off when the foreground activity pauses for it, and on at the next resume", async () => {
    const { rt, state } = start();
    rt.call("android.app.Activity", "onStart", [], [], []);
    state.screenOn = false;
    rt.call("android.app.Activity", "onStop", [], [], []);
    state.screenOn = true;
    rt.call("android.app.Activity", "onStart", [], [], []);
    await rt.settle();
    expect(rt.batches().flatMap((b) => b.lifecycle).map((l) => l[1])).toEqual(["foreground", "background", "screen_off", "screen_on", "foreground"]);
  });
});

describe("review regressions", () => {
  it("an activity opening another is not a trip to the background", async () => {
    const { rt } = start();
    rt.call("android.app.Activity", "onStart", [], [], []);
    rt.call("android.app.Activity", "onStart", [], [], []);
    rt.call("android.app.Activity", "onStop", [], [], []);
    rt.call(TM, "getImei", [], [], APP_STACK);
    await rt.settle();
    expect(rt.batches().flatMap((b) => b.lifecycle).map((l) => l[1])).toEqual(["foreground"]);
    const c = calls(rt).find((x) => x.hook === "telephony.TelephonyManager.getImei")!;
    expect(c.flags & CALL_FLAGS.fg).toBe(CALL_FLAGS.fg);
  });

  it("a sampled call still counts as in progress: its inner overload is not counted again", () => {
    const s: AndroidState = { imeiDenied: false, clipboardText: "" };
    const rt = loadAgent(android(s));
    const tm = rt.java.get(TM);
    const inner = tm.overload("getImei", ["int"]);
    const outer = tm.overload("getImei", []);
    const original = outer.apply.bind(outer);
    outer.apply = (self: unknown, args: unknown[]) => {
      original(self, args);
      return inner.invoke(self, [0]);
    };
    rt.rpc.init({ appPackage: APP, salt: "s", sampling: { threshold: 2, keepEvery: 1000 } });
    for (let i = 0; i < 10; i++) rt.call(TM, "getImei", [], [], APP_STACK);
    rt.rpc.flush();
    const full = calls(rt).filter((c) => c.hook === "telephony.TelephonyManager.getImei").length;
    const sampled = rt.batches().flatMap((b) => b.sampled).reduce((n, [, k]) => n + k, 0);
    expect(full + sampled).toBe(10);
  });

  it("interfaces are reported absent, not hooked", () => {
    const rt = loadAgent([...android({ imeiDenied: false, clipboardText: "" }), { name: "com.google.android.gms.location.FusedLocationProviderClient", methods: [{ name: "getLastLocation", params: [] }], isInterface: true }]);
    const coverage = rt.rpc.init({ appPackage: APP, salt: "s" });
    const rows = coverage.filter((r) => r[0].includes("FusedLocationProviderClient"));
    expect(rows.length).toBeGreaterThan(0);
    for (const r of rows) expect(r[1]).not.toBe("hooked");
    expect(rows.some((r) => /interface/.test(r[2] ?? ""))).toBe(true);
  });

  it("sends a thrown call at once, without waiting for the timer", () => {
    const { rt } = start({ flushMs: 10_000 }, { imeiDenied: true });
    expect(() => rt.call(TM, "getImei", [], [], APP_STACK)).toThrow();
    expect(calls(rt).map((c) => c.exc)).toEqual(["java.lang.SecurityException"]);
  });
});

describe("permission results through the dispatch method", () => {
  it("reads grants from the result Intent once, even when onRequestPermissionsResult runs inside", async () => {
    const { rt } = start();
    const A = "android.app.Activity";
    const activity = rt.java.get(A);
    const onResult = activity.overload("onRequestPermissionsResult", ["int", "[Ljava.lang.String;", "[I"]);
    const dispatch = activity.overload("dispatchRequestPermissionsResult", ["int", "android.content.Intent"]);
    const original = dispatch.apply.bind(dispatch);
    dispatch.apply = (self: unknown, args: unknown[]) => {
      original(self, args);
      // The platform calls onRequestPermissionsResult from inside the dispatch.
      return onResult.invoke(self, [1, ["android.permission.CAMERA"], [0]]);
    };
    const intent = {
      getStringArrayExtra: () => ["android.permission.CAMERA"],
      getIntArrayExtra: () => [0],
    };
    rt.call(A, "dispatchRequestPermissionsResult", ["int", "android.content.Intent"], [1, intent], []);
    await rt.settle();
    const results = rt.batches().flatMap((b) => b.lifecycle).filter((l) => l[1] === "permission_result");
    expect(results).toEqual([[expect.any(Number), "permission_result", { permissions: ["android.permission.CAMERA"], granted: [true] }]]);
  });
});

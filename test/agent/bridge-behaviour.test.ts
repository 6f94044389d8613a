import { describe, expect, it } from "vitest";
import type { AgentMessage, CoverageRow } from "../../agent/protocol.js";
import { CALL } from "../../agent/protocol.js";
import type { ClassSpec, FrameSpec } from "../../runner/sandbox/java.js";
import { loadAgent, type Runtime, type Timers } from "../../runner/sandbox/runtime.js";
import { AMAP, android, APP_STACK, UMENG_STACK, type AndroidState } from "../support/android-fixture.js";

// The agent against the parts of frida-java-bridge 7.0.13 it depends on, as the stand-in
// (runner/sandbox/java.ts) models them from the bridge's sources: `perform` queued in an app
// process, `backtrace()` that can throw and builds its frames when read, members that throw
// `No supported overloads`. Each test here failed on the agent before it was corrected.

const APP = "com.example.app";
const TM = "android.telephony.TelephonyManager";

/** Timers the test runs by hand: the agent's JavaScript thread, beside the app's main thread. */
function manualTimers(): Timers & { runDue(): void } {
  let queue: { id: number; fn: () => void }[] = [];
  let next = 1;
  return {
    setTimeout: (fn, _ms, ...a) => {
      const id = next++;
      queue.push({ id, fn: () => fn(...a) });
      return id;
    },
    clearTimeout: (id) => void (queue = queue.filter((t) => t.id !== id)),
    setInterval: () => 0,
    clearInterval: () => undefined,
    runDue() {
      const due = queue;
      queue = [];
      for (const t of due) t.fn();
    },
  };
}

function start(extra: readonly ClassSpec[] = [], opts: { timers?: Timers; state?: Partial<AndroidState>; config?: Record<string, unknown> } = {}) {
  const rt = loadAgent([...android({ imeiDenied: false, clipboardText: "x", ...opts.state }), ...extra], opts.timers ? { timers: opts.timers } : {});
  const coverage = rt.rpc.init({ appPackage: APP, salt: "s", ...opts.config });
  return { rt, coverage };
}

function lastCoverage(rt: Runtime): readonly CoverageRow[] {
  return (rt.messages.filter((m) => m.type === "coverage").pop() as { hooks: readonly CoverageRow[] }).hooks;
}

function status(rows: readonly CoverageRow[], id: string): CoverageRow | undefined {
  return rows.find((r) => r[0] === id);
}

/** Hook ids of the calls sent so far. */
function hooksCalled(rt: Runtime): string[] {
  const rows = lastCoverage(rt);
  return rt.batches().flatMap((b) => b.calls.map((c) => rows[c[CALL.hook] as number]![0]));
}

function stacksSent(rt: Runtime) {
  return rt.batches().flatMap((b) => b.stacks);
}

describe("the agent against frida-java-bridge's real behaviour (stand-in)", () => {
  it("hooks SDK classes of the app's own class loader while handleBindApplication runs, without Java.perform's queue", () => {
    const timers = manualTimers();
    const { rt, coverage } = start([], { timers });
    expect(status(coverage, "location.AMapLocationClient.getLastKnownLocation")?.[1]).toBe("pending");
    // The app's PathClassLoader is created inside handleBindApplication; the agent's JavaScript
    // thread runs its timers meanwhile. A retry through Java.perform would queue behind hooks
    // that have already run, and stay queued.
    rt.java.bindApplication([AMAP], () => timers.runDue());
    timers.runDue();
    expect(status(lastCoverage(rt), "location.AMapLocationClient.getLastKnownLocation")?.[1]).toBe("hooked");
    rt.call(AMAP.name, "getLastKnownLocation", [], [], APP_STACK);
    rt.rpc.flush();
    expect(hooksCalled(rt)).toContain("location.AMapLocationClient.getLastKnownLocation");
    // Nothing was left waiting on the bridge's queue.
    expect(rt.java.stats.performQueued).toBe(0);
  });

  it("looks at each new class loader once (its constructors chain), and enumerates loaders once at start-up", () => {
    const { rt } = start();
    expect(rt.java.stats.loaderScans).toBe(1);
    rt.java.newLoader("plugin-1", []);
    rt.java.newLoader("plugin-2", [AMAP]);
    // A factory (kept for good by the bridge's cache, so a global reference) only for the loader
    // that has a pending class, once, although three constructors ran for it.
    expect(rt.java.stats.retains).toBe(1);
    expect(rt.java.stats.loaderScans).toBe(1);
    expect(status(lastCoverage(rt), "location.AMapLocationClient.getLastKnownLocation")?.[1]).toBe("hooked");
  });

  it("looks at a loader made inside another loader's constructor when its own constructors return", () => {
    const { rt } = start();
    // A packer's loader whose constructor makes the loader that holds the SDK.
    const base = rt.java.get("dalvik.system.BaseDexClassLoader").overloads.get("$init")![1]!;
    const body = base.original;
    base.original = () => {
      base.original = body;
      rt.java.newLoader("inner", [AMAP]);
    };
    rt.java.newLoader("outer", []);
    expect(status(lastCoverage(rt), "location.AMapLocationClient.getLastKnownLocation")?.[1]).toBe("hooked");
  });

  it("rescans with the Application's class loader after Application.attach", () => {
    const { rt } = start();
    // A loader the constructor hook never saw (made before the agent, or natively): only attach finds it.
    rt.java.define(AMAP, "app");
    rt.java.bindApplication([]);
    expect(status(lastCoverage(rt), "location.AMapLocationClient.getLastKnownLocation")?.[1]).toBe("hooked");
  });

  it("one entry whose members cannot be built fails alone: every later entry and the lifecycle hooks are installed", () => {
    const broken: ClassSpec = { name: "android.location.LocationManager", methods: [{ name: "getLastKnownLocation", params: ["java.lang.String"], unsupported: true }] };
    const rt = loadAgent([...android({ imeiDenied: false, clipboardText: "x" }).filter((c) => c.name !== broken.name), broken]);
    const coverage = rt.rpc.init({ appPackage: APP, salt: "s" });
    expect(status(coverage, "location.LocationManager.getLastKnownLocation")).toEqual(["location.LocationManager.getLastKnownLocation", "failed", "No supported overloads"]);
    expect(status(coverage, "telephony.TelephonyManager.getImei")?.[1]).toBe("hooked");
    expect(coverage.filter((r) => r[2] === "not installed")).toEqual([]);
    rt.call("android.app.Activity", "onStart", [], [], []);
    rt.call(TM, "getImei", [], [], APP_STACK);
    rt.rpc.flush();
    expect(hooksCalled(rt)).toEqual(["telephony.TelephonyManager.getImei"]);
    expect(rt.batches().flatMap((b) => b.lifecycle).map((l) => l[1])).toEqual(["foreground"]);
  });

  it("a late class with a broken member fails alone; classes already hooked are not hooked twice", () => {
    const { rt } = start();
    const brokenSdk: ClassSpec = { name: "com.baidu.location.LocationClient", methods: [{ name: "getLastKnownLocation", params: [], unsupported: true }] };
    rt.java.newLoader("sdk-1", [brokenSdk, AMAP]);
    rt.java.newLoader("sdk-2", [AMAP]);
    const rows = lastCoverage(rt);
    expect(status(rows, "location.AMapLocationClient.getLastKnownLocation")?.[1]).toBe("hooked");
    const baidu = rows.filter((r) => r[0].startsWith("location.LocationClient"));
    expect(baidu.map((r) => r[1])).toContain("failed");
    rt.java.get(AMAP.name, "sdk-1").overload("getLastKnownLocation", []).invoke({}, []);
    rt.rpc.flush();
    expect(hooksCalled(rt).filter((h) => h === "location.AMapLocationClient.getLastKnownLocation")).toHaveLength(1);
  });

  it("where Java.backtrace() throws, probes it once and records every call with a Throwable's stack, and says so", () => {
    const rt = loadAgent(android({ imeiDenied: false, clipboardText: "x" }));
    rt.java.backtraceError = "Error: unable to find symbol art::StackVisitor::WalkStack";
    rt.rpc.init({ appPackage: APP, salt: "s" });
    for (let i = 0; i < 5; i++) rt.call(TM, "getImei", [], [], UMENG_STACK);
    rt.rpc.flush();
    expect(hooksCalled(rt)).toHaveLength(5);
    expect(rt.java.stats.backtraces).toBe(1);
    const hello = rt.messages.find((m): m is Extract<AgentMessage, { type: "hello" }> => m.type === "hello")!;
    expect(hello.stacks).toBe("throwable");
    expect(hello.stacksNote).toMatch(/WalkStack/);
    const [stack] = stacksSent(rt);
    expect(stack![1].map((f) => `${f[0]}.${f[1]}`)).toEqual(UMENG_STACK.map((f) => `${f.className}.${f.methodName}`));
    expect(rt.messages.filter((m) => m.type === "agent-error")).toEqual([]);
  });

  it("builds a stack's frames once, when it is first interned, and cuts it at the depth limit itself", () => {
    const { rt } = start([], { config: { maxStackDepth: 4 } });
    const deep: FrameSpec[] = Array.from({ length: 12 }, (_, i) => ({ className: `com.example.app.L${i}`, methodName: "m" }));
    for (let i = 0; i < 50; i++) rt.call(TM, "getImei", [], [], deep);
    rt.rpc.flush();
    const hello = rt.messages.find((m): m is Extract<AgentMessage, { type: "hello" }> => m.type === "hello")!;
    expect(hello.stacks).toBe("backtrace");
    // 50 walks (one per call, plus the probe), frames read for the probe and the one new stack.
    expect(rt.java.stats.backtraces).toBe(51);
    expect(rt.java.stats.framesRead).toBe(2);
    const [stack] = stacksSent(rt);
    expect(stack![1].map((f) => f[0])).toEqual(["com.example.app.L0", "com.example.app.L1", "com.example.app.L2", "com.example.app.L3"]);
    expect(stack![2]).toBe(true);
  });

  it("a constructor hook keeps the caller's own constructor frame (an SDK creating an AudioRecord is that SDK's call)", () => {
    const audio: ClassSpec = { name: "android.media.AudioRecord", methods: [{ name: "$init", params: ["int", "int", "int", "int", "int"] }] };
    const { rt } = start([audio]);
    const callers: FrameSpec[] = [
      { className: "com.iflytek.cloud.record.PcmRecorder", methodName: "<init>" },
      { className: "com.iflytek.cloud.SpeechRecognizer", methodName: "startListening" },
      ...APP_STACK,
    ];
    rt.call(audio.name, "$init", ["int", "int", "int", "int", "int"], [1, 16000, 16, 2, 4096], callers);
    rt.rpc.flush();
    expect(hooksCalled(rt)).toEqual(["mic.AudioRecord.$init"]);
    expect(stacksSent(rt)[0]![1][0]!.slice(0, 2)).toEqual(["com.iflytek.cloud.record.PcmRecorder", "<init>"]);
  });

  it("sends what is buffered when an uncaught exception is dispatched or the app kills its own process", () => {
    const crash: ClassSpec[] = [
      { name: "java.lang.Thread", methods: [{ name: "dispatchUncaughtException", params: ["java.lang.Throwable"] }] },
      { name: "android.os.Process", methods: [{ name: "killProcess", params: ["int"] }] },
    ];
    const timers = manualTimers();
    const { rt } = start(crash, { timers });
    rt.call(TM, "getImei", [], [], APP_STACK);
    expect(rt.batches()).toHaveLength(0);
    rt.call("java.lang.Thread", "dispatchUncaughtException", ["java.lang.Throwable"], [{ $className: "java.lang.RuntimeException" }], []);
    expect(hooksCalled(rt)).toEqual(["telephony.TelephonyManager.getImei"]);
    rt.call(TM, "getNetworkOperatorName", [], [], APP_STACK);
    rt.call("android.os.Process", "killProcess", ["int"], [4242], APP_STACK);
    expect(hooksCalled(rt)).toEqual(["telephony.TelephonyManager.getImei", "telephony.TelephonyManager.getNetworkOperatorName"]);
  });

  it("in a process without a Java VM, the Java hooks are absent (no error) and the native ones installed", () => {
    const rt = loadAgent([]);
    rt.java.vm = false;
    const coverage = rt.rpc.init({ appPackage: APP, salt: "s" });
    expect(status(coverage, "telephony.TelephonyManager.getImei")).toEqual(["telephony.TelephonyManager.getImei", "absent", "no Java runtime in this process"]);
    expect(coverage.filter((r) => r[0].startsWith("native.")).map((r) => r[1])).toContain("hooked");
    expect(rt.messages.filter((m) => m.type === "agent-error")).toEqual([]);
  });

  it("every call's hook carries the permission that guards it (the coverage message), for the trace's perm field", () => {
    const { rt } = start();
    const cov = rt.messages.filter((m): m is Extract<AgentMessage, { type: "coverage" }> => m.type === "coverage").pop()!;
    const at = cov.hooks.findIndex((r) => r[0] === "telephony.TelephonyManager.getImei");
    expect(cov.permissions?.[at]).toMatch(/^android\.permission\.READ_(PRIVILEGED_)?PHONE_STATE$/);
    const native = cov.hooks.findIndex((r) => r[0].startsWith("native."));
    expect(cov.permissions?.[native]).toBeNull();
  });
});

import { describe, expect, it } from "vitest";
import type { CoverageRow } from "../../agent/protocol.js";
import { CALL } from "../../agent/protocol.js";
import type { ClassSpec } from "../../runner/sandbox/java.js";
import { loadAgent, type LoadOptions, type Runtime } from "../../runner/sandbox/runtime.js";
import { android, APP_STACK } from "../support/android-fixture.js";

// Catalogue entries on an interface (the MSA OAID SDK's IdSupplier) are hooked in the classes
// that implement it, against the stand-in of frida-java-bridge 7.0.13 (runner/sandbox/java.ts):
// a class wrapper resolves members up its superclass chain only and names the declaring class
// the method's holder (lib/class-factory.js); enumerateLoadedClasses and JNI IsAssignableFrom
// (index.js, lib/env.js); a class is loaded when first used; two loaders can each define a class
// of the same name, told apart by their class objects' identity.

const APP = "com.example.app";
const IFACE = "com.bun.miitmdid.interfaces.IdSupplier";
const KNOWN = "com.bun.miitmdid.pojo.IdSupplierImpl";
const HELPER = "com.bun.miitmdid.core.MdidSdkHelper";
const IDS = ["getOAID", "getVAID", "getAAID"] as const;

const iface: ClassSpec = { name: IFACE, isInterface: true, methods: [...IDS, "isSupported"].map((name) => ({ name, params: [] })) };

/** A class implementing IdSupplier, returning `${name}:${method}`. */
function supplier(name: string, more: Partial<ClassSpec> = {}): ClassSpec {
  return { name, implements: [IFACE], methods: IDS.map((m) => ({ name: m, params: [], impl: () => `${name}:${m}` })), ...more };
}

const helper: ClassSpec = { name: HELPER, methods: [{ name: "InitSdk", params: ["android.content.Context", "boolean", "com.bun.miitmdid.interfaces.IIdentifierListener"], impl: () => 0 }] };

function start(boot: readonly ClassSpec[], opts: LoadOptions = {}): { rt: Runtime; coverage: readonly CoverageRow[] } {
  const rt = loadAgent([...android({ imeiDenied: false, clipboardText: "x" }), ...boot], opts);
  return { rt, coverage: rt.rpc.init({ appPackage: APP, salt: "s" }) };
}

function lastCoverage(rt: Runtime): readonly CoverageRow[] {
  return (rt.messages.filter((m) => m.type === "coverage").pop() as { hooks: readonly CoverageRow[] }).hooks;
}

const row = (rows: readonly CoverageRow[], id: string): CoverageRow | undefined => rows.find((r) => r[0] === id);

/** Hook ids of the calls recorded so far, with their return summaries. */
function recorded(rt: Runtime): string[] {
  rt.rpc.flush();
  const rows = lastCoverage(rt);
  return rt.batches().flatMap((b) => b.calls.map((c) => rows[c[CALL.hook] as number]![0]));
}

const readAll = (rt: Runtime, cls: string): unknown[] => IDS.map((m) => rt.call(cls, m, [], [], APP_STACK));

/** The app calls `cls.method()` as the class `loader` defined (rt.call takes the first loader's). */
function callIn(rt: Runtime, loader: string, cls: string, method: string): unknown {
  rt.java.top = { className: cls, methodName: method };
  rt.java.callers = APP_STACK;
  try {
    return rt.java.get(cls, loader).overload(method, []).invoke({ $className: cls }, []);
  } finally {
    rt.java.top = undefined;
    rt.java.callers = [];
  }
}

const INIT = helper.methods[0]!;
const initSdk = (rt: Runtime): unknown => rt.call(HELPER, "InitSdk", INIT.params, [null, false, null], APP_STACK);
const OAID = "ids.IdSupplier.getOAID";

describe("interface entries: hooked in their implementations (stand-in)", () => {
  it("hooks each implementation loaded at start, and records each read once with the implementation's value", () => {
    const { rt, coverage } = start([iface, supplier("com.vendor.a.A"), supplier("com.vendor.b.B")]);
    expect(row(coverage, "ids.IdSupplier.getOAID")).toEqual(["ids.IdSupplier.getOAID", "hooked", `in 2 classes implementing ${IFACE}: com.vendor.a.A, com.vendor.b.B`]);
    expect(readAll(rt, "com.vendor.a.A")).toEqual(["com.vendor.a.A:getOAID", "com.vendor.a.A:getVAID", "com.vendor.a.A:getAAID"]);
    rt.call("com.vendor.b.B", "getOAID", [], [], APP_STACK);
    expect(recorded(rt)).toEqual(["ids.IdSupplier.getOAID", "ids.IdSupplier.getVAID", "ids.IdSupplier.getAAID", "ids.IdSupplier.getOAID"]);
    // One pass over the loaded classes served the three entries on the interface.
    expect(rt.java.stats.classScans).toBe(1);
  });

  it("hooks an inherited method once, where it is declared: two subclasses of an abstract supplier", () => {
    const base = supplier("com.vendor.Base", { isAbstract: true });
    const sub = (name: string): ClassSpec => ({ name, superclass: "com.vendor.Base", methods: [] });
    const { rt, coverage } = start([iface, base, sub("com.vendor.Huawei"), sub("com.vendor.Oppo")]);
    expect(row(coverage, "ids.IdSupplier.getOAID")?.[2]).toBe(`in 1 class implementing ${IFACE}: com.vendor.Base`);
    rt.call("com.vendor.Huawei", "getOAID", [], [], APP_STACK);
    rt.call("com.vendor.Oppo", "getOAID", [], [], APP_STACK);
    expect(recorded(rt)).toEqual(["ids.IdSupplier.getOAID", "ids.IdSupplier.getOAID"]);
  });

  it("says pending while the interface is loaded but nothing implements it, then finds the class a call to InitSdk loaded", () => {
    const lazy = supplier("com.bun.miitmdid.c.e.a", { lazy: true });
    const { rt, coverage } = start([iface, helper, lazy]);
    expect(row(coverage, "ids.IdSupplier.getOAID")).toEqual(["ids.IdSupplier.getOAID", "pending", `interface ${IFACE} loaded; no class implementing it loaded (yet)`]);
    // The SDK loads its vendor supplier inside InitSdk: the pass after InitSdk returns finds it.
    rt.java.load("com.bun.miitmdid.c.e.a");
    rt.call(HELPER, "InitSdk", ["android.content.Context", "boolean", "com.bun.miitmdid.interfaces.IIdentifierListener"], [null, false, null], APP_STACK);
    expect(row(lastCoverage(rt), "ids.IdSupplier.getOAID")?.[1]).toBe("hooked");
    rt.call("com.bun.miitmdid.c.e.a", "getOAID", [], [], APP_STACK);
    expect(recorded(rt)).toEqual(["ids.MdidSdkHelper.InitSdk", "ids.IdSupplier.getOAID"]);
  });

  it("does not see a class loaded later by a loader already looked at until one of the passes: coverage stays pending", () => {
    const { rt, coverage } = start([iface, supplier("com.vendor.Late", { lazy: true })]);
    expect(row(coverage, "ids.IdSupplier.getOAID")?.[1]).toBe("pending");
    rt.java.load("com.vendor.Late");
    rt.call("com.vendor.Late", "getOAID", [], [], APP_STACK);
    expect(recorded(rt)).toEqual([]);
    expect(row(lastCoverage(rt), "ids.IdSupplier.getOAID")?.[1]).toBe("pending");
    // The next class loader is such a pass.
    rt.java.newLoader("plugin", []);
    expect(row(lastCoverage(rt), "ids.IdSupplier.getOAID")?.[2]).toBe(`in 1 class implementing ${IFACE}: com.vendor.Late`);
  });

  it("hooks the SDK's implementation known by name in a new class loader, before the loader has loaded it", () => {
    const { rt, coverage } = start([]);
    expect(row(coverage, "ids.IdSupplier.getOAID")?.[1]).toBe("pending");
    rt.java.newLoader("msa", [iface, supplier(KNOWN, { lazy: true })]);
    expect(row(lastCoverage(rt), "ids.IdSupplier.getAAID")).toEqual(["ids.IdSupplier.getAAID", "hooked", `in 1 class implementing ${IFACE}: ${KNOWN}`]);
    rt.call(KNOWN, "getAAID", [], [], APP_STACK);
    expect(recorded(rt)).toEqual(["ids.IdSupplier.getAAID"]);
    // A class found by name and again by a later pass is hooked once.
    rt.java.newLoader("other", []);
    rt.call(KNOWN, "getAAID", [], [], APP_STACK);
    expect(recorded(rt)).toEqual(["ids.IdSupplier.getAAID", "ids.IdSupplier.getAAID"]);
  });

  it("hooks the older SDK's interface (com.bun.supplier.IdSupplier) in a sub-interface's implementation", () => {
    const old = { ...iface, name: "com.bun.supplier.IdSupplier" };
    const inner: ClassSpec = { name: "com.bun.supplier.InnerIdSupplier", isInterface: true, implements: ["com.bun.supplier.IdSupplier"], methods: [{ name: "getUDID", params: [] }] };
    const impl: ClassSpec = { name: "com.bun.miitmdid.c.d.a", implements: ["com.bun.supplier.InnerIdSupplier"], methods: [{ name: "getOAID", params: [], impl: () => "x" }] };
    const { rt, coverage } = start([old, inner, impl]);
    expect(row(coverage, "ids.IdSupplier.getOAID.legacy")?.[2]).toBe("in 1 class implementing com.bun.supplier.IdSupplier: com.bun.miitmdid.c.d.a");
    rt.call("com.bun.miitmdid.c.d.a", "getOAID", [], [], APP_STACK);
    expect(recorded(rt)).toEqual(["ids.IdSupplier.getOAID.legacy"]);
  });

  it("hooks the MSA 1.0.2x interface (com.bun.miitmdid.supplier.IdSupplier) in a vendor class made inside InitSdk", () => {
    const v2 = { ...iface, name: "com.bun.miitmdid.supplier.IdSupplier" };
    const samsung: ClassSpec = { name: "com.bun.miitmdid.supplier.sumsung.a", implements: ["com.bun.miitmdid.supplier.IdSupplier"], lazy: true, methods: [{ name: "getVAID", params: [], impl: () => "v" }] };
    const { rt, coverage } = start([v2, samsung, helper]);
    expect(row(coverage, "ids.IdSupplier.getVAID.supplier")?.[1]).toBe("pending");
    const init = helper.methods[0]!;
    rt.java.get(HELPER).overload("InitSdk", init.params).original = () => (rt.java.load("com.bun.miitmdid.supplier.sumsung.a"), 0);
    rt.call(HELPER, "InitSdk", init.params, [null, false, null], APP_STACK);
    rt.call("com.bun.miitmdid.supplier.sumsung.a", "getVAID", [], [], APP_STACK);
    expect(recorded(rt)).toEqual(["ids.MdidSdkHelper.InitSdk", "ids.IdSupplier.getVAID.supplier"]);
  });

  it("hooks a same-named implementation in each class loader that defines it (host and plugin), and counts both", () => {
    const { rt } = start([iface, helper]);
    // The host's copy is found by name as its loader is made; the plugin's, loaded later, by the pass after InitSdk.
    rt.java.newLoader("host", [supplier(KNOWN)]);
    rt.java.newLoader("plugin", [supplier(KNOWN, { lazy: true })]);
    rt.java.load(KNOWN, "plugin");
    initSdk(rt);
    expect(row(lastCoverage(rt), OAID)).toEqual([OAID, "hooked", `in 2 classes implementing ${IFACE}: ${KNOWN} (in 2 class loaders)`]);
    expect(callIn(rt, "host", KNOWN, "getOAID")).toBe(`${KNOWN}:getOAID`);
    expect(callIn(rt, "plugin", KNOWN, "getOAID")).toBe(`${KNOWN}:getOAID`);
    // Each loader's method runs its own replacement, once.
    expect([rt.java.get(KNOWN, "host"), rt.java.get(KNOWN, "plugin")].map((c) => c.overload("getOAID", []).calls)).toEqual([1, 1]);
    expect(recorded(rt)).toEqual(["ids.MdidSdkHelper.InitSdk", OAID, OAID]);
  });

  it("looks the known implementation up by name in every new loader: a plugin's own copy is hooked as its loader is made, before any pass", () => {
    const { rt, coverage } = start([iface, supplier(KNOWN)]);
    expect(row(coverage, OAID)?.[2]).toBe(`in 1 class implementing ${IFACE}: ${KNOWN}`);
    const scans = rt.java.stats.classScans;
    rt.java.onClassScan = () => {
      throw new Error("no pass expected to find it");
    };
    rt.java.newLoader("plugin", [supplier(KNOWN, { lazy: true })]);
    expect(row(lastCoverage(rt), OAID)?.[2]).toBe(`in 2 classes implementing ${IFACE}: ${KNOWN} (in 2 class loaders)`);
    rt.java.onClassScan = undefined;
    callIn(rt, "plugin", KNOWN, "getOAID");
    expect(recorded(rt)).toEqual([OAID]);
    // A loader that only delegates to one already looked at gets no bridge factory (kept for good by the bridge).
    const retains = rt.java.stats.retains;
    rt.java.newLoader("child", []);
    expect(rt.java.stats.retains).toBe(retains);
    expect(rt.java.stats.classScans).toBeGreaterThan(scans);
  });

  it("hooks both same-named implementations one pass finds (two loaders, neither known by name)", () => {
    const impl = "com.bun.miitmdid.c.e.a";
    const { rt } = start([iface, helper]);
    for (const l of ["l1", "l2"]) {
      rt.java.newLoader(l, [supplier(impl, { lazy: true })]);
      rt.java.load(impl, l);
    }
    initSdk(rt);
    expect(row(lastCoverage(rt), "ids.IdSupplier.getVAID")?.[2]).toBe(`in 2 classes implementing ${IFACE}: ${impl} (in 2 class loaders)`);
    callIn(rt, "l1", impl, "getVAID");
    callIn(rt, "l2", impl, "getVAID");
    expect(recorded(rt)).toEqual(["ids.MdidSdkHelper.InitSdk", "ids.IdSupplier.getVAID", "ids.IdSupplier.getVAID"]);
  });

  it("bounds the passes after class loaders to 24, keeps 8 for the calls named in `after`, and says when the budget is used up", () => {
    const { rt } = start([iface, helper, supplier("com.bun.miitmdid.c.e.a", { lazy: true })]);
    for (let i = 0; i < 50; i++) rt.java.newLoader(`l${i}`, []);
    expect(rt.java.stats.classScans).toBe(24);
    expect(row(lastCoverage(rt), OAID)?.[2]).toBe(`interface ${IFACE} loaded; no class implementing it loaded (yet); pass budget used up after class loaders (24 passes); passes after ${HELPER}.InitSdk go on`);
    // An app that makes many loaders before InitSdk still gets the pass after it.
    rt.java.load("com.bun.miitmdid.c.e.a");
    initSdk(rt);
    expect(rt.java.stats.classScans).toBe(25);
    expect(row(lastCoverage(rt), OAID)?.[1]).toBe("hooked");
    for (let i = 0; i < 20; i++) initSdk(rt);
    expect(rt.java.stats.classScans).toBe(32);
    expect(row(lastCoverage(rt), OAID)?.[2]).toBe(`in 1 class implementing ${IFACE}: com.bun.miitmdid.c.e.a; pass budget used up (24 passes after class loaders, 8 passes after ${HELPER}.InitSdk)`);
  });

  it("bounds the passes by their total time too: past 1 s after class loaders, none more there", () => {
    let clock = 0;
    const { rt } = start([iface, helper], { now: () => clock });
    // Each pass costs 600 ms (an app on ART with tens of thousands of classes).
    rt.java.onClassScan = () => void (clock += 600);
    for (let i = 0; i < 10; i++) rt.java.newLoader(`l${i}`, []);
    // The pass at init (free: before the clock ran) and those after the first two loaders: 1200 ms.
    expect(rt.java.stats.classScans).toBe(3);
    expect(row(lastCoverage(rt), OAID)?.[2]).toMatch(/pass budget used up after class loaders \(1200 ms of passes\)/);
    initSdk(rt);
    initSdk(rt);
    initSdk(rt);
    expect(rt.java.stats.classScans).toBe(5);
    expect(row(lastCoverage(rt), OAID)?.[2]).toBe(`interface ${IFACE} loaded; no class implementing it loaded (yet); pass budget used up (1200 ms of passes after class loaders, 1200 ms of passes after ${HELPER}.InitSdk)`);
  });

  it("hooks the interface's getOAID() a class inherits, not an unrelated getOAID(Context) the class declares and that hides it from the bridge", () => {
    const base = supplier("com.vendor.Base", { isAbstract: true });
    const sub: ClassSpec = { name: "com.vendor.Sub", superclass: "com.vendor.Base", methods: [{ name: "getOAID", params: ["android.content.Context"], impl: () => "ctx" }] };
    const { rt, coverage } = start([iface, base, sub]);
    expect(row(coverage, OAID)?.[2]).toBe(`in 1 class implementing ${IFACE}: com.vendor.Base`);
    expect(rt.call("com.vendor.Sub", "getOAID", [], [], APP_STACK)).toBe("com.vendor.Base:getOAID");
    expect(rt.call("com.vendor.Sub", "getOAID", ["android.content.Context"], [null], APP_STACK)).toBe("ctx");
    expect(recorded(rt)).toEqual([OAID]);
    expect(rt.java.get("com.vendor.Sub").overload("getOAID", ["android.content.Context"]).calls).toBe(0);
  });

  it("says which implementation it could not hook: one inheriting the interface's default method (the bridge never looks in interfaces)", () => {
    const withDefault: ClassSpec = { name: "com.vendor.Default", implements: [IFACE], methods: [{ name: "getVAID", params: [], impl: () => "v" }] };
    const { coverage } = start([iface, withDefault]);
    expect(row(coverage, OAID)).toEqual([OAID, "pending", `interface ${IFACE} loaded; not hooked in com.vendor.Default: no getOAID declared there or in a superclass (an interface default method is not hooked)`]);
    expect(row(coverage, "ids.IdSupplier.getVAID")?.[2]).toBe(`in 1 class implementing ${IFACE}: com.vendor.Default`);
  });

  it("releases every global reference a pass made, also when the walk throws", () => {
    const { rt } = start([iface, helper, supplier("com.vendor.A"), supplier("com.vendor.B")]);
    expect(rt.java.stats.globalRefs).toBe(0);
    rt.java.onClassScan = () => {
      throw new Error("walk aborted");
    };
    initSdk(rt);
    expect(rt.java.stats.classScans).toBe(2);
    expect(rt.java.stats.globalRefs).toBe(0);
    expect(rt.messages.some((m) => m.type === "agent-error" && JSON.stringify(m).includes("walk aborted"))).toBe(true);
  });

  it("waits for an implementation of the Play services location client, an interface since play-services-location 21", () => {
    const fused: ClassSpec = { name: "com.google.android.gms.location.FusedLocationProviderClient", isInterface: true, methods: [{ name: "getLastLocation", params: [] }] };
    const { coverage } = start([fused]);
    expect(row(coverage, "location.FusedLocationProviderClient.getLastLocation")?.[1]).toBe("pending");
    expect(row(coverage, "location.FusedLocationProviderClient.getLastLocation")?.[2]).toMatch(/no class implementing it loaded/);
  });
});

describe("a com.android.* class bundled in the app (stand-in)", () => {
  const FREEME = "com.android.creator.IdsSupplier$Stub$Proxy";
  const proxy: ClassSpec = { name: FREEME, methods: [{ name: "getOAID", params: [], impl: () => "oaid" }] };

  it("waits for the app's class loader instead of being marked absent at start, then records Freeme's proxy", () => {
    const { rt, coverage } = start([]);
    expect(row(coverage, "ids.Proxy.getOAID.freeme")?.[1]).toBe("pending");
    rt.java.bindApplication([proxy]);
    expect(row(lastCoverage(rt), "ids.Proxy.getOAID.freeme")?.[1]).toBe("hooked");
    rt.call(FREEME, "getOAID", [], [], APP_STACK);
    expect(recorded(rt)).toEqual(["ids.Proxy.getOAID.freeme"]);
  });

  it("still marks a missing class of a platform-only namespace (android.*) absent at start", () => {
    const { coverage } = start([]);
    expect(row(coverage, "ids.KeyguardManager.obtainOaid")?.[1]).toBe("absent");
  });
});

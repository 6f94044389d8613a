import { describe, expect, it } from "vitest";
import { Attributor, formatFrame } from "../../reports/sdk/attribution.js";
import type { SdkEntry } from "../../reports/sdk/types.js";
import { frame } from "../support/trace-builder.js";

const CATALOGUE: SdkEntry[] = [
  { id: "umeng-common", name: "Umeng Common", vendor: "Umeng", kind: "analytics", prefixes: ["com.umeng.commonsdk", "com.umeng"] },
  { id: "umeng-push", name: "Umeng Push", vendor: "Umeng", kind: "push", prefixes: ["com.umeng.message"] },
  { id: "gdt", name: "Tencent GDT", vendor: "Tencent", kind: "ads", prefixes: ["com.qq.e"] },
  { id: "applovin", name: "AppLovin", vendor: "AppLovin", kind: "ads", prefixes: ["com.applovin"] },
  { id: "pangle", name: "Pangle", vendor: "ByteDance", kind: "ads", prefixes: ["com.bytedance.sdk.openadsdk"] },
  { id: "wechat", name: "WeChat Open SDK", vendor: "Tencent", kind: "social", prefixes: ["com.tencent.mm.opensdk"] },
];

const ROOT = ["android.os.Handler.dispatchMessage", "android.os.Looper.loop", "android.app.ActivityThread.main"];

function attribute(frames: string[], app = "com.example.app", truncated = false, extra: string[] = []) {
  return new Attributor(CATALOGUE, [app, ...extra]).attributeFrames([...frames, ...ROOT].map(frame), truncated);
}

describe("SDK attribution", () => {
  it("blames the SDK that made the call, not the app that initialised it", () => {
    const a = attribute(["com.umeng.commonsdk.internal.utils.a.b", "com.umeng.commonsdk.UMConfigure.init", "com.example.app.App.onCreate"]);
    expect(a.responsible.key).toBe("sdk:umeng-common");
    expect(a.immediate.key).toBe("sdk:umeng-common");
    expect(a.confidence).toBe(0.95);
    expect(a.frameIndex).toBe(1);
    expect(a.evidence).toBe("com.umeng.commonsdk.UMConfigure.init(Unknown Source)");
    expect(a.parties).toEqual(["sdk:umeng-common", "app"]);
  });

  it("attributes app-only stacks to the app", () => {
    const a = attribute(["com.example.app.util.Device.imei", "com.example.app.MainActivity.onResume"]);
    expect(a.responsible.kind).toBe("app");
    expect(a.confidence).toBe(0.9);
    expect(a.frameIndex).toBe(0);
  });

  it("walks past framework frames (androidx, kotlin, java) to the caller", () => {
    const a = attribute(["androidx.core.content.ContextCompat.getSystemService", "kotlinx.coroutines.DispatchedTask.run", "java.lang.reflect.Method.invoke", "com.qq.e.comm.managers.status.DeviceStatus.getDid"]);
    expect(a.responsible.key).toBe("sdk:gdt");
    expect(a.immediateFrameIndex).toBe(3);
  });

  it("respects package boundaries: an app named com.umengapp is not Umeng", () => {
    const a = attribute(["com.umengapp.Main.readId"], "com.umengapp");
    expect(a.responsible.kind).toBe("app");
    const b = attribute(["com.umengapp.Main.readId"], "com.other");
    expect(b.responsible.kind).toBe("unknown_third_party");
    expect(b.responsible.name).toBe("com.umengapp");
  });

  it("prefers the longest prefix: an SDK inside a vendor's app package, an app inside a vendor root", () => {
    expect(attribute(["com.tencent.mm.opensdk.openapi.WXApiImpl.registerApp"], "com.tencent.news").responsible.key).toBe("sdk:wechat");
    expect(attribute(["com.tencent.news.ui.Main.load"], "com.tencent.news").responsible.kind).toBe("app");
    // The app's package under an SDK root: the app wins where it is longer.
    expect(attribute(["com.umeng.example.Main.run"], "com.umeng.example").responsible.kind).toBe("app");
    expect(attribute(["com.umeng.message.PushAgent.register"]).responsible.key).toBe("sdk:umeng-push");
  });

  it("takes the outermost SDK when one SDK calls another (mediation), with lower confidence", () => {
    const a = attribute(["com.bytedance.sdk.openadsdk.core.l.c", "com.applovin.mediation.adapters.ByteDanceAdapter.load", "com.applovin.impl.mediation.MaxAdLoader.run", "com.example.app.Ads.show"]);
    expect(a.responsible.key).toBe("sdk:applovin");
    expect(a.immediate.key).toBe("sdk:pangle");
    expect(a.confidence).toBe(0.8);
  });

  it("the same SDK through two call paths gets the same party", () => {
    const at = new Attributor(CATALOGUE, ["com.example.app"]);
    const p1 = at.attributeFrames(["com.qq.e.comm.a.b", "com.example.app.Splash.onCreate", ...ROOT].map(frame), false);
    const p2 = at.attributeFrames(["com.qq.e.ads.nativ.c.d", "java.util.concurrent.ThreadPoolExecutor.runWorker", ...ROOT].map(frame), false);
    expect(p1.responsible).toBe(p2.responsible);
  });

  it("lowers confidence when an SDK calls back into app code that makes the call", () => {
    const a = attribute(["com.example.app.DeviceIdProvider.get", "com.umeng.commonsdk.statistics.a.b"]);
    expect(a.responsible.key).toBe("sdk:umeng-common");
    expect(a.immediate.kind).toBe("app");
    expect(a.confidence).toBe(0.7);
  });

  it("reports unknown and obfuscated third parties as such, never as the app", () => {
    const u = attribute(["com.acme.tracker.internal.Collector.run", "com.example.app.App.onCreate"]);
    expect(u.responsible).toMatchObject({ kind: "unknown_third_party", key: "pkg:com.acme.tracker", package: "com.acme.tracker" });
    expect(u.confidence).toBe(0.6);
    const o = attribute(["a.b.c.d", "a.b.e.run"]);
    expect(o.responsible).toMatchObject({ kind: "unknown_third_party", obfuscated: true, key: "pkg:a" });
    expect(o.confidence).toBe(0.4);
    // Obfuscated classes inside an SDK's package still belong to the SDK.
    expect(attribute(["com.umeng.commonsdk.a.a.b"]).responsible.key).toBe("sdk:umeng-common");
  });

  it("leaves framework-only stacks unattributed and lowers confidence for cut stacks", () => {
    expect(attribute(["android.app.Instrumentation.callApplicationOnCreate"]).responsible.kind).toBe("unattributed");
    const cut = new Attributor(CATALOGUE, ["com.example.app"]).attributeFrames(["com.example.app.A.b", "com.example.app.C.d"].map(frame), true);
    expect(cut.responsible.kind).toBe("app");
    expect(cut.confidence).toBe(0.7);
    expect(cut.reason).toMatch(/cut at the agent's depth limit/);
  });

  it("nested classes belong to their outer class's package", () => {
    expect(attribute(["com.qq.e.ads.splash.SplashAD$1.run"]).responsible.key).toBe("sdk:gdt");
  });

  it("formats Java and native frames", () => {
    expect(formatFrame({ c: "a.B", m: "c", f: "B.java", l: 12 })).toBe("a.B.c(B.java:12)");
    expect(formatFrame({ n: "libc.so!open+0x10" })).toBe("[native] libc.so!open+0x10");
  });
});

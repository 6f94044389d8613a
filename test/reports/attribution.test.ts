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
    // The decisive frame is the responsible party's frame nearest the API: the code that collected.
    expect(a.frameIndex).toBe(0);
    expect(a.evidence).toBe("com.umeng.commonsdk.internal.utils.a.b(Unknown Source)");
    expect(a.via).toEqual([]);
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

  it("lets the app's own packages win over catalogue prefixes that lie under them", () => {
    // An SDK inside a vendor's app package stays the SDK when the app is another vendor product.
    expect(attribute(["com.tencent.mm.opensdk.openapi.WXApiImpl.registerApp"], "com.tencent.news").responsible.key).toBe("sdk:wechat");
    expect(attribute(["com.tencent.news.ui.Main.load"], "com.tencent.news").responsible.kind).toBe("app");
    // WeChat itself: com.tencent.mm.opensdk is its own code, not the WeChat Open SDK.
    const wechat = attribute(["com.tencent.mm.opensdk.modelmsg.SendAuth.run", "com.tencent.mm.ui.LauncherUI.onCreate"], "com.tencent.mm");
    expect(wechat.responsible.kind).toBe("app");
    expect(wechat.via).toEqual([]);
    // An app that shares a namespace with an SDK it is the vendor of.
    expect(attribute(["com.umeng.example.Main.run"], "com.umeng.example").responsible.kind).toBe("app");
    expect(attribute(["com.umeng.message.PushAgent.register"], "com.umeng").responsible.kind).toBe("app");
    expect(attribute(["com.umeng.message.PushAgent.register"]).responsible.key).toBe("sdk:umeng-push");
  });

  it("names the network whose code collected behind a mediation SDK, with the mediation SDK as the chain", () => {
    const a = attribute(["com.bytedance.sdk.openadsdk.core.l.c", "com.applovin.mediation.adapters.ByteDanceAdapter.load", "com.applovin.impl.mediation.MaxAdLoader.run", "com.example.app.Ads.show"]);
    expect(a.responsible.key).toBe("sdk:pangle");
    expect(a.immediate.key).toBe("sdk:pangle");
    expect(a.via.map((p) => p.key)).toEqual(["sdk:applovin"]);
    expect(a.confidence).toBe(0.95);
    expect(a.reason).toMatch(/via AppLovin/);
  });

  it("names a push aggregator's vendor channel, via the aggregator", () => {
    const cat: SdkEntry[] = [
      ...CATALOGUE,
      { id: "xiaomi-push", name: "Xiaomi Push", vendor: "Xiaomi", kind: "push", prefixes: ["com.xiaomi.mipush"] },
      { id: "umeng-push-channel-xiaomi", name: "Umeng Push Xiaomi channel", vendor: "Umeng", kind: "push", prefixes: ["org.android.agoo.xiaomi"], family: "umeng", coveredBy: ["umeng-push"] },
    ];
    const a = new Attributor(cat, ["com.example.app"]).attributeFrames(
      ["com.xiaomi.mipush.sdk.MiPushClient.getRegId", "org.android.agoo.xiaomi.MiPushRegistar.register", "com.umeng.message.PushAgent.register", "com.example.app.App.onCreate", ...ROOT].map(frame),
      false,
    );
    expect(a.responsible.key).toBe("sdk:xiaomi-push");
    expect(a.via.map((p) => p.key)).toEqual(["sdk:umeng-push-channel-xiaomi", "sdk:umeng-push"]);
  });

  it("walks past transparent libraries: a utility's call is its caller's call", () => {
    // AndroidUtilCode reads the Android ID for whoever calls it; OkHttp runs the interceptor the app added.
    const a = attribute(["com.blankj.utilcode.util.DeviceUtils.getAndroidID", "com.qq.e.comm.managers.status.DeviceStatus.getDid", "com.example.app.Splash.onCreate"]);
    expect(a.responsible.key).toBe("sdk:gdt");
    expect(a.immediate.key).toBe("sdk:gdt");
    expect(a.confidence).toBe(0.95);
    const b = attribute(["com.blankj.utilcode.util.DeviceUtils.getMacAddress", "com.example.app.net.HeaderInterceptor.intercept", "okhttp3.internal.http.RealInterceptorChain.proceed"]);
    expect(b.responsible.kind).toBe("app");
    expect(b.parties).toEqual(["app"]);
  });

  it("the app's code called from an SDK is the app's collection, with the SDK as the chain", () => {
    const a = attribute(["com.example.app.DeviceIdProvider.get", "com.umeng.commonsdk.statistics.a.b"]);
    expect(a.responsible.kind).toBe("app");
    expect(a.via.map((p) => p.key)).toEqual(["sdk:umeng-common"]);
    expect(a.confidence).toBe(0.9);
  });

  it("assigns unidentified frames between the API and an SDK to that SDK, with lower confidence", () => {
    // Pangle ships relocated code under other names (com.bykv…); obfuscated helpers likewise.
    const a = attribute(["com.bykv.vk.c.d.e", "a.b.c.d", "com.qq.e.comm.a.b", "com.example.app.Main.run"]);
    expect(a.responsible.key).toBe("sdk:gdt");
    expect(a.immediate.key).toBe("pkg:com.bykv.vk");
    expect(a.confidence).toBe(0.75);
    expect(a.reason).toMatch(/2 frame\(s\) of unidentified code/);
    // Obfuscated frames before the app's code are the app's.
    const b = attribute(["a.b.c.d", "com.example.app.Main.run"]);
    expect(b.responsible.kind).toBe("app");
    expect(b.confidence).toBe(0.7);
  });

  it("never takes the platform for the app, whatever the app's packages claim", () => {
    const a = attribute(["android.provider.Settings$Secure.getString", "com.umeng.commonsdk.a.b"], "com.example.app", false, ["android"]);
    expect(a.responsible.key).toBe("sdk:umeng-common");
  });

  it("an unknown network behind a mediation adapter is a party of its own, via the adapter and the mediation SDK", () => {
    const cat: SdkEntry[] = [...CATALOGUE, { id: "applovin-max-adapters", name: "AppLovin MAX mediation adapters", vendor: "AppLovin", kind: "ads", prefixes: ["com.applovin.mediation.adapters"], coveredBy: ["applovin"], bridge: true }];
    const a = new Attributor(cat, ["com.example.app"]).attributeFrames(
      ["com.newadnet.sdk.Core.scan", "com.applovin.mediation.adapters.NewAdNetMediationAdapter.loadAd", "com.applovin.impl.mediation.b.run", "com.example.app.Ads.show", ...ROOT].map(frame),
      false,
    );
    expect(a.responsible.key).toBe("pkg:com.newadnet.sdk");
    expect(a.via.map((p) => p.key)).toEqual(["sdk:applovin-max-adapters", "sdk:applovin"]);
  });

  it("the chain ends at the app's code: what called the app did not lead to the call", () => {
    const a = attribute(["com.umeng.message.a.b", "com.example.app.Main.onMessage", "com.qq.e.comm.a.b"]);
    expect(a.responsible.key).toBe("sdk:umeng-push");
    expect(a.via).toEqual([]);
    // A party the chain passes back through is listed again: JPush's service, through JCore, into JPush.
    const cat: SdkEntry[] = [...CATALOGUE, { id: "jpush", name: "JPush", vendor: "JIGUANG", kind: "push", prefixes: ["cn.jpush.android"] }, { id: "jcore", name: "JCore", vendor: "JIGUANG", kind: "push", prefixes: ["cn.jiguang"] }];
    const b = new Attributor(cat, ["com.example.app"]).attributeFrames(["cn.jpush.android.a.b", "cn.jiguang.c.d", "cn.jpush.android.service.PushService.onCreate", ...ROOT].map(frame), false);
    expect(b.responsible.key).toBe("sdk:jpush");
    expect(b.via.map((p) => p.key)).toEqual(["sdk:jcore", "sdk:jpush"]);
  });

  it("a stack of platform and library frames only (a Flutter plugin called from Dart) is the app's call, with low confidence", () => {
    const a = attribute(["io.flutter.plugins.deviceinfo.MethodCallHandlerImpl.onMethodCall", "io.flutter.embedding.engine.dart.DartMessenger.handleMessageFromDart"]);
    expect(a.responsible.kind).toBe("app");
    expect(a.confidence).toBe(0.5);
    expect(a.reason).toMatch(/caller is not on the Java stack/);
    expect(a.evidence).toMatch(/^io\.flutter\.plugins\.deviceinfo/);
  });

  it("the same SDK through two call paths gets the same party", () => {
    const at = new Attributor(CATALOGUE, ["com.example.app"]);
    const p1 = at.attributeFrames(["com.qq.e.comm.a.b", "com.example.app.Splash.onCreate", ...ROOT].map(frame), false);
    const p2 = at.attributeFrames(["com.qq.e.ads.nativ.c.d", "java.util.concurrent.ThreadPoolExecutor.runWorker", ...ROOT].map(frame), false);
    expect(p1.responsible).toBe(p2.responsible);
  });

  it("reports unknown and obfuscated third parties as such, never as the app", () => {
    const u = attribute(["com.acme.tracker.internal.Collector.run", "com.example.app.App.onCreate"]);
    expect(u.responsible).toMatchObject({ kind: "unknown_third_party", key: "pkg:com.acme.tracker", package: "com.acme.tracker" });
    expect(u.confidence).toBe(0.6);
    const o = attribute(["a.b.c.d", "a.b.e.run"], "com.example.app");
    expect(o.via).toEqual([]);
    expect(o.responsible).toMatchObject({ kind: "unknown_third_party", obfuscated: true, key: "pkg:a" });
    expect(o.confidence).toBe(0.4);
    // Obfuscated classes inside an SDK's package still belong to the SDK.
    expect(attribute(["com.umeng.commonsdk.a.a.b"]).responsible.key).toBe("sdk:umeng-common");
  });

  it("leaves framework-only stacks unattributed and lowers confidence for cut stacks", () => {
    expect(attribute(["android.app.Instrumentation.callApplicationOnCreate"]).responsible.kind).toBe("unattributed");
    // A cut stack keeps the frames nearest the API, which decide the responsible party: only the chain may be incomplete.
    const cut = new Attributor(CATALOGUE, ["com.example.app"]).attributeFrames(["com.example.app.A.b", "com.example.app.C.d"].map(frame), true);
    expect(cut.responsible.kind).toBe("app");
    expect(cut.confidence).toBe(0.9);
    expect(cut.reason).toMatch(/cut at the agent's depth limit: the chain further out may be incomplete/);
    // With nothing identified, a caller further out may be the one: lower confidence.
    const obfuscated = new Attributor(CATALOGUE, ["com.example.app"]).attributeFrames(["a.b.c.d", "a.b.e.f"].map(frame), true);
    expect(obfuscated.confidence).toBe(0.2);
  });

  it("nested classes belong to their outer class's package", () => {
    expect(attribute(["com.qq.e.ads.splash.SplashAD$1.run"]).responsible.key).toBe("sdk:gdt");
  });

  it("formats Java and native frames", () => {
    expect(formatFrame({ c: "a.B", m: "c", f: "B.java", l: 12 })).toBe("a.B.c(B.java:12)");
    expect(formatFrame({ n: "libc.so!open+0x10" })).toBe("[native] libc.so!open+0x10");
  });
});

import { describe, expect, it } from "vitest";
import { TraceWriter } from "../../reports/trace/writer.js";
import { AgentSink } from "../../runner/agent-sink.js";
import { analyzeDir, ruleFindings, tempDir } from "../support/trace-builder.js";
import { android, APP_STACK, UMENG_STACK } from "../support/android-fixture.js";
import { loadAgent } from "../../runner/sandbox/runtime.js";

const TM = "android.telephony.TelephonyManager";

describe("agent → trace → report", () => {
  it("what the compiled agent records becomes a trace the reporter attributes and judges", async () => {
    const dir = tempDir();
    const writer = new TraceWriter(dir, { tool: { name: "permtrace", version: "test" }, device: { kind: "sandbox", apiLevel: 31 }, app: { package: "com.example.app" } });
    const sink = new AgentSink(writer, { pid: 4242 });
    const rt = loadAgent(android({ imeiDenied: false, clipboardText: "x" }));
    const unsubscribe = (() => {
      // Feed the sink as messages arrive, the way the runner's frida session does.
      let seen = 0;
      const timer = setInterval(() => {
        while (seen < rt.messages.length) sink.onMessage(rt.messages[seen++]!);
      }, 5);
      return () => {
        clearInterval(timer);
        while (seen < rt.messages.length) sink.onMessage(rt.messages[seen++]!);
      };
    })();
    rt.rpc.init({ appPackage: "com.example.app", salt: "s" });
    writer.mark({ t: rt.rpc.mark("launch"), kind: "consent_shown" });
    rt.call(TM, "getImei", [], [], UMENG_STACK);
    rt.call(TM, "getImei", [], [], UMENG_STACK);
    rt.call("android.app.Activity", "onStart", [], [], []);
    await rt.settle();
    writer.mark({ t: rt.rpc.mark("consent"), kind: "consent_accepted" });
    rt.call(TM, "getImei", [], [], APP_STACK);
    rt.rpc.flush();
    unsubscribe();
    sink.close();
    writer.updateManifest({ agent: { version: "0.1.0", coverage: sink.coverage } });
    writer.close();

    const a = analyzeDir(dir);
    expect(a.trace.calls).toBe(3);
    const f = ruleFindings(a, "consent.pre_consent_collection");
    expect(a.warnings.filter((w) => !/no consent marker/.test(w))).toEqual([]);
    expect(f).toHaveLength(1);
    expect(f[0]).toMatchObject({ category: "phone_identifiers", count: 2, party: { key: "sdk:umeng-common" } });
    expect(f[0]!.evidence.stack!.frames[0]).toBe("com.umeng.commonsdk.internal.utils.a.b(Unknown Source)");
    expect((f[0]!.evidence.details as { firstCall: { ret: string } }).firstCall.ret).toMatch(/^hash:/);
    expect(a.parties.map((p) => p.party.key).sort()).toEqual(["app", "sdk:umeng-common"]);
  });
});

describe("agent sink", () => {
  it("holds batches that arrive before the coverage message, and keeps sampled counts", () => {
    const dir = tempDir();
    const writer = new TraceWriter(dir, { tool: { name: "permtrace", version: "test" }, device: {}, app: { package: "com.example.app" } });
    const sink = new AgentSink(writer, { pid: 1 });
    sink.onMessage({ type: "batch", strings: ["hash:ab"], stacks: [[1, [["com.example.app.A", "b", null as unknown as string, null as unknown as number]], false]], firstId: 1, calls: [[5, 0, 5, 0, 7, 1, 0]], outcomes: [], lifecycle: [], sampled: [[0, 12]] });
    sink.onMessage({ type: "coverage", hooks: [["telephony.TelephonyManager.getImei", "hooked"]] });
    sink.onMessage({ type: "batch", resetStrings: true, strings: ["hash:cd"], stacks: [], firstId: 2, calls: [[6, 0, 5, 0, 7, 1, 0]], outcomes: [], lifecycle: [], sampled: [] });
    sink.close();
    writer.updateManifest({ agent: { sampledCalls: Object.fromEntries(sink.sampled) } });
    writer.close();
    const a = analyzeDir(dir, { policy: "strict" });
    expect(a.trace.calls).toBe(2);
    expect(a.warnings.join("\n")).toMatch(/12 call\(s\) were counted but not recorded in full \(telephony.TelephonyManager.getImei ×12\)/);
    expect(a.parties.map((p) => p.party.key)).toEqual(["app"]);
  });
});

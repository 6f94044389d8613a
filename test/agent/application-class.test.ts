import { describe, expect, it } from "vitest";
import type { AgentMessage } from "../../agent/protocol.js";
import { AgentSink } from "../../runner/agent-sink.js";
import { loadAgent } from "../../runner/sandbox/runtime.js";
import { openTrace } from "../../reports/trace/reader.js";
import { TraceWriter } from "../../reports/trace/writer.js";
import { analyzeDir, tempDir } from "../support/trace-builder.js";
import { android } from "../support/android-fixture.js";

/** The agent names the process's Application class once, the runner writes it as an `application` marker, the report names the packer. */

const APP = "com.example.app";

function start() {
  const rt = loadAgent(android({ imeiDenied: false, clipboardText: "x" }));
  rt.rpc.init({ appPackage: APP, salt: "s" });
  return rt;
}

const applications = (messages: readonly AgentMessage[]) => messages.filter((m) => m.type === "application");

describe("the Application class, from Application.attach to the report", () => {
  it("the stand-in's attach gives the runtime class (getClass), not the hooked class's $className; once per process", () => {
    const rt = start();
    rt.java.bindApplication([], () => undefined, "app", "com.secneo.apkwrapper.ApplicationWrapper");
    rt.java.bindApplication([], () => undefined, "app-2", "com.example.app.App");
    expect(applications(rt.messages)).toEqual([{ type: "application", t: expect.any(Number), className: "com.secneo.apkwrapper.ApplicationWrapper" }]);
  });

  it("an app with no Application subclass: android.app.Application", () => {
    const rt = start();
    rt.java.bindApplication([]);
    expect(applications(rt.messages).map((m) => (m as { className: string }).className)).toEqual(["android.app.Application"]);
  });

  it("the sink writes an `application` marker, and a packer's stub makes the report blocked", () => {
    const rt = start();
    rt.java.bindApplication([], () => undefined, "app", "com.baidu.protect.StubApplication");
    const dir = tempDir();
    const writer = new TraceWriter(dir, { tool: { name: "permtrace", version: "test" }, device: { model: "Test", apiLevel: 29, kind: "synthetic" }, app: { package: APP } });
    const sink = new AgentSink(writer, { pid: 4242 });
    writer.mark({ t: 0, kind: "app_launch", cold: true });
    for (const m of rt.messages) sink.onMessage(m);
    writer.mark({ t: 0, kind: "process_start", pid: 4242, name: APP });
    writer.updateManifest({ agent: { version: "test", coverage: sink.coverage } });
    writer.close();
    expect(openTrace(dir).markers.filter((m) => m.kind === "application")).toEqual([{ t: expect.any(Number), kind: "application", name: "com.baidu.protect.StubApplication", pid: 4242 }]);
    const a = analyzeDir(dir);
    expect(a.status).toBe("blocked");
    expect(a.evidence.blocked).toEqual([{ kind: "packed", reason: "packed by Baidu", pid: 4242, process: APP, application: "com.baidu.protect.StubApplication", packer: "Baidu" }]);
  });
});

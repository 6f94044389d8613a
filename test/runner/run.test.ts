import { existsSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { AgentMessage } from "../../agent/protocol.js";
import { forEachCall, openTrace } from "../../reports/trace/reader.js";
import type { AgentExports, ChildProcess, DetachReason, DeviceBackend, DeviceHandle, ScriptMessage, SessionHandle } from "../../runner/device/backend.js";
import { runRun } from "../../runner/commands/run.js";
import type { DeviceActions } from "../../runner/scenario/executor.js";
import type { UiDriver } from "../../runner/scenario/ui.js";
import { android, APP_STACK, UMENG_STACK } from "../agent/standin/android.js";
import { loadAgent, type Runtime } from "../agent/standin/runtime.js";
import { tempDir } from "../support/trace-builder.js";

const APP = "com.example.app";
const TM = "android.telephony.TelephonyManager";
const LM = "android.location.LocationManager";
const GDT_STACK = [{ className: "com.qq.e.comm.managers.status.DeviceStatus", methodName: "getLocation" }, { className: "android.os.Looper", methodName: "loop" }];

/**
 * A device whose processes run the compiled agent in the Frida-runtime stand-in, with a tiny app:
 * Umeng reads the IMEI at start-up (before any consent), the map screen reads location, an ad SDK
 * reads it too, and a "Crash" button kills the process.
 */
class StandInDevice implements DeviceHandle {
  readonly id = "stand-in";
  readonly name = "Stand-in";
  readonly kind = "sandbox" as const;
  private nextPid = 1000;
  readonly processes = new Map<number, { rt?: Runtime; onMessage?: (m: ScriptMessage) => void; onDetached?: (r: DetachReason, c: string | null) => void }>();
  current = -1;
  async spawn(): Promise<number> {
    const pid = this.nextPid++;
    this.processes.set(pid, {});
    this.current = pid;
    return pid;
  }
  async attach(pid: number): Promise<SessionHandle> {
    const proc = this.processes.get(pid)!;
    return {
      pid,
      createScript: async () => {
        const script = {
          load: async () => {
            proc.rt = loadAgent(android({ imeiDenied: false, clipboardText: "" }), { pid, onSend: (m: AgentMessage) => proc.onMessage?.({ type: "send", payload: m }) });
          },
          unload: async () => undefined,
          onMessage: (h: (m: ScriptMessage) => void) => void (proc.onMessage = h),
          get exports(): AgentExports {
            const rpc = proc.rt!.rpc;
            return {
              init: async (c) => rpc.init(c),
              status: async () => rpc.status(),
              flush: async () => rpc.flush(),
              mark: async (l) => rpc.mark(l),
              dispose: async () => rpc.dispose(),
            };
          },
        };
        return script;
      },
      enableChildGating: async () => undefined,
      detach: async () => undefined,
      onDetached: (h) => void (proc.onDetached = h),
    };
  }
  async resume(pid: number): Promise<void> {
    // Application.onCreate: Umeng initialises and reads the IMEI.
    this.processes.get(pid)!.rt!.call(TM, "getImei", [], [], UMENG_STACK);
  }
  async kill(): Promise<void> {}
  onChildAdded(_h: (c: ChildProcess) => void): void {}
  app(): Runtime {
    return this.processes.get(this.current)!.rt!;
  }
  crash(): void {
    const p = this.processes.get(this.current)!;
    p.rt!.rpc.flush();
    p.onDetached?.("process-terminated", "java.lang.IllegalStateException in MainActivity");
  }
}

function fakeUi(device: StandInDevice): UiDriver {
  const screen = new Set(["同意并继续", "不同意", "Nearby stores", "Crash", "Home"]);
  return {
    find: async (sel) => (sel.text && screen.has(sel.text) ? sel.text : null),
    click: async (el) => {
      if (el === "Nearby stores") {
        device.app().call(LM, "getLastKnownLocation", ["java.lang.String"], ["gps"], APP_STACK);
        device.app().call(LM, "getLastKnownLocation", ["java.lang.String"], ["network"], GDT_STACK);
      }
      if (el === "Crash") device.crash();
    },
    type: async () => undefined,
    swipe: async () => undefined,
    screenshot: async () => Buffer.from("png").toString("base64"),
  };
}

function suite(): string {
  const dir = tempDir();
  writeFileSync(join(dir, "app.profile.yaml"), `app: ${APP}\nappType: online_shopping\nsdks:\n  - name: 友盟+ 基础组件\n`);
  writeFileSync(join(dir, "01-accept.scenario.yaml"), "name: accept\npurpose: accept and open the map\nneeds: [location]\nsteps:\n  - launch: {clearData: true}\n  - consent: accept\n  - tapOn: Nearby stores\n");
  writeFileSync(join(dir, "02-crash.scenario.yaml"), "name: crash\npurpose: a crash mid-scenario\nneeds: []\nsteps:\n  - launch\n  - tapOn: Crash\n  - wait: 1s\n");
  writeFileSync(join(dir, "03-after.scenario.yaml"), "name: after\npurpose: the run goes on after a crash\nneeds: []\nsteps:\n  - launch\n  - assertVisible: Home\n");
  return dir;
}

describe("permtrace run (stand-in device, fake UI)", () => {
  it("records every scenario into one trace, survives a crash, and reports", async () => {
    const device = new StandInDevice();
    const backend: DeviceBackend = { open: async () => device };
    const log: string[] = [];
    const out = join(tempDir(), "trace");
    const r = await runRun({
      app: APP,
      scenarios: suite(),
      out,
      backend,
      ui: async () => ({ ui: fakeUi(device), close: async () => void log.push("ui closed") }),
      actions: (_d, spawn): DeviceActions => ({
        launch: async () => spawn(),
        back: async () => undefined,
        home: async () => undefined,
        bringToFront: async () => undefined,
        screenOff: async () => undefined,
        screenOn: async () => undefined,
        grant: async () => undefined,
        revoke: async () => undefined,
      }),
      sleep: async () => undefined,
    });
    expect(r.scenarios.map((s) => [s.scenario, s.status])).toEqual([
      ["accept", "ok"],
      ["crash", "ok"],
      ["after", "ok"],
    ]);
    expect(r.incomplete).toMatch(/process-terminated: java.lang.IllegalStateException/);
    expect(log).toEqual(["ui closed"]);

    const trace = openTrace(out);
    expect(trace.manifest.complete).toBe(false);
    expect(trace.manifest.device.kind).toBe("sandbox");
    expect((trace.manifest.agent?.coverage ?? []).some((c) => c.status === "hooked")).toBe(true);
    const hooks: string[] = [];
    forEachCall(trace, (e) => void hooks.push(e.hook));
    // Three launches, each reading the IMEI at start-up; the map screen's two location reads.
    expect(hooks.filter((h) => h === "telephony.TelephonyManager.getImei")).toHaveLength(3);
    expect(hooks.filter((h) => h === "location.LocationManager.getLastKnownLocation")).toHaveLength(2);
    const kinds = trace.markers.map((m) => m.kind);
    expect(kinds).toContain("clock_sync");
    expect(kinds.filter((k) => k === "scenario_start")).toHaveLength(3);
    expect(kinds).toContain("incomplete");
    expect(readdirSync(join(out, "screenshots")).length).toBe(8);

    const findings = r.report.analysis.findings;
    const pre = findings.find((f) => f.rule === "consent.pre_consent_collection")!;
    expect(pre).toMatchObject({ category: "phone_identifiers", party: { key: "sdk:umeng-common" }, scenario: "accept" });
    // The map's own location read is needed; the ad SDK's is not exempt from the rules on frequency,
    // and nothing flags the app's location use in the scenario that needs it.
    expect(findings.filter((f) => f.rule === "scenario.unneeded_category" && f.category === "location")).toEqual([]);
    expect(findings.some((f) => f.rule === "disclosure.undeclared_sdk" && f.party.key === "sdk:tencent-gdt")).toBe(true);
    expect(existsSync(join(out, "report", "findings.json"))).toBe(true);
  });

  it("checks the suite and the app before touching a device", async () => {
    let opened = false;
    const backend: DeviceBackend = {
      open: async () => {
        opened = true;
        throw new Error("no");
      },
    };
    const base = { scenarios: suite(), out: join(tempDir(), "t"), backend, ui: async () => ({ ui: {} as UiDriver, close: async () => undefined }), actions: () => ({}) as DeviceActions };
    await expect(runRun({ ...base, app: "com.other" })).rejects.toThrow(/--app com.other is not the suite's app com.example.app/);
    await expect(runRun({ ...base, app: APP, policy: "strcit" })).rejects.toThrow(/'strcit' is neither a policy file nor a built-in profile/);
    expect(opened).toBe(false);
  });
});

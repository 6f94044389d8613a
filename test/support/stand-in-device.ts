import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { AgentMessage } from "../../agent/protocol.js";
import type { AgentExports, ChildProcess, DetachReason, DeviceHandle, ScriptMessage, SessionHandle } from "../../runner/device/backend.js";
import type { DeviceActions } from "../../runner/scenario/executor.js";
import type { UiDriver } from "../../runner/scenario/ui.js";
import { android, APP_STACK, UMENG_STACK } from "./android-fixture.js";
import { loadAgent, type Runtime } from "../../runner/sandbox/runtime.js";
import { tempDir } from "./trace-builder.js";

export const APP = "com.example.app";
const TM = "android.telephony.TelephonyManager";
const LM = "android.location.LocationManager";
const GDT_STACK = [{ className: "com.qq.e.comm.managers.status.DeviceStatus", methodName: "getLocation" }, { className: "android.os.Looper", methodName: "loop" }];

/**
 * A device whose processes run the compiled agent in the Frida-runtime stand-in, with a tiny app:
 * Umeng reads the IMEI at start-up (before any consent), the map screen reads location, an ad SDK
 * reads it too, and a "Crash" button kills the process.
 */
export class StandInDevice implements DeviceHandle {
  constructor(readonly id = "stand-in") {}
  get serial(): string {
    return this.id;
  }
  readonly name = "Stand-in";
  readonly kind = "sandbox" as const;
  private nextPid = 1000;
  /** Agent round trips the runner made, by kind. */
  readonly rpcs = { status: 0, mark: 0 };
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
    const device = this;
    return {
      pid,
      createScript: async () => {
        const script = {
          load: async () => {
            proc.rt = loadAgent(android({ imeiDenied: false, clipboardText: "" }), { pid, onSend: (m: AgentMessage) => proc.onMessage?.({ type: "send", payload: m }) });
          },
          unload: async () => undefined,
          eternalize: async () => undefined,
          onMessage: (h: (m: ScriptMessage) => void) => void (proc.onMessage = h),
          get exports(): AgentExports {
            const rpc = proc.rt!.rpc;
            return {
              init: async (c) => rpc.init(c),
              status: async () => (device.rpcs.status++, rpc.status()),
              flush: async () => rpc.flush(),
              mark: async (l) => (device.rpcs.mark++, rpc.mark(l)),
              dispose: async () => rpc.dispose(),
            };
          },
        };
        return script;
      },
      detach: async () => undefined,
      onDetached: (h) => void (proc.onDetached = h),
    };
  }
  async resume(pid: number): Promise<void> {
    // Application.onCreate: Umeng initialises and reads the IMEI.
    this.processes.get(pid)!.rt!.call(TM, "getImei", [], [], UMENG_STACK);
  }
  /** Like frida: killing a process ends its session with process-terminated. */
  async kill(pid: number): Promise<void> {
    const p = this.processes.get(pid);
    const detached = p?.onDetached;
    if (p) p.onDetached = undefined;
    detached?.("process-terminated", null);
  }
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

export function fakeUi(device: StandInDevice): UiDriver {
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

export function suite(): string {
  const dir = tempDir();
  writeFileSync(join(dir, "app.profile.yaml"), `app: ${APP}\nappType: online_shopping\nsdks:\n  - name: 友盟+ 基础组件\n`);
  writeFileSync(join(dir, "01-accept.scenario.yaml"), "name: accept\npurpose: accept and open the map\nneeds: [location]\nsteps:\n  - launch: {clearData: true}\n  - consent: accept\n  - tapOn: Nearby stores\n");
  writeFileSync(join(dir, "02-crash.scenario.yaml"), "name: crash\npurpose: a crash mid-scenario\nneeds: []\nsteps:\n  - launch\n  - tapOn: Crash\n  - wait: 1s\n");
  writeFileSync(join(dir, "03-after.scenario.yaml"), "name: after\npurpose: the run goes on after a crash\nneeds: []\nsteps:\n  - launch\n  - assertVisible: Home\n");
  return dir;
}


/** Device actions for the stand-in: launching is the frida spawn, the rest does nothing. */
export function noopActions(spawn: () => Promise<void>): DeviceActions {
  const none = async (): Promise<void> => undefined;
  return { launch: async () => spawn(), back: none, home: none, bringToFront: none, screenOff: none, screenOn: none, grant: none, revoke: none };
}

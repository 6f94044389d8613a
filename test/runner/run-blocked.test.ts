import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { runRun } from "../../runner/commands/run.js";
import { createLogger } from "../../runner/logger.js";
import type { DetachReason } from "../../runner/device/backend.js";
import { APP, fakeUi, noopActions, StandInDevice } from "../support/stand-in-device.js";
import { analyzeDir, tempDir } from "../support/trace-builder.js";

/** `permtrace run` against a hardened app on the stand-in device: the trace it writes makes the report blocked. */

/** The stand-in app, started in `application` and, when `end` is given, ended or detached by frida right after it resumed. */
class HardenedDevice extends StandInDevice {
  constructor(private readonly o: { application?: string; end?: DetachReason }) {
    super();
  }
  override async resume(pid: number): Promise<void> {
    const p = this.processes.get(pid)!;
    p.rt!.java.bindApplication([], () => undefined, "app", this.o.application);
    await super.resume(pid);
    const end = this.o.end;
    if (!end) return;
    // An anti-Frida check a moment after start-up: frida reports the session's end.
    setTimeout(() => {
      const h = p.onDetached;
      p.onDetached = undefined;
      h?.(end, null);
    }, 5);
  }
}

async function run(device: HardenedDevice) {
  const suite = tempDir();
  writeFileSync(join(suite, "app.profile.yaml"), `app: ${APP}\nappType: online_shopping\n`);
  writeFileSync(join(suite, "01-start.scenario.yaml"), "name: start\npurpose: start and accept\nneeds: [location]\nsteps:\n  - launch\n  - wait: 50ms\n  - consent: accept\n");
  const out = join(tempDir(), "trace");
  await runRun({
    app: APP,
    scenarios: suite,
    out,
    backend: { open: async () => device },
    ui: async () => ({ ui: fakeUi(device), close: async () => undefined }),
    actions: (_d, spawn) => noopActions(spawn),
    sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
  });
  return analyzeDir(out);
}

describe("a run of a hardened app (stand-in device, the real runner)", () => {
  // The runner logs the app's end as a warning: expected here.
  beforeAll(() => void createLogger("silent", false));
  it("a packer's Application class: blocked, packed by 360 Jiagu", async () => {
    const a = await run(new HardenedDevice({ application: "com.stub.StubApp" }));
    expect(a.status).toBe("blocked");
    expect(a.evidence.blocked).toEqual([{ kind: "packed", reason: "packed by Qihoo 360 Jiagu", pid: 1000, process: APP, application: "com.stub.StubApp", packer: "Qihoo 360 Jiagu" }]);
  });

  it("the app ends right after it started: blocked, the app ended right after the agent loaded", async () => {
    const a = await run(new HardenedDevice({ end: "process-terminated" }));
    expect(a.status).toBe("blocked");
    expect(a.evidence.blocked).toMatchObject([{ kind: "ended", pid: 1000, process: APP, application: "android.app.Application", detach: "process-terminated" }]);
    expect(a.evidence.blocked![0]!.afterLoadMs).toBeLessThan(5000);
  });

  it("the agent is detached while the app goes on: blocked, the agent was detached", async () => {
    const a = await run(new HardenedDevice({ end: "connection-terminated" }));
    expect(a.status).toBe("blocked");
    expect(a.evidence.blocked).toMatchObject([{ kind: "detached", pid: 1000, process: APP, detach: "connection-terminated" }]);
  });

  it("an ordinary app, run to the end: not blocked", async () => {
    const a = await run(new HardenedDevice({}));
    expect(a.evidence.blocked).toBeUndefined();
    expect(a.status).not.toBe("blocked");
  });
});

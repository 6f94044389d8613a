import { describe, expect, it, vi } from "vitest";
import type { AgentMessage } from "../../agent/protocol.js";
import type { AgentExports, ChildProcess, DetachReason, DeviceHandle, ScriptHandle, ScriptMessage, SessionHandle } from "../../runner/device/backend.js";
import { instrumentApp } from "../../runner/device/session.js";

/**
 * A fake device behind the backend interface: it logs every call in order. Like frida-core, it
 * holds a gated spawn or a gated child until it is resumed (lib/payload/fork-monitor.vala and the
 * agent's wait_for_permission_to_resume in lib/agent/agent.vala), and gives a gated spawn a
 * watchdog (lib/base/session.vala SpawnGatingWatchdog, 8000 ms, since 17.16): when one is held
 * past it, gating goes off for the whole device, every held spawn is resumed and
 * `spawn-gating-disabled` says `watchdog-timeout` (src/linux/linux-host-session.vala,
 * RoboLauncher.on_watchdog_expired / disable_spawn_gating).
 */
class FakeDevice implements DeviceHandle {
  readonly id = "fake";
  readonly serial = "fake";
  readonly name = "Fake";
  readonly kind = "usb" as const;
  readonly log: string[] = [];
  private nextPid = 100;
  private childHandler: ((c: ChildProcess) => void) | undefined;
  readonly detachers = new Map<number, (r: DetachReason, crash: string | null) => void>();
  readonly messagers = new Map<number, (m: ScriptMessage) => void>();
  failAttach = new Set<number>();

  async spawn(pkg: string): Promise<number> {
    this.log.push(`spawn ${pkg}`);
    return this.nextPid++;
  }
  async attach(pid: number): Promise<SessionHandle> {
    this.log.push(`attach ${pid}`);
    if (this.attachDelayMs > 0) await new Promise((r) => setTimeout(r, this.attachDelayMs));
    if (this.failAttach.has(pid)) throw new Error("unable to attach");
    const log = this.log;
    const device = this;
    const this_ = {
      createScript: async (_source: string, name: string): Promise<ScriptHandle> => session.createScript(_source, name),
    };
    const session: SessionHandle = {
      pid,
      async createScript(_source: string, name: string): Promise<ScriptHandle> {
        log.push(`createScript ${pid} ${name}`);
        const exports: AgentExports = {
          init: async () => {
            log.push(`init ${pid}`);
            return [["telephony.TelephonyManager.getImei", "hooked"]];
          },
          status: async () => ({ calls: 0, sampled: 0, batches: 0, errors: 0, hooked: 1, pending: 0 }),
          flush: async () => {
            log.push(`flush ${pid}`);
            return 0;
          },
          mark: async () => 0,
          dispose: async () => void log.push(`dispose ${pid}`),
        };
        return {
          exports,
          load: async () => void log.push(`load ${pid}`),
          unload: async () => void log.push(`unload ${pid}`),
          eternalize: async () => void log.push(`eternalize ${pid}`),
          onMessage: (h) => void device.messagers.set(pid, h),
        };
      },
      ...(device.compiles
        ? {
            compileScript: async (_source: string, name: string) => (log.push(`compile ${pid} ${name}`), new Uint8Array([1, 2, 3])),
            createScriptFromBytes: async (bytes: Uint8Array, name: string) => {
              log.push(`fromBytes ${pid} ${bytes.length}`);
              const s = await this_.createScript("", name);
              log.splice(log.lastIndexOf(`createScript ${pid} ${name}`), 1);
              return s;
            },
          }
        : {}),
      detach: async () => void log.push(`detach ${pid}`),
      onDetached: (h) => void device.detachers.set(pid, h),
    };
    return session;
  }
  /** Whether sessions can compile a script to bytecode (frida's compileScript / createScriptFromBytes). */
  compiles = false;
  /** Gated spawns and children not resumed yet. */
  readonly held = new Set<number>();
  watchdogMs: number | undefined;
  private disabledHandler: ((reason: string) => void) | undefined;
  async resume(pid: number): Promise<void> {
    this.held.delete(pid);
    this.log.push(`resume ${pid}`);
  }
  onSpawnGatingDisabled(h: (reason: string) => void): void {
    this.disabledHandler = h;
  }
  private watch(pid: number): void {
    if (this.watchdogMs === undefined) return;
    setTimeout(() => {
      if (!this.held.has(pid)) return;
      this.log.push("spawnGating off (watchdog)");
      for (const p of this.held) this.log.push(`resume ${p}`);
      this.held.clear();
      this.disabledHandler?.("watchdog-timeout");
    }, this.watchdogMs);
  }
  async kill(pid: number): Promise<void> {
    this.log.push(`kill ${pid}`);
  }
  childHandlers = 0;
  private spawnHandler: ((s: { pid: number; identifier: string }) => void) | undefined;
  gating = 0;
  onChildAdded(h: (c: ChildProcess) => void): void {
    this.childHandlers++;
    this.childHandler = h;
  }
  async enableSpawnGating(): Promise<void> {
    this.gating++;
    this.log.push("spawnGating on");
  }
  async disableSpawnGating(): Promise<void> {
    this.log.push("spawnGating off");
  }
  onSpawnAdded(h: (s: { pid: number; identifier: string }) => void): void {
    this.spawnHandler = h;
  }
  addSpawn(pid: number, identifier: string): void {
    this.log.push(`spawned ${pid} ${identifier}`);
    this.held.add(pid);
    this.watch(pid);
    this.spawnHandler?.({ pid, identifier });
  }
  addChild(pid: number, parentPid: number, identifier: string, more: Partial<ChildProcess> = {}): void {
    this.log.push(`child ${pid}`);
    this.held.add(pid);
    this.childHandler?.({ pid, parentPid, identifier, ...more });
  }
  /** Attaching takes this long (loading the agent and hooking in a real process). */
  attachDelayMs = 0;
}

function recorder() {
  const got = { messages: [] as [number, AgentMessage][], errors: [] as [number, string][], detached: [] as [number, DetachReason, string | null][], children: [] as string[], warnings: [] as string[] };
  return {
    got,
    events: {
      message: (pid: number, m: AgentMessage) => void got.messages.push([pid, m]),
      scriptError: (pid: number, d: string) => void got.errors.push([pid, d]),
      detached: (pid: number, r: DetachReason, c: string | null) => void got.detached.push([pid, r, c]),
      child: (pid: number, _parent: number, id: string, how?: { origin?: string; instrumented: boolean; argv?: readonly string[] }) =>
        void got.children.push(`${pid} ${id}${how ? ` ${how.origin ?? "?"} ${how.instrumented ? "instrumented" : "not instrumented"}${how.argv ? ` [${how.argv.join(" ")}]` : ""}` : ""}`),
      warning: (m: string) => void got.warnings.push(m),
    },
  };
}

const settle = () => new Promise((r) => setTimeout(r, 10));

describe("instrumenting an app through the device interface", () => {
  it("spawns, attaches, gates children, loads and inits the agent, and only then resumes", async () => {
    const d = new FakeDevice();
    const { events } = recorder();
    const app = await instrumentApp(d, "com.example.app", "/* agent */", { appPackage: "com.example.app" }, events);
    expect(d.log).toEqual(["spawnGating on", "spawn com.example.app", "attach 100", "createScript 100 permtrace-agent", "load 100", "init 100", "resume 100"]);
    expect(app.coverage).toEqual([["telephony.TelephonyManager.getImei", "hooked"]]);
  });

  it("instruments child processes before they resume, and forwards their messages", async () => {
    const d = new FakeDevice();
    const { got, events } = recorder();
    await instrumentApp(d, "com.example.app", "", { appPackage: "com.example.app" }, events);
    d.log.length = 0;
    d.addChild(200, 100, "com.example.app:push");
    await settle();
    expect(d.log).toEqual(["child 200", "attach 200", "createScript 200 permtrace-agent", "load 200", "init 200", "resume 200"]);
    expect(got.children).toEqual(["200 com.example.app:push spawn instrumented"]);
    d.messagers.get(200)!({ type: "send", payload: { type: "agent-error", where: "x", message: "y" } });
    d.messagers.get(100)!({ type: "error", description: "ReferenceError: boom" });
    expect(got.messages).toEqual([[200, { type: "agent-error", where: "x", message: "y" }]]);
    expect(got.errors).toEqual([[100, "ReferenceError: boom"]]);
  });

  it("a child that cannot be instrumented is still resumed, and the failure reported", async () => {
    const d = new FakeDevice();
    const { got, events } = recorder();
    await instrumentApp(d, "com.example.app", "", { appPackage: "com.example.app" }, events);
    d.failAttach.add(300);
    d.addChild(300, 100, "com.example.app:remote");
    await settle();
    expect(d.log.slice(-1)).toEqual(["resume 300"]);
    expect(got.errors[0]![1]).toMatch(/could not instrument com.example.app:remote: unable to attach/);
  });

  it("reports each detach reason with the crash, and forgets the process", async () => {
    for (const reason of ["process-terminated", "connection-terminated", "device-lost", "application-requested"] as DetachReason[]) {
      const d = new FakeDevice();
      const { got, events } = recorder();
      const app = await instrumentApp(d, "com.example.app", "", { appPackage: "com.example.app" }, events);
      d.detachers.get(100)!(reason, reason === "process-terminated" ? "SIGSEGV in libapp.so" : null);
      expect(got.detached).toEqual([[100, reason, reason === "process-terminated" ? "SIGSEGV in libapp.so" : null]]);
      expect(app.scripts.size).toBe(0);
    }
  });

  it("kills the spawned process when the agent cannot be loaded, and stops cleanly otherwise", async () => {
    const d = new FakeDevice();
    d.failAttach.add(100);
    await expect(instrumentApp(d, "com.example.app", "", { appPackage: "com.example.app" }, recorder().events)).rejects.toThrow(/unable to attach/);
    expect(d.log).toEqual(["spawnGating on", "spawn com.example.app", "attach 100", "kill 100"]);
    const ok = new FakeDevice();
    const app = await instrumentApp(ok, "com.example.app", "", { appPackage: "com.example.app" }, recorder().events);
    ok.log.length = 0;
    await app.flush();
    await app.stop(true);
    // Killed, the app keeps its agent to the end: no unload in a live process (it crashed HotSpot).
    expect(ok.log).toEqual(["flush 100", "dispose 100", "kill 100", "detach 100"]);
    const kept = new FakeDevice();
    const running = await instrumentApp(kept, "com.example.app", "", { appPackage: "com.example.app" }, recorder().events);
    kept.log.length = 0;
    await running.stop(false);
    // Left running, it keeps the disposed agent: eternalized, never unloaded.
    expect(kept.log).toEqual(["dispose 100", "eternalize 100", "detach 100"]);
  });
});

describe("the app's other processes", () => {
  it("instruments the app's zygote-spawned processes, lets other apps go at once, and listens once per device", async () => {
    const d = new FakeDevice();
    const { got, events } = recorder();
    const first = await instrumentApp(d, "com.example.app", "", { appPackage: "com.example.app" }, events);
    await first.stop(true);
    await instrumentApp(d, "com.example.app", "", { appPackage: "com.example.app" }, events);
    expect(d.childHandlers).toBe(1);
    expect(d.gating).toBe(1);
    d.log.length = 0;
    d.addSpawn(400, "com.other.app");
    d.addSpawn(401, "com.example.app:push");
    await settle();
    expect(d.log).toEqual(["spawned 400 com.other.app", "resume 400", "spawned 401 com.example.app:push", "attach 401", "createScript 401 permtrace-agent", "load 401", "init 401", "resume 401"]);
    expect(got.children).toEqual(["401 com.example.app:push spawn instrumented"]);
    const { releaseDevice } = await import("../../runner/device/session.js");
    await releaseDevice(d);
    expect(d.log[d.log.length - 1]).toBe("spawnGating off");
  });

  it("compiles the agent once per device and loads later processes from the bytecode (a shorter gated window)", async () => {
    const d = new FakeDevice();
    d.compiles = true;
    const { events } = recorder();
    await instrumentApp(d, "com.example.app", "/* agent */", { appPackage: "com.example.app" }, events);
    d.addSpawn(801, "com.example.app:push");
    await settle();
    expect(d.log.filter((l) => /^(compile|fromBytes|createScript)/.test(l))).toEqual(["compile 100 permtrace-agent", "fromBytes 100 3", "fromBytes 801 3"]);
  });

  it("lets a forked or exec'd child go at once, without the agent, and records what ran", async () => {
    const d = new FakeDevice();
    const { got, events } = recorder();
    await instrumentApp(d, "com.example.app", "", { appPackage: "com.example.app" }, events);
    d.log.length = 0;
    d.addChild(500, 100, "com.example.app", { origin: "fork" });
    d.addChild(500, 100, "/system/bin/getprop", { origin: "exec", path: "/system/bin/getprop", argv: ["getprop", "ro.serialno"] });
    await settle();
    // No attach, no script: the forking thread of the app waits only for the resume.
    expect(d.log).toEqual(["child 500", "resume 500", "child 500", "resume 500"]);
    expect(d.held.size).toBe(0);
    expect(got.children).toEqual(["500 com.example.app fork not instrumented", "500 /system/bin/getprop exec not instrumented [getprop ro.serialno]"]);
  });

  it("when frida's watchdog lets held spawns go, says so and switches spawn gating on again", async () => {
    const d = new FakeDevice();
    d.watchdogMs = 20;
    d.attachDelayMs = 60;
    const { got, events } = recorder();
    await instrumentApp(d, "com.example.app", "", { appPackage: "com.example.app" }, events);
    d.log.length = 0;
    d.addSpawn(600, "com.example.app:push");
    await new Promise((r) => setTimeout(r, 120));
    expect(d.log).toContain("spawnGating off (watchdog)");
    expect(d.log.filter((l) => l === "spawnGating on")).toHaveLength(1);
    expect(got.warnings.join("\n")).toMatch(/frida switched spawn gating off \(watchdog-timeout\).*switched on again/);
  });

  it("warns when a gated process was held long enough for frida's watchdog to matter", async () => {
    const d = new FakeDevice();
    const { got, events } = recorder();
    await instrumentApp(d, "com.example.app", "", { appPackage: "com.example.app" }, events);
    let clock = 0;
    const now = vi.spyOn(Date, "now").mockImplementation(() => (clock += 6_000));
    try {
      d.addSpawn(700, "com.example.app:push");
      await settle();
    } finally {
      now.mockRestore();
    }
    expect(got.warnings.join("\n")).toMatch(/com\.example\.app:push \(pid 700\) was held \d+\.\d s before it resumed/);
  });

  it("parses --device: an adb serial, or a serial with a remote frida-server", async () => {
    const { parseDevice } = await import("../../runner/device/backend.js");
    expect(parseDevice(undefined)).toEqual({});
    expect(parseDevice("192.168.1.5:5555")).toEqual({ serial: "192.168.1.5:5555" });
    expect(parseDevice("emulator-5554@127.0.0.1:27042")).toEqual({ serial: "emulator-5554", remote: "127.0.0.1:27042" });
  });
});

describe("frida backend without frida", () => {
  it("says exactly what is missing and how to get it", async () => {
    const { FridaBackend } = await import("../../runner/device/frida-backend.js");
    let line = "";
    try {
      await new FridaBackend().open({});
    } catch (e) {
      line = (e as { toLine(): string }).toLine();
    }
    expect(line).toMatch(/^--device: cannot load frida: .* — frida \(the Node binding, an optional dependency\) is not installed: .*npm install frida@/);
  });
});

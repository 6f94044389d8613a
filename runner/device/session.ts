import type { AgentConfig, AgentMessage, CoverageRow } from "../../agent/protocol.js";
import { GATING_GAP_WARNING } from "../../reports/trace/format.js";
import type { ChildProcess, DetachReason, DeviceHandle, ScriptHandle, SessionHandle } from "./backend.js";

/** What the runner learns from an instrumented process. */
export interface ProcessEvents {
  /** An agent message from one process. */
  message(pid: number, message: AgentMessage): void;
  /** A script error (an exception in the agent outside its own guards). */
  scriptError(pid: number, description: string): void;
  /** A process's session ended: the app crashed, frida-server died, the device was lost… */
  detached(pid: number, reason: DetachReason, crash: string | null): void;
  /**
   * A process of the app's was born: instrumented (`:push`, `:remote`… from spawn gating), or —
   * forked or exec'd (`Runtime.exec`: `getprop`, `su`, `sh -c …`) — let go at once, uninstrumented.
   */
  child?(pid: number, parentPid: number, identifier: string, how?: { readonly origin?: string; readonly instrumented: boolean; readonly argv?: readonly string[] }): void;
  /** Something that limits what the trace can show (a report warning in every format). */
  warning?(message: string): void;
}

/**
 * Frida-core (17.16+) gives each gated spawn 8 s before its watchdog switches gating off for the
 * device and resumes every held spawn (lib/base/session.vala, SpawnGatingWatchdog, timeout_msec
 * 8000; src/linux/linux-host-session.vala, RoboLauncher.on_watchdog_expired).
 */
export const GATED_WINDOW_WARN_MS = 5_000;

export interface Instrumented {
  readonly pid: number;
  readonly coverage: readonly CoverageRow[];
  readonly scripts: ReadonlyMap<number, ScriptHandle>;
  /** Flushes every process's agent (before a marker, so calls and marker line up). */
  flush(): Promise<void>;
  /** Flushes and disposes the agents; then keeps them in the app (eternalized, never unloaded) and detaches, the app running on — or, with `kill`, kills the app and detaches. */
  stop(kill?: boolean): Promise<void>;
}

/**
 * Starts the app with the agent loaded before any of its code runs: spawn (suspended) → attach →
 * load the agent → init → resume, so Application and ContentProvider start-up is seen. The app's
 * other processes, gated at their spawn, are instrumented the same way before they resume.
 */
export async function instrumentApp(
  device: DeviceHandle,
  packageName: string,
  agentSource: string,
  config: AgentConfig,
  events: ProcessEvents,
  /** Runs with the agent loaded, before the app resumes (the clock handshake). */
  beforeResume?: (script: ScriptHandle) => Promise<void>,
): Promise<Instrumented> {
  const scripts = new Map<number, ScriptHandle>();
  const sessions = new Map<number, SessionHandle>();

  async function instrument(pid: number): Promise<readonly CoverageRow[]> {
    const session = await device.attach(pid);
    sessions.set(pid, session);
    session.onDetached((reason, crash) => {
      sessions.delete(pid);
      scripts.delete(pid);
      events.detached(pid, reason, crash);
    });
    // No child gating: with it, frida-core makes every fork() in the app wait on frida-server
    // (the agent's prepare_to_fork, which aborts the app if that call fails), turns vfork into
    // fork, and holds the child until resumed (lib/agent/agent.vala, lib/payload/fork-monitor.vala);
    // the forked child's agent drops its scripts anyway. The app's own processes (`:push`…)
    // come from zygote and arrive through spawn gating.
    const script = await createAgentScript(device, session, agentSource);
    script.onMessage((m) => {
      if (m.type === "send") events.message(pid, m.payload as AgentMessage);
      else events.scriptError(pid, m.description);
    });
    await script.load();
    scripts.set(pid, script);
    return script.exports.init(config);
  }

  let stopped = false;
  const adopt = (pid: number, parentPid: number, identifier: string): void => {
    const held = Date.now();
    void (async () => {
      try {
        if (stopped) return;
        await instrument(pid);
        events.child?.(pid, parentPid, identifier, { origin: "spawn", instrumented: true });
      } catch (err) {
        events.scriptError(pid, `could not instrument ${identifier}: ${(err as Error)?.message ?? String(err)}`);
      } finally {
        // A gated process waits until resumed, instrumented or not.
        await device.resume(pid).catch(() => undefined);
        const ms = Date.now() - held;
        if (ms > GATED_WINDOW_WARN_MS) events.warning?.(`${identifier} (pid ${pid}) was held ${(ms / 1000).toFixed(1)} s before it resumed; frida's spawn-gating watchdog lets held processes go after about 8 s`);
      }
    })();
  };
  // One listener per device for its whole life: each launch's instrumentation takes over.
  const routes = routing(device);
  routes.child = (child) => {
    // Only a device layer that gates children by itself reports them (the runner does not ask
    // frida to). One that cannot say how the child was born gets the agent, as a gated spawn.
    if (child.origin === undefined) return adopt(child.pid, child.parentPid, child.identifier);
    // A forked or exec'd child (Runtime.exec: root checks, getprop) is held until resumed and the
    // thread that forked may wait on it: it must not wait for the agent to be loaded into a
    // process where only one thread survived the fork. It is recorded and let go at once.
    events.child?.(child.pid, child.parentPid, child.identifier, { origin: child.origin, instrumented: false, ...(child.argv ? { argv: child.argv } : {}) });
    void device.resume(child.pid).catch(() => undefined);
  };
  routes.gatingDisabled = (reason) => {
    events.warning?.(`${GATING_GAP_WARNING} (${reason}): processes of the app started meanwhile were not instrumented${reason === "watchdog-timeout" ? "; it was switched on again" : ""}`);
    if (reason === "watchdog-timeout" && !stopped) void device.enableSpawnGating?.().catch((err: unknown) => events.scriptError(-1, `spawn gating could not be switched on again: ${(err as Error)?.message ?? String(err)}`));
  };
  // The app's other processes come from zygote: spawn gating, filtered on the app's name; every
  // other app's process is let go at once.
  routes.spawn = (spawn) => {
    if (spawn.identifier === packageName || spawn.identifier.startsWith(`${packageName}:`)) adopt(spawn.pid, -1, spawn.identifier);
    else void device.resume(spawn.pid).catch(() => undefined);
  };
  if (device.enableSpawnGating && !routes.gating) {
    routes.gating = true;
    await device.enableSpawnGating().catch((err: unknown) => events.scriptError(-1, `spawn gating unavailable: ${(err as Error)?.message ?? String(err)}`));
  }

  const pid = await device.spawn(packageName);
  let coverage: readonly CoverageRow[];
  try {
    coverage = await instrument(pid);
    if (beforeResume) await beforeResume(scripts.get(pid)!);
  } catch (err) {
    await device.kill(pid).catch(() => undefined);
    throw err;
  }
  await device.resume(pid);

  return {
    pid,
    coverage,
    scripts,
    async flush() {
      await Promise.all([...scripts.values()].map((s) => s.exports.flush().catch(() => 0)));
    },
    async stop(kill = false) {
      stopped = true;
      // Each step on its own: one process's script failing (even synchronously) must not keep the others from theirs.
      const quietly = (f: () => Promise<unknown>): Promise<unknown> => Promise.resolve().then(f).catch(() => undefined);
      for (const s of scripts.values()) await quietly(() => s.exports.dispose());
      if (kill) {
        // A process about to be killed keeps its agent: unloading reverts every Java hook while
        // the app's threads run, which on HotSpot crashed the JVM about 2 runs in 3 with 400+ hooks
        // (test/frida/java-target.test.ts); killing first makes the detach a formality.
        await quietly(() => device.kill(pid));
        for (const s of sessions.values()) await quietly(() => s.detach());
        return;
      }
      // Left running, the process keeps the disposed agent (eternalized): unloading frees the C
      // filter's code while app threads may be inside a replaced function (a binder thread blocked
      // in ioctl, a writer in write) — they would return into freed memory (reproduced: SIGSEGV
      // after a blocked write; frida-gum gum/guminterceptor.c frees fast replacements without
      // waiting for callers) — and reverting 400+ Java hooks crashed HotSpot.
      for (const s of scripts.values()) await quietly(() => s.eternalize());
      for (const s of sessions.values()) await quietly(() => s.detach());
    },
  };
}

interface Routes {
  child?: (child: ChildProcess) => void;
  spawn?: (spawn: { readonly pid: number; readonly identifier: string }) => void;
  gatingDisabled?: (reason: string) => void;
  gating?: boolean;
}

const deviceRoutes = new WeakMap<DeviceHandle, Routes>();

/** The agent compiled once per device and source; a failed compile means loading from source. */
const compiled = new WeakMap<DeviceHandle, Map<string, Promise<Uint8Array | null>>>();

async function createAgentScript(device: DeviceHandle, session: SessionHandle, source: string): Promise<ScriptHandle> {
  const name = "permtrace-agent";
  if (!session.compileScript || !session.createScriptFromBytes) return session.createScript(source, name);
  let bySource = compiled.get(device);
  if (!bySource) compiled.set(device, (bySource = new Map()));
  let bytes = bySource.get(source);
  if (!bytes) bySource.set(source, (bytes = session.compileScript(source, name).catch(() => null)));
  const b = await bytes;
  return b ? session.createScriptFromBytes(b, name) : session.createScript(source, name);
}

/** The device's single child/spawn listeners, pointing at the current instrumentation. */
function routing(device: DeviceHandle): Routes {
  let r = deviceRoutes.get(device);
  if (!r) {
    const routes: Routes = {};
    r = routes;
    deviceRoutes.set(device, routes);
    device.onChildAdded((c) => routes.child?.(c));
    device.onSpawnAdded?.((sp) => routes.spawn?.(sp));
    device.onSpawnGatingDisabled?.((reason) => routes.gatingDisabled?.(reason));
  }
  return r;
}

/** Lets every gated spawn go: call when the run ends, or the device's other apps stay frozen. */
export async function releaseDevice(device: DeviceHandle): Promise<void> {
  const r = deviceRoutes.get(device);
  if (r?.gating) {
    r.gating = false;
    await device.disableSpawnGating?.().catch(() => undefined);
  }
}

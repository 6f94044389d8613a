import type { AgentConfig, AgentMessage, CoverageRow } from "../../agent/protocol.js";
import type { DetachReason, DeviceHandle, ScriptHandle, SessionHandle } from "./backend.js";

/** What the runner learns from an instrumented process. */
export interface ProcessEvents {
  /** An agent message from one process. */
  message(pid: number, message: AgentMessage): void;
  /** A script error (an exception in the agent outside its own guards). */
  scriptError(pid: number, description: string): void;
  /** A process's session ended: the app crashed, frida-server died, the device was lost… */
  detached(pid: number, reason: DetachReason, crash: string | null): void;
  /** A child process was instrumented (`:push`, `:remote`…). */
  child?(pid: number, parentPid: number, identifier: string): void;
}

export interface Instrumented {
  readonly pid: number;
  readonly coverage: readonly CoverageRow[];
  readonly scripts: ReadonlyMap<number, ScriptHandle>;
  /** Flushes every process's agent (before a marker, so calls and marker line up). */
  flush(): Promise<void>;
  /** Unloads the agents and detaches; the app keeps running unless `kill`. */
  stop(kill?: boolean): Promise<void>;
}

/**
 * Starts the app with the agent loaded before any of its code runs: spawn (suspended) → attach →
 * child gating on → load the agent → init → resume, so Application and ContentProvider start-up
 * is seen. Children are instrumented the same way before they resume.
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
    await session.enableChildGating();
    const script = await session.createScript(agentSource, "permtrace-agent");
    script.onMessage((m) => {
      if (m.type === "send") events.message(pid, m.payload as AgentMessage);
      else events.scriptError(pid, m.description);
    });
    await script.load();
    scripts.set(pid, script);
    return script.exports.init(config);
  }

  device.onChildAdded((child) => {
    void (async () => {
      try {
        await instrument(child.pid);
        events.child?.(child.pid, child.parentPid, child.identifier);
      } catch (err) {
        events.scriptError(child.pid, `could not instrument child ${child.identifier}: ${(err as Error)?.message ?? String(err)}`);
      } finally {
        // A gated child waits until resumed, instrumented or not.
        await device.resume(child.pid).catch(() => undefined);
      }
    })();
  });

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
      for (const s of scripts.values()) {
        await s.exports.dispose().catch(() => undefined);
        await s.unload().catch(() => undefined);
      }
      for (const s of sessions.values()) await s.detach().catch(() => undefined);
      if (kill) await device.kill(pid).catch(() => undefined);
    },
  };
}

/**
 * One instrumented run of the Java target through the runner's own code path, wired as
 * runner/commands/run.ts wires it: FridaBackend opens the local device (real frida-core through
 * the shim), instrumentApp spawns the harness (the shim's launcher), loads the built agent, inits
 * it, aligns the clocks and resumes; agent messages go into an AgentSink and a TraceWriter. The
 * consent marker is written through the same writer when the harness reaches its consent point.
 */
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CATALOGUE } from "../../../agent/catalogue/index.js";
import type { AgentConfig, AgentMessage, CoverageRow } from "../../../agent/protocol.js";
import { TraceWriter } from "../../../reports/trace/writer.js";
import { AgentSink } from "../../../runner/agent-sink.js";
import { FridaBackend } from "../../../runner/device/frida-backend.js";
import { AlignedClock, handshake } from "../../../runner/device/clock.js";
import { instrumentApp, releaseDevice, type Instrumented } from "../../../runner/device/session.js";
import { unregisterLauncher } from "../shim/launchers.js";
import { registerJavaLauncher, type JavaBuild, type JavaTarget } from "../support/java-target.js";
import { APP_PACKAGE, LATE_CLASSES } from "./call-script.js";

/** Hook ids of the classes the harness's plugin loader defines later. */
export const LATE_IDS: ReadonlySet<string> = new Set(CATALOGUE.filter((e) => LATE_CLASSES.has(e.className)).map((e) => e.id));

export interface RecordedRun {
  readonly dir: string;
  readonly target: JavaTarget;
  readonly exitCode: number | null;
  /** Coverage rows init returned (before any late class loader). */
  readonly initCoverage: readonly CoverageRow[];
  /** Every agent message, in arrival order. */
  readonly messages: readonly AgentMessage[];
  readonly scriptErrors: readonly string[];
  /** The sink's coverage at the end (the last coverage message). */
  readonly coverage: AgentSink["coverage"];
  /** Milliseconds from resume to "done". */
  readonly runMs: number;
}

async function until(what: string, cond: () => boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) return false;
    await new Promise((r) => setTimeout(r, 20));
  }
  return true;
}

/** `plugin`: whether the harness runs its plugin stage (a class loader made late). */
export async function recordJavaRun(build: JavaBuild, agentPath: string, config: Partial<AgentConfig> = {}, plugin = false): Promise<RecordedRun> {
  const device = await new FridaBackend().open({ serial: "local" });
  const dir = mkdtempSync(join(tmpdir(), "permtrace-java-trace-"));
  const t0 = performance.now();
  const hostNow = (): number => performance.now() - t0;
  const writer = new TraceWriter(dir, {
    tool: { name: "permtrace", version: "test" },
    device: { kind: device.kind, id: device.id, model: device.name },
    app: { package: APP_PACKAGE },
  });
  writer.mark({ t: 0, kind: "session_start" });
  let clock: AlignedClock | undefined;
  let target: JavaTarget | undefined;
  const messages: AgentMessage[] = [];
  const scriptErrors: string[] = [];
  let sink: AgentSink | undefined;
  const sinkFor = (pid: number): AgentSink => (sink ??= new AgentSink(writer, { pid, clockOffset: () => clock?.offsetMs ?? 0 }));
  let app: Instrumented | undefined;
  let launched: (a: Instrumented) => void = () => {};
  const instrumented = new Promise<Instrumented>((r) => (launched = r));

  registerJavaLauncher(APP_PACKAGE, build, plugin, (t) => {
    target = t;
    t.phases.consent = async () => {
      // What the agent holds belongs before the marker, as the runner does before its markers.
      await (await instrumented).flush();
      writer.mark({ t: hostNow(), kind: "consent_accepted" });
    };
    // Past the background rule's grace period (1 s by default) before the background read.
    t.phases.background = () => new Promise((r) => setTimeout(r, 1_500));
    // The agent retries pending classes on a timer after the loader's constructor: wait for it
    // (bounded) so the test does not race the agent. A failure to hook shows in the coverage.
    t.phases.loader = async () => {
      await until("the late hook", () => (sink?.coverage ?? []).some((r) => LATE_IDS.has(r.hook) && r.status === "hooked"), 5_000);
    };
    // After InitSdk the agent looks for IdSupplier implementations again; on HotSpot the bridge
    // installs a replacement on the script's next tick (frida-java-bridge lib/jvm.js,
    // ensureManglersScheduled): wait for the coverage naming the vendor's class.
    // OkHttp's classes arrive in a plugin loader: wait (bounded) for the agent's hook on its request path.
    t.phases.okhttp = async () => {
      await until("the OkHttp hook", () => (sink?.coverage ?? []).some((r) => r.hook === "net.CallServerInterceptor.intercept" && r.status === "hooked"), 5_000);
    };
    t.phases.conscrypt = async () => {
      await until("the Conscrypt hooks", () => (sink?.coverage ?? []).some((r) => r.hook.startsWith("net.SSLOutputStream.write.") && r.hook.endsWith("_bundled") && r.status === "hooked"), 5_000);
    };
    t.phases.oaid = async () => {
      await until("the vendor supplier's hook", () => (sink?.coverage ?? []).some((r) => r.hook === "ids.IdSupplier.getOAID" && (r.reason ?? "").includes("VendorSupplier")), 5_000);
    };
  });
  try {
    let resumedAt = 0;
    app = await instrumentApp(
      device,
      APP_PACKAGE,
      readFileSync(agentPath, "utf8"),
      { appPackage: APP_PACKAGE, salt: "s", batchSize: 64, ...config },
      {
        message: (pid, m) => {
          messages.push(m);
          sinkFor(pid).onMessage(m);
        },
        scriptError: (pid, d) => scriptErrors.push(`${pid}: ${d}`),
        detached: (pid, reason) => writer.mark({ t: hostNow(), kind: "process_end", pid, reason }),
      },
      async (script) => {
        clock = new AlignedClock(await handshake(hostNow, () => script.exports.mark("sync")));
        writer.mark({ t: hostNow(), kind: "clock_sync", offsetMs: clock.offsetMs });
        writer.mark({ t: hostNow(), kind: "app_launch", cold: true });
        // The privacy policy shows at launch; the harness accepts it at its consent point.
        writer.mark({ t: hostNow(), kind: "consent_shown" });
        resumedAt = performance.now();
      },
    );
    launched(app);
    writer.mark({ t: hostNow(), kind: "process_start", pid: app.pid, name: APP_PACKAGE });
    await target!.waitFor("done", (l) => l === "done", 60_000);
    const runMs = performance.now() - resumedAt;
    // The app ends with the agent in it, as a recorded app does (the runner kills it or it exits):
    // what was buffered is sent first. Unloading from a running JVM with this many Java hooks
    // crashed HotSpot about 2 runs in 3 (SIGSEGV on a native thread in frida-agent) — see
    // docs/agent.md; runner/device/session.ts never unloads from a process it is about to kill.
    await app.flush();
    const exitCode = await target!.exit();
    await app.stop(false);
    sink?.close();
    writer.updateManifest({ agent: { version: "test", coverage: sink?.coverage ?? [] } });
    writer.mark({ t: hostNow(), kind: "session_end" });
    writer.close();
    return { dir, target: target!, exitCode, initCoverage: app.coverage, messages, scriptErrors, coverage: sink?.coverage ?? [], runMs };
  } finally {
    unregisterLauncher(APP_PACKAGE);
    await releaseDevice(device);
    if (target) await target.exit(2_000);
  }
}

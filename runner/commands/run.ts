import { randomBytes } from "node:crypto";
import { stepNumber } from "../../reports/render/step-number.js";
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, rmdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { AgentMessage } from "../../agent/protocol.js";
import { PermtraceError, UsageError } from "../../reports/errors.js";
import { resolvePolicy, type ResolvedPolicy } from "../../reports/policy/policy.js";
import type { AppProfile } from "../../reports/profile.js";
import { judgedRecord, policyFile } from "../../reports/judged.js";
import { JUDGED_FILES, TRACE_FILES, type JudgedRecord } from "../../reports/trace/format.js";
import { TraceWriter } from "../../reports/trace/writer.js";
import { TOOL } from "../../reports/version.js";
import { AgentSink } from "../agent-sink.js";
import { readDeviceValues, type DeviceValues } from "../device/adb.js";
import { parseDevice, type DetachReason, type DeviceBackend, type DeviceHandle } from "../device/backend.js";
import { AlignedClock, handshake } from "../device/clock.js";
import { instrumentApp, releaseDevice, type Instrumented } from "../device/session.js";
import { logger } from "../logger.js";
import { runScenario, type DeviceActions, type ScenarioResult } from "../scenario/executor.js";
import { loadSuite } from "../scenario/load.js";
import type { UiDriver } from "../scenario/ui.js";
import { runReport, type ReportFormat, type ReportResult } from "./report.js";

/** The compiled agent: dist/agent/permtrace-agent.js beside this package's dist/runner. */
export function agentBundlePath(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, "package.json")) && dirname(dir) !== dir) dir = dirname(dir);
  return join(dir, "dist", "agent", "permtrace-agent.js");
}

export interface RunOptions {
  readonly app: string;
  readonly scenarios: string;
  readonly out: string;
  readonly device?: string;
  readonly policy?: string;
  readonly formats?: readonly ReportFormat[];
  /** The device layer (frida by default; the sandbox or a test's fake otherwise). */
  readonly backend: DeviceBackend;
  /** UI automation for the opened device (Appium by default). */
  readonly ui: (device: DeviceHandle) => Promise<{ ui: UiDriver; close(): Promise<void> }>;
  /** Device actions (adb by default); `spawn` starts the app with the agent. */
  readonly actions: (device: DeviceHandle, spawn: () => Promise<void>) => DeviceActions;
  readonly agentSource?: string;
  readonly sleep?: (ms: number) => Promise<void>;
  /** Run only these scenarios (by name), in suite order: how several devices share a suite. */
  readonly only?: readonly string[];
  readonly progress?: Progress;
  /**
   * Reads the device's identifiers before the first launch, for the agent's matcher: by default
   * the device's own (the sandbox knows its values), else over adb (runner/device/adb.ts).
   */
  readonly deviceValues?: (device: DeviceHandle) => Promise<DeviceValues>;
}

/** The device's known identifiers: its own when it knows them (the sandbox), else what adb may read. */
async function deviceValues(device: DeviceHandle): Promise<DeviceValues> {
  if (device.knownValues) return { values: device.knownValues(), warnings: [] };
  return device.kind === "sandbox" ? { values: [], warnings: [] } : readDeviceValues(device.serial);
}

/** What a progress display hears. */
export interface Progress {
  scenario(name: string, index: number, total: number): void;
  step(scenario: string, step: number, action: string): void;
  call(category: string): void;
  done(): void;
}

export interface RunResult {
  readonly trace: string;
  readonly scenarios: readonly ScenarioResult[];
  readonly incomplete?: string;
  readonly report: ReportResult;
}

/**
 * `permtrace run`: checks the suite and policy before any device work, then per scenario starts
 * the app through frida (spawn → agent → resume) whenever a step launches it, drives the steps,
 * and writes calls, stacks and markers to one trace as it goes; ends with the report. Sessions
 * and servers are closed in `finally`; a process that dies mid-scenario leaves the trace marked
 * incomplete and the run goes on with the next scenario.
 */
export async function runRun(o: RunOptions): Promise<RunResult> {
  const log = logger("run");
  const suite = loadSuite(o.scenarios);
  if (suite.profile.app !== o.app) {
    throw new UsageError(`--app ${o.app} is not the suite's app ${suite.profile.app}`, { where: "--app", fix: `pass --app ${suite.profile.app} or another suite` });
  }
  const policy = resolvePolicy(o.policy);
  const profilePath = join(o.scenarios, "app.profile.yaml");
  const source = o.agentSource ?? readAgent();
  if (existsSync(join(o.out, "manifest.json"))) {
    throw new UsageError("the output directory already holds a trace", { where: "--out", fix: "choose a new directory for each run" });
  }
  if (existsSync(o.out) && (!statSync(o.out).isDirectory() || readdirSync(o.out).length > 0)) {
    throw new UsageError(`${o.out} is not an empty directory`, { where: "--out", fix: "choose a new directory for each run" });
  }

  const device = await o.backend.open(parseDevice(o.device));
  // The host clock, or the device's when it simulates time (the sandbox skips through waits).
  const clockOf = device.time ?? { now: () => performance.now(), sleep: (ms: number) => new Promise<void>((res) => setTimeout(res, ms)) };
  const t0 = clockOf.now();
  const hostNow = (): number => clockOf.now() - t0;
  const outExisted = existsSync(o.out);
  const scenarios = o.only ? suite.scenarios.filter((s) => o.only!.includes(s.name)) : suite.scenarios;
  const judged = recordJudging(o.out, policy, suite.profile, profilePath);
  const writer = new TraceWriter(o.out, {
    tool: { name: TOOL.name, version: TOOL.version },
    device: { kind: device.kind, id: device.id, model: device.name, ...(device.apiLevel !== undefined ? { apiLevel: device.apiLevel } : {}) },
    app: { package: o.app, ...(suite.profile.ownPackages ? { ownPackages: suite.profile.ownPackages } : {}) },
    // Written before anything runs: a scenario missing from the timeline never ran, even if the run is killed.
    plan: { scenarios: scenarios.map((s) => s.name) },
    judged,
  });
  writer.mark({ t: 0, kind: "session_start" });
  const sinks = new Map<number, AgentSink>();
  /** Sinks of processes from earlier launches: their coverage and counts go into the manifest. */
  const retired: AgentSink[] = [];
  let clock: AlignedClock | undefined;
  let current: Instrumented | undefined;
  let incomplete: string | undefined;
  /** Processes the runner itself is ending (a relaunch, a revoke): their end is not a crash. */
  const expectedEnd = new Set<number>();
  /** Set when the app's main process died unexpectedly: the scenario cannot go on. */
  let appDied: string | undefined;
  /** Permissions the app asked for last: what the next permission dialog is about. */
  let lastRequested: string[] = [];
  // One salt for the whole run: the same identifier hashes alike in every process and launch, so
  // a report can tell that two SDKs read the same value; another run cannot link the hashes.
  const salt = randomBytes(16).toString("hex");
  const known = await (o.deviceValues ?? deviceValues)(device);
  const agentConfig = { appPackage: o.app, salt, ...(known.values.length > 0 ? { knownValues: known.values } : {}) };
  const screenshotsDir = join(o.out, "screenshots");
  mkdirSync(screenshotsDir, { recursive: true });

  const sinkFor = (pid: number): AgentSink => {
    let s = sinks.get(pid);
    if (!s) sinks.set(pid, (s = new AgentSink(writer, { pid, clockOffset: () => clock?.offsetMs ?? 0, onRequest: (req: string[]) => void (lastRequested = req), ...(o.progress ? { onCall: (c: string) => o.progress!.call(c) } : {}), onAgentError: (where, message) => log.warn({ pid, where }, message.split("\n")[0]) })));
    return s;
  };
  /** The agents' coverage (and sampling, stack source) into the manifest. */
  const writeAgent = (): void => {
    const all = [...retired, ...sinks.values()];
    const coverage = all.flatMap((s) => s.coverage);
    const sampled: Record<string, number> = {};
    for (const s of all) for (const [h, n] of s.sampled) sampled[h] = (sampled[h] ?? 0) + n;
    const stacks = all.find((s) => s.stackSource)?.stackSource;
    writer.updateManifest({ agent: { version: TOOL.version, coverage: dedupe(coverage), ...(Object.keys(sampled).length ? { sampledCalls: sampled } : {}), ...(stacks ? { stacks } : {}) } });
  };
  const events = {
    message: (pid: number, m: AgentMessage) => {
      sinkFor(pid).onMessage(m);
      // As soon as an agent says what it hooked: a run killed later still shows the agent loaded.
      if (m.type === "coverage") writeAgent();
    },
    scriptError: (pid: number, d: string) => log.warn({ pid }, d),
    detached: (pid: number, reason: DetachReason, crash: string | null) => {
      writer.mark({ t: hostNow(), kind: "process_end", pid, reason: crash ? `${reason}: ${crash}` : reason, ...(expectedEnd.has(pid) ? { expected: true } : {}) });
      // Only the main process ending on its own is a crash; the runner's own kills and
      // short-lived child processes are not.
      if (reason === "application-requested" || expectedEnd.has(pid) || pid !== current?.pid) return;
      appDied = `the app's process ${pid} ended (${reason}${crash ? `: ${crash}` : ""})`;
      incomplete = `${appDied} during the run`;
      writer.mark({ t: hostNow(), kind: "incomplete", reason: incomplete });
    },
    child: (pid: number, _parent: number, id: string, how?: { readonly origin?: string; readonly instrumented: boolean; readonly argv?: readonly string[] }) =>
      writer.mark({ t: hostNow(), kind: "process_start", pid, name: how?.argv?.length ? how.argv.join(" ").slice(0, 1000) : id, ...(how?.origin ? { origin: how.origin } : {}), ...(how ? { instrumented: how.instrumented } : {}) }),
    warning: (message: string) => {
      log.warn(message);
      writer.mark({ t: hostNow(), kind: "warning", reason: message });
    },
  };

  // Identifiers adb could not read: the trace says so (a send of one is caught only after a hooked read).
  for (const w of known.warnings) events.warning(w);

  /** The processes of the current launch are about to be ended by the runner. */
  const expectEnd = (): void => {
    for (const pid of current?.scripts.keys() ?? []) expectedEnd.add(pid);
    if (current) expectedEnd.add(current.pid);
  };
  const spawn = async (): Promise<void> => {
    expectEnd();
    if (current) await current.stop(true).catch(() => undefined);
    for (const [pid, sink] of sinks) {
      sink.close();
      retired.push(sink);
      sinks.delete(pid);
    }
    appDied = undefined;
    current = await instrumentApp(device, o.app, source, agentConfig, events, async (script) => {
      // One clock: the agent's (CLOCK_MONOTONIC, shared by the device's processes) aligned to the
      // host's, and the launch on the timeline, before any of the app's code runs.
      clock = new AlignedClock(await handshake(hostNow, () => script.exports.mark("sync")));
      writer.mark({ t: hostNow(), kind: "clock_sync", offsetMs: clock.offsetMs });
      writer.mark({ t: hostNow(), kind: "app_launch", cold: true });
    });
    writer.mark({ t: hostNow(), kind: "process_start", pid: current.pid, name: o.app });
  };

  /** Set when this step's settle re-checked the clock already. */
  let clockChecked = false;
  const recheckClock = async (script: { readonly exports: { mark(label: string): Promise<number> } }): Promise<void> => {
    // Drift check at every step: the offset in use follows the device's clock.
    const r = await clock!.recheck(hostNow, () => script.exports.mark("sync"));
    writer.mark({ t: hostNow(), kind: "clock_sync", offsetMs: r.offsetMs, driftMs: r.driftMs });
  };
  /**
   * A round trip to the main process's agent (bounded): a process that died answers with an error
   * and its detach arrives. After a step the clock re-check is that round trip, so a step costs
   * one exchange with the agent, not a probe and then a re-check.
   */
  const settle = async (afterStep = false): Promise<void> => {
    const script = current?.scripts.get(current.pid);
    if (!script) return;
    const probe = afterStep && clock ? recheckClock(script).then(() => void (clockChecked = true)) : script.exports.status().then(() => undefined);
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([probe.then(() => undefined, () => new Promise<void>((r) => setTimeout(r, 200))), new Promise<void>((r) => (timer = setTimeout(r, 1000)))]);
    clearTimeout(timer);
  };
  let ui: { ui: UiDriver; close(): Promise<void> } | undefined;
  /** Whether the UI came up: before it, a failed run recorded nothing of the app's and leaves no trace. */
  let uiUp = false;
  const results: ScenarioResult[] = [];
  try {
    ui = await o.ui(device);
    uiUp = true;
    const base = o.actions(device, spawn);
    // Steps that make the system kill the app: its end is expected, not a crash.
    const actions: DeviceActions = { ...bind(base), launch: (c) => (expectEnd(), base.launch(c)), revoke: (p) => (expectEnd(), base.revoke(p)) };
    let shot = 0;
    for (const [index, scenario] of scenarios.entries()) {
      o.progress?.scenario(scenario.name, index, scenarios.length);
      log.info({ scenario: scenario.name }, "scenario");
      const r = await runScenario(scenario, {
        ui: ui.ui,
        device: actions,
        // A dialog answer is about what the app asked for last (the agent saw the request).
        mark: (m) => writer.mark(m.kind === "permission_dialog_answered" && !m.permissions && lastRequested.length > 0 ? { ...m, permissions: lastRequested } : m),
        aborted: () => appDied,
        // frida reports a crash asynchronously (after the crash report): ask the app's agent,
        // briefly, so a dead process is known before the step is judged.
        settle: () => settle(true),
        now: hostNow,
        sleep: o.sleep ?? ((ms) => clockOf.sleep(ms)),
        afterStep: async (scenarioName, step, action) => {
          // A step that failed (or whose settle did not run) has not re-checked the clock yet.
          const script = current?.scripts.get(current.pid);
          if (clock && script && !clockChecked) await recheckClock(script).catch(() => undefined);
          clockChecked = false;
          o.progress?.step(scenarioName, step, action);
        },
        saveScreenshot: (name, png) => {
          const file = `${String(++shot).padStart(4, "0")}-${name.replace(/[^\w.-]/g, "_")}.png`;
          writeFileSync(join(screenshotsDir, file), Buffer.from(png, "base64"));
          return `screenshots/${file}`;
        },
      });
      results.push(r);
      // What the agents buffered belongs before the next scenario's markers.
      await current?.flush();
      if (r.status === "failed") log.warn({ scenario: r.scenario, ...(r.failure ? { step: stepNumber(r.failure.step) } : {}) }, r.failure?.error ?? "failed");
    }
  } catch (err) {
    incomplete ??= `the run stopped: ${(err as { toLine?: () => string }).toLine?.() ?? (err as Error)?.message ?? String(err)}`;
    throw err;
  } finally {
    // A crash at the last step must not be lost: its detach may still be on its way.
    await settle().catch(() => undefined);
    await current?.flush().catch(() => undefined);
    await current?.stop(false).catch(() => undefined);
    await releaseDevice(device);
    await ui?.close().catch(() => undefined);
    for (const s of sinks.values()) s.close();
    writeAgent();
    writer.mark({ t: hostNow(), kind: "session_end" });
    writer.close(incomplete);
    o.progress?.done();
    // Nothing of the app's was recorded: leave no half-made trace to block the same --out next time.
    if (!uiUp) removeUnstartedTrace(o.out, outExisted);
  }
  // Judged with what the trace recorded (checked against its sha256s): a later `permtrace report` on it says the same.
  const report = await runReport({ trace: o.out, formats: o.formats ?? ["json", "md"] });
  return { trace: o.out, scenarios: results, ...(incomplete ? { incomplete } : {}), report };
}

/**
 * Copies the policy (its effective settings: an `extends` chain of files cannot break) and the
 * suite's profile (as read: the same bytes are hashed and written) into the trace, and returns the
 * manifest's record of them. A trace then carries how it was judged: a report later, elsewhere,
 * or after the suite was edited judges it alike, and a changed copy is caught by its sha256.
 */
function recordJudging(out: string, policy: ResolvedPolicy, profile: AppProfile, profilePath: string): JudgedRecord {
  const bytes = readFileSync(profilePath);
  mkdirSync(join(out, JUDGED_FILES.dir), { recursive: true });
  writeFileSync(join(out, JUDGED_FILES.policy), policyFile(policy));
  writeFileSync(join(out, JUDGED_FILES.profile), bytes);
  return judgedRecord(policy, { profile, path: profilePath, bytes });
}

function dedupe<T extends { hook: string }>(rows: T[]): T[] {
  const m = new Map<string, T>();
  for (const r of rows) if (!m.has(r.hook) || (r as { status?: string }).status === "hooked") m.set(r.hook, r);
  return [...m.values()];
}

function readAgent(): string {
  const path = agentBundlePath();
  if (!existsSync(path)) throw new PermtraceError("the agent bundle is missing", { where: path, fix: "run `npm run build` in the permtrace folder" });
  return readFileSync(path, "utf8");
}

/** An object's methods bound to it, so they can be spread into another. */
function bind(a: DeviceActions): DeviceActions {
  return {
    launch: a.launch.bind(a),
    back: a.back.bind(a),
    home: a.home.bind(a),
    bringToFront: a.bringToFront.bind(a),
    screenOff: a.screenOff.bind(a),
    screenOn: a.screenOn.bind(a),
    grant: a.grant.bind(a),
    revoke: a.revoke.bind(a),
  };
}

/**
 * A run whose UI never came up recorded nothing of the app's: removes what it wrote — only the
 * trace's own files, never through a link, and the folder only when this run made it — so the
 * same --out works next time. Never throws: the run's own error is what the user must see.
 */
function removeUnstartedTrace(out: string, existed: boolean): void {
  try {
    for (const f of [...Object.values(TRACE_FILES), JUDGED_FILES.policy, JUDGED_FILES.profile, JUDGED_FILES.dir, "screenshots"]) {
      const p = join(out, f);
      if (!existsSync(p)) continue;
      const st = lstatSync(p);
      if (st.isSymbolicLink()) continue;
      if (st.isDirectory()) {
        if (readdirSync(p).length === 0) rmdirSync(p);
      } else rmSync(p, { force: true });
    }
    if (!existed && !lstatSync(out).isSymbolicLink() && readdirSync(out).length === 0) rmdirSync(out);
  } catch {
    // leave what cannot be removed
  }
}

import { packerOf } from "./data/packers.js";
import { stepNumber } from "./render/step-number.js";
import { GATING_GAP_WARNING, type Marker, type TraceManifest } from "./trace/format.js";

/**
 * What a trace can vouch for, computed once per report: every renderer states it first, and
 * `--fail-on` refuses a report that cannot vouch for the whole run (no evidence is not a pass).
 */
export type ReportStatus = "clean" | "findings" | "incomplete" | "no-evidence" | "blocked";
export const REPORT_STATUSES: readonly ReportStatus[] = ["clean", "findings", "incomplete", "no-evidence", "blocked"];

/** ok: ran to the end; failed: stopped at a step; unfinished: started, the trace ends inside it; not-run: planned, never started. */
export type ScenarioOutcome = "ok" | "failed" | "unfinished" | "not-run";
export const SCENARIO_OUTCOMES: readonly ScenarioOutcome[] = ["ok", "failed", "unfinished", "not-run"];

export interface ScenarioEvidence {
  readonly name: string;
  readonly outcome: ScenarioOutcome;
  /** failed or unfinished: the step (0-based) it failed at or was cut off in, and its action. */
  readonly step?: number;
  readonly action?: string;
  readonly error?: string;
}

export interface Evidence {
  /** The agent loaded in the app: it reported its hook coverage (installed, absent, failed). */
  readonly agent: { readonly loaded: boolean; readonly hooked: number; readonly absent: number; readonly failed: number };
  readonly calls: number;
  readonly complete: boolean;
  /** The trace recorded the scenarios it was to run (manifest `plan`): only then can it tell one that never ran. */
  readonly planned: boolean;
  /** At most MAX_EVIDENCE_SCENARIOS, those not ok first kept; `outcomes` counts them all. */
  readonly scenarios: readonly ScenarioEvidence[];
  readonly outcomes: Readonly<Record<ScenarioOutcome, number>>;
  /** Scenarios not listed past MAX_EVIDENCE_SCENARIOS. */
  readonly scenariosOmitted?: number;
  /** Why the app blocked the agent (status `blocked`): a packer's stub, an end right after the agent loaded, a detach. */
  readonly blocked?: readonly BlockedEvidence[];
  /** Why the status is `blocked`, `no-evidence` or `incomplete`, the most basic first; empty otherwise. Untrusted text. */
  readonly problems: readonly string[];
}

/**
 * packed: the Application class is a known packer's stub; ended: the app's main process ended
 * on its own (not by a Java exception) soon after the agent loaded, before any step but its launch
 * completed; detached:
 * the agent lost the main process without the process ending (connection-terminated, device-lost…).
 */
export type BlockedKind = "packed" | "ended" | "detached";

export interface BlockedEvidence {
  readonly kind: BlockedKind;
  /** One line: "packed by <vendor>", "the app ended right after the agent loaded", "the agent was detached". */
  readonly reason: string;
  readonly pid: number;
  /** The process's name (untrusted). */
  readonly process?: string;
  /** The process's Application class, as the agent saw it (untrusted). */
  readonly application?: string;
  readonly packer?: string;
  /** ended, detached: when, on the trace clock, and how long after the agent loaded (its launch). */
  readonly t?: number;
  readonly afterLoadMs?: number;
  /** ended, detached: frida's detach reason with the crash text, as the trace's process_end says (untrusted). */
  readonly detach?: string;
}

/** The trace's evidence and the report's status. `findings` is the number of findings listed. */
export function assessEvidence(manifest: TraceManifest, markers: readonly Marker[], calls: number, findings: number): { status: ReportStatus; evidence: Evidence } {
  const coverage = manifest.agent?.coverage ?? [];
  const count = (s: string): number => coverage.filter((c) => c.status === s).length;
  const agent = { loaded: coverage.length > 0, hooked: count("hooked"), absent: count("absent"), failed: count("failed") };
  const plan = manifest.plan?.scenarios;
  const all = scenarioOutcomes(markers, plan ?? []);
  const outcomes = { ok: 0, failed: 0, unfinished: 0, "not-run": 0 };
  for (const s of all) outcomes[s.outcome]++;
  const scenarios = bounded(all);
  const blocked = blockedEvidence(manifest, markers);
  const none: string[] = [];
  if (!agent.loaded) none.push("the agent never reported that it loaded (no hook coverage in the trace)");
  else if (agent.hooked === 0) none.push("the agent installed no hook");
  if (calls === 0) none.push("no call was recorded (calls.jsonl is empty)");
  if (plan && plan.length > 0 && outcomes["not-run"] === all.length) none.push(`none of the ${plan.length} planned scenario(s) ran: the run was cut off before the first`);
  const partial: string[] = [];
  if (manifest.complete !== true) partial.push(`the run did not finish cleanly${manifest.incompleteReason ? ` (${manifest.incompleteReason})` : ""}`);
  for (const s of scenarios) if (s.outcome !== "ok") partial.push(describeScenario(s));
  if (markers.some((m) => m.kind === "warning" && typeof m.reason === "string" && m.reason.startsWith(GATING_GAP_WARNING))) {
    partial.push("frida's spawn gating was switched off during the run (its watchdog): processes of the app born meanwhile ran without the agent");
  }
  const unlisted = all.length - outcomes.ok - scenarios.filter((s) => s.outcome !== "ok").length;
  if (unlisted > 0) partial.push(`${unlisted} more scenario(s) did not run to the end (not listed)`);
  // Blocked first: the app fought the agent, which says more than "no evidence" and is what to act on.
  const status: ReportStatus = blocked.length > 0 ? "blocked" : none.length > 0 ? "no-evidence" : partial.length > 0 ? "incomplete" : findings > 0 ? "findings" : "clean";
  const omitted = all.length - scenarios.length;
  const why = blocked.map(describeBlocked);
  return { status, evidence: { agent, calls, complete: manifest.complete === true, planned: plan !== undefined, scenarios, outcomes, ...(omitted > 0 ? { scenariosOmitted: omitted } : {}), ...(blocked.length > 0 ? { blocked } : {}), problems: [...why, ...none, ...partial] } };
}

/** Scenarios listed at most (a trace can hold any number of markers); names and errors are cut too. */
export const MAX_EVIDENCE_SCENARIOS = 1000;

/** Those that did not run to the end are kept first, in order; names and errors cut. */
function bounded(all: readonly ScenarioEvidence[]): ScenarioEvidence[] {
  const cut = (s: ScenarioEvidence): ScenarioEvidence => ({ ...s, name: clip(s.name, 300), ...(s.action !== undefined ? { action: clip(s.action, 100) } : {}), ...(s.error !== undefined ? { error: clip(s.error, 1000) } : {}) });
  if (all.length <= MAX_EVIDENCE_SCENARIOS) return all.map(cut);
  const keep = new Set([...all.filter((s) => s.outcome !== "ok"), ...all.filter((s) => s.outcome === "ok")].slice(0, MAX_EVIDENCE_SCENARIOS));
  return all.filter((s) => keep.has(s)).map(cut);
}

function clip(s: string, max: number): string {
  return s.length > max ? `${s.slice(0, max)}…` : s;
}

/** One line about a scenario that did not run to the end (its name and error are untrusted). */
export function describeScenario(s: ScenarioEvidence): string {
  const at = s.step !== undefined ? ` at step ${stepNumber(s.step)}${s.action ? ` (${s.action})` : ""}` : "";
  if (s.outcome === "failed") return `scenario ${s.name} failed${at}${s.error ? `: ${s.error}` : ""}`;
  if (s.outcome === "unfinished") return `scenario ${s.name} did not finish: the trace ends${at || " in it"}`;
  if (s.outcome === "not-run") return `scenario ${s.name} never ran${s.error ? ` (${s.error})` : ""}`;
  return `scenario ${s.name} ran to the end`;
}

/** Scenarios in the order they ran, then the planned ones that never started, in plan order. */
function scenarioOutcomes(markers: readonly Marker[], plan: readonly string[]): ScenarioEvidence[] {
  const out: { name: string; outcome: ScenarioOutcome; step?: number; action?: string; error?: string }[] = [];
  let open: (typeof out)[number] | undefined;
  for (const m of markers) {
    if (m.kind === "scenario_start" && m.scenario !== undefined) {
      open = { name: m.scenario, outcome: "unfinished" };
      out.push(open);
    } else if (open && m.scenario === open.name && (m.kind === "step_start" || m.kind === "step_end")) {
      open.step = m.step;
      if (m.action !== undefined) open.action = m.action;
      // The failed step's own error is the message; scenario_end repeats it with the step's line.
      if (m.kind === "step_end" && m.status === "failed" && m.error !== undefined) open.error = m.error;
    } else if (open && m.kind === "scenario_end" && m.scenario === open.name) {
      // An end without a status (a hand-made trace) still ended; only the executor's words mark a failure or a skip.
      open.outcome = m.status === "failed" ? "failed" : m.status === "skipped" ? "not-run" : "ok";
      if (open.outcome === "ok") {
        delete open.step;
        delete open.action;
      } else if (open.error === undefined && m.error !== undefined) open.error = m.error;
      open = undefined;
    }
  }
  const started = new Set(out.map((s) => s.name));
  for (const name of plan) if (!started.has(name)) out.push({ name, outcome: "not-run" });
  return out;
}

/** How soon after the agent loaded an end of the app's own counts as the app refusing it. */
export const BLOCKED_END_MS = 5000;
/** Blocked entries kept at most (a trace may relaunch a blocking app many times). */
const MAX_BLOCKED = 20;

/** One line about a blocked run, with its evidence (process, class, timing, detach reason: untrusted). */
export function describeBlocked(b: BlockedEvidence): string {
  const proc = `process ${b.pid}${b.process ? ` (${clip(b.process, 200)})` : ""}`;
  const cls = b.application ? `Application class ${clip(b.application, 300)}` : "";
  const when = b.afterLoadMs !== undefined ? `${(b.afterLoadMs / 1000).toFixed(1)} s after the agent loaded` : "";
  const how = b.detach ? `: ${clip(b.detach, 500)}` : "";
  if (b.kind === "packed") return `blocked: ${b.reason} — ${proc}, ${cls}`;
  if (b.kind === "ended") return `blocked: ${b.reason} — ${proc} ended ${when}, before any step but its launch completed${cls ? `; ${cls}` : ""}${how}`;
  return `blocked: ${b.reason} — ${proc}${when ? `, ${when}` : ""}, without the process ending${cls ? `; ${cls}` : ""}${how}`;
}

/**
 * The ways the trace shows the app kept the agent out: a packer's Application class in any of
 * its processes; the main process (named after the package, or one that ended before the runner
 * named it) ending on its own within BLOCKED_END_MS of its launch, before any step but the launch
 * completed, and not by an uncaught Java exception (the app's own crash);
 * the main process detached without ending. The runner's own ends (its detach,
 * `application-requested`; a relaunch or revoke, `expected`) are not.
 */
function blockedEvidence(manifest: TraceManifest, markers: readonly Marker[]): BlockedEvidence[] {
  const names = new Map<number, string>();
  const classes = new Map<number, string>();
  for (const m of markers) {
    if (m.pid === undefined || m.name === undefined) continue;
    if (m.kind === "process_start" && !names.has(m.pid)) names.set(m.pid, m.name);
    if (m.kind === "application" && !classes.has(m.pid)) classes.set(m.pid, m.name);
  }
  const out: BlockedEvidence[] = [];
  const known = (pid: number) => ({ pid, ...(names.has(pid) ? { process: clip(names.get(pid)!, 300) } : {}), ...(classes.has(pid) ? { application: clip(classes.get(pid)!, 300) } : {}) });
  // Every process of a packed app starts in the stub: the first one says it.
  const vendors = new Set<string>();
  for (const [pid, cls] of classes) {
    const p = packerOf(cls);
    if (p && !vendors.has(p.vendor)) out.push({ kind: "packed", reason: `packed by ${p.vendor}`, ...known(pid), packer: p.vendor });
    if (p) vendors.add(p.vendor);
  }
  for (const end of markers) {
    if (end.kind !== "process_end" || end.pid === undefined || end.expected === true) continue;
    const detach = end.reason ?? "";
    if (detach.startsWith("application-requested")) continue;
    const name = names.get(end.pid);
    if (name !== undefined && name !== manifest.app.package) continue;
    const at = loadIndex(markers, end.pid, end.t);
    const afterLoadMs = at === undefined ? undefined : Math.max(0, Math.round(end.t - markers[at]!.t));
    const base = { ...known(end.pid), t: end.t, ...(afterLoadMs !== undefined ? { afterLoadMs } : {}), ...(detach ? { detach: clip(detach, 1000) } : {}) };
    if (!detach.startsWith("process-terminated") && detach !== "") out.push({ kind: "detached", reason: "the agent was detached", ...base });
    else if (at !== undefined && afterLoadMs! <= BLOCKED_END_MS && !javaCrash(detach) && !stepDone(markers, at, end)) out.push({ kind: "ended", reason: "the app ended right after the agent loaded", ...base });
  }
  return out.slice(0, MAX_BLOCKED);
}

/**
 * The crash text names an uncaught Java exception (Android's "FATAL EXCEPTION", or an exception or
 * error class): the app's own crash, reported as such (incomplete). Packers and anti-Frida checks
 * end the process with a signal, exit() or a native fault instead.
 */
function javaCrash(detach: string): boolean {
  return /FATAL EXCEPTION|\b[a-z][\w$]*(\.[\w$]+)+(Exception|Error)\b/.test(detach);
}

/**
 * Where the agent loaded in the process, as an index in the timeline: the launch before its
 * process_start (or before its end, when it never got one), else the process_start itself.
 * An index, not a time: on the sandbox a scenario's last step and the next launch share an instant.
 */
function loadIndex(markers: readonly Marker[], pid: number, endT: number): number | undefined {
  const start = markers.findIndex((m) => m.kind === "process_start" && m.pid === pid);
  const until = start >= 0 ? start : markers.findIndex((m) => m.kind === "process_end" && m.pid === pid && m.t === endT);
  for (let i = until; i >= 0; i--) if (markers[i]!.kind === "app_launch") return i;
  return start >= 0 ? start : undefined;
}

/**
 * A step other than a launch ran to the end after the process's load and before its end. The
 * launch that started the process does not count: it ends as soon as the app is up, before an
 * anti-instrumentation check has had time to end it.
 */
function stepDone(markers: readonly Marker[], from: number, end: Marker): boolean {
  for (let i = from + 1; i < markers.length && markers[i] !== end; i++) {
    const m = markers[i]!;
    if (m.kind === "step_end" && m.status === "ok" && m.action !== "launch") return true;
  }
  return false;
}

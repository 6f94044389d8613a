import type { Marker, TraceManifest } from "./trace/format.js";

/**
 * What a trace can vouch for, computed once per report: every renderer states it first, and
 * `--fail-on` refuses a report that cannot vouch for the whole run (no evidence is not a pass).
 */
export type ReportStatus = "clean" | "findings" | "incomplete" | "no-evidence";
export const REPORT_STATUSES: readonly ReportStatus[] = ["clean", "findings", "incomplete", "no-evidence"];

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
  /** Why the status is `no-evidence` or `incomplete`, the most basic first; empty otherwise. Untrusted text. */
  readonly problems: readonly string[];
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
  const none: string[] = [];
  if (!agent.loaded) none.push("the agent never reported that it loaded (no hook coverage in the trace)");
  else if (agent.hooked === 0) none.push("the agent installed no hook");
  if (calls === 0) none.push("no call was recorded (calls.jsonl is empty)");
  if (plan && plan.length > 0 && outcomes["not-run"] === all.length) none.push(`none of the ${plan.length} planned scenario(s) ran: the run was cut off before the first`);
  const partial: string[] = [];
  if (manifest.complete !== true) partial.push(`the run did not finish cleanly${manifest.incompleteReason ? ` (${manifest.incompleteReason})` : ""}`);
  for (const s of scenarios) if (s.outcome !== "ok") partial.push(describeScenario(s));
  const unlisted = all.length - outcomes.ok - scenarios.filter((s) => s.outcome !== "ok").length;
  if (unlisted > 0) partial.push(`${unlisted} more scenario(s) did not run to the end (not listed)`);
  const status: ReportStatus = none.length > 0 ? "no-evidence" : partial.length > 0 ? "incomplete" : findings > 0 ? "findings" : "clean";
  const omitted = all.length - scenarios.length;
  return { status, evidence: { agent, calls, complete: manifest.complete === true, planned: plan !== undefined, scenarios, outcomes, ...(omitted > 0 ? { scenariosOmitted: omitted } : {}), problems: [...none, ...partial] } };
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
  const at = s.step !== undefined ? ` at step ${s.step + 1}${s.action ? ` (${s.action})` : ""}` : "";
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

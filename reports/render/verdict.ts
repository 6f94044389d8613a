import type { Analysis } from "../analyze.js";
import type { ReportStatus, ScenarioOutcome } from "../evidence.js";

/**
 * The report's verdict in words, shared by every output so they say the same thing first.
 * Plain text: problem lines carry the trace's scenario names and errors, so each renderer
 * escapes them for its format.
 */
const HEADLINE: Record<ReportStatus, string> = {
  blocked: "BLOCKED: the app kept the agent from recording it — not a pass; what to try: docs/blocked.md",
  "no-evidence": "NO EVIDENCE: this trace cannot vouch for the app — not a pass",
  incomplete: "INCOMPLETE: the run did not do all it was to do — not a clean result; findings cover what was recorded",
  findings: "FINDINGS: the run is complete and has findings",
  clean: "CLEAN: the run is complete and has no finding",
};

export function verdictHeadline(a: Pick<Analysis, "status">): string {
  return HEADLINE[a.status];
}

/** Problems listed at most, in every output; the rest are counted (findings.json has them all). */
export const MAX_VERDICT_PROBLEMS = 20;

/** The problems behind a blocked, no-evidence or incomplete status, bounded. */
export function verdictProblems(a: Pick<Analysis, "evidence">): string[] {
  const p = a.evidence.problems;
  const shown = p.slice(0, MAX_VERDICT_PROBLEMS);
  if (p.length > shown.length) shown.push(`${p.length - shown.length} more: see findings.json (evidence.problems)`);
  return shown;
}

/** One line: what the trace vouches for (agent, calls, scenarios), whatever the status. */
export function evidenceLine(a: Pick<Analysis, "evidence">): string {
  const e = a.evidence;
  const agent = e.agent.loaded ? `agent loaded (${e.agent.hooked} hook(s) installed, ${e.agent.absent} absent, ${e.agent.failed} failed)` : "agent never reported loading";
  const n = (o: ScenarioOutcome): number => e.outcomes[o];
  const scen = e.scenarios.length === 0 ? "no scenario on the timeline" : `scenarios: ${n("ok")} ran to the end, ${n("failed")} failed, ${n("unfinished")} cut off, ${n("not-run")} never ran`;
  return `${agent} · ${e.calls} call(s) recorded · ${scen}${e.planned ? "" : " (the trace lists no plan)"} · trace ${e.complete ? "complete" : "incomplete"}`;
}

/** Whether the report is not a clean result whatever its findings: `--fail-on` refuses it unless accepted. */
export function lacksEvidence(a: Pick<Analysis, "status">): boolean {
  return a.status === "blocked" || a.status === "no-evidence" || a.status === "incomplete";
}

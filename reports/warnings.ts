/**
 * What a report warns about besides its findings: how far the trace and its judging can be
 * trusted (a profile for another app, a run that did not finish, skipped lines, no consent
 * marker, sampling, clock drift, warnings recorded during the run, hooks that failed).
 */
import { OPT_OUT_PURPOSES } from "./data/purposes.js";
import type { ResolvedPolicy } from "./policy/policy.js";
import type { AppProfile } from "./profile.js";
import type { Timeline } from "./rules/timeline.js";
import type { OpenTrace } from "./trace/reader.js";

export function collectWarnings(trace: OpenTrace, timeline: Timeline, policy: ResolvedPolicy, truncatedCalls: boolean, profile: AppProfile | undefined): string[] {
  const w: string[] = [];
  const m = trace.manifest;
  // Its declared SDKs, uses and app type are another app's: disclosure and necessity findings are about the wrong app.
  if (profile && profile.app !== m.app.package) w.push(`the app profile${profile.source ? ` ${profile.source}` : ""} is for ${profile.app}, not for this trace's app ${m.app.package}: disclosure and necessity findings judge it against another app's declarations`);
  if (m.complete !== true) w.push(`the run did not finish cleanly${m.incompleteReason ? ` (${m.incompleteReason})` : ""}: findings cover what was recorded up to then`);
  if (truncatedCalls) w.push("calls.jsonl ends in a cut-off line (the recorder was killed mid-write); it was skipped");
  if (trace.skipped.total > 0) {
    const kinds = [...trace.skipped.byProblem.entries()].map(([k, n]) => `${k} ×${n}`).join("; ");
    const first = trace.skipped.samples[0];
    w.push(`${trace.skipped.total} line(s) skipped: ${kinds}${first ? ` (first at ${first.file}:${first.line})` : ""}`);
  }
  if (timeline.consentMarkers === 0 && policy.initialConsent === "pending" && policy.rules["consent.pre_consent_collection"]?.enabled) {
    w.push("the timeline has no consent marker: every call was judged as made before consent (use a policy with consent.initialState: accepted if the app was already consented)");
  }
  const sampled = Object.entries(m.agent?.sampledCalls ?? {}).filter(([, n]) => n > 0);
  if (sampled.length > 0) {
    const total = sampled.reduce((n, [, k]) => n + k, 0);
    w.push(`sampling was on: ${total} call(s) were counted but not recorded in full (${sampled.slice(0, 5).map(([h, n]) => `${h} ×${n}`).join(", ")}${sampled.length > 5 ? ", …" : ""}); frequency findings count recorded calls only`);
  }
  // Calls are placed on the host clock with the offset measured last: drift between re-checks is
  // how far off a call near a marker may be.
  const drift = trace.markers.filter((x) => x.kind === "clock_sync" && typeof x.driftMs === "number" && Math.abs(x.driftMs) > 50);
  if (drift.length > 0) {
    const worst = drift.reduce((a, b) => (Math.abs(b.driftMs!) > Math.abs(a.driftMs!) ? b : a));
    w.push(`the device clock drifted by up to ${Math.round(Math.abs(worst.driftMs!))} ms between re-checks (at ${(worst.t / 1000).toFixed(1)} s): calls close to a marker may be placed that far off`);
  }
  const recorded = [...new Set(trace.markers.filter((x) => x.kind === "warning" && typeof x.reason === "string").map((x) => x.reason!))];
  for (const r of recorded.slice(0, 20)) w.push(`during the run: ${r}`);
  if (recorded.length > 20) w.push(`${recorded.length - 20} more warning(s) recorded during the run (timeline.jsonl, kind "warning")`);
  const strange = trace.markers.filter((x) => x.kind === "opt_out" && x.purpose !== undefined && !Object.hasOwn(OPT_OUT_PURPOSES, x.purpose));
  if (strange.length > 0) {
    const first = strange[0]!;
    w.push(`${strange.length} opt-out(s) name a purpose this version does not know ('${String(first.purpose).slice(0, 80)}' at ${(first.t / 1000).toFixed(1)} s): left out, so refusal.after_opt_out did not judge what followed them — the purposes are ${Object.keys(OPT_OUT_PURPOSES).join(", ")}`);
  }
  const failed = (m.agent?.coverage ?? []).filter((c) => c.status === "failed");
  if (failed.length > 0) w.push(`${failed.length} hook(s) failed to install, calls through them are not in the trace: ${failed.slice(0, 5).map((c) => c.hook).join(", ")}${failed.length > 5 ? ", …" : ""}`);
  return w;
}


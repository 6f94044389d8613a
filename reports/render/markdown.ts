import type { Analysis } from "../analyze.js";
import { UNREAD } from "../flows.js";
import { CATEGORIES, isCategory } from "../trace/categories.js";
import { SEVERITIES } from "../rules/types.js";
import { mdCode, mdLine, mdText } from "./escape.js";
import { stepNumber } from "./step-number.js";
import { evidenceLine, verdictHeadline, verdictProblems } from "./verdict.js";

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

function categoryLabel(c: string | undefined): string {
  return c && isCategory(c) ? CATEGORIES[c].label : (c ?? "");
}

/**
 * Findings described in full: past this the summary lists no more (a CI job page takes 1 MiB at
 * most, and a trace can produce any number of findings); the rest are counted and left to the
 * JSON, CSV and HTML outputs.
 */
export const MAX_MD_FINDINGS = 300;

/** A Markdown summary for humans and CI job pages. Every app-sourced string is escaped. */
export function renderMarkdown(a: Analysis): string {
  const out: string[] = [];
  const t = a.trace;
  out.push(`# permtrace report: ${mdText(t.app)}${t.appVersion ? ` ${mdText(t.appVersion)}` : ""}`);
  out.push("");
  // What the trace vouches for, before anything else: 0 findings of an empty trace is not a pass.
  out.push(`> **${mdText(verdictHeadline(a), 500)}**`);
  for (const p of verdictProblems(a)) out.push(`> - ${mdText(p, 1000)}`);
  out.push(">", `> ${mdText(evidenceLine(a), 1000)}`, "");
  if (t.sandbox) {
    const synthetic = (t.device as { kind?: string }).kind === "synthetic";
    out.push(synthetic ? "> **Synthetic trace**: generated, not recorded from an app." : "> **Sandbox trace**: recorded on the sandbox device, not on a phone.", "");
  }
  if (a.valuesShown) out.push("> **Identifier values shown** (made with `--show-values`): handle this report as personal data.", "");
  const dev = t.device as { model?: string; apiLevel?: number };
  out.push(
    `Device ${mdText(dev.model ?? "unknown")}${dev.apiLevel ? ` (API ${mdText(dev.apiLevel)})` : ""} · started ${mdText(t.startedAt)} · ${t.calls} call${t.calls === 1 ? "" : "s"}${t.ownCalls ? ` (${t.ownCalls} about the app's own data, in no tally)` : ""} over ${seconds(t.duration)} · policy ${mdText(a.policy.name)} · SDK catalogue ${mdText(a.catalogue.version)} (${a.catalogue.sdks} SDKs)`,
  );
  out.push("");
  const sev = SEVERITIES.slice().reverse().map((s) => `${s}: ${a.summary.bySeverity[s] ?? 0}`).join(" · ");
  out.push(`**${a.summary.findings} finding(s)** — ${sev}`, "");

  if (a.warnings.length > 0) {
    out.push("## Warnings", "");
    for (const w of a.warnings) out.push(`- ${mdText(w, 1000)}`);
    out.push("");
  }

  out.push("## Findings by rule", "", "| Rule | Severity | Status | Findings |", "|---|---|---|---|");
  for (const r of a.rules) out.push(`| ${mdCode(r.id)} | ${r.severity} | ${r.status}${r.reason ? `: ${mdText(r.reason)}` : ""} | ${r.findings} |`);
  out.push("");

  if (a.parties.length > 0) {
    out.push("## Who collected what", "", "| Party | Kind | Calls | Categories |", "|---|---|---|---|");
    for (const p of a.parties.slice(0, 50)) {
      const cats = Object.entries(p.categories)
        .sort((x, y) => (y[1] ?? 0) - (x[1] ?? 0))
        .map(([c, n]) => `${categoryLabel(c)} ${n}`)
        .join(", ");
      out.push(`| ${mdText(p.party.name, 120)} | ${p.party.sdkKind ?? p.party.kind} | ${p.calls} | ${mdText(cats, 500)} |`);
    }
    if (a.parties.length > 50) out.push(`| … ${a.parties.length - 50} more | | | |`);
    out.push("");
  }

  if (a.flows && a.flows.flows.length > 0) {
    out.push("## Data flows", "", "What left the device: who sent which identifiers to whom (no value is ever shown).", "", "| Party | To | Identifiers | Requests | TLS | Findings |", "|---|---|---|---|---|---|");
    for (const f of a.flows.flows.slice(0, 50)) {
      const ids = f.identifiers.map((i) => `${i.kind} (${i.encodings.join("/")}, ${i.where.join("/")}${i.unread ? `, ${UNREAD} ${i.unread}×` : ""})`).join("; ") || "none found";
      out.push(`| ${mdText(f.party.name, 120)} | ${mdText(f.recipient.host || "(unknown host)", 120)} (${mdText(f.recipient.label, 120)}) | ${mdText(ids, 400)} | ${f.requests} | ${f.tls} | ${(f.findings ?? []).join(", ")} |`);
    }
    if (a.flows.flows.length > 50) out.push(`| … ${a.flows.flows.length - 50} more | | | | | |`);
    out.push("");
  }

  if (a.findings.length > 0) {
    out.push("## Findings", "");
    if (a.findings.length > MAX_MD_FINDINGS) out.push(`The ${MAX_MD_FINDINGS} most severe of ${a.findings.length} findings; the other ${a.findings.length - MAX_MD_FINDINGS} are in findings.json (and the CSV, XLSX and HTML reports).`, "");
    for (const f of a.findings.slice(0, MAX_MD_FINDINGS)) {
      out.push(`### ${f.id} · ${f.severity} · ${mdText(f.title)}`, "");
      out.push(mdLine(f.message, 600), "");
      const facts = [
        `rule ${mdCode(f.rule)}`,
        `party ${mdText(f.party.name, 120)}${f.party.vendor ? ` (${mdText(f.party.vendor, 80)})` : ""}${f.via ? `, via ${mdText(f.via.map((p) => p.name).join(", "), 240)}` : ""}`,
        f.category ? `category ${categoryLabel(f.category)}` : undefined,
        f.scenario ? `scenario ${mdText(f.scenario, 120)}` : undefined,
        f.scenarios ? `scenarios ${mdText(f.scenarios.join(", "), 400)}` : undefined,
        f.evidence.step ? `step ${stepNumber(f.evidence.step.index)}${f.evidence.step.action ? ` ${mdText(f.evidence.step.action, 60)}` : ""}` : undefined,
        `${f.count} call(s) from ${seconds(f.window.start)} to ${seconds(f.window.end)}`,
      ].filter(Boolean);
      out.push(`- ${facts.join(" · ")}`);
      if (f.evidence.stack) {
        const s = f.evidence.stack;
        out.push(`- attribution confidence ${s.confidence}: ${mdText(s.reason)}`);
        const frame = s.frames[s.responsibleFrame];
        if (frame) out.push(`- responsible frame: ${mdCode(frame)}`);
      }
      if (f.evidence.hooks.length > 0) out.push(`- hooks: ${f.evidence.hooks.map((h) => `${mdCode(h.hook)} ×${h.count}`).join(", ")}`);
      if (f.evidence.screenshot) out.push(`- nearest screenshot: ${mdCode(f.evidence.screenshot.path)}`);
      out.push(`- events: ${f.evidence.events.join(", ")}`);
      out.push(`- basis: ${f.references.map((r) => `${mdText(r.source)}${r.clause ? ` ${mdText(r.clause)}` : ""}`).join("; ")}`);
      out.push("");
    }
  }
  return `${out.join("\n")}\n`;
}

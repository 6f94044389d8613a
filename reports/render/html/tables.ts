import type { Analysis } from "../../analyze.js";
import { findingScenarios, SEVERITIES, severityRank, type Severity } from "../../rules/types.js";
import { CATEGORIES, CATEGORY_IDS, isCategory, type Category } from "../../trace/categories.js";
import { duration, esc, int, secs, u, uc } from "./escape.js";
import { evidenceLine, verdictHeadline, verdictProblems } from "../verdict.js";

/** A table cell: `v` is the sort key the page's script uses instead of the text (numbers, ranks). */
export function td(html: string, o: { num?: boolean; v?: string | number; cls?: string } = {}): string {
  const cls = [o.num ? "n" : "", o.cls ?? ""].filter(Boolean).join(" ");
  return `<td${cls ? ` class="${cls}"` : ""}${o.v !== undefined ? ` data-v="${esc(o.v)}"` : ""}>${html}</td>`;
}

export const num = (n: number): string => td(int(n), { num: true, v: n });

export interface Column {
  readonly head: string;
  readonly num?: boolean;
}

/** A sortable, filterable table (the script adds the controls); rows past `max` are counted, not shown. */
export function table(name: string, cols: readonly Column[], rows: readonly string[][], max: number, moreText = "in findings.json"): string {
  const head = cols.map((c) => `<th scope="col"${c.num ? ` class="n"` : ""}>${esc(c.head)}</th>`).join("");
  const body = rows.slice(0, max).map((r) => `<tr>${r.join("")}</tr>`).join("\n");
  const more = rows.length > max ? `<p class="more">${int(rows.length - max)} more row(s) not shown: ${esc(moreText)}.</p>` : "";
  const scroll = Math.min(rows.length, max) > 25 ? " scroll" : "";
  return `<div class="tw${scroll}"><table class="sortable" data-name="${esc(name)}"><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table></div>${more}`;
}

/** One of our rule ids, breakable only after its dots. */
export function ruleId(id: string): string {
  return `<code class="rid">${esc(id, 120).replace(/\./g, ".<wbr>")}</code>`;
}

export function sevBadge(s: Severity): string {
  return `<span class="sev ${s}">${s}</span>`;
}

export const sevCell = (s: Severity): string => td(sevBadge(s), { v: severityRank(s), cls: "nw" });

export function categoryLabel(c: string | undefined): string {
  return c === undefined ? "" : isCategory(c) ? CATEGORIES[c].label : c;
}

/** "Location 120, Contacts 3" as chips, busiest first. */
export function categoryChips(cats: Partial<Record<string, number>> | undefined, max = 8): string {
  const entries = Object.entries(cats ?? {})
    .filter((e): e is [string, number] => (e[1] ?? 0) > 0)
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  const chips = entries.slice(0, max).map(([c, n]) => `<span class="chip">${esc(categoryLabel(c))} ${int(n)}</span>`);
  if (entries.length > max) chips.push(`<span class="chip">+${entries.length - max}</span>`);
  return `<span class="chips">${chips.join("")}</span>`;
}

/** The dark header: app, flags (SANDBOX, completeness), facts. */
export function header(a: Analysis): string {
  const t = a.trace;
  const dev = t.device as { model?: unknown; manufacturer?: unknown; apiLevel?: unknown; abi?: unknown; kind?: unknown };
  const flags: string[] = [];
  if (t.sandbox) flags.push(`<span class="flag sandbox">SANDBOX${dev.kind === "synthetic" ? " · synthetic trace, not recorded from an app" : " · recorded on the sandbox device, not on a phone"}</span>`);
  flags.push(t.complete ? `<span class="flag ok">trace complete</span>` : `<span class="flag bad">INCOMPLETE: ${u(t.incompleteReason ?? "the run did not finish cleanly", 300)}</span>`);
  if (t.truncated) flags.push(`<span class="flag bad">a file ends in a cut-off line</span>`);
  if (t.skippedLines > 0) flags.push(`<span class="flag plain">${int(t.skippedLines)} line(s) skipped</span>`);
  const device = [dev.model ?? "unknown device", dev.manufacturer ? `(${String(dev.manufacturer)})` : "", dev.apiLevel !== undefined ? `API ${String(dev.apiLevel)}` : "", dev.abi ?? "", dev.kind ? `· ${String(dev.kind)}` : ""]
    .filter(Boolean)
    .join(" ");
  const fact = (k: string, v: string): string => `<div><dt>${esc(k)}</dt><dd>${v}</dd></div>`;
  const profile = a.profile ? `${u(a.profile.app, 200)}${a.profile.appType !== undefined ? `, type ${u(a.profile.appType, 80)}` : ""}` : "none: disclosure and necessity rules skipped";
  return `<header class="top"><div class="wrap">
${verdict(a)}
<div class="kicker">permtrace privacy report</div>
<h1>${u(t.app, 300)}${t.appVersion ? `<span class="ver">${u(t.appVersion, 80)}</span>` : ""}</h1>
<div class="flags">${flags.join("")}</div>
<dl class="facts">
${fact("Device", u(device, 300))}
${fact("Recorded", u(t.startedAt, 60))}
${fact("Duration", esc(duration(t.duration)))}
${fact("Calls · stacks · markers", `${int(t.calls)} · ${int(t.stacks)} · ${int(t.markers)}${t.ownCalls ? ` (${int(t.ownCalls)} call${t.ownCalls === 1 ? "" : "s"} about the app's own data, in no tally)` : ""}`)}
${fact("Policy", `${u(a.policy.name, 120)}${a.policy.chain.length > 1 ? ` <span class="muted">(${u(a.policy.chain.join(" → "), 300)})</span>` : ""}`)}
${fact("App profile", profile)}
${fact("SDK catalogue", `${esc(a.catalogue.version)} · ${int(a.catalogue.sdks)} SDKs`)}
${fact("Report by", `${esc(a.tool.name)} ${esc(a.tool.version)}`)}
</dl>
</div></header>`;
}

/** What the trace vouches for, first in the page: an empty or cut-off run is never shown as a clean one. */
function verdict(a: Analysis): string {
  const problems = verdictProblems(a).map((p) => `<li>${u(p, 1000)}</li>`).join("");
  return `<div class="verdict ${esc(a.status)}" data-status="${esc(a.status)}"><strong>${esc(verdictHeadline(a))}</strong>${problems ? `<ul>${problems}</ul>` : ""}<div class="ev">${u(evidenceLine(a), 1000)}</div></div>`;
}

/** Severity cards and warnings. */
export function overview(a: Analysis): string {
  const s = a.summary;
  const cards = [`<div class="card total"><div class="n">${int(s.findings)}</div><div class="l">findings</div></div>`];
  for (const sev of SEVERITIES.slice().reverse()) {
    const n = s.bySeverity[sev] ?? 0;
    cards.push(`<div class="card ${sev}${n === 0 ? " zero" : ""}"><div class="n">${int(n)}</div><div class="l">${sev}</div></div>`);
  }
  const warnings = a.warnings.length ? `<ul class="warnings">${a.warnings.map((w) => `<li>${u(w, 2000)}</li>`).join("")}</ul>` : "";
  return `<section id="overview"><h2>Overview</h2><div class="cards">${cards.join("")}</div>${warnings}</section>`;
}

export function rulesTable(a: Analysis): string {
  const rows = a.rules.map((r) => [
    td(`${ruleId(r.id)}<br>${esc(r.title)}`),
    td(esc(r.family)),
    sevCell(r.severity),
    td(`<span class="st ${r.status}">${esc(r.status)}</span>${r.reason ? ` <span class="muted">${u(r.reason, 300)}</span>` : ""}`, { v: r.status }),
    num(r.findings),
  ]);
  return `<section id="rules"><h2>Rules</h2><p class="lead">Every rule of the policy, whether it ran, and its findings.</p>${table("rules", [{ head: "Rule" }, { head: "Family" }, { head: "Severity" }, { head: "Status" }, { head: "Findings", num: true }], rows, 1000)}</section>`;
}

export function partiesTable(a: Analysis): string {
  const rows = a.parties.map((p) => [
    td(`${u(p.party.name, 200)}${p.party.package && p.party.package !== p.party.name ? `<br><span class="muted">${uc(p.party.package, 200)}</span>` : ""}`),
    td(esc(p.party.sdkKind ?? p.party.kind.replace(/_/g, " "))),
    td(p.party.vendor ? u(p.party.vendor, 120) : ""),
    num(p.calls),
    num(a.summary.byParty[p.party.name] ?? 0),
    td(categoryChips(p.categories)),
  ]);
  const cols = [{ head: "Party" }, { head: "Kind" }, { head: "Vendor" }, { head: "Calls", num: true }, { head: "Findings", num: true }, { head: "Calls by data category" }];
  return `<section id="parties"><h2>SDKs and parties</h2><p class="lead">Who made the calls: the app, catalogued SDKs and unknown third parties, attributed by stack.</p>${table("parties", cols, rows, 200)}</section>`;
}

export function categoriesTable(a: Analysis): string {
  const calls = new Map<Category, { calls: number; parties: number }>();
  for (const p of a.parties) {
    for (const [c, n] of Object.entries(p.categories) as [Category, number][]) {
      const e = calls.get(c) ?? { calls: 0, parties: 0 };
      calls.set(c, { calls: e.calls + n, parties: e.parties + 1 });
    }
  }
  const rows = CATEGORY_IDS.filter((c) => calls.has(c) || a.summary.byCategory[c]).map((c) => {
    const info = CATEGORIES[c];
    const e = calls.get(c) ?? { calls: 0, parties: 0 };
    return [td(`${esc(info.label)} <span class="muted">${esc(c)}</span>`), td(esc(info.class)), num(e.calls), num(e.parties), num(a.summary.byCategory[c] ?? 0)];
  });
  const cols = [{ head: "Data category" }, { head: "Class" }, { head: "Calls", num: true }, { head: "Parties", num: true }, { head: "Findings", num: true }];
  return `<section id="categories"><h2>Data categories</h2><p class="lead">What was read, by how many parties. "data" and "capability" are collection; "meta" is behaviour around permissions.</p>${table("categories", cols, rows, 100)}</section>`;
}

export function scenariosTable(a: Analysis): string {
  const spans = (a.marks ?? []).filter((m) => m.kind === "scenario");
  const rows = a.scenarios.map((s, i) => {
    const span = spans[i]?.t === s.start ? spans[i] : undefined;
    const len = span?.end !== undefined ? span.end - span.t : undefined;
    const needs = s.needs === undefined ? `<span class="muted">not declared</span>` : s.needs.length === 0 ? "no personal data" : s.needs.map((c) => esc(categoryLabel(c))).join(", ");
    return [
      td(`${u(s.name, 200)}${s.purpose ? `<br><span class="muted">${u(s.purpose, 300)}</span>` : ""}`),
      td(esc(secs(s.start)), { num: true, v: s.start }),
      len === undefined ? td("", { num: true, v: -1 }) : td(esc(secs(len)), { num: true, v: len }),
      td(needs),
      num(s.calls ?? 0),
      td(categoryChips(s.categories, 6)),
      num(a.summary.byScenario[s.name] ?? 0),
    ];
  });
  const cols = [{ head: "Scenario" }, { head: "Start", num: true }, { head: "Length", num: true }, { head: "Needs" }, { head: "Calls", num: true }, { head: "Calls by data category" }, { head: "Findings", num: true }];
  const body = rows.length ? table("scenarios", cols, rows, 300) : `<p class="lead">The timeline has no scenario markers.</p>`;
  return `<section id="scenarios"><h2>Scenarios</h2><p class="lead">What each scenario declared it needs, and what was read while it ran.</p>${body}</section>`;
}

export function stacksTable(a: Analysis): string {
  const rows = a.stacks.map((s) => [
    num(s.id),
    td(u(s.party.name, 200)),
    td(s.immediateCaller.key !== s.party.key ? u(s.immediateCaller.name, 200) : `<span class="muted">same</span>`),
    td(uc(s.frame, 500)),
    td(esc(s.confidence.toFixed(2)), { num: true, v: s.confidence }),
    num(s.calls),
    td(categoryChips(s.categories, 4)),
  ]);
  if (rows.length === 0) return "";
  const cols = [{ head: "Stack", num: true }, { head: "Party" }, { head: "Immediate caller" }, { head: "Deciding frame" }, { head: "Confidence", num: true }, { head: "Calls", num: true }, { head: "Categories" }];
  return `<section id="stacks"><h2>Busiest call sites</h2><p class="lead">The stacks behind most calls, with the frame that decided who is responsible.</p>${table("call sites", cols, rows, 50)}</section>`;
}

export const MAX_FINDING_ROWS = 2000;
/** Findings shown with their full evidence; the rest are in the findings table only (a bounded page). */
export const FULL_EVIDENCE = 300;

export function findingsTable(a: Analysis): string {
  if (a.findings.length === 0) return `<section id="findings"><h2>Findings</h2><p class="lead">No finding: no rule of the policy flagged this trace.</p></section>`;
  const rows = a.findings.map((f, i) => [
    td(i < FULL_EVIDENCE ? `<a href="#${esc(f.id)}">${esc(f.id)}</a>` : esc(f.id), { cls: "nw" }),
    sevCell(f.severity),
    td(ruleId(f.rule)),
    td(u(f.party.name, 120)),
    td(esc(categoryLabel(f.category))),
    td(findingScenarios(f).length > 0 ? u(findingScenarios(f).join(", "), 240) : ""),
    num(f.count),
    td(esc(secs(f.window.start)), { num: true, v: f.window.start }),
    td(u(f.message, 240)),
  ]);
  const cols = [{ head: "ID" }, { head: "Severity" }, { head: "Rule" }, { head: "Party" }, { head: "Category" }, { head: "Scenario" }, { head: "Calls", num: true }, { head: "From", num: true }, { head: "Message" }];
  return `<section id="findings"><h2>Findings</h2><p class="lead">Most severe first. Open a finding's evidence below by its ID.</p>${table("findings", cols, rows, MAX_FINDING_ROWS)}</section>`;
}

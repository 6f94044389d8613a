import { existsSync, readFileSync, statSync } from "node:fs";
import { Ajv2020 } from "ajv/dist/2020.js";
import type { Analysis } from "./analyze.js";
import { TraceError } from "./errors.js";
import { FINDINGS_SCHEMA } from "./findings-schema.js";
import { mdCode, mdText, termText } from "./render/escape.js";
import { findingScenarios, severityRank, type Finding, type Severity } from "./rules/types.js";

export interface PartyChange {
  readonly party: string;
  readonly name: string;
  readonly kind: string;
  readonly categories: readonly string[];
}

export interface RateChange {
  readonly party: string;
  readonly name: string;
  readonly category: string;
  /** Calls per minute of trace in the old and the new run. */
  readonly before: number;
  readonly after: number;
}

export interface FindingChange {
  readonly key: string;
  readonly rule: string;
  readonly severity: Severity;
  readonly party: string;
  readonly category?: string;
  readonly scenario?: string;
  /** The permission or hook that tells this finding from others of its rule, party and scenario. */
  readonly subject?: string;
  readonly message: string;
}

/** Something that makes the two runs not like with like, stated first by every format. */
export interface Difference {
  readonly what: "app" | "policy" | "profile" | "catalogue";
  readonly old: string;
  readonly new: string;
}

export interface Diff {
  readonly format: "permtrace-diff";
  readonly schemaVersion: 1;
  readonly old: { readonly app: string; readonly findings: number };
  readonly new: { readonly app: string; readonly findings: number };
  /** Different apps, policies, profiles or catalogue versions: findings may differ for that alone. */
  readonly differences: readonly Difference[];
  readonly newParties: readonly PartyChange[];
  readonly goneParties: readonly PartyChange[];
  readonly newCategories: readonly string[];
  readonly goneCategories: readonly string[];
  readonly rateUp: readonly RateChange[];
  readonly rateDown: readonly RateChange[];
  readonly introduced: readonly FindingChange[];
  readonly fixed: readonly FindingChange[];
  /** What makes this comparison less than exact (findings left unlisted on either side). */
  readonly warnings: readonly string[];
}

/**
 * A finding's identity across runs: its rule, who, what and where — not its counts or times —
 * and, for rules that tell findings apart by them, the permission or the hook (a party denied two
 * permissions has two findings; fixing one must show). Frequency findings cover the whole trace:
 * the scenario they name is only where the busiest stretch (or the first poll) fell, which moves
 * from run to run, so it is not part of their identity; the hook is.
 */
function findingKey(f: Finding): string {
  // A finding grouped across scenarios is identified by the scenarios it spans: a read that spreads
  // to another scenario, or stops in one, shows as a change.
  const where = f.rule.startsWith("frequency.") ? "" : [...findingScenarios(f)].sort().join(",");
  return [f.rule, f.party.key, f.category ?? "", where, subjectOf(f)].join("|");
}

/** The permission or hook in a finding's identity (frequency findings: the hook). */
function subjectOf(f: Finding): string {
  const d = f.evidence?.details ?? {};
  if (f.rule.startsWith("frequency.")) {
    return (typeof d.hook === "string" ? d.hook : f.rule === "frequency.periodic_polling" ? (f.evidence?.hooks?.[0]?.hook ?? "") : "").slice(0, 200);
  }
  return (typeof d.permission === "string" ? d.permission : typeof d.hook === "string" ? d.hook : "").slice(0, 200);
}

/**
 * Findings of `a` with no counterpart in `b`: matched by identity as multisets, so when a
 * behaviour gave three findings (three background periods) and now gives one, two are fixed.
 */
function unmatched(a: readonly Finding[], b: readonly Finding[]): Finding[] {
  const left = new Map<string, number>();
  for (const f of b) {
    const k = findingKey(f);
    left.set(k, (left.get(k) ?? 0) + 1);
  }
  const out: Finding[] = [];
  for (const f of a) {
    const k = findingKey(f);
    const n = left.get(k) ?? 0;
    if (n > 0) left.set(k, n - 1);
    else out.push(f);
  }
  return out;
}

function change(f: Finding): FindingChange {
  const subject = subjectOf(f);
  return { key: findingKey(f), rule: f.rule, severity: f.severity, party: f.party.name, ...(f.category ? { category: f.category } : {}), ...(findingScenarios(f).length > 0 ? { scenario: findingScenarios(f).join(", ") } : {}), ...(subject ? { subject } : {}), message: f.message };
}

const short = (h: string): string => h.slice(0, 12);

function describePolicy(p: Analysis["policy"]): string {
  return `${p.name}${p.sha256 ? ` (sha256 ${short(p.sha256)})` : ` (${p.chain.join(" → ")})`}`;
}

function describeProfile(p: Analysis["profile"]): string {
  if (!p) return "no app profile";
  return `${p.source ?? p.app}${p.sha256 ? ` (sha256 ${short(p.sha256)})` : ""}`;
}

/**
 * What makes two analyses not like with like. Policies and profiles compare by sha256 when both
 * sides have one (what they decide, not where the file lay); an older findings.json has none, so
 * then by name and chain, and by the profile's app and type (its path differs from machine to machine).
 */
export function differences(a: Analysis, b: Analysis): Difference[] {
  const out: Difference[] = [];
  if (a.trace.app !== b.trace.app) out.push({ what: "app", old: a.trace.app, new: b.trace.app });
  const samePolicy = a.policy.sha256 && b.policy.sha256 ? a.policy.sha256 === b.policy.sha256 : a.policy.name === b.policy.name && a.policy.chain.join("\n") === b.policy.chain.join("\n");
  if (!samePolicy) out.push({ what: "policy", old: describePolicy(a.policy), new: describePolicy(b.policy) });
  const pa = a.profile;
  const pb = b.profile;
  const sameProfile = !pa || !pb ? !pa && !pb : pa.sha256 && pb.sha256 ? pa.sha256 === pb.sha256 : pa.app === pb.app && pa.appType === pb.appType;
  if (!sameProfile) out.push({ what: "profile", old: describeProfile(pa), new: describeProfile(pb) });
  if (a.catalogue.version !== b.catalogue.version) out.push({ what: "catalogue", old: a.catalogue.version, new: b.catalogue.version });
  return out;
}

const validFindings = new Ajv2020({ strict: false, allErrors: false }).compile(FINDINGS_SCHEMA);

/** Reads a findings.json written by `permtrace report`. */
export function readFindings(path: string): Analysis {
  if (!existsSync(path) || !statSync(path).isFile()) throw new TraceError("findings file not found", { where: path, fix: "pass a trace directory or the findings.json `permtrace report` wrote" });
  let v: unknown;
  try {
    v = JSON.parse(readFileSync(path, "utf8"));
  } catch {
    throw new TraceError("not valid JSON", { where: path, fix: "pass the findings.json `permtrace report` wrote" });
  }
  const a = v as Partial<Analysis>;
  if (a.format !== "permtrace-findings") throw new TraceError(`format is ${JSON.stringify(a.format)}, expected "permtrace-findings"`, { where: path });
  if (a.schemaVersion !== 1) throw new TraceError(`findings schema version ${JSON.stringify(a.schemaVersion)} is not supported (this permtrace reads 1)`, { where: path, fix: "re-run `permtrace report` with this permtrace" });
  if (!validFindings(v)) {
    const e = validFindings.errors?.[0];
    throw new TraceError(`not a findings file of this permtrace: ${e ? `${e.instancePath || "the top level"} ${e.message ?? "is invalid"}` : "invalid"}`, { where: path, fix: "pass the findings.json `permtrace report` wrote, unchanged" });
  }
  return v as Analysis;
}

/** What changed between two runs of an app. Rates are per minute of trace so runs of different length compare. */
export function diffAnalyses(before: Analysis, after: Analysis, opts: { readonly minFactor?: number; readonly minCalls?: number } = {}): Diff {
  const factor = opts.minFactor ?? 1.5;
  const minCalls = opts.minCalls ?? 5;
  const parties = (a: Analysis) => new Map(a.parties.map((p) => [p.party.key, p]));
  const pb = parties(before);
  const pa = parties(after);
  const asChange = (p: Analysis["parties"][number]): PartyChange => ({ party: p.party.key, name: p.party.name, kind: p.party.sdkKind ?? p.party.kind, categories: Object.keys(p.categories) });
  const cats = (a: Analysis) => new Set(a.parties.flatMap((p) => Object.keys(p.categories)));
  const cb = cats(before);
  const ca = cats(after);
  const perMinute = (a: Analysis) => 60_000 / Math.max(a.trace.duration, 60_000);
  const rb = perMinute(before);
  const ra = perMinute(after);
  const rateUp: RateChange[] = [];
  const rateDown: RateChange[] = [];
  for (const [key, p] of pa) {
    const old = pb.get(key);
    if (!old) continue;
    for (const [cat, n] of Object.entries(p.categories)) {
      const m = old.categories[cat as keyof typeof old.categories] ?? 0;
      if (Math.max(n ?? 0, m) < minCalls) continue;
      const r: RateChange = { party: key, name: p.party.name, category: cat, before: Math.round(m * rb * 100) / 100, after: Math.round((n ?? 0) * ra * 100) / 100 };
      if (r.after >= r.before * factor && r.after > r.before) rateUp.push(r);
      else if (r.after * factor <= r.before) rateDown.push(r);
    }
  }
  const bySeverity = (x: FindingChange, y: FindingChange) => severityRank(y.severity) - severityRank(x.severity) || x.key.localeCompare(y.key);
  return {
    format: "permtrace-diff",
    schemaVersion: 1,
    old: { app: before.trace.app, findings: before.findings.length },
    new: { app: after.trace.app, findings: after.findings.length },
    differences: differences(before, after),
    newParties: [...pa.values()].filter((p) => !pb.has(p.party.key)).map(asChange),
    goneParties: [...pb.values()].filter((p) => !pa.has(p.party.key)).map(asChange),
    newCategories: [...ca].filter((c) => !cb.has(c)).sort(),
    goneCategories: [...cb].filter((c) => !ca.has(c)).sort(),
    rateUp,
    rateDown,
    introduced: unmatched(after.findings, before.findings).map(change).sort(bySeverity),
    fixed: unmatched(before.findings, after.findings).map(change).sort(bySeverity),
    warnings: [before, after].flatMap((a, i) =>
      a.summary.findingsOmitted ? [`the ${i === 0 ? "old" : "new"} run has ${a.summary.findingsOmitted} finding(s) past the listed 10000: some "introduced" or "fixed" may only have crossed that line`] : [],
    ),
  };
}

/**
 * One line per distinct finding: what tells it from others (party, category, scenario, permission
 * or hook) and, for a finding repeated, how many times. Two lines are never the same text: when
 * two identities would still print alike (two parties of one name), each line gets its key.
 */
function findingLines(changes: readonly FindingChange[]): string[] {
  const byKey = new Map<string, { f: FindingChange; n: number }>();
  for (const f of changes) {
    const e = byKey.get(f.key);
    if (e) e.n++;
    else byKey.set(f.key, { f, n: 1 });
  }
  const head = ({ f }: { f: FindingChange }) => `[${f.severity}] ${f.rule} · ${[f.party, f.category, f.scenario ? `scenario ${f.scenario}` : undefined, f.subject].filter(Boolean).join(" · ")}`;
  const seen = new Map<string, number>();
  for (const e of byKey.values()) seen.set(head(e), (seen.get(head(e)) ?? 0) + 1);
  return [...byKey.values()].map((e) => `${head(e)}${(seen.get(head(e)) ?? 0) > 1 ? ` [${e.f.key}]` : ""}${e.n > 1 ? ` (×${e.n})` : ""}: ${e.f.message}`);
}

/** Plain text for a terminal: strings from the app lose what a terminal would act on (escape sequences, bidi controls). */
export function renderDiffText(d: Diff): string {
  const out: string[] = [];
  // Unlike runs first: every count below may differ for that alone.
  if (d.differences.length > 0) out.push("The two runs are not like with like:", ...d.differences.map((x) => `  ${x.what}: ${termText(x.old, 500)} → ${termText(x.new, 500)}`), "");
  out.push(`${d.old.findings} → ${d.new.findings} finding(s); ${d.introduced.length} introduced, ${d.fixed.length} fixed`);
  const section = (title: string, lines: readonly string[]) => {
    if (lines.length > 0) out.push("", title, ...lines.map((l) => `  ${termText(l, 2000)}`));
  };
  section("Warnings:", d.warnings);
  section("Introduced findings:", findingLines(d.introduced));
  section("Fixed findings:", findingLines(d.fixed));
  section("New collectors:", d.newParties.map((p) => `${p.name} (${p.kind}): ${p.categories.join(", ")}`));
  section("Collectors gone:", d.goneParties.map((p) => `${p.name} (${p.kind})`));
  section("Categories that appeared:", d.newCategories);
  section("Categories no longer read:", d.goneCategories);
  section("More frequent (calls per minute):", d.rateUp.map((r) => `${r.name} ${r.category}: ${r.before} → ${r.after}`));
  section("Less frequent (calls per minute):", d.rateDown.map((r) => `${r.name} ${r.category}: ${r.before} → ${r.after}`));
  return `${out.join("\n")}\n`;
}

export function renderDiffMarkdown(d: Diff): string {
  const out = [`# permtrace diff: ${mdText(d.new.app)}`, ""];
  if (d.differences.length > 0) {
    out.push("> **Not like with like**: the two runs differ in", ">");
    for (const x of d.differences) out.push(`> - ${mdText(x.what)}: ${mdText(x.old, 500)} → ${mdText(x.new, 500)}`);
    out.push("");
  }
  out.push(`${d.old.findings} → ${d.new.findings} finding(s): **${d.introduced.length} introduced**, ${d.fixed.length} fixed.`, "");
  for (const w of d.warnings) out.push(`> **Warning**: ${mdText(w, 500)}`, "");
  const table = (title: string, head: string, rows: string[]) => {
    if (rows.length === 0) return;
    out.push(`## ${title}`, "", head, `|${head.split("|").slice(1, -1).map(() => "---").join("|")}|`, ...rows, "");
  };
  // Every field may come from a findings file someone else handed over: all of it is escaped.
  const row = (f: FindingChange) => `| ${mdText(f.severity)} | ${mdCode(f.rule)} | ${mdText(f.party)} | ${mdText(f.category ?? "")} | ${mdText(f.scenario ?? "")} | ${mdText(f.subject ?? "")} |`;
  const list = (xs: readonly string[]) => xs.map((x) => mdText(x)).join(", ");
  table("Introduced findings", "| Severity | Rule | Party | Category | Scenario | Permission or hook |", d.introduced.map(row));
  table("Fixed findings", "| Severity | Rule | Party | Category | Scenario | Permission or hook |", d.fixed.map(row));
  table("New collectors", "| Party | Kind | Categories |", d.newParties.map((p) => `| ${mdText(p.name)} | ${mdText(p.kind)} | ${list(p.categories)} |`));
  table("Frequency changes (calls per minute)", "| Party | Category | Before | After |", [...d.rateUp, ...d.rateDown].map((r) => `| ${mdText(r.name)} | ${mdText(r.category)} | ${r.before} | ${r.after} |`));
  if (d.newCategories.length > 0) out.push(`Categories that appeared: ${list(d.newCategories)}`, "");
  if (d.goneCategories.length > 0) out.push(`Categories no longer read: ${list(d.goneCategories)}`, "");
  return `${out.join("\n")}\n`;
}

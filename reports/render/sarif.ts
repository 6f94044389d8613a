import { createHash } from "node:crypto";
import type * as Sarif from "sarif";
import type { Analysis } from "../analyze.js";
import { UNREAD } from "../flows.js";
import { RULES } from "../rules/index.js";
import { lacksEvidence, verdictHeadline, verdictProblems } from "./verdict.js";
import { withStepNumber } from "./step-number.js";
import type { Finding, PartySummary, Reference, Severity } from "../rules/types.js";

/** The OASIS schema of SARIF 2.1.0 (errata 01, the current one). */
export const SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

/** The partialFingerprints key: bump the version if what it hashes changes. */
export const FINGERPRINT_KEY = "permtraceFinding/v1";

const LEVEL: Readonly<Record<Severity, Sarif.Result.level>> = { critical: "error", high: "error", medium: "warning", low: "note", info: "note" };

export function sarifLevel(s: Severity): Sarif.Result.level {
  return LEVEL[s] ?? "warning";
}

// As reports/render/escape.ts: bidi controls would reorder what a viewer shows, invisible
// characters (zero-width spaces, joiners, tag characters…) let one name pass for another.
const BIDI = /\p{Default_Ignorable_Code_Point}/gu;
const CONTROL = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/g;
const LINE_BREAK = /\r\n|[\n\r\u2028\u2029]/g;

const MAX_MESSAGE = 1000;
const MAX_NAME = 300;
const MAX_PROPERTY = 500;

/**
 * Plain one-line text from a possibly hostile string: bidi controls and invisible characters become U+FFFD, line breaks
 * and control characters spaces, and it is cut at `max` characters (never inside a surrogate pair).
 */
export function sarifText(value: unknown, max: number = MAX_PROPERTY): string {
  let s = String(value ?? "");
  if (s.length > max) {
    let end = max;
    const c = s.charCodeAt(end - 1);
    if (c >= 0xd800 && c <= 0xdbff) end--;
    s = `${s.slice(0, end)}…`;
  }
  return s.replace(BIDI, "\uFFFD").replace(LINE_BREAK, " ").replace(CONTROL, " ");
}

/**
 * A message object: plain text only (no `markdown`, so no viewer renders app strings as
 * Markdown or HTML). SARIF §3.11.5 reserves `{n}` for placeholders: literal braces are doubled.
 */
function message(value: unknown, max = MAX_MESSAGE): Sarif.Message {
  return { text: sarifText(value, max).replace(/[{}]/g, "$&$&") };
}

/** "consent.pre_consent_collection" → "ConsentPreConsentCollection": SARIF's readable rule name. */
function ruleName(id: string): string {
  return id
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w[0]!.toUpperCase() + w.slice(1))
    .join("");
}

function helpUri(refs: readonly Reference[]): string | undefined {
  for (const r of refs) {
    const m = /https:\/\/[^\s<>"'`)\]]+/.exec(`${r.source} ${r.clause ?? ""} ${r.text}`);
    if (m) return m[0];
  }
  return undefined;
}

function basis(refs: readonly Reference[]): string {
  return refs.map((r) => `${r.source}${r.clause ? ` ${r.clause}` : ""}: ${r.text}`).join("\n");
}

/** A property-bag value from analysis data: strings cleaned and cut, arrays and objects bounded. */
function bag(v: unknown, depth = 0): unknown {
  if (v === null || typeof v === "boolean") return v;
  if (typeof v === "number") return Number.isFinite(v) ? v : String(v);
  if (typeof v === "string") return sarifText(v);
  if (depth >= 4) return "…";
  if (Array.isArray(v)) return v.slice(0, 50).map((x) => bag(x, depth + 1));
  if (typeof v === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v as Record<string, unknown>).slice(0, 50)) if (x !== undefined) out[sarifText(k, 100)] = bag(x, depth + 1);
    return out;
  }
  return sarifText(v);
}

function party(p: PartySummary): Record<string, string> {
  return {
    key: sarifText(p.key, MAX_NAME),
    name: sarifText(p.name, MAX_NAME),
    kind: p.kind,
    ...(p.vendor ? { vendor: sarifText(p.vendor, MAX_NAME) } : {}),
    ...(p.sdkKind ? { sdkKind: sarifText(p.sdkKind, MAX_NAME) } : {}),
    ...(p.package ? { package: sarifText(p.package, MAX_NAME) } : {}),
  };
}

const seconds = (ms: number): number => Math.round(ms) / 1000;

/**
 * Stable across runs of the same app and scenarios: the rule, the party's key, the category and
 * the scenario (plus the permission or hook a rule groups by), never the finding's id, times or
 * counts. Findings that still share all of these are numbered in report order.
 */
function fingerprints(findings: readonly Finding[]): string[] {
  const seen = new Map<string, number>();
  return findings.map((f) => {
    const d = f.evidence.details ?? {};
    const extra = typeof d.permission === "string" ? d.permission : typeof d.hook === "string" ? d.hook : "";
    const hash = createHash("sha256")
      .update(JSON.stringify([f.rule, f.party.key, f.category ?? "", f.scenario ?? "", extra]))
      .digest("hex")
      .slice(0, 32);
    const n = (seen.get(hash) ?? 0) + 1;
    seen.set(hash, n);
    return n === 1 ? hash : `${hash}:${n}`;
  });
}

/** `[native] libx.so!f` → `libx.so!f`; `a.b.C.m(C.java:12)` → `a.b.C.m`. */
function frameName(frame: string): { fullyQualifiedName: string; name: string } {
  const native = /^\[native\] (.*)$/.exec(frame);
  const fqn = native ? native[1]! : frame.replace(/\([^()]*\)(…)?$/, "");
  const name = native ? fqn : fqn.slice(fqn.lastIndexOf(".") + 1);
  return { fullyQualifiedName: sarifText(fqn, MAX_NAME), name: sarifText(name, MAX_NAME) };
}

/** A safe relative URI for a path inside the trace directory, or undefined (absolute, `..`, empty). */
function traceUri(path: string): string | undefined {
  const parts = path.split(/[\\/]+/);
  if (path.startsWith("/") || path.startsWith("\\") || /^[A-Za-z]:/.test(path) || parts.some((p) => p === ".." || p === "") || path.length > 1000) return undefined;
  return parts.map(encodeURIComponent).join("/");
}

/** `/home/me/policies/lab.yaml` → `lab.yaml`; a built-in policy's name stays as it is. */
function fileName(path: string): string {
  return path.slice(Math.max(path.lastIndexOf("/"), path.lastIndexOf("\\")) + 1) || path;
}

function automationId(a: Analysis): string {
  const part = (s: string): string => s.replace(/[^A-Za-z0-9._-]+/g, "_").slice(0, 100) || "_";
  let scenarios = [...new Set(a.scenarios.map((s) => s.name))].sort().map(part).join("+");
  if (scenarios.length > 200) scenarios = `scenarios-${createHash("sha256").update(scenarios).digest("hex").slice(0, 16)}`;
  // A trailing slash: the whole id is the category (which analyses compare), with no run id.
  return `permtrace/${part(a.trace.app)}/${scenarios ? `${scenarios}/` : ""}`;
}

/**
 * SARIF 2.1.0 (OASIS): one run, a rule descriptor per rule of the analysis, a result per finding.
 * There is no source code, so results carry logical locations only: the responsible frame as a
 * function inside the responsible party (an SDK or the app as a module, an unknown third party as
 * its Java namespace). Skipped rules are tool configuration notifications, disabled ones rule
 * configuration overrides; trace warnings are tool execution notifications. Nothing depends on
 * the time of rendering.
 */
export function renderSarif(a: Analysis): string {
  const rules: Sarif.ReportingDescriptor[] = [];
  const ruleIndex = new Map<string, number>();
  const configNotes: Sarif.Notification[] = [];
  const overrides: Sarif.ConfigurationOverride[] = [];
  const addRule = (r: { id: string; family: string; title: string; severity: Severity; status?: string; reason?: string }): number => {
    const def = RULES.get(r.id);
    const uri = def ? helpUri(def.references) : undefined;
    const index = rules.length;
    rules.push({
      id: r.id,
      name: ruleName(r.id),
      shortDescription: { text: sarifText(r.title, MAX_MESSAGE) },
      fullDescription: { text: sarifText(def?.description ?? r.title, MAX_MESSAGE * 4) },
      ...(def && def.references.length > 0 ? { help: { text: `Basis:\n${basis(def.references)}` } } : {}),
      ...(uri ? { helpUri: uri } : {}),
      defaultConfiguration: { level: sarifLevel(r.severity) },
      properties: {
        tags: ["privacy", r.family],
        family: r.family,
        severity: r.severity,
        ...(def && def.severity !== r.severity ? { builtInSeverity: def.severity } : {}),
        ...(r.status ? { status: r.status } : {}),
        ...(r.reason ? { reason: sarifText(r.reason, MAX_MESSAGE) } : {}),
      },
    });
    ruleIndex.set(r.id, index);
    return index;
  };
  for (const r of a.rules) {
    const index = addRule(r);
    if (r.status === "skipped") {
      configNotes.push({ level: "note", message: message(`rule ${r.id} was not evaluated: ${r.reason ?? "skipped"}`), associatedRule: { id: r.id, index } });
    } else if (r.status === "disabled") {
      overrides.push({ descriptor: { id: r.id, index }, configuration: { enabled: false } });
    }
  }
  // A finding of a rule the analysis does not list (an older findings file): still described.
  for (const f of a.findings) if (!ruleIndex.has(f.rule)) addRule({ id: f.rule, family: f.family, title: f.title, severity: f.severity });

  const logical: Sarif.LogicalLocation[] = [];
  const logicalIndex = new Map<string, number>();
  const cached = (loc: Sarif.LogicalLocation): number => {
    const key = JSON.stringify([loc.kind, loc.fullyQualifiedName, loc.decoratedName, loc.parentIndex]);
    let i = logicalIndex.get(key);
    if (i === undefined) {
      i = logical.length;
      logical.push(loc);
      logicalIndex.set(key, i);
    }
    return i;
  };
  const partyLocation = (p: PartySummary): number | undefined => {
    if (p.kind === "unattributed") return undefined;
    const fqn = p.kind === "app" ? a.trace.app : p.kind === "unknown_third_party" ? (p.package ?? p.name) : p.name;
    return cached({
      name: sarifText(p.kind === "app" ? a.trace.app : p.name, MAX_NAME),
      fullyQualifiedName: sarifText(fqn, MAX_NAME),
      decoratedName: sarifText(p.key, MAX_NAME),
      kind: p.kind === "unknown_third_party" ? "namespace" : "module",
      properties: { party: party(p) },
    });
  };
  const ref = (i: number): Sarif.LogicalLocation => ({ index: i, fullyQualifiedName: logical[i]!.fullyQualifiedName, kind: logical[i]!.kind });

  const prints = fingerprints(a.findings);
  const results: Sarif.Result[] = a.findings.map((f, n) => {
    const stack = f.evidence.stack;
    const frame = stack ? stack.frames[stack.responsibleFrame] : undefined;
    const partyIdx = partyLocation(f.party);
    const where = frame !== undefined ? cached({ ...frameName(frame), kind: "function", ...(partyIdx !== undefined ? { parentIndex: partyIdx } : {}) }) : partyIdx;
    const shot = f.evidence.screenshot ? traceUri(f.evidence.screenshot.path) : undefined;
    const details = Object.fromEntries(Object.entries(f.evidence.details ?? {}).filter(([k]) => k !== "firstCall"));
    return {
      ruleId: f.rule,
      ruleIndex: ruleIndex.get(f.rule)!,
      level: sarifLevel(f.severity),
      message: message(f.message),
      ...(where !== undefined ? { locations: [{ logicalLocations: [ref(where)] }] } : {}),
      partialFingerprints: { [FINGERPRINT_KEY]: prints[n]! },
      ...(shot ? { attachments: [{ description: message("nearest screenshot"), artifactLocation: { uri: shot, uriBaseId: "TRACEDIR" } }] } : {}),
      properties: {
        findingId: f.id,
        severity: f.severity,
        family: f.family,
        party: party(f.party),
        ...(f.via ? { via: f.via.map(party) } : {}),
        ...(f.immediateCaller ? { immediateCaller: party(f.immediateCaller) } : {}),
        ...(f.category ? { category: f.category } : {}),
        ...(f.scenario !== undefined ? { scenario: sarifText(f.scenario, MAX_NAME) } : {}),
        ...(f.scenarios ? { scenarios: f.scenarios.map((s) => sarifText(s, MAX_NAME)) } : {}),
        count: f.count,
        window: { startSec: seconds(f.window.start), endSec: seconds(f.window.end) },
        ...(f.evidence.step ? { step: bag(withStepNumber(f.evidence.step)) } : {}),
        ...(f.evidence.screenshot ? { screenshot: sarifText(f.evidence.screenshot.path, MAX_PROPERTY) } : {}),
        ...(stack
          ? {
              attribution: {
                ...(frame !== undefined ? { responsibleFrame: sarifText(frame, MAX_PROPERTY) } : {}),
                ...(stack.frames[stack.immediateFrame] !== undefined && stack.immediateFrame !== stack.responsibleFrame
                  ? { immediateFrame: sarifText(stack.frames[stack.immediateFrame], MAX_PROPERTY) }
                  : {}),
                confidence: stack.confidence,
                reason: sarifText(stack.reason, MAX_PROPERTY),
              },
            }
          : {}),
        hooks: bag(f.evidence.hooks),
        events: f.evidence.events.slice(0, 50),
        ...(Object.keys(details).length > 0 ? { details: bag(details) } : {}),
      },
    };
  });

  const t = a.trace;
  const execNotes: Sarif.Notification[] = [];
  const unvouched = lacksEvidence(a);
  // First: what the trace cannot vouch for (no evidence, a failed or missing scenario).
  if (unvouched) {
    execNotes.push({
      level: "error",
      message: message([verdictHeadline(a), ...verdictProblems(a)].join("; "), 2000),
      properties: { status: a.status, evidence: bag(a.evidence) },
    });
  }
  if (!t.complete) {
    execNotes.push({
      level: "warning",
      message: message(`incomplete trace: ${t.incompleteReason ?? "the run did not finish cleanly"}; findings cover what was recorded`),
      properties: { traceComplete: false, ...(t.incompleteReason ? { incompleteReason: sarifText(t.incompleteReason) } : {}) },
    });
  }
  // analyze() also words incompleteness as a warning: said once, above.
  for (const w of a.warnings) if (t.complete || !w.startsWith("the run did not finish cleanly")) execNotes.push({ level: "warning", message: message(w, 2000) });
  const invocation: Sarif.Invocation = {
    // A run the trace cannot vouch for is not a successful scan, whatever the findings: viewers
    // then show it as failed rather than as a clean result.
    executionSuccessful: !unvouched,
    ...(overrides.length > 0 ? { ruleConfigurationOverrides: overrides } : {}),
    ...(configNotes.length > 0 ? { toolConfigurationNotifications: configNotes } : {}),
    ...(execNotes.length > 0 ? { toolExecutionNotifications: execNotes } : {}),
    // Policy and profile files by name only: their paths are the analyst's machine's, not the run's.
    properties: {
      policy: bag({ name: fileName(a.policy.name), chain: a.policy.chain.map(fileName) }),
      ...(a.profile ? { profile: bag({ ...a.profile, ...(a.profile.source !== undefined ? { source: fileName(a.profile.source) } : {}) }) } : {}),
      catalogue: bag(a.catalogue),
    },
  };

  const run: Sarif.Run = {
    tool: {
      driver: {
        name: a.tool.name,
        version: a.tool.version,
        ...(/^\d+\.\d+\.\d+(?:[-+][0-9A-Za-z.+-]*)?$/.test(a.tool.version) ? { semanticVersion: a.tool.version } : {}),
        rules,
      },
    },
    invocations: [invocation],
    automationDetails: { id: automationId(a) },
    ...(a.findings.some((f) => f.evidence.screenshot) ? { originalUriBaseIds: { TRACEDIR: { description: { text: "The trace directory the report was made from." } } } } : {}),
    ...(logical.length > 0 ? { logicalLocations: logical } : {}),
    results,
    properties: {
      status: a.status,
      trace: bag({
        app: t.app,
        ...(t.appVersion ? { appVersion: t.appVersion } : {}),
        device: t.device,
        startedAt: t.startedAt,
        complete: t.complete,
        sandbox: t.sandbox,
        calls: t.calls,
        durationSec: seconds(t.duration),
        skippedLines: t.skippedLines,
        truncated: t.truncated,
      }),
      summary: bag(a.summary),
      // What left the device (reports/flows.ts): party → host → identifiers, the first 50.
      ...(a.flows ? { flows: bag(a.flows.flows.map((f) => ({ party: f.party.name, host: f.recipient.host, whose: f.recipient.label, identifiers: f.identifiers.map((i) => `${i.kind} (${i.encodings.join("/")}; ${i.where.join("/")}${i.unread ? `; ${UNREAD} ${i.unread}×` : ""})`), requests: f.requests, tls: f.tls, findings: f.findings ?? [] }))) } : {}),
    },
  };
  const log: Sarif.Log = { $schema: SARIF_SCHEMA, version: "2.1.0", runs: [run] };
  return `${JSON.stringify(log, null, 2)}\n`;
}

import { ActivityBins, timelineMarks, type Activity, type TimelineMark } from "./activity.js";
import type { ResolvedPolicy } from "./policy/policy.js";
import type { AppProfile } from "./profile.js";
import type { FamilyRun, Emit } from "./rules/family.js";
import type { Group } from "./rules/groups.js";
import { FAMILIES, RULES } from "./rules/index.js";
import { Timeline } from "./rules/timeline.js";
import { severityRank, summarizeParty, withChain, type EventContext, type Finding, type PartySummary, type Severity } from "./rules/types.js";
import { applyLinks, type Also } from "./rules/links.js";
import { Attributor, formatFrame, type Attribution, type Party } from "./sdk/attribution.js";
import { SDK_CATALOGUE, SDK_CATALOGUE_VERSION } from "./sdk/catalogue/index.js";
import type { SdkEntry } from "./sdk/types.js";
import { CATEGORIES, CATEGORY_IDS, isCollection, type Category } from "./trace/categories.js";
import type { CallEvent, StackFrame } from "./trace/format.js";
import { streamCalls, type CallPrefetch } from "./trace/call-stream.js";
import { CallReader, type OpenTrace } from "./trace/reader.js";
import { redactValue } from "./redact.js";
import { TOOL } from "./version.js";
import { TraceError } from "./errors.js";
import { assessEvidence, type Evidence, type ReportStatus } from "./evidence.js";

export const FINDINGS_FORMAT = "permtrace-findings";
export const FINDINGS_SCHEMA_VERSION = 1;

export { OWN_PACKAGE_HOOKS } from "./trace/own-calls.js";

export interface AnalyzeOptions {
  readonly policy: ResolvedPolicy;
  readonly profile?: AppProfile;
  readonly catalogue?: readonly SdkEntry[];
  /** Include identifier values in outputs (redacted by default). */
  readonly showValues?: boolean;
  /** Parse in a worker thread; default: on large traces when the worker is built. */
  readonly parallel?: boolean;
  /** Let that worker use its WebAssembly scanner (default true; false to test the plain path). */
  readonly wasm?: boolean;
  /** A parsing worker started early (prefetchCalls). */
  readonly prefetch?: CallPrefetch;
}

export type RuleStatus = "evaluated" | "skipped" | "disabled";

export interface PartyStats {
  readonly party: PartySummary;
  /** Calls about personal data; the party's calls about the app's own data are in ownCalls. */
  readonly calls: number;
  readonly categories: Partial<Record<Category, number>>;
  readonly ownCalls?: number;
}

export interface StackStats {
  readonly id: number;
  readonly party: PartySummary;
  readonly immediateCaller: PartySummary;
  readonly frame: string;
  readonly confidence: number;
  readonly calls: number;
  readonly categories: Partial<Record<Category, number>>;
}

export interface Analysis {
  readonly format: typeof FINDINGS_FORMAT;
  readonly schemaVersion: number;
  readonly tool: { readonly name: string; readonly version: string };
  /** What the report can vouch for, stated first by every output: clean, findings, incomplete or no-evidence. */
  readonly status: ReportStatus;
  readonly evidence: Evidence;
  readonly trace: {
    readonly dir: string;
    readonly app: string;
    readonly appVersion?: string;
    readonly device: Readonly<Record<string, unknown>>;
    readonly startedAt: string;
    readonly complete: boolean;
    readonly incompleteReason?: string;
    readonly sandbox: boolean;
    readonly calls: number;
    /** Calls that concern only the app's own data (its own package info): in `calls`, not in any tally. */
    readonly ownCalls?: number;
    readonly stacks: number;
    readonly markers: number;
    readonly skippedLines: number;
    readonly truncated: boolean;
    readonly duration: number;
  };
  /** sha256: of the effective settings (reports/judged.ts), set by the report and diff commands. */
  readonly policy: { readonly name: string; readonly chain: readonly string[]; readonly sha256?: string };
  readonly profile?: { readonly source?: string; readonly app: string; readonly appType?: string | number; readonly sha256?: string };
  readonly catalogue: { readonly version: string; readonly sdks: number };
  readonly rules: readonly { readonly id: string; readonly family: string; readonly title: string; readonly severity: Severity; readonly status: RuleStatus; readonly reason?: string; readonly findings: number }[];
  /** Present when the report was made with --show-values: identifier values are not redacted. */
  readonly valuesShown?: true;
  readonly summary: {
    readonly findings: number;
    /** Findings not listed past MAX_FINDINGS. */
    readonly findingsOmitted?: number;
    readonly bySeverity: Partial<Record<Severity, number>>;
    readonly byRule: Readonly<Record<string, number>>;
    readonly byParty: Readonly<Record<string, number>>;
    readonly byCategory: Readonly<Record<string, number>>;
    readonly byScenario: Readonly<Record<string, number>>;
  };
  readonly parties: readonly PartyStats[];
  /** The busiest call stacks (at most 500): who, through which frame, how often, what. */
  readonly stacks: readonly StackStats[];
  readonly scenarios: readonly {
    readonly name: string;
    readonly purpose?: string;
    readonly needs?: readonly Category[];
    readonly start: number;
    /** Calls made while the scenario ran, in all and by category. */
    readonly calls?: number;
    readonly categories?: Partial<Record<Category, number>>;
  }[];
  readonly findings: readonly Finding[];
  readonly warnings: readonly string[];
  /** Calls over time by category and party (the HTML report's chart); absent in older findings files. */
  readonly activity?: Activity;
  /** The timeline's scenarios, steps, consent, background, screen, permission and screenshot moments. */
  readonly marks?: readonly TimelineMark[];
  /** Marks left out past the per-kind cap. */
  readonly marksOmitted?: number;
}

interface StackSlot {
  readonly attr: Attribution;
  readonly partyIdx: number;
  /** Site numbers of this stack, by hookIdx * 32 + catIdx; the last one looked up. */
  readonly sites: Map<number, number>;
  lastSiteKey: number;
  lastSite: number;
  /** Calls through this stack, and by category index. */
  calls: number;
  readonly categories: number[];
}

/** Reads the whole trace once and returns the findings, after what the trace can vouch for. */
export function analyze(trace: OpenTrace, opts: AnalyzeOptions): Analysis {
  const { format, schemaVersion, tool, ...rest } = analyzeCalls(trace, opts);
  const { status, evidence } = assessEvidence(trace.manifest, trace.markers, rest.trace.calls, rest.summary.findings);
  return { format, schemaVersion, tool, status, evidence, ...rest };
}

/** The findings and tallies. Memory is bounded by distinct stacks, parties, hooks and groups. */
function analyzeCalls(trace: OpenTrace, opts: AnalyzeOptions): Omit<Analysis, "status" | "evidence"> {
  const { manifest } = trace;
  const policy = opts.policy;
  const appPackages = [manifest.app.package, ...(manifest.app.ownPackages ?? []), ...(opts.profile?.ownPackages ?? [])];
  const attributor = new Attributor(opts.catalogue ?? SDK_CATALOGUE, appPackages);
  const timeline = new Timeline(trace.markers, policy.initialConsent);
  const parties: Party[] = [];
  const partyIndex = new Map<string, number>();
  const skipped = new Map<string, string>();
  const setup = {
    timeline,
    manifest,
    profile: opts.profile,
    catalogue: opts.catalogue ?? SDK_CATALOGUE,
    parties,
    enabled: (id: string) => policy.rules[id]?.enabled ?? false,
    severity: (id: string) => policy.rules[id]?.severity ?? "info",
    params: <T>(id: string) => (policy.rules[id]?.params ?? {}) as T,
    skip: (id: string, reason: string) => void skipped.set(id, reason),
  };
  const runs: FamilyRun[] = FAMILIES.map((f) => f.create(setup));
  // Families that claim calls see each call first (FamilyRun.finish's link).
  const eventRuns = [...runs.filter((_, i) => FAMILIES[i]!.claims), ...runs.filter((_, i) => !FAMILIES[i]!.claims)];

  const partyOf = (p: Party): number => {
    let i = partyIndex.get(p.key);
    if (i === undefined) {
      i = parties.length;
      parties.push(p);
      partyIndex.set(p.key, i);
    }
    return i;
  };
  // Stack ids are small dense integers: an array beats a map here.
  const stackSlots: (StackSlot | undefined)[] = [];
  let noStack: StackSlot | undefined;
  // Large or odd ids in a map; calls to stacks missing from stacks.jsonl share one unattributed
  // slot: state stays bounded by the stacks the trace defines, whatever ids its calls carry.
  const bigSlots = new Map<number, StackSlot>();
  let missing: StackSlot | undefined;
  const slotOf = (id: number | undefined): StackSlot => {
    if (id === undefined) return (noStack ??= mkSlot(attributor.attribute(undefined)));
    const dense = id >= 0 && Number.isInteger(id) && id < 1 << 24;
    let s = dense ? stackSlots[id] : bigSlots.get(id);
    if (s) return s;
    const stack = trace.stacks.get(id);
    if (!stack) return (missing ??= mkSlot(attributor.attribute(undefined)));
    s = mkSlot(attributor.attribute(stack));
    if (dense) stackSlots[id] = s;
    else bigSlots.set(id, s);
    return s;
  };
  const mkSlot = (attr: Attribution): StackSlot => ({ attr, partyIdx: partyOf(attr.responsible), sites: new Map(), lastSiteKey: -1, lastSite: -1, calls: 0, categories: [] });
  const catIndex = new Map<string, number>(CATEGORY_IDS.map((c, i) => [c, i]));
  const collecting: boolean[] = CATEGORY_IDS.map((c) => isCollection(c));
  const hookIndex = new Map<string, number>();
  const hooks: string[] = [];
  // Call sites (stack, hook, category), numbered so families can keep per-site state in arrays.
  let sites = 0;
  const nCat = CATEGORY_IDS.length;
  const partyCat: number[] = [];
  let first = Infinity;
  let last = -Infinity;
  const appPackage = manifest.app.package;
  let lastSeq = -Infinity;
  let seqBackwards = 0;
  let danglingStacks = 0;
  const activity = new ActivityBins();
  const scenarioCat: number[] = [];
  let ownCalls = 0;
  const partyOwn: number[] = [];

  // The parallel read numbers hooks itself: its numbers map to hook indexes through an array.
  const hookByKey: number[] = [];
  const hookOf = (hook: string): number => {
    let i = hookIndex.get(hook);
    if (i === undefined) {
      i = hooks.length;
      hooks.push(hook);
      hookIndex.set(hook, i);
    }
    return i;
  };

  const stats = streamCalls(trace, appPackage, (ev: CallEvent, own: boolean, offset: number, hookKey: number, catKey: number) => {
    const slot = slotOf(ev.stack);
    if (ev.stack !== undefined && slot.attr.frameIndex < 0 && !trace.stacks.has(ev.stack)) danglingStacks++;
    if (ev.seq <= lastSeq) seqBackwards++;
    lastSeq = ev.seq;
    let hookIdx: number;
    if (hookKey >= 0) {
      const h = hookByKey[hookKey];
      hookIdx = h === undefined ? (hookByKey[hookKey] = hookOf(ev.hook)) : h;
    } else hookIdx = hookOf(ev.hook);
    const catIdx = catKey >= 0 ? catKey : catIndex.get(ev.cat)!;
    const siteKey = hookIdx * 32 + catIdx;
    let siteIdx: number | undefined;
    if (slot.lastSiteKey === siteKey) siteIdx = slot.lastSite;
    else {
      siteIdx = slot.sites.get(siteKey);
      if (siteIdx === undefined) slot.sites.set(siteKey, (siteIdx = sites++));
      slot.lastSiteKey = siteKey;
      slot.lastSite = siteIdx;
    }
    const ctx: EventContext = {
      ev,
      attr: slot.attr,
      partyIdx: slot.partyIdx,
      catIdx,
      hookIdx,
      siteIdx,
      offset,
      state: timeline.at(ev.t),
      collection: collecting[catIdx]! && !own,
      claim: undefined,
    };
    if (own) {
      // The app reading its own data (its own package info) is not collection: counted apart,
      // so no table or chart shows it as the app reading installed apps.
      ownCalls++;
      partyOwn[slot.partyIdx] = (partyOwn[slot.partyIdx] ?? 0) + 1;
    } else {
      slot.calls++;
      slot.categories[catIdx] = (slot.categories[catIdx] ?? 0) + 1;
      const pc = slot.partyIdx * nCat + catIdx;
      partyCat[pc] = (partyCat[pc] ?? 0) + 1;
      activity.add(ev.t, catIdx, slot.partyIdx);
      const sc = ctx.state.scenario;
      if (sc) scenarioCat[sc.index * nCat + catIdx] = (scenarioCat[sc.index * nCat + catIdx] ?? 0) + 1;
    }
    if (ev.t < first) first = ev.t;
    if (ev.t > last) last = ev.t;
    for (let i = 0; i < eventRuns.length; i++) eventRuns[i]!.onEvent(ctx);
  }, { ...(opts.parallel === undefined ? {} : { parallel: opts.parallel }), ...(opts.wasm === undefined ? {} : { wasm: opts.wasm }), ...(opts.prefetch ? { prefetch: opts.prefetch } : {}) });

  if (stats.read === 0 && stats.skipped > 0) {
    const first = trace.skipped.samples.find((x) => x.file === "calls.jsonl");
    throw new TraceError(`no valid call among ${stats.skipped} line(s)${first ? `; line ${first.line}: ${first.problem}` : ""}`, {
      where: `${trace.dir}/calls.jsonl`,
      fix: "this is not a permtrace calls file, or it is damaged",
    });
  }
  const raw: Omit<Finding, "id">[] = [];
  const findingOf = new Map<object, number>();
  const links: [object, Also][] = [];
  const emit = (ruleId: string, g: Group, what: Emit): void => {
    const def = RULES.get(ruleId)!;
    findingOf.set(g, raw.length);
    raw.push(buildFinding(def.id, def.family, policy.rules[ruleId]!.severity, def, g, what));
  };
  const buildFinding = (rule: string, family: string, severity: Severity, def: { title: string; references: Finding["references"] }, g: Group, what: Emit): Omit<Finding, "id"> => {
    const c = g.firstCtx!;
    const at = what.at ?? c;
    const stackId = g.topStack();
    const stack = stackId !== undefined ? trace.stacks.get(stackId) : undefined;
    const attr = stack ? slotOf(stackId).attr : c.attr;
    const party = what.party ?? c.attr.responsible;
    // The chain of the stack the finding shows, when that stack is the party's.
    const via = attr.responsible.key === party.key ? attr.via : [];
    const window = what.window ?? { start: g.first, end: g.last };
    const shot = timeline.nearestScreenshot(what.at ? at.ev.t : window.start, at.state.scenario);
    const step = at.state.step;
    const identifying = CATEGORIES[c.ev.cat].identifying;
    // A parallel read leaves argument and return summaries in the file: read the one call again.
    const full = stats.parallel && c.ev.args === undefined && c.ev.ret === undefined ? (reread.at(c.offset, c.ev.seq) ?? c.ev) : c.ev;
    const firstCall = {
      seq: c.ev.seq,
      hook: c.ev.hook,
      out: c.ev.out,
      ...(c.ev.exc ? { exc: c.ev.exc } : {}),
      // At most MAX_ARGS arguments of at most MAX_ARG_CHARS each: a call with 50k arguments must not make the report.
      ...(full.args ? { args: full.args.slice(0, MAX_ARGS).map((a) => cut(redactValue(String(a), identifying, opts.showValues === true), MAX_ARG_CHARS)) } : {}),
      ...(full.args && full.args.length > MAX_ARGS ? { argsOmitted: full.args.length - MAX_ARGS } : {}),
      ...(full.ret !== undefined ? { ret: redactValue(String(full.ret), identifying, opts.showValues === true) } : {}),
      pid: c.ev.pid,
      tid: c.ev.tid,
    };
    return {
      rule,
      family,
      severity,
      title: def.title,
      message: withChain(attempts(what.message, g.count, g.threw, c.ev.exc), party, via),
      references: def.references,
      party: summarizeParty(party),
      ...(via.length > 0 ? { via: via.map(summarizeParty) } : {}),
      ...(c.attr.immediate.key !== (what.party ?? c.attr.responsible).key ? { immediateCaller: summarizeParty(c.attr.immediate) } : {}),
      ...(what.category ? { category: what.category } : {}),
      ...(what.scenario ? { scenario: what.scenario } : {}),
      ...(what.scenarios ? { scenarios: what.scenarios } : {}),
      count: what.count ?? g.count,
      window,
      evidence: {
        events: what.events ? [...what.events] : g.sampleSeqs(),
        ...(stack
          ? {
              stack: {
                id: stack.id,
                ...boundedFrames(stack.frames, attr.frameIndex, attr.immediateFrameIndex),
                responsibleFrame: attr.frameIndex,
                immediateFrame: attr.immediateFrameIndex,
                confidence: attr.confidence,
                reason: attr.reason,
              },
            }
          : { stack: undefined }),
        hooks: g.hooks().slice(0, 8).map(([h, n]) => ({ hook: hooks[h]!, count: n })),
        ...(shot ? { screenshot: shot } : {}),
        ...(step ? { step: { scenario: step.scenario, index: step.index, ...(step.action ? { action: step.action } : {}), ...(step.label ? { label: step.label } : {}) } } : {}),
        details: { ...g.details, ...(what.details ?? {}), firstCall, ...(g.threw > 0 ? { threw: g.threw } : {}) },
      },
    };
  };
  const reread = new CallReader(trace);
  try {
    for (const r of runs) r.finish(emit, (group, also) => void links.push([group, also]));
    applyLinks(raw, findingOf, links);
  } finally {
    reread.close();
  }

  raw.sort((a, b) => severityRank(b.severity) - severityRank(a.severity) || a.window.start - b.window.start || a.rule.localeCompare(b.rule));
  // A trace can make findings without end (a call from each of 200k unknown packages): the most
  // severe and earliest MAX_FINDINGS are listed, the rest counted.
  const omitted = new Map<string, number>();
  for (const f of raw.slice(MAX_FINDINGS)) omitted.set(f.rule, (omitted.get(f.rule) ?? 0) + 1);
  if (raw.length > MAX_FINDINGS) raw.length = MAX_FINDINGS;
  const findings: Finding[] = raw.map((f, i) => {
    const { stack, ...rest } = f.evidence;
    return { id: `F${String(i + 1).padStart(4, "0")}`, ...f, evidence: stack ? { ...rest, stack } : rest };
  });

  const count = <K extends string>(key: (f: Finding) => K | undefined): Record<string, number> => {
    const out: Record<string, number> = {};
    for (const f of findings) {
      const k = key(f);
      if (k !== undefined) out[k] = (out[k] ?? 0) + 1;
    }
    return out;
  };
  const byRule = count((f) => f.rule);
  const rules = FAMILIES.flatMap((f) =>
    f.rules.map((r) => {
      const s = policy.rules[r.id]!;
      const status: RuleStatus = !s.enabled ? "disabled" : skipped.has(r.id) ? "skipped" : "evaluated";
      return { id: r.id, family: r.family, title: r.title, severity: s.severity, status, ...(skipped.has(r.id) ? { reason: skipped.get(r.id)! } : {}), findings: byRule[r.id] ?? 0 };
    }),
  );
  // Row `index` of a table of counts by category (partyCat, scenarioCat): its total and non-zero cells.
  const categoryRow = (table: readonly number[], index: number): { calls: number; categories: Partial<Record<Category, number>> } => {
    const categories: Partial<Record<Category, number>> = {};
    let calls = 0;
    for (let c = 0; c < nCat; c++) {
      const n = table[index * nCat + c];
      if (n) {
        categories[CATEGORY_IDS[c]!] = n;
        calls += n;
      }
    }
    return { calls, categories };
  };
  const partyStats: PartyStats[] = parties
    .map((p, i) => {
      const { calls, categories } = categoryRow(partyCat, i);
      const own = partyOwn[i] ?? 0;
      return { party: summarizeParty(p), calls, categories, ...(own > 0 ? { ownCalls: own } : {}) };
    })
    .filter((p) => p.calls > 0 || (p.ownCalls ?? 0) > 0)
    .sort((a, b) => b.calls - a.calls);

  const marks = timelineMarks(trace.markers);
  const scenarioCalls = (index: number) => categoryRow(scenarioCat, index);

  const warnings = collectWarnings(trace, timeline, policy, stats.truncatedLast, opts.profile);
  if (omitted.size > 0) {
    const n = [...omitted.values()].reduce((a, b) => a + b, 0);
    warnings.push(`${n} more finding(s) not listed past the first ${MAX_FINDINGS} (${[...omitted].map(([r, k]) => `${r} ×${k}`).join(", ")}): summary counts are of the listed ones`);
  }
  if (danglingStacks > 0) warnings.push(`${danglingStacks} call(s) reference stacks missing from stacks.jsonl: they are unattributed`);
  if (seqBackwards > 0) warnings.push(`${seqBackwards} call(s) have a seq not above the previous one: two recorders may have written this trace, event ids are ambiguous`);
  return {
    format: FINDINGS_FORMAT,
    schemaVersion: FINDINGS_SCHEMA_VERSION,
    tool: TOOL,
    trace: {
      dir: trace.dir,
      app: manifest.app.package,
      ...(manifest.app.versionName ? { appVersion: manifest.app.versionName } : {}),
      device: { ...manifest.device },
      startedAt: manifest.startedAt,
      complete: manifest.complete === true,
      ...(manifest.incompleteReason ? { incompleteReason: manifest.incompleteReason } : {}),
      sandbox: manifest.device.kind === "sandbox" || manifest.device.kind === "synthetic",
      calls: stats.read,
      ...(ownCalls > 0 ? { ownCalls } : {}),
      stacks: trace.stacks.size,
      markers: trace.markers.length,
      skippedLines: trace.skipped.total,
      truncated: stats.truncatedLast || trace.stackStats.truncatedLast || trace.timelineStats.truncatedLast,
      duration: spanMs(first, last, trace.markers),
    },
    policy: { name: policy.name, chain: policy.chain },
    ...(opts.profile ? { profile: { ...(opts.profile.source ? { source: opts.profile.source } : {}), app: opts.profile.app, ...(opts.profile.appType !== undefined ? { appType: opts.profile.appType } : {}) } } : {}),
    catalogue: { version: SDK_CATALOGUE_VERSION, sdks: (opts.catalogue ?? SDK_CATALOGUE).length },
    rules,
    ...(opts.showValues === true ? { valuesShown: true as const } : {}),
    summary: {
      findings: findings.length,
      ...(omitted.size > 0 ? { findingsOmitted: [...omitted.values()].reduce((a, b) => a + b, 0) } : {}),
      bySeverity: count((f) => f.severity),
      byRule,
      byParty: count((f) => f.party.name),
      byCategory: count((f) => f.category),
      byScenario: count((f) => f.scenario),
    },
    parties: partyStats,
    stacks: [...trace.stacks.keys()]
      .map((id): [number, StackSlot | undefined] => [id, stackSlots[id] ?? bigSlots.get(id)])
      .filter((e): e is [number, StackSlot] => e[1] !== undefined && e[1].calls > 0)
      .sort((x, y) => y[1].calls - x[1].calls)
      .slice(0, 500)
      .map(([id, st]) => ({
        id,
        party: summarizeParty(st.attr.responsible),
        immediateCaller: summarizeParty(st.attr.immediate),
        frame: st.attr.evidence.length > 500 ? `${st.attr.evidence.slice(0, 500)}…` : st.attr.evidence,
        confidence: st.attr.confidence,
        calls: st.calls,
        categories: Object.fromEntries(st.categories.map((n, i) => [CATEGORY_IDS[i]!, n]).filter(([, n]) => n)) as Partial<Record<Category, number>>,
      })),
    scenarios: timeline.scenarios.map((s) => ({ name: s.name, ...(s.purpose ? { purpose: s.purpose } : {}), ...(s.needs ? { needs: [...s.needs] } : {}), start: s.start, ...scenarioCalls(s.index) })),
    findings,
    warnings,
    activity: activity.result((i) => {
      const p = parties[i]!;
      return { key: p.key, name: p.name, kind: p.kind };
    }),
    marks: marks.marks,
    ...(marks.omitted > 0 ? { marksOmitted: marks.omitted } : {}),
  };
}

function collectWarnings(trace: OpenTrace, timeline: Timeline, policy: ResolvedPolicy, truncatedCalls: boolean, profile: AppProfile | undefined): string[] {
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
  const failed = (m.agent?.coverage ?? []).filter((c) => c.status === "failed");
  if (failed.length > 0) w.push(`${failed.length} hook(s) failed to install, calls through them are not in the trace: ${failed.slice(0, 5).map((c) => c.hook).join(", ")}${failed.length > 5 ? ", …" : ""}`);
  return w;
}

/** Findings listed at most; the rest are counted (summary.findingsOmitted) and warned about. */
export const MAX_FINDINGS = 10_000;
const MAX_ARGS = 20;
const MAX_ARG_CHARS = 500;

function cut(s: string, max: number): string {
  return s.length > max ? `${s.slice(0, max)}…` : s;
}

const MAX_FRAMES = 60;
const MAX_FRAME_CHARS = 500;

/** From the first to the last call or marker: the run goes on after its last call (a scenario's end, a background soak). */
function spanMs(firstCall: number, lastCall: number, markers: readonly { readonly t: number }[]): number {
  let lo = firstCall;
  let hi = lastCall;
  for (const m of markers) [lo, hi] = [Math.min(lo, m.t), Math.max(hi, m.t)];
  return Number.isFinite(lo) ? hi - lo : 0;
}

/**
 * A stack as the report shows it: the first frames up to a little past the deciding ones,
 * at most MAX_FRAMES, each cut at MAX_FRAME_CHARS, so a hostile or runaway stack cannot blow up
 * the output. `omittedFrames` says how many were left out at the end.
 */
function boundedFrames(frames: readonly StackFrame[], responsible: number, immediate: number): { frames: string[]; omittedFrames?: number } {
  const want = Math.min(frames.length, Math.max(20, responsible + 4, immediate + 4));
  const keep = Math.min(want, MAX_FRAMES);
  const out = frames.slice(0, keep).map((f) => {
    const s = formatFrame(f);
    return s.length > MAX_FRAME_CHARS ? `${s.slice(0, MAX_FRAME_CHARS)}…` : s;
  });
  return frames.length > keep ? { frames: out, omittedFrames: frames.length - keep } : { frames: out };
}

/**
 * A finding whose calls all threw (an identifier Android refused, a camera that would not open)
 * is about attempts: the message says so, so nobody reads "read the IMEI 7 times" as success.
 */
function attempts(message: string, count: number, threw: number, exc: string | undefined): string {
  // Only when every call of the group threw (then the first call, whose exception is named, did too).
  if (threw === 0 || threw !== count || message.includes(" threw ")) return message;
  const e = exc ?? "an exception";
  return count === 1 ? `${message} — the call threw ${e}: an attempt, refused or failed on the device` : `${message} — all ${count} threw ${e}: attempts, refused or failed on the device`;
}

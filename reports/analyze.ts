import { ActivityBins, timelineMarks } from "./activity.js";
import type { FamilyRun, Emit } from "./rules/family.js";
import type { Group } from "./rules/groups.js";
import { FAMILIES, RULES } from "./rules/index.js";
import { Timeline } from "./rules/timeline.js";
import { findingScenarios, severityRank, summarizeParty, type EventContext, type Finding } from "./rules/types.js";
import { applyLinks, type Also } from "./rules/links.js";
import { Attributor, type Attribution, type Party } from "./sdk/attribution.js";
import { buildFinding, type FindingInputs } from "./finding-build.js";
import { SDK_CATALOGUE, SDK_CATALOGUE_VERSION } from "./sdk/catalogue/index.js";
import { CATEGORY_IDS, isCollection, type Category } from "./trace/categories.js";
import type { CallEvent } from "./trace/format.js";
import { streamCalls } from "./trace/call-stream.js";
import { CallReader, type OpenTrace } from "./trace/reader.js";
import { TOOL } from "./version.js";
import { TraceError } from "./errors.js";
import { collectWarnings } from "./warnings.js";
import { assessEvidence } from "./evidence.js";
import { FlowTracker } from "./flows.js";

export * from "./analysis.js";
import { FINDINGS_FORMAT, FINDINGS_SCHEMA_VERSION, type Analysis, type AnalyzeOptions, type PartyStats, type RuleStatus, type StackStats } from "./analysis.js";

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
  const flows = new FlowTracker(opts.profile, setup.catalogue);
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
    if (ev.net) flows.add(ev, slot.partyIdx);
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
    raw.push(buildFinding(built, def.id, def.family, policy.rules[ruleId]!.severity, def, g, what));
  };
  const reread = new CallReader(trace);
  const built: FindingInputs = { trace, timeline, hooks, showValues: opts.showValues === true, parallel: stats.parallel, reread, stackAttr: (id) => slotOf(id).attr };
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
  const flowSummary = flows.result(parties, findings);
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
      // A finding grouped across scenarios counts in each scenario it spans.
      byScenario: findings.reduce<Record<string, number>>((out, f) => {
        for (const sc of findingScenarios(f)) out[sc] = (out[sc] ?? 0) + 1;
        return out;
      }, {}),
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
    ...(flowSummary ? { flows: flowSummary } : {}),
    warnings,
    activity: activity.result((i) => {
      const p = parties[i]!;
      return { key: p.key, name: p.name, kind: p.kind };
    }),
    marks: marks.marks,
    ...(marks.omitted > 0 ? { marksOmitted: marks.omitted } : {}),
  };
}

/** Findings listed at most; the rest are counted (summary.findingsOmitted) and warned about. */
export const MAX_FINDINGS = 10_000;

/** From the first to the last call or marker: the run goes on after its last call (a scenario's end, a background soak). */
function spanMs(firstCall: number, lastCall: number, markers: readonly { readonly t: number }[]): number {
  let lo = firstCall;
  let hi = lastCall;
  for (const m of markers) [lo, hi] = [Math.min(lo, m.t), Math.max(hi, m.t)];
  return Number.isFinite(lo) ? hi - lo : 0;
}


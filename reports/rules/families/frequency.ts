import type { Party } from "../../sdk/attribution.js";
import type { SdkKind } from "../../sdk/types.js";
import { CATEGORIES, CATEGORY_IDS, type Category } from "../../trace/categories.js";
import { Group } from "../groups.js";
import { REFS, type EmitFn, type ParamSpec, type RuleFamily } from "../family.js";
import { PeriodDetector, POLLING_DEFAULTS, POLLING_SCHEMA, describePeriod, type PeriodicEpisode, type PollingNumbers } from "../period.js";
import type { EventContext } from "../types.js";
import type { WindowPeak } from "../window.js";

import { count, CounterSet, exemptParty, newCounter, PER_MINUTE, PER_RUN, PER_SECOND, type Counter, type Exemption, type Needs, type Peak } from "./frequency-counters.js";
const POLLING = "frequency.periodic_polling";

interface LimitParams {
  /** Default limit for every category; null = no limit. */
  limit: number | null;
  categories: Partial<Record<Category, number | null>>;
  /** Per-hook limits, counted per responsible party and hook. */
  hooks: Record<string, number | null>;
  /** Calls in a scenario that needs the category are exempt, unless made by an SDK of these kinds. */
  exemptWhenNeeded: boolean;
  alwaysLimitedKinds: SdkKind[];
}

interface PollingParams extends PollingNumbers {
  exemptWhenNeeded: boolean;
  alwaysLimitedKinds: SdkKind[];
  ignoreCategories: Category[];
}

const IDENTIFIERS: Category[] = ["phone_identifiers", "device_identifiers", "network_identifiers", "phone_number"];
/** Categories whose every read is personal data, so a rate limit applies by default. */
const LIMITED_DATA: Category[] = [...IDENTIFIERS, "location", "contacts", "sms", "call_log", "calendar", "accounts", "clipboard", "installed_apps", "running_apps"];
const LIMITED_KINDS: SdkKind[] = ["ads", "analytics", "attribution", "marketing", "risk_control", "device_id", "push", "crash"];

const nullableCount = { type: ["integer", "null"], minimum: 0 };
const exemptSchema = {
  exemptWhenNeeded: { type: "boolean" },
  alwaysLimitedKinds: { type: "array", items: { $ref: "#/$defs/sdkKind" }, uniqueItems: true },
};
const limitSchema = {
  limit: nullableCount,
  categories: { type: "object", propertyNames: { $ref: "#/$defs/category" }, additionalProperties: nullableCount },
  hooks: { type: "object", additionalProperties: nullableCount },
  ...exemptSchema,
};

function limits(limit: number | null, categories: Partial<Record<Category, number | null>>): ParamSpec {
  return { schema: limitSchema, defaults: { limit, categories, hooks: {}, exemptWhenNeeded: true, alwaysLimitedKinds: LIMITED_KINDS } };
}

const freqRefs = [
  REFS.methods2019("4(4)", "collecting personal information at a frequency beyond what the business function needs"),
  REFS.miit164("reading IMEI, location… at a fixed frequency (e.g. every 30 s) beyond the minimum the service needs"),
];

interface Poller {
  readonly det: PeriodDetector;
  readonly group: Group;
}

/** What one call site (stack, hook, category) updates, looked up once per site. */
interface Site {
  /** By counter set: (party, category), category, (party, hook) — undefined where nothing is limited. */
  readonly partyCat: (Counter | undefined)[];
  readonly cat: (Counter | undefined)[];
  readonly partyHook: (Counter | undefined)[];
  /** By counter set: calls here are exempt when the scenario needs the category. */
  readonly exempt: boolean[];
  readonly anyExempt: boolean;
  readonly sitePoller: Poller | undefined;
  readonly partyPoller: Poller | undefined;
  readonly pollExempt: boolean;
}

function getOr<K, V>(map: Map<K, V>, key: K, make: () => V): V {
  let v = map.get(key);
  if (v === undefined) map.set(key, (v = make()));
  return v;
}

/** What the rule promises and how it decides (docs/rules.md shows it with the numbers). */
const POLLING_DESCRIPTION =
  "Reads of one hook that repeat on a regular grid, reported with the period. A beat is a call, or calls closer than `burstGapMs`. " +
  "What is found: periods from `minPeriodMs` to `maxPeriodSec` (2 s to 30 min is the tested range); each beat within ±`relTolerance` of the period from the grid (strict: 15 %); " +
  "up to `maxMissedFraction` of the grid's slots without a beat (strict: a third), in runs (a silence of up to 2 × `minOccurrences` ticks, or as many as the beats before it); at least `minOccurrences` beats; " +
  "and a chance of at most `maxChance` that irregular activity holds such a stretch: chance = (the key's beats − beats + 1) × ticks spanned × (2 × tolerance)^(beats − 3), " +
  "the tolerance being the smallest ± share of the period within which one grid holds every beat. " +
  "With the strict numbers an exact poller is found at 6 beats, one jittered by ±5 % from 8, one at the bounds (±15 %, a third missing) from 13; " +
  "Poisson calls, bursts, returns to the app and taps gave no finding in 3600 generated series (test/reports/period-properties.test.ts). " +
  "How: candidate periods come from the span of every `minOccurrences` consecutive beats that lie on one grid; a walk per candidate cuts the beats into runs on its grid; " +
  "per run the period is the least-squares slope of the beat times against their integer grid indices (the whole series, not its first gaps), the dispersion the residuals' root mean square, and the tolerance an exact minimax fit over the convex hulls; " +
  "a run no grid holds within the tolerance is split at its worst beat, and one with too many empty slots keeps its widest covered stretch; each fitted period is walked once more over the whole series. " +
  "About O(n · minOccurrences): 100 000 calls of one hook take 50–200 ms. Details: periodMs, dispersionMs, jitterMs (largest residual), beats, missing, chance, episodes.";

/** One finding for a poller: its longest episode, with how many it had. */
function emitPolling(emit: EmitFn, group: Group, eps: readonly PeriodicEpisode[]): void {
  const ep = eps[0]!;
  const ctx = group.firstCtx!;
  const party = ctx.attr.responsible;
  group.details = {
    periodMs: Math.round(ep.period),
    jitterMs: Math.round(ep.jitter),
    occurrences: ep.occurrences,
    start: ep.start,
    end: ep.end,
    episodes: eps.length,
    dispersionMs: Math.round(ep.dispersion),
    beats: ep.occurrences,
    missing: ep.missing,
    chance: Number(ep.chance.toPrecision(2)),
  };
  const missed = ep.missing > 0 ? `, ${ep.missing} missed` : "";
  emit(POLLING, group, {
    party,
    category: ctx.ev.cat,
    scenario: ctx.state.scenario?.name,
    window: { start: ep.start, end: ep.end },
    count: ep.occurrences,
    message: `${party.name} called ${ctx.ev.hook} ${describePeriod(ep.period)} (${ep.occurrences} times over ${Math.round((ep.end - ep.start) / 1000)} s${missed}, jitter ±${(ep.jitter / 1000).toFixed(1)} s)`,
  });
}

/**
 * Excessive frequency: highest count in any 1 s and 60 s window and per app run, per
 * (responsible party, category), per category across parties, and per (party, hook) where the
 * policy limits a hook; and periodic polling per (party, hook) with its period.
 */
export const frequencyFamily: RuleFamily = {
  family: "frequency",
  rules: [
    { id: PER_SECOND, family: "frequency", title: "Personal information read more than the limit per second", severity: "medium", description: "Highest number of reads in any one-second window, against the policy's limit.", references: [...freqRefs, REFS.store("Tencent MyApp", "an identifier read never more than once per second")] },
    { id: PER_MINUTE, family: "frequency", title: "Personal information read more than the limit per minute", severity: "medium", description: "Highest number of reads in any 60-second window.", references: [...freqRefs, REFS.store("Huawei AppGallery", "Android ID read no more than 4 times per minute")] },
    { id: PER_RUN, family: "frequency", title: "Identifier read more times per app run than the limit", severity: "medium", description: "Reads between one app launch and the next.", references: [...freqRefs, REFS.store("Tencent MyApp", "an identifier read at most 3 times per run")] },
    { id: POLLING, family: "frequency", title: "Personal information polled periodically", severity: "high", description: POLLING_DESCRIPTION, references: freqRefs },
  ],
  params: {
    // Strict: personal data (not sensors, camera, scans…) at most once a second; identifiers
    // 4 a minute, other personal data 10.
    [PER_SECOND]: limits(null, Object.fromEntries(LIMITED_DATA.map((c) => [c, 1]))),
    [PER_MINUTE]: limits(null, { ...Object.fromEntries(LIMITED_DATA.map((c) => [c, 10])), ...Object.fromEntries(IDENTIFIERS.map((c) => [c, 4])) }),
    [PER_RUN]: limits(null, Object.fromEntries(IDENTIFIERS.map((c) => [c, 3]))),
    [POLLING]: {
      schema: { ...POLLING_SCHEMA, ignoreCategories: { type: "array", items: { $ref: "#/$defs/category" }, uniqueItems: true }, ...exemptSchema },
      defaults: { ...POLLING_DEFAULTS, ignoreCategories: [], exemptWhenNeeded: true, alwaysLimitedKinds: LIMITED_KINDS },
    },
  },
  create(setup) {
    const rateRules = [PER_SECOND, PER_MINUTE, PER_RUN].filter((r) => setup.enabled(r));
    // Rules with the same exemption share counters; a rule with its own gets its own.
    const sets: CounterSet[] = [];
    const bySetting = new Map<string, string[]>();
    for (const r of rateRules) {
      const p = setup.params<LimitParams>(r);
      const key = JSON.stringify([p.exemptWhenNeeded, [...p.alwaysLimitedKinds].sort()]);
      getOr(bySetting, key, () => []).push(r);
    }
    for (const rules of bySetting.values()) {
      const p = setup.params<LimitParams>(rules[0]!);
      const hookNeeds = new Map<string, Needs>();
      const hookLimited = (rule: string, hook: string): boolean => rules.includes(rule) && (setup.params<LimitParams>(rule).hooks[hook] ?? null) !== null;
      for (const r of rules) for (const h of Object.keys(setup.params<LimitParams>(r).hooks)) {
        const n = { sec: hookLimited(PER_SECOND, h), min: hookLimited(PER_MINUTE, h), run: hookLimited(PER_RUN, h) };
        if (n.sec || n.min || n.run) hookNeeds.set(h, n);
      }
      const limit = (rule: string, cat: Category): number | null => {
        const q = setup.params<LimitParams>(rule);
        return cat in q.categories ? (q.categories[cat] ?? null) : q.limit;
      };
      sets.push(new CounterSet(rules, { exemptWhenNeeded: p.exemptWhenNeeded, limited: new Set(p.alwaysLimitedKinds) }, hookNeeds, limit));
    }
    const polling = setup.enabled(POLLING);
    const poll = setup.params<PollingParams>(POLLING);
    const pollExemption: Exemption = { exemptWhenNeeded: poll.exemptWhenNeeded, limited: new Set(poll.alwaysLimitedKinds) };
    const pollIgnore = new Set<string>(poll.ignoreCategories);
    const nCat = CATEGORY_IDS.length;
    const pollers = new Map<number, Poller>();
    const partyPollers = new Map<number, Poller>();
    const newPoller = (): Poller => ({ det: new PeriodDetector({ ...poll, maxPeriodMs: poll.maxPeriodSec * 1000 }), group: new Group(false) });
    const hookNames: string[] = [];
    const sites: Site[] = [];

    function siteOf(ctx: EventContext): Site {
      // Packed (party, hook) key: exact below 2^53, so for any number of parties and hooks a trace can hold.
      const partyHook = ctx.hookIdx * 2 ** 26 + ctx.partyIdx;
      const site: Site = { partyCat: [], cat: [], partyHook: [], exempt: [], anyExempt: false, sitePoller: undefined, partyPoller: undefined, pollExempt: false };
      for (const set of sets) {
        const hookNeed = set.hookNeeds.get(ctx.ev.hook);
        if (hookNeed) hookNames[ctx.hookIdx] = ctx.ev.hook;
        const catNeed = set.catNeeds[ctx.catIdx];
        site.partyCat.push(catNeed ? getOr(set.byPartyCat, ctx.partyIdx * nCat + ctx.catIdx, () => newCounter(true, catNeed)) : undefined);
        site.cat.push(catNeed ? getOr(set.byCat, ctx.catIdx, () => newCounter(false, catNeed)) : undefined);
        site.partyHook.push(hookNeed ? getOr(set.byPartyHook, partyHook, () => newCounter(true, hookNeed)) : undefined);
        site.exempt.push(exemptParty(ctx.attr.responsible, set.exemption));
      }
      const polled = polling && !pollIgnore.has(ctx.ev.cat);
      const full: Site = {
        ...site,
        anyExempt: site.exempt.includes(true) || (polled && exemptParty(ctx.attr.responsible, pollExemption)),
        // Per call site: a timer calls from one place, so other calls of the same API by the
        // same party do not hide it; per (party, hook) too, for pollers whose stacks vary.
        sitePoller: polled ? getOr(pollers, ctx.siteIdx, newPoller) : undefined,
        partyPoller: polled ? getOr(partyPollers, partyHook, newPoller) : undefined,
        pollExempt: polled && exemptParty(ctx.attr.responsible, pollExemption),
      };
      sites[ctx.siteIdx] = full;
      return full;
    }

    return {
      onEvent(ctx) {
        if (!ctx.collection) return;
        const site = sites[ctx.siteIdx] ?? siteOf(ctx);
        // Calls in a scenario that needs the category are exempt, for the parties the settings exempt.
        let needed = false;
        if (site.anyExempt) {
          const needs = ctx.state.scenario?.needs;
          needed = needs !== undefined && needs.has(ctx.ev.cat);
        }
        for (let i = 0; i < site.exempt.length; i++) {
          if (needed && site.exempt[i]) continue;
          const set = sets[i]!;
          const a = site.partyCat[i];
          const b = site.cat[i];
          const c = site.partyHook[i];
          if (a) {
            count(a, ctx);
            if (set.allPartiesMatter(ctx.catIdx)) set.noteParty(ctx.catIdx, a);
          }
          if (b && set.allPartiesMatter(ctx.catIdx)) count(b, ctx);
          if (c) count(c, ctx);
        }
        const poller = site.sitePoller;
        if (poller && !(needed && site.pollExempt)) {
          const t = ctx.ev.t;
          poller.det.add(t);
          poller.group.add(ctx);
          site.partyPoller!.det.add(t);
          site.partyPoller!.group.add(ctx);
        }
      },
      finish(emit) {
        interface Metric {
          value: number;
          at: number;
          saturated: boolean;
          window: { start: number; end: number };
          events: number[];
          ctx: EventContext | undefined;
          /** All-parties counters: the stretch's calls by party index. */
          tags?: readonly (readonly [number, number])[] | undefined;
        }
        // Called only for a metric whose limit is set, which the counter then keeps.
        const fromWindow = (w: WindowPeak, p: Peak): Metric => ({ value: w.max, at: w.maxAt, saturated: w.saturated, window: { start: w.maxFrom, end: w.maxAt }, events: w.maxSeqs, ctx: p.ctx, tags: w.maxTags });
        const metric = (rule: string, c: Counter): Metric =>
          rule === PER_SECOND
            ? fromWindow(c.both?.short ?? c.sec!, c.secPeak)
            : rule === PER_MINUTE
              ? fromWindow(c.both?.long ?? c.min!, c.minPeak)
              : { value: c.maxRun, at: NaN, saturated: false, window: { start: c.maxRunFrom, end: c.maxRunTo }, events: c.maxRunSeqs, ctx: c.runPeak.ctx, tags: c.maxRunTags };
        const unit = (rule: string): string => (rule === PER_SECOND ? "within one second" : rule === PER_MINUTE ? "within one minute" : "in one app run");
        for (const set of sets) for (const rule of set.rules) {
          const { byPartyCat, byCat, byPartyHook } = set;
          const p = setup.params<LimitParams>(rule);
          const limitOf = (cat: Category): number | null => (cat in p.categories ? (p.categories[cat] ?? null) : p.limit);
          const explained = new Set<number>();
          const report = (c: Counter, group: Group, party: Party, cat: Category, limit: number, hook?: string, extra: Record<string, unknown> = {}, label = party.name): void => {
            const m = metric(rule, c);
            const ctx = group.firstCtx!;
            const what = hook ?? CATEGORIES[cat].label.toLowerCase();
            emit(rule, group, {
              party,
              category: cat,
              scenario: (m.ctx ?? ctx).state.scenario?.name,
              window: m.window,
              count: m.value,
              events: m.events,
              ...(m.ctx ? { at: m.ctx } : {}),
              message: `${label} read ${what} ${m.saturated ? "at least " : ""}${m.value} times ${unit(rule)} (limit ${limit})`,
              details: { observed: m.value, limit, ...(Number.isNaN(m.at) ? { run: c.maxRunIndex } : { peakAt: m.at }), ...(hook ? { hook } : {}), ...(m.saturated ? { saturated: true } : {}), ...extra },
            });
          };
          for (const [key, c] of byPartyCat) {
            const cat = CATEGORY_IDS[key % nCat]!;
            const limit = limitOf(cat);
            if (limit === null || metric(rule, c).value <= limit) continue;
            explained.add(key % nCat);
            report(c, c.group!, setup.parties[Math.floor(key / nCat)]!, cat, limit);
          }
          for (const [catIdx, c] of byCat) {
            const cat = CATEGORY_IDS[catIdx]!;
            const limit = limitOf(cat);
            if (limit === null || explained.has(catIdx) || metric(rule, c).value <= limit) continue;
            // No single party is over the limit, but together they are: the evidence is the busiest
            // party's, and the finding names each party's calls in the busiest stretch.
            let busiest: Group | undefined;
            for (const [k, pc] of byPartyCat) if (k % nCat === catIdx && (!busiest || pc.group!.count > busiest.count)) busiest = pc.group;
            const parties = [...(metric(rule, c).tags ?? [])]
              .sort((x, y) => y[1] - x[1])
              .map(([idx, n]) => ({ party: setup.parties[idx]!.name, key: setup.parties[idx]!.key, calls: n }));
            const who = parties.slice(0, 6).map((x) => `${x.party} ${x.calls}`).join(", ") + (parties.length > 6 ? `, ${parties.length - 6} more` : "");
            const all: Party = { key: "all", kind: "unattributed", name: "several parties together" };
            report(c, busiest!, all, cat, limit, undefined, { parties }, `${all.name} (${who})`);
          }
          for (const [key, c] of byPartyHook) {
            const hook = hookNames[Math.floor(key / 2 ** 26)]!;
            const limit = p.hooks[hook];
            if (limit === undefined || limit === null || metric(rule, c).value <= limit) continue;
            report(c, c.group!, setup.parties[key % 2 ** 26]!, c.group!.firstCtx!.ev.cat, limit, hook);
          }
        }
        // Per call site first; a (party, hook) poller only where no site of that pair polls.
        const found = new Set<string>();
        const pairOf = (g: Group): string => `${g.firstCtx!.partyIdx}|${g.firstCtx!.hookIdx}`;
        const sites = [...pollers.values()].filter((p) => p.group.count > 0).map((p) => ({ ...p, eps: p.det.finish() }));
        for (const p of sites) if (p.eps.length > 0) found.add(pairOf(p.group));
        const wide = [...partyPollers.values()]
          .filter((p) => p.group.count > 0 && !found.has(pairOf(p.group)))
          .map((p) => ({ ...p, eps: p.det.finish() }));
        for (const { group, eps } of [...sites, ...wide]) if (eps.length > 0) emitPolling(emit, group, eps);
      },
    };
  },
};

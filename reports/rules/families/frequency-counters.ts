/**
 * The counters behind the rate rules (per second, per minute, per app run): a counter per party
 * and category, per category (all parties together, tagged with each call's party) and per party
 * and hook, keeping only the metrics some rule limits.
 */
import type { Party } from "../../sdk/attribution.js";
import { CATEGORY_IDS, type Category } from "../../trace/categories.js";
import { Group } from "../groups.js";
import type { EventContext } from "../types.js";
import { DualWindow, SlidingWindow, TagCount } from "../window.js";

export const PER_SECOND = "frequency.rate_per_second";
export const PER_MINUTE = "frequency.rate_per_minute";
export const PER_RUN = "frequency.total_per_run";

/** The busiest stretch a counter saw for one metric: what its finding cites. */
export interface Peak {
  ctx: EventContext | undefined;
}

export interface Counter {
  /** Evidence; absent for the all-parties counters, which borrow their busiest party's. */
  readonly group: Group | undefined;
  /** Only the metrics some rule limits are kept (a category without limits is not counted); both windows share one ring. */
  readonly both: DualWindow | undefined;
  readonly sec: SlidingWindow | undefined;
  readonly min: SlidingWindow | undefined;
  readonly runs: boolean;
  readonly secPeak: Peak;
  readonly minPeak: Peak;
  run: number;
  runCount: number;
  runFrom: number;
  runSeqs: number[];
  maxRun: number;
  maxRunIndex: number;
  maxRunFrom: number;
  maxRunTo: number;
  maxRunSeqs: number[];
  readonly runPeak: Peak;
  /** All-parties counters: calls of the current run, and of the busiest run, by party index. */
  readonly runTags: TagCount | undefined;
  maxRunTags?: (readonly [number, number])[];
}

/** Which metrics a counter keeps. */
export interface Needs {
  readonly sec: boolean;
  readonly min: boolean;
  readonly run: boolean;
}

export function newCounter(withGroup: boolean, need: Needs): Counter {
  return {
    group: withGroup ? new Group() : undefined,
    // The all-parties counters (no group of their own) tag each call with its party: a finding says who made up the count.
    both: need.sec && need.min ? new DualWindow(1000, 60_000, !withGroup) : undefined,
    sec: need.sec && !need.min ? new SlidingWindow(1000, !withGroup) : undefined,
    min: need.min && !need.sec ? new SlidingWindow(60_000, !withGroup) : undefined,
    runs: need.run,
    secPeak: { ctx: undefined },
    minPeak: { ctx: undefined },
    run: -1,
    runCount: 0,
    runFrom: 0,
    runSeqs: [],
    maxRun: 0,
    maxRunIndex: 0,
    maxRunFrom: 0,
    maxRunTo: 0,
    maxRunSeqs: [],
    runPeak: { ctx: undefined },
    runTags: !withGroup && need.run ? new TagCount() : undefined,
  };
}

export function count(c: Counter, ctx: EventContext): void {
  const { t, seq } = ctx.ev;
  const tag = ctx.partyIdx;
  c.group?.add(ctx);
  if (c.both) {
    const made = c.both.add(t, seq, tag);
    if (made & 1) c.secPeak.ctx = ctx;
    if (made & 2) c.minPeak.ctx = ctx;
  } else {
    if (c.sec?.add(t, seq, tag)) c.secPeak.ctx = ctx;
    if (c.min?.add(t, seq, tag)) c.minPeak.ctx = ctx;
  }
  if (!c.runs) return;
  if (ctx.state.run !== c.run) {
    c.run = ctx.state.run;
    c.runCount = 0;
    c.runFrom = t;
    c.runSeqs = [];
    c.runTags?.clear();
  }
  c.runTags?.add(tag);
  if (c.runSeqs.length < 5) c.runSeqs.push(seq);
  if (++c.runCount > c.maxRun) {
    if (c.runTags) c.maxRunTags = c.runTags.snapshot();
    c.maxRun = c.runCount;
    c.maxRunIndex = c.run;
    c.maxRunFrom = c.runFrom;
    c.maxRunTo = t;
    c.maxRunSeqs = c.runSeqs.includes(seq) ? [...c.runSeqs] : [...c.runSeqs, seq];
    c.runPeak.ctx = ctx;
  }
}

export interface Exemption {
  readonly exemptWhenNeeded: boolean;
  readonly limited: ReadonlySet<string>;
}

/** Whether this party's calls are exempt where the scenario needs the category (fixed per call site). */
export function exemptParty(party: Party, p: Exemption): boolean {
  if (!p.exemptWhenNeeded) return false;
  if (party.kind === "app") return true;
  return party.kind === "sdk" && !p.limited.has(party.sdk!.kind);
}

/**
 * Rate counters for the rate rules that share one exemption setting (usually all three):
 * per (party, category), per category across parties, per (party, hook) for limited hooks.
 */
export class CounterSet {
  readonly byPartyCat = new Map<number, Counter>();
  readonly byCat = new Map<number, Counter>();
  readonly byPartyHook = new Map<number, Counter>();
  /** By category index: the metrics the set's rules limit for it (undefined: none). */
  readonly catNeeds: (Needs | undefined)[];
  /** By category index: the limits (Infinity where none), and the metrics as bits (1 second, 2 minute, 4 run)… */
  private readonly limits: { sec: number; min: number; run: number }[];
  private readonly needBits: number[];
  /**
   * …and those some single party is already over. The all-parties counter of a category is only
   * reported for a metric no single party is over, so once every limited metric has such a party
   * it is not counted any more: its numbers could not change a finding.
   */
  private readonly overBits: number[];

  constructor(
    readonly rules: readonly string[],
    readonly exemption: Exemption,
    /** Hooks some rule of the set limits, with the metrics. */
    readonly hookNeeds: ReadonlyMap<string, Needs>,
    limit: (rule: string, cat: Category) => number | null,
  ) {
    const of = (rule: string, cat: Category): number | null => (rules.includes(rule) ? limit(rule, cat) : null);
    this.limits = CATEGORY_IDS.map((c) => ({ sec: of(PER_SECOND, c) ?? Infinity, min: of(PER_MINUTE, c) ?? Infinity, run: of(PER_RUN, c) ?? Infinity }));
    this.catNeeds = CATEGORY_IDS.map((c) => {
      const n = { sec: of(PER_SECOND, c) !== null, min: of(PER_MINUTE, c) !== null, run: of(PER_RUN, c) !== null };
      return n.sec || n.min || n.run ? n : undefined;
    });
    this.needBits = this.catNeeds.map((n) => (n ? (n.sec ? 1 : 0) | (n.min ? 2 : 0) | (n.run ? 4 : 0) : 0));
    this.overBits = CATEGORY_IDS.map(() => 0);
  }

  /** Whether the category's all-parties counter still matters. */
  allPartiesMatter(catIdx: number): boolean {
    return this.overBits[catIdx] !== this.needBits[catIdx];
  }

  /** Notes the metrics a party's counter for the category is over the limit of. */
  noteParty(catIdx: number, c: Counter): void {
    const need = this.needBits[catIdx]!;
    let over = this.overBits[catIdx]!;
    const lim = this.limits[catIdx]!;
    if (need & 1 && !(over & 1) && (c.both?.short.max ?? c.sec!.max) > lim.sec) over |= 1;
    if (need & 2 && !(over & 2) && (c.both?.long.max ?? c.min!.max) > lim.min) over |= 2;
    if (need & 4 && !(over & 4) && c.maxRun > lim.run) over |= 4;
    this.overBits[catIdx] = over;
  }
}


import type { PartyKind } from "./sdk/attribution.js";
import { stepNumber } from "./render/step-number.js";
import { CATEGORY_IDS, type Category } from "./trace/categories.js";
import type { Marker } from "./trace/format.js";

/**
 * Calls over time, for the HTML report's timeline chart: counts per time bin by category and by
 * party. Built during analyze()'s single pass; its size is bounded by MAX_BINS whatever the
 * trace length.
 */
export interface Activity {
  /** Width of one bin, ms (a power of two: bins only ever merge in pairs). */
  readonly binMs: number;
  /** Trace time at which bin 0 starts. */
  readonly start: number;
  readonly bins: number;
  /** Calls per bin, for each category that has any. */
  readonly byCategory: Partial<Record<Category, number[]>>;
  /** Calls per bin for the busiest parties, then `other` for the rest. */
  readonly byParty: readonly ActivityParty[];
}

export interface ActivityParty {
  readonly key: string;
  readonly name: string;
  readonly kind: PartyKind | "other";
  readonly counts: number[];
}

/** A bin count past this doubles the bin width. */
export const MAX_BINS = 600;
export const TOP_PARTIES = 12;

/**
 * One party's calls per bin, sparse: a trace can name any number of parties (every unknown
 * package is one), most with a few calls, so a dense array of every bin per party would cost
 * bins × parties. Keys are absolute bin numbers (floor(t / width)) at the width of `level`; the
 * party is brought to the current width only when touched again, or at the end.
 */
interface PartyBins {
  level: number;
  readonly bins: Map<number, number>;
  total: number;
  /** Calls in bin runKey not yet added to `bins`: calls come in time order, so most land in the same bin as the last. */
  runKey: number;
  run: number;
}

function flushRun(p: PartyBins): void {
  if (p.run === 0) return;
  p.bins.set(p.runKey, (p.bins.get(p.runKey) ?? 0) + p.run);
  p.run = 0;
}

/**
 * Accumulates calls in time bins, starting 1 ms wide and doubling (merging neighbours) whenever
 * the calls seen so far would need more than MAX_BINS bins. Calls may arrive slightly out of
 * time order (several processes): a call before bin 0 extends the range to the left. Memory:
 * a dense row of bins per category, and per party one entry per bin it has calls in.
 */
export class ActivityBins {
  private binMs = 1;
  /** log2(binMs). */
  private level = 0;
  /** Start of bin 0; NaN before the first call. Always a multiple of binMs. */
  private origin = Number.NaN;
  private used = 0;
  private readonly byCat: number[][] = [];
  private readonly byParty: PartyBins[] = [];

  add(t: number, catIdx: number, partyIdx: number): void {
    let i = Math.floor((t - this.origin) / this.binMs);
    // Also taken for the first call (origin NaN) and for non-finite times, which place() drops.
    if (!(i >= 0 && i < MAX_BINS)) {
      i = this.place(t);
      if (i < 0) return;
    }
    if (i >= this.used) this.used = i + 1;
    bump(this.byCat, catIdx, i);
    let p = this.byParty[partyIdx];
    if (p === undefined) p = this.byParty[partyIdx] = { level: this.level, bins: new Map(), total: 0, runKey: 0, run: 0 };
    else this.align(p);
    const k = Math.round(this.origin / this.binMs) + i;
    if (k !== p.runKey) {
      flushRun(p);
      p.runKey = k;
    }
    p.run++;
    p.total++;
  }

  /** Brings a party's bins to the current width: absolute bin k of width w is bin floor(k / 2) of width 2w. */
  private align(p: PartyBins): void {
    if (p.level === this.level) return;
    flushRun(p);
    const f = 2 ** (this.level - p.level);
    const old = [...p.bins];
    p.bins.clear();
    for (const [k, n] of old) {
      const j = Math.floor(k / f);
      p.bins.set(j, (p.bins.get(j) ?? 0) + n);
    }
    p.level = this.level;
  }

  /** Re-shapes the bins so that t fits; returns its bin, or -1 for a time that cannot be placed. */
  private place(t: number): number {
    if (!Number.isFinite(t)) return -1;
    if (Number.isNaN(this.origin)) {
      this.origin = Math.floor(t / this.binMs) * this.binMs;
      return 0;
    }
    // The last used bin's start stands for the latest call: merged bins contain whole old bins.
    const latest = Math.max(t, this.origin + Math.max(0, this.used - 1) * this.binMs);
    const earliest = Math.min(t, this.origin);
    while (Math.floor(latest / this.binMs) - Math.floor(earliest / this.binMs) + 1 > MAX_BINS) this.double();
    const origin = Math.floor(earliest / this.binMs) * this.binMs;
    if (origin < this.origin) {
      const k = Math.round((this.origin - origin) / this.binMs);
      for (const s of this.byCat) if (s) s.unshift(...new Array<number>(k).fill(0));
      this.used += k;
      this.origin = origin;
    }
    return Math.floor((t - this.origin) / this.binMs);
  }

  /** Doubles the bin width; bin 0 realigns to a multiple of the new width. Parties follow lazily (align). */
  private double(): void {
    const width = this.binMs * 2;
    const origin = Math.floor(this.origin / width) * width;
    const shift = Math.round((this.origin - origin) / this.binMs);
    const merge = (s: number[] | undefined): number[] | undefined => {
      if (!s) return s;
      const out: number[] = new Array<number>(Math.floor((s.length - 1 + shift) / 2) + 1).fill(0);
      for (let k = 0; k < s.length; k++) out[(k + shift) >> 1]! += s[k]!;
      return out;
    };
    for (let i = 0; i < this.byCat.length; i++) this.byCat[i] = merge(this.byCat[i])!;
    if (this.used > 0) this.used = Math.floor((this.used - 1 + shift) / 2) + 1;
    this.binMs = width;
    this.level++;
    this.origin = origin;
  }

  /** Bins stored for the parties (one per party and bin with calls): what their memory grows with. */
  partyCells(): number {
    let n = 0;
    for (const p of this.byParty) {
      if (!p) continue;
      flushRun(p);
      n += p.bins.size;
    }
    return n;
  }

  /** The aggregate, with parties named by `party(index)`; the busiest TOP_PARTIES, then the rest summed. */
  result(party: (index: number) => { key: string; name: string; kind: PartyKind }): Activity {
    const n = this.used;
    const first = Number.isNaN(this.origin) ? 0 : Math.round(this.origin / this.binMs);
    const pad = (s: readonly number[]): number[] => (s.length >= n ? s.slice(0, n) : [...s, ...new Array<number>(n - s.length).fill(0)]);
    const dense = (p: PartyBins, into: number[] = new Array<number>(n).fill(0)): number[] => {
      this.align(p);
      flushRun(p);
      for (const [k, c] of p.bins) {
        const i = k - first;
        if (i >= 0 && i < n) into[i]! += c;
      }
      return into;
    };
    const byCategory: Partial<Record<Category, number[]>> = {};
    this.byCat.forEach((s, i) => {
      if (s && s.some((x) => x > 0)) byCategory[CATEGORY_IDS[i]!] = pad(s);
    });
    const parties = this.byParty
      .map((p, i) => ({ i, p, total: p ? p.total : 0 }))
      .filter((x) => x.total > 0)
      .map((x) => ({ ...x, info: party(x.i) }))
      .sort((a, b) => b.total - a.total || (a.info.key < b.info.key ? -1 : a.info.key > b.info.key ? 1 : 0));
    const byParty: ActivityParty[] = parties.slice(0, TOP_PARTIES).map((x) => ({ key: x.info.key, name: x.info.name, kind: x.info.kind, counts: dense(x.p) }));
    const rest = parties.slice(TOP_PARTIES);
    if (rest.length > 0) {
      const counts = new Array<number>(n).fill(0);
      for (const x of rest) dense(x.p, counts);
      byParty.push({ key: "other", name: `${rest.length} other part${rest.length === 1 ? "y" : "ies"}`, kind: "other", counts });
    }
    return { binMs: this.binMs, start: Number.isNaN(this.origin) ? 0 : this.origin, bins: n, byCategory, byParty };
  }
}

function bump(series: number[][], s: number, i: number): void {
  let a = series[s];
  if (a === undefined) a = series[s] = [];
  while (a.length <= i) a.push(0);
  a[i]!++;
}

export const MARK_KINDS = [
  "app_launch",
  "scenario",
  "step",
  "consent_shown",
  "consent_accepted",
  "consent_rejected",
  "consent_reset",
  "opt_out",
  "background",
  "screen_off",
  "permission_dialog_shown",
  "permission_dialog_answered",
  "permission_granted",
  "permission_revoked",
  "screenshot",
  "mark",
  "incomplete",
] as const;
export type MarkKind = (typeof MARK_KINDS)[number];

/** A moment or a period of the timeline, for the chart. Spans (scenario, background, screen_off) have an end unless still open when the trace ends. */
export interface TimelineMark {
  readonly kind: MarkKind;
  readonly t: number;
  readonly end?: number;
  readonly label?: string;
  /** step: its scenario. */
  readonly scenario?: string;
}

/** Marks of one kind past this many are counted in `omitted`, not kept. */
export const MAX_MARKS_PER_KIND = 500;
const MAX_LABEL = 300;

function cut(s: string): string {
  return s.length > MAX_LABEL ? `${s.slice(0, MAX_LABEL)}…` : s;
}

/**
 * The timeline as the chart draws it, from the markers (sorted by time). Periods become spans;
 * each kind is capped at MAX_MARKS_PER_KIND so a runaway marker stream cannot bloat the report.
 */
export function timelineMarks(markers: readonly Marker[]): { marks: TimelineMark[]; omitted: number } {
  const out: TimelineMark[] = [];
  const perKind = new Map<MarkKind, number>();
  let omitted = 0;
  const open = new Map<"scenario" | "background" | "screen_off", { t: number; label?: string }>();
  const push = (m: TimelineMark): void => {
    const n = perKind.get(m.kind) ?? 0;
    if (n >= MAX_MARKS_PER_KIND) {
      omitted++;
      return;
    }
    perKind.set(m.kind, n + 1);
    out.push(m);
  };
  const start = (kind: "scenario" | "background" | "screen_off", t: number, label?: string): void => {
    if (open.has(kind)) return;
    open.set(kind, label === undefined ? { t } : { t, label: cut(label) });
  };
  const end = (kind: "scenario" | "background" | "screen_off", t: number): void => {
    const o = open.get(kind);
    if (!o) return;
    open.delete(kind);
    push({ kind, t: o.t, end: t, ...(o.label !== undefined ? { label: o.label } : {}) });
  };
  const perms = (m: Marker): string => (m.permissions ?? []).map((p) => p.replace(/^android\.permission\./, "")).join(", ");
  for (const m of markers) {
    const t = m.t;
    switch (m.kind) {
      case "scenario_start":
        end("scenario", t);
        start("scenario", t, m.scenario ?? "scenario");
        break;
      case "scenario_end":
        end("scenario", t);
        break;
      case "step_start":
        push({ kind: "step", t, label: cut(`${stepNumber(m.step ?? 0)}. ${m.action ?? "step"}${m.label ? ` ${m.label}` : ""}`), ...(m.scenario !== undefined ? { scenario: cut(m.scenario) } : {}) });
        break;
      case "background":
        start("background", t);
        break;
      case "foreground":
      case "app_launch":
        end("background", t);
        if (m.kind === "app_launch") push({ kind: "app_launch", t, label: m.cold === false ? "warm launch" : "launch" });
        break;
      case "screen_off":
        start("screen_off", t);
        break;
      case "screen_on":
        end("screen_off", t);
        break;
      case "consent_shown":
      case "consent_accepted":
      case "consent_rejected":
      case "consent_reset":
        push({ kind: m.kind, t });
        break;
      case "opt_out":
        push({ kind: "opt_out", t, label: cut(m.categories && m.categories.length > 0 ? m.categories.join(", ") : "all personal data") });
        break;
      case "permission_dialog_shown":
      case "permission_granted":
      case "permission_revoked":
        push({ kind: m.kind, t, label: cut(perms(m)) });
        break;
      case "permission_dialog_answered":
        push({ kind: m.kind, t, label: cut(`${m.answer ?? "answered"}: ${perms(m)}`) });
        break;
      case "screenshot":
        if (m.path) push({ kind: "screenshot", t, label: cut(m.path) });
        break;
      case "mark":
        push({ kind: "mark", t, label: cut(m.label ?? "") });
        break;
      case "incomplete":
        push({ kind: "incomplete", t, label: cut(m.reason ?? "run cut") });
        break;
      default:
        break;
    }
  }
  for (const [kind, o] of open) push({ kind, t: o.t, ...(o.label !== undefined ? { label: o.label } : {}) });
  out.sort((a, b) => a.t - b.t);
  return { marks: out, omitted };
}

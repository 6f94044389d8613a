import type { EventContext } from "./types.js";

const SAMPLE_FIRST = 5;
const MAX_DISTINCT = 32;

/**
 * Counts keys, keeping at most MAX_DISTINCT of them: the first ones seen (later new keys are not
 * counted). Keys and counts sit in two small arrays in order of first appearance, with the
 * last key's slot remembered: runs of one key — the common case — cost a comparison, and a
 * linear look-up over a few numbers is cheaper than hashing.
 */
class TopCounter {
  private readonly keys: number[] = [];
  private readonly counts: number[] = [];
  private lastKey = NaN;
  private lastSlot = -1;

  add(key: number): void {
    if (key === 0) key = 0; // -0 counts as 0, as a Map key would
    if (key === this.lastKey) {
      this.counts[this.lastSlot]!++;
      return;
    }
    const keys = this.keys;
    let i = 0;
    while (i < keys.length && keys[i] !== key) i++;
    if (i === keys.length) {
      if (i >= MAX_DISTINCT) return;
      keys.push(key);
      this.counts.push(0);
    }
    this.counts[i]!++;
    this.lastKey = key;
    this.lastSlot = i;
  }

  /** [key, count] in order of first appearance. */
  entries(): [number, number][] {
    return this.keys.map((k, i) => [k, this.counts[i]!]);
  }
}

/**
 * The evidence a finding accumulates: bounded whatever the number of events
 * (first few seqs and the last, top stacks and hooks, first event's context).
 */
export class Group {
  count = 0;
  first = Infinity;
  last = -Infinity;
  readonly samples: number[] = [];
  lastSeq = -1;
  threw = 0;
  private readonly hookCounts = new TopCounter();
  private readonly stackCounts = new TopCounter();
  firstCtx: EventContext | undefined;
  /** Rule-specific facts, set by the rule. */
  details: Record<string, unknown> = {};

  /**
   * @param detailed count hooks and stacks; a group whose key fixes them (one call site) passes
   *   false and reports its first call's hook and stack, saving the per-event counting.
   */
  constructor(private readonly detailed = true) {}

  add(ctx: EventContext): void {
    const { ev } = ctx;
    this.count++;
    if (ev.t < this.first) {
      this.first = ev.t;
      this.firstCtx = ctx;
    }
    if (ev.t > this.last) this.last = ev.t;
    if (this.samples.length < SAMPLE_FIRST) this.samples.push(ev.seq);
    this.lastSeq = ev.seq;
    if (ev.out === "threw") this.threw++;
    if (!this.detailed) return;
    this.hookCounts.add(ctx.hookIdx);
    if (ev.stack !== undefined) this.stackCounts.add(ev.stack);
  }

  /** Sample seqs: the first few, then the last. */
  sampleSeqs(): number[] {
    return this.samples.includes(this.lastSeq) || this.lastSeq < 0 ? [...this.samples] : [...this.samples, this.lastSeq];
  }

  /** Hooks by count, most first. */
  hooks(): [number, number][] {
    if (!this.detailed) return this.firstCtx ? [[this.firstCtx.hookIdx, this.count]] : [];
    return this.hookCounts.entries().sort((a, b) => b[1] - a[1]);
  }

  /** The stack seen most often. */
  topStack(): number | undefined {
    if (!this.detailed) return this.firstCtx?.ev.stack;
    let best: number | undefined;
    let bestN = -1;
    for (const [id, n] of this.stackCounts.entries()) if (n > bestN) [best, bestN] = [id, n];
    return best;
  }
}

/**
 * A numeric group key for (party, category) and an optional small extra (a scenario index…):
 * numbers hash without building a string per event.
 */
export function partyCatKey(ctx: EventContext, extra = -1): number {
  // Exact below 2^53: 2^26 parties and 4M extras are more than any trace makes.
  return ((extra + 1) * 2 ** 26 + ctx.partyIdx) * 32 + ctx.catIdx;
}

/** Groups keyed by what the rule builds for violating events only. */
export class GroupMap {
  readonly map = new Map<string | number, Group>();

  add(key: string | number, ctx: EventContext): Group {
    const g = this.get(key);
    g.add(ctx);
    return g;
  }

  /** The group for a key, made (empty) if new. */
  get(key: string | number): Group {
    let g = this.map.get(key);
    if (!g) {
      g = new Group();
      this.map.set(key, g);
    }
    return g;
  }
}

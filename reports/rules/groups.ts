import type { EventContext } from "./types.js";

const SAMPLE_FIRST = 5;
const MAX_DISTINCT = 32;

/**
 * Counts keys into a map that stops taking new keys at MAX_DISTINCT (existing keys keep
 * counting). Runs of the same key — the common case — are counted in a field and folded in
 * when the key changes, so the per-event cost is a comparison.
 */
class TopCounter {
  readonly map = new Map<number, number>();
  private runKey = -1;
  private run = 0;

  add(key: number): void {
    if (key === this.runKey) {
      this.run++;
      return;
    }
    this.fold();
    this.runKey = key;
    this.run = 1;
  }

  private fold(): void {
    if (this.run === 0) return;
    const n = this.map.get(this.runKey);
    if (n !== undefined) this.map.set(this.runKey, n + this.run);
    else if (this.map.size < MAX_DISTINCT) this.map.set(this.runKey, this.run);
    this.run = 0;
  }

  entries(): [number, number][] {
    this.fold();
    this.runKey = -1;
    return [...this.map.entries()];
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
  return ((extra + 1) * 1_048_576 + ctx.partyIdx) * 32 + ctx.catIdx;
}

/** Groups keyed by what the rule builds for violating events only. */
export class GroupMap {
  readonly map = new Map<string | number, Group>();

  add(key: string | number, ctx: EventContext): Group {
    let g = this.map.get(key);
    if (!g) {
      g = new Group();
      this.map.set(key, g);
    }
    g.add(ctx);
    return g;
  }
}

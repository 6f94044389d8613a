import type { EventContext } from "./types.js";

const SAMPLE_FIRST = 5;
const MAX_DISTINCT = 32;

/** Counts into a map that stops taking new keys at MAX_DISTINCT (existing keys keep counting). */
function bump(map: Map<number, number>, key: number): void {
  const n = map.get(key);
  if (n !== undefined) map.set(key, n + 1);
  else if (map.size < MAX_DISTINCT) map.set(key, 1);
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
  readonly hooks = new Map<number, number>();
  readonly stacks = new Map<number, number>();
  firstCtx: EventContext | undefined;
  /** Rule-specific facts, set by the rule. */
  details: Record<string, unknown> = {};

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
    bump(this.hooks, ctx.hookIdx);
    if (ev.stack !== undefined) bump(this.stacks, ev.stack);
  }

  /** Sample seqs: the first few, then the last. */
  sampleSeqs(): number[] {
    return this.samples.includes(this.lastSeq) || this.lastSeq < 0 ? [...this.samples] : [...this.samples, this.lastSeq];
  }

  /** The stack seen most often. */
  topStack(): number | undefined {
    let best: number | undefined;
    let bestN = -1;
    for (const [id, n] of this.stacks) if (n > bestN) [best, bestN] = [id, n];
    return best;
  }
}

/** Groups keyed by a string the rule builds only for violating events. */
export class GroupMap {
  readonly map = new Map<string, Group>();

  add(key: string, ctx: EventContext): Group {
    let g = this.map.get(key);
    if (!g) {
      g = new Group();
      this.map.set(key, g);
    }
    g.add(ctx);
    return g;
  }
}

import { CALL, CALL_FLAGS, type AgentMessage, type CallTuple, type FrameTuple, type LifecycleTuple, type OutcomeTuple, type StackTuple } from "../protocol.js";

/** Strings kept before the table starts over (at a batch boundary). */
export const MAX_STRINGS = 50_000;

export interface RecorderOptions {
  readonly batchSize: number;
  readonly flushMs: number;
  readonly sampling?: { readonly threshold: number; readonly keepEvery: number };
}

export interface RecorderStats {
  calls: number;
  sampled: number;
  batches: number;
}

/**
 * Buffers calls and sends them in batches: by size, by a short timer, on an explicit flush.
 * Strings and stacks are interned (sent once, then referenced by number). `send` never blocks,
 * so the app never waits for the host.
 */
export class Recorder {
  private readonly strings = new Map<string, number>();
  private newStrings: string[] = [];
  private resetStrings = false;
  private readonly stacks = new Map<string, number>();
  private newStacks: StackTuple[] = [];
  private calls: CallTuple[] = [];
  private outcomes: OutcomeTuple[] = [];
  private lifecycle: LifecycleTuple[] = [];
  /** Local id of the first call of the current batch: a call's id is this plus its index. */
  private firstId = 1;
  private sampledCounts = new Map<number, number>();
  private readonly hot = new Map<number, { second: number; n: number }>();
  private timer: ReturnType<typeof setTimeout> | null = null;
  private disposed = false;
  readonly stats: RecorderStats = { calls: 0, sampled: 0, batches: 0 };

  constructor(
    private readonly send: (message: AgentMessage) => void,
    private readonly opts: RecorderOptions,
  ) {}

  /** The number of a string in the string table (sent with the next batch when new). */
  str(s: string): number {
    let i = this.strings.get(s);
    if (i === undefined) {
      i = this.strings.size;
      this.strings.set(s, i);
      this.newStrings.push(s);
    }
    return i;
  }

  /**
   * The id of a stack, by a key that identifies it; `build` is only called the first time (on a
   * device, building the frames is the costly part of reading a stack).
   */
  stack(key: string, build: () => { readonly frames: readonly FrameTuple[]; readonly truncated: boolean }): number {
    let id = this.stacks.get(key);
    if (id === undefined) {
      const { frames, truncated } = build();
      id = this.stacks.size + 1;
      this.stacks.set(key, id);
      this.newStacks.push([id, frames, truncated]);
    }
    return id;
  }

  /** Whether this call of a hot hook is only counted (sampling); counts stay exact either way. */
  sampledOut(hook: number, t: number): boolean {
    const s = this.opts.sampling;
    if (!s) return false;
    const second = Math.floor(t / 1000);
    let h = this.hot.get(hook);
    if (!h || h.second !== second) this.hot.set(hook, (h = { second, n: 0 }));
    h.n++;
    if (h.n <= s.threshold || (h.n - s.threshold) % s.keepEvery === 0) return false;
    this.sampledCounts.set(hook, (this.sampledCounts.get(hook) ?? 0) + 1);
    this.stats.sampled++;
    this.schedule();
    return true;
  }

  /**
   * Queues a call before the original runs; returns its local id for `end`. A full batch is sent
   * before the call is added, not after: the call that fills it would otherwise leave unfinished,
   * its outcome and its egress record (attached at the next flush) a batch later — lost if the
   * process dies in between.
   */
  begin(t: number, hook: number, category: number, tid: number, stack: number, args: readonly string[] | null, flags: number, req: readonly string[] | null): number {
    if (this.calls.length >= this.opts.batchSize) this.flush();
    const id = this.firstId + this.calls.length;
    const tuple: CallTuple = [Math.round(t * 1000) / 1000, hook, category, flags | CALL_FLAGS.pending, tid, stack];
    if (args !== null || req !== null) tuple.push(-1, -1, args === null ? null : args.map((a) => this.str(a)));
    if (req !== null) tuple.push(req);
    this.calls.push(tuple);
    this.stats.calls++;
    this.schedule();
    return id;
  }

  /** The outcome of a call: written into its tuple, or sent on its own if the call already left. */
  end(id: number, threw: boolean, exception: string | null, ret: string | null): void {
    const exc = exception === null ? -1 : this.str(exception);
    const r = ret === null ? -1 : this.str(ret);
    const tuple = id >= this.firstId ? this.calls[id - this.firstId] : undefined;
    if (tuple) {
      tuple[CALL.flags] = ((tuple[CALL.flags] as number) & ~CALL_FLAGS.pending) | (threw ? CALL_FLAGS.threw : 0);
      if (tuple.length > CALL.ret) {
        tuple[CALL.ret] = r;
        tuple[CALL.exc] = exc;
      } else if (r >= 0 || exc >= 0) {
        tuple.push(r);
        if (exc >= 0) tuple.push(exc);
      }
      return;
    }
    this.outcomes.push([id, threw ? CALL_FLAGS.threw : 0, exc, r]);
    this.schedule();
  }

  life(entry: LifecycleTuple): void {
    this.lifecycle.push(entry);
    this.schedule();
  }

  /** Sends everything buffered in one message; returns the number of calls sent. */
  flush(): number {
    if (this.timer !== null) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    const n = this.calls.length;
    if (n === 0 && this.outcomes.length === 0 && this.lifecycle.length === 0 && this.sampledCounts.size === 0 && this.newStacks.length === 0) return 0;
    this.send({
      type: "batch",
      ...(this.resetStrings ? { resetStrings: true } : {}),
      strings: this.newStrings,
      stacks: this.newStacks,
      firstId: this.firstId,
      calls: this.calls,
      outcomes: this.outcomes,
      lifecycle: this.lifecycle,
      sampled: [...this.sampledCounts],
    });
    this.stats.batches++;
    this.resetStrings = false;
    if (this.strings.size >= MAX_STRINGS) {
      // Ever-new values (timestamps, coordinates) would grow the table forever: start a new one,
      // only here, between batches, when nothing queued refers to the old one. Outcomes of calls
      // already sent are numbered in the new table when they come; the next batch says so.
      this.strings.clear();
      this.resetStrings = true;
    }
    this.firstId += n;
    this.newStrings = [];
    this.newStacks = [];
    this.calls = [];
    this.outcomes = [];
    this.lifecycle = [];
    this.sampledCounts = new Map();
    return n;
  }

  pending(): number {
    return this.calls.length;
  }

  /** Sends what is buffered; after that nothing is buffered, sent or timed. */
  dispose(): void {
    this.flush();
    this.disposed = true;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }

  private schedule(): void {
    if (this.timer === null && !this.disposed) this.timer = setTimeout(() => {
      this.timer = null;
      this.flush();
    }, this.opts.flushMs);
  }
}

import { learnedKind } from "../reports/trace/learned-kinds.js";
import type { AgentMessage, BatchMessage, CoverageRow, FrameTuple, NetMatchTuple, NetTuple } from "../agent/protocol.js";
import { CATEGORY_IDS } from "../reports/trace/categories.js";
import type { CallEvent, CoverageEntry, NetMatch, NetRecord, NetWhere, StackFrame } from "../reports/trace/format.js";
import type { CallInput, TraceWriter } from "../reports/trace/writer.js";

// Mirrors agent/protocol.ts (imported here as types only, so the values are restated: CALL_FLAGS, CALL, NET_LAYERS, NET_WHERE, NET).
const FLAGS = { threw: 1, own: 2, fgKnown: 4, fg: 8, pending: 16 } as const;
const CALL = { t: 0, hook: 1, category: 2, flags: 3, tid: 4, stack: 5, ret: 6, exc: 7, args: 8, req: 9 } as const;
/** Reads whose seq is kept for egress matches (per process): the most recent ones… */
const MAX_READ_SEQS = 65_536;
/** … and, per hook, the first read of each distinct return summary. */
const MAX_FIRSTS_PER_HOOK = 64;

const LAYERS = ["okhttp", "tls", "socket"] as const;
const WHERE: readonly NetWhere[] = ["url", "header", "body", "pre-encryption"];
const NET = { layer: 0, host: 1, port: 2, tls: 3, bytes: 4, matches: 5, method: 6, cut: 7, stack: 8 } as const;

/** Host and method come from the app: bounded here, escaped by every renderer. */
const MAX_TEXT = 300;

function text(v: unknown): string | undefined {
  return typeof v === "string" && v.length > 0 ? v.slice(0, MAX_TEXT) : undefined;
}

function count(v: unknown): number | undefined {
  return typeof v === "number" && Number.isInteger(v) && v >= 0 ? v : undefined;
}

/** A read's trace seq by its local id. */
interface SeqOf {
  get(localId: number): number | undefined;
}

function match(m: NetMatchTuple, readSeqs: SeqOf): NetMatch | null {
  const where = WHERE[m[2]];
  if (!where || typeof m[0] !== "string" || typeof m[1] !== "string") return null;
  // -1: the agent knew the value with no read (the runner supplied it); a read it named that is
  // out of this sink's window is neither a seq nor "no read".
  const readSeq = m[3] >= 0 ? readSeqs.get(m[3]) : undefined;
  const conf = typeof m[4] === "number" && m[4] >= 0 && m[4] <= 1 ? m[4] : 0;
  return { kind: m[0].slice(0, 40), enc: m[1].slice(0, 40), where, ...(readSeq !== undefined ? { readSeq } : m[3] === -1 ? { noRead: true as const } : {}), conf };
}

/** An agent NetTuple as the trace's `net` record (reports/trace/format.ts, NetRecord); reads named by their trace seq. */
export function netRecord(t: NetTuple, readSeqs: SeqOf): NetRecord {
  const at = (k: number): unknown => (t.length > k ? t[k] : undefined);
  const host = text(at(NET.host));
  const port = count(at(NET.port));
  const bytes = count(at(NET.bytes));
  const method = text(at(NET.method));
  const cut = count(at(NET.cut));
  const raw = at(NET.matches);
  const matches = Array.isArray(raw) ? (raw as NetMatchTuple[]).map((m) => match(m, readSeqs)).filter((m): m is NetMatch => m !== null) : [];
  return {
    layer: LAYERS[at(NET.layer) as number] ?? "socket",
    ...(host ? { host } : {}),
    ...(port !== undefined ? { port } : {}),
    tls: at(NET.tls) === 1,
    ...(bytes !== undefined ? { bytes } : {}),
    ...(method ? { method } : {}),
    ...(cut ? { cut } : {}),
    ...(matches.length > 0 ? { matches } : {}),
  };
}

/**
 * The trace seq of reads by local id, for the egress matches that name them. The agent's
 * matcher names, for each value, the read that first gave it the value, for as long as it
 * keeps the value (agent/engine/id-matcher.ts, learn(): a value learned again keeps its first
 * read; up to 256 values): a send late in a run names a read of its first minute, however many
 * reads came between. So besides the most recent reads, the first read of each distinct return
 * summary of each hook is kept: equal values have equal summaries (hashed with the run's salt,
 * agent/engine/summaries.ts). Both bounded. A value whose summary another value shares (masked),
 * or whose first read the agent had dropped unlearned (more than 256 learnable reads before any
 * scan, agent/engine/egress.ts learn()), is found only while its read is recent.
 */
class ReadSeqs implements SeqOf {
  private readonly recent = new Map<number, number>();
  /** Per hook, per return summary, the local id of its first read. */
  private readonly firsts = new Map<string, Map<string, number>>();
  private readonly firstSeqs = new Map<number, number>();

  clear(): void {
    this.recent.clear();
    this.firsts.clear();
    this.firstSeqs.clear();
  }

  get(localId: number): number | undefined {
    return this.recent.get(localId) ?? this.firstSeqs.get(localId);
  }

  /** A call written as `seq`: kept if it is a read a match may name. */
  add(localId: number, seq: number, call: CallInput): void {
    const { hook, ret } = call;
    // The agent learns only what a read of a LEARNED_KINDS hook returned, when it returned
    // (agent/engine/record.ts): the others (a denied getImei, over and over) would only crowd the window.
    if (call.out !== "returned" || !this.learns(hook)) return;
    this.recent.set(localId, seq);
    if (this.recent.size > MAX_READ_SEQS) this.recent.delete(this.recent.keys().next().value!);
    let seen = this.firsts.get(hook);
    if (!seen) this.firsts.set(hook, (seen = new Map()));
    if (seen.has(ret ?? "")) return;
    seen.set(ret ?? "", localId);
    this.firstSeqs.set(localId, seq);
    // Per hook, so a hook whose values change at every read (a moving device) forgets only its own.
    if (seen.size > MAX_FIRSTS_PER_HOOK) {
      const [summary, oldest] = seen.entries().next().value!;
      seen.delete(summary);
      this.firstSeqs.delete(oldest);
    }
  }

  private learns(hook: string): boolean {
    return learnedKind(hook) !== null;
  }
}

export interface SinkOptions {
  readonly pid: number;
  /** Host clock minus agent clock, ms, added to every agent time (read at each write: it is re-measured). */
  readonly clockOffset?: number | (() => number);
  /** Called for agent errors (they go to the log, not the trace). */
  readonly onAgentError?: (where: string, message: string) => void;
  /** Called for every call written, with its category (a progress display). */
  readonly onCall?: (category: string) => void;
  /** Called with the permissions of every permission request the app makes. */
  readonly onRequest?: (permissions: string[]) => void;
}

function frame(f: FrameTuple): StackFrame {
  if (f[0] === null) return { n: f[1] };
  // Absent file and line arrive as null (JSON has no undefined in arrays).
  return { c: f[0], m: f[1], ...(typeof f[2] === "string" && f[2] ? { f: f[2] } : {}), ...(typeof f[3] === "number" && Number.isInteger(f[3]) ? { l: f[3] } : {}) };
}

/**
 * Turns one agent's messages (agent/protocol.ts) into trace format v1 through a TraceWriter:
 * strings and stacks resolved (stack ids remapped to the trace's, shared by all processes),
 * calls written once their outcome is known, lifecycle changes as markers, coverage into the
 * manifest. Calls whose outcome never came (the process died inside the call) are written at
 * `close()` as having thrown, with a reason.
 */
export class AgentSink {
  private readonly strings: string[] = [];
  private readonly stacks = new Map<number, number>();
  /** Trace stack ids of the agent's logical send stacks (BatchMessage.sendStacks), by their own numbering. */
  private readonly sendStacks = new Map<number, number>();
  private hooks: string[] = [];
  /** The permission guarding each hook, by hook number. */
  private permissions: readonly (string | null)[] = [];
  private readonly pending = new Map<number, CallInput>();
  /** Egress records by the local id of their call, until the call is written. */
  private readonly nets = new Map<number, NetTuple>();
  /** The trace seq of reads, by local id: an egress match names its read by seq. */
  private readonly readSeqs = new ReadSeqs();
  /** Batches that arrived before the coverage message that names their hooks. */
  private early: BatchMessage[] = [];
  /** Whether a coverage message came: one that names no hook (an include selecting nothing) counts. */
  private covered = false;
  coverage: CoverageEntry[] = [];
  /** Calls counted but not recorded in full because of sampling, by hook id. */
  readonly sampled = new Map<string, number>();
  apiLevel: number | null = null;
  /** How the agent reads Java stacks in this process, and why the fallback when it is one. */
  stackSource: { readonly source: string; readonly note?: string } | undefined;

  constructor(
    private readonly writer: TraceWriter,
    private readonly opts: SinkOptions,
  ) {}

  onMessage(message: AgentMessage): void {
    switch (message.type) {
      case "hello":
        this.apiLevel = message.apiLevel;
        if (message.stacks) this.stackSource = { source: message.stacks, ...(message.stacksNote ? { note: message.stacksNote } : {}) };
        break;
      case "coverage": {
        this.covered = true;
        this.hooks = message.hooks.map((r) => r[0]);
        this.permissions = message.permissions ?? [];
        this.coverage = message.hooks.map((r: CoverageRow) => ({ hook: r[0], status: r[1] === "pending" ? "absent" : r[1], ...(r[2] ? { reason: r[2] } : r[1] === "pending" ? { reason: "class not loaded (yet)" } : {}) }));
        const early = this.early;
        this.early = [];
        for (const b of early) this.batch(b);
        break;
      }
      case "batch":
        // Hooks installed during init may fire before init's coverage message: hold them.
        if (!this.covered) this.early.push(message);
        else this.batch(message);
        break;
      case "application":
        // The class name comes from the app: bounded here, escaped by every renderer.
        this.writer.mark({ t: this.time(message.t), kind: "application", name: String(message.className).slice(0, 300), pid: this.opts.pid });
        break;
      case "agent-error":
        this.opts.onAgentError?.(message.where, message.message);
        break;
    }
  }

  /** Writes calls still waiting for an outcome (the process ended during them). */
  close(reason = "the process ended during the call"): void {
    for (const [id, call] of this.pending) this.write(id, { ...call, out: "threw", exc: `(no outcome: ${reason})` });
    this.pending.clear();
    this.nets.clear();
    this.sendStacks.clear();
    // A closed sink is kept for its coverage (runner/commands/run.ts, retired): not its reads.
    this.readSeqs.clear();
    this.early = [];
  }

  /**
   * Writes a call with its egress record, and remembers a read's seq for the matches that name it.
   * A send OkHttp's dispatcher ran for an enqueued call is written with its logical stack (its own
   * frames, then the enqueuer's: agent/engine/egress.ts), so attribution, chains and every output
   * see the party that enqueued it.
   */
  private write(id: number, call: CallInput): void {
    const net = this.nets.get(id);
    if (net) this.nets.delete(id);
    const logical = net && net.length > NET.stack ? this.sendStacks.get(net[NET.stack] as number) : undefined;
    const seq = this.writer.call(net ? { ...call, ...(logical !== undefined ? { stack: logical } : {}), net: netRecord(net, this.readSeqs) } : call);
    if (seq > 0) this.readSeqs.add(id, seq, call);
  }

  private time(t: number): number {
    const o = this.opts.clockOffset;
    return Math.round((t + (typeof o === "function" ? o() : (o ?? 0))) * 1000) / 1000;
  }

  private batch(b: BatchMessage): void {
    if (b.resetStrings) this.strings.length = 0;
    this.strings.push(...b.strings);
    for (const [hook, n] of b.sampled) {
      const id = this.hooks[hook] ?? `unknown.hook.${hook}`;
      this.sampled.set(id, (this.sampled.get(id) ?? 0) + n);
    }
    for (const [id, frames, truncated] of b.stacks) this.stacks.set(id, this.writer.stack(frames.map(frame), truncated));
    for (const [id, frames, truncated] of b.sendStacks ?? []) this.sendStacks.set(id, this.writer.stack(frames.map(frame), truncated));
    for (const [id, net] of b.net ?? []) this.nets.set(id, net);
    // Outcomes before calls, so that every read a send names is written (and has its seq) before
    // the send. The agent learns a read's value when the read returns, before it ends the call
    // (agent/engine/record.ts), and scans a send right after the send's call is queued: a read named
    // by a call in this batch ended before that call began, so it ended in place (earlier in
    // `calls`), or in an earlier batch, or as one of this batch's outcomes. An outcome is only ever
    // for a call sent in an earlier batch (agent/engine/recorder.ts, end()), so none of this
    // batch's calls is waiting for these outcomes. Calls first lost the link whenever the flush
    // timer fired while a read's original ran and a send followed before the next flush.
    this.outcomes(b);
    this.calls(b);
    for (const [t, kind, detail] of b.lifecycle) {
      if (kind === "permission_result") {
        const d = (detail ?? {}) as { permissions?: string[]; granted?: boolean[] };
        (d.permissions ?? []).forEach((p, i) => this.writer.mark({ t: this.time(t), kind: "permission_result", permissions: [p], granted: d.granted?.[i] === true, pid: this.opts.pid }));
      } else this.writer.mark({ t: this.time(t), kind, pid: this.opts.pid });
    }
  }

  /** Writes the calls sent in earlier batches whose outcome this batch brings. */
  private outcomes(b: BatchMessage): void {
    for (const [id, flags, exc, ret] of b.outcomes) {
      const call = this.pending.get(id);
      if (!call) continue;
      this.pending.delete(id);
      const done: Partial<CallEvent> = { out: flags & FLAGS.threw ? "threw" : "returned", ...(exc >= 0 ? { exc: this.strings[exc]! } : {}), ...(ret >= 0 ? { ret: this.strings[ret]! } : {}) };
      this.write(id, { ...call, ...done } as CallInput);
    }
  }

  /** Writes this batch's calls whose outcome is known; holds the others until their outcome. */
  private calls(b: BatchMessage): void {
    b.calls.forEach((c, i) => {
      const at = <T>(k: number, d: T): T => (c.length > k ? (c[k] as T) : d);
      const flags = c[CALL.flags] as number;
      const stack = c[CALL.stack] as number;
      const args = at<number[] | null>(CALL.args, null);
      const req = at<string[] | null>(CALL.req, null);
      const ret = at<number>(CALL.ret, -1);
      const exc = at<number>(CALL.exc, -1);
      const perm = this.permissions[c[CALL.hook] as number];
      const event: CallInput = {
        t: this.time(c[CALL.t] as number),
        hook: this.hooks[c[CALL.hook] as number] ?? `unknown.hook.${String(c[CALL.hook])}`,
        cat: CATEGORY_IDS[c[CALL.category] as number] ?? "permission_check",
        ...(typeof perm === "string" && perm ? { perm } : {}),
        out: flags & FLAGS.threw ? "threw" : "returned",
        ...(exc >= 0 ? { exc: this.strings[exc]! } : {}),
        pid: this.opts.pid,
        tid: c[CALL.tid] as number,
        ...(stack >= 0 && this.stacks.has(stack) ? { stack: this.stacks.get(stack)! } : {}),
        ...(args ? { args: args.map((a) => this.strings[a] ?? "") } : {}),
        ...(ret >= 0 ? { ret: this.strings[ret]! } : {}),
        ...(req ? { req } : {}),
        ...(flags & FLAGS.own ? { own: true } : {}),
        ...(flags & FLAGS.fgKnown ? { fg: (flags & FLAGS.fg) !== 0 } : {}),
      } as CallInput;
      this.opts.onCall?.(event.cat);
      if (req && event.cat === "permission_request") this.opts.onRequest?.(req);
      if (flags & FLAGS.pending) this.pending.set(b.firstId + i, event);
      else this.write(b.firstId + i, event);
    });
  }
}

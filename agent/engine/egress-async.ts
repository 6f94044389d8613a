/**
 * OkHttp's enqueued calls (ASYNC_POINTS, agent/catalogue/network.ts). At `enqueue` the call is
 * remembered — by System.identityHashCode, not the wrapper's handle: a replacement's `this` is a
 * new wrapper over that call's JNI local reference, dead once it returns (frida-java-bridge 7.0.13
 * lib/class-factory.js, handleMethodInvocation, `self = new C(jniArgs[1], …)`;
 * test/frida/okhttp-async.test.ts finds the enqueue again in the dispatcher's run on real
 * HotSpot) — with the caller's stack and the thread's pending pre-encryption matches, at most
 * MAX_ENQUEUED calls for ENQUEUED_MS. When the dispatcher thread runs it, the matches move to that
 * thread (a fresh pre-encryption window, the same confidence: the link from scan to enqueue is the
 * same thread-and-time link as to a synchronous send, the one from enqueue to run is by the call's
 * identity), and each Java send of the run gets a logical stack: its own frames, then the
 * enqueue's (BatchMessage.sendStacks), so the sender's frames are on it. Native sends keep their
 * own stack. What is left at the end of the run is dropped.
 */
import type { HookEntry, ScanPoint } from "../catalogue/types.js";
import { NET, type FrameTuple, type NetTuple, type StackTuple } from "../protocol.js";
import type { Match } from "./id-matcher.js";
import type { Handler } from "./installer.js";
import { Java } from "./java.js";
import type { CapturedStack, StackWalker } from "./stack.js";

/** Enqueued OkHttp calls remembered at most (the oldest is forgotten first)… */
export const MAX_ENQUEUED = 64;
/** … and for this long: a call OkHttp's dispatcher has not run by then gets no origin. */
export const ENQUEUED_MS = 60_000;
/** Logical stacks remembered before the table starts over (ids go on: the runner keeps its own). */
const MAX_LOGICAL = 4096;

/** The enqueue's stack: its key, and its frames built once when a send first needs them. */
interface Origin {
  readonly key: string;
  readonly frames: () => { readonly frames: readonly FrameTuple[]; readonly truncated: boolean };
}

interface Enqueued {
  readonly t: number;
  readonly tid: number;
  readonly origin: Origin;
  readonly pre: readonly Match[];
}

/** The pending pre-encryption matches of ./egress.ts, per thread. */
export interface PendingMatches {
  /** This thread's, taken. */
  take(): readonly Match[];
  /** Given to this thread. */
  give(matches: readonly Match[], untilTaken?: boolean): void;
  /** A thread's, dropped. */
  drop(tid: number): void;
}

interface AsyncDeps {
  readonly now: () => number;
  readonly tid: () => number;
  readonly reportError: (where: string, err: unknown) => void;
}

export class AsyncOrigins {
  /** Enqueued calls not yet run, by identity hash, oldest first. */
  private readonly enqueued = new Map<number, Enqueued>();
  /** Per thread, how many enqueues are in progress (a direct executor runs the call inside one). */
  private readonly enqueuing = new Map<number, number>();
  /** Per thread, the origin of the enqueued call it is running. */
  private readonly running = new Map<number, Origin>();
  private readonly logical = new Map<string, number>();
  private nextLogical = 1;
  private newLogical: StackTuple[] = [];
  private walker: StackWalker | undefined;
  private system: { identityHashCode(o: unknown): number } | undefined;

  constructor(
    private readonly deps: AsyncDeps,
    private readonly pre: PendingMatches,
  ) {}

  /** The logical stacks made since the last batch (BatchMessage.sendStacks), taken. */
  takeStacks(): StackTuple[] {
    const s = this.newLogical;
    this.newLogical = [];
    return s;
  }

  /** `RealCall.enqueue` on the caller's thread: remember the call with this stack and this thread's pending matches. */
  onEnqueue(point: ScanPoint, call: unknown, guarded: <T>(fn: () => T) => T): ReturnType<Handler> {
    try {
      const key = this.identity(call);
      const t = this.deps.now();
      const tid = this.deps.tid();
      for (const [k, e] of this.enqueued) if (t - e.t > ENQUEUED_MS || this.enqueued.size >= MAX_ENQUEUED) this.enqueued.delete(k);
      // The enqueue frame stays on top (no hooked class to strip): where the two halves meet.
      const s = this.stacks().capture("", point.method);
      const before = this.enqueued.get(key);
      const entry: Enqueued = { t, tid, origin: { key: s.key, frames: once(s.build) }, pre: this.pre.take() };
      this.enqueued.set(key, entry);
      this.enqueuing.set(tid, (this.enqueuing.get(tid) ?? 0) + 1);
      return (threw) =>
        guarded(() => {
          const n = (this.enqueuing.get(tid) ?? 1) - 1;
          if (n > 0) this.enqueuing.set(tid, n);
          else this.enqueuing.delete(tid);
          // Refused (OkHttp's "Already Executed" for a call enqueued twice): nothing was queued —
          // the call keeps the origin it had, and this thread its matches.
          if (threw && this.enqueued.get(key) === entry) {
            if (before) this.enqueued.set(key, before);
            else this.enqueued.delete(key);
            this.pre.give(entry.pre);
          }
        });
    } catch (err) {
      this.deps.reportError(point.id, err);
      return undefined;
    }
  }

  /** The dispatcher runs an enqueued call (`this$0`): its sends carry the enqueue's stack and matches until the run ends. */
  onRun(point: ScanPoint, asyncCall: unknown, guarded: <T>(fn: () => T) => T): ReturnType<Handler> {
    try {
      const call = (asyncCall as { this$0?: { value?: unknown } }).this$0?.value;
      // Not an OkHttp call's runnable (nothing to link).
      if (call === null || call === undefined) return undefined;
      const key = this.identity(call);
      const e = this.enqueued.get(key);
      if (!e) return undefined;
      this.enqueued.delete(key);
      const t = this.deps.now();
      if (t - e.t > ENQUEUED_MS) return undefined;
      const tid = this.deps.tid();
      // Linked by the call, not by time: a slow connection set-up (DNS, TCP, TLS on a cold mobile
      // network) must not outlast a time window before the run's first send.
      if (e.pre.length > 0) this.pre.give(e.pre, true);
      // Run inside its own enqueue (a direct executor): the enqueue's frames are on the stack already.
      if (tid === e.tid && this.enqueuing.has(tid)) return undefined;
      const outer = this.running.get(tid);
      this.running.set(tid, e.origin);
      return () =>
        guarded(() => {
          if (outer) this.running.set(tid, outer);
          else this.running.delete(tid);
          // Matches the run did not send are this call's: not the next call's on this thread.
          this.pre.drop(tid);
        });
    } catch (err) {
      this.deps.reportError(point.id, err);
      return undefined;
    }
  }

  /** A send during an enqueued call's run names its logical stack: its own frames, then the enqueue's. */
  withOrigin(entry: HookEntry, tuple: NetTuple): NetTuple {
    const origin = this.running.get(this.deps.tid());
    if (!origin) return tuple;
    try {
      // The stack the recorder interned for this call, read again here (the recorder keeps no frames).
      const s = this.stacks().capture(entry.implementations ? null : entry.className, entry.method);
      const t = [...tuple];
      while (t.length < NET.stack) t.push(t.length === NET.cut ? 0 : null);
      t.push(this.logicalStack(s, origin));
      return t;
    } catch (err) {
      this.deps.reportError(entry.id, err);
      return tuple;
    }
  }

  private logicalStack(s: CapturedStack, origin: Origin): number {
    const key = `${s.key}\u0001${origin.key}`;
    let id = this.logical.get(key);
    if (id === undefined) {
      const own = s.build();
      const from = origin.frames();
      if (this.logical.size >= MAX_LOGICAL) this.logical.clear();
      id = this.nextLogical++;
      this.logical.set(key, id);
      // Either half may have been cut at the stack depth: the joined stack says so if one was.
      this.newLogical.push([id, [...own.frames, ...from.frames], own.truncated || from.truncated]);
    }
    return id;
  }

  /** The agent's stack reader (agent/engine/agent.ts hands it over once the VM is there): what reads every call's stack. */
  useStacks(walker: StackWalker): void {
    this.walker = walker;
  }

  private stacks(): StackWalker {
    if (!this.walker) throw new Error("no Java stack reader in this process");
    return this.walker;
  }

  /** `System.identityHashCode`: the same for every wrapper of one Java object, and kept by the object. */
  private identity(o: unknown): number {
    if (o === null || o === undefined) throw new Error("no call object");
    return (this.system ??= Java.use("java.lang.System") as unknown as { identityHashCode(o: unknown): number }).identityHashCode(o);
  }

}

/** `build` run once, on first call. */
function once<T>(build: () => T): () => T {
  let v: { value: T } | undefined;
  return () => (v ??= { value: build() }).value;
}

/**
 * Egress (issue 15 items 1–2): what a `network_egress` call sends, where to, and which learned
 * identifiers it carries. The agent keeps the identifier values hooked reads returned (agent
 * memory only, in an IdMatcher) and scans each send; the record that leaves the agent names the
 * identifier's kind, the encoding, where it was (url, header, body, pre-encryption) and the read —
 * never payload bytes, never the value.
 *
 * Pre-encryption: SDKs compress and encrypt before sending, so the agent also scans what is
 * handed to Cipher, Deflater/GZIPOutputStream and android.util.Base64 (SCAN_POINTS). Matches
 * found there are kept per thread and carried by the same thread's next egress call within
 * PRE_WINDOW_MS, with where "pre-encryption" and confidence PRE_CONFIDENCE (the link is by thread
 * and time, not by the bytes). They are dropped once carried, or when the window passes.
 *
 * Layers: a socket write nested in a TLS write on the same thread is that write's ciphertext and
 * is not recorded. An OkHttp request and the TLS writes that carry it are both recorded (the
 * request's URL and headers before encoding, the writes' bytes).
 *
 * OkHttp's enqueued calls (ASYNC_POINTS): at `enqueue` the call (by System.identityHashCode, not
 * the wrapper's handle: a replacement's `this` is a new wrapper over that call's JNI local
 * reference, dead once it returns — frida-java-bridge 7.0.13 lib/class-factory.js,
 * handleMethodInvocation, `self = new C(jniArgs[1], …)`; test/frida/okhttp-async.test.ts finds the
 * enqueue again in the dispatcher's run on real HotSpot) is remembered with the caller's stack and the thread's pending
 * pre-encryption matches, at most MAX_ENQUEUED calls for ENQUEUED_MS. When the dispatcher thread
 * runs it, the matches move to that thread (a fresh PRE_WINDOW_MS, the same PRE_CONFIDENCE: the
 * link from scan to enqueue is the same thread-and-time link as to a synchronous send, the one
 * from enqueue to run is by the call's identity), and each Java send of the run gets a logical
 * stack: its own frames, then the enqueue's (BatchMessage.sendStacks), so the sender's frames are
 * on it. Native sends keep their own stack. What is left at the end of the run is dropped.
 */
import { LEARNED_KINDS, SCAN_POINTS } from "../catalogue/index.js";
import { ASYNC_POINTS, type AsyncPoint } from "../catalogue/network.js";
import type { EgressLayer, HookEntry, ScanPoint } from "../catalogue/types.js";
import { NET, NET_LAYERS, NET_WHERE, type BatchMessage, type FrameTuple, type NetMatchTuple, type NetTuple, type StackTuple } from "../protocol.js";
import { bytesOf, learnableValue, okhttpRequest, socketDestination, splitHttp, tlsDestination, type Destination, type Payload } from "./egress-payload.js";
import { IdMatcher, MAX_VALUES, SCAN_BOUND, type IdKind, type Match, type Where } from "./id-matcher.js";
import { nativeScanEngine } from "./id-scan-native.js";
import type { Handler } from "./installer.js";
import { Java } from "./java.js";
import { StackWalker, type CapturedStack } from "./stack.js";

/** How long pre-encryption matches wait for the same thread's next send. */
export const PRE_WINDOW_MS = 2000;
/** Confidence of a match linked from a pre-encryption scan point (a match in the send itself is 1). */
export const PRE_CONFIDENCE = 0.6;
/** Egress records held for the next batch at most (a stalled recorder must not grow the agent). */
const MAX_QUEUED = 4096;
/** Enqueued OkHttp calls remembered at most (the oldest is forgotten first)… */
export const MAX_ENQUEUED = 64;
/** … and for this long: a call OkHttp's dispatcher has not run by then gets no origin. */
export const ENQUEUED_MS = 60_000;
/** Frames kept of each half of a logical stack (the agent's default depth). */
const LOGICAL_DEPTH = 32;
/** Logical stacks remembered before the table starts over (ids go on: the runner keeps its own). */
const MAX_LOGICAL = 4096;

interface PreMatches {
  t: number;
  readonly matches: Map<string, Match>;
}

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

export interface EgressDeps {
  readonly now: () => number;
  readonly tid: () => number;
  readonly reportError: (where: string, err: unknown) => void;
}

export class Egress {
  readonly matcher: IdMatcher;
  private readonly kinds = new Map<string, IdKind | null>();
  private readonly pre = new Map<number, PreMatches>();
  private queue: [number, NetTuple][] = [];
  /** Values read but not yet learned: [kind, value, local id of the read]. Agent memory only. */
  private unlearned: [IdKind, string, number][] = [];
  private readonly tlsClasses: ReadonlySet<string>;
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
    private readonly deps: EgressDeps,
    catalogue: readonly HookEntry[],
  ) {
    // The C scan loop inside real Frida; the JavaScript one where it cannot be built (the error is reported).
    this.matcher = new IdMatcher(nativeScanEngine((err) => deps.reportError("matcher", err)));
    this.tlsClasses = new Set(catalogue.filter((e) => e.egress?.layer === "tls").map((e) => e.className));
  }

  /** The identifier kind a hook's result is (LEARNED_KINDS), cached per hook. */
  kindOf(hookId: string): IdKind | null {
    let k = this.kinds.get(hookId);
    if (k === undefined) {
      k = LEARNED_KINDS.find(([re]) => re.test(hookId))?.[1] ?? null;
      this.kinds.set(hookId, k);
    }
    return k;
  }

  /**
   * After a hooked read returned: its value is kept to be learned, with the call's local id as the
   * read. Learning (normalising, encoding, digesting) happens at the next scan: a read the app
   * repeats before any send is learned once, and a process that never sends pays nothing.
   */
  learn(entry: HookEntry, id: number, result: unknown): void {
    const kind = this.kindOf(entry.id);
    if (!kind) return;
    try {
      const value = learnableValue(result);
      if (value !== null) this.learnValue(kind, value, id);
    } catch (err) {
      this.deps.reportError(entry.id, err);
    }
  }

  /** A value a hooked read returned (a native read gives its value as text), learned at the next scan. */
  learnValue(kind: IdKind, value: string, id: number): void {
    if (this.unlearned.length >= MAX_VALUES) this.unlearned.shift();
    this.unlearned.push([kind, value, id]);
  }

  /** The matcher with every value read so far learned. */
  private ready(): IdMatcher {
    if (this.unlearned.length > 0) {
      const list = this.unlearned;
      this.unlearned = [];
      for (const [kind, value, id] of list) this.matcher.learn(kind, value, id);
    }
    return this.matcher;
  }

  /** Whether this egress call is not recorded: a socket write inside a TLS write on the same thread. */
  skip(entry: HookEntry, active: readonly string[] | undefined): boolean {
    return entry.egress?.layer === "socket" && active !== undefined && active.some((c) => this.tlsClasses.has(c));
  }

  /** Before an egress call runs (its call already queued as `id`): destination, size and matches. */
  onSend(entry: HookEntry, id: number, self: unknown, args: unknown[]): void {
    const spec = entry.egress;
    if (!spec) return;
    let tuple: NetTuple | null;
    try {
      tuple = spec.layer === "okhttp" ? this.okhttp(args[0]) : this.write(spec.layer, self, args, spec.data ?? 0);
    } catch (err) {
      // The call stays recorded; only what it sent is unknown.
      this.deps.reportError(entry.id, err);
      return;
    }
    if (tuple) this.enqueue(id, this.withOrigin(entry, tuple));
  }

  /** The batch with the egress records and logical stacks queued since the last one. */
  attach(batch: BatchMessage): BatchMessage {
    if (this.queue.length === 0 && this.newLogical.length === 0) return batch;
    const net = this.queue;
    const sendStacks = this.newLogical;
    this.queue = [];
    this.newLogical = [];
    return { ...batch, ...(net.length > 0 ? { net } : {}), ...(sendStacks.length > 0 ? { sendStacks } : {}) };
  }

  /** The handler of a pre-encryption scan point (scans the input) or of an OkHttp async point; records nothing. */
  scanHandler(point: ScanPoint, guarded: <T>(fn: () => T) => T): Handler {
    const role = (point as Partial<AsyncPoint>).role;
    if (role === "enqueue") return (self) => guarded(() => this.onEnqueue(point, self, guarded));
    if (role === "run") return (self) => guarded(() => this.onRun(point, self, guarded));
    // The installer does not call handlers for the agent's own calls (its inAgent guard).
    return (_self, args) => {
      guarded(() => {
        try {
          // Nothing learned yet: nothing to find, and no bytes copied.
          const matcher = this.ready();
          if (matcher.size === 0) return;
          const p = bytesOf(args[point.data], point.off === undefined ? undefined : args[point.off], point.len === undefined ? undefined : args[point.len]);
          if (p) this.remember(matcher.scan(p.bytes, "pre-encryption").matches);
        } catch (err) {
          this.deps.reportError(point.id, err);
        }
      });
      return undefined;
    };
  }

  /** The scan points and OkHttp's async points, as data (agent/catalogue/network.ts), installed alike. */
  get scanPoints(): readonly ScanPoint[] {
    return [...SCAN_POINTS, ...ASYNC_POINTS];
  }

  /** `RealCall.enqueue` on the caller's thread: remember the call with this stack and this thread's pending matches. */
  private onEnqueue(point: ScanPoint, call: unknown, guarded: <T>(fn: () => T) => T): ReturnType<Handler> {
    try {
      const key = this.identity(call);
      const t = this.deps.now();
      const tid = this.deps.tid();
      for (const [k, e] of this.enqueued) if (t - e.t > ENQUEUED_MS || this.enqueued.size >= MAX_ENQUEUED) this.enqueued.delete(k);
      // The enqueue frame stays on top (no hooked class to strip): where the two halves meet.
      const s = this.stacks().capture("", point.method);
      this.enqueued.set(key, { t, tid, origin: { key: s.key, frames: once(s.build) }, pre: this.takePre() });
      this.enqueuing.set(tid, (this.enqueuing.get(tid) ?? 0) + 1);
      return () =>
        guarded(() => {
          const n = (this.enqueuing.get(tid) ?? 1) - 1;
          if (n > 0) this.enqueuing.set(tid, n);
          else this.enqueuing.delete(tid);
        });
    } catch (err) {
      this.deps.reportError(point.id, err);
      return undefined;
    }
  }

  /** The dispatcher runs an enqueued call (`this$0`): its sends carry the enqueue's stack and matches until the run ends. */
  private onRun(point: ScanPoint, asyncCall: unknown, guarded: <T>(fn: () => T) => T): ReturnType<Handler> {
    try {
      const key = this.identity((asyncCall as { this$0?: { value?: unknown } }).this$0?.value);
      const e = this.enqueued.get(key);
      if (!e) return undefined;
      this.enqueued.delete(key);
      const t = this.deps.now();
      if (t - e.t > ENQUEUED_MS) return undefined;
      const tid = this.deps.tid();
      if (e.pre.length > 0) this.remember(e.pre);
      // Run inside its own enqueue (a direct executor): the enqueue's frames are on the stack already.
      if (tid === e.tid && this.enqueuing.has(tid)) return undefined;
      const outer = this.running.get(tid);
      this.running.set(tid, e.origin);
      return () =>
        guarded(() => {
          if (outer) this.running.set(tid, outer);
          else this.running.delete(tid);
          // Matches the run did not send are this call's: not the next call's on this thread.
          this.pre.delete(tid);
        });
    } catch (err) {
      this.deps.reportError(point.id, err);
      return undefined;
    }
  }

  /** A send during an enqueued call's run names its logical stack: its own frames, then the enqueue's. */
  private withOrigin(entry: HookEntry, tuple: NetTuple): NetTuple {
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
      // Cut or not, the send's half ends on the dispatcher's side: only the enqueue's half can miss a caller further out.
      this.newLogical.push([id, [...own.frames, ...from.frames], from.truncated]);
    }
    return id;
  }

  /** The agent's own stack reader, made on first use (on a thread attached to the VM, as its probe needs). */
  private stacks(): StackWalker {
    return (this.walker ??= new StackWalker(LOGICAL_DEPTH));
  }

  /** `System.identityHashCode`: the same for every wrapper of one Java object, and kept by the object. */
  private identity(o: unknown): number {
    if (o === null || o === undefined) throw new Error("no call object");
    return (this.system ??= Java.use("java.lang.System") as unknown as { identityHashCode(o: unknown): number }).identityHashCode(o);
  }

  private remember(matches: readonly Match[]): void {
    if (matches.length === 0) return;
    const t = this.deps.now();
    const tid = this.deps.tid();
    for (const [k, v] of this.pre) if (t - v.t > PRE_WINDOW_MS) this.pre.delete(k);
    let entry = this.pre.get(tid);
    if (!entry) this.pre.set(tid, (entry = { t, matches: new Map() }));
    entry.t = t;
    for (const m of matches) entry.matches.set(`${m.kind}\u0000${m.enc}\u0000${m.readSeq ?? -1}`, m);
  }

  /** This thread's pending pre-encryption matches, taken once. */
  private takePre(): readonly Match[] {
    const tid = this.deps.tid();
    const entry = this.pre.get(tid);
    if (!entry) return [];
    this.pre.delete(tid);
    return this.deps.now() - entry.t <= PRE_WINDOW_MS ? [...entry.matches.values()] : [];
  }

  private okhttp(chain: unknown): NetTuple | null {
    const r = okhttpRequest(chain);
    if (!r) return null;
    const matcher = this.ready();
    const found = matcher.size > 0 ? [...matcher.scan(r.url, "url").matches, ...matcher.scan(r.headers, "header").matches] : [];
    return netTuple("okhttp", r, r.bytes, found, this.takePre(), r.method || null, 0);
  }

  private write(layer: EgressLayer, self: unknown, args: unknown[], data: number): NetTuple | null {
    const p: Payload | null = bytesOf(args[data], args[data + 1], args[data + 2]);
    if (!p) return null;
    return this.plaintext(layer, layer === "tls" ? tlsDestination(self) : socketDestination(self), p);
  }

  /**
   * A native send (agent/engine/native-send.ts): plaintext is scanned as a Java socket write is;
   * a TLS record (`encrypted`) is ciphertext, recorded with its size only.
   */
  onNativeSend(id: number, dest: Destination, p: Payload, encrypted: boolean): void {
    try {
      this.enqueue(id, encrypted ? netTuple("socket", dest, p.length, [], this.takePre(), null, 0) : this.plaintext("socket", dest, p));
    } catch (err) {
      this.deps.reportError("native send", err);
    }
  }

  private enqueue(id: number, tuple: NetTuple): void {
    if (this.queue.length >= MAX_QUEUED) this.queue.shift();
    this.queue.push([id, tuple]);
  }

  /** A plaintext write's record: split as HTTP/1 where it is one, each part scanned. */
  private plaintext(layer: EgressLayer, dest: Destination, p: Payload): NetTuple {
    const http = splitHttp(p.bytes);
    // A cleartext request names its host; the peer address is the fallback.
    if (http?.host && layer === "socket") dest = { ...dest, host: http.host };
    const found: Match[] = [];
    const matcher = this.ready();
    if (matcher.size > 0) {
      const scan = (b: Uint8Array, where: Where): void => void (b.length > 0 && found.push(...matcher.scan(b, where).matches));
      if (http) {
        scan(http.line, "url");
        scan(http.headers, "header");
        scan(http.body, "body");
      } else scan(p.bytes, "body");
    }
    return netTuple(layer, dest, p.length, found, this.takePre(), http?.method ?? null, Math.max(0, p.length - SCAN_BOUND));
  }
}

/** `build` run once, on first call. */
function once<T>(build: () => T): () => T {
  let v: { value: T } | undefined;
  return () => (v ??= { value: build() }).value;
}

function matchTuple(m: Match, confidence: number): NetMatchTuple {
  return [m.kind, m.enc, NET_WHERE.indexOf(m.where), m.readSeq ?? -1, confidence];
}

/** The wire form (agent/protocol.ts, NetTuple); each identifier once per place and encoding. */
function netTuple(layer: EgressLayer, d: Destination, bytes: number, found: readonly Match[], pre: readonly Match[], method: string | null, cut: number): NetTuple {
  const seen = new Set<string>();
  const matches: NetMatchTuple[] = [];
  const add = (m: Match, conf: number): void => {
    const key = `${m.kind}\u0000${m.enc}\u0000${m.where}\u0000${m.readSeq ?? -1}`;
    if (!seen.has(key)) {
      seen.add(key);
      matches.push(matchTuple(m, conf));
    }
  };
  for (const m of found) add(m, 1);
  for (const m of pre) add(m, PRE_CONFIDENCE);
  const t: (string | number | readonly NetMatchTuple[] | null)[] = [NET_LAYERS.indexOf(layer), d.host, d.port, d.tls ? 1 : 0, bytes, matches.length > 0 ? matches : null, method, cut];
  while (t.length > 5 && (t[t.length - 1] === null || t[t.length - 1] === 0)) t.pop();
  return t;
}

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
 * OkHttp's enqueued calls: ./egress-async.ts.
 */
import { learnedKind } from "../../reports/trace/learned-kinds.js";
import { SCAN_POINTS } from "../catalogue/index.js";
import { ASYNC_POINTS, type AsyncPoint } from "../catalogue/network.js";
import type { EgressLayer, HookEntry, ScanPoint } from "../catalogue/types.js";
import { NET_LAYERS, NET_WHERE, type BatchMessage, type NetMatchTuple, type NetTuple } from "../protocol.js";
import { bytesOf, learnableValue, okhttpRequest, socketDestination, splitHttp, tlsDestination, type Destination, type HttpParts, type Payload } from "./egress-payload.js";
import { IdMatcher, MAX_VALUES, SCAN_BOUND, type IdKind, type Match, type Where } from "./id-matcher.js";
import { nativeScanEngine } from "./id-scan-native.js";
import type { Handler } from "./installer.js";
import { AsyncOrigins } from "./egress-async.js";
import type { StackWalker } from "./stack.js";

/** How long pre-encryption matches wait for the same thread's next send. */
export const PRE_WINDOW_MS = 2000;
/** Confidence of a match linked from a pre-encryption scan point (a match in the send itself is 1). */
export const PRE_CONFIDENCE = 0.6;
/** Egress records held for the next batch at most (a stalled recorder must not grow the agent). */
const MAX_QUEUED = 4096;

interface PreMatches {
  t: number;
  readonly matches: Map<string, Match>;
}

export interface EgressDeps {
  readonly now: () => number;
  readonly tid: () => number;
  readonly reportError: (where: string, err: unknown) => void;
}

export class Egress {
  readonly matcher: IdMatcher;
  /** OkHttp's enqueued calls: their runs' sends carry the enqueue's stack and pending matches. */
  private readonly asyncCalls: AsyncOrigins;
  private readonly pre = new Map<number, PreMatches>();
  private queue: [number, NetTuple][] = [];
  /** Values read but not yet learned: [kind, value, local id of the read]. Agent memory only. */
  private unlearned: [IdKind, string, number][] = [];
  private readonly tlsClasses: ReadonlySet<string>;

  constructor(
    private readonly deps: EgressDeps,
    catalogue: readonly HookEntry[],
  ) {
    // The C scan loop inside real Frida; the JavaScript one where it cannot be built (the error is reported).
    this.matcher = new IdMatcher(nativeScanEngine((err) => deps.reportError("matcher", err)));
    this.asyncCalls = new AsyncOrigins(deps, { take: () => this.takePre(), give: (m, untilTaken) => this.remember(m, untilTaken), drop: (tid) => this.pre.delete(tid) });
    this.tlsClasses = new Set(catalogue.filter((e) => e.egress?.layer === "tls").map((e) => e.className));
  }

  /** The identifier kind a hook's result is (LEARNED_KINDS), cached per hook. */
  kindOf(hookId: string): IdKind | null {
    return learnedKind(hookId);
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
    if (tuple) this.enqueue(id, this.asyncCalls.withOrigin(entry, tuple));
  }

  /** The batch with the egress records and logical stacks queued since the last one. */
  attach(batch: BatchMessage): BatchMessage {
    const sendStacks = this.asyncCalls.takeStacks();
    if (this.queue.length === 0 && sendStacks.length === 0) return batch;
    const net = this.queue;
    this.queue = [];
    return { ...batch, ...(net.length > 0 ? { net } : {}), ...(sendStacks.length > 0 ? { sendStacks } : {}) };
  }

  /** The handler of a pre-encryption scan point (scans the input) or of an OkHttp async point; records nothing. */
  scanHandler(point: ScanPoint, guarded: <T>(fn: () => T) => T): Handler {
    const role = (point as Partial<AsyncPoint>).role;
    if (role === "enqueue") return (self) => guarded(() => this.asyncCalls.onEnqueue(point, self, guarded));
    if (role === "run") return (self) => guarded(() => this.asyncCalls.onRun(point, self, guarded));
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

  /** The agent's stack reader (agent/engine/agent.ts hands it over once the VM is there). */
  useStacks(walker: StackWalker): void {
    this.asyncCalls.useStacks(walker);
  }

  /** This thread's pending matches gain `matches`; `untilTaken`: they wait for the next send however long (a run's, linked by the call, not by time). */
  private remember(matches: readonly Match[], untilTaken = false): void {
    if (matches.length === 0) return;
    const now = this.deps.now();
    const t = untilTaken ? Infinity : now;
    const tid = this.deps.tid();
    for (const [k, v] of this.pre) if (now - v.t > PRE_WINDOW_MS) this.pre.delete(k);
    let entry = this.pre.get(tid);
    if (!entry) this.pre.set(tid, (entry = { t, matches: new Map() }));
    entry.t = Math.max(entry.t, t);
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
      // Ciphertext takes no pending pre-encryption match: on a phone the handshake of Conscrypt's
      // file-descriptor socket is a native write on the sending thread, outside any Java send
      // (google/conscrypt NativeSsl.java doHandshake → NativeCrypto.SSL_do_handshake over SSL_set_fd),
      // and would take the match the Java send that follows carries.
      this.enqueue(id, encrypted ? netTuple("socket", dest, p.length, [], [], null, 0) : this.plaintext("socket", dest, p));
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
    const matcher = this.ready();
    // One pass over the whole write, each match placed by where it starts: a scan has a fixed cost
    // (~20 µs under QuickJS, bench:frida), three per request were most of a small one's.
    const found = matcher.size > 0 ? matcher.scan(p.bytes, "body", p.length).matches : [];
    const placed = http ? found.map((m) => ({ ...m, where: partAt(http, p.bytes, m.offset) })) : found;
    return netTuple(layer, dest, p.length, placed, this.takePre(), http?.method ?? null, Math.max(0, p.length - SCAN_BOUND));
  }
}

/** Which part of an HTTP/1 request a byte offset of the write is in. */
function partAt(http: HttpParts, write: Uint8Array, offset: number): Where {
  if (offset < http.headers.byteOffset - write.byteOffset) return "url";
  return offset < http.body.byteOffset - write.byteOffset ? "header" : "body";
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

import { existsSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { AgentMessage, BatchMessage } from "../../agent/protocol.js";
import type { CallEvent } from "../../reports/trace/format.js";
import type { CallInput, TraceWriter } from "../../reports/trace/writer.js";
import { AgentSink } from "../../runner/agent-sink.js";
import type { ClassSpec } from "../../runner/sandbox/java.js";
import { BUNDLE, loadAgent, type Runtime, type Timers } from "../../runner/sandbox/runtime.js";
import { android, UMENG_STACK } from "../support/android-fixture.js";

// Issue 15 items 2 and 5: a send's match names the read that returned the identifier — by local id
// in the agent (agent/engine/egress.ts), by trace seq once the sink (runner/agent-sink.ts) wrote
// the read. The messages here are the compiled agent's own, on the Frida-runtime stand-in. What
// varies is when a batch leaves: at the batch size, or when the agent's flush timer fires while a
// hooked method's original runs. On a device the JS lock is let go while the original runs, so the
// timer and other threads' hooks run then: frida-java-bridge calls the original through JNI
// NativeFunctions made with no `scheduling` option (lib/env.js, nativeFunctionOptions), and
// frida-gum's default is "cooperative" (the lock released for the call). The tests fire the
// agent's timer from inside the originals. `npm run build` first.

const ANDROID_ID = "9774d56d682e549c";
const READ = "settings.Secure.getString.android_id";
const SEND = "net.SSLOutputStream.write.fd";
const SECURE = "android.provider.Settings$Secure";
const FD_OUT = "com.android.org.conscrypt.ConscryptFileDescriptorSocket$SSLOutputStream";
const TM = "android.telephony.TelephonyManager";
const LM = "android.location.LocationManager";
const BYTES = ["[B", "int", "int"];
const bytes = (s: string): Uint8Array => new TextEncoder().encode(s);
const POST = bytes(`POST /c HTTP/1.1\r\nHost: t.tracker.example\r\n\r\n{"aid":"${ANDROID_ID}"}`);
/** A Conscrypt SSLOutputStream as agent/engine/egress-payload.ts reads it: the outer socket's SNI host and port. */
const TLS_SELF = { $className: FD_OUT, this$0: { value: { getHostnameOrIP: () => "t.tracker.example", getPort: () => 443 } } };

/** What runs inside an original, by method: the agent's timer firing, another thread's calls, the process dying. */
type During = Partial<Record<"read" | "send", () => void>>;

interface Rig {
  readonly rt: Runtime;
  readonly during: During;
  /** Fires the agent's flush timer (as it fires on a device while an original runs). */
  fire(): void;
  read(): void;
  send(payload?: Uint8Array): void;
}

let source: string | undefined;

function rig(batchSize?: number, imeiDenied = false): Rig {
  const due = new Map<number, () => void>();
  let next = 1;
  const timers: Timers = {
    setTimeout: (fn) => (due.set(next, fn as () => void), next++),
    clearTimeout: (id) => void due.delete(id as number),
    setInterval: () => 0,
    clearInterval: () => undefined,
  };
  const fire = (): void => {
    const fns = [...due.values()];
    due.clear();
    for (const fn of fns) fn();
  };
  const during: During = {};
  let moves = 0;
  const classes: ClassSpec[] = [
    ...android({ imeiDenied, clipboardText: "" }).filter((c) => c.name !== SECURE && c.name !== LM),
    // A moving device: a new position at every read (getters as agent/engine/egress-payload.ts, learnableValue, reads them).
    { name: LM, methods: [{ name: "getLastKnownLocation", params: ["java.lang.String"], impl: () => ((lat) => ({ $className: "android.location.Location", getLatitude: () => lat, getLongitude: () => 116.397 }))(39.9 + ++moves * 1e-5) }] },
    { name: SECURE, methods: [{ name: "getString", params: ["android.content.ContentResolver", "java.lang.String"], impl: () => (during.read?.(), ANDROID_ID) }] },
    { name: FD_OUT, methods: [{ name: "write", params: BYTES, impl: () => void during.send?.() }] },
    { name: "javax.crypto.Cipher", methods: [{ name: "doFinal", params: ["[B"], impl: (_s, a) => Uint8Array.from(a[0] as Uint8Array, (b) => b ^ 0xa5) }] },
  ];
  source ??= readFileSync(BUNDLE, "utf8");
  const rt = loadAgent(classes, { source, timers });
  rt.rpc.init({ appPackage: "com.example.app", salt: "s", ...(batchSize ? { batchSize } : {}) });
  return {
    rt,
    during,
    fire,
    read: () => void rt.call(SECURE, "getString", ["android.content.ContentResolver", "java.lang.String"], [null, "android_id"], UMENG_STACK),
    send: (payload = POST) => void rt.call(FD_OUT, "write", BYTES, [payload, 0, payload.length], UMENG_STACK, TLS_SELF),
  };
}

/** The sink over a writer that keeps what it was given, with the seq it gave. */
function sinkOf(messages: readonly AgentMessage[]): CallEvent[] {
  const written: CallEvent[] = [];
  const writer = { call: (e: CallInput) => written.push({ seq: written.length + 1, ...e } as CallEvent), stack: () => 1, mark: () => undefined } as unknown as TraceWriter;
  const sink = new AgentSink(writer, { pid: 7 });
  for (const m of messages) sink.onMessage(m);
  sink.close();
  // Every call the agent sent, written once (those still running when it ended, at close()).
  expect(written).toHaveLength(messages.reduce((n, m) => n + (m.type === "batch" ? m.calls.length : 0), 0));
  return written;
}

/** The reads' seqs and each send's matches' readSeq, from what the sink wrote. */
function links(written: readonly CallEvent[]): { reads: number[]; sends: (number | undefined)[][] } {
  return {
    reads: written.filter((c) => c.hook === READ).map((c) => c.seq),
    sends: written.filter((c) => c.hook === SEND).map((c) => (c.net?.matches ?? []).map((m) => m.readSeq)),
  };
}

const batches = (r: Rig): BatchMessage[] => r.rt.batches();

describe("a send's match names its read's seq, whatever batch each part of the two calls left in", () => {
  it("the bundle is built", () => expect(existsSync(BUNDLE), "run `npm run build`").toBe(true));

  it("the read and the send both done within one batch", () => {
    const r = rig();
    r.read();
    r.send();
    r.rt.rpc.flush();
    const { reads, sends } = links(sinkOf(r.rt.messages));
    expect(sends).toEqual([[reads[0]]]);
  });

  it("the timer fired during the read: its call left pending, its outcome travels with the send's done call", () => {
    const r = rig();
    r.during.read = r.fire;
    r.read();
    r.send();
    r.rt.rpc.flush();
    // The wire order that lost the link: the read's outcome and the send's finished call in one batch.
    const last = batches(r).at(-1)!;
    expect(last.outcomes).toHaveLength(1);
    expect(last.calls).toHaveLength(1);
    const { reads, sends } = links(sinkOf(r.rt.messages));
    expect(sends).toEqual([[reads[0]]]);
  });

  it("the timer fired during the read and again during the send: the send's outcome comes a batch later", () => {
    const r = rig();
    r.during.read = r.fire;
    r.during.send = r.fire;
    r.read();
    r.send();
    r.rt.rpc.flush();
    expect(batches(r).length).toBeGreaterThanOrEqual(3);
    const { reads, sends } = links(sinkOf(r.rt.messages));
    expect(sends).toEqual([[reads[0]]]);
  });

  it("the batch size reached at the read's and at the send's begin: a full batch leaves before the next call, so each call travels with its outcome and egress record", () => {
    const r = rig(2);
    r.rt.call(TM, "getNetworkOperatorName", [], [], UMENG_STACK);
    r.read();
    r.rt.call(TM, "getNetworkOperatorName", [], [], UMENG_STACK);
    r.send();
    r.rt.rpc.flush();
    const sent = batches(r).filter((b) => b.calls.length > 0 || b.outcomes.length > 0);
    // The recorder sends a full batch before adding a call (agent/engine/recorder.ts): no call
    // leaves pending because the batch filled at its start.
    expect(sent.map((b) => [b.calls.length, b.outcomes.length, b.net?.length ?? 0])).toEqual([
      [2, 0, 0],
      [2, 0, 1],
    ]);
    const { reads, sends } = links(sinkOf(r.rt.messages));
    expect(sends).toEqual([[reads[0]]]);
  });

  it("a pre-encryption match (what the SDK handed to Cipher.doFinal) carried by the thread's next send, the read's outcome in that send's batch", () => {
    const r = rig();
    r.during.read = r.fire;
    r.read();
    const sealed = r.rt.call("javax.crypto.Cipher", "doFinal", ["[B"], [bytes(`{"aid":"${ANDROID_ID}"}`)], UMENG_STACK) as Uint8Array;
    r.send(sealed);
    r.rt.rpc.flush();
    const written = sinkOf(r.rt.messages);
    const { reads } = links(written);
    expect(written.find((c) => c.hook === SEND)?.net?.matches).toEqual([{ kind: "android_id", enc: "plain", where: "pre-encryption", readSeq: reads[0], conf: 0.6 }]);
  });

  it("both batches held by the sink until a coverage message that came after them (hooks firing during init)", () => {
    const r = rig();
    r.during.read = r.fire;
    r.read();
    r.send();
    r.rt.rpc.flush();
    const coverage = r.rt.messages.filter((m) => m.type === "coverage");
    const { reads, sends } = links(sinkOf([...r.rt.messages.filter((m) => m.type !== "coverage"), ...coverage]));
    expect(reads).toHaveLength(1);
    expect(sends).toEqual([[reads[0]]]);
  });

  it("the process died during the send, after a batch left: close() writes the send naming the read", () => {
    const r = rig();
    r.during.read = r.fire;
    let died = 0;
    r.during.send = () => {
      r.fire();
      died = r.rt.messages.length;
    };
    r.read();
    r.send();
    const written = sinkOf(r.rt.messages.slice(0, died));
    const { reads, sends } = links(written);
    expect(sends).toEqual([[reads[0]]]);
    expect(written.find((c) => c.hook === SEND)).toMatchObject({ out: "threw", exc: expect.stringContaining("no outcome") });
  });

  it("two threads: the read's outcome, one thread's send still running and another's done, in one batch", () => {
    const r = rig();
    r.during.read = r.fire;
    r.read();
    r.during.send = () => {
      // While thread 2's send runs, thread 3 sends and the timer fires.
      r.during.send = undefined;
      r.rt.tid = 3;
      r.send();
      r.rt.tid = 2;
      r.fire();
    };
    r.rt.tid = 2;
    r.send();
    r.rt.rpc.flush();
    const { reads, sends } = links(sinkOf(r.rt.messages));
    expect(sends).toEqual([[reads[0]], [reads[0]]]);
  });
});

describe("a send's match names its read's seq however long ago the read was", () => {
  it.each([
    ["the IMEI, the same value each time", TM, "getImei", []],
    ["the position of a moving device", LM, "getLastKnownLocation", ["java.lang.String"]],
  ])("the Android ID read and sent once, then sent again after more identifying reads (%s) than the sink keeps recent ones", (_, cls, method, params) => {
    const r = rig();
    r.read();
    r.send();
    // The app polls another identifier far more often than it reads the Android ID.
    for (let i = 0; i < 66_000; i++) r.rt.call(cls, method, params, params.length > 0 ? ["gps"] : [], UMENG_STACK);
    r.send();
    r.rt.rpc.flush();
    // The agent names the read that first gave it the value (agent/engine/id-matcher.ts, learn()).
    const nets = batches(r).flatMap((b) => b.net ?? []);
    expect(nets.map(([, n]) => (n[5] as readonly (readonly unknown[])[])[0]![3])).toEqual([1, 1]);
    const { reads, sends } = links(sinkOf(r.rt.messages));
    expect(sends).toEqual([[reads[0]], [reads[0]]]);
  });

  it("a position sent again after more denied IMEI reads than the sink keeps recent reads: the sink keeps only reads the agent learns from", () => {
    const r = rig(undefined, true);
    const where = (): void => void r.rt.call(LM, "getLastKnownLocation", ["java.lang.String"], ["gps"], UMENG_STACK);
    where();
    where();
    // The second position: its read shares its return summary (the type) with the first's.
    const payload = bytes("GET /ad?loc=39.90002,116.397 HTTP/1.1\r\nHost: ads.example\r\n\r\n");
    r.send(payload);
    for (let i = 0; i < 66_000; i++) {
      try {
        r.rt.call(TM, "getImei", [], [], UMENG_STACK);
      } catch {
        // denied: a SecurityException, as on Android 10+
      }
    }
    r.send(payload);
    r.rt.rpc.flush();
    const written = sinkOf(r.rt.messages);
    const positions = written.filter((c) => c.hook === "location.LocationManager.getLastKnownLocation").map((c) => c.seq);
    const sends = written.filter((c) => c.hook === SEND).map((c) => (c.net?.matches ?? []).map((m) => m.readSeq));
    expect(sends.map((s) => [...new Set(s)])).toEqual([[positions[1]], [positions[1]]]);
  });
});

import { existsSync, readFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import type { BatchMessage, FrameTuple, NetMatchTuple } from "../../agent/protocol.js";
import { NET } from "../../agent/protocol.js";
import type { ClassSpec, FrameSpec } from "../../runner/sandbox/java.js";
import { BUNDLE, loadAgent, type Runtime } from "../../runner/sandbox/runtime.js";
import { agentCalls, type SentCall } from "../support/agent-calls.js";
import { android, ANDROID_ID, APP_STACK, UMENG_STACK } from "../support/android-fixture.js";

// OkHttp's asynchronous calls on the Frida-runtime stand-in (issue 15): an SDK builds and gzips
// its request on its own thread and enqueues it; OkHttp's dispatcher thread sends it, with only
// OkHttp and java.util.concurrent frames on its stack. The send must name the SDK (a logical stack:
// the send's frames, then the enqueue's) and carry the SDK thread's pre-encryption match.
// OkHttp's classes as `javap -p` shows them in okhttp-4.12.0.jar:
//   public final class okhttp3.internal.connection.RealCall { public void enqueue(okhttp3.Callback); public okhttp3.Response execute(); }
//   public final class okhttp3.internal.connection.RealCall$AsyncCall implements java.lang.Runnable {
//     final okhttp3.internal.connection.RealCall this$0; public final okhttp3.internal.connection.RealCall getCall(); public void run(); }
// (3.x, okhttp-3.14.9.jar: okhttp3.RealCall.enqueue(okhttp3.Callback); okhttp3.RealCall$AsyncCall
// extends NamedRunnable, `protected void execute()`, field `final okhttp3.RealCall this$0`.)
// `npm run build` first.

const REAL_CALL = "okhttp3.internal.connection.RealCall";
const ASYNC_CALL = "okhttp3.internal.connection.RealCall$AsyncCall";
const REAL_CALL_3 = "okhttp3.RealCall";
const ASYNC_CALL_3 = "okhttp3.RealCall$AsyncCall";
const INTERCEPTOR = "okhttp3.internal.http.CallServerInterceptor";
const FD_OUT = "com.android.org.conscrypt.ConscryptFileDescriptorSocket$SSLOutputStream";
const SOCKET_OUT = "java.net.SocketOutputStream";
const TM = "android.telephony.TelephonyManager";
const BYTES = ["[B", "int", "int"];
const CALLBACK = ["okhttp3.Callback"];
const DISPATCHER_TID = 7;

/** Where the SDK enqueues (its upload method, called from its own init). */
const SDK_ENQUEUE: readonly FrameSpec[] = [{ className: "com.umeng.commonsdk.statistics.UMSender", methodName: "upload", fileName: "UMSender.java", lineNumber: 88 }, ...UMENG_STACK];
/** OkHttp's dispatcher thread under a run (4.x), outermost last. */
const pool: readonly FrameSpec[] = [
  { className: "java.util.concurrent.ThreadPoolExecutor", methodName: "runWorker" },
  { className: "java.util.concurrent.ThreadPoolExecutor$Worker", methodName: "run" },
  { className: "java.lang.Thread", methodName: "run" },
];
const chainOver = (runner: FrameSpec, calls: string): FrameSpec[] => [
  { className: "okhttp3.internal.http.RealInterceptorChain", methodName: "proceed" },
  { className: calls, methodName: "getResponseWithInterceptorChain" },
  runner,
];

const noop = (): undefined => undefined;
const m = (name: string, params: readonly string[], impl: (self: unknown, args: unknown[]) => unknown = noop): ClassSpec["methods"][number] => ({ name, params, impl });
const bytes = (s: string): Uint8Array => new TextEncoder().encode(s);
const tlsSelf = (host: string): unknown => ({ $className: FD_OUT, this$0: { value: { getHostnameOrIP: () => host, getPort: () => 443 } } });

/** The test's OkHttp: what enqueue hands to the dispatcher, and what a run or execute sends. */
interface World {
  rt: Runtime;
  queued: unknown[];
  /** Run an enqueued call inside enqueue, as a direct executor would. */
  inline: boolean;
  /** What a run or execute sends; empty: nothing (a failed connection). */
  payload: Uint8Array;
  /** Calls already enqueued: a second enqueue throws, as OkHttp's `check(executed.compareAndSet(false, true))` does. */
  executed: Set<unknown>;
  /** What happens in a run before it sends (a slow connection set-up). */
  beforeSend?: () => void;
}
let world: World | undefined;

/** The interceptor chain's send over `callers`: OkHttp's request record, then its TLS write. */
function send(callers: readonly FrameSpec[]): void {
  const w = world!;
  if (w.payload.length === 0) return;
  const url = { host: () => "alog.umeng.com", port: () => 443, isHttps: () => true, toString: () => "https://alog.umeng.com/app_logs" };
  const request = { url: () => url, method: () => "POST", headers: () => ({ toString: () => "Content-Encoding: gzip\n" }), body: () => null };
  w.rt.call(INTERCEPTOR, "intercept", ["okhttp3.Interceptor$Chain"], [{ request: () => request }], callers);
  w.rt.call(FD_OUT, "write", BYTES, [w.payload, 0, w.payload.length], callers, tlsSelf("alog.umeng.com"));
}

function okhttpClasses(realCall: string, asyncCall: string, runMethod: string): ClassSpec[] {
  const runner = { className: asyncCall, methodName: runMethod };
  return [
    {
      name: realCall,
      methods: [
        m("enqueue", CALLBACK, (self) => {
          if (world!.executed.has(self)) throw new Error("java.lang.IllegalStateException: Already Executed");
          world!.executed.add(self);
          const job = { $className: asyncCall, this$0: { value: self } };
          if (world!.inline) world!.rt.call(asyncCall, runMethod, [], [], [{ className: realCall, methodName: "enqueue" }, ...SDK_ENQUEUE], job);
          else world!.queued.push(job);
        }),
        m("execute", [], () => send([...chainOver({ className: realCall, methodName: "execute" }, realCall), ...SDK_ENQUEUE])),
      ],
    },
    { name: asyncCall, methods: [m(runMethod, [], () => (world!.beforeSend?.(), send([...chainOver(runner, realCall), ...pool])))] },
  ];
}

const CLASSES: readonly ClassSpec[] = [
  ...okhttpClasses(REAL_CALL, ASYNC_CALL, "run"),
  ...okhttpClasses(REAL_CALL_3, ASYNC_CALL_3, "execute"),
  { name: INTERCEPTOR, methods: [m("intercept", ["okhttp3.Interceptor$Chain"], () => ({ $className: "okhttp3.Response" }))] },
  { name: FD_OUT, methods: [m("write", BYTES)] },
  { name: SOCKET_OUT, methods: [m("socketWrite", BYTES)] },
  { name: "java.util.zip.GZIPOutputStream", methods: [m("write", BYTES)] },
  { name: "java.util.zip.Deflater", methods: [m("setInput", BYTES)] },
  { name: "javax.crypto.Cipher", methods: [m("doFinal", ["[B"]), m("doFinal", BYTES), m("update", ["[B"]), m("update", BYTES)] },
  { name: "android.util.Base64", methods: [m("encode", ["[B", "int", "int", "int"])] },
];

let source: string | undefined;

function start(opts: { now?: () => number; batchSize?: number } = {}): World {
  const base = android({ imeiDenied: false, clipboardText: "" }).filter((c) => !CLASSES.some((x) => x.name === c.name));
  source ??= readFileSync(BUNDLE, "utf8");
  const rt = loadAgent([...base, ...CLASSES], { source, ...(opts.now ? { now: opts.now } : {}) });
  world = { rt, queued: [], inline: false, payload: gzipSync(bytes("{}")), executed: new Set() };
  rt.rpc.init({ appPackage: "com.example.app", salt: "s", ...(opts.batchSize ? { batchSize: opts.batchSize } : {}) });
  return world;
}

const readAndroidId = (rt: Runtime): unknown => rt.call("android.provider.Settings$Secure", "getString", ["android.content.ContentResolver", "java.lang.String"], [null, "android_id"], UMENG_STACK);

/** The SDK's upload: its JSON with the Android ID gzipped on its thread (a pre-encryption match there), then enqueued. */
function sdkEnqueue(w: World, call: object, realCall = REAL_CALL): void {
  const json = bytes(`{"idmd":"${ANDROID_ID}","ts":1700000000}`);
  w.rt.tid = 1;
  w.rt.call("java.util.zip.GZIPOutputStream", "write", BYTES, [json, 0, json.length], SDK_ENQUEUE);
  w.payload = gzipSync(json);
  w.rt.call(realCall, "enqueue", CALLBACK, [{ $className: "com.umeng.commonsdk.statistics.UMSender$1" }], SDK_ENQUEUE, call);
}

/** The dispatcher thread runs the oldest queued call (or `job`). */
function dispatch(w: World, job: unknown = w.queued.shift(), asyncCall = ASYNC_CALL, method = "run"): void {
  w.rt.tid = DISPATCHER_TID;
  w.rt.call(asyncCall, method, [], [], pool, job);
  w.rt.tid = 1;
}

type Seen = SentCall;
const calls = agentCalls;

const sends = (rt: Runtime): Seen[] => calls(rt).filter((c) => c.category === "network_egress");
const sendStacks = (rt: Runtime): Map<number, { frames: readonly FrameTuple[]; truncated: boolean }> =>
  new Map(rt.batches().flatMap((b: BatchMessage) => (b.sendStacks ?? []).map(([id, frames, truncated]) => [id, { frames, truncated }] as const)));
const logicalId = (s: Seen): number | undefined => (s.net && s.net.length > NET.stack ? (s.net[NET.stack] as number) : undefined);
const names = (frames: readonly FrameTuple[]): string[] => frames.map((f) => `${f[0]}.${f[1]}`);
const spec = (frames: readonly FrameSpec[]): string[] => frames.map((f) => `${f.className}.${f.methodName}`);

describe("OkHttp's enqueued calls on the stand-in: the dispatcher's sends are the enqueuer's", () => {
  it("the bundle is built", () => expect(existsSync(BUNDLE), "run `npm run build`").toBe(true));

  it("an SDK's gzipped, enqueued request: each send of the run has the SDK's frames after its own, and the okhttp record carries the pre-encryption match at 0.6", async () => {
    const w = start();
    readAndroidId(w.rt);
    sdkEnqueue(w, { $className: REAL_CALL });
    dispatch(w);
    await w.rt.settle();
    const read = calls(w.rt).find((c) => c.hook === "settings.Secure.getString.android_id")!;
    const out = sends(w.rt);
    expect(out.map((s) => [s.hook, s.tid])).toEqual([
      ["net.CallServerInterceptor.intercept", DISPATCHER_TID],
      ["net.SSLOutputStream.write.fd", DISPATCHER_TID],
    ]);
    // Matched where the SDK gzipped it, linked to its read, carried by the run's first send only.
    expect(out[0]!.net![NET.matches]).toEqual([["android_id", "plain", 3, read.id, 0.6]] satisfies NetMatchTuple[]);
    expect(out[1]!.net![NET.matches]).toBeNull();
    const stacks = sendStacks(w.rt);
    for (const s of out) {
      const logical = stacks.get(logicalId(s)!);
      expect(logical, s.hook).toBeDefined();
      // Its own frames (where the send ran), then the enqueue frame, then the SDK's.
      expect(names(logical!.frames)).toEqual([...spec(chainOver({ className: ASYNC_CALL, methodName: "run" }, REAL_CALL)), ...spec(pool), `${REAL_CALL}.enqueue`, ...spec(SDK_ENQUEUE)]);
      expect(logical!.truncated).toBe(false);
    }
    // One logical stack per (send site, enqueue site), interned by the stacks' keys as the recorder interns (the
    // hooked frame is in the key and cut from the frames: the two sends' frames are equal, the trace keeps one).
    expect(new Set(out.map(logicalId)).size).toBe(2);
    expect(JSON.stringify(w.rt.messages)).not.toContain(ANDROID_ID);
  });

  it("an enqueue OkHttp refuses (the call was enqueued already) leaves the call's origin and the thread's matches as they were", async () => {
    const w = start();
    readAndroidId(w.rt);
    const call = { $className: REAL_CALL };
    sdkEnqueue(w, call);
    // The app enqueues the same, still queued call again: "Already Executed".
    w.rt.tid = 3;
    const appGzip = bytes(`{"note":"${ANDROID_ID}"}`);
    w.rt.call("java.util.zip.GZIPOutputStream", "write", BYTES, [appGzip, 0, appGzip.length], APP_STACK);
    expect(() => w.rt.call(REAL_CALL, "enqueue", CALLBACK, [{ $className: "com.example.app.Api$1" }], APP_STACK, call)).toThrow(/Already Executed/);
    dispatch(w);
    // The app thread's own match is still its own: its next send carries it.
    w.rt.tid = 3;
    w.rt.call(FD_OUT, "write", BYTES, [w.payload, 0, w.payload.length], APP_STACK, tlsSelf("api.example.com"));
    await w.rt.settle();
    const out = sends(w.rt);
    const logical = sendStacks(w.rt).get(logicalId(out[0]!)!)!;
    expect(names(logical.frames).slice(-SDK_ENQUEUE.length)).toEqual(spec(SDK_ENQUEUE));
    expect(out[0]!.net![NET.matches]).toEqual([["android_id", "plain", 3, expect.any(Number), 0.6]]);
    const app = out.find((x) => x.tid === 3)!;
    expect(app.net![NET.matches]).toEqual([["android_id", "plain", 3, expect.any(Number), 0.6]]);
  });

  it("a run whose connection takes longer than the pre-encryption window to set up still carries the call's match (linked by the call, not by time)", async () => {
    let clock = 1000;
    const w = start({ now: () => clock });
    readAndroidId(w.rt);
    sdkEnqueue(w, { $className: REAL_CALL });
    w.beforeSend = () => void (clock += 2500);
    dispatch(w);
    await w.rt.settle();
    expect(sends(w.rt)[0]!.net![NET.matches]).toEqual([["android_id", "plain", 3, expect.any(Number), 0.6]]);
  });

  it("OkHttp 3.x (okhttp3.RealCall.enqueue, RealCall$AsyncCall.execute): the same", async () => {
    const w = start();
    readAndroidId(w.rt);
    sdkEnqueue(w, { $className: REAL_CALL_3 }, REAL_CALL_3);
    dispatch(w, w.queued.shift(), ASYNC_CALL_3, "execute");
    await w.rt.settle();
    const out = sends(w.rt);
    expect(out).toHaveLength(2);
    expect((out[0]!.net![NET.matches] as NetMatchTuple[]).map((x) => [x[0], x[2], x[4]])).toEqual([["android_id", 3, 0.6]]);
    expect(names(sendStacks(w.rt).get(logicalId(out[0]!)!)!.frames).slice(-SDK_ENQUEUE.length - 1)).toEqual([`${REAL_CALL_3}.enqueue`, ...spec(SDK_ENQUEUE)]);
  });

  it("a synchronous execute() is unchanged: its own stack (the SDK's frames on it already), the match taken by the same thread's send", async () => {
    const w = start();
    readAndroidId(w.rt);
    const json = bytes(`{"idmd":"${ANDROID_ID}"}`);
    w.rt.call("java.util.zip.GZIPOutputStream", "write", BYTES, [json, 0, json.length], SDK_ENQUEUE);
    w.rt.call(REAL_CALL, "execute", [], [], SDK_ENQUEUE, { $className: REAL_CALL });
    await w.rt.settle();
    const out = sends(w.rt);
    expect(out.map((s) => s.tid)).toEqual([1, 1]);
    expect(out.map(logicalId)).toEqual([undefined, undefined]);
    expect((out[0]!.net![NET.matches] as NetMatchTuple[]).map((x) => [x[0], x[2], x[4]])).toEqual([["android_id", 3, 0.6]]);
    expect(sendStacks(w.rt).size).toBe(0);
  });

  it("a run of a call never seen enqueued: no logical stack, no matches", async () => {
    const w = start();
    readAndroidId(w.rt);
    dispatch(w, { $className: ASYNC_CALL, this$0: { value: { $className: REAL_CALL } } });
    await w.rt.settle();
    const out = sends(w.rt);
    expect(out).toHaveLength(2);
    expect(out.map(logicalId)).toEqual([undefined, undefined]);
    expect(out.map((s) => s.net![NET.matches] ?? null)).toEqual([null, null]);
  });

  it("a run that sends nothing: the matches it was given are dropped at its end, not sent by the thread's next call", async () => {
    const w = start();
    readAndroidId(w.rt);
    sdkEnqueue(w, { $className: REAL_CALL });
    const payload = w.payload;
    w.payload = new Uint8Array(0);
    dispatch(w);
    w.payload = payload;
    // The same dispatcher thread, right after, runs a call nobody enqueued through the hook.
    dispatch(w, { $className: ASYNC_CALL, this$0: { value: { $className: REAL_CALL } } });
    await w.rt.settle();
    const out = sends(w.rt);
    expect(out.map((s) => [logicalId(s), s.net![NET.matches] ?? null])).toEqual([
      [undefined, null],
      [undefined, null],
    ]);
  });

  it("a direct executor runs the call inside enqueue, on the SDK's thread: its own stack already holds the SDK, no logical stack; the match still sent", async () => {
    const w = start();
    readAndroidId(w.rt);
    w.inline = true;
    sdkEnqueue(w, { $className: REAL_CALL });
    await w.rt.settle();
    const out = sends(w.rt);
    expect(out.map((s) => [s.tid, logicalId(s)])).toEqual([
      [1, undefined],
      [1, undefined],
    ]);
    expect((out[0]!.net![NET.matches] as NetMatchTuple[]).map((x) => [x[2], x[4]])).toEqual([[3, 0.6]]);
  });

  it("bounds: 64 enqueued calls remembered (the oldest forgotten first), each for 60 s", async () => {
    let clock = 1000;
    const w = start({ now: () => clock });
    readAndroidId(w.rt);
    const callsMade = Array.from({ length: 65 }, () => ({ $className: REAL_CALL }));
    for (const c of callsMade) sdkEnqueue(w, c);
    // The first was forgotten when the 65th came; the second and the last are known.
    dispatch(w, w.queued[0]);
    dispatch(w, w.queued[1]);
    dispatch(w, w.queued[64]);
    clock += 60_001;
    dispatch(w, w.queued[2]);
    await w.rt.settle();
    const out = sends(w.rt).filter((s) => s.hook === "net.CallServerInterceptor.intercept");
    expect(out.map((s) => logicalId(s) !== undefined)).toEqual([false, true, true, false]);
    // Past the minute the matches are not moved either.
    expect(out[3]!.net![NET.matches] ?? null).toBeNull();
    // The 65 enqueues are one site: one logical stack per send site (the request, its TLS write) for all of them.
    expect(sendStacks(w.rt).size).toBe(2);
  });

  it("a send that fills the batch leaves with its outcome and its egress record (the batch is sent before a call is added, not after)", async () => {
    const w = start({ batchSize: 2 });
    w.rt.call(TM, "getNetworkOperatorName", [], [], UMENG_STACK);
    const post = bytes("POST /c HTTP/1.1\r\nHost: a.example\r\n\r\n{}");
    w.rt.call(FD_OUT, "write", BYTES, [post, 0, post.length], UMENG_STACK, tlsSelf("a.example"));
    w.rt.call(TM, "getNetworkOperatorName", [], [], UMENG_STACK);
    w.rt.rpc.flush();
    const batches = w.rt.batches().filter((b) => b.calls.length > 0 || b.outcomes.length > 0);
    expect(batches.map((b) => [b.calls.length, b.outcomes.length, b.net?.length ?? 0])).toEqual([
      [2, 0, 1],
      [1, 0, 0],
    ]);
    expect(calls(w.rt).filter((c) => c.pending)).toEqual([]);
  });
});

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { AgentMessage, BatchMessage, CallTuple, FrameTuple, NetTuple, StackTuple } from "../../agent/protocol.js";
import { CALL_FLAGS } from "../../agent/protocol.js";
import { SDK_CATALOGUE } from "../../reports/sdk/catalogue/index.js";
import { Attributor } from "../../reports/sdk/attribution.js";
import { CATEGORY_IDS } from "../../reports/trace/categories.js";
import type { CallEvent, StackRecord } from "../../reports/trace/format.js";
import { TraceWriter } from "../../reports/trace/writer.js";
import { AgentSink } from "../../runner/agent-sink.js";
import { analyzeDir, tempDir } from "../support/trace-builder.js";

// The sink writes a send OkHttp's dispatcher ran for an enqueued call with its logical stack
// (BatchMessage.sendStacks, named by NetTuple[8]: agent/protocol.ts): its own frames, then where
// the call was enqueued. Attribution, chains and every report format then see the SDK that
// enqueued it, where the send's own stack (OkHttp and Thread frames only) is the app's at 0.5.

const APP = "com.example.app";
const HOOKS = ["settings.Secure.getString.android_id", "net.CallServerInterceptor.intercept"];
const cat = (c: string): number => CATEGORY_IDS.indexOf(c as (typeof CATEGORY_IDS)[number]);

/** Where OkHttp's dispatcher sends (4.x), the hooked method cut. */
const DISPATCHER: FrameTuple[] = [
  ["okhttp3.internal.http.RealInterceptorChain", "proceed", "RealInterceptorChain.kt", 109],
  ["okhttp3.internal.connection.RealCall", "getResponseWithInterceptorChain$okhttp", "RealCall.kt", 201],
  ["okhttp3.internal.connection.RealCall$AsyncCall", "run", "RealCall.kt", 517],
  ["java.util.concurrent.ThreadPoolExecutor", "runWorker", "ThreadPoolExecutor.java", 1136],
  ["java.util.concurrent.ThreadPoolExecutor$Worker", "run", "ThreadPoolExecutor.java", 635],
  ["java.lang.Thread", "run", "Thread.java", 833],
];
/** Where Umeng enqueued it: the enqueue frame first. */
const ENQUEUE: FrameTuple[] = [
  ["okhttp3.internal.connection.RealCall", "enqueue", "RealCall.kt", 164],
  ["com.umeng.commonsdk.statistics.UMSender", "upload", "UMSender.java", 88],
  ["com.umeng.commonsdk.UMConfigure", "init", "UMConfigure.java", 40],
  ["com.example.app.App", "onCreate", "App.kt", 12],
];
const READ: FrameTuple[] = [["com.umeng.commonsdk.statistics.common.DeviceConfig", "getAndroidId"], ...ENQUEUE.slice(1)];

const STACKS: StackTuple[] = [
  [1, READ, false],
  [2, DISPATCHER, false],
];
const LOGICAL: StackTuple = [1, [...DISPATCHER, ...ENQUEUE], false];

/** A read (local id 1, stack 1) and a send (local id 2, stack 2) with `net`. */
function batch(net: NetTuple, extra: Partial<BatchMessage> = {}, sendFlags = 0): BatchMessage {
  const calls: CallTuple[] = [
    [10, 0, cat("device_identifiers"), 0, 1, 1, 0],
    [20, 1, cat("network_egress"), sendFlags, 7, 2],
  ];
  return { type: "batch", strings: ["hash:5f2c9a1be07d"], stacks: STACKS, firstId: 1, calls, outcomes: [], lifecycle: [], sampled: [], net: [[2, net]], ...extra };
}

const OKHTTP_NET = (stack?: number): NetTuple => [0, "alog.umeng.com", 443, 1, 120, [["android_id", "plain", 3, 1, 0.6]], "POST", 0, ...(stack === undefined ? [] : [stack])];

interface Written {
  readonly calls: CallEvent[];
  readonly stacks: Map<number, StackRecord>;
  readonly dir: string;
}

function write(messages: readonly AgentMessage[]): Written {
  const dir = tempDir();
  const writer = new TraceWriter(dir, { tool: { name: "permtrace", version: "test" }, device: { kind: "sandbox", apiLevel: 31 }, app: { package: APP } });
  const sink = new AgentSink(writer, { pid: 4242 });
  sink.onMessage({ type: "coverage", hooks: HOOKS.map((h) => [h, "hooked"] as const) });
  for (const m of messages) sink.onMessage(m);
  sink.close();
  writer.updateManifest({ agent: { version: "test", coverage: sink.coverage } });
  writer.close();
  const lines = (f: string): unknown[] => readFileSync(join(dir, f), "utf8").trim().split("\n").map((l) => JSON.parse(l) as unknown);
  return { dir, calls: lines("calls.jsonl") as CallEvent[], stacks: new Map((lines("stacks.jsonl") as StackRecord[]).map((s) => [s.id, s])) };
}

const attributor = (): Attributor => new Attributor(SDK_CATALOGUE, [APP]);
const frames = (w: Written, e: CallEvent): string[] => w.stacks.get(e.stack!)!.frames.map((f) => `${f.c}.${f.m}`);
const sendOf = (w: Written): CallEvent => w.calls.find((c) => c.cat === "network_egress")!;

describe("the agent sink writes a dispatcher-thread send with its logical stack", () => {
  it("the send's stack is its own frames then the enqueue's, and it is Umeng's send — its own stack alone was the app's at 0.5", () => {
    const w = write([batch(OKHTTP_NET(1), { sendStacks: [LOGICAL] })]);
    const send = sendOf(w);
    expect(frames(w, send)).toEqual([...DISPATCHER, ...ENQUEUE].map((f) => `${f[0]}.${f[1]}`));
    const a = attributor().attribute(w.stacks.get(send.stack!));
    expect([a.responsible.key, a.confidence, a.evidence]).toEqual(["sdk:umeng-common", 0.95, "com.umeng.commonsdk.statistics.UMSender.upload(UMSender.java:88)"]);
    // What the report saw before: the dispatcher's frames alone.
    const own = attributor().attributeFrames(DISPATCHER.map(([c, m]) => ({ c: c!, m })), false);
    expect([own.responsible.key, own.confidence]).toEqual(["app", 0.5]);
    // The match and the record are unchanged; the logical stack's id is not in the trace's record.
    expect(send.net).toEqual({ layer: "okhttp", host: "alog.umeng.com", port: 443, tls: true, bytes: 120, method: "POST", matches: [{ kind: "android_id", enc: "plain", where: "pre-encryption", readSeq: 1, conf: 0.6 }] });
  });

  it("the logical stack sent in an earlier batch, the send's outcome in a later one: still written with it", () => {
    const first: BatchMessage = { type: "batch", strings: [], stacks: [], firstId: 1, calls: [], outcomes: [], lifecycle: [], sampled: [], sendStacks: [LOGICAL] };
    const pending = batch(OKHTTP_NET(1), {}, CALL_FLAGS.pending);
    const later: BatchMessage = { type: "batch", strings: [], stacks: [], firstId: 3, calls: [], outcomes: [[2, 0, -1, -1]], lifecycle: [], sampled: [] };
    const w = write([first, pending, later]);
    expect(frames(w, sendOf(w)).at(-1)).toBe("com.example.app.App.onCreate");
    expect(frames(w, sendOf(w))).toHaveLength(DISPATCHER.length + ENQUEUE.length);
  });

  it("a send without a logical stack, or naming one the sink never got, keeps its own stack", () => {
    for (const net of [OKHTTP_NET(), OKHTTP_NET(9)]) {
      const w = write([batch(net, { sendStacks: [LOGICAL] })]);
      expect(frames(w, sendOf(w))).toEqual(DISPATCHER.map((f) => `${f[0]}.${f[1]}`));
    }
  });

  it("through the report: the flow to Umeng's host is Umeng's, not the app's", () => {
    const w = write([batch(OKHTTP_NET(1), { sendStacks: [LOGICAL] })]);
    const flows = analyzeDir(w.dir).flows?.flows ?? [];
    expect(flows.map((f) => [f.party.key, f.recipient.host, f.identifiers.map((i) => i.kind)])).toEqual([["sdk:umeng-common", "alog.umeng.com", ["android_id"]]]);
  });
});

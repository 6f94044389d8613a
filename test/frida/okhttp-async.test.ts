/**
 * OkHttp's enqueued calls on real Frida (issue 15): real OkHttp 4.12.0 in a HotSpot JVM, the built
 * agent loaded through the runner's own code path (test/frida/java/record-run.ts). Umeng's sender
 * (com.umeng.commonsdk…, test/frida/async/sdk/) reads the Android ID, gzips a JSON body with it on
 * its thread and enqueues the POST to a local server; OkHttp's dispatcher thread sends it. The send
 * must be recorded once at OkHttp's request path and on the socket, be Umeng's (its logical stack:
 * the dispatcher's frames, then the enqueue's), and carry the pre-encryption match linked to the
 * read. The app's own synchronous execute() keeps its own stack.
 *
 * The agent finds the call again by System.identityHashCode (a replacement's `this` wraps a JNI
 * local reference of that one call: frida-java-bridge 7.0.13 lib/class-factory.js,
 * handleMethodInvocation): the match on the dispatcher's send shows it does on HotSpot.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SDK_CATALOGUE } from "../../reports/sdk/catalogue/index.js";
import { Attributor } from "../../reports/sdk/attribution.js";
import type { CallEvent, StackRecord } from "../../reports/trace/format.js";
import { analyzeDir } from "../support/trace-builder.js";
import { buildAsyncTarget } from "./async/build.js";
import { APP_PACKAGE } from "./java/call-script.js";
import { missingOkHttpJars, OKHTTP_FETCH } from "./java/okhttp-jars.js";
import { recordJavaRun, type RecordedRun } from "./java/record-run.js";
import { jdk17, realSuite, REPO } from "./prereq.js";
import { closeAll } from "./shim/frida.js";

const suite = realSuite("OkHttp's enqueued calls on real Frida (test/frida/okhttp-async.test.ts)", ["frida", "jdk"]);
/** Real OkHttp comes from Maven Central through `mvn`: without it the suite is skipped (failed under CI), with one line. */
const okhttpMissing = missingOkHttpJars();
if (suite.run && okhttpMissing.length > 0) console.log(`${process.env.CI ? "FAILED" : "skipped"}: OkHttp's enqueued calls on real Frida: ~/.m2 lacks ${okhttpMissing.join(", ")}; get them with \`${OKHTTP_FETCH}\``);

const READ = "settings.Secure.getString.android_id";
const REQUEST = "net.CallServerInterceptor.intercept";
const SOCKET = "net.SocketOutputStream.socketWrite";

describe.skipIf(!suite.run || (okhttpMissing.length > 0 && !process.env.CI))("OkHttp's enqueued calls on real Frida: the dispatcher's send is the enqueuer's", () => {
  let run: RecordedRun;
  let calls: CallEvent[];
  let stacks: Map<number, StackRecord>;
  const attributor = new Attributor(SDK_CATALOGUE, [APP_PACKAGE]);
  const frames = (c: CallEvent): string[] => (stacks.get(c.stack!)?.frames ?? []).map((f) => `${f.c}.${f.m}`);
  const partyOf = (c: CallEvent): string => attributor.attribute(stacks.get(c.stack!)).responsible.key;
  const one = (hook: string, method: string): CallEvent => {
    const found = calls.filter((c) => c.hook === hook && c.net?.method === method);
    expect(found.map((c) => c.seq), `${hook} ${method}`).toHaveLength(1);
    return found[0]!;
  };

  beforeAll(async () => {
    expect(okhttpMissing, `run ${OKHTTP_FETCH}`).toEqual([]);
    const build = buildAsyncTarget(jdk17().javaHome!);
    run = await recordJavaRun(build, join(REPO, "dist", "agent", "permtrace-agent.js"), {}, true);
    const lines = (f: string): unknown[] => readFileSync(join(run.dir, f), "utf8").trim().split("\n").map((l) => JSON.parse(l) as unknown);
    calls = lines("calls.jsonl") as CallEvent[];
    stacks = new Map((lines("stacks.jsonl") as StackRecord[]).map((s) => [s.id, s]));
  }, 120_000);

  afterAll(async () => {
    await closeAll();
  });

  it("the harness's requests succeeded and the agent reported no error about OkHttp's calls", () => {
    const results = Object.fromEntries(run.target.results().map((r) => [r.call, (r.ret as { s: string }).s]));
    expect(results).toEqual({ "umeng.enqueue": "200", "app.execute": "200" });
    expect(run.scriptErrors.filter((e) => !e.includes("spawn gating unavailable"))).toEqual([]);
    expect(run.messages.filter((m) => m.type === "agent-error" && /async\.|okhttp/i.test(m.where))).toEqual([]);
  });

  it("Umeng's enqueued POST: recorded once at OkHttp's request path, on the dispatcher thread, the gzipped Android ID matched before compression and linked to its read at 0.6", () => {
    const read = calls.filter((c) => c.hook === READ);
    expect(read).toHaveLength(1);
    const post = one(REQUEST, "POST");
    expect(post.tid).not.toBe(read[0]!.tid);
    expect(post.net).toEqual({ layer: "okhttp", host: "127.0.0.1", port: expect.any(Number), tls: false, bytes: expect.any(Number), method: "POST", matches: [{ kind: "android_id", enc: "plain", where: "pre-encryption", readSeq: read[0]!.seq, conf: 0.6 }] });
  });

  it("on the socket: the request's writes on the dispatcher thread, each recorded once (no native send under them), nothing matched in the gzipped bytes", () => {
    const post = one(REQUEST, "POST");
    // Ordered by the agent's clock: a call still running when its batch left is written (and
    // numbered) when its outcome comes, so the intercept can get a seq after its own socket writes.
    const wire = calls.filter((c) => c.tid === post.tid && c !== post && c.t >= post.t && c.cat === "network_egress");
    expect(wire.length).toBeGreaterThan(0);
    expect(new Set(wire.map((c) => c.hook))).toEqual(new Set([SOCKET]));
    expect(wire[0]!.net).toMatchObject({ layer: "socket", host: "127.0.0.1", port: post.net!.port, tls: false, method: "POST" });
    for (const c of wire) expect(c.net!.matches ?? []).toEqual([]);
  });

  it("the send's stack: the dispatcher's frames, then RealCall.enqueue, then UMSender.upload — Umeng's, on the request and on the socket", () => {
    const post = one(REQUEST, "POST");
    const wire = calls.filter((c) => c.tid === post.tid && c !== post && c.t >= post.t && c.hook === SOCKET);
    for (const c of [post, ...wire]) {
      const f = frames(c);
      const enqueue = f.indexOf("okhttp3.internal.connection.RealCall.enqueue");
      expect(f.indexOf("okhttp3.internal.connection.RealCall$AsyncCall.run"), f.join("\n")).toBeGreaterThanOrEqual(0);
      expect(f.indexOf("okhttp3.internal.connection.RealCall$AsyncCall.run")).toBeLessThan(enqueue);
      expect(f[enqueue + 1]).toBe("com.umeng.commonsdk.statistics.UMSender.upload");
      expect(partyOf(c)).toBe("sdk:umeng-common");
    }
  });

  it("the app's synchronous execute(): its own stack on its own thread, the app's; no identifier", () => {
    const get = one(REQUEST, "GET");
    expect(get.tid).toBe(calls.find((c) => c.hook === READ)!.tid);
    expect(frames(get)).not.toContain("okhttp3.internal.connection.RealCall.enqueue");
    expect(frames(get)).toContain("com.example.app.Tiles.fetch");
    expect(partyOf(get)).toBe("app");
    expect(get.net!.matches ?? []).toEqual([]);
  });

  it("through the report: the flow to the server with the Android ID is Umeng's; the app's tile request carries nothing", () => {
    const flows = analyzeDir(run.dir).flows?.flows ?? [];
    const summary = flows.map((f) => [f.party.key, f.recipient.host, f.identifiers.map((i) => `${i.kind}`)]);
    expect(summary).toContainEqual(["sdk:umeng-common", "127.0.0.1", ["android_id"]]);
    expect(summary.filter(([party]) => party === "app")).toEqual([["app", "127.0.0.1", []]]);
  });
});

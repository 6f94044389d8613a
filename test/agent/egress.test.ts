import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import type { CoverageRow, NetMatchTuple } from "../../agent/protocol.js";
import type { CallEvent } from "../../reports/trace/format.js";
import { TraceWriter } from "../../reports/trace/writer.js";
import { AgentSink } from "../../runner/agent-sink.js";
import type { ClassSpec } from "../../runner/sandbox/java.js";
import { BUNDLE, loadAgent, type Runtime } from "../../runner/sandbox/runtime.js";
import { agentCalls } from "../support/agent-calls.js";
import { android, ANDROID_ID, APP_STACK, UMENG_STACK } from "../support/android-fixture.js";
import { analyzeDir, tempDir } from "../support/trace-builder.js";

// Egress records (issue 15 items 1–2) through the compiled bundle on the Frida-runtime stand-in:
// the agent learns what a hooked read returned, finds it in what the app sends (in the send, or
// handed to a cipher/compressor before it), and records kind, encoding, place and read — never
// the value. `npm run build` first.

const APP = "com.example.app";
const FD_OUT = "com.android.org.conscrypt.ConscryptFileDescriptorSocket$SSLOutputStream";
const SOCKET_OUT = "java.net.SocketOutputStream";
const BYTES = ["[B", "int", "int"];
const MD5 = createHash("md5").update(ANDROID_ID).digest("hex");
const noop = (): undefined => undefined;
const m = (name: string, params: readonly string[], impl: (self: unknown, args: unknown[]) => unknown = noop): ClassSpec["methods"][number] => ({ name, params, impl });

/** Set by each test: the runtime a class's body calls back into (a TLS write's socket write). */
let current: Runtime | undefined;

const CLASSES: readonly ClassSpec[] = [
  // A TLS write whose body writes its ciphertext to the socket, as Conscrypt's engine socket does.
  { name: FD_OUT, methods: [m("write", BYTES, (_s, a) => void current?.call(SOCKET_OUT, "socketWrite", BYTES, [Uint8Array.from((a[0] as Uint8Array).map((b) => b ^ 0x5a)), 0, a[2]], APP_STACK, socketSelf("203.0.113.7", 443)))] },
  { name: SOCKET_OUT, methods: [m("socketWrite", BYTES)] },
  { name: "okhttp3.internal.http.CallServerInterceptor", methods: [m("intercept", ["okhttp3.Interceptor$Chain"], () => ({ $className: "okhttp3.Response" }))] },
  { name: "javax.crypto.Cipher", methods: [m("doFinal", ["[B"], (_s, a) => Uint8Array.from(a[0] as Uint8Array, (b) => b ^ 0xa5)), m("update", ["[B"]), m("update", BYTES), m("doFinal", BYTES)] },
  { name: "java.util.zip.GZIPOutputStream", methods: [m("write", BYTES)] },
  { name: "java.util.zip.Deflater", methods: [m("setInput", BYTES)] },
  { name: "android.util.Base64", methods: [m("encode", ["[B", "int", "int", "int"])] },
];

const bytes = (s: string): Uint8Array => new TextEncoder().encode(s);
const tlsSelf = (host: string, port: number): unknown => ({ $className: FD_OUT, this$0: { value: { getHostnameOrIP: () => host, getPort: () => port } } });
/** A SocketOutputStream: its `impl` field is the socket's SocketImpl (JDK 8/17 and Android libcore alike). */
function socketSelf(address: string, port: number): unknown {
  return { $className: SOCKET_OUT, impl: { value: { getInetAddress: () => ({ getHostAddress: () => address }), getPort: () => port } } };
}

let source: string | undefined;

function start(now?: () => number): Runtime {
  const base = android({ imeiDenied: false, clipboardText: "" }).filter((c) => !CLASSES.some((x) => x.name === c.name));
  source ??= readFileSync(BUNDLE, "utf8");
  const rt = loadAgent([...base, ...CLASSES], { source, ...(now ? { now } : {}) });
  current = rt;
  rt.rpc.init({ appPackage: APP, salt: "s" });
  return rt;
}

const readAndroidId = (rt: Runtime): unknown => rt.call("android.provider.Settings$Secure", "getString", ["android.content.ContentResolver", "java.lang.String"], [null, "android_id"], UMENG_STACK);
const tlsWrite = (rt: Runtime, host: string, payload: Uint8Array): unknown => rt.call(FD_OUT, "write", BYTES, [payload, 0, payload.length], UMENG_STACK, tlsSelf(host, 443));

const calls = agentCalls;

describe("egress records on the stand-in", () => {
  it("the bundle is built", () => expect(existsSync(BUNDLE), "run `npm run build`").toBe(true));

  it("hooks the egress entries present in the process", () => {
    const rt = start();
    const coverage = (rt.messages.find((x) => x.type === "coverage") as { hooks: readonly CoverageRow[] }).hooks;
    const status = (id: string): string | undefined => coverage.find((r) => r[0] === id)?.[1];
    for (const id of ["net.SSLOutputStream.write.fd", "net.SocketOutputStream.socketWrite", "net.CallServerInterceptor.intercept"]) expect(status(id), id).toBe("hooked");
    // The app bundles no Conscrypt of its own here.
    expect(status("net.SSLOutputStream.write.engine_bundled")).not.toBe("hooked");
  });

  it("a TLS write carrying the MD5 of an Android ID a hooked read returned: one egress call naming the read", async () => {
    const rt = start();
    expect(readAndroidId(rt)).toBe(ANDROID_ID);
    const body = `{"did":"${MD5}","v":3}`;
    const payload = bytes(`POST /collect HTTP/1.1\r\nHost: t.tracker.example\r\nContent-Length: ${body.length}\r\n\r\n${body}`);
    tlsWrite(rt, "t.tracker.example", payload);
    await rt.settle();
    const seen = calls(rt);
    const read = seen.find((c) => c.hook === "settings.Secure.getString.android_id")!;
    const egress = seen.filter((c) => c.category === "network_egress");
    // The ciphertext written to the socket inside the TLS write is not a second send.
    expect(egress.map((c) => c.hook)).toEqual(["net.SSLOutputStream.write.fd"]);
    expect(egress[0]!.net).toEqual([1, "t.tracker.example", 443, 1, payload.length, [["android_id", "md5-lower", 2, read.id, 1]], "POST"]);
    const wire = JSON.stringify(rt.messages);
    expect(wire).not.toContain(ANDROID_ID);
    expect(wire).not.toContain(MD5);
  });

  it("a gzip+cipher body: the match comes from the pre-encryption scan, at lower confidence", async () => {
    const rt = start();
    readAndroidId(rt);
    const json = bytes(`{"androidId":"${ANDROID_ID}","ts":1700000000}`);
    rt.call("java.util.zip.GZIPOutputStream", "write", BYTES, [json, 0, json.length], UMENG_STACK);
    const sealed = rt.call("javax.crypto.Cipher", "doFinal", ["[B"], [Uint8Array.from(gzipSync(json))], UMENG_STACK) as Uint8Array;
    tlsWrite(rt, "log.sdk.example", sealed);
    // The next send on the thread carries nothing more: the matches were taken once.
    tlsWrite(rt, "log.sdk.example", sealed);
    await rt.settle();
    const egress = calls(rt).filter((c) => c.category === "network_egress");
    expect(egress).toHaveLength(2);
    const matches = egress[0]!.net![5] as readonly NetMatchTuple[];
    expect(matches).toEqual([["android_id", "plain", 3, expect.any(Number), 0.6]]);
    expect(egress[1]!.net!.length).toBeLessThanOrEqual(5);
    expect(JSON.stringify(rt.messages)).not.toContain(ANDROID_ID);
  });

  it("a native TLS handshake between the encryption and the Java send does not take the match (Conscrypt's FD socket handshakes in native code)", async () => {
    const rt = start();
    readAndroidId(rt);
    const json = bytes(`{"androidId":"${ANDROID_ID}"}`);
    const sealed = rt.call("javax.crypto.Cipher", "doFinal", ["[B"], [json], UMENG_STACK) as Uint8Array;
    // The ClientHello of a new connection: a libc write on this thread, outside any Java send.
    rt.descriptors.set(50, { ip: "203.0.113.20", port: 443 });
    const hello = Uint8Array.from([22, 3, 1, 0, 5, 1, 0, 0, 1, 0]);
    rt.native("write", [50, hello, hello.length], hello.length);
    tlsWrite(rt, "log.sdk.example", sealed);
    await rt.settle();
    const egress = calls(rt).filter((c) => c.category === "network_egress");
    expect(egress.map((c) => c.hook)).toEqual(["native.libc.write.egress", "net.SSLOutputStream.write.fd"]);
    expect(egress[0]!.net![5] ?? null).toBeNull();
    expect(egress[1]!.net![5]).toEqual([["android_id", "plain", 3, expect.any(Number), 0.6]]);
  });

  it("pre-encryption matches expire after the window and stay on their thread", async () => {
    let clock = 1000;
    const rt = start(() => clock);
    readAndroidId(rt);
    const json = bytes(`id=${ANDROID_ID}`);
    rt.call("android.util.Base64", "encode", ["[B", "int", "int", "int"], [json, 0, json.length, 2], UMENG_STACK);
    rt.tid = 99;
    tlsWrite(rt, "a.example", bytes("xx"));
    rt.tid = 1;
    clock += 2500;
    tlsWrite(rt, "a.example", bytes("yy"));
    await rt.settle();
    const egress = calls(rt).filter((c) => c.category === "network_egress");
    expect(egress.map((c) => c.net![5] ?? null)).toEqual([null, null]);
  });

  it("a map-tile request carries no identifier: an egress call without matches", async () => {
    const rt = start();
    readAndroidId(rt);
    rt.call(TM, "getImei", [], [], UMENG_STACK);
    const tile = bytes("GET /tiles/v2/12/3385/1552.png?scale=2&lang=zh_CN HTTP/1.1\r\nHost: tiles.map.example\r\nUser-Agent: okhttp/4.12.0\r\n\r\n");
    tlsWrite(rt, "tiles.map.example", tile);
    await rt.settle();
    const egress = calls(rt).filter((c) => c.category === "network_egress");
    expect(egress).toHaveLength(1);
    expect(egress[0]!.net).toEqual([1, "tiles.map.example", 443, 1, tile.length, null, "GET"]);
  });

  it("OkHttp's request: URL and headers scanned before TLS; a cleartext socket write named by its Host header", async () => {
    const rt = start();
    readAndroidId(rt);
    const b64 = Buffer.from(ANDROID_ID).toString("base64");
    const url = { host: () => "api.ads.example", port: () => 443, isHttps: () => true, toString: () => `https://api.ads.example/v1/ad?aid=${ANDROID_ID}` };
    const request = { url: () => url, method: () => "GET", headers: () => ({ toString: () => `X-Device: ${b64}\n` }), body: () => null };
    rt.call("okhttp3.internal.http.CallServerInterceptor", "intercept", ["okhttp3.Interceptor$Chain"], [{ request: () => request }], APP_STACK);
    const plain = bytes(`GET /ping?u=${MD5.toUpperCase()} HTTP/1.1\r\nHost: stats.example.cn:8080\r\n\r\n`);
    rt.call(SOCKET_OUT, "socketWrite", BYTES, [plain, 0, plain.length], APP_STACK, socketSelf("198.51.100.4", 8080));
    await rt.settle();
    const egress = calls(rt).filter((c) => c.category === "network_egress");
    const read = calls(rt).find((c) => c.hook === "settings.Secure.getString.android_id")!.id;
    expect(egress.map((c) => c.hook)).toEqual(["net.CallServerInterceptor.intercept", "net.SocketOutputStream.socketWrite"]);
    expect(egress[0]!.net).toEqual([0, "api.ads.example", 443, 1, 0, [["android_id", "plain", 0, read, 1], ["android_id", "base64", 1, read, 1]], "GET"]);
    expect(egress[1]!.net).toEqual([2, "stats.example.cn", 8080, 0, plain.length, [["android_id", "md5-upper", 0, read, 1]], "GET"]);
    expect(JSON.stringify(rt.messages)).not.toContain(ANDROID_ID);
  });

  it("through the sink into a trace: `net` on the egress call, its match naming the read's seq; the report still runs", async () => {
    const dir = tempDir();
    const writer = new TraceWriter(dir, { tool: { name: "permtrace", version: "test" }, device: { kind: "sandbox", apiLevel: 31 }, app: { package: APP } });
    const sink = new AgentSink(writer, { pid: 4242 });
    const rt = start();
    readAndroidId(rt);
    const post = bytes(`POST /c HTTP/1.1\r\nHost: t.tracker.example\r\n\r\n{"did":"${MD5}"}`);
    const tile = bytes("GET /t/1/2/3.png HTTP/1.1\r\nHost: tiles.map.example\r\n\r\n");
    tlsWrite(rt, "t.tracker.example", post);
    tlsWrite(rt, "tiles.map.example", tile);
    rt.rpc.flush();
    await rt.settle();
    for (const msg of rt.messages) sink.onMessage(msg);
    sink.close();
    writer.updateManifest({ agent: { version: "0.1.0", coverage: sink.coverage } });
    writer.close();
    const events = readFileSync(join(dir, "calls.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l) as CallEvent);
    const read = events.find((e) => e.hook === "settings.Secure.getString.android_id")!;
    const sends = events.filter((e) => e.cat === "network_egress");
    expect(sends.map((e) => e.net)).toEqual([
      { layer: "tls", host: "t.tracker.example", port: 443, tls: true, bytes: post.length, method: "POST", matches: [{ kind: "android_id", enc: "md5-lower", where: "body", readSeq: read.seq, conf: 1 }] },
      { layer: "tls", host: "tiles.map.example", port: 443, tls: true, bytes: tile.length, method: "GET" },
    ]);
    expect(readFileSync(join(dir, "calls.jsonl"), "utf8")).not.toContain(ANDROID_ID);
    const a = analyzeDir(dir);
    expect(a.trace.calls).toBe(3);
    expect(a.warnings.filter((w) => !/consent/i.test(w))).toEqual([]);
  });
});

const TM = "android.telephony.TelephonyManager";

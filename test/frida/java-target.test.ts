/**
 * The agent on a real JVM under real Frida, through the runner's own code path (FridaBackend →
 * instrumentApp → AgentSink → TraceWriter): a HotSpot JVM (Debian's OpenJDK 17, -Xshare:off)
 * runs a harness that calls every Java catalogue entry on android.* stubs generated from the
 * catalogue (test/frida/java/). The assertions are on the trace the run wrote.
 *
 * Not covered: the harness starts and waits for "go" before the agent is loaded (the bridge
 * cannot instrument a JVM that has not loaded libjvm), standing in for spawn-then-resume; what an
 * app does before its Application.onCreate, ART itself and real framework classes are not here.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, afterAll, describe, expect, it } from "vitest";
import { CATALOGUE } from "../../agent/catalogue/index.js";
import { SCAN_BOUND } from "../../agent/engine/id-matcher.js";
import type { HookEntry } from "../../agent/catalogue/types.js";
import type { BatchMessage } from "../../agent/protocol.js";
import { TRACE_FILES, type CallEvent, type Marker, type StackRecord } from "../../reports/trace/format.js";
import { LATE_CLASSES, type CallSpec } from "./java/call-script.js";
import { expectedCall, type ExpectedCall } from "./java/expect.js";
import { LATE_SUPPLIERS } from "./java/generate.js";
import { CONSCRYPT_FETCH, CONSCRYPT_JAR, conscryptMissing, missingOkHttpJars, OKHTTP_FETCH, provideConscrypt, provideOkHttp, withdrawOkHttp } from "./java/okhttp-jars.js";
import { LATE_IDS, recordJavaRun, type RecordedRun } from "./java/record-run.js";
import { STUB_API } from "./java/stub-model.js";
import { jdk17, realSuite, REPO } from "./prereq.js";
import { closeAll } from "./shim/frida.js";
import { buildJavaTarget, startJavaTarget, type CallResult, type JavaBuild } from "./support/java-target.js";

const suite = realSuite("Java target on real Frida (test/frida/java-target.test.ts)", ["frida", "jdk"]);
const AGENT = join(REPO, "dist", "agent", "permtrace-agent.js");
const SALT = "s";
const BATCH = 64;
/** Longer than the run: batches leave by size, at the runner's flushes, and at the end only. */
const FLUSH_MS = 600_000;

function readJsonl<T>(file: string): T[] {
  return readFileSync(file, "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l) as T);
}

/** The harness run without the agent: its results are what the app gets on its own. */
async function bareRun(build: JavaBuild, plugin: boolean): Promise<string[]> {
  const t = await startJavaTarget(build, plugin);
  t.send("go");
  await t.waitFor("done", (l) => l === "done");
  await t.exit();
  return t.lines;
}

/** LargeEgress.java's upload: its head, and its body's length (the MD5 at 1 KiB, the SHA-256 at 128 KiB). */
const LARGE_HEAD = "POST /upload HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/octet-stream\r\nContent-Length: 262144\r\nConnection: close\r\n\r\n";
const LARGE_BODY = 256 * 1024;
const isLargeUpload = (c: CallEvent): boolean => c.cat === "network_egress" && (c.net?.bytes ?? 0) >= LARGE_BODY;

const byId = new Map<string, HookEntry>(CATALOGUE.map((e) => [e.id, e]));

describe.skipIf(!suite.run)("the agent on a JVM under real Frida (Java target)", () => {
  let build: JavaBuild;
  let bare: string[];
  let run: RecordedRun;
  let calls: CallEvent[];
  let stacks: Map<number, StackRecord>;
  let markers: Marker[];
  let results: Map<string, CallResult>;

  beforeAll(async () => {
    build = await buildJavaTarget(jdk17().javaHome!);
    bare = await bareRun(build, false);
    run = await recordJavaRun(build, AGENT, { batchSize: BATCH, flushMs: FLUSH_MS });
    // Written in the order outcomes arrived (a call whose batch left before it returned comes
    // later): the agent's time orders them as the harness made them.
    calls = readJsonl<CallEvent>(join(run.dir, TRACE_FILES.calls)).sort((a, b) => a.t - b.t || a.seq - b.seq);
    stacks = new Map(readJsonl<StackRecord>(join(run.dir, TRACE_FILES.stacks)).map((s) => [s.id, s]));
    markers = readJsonl<Marker>(join(run.dir, TRACE_FILES.timeline));
    results = new Map(run.target.results().map((r) => [String(r.call), r]));
  });

  afterAll(async () => {
    await closeAll();
  });

  /** The agent's error messages, for failure output. */
  const agentErrors = (): string[] => run.messages.flatMap((m) => (m.type === "agent-error" ? [`${m.where}: ${m.message.split("\n")[0]}`] : []));

  it("changes nothing the app sees: every result and exception is the same with and without the agent", () => {
    expect(run.exitCode).toBe(0);
    const printed = (lines: string[]): string[] => lines.filter((l) => l.startsWith("result ") || l.startsWith("phase ") || l === "done");
    expect(printed(run.target.lines)).toEqual(printed(bare));
    expect(printed(bare).length).toBeGreaterThan(build.calls.length);
    // The throwing calls did throw, in both runs.
    expect(run.target.results().filter((r) => r.exc).map((r) => r.exc)).toContain("java.lang.SecurityException");
  });

  it("reports the coverage the catalogue expects for every Java entry", () => {
    const stubs = new Map(build.calls.map((c) => [c.entry, c]));
    const expected = (e: HookEntry): string => {
      // No plugin stage in this run: the class never loads.
      if (LATE_CLASSES.has(e.className)) return "absent: class not loaded (yet)";
      if (e.minApi !== undefined && e.minApi > STUB_API) return "absent: API";
      // The Play services client is an interface here (play-services-location 21+): hooked in the
      // class implementing it, found by the pass after LocationServices.getFusedLocationProviderClient.
      // Egress entries on classes this JVM has not loaded: Conscrypt and OkHttp are not on its class path.
      if (e.egress && !e.className.startsWith("java.")) return "absent: class not loaded (yet)";
      return "hooked";
    };
    const status = (hook: string): string => {
      const row = run.coverage.find((r) => r.hook === hook);
      if (!row) return "missing";
      if (row.status !== "absent") return row.status;
      return row.reason?.includes("interface") ? "absent: interface" : new RegExp(`API ${STUB_API}\\b`).test(row.reason ?? "") ? "absent: API" : `absent: ${row.reason}`;
    };
    const want = Object.fromEntries(CATALOGUE.map((e) => [e.id, expected(e)]));
    const got = Object.fromEntries(CATALOGUE.map((e) => [e.id, status(e.id)]));
    expect(got, agentErrors().join("\n")).toEqual(want);
    // Every entry the stubs define was called by the harness.
    for (const e of CATALOGUE) if (expected(e) === "hooked" && !LATE_CLASSES.has(e.className) && !e.egress) expect(stubs.has(e.id), e.id).toBe(true);
    // The late classes were pending at init: their loader did not exist yet.
    for (const id of LATE_IDS) expect(run.initCoverage.find((r) => r[0] === id)?.[1]).toBe("pending");
  });

  it("records each harness call exactly once, with its hook, category, arguments, return or exception", () => {
    const expected: (ExpectedCall & { call: string })[] = [];
    const add = (call: string, entryId: string, ret?: string, args?: string[], byHand?: CallSpec["expect"]): void => {
      const r = results.get(call);
      if (!r) throw new Error(`the harness printed no result for call ${call}`);
      expected.push({ call, ...expectedCall(byId.get(entryId)!, r, SALT, ret), ...(args ? { args } : {}), ...(byHand ? { cat: byHand.cat, args: [...byHand.args], ret: byHand.ret } : {}) });
    };
    // The harness prints what it passed to the SDK and to the Activity; the hooked calls inside
    // get the Android ID's name, and the answer as onRequestPermissionsResult's arguments.
    add("sdk.umeng.android_id", "settings.Secure.getString.android_id", undefined, ["", "android_id"]);
    const hooked = new Set(run.coverage.filter((r) => r.status === "hooked").map((r) => r.hook));
    for (const c of build.calls) if (c.kept && hooked.has(c.entry)) add(String(c.call), c.entry, c.ret, undefined, c.expect);
    add("app.permission_answer", "permission.Activity.onRequestPermissionsResult", undefined, ["1", "android.permission.CAMERA", "0"]);
    add("app.background_location", "location.LocationManager.getLastKnownLocation");

    // The fields compared, in one order (permissions have their own test below).
    const canon = (c: ExpectedCall | CallEvent): ExpectedCall => ({
      hook: c.hook,
      cat: c.cat,
      out: c.out,
      ...(c.exc ? { exc: c.exc } : {}),
      ...(c.args ? { args: c.args } : {}),
      ...(c.ret !== undefined ? { ret: c.ret } : {}),
      ...(c.own ? { own: true } : {}),
    });
    const got = calls.map(canon);
    const want = expected.map(canon);
    const diffs: string[] = [];
    for (let i = 0; i < Math.max(got.length, want.length); i++) {
      if (JSON.stringify(got[i]) !== JSON.stringify(want[i])) diffs.push(`#${i} call ${expected[i]?.call}: want ${JSON.stringify(want[i])}\n      got  ${JSON.stringify(got[i])}`);
    }
    expect(diffs.slice(0, 40).join("\n"), `${diffs.length} of ${want.length} calls differ`).toBe("");
    expect(calls.length).toBe(expected.length);
  });

  it("records the calls that threw as thrown, with the exception class", () => {
    // The stubs throw where a normal app gets a SecurityException on API 29+ (getDeviceId, getSerial).
    const thrown = build.calls.filter((c) => c.kept && results.get(String(c.call))?.exc !== undefined);
    expect(new Set(thrown.map((c) => c.entry))).toEqual(new Set(["telephony.TelephonyManager.getDeviceId", "telephony.Build.getSerial"]));
    const threw = calls.filter((c) => c.out === "threw").map((c) => [c.hook, c.exc]);
    expect(threw).toEqual(thrown.map((c) => [c.entry, results.get(String(c.call))!.exc]));
    expect(new Set(threw.map((t) => t[1]))).toEqual(new Set(["java.lang.SecurityException"]));
  });

  it("records the permission guarding each call", () => {
    const missing = calls.filter((c) => byId.get(c.hook)?.permission !== undefined && c.perm !== byId.get(c.hook)!.permission).map((c) => `${c.hook}: ${c.perm ?? "(none)"}`);
    expect([...new Set(missing)]).toEqual([]);
  });

  it("hashes identifiers: no raw identifier value reaches the trace", () => {
    const text = readFileSync(join(run.dir, TRACE_FILES.calls), "utf8");
    // The Android ID the stub returns, and the stubs' identifier values.
    expect(text).not.toContain("9774d56d682e549c");
    expect(text).not.toContain("v-getImei");
    expect(text).not.toContain("v-getSubscriberId");
    const androidId = calls.find((c) => c.hook === "settings.Secure.getString.android_id")!;
    expect(androidId.ret).toMatch(/^hash:[0-9a-f]{12}$/);
  });

  it("keeps stacks whose frames are the harness's: the app's caller, or the SDK's in its own package", () => {
    const frames = (c: CallEvent): StackRecord["frames"] => stacks.get(c.stack!)?.frames ?? [];
    const first = calls[0]!;
    expect(first.hook).toBe("settings.Secure.getString.android_id");
    expect(frames(first)[0]).toMatchObject({ c: "com.umeng.commonsdk.statistics.common.DeviceConfig", m: "getAndroidId", f: "DeviceConfig.java" });
    expect(frames(first)[1]).toMatchObject({ c: "com.example.app.Main", m: "main" });
    const hooked = new Set(run.coverage.filter((r) => r.status === "hooked").map((r) => r.hook));
    const fromCalls = calls.slice(1, 1 + build.calls.filter((c) => c.kept && hooked.has(c.entry)).length);
    expect(fromCalls.length).toBeGreaterThan(200);
    for (const c of fromCalls) {
      // A process start is hooked where Runtime.exec and ProcessBuilder.start end (the hidden
      // ProcessImpl.start): the JDK's frames come first, then the app's.
      // An implementation's hook (an interface entry) is cut like any other: its caller on top.
      const top = c.hook === "exec.ProcessBuilder.start" ? frames(c).find((f) => !(f.c ?? "").startsWith("java.")) : frames(c)[0];
      // Constructors are recorded at their caller too (the <init> frame is the hooked method).
      expect(`${c.hook} ${top?.c}.${top?.m}`).toMatch(/ com\.example\.app\.Calls\.run\d+$/);
    }
  });

  // An interface entry's stack is captured with no class (agent/engine/record.ts): the cut knows
  // the implementation's own frame by the hooked method's name.
  it("leaves an implementation's own frame out of its stack, as any hooked method's", () => {
    const impl = calls.filter((c) => byId.get(c.hook)?.implementations !== undefined);
    expect(impl.length).toBeGreaterThan(0);
    for (const c of impl) expect(`${c.hook} ${stacks.get(c.stack!)?.frames[0]?.c}`).toMatch(/ com\.example\.app\.Calls$/);
  });

  it("collapses a reentrant call: getImei() calling getImei(int) is one call", () => {
    const imei = build.calls.filter((c) => c.entry === "telephony.TelephonyManager.getImei");
    expect(imei.map((c) => c.params.length)).toEqual([0, 1]);
    expect(calls.filter((c) => c.hook === "telephony.TelephonyManager.getImei")).toHaveLength(2);
  });

  it("follows foreground and background from the activity lifecycle", () => {
    const kinds = markers.map((m) => m.kind);
    expect(kinds.filter((k) => k === "foreground" || k === "background")).toEqual(["foreground", "background"]);
    const fg = markers.find((m) => m.kind === "foreground")!.t;
    const bg = markers.find((m) => m.kind === "background")!.t;
    expect(fg).toBeLessThan(bg);
    // Before any activity started the agent does not know; in between, foreground; after, background.
    expect(calls[0]!.fg).toBeUndefined();
    const inFg = calls.filter((c) => c.t > fg && c.t < bg);
    expect(inFg.length).toBeGreaterThan(build.calls.length / 2);
    expect(inFg.every((c) => c.fg === true)).toBe(true);
    const background = calls.find((c) => c.hook === "location.LocationManager.getLastKnownLocation" && c.t > bg)!;
    expect(background.fg).toBe(false);
    // The permission answer came through dispatchRequestPermissionsResult.
    expect(markers.filter((m) => m.kind === "permission_result")).toContainEqual(expect.objectContaining({ permissions: ["android.permission.CAMERA"], granted: true }));
  });

  it("batches calls and flushes the last ones when the runner stops the agent", () => {
    const batches = run.messages.filter((m): m is BatchMessage => m.type === "batch");
    const sizes = batches.map((b) => b.calls.length);
    // Full batches while the harness runs; the timer never fired (FLUSH_MS): the rest left at the
    // consent marker's flush, after a thrown call (sent at once), and at the end.
    expect(sizes.filter((n) => n === BATCH).length).toBeGreaterThan(2);
    for (const n of sizes) expect(n).toBeLessThanOrEqual(BATCH);
    // Every call was sent once: the last batch (the final flush before the JVM exits) ends
    // with the last call the agent numbered.
    expect(sizes.reduce((a, n) => a + n, 0)).toBe(calls.length);
    const last = batches[batches.length - 1]!;
    expect(last.calls.length).toBeGreaterThan(0);
    expect(last.firstId + last.calls.length - 1).toBe(calls.length);
    expect(calls.find((c) => c.hook === "location.LocationManager.getLastKnownLocation" && c.fg === false)).toMatchObject({ out: "returned" });
    expect(calls.some((c) => c.exc?.startsWith("(no outcome"))).toBe(false);
    const consent = markers.find((m) => m.kind === "consent_accepted")!;
    expect(calls[0]!.t).toBeLessThan(consent.t);
    expect(calls[1]!.t).toBeGreaterThan(consent.t);
  });

  it("survives the bridge's limits on a JVM without errors the app could see", () => {
    // Java.backtrace and Java.androidVersion throw on a JVM: the agent must fall back, not fail hooks.
    // (The shim never forwards spawn gating, and the runner says so: that line is expected.)
    expect(run.scriptErrors.filter((e) => !e.includes("spawn gating unavailable"))).toEqual([]);
    expect(run.coverage.filter((r) => r.status === "failed" && !r.hook.startsWith("native."))).toEqual([]);
  });
});

/** Real OkHttp comes from Maven Central through `mvn`: without it that test is skipped (failed under CI), with one line. */
const okhttpMissing = missingOkHttpJars();
const noConscrypt = conscryptMissing();
if (suite.run && noConscrypt) console.log(`${process.env.CI ? "FAILED" : "skipped"}: the real-Conscrypt TLS egress test: ~/.m2 lacks ${CONSCRYPT_JAR}; get it with \`${CONSCRYPT_FETCH}\``);
if (suite.run && okhttpMissing.length > 0) console.log(`${process.env.CI ? "FAILED" : "skipped"}: the real-OkHttp egress test: ~/.m2 lacks ${okhttpMissing.join(", ")}; get them with \`${OKHTTP_FETCH}\``);

describe.skipIf(!suite.run)("the agent on a JVM under real Frida: a class loader made after start-up", () => {
  let build: JavaBuild;
  let bare: string[];
  let run: RecordedRun;

  beforeAll(async () => {
    build = await buildJavaTarget(jdk17().javaHome!);
    withdrawOkHttp(build);
    if (okhttpMissing.length === 0) provideOkHttp(build);
    if (!noConscrypt) provideConscrypt(build);
    bare = await bareRun(build, true);
    run = await recordJavaRun(build, AGENT, {}, true);
  });

  afterAll(async () => {
    await closeAll();
  });

  it("hooks the SDK class a new BaseDexClassLoader defines, records its call from the plugin's frame, and changes nothing", () => {
    const printed = (lines: string[]): string[] => lines.filter((l) => l.startsWith("result ") || l.startsWith("phase ") || l === "done");
    expect(printed(run.target.lines)).toEqual(printed(bare));
    // Pending at init (the loader did not exist), hooked once it did: a second coverage message.
    for (const id of LATE_IDS) expect(run.initCoverage.find((r) => r[0] === id)?.[1], id).toBe("pending");
    for (const id of LATE_IDS) expect(run.coverage.find((r) => r.hook === id)?.status, id).toBe("hooked");
    const calls = readJsonl<CallEvent>(join(run.dir, TRACE_FILES.calls));
    const stacks = new Map(readJsonl<StackRecord>(join(run.dir, TRACE_FILES.stacks)).map((s) => [s.id, s]));
    const late = calls.filter((c) => c.hook === "location.TencentLocationManager.getLastKnownLocation");
    expect(late).toHaveLength(1);
    expect(late[0]).toMatchObject({ out: "returned", ret: "type:com.tencent.map.geolocation.TencentLocation" });
    expect(stacks.get(late[0]!.stack!)?.frames[0]).toMatchObject({ c: "com.example.app.plugin.LocationFeature", m: "get" });
  });

  it("hooks IdSupplier in each implementation: one loaded at start, the SDK's by name in the new loader, a vendor's found after InitSdk; each read once", () => {
    const entry = CATALOGUE.find((e) => e.id === "ids.IdSupplier.getOAID")!;
    const impl = `com\\.example\\.app\\.Calls\\$Impl\\$\\d+`;
    const reason = (rows: readonly { hook: string; reason?: string }[]): string | undefined => rows.find((r) => r.hook === entry.id)?.reason;
    // At init: the implementation the app had loaded; at the end, the two the plugin loader brought.
    expect(run.initCoverage.find((r) => r[0] === entry.id)).toEqual([entry.id, "hooked", expect.stringMatching(new RegExp(`^in 1 class implementing ${entry.className}: ${impl}$`))]);
    expect(reason(run.coverage)).toMatch(new RegExp(`^in 3 classes implementing ${entry.className}: ${impl}, com\\.bun\\.miitmdid\\.pojo\\.IdSupplierImpl, com\\.example\\.app\\.plugin\\.VendorSupplier$`));
    const results = new Map(run.target.results().map((r) => [String(r.call), r]));
    const atStart = build.calls.find((c) => c.entry === entry.id)!;
    const reads = [String(atStart.call), ...LATE_SUPPLIERS.map((n) => `plugin.oaid.${n}`)].map((call) => results.get(call));
    expect(reads.every((r) => r !== undefined && r.ret !== undefined)).toBe(true);
    const want = reads.map((r) => expectedCall(entry, r!, SALT).ret).sort();
    const calls = readJsonl<CallEvent>(join(run.dir, TRACE_FILES.calls));
    expect(calls.filter((c) => c.hook === entry.id).map((c) => c.ret).sort()).toEqual(want);
    expect(new Set(want).size).toBe(3);
  });

  it("records each cleartext HttpURLConnection request: the MD5 of the Android ID in a URL and the ID in a gzipped, encrypted body, each tied to its read; nothing in the map tile", () => {
    const results = new Map(run.target.results().map((r) => [String(r.call), r]));
    const ok = { cls: "java.lang.Integer", s: "204" };
    expect(["egress.sdk_md5", "egress.sdk_sealed", "egress.map_tile"].map((c) => results.get(c)?.ret)).toEqual([ok, ok, ok]);
    const calls = readJsonl<CallEvent>(join(run.dir, TRACE_FILES.calls));
    const read = calls.find((c) => c.hook === "settings.Secure.getString.android_id")!;
    // HttpURLConnection's sends: those before the SDK's own OkHttp (the next test) sends.
    const okhttpAt = calls.find((c) => c.hook === "net.CallServerInterceptor.intercept")?.seq ?? Infinity;
    // The harness's in-process servers answer through NIO, natively: their writes are the next test's.
    const sends = calls.filter((c) => c.cat === "network_egress" && !c.hook.startsWith("native.") && c.seq < okhttpAt && !isLargeUpload(c));
    expect(new Set(sends.map((c) => c.hook))).toEqual(new Set(["net.SocketOutputStream.socketWrite"]));
    // A request is one write of its head; the posted body may follow in a write of its own.
    const heads = sends.filter((c) => c.net?.method !== undefined);
    expect(heads.map((c) => c.net!.method)).toEqual(["GET", "POST", "GET"]);
    expect(sends.length - heads.length).toBeLessThanOrEqual(1);
    // The sealed body's ID was seen when the SDK gzipped it, then linked to the thread's next send.
    expect(heads[1]!.net!.matches).toEqual([{ kind: "android_id", enc: "plain", where: "pre-encryption", readSeq: read.seq, conf: 0.6 }]);
    expect(sends.filter((c) => c !== heads[1] && c.net?.matches?.some((m) => m.where === "pre-encryption"))).toEqual([]);
    const [sdk, tile] = [heads[0]!.net!, heads[2]!.net!];
    expect(sdk).toMatchObject({ layer: "socket", host: "127.0.0.1", tls: false, method: "GET", matches: [{ kind: "android_id", enc: "md5-lower", where: "url", readSeq: read.seq, conf: 1 }] });
    expect(tile).toMatchObject({ layer: "socket", host: "127.0.0.1", tls: false, method: "GET" });
    expect(tile!.matches).toBeUndefined();
    expect(sdk!.port).toBe(tile!.port);
    expect(sdk!.bytes).toBeGreaterThan(0);
    // The request's stack starts in the harness's sender, under the JDK's HTTP client.
    const stacks = new Map(readJsonl<StackRecord>(join(run.dir, TRACE_FILES.stacks)).map((x) => [x.id, x]));
    expect(stacks.get(heads[0]!.stack!)?.frames.some((f) => f.c === "com.example.app.Egress")).toBe(true);
    expect(readFileSync(join(run.dir, TRACE_FILES.calls), "utf8")).not.toContain("9774d56d682e549c");
  });

  it("records the in-process servers' answers (NIO writes, no Java hook) as native sends, and no request a Java hook recorded a second time natively", () => {
    const calls = readJsonl<CallEvent>(join(run.dir, TRACE_FILES.calls));
    const native = calls.filter((c) => c.cat === "network_egress" && c.hook.startsWith("native."));
    const java = calls.filter((c) => c.cat === "network_egress" && !c.hook.startsWith("native."));
    expect(native.length).toBeGreaterThan(0);
    // A server writes to its client's port; a request goes to the server's. None of the ports the
    // Java hooks sent to is a native send's: the JDK's socketWrite (send() inside) is the Java call's.
    const servers = new Set(java.map((c) => c.net?.port));
    expect(native.filter((c) => servers.has(c.net?.port))).toEqual([]);
    for (const c of native) expect(c.net).toMatchObject({ layer: "socket", host: "127.0.0.1" });
  });

  it("reads a 256 KiB upload in one socket write once: the MD5 ~1 KiB in found, the SHA-256 past the 64 KiB scan bound not, what lies beyond counted as cut; nothing before the write's offset", () => {
    const results = new Map(run.target.results().map((r) => [String(r.call), r]));
    expect(results.get("egress.large_body")?.ret).toEqual({ cls: "java.lang.String", s: "HTTP/1.1 204 No Content" });
    const calls = readJsonl<CallEvent>(join(run.dir, TRACE_FILES.calls));
    const read = calls.find((c) => c.hook === "settings.Secure.getString.android_id")!;
    const large = calls.filter(isLargeUpload);
    expect(large.map((c) => c.hook)).toEqual(["net.SocketOutputStream.socketWrite"]);
    const bytes = LARGE_HEAD.length + LARGE_BODY;
    expect(large[0]!.net).toEqual({ layer: "socket", host: "127.0.0.1", port: expect.any(Number), tls: false, bytes, method: "POST", cut: bytes - SCAN_BOUND, matches: [{ kind: "android_id", enc: "md5-lower", where: "body", readSeq: read.seq, conf: 1 }] });
    // The request starts 4 KiB into its array: the request line was parsed there (method POST),
    // and the SHA-1 of the ID in the bytes before it is not the send's (no sha1 match).
    // The one write is one record: nothing else went to that server.
    expect(calls.filter((c) => c.net?.port === large[0]!.net!.port)).toHaveLength(1);
  });

  it.skipIf(okhttpMissing.length > 0 && !process.env.CI)("records real OkHttp's request at its request path (URL, method, headers) and on the socket: the base64 Android ID in a header, tied to its read", () => {
    expect(okhttpMissing, `run ${OKHTTP_FETCH}`).toEqual([]);
    expect(run.target.results().find((r) => r.call === "egress.okhttp_header")?.ret).toEqual({ cls: "java.lang.Integer", s: "204" });
    const calls = readJsonl<CallEvent>(join(run.dir, TRACE_FILES.calls));
    const read = calls.find((c) => c.hook === "settings.Secure.getString.android_id")!;
    const okhttp = calls.filter((c) => c.hook === "net.CallServerInterceptor.intercept");
    expect(okhttp.map((c) => c.net)).toEqual([
      { layer: "okhttp", host: "127.0.0.1", port: expect.any(Number), tls: false, bytes: 0, method: "GET", matches: [{ kind: "android_id", enc: "base64", where: "header", readSeq: read.seq, conf: 1 }] },
    ]);
    // The same request on the wire, after OkHttp's own headers were added.
    const wire = calls.filter((c) => c.seq > okhttp[0]!.seq && c.hook === "net.SocketOutputStream.socketWrite");
    expect(wire[0]?.net).toMatchObject({ layer: "socket", host: "127.0.0.1", port: okhttp[0]!.net!.port, method: "GET", matches: [{ kind: "android_id", enc: "base64", where: "header", readSeq: read.seq, conf: 1 }] });
    const stacks = new Map(readJsonl<StackRecord>(join(run.dir, TRACE_FILES.stacks)).map((x) => [x.id, x]));
    expect(stacks.get(okhttp[0]!.stack!)?.frames.some((f) => f.c === "com.example.app.OkHttpEgress")).toBe(true);
  });

  it.skipIf(noConscrypt && !process.env.CI)("records a TLS write through an SDK's own Conscrypt once, in plaintext, with the SNI host and the MD5 of the Android ID in its body", () => {
    expect(noConscrypt, `run ${CONSCRYPT_FETCH}`).toBe(false);
    const result = run.target.results().find((r) => r.call === "egress.tls_md5");
    expect(result?.ret ?? result).toEqual({ cls: "java.lang.String", s: "HTTP/1.1 204" });
    const calls = readJsonl<CallEvent>(join(run.dir, TRACE_FILES.calls));
    const read = calls.find((c) => c.hook === "settings.Secure.getString.android_id")!;
    const tls = calls.filter((c) => c.net?.layer === "tls");
    expect(tls.map((c) => c.hook)).toHaveLength(1);
    expect(tls[0]!.hook).toMatch(/^net\.SSLOutputStream\.write\.(fd|engine)_bundled$/);
    expect(tls[0]!.net).toMatchObject({ host: "localhost", tls: true, method: "POST", matches: [{ kind: "android_id", enc: "md5-lower", where: "body", readSeq: read.seq, conf: 1 }] });
    // On OpenJDK, Conscrypt's default socket is the engine socket: the ciphertext of a write goes
    // out through the plain socket inside the TLS write (not recorded: one send, not two); its
    // handshake and closing alert go out outside any TLS write and are recorded at the socket
    // layer, as what they are: TLS records, no HTTP, nothing found.
    const port = tls[0]!.net!.port;
    const wire = calls.filter((c) => c.net?.layer === "socket" && c.net.port === port);
    expect(wire.length).toBeGreaterThan(0);
    for (const c of wire) expect(c.net).toEqual({ layer: "socket", host: "127.0.0.1", port, tls: false, bytes: c.net!.bytes });
    // No record the size of the write's own ciphertext (TLS 1.3: +22 bytes; 1.2 with AES-GCM: +29).
    const sealed = [22, 29].map((n) => tls[0]!.net!.bytes! + n);
    expect(wire.filter((c) => sealed.includes(c.net!.bytes!))).toEqual([]);
  });
});

import { appendFileSync, existsSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { prng } from "../../scripts/synthetic.js";
import { TraceBuilder, UMENG, GDT, APP } from "../support/trace-builder.js";

// The worker thread only exists in the build (npm test builds before running vitest), so the
// parallel path is tested through dist/, against the in-thread path of the same build.
const DIST = new URL("../../dist/reports/", import.meta.url).pathname;

async function load() {
  const { analyze } = (await import(join(DIST, "analyze.js"))) as typeof import("../../reports/analyze.js");
  const { openTrace } = (await import(join(DIST, "trace/reader.js"))) as typeof import("../../reports/trace/reader.js");
  const { resolvePolicy } = (await import(join(DIST, "policy/policy.js"))) as typeof import("../../reports/policy/policy.js");
  return { analyze, openTrace, resolvePolicy };
}

function busyTrace(): string {
  const r = prng(5);
  const b = new TraceBuilder().mark(0, "app_launch", { cold: true }).mark(0, "consent_shown");
  const froms = [UMENG, GDT, APP, ["com.acme.tracker.X.y"], ["com.example.app.数据.采集.run"]];
  // A first call whose line is longer than the evidence re-read's first buffer (64 KiB).
  b.call(0.5, "location.LocationManager.getLastKnownLocation", "location", { from: UMENG, perm: "android.permission.ACCESS_FINE_LOCATION", args: ["gps", "y".repeat(70_000)] });
  let t = 1;
  // Calls are numbered from 1 in the order added; sends name earlier Android ID reads, some by another party.
  let seq = 1;
  const idReads: number[] = [];
  for (let i = 0; i < 30_000; i++) {
    if (i % 400 === 399 && idReads.length > 0) {
      const read = idReads[(i * 7) % idReads.length]!;
      b.call(t, "net.SSLOutputStream.write", "network_egress", { from: froms[i % 5], net: { layer: "tls", host: i % 800 === 399 ? "mi.gdt.qq.com" : "alog.umeng.com", port: 443, tls: i % 1200 !== 399, bytes: 700, matches: [{ kind: "android_id", enc: "md5-lower", where: "body", conf: 1, readSeq: read }] } });
      seq++;
    }
    seq++;
    t += r() * 50;
    if (i === 100) b.mark(t, "consent_accepted");
    if (i === 5_000) b.mark(t, "scenario_start", { scenario: "map", needs: ["location"] });
    if (i === 9_000) b.mark(t, "background");
    if (i === 9_500) b.mark(t, "foreground");
    if (i === 12_000) b.mark(t, "permission_dialog_answered", { permissions: ["android.permission.ACCESS_FINE_LOCATION"], answer: "deny" });
    const k = i % 9;
    if (k === 0) b.call(t, "location.LocationManager.getLastKnownLocation", "location", { from: froms[i % 5], perm: "android.permission.ACCESS_FINE_LOCATION", args: ["gps"], ret: "31.2,121.4" });
    else if (k === 1) b.call(t, "apps.PackageManager.getPackageInfo", "installed_apps", { from: APP, args: [i % 2 ? "com.example.app" : "com.other.app"] });
    else if (k === 2) b.call(t, "permission.Activity.requestPermissions", "permission_request", { from: APP, req: ["android.permission.ACCESS_FINE_LOCATION", "android.permission.READ_CONTACTS"] });
    else if (k === 3) b.call(t, "telephony.TelephonyManager.getImei", "phone_identifiers", { from: froms[i % 5], out: "threw", exc: "java.lang.SecurityException" });
    else if (k === 4) b.call(t, "clipboard.ClipboardManager.getPrimaryClip", "clipboard", { from: froms[i % 5], ret: "剪贴板内容 “quoted” ✓", fg: i % 2 === 0 });
    else {
      b.call(t, "settings.Secure.getString.android_id", "device_identifiers", { from: froms[i % 5], args: ["android_id"], ret: i % 3 === 0 ? `id-${i}` : "hash:0123456789ab", own: i % 97 === 0 });
      idReads.push(seq);
    }
  }
  const dir = b.close();
  appendFileSync(join(dir, "calls.jsonl"), 'garbage\n{"seq":1e9,"t":1,"hook":"x","cat":"nope","out":"returned","pid":1,"tid":1}\n{"seq":99999999,"t":');
  return dir;
}

describe("parallel read", () => {
  it("gives exactly the analysis of the in-thread read: findings, evidence, skips, statistics", async () => {
    expect(existsSync(join(DIST, "trace/call-parser-worker.js")), "dist/ is built by `npm test` first").toBe(true);
    const { analyze, openTrace, resolvePolicy } = await load();
    const dir = busyTrace();
    const policy = resolvePolicy("strict");
    const serial = analyze(openTrace(dir), { policy, parallel: false, showValues: true });
    const parallel = analyze(openTrace(dir), { policy, parallel: true, showValues: true });
    expect(serial.findings.length).toBeGreaterThan(10);
    expect(serial.trace.skippedLines).toBe(3);
    expect(serial.trace.truncated).toBe(true);
    // Evidence read back by offset, including non-ASCII values.
    expect(JSON.stringify(parallel.findings)).toContain("剪贴板内容");
    expect(JSON.stringify(parallel.findings)).toContain(`"args":["gps","${"y".repeat(100)}`);
    // Sends too: the egress rules judge both reads alike (a rule reading a field one reader leaves out would differ here).
    expect(serial.findings.filter((f) => f.family === "egress").length).toBeGreaterThan(0);
    expect(JSON.stringify(parallel)).toBe(JSON.stringify(serial));
  });

  it("really runs in the worker, with the same events in the same order", async () => {
    const { openTrace } = await load();
    const { streamCalls } = (await import(join(DIST, "trace/call-stream.js"))) as typeof import("../../reports/trace/call-stream.js");
    const dir = busyTrace();
    const seqs = (parallel: boolean) => {
      const out: number[] = [];
      const owns: number[] = [];
      const stats = streamCalls(openTrace(dir), "com.example.app", (ev, own) => {
        out.push(ev.seq);
        if (own) owns.push(ev.seq);
      }, { parallel });
      return { out, owns, stats };
    };
    const a = seqs(true);
    const b = seqs(false);
    expect(a.stats.parallel).toBe(true);
    expect(b.stats.parallel).toBe(false);
    expect(a.out).toEqual(b.out);
    expect(a.owns).toEqual(b.owns);
    expect(a.owns.length).toBeGreaterThan(1000);
    expect({ ...a.stats, parallel: false, wasm: undefined }).toEqual(b.stats);
    expect(a.stats.wasm).toBe(true);
  });
  it("agrees across long stretches of bad lines, which the worker sends in batches too", async () => {
    const { analyze, openTrace, resolvePolicy } = await load();
    const b = new TraceBuilder().consented(0);
    for (let i = 0; i < 9000; i++) b.call(1 + i * 10, "settings.Secure.getString.android_id", "device_identifiers", { from: i % 2 ? UMENG : GDT });
    const dir = b.close();
    appendFileSync(join(dir, "calls.jsonl"), `${"x\n".repeat(30_000)}${'{"seq":99999,"t":1e6,"hook":"h.x","cat":"location","out":"returned","pid":1,"tid":1}'}\n`);
    const policy = resolvePolicy("strict");
    const serial = analyze(openTrace(dir), { policy, parallel: false });
    const parallel = analyze(openTrace(dir), { policy, parallel: true });
    expect(serial.trace.skippedLines).toBe(30_000);
    expect(serial.trace.calls).toBe(9001);
    expect(JSON.stringify(parallel)).toBe(JSON.stringify(serial));
  });
});

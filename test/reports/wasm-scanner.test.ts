import { appendFileSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { TraceBuilder, UMENG } from "../support/trace-builder.js";
import type { CallEvent } from "../../reports/trace/format.js";

// The WebAssembly scanner exists only in the build (npm test builds first): tested through dist/,
// against the worker's plain JSON.parse path and the in-thread reader of the same build.
const DIST = new URL("../../dist/reports/", import.meta.url).pathname;

async function load() {
  const { openTrace } = (await import(join(DIST, "trace/reader.js"))) as typeof import("../../reports/trace/reader.js");
  const { streamCalls } = (await import(join(DIST, "trace/call-stream.js"))) as typeof import("../../reports/trace/call-stream.js");
  return { openTrace, streamCalls };
}

const GOOD = '{"seq":1,"t":4.932,"hook":"telephony.TelephonyManager.getImei","cat":"phone_identifiers","perm":"android.permission.READ_PHONE_STATE","out":"returned","ret":"hash:5f2c9a1be07d","pid":4100,"tid":4129,"stack":1}';
const base = JSON.parse(GOOD) as Record<string, unknown>;
/** GOOD with fields replaced (undefined removes one), keys in GOOD's order then new ones. */
const line = (fields: Record<string, unknown>): string => {
  const o: Record<string, unknown> = { ...base, ...fields };
  for (const [k, v] of Object.entries(fields)) if (v === undefined) delete o[k];
  return JSON.stringify(o);
};
const raw = (s: string): string => GOOD.replace('"seq":1', s);

/** Lines around every edge of the fast shape: each must read exactly as JSON.parse reads it. */
const EDGES: string[] = [
  GOOD,
  `${GOOD}\r`,
  "",
  "\r",
  "   ",
  ` ${GOOD}`,
  `${GOOD} `,
  GOOD.replace(",", ", "),
  '{"t":1,"seq":7,"cat":"location","hook":"location.LocationManager.getLastKnownLocation","tid":2,"pid":1,"out":"threw","exc":"java.lang.SecurityException"}',
  line({ extra: 1 }),
  line({ __proto__: 5 }),
  GOOD.replace('"pid":4100', '"pid":4100,"pid":17'),
  GOOD.replace('"hook":"telephony.TelephonyManager.getImei"', '"hook":"a","hook":"telephony.TelephonyManager.getImei"'),
  raw('"seq":0'),
  raw('"seq":-0'),
  raw('"seq":1.5'),
  raw('"seq":1e3'),
  raw('"seq":1E-2'),
  raw('"seq":0.30000000000000004'),
  raw('"seq":123456789012345'),
  raw('"seq":1234567890123456'),
  raw('"seq":99999999999999999999'),
  raw('"seq":01'),
  raw('"seq":1.'),
  raw('"seq":.5'),
  raw('"seq":-'),
  raw('"seq":"1"'),
  raw('"seq":null'),
  line({ t: 0.1 }),
  line({ t: 123456.789012345 }),
  line({ t: 9007199254740993 }),
  line({ t: -17.25 }),
  GOOD.replace('"t":4.932', '"t":4.9320'),
  GOOD.replace('"t":4.932', '"t":1e400'),
  line({ pid: 2147483647, tid: -2147483648 }),
  line({ pid: 2147483648 }),
  line({ tid: -2147483649 }),
  line({ pid: 4100.7 }),
  GOOD.replace('"stack":1', '"stack":3.0'),
  line({ stack: 1.5 }),
  line({ stack: -1 }),
  GOOD.replace('"stack":1', '"stack":-0'),
  line({ stack: undefined }),
  line({ tid: undefined }),
  line({ hook: "" }),
  line({ hook: 'tele"phony' }),
  line({ hook: "tele\\phony" }),
  GOOD.replace("getImei", "get\\u0049mei"),
  line({ hook: "telephony.电话.getImei" }),
  line({ hook: "a\tb" }),
  GOOD.replace("getImei", "get\tImei"),
  GOOD.replace("getImei", "get\x7fImei"),
  line({ cat: "nope" }),
  line({ cat: "sensors" }),
  line({ out: "maybe" }),
  line({ out: "threw", exc: "java.lang.SecurityException" }),
  line({ perm: null }),
  line({ perm: undefined }),
  line({ exc: 5 }),
  line({ fg: true }),
  line({ fg: false }),
  line({ fg: null }),
  line({ own: true }),
  line({ own: false }),
  line({ own: "yes" }),
  line({ args: [] }),
  line({ args: ["a", "b,c", "]"] }),
  line({ args: [1] }),
  line({ args: "x" }),
  line({ args: ["a", "é"] }),
  line({ hook: "apps.PackageManager.getPackageInfo", cat: "installed_apps", args: ["com.example.app", "0"] }),
  line({ hook: "apps.PackageManager.getPackageInfo", cat: "installed_apps", args: ["com.other.app"] }),
  line({ hook: "apps.PackageManager.getPackageInfo", cat: "installed_apps" }),
  line({ hook: "apps.PackageManager.getApplicationInfo", cat: "installed_apps", args: ["com.example.ap"] }),
  line({ hook: "apps.PackageManager.getApplicationInfo", cat: "installed_apps", args: ["com.example.app2"] }),
  line({ hook: "apps.PackageManager.getInstallerPackageName", cat: "installed_apps", args: ["", "com.example.app"] }),
  line({ hook: "apps.PackageManager.getInstallerPackageName", cat: "installed_apps", args: ["com.example.app"], own: false }),
  line({ hook: "settings.Secure.getString", cat: "device_identifiers", args: ["com.example.app"] }),
  line({ hook: "permission.Activity.requestPermissions", cat: "permission_request", req: ["android.permission.CAMERA"] }),
  line({ req: [1] }),
  line({ ret: 5 }),
  line({ ret: "剪贴板 “x”" }),
  line({ ret: "" }),
  GOOD.replace('"ret":"hash:5f2c9a1be07d"', '"ret":"a\\"b"'),
  "{}",
  "[]",
  "null",
  '"str"',
  "}",
  '{"seq":1',
  GOOD.slice(0, -1),
  `${GOOD}}`,
  `${GOOD}x`,
  GOOD.replace("{", "{ "),
  GOOD.replace(":", " :"),
];

/** A trace whose calls.jsonl is exactly `body` (a stack 1 exists). */
function traceWith(body: Buffer | string): string {
  const dir = new TraceBuilder().consented().call(2, "telephony.TelephonyManager.getImei", "phone_identifiers", { from: UMENG }).close();
  writeFileSync(join(dir, "calls.jsonl"), body);
  return dir;
}

async function readAll(dir: string, mode: "wasm" | "worker" | "thread") {
  const { openTrace, streamCalls } = await load();
  const trace = openTrace(dir);
  const events: [CallEvent, boolean, number][] = [];
  const stats = streamCalls(trace, "com.example.app", (ev, own, offset) => void events.push([ev, own, offset]), mode === "thread" ? { parallel: false } : { parallel: true, wasm: mode === "wasm" });
  return { events, stats, skipped: { total: trace.skipped.total, samples: trace.skipped.samples, byProblem: [...trace.skipped.byProblem] } };
}

/** The three reads agree: the same events (every field; the in-thread one also has args/ret), owns, offsets, skips with line numbers. */
async function agree(dir: string) {
  const wasm = await readAll(dir, "wasm");
  const worker = await readAll(dir, "worker");
  const thread = await readAll(dir, "thread");
  expect(wasm.stats.wasm, "the scanner is built and loads").toBe(true);
  expect(worker.stats.wasm).toBe(false);
  expect(wasm.events).toEqual(worker.events);
  expect(wasm.skipped).toEqual(worker.skipped);
  expect(wasm.skipped).toEqual(thread.skipped);
  expect({ ...wasm.stats, parallel: false, wasm: undefined }).toEqual({ ...thread.stats, wasm: undefined });
  expect(wasm.events.map(([ev, own, offset]) => [ev.seq, ev.t, ev.hook, ev.cat, ev.perm, ev.out, ev.exc, ev.pid, ev.tid, ev.stack, ev.req, ev.fg, own, offset])).toEqual(
    thread.events.map(([ev, own, offset]) => [ev.seq, ev.t, ev.hook, ev.cat, ev.perm, ev.out, ev.exc, ev.pid, ev.tid, ev.stack, ev.req, ev.fg, own, offset]),
  );
  return wasm;
}

describe("WebAssembly line scanner", () => {
  it("is built", () => {
    expect(existsSync(join(DIST, "trace/wasm/line-scanner.wasm")), "npm run build makes it").toBe(true);
  });

  // Groups of at most 15 lines, each between good ones, so every skipped line is among the kept samples.
  for (let g = 0; g < EDGES.length; g += 15) {
    it(`reads lines ${g + 1}–${Math.min(g + 15, EDGES.length)} of the edge cases exactly as JSON.parse does`, async () => {
      const lines = EDGES.slice(g, g + 15).flatMap((l, i) => [l, line({ seq: 1000 + g + i, t: 5 + i })]);
      const r = await agree(traceWith(`${lines.join("\n")}\n`));
      // At least the good line after each edge case.
      expect(r.events.length).toBeGreaterThanOrEqual(lines.length / 2);
    });
  }

  it("checks numbers: the converted doubles are JSON.parse's, bit for bit", async () => {
    const nums = ["0.1", "0.7", "1.005", "2.675", "123456.789012345", "999999999999999", "0.000000000000001", "-4.35", "5e-324", "1.7976931348623157", "3.14159265358979"];
    const lines = nums.map((n, i) => GOOD.replace('"t":4.932', `"t":${n}`).replace('"seq":1', `"seq":${i}`));
    const r = await agree(traceWith(`${lines.join("\n")}\n`));
    expect(r.events.map(([ev]) => ev.t)).toEqual(nums.map(Number));
  });

  it("keeps byte offsets right after non-ASCII and invalid UTF-8, with a byte-order mark first", async () => {
    const body = Buffer.concat([
      Buffer.from("\ufeff" + GOOD + "\n"),
      Buffer.from(line({ seq: 2, ret: "位置 ✓" }) + "\n"),
      Buffer.from(line({ seq: 3 }).replace("getImei", "get"), "utf8"),
      Buffer.from([0xe4, 0xb8, 0x0a]),
      Buffer.from(line({ seq: 4, hook: "x\u00e9" }) + "\n"),
      Buffer.from([0xff, 0xfe, 0x0a]),
      Buffer.from(line({ seq: 5 }) + "\n"),
    ]);
    const dir = traceWith(body);
    const r = await agree(dir);
    const file = readFileSync(join(dir, "calls.jsonl"));
    // Each event's offset is where its line starts in the file.
    for (const [ev, , offset] of r.events) expect(JSON.parse(file.subarray(offset, file.indexOf(10, offset)).toString()).seq).toBe(ev.seq);
  });

  it("reads a last line with no newline, and reports a cut-off one", async () => {
    await agree(traceWith(`${GOOD}\n${line({ seq: 2 })}`));
    const r = await agree(traceWith(`${GOOD}\n${line({ seq: 2 }).slice(0, 40)}`));
    expect(r.stats.truncatedLast).toBe(true);
    await agree(traceWith(`${GOOD}\n  \n`));
    await agree(traceWith(`${GOOD}\n \t `));
  });

  it("reads lines longer than its buffer and lines across buffer edges", async () => {
    const huge = line({ seq: 2, args: ["x".repeat(9 << 20), "y"] });
    const lines: string[] = [GOOD, huge];
    for (let i = 0; i < 60_000; i++) lines.push(line({ seq: 3 + i, t: 10 + i, tid: i % 7 }));
    const r = await agree(traceWith(`${lines.join("\n")}\n`));
    expect(r.events.length).toBe(60_002);
  }, 60_000);

  it("skips a line of 64 MiB or more, in the middle or last, and reads on", async () => {
    const huge = line({ seq: 2, args: ["z".repeat(64 << 20)] });
    const r = await agree(traceWith(`${GOOD}\n${huge}\n${line({ seq: 3 })}\n`));
    expect(r.events.map(([ev]) => ev.seq)).toEqual([1, 3]);
    expect(r.skipped.samples).toEqual([{ file: "calls.jsonl", line: 2, problem: "line longer than 64 MiB" }]);
    // The last line, with no newline after it.
    const last = await agree(traceWith(`${GOOD}\n${line({ seq: 3 })}\n${huge}`));
    expect(last.skipped.samples).toEqual([{ file: "calls.jsonl", line: 3, problem: "line longer than 64 MiB" }]);
    // Just under the limit is read.
    const under = line({ seq: 2, args: ["z".repeat((64 << 20) - 1000)] });
    const ok = await agree(traceWith(`${GOOD}\n${under}\n${line({ seq: 3 })}\n`));
    expect(ok.events.map(([ev]) => ev.seq)).toEqual([1, 2, 3]);
  }, 120_000);

  it("grows its string table: thousands of distinct hooks keep their names", async () => {
    const lines: string[] = [];
    for (let i = 0; i < 20_000; i++) lines.push(line({ seq: i, hook: `custom.Hook${i}.read`, perm: i % 3 ? `p${i % 5}` : undefined }));
    const r = await agree(traceWith(`${lines.join("\n")}\n`));
    expect(new Set(r.events.map(([ev]) => ev.hook)).size).toBe(20_000);
    expect(r.events[19_999]![0].hook).toBe("custom.Hook19999.read");
  });

  it("keeps string look-ups short when hooks differ only in the middle (no quadratic slowdown)", async () => {
    const { loadScanner, scanCalls } = (await import(join(DIST, "trace/wasm-scanner.js"))) as typeof import("../../reports/trace/wasm-scanner.js");
    const { BatchWriter } = (await import(join(DIST, "trace/call-batch.js"))) as typeof import("../../reports/trace/call-batch.js");
    const n = 50_000;
    const lines: string[] = [];
    for (let i = 0; i < n; i++) lines.push(`{"seq":${i + 1},"t":${i},"hook":"com.sdk.${String(i).padStart(7, "0")}.Manager.get","cat":"location","out":"returned","pid":1,"tid":2}`);
    const dir = traceWith(`${lines.join("\n")}\n`);
    const w = loadScanner()!;
    const out = new BatchWriter();
    let rows = 0;
    scanCalls(w, join(dir, "calls.jsonl"), "com.example.app", out, () => void (rows += out.take().batch.n), () => expect.fail("no line is slow"), () => expect.fail("no line is long"));
    rows += out.take().batch.n;
    expect(rows).toBe(n);
    // Three interned strings per line (hook, cat, out); a good hash visits about one slot each.
    expect(w.probeCount() / (3 * n)).toBeLessThan(2);
  });

  it("agrees on a whole written trace (the writer's own output)", async () => {
    const b = new TraceBuilder().consented();
    for (let i = 0; i < 3000; i++) b.call(2 + i, i % 2 ? "settings.Secure.getString.android_id" : "apps.PackageManager.getPackageInfo", i % 2 ? "device_identifiers" : "installed_apps", { from: UMENG, args: [i % 4 ? "com.example.app" : "com.x"], fg: i % 3 === 0, ret: `v${i}` });
    const dir = b.close();
    appendFileSync(join(dir, "calls.jsonl"), "garbage\n");
    const r = await agree(dir);
    expect(r.events.filter(([, own]) => own).length).toBeGreaterThan(500);
  });
});

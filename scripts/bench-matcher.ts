/**
 * `npm run bench:matcher`: what the agent's identifier matcher (agent/engine/id-matcher.ts) costs
 * per KiB of payload and per request, with 1, 20 and 100 learned values, under V8's JIT and in a
 * child `node --jitless` (Frida's default runtime, QuickJS, is an interpreter; frida-gum
 * bindings/gumjs "qjs"). Payloads: JSON text, random bytes, and hex-heavy JSON (the worst case:
 * most patterns are hex, so most windows need a look at candidates). A request is a 200-byte URL,
 * 600 bytes of headers and a 2 KiB JSON body, each scanned as the hooks will (three scans).
 * With --frida, the same workload also runs inside real Frida's QuickJS, injected into a
 * `sleep` process (PyPI's frida in .venv-frida, as bench:frida; needs root), twice: with the
 * JavaScript scan loop and with the C one the agent uses there (agent/engine/id-scan-native.ts).
 * None of these is a device; the cost against the hooked write is bench:frida's.
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { positiveInt, scriptArgs } from "./args.js";
import { runInFridaSleep } from "./frida-sleep.js";
import { IdMatcher, type IdKind } from "../agent/engine/id-matcher.js";
import { packageRoot } from "../reports/version.js";

const { values: flags } = scriptArgs("npm run bench:matcher -- [--ms N] [--frida]", () =>
  parseArgs({ options: { ms: { type: "string", default: "300" }, child: { type: "boolean", default: false }, frida: { type: "boolean", default: false } } }),
);
const BUDGET_MS = positiveInt("--ms", flags.ms);
const COUNTS = [1, 20, 100] as const;

/** Deterministic pseudo-random numbers (xorshift32). */
function rng(seed: number): () => number {
  let x = seed;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
}

const r = rng(0x9e3779b9);
const hexOf = (n: number): string => Array.from({ length: n }, () => "0123456789abcdef"[Math.floor(r() * 16)]).join("");
const digits = (n: number): string => Array.from({ length: n }, () => String(Math.floor(r() * 10))).join("");

/** The i-th learned value: the kinds a process holds, in rotation. */
function value(i: number): [IdKind, string] {
  const makers: (() => [IdKind, string])[] = [
    () => ["android_id", hexOf(16)],
    () => ["imei", `35${digits(13)}`],
    () => ["mac", hexOf(12).match(/../g)!.join(":")],
    () => ["phone_number", `+86138${digits(8)}`],
    () => ["gaid", `${hexOf(8)}-${hexOf(4)}-${hexOf(4)}-${hexOf(4)}-${hexOf(12)}`],
    () => ["location", `${(20 + r() * 30).toFixed(7)},${(100 + r() * 20).toFixed(7)}`],
    () => ["serial", `R58M${hexOf(7).toUpperCase()}`],
    () => ["ssid", `"Office-${hexOf(4)}"`],
  ];
  return makers[i % makers.length]!();
}

function json(bytes: number, hexHeavy: boolean): Buffer {
  const parts: string[] = [];
  let n = 0;
  for (let i = 0; n < bytes; i++) {
    const field = hexHeavy ? `"k${i}":"${hexOf(32)}"` : `"event_${i}":{"ts":${1733500000000 + i},"name":"screen_view","page":"home/feed","lat":${(r() * 90).toFixed(2)}}`;
    parts.push(field);
    n += field.length + 1;
  }
  return Buffer.from(`{${parts.join(",")}}`).subarray(0, bytes);
}

const KIB64 = 64 * 1024;
const PAYLOADS = {
  json: json(KIB64, false),
  random: Buffer.from(Array.from({ length: KIB64 }, () => Math.floor(r() * 256))),
  hexJson: json(KIB64, true),
};
const URL = `https://log.sdk.example.com/v2/collect?app=com.example.app&ver=3.4.1&sdk=7.2.0&os=android&osv=14&model=Pixel%208&ts=1733500000000&sig=${hexOf(40)}`;
const HEADERS = `Content-Type: application/json\r\nUser-Agent: okhttp/4.12.0\r\nAccept-Encoding: gzip\r\nX-Request-Id: ${hexOf(32)}\r\nCookie: sid=${hexOf(48)}; lang=zh-CN\r\n`.repeat(3).slice(0, 600);
const BODY = json(2048, false);

/** Mean µs per call of `fn`, run for about BUDGET_MS after a warm-up. */
function time(fn: () => void): number {
  for (let i = 0; i < 20; i++) fn();
  let n = 0;
  const started = performance.now();
  let elapsed = 0;
  while (elapsed < BUDGET_MS) {
    for (let i = 0; i < 10; i++) fn();
    n += 10;
    elapsed = performance.now() - started;
  }
  return (elapsed * 1000) / n;
}

interface Row {
  readonly values: number;
  readonly patterns: number;
  readonly learnUsPerValue: number;
  readonly usPerKiB: Record<keyof typeof PAYLOADS, number>;
  readonly usPerRequest: number;
}

interface Measured {
  readonly runtime: string;
  readonly rows: readonly Row[];
  /** A loop that reads every byte once and sums: the floor of any scan that looks at each byte. */
  readonly touchUsPerKiB: number;
}

function touch(b: Uint8Array): number {
  let sum = 0;
  for (let i = 0; i < b.length; i++) sum = (sum + b[i]!) | 0;
  return sum;
}

/** The learned values of each row, drawn once so that every runtime learns the same ones. */
const SETS = COUNTS.map((n) => Array.from({ length: n }, (_, i) => value(i)));

function row(learned: readonly [IdKind, string][]): Row {
  const count = learned.length;
  const started = performance.now();
  const m = new IdMatcher();
  learned.forEach(([kind, v], i) => m.learn(kind, v, i));
  m.scan("", "body"); // builds the index, which learn() defers to the next scan
  const learnUsPerValue = ((performance.now() - started) * 1000) / count;
  const usPerKiB = {} as Record<keyof typeof PAYLOADS, number>;
  for (const [name, payload] of Object.entries(PAYLOADS) as [keyof typeof PAYLOADS, Buffer][]) {
    usPerKiB[name] = time(() => m.scan(payload, "body")) / (payload.length / 1024);
  }
  const usPerRequest = time(() => {
    m.scan(URL, "url");
    m.scan(HEADERS, "header");
    m.scan(BODY, "body");
  });
  return { values: count, patterns: m.stats().patterns, learnUsPerValue, usPerKiB, usPerRequest };
}

function measure(): Measured {
  return { runtime: process.execArgv.includes("--jitless") ? "node --jitless" : "node (V8 JIT)", rows: SETS.map(row), touchUsPerKiB: time(() => touch(PAYLOADS.json)) / 64 };
}

function measureJitless(): Measured {
  const child = spawnSync(process.execPath, ["--jitless", fileURLToPath(import.meta.url), "--ms", String(BUDGET_MS), "--child"], { encoding: "utf8" });
  if (child.status !== 0) throw new Error(`node --jitless child failed (${child.status}): ${child.stderr.trim()}`);
  return JSON.parse(child.stdout) as Measured;
}

function report(results: readonly Measured[]): void {
  const cols = ["values", "patterns", "learn µs/value", "µs/KiB json", "µs/KiB random", "µs/KiB hex-json", "µs/request"];
  process.stdout.write(`node ${process.version}; a request = ${URL.length} B URL + ${HEADERS.length} B headers + ${BODY.length} B JSON body (3 scans); payloads of 64 KiB for µs/KiB\n`);
  for (const res of results) {
    process.stdout.write(`\n${res.runtime}\n${cols.map((c) => c.padStart(16)).join("")}\n`);
    for (const x of res.rows) {
      const cells = [x.values, x.patterns, x.learnUsPerValue.toFixed(0), x.usPerKiB.json.toFixed(2), x.usPerKiB.random.toFixed(2), x.usPerKiB.hexJson.toFixed(2), x.usPerRequest.toFixed(1)];
      process.stdout.write(`${cells.map((c) => String(c).padStart(16)).join("")}\n`);
    }
    process.stdout.write(`  for scale: a loop reading each byte once costs ${res.touchUsPerKiB.toFixed(2)} µs/KiB here\n`);
  }
}

/** The workload inside Frida: the same rows, timed with Date.now() (QuickJS has no performance.now()). */
const FRIDA_ENTRY = `
import { IdMatcher } from "./id-matcher.js";
import { nativeScanEngine } from "./id-scan-native.js";
const unb64 = (s) => { const A = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"; const out = []; let acc = 0, bits = 0;
  for (const c of s) { if (c === "=") break; acc = (acc << 6) | A.indexOf(c); bits += 6; if (bits >= 8) { bits -= 8; out.push((acc >> bits) & 255); } } return new Uint8Array(out); };
const time = (fn, budget) => { for (let i = 0; i < 3; i++) fn(); let n = 0; const t0 = Date.now(); while (Date.now() - t0 < budget) { fn(); n++; } return ((Date.now() - t0) * 1000) / n; };
rpc.exports = { bench(spec, loop) {
  const engine = () => { if (loop !== "c") return null; const e = nativeScanEngine((err) => { throw err; }); if (!e) throw new Error("no C scan loop in this runtime"); return e; };
  const payloads = Object.fromEntries(Object.entries(spec.payloads).map(([k, v]) => [k, unb64(v)]));
  const body = unb64(spec.body);
  const rows = spec.sets.map((values) => {
    const t0 = Date.now(); const m = new IdMatcher(engine()); values.forEach(([k, v], i) => m.learn(k, v, i)); m.scan("", "body");
    const learnUsPerValue = ((Date.now() - t0) * 1000) / values.length;
    const usPerKiB = Object.fromEntries(Object.entries(payloads).map(([k, p]) => [k, time(() => m.scan(p, "body"), spec.budget) / (p.length / 1024)]));
    const usPerRequest = time(() => { m.scan(spec.url, "url"); m.scan(spec.headers, "header"); m.scan(body, "body"); }, spec.budget);
    return { values: values.length, patterns: m.stats().patterns, learnUsPerValue, usPerKiB, usPerRequest };
  });
  const json = payloads.json;
  const touchUsPerKiB = time(() => { let sum = 0; for (let i = 0; i < json.length; i++) sum = (sum + json[i]) | 0; return sum; }, spec.budget) / (json.length / 1024);
  return { runtime: "Frida " + Frida.version + " QuickJS, " + (loop === "c" ? "scan loop in C (CModule; what the agent runs)" : "scan loop in JavaScript"), rows, touchUsPerKiB };
} };
`;

/** The rows measured inside real Frida, or undefined with one line saying what is missing. */
async function measureFrida(): Promise<Measured[] | undefined> {
  const root = packageRoot();
  const python = process.env.PERMTRACE_FRIDA_PYTHON || join(root, ".venv-frida", "bin", "python");
  if (!existsSync(python)) return void process.stderr.write(`--frida skipped: no python with frida at ${python}; run \`npm run setup:frida\`\n`);
  if (process.getuid?.() !== 0) return void process.stderr.write("--frida skipped: not root (frida injects into a local process)\n");
  const payloads = Object.fromEntries(Object.entries(PAYLOADS).map(([k, v]) => [k, v.toString("base64")]));
  const spec = { budget: BUDGET_MS, sets: SETS, payloads, url: URL, headers: HEADERS, body: BODY.toString("base64") };
  try {
    return (await runInFridaSleep(python, join(root, "agent", "engine"), FRIDA_ENTRY, spec, [["bench", [spec, "js"]], ["bench", [spec, "c"]]])) as Measured[];
  } catch (err) {
    return void process.stderr.write(`--frida failed: ${(err as Error).message}\n`);
  }
}

if (flags.child) process.stdout.write(JSON.stringify(measure()));
else {
  const results = [measure(), measureJitless()];
  const frida = flags.frida ? await measureFrida() : undefined;
  report(frida ? [...results, ...frida] : results);
}

/**
 * `npm run bench:agent`: the agent's own cost per hooked call, in the Frida-runtime stand-in
 * (building the event, interning the stack, batching), and the bytes and messages it sends per
 * call, against a naive baseline that sends one message per call with the full stack as a string
 * (how common Frida privacy scripts work). Targets: ≥ 10× fewer bytes, ≥ 50× fewer messages,
 * < 5 µs of agent work per call.
 *
 * The measurement runs twice: here, with V8's JIT, and in a child `node --jitless`, because
 * Frida's default script runtime is QuickJS, an interpreter (frida-gum: bindings/gumjs, the
 * "qjs" runtime; V8 only when a script asks for it). Neither is a device: on ART the cost is
 * dominated by what the stand-in cannot model — the Java↔JS transition of every hooked call and
 * the stack walk behind `Java.backtrace()` — so the bench also counts stack look-ups per call.
 */
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { positiveInt, scriptArgs } from "./args.js";
import type { AgentMessage } from "../agent/protocol.js";
import { android, APP_STACK, UMENG_STACK } from "../test/support/android-fixture.js";
import { loadAgent } from "../runner/sandbox/runtime.js";

const { values } = scriptArgs("npm run bench:agent -- [--calls N]", () =>
  parseArgs({ options: { calls: { type: "string", default: "200000" }, child: { type: "boolean", default: false } } }),
);
const N = positiveInt("--calls", values.calls);
const TM = "android.telephony.TelephonyManager";
const STACKS = [APP_STACK, UMENG_STACK, [...UMENG_STACK.slice(0, 2), ...APP_STACK]];

/** What one runtime measured. */
interface Measured {
  readonly runtime: string;
  readonly perCallUs: number;
  readonly hookedMs: number;
  readonly bareMs: number;
  readonly messages: number;
  readonly bytes: number;
  /** `Java.backtrace()` calls, and backtraces whose `frames` were computed; null when the stand-in does not count them. */
  readonly backtraces: number | null;
  readonly framesRead: number | null;
}

interface JavaStats {
  readonly backtraces: number;
  readonly framesRead: number;
}

function run(hooked: boolean): { ms: number; messages: AgentMessage[]; stats: JavaStats | undefined } {
  const rt = loadAgent(android({ imeiDenied: false, clipboardText: "" }));
  if (hooked) rt.rpc.init({ appPackage: "com.example.app", salt: "bench", batchSize: 256, flushMs: 50 });
  // The stand-in's counters (runner/sandbox/java.ts, FakeJava.stats): counted from here on only.
  const stats = (rt.java as { stats?: JavaStats }).stats;
  const before = stats ? { ...stats } : undefined;
  const started = performance.now();
  for (let i = 0; i < N; i++) rt.call(TM, "getImei", [], [], STACKS[i % STACKS.length]!);
  if (hooked) rt.rpc.flush();
  const ms = performance.now() - started;
  const delta = stats && before ? { backtraces: stats.backtraces - before.backtraces, framesRead: stats.framesRead - before.framesRead } : undefined;
  return { ms, messages: rt.messages.filter((m) => m.type === "batch"), stats: delta };
}

function measure(): Measured {
  // Warm up both paths, then measure.
  run(false);
  run(true);
  const bare = run(false);
  const agent = run(true);
  return {
    runtime: process.execArgv.includes("--jitless") ? "node --jitless" : "node (V8 JIT)",
    perCallUs: ((agent.ms - bare.ms) * 1000) / N,
    hookedMs: agent.ms,
    bareMs: bare.ms,
    messages: agent.messages.length,
    bytes: agent.messages.reduce((n, m) => n + JSON.stringify(m).length, 0),
    backtraces: agent.stats?.backtraces ?? null,
    framesRead: agent.stats?.framesRead ?? null,
  };
}

/** The same measurement in a child `node --jitless`, as close as Node gets to QuickJS. */
function measureJitless(): Measured {
  const child = spawnSync(process.execPath, ["--jitless", fileURLToPath(import.meta.url), "--calls", String(N), "--child"], { encoding: "utf8" });
  if (child.status !== 0) throw new Error(`node --jitless child failed (${child.status}): ${child.stderr.trim()}`);
  return JSON.parse(child.stdout) as Measured;
}

/** The naive baseline: one send() per call carrying the hook, values and the whole stack as text. */
function naiveBytes(): number {
  let bytes = 0;
  for (let i = 0; i < N; i++) {
    const frames = [{ className: TM, methodName: "getImei" }, ...STACKS[i % STACKS.length]!];
    const message = {
      type: "call",
      api: "android.telephony.TelephonyManager.getImei",
      category: "phone_identifiers",
      time: Date.now(),
      thread: 1,
      args: [],
      ret: "356938035643809",
      stack: frames.map((f) => `\tat ${f.className}.${f.methodName}(Unknown Source)`).join("\n"),
    };
    bytes += JSON.stringify(message).length;
  }
  return bytes;
}

function report(results: readonly Measured[]): void {
  const line = (k: string, cells: string[]): void => void process.stdout.write(`${k.padEnd(30)}${cells.map((c) => c.padEnd(24)).join("")}\n`);
  const per = (v: number | null, digits: number): string => (v === null ? "not counted" : (v / N).toFixed(digits));
  process.stdout.write(`node ${process.version}, ${N} hooked calls in the stand-in (not a device: see README, Performance)\n`);
  line("", results.map((r) => r.runtime));
  line("agent work per call", results.map((r) => `${r.perCallUs.toFixed(2)} µs`));
  line("  hooked − unhooked loop", results.map((r) => `${r.hookedMs.toFixed(0)} − ${r.bareMs.toFixed(0)} ms`));
  line("messages per call", results.map((r) => `${per(r.messages, 4)} (${r.messages})`));
  line("bytes per call", results.map((r) => per(r.bytes, 1)));
  line("Java.backtrace() per call", results.map((r) => `${per(r.backtraces, 3)} (${r.backtraces ?? "—"})`));
  line("  frames computed per call", results.map((r) => `${per(r.framesRead, 5)} (${r.framesRead ?? "—"})`));
}

if (values.child) {
  process.stdout.write(JSON.stringify(measure()));
} else {
  const jit = measure();
  const jitless = measureJitless();
  report([jit, jitless]);
  const naive = naiveBytes();
  process.stdout.write(`naive baseline: 1 message and ${(naive / N).toFixed(1)} bytes per call, the stack as text every time\n`);
  const checks: [string, boolean][] = [
    [`≥ 10× fewer bytes (${(naive / jit.bytes).toFixed(1)}×)`, naive / jit.bytes >= 10],
    [`≥ 50× fewer messages (${(N / jit.messages).toFixed(0)}×)`, N / jit.messages >= 50],
    [`< 5 µs of agent work per call with the JIT (${jit.perCallUs.toFixed(2)} µs; ${jitless.perCallUs.toFixed(2)} µs jitless, no target)`, jit.perCallUs < 5],
  ];
  for (const [what, ok] of checks) process.stdout.write(`${ok ? "met   " : "MISSED"}  ${what}\n`);
}

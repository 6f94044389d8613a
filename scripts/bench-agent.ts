/**
 * `npm run bench:agent`: the agent's own cost per hooked call, in the Frida-runtime stand-in
 * (building the event, interning the stack, batching), and the bytes and messages it sends per
 * call, against a naive baseline that sends one message per call with the full stack as a string
 * (how common Frida privacy scripts work). Targets: ≥ 10× fewer bytes, ≥ 50× fewer messages,
 * < 5 µs of agent work per call.
 */
import { parseArgs } from "node:util";
import { positiveInt, scriptArgs } from "./args.js";
import type { AgentMessage } from "../agent/protocol.js";
import { android, APP_STACK, UMENG_STACK } from "../test/support/android-fixture.js";
import { loadAgent } from "../runner/sandbox/runtime.js";

const { values } = scriptArgs("npm run bench:agent -- [--calls N]", () => parseArgs({ options: { calls: { type: "string", default: "200000" } } }));
const N = positiveInt("--calls", values.calls);
const TM = "android.telephony.TelephonyManager";
const STACKS = [APP_STACK, UMENG_STACK, [...UMENG_STACK.slice(0, 2), ...APP_STACK]];

function run(hooked: boolean): { ms: number; messages: AgentMessage[] } {
  const rt = loadAgent(android({ imeiDenied: false, clipboardText: "" }));
  if (hooked) rt.rpc.init({ appPackage: "com.example.app", salt: "bench", batchSize: 256, flushMs: 50 });
  const started = performance.now();
  for (let i = 0; i < N; i++) rt.call(TM, "getImei", [], [], STACKS[i % STACKS.length]!);
  if (hooked) rt.rpc.flush();
  return { ms: performance.now() - started, messages: rt.messages.filter((m) => m.type === "batch") };
}

// Warm up both paths, then measure.
run(false);
run(true);
const bare = run(false);
const agent = run(true);
const perCallUs = ((agent.ms - bare.ms) * 1000) / N;
const agentBytes = agent.messages.reduce((n, m) => n + JSON.stringify(m).length, 0);

// The naive baseline: one send() per call carrying the hook, values and the whole stack as text.
let naiveBytes = 0;
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
  naiveBytes += JSON.stringify(message).length;
}
const naiveMessages = N;

const line = (k: string, v: string): void => void process.stdout.write(`${k.padEnd(34)}${v}\n`);
process.stdout.write(`node ${process.version}, ${N} hooked calls in the stand-in\n`);
line("agent work per call", `${perCallUs.toFixed(2)} µs (hooked ${agent.ms.toFixed(0)} ms − unhooked ${bare.ms.toFixed(0)} ms)`);
line("agent messages", `${agent.messages.length} (${(agent.messages.length / N).toFixed(4)} per call)`);
line("agent bytes", `${agentBytes} (${(agentBytes / N).toFixed(1)} per call)`);
line("naive baseline messages", `${naiveMessages} (1 per call)`);
line("naive baseline bytes", `${naiveBytes} (${(naiveBytes / N).toFixed(1)} per call)`);
const checks: [string, boolean][] = [
  [`≥ 10× fewer bytes (${(naiveBytes / agentBytes).toFixed(1)}×)`, naiveBytes / agentBytes >= 10],
  [`≥ 50× fewer messages (${(naiveMessages / agent.messages.length).toFixed(0)}×)`, naiveMessages / agent.messages.length >= 50],
  [`< 5 µs of agent work per call (${perCallUs.toFixed(2)} µs)`, perCallUs < 5],
];
for (const [what, ok] of checks) process.stdout.write(`${ok ? "met   " : "MISSED"}  ${what}\n`);

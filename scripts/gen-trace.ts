/** `npm run gen:trace -- --events 1000000 --out /tmp/trace-1m [--seed 1] [--rate 200] [--egress 0.02]` */
import { parseArgs } from "node:util";
import { scriptArgs } from "./args.js";
import { PermtraceError } from "../reports/errors.js";
import { termText } from "../reports/render/escape.js";
import { checkOutDir } from "../runner/out-dir.js";
import { DEFAULT_EGRESS, egressShare, generateTrace } from "./synthetic.js";

// 10x the largest trace bench:report measures, about 20 GB of JSONL (200 bytes a call): a typo
// (1e15 wrote 4.6 GB in a minute) must not fill the disk before anyone notices.
const MAX_EVENTS = 100_000_000;

const USAGE = "npm run gen:trace -- --events <n> --out <dir> [--seed <n>] [--rate <calls/s>] [--egress <share of calls that send, 0 for none>]";
const { values } = scriptArgs(USAGE, () =>
  parseArgs({
    options: { events: { type: "string", default: "100000" }, out: { type: "string" }, seed: { type: "string", default: "1" }, rate: { type: "string", default: "200" }, egress: { type: "string", default: String(DEFAULT_EGRESS) } },
  }),
);
const fail = (problem: string): never => {
  process.stderr.write(`${problem}\nusage: ${USAGE}\n`);
  process.exit(2);
};
if (!values.out) fail("--out is required");
if (!/^\d+$/.test(values.events)) fail("--events must be a whole number");
if (Number(values.events) > MAX_EVENTS) fail(`--events must be at most ${MAX_EVENTS}, not ${values.events}`);
if (!/^\d+$/.test(values.seed) || Number(values.seed) > 0xffffffff) fail("--seed must be a whole number below 2^32");
const events = Number(values.events);
const seed = Number(values.seed);
const rate = Number(values.rate);
// Times are 1000 / rate apart: outside this range they round to nothing or overflow.
if (!(rate >= 0.001 && rate <= 1e6)) fail("--rate must be a number of calls per second from 0.001 to 1000000");
const egress = egressShare("--egress", values.egress);
if (typeof egress === "string") fail(egress);
const started = performance.now();
let r: ReturnType<typeof generateTrace>;
try {
  checkOutDir(values.out!);
  r = generateTrace({ dir: values.out!, events, seed, rate, egress: egress as number });
} catch (err) {
  const sys = err as NodeJS.ErrnoException;
  // A refused --out (a file, /proc, no permission) is one line, like the CLI's, never a stack.
  if (err instanceof PermtraceError) process.stderr.write(`gen:trace: ${termText(err.toLine(), 2000)}\n`);
  else if (typeof sys?.code === "string" && sys.syscall) process.stderr.write(`gen:trace: ${termText(sys.path ?? values.out, 2000)}: ${sys.code} (${sys.syscall}) — choose another --out\n`);
  else throw err;
  process.exit(3);
}
const s = (performance.now() - started) / 1000;
process.stdout.write(`wrote ${r.events} calls (${r.sends} of them sends) and ${r.markers} markers (${(r.durationMs / 60000).toFixed(1)} min of trace time) to ${values.out} in ${s.toFixed(1)} s\n`);

/** `npm run gen:trace -- --events 1000000 --out /tmp/trace-1m [--seed 1] [--rate 200]` */
import { parseArgs } from "node:util";
import { scriptArgs } from "./args.js";
import { PermtraceError } from "../reports/errors.js";
import { generateTrace } from "./synthetic.js";

const USAGE = "npm run gen:trace -- --events <n> --out <dir> [--seed <n>] [--rate <calls/s>]";
const { values } = scriptArgs(USAGE, () =>
  parseArgs({
    options: { events: { type: "string", default: "100000" }, out: { type: "string" }, seed: { type: "string", default: "1" }, rate: { type: "string", default: "200" } },
  }),
);
const fail = (problem: string): never => {
  process.stderr.write(`${problem}\nusage: ${USAGE}\n`);
  process.exit(2);
};
if (!values.out) fail("--out is required");
if (!/^\d+$/.test(values.events)) fail("--events must be a whole number");
if (!/^\d+$/.test(values.seed) || Number(values.seed) > 0xffffffff) fail("--seed must be a whole number below 2^32");
const events = Number(values.events);
const seed = Number(values.seed);
const rate = Number(values.rate);
// Times are 1000 / rate apart: outside this range they round to nothing or overflow.
if (!(rate >= 0.001 && rate <= 1e6)) fail("--rate must be a number of calls per second from 0.001 to 1000000");
const started = performance.now();
let r: ReturnType<typeof generateTrace>;
try {
  r = generateTrace({ dir: values.out!, events, seed, rate });
} catch (err) {
  if (!(err instanceof PermtraceError)) throw err;
  process.stderr.write(`gen:trace: ${err.toLine()}\n`);
  process.exit(3);
}
const s = (performance.now() - started) / 1000;
process.stdout.write(`wrote ${r.events} calls and ${r.markers} markers (${(r.durationMs / 60000).toFixed(1)} min of trace time) to ${values.out} in ${s.toFixed(1)} s\n`);

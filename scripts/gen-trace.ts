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
const events = Number(values.events);
if (!values.out || !Number.isInteger(events) || events < 0) {
  process.stderr.write(`${values.out ? "--events must be a whole number" : "--out is required"}\nusage: ${USAGE}\n`);
  process.exit(2);
}
const rate = Number(values.rate);
const seed = Number(values.seed);
if (!(rate > 0) || !Number.isFinite(rate) || !Number.isInteger(seed)) {
  process.stderr.write(`${!Number.isInteger(seed) ? "--seed must be a whole number" : "--rate must be a positive number of calls per second"}\nusage: ${USAGE}\n`);
  process.exit(2);
}
const started = performance.now();
let r: ReturnType<typeof generateTrace>;
try {
  r = generateTrace({ dir: values.out, events, seed, rate });
} catch (err) {
  if (!(err instanceof PermtraceError)) throw err;
  process.stderr.write(`gen:trace: ${err.toLine()}\n`);
  process.exit(3);
}
const s = (performance.now() - started) / 1000;
process.stdout.write(`wrote ${r.events} calls and ${r.markers} markers (${(r.durationMs / 60000).toFixed(1)} min of trace time) to ${values.out} in ${s.toFixed(1)} s\n`);

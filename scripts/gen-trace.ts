/** `npm run gen:trace -- --events 1000000 --out /tmp/trace-1m [--seed 1] [--rate 200]` */
import { parseArgs } from "node:util";
import { PermtraceError } from "../reports/errors.js";
import { generateTrace } from "./synthetic.js";

const { values } = parseArgs({
  options: { events: { type: "string", default: "100000" }, out: { type: "string" }, seed: { type: "string", default: "1" }, rate: { type: "string", default: "200" } },
});
const events = Number(values.events);
if (!values.out || !Number.isInteger(events) || events < 0) {
  process.stderr.write("usage: npm run gen:trace -- --events <n> --out <dir> [--seed <n>] [--rate <calls/s>]\n");
  process.exit(2);
}
const started = performance.now();
let r: ReturnType<typeof generateTrace>;
try {
  r = generateTrace({ dir: values.out, events, seed: Number(values.seed), rate: Number(values.rate) });
} catch (err) {
  if (!(err instanceof PermtraceError)) throw err;
  process.stderr.write(`gen:trace: ${err.toLine()}\n`);
  process.exit(3);
}
const s = (performance.now() - started) / 1000;
process.stdout.write(`wrote ${r.events} calls and ${r.markers} markers (${(r.durationMs / 60000).toFixed(1)} min of trace time) to ${values.out} in ${s.toFixed(1)} s\n`);

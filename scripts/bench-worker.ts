/**
 * One measurement in its own process, so peak memory is this mode's alone:
 *   node dist/scripts/bench-worker.js bare|report <trace-dir>
 * Prints one JSON line: { mode, events, ms, maxRssMb }.
 */
import { join } from "node:path";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { forEachLine } from "../reports/trace/lines.js";
import { runReport } from "../runner/commands/report.js";

const [mode, dir] = process.argv.slice(2);
if (!dir || (mode !== "bare" && mode !== "report")) {
  process.stderr.write("usage: bench-worker bare|report <trace-dir>\n");
  process.exit(2);
}
const started = performance.now();
let events = 0;
if (mode === "bare") {
  // The baseline: the same chunked line reader and JSON.parse, nothing else.
  let sink = 0;
  forEachLine(join(dir, "calls.jsonl"), (line) => {
    const v = JSON.parse(line) as { seq: number };
    sink += v.seq;
    events++;
  });
  if (sink < 0) process.stdout.write("");
} else {
  // The whole `permtrace report`: policy, trace, analysis, JSON and Markdown written to disk.
  const out = mkdtempSync(join(tmpdir(), "permtrace-bench-report-"));
  const r = await runReport({ trace: dir, out, formats: ["json", "md"] });
  events = r.analysis.trace.calls;
  rmSync(out, { recursive: true, force: true });
}
const ms = performance.now() - started;
process.stdout.write(`${JSON.stringify({ mode, events, ms: Math.round(ms), maxRssMb: Math.round(process.resourceUsage().maxRSS / 1024) })}\n`);

/**
 * `npm run bench:demo [-- --runs 3]`: the wall time of `permtrace demo` (the sample app's seven
 * scenarios on the sandbox phone, a real in-process Appium server, the reports) and the process's
 * peak RSS. Target: under a minute on a 2-core machine.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { positiveInt, scriptArgs } from "./args.js";
import { runDemo } from "../runner/commands/demo.js";
import { createLogger } from "../runner/logger.js";

createLogger("silent", false);
const { values } = scriptArgs("npm run bench:demo -- [--runs N]", () => parseArgs({ options: { runs: { type: "string", default: "3" } } }));
const runs = positiveInt("--runs", values.runs);

console.log(`permtrace demo, ${runs} run(s), ${cpus().length} core(s), node ${process.version}`);
const times: number[] = [];
for (let i = 0; i < runs; i++) {
  const dir = mkdtempSync(join(tmpdir(), "permtrace-bench-demo-"));
  const started = performance.now();
  const r = await runDemo({ out: join(dir, "demo") });
  const ms = performance.now() - started;
  times.push(ms);
  const simulated = r.report.analysis.trace.duration / 1000;
  console.log(`run ${i + 1}: ${(ms / 1000).toFixed(2)} s wall for ${simulated.toFixed(0)} s of simulated phone time, ${r.scenarios.length} scenarios, ${r.report.analysis.trace.calls} calls, ${r.report.analysis.summary.findings} findings`);
  rmSync(dir, { recursive: true, force: true });
}
const worst = Math.max(...times);
console.log(`worst ${(worst / 1000).toFixed(2)} s (target < 60 s: ${worst < 60_000 ? "met" : "MISSED"}); peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`);

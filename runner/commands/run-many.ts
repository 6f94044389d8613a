import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Analysis } from "../../reports/analyze.js";
import { UsageError } from "../../reports/errors.js";
import { resolvePolicy } from "../../reports/policy/policy.js";
import { renderMarkdown } from "../../reports/render/markdown.js";
import { loadSuite } from "../scenario/load.js";
import { runRun, type Progress, type RunOptions, type RunResult } from "./run.js";

export interface ManyOptions extends Omit<RunOptions, "device" | "out" | "only" | "progress"> {
  readonly devices: readonly string[];
  readonly out: string;
  readonly progress?: (device: string) => Progress;
}

export interface ManyResult {
  readonly runs: readonly { readonly device: string; readonly result?: RunResult; readonly error?: string }[];
  readonly files: readonly string[];
}

/** A directory name for a device id (`emulator-5554`, `10.0.0.2:27042`). */
export function deviceDir(id: string): string {
  return id.replace(/[^\w.-]+/g, "_");
}

/** Round-robin: scenario i goes to device i mod n, so each device gets a similar share in suite order. */
export function shard<T>(items: readonly T[], n: number): T[][] {
  const out: T[][] = Array.from({ length: n }, () => []);
  items.forEach((item, i) => out[i % n]!.push(item));
  return out;
}

/**
 * Several devices: the suite's scenarios sharded across them and run in parallel, one trace per
 * device (`<out>/<device>/`), then one merged report (`<out>/report/`). A device that fails does
 * not stop the others; its error is in the result and the merged report.
 */
export async function runMany(o: ManyOptions): Promise<ManyResult> {
  if (new Set(o.devices).size !== o.devices.length) throw new UsageError("the same device is given twice", { where: "--device", fix: "give each device once" });
  const suite = loadSuite(o.scenarios);
  // Everything the user can get wrong is checked once, before any device work.
  resolvePolicy(o.policy);
  if (suite.profile.app !== o.app) throw new UsageError(`--app ${o.app} is not the suite's app ${suite.profile.app}`, { where: "--app", fix: `pass --app ${suite.profile.app} or another suite` });
  const shares = shard(
    suite.scenarios.map((s) => s.name),
    o.devices.length,
  );
  const runs = await Promise.all(
    o.devices.map(async (device, i) => {
      if (shares[i]!.length === 0) return { device, error: "no scenario left for this device" };
      try {
        const { progress, devices: _devices, ...rest } = o;
        const result = await runRun({ ...rest, device, out: join(o.out, deviceDir(device)), only: shares[i]!, ...(progress ? { progress: progress(device) } : {}) });
        return { device, result };
      } catch (err) {
        return { device, error: (err as { toLine?: () => string }).toLine?.() ?? (err as Error)?.message ?? String(err) };
      }
    }),
  );
  const dir = join(o.out, "report");
  mkdirSync(dir, { recursive: true });
  const analyses = runs.filter((r) => r.result).map((r) => ({ device: r.device, analysis: r.result!.report.analysis }));
  const merged = {
    format: "permtrace-findings-merged",
    schemaVersion: 1,
    devices: runs.map((r) => ({
      device: r.device,
      ...(r.result ? { trace: r.result.trace, complete: r.result.report.analysis.trace.complete, scenarios: r.result.scenarios, summary: r.result.report.analysis.summary } : { error: r.error }),
    })),
    findings: analyses.flatMap(({ device, analysis }) => analysis.findings.map((f) => ({ device, ...f }))),
  };
  const files = [join(dir, "findings.json"), join(dir, "summary.md")];
  writeFileSync(files[0]!, `${JSON.stringify(merged, null, 2)}\n`);
  writeFileSync(files[1]!, mergedMarkdown(runs, analyses));
  return { runs, files };
}

function mergedMarkdown(runs: ManyResult["runs"], analyses: { device: string; analysis: Analysis }[]): string {
  const lines = ["# permtrace report: several devices", "", "| Device | Scenarios | Findings | Trace |", "|---|---|---|---|"];
  for (const r of runs) {
    if (!r.result) lines.push(`| ${r.device} | — | — | failed: ${r.error?.replace(/\|/g, "¦") ?? ""} |`);
    else lines.push(`| ${r.device} | ${r.result.scenarios.length} | ${r.result.report.analysis.summary.findings} | ${r.result.trace}${r.result.incomplete ? " (incomplete)" : ""} |`);
  }
  lines.push("");
  // Each device's own summary follows, its headings one level down.
  for (const { device, analysis } of analyses) lines.push(`## ${device}`, "", renderMarkdown(analysis).replace(/^#/gm, "##"), "");
  return `${lines.join("\n")}\n`;
}

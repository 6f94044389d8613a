import { existsSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { analyze, type Analysis } from "../../reports/analyze.js";
import { diffAnalyses, readFindings, renderDiffMarkdown, renderDiffText, type Diff } from "../../reports/diff.js";
import { UsageError } from "../../reports/errors.js";
import { termText } from "../../reports/render/escape.js";
import { chooseJudging, stampJudging } from "../../reports/judged.js";
import { severityRank, type Severity } from "../../reports/rules/types.js";
import { openTrace } from "../../reports/trace/reader.js";

export interface DiffOptions {
  readonly old: string;
  readonly new: string;
  /** For traces given as directories; absent: each trace's recorded policy, else strict. */
  readonly policy?: string;
  readonly format?: "text" | "json" | "md";
  readonly out?: string;
  readonly failOn?: Severity;
  /** With failOn: gate a comparison of two different apps anyway. */
  readonly force?: boolean;
}

/** A trace directory is judged as `permtrace report` judges it (recorded policy and profile unless --policy); a findings.json is read as it is. */
function load(path: string, policy: string | undefined): Analysis {
  if (existsSync(path) && statSync(path).isDirectory()) {
    if (!existsSync(join(path, "manifest.json")) && existsSync(join(path, "findings.json"))) return readFindings(join(path, "findings.json"));
    const trace = openTrace(path);
    const judging = chooseJudging(path, trace.manifest, policy !== undefined ? { policy } : {});
    return stampJudging(analyze(trace, { policy: judging.policy, ...(judging.profile ? { profile: judging.profile } : {}) }), judging);
  }
  return readFindings(path);
}

/** `permtrace diff <old> <new>`: the diff rendered, and how many introduced findings fail the gate. */
export function runDiff(o: DiffOptions): { diff: Diff; text: string; failing: number } {
  const format = o.format ?? "text";
  if (!["text", "json", "md"].includes(format)) throw new UsageError(`unknown format '${format}'`, { where: "--format", fix: "text, json or md" });
  const diff = diffAnalyses(load(o.old, o.policy), load(o.new, o.policy));
  // A regression gate over two apps' runs counts one app's findings as the other's "introduced".
  const apps = diff.differences.find((d) => d.what === "app");
  if (o.failOn && apps && o.force !== true) {
    throw new UsageError(`the two runs are of different apps (${termText(apps.old, 200)} and ${termText(apps.new, 200)}): a regression gate compares runs of one app`, { where: "--fail-on", fix: "compare two runs of the same app, or add --force to gate them anyway" });
  }
  const text = format === "json" ? `${JSON.stringify(diff, null, 2)}\n` : format === "md" ? renderDiffMarkdown(diff) : renderDiffText(diff);
  if (o.out) writeFileSync(o.out, text);
  const failing = o.failOn ? diff.introduced.filter((f) => severityRank(f.severity) >= severityRank(o.failOn!)).length : 0;
  return { diff, text, failing };
}

import { existsSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { analyze, type Analysis } from "../../reports/analyze.js";
import { diffAnalyses, readFindings, renderDiffMarkdown, renderDiffText, type Diff } from "../../reports/diff.js";
import { UsageError } from "../../reports/errors.js";
import { resolvePolicy } from "../../reports/policy/policy.js";
import { severityRank, type Severity } from "../../reports/rules/types.js";
import { openTrace } from "../../reports/trace/reader.js";

export interface DiffOptions {
  readonly old: string;
  readonly new: string;
  readonly policy?: string;
  readonly format?: "text" | "json" | "md";
  readonly out?: string;
  readonly failOn?: Severity;
}

/** A trace directory is analysed (with the policy); a findings.json is read as it is. */
function load(path: string, policy: string | undefined): Analysis {
  if (existsSync(path) && statSync(path).isDirectory()) {
    if (!existsSync(join(path, "manifest.json")) && existsSync(join(path, "findings.json"))) return readFindings(join(path, "findings.json"));
    return analyze(openTrace(path), { policy: resolvePolicy(policy) });
  }
  return readFindings(path);
}

/** `permtrace diff <old> <new>`: the diff rendered, and how many introduced findings fail the gate. */
export function runDiff(o: DiffOptions): { diff: Diff; text: string; failing: number } {
  const format = o.format ?? "text";
  if (!["text", "json", "md"].includes(format)) throw new UsageError(`unknown format '${format}'`, { where: "--format", fix: "text, json or md" });
  const diff = diffAnalyses(load(o.old, o.policy), load(o.new, o.policy));
  const text = format === "json" ? `${JSON.stringify(diff, null, 2)}\n` : format === "md" ? renderDiffMarkdown(diff) : renderDiffText(diff);
  if (o.out) writeFileSync(o.out, text);
  const failing = o.failOn ? diff.introduced.filter((f) => severityRank(f.severity) >= severityRank(o.failOn!)).length : 0;
  return { diff, text, failing };
}

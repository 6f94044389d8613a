import { closeSync, constants, existsSync, fstatSync, ftruncateSync, lstatSync, mkdirSync, openSync, writeSync } from "node:fs";
import { join, relative } from "node:path";
import { analyze, type Analysis } from "../../reports/analyze.js";
import { TraceError, UsageError } from "../../reports/errors.js";
import { termText } from "../../reports/render/escape.js";
import { chooseJudging, stampJudging } from "../../reports/judged.js";
import { renderJson } from "../../reports/render/json.js";
import { renderMarkdown } from "../../reports/render/markdown.js";
import { renderJunit } from "../../reports/render/junit.js";
import { renderFindingsCsv } from "../../reports/render/csv.js";
import { renderXlsx } from "../../reports/render/xlsx.js";
import { renderSarif } from "../../reports/render/sarif.js";
import { evidenceLine, lacksEvidence, verdictHeadline, verdictProblems } from "../../reports/render/verdict.js";
import { SEVERITIES, severityRank, type Severity } from "../../reports/rules/types.js";
import { prefetchCalls } from "../../reports/trace/call-stream.js";
import { openTrace } from "../../reports/trace/reader.js";
import { didYouMean } from "../../reports/yaml-input.js";
import { logger } from "../logger.js";

export const REPORT_FORMATS = ["json", "md", "junit", "csv", "xlsx", "html", "sarif", "har"] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

export interface ReportOptions {
  readonly trace: string;
  /** Absent: the policy the run recorded in the trace, else strict. */
  readonly policy?: string;
  /** Absent: the app profile the run recorded in the trace, else none. */
  readonly profile?: string;
  /** Judge with policy and profile (or their defaults) only, not what the run recorded. */
  readonly ignoreRecorded?: boolean;
  readonly out?: string;
  readonly formats?: readonly ReportFormat[];
  readonly failOn?: Severity;
  /** With failOn: a report without evidence or with a failed or missing scenario passes the gate. */
  readonly acceptIncomplete?: boolean;
  readonly showValues?: boolean;
}

export interface ReportResult {
  readonly analysis: Analysis;
  readonly files: readonly string[];
  /** Findings at or above --fail-on. */
  readonly failing: number;
  /** With --fail-on: the report has no evidence or a failed or missing scenario, and that was not accepted. */
  readonly unvouched: boolean;
}

const FILE_NAMES: Record<ReportFormat, string> = { json: "findings.json", md: "summary.md", junit: "junit.xml", csv: "findings.csv", xlsx: "findings.xlsx", html: "report.html", sarif: "findings.sarif", har: "requests.har" };

/** What a renderer may need besides the analysis: the HTML report inlines the trace's screenshots. */
interface RenderContext {
  readonly traceDir: string;
}

const RENDERERS: Record<ReportFormat, (a: Analysis, ctx: RenderContext) => string | Promise<string | Buffer>> = {
  json: renderJson,
  md: renderMarkdown,
  junit: renderJunit,
  csv: renderFindingsCsv,
  xlsx: renderXlsx,
  // Loaded when asked for: most reports have no HTML.
  html: async (a, ctx) => (await import("../../reports/render/html/index.js")).renderHtml(a, { traceDir: ctx.traceDir }),
  sarif: renderSarif,
  // The recorded sends, read again from the trace (the analysis keeps aggregates only).
  har: async (a, ctx) => (await import("../../reports/render/har.js")).renderHar(a, { traceDir: ctx.traceDir }),
};

/** Parses `--format json,md`. */
export function parseFormats(value: string): ReportFormat[] {
  const out: ReportFormat[] = [];
  for (const raw of value.split(",").map((s) => s.trim()).filter(Boolean)) {
    if (!(REPORT_FORMATS as readonly string[]).includes(raw)) {
      const guess = didYouMean(raw, REPORT_FORMATS);
      throw new UsageError(`unknown report format '${raw}'`, { where: "--format", fix: guess ? `did you mean '${guess}'?` : `formats: ${REPORT_FORMATS.join(", ")}` });
    }
    if (!out.includes(raw as ReportFormat)) out.push(raw as ReportFormat);
  }
  if (out.length === 0) throw new UsageError("no report format given", { where: "--format", fix: `use one or more of ${REPORT_FORMATS.join(", ")}` });
  return out;
}

/** `permtrace report <trace-dir>`: analyse a trace, write the findings, count what fails the gate. */
export async function runReport(opts: ReportOptions): Promise<ReportResult> {
  const log = logger("report");
  // A large trace's calls start being parsed in a worker thread now, while the inputs are checked.
  const prefetch = prefetchCalls(opts.trace);
  let analysis: Analysis;
  try {
    // Every input is checked before the (possibly large) calls are read: openTrace reads the
    // manifest, stacks and timeline only, and the manifest says what the run judged with.
    const trace = openTrace(opts.trace);
    const judging = chooseJudging(opts.trace, trace.manifest, { ...(opts.policy !== undefined ? { policy: opts.policy } : {}), ...(opts.profile !== undefined ? { profile: opts.profile } : {}), ignoreRecorded: opts.ignoreRecorded === true });
    const { policy, profile } = judging;
    const started = performance.now();
    analysis = stampJudging(analyze(trace, { policy, ...(profile ? { profile } : {}), showValues: opts.showValues === true, ...(prefetch ? { prefetch } : {}) }), judging);
    log.debug({ ms: Math.round(performance.now() - started), calls: analysis.trace.calls }, "analysed");
  } finally {
    prefetch?.cancel();
  }
  const outDir = opts.out ?? join(opts.trace, "report");
  // A trace can come from someone else: its report/ folder, or a file in it, may be a link to
  // a file of the user's (~/.bashrc). Reports are never written through a link.
  if (!opts.out && existsSync(outDir) && lstatSync(outDir).isSymbolicLink()) {
    throw new TraceError("the trace's report folder is a symbolic link: a report is never written through one", { where: outDir, fix: "remove the link, or pass --out <dir>" });
  }
  mkdirSync(outDir, { recursive: true });
  const files: string[] = [];
  for (const f of opts.formats ?? ["json", "md"]) {
    const path = join(outDir, FILE_NAMES[f]);
    writeNoFollow(path, await RENDERERS[f](analysis, { traceDir: opts.trace }));
    files.push(path);
  }
  const failing = opts.failOn ? analysis.findings.filter((x) => severityRank(x.severity) >= severityRank(opts.failOn!)).length : 0;
  const unvouched = opts.failOn !== undefined && opts.acceptIncomplete !== true && lacksEvidence(analysis);
  return { analysis, files, failing, unvouched };
}

/** Warnings listed on the terminal at most; every report file lists them all. */
const MAX_SHOWN_WARNINGS = 10;

/** The lines `permtrace report` prints on stdout. */
export function reportSummary(r: ReportResult, failOn?: Severity): string {
  const s = r.analysis.summary;
  const bySev = SEVERITIES.slice()
    .reverse()
    .filter((x) => s.bySeverity[x])
    .map((x) => `${s.bySeverity[x]} ${x}`)
    .join(", ");
  // The app's package name comes from the trace: nothing in it may act on the terminal.
  // What the trace vouches for comes first: 0 findings of an empty trace is not a pass.
  const lines = [verdictHeadline(r.analysis), ...verdictProblems(r.analysis).map((p) => `  ${termText(p, 1000)}`), `  ${termText(evidenceLine(r.analysis), 1000)}`];
  lines.push(`${s.findings} finding(s)${bySev ? ` (${bySev})` : ""} in ${r.analysis.trace.calls} call${r.analysis.trace.calls === 1 ? "" : "s"} of ${termText(r.analysis.trace.app, 200)}`);
  const flows = r.analysis.flows?.flows ?? [];
  if (flows.length > 0) {
    const sends = flows.reduce((n, f) => n + f.requests, 0);
    const carrying = flows.filter((f) => f.carriesIdentifiers).length;
    lines.push(`${sends} send(s) in ${flows.length} flow(s) (party → host), ${carrying} carrying identifiers: the reports' data-flow section`);
  }
  // The warnings (a profile for another app, a judging other than the run's…) on stdout with the
  // verdict, not in the log, which a log level or JSON logs hide. The verdict said the run was cut off.
  const warnings = r.analysis.warnings.filter((w) => r.analysis.trace.complete || !w.startsWith("the run did not finish cleanly"));
  for (const w of warnings.slice(0, MAX_SHOWN_WARNINGS)) lines.push(`warning: ${termText(w, 1000)}`);
  if (warnings.length > MAX_SHOWN_WARNINGS) lines.push(`… ${warnings.length - MAX_SHOWN_WARNINGS} more warning(s): see the report files`);
  for (const f of r.files) {
    const rel = relative(process.cwd(), f);
    lines.push(`  ${rel && !rel.startsWith("..") ? rel : f}`);
  }
  if (failOn) lines.push(r.failing > 0 ? `${r.failing} finding(s) at or above ${failOn}: failing` : `no finding at or above ${failOn}`);
  if (failOn && r.unvouched) lines.push(`the report is ${r.analysis.status}: failing (--accept-incomplete lets it pass)`);
  else if (failOn && lacksEvidence(r.analysis)) lines.push(`the report is ${r.analysis.status}: accepted (--accept-incomplete)`);
  return `${lines.join("\n")}\n`;
}

/** Writes a file, refusing to follow a symbolic link at its path (O_NOFOLLOW). */
function writeNoFollow(path: string, data: string | Buffer): void {
  let fd: number;
  try {
    // O_NONBLOCK: a FIFO planted at the path must not block the report forever.
    fd = openSync(path, constants.O_WRONLY | constants.O_CREAT | constants.O_NOFOLLOW | constants.O_NONBLOCK, 0o644);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "ELOOP") throw new TraceError("is a symbolic link: a report is never written through one", { where: path, fix: "remove the link, or pass --out <dir>" });
    if (code === "ENXIO") throw new TraceError("is a named pipe, not a file: a report is written to files only", { where: path, fix: "remove it, or pass --out <dir>" });
    throw err;
  }
  try {
    if (!fstatSync(fd).isFile()) throw new TraceError("is not a regular file: a report is written to files only", { where: path, fix: "remove it, or pass --out <dir>" });
    ftruncateSync(fd, 0);
    const buf = typeof data === "string" ? Buffer.from(data) : data;
    for (let at = 0; at < buf.length; ) at += writeSync(fd, buf, at, buf.length - at);
  } finally {
    closeSync(fd);
  }
}

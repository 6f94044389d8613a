import { createHash } from "node:crypto";
import type { Analysis } from "../../analyze.js";
import { renderChart } from "./chart.js";
import { esc, int } from "./escape.js";
import { evidenceSection } from "./findings.js";
import { flowsSection } from "./flows.js";
import { ScreenshotLoader, type ImageLimits } from "./screenshots.js";
import { SCRIPT } from "./script.js";
import { STYLE } from "./style.js";
import { categoriesTable, findingsTable, header, overview, partiesTable, rulesTable, scenariosTable, stacksTable } from "./tables.js";

export interface HtmlOptions {
  /** The trace directory, to inline the screenshots it holds; without it screenshots are named, not shown. */
  readonly traceDir?: string;
  readonly imageLimits?: ImageLimits;
}

/** A CSP source for an inline element's exact text. */
export function cspHash(text: string): string {
  return `'sha256-${createHash("sha256").update(text, "utf8").digest("base64")}'`;
}

/**
 * Nothing may load from anywhere: images only as data: URIs, the one style and the one script
 * only by their hashes (so injected markup could neither style nor run anything).
 */
export const CSP = `default-src 'none'; img-src data:; style-src ${cspHash(STYLE)}; script-src ${cspHash(SCRIPT)}; base-uri 'none'; form-action 'none'`;

const NAV: readonly [string, string][] = [
  ["overview", "Overview"],
  ["timeline", "Timeline"],
  ["findings", "Findings"],
  ["evidence", "Evidence"],
  ["flows", "Data flows"],
  ["rules", "Rules"],
  ["parties", "SDKs and parties"],
  ["categories", "Data categories"],
  ["scenarios", "Scenarios"],
  ["stacks", "Call sites"],
];

/**
 * The self-contained HTML report: one file, no network, every asset inline. Deterministic for a
 * given analysis and trace directory; its size depends on the findings, parties and timeline
 * bins (all bounded), not on the number of calls.
 */
export async function renderHtml(a: Analysis, opts: HtmlOptions = {}): Promise<string> {
  const loader = new ScreenshotLoader(opts.traceDir, opts.imageLimits);
  // Sections that are left out when empty have no link.
  const nav = NAV.filter(([id]) => (id !== "evidence" || a.findings.length > 0) && (id !== "stacks" || a.stacks.length > 0) && (id !== "flows" || (a.flows?.flows.length ?? 0) > 0))
    .map(([id, text]) => `<a href="#${id}">${esc(text)}</a>`)
    .join("");
  const timeline = `<section id="timeline"><h2>Timeline</h2><p class="lead">Calls over the run, with scenarios, consent, background and screen-off periods, permission events and screenshots.</p>\n${renderChart(a)}\n</section>`;
  const body = [
    header(a),
    `<nav class="toc" aria-label="Sections"><div class="wrap">${nav}</div></nav>`,
    `<main class="wrap">`,
    overview(a),
    timeline,
    findingsTable(a),
    await evidenceSection(a, loader),
    // Absent without sends: no empty line either, so a page without egress is as before.
    ...[flowsSection(a)].filter((s) => s !== ""),
    rulesTable(a),
    partiesTable(a),
    categoriesTable(a),
    scenariosTable(a),
    stacksTable(a),
    `</main>`,
    `<footer><div class="wrap">${esc(a.tool.name)} ${esc(a.tool.version)} · ${int(a.trace.calls)} call${a.trace.calls === 1 ? "" : "s"} analysed · policy ${esc(a.policy.name, 120)} · SDK catalogue ${esc(a.catalogue.version)}. ${a.valuesShown ? "Made with --show-values: identifier values are shown, not redacted." : "Identifier values are redacted."}</div></footer>`,
  ].join("\n");
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${CSP}">
<meta name="referrer" content="no-referrer">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>permtrace report: ${esc(a.trace.app, 200)}</title>
<style>${STYLE}</style>
</head>
<body>
${body}
<script>${SCRIPT}</script>
</body>
</html>
`;
}

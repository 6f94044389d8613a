import { findingScenarios } from "../rules/types.js";
import type { Analysis } from "../analyze.js";
import { traceOrigin } from "./origin.js";
import { plainText } from "./escape.js";
import { detailsText } from "./details.js";
import { stepCaption } from "./step-number.js";

/**
 * One CSV field. Quoted when needed (RFC 4180); a value that a spreadsheet would run as a formula
 * (starting with = + - @, tab or carriage return) is prefixed with a quote: the strings come from
 * the app under test. Bidi and other control characters are neutralised first (plainText).
 */
export function csvField(value: unknown): string {
  let s = plainText(value);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

const COLUMNS = ["id", "severity", "rule", "scenario", "category", "party", "via", "party kind", "sdk kind", "vendor", "count", "start s", "end s", "step", "responsible frame", "confidence", "screenshot", "events", "message", "recorded on", "report status", "details"] as const;

/**
 * The findings as one CSV table, for desks and spreadsheets; each row says where the trace was
 * recorded (phone, sandbox, synthetic) and the report's status (an incomplete run's findings are
 * partial). A report without findings has no row to say it: the other outputs do.
 */
export function renderFindingsCsv(a: Analysis): string {
  const origin = traceOrigin(a);
  const rows = a.findings.map((f) => {
    const stack = f.evidence.stack;
    return [
      f.id,
      f.severity,
      f.rule,
      findingScenarios(f).join(", "),
      f.category ?? "",
      f.party.name,
      (f.via ?? []).map((p) => p.name).join(", "),
      f.party.kind,
      f.party.sdkKind ?? "",
      f.party.vendor ?? "",
      f.count,
      (f.window.start / 1000).toFixed(3),
      (f.window.end / 1000).toFixed(3),
      f.evidence.step ? stepCaption(f.evidence.step) : "",
      stack ? (stack.frames[stack.responsibleFrame] ?? "") : "",
      stack ? stack.confidence : "",
      f.evidence.screenshot?.path ?? "",
      f.evidence.events.join(" "),
      f.message,
      origin,
      a.status,
      detailsText(f.evidence.details),
    ];
  });
  // A byte-order mark first: without it Excel on Windows reads UTF-8 as the local code page and
  // garbles Chinese SDK names (友盟, 极光).
  return `\uFEFF${[COLUMNS as readonly unknown[], ...rows].map((r) => r.map(csvField).join(",")).join("\r\n")}\r\n`;
}

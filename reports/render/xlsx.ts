import { findingScenarios } from "../rules/types.js";
import type { Analysis } from "../analyze.js";
import { UNREAD, type FlowSummary } from "../flows.js";
import type { Worksheet } from "exceljs";
import { CATEGORIES, isCategory } from "../trace/categories.js";
import { plainText } from "./escape.js";
import { traceOrigin } from "./origin.js";
import { detailsText } from "./details.js";
import { stepCaption } from "./step-number.js";
import { evidenceLine, verdictHeadline, verdictProblems } from "./verdict.js";

/**
 * A cell value from the app under test: never a formula (Excel would run it), no character the
 * sheet's XML cannot hold (exceljs writes U+FFFE as it is, and the workbook no longer opens), no
 * bidi control, cut at Excel's 32767 limit.
 */
function cell(v: unknown): string | number {
  if (typeof v === "number") return v;
  let s = plainText(v);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return s.length > 32_000 ? `${s.slice(0, 32_000)}…` : s;
}

function categories(c: Partial<Record<string, number>>): string {
  return Object.entries(c)
    .sort((a, b) => (b[1] ?? 0) - (a[1] ?? 0))
    .map(([k, n]) => `${isCategory(k) ? CATEGORIES[k].label : k} ${n}`)
    .join(", ");
}

/** Party → recipient → identifiers of the recorded sends (reports/flows.ts); hosts and names from the app go through `cell`. */
function flowsSheet(ws: Worksheet, fl: FlowSummary): void {
  ws.columns = [
    { header: "Party", key: "party", width: 30 },
    { header: "Host", key: "host", width: 34 },
    { header: "Ports", key: "ports", width: 10 },
    { header: "Whose", key: "whose", width: 10 },
    { header: "Recipient", key: "label", width: 30 },
    { header: "Identifiers", key: "ids", width: 60 },
    { header: "First (s)", key: "first", width: 10 },
    { header: "Last (s)", key: "last", width: 10 },
    { header: "Requests", key: "requests", width: 10 },
    { header: "Bytes", key: "bytes", width: 10 },
    { header: "TLS", key: "tls", width: 8 },
    { header: "Findings", key: "findings", width: 20 },
    { header: "Events (seq)", key: "events", width: 24 },
    { header: "Recipient evidence", key: "evidence", width: 50 },
  ];
  for (const f of fl.flows) {
    const ids = f.identifiers.map((i) => `${i.kind} (${i.encodings.join(", ")}; ${i.where.join(", ")}; ${i.requests}×${i.unread ? `; ${UNREAD} ${i.unread}×` : ""})`).join("; ");
    ws.addRow({
      party: cell(f.party.name),
      host: cell(f.recipient.host),
      ports: cell(f.recipient.ports.join(", ")),
      whose: f.recipient.whose,
      label: cell(f.recipient.label),
      ids: f.carriesIdentifiers ? cell(ids) : "none found",
      first: Math.round(f.first) / 1000,
      last: Math.round(f.last) / 1000,
      requests: f.requests,
      bytes: f.bytes,
      tls: f.tls,
      findings: cell((f.findings ?? []).join(", ")),
      events: cell(f.events.join(", ")),
      evidence: cell(f.recipient.evidence),
    });
  }
  if (fl.omittedFlows) ws.addRow({ party: `${fl.omittedFlows} more party → host pair(s) with ${fl.omittedRequests ?? 0} send(s) not listed` });
  ws.getRow(1).font = { bold: true };
  ws.autoFilter = { from: "A1", to: "N1" };
}

/** An XLSX workbook: a sheet of findings, a sheet of calls counted per stack, the flows when the trace has sends (exceljs). */
export async function renderXlsx(a: Analysis): Promise<Buffer> {
  // Loaded here, not at start: exceljs takes a quarter of a second to load, and most reports have no XLSX.
  const { default: ExcelJS } = await import("exceljs");
  const wb = new ExcelJS.Workbook();
  wb.creator = "permtrace";
  const findings = wb.addWorksheet("Findings", { views: [{ state: "frozen", ySplit: 1 }] });
  findings.columns = [
    { header: "ID", key: "id", width: 8 },
    { header: "Severity", key: "severity", width: 10 },
    { header: "Rule", key: "rule", width: 34 },
    { header: "Scenario", key: "scenario", width: 22 },
    { header: "Category", key: "category", width: 20 },
    { header: "Party", key: "party", width: 30 },
    { header: "Via", key: "via", width: 30 },
    { header: "SDK kind", key: "kind", width: 12 },
    { header: "Calls", key: "count", width: 8 },
    { header: "From (s)", key: "start", width: 10 },
    { header: "To (s)", key: "end", width: 10 },
    { header: "Step", key: "step", width: 16 },
    { header: "Responsible frame", key: "frame", width: 50 },
    { header: "Confidence", key: "confidence", width: 11 },
    { header: "Screenshot", key: "screenshot", width: 28 },
    { header: "Message", key: "message", width: 80 },
    { header: "Details", key: "details", width: 80 },
  ];
  for (const f of a.findings) {
    const st = f.evidence.stack;
    findings.addRow({
      id: f.id,
      severity: f.severity,
      rule: f.rule,
      scenario: cell(findingScenarios(f).join(", ")),
      category: f.category ?? "",
      party: cell(f.party.name),
      via: cell((f.via ?? []).map((p) => p.name).join(", ")),
      kind: f.party.sdkKind ?? f.party.kind,
      count: f.count,
      start: Math.round(f.window.start) / 1000,
      end: Math.round(f.window.end) / 1000,
      step: f.evidence.step ? cell(stepCaption(f.evidence.step)) : "",
      frame: cell(st ? (st.frames[st.responsibleFrame] ?? "") : ""),
      confidence: st?.confidence ?? "",
      screenshot: cell(f.evidence.screenshot?.path ?? ""),
      message: cell(f.message),
      details: cell(detailsText(f.evidence.details)),
    });
  }
  findings.getRow(1).font = { bold: true };
  findings.autoFilter = { from: "A1", to: "Q1" };

  const calls = wb.addWorksheet("Calls by stack", { views: [{ state: "frozen", ySplit: 1 }] });
  calls.columns = [
    { header: "Stack", key: "id", width: 8 },
    { header: "Calls", key: "calls", width: 8 },
    { header: "Party", key: "party", width: 30 },
    { header: "Immediate caller", key: "immediate", width: 30 },
    { header: "Deciding frame", key: "frame", width: 60 },
    { header: "Confidence", key: "confidence", width: 11 },
    { header: "Categories", key: "categories", width: 50 },
  ];
  for (const s of a.stacks) {
    calls.addRow({ id: s.id, calls: s.calls, party: cell(s.party.name), immediate: cell(s.immediateCaller.name), frame: cell(s.frame), confidence: s.confidence, categories: categories(s.categories) });
  }
  calls.getRow(1).font = { bold: true };
  calls.autoFilter = { from: "A1", to: "G1" };
  if (a.flows) flowsSheet(wb.addWorksheet("Flows", { views: [{ state: "frozen", ySplit: 1 }] }), a.flows);

  // What the workbook is about: a sandbox or generated trace must not pass for a phone's.
  const about = wb.addWorksheet("Trace");
  about.columns = [
    { header: "Field", key: "k", width: 22 },
    { header: "Value", key: "v", width: 70 },
  ];
  const t = a.trace;
  const rows: [string, string | number | boolean][] = [
    // What the trace vouches for first: an empty or cut-off run is not a clean workbook.
    ["Status", a.status],
    ["Verdict", verdictHeadline(a)],
    ["Problems", cell(verdictProblems(a).join("\n"))],
    ["Evidence", cell(evidenceLine(a))],
    ["App", cell(t.app)],
    ["App version", cell(t.appVersion ?? "")],
    ["Recorded on", traceOrigin(a)],
    ["Device", cell(String((t.device as { model?: unknown }).model ?? ""))],
    ["Started", cell(t.startedAt)],
    ["Complete", t.complete],
    ["Why incomplete", cell(t.incompleteReason ?? "")],
    ["Calls", t.calls],
    ["Own-data calls (in no tally)", t.ownCalls ?? 0],
    ["Policy", cell(a.policy.name)],
    ["Identifier values", a.valuesShown ? "shown (--show-values)" : "redacted"],
    ["Findings", a.summary.findings],
  ];
  for (const [k, v] of rows) about.addRow({ k, v });
  about.getRow(1).font = { bold: true };
  return Buffer.from(await wb.xlsx.writeBuffer());
}

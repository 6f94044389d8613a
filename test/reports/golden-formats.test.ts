import { describe, expect, it } from "vitest";
import type { Analysis } from "../../reports/analyze.js";
import { renderJson } from "../../reports/render/json.js";
import { renderMarkdown } from "../../reports/render/markdown.js";
import { renderSarif } from "../../reports/render/sarif.js";
import { renderXlsx } from "../../reports/render/xlsx.js";
import { fixedTraceDir, golden } from "../support/golden.js";
import { analyzeDir } from "../support/trace-builder.js";

function fixed(): Analysis {
  return analyzeDir(fixedTraceDir());
}

const TRACE_DIR = "<trace-dir>";
const STARTED_AT = "2000-01-01T00:00:00.000Z";
const TOOL_VERSION = "0.0.0-golden";

/**
 * What changes between two recordings of the same run, or between releases: the trace's temporary
 * directory, the recording's start time and permtrace's own version. Everything else of a golden
 * is the output of that fixed trace.
 */
function stable(a: Analysis): Analysis {
  return { ...a, tool: { ...a.tool, version: TOOL_VERSION }, trace: { ...a.trace, dir: TRACE_DIR, startedAt: STARTED_AT } };
}


function occurrences(haystack: string, needle: string): number {
  return haystack.split(needle).length - 1;
}

/** The workbook's sheets as cell values, row by row (the XLSX file itself zips timestamps). */
async function xlsxCells(buf: Buffer): Promise<{ sheet: string; rows: unknown[][] }[]> {
  const ExcelJS = (await import("exceljs")).default;
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength) as ArrayBuffer);
  return wb.worksheets.map((ws) => {
    const rows: unknown[][] = [];
    ws.eachRow({ includeEmpty: true }, (row, n) => {
      const cells: unknown[] = [];
      for (let c = 1; c <= row.cellCount; c++) cells.push(row.getCell(c).value ?? null);
      rows[n - 1] = cells;
    });
    return { sheet: ws.name, rows };
  });
}

describe("golden outputs of the fixed trace", () => {
  it("JSON: the temporary trace directory appears only as trace.dir, replaced by a placeholder", () => {
    const a = fixed();
    const raw = renderJson(a);
    const dir = JSON.stringify(a.trace.dir).slice(1, -1);
    expect(occurrences(raw, dir)).toBe(1);
    expect(raw).toContain(`"dir": ${JSON.stringify(a.trace.dir)}`);
    expect(occurrences(raw, a.trace.startedAt)).toBe(1);
    const out = renderJson(stable(a));
    expect(out).not.toContain(dir);
    expect(JSON.parse(out)).toMatchObject({ trace: { dir: TRACE_DIR, startedAt: STARTED_AT }, tool: { name: "permtrace", version: TOOL_VERSION } });
    golden("findings.json", out);
    expect(renderJson(stable(fixed()))).toBe(out);
  });

  it("Markdown", () => {
    const out = renderMarkdown(stable(fixed()));
    golden("summary.md", out);
    expect(out).toContain(`started ${STARTED_AT}`);
    expect(renderMarkdown(stable(fixed()))).toBe(out);
  });

  it("SARIF", () => {
    const out = renderSarif(stable(fixed()));
    golden("findings.sarif", out);
    expect(out).not.toContain("/tmp/");
    expect(renderSarif(stable(fixed()))).toBe(out);
  });

  it("XLSX: the cell values of every sheet", async () => {
    const cells = await xlsxCells(await renderXlsx(stable(fixed())));
    expect(cells.map((s) => s.sheet)).toEqual(["Findings", "Calls by stack", "Trace"]);
    const out = `${JSON.stringify(cells, null, 2)}\n`;
    golden("findings.xlsx.json", out);
    expect(`${JSON.stringify(await xlsxCells(await renderXlsx(stable(fixed()))), null, 2)}\n`).toBe(out);
  });
});

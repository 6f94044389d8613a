import { describe, expect, it } from "vitest";
import { RULES } from "../../reports/rules/index.js";
import { csvField, renderFindingsCsv } from "../../reports/render/csv.js";
import { MAX_CASE_FINDINGS, renderJunit, xml } from "../../reports/render/junit.js";
import { fixedTraceDir, golden } from "../support/golden.js";
import { analyzeDir, TraceBuilder, UMENG } from "../support/trace-builder.js";

function fixed() {
  return analyzeDir(fixedTraceDir());
}


describe("CI and desk formats", () => {
  it("JUnit: a suite per scenario, a case per rule, failures carrying the findings", () => {
    const out = renderJunit(fixed());
    golden("junit.xml", out);
    // One case per rule: RULES.size (23, with the five egress rules).
    expect(out).toMatch(new RegExp(`<testsuite name="launch-accept" tests="${RULES.size}" failures="\\d+" skipped="\\d+">`));
    expect(RULES.size).toBe(23);
    expect(out).toMatch(/<testcase classname="launch-accept" name="consent.pre_consent_collection"><failure type="high" message="1 finding\(s\)/);
    expect(out).toMatch(/<testcase classname="launch-accept" name="disclosure.undeclared_sdk"><skipped message="no app profile: pass --profile/);
  });

  it("CSV: one row per finding, with its evidence", () => {
    const out = renderFindingsCsv(fixed());
    golden("findings.csv", out);
    expect(out.startsWith("\uFEFFid,")).toBe(true);
    const lines = out.slice(1).trim().split("\r\n");
    expect(lines[0]).toBe("id,severity,rule,scenario,category,party,via,party kind,sdk kind,vendor,count,start s,end s,step,responsible frame,confidence,screenshot,events,message,recorded on,report status,details");
    expect(lines.some((l) => l.startsWith("F0001,high,consent.pre_consent_collection,launch-accept,phone_identifiers,"))).toBe(true);
    // The rule's evidence details, as one JSON cell.
    expect(lines.some((l) => /,"\{""[a-zA-Z]+"":.*\}"$/.test(l))).toBe(true);
  });

  it("neutralises hostile strings: XML escaping, spreadsheet formulas, quotes and line breaks", () => {
    expect(xml(`<script>"x"&'y'\u0001</script>`)).toBe("&lt;script&gt;&quot;x&quot;&amp;&apos;y&apos; &lt;/script&gt;");
    expect(xml("a\u202Eb\uFFFEc\uD800d")).toBe("a\uFFFDb\uFFFDc\uFFFDd");
    expect(csvField("\u202Eexe.gpj")).toBe("\uFFFDexe.gpj");
    expect(csvField("\u0007=1+1")).toBe(" =1+1");
    expect(csvField("com.umeng\u200B.x")).toBe("com.umeng\uFFFD.x");
    expect(xml("com.umeng\uFEFF.x")).toBe("com.umeng\uFFFD.x");
    expect(csvField("=HYPERLINK(\"http://evil\")")).toBe(`"'=HYPERLINK(""http://evil"")"`);
    expect(csvField("+1-555")).toBe("'+1-555");
    expect(csvField("a,b\nc")).toBe(`"a,b\nc"`);
    expect(csvField("plain")).toBe("plain");
  });
});

/** App strings with a bidi override, U+FFFE (not a character of XML 1.0) and a control character, in frames (so party names) and a scenario run twice. */
function hostile() {
  const evil = "com.evil\u202Etxt.exe\uFFFE\u0001.tracker";
  return analyzeDir(
    new TraceBuilder()
      .mark(0, "consent_shown")
      .mark(1, "scenario_start", { scenario: "browse\u202E", needs: [] })
      .call(5, "telephony.TelephonyManager.getImei", "phone_identifiers", { from: [`${evil}.X.run`] })
      .mark(6, "scenario_end", { scenario: "browse\u202E" })
      .mark(7, "scenario_start", { scenario: "browse\u202E", needs: [] })
      .call(8, "clipboard.ClipboardManager.getPrimaryClip", "clipboard", { from: [`${evil}.Y.run`] })
      .mark(9, "scenario_end", { scenario: "browse\u202E" })
      .close(),
  );
}

describe("hostile strings in the CI and desk formats", () => {
  it("CSV and JUnit: no bidi override, no character XML cannot hold", () => {
    const a = hostile();
    expect(a.findings.some((f) => f.party.name.includes("\uFFFE"))).toBe(true);
    for (const out of [renderFindingsCsv(a), renderJunit(a)]) {
      expect(out).not.toMatch(/[\u202A-\u202E\u2066-\u2069\uFFFE\uFFFF\u0001]/);
      expect(out).toContain("com.evil\uFFFDtxt.exe\uFFFD ");
    }
  });

  it("JUnit: a scenario run twice is one suite, its findings counted once", () => {
    const a = hostile();
    expect(a.scenarios.map((s) => s.name)).toEqual(["browse\u202E", "browse\u202E"]);
    const out = renderJunit(a);
    expect(out.match(/<testsuite name="browse/g)).toHaveLength(1);
    const failures = out.match(/<testsuite name="browse\uFFFD" tests="\d+" failures="(\d+)"/)![1];
    // A rule fails where it has findings, or calls a stronger finding holds for it (alsoBreaks).
    const held = a.findings.flatMap((f) => ((f.evidence.details?.alsoBreaks as { rule: string }[] | undefined) ?? []).map((x) => x.rule));
    expect(Number(failures)).toBe(new Set([...a.findings.map((f) => f.rule), ...held]).size);
    expect(out.match(/<testsuites [^>]*failures="(\d+)"/)![1]).toBe(failures);
  });

  it("JUnit: every finding fails a test case, even one whose scenario the timeline does not list", () => {
    const a = fixed();
    const ghost = { ...a.findings[0]!, id: "F9999", scenario: "ghost" };
    const out = renderJunit({ ...a, findings: [...a.findings, ghost] });
    expect(out).toMatch(new RegExp(`<testcase classname="ghost" name="${ghost.rule.replace(/\./g, "\\.")}"><failure [^>]*>F9999 `));
    for (const f of a.findings) expect(out).toContain(`${f.id} [${f.severity}]`);
  });

  it("JUnit: a failure lists at most MAX_CASE_FINDINGS findings and counts the rest", () => {
    const b = new TraceBuilder().mark(0, "consent_shown");
    for (let i = 0; i < MAX_CASE_FINDINGS + 30; i++) b.call(5 + i * 2000, "telephony.TelephonyManager.getImei", "phone_identifiers", { from: [`com.t${i}.x.Y.run`] });
    const a = analyzeDir(b.close());
    const n = a.findings.filter((f) => f.rule === "consent.pre_consent_collection").length;
    expect(n).toBeGreaterThan(MAX_CASE_FINDINGS);
    const out = renderJunit(a);
    const failure = out.match(/name="consent.pre_consent_collection"><failure [^>]*>([^<]*)<\/failure>/)![1]!;
    expect(failure.split("\n")).toHaveLength(MAX_CASE_FINDINGS + 1);
    expect(failure).toMatch(new RegExp(`… ${n - MAX_CASE_FINDINGS} more finding\\(s\\) of this rule in this scenario: see findings.json$`));
    expect(out).toContain(`message="${n} finding(s): `);
  });

  it("XLSX: the workbook still opens, with the strings neutralised", async () => {
    const ExcelJS = (await import("exceljs")).default;
    const { renderXlsx } = await import("../../reports/render/xlsx.js");
    const buf = await renderXlsx(hostile());
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength) as ArrayBuffer);
    const parties: unknown[] = [];
    wb.getWorksheet("Findings")!.eachRow((row, n) => void (n > 1 && parties.push(row.getCell(6).value)));
    expect(parties).toContain("com.evil\uFFFDtxt.exe\uFFFD ");
    for (const ws of wb.worksheets) ws.eachRow((row) => row.eachCell((c) => expect(String(c.value)).not.toMatch(/[\u202A-\u202E\uFFFE]/)));
  });
});

describe("XLSX", () => {
  it("has a findings sheet and a calls-by-stack sheet, with app strings never as formulas", async () => {
    const ExcelJS = (await import("exceljs")).default;
    const { renderXlsx } = await import("../../reports/render/xlsx.js");
    const dir = new TraceBuilder()
      .mark(0, "consent_shown")
      .call(5, "telephony.TelephonyManager.getImei", "phone_identifiers", { from: UMENG })
      .call(6, "clipboard.ClipboardManager.getPrimaryClip", "clipboard", { from: ["=cmd|' /C calc'!A0.x.Y.run"] })
      .close();
    const a = analyzeDir(dir);
    const wb = new ExcelJS.Workbook();
    const buf = await renderXlsx(a);
    await wb.xlsx.load(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength) as ArrayBuffer);
    expect(wb.worksheets.map((w) => w.name)).toEqual(["Findings", "Calls by stack", "Trace"]);
    const findings = wb.getWorksheet("Findings")!;
    expect(findings.getRow(1).getCell(3).value).toBe("Rule");
    expect(findings.rowCount).toBe(a.findings.length + 1);
    const stacks = wb.getWorksheet("Calls by stack")!;
    expect(stacks.rowCount).toBe(3);
    for (const ws of wb.worksheets) {
      ws.eachRow((row) =>
        row.eachCell((c) => {
          expect(c.type).not.toBe(ExcelJS.ValueType.Formula);
          if (typeof c.value === "string") expect(c.value.startsWith("=")).toBe(false);
        }),
      );
    }
  });
});

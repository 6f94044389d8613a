import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { EXIT, main } from "../../runner/cli.js";
import { APP, analyzeDir, TraceBuilder, UMENG } from "../support/trace-builder.js";

/** "No evidence is not a pass": each way a trace can vouch for less than its run, through the CLI gate. */

async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const code = await main(["--log-level", "silent", ...argv], { out: (t) => void (out += t), err: (t) => void (err += t) });
  return { code, out, err };
}

/** A scenario that runs to the end (or fails at `failAt`), with an app call of no concern in it. */
function scenario(b: TraceBuilder, t: number, name: string, o: { failAt?: number; error?: string; calls?: boolean } = {}): TraceBuilder {
  b.mark(t, "scenario_start", { scenario: name, needs: ["location"] });
  b.mark(t, "step_start", { scenario: name, step: 0, action: "launch" });
  if (o.calls !== false) b.call(t + 1, "location.LocationManager.getLastKnownLocation", "location", { from: APP });
  b.mark(t + 2, "step_end", { scenario: name, step: 0, action: "launch", status: o.failAt === 0 ? "failed" : "ok", ...(o.failAt === 0 ? { error: o.error ?? "boom" } : {}) });
  if (o.failAt === 1) {
    b.mark(t + 3, "step_start", { scenario: name, step: 1, action: "tapOn" });
    b.mark(t + 4, "step_end", { scenario: name, step: 1, action: "tapOn", status: "failed", error: o.error ?? "boom" });
  }
  const failed = o.failAt !== undefined;
  return b.mark(t + 5, "scenario_end", { scenario: name, status: failed ? "failed" : "ok", ...(failed ? { error: `step ${o.failAt! + 1} (…): ${o.error ?? "boom"}` } : {}) });
}

/** Consent accepted first, so an app's own location reads make no finding: a clean run unless the evidence says otherwise. */
function base(plan: readonly string[] = ["a", "b"]): TraceBuilder {
  return new TraceBuilder().plan(plan).consented(0);
}

const CASES: { name: string; make: () => string; status: string; problem: RegExp }[] = [
  { name: "an empty calls.jsonl", make: () => scenario(scenario(base(), 10, "a", { calls: false }), 20, "b", { calls: false }).close(), status: "no-evidence", problem: /^no call was recorded \(calls\.jsonl is empty\)$/ },
  { name: "an agent that never reported loading (no hello, no coverage)", make: () => scenario(scenario(base(), 10, "a"), 20, "b").withoutAgent().close(), status: "no-evidence", problem: /^the agent never reported that it loaded/ },
  { name: "a run cut off before its first scenario", make: () => base().call(1, "location.LocationManager.getLastKnownLocation", "location", { from: APP }).close("killed"), status: "no-evidence", problem: /^none of the 2 planned scenario\(s\) ran: the run was cut off before the first$/ },
  { name: "a failed scenario", make: () => scenario(scenario(base(), 10, "a", { failAt: 1, error: "no element Scan" }), 20, "b").close(), status: "incomplete", problem: /^scenario a failed at step 2 \(tapOn\): no element Scan$/ },
  { name: "a scenario that never ran", make: () => scenario(base(), 10, "a").close(), status: "incomplete", problem: /^scenario b never ran$/ },
  { name: "a scenario cut off mid-way", make: () => scenario(base(), 10, "a").mark(20, "scenario_start", { scenario: "b" }).mark(20, "step_start", { scenario: "b", step: 0, action: "wait" }).close("killed"), status: "incomplete", problem: /^the run did not finish cleanly \(killed\)$/ },
];

describe("a report states what its trace vouches for, and --fail-on refuses what it cannot", () => {
  for (const c of CASES) {
    it(`${c.name}: ${c.status}, exit ${EXIT.incomplete} under --fail-on info, 0 with --accept-incomplete`, async () => {
      const dir = c.make();
      const a = analyzeDir(dir);
      expect(a.status).toBe(c.status);
      expect(a.findings).toHaveLength(0);
      expect(a.evidence.problems.some((p) => c.problem.test(p)), a.evidence.problems.join("\n")).toBe(true);
      const r = await cli("report", dir, "--fail-on", "info");
      expect(r.code).toBe(EXIT.incomplete);
      expect(r.out.split("\n")[0]).toMatch(c.status === "no-evidence" ? /^NO EVIDENCE: / : /^INCOMPLETE: /);
      expect(r.out).toMatch(new RegExp(`^the report is ${c.status}: failing \\(--accept-incomplete lets it pass\\)$`, "m"));
      const ok = await cli("report", dir, "--fail-on", "info", "--accept-incomplete");
      expect(ok.code).toBe(EXIT.ok);
      expect(ok.out.split("\n")[0]).toMatch(c.status === "no-evidence" ? /^NO EVIDENCE: / : /^INCOMPLETE: /);
      // Without a gate the report is made and exits 0: it is not a gate.
      expect((await cli("report", dir)).code).toBe(EXIT.ok);
    });
  }

  it("the whole suite run to the end, calls recorded, no finding: clean, exit 0", async () => {
    const dir = scenario(scenario(base(), 10, "a"), 20, "b").close();
    const a = analyzeDir(dir);
    expect(a.status).toBe("clean");
    expect(a.evidence).toMatchObject({ agent: { loaded: true }, planned: true, complete: true, problems: [] });
    expect(a.evidence.scenarios.map((s) => [s.name, s.outcome])).toEqual([["a", "ok"], ["b", "ok"]]);
    const r = await cli("report", dir, "--fail-on", "info");
    expect(r.code).toBe(EXIT.ok);
    expect(r.out).toMatch(/^CLEAN: the run is complete and has no finding\n/);
  });

  it("findings at the gate fail it first (exit 1), even in an incomplete report", async () => {
    const dir = scenario(new TraceBuilder().plan(["a", "b"]).mark(0, "consent_shown").call(1, "telephony.TelephonyManager.getImei", "phone_identifiers", { from: UMENG }), 10, "a").close();
    const a = analyzeDir(dir);
    expect(a.status).toBe("incomplete");
    expect((await cli("report", dir, "--fail-on", "high")).code).toBe(EXIT.findings);
    expect((await cli("report", dir, "--fail-on", "critical")).code).toBe(EXIT.incomplete);
    expect((await cli("report", dir, "--fail-on", "critical", "--accept-incomplete")).code).toBe(EXIT.ok);
  });

  it("--accept-incomplete without --fail-on is a usage error", async () => {
    const r = await cli("report", scenario(base(["a"]), 10, "a").close(), "--accept-incomplete");
    expect(r.code).toBe(EXIT.usage);
    expect(r.err).toMatch(/^permtrace: --accept-incomplete: --accept-incomplete only changes what --fail-on refuses — add --fail-on/);
  });

  it("a trace without a plan (not made by `permtrace run`) cannot tell a scenario that never ran, and says so", () => {
    const b = new TraceBuilder().consented(0);
    const a = analyzeDir(scenario(b, 10, "a").close());
    expect(a.status).toBe("clean");
    expect(a.evidence.planned).toBe(false);
  });
});

describe("every format says it first", () => {
  /** A hostile scenario name, failing with a hostile error; another scenario that never ran; a finding. */
  function failedRun(): string {
    const evil = "scan<script>alert(1)</script>\u202Egnp.exe";
    const b = new TraceBuilder().plan([evil, "after"]).mark(0, "consent_shown").call(1, "telephony.TelephonyManager.getImei", "phone_identifiers", { from: UMENG });
    return scenario(b, 10, evil, { failAt: 1, error: "crash\u001b[31m <b>FATAL</b>" }).close("the app died");
  }

  it("terminal, findings.json, summary.md, report.html, JUnit, SARIF, CSV and XLSX", async () => {
    const dir = failedRun();
    const r = await cli("report", dir, "--format", "json,md,junit,csv,xlsx,html,sarif", "--fail-on", "critical");
    expect(r.code).toBe(EXIT.incomplete);
    // Terminal: the verdict, the problems (no escape sequence, no bidi control), then the findings.
    const lines = r.out.split("\n");
    expect(lines[0]).toBe("INCOMPLETE: the run did not do all it was to do — not a clean result; findings cover what was recorded");
    expect(lines[1]).toBe("  the run did not finish cleanly (the app died)");
    expect(lines[2]).toBe("  scenario scan<script>alert(1)</script>\uFFFDgnp.exe failed at step 2 (tapOn): crash?[31m <b>FATAL</b>");
    expect(lines[3]).toBe("  scenario after never ran");
    expect(lines[4]).toMatch(/^ {2}agent loaded \(2 hook\(s\) installed, 0 absent, 0 failed\) · 2 call\(s\) recorded · scenarios: 0 ran to the end, 1 failed, 0 cut off, 1 never ran · trace incomplete$/);
    expect(lines[5]).toMatch(/^\d+ finding\(s\)/);
    const report = join(dir, "report");
    const read = (f: string) => readFileSync(join(report, f), "utf8");

    const json = JSON.parse(read("findings.json"));
    expect(Object.keys(json).slice(0, 5)).toEqual(["format", "schemaVersion", "tool", "status", "evidence"]);
    expect(json.status).toBe("incomplete");
    expect(json.evidence.scenarios).toEqual([
      { name: "scan<script>alert(1)</script>\u202Egnp.exe", outcome: "failed", step: 1, stepNumber: 2, action: "tapOn", error: "crash\u001b[31m <b>FATAL</b>" },
      { name: "after", outcome: "not-run" },
    ]);

    const md = read("summary.md").split("\n");
    expect(md[2]).toBe("> **INCOMPLETE: the run did not do all it was to do — not a clean result; findings cover what was recorded**");
    expect(md[4]).toBe("> - scenario scan&lt;script&gt;alert(1)&lt;/script&gt;\uFFFDgnp.exe failed at step 2 (tapOn): crash \\[31m &lt;b&gt;FATAL&lt;/b&gt;");
    expect(md[5]).toBe("> - scenario after never ran");

    const html = read("report.html");
    const verdict = html.indexOf('<div class="verdict incomplete" data-status="incomplete"><strong>INCOMPLETE: ');
    expect(verdict).toBeGreaterThan(html.indexOf('<header class="top">'));
    expect(verdict).toBeLessThan(html.indexOf('<div class="kicker">'));
    expect(html).toContain("scan&lt;script&gt;alert(1)&lt;/script&gt;\uFFFDgnp.exe failed at step 2 (tapOn)");
    expect(html).not.toContain("<script>alert");
    expect(html).not.toContain("\u202E");

    const junit = read("junit.xml");
    expect(junit).toMatch(/<testsuites name="[^"]*" tests="\d+" failures="\d+" errors="3">\n {2}<testsuite name="evidence" tests="3" failures="0" errors="3" skipped="0">/);
    expect(junit).toContain('<testcase classname="evidence" name="trace"><error type="incomplete" message="INCOMPLETE: ');
    expect(junit).toContain('<testcase classname="scan&lt;script&gt;alert(1)&lt;/script&gt;\uFFFDgnp.exe" name="ran to the end"><error type="incomplete" message="scenario scan&lt;script&gt;');
    expect(junit).toContain('<testcase classname="after" name="ran to the end"><error type="incomplete" message="scenario after never ran">');
    expect(junit).not.toMatch(/[\u202E\u001b]/);

    const sarif = JSON.parse(read("findings.sarif"));
    const inv = sarif.runs[0].invocations[0];
    expect(inv.executionSuccessful).toBe(false);
    expect(inv.toolExecutionNotifications[0]).toMatchObject({ level: "error", properties: { status: "incomplete" } });
    expect(inv.toolExecutionNotifications[0].message.text).toMatch(/^INCOMPLETE: .*; scenario after never ran$/);
    expect(sarif.runs[0].properties.status).toBe("incomplete");

    expect(read("findings.csv").split("\r\n")[1]).toMatch(/,synthetic,incomplete,(|"\{.*\}")$/);

    const ExcelJS = (await import("exceljs")).default;
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(join(report, "findings.xlsx"));
    const sheet = wb.getWorksheet("Trace")!;
    expect(sheet.getRow(2).values).toEqual([undefined, "Status", "incomplete"]);
    expect(String(sheet.getRow(4).getCell(2).value)).toContain("scenario after never ran");
  });

  it("no evidence: a JUnit error for the trace, a SARIF run that did not succeed", async () => {
    const dir = base(["a"]).withoutAgent().close("killed");
    const r = await cli("report", dir, "--format", "junit,sarif");
    expect(r.code).toBe(EXIT.ok);
    const junit = readFileSync(join(dir, "report", "junit.xml"), "utf8");
    expect(junit).toContain('<testcase classname="evidence" name="trace"><error type="no-evidence" message="NO EVIDENCE: this trace cannot vouch for the app — not a pass">the agent never reported that it loaded');
    expect(junit).toContain('<testcase classname="a" name="ran to the end"><error type="no-evidence" message="scenario a never ran">');
    const sarif = JSON.parse(readFileSync(join(dir, "report", "findings.sarif"), "utf8"));
    expect(sarif.runs[0].invocations[0].executionSuccessful).toBe(false);
    expect(sarif.runs[0].invocations[0].toolExecutionNotifications[0].message.text).toMatch(/^NO EVIDENCE: /);
  });
});

describe("evidence stays bounded whatever the trace holds", () => {
  it("2,500 scenarios, 1,200 of them failed with long errors: 1,000 listed (the failed ones), all counted", async () => {
    const { MAX_EVIDENCE_SCENARIOS } = await import("../../reports/evidence.js");
    const b = new TraceBuilder().consented(0).call(1, "location.LocationManager.getLastKnownLocation", "location", { from: APP });
    for (let i = 0; i < 2500; i++) {
      b.mark(10 + i, "scenario_start", { scenario: `s${i}` });
      b.mark(10 + i, "scenario_end", { scenario: `s${i}`, status: i % 25 < 12 ? "failed" : "ok", error: "e".repeat(5000) });
    }
    const a = analyzeDir(b.close());
    expect(a.status).toBe("incomplete");
    expect(a.evidence.outcomes).toEqual({ ok: 1300, failed: 1200, unfinished: 0, "not-run": 0 });
    expect(a.evidence.scenarios).toHaveLength(MAX_EVIDENCE_SCENARIOS);
    expect(a.evidence.scenariosOmitted).toBe(1500);
    expect(a.evidence.scenarios.every((s) => s.outcome === "failed" && s.error!.length === 1001)).toBe(true);
    expect(a.evidence.problems.at(-1)).toBe("200 more scenario(s) did not run to the end (not listed)");
    const { renderMarkdown } = await import("../../reports/render/markdown.js");
    expect(renderMarkdown(a)).toMatch(/> - 981 more: see findings\.json \(evidence\.problems\)\n/);
  });
});

import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { stepCaption, stepNumber, withStepNumber } from "../../reports/render/step-number.js";
import { TerminalProgress } from "../../runner/progress.js";
import { tempDir } from "../support/trace-builder.js";

/**
 * One step-number convention (issue 14): a scenario that fails at its 3rd step says "step 3"
 * wherever a person reads it — the terminal, findings.json's `stepNumber`, JUnit, HTML, Markdown,
 * SARIF, CSV, the screenshot's file name — while the trace's markers keep their 0-based index.
 * The built CLI runs it on the sandbox phone, as a user would.
 */
const REPO = fileURLToPath(new URL("../..", import.meta.url));
const BUILT = join(REPO, "dist", "runner", "cli.js");
const MISSING = `${BUILT} not found: run \`npm run build\` (npm test builds first)`;

/** Launch, wait, then look for what the app never shows: the 3rd step fails (line 7 of the file). */
const SCENARIO = "name: third-fails\npurpose: the third step looks for what is not there\nneeds: []\nsteps:\n  - launch: {clearData: true}\n  - wait: 1s\n  - assertVisible: {text: Nothing like this, timeout: 1s}\n  - wait: 1s\n";

interface StepRun {
  readonly out: string;
  readonly err: string;
  readonly trace: string;
  readonly file: (name: string) => string;
}

/** `permtrace run --device sandbox` of the one scenario, every report format written. */
function runFailingAtThirdStep(): StepRun {
  const suite = tempDir();
  copyFileSync(join(REPO, "scenarios", "sample-app", "app.profile.yaml"), join(suite, "app.profile.yaml"));
  writeFileSync(join(suite, "01-third.scenario.yaml"), SCENARIO);
  const trace = join(tempDir(), "trace");
  const args = [join(REPO, "bin", "permtrace.js"), "run", "--device", "sandbox", "--app", "com.permtrace.sample", "--scenarios", suite, "--out", trace, "--report", "json,md,junit,csv,xlsx,html,sarif"];
  const r = spawnSync(process.execPath, args, { cwd: REPO, encoding: "utf8", timeout: 60_000 });
  if (r.status !== 0) throw new Error(`permtrace run exited ${r.status}: ${r.stderr}`);
  return { out: r.stdout, err: r.stderr, trace, file: (name) => readFileSync(join(trace, "report", name), "utf8") };
}

if (!existsSync(BUILT) && process.env.CI) {
  describe("step numbers", () => {
    it("needs the build", () => {
      throw new Error(`${MISSING}. CI builds before the tests.`);
    });
  });
} else {
  if (!existsSync(BUILT)) console.warn(`step-number CLI test skipped: ${MISSING}`);
  describe.skipIf(!existsSync(BUILT))("a scenario that fails at its 3rd step (the built CLI on the sandbox phone)", () => {
    let run: StepRun;
    beforeAll(() => {
      run = runFailingAtThirdStep();
    }, 60_000);

    it("says step 3 on the terminal: the scenario's line and the verdict", () => {
      expect(run.out).toContain("FAILED third-fails: step 3 (assertVisible, line 7): no element");
      expect(run.out).toContain("scenario third-fails failed at step 3 (assertVisible)");
      expect(run.out).not.toMatch(/step [24]\b/);
    });

    it("findings.json: stepNumber 3 beside the trace's index 2; every finding's step has its number", () => {
      const f = JSON.parse(run.file("findings.json")) as { evidence: { scenarios: unknown[] }; findings: { evidence: { step?: { index: number; stepNumber: number } } }[] };
      expect(f.evidence.scenarios).toEqual([expect.objectContaining({ name: "third-fails", outcome: "failed", step: 2, stepNumber: 3, action: "assertVisible" })]);
      const steps = f.findings.map((x) => x.evidence.step).filter((s) => s !== undefined);
      expect(steps.length).toBeGreaterThan(0);
      for (const s of steps) expect(s.stepNumber).toBe(s.index + 1);
    });

    it("JUnit, HTML, Markdown and SARIF say step 3", () => {
      expect(run.file("junit.xml")).toMatch(/<testcase classname="third-fails" name="ran to the end"><error type="incomplete" message="scenario third-fails failed at step 3 \(assertVisible\)/);
      // The HTML report's verdict, at its top.
      const html = run.file("report.html");
      expect(html.indexOf("failed at step 3 (assertVisible)")).toBeGreaterThan(0);
      expect(html.indexOf("failed at step 3 (assertVisible)")).toBeLessThan(html.indexOf('id="timeline"'));
      expect(run.file("summary.md")).toContain("scenario third-fails failed at step 3 (assertVisible)");
      const sarif = JSON.parse(run.file("findings.sarif")) as { runs: { invocations: { toolExecutionNotifications: { message: { text: string } }[] }[]; results: { properties: { step?: { index: number; stepNumber: number } } }[] }[] };
      expect(sarif.runs[0]!.invocations[0]!.toolExecutionNotifications[0]!.message.text).toContain("failed at step 3 (assertVisible)");
      for (const r of sarif.runs[0]!.results) if (r.properties.step) expect(r.properties.step.stepNumber).toBe(r.properties.step.index + 1);
      // The CSV's step column: the launch is step 1.
      expect(run.file("findings.csv")).toMatch(/,1 launch,/);
    });

    it("the screenshot of step 3 is named for step 3; the trace's markers keep the 0-based index", () => {
      const shots = readdirSync(join(run.trace, "screenshots"));
      expect(shots).toContain("0003-third-fails-003-assertVisible.png");
      const markers = readFileSync(join(run.trace, "timeline.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l) as { kind: string; step?: number; status?: string; error?: string });
      expect(markers.find((m) => m.kind === "step_end" && m.status === "failed")).toMatchObject({ step: 2, action: "assertVisible" });
      expect(markers.find((m) => m.kind === "scenario_end")).toMatchObject({ status: "failed", error: expect.stringMatching(/^step 3 \(assertVisible, line 7\): /) });
    });
  });
}

describe("the one helper", () => {
  it("numbers the trace's 0-based index from 1, in the caption, beside the index, and on the live line", () => {
    expect(stepNumber(0)).toBe(1);
    expect(stepCaption({ index: 2, action: "tapOn" })).toBe("3 tapOn");
    expect(stepCaption({ index: 2 })).toBe("3");
    expect(JSON.stringify(withStepNumber({ scenario: "s", index: 2, action: "tapOn" }))).toBe('{"scenario":"s","index":2,"stepNumber":3,"action":"tapOn"}');
    const p = new TerminalProgress("sandbox", { isTTY: false } as NodeJS.WriteStream);
    p.step("s", 2, "tapOn");
    expect(p.line()).toContain("step 3 tapOn");
  });
});

import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { openTrace } from "../../reports/trace/reader.js";
import { EXIT, main } from "../../runner/cli.js";
import { analyzeDir, tempDir } from "../support/trace-builder.js";

/** `permtrace report <dir> --fail-on <sev>`: its exit code. */
async function gate(dir: string, sev: string, ...more: string[]): Promise<number> {
  return main(["--log-level", "silent", "report", dir, "--fail-on", sev, ...more], { out: () => undefined, err: () => undefined });
}

/** The stand-in suite with a fourth scenario that waits ten minutes: the run cannot end before it is killed. */
async function longSuite(): Promise<string> {
  const { suite } = await import("../support/stand-in-device.js");
  const { writeFileSync } = await import("node:fs");
  const dir = suite();
  writeFileSync(join(dir, "04-long.scenario.yaml"), "name: long\npurpose: a long wait\nneeds: []\nsteps:\n  - launch\n  - consent: accept\n  - wait: 10m\n");
  return dir;
}

async function until(done: () => boolean): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!done() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
}

// A `permtrace run` (built; stand-in device, fake UI) killed with SIGKILL in the middle of a
// scenario's long wait: what it wrote must be a trace the reporter reads.
const DIST = new URL("../../dist/", import.meta.url).pathname;

const SCRIPT = (dist: string, suite: string, out: string, ui = "async () => ({ ui: fakeUi(device), close: async () => undefined })") => `
import { writeFileSync } from "node:fs";
import { runRun } from ${JSON.stringify(join(dist, "runner/commands/run.js"))};
import { createLogger } from ${JSON.stringify(join(dist, "runner/logger.js"))};
import { APP, fakeUi, noopActions, StandInDevice } from ${JSON.stringify(join(dist, "test/support/stand-in-device.js"))};
createLogger("silent", false);
const device = new StandInDevice();
await runRun({
  app: APP,
  scenarios: ${JSON.stringify(suite)},
  out: ${JSON.stringify(out)},
  backend: { open: async () => device },
  ui: ${ui},
  actions: (_d, spawn) => noopActions(spawn),
  sleep: (ms) => { writeFileSync(${JSON.stringify(out + ".waiting")}, "1"); return new Promise((r) => setTimeout(r, ms)); },
});
`;

describe("a run killed mid-scenario", () => {
  it("leaves a trace the reporter reads, marked incomplete, with what was recorded so far", async () => {
    expect(existsSync(join(DIST, "test/support/stand-in-device.js")), "npm test builds dist/ first").toBe(true);
    const dir = await longSuite();
    const out = join(tempDir(), "trace");
    const child = spawn(process.execPath, ["--input-type=module", "-e", SCRIPT(DIST, dir, out)], { stdio: "ignore" });
    const deadline = Date.now() + 20_000;
    // The first three scenarios have no waits; the fourth's wait is where it is killed.
    while (!existsSync(`${out}.waiting`) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    // Let the last scenario's wait start for real.
    await new Promise((r) => setTimeout(r, 200));
    const wasWaiting = readFileSync(`${out}.waiting`, "utf8");
    child.kill("SIGKILL");
    await new Promise((r) => child.once("exit", r));
    expect(wasWaiting).toBe("1");

    const trace = openTrace(out);
    expect(trace.manifest.complete).toBe(false);
    const kinds = trace.markers.map((m) => m.kind);
    expect(kinds.filter((k) => k === "scenario_start").length).toBeGreaterThanOrEqual(1);
    expect(kinds).toContain("step_start");
    const a = analyzeDir(out);
    expect(a.trace.calls).toBeGreaterThan(0);
    expect(a.warnings[0]).toMatch(/did not finish cleanly/);
    expect(a.findings.some((f) => f.rule === "consent.pre_consent_collection")).toBe(true);
    // What the trace vouches for: the agent loaded (its coverage is written as it arrives, not at
    // the end a killed run never reaches), three scenarios done, the fourth cut off in its wait.
    expect(a.status).toBe("incomplete");
    expect(a.evidence.agent.loaded).toBe(true);
    expect(a.evidence.agent.hooked).toBeGreaterThan(0);
    expect(a.evidence.scenarios.map((s) => [s.name, s.outcome])).toEqual([["accept", "ok"], ["crash", "failed"], ["after", "ok"], ["long", "unfinished"]]);
    expect(a.evidence.scenarios[3]).toMatchObject({ step: 2, action: "wait" });
    expect(await gate(out, "critical")).toBe(EXIT.incomplete);
    expect(await gate(out, "critical", "--accept-incomplete")).toBe(EXIT.ok);
  });

  it("killed before its first scenario (the UI never came up): no evidence, refused by --fail-on info", async () => {
    const dir = await longSuite();
    const out = join(tempDir(), "trace");
    const hang = `async () => { (await import("node:fs")).writeFileSync(${JSON.stringify(`${out}.ui`)}, "1"); await new Promise((r) => setTimeout(r, 60_000)); }`;
    const child = spawn(process.execPath, ["--input-type=module", "-e", SCRIPT(DIST, dir, out, hang)], { stdio: "ignore" });
    await until(() => existsSync(`${out}.ui`));
    child.kill("SIGKILL");
    await new Promise((r) => child.once("exit", r));
    const a = analyzeDir(out);
    expect(a.findings).toHaveLength(0);
    expect(a.status).toBe("no-evidence");
    expect(a.evidence.planned).toBe(true);
    expect(a.evidence.scenarios.map((s) => s.outcome)).toEqual(["not-run", "not-run", "not-run", "not-run"]);
    expect(a.evidence.problems).toEqual([
      "the agent never reported that it loaded (no hook coverage in the trace)",
      "no call was recorded (calls.jsonl is empty)",
      "none of the 4 planned scenario(s) ran: the run was cut off before the first",
      "the run did not finish cleanly",
      "scenario accept never ran",
      "scenario crash never ran",
      "scenario after never ran",
      "scenario long never ran",
    ]);
    expect(await gate(out, "info")).toBe(EXIT.incomplete);
    expect(await gate(out, "info", "--accept-incomplete")).toBe(EXIT.ok);
  });

  // Appium takes a while to come up: the UI here takes 400 ms, so these kills land before, around
  // and after the first scenario, depending on this machine's load.
  const slowUi = "async () => { await new Promise((r) => setTimeout(r, 400)); return { ui: fakeUi(device), close: async () => undefined }; }";
  for (const ms of [500, 700, 900]) {
    it(`killed ${ms} ms after it started: never a pass under --fail-on`, async () => {
      const out = join(tempDir(), "trace");
      const child = spawn(process.execPath, ["--input-type=module", "-e", SCRIPT(DIST, await longSuite(), out, slowUi)], { stdio: "ignore" });
      await new Promise((r) => setTimeout(r, ms));
      child.kill("SIGKILL");
      await new Promise((r) => child.once("exit", r));
      // Killed before the manifest: no trace at all (exit 3); after it: whatever it got to, not a clean result.
      if (!existsSync(join(out, "manifest.json"))) return expect(await gate(out, "info")).toBe(EXIT.input);
      expect(["no-evidence", "incomplete"]).toContain(analyzeDir(out).status);
      expect(await gate(out, "critical")).toBe(EXIT.incomplete);
      expect([EXIT.findings, EXIT.incomplete]).toContain(await gate(out, "info"));
    });
  }
});

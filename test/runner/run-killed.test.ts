import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { openTrace } from "../../reports/trace/reader.js";
import { analyzeDir, tempDir } from "../support/trace-builder.js";

// A `permtrace run` (built; stand-in device, fake UI) killed with SIGKILL in the middle of a
// scenario's long wait: what it wrote must be a trace the reporter reads.
const DIST = new URL("../../dist/", import.meta.url).pathname;

const SCRIPT = (dist: string, suite: string, out: string) => `
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
  ui: async () => ({ ui: fakeUi(device), close: async () => undefined }),
  actions: (_d, spawn) => noopActions(spawn),
  sleep: (ms) => { writeFileSync(${JSON.stringify(out + ".waiting")}, "1"); return new Promise((r) => setTimeout(r, ms)); },
});
`;

describe("a run killed mid-scenario", () => {
  it("leaves a trace the reporter reads, marked incomplete, with what was recorded so far", async () => {
    expect(existsSync(join(DIST, "test/support/stand-in-device.js")), "npm test builds dist/ first").toBe(true);
    const { suite } = await import("../support/stand-in-device.js");
    const { writeFileSync } = await import("node:fs");
    const dir = suite();
    writeFileSync(join(dir, "04-long.scenario.yaml"), "name: long\npurpose: a long wait\nneeds: []\nsteps:\n  - launch\n  - consent: accept\n  - wait: 10m\n");
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
  });
});

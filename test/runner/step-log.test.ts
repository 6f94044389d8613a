import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { tempDir } from "../support/trace-builder.js";

/**
 * The runner's log numbers steps as every other output does (1-based, docs/scenarios.md): the
 * warning for a scenario that failed at its 3rd step says step 3. The built CLI on the sandbox phone.
 */
const REPO = fileURLToPath(new URL("../..", import.meta.url));
const BUILT = join(REPO, "dist", "runner", "cli.js");
const MISSING = `${BUILT} not found: run \`npm run build\` (npm test builds first)`;
const SCENARIO = "name: third-fails\npurpose: the third step looks for what is not there\nneeds: []\nsteps:\n  - launch: {clearData: true}\n  - wait: 1s\n  - assertVisible: {text: Nothing like this, timeout: 1s}\n";

if (!existsSync(BUILT) && !process.env.CI) console.warn(`step-log test skipped: ${MISSING}`);
describe.skipIf(!existsSync(BUILT) && !process.env.CI)("the run's log", () => {
  it("says step 3 for a scenario that failed at its 3rd step", () => {
    if (!existsSync(BUILT)) throw new Error(`${MISSING}. CI builds before the tests.`);
    const suite = tempDir();
    copyFileSync(join(REPO, "scenarios", "sample-app", "app.profile.yaml"), join(suite, "app.profile.yaml"));
    writeFileSync(join(suite, "01-third.scenario.yaml"), SCENARIO);
    const args = [join(REPO, "bin", "permtrace.js"), "run", "--device", "sandbox", "--app", "com.permtrace.sample", "--scenarios", suite, "--out", join(tempDir(), "trace")];
    const r = spawnSync(process.execPath, args, { cwd: REPO, encoding: "utf8", timeout: 60_000 });
    expect(r.status, r.stderr).toBe(0);
    // Not a terminal: the log is JSON lines on stderr.
    const lines = r.stderr.split("\n").filter((l) => l.startsWith("{")).map((l) => JSON.parse(l) as { level: number; scenario?: string; step?: number; msg: string });
    const failed = lines.find((l) => l.level === 40 && l.scenario === "third-fails");
    expect(failed, r.stderr).toMatchObject({ step: 3, msg: expect.stringContaining("no element") });
  });
});

import { cpSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadSuite } from "../../runner/scenario/load.js";
import { durationSpelling, MAX_DURATION_MS } from "../../runner/scenario/steps.js";
import { tempDir } from "../support/trace-builder.js";

/** A copy of the shop suite whose first scenario has the given steps. */
function suiteWith(steps: string): { dir: string; file: string } {
  const dir = tempDir();
  cpSync("scenarios/examples/shop", dir, { recursive: true });
  const file = join(dir, "01-launch-accept.scenario.yaml");
  writeFileSync(file, `name: a\npurpose: p\nneeds: []\nsteps:\n${steps}`);
  return { dir, file };
}

const problem = (steps: string): string => {
  const { dir } = suiteWith(steps);
  try {
    loadSuite(dir);
    return "valid";
  } catch (err) {
    return (err as { toLine(): string }).toLine().replace(`${dir}/`, "");
  }
};

describe("scenario durations", () => {
  it("refuses a wait past a day, which would never end, naming the line", () => {
    expect(problem("  - wait: 99999999999999999999s\n")).toBe("01-launch-accept.scenario.yaml:5: wait: 99999999999999999999s is longer than 24 hours, the most a step may last — a longer soak is several steps, or several scenarios");
    expect(problem("  - back\n  - background: 1e20\n")).toMatch(/:6: background: 100000000000000000000 seconds is longer than 24 hours/);
    expect(problem("  - launch: {wait: 1441m}\n")).toMatch(/:5: launch: 1441m is longer than 24 hours/);
    expect(problem("  - tapOn: {text: Go, timeout: 100000s}\n")).toMatch(/:5: tapOn: 100000s is longer than 24 hours/);
    expect(problem("  - wait: 1440m\n")).toBe("valid");
    expect(MAX_DURATION_MS).toBe(86_400_000);
  });

  it("a duration written in words gets its accepted spelling, which validates", () => {
    expect(problem("  - wait: 3 minutes\n")).toBe('01-launch-accept.scenario.yaml:5: wait: "3 minutes" is not a duration — write it as wait: 3m');
    expect(problem("  - wait: 3m\n")).toBe("valid");
    expect(problem("  - background: 2 hours\n")).toMatch(/— write it as background: 120m$/);
    expect(problem("  - wait: soon\n")).toMatch(/wait: "soon" is not a duration — durations are 500ms, 2s, 3m or a number of seconds, e.g. wait: 3m$/);
    expect(problem("  - launch: {wait: 3 minutes}\n")).toMatch(/:5: launch: value 'wait' is not a duration: write 500ms, 2s, 3m or a number of seconds$/);
    expect([durationSpelling("1.5 s"), durationSpelling("250 msec"), durationSpelling("90 sec"), durationSpelling("3 weeks")]).toEqual(["1500ms", "250ms", "90s", undefined]);
  });
});

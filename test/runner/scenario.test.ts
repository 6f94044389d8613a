import { cpSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ScenarioError } from "../../reports/errors.js";
import { loadScenario, loadSuite } from "../../runner/scenario/load.js";
import { durationMs } from "../../runner/scenario/steps.js";
import { tempDir } from "../support/trace-builder.js";

function scenario(yaml: string): string {
  const path = join(tempDir(), "s.scenario.yaml");
  writeFileSync(path, yaml);
  return path;
}

function errorLine(yaml: string): string {
  const path = scenario(yaml);
  try {
    loadScenario(path);
  } catch (e) {
    expect(e).toBeInstanceOf(ScenarioError);
    return (e as ScenarioError).toLine().replace(path, "FILE");
  }
  throw new Error("expected a ScenarioError");
}

const HEAD = "name: s\npurpose: p\nneeds: []\nsteps:\n";

describe("scenario files", () => {
  it("normalises steps with their lines, nested repeats included", () => {
    const s = loadScenario(scenario(`${HEAD}  - launch\n  - consent: accept\n  - tapOn: {id: map}\n  - repeat:\n      times: 2\n      steps:\n        - back\n        - wait: 500ms\n`));
    expect(s.steps.map((x) => [x.action, x.line])).toEqual([
      ["launch", 5],
      ["consent", 6],
      ["tapOn", 7],
      ["repeat", 8],
    ]);
    expect(s.steps[2]!.params).toEqual({ id: "map" });
    expect(s.steps[3]!.steps!.map((x) => [x.action, x.params, x.line])).toEqual([
      ["back", undefined, 11],
      ["wait", "500ms", 12],
    ]);
  });

  it("names the file and line of every mistake, with a fix", () => {
    expect(errorLine(`${HEAD}  - launch\n  - tapon: Settings\n`)).toBe("FILE:6: unknown step 'tapon' — did you mean 'tapOn'?");
    expect(errorLine(`${HEAD}  - tapOn\n`)).toBe("FILE:5: step 'tapOn' needs a value — e.g. tapOn: Settings");
    expect(errorLine(`${HEAD}  - back: now\n`)).toBe("FILE:5: step 'back' takes no value — write it as '- back'");
    expect(errorLine(`${HEAD}  - consent: maybe\n`)).toBe("FILE:5: consent: value must be one of accept, reject — e.g. consent: accept");
    expect(errorLine(`${HEAD}  - permissionDialog: later\n`)).toBe("FILE:5: permissionDialog: value must be one of allow, deny, deny_dont_ask — e.g. permissionDialog: deny");
    expect(errorLine(`${HEAD}  - wait: soon\n`)).toMatch(/^FILE:5: wait: "soon" is not a duration — durations are 500ms, 2s, 3m or a number of seconds, e.g. wait: 3m$/);
    expect(errorLine("name: s\npurpose: p\nneeds: [locaton]\nsteps: [back]\n")).toBe("FILE:3: 'locaton' is not a data category — did you mean 'location'?");
    expect(errorLine("name: s\npurpose: p\nsteps: [back]\n")).toMatch(/^FILE:1: missing 'needs' — list the data categories/);
    expect(errorLine("name: s\npurpos: p\nneeds: []\nsteps: [back]\n")).toBe("FILE:2: unknown key 'purpos' — did you mean 'purpose'?");
    expect(errorLine(`${HEAD}  - repeat:\n      times: 2\n      steps:\n        - bak\n`)).toBe("FILE:8: unknown step 'bak' — did you mean 'back'?");
    expect(errorLine(`${HEAD}  - [unclosed\n`)).toMatch(/^FILE:\d+:\d+: YAML syntax/);
  });

  it("parses durations", () => {
    expect([durationMs("500ms"), durationMs("2s"), durationMs("1.5m"), durationMs(3)]).toEqual([500, 2000, 90_000, 3000]);
  });
});

describe("suites", () => {
  it("the example suite is valid: eight scenarios covering accept, reject, denials, background and relaunch", () => {
    const suite = loadSuite("scenarios/examples/shop");
    expect(suite.profile.app).toBe("com.example.shop");
    expect(suite.scenarios.map((s) => s.name)).toEqual(["launch-accept", "launch-reject", "deny-location", "deny-camera", "deny-microphone", "deny-contacts", "background-soak", "relaunch-after-denial"]);
  });

  it("rejects duplicate names, a foreign app and a missing profile", () => {
    const dir = tempDir();
    cpSync("scenarios/examples/shop", dir, { recursive: true });
    writeFileSync(join(dir, "09-copy.scenario.yaml"), "name: launch-accept\npurpose: p\nneeds: []\nsteps: [back]\n");
    expect(() => loadSuite(dir)).toThrowError(/scenario name 'launch-accept' is used twice/);
    writeFileSync(join(dir, "09-copy.scenario.yaml"), "name: other\napp: com.other\npurpose: p\nneeds: []\nsteps: [back]\n");
    expect(() => loadSuite(dir)).toThrowError(/app 'com.other' differs from the suite's app 'com.example.shop'/);
    expect(() => loadSuite(tempDir())).toThrowError(/app.profile.yaml missing/);
  });
});

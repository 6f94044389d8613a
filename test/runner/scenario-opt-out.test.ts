import { cpSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadSuite } from "../../runner/scenario/load.js";
import { optOutMarker } from "../../runner/scenario/opt-out.js";
import { tempDir } from "../support/trace-builder.js";

/** The shop suite with its first scenario's steps replaced; the loaded steps, or the one-line error. */
function load(steps: string): { steps?: readonly { action: string; params?: unknown }[]; error?: string } {
  const dir = tempDir();
  cpSync("scenarios/examples/shop", dir, { recursive: true });
  writeFileSync(join(dir, "01-launch-accept.scenario.yaml"), `name: a\npurpose: p\nneeds: []\nsteps:\n${steps}`);
  try {
    const suite = loadSuite(dir);
    return { steps: suite.scenarios.find((s) => s.name === "a")!.steps };
  } catch (err) {
    return { error: (err as { toLine(): string }).toLine().replace(`${dir}/`, "") };
  }
}

describe("the optOut step: a purpose and parties", () => {
  it("resolves party names to the keys the rules use, and writes them on the marker", () => {
    const r = load("  - optOut: {purpose: personalised_ads, parties: [优量汇, app, 友盟+]}\n");
    expect(r.error).toBeUndefined();
    const params = r.steps![0]!.params as { purpose: string; parties: string[] };
    expect(params.parties.slice(0, 2)).toEqual(["sdk:tencent-gdt", "app"]);
    expect(params.parties).toContain("sdk:umeng-common");
    expect(optOutMarker(params)).toMatchObject({ purpose: "personalised_ads", parties: params.parties });
    // The older forms stay valid.
    expect(optOutMarker(load("  - optOut: [location]\n").steps![0]!.params)).toEqual({ categories: ["location"] });
    expect(optOutMarker(load("  - optOut\n").steps![0]!.params)).toEqual({});
  });

  it("a party that names no SDK, or an unknown purpose, is one line naming the file and line", () => {
    expect(load("  - optOut: {purpose: personalised_ads, parties: [Acme Ads]}\n").error).toMatch(/^01-launch-accept\.scenario\.yaml:5(:\d+)?: optOut: party 'Acme Ads' matches no catalogue name, alias or family — .*`app` is the app itself/);
    const purpose = load("  - optOut: {purpose: ads}\n").error!;
    expect(purpose).toMatch(/^01-launch-accept\.scenario\.yaml:5/);
    expect(purpose.split("\n")).toHaveLength(1);
  });
});

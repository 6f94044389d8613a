import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { main as startAppium } from "appium";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { remote } from "webdriverio";
import type { Marker } from "../../reports/trace/format.js";
import { runScenario, type DeviceActions } from "../../runner/scenario/executor.js";
import { loadScenario } from "../../runner/scenario/load.js";
import { WebdriverUi } from "../../runner/scenario/ui.js";
import { tempDir } from "../support/trace-builder.js";

// A real Appium server (in-process) with the fake driver and our own fake app, driven through
// webdriverio: the executor's UI side is exercised for real; the device side is a recorder.
const APP = fileURLToPath(new URL("../fixtures/fake-shop.xml", import.meta.url));
const PORT = 4800 + Math.floor(Math.random() * 100);

let server: { close(): Promise<void> };
let browser: WebdriverIO.Browser;

beforeAll(async () => {
  server = (await startAppium({ port: PORT, address: "127.0.0.1", loglevel: "error", subcommand: "server" } as never)) as unknown as { close(): Promise<void> };
  browser = await remote({
    hostname: "127.0.0.1",
    port: PORT,
    logLevel: "error",
    capabilities: { platformName: "Fake", "appium:automationName": "Fake", "appium:deviceName": "Fake", "appium:app": APP } as WebdriverIO.Capabilities,
  });
}, 60_000);

afterAll(async () => {
  // Delete the session before closing the server, or it lingers for a minute.
  await browser?.deleteSession().catch(() => undefined);
  await server?.close();
});

function device(log: string[]): DeviceActions {
  const rec = (what: string) => async () => void log.push(what);
  return {
    launch: async (clear) => void log.push(`launch${clear ? " clearData" : ""}`),
    back: rec("back"),
    home: rec("home"),
    bringToFront: rec("front"),
    screenOff: rec("screenOff"),
    screenOn: rec("screenOn"),
    grant: async (p) => void log.push(`grant ${p}`),
    revoke: async (p) => void log.push(`revoke ${p}`),
  };
}

async function run(yaml: string, extra: Partial<Parameters<typeof runScenario>[1]> = {}) {
  const dir = tempDir();
  const file = join(dir, "s.scenario.yaml");
  writeFileSync(file, yaml);
  const markers: Marker[] = [];
  const log: string[] = [];
  let t = 0;
  const result = await runScenario(loadScenario(file), {
    ui: new WebdriverUi(browser as never),
    device: device(log),
    mark: (m) => void markers.push(m),
    now: () => ++t,
    sleep: async (ms) => void log.push(`sleep ${ms}`),
    saveScreenshot: (name, png) => {
      writeFileSync(join(dir, `${name}.png`), Buffer.from(png, "base64"));
      return `screenshots/${name}.png`;
    },
    findTimeoutMs: 300,
    ...extra,
  });
  return { result, markers, log };
}

async function clicks(id: string): Promise<number> {
  const [el] = await browser.findElements("id", id);
  return Number((await browser.getElementAttribute(Object.values(el!)[0] as string, "clicks")) ?? 0);
}

describe("scenario executor on a real Appium server (fake driver)", () => {
  it("runs steps, finds the consent button among the usual wordings, and marks everything on the timeline", async () => {
    const before = await clicks("agree");
    const { result, markers, log } = await run(
      "name: accept\npurpose: p\nneeds: [location]\nsteps:\n  - launch: {clearData: true}\n  - consent: accept\n  - tapOn: Nearby stores\n  - permissionDialog: deny\n  - inputText: {into: {id: search}, text: coffee}\n  - background: 2s\n  - grant: CAMERA\n  - mark: done\n",
    );
    expect(result).toEqual({ scenario: "accept", status: "ok", steps: 8 });
    expect(await clicks("agree")).toBe(before + 1);
    expect(log).toEqual(["launch clearData", "home", "sleep 2000", "front", "grant android.permission.CAMERA"]);
    const kinds = markers.map((m) => m.kind).filter((k) => !["step_start", "step_end", "screenshot"].includes(k));
    expect(kinds).toEqual(["scenario_start", "consent_reset", "consent_accepted", "permission_dialog_shown", "permission_dialog_answered", "background", "foreground", "permission_granted", "mark", "scenario_end"]);
    expect(markers.filter((m) => m.kind === "screenshot")).toHaveLength(8);
    expect(markers.find((m) => m.kind === "permission_dialog_answered")).toMatchObject({ answer: "deny" });
    expect(markers[0]).toMatchObject({ kind: "scenario_start", scenario: "accept", needs: ["location"] });
    expect(markers.find((m) => m.kind === "step_start" && m.action === "tapOn")).toMatchObject({ step: 2, label: "Nearby stores" });
  });

  it("a missing element fails the step and ends the scenario, naming the step and its line", async () => {
    const { result, markers } = await run("name: broken\npurpose: p\nneeds: []\nsteps:\n  - tapOn: Scan\n  - assertVisible: Checkout\n  - back\n");
    expect(result.status).toBe("failed");
    expect(result.failure).toMatchObject({ step: 1, action: "assertVisible", line: 6 });
    expect(result.failure!.error).toMatch(/no element \{"text":"Checkout"\} on screen/);
    expect(markers.filter((m) => m.kind === "step_end").map((m) => m.status)).toEqual(["ok", "failed"]);
    expect(markers[markers.length - 1]).toMatchObject({ kind: "scenario_end", status: "failed" });
  });

  it("does not take a hidden element, and repeats steps", async () => {
    const hidden = await run("name: h\npurpose: p\nneeds: []\nsteps:\n  - tapOn: Hidden\n");
    expect(hidden.result.failure?.error).toMatch(/no element \{"text":"Hidden"\} on screen/);
    const { result, markers } = await run("name: r\npurpose: p\nneeds: []\nsteps:\n  - repeat:\n      times: 3\n      steps:\n        - tapOn: {accessibilityId: Voice search}\n");
    expect(result).toMatchObject({ status: "ok", steps: 3 });
    expect(markers.filter((m) => m.kind === "step_start").map((m) => m.step)).toEqual([0, 1, 2]);
  });
});

describe("a process that dies during a step", () => {
  it("fails that step, once the news of the death has had time to arrive (settle, then aborted)", async () => {
    // Like frida: the detach comes a moment after the tap returned.
    let died = false;
    const { result, log } = await run("name: crash\npurpose: p\nneeds: []\nsteps:\n  - tapOn: Nearby stores\n  - wait: 1s\n", {
      settle: async () => {
        await new Promise((r) => setTimeout(r, 20));
        died = true;
      },
      aborted: () => (died ? "the app's process 1 ended (process-terminated)" : undefined),
    });
    expect(result).toMatchObject({ status: "failed", failure: { step: 0, action: "tapOn", error: expect.stringMatching(/process-terminated/) } });
    expect(log).not.toContain("sleep 1000");
  });
});

/**
 * `npm run bench:runner [-- --steps 200]`: against one in-process Appium server with the fake
 * driver and the shipped fake app,
 *  1. the runner's overhead per scenario step (executor, markers written to a real trace,
 *     screenshot stored) over the same WebDriver calls made raw with webdriverio — target ≤ 10%;
 *  2. the wall time of a suite on 1, 2 and 4 parallel fake devices (the compiled agent in the
 *     Frida-runtime stand-in, one Appium session each).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { positiveInt, scriptArgs } from "./args.js";
import { main as startAppium } from "appium";
import { remote } from "webdriverio";
import { TraceWriter } from "../reports/trace/writer.js";
import { runMany } from "../runner/commands/run-many.js";
import { runRun } from "../runner/commands/run.js";
import { runScenario } from "../runner/scenario/executor.js";
import { loadScenario } from "../runner/scenario/load.js";
import { WebdriverUi } from "../runner/scenario/ui.js";
import { createLogger } from "../runner/logger.js";
import { noopActions, StandInDevice } from "../test/support/stand-in-device.js";

createLogger("silent", false);

const { values } = scriptArgs("npm run bench:runner -- [--steps N]", () => parseArgs({ options: { steps: { type: "string", default: "200" } } }));
const STEPS = positiveInt("--steps", values.steps);
const APP_XML = new URL("../../test/fixtures/fake-shop.xml", import.meta.url).pathname;
const PORT = 4900 + Math.floor(Math.random() * 100);
const caps = { platformName: "Fake", "appium:automationName": "Fake", "appium:deviceName": "Fake", "appium:app": APP_XML } as WebdriverIO.Capabilities;
const session = () => remote({ hostname: "127.0.0.1", port: PORT, logLevel: "silent", capabilities: caps });
const tmp = mkdtempSync(join(tmpdir(), "permtrace-bench-runner-"));
const server = (await startAppium({ port: PORT, address: "127.0.0.1", loglevel: "error", subcommand: "server" } as never)) as unknown as { close(): Promise<void> };

try {
  // 1. Overhead per step.
  const browser = await session();
  const ref = (f: Record<string, string>): string => Object.values(f)[0]!;
  const raw = async (): Promise<number> => {
    const started = performance.now();
    for (let i = 0; i < STEPS; i++) {
      const [el] = await browser.findElements("xpath", '//*[@text="Nearby stores" or @content-desc="Nearby stores"]');
      await browser.isElementDisplayed(ref(el!));
      await browser.elementClick(ref(el!));
      await browser.takeScreenshot();
    }
    return performance.now() - started;
  };
  const scenarioFile = join(tmp, "bench.scenario.yaml");
  writeFileSync(scenarioFile, `name: bench\npurpose: step overhead\nneeds: []\nsteps:\n  - repeat:\n      times: ${STEPS}\n      steps:\n        - tapOn: Nearby stores\n`);
  const scenario = loadScenario(scenarioFile);
  const runner = async (): Promise<number> => {
    const dir = mkdtempSync(join(tmp, "trace-"));
    rmSync(dir, { recursive: true });
    const writer = new TraceWriter(dir, { tool: { name: "permtrace", version: "bench" }, device: { kind: "sandbox" }, app: { package: "com.example.shop" } });
    const started = performance.now();
    await runScenario(scenario, {
      ui: new WebdriverUi(browser as never),
      device: noopActions(async () => undefined),
      mark: (m) => writer.mark(m),
      now: () => performance.now() - started,
      sleep: async () => undefined,
      saveScreenshot: (name, png) => {
        writeFileSync(join(dir, `${name}.png`), Buffer.from(png, "base64"));
        return `${name}.png`;
      },
    });
    const ms = performance.now() - started;
    writer.close();
    return ms;
  };
  await raw(); // warm-up
  await runner();
  const rawMs = Math.min(await raw(), await raw());
  const runMs = Math.min(await runner(), await runner());
  await browser.deleteSession();
  const overhead = (runMs - rawMs) / rawMs;

  // 2. A suite on 1, 2 and 4 parallel fake devices.
  const suite = join(tmp, "suite");
  mkdirp(suite);
  writeFileSync(join(suite, "app.profile.yaml"), "app: com.example.app\n");
  for (let i = 1; i <= 8; i++) {
    writeFileSync(join(suite, `${String(i).padStart(2, "0")}.scenario.yaml`), `name: s${i}\npurpose: bench\nneeds: []\nsteps:\n  - launch: {clearData: true}\n  - consent: accept\n  - tapOn: Nearby stores\n  - inputText: {into: {id: search}, text: coffee}\n  - assertVisible: Home\n`);
  }
  const wall: [number, number][] = [];
  for (const n of [1, 2, 4]) {
    const devices = Array.from({ length: n }, (_, i) => `fake-${i + 1}`);
    const common = {
      app: "com.example.app",
      scenarios: suite,
      backend: { open: async (sel: { serial?: string }) => new StandInDevice(sel.serial ?? "fake") },
      ui: async () => {
        const b = await session();
        return { ui: new WebdriverUi(b as never), close: () => b.deleteSession() };
      },
      actions: (_d: unknown, spawn: () => Promise<void>) => noopActions(spawn),
      sleep: async () => undefined,
      formats: ["json" as const],
    };
    const out = join(tmp, `suite-${n}`);
    const started = performance.now();
    if (n === 1) await runRun({ ...common, out, device: devices[0]! });
    else await runMany({ ...common, devices, out });
    wall.push([n, performance.now() - started]);
  }

  const line = (k: string, v: string): void => void process.stdout.write(`${k.padEnd(54)}${v}\n`);
  process.stdout.write(`node ${process.version}, Appium 3 fake driver, ${STEPS} tapOn steps\n`);
  line("raw webdriverio (find, displayed, click, screenshot)", `${(rawMs / STEPS).toFixed(2)} ms/step`);
  line("runner (executor, markers, trace, screenshot file)", `${(runMs / STEPS).toFixed(2)} ms/step`);
  line("runner overhead", `${(overhead * 100).toFixed(1)} %`);
  for (const [n, ms] of wall) line(`suite of 8 scenarios on ${n} fake device(s)`, `${(ms / 1000).toFixed(2)} s`);
  process.stdout.write(`${overhead <= 0.1 ? "met   " : "MISSED"}  runner overhead within 10% of raw webdriverio (${(overhead * 100).toFixed(1)} %)\n`);
} finally {
  await server.close();
  rmSync(tmp, { recursive: true, force: true });
}

function mkdirp(dir: string): void {
  mkdirSync(dir, { recursive: true });
}

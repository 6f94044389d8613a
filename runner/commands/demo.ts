import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { UsageError } from "../../reports/errors.js";
import { packageRoot } from "../../reports/version.js";
import { SampleMapApp, SAMPLE_PACKAGE } from "../sandbox/sample-app.js";
import { SandboxBackend, sandboxActions, sandboxUi, SANDBOX } from "../sandbox/index.js";
import { runRun, type Progress, type RunResult } from "./run.js";
import type { ReportFormat } from "./report.js";

export interface DemoOptions {
  /** A new directory for the trace; default: ./permtrace-demo (or -2, -3… when taken). */
  readonly out?: string;
  readonly progress?: Progress;
  readonly appiumUrl?: string;
}

/** The sample app's scenario suite. */
export function sampleSuite(): string {
  return join(packageRoot(), "scenarios", "sample-app");
}

/** The formats the demo writes: the evidence report first, then the findings and a summary. */
export const DEMO_FORMATS: readonly ReportFormat[] = ["html", "json", "md"];

function freshDir(base: string): string {
  if (!existsSync(base)) return base;
  for (let i = 2; i < 1000; i++) if (!existsSync(`${base}-${i}`)) return `${base}-${i}`;
  throw new UsageError(`${base} and its numbered siblings are taken`, { where: "--out", fix: "pass --out <new-dir>" });
}

/**
 * `permtrace demo`: the sample app's suite on the sandbox phone, end to end — the compiled agent
 * in each of the app's processes, the runner, a real Appium server (fake driver), the reporter.
 */
export async function runDemo(o: DemoOptions = {}): Promise<RunResult> {
  const out = o.out ? resolve(o.out) : freshDir(resolve("permtrace-demo"));
  return runRun({
    app: SAMPLE_PACKAGE,
    scenarios: sampleSuite(),
    out,
    device: SANDBOX,
    backend: new SandboxBackend(() => new SampleMapApp()),
    ui: (device) => sandboxUi(device, o.appiumUrl),
    actions: sandboxActions,
    formats: DEMO_FORMATS,
    ...(o.progress ? { progress: o.progress } : {}),
  });
}

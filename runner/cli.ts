import { existsSync, readFileSync } from "node:fs";
import { stepNumber } from "../reports/render/step-number.js";
import { Command, CommanderError, Option } from "commander";
import { PermtraceError, UsageError } from "../reports/errors.js";
import { SEVERITIES, type Severity } from "../reports/rules/types.js";
import { TOOL } from "../reports/version.js";
import { termText } from "../reports/render/escape.js";
import { createLogger, LOG_LEVELS, type LogLevel } from "./logger.js";
import { checkOutDir, checkOutFile } from "./out-dir.js";

const FS_ERRORS: Readonly<Record<string, string>> = {
  ENOENT: "no such file or directory",
  EACCES: "permission denied — check the file's permissions",
  EPERM: "operation not permitted — check the file's permissions",
  EISDIR: "is a directory, expected a file",
  ENOTDIR: "a part of this path is not a directory",
  EEXIST: "already exists and is not a directory — choose another --out",
  ENOSPC: "no space left on the device — free some space and run again",
  EROFS: "read-only file system — choose another --out",
  EMFILE: "too many open files",
};

/** A devices file: one serial or host:port a line; blank lines and # comments ignored. */
function readDevicesFile(path: string): string[] {
  if (!existsSync(path)) throw new UsageError("devices file not found", { where: "--devices-file", fix: `check the path ${path}` });
  const devices = readFileSync(path, "utf8")
    .split("\n")
    .map((l) => l.replace(/#.*/, "").trim())
    .filter(Boolean);
  if (devices.length === 0) throw new UsageError("no device in the file", { where: path, fix: "one serial or host:port a line" });
  return devices;
}

/** The devices of `run`: --device or --devices-file, never both (one would be silently ignored). */
function devicesOf(o: { device?: string[]; devicesFile?: string }): string[] {
  if (o.devicesFile && o.device?.length) throw new UsageError("--device and --devices-file both name the devices", { where: "--devices-file", fix: "give the devices one way: drop --device, or drop --devices-file" });
  return o.devicesFile ? readDevicesFile(o.devicesFile) : (o.device ?? []);
}

/** `run` takes its formats as --report: a bad one is named by that flag, not report's --format. */
function underFlag<T>(flag: string, parse: () => T): T {
  try {
    return parse();
  } catch (err) {
    if (err instanceof UsageError && err.where === "--format") throw new UsageError(err.message, { where: flag, ...(err.fix ? { fix: err.fix } : {}) });
    throw err;
  }
}

type DeviceHandle = import("./device/backend.js").DeviceHandle;

/** A phone: frida for processes, adb for device actions, Appium (UiAutomator2) for the UI. */
async function deviceSide(app: string, appiumUrl: string | undefined) {
  const { FridaBackend } = await import("./device/frida-backend.js");
  const { AdbActions } = await import("./device/adb.js");
  const { appiumUi } = await import("./scenario/appium.js");
  return {
    backend: new FridaBackend(),
    ui: (device: DeviceHandle) => appiumUi(device, app, appiumUrl),
    actions: (device: DeviceHandle, spawn: () => Promise<void>) => new AdbActions(device.serial, app, spawn),
  };
}

/** The sandbox phone with the sample app; Appium with the fake driver for the UI. */
async function sandboxSide(app: string, appiumUrl: string | undefined) {
  const { SandboxBackend, sandboxActions, sandboxUi } = await import("./sandbox/index.js");
  const { SampleMapApp, SAMPLE_PACKAGE } = await import("./sandbox/sample-app.js");
  if (app !== SAMPLE_PACKAGE) {
    throw new UsageError(`the sandbox phone has only ${SAMPLE_PACKAGE} installed, not ${app}`, { where: "--app", fix: `use --app ${SAMPLE_PACKAGE} --scenarios scenarios/sample-app, or a real device` });
  }
  return { backend: new SandboxBackend(() => new SampleMapApp()), ui: (device: DeviceHandle) => sandboxUi(device, appiumUrl), actions: sandboxActions };
}

/** Exit codes, decided here and only here. */
export const EXIT = { ok: 0, findings: 1, usage: 2, input: 3, incomplete: 4, internal: 70 } as const;

export interface Io {
  out(text: string): void;
  err(text: string): void;
}

const stdio: Io = { out: (t) => void process.stdout.write(t), err: (t) => void process.stderr.write(t) };

/** Declares the commands; each one's work lives in runner/commands/ and is loaded on demand. */
export function buildProgram(io: Io, setExit: (code: number) => void): Command {
  const program = new Command("permtrace")
    .description("Measure what an Android app does with personal data, and flag what regulators flag.")
    .version(TOOL.version)
    .addOption(new Option("--log-level <level>", "log verbosity").choices(LOG_LEVELS).default("info"))
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({ writeOut: io.out, writeErr: io.err })
    .hook("preAction", (cmd) => {
      createLogger(cmd.opts<{ logLevel: LogLevel }>().logLevel);
    });

  program
    .command("report")
    .description("analyse a trace directory: findings as JSON and a Markdown summary")
    .argument("<trace-dir>", "a trace directory written by `permtrace run` or `npm run gen:trace`")
    .option("--policy <name|file>", "built-in policy (strict, tencent-myapp, huawei-appgallery, xiaomi-vivo, miit-164) or a policy YAML file (default: the policy the run recorded in the trace, else strict)")
    .option("--profile <file>", "app profile YAML: app type, published SDK list, declared uses (default: the profile the run recorded in the trace)")
    .option("--ignore-recorded", "judge with --policy (default strict) and --profile only, not the policy and profile the run recorded in the trace")
    .option("--out <dir>", "where to write the report (default: <trace-dir>/report)")
    .option("--format <list>", "comma-separated: json, md, junit, csv, xlsx, html, sarif, har", "json,md")
    .addOption(new Option("--fail-on <severity>", "exit 1 when a finding at or above this severity exists, else 4 when the trace has no evidence or a scenario failed or never ran").choices(SEVERITIES))
    .option("--accept-incomplete", "with --fail-on: let a blocked report, one with no evidence, or one with a failed or missing scenario pass the gate (its findings still count)")
    .option("--show-values", "include identifier values (IMEI, Android ID, numbers, locations) instead of redacting them")
    .action(async (traceDir: string, o: { policy?: string; profile?: string; ignoreRecorded?: boolean; out?: string; format: string; failOn?: Severity; acceptIncomplete?: boolean; showValues?: boolean }) => {
      if (o.acceptIncomplete && !o.failOn) throw new UsageError("--accept-incomplete only changes what --fail-on refuses", { where: "--accept-incomplete", fix: "add --fail-on <severity>, or drop --accept-incomplete" });
      const { runReport, reportSummary, parseFormats } = await import("./commands/report.js");
      if (o.out) checkOutDir(o.out);
      const result = await runReport({
        trace: traceDir,
        ...(o.policy ? { policy: o.policy } : {}),
        ...(o.profile ? { profile: o.profile } : {}),
        ignoreRecorded: o.ignoreRecorded === true,
        ...(o.out ? { out: o.out } : {}),
        formats: parseFormats(o.format),
        ...(o.failOn ? { failOn: o.failOn } : {}),
        acceptIncomplete: o.acceptIncomplete === true,
        showValues: o.showValues === true,
      });
      io.out(reportSummary(result, o.failOn));
      // Real findings fail the gate first; a report that cannot vouch for the run fails it next.
      if (result.failing > 0) setExit(EXIT.findings);
      else if (result.unvouched) setExit(EXIT.incomplete);
    });

  program
    .command("run")
    .description("run a scenario suite on a device with the agent loaded, write the trace as it goes, then report")
    .requiredOption("--app <package>", "the app under test (the suite's app profile must be for it)")
    .requiredOption("--scenarios <dir>", "a suite: app.profile.yaml and *.scenario.yaml")
    .requiredOption("--out <trace-dir>", "a new directory for the trace (and its report)")
    .option("--device <serial|serial@host:port|sandbox>", "a USB device by serial, a remote frida-server, or `sandbox` (the sandbox phone with the sample app); default: the first USB device; repeat it to shard the suite across devices", (v: string, prev: string[] = []) => [...prev, v])
    .option("--devices-file <file>", "devices, one per line (# comments), instead of --device")
    .option("--appium-url <url>", "an Appium server or Selenium Grid 4 hub (default: one started in-process)")
    .option("--policy <name|file>", "the report's policy", "strict")
    .option("--report <list>", "report formats: json, md, junit, csv, xlsx, html, sarif, har", "json,md")
    .action(async (o: { app: string; scenarios: string; out: string; device?: string[]; devicesFile?: string; appiumUrl?: string; policy: string; report: string }) => {
      const { runRun } = await import("./commands/run.js");
      const { runMany } = await import("./commands/run-many.js");
      const { TerminalProgress } = await import("./progress.js");
      const devices = devicesOf(o);
      checkOutDir(o.out);
      if (o.appiumUrl) (await import("./scenario/appium.js")).checkAppiumUrl(o.appiumUrl);
      const { parseFormats, reportSummary } = await import("./commands/report.js");
      const formats = underFlag("--report", () => parseFormats(o.report));
      const { SANDBOX } = await import("./sandbox/index.js");
      const odd = devices.find((d) => /^sandbox\b/i.test(d) && d !== SANDBOX);
      if (odd) throw new UsageError(`'${odd}' is not a device: the sandbox phone is named exactly '${SANDBOX}' and takes no host:port`, { where: "--device", fix: `use --device ${SANDBOX}` });
      const sandbox = devices.includes(SANDBOX);
      if (sandbox && devices.length > 1) {
        const fix = devices.every((d) => d === SANDBOX) ? `give --device ${SANDBOX} once` : `run the sandbox on its own: --device ${SANDBOX}`;
        throw new UsageError(devices.every((d) => d === SANDBOX) ? "there is one sandbox phone: it cannot shard a suite" : "the sandbox phone cannot share a suite with other devices", { where: "--device", fix });
      }
      const common = { app: o.app, scenarios: o.scenarios, policy: o.policy, formats, ...(sandbox ? await sandboxSide(o.app, o.appiumUrl) : await deviceSide(o.app, o.appiumUrl)) };
      if (devices.length > 1) {
        // One live line per device would overwrite each other on one terminal: logs tell progress.
        const many = await runMany({ ...common, devices, out: o.out });
        for (const run of many.runs) io.out(run.result ? `${termText(run.device, 200)}: ${run.result.scenarios.filter((s) => s.status === "ok").length}/${run.result.scenarios.length} scenario(s) ok, ${run.result.report.analysis.summary.findings} finding(s), report ${run.result.report.analysis.status}${run.result.incomplete ? " (trace incomplete)" : ""}\n` : `${termText(run.device, 200)}: failed: ${termText(run.error, 1000)}\n`);
        for (const f of many.files) io.out(`  ${termText(f, 2000)}\n`);
        if (many.runs.some((r) => !r.result)) setExit(EXIT.findings);
        return;
      }
      const r = await runRun({ ...common, out: o.out, ...(devices[0] ? { device: devices[0] } : {}), progress: new TerminalProgress(devices[0] ?? "device") });
      for (const s of r.scenarios) io.out(`${s.status === "ok" ? "ok    " : "FAILED"} ${termText(s.scenario, 200)}${s.failure ? `: step ${stepNumber(s.failure.step)} (${s.failure.action}, line ${s.failure.line}): ${termText(s.failure.error, 1000)}` : ""}\n`);
      if (r.incomplete) io.out(`trace incomplete: ${termText(r.incomplete, 1000)}\n`);
      io.out(reportSummary(r.report));
    });

  program
    .command("demo")
    .description("the whole pipeline without a phone: the sample app's scenarios on the sandbox phone, with the real agent, runner, Appium and reports")
    .option("--out <dir>", "a new directory for the trace and its reports (default: ./permtrace-demo, numbered when taken)")
    .option("--appium-url <url>", "an Appium server with the fake driver (default: one started in-process)")
    .action(async (o: { out?: string; appiumUrl?: string }) => {
      if (o.appiumUrl) (await import("./scenario/appium.js")).checkAppiumUrl(o.appiumUrl);
      if (o.out) checkOutDir(o.out);
      const { runDemo } = await import("./commands/demo.js");
      const { reportSummary } = await import("./commands/report.js");
      const { TerminalProgress } = await import("./progress.js");
      const started = performance.now();
      const r = await runDemo({ ...(o.out ? { out: o.out } : {}), ...(o.appiumUrl ? { appiumUrl: o.appiumUrl } : {}), progress: new TerminalProgress("sandbox") });
      for (const s of r.scenarios) io.out(`${s.status === "ok" ? "ok    " : "FAILED"} ${termText(s.scenario, 200)}${s.failure ? `: step ${stepNumber(s.failure.step)} (${s.failure.action}): ${termText(s.failure.error, 1000)}` : ""}\n`);
      if (r.incomplete) io.out(`trace incomplete: ${termText(r.incomplete, 1000)} (the sample app crashes on purpose in scan-crash)\n`);
      io.out(reportSummary(r.report));
      io.out(`\ndemo done in ${((performance.now() - started) / 1000).toFixed(1)} s (sandbox phone, simulated time). Trace: ${r.trace}\n`);
    });

  program
    .command("doctor")
    .description("check adb, the device, frida-server against the frida package, Appium and its UiAutomator2 driver")
    .option("--device <serial|serial@host:port|sandbox>", "the device to check (default: the first attached): a USB serial, a remote frida-server as serial@host:port (its port is checked), or `sandbox` for what the sandbox phone needs")
    .option("--appium-url <url>", "an Appium server or Selenium Grid to check instead of the in-process one")
    .action(async (o: { device?: string; appiumUrl?: string }) => {
      const { runDoctor, renderDoctor } = await import("./commands/doctor.js");
      const results = await runDoctor({ ...(o.device ? { device: o.device } : {}), ...(o.appiumUrl ? { appiumUrl: o.appiumUrl } : {}) });
      io.out(renderDoctor(results));
      if (results.some((r) => r.status === "fail")) setExit(EXIT.findings);
    });

  program
    .command("diff")
    .description("what changed between two runs: new collectors and SDKs, categories, frequency, findings introduced and fixed")
    .argument("<old>", "a trace directory or a findings.json")
    .argument("<new>", "a trace directory or a findings.json")
    .option("--policy <name|file>", "policy for traces given as directories (default: each trace's recorded policy, else strict)")
    .addOption(new Option("--format <format>", "output").choices(["text", "json", "md"]).default("text"))
    .option("--out <file>", "write the output to a file instead of stdout")
    .addOption(new Option("--fail-on <severity>", "exit 1 when an introduced finding is at or above this severity (a regression gate); refuses runs of two different apps").choices(SEVERITIES))
    .option("--force", "with --fail-on: gate a comparison of two different apps anyway")
    .action(async (oldPath: string, newPath: string, o: { policy?: string; format: "text" | "json" | "md"; out?: string; failOn?: Severity; force?: boolean }) => {
      const { runDiff } = await import("./commands/diff.js");
      if (o.out) checkOutFile(o.out);
      const r = runDiff({ old: oldPath, new: newPath, ...(o.policy ? { policy: o.policy } : {}), format: o.format, ...(o.out ? { out: o.out } : {}), ...(o.failOn ? { failOn: o.failOn } : {}), force: o.force === true });
      if (!o.out) io.out(r.text);
      if (r.failing > 0) setExit(EXIT.findings);
    });

  program
    .command("hooks")
    .description("list the agent's hook catalogue: Java hooks, native side channels and native sends")
    .option("--json", "as JSON")
    .action(async (o: { json?: boolean }) => {
      const { renderHooks } = await import("./commands/hooks.js");
      io.out(renderHooks(o.json === true));
    });

  program
    .command("sdks")
    .description("list the SDK catalogue (ids, names, vendors, kinds, families, aliases, packages): what an app profile's `sdks` can name")
    .argument("[query]", "part of an id, name, alias, vendor, family or package")
    .option("--json", "as JSON")
    .action(async (query: string | undefined, o: { json?: boolean }) => {
      const { renderSdks } = await import("./commands/sdks.js");
      io.out(renderSdks(query, o.json === true));
    });

  program
    .command("validate")
    .description("check a scenario suite (app.profile.yaml and *.scenario.yaml) without a device")
    .argument("<suite-dir>", "a folder holding app.profile.yaml and *.scenario.yaml files")
    .action(async (dir: string) => {
      const { loadSuite } = await import("./scenario/load.js");
      const suite = loadSuite(dir);
      const steps = suite.scenarios.reduce((n, s) => n + s.steps.length, 0);
      io.out(`${suite.scenarios.length} scenario(s), ${steps} step(s) for ${termText(suite.profile.app, 200)}: valid\n`);
      for (const s of suite.scenarios) io.out(`  ${termText(s.name, 200)}: ${s.steps.length} step(s), needs ${s.needs.join(", ") || "no personal data"}\n`);
    });

  return program;
}

/** Runs the CLI; returns the exit code. Every user error is one line on stderr, never a stack. */
export async function main(argv: readonly string[], io: Io = stdio): Promise<number> {
  let code: number = EXIT.ok;
  const program = buildProgram(io, (c) => (code = c));
  try {
    await program.parseAsync([...argv], { from: "user" });
    return code;
  } catch (err) {
    if (err instanceof CommanderError) {
      // Commander already printed its one-line message (help and version exit 0).
      return err.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    if (err instanceof PermtraceError) {
      // Paths and values in the line may come from a trace or a file name: no raw controls or bidi.
      io.err(`permtrace: ${termText(err.toLine(), 2000)}\n`);
      return err instanceof UsageError ? EXIT.usage : EXIT.input;
    }
    const sys = err as NodeJS.ErrnoException;
    if (typeof sys?.code === "string" && FS_ERRORS[sys.code]) {
      // A file the user named cannot be read or written: say which and why, in one line.
      io.err(`permtrace: ${termText(sys.path ?? "a file", 2000)}: ${FS_ERRORS[sys.code]}\n`);
      return EXIT.input;
    }
    const e = err as Error;
    io.err(`permtrace: internal error: ${termText(e?.message ?? String(err), 2000)} (please report it; set PERMTRACE_DEBUG=1 for the stack)\n`);
    if (process.env.PERMTRACE_DEBUG) io.err(`${e?.stack ?? ""}\n`);
    return EXIT.internal;
  }
}

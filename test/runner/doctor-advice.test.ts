import { execFile } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { homedir, tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { PermtraceError } from "../../reports/errors.js";
import { packageRoot } from "../../reports/version.js";
import { renderDoctor, runDoctor, type Exec } from "../../runner/commands/doctor.js";
import type { DeviceHandle } from "../../runner/device/backend.js";
import { appiumHome, appiumVersion, shellWord } from "../../runner/scenario/appium-home.js";
import { appiumSession, appiumUi } from "../../runner/scenario/appium.js";

const ROOT = packageRoot();
const FAKE_DRIVER = dirname(createRequire(import.meta.url).resolve("@appium/fake-driver/package.json"));
const noAdb: Exec = async () => ({ ok: false, missing: true, stdout: "", stderr: "" });
const byName = (r: Awaited<ReturnType<typeof runDoctor>>) => Object.fromEntries(r.map((c) => [c.name, c]));
const tmp = mkdtempSync(join(tmpdir(), "permtrace-appium-home-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe("the Appium home doctor, its advice and the in-process server share", () => {
  it("is APPIUM_HOME when set, else ~/.appium — not the project around the current directory (permtrace's checkout depends on appium)", () => {
    expect(appiumHome({})).toBe(join(homedir(), ".appium"));
    expect(appiumHome({ APPIUM_HOME: "rel/home" })).toBe(resolve("rel/home"));
    expect(appiumHome({ APPIUM_HOME: "/srv/appium" })).toBe("/srv/appium");
  });

  it("the uiautomator2 advice sets that home on the command, with the Appium permtrace runs", async () => {
    const home = join(tmp, "it's home");
    const r = byName(await runDoctor({ exec: noAdb, fridaVersion: null, env: { APPIUM_HOME: home } }));
    expect(r["uiautomator2 driver"]).toMatchObject({ status: "fail", detail: `not installed in the Appium home ${home} (a run without --appium-url needs it)` });
    expect(r["uiautomator2 driver"]!.fix).toBe(`APPIUM_HOME='${home.replace("'", "'\\''")}' npx appium@${appiumVersion()} driver install uiautomator2`);
    expect(r.appium).toMatchObject({ status: "ok", detail: `in-process server available (appium ${appiumVersion()})` });
  });

  // The real advice installs appium-uiautomator2-driver from the npm registry (74 MB); offline,
  // the fake driver stands in: the same command, APPIUM_HOME and `npx appium driver install`,
  // with `--source local <dir>` instead of a registry name.
  it("running the advice's command installs into that home (offline, the fake driver standing in), doctor then passes, and the project's package files are unchanged", async () => {
    const home = join(tmp, "appium home");
    const standIn = { name: "fake", install: `--source local ${shellWord(FAKE_DRIVER)}` };
    const first = byName(await runDoctor({ exec: noAdb, fridaVersion: null, env: { APPIUM_HOME: home }, driver: standIn }))["fake driver"]!;
    expect(first.status).toBe("fail");
    const files = ["package.json", "package-lock.json"].map((f) => readFileSync(join(ROOT, f)));
    // `npm link` (what --source local runs) also links the driver into npm's global prefix: a
    // throw-away one, so the test leaves the machine's alone. npm is offline: no registry.
    const prefix = join(tmp, "npm-prefix");
    mkdirSync(join(prefix, "lib"), { recursive: true });
    const env: NodeJS.ProcessEnv = { ...process.env, npm_config_offline: "true", npm_config_prefix: prefix };
    delete env.APPIUM_HOME;
    await promisify(execFile)("sh", ["-c", first.fix!], { cwd: ROOT, env, timeout: 120_000 });
    const after = byName(await runDoctor({ exec: noAdb, fridaVersion: null, env: { APPIUM_HOME: home }, driver: standIn }))["fake driver"]!;
    expect(after).toMatchObject({ status: "ok", detail: `${(JSON.parse(readFileSync(join(FAKE_DRIVER, "package.json"), "utf8")) as { version: string }).version} in ${home}` });
    expect(["package.json", "package-lock.json"].map((f) => readFileSync(join(ROOT, f)))).toEqual(files);
    expect(existsSync(join(home, "node_modules", ".cache", "appium", "extensions.yaml"))).toBe(true);

    // The in-process server given that home finds the driver there: a real session on it.
    const session = await appiumSession(
      { platformName: "Fake", "appium:automationName": "Fake", "appium:deviceName": "sandbox", "appium:app": join(ROOT, "scenarios", "sample-app", "screens.xml") },
      { serial: "sandbox", appiumHome: appiumHome({ APPIUM_HOME: home }) },
    );
    await session.close();
  }, 180_000);

  it("a phone run's in-process server uses it: started from permtrace's checkout, it writes its manifest in ~/.appium, and a missing driver names that home and the advice", async () => {
    const fakeHome = join(tmp, "user");
    const saved = { HOME: process.env.HOME, APPIUM_HOME: process.env.APPIUM_HOME };
    process.env.HOME = fakeHome;
    delete process.env.APPIUM_HOME;
    const cwd = process.cwd();
    process.chdir(ROOT);
    try {
      const err = await appiumUi({ serial: "emulator-5554" } as DeviceHandle, "com.example.shop").then(
        () => undefined,
        (e: unknown) => e,
      );
      const home = join(fakeHome, ".appium");
      expect(err).toBeInstanceOf(PermtraceError);
      expect((err as PermtraceError).message).toMatch(/^cannot start a UiAutomator2 session on emulator-5554: [^\n]+$/);
      expect((err as PermtraceError).fix).toContain(`the Appium home ${home} (APPIUM_HOME=${home} npx appium@${appiumVersion()} driver install uiautomator2)`);
      // Appium wrote its extension manifest in the home it was given, not in the checkout's.
      expect(existsSync(join(home, "node_modules", ".cache", "appium", "extensions.yaml"))).toBe(true);
    } finally {
      process.chdir(cwd);
      for (const [k, v] of Object.entries(saved)) if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }, 60_000);

  it("an Appium home that is not a folder, or an unreadable manifest: one line naming it and the fix", async () => {
    const file = join(tmp, "a-file");
    writeFileSync(file, "");
    const notDir = byName(await runDoctor({ exec: noAdb, fridaVersion: null, env: { APPIUM_HOME: file } }))["uiautomator2 driver"]!;
    expect(notDir).toMatchObject({ status: "fail", detail: `the Appium home ${file} is not a folder` });
    const broken = join(tmp, "broken");
    mkdirSync(join(broken, "node_modules", ".cache", "appium"), { recursive: true });
    writeFileSync(join(broken, "node_modules", ".cache", "appium", "extensions.yaml"), "drivers: [\u001b]2;x\u0007\n  : :");
    const bad = byName(await runDoctor({ exec: noAdb, fridaVersion: null, env: { APPIUM_HOME: broken } }))["uiautomator2 driver"]!;
    expect(bad.status).toBe("fail");
    expect(bad.detail).toMatch(/^Appium cannot read .*extensions\.yaml: /);
    expect(bad.fix).toMatch(/^delete it \(Appium rebuilds it/);
    expect(renderDoctor([bad])).not.toMatch(/[\u0000-\u0009\u000b-\u001f]/);
    // The in-process server given such a home: the same, one line instead of Appium's stack.
    const err = await appiumSession({ platformName: "Fake" }, { serial: "sandbox", appiumHome: file }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PermtraceError);
    expect(err).toMatchObject({ where: `Appium home ${file}`, fix: "check `permtrace doctor`, or pass --appium-url to use a running server" });
    expect((err as Error).message).toMatch(/^cannot start the in-process Appium server: [^\n]*a-file[^\n]*$/);
  });
});

// Opt-in: the advice verbatim, the real driver from the npm registry (about 20 s and 74 MB).
const REGISTRY = process.env.PERMTRACE_TEST_NPM_REGISTRY === "1";
describe.skipIf(!REGISTRY)(`the uiautomator2 advice, run as printed${REGISTRY ? "" : " (skipped: set PERMTRACE_TEST_NPM_REGISTRY=1 to install the real driver from the npm registry)"}`, () => {
  it("installs appium-uiautomator2-driver into the home doctor checks, which then passes; package files unchanged", async () => {
    const home = join(tmp, "real home");
    const advice = byName(await runDoctor({ exec: noAdb, fridaVersion: null, env: { APPIUM_HOME: home } }))["uiautomator2 driver"]!.fix!;
    const files = ["package.json", "package-lock.json"].map((f) => readFileSync(join(ROOT, f)));
    const env: NodeJS.ProcessEnv = { ...process.env };
    delete env.APPIUM_HOME;
    await promisify(execFile)("sh", ["-c", advice], { cwd: ROOT, env, timeout: 300_000 });
    expect(byName(await runDoctor({ exec: noAdb, fridaVersion: null, env: { APPIUM_HOME: home } }))["uiautomator2 driver"]!.status).toBe("ok");
    expect(["package.json", "package-lock.json"].map((f) => readFileSync(join(ROOT, f)))).toEqual(files);
  }, 320_000);
});

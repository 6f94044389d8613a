import { createServer } from "node:net";
import { PermtraceError, UsageError } from "../../reports/errors.js";
import type { DeviceHandle } from "../device/backend.js";
import { appiumHome, driverInstallCommand } from "./appium-home.js";
import { WebdriverUi, type UiDriver } from "./ui.js";

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/**
 * The UI side of a run: a UiAutomator2 session that attaches to the app frida already started
 * (no auto-launch, no reset), on the same device, through an Appium server — the one at
 * `appiumUrl` (a server or a Selenium Grid 4 hub), or one started in-process. `close()` deletes
 * the session before stopping the server (a live session keeps a server busy for a minute).
 */
export async function appiumUi(device: DeviceHandle, appPackage: string, appiumUrl?: string): Promise<{ ui: UiDriver; close(): Promise<void> }> {
  return appiumSession(
    {
      platformName: "Android",
      "appium:automationName": "UiAutomator2",
      "appium:udid": device.serial,
      "appium:appPackage": appPackage,
      "appium:autoLaunch": false,
      "appium:noReset": true,
      "appium:dontStopAppOnReset": true,
      // Steps can wait for minutes (background, lock): never end the session for idleness.
      "appium:newCommandTimeout": 0,
    },
    appiumUrl ? { serial: device.serial, appiumUrl } : inProcess(device.serial),
  );
}

/**
 * The in-process server gets the Appium home doctor checks and its advice installs into (left to
 * itself, Appium would pick the project around the current directory: see appiumHome).
 */
function inProcess(serial: string): { serial: string; appiumHome: string; fix: string } {
  const home = appiumHome();
  return { serial, appiumHome: home, fix: `the UiAutomator2 driver must be installed in the Appium home ${home} (${driverInstallCommand(home)}) and the device reachable by adb: check \`permtrace doctor\`` };
}

/**
 * A webdriverio session with these capabilities on the Appium server at `appiumUrl`, or on one
 * started in-process; `serial` is the device the session must land on (a Grid routes by node).
 */
export async function appiumSession(capabilities: Record<string, unknown>, o: { serial: string; appiumUrl?: string; fix?: string; appiumHome?: string }): Promise<{ ui: UiDriver; close(): Promise<void> }> {
  const appiumUrl = o.appiumUrl;
  if (appiumUrl !== undefined) checkAppiumUrl(appiumUrl);
  const device = { serial: o.serial };
  let server: { close(): Promise<void> } | undefined;
  let url = appiumUrl;
  if (!url) {
    const { main } = (await import("appium")) as { main: (args: object) => Promise<{ close(): Promise<void> }> };
    // Appium logs its start-up (dbug … Creating hash file directory) before `loglevel` applies: quiet its shared npmlog first.
    Object.assign((globalThis as { _global_npmlog?: object })._global_npmlog ?? {}, { level: "error" });
    const port = await freePort();
    // throwInsteadOfExit: a start-up failure is an error here, not process.exit() under us.
    const before = { int: process.listeners("SIGINT"), term: process.listeners("SIGTERM") };
    // Appium looks for its drivers in its home (by default APPIUM_HOME, else the project around
    // the current directory): callers name it (appiumHome(), or the fake driver's for the
    // sandbox) for this server only — the environment is left alone.
    try {
      server = await main({ port, address: "127.0.0.1", loglevel: "error", subcommand: "server", throwInsteadOfExit: true, ...(o.appiumHome ? { appiumHome: o.appiumHome } : {}) });
    } catch (err) {
      // E.g. an APPIUM_HOME that is a file, or a manifest there that is not YAML: one line, not a stack.
      throw new PermtraceError(`cannot start the in-process Appium server: ${((err as Error)?.message ?? String(err)).split("\n")[0]}`, { where: o.appiumHome ? `Appium home ${o.appiumHome}` : "appium", fix: "check `permtrace doctor`, or pass --appium-url to use a running server" });
    } finally {
      // Appium's own signal handlers exit 0 at Ctrl-C, skipping our cleanup: take them off, so an
      // interrupted run ends like a killed one (the trace on disk stays readable, marked incomplete).
      for (const l of process.listeners("SIGINT")) if (!before.int.includes(l)) process.off("SIGINT", l);
      for (const l of process.listeners("SIGTERM")) if (!before.term.includes(l)) process.off("SIGTERM", l);
    }
    url = `http://127.0.0.1:${port}`;
  }
  const u = new URL(url);
  const { remote } = await import("webdriverio");
  try {
    const browser = await remote({
      protocol: u.protocol.replace(":", ""),
      hostname: u.hostname,
      port: Number(u.port || (u.protocol === "https:" ? 443 : 80)),
      path: u.pathname || "/",
      // Failures come back as one line below, not as webdriverio's logged stacks.
      logLevel: "silent",
      connectionRetryCount: 1,
      capabilities: capabilities as WebdriverIO.Capabilities,
    });
    // A Grid routes by node, not by udid: make sure the session is on the device frida instruments.
    const caps = browser.capabilities as Record<string, unknown>;
    const landed = caps["appium:udid"] ?? caps.udid ?? caps.deviceUDID;
    if (typeof landed === "string" && landed !== device.serial) {
      await browser.deleteSession().catch(() => undefined);
      throw new Error(`the session landed on device ${landed}, not ${device.serial}: give the Grid node a stereotype for this device`);
    }
    return {
      ui: new WebdriverUi(browser as never),
      close: async () => {
        await browser.deleteSession().catch(() => undefined);
        await server?.close();
      },
    };
  } catch (err) {
    await server?.close().catch(() => undefined);
    throw new PermtraceError(`cannot start a ${String(capabilities["appium:automationName"] ?? "Appium")} session on ${device.serial}: ${((err as Error)?.message ?? String(err)).split("\n")[0]}`, {
      where: appiumUrl ? "--appium-url" : "appium",
      fix: o.fix ?? `the server at ${appiumUrl ?? "--appium-url"} must have the UiAutomator2 driver and reach the device by adb: check \`permtrace doctor --appium-url <url>\``,
    });
  }
}

/** `--appium-url`: an http(s) URL that Node can parse (IPv6 hosts, Grid paths and credentials are fine). */
export function checkAppiumUrl(url: string): void {
  let ok = false;
  try {
    const u = new URL(url);
    ok = (u.protocol === "http:" || u.protocol === "https:") && u.hostname !== "";
  } catch {
    ok = false;
  }
  if (!ok) throw new UsageError(`not an Appium server URL: ${url}`, { where: "--appium-url", fix: "give an http(s) URL, like http://127.0.0.1:4723" });
}

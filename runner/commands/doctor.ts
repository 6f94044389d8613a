import { execFile } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { createConnection } from "node:net";
import { termText } from "../../reports/render/escape.js";
import { PINNED_FRIDA } from "../../reports/version.js";
import { parseDevice } from "../device/backend.js";
import { FRIDA_MISSING_FIX } from "../device/frida-backend.js";
import { appiumHome, appiumVersion } from "../scenario/appium-home.js";
import { driverCheck, type DriverSpec } from "./doctor-appium.js";
import { localFridaCheck } from "./doctor-frida.js";

export type CheckStatus = "ok" | "warn" | "fail" | "skip";

export interface CheckResult {
  readonly name: string;
  readonly status: CheckStatus;
  readonly detail: string;
  readonly fix?: string;
}

/** Runs a program; resolves with its output, or with an error code when it cannot run. */
export type Exec = (cmd: string, args: readonly string[]) => Promise<{ ok: boolean; stdout: string; stderr: string; missing?: boolean }>;

export const realExec: Exec = (cmd, args) =>
  new Promise((resolve) => {
    execFile(cmd, [...args], { timeout: 15_000 }, (err, stdout, stderr) => {
      const code = (err as NodeJS.ErrnoException | null)?.code;
      resolve({ ok: !err, stdout: String(stdout), stderr: String(stderr), ...(code === "ENOENT" ? { missing: true } : {}) });
    });
  });

export interface DoctorOptions {
  readonly exec?: Exec;
  /** Opens a TCP connection (a remote frida-server's port); resolves with an error message, or undefined when it connected. */
  readonly connect?: (host: string, port: number) => Promise<string | undefined>;
  readonly device?: string;
  readonly appiumUrl?: string;
  readonly fetch?: (url: string) => Promise<{ ok: boolean; status: number; json(): Promise<unknown> }>;
  /** Where the frida package's package.json is, or null when it is not installed (tests). */
  readonly fridaVersion?: string | null;
  /** The Appium home to look in (default: appiumHome(env), the one the in-process server uses). */
  readonly appiumHome?: string;
  readonly env?: NodeJS.ProcessEnv;
  /** The driver to look for (tests: a stand-in that installs offline). */
  readonly driver?: DriverSpec;
}

function installedFridaVersion(): string | null {
  try {
    const req = createRequire(import.meta.url);
    return (JSON.parse(readFileSync(req.resolve("frida/package.json"), "utf8")) as { version: string }).version;
  } catch {
    return null;
  }
}

const FRIDA_PORT = 27042;

function tcpConnect(host: string, port: number): Promise<string | undefined> {
  return new Promise((resolve) => {
    const socket = createConnection({ host, port });
    const done = (error: string | undefined) => {
      socket.destroy();
      resolve(error);
    };
    socket.setTimeout(3000, () => done("no answer within 3 s"));
    socket.once("connect", () => done(undefined));
    socket.once("error", (err) => done((err as NodeJS.ErrnoException).code ?? err.message));
  });
}

/** A remote frida-server (`--device <serial>@<host:port>`): its port must accept connections. */
async function remoteFridaCheck(remote: string, connect: (host: string, port: number) => Promise<string | undefined>, fridaVersion: string | null): Promise<CheckResult> {
  let host: string;
  let port: number;
  try {
    const u = new URL(`tcp://${remote}`);
    if (!u.hostname || u.pathname !== "" || u.username || u.search) throw new Error("not host:port");
    host = u.hostname.replace(/^\[(.*)\]$/, "$1");
    port = u.port ? Number(u.port) : FRIDA_PORT;
  } catch {
    return { name: "frida-server", status: "fail", detail: `cannot read '${remote}' as host:port`, fix: "write --device <adb-serial>@<host>:<port>, e.g. emulator-5554@127.0.0.1:27042" };
  }
  const error = await connect(host, port);
  if (error !== undefined) {
    return { name: "frida-server", status: "fail", detail: `${host}:${port}: ${error}`, fix: `start frida-server listening there (frida-server -l 0.0.0.0:${port}), or forward it (adb forward tcp:${port} tcp:${FRIDA_PORT})` };
  }
  return { name: "frida-server", status: "ok", detail: `${host}:${port} accepts connections (its version must be ${fridaVersion ?? "the frida package's"}: not checked remotely)` };
}

/**
 * `permtrace doctor`: the environment checks, as a list, each with a fix. Most failures of device
 * tooling are environment failures: no adb, no device, an unauthorised device, frida-server
 * missing or of another version than the frida package, no Appium or no UiAutomator2 driver.
 */
export async function runDoctor(o: DoctorOptions = {}): Promise<CheckResult[]> {
  const exec = o.exec ?? realExec;
  const out: CheckResult[] = [];
  const [major = 0, minor = 0] = process.versions.node.split(".").map(Number);
  out.push(major > 20 || (major === 20 && minor >= 19) ? { name: "node", status: "ok", detail: process.versions.node } : { name: "node", status: "fail", detail: process.versions.node, fix: "install Node.js 20.19 or later" });
  // The sandbox phone needs no adb, no frida and no UiAutomator2: the agent bundle and Appium's fake driver.
  if (o.device === "sandbox") return [...out, ...(await sandboxChecks())];

  const adb = await exec("adb", ["version"]);
  if (!adb.ok) {
    out.push({ name: "adb", status: "fail", detail: adb.missing ? "not found on PATH" : adb.stderr.trim(), fix: "install Android platform-tools (Debian: apt-get install adb)" });
  } else {
    out.push({ name: "adb", status: "ok", detail: /version ([\d.]+)/.exec(adb.stdout)?.[1] ?? adb.stdout.split("\n")[0]!.trim() });
  }

  // `--device <serial>@<host:port>`: adb knows the serial, frida reaches a remote frida-server.
  const selector = parseDevice(o.device);
  let serial: string | undefined;
  if (adb.ok) {
    const list = await exec("adb", ["devices"]);
    const rows = list.stdout
      .split("\n")
      .slice(1)
      .map((l) => l.trim().split(/\s+/))
      .filter((r) => r.length >= 2 && r[0]);
    const wanted = selector.serial ? rows.filter((r) => r[0] === selector.serial) : rows;
    const ready = wanted.filter((r) => r[1] === "device");
    if (ready.length > 0) {
      serial = ready[0]![0];
      out.push({ name: "device", status: "ok", detail: ready.map((r) => r[0]).join(", ") });
    } else if (wanted.some((r) => r[1] === "unauthorized")) {
      out.push({ name: "device", status: "fail", detail: `${wanted[0]![0]} is unauthorized`, fix: "unlock the device and accept the USB debugging prompt" });
    } else {
      out.push({ name: "device", status: "fail", detail: selector.serial ? `${selector.serial} not attached` : "no device attached", fix: "connect a device with USB debugging on, or start an emulator (`--device sandbox` needs none)" });
    }
  } else out.push({ name: "device", status: "skip", detail: "needs adb" });

  const fridaVersion = o.fridaVersion === undefined ? installedFridaVersion() : o.fridaVersion;
  out.push(fridaVersion ? { name: "frida package", status: "ok", detail: fridaVersion } : { name: "frida package", status: "fail", detail: `not installed (pinned ${(PINNED_FRIDA || "?")})`, fix: FRIDA_MISSING_FIX });

  if (selector.remote !== undefined) {
    out.push(await remoteFridaCheck(selector.remote, o.connect ?? tcpConnect, fridaVersion));
  } else if (serial) {
    out.push(await localFridaCheck(exec, serial, fridaVersion));
  } else out.push({ name: "frida-server", status: "skip", detail: "needs a device" });

  if (o.appiumUrl) {
    try {
      const r = await (o.fetch ?? fetch)(`${o.appiumUrl.replace(/\/$/, "")}/status`);
      out.push(r.ok ? { name: "appium", status: "ok", detail: `${o.appiumUrl} answers` } : { name: "appium", status: "fail", detail: `${o.appiumUrl}/status answered ${r.status}`, fix: "check the URL (a Selenium Grid 4 hub or an Appium server)" });
    } catch (err) {
      out.push({ name: "appium", status: "fail", detail: `${o.appiumUrl}: ${(err as Error)?.message ?? String(err)}`, fix: "start the server, or leave --appium-url out to start one in-process" });
    }
  } else {
    const appium = appiumVersion();
    out.push(appium ? { name: "appium", status: "ok", detail: `in-process server available (appium ${appium})` } : { name: "appium", status: "warn", detail: "not installed here", fix: "npm install appium, or pass --appium-url to use a running server or grid" });
    // The home the in-process server is given (runner/scenario/appium.ts) and the advice names.
    out.push(driverCheck(o.appiumHome ?? appiumHome(o.env), o.driver));
  }
  return out;
}

/** One line per check. Details carry what adb and the device printed: shown as text, never acted on by the terminal. */
export function renderDoctor(results: readonly CheckResult[]): string {
  const width = Math.max(...results.map((r) => r.name.length));
  const mark: Record<CheckStatus, string> = { ok: "ok  ", warn: "warn", fail: "FAIL", skip: "skip" };
  return `${results.map((r) => `${mark[r.status]}  ${r.name.padEnd(width)}  ${termText(r.detail, 1000)}${r.fix ? ` — ${termText(r.fix, 1000)}` : ""}`).join("\n")}\n`;
}

async function sandboxChecks(): Promise<CheckResult[]> {
  const out: CheckResult[] = [];
  const { agentBundlePath } = await import("./run.js");
  const bundle = agentBundlePath();
  out.push(existsSync(bundle) ? { name: "agent bundle", status: "ok", detail: bundle } : { name: "agent bundle", status: "fail", detail: `${bundle} missing`, fix: "run `npm run build` in the permtrace folder" });
  try {
    const { fakeDriverHome } = await import("../sandbox/index.js");
    out.push({ name: "fake driver", status: "ok", detail: `@appium/fake-driver under ${fakeDriverHome()}` });
  } catch (err) {
    out.push({ name: "fake driver", status: "fail", detail: (err as Error).message, fix: "reinstall permtrace's dependencies (npm ci in the permtrace folder)" });
  }
  return out;
}


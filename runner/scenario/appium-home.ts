import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { homedir } from "node:os";
import { join, resolve } from "node:path";

/**
 * The one Appium home that `doctor`, its advice and the in-process server share: `APPIUM_HOME`
 * when set, else `~/.appium` — never the project around the current directory.
 *
 * Why not leave it to Appium: Appium 3 resolves its home as `APPIUM_HOME`, else the nearest
 * package.json at or above the current directory that depends on `appium`, else `~/.appium`
 * (`resolveAppiumHome` in @appium/support lib/env.ts), and `appium driver install` in such a
 * project runs `npm install --save-dev` there, writing its package.json and lock file
 * (`installPackage` in @appium/support lib/npm.ts). Run in permtrace's checkout, the old advice
 * edited permtrace's own package files, while doctor looked in `~/.appium` and the server looked
 * wherever the current directory led. Naming the home everywhere makes the three agree.
 */
export function appiumHome(env: NodeJS.ProcessEnv = process.env): string {
  return env.APPIUM_HOME ? resolve(env.APPIUM_HOME) : join(homedir(), ".appium");
}

/** The Appium driver a phone run needs. */
export const UIAUTOMATOR2 = "uiautomator2";

/**
 * The command that installs a driver into `home`. APPIUM_HOME is set on the command itself, so
 * Appium installs there (into a package.json of its own in that folder) wherever it is run.
 * `appium` is pinned to the version permtrace runs in-process: `driver install` picks the newest
 * driver compatible with the Appium that runs it, and that must be the one that loads it.
 * `install` is what follows `driver install`: a driver name, or (tests) `--source local <dir>`.
 */
export function driverInstallCommand(home: string, install: string = UIAUTOMATOR2): string {
  const version = appiumVersion();
  return `APPIUM_HOME=${shellWord(home)} npx appium${version ? `@${version}` : ""} driver install ${install}`;
}

/** The version of the `appium` package permtrace starts in-process, or undefined when it is not installed. */
export function appiumVersion(): string | undefined {
  try {
    const pkg = createRequire(import.meta.url).resolve("appium/package.json");
    return (JSON.parse(readFileSync(pkg, "utf8")) as { version?: string }).version;
  } catch {
    return undefined;
  }
}

/** One word for a POSIX shell: as is when it is plainly safe, else single-quoted. */
export function shellWord(s: string): string {
  return /^[\w./:@%+=-]+$/.test(s) ? s : `'${s.replace(/'/g, "'\\''")}'`;
}

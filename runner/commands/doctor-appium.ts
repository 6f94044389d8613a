import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { driverInstallCommand, UIAUTOMATOR2 } from "../scenario/appium-home.js";
import type { CheckResult } from "./doctor.js";

/** A driver doctor looks for: its Appium name, and what follows `driver install` to get it. */
export interface DriverSpec {
  readonly name: string;
  readonly install: string;
}

export const UIAUTOMATOR2_DRIVER: DriverSpec = { name: UIAUTOMATOR2, install: UIAUTOMATOR2 };

// Where Appium keeps the list of installed extensions, relative to its home
// (MANIFEST_RELATIVE_PATH in @appium/support lib/env.ts).
const MANIFEST = join("node_modules", ".cache", "appium", "extensions.yaml");

/**
 * Is `driver` installed in the Appium home `home`, as the in-process server will see it? The
 * server reads the home's extension manifest; only when there is none does it scan the home's
 * node_modules for extension packages (Manifest.read in appium lib/extension/manifest.ts).
 */
export function driverCheck(home: string, driver: DriverSpec = UIAUTOMATOR2_DRIVER): CheckResult {
  const name = `${driver.name} driver`;
  // The fix is the command alone, to run as it is; --appium-url is the other way out.
  const fix = driverInstallCommand(home, driver.install);
  if (existsSync(home) && !statSync(home).isDirectory()) {
    return { name, status: "fail", detail: `the Appium home ${home} is not a folder`, fix: "set APPIUM_HOME to a folder (or unset it: ~/.appium)" };
  }
  const manifest = join(home, MANIFEST);
  let found: { version?: string; installPath?: string } | undefined;
  if (existsSync(manifest)) {
    try {
      const data = parse(readFileSync(manifest, "utf8")) as { drivers?: Record<string, { version?: string; installPath?: string }> } | null;
      found = data?.drivers?.[driver.name];
    } catch (err) {
      return { name, status: "fail", detail: `Appium cannot read ${manifest}: ${((err as Error)?.message ?? String(err)).split("\n")[0]}`, fix: `delete it (Appium rebuilds it from ${join(home, "node_modules")}), then run doctor again` };
    }
    if (found?.installPath && !existsSync(found.installPath)) {
      return { name, status: "fail", detail: `listed in ${manifest} but ${found.installPath} is gone`, fix };
    }
  } else found = scanHome(home, driver.name);
  return found ? { name, status: "ok", detail: `${found.version ?? "?"} in ${home}` } : { name, status: "fail", detail: `not installed in the Appium home ${home} (a run without --appium-url needs it)`, fix };
}

/** Without a manifest, Appium registers the extension packages it finds in the home's node_modules. */
function scanHome(home: string, driverName: string): { version?: string } | undefined {
  const modules = join(home, "node_modules");
  let entries: string[];
  try {
    entries = readdirSync(modules).flatMap((d) => (d.startsWith("@") ? readdirSync(join(modules, d)).map((s) => join(d, s)) : [d]));
  } catch {
    return undefined;
  }
  for (const dir of entries) {
    try {
      const pkg = JSON.parse(readFileSync(join(modules, dir, "package.json"), "utf8")) as { version?: string; appium?: { driverName?: string } };
      if (pkg.appium?.driverName === driverName) return { ...(pkg.version ? { version: pkg.version } : {}) };
    } catch {
      // not a package
    }
  }
  return undefined;
}

import { readFileSync } from "node:fs";

function packageVersion(): string {
  // dist/reports/version.js and reports/version.ts both sit two levels below the package root or one.
  for (const rel of ["../package.json", "../../package.json"]) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(rel, import.meta.url), "utf8")) as { name?: string; version?: string };
      if (pkg.name === "permtrace" && pkg.version) return pkg.version;
    } catch {
      // try the next candidate
    }
  }
  return "0.0.0";
}

export const TOOL = { name: "permtrace", version: packageVersion() } as const;

import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

interface PackageJson {
  readonly name?: string;
  readonly version?: string;
  readonly optionalDependencies?: Readonly<Record<string, string>>;
}

/** permtrace's own package.json, found from the sources (reports/) or the build (dist/reports/). */
export function packageJson(): PackageJson {
  for (const rel of ["../package.json", "../../package.json"]) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(rel, import.meta.url), "utf8")) as PackageJson;
      if (pkg.name === "permtrace") return pkg;
    } catch {
      // try the next candidate
    }
  }
  return {};
}

/** The directory of permtrace's package.json (the repository, or the installed package). */
export function packageRoot(): string {
  for (const rel of ["../", "../../"]) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(`${rel}package.json`, import.meta.url), "utf8")) as PackageJson;
      if (pkg.name === "permtrace") return fileURLToPath(new URL(rel, import.meta.url));
    } catch {
      // try the next candidate
    }
  }
  return process.cwd();
}

export const TOOL = { name: "permtrace", version: packageJson().version ?? "0.0.0" } as const;

/** The frida version the project pins (its optional dependency). */
export const PINNED_FRIDA = packageJson().optionalDependencies?.frida ?? "";

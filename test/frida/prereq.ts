/**
 * What the real-Frida suite (test/frida/) needs on the machine, checked once per test file:
 * frida-core through PyPI's `frida` wheel in a venv (the npm binding cannot be installed here),
 * root (frida injects with ptrace), Debian's OpenJDK 17 (frida-java-bridge supports HotSpot 8–17)
 * and gcc. A missing prerequisite skips the suite with one line saying how to get it, or fails
 * it when CI is set (CI must provide everything: .ci/run installs it).
 */
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export interface Prereq {
  ok: boolean;
  missing?: string;
  fix?: string;
}

export const REPO = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
export const JAVA_HOME_17 = "/usr/lib/jvm/java-17-openjdk-amd64";

/** The pinned frida version: package.json's optionalDependencies.frida, the only place it is written. */
export function pinnedFrida(): string {
  const pkg = JSON.parse(readFileSync(join(REPO, "package.json"), "utf8")) as { optionalDependencies?: Record<string, string> };
  return pkg.optionalDependencies?.frida ?? "";
}

function run(file: string, args: readonly string[]): string | undefined {
  try {
    return execFileSync(file, args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], timeout: 30_000 }).trim();
  } catch {
    return undefined;
  }
}

let fridaCache: (Prereq & { python?: string }) | undefined;

/** A python that imports frida at the pinned version: $PERMTRACE_FRIDA_PYTHON or <repo>/.venv-frida. */
export function fridaPython(): Prereq & { python?: string } {
  if (fridaCache) return fridaCache;
  const version = pinnedFrida();
  const python = process.env.PERMTRACE_FRIDA_PYTHON || join(REPO, ".venv-frida", "bin", "python");
  const fix = `run \`npm run setup:frida\` (a venv in .venv-frida with frida==${version} from PyPI), or set PERMTRACE_FRIDA_PYTHON to a python that has it`;
  if (!existsSync(python)) return (fridaCache = { ok: false, missing: `no python with frida at ${python}`, fix });
  const found = run(python, ["-c", "import frida; print(frida.__version__)"]);
  if (found === undefined) return (fridaCache = { ok: false, missing: `${python} cannot import frida`, fix });
  if (found !== version) return (fridaCache = { ok: false, missing: `${python} has frida ${found}, package.json pins ${version}`, fix });
  // Injecting into another process needs ptrace over it: root, whatever Yama's ptrace_scope says.
  if (process.getuid?.() !== 0) return (fridaCache = { ok: false, missing: "not root (frida injects into local processes with ptrace)", fix: "run the tests as root (e.g. in the CI container)" });
  return (fridaCache = { ok: true, python });
}

/** Debian's OpenJDK 17 (HotSpot): frida-java-bridge supports HotSpot 8–17, not later JDKs. */
export function jdk17(): Prereq & { javaHome?: string } {
  const java = join(JAVA_HOME_17, "bin", "java");
  const javac = join(JAVA_HOME_17, "bin", "javac");
  if (existsSync(java) && existsSync(javac)) return { ok: true, javaHome: JAVA_HOME_17 };
  return { ok: false, missing: `no JDK 17 at ${JAVA_HOME_17} (bin/java and bin/javac)`, fix: "apt-get install openjdk-17-jdk-headless" };
}

let gccCache: (Prereq & { cc?: string }) | undefined;

/** A C compiler for the native targets. */
export function gcc(): Prereq & { cc?: string } {
  if (gccCache) return gccCache;
  const cc = run("sh", ["-c", "command -v gcc"]);
  if (cc && run(cc, ["--version"]) !== undefined) return (gccCache = { ok: true, cc });
  return (gccCache = { ok: false, missing: "no gcc on PATH", fix: "apt-get install gcc" });
}

const checks = { frida: fridaPython, jdk: jdk17, gcc } as const;

/**
 * Whether a real-Frida suite can run: use as `describe.skipIf(!realSuite("name", ["frida"]).run)`.
 * Prints one line per missing prerequisite set; throws under CI so the file fails instead.
 */
export function realSuite(name: string, needs: readonly ("frida" | "jdk" | "gcc")[]): { run: boolean } {
  const missing = needs.map((n) => checks[n]()).filter((p) => !p.ok);
  if (missing.length === 0) return { run: true };
  const what = missing.map((p) => p.missing).join("; ");
  const fix = missing.map((p) => p.fix).join("; ");
  if (process.env.CI) throw new Error(`${name}: ${what} — ${fix} (CI must provide it: .ci/run installs it)`);
  process.stderr.write(`${name} skipped: ${what} — ${fix}\n`);
  return { run: false };
}

/**
 * `npm run bench:frida`: what the agent costs per call under real Frida, against a bare Frida
 * replacement and a camille-style script, on a HotSpot JVM (getImei) and on a C program (open,
 * ioctl); and what its egress scan adds to the socket write it inspects (issue 15 item 9), on a
 * HotSpot JVM: the write with no agent, with the agent and nothing learned, and with the agent
 * knowing 20 device values (scripts/bench-frida/known-values.ts). The targets and the driver are in scripts/bench-frida/; this file checks what they
 * need, compiles them, runs the driver (PyPI's `frida`, which carries frida-core: the npm binding
 * cannot always be installed) and prints µs per call, ratios and the goals, met or missed.
 * A benchmark, not a test: missed goals are printed, the exit code is 0. Exit 2 when something
 * it needs is missing, with one line saying what and how to get it.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir, totalmem } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { build } from "esbuild";
import { positiveInt, scriptArgs } from "./args.js";
import { packageRoot } from "../reports/version.js";
import { checkedKnownValues } from "./bench-frida/known-values.js";
import { printReport, type Results } from "./bench-frida/report.js";

const USAGE = "npm run bench:frida -- [--calls N] [--native-calls N] [--egress-calls N] [--egress-cycles N] [--rounds N] [--only java|native|egress|both|all]";
const ONLY = ["java", "native", "egress", "both", "all"];
const { values } = scriptArgs(USAGE, () =>
  parseArgs({
    options: {
      calls: { type: "string", default: "200000" },
      "native-calls": { type: "string", default: "200000" },
      "egress-calls": { type: "string", default: "20000" },
      "egress-cycles": { type: "string", default: "5" },
      rounds: { type: "string", default: "3" },
      only: { type: "string", default: "all" },
    },
  }),
);
if (!ONLY.includes(values.only)) {
  process.stderr.write(`--only must be one of ${ONLY.join(", ")} ("both": java and native), not '${values.only}'\nusage: ${USAGE}\n`);
  process.exit(2);
}
const ROOT = packageRoot();
const HERE = join(ROOT, "scripts", "bench-frida");
// Debian's OpenJDK 17, as test/frida/prereq.ts: frida-java-bridge supports HotSpot 8–17 only.
const JAVA_HOME_17 = "/usr/lib/jvm/java-17-openjdk-amd64";

function run(file: string, args: readonly string[]): string | undefined {
  try {
    return execFileSync(file, args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], timeout: 60_000 }).trim();
  } catch {
    return undefined;
  }
}

function missing(what: string, fix: string): never {
  process.stderr.write(`bench:frida: ${what}; ${fix}\n`);
  process.exit(2);
}

/** A python with frida at package.json's pinned version: $PERMTRACE_FRIDA_PYTHON or .venv-frida (test/frida/prereq.ts looks in the same places). */
function fridaPython(): string {
  const pinned = (JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { optionalDependencies?: Record<string, string> }).optionalDependencies?.frida ?? "";
  const python = process.env.PERMTRACE_FRIDA_PYTHON || join(ROOT, ".venv-frida", "bin", "python");
  const fix = `run \`npm run setup:frida\` (frida==${pinned} from PyPI in .venv-frida), or set PERMTRACE_FRIDA_PYTHON to a python that has it`;
  const found = existsSync(python) ? run(python, ["-c", "import frida; print(frida.__version__)"]) : undefined;
  if (found === undefined) missing(`no python with frida at ${python}`, fix);
  if (found !== pinned) missing(`${python} has frida ${found}, package.json pins ${pinned}`, fix);
  return python;
}

function checkPrereqs(): { python: string; agent: string } {
  const python = fridaPython();
  if (process.getuid?.() !== 0) missing("not root (frida injects into local processes with ptrace)", "run it as root");
  if (!existsSync(join(JAVA_HOME_17, "bin", "javac"))) missing(`no JDK 17 at ${JAVA_HOME_17}`, "apt-get install openjdk-17-jdk-headless");
  if (run("gcc", ["--version"]) === undefined) missing("no gcc", "apt-get install gcc");
  const agent = join(ROOT, "dist", "agent", "permtrace-agent.js");
  if (!existsSync(agent)) missing(`no agent bundle at ${agent}`, "run `npm run build`");
  return { python, agent };
}

/** The bench's Frida scripts, bundled with frida-java-bridge as the agent is (scripts/build-agent.ts). */
async function bundle(name: string, dir: string): Promise<string> {
  const outfile = join(dir, `${name}.js`);
  await build({ entryPoints: [join(HERE, `${name}.js`)], bundle: true, format: "iife", platform: "neutral", mainFields: ["module", "main"], target: "es2022", alias: { buffer: "@frida/buffer" }, outfile, logLevel: "warning" });
  return outfile;
}

/** Which agent was measured: the commit, and whether agent/ had uncommitted changes. */
function measuredCommit(): string {
  const head = run("git", ["-C", ROOT, "rev-parse", "--short", "HEAD"]);
  if (head === undefined) return "unknown commit (not a git checkout)";
  const dirty = run("git", ["-C", ROOT, "status", "--porcelain", "--", "agent"]);
  return dirty ? `${head} + uncommitted changes in agent/` : head;
}

async function main(): Promise<void> {
  const { python, agent } = checkPrereqs();
  // Other work on the machine moves every figure: the report says how busy it was.
  const load = loadavg()[0]!;
  const work = mkdtempSync(join(tmpdir(), "permtrace-bench-frida-"));
  try {
    const classes = join(work, "classes");
    execFileSync(join(JAVA_HOME_17, "bin", "javac"), ["-d", classes, join(HERE, "java", "BenchJava.java"), join(HERE, "java", "BenchEgress.java"), join(HERE, "java", "android", "telephony", "TelephonyManager.java")], { stdio: "inherit" });
    const known = checkedKnownValues();
    const knownFile = join(work, "known-values.json");
    writeFileSync(knownFile, JSON.stringify(known.values));
    const native = join(work, "bench-native");
    execFileSync("gcc", ["-O2", "-o", native, join(HERE, "bench-native.c")], { stdio: "inherit" });
    const [bare, camille] = [await bundle("bare-replacement", work), await bundle("camille-style", work)];
    const driver = spawnSync(
      python,
      [
        join(HERE, "driver.py"),
        ...["--java", join(JAVA_HOME_17, "bin", "java"), "--classpath", classes, "--native", native, "--agent", agent],
        ...["--bare-script", bare, "--camille-script", camille, "--probe-script", join(HERE, "runtime-probe.js"), "--floor-script", join(HERE, "empty-listener.js"), "--workdir", work, "--known-values", knownFile],
        ...["--egress-calls", String(positiveInt("--egress-calls", values["egress-calls"])), "--egress-cycles", String(positiveInt("--egress-cycles", values["egress-cycles"]))],
        ...["--calls", String(positiveInt("--calls", values.calls)), "--native-calls", String(positiveInt("--native-calls", values["native-calls"]))],
        ...["--rounds", String(positiveInt("--rounds", values.rounds)), "--only", values.only],
      ],
      { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"], maxBuffer: 64 << 20, timeout: 30 * 60_000 },
    );
    if (driver.status !== 0) throw new Error(`the driver failed (exit ${driver.status ?? driver.signal}); see above`);
    const results = JSON.parse(driver.stdout) as Results;
    const cpu = cpus();
    const javaVersion = /JAVA_VERSION="([^"]+)"/.exec(readFileSync(join(JAVA_HOME_17, "release"), "utf8"))?.[1];
    printReport(results, {
      commit: measuredCommit(),
      machine: `${cpu[0]?.model ?? "unknown CPU"}, ${cpu.length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB, load average ${load.toFixed(1)} at the start, ${loadavg()[0]!.toFixed(1)} at the end`,
      jvm: `OpenJDK ${javaVersion ?? "17"} (HotSpot)`,
      patterns: known.patterns,
    });
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

await main();

/**
 * The Java target for the real-Frida tests: builds the stubs and the harness (test/frida/java/)
 * with JDK 17's javac into a cache folder keyed by a hash of every source (so a test file builds
 * once, and again only when the catalogue or a source changes), starts it on HotSpot with
 * `-Xshare:off`, and speaks its line protocol: "ready" → "go"; "phase <name>" → "continue";
 * "result {…}" lines; "done" → "exit".
 */
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { createInterface } from "node:readline";
import type { CallSpec } from "../java/call-script.js";
import { generateSources, LATE_CLASS_FILES } from "../java/generate.js";
import { registerLauncher } from "../shim/launchers.js";

export interface JavaBuild {
  /** The build folder (sources, classes; a crashed JVM's hs_err log lands here). */
  readonly root: string;
  readonly classes: string;
  /** The plugin's classes, which only the harness's plugin class loader reads. */
  readonly late: string;
  readonly calls: readonly CallSpec[];
  readonly javaHome: string;
}

/** Builds (or finds built) the target; the first build of a new hash takes ~2 s. */
export async function buildJavaTarget(javaHome: string): Promise<JavaBuild> {
  const sources = await generateSources();
  const hash = createHash("sha256");
  for (const [path, text] of [...sources.files].sort(([a], [b]) => a.localeCompare(b))) hash.update(`${path}\0${text}\0`);
  hash.update(javaHome);
  const root = join(tmpdir(), "permtrace-java-target", hash.digest("hex").slice(0, 16));
  const build: JavaBuild = { root, classes: join(root, "classes"), late: join(root, "late"), calls: sources.calls, javaHome };
  if (existsSync(join(root, "built"))) return build;
  rmSync(root, { recursive: true, force: true });
  const srcRoot = join(root, "src");
  for (const [path, text] of sources.files) {
    mkdirSync(dirname(join(srcRoot, path)), { recursive: true });
    writeFileSync(join(srcRoot, path), text);
  }
  writeFileSync(join(root, "sources.txt"), [...sources.files.keys()].map((p) => join(srcRoot, p)).join("\n"));
  execFileSync(join(javaHome, "bin", "javac"), ["-nowarn", "-encoding", "UTF-8", "-d", build.classes, `@${join(root, "sources.txt")}`], { stdio: ["ignore", "pipe", "pipe"] });
  for (const f of LATE_CLASS_FILES) {
    mkdirSync(dirname(join(build.late, f)), { recursive: true });
    renameSync(join(build.classes, f), join(build.late, f));
  }
  writeFileSync(join(root, "built"), "");
  return build;
}

/** One result line: what a call got, as the harness describes values. */
export interface Described {
  readonly s: string;
  readonly cls?: string;
  readonly len?: number;
}

export interface CallResult {
  readonly call: number | string;
  readonly args: readonly Described[];
  readonly ret?: Described | "void";
  readonly exc?: string;
}

/** A running harness JVM. */
export class JavaTarget {
  readonly lines: string[] = [];
  readonly stderr: string[] = [];
  readonly exited: Promise<number | null>;
  private readonly proc: ChildProcessWithoutNullStreams;
  private readonly waiters: { pred: (l: string) => boolean; resolve(l: string): void }[] = [];
  /** What the test does at each phase before the harness goes on (default: nothing). */
  phases: Record<string, () => Promise<void> | void> = {};

  private readonly cwd: string;

  /** `plugin`: run the plugin stage (a class loader made late brings in an SDK). */
  constructor(build: JavaBuild, plugin = true) {
    this.cwd = build.root;
    // In the build folder: a JVM that crashes writes its hs_err_pid*.log into its working directory.
    this.proc = spawn(join(build.javaHome, "bin", "java"), ["-Xshare:off", "-cp", build.classes, "com.example.app.Main", plugin ? build.late : "none"], { stdio: ["pipe", "pipe", "pipe"], cwd: build.root });
    createInterface({ input: this.proc.stdout }).on("line", (l) => this.onLine(l));
    createInterface({ input: this.proc.stderr }).on("line", (l) => this.stderr.push(l));
    this.exited = new Promise((resolve) => this.proc.on("exit", (code) => resolve(code)));
  }

  get pid(): number {
    return this.proc.pid!;
  }

  send(line: string): void {
    this.proc.stdin.write(`${line}\n`);
  }

  /** Resolves with the first line (already printed or to come) that `pred` accepts. */
  waitFor(what: string, pred: (l: string) => boolean, ms = 30_000): Promise<string> {
    const seen = this.lines.find(pred);
    if (seen !== undefined) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the Java target did not print ${what} within ${ms} ms; stdout tail: ${this.lines.slice(-3).join(" | ")}; stderr: ${this.stderr.slice(-5).join(" | ")}`)), ms);
      this.waiters.push({ pred, resolve: (l) => (clearTimeout(timer), resolve(l)) });
      void this.exited.then((code) => reject(new Error(`the Java target exited (${code ?? this.proc.signalCode}) before printing ${what}; stdout tail: ${this.lines.slice(-2).join(" | ")}; a crash leaves hs_err_pid${this.pid}.log in ${this.cwd}`)));
    });
  }

  results(): CallResult[] {
    return this.lines.filter((l) => l.startsWith("result ")).map((l) => JSON.parse(l.slice(7)) as CallResult);
  }

  /** Lets the JVM end ("exit"), or kills it when it does not within `ms`. */
  async exit(ms = 10_000): Promise<number | null> {
    if (this.proc.exitCode === null) this.send("exit");
    const timer = setTimeout(() => this.proc.kill("SIGKILL"), ms);
    const code = await this.exited;
    clearTimeout(timer);
    return code;
  }

  private onLine(line: string): void {
    this.lines.push(line);
    for (const w of [...this.waiters]) {
      if (w.pred(line)) {
        this.waiters.splice(this.waiters.indexOf(w), 1);
        w.resolve(line);
      }
    }
    const phase = /^phase (\w+)$/.exec(line)?.[1];
    if (phase) {
      void Promise.resolve()
        .then(() => this.phases[phase]?.())
        .then(
          () => this.send("continue"),
          (err: unknown) => {
            this.lines.push(`test-error ${(err as Error)?.message ?? String(err)}`);
            this.send("continue");
          },
        );
    }
  }
}

/** Starts the harness and waits until it says it is ready for the agent. */
export async function startJavaTarget(build: JavaBuild, plugin = true): Promise<JavaTarget> {
  const t = new JavaTarget(build, plugin);
  await t.waitFor("ready", (l) => l === "ready");
  return t;
}

/**
 * Makes the shim's `device.spawn(identifier)` start the harness: it returns once the JVM is up
 * and waiting, and `resume` says "go" (spawn-then-resume, after the VM exists: what happens in
 * the app before the agent is loaded, Application.onCreate among it, is not covered).
 */
export function registerJavaLauncher(identifier: string, build: JavaBuild, plugin: boolean, started: (t: JavaTarget) => void): void {
  registerLauncher(identifier, async () => {
    const t = await startJavaTarget(build, plugin);
    started(t);
    return { pid: t.pid, resume: async () => t.send("go") };
  });
}

/** A small JVM program the two-loaders test drives over stdin/stdout, one line at a time. */
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { createInterface } from "node:readline";

export class JavaProcess {
  readonly lines: string[] = [];
  readonly exited: Promise<number | null>;
  private readonly proc: ChildProcessWithoutNullStreams;
  private readonly stderr: string[] = [];
  private readonly waiters: { pred: (l: string) => boolean; resolve(): void }[] = [];

  constructor(java: string, args: readonly string[], cwd: string) {
    this.proc = spawn(java, args, { stdio: ["pipe", "pipe", "pipe"], cwd });
    createInterface({ input: this.proc.stdout }).on("line", (l) => {
      this.lines.push(l);
      for (const w of this.waiters.filter((x) => x.pred(l))) w.resolve();
    });
    createInterface({ input: this.proc.stderr }).on("line", (l) => this.stderr.push(l));
    this.exited = new Promise((resolve) => this.proc.on("exit", (code) => resolve(code)));
  }

  get pid(): number {
    return this.proc.pid!;
  }

  send(line: string): void {
    this.proc.stdin.write(`${line}\n`);
  }

  /** Resolves once a line `pred` accepts is printed; rejects after `ms` or when the JVM exits first. */
  waitFor(pred: (l: string) => boolean, ms = 30_000): Promise<void> {
    if (this.lines.some(pred)) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no such line within ${ms} ms; stdout: ${this.lines.slice(-3).join(" | ")}; stderr: ${this.stderr.slice(-3).join(" | ")}`)), ms);
      this.waiters.push({ pred, resolve: () => (clearTimeout(timer), resolve()) });
      void this.exited.then((code) => reject(new Error(`the JVM exited (${code}) first; stderr: ${this.stderr.slice(-3).join(" | ")}`)));
    });
  }

  /** Kills the JVM if it still runs (it does not exit by itself once the bridge attached a thread). */
  async kill(): Promise<void> {
    if (this.proc.exitCode !== null || this.proc.signalCode !== null) return;
    this.proc.kill("SIGKILL");
    await this.exited;
  }
}

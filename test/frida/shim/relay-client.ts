/**
 * One relay process (test/frida/relay.py, run by the venv's python with PyPI's frida wheel) and
 * its JSON-lines protocol: requests with ids answered by replies, and events routed to the
 * shim object that owns the handle they name.
 */
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { createInterface } from "node:readline";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { fridaPython } from "../prereq.js";

export interface RelayEvent {
  readonly event: string;
  readonly [key: string]: unknown;
}

interface Reply {
  readonly id: number;
  readonly ok: boolean;
  readonly result?: unknown;
  readonly error?: { message: string; type: string; stack?: string };
}

const RELAY = join(dirname(fileURLToPath(import.meta.url)), "..", "relay.py");

/** An error from frida (or the agent), with frida's message text and its type as `name`. */
function fridaError(e: NonNullable<Reply["error"]>): Error {
  const err = new Error(e.message);
  err.name = e.type === "RPCException" ? "Error" : e.type;
  if (e.stack) err.stack = e.stack;
  return err;
}

export class RelayClient {
  private readonly proc: ChildProcessWithoutNullStreams;
  private readonly pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  private readonly listeners = new Map<string, (ev: RelayEvent) => void>();
  private nextId = 1;
  private exited: Error | undefined;
  private stderrTail = "";
  readonly done: Promise<void>;

  constructor() {
    const py = fridaPython();
    if (!py.ok || !py.python) throw new Error(`frida shim: ${py.missing} — ${py.fix}`);
    this.proc = spawn(py.python, ["-u", RELAY], { stdio: ["pipe", "pipe", "pipe"] });
    this.proc.stderr.setEncoding("utf8").on("data", (s: string) => {
      this.stderrTail = (this.stderrTail + s).slice(-4000);
      if (process.env.PERMTRACE_FRIDA_RELAY_DEBUG) process.stderr.write(s);
    });
    createInterface({ input: this.proc.stdout }).on("line", (line) => this.onLine(line));
    this.done = new Promise((resolve) => {
      this.proc.on("exit", (code, signal) => {
        this.exited = new Error(`frida relay exited (${signal ?? code})${this.stderrTail ? `: ${this.stderrTail.trim().split("\n").slice(-3).join(" | ")}` : ""}`);
        for (const p of this.pending.values()) p.reject(this.exited);
        this.pending.clear();
        resolve();
      });
    });
  }

  get pid(): number | undefined {
    return this.proc.pid;
  }

  request<T>(op: string, args: Record<string, unknown> = {}): Promise<T> {
    if (this.exited) return Promise.reject(this.exited);
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.proc.stdin.write(`${JSON.stringify({ id, op, ...args })}\n`);
    });
  }

  /** Routes events naming `key` (e.g. "script:3") to one listener. */
  listen(key: string, handler: (ev: RelayEvent) => void): void {
    this.listeners.set(key, handler);
  }

  /** Ends the relay: stdin closes (it kills what it spawned and exits), SIGKILL after a grace. */
  async close(graceMs = 3000): Promise<void> {
    if (!this.exited) {
      this.proc.stdin.end();
      const timer = setTimeout(() => this.proc.kill("SIGKILL"), graceMs);
      await this.done;
      clearTimeout(timer);
    }
  }

  private onLine(line: string): void {
    let msg: Reply | RelayEvent;
    try {
      msg = JSON.parse(line) as Reply | RelayEvent;
    } catch {
      return;
    }
    if ("event" in msg) return this.route(msg);
    const p = this.pending.get(msg.id);
    if (!p) return;
    this.pending.delete(msg.id);
    if (msg.ok) p.resolve(msg.result);
    else p.reject(fridaError(msg.error ?? { message: "relay: failed", type: "Error" }));
  }

  private route(ev: RelayEvent): void {
    for (const kind of ["script", "session", "device"]) {
      if (typeof ev[kind] === "number") return this.listeners.get(`${kind}:${ev[kind] as number}`)?.(ev);
    }
    if (ev.event === "relay-error") console.error(`frida relay: ${String(ev.message)}`);
  }
}

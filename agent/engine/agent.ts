import { CATALOGUE } from "../catalogue/index.js";
import type { HookEntry } from "../catalogue/types.js";
import { PROTOCOL_VERSION, type AgentConfig, type AgentMessage, type AgentStatus, type CoverageRow } from "../protocol.js";
import { now } from "./clock.js";
import { Installer } from "./installer.js";
import { apiLevel, Java } from "./java.js";
import { Lifecycle } from "./lifecycle.js";
import { installNative, NATIVE_ENTRIES } from "./native.js";
import { recordingHandler } from "./record.js";
import { Recorder } from "./recorder.js";

export const AGENT_VERSION = "0.1.0";

const DEFAULTS = { batchSize: 256, flushMs: 50, maxStackDepth: 32, redaction: "hash" as const };

function selected(id: string, config: AgentConfig): boolean {
  const match = (list: readonly string[] | undefined): boolean => (list ?? []).some((p) => id === p || id.startsWith(p.endsWith(".") ? p : `${p}.`));
  if (config.include && config.include.length > 0 && !match(config.include)) return false;
  return !match(config.exclude);
}

/** All agent state in one place; the RPC index only forwards to it. */
export class Agent {
  private recorder: Recorder | undefined;
  private installer: Installer | undefined;
  private errors = 0;
  private readonly busy = new Set<number>();
  private readonly hookNumbers = new Map<string, number>();
  private coverage: CoverageRow[] = [];

  constructor(private readonly sendMessage: (m: AgentMessage) => void = (m) => send(m)) {}

  init(config: AgentConfig, catalogue: readonly HookEntry[] = CATALOGUE): readonly CoverageRow[] {
    const recorder = new Recorder(this.sendMessage, {
      batchSize: config.batchSize ?? DEFAULTS.batchSize,
      flushMs: config.flushMs ?? DEFAULTS.flushMs,
      ...(config.sampling ? { sampling: config.sampling } : {}),
    });
    this.recorder = recorder;
    const redaction = { redaction: config.redaction ?? DEFAULTS.redaction, salt: config.salt ?? String(Math.random()) };
    const tid = (): number => Process.getCurrentThreadId();
    const guarded = <T>(fn: () => T): T => {
      const t = tid();
      if (this.busy.has(t)) return fn();
      this.busy.add(t);
      try {
        return fn();
      } finally {
        this.busy.delete(t);
      }
    };
    const installer = new Installer(
      (where, err) => this.error(where, err),
      () => this.busy.has(tid()),
      () => {
        // A dynamically loaded SDK's classes were just hooked: tell the runner.
        this.coverage = this.rowsInOrder(installer.rows(), nativeRows);
        this.sendMessage({ type: "coverage", hooks: this.coverage });
      },
    );
    this.installer = installer;
    const lifecycle = new Lifecycle(recorder, guarded);
    const active = new Map<number, string[]>();
    const entries = catalogue.filter((e) => selected(e.id, config));
    const natives = NATIVE_ENTRIES.filter((e) => selected(e.id, config));
    let nativeRows: CoverageRow[] = [];
    const api = { level: null as number | null };
    const install = (): void => {
      api.level = apiLevel();
      for (const e of entries) {
        const hook = this.hookNumber(e.id);
        if (api.level !== null && ((e.minApi !== undefined && api.level < e.minApi) || (e.maxApi !== undefined && api.level > e.maxApi))) {
          installer.coverage.set(e.id, { status: "absent", reason: `API ${api.level} outside ${e.minApi ?? ""}–${e.maxApi ?? ""}` });
          continue;
        }
        installer.add({
          id: e.id,
          className: e.className,
          method: e.method,
          overloads: e.overloads,
          handler: recordingHandler(e, hook, { recorder, redaction, appPackage: config.appPackage, maxStackDepth: config.maxStackDepth ?? DEFAULTS.maxStackDepth, foreground: () => lifecycle.foreground(), guarded, tid, active }),
        });
      }
      lifecycle.install(installer);
    };
    try {
      Java.performNow(install);
    } catch (err) {
      this.error("java", err);
    }
    nativeRows = installNative(natives, (id) => this.hookNumber(id), recorder, redaction, guarded, (w, e) => this.error(w, e), () => active.has(tid()));
    this.coverage = this.rowsInOrder(installer.rows(), nativeRows);
    this.sendMessage({ type: "hello", protocol: PROTOCOL_VERSION, agent: AGENT_VERSION, pid: Process.id, apiLevel: api.level, clock: now() });
    this.sendMessage({ type: "coverage", hooks: this.coverage });
    return this.coverage;
  }

  status(): AgentStatus {
    const s = this.recorder?.stats ?? { calls: 0, sampled: 0, batches: 0 };
    return { ...s, errors: this.errors, hooked: this.coverage.filter((r) => r[1] === "hooked").length, pending: this.recorder?.pending() ?? 0 };
  }

  flush(): number {
    return this.recorder?.flush() ?? 0;
  }

  mark(_label: string): number {
    this.recorder?.flush();
    return now();
  }

  dispose(): void {
    this.recorder?.dispose();
  }

  /** Coverage in hook-number order: a hook's index here is its number in call tuples. */
  private rowsInOrder(java: readonly CoverageRow[], native: readonly CoverageRow[]): CoverageRow[] {
    const rows = new Map<string, CoverageRow>();
    for (const r of [...java, ...native]) rows.set(r[0], r);
    return [...this.hookNumbers.keys()].map((id) => rows.get(id) ?? [id, "failed", "not installed"]);
  }

  private hookNumber(id: string): number {
    let n = this.hookNumbers.get(id);
    if (n === undefined) this.hookNumbers.set(id, (n = this.hookNumbers.size));
    return n;
  }

  /** An error inside the agent never reaches the app: it becomes a message. */
  private error(where: string, err: unknown): void {
    this.errors++;
    try {
      this.sendMessage({ type: "agent-error", where, message: (err as Error)?.stack ?? String(err) });
    } catch {
      // nothing more can be done
    }
  }
}

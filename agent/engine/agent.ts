import { CATALOGUE } from "../catalogue/index.js";
import type { HookEntry } from "../catalogue/types.js";
import { PROTOCOL_VERSION, type AgentConfig, type AgentMessage, type AgentStatus, type CoverageRow, type KnownValue } from "../protocol.js";
import { now } from "./clock.js";
import { installCrashFlush } from "./crash.js";
import { Egress } from "./egress.js";
import type { IdKind } from "./id-matcher.js";
import { Installer } from "./installer.js";
import { apiLevel, Java } from "./java.js";
import { Lifecycle } from "./lifecycle.js";
import { applicationTarget } from "./loaders.js";
import { installNative, NATIVE_ENTRIES } from "./native.js";
import { recordingHandler, type RecordContext } from "./record.js";
import { Recorder } from "./recorder.js";
import { StackWalker } from "./stack.js";

export const AGENT_VERSION = "0.1.0";

const DEFAULTS = { batchSize: 256, flushMs: 50, maxStackDepth: 32, redaction: "hash" as const };

function selected(id: string, config: AgentConfig): boolean {
  const match = (list: readonly string[] | undefined): boolean => (list ?? []).some((p) => id === p || id.startsWith(p.endsWith(".") ? p : `${p}.`));
  if (config.include && config.include.length > 0 && !match(config.include)) return false;
  return !match(config.exclude);
}

function javaAvailable(): boolean {
  try {
    return Java.available;
  } catch {
    return false;
  }
}

function outsideApi(e: HookEntry, level: number | null): boolean {
  return level !== null && ((e.minApi !== undefined && level < e.minApi) || (e.maxApi !== undefined && level > e.maxApi));
}

/** All agent state in one place; the RPC index only forwards to it. */
export class Agent {
  private recorder: Recorder | undefined;
  private installer: Installer | undefined;
  private errors = 0;
  private readonly busy = new Set<number>();
  private readonly hookNumbers = new Map<string, number>();
  /** The permission guarding each hook, by hook number (sent with the coverage). */
  private readonly permissions: (string | null)[] = [];
  private coverage: CoverageRow[] = [];
  private nativeRows: CoverageRow[] = [];
  /** After dispose: no hook records or scans anything, no timer sends (the agent may stay in the app). */
  private disposed = false;
  /** Makes the native filter pass every call through (dispose). */
  private disableNative: () => void = () => undefined;

  constructor(private readonly sendMessage: (m: AgentMessage) => void = (m) => send(m)) {}

  init(config: AgentConfig, catalogue: readonly HookEntry[] = CATALOGUE): readonly CoverageRow[] {
    const tid = (): number => Process.getCurrentThreadId();
    const egress = new Egress({ now, tid, reportError: (w, e) => this.error(w, e) }, catalogue);
    this.learnKnown(egress, config.knownValues ?? []);
    // Egress records ride in the next batch, after the calls they belong to were queued.
    const recorder = new Recorder((m) => this.sendMessage(m.type === "batch" ? egress.attach(m) : m), {
      batchSize: config.batchSize ?? DEFAULTS.batchSize,
      flushMs: config.flushMs ?? DEFAULTS.flushMs,
      ...(config.sampling ? { sampling: config.sampling } : {}),
    });
    this.recorder = recorder;
    const guarded = <T>(fn: () => T): T => this.guarded(tid(), fn);
    const installer = new Installer({
      reportError: (where, err) => this.error(where, err),
      // Disposed, the agent stays in the app (the runner eternalizes it) but records nothing: every hook calls its original.
      inAgent: () => this.disposed || this.busy.has(tid()),
      guarded,
      // A dynamically loaded SDK's classes were just hooked: tell the runner.
      onLateHook: () => this.sendCoverage(),
    });
    this.installer = installer;
    const redaction = { redaction: config.redaction ?? DEFAULTS.redaction, salt: config.salt ?? String(Math.random()) };
    /** Per thread, the Java catalogue calls in progress: their native work is part of them. */
    const active = new Map<number, string[]>();
    const java = this.installJavaSide(catalogue.filter((e) => selected(e.id, config)), config, { recorder, redaction, appPackage: config.appPackage, guarded, tid, active, egress });
    const natives = NATIVE_ENTRIES.filter((e) => selected(e.id, config));
    const native = installNative(natives, {
      hookNumber: (id) => this.hookNumber(id),
      recorder,
      redaction,
      guarded,
      reportError: (w, e) => this.error(w, e),
      inJavaCall: () => active.has(tid()),
      javaBacktrace: java.stacks?.source === "backtrace",
      egress,
      ...(config.nativeAttach ? { attach: config.nativeAttach } : {}),
    });
    this.nativeRows = native.rows;
    this.disableNative = native.disable;
    this.sendMessage({
      type: "hello",
      protocol: PROTOCOL_VERSION,
      agent: AGENT_VERSION,
      pid: Process.id,
      apiLevel: java.level,
      clock: now(),
      ...(java.stacks ? { stacks: java.stacks.source, ...(java.stacks.fallbackReason ? { stacksNote: java.stacks.fallbackReason } : {}) } : {}),
    });
    this.sendCoverage();
    return this.coverage;
  }

  /**
   * The runner's known device values, learned without a read (so a match names no readSeq). A
   * placeholder the matcher refuses is skipped as a read's would be; a kind it does not know is
   * an error naming the kind only, never the value.
   */
  private learnKnown(egress: Egress, known: readonly KnownValue[]): void {
    for (const k of known) {
      try {
        egress.matcher.learn(k.kind as IdKind, String(k.value));
      } catch {
        this.error("knownValues", `unknown identifier kind ${JSON.stringify(String(k.kind).slice(0, 40))}`);
      }
    }
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
    this.disposed = true;
    this.disableNative();
  }

  /** The Java hooks, the lifecycle and the crash flush; in a process without a VM, every Java entry absent. */
  private installJavaSide(entries: readonly HookEntry[], config: AgentConfig, base: Omit<RecordContext, "stacks" | "foreground">): { level: number | null; stacks?: StackWalker } {
    const installer = this.installer!;
    if (!javaAvailable()) {
      // A process without a Java VM (a native helper the app started): its Java hooks are absent, not failed.
      for (const e of entries) {
        this.permissions[this.hookNumber(e.id)] = e.permission ?? null;
        installer.coverage.set(e.id, { status: "absent", reason: "no Java runtime in this process" });
      }
      return { level: null };
    }
    const out: { level: number | null; stacks?: StackWalker } = { level: null };
    try {
      Java.performNow(() => {
        out.level = apiLevel();
        const stacks = new StackWalker(config.maxStackDepth ?? DEFAULTS.maxStackDepth);
        out.stacks = stacks;
        // A send during an enqueued OkHttp call's run reads its stack again, with the same reader.
        base.egress?.useStacks(stacks);
        const lifecycle = new Lifecycle(base.recorder, base.guarded);
        this.installJava(entries, out.level, { ...base, stacks, foreground: () => lifecycle.foreground() });
        lifecycle.install(installer);
        // Pre-encryption scan points: no coverage row, no call recorded (agent/engine/egress.ts).
        if (entries.some((e) => e.egress)) for (const p of base.egress!.scanPoints) installer.add({ className: p.className, method: p.method, overloads: p.overloads, handler: base.egress!.scanHandler(p, base.guarded), ...(p.declaredOnly ? { declaredOnly: true } : {}) });
        installer.add(applicationTarget((className) => this.sendMessage({ type: "application", t: now(), className }), base.guarded));
        installCrashFlush(installer, () => base.recorder.flush());
        installer.installed();
      });
    } catch (err) {
      this.error("java", err);
    }
    return out;
  }

  private installJava(entries: readonly HookEntry[], level: number | null, ctx: RecordContext): void {
    const installer = this.installer!;
    for (const e of entries) {
      const hook = this.hookNumber(e.id);
      this.permissions[hook] = e.permission ?? null;
      if (outsideApi(e, level)) {
        installer.coverage.set(e.id, { status: "absent", reason: `API ${level} outside ${e.minApi ?? ""}–${e.maxApi ?? ""}` });
        continue;
      }
      installer.add({ id: e.id, className: e.className, method: e.method, overloads: e.overloads, ...(e.implementations ? { implementations: e.implementations } : {}), handler: recordingHandler(e, hook, ctx) });
    }
  }

  private guarded<T>(t: number, fn: () => T): T {
    if (this.busy.has(t)) return fn();
    this.busy.add(t);
    try {
      return fn();
    } finally {
      this.busy.delete(t);
    }
  }

  private sendCoverage(): void {
    this.coverage = this.rowsInOrder(this.installer?.rows() ?? [], this.nativeRows);
    this.sendMessage({ type: "coverage", hooks: this.coverage, permissions: this.coverage.map((_, i) => this.permissions[i] ?? null) });
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

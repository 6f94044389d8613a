import type { HookEntry } from "../catalogue/types.js";
import type { CoverageRow, HookStatus } from "../protocol.js";
import type { JavaMethod, JavaWrapper } from "./java.js";
import { LoaderWatch } from "./loaders.js";

/** What runs around one call of a hooked overload. Returns a function run after the original, or nothing. */
export type Handler = (self: unknown, args: unknown[]) => ((threw: boolean, result: unknown) => void) | void;

export interface Target {
  readonly className: string;
  readonly method: string;
  /** Parameter type lists, or "all". */
  readonly overloads: HookEntry["overloads"];
  readonly handler: Handler;
  /** Coverage id; internal hooks (lifecycle) have none. */
  readonly id?: string;
}

type Overload = JavaMethod & { argumentTypes: { className?: string; name: string }[] };

function signature(o: Overload): string {
  return o.argumentTypes.map((t) => t.className ?? t.name).join(",");
}

function message(err: unknown): string {
  return (err as Error)?.message ?? String(err);
}

export interface InstallerOptions {
  readonly reportError: (where: string, err: unknown) => void;
  /** Reentrancy guard: while true for the current thread, hooks call straight through. */
  readonly inAgent: () => boolean;
  /** Runs agent code with the reentrancy guard up. */
  readonly guarded?: <T>(fn: () => T) => T;
  /** Called when a pending class was found in a new class loader and hooked. */
  readonly onLateHook?: () => void;
}

/**
 * Turns targets into hooks, overload by overload. Several targets on one overload share a single
 * replacement that runs them all. A replacement never changes arguments, return values or
 * exceptions: it calls the original with what it got and returns or rethrows what it gave.
 * Each target is installed on its own: whatever one does (the bridge throws `No supported
 * overloads` when reflection fails), it is that target's status and the others go on.
 * Classes the default loader cannot find wait for a class loader that has them (./loaders.ts).
 */
export class Installer {
  readonly coverage = new Map<string, { status: HookStatus; reason?: string }>();
  private readonly handlers = new Map<string, Handler[]>();
  private pending: Target[] = [];
  private readonly loaders: LoaderWatch;

  constructor(private readonly opts: InstallerOptions) {
    this.loaders = new LoaderWatch(this, opts.reportError, opts.guarded ?? ((fn) => fn()));
  }

  add(target: Target): void {
    if (target.id) this.coverage.set(target.id, { status: "pending" });
    try {
      const loaded = this.loaders.findAtStart(target.className);
      if (loaded !== null) return this.hookIn(loaded, target);
      if (isPlatformClass(target.className)) return this.set(target, "absent", `class ${target.className} not on this device`);
      this.pending.push(target);
      this.loaders.watch();
    } catch (err) {
      this.fail(target, err);
    }
  }

  /** Init is over: what the start-up look-ups cached is dropped. */
  installed(): void {
    this.loaders.startDone();
  }

  rows(): CoverageRow[] {
    return [...this.coverage].map(([id, c]) => (c.reason ? [id, c.status, c.reason] : [id, c.status]));
  }

  /** Hooks the pending targets whose class `lookup` finds (in a new class loader); returns whether any was hooked. */
  retryPending(lookup: (className: string) => JavaWrapper | null): boolean {
    const still: Target[] = [];
    let hooked = false;
    for (const t of this.pending) {
      try {
        const cls = lookup(t.className);
        if (cls === null) {
          still.push(t);
          continue;
        }
        this.hookIn(cls, t);
        hooked = true;
      } catch (err) {
        this.fail(t, err);
      }
    }
    this.pending = still;
    if (hooked) this.opts.onLateHook?.();
    return hooked;
  }

  private fail(target: Target, err: unknown): void {
    if (target.id) this.set(target, "failed", message(err));
    else this.opts.reportError(`${target.className}.${target.method}`, err);
  }

  private set(target: Target, status: HookStatus, reason?: string): void {
    if (!target.id) return;
    const prev = this.coverage.get(target.id);
    // One overload hooked is enough for the entry to count as hooked.
    if (prev?.status === "hooked" && status !== "hooked") return;
    this.coverage.set(target.id, reason ? { status, reason } : { status });
  }

  private hookIn(cls: JavaWrapper, target: Target): void {
    if (isInterface(cls)) {
      // Calls on an interface dispatch to the implementing class: a hook here would never fire.
      this.set(target, "absent", `${target.className} is an interface here; its implementations are not known in advance`);
      return;
    }
    // The bridge builds a class's members when first read, and throws when none can be built.
    const overloads = (cls as unknown as Record<string, { overloads?: Overload[] } | undefined>)[target.method]?.overloads;
    if (!overloads || overloads.length === 0) {
      this.set(target, "absent", `no method ${target.method} on ${target.className} on this API level`);
      return;
    }
    const wanted = target.overloads === "all" ? null : new Set(target.overloads.map((o) => o.join(",")));
    let hooked = 0;
    for (const o of overloads) {
      const sig = signature(o);
      if (wanted && !wanted.has(sig)) continue;
      try {
        this.attach(target.className, target.method, o, target.handler);
        hooked++;
      } catch (err) {
        this.set(target, "failed", `${target.method}(${sig}): ${message(err)}`);
      }
    }
    if (hooked > 0) this.set(target, "hooked");
    else if (this.coverage.get(target.id ?? "")?.status !== "failed") this.set(target, "absent", `no overload ${[...(wanted ?? [])].join(" | ")} of ${target.method}`);
  }

  private attach(className: string, method: string, overload: Overload, handler: Handler): void {
    const key = `${className}.${method}(${signature(overload)})`;
    const existing = this.handlers.get(key);
    if (existing) {
      existing.push(handler);
      return;
    }
    const list: Handler[] = [handler];
    const { inAgent, reportError } = this.opts;
    overload.implementation = function (this: unknown, ...args: unknown[]): unknown {
      if (inAgent()) return overload.apply(this, args);
      const after: ((threw: boolean, result: unknown) => void)[] = [];
      for (const h of list) {
        try {
          const a = h(this, args);
          if (a) after.push(a);
        } catch (err) {
          reportError(key, err);
        }
      }
      let result: unknown;
      try {
        result = overload.apply(this, args);
      } catch (err) {
        runAfter(after, true, err, key, reportError);
        throw err;
      }
      runAfter(after, false, result, key, reportError);
      return result;
    };
    // Only once the replacement is in place: a failed attach leaves no handler list behind.
    this.handlers.set(key, list);
  }
}

function runAfter(after: readonly ((threw: boolean, result: unknown) => void)[], threw: boolean, result: unknown, key: string, reportError: (where: string, err: unknown) => void): void {
  for (const a of after) {
    try {
      a(threw, result);
    } catch (e) {
      reportError(key, e);
    }
  }
}

export function isPlatformClass(name: string): boolean {
  return /^(android|java|javax|dalvik|com\.android)\./.test(name);
}

function isInterface(cls: JavaWrapper): boolean {
  try {
    return (cls as unknown as { class: { isInterface(): boolean } }).class.isInterface() === true;
  } catch {
    return false;
  }
}


import type { HookEntry } from "../catalogue/types.js";
import type { CoverageRow, HookStatus } from "../protocol.js";
import { Java, type JavaMethod, type JavaWrapper } from "./java.js";

/** What runs around one call of a hooked overload. Returns a function run after the original, or nothing. */
export type Handler = (self: unknown, args: unknown[]) => ((threw: boolean, result: unknown) => void) | void;

interface Target {
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

/**
 * Turns targets into hooks, overload by overload. Several targets on one overload share a single
 * replacement that runs them all. A replacement never changes arguments, return values or
 * exceptions: it calls the original with what it got and returns or rethrows what it gave.
 * Classes the default loader cannot find are looked up in the app's class loaders, and again in
 * every class loader created later (dynamically loaded SDKs).
 */
export class Installer {
  readonly coverage = new Map<string, { status: HookStatus; reason?: string }>();
  private readonly handlers = new Map<string, Handler[]>();
  private pending: Target[] = [];
  private watchingLoaders = false;

  constructor(
    private readonly reportError: (where: string, err: unknown) => void,
    /** Reentrancy guard: while true for the current thread, hooks call straight through. */
    private readonly inAgent: () => boolean,
    /** Called when a pending class was found in a new class loader and hooked. */
    private readonly onLateHook: () => void = () => {},
  ) {}

  add(target: Target): void {
    if (target.id) this.coverage.set(target.id, { status: "pending" });
    const loaded = this.findClass(target.className);
    if (loaded === null) {
      if (isPlatformClass(target.className)) this.set(target, "absent", `class ${target.className} not on this device`);
      else {
        this.pending.push(target);
        this.watchLoaders();
      }
      return;
    }
    this.hookIn(loaded, target);
  }

  rows(): CoverageRow[] {
    return [...this.coverage].map(([id, c]) => (c.reason ? [id, c.status, c.reason] : [id, c.status]));
  }

  private set(target: Target, status: HookStatus, reason?: string): void {
    if (!target.id) return;
    const prev = this.coverage.get(target.id);
    // One overload hooked is enough for the entry to count as hooked.
    if (prev?.status === "hooked" && status !== "hooked") return;
    this.coverage.set(target.id, reason ? { status, reason } : { status });
  }

  private findClass(name: string, loader?: JavaWrapper): JavaWrapper | null {
    try {
      return loader ? Java.ClassFactory.get(loader).use(name) : Java.use(name);
    } catch {
      if (loader) return null;
    }
    for (const l of safeLoaders()) {
      try {
        return Java.ClassFactory.get(l).use(name);
      } catch {
        // not in this loader
      }
    }
    return null;
  }

  private hookIn(cls: JavaWrapper, target: Target): void {
    if (isInterface(cls)) {
      // Calls on an interface dispatch to the implementing class: a hook here would never fire.
      this.set(target, "absent", `${target.className} is an interface here; its implementations are not known in advance`);
      return;
    }
    const dispatcher = (cls as unknown as Record<string, { overloads?: Overload[] } | undefined>)[target.method];
    const overloads = dispatcher?.overloads;
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
        this.set(target, "failed", `${target.method}(${sig}): ${(err as Error)?.message ?? String(err)}`);
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
    this.handlers.set(key, list);
    const inAgent = this.inAgent;
    const reportError = this.reportError;
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
        for (const a of after) {
          try {
            a(true, err);
          } catch (e) {
            reportError(key, e);
          }
        }
        throw err;
      }
      for (const a of after) {
        try {
          a(false, result);
        } catch (e) {
          reportError(key, e);
        }
      }
      return result;
    };
  }

  /** Hooks the base class loader's constructor, to retry pending targets with each new loader. */
  private watchLoaders(): void {
    if (this.watchingLoaders) return;
    this.watchingLoaders = true;
    const self = this;
    try {
      const base = Java.use("dalvik.system.BaseDexClassLoader") as unknown as { $init: { overloads: Overload[] } };
      for (const o of base.$init.overloads) {
        this.attach("dalvik.system.BaseDexClassLoader", "$init", o, (loader) => () => {
          // `this` in a replacement is a local reference, valid only during the call: keep a
          // global one, and look only after the subclass constructor has finished.
          const retained = Java.retain(loader as JavaWrapper);
          setTimeout(() => Java.perform(() => self.retryPending(retained)), 0);
        });
      }
    } catch (err) {
      this.reportError("class loader watch", err);
    }
  }

  private retryPending(loader: JavaWrapper): void {
    const still: Target[] = [];
    let hooked = false;
    for (const t of this.pending) {
      const cls = this.findClass(t.className, loader);
      if (cls) {
        this.hookIn(cls, t);
        hooked = true;
      } else still.push(t);
    }
    this.pending = still;
    if (hooked) this.onLateHook();
  }
}

function isPlatformClass(name: string): boolean {
  return /^(android|java|javax|dalvik|com\.android)\./.test(name);
}

function safeLoaders(): JavaWrapper[] {
  try {
    return Java.enumerateClassLoadersSync();
  } catch {
    return [];
  }
}

function isInterface(cls: JavaWrapper): boolean {
  try {
    return (cls as unknown as { class: { isInterface(): boolean } }).class.isInterface() === true;
  } catch {
    return false;
  }
}

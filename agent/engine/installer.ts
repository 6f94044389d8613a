import type { HookEntry, Implementations } from "../catalogue/types.js";
import type { CoverageRow, HookStatus } from "../protocol.js";
import type { JavaMethod, JavaWrapper } from "./java.js";
import { loadedImplementations, LoaderWatch, type Implementing } from "./loaders.js";

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
  /** `className` is an interface: hook `method` in the classes that implement it. */
  readonly implementations?: Implementations;
}

type Overload = JavaMethod & { argumentTypes: { className?: string; name: string }[]; holder?: { $n?: string } };

function signature(o: Overload): string {
  return o.argumentTypes.map((t) => t.className ?? t.name).join(",");
}


/** An interface entry: the interfaces seen (one per loader that defines it) and the hooks placed. */
interface InterfaceTarget {
  readonly target: Target;
  readonly ifaces: JavaWrapper[];
  /** `holder.method(signature)` of each overload hooked for this target. */
  readonly hooked: Set<string>;
  /** The classes whose methods run the hooks (an implementation, or the superclass it inherits the method from). */
  readonly holders: Set<string>;
  /** The implementing classes already looked at. */
  readonly seen: Set<string>;
}

/** A class still to find: an entry's class, an implementation known by name, or the interface itself. */
interface Pending {
  readonly target: Target;
  readonly className: string;
  readonly iface?: InterfaceTarget;
  readonly kind?: "implementation" | "interface";
}

/** Passes over the loaded classes looking for implementations, at most (each costs one JNI call per class and interface). */
const MAX_SCANS = 32;

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
 * An entry on an interface with `implementations` is hooked in the classes implementing it: those
 * named, and those a bounded pass over the loaded classes finds (HookEntry.implementations).
 */
export class Installer {
  readonly coverage = new Map<string, { status: HookStatus; reason?: string }>();
  private readonly handlers = new Map<string, Handler[]>();
  private pending: Pending[] = [];
  private readonly loaders: LoaderWatch;
  private readonly interfaces: InterfaceTarget[] = [];
  private scans = 0;
  private started = false;
  /** The calls after which implementations are looked for again (hooked once each). */
  private readonly triggers = new Set<string>();

  constructor(private readonly opts: InstallerOptions) {
    this.loaders = new LoaderWatch(this, opts.reportError, opts.guarded ?? ((fn) => fn()));
  }

  add(target: Target): void {
    if (target.id) this.coverage.set(target.id, { status: "pending" });
    const implementations = target.implementations;
    if (implementations) return this.addInterface({ ...target, implementations });
    try {
      const loaded = this.loaders.findAtStart(target.className);
      if (loaded !== null) return this.hookIn(loaded, target);
      if (isPlatformClass(target.className)) return this.set(target, "absent", `class ${target.className} not on this device`);
      this.pending.push({ target, className: target.className });
      this.loaders.watch();
    } catch (err) {
      this.fail(target, err);
    }
  }

  /** Init is over: the implementations of the interfaces seen are looked for; what the start-up look-ups cached is dropped. */
  installed(): void {
    this.started = true;
    this.scan();
    this.loaders.startDone();
  }

  rows(): CoverageRow[] {
    return [...this.coverage].map(([id, c]) => (c.reason ? [id, c.status, c.reason] : [id, c.status]));
  }

  /**
   * Hooks the pending targets whose class `lookup` finds (in a new class loader), then looks for
   * implementations of the interfaces seen; returns whether any hook was placed.
   */
  retryPending(lookup: (className: string) => JavaWrapper | null): boolean {
    const before = this.hookCount();
    const still: Pending[] = [];
    for (const p of this.pending) {
      try {
        const cls = lookup(p.className);
        if (cls === null) still.push(p);
        else this.found(p, cls);
      } catch (err) {
        this.fail(p.target, err);
      }
    }
    this.pending = still;
    this.scan();
    const hooked = this.hookCount() > before;
    if (hooked) this.opts.onLateHook?.();
    return hooked;
  }

  private hookCount(): number {
    return this.handlers.size + this.interfaces.reduce((n, i) => n + i.hooked.size, 0);
  }

  private found(p: Pending, cls: JavaWrapper): void {
    if (!p.iface) return this.hookIn(cls, p.target);
    if (p.kind === "interface") return this.seeInterface(p.iface, cls);
    this.hookImplementation(p.iface, cls, p.className);
  }

  /**
   * An interface entry: its known implementations by name, and the interface itself, whose
   * loaded implementations are looked for once init is over and at each later class loader.
   */
  private addInterface(target: Target): void {
    const it: InterfaceTarget = { target, ifaces: [], hooked: new Set(), holders: new Set(), seen: new Set() };
    this.interfaces.push(it);
    this.loaders.watch();
    const lookUp = (className: string, kind: Pending["kind"]): void => {
      try {
        const cls = this.loaders.findAtStart(className);
        if (cls === null) this.pending.push({ target, className, iface: it, kind });
        else this.found({ target, className, iface: it, kind }, cls);
      } catch (err) {
        this.fail(target, err);
      }
    };
    lookUp(target.className, "interface");
    for (const name of target.implementations?.known ?? []) lookUp(name, "implementation");
    // A call that makes an implementation: when it returns, the new class is loaded.
    for (const call of target.implementations?.after ?? []) {
      if (this.triggers.has(call)) continue;
      this.triggers.add(call);
      const dot = call.lastIndexOf(".");
      this.add({ className: call.slice(0, dot), method: call.slice(dot + 1), overloads: "all", handler: () => (threw) => (threw ? undefined : this.rescan()) });
    }
  }

  private seeInterface(it: InterfaceTarget, cls: JavaWrapper): void {
    if (!isInterface(cls)) return this.hookImplementation(it, cls, it.target.className);
    it.ifaces.push(cls);
    if (it.holders.size === 0) this.set(it.target, "pending", `interface ${it.target.className} loaded; no class implementing it loaded (yet)`);
    // Later in a new class loader: the caller (retryPending) scans next.
  }

  /** After a call that creates implementations: look again, and say so when a hook was placed. */
  private rescan(): void {
    const before = this.hookCount();
    this.scan();
    if (this.hookCount() > before) this.opts.onLateHook?.();
  }

  /** One pass over the loaded classes for every interface seen (after init only; bounded). */
  private scan(): void {
    if (!this.started || this.scans >= MAX_SCANS) return;
    // Entries on one interface (getOAID, getVAID…) share its wrapper: one check per class for them all.
    const byIface = new Map<JavaWrapper, InterfaceTarget[]>();
    for (const it of this.interfaces) for (const w of it.ifaces) byIface.set(w, [...(byIface.get(w) ?? []), it]);
    const ifaces = [...byIface.keys()];
    if (ifaces.length === 0) return;
    this.scans++;
    const guarded = this.opts.guarded ?? (<T>(fn: () => T): T => fn());
    try {
      guarded(() => {
        for (const f of loadedImplementations(ifaces)) {
          const targets = byIface.get(ifaces[f.iface]!)!.filter((it) => !it.seen.has(f.name));
          if (targets.length > 0) this.hookFound(targets, f);
        }
      });
    } catch (err) {
      this.opts.reportError("implementations", err);
    }
  }

  private hookFound(targets: readonly InterfaceTarget[], f: Implementing): void {
    try {
      const cls = this.loaders.inLoader(f.loader, f.name);
      if (cls !== null) for (const it of targets) this.hookImplementation(it, cls, f.name);
    } catch (err) {
      this.opts.reportError(`implementations of ${targets[0]!.target.className}: ${f.name}`, err);
    }
  }

  /**
   * Hooks the interface's method in one implementing class: each overload where the class
   * declares it or inherits it (the bridge resolves a member up the superclass chain and names
   * the declaring class its `holder`: lib/class-factory.js, `[Symbol.for('find')]`).
   */
  private hookImplementation(it: InterfaceTarget, cls: JavaWrapper, className: string): void {
    const { target } = it;
    it.seen.add(className);
    const wanted = target.overloads === "all" ? null : new Set(target.overloads.map((o) => o.join(",")));
    for (const o of overloadsOf(cls, target.method)) {
      const sig = signature(o);
      const holder = o.holder?.$n ?? className;
      const key = `${holder}.${target.method}(${sig})`;
      if ((wanted && !wanted.has(sig)) || it.hooked.has(key)) continue;
      try {
        this.attach(holder, target.method, o, target.handler);
        it.hooked.add(key);
        it.holders.add(holder);
      } catch (err) {
        this.opts.reportError(key, err);
      }
    }
    const n = it.holders.size;
    if (n > 0) this.set(target, "hooked", `in ${n} class${n === 1 ? "" : "es"} implementing ${target.className}: ${[...it.holders].join(", ")}`);
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
      this.set(target, "absent", `${target.className} is an interface here; the entry names no implementations to hook`);
      return;
    }
    const overloads = overloadsOf(cls, target.method);
    if (overloads.length === 0) {
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

/**
 * Namespaces only the platform defines: a class there that is not found is not on this device.
 * Not `com.android.`: apps bundle classes under it (com.android.volley, com.android.billingclient,
 * vendor AIDL proxies such as Freeme's com.android.creator.IdsSupplier$Stub$Proxy), so such a
 * class waits for a class loader that has it, like any SDK class.
 */
export function isPlatformClass(name: string): boolean {
  return /^(android|java|javax|dalvik)\./.test(name);
}

/** The overloads of a method as the class wrapper resolves it; the bridge builds members when first read, and throws when none can be built. */
function overloadsOf(cls: JavaWrapper, method: string): Overload[] {
  return (cls as unknown as Record<string, { overloads?: Overload[] } | undefined>)[method]?.overloads ?? [];
}

function isInterface(cls: JavaWrapper): boolean {
  try {
    return (cls as unknown as { class: { isInterface(): boolean } }).class.isInterface() === true;
  } catch {
    return false;
  }
}


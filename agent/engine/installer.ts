import type { HookEntry, Implementations } from "../catalogue/types.js";
import type { CoverageRow, HookStatus } from "../protocol.js";
import type { JavaWrapper } from "./java.js";
import { implementationsRow, isInterface, loadedImplementations, LoaderWatch, overloadsOf, passBudgets, passesStopped, signature, superOf, type Implementing, type InterfaceTarget, type Overload, type PassBudget } from "./loaders.js";

/** What runs around one call of a hooked overload. Returns a function run after the original, or nothing. */
export type Handler = (self: unknown, args: unknown[]) => ((threw: boolean, result: unknown) => void) | void;

export interface Target {
  readonly className: string;
  readonly method: string;
  /** Parameter type lists, or "all". */
  readonly overloads: HookEntry["overloads"];
  /** Only an overload the class itself declares (its `holder` is the class), not an inherited one. */
  readonly declaredOnly?: boolean;
  readonly handler: Handler;
  /** Coverage id; internal hooks (lifecycle) have none. */
  readonly id?: string;
  /** `className` is an interface: hook `method` in the classes that implement it. */
  readonly implementations?: Implementations;
}

/** A class still to find: an entry's class, an implementation known by name, or the interface itself. */
interface Pending {
  readonly target: Target;
  readonly className: string;
  readonly iface?: InterfaceTarget;
  readonly kind?: "implementation" | "interface";
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
 * An entry on an interface with `implementations` is hooked in the classes implementing it: those
 * named, and those a bounded pass over the loaded classes finds (HookEntry.implementations).
 */
export class Installer {
  readonly coverage = new Map<string, { status: HookStatus; reason?: string }>();
  private readonly handlers = new Map<string, Handler[]>();
  private pending: Pending[] = [];
  private readonly loaders: LoaderWatch;
  private readonly interfaces: InterfaceTarget[] = [];
  private readonly budgets = passBudgets();
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
    this.scan("load");
    this.loaders.startDone();
  }

  rows(): CoverageRow[] {
    return [...this.coverage].map(([id, c]) => (c.reason ? [id, c.status, c.reason] : [id, c.status]));
  }

  /**
   * Hooks the pending targets whose class `lookup` finds (in a new class loader), then looks for
   * implementations of the interfaces seen; returns whether any hook was placed. An
   * implementation known by name stays pending: each loader may define its own copy (a plugin's).
   * `lookup`'s `known` says a class object was looked at already.
   */
  retryPending(lookup: (className: string, known?: (cls: unknown) => boolean) => JavaWrapper | null): boolean {
    const before = this.hookCount();
    const still: Pending[] = [];
    for (const p of this.pending) {
      try {
        const keys = p.kind === "implementation" ? p.iface?.seen : p.kind === "interface" ? p.iface?.ifaceKeys : undefined;
        const cls = lookup(p.className, keys && ((k) => keys.has(`${p.className}@${this.loaders.identity(k)}`)));
        if (cls === null || keys) still.push(p);
        if (cls !== null) this.found(p, cls);
      } catch (err) {
        this.fail(p.target, err);
      }
    }
    this.pending = still;
    const stopped = this.scan("load");
    const hooked = this.hookCount() > before;
    if (hooked || stopped) this.opts.onLateHook?.();
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
    const it: InterfaceTarget = { target, ifaces: [], hooked: new Set(), holders: new Map(), seen: new Set(), ifaceKeys: new Set(), unhooked: new Set() };
    this.interfaces.push(it);
    this.loaders.watch();
    // Looked up again in each new loader, found or not: each may define its own copy.
    const lookUp = (className: string, kind: Pending["kind"]): void => {
      try {
        const p: Pending = { target, className, iface: it, kind };
        this.pending.push(p);
        const cls = this.loaders.findAtStart(className);
        if (cls !== null) this.found(p, cls);
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
    const key = this.classKey(cls, it.target.className);
    if (it.ifaceKeys.has(key)) return;
    it.ifaceKeys.add(key);
    if (!isInterface(cls)) return this.hookImplementation(it, cls, it.target.className, key);
    it.ifaces.push(cls);
    this.describe(it);
    // Later in a new class loader: the caller (retryPending) scans next.
  }

  /** The coverage row of an interface entry: the classes hooked, or why none is yet; and whether the passes stopped. */
  private describe(it: InterfaceTarget): void {
    const after = it.target.implementations?.after ?? [];
    const stopped = passesStopped(this.budgets.load.spent(), after.length > 0 ? this.budgets.after.spent() : undefined, after);
    const row = implementationsRow(it.target, [...it.holders.values()], [...it.unhooked], it.ifaces.length > 0, stopped);
    if (row) this.set(it.target, row.status, row.reason);
  }

  /** After a call that creates implementations: look again, and say so when a hook was placed. */
  private rescan(): void {
    const before = this.hookCount();
    const stopped = this.scan("after");
    if (this.hookCount() > before || stopped) this.opts.onLateHook?.();
  }

  /**
   * One pass over the loaded classes for every interface seen (after init only; bounded by
   * `kind`'s budget); returns whether this pass used the budget up (the rows changed to say so).
   */
  private scan(kind: "load" | "after"): boolean {
    if (!this.started) return false;
    // Entries on one interface (getOAID, getVAID…) share its wrapper: one check per class for them all.
    const byIface = new Map<JavaWrapper, InterfaceTarget[]>();
    for (const it of this.interfaces) for (const w of it.ifaces) byIface.set(w, [...(byIface.get(w) ?? []), it]);
    const ifaces = [...byIface.keys()];
    if (ifaces.length === 0) return false;
    const budget = this.budgets[kind];
    if (budget.spent() !== null) return false;
    this.pass(budget, ifaces, byIface);
    if (budget.spent() === null) return false;
    for (const it of this.interfaces) this.describe(it);
    return true;
  }

  private pass(budget: PassBudget, ifaces: readonly JavaWrapper[], byIface: Map<JavaWrapper, InterfaceTarget[]>): void {
    const guarded = this.opts.guarded ?? (<T>(fn: () => T): T => fn());
    try {
      const found = guarded(() => budget.run(() => loadedImplementations(ifaces, (o) => this.loaders.identity(o))));
      guarded(() => {
        for (const f of found) {
          const key = `${f.name}@${f.id}`;
          const targets = byIface.get(ifaces[f.iface]!)!.filter((it) => !it.seen.has(key));
          if (targets.length > 0) this.hookFound(targets, f, key);
        }
      });
    } catch (err) {
      this.opts.reportError("implementations", err);
    }
  }

  private hookFound(targets: readonly InterfaceTarget[], f: Implementing, key: string): void {
    try {
      const cls = this.loaders.inLoader(f.loader, f.name);
      if (cls !== null) for (const it of targets) this.hookImplementation(it, cls, f.name, key);
    } catch (err) {
      this.opts.reportError(`implementations of ${targets[0]!.target.className}: ${f.name}`, err);
    }
  }

  /**
   * Hooks the interface's method in one implementing class (`key`: its ClassKey), each overload
   * the interface declares where the class declares it or inherits it. The bridge resolves a
   * member up the superclass chain to the first class declaring any overload of that name, and
   * names it the overloads' `holder` (lib/class-factory.js, `[Symbol.for('find')]`): a class that
   * declares an unrelated `getOAID(Context)` hides the `getOAID()` it inherits, so the walk goes on
   * up from that holder (`$s`, its superclass wrapper) until every declared overload is found.
   * Interfaces are never walked: an interface's default method the class does not override is
   * not found (docs/agent.md).
   */
  private hookImplementation(it: InterfaceTarget, cls: JavaWrapper, className: string, key = this.classKey(cls, className)): void {
    const { target } = it;
    it.seen.add(key);
    const remaining = this.declared(it);
    let matched = 0;
    for (let c: JavaWrapper | null = cls; c !== null; ) {
      const overloads = overloadsOf(c, target.method);
      if (overloads.length === 0) break;
      const holder: JavaWrapper = overloads[0]!.holder ?? c;
      const holderName = (holder as { $n?: string }).$n ?? className;
      // A superclass never has its subclass's name: same name, same class.
      const holderKey = holderName === className ? key : this.classKey(holder, holderName);
      for (const o of overloads) {
        const sig = signature(o);
        if (remaining !== null && !remaining.delete(sig)) continue;
        matched++;
        this.hookAt(it, holderKey, holderName, o);
      }
      c = remaining !== null && remaining.size > 0 ? superOf(holder) : null;
    }
    if (matched === 0) it.unhooked.add(className);
    this.describe(it);
  }

  private hookAt(it: InterfaceTarget, holderKey: string, holderName: string, o: Overload): void {
    const key = `${holderKey}.${it.target.method}(${signature(o)})`;
    if (it.hooked.has(key)) return;
    try {
      this.attach(holderKey, it.target.method, o, it.target.handler);
      it.hooked.add(key);
      it.holders.set(holderKey, holderName);
    } catch (err) {
      this.opts.reportError(`${holderName}.${it.target.method}(${signature(o)})`, err);
    }
  }

  /** The overloads to hook in each implementation: those listed, or those the interface declares (read once), or, when neither is known, all the class resolves. */
  private declared(it: InterfaceTarget): Set<string> | null {
    const { overloads, method } = it.target;
    if (overloads !== "all") return new Set(overloads.map((o) => o.join(",")));
    if (it.declared === undefined && it.ifaces.length > 0) {
      const sigs = overloadsOf(it.ifaces[0]!, method).map(signature);
      it.declared = sigs.length > 0 ? new Set(sigs) : null;
    }
    return it.declared ? new Set(it.declared) : null;
  }

  /** A class's identity: its name and the identity hash of its class object (one class per loader that defines the name). */
  private classKey(cls: JavaWrapper, name: string): string {
    return `${name}@${this.loaders.identity((cls as unknown as { class: unknown }).class)}`;
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
    // By identity, as the implementations are: the same method of the same class shares one replacement.
    const key = this.classKey(cls, target.className);
    let hooked = 0;
    for (const o of overloads) {
      const sig = signature(o);
      if (wanted && !wanted.has(sig)) continue;
      // The bridge names the class an overload was found in (lib/class-factory.js, `holder`).
      if (target.declaredOnly && (o.holder as { $n?: string } | undefined)?.$n !== undefined && (o.holder as { $n?: string }).$n !== target.className) continue;
      try {
        this.attach(key, target.method, o, target.handler);
        hooked++;
      } catch (err) {
        this.set(target, "failed", `${target.method}(${sig}): ${message(err)}`);
      }
    }
    if (hooked > 0) this.set(target, "hooked");
    else if (this.coverage.get(target.id ?? "")?.status !== "failed") this.set(target, "absent", `no overload ${[...(wanted ?? [])].join(" | ")} of ${target.method}`);
  }

  /** Hooks one overload of the class `classKey` (a ClassKey), or adds `handler` to its replacement. */
  private attach(classKey: string, method: string, overload: Overload, handler: Handler): void {
    const key = `${classKey}.${method}(${signature(overload)})`;
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

import type { Installer, Target } from "./installer.js";
import { now } from "./clock.js";
import { Java, type JavaMethod, type JavaWrapper } from "./java.js";

type Factory = ReturnType<typeof Java.ClassFactory.get>;

/**
 * The class loaders Android apps and SDKs create: the base one and the framework's subclasses.
 * Hooking the subclasses too makes the outermost constructor the subclass's, so a loader is
 * looked at once it is fully built (a subclass constructor runs after the base one returns).
 */
const LOADER_CLASSES = [
  "dalvik.system.BaseDexClassLoader",
  "dalvik.system.PathClassLoader",
  "dalvik.system.DexClassLoader",
  "dalvik.system.InMemoryDexClassLoader",
  "dalvik.system.DelegateLastClassLoader",
];

/**
 * Where classes that are not on the boot class path come from: the app's own class loader
 * (created inside ActivityThread.handleBindApplication, after the agent loaded) and every loader
 * an SDK creates later (DexClassLoader, InMemoryDexClassLoader, …). Each runs BaseDexClassLoader's
 * constructor; when a loader's outermost constructor returns on this thread, the pending classes
 * are looked up in that loader right there, synchronously, on the Java thread that made it.
 *
 * Not through `Java.perform`: in an app process, before the bridge knows the app's class loader,
 * it queues the function and runs the queue from its own `getPackageInfo` replacement, or from
 * `LoadedApk.makeApplication` under instrumentation (frida-java-bridge index.js, `perform` and
 * `_performPendingVmOpsWhenReady`); a function queued once those hooks have run for the app —
 * the case of a retry scheduled from inside handleBindApplication — waits for the next
 * getPackageInfo, if one ever comes.
 *
 * Once more after `Application.attach`, with the Application's class loader, for a loader that
 * was created some other way.
 */
export class LoaderWatch {
  private watching = false;
  /** The class loaders present at start-up, enumerated once (each enumeration suspends every ART thread). */
  private startLoaders: JavaWrapper[] | null = null;
  private startOver = false;
  /** Per thread, the identities of the loaders whose constructors are running (a chain repeats one). */
  private readonly building = new Map<number, number[]>();
  private system: { identityHashCode(o: unknown): number } | null = null;
  private forName: { forName(name: string, init: boolean, loader: unknown): { getDeclaredMethods(): unknown } } | null = null;

  constructor(
    private readonly installer: Installer,
    private readonly reportError: (where: string, err: unknown) => void,
    private readonly guarded: <T>(fn: () => T) => T,
  ) {}

  /** A class by name at start-up: the default loader, then the loaders already there. */
  findAtStart(name: string): JavaWrapper | null {
    try {
      return Java.use(name);
    } catch {
      // not visible to the default class factory
    }
    if (this.startOver) return null;
    this.startLoaders ??= enumerateLoaders();
    for (const l of this.startLoaders) {
      const cls = this.classIn(l, name, () => Java.ClassFactory.get(Java.retain(l)));
      if (cls !== null) return cls;
    }
    return null;
  }

  /** A class by name in a given loader (null: the default factory's), linked first as `classIn` does. */
  inLoader(loader: JavaWrapper | null, name: string): JavaWrapper | null {
    if (loader === null) return Java.use(name);
    return this.classIn(loader, name, () => Java.ClassFactory.get(Java.retain(loader)));
  }

  startDone(): void {
    this.startOver = true;
    this.startLoaders = null;
  }

  /** Hooks the class loader constructors and Application.attach (once). */
  watch(): void {
    if (this.watching) return;
    this.watching = true;
    for (const className of LOADER_CLASSES) this.installer.add({ className, method: "$init", overloads: "all", handler: (self) => this.entered(self as JavaWrapper) });
    this.installer.add({
      className: "android.app.Application",
      method: "attach",
      overloads: [["android.content.Context"]],
      handler: (self) => (threw) => {
        if (!threw) this.retry(this.guarded(() => (self as { getClassLoader(): JavaWrapper }).getClassLoader()));
      },
    });
  }

  /** A loader constructor starts: when this loader's outermost one returns, look in it. */
  private entered(self: JavaWrapper): (threw: boolean) => void {
    const t = Process.getCurrentThreadId();
    const id = this.identity(self);
    let stack = this.building.get(t);
    if (!stack) this.building.set(t, (stack = []));
    stack.push(id);
    return (threw) => {
      stack.pop();
      if (stack.length === 0) this.building.delete(t);
      // Still inside another constructor of the same loader (a this(...) chain): not built yet.
      if (threw || stack.includes(id)) return;
      this.retry(self);
    };
  }

  /** `System.identityHashCode(o)`, or -1 when it cannot be had. */
  identity(o: unknown): number {
    try {
      return this.guarded(() => (this.system ??= Java.use("java.lang.System") as unknown as { identityHashCode(o: unknown): number }).identityHashCode(o));
    } catch {
      return -1;
    }
  }

  private retry(loader: JavaWrapper | null): void {
    if (loader === null) return;
    try {
      this.guarded(() => {
        // A factory only for a loader that has one of the classes: the bridge's factory cache
        // keeps every loader it is given, for good (class-factory.js, ClassFactory.get). `this`
        // in a replacement is a local reference, valid only during the call, and the cached
        // factory uses its loader later: it gets a global one.
        let factory: Factory | null = null;
        this.installer.retryPending((name, known) => this.classIn(loader, name, () => (factory ??= Java.ClassFactory.get(Java.retain(loader))), known));
      });
    } catch (err) {
      this.reportError("class loader watch", err);
    }
  }

  /**
   * The class as the bridge wraps it, if the loader has it; the bridge factory (kept for good by
   * its cache) is made only then. Linked before the bridge models it: on HotSpot a class loaded
   * but not yet linked crashes the bridge's JVMTI class model (frida-java-bridge
   * lib/class-model.js ignores GetClassMethods' error); reflection links it. ART links a class
   * when it loads it. `known(classObject)`: the class was looked at already (the loader only
   * delegates to one that has it), so no factory is made for this loader.
   */
  private classIn(loader: JavaWrapper, name: string, factory: () => Factory, known?: (cls: unknown) => boolean): JavaWrapper | null {
    const cls = this.load(loader, name);
    if (cls === null || known?.(cls)) return null;
    cls.getDeclaredMethods();
    return useInFactory(factory(), name);
  }

  /** The class, if the loader can load it (without initialising it), else null. */
  private load(loader: JavaWrapper, name: string): { getDeclaredMethods(): unknown } | null {
    try {
      return (this.forName ??= Java.use("java.lang.Class") as unknown as { forName(name: string, init: boolean, loader: unknown): { getDeclaredMethods(): unknown } }).forName(name, false, loader);
    } catch {
      return null;
    }
  }
}

/**
 * `Application.attach(Context)` reports the process's Application class, once, before the
 * original runs: a packer's stub does its work (and often kills the process) inside attach.
 * The runtime class comes from `getClass()`: a replacement's `this` is wrapped as the hooked
 * class, so its `$className` is `android.app.Application` on a phone (the fallback elsewhere).
 */
export function applicationTarget(report: (className: string) => void, guarded: <T>(fn: () => T) => T): Target {
  let reported = false;
  return {
    className: "android.app.Application",
    method: "attach",
    overloads: [["android.content.Context"]],
    handler: (self) => {
      if (reported) return;
      reported = true;
      const o = self as { $className?: unknown; getClass?: () => { getName(): unknown } };
      const name = guarded(() => {
        try {
          const n = o.getClass?.().getName();
          if (typeof n === "string" && n) return n;
        } catch {
          // a wrapper without getClass: its own name below
        }
        return typeof o.$className === "string" ? o.$className : "";
      });
      if (name) report(name);
    },
  };
}

/** A loaded class implementing the interface at `iface` (an index into the list given), its loader (null: the boot loader) and its identity (`System.identityHashCode` of the class object). */
export interface Implementing {
  readonly name: string;
  readonly loader: JavaWrapper | null;
  readonly iface: number;
  readonly id: number;
}

type ClassObject = { isInterface(): boolean; getModifiers(): number; getClassLoader(): JavaWrapper | null };
type Env = { isAssignableFrom(a: NativePointer, b: NativePointer): number | boolean; newGlobalRef(h: NativePointer): NativePointer; deleteGlobalRef(h: NativePointer): void };
const ABSTRACT = 0x400;

/**
 * The concrete loaded classes that implement one of `ifaces`, in one pass over every loaded class:
 * frida-java-bridge index.js `enumerateLoadedClasses` walks JVMTI GetLoadedClasses on HotSpot and
 * ClassLinker::VisitClasses on ART, giving each class's name and a reference valid during that
 * callback only; one JNI IsAssignableFrom per class and interface tells the implementations (a
 * sub-interface's and a subclass's too). The walk is not cheap and not harmless on ART: the bridge
 * (`_enumerateLoadedClassesArt`) runs it under `withRunnableArtThread` (lib/android.js) inside
 * VisitClasses, which holds the class linker's classes lock, and for every class calls
 * `env.getClassName` (lib/env.js: a JNI CallObjectMethod of Class.getName, Java code) and then
 * our onMatch: for the whole pass, a GC's suspend-all and other threads' class definitions wait.
 * So onMatch does no more than the one check and a global reference per match; the matches are
 * looked at after the walk, and the caller bounds the passes in number and total time (PassBudget).
 * Interfaces and abstract classes are left out: a concrete subclass names the method that runs.
 */
export function loadedImplementations(ifaces: readonly JavaWrapper[], identity: (o: unknown) => number): Implementing[] {
  const env = Java.vm.getEnv() as unknown as Env;
  const classes = ifaces.map((i) => (i as unknown as { class: { $h: NativePointer } }).class);
  const matches: { name: string; ref: NativePointer; iface: number }[] = [];
  // Whatever throws (the walk, the look-ups after it), every global reference made is released.
  try {
    Java.enumerateLoadedClasses({
      onMatch(name, handle) {
        classes.forEach((c, iface) => {
          if (env.isAssignableFrom(handle, c.$h)) matches.push({ name, ref: env.newGlobalRef(handle), iface });
        });
      },
      onComplete() {},
    });
    const Class = Java.use("java.lang.Class");
    const found: Implementing[] = [];
    for (const m of matches) {
      const k = Java.cast(m.ref, Class) as unknown as ClassObject;
      if (!k.isInterface() && (k.getModifiers() & ABSTRACT) === 0) found.push({ name: m.name, loader: k.getClassLoader(), iface: m.iface, id: identity(k) });
    }
    return found;
  } finally {
    for (const m of matches) env.deleteGlobalRef(m.ref);
  }
}

/**
 * An interface entry: the interfaces seen (one per loader that defines it) and the hooks placed.
 * Classes are told apart by identity (`name@identityHashCode` of the class object, a ClassKey),
 * not by name: a plugin or hot-fix loader defines its own copy of the SDK's classes.
 */
export interface InterfaceTarget {
  readonly target: Target;
  readonly ifaces: JavaWrapper[];
  /** The interfaces' ClassKeys. */
  readonly ifaceKeys: Set<string>;
  /** `holder.method(signature)` of each overload hooked for this target, the holder by ClassKey. */
  readonly hooked: Set<string>;
  /** The classes whose methods run the hooks (an implementation, or the superclass it inherits the method from): ClassKey → name. */
  readonly holders: Map<string, string>;
  /** The implementing classes already looked at, by ClassKey. */
  readonly seen: Set<string>;
  /** Implementing classes where none of the overloads was found: they inherit an interface's default method. */
  readonly unhooked: Set<string>;
  /** The signatures of `method` the interface declares, once read (null: unknown, hook what the class resolves). */
  declared?: Set<string> | null;
}

/**
 * Passes over the loaded classes looking for implementations (each stalls the app: see
 * loadedImplementations), bounded in number and in total time: those at init, after class loaders
 * and after Application.attach; and, apart, those after a call named in `after`, so an app that
 * makes many loaders before InitSdk still gets the pass that finds its supplier.
 */
export function passBudgets(): { load: PassBudget; after: PassBudget } {
  return { load: new PassBudget(24, 1000), after: new PassBudget(8, 1000) };
}

/** The cost of passes over the loaded classes so far, and whether another may run. */
export class PassBudget {
  private passes = 0;
  private ms = 0;
  constructor(
    private readonly maxPasses: number,
    private readonly maxMs: number,
  ) {}

  /** Why no further pass runs ("24 passes", "1043 ms of passes"), or null while one may. */
  spent(): string | null {
    if (this.passes >= this.maxPasses) return `${this.passes} passes`;
    if (this.ms >= this.maxMs) return `${Math.round(this.ms)} ms of passes`;
    return null;
  }

  /** Runs one pass, counting it and its time. */
  run<T>(fn: () => T): T {
    const t0 = now();
    this.passes++;
    try {
      return fn();
    } finally {
      this.ms += now() - t0;
    }
  }
}

/**
 * Why no more passes look for an entry's implementations, or null while they go on: the budget
 * after class loaders (`load`) and, for an entry naming `after` calls, the one after those calls
 * (`after`; undefined when the entry names none).
 */
export function passesStopped(load: string | null, after: string | null | undefined, calls: readonly string[]): string | null {
  if (load === null) return null;
  if (after === null) return `pass budget used up after class loaders (${load}); passes after ${calls.join(", ")} go on`;
  return `pass budget used up (${load} after class loaders${after ? `, ${after} after ${calls.join(", ")}` : ""})`;
}

/**
 * An interface entry's coverage row: hooked in the classes named (by name; one per loader that
 * defines it), else pending while its interface is loaded; with the implementations that declare
 * none of the method's overloads (an interface default method: not hooked) and whether passes stopped.
 */
export function implementationsRow(
  target: { className: string; method: string },
  holders: readonly string[],
  unhooked: readonly string[],
  ifaceSeen: boolean,
  stopped: string | null,
): { status: "hooked" | "pending"; reason: string } | null {
  const count = new Map<string, number>();
  for (const n of holders) count.set(n, (count.get(n) ?? 0) + 1);
  const list = [...count].map(([n, k]) => (k === 1 ? n : `${n} (in ${k} class loaders)`)).join(", ");
  const notes = [
    ...(unhooked.length > 0 ? [`not hooked in ${unhooked.join(", ")}: no ${target.method} declared there or in a superclass (an interface default method is not hooked)`] : []),
    ...(stopped ? [stopped] : []),
  ].map((x) => `; ${x}`).join("");
  const n = holders.length;
  if (n > 0) return { status: "hooked", reason: `in ${n} class${n === 1 ? "" : "es"} implementing ${target.className}: ${list}${notes}` };
  if (!ifaceSeen) return null;
  return { status: "pending", reason: `interface ${target.className} loaded${unhooked.length > 0 ? "" : "; no class implementing it loaded (yet)"}${notes}` };
}

function useInFactory(factory: Factory, name: string): JavaWrapper | null {
  try {
    return factory.use(name);
  } catch {
    return null;
  }
}

function enumerateLoaders(): JavaWrapper[] {
  try {
    return Java.enumerateClassLoadersSync();
  } catch {
    return [];
  }
}

export type Overload = JavaMethod & { argumentTypes: { className?: string; name: string }[]; holder?: JavaWrapper & { $n?: string } };

/** An overload's parameter types as the catalogue writes them. */
export function signature(o: Overload): string {
  return o.argumentTypes.map((t) => t.className ?? t.name).join(",");
}

/** The overloads of a method as the class wrapper resolves it; the bridge builds members when first read, and throws when none can be built. */
export function overloadsOf(cls: JavaWrapper, method: string): Overload[] {
  return (cls as unknown as Record<string, { overloads?: Overload[] } | undefined>)[method]?.overloads ?? [];
}

/** The superclass wrapper the bridge resolves members in next (lib/class-factory.js, `$s`), or null. */
export function superOf(cls: JavaWrapper): JavaWrapper | null {
  try {
    return (cls as unknown as { $s?: JavaWrapper | null }).$s ?? null;
  } catch {
    return null;
  }
}

export function isInterface(cls: JavaWrapper): boolean {
  try {
    return (cls as unknown as { class: { isInterface(): boolean } }).class.isInterface() === true;
  } catch {
    return false;
  }
}


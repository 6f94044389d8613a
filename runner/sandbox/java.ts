/**
 * A stand-in for frida-java-bridge 7.0.13 (the version the agent bundles): classes with
 * overloads, class loaders, implementation replacement (calling the overload inside a
 * replacement reaches the original, as in Frida), `Java.backtrace()` from a simulated Java stack.
 * Where the agent depends on how the real bridge behaves, this file behaves the same way, and
 * says which upstream file (frida/frida-java-bridge at 7.0.13) it models:
 * - `perform` queues its function in an app process until the class factory knows the app's
 *   class loader (index.js: `perform`, `_performPendingVmOpsWhenReady`); `performNow` runs at once;
 * - `backtrace()` and the stack of a `new Throwable()`: ./java-stack.ts;
 * - class wrappers, overloads and how values cross between Java and a replacement (a byte[]
 *   included): ./java-class.ts and ./java-array.ts;
 * - replacing an interface's method changes no call, since calls
 *   dispatch to the receiver's class (lib/android.js `ArtMethodMangler.replace` patches the one
 *   ArtMethod given; lib/jvm.js `installJvmMethod` the holder's methods and vtable);
 * - `enumerateLoadedClasses` gives each loaded class's name and a handle valid in its callback
 *   (index.js `_enumerateLoadedClassesJvm` / `_enumerateLoadedClassesArt`); `vm.getEnv()`'s
 *   `isAssignableFrom` is JNI's (lib/env.js); a class is loaded when first used, not when its
 *   loader is made;
 * - two class loaders can each define a class of the same name: distinct classes, each with its
 *   own methods (the bridge's factory per loader, class-factory.js `ClassFactory.get`, wraps each
 *   loader's own), the same `java.lang.Class` object however often a wrapper's `class` is read
 *   (one Java object per class, so `System.identityHashCode` tells them apart).
 */
import type { ArrayStats } from "./java-array.js";
import { ClassNotFound, FakeClass, FakeOverload, type ClassSpec, type FrameSpec } from "./java-class.js";
import { backtraceOf, logClass, stackOf, throwableClass } from "./java-stack.js";

export { ClassNotFound, FakeClass, FakeOverload, JavaException, type ClassSpec, type FrameSpec, type MethodSpec, type Original } from "./java-class.js";

/** A class loader object as the agent's hooks see it (`this` in the loader's constructor). */
export interface FakeLoader {
  readonly id: string;
  readonly $className: string;
}

/** What the stand-in counts: how often the agent reached for the expensive parts of the bridge. */
export interface JavaStats extends ArrayStats {
  /** `Java.backtrace()` calls. */
  backtraces: number;
  /** Backtraces whose `frames` were read: on a device that is the costly part (a JSON string per frame, then a parse). */
  framesRead: number;
  /** `enumerateClassLoadersSync()` calls (each suspends every ART thread on a device). */
  loaderScans: number;
  /** `enumerateLoadedClasses` passes, and the classes they visited. */
  classScans: number;
  classesVisited: number;
  /** Functions `Java.perform` queued instead of running. */
  performQueued: number;
  /** `Java.retain()` calls: each makes a global reference. */
  retains: number;
  /** Throwable stack traces read (the fallback when `Java.backtrace()` fails). */
  throwableTraces: number;
  /** JNI global references made through `vm.getEnv()` and not yet deleted. */
  globalRefs: number;
}

export class FakeJava {
  private readonly classes = new Map<string, FakeClass>();
  private readonly loaders: FakeLoader[] = [];
  /** The simulated Java stack of the current call: the called method's frame over its callers. */
  top: FrameSpec | undefined;
  callers: readonly FrameSpec[] = [];
  /** Whether the process has a Java VM at all (a native helper process has none). */
  vm = true;
  /** What Java.androidVersion says (the release, as the bridge reads ro.build.version.release). */
  androidVersion = "12";
  /**
   * An Android app process (/proc/self/exe is app_process), where `perform` waits for the app's
   * class loader (index.js `_isAppProcess`: false on a JVM, where `perform` runs at once).
   */
  appProcess = true;
  /** The class factory's loader (index.js `classFactory.loader`): null until the bridge knows the app's. */
  factoryLoader: FakeLoader | null = null;
  /** The app's loader once `bindApplication` made it. */
  appLoader: FakeLoader | null = null;
  /** `ActivityThread.currentApplication()` is non-null. */
  applicationBound = false;
  /** Inside handleBindApplication: its getPackageInfo has run already. */
  private binding = false;
  /** Runs at the end of each `enumerateLoadedClasses` walk, before onComplete (a test advances its clock: what a pass costs; or throws). */
  onClassScan: (() => void) | undefined;
  /** Set to make `Java.backtrace()` throw, as the real one does where its CModule cannot be built. */
  backtraceError: string | null = null;
  readonly stats: JavaStats = { backtraces: 0, framesRead: 0, loaderScans: 0, classScans: 0, classesVisited: 0, performQueued: 0, retains: 0, throwableTraces: 0, globalRefs: 0, arrayElementReads: 0, arrayWithElements: 0, arrayBytesCopied: 0 };
  /** Exceptions a performed function threw: the real bridge rethrows them on the next tick, to nobody. */
  readonly uncaught: unknown[] = [];
  private pendingOps: (() => void)[] = [];
  /** Where the bridge waits to drain its queue: "early" (handleBindApplication/getPackageInfo still to come), "late" (already past). */
  private drainPoint: "none" | "early" | "late" = "none";

  constructor(specs: readonly ClassSpec[]) {
    for (const s of specs) this.define(s, "boot");
  }

  define(spec: ClassSpec, loader: string): FakeClass {
    const c = new FakeClass(
      spec,
      loader,
      () => (spec.superclass ? this.resolveIn(loader, spec.superclass) : undefined),
      () => this.loaders.find((l) => l.id === loader) ?? null,
      this.stats,
    );
    this.classes.set(`${loader}:${spec.name}`, c);
    return c;
  }

  /** A class as `loader` resolves a name: its own, else the boot loader's. */
  private resolveIn(loader: string, name: string): FakeClass | undefined {
    return this.classes.get(`${loader}:${name}`) ?? this.classes.get(`boot:${name}`);
  }

  get(name: string, loader = "boot"): FakeClass {
    const c = this.classes.get(`${loader}:${name}`);
    if (!c) throw new ClassNotFound(name);
    c.loaded = true;
    return c;
  }

  /** A class as the app's own code finds it (and so loads it): in the boot loader or any app loader. */
  find(name: string): FakeClass {
    const c = this.classes.get(`boot:${name}`) ?? this.loaders.map((l) => this.classes.get(`${l.id}:${name}`)).find((x) => x !== undefined);
    if (!c) throw new ClassNotFound(name);
    c.loaded = true;
    return c;
  }

  /** The app's code uses a class for the first time: its loader loads it. */
  load(name: string, loader = "boot"): FakeClass {
    return this.get(name, loader);
  }

  /** JNI IsAssignableFrom(a, b): a is b, or b is among a's superclasses and interfaces, transitively. */
  assignable(a: FakeClass | undefined, b: FakeClass): boolean {
    if (!a) return false;
    if (a === b) return true;
    return this.assignable(a.parent(), b) || (a.spec.implements ?? []).some((i) => this.assignable(this.resolveIn(a.loader, i), b));
  }

  /** index.js `enumerateLoadedClasses`: every loaded class, its name and handle, then onComplete. */
  private enumerateLoadedClasses(callbacks: { onMatch(name: string, handle: unknown): void; onComplete(): void }): void {
    this.stats.classScans++;
    for (const c of [...this.classes.values()].filter((x) => x.loaded)) {
      this.stats.classesVisited++;
      callbacks.onMatch(c.spec.name, c);
    }
    this.onClassScan?.();
    callbacks.onComplete();
  }

  /**
   * A new app class loader with classes in it, as when an SDK loads a dex at run time: the base
   * class loader's constructors run (and with them any hook on them). BaseDexClassLoader's
   * public constructor delegates to a longer one, so a hook on every overload fires twice.
   */
  newLoader(id: string, specs: readonly ClassSpec[], className = "dalvik.system.DexClassLoader"): FakeLoader {
    const loader: FakeLoader = { id, $className: className };
    for (const s of specs) this.define(s, id);
    this.loaders.push(loader);
    // The subclass's constructor calls the base's public one, which delegates to the longer one
    // (`this(...)`): each through its hooks, as on ART.
    const chain = [this.classes.get(`boot:${className}`)?.overloads.get("$init")?.[0], ...(this.classes.get("boot:dalvik.system.BaseDexClassLoader")?.overloads.get("$init") ?? [])].filter((o): o is FakeOverload => o !== undefined);
    const call = (i: number): unknown => {
      const o = chain[i];
      if (!o) return undefined;
      const body = o.original;
      if (i + 1 < chain.length) o.original = () => call(i + 1);
      try {
        return o.invoke(loader, []);
      } finally {
        o.original = body;
      }
    };
    call(0);
    return loader;
  }

  /**
   * `ActivityThread.handleBindApplication`: the app's LoadedApk (getPackageInfo), then its
   * PathClassLoader with the APK's classes, then — after `between`, the time the main thread
   * spends in there while the agent's JavaScript thread runs its timers — the Application
   * (`currentApplication()` non-null from then on) and `Application.attach`.
   * Functions `perform` queued before this began run when getPackageInfo returns (the bridge's
   * "early" hook point); ones queued from here on, while there is no Application yet, wait for a
   * later getPackageInfo (`createPackageContext` of another package), as in the real bridge.
   * `applicationClass` is the app's Application class: `getClass()` names it, while `$className`
   * is the hooked class's, as the bridge wraps a replacement's `this`.
   */
  bindApplication(specs: readonly ClassSpec[] = [], between: () => void = () => {}, loaderId = "app", applicationClass = "android.app.Application"): FakeLoader {
    const early = this.drainPoint === "early";
    if (early) this.drainPoint = "none";
    const loader = this.newLoader(loaderId, specs, "dalvik.system.PathClassLoader");
    this.appLoader = loader;
    if (early) {
      this.factoryLoader = loader;
      this.drain();
    }
    this.binding = true;
    try {
      between();
    } finally {
      this.binding = false;
    }
    if (this.drainPoint === "early") this.drainPoint = "late";
    this.applicationBound = true;
    const app = this.classes.get("boot:android.app.Application");
    app?.overloads.get("attach")?.[0]?.invoke({ $className: "android.app.Application", getClass: () => ({ getName: () => applicationClass }), getClassLoader: () => loader }, [{ $className: "android.app.ContextImpl" }]);
    return loader;
  }

  /** Another package's context is created: the bridge's getPackageInfo hook drains its queue if it still waits. */
  createPackageContext(): void {
    if (this.drainPoint === "none" || this.pendingOps.length === 0) return;
    this.drainPoint = "none";
    this.factoryLoader = this.appLoader;
    this.drain();
  }

  private run(fn: () => void): void {
    try {
      fn();
    } catch (e) {
      this.uncaught.push(e);
    }
  }

  private drain(): void {
    let fn: (() => void) | undefined;
    while ((fn = this.pendingOps.shift()) !== undefined) this.run(fn);
  }

  /** index.js `perform`: at once outside app processes or once the loader is known, queued otherwise. */
  private perform(fn: () => void): void {
    if (!this.appProcess || this.factoryLoader !== null) return this.run(fn);
    this.stats.performQueued++;
    this.pendingOps.push(fn);
    if (this.pendingOps.length > 1) return;
    // `_performPendingVmOpsWhenReady`: with an Application already there, the loader is known now.
    if (this.applicationBound) {
      this.factoryLoader = this.appLoader;
      return this.drain();
    }
    // Otherwise it hooks handleBindApplication and getPackageInfo: too late if they already ran.
    this.drainPoint = this.binding ? "late" : "early";
  }

  /** index.js `performNow`: runs at once; takes the app's loader when an Application exists. */
  private performNow<T>(fn: () => T): T {
    if (this.appProcess && this.factoryLoader === null && this.applicationBound) this.factoryLoader = this.appLoader;
    return fn();
  }

  private backtrace(): unknown {
    this.stats.backtraces++;
    if (this.backtraceError !== null) throw new Error(this.backtraceError);
    return backtraceOf(stackOf(this.top, this.callers), this.stats);
  }

  private readonly identities = new WeakMap<object, number>();

  /** The few java.lang classes the agent itself uses, where the test's classes do not define them. */
  private builtin(name: string): unknown {
    switch (name) {
      case "java.lang.Throwable":
        return throwableClass(() => stackOf(this.top, this.callers), this.stats);
      case "android.util.Log":
        return logClass();
      case "java.lang.System":
        return {
          identityHashCode: (o: object) => {
            let id = this.identities.get(o);
            if (id === undefined) this.identities.set(o, (id = this.identities.has(o) ? 0 : Math.floor(Math.random() * 2 ** 31)));
            return id;
          },
        };
      case "java.lang.Class":
        return {
          // Class.forName(name, false, loader): the loader's classes or the boot ones it delegates to.
          forName: (n: string, _init: boolean, loader: FakeLoader | null) => {
            const c = (loader ? this.classes.get(`${loader.id}:${n}`) : undefined) ?? this.classes.get(`boot:${n}`);
            if (!c) throw new ClassNotFound(n);
            c.loaded = true;
            return c.class;
          },
        };
      default:
        return undefined;
    }
  }

  /** The class factory for a loader: classes of that loader, or of the boot loader it delegates to. */
  private factory(loader: FakeLoader | null): { use(name: string): unknown; loader: FakeLoader | null } {
    return {
      loader,
      use: (name: string) => {
        if (!this.classes.has(`boot:${name}`)) {
          const builtin = this.builtin(name);
          if (builtin) return builtin;
        }
        return (loader ? (this.classes.get(`${loader.id}:${name}`) ?? this.get(name)) : this.get(name)).wrapper();
      },
    };
  }

  /** The bridge's API, as the agent sees it. */
  api(): Record<string, unknown> {
    const self = this;
    return {
      // False in a process without a Java VM (index.js `available`: no libart/libjvm loaded).
      get available() {
        return self.vm;
      },
      androidVersion: this.androidVersion,
      // The default factory: the boot classes, and the app's once the bridge knows its loader.
      use: (name: string) => this.factory(this.factoryLoader).use(name),
      perform: (fn: () => void) => this.perform(fn),
      performNow: <T>(fn: () => T) => this.performNow(fn),
      cast: (obj: unknown) => (obj instanceof FakeClass ? obj.class : obj),
      vm: {
        getEnv: () => ({
          isAssignableFrom: (a: FakeClass, b: FakeClass) => this.assignable(a, b),
          newGlobalRef: (h: unknown) => (this.stats.globalRefs++, h),
          deleteGlobalRef: () => void this.stats.globalRefs--,
        }),
      },
      enumerateLoadedClasses: (callbacks: { onMatch(name: string, handle: unknown): void; onComplete(): void }) => this.enumerateLoadedClasses(callbacks),
      retain: (obj: unknown) => {
        this.stats.retains++;
        return obj;
      },
      enumerateClassLoadersSync: () => {
        this.stats.loaderScans++;
        return [...this.loaders];
      },
      ClassFactory: { get: (loader: FakeLoader | null) => this.factory(loader) },
      backtrace: () => this.backtrace(),
    };
  }
}

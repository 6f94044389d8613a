import type { Installer } from "./installer.js";
import { Java, type JavaWrapper } from "./java.js";

const BASE_LOADER = "dalvik.system.BaseDexClassLoader";

/**
 * Where classes that are not on the boot class path come from: the app's own class loader
 * (created inside ActivityThread.handleBindApplication, after the agent loaded) and every loader
 * an SDK creates later (DexClassLoader, InMemoryDexClassLoader, …). Each runs BaseDexClassLoader's
 * constructor; when the outermost one returns on this thread, the pending classes are looked up
 * in that loader right there, synchronously, on the Java thread the constructor ran on, through
 * `Java.ClassFactory.get(loader)`.
 *
 * Never through `Java.perform`: in an app process whose class factory has no loader yet, the
 * bridge queues the function until hooks on handleBindApplication / the longest getPackageInfo
 * overload fire (frida-java-bridge index.js, `perform` and `_performPendingVmOpsWhenReady`); the
 * app's loader is created inside handleBindApplication, after both, so a queued retry may never run.
 *
 * Once more after `Application.attach`, with the Application's class loader, for a loader that
 * was created some other way.
 */
export class LoaderWatch {
  private watching = false;
  /** The class loaders present at start-up, enumerated once (each enumeration suspends every ART thread). */
  private startLoaders: JavaWrapper[] | null = null;
  private startOver = false;
  /** Per thread, how deep inside class loader constructors it is: the chain calls several. */
  private readonly depth = new Map<number, number>();

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
      const cls = useIn(l, name);
      if (cls !== null) return cls;
    }
    return null;
  }

  startDone(): void {
    this.startOver = true;
    this.startLoaders = null;
  }

  /** Hooks the class loader constructors and Application.attach (once). */
  watch(): void {
    if (this.watching) return;
    this.watching = true;
    const tid = (): number => Process.getCurrentThreadId();
    this.installer.add({
      className: BASE_LOADER,
      method: "$init",
      overloads: "all",
      handler: (self) => {
        const t = tid();
        this.depth.set(t, (this.depth.get(t) ?? 0) + 1);
        return (threw) => {
          const d = (this.depth.get(t) ?? 1) - 1;
          if (d > 0) return void this.depth.set(t, d);
          this.depth.delete(t);
          // The base constructor has set up the dex path list: the loader can load from here on.
          if (!threw) this.retry(self as JavaWrapper);
        };
      },
    });
    this.installer.add({
      className: "android.app.Application",
      method: "attach",
      overloads: [["android.content.Context"]],
      handler: (self) => (threw) => {
        if (!threw) this.retry(this.guarded(() => (self as { getClassLoader(): JavaWrapper }).getClassLoader()));
      },
    });
  }

  private retry(loader: JavaWrapper | null): void {
    if (loader === null) return;
    try {
      this.guarded(() => {
        // `this` in a replacement is a local reference, valid only during the call; the bridge's
        // factory cache keeps the loader it is given (class-factory.js, `ClassFactory.get`), so
        // it gets a global one. The cache holds the loader for good either way.
        let factory: ReturnType<typeof Java.ClassFactory.get> | null = null;
        this.installer.retryPending((name) => {
          factory ??= Java.ClassFactory.get(Java.retain(loader));
          return useInFactory(factory, name);
        });
      });
    } catch (err) {
      this.reportError("class loader watch", err);
    }
  }
}

function useIn(loader: JavaWrapper, name: string): JavaWrapper | null {
  try {
    return useInFactory(Java.ClassFactory.get(loader), name);
  } catch {
    return null;
  }
}

function useInFactory(factory: ReturnType<typeof Java.ClassFactory.get>, name: string): JavaWrapper | null {
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

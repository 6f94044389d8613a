/**
 * A stand-in for frida-java-bridge: classes with overloads, class loaders, implementation
 * replacement (calling the overload inside a replacement reaches the original, as in Frida),
 * `Java.backtrace()` from a simulated Java stack.
 */
/** A Java exception thrown by a framework method: the agent reads its class name. */
export class JavaException extends Error {
  constructor(readonly $className: string, message: string) {
    super(`${$className}: ${message}`);
  }
}

export interface FrameSpec {
  readonly className: string;
  readonly methodName: string;
  readonly fileName?: string;
  readonly lineNumber?: number;
}

export type Original = (self: unknown, args: unknown[]) => unknown;

export interface MethodSpec {
  readonly name: string;
  /** Java parameter types, as frida-java-bridge names them. */
  readonly params: readonly string[];
  readonly impl?: Original;
}

export interface ClassSpec {
  readonly name: string;
  readonly methods: readonly MethodSpec[];
  /** Static fields. */
  readonly fields?: Readonly<Record<string, unknown>>;
  readonly isInterface?: boolean;
}

export class FakeOverload {
  implementation: ((this: unknown, ...args: unknown[]) => unknown) | null = null;
  readonly argumentTypes: { name: string; className: string }[];
  /** How many times the replacement ran, and the original. */
  calls = 0;
  originalCalls = 0;
  constructor(
    readonly holder: FakeClass,
    readonly methodName: string,
    params: readonly string[],
    private readonly original: Original,
  ) {
    this.argumentTypes = params.map((p) => ({ name: p, className: p }));
  }

  /** What Frida does for `overload.apply(this, args)`: the original implementation. */
  apply(self: unknown, args: unknown[]): unknown {
    this.originalCalls++;
    return this.original(self, args);
  }

  call(self: unknown, ...args: unknown[]): unknown {
    return this.apply(self, args);
  }

  /** What the app does: the replacement when there is one. */
  invoke(self: unknown, args: unknown[]): unknown {
    if (this.implementation) {
      this.calls++;
      return this.implementation.call(self, ...args);
    }
    return this.apply(self, args);
  }
}

export class FakeClass {
  readonly overloads = new Map<string, FakeOverload[]>();
  constructor(
    readonly spec: ClassSpec,
    readonly loader: string,
  ) {
    for (const m of spec.methods) {
      const list = this.overloads.get(m.name) ?? [];
      list.push(new FakeOverload(this, m.name, m.params, m.impl ?? (() => undefined)));
      this.overloads.set(m.name, list);
    }
  }

  overload(method: string, params: readonly string[]): FakeOverload {
    const o = this.overloads.get(method)?.find((x) => x.argumentTypes.map((t) => t.className).join(",") === params.join(","));
    if (!o) throw new Error(`no ${this.spec.name}.${method}(${params.join(",")})`);
    return o;
  }

  /** The wrapper `Java.use()` returns. */
  wrapper(): Record<string, unknown> {
    const w: Record<string, unknown> = { $className: this.spec.name, class: { isInterface: () => this.spec.isInterface === true } };
    for (const [name, overloads] of this.overloads) {
      const dispatcher = (...args: unknown[]) => overloads.find((o) => o.argumentTypes.length === args.length)?.invoke(w, args);
      Object.assign(dispatcher, {
        overloads,
        overload: (...types: string[]) => this.overload(name, types),
      });
      w[name] = dispatcher;
    }
    for (const [k, v] of Object.entries(this.spec.fields ?? {})) w[k] = { value: v };
    return w;
  }
}

export class ClassNotFound extends Error {
  constructor(name: string) {
    super(`java.lang.ClassNotFoundException: Didn't find class "${name}"`);
  }
}

export class FakeJava {
  private readonly classes = new Map<string, FakeClass>();
  private readonly loaders: { id: string; $className: string }[] = [];
  /** The simulated Java stack of the current call: the called method's frame over its callers. */
  top: FrameSpec | undefined;
  callers: readonly FrameSpec[] = [];
  readonly available = true;
  /** What Java.androidVersion says (the release, as the bridge reads ro.build.version.release). */
  androidVersion = "12";
  // Like the real bridge, building a backtrace is cheap next to the agent's work: cached per stack.
  private readonly backtraces = new WeakMap<readonly FrameSpec[], Map<string, unknown>>();

  private backtrace(limit: number): unknown {
    let byTop = this.backtraces.get(this.callers);
    if (!byTop) this.backtraces.set(this.callers, (byTop = new Map()));
    const key = `${this.top?.className}.${this.top?.methodName}/${limit}`;
    let bt = byTop.get(key);
    if (!bt) {
      // The real bridge names constructors <init>.
      const top = this.top ? [{ ...this.top, methodName: this.top.methodName === "$init" ? "<init>" : this.top.methodName }] : [];
      const frames = [...top, ...this.callers]
        .slice(0, limit)
        .map((f) => ({ ...f, signature: "", origin: "", methodFlags: 0, fileName: f.fileName ?? "", lineNumber: f.lineNumber ?? -1 }));
      bt = { id: frames.map((f) => `${f.className}.${f.methodName}`).join("|"), frames };
      byTop.set(key, bt);
    }
    return bt;
  }

  constructor(specs: readonly ClassSpec[]) {
    for (const s of specs) this.define(s, "boot");
  }

  define(spec: ClassSpec, loader: string): FakeClass {
    const c = new FakeClass(spec, loader);
    this.classes.set(`${loader}:${spec.name}`, c);
    return c;
  }

  get(name: string, loader = "boot"): FakeClass {
    const c = this.classes.get(`${loader}:${name}`);
    if (!c) throw new ClassNotFound(name);
    return c;
  }

  /**
   * A new app class loader with classes in it, as when an SDK loads a dex at run time: the base
   * class loader's constructor runs (and with it any hook on it).
   */
  newLoader(id: string, specs: readonly ClassSpec[]): void {
    const loader = { id, $className: "dalvik.system.DexClassLoader" };
    for (const s of specs) this.define(s, id);
    this.loaders.push(loader);
    const base = this.classes.get("boot:dalvik.system.BaseDexClassLoader");
    base?.overloads.get("$init")?.[0]?.invoke(loader, []);
  }

  /** The bridge's API, as the agent sees it. */
  api(): Record<string, unknown> {
    return {
      available: true,
      androidVersion: this.androidVersion,
      use: (name: string) => this.get(name).wrapper(),
      perform: (fn: () => void) => fn(),
      performNow: (fn: () => void) => fn(),
      cast: (obj: unknown) => obj,
      retain: (obj: unknown) => obj,
      enumerateClassLoadersSync: () => [...this.loaders],
      ClassFactory: {
        get: (loader: { id: string }) => ({ use: (name: string) => this.get(name, loader.id).wrapper() }),
      },
      backtrace: (o?: { limit?: number }) => this.backtrace(o?.limit ?? 16),
    };
  }
}

/**
 * The stand-in bridge's classes (./java.ts): a class wrapper with its overloads, as
 * frida-java-bridge 7.0.13 builds them (lib/class-factory.js), and the conversion of values
 * between Java and a replacement (lib/types.js `fromJni`/`toJni`: a byte[] as ./java-array.ts).
 * - reading a method from a class wrapper can throw `No supported overloads`
 *   (class-factory.js, `makeMethodDispatcher`: members are built lazily, on first access);
 * - a class wrapper resolves a member it does not declare up its superclass chain, never in its
 *   interfaces, and the method's `holder` is the declaring class (class-factory.js,
 *   `[Symbol.for('find')]`: the first class up the chain declaring any overload of that name, so
 *   one overload declared lower hides the others inherited), and `$s` is the superclass's wrapper;
 * - a replacement receives its arguments converted from JNI (a byte[] becomes a PrimitiveArray),
 *   `overload.apply` converts them back and converts the result (class-factory.js,
 *   `makeMethodImplementation` / the method's invocation through `argTypes[i].toJni` and
 *   `retType.fromJni`), and what the replacement returns goes back to Java through toJni.
 */
import { byteArrayFromJni, releaseLocal, toJni, type ArrayStats } from "./java-array.js";

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
  /**
   * Reflection fails for every overload of this method on this device: reading it from the
   * class wrapper throws `No supported overloads`, as the real bridge does (lib/class-factory.js,
   * `makeMethodFromSpec`, reached lazily from the wrapper's member lookup).
   */
  readonly unsupported?: boolean;
}

export interface ClassSpec {
  readonly name: string;
  readonly methods: readonly MethodSpec[];
  /** Static fields. */
  readonly fields?: Readonly<Record<string, unknown>>;
  readonly isInterface?: boolean;
  readonly isAbstract?: boolean;
  /** The superclass (in the same loader or the boot one), whose methods the class inherits. */
  readonly superclass?: string;
  /** Interfaces implemented (by an interface: extended). */
  readonly implements?: readonly string[];
  /** Not loaded until first used (the app's code, `use`, `Class.forName`, or `FakeJava.load`). */
  readonly lazy?: boolean;
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
    /** The method's body; the class loader's outer constructor is re-pointed at its inner one. */
    public original: Original,
  ) {
    this.argumentTypes = params.map((p) => ({ name: p, className: p }));
  }

  /**
   * What Frida does for `overload.apply(this, args)`: the original implementation, its arguments
   * converted to JNI (a byte[] wrapper is its handle again) and a byte[] result wrapped
   * (class-factory.js `Method.prototype.invoke`: `argTypes[i].toJni`, `retType.fromJni`). A
   * Uint8Array is what stands for a Java byte[] in the stand-in.
   */
  apply(self: unknown, args: unknown[]): unknown {
    this.originalCalls++;
    const result = this.original(self, args.map(toJni));
    return result instanceof Uint8Array ? byteArrayFromJni(result, this.holder.stats) : result;
  }

  call(self: unknown, ...args: unknown[]): unknown {
    return this.apply(self, args);
  }

  /**
   * What the app does: the replacement when there is one, with its byte[] arguments wrapped as
   * local references, dead once it returns, and its result back to Java (class-factory.js
   * `handleMethodInvocation`: `fromJni(…, env, false)` per argument, then `retType.toJni`).
   */
  invoke(self: unknown, args: unknown[]): unknown {
    if (this.implementation) {
      this.calls++;
      const wrapped = args.map((a, i) => (this.argumentTypes[i]?.name === "[B" && isJavaBytes(a) ? byteArrayFromJni(a, this.holder.stats) : a));
      try {
        return toJni(this.implementation.call(self, ...wrapped));
      } finally {
        // The local frame is popped: what the replacement kept of its arguments is dead.
        for (const w of wrapped) releaseLocal(w);
      }
    }
    this.originalCalls++;
    return this.original(self, args);
  }
}

export class FakeClass {
  readonly overloads = new Map<string, FakeOverload[]>();
  loaded: boolean;
  constructor(
    readonly spec: ClassSpec,
    readonly loader: string,
    /** The superclass, as the VM resolves it. */
    readonly parent: () => FakeClass | undefined = () => undefined,
    /** The defining loader object (null: the boot loader). */
    private readonly loaderObject: () => unknown = () => null,
    /** Where the byte[] wrappers its methods hand out count their reads (FakeJava.stats). */
    readonly stats: ArrayStats = { arrayElementReads: 0, arrayWithElements: 0, arrayBytesCopied: 0 },
  ) {
    this.loaded = spec.lazy !== true;
    for (const m of spec.methods) {
      const list = this.overloads.get(m.name) ?? [];
      list.push(new FakeOverload(this, m.name, m.params, m.impl ?? (() => undefined)));
      this.overloads.set(m.name, list);
    }
  }

  /** The class's name, as the bridge's wrapper `$n` (a method's `holder` is its declaring class). */
  get $n(): string {
    return this.spec.name;
  }

  /** The superclass's wrapper, as the bridge's `$s` (null at the top). */
  get $s(): Record<string, unknown> | null {
    return this.parent()?.wrapper() ?? null;
  }

  private classObj: object | undefined;
  /** The one `java.lang.Class` object of this class (a wrapper's `class`, `Java.cast(handle, Class)`); `$h` stands for its JNI handle. */
  get class(): object {
    return (this.classObj ??= {
      $className: "java.lang.Class",
      $h: this,
      getDeclaredMethods: () => [],
      isInterface: () => this.spec.isInterface === true,
      getModifiers: () => (this.spec.isAbstract || this.spec.isInterface ? 0x400 : 0) | 1,
      getClassLoader: () => this.loaderObject(),
    });
  }

  /** The overloads the class declares, or else the nearest superclass's. */
  resolve(method: string): FakeOverload[] | undefined {
    return this.overloads.get(method) ?? this.parent()?.resolve(method);
  }

  /** The overload a call with these parameter types runs: the VM's dispatch, the nearest class up the chain declaring that signature. */
  overload(method: string, params: readonly string[]): FakeOverload {
    for (let c: FakeClass | undefined = this; c; c = c.parent()) {
      const o = c.overloads.get(method)?.find((x) => sameTypes(x, params));
      if (o) return o;
    }
    throw new Error(`no ${this.spec.name}.${method}(${params.join(",")})`);
  }

  /** The wrapper `Java.use()` returns; its `class.$h` is the class itself, standing for the JNI handle. */
  wrapper(): Record<string, unknown> {
    this.loaded = true;
    const self = this;
    const w: Record<string, unknown> = {
      $className: this.spec.name,
      $n: this.spec.name,
      class: this.class,
      get $s() {
        return self.$s;
      },
    };
    const unsupported = new Set(this.spec.methods.filter((m) => m.unsupported).map((m) => m.name));
    const names = new Set<string>();
    for (let c: FakeClass | undefined = this; c; c = c.parent()) for (const n of c.overloads.keys()) names.add(n);
    for (const name of names) {
      const overloads = this.resolve(name)!;
      const dispatcher = (...args: unknown[]) => overloads.find((o) => o.argumentTypes.length === args.length)?.invoke(w, args);
      Object.assign(dispatcher, {
        overloads,
        // The bridge's `overload()` picks among the resolved overloads only (class-factory.js).
        overload: (...types: string[]) => {
          const o = overloads.find((x) => sameTypes(x, types));
          if (!o) throw new Error(`specified argument types do not match any of: ${name}`);
          return o;
        },
      });
      if (unsupported.has(name))
        Object.defineProperty(w, name, {
          get: () => {
            throw new Error("No supported overloads");
          },
        });
      else w[name] = dispatcher;
    }
    for (const [k, v] of Object.entries(this.spec.fields ?? {})) w[k] = { value: v };
    return w;
  }
}

/** A Java byte[] of the stand-in: a Uint8Array, or numbers a test wrote as a plain array. */
function isJavaBytes(v: unknown): v is ArrayLike<number> {
  return v instanceof Uint8Array || (Array.isArray(v) && v.every((x) => typeof x === "number"));
}

function sameTypes(o: FakeOverload, params: readonly string[]): boolean {
  return o.argumentTypes.map((t) => t.className).join(",") === params.join(",");
}

export class ClassNotFound extends Error {
  constructor(name: string) {
    super(`java.lang.ClassNotFoundException: Didn't find class "${name}"`);
  }
}


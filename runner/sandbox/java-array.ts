/**
 * A Java byte[] as frida-java-bridge 7.0.13 hands it to JavaScript, so that the agent reads a
 * payload here the way it must on a device. Modelled on node_modules/frida-java-bridge/lib/types.js:
 * - `makePrimitiveArrayType('[B', 'byte').fromJni` → `fromJniPrimitiveArray` → `new PrimitiveArray`,
 *   which returns the object behind a Proxy (`primitiveArrayHandler`): `length`, `$h` (the JNI
 *   handle; here the stand-in's own Java array, a Uint8Array), `$s`, `$t`, `withElements`, `toJSON`;
 * - an index read (`primitiveArrayHandler.get` → `readElement`) is a whole `withElements`:
 *   JNI GetByteArrayElements, one element read with `type.read` (`readS8`: a SIGNED byte; the
 *   byte type's `fromJni` is the identity), then ReleaseByteArrayElements. HotSpot's
 *   GetByteArrayElements copies the whole array each time (openjdk/jdk17u
 *   src/hotspot/share/prims/jni.cpp, DEFINE_GETSCALARARRAYELEMENTS; ART copies a movable array,
 *   art/runtime/jni/jni_internal.cc `GetPrimitiveArray`), so
 *   reading n bytes one by one copies n × length bytes: `bytesCopied` counts what that copy moves;
 * - `withElements(fn)` hands `fn` a NativePointer to the elements, valid until it returns;
 *   `toJSON()` reads every element in one `withElements` (signed numbers).
 * The pointer is a NativePointer as far as the agent uses one: `add`, `isNull`, `readS8`/`readU8`,
 * and `readByteArray(n)`, which returns an ArrayBuffer holding a copy of n bytes, or null for
 * a NULL pointer (frida-gum bindings/gumjs/gumquickcore.c and gumv8core.cpp,
 * `gumjs_native_pointer_handle_read`, GUM_MEMORY_VALUE_BYTE_ARRAY). Reading outside the elements,
 * or after they were released, throws here where a device would read freed or foreign memory.
 */

/** What the stand-in counts of the agent's byte[] reads (FakeJava.stats carries these). */
export interface ArrayStats {
  /** Index reads (`arr[i]`): each one JNI Get/Release of the whole array on a device. */
  arrayElementReads: number;
  /** `withElements` calls (index reads and `toJSON` included): JNI GetByteArrayElements calls. */
  arrayWithElements: number;
  /** Bytes HotSpot's GetByteArrayElements copied for those calls (the array's length each). */
  arrayBytesCopied: number;
}

/** The pointer `withElements` hands its function: the array's elements from `offset`. */
export class ElementsPointer {
  constructor(
    private readonly elements: Uint8Array,
    private readonly offset: number,
    private readonly live: () => boolean,
  ) {}

  add(n: number | { toString(): string }): ElementsPointer {
    return new ElementsPointer(this.elements, this.offset + Number(n), this.live);
  }

  isNull(): boolean {
    return false;
  }

  /** A copy of `n` bytes, as gumjs's readByteArray: an ArrayBuffer of exactly n bytes. */
  readByteArray(n: number): ArrayBuffer | null {
    this.check(n);
    const out = new ArrayBuffer(n);
    new Uint8Array(out).set(this.elements.subarray(this.offset, this.offset + n));
    return out;
  }

  readS8(): number {
    this.check(1);
    return (this.elements[this.offset]! << 24) >> 24;
  }

  readU8(): number {
    this.check(1);
    return this.elements[this.offset]!;
  }

  private check(n: number): void {
    if (!this.live()) throw new Error("access violation: array elements read after ReleaseByteArrayElements");
    if (!Number.isInteger(n) || n < 0 || this.offset < 0 || this.offset + n > this.elements.length) {
      throw new Error(`access violation: ${n} bytes at offset ${this.offset} of ${this.elements.length}-byte elements`);
    }
  }
}

/** Every wrapper handed out, to its target. */
const arrays = new WeakMap<object, PrimitiveByteArray>();

/** frida-java-bridge's `PrimitiveArray` for a byte[] (types.js), over the stand-in's Java array. */
class PrimitiveByteArray {
  readonly $s = { typeName: "byte" };
  readonly $t = { name: "B", byteSize: 1 };
  readonly length: number;
  private readonly elements: Uint8Array;
  /** False once the local reference it holds is gone (the replacement it was handed to returned). */
  alive = true;

  constructor(
    readonly $h: ArrayLike<number>,
    private readonly stats: ArrayStats,
  ) {
    this.elements = $h instanceof Uint8Array ? $h : Uint8Array.from($h, (v) => v & 0xff);
    this.length = this.elements.length;
  }

  /** types.js `tryParseIndex`: parseInt of the property, in range, else not an index. */
  tryParseIndex(raw: string | symbol): number | null {
    if (typeof raw === "symbol") return null;
    const i = parseInt(raw);
    return Number.isNaN(i) || i < 0 || i >= this.length ? null : i;
  }

  readElement(index: number): number {
    this.stats.arrayElementReads++;
    return this.withElements((p) => p.add(index).readS8());
  }

  /** types.js `writeElement`: JNI SetByteArrayRegion of one element, into the Java array itself. */
  writeElement(index: number, value: number): void {
    this.elements[index] = value;
    if (this.elements !== this.$h) (this.$h as number[])[index] = value;
  }

  withElements<T>(perform: (elements: ElementsPointer) => T): T {
    // A dead local reference: JNI would crash or read another object; the stand-in says so.
    if (!this.alive) throw new Error("byte[] used after the replacement it was passed to returned (a dead JNI local reference)");
    this.stats.arrayWithElements++;
    this.stats.arrayBytesCopied += this.length;
    let live = true;
    try {
      return perform(new ElementsPointer(this.elements, 0, () => live));
    } finally {
      live = false;
    }
  }

  toJSON(): number[] {
    return this.withElements((p) => Array.from({ length: this.length }, (_, i) => p.add(i).readS8()));
  }

  toString(): string {
    return this.toJSON().toString();
  }
}

/** types.js `primitiveArrayHandler`: index properties are element reads, anything else the object's own. */
const handler: ProxyHandler<PrimitiveByteArray> = {
  has: (t, p) => p in t || t.tryParseIndex(p) !== null,
  get(t, p) {
    const i = t.tryParseIndex(p);
    return i === null ? (t as unknown as Record<string | symbol, unknown>)[p] : t.readElement(i);
  },
  set(t, p, v) {
    const i = t.tryParseIndex(p);
    if (i === null) (t as unknown as Record<string | symbol, unknown>)[p] = v;
    else t.writeElement(i, Number(v));
    return true;
  },
  ownKeys: (t) => [...Array.from({ length: t.length }, (_, i) => String(i)), "length"],
  getOwnPropertyDescriptor: (t, p) => (t.tryParseIndex(p) !== null ? { writable: true, configurable: true, enumerable: true } : Object.getOwnPropertyDescriptor(t, p)),
};

/** A byte[] as the bridge hands it to a replacement (an argument, or what `apply` returned). */
export function byteArrayFromJni(handle: ArrayLike<number>, stats: ArrayStats): unknown {
  const target = new PrimitiveByteArray(handle, stats);
  const proxy = new Proxy(target, handler);
  arrays.set(proxy, target);
  return proxy;
}

/** The replacement a wrapper was an argument of returned: its local reference is popped. */
export function releaseLocal(v: unknown): void {
  const t = typeof v === "object" && v !== null ? arrays.get(v) : undefined;
  if (t) t.alive = false;
}

/** Whether a value is such a byte[] wrapper. */
export function isBridgeArray(v: unknown): v is { readonly $h: ArrayLike<number> } {
  return typeof v === "object" && v !== null && arrays.has(v);
}

/**
 * types.js `toJniPrimitiveArray`: a wrapper goes back to Java as its handle, the same Java array
 * (anything else is left as it is: the stand-in's Java arrays are plain values).
 */
export function toJni(v: unknown): unknown {
  return isBridgeArray(v) ? v.$h : v;
}

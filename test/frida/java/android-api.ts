/**
 * The Android API's method signatures, read from @nativescript/types-android's merged platform
 * declarations (API 21–37), for the classes the stubs need. The declarations are TypeScript: they
 * keep class nesting, interfaces (a constructor documented as "…interface with the provided
 * implementation"), static-ness, parameter names and `@since`, but write every Java number type
 * as `number`; `javaType` below decides those by parameter name.
 */
import { isInterfaceConstructor, PLATFORM_DTS, sinceOf, splitTop, walkAndroidDts } from "../../support/android-dts.js";

export { PLATFORM_DTS };

export interface ApiMethod {
  readonly name: string;
  readonly isStatic: boolean;
  /** Java parameter types (nested classes with `$`). */
  readonly params: readonly string[];
  /** Java return type, "void" for none. */
  readonly ret: string;
  /** First API level with this overload (undefined: 21 or earlier). */
  readonly since?: number;
}

export interface ApiClass {
  readonly iface: boolean;
  readonly methods: ApiMethod[];
}

/** `android.location.GnssStatus.Callback` → `android.location.GnssStatus$Callback` (packages are lower case). */
export function binaryName(dotted: string): string {
  const parts = dotted.split(".");
  const first = parts.findIndex((p) => /^[A-Z]/.test(p));
  if (first < 0) return dotted;
  return `${parts.slice(0, first + 1).join(".")}${parts.slice(first + 1).map((p) => `$${p}`).join("")}`;
}

// Java number types by parameter name; everything else that is a `number` is an int.
const NUMBER_BY_NAME: readonly (readonly [RegExp, string])[] = [
  [/^(latitude|longitude|lowerLeftLatitude|lowerLeftLongitude|upperRightLatitude|upperRightLongitude)$/i, "double"],
  [/^(minDistance|minDistanceM|radius|distance)$/i, "float"],
  [/(time|timeMs|millis|expiration|beginTime|endTime|timeout|durationMillis)$/i, "long"],
];

/** A declaration's TypeScript type as the Java type it stands for. */
export function javaType(ts: string, paramName = ""): string {
  let t = ts.replace(/\s*\|\s*null$/, "").replace(/\/\*.*?\*\//g, "").trim();
  const array = /^androidNative\.Array<(.*)>$/.exec(t);
  if (array) {
    const inner = array[1]!.trim();
    // byte[] for PDUs and raw data, float[] for EXIF's output; int[] otherwise.
    if (inner === "number") return /pdu|data|bytes/i.test(paramName) ? "byte[]" : /output|latLong/i.test(paramName) ? "float[]" : "int[]";
    return `${javaType(inner)}[]`;
  }
  t = t.replace(/<.*>$/, "");
  switch (t) {
    case "string":
      return "java.lang.String";
    case "boolean":
      return "boolean";
    case "void":
      return "void";
    case "any":
      return "java.lang.Object";
    case "number":
      return NUMBER_BY_NAME.find(([re]) => re.test(paramName))?.[1] ?? "int";
  }
  // A type variable (T, K…) erases to Object.
  if (/^[A-Z]\w*$/.test(t)) return "java.lang.Object";
  return binaryName(t);
}

/**
 * The declared classes among `wanted` (binary names), with every method overload. Reads the
 * 10 MB declarations file once, streaming.
 */
export async function readAndroidApi(wanted: ReadonlySet<string>, file = PLATFORM_DTS): Promise<Map<string, ApiClass>> {
  const classes = new Map<string, ApiClass>();
  await walkAndroidDts(
    file,
    (c) => {
      const name = binaryName(c.name);
      if (!wanted.has(name)) return undefined;
      const cls = classes.get(name) ?? { iface: false, methods: [] };
      classes.set(name, cls);
      return cls;
    },
    (cls, m) => {
      if (isInterfaceConstructor(m)) (cls as { iface: boolean }).iface = true;
      if (m.name === "constructor") return;
      const close = m.rest.lastIndexOf(")");
      const params = splitTop(m.rest.slice(0, close)).map((p) => {
        const [pname, ...type] = p.split(":");
        return javaType(type.join(":").trim(), pname!.trim());
      });
      const ret = javaType(m.rest.slice(close + 1).replace(/^:\s*/, "").replace(/;$/, ""));
      const since = sinceOf(m.doc);
      cls.methods.push({ name: m.name, isStatic: m.isStatic, params, ret, ...(since !== undefined ? { since } : {}) });
    },
  );
  return classes;
}

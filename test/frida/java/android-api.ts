/**
 * The Android API's method signatures, read from @nativescript/types-android's merged platform
 * declarations (API 21–37), for the classes the stubs need. The declarations are TypeScript: they
 * keep class nesting, interfaces (a constructor documented as "…interface with the provided
 * implementation"), static-ness, parameter names and `@since`, but write every Java number type
 * as `number`; `javaType` below decides those by parameter name.
 */
import { createReadStream } from "node:fs";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

export const PLATFORM_DTS = fileURLToPath(new URL("../../../node_modules/@nativescript/types-android/lib/android/android-platform-21-37-merged.d.ts", import.meta.url));

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

/** Splits at top-level commas (generic arguments hold commas too). */
function splitTop(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = "";
  for (const ch of s) {
    if (ch === "<" || ch === "(") depth++;
    else if (ch === ">" || ch === ")") depth--;
    if (ch === "," && depth === 0) {
      out.push(cur.trim());
      cur = "";
    } else cur += ch;
  }
  if (cur.trim()) out.push(cur.trim());
  return out;
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

type Frame = { kind: "module" | "class" | "other"; name: string; cls?: ApiClass };

/**
 * The declared classes among `wanted` (binary names), with every method overload. Reads the
 * 10 MB declarations file once, streaming.
 */
export async function readAndroidApi(wanted: ReadonlySet<string>, file = PLATFORM_DTS): Promise<Map<string, ApiClass>> {
  const classes = new Map<string, ApiClass>();
  const stack: Frame[] = [];
  let doc = "";
  let inDoc = false;
  for await (const raw of createInterface({ input: createReadStream(file), crlfDelay: Infinity })) {
    const line = raw.trim();
    if (inDoc || line.startsWith("/**")) {
      doc = inDoc ? `${doc} ${line}` : line;
      inDoc = !line.endsWith("*/");
      continue;
    }
    const top = stack[stack.length - 1];
    let m: RegExpExecArray | null;
    if ((m = /^(?:declare|export) module ([\w$]+) \{$/.exec(line))) stack.push({ kind: "module", name: m[1]! });
    else if ((m = /^export (?:abstract )?class ([\w$]+)(?:<.*?>)?(?:\s+extends [\w.$]+(?:<.*?>)?)?(?: implements .*)? \{$/.exec(line))) {
      const name = binaryName([...stack.filter((s) => s.kind !== "other").map((s) => s.name), m[1]!].join("."));
      const cls = wanted.has(name) ? (classes.get(name) ?? { iface: false, methods: [] }) : undefined;
      if (cls) classes.set(name, cls);
      stack.push({ kind: "class", name: m[1]!, ...(cls ? { cls } : {}) });
    } else if (line === "}" || line === "});") stack.pop();
    else if (top?.kind === "class" && (m = /^(?:public|protected) (static )?(?:abstract )?([\w$]+)(?:<[^(]*>)?\((.*)$/.exec(line))) {
      const cls = top.cls;
      if (cls && m[2] === "constructor" && doc.includes("interface with the provided implementation")) (cls as { iface: boolean }).iface = true;
      if (cls && m[2] !== "constructor") {
        const close = m[3]!.lastIndexOf(")");
        const params = splitTop(m[3]!.slice(0, close)).map((p) => {
          const [pname, ...type] = p.split(":");
          return javaType(type.join(":").trim(), pname!.trim());
        });
        const ret = javaType(m[3]!.slice(close + 1).replace(/^:\s*/, "").replace(/;$/, ""));
        const since = /@since (\d+)/.exec(doc)?.[1];
        cls.methods.push({ name: m[2]!, isStatic: m[1] !== undefined, params, ret, ...(since ? { since: Number(since) } : {}) });
      }
      if (line.endsWith("{")) stack.push({ kind: "other", name: "" });
    } else if (line.endsWith("{")) stack.push({ kind: "other", name: "" });
    doc = "";
  }
  return classes;
}

import type { Summary } from "../catalogue/types.js";
import { Java } from "./java.js";

export interface RedactionConfig {
  readonly redaction: "hash" | "mask" | "raw";
  readonly salt: string;
}

const MAX = 256;

function cut(s: string): string {
  return s.length > MAX ? `${s.slice(0, MAX)}…` : s;
}

/** `86********1234`: the first two and last four characters of what is long enough to hide. */
export function mask(s: string): string {
  if (s.length <= 6) return "*".repeat(s.length);
  return `${s.slice(0, 2)}${"*".repeat(s.length - 6)}${s.slice(-4)}`;
}

// Identifier values repeat (the same IMEI read again and again): hash each once.
const hashes = new Map<string, string>();

function hash(s: string, salt: string): string {
  let h = hashes.get(s);
  if (h === undefined) {
    if (hashes.size >= 4096) hashes.clear();
    h = Checksum.compute("sha256", salt + s).slice(0, 12);
    hashes.set(s, h);
  }
  return h;
}

type JavaLike = { $className?: string; $t?: { name?: string }; toString(): string; size?: () => number; length?: number };

let javaString: { valueOf: { overload(t: string): { call(self: unknown, o: unknown): string } } } | null = null;

/**
 * A value as text. A Java object's own toString(): the bridge's wrapper answers JavaScript's
 * `String(w)` with Object.prototype's "[object Object]" (frida-java-bridge class-factory.js, the
 * wrapper Proxy finds `toString` on its target first), so String.valueOf(Object) is asked.
 */
function asString(v: unknown): string {
  if (typeof v === "string") return v;
  if (v !== null && typeof v === "object" && typeof (v as JavaLike).$className === "string") {
    try {
      javaString ??= Java.use("java.lang.String") as unknown as typeof javaString;
      return javaString!.valueOf.overload("java.lang.Object").call(javaString, v);
    } catch {
      // not through the bridge (the stand-in's plain objects)
    }
  }
  return String(v);
}

/** A content URI without query, fragment or numeric ids (which can identify a contact or message). */
export function uriSummary(v: unknown): string {
  const s = asString(v);
  return s.replace(/[?#].*$/, "").replace(/\/\d+(?=\/|$)/g, "/#");
}

/** Summarises a value the way a catalogue entry says; never throws, never returns raw identifiers unless configured. */
export function summarize(kind: Summary, value: unknown, cfg: RedactionConfig): string | undefined {
  try {
    if (kind === "omit") return undefined;
    if (value === null || value === undefined) return "null";
    switch (kind) {
      case "raw":
      case "package":
        return cut(asString(value));
      case "hash":
      case "mask": {
        const s = asString(value);
        if (cfg.redaction === "raw") return cut(s);
        return kind === "mask" || cfg.redaction === "mask" ? `mask:${mask(s)}` : `hash:${hash(s, cfg.salt)}`;
      }
      case "type":
        // A primitive array (double[]) has no class name on the bridge's side, only its element
        // type (types.js, PrimitiveArray's `$t`: `D`): named as Java names the class, `[D`.
        return `type:${(value as JavaLike).$className ?? ((value as JavaLike).$t?.name ? `[${(value as JavaLike).$t!.name}` : typeof value)}`;
      case "len": {
        const v = value as JavaLike;
        const n = typeof v.length === "number" ? v.length : typeof v.size === "function" ? v.size() : undefined;
        return n === undefined ? `type:${v.$className ?? typeof value}` : `len:${n}`;
      }
      case "uri":
        return cut(uriSummary(value));
      case "intent":
        return cut(intentSummary(value));
      case "permissions":
        return cut(Array.isArray(value) ? value.map(String).join(",") : asString(value));
    }
  } catch {
    return "type:unreadable";
  }
}

/** `intent:com.other.app/.Main action=android.intent.action.VIEW` */
export function intentSummary(v: unknown): string {
  const i = v as { getComponent(): { flattenToShortString(): string } | null; getPackage(): string | null; getAction(): string | null };
  const target = i.getComponent()?.flattenToShortString() ?? i.getPackage() ?? "(implicit)";
  const action = i.getAction();
  return `intent:${target}${action ? ` action=${action}` : ""}`;
}

/** The package an Intent is explicitly aimed at, or null for an implicit one. */
export function intentTarget(v: unknown): string | null {
  const i = v as { getComponent(): { getPackageName(): string } | null; getPackage(): string | null };
  return i.getComponent()?.getPackageName() ?? i.getPackage() ?? null;
}

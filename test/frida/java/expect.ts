/**
 * What the trace must say about a harness call, derived from the catalogue entry and from what
 * the harness printed about the call's arguments and result (Rec.describe): the summaries as the
 * agent's contract describes them (agent/catalogue/types.ts, Summary), written here
 * independently of the agent's code. JS sees Java numbers as numbers (10.0f prints as "10") and
 * arrays as arrays (joined with commas, null elements empty).
 */
import { createHash } from "node:crypto";
import type { HookEntry, Summary } from "../../../agent/catalogue/types.js";
import type { Category } from "../../../reports/trace/categories.js";
import type { CallResult, Described } from "../support/java-target.js";
import { APP_PACKAGE } from "./call-script.js";

const NUMBERS = /^java\.lang\.(Integer|Long|Short|Byte|Float|Double)$/;

/** The value as the agent's JavaScript sees it, as a string. */
export function jsString(d: Described): string {
  if (d.s === "null" && d.cls === undefined) return "null";
  if (d.cls && NUMBERS.test(d.cls)) return String(Number(d.s));
  if (d.cls?.startsWith("[")) {
    const numeric = /^\[[IJSBFD]$/.test(d.cls);
    return d.s === "" ? "" : d.s.split(",").map((e) => (numeric ? String(Number(e)) : e === "null" ? "" : e)).join(",");
  }
  return d.s;
}

function cut(s: string): string {
  return s.length > 256 ? `${s.slice(0, 256)}…` : s;
}

function mask(s: string): string {
  return s.length <= 6 ? "*".repeat(s.length) : `${s.slice(0, 2)}${"*".repeat(s.length - 6)}${s.slice(-4)}`;
}

export function uriSummary(s: string): string {
  return s.replace(/[?#].*$/, "").replace(/\/\d+(?=\/|$)/g, "/#");
}

/** One summary, or undefined for "omit". */
/** The Java primitive types: a value of one is a JS number or boolean in the agent. */
const PRIMITIVE = /^(boolean|byte|char|short|int|long|float|double)$/;

/**
 * One summary, or undefined for "omit". `declared` is the declared type where the harness only
 * saw the boxed value (a primitive return).
 */
export function summary(kind: Summary, d: Described, salt: string, declared?: string): string | undefined {
  if (kind === "omit") return undefined;
  if (d.s === "null" && d.cls === undefined) return "null";
  const s = jsString(d);
  switch (kind) {
    case "raw":
    case "package":
    case "permissions":
      return cut(s);
    case "hash":
      return `hash:${createHash("sha256").update(salt + s).digest("hex").slice(0, 12)}`;
    case "mask":
      return `mask:${mask(s)}`;
    case "type":
      return `type:${declared && PRIMITIVE.test(declared) ? declared : d.cls}`;
    case "len":
      // A string's length is its len too.
      return d.len !== undefined ? `len:${d.len}` : d.cls === "java.lang.String" ? `len:${d.s.length}` : `type:${d.cls}`;
    case "uri":
      return cut(uriSummary(s));
    case "intent": {
      const cmp = /cmp=(\S+)/.exec(d.s)?.[1];
      const pkg = /pkg=(\S+)/.exec(d.s)?.[1];
      const act = /act=(\S+)/.exec(d.s)?.[1];
      return cut(`intent:${cmp ?? pkg ?? "(implicit)"}${act ? ` action=${act}` : ""}`);
    }
  }
}

/** The category a content URI (or authority) belongs to, for the URIs the harness uses. */
function uriCategory(s: string): Category | undefined {
  const rest = s.replace(/^content:\/\//, "");
  if (/^com\.android\.contacts(\/|$)/.test(rest)) return "contacts";
  if (/^media(\/|$)/.test(rest)) return "media_storage";
  return undefined;
}

export interface ExpectedCall {
  readonly hook: string;
  readonly cat: Category;
  readonly perm?: string;
  readonly out: "returned" | "threw";
  readonly exc?: string;
  readonly args?: readonly string[];
  readonly ret?: string;
  readonly own?: boolean;
}

/** What the trace must hold for one recorded call of `e` that printed `r`. */
export function expectedCall(e: HookEntry, r: CallResult, salt: string, declaredRet?: string): ExpectedCall {
  let cat = e.category;
  let detail: string | undefined;
  let own = false;
  if (e.classify === "content-uri") {
    detail = uriSummary(jsString(r.args[0]!));
    cat = uriCategory(detail) ?? cat;
  } else if (e.classify === "sensor-type") {
    const type = /type=(\d+)/.exec(r.args[1]?.s ?? "")?.[1];
    detail = r.args[1]?.cls === "android.hardware.Sensor" && type ? `sensor:${type}` : "sensor:?";
  } else if (e.classify === "package-arg") own = r.args[0]?.cls === "java.lang.String" && r.args[0].s === APP_PACKAGE;
  let args: string[] | undefined;
  if (e.args || detail !== undefined) {
    const kinds = e.args ?? [];
    const list: string[] = [];
    for (let i = 0; i < r.args.length && i < Math.max(kinds.length, detail !== undefined ? 1 : 0); i++) {
      list.push(i === 0 && detail !== undefined ? detail : (summary(kinds[i] ?? "omit", r.args[i]!, salt) ?? ""));
    }
    while (list.length > 0 && list[list.length - 1] === "") list.pop();
    if (list.length > 0) args = list;
  }
  const threw = r.exc !== undefined;
  const ret = !threw && e.ret && r.ret !== undefined && r.ret !== "void" ? summary(e.ret, r.ret, salt, declaredRet) : undefined;
  return {
    hook: e.id,
    cat,
    ...(e.permission ? { perm: e.permission } : {}),
    out: threw ? "threw" : "returned",
    ...(threw ? { exc: r.exc! } : {}),
    ...(args ? { args } : {}),
    ...(ret !== undefined ? { ret } : {}),
    ...(own ? { own: true } : {}),
  };
}

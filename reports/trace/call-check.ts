import { isCategory } from "./categories.js";

// Apart from reader.ts so that the parsing worker loads it without the schema validator.

/** What parseLine returns for a line that is not JSON. */
export const NOT_JSON: unique symbol = Symbol("not JSON");

/** JSON.parse of a line, or NOT_JSON — without the cost of an exception for most garbage. */
export function parseLine(line: string): unknown {
  if (!mayBeJson(line)) return NOT_JSON;
  try {
    return JSON.parse(line);
  } catch {
    return NOT_JSON;
  }
}

/**
 * False when JSON.parse would certainly throw: the first character after JSON whitespace cannot
 * start a value. A failed JSON.parse costs microseconds (an exception); a trace of garbage lines
 * should not cost that per line.
 */
export function mayBeJson(line: string): boolean {
  let i = 0;
  let c = line.charCodeAt(0);
  while (c === 32 || c === 9 || c === 13 || c === 10) c = line.charCodeAt(++i);
  // { [ " - 0-9 t f n
  return c === 123 || c === 91 || c === 34 || c === 45 || (c >= 48 && c <= 57) || c === 116 || c === 102 || c === 110;
}

function isStringArray(v: unknown): boolean {
  if (!Array.isArray(v)) return false;
  for (const x of v) if (typeof x !== "string") return false;
  return true;
}

/** Why a parsed line is not a valid call event, or undefined when it is. Hand-written: this runs per event. */
export function callEventProblem(v: Record<string, unknown>): string | undefined {
  if (typeof v.seq !== "number") return "call without a numeric seq";
  if (typeof v.t !== "number" || !Number.isFinite(v.t)) return "call without a numeric t";
  if (typeof v.hook !== "string" || v.hook.length === 0) return "call without a hook id";
  if (!isCategory(v.cat)) return `unknown category '${String(v.cat)}'`;
  if (v.out !== "returned" && v.out !== "threw") return `outcome must be returned or threw, not '${String(v.out)}'`;
  if (typeof v.pid !== "number" || typeof v.tid !== "number") return "call without numeric pid and tid";
  // Optional fields: absent, or of the documented type.
  if (v.perm !== undefined && typeof v.perm !== "string") return "field 'perm' must be a string";
  if (v.exc !== undefined && typeof v.exc !== "string") return "field 'exc' must be a string";
  if (v.stack !== undefined && !Number.isInteger(v.stack)) return "field 'stack' must be an integer";
  if (v.ret !== undefined && typeof v.ret !== "string") return "field 'ret' must be a string";
  if (v.own !== undefined && typeof v.own !== "boolean") return "field 'own' must be a boolean";
  if (v.fg !== undefined && typeof v.fg !== "boolean") return "field 'fg' must be a boolean";
  if (v.args !== undefined && !isStringArray(v.args)) return "field 'args' must be an array of strings";
  if (v.req !== undefined && !isStringArray(v.req)) return "field 'req' must be an array of strings";
  if (v.net !== undefined) return netProblem(v.net);
  return undefined;
}

const LAYERS = new Set(["okhttp", "tls", "socket"]);
const WHERES = new Set(["url", "header", "body", "pre-encryption"]);
/** Matches one send may carry (the agent keeps at most 32). */
const MAX_NET_MATCHES = 64;

const optNumber = (x: unknown): boolean => x === undefined || (typeof x === "number" && Number.isFinite(x));
const optString = (x: unknown): boolean => x === undefined || typeof x === "string";

/** An egress record (docs/trace-format.md, "Egress records"): the app's strings in it stay untrusted, but the shape is checked. */
function netProblem(n: unknown): string | undefined {
  if (n === null || typeof n !== "object" || Array.isArray(n)) return "field 'net' must be an egress record";
  const r = n as Record<string, unknown>;
  if (!LAYERS.has(r.layer as string)) return "field 'net.layer' must be okhttp, tls or socket";
  if (typeof r.tls !== "boolean") return "field 'net.tls' must be a boolean";
  if (!optString(r.host) || !optString(r.method) || !optNumber(r.port) || !optNumber(r.bytes) || !optNumber(r.cut)) return "field 'net' has a field of the wrong type";
  if (r.matches === undefined) return undefined;
  if (!Array.isArray(r.matches) || r.matches.length > MAX_NET_MATCHES) return `field 'net.matches' must be an array of at most ${MAX_NET_MATCHES} matches`;
  for (const m of r.matches as unknown[]) {
    const x = m as Record<string, unknown> | null;
    if (x === null || typeof x !== "object" || typeof x.kind !== "string" || typeof x.enc !== "string" || !WHERES.has(x.where as string) || typeof x.conf !== "number" || !optNumber(x.readSeq) || (x.noRead !== undefined && x.noRead !== true)) {
      return "field 'net.matches' holds a match without kind, enc, where and conf";
    }
  }
  return undefined;
}

import { existsSync, readFileSync, statSync } from "node:fs";
import type { ErrorObject, ValidateFunction } from "ajv";
import { createRequire } from "node:module";
import { isMap, isSeq, LineCounter, parseDocument, type Document } from "yaml";
import type { PermtraceError } from "./errors.js";

type ErrorClass = new (problem: string, place: { where?: string; line?: number; column?: number; fix?: string }) => PermtraceError;

// Loaded on the first YAML file: commands that read none (a report with a built-in policy) do not pay for it.
let ajv: import("ajv/dist/2020.js").Ajv2020 | undefined;
function validator(): import("ajv/dist/2020.js").Ajv2020 {
  if (!ajv) {
    const { Ajv2020 } = createRequire(import.meta.url)("ajv/dist/2020.js") as typeof import("ajv/dist/2020.js");
    ajv = new Ajv2020({ allErrors: true, strict: false, verbose: true });
  }
  return ajv;
}
const compiled = new WeakMap<object, ValidateFunction>();

/** Edit distance, for "did you mean". */
export function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cur = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = cur;
    }
  }
  return row[b.length]!;
}

/** The closest candidate within a small edit distance, for a "did you mean" hint. */
export function didYouMean(word: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const c of candidates) {
    const d = editDistance(word.toLowerCase(), c.toLowerCase());
    if (d < bestD) [best, bestD] = [c, d];
  }
  return best !== undefined && bestD <= Math.max(2, Math.floor(word.length / 3)) ? best : undefined;
}

function pathOf(instancePath: string): string[] {
  return instancePath
    .split("/")
    .slice(1)
    .map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"));
}

function lineOf(doc: Document, lc: LineCounter, path: string[], key?: string): { line?: number; column?: number } {
  // Walk as deep as the document goes; point at the key when one is named.
  let node: unknown = doc.contents;
  let range: [number, number, number] | undefined = (node as { range?: [number, number, number] })?.range;
  for (const seg of [...path, ...(key !== undefined ? [key] : [])]) {
    if (isMap(node)) {
      const pair = node.items.find((p) => String((p.key as { value?: unknown })?.value ?? p.key) === seg);
      if (!pair) break;
      const keyRange = (pair.key as { range?: [number, number, number] })?.range;
      range = seg === key ? keyRange : ((pair.value as { range?: [number, number, number] })?.range ?? keyRange);
      node = pair.value;
    } else if (isSeq(node)) {
      const item = node.items[Number(seg)];
      if (!item) break;
      range = (item as { range?: [number, number, number] }).range;
      node = item;
    } else break;
  }
  if (!range) return {};
  const pos = lc.linePos(range[0]);
  return { line: pos.line, column: pos.col };
}

/** The line (1-based) of the node at `path` in a YAML text, for messages about valid but wrong values. */
export function yamlLine(text: string, path: readonly (string | number)[]): number | undefined {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false });
  return lineOf(doc, lc, path.map(String)).line;
}

function describe(err: ErrorObject, value: unknown): { problem: string; key?: string; fix?: string } {
  const at = err.instancePath ? `'${pathOf(err.instancePath).join(".")}'` : "the document";
  switch (err.keyword) {
    case "additionalProperties": {
      const key = String((err.params as { additionalProperty: string }).additionalProperty);
      const parent = err.parentSchema as { properties?: Record<string, unknown> } | undefined;
      const guess = parent?.properties ? didYouMean(key, Object.keys(parent.properties)) : undefined;
      const allowed = parent?.properties ? Object.keys(parent.properties).join(", ") : "";
      return { problem: `unknown key '${key}'${at !== "the document" ? ` in ${at}` : ""}`, key, fix: guess ? `did you mean '${guess}'?` : allowed ? `allowed: ${allowed}` : undefined };
    }
    case "enum": {
      const allowed = (err.params as { allowedValues: unknown[] }).allowedValues.map(String);
      const guess = typeof value === "string" ? didYouMean(value, allowed) : undefined;
      return { problem: `${at} is ${JSON.stringify(value)}, not one of the allowed values`, fix: guess ? `did you mean '${guess}'?` : `allowed: ${allowed.slice(0, 30).join(", ")}${allowed.length > 30 ? ", …" : ""}` };
    }
    case "const": {
      // `version: 2`: say which value is allowed, not "must be equal to constant".
      const allowed = JSON.stringify((err.params as { allowedValue: unknown }).allowedValue);
      return { problem: `${at} is ${JSON.stringify(value)}, but only ${allowed} is supported`, fix: `write ${pathOf(err.instancePath).join(".") || "it"}: ${allowed}` };
    }
    case "required":
      return { problem: `${at} is missing '${(err.params as { missingProperty: string }).missingProperty}'` };
    case "type":
      return { problem: `${at} must be ${(err.params as { type: string }).type}, not ${Array.isArray(value) ? "a list" : value === null ? "null" : typeof value}` };
    default:
      return { problem: `${at} ${err.message ?? "is invalid"}` };
  }
}

function valueAt(root: unknown, path: string[]): unknown {
  let v = root;
  for (const seg of path) v = v && typeof v === "object" ? (v as Record<string, unknown>)[seg] : undefined;
  return v;
}

/**
 * Reads a YAML file and validates it against a JSON Schema. Any problem becomes one error of
 * class `Err` naming the file, line and column, with a fix or "did you mean" where one exists.
 */
export function loadYaml<T>(path: string, schema: object, Err: ErrorClass, what: string): T {
  if (!existsSync(path)) throw new Err(`${what} not found`, { where: path, fix: "check the path" });
  if (!statSync(path).isFile()) throw new Err(`${what} is not a file`, { where: path, fix: `pass the ${what} YAML file` });
  const text = readFileSync(path, "utf8");
  return parseYaml<T>(text, path, schema, Err);
}

export function parseYaml<T>(text: string, path: string, schema: object, Err: ErrorClass): T {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false, uniqueKeys: true });
  const yamlError = doc.errors[0];
  if (yamlError) {
    const pos = lc.linePos(yamlError.pos[0]);
    const msg = yamlError.message.split("\n")[0] ?? "YAML syntax error";
    throw new Err(`YAML syntax: ${msg.replace(/ at line \d+, column \d+:?$/, "")}`, { where: path, line: pos.line, column: pos.col, fix: "fix the YAML syntax" });
  }
  const value = doc.toJS({ maxAliasCount: 100 }) as unknown;
  let validate = compiled.get(schema);
  if (!validate) {
    validate = validator().compile(schema);
    compiled.set(schema, validate);
  }
  if (!validate(value)) {
    const errors = validate.errors ?? [];
    // The most specific error first: unknown keys and enums beat the "oneOf/anyOf failed" summaries.
    const order = ["additionalProperties", "enum", "required", "type"];
    const rank = (e: ErrorObject): number => {
      const i = order.indexOf(e.keyword);
      return i < 0 ? order.length : i;
    };
    const err = [...errors].sort((a, b) => rank(a) - rank(b) || b.instancePath.length - a.instancePath.length)[0]!;
    const path0 = pathOf(err.instancePath);
    const d = describe(err, valueAt(value, path0));
    const pos = lineOf(doc, lc, path0, d.key);
    throw new Err(d.problem, { where: path, ...pos, ...(d.fix ? { fix: d.fix } : {}) });
  }
  return value as T;
}

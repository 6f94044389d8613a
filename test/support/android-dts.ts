/**
 * Reading @nativescript/types-android's merged platform declarations (API 21–37): one streaming
 * walk over the 10 MB file, shared by the catalogue tests and the real-Frida Java target's stub
 * generator. The declarations are TypeScript: they keep class nesting, interfaces (a constructor
 * documented as "…interface with the provided implementation"), static-ness, parameter names and
 * `@since`, but write every Java number type as `number`.
 */
import { createReadStream } from "node:fs";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

export const PLATFORM_DTS = fileURLToPath(new URL("../../node_modules/@nativescript/types-android/lib/android/android-platform-21-37-merged.d.ts", import.meta.url));

/** A class declaration: its dotted name (nested classes with `.`), what it extends and implements, its doc comment. */
export interface DtsClass {
  readonly name: string;
  readonly base?: string;
  readonly implements: readonly string[];
  readonly doc: string;
}

/** A method or constructor (`name` is "constructor") of the class being read. */
export interface DtsMember {
  readonly name: string;
  readonly isStatic: boolean;
  /** The text after the opening parenthesis: the parameters, `)`, the return type. */
  readonly rest: string;
  readonly doc: string;
  /** The line opens a block (an interface's `constructor(implementation: { … })`). */
  readonly opensBlock: boolean;
}

/** A member's doc says it is an interface's implementation constructor: the class is an interface. */
export function isInterfaceConstructor(m: DtsMember): boolean {
  return m.name === "constructor" && m.doc.includes("interface with the provided implementation");
}

export function sinceOf(doc: string): number | undefined {
  const m = /@since (\d+)/.exec(doc);
  return m ? Number(m[1]) : undefined;
}

/** Splits at top-level commas (generic arguments and inline object types hold commas too). */
export function splitTop(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = "";
  for (const ch of s) {
    if (ch === "<" || ch === "(" || ch === "{") depth++;
    else if (ch === ">" || ch === ")" || ch === "}") depth--;
    if (ch === "," && depth === 0) {
      out.push(cur.trim());
      cur = "";
    } else cur += ch;
  }
  if (cur.trim() !== "") out.push(cur.trim());
  return out;
}

/**
 * Walks the declarations: `onClass` for each class (return a value to hear its members, or
 * undefined to skip them), `onMember` for each method and constructor of a class it kept.
 */
export async function walkAndroidDts<T>(file: string, onClass: (c: DtsClass) => T | undefined, onMember: (cls: T, m: DtsMember) => void): Promise<void> {
  const stack: { kind: "module" | "class" | "other"; name: string; cls?: T }[] = [];
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
    else if ((m = /^export (?:abstract )?class ([\w$]+)(?:<.*?>)?(?:\s+extends ([\w.$]+)(?:<.*?>)?)?(?: implements (.*))? \{$/.exec(line))) {
      const name = [...stack.filter((s) => s.kind !== "other").map((s) => s.name), m[1]!].join(".");
      const implemented = m[3] ? m[3].split(/,\s*/).map((x) => x.replace(/<.*$/, "")) : [];
      const cls = onClass({ name, ...(m[2] !== undefined ? { base: m[2] } : {}), implements: implemented, doc });
      stack.push({ kind: "class", name: m[1]!, ...(cls !== undefined ? { cls } : {}) });
    } else if (line === "}" || line === "});") stack.pop();
    else if (top?.kind === "class" && (m = /^(?:public|protected) (static )?(?:abstract )?([\w$]+)(?:<[^(]*>)?\((.*)$/.exec(line))) {
      if (top.cls !== undefined) onMember(top.cls, { name: m[2]!, isStatic: m[1] !== undefined, rest: m[3]!, doc, opensBlock: line.endsWith("{") });
      if (line.endsWith("{")) stack.push({ kind: "other", name: "" });
    } else if (line.endsWith("{")) stack.push({ kind: "other", name: "" });
    doc = "";
  }
}

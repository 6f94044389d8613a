import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { resolveOptOut } from "./opt-out.js";
import { basename, join } from "node:path";
import type { ErrorObject, ValidateFunction } from "ajv";
import { Ajv2020 } from "ajv/dist/2020.js";
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node } from "yaml";
import { ScenarioError } from "../../reports/errors.js";
import { loadAppProfile, type AppProfile } from "../../reports/profile.js";
import { CATEGORY_IDS, type Category } from "../../reports/trace/categories.js";
import { didYouMean } from "../../reports/yaml-input.js";
import { DURATION, durationMs, durationSpelling, MAX_DURATION_MS, STEPS } from "./steps.js";

export interface Step {
  readonly action: string;
  /** The step's parameter as written (validated against its schema). */
  readonly params?: unknown;
  /** Steps of a `repeat`. */
  readonly steps?: readonly Step[];
  /** Where it is written, for errors at run time. */
  readonly line: number;
}

export interface Scenario {
  readonly file: string;
  readonly name: string;
  readonly purpose: string;
  readonly app?: string;
  readonly needs: readonly Category[];
  readonly needsInBackground: readonly Category[];
  readonly steps: readonly Step[];
}

export interface Suite {
  readonly dir: string;
  readonly profile: AppProfile;
  readonly scenarios: readonly Scenario[];
}

const TOP_KEYS = ["name", "purpose", "app", "needs", "needsInBackground", "steps", "description"];
const ajv = new Ajv2020({ allErrors: false, strict: false });
const validators = new Map<string, ValidateFunction>();

function validator(step: string): ValidateFunction {
  let v = validators.get(step);
  if (!v) validators.set(step, (v = ajv.compile(STEPS[step]!.params!)));
  return v;
}

function problemOf(errors: ErrorObject[] | null | undefined): string {
  const e = errors?.[0];
  if (!e) return "is not valid";
  if (e.keyword === "enum") return `must be one of ${(e.params as { allowedValues: unknown[] }).allowedValues.map(String).join(", ")}`;
  if (e.keyword === "additionalProperties") return `has an unknown key '${(e.params as { additionalProperty: string }).additionalProperty}'`;
  if (e.keyword === "required") return `needs '${(e.params as { missingProperty: string }).missingProperty}'`;
  if (e.keyword === "oneOf") return "is not in one of the accepted forms (see docs/scenarios.md)";
  if (/\/(wait|timeout)$/.test(e.instancePath)) return `'${e.instancePath.slice(1)}' is not a duration: write 500ms, 2s, 3m or a number of seconds`;
  return `${e.instancePath ? `'${e.instancePath.slice(1)}' ` : ""}${e.message ?? "is not valid"}`;
}

/** Reads and checks one scenario file. Every problem is one ScenarioError naming the file and line. */
export function loadScenario(file: string): Scenario {
  if (!existsSync(file) || !statSync(file).isFile()) throw new ScenarioError("scenario file not found", { where: file, fix: "check the path" });
  const text = readFileSync(file, "utf8");
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, uniqueKeys: true, prettyErrors: false });
  const lineOf = (n: Node | null | undefined): number | undefined => (n?.range ? lc.linePos(n.range[0]).line : undefined);
  const fail = (problem: string, node?: Node | null, fix?: string): never => {
    throw new ScenarioError(problem, { where: file, ...(lineOf(node) !== undefined ? { line: lineOf(node)! } : {}), ...(fix ? { fix } : {}) });
  };
  if (doc.errors[0]) {
    const pos = lc.linePos(doc.errors[0].pos[0]);
    throw new ScenarioError(`YAML syntax: ${(doc.errors[0].message.split("\n")[0] ?? "").replace(/ at line \d+, column \d+:?$/, "")}`, { where: file, line: pos.line, column: pos.col, fix: "fix the YAML syntax" });
  }
  const root = doc.contents;
  if (!isMap(root)) return fail("a scenario is a YAML mapping with name, purpose, needs and steps", root as Node);
  const get = (key: string): Node | undefined => root.items.find((p) => isScalar(p.key) && p.key.value === key)?.value as Node | undefined;
  for (const pair of root.items) {
    const key = isScalar(pair.key) ? String(pair.key.value) : "";
    if (!TOP_KEYS.includes(key)) {
      const guess = didYouMean(key, TOP_KEYS);
      fail(`unknown key '${key}'`, pair.key as Node, guess ? `did you mean '${guess}'?` : `keys: ${TOP_KEYS.join(", ")}`);
    }
  }
  const str = (key: string, required: boolean): string | undefined => {
    const n = get(key);
    if (n === undefined) return required ? fail(`missing '${key}'`, root, key === "needs" ? "list the data categories the scenario legitimately needs ([] for none)" : undefined) : undefined;
    if (!isScalar(n) || typeof n.value !== "string" || n.value.trim() === "") return fail(`'${key}' must be a non-empty string`, n);
    return n.value;
  };
  const categories = (key: string, required: boolean): Category[] => {
    const n = get(key);
    if (n === undefined) {
      if (required) fail(`missing '${key}'`, root, "list the data categories the scenario legitimately needs ([] for none)");
      return [];
    }
    if (!isSeq(n)) return fail(`'${key}' must be a list of data categories`, n);
    return n.items.map((item) => {
      const v = isScalar(item) ? String(item.value) : "";
      if (!(CATEGORY_IDS as readonly string[]).includes(v)) {
        const guess = didYouMean(v, CATEGORY_IDS);
        fail(`'${v}' is not a data category`, item as Node, guess ? `did you mean '${guess}'?` : "see docs/rules.md#data-categories");
      }
      return v as Category;
    });
  };
  const name = str("name", true)!;
  const purpose = str("purpose", true)!;
  const app = str("app", false);
  const needs = categories("needs", true);
  const needsInBackground = categories("needsInBackground", false);
  const stepsNode = get("steps");
  if (!stepsNode) return fail("missing 'steps'", root);
  const steps = readSteps(stepsNode, lineOf, fail);
  if (steps.length === 0) fail("'steps' is empty", stepsNode);
  return { file, name, purpose, ...(app ? { app } : {}), needs, needsInBackground, steps };
}

function readSteps(node: Node, lineOf: (n: Node | null | undefined) => number | undefined, fail: (p: string, n?: Node | null, fix?: string) => never): Step[] {
  if (!isSeq(node)) return fail("'steps' must be a list", node);
  return node.items.map((item) => {
    const n = item as Node;
    let action: string;
    let paramNode: Node | undefined;
    if (isScalar(n)) action = String(n.value);
    else if (isMap(n) && n.items.length === 1 && isScalar(n.items[0]!.key)) {
      action = String((n.items[0]!.key as { value: unknown }).value);
      paramNode = n.items[0]!.value as Node | undefined;
    } else return fail("a step is a name (- back) or a name with its value (- tapOn: Settings)", n);
    const def = STEPS[action];
    if (!def) {
      const guess = didYouMean(action, Object.keys(STEPS));
      return fail(`unknown step '${action}'`, n, guess ? `did you mean '${guess}'?` : `steps: ${Object.keys(STEPS).join(", ")}`);
    }
    const line = lineOf(n) ?? 0;
    const value = paramNode === undefined || (isScalar(paramNode) && paramNode.value === null) ? undefined : (paramNode as { toJSON(): unknown }).toJSON();
    if (value === undefined) {
      if (def.params && !def.optional) fail(`step '${action}' needs a value`, n, `e.g. ${EXAMPLES[action] ?? `${action}: …`}`);
      return { action, line };
    }
    if (!def.params) fail(`step '${action}' takes no value`, paramNode, `write it as '- ${action}'`);
    if (action === "repeat") {
      const v = validator(action);
      if (!v(value)) fail(`repeat ${problemOf(v.errors)}`, paramNode);
      const stepsOf = isMap(paramNode) ? (paramNode.items.find((p) => isScalar(p.key) && p.key.value === "steps")?.value as Node) : undefined;
      return { action, params: { times: (value as { times: number }).times }, steps: readSteps(stepsOf!, lineOf, fail), line };
    }
    const v = validator(action);
    if (!v(value)) {
      if (def.params === DURATION) notADuration(action, value, paramNode, fail);
      fail(`${action}: value ${problemOf(v.errors)}`, paramNode, EXAMPLES[action] ? `e.g. ${EXAMPLES[action]}` : undefined);
    }
    for (const d of def.params === DURATION ? [value] : durationsIn(value)) {
      if (durationMs(d as number | string) > MAX_DURATION_MS) fail(`${action}: ${typeof d === "number" ? `${d} seconds` : String(d)} is longer than 24 hours, the most a step may last`, paramNode, "a longer soak is several steps, or several scenarios");
    }
    if (action === "optOut") return { action, params: resolveOptOut(value, (problem, fix) => fail(problem, paramNode, fix)), line };
    return { action, params: value, line };
  });
}

/** A duration in another form (`3 minutes`): the accepted spelling of it, or the forms and an example. */
function notADuration(action: string, value: unknown, node: Node | undefined, fail: (p: string, n?: Node | null, fix?: string) => never): never {
  const spelled = durationSpelling(value);
  return fail(`${action}: ${JSON.stringify(value)} is not a duration`, node, spelled ? `write it as ${action}: ${spelled}` : `durations are 500ms, 2s, 3m or a number of seconds, e.g. ${action}: 3m`);
}

/** The durations inside a step's object value: launch's `wait`, any selector's `timeout`. */
function durationsIn(value: unknown): unknown[] {
  if (typeof value !== "object" || value === null) return [];
  return Object.entries(value).flatMap(([k, v]) => (k === "wait" || k === "timeout" ? [v] : durationsIn(v)));
}

const EXAMPLES: Readonly<Record<string, string>> = {
  consent: "consent: accept",
  optOut: "optOut: {purpose: personalised_ads}",
  tapOn: "tapOn: Settings",
  inputText: "inputText: {into: {id: search}, text: coffee}",
  swipe: "swipe: up",
  assertVisible: "assertVisible: Welcome",
  wait: "wait: 3m",
  background: "background: 30s",
  grant: "grant: CAMERA",
  revoke: "revoke: ACCESS_FINE_LOCATION",
  permissionDialog: "permissionDialog: deny",
  mark: "mark: checkout",
  repeat: "repeat: {times: 3, steps: [back]}",
};

/** Reads a suite: a folder with app.profile.yaml and *.scenario.yaml files, all checked. */
export function loadSuite(dir: string): Suite {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new ScenarioError("scenario folder not found", { where: dir, fix: "pass a folder holding app.profile.yaml and *.scenario.yaml files" });
  const profilePath = join(dir, "app.profile.yaml");
  if (!existsSync(profilePath)) throw new ScenarioError("app.profile.yaml missing", { where: dir, fix: "every suite has an app profile (see scenarios/examples/shop/app.profile.yaml)" });
  const profile = loadAppProfile(profilePath);
  const files = readdirSync(dir)
    .filter((f) => f.endsWith(".scenario.yaml") || f.endsWith(".scenario.yml"))
    .sort();
  if (files.length === 0) throw new ScenarioError("no *.scenario.yaml file", { where: dir, fix: "add scenario files named like 01-launch.scenario.yaml" });
  const scenarios = files.map((f) => loadScenario(join(dir, f)));
  const seen = new Map<string, string>();
  for (const s of scenarios) {
    const other = seen.get(s.name);
    if (other) throw new ScenarioError(`scenario name '${s.name}' is used twice (also in ${basename(other)})`, { where: s.file, fix: "give each scenario its own name" });
    seen.set(s.name, s.file);
    if (s.app && s.app !== profile.app) throw new ScenarioError(`app '${s.app}' differs from the suite's app '${profile.app}'`, { where: s.file, fix: "leave 'app' out to use the profile's" });
  }
  return { dir, profile, scenarios };
}

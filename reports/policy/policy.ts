import { existsSync, readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { PolicyError } from "../errors.js";
import { FAMILIES, RULES } from "../rules/index.js";
import type { ConsentState } from "../rules/timeline.js";
import { SEVERITIES, type Severity } from "../rules/types.js";
import type { PollingNumbers } from "../rules/period.js";
import { CATEGORY_IDS } from "../trace/categories.js";
import { didYouMean, loadYaml } from "../yaml-input.js";
import { BUILTIN_POLICIES, type PolicyDocument } from "./profiles.js";

export interface RuleSettings {
  readonly enabled: boolean;
  readonly severity: Severity;
  readonly params: Readonly<Record<string, unknown>>;
}

/** A policy with every rule's settings filled in. */
export interface ResolvedPolicy {
  readonly name: string;
  /** What it was built from, base first (built-in names and file paths). */
  readonly chain: readonly string[];
  readonly initialConsent: ConsentState;
  readonly rules: Readonly<Record<string, RuleSettings>>;
}

export const DEFAULT_POLICY = "strict";

const SDK_KINDS = ["ads", "analytics", "attribution", "push", "maps", "location", "payment", "social", "login", "crash", "risk_control", "device_id", "customer_support", "marketing", "cloud", "webview", "media", "dev_tools", "other"];

/** The JSON Schema of a policy file, assembled from the rules' parameter schemas. */
export function policySchema(): Record<string, unknown> {
  const rules: Record<string, unknown> = {};
  for (const f of FAMILIES) {
    for (const r of f.rules) {
      rules[r.id] = {
        type: "object",
        description: r.title,
        additionalProperties: false,
        properties: { enabled: { type: "boolean" }, severity: { enum: [...SEVERITIES] }, ...(f.params[r.id]?.schema ?? {}) },
      };
    }
  }
  return {
    $schema: "https://json-schema.org/draft/2020-12/schema",
    $id: "https://permtrace.dev/schema/policy-1.json",
    title: "permtrace policy",
    type: "object",
    additionalProperties: false,
    properties: {
      version: { const: 1 },
      name: { type: "string" },
      description: { type: "string" },
      extends: { type: "string", description: `A built-in profile (${Object.keys(BUILTIN_POLICIES).join(", ")}) or a path relative to this file.` },
      consent: { type: "object", additionalProperties: false, properties: { initialState: { enum: ["pending", "accepted"] } } },
      rules: { type: "object", additionalProperties: false, properties: rules },
    },
    $defs: { category: { enum: [...CATEGORY_IDS] }, sdkKind: { enum: SDK_KINDS } },
  };
}

let schemaCache: Record<string, unknown> | undefined;

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Deep merge: objects merge key by key, anything else (arrays included) replaces. */
function merge(base: Readonly<Record<string, unknown>>, over: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) {
    const b = out[k];
    out[k] = isPlainObject(b) && isPlainObject(v) ? merge(b, v) : v;
  }
  return out;
}

/** Where `extends:` is written in a policy file, for an error naming the file and line. */
function extendsPlace(file: string): { where: string; line?: number } {
  const lines = readFileSync(file, "utf8").split("\n");
  const i = lines.findIndex((l) => /^extends\s*:/.test(l));
  return i < 0 ? { where: file } : { where: file, line: i + 1 };
}

/** `from`: the policy file whose `extends` names `ref`; absent for --policy itself. */
function loadDocument(ref: string, from: string | undefined, seen: string[]): { doc: PolicyDocument; label: string; dir: string | undefined } {
  const builtin = BUILTIN_POLICIES[ref];
  if (builtin) return { doc: builtin, label: ref, dir: undefined };
  const path = from ? resolve(dirname(from), ref) : resolve(ref);
  if (!existsSync(path)) {
    const guess = didYouMean(ref, Object.keys(BUILTIN_POLICIES));
    throw new PolicyError(`${from ? "extends: " : ""}'${ref}' is neither a policy file nor a built-in profile`, {
      ...(from ? extendsPlace(from) : { where: "--policy" }),
      fix: guess ? `did you mean '${guess}'?` : `built-in profiles: ${Object.keys(BUILTIN_POLICIES).join(", ")}`,
    });
  }
  if (seen.includes(path)) throw new PolicyError("policy files extend each other in a cycle", { where: path, fix: `remove the cycle: ${[...seen, path].join(" → ")}` });
  schemaCache ??= policySchema();
  return { doc: loadYaml<PolicyDocument>(path, schemaCache, PolicyError, "policy file"), label: path, dir: dirname(path) };
}

/** Resolves `--policy` (a built-in name or a YAML path) into settings for every rule. */
export function resolvePolicy(ref: string = DEFAULT_POLICY): ResolvedPolicy {
  const chain: { doc: PolicyDocument; label: string }[] = [];
  const seen: string[] = [];
  let next: { ref: string; from: string | undefined } | undefined = { ref, from: undefined };
  while (next) {
    const { doc, label, dir } = loadDocument(next.ref, next.from, seen);
    seen.push(label);
    chain.unshift({ doc, label });
    // A file's `extends` is relative to that file; a built-in's names another built-in.
    next = doc.extends !== undefined ? { ref: doc.extends, from: dir ? label : undefined } : undefined;
    if (chain.length > 16) throw new PolicyError("policy extends chain is longer than 16", { where: label });
  }
  const rules: Record<string, RuleSettings> = {};
  for (const f of FAMILIES) {
    for (const r of f.rules) {
      let settings: Record<string, unknown> = { enabled: true, severity: r.severity, ...(f.params[r.id]?.defaults ?? {}) };
      for (const { doc } of chain) {
        const over = doc.rules?.[r.id];
        if (over) settings = merge(settings, over);
      }
      const { enabled, severity, ...params } = settings;
      rules[r.id] = { enabled: enabled as boolean, severity: severity as Severity, params };
    }
  }
  checkPolling(rules[POLLING]!.params as unknown as PollingNumbers, chain);
  let initialConsent: ConsentState = "pending";
  for (const { doc } of chain) if (doc.consent?.initialState) initialConsent = doc.consent.initialState;
  const top = chain[chain.length - 1]!;
  return { name: top.doc.name ?? top.label, chain: chain.map((c) => c.label), initialConsent, rules };
}

const POLLING = "frequency.periodic_polling";

/**
 * Where a rule's key was last set along the chain: the policy file and the key's line, for an
 * error that names them (a built-in profile has no file: its name stands in).
 */
function keyPlace(chain: readonly { doc: PolicyDocument; label: string }[], rule: string, keys: readonly string[]): { where: string; line?: number } {
  for (let i = chain.length - 1; i >= 0; i--) {
    const { doc, label } = chain[i]!;
    const key = keys.find((k) => doc.rules?.[rule]?.[k] !== undefined);
    if (key === undefined) continue;
    if (!existsSync(label)) return { where: `policy '${label}'` };
    const lines = readFileSync(label, "utf8").split("\n");
    const at = lines.findIndex((l) => new RegExp(`^\\s*${key}\\s*:`).test(l));
    return at < 0 ? { where: label } : { where: label, line: at + 1 };
  }
  return { where: "the strict defaults" };
}

/**
 * Numbers of frequency.periodic_polling that only make sense together, which a schema cannot
 * check one by one: the period bounds, and a burst gap that must not fold two beats of the
 * shortest period into one (they can be as close as minPeriodMs × (1 − 2 × relTolerance)).
 */
function checkPolling(p: PollingNumbers, chain: readonly { doc: PolicyDocument; label: string }[]): void {
  if (p.minPeriodMs >= p.maxPeriodSec * 1000) {
    throw new PolicyError(`${POLLING}: minPeriodMs (${p.minPeriodMs} ms) is not below maxPeriodSec (${p.maxPeriodSec} s)`, {
      ...keyPlace(chain, POLLING, ["minPeriodMs", "maxPeriodSec"]),
      fix: "lower minPeriodMs or raise maxPeriodSec",
    });
  }
  const closest = p.minPeriodMs * (1 - 2 * p.relTolerance);
  if (p.burstGapMs >= closest) {
    throw new PolicyError(`${POLLING}: burstGapMs (${p.burstGapMs} ms) would fold beats of the shortest period into one (they can be ${Math.round(closest)} ms apart)`, {
      ...keyPlace(chain, POLLING, ["burstGapMs", "minPeriodMs", "relTolerance"]),
      fix: `set burstGapMs below ${Math.round(closest)}, or raise minPeriodMs`,
    });
  }
}

/** Every rule id, for "did you mean" and documentation. */
export function ruleIds(): string[] {
  return [...RULES.keys()];
}

/**
 * The scenario steps, as a table: name → parameter schema and what it does. The loader validates
 * every step against this table before any device work starts; the executor (runner) maps each
 * name to a handler.
 */
import { OPT_OUT_PURPOSE_IDS } from "../../reports/data/purposes.js";
import { CATEGORY_IDS } from "../../reports/trace/categories.js";

export const DURATION = {
  description: "A duration: 500ms, 2s, 1m, or a number of seconds.",
  oneOf: [{ type: "number", minimum: 0 }, { type: "string", pattern: "^\\d+(\\.\\d+)?(ms|s|m)$" }],
} as const;

/** A UI element: by visible text, by resource id, or by accessibility id; `index` picks among several. */
const SELECTOR_OBJECT = {
  type: "object",
  additionalProperties: false,
  minProperties: 1,
  properties: {
    text: { type: "string", minLength: 1 },
    id: { type: "string", minLength: 1 },
    accessibilityId: { type: "string", minLength: 1 },
    index: { type: "integer", minimum: 0 },
    timeout: DURATION,
  },
} as const;
const SELECTOR = { oneOf: [{ type: "string", minLength: 1 }, SELECTOR_OBJECT] } as const;
const PERMISSION = { type: "string", pattern: "^([a-z][\\w]*(\\.[\\w]+)+\\.)?[A-Z][A-Z0-9_]*$", description: "CAMERA or android.permission.CAMERA" } as const;

export interface StepDef {
  /** JSON Schema of the step's parameter; absent: the step takes none (`- back`). */
  readonly params?: Readonly<Record<string, unknown>>;
  /** Whether the parameter may be left out (`- launch` and `- launch: {clearData: true}`). */
  readonly optional?: boolean;
  readonly description: string;
}

export const STEPS: Readonly<Record<string, StepDef>> = {
  launch: {
    optional: true,
    params: { type: "object", additionalProperties: false, properties: { clearData: { type: "boolean" }, wait: DURATION } },
    description: "Cold start through frida spawn (the agent is loaded before the app's code runs); `clearData` first wipes the app's data (a first launch).",
  },
  consent: {
    params: {
      oneOf: [
        { enum: ["accept", "reject"] },
        { type: "object", additionalProperties: false, required: ["answer"], properties: { answer: { enum: ["accept", "reject"] }, text: { type: "string" }, id: { type: "string" }, timeout: DURATION } },
      ],
    },
    description: "Answers the privacy policy: taps the button given by text or id, or finds it among the usual wordings (同意 / 同意并继续 / Agree / Accept; 不同意 / 拒绝 / Disagree), and marks the consent moment.",
  },
  tapOn: { params: SELECTOR, description: "Taps an element." },
  inputText: {
    params: { type: "object", additionalProperties: false, required: ["text"], properties: { into: SELECTOR, text: { type: "string" } } },
    description: "Types text, into an element when given.",
  },
  swipe: {
    params: { oneOf: [{ enum: ["up", "down", "left", "right"] }, { type: "object", additionalProperties: false, required: ["direction"], properties: { direction: { enum: ["up", "down", "left", "right"] } } }] },
    description: "Swipes across the middle of the screen.",
  },
  scroll: {
    params: { oneOf: [{ enum: ["up", "down"] }, { type: "object", additionalProperties: false, properties: { direction: { enum: ["up", "down"] }, until: SELECTOR, max: { type: "integer", minimum: 1 } } }] },
    description: "Scrolls, optionally until an element is visible.",
  },
  back: { description: "Presses Back." },
  assertVisible: { params: SELECTOR, description: "Fails the scenario unless the element is visible." },
  wait: { params: DURATION, description: "Waits." },
  background: { params: DURATION, description: "Goes to the home screen, waits, and comes back: the time in background." },
  lock: { optional: true, params: DURATION, description: "Turns the screen off (for the duration, then on, when one is given)." },
  unlock: { description: "Turns the screen on and unlocks." },
  grant: { params: PERMISSION, description: "Grants a runtime permission (adb pm grant)." },
  revoke: { params: PERMISSION, description: "Revokes a runtime permission (adb pm revoke)." },
  permissionDialog: {
    params: { enum: ["allow", "deny", "deny_dont_ask"] },
    description: "Answers the system permission dialog on screen.",
  },
  optOut: {
    optional: true,
    params: {
      oneOf: [
        { type: "array", items: { enum: [...CATEGORY_IDS] }, uniqueItems: true },
        {
          type: "object",
          additionalProperties: false,
          minProperties: 1,
          properties: {
            purpose: { enum: [...OPT_OUT_PURPOSE_IDS] },
            parties: { type: "array", items: { type: "string", minLength: 1 }, minItems: 1, uniqueItems: true },
            categories: { type: "array", items: { enum: [...CATEGORY_IDS] }, uniqueItems: true },
          },
        },
      ],
    },
    description:
      "Marks that the user opted out in the app's settings: of all personal data (no value), of categories (a list), or `{purpose, parties, categories}` — purpose one of all, personalised_ads, analytics, marketing, personalised_recommendations; parties `app` or SDK names/ids (`permtrace sdks`).",
  },
  screenshot: { optional: true, params: { type: "string", pattern: "^[\\w.-]+$" }, description: "Takes a screenshot (every step also takes one at its end)." },
  mark: { params: { type: "string", minLength: 1 }, description: "Puts a label on the timeline." },
  repeat: {
    params: { type: "object", additionalProperties: false, required: ["times", "steps"], properties: { times: { type: "integer", minimum: 1, maximum: 10000 }, steps: { type: "array", minItems: 1 } } },
    description: "Runs steps several times.",
  },
};

/**
 * The longest a step may wait, and a selector or launch wait: a day, longer than any soak test
 * a lab runs. Without a bound `wait: 99999999999999999999s` validated and would never end.
 */
export const MAX_DURATION_MS = 24 * 3_600_000;

const UNITS: readonly [RegExp, number][] = [
  [/^(ms|msecs?|millis(econds?)?)$/, 1],
  [/^(s|secs?|seconds?)$/, 1000],
  [/^(m|mins?|minutes?)$/, 60_000],
  [/^(h|hrs?|hours?)$/, 3_600_000],
];

/** The accepted spelling of a duration written another way (`3 minutes` → `3m`, `2h` → `120m`). */
export function durationSpelling(v: unknown): string | undefined {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-z]+)\s*$/i.exec(String(v));
  const unit = m && UNITS.find(([re]) => re.test(m[2]!.toLowerCase()));
  if (!m || !unit) return undefined;
  const ms = Number(m[1]) * unit[1];
  return ms % 60_000 === 0 && ms > 0 ? `${ms / 60_000}m` : ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}

/** Parses a duration to milliseconds. */
export function durationMs(v: number | string): number {
  if (typeof v === "number") return v * 1000;
  const m = /^(\d+(?:\.\d+)?)(ms|s|m)$/.exec(v);
  if (!m) throw new Error(`not a duration: ${v}`);
  const n = Number(m[1]);
  return m[2] === "ms" ? n : m[2] === "s" ? n * 1000 : n * 60_000;
}

/** The JSON Schema of a scenario file, for editors (docs/schema/scenario.schema.json). */
export function scenarioSchema(): Record<string, unknown> {
  const bare = Object.entries(STEPS)
    .filter(([, d]) => !d.params || d.optional)
    .map(([n]) => n);
  const withValue = Object.entries(STEPS)
    .filter(([, d]) => d.params)
    .map(([n, d]) => {
      const params = n === "repeat" ? { ...d.params, properties: { ...(d.params!.properties as object), steps: { type: "array", minItems: 1, items: { $ref: "#/$defs/step" } } } } : d.params;
      return { type: "object", description: d.description, additionalProperties: false, required: [n], properties: { [n]: params } };
    });
  const categories = { type: "array", items: { enum: [...CATEGORY_IDS] }, uniqueItems: true };
  return {
    $schema: "https://json-schema.org/draft/2020-12/schema",
    $id: "https://permtrace.dev/schema/scenario-1.json",
    title: "permtrace scenario",
    type: "object",
    additionalProperties: false,
    required: ["name", "purpose", "needs", "steps"],
    properties: {
      name: { type: "string", minLength: 1 },
      purpose: { type: "string", minLength: 1 },
      description: { type: "string" },
      app: { type: "string" },
      needs: { ...categories, description: "Data categories the scenario legitimately needs; anything else read during it is flagged." },
      needsInBackground: categories,
      steps: { type: "array", minItems: 1, items: { $ref: "#/$defs/step" } },
    },
    $defs: { step: { anyOf: [{ enum: bare }, ...withValue] } },
  };
}

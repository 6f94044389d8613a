import type { RuleFamily } from "./family.js";
import { backgroundFamily } from "./families/background.js";
import { consentFamily } from "./families/consent.js";
import { disclosureFamily } from "./families/disclosure.js";
import { egressFamily } from "./families/egress.js";
import { frequencyFamily } from "./families/frequency.js";
import { necessityFamily } from "./families/necessity.js";
import { permissionFamily } from "./families/permission.js";
import { refusalFamily } from "./families/refusal.js";
import { scenarioFamily } from "./families/scenario.js";
import type { RuleDef } from "./types.js";

/** Every rule family, in report order. */
export const FAMILIES: readonly RuleFamily[] = [
  consentFamily,
  refusalFamily,
  scenarioFamily,
  frequencyFamily,
  backgroundFamily,
  permissionFamily,
  disclosureFamily,
  necessityFamily,
  egressFamily,
];

/** Every rule, by id. */
export const RULES: ReadonlyMap<string, RuleDef> = new Map(FAMILIES.flatMap((f) => f.rules.map((r) => [r.id, r] as const)));

import { FINDINGS_SCHEMA } from "../reports/findings-schema.js";
import { policySchema } from "../reports/policy/policy.js";
import { APP_PROFILE_SCHEMA } from "../reports/profile.js";
import { scenarioSchema } from "../runner/scenario/steps.js";
import { CALL_EVENT_SCHEMA, MANIFEST_SCHEMA, MARKER_SCHEMA, STACK_SCHEMA } from "../reports/trace/schema.js";

/** Every published schema, by its file name under docs/schema/. */
export const SCHEMAS: Readonly<Record<string, object>> = {
  "trace-manifest.schema.json": MANIFEST_SCHEMA,
  "trace-call.schema.json": CALL_EVENT_SCHEMA,
  "trace-stack.schema.json": STACK_SCHEMA,
  "trace-marker.schema.json": MARKER_SCHEMA,
  "findings.schema.json": FINDINGS_SCHEMA,
  "policy.schema.json": policySchema(),
  "app-profile.schema.json": APP_PROFILE_SCHEMA,
  "scenario.schema.json": scenarioSchema(),
};

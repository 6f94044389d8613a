import type { Analysis } from "../analyze.js";

/** The findings document (docs/schema/findings.schema.json). */
export function renderJson(analysis: Analysis): string {
  return `${JSON.stringify(analysis, null, 2)}\n`;
}

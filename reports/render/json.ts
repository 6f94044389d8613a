import type { Analysis } from "../analyze.js";
import { stepNumber, withStepNumber } from "./step-number.js";

/**
 * The findings document (docs/schema/findings.schema.json). Where the analysis cites a step by
 * the trace's 0-based index (a finding's `evidence.step.index`, a scenario's `evidence.scenarios[].step`),
 * the document adds `stepNumber`, the 1-based number every other output shows: an addition, so
 * readers of schema version 1 are unaffected.
 */
export function renderJson(analysis: Analysis): string {
  return `${JSON.stringify(withStepNumbers(analysis), null, 2)}\n`;
}

function withStepNumbers(a: Analysis): unknown {
  return {
    ...a,
    evidence: {
      ...a.evidence,
      scenarios: a.evidence.scenarios.map((s) => {
        if (s.step === undefined) return s;
        const { name, outcome, step, ...rest } = s;
        return { name, outcome, step, stepNumber: stepNumber(step), ...rest };
      }),
    },
    findings: a.findings.map((f) => (f.evidence.step ? { ...f, evidence: { ...f.evidence, step: withStepNumber(f.evidence.step) } } : f)),
  };
}

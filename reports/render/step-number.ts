/**
 * Step numbers as a person reads them. The trace's step markers (`step_start`, `step_end` and
 * `screenshot` in timeline.jsonl, docs/trace-format.md) index a scenario's steps from 0, in the
 * order they ran (a `repeat`'s steps count once per round); every output a person reads — the
 * terminal, the log, the HTML, Markdown, JUnit, SARIF, CSV and XLSX reports, findings.json's
 * `stepNumber` — numbers them from 1. This is the one place that turns one into the other.
 */
export function stepNumber(index: number): number {
  return index + 1;
}

/** "3 tapOn": a step's number and action, as the spreadsheet columns show it. */
export function stepCaption(step: { readonly index: number; readonly action?: string | undefined }): string {
  return `${stepNumber(step.index)}${step.action ? ` ${step.action}` : ""}`;
}

/**
 * A finding's step with its number next to the trace's index, as findings.json and SARIF carry
 * it: `{scenario, index, stepNumber, action…}`. The index stays for joining with the trace.
 */
export function withStepNumber<S extends { readonly index: number }>(step: S): S & { readonly stepNumber: number } {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(step)) {
    out[k] = v;
    if (k === "index") out.stepNumber = stepNumber(step.index);
  }
  return out as S & { readonly stepNumber: number };
}

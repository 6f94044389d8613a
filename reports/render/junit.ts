import { findingScenarios } from "../rules/types.js";
import type { Analysis } from "../analyze.js";
import { plainText } from "./escape.js";
import { traceOrigin } from "./origin.js";
import { describeScenario } from "../evidence.js";
import { evidenceLine, verdictHeadline, verdictProblems } from "./verdict.js";

/**
 * XML text and attribute escaping. What XML 1.0 cannot hold, control characters and bidi
 * controls (a CI page would reorder the text around them) are neutralised first (plainText).
 */
export function xml(value: unknown): string {
  return plainText(value)
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&apos;");
}

/** Findings listed in one test case's failure text; the rest are counted (CI pages show it whole). */
export const MAX_CASE_FINDINGS = 100;

/**
 * JUnit XML for lab CI: one test suite per scenario (plus "(no scenario)"), one test case per
 * evaluated rule; a rule with findings in that scenario fails with them as the message, a
 * skipped or disabled rule is skipped. CI systems then show failures per scenario and rule.
 */
export function renderJunit(a: Analysis): string {
  // A scenario run twice is one suite: its findings are matched by name. Every finding's
  // scenario has a suite, listed or not, so no finding can be left out of the failures.
  const scenarios = [...new Set([...a.scenarios.map((s) => s.name), ...a.findings.flatMap((f) => (findingScenarios(f).length > 0 ? findingScenarios(f) : ["(no scenario)"]))])];
  if (scenarios.length === 0) scenarios.push("(no scenario)");
  const origin = traceOrigin(a);
  const props = `    <properties><property name="permtrace.status" value="${xml(a.status)}"/><property name="permtrace.recordedOn" value="${origin}"/><property name="permtrace.traceComplete" value="${a.trace.complete}"/></properties>`;
  const evidence = evidenceSuite(a, props);
  const suites: string[] = [evidence.xml];
  let totalTests = evidence.tests;
  let totalFailures = 0;
  for (const scenario of scenarios) {
    const cases: string[] = [];
    let failures = 0;
    let skipped = 0;
    for (const rule of a.rules) {
      const name = `${xml(rule.id)}`;
      if (rule.status !== "evaluated") {
        skipped++;
        cases.push(`    <testcase classname="${xml(scenario)}" name="${name}"><skipped message="${xml(rule.status === "disabled" ? "disabled by the policy" : (rule.reason ?? "not evaluated"))}"/></testcase>`);
        continue;
      }
      // A finding grouped across scenarios fails in each scenario it spans; calls a stronger finding
      // holds for this rule (alsoBreaks) fail it too, naming that finding.
      const found = a.findings.filter((f) => f.rule === rule.id && (findingScenarios(f).length > 0 ? findingScenarios(f).includes(scenario) : scenario === "(no scenario)"));
      const held = a.findings.filter((f) => ((f.evidence.details?.alsoBreaks as { rule: string; scenarios: string[] }[] | undefined) ?? []).some((x) => x.rule === rule.id && x.scenarios.includes(scenario)));
      found.push(...held.map((f) => ({ ...f, message: `${f.message} (held by ${f.id}, ${f.rule})` })));
      if (found.length === 0) {
        cases.push(`    <testcase classname="${xml(scenario)}" name="${name}"/>`);
        continue;
      }
      failures++;
      const shown = found.slice(0, MAX_CASE_FINDINGS).map((f) => `${f.id} [${f.severity}] ${f.message}`);
      if (found.length > MAX_CASE_FINDINGS) shown.push(`… ${found.length - MAX_CASE_FINDINGS} more finding(s) of this rule in this scenario: see findings.json`);
      const body = shown.join("\n");
      cases.push(`    <testcase classname="${xml(scenario)}" name="${name}"><failure type="${xml(found[0]!.severity)}" message="${xml(`${found.length} finding(s): ${rule.title}`)}">${xml(body)}</failure></testcase>`);
    }
    totalTests += cases.length;
    totalFailures += failures;
    suites.push(`  <testsuite name="${xml(scenario)}" tests="${cases.length}" failures="${failures}" skipped="${skipped}">\n${props}\n${cases.join("\n")}\n  </testsuite>`);
  }
  // A lab's CI must not take a sandbox or generated trace for a phone's: the name and a property say it.
  const marked = origin === "phone" ? "" : ` (${origin})`;
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="permtrace ${xml(a.trace.app)}${marked}" tests="${totalTests}" failures="${totalFailures}" errors="${evidence.errors}">\n${suites.join("\n")}\n</testsuites>\n`;
}

/**
 * The first suite, "evidence": whether the trace vouches for the run at all (an error when it has
 * no evidence or did not finish), then a case per scenario, an error for one that failed, was cut
 * off or never ran. A CI page then shows an empty or cut-off run as broken, never as all green.
 */
function evidenceSuite(a: Analysis, props: string): { xml: string; tests: number; errors: number } {
  const cases: string[] = [];
  let errors = 0;
  const error = (classname: string, name: string, message: string, body: string): void => {
    errors++;
    // A scenario's error comes from the trace: bounded, as a finding's text is.
    cases.push(`    <testcase classname="${xml(classname)}" name="${xml(name)}"><error type="${xml(a.status)}" message="${xml(message.slice(0, 1000))}">${xml(body.slice(0, 20_000))}</error></testcase>`);
  };
  if (a.status === "blocked" || a.status === "no-evidence" || !a.trace.complete) error("evidence", "trace", verdictHeadline(a), [...verdictProblems(a), evidenceLine(a)].join("\n"));
  else cases.push(`    <testcase classname="evidence" name="trace"/>`);
  for (const s of a.evidence.scenarios) {
    if (s.outcome === "ok") cases.push(`    <testcase classname="${xml(s.name)}" name="ran to the end"/>`);
    else error(s.name, "ran to the end", describeScenario(s), describeScenario(s));
  }
  // The report's warnings (a profile for another app, a judging other than the run's…) once, where CI pages show a suite's output.
  const out = a.warnings.length ? `\n    <system-out>${xml(a.warnings.map((w) => `warning: ${w.slice(0, 2000)}`).join("\n"))}</system-out>` : "";
  return { xml: `  <testsuite name="evidence" tests="${cases.length}" failures="0" errors="${errors}" skipped="0">\n${props}\n${cases.join("\n")}${out}\n  </testsuite>`, tests: cases.length, errors };
}

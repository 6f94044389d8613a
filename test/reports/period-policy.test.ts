import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { PolicyError, type PermtraceError } from "../../reports/errors.js";
import { resolvePolicy } from "../../reports/policy/policy.js";
import { POLLING_DEFAULTS } from "../../reports/rules/period.js";
import { tempDir } from "../support/trace-builder.js";

const POLL = "frequency.periodic_polling";

/** A policy file setting the polling rule's keys; returns its path. */
function policy(keys: string, name = "policy.yaml", extra = ""): string {
  const path = join(tempDir(), name);
  writeFileSync(path, `version: 1\n${extra}rules:\n  ${POLL}:\n${keys.split("\n").map((l) => `    ${l}`).join("\n")}\n`);
  return path;
}

function errorOf(path: string): PermtraceError {
  try {
    resolvePolicy(path);
  } catch (e) {
    expect(e).toBeInstanceOf(PolicyError);
    return e as PermtraceError;
  }
  throw new Error("expected a policy error");
}

describe("the policy's polling numbers", () => {
  it("the strict defaults are the ones docs/rules.md shows", () => {
    const p = resolvePolicy().rules[POLL]!.params;
    expect(p).toMatchObject({ minPeriodMs: 1000, maxPeriodSec: 1800, relTolerance: 0.15, maxMissedFraction: 0.34, minOccurrences: 6, maxChance: 1e-4 });
    expect(p).toMatchObject(POLLING_DEFAULTS);
  });

  it.each([
    ["relTolerance: 0.3", "relTolerance", /must be <= 0\.25/],
    ["relTolerance: 0", "relTolerance", /must be >= 0\.01/],
    ["maxMissedFraction: 0.6", "maxMissedFraction", /must be <= 0\.5/],
    ["minOccurrences: 2", "minOccurrences", /must be >= 3/],
    ["minOccurrences: 6.5", "minOccurrences", /must be integer/],
    ["maxChance: 0.5", "maxChance", /must be <= 0\.01/],
    ["maxPeriodSec: 0", "maxPeriodSec", /must be > 0/],
  ])("%s is out of range: one line naming the file, the line and the key", (line, key, problem) => {
    const path = policy(line);
    const e = errorOf(path);
    const text = e.toLine();
    expect(text).not.toContain("\n");
    expect(text).toContain(`${path}:4:`);
    expect(text).toContain(`rules.${POLL}.${key}`);
    expect(text).toMatch(problem);
  });

  it("a period range that is empty names the file, the key's line and the fix", () => {
    const path = policy("minPeriodMs: 120000\nmaxPeriodSec: 60");
    expect(errorOf(path).toLine()).toBe(`${path}:4: ${POLL}: minPeriodMs (120000 ms) is not below maxPeriodSec (60 s) — lower minPeriodMs or raise maxPeriodSec`);
  });

  it("a burst gap that would fold two beats of the shortest period into one is refused", () => {
    const path = policy("burstGapMs: 800");
    // The shortest period's beats can be 1000 × (1 − 2 × 0.15) = 700 ms apart.
    expect(errorOf(path).toLine()).toBe(`${path}:4: ${POLL}: burstGapMs (800 ms) would fold beats of the shortest period into one (they can be 700 ms apart) — set burstGapMs below 700, or raise minPeriodMs`);
  });

  it("the check sees the numbers a file inherits: a file extending one names the file that set the key", () => {
    const base = policy("maxPeriodSec: 60", "base.yaml");
    const top = join(base, "..", "top.yaml");
    writeFileSync(top, `version: 1\nextends: base.yaml\nrules:\n  ${POLL}:\n    minPeriodMs: 90000\n`);
    expect(errorOf(top).toLine()).toMatch(new RegExp(`^${top.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}:5: .*minPeriodMs \\(90000 ms\\) is not below maxPeriodSec \\(60 s\\)`));
  });

  it("values inside the ranges resolve", () => {
    const p = resolvePolicy(policy("relTolerance: 0.1\nmaxMissedFraction: 0.2\nminOccurrences: 8\nmaxChance: 0.00001\nmaxPeriodSec: 600")).rules[POLL]!.params;
    expect(p).toMatchObject({ relTolerance: 0.1, maxMissedFraction: 0.2, minOccurrences: 8, maxChance: 1e-5, maxPeriodSec: 600 });
  });
});

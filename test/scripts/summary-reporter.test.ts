import { describe, expect, it, vi } from "vitest";
import type { TestModule } from "vitest/node";
import SummaryReporter from "../support/summary-reporter.js";

/** A module as the reporter reads it: its state, id and its tests' states. */
function mod(id: string, state: string, tests: string[]): TestModule {
  return { moduleId: `${process.cwd()}/${id}`, state: () => state, children: { allTests: () => tests.map((s) => ({ result: () => ({ state: s }) })) } } as unknown as TestModule;
}

function line(modules: TestModule[], errors: unknown[] = []): string {
  const out: string[] = [];
  const spy = vi.spyOn(process.stdout, "write").mockImplementation((s) => (out.push(String(s)), true));
  try {
    new SummaryReporter().onTestRunEnd(modules, errors as never);
  } finally {
    spy.mockRestore();
  }
  return out.join("");
}

describe("the closing line", () => {
  it("counts passed, failed and skipped tests", () => {
    expect(line([mod("a.test.ts", "passed", ["passed", "passed", "skipped"]), mod("b.test.ts", "failed", ["failed", "passed"])])).toBe("\ntests: 3 passed, 1 failed, 1 skipped\n");
  });

  it("a file that failed outside its tests (an import error, a throwing beforeAll) is a failure, never '0 failed'", () => {
    expect(line([mod("test/x.test.ts", "failed", ["skipped", "skipped"]), mod("test/y.test.ts", "failed", [])])).toBe(
      "\ntest/x.test.ts failed outside its tests\ntest/y.test.ts failed outside its tests\ntests: 0 passed, 2 failed, 2 skipped\n",
    );
    expect(line([mod("a.test.ts", "passed", ["passed"])], [{ message: "unhandled" }])).toBe("\n1 error(s) outside any test\ntests: 1 passed, 1 failed, 0 skipped\n");
  });
});

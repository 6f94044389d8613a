import type { Reporter, SerializedError, TestModule } from "vitest/node";

/**
 * Prints one closing line, `tests: N passed, N failed, N skipped`, in the plain form CI systems
 * read in any language. Skipped tests (device tests are opt-in) are never counted as passed.
 * A file that failed outside its tests — it did not import, a beforeAll or afterAll threw, so its
 * tests were skipped or never ran — counts as one failure, as does an error outside any file:
 * a run like that never reads "0 failed".
 */
export default class SummaryReporter implements Reporter {
  onTestRunEnd(modules: ReadonlyArray<TestModule>, unhandledErrors: ReadonlyArray<SerializedError> = []): void {
    let passed = 0;
    let failed = 0;
    let skipped = 0;
    const broken: string[] = [];
    for (const m of modules) {
      let failedHere = 0;
      for (const t of m.children.allTests()) {
        const s = t.result().state;
        if (s === "passed") passed++;
        else if (s === "failed") failedHere++;
        else skipped++;
      }
      if (m.state() === "failed" && failedHere === 0) {
        failedHere = 1;
        broken.push(m.moduleId.replace(`${process.cwd()}/`, ""));
      }
      failed += failedHere;
    }
    failed += unhandledErrors.length;
    const outside = [...broken.map((f) => `${f} failed outside its tests`), ...(unhandledErrors.length > 0 ? [`${unhandledErrors.length} error(s) outside any test`] : [])];
    process.stdout.write(`\n${outside.map((l) => `${l}\n`).join("")}tests: ${passed} passed, ${failed} failed, ${skipped} skipped\n`);
  }
}

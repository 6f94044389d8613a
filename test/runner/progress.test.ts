import { afterEach, describe, expect, it } from "vitest";
import { createLogger, logger } from "../../runner/logger.js";
import { TerminalProgress } from "../../runner/progress.js";

/** A terminal that keeps what is written to it. */
function fakeTerminal(): NodeJS.WriteStream & { text: string } {
  const t = { isTTY: true, columns: 100, text: "", write: (s: string) => ((t.text += s), true) };
  return t as unknown as NodeJS.WriteStream & { text: string };
}

afterEach(() => void createLogger("silent", false));

describe("the live progress line and the logs on one terminal", () => {
  it("a log line clears the progress line, takes a line of its own, and the progress line is redrawn after it", () => {
    const term = fakeTerminal();
    createLogger("info", true, term);
    const p = new TerminalProgress("sandbox", term);
    p.scenario("first-launch", 0, 8);
    p.call("location");
    logger("test").warn("the clock drifted");
    const [before, after] = term.text.split(/\r\x1b\[2K(?=[^\r]*the clock drifted)/);
    expect(before).toBe("\r\x1b[2K[sandbox] scenario 1/8 first-launch · 0 calls");
    // The log line whole on its own line, then the live line again (with the call counted since).
    expect(after).toMatch(/^[^\r\n]*WARN[^\r\n]*the clock drifted[^\r]*\n\[sandbox\] scenario 1\/8 first-launch · 1 call \(location 1\)$/);
    p.done();
    logger("test").warn("after the run");
    expect(term.text).toMatch(/1 call \(location 1\)\n[^\r]*after the run[^\r]*\n$/);
  });

  it("a log line's app text cannot act on the terminal (escape sequences, bidi controls)", () => {
    const term = fakeTerminal();
    createLogger("info", true, term);
    logger("test").warn({ process: "com.evil\u202Eexe" }, "agent error: \u001b]52;c;ZWNobyBoaQ==\u0007 done");
    expect(term.text).not.toMatch(/\u001b\]52|\u0007|\u202e/i);
    expect(term.text).toContain("agent error: ?]52;c;ZWNobyBoaQ==? done");
    expect(term.text).toContain("com.evil\uFFFDexe");
  });
});

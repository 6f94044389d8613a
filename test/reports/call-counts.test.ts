import { describe, expect, it } from "vitest";
import { renderHtml } from "../../reports/render/html/index.js";
import { renderMarkdown } from "../../reports/render/markdown.js";
import { analyzeDir, GDT, ruleFindings, TraceBuilder } from "../support/trace-builder.js";

describe("call counts read as English", () => {
  it("one call is '1 call' in summary.md, report.html and a disclosure finding's message; two are '2 calls'", async () => {
    const one = analyzeDir(new TraceBuilder().consented(0).call(1000, "settings.Secure.getString", "device_identifiers", { from: GDT }).close(), { profile: { app: "com.example.app", sdks: [] } });
    expect(renderMarkdown(one)).toMatch(/ · 1 call over /);
    expect(await renderHtml(one)).toMatch(/ · 1 call analysed · /);
    expect(ruleFindings(one, "disclosure.undeclared_sdk")[0]?.message).toMatch(/\(1 call\) but is not in/);
    const two = analyzeDir(new TraceBuilder().consented(0).calls([1000, 2000], "settings.Secure.getString", "device_identifiers", { from: GDT }).close(), { profile: { app: "com.example.app", sdks: [] } });
    expect(renderMarkdown(two)).toMatch(/ · 2 calls over /);
    expect(ruleFindings(two, "disclosure.undeclared_sdk")[0]?.message).toMatch(/\(2 calls\) but is not in/);
  });
});

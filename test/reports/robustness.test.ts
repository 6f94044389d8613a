import { appendFileSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { TraceError } from "../../reports/errors.js";
import { renderMarkdown } from "../../reports/render/markdown.js";
import { TraceWriter } from "../../reports/trace/writer.js";
import { analyzeDir, APP, ruleFindings, TraceBuilder, UMENG } from "../support/trace-builder.js";

const CALL = { hook: "clipboard.ClipboardManager.getPrimaryClip", cat: "clipboard", out: "returned", pid: 1, tid: 1 };

function withLines(file: string, lines: unknown[]): string {
  const dir = new TraceBuilder().consented(0).call(1, "clipboard.ClipboardManager.getPrimaryClip", "clipboard").close();
  appendFileSync(join(dir, file), lines.map((l) => (typeof l === "string" ? l : JSON.stringify(l))).join("\n") + "\n");
  return dir;
}

describe("odd and hostile input", () => {
  it("skips calls whose optional fields have the wrong type, naming the line, instead of crashing", () => {
    const dir = withLines("calls.jsonl", [
      { seq: 2, t: 2, ...CALL, args: "not-an-array" },
      { seq: 3, t: 3, ...CALL, req: 5 },
      { seq: 4, t: 4, ...CALL, stack: "7" },
      { seq: 5, t: 5, ...CALL, fg: "yes" },
      { seq: 6, t: 6, ...CALL },
    ]);
    const a = analyzeDir(dir);
    expect(a.trace.calls).toBe(2);
    expect(a.trace.skippedLines).toBe(4);
    expect(a.warnings.join("\n")).toMatch(/field 'args' must be an array of strings/);
  });

  it("skips markers and stacks that do not match their schema", () => {
    const dir = withLines("timeline.jsonl", [
      { t: 5, kind: "scenario_start", scenario: "s", needs: "location" },
      { t: 6, kind: "permission_dialog_answered", permissions: 5, answer: "deny" },
      { t: 7, kind: "step_start", step: "<img src=x>" },
    ]);
    appendFileSync(join(dir, "stacks.jsonl"), '{"id":99,"frames":[null]}\n{"id":98,"frames":[{"c":7}]}\n');
    const a = analyzeDir(dir);
    expect(a.trace.skippedLines).toBe(5);
    expect(a.scenarios).toEqual([]);
    expect(renderMarkdown(a)).not.toContain("<img");
  });

  it("a calls file with no valid line is an error, not a clean report", () => {
    const dir = new TraceBuilder().close();
    writeFileSync(join(dir, "calls.jsonl"), "\u0000\u0001garbage\n{oops\n");
    expect(() => analyzeDir(dir)).toThrowError(TraceError);
    expect(() => analyzeDir(dir)).toThrowError(/no valid call among 2 line\(s\); line 1: not JSON/);
    // An empty calls file is a valid, quiet trace.
    writeFileSync(join(dir, "calls.jsonl"), "");
    expect(analyzeDir(dir).findings).toEqual([]);
  });

  it("a dialog answered without an answer denies nothing", () => {
    const dir = new TraceBuilder()
      .consented(0)
      .mark(10, "permission_dialog_answered", { permissions: ["android.permission.CAMERA"] })
      .call(20, "camera.Camera.open", "camera", { perm: "android.permission.CAMERA" })
      .close();
    expect(ruleFindings(analyzeDir(dir), "refusal.after_permission_denied")).toEqual([]);
  });

  it("bounds the frames a finding shows, whatever the stack's depth", () => {
    const deep = Array.from({ length: 5000 }, (_, i) => `com.example.app.R${i}.f`);
    const dir = new TraceBuilder().mark(0, "consent_shown").call(1, "clipboard.ClipboardManager.getPrimaryClip", "clipboard", { from: deep }).close();
    const stack = analyzeDir(dir).findings[0]!.evidence.stack!;
    expect(stack.frames.length).toBeLessThanOrEqual(60);
    expect(stack.omittedFrames).toBe(5003 - stack.frames.length);
  });

  it("warns when calls reference stacks that are missing", () => {
    const dir = new TraceBuilder().consented(0).call(1, "clipboard.ClipboardManager.getPrimaryClip", "clipboard").close();
    rmSync(join(dir, "stacks.jsonl"));
    const a = analyzeDir(dir);
    expect(a.warnings.join("\n")).toMatch(/1 call\(s\) reference stacks missing from stacks.jsonl/);
    expect(a.parties[0]!.party.name).toBe("unattributed");
  });

  it("keeps state per stack the trace defines, whatever ids its calls carry: large ids count, missing ones share one slot", () => {
    const dir = new TraceBuilder().consented(0).close();
    const UMENG_FRAME = { c: "com.umeng.commonsdk.UMConfigure", m: "init" };
    appendFileSync(join(dir, "stacks.jsonl"), `${JSON.stringify({ id: 2 ** 30, frames: [UMENG_FRAME] })}\n`);
    const lines: string[] = [];
    for (let i = 0; i < 3000; i++) {
      // A known stack with a large id, and calls to 1500 stacks that do not exist.
      const stack = i % 2 ? 2 ** 30 : 5_000_000 + i;
      lines.push(JSON.stringify({ seq: i + 1, t: 10 + i * 500, hook: "settings.Secure.getString.android_id", cat: "device_identifiers", out: "returned", pid: 1, tid: 1, stack }));
    }
    appendFileSync(join(dir, "calls.jsonl"), `${lines.join("\n")}\n`);
    const a = analyzeDir(dir);
    expect(a.stacks.find((st) => st.id === 2 ** 30)).toMatchObject({ calls: 1500, party: { key: "sdk:umeng-common" } });
    expect(a.warnings.join("\n")).toMatch(/1500 call\(s\) reference stacks missing from stacks.jsonl/);
    // The missing stacks are one unattributed call site: its regular reads are one poller, not 1500 sites of one call.
    const polls = ruleFindings(a, "frequency.periodic_polling").filter((f) => f.party.name === "unattributed");
    expect(polls).toHaveLength(1);
    expect(polls[0]!.message).toMatch(/every 1 s/);
  });

  it("the writer refuses a directory that already holds a trace", () => {
    const dir = new TraceBuilder().close();
    expect(() => new TraceWriter(dir, { tool: { name: "permtrace", version: "t" }, device: {}, app: { package: "a.b" } })).toThrowError(/already holds a trace/);
    expect(JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8")).complete).toBe(true);
  });

  it("app code dispatched through an event bus stays the app's", () => {
    const dir = new TraceBuilder()
      .mark(0, "consent_shown")
      .call(1, "location.LocationManager.getLastKnownLocation", "location", { from: ["com.example.app.Tracker.onEvent", "org.greenrobot.eventbus.EventBus.invokeSubscriber", "org.greenrobot.eventbus.EventBus.post"] })
      .close();
    expect(analyzeDir(dir).findings[0]!.party.kind).toBe("app");
  });

  it("redacts clipboard text unless values are asked for", () => {
    const dir = new TraceBuilder().mark(0, "consent_shown").call(1, "clipboard.ClipboardManager.getPrimaryClip", "clipboard", { from: APP, ret: "SMS code 482913" }).close();
    const first = (a: ReturnType<typeof analyzeDir>) => (a.findings[0]!.evidence.details as { firstCall: { ret: string } }).firstCall.ret;
    expect(first(analyzeDir(dir))).toBe("redacted:15");
    expect(first(analyzeDir(dir, { showValues: true }))).toBe("SMS code 482913");
  });

  it("a class name cannot start a Markdown heading in the summary", () => {
    const dir = new TraceBuilder("com.x").mark(0, "consent_shown").call(1, "clipboard.ClipboardManager.getPrimaryClip", "clipboard", { from: ["# No findings – compliant.x.Y.run"] }).close();
    const md = renderMarkdown(analyzeDir(dir));
    expect(md.split("\n").filter((l) => l.startsWith("# "))).toHaveLength(1);
  });
});

describe("clock drift", () => {
  it("warns when the device clock drifted past 50 ms between re-checks", () => {
    const dir = new TraceBuilder()
      .consented(0)
      .mark(10, "clock_sync", { offsetMs: 1000 })
      .mark(60_000, "clock_sync", { offsetMs: 1080, driftMs: 80 })
      .mark(120_000, "clock_sync", { offsetMs: 1090, driftMs: 10 })
      .call(5, "clipboard.ClipboardManager.getPrimaryClip", "clipboard")
      .close();
    expect(analyzeDir(dir).warnings.join("\n")).toMatch(/drifted by up to 80 ms between re-checks \(at 60\.0 s\)/);
    const calm = new TraceBuilder().consented(0).mark(60_000, "clock_sync", { offsetMs: 1, driftMs: 20 }).call(5, "clipboard.ClipboardManager.getPrimaryClip", "clipboard").close();
    expect(analyzeDir(calm).warnings.join("\n")).not.toMatch(/drifted/);
  });
});

describe("bounds on what a trace can make a report hold", () => {
  it("lists at most MAX_FINDINGS findings, most severe and earliest first, and counts the rest", async () => {
    const { MAX_FINDINGS } = await import("../../reports/analyze.js");
    const b = new TraceBuilder().mark(0, "app_launch").mark(0, "consent_shown");
    // Every call from another unknown package: one finding each, before consent.
    for (let i = 0; i <= MAX_FINDINGS; i++) b.call(1 + i, "telephony.TelephonyManager.getImei", "phone_identifiers", { from: [`org.p${i}.sdk.Collector.run`] });
    const a = analyzeDir(b.close());
    expect(a.findings).toHaveLength(MAX_FINDINGS);
    expect(a.summary.findingsOmitted).toBeGreaterThan(0);
    expect(a.warnings.some((w) => /more finding\(s\) not listed past the first 10000/.test(w))).toBe(true);
    // A diff against such a run says its "introduced" and "fixed" may be the cap's doing.
    const { diffAnalyses } = await import("../../reports/diff.js");
    expect(diffAnalyses(a, a).warnings).toEqual([expect.stringMatching(/the old run has \d+ finding\(s\) past the listed 10000/), expect.stringMatching(/the new run/)]);
  }, 60_000);

  it("keeps at most 20 arguments of a finding's first call, each cut at 500 characters, and says how many it left out", () => {
    const args = Array.from({ length: 50 }, (_, i) => (i === 0 ? "x".repeat(5000) : `a${i}`));
    const a = analyzeDir(new TraceBuilder().mark(0, "consent_shown").call(5, "clipboard.ClipboardManager.getPrimaryClip", "clipboard", { from: APP, args }).close(), { showValues: true });
    const fc = a.findings[0]!.evidence.details!.firstCall as { args: string[]; argsOmitted: number };
    expect(fc.args).toHaveLength(20);
    expect(fc.args[0]!.length).toBeLessThanOrEqual(501);
    expect(fc.argsOmitted).toBe(30);
  });

  it("says when a report shows identifier values", () => {
    const dir = new TraceBuilder().mark(0, "consent_shown").call(5, "telephony.TelephonyManager.getImei", "phone_identifiers", { from: APP, ret: "356938035643809" }).close();
    expect(analyzeDir(dir).valuesShown).toBeUndefined();
    const shown = analyzeDir(dir, { showValues: true });
    expect(shown.valuesShown).toBe(true);
    expect(renderMarkdown(shown)).toContain("**Identifier values shown**");
  });
});

describe("attempts", () => {
  it("a frequency finding whose peak succeeded is not called an attempt because later calls threw", () => {
    const b = new TraceBuilder().consented(0);
    b.calls(Array.from({ length: 30 }, (_, i) => 1_000 + i * 10), "telephony.TelephonyManager.getImei", "phone_identifiers", { from: UMENG });
    b.calls(Array.from({ length: 40 }, (_, i) => 100_000 + i * 10_000), "telephony.TelephonyManager.getImei", "phone_identifiers", { from: UMENG, out: "threw", exc: "java.lang.SecurityException" });
    const a = analyzeDir(b.close());
    const peak = ruleFindings(a, "frequency.rate_per_second");
    expect(peak.length).toBeGreaterThan(0);
    for (const f of peak) expect(f.message).not.toContain("attempt");
  });
});

describe("warnings the runner recorded", () => {
  it("a warning marker (frida's spawn-gating watchdog let a process go) is stated by the report, once each, in Markdown too", () => {
    const why = "frida switched spawn gating off (watchdog-timeout): processes of the app started meanwhile were not instrumented; it was switched on again";
    const dir = new TraceBuilder().consented(0).mark(10, "warning", { reason: why }).mark(20, "warning", { reason: why }).call(5, "clipboard.ClipboardManager.getPrimaryClip", "clipboard").close();
    const a = analyzeDir(dir);
    expect(a.warnings.filter((w) => w.includes("watchdog-timeout"))).toEqual([`during the run: ${why}`]);
    expect(renderMarkdown(a)).toContain("watchdog-timeout");
    // Processes born while gating was off ran without the agent: the trace cannot vouch for them.
    expect(a.status).toBe("incomplete");
    expect(a.evidence.problems.join("\n")).toMatch(/spawn gating was switched off during the run/);
    const held = new TraceBuilder().consented(0).mark(10, "warning", { reason: "com.x:push (pid 7) was held 6.0 s before it resumed" }).call(5, "clipboard.ClipboardManager.getPrimaryClip", "clipboard").close();
    expect(analyzeDir(held).evidence.problems.join("\n")).not.toMatch(/spawn gating/);
  });
});

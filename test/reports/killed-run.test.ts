import { spawn, spawnSync } from "node:child_process";
import { existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { forEachCall, openTrace } from "../../reports/trace/reader.js";
import { analyzeDir, tempDir } from "../support/trace-builder.js";

const WRITER = new URL("../../dist/reports/trace/writer.js", import.meta.url).pathname;

// A recorder that never finishes: calls, stacks and a marker every 50 calls, as a run does.
const SCRIPT = `
import { TraceWriter } from ${JSON.stringify(WRITER)};
const w = new TraceWriter(process.argv[1], { tool: { name: "permtrace", version: "t" }, device: { kind: "synthetic" }, app: { package: "com.example.app" } });
w.mark({ t: 0, kind: "session_start" });
w.mark({ t: 0, kind: "consent_shown" });
let t = 0;
for (let i = 0; ; i++) {
  t += 1;
  const stack = w.stack([{ c: "com.umeng.commonsdk.a", m: "b" + (i % 7) }, { c: "android.os.Looper", m: "loop" }]);
  w.call({ t, hook: "telephony.TelephonyManager.getImei", cat: "phone_identifiers", out: "returned", pid: 1, tid: 1, stack, args: ["x".repeat(i % 300)] });
  if (i % 50 === 49) w.mark({ t, kind: "step_start", step: i });
}
`;

describe("a run killed with SIGKILL mid-write", () => {
  it("leaves a trace the reporter reads, marked incomplete", async () => {
    expect(existsSync(WRITER), "dist/ is built by `npm test` before vitest runs").toBe(true);
    const dir = tempDir();
    const child = spawn(process.execPath, ["--input-type=module", "-e", SCRIPT, dir], { stdio: "ignore" });
    const calls = join(dir, "calls.jsonl");
    const deadline = Date.now() + 20_000;
    while (!(existsSync(calls) && statSync(calls).size > 2_000_000) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    child.kill("SIGKILL");
    await new Promise((r) => child.once("exit", r));
    expect(statSync(calls).size).toBeGreaterThan(2_000_000);

    const trace = openTrace(dir);
    expect(trace.manifest.complete).toBe(false);
    let n = 0;
    let lastSeq = 0;
    const stats = forEachCall(trace, (e) => {
      n++;
      expect(e.seq).toBe(lastSeq + 1);
      expect(trace.stacks.has(e.stack!)).toBe(true);
      lastSeq = e.seq;
    });
    expect(n).toBeGreaterThan(1000);
    // At most the last line can be cut; nothing else is skipped.
    expect(stats.skipped).toBeLessThanOrEqual(1);
    expect(stats.skipped === 1).toBe(stats.truncatedLast);
    // The timeline never runs ahead of the calls on disk.
    const lastStep = trace.markers.filter((m) => m.kind === "step_start").pop()!;
    expect(lastSeq).toBeGreaterThanOrEqual(lastStep.step! + 1);

    const analysis = analyzeDir(dir);
    expect(analysis.trace.complete).toBe(false);
    expect(analysis.warnings[0]).toMatch(/did not finish cleanly/);
    expect(analysis.findings.find((f) => f.rule === "consent.pre_consent_collection")?.count).toBe(n);
  });

  it("the installed bin reports on it from a shell, one line per problem", () => {
    const bin = new URL("../../bin/permtrace.js", import.meta.url).pathname;
    const r = spawnSync(process.execPath, [bin, "report", join(tempDir(), "nope")], { encoding: "utf8" });
    expect(r.status).toBe(3);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(/^permtrace: .*nope: trace directory not found/);
    const v = spawnSync(process.execPath, [bin, "--version"], { encoding: "utf8" });
    expect(v.stdout.trim()).toBe(JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")).version);
  });
});

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { EXIT, main } from "../../runner/cli.js";
import { PACKERS, packerOf } from "../../reports/data/packers.js";
import { APP, analyzeDir, TraceBuilder } from "../support/trace-builder.js";

/** "Blocked is a result": a run the app kept the agent out of is reported as blocked, never clean. */

const PKG = "com.example.app";

async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const code = await main(["--log-level", "silent", ...argv], { out: (t) => void (out += t), err: (t) => void (err += t) });
  return { code, out, err };
}

/** A launch at `t` of the main process `pid`, as `permtrace run` writes it (the agent loaded, then the app resumed). */
function launch(b: TraceBuilder, t: number, pid: number, application?: string): TraceBuilder {
  b.mark(t, "app_launch", { cold: true });
  if (application) b.mark(t, "application", { pid, name: application });
  return b.mark(t, "process_start", { pid, name: PKG });
}

/** A scenario `name` at `t`: launch, then a tap, each ok unless `failAt`, with an app call of no concern. */
function scenario(b: TraceBuilder, t: number, name: string, pid: number, o: { application?: string; end?: { at: number; reason: string; expected?: boolean }; failAt?: number } = {}): TraceBuilder {
  b.mark(t, "scenario_start", { scenario: name });
  b.mark(t, "step_start", { scenario: name, step: 0, action: "launch" });
  launch(b, t, pid, o.application);
  b.call(t + 1, "location.LocationManager.getLastKnownLocation", "location", { from: APP, pid });
  if (o.end) b.mark(t + o.end.at, "process_end", { pid, reason: o.end.reason, ...(o.end.expected ? { expected: true } : {}) });
  const failed = o.failAt === 0;
  b.mark(t + 1500, "step_end", { scenario: name, step: 0, action: "launch", status: failed ? "failed" : "ok", ...(failed ? { error: "the app's process ended" } : {}) });
  if (!failed) {
    b.mark(t + 1500, "step_start", { scenario: name, step: 1, action: "tapOn" });
    b.mark(t + 1600, "step_end", { scenario: name, step: 1, action: "tapOn", status: o.failAt === 1 ? "failed" : "ok" });
  }
  return b.mark(t + 1700, "scenario_end", { scenario: name, status: o.failAt !== undefined ? "failed" : "ok" });
}

function base(plan: readonly string[] = ["a"]): TraceBuilder {
  return new TraceBuilder(PKG).plan(plan).mark(0, "consent_shown").mark(0, "consent_accepted");
}

const CASES = [
  {
    name: "(a) the Application class is a known packer's stub (Tencent Legu)",
    make: () => scenario(base(), 10, "a", 1000, { application: "com.tencent.StubShell.TxAppEntry" }).close(),
    blocked: { kind: "packed", reason: "packed by Tencent Legu", pid: 1000, process: PKG, application: "com.tencent.StubShell.TxAppEntry", packer: "Tencent Legu" },
    line: "  blocked: packed by Tencent Legu — process 1000 (com.example.app), Application class com.tencent.StubShell.TxAppEntry",
  },
  {
    name: "(b) the main process ended 0.8 s after the agent loaded, in its launch step",
    make: () => scenario(base(), 10, "a", 1000, { end: { at: 800, reason: "process-terminated: signal 9" }, failAt: 0 }).close("the app's process 1000 ended"),
    blocked: { kind: "ended", reason: "the app ended right after the agent loaded", pid: 1000, process: PKG, t: 810, afterLoadMs: 800, detach: "process-terminated: signal 9" },
    line: "  blocked: the app ended right after the agent loaded — process 1000 (com.example.app) ended 0.8 s after the agent loaded, before any step but its launch completed: process-terminated: signal 9",
  },
  {
    name: "(b) the main process ended 1.6 s after the agent loaded, its launch done, in the next step, with no crash report",
    make: () => scenario(base(), 10, "a", 1000, { end: { at: 1590, reason: "process-terminated" }, failAt: 1 }).close("the app's process 1000 ended"),
    blocked: { kind: "ended", reason: "the app ended right after the agent loaded", pid: 1000, process: PKG, t: 1600, afterLoadMs: 1590, detach: "process-terminated" },
    line: "  blocked: the app ended right after the agent loaded — process 1000 (com.example.app) ended 1.6 s after the agent loaded, before any step but its launch completed: process-terminated",
  },
  {
    name: "(c) the agent was detached from the main process, which went on",
    make: () => scenario(base(), 10, "a", 1000, { application: "android.app.Application", end: { at: 1550, reason: "connection-terminated" } }).close(),
    blocked: { kind: "detached", reason: "the agent was detached", pid: 1000, process: PKG, application: "android.app.Application", t: 1560, afterLoadMs: 1550, detach: "connection-terminated" },
    line: "  blocked: the agent was detached — process 1000 (com.example.app), 1.6 s after the agent loaded, without the process ending; Application class android.app.Application: connection-terminated",
  },
];

describe("a run the app kept the agent out of is blocked, with the reason and the evidence", () => {
  for (const c of CASES) {
    it(`${c.name}: blocked in findings.json and on the terminal, exit ${EXIT.incomplete} under --fail-on info, 0 with --accept-incomplete`, async () => {
      const dir = c.make();
      const a = analyzeDir(dir);
      expect(a.status).toBe("blocked");
      expect(a.evidence.blocked).toEqual([c.blocked]);
      expect(a.evidence.problems[0]).toBe(c.line.trim());
      const r = await cli("report", dir, "--fail-on", "info");
      expect(r.code).toBe(EXIT.incomplete);
      const lines = r.out.split("\n");
      expect(lines[0]).toBe("BLOCKED: the app kept the agent from recording it — not a pass; what to try: docs/blocked.md");
      expect(lines[1]).toBe(c.line);
      expect(r.out).toMatch(/^the report is blocked: failing \(--accept-incomplete lets it pass\)$/m);
      const json = JSON.parse(readFileSync(join(dir, "report", "findings.json"), "utf8"));
      expect(json.status).toBe("blocked");
      expect(json.evidence.blocked).toEqual([c.blocked]);
      const ok = await cli("report", dir, "--fail-on", "info", "--accept-incomplete");
      expect(ok.code).toBe(EXIT.ok);
      expect(ok.out).toMatch(/^the report is blocked: accepted \(--accept-incomplete\)$/m);
    });
  }

  it("a packed app is named once, whichever of its processes started in the stub", () => {
    const b = scenario(base(), 10, "a", 1000, { application: "com.stub.StubApp" });
    b.mark(10, "process_start", { pid: 1001, name: `${PKG}:push`, origin: "spawn", instrumented: true }).mark(10, "application", { pid: 1001, name: "com.stub.StubApp" });
    expect(analyzeDir(b.close()).evidence.blocked?.map((x) => [x.kind, x.packer, x.pid])).toEqual([["packed", "Qihoo 360 Jiagu", 1000]]);
  });

  it("every format says blocked first: summary.md, report.html, JUnit, SARIF (CSV rows carry it per finding)", async () => {
    const dir = CASES[0]!.make();
    await cli("report", dir, "--format", "md,html,junit,sarif");
    const read = (f: string) => readFileSync(join(dir, "report", f), "utf8");
    expect(read("summary.md")).toContain("> **BLOCKED: the app kept the agent from recording it");
    expect(read("summary.md")).toContain("> - blocked: packed by Tencent Legu");
    expect(read("report.html")).toContain('<div class="verdict blocked" data-status="blocked"><strong>BLOCKED: ');
    expect(read("junit.xml")).toContain('<testcase classname="evidence" name="trace"><error type="blocked" message="BLOCKED: ');
    const sarif = JSON.parse(read("findings.sarif"));
    expect(sarif.runs[0].invocations[0].executionSuccessful).toBe(false);
    expect(sarif.runs[0].properties.status).toBe("blocked");
  });

  it("untrusted text in the evidence reaches the terminal without control or bidi characters", async () => {
    const dir = scenario(base(), 10, "a", 1000, { end: { at: 500, reason: "process-terminated: \u001b[2J\u202Ekill" }, failAt: 0 }).close();
    const r = await cli("report", dir);
    expect(r.out.split("\n")[1]).toContain("process-terminated: ?[2J\uFFFDkill");
    expect(r.out).not.toMatch(/[\u001b\u202E]/);
  });
});

describe("what is not blocked", () => {
  const not: { name: string; make: () => string; status: string }[] = [
    { name: "an ordinary Application class", make: () => scenario(base(), 10, "a", 1000, { application: "com.example.app.App" }).close(), status: "clean" },
    { name: "the runner's own detach at the end (application-requested)", make: () => scenario(base(), 10, "a", 1000, { end: { at: 800, reason: "application-requested" } }).close(), status: "clean" },
    { name: "the runner's own kill (a relaunch: expected)", make: () => scenario(base(), 10, "a", 1000, { end: { at: 800, reason: "process-terminated", expected: true } }).close(), status: "clean" },
    {
      name: "the app's own crash, an uncaught Java exception, right after its launch (the sample app's scan-crash)",
      make: () => scenario(base(), 10, "a", 1000, { end: { at: 1590, reason: "process-terminated: FATAL EXCEPTION: main java.lang.RuntimeException: Fail to connect to camera service" }, failAt: 1 }).close("the app's process 1000 ended"),
      status: "incomplete",
    },
    {
      name: "the app's own crash, named by its exception class only",
      make: () => scenario(base(), 10, "a", 1000, { end: { at: 1590, reason: "process-terminated: java.lang.IllegalStateException in MainActivity" }, failAt: 1 }).close("the app's process 1000 ended"),
      status: "incomplete",
    },
    {
      name: "the main process ending on its own after a step past the launch completed",
      make: () => scenario(base(), 10, "a", 1000, { end: { at: 1650, reason: "process-terminated" } }).close("the app's process 1000 ended"),
      status: "incomplete",
    },
    {
      name: "the main process ending on its own long after the agent loaded",
      make: () => {
        const b = base().mark(10, "scenario_start", { scenario: "a" }).mark(10, "step_start", { scenario: "a", step: 0, action: "wait" });
        launch(b, 10, 1000).call(11, "location.LocationManager.getLastKnownLocation", "location", { from: APP });
        return b.mark(9000, "process_end", { pid: 1000, reason: "process-terminated" }).close("killed");
      },
      status: "incomplete",
    },
    {
      name: "a child process (:push) ending right after it started",
      make: () => {
        const b = scenario(base(), 10, "a", 1000);
        return b.mark(10, "process_start", { pid: 1001, name: `${PKG}:push`, origin: "spawn", instrumented: true }).mark(300, "process_end", { pid: 1001, reason: "process-terminated" }).close();
      },
      status: "clean",
    },
  ];
  for (const c of not) {
    it(`${c.name}: ${c.status}`, () => {
      const a = analyzeDir(c.make());
      expect(a.status, a.evidence.problems.join("\n")).toBe(c.status);
      expect(a.evidence.blocked).toBeUndefined();
    });
  }
});

describe("the packer list (reports/data/packers.ts)", () => {
  it("names the stubs of the known packers, each entry with its sources", () => {
    const vendor = (c: string) => packerOf(c)?.vendor;
    expect(vendor("com.stub.StubApp")).toBe("Qihoo 360 Jiagu");
    expect(vendor("com.tencent.StubShell.TxAppEntry")).toBe("Tencent Legu");
    expect(vendor("com.secneo.apkwrapper.ApplicationWrapper")).toBe("Bangcle/SecNeo");
    expect(vendor("com.shell.SuperApplication")).toBe("Ijiami");
    expect(vendor("s.h.e.l.l.S")).toBe("Ijiami");
    expect(vendor("com.baidu.protect.StubApplication")).toBe("Baidu");
    expect(vendor("com.ali.mobisecenhance.StubApplication")).toBe("Alibaba");
    // Exact names and whole package prefixes only.
    expect(packerOf("com.stub.StubAppX")).toBeUndefined();
    expect(packerOf("com.secneo.apkwrapperx.A")).toBeUndefined();
    expect(packerOf("android.app.Application")).toBeUndefined();
    for (const p of PACKERS) {
      expect(p.sources.length, p.vendor).toBeGreaterThan(0);
      expect(p.classes.length + (p.prefixes?.length ?? 0), p.vendor).toBeGreaterThan(0);
      for (const x of p.prefixes ?? []) expect(x.endsWith("."), x).toBe(true);
    }
  });
});

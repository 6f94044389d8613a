import { copyFileSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { readFindings } from "../../reports/diff.js";
import { policyDigest, policyFile, sha256 } from "../../reports/judged.js";
import { BUILTIN_POLICIES } from "../../reports/policy/profiles.js";
import { resolvePolicy } from "../../reports/policy/policy.js";
import { loadAppProfile } from "../../reports/profile.js";
import { renderHtml } from "../../reports/render/html/index.js";
import { renderJunit } from "../../reports/render/junit.js";
import { renderMarkdown } from "../../reports/render/markdown.js";
import { renderSarif } from "../../reports/render/sarif.js";
import { JUDGED_FILES, type TraceManifest } from "../../reports/trace/format.js";
import { runDemo, sampleSuite } from "../../runner/commands/demo.js";
import { runReport } from "../../runner/commands/report.js";
import { EXIT, main } from "../../runner/cli.js";
import { analyzeDir, tempDir, TraceBuilder, UMENG } from "../support/trace-builder.js";

async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const code = await main(["--log-level", "silent", ...argv], { out: (t) => void (out += t), err: (t) => void (err += t) });
  return { code, out, err };
}

const manifestOf = (dir: string): TraceManifest => JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8")) as TraceManifest;

/** A copy of the demo's trace (made once): each test may change its own. */
let demoTrace: string;
function trace(): string {
  const dir = tempDir();
  for (const f of ["manifest.json", "calls.jsonl", "stacks.jsonl", "timeline.jsonl"]) copyFileSync(join(demoTrace, f), join(dir, f));
  mkdirSync(join(dir, JUDGED_FILES.dir));
  for (const f of [JUDGED_FILES.policy, JUDGED_FILES.profile]) copyFileSync(join(demoTrace, f), join(dir, f));
  return dir;
}

beforeAll(async () => {
  demoTrace = (await runDemo({ out: join(tempDir(), "demo") })).trace;
}, 60_000);

describe("a trace remembers how it was judged", () => {
  it("permtrace run records its policy and profile in the manifest, with sha256s, and copies them into the trace", () => {
    const judged = manifestOf(demoTrace).judged!;
    const profilePath = join(sampleSuite(), "app.profile.yaml");
    expect(judged.policy).toMatchObject({ name: "strict", chain: ["strict"], sha256: policyDigest(resolvePolicy("strict")) });
    expect(judged.profile).toEqual({ app: "com.permtrace.sample", source: profilePath, sha256: sha256(readFileSync(profilePath)) });
    // The copies re-apply as they were: the profile byte for byte, the policy to the same settings.
    expect(readFileSync(join(demoTrace, JUDGED_FILES.profile))).toEqual(readFileSync(profilePath));
    expect(policyDigest(resolvePolicy(join(demoTrace, JUDGED_FILES.policy)))).toBe(judged.policy.sha256);
  });

  it("permtrace report uses the recorded policy and profile when given neither, and says nothing about it", async () => {
    const dir = trace();
    const r = await runReport({ trace: dir });
    expect(r.analysis.policy).toMatchObject({ name: "strict", sha256: manifestOf(dir).judged!.policy.sha256 });
    expect(r.analysis.profile).toMatchObject({ app: "com.permtrace.sample", appType: "map_navigation", sha256: manifestOf(dir).judged!.profile!.sha256 });
    expect(r.analysis.rules.filter((x) => x.family === "disclosure").every((x) => x.status === "evaluated")).toBe(true);
    expect(r.analysis.warnings.filter((w) => w.startsWith("judged"))).toEqual([]);
    // findings.json carries the sha256s, valid against its schema, for permtrace diff.
    expect(readFindings(join(dir, "report", "findings.json")).policy.sha256).toBe(manifestOf(dir).judged!.policy.sha256);
  });

  it("a policy or profile given instead of the recorded ones is used, and every format says so", async () => {
    const dir = trace();
    const other = join(tempDir(), "other.profile.yaml");
    writeFileSync(other, `${readFileSync(join(sampleSuite(), "app.profile.yaml"), "utf8")}\n# edited after the run\n`);
    const r = await runReport({ trace: dir, policy: "tencent-myapp", profile: other, formats: ["json", "md", "junit", "sarif", "html"] });
    expect(r.analysis.policy.name).toBe("tencent-myapp");
    const notes = r.analysis.warnings.filter((w) => w.startsWith("judged with"));
    expect(notes).toHaveLength(2);
    expect(notes[0]).toMatch(/^judged with policy 'tencent-myapp' \(sha256 [0-9a-f]{12}\), not the policy the run recorded, 'strict'/);
    expect(notes[1]).toContain("not the profile the run recorded");
    for (const f of r.files) expect(readFileSync(f, "utf8")).toContain("not the policy the run recorded");
  });

  it("the same policy given by name is the recorded one: no note", async () => {
    const r = await runReport({ trace: trace(), policy: "strict" });
    expect(r.analysis.warnings.join("\n")).not.toContain("not the policy the run recorded");
  });

  it("--ignore-recorded judges with the flags and defaults only, and says so", async () => {
    const dir = trace();
    const r = await cli("report", dir, "--ignore-recorded");
    expect(r.code).toBe(EXIT.ok);
    const findings = JSON.parse(readFileSync(join(dir, "report", "findings.json"), "utf8"));
    expect(findings.profile).toBeUndefined();
    expect(findings.warnings[0]).toMatch(/^judged without what the run recorded \(--ignore-recorded\): policy 'strict' and no app profile, where the run used policy 'strict' and profile '.*app\.profile\.yaml'/);
  });

  it("a recorded copy changed after the run, missing or a link is one line naming it and the way out (exit 3)", async () => {
    const changed = trace();
    writeFileSync(join(changed, JUDGED_FILES.profile), `${readFileSync(join(changed, JUDGED_FILES.profile), "utf8")}\nsdks: []\n`);
    const a = await cli("report", changed);
    expect(a.code).toBe(EXIT.input);
    expect(a.err).toMatch(/^permtrace: .*judged\/profile\.yaml: the app profile copy does not match the sha256 the manifest recorded: it was changed after the run — pass --policy and --profile .*, or --ignore-recorded\n$/);
    const policy = trace();
    writeFileSync(join(policy, JUDGED_FILES.policy), readFileSync(join(policy, JUDGED_FILES.policy), "utf8").replace("initialState: pending", "initialState: accepted"));
    expect((await cli("report", policy)).err).toMatch(/judged\/policy\.yaml: the policy copy does not match the sha256/);
    const missing = trace();
    rmSync(join(missing, JUDGED_FILES.policy));
    expect((await cli("report", missing)).err).toMatch(/judged\/policy\.yaml: the run recorded its policy but the copy is missing/);
    const linked = trace();
    rmSync(join(linked, JUDGED_FILES.profile));
    symlinkSync(join(sampleSuite(), "app.profile.yaml"), join(linked, JUDGED_FILES.profile));
    const l = await cli("report", linked);
    expect(l.code).toBe(EXIT.input);
    expect(l.err).toMatch(/judged\/profile\.yaml: the run's recorded app profile is not a regular file \(a link\?\): it is never followed/);
    // Given both, the copies are not read at all.
    expect((await cli("report", changed, "--policy", "strict", "--profile", join(sampleSuite(), "app.profile.yaml"))).code).toBe(EXIT.ok);
  });
});

describe("the recorded policy copy", () => {
  it("re-applies to the same settings for every built-in policy and a file that extends one", () => {
    for (const ref of [...Object.keys(BUILTIN_POLICIES), "scenarios/examples/lab-policy.yaml"]) {
      const p = resolvePolicy(ref);
      const copy = join(tempDir(), "policy.yaml");
      writeFileSync(copy, policyFile(p));
      const again = resolvePolicy(copy);
      expect(policyDigest(again), ref).toBe(policyDigest(p));
      expect(again.name).toBe(p.name);
    }
    // What a policy decides, not how it is reached: two built-ins that differ hash apart.
    expect(policyDigest(resolvePolicy("strict"))).not.toBe(policyDigest(resolvePolicy("tencent-myapp")));
  });
});

describe("a profile for another package", () => {
  it("is a warning in every format, not only a log line", () => {
    const dir = new TraceBuilder().mark(0, "app_launch").mark(0, "consent_shown").call(5, "telephony.TelephonyManager.getImei", "phone_identifiers", { from: UMENG }).close();
    const profile = loadAppProfile(join(sampleSuite(), "app.profile.yaml"));
    const a = analyzeDir(dir, { profile });
    const w = a.warnings.find((x) => x.includes("is for com.permtrace.sample, not for this trace's app com.example.app"));
    expect(w).toBeDefined();
    for (const out of [renderMarkdown(a), renderJunit(a), renderSarif(a), JSON.stringify(a)]) expect(out).toContain("not for this trace");
    return renderHtml(a, { traceDir: dir }).then((html) => expect(html).toContain("not for this trace"));
  });
});

describe("the terminal summary", () => {
  it("states the report's warnings on stdout, whatever the log level", async () => {
    const dir = trace();
    const r = await cli("report", dir, "--policy", "tencent-myapp");
    expect(r.code).toBe(EXIT.ok);
    expect(r.out).toMatch(/\nwarning: judged with policy 'tencent-myapp' \(sha256 [0-9a-f]{12}\), not the policy the run recorded, 'strict'/);
    // The verdict already says the run was cut off: not again as a warning.
    expect(r.out).not.toContain("warning: the run did not finish cleanly");
  });
});

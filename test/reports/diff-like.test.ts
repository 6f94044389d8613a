import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Analysis } from "../../reports/analyze.js";
import { diffAnalyses, renderDiffMarkdown, renderDiffText } from "../../reports/diff.js";
import { loadAppProfile } from "../../reports/profile.js";
import { renderJson } from "../../reports/render/json.js";
import { EXIT, main } from "../../runner/cli.js";
import { analyzeDir, tempDir, TraceBuilder, UMENG } from "../support/trace-builder.js";

async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const code = await main(["--log-level", "silent", ...argv], { out: (t) => void (out += t), err: (t) => void (err += t) });
  return { code, out, err };
}

/** Umeng reads the IMEI before consent, in the app `app`. */
function preConsent(app = "com.example.app"): string {
  return new TraceBuilder(app).mark(0, "app_launch").mark(0, "consent_shown").call(5, "telephony.TelephonyManager.getImei", "phone_identifiers", { from: UMENG }).mark(10, "consent_accepted").close();
}

const findingsFile = (a: Analysis): string => {
  const f = join(tempDir(), "findings.json");
  writeFileSync(f, renderJson(a));
  return f;
};

describe("permtrace diff compares like with like", () => {
  it("states different apps, policies, profiles and catalogue versions at the top of text and Markdown, and in the JSON", () => {
    const old = analyzeDir(preConsent("com.example.app"));
    const profile = loadAppProfile("scenarios/examples/shop/app.profile.yaml");
    const neu: Analysis = { ...analyzeDir(preConsent("com.example.shop"), { policy: "tencent-myapp", profile }), catalogue: { version: "2099.1", sdks: 1 } };
    const d = diffAnalyses(old, neu);
    expect(d.differences.map((x) => x.what)).toEqual(["app", "policy", "profile", "catalogue"]);
    expect(d.differences[0]).toEqual({ what: "app", old: "com.example.app", new: "com.example.shop" });
    expect(d.differences[2]!.old).toBe("no app profile");
    const text = renderDiffText(d).split("\n");
    expect(text[0]).toBe("The two runs are not like with like:");
    expect(text[1]).toBe("  app: com.example.app → com.example.shop");
    expect(text[2]).toMatch(/^ {2}policy: strict \(strict\) → tencent-myapp/);
    expect(renderDiffMarkdown(d).split("\n")[2]).toBe("> **Not like with like**: the two runs differ in");
    expect(JSON.parse(JSON.stringify(d)).differences).toHaveLength(4);
  });

  it("runs of one app judged alike show no difference; the same policy under another path is the same by its sha256", () => {
    const a = analyzeDir(preConsent());
    expect(diffAnalyses(a, analyzeDir(preConsent())).differences).toEqual([]);
    const stamped = (x: Analysis, chain: string): Analysis => ({ ...x, policy: { name: "lab", chain: [chain], sha256: "a".repeat(64) } });
    expect(diffAnalyses(stamped(a, "/lab/one.yaml"), stamped(a, "/elsewhere/one.yaml")).differences).toEqual([]);
    expect(diffAnalyses(stamped(a, "/lab/one.yaml"), { ...a, policy: { name: "lab", chain: ["/lab/one.yaml"], sha256: "b".repeat(64) } }).differences.map((x) => x.what)).toEqual(["policy"]);
  });

  it("--fail-on refuses two different apps in one line (exit 2) unless --force", async () => {
    const old = findingsFile(analyzeDir(preConsent("com.example.app")));
    const neu = preConsent("com.other.app");
    const r = await cli("diff", old, neu, "--fail-on", "high");
    expect(r.code).toBe(EXIT.usage);
    expect(r.err).toBe("permtrace: --fail-on: the two runs are of different apps (com.example.app and com.other.app): a regression gate compares runs of one app — compare two runs of the same app, or add --force to gate them anyway\n");
    expect(r.out).toBe("");
    const forced = await cli("diff", old, neu, "--fail-on", "critical", "--force", "--format", "json");
    expect(forced.code).toBe(EXIT.ok);
    expect(JSON.parse(forced.out).differences[0]).toMatchObject({ what: "app" });
    // Without a gate the comparison is shown, and says it is not like with like.
    expect((await cli("diff", old, neu)).out).toMatch(/^The two runs are not like with like:\n {2}app: com\.example\.app → com\.other\.app\n/);
  });

  it("a hostile app name in a difference cannot act on the terminal", () => {
    const a = analyzeDir(preConsent());
    const evil: Analysis = { ...a, trace: { ...a.trace, app: "com.x\u001b]0;pwned\u0007\u202e" } };
    const text = renderDiffText(diffAnalyses(a, evil));
    expect(text).not.toMatch(/[\u001b\u0007\u202e]/);
    expect(text).toContain("app: com.example.app → com.x");
  });
});

describe("permtrace diff's text tells findings apart", () => {
  const base = analyzeDir(preConsent());
  const f = base.findings.find((x) => x.rule === "consent.pre_consent_collection")!;

  it("two findings that differ only in their scenario print as two lines, each naming its scenario", () => {
    const d = diffAnalyses({ ...base, findings: [] }, { ...base, findings: [{ ...f, scenario: "first-launch" }, { ...f, scenario: "reopen" }] });
    const lines = renderDiffText(d).split("\n").filter((l) => l.includes(f.rule));
    expect(lines).toHaveLength(2);
    expect(new Set(lines).size).toBe(2);
    expect(lines[0]).toContain("scenario first-launch");
    expect(lines[1]).toContain("scenario reopen");
    expect(lines[0]).toContain("Umeng");
  });

  it("a finding repeated is one line with its count; two parties of one name are told apart by their key", () => {
    const repeated = diffAnalyses(base, { ...base, findings: [] });
    const twice = diffAnalyses({ ...base, findings: [f, f] }, { ...base, findings: [] });
    expect(renderDiffText(twice).split("\n").filter((l) => l.includes(f.rule))).toEqual(renderDiffText(repeated).split("\n").filter((l) => l.includes(f.rule)).map((l) => l.replace(/: /, " (×2): ")));
    const other = { ...f, party: { ...f.party, key: "pkg:com.umeng.fake" } };
    const lines = renderDiffText(diffAnalyses({ ...base, findings: [f, other] }, { ...base, findings: [] })).split("\n").filter((l) => l.includes(f.rule));
    expect(lines).toHaveLength(2);
    expect(new Set(lines).size).toBe(2);
    expect(lines.some((l) => l.includes("pkg:com.umeng.fake"))).toBe(true);
  });

  it("Markdown lists the permission or hook of each finding", () => {
    const d = diffAnalyses({ ...base, findings: [] }, base);
    expect(renderDiffMarkdown(d)).toContain("| Severity | Rule | Party | Category | Scenario | Permission or hook |");
  });
});

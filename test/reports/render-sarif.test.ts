import type * as Sarif from "sarif";
import { describe, expect, it } from "vitest";
import type { Analysis } from "../../reports/analyze.js";
import { renderJson } from "../../reports/render/json.js";
import { FINGERPRINT_KEY, renderSarif, SARIF_SCHEMA, sarifLevel, sarifText } from "../../reports/render/sarif.js";
import { SEVERITIES } from "../../reports/rules/types.js";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fixedTraceDir } from "../support/golden.js";
import { analyzeDir, tempDir, TraceBuilder, UMENG } from "../support/trace-builder.js";

const fixedDir = fixedTraceDir;

const parse = (s: string): Sarif.Log => JSON.parse(s) as Sarif.Log;
const run0 = (log: Sarif.Log): Sarif.Run => log.runs[0]!;

/** Every string in a JSON value, with its path. */
function strings(v: unknown, path = "$"): [string, string][] {
  if (typeof v === "string") return [[path, v]];
  if (Array.isArray(v)) return v.flatMap((x, i) => strings(x, `${path}[${i}]`));
  if (v && typeof v === "object") return Object.entries(v).flatMap(([k, x]) => [[`${path}.${k}#key`, k] as [string, string], ...strings(x, `${path}.${k}`)]);
  return [];
}

describe("SARIF output", () => {
  it("is a SARIF 2.1.0 log: one run, permtrace's rules, a result per finding pointing at its rule", () => {
    const a = analyzeDir(fixedDir());
    const out = renderSarif(a);
    expect(out.endsWith("}\n")).toBe(true);
    const log = parse(out);
    expect(log.version).toBe("2.1.0");
    expect(log.$schema).toBe(SARIF_SCHEMA);
    expect(log.$schema).toBe("https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json");
    expect(log.runs).toHaveLength(1);
    const run = run0(log);
    const driver = run.tool.driver;
    expect(driver.name).toBe("permtrace");
    expect(driver.version).toBe(a.tool.version);
    // No repository URL in package.json: no informationUri.
    expect(driver.informationUri).toBeUndefined();
    const rules = driver.rules!;
    expect(rules.map((r) => r.id)).toEqual(a.rules.map((r) => r.id));
    const pre = rules.find((r) => r.id === "consent.pre_consent_collection")!;
    expect(pre.name).toBe("ConsentPreConsentCollection");
    expect(pre.shortDescription?.text).toBe("Personal information collected before the privacy policy was accepted");
    expect(pre.fullDescription?.text).toMatch(/privacy policy/);
    expect(pre.help?.text).toMatch(/^Basis:\n.*MIIT notice 164/s);
    expect(pre.properties).toMatchObject({ family: "consent", tags: ["privacy", "consent"], severity: "high", status: "evaluated" });
    // No rule cites an https reference today: no helpUri.
    expect(rules.every((r) => r.helpUri === undefined)).toBe(true);

    const results = run.results!;
    expect(results).toHaveLength(a.findings.length);
    expect(results.length).toBeGreaterThan(0);
    for (const [i, r] of results.entries()) {
      expect(rules[r.ruleIndex!]!.id).toBe(r.ruleId);
      expect(r.ruleId).toBe(a.findings[i]!.rule);
      expect(Object.keys(r.message)).toEqual(["text"]);
      expect(r.message.text).toBe(a.findings[i]!.message);
    }
    expect(run.invocations).toHaveLength(1);
    expect(run.invocations![0]!.executionSuccessful).toBe(true);
    expect(run.invocations![0]!.toolExecutionNotifications).toBeUndefined();
    expect(run.automationDetails?.id).toBe("permtrace/com.example.app/launch-accept/");
  });

  it("maps severities to levels: critical and high error, medium warning, low and info note", () => {
    expect(SEVERITIES.map((s) => [s, sarifLevel(s)])).toEqual([
      ["info", "note"],
      ["low", "note"],
      ["medium", "warning"],
      ["high", "error"],
      ["critical", "error"],
    ]);
    const a = analyzeDir(fixedDir());
    const run = run0(parse(renderSarif(a)));
    expect(run.results!.map((r) => r.level)).toEqual(a.findings.map((f) => sarifLevel(f.severity)));
    expect(run.results!.map((r) => r.level)).toEqual(["error", "warning", "warning"]);
    expect(run.tool.driver.rules!.map((r) => r.defaultConfiguration?.level)).toEqual(a.rules.map((r) => sarifLevel(r.severity)));
    expect(run.tool.driver.rules!.find((r) => r.id === "refusal.after_consent_rejected")!.defaultConfiguration?.level).toBe("error");
    expect(run.tool.driver.rules!.find((r) => r.id === "necessity.beyond_app_type")!.defaultConfiguration?.level).toBe("note");
  });

  it("locates a result at the responsible frame, a function inside the SDK's module; no physical location", () => {
    const a = analyzeDir(fixedDir());
    const out = renderSarif(a);
    const run = run0(parse(out));
    expect(out).not.toMatch(/physicalLocation|artifactLocation"\s*:\s*\{\s*"uri"\s*:\s*"file:/);
    const r = run.results![0]!;
    const loc = r.locations![0]!.logicalLocations![0]!;
    // The SDK's frame nearest the API: the code that collected.
    expect(loc).toEqual({ index: loc.index, fullyQualifiedName: "com.umeng.commonsdk.internal.a.b", kind: "function" });
    const fn = run.logicalLocations![loc.index!]!;
    expect(fn).toMatchObject({ name: "b", fullyQualifiedName: "com.umeng.commonsdk.internal.a.b", kind: "function" });
    const sdk = run.logicalLocations![fn.parentIndex!]!;
    expect(sdk).toMatchObject({ kind: "module", decoratedName: "sdk:umeng-common", fullyQualifiedName: "Umeng Common SDK (友盟基础组件)" });
    // The same frame is one cached logical location.
    expect(run.results![1]!.locations![0]!.logicalLocations![0]!.index).toBe(loc.index);
    expect(r.properties).toMatchObject({
      findingId: "F0001",
      party: { key: "sdk:umeng-common", kind: "sdk", sdkKind: "analytics" },
      category: "phone_identifiers",
      scenario: "launch-accept",
      count: 2,
      window: { startSec: 0.005, endSec: 0.006 },
      screenshot: "screenshots/0001-launch.png",
      attribution: { responsibleFrame: "com.umeng.commonsdk.internal.a.b(Unknown Source)", confidence: 0.95 },
    });
    expect(r.properties!.immediateCaller).toBeUndefined();
    expect(r.attachments).toEqual([{ description: { text: "nearest screenshot" }, artifactLocation: { uri: "screenshots/0001-launch.png", uriBaseId: "TRACEDIR" } }]);
    expect(run.originalUriBaseIds?.TRACEDIR).toBeDefined();
  });

  it("names an unknown third party as a namespace and the immediate caller when it differs", () => {
    const dir = new TraceBuilder()
      .mark(0, "consent_shown")
      .call(5, "telephony.TelephonyManager.getImei", "phone_identifiers", { from: ["a.b.c.d", "org.acme.tracker.Core.start"] })
      .close();
    const a = analyzeDir(dir);
    const run = run0(parse(renderSarif(a)));
    const r = run.results!.find((x) => x.ruleId === "consent.pre_consent_collection")!;
    const fn = run.logicalLocations![r.locations![0]!.logicalLocations![0]!.index!]!;
    expect(fn.fullyQualifiedName).toBe("org.acme.tracker.Core.start");
    expect(run.logicalLocations![fn.parentIndex!]).toMatchObject({ kind: "namespace", fullyQualifiedName: "org.acme.tracker", decoratedName: "pkg:org.acme.tracker" });
    // Obfuscated code nearest the API is the immediate caller; the named unknown package is responsible.
    expect(r.properties!.immediateCaller).toMatchObject({ key: "pkg:a" });
  });

  it("gives stable fingerprints: equal for two recordings of the same run, different between findings", () => {
    const one = run0(parse(renderSarif(analyzeDir(fixedDir()))));
    const two = run0(parse(renderSarif(analyzeDir(fixedDir()))));
    const prints = (r: Sarif.Run) => r.results!.map((x) => x.partialFingerprints![FINGERPRINT_KEY]!);
    expect(prints(one)).toEqual(prints(two));
    expect(new Set(prints(one)).size).toBe(one.results!.length);
    for (const p of prints(one)) expect(p).toMatch(/^[0-9a-f]{32}(:\d+)?$/);
    // Not the finding id or its times: a finding seen later in another recording keeps its fingerprint.
    const later = new TraceBuilder()
      .mark(0, "app_launch", { cold: true })
      .mark(0, "consent_shown")
      .mark(1, "scenario_start", { scenario: "launch-accept", needs: [] })
      .call(900, "telephony.TelephonyManager.getImei", "phone_identifiers", { from: UMENG })
      .close();
    const r = run0(parse(renderSarif(analyzeDir(later)))).results!.find((x) => x.ruleId === "consent.pre_consent_collection")!;
    expect(r.partialFingerprints![FINGERPRINT_KEY]).toBe(prints(one)[0]);
  });

  it("is byte-identical for two recordings of the same run once the recording time is equal", () => {
    const at = (a: Analysis): Analysis => ({ ...a, trace: { ...a.trace, startedAt: "2024-01-01T00:00:00.000Z" } });
    const x = renderSarif(at(analyzeDir(fixedDir())));
    expect(renderSarif(at(analyzeDir(fixedDir())))).toBe(x);
  });

  it("reports skipped and disabled rules in the invocation, never as results", () => {
    const a = analyzeDir(fixedDir(), { policy: "huawei-appgallery" });
    const run = run0(parse(renderSarif(a)));
    const inv = run.invocations![0]!;
    const rules = run.tool.driver.rules!;
    const skipped = a.rules.filter((r) => r.status === "skipped");
    const disabled = a.rules.filter((r) => r.status === "disabled");
    expect(skipped.length).toBeGreaterThan(0);
    expect(disabled.map((r) => r.id)).toEqual(["frequency.rate_per_second", "frequency.total_per_run", "necessity.beyond_app_type"]);
    expect(inv.toolConfigurationNotifications!.map((n) => n.associatedRule!.id)).toEqual(skipped.map((r) => r.id));
    for (const n of inv.toolConfigurationNotifications!) {
      expect(rules[n.associatedRule!.index!]!.id).toBe(n.associatedRule!.id);
      expect(n.message.text).toMatch(/was not evaluated: no app profile/);
    }
    expect(inv.ruleConfigurationOverrides!.map((o) => [o.descriptor.id, rules[o.descriptor.index!]!.id, o.configuration.enabled])).toEqual(disabled.map((r) => [r.id, r.id, false]));
    expect(rules.find((r) => r.id === "frequency.rate_per_second")!.properties).toMatchObject({ status: "disabled" });
    const evaluated = new Set(a.rules.filter((r) => r.status === "evaluated").map((r) => r.id));
    for (const r of run.results!) expect(evaluated.has(r.ruleId!)).toBe(true);
  });

  it("says when the trace is incomplete, once, as a tool execution notification", () => {
    const run = run0(parse(renderSarif(analyzeDir(fixedDir("recorder killed")))));
    const inv = run.invocations![0]!;
    // A run that did not finish is not a successful scan: said first, as an error notification.
    expect(inv.executionSuccessful).toBe(false);
    const notes = inv.toolExecutionNotifications!;
    expect(notes[0]).toMatchObject({ level: "error", message: { text: "INCOMPLETE: the run did not do all it was to do — not a clean result; findings cover what was recorded; the run did not finish cleanly (recorder killed)" }, properties: { status: "incomplete" } });
    expect(notes.filter((n) => /incomplete trace/.test(n.message.text!))).toHaveLength(1);
    expect(notes[1]).toMatchObject({ level: "warning", message: { text: "incomplete trace: recorder killed; findings cover what was recorded" }, properties: { traceComplete: false, incompleteReason: "recorder killed" } });
    expect(run.properties!.trace).toMatchObject({ complete: false });
  });

  it("neutralises hostile app strings: plain text only, no bidi overrides or control characters, braces escaped, bounded", () => {
    const long = "x".repeat(10_000);
    const hostile = `<script>alert(1)</script>\u202Egnp.exe{0}\u0007\u001b[31m\r\n# heading ${long}`;
    const dir = new TraceBuilder(`com.example.app`)
      .mark(0, "consent_shown")
      .mark(1, "scenario_start", { scenario: hostile, needs: [] })
      .mark(2, "screenshot", { path: `../../${hostile}.png` })
      .call(5, "telephony.TelephonyManager.getImei", "phone_identifiers", { from: [`org.evil\u202Etxt.${"y".repeat(10_000)}.Z.run`] })
      .call(6, "clipboard.ClipboardManager.getPrimaryClip", "clipboard", { from: ["com.umeng.commonsdk.internal.a.b"], args: [hostile], ret: hostile })
      .close(hostile);
    const a = analyzeDir(dir);
    expect(a.findings.length).toBeGreaterThan(1);
    expect(a.findings.some((f) => f.scenario === hostile)).toBe(true);
    const out = renderSarif(a);
    const log = parse(out);
    expect(out).not.toMatch(/[\u202A-\u202E\u2066-\u2069]/);
    expect(out).not.toContain(long);
    expect(out).not.toContain("y".repeat(1000));
    expect(out).not.toContain("markdown");
    expect(out.length).toBeLessThan(200_000);
    for (const [path, s] of strings(log)) {
      expect(s, path).not.toMatch(/[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/);
      if (!/\.help\.text$/.test(path)) expect(s, path).not.toMatch(/[\n\u2028\u2029]/);
      expect(s.length, path).toBeLessThanOrEqual(2002);
    }
    const run = run0(log);
    // Message text: braces doubled (§3.11.5 placeholders), the script tag left as inert plain text.
    const texts = run.results!.map((r) => r.message.text!).filter((t) => t.includes("script"));
    expect(texts.length).toBeGreaterThan(0);
    for (const t of texts) {
      expect(t).toContain("{{0}}");
      expect(t.replace(/\{\{|\}\}/g, "")).not.toMatch(/[{}]/);
    }
    // A screenshot path out of the trace directory is not offered as an attachment.
    expect(run.results!.every((r) => r.attachments === undefined)).toBe(true);
    expect(run.automationDetails!.id).toMatch(/^permtrace\/com\.example\.app\/[A-Za-z0-9._+-]+\/$/);
    expect(run.automationDetails!.id!.length).toBeLessThan(300);
    // The call's argument and return value are not carried at all.
    expect(out).not.toContain("\\u0007");
  });

  it("names policy and profile files without the analyst's directories", () => {
    const dir = fixedDir();
    const conf = tempDir("permtrace-sarif-conf-");
    mkdirSync(join(conf, "team"));
    writeFileSync(join(conf, "base.yaml"), "extends: strict\n");
    writeFileSync(join(conf, "team", "lab.yaml"), "extends: ../base.yaml\n");
    const a = analyzeDir(dir, { policy: join(conf, "team", "lab.yaml") });
    const withProfile: Analysis = { ...a, profile: { source: join(conf, "team", "app.yaml"), app: "com.example.app" } };
    expect(JSON.stringify(withProfile.policy)).toContain(conf);
    const out = renderSarif(withProfile);
    expect(out).not.toContain(conf);
    const props = run0(parse(out)).invocations![0]!.properties!;
    expect(props.policy).toEqual({ name: "lab.yaml", chain: ["strict", "base.yaml", "lab.yaml"] });
    expect(props.profile).toEqual({ source: "app.yaml", app: "com.example.app" });
  });

  it("shows invisible characters, with which one name passes for another", () => {
    expect(sarifText("com.umeng\u200B.commonsdk\u{E0041}")).toBe("com.umeng\uFFFD.commonsdk\uFFFD");
    const dir = new TraceBuilder().mark(0, "consent_shown").call(5, "telephony.TelephonyManager.getImei", "phone_identifiers", { from: ["com.umeng\u200B.commonsdk.UMConfigure.init"] }).close();
    const out = renderSarif(analyzeDir(dir));
    expect(out).not.toMatch(/\u200B|\\u200b/i);
    expect(out).toContain("com.umeng\uFFFD.commonsdk");
  });

  it("keeps identifier values out: no raw IMEI, with or without --show-values", () => {
    const imei = "861234567890123";
    const dir = new TraceBuilder()
      .mark(0, "consent_shown")
      .calls([5, 6], "telephony.TelephonyManager.getImei", "phone_identifiers", { from: UMENG, args: [imei], ret: imei })
      .close();
    expect(renderJson(analyzeDir(dir))).not.toContain(imei);
    // The fixture does carry the value: the JSON shows it when asked to.
    expect(renderJson(analyzeDir(dir, { showValues: true }))).toContain(imei);
    expect(renderSarif(analyzeDir(dir))).not.toContain(imei);
    expect(renderSarif(analyzeDir(dir, { showValues: true }))).not.toContain(imei);
  });
});

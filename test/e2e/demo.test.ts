/**
 * The end-to-end test: `permtrace demo` — the compiled agent in every process of the sample app
 * on the sandbox phone, the real runner, a real Appium server (fake driver), the reporter — and
 * the exact findings the sample app must produce.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import type { Finding } from "../../reports/rules/types.js";
import { forEachCall, openTrace } from "../../reports/trace/reader.js";
import { runDemo } from "../../runner/commands/demo.js";
import type { RunResult } from "../../runner/commands/run.js";
import { tempDir } from "../support/trace-builder.js";

/** rule, responsible party, category, scenario, count. */
type Row = [string, string, string | null, string | null, number];

const START_UP = ["first-launch", "map-deny", "map-allow", "background", "scan-crash", "after-crash", "reject", "reopen-after-reject"];

/** What the sample app does wrong, finding by finding (runner/sandbox/sample-app.ts says why). */
const EXPECTED: Row[] = [
  // Umeng and JPush start in Application.onCreate / the :push process before the dialog is answered;
  // the app reads the clipboard at its first resume, under the dialog.
  ...["first-launch", "reject"].flatMap((s): Row[] => [
    ["consent.pre_consent_collection", "sdk:umeng-common", "device_identifiers", s, 1],
    ["consent.pre_consent_collection", "sdk:umeng-common", "installed_apps", s, 1],
    ["consent.pre_consent_collection", "sdk:jpush", "phone_identifiers", s, 1],
    ["consent.pre_consent_collection", "sdk:jpush", "device_identifiers", s, 1],
    ["consent.pre_consent_collection", "app", "clipboard", s, 1],
  ]),
  // Rejected, the app is opened again: Umeng and JPush start all the same, and the clipboard is read.
  ["refusal.after_consent_rejected", "sdk:umeng-common", "device_identifiers", "reopen-after-reject", 1],
  ["refusal.after_consent_rejected", "sdk:umeng-common", "installed_apps", "reopen-after-reject", 1],
  ["refusal.after_consent_rejected", "sdk:jpush", "phone_identifiers", "reopen-after-reject", 1],
  ["refusal.after_consent_rejected", "sdk:jpush", "device_identifiers", "reopen-after-reject", 1],
  ["refusal.after_consent_rejected", "app", "clipboard", "reopen-after-reject", 1],
  // The map asks again at once after a denial (and again at the next launch, within 48 h).
  ["permission.rerequest_after_denial", "app", "permission_request", "map-deny", 2],
  // Denied twice, Umeng tries the last known location all the same (it throws: the attempt is the
  // evidence); the profile does not say Umeng uses location. The permission reaches these calls
  // through the real path: the agent's coverage message, then the sink.
  ["refusal.after_permission_denied", "sdk:umeng-common", "location", "map-deny", 1],
  ["disclosure.sdk_undeclared_category", "sdk:umeng-common", "location", null, 1],
  // GDT polls location every 30 s, in the background too, and is not on the published SDK list.
  ["frequency.periodic_polling", "sdk:tencent-gdt", "location", "background", 6],
  ["background.collection", "sdk:tencent-gdt", "location", "background", 6],
  // (Also unneeded in the background scenario: counted in the background finding, not a second one.)
  ["disclosure.undeclared_sdk", "sdk:tencent-gdt", null, null, 6],
  // Every cold start: Umeng and JPush both read the Android ID within a second; four launches in
  // the first minute make eight reads.
  ["frequency.rate_per_second", "all", "device_identifiers", "first-launch", 2],
  ["frequency.rate_per_minute", "all", "device_identifiers", "background", 8],
  // What the profile does not declare: JPush's IMEI attempts, the clipboard, the camera attempt.
  ["disclosure.sdk_undeclared_category", "sdk:jpush", "phone_identifiers", null, 8],
  ["disclosure.undeclared_category", "sdk:jpush", "phone_identifiers", null, 8],
  ["disclosure.undeclared_category", "app", "clipboard", null, 9],
  ["disclosure.undeclared_category", "app", "camera", null, 1],
  // A map app needs location only.
  ["necessity.beyond_app_type", "sdk:umeng-common", "device_identifiers", null, 8],
  ["necessity.beyond_app_type", "sdk:umeng-common", "installed_apps", null, 8],
  ["necessity.beyond_app_type", "sdk:jpush", "phone_identifiers", null, 8],
  ["necessity.beyond_app_type", "sdk:jpush", "device_identifiers", null, 8],
  ["necessity.beyond_app_type", "app", "clipboard", null, 9],
  // The start-up reads in every scenario, none of which needs them: one finding per party, category
  // and API across the scenarios where no stronger rule already reports them (before consent in
  // first-launch and reject, after the rejection in reopen-after-reject).
  ["scenario.unneeded_category", "sdk:umeng-common", "device_identifiers", null, 5],
  ["scenario.unneeded_category", "sdk:umeng-common", "installed_apps", null, 5],
  ["scenario.unneeded_category", "sdk:jpush", "phone_identifiers", null, 5],
  ["scenario.unneeded_category", "sdk:jpush", "device_identifiers", null, 5],
  // Once per resume: back from the background is a second one.
  ["scenario.unneeded_category", "app", "clipboard", null, 6],
  // Sign-in with the phone's number (first-launch, after consent, with the permission granted, a
  // declared use): a map app's basic function needs location only, so the read is beyond the type.
  ["necessity.beyond_app_type", "app", "phone_number", null, 1],
  // What left the phone. Umeng posts the MD5 of the Android ID (gzip, then AES, over TLS) at every
  // start: before consent in first-launch and reject, after the rejection in reopen-after-reject.
  // Umeng is on the sharing list, so its other sends (after consent) are fine.
  ["egress.identifier_before_consent", "sdk:umeng-common", null, null, 2],
  ["egress.after_refusal", "sdk:umeng-common", null, null, 1],
  // GDT sends the position it polled to its ad host at each poll: not on the sharing list.
  ["egress.undeclared_recipient", "sdk:tencent-gdt", null, null, 6],
];

const row = (f: Finding): Row => [f.rule, f.party.key, f.category ?? null, f.scenario ?? null, f.count];
const sorted = (rows: Row[]): Row[] => [...rows].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));

describe("permtrace demo (sandbox phone, sample app, real Appium)", () => {
  let r: RunResult;
  let again: RunResult;
  beforeAll(async () => {
    // How long it takes is measured by `npm run bench:demo`, not here.
    r = await runDemo({ out: join(tempDir(), "demo") });
    again = await runDemo({ out: join(tempDir(), "demo") });
  }, 120_000);

  it("runs every scenario; the crash ends its own scenario only", () => {
    expect(r.scenarios.map((s) => [s.scenario, s.status])).toEqual(START_UP.map((s) => [s, s === "scan-crash" ? "failed" : "ok"]));
    // The tap on Scan is the step that failed: the app died during it.
    expect(r.scenarios[4]!.failure).toMatchObject({ step: 1, action: "tapOn", error: expect.stringMatching(/process-terminated: FATAL EXCEPTION: main java.lang.RuntimeException: Fail to connect to camera service/) });
  });

  it("produces exactly the sample app's findings", () => {
    expect(sorted(r.report.analysis.findings.map(row))).toEqual(sorted(EXPECTED));
  });

  it("is the same run every time: simulated time, not the host's, stamps every call and marker", () => {
    // Hashes of identifier values use a salt per run; everything else is equal.
    const strip = (x: RunResult) => JSON.parse(JSON.stringify(x.report.analysis.findings, (k, v) => (k === "firstCall" ? undefined : v)));
    expect(strip(again)).toEqual(strip(r));
    expect(again.report.analysis.trace.duration).toBe(r.report.analysis.trace.duration);
  });

  it("places each finding where it happened on the timeline", () => {
    const trace = openTrace(r.trace);
    const at = (kind: string, scenario?: string) => trace.markers.filter((m) => m.kind === kind && (scenario === undefined || (m as { scenario?: string }).scenario === scenario)).map((m) => m.t);
    const findings = r.report.analysis.findings;
    // Pre-consent reads of the first launch end before the consent moment.
    const accepted = at("consent_accepted")[0]!;
    for (const f of findings.filter((x) => x.rule === "consent.pre_consent_collection" && x.scenario === "first-launch")) expect(f.window.end).toBeLessThan(accepted);
    // The background reads lie inside the background period.
    const bg = at("background")[0]!;
    const fg = at("foreground").find((t) => t > bg)!;
    const inBg = findings.find((x) => x.rule === "background.collection")!;
    expect(inBg.window.start).toBeGreaterThan(bg);
    expect(inBg.window.end).toBeLessThan(fg);
    // The reads after the rejection come after it, at the next launch.
    const rejected = at("consent_rejected")[0]!;
    for (const f of findings.filter((x) => x.rule === "refusal.after_consent_rejected")) expect(f.window.start).toBeGreaterThan(rejected);
  });

  it("names the period, the stack and the step of the polling", () => {
    const poll = r.report.analysis.findings.find((f) => f.rule === "frequency.periodic_polling")!;
    expect(poll.evidence.details).toMatchObject({ periodMs: 30_000, jitterMs: 0, occurrences: 6 });
    expect(poll.evidence.stack!.frames[poll.evidence.stack!.responsibleFrame]).toMatch(/^com\.qq\.e\.comm\./);
    expect(poll.evidence.step).toMatchObject({ scenario: "background", action: "background" });
    expect(poll.evidence.screenshot?.path).toMatch(/^screenshots\/.*background.*\.png$/);
  });

  it("reports one finding per behaviour: repeats across scenarios grouped, calls a stronger rule reports linked to it", () => {
    const findings = r.report.analysis.findings;
    const MIDDLE = ["map-deny", "map-allow", "background", "scan-crash", "after-crash"];
    for (const f of findings.filter((x) => x.rule === "scenario.unneeded_category")) {
      expect(f.scenarios).toEqual(MIDDLE);
      const occ = f.evidence.details!.occurrences as { scenario: string; count: number }[];
      expect(occ.map((o) => o.scenario)).toEqual(MIDDLE);
      expect(occ.reduce((n, o) => n + o.count, 0)).toBe(f.count);
    }
    // The start-up reads after the rejection are one critical finding that says they are also unneeded there.
    const rejected = findings.find((x) => x.rule === "refusal.after_consent_rejected" && x.party.key === "sdk:jpush" && x.category === "device_identifiers")!;
    expect(rejected.evidence.details!.alsoBreaks).toEqual([{ rule: "scenario.unneeded_category", count: 1, scenarios: ["reopen-after-reject"] }]);
    expect(rejected.message).toMatch(/; also scenario\.unneeded_category: 1 of these call\(s\) in scenario 'reopen-after-reject', which does not need the data$/);
    const bg = findings.find((x) => x.rule === "background.collection")!;
    expect(bg.evidence.details!.alsoBreaks).toEqual([{ rule: "scenario.unneeded_category", count: 6, scenarios: ["background"] }]);
  });

  it("flags nothing the app legitimately does", () => {
    const findings = r.report.analysis.findings;
    // The map's location reads (AMap, in scenarios that need location) and the app's own package info.
    expect(findings.filter((f) => f.party.key === "sdk:amap-location")).toEqual([]);
    expect(findings.filter((f) => f.category === "location" && f.scenario !== undefined && f.scenario.startsWith("map-") && f.party.key !== "sdk:umeng-common")).toEqual([]);
    expect(findings.filter((f) => f.party.key === "app" && f.category === "installed_apps")).toEqual([]);
    // Only Umeng tries location after the denial: the attempt, with the permission and when it was denied.
    const denied = findings.filter((f) => f.rule === "refusal.after_permission_denied");
    expect(denied.map((f) => [f.party.key, f.scenario])).toEqual([["sdk:umeng-common", "map-deny"]]);
    expect(denied[0]!.evidence.details).toMatchObject({ permission: "android.permission.ACCESS_FINE_LOCATION", threw: 1 });
    // Yet both legitimate uses are in the trace.
    const trace = openTrace(r.trace);
    const seen: string[] = [];
    forEachCall(trace, (e) => void seen.push(`${e.hook}|${e.args?.[0] ?? ""}|${e.own === true}`));
    expect(seen.some((s) => s.startsWith("location.LocationManager.requestLocationUpdates|"))).toBe(true);
    expect(seen.some((s) => s.startsWith("apps.PackageManager.getPackageInfo|com.permtrace.sample|"))).toBe(true);
  });

  it("is an incomplete report: the agent loaded, seven scenarios ran to the end, scan-crash failed at its tap", () => {
    const a = r.report.analysis;
    expect(a.status).toBe("incomplete");
    expect(a.evidence.agent.loaded).toBe(true);
    expect(a.evidence.agent.hooked).toBeGreaterThan(10);
    expect(a.evidence.planned).toBe(true);
    expect(a.evidence.scenarios.map((s) => [s.name, s.outcome])).toEqual(START_UP.map((s) => [s, s === "scan-crash" ? "failed" : "ok"]));
    expect(a.evidence.scenarios.find((s) => s.name === "scan-crash")).toMatchObject({ step: 1, action: "tapOn", error: expect.stringMatching(/FATAL EXCEPTION/) });
    expect(a.evidence.problems[0]).toMatch(/^the run did not finish cleanly \(the app's process \d+ ended/);
    expect(a.evidence.problems[1]).toMatch(/^scenario scan-crash failed at step 2 \(tapOn\): the app's process \d+ ended/);
    expect(a.evidence.problems).toHaveLength(2);
  });

  it("leaves an incomplete but readable trace that says it was made on the sandbox", async () => {
    const trace = openTrace(r.trace);
    expect(trace.manifest.complete).toBe(false);
    expect(trace.manifest.incompleteReason).toMatch(/FATAL EXCEPTION/);
    expect(trace.manifest.device).toMatchObject({ kind: "sandbox", apiLevel: 29 });
    expect(trace.skipped.total).toBe(0);
    // The :push process was instrumented through spawn gating, every launch.
    const pushStarts = trace.markers.filter((m) => m.kind === "process_start" && (m as { name?: string }).name === "com.permtrace.sample:push");
    expect(pushStarts).toHaveLength(START_UP.length);
    expect(r.report.analysis.trace.sandbox).toBe(true);
    const md = readFileSync(join(r.trace, "report", "summary.md"), "utf8");
    expect(md).toMatch(/Sandbox trace/);
    expect(existsSync(join(r.trace, "report", "findings.json"))).toBe(true);
    // The evidence report, made for the sandbox: it says so at the top.
    const html = readFileSync(join(r.trace, "report", "report.html"), "utf8");
    expect(html).toMatch(/SANDBOX/);
    expect(html).toMatch(/frequency\.(<wbr>)?periodic_polling/);
    // So do the CI and desk formats.
    const { renderJunit } = await import("../../reports/render/junit.js");
    const { renderFindingsCsv } = await import("../../reports/render/csv.js");
    expect(renderJunit(r.report.analysis)).toContain('<testsuites name="permtrace com.permtrace.sample (sandbox)"');
    expect(renderFindingsCsv(r.report.analysis).split("\r\n")[1]).toMatch(/,sandbox,incomplete,(|"\{.*\}")$/);
    const shots = readdirSync(join(r.trace, "screenshots"));
    expect(shots.length).toBeGreaterThan(10);
    // The phone's drawings of its screen: the consent dialog, home, the map, the permission dialog, the launcher…
    expect(new Set(shots.map((f) => readFileSync(join(r.trace, "screenshots", f), "base64"))).size).toBeGreaterThanOrEqual(5);
  });

  it("names what each flow carried, to whom and from which read", () => {
    const findings = r.report.analysis.findings;
    const trace = openTrace(r.trace);
    const calls = new Map<number, { hook: string; cat: string }>();
    forEachCall(trace, (e) => void calls.set(e.seq, { hook: e.hook, cat: e.cat }));
    const umeng = findings.find((f) => f.rule === "egress.identifier_before_consent")!;
    // Found in what Umeng handed to GZIPOutputStream, linked to its TLS write on the same thread.
    expect(umeng.evidence.details).toMatchObject({ host: "alog.umeng.com", tls: true, layer: "tls", identifiers: [{ kind: "android_id", enc: "md5-lower", where: "pre-encryption", conf: 0.6, readSeq: expect.any(Number) }] });
    expect((umeng.evidence.details!.recipient as { kind: string }).kind).toBe("sdk");
    const umengRead = (umeng.evidence.details!.identifiers as { readSeq: number }[])[0]!.readSeq;
    expect(calls.get(umengRead)?.hook).toBe("settings.Secure.getString.android_id");
    const gdt = findings.find((f) => f.rule === "egress.undeclared_recipient")!;
    expect(gdt.evidence.details).toMatchObject({ host: "mi.gdt.qq.com", tls: true, identifiers: [{ kind: "location", enc: "plain", where: "url", conf: 1 }], recipient: { kind: "unknown" } });
    expect(calls.get((gdt.evidence.details!.identifiers as { readSeq: number }[])[0]!.readSeq)?.hook).toBe("location.LocationManager.getLastKnownLocation");
  });

  it("flags no legitimate send: the sign-in to the app's own API, the map's tiles", () => {
    const findings = r.report.analysis.findings;
    expect(findings.filter((f) => f.rule.startsWith("egress.") && (f.party.key === "app" || f.party.key.startsWith("sdk:amap")))).toEqual([]);
    expect(findings.filter((f) => f.rule.startsWith("egress.") && /sample\.permtrace\.example|autonavi/.test(String(f.evidence.details?.host)))).toEqual([]);
    expect(findings.filter((f) => f.rule === "egress.shared_between_parties" || f.rule === "egress.cleartext")).toEqual([]);
    // Yet both are in the trace: the phone number in the sign-in's body, from the app's own read; tiles with nothing.
    const trace = openTrace(r.trace);
    const sends: { host?: string; matches?: readonly { kind: string; where: string; readSeq?: number }[] }[] = [];
    const reads = new Map<number, string>();
    forEachCall(trace, (e) => {
      reads.set(e.seq, e.hook);
      if (e.net) sends.push(e.net);
    });
    const signIn = sends.filter((n) => n.host === "api.sample.permtrace.example");
    expect(signIn).toHaveLength(1);
    expect(signIn[0]!.matches).toMatchObject([{ kind: "phone_number", enc: "plain", where: "body", conf: 1 }]);
    expect(reads.get(signIn[0]!.matches![0]!.readSeq!)).toBe("telephony.TelephonyManager.getLine1Number");
    const tiles = sends.filter((n) => n.host === "wprd01.is.autonavi.com");
    // Two tiles each time the map opens (map-deny, map-allow).
    expect(tiles).toHaveLength(4);
    for (const t of tiles) expect(t.matches).toBeUndefined();
  });

  it("redacts identifier values in its reports", () => {
    const json = readFileSync(join(r.trace, "report", "findings.json"), "utf8");
    expect(json).not.toContain("5a4d0b1e2c3f4a5b");
    expect(json).not.toContain("31.2304");
    expect(json).not.toContain("13800138000");
    expect(readFileSync(join(r.trace, "calls.jsonl"), "utf8")).not.toMatch(/5a4d0b1e2c3f4a5b|13800138000|867530012345670/);
  });
});

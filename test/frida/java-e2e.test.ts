/**
 * End to end on real Frida: one run of the Java target through the runner's own code path
 * (FridaBackend → instrumentApp → AgentSink → TraceWriter, the consent marker written through
 * the same writer when the harness reaches its consent point), then the built CLI's
 * `permtrace report` with a profile that declares only the SDKs the app publishes. The findings
 * must be what the harness did: Umeng's common SDK (com.umeng.commonsdk…, not in the profile)
 * read the Android ID before consent.
 *
 * Not covered: the harness waits for the agent before it does anything (the JVM must be running
 * before the bridge can instrument it), so start-up before Application.onCreate is not seen.
 */
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { APP_PACKAGE } from "./java/call-script.js";
import { recordJavaRun, type RecordedRun } from "./java/record-run.js";
import { jdk17, realSuite, REPO } from "./prereq.js";
import { closeAll } from "./shim/frida.js";
import { buildJavaTarget } from "./support/java-target.js";

const suite = realSuite("Java target end to end on real Frida (test/frida/java-e2e.test.ts)", ["frida", "jdk"]);

/** The app's published profile: it declares the Tencent location SDK, not Umeng. */
const PROFILE = `app: ${APP_PACKAGE}
name: Example App
appType: map_navigation
ownPackages: [${APP_PACKAGE}]
sdks:
  - name: 腾讯定位
    purpose: the user's position on the map
    categories: [location]
uses:
  - { category: location, purpose: the user's position on the map }
`;

interface Finding {
  readonly rule: string;
  readonly severity: string;
  readonly category?: string;
  readonly count?: number;
  readonly party: { readonly key: string };
  readonly evidence: { readonly stack?: { readonly frames: readonly string[] }; readonly details?: Record<string, unknown> };
}

describe.skipIf(!suite.run)("the Java target end to end: real Frida → trace → permtrace report", () => {
  let run: RecordedRun;
  let findings: Finding[];
  let stdout: string;

  beforeAll(async () => {
    const build = await buildJavaTarget(jdk17().javaHome!);
    run = await recordJavaRun(build, join(REPO, "dist", "agent", "permtrace-agent.js"));
    const profile = join(run.dir, "app.profile.yaml");
    writeFileSync(profile, PROFILE);
    // The built CLI, as a user runs it (exit 0: no --fail-on).
    stdout = execFileSync(process.execPath, [join(REPO, "bin", "permtrace.js"), "report", run.dir, "--profile", profile, "--format", "json,md"], { encoding: "utf8" });
    findings = (JSON.parse(readFileSync(join(run.dir, "report", "findings.json"), "utf8")) as { findings: Finding[] }).findings;
  });

  afterAll(async () => {
    await closeAll();
  });

  it("finds the undeclared SDK reading the Android ID before consent, with the SDK's own frame as evidence", () => {
    expect(stdout).toMatch(/finding/i);
    const pre = findings.filter((f) => f.rule === "consent.pre_consent_collection");
    expect(pre.map((f) => [f.party.key, f.category, f.count])).toEqual([["sdk:umeng-common", "device_identifiers", 1]]);
    expect(pre[0]!.evidence.stack!.frames[0]).toMatch(/^com\.umeng\.commonsdk\.statistics\.common\.DeviceConfig\.getAndroidId\(DeviceConfig\.java:\d+\)$/);
    expect((pre[0]!.evidence.details as { firstCall?: { ret?: string } }).firstCall?.ret).toMatch(/^hash:[0-9a-f]{12}$/);
    const undeclared = findings.filter((f) => f.rule === "disclosure.undeclared_sdk");
    expect(undeclared.map((f) => f.party.key)).toEqual(["sdk:umeng-common"]);
  });

  it("attributes everything else to the app itself and finds no collection by it before consent", () => {
    const parties = new Set(findings.map((f) => f.party.key));
    expect([...parties].sort()).toEqual(["app", "sdk:umeng-common"]);
    // After consent, in foreground: the app's own calls are not pre-consent collection.
    expect(findings.filter((f) => f.rule === "consent.pre_consent_collection" && f.party.key === "app")).toEqual([]);
    // The one call made in background (after onStop) is the app's location read.
    const bg = findings.filter((f) => f.rule.startsWith("background."));
    expect(bg.map((f) => [f.party.key, f.category])).toContainEqual(["app", "location"]);
  });
});

import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { execFileSync, spawnSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { EXIT, main } from "../../runner/cli.js";
import { tempDir, TraceBuilder, UMENG } from "../support/trace-builder.js";

async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const code = await main(["--log-level", "silent", ...argv], { out: (t) => void (out += t), err: (t) => void (err += t) });
  return { code, out, err };
}

function preConsentTrace(): string {
  return new TraceBuilder()
    .mark(0, "app_launch")
    .mark(0, "consent_shown")
    .call(5, "telephony.TelephonyManager.getImei", "phone_identifiers", { from: UMENG })
    .mark(10, "consent_accepted")
    .close();
}

const SANDBOX_RUN = ["--device", "sandbox", "--app", "com.permtrace.sample", "--scenarios", "scenarios/sample-app"];

function devicesFile(): string {
  const f = join(tempDir(), "devices");
  writeFileSync(f, "emulator-5554\n");
  return f;
}

describe("permtrace report (CLI)", () => {
  it("writes findings.json and summary.md into <trace>/report and prints a summary", async () => {
    const dir = preConsentTrace();
    const r = await cli("report", dir);
    expect(r.code).toBe(EXIT.ok);
    expect(r.err).toBe("");
    // The verdict first, then the findings line.
    expect(r.out).toMatch(/^FINDINGS: the run is complete and has findings\n  agent loaded \(1 hook\(s\) installed, 0 absent, 0 failed\) · 1 call\(s\) recorded · no scenario on the timeline \(the trace lists no plan\) · trace complete\n1 finding\(s\) \(1 high\) in 1 call of com\.example\.app/);
    const findings = JSON.parse(readFileSync(join(dir, "report", "findings.json"), "utf8"));
    expect(findings.findings[0].rule).toBe("consent.pre_consent_collection");
    expect(findings.findings[0].party.name).toMatch(/Umeng/);
    expect(readFileSync(join(dir, "report", "summary.md"), "utf8")).toContain("consent.pre_consent_collection");
  });

  it("--fail-on gates CI: exit 1 at or above the severity, 0 below", async () => {
    const dir = preConsentTrace();
    expect((await cli("report", dir, "--fail-on", "high")).code).toBe(EXIT.findings);
    expect((await cli("report", dir, "--fail-on", "critical")).code).toBe(EXIT.ok);
  });

  it("--out and --format choose where and what", async () => {
    const dir = preConsentTrace();
    const out = join(tempDir(), "r");
    expect((await cli("report", dir, "--out", out, "--format", "md")).code).toBe(EXIT.ok);
    expect(existsSync(join(out, "summary.md"))).toBe(true);
    expect(existsSync(join(out, "findings.json"))).toBe(false);
  });

  it("--format sarif writes findings.sarif, a SARIF 2.1.0 log with the finding", async () => {
    const dir = preConsentTrace();
    const r = await cli("report", dir, "--format", "sarif,html");
    expect(r.code).toBe(EXIT.ok);
    expect(r.out).toContain(join(dir, "report", "findings.sarif"));
    const sarif = JSON.parse(readFileSync(join(dir, "report", "findings.sarif"), "utf8"));
    expect(sarif.version).toBe("2.1.0");
    expect(sarif.runs[0].results.map((x: { ruleId: string }) => x.ruleId)).toContain("consent.pre_consent_collection");
    expect(existsSync(join(dir, "report", "report.html"))).toBe(true);
  });

  it("every user error is one line naming the file or flag and the fix, with its exit code", async () => {
    const dir = preConsentTrace();
    const cases: [string[], number, RegExp][] = [
      [["report", join(dir, "missing")], EXIT.input, /missing: trace directory not found — pass the directory/],
      [["report", dir, "--policy", "strcit"], EXIT.input, /--policy: 'strcit' is neither a policy file nor a built-in profile — did you mean 'strict'\?/],
      [["report", dir, "--format", "jsn"], EXIT.usage, /--format: unknown report format 'jsn' — did you mean 'json'\?/],
      [["report", dir, "--fail-on", "hgh"], EXIT.usage, /option '--fail-on <severity>' argument 'hgh' is invalid/],
      [["reprot", dir], EXIT.usage, /unknown command 'reprot'/],
      // The rough edges of issue 14: each was a hang, a stack, a wrong flag or a silent choice.
      [["report", dir, "--out", "/proc/permtrace-nope/r"], EXIT.input, /^permtrace: --out: \/proc\/permtrace-nope\/r cannot be created: \/proc does not take a new directory \(ENOENT\) — choose another --out\n$/],
      [["demo", "--out", "/proc/permtrace-nope"], EXIT.input, /^permtrace: --out: \/proc\/permtrace-nope cannot be created/],
      [["run", ...SANDBOX_RUN, "--out", "/proc/permtrace-nope/t"], EXIT.input, /^permtrace: --out: \/proc\/permtrace-nope\/t cannot be created/],
      [["run", ...SANDBOX_RUN, "--out", join(tempDir(), "t"), "--report", "pdf"], EXIT.usage, /^permtrace: --report: unknown report format 'pdf'/],
      [["run", ...SANDBOX_RUN, "--out", join(tempDir(), "t"), "--devices-file", devicesFile()], EXIT.usage, /^permtrace: --devices-file: --device and --devices-file both name the devices — give the devices one way/],
      [["diff", dir, dir, "--out", "/proc/permtrace-nope/d.txt"], EXIT.input, /^permtrace: --out: \/proc\/permtrace-nope is not a directory \(it does not exist\) — create it first, or choose another --out\n$/],
      [["diff", dir, dir, "--out", dir], EXIT.input, /^permtrace: --out: .* is a directory — name a file, e\.g\. --out .*\/diff\.txt\n$/],
      [["report", join(dir, "x\u202Egpj.exe\u001b[31m")], EXIT.input, /x\uFFFDgpj\.exe\?\[31m: trace directory not found/],
    ];
    for (const [argv, code, message] of cases) {
      const r = await cli(...argv);
      expect(r.code, argv.join(" ")).toBe(code);
      expect(r.err, argv.join(" ")).toMatch(message);
      expect(r.err.trim().split("\n").filter((l) => !l.startsWith("(Did you mean")), argv.join(" ")).toHaveLength(1);
      expect(r.err).not.toMatch(/\n\s+at /);
      expect(r.err, argv.join(" ")).not.toMatch(/[\u0000-\u0009\u000B-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/);
    }
  });

  it("a policy's unknown extends names the file and line; a wrong version says which is allowed", async () => {
    const dir = preConsentTrace();
    const policy = join(tempDir(), "p.yaml");
    writeFileSync(policy, "version: 1\nname: mine\nextends: stirct\n");
    const r = await cli("report", dir, "--policy", policy);
    expect(r.code).toBe(EXIT.input);
    expect(r.err).toBe(`permtrace: ${policy}:3: extends: 'stirct' is neither a policy file nor a built-in profile — did you mean 'strict'?\n`);
    writeFileSync(policy, "version: 2\n");
    const v = await cli("report", dir, "--policy", policy);
    expect(v.code).toBe(EXIT.input);
    expect(v.err).toBe(`permtrace: ${policy}:1:10: 'version' is 2, but only 1 is supported — write version: 1\n`);
  });

  it("an invalid policy file names its line", async () => {
    const dir = preConsentTrace();
    const policy = join(tempDir(), "p.yaml");
    writeFileSync(policy, "version: 1\nrules:\n  frequency.rate_per_minute:\n    limt: 3\n");
    const r = await cli("report", dir, "--policy", policy);
    expect(r.code).toBe(EXIT.input);
    expect(r.err.trim()).toBe(`permtrace: ${policy}:4:5: unknown key 'limt' in 'rules.frequency.rate_per_minute' — did you mean 'limit'?`);
  });

  it("an invalid app profile names its line", async () => {
    const dir = preConsentTrace();
    const profile = join(tempDir(), "app.yaml");
    writeFileSync(profile, "app: com.example.app\nappType: map_navigaton\n");
    const r = await cli("report", dir, "--profile", profile);
    expect(r.code).toBe(EXIT.input);
    expect(r.err.trim()).toBe(`permtrace: ${profile}:2: appType "map_navigaton" is not one of the 39 app types — did you mean 'map_navigation'?`);
  });

  it("a trace cut mid-write is still reported, with a warning", async () => {
    const dir = preConsentTrace();
    writeFileSync(join(dir, "calls.jsonl"), readFileSync(join(dir, "calls.jsonl"), "utf8") + '{"seq":2,"t":6,"ho');
    const r = await cli("report", dir);
    expect(r.code).toBe(EXIT.ok);
    const findings = JSON.parse(readFileSync(join(dir, "report", "findings.json"), "utf8"));
    expect(findings.trace.truncated).toBe(true);
    expect(findings.warnings.join("\n")).toMatch(/cut-off line/);
  });
});

describe("file system errors", () => {
  it("an unreadable calls file or an unwritable --out is one line naming the path", async () => {
    const { mkdirSync, rmSync } = await import("node:fs");
    const dir = preConsentTrace();
    rmSync(join(dir, "calls.jsonl"));
    mkdirSync(join(dir, "calls.jsonl"));
    const r = await cli("report", dir);
    expect(r.code).toBe(EXIT.input);
    expect(r.err.trim()).toMatch(/^permtrace: .*calls\.jsonl: not a regular file — a trace's JSONL files are plain files$/);

    const ok = preConsentTrace();
    const file = join(tempDir(), "a-file");
    writeFileSync(file, "");
    const w = await cli("report", ok, "--out", join(file, "sub"));
    expect(w.code).toBe(EXIT.input);
    expect(w.err.trim().split("\n")).toHaveLength(1);
    expect(w.err).toMatch(/a-file.*(not a directory|no such file|already exists)/);
  });
});

describe("permtrace hooks and validate", () => {
  it("lists the catalogue as text and JSON", async () => {
    const text = await cli("hooks");
    expect(text.code).toBe(EXIT.ok);
    expect(text.out).toMatch(/^telephony\.TelephonyManager\.getImei\s+phone_identifiers\s+READ_PRIVILEGED_PHONE_STATE/m);
    expect(text.out).toMatch(/native\.libc\.__system_property_get\.serial/);
    const json = JSON.parse((await cli("hooks", "--json")).out) as { hooks: { id: string }[] };
    expect(json.hooks.length).toBeGreaterThan(280);
    expect(new Set(json.hooks.map((h) => h.id)).size).toBe(json.hooks.length);
  });

  it("validates a suite, and names the line of a bad step", async () => {
    const ok = await cli("validate", "scenarios/examples/shop");
    expect(ok.code).toBe(EXIT.ok);
    expect(ok.out).toMatch(/^8 scenario\(s\), \d+ step\(s\) for com\.example\.shop: valid/);
    const { cpSync } = await import("node:fs");
    const dir = tempDir();
    cpSync("scenarios/examples/shop", dir, { recursive: true });
    writeFileSync(join(dir, "01-launch-accept.scenario.yaml"), "name: a\npurpose: p\nneeds: []\nsteps:\n  - lanch\n");
    const bad = await cli("validate", dir);
    expect(bad.code).toBe(EXIT.input);
    expect(bad.err.trim()).toBe(`permtrace: ${join(dir, "01-launch-accept.scenario.yaml")}:5: unknown step 'lanch' — did you mean 'launch'?`);
  });
});

describe("permtrace run (no device here)", () => {
  it("checks the suite first, then says exactly what is missing for the device path", async () => {
    const bad = await cli("run", "--app", "com.example.shop", "--scenarios", "scenarios/examples/nope", "--out", join(tempDir(), "t"));
    expect(bad.code).toBe(EXIT.input);
    expect(bad.err).toMatch(/scenario folder not found/);
    const wrongApp = await cli("run", "--app", "com.other", "--scenarios", "scenarios/examples/shop", "--out", join(tempDir(), "t"));
    expect(wrongApp.code).toBe(EXIT.usage);
    expect(wrongApp.err).toMatch(/--app: --app com.other is not the suite's app com.example.shop/);
    const out = join(tempDir(), "t");
    const noFrida = await cli("run", "--app", "com.example.shop", "--scenarios", "scenarios/examples/shop", "--out", out);
    expect(noFrida.code).toBe(EXIT.input);
    expect(noFrida.err.trim().split("\n")).toHaveLength(1);
    expect(noFrida.err).toMatch(/^permtrace: --device: cannot load frida: .* — frida \(the Node binding, an optional dependency\) is not installed: .*npm install frida@17\.18\.0/);
    expect(existsSync(out)).toBe(false);
  });
});

describe("permtrace demo and --device sandbox", () => {
  it("demo runs the sample app end to end and says where the trace and reports are", async () => {
    const out = join(tempDir(), "demo");
    const r = await cli("demo", "--out", out);
    expect(r.code).toBe(EXIT.ok);
    expect(r.err).toBe("");
    expect(r.out).toMatch(/^ok +first-launch$/m);
    expect(r.out).toMatch(/^FAILED scan-crash: step 2 \(tapOn\): the app's process \d+ ended \(process-terminated: FATAL EXCEPTION/m);
    expect(r.out).toMatch(/^trace incomplete: .*\(the sample app crashes on purpose in scan-crash\)$/m);
    // Not a gate: the demo exits 0, and says first that its report is incomplete and why.
    expect(r.out).toMatch(/^INCOMPLETE: the run did not do all it was to do — not a clean result; findings cover what was recorded\n  the run did not finish cleanly \(.*\)\n  scenario scan-crash failed at step 2 \(tapOn\): the app's process \d+ ended.*\n  agent loaded \(\d+ hook\(s\) installed, \d+ absent, 0 failed\) · \d+ call\(s\) recorded · scenarios: 7 ran to the end, 1 failed, 0 cut off, 0 never ran · trace incomplete\n\d+ finding/m);
    expect(r.out).toMatch(/^\d+ finding\(s\) \(\d+ critical, \d+ high, \d+ medium, \d+ low\) in \d+ calls of com\.permtrace\.sample$/m);
    // What left the device, in one line: the sample app's Umeng, GDT, sign-in and map-tile sends.
    expect(r.out).toMatch(/^\d+ send\(s\) in 4 flow\(s\) \(party → host\), 3 carrying identifiers: the reports' data-flow section$/m);
    expect(r.out).toContain(join(out, "report", "findings.json"));
    expect(r.out).toMatch(/demo done in [\d.]+ s \(sandbox phone, simulated time\)\. Trace: /);
    expect(existsSync(join(out, "manifest.json"))).toBe(true);
  }, 120_000);

  it("demo at --log-level silent writes nothing on stderr (Appium's start-up debug line came through)", () => {
    const out = join(tempDir(), "demo");
    const bin = spawnSync(process.execPath, [new URL("../../bin/permtrace.js", import.meta.url).pathname, "--log-level", "silent", "demo", "--out", out], { encoding: "utf8", timeout: 100_000 });
    expect(bin.status).toBe(EXIT.ok);
    expect(bin.stderr).toBe("");
  }, 120_000);

  it("demo refuses an --out that already holds a trace, without touching it", async () => {
    const out = join(tempDir(), "demo");
    await cli("demo", "--out", out);
    const before = readFileSync(join(out, "calls.jsonl"), "utf8");
    const again = await cli("demo", "--out", out);
    expect(again.code).toBe(EXIT.usage);
    expect(again.err).toMatch(/^permtrace: --out: the output directory already holds a trace — choose a new directory for each run\n$/);
    expect(readFileSync(join(out, "calls.jsonl"), "utf8")).toBe(before);
  }, 120_000);

  it("--device sandbox: one line for another app, or for mixing it with real devices", async () => {
    const other = await cli("run", "--device", "sandbox", "--app", "com.example.shop", "--scenarios", "scenarios/examples/shop", "--out", join(tempDir(), "t"));
    expect(other.code).toBe(EXIT.usage);
    expect(other.err.trim().split("\n")).toHaveLength(1);
    expect(other.err).toMatch(/^permtrace: --app: the sandbox phone has only com\.permtrace\.sample installed, not com\.example\.shop — use --app com\.permtrace\.sample/);
    const mixed = await cli("run", "--device", "sandbox", "--device", "emulator-5554", "--app", "com.permtrace.sample", "--scenarios", "scenarios/sample-app", "--out", join(tempDir(), "t"));
    expect(mixed.code).toBe(EXIT.usage);
    expect(mixed.err).toMatch(/^permtrace: --device: the sandbox phone cannot share a suite with other devices — run the sandbox on its own/);
  }, 60_000);

  it("validate prints a scenario's name without what a terminal would act on", async () => {
    const { cpSync } = await import("node:fs");
    const dir = tempDir();
    cpSync("scenarios/examples/shop", dir, { recursive: true });
    writeFileSync(join(dir, "01-launch-accept.scenario.yaml"), 'name: "a\\e]52;c;eA==\\a\\u202Eb"\npurpose: p\nneeds: []\nsteps:\n  - back\n');
    const r = await cli("validate", dir);
    expect(r.code).toBe(EXIT.ok);
    expect(r.out).not.toMatch(/[\u001b\u0007\u202e]/);
    expect(r.out).toContain("  a?]52;c;eA==?\uFFFDb: 1 step(s)");
  });

  it("validate accepts the sample app's suite", async () => {
    const r = await cli("validate", "scenarios/sample-app");
    expect(r.code).toBe(EXIT.ok);
    expect(r.out).toMatch(/^8 scenario\(s\), \d+ step\(s\) for com\.permtrace\.sample: valid/);
  });
});

describe("reports of a trace from someone else", () => {
  it("never writes through a symbolic link in the trace's report folder, nor a linked report folder", async () => {
    const dir = preConsentTrace();
    const victim = join(tempDir(), "bashrc");
    writeFileSync(victim, "mine\n");
    mkdirSync(join(dir, "report"));
    symlinkSync(victim, join(dir, "report", "summary.md"));
    const r = await cli("report", dir, "--format", "md");
    expect(r.code).toBe(EXIT.input);
    expect(r.err).toMatch(/^permtrace: .*summary\.md: is a symbolic link: a report is never written through one — remove the link, or pass --out <dir>\n$/);
    expect(readFileSync(victim, "utf8")).toBe("mine\n");

    const dir2 = preConsentTrace();
    const elsewhere = tempDir();
    symlinkSync(elsewhere, join(dir2, "report"));
    const r2 = await cli("report", dir2);
    expect(r2.code).toBe(EXIT.input);
    expect(r2.err).toMatch(/the trace's report folder is a symbolic link/);
    expect(readdirSync(elsewhere)).toEqual([]);
  });

  it("refuses a named pipe planted at a report path instead of waiting on it forever", async () => {
    const dir = preConsentTrace();
    mkdirSync(join(dir, "report"));
    execFileSync("mkfifo", [join(dir, "report", "summary.md")]);
    const r = await cli("report", dir, "--format", "md");
    expect(r.code).toBe(EXIT.input);
    expect(r.err).toMatch(/summary\.md: is a named pipe, not a file: a report is written to files only/);
  });

  it("refuses a manifest that is a named pipe or far too big, in one line, without waiting or reading it", async () => {
    const dir = preConsentTrace();
    rmSync(join(dir, "manifest.json"));
    execFileSync("mkfifo", [join(dir, "manifest.json")]);
    const r = await cli("report", dir);
    expect(r.code).toBe(EXIT.input);
    expect(r.err).toMatch(/^permtrace: .*manifest\.json: manifest\.json is not a regular file — a trace's manifest is a plain JSON file\n$/);
    // The same through the build, where a large trace's calls start being parsed before the manifest is checked.
    writeFileSync(join(dir, "calls.jsonl"), `${'{"seq":1,"t":1,"hook":"h.a","cat":"location","out":"returned","pid":1,"tid":1}\n'.repeat(60_000)}`);
    const bin = spawnSync(process.execPath, [new URL("../../bin/permtrace.js", import.meta.url).pathname, "report", dir], { encoding: "utf8", timeout: 20_000 });
    expect(bin.status).toBe(EXIT.input);
    expect(bin.stderr).toMatch(/manifest\.json is not a regular file/);

    const big = preConsentTrace();
    writeFileSync(join(big, "manifest.json"), " ".repeat(17 << 20));
    const r2 = await cli("report", big);
    expect(r2.code).toBe(EXIT.input);
    expect(r2.err).toMatch(/manifest\.json is 17 MiB: not a permtrace manifest/);
  }, 30_000);

  it("prints the app's package without what a terminal would act on", async () => {
    const dir = new TraceBuilder("com.evil\u001b]52;c;ZWNobyBoaQ==\u0007\u009b31m\u202Eapp").mark(0, "app_launch").close();
    const r = await cli("report", dir);
    expect(r.out).not.toMatch(/[\u001b\u0007\u009b\u202e]/);
    expect(r.out).toContain("com.evil?]52;c;ZWNobyBoaQ==??31m\uFFFDapp");
  });
});

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Ajv2020 } from "ajv/dist/2020.js";
import { describe, expect, it } from "vitest";
import { renderJson } from "../../reports/render/json.js";
import { rulesMarkdown } from "../../scripts/rules-doc.js";
import { SCHEMAS } from "../../scripts/schemas.js";
import { analyzeDir, GDT, TraceBuilder, UMENG } from "../support/trace-builder.js";

const ajv = new Ajv2020({ allErrors: true, strict: false });
const validator = (name: string) => ajv.compile(SCHEMAS[name]!);

function jsonl(dir: string, file: string): unknown[] {
  return readFileSync(join(dir, file), "utf8").trim().split("\n").map((l) => JSON.parse(l));
}

describe("published schemas", () => {
  it("docs/schema holds exactly what the code defines (run `npm run docs:schema` after a change)", () => {
    for (const [name, schema] of Object.entries(SCHEMAS)) {
      const onDisk = JSON.parse(readFileSync(join("docs/schema", name), "utf8"));
      expect(onDisk, name).toEqual(JSON.parse(JSON.stringify(schema)));
    }
    expect(readFileSync("docs/rules.md", "utf8")).toBe(rulesMarkdown());
  });

  it("a written trace validates against the trace schemas, and findings against the findings schema", () => {
    const dir = new TraceBuilder()
      .mark(0, "app_launch", { cold: true })
      .mark(0, "consent_shown")
      .call(5, "telephony.TelephonyManager.getImei", "phone_identifiers", { from: UMENG, perm: "android.permission.READ_PRIVILEGED_PHONE_STATE", ret: "hash:ab12" })
      .call(6, "settings.Secure.getString.android_id", "device_identifiers", { from: GDT, args: ["android_id"], ret: "raw-value" })
      .mark(10, "consent_accepted")
      .mark(11, "scenario_start", { scenario: "browse", needs: [] })
      .mark(12, "screenshot", { path: "screenshots/1.png" })
      .call(13, "location.LocationManager.getLastKnownLocation", "location", { from: GDT, out: "threw", exc: "java.lang.SecurityException" })
      .close();
    const manifest = JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8"));
    const checks: [string, unknown[]][] = [
      ["trace-manifest.schema.json", [manifest]],
      ["trace-call.schema.json", jsonl(dir, "calls.jsonl")],
      ["trace-stack.schema.json", jsonl(dir, "stacks.jsonl")],
      ["trace-marker.schema.json", jsonl(dir, "timeline.jsonl")],
    ];
    for (const [name, values] of checks) {
      const v = validator(name);
      for (const value of values) expect(v(value), `${name}: ${JSON.stringify(v.errors)}`).toBe(true);
    }
    const analysis = analyzeDir(dir);
    expect(analysis.findings.length).toBeGreaterThan(2);
    const v = validator("findings.schema.json");
    const doc = JSON.parse(renderJson(analysis));
    expect(v(doc), JSON.stringify(v.errors)).toBe(true);
    // Identifier values are redacted by default, shown on request.
    const f = analysis.findings.find((x) => x.category === "device_identifiers")!;
    expect((f.evidence.details as { firstCall: { ret: string } }).firstCall.ret).toBe("redacted:9");
    const shown = analyzeDir(dir, { showValues: true }).findings.find((x) => x.category === "device_identifiers")!;
    expect((shown.evidence.details as { firstCall: { ret: string } }).firstCall.ret).toBe("raw-value");
  });

  it("every example scenario validates against the published scenario schema", async () => {
    const { readdirSync } = await import("node:fs");
    const { parse } = await import("yaml");
    const v = validator("scenario.schema.json");
    const dir = "scenarios/examples/shop";
    const files = readdirSync(dir).filter((f) => f.endsWith(".scenario.yaml"));
    expect(files.length).toBe(8);
    for (const f of files) expect(v(parse(readFileSync(join(dir, f), "utf8"))), `${f}: ${JSON.stringify(v.errors)}`).toBe(true);
    expect(v(parse("name: s\npurpose: p\nneeds: []\nsteps: [{tapon: x}]"))).toBe(false);
  });

  it("the example policy and app profile validate", async () => {
    const { resolvePolicy } = await import("../../reports/policy/policy.js");
    const { loadAppProfile } = await import("../../reports/profile.js");
    expect(resolvePolicy("scenarios/examples/lab-policy.yaml").name).toBe("lab-default");
    expect(loadAppProfile("scenarios/examples/shop/app.profile.yaml").sdks).toHaveLength(4);
  });
});

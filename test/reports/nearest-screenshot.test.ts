import { describe, expect, it } from "vitest";
import { analyzeDir, ruleFindings, TraceBuilder, UMENG } from "../support/trace-builder.js";

describe("a finding's nearest screenshot", () => {
  it("is one taken in the finding's own scenario, even when the previous scenario's last one is nearer", () => {
    const dir = new TraceBuilder()
      .mark(0, "scenario_start", { scenario: "first" })
      .mark(0, "app_launch")
      .mark(0, "consent_shown")
      .mark(9_900, "screenshot", { path: "screenshots/first-end.png" })
      .mark(10_000, "scenario_end", { scenario: "first", status: "ok" })
      .mark(10_001, "scenario_start", { scenario: "second" })
      .call(10_050, "telephony.TelephonyManager.getImei", "phone_identifiers", { from: UMENG })
      .mark(10_500, "screenshot", { path: "screenshots/second-1.png" })
      .mark(11_000, "scenario_end", { scenario: "second", status: "ok" })
      .close();
    const [f] = ruleFindings(analyzeDir(dir), "consent.pre_consent_collection");
    expect(f?.scenario).toBe("second");
    expect(f?.evidence.screenshot?.path).toBe("screenshots/second-1.png");
  });

  it("is none rather than another scenario's when its scenario took none", () => {
    const dir = new TraceBuilder()
      .mark(0, "scenario_start", { scenario: "first" })
      .mark(0, "app_launch")
      .mark(0, "consent_shown")
      .mark(9_900, "screenshot", { path: "screenshots/first-end.png" })
      .mark(10_000, "scenario_end", { scenario: "first", status: "ok" })
      .mark(10_001, "scenario_start", { scenario: "second" })
      .call(10_050, "telephony.TelephonyManager.getImei", "phone_identifiers", { from: UMENG })
      .mark(11_000, "scenario_end", { scenario: "second", status: "ok" })
      .close();
    const [f] = ruleFindings(analyzeDir(dir), "consent.pre_consent_collection");
    expect(f?.scenario).toBe("second");
    expect(f?.evidence.screenshot).toBeUndefined();
  });
});

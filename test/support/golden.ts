import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { expect } from "vitest";
import { GDT, TraceBuilder, UMENG } from "./trace-builder.js";

/**
 * The fixed trace every format's golden output is made from: pre-consent Umeng IMEI reads, an ad
 * SDK reading location in a scenario that needs none. `reason` closes it as incomplete.
 */
export function fixedTraceDir(reason?: string): string {
  return new TraceBuilder()
    .mark(0, "app_launch", { cold: true })
    .mark(0, "consent_shown")
    .mark(1, "scenario_start", { scenario: "launch-accept", needs: [] })
    .mark(1, "step_start", { scenario: "launch-accept", step: 0, action: "launch" })
    .calls([5, 6], "telephony.TelephonyManager.getImei", "phone_identifiers", { from: UMENG, ret: "hash:ab12cd34ef56" })
    .mark(10, "screenshot", { path: "screenshots/0001-launch.png" })
    .mark(20, "consent_accepted")
    .call(30, "location.LocationManager.getLastKnownLocation", "location", { from: GDT, args: ["gps"] })
    // The scenario runs to the end, as planned: the report is complete, its status `findings`.
    .mark(40, "step_end", { scenario: "launch-accept", step: 0, action: "launch", status: "ok" })
    .mark(40, "scenario_end", { scenario: "launch-accept", status: "ok" })
    .plan(["launch-accept"])
    .close(reason);
}

/** Compares with a committed golden file in test/golden (PERMTRACE_UPDATE_GOLDEN=1 rewrites it). */
export function golden(name: string, actual: string): void {
  const path = new URL(`../golden/${name}`, import.meta.url).pathname;
  if (process.env.PERMTRACE_UPDATE_GOLDEN) writeFileSync(path, actual);
  expect(existsSync(path), `${path} missing: run the test with PERMTRACE_UPDATE_GOLDEN=1 to create it`).toBe(true);
  expect(actual).toBe(readFileSync(path, "utf8"));
}

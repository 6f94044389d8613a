import { describe, expect, it } from "vitest";
import { analyzeDir, TraceBuilder, UMENG } from "../support/trace-builder.js";

describe("the reported duration", () => {
  it("runs to the last scenario's end, not to the last call (a quiet background soak is part of the run)", () => {
    const dir = new TraceBuilder()
      .mark(0, "app_launch")
      .mark(0, "scenario_start", { scenario: "soak" })
      .call(1_000, "telephony.TelephonyManager.getImei", "phone_identifiers", { from: UMENG })
      .mark(300_000, "scenario_end", { scenario: "soak", status: "ok" })
      .close();
    expect(analyzeDir(dir).trace.duration).toBe(300_000);
  });
});

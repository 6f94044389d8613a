import { describe, expect, it } from "vitest";
import { analyzeDir, APP, GDT, ruleFindings, TraceBuilder, UMENG } from "../../support/trace-builder.js";

const RULE = "background.collection";
const LOC = "location.LocationManager.getLastKnownLocation";
const IMEI = "telephony.TelephonyManager.getImei";

/** Consent at 0, then what `add` writes. */
function trace(add: (b: TraceBuilder) => void) {
  const b = new TraceBuilder().consented(0);
  add(b);
  return analyzeDir(b.close());
}

/** Background at 10 s, one location read by the app at `t`. */
const readAfterBackground = (t: number) =>
  ruleFindings(
    trace((b) => b.mark(10_000, "background").call(t, LOC, "location", { from: APP })),
    RULE,
  );

describe("background.collection", () => {
  it("flags a read beyond the 1000 ms grace after a background marker", () => {
    const a = trace((b) => {
      b.mark(10_000, "background");
      b.mark(12_000, "screenshot", { path: "screenshots/home.png" });
      b.call(12_500, IMEI, "phone_identifiers", { from: UMENG });
      b.call(15_000, IMEI, "phone_identifiers", { from: UMENG });
    });
    const f = ruleFindings(a, RULE);
    expect(f).toHaveLength(1);
    const x = f[0]!;
    expect(x).toMatchObject({ severity: "high", category: "phone_identifiers", count: 2, window: { start: 12_500, end: 15_000 } });
    expect(x.party).toMatchObject({ key: "sdk:umeng-common", kind: "sdk" });
    expect(x.evidence.details).toMatchObject({ backgroundSince: 10_000, screenOff: false });
    expect(x.evidence.details!.source).toBeUndefined();
    expect(x.evidence.screenshot).toEqual({ t: 12_000, path: "screenshots/home.png" });
    expect(x.message).toContain("in background, first 3 s after the app left the foreground");
    const st = x.evidence.stack!;
    expect(st.frames[st.responsibleFrame]).toBe("com.umeng.commonsdk.internal.a.b(Unknown Source)");
  });

  it("grace boundary: 1000 ms after is not flagged, 1001 ms after is", () => {
    expect(readAfterBackground(10_000)).toEqual([]);
    expect(readAfterBackground(11_000)).toEqual([]);
    expect(readAfterBackground(11_001)).toHaveLength(1);
  });

  it("does not flag reads before the background marker or after foreground", () => {
    const a = trace((b) => {
      b.call(9000, LOC, "location");
      b.mark(10_000, "background");
      b.mark(20_000, "foreground");
      b.call(20_000, LOC, "location");
      b.call(30_000, LOC, "location");
    });
    expect(ruleFindings(a, RULE)).toEqual([]);
  });

  it("a relaunch brings the app back to the foreground", () => {
    const a = trace((b) => {
      b.mark(10_000, "background");
      b.mark(20_000, "app_launch", { cold: false });
      b.call(25_000, LOC, "location");
    });
    expect(ruleFindings(a, RULE)).toEqual([]);
  });

  it("does not flag meta categories in background", () => {
    const a = trace((b) => {
      b.mark(10_000, "background");
      b.call(15_000, "perm.Context.checkSelfPermission", "permission_check", { perm: "android.permission.CAMERA" });
    });
    expect(ruleFindings(a, RULE)).toEqual([]);
  });

  it("screen_off counts, after the same grace, with screenOff in details and message", () => {
    const a = trace((b) => {
      b.mark(10_000, "foreground");
      b.mark(20_000, "screen_off");
      b.call(20_900, LOC, "location", { from: GDT });
      b.call(22_000, LOC, "location", { from: GDT });
      b.mark(30_000, "screen_on");
      b.call(31_000, LOC, "location", { from: GDT });
    });
    const f = ruleFindings(a, RULE);
    expect(f).toHaveLength(1);
    expect(f[0]!).toMatchObject({ count: 1, window: { start: 22_000, end: 22_000 } });
    expect(f[0]!.party.key).toBe("sdk:tencent-gdt");
    expect(f[0]!.evidence.details).toMatchObject({ backgroundSince: 20_000, screenOff: true });
    expect(f[0]!.message).toContain("with the screen off");
  });

  it("gives separate findings per background period", () => {
    const a = trace((b) => {
      b.mark(10_000, "background");
      b.call(15_000, LOC, "location");
      b.mark(20_000, "foreground");
      b.mark(30_000, "background");
      b.call(35_000, LOC, "location");
      b.call(36_000, LOC, "location");
    });
    const f = ruleFindings(a, RULE);
    expect(f.map((x) => [x.evidence.details!.backgroundSince, x.count])).toEqual([
      [10_000, 1],
      [30_000, 2],
    ]);
  });

  it("a scenario's needsInBackground exempts that category only", () => {
    const a = trace((b) => {
      b.mark(1000, "scenario_start", { scenario: "run tracking", needs: ["location", "sensors"], needsInBackground: ["location"] });
      b.mark(10_000, "background");
      b.call(15_000, LOC, "location", { from: APP });
      b.call(15_500, "sensors.SensorManager.registerListener", "sensors", { from: APP });
    });
    const f = ruleFindings(a, RULE);
    expect(f).toHaveLength(1);
    expect(f[0]!.category).toBe("sensors");
    expect(f[0]!.scenario).toBe("run tracking");
  });

  it("a profile use declared with background: true exempts that category", () => {
    const b = new TraceBuilder().consented(0).mark(10_000, "background");
    b.call(15_000, LOC, "location").call(15_500, IMEI, "phone_identifiers");
    const a = analyzeDir(b.close(), { profile: { app: "com.example.app", uses: [{ category: "location", background: true }, { category: "phone_identifiers" }] } });
    expect(ruleFindings(a, RULE).map((x) => x.category)).toEqual(["phone_identifiers"]);
  });

  describe("without foreground/background markers", () => {
    it("an event with fg: false is flagged; details.source names the agent flag", () => {
      const a = trace((b) => {
        b.call(5000, LOC, "location", { fg: true });
        b.call(6000, LOC, "location", { fg: false });
        b.call(7000, LOC, "location");
      });
      const f = ruleFindings(a, RULE);
      expect(f).toHaveLength(1);
      expect(f[0]!).toMatchObject({ count: 1, window: { start: 6000, end: 6000 } });
      expect(f[0]!.evidence.details!.backgroundSince).toBeNull();
      expect(String(f[0]!.evidence.details!.source)).toMatch(/agent foreground flag/);
      expect(f[0]!.message).not.toContain("after the app left the foreground");
    });

    it("the agent flag is ignored once the timeline has foreground/background markers", () => {
      const a = trace((b) => {
        b.mark(1000, "foreground");
        b.call(6000, LOC, "location", { fg: false });
      });
      expect(ruleFindings(a, RULE)).toEqual([]);
    });
  });
});

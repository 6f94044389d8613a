import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Category } from "../../../reports/trace/categories.js";
import { prng } from "../../../scripts/synthetic.js";
import { analyzeDir, APP, GDT, ruleFindings, tempDir, TraceBuilder, UMENG, type AnalyzeDirOpts, type CallOpts } from "../../support/trace-builder.js";

const SEC = "frequency.rate_per_second";
const MIN = "frequency.rate_per_minute";
const RUN = "frequency.total_per_run";
const POLL = "frequency.periodic_polling";

const LOC = "location.LocationManager.getLastKnownLocation";
const ANDROID_ID = "settings.Secure.getString.android_id";
const AMAP = ["com.amap.api.location.AMapLocationClient.getLastKnownLocation", "com.example.app.MapActivity.onResume"];

/** Consent at 0 (one app run), then the calls. */
function trace(add: (b: TraceBuilder) => void, opts: AnalyzeDirOpts = {}) {
  const b = new TraceBuilder().consented(0);
  add(b);
  return analyzeDir(b.close(), opts);
}

function reads(times: readonly number[], cat: Category = "location", o: CallOpts = {}, opts: AnalyzeDirOpts = {}) {
  return trace((b) => b.calls(times, cat === "location" ? LOC : ANDROID_ID, cat, o), opts);
}

const every = (periodMs: number, n: number, start = 0): number[] => Array.from({ length: n }, (_, i) => start + i * periodMs);

function policyFile(yaml: string): string {
  const path = join(tempDir(), "policy.yaml");
  writeFileSync(path, yaml);
  return path;
}


describe("frequency.rate_per_second (strict: 1)", () => {
  it("flags 2 calls 999 ms apart", () => {
    const f = ruleFindings(reads([5000, 5999], "location", { from: APP }), SEC);
    expect(f).toHaveLength(1);
    expect(f[0]!).toMatchObject({ severity: "medium", category: "location", count: 2, window: { start: 5000, end: 5999 } });
    expect(f[0]!.party.key).toBe("app");
    expect(f[0]!.evidence.details).toMatchObject({ observed: 2, limit: 1, peakAt: 5999 });
    expect(f[0]!.message).toContain("2 times within one second (limit 1)");
  });

  it("does not flag 2 calls 1000 ms apart (the window is (t − 1000, t])", () => {
    expect(ruleFindings(reads([5000, 6000]), SEC)).toEqual([]);
  });

  it("reports the highest count in any window", () => {
    const f = ruleFindings(reads([0, 2000, 2100, 2200, 2300, 9000]), SEC);
    expect(f[0]!.evidence.details).toMatchObject({ observed: 4, peakAt: 2300 });
    // The finding cites the busiest second itself, not the whole stream.
    expect(f[0]!.count).toBe(4);
    expect(f[0]!.window).toEqual({ start: 2000, end: 2300 });
    expect(f[0]!.evidence.events).toEqual([2, 3, 4, 5]);
  });

  it("two SDKs each under the limit but together over → one finding for all parties", () => {
    const a = trace((b) => {
      b.call(1000, LOC, "location", { from: UMENG });
      b.call(1500, LOC, "location", { from: GDT });
    });
    const f = ruleFindings(a, SEC);
    expect(f).toHaveLength(1);
    expect(f[0]!.party).toMatchObject({ key: "all", kind: "unattributed", name: "several parties together" });
    expect(f[0]!.category).toBe("location");
    expect(f[0]!.window.start).toBe(1000);
    expect(f[0]!.evidence.details).toMatchObject({ observed: 2, limit: 1, peakAt: 1500 });
    // Each party's calls in the busiest second, not over the whole trace.
    expect(f[0]!.message).toContain("several parties together (Umeng Common SDK (友盟基础组件) 1, Tencent Ads / YLH (优量汇, GDT) 1) read location 2 times within one second");
    expect(f[0]!.evidence.details!.parties).toEqual([
      { party: "Umeng Common SDK (友盟基础组件)", key: "sdk:umeng-common", calls: 1 },
      { party: "Tencent Ads / YLH (优量汇, GDT)", key: "sdk:tencent-gdt", calls: 1 },
    ]);
  });

  it("names each party's calls in the busiest window, not its total over the trace", () => {
    const a = trace((b) => {
      // Umeng earlier, alone (never over 1 per second): its whole-trace total is 3, its share of the busiest second 1.
      b.call(0, LOC, "location", { from: UMENG });
      b.call(3000, LOC, "location", { from: UMENG });
      b.call(10_000, LOC, "location", { from: GDT });
      b.call(10_100, LOC, "location", { from: UMENG });
      b.call(10_200, LOC, "location", { from: APP });
    });
    const f = ruleFindings(a, SEC).find((x) => x.party.key === "all")!;
    expect(f.count).toBe(3);
    expect((f.evidence.details!.parties as { key: string; calls: number }[]).map((p) => [p.key, p.calls]).sort()).toEqual([["app", 1], ["sdk:tencent-gdt", 1], ["sdk:umeng-common", 1]]);
  });

  // Once one party is over a metric's limit, the all-parties counter stops counting — but only when
  // that holds for every limited metric: here Umeng alone is over the per-second limit early, while
  // the per-minute count is over only for Umeng and GDT together, later.
  it("keeps counting all parties together for a metric no single party is over yet", () => {
    const a = trace((b) => {
      b.calls([1000, 1100], LOC, "location", { from: UMENG });
      b.calls(every(5000, 6, 10_000), LOC, "location", { from: UMENG });
      b.calls(every(5000, 6, 12_000), LOC, "location", { from: GDT });
    });
    const sec = ruleFindings(a, SEC);
    expect(sec.map((f) => f.party.key)).toEqual(["sdk:umeng-common"]);
    const min = ruleFindings(a, MIN);
    expect(min.map((f) => f.party.name)).toEqual(["several parties together"]);
    expect(min[0]!.evidence.details).toMatchObject({ observed: 14, limit: 10 });
  });

  // Regression: the all-parties finding borrows its busiest party's evidence; its details must not
  // end up in that party's own finding of another rate rule.
  it("an all-parties finding in one rule does not leak its details into a party's finding in another", () => {
    const a = trace((b) => {
      b.calls(every(10_000, 5, 1000), ANDROID_ID, "device_identifiers", { from: UMENG });
      b.call(1500, ANDROID_ID, "device_identifiers", { from: GDT });
    });
    expect(ruleFindings(a, SEC).map((x) => x.party.key)).toEqual(["all"]);
    const own = ruleFindings(a, MIN).find((x) => x.party.key === "sdk:umeng-common")!;
    expect(own.evidence.details).toMatchObject({ observed: 5, limit: 4 });
    expect(own.evidence.details!.parties).toBeUndefined();
  });

  it("does not add an all-parties finding when one party alone explains it", () => {
    const a = trace((b) => {
      b.calls([1000, 1100], LOC, "location", { from: UMENG });
      b.call(1500, LOC, "location", { from: GDT });
    });
    const f = ruleFindings(a, SEC);
    expect(f.map((x) => x.party.key)).toEqual(["sdk:umeng-common"]);
  });

  it("exempts the app in a scenario that needs the category, not an ads SDK", () => {
    const a = trace((b) => {
      b.mark(500, "scenario_start", { scenario: "map", needs: ["location"] });
      b.calls([1000, 1100], LOC, "location", { from: APP });
      b.calls([3000, 3100], LOC, "location", { from: GDT });
    });
    const f = ruleFindings(a, SEC);
    expect(f.map((x) => x.party.key)).toEqual(["sdk:tencent-gdt"]);
    expect(f[0]!.scenario).toBe("map");
  });
});

describe("frequency.rate_per_minute (strict: identifiers 4)", () => {
  it("4 Android ID reads in a minute do not flag, 5 do", () => {
    expect(ruleFindings(reads(every(10_000, 4), "device_identifiers"), MIN)).toEqual([]);
    const f = ruleFindings(reads(every(10_000, 5), "device_identifiers"), MIN);
    expect(f).toHaveLength(1);
    expect(f[0]!.category).toBe("device_identifiers");
    expect(f[0]!.evidence.details).toMatchObject({ observed: 5, limit: 4, peakAt: 40_000 });
    expect(f[0]!.message).toContain("5 times within one minute (limit 4)");
  });

  it("5 reads spanning exactly 60 s are only 4 in any window", () => {
    expect(ruleFindings(reads(every(15_000, 5), "device_identifiers"), MIN)).toEqual([]);
    expect(ruleFindings(reads(every(14_999, 5), "device_identifiers"), MIN)).toHaveLength(1);
  });

  it("other categories get the default limit of 10", () => {
    expect(ruleFindings(reads(every(5000, 10)), MIN)).toEqual([]);
    expect(ruleFindings(reads(every(5000, 11)), MIN)).toHaveLength(1);
  });

  it("a per-hook limit from a policy file is counted per party and hook", () => {
    const policy = policyFile(`rules:\n  ${MIN}:\n    hooks:\n      "${LOC}": 2\n`);
    const f = ruleFindings(reads(every(5000, 3), "location", { from: GDT }, { policy }), MIN);
    expect(f).toHaveLength(1);
    expect(f[0]!.party.key).toBe("sdk:tencent-gdt");
    expect(f[0]!.evidence.details).toMatchObject({ observed: 3, limit: 2, hook: LOC });
  });
});

describe("per-rule exemption settings", () => {
  const appInNeedingScenario = (policy: string) =>
    trace(
      (b) => {
        b.mark(500, "scenario_start", { scenario: "login", needs: ["device_identifiers"] });
        b.calls(every(10_000, 5, 1000), ANDROID_ID, "device_identifiers", { from: APP });
      },
      { policy },
    );

  it("exemptWhenNeeded: false on rate_per_second stops the exemption", () => {
    const policy = policyFile(`rules:\n  ${SEC}:\n    exemptWhenNeeded: false\n`);
    const a = trace((b) => b.mark(500, "scenario_start", { scenario: "map", needs: ["location"] }).calls([1000, 1100], LOC, "location", { from: APP }), { policy });
    expect(ruleFindings(a, SEC).map((x) => x.party.key)).toEqual(["app"]);
  });

  it("exemptWhenNeeded: false on rate_per_minute stops the exemption for that rule", () => {
    const policy = policyFile(`rules:\n  ${MIN}:\n    exemptWhenNeeded: false\n`);
    expect(ruleFindings(appInNeedingScenario(policy), MIN)).toHaveLength(1);
  });
});

describe("frequency.total_per_run (strict: identifiers 3)", () => {
  it("3 reads per run across two runs do not flag; 4 in one run do", () => {
    const two = trace((b) => {
      b.calls(every(20_000, 3, 1000), ANDROID_ID, "device_identifiers");
      b.mark(100_000, "app_launch", { cold: false });
      b.calls(every(20_000, 3, 101_000), ANDROID_ID, "device_identifiers");
    });
    expect(ruleFindings(two, RUN)).toEqual([]);
    const four = trace((b) => {
      b.calls(every(20_000, 3, 1000), ANDROID_ID, "device_identifiers");
      b.mark(100_000, "app_launch", { cold: false });
      b.calls(every(20_000, 4, 101_000), ANDROID_ID, "device_identifiers");
    });
    const f = ruleFindings(four, RUN);
    expect(f).toHaveLength(1);
    expect(f[0]!.evidence.details).toMatchObject({ observed: 4, limit: 3, run: 2 });
    expect(f[0]!.message).toContain("4 times in one app run (limit 3)");
  });

  it("has no limit for non-identifier categories", () => {
    expect(ruleFindings(reads(every(20_000, 8)), RUN)).toEqual([]);
  });
});

describe("frequency.periodic_polling", () => {
  const poll = (times: readonly number[], from: readonly string[] = AMAP) => ruleFindings(reads(times, "location", { from }), POLL);

  it("finds an SDK reading location every 30 s for 10 minutes", () => {
    const f = poll(every(30_000, 21, 10_000));
    expect(f).toHaveLength(1);
    const x = f[0]!;
    expect(x.party).toMatchObject({ key: "sdk:amap-location", kind: "sdk" });
    expect(x).toMatchObject({ severity: "high", category: "location", count: 21, window: { start: 10_000, end: 610_000 } });
    expect(x.evidence.details).toMatchObject({ periodMs: 30_000, jitterMs: 0, occurrences: 21, start: 10_000, end: 610_000 });
    expect(x.message).toContain("every 30 s");
    expect(x.message).toContain(LOC);
  });

  it("still finds it with ±1 s of jitter", () => {
    const r = prng(42);
    const times = every(30_000, 21, 10_000).map((t) => Math.round(t + (r() - 0.5) * 2000));
    const f = poll(times);
    expect(f).toHaveLength(1);
    expect(Math.abs(Number(f[0]!.evidence.details!.periodMs) - 30_000)).toBeLessThan(500);
    expect(Number(f[0]!.evidence.details!.jitterMs)).toBeLessThanOrEqual(2000);
    expect(f[0]!.message).toContain("every 30 s");
  });

  it("does not call random (seeded Poisson) traffic periodic", () => {
    for (let seed = 1; seed <= 5; seed++) {
      const r = prng(seed);
      const times: number[] = [];
      let t = 0;
      for (let i = 0; i < 40; i++) times.push((t += Math.round(-Math.log(1 - r()) * 30_000)));
      expect(poll(times), `seed ${seed}`).toEqual([]);
    }
  });

  // Issue 13: a 30 s poll whose beats jitter by a few seconds and that misses two beats in a row
  // (a delayed worker thread, the device dozing) was missed.
  it("finds a 30 s poll jittered by up to ±4 s with two and three beats missing in a row, period and dispersion from the whole series", () => {
    const r = prng(13);
    const slots = [0, 1, 2, 3, 4, 7, 8, 9, 10, 11, 12, 16, 17, 18, 19, 20];
    const f = poll(slots.map((k) => Math.round(10_000 + k * 30_000 + (r() * 2 - 1) * 4000)));
    expect(f).toHaveLength(1);
    const d = f[0]!.evidence.details!;
    expect(d).toMatchObject({ beats: 16, occurrences: 16, missing: 5, episodes: 1 });
    expect(Math.abs(Number(d.periodMs) - 30_000)).toBeLessThan(300);
    expect(Number(d.dispersionMs)).toBeGreaterThan(500);
    expect(Number(d.dispersionMs)).toBeLessThanOrEqual(Number(d.jitterMs));
    expect(f[0]!.message).toMatch(/every 30 s \(16 times over \d+ s, 5 missed, jitter ±\d\.\d s\)/);
  });

  it("does not call a user's returns to the app (irregular, a few reads each) polling", () => {
    const r = prng(5);
    const times: number[] = [];
    let t = 0;
    for (let i = 0; i < 40; i++) {
      t += 20_000 + -Math.log(1 - r()) * 100_000;
      times.push(Math.round(t), Math.round(t + 120));
    }
    expect(poll(times)).toEqual([]);
  });

  it("the policy's relTolerance and maxMissedFraction govern: a ±10 % poll is not one at ±5 %; missed beats split it at 0", () => {
    const r = prng(21);
    const jittered = every(30_000, 30, 10_000).map((t) => Math.round(t + (r() * 2 - 1) * 3000));
    expect(poll(jittered)).toHaveLength(1);
    const tight = policyFile(`rules:\n  ${POLL}:\n    relTolerance: 0.05\n`);
    expect(ruleFindings(reads(jittered, "location", { from: AMAP }, { policy: tight }), POLL)).toEqual([]);
    const gappy = every(30_000, 30, 10_000).filter((_, i) => i !== 14);
    expect(poll(gappy)[0]!.evidence.details).toMatchObject({ beats: 29, missing: 1 });
    const none = policyFile(`rules:\n  ${POLL}:\n    maxMissedFraction: 0\n`);
    const split = ruleFindings(reads(gappy, "location", { from: AMAP }, { policy: none }), POLL);
    expect(split[0]!.evidence.details).toMatchObject({ beats: 15, missing: 0, episodes: 2 });
  });

  it("miit-164 reports periods up to a minute only", () => {
    const policy = "miit-164";
    expect(ruleFindings(reads(every(60_000, 12), "location", { from: AMAP }, { policy }), POLL)).toHaveLength(1);
    expect(ruleFindings(reads(every(120_000, 12), "location", { from: AMAP }, { policy }), POLL)).toEqual([]);
  });

  it("finds a 2 s period (MIIT 'every 2 s')", () => {
    const f = poll(every(2000, 40, 5000), GDT);
    expect(f).toHaveLength(1);
    expect(f[0]!.evidence.details!.periodMs).toBe(2000);
    expect(f[0]!.message).toContain("every 2 s");
  });

  it("needs enough occurrences: 5 reads 30 s apart are not polling", () => {
    expect(poll(every(30_000, 5))).toEqual([]);
  });

  it("exempts the app polling in a scenario that needs location, not an ads SDK", () => {
    const a = trace((b) => {
      b.mark(1000, "scenario_start", { scenario: "navigate", needs: ["location"] });
      b.calls(every(30_000, 21, 2000), LOC, "location", { from: APP });
      b.calls(every(30_000, 21, 2500), LOC, "location", { from: GDT });
    });
    const f = ruleFindings(a, POLL);
    expect(f.map((x) => x.party.key)).toEqual(["sdk:tencent-gdt"]);
    expect(f[0]!.scenario).toBe("navigate");
  });

  it("the same app polling outside that scenario is found", () => {
    const f = poll(every(30_000, 21, 2000), APP);
    expect(f.map((x) => x.party.key)).toEqual(["app"]);
  });
});

describe("huawei-appgallery policy", () => {
  const policy = "huawei-appgallery";

  it("Android ID 5 times in a minute flags, 4 does not", () => {
    expect(ruleFindings(reads(every(10_000, 4), "device_identifiers", {}, { policy }), MIN)).toEqual([]);
    const f = ruleFindings(reads(every(10_000, 5), "device_identifiers", {}, { policy }), MIN);
    expect(f).toHaveLength(1);
    expect(f[0]!.evidence.details).toMatchObject({ observed: 5, limit: 4 });
  });

  it("limits the Android ID hook, not OAID or other identifiers", () => {
    const a = trace((b) => b.calls(every(10_000, 6), "oaid.MdidSdkHelper.getOAID", "device_identifiers").calls(every(10_000, 6), "telephony.TelephonyManager.getImei", "phone_identifiers"), { policy });
    expect(ruleFindings(a, MIN)).toEqual([]);
  });

  it("has no per-minute limit for other categories and no per-second or per-run rule", () => {
    const a = reads(every(500, 30), "location", {}, { policy });
    expect(ruleFindings(a, MIN)).toEqual([]);
    expect(ruleFindings(a, SEC)).toEqual([]);
    expect(a.rules.find((r) => r.id === SEC)!.status).toBe("disabled");
    expect(a.rules.find((r) => r.id === RUN)!.status).toBe("disabled");
  });
});

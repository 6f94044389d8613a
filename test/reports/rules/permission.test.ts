import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { analyzeDir, APP, GDT, ruleFindings, tempDir, TraceBuilder, type AnalyzeDirOpts } from "../../support/trace-builder.js";

const BUNDLED = "permission.bundled_at_launch";
const REREQUEST = "permission.rerequest_after_denial";
const UNNEEDED = "permission.request_unneeded";

const P = "android.permission.";
const FINE = `${P}ACCESS_FINE_LOCATION`;
const COARSE = `${P}ACCESS_COARSE_LOCATION`;
const CONTACTS = `${P}READ_CONTACTS`;
const CAMERA = `${P}CAMERA`;
const HOUR = 3_600_000;
const REQ = "perm.Activity.requestPermissions";

/** Launch at 0 with consent, then what `add` writes. */
function trace(add: (b: TraceBuilder) => void, opts: AnalyzeDirOpts = {}) {
  const b = new TraceBuilder().consented(0);
  add(b);
  return analyzeDir(b.close(), opts);
}

const request = (b: TraceBuilder, t: number, perms: readonly string[], from: readonly string[] = APP) => b.call(t, REQ, "permission_request", { req: perms, from });

function policyFile(yaml: string): string {
  const path = join(tempDir(), "policy.yaml");
  writeFileSync(path, yaml);
  return path;
}


describe("permission.bundled_at_launch (10 s, 1 group)", () => {
  it("flags 2 groups requested within 10 s of app_launch", () => {
    const a = trace((b) => {
      request(b, 1000, [FINE]);
      request(b, 5000, [CONTACTS]);
    });
    const f = ruleFindings(a, BUNDLED);
    expect(f).toHaveLength(1);
    expect(f[0]!).toMatchObject({ severity: "medium", category: "permission_request", count: 2, window: { start: 1000, end: 5000 } });
    expect(f[0]!.evidence.details).toMatchObject({
      run: 1,
      groups: ["android.permission-group.LOCATION", "android.permission-group.CONTACTS"],
      permissions: [FINE, CONTACTS],
      windowSec: 10,
      maxGroups: 1,
    });
    expect(f[0]!.message).toContain("2 permission groups requested within 10 s of launch (Location, Contacts); limit 1");
  });

  it("flags 2 groups in one request", () => {
    expect(ruleFindings(trace((b) => request(b, 1000, [FINE, CONTACTS])), BUNDLED)).toHaveLength(1);
  });

  it("does not flag two permissions of the same group (fine + coarse location)", () => {
    expect(ruleFindings(trace((b) => request(b, 1000, [FINE, COARSE])), BUNDLED)).toEqual([]);
  });

  it("counts a request at exactly 10 s, not one at 11 s", () => {
    expect(ruleFindings(trace((b) => request(b, 1000, [FINE]).call(10_000, REQ, "permission_request", { req: [CONTACTS] })), BUNDLED)).toHaveLength(1);
    expect(ruleFindings(trace((b) => request(b, 11_000, [FINE, CONTACTS])), BUNDLED)).toEqual([]);
  });

  it("judges each launch separately, measured from that launch", () => {
    const a = trace((b) => {
      request(b, 1000, [FINE]);
      b.mark(60_000, "app_launch", { cold: true });
      request(b, 62_000, [CONTACTS]);
      b.mark(120_000, "app_launch", { cold: true });
      request(b, 121_000, [CAMERA, CONTACTS]);
    });
    const f = ruleFindings(a, BUNDLED);
    expect(f).toHaveLength(1);
    expect(f[0]!.evidence.details!.run).toBe(3);
  });
});

describe("permission.rerequest_after_denial", () => {
  const deny = (b: TraceBuilder, t: number, perms: readonly string[]) => b.mark(t, "permission_dialog_answered", { permissions: perms, answer: "deny" });

  it("flags the same permission requested again after a denial", () => {
    const a = trace((b) => {
      request(b, 20_000, [FINE], GDT);
      deny(b, 21_000, [FINE]);
      request(b, 30_000, [FINE], GDT);
      request(b, 40_000, [FINE], GDT);
    });
    const f = ruleFindings(a, REREQUEST);
    expect(f).toHaveLength(1);
    expect(f[0]!).toMatchObject({ severity: "high", category: "permission_request", count: 2, window: { start: 30_000, end: 40_000 } });
    expect(f[0]!.party.key).toBe("sdk:tencent-gdt");
    expect(f[0]!.evidence.details).toMatchObject({ permission: FINE, denied: FINE, deniedAt: 21_000 });
    expect(f[0]!.message).toContain(`requested ${FINE} 2 time(s) after ${FINE} was denied (first 9.0 s later)`);
  });

  it("flags a permission of the same group as the denied one", () => {
    const a = trace((b) => {
      deny(b, 21_000, [FINE]);
      request(b, 30_000, [COARSE]);
      request(b, 31_000, [CONTACTS]);
    });
    const f = ruleFindings(a, REREQUEST);
    expect(f).toHaveLength(1);
    expect(f[0]!.evidence.details).toMatchObject({ permission: COARSE, denied: FINE });
  });

  it("counts one request for two permissions of the denied group once", () => {
    const a = trace((b) => {
      deny(b, 21_000, [FINE, COARSE]);
      request(b, 30_000, [FINE, COARSE]);
    });
    const f = ruleFindings(a, REREQUEST);
    expect(f).toHaveLength(1);
    expect(f[0]!.count).toBe(1);
    expect(f[0]!.evidence.events).toHaveLength(1);
  });

  it("still flags after a relaunch (the denial persists)", () => {
    const a = trace((b) => {
      deny(b, 21_000, [FINE]);
      b.mark(100_000, "app_launch", { cold: true });
      request(b, 101_000, [FINE]);
    });
    const f = ruleFindings(a, REREQUEST);
    expect(f).toHaveLength(1);
    expect(f[0]!.window.start).toBe(101_000);
  });

  it("reports how many relaunches separate the re-request from the denial", () => {
    const a = trace((b) => {
      deny(b, 21_000, [FINE]);
      b.mark(100_000, "app_launch", { cold: true });
      request(b, 101_000, [FINE]);
    });
    expect(ruleFindings(a, REREQUEST)[0]!.evidence.details!.relaunches).toBe(1);
  });

  it("does not flag after the permission was granted again", () => {
    const a = trace((b) => {
      deny(b, 21_000, [FINE]);
      b.mark(25_000, "permission_granted", { permissions: [FINE] });
      request(b, 30_000, [FINE]);
    });
    expect(ruleFindings(a, REREQUEST)).toEqual([]);
  });

  it("flags a 2-hour gap under the default 48 h window, not beyond windowHours: 1", () => {
    const gap = (b: TraceBuilder) => {
      deny(b, 21_000, [FINE]);
      request(b, 21_000 + 2 * HOUR, [FINE]);
    };
    const strict = ruleFindings(trace(gap), REREQUEST);
    expect(strict).toHaveLength(1);
    expect(strict[0]!.message).toContain("(first 2.0 h later)");
    const policy = policyFile(`rules:\n  ${REREQUEST}:\n    windowHours: 1\n`);
    expect(ruleFindings(trace(gap, { policy }), REREQUEST)).toEqual([]);
    const within = ruleFindings(trace((b) => deny(b, 21_000, [FINE]).call(21_000 + HOUR / 2, REQ, "permission_request", { req: [FINE] }), { policy }), REREQUEST);
    expect(within).toHaveLength(1);
    expect(within[0]!.message).toContain("(first 30 min later)");
  });
});

describe("permission.request_unneeded", () => {
  const inScenario = (needs: readonly ("camera" | "location" | "contacts")[], perms: readonly string[]) =>
    ruleFindings(
      trace((b) => {
        b.mark(30_000, "scenario_start", { scenario: "scan code", needs });
        request(b, 31_000, perms);
      }),
      UNNEEDED,
    );

  it("flags a permission guarding no category the scenario needs", () => {
    const f = inScenario(["camera"], [FINE]);
    expect(f).toHaveLength(1);
    expect(f[0]!).toMatchObject({ severity: "medium", category: "permission_request", scenario: "scan code", count: 1 });
    expect(f[0]!.evidence.details).toMatchObject({ permission: FINE, needs: ["camera"] });
    expect(f[0]!.message).toContain(`requested ${FINE} in scenario 'scan code', which does not need it`);
  });

  it("does not flag a needed permission", () => {
    expect(inScenario(["camera"], [CAMERA])).toEqual([]);
    expect(inScenario(["location"], [COARSE])).toEqual([]);
  });

  it("flags only the unneeded permission of a mixed request", () => {
    const f = inScenario(["camera"], [CAMERA, CONTACTS]);
    expect(f.map((x) => x.evidence.details!.permission)).toEqual([CONTACTS]);
  });

  it("does not judge permissions that guard no data (CALL_PHONE)", () => {
    expect(inScenario(["camera"], [`${P}CALL_PHONE`])).toEqual([]);
  });

  it("does not judge requests outside a scenario with needs", () => {
    const a = trace((b) => {
      request(b, 30_000, [CONTACTS]);
      b.mark(40_000, "scenario_start", { scenario: "free" });
      request(b, 41_000, [CONTACTS]);
    });
    expect(ruleFindings(a, UNNEEDED)).toEqual([]);
  });
});

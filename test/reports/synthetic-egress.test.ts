import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadAppProfile } from "../../reports/profile.js";
import { callEventProblem } from "../../reports/trace/call-check.js";
import type { CallEvent } from "../../reports/trace/format.js";
import { egressShare, generateTrace } from "../../scripts/synthetic.js";
import { analyzeDir, ruleFindings, tempDir } from "../support/trace-builder.js";

/**
 * The synthetic trace's sends (scripts/synthetic-egress.ts), which bench:report measures the
 * report's egress rules and flows on: egress records of the documented shape
 * (docs/trace-format.md "Egress records"), naming reads that exist, and a report that finds what
 * they do.
 */

const calls = (dir: string): CallEvent[] =>
  readFileSync(join(dir, "calls.jsonl"), "utf8")
    .split("\n")
    .filter((l) => l !== "")
    .map((l) => JSON.parse(l) as CallEvent);

const IDENTIFYING_HOOK: Record<string, string> = {
  imei: "telephony.TelephonyManager.getImei",
  imsi: "telephony.TelephonyManager.getSubscriberId",
  android_id: "settings.Secure.getString.android_id",
  location: "location.LocationManager.getLastKnownLocation",
  mac: "network.WifiInfo.getMacAddress",
};

describe("synthetic trace with sends", () => {
  const dir = tempDir("permtrace-synthetic-egress-");
  const written = generateTrace({ dir, events: 40_000, seed: 3 });
  const all = calls(dir);
  const sends = all.filter((c) => c.net !== undefined);

  it("has about 2 % sends (an OkHttp request and its TLS write are two), each a valid egress record", () => {
    expect(all).toHaveLength(40_000);
    expect(sends).toHaveLength(written.sends);
    expect(sends.length / all.length).toBeGreaterThan(0.018);
    expect(sends.length / all.length).toBeLessThan(0.03);
    for (const c of sends) {
      expect(callEventProblem(c as unknown as Record<string, unknown>), JSON.stringify(c)).toBeUndefined();
      expect(c.cat).toBe("network_egress");
    }
    // No call other than a send carries `net`; every send is one.
    expect(all.filter((c) => c.cat === "network_egress")).toHaveLength(sends.length);
  });

  it("names by readSeq an earlier read of the same identifier that returned, and links pre-encryption matches at 0.6", () => {
    const bySeq = new Map(all.map((c) => [c.seq, c]));
    let named = 0, unnamed = 0, pre = 0;
    for (const c of sends) {
      for (const m of c.net!.matches ?? []) {
        expect(m.conf).toBe(m.where === "pre-encryption" ? 0.6 : 1);
        if (m.where === "pre-encryption") pre++;
        if (m.readSeq === undefined) {
          unnamed++;
          continue;
        }
        named++;
        const read = bySeq.get(m.readSeq)!;
        expect(read.seq).toBeLessThan(c.seq);
        expect(read.hook).toBe(IDENTIFYING_HOOK[m.kind]);
        expect(read.out).toBe("returned");
      }
    }
    expect(named).toBeGreaterThan(100);
    expect(unnamed).toBeGreaterThan(0);
    expect(pre).toBeGreaterThan(0);
  });

  it("records an OkHttp request at both layers, sends in cleartext, and sends that carry nothing", () => {
    const idx = all.findIndex((c) => c.net?.layer === "okhttp");
    const [req, write] = [all[idx]!, all[idx + 1]!];
    expect(write.net).toMatchObject({ layer: "tls", host: req.net!.host, tls: true });
    expect(write.tid).toBe(req.tid);
    expect(sends.filter((c) => !c.net!.tls && (c.net!.matches?.length ?? 0) > 0).length).toBeGreaterThan(0);
    expect(sends.filter((c) => c.net!.host === "wprd01.is.autonavi.com").every((c) => c.net!.matches === undefined)).toBe(true);
    expect(sends.some((c) => c.net!.cut !== undefined && c.net!.cut === c.net!.bytes! - 65_536)).toBe(true);
  });

  it("gives the report's egress rules and flows something to find", () => {
    const a = analyzeDir(dir, { profile: loadAppProfile("scenarios/examples/shop/app.profile.yaml") });
    for (const rule of ["egress.identifier_before_consent", "egress.cleartext", "egress.shared_between_parties", "egress.undeclared_recipient"]) {
      expect(ruleFindings(a, rule).length, rule).toBeGreaterThan(0);
    }
    // Bugly is handed the app's device id and reads none itself: sharing from the app to an SDK.
    expect(ruleFindings(a, "egress.shared_between_parties").some((f) => f.message.startsWith("Tencent Bugly sent") && f.message.endsWith("the app read it"))).toBe(true);
    expect(a.flows!.requests).toBe(sends.length);
    // The app's own API (profile domains: example.com) is never an undeclared recipient.
    expect(ruleFindings(a, "egress.undeclared_recipient").some((f) => JSON.stringify(f).includes("api.shop.example.com"))).toBe(false);
  });

  it("without sends is the trace generated before traces had sends, byte for byte (bench:report's before and after compare)", () => {
    const none = tempDir("permtrace-synthetic-noegress-");
    const r = generateTrace({ dir: none, events: 5000, seed: 3, egress: 0 });
    expect(r.sends).toBe(0);
    // SHA-256 prefixes of what scripts/synthetic.ts at c4ad07d wrote for 5000 events, seed 3.
    const sha = (f: string): string => createHash("sha256").update(readFileSync(join(none, f))).digest("hex").slice(0, 16);
    expect(["calls.jsonl", "stacks.jsonl", "timeline.jsonl"].map(sha)).toEqual(["9f3c4dd2025b894f", "668a4abbb0064b12", "3ee14e272313768b"]);
  });

  it("reads --egress as a share from 0 to 0.5, else one line naming the flag", () => {
    expect(egressShare("--egress", "0")).toBe(0);
    expect(egressShare("--egress", "0.02")).toBe(0.02);
    expect(egressShare("--egress", ".5")).toBe(0.5);
    for (const bad of ["0.6", "-0.1", "1e-2", "", "abc", "2%"]) expect(egressShare("--egress", bad)).toMatch(/^--egress must be a share of calls from 0 to 0.5/);
  });
});

import { describe, expect, it } from "vitest";
import type { AppProfile } from "../../../reports/profile.js";
import type { NetRecord } from "../../../reports/trace/format.js";
import { analyzeDir, APP, GDT, ruleFindings, TraceBuilder, UMENG } from "../../support/trace-builder.js";

const ANDROID_ID = "settings.Secure.getString.android_id";
const SEND = "net.SSLOutputStream.write";

/** A TLS send to `host` carrying the MD5 of the identifier read at `readSeq`. */
const send = (host: string, readSeq: number | undefined, tls = true): NetRecord => ({
  layer: "tls",
  host,
  port: 443,
  tls,
  bytes: 812,
  matches: [{ kind: "android_id", enc: "md5-lower", where: "body", conf: 1, ...(readSeq !== undefined ? { readSeq } : {}) }],
});

const profile = (p: Partial<AppProfile> = {}): AppProfile => ({ app: "com.example.app", domains: ["example.com"], recipients: [{ name: "友盟+ 统计" }], ...p });

/** The read is seq 1 (the trace builder numbers calls from 1), the send seq 2. */
function trace(consent: "pending" | "accepted" | "rejected", net: NetRecord, sender: readonly string[] = UMENG, reader: readonly string[] = UMENG, p: AppProfile | null = profile()) {
  const b = new TraceBuilder().mark(0, "app_launch").mark(0, "consent_shown");
  if (consent === "accepted") b.mark(10, "consent_accepted");
  if (consent === "rejected") b.mark(10, "consent_rejected");
  b.call(100, ANDROID_ID, "device_identifiers", { from: reader });
  b.call(200, SEND, "network_egress", { from: sender, net });
  return analyzeDir(b.close(), p !== null ? { profile: p } : {});
}

describe("egress rules: what left the device", () => {
  it("an identifier sent before consent, to the SDK's declared server: before-consent only", () => {
    const a = trace("pending", send("alog.umeng.com", 1));
    const f = ruleFindings(a, "egress.identifier_before_consent");
    expect(f).toHaveLength(1);
    expect(f[0]!.severity).toBe("critical");
    expect(f[0]!.party.key).toBe("sdk:umeng-common");
    expect(f[0]!.message).toMatch(/^Umeng Common SDK \(友盟基础组件\) sent android_id \(md5-lower, body\) to alog\.umeng\.com \(.*'s server\) in 1 request\(s\) before the privacy policy was accepted$/);
    expect(f[0]!.evidence.details).toMatchObject({ host: "alog.umeng.com", tls: true, bytes: 812, identifiers: [{ kind: "android_id", enc: "md5-lower", where: "body", readSeq: 1 }] });
    // The read the send names, as evidence: hook, party, time.
    expect((f[0]!.evidence.details!.identifiers as { read?: unknown }[])[0]!.read).toEqual({ hook: ANDROID_ID, party: "Umeng Common SDK (友盟基础组件)", t: 100 });
    expect(ruleFindings(a, "egress.undeclared_recipient")).toEqual([]);
    expect(ruleFindings(a, "egress.cleartext")).toEqual([]);
  });

  it("after the policy was rejected, and after an opt-out that covers the sender", () => {
    expect(ruleFindings(trace("rejected", send("alog.umeng.com", 1)), "egress.after_refusal")).toHaveLength(1);
    const b = new TraceBuilder().consented(0).mark(50, "opt_out", { purpose: "personalised_ads" });
    b.call(100, ANDROID_ID, "device_identifiers", { from: GDT });
    b.call(200, SEND, "network_egress", { from: GDT, net: send("mi.gdt.qq.com", 1) });
    b.call(300, SEND, "network_egress", { from: APP, net: send("api.example.com", 1) });
    const f = ruleFindings(analyzeDir(b.close(), { profile: profile() }), "egress.after_refusal");
    expect(f.map((x) => x.party.key)).toEqual(["sdk:tencent-gdt"]);
    expect(f[0]!.message).toContain("the opt-out of personalised_ads");
  });

  it("to a recipient the sharing list does not name: an undeclared SDK's server or an unknown host, not the app's own", () => {
    const gdt = trace("accepted", send("mi.gdt.qq.com", 1), GDT, GDT);
    expect(ruleFindings(gdt, "egress.undeclared_recipient").map((f) => f.evidence.details!.host)).toEqual(["mi.gdt.qq.com"]);
    expect(ruleFindings(trace("accepted", send("tracker.evil.example", 1)), "egress.undeclared_recipient")).toHaveLength(1);
    expect(ruleFindings(trace("accepted", send("api.example.com", 1), APP, APP), "egress.undeclared_recipient")).toEqual([]);
    // Without a sharing list the rule cannot judge, and says so.
    const none = trace("accepted", send("mi.gdt.qq.com", 1), GDT, GDT, null);
    expect(none.rules.find((r) => r.id === "egress.undeclared_recipient")).toMatchObject({ status: "skipped" });
  });

  it("read by one party, sent by another; and in cleartext", () => {
    const a = trace("accepted", send("mi.gdt.qq.com", 1, false), GDT, UMENG);
    const shared = ruleFindings(a, "egress.shared_between_parties");
    expect(shared).toHaveLength(1);
    expect(shared[0]!.message).toMatch(/Umeng Common SDK \(友盟基础组件\) read it$/);
    expect(ruleFindings(a, "egress.cleartext")).toHaveLength(1);
    // The agent names the first read of a value: a sender that read an identifier of the same
    // kind itself may be sending its own, and is not flagged; one that read another kind is.
    const both = (gdtRead: string, cat: "device_identifiers" | "phone_identifiers") => {
      const b = new TraceBuilder().consented(0);
      b.call(100, ANDROID_ID, "device_identifiers", { from: UMENG, ret: "hash:aaaaaaaaaaaa" });
      b.call(150, gdtRead, cat, { from: GDT, ret: "hash:bbbbbbbbbbbb" });
      b.call(200, SEND, "network_egress", { from: GDT, net: send("mi.gdt.qq.com", 1) });
      return ruleFindings(analyzeDir(b.close(), { profile: profile() }), "egress.shared_between_parties");
    };
    expect(both(ANDROID_ID, "device_identifiers")).toEqual([]);
    expect(both("telephony.TelephonyManager.getImei", "phone_identifiers")).toHaveLength(1);
  });

  it("sharing: a native property read counts as the sender's own IMEI, a read that threw does not, and a first read long ago still names its party", () => {
    const imeiSend = (readSeq: number): NetRecord => ({ layer: "tls", host: "mi.gdt.qq.com", port: 443, tls: true, bytes: 10, matches: [{ kind: "imei", enc: "md5-lower", where: "body", conf: 1, readSeq }] });
    const shared = (b: TraceBuilder) => ruleFindings(analyzeDir(b.close(), { profile: profile() }), "egress.shared_between_parties");
    // GDT read an IMEI property natively (persist.radio.imei…): what it sends may be its own.
    const native = new TraceBuilder().consented(0);
    native.call(100, "telephony.TelephonyManager.getImei", "phone_identifiers", { from: UMENG, ret: "hash:aaaaaaaaaaaa" });
    native.call(150, "native.libc.__system_property_get.serial", "phone_identifiers", { from: GDT, args: ["persist.radio.imei1"], ret: "hash:aaaaaaaaaaaa" });
    native.call(200, SEND, "network_egress", { from: GDT, net: imeiSend(1) });
    expect(shared(native)).toEqual([]);
    // GDT's own getImei was refused: it had nothing of its own, the IMEI it sends is Umeng's read.
    const refused = new TraceBuilder().consented(0);
    refused.call(100, "telephony.TelephonyManager.getImei", "phone_identifiers", { from: UMENG, ret: "hash:aaaaaaaaaaaa" });
    refused.call(150, "telephony.TelephonyManager.getImei", "phone_identifiers", { from: GDT, out: "threw", exc: "java.lang.SecurityException" });
    refused.call(200, SEND, "network_egress", { from: GDT, net: imeiSend(1) });
    expect(shared(refused).map((f) => f.party.key)).toEqual(["sdk:tencent-gdt"]);
    // The read a send names is the first of its value: 70 000 other identifying reads later it still has its party.
    const long = new TraceBuilder().consented(0);
    long.call(100, "telephony.TelephonyManager.getImei", "phone_identifiers", { from: UMENG, ret: "hash:aaaaaaaaaaaa" });
    for (let i = 0; i < 70_000; i++) long.call(200 + i, "location.LocationManager.getLastKnownLocation", "location", { from: APP, ret: "type:android.location.Location" });
    long.call(80_000, SEND, "network_egress", { from: GDT, net: imeiSend(1) });
    const f = shared(long);
    expect(f).toHaveLength(1);
    expect((f[0]!.evidence.details!.identifiers as { read?: { party: string } }[])[0]!.read?.party).toBe("Umeng Common SDK (友盟基础组件)");
    // A send with no identifier found is no finding at all (a map tile).
    const tile = trace("pending", { layer: "tls", host: "tile.example.com", tls: true, bytes: 300 });
    expect(tile.findings.filter((f) => f.family === "egress")).toEqual([]);
  });
});

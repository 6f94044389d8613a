/**
 * The matcher's C scan loop (agent/engine/id-scan-native.ts), which the agent uses inside real
 * Frida, against its JavaScript loop (agent/engine/id-index.ts), which the stand-in and Node run:
 * both run in the same real Frida QuickJS, on the same learned values and payloads (planted
 * identifiers in every encoding, random bytes, ASCII and non-ASCII strings, a string with a NUL,
 * a payload past the scan bound, values learned after the first scan), and must report the same
 * matches. A loop that found nothing would pass an equality check alone, so the planted
 * identifiers are also required to be found.
 */
import { createHash } from "node:crypto";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { runInFridaSleep } from "../../scripts/frida-sleep.js";
import { fridaPython, realSuite, REPO } from "./prereq.js";

const suite = realSuite("real-Frida matcher C loop (test/frida/matcher-native.test.ts)", ["frida"]);

const ENTRY = `
import { IdMatcher } from "./id-matcher.js";
import { nativeScanEngine } from "./id-scan-native.js";
rpc.exports = { run(spec) {
  let errors = [];
  const engine = nativeScanEngine((e) => errors.push(String(e)));
  if (!engine) return { errors: errors.length ? errors : ["no C scan loop in this runtime"] };
  const matchers = { js: new IdMatcher(), c: new IdMatcher(engine) };
  const strip = (r) => ({ ...r, matches: r.matches.map((m) => ({ ...m })) });
  const out = { js: [], c: [] };
  for (const [name, m] of Object.entries(matchers)) {
    for (const [k, v, seq] of spec.first) m.learn(k, v, seq);
    for (const p of spec.payloads) {
      if (p.learn) for (const [k, v, seq] of p.learn) m.learn(k, v, seq);
      const payload = p.bytes ? new Uint8Array(p.bytes) : p.text;
      out[name].push(strip(m.scan(payload, p.where, p.total)));
    }
  }
  return { errors, js: out.js, c: out.c };
} };
`;


function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

const ANDROID_ID = "9774d56d682e549c";
const IMEI = "490154203237518";
const MAC = "02:00:5e:10:00:01";
const OAID = "a1b2c3d4-e5f6-4711-8899-aabbccddeeff";
const LATER = "f00dfeedcafe1234";

/** Payloads with identifiers planted in the encodings SDKs use, and noise around them. */
function payloads(): { where: string; text?: string; bytes?: number[]; total?: number; learn?: [string, string, number][] }[] {
  const r = rng(7);
  const noise = (n: number): number[] => Array.from({ length: n }, () => Math.floor(r() * 256));
  const ascii = (n: number): string => Array.from({ length: n }, () => String.fromCharCode(32 + Math.floor(r() * 95))).join("");
  const bytes = (s: string): number[] => [...Buffer.from(s, "utf8")];
  const md5 = (s: string): string => createHash("md5").update(s).digest("hex");
  const b64 = Buffer.from(ANDROID_ID).toString("base64");
  const big = [...noise(70_000)];
  big.splice(1000, 0, ...bytes(md5(ANDROID_ID)));
  big.splice(66_000, 0, ...bytes(IMEI));
  return [
    { where: "url", text: `https://a.example/x?aid=${ANDROID_ID}&imei=${IMEI}&mac=${encodeURIComponent(MAC)}` },
    { where: "header", text: `X-Id: ${b64}\r\nX-Oaid: ${OAID.toUpperCase()}\r\nX-H: ${md5(ANDROID_ID).toUpperCase()}\r\n` },
    { where: "body", bytes: [...noise(3000), ...bytes(`{"d":"${md5(IMEI)}","m":"${MAC.replace(/:/g, "").toUpperCase()}"}`), ...noise(500)] },
    { where: "body", bytes: noise(8192) },
    { where: "header", text: ascii(2000) },
    { where: "url", text: `https://a.example/é?aid=${ANDROID_ID}` },
    { where: "url", text: `https://a.example/\u0000?aid=${ANDROID_ID}` },
    { where: "body", bytes: big, total: 300_000 },
    { where: "body", text: `x=${ANDROID_ID}${ANDROID_ID}${ANDROID_ID}`.repeat(200) },
    { where: "body", text: `later=${LATER}`, learn: [["android_id", LATER, 9]] },
    { where: "body", bytes: bytes(`aid=${ANDROID_ID.toUpperCase()} imei=1${IMEI}`) },
    // A value shorter than the index's window: the index is rebuilt, and the C loop follows it.
    { where: "body", text: `ssid="HomeNet" aid=${ANDROID_ID}`, learn: [["ssid", "HomeNet", 11]] },
  ];
}

describe.skipIf(!suite.run)("the matcher's C scan loop in real Frida", () => {
  let result: { errors: string[]; js?: { matches: { kind: string; enc: string }[] }[]; c?: unknown[] };

  beforeAll(async () => {
    const spec = { first: [["android_id", ANDROID_ID, 1], ["imei", IMEI, 2], ["mac", MAC, 3], ["oaid", OAID, 4]], payloads: payloads() };
    [result] = (await runInFridaSleep(fridaPython().python!, join(REPO, "agent", "engine"), ENTRY, spec, [["run", [spec]]], 120_000)) as [typeof result];
  }, 180_000);


  it("builds in real Frida's TinyCC", () => {
    expect(result.errors).toEqual([]);
  });

  it("reports exactly what the JavaScript loop reports, payload by payload", () => {
    expect(result.c).toEqual(result.js);
  });

  it("finds the planted identifiers (the comparison is not between two empty lists)", () => {
    const kinds = (i: number): string[] => result.js![i]!.matches.map((m) => `${m.kind}/${m.enc}`);
    expect(kinds(0)).toEqual(expect.arrayContaining(["android_id/plain", "imei/plain", "mac/url"]));
    expect(kinds(1)).toEqual(expect.arrayContaining(["android_id/base64", "oaid/plain", "android_id/md5-upper"]));
    expect(kinds(2)).toEqual(expect.arrayContaining(["imei/md5-lower", "mac/plain"]));
    expect(kinds(3)).toEqual([]);
    expect(kinds(5)).toEqual(["android_id/plain"]);
    expect(kinds(6)).toEqual(["android_id/plain"]);
    // Before the bound found, past it not (and the cut counted).
    expect(kinds(7)).toEqual(["android_id/md5-lower"]);
    expect(kinds(9)).toEqual(["android_id/plain"]);
    // A number glued to more digits is another number.
    expect(kinds(10)).toEqual(["android_id/plain"]);
    expect(kinds(11)).toEqual(["ssid/plain", "android_id/plain"]);
  });
});

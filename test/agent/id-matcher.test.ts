import { createHash } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { base64Core, utf8, utf8Into } from "../../agent/engine/id-encode.js";
import { digestHex } from "../../agent/engine/id-digest.js";
import { IdMatcher, MAX_LOCATIONS, MAX_MATCHES, MAX_VALUES, SCAN_BOUND, type Enc, type IdKind, type Match, type Where } from "../../agent/engine/id-matcher.js";

// The matcher is pure TypeScript that the agent bundles; these tests run it directly in Node.
// Expected encodings come from Node's own crypto and Buffer, not from the code under test.

const ANDROID_ID = "9f3c2a1b7e6d5c4f";
const IMEI = "356938035643809";
const MAC = "ac:de:48:00:11:22";
const WHERE: readonly Where[] = ["url", "header", "body", "pre-encryption"];

const hash = (alg: string, s: string): string => createHash(alg).update(s, "utf8").digest("hex");
const b64 = (s: string): string => Buffer.from(s, "utf8").toString("base64");
const b64url = (s: string): string => Buffer.from(s, "utf8").toString("base64url");

/** Deterministic bytes (xorshift32), so a failure reproduces. */
function seeded(seed: number, n: number): Uint8Array {
  let x = seed >>> 0 || 1;
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 255;
  }
  return out;
}

function matcher(values: [IdKind, string, number?][]): IdMatcher {
  const m = new IdMatcher();
  for (const [kind, value, seq] of values) expect(m.learn(kind, value, seq), `${kind} ${value}`).toMatchObject({ learned: true });
  return m;
}

const encs = (ms: readonly Match[]): string[] => ms.map((x) => `${x.kind}:${x.enc}`);

describe("IdMatcher: encodings", () => {
  const m = matcher([["android_id", ANDROID_ID, 7]]);
  const cases: [Enc, string][] = [
    ["plain", ANDROID_ID],
    ["plain", ANDROID_ID.toUpperCase()],
    ["hex-lower", Buffer.from(ANDROID_ID).toString("hex")],
    // The hex of ASCII digits and a–f holds no letters: its case cannot be seen, and is reported lower.
    ["hex-lower", Buffer.from(ANDROID_ID.toUpperCase()).toString("hex").toUpperCase()],
    ["md5-lower", hash("md5", ANDROID_ID)],
    ["md5-upper", hash("md5", ANDROID_ID).toUpperCase()],
    ["sha1-lower", hash("sha1", ANDROID_ID)],
    ["sha1-upper", hash("sha1", ANDROID_ID).toUpperCase()],
    ["sha256-lower", hash("sha256", ANDROID_ID)],
    ["sha256-upper", hash("sha256", ANDROID_ID).toUpperCase()],
    ["base64", b64(ANDROID_ID)],
    ["base64", b64(ANDROID_ID).replace(/=+$/, "")],
  ];
  for (const [enc, text] of cases) {
    for (const where of WHERE) {
      it(`finds ${enc} (${text.slice(0, 12)}…) in a ${where}`, () => {
        const payload = where === "url" ? `https://sdk.example.com/v1/e?x=1&d=${text}&t=9` : where === "header" ? `X-Device: ${text}` : `{"event":"open","device":"${text}","n":3}`;
        const [hit, ...rest] = m.scan(where === "body" ? Buffer.from(payload) : payload, where).matches;
        expect(rest).toEqual([]);
        expect(hit).toMatchObject({ kind: "android_id", enc, where, readSeq: 7, offset: payload.indexOf(text), length: expect.any(Number) });
      });
    }
  }

  it("finds hex-upper and hex-lower where the hex holds letters", () => {
    const mm = matcher([["ssid", "Cafe-Wi-Fi-5G"]]);
    expect(encs(mm.scan(Buffer.from("Cafe-Wi-Fi-5G").toString("hex").toUpperCase(), "body").matches)).toEqual(["ssid:hex-upper"]);
    expect(encs(mm.scan(Buffer.from("Cafe-Wi-Fi-5G").toString("hex"), "body").matches)).toEqual(["ssid:hex-lower"]);
  });

  it("finds base64 and URL-safe base64 of a value embedded in a longer stream at each of the 3 byte alignments", () => {
    // A serial whose base64 holds '+' or '/' at every alignment, so the two alphabets differ
    // (the base64 of hex digits never does).
    const id = [...Array(4000).keys()].map((i) => `SN>${i}?~k`).find((v) => [0, 1, 2].every((a) => /[+/]/.test(base64Core(utf8(v), a as 0 | 1 | 2))))!;
    expect(id).toBeDefined();
    const mm = matcher([["serial", id, 1]]);
    for (const lead of ["", "x", "xy", "xyz", "{\"a\":1,\"id\":\""]) {
      const inner = `${lead}${id}","tail":true}`;
      expect(encs(mm.scan(`d=${b64(inner)}`, "body").matches), `lead ${lead.length}`).toEqual(["serial:base64"]);
      expect(encs(mm.scan(`d=${b64url(inner)}`, "body").matches), `lead ${lead.length}`).toEqual(["serial:base64url"]);
    }
  });

  it("finds URL-encoded forms (encodeURIComponent, form encoding, lower-case escapes)", () => {
    const mm = matcher([["mac", MAC], ["ssid", '"Cafe Wi-Fi 5G"'], ["phone_number", "+86 138 1234 5678"]]);
    expect(encs(mm.scan("m=ac%3Ade%3A48%3A00%3A11%3A22", "url").matches)).toEqual(["mac:url"]);
    expect(encs(mm.scan("m=AC%3ADE%3A48%3A00%3A11%3A22", "url").matches)).toEqual(["mac:url"]);
    expect(encs(mm.scan("m=ac%3ade%3a48%3a00%3a11%3a22", "url").matches)).toEqual(["mac:url"]);
    expect(encs(mm.scan("s=Cafe%20Wi-Fi%205G", "url").matches)).toEqual(["ssid:url"]);
    expect(encs(mm.scan("s=Cafe+Wi-Fi+5G", "body").matches)).toEqual(["ssid:url"]);
    expect(encs(mm.scan("tel=%2B8613812345678", "url").matches)).toEqual(["phone_number:url"]);
  });

  it("reports where, the read and the spelling but never the value", () => {
    const mm = matcher([["imei", IMEI, 41]]);
    const { matches } = mm.scan(`imei=${IMEI}`, "header");
    expect(matches).toEqual([{ kind: "imei", enc: "plain", where: "header", readSeq: 41, offset: 5, length: 15, form: "" }]);
    expect(JSON.stringify(matches)).not.toContain(IMEI);
  });

  it("keeps the first read; a runner-supplied value takes the first hooked read", () => {
    const mm = new IdMatcher();
    mm.learn("imei", IMEI, 3);
    mm.learn("imei", IMEI, 9);
    expect(mm.scan(IMEI, "body").matches[0]?.readSeq).toBe(3);
    mm.learn("android_id", ANDROID_ID);
    expect(mm.scan(ANDROID_ID, "body").matches[0]).not.toHaveProperty("readSeq");
    mm.learn("android_id", ANDROID_ID.toUpperCase(), 12);
    expect(mm.scan(ANDROID_ID, "body").matches[0]?.readSeq).toBe(12);
  });
});

describe("IdMatcher: normalisation", () => {
  it("MAC/BSSID: colons, dashes or none, either case", () => {
    const mm = matcher([["bssid", "AC-DE-48-00-11-22"]]);
    for (const s of ["ac:de:48:00:11:22", "AC:DE:48:00:11:22", "ac-de-48-00-11-22", "acde48001122", "ACDE48001122"]) {
      expect(encs(mm.scan(`b=${s};`, "body").matches), s).toEqual(["bssid:plain"]);
    }
    expect(mm.scan(`h=${hash("md5", "ACDE48001122")}`, "body").matches[0]).toMatchObject({ enc: "md5-lower", form: "no-separators upper" });
  });

  it("IMEI, IMSI, ICCID: separators dropped; not found glued to other digits", () => {
    const mm = matcher([["imei", "35-693803-564380-9"], ["imsi", "460 00 1234567890"], ["iccid", "89860012345678901234F"]]);
    expect(encs(mm.scan(`a=${IMEI}&b=460001234567890&c=89860012345678901234`, "url").matches)).toEqual(["imei:plain", "imsi:plain", "iccid:plain"]);
    expect(encs(mm.scan("c=89860012345678901234f", "url").matches)).toEqual(["iccid:plain"]);
    expect(mm.scan(`ts=1${IMEI}&n=${IMEI}7`, "url").matches).toEqual([]);
  });

  it("phone numbers: +86, 86, 0086 and national; a national Chinese mobile also with its country code", () => {
    const mm = matcher([["phone_number", "13812345678"]]);
    const forms = ["+8613812345678", "8613812345678", "008613812345678", "13812345678"].map((s) => mm.scan(`p=${s}&`, "body").matches.map((x) => x.form));
    expect(forms).toEqual([["+86"], ["86"], ["0086"], ["national"]]);
    const us = matcher([["phone_number", "+1 (650) 555-0100"]]);
    expect(us.scan("p=6505550100&q=+16505550100", "body").matches.map((x) => x.form)).toEqual(["national", "+1"]);
  });

  it("advertising IDs: a UUID also without dashes, either case; the SSID without Android's quotes", () => {
    const mm = matcher([["gaid", "38400000-8cf0-11bd-b23e-10b96e40000d"], ["ssid", '"HomeNet-2.4G"']]);
    expect(encs(mm.scan("g=38400000-8CF0-11BD-B23E-10B96E40000D", "body").matches)).toEqual(["gaid:plain"]);
    expect(encs(mm.scan("g=384000008cf011bdb23e10b96e40000d", "body").matches)).toEqual(["gaid:plain"]);
    expect(encs(mm.scan('{"ssid":"HomeNet-2.4G"}', "body").matches)).toEqual(["ssid:plain"]);
    expect(mm.scan('{"ssid":"homenet-2.4g"}', "body").matches).toEqual([]);
  });

  it("coordinates: pairs in either order at 2–6 decimals, separate numbers at 4–6, rounded or truncated", () => {
    const mm = matcher([["location", "39.9087243,116.3974471", 5]]);
    const found = (s: string): string[] => mm.scan(s, "body").matches.map((x) => x.form);
    expect(found("loc=39.908724,116.397447")).toEqual(["lat,lng 6dp"]);
    expect(found("loc=116.39745,39.90872")).toEqual(["lng,lat 5dp round"]);
    expect(found("loc=116.39744,39.90872")).toEqual(["lng,lat 5dp trunc"]);
    expect(found("loc=39.91,116.40&x")).toEqual(["lat,lng 2dp round"]);
    expect(found("loc=39.90,116.39&x")).toEqual(["lat,lng 2dp trunc"]);
    expect(found("loc=116.3974%2C39.9087")).toEqual(["lng,lat 4dp"]);
    expect(found('{"lat":39.9087,"lng":116.397447}')).toEqual(["lat 4dp", "lng 6dp"]);
    expect(found('{"lat":39.91,"lng":116.40,"v":139.9087}')).toEqual([]);
  });
});

describe("IdMatcher: what it refuses and where it stops", () => {
  it("does not learn values that would match everywhere", () => {
    const mm = new IdMatcher();
    const refused: [IdKind, string][] = [
      ["ssid", '"ab"'], ["ssid", "<unknown ssid>"], ["serial", "0"], ["serial", "unknown"], ["mac", "02:00:00:00:00:00"],
      ["bssid", "00:00:00:00:00:00"], ["gaid", "00000000-0000-0000-0000-000000000000"], ["imei", "000000000000000"],
      ["imei", "12345"], ["android_id", "android_id"], ["location", "0,0"], ["location", "91.5,10"], ["phone_number", "12"],
    ];
    for (const [kind, value] of refused) expect(mm.learn(kind, value), `${kind} ${value}`).toMatchObject({ learned: false, reason: expect.any(String) });
    expect(mm.size).toBe(0);
    expect(mm.scan("ab unknown 0 02:00:00:00:00:00", "body")).toMatchObject({ matches: [], scannedBytes: 30 });
  });

  it("finds nothing in payloads that carry no identifier", () => {
    const mm = matcher([
      ["android_id", ANDROID_ID], ["imei", IMEI], ["mac", MAC], ["phone_number", "+8613812345678"], ["location", "39.9087243,116.3974471"],
      ["gaid", "38400000-8cf0-11bd-b23e-10b96e40000d"], ["serial", "R58M42ABCDE"], ["ssid", "HomeNet-2.4G"],
    ]);
    for (let seed = 1; seed <= 16; seed++) expect(mm.scan(seeded(seed, SCAN_BOUND), "body").matches, `seed ${seed}`).toEqual([]);
    const tiles = Array.from({ length: 200 }, (_, i) => `https://webrd01.is.autonavi.com/appmaptile?lang=zh_cn&size=1&scale=1&style=8&x=${421 + i}&y=${193 + (i % 7)}&z=${10 + (i % 9)}`);
    for (const t of tiles) expect(mm.scan(t, "url").matches, t).toEqual([]);
    const json = JSON.stringify({ ts: 1386543210987, order: "356938035643808", price: 39.9, rating: 116.3, lat: 39.91, tel: "13812345679", id: "9f3c2a1b7e6d5c4e", code: 861381234567 });
    expect(mm.scan(json, "body").matches).toEqual([]);
  });

  it("finds a value straddling the 64 KiB bound, not one starting past it, and counts what is cut", () => {
    const mm = matcher([["imei", IMEI]]);
    const bytes = (at: number): Uint8Array => {
      const b = new Uint8Array(SCAN_BOUND + 100).fill(0x20);
      b.set(Buffer.from(IMEI), at);
      return b;
    };
    expect(mm.scan(bytes(SCAN_BOUND - 5), "body")).toMatchObject({ matches: [{ offset: SCAN_BOUND - 5 }], scannedBytes: SCAN_BOUND, cutBytes: 100 });
    expect(mm.scan(bytes(SCAN_BOUND), "body")).toMatchObject({ matches: [], cutBytes: 100 });
    // A hook's bounded copy of a 1 MiB byte[]: the cut is counted on the whole.
    expect(mm.scan(bytes(SCAN_BOUND - 5), "body", 1 << 20)).toMatchObject({ matches: [{ offset: SCAN_BOUND - 5 }], cutBytes: (1 << 20) - SCAN_BOUND });
    const text = (at: number): string => " ".repeat(at) + IMEI + " ".repeat(SCAN_BOUND + 100 - at - IMEI.length);
    expect(mm.scan(text(SCAN_BOUND - 1), "body")).toMatchObject({ matches: [{ offset: SCAN_BOUND - 1 }], cutBytes: 100 });
    expect(mm.scan(text(SCAN_BOUND + 1), "body").matches).toEqual([]);
    // A non-ASCII string is scanned as UTF-8: offsets count bytes ("é" is 2).
    const accented = `é${" ".repeat(SCAN_BOUND - 7)}${IMEI}${" ".repeat(100)}`;
    expect(mm.scan(accented, "body")).toMatchObject({ matches: [{ offset: SCAN_BOUND - 5 }], scannedBytes: SCAN_BOUND });
    expect(mm.stats()).toMatchObject({ payloads: 6, scannedBytes: 6 * SCAN_BOUND });
  });
});

describe("IdMatcher: hostile input", () => {
  it("a 64 MiB payload repeating a value is scanned over 64 KiB only, matches capped", () => {
    const mm = matcher([["android_id", ANDROID_ID]]);
    const big = Buffer.alloc(64 << 20, `${ANDROID_ID},`);
    const started = performance.now();
    const r = mm.scan(big, "body");
    expect(performance.now() - started).toBeLessThan(2000);
    expect(r.matches).toHaveLength(MAX_MATCHES);
    expect(r.droppedMatches).toBeGreaterThan(0);
    expect(r.cutBytes).toBe(big.length - SCAN_BOUND);
  });

  it("a 64 Mi-character string is scanned over its first 64 KiB only, ASCII or not", () => {
    const mm = matcher([["android_id", ANDROID_ID]]);
    for (const tail of ["x", "é"]) {
      const huge = `${ANDROID_ID},${tail.repeat(64 << 20)}`;
      const started = performance.now();
      const r = mm.scan(huge, "header");
      expect(performance.now() - started, tail).toBeLessThan(500);
      expect(encs(r.matches)).toEqual(["android_id:plain"]);
      expect(r.cutBytes).toBeGreaterThanOrEqual(huge.length - SCAN_BOUND);
    }
  });

  it("invalid UTF-8 and lone surrogates around a value neither throw nor hide it", () => {
    const mm = matcher([["imei", IMEI], ["ssid", "Café-Wi-Fi"]]);
    const bytes = Buffer.concat([Buffer.from([0xff, 0xfe, 0xc3]), Buffer.from(IMEI), Buffer.from([0xed, 0xa0, 0x80, 0x80])]);
    expect(encs(mm.scan(bytes, "body").matches)).toEqual(["imei:plain"]);
    expect(encs(mm.scan(`\ud800${IMEI}\udfff\u0000 Café-Wi-Fi`, "header").matches)).toEqual(["imei:plain", "ssid:plain"]);
    expect(mm.scan(new ArrayBuffer(0), "body").matches).toEqual([]);
    expect(mm.scan("", "url").matches).toEqual([]);
  });

  it("values learned between scans are found, whether added in place or by a rebuild", () => {
    const mm = matcher([["android_id", ANDROID_ID]]);
    expect(mm.scan("-", "body").matches).toEqual([]);
    mm.learn("imei", IMEI, 2); // patterns as long as the index's window: added in place
    mm.learn("serial", "R58M42", 3); // a 6-byte pattern, shorter than the window: rebuilt
    mm.learn("gaid", "38400000-8cf0-11bd-b23e-10b96e40000d", 4);
    const payload = `a=${ANDROID_ID}&i=${IMEI}&s=R58M42&g=${hash("sha256", "38400000-8cf0-11bd-b23e-10b96e40000d")}`;
    expect(encs(mm.scan(payload, "url").matches)).toEqual(["android_id:plain", "imei:plain", "serial:plain", "gaid:sha256-lower"]);
  });

  it("keeps the last MAX_LOCATIONS positions: an evicted one is no longer found, the index is not rebuilt per position", () => {
    const mm = matcher([["imei", IMEI]]);
    const positions = Array.from({ length: MAX_LOCATIONS + 4 }, (_, i) => `${(31 + i * 0.0123457).toFixed(7)},${(121 + i * 0.0234567).toFixed(7)}`);
    for (const p of positions) {
      mm.learn("location", p, 1);
      expect(mm.scan(`imei=${IMEI}&loc=${p}`, "url").matches.map((x) => x.kind)).toEqual(["imei", "location"]);
    }
    expect(mm.size).toBe(MAX_LOCATIONS + 1);
    expect(mm.scan(`loc=${positions[0]}`, "url").matches).toEqual([]);
    expect(mm.scan(`loc=${positions[3]}`, "url").matches).toEqual([]);
    expect(mm.scan(`loc=${positions[4]}`, "url").matches).toHaveLength(1);
  });

  it("keeps at most MAX_VALUES values, the oldest dropped", () => {
    const mm = new IdMatcher();
    const ids = Array.from({ length: MAX_VALUES + 10 }, (_, i) => hash("md5", `v${i}`).slice(0, 16));
    for (const id of ids) mm.learn("android_id", id);
    expect(mm.size).toBe(MAX_VALUES);
    expect(mm.scan(ids[0]!, "body").matches).toEqual([]);
    expect(encs(mm.scan(ids.at(-1)!, "body").matches)).toEqual(["android_id:plain"]);
  });
});

describe("encodings and digests the matcher precomputes", () => {
  afterEach(() => void delete (globalThis as { Checksum?: unknown }).Checksum);

  it("pure-JS MD5, SHA-1 and SHA-256 equal Node's for lengths 0–200", () => {
    for (let n = 0; n <= 200; n++) {
      const b = seeded(n + 1, n);
      for (const alg of ["md5", "sha1", "sha256"] as const) expect(digestHex(alg, b), `${alg} ${n}`).toBe(createHash(alg).update(b).digest("hex"));
    }
  });

  it("uses GumJS's Checksum.compute when the runtime has it", () => {
    const calls: string[] = [];
    (globalThis as { Checksum?: unknown }).Checksum = {
      compute: (type: string, data: ArrayBuffer): string => (calls.push(type), createHash(type).update(new Uint8Array(data)).digest("hex")),
    };
    const mm = matcher([["android_id", ANDROID_ID]]);
    expect(calls.sort()).toEqual(["md5", "md5", "sha1", "sha1", "sha256", "sha256"]);
    expect(encs(mm.scan(hash("sha1", ANDROID_ID.toUpperCase()), "body").matches)).toEqual(["android_id:sha1-lower"]);
  });

  it("UTF-8 equals Node's, lone surrogates as U+FFFD", () => {
    for (const s of ["abc", "Café", "日本語", "😀x", "\ud800", "a\udc00b", "\ud83d"]) {
      expect(Buffer.from(utf8(s)).toString("hex"), s).toBe(Buffer.from(s, "utf8").toString("hex"));
      const buf = new Uint8Array(64);
      expect(Buffer.from(buf.subarray(0, utf8Into(s, buf))).toString("hex"), s).toBe(Buffer.from(s, "utf8").toString("hex"));
    }
  });
});

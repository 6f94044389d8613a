import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { CoverageRow, NetTuple } from "../../agent/protocol.js";
import { bytesOf, learnableValue } from "../../agent/engine/egress-payload.js";
import { SCAN_BOUND } from "../../agent/engine/id-matcher.js";
import { byteArrayFromJni, type ArrayStats } from "../../runner/sandbox/java-array.js";
import { FakeJava, type ClassSpec } from "../../runner/sandbox/java.js";
import { BUNDLE, loadAgent, type Runtime } from "../../runner/sandbox/runtime.js";
import { android, ANDROID_ID, UMENG_STACK } from "../support/android-fixture.js";

// How the agent reads a Java byte[] (issue 15 item 9). frida-java-bridge hands a byte[] as a
// PrimitiveArray whose every index read is a JNI GetByteArrayElements of the whole array
// (runner/sandbox/java-array.ts models it): a payload must be read with ONE withElements, not
// element by element (64 Ki JNI round trips and 4 GiB copied on HotSpot for a 64 KiB body).

const stats = (): ArrayStats => ({ arrayElementReads: 0, arrayWithElements: 0, arrayBytesCopied: 0 });
/** Bytes 0..255 repeated: half of them negative as Java bytes. */
const pattern = (n: number): Uint8Array => Uint8Array.from({ length: n }, (_, i) => (i * 7) & 0xff);

describe("bytesOf on a byte[] as frida-java-bridge hands it", () => {
  it("a 64 KiB body: one withElements, no element-wise read, the bytes unsigned", () => {
    const s = stats();
    const java = pattern(64 * 1024);
    const p = bytesOf(byteArrayFromJni(java, s), 0, java.length)!;
    expect(s).toEqual({ arrayElementReads: 0, arrayWithElements: 1, arrayBytesCopied: java.length });
    expect(p.length).toBe(java.length);
    expect(Buffer.from(p.bytes).equals(Buffer.from(java))).toBe(true);
  });

  it("offset and length: the slice asked for, clamped to the array", () => {
    const java = pattern(1000);
    const read = (off?: unknown, len?: unknown) => {
      const p = bytesOf(byteArrayFromJni(java, stats()), off, len)!;
      return { bytes: Array.from(p.bytes), length: p.length };
    };
    expect(read(10, 100)).toEqual({ bytes: Array.from(java.subarray(10, 110)), length: 100 });
    expect(read(990, 100)).toEqual({ bytes: Array.from(java.subarray(990)), length: 10 });
    expect(read(2000, 5)).toEqual({ bytes: [], length: 0 });
    expect(read()).toEqual({ bytes: Array.from(java), length: 1000 });
  });

  it("a 256 KiB body: the copy stops at the scan bound plus a straddle margin, its full length kept", () => {
    const s = stats();
    const java = pattern(256 * 1024);
    const p = bytesOf(byteArrayFromJni(java, s), 0, java.length)!;
    expect(p.length).toBe(java.length);
    expect(p.bytes.length).toBe(SCAN_BOUND + 1024);
    expect(Buffer.from(p.bytes).equals(Buffer.from(java.subarray(0, SCAN_BOUND + 1024)))).toBe(true);
    expect(s.arrayWithElements).toBe(1);
    expect(s.arrayElementReads).toBe(0);
  });

  it("plain arrays and Uint8Array still read (signed numbers masked)", () => {
    expect(Array.from(bytesOf([-1, 0, 65, -128])!.bytes)).toEqual([255, 0, 65, 128]);
    expect(Array.from(bytesOf(Uint8Array.of(1, 2, 3, 4), 1, 2)!.bytes)).toEqual([2, 3]);
    expect(bytesOf(null)).toBeNull();
    expect(bytesOf({})).toBeNull();
  });

  it("a MAC address's byte[] learned as hex pairs with one withElements", () => {
    const s = stats();
    expect(learnableValue(byteArrayFromJni(Uint8Array.of(0x02, 0x00, 0xab, 0xff, 0x10, 0x7e), s))).toBe("02:00:ab:ff:10:7e");
    expect(s.arrayElementReads).toBe(0);
    expect(s.arrayWithElements).toBe(1);
  });
});

describe("the stand-in's byte[] is the bridge's", () => {
  it("index reads are signed bytes, each one whole withElements; toJSON reads them all at once", () => {
    const s = stats();
    const a = byteArrayFromJni(Uint8Array.of(0x7f, 0x80, 0xff), s) as ArrayLike<number> & { toJSON(): number[]; $h: unknown };
    expect([a[0], a[1], a[2], a.length]).toEqual([127, -128, -1, 3]);
    expect(s).toEqual({ arrayElementReads: 3, arrayWithElements: 3, arrayBytesCopied: 9 });
    expect(a.toJSON()).toEqual([127, -128, -1]);
    expect(s.arrayWithElements).toBe(4);
    expect(a[3]).toBeUndefined();
  });

  it("the elements pointer dies with withElements; reading past the elements throws", () => {
    const a = byteArrayFromJni(pattern(8), stats()) as { withElements<T>(fn: (p: { readByteArray(n: number): ArrayBuffer | null; add(n: number): unknown }) => T): T };
    let kept: { readByteArray(n: number): ArrayBuffer | null } | undefined;
    const buf = a.withElements((p) => ((kept = p), p.readByteArray(8)));
    expect(buf).toBeInstanceOf(ArrayBuffer);
    expect(buf!.byteLength).toBe(8);
    expect(() => kept!.readByteArray(1)).toThrow(/after ReleaseByteArrayElements/);
    expect(() => a.withElements((p) => p.readByteArray(9))).toThrow(/access violation/);
  });
});

describe("a byte[] crossing a replacement on the stand-in, as class-factory.js converts it", () => {
  it("the replacement gets a wrapper, dead once it returns; the original gets the same Java array; apply's byte[] result is wrapped, the app gets the array", () => {
    const seen: unknown[] = [];
    const java = new FakeJava([{ name: "C", methods: [{ name: "f", params: ["[B"], impl: (_s, a) => (seen.push(a[0]), Uint8Array.of(9)) }] }]);
    const o = java.get("C").overload("f", ["[B"]);
    let kept: { withElements(fn: () => unknown): unknown; length: number } | undefined;
    let inner: unknown;
    o.implementation = function (this: unknown, b: unknown) {
      kept = b as typeof kept;
      inner = o.apply(this, [b]);
      return inner;
    };
    const arg = Uint8Array.of(1, 2, 3);
    const out = o.invoke({}, [arg]);
    expect(seen).toEqual([arg]);
    expect(seen[0]).toBe(arg);
    expect(kept!.length).toBe(3);
    expect(() => kept!.withElements(() => 0)).toThrow(/dead JNI local reference/);
    expect(inner).not.toBeInstanceOf(Uint8Array);
    expect((inner as { $h: unknown }).$h).toEqual(Uint8Array.of(9));
    expect(out).toEqual(Uint8Array.of(9));
    expect(out).toBeInstanceOf(Uint8Array);
  });
});

const SSL_OUT = "com.android.org.conscrypt.ConscryptFileDescriptorSocket$SSLOutputStream";
const BYTES = ["[B", "int", "int"];
const MD5 = createHash("md5").update(ANDROID_ID).digest("hex");
const noop = (): undefined => undefined;

let source: string | undefined;

function start(): Runtime {
  const own: ClassSpec[] = [
    { name: SSL_OUT, methods: [{ name: "write", params: BYTES, impl: noop }] },
    { name: "javax.crypto.Cipher", methods: [{ name: "doFinal", params: ["[B"], impl: (_s, a) => Uint8Array.from(a[0] as Uint8Array, (b) => b ^ 0xa5) }] },
  ];
  const base = android({ imeiDenied: false, clipboardText: "" }).filter((c) => !own.some((x) => x.name === c.name));
  source ??= readFileSync(BUNDLE, "utf8");
  const rt = loadAgent([...base, ...own], { source });
  rt.rpc.init({ appPackage: "com.example.app", salt: "s" });
  return rt;
}

function egressRecords(rt: Runtime): NetTuple[] {
  const hooks = (rt.messages.filter((x) => x.type === "coverage").pop() as { hooks: readonly CoverageRow[] }).hooks;
  expect(hooks.find((r) => r[0] === "net.SSLOutputStream.write.fd")?.[1]).toBe("hooked");
  return rt.batches().flatMap((b) => (b.net ?? []).map(([, t]) => t));
}

describe("the compiled agent reads a hooked write's byte[] once (npm run build first)", () => {
  it("a TLS write of a 64 KiB body, values learned: one withElements, no element read; the match found", async () => {
    const rt = start();
    rt.call("android.provider.Settings$Secure", "getString", ["android.content.ContentResolver", "java.lang.String"], [null, "android_id"], UMENG_STACK);
    const head = new TextEncoder().encode(`POST /c HTTP/1.1\r\nHost: t.example\r\n\r\n{"did":"${MD5}","pad":"`);
    const body = new Uint8Array(64 * 1024).fill(0x61);
    body.set(head);
    const before = { ...rt.java.stats };
    rt.call(SSL_OUT, "write", BYTES, [body, 0, body.length], UMENG_STACK, { $className: SSL_OUT, this$0: { value: { getHostnameOrIP: () => "t.example", getPort: () => 443 } } });
    expect(rt.java.stats.arrayElementReads - before.arrayElementReads).toBe(0);
    expect(rt.java.stats.arrayWithElements - before.arrayWithElements).toBe(1);
    await rt.settle();
    const [net] = egressRecords(rt);
    expect(net!.slice(0, 5)).toEqual([1, "t.example", 443, 1, body.length]);
    expect(JSON.stringify(net![5])).toContain('"md5-lower"');
  });

  it("a 64 KiB buffer handed to Cipher.doFinal: scanned with one withElements; the app gets the cipher's bytes", () => {
    const rt = start();
    rt.call("android.provider.Settings$Secure", "getString", ["android.content.ContentResolver", "java.lang.String"], [null, "android_id"], UMENG_STACK);
    const plain = pattern(64 * 1024);
    const before = { ...rt.java.stats };
    const out = rt.call("javax.crypto.Cipher", "doFinal", ["[B"], [plain], UMENG_STACK);
    expect(out).toBeInstanceOf(Uint8Array);
    expect(Buffer.from(out as Uint8Array).equals(Buffer.from(Uint8Array.from(plain, (b) => b ^ 0xa5)))).toBe(true);
    expect(rt.java.stats.arrayElementReads - before.arrayElementReads).toBe(0);
    expect(rt.java.stats.arrayWithElements - before.arrayWithElements).toBe(1);
  });
});

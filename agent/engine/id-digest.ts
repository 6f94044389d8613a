/**
 * MD5, SHA-1 and SHA-256 hex digests of an identifier's bytes, computed once per learned value.
 *
 * Inside Frida, GumJS's `Checksum.compute(type, data)` (frida-gum bindings/gumjs/gumquickchecksum.c
 * and gumv8checksum.cpp, since frida-gum 16.0 commit 0fd3c625 "gumjs: Add `Checksum` API"; types in
 * @types/frida-gum index.d.ts `declare class Checksum`) hashes an ArrayBuffer with GLib's
 * GChecksum and returns lower-case hex. It is used when present. The pure-JS fallback below serves
 * the Frida-runtime stand-in (runner/sandbox) and tests; since digests are only computed at
 * learn() time (a handful of values per process, never per payload), its speed does not matter.
 */

export type DigestName = "md5" | "sha1" | "sha256";

/** GumJS's Checksum, typed locally: the Node-side tsconfig, which also compiles this file, has no frida-gum types. */
interface GumChecksum {
  compute(type: DigestName, data: ArrayBuffer): string;
}

/** Lower-case hex digest of `bytes`: GumJS's Checksum when the runtime has it, else pure JS. */
export function digestHex(name: DigestName, bytes: Uint8Array): string {
  const gum = (globalThis as { Checksum?: GumChecksum }).Checksum;
  if (gum !== undefined && typeof gum.compute === "function") {
    return gum.compute(name, bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
  }
  return toHex(name === "md5" ? md5(bytes) : name === "sha1" ? sha1(bytes) : sha256(bytes));
}

function toHex(words: readonly number[], littleEndian = false): string {
  let s = "";
  for (const w of words) {
    for (let k = 0; k < 4; k++) {
      const b = littleEndian ? (w >>> (8 * k)) & 255 : (w >>> (24 - 8 * k)) & 255;
      s += (b < 16 ? "0" : "") + b.toString(16);
    }
  }
  return s;
}

/** Merkle–Damgård padding into 32-bit words (big- or little-endian), RFC 1321 §3.1–3.2 / FIPS 180-4 §5.1. */
function pad(bytes: Uint8Array, littleEndian: boolean): Uint32Array {
  const blocks = ((bytes.length + 8) >> 6) + 1;
  const w = new Uint32Array(blocks * 16);
  const put = (i: number, b: number): void => {
    const shift = littleEndian ? 8 * (i & 3) : 24 - 8 * (i & 3);
    w[i >> 2]! |= b << shift;
  };
  bytes.forEach((b, i) => put(i, b));
  put(bytes.length, 0x80);
  const bits = bytes.length * 8;
  const lo = bits >>> 0;
  const hi = Math.floor(bits / 2 ** 32) >>> 0;
  if (littleEndian) {
    w[blocks * 16 - 2] = lo;
    w[blocks * 16 - 1] = hi;
  } else {
    w[blocks * 16 - 2] = hi;
    w[blocks * 16 - 1] = lo;
  }
  return w;
}

const rotl = (x: number, n: number): number => (x << n) | (x >>> (32 - n));

/** RFC 1321 MD5. */
function md5(bytes: Uint8Array): number[] {
  const S = [7, 12, 17, 22, 5, 9, 14, 20, 4, 11, 16, 23, 6, 10, 15, 21];
  const K = Array.from({ length: 64 }, (_, i) => Math.floor(Math.abs(Math.sin(i + 1)) * 2 ** 32) >>> 0);
  const w = pad(bytes, true);
  let [a0, b0, c0, d0] = [0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476];
  for (let off = 0; off < w.length; off += 16) {
    let [a, b, c, d] = [a0, b0, c0, d0];
    for (let i = 0; i < 64; i++) {
      const r = i >> 4;
      const f = r === 0 ? (b & c) | (~b & d) : r === 1 ? (d & b) | (~d & c) : r === 2 ? b ^ c ^ d : c ^ (b | ~d);
      const g = r === 0 ? i : r === 1 ? (5 * i + 1) & 15 : r === 2 ? (3 * i + 5) & 15 : (7 * i) & 15;
      const t = d;
      d = c;
      c = b;
      b = (b + rotl((a + f + K[i]! + w[off + g]!) | 0, S[r * 4 + (i & 3)]!)) | 0;
      a = t;
    }
    [a0, b0, c0, d0] = [(a0 + a) | 0, (b0 + b) | 0, (c0 + c) | 0, (d0 + d) | 0];
  }
  return [a0, b0, c0, d0].map((x) => x >>> 0).map((x) => swap(x));
}

/** MD5's digest is the little-endian bytes of its words; toHex reads big-endian. */
const swap = (x: number): number => (((x & 255) << 24) | (((x >>> 8) & 255) << 16) | (((x >>> 16) & 255) << 8) | (x >>> 24)) >>> 0;

/** FIPS 180-4 SHA-1. */
function sha1(bytes: Uint8Array): number[] {
  const w = pad(bytes, false);
  const h = [0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476, 0xc3d2e1f0];
  const x = new Int32Array(80);
  for (let off = 0; off < w.length; off += 16) {
    for (let i = 0; i < 80; i++) x[i] = i < 16 ? w[off + i]! : rotl(x[i - 3]! ^ x[i - 8]! ^ x[i - 14]! ^ x[i - 16]!, 1);
    let [a, b, c, d, e] = h as [number, number, number, number, number];
    for (let i = 0; i < 80; i++) {
      const r = Math.floor(i / 20);
      const f = r === 0 ? (b & c) | (~b & d) : r === 2 ? (b & c) | (b & d) | (c & d) : b ^ c ^ d;
      const k = [0x5a827999, 0x6ed9eba1, 0x8f1bbcdc, 0xca62c1d6][r]!;
      const t = (rotl(a, 5) + f + e + k + x[i]!) | 0;
      [e, d, c, b, a] = [d, c, rotl(b, 30), a, t];
    }
    [a, b, c, d, e].forEach((v, i) => (h[i] = (h[i]! + v) | 0));
  }
  return h.map((v) => v >>> 0);
}

const K256 = [
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3,
  0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
  0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
  0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
];

/** FIPS 180-4 SHA-256. */
function sha256(bytes: Uint8Array): number[] {
  const w = pad(bytes, false);
  const h = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19];
  const x = new Int32Array(64);
  const rotr = (v: number, n: number): number => (v >>> n) | (v << (32 - n));
  for (let off = 0; off < w.length; off += 16) {
    for (let i = 0; i < 64; i++) {
      if (i < 16) x[i] = w[off + i]!;
      else {
        const a = x[i - 15]!;
        const b = x[i - 2]!;
        x[i] = (x[i - 16]! + (rotr(a, 7) ^ rotr(a, 18) ^ (a >>> 3)) + x[i - 7]! + (rotr(b, 17) ^ rotr(b, 19) ^ (b >>> 10))) | 0;
      }
    }
    let [a, b, c, d, e, f, g, hh] = h as [number, number, number, number, number, number, number, number];
    for (let i = 0; i < 64; i++) {
      const t1 = (hh + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + ((e & f) ^ (~e & g)) + K256[i]! + x[i]!) | 0;
      const t2 = ((rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c))) | 0;
      [hh, g, f, e, d, c, b, a] = [g, f, e, (d + t1) | 0, c, b, a, (t1 + t2) | 0];
    }
    [a, b, c, d, e, f, g, hh].forEach((v, i) => (h[i] = (h[i]! + v) | 0));
  }
  return h.map((v) => v >>> 0);
}

/**
 * Byte encodings the identifier matcher precomputes at learn() time (agent/engine/id-matcher.ts).
 * Pure TypeScript: the agent runs in QuickJS inside Frida, where neither TextEncoder nor btoa
 * is guaranteed, so UTF-8, hex, base64 and URL encoding are written out here.
 */

/** UTF-8 bytes of `s`; a lone surrogate becomes U+FFFD, as WHATWG TextEncoder does. */
export function utf8(s: string, limit = Infinity): Uint8Array {
  const out: number[] = [];
  for (let i = 0; i < s.length && out.length < limit; i++) {
    let c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
        i++;
      }
    }
    if (c >= 0xd800 && c <= 0xdfff) c = 0xfffd;
    if (c < 0x80) out.push(c);
    else if (c < 0x800) out.push(0xc0 | (c >> 6), 0x80 | (c & 63));
    else if (c < 0x10000) out.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
    else out.push(0xf0 | (c >> 18), 0x80 | ((c >> 12) & 63), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
  }
  return Uint8Array.from(out);
}

/**
 * UTF-8 of `s` into `buf` (reused across scans so a hooked write allocates nothing), at most
 * `buf.length` bytes; returns how many were written. ASCII, the common case for URLs and
 * headers, costs one charCodeAt per byte.
 */
export function utf8Into(s: string, buf: Uint8Array): number {
  let n = 0;
  const cap = buf.length;
  for (let i = 0; i < s.length && n < cap; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) {
      buf[n++] = c;
      continue;
    }
    const d = s.charCodeAt(i + 1);
    const pair = c >= 0xd800 && c <= 0xdbff && d >= 0xdc00 && d <= 0xdfff;
    const enc = utf8(pair ? s.slice(i, i + 2) : s[i]!);
    if (pair) i++;
    for (let k = 0; k < enc.length && n < cap; k++) buf[n++] = enc[k]!;
  }
  return n;
}

const HEX = "0123456789abcdef";

/** Lower-case hex of `bytes`. */
export function hex(bytes: Uint8Array): string {
  let s = "";
  for (const b of bytes) s += HEX[b >> 4]! + HEX[b & 15]!;
  return s;
}

export const B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/** Base64 of `bytes`, RFC 4648 §4 alphabet, padded. */
export function base64(bytes: Uint8Array): string {
  let s = "";
  for (let i = 0; i < bytes.length; i += 3) {
    const n = (bytes[i]! << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
    const chars = Math.min(4, Math.ceil(((bytes.length - i) * 8) / 6));
    for (let k = 0; k < 4; k++) s += k < chars ? B64[(n >> (18 - 6 * k)) & 63]! : "=";
  }
  return s;
}

/**
 * The base64 characters that depend only on `bytes` when they sit at byte offset `align`
 * (0, 1 or 2) within a 3-byte group of a longer base64 stream. Character i of a stream covers
 * bits [6i, 6i+6); it is fixed by the value alone when that range lies inside the value's bits
 * [8·align, 8·(align+n)). The first and last characters, shared with neighbouring bytes, are
 * left out, so a value is found whatever surrounds it, at any of the three alignments.
 * Alignment 0 of a value on its own is a prefix of its padded and unpadded base64.
 */
export function base64Core(bytes: Uint8Array, align: 0 | 1 | 2): string {
  const padded = new Uint8Array(align + bytes.length + 2);
  padded.set(bytes, align);
  const all = base64(padded);
  const first = Math.ceil((8 * align) / 6);
  const last = Math.floor((8 * (align + bytes.length)) / 6);
  return all.slice(first, last);
}

/** RFC 4648 §5 (URL- and file-name-safe) alphabet of a standard base64 string. */
export function toBase64Url(s: string): string {
  return s.replace(/\+/g, "-").replace(/\//g, "_");
}

/**
 * The URL encodings of `s` SDKs produce: encodeURIComponent (space as %20, upper-case escapes),
 * form encoding (space as +), and lower-case escapes (some native HTTP stacks). Forms equal to
 * `s` itself are left out: they are the plain encoding.
 */
export function urlForms(s: string): string[] {
  const standard = encodeURIComponent(s).replace(/[!'()*]/g, (c) => "%" + c.charCodeAt(0).toString(16).toUpperCase());
  const forms = new Set([standard, standard.replace(/%20/g, "+"), standard.replace(/%[0-9A-F]{2}/g, (e) => e.toLowerCase())]);
  forms.delete(s);
  return [...forms];
}

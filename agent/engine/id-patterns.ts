/**
 * Every encoded form of one normalised identifier variant (agent/engine/id-normalise.ts), computed
 * once when the value is learned so that scanning a payload is a single multi-pattern pass
 * (agent/engine/id-index.ts). Forms: plain, URL-encoded, hex of the UTF-8 bytes, base64 (standard
 * and URL-safe, each at the three byte alignments of a longer stream), and the MD5, SHA-1 and
 * SHA-256 hex digests of the UTF-8 bytes.
 */
import { digestHex, type DigestName } from "./id-digest.js";
import { base64Core, hex, toBase64Url, urlForms, utf8 } from "./id-encode.js";
import type { Bound, Variant } from "./id-normalise.js";

/** The encoding family a pattern was built with; hex and digest families get their case at match time. */
export type EncFamily = "plain" | "url" | "hex" | "base64" | "base64url" | DigestName;

export interface EncodedForm {
  readonly bytes: Uint8Array;
  readonly ci: boolean;
  readonly enc: EncFamily;
  readonly form: string;
  readonly bound: Bound;
}

/** Shorter base64 cores (a 6-byte value at alignment 1 or 2 keeps 6 characters) match by chance. */
export const MIN_BASE64_CORE = 8;

const DIGESTS: readonly DigestName[] = ["md5", "sha1", "sha256"];

/** The encoded forms of `variants`, de-duplicated (a lower- and an upper-case variant share one case-insensitive plain form). */
export function encodeVariants(variants: readonly Variant[]): EncodedForm[] {
  const out = new Map<string, EncodedForm>();
  const add = (text: string, ci: boolean, enc: EncFamily, form: string, bound: Bound): void => {
    const key = `${ci ? 1 : 0}${enc}|${ci ? text.toLowerCase() : text}`;
    if (!out.has(key)) out.set(key, { bytes: utf8(ci ? text.toLowerCase() : text), ci, enc, form, bound });
  };
  for (const v of variants) {
    // A case-insensitive plain form stands for both spellings; the matcher names the one seen.
    const textForm = v.ci ? v.form.replace(/ ?(lower|upper)$/, "") : v.form;
    add(v.text, v.ci, "plain", textForm, v.bound);
    for (const u of urlForms(v.text)) add(u, v.ci, "url", textForm, v.bound);
    if (v.encodings === "text") continue;
    const bytes = utf8(v.text);
    add(hex(bytes), true, "hex", v.form, "none");
    for (const align of [0, 1, 2] as const) {
      const core = base64Core(bytes, align);
      if (core.length < MIN_BASE64_CORE) continue;
      add(core, false, "base64", v.form, "none");
      // Without '+' or '/' both alphabets spell the same characters: reported as "base64".
      if (/[+/]/.test(core)) add(toBase64Url(core), false, "base64url", v.form, "none");
    }
    for (const d of DIGESTS) add(digestHex(d, bytes), true, d, v.form, "none");
  }
  return [...out.values()];
}

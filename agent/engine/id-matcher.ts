/**
 * The identifier matcher (issue 15, item 2): the agent learns the identifier values hooked calls
 * returned in this process (and, later, those the runner supplies), and scans each outgoing
 * payload — a URL, a header, a body, or what an SDK hands to a cipher or compressor — for them in
 * the encodings SDKs use. A match names the identifier's kind, the encoding, where it was found
 * and the read it came from, never the value.
 *
 * Bounds: each payload is scanned over its first SCAN_BOUND (64 KiB) bytes; a value that starts
 * before the bound is still found when it straddles it (the scan reads up to the longest
 * pattern's length − 1 further). What lies beyond is not scanned and is counted in `cutBytes`
 * (for a string, in UTF-16 units: a lower bound of its UTF-8 bytes). At most MAX_VALUES (256)
 * values are kept, oldest dropped first, and of those at most MAX_LOCATIONS (16) positions:
 * coordinates change as the device moves and each brings ~55 patterns; at most
 * MAX_MATCHES (32) matches are reported per payload, the rest counted
 * (`droppedMatches`; past 128 raw hits, nested ones included).
 *
 * Cost: every encoded form is computed once in learn(); scan() is one Wu–Manber pass over the
 * bytes (agent/engine/id-index.ts), with no allocation for byte payloads; inside real Frida the
 * pass runs in C (agent/engine/id-scan-native.ts) over the same tables. `npm run bench:matcher`
 * prints the cost per KiB and per request.
 *
 * Not seen: identifiers inside compressed or encrypted bytes (the hooks scan what goes into
 * Cipher/Deflater/Base64 instead, marking `pre-encryption`), values split across two writes,
 * encodings other than those in agent/engine/id-patterns.ts (e.g. UTF-16, a value's digest with
 * a salt, coordinates scaled to integers), and any value the normalisation refuses.
 */
import { utf8Into } from "./id-encode.js";
import { PatternIndex } from "./id-index.js";
import type { ScanEngine } from "./id-scan-native.js";
import { normalise, type IdKind } from "./id-normalise.js";
import { encodeVariants, type EncFamily, type EncodedForm } from "./id-patterns.js";

export type { IdKind } from "./id-normalise.js";

export type Where = "url" | "header" | "body" | "pre-encryption";

export type Enc =
  | "plain" | "url" | "base64" | "base64url"
  | "hex-lower" | "hex-upper" | "md5-lower" | "md5-upper" | "sha1-lower" | "sha1-upper" | "sha256-lower" | "sha256-upper";

export interface Match {
  readonly kind: IdKind;
  readonly enc: Enc;
  readonly where: Where;
  /** The hooked read that returned the value; absent for a value the runner supplied. */
  readonly readSeq?: number;
  /** Byte offset of the match in the payload (UTF-8 bytes for a string payload). */
  readonly offset: number;
  readonly length: number;
  /** Which spelling of the value matched (e.g. "colons upper", "+86", "lat,lng 4dp round"); never the value. */
  readonly form: string;
}

export interface ScanResult {
  readonly matches: readonly Match[];
  readonly scannedBytes: number;
  readonly cutBytes: number;
  /** Matches beyond MAX_MATCHES, not reported. */
  readonly droppedMatches: number;
}

export type LearnResult = { readonly learned: true; readonly patterns: number } | { readonly learned: false; readonly reason: string };

export const SCAN_BOUND = 64 * 1024;
export const MAX_VALUES = 256;
export const MAX_LOCATIONS = 16;
export const MAX_MATCHES = 32;
/** Raw hits kept before nested ones are dropped: a payload that repeats a value thousands of times stays linear. */
const RAW_CAP = 4 * MAX_MATCHES;

interface Learned {
  readonly kind: IdKind;
  /** False once evicted: its patterns stay in the index, ignored, until the next rebuild. */
  alive: boolean;
  readSeq: number | undefined;
  readonly forms: readonly EncodedForm[];
}

interface Indexed {
  readonly index: PatternIndex;
  /** By pattern id: the value and the encoded form. */
  readonly owner: Learned[];
  readonly forms: EncodedForm[];
}

const EMPTY: readonly Match[] = [];

export class IdMatcher {
  private readonly values = new Map<string, Learned>();
  private indexed: Indexed | null = null;
  private buffer = new Uint8Array(0);
  private locations = 0;
  /** Patterns of evicted values still in the index. */
  private dead = 0;
  private readonly totals = { payloads: 0, scannedBytes: 0, cutBytes: 0, matches: 0 };

  /** `engine`: a scan loop in C (agent/engine/id-scan-native.ts) where the runtime has one; else the index's own. */
  constructor(private readonly engine: ScanEngine | null = null) {}

  /**
   * Learns `value` as an identifier of `kind`, read by hooked call `readSeq` (omit it for a value
   * known without a read, e.g. supplied by the runner). Learning a known value again keeps its
   * first read, or takes this one when it had none.
   */
  learn(kind: IdKind, value: string, readSeq?: number): LearnResult {
    const n = normalise(kind, value);
    if ("refused" in n) return { learned: false, reason: n.refused };
    const key = `${kind}\u0000${n.variants[0]!.text}`;
    const known = this.values.get(key);
    if (known) {
      if (known.readSeq === undefined) known.readSeq = readSeq;
      return { learned: true, patterns: known.forms.length };
    }
    const forms = encodeVariants(n.variants);
    const learned: Learned = { kind, alive: true, readSeq, forms };
    this.values.set(key, learned);
    if (kind === "location" && ++this.locations > MAX_LOCATIONS) this.evict((v) => v.kind === "location");
    if (this.values.size > MAX_VALUES) this.evict(() => true);
    this.extendIndex(learned);
    return { learned: true, patterns: forms.length };
  }

  /**
   * Drops the oldest value `which` accepts. Its patterns are skipped rather than removed, so that
   * a moving device does not rebuild the index at every new position; a rebuild happens once
   * dead patterns outnumber live ones.
   */
  private evict(which: (v: Learned) => boolean): void {
    for (const [key, v] of this.values) {
      if (!which(v)) continue;
      this.values.delete(key);
      v.alive = false;
      if (v.kind === "location") this.locations--;
      this.dead += v.forms.length;
      if (this.indexed && this.dead * 2 > this.indexed.forms.length) this.indexed = null;
      return;
    }
  }

  /** Identifiers currently learned. */
  get size(): number {
    return this.values.size;
  }

  /** Totals since creation: payloads scanned, bytes scanned and cut, matches reported, and the live pattern count. */
  stats(): { payloads: number; scannedBytes: number; cutBytes: number; matches: number; values: number; patterns: number } {
    return { ...this.totals, values: this.values.size, patterns: (this.index()?.forms.length ?? 0) - this.dead };
  }

  /**
   * Scans the first SCAN_BOUND bytes of `payload` for every learned value in every encoding.
   * `totalLength`: the whole payload's length in bytes when `payload` is a bounded copy of it
   * (a hook copies at most SCAN_BOUND plus a margin of a large Java byte[]), so that `cutBytes` is right.
   */
  scan(payload: Uint8Array | ArrayBuffer | string, where: Where, totalLength?: number): ScanResult {
    const ix = this.index();
    const reach = SCAN_BOUND + (ix ? ix.index.maxLength - 1 : 0);
    const { data, end, cut, loaded } = this.view(payload, reach, ix ? ix.index.window : Infinity, totalLength);
    const scanned = Math.min(end, SCAN_BOUND);
    this.totals.payloads++;
    this.totals.scannedBytes += scanned;
    this.totals.cutBytes += cut;
    if (!ix || end < ix.index.window) return { matches: EMPTY, scannedBytes: scanned, cutBytes: cut, droppedMatches: 0 };
    const raw: Match[] = [];
    let overflow = 0;
    const at = typeof data === "string" ? charAt(data) : byteAt(data);
    const hit = (id: number, start: number): void => {
      const form = ix.forms[id]!;
      const owner = ix.owner[id]!;
      if (!owner.alive || !bounded(form, at, start, end)) return;
      if (raw.length >= RAW_CAP) return void overflow++;
      const length = form.bytes.length;
      const enc = resolveEnc(form.enc, at, start, length);
      const spelled = form.ci && (enc === "plain" || enc === "url") ? withCase(form.form, at, start, length) : form.form;
      raw.push({ kind: owner.kind, enc, where, ...(owner.readSeq !== undefined ? { readSeq: owner.readSeq } : {}), offset: start, length, form: spelled });
    };
    const e = this.engine;
    let undelivered = 0; // not `overflow +=`: hit() adds to overflow while the loop runs
    if (loaded) undelivered = e!.scanLoaded(ix.index, end, SCAN_BOUND, hit);
    else if (typeof data === "string") ix.index.scanAscii(data, end, SCAN_BOUND, hit);
    else if (e) undelivered = e.scanBytes(ix.index, data, end, SCAN_BOUND, hit);
    else ix.index.scan(data, end, SCAN_BOUND, hit);
    overflow += undelivered;
    const kept = outermost(raw);
    const matches = kept.length > MAX_MATCHES ? kept.slice(0, MAX_MATCHES) : kept;
    this.totals.matches += matches.length;
    return { matches, scannedBytes: scanned, cutBytes: cut, droppedMatches: kept.length - matches.length + overflow };
  }

  /**
   * What is scanned: bytes, or an ASCII string (URLs, most headers: its own UTF-8, read in place),
   * up to `reach`; `loaded` when the C loop already holds the string's bytes. Only the part that
   * is scanned is checked: a 64 MiB string costs no more than a 64 KiB one.
   */
  private view(payload: Uint8Array | ArrayBuffer | string, reach: number, window: number, totalLength?: number): { data: Uint8Array | string; end: number; cut: number; loaded: boolean } {
    if (typeof payload !== "string") {
      const data = payload instanceof Uint8Array ? payload : new Uint8Array(payload);
      return { data, end: Math.min(data.length, reach), cut: Math.max(0, Math.max(totalLength ?? 0, data.length) - SCAN_BOUND), loaded: false };
    }
    const head = payload.length > reach ? payload.slice(0, reach) : payload;
    const cut = Math.max(0, payload.length - SCAN_BOUND);
    // In C the ASCII check comes with copying the string out (a regex over it costs more under QuickJS).
    if (this.engine && head.length >= window && this.engine.loadAscii(head)) return { data: head, end: head.length, cut, loaded: true };
    if (!NON_ASCII.test(head)) return { data: head, end: head.length, cut, loaded: false };
    if (this.buffer.length < reach) this.buffer = new Uint8Array(reach);
    const end = utf8Into(payload, this.buffer.subarray(0, reach));
    // Beyond the buffer the UTF-8 length is not computed: at least one byte per UTF-16 unit.
    return { data: this.buffer, end, cut: end > SCAN_BOUND ? Math.max(payload.length - SCAN_BOUND, end - SCAN_BOUND) : 0, loaded: false };
  }

  /**
   * Adds a new value's forms to the built index in place: learning a new position every second
   * would otherwise rebuild it each time (3.5 ms at 150 values under `node --jitless`). A form
   * shorter than the index's window, or an eviction, leaves the rebuild to the next scan.
   */
  private extendIndex(v: Learned): void {
    const ix = this.indexed;
    if (!ix) return;
    for (const f of v.forms) {
      if (!ix.index.tryAdd(f)) {
        this.indexed = null;
        return;
      }
      ix.owner.push(v);
      ix.forms.push(f);
    }
  }

  /** The pattern index, rebuilt after an eviction or a too-short pattern (once, at the next scan). */
  private index(): Indexed | null {
    if (this.indexed || this.values.size === 0) return this.indexed;
    const owner: Learned[] = [];
    const forms: EncodedForm[] = [];
    for (const v of this.values.values()) {
      for (const f of v.forms) {
        owner.push(v);
        forms.push(f);
      }
    }
    this.indexed = { index: new PatternIndex(forms), owner, forms };
    this.dead = 0;
    return this.indexed;
  }
}

const NON_ASCII = /[^\x00-\x7f]/;

/** A byte of the payload, read only around a hit (so one closure call per byte there costs nothing overall). */
type At = (i: number) => number;
const byteAt = (d: Uint8Array): At => (i) => d[i]!;
const charAt = (s: string): At => (i) => s.charCodeAt(i);

const isDigit = (b: number): boolean => b >= 48 && b <= 57;

/** A numeric value glued to more digits is another number: "138…" inside "86138…" is not a national number. */
function bounded(form: EncodedForm, at: At, start: number, end: number): boolean {
  if (form.bound === "none") return true;
  if (start > 0 && isDigit(at(start - 1))) return false;
  const after = start + form.bytes.length;
  return form.bound === "digit-before" || after >= end || !isDigit(at(after));
}

/** Hex and digests match in any case; the payload's own spelling decides which is reported (no letters: lower). */
function resolveEnc(family: EncFamily, at: At, start: number, length: number): Enc {
  if (family !== "hex" && family !== "md5" && family !== "sha1" && family !== "sha256") return family;
  for (let i = start; i < start + length; i++) {
    const b = at(i);
    if (b >= 65 && b <= 70) return `${family}-upper`;
    if (b >= 97 && b <= 102) return `${family}-lower`;
  }
  return `${family}-lower`;
}

/** A case-insensitive plain or URL match's form with the case seen in the payload ("lower", "upper", "mixed"; none without letters). */
function withCase(form: string, at: At, start: number, length: number): string {
  let upper = false;
  let lower = false;
  for (let i = start; i < start + length; i++) {
    const b = at(i);
    if (b === 37) i += 2; // a %XX escape's case is the encoder's, not the value's
    else upper ||= b >= 65 && b <= 90;
    lower ||= b >= 97 && b <= 122;
  }
  const seen = upper && lower ? "mixed" : upper ? "upper" : lower ? "lower" : "";
  return [form, seen].filter(Boolean).join(" ");
}

/** Drops a match inside a longer match of the same kind (a 4-decimal latitude inside a 6-decimal pair), ordered by offset. */
function outermost(raw: Match[]): Match[] {
  if (raw.length < 2) return raw;
  raw.sort((a, b) => a.offset - b.offset || b.length - a.length);
  const kept: Match[] = [];
  for (const m of raw) {
    const inside = kept.some((k) => k.kind === m.kind && k.offset <= m.offset && k.offset + k.length >= m.offset + m.length);
    if (!inside) kept.push(m);
  }
  return kept;
}

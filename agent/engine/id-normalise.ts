/**
 * Per-kind normalisation of the identifier values the agent learns (agent/engine/id-matcher.ts):
 * which textual variants of one value an SDK may send, and which values are refused because they
 * would match everywhere. Every variant is later encoded (plain, URL, hex, base64, digests).
 *
 * The refusal rule: a value is not learned when, after normalisation, it is shorter than
 * MIN_VALUE_BYTES (6) UTF-8 bytes, consists of one repeated character ("0000…", "ffff…"), is a
 * placeholder Android returns instead of a real value ("unknown", "<unknown ssid>", the fake MAC
 * 02:00:00:00:00:00 of Android 6+, the all-zero advertising ID of a limited-ad-tracking user), or
 * does not have the shape of its kind (an IMEI that is not 14–16 digits). Such values occur in
 * unrelated traffic, so a match would say nothing.
 */

export type IdKind =
  | "android_id" | "imei" | "meid" | "imsi" | "iccid" | "serial" | "phone_number"
  | "oaid" | "vaid" | "aaid" | "gaid" | "mac" | "ssid" | "bssid" | "location";

/** How the bytes around a plain match must look: digits glued to a number make another number. */
export type Bound = "none" | "digits" | "digit-before";

export interface Variant {
  readonly text: string;
  /** Names the variant in a match (e.g. "no-separators", "national", "lat,lng 5dp"); never holds the value. */
  readonly form: string;
  /** Matched without regard to ASCII case (hex-like values, whose case SDKs change freely). */
  readonly ci: boolean;
  readonly bound: Bound;
  /** "text": plain and URL only (coordinates: no SDK hashes or hex-encodes a rounded number). */
  readonly encodings: "all" | "text";
}

export type Normalised = { readonly variants: readonly Variant[] } | { readonly refused: string };

export const MIN_VALUE_BYTES = 6;

const PLACEHOLDERS = new Set([
  "unknown", "null", "undefined", "none", "n/a", "default", "<unknown ssid>", "0x", "02:00:00:00:00:00",
  "00000000-0000-0000-0000-000000000000", "android_id", "not available",
]);

/** Normalises `raw` as a value of `kind`: its variants, or why it is refused. */
export function normalise(kind: IdKind, raw: string): Normalised {
  const value = raw.trim();
  if (PLACEHOLDERS.has(value.toLowerCase())) return { refused: "placeholder value" };
  const variants = byKind(kind, value);
  if (typeof variants === "string") return { refused: variants };
  const kept = variants.filter((v) => byteLength(v.text) >= MIN_VALUE_BYTES && !oneChar(v.text));
  return kept.length > 0 ? { variants: kept } : { refused: `shorter than ${MIN_VALUE_BYTES} bytes or one repeated character` };
}

function byKind(kind: IdKind, v: string): readonly Variant[] | string {
  switch (kind) {
    case "android_id": return /^[0-9a-f]{8,16}$/i.test(v) ? cased(v, "") : "not 8–16 hex digits";
    case "imei": return digitsOnly(v, 14, 16, "not 14–16 digits");
    case "imsi": return digitsOnly(v, 14, 15, "not 14–15 digits");
    case "meid": return /^[0-9a-f]{14}$/i.test(v) ? cased(v, "") : digitsOnly(v, 18, 18, "not 14 hex or 18 decimal digits");
    case "iccid": return iccid(v);
    case "serial": return [plain(v, "", true)];
    case "phone_number": return phone(v);
    case "oaid": case "vaid": case "aaid": case "gaid": return advertising(v);
    case "mac": case "bssid": return mac(v);
    case "ssid": return [plain(v.replace(/^"(.*)"$/s, "$1"), "", false)];
    case "location": return location(v);
  }
}

const plain = (text: string, form: string, ci: boolean, bound: Bound = "none"): Variant => ({ text, form, ci, bound, encodings: "all" });

/** Lower- and upper-case spellings: one plain pattern (case-insensitive), but distinct hex/base64/digests. */
function cased(v: string, form: string, bound: Bound = "none"): Variant[] {
  const lower = plain(v.toLowerCase(), form ? `${form} lower` : "lower", true, bound);
  const upper = plain(v.toUpperCase(), form ? `${form} upper` : "upper", true, bound);
  return lower.text === upper.text ? [plain(v, form, true, bound)] : [lower, upper];
}

function digitsOnly(v: string, min: number, max: number, why: string): Variant[] | string {
  const d = v.replace(/[\s-]/g, "");
  return /^\d+$/.test(d) && d.length >= min && d.length <= max ? [plain(d, "", false, "digits")] : why;
}

/** ICCIDs are 18–22 digits; some modems report a trailing F filler nibble: matched with and without it. */
function iccid(v: string): Variant[] | string {
  const d = v.replace(/\s/g, "").toUpperCase();
  if (!/^\d{18,22}F?$/.test(d)) return "not 18–22 digits";
  const bare = d.replace(/F$/, "");
  return bare === d ? [plain(d, "", false, "digits")] : [plain(bare, "", false, "digits"), plain(d, "with F", true, "digit-before")];
}

/**
 * Country calling codes recognised after "+" or "00", longest first (ITU-T E.164 assignments of
 * the markets permtrace targets). An unlisted code keeps only the full international forms.
 */
const COUNTRY_CODES = ["852", "853", "886", "86", "44", "49", "33", "81", "82", "91", "61", "65", "7", "1"];

/**
 * Phone numbers: separators dropped; sent as "+CC N", "CC N", "00CC N" or the national number N.
 * A national 11-digit Chinese mobile number (1[3-9]…) is also matched with +86/86/0086, since
 * getLine1Number on Chinese SIMs often returns it without the country code. Trunk prefixes
 * (a leading 0 in national dialling, e.g. UK 07…) are not generated.
 */
function phone(v: string): Variant[] | string {
  const d = v.replace(/[\s\-().]/g, "");
  const intl = /^(\+|00)(\d{7,15})$/.exec(d);
  let cc = "";
  let national = "";
  if (intl) {
    cc = COUNTRY_CODES.find((c) => intl[2]!.startsWith(c)) ?? "";
    national = cc ? intl[2]!.slice(cc.length) : "";
    if (!cc) return [plain(`+${intl[2]}`, "international", false, "digits"), plain(intl[2]!, "international no +", false, "digits")];
  } else if (/^\d{7,15}$/.test(d)) {
    national = d;
    cc = /^1[3-9]\d{9}$/.test(d) ? "86" : "";
  } else return "not a phone number (7–15 digits, optional + or 00)";
  const out = [plain(national, "national", false, "digits")];
  if (cc) out.push(plain(`+${cc}${national}`, `+${cc}`, false, "digits"), plain(`${cc}${national}`, cc, false, "digits"), plain(`00${cc}${national}`, `00${cc}`, false, "digits"));
  return out;
}

/** OAID/VAID/AAID/GAID: UUIDs (also sent without dashes) or vendor hex strings, in either case. */
function advertising(v: string): Variant[] | string {
  if (/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(v)) {
    if (/^[0-]+$/.test(v)) return "all-zero advertising ID (limit ad tracking)";
    return [...cased(v, "uuid"), ...cased(v.replace(/-/g, ""), "no-dashes")];
  }
  if (/^[0-9a-f]+$/i.test(v)) return cased(v, "hex");
  return [plain(v, "", false)];
}

/** MACs and BSSIDs: 12 hex digits, colon-, dash- or un-separated, either case. */
function mac(v: string): Variant[] | string {
  const hexDigits = v.replace(/[:\-.]/g, "").toLowerCase();
  if (!/^[0-9a-f]{12}$/.test(hexDigits)) return "not a MAC address";
  if (hexDigits === "020000000000" || /^(0{12}|f{12})$/.test(hexDigits)) return "placeholder MAC (Android's fake 02:00:00:00:00:00, zero or broadcast)";
  const pairs = hexDigits.match(/../g)!;
  return [...cased(pairs.join(":"), "colons"), ...cased(pairs.join("-"), "dashes"), ...cased(hexDigits, "no-separators")];
}

/**
 * Coordinates, learned as "lat,lng". SDKs send them rounded or truncated to 2–6 decimals
 * (6 ≈ 0.1 m, the AMap/Baidu default; 4 ≈ 11 m; 2 ≈ 1.1 km, a "coarse" city-level position).
 * Matched as a pair "lat,lng" and "lng,lat" (AMap's order) as read and at 2–6 decimals, and as separate
 * numbers (JSON fields "lat": …, "lng": …) at 4–6 decimals only: a lone 2–3-decimal number such
 * as 39.91 occurs in unrelated data (prices, versions). Scaled integers (E6/E7) are not matched.
 */
function location(v: string): Variant[] | string {
  const m = /^\s*(-?\d{1,3}(?:\.\d+)?)\s*[,;\s]\s*(-?\d{1,3}(?:\.\d+)?)\s*$/.exec(v);
  if (!m) return "not \"lat,lng\"";
  const [lat, lng] = [m[1]!, m[2]!];
  if (Math.abs(Number(lat)) > 90 || Math.abs(Number(lng)) > 180) return "latitude or longitude out of range";
  if (Number(lat) === 0 && Number(lng) === 0) return "null island (0,0): no fix";
  const out = new Map<string, Variant>();
  const add = (text: string, form: string): void => void (out.has(text) || out.set(text, { text, form, ci: false, bound: "digit-before", encodings: "text" }));
  // As the hooked read returned them (Location.getLatitude() prints up to 15 decimals).
  add(`${lat},${lng}`, "lat,lng as read");
  add(`${lng},${lat}`, "lng,lat as read");
  for (let dp = 6; dp >= 2; dp--) {
    const rounded = [fixed(lat, dp, true), fixed(lng, dp, true)] as const;
    const truncated = [fixed(lat, dp, false), fixed(lng, dp, false)] as const;
    // Named "round"/"trunc" only where the two differ.
    const ways = rounded[0] === truncated[0] && rounded[1] === truncated[1] ? [["", rounded]] as const : [[" round", rounded], [" trunc", truncated]] as const;
    for (const [how, [a, b]] of ways) {
      add(`${a},${b}`, `lat,lng ${dp}dp${how}`);
      add(`${b},${a}`, `lng,lat ${dp}dp${how}`);
      if (dp >= 4) {
        add(a, `lat ${dp}dp${a === truncated[0] && a === rounded[0] ? "" : how}`);
        add(b, `lng ${dp}dp${b === truncated[1] && b === rounded[1] ? "" : how}`);
      }
    }
  }
  return [...out.values()];
}

/** `n` with `dp` decimals, rounded (toFixed) or truncated on its decimal string. */
function fixed(n: string, dp: number, round: boolean): string {
  if (round) return Number(n).toFixed(dp);
  const [int, frac = ""] = n.split(".");
  return `${int}.${frac.padEnd(dp, "0").slice(0, dp)}`;
}

function byteLength(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) n += s.charCodeAt(i) < 0x80 ? 1 : 3;
  return n;
}

const oneChar = (s: string): boolean => s.length > 0 && s.split("").every((c) => c.toLowerCase() === s[0]!.toLowerCase());

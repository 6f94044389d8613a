/**
 * Escaping for the HTML report. Package names, frames, arguments, SDK names, scenario names,
 * labels and paths come from the app under test or its trace and are hostile: every dynamic
 * string goes through `esc` (text and double-quoted attribute contexts alike), and strings that
 * may carry app data are wrapped by `u` so they wrap anywhere and are bidi-isolated.
 */
// Default-ignorable code points: bidi embeddings, overrides, isolates and marks (which reorder
// the text around them: a package name showing "exe.gpj" as "jpg.exe"), and what renders as
// nothing (zero-width spaces and joiners, word joiners, soft hyphens, variation selectors, tag
// characters, Hangul fillers), with which a name can pass for another ("com.umeng\u200B.x" for
// "com.umeng.x"). Same set as the Markdown, SARIF and spreadsheet escaping.
const INVISIBLE = /\p{Default_Ignorable_Code_Point}/gu;
// Past a few combining marks on one character ("Zalgo" text), glyphs pile up over the lines around.
const MARK_RUN = /(\p{M}{3})\p{M}+/gu;
// C0 (except tab and line feed) and C1 controls.
const CONTROL = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/g;
const ENTITIES: Readonly<Record<string, string>> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/** Cuts at max UTF-16 units without splitting a surrogate pair. */
export function cut(s: string, max: number): string {
  if (s.length <= max) return s;
  const end = /[\uD800-\uDBFF]/.test(s[max - 1] ?? "") ? max - 1 : max;
  return `${s.slice(0, end)}…`;
}

const GRAPHEMES = new Intl.Segmenter("en", { granularity: "grapheme" });
/** Longest grapheme cluster kept whole (UTF-16 units): a conjunct, a flag, an emoji with its modifier fit. */
export const MAX_CLUSTER = 12;
// Only past Latin and IPA can characters join into long clusters: the common case skips the segmenter.
const MAY_CLUSTER = /[^\u0000-\u02FF]/;

/**
 * A line can only wrap between grapheme clusters, and a cluster can be any length: a Hangul
 * syllable with 300 vowel jamo, an Indic conjunct of 150 consonants (each joined by a virama),
 * an emoji with 200 modifiers. Such a cluster keeps its first four code points and ends in U+FFFD.
 */
function shortClusters(s: string): string {
  if (!MAY_CLUSTER.test(s)) return s;
  let out = "";
  let changed = false;
  for (const { segment } of GRAPHEMES.segment(s)) {
    if (segment.length > MAX_CLUSTER) {
      out += `${Array.from(segment).slice(0, 4).join("")}\uFFFD`;
      changed = true;
    } else out += segment;
  }
  return changed ? out : s;
}

/**
 * Neutralised text, not yet escaped: invisible and bidi characters shown as U+FFFD, runs of
 * combining marks cut to three, overlong grapheme clusters cut, control characters as spaces;
 * then cut at max.
 */
export function clean(value: unknown, max = 500): string {
  const s = String(value ?? "");
  // Bounds the work on a huge string; the cut below still says it was cut.
  const head = s.length > max * 4 + 8 ? s.slice(0, max * 4 + 8) : s;
  const out = cut(shortClusters(head.replace(MARK_RUN, "$1").replace(INVISIBLE, "\uFFFD").replace(CONTROL, " ")), max);
  return head.length < s.length && !out.endsWith("…") ? `${out}…` : out;
}

/** Escaped for HTML text and for attribute values in double quotes. */
export function esc(value: unknown, max = 500): string {
  return clean(value, max).replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}

/** Untrusted text: escaped, bidi-isolated, wrapping anywhere (see `.u` in the stylesheet). */
export function u(value: unknown, max = 500): string {
  return `<bdi class="u">${esc(value, max)}</bdi>`;
}

/** Untrusted text in a code font. */
export function uc(value: unknown, max = 500): string {
  return `<code class="u">${esc(value, max)}</code>`;
}

/** 12345 → "12,345" (fixed locale: the report is deterministic). */
export function int(n: number): string {
  return Math.round(n).toLocaleString("en-US");
}

/** Milliseconds of trace time as seconds, with the precision short traces need. */
export function secs(ms: number): string {
  const s = ms / 1000;
  const digits = Math.abs(s) >= 100 ? 1 : Math.abs(s) >= 10 ? 2 : 3;
  return `${s.toFixed(digits)} s`;
}

/** A duration for the header: "4 min 12 s", "12.3 s". */
export function duration(ms: number): string {
  if (ms < 60_000) return secs(ms);
  const total = Math.round(ms / 1000);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  return h > 0 ? `${h} h ${m} min` : `${m} min ${s} s`;
}

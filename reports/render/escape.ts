/**
 * Escaping for text that came from the app under test (package names, frames, arguments).
 * Markdown renderers (GitHub, GitLab, VS Code) pass inline HTML through, so `<`, `>` and `&`
 * become entities; Markdown syntax characters are backslash-escaped; line breaks, bidi controls
 * and invisible characters are neutralised; very long strings are cut.
 */
// Default-ignorable code points: bidi controls (which reorder the text around them) and what
// renders as nothing (zero-width spaces and joiners, soft hyphens, variation selectors, tag
// characters), with which a name can pass for another. As in the HTML escaping.
const BIDI = /\p{Default_Ignorable_Code_Point}/gu;
const CONTROL = /[\u0000-\u0008\u000B-\u001F\u007F]/g;
// Mid-line, only these start Markdown syntax; line-start syntax is handled by mdLine.
const MD_SPECIAL = /([\\`*_[\]|~])/g;

export function mdText(value: unknown, max = 300): string {
  let s = String(value ?? "");
  if (s.length > max) s = `${s.slice(0, max)}…`;
  return s
    .replace(BIDI, "\uFFFD")
    .replace(CONTROL, " ")
    .replace(/\r?\n/g, " ")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(MD_SPECIAL, "\\$1");
}

/** Inside a code span: backticks cannot be escaped, so they are replaced; pipes would end a table cell. */
export function mdCode(value: unknown, max = 300): string {
  let s = String(value ?? "");
  if (s.length > max) s = `${s.slice(0, max)}…`;
  s = s.replace(BIDI, "\uFFFD").replace(CONTROL, " ").replace(/\r?\n/g, " ").replace(/`/g, "ˋ").replace(/\|/g, "¦");
  return `\`${s}\``;
}

/** Text that starts a line: also neutralises headings, quotes, lists, rules and numbered items. */
export function mdLine(value: unknown, max = 300): string {
  const s = mdText(value, max);
  return /^(#|>|[-+=]|\d+[.)]|&gt;)/.test(s) ? `\\${s}` : s;
}

// Not characters of XML 1.0 (an XLSX or JUnit file holding one no longer parses): U+FFFE, U+FFFF
// and surrogates without their pair. C0 controls are handled with CONTROL.
const NOT_XML = /[\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const CELL_CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g;

/**
 * Plain text for a spreadsheet cell or an XML file: bidi controls and invisible characters shown
 * as U+FFFD (Excel and CI pages would reorder or hide them), control characters but tab and line breaks as
 * spaces, and what XML 1.0 cannot hold as U+FFFD. Not escaped: the caller's format does that.
 */
export function plainText(value: unknown): string {
  return String(value ?? "").replace(BIDI, "\uFFFD").replace(CELL_CONTROL, " ").replace(NOT_XML, "\uFFFD");
}

// C0 and C1 controls and DEL: a terminal acts on them (colours, titles, the clipboard through OSC 52).
const TERMINAL_CONTROL = /[\u0000-\u0009\u000B-\u001F\u007F-\u009F]/g;

/**
 * Text from the app for a terminal, one line: control characters (escape sequences start with
 * ESC or a C1 control) become `?`, bidi controls and invisible characters U+FFFD, line breaks
 * spaces, and very long strings are cut.
 */
export function termText(value: unknown, max = 500): string {
  let s = String(value ?? "");
  if (s.length > max) s = `${s.slice(0, max)}…`;
  return s.replace(/\r?\n/g, " ").replace(TERMINAL_CONTROL, "?").replace(BIDI, "\uFFFD");
}

/**
 * A finding's evidence details (rule-specific: the send's host, identifiers with their encodings
 * and places, bytes and the reads they name; observed counts and limits; …) as one line of JSON
 * for table formats (CSV, XLSX), cut at DETAILS_MAX characters. Strings in it come from the app:
 * each format's own cell escaping still applies.
 */
export const DETAILS_MAX = 2000;

export function detailsText(details: Readonly<Record<string, unknown>> | undefined): string {
  if (!details || Object.keys(details).length === 0) return "";
  const s = JSON.stringify(details);
  return s.length > DETAILS_MAX ? `${s.slice(0, DETAILS_MAX - 1)}…` : s;
}

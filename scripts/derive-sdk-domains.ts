/**
 * Derives the Exodus part of reports/sdk/catalogue/domains.ts from Exodus's tracker signatures
 * (../shared/data/exodus-trackers/exodus_trackers_signatures.tsv, the `network_signature` column:
 * one regex of alternatives per tracker) for every catalogue entry whose `ref` is `exodus:<id>`.
 * The committed artifact is the data module; this script only writes its generated span again:
 *
 *   npm run -s build && node dist/scripts/derive-sdk-domains.js [<tsv>] [--write]
 *
 * test/reports/sdk-domains.test.ts checks the data against the TSV with this same derivation.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";
import { SDK_CATALOGUE } from "../reports/sdk/catalogue/index.js";

const HOST = /^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;

/** Why an alternative of a network signature is not a domain (kept for the report the script prints). */
export interface Skipped {
  readonly alternative: string;
  readonly why: string;
}

/**
 * The domains one network signature names. An alternative becomes a domain when, after dropping a
 * leading `.*` or `.`, a trailing `.` and the regex escapes, it is a host name with a letter TLD:
 * `\.facebook\.com` → facebook.com, `.*\.jiguang\.cn` → jiguang.cn. Anything else is left out with
 * its reason: a pattern with other regex syntax (`mt[0-9]*\.google\.cn`, `adservice\.google\..*`)
 * would name more or other hosts than the tracker's, a bare word (`fidzup`, `\.alimama\.`) names no
 * domain, an address (`54.243.73.253:8080/…`) is not a host name. A domain under another one of the
 * same signature is dropped: the shorter covers it.
 */
export function domainsFromSignature(signature: string): { domains: string[]; skipped: Skipped[] } {
  const found = new Set<string>();
  const skipped: Skipped[] = [];
  for (const alternative of signature.split("|").map((a) => a.trim()).filter((a) => a.length > 0)) {
    const body = alternative.replace(/^\.\*/, "");
    if (/[[\]()*+?{}^$]/.test(body)) {
      skipped.push({ alternative, why: "regex syntax beyond escaped dots" });
      continue;
    }
    const plain = body.replace(/\\(.)/g, "$1").replace(/^\.+|\.+$/g, "").toLowerCase();
    if (/[:/]/.test(plain) || /^\d+(\.\d+){3}$/.test(plain)) skipped.push({ alternative, why: "an address or URL, not a host name" });
    else if (!HOST.test(plain)) skipped.push({ alternative, why: "not a domain with a top-level domain" });
    else found.add(plain);
  }
  const domains = [...found].filter((d) => ![...found].some((o) => o !== d && d.endsWith(`.${o}`))).sort();
  return { domains, skipped };
}

/** Exodus rows by id: name and network signature. */
export function exodusRows(tsv: string): Map<string, { name: string; network: string }> {
  const [header, ...rows] = tsv.split(/\r?\n/).filter((l) => l.trim() !== "");
  const cols = (header ?? "").split("\t");
  const id = cols.indexOf("id");
  const name = cols.indexOf("name");
  const network = cols.indexOf("network_signature");
  const out = new Map<string, { name: string; network: string }>();
  for (const row of rows) {
    const c = row.split("\t");
    out.set(c[id] ?? "", { name: c[name] ?? "", network: c[network] ?? "" });
  }
  return out;
}

export interface DerivedDomains {
  readonly sdk: string;
  readonly domains: readonly string[];
  readonly source: string;
}

/** Every catalogue entry with an Exodus ref whose signature names at least one domain, in catalogue order. */
export function deriveExodusDomains(tsv: string): { derived: DerivedDomains[]; skipped: string[] } {
  const rows = exodusRows(tsv);
  const derived: DerivedDomains[] = [];
  const skipped: string[] = [];
  for (const e of SDK_CATALOGUE) {
    const id = /^exodus:(\d+)$/.exec(e.ref ?? "")?.[1];
    const row = id === undefined ? undefined : rows.get(id);
    if (!row || row.network === "") continue;
    const { domains, skipped: left } = domainsFromSignature(row.network);
    for (const s of left) skipped.push(`${e.id} (exodus:${id} ${row.name}): ${s.alternative} — ${s.why}`);
    if (domains.length > 0) derived.push({ sdk: e.id, domains, source: `exodus:${id}` });
  }
  return { derived, skipped };
}

export const BEGIN = "// BEGIN derived from Exodus by scripts/derive-sdk-domains.ts: do not edit by hand";
export const END = "// END derived from Exodus";

/** The generated span of domains.ts. */
export function generatedSpan(derived: readonly DerivedDomains[]): string {
  const lines = derived.map((d) => `  { sdk: ${JSON.stringify(d.sdk)}, source: ${JSON.stringify(d.source)}, domains: ${JSON.stringify(d.domains).replace(/","/g, "\", \"")} },`);
  return [BEGIN, ...lines, END].join("\n");
}

function main(argv: string[]): void {
  const tsvPath = argv.find((a) => !a.startsWith("--")) ?? fileURLToPath(new URL("../../../shared/data/exodus-trackers/exodus_trackers_signatures.tsv", import.meta.url));
  const { derived, skipped } = deriveExodusDomains(readFileSync(tsvPath, "utf8"));
  const span = generatedSpan(derived);
  if (!argv.includes("--write")) {
    process.stdout.write(`${span}\n`);
  } else {
    const file = fileURLToPath(new URL("../../reports/sdk/catalogue/domains.ts", import.meta.url));
    const text = readFileSync(file, "utf8");
    const start = text.indexOf(BEGIN);
    const end = text.indexOf(END);
    if (start < 0 || end < 0) throw new Error(`${file}: the generated span's markers are missing`);
    writeFileSync(file, text.slice(0, start) + span + text.slice(end + END.length));
  }
  process.stderr.write(`${derived.length} entries; left out:\n  ${skipped.join("\n  ")}\n`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) main(process.argv.slice(2));

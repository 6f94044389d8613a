import { UsageError } from "../../reports/errors.js";
import { termText } from "../../reports/render/escape.js";
import { SDK_DOMAINS } from "../../reports/sdk/catalogue/domains.js";
import { ALL_ENTRIES, SDK_CATALOGUE_VERSION, SDK_FAMILIES } from "../../reports/sdk/catalogue/index.js";
import { nameKey, normName } from "../../reports/sdk/declared.js";
import { normalizeHost } from "../../reports/sdk/recipients.js";
import type { SdkEntry, SdkFamily } from "../../reports/sdk/types.js";

export interface SdkRow {
  readonly id: string;
  readonly name: string;
  readonly vendor: string;
  readonly kind: string;
  readonly family?: string;
  readonly coveredBy?: SdkEntry["coveredBy"];
  readonly aliases: readonly string[];
  readonly packages: readonly string[];
  /** The domains its SDK talks to, each with the public fact it rests on (reports/sdk/catalogue/domains.ts). */
  readonly domains: readonly { readonly domains: readonly string[]; readonly source: string }[];
}

/** Domain records by catalogue id, gathered once. */
let domainsById: Map<string, { domains: readonly string[]; source: string }[]> | undefined;

function domainsOf(id: string): SdkRow["domains"] {
  if (!domainsById) {
    domainsById = new Map();
    for (const r of SDK_DOMAINS) domainsById.set(r.sdk, [...(domainsById.get(r.sdk) ?? []), { domains: r.domains, source: r.source }]);
  }
  return domainsById.get(id) ?? [];
}

function matches(query: string, texts: readonly string[]): boolean {
  const q = normName(query);
  const k = nameKey(query);
  return texts.some((t) => {
    const n = normName(t);
    return n.includes(q) || (k.length > 0 && n.includes(k));
  });
}

function row(e: SdkEntry): SdkRow {
  return {
    id: e.id,
    name: e.name,
    vendor: e.vendor,
    kind: e.kind,
    ...(e.family ? { family: e.family } : {}),
    ...(e.coveredBy ? { coveredBy: e.coveredBy } : {}),
    aliases: e.aliases ?? [],
    packages: e.prefixes,
    domains: domainsOf(e.id),
  };
}

/** Catalogue entries and families whose id, name, alias, vendor, family or package contains `query`, or whose domains cover it as a host (all without one). */
export function findSdks(query: string | undefined): { families: SdkFamily[]; entries: SdkRow[] } {
  if (query === undefined) return { families: [...SDK_FAMILIES], entries: ALL_ENTRIES.map(row) };
  const families = SDK_FAMILIES.filter((f) => matches(query, [f.id, f.name, ...f.aliases]));
  const inFamily = new Set(families.map((f) => f.id));
  const host = normalizeHost(query);
  // A host name finds the SDKs whose recorded domains cover it (label boundaries, as reports/sdk/recipients.ts matches).
  const byHost = (id: string): boolean => "host" in host && domainsOf(id).some((r) => r.domains.some((d) => host.host === d || host.host.endsWith(`.${d}`)));
  const entries = ALL_ENTRIES.filter(
    (e) => (e.family !== undefined && inFamily.has(e.family)) || matches(query, [e.id, e.name, e.vendor, ...(e.aliases ?? []), ...(e.family ? [e.family] : [])]) || e.prefixes.some((p) => p.startsWith(query) || query.startsWith(`${p}.`) || query === p) || byHost(e.id),
  );
  return { families, entries: entries.map(row) };
}

/** `permtrace sdks [query] [--json]`: what a profile's `sdks` and `recipients` lists can name, and the domains each SDK talks to. */
export function renderSdks(query: string | undefined, json: boolean): string {
  if (query !== undefined && normName(query) === "") throw new UsageError("the query has no letter or digit", { where: "sdks <query>", fix: "give part of a name, vendor, alias or package, e.g. `permtrace sdks 友盟`" });
  const { families, entries } = findSdks(query);
  if (json) return `${JSON.stringify({ catalogueVersion: SDK_CATALOGUE_VERSION, families, sdks: entries }, null, 2)}\n`;
  const lines: string[] = [];
  for (const f of families) lines.push(`family ${f.id}: ${f.name} — ${f.vendor}; also named ${f.aliases.join(", ")}`);
  if (families.length > 0) lines.push("");
  for (const e of entries) {
    const covered = e.coveredBy === "family" ? "; declared with any member of its family" : e.coveredBy ? `; declared with ${e.coveredBy.join(", ")}` : "";
    lines.push(`${e.id}  ${e.name} — ${e.vendor}; ${e.kind}${e.family ? `, family ${e.family}` : ""}${covered}`);
    if (e.aliases.length > 0) lines.push(`    aliases: ${e.aliases.join(", ")}`);
    lines.push(`    packages: ${e.packages.join(", ")}`);
    if (e.domains.length > 0) lines.push(`    domains: ${e.domains.map((d) => `${d.domains.join(", ")} (${d.source})`).join("; ")}`);
  }
  const what = query === undefined ? "" : ` matching '${termText(query)}'`;
  if (entries.length === 0 && families.length === 0) {
    return `no SDK or family${what} in catalogue ${SDK_CATALOGUE_VERSION} — try a shorter part of the name, its vendor or a package; an SDK that is not catalogued goes in a profile with its \`packages\`\n`;
  }
  lines.push(`${entries.length} entr${entries.length === 1 ? "y" : "ies"}, ${families.length} famil${families.length === 1 ? "y" : "ies"}${what} (catalogue ${SDK_CATALOGUE_VERSION}). In an app profile: \`- name: <a name or alias>\` or \`- id: <id>\` under \`sdks:\` or \`recipients:\` (docs/app-profile.md)`);
  return `${lines.join("\n")}\n`;
}

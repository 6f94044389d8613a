import { ProfileError } from "./errors.js";
import { CATEGORY_IDS, type Category } from "./trace/categories.js";
import { APP_TYPES, appType } from "./data/app-types.js";
import { ALL_ENTRIES, SDK_FAMILIES } from "./sdk/catalogue/index.js";
import { broadPackageProblem, NameIndex, resolveDeclared } from "./sdk/declared.js";
import { normalizeHost } from "./sdk/recipients.js";
import { didYouMean, loadYaml, yamlLine } from "./yaml-input.js";
import { readFileSync } from "node:fs";

/** What the app publishes about itself: its type, its SDK list, its declared data uses. */
export interface AppProfile {
  readonly app: string;
  readonly name?: string;
  /** One of the 39 app types (id, number or Chinese name). */
  readonly appType?: string | number;
  /** Java packages that are the app's own code besides its package name. */
  readonly ownPackages?: readonly string[];
  /** The SDK list the app publishes (第三方SDK清单). */
  readonly sdks?: readonly DeclaredSdk[];
  /** The data uses the privacy policy declares. */
  readonly uses?: readonly DeclaredUse[];
  /** The app's own domains: hosts under them are the app's (docs/attribution.md, "Recipients"). */
  readonly domains?: readonly string[];
  /** The published third-party sharing list (第三方共享清单). */
  readonly recipients?: readonly DeclaredRecipient[];
  /** Path the profile was read from, for messages. */
  readonly source?: string;
}

export interface DeclaredSdk {
  /** As the app's list names it; matched against catalogue names, ids and aliases. */
  readonly name: string;
  /** A catalogue id, when the author knows it. */
  readonly id?: string;
  readonly packages?: readonly string[];
  readonly purpose?: string;
  /** Categories the list says this SDK collects; absent = not stated. */
  readonly categories?: readonly Category[];
}

/** One line of the third-party sharing list: who receives data, and at which domains. */
export interface DeclaredRecipient {
  /** As the list names it; matched against the catalogue like `sdks` names. */
  readonly name: string;
  readonly id?: string;
  /** Domains the recipient receives at; required when the name is not catalogued. */
  readonly domains?: readonly string[];
  readonly purpose?: string;
  /** Categories the list says are shared with it; absent = not stated. */
  readonly categories?: readonly Category[];
}

export interface DeclaredUse {
  readonly category: Category;
  readonly purpose?: string;
  readonly background?: boolean;
}

const category = { type: "string", enum: [...CATEGORY_IDS] };
const domain = { type: "string", minLength: 1, maxLength: 253, description: "A host name; it covers its subdomains." };
const javaPackage = { type: "string", pattern: "^[A-Za-z_$][A-Za-z0-9_$]*(\\.[A-Za-z_$][A-Za-z0-9_$]*)*$" };

/** A line of a published list (SDKs, recipients): a name, optionally an id, where its code or servers are, why and what. */
function listedParty<W extends object>(where: W) {
  return {
    type: "object",
    additionalProperties: false,
    required: ["name"],
    properties: { name: { type: "string", minLength: 1 }, id: { type: "string" }, ...where, purpose: { type: "string" }, categories: { type: "array", items: category } },
  } as const;
}

/** JSON Schema of an app profile (docs/schema/app-profile.schema.json is generated from it). */
export const APP_PROFILE_SCHEMA = {
  $schema: "https://json-schema.org/draft/2020-12/schema",
  $id: "https://permtrace.dev/schema/app-profile-1.json",
  title: "permtrace app profile",
  type: "object",
  additionalProperties: false,
  required: ["app"],
  properties: {
    app: { ...javaPackage, description: "The app's package name." },
    name: { type: "string" },
    appType: { type: ["string", "integer"], description: "One of the 39 app types: id (map_navigation), number (1–39) or Chinese name (地图导航)." },
    ownPackages: { type: "array", items: javaPackage },
    sdks: { type: "array", items: listedParty({ packages: { type: "array", items: javaPackage } }) },
    uses: {
      type: "array",
      items: {
        type: "object",
        additionalProperties: false,
        required: ["category"],
        properties: { category, purpose: { type: "string" }, background: { type: "boolean" } },
      },
    },
    domains: { type: "array", items: domain, description: "The app's own domains (api.example.com or example.com); each covers its subdomains." },
    recipients: {
      type: "array",
      description: "The published third-party sharing list (第三方共享清单).",
      items: listedParty({ domains: { type: "array", items: domain } }),
    },
  },
} as const;

/** Reads and validates an app profile YAML file. */
export function loadAppProfile(path: string): AppProfile {
  const profile = loadYaml<AppProfile>(path, APP_PROFILE_SCHEMA, ProfileError, "app profile");
  if (profile.appType !== undefined && !appType(profile.appType)) {
    const guess = typeof profile.appType === "string" ? didYouMean(profile.appType, APP_TYPES.map((t) => t.id)) : undefined;
    const text = readFileSync(path, "utf8").split("\n");
    const line = text.findIndex((l) => /^appType\s*:/.test(l));
    throw new ProfileError(`appType ${JSON.stringify(profile.appType)} is not one of the 39 app types`, {
      where: path,
      ...(line >= 0 ? { line: line + 1 } : {}),
      fix: guess ? `did you mean '${guess}'?` : "use an id such as map_navigation, a number 1–39 or the Chinese name (docs/rules.md lists them)",
    });
  }
  checkSdkNames(profile, path);
  checkDomains(profile, path);
  checkRecipientNames(profile, path);
  return { ...profile, source: path };
}

let nameIndex: NameIndex | undefined;

/** The catalogue's names, indexed once per process. */
export function catalogueNames(): NameIndex {
  return (nameIndex ??= new NameIndex(ALL_ENTRIES, SDK_FAMILIES));
}

/**
 * Every name in `sdks` must mean a catalogue entry, a family or (with `packages`) an uncatalogued
 * SDK: a name that matches nothing would otherwise read as an undeclared SDK later.
 */
/** `ownPackages` and an SDK line's `packages` must name code, not a platform or a whole namespace. */
function checkPackages(profile: AppProfile, path: string): void {
  const entries = catalogueNames().entries;
  const fail = (where: (string | number)[], label: string, p: { problem: string; fix: string }): never => {
    const line = yamlLine(readFileSync(path, "utf8"), where);
    throw new ProfileError(`${label}: ${p.problem}`, { where: path, ...(line !== undefined ? { line } : {}), fix: p.fix });
  };
  (profile.ownPackages ?? []).forEach((pkg, i) => {
    const p = broadPackageProblem(pkg, entries, profile.app);
    if (p) fail(["ownPackages", i], `ownPackages[${i}]`, p);
  });
  (profile.sdks ?? []).forEach((sdk, i) =>
    (sdk.packages ?? []).forEach((pkg, j) => {
      const p = broadPackageProblem(pkg, entries);
      if (p) fail(["sdks", i, "packages", j], `sdks[${i}].packages[${j}]`, p);
    }),
  );
}

function checkSdkNames(profile: AppProfile, path: string): void {
  checkPackages(profile, path);
  const { unmatched } = resolveDeclared(profile.sdks ?? [], catalogueNames());
  const first = unmatched[0];
  if (!first) return;
  const more = unmatched.length > 1 ? ` (and ${unmatched.length - 1} more: ${unmatched.slice(1, 4).map((u) => `'${u.name}'`).join(", ")}${unmatched.length > 4 ? ", …" : ""})` : "";
  const key = profile.sdks?.[first.index]?.id !== undefined ? "id" : "name";
  const line = yamlLine(readFileSync(path, "utf8"), ["sdks", first.index, key]);
  throw new ProfileError(`sdks[${first.index}]: ${first.problem}${more}`, { where: path, ...(line !== undefined ? { line } : {}), fix: first.fix });
}

/** Why a profile domain is refused, and how to write it; undefined when it is fine. */
function domainProblem(d: string): { problem: string; fix: string } | undefined {
  if (d.startsWith("*.")) return { problem: `'${d}' is a wildcard`, fix: `write '${d.slice(2)}': a domain covers its subdomains` };
  const n = normalizeHost(d);
  if ("ip" in n) return { problem: `'${d}' is an IP address`, fix: "write the host name the app connects to; hosts are matched by name" };
  if ("invalid" in n) {
    const host = /^[a-z]+:\/\/([^/:?#]+)/i.exec(d)?.[1];
    return { problem: `${n.invalid}`, fix: host ? `write the host alone: '${host}'` : "write a host name such as api.example.com" };
  }
  if (!n.host.includes(".")) return { problem: `'${d}' would cover every host under .${n.host}`, fix: "write a registrable domain such as example.com" };
  return undefined;
}

/** Every domain of `domains` and of each recipient must be a host name (the index would otherwise drop it silently). */
function checkDomains(profile: AppProfile, path: string): void {
  const lists: [(string | number)[], readonly string[]][] = [[["domains"], profile.domains ?? []]];
  (profile.recipients ?? []).forEach((r, i) => lists.push([["recipients", i, "domains"], r.domains ?? []]));
  for (const [at, list] of lists) {
    for (const [k, d] of list.entries()) {
      const bad = domainProblem(d);
      if (!bad) continue;
      const line = yamlLine(readFileSync(path, "utf8"), [...at, k]);
      throw new ProfileError(`${at.join(".").replace(/\.(\d+)/g, "[$1]")}[${k}]: ${bad.problem}`, { where: path, ...(line !== undefined ? { line } : {}), fix: bad.fix });
    }
  }
}

/**
 * Recipient names resolve against the catalogue like `sdks` names (reports/sdk/declared.ts); a name
 * that matches nothing is fine only for a party that gives its `domains` (and no wrong `id`), since
 * a host could otherwise never be matched to it.
 */
function checkRecipientNames(profile: AppProfile, path: string): void {
  const recipients = profile.recipients ?? [];
  const { unmatched } = resolveDeclared(recipients, catalogueNames());
  const bad = unmatched.filter((u) => recipients[u.index]?.id !== undefined || (recipients[u.index]?.domains ?? []).length === 0);
  const first = bad[0];
  if (!first) return;
  const key = recipients[first.index]?.id !== undefined ? "id" : "name";
  const line = yamlLine(readFileSync(path, "utf8"), ["recipients", first.index, key]);
  // The resolver's advice names `packages` (what an uncatalogued SDK gives); a recipient gives `domains`.
  const fix = first.fix.replace(/`packages`/g, "`domains`");
  throw new ProfileError(`recipients[${first.index}]: ${first.problem.replace(/^SDK /, "recipient ")}`, { where: path, ...(line !== undefined ? { line } : {}), fix });
}

/**
 * What an app's published SDK list declares, resolved against the catalogue once, when the
 * profile is read: each listed name is matched to catalogue entries by id, name, alias or family
 * (Chinese and English, ignoring case, spacing, punctuation and a trailing "SDK"), and a name
 * that matches nothing is an error, never a silent no-match that later reads as "undeclared".
 * See docs/app-profile.md.
 */
import type { Party } from "./attribution.js";
import { didYouMean, editDistance } from "../yaml-input.js";
import type { SdkEntry, SdkFamily } from "./types.js";

/** A declared SDK as the profile writes it (reports/profile.ts owns the full type). */
export interface DeclaredName {
  readonly name: string;
  readonly id?: string;
  readonly packages?: readonly string[];
}

/** Lower-case letters and digits (any script) only. */
export function normName(s: string): string {
  return s.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, "");
}

// Words a published list adds around a product's name: "高德定位SDK", "Bugly Android SDK", "友盟基础组件库".
const FILLER = /(?:forandroid|android|sdk|组件库|组件|插件|服务|库)+$/u;

/** The form names are compared in: normalised, trailing filler words dropped (never to nothing). */
export function nameKey(s: string): string {
  const n = normName(s);
  const cut = n.replace(FILLER, "");
  return cut.length > 0 ? cut : n;
}

/** Every name an entry answers to: its name, the parts outside and inside parentheses, its aliases, its id. */
function entryNames(e: SdkEntry): string[] {
  const names = [e.name, e.name.replace(/\(.*?\)/g, ""), e.id, ...(e.aliases ?? [])];
  for (const m of e.name.matchAll(/\(([^)]*)\)/g)) names.push(...(m[1] ?? "").split(/[/,，、]/));
  return names.map(nameKey).filter((n) => n.length > 0);
}

export type MatchedBy = "id" | "name" | "family" | "packages";

export interface Resolution<D extends DeclaredName> {
  readonly declared: D;
  readonly index: number;
  /** The catalogue entries the name declares (for a family name: every member). */
  readonly entries: readonly SdkEntry[];
  readonly matchedBy: MatchedBy;
}

export interface Unmatched {
  readonly index: number;
  readonly name: string;
  /** Why it matched nothing, in a few words. */
  readonly problem: string;
  readonly fix: string;
}

/** Indexes of the catalogue's names, built once per catalogue. */
export class NameIndex {
  private readonly byKey = new Map<string, SdkEntry[]>();
  private readonly familyByKey = new Map<string, SdkFamily>();
  private readonly byId = new Map<string, SdkEntry>();
  private readonly vendors = new Map<string, SdkEntry[]>();

  constructor(readonly entries: readonly SdkEntry[], readonly families: readonly SdkFamily[]) {
    for (const e of entries) {
      this.byId.set(e.id, e);
      for (const k of new Set(entryNames(e))) this.byKey.set(k, [...(this.byKey.get(k) ?? []), e]);
      const v = nameKey(e.vendor.replace(/\(.*?\)/g, ""));
      this.vendors.set(v, [...(this.vendors.get(v) ?? []), e]);
    }
    for (const f of families) for (const n of [f.name, f.name.replace(/\(.*?\)/g, ""), f.id, ...f.aliases]) this.familyByKey.set(nameKey(n), f);
  }

  entry(id: string): SdkEntry | undefined {
    return this.byId.get(id);
  }

  members(family: string): SdkEntry[] {
    return this.entries.filter((e) => e.family === family);
  }

  /** The entries a declared name stands for, or why it stands for none. */
  resolve(d: DeclaredName): { entries: SdkEntry[]; matchedBy: MatchedBy } | { problem: string; fix: string } {
    if (d.id !== undefined) {
      const e = this.byId.get(d.id);
      if (e) return { entries: [e], matchedBy: "id" };
      const guess = didYouMean(d.id, this.byId.keys());
      return { problem: `id '${d.id}' is not in the SDK catalogue`, fix: guess ? `did you mean '${guess}'? (\`permtrace sdks ${guess}\`)` : "find the id with `permtrace sdks <name>`" };
    }
    const key = nameKey(d.name);
    const named = this.byKey.get(key);
    if (named) return { entries: named, matchedBy: "name" };
    const family = this.familyByKey.get(key);
    if (family) return { entries: this.members(family.id), matchedBy: "family" };
    if (d.packages && d.packages.length > 0) return { entries: [], matchedBy: "packages" };
    const vendor = this.vendors.get(key);
    if (vendor && vendor.length > 1) {
      const examples = vendor.slice(0, 3).map((e) => e.name).join("; ");
      return { problem: `'${d.name}' names a vendor with ${vendor.length} SDKs in the catalogue, not one SDK`, fix: `name the product (e.g. ${examples}) — \`permtrace sdks ${d.name}\` lists them` };
    }
    const suggestions = this.suggest(d.name);
    return {
      problem: `SDK '${d.name}' matches no catalogue name, alias or family`,
      fix: suggestions.length > 0
        ? `did you mean ${suggestions.map((s) => `'${s}'`).join(" or ")}? (or give its \`packages\` if it is not catalogued)`
        : "look it up with `permtrace sdks <word>`, or give its `packages` if it is not catalogued",
    };
  }

  /** Up to three names close to `name`: by edit distance, or sharing a long part of it. */
  suggest(name: string): string[] {
    const key = nameKey(name);
    const scored: [string, number][] = [];
    for (const e of this.entries) {
      for (const n of [e.name, ...(e.aliases ?? [])]) {
        const k = nameKey(n);
        const d = editDistance(key, k);
        const share = k.length >= 2 && (key.includes(k) || k.includes(key)) ? Math.min(k.length, key.length) : 0;
        if (d <= Math.max(2, Math.floor(key.length / 3)) || share >= 2) scored.push([n, d - share * 2]);
      }
    }
    scored.sort((a, b) => a[1] - b[1]);
    return [...new Set(scored.map((s) => s[0]))].slice(0, 3);
  }
}

/** Resolves every declared name; those that match nothing come back apart, in list order. */
export function resolveDeclared<D extends DeclaredName>(declared: readonly D[], index: NameIndex): { resolved: Resolution<D>[]; unmatched: Unmatched[] } {
  const resolved: Resolution<D>[] = [];
  const unmatched: Unmatched[] = [];
  declared.forEach((d, i) => {
    const r = index.resolve(d);
    if ("problem" in r) unmatched.push({ index: i, name: d.name, problem: r.problem, fix: r.fix });
    else resolved.push({ declared: d, index: i, entries: r.entries, matchedBy: r.matchedBy });
  });
  return { resolved, unmatched };
}

/** How a party stands in the app's SDK list. */
export interface DeclaredMatch<D extends DeclaredName> {
  readonly declared: D;
  /** `own`: the list names it; `family`: it is its family's common component and the list names a member; `part`: it is part of an SDK the list names. */
  readonly how: "own" | "family" | "part";
}

function underOrOver(a: string, b: string): boolean {
  return a === b || a.startsWith(`${b}.`) || b.startsWith(`${a}.`);
}

/** The app's SDK list, resolved: answers "is this party declared, and by which line?". */
export class DeclaredList<D extends DeclaredName> {
  private readonly byEntry = new Map<string, D>();
  private readonly families = new Map<string, D>();

  constructor(private readonly resolved: readonly Resolution<D>[]) {
    for (const r of resolved) {
      for (const e of r.entries) {
        if (!this.byEntry.has(e.id)) this.byEntry.set(e.id, r.declared);
        if (e.family && !this.families.has(e.family)) this.families.set(e.family, r.declared);
      }
    }
  }

  /** The declaration standing for a party, if any. */
  find(party: Party): DeclaredMatch<D> | undefined {
    const sdk = party.sdk;
    if (sdk) {
      const own = this.byEntry.get(sdk.id);
      if (own) return { declared: own, how: "own" };
      if (sdk.coveredBy === "family" && sdk.family) {
        const d = this.families.get(sdk.family);
        if (d) return { declared: d, how: "family" };
      } else if (sdk.coveredBy) {
        for (const id of sdk.coveredBy) {
          const d = this.byEntry.get(id);
          if (d) return { declared: d, how: "part" };
        }
      }
    }
    const packages = sdk ? sdk.prefixes : party.package ? [party.package] : [];
    const byPackage = this.resolved.find((r) => (r.declared.packages ?? []).some((dp) => packages.some((p) => underOrOver(dp, p))));
    return byPackage ? { declared: byPackage.declared, how: "own" } : undefined;
  }
}

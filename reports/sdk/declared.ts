/**
 * What an app's published SDK list declares, resolved against the catalogue once, when the
 * profile is read: each listed name is matched to catalogue entries by id, name, alias or family
 * (Chinese and English, ignoring case, spacing, punctuation and a trailing "SDK"), and a name
 * that matches nothing is an error, never a silent no-match that later reads as "undeclared".
 * See docs/app-profile.md.
 */
import type { Party } from "./attribution.js";
import { FRAMEWORK_PREFIXES } from "./framework.js";
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
const FILLER = /(?:forandroid|android|sdk|kit|组件库|组件|插件|服务|库)+$/u;

/**
 * Words too generic to stand for one SDK on their own ("Login" from "TikTok Open SDK (Login /
 * Share Kit)", "legacy"): never keys. Latin keys need three letters; one CJK character is not a name.
 */
const GENERIC = new Set(["sdk", "kit", "android", "login", "legacy", "share", "push", "ads", "ad", "analytics", "pay", "payment", "map", "maps", "location", "crash", "im", "core", "base", "lite", "plus", "pro", "mediation", "cloud", "beta", "legacysdk", "统计", "推送", "广告", "支付", "分享", "登录", "定位", "地图"]);
const usable = (k: string): boolean => !GENERIC.has(k) && (/[^\u0000-\u024f]/u.test(k) ? k.length >= 2 : k.length >= 3);

/** Vendor names an app's list may write in Chinese: the catalogue's vendors are in English. */
const VENDOR_ZH: Readonly<Record<string, string>> = { 腾讯: "Tencent", 阿里巴巴: "Alibaba", 阿里: "Alibaba", 阿里云: "Alibaba Cloud", 百度: "Baidu", 字节跳动: "ByteDance", 华为: "Huawei", 小米: "Xiaomi", 谷歌: "Google", 网易: "NetEase", 京东: "JD", 美团: "Meituan", 快手: "Kuaishou" };

/** The form names are compared in: normalised, trailing filler words dropped (never to nothing). */
export function nameKey(s: string): string {
  const n = normName(s);
  const cut = n.replace(FILLER, "");
  return cut.length > 0 ? cut : n;
}

/** Every name an entry answers to: its name, the parts outside and inside parentheses, its aliases, its id. */
function entryNames(e: SdkEntry): string[] {
  const vendor = nameKey(e.vendor.replace(/\(.*?\)/g, ""));
  const parts: string[] = [];
  // Parts inside parentheses are names ("友盟统计" in "Umeng Analytics (友盟统计)") unless they only name the vendor.
  for (const m of e.name.matchAll(/\(([^)]*)\)/g)) parts.push(...(m[1] ?? "").split(/[/,，、]/));
  const own = [e.name, e.name.replace(/\(.*?\)/g, ""), ...(e.aliases ?? [])].map(nameKey).filter(usable);
  return [...own, ...parts.map(nameKey).filter((k) => usable(k) && k !== vendor)];
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
  /** An id written as a name ("tencent-gdt"): looked at after the names. */
  private readonly byIdKey = new Map<string, SdkEntry>();
  private readonly vendors = new Map<string, SdkEntry[]>();

  constructor(readonly entries: readonly SdkEntry[], readonly families: readonly SdkFamily[]) {
    for (const e of entries) {
      this.byId.set(e.id, e);
      this.byIdKey.set(nameKey(e.id), e);
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
      if (e) {
        // The id is exact, but a name that plainly means another SDK is a copy-paste slip: say so.
        const named = this.exact(d.name);
        if (named && !("problem" in named) && !named.entries.includes(e)) {
          return { problem: `id '${d.id}' is ${e.name}, but the name '${d.name}' means ${named.entries[0]!.name}`, fix: "make the id and the name agree (`permtrace sdks <name>` shows an SDK's id)" };
        }
        return { entries: [e], matchedBy: "id" };
      }
      const guess = didYouMean(d.id, this.byId.keys());
      return { problem: `id '${d.id}' is not in the SDK catalogue`, fix: guess ? `did you mean '${guess}'? (\`permtrace sdks ${guess}\`)` : "find the id with `permtrace sdks <name>`" };
    }
    const whole = this.exact(d.name);
    if (whole && "problem" in whole) return whole;
    if (whole) return whole;
    const parts = this.byParts(d.name);
    if (parts) return parts;
    if (d.packages && d.packages.length > 0) return { entries: [], matchedBy: "packages" };
    const key = nameKey(d.name);
    const vendor = this.vendors.get(key) ?? this.vendors.get(nameKey(VENDOR_ZH[d.name.trim()] ?? ""));
    if (vendor && vendor.length > 1) {
      const examples = vendor.slice(0, 3).map((e) => e.name).join("; ");
      return { problem: `'${d.name}' names a vendor with ${vendor.length} SDKs in the catalogue, not one SDK`, fix: `name the product (e.g. ${examples}) — \`permtrace sdks ${d.name}\` lists them` };
    }
    if (/^[a-z][\w$]*(\.[\w$]+)+$/.test(d.name.trim())) {
      return { problem: `'${d.name}' is a Java package, not an SDK's name`, fix: "write the SDK's name under `name:` and the package under `packages:`" };
    }
    const suggestions = this.suggest(d.name);
    return {
      problem: `SDK '${d.name}' matches no catalogue name, alias or family`,
      fix: suggestions.length > 0
        ? `did you mean ${suggestions.map((s) => `'${s}'`).join(" or ")}? (or give its \`packages\` if it is not catalogued)`
        : "look it up with `permtrace sdks <word>`, or give its `packages` if it is not catalogued",
    };
  }

  /** A whole name: an entry's name, alias or id, else a family's; several entries are one only within a family. */
  private exact(name: string): { entries: SdkEntry[]; matchedBy: MatchedBy } | { problem: string; fix: string } | undefined {
    const key = nameKey(name);
    const named = this.byKey.get(key);
    if (named && (named.length === 1 || new Set(named.map((e) => e.family ?? e.id)).size === 1)) return { entries: named, matchedBy: "name" };
    if (named) {
      return { problem: `'${name}' names ${named.length} SDKs (${named.slice(0, 3).map((e) => e.name).join("; ")}), not one`, fix: `name one of them, or give its \`id\` (\`permtrace sdks ${name}\` lists them)` };
    }
    const family = this.familyByKey.get(key);
    if (family) return { entries: this.members(family.id), matchedBy: "family" };
    const byId = this.byIdKey.get(key);
    return byId ? { entries: [byId], matchedBy: "id" } : undefined;
  }

  /**
   * A list line that writes a product's names side by side ("极光推送 JPush SDK", "华为推送 HMS Push
   * Kit", "OPPO推送 (HeyTap)"): its parts, split at spaces, brackets and where Chinese meets Latin
   * script, resolved alone; accepted when the parts that resolve all mean the same entries.
   */
  private byParts(name: string): { entries: SdkEntry[]; matchedBy: MatchedBy } | undefined {
    const tokens = name.split(/[\s()（）[\]/,，、|]+/u).filter((t) => usable(nameKey(t)) || /^[A-Za-z]/.test(t));
    if (tokens.length < 2) return undefined;
    const results: { entries: SdkEntry[]; family: boolean }[] = [];
    let unresolved = 0;
    let i = 0;
    while (i < tokens.length) {
      // A run of Latin words is one name first ("HMS Push Kit"), else each word alone.
      let j = i;
      while (j < tokens.length && /^[A-Za-z0-9.+-]+$/.test(tokens[j]!)) j++;
      const run = j - i >= 2 ? this.exact(tokens.slice(i, j).join(" ")) : undefined;
      if (run && !("problem" in run)) {
        results.push({ entries: run.entries, family: run.matchedBy === "family" });
        i = j;
        continue;
      }
      const one = usable(nameKey(tokens[i]!)) ? this.exact(tokens[i]!) : undefined;
      if (one && !("problem" in one)) results.push({ entries: one.entries, family: one.matchedBy === "family" });
      else if (usable(nameKey(tokens[i]!))) unresolved++;
      i++;
    }
    // A product named beside its family ("友盟+ U-Push", "极光 JPush") is that product.
    const products = results.filter((r) => !r.family);
    const chosen = products.length > 0 ? products : results;
    const first = chosen[0];
    if (!first) return undefined;
    // A word nothing knows beside a family ("Umeng Anlytics") is a product the family does not have, or a typo: no match.
    if (unresolved > 0 && products.length === 0) return undefined;
    const ids = (es: readonly SdkEntry[]): string => es.map((e) => e.id).sort().join(",");
    if (!chosen.every((r) => ids(r.entries) === ids(first.entries))) return undefined;
    const families = new Set(first.entries.map((e) => e.family));
    if (results.some((r) => r.family && !r.entries.some((e) => families.has(e.family)))) return undefined;
    return { entries: first.entries, matchedBy: "name" };
  }

  /** Up to three names close to `name`: by edit distance, or sharing a long part of it. */
  suggest(name: string): string[] {
    const key = nameKey(name);
    const scored: [string, number][] = [];
    for (const e of this.entries) {
      for (const n of [e.name, ...(e.aliases ?? [])]) {
        const k = nameKey(n);
        const d = editDistance(key, k);
        const share = usable(k) && (key.includes(k) || k.includes(key)) ? Math.min(k.length, key.length) : 0;
        if (d <= Math.max(2, Math.floor(key.length / 3)) || share >= 3) scored.push([n, d - share * 2]);
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

/**
 * Why a package a profile claims (the app's `ownPackages`, an SDK line's `packages`) is too broad,
 * or undefined. The app's packages win over every catalogue prefix under them (docs/attribution.md),
 * so `ownPackages: [com]` would make every SDK the app's own code: refused, as is a platform
 * package. `appPackage`: packages under the app's own package name may cover SDK prefixes (an app
 * that ships an SDK it is the vendor of).
 */
export function broadPackageProblem(pkg: string, catalogue: readonly SdkEntry[], appPackage?: string): { problem: string; fix: string } | undefined {
  const under = (a: string, b: string): boolean => a === b || a.startsWith(`${b}.`);
  const platform = FRAMEWORK_PREFIXES.find((f) => under(pkg, f.prefix) || under(f.prefix, pkg));
  if (platform) return { problem: `'${pkg}' is or holds the platform's packages (${platform.prefix}.*)`, fix: "list the app's own Java packages only" };
  if (!pkg.includes(".")) return { problem: `'${pkg}' is a top-level package that holds every vendor's code`, fix: "list the app's own Java packages, e.g. com.example.shop" };
  if (appPackage !== undefined && under(pkg, appPackage)) return undefined;
  const covered = catalogue.filter((e) => e.kind !== "library" && e.prefixes.some((p) => p !== pkg && under(p, pkg)));
  const owners = new Set(covered.map((e) => e.family ?? e.id));
  if (owners.size < 2) return undefined;
  return {
    problem: `'${pkg}' holds ${covered.length} catalogued SDKs (${covered.slice(0, 3).map((e) => e.name).join("; ")}${covered.length > 3 ? "; …" : ""}), which would all count as this code`,
    fix: "list the narrower packages that are really this code",
  };
}

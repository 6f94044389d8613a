/**
 * Which party a destination host belongs to (issue 15 item 4): the app itself (the profile's
 * `domains`), a catalogued SDK (reports/sdk/catalogue/domains.ts), a recipient the app's published
 * third-party sharing list declares (the profile's `recipients`), or an unknown third party — with
 * the rule that matched as evidence. See docs/attribution.md, "Recipients".
 *
 * Matching is by domain suffix at label boundaries (`umeng.com` covers `alog.umeng.com`, never
 * `evilumeng.com`), after normalising the host the way a URL parser does (WHATWG host parsing via
 * node:url's domainToASCII: case, IDN → punycode, full-width dots). The most specific rule wins;
 * at equal length the app's own domains win over a recipient's, and a recipient's over the
 * catalogue's (the profile author knows the app), except that a catalogued SDK stays the answer
 * when the recipient declares that very SDK.
 *
 * Cost: one index entry per distinct domain; `attribute` normalises the host (linear in its
 * length, capped at 1024 characters before any parsing) and makes one Map look-up per label of
 * the host, most specific first — O(labels), at most 127 for a 253-character name.
 */
import { isIPv4, isIPv6 } from "node:net";
import { domainToASCII } from "node:url";
import type { AppProfile, DeclaredRecipient } from "../profile.js";
import { ALL_ENTRIES, SDK_FAMILIES } from "./catalogue/index.js";
import { SDK_DOMAINS, type SdkDomains } from "./catalogue/domains.js";
import { DeclaredList, NameIndex, resolveDeclared } from "./declared.js";
import type { SdkEntry } from "./types.js";

/** Longest raw host string looked at; anything longer is refused before it is parsed. */
export const MAX_HOST_INPUT = 1024;

/** A host reduced to the form rules are compared in, or why it is not a host name. */
export type NormalHost = { readonly host: string } | { readonly ip: string } | { readonly invalid: string };

/** A short, escaped excerpt of untrusted input for messages. */
function excerpt(raw: string): string {
  return JSON.stringify(raw.length > 64 ? `${raw.slice(0, 64)}…` : raw);
}

function labelsOk(host: string): boolean {
  if (host.length === 0 || host.length > 253) return false;
  return host.split(".").every((l) => l.length > 0 && l.length <= 63);
}

/**
 * Normalises a host from a request, a TLS SNI or a profile: lower-case ASCII (punycode), no
 * trailing dot, a `:port` dropped, IP literals (v4 in any form a URL parser accepts, v6 with or
 * without brackets) recognised. Never throws, whatever it is given.
 */
export function normalizeHost(raw: unknown): NormalHost {
  if (typeof raw !== "string") return { invalid: "no host" };
  if (raw.length === 0) return { invalid: "an empty host" };
  if (raw.length > MAX_HOST_INPUT) return { invalid: `an overlong host (${raw.length} characters)` };
  if (/[\u0000-\u0020\u007f-\u009f]/.test(raw)) return { invalid: `${excerpt(raw)} has a control character or a space` };
  const bracketed = /^\[([^\]]*)\](?::\d{1,5})?$/.exec(raw);
  if (bracketed) return isIPv6(bracketed[1] ?? "") ? { ip: (bracketed[1] ?? "").toLowerCase() } : { invalid: `${excerpt(raw)} is not an IPv6 address` };
  if (isIPv6(raw)) return { ip: raw.toLowerCase() };
  const host = raw.replace(/:\d{1,5}$/, "");
  // A URL, credentials, a path or percent-escapes are not a host; domainToASCII would decode %.
  if (/[:/\\@%?#]/.test(host)) return { invalid: `${excerpt(raw)} is not a host name (a URL or address part?)` };
  const ascii = domainToASCII(host).replace(/\.$/, "");
  if (ascii === "") return { invalid: `${excerpt(raw)} is not a valid host name` };
  if (isIPv4(ascii)) return { ip: ascii };
  if (!labelsOk(ascii)) return { invalid: `${excerpt(raw)} has an empty or overlong label` };
  return { host: ascii };
}

interface SdkRule {
  readonly entry: SdkEntry;
  readonly source: string;
}

interface RecipientRule {
  readonly recipient: DeclaredRecipient;
  readonly index: number;
}

/** Every rule for one exact domain. */
interface Bucket {
  app?: number;
  readonly recipients: RecipientRule[];
  readonly sdks: SdkRule[];
}

export interface AppHost {
  readonly kind: "app";
  readonly host: string;
  readonly domain: string;
  readonly evidence: string;
}

export interface SdkHost {
  readonly kind: "sdk";
  readonly host: string;
  readonly domain: string;
  /** Every catalogue entry the domain is recorded for (several when one source names a whole family). */
  readonly sdks: readonly SdkEntry[];
  /** The sharing-list lines that declare one of them, in list order. */
  readonly declaredBy: readonly DeclaredRecipient[];
  readonly evidence: string;
}

export interface RecipientHost {
  readonly kind: "recipient";
  readonly host: string;
  readonly domain: string;
  readonly recipient: DeclaredRecipient;
  /** The catalogue entries its name or id stands for (none for an uncatalogued party). */
  readonly entries: readonly SdkEntry[];
  readonly evidence: string;
}

export interface UnknownHost {
  readonly kind: "unknown";
  readonly host?: string;
  readonly ip?: string;
  readonly evidence: string;
}

export type HostParty = AppHost | SdkHost | RecipientHost | UnknownHost;

export interface RecipientIndexOptions {
  /** Catalogue entries by which `SDK_DOMAINS` ids are resolved (default: the whole catalogue). */
  readonly entries?: readonly SdkEntry[];
  readonly domains?: readonly SdkDomains[];
  /** The catalogue's name index for recipient names (default: built from `entries`). */
  readonly names?: NameIndex;
}

/** Domains → parties, built once per profile; `attribute` answers per host. */
export class RecipientIndex {
  private readonly buckets = new Map<string, Bucket>();
  private readonly resolvedEntries: readonly (readonly SdkEntry[])[];
  private readonly declared: DeclaredList<DeclaredRecipient>;

  constructor(profile: Pick<AppProfile, "domains" | "recipients"> = {}, options: RecipientIndexOptions = {}) {
    const entries = options.entries ?? ALL_ENTRIES;
    const byId = new Map(entries.map((e) => [e.id, e]));
    for (const record of options.domains ?? SDK_DOMAINS) {
      const entry = byId.get(record.sdk);
      if (!entry) continue;
      for (const d of record.domains) this.bucket(d)?.sdks.push({ entry, source: record.source });
    }
    (profile.domains ?? []).forEach((d, i) => {
      const b = this.bucket(d);
      if (b && b.app === undefined) b.app = i;
    });
    const recipients = profile.recipients ?? [];
    recipients.forEach((r, index) => {
      for (const d of r.domains ?? []) this.bucket(d)?.recipients.push({ recipient: r, index });
    });
    const { resolved } = resolveDeclared(recipients, options.names ?? new NameIndex(entries, SDK_FAMILIES));
    const perIndex: SdkEntry[][] = recipients.map(() => []);
    for (const r of resolved) perIndex[r.index] = [...r.entries];
    this.resolvedEntries = perIndex;
    this.declared = new DeclaredList(resolved);
  }

  private bucket(domain: string): Bucket | undefined {
    const n = normalizeHost(domain);
    if (!("host" in n)) return undefined;
    let b = this.buckets.get(n.host);
    if (!b) this.buckets.set(n.host, (b = { recipients: [], sdks: [] }));
    return b;
  }

  /** The party `rawHost` belongs to, with the rule that decided it. Never throws. */
  attribute(rawHost: unknown): HostParty {
    const n = normalizeHost(rawHost);
    if ("invalid" in n) return { kind: "unknown", evidence: `not a host name: ${n.invalid}` };
    if ("ip" in n) return { kind: "unknown", ip: n.ip, evidence: `IP address ${n.ip}: no domain to attribute it by` };
    const host = n.host;
    for (let at = 0; at >= 0; at = host.indexOf(".", at) + 1 || -1) {
      const domain = at === 0 ? host : host.slice(at);
      const b = this.buckets.get(domain);
      if (b) return this.decide(host, domain, b);
    }
    return { kind: "unknown", host, evidence: `no rule matches ${host}` };
  }

  private decide(host: string, domain: string, b: Bucket): HostParty {
    if (b.app !== undefined) return { kind: "app", host, domain, evidence: `suffix ${domain} of the app (profile domains[${b.app}])` };
    const sdks = [...new Map(b.sdks.map((s) => [s.entry.id, s.entry])).values()];
    const declaredBy = this.declaredBy(sdks, b.recipients);
    const first = b.recipients[0];
    if (first && declaredBy.length === 0) {
      const entries = this.resolvedEntries[first.index] ?? [];
      return { kind: "recipient", host, domain, recipient: first.recipient, entries, evidence: `suffix ${domain} of recipient ${JSON.stringify(first.recipient.name)} (profile recipients[${first.index}])` };
    }
    const rules = [...new Set(b.sdks.map((s) => `${s.entry.id} (${s.source})`))].join(", ");
    const listed = declaredBy.length > 0 ? `; declared by recipient ${declaredBy.map((d) => JSON.stringify(d.name)).join(", ")}` : "";
    return { kind: "sdk", host, domain, sdks, declaredBy, evidence: `suffix ${domain} of sdk${sdks.length > 1 ? "s" : ""} ${rules}${listed}` };
  }

  /** Sharing-list lines that declare one of `sdks` (by name, family or coverage), in list order. */
  private declaredBy(sdks: readonly SdkEntry[], sameDomain: readonly RecipientRule[]): DeclaredRecipient[] {
    const out = new Set<DeclaredRecipient>();
    for (const e of sdks) {
      const m = this.declared.find({ key: `sdk:${e.id}`, kind: "sdk", name: e.name, sdk: e });
      if (m) out.add(m.declared);
    }
    if (sdks.length > 0) for (const r of sameDomain) if ((this.resolvedEntries[r.index] ?? []).some((e) => sdks.includes(e))) out.add(r.recipient);
    return [...out];
  }
}

/** Whose a host is, as findings and flows state it: the kind, a label, and the rule that decided. */
export function describeHost(r: HostParty): { readonly kind: HostParty["kind"]; readonly label: string; readonly evidence: string } {
  switch (r.kind) {
    case "app":
      return { kind: "app", label: "the app's own", evidence: r.evidence };
    case "sdk":
      return { kind: "sdk", label: `${r.sdks[0]?.name ?? "a catalogued SDK"}'s server`, evidence: r.evidence };
    case "recipient":
      return { kind: "recipient", label: `declared recipient ${r.recipient.name}`, evidence: r.evidence };
    default:
      return { kind: "unknown", label: "an unknown party", evidence: r.evidence };
  }
}

const NO_PROFILE = {};
const built = new WeakMap<object, WeakMap<readonly SdkEntry[], RecipientIndex>>();

/**
 * The index for a profile and catalogue, built once: the egress rules and the flows of one
 * analysis (and the reports of one process) share it (~13 ms to build).
 */
export function recipientIndexFor(profile: Pick<AppProfile, "domains" | "recipients"> | undefined, entries: readonly SdkEntry[]): RecipientIndex {
  const key = profile ?? NO_PROFILE;
  let byCatalogue = built.get(key);
  if (!byCatalogue) built.set(key, (byCatalogue = new WeakMap()));
  let index = byCatalogue.get(entries);
  if (!index) byCatalogue.set(entries, (index = new RecipientIndex(profile ?? {}, { entries })));
  return index;
}

/**
 * Data flows (issue 15 item 6): who sent (the party the send's stack is attributed to) → to whom
 * (the destination host and whose it is: reports/sdk/recipients.ts) → which identifiers the agent
 * found in the sends (kind, encodings, where), with the first and last time, request count,
 * bytes, TLS, and sample event seqs that link to the evidence. A send in which no identifier was
 * found is a flow too (a host contacted), marked as carrying none.
 *
 * Built during the analysis' one pass (`FlowTracker.add`, once per event that has a `net`
 * record); memory is bounded by MAX_FLOWS flows, each with bounded lists.
 */
import type { Party } from "./sdk/attribution.js";
import { describeHost, recipientIndexFor, type HostParty, type RecipientIndex } from "./sdk/recipients.js";
import type { SdkEntry } from "./sdk/types.js";
import type { AppProfile } from "./profile.js";
import { summarizeParty, type Finding, type PartySummary } from "./rules/types.js";
import type { CallEvent, NetWhere } from "./trace/format.js";

/** Flows listed at most; sends of further party → host pairs are counted in `omittedRequests`. */
export const MAX_FLOWS = 500;
/** Sample event seqs kept per flow, and read seqs per identifier. */
const MAX_SAMPLES = 8;
/** Identifier kinds kept per flow (the matcher knows about fifteen). */
const MAX_KINDS = 32;

export type Whose = "app" | "sdk" | "recipient" | "unknown";

export interface FlowIdentifier {
  readonly kind: string;
  /** Encodings it was found in (plain, url, base64, md5-lower, …). */
  readonly encodings: readonly string[];
  readonly where: readonly NetWhere[];
  /** Sends of this flow that carried it. */
  readonly requests: number;
  /** Seqs of the hooked reads that returned the value, when the trace has them (at most 8). */
  readonly readSeqs?: readonly number[];
  /** The lowest match confidence (1: found in the send; lower: linked from a pre-encryption scan). */
  readonly minConf: number;
  /**
   * Sends that carried it with no read in the sending process (`noRead`): the value was one the
   * runner supplied (the device's own) — evidence of a read path the catalogue misses, or of a
   * value read in another of the app's processes (UNREAD).
   */
  readonly unread?: number;
}

/** How every format says `unread`. */
export const UNREAD = "sent without a read permtrace saw in that process";

export interface Flow {
  readonly party: PartySummary;
  readonly recipient: {
    /** As recorded (untrusted); "" when the send had no host. */
    readonly host: string;
    readonly whose: Whose;
    /** "the app's own", "Umeng's server", "declared recipient X", "an unknown party". */
    readonly label: string;
    /** The rule that decided whose it is. */
    readonly evidence: string;
    readonly ports: readonly number[];
  };
  /** Empty: no identifier was found in any of these sends (`carriesIdentifiers` false). */
  readonly identifiers: readonly FlowIdentifier[];
  readonly carriesIdentifiers: boolean;
  /** Trace time of the first and last send, ms. */
  readonly first: number;
  readonly last: number;
  readonly requests: number;
  readonly bytes: number;
  readonly tls: "yes" | "no" | "mixed";
  /** Where the sends were seen: okhttp, tls, socket. */
  readonly layers: readonly string[];
  /** Seqs of the first sends (at most 8), for calls.jsonl and the findings' evidence.events. */
  readonly events: readonly number[];
  /** Ids of the egress findings about this party and host. */
  readonly findings?: readonly string[];
}

export interface FlowSummary {
  readonly flows: readonly Flow[];
  /** Sends recorded (network_egress events with a net record). */
  readonly requests: number;
  /** Party → host pairs past MAX_FLOWS, and their sends. */
  readonly omittedFlows?: number;
  readonly omittedRequests?: number;
}

interface IdAcc {
  readonly kind: string;
  readonly encodings: Set<string>;
  readonly where: Set<NetWhere>;
  requests: number;
  readonly readSeqs: Set<number>;
  minConf: number;
  unread: number;
}

interface Acc {
  readonly partyIdx: number;
  readonly host: string;
  readonly recipient: HostParty;
  readonly ports: Set<number>;
  readonly ids: Map<string, IdAcc>;
  readonly layers: Set<string>;
  readonly events: number[];
  first: number;
  last: number;
  requests: number;
  bytes: number;
  tlsCount: number;
}

/** Accumulates flows over one pass of the calls. */
export class FlowTracker {
  private readonly index: RecipientIndex;
  private readonly accs = new Map<string, Acc>();
  private requests = 0;
  private readonly omitted = new Set<string>();
  private omittedRequests = 0;

  constructor(profile: AppProfile | undefined, catalogue: readonly SdkEntry[]) {
    this.index = recipientIndexFor(profile, catalogue);
  }

  /** One event; only those with a `net` record count. */
  add(ev: CallEvent, partyIdx: number): void {
    const net = ev.net;
    if (!net) return;
    this.requests++;
    const host = typeof net.host === "string" ? net.host : "";
    const key = `${partyIdx}|${host}`;
    let a = this.accs.get(key);
    if (!a) {
      if (this.accs.size >= MAX_FLOWS) {
        // Distinct omitted pairs are counted up to a bound too: a hostile trace has endless hosts.
        if (this.omitted.size < 1 << 16) this.omitted.add(key);
        this.omittedRequests++;
        return;
      }
      a = { partyIdx, host, recipient: this.index.attribute(net.host), ports: new Set(), ids: new Map(), layers: new Set(), events: [], first: ev.t, last: ev.t, requests: 0, bytes: 0, tlsCount: 0 };
      this.accs.set(key, a);
    }
    a.requests++;
    if (ev.t < a.first) a.first = ev.t;
    if (ev.t > a.last) a.last = ev.t;
    if (typeof net.bytes === "number" && net.bytes > 0) a.bytes += net.bytes;
    if (net.tls === true) a.tlsCount++;
    if (typeof net.port === "number" && a.ports.size < MAX_SAMPLES) a.ports.add(net.port);
    if (a.layers.size < 4) a.layers.add(String(net.layer));
    if (a.events.length < MAX_SAMPLES) a.events.push(ev.seq);
    this.addMatches(a, net.matches ?? []);
  }

  private addMatches(a: Acc, matches: NonNullable<NonNullable<CallEvent["net"]>["matches"]>): void {
    const seen = new Set<string>();
    const unread = new Set<string>();
    for (const m of matches) {
      let id = a.ids.get(m.kind);
      if (!id) {
        if (a.ids.size >= MAX_KINDS) continue;
        id = { kind: m.kind, encodings: new Set(), where: new Set(), requests: 0, readSeqs: new Set(), minConf: m.conf, unread: 0 };
        a.ids.set(m.kind, id);
      }
      if (!seen.has(m.kind)) {
        seen.add(m.kind);
        id.requests++;
      }
      if (id.encodings.size < 16) id.encodings.add(m.enc);
      id.where.add(m.where);
      if (m.readSeq !== undefined && id.readSeqs.size < MAX_SAMPLES) id.readSeqs.add(m.readSeq);
      if (m.noRead === true && !unread.has(m.kind)) {
        unread.add(m.kind);
        id.unread++;
      }
      if (m.conf < id.minConf) id.minConf = m.conf;
    }
  }

  /** The flows, first send first, with the ids of the egress findings about each (undefined when no send was recorded). */
  result(parties: readonly Party[], findings: readonly Finding[]): FlowSummary | undefined {
    if (this.requests === 0) return undefined;
    const byFlow = findingsByFlow(findings);
    const flows = [...this.accs.values()].sort((x, y) => x.first - y.first || x.host.localeCompare(y.host)).map((a) => toFlow(a, parties[a.partyIdx]!, byFlow));
    return {
      flows,
      requests: this.requests,
      ...(this.omittedRequests > 0 ? { omittedFlows: this.omitted.size, omittedRequests: this.omittedRequests } : {}),
    };
  }
}

/** Egress findings by party key and host (their evidence.details.host, as recorded). */
function findingsByFlow(findings: readonly Finding[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const f of findings) {
    if (f.family !== "egress") continue;
    const host = f.evidence.details?.host;
    const key = `${f.party.key}|${typeof host === "string" && host !== "(unknown host)" ? host : ""}`;
    const list = out.get(key);
    if (list) list.push(f.id);
    else out.set(key, [f.id]);
  }
  return out;
}

function toFlow(a: Acc, party: Party, byFlow: Map<string, string[]>): Flow {
  const identifiers: FlowIdentifier[] = [...a.ids.values()].map((i) => ({
    kind: i.kind,
    encodings: [...i.encodings].sort(),
    where: [...i.where].sort(),
    requests: i.requests,
    ...(i.readSeqs.size > 0 ? { readSeqs: [...i.readSeqs].sort((x, y) => x - y) } : {}),
    minConf: i.minConf,
    ...(i.unread > 0 ? { unread: i.unread } : {}),
  }));
  identifiers.sort((x, y) => x.kind.localeCompare(y.kind));
  const findings = byFlow.get(`${party.key}|${a.host}`);
  return {
    party: summarizeParty(party),
    recipient: { host: a.host, ...whose(a.recipient), ports: [...a.ports].sort((x, y) => x - y) },
    identifiers,
    carriesIdentifiers: identifiers.length > 0,
    first: a.first,
    last: a.last,
    requests: a.requests,
    bytes: a.bytes,
    tls: a.tlsCount === a.requests ? "yes" : a.tlsCount === 0 ? "no" : "mixed",
    layers: [...a.layers].sort(),
    events: a.events,
    ...(findings ? { findings } : {}),
  };
}

/** Whose a host is, as the flow states it (the same labels as the egress findings' `recipient`). */
function whose(r: HostParty): { whose: Whose; label: string; evidence: string } {
  const d = describeHost(r);
  return { whose: d.kind, label: d.label, evidence: d.evidence };
}

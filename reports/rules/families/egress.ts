import type { Party } from "../../sdk/attribution.js";
import { describeHost as describe, recipientIndexFor, type HostParty } from "../../sdk/recipients.js";
import { CATEGORIES, type Category } from "../../trace/categories.js";
import { KIND_CATEGORY, learnedKinds } from "../../trace/learned-kinds.js";
import type { NetMatch, NetRecord } from "../../trace/format.js";
import { GroupMap } from "../groups.js";
import { REFS, type RuleFamily } from "../family.js";
import type { EventContext } from "../types.js";
import { inScope } from "./refusal.js";

const BEFORE = "egress.identifier_before_consent";
const REFUSED = "egress.after_refusal";
const UNDECLARED = "egress.undeclared_recipient";
const SHARED = "egress.shared_between_parties";
const CLEARTEXT = "egress.cleartext";


/** Identifying reads remembered per trace (ReadRing): a send names its read by seq; the oldest are dropped. */
const MAX_READS = 1 << 16;
/** Returned reads of each learned hook kept past the ring (the first ones: the agent names the first read of a value). */
const FIRSTS_PER_HOOK = 64;
const MAX_HOSTS = 4096;

const rule = (id: string, title: string, severity: "critical" | "high" | "medium", description: string, references: RuleFamily["rules"][number]["references"]) => ({ id, family: "egress", title, severity, description, references });

/**
 * What left the device (issue 15): a send (`network_egress` call with a `net` record) that
 * carried an identifier the agent found — before consent, after a refusal or an opt-out in scope,
 * to a recipient the app does not list, read by one party and sent by another, or in cleartext.
 * Each finding's evidence: the send (host and whom it belongs to, the encodings and where they
 * were, bytes, TLS) and, per identifier, the read it names (seq, hook, party, time), with the stack
 * and step of the send.
 */
export const egressFamily: RuleFamily = {
  family: "egress",
  rules: [
    rule(BEFORE, "Identifier sent before the privacy policy was accepted", "critical", "A send that carried a device, phone or network identifier, a phone number or a location while consent was pending.", [
      REFS.methods2019("5(1)", "providing personal information to third parties without the user's consent"),
      REFS.pipl("Art. 23", "separate consent before providing personal information to another handler"),
    ]),
    rule(REFUSED, "Identifier sent after the privacy policy was rejected or the user opted out", "critical", "A send that carried an identifier after the user rejected the privacy policy, or after an opt-out whose purpose or parties cover the sender (or the chain that led to it).", [
      REFS.methods2019("3(2)", "after the user explicitly refuses, still collecting or providing personal information"),
      REFS.pipl("Art. 15", "withdrawal of consent"),
    ]),
    rule(UNDECLARED, "Identifier sent to a recipient the app does not list", "high", "A send that carried an identifier to a host that is neither the app's own (profile `domains`) nor a recipient on its published sharing list (profile `recipients`): a catalogued SDK's server the list omits, or an unknown party.", [
      REFS.methods2019("5(1)", "not disclosing the third parties personal information is provided to"),
      REFS.miit164("SDK data sharing not disclosed (the 2026 special campaign: third-party sharing details not listed)"),
    ]),
    rule(SHARED, "Identifier read by one party and sent by another", "high", "A send whose identifier a different party's hooked read returned: data passed between SDKs, or from the app to an SDK, in the app. A sender that had itself read an identifier of the same kind is taken to send its own and is not flagged: the agent names the first read of a value.", [
      REFS.methods2019("5(1)", "providing personal information to third parties through embedded SDKs without consent"),
      REFS.pipl("Art. 23", "providing personal information to another handler"),
    ]),
    rule(CLEARTEXT, "Identifier sent in cleartext", "high", "A send that carried an identifier over a plain (non-TLS) connection, readable on the network path.", [
      REFS.pipl("Art. 51", "security measures such as encryption"),
      REFS.gdpr("Art. 32", "security of processing"),
    ]),
  ],
  params: Object.fromEntries([BEFORE, REFUSED, UNDECLARED, SHARED, CLEARTEXT].map((id) => [id, { schema: {}, defaults: {} }])),
  create(setup) {
    const on = (id: string): boolean => setup.enabled(id);
    const profile = setup.profile;
    if (on(UNDECLARED) && !profile) setup.skip(UNDECLARED, "no app profile: pass --profile <app-profile.yaml> with its `domains` and `recipients`");
    else if (on(UNDECLARED) && profile!.domains === undefined && profile!.recipients === undefined) {
      setup.skip(UNDECLARED, "the app profile lists no `domains` and no `recipients` (its sharing list)");
    }
    const judgeRecipients = on(UNDECLARED) && profile !== undefined && (profile.domains !== undefined || profile.recipients !== undefined);
    const index = recipientIndexFor(profile, setup.catalogue);
    const hosts = new Map<string, HostParty>();
    const reads = new ReadRing();
    const groups = { [BEFORE]: new GroupMap(), [REFUSED]: new GroupMap(), [UNDECLARED]: new GroupMap(), [SHARED]: new GroupMap(), [CLEARTEXT]: new GroupMap() };
    const recipientOf = (host: string | undefined): HostParty => {
      const key = host ?? "";
      let r = hosts.get(key);
      if (!r) {
        r = index.attribute(host);
        if (hosts.size < MAX_HOSTS) hosts.set(key, r);
      }
      return r;
    };
    /** The read a match names, as evidence: its hook, party and time (when still remembered). */
    const readOf = (seq: number): { read?: { hook: string; party: string; t: number } } => {
      const r = reads.read(seq);
      return r ? { read: { hook: r.hook, party: setup.parties[r.party]?.name ?? "?", t: r.t } } : {};
    };
    const add = (id: string, key: string, ctx: EventContext, net: NetRecord, matches: readonly NetMatch[], extra: Record<string, unknown> = {}): void => {
      const g = (groups as Record<string, GroupMap>)[id]!.add(key, ctx);
      const d = g.details;
      d.host ??= net.host ?? "(unknown host)";
      d.tls ??= net.tls;
      d.layer ??= net.layer;
      d.bytes = (Number(d.bytes) || 0) + (net.bytes ?? 0);
      const ids = (d.identifiers ??= []) as { kind: string; enc: string; where: string; readSeq?: number; conf: number }[];
      for (const m of matches) {
        if (ids.length < 16 && !ids.some((x) => x.kind === m.kind && x.enc === m.enc && x.where === m.where)) ids.push({ kind: m.kind, enc: m.enc, where: m.where, ...(m.readSeq !== undefined ? { readSeq: m.readSeq, ...readOf(m.readSeq) } : {}), conf: m.conf });
      }
      for (const [k, v] of Object.entries(extra)) d[k] ??= v;
    };
    return {
      onEvent(ctx) {
        const { ev } = ctx;
        // A read that threw gave nothing to send: only returned reads count as the party's own.
        if (ctx.collection && CATEGORIES[ev.cat].identifying) reads.add(ev.seq, ctx.partyIdx, ev.hook, ev.t, ev.out === "returned");
        const net = ev.net;
        const matches = net?.matches;
        if (!net || !matches || matches.length === 0) return;
        const party = ctx.attr.responsible;
        const host = net.host;
        const recipient = recipientOf(host);
        const key = `${ctx.partyIdx}|${host ?? ""}`;
        const state = ctx.state;
        if (on(BEFORE) && state.consent === "pending") add(BEFORE, key, ctx, net, matches, { recipient: describe(recipient) });
        if (on(REFUSED)) {
          const out = state.optOuts.find((o) => inScope(party, ctx.attr.via, o) && matches.some((m) => o.categories === "all" || o.categories.has((KIND_CATEGORY as Readonly<Record<string, Category>>)[m.kind] ?? "device_identifiers")));
          if (state.consent === "rejected" || out) add(REFUSED, key, ctx, net, matches, { recipient: describe(recipient), ...(out ? { optedOutAt: out.t, purpose: out.purpose } : { refusal: "privacy policy rejected" }) });
        }
        if (judgeRecipients && !declared(recipient)) add(UNDECLARED, key, ctx, net, matches, { recipient: describe(recipient) });
        if (on(SHARED)) {
          // The agent names the first read of a value: a sender that read an identifier of the
          // same kind itself may be sending its own, and is not flagged. (By kind, not by value:
          // a read's return summary is not in every reader's events, and a device has one of each
          // identifier but moves — a position is the weak case.)
          const others = matches.filter((m) => {
            const reader = m.readSeq === undefined ? -1 : reads.party(m.readSeq);
            return reader >= 0 && reader !== ctx.partyIdx && !reads.readBy(ctx.partyIdx, m.kind);
          });
          if (others.length > 0) {
            const reader = setup.parties[reads.party(others[0]!.readSeq!)];
            add(SHARED, `${key}|${reader?.key ?? "?"}`, ctx, net, others, { readBy: reader ? reader.name : "another party", recipient: describe(recipient) });
          }
        }
        if (on(CLEARTEXT) && !net.tls) add(CLEARTEXT, key, ctx, net, matches, { recipient: describe(recipient) });
      },
      finish(emit) {
        const when: Record<string, string> = {
          [BEFORE]: "before the privacy policy was accepted",
          [REFUSED]: "after the user refused",
          [UNDECLARED]: "to a recipient the app's sharing list does not name",
          [SHARED]: "",
          [CLEARTEXT]: "without TLS",
        };
        for (const [id, map] of Object.entries(groups)) {
          for (const g of map.map.values()) {
            const c = g.firstCtx!;
            const d = g.details;
            const ids = (d.identifiers as { kind: string; enc: string; where: string }[]).map((x) => `${x.kind} (${x.enc}, ${x.where})`).join(", ");
            const to = `${String(d.host)} (${(d.recipient as { label: string }).label})`;
            const tail = id === SHARED ? `; ${String(d.readBy)} read it` : id === REFUSED && d.purpose ? ` — the opt-out of ${String(d.purpose)}` : ` ${when[id]}`;
            emit(id, g, { party: c.attr.responsible as Party, message: `${c.attr.responsible.name} sent ${ids} to ${to} in ${g.count} request(s)${tail}` });
          }
        }
      },
    };
  },
};

/** The app's own host, or one its sharing list names (a declared recipient, or an SDK a line declares). */
function declared(r: HostParty): boolean {
  return r.kind === "app" || r.kind === "recipient" || (r.kind === "sdk" && r.declaredBy.length > 0);
}

/**
 * The last MAX_READS identifying reads, (seq, party index, hook, time), in a ring: every
 * identifying read of every trace passes here, sends are rare, so adding is a few stores and a
 * look-up is a binary search (seqs increase in the file's order). Also, per party, the identifier
 * kinds it read (reports/trace/learned-kinds.ts): whether a sender read one itself.
 */
class ReadRing {
  private readonly seqs = new Float64Array(MAX_READS);
  private readonly parties = new Int32Array(MAX_READS);
  private readonly hooks: string[] = new Array<string>(MAX_READS);
  private readonly times = new Float64Array(MAX_READS);
  private readonly kinds = new Map<number, Set<string>>();
  /**
   * The first FIRSTS_PER_HOOK returned reads of each learned hook, kept past the ring: the agent
   * names the first read of a value, which in a long run is the one the ring has dropped.
   */
  private readonly firsts = new Map<number, { readonly party: number; readonly hook: string; readonly t: number }>();
  private readonly firstsPerHook = new Map<string, number>();
  private count = 0;

  add(seq: number, party: number, hook: string, t: number, returned: boolean): void {
    const i = this.count % MAX_READS;
    this.seqs[i] = seq;
    this.parties[i] = party;
    this.hooks[i] = hook;
    this.times[i] = t;
    this.count++;
    const kinds = learnedKinds(hook);
    if (!returned || kinds.length === 0) return;
    let mine = this.kinds.get(party);
    if (!mine) this.kinds.set(party, (mine = new Set()));
    for (const k of kinds) mine.add(k);
    const n = this.firstsPerHook.get(hook) ?? 0;
    if (n < FIRSTS_PER_HOOK && this.firstsPerHook.size < 1024) {
      this.firstsPerHook.set(hook, n + 1);
      this.firsts.set(seq, { party, hook, t });
    }
  }

  /** The party of the read with this seq, or -1 when it is not (or no longer) here. */
  party(seq: number): number {
    return this.read(seq)?.party ?? -1;
  }

  /** The read with this seq: hook, party index, time; undefined when it is not (or no longer) here. */
  read(seq: number): { hook: string; party: number; t: number } | undefined {
    const at = this.find(seq);
    return at < 0 ? this.firsts.get(seq) : { hook: this.hooks[at]!, party: this.parties[at]!, t: this.times[at]! };
  }

  /** Whether `party` read an identifier of this kind. */
  readBy(party: number, kind: string): boolean {
    return this.kinds.get(party)?.has(kind) === true;
  }

  private find(seq: number): number {
    const n = Math.min(this.count, MAX_READS);
    const first = this.count - n;
    let lo = 0;
    let hi = n - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const at = (first + mid) % MAX_READS;
      const s = this.seqs[at]!;
      if (s === seq) return at;
      if (s < seq) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }
}

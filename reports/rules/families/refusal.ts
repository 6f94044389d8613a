import { GroupMap, partyCatKey } from "../groups.js";
import { OPT_OUT_PURPOSES } from "../../data/purposes.js";
import type { Party } from "../../sdk/attribution.js";
import type { OptOut } from "../timeline.js";
import { claim, emitGroups, readTimes, REFS, type RuleFamily } from "../family.js";

const REJECTED = "refusal.after_consent_rejected";
const DENIED = "refusal.after_permission_denied";
const OPTED_OUT = "refusal.after_opt_out";

/** Collection that goes on after the user said no: to the policy, to a permission, or by opting out. */
export const refusalFamily: RuleFamily = {
  family: "refusal",
  rules: [
    {
      id: REJECTED,
      family: "refusal",
      title: "Personal information collected after the privacy policy was rejected",
      severity: "critical",
      description: "Any read of a personal-data category after the user declined the privacy policy.",
      references: [REFS.methods2019("3(2)", "after the user explicitly refuses, still collecting personal information or opening permissions")],
    },
    {
      id: DENIED,
      family: "refusal",
      title: "Protected data accessed after the permission was denied or revoked",
      severity: "high",
      description: "A call to an API guarded by a permission the user denied or revoked. A SecurityException still counts: the attempt is the evidence.",
      references: [
        REFS.methods2019("3(2)", "continuing to collect after the user refuses"),
        REFS.methods2019("3(5)", "changing the permission state the user set without consent"),
      ],
    },
    {
      id: OPTED_OUT,
      family: "refusal",
      title: "Personal information collected after the user opted out",
      severity: "high",
      description: "Reads of categories the user opted out of (personalised ads, analytics…), after the opt-out.",
      references: [REFS.methods2019("3(8)", "no way to withdraw consent, or withdrawal not honoured"), REFS.pipl("Art. 15", "withdrawal of consent")],
    },
  ],
  params: {
    [REJECTED]: { schema: {}, defaults: {} },
    [DENIED]: { schema: {}, defaults: {} },
    [OPTED_OUT]: { schema: {}, defaults: {} },
  },
  claims: true,
  create(setup) {
    const on = { rejected: setup.enabled(REJECTED), denied: setup.enabled(DENIED), optOut: setup.enabled(OPTED_OUT) };
    const rejected = new GroupMap();
    const denied = new GroupMap();
    const optedOut = new GroupMap();
    return {
      onEvent(ctx) {
        if (!ctx.collection) return;
        const { state, ev } = ctx;
        if (on.rejected && state.consent === "rejected") claim(ctx, REJECTED, rejected.add(partyCatKey(ctx), ctx));
        if (on.denied && ev.perm !== undefined && state.denied.size > 0) {
          const at = state.denied.get(ev.perm);
          if (at !== undefined) {
            const g = denied.add(`${ctx.partyIdx}|${ev.perm}`, ctx);
            claim(ctx, DENIED, g);
            g.details.permission = ev.perm;
            g.details.deniedAt ??= at;
          }
        }
        // The first opt-out in force that covers the call (they add up: ads off, then analytics off).
        const out = on.optOut ? state.optOuts.find((o) => (o.categories === "all" || o.categories.has(ev.cat)) && inScope(ctx.attr.responsible, ctx.attr.via, o)) : undefined;
        if (out) {
          const g = optedOut.add(partyCatKey(ctx, out.t), ctx);
          claim(ctx, OPTED_OUT, g);
          g.details.optedOutAt ??= out.t;
          g.details.optOut ??= describeOptOut(out);
        }
      },
      finish(emit) {
        emitGroups(emit, REJECTED, rejected, (c, g) => `${readTimes(c, g)} after the privacy policy was rejected`);
        emitGroups(emit, DENIED, denied, (c, g) => {
          const tried = g.threw > 0 ? ` (${g.threw} threw ${c.ev.exc ?? "an exception"})` : "";
          return `${c.attr.responsible.name} called APIs guarded by ${String(g.details.permission)} ${g.count} time(s) after it was denied${tried}`;
        });
        emitGroups(emit, OPTED_OUT, optedOut, (c, g) => `${readTimes(c, g)} after the user opted out of ${(g.details.optOut as { label: string }).label} at ${(Number(g.details.optedOutAt) / 1000).toFixed(1)} s`);
      },
    };
  },
};

/**
 * The opt-out covers the call: the party that collected, or one of the chain that led to it (an ad
 * SDK reading the OAID through an identifier helper, a network behind the mediation SDK the user
 * named), is named by it or — when it names none — of a kind its purpose covers.
 */
export function inScope(party: Party, via: readonly Party[], out: OptOut): boolean {
  const kinds = OPT_OUT_PURPOSES[out.purpose].kinds;
  const covers = (p: Party): boolean => {
    if (out.parties) return out.parties.has(p.key);
    if (kinds === "all") return true;
    const kind = p.sdk?.kind;
    return kind !== undefined && (kinds as readonly string[]).includes(kind);
  };
  return covers(party) || via.some(covers);
}

/** Which opt-out a finding broke, as findings.json states it. */
function describeOptOut(out: OptOut): Record<string, unknown> {
  const parties = out.parties ? [...out.parties] : undefined;
  const label = parties ? `${OPT_OUT_PURPOSES[out.purpose].label} by ${parties.map((k) => k.replace(/^sdk:/, "")).join(", ")}` : OPT_OUT_PURPOSES[out.purpose].label;
  return { purpose: out.purpose, label, ...(parties ? { parties } : {}), categories: out.categories === "all" ? "all" : [...out.categories] };
}

import type { Attribution, Party } from "../sdk/attribution.js";
import type { Category } from "../trace/categories.js";
import type { CallEvent } from "../trace/format.js";
import type { TimelineState } from "./timeline.js";

export const SEVERITIES = ["info", "low", "medium", "high", "critical"] as const;
export type Severity = (typeof SEVERITIES)[number];

export function severityRank(s: Severity): number {
  return SEVERITIES.indexOf(s);
}

/** The regulation or store rule a rule operationalises. */
export interface Reference {
  readonly source: string;
  readonly clause?: string;
  readonly text: string;
}

export interface RuleDef {
  readonly id: string;
  readonly family: string;
  readonly title: string;
  readonly severity: Severity;
  readonly description: string;
  readonly references: readonly Reference[];
}

/** What a rule family sees for each call event; built once per event by the engine. */
export interface EventContext {
  readonly ev: CallEvent;
  readonly attr: Attribution;
  /** Numeric ids for cheap keys: party, category, hook. */
  readonly partyIdx: number;
  readonly catIdx: number;
  readonly hookIdx: number;
  /** The call site: one number per distinct (stack, hook, category). */
  readonly siteIdx: number;
  /** Byte offset of the call's line in calls.jsonl. */
  readonly offset: number;
  readonly state: TimelineState;
  /** The event reads personal information (a data or capability category, not `own`). */
  readonly collection: boolean;
  /**
   * The finding group of a rule that reports this call for the moment it happened (before
   * consent, after a refusal, in the background): set by the first such rule, read by weaker rules
   * that then link to that finding instead of standing as a second one (FamilyRun.finish's link).
   */
  claim: Claim | undefined;
}

/** A call reported by a moment rule: which rule and its finding's group. */
export interface Claim {
  readonly rule: string;
  readonly group: object;
}

export interface FindingEvidence {
  /** Sample event seqs (the first few and the last). */
  readonly events: readonly number[];
  readonly stack?: {
    readonly id: number;
    readonly frames: readonly string[];
    /** Frames left out after the ones shown (very deep stacks). */
    readonly omittedFrames?: number;
    /** Index of the frame that decided the responsible party. */
    readonly responsibleFrame: number;
    readonly immediateFrame: number;
    readonly confidence: number;
    readonly reason: string;
  };
  readonly hooks: readonly { readonly hook: string; readonly count: number }[];
  readonly screenshot?: { readonly path: string; readonly t: number };
  readonly step?: { readonly scenario: string; readonly index: number; readonly action?: string; readonly label?: string };
  /** Rule-specific facts: rates, periods, permissions, the denial it follows… */
  readonly details?: Readonly<Record<string, unknown>>;
}

export interface Finding {
  readonly id: string;
  readonly rule: string;
  readonly family: string;
  readonly severity: Severity;
  readonly title: string;
  readonly message: string;
  readonly references: readonly Reference[];
  readonly party: PartySummary;
  /** The chain that led to the party: other third parties further out on the evidence stack, innermost first (docs/attribution.md). */
  readonly via?: readonly PartySummary[];
  readonly immediateCaller?: PartySummary;
  readonly category?: Category;
  readonly scenario?: string;
  /** The scenarios a finding grouped across scenarios spans (then `scenario` is absent); each occurrence is in evidence.details.occurrences. */
  readonly scenarios?: readonly string[];
  readonly count: number;
  readonly window: { readonly start: number; readonly end: number };
  readonly evidence: FindingEvidence;
}

export interface PartySummary {
  readonly key: string;
  readonly kind: Party["kind"];
  readonly name: string;
  readonly vendor?: string;
  readonly sdkKind?: string;
  readonly package?: string;
}

export function summarizeParty(p: Party): PartySummary {
  return {
    key: p.key,
    kind: p.kind,
    name: p.name,
    ...(p.sdk ? { vendor: p.sdk.vendor, sdkKind: p.sdk.kind } : {}),
    ...(p.package ? { package: p.package } : {}),
  };
}

/** The scenarios a finding is about: its one scenario, or the ones a grouped finding spans. */
export function findingScenarios(f: Pick<Finding, "scenario" | "scenarios">): readonly string[] {
  return f.scenarios ?? (f.scenario !== undefined ? [f.scenario] : []);
}

/**
 * A message that names its party's chain: "Pangle, via AppLovin MAX collected …". Rules write
 * messages that start with the party's name; the chain goes right after it (or at the end when
 * the message does not start so), once.
 */
export function withChain(message: string, party: Party, via: readonly Party[]): string {
  if (via.length === 0 || message.includes(", via ")) return message;
  const chain = via.map((p) => p.name).join(", ");
  return message.startsWith(party.name) ? `${party.name}, via ${chain}${message.slice(party.name.length)}` : `${message} (via ${chain})`;
}

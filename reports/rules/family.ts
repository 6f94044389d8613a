import type { SdkEntry } from "../sdk/types.js";
import type { AppProfile } from "../profile.js";
import type { Party } from "../sdk/attribution.js";
import type { TraceManifest } from "../trace/format.js";
import { CATEGORIES } from "../trace/categories.js";
import type { Group, GroupMap } from "./groups.js";
import type { Timeline } from "./timeline.js";
import type { EventContext, RuleDef, Severity } from "./types.js";

/** A JSON-Schema fragment for a rule's parameters and their defaults (the strict values). */
export interface ParamSpec {
  readonly schema: Readonly<Record<string, unknown>>;
  readonly defaults: Readonly<Record<string, unknown>>;
}

/** What a finding says beyond its group's evidence. */
export interface Emit {
  readonly party?: Party;
  readonly category?: EventContext["ev"]["cat"];
  readonly scenario?: string;
  /** A finding grouped across scenarios: the scenarios it spans. */
  readonly scenarios?: readonly string[];
  readonly message: string;
  readonly details?: Record<string, unknown>;
  /** Where the finding's own evidence differs from its group's (a rate rule's busiest window). */
  readonly window?: { readonly start: number; readonly end: number };
  readonly count?: number;
  readonly events?: readonly number[];
  /** The call whose scenario step and nearest screenshot the finding cites (default: the group's first). */
  readonly at?: EventContext;
}

export interface FamilySetup {
  readonly timeline: Timeline;
  readonly manifest: TraceManifest;
  readonly profile: AppProfile | undefined;
  /** The SDK catalogue the trace is attributed with (transparent libraries apart). */
  readonly catalogue: readonly SdkEntry[];
  /** Parties by index (EventContext.partyIdx). */
  readonly parties: readonly Party[];
  enabled(ruleId: string): boolean;
  /** A rule's severity under the policy. */
  severity(ruleId: string): Severity;
  params<T>(ruleId: string): T;
  /** Records why a rule was not evaluated on this trace. */
  skip(ruleId: string, reason: string): void;
}

export interface FamilyRun {
  onEvent(ctx: EventContext): void;
  /** Called once after the last event; emits findings, and links calls another rule reported. */
  finish(emit: EmitFn, link: LinkFn): void;
}

/**
 * Says that calls a weaker rule would have reported are in a stronger rule's finding (the group
 * of their EventContext.claim): that finding lists them (`alsoBreaks`) instead of a second one.
 */
export type LinkFn = (group: object, also: { readonly rule: string; readonly count: number; readonly scenarios: readonly string[] }) => void;

/** Marks a call as reported by `rule` in `group`, unless a rule claimed it first. */
export function claim(ctx: EventContext, rule: string, group: object): void {
  ctx.claim ??= { rule, group };
}

/** One rule family: its rules as data, their parameters, and a small evaluator. */
export interface RuleFamily {
  readonly family: string;
  readonly rules: readonly RuleDef[];
  readonly params: Readonly<Record<string, ParamSpec>>;
  /** It reports calls for the moment they happened and claims them: it sees each call before the families that defer to claims. */
  readonly claims?: true;
  create(setup: FamilySetup): FamilyRun;
}

/** Reference texts shared by several families. */
export const REFS = {
  methods2019: (clause: string, text: string) => ({ source: "App违法违规收集使用个人信息行为认定方法 (2019 identification methods)", clause, text }),
  miit164: (text: string) => ({ source: "MIIT notice 164 (2020), 工信部信管函〔2020〕164号", text }),
  miit26: (text: string) => ({ source: "MIIT notice 26 (2023), 工信部信管函〔2023〕26号", text }),
  necessary2021: (text: string) => ({ source: "常见类型移动互联网应用程序必要个人信息范围规定 (2021)", text }),
  store: (store: string, text: string) => ({ source: `${store} review rules`, text }),
  pipl: (clause: string, text: string) => ({ source: "Personal Information Protection Law (PIPL)", clause, text }),
  gdpr: (clause: string, text: string) => ({ source: "GDPR", clause, text }),
} as const;

/** Common parameter schema pieces. */
export const CATEGORY_LIST_SCHEMA = { type: "array", items: { $ref: "#/$defs/category" }, uniqueItems: true } as const;

export type EmitFn = (ruleId: string, group: Group, what: Emit) => void;

/**
 * Emits one finding per group, attributed to the group's first call: its responsible party,
 * category and scenario. `message` says what happened; `what` may override the rest.
 */
export function emitGroups(emit: EmitFn, ruleId: string, groups: GroupMap, message: (c: EventContext, g: Group) => string, what: (c: EventContext, g: Group) => Partial<Emit> = () => ({})): void {
  for (const g of groups.map.values()) {
    const c = g.firstCtx!;
    emit(ruleId, g, { party: c.attr.responsible, category: c.ev.cat, scenario: c.state.scenario?.name, message: message(c, g), ...what(c, g) });
  }
}

/** "read location 3 time(s)": the usual opening of a collection finding's message. */
export function readTimes(c: EventContext, g: Group): string {
  return `${c.attr.responsible.name} read ${CATEGORIES[c.ev.cat].label.toLowerCase()} ${g.count} time(s)`;
}

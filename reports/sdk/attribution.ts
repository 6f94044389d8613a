import type { StackFrame, StackRecord } from "../trace/format.js";
import { FRAMEWORK_PREFIXES, THREAD_ROOTS } from "./framework.js";
import { PrefixIndex } from "./prefix-index.js";
import type { SdkEntry, SdkKind } from "./types.js";

export type PartyKind = "app" | "sdk" | "unknown_third_party" | "unattributed";

/** Who a call is attributed to. `key` is stable across runs: `app`, `sdk:<id>`, `pkg:<package>`, `unattributed`. */
export interface Party {
  readonly key: string;
  readonly kind: PartyKind;
  readonly name: string;
  readonly sdk?: SdkEntry;
  /** For unknown third parties: the package that stands for them. */
  readonly package?: string;
  /** The package looks obfuscated (every segment one or two letters). */
  readonly obfuscated?: boolean;
}

export interface Attribution {
  /** The outermost third-party package that led to the call, else the app, else unattributed. */
  readonly responsible: Party;
  /** The innermost non-framework frame's party: who called the API. */
  readonly immediate: Party;
  /** 0–1: how sure the attribution is (see docs/attribution.md). */
  readonly confidence: number;
  /** Index in the stack of the frame that decided `responsible` (-1 when none). */
  readonly frameIndex: number;
  readonly immediateFrameIndex: number;
  /** The decisive frame, rendered `class.method(file:line)`. */
  readonly evidence: string;
  readonly reason: string;
  /** Keys of every non-framework party on the stack, innermost first. */
  readonly parties: readonly string[];
}

export const APP_PARTY: Party = { key: "app", kind: "app", name: "the app" };
export const UNATTRIBUTED: Party = { key: "unattributed", kind: "unattributed", name: "unattributed" };

type Owner = { readonly type: "framework" } | { readonly type: "app" } | { readonly type: "sdk"; readonly sdk: SdkEntry };

/** Renders a frame as Java prints it. */
export function formatFrame(frame: StackFrame): string {
  if (frame.n !== undefined) return `[native] ${frame.n}`;
  const where = frame.f ? (frame.l !== undefined && frame.l >= 0 ? `${frame.f}:${frame.l}` : frame.f) : "Unknown Source";
  return `${frame.c ?? "?"}.${frame.m ?? "?"}(${where})`;
}

const OBFUSCATED_SEGMENT = /^[a-z]{1,2}$/;

/** The package standing for an unknown third party: its first three package segments. */
function unknownPackage(className: string): { pkg: string; obfuscated: boolean } {
  const segments = className.split(".");
  const packageSegments = segments.slice(0, -1);
  if (packageSegments.length === 0) return { pkg: "(default package)", obfuscated: true };
  const obfuscated = packageSegments.every((s) => OBFUSCATED_SEGMENT.test(s));
  if (obfuscated) return { pkg: packageSegments[0] ?? "?", obfuscated };
  return { pkg: packageSegments.slice(0, Math.min(3, packageSegments.length)).join("."), obfuscated };
}

/**
 * Attributes stacks to the app, a catalogued SDK or an unknown third party.
 * One per trace: class look-ups and whole-stack results are cached, so the per-event cost is a map hit.
 */
export class Attributor {
  private readonly index = new PrefixIndex<Owner>();
  private readonly partiesByKey = new Map<string, Party>();
  private readonly classCache = new Map<string, Party | null>();
  private readonly stackCache = new Map<number, Attribution>();

  constructor(catalogue: readonly SdkEntry[], appPackages: readonly string[]) {
    for (const f of FRAMEWORK_PREFIXES) this.index.add(f.prefix, { type: "framework" });
    for (const sdk of catalogue) for (const p of sdk.prefixes) this.index.add(p, { type: "sdk", sdk });
    // App packages last: on an exact tie the app wins; a longer SDK prefix inside the app's package still wins.
    for (const p of appPackages) if (p) this.index.add(p, { type: "app" });
    this.partiesByKey.set(APP_PARTY.key, APP_PARTY);
    this.partiesByKey.set(UNATTRIBUTED.key, UNATTRIBUTED);
  }

  /** Every party met so far, by key. */
  party(key: string): Party | undefined {
    return this.partiesByKey.get(key);
  }

  /** The party a class belongs to, or null for framework classes. */
  classify(className: string): Party | null {
    const cached = this.classCache.get(className);
    if (cached !== undefined) return cached;
    const hit = this.index.longest(className);
    let party: Party | null;
    if (hit?.value.type === "framework") party = null;
    else if (hit?.value.type === "app") party = APP_PARTY;
    else if (hit?.value.type === "sdk") party = this.intern({ key: `sdk:${hit.value.sdk.id}`, kind: "sdk", name: hit.value.sdk.name, sdk: hit.value.sdk });
    else {
      const { pkg, obfuscated } = unknownPackage(className);
      party = this.intern({ key: `pkg:${pkg}`, kind: "unknown_third_party", name: obfuscated ? `obfuscated code (${pkg}.*)` : pkg, package: pkg, obfuscated });
    }
    this.classCache.set(className, party);
    return party;
  }

  /** Attributes a stack; cached by stack id. A missing stack is unattributed with zero confidence. */
  attribute(stack: StackRecord | undefined): Attribution {
    if (!stack) return MISSING_STACK;
    const cached = this.stackCache.get(stack.id);
    if (cached) return cached;
    const result = this.attributeFrames(stack.frames, stack.truncated === true);
    this.stackCache.set(stack.id, result);
    return result;
  }

  attributeFrames(frames: readonly StackFrame[], truncated: boolean): Attribution {
    const parties: string[] = [];
    let immediate: Party | undefined;
    let immediateIndex = -1;
    let outerThird: Party | undefined;
    let outerThirdIndex = -1;
    let appIndex = -1;
    const thirdParties = new Set<string>();
    for (let i = 0; i < frames.length; i++) {
      const cls = frames[i]?.c;
      if (!cls) continue; // native frames carry no package
      const party = this.classify(cls);
      if (!party) continue;
      if (parties[parties.length - 1] !== party.key) parties.push(party.key);
      if (!immediate) {
        immediate = party;
        immediateIndex = i;
      }
      if (party.kind === "app") {
        if (appIndex < 0) appIndex = i;
      } else {
        outerThird = party;
        outerThirdIndex = i;
        thirdParties.add(party.key);
      }
    }
    const last = frames[frames.length - 1];
    const reachedRoot = last?.c !== undefined && THREAD_ROOTS.includes(`${last.c}.${last.m ?? ""}`);
    const cut = truncated && !reachedRoot;
    let responsible: Party;
    let index: number;
    let confidence: number;
    let reason: string;
    if (outerThird) {
      responsible = outerThird;
      index = outerThirdIndex;
      if (outerThird.kind === "unknown_third_party") {
        confidence = outerThird.obfuscated ? 0.4 : 0.6;
        reason = outerThird.obfuscated ? "outermost non-app frame is obfuscated code not in the catalogue" : "outermost third-party package is not in the SDK catalogue";
      } else if (thirdParties.size > 1) {
        confidence = 0.8;
        reason = "several third-party SDKs on the stack: the outermost one led to the call";
      } else if (immediate && immediate.kind === "app") {
        confidence = 0.7;
        reason = "the SDK called back into app code, which made the call";
      } else {
        confidence = 0.95;
        reason = "the only third-party SDK on the stack";
      }
    } else if (appIndex >= 0) {
      responsible = APP_PARTY;
      index = appIndex;
      confidence = 0.9;
      reason = "only app and framework frames on the stack";
    } else {
      responsible = UNATTRIBUTED;
      index = -1;
      confidence = 0.2;
      reason = "only framework frames on the stack";
    }
    if (cut) {
      confidence = Math.max(0.1, confidence - 0.2);
      reason += "; the stack was cut at the agent's depth limit, a caller further out may be missing";
    }
    const frame = index >= 0 ? frames[index] : undefined;
    return {
      responsible,
      immediate: immediate ?? UNATTRIBUTED,
      confidence: Math.round(confidence * 100) / 100,
      frameIndex: index,
      immediateFrameIndex: immediateIndex,
      evidence: frame ? formatFrame(frame) : "",
      reason,
      parties,
    };
  }

  private intern(party: Party): Party {
    const known = this.partiesByKey.get(party.key);
    if (known) return known;
    this.partiesByKey.set(party.key, party);
    return party;
  }
}

const MISSING_STACK: Attribution = {
  responsible: UNATTRIBUTED,
  immediate: UNATTRIBUTED,
  confidence: 0,
  frameIndex: -1,
  immediateFrameIndex: -1,
  evidence: "",
  reason: "the event has no stack (or its stack is missing from stacks.jsonl)",
  parties: [],
};

/** The SDK kind of a party, if it is a catalogued SDK. */
export function partySdkKind(party: Party): SdkKind | undefined {
  return party.sdk?.kind;
}

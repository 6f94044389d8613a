import type { StackFrame, StackRecord } from "../trace/format.js";
import { FRAMEWORK_PREFIXES, THREAD_ROOTS } from "./framework.js";
import { LIBRARIES } from "./catalogue/libraries.js";
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
  /**
   * The code that collected: walking outward from the API past framework and transparent-library
   * frames, the first identifiable party (the app's own packages or a catalogued SDK); see
   * docs/attribution.md for unidentified frames and stacks without such a party.
   */
  readonly responsible: Party;
  /** The innermost non-framework frame's party: who called the API. */
  readonly immediate: Party;
  /**
   * The chain that led to the responsible party: the other third parties further out on the
   * stack, innermost first ("Pangle, via AppLovin MAX"). Obfuscated packages are left out.
   */
  readonly via: readonly Party[];
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
/** classify()'s answer for a transparent library's class (walked past like the platform). */
const LIBRARY_MARK: Party = { key: "library", kind: "unattributed", name: "a transparent library" };
export const UNATTRIBUTED: Party = { key: "unattributed", kind: "unattributed", name: "unattributed" };

type Owner =
  | { readonly type: "framework" }
  | { readonly type: "library"; readonly sdk: SdkEntry }
  | { readonly type: "app" }
  | { readonly type: "sdk"; readonly sdk: SdkEntry };

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

/** One non-framework frame of a stack, with its party. */
interface Located {
  readonly party: Party;
  readonly index: number;
}

/**
 * Attributes stacks to the app, a catalogued SDK or an unknown third party.
 * One per trace: class look-ups and whole-stack results are cached, so the per-event cost is a map hit.
 */
export class Attributor {
  /** The app's own packages, looked up first: they win over catalogue prefixes that lie under them. */
  private readonly appIndex = new PrefixIndex<true>();
  private readonly index = new PrefixIndex<Owner>();
  private readonly partiesByKey = new Map<string, Party>();
  private readonly classCache = new Map<string, Party | null>();
  private readonly stackCache = new Map<number, Attribution>();

  constructor(catalogue: readonly SdkEntry[], appPackages: readonly string[]) {
    for (const f of FRAMEWORK_PREFIXES) this.index.add(f.prefix, { type: "framework" });
    // Transparent libraries always (a test's small catalogue still walks past OkHttp), then the catalogue.
    for (const sdk of [...LIBRARIES, ...catalogue]) {
      for (const p of sdk.prefixes) this.index.add(p, sdk.kind === "library" ? { type: "library", sdk } : { type: "sdk", sdk });
    }
    for (const p of appPackages) if (p) this.appIndex.add(p, true);
    this.partiesByKey.set(APP_PARTY.key, APP_PARTY);
    this.partiesByKey.set(UNATTRIBUTED.key, UNATTRIBUTED);
  }

  /** Every party met so far, by key. */
  party(key: string): Party | undefined {
    return this.partiesByKey.get(key);
  }

  /** The party a class belongs to; null for the platform, LIBRARY_MARK for a transparent library. */
  classify(className: string): Party | null {
    const cached = this.classCache.get(className);
    if (cached !== undefined) return cached;
    const party = this.lookUp(className);
    this.classCache.set(className, party);
    return party;
  }

  private lookUp(className: string): Party | null {
    const hit = this.index.longest(className)?.value;
    // The platform is never the app's code, whatever a trace's manifest claims as its packages.
    if (hit?.type === "framework") return null;
    if (this.appIndex.longest(className)) return APP_PARTY;
    if (hit?.type === "library") return LIBRARY_MARK;
    if (hit?.type === "sdk") return this.intern({ key: `sdk:${hit.sdk.id}`, kind: "sdk", name: hit.sdk.name, sdk: hit.sdk });
    const { pkg, obfuscated } = unknownPackage(className);
    return this.intern({ key: `pkg:${pkg}`, kind: "unknown_third_party", name: obfuscated ? `obfuscated code (${pkg}.*)` : pkg, package: pkg, obfuscated });
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
    const located: Located[] = [];
    const parties: string[] = [];
    let libraryFrame = -1;
    for (let i = 0; i < frames.length; i++) {
      const cls = frames[i]?.c;
      if (!cls) continue; // native frames carry no package
      const party = this.classify(cls);
      if (party === LIBRARY_MARK) {
        if (libraryFrame < 0) libraryFrame = i;
        continue;
      }
      if (!party) continue;
      located.push({ party, index: i });
      if (parties[parties.length - 1] !== party.key) parties.push(party.key);
    }
    const decision = located.length === 0 && libraryFrame >= 0 ? libraryOnly(libraryFrame) : decide(located);
    const last = frames[frames.length - 1];
    const reachedRoot = last?.c !== undefined && THREAD_ROOTS.includes(`${last.c}.${last.m ?? ""}`);
    let { confidence, reason } = decision;
    if (truncated && !reachedRoot) {
      // The responsible party is decided by the frames nearest the API, which a cut keeps: only a
      // stack with no identified party, or the chain, can be missing something further out.
      const identified = decision.at?.party.kind === "sdk" || decision.at?.party.kind === "app";
      if (!identified) confidence = Math.max(0.1, confidence - 0.2);
      reason += identified ? "; the stack was cut at the agent's depth limit: the chain further out may be incomplete" : "; the stack was cut at the agent's depth limit, a caller further out may be missing";
    }
    const at = decision.at;
    const frame = at ? frames[at.index] : undefined;
    // (a library-only stack's decisive frame is the library's nearest the API)
    return {
      responsible: at?.party ?? UNATTRIBUTED,
      immediate: located[0]?.party ?? at?.party ?? UNATTRIBUTED,
      via: decision.via,
      confidence: Math.round(confidence * 100) / 100,
      frameIndex: at?.index ?? -1,
      immediateFrameIndex: located[0]?.index ?? at?.index ?? -1,
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

interface Decision {
  readonly at: Located | undefined;
  readonly via: readonly Party[];
  readonly confidence: number;
  readonly reason: string;
}

const isNamedUnknown = (p: Party): boolean => p.kind === "unknown_third_party" && p.obfuscated !== true;

/** Code that hands over to another SDK (a push channel, a mediation adapter): unknown code inward of it is that other SDK's. */
const isBridge = (p: Party): boolean => p.sdk?.bridge === true;

/**
 * Only platform and transparent-library frames: a Flutter plugin or React Native module called from
 * Dart or JavaScript, a utility on its own thread. The code that asked is not on the Java stack;
 * it runs for the app.
 */
function libraryOnly(index: number): Decision {
  return {
    at: { party: APP_PARTY, index },
    via: [],
    confidence: 0.5,
    reason: "only platform and transparent-library frames (a Flutter or React Native plugin, a utility on its own thread): the caller is not on the Java stack, so the call is the app's",
  };
}

/**
 * The rule of docs/attribution.md over a stack's non-framework frames, innermost first: the first
 * catalogued SDK or app frame is responsible. Unidentified frames inward of an SDK are the SDK's
 * (SDKs ship relocated and obfuscated internals under other names); inward of the app's code,
 * obfuscated frames are the app's but a named package that is not the app's is a third party of
 * its own. With no identifiable party, the innermost named unknown package, else the innermost
 * obfuscated one.
 */
function decide(located: readonly Located[]): Decision {
  const identified = located.findIndex((l) => l.party.kind === "sdk" || l.party.kind === "app");
  const firstNamed = located.findIndex((l) => isNamedUnknown(l.party));
  let pick: number;
  const idParty = identified >= 0 ? located[identified]!.party : undefined;
  // Unknown code inward of the app's code, or of an adapter or channel, is a third party of its own.
  if (idParty && (idParty.kind === "app" || isBridge(idParty)) && firstNamed >= 0 && firstNamed < identified) pick = firstNamed;
  else if (identified >= 0) pick = identified;
  else pick = firstNamed >= 0 ? firstNamed : located.length > 0 ? 0 : -1;
  if (pick < 0) return { at: undefined, via: [], confidence: 0.2, reason: "only framework frames on the stack" };
  const at = located[pick]!;
  const via = chain(located, pick);
  const absorbed = pick; // unidentified frames between the API and the responsible party
  const viaText = via.length > 0 ? `; reached via ${via.map((p) => p.name).join(", ")}` : "";
  const p = at.party;
  if (p.kind === "sdk") {
    return absorbed > 0
      ? { at, via, confidence: 0.75, reason: `the first catalogued SDK outward from the API; ${absorbed} frame(s) of unidentified code between it and the API are assigned to it${viaText}` }
      : { at, via, confidence: 0.95, reason: `the catalogued SDK whose code made the call${viaText}` };
  }
  if (p.kind === "app") {
    return absorbed > 0
      ? { at, via, confidence: 0.7, reason: `the app's own code; ${absorbed} frame(s) of obfuscated code between it and the API are assigned to it${viaText}` }
      : { at, via, confidence: 0.9, reason: `the app's own code made the call${viaText}` };
  }
  if (isNamedUnknown(p)) return { at, via, confidence: 0.6, reason: `a third-party package not in the SDK catalogue made the call${viaText}` };
  return { at, via, confidence: 0.4, reason: `obfuscated code not in the catalogue, with no identifiable party on the stack${viaText}` };
}

/**
 * The other third parties further out than `pick`, innermost first, each once; obfuscated
 * packages left out. The chain ends at the app's code: what called the app is not what led to
 * this call (the app chose to make it). For the app's own call, the chain is what called into the
 * app's code (an SDK's callback), up to the app's next frame. A party the chain passes back
 * through (A ← B ← A) is listed again after the others.
 */
function chain(located: readonly Located[], pick: number): Party[] {
  const responsible = located[pick]!.party;
  const via: Party[] = [];
  let i = pick + 1;
  if (responsible.kind === "app") while (i < located.length && located[i]!.party.kind === "app") i++;
  let last = responsible.key;
  for (; i < located.length; i++) {
    const p = located[i]!.party;
    if (p.kind === "app") break;
    if (p.obfuscated === true || p.key === last) continue;
    last = p.key;
    if (via.includes(p) || (p === responsible && via.length === 0)) continue;
    via.push(p);
  }
  return via;
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
  via: [],
};

/** The SDK kind of a party, if it is a catalogued SDK. */
export function partySdkKind(party: Party): SdkKind | undefined {
  return party.sdk?.kind;
}

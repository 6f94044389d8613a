/**
 * A finding as every format shows it, built from a rule's group: party and chain, counts and
 * window, the evidence stack (bounded), the first call's arguments (redacted), the step and the
 * nearest screenshot.
 */
import type { Emit } from "./rules/family.js";
import type { Group } from "./rules/groups.js";
import type { Timeline } from "./rules/timeline.js";
import { summarizeParty, withChain, type Finding, type Severity } from "./rules/types.js";
import { formatFrame, type Attribution } from "./sdk/attribution.js";
import { CATEGORIES } from "./trace/categories.js";
import type { StackFrame } from "./trace/format.js";
import type { CallReader, OpenTrace } from "./trace/reader.js";
import { redactValue } from "./redact.js";

/** What building a finding needs from the analysis. */
export interface FindingInputs {
  readonly trace: OpenTrace;
  readonly timeline: Timeline;
  /** Hook ids by index (EventContext.hookIdx). */
  readonly hooks: readonly string[];
  readonly showValues: boolean;
  /** The calls were read in parallel: argument summaries are read again from the file. */
  readonly parallel: boolean;
  readonly reread: CallReader;
  /** The attribution of a stack id (cached by the analysis). */
  stackAttr(id: number | undefined): Attribution;
}

const MAX_ARGS = 20;
const MAX_ARG_CHARS = 500;
const MAX_FRAMES = 60;
const MAX_FRAME_CHARS = 500;

function cut(s: string, max: number): string {
  return s.length > max ? `${s.slice(0, max)}…` : s;
}

export function buildFinding(x: FindingInputs, rule: string, family: string, severity: Severity, def: { title: string; references: Finding["references"] }, g: Group, what: Emit): Omit<Finding, "id"> {
  const c = g.firstCtx!;
  const at = what.at ?? c;
  const stackId = g.topStack();
  const stack = stackId !== undefined ? x.trace.stacks.get(stackId) : undefined;
  const attr = stack ? x.stackAttr(stackId) : c.attr;
  const party = what.party ?? c.attr.responsible;
  // The chain of the stack the finding shows, when that stack is the party's.
  const via = attr.responsible.key === party.key ? attr.via : [];
  const window = what.window ?? { start: g.first, end: g.last };
  const shot = x.timeline.nearestScreenshot(what.at ? at.ev.t : window.start, at.state.scenario);
  const step = at.state.step;
  const identifying = CATEGORIES[c.ev.cat].identifying;
  // A parallel read leaves argument and return summaries in the file: read the one call again.
  const full = x.parallel && c.ev.args === undefined && c.ev.ret === undefined ? (x.reread.at(c.offset, c.ev.seq) ?? c.ev) : c.ev;
  const firstCall = {
    seq: c.ev.seq,
    hook: c.ev.hook,
    out: c.ev.out,
    ...(c.ev.exc ? { exc: c.ev.exc } : {}),
    // At most MAX_ARGS arguments of at most MAX_ARG_CHARS each: a call with 50k arguments must not make the report.
    ...(full.args ? { args: full.args.slice(0, MAX_ARGS).map((a) => cut(redactValue(String(a), identifying, x.showValues), MAX_ARG_CHARS)) } : {}),
    ...(full.args && full.args.length > MAX_ARGS ? { argsOmitted: full.args.length - MAX_ARGS } : {}),
    ...(full.ret !== undefined ? { ret: redactValue(String(full.ret), identifying, x.showValues) } : {}),
    pid: c.ev.pid,
    tid: c.ev.tid,
  };
  return {
    rule,
    family,
    severity,
    title: def.title,
    message: withChain(attempts(what.message, g.count, g.threw, c.ev.exc), party, via),
    references: def.references,
    party: summarizeParty(party),
    ...(via.length > 0 ? { via: via.map(summarizeParty) } : {}),
    ...(c.attr.immediate.key !== (what.party ?? c.attr.responsible).key ? { immediateCaller: summarizeParty(c.attr.immediate) } : {}),
    ...(what.category ? { category: what.category } : {}),
    ...(what.scenario ? { scenario: what.scenario } : {}),
    ...(what.scenarios ? { scenarios: what.scenarios } : {}),
    count: what.count ?? g.count,
    window,
    evidence: {
      events: what.events ? [...what.events] : g.sampleSeqs(),
      ...(stack
        ? {
            stack: {
              id: stack.id,
              ...boundedFrames(stack.frames, attr.frameIndex, attr.immediateFrameIndex),
              responsibleFrame: attr.frameIndex,
              immediateFrame: attr.immediateFrameIndex,
              confidence: attr.confidence,
              reason: attr.reason,
            },
          }
        : { stack: undefined }),
      hooks: g.hooks().slice(0, 8).map(([h, n]) => ({ hook: x.hooks[h]!, count: n })),
      ...(shot ? { screenshot: shot } : {}),
      ...(step ? { step: { scenario: step.scenario, index: step.index, ...(step.action ? { action: step.action } : {}), ...(step.label ? { label: step.label } : {}) } } : {}),
      details: { ...g.details, ...(what.details ?? {}), firstCall, ...(g.threw > 0 ? { threw: g.threw } : {}) },
    },
  };
}

/**
 * A stack as the report shows it: the first frames up to a little past the deciding ones,
 * at most MAX_FRAMES, each cut at MAX_FRAME_CHARS, so a hostile or runaway stack cannot blow up
 * the output. `omittedFrames` says how many were left out at the end.
 */
function boundedFrames(frames: readonly StackFrame[], responsible: number, immediate: number): { frames: string[]; omittedFrames?: number } {
  const want = Math.min(frames.length, Math.max(20, responsible + 4, immediate + 4));
  const keep = Math.min(want, MAX_FRAMES);
  const out = frames.slice(0, keep).map((f) => {
    const s = formatFrame(f);
    return s.length > MAX_FRAME_CHARS ? `${s.slice(0, MAX_FRAME_CHARS)}…` : s;
  });
  return frames.length > keep ? { frames: out, omittedFrames: frames.length - keep } : { frames: out };
}

/**
 * A finding whose calls all threw (an identifier Android refused, a camera that would not open)
 * is about attempts: the message says so, so nobody reads "read the IMEI 7 times" as success.
 */
function attempts(message: string, count: number, threw: number, exc: string | undefined): string {
  // Only when every call of the group threw (then the first call, whose exception is named, did too).
  if (threw === 0 || threw !== count || message.includes(" threw ")) return message;
  const e = exc ?? "an exception";
  return count === 1 ? `${message} — the call threw ${e}: an attempt, refused or failed on the device` : `${message} — all ${count} threw ${e}: attempts, refused or failed on the device`;
}

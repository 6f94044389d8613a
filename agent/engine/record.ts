import { CATEGORY_IDS } from "../../reports/trace/categories.js";
import type { HookEntry } from "../catalogue/types.js";
import { CALL_FLAGS } from "../protocol.js";
import { classify } from "./classifiers.js";
import { now } from "./clock.js";
import type { Egress } from "./egress.js";
import type { Handler } from "./installer.js";
import type { Recorder } from "./recorder.js";
import type { StackWalker } from "./stack.js";
import { summarize, type RedactionConfig } from "./summaries.js";

const categoryIndex = new Map<string, number>(CATEGORY_IDS.map((c, i) => [c, i]));

export interface RecordContext {
  readonly recorder: Recorder;
  readonly redaction: RedactionConfig;
  readonly appPackage: string;
  readonly stacks: StackWalker;
  /** The process's foreground state as the agent counts it, or null before it knows. */
  readonly foreground: () => boolean | null;
  /** Runs agent code with the reentrancy guard up, so the agent's own Java calls are not recorded. */
  readonly guarded: <T>(fn: () => T) => T;
  readonly tid: () => number;
  /** Per thread, the classes whose hooked calls are in progress (outermost first). */
  readonly active: Map<number, string[]>;
  /** Egress records and the identifier values reads return (agent/engine/egress.ts). */
  readonly egress?: Egress;
}

/** The exception class of an error thrown through the bridge ("java.lang.SecurityException: …"). */
export function exceptionClass(err: unknown): string {
  const e = err as { $className?: string; message?: string } | null;
  if (e && typeof e.$className === "string") return e.$className;
  const m = typeof e?.message === "string" ? /^([\w$.]+)(?::|$)/.exec(e.message) : null;
  return m?.[1] ?? "Error";
}

/**
 * The handler that records a catalogue entry's calls: the attempt before the original runs
 * (arguments, stack, context), the outcome after (returned or threw, and what). It reads the
 * arguments and the result and changes neither.
 */
/** Distinct stacks remembered per entry for skipCallers (then the decision is made again). */
const MAX_SKIP_KEYS = 4096;

/** Whether a call's immediate caller is one the entry skips, decided once per stack key. */
function callerSkipped(entry: HookEntry, cache: Map<string, boolean>, key: string, build: () => { readonly frames: readonly (readonly [string | null, ...unknown[]])[] }): boolean {
  let skip = cache.get(key);
  if (skip === undefined) {
    const caller = build().frames[0]?.[0];
    skip = typeof caller === "string" && entry.skipCallers!.some((p) => caller.startsWith(p));
    if (cache.size < MAX_SKIP_KEYS) cache.set(key, skip);
  }
  return skip;
}

export function recordingHandler(entry: HookEntry, hook: number, ctx: RecordContext): Handler {
  const baseCategory = categoryIndex.get(entry.category)!;
  const skipCache = new Map<string, boolean>();
  return (self, args) =>
    ctx.guarded(() => {
      // An overload that calls another hooked overload of the same class (getImei() → getImei(int),
      // the query chain) is one call from the app: only the outermost is recorded.
      const tid = ctx.tid();
      const active = ctx.active.get(tid);
      if (active?.includes(entry.className)) return undefined;
      if (entry.egress && ctx.egress?.skip(entry, active)) return undefined;
      if (entry.when) {
        const v = args[entry.when.arg];
        if (typeof v !== "string" || !entry.when.oneOf.includes(v)) return undefined;
      }
      let category = baseCategory;
      let own = false;
      let detail: string | undefined;
      if (entry.classify) {
        const d = classify(entry.classify, args, ctx.appPackage);
        if (!d.record) return undefined;
        if (d.category) category = categoryIndex.get(d.category)!;
        own = d.own === true;
        detail = d.detail;
      }
      // From here on the call counts as in progress on this thread, sampled or not, so the
      // overloads it calls inside are not counted again.
      if (active) active.push(entry.className);
      else ctx.active.set(tid, [entry.className]);
      const leave = (): void => {
        const list = ctx.active.get(tid);
        list?.pop();
        if (list?.length === 0) ctx.active.delete(tid);
      };
      try {
        const t = now();
        if (ctx.recorder.sampledOut(hook, t)) return () => leave();
        // An interface entry runs in the implementing class, whose name the entry does not know.
        const s = ctx.stacks.capture(entry.implementations ? null : entry.className, entry.method);
        if (entry.skipCallers && callerSkipped(entry, skipCache, s.key, s.build)) return () => leave();
        const stack = ctx.recorder.stack(s.key, s.build);
        let summaries: string[] | null = null;
        if (entry.args || detail !== undefined) {
          summaries = [];
          const kinds = entry.args ?? [];
          for (let i = 0; i < args.length && i < Math.max(kinds.length, detail !== undefined ? 1 : 0); i++) {
            const v = i === 0 && detail !== undefined ? detail : summarize(kinds[i] ?? "omit", args[i], ctx.redaction);
            summaries.push(v ?? "");
          }
          while (summaries.length > 0 && summaries[summaries.length - 1] === "") summaries.pop();
          if (summaries.length === 0) summaries = null;
        }
        let req: string[] | null = null;
        if (entry.category === "permission_request") {
          const list = args.find((a) => Array.isArray(a)) as unknown[] | undefined;
          if (list) req = list.map(String);
        }
        const fg = ctx.foreground();
        const flags = (own ? CALL_FLAGS.own : 0) | (fg === null ? 0 : CALL_FLAGS.fgKnown | (fg ? CALL_FLAGS.fg : 0));
        const id = ctx.recorder.begin(t, hook, category, tid, stack, summaries, flags, req);
        if (entry.egress) ctx.egress?.onSend(entry, id, self, args);
        return (threw: boolean, result: unknown) =>
          ctx.guarded(() => {
            leave();
            if (!threw) ctx.egress?.learn(entry, id, result);
            if (threw) {
              ctx.recorder.end(id, true, exceptionClass(result), null);
              // An uncaught exception may kill the process before the timer fires: send it now.
              ctx.recorder.flush();
            } else ctx.recorder.end(id, false, null, entry.ret ? (summarize(entry.ret, result, ctx.redaction) ?? null) : null);
          });
      } catch (err) {
        // Never leave the thread marked as inside a call: later calls would go unrecorded.
        leave();
        throw err;
      }
    });
}

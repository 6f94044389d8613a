/**
 * What the agent sent on the stand-in, call by call: each call's local id (a batch's calls are
 * numbered from its firstId: agent/protocol.ts), hook id, category, thread, whether its outcome
 * was still to come, and its egress record. For the egress tests (test/agent/egress*.test.ts).
 */
import { CALL, CALL_FLAGS, type CoverageRow, type NetTuple } from "../../agent/protocol.js";
import { CATEGORY_IDS } from "../../reports/trace/categories.js";
import type { Runtime } from "../../runner/sandbox/runtime.js";

export interface SentCall {
  readonly id: number;
  readonly hook: string;
  readonly category: string;
  readonly tid: number;
  readonly pending: boolean;
  readonly net?: NetTuple;
}

export function agentCalls(rt: Runtime): SentCall[] {
  const hooks = (rt.messages.filter((x) => x.type === "coverage").pop() as { hooks: readonly CoverageRow[] }).hooks;
  const nets = new Map<number, NetTuple>();
  const out: SentCall[] = [];
  for (const b of rt.batches()) {
    for (const [id, net] of b.net ?? []) nets.set(id, net);
    b.calls.forEach((c, i) =>
      out.push({ id: b.firstId + i, hook: hooks[c[CALL.hook] as number]![0], category: CATEGORY_IDS[c[CALL.category] as number]!, tid: c[CALL.tid] as number, pending: ((c[CALL.flags] as number) & CALL_FLAGS.pending) !== 0 }),
    );
  }
  return out.map((c) => (nets.has(c.id) ? { ...c, net: nets.get(c.id)! } : c));
}

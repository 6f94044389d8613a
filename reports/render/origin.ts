import type { Analysis } from "../analyze.js";

/** Where a trace was recorded, as every output says it: a phone, the sandbox phone, or a generator. */
export type TraceOrigin = "phone" | "sandbox" | "synthetic";

export function traceOrigin(a: Analysis): TraceOrigin {
  if ((a.trace.device as { kind?: unknown }).kind === "synthetic") return "synthetic";
  return a.trace.sandbox ? "sandbox" : "phone";
}

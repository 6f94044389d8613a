/**
 * Value summaries in a trace are already redacted by the agent (`hash:…`, `mask:…`, `type:…`),
 * unless it was configured to send raw values. Outputs redact again: a raw summary of an
 * identifying category is replaced by its length unless the user asks for values.
 */
const SAFE_PREFIXES = ["hash:", "mask:", "type:", "len:", "redacted:"];
const MAX_LEN = 200;

export function redactValue(value: string, identifying: boolean, showValues: boolean): string {
  if (showValues || !identifying || value === "null" || SAFE_PREFIXES.some((p) => value.startsWith(p))) {
    return value.length > MAX_LEN ? `${value.slice(0, MAX_LEN)}…(${value.length} chars)` : value;
  }
  return `redacted:${value.length}`;
}

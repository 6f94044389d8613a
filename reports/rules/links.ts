import type { Finding } from "./types.js";

/** What a weaker rule would have reported about calls a stronger rule's finding holds. */
export interface Also {
  readonly rule: string;
  readonly count: number;
  readonly scenarios: readonly string[];
}

type Raw = Omit<Finding, "id">;

/**
 * One finding per behaviour: a call a moment rule reported (before consent, after a refusal, in
 * the background) is not a second finding of a weaker rule (unneeded in its scenario); the
 * stronger finding says it also breaks that rule, with the count and scenarios, in its message
 * and in `evidence.details.alsoBreaks`.
 */
export function applyLinks(raw: Raw[], indexOf: ReadonlyMap<object, number>, links: readonly (readonly [object, Also])[]): void {
  for (const [group, also] of links) {
    const i = indexOf.get(group);
    if (i === undefined) continue; // the stronger rule's group always becomes a finding; nothing to attach to otherwise
    const f = raw[i]!;
    const details = f.evidence.details ?? {};
    const before = (details.alsoBreaks as Also[] | undefined) ?? [];
    const where = also.scenarios.length > 0 ? ` in scenario${also.scenarios.length === 1 ? "" : "s"} ${also.scenarios.map((s) => `'${s}'`).join(", ")}` : "";
    raw[i] = {
      ...f,
      message: `${f.message}; also ${also.rule}: ${also.count} of these call(s)${where}, which do${also.scenarios.length === 1 ? "es" : ""} not need the data`,
      evidence: { ...f.evidence, details: { ...details, alsoBreaks: [...before, also] } },
    };
  }
}

/**
 * What an opt-out covers. An app's settings offer switches by purpose — personalised ads
 * (个性化广告), personalised recommendations, analytics, marketing messages — and the 2026
 * special campaign lists "continuing data collection after opt-out"; an opt-out of personalised
 * ads does not forbid the app's own fraud check on the same data. So an `opt_out` marker carries
 * a purpose (and optionally the parties it names), and `refusal.after_opt_out` flags collection
 * by the parties whose SDK kind falls under that purpose.
 */
import type { SdkKind } from "../sdk/types.js";

export interface OptOutPurpose {
  readonly label: string;
  /** SDK kinds whose collection the opt-out forbids; "all" = every party, the app included. */
  readonly kinds: readonly SdkKind[] | "all";
}

export const OPT_OUT_PURPOSES = {
  all: { label: "all personal data", kinds: "all" },
  personalised_ads: { label: "personalised ads", kinds: ["ads", "attribution"] },
  analytics: { label: "analytics", kinds: ["analytics", "attribution"] },
  marketing: { label: "marketing messages", kinds: ["marketing", "push"] },
  personalised_recommendations: { label: "personalised recommendations", kinds: ["ads", "analytics", "marketing"] },
} as const satisfies Readonly<Record<string, OptOutPurpose>>;

export type OptOutPurposeId = keyof typeof OPT_OUT_PURPOSES;
export const OPT_OUT_PURPOSE_IDS = Object.keys(OPT_OUT_PURPOSES) as OptOutPurposeId[];

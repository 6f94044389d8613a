/**
 * The curated SDK catalogue: every third-party SDK permtrace can attribute a
 * Java stack frame to, grouped by kind in the sibling modules.
 *
 * Adding an entry:
 *   1. Pick the module of its kind group (or `other.ts`) and append an object
 *      with a new kebab-case `id`, `name`, `vendor`, `kind` and `prefixes`.
 *   2. Prefixes are Java package prefixes matched at package boundaries; make
 *      them as long as needed to name one product (never a bare vendor root
 *      such as `com.tencent` or `com.google`, never a framework root such as
 *      `androidx`). Two entries must not share a prefix; nesting is fine, the
 *      longest matching prefix wins.
 *   3. Add `aliases` for the names apps use in their published SDK lists
 *      (Chinese names especially) and a `ref` (vendor site or `exodus:<id>`).
 *   4. A product of a family (Umeng, JIGUANG, HMS…) names it with `family` (families.ts); a
 *      piece one SDK uses to reach another (a push channel, a mediation adapter) goes in
 *      channels.ts with `coveredBy`; general-purpose code that collects nothing for itself is a
 *      transparent library (libraries.ts), never an SDK.
 *   5. Run `npx vitest run test/reports/sdk-catalogue.test.ts`.
 *
 * Versioning: bump SDK_CATALOGUE_VERSION (`YYYY.MM.N`, N counting releases in
 * that month) whenever an entry is added or removed or its prefixes or kind
 * change, since attributions computed with another version may differ. Ids are
 * stable: never rename one and never reuse the id of a removed SDK.
 */
import type { SdkEntry } from "../types.js";
import { ADS_SDKS } from "./ads.js";
import { ADS_ASIA_SDKS } from "./ads-asia.js";
import { ANALYTICS_SDKS } from "./analytics.js";
import { ATTRIBUTION_SDKS } from "./attribution.js";
import { CHANNEL_SDKS } from "./channels.js";
import { CRASH_SDKS } from "./crash.js";
import { SDK_FAMILIES } from "./families.js";
import { LIBRARIES } from "./libraries.js";
import { MAPS_LOCATION_SDKS } from "./maps-location.js";
import { MARKETING_SDKS } from "./marketing.js";
import { MEDIA_DEVTOOLS_SDKS } from "./media-devtools.js";
import { OTHER_SDKS } from "./other.js";
import { PAYMENT_SDKS } from "./payment.js";
import { PUSH_SDKS } from "./push.js";
import { RISK_CONTROL_SDKS } from "./risk-control.js";
import { SOCIAL_LOGIN_SDKS } from "./social-login.js";

export const SDK_CATALOGUE_VERSION = "2026.12.1";

export const SDK_CATALOGUE: readonly SdkEntry[] = [
  ...ADS_SDKS,
  ...ADS_ASIA_SDKS,
  ...ANALYTICS_SDKS,
  ...ATTRIBUTION_SDKS,
  ...PUSH_SDKS,
  ...CHANNEL_SDKS,
  ...MARKETING_SDKS,
  ...MAPS_LOCATION_SDKS,
  ...PAYMENT_SDKS,
  ...SOCIAL_LOGIN_SDKS,
  ...CRASH_SDKS,
  ...RISK_CONTROL_SDKS,
  ...OTHER_SDKS,
  ...MEDIA_DEVTOOLS_SDKS,
];

/** Every entry a name can be matched against: the SDKs and the transparent libraries. */
export const ALL_ENTRIES: readonly SdkEntry[] = [...SDK_CATALOGUE, ...LIBRARIES];

export {
  CHANNEL_SDKS,
  LIBRARIES,
  SDK_FAMILIES,
  ADS_SDKS,
  ADS_ASIA_SDKS,
  ANALYTICS_SDKS,
  ATTRIBUTION_SDKS,
  CRASH_SDKS,
  MAPS_LOCATION_SDKS,
  MARKETING_SDKS,
  MEDIA_DEVTOOLS_SDKS,
  OTHER_SDKS,
  PAYMENT_SDKS,
  PUSH_SDKS,
  RISK_CONTROL_SDKS,
  SOCIAL_LOGIN_SDKS,
};

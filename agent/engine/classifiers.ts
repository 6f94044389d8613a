import type { Category } from "../../reports/trace/categories.js";
import type { Classifier } from "../catalogue/types.js";
import { intentTarget, uriSummary } from "./summaries.js";

/** What a classifier decides for one call: record it or not, in which category, whether it is the app's own. */
export interface Decision {
  readonly record: boolean;
  readonly category?: Category;
  readonly own?: boolean;
  /** Replaces the first argument's summary (the sensor type, the URI). */
  readonly detail?: string;
}

const SKIP: Decision = { record: false };
const KEEP: Decision = { record: true };

/** Content authorities (and path prefixes) by category. */
const AUTHORITIES: readonly (readonly [RegExp, Category])[] = [
  [/^(com\.android\.contacts|contacts|icc)(\/|$)/, "contacts"],
  [/^call_log(\/|$)/, "call_log"],
  [/^(sms|mms|mms-sms)(\/|$)/, "sms"],
  [/^com\.android\.calendar(\/|$)/, "calendar"],
  [/^media(\/|$)/, "media_storage"],
  [/^(downloads|com\.android\.providers\.downloads\.documents|com\.android\.externalstorage\.documents)(\/|$)/, "media_storage"],
  [/^com\.android\.providers\.media\.documents(\/|$)/, "media_storage"],
  [/^telephony\/(carriers|siminfo)/, "carrier_info"],
  [/^com\.android\.voicemail(\/|$)/, "call_log"],
];

/** The category of a content URI, or undefined for providers that hold no personal data. */
export function contentCategory(uri: string): Category | undefined {
  const rest = uri.replace(/^content:\/\//, "");
  for (const [re, cat] of AUTHORITIES) if (re.test(rest)) return cat;
  return undefined;
}

export function classify(kind: Classifier, args: readonly unknown[], appPackage: string): Decision {
  switch (kind) {
    case "content-uri": {
      const uri = uriSummary(args[0]);
      const category = contentCategory(uri);
      return category ? { record: true, category, detail: uri } : SKIP;
    }
    case "other-package-intent": {
      const target = args.length > 0 && args[0] !== null && typeof args[0] === "object" ? intentTarget(args[0]) : null;
      return target !== null && target !== appPackage ? KEEP : SKIP;
    }
    case "package-arg":
      return { record: true, own: typeof args[0] === "string" && args[0] === appPackage };
    case "sensor-type": {
      const sensor = args[1] as { getType?: () => number } | null | undefined;
      const type = sensor && typeof sensor.getType === "function" ? sensor.getType() : undefined;
      return { record: true, detail: type === undefined ? "sensor:?" : `sensor:${type}` };
    }
  }
}

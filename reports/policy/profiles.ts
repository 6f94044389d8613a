/**
 * Built-in policy profiles: partial policies layered on the rules' own defaults, which are the
 * strict values. Store profiles carry the numbers the stores publish; each says where they come from.
 */
export interface PolicyDocument {
  readonly version?: 1;
  readonly name?: string;
  readonly description?: string;
  /** A built-in profile name or a path to another policy file, applied first. */
  readonly extends?: string;
  readonly consent?: { readonly initialState?: "pending" | "accepted" };
  readonly rules?: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
}

const IDENTIFIERS = ["phone_identifiers", "device_identifiers", "network_identifiers", "phone_number"] as const;
const OTHER_PERSONAL = ["location", "contacts", "sms", "call_log", "calendar", "accounts", "clipboard", "installed_apps", "running_apps"] as const;
const perIdentifier = (n: number | null) => Object.fromEntries(IDENTIFIERS.map((c) => [c, n]));
/** A store rule replaces the strict per-category limits of its rule: every other category is unlimited. */
const only = (limits: Record<string, number | null>) => ({ ...Object.fromEntries([...IDENTIFIERS, ...OTHER_PERSONAL].map((c) => [c, null])), ...limits });

export const BUILTIN_POLICIES: Readonly<Record<string, PolicyDocument>> = {
  strict: {
    name: "strict",
    description: "Zero tolerance before consent and after refusal; the tightest store numbers for frequency; every family on.",
  },
  "tencent-myapp": {
    name: "tencent-myapp",
    description: "Tencent MyApp (应用宝): an identifier read at most 3 times per run and never more than once per second.",
    rules: {
      "frequency.rate_per_second": { limit: null, categories: only(perIdentifier(1)) },
      "frequency.rate_per_minute": { enabled: false },
      "frequency.total_per_run": { limit: null, categories: only(perIdentifier(3)) },
      "necessity.beyond_app_type": { enabled: false },
    },
  },
  "huawei-appgallery": {
    name: "huawei-appgallery",
    description: "Huawei AppGallery: Android ID read no more than 4 times per minute.",
    rules: {
      "frequency.rate_per_second": { enabled: false },
      // Android ID only: the hook, not the whole device_identifiers category (OAID, advertising ID).
      "frequency.rate_per_minute": { limit: null, categories: only({}), hooks: { "settings.Secure.getString.android_id": 4 } },
      "frequency.total_per_run": { enabled: false },
      "necessity.beyond_app_type": { enabled: false },
    },
  },
  "xiaomi-vivo": {
    name: "xiaomi-vivo",
    description: "Xiaomi and vivo stores: a denied permission must not be requested again within 48 hours.",
    rules: {
      "permission.rerequest_after_denial": { windowHours: 48, severity: "high" },
      "necessity.beyond_app_type": { enabled: false },
    },
  },
  "miit-164": {
    name: "miit-164",
    description: "MIIT notice 164 test scenarios: periodic reads of IMEI/location (every 30 s, every 2 s) are violations; background and pre-consent collection are high.",
    rules: {
      "frequency.periodic_polling": { maxPeriodSec: 60, severity: "high" },
      "frequency.rate_per_second": { enabled: false },
      "frequency.rate_per_minute": { enabled: false },
      "frequency.total_per_run": { enabled: false },
    },
  },
};

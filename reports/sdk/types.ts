/** What an SDK mainly does; drives rule defaults (ads/analytics SDKs are never "needed"). */
export type SdkKind =
  | "ads"
  | "analytics"
  | "attribution"
  | "push"
  | "maps"
  | "location"
  | "payment"
  | "social"
  | "login"
  | "crash"
  | "risk_control"
  | "device_id"
  | "customer_support"
  | "marketing"
  | "cloud"
  | "webview"
  | "media"
  | "dev_tools"
  | "other";

/** One third-party SDK of the catalogue. */
export interface SdkEntry {
  /** Stable kebab-case id, e.g. `umeng-analytics`. Never reused for another SDK. */
  readonly id: string;
  /** Display name, e.g. `Umeng Analytics (友盟统计)`. */
  readonly name: string;
  readonly vendor: string;
  readonly kind: SdkKind;
  /**
   * Java package prefixes, matched at package boundaries: `com.umeng` matches
   * `com.umeng.analytics.MobclickAgent` but not `com.umengapp.Main`.
   */
  readonly prefixes: readonly string[];
  /** Other names an app's published SDK list may use for it (Chinese names, old brands). */
  readonly aliases?: readonly string[];
  /** Where the prefix or the SDK is documented (vendor site, Exodus tracker id). */
  readonly ref?: string;
}

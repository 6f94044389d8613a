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
  | "other"
  /**
   * A transparent library: general-purpose code compiled into the app that collects nothing for
   * itself (HTTP clients, JSON, Kotlin/RxJava plumbing, utility kits). Attribution walks past it:
   * a utility call is its caller's call.
   */
  | "library";

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
  /** The product family it belongs to (`umeng`, `jiguang`, `applovin`…), named in `catalogue/families.ts`. */
  readonly family?: string;
  /**
   * What declares it besides its own names: `family` — any declared member of its family (a
   * family's common component, which every product of the family ships); or the ids of the
   * entries it is part of (an aggregator's vendor-channel adapter is declared with the aggregator,
   * a mediation adapter with its mediation SDK).
   */
  readonly coveredBy?: "family" | readonly string[];
  /**
   * Code that hands over to another SDK — a push aggregator's vendor channel, a mediation
   * adapter: unknown code inward of it is that other SDK's (a network the catalogue lacks), never
   * the bridge's own.
   */
  readonly bridge?: true;
}

/** A product family: the brand an app's SDK list may name instead of one product. */
export interface SdkFamily {
  readonly id: string;
  readonly name: string;
  readonly vendor: string;
  /** Names an app's list may use for the whole family ("友盟+", "Umeng+"). */
  readonly aliases: readonly string[];
}

/** The analysis of a trace, as findings.json and every renderer read it. */
import type { Activity, TimelineMark } from "./activity.js";
import type { ResolvedPolicy } from "./policy/policy.js";
import type { AppProfile } from "./profile.js";
import type { Finding, PartySummary, Severity } from "./rules/types.js";
import type { SdkEntry } from "./sdk/types.js";
import type { Category } from "./trace/categories.js";
import type { Evidence, ReportStatus } from "./evidence.js";
import type { CallPrefetch } from "./trace/call-stream.js";
import type { FlowSummary } from "./flows.js";

export const FINDINGS_FORMAT = "permtrace-findings";
export const FINDINGS_SCHEMA_VERSION = 1;

export { OWN_PACKAGE_HOOKS } from "./trace/own-calls.js";

export interface AnalyzeOptions {
  readonly policy: ResolvedPolicy;
  readonly profile?: AppProfile;
  readonly catalogue?: readonly SdkEntry[];
  /** Include identifier values in outputs (redacted by default). */
  readonly showValues?: boolean;
  /** Parse in a worker thread; default: on large traces when the worker is built. */
  readonly parallel?: boolean;
  /** Let that worker use its WebAssembly scanner (default true; false to test the plain path). */
  readonly wasm?: boolean;
  /** A parsing worker started early (prefetchCalls). */
  readonly prefetch?: CallPrefetch;
}

export type RuleStatus = "evaluated" | "skipped" | "disabled";

export interface PartyStats {
  readonly party: PartySummary;
  /** Calls about personal data; the party's calls about the app's own data are in ownCalls. */
  readonly calls: number;
  readonly categories: Partial<Record<Category, number>>;
  readonly ownCalls?: number;
}

export interface StackStats {
  readonly id: number;
  readonly party: PartySummary;
  readonly immediateCaller: PartySummary;
  readonly frame: string;
  readonly confidence: number;
  readonly calls: number;
  readonly categories: Partial<Record<Category, number>>;
}

export interface Analysis {
  readonly format: typeof FINDINGS_FORMAT;
  readonly schemaVersion: number;
  readonly tool: { readonly name: string; readonly version: string };
  /** What the report can vouch for, stated first by every output: clean, findings, incomplete or no-evidence. */
  readonly status: ReportStatus;
  readonly evidence: Evidence;
  readonly trace: {
    readonly dir: string;
    readonly app: string;
    readonly appVersion?: string;
    readonly device: Readonly<Record<string, unknown>>;
    readonly startedAt: string;
    readonly complete: boolean;
    readonly incompleteReason?: string;
    readonly sandbox: boolean;
    readonly calls: number;
    /** Calls that concern only the app's own data (its own package info): in `calls`, not in any tally. */
    readonly ownCalls?: number;
    readonly stacks: number;
    readonly markers: number;
    readonly skippedLines: number;
    readonly truncated: boolean;
    readonly duration: number;
  };
  /** sha256: of the effective settings (reports/judged.ts), set by the report and diff commands. */
  readonly policy: { readonly name: string; readonly chain: readonly string[]; readonly sha256?: string };
  readonly profile?: { readonly source?: string; readonly app: string; readonly appType?: string | number; readonly sha256?: string };
  readonly catalogue: { readonly version: string; readonly sdks: number };
  readonly rules: readonly { readonly id: string; readonly family: string; readonly title: string; readonly severity: Severity; readonly status: RuleStatus; readonly reason?: string; readonly findings: number }[];
  /** Present when the report was made with --show-values: identifier values are not redacted. */
  readonly valuesShown?: true;
  readonly summary: {
    readonly findings: number;
    /** Findings not listed past MAX_FINDINGS. */
    readonly findingsOmitted?: number;
    readonly bySeverity: Partial<Record<Severity, number>>;
    readonly byRule: Readonly<Record<string, number>>;
    readonly byParty: Readonly<Record<string, number>>;
    readonly byCategory: Readonly<Record<string, number>>;
    readonly byScenario: Readonly<Record<string, number>>;
  };
  readonly parties: readonly PartyStats[];
  /** The busiest call stacks (at most 500): who, through which frame, how often, what. */
  readonly stacks: readonly StackStats[];
  readonly scenarios: readonly {
    readonly name: string;
    readonly purpose?: string;
    readonly needs?: readonly Category[];
    readonly start: number;
    /** Calls made while the scenario ran, in all and by category. */
    readonly calls?: number;
    readonly categories?: Partial<Record<Category, number>>;
  }[];
  readonly findings: readonly Finding[];
  /** Party → recipient → identifiers of the recorded sends (reports/flows.ts); absent when the trace has no egress record. */
  readonly flows?: FlowSummary;
  readonly warnings: readonly string[];
  /** Calls over time by category and party (the HTML report's chart); absent in older findings files. */
  readonly activity?: Activity;
  /** The timeline's scenarios, steps, consent, background, screen, permission and screenshot moments. */
  readonly marks?: readonly TimelineMark[];
  /** Marks left out past the per-kind cap. */
  readonly marksOmitted?: number;
}


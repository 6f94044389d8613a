/**
 * Trace format v1: the contract between the agent/runner (writers) and the reporter (reader).
 * The documentation is docs/trace-format.md; the JSON Schemas are docs/schema/*.schema.json.
 *
 * A trace is a directory:
 *   manifest.json   — one object (TraceManifest), written at start and rewritten at the end
 *   calls.jsonl     — one CallEvent per line
 *   stacks.jsonl    — one StackRecord per line; each distinct stack stored once
 *   timeline.jsonl  — one Marker per line
 *   screenshots/    — optional, referenced by `screenshot` markers
 */
import type { Category } from "./categories.js";

export const TRACE_FORMAT = "permtrace-trace";
/** Major version: a reader refuses other majors. Minor additions (new optional fields, categories, marker kinds) keep it. */
export const TRACE_SCHEMA_VERSION = 1;

export const TRACE_FILES = {
  manifest: "manifest.json",
  calls: "calls.jsonl",
  stacks: "stacks.jsonl",
  timeline: "timeline.jsonl",
} as const;

export type Outcome = "returned" | "threw";

/** One call of a hooked API. Keys are short because traces hold millions of them. */
export interface CallEvent {
  /** Event id, unique within the trace, increasing in writing order. */
  readonly seq: number;
  /** Milliseconds on the trace clock (monotonic, aligned to the host; 0 = session start). */
  readonly t: number;
  /** Stable hook id, `family.Class.method[.variant]`, e.g. `telephony.TelephonyManager.getImei`. */
  readonly hook: string;
  readonly cat: Category;
  /** The permission guarding the API, when there is one. */
  readonly perm?: string;
  readonly out: Outcome;
  /** Exception class when `out` is `threw` (a SecurityException is evidence of an attempt). */
  readonly exc?: string;
  readonly pid: number;
  readonly tid: number;
  /** Stack id in stacks.jsonl. */
  readonly stack?: number;
  /** Redacted summaries of the arguments (see docs/trace-format.md, "Value summaries"). */
  readonly args?: readonly string[];
  /** Redacted summary of the return value. */
  readonly ret?: string;
  /** Permissions asked by a `permission_request` event. */
  readonly req?: readonly string[];
  /** The call concerns only the app's own data (e.g. its own package info): not collection. */
  readonly own?: boolean;
  /** The agent's own foreground view of this process, when it has one. */
  readonly fg?: boolean;
  /** A `network_egress` call: what it sent, where to, and the identifiers found in it (docs/trace-format.md, "Egress records"). */
  readonly net?: NetRecord;
}

/** Where a send carried an identifier; `pre-encryption`: handed to a cipher, compressor or encoder before the send. */
export type NetWhere = "url" | "header" | "body" | "pre-encryption";

/** One identifier found in a send: which kind, in which encoding, where — never the value. */
export interface NetMatch {
  /** The identifier's kind (android_id, imei, oaid, location, …: agent/engine/id-normalise.ts IdKind). */
  readonly kind: string;
  /** How it was written: plain, url, base64, base64url, hex-lower/upper, md5/sha1/sha256-lower/upper. */
  readonly enc: string;
  readonly where: NetWhere;
  /** The seq of the hooked read in this process that returned the value, when the trace has it. */
  readonly readSeq?: number;
  /**
   * No hooked read in the sending process returned the value: the agent knew it only as the
   * device's own (the runner supplied it). Absent when the read is known (`readSeq`) or was seen
   * but is no longer in the runner's window.
   */
  readonly noRead?: true;
  /** 1 when found in the send itself; lower when linked from a pre-encryption scan by thread and time. */
  readonly conf: number;
}

/** What an egress call sent. Strings (host, method) come from the app: untrusted. */
export interface NetRecord {
  /** Where the send was seen: OkHttp's request, a TLS write's plaintext, a plain socket write. */
  readonly layer: "okhttp" | "tls" | "socket";
  /** The request's host, else the TLS session's peer host (SNI), else the peer address. */
  readonly host?: string;
  readonly port?: number;
  readonly tls: boolean;
  /** Payload bytes at this layer (for OkHttp, the body's declared length). */
  readonly bytes?: number;
  /** The HTTP method, when the send is or starts an HTTP/1 request. */
  readonly method?: string;
  /** Bytes beyond the agent's scan bound, not scanned. */
  readonly cut?: number;
  readonly matches?: readonly NetMatch[];
}

/** A Java frame (`c`lass, `m`ethod, `f`ile, `l`ine) or a native one (`n`: `module!symbol+0xoff`). */
export interface StackFrame {
  readonly c?: string;
  readonly m?: string;
  readonly f?: string;
  readonly l?: number;
  readonly n?: string;
}

/**
 * An interned stack. `frames[0]` is the immediate caller of the hooked API (the hooked method
 * itself is not included); the last frame is the outermost (thread root).
 */
export interface StackRecord {
  readonly id: number;
  readonly frames: readonly StackFrame[];
  /** True when the agent cut the stack at its depth limit. */
  readonly truncated?: boolean;
}

export const MARKER_KINDS = [
  "session_start",
  "session_end",
  "phase",
  "process_start",
  "process_end",
  /** application: the process's Application class (`name`), as the agent saw it in Application.attach. */
  "application",
  "app_launch",
  "scenario_start",
  "scenario_end",
  "step_start",
  "step_end",
  "consent_shown",
  "consent_accepted",
  "consent_rejected",
  "consent_reset",
  "opt_out",
  "foreground",
  "background",
  "screen_on",
  "screen_off",
  "permission_dialog_shown",
  "permission_dialog_answered",
  "permission_granted",
  "permission_revoked",
  "permission_result",
  "screenshot",
  "clock_sync",
  "mark",
  "incomplete",
  /** warning: something that limits what the trace shows (`reason`), stated in every report. */
  "warning",
] as const;

export type MarkerKind = (typeof MARKER_KINDS)[number];

/**
 * How a `warning` marker's reason starts when frida switched spawn gating off by itself (its
 * watchdog): processes of the app born meanwhile ran without the agent, so the trace cannot vouch
 * for them.
 */
export const GATING_GAP_WARNING = "frida switched spawn gating off";

/** A timeline marker. Fields beyond `t` and `kind` depend on the kind (docs/trace-format.md). */
export interface Marker {
  readonly t: number;
  readonly kind: MarkerKind;
  /** process_start/process_end/app_launch/application; `name`: the process name, or (application) the Application class. */
  readonly pid?: number;
  readonly name?: string;
  /** scenario_start/scenario_end/step_*: the scenario name. */
  readonly scenario?: string;
  /** scenario_start: what the scenario is for (free text); opt_out: what it is an opt-out of, one of reports/data/purposes.ts (absent = all). */
  readonly purpose?: string;
  /** scenario_start: data categories the scenario legitimately needs. */
  readonly needs?: readonly Category[];
  /** scenario_start: categories it legitimately needs while in background. */
  readonly needsInBackground?: readonly Category[];
  /** step_*: index of the step in its scenario (0-based) and its action. */
  readonly step?: number;
  readonly action?: string;
  readonly label?: string;
  /** step_end/scenario_end: ok | failed | skipped, with an error. */
  readonly status?: string;
  readonly error?: string;
  /** permission_*: the permissions concerned. */
  readonly permissions?: readonly string[];
  /** permission_dialog_answered: allow | deny | deny_dont_ask; permission_result: granted or not. */
  readonly answer?: string;
  readonly granted?: boolean;
  /** opt_out: categories the user opted out of (absent = all personal data). */
  readonly categories?: readonly Category[];
  /** opt_out: the parties it names (party keys: `app`, `sdk:<id>`, `pkg:<package>`); absent = those its purpose covers. */
  readonly parties?: readonly string[];
  /** screenshot: path relative to the trace directory. */
  readonly path?: string;
  /** clock_sync: host-minus-agent offset and drift since the previous sync, in ms. */
  readonly offsetMs?: number;
  readonly driftMs?: number;
  /** app_launch: cold start (process created) or warm. */
  readonly cold?: boolean;
  /** incomplete/process_end: why the run or process ended early (crash, detach…); warning: what. */
  readonly reason?: string;
  /** process_end: the runner ended the process itself (a relaunch, a revoke): not the app's doing. */
  readonly expected?: boolean;
  /** process_start: how the process was born (`spawn`, `fork`, `exec`), and whether the agent is in it. */
  readonly origin?: string;
  readonly instrumented?: boolean;
}

export type CoverageStatus = "hooked" | "absent" | "failed";

export interface CoverageEntry {
  readonly hook: string;
  readonly status: CoverageStatus;
  readonly reason?: string;
}

export interface TraceManifest {
  readonly format: typeof TRACE_FORMAT;
  readonly schemaVersion: number;
  readonly tool: { readonly name: string; readonly version: string };
  /** Wall-clock time of t = 0 (ISO 8601). */
  readonly startedAt: string;
  readonly endedAt?: string;
  /** false until the writer closes cleanly: a killed run leaves false. */
  readonly complete: boolean;
  readonly incompleteReason?: string;
  readonly device: {
    readonly model?: string;
    readonly manufacturer?: string;
    readonly apiLevel?: number;
    readonly abi?: string;
    /** usb | remote | sandbox | synthetic */
    readonly kind?: string;
    readonly id?: string;
  };
  readonly app: {
    readonly package: string;
    readonly versionName?: string;
    readonly versionCode?: number;
    /** Extra Java package prefixes that belong to the app itself. */
    readonly ownPackages?: readonly string[];
  };
  readonly agent?: {
    readonly version?: string;
    readonly coverage?: readonly CoverageEntry[];
    readonly redaction?: string;
    readonly sampling?: boolean;
    /** Calls counted but not recorded in full (sampling), by hook id: frequency rules do not see them. */
    readonly sampledCalls?: Readonly<Record<string, number>>;
    /**
     * How Java stacks were read: `backtrace` (frida-java-bridge's ART stack walk) or `throwable`
     * (a Throwable's stack trace, where the walk is not available), with why.
     */
    readonly stacks?: { readonly source: string; readonly note?: string };
  };
  /**
   * What the run was to do, written before it starts: a scenario that is not on the timeline
   * never ran (a killed run's trace still says so). Absent in traces not made by `permtrace run`.
   */
  readonly plan?: { readonly scenarios: readonly string[] };
  /**
   * What `permtrace run` judged the trace with, so a later report judges it alike: the policy and
   * the app profile, each with a sha256, copied into the trace (judged/policy.yaml, the effective
   * settings with no `extends`; judged/profile.yaml, the file as it was). Absent in traces not
   * made by `permtrace run`.
   */
  readonly judged?: JudgedRecord;
  /** Counts written so far (informative; the reader counts for itself). */
  readonly counts?: { readonly calls?: number; readonly stacks?: number; readonly markers?: number };
}

/** The copies of what a run judged its trace with, at fixed paths inside the trace directory. */
export const JUDGED_FILES = { dir: "judged", policy: "judged/policy.yaml", profile: "judged/profile.yaml" } as const;

export interface JudgedRecord {
  readonly policy: {
    readonly name: string;
    /** What it was built from, base first: built-in names and the files' paths as given. */
    readonly chain: readonly string[];
    /** sha256 of the effective settings (canonical JSON of the consent start and every rule's settings). */
    readonly sha256: string;
    /** The policy files of the chain, each with the sha256 of its content when the run read it. */
    readonly sources?: readonly { readonly path: string; readonly sha256: string }[];
  };
  readonly profile?: {
    readonly app: string;
    /** The path the run read it from. */
    readonly source: string;
    /** sha256 of the file's bytes (the copy's too). */
    readonly sha256: string;
  };
}

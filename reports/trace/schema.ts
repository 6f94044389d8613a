import { createRequire } from "node:module";
import { CATEGORY_IDS } from "./categories.js";
import { MARKER_KINDS, TRACE_FORMAT, TRACE_SCHEMA_VERSION } from "./format.js";

/**
 * JSON Schemas of trace format v1 (one per file kind). docs/schema/ holds these, written by
 * `npm run docs:schema`; a test keeps the two equal.
 */
const BASE = "https://permtrace.dev/schema";
const category = { enum: [...CATEGORY_IDS] };
const strings = { type: "array", items: { type: "string" } };
const sha256 = { type: "string", pattern: "^[0-9a-f]{64}$" };

export const CALL_EVENT_SCHEMA = {
  $schema: "https://json-schema.org/draft/2020-12/schema",
  $id: `${BASE}/trace-call-1.json`,
  title: "permtrace call event (one line of calls.jsonl)",
  type: "object",
  required: ["seq", "t", "hook", "cat", "out", "pid", "tid"],
  properties: {
    seq: { type: "integer", minimum: 1, description: "Event id, unique in the trace, increasing in writing order." },
    t: { type: "number", description: "Milliseconds on the trace clock (monotonic, host-aligned; 0 = session start)." },
    hook: { type: "string", minLength: 1, description: "Stable hook id, family.Class.method[.variant]." },
    cat: { ...category, description: "Data category (docs/trace-format.md#categories)." },
    perm: { type: "string", description: "Permission guarding the API." },
    out: { enum: ["returned", "threw"] },
    exc: { type: "string", description: "Exception class when out = threw." },
    pid: { type: "integer" },
    tid: { type: "integer" },
    stack: { type: "integer", minimum: 1, description: "Id of a stack in stacks.jsonl." },
    args: { ...strings, description: "Redacted argument summaries." },
    ret: { type: "string", description: "Redacted return-value summary." },
    req: { ...strings, description: "Permissions asked by a permission_request event." },
    own: { type: "boolean", description: "The call concerns only the app's own data." },
    fg: { type: "boolean", description: "The agent's per-process foreground flag." },
    net: {
      type: "object",
      description: "A network_egress call: what it sent, where to, and the identifiers found in it (docs/trace-format.md#egress-records).",
      required: ["layer", "tls"],
      properties: {
        layer: { enum: ["okhttp", "tls", "socket"] },
        host: { type: "string", description: "Request host, else TLS peer host (SNI), else peer address; untrusted." },
        port: { type: "integer" },
        tls: { type: "boolean" },
        bytes: { type: "integer", minimum: 0, description: "Payload bytes at this layer." },
        method: { type: "string" },
        cut: { type: "integer", minimum: 0, description: "Bytes beyond the scan bound, not scanned." },
        matches: {
          type: "array",
          items: {
            type: "object",
            required: ["kind", "enc", "where", "conf"],
            properties: {
              kind: { type: "string", description: "Identifier kind; never the value." },
              enc: { type: "string" },
              where: { enum: ["url", "header", "body", "pre-encryption"] },
              readSeq: { type: "integer", minimum: 1, description: "seq of the hooked read that returned the value." },
              noRead: { const: true, description: "No hooked read in the sending process returned the value (the device's own, supplied by the runner)." },
              conf: { type: "number", minimum: 0, maximum: 1 },
            },
          },
        },
      },
    },
  },
} as const;

export const STACK_SCHEMA = {
  $schema: "https://json-schema.org/draft/2020-12/schema",
  $id: `${BASE}/trace-stack-1.json`,
  title: "permtrace interned stack (one line of stacks.jsonl)",
  type: "object",
  required: ["id", "frames"],
  properties: {
    id: { type: "integer", minimum: 1 },
    truncated: { type: "boolean" },
    frames: {
      type: "array",
      description: "Innermost first: frames[0] is the immediate caller of the hooked API.",
      items: {
        type: "object",
        properties: {
          c: { type: "string", minLength: 1, description: "Java class" },
          m: { type: "string", description: "method" },
          f: { type: "string", description: "source file" },
          l: { type: "integer", description: "line" },
          n: { type: "string", description: "native frame: module!symbol+0xoffset" },
        },
      },
    },
  },
} as const;

export const MARKER_SCHEMA = {
  $schema: "https://json-schema.org/draft/2020-12/schema",
  $id: `${BASE}/trace-marker-1.json`,
  title: "permtrace timeline marker (one line of timeline.jsonl)",
  type: "object",
  required: ["t", "kind"],
  properties: {
    t: { type: "number" },
    kind: { enum: [...MARKER_KINDS] },
    pid: { type: "integer" },
    name: { type: "string" },
    scenario: { type: "string" },
    purpose: { type: "string", description: "scenario_start: what the scenario is for; opt_out: what it is an opt-out of (all, personalised_ads, analytics, marketing, personalised_recommendations; absent: all)" },
    needs: { type: "array", items: category },
    needsInBackground: { type: "array", items: category },
    step: { type: "integer", minimum: 0 },
    action: { type: "string" },
    label: { type: "string" },
    status: { enum: ["ok", "failed", "skipped"] },
    error: { type: "string" },
    permissions: strings,
    answer: { enum: ["allow", "deny", "deny_dont_ask"] },
    granted: { type: "boolean" },
    categories: { type: "array", items: category },
    parties: { ...strings, description: "opt_out: the party keys it names (app, sdk:<id>, pkg:<package>)" },
    path: { type: "string" },
    offsetMs: { type: "number" },
    driftMs: { type: "number" },
    cold: { type: "boolean" },
    reason: { type: "string" },
    origin: { type: "string" },
    instrumented: { type: "boolean" },
    expected: { type: "boolean" },
  },
} as const;

export const MANIFEST_SCHEMA = {
  $schema: "https://json-schema.org/draft/2020-12/schema",
  $id: `${BASE}/trace-manifest-1.json`,
  title: "permtrace trace manifest (manifest.json)",
  type: "object",
  required: ["format", "schemaVersion", "tool", "startedAt", "complete", "device", "app"],
  properties: {
    format: { const: TRACE_FORMAT },
    schemaVersion: { const: TRACE_SCHEMA_VERSION },
    tool: { type: "object", required: ["name", "version"], properties: { name: { type: "string" }, version: { type: "string" } } },
    startedAt: { type: "string", format: "date-time" },
    endedAt: { type: "string" },
    complete: { type: "boolean" },
    incompleteReason: { type: "string" },
    device: {
      type: "object",
      properties: {
        model: { type: "string" },
        manufacturer: { type: "string" },
        apiLevel: { type: "integer" },
        abi: { type: "string" },
        kind: { enum: ["usb", "remote", "sandbox", "synthetic"] },
        id: { type: "string" },
      },
    },
    app: {
      type: "object",
      required: ["package"],
      properties: { package: { type: "string", minLength: 1 }, versionName: { type: "string" }, versionCode: { type: "integer" }, ownPackages: strings },
    },
    agent: {
      type: "object",
      properties: {
        version: { type: "string" },
        redaction: { type: "string" },
        sampling: { type: "boolean" },
        sampledCalls: { type: "object", additionalProperties: { type: "integer", minimum: 0 } },
        stacks: { type: "object", required: ["source"], properties: { source: { type: "string" }, note: { type: "string" } } },
        coverage: {
          type: "array",
          items: { type: "object", required: ["hook", "status"], properties: { hook: { type: "string" }, status: { enum: ["hooked", "absent", "failed"] }, reason: { type: "string" } } },
        },
      },
    },
    plan: {
      type: "object",
      description: "What the run was to do, written before it starts: the scenarios, in order (a scenario not on the timeline never ran)",
      required: ["scenarios"],
      properties: { scenarios: strings },
    },
    judged: {
      type: "object",
      description: "What `permtrace run` judged the trace with; copies in judged/policy.yaml and judged/profile.yaml, which `permtrace report` re-applies unless told otherwise",
      required: ["policy"],
      properties: {
        policy: {
          type: "object",
          required: ["name", "chain", "sha256"],
          properties: {
            name: { type: "string" },
            chain: { ...strings, description: "built-in names and policy file paths, base first" },
            sha256: { ...sha256, description: "of the effective settings (canonical JSON of consent.initialState and every rule's settings)" },
            sources: { type: "array", items: { type: "object", required: ["path", "sha256"], properties: { path: { type: "string" }, sha256 } } },
          },
        },
        profile: {
          type: "object",
          required: ["app", "source", "sha256"],
          properties: { app: { type: "string" }, source: { type: "string" }, sha256: { ...sha256, description: "of the profile file's bytes" } },
        },
      },
    },
    counts: { type: "object", properties: { calls: { type: "integer" }, stacks: { type: "integer" }, markers: { type: "integer" } } },
  },
} as const;

/** The validator settings of the trace reader, shared with the build step that precompiles it. */
export const READER_AJV_OPTIONS = { allErrors: false, strict: false, validateFormats: false } as const;

/** The schemas the reader validates, by name, and a fingerprint of them (a precompiled validator must match it). */
export const READER_SCHEMAS = { stack: STACK_SCHEMA, marker: MARKER_SCHEMA, manifest: MANIFEST_SCHEMA } as const;

export function readerSchemasFingerprint(): string {
  // FNV-1a over the schemas' JSON and the validator's version: cheap, and enough to notice a
  // precompiled file made from other schemas or by another ajv.
  let ajvVersion = "?";
  try {
    ajvVersion = (createRequire(import.meta.url)("ajv/package.json") as { version: string }).version;
  } catch {
    // no ajv: nothing will match, and the reader compiles (and fails) as it would anyway
  }
  const text = JSON.stringify([ajvVersion, READER_AJV_OPTIONS, READER_SCHEMAS]);
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return `${text.length}-${(h >>> 0).toString(16)}`;
}

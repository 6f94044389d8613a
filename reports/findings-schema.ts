import { MARK_KINDS } from "./activity.js";
import { CATEGORY_IDS } from "./trace/categories.js";
import { SEVERITIES } from "./rules/types.js";
import { REPORT_STATUSES, SCENARIO_OUTCOMES } from "./evidence.js";

const party = {
  type: "object",
  required: ["key", "kind", "name"],
  properties: {
    key: { type: "string", description: "app | sdk:<catalogue id> | pkg:<package> | unattributed | all" },
    kind: { enum: ["app", "sdk", "unknown_third_party", "unattributed"] },
    name: { type: "string" },
    vendor: { type: "string" },
    sdkKind: { type: "string" },
    package: { type: "string" },
  },
} as const;

const counts = { type: "array", items: { type: "integer", minimum: 0 } } as const;

/** Calls over time: optional (findings files written before it lack it). */
const activity = {
  type: "object",
  description: "Calls per time bin by category and by party, for the HTML report's chart; bounded in size whatever the trace length",
  required: ["binMs", "start", "bins", "byCategory", "byParty"],
  properties: {
    binMs: { type: "number", exclusiveMinimum: 0, description: "width of one bin, ms (a power of two)" },
    start: { type: "number", description: "trace time at which bin 0 starts, ms" },
    bins: { type: "integer", minimum: 0 },
    byCategory: { type: "object", propertyNames: { enum: [...CATEGORY_IDS] }, additionalProperties: counts, description: "calls per bin, for each category that has any" },
    byParty: {
      type: "array",
      description: "calls per bin of the busiest parties, then key `other` for the rest",
      items: { type: "object", required: ["key", "name", "kind", "counts"], properties: { key: { type: "string" }, name: { type: "string" }, kind: { enum: ["app", "sdk", "unknown_third_party", "unattributed", "other"] }, counts } },
    },
  },
} as const;

const marks = {
  type: "array",
  description: "Timeline moments and periods (scenario, background and screen_off spans have an end unless still open at the end of the trace)",
  items: {
    type: "object",
    required: ["kind", "t"],
    properties: { kind: { enum: [...MARK_KINDS] }, t: { type: "number" }, end: { type: "number" }, label: { type: "string" }, scenario: { type: "string" } },
  },
} as const;

/** Data flows: optional (absent without egress records, and in findings files written before them). */
const flows = {
  type: "object",
  description: "Who sent (party) to whom (recipient host and whose it is) which identifiers, from the trace's egress records (reports/flows.ts)",
  required: ["flows", "requests"],
  properties: {
    requests: { type: "integer", minimum: 1, description: "sends recorded (network_egress events with a net record)" },
    omittedFlows: { type: "integer", minimum: 1, description: "party → host pairs not listed past the first 500" },
    omittedRequests: { type: "integer", minimum: 1, description: "their sends" },
    flows: {
      type: "array",
      maxItems: 500,
      items: {
        type: "object",
        required: ["party", "recipient", "identifiers", "carriesIdentifiers", "first", "last", "requests", "bytes", "tls", "layers", "events"],
        properties: {
          party,
          recipient: {
            type: "object",
            required: ["host", "whose", "label", "evidence", "ports"],
            properties: {
              host: { type: "string", description: "as recorded (from the app: untrusted); empty when the send had no host" },
              whose: { enum: ["app", "sdk", "recipient", "unknown"] },
              label: { type: "string" },
              evidence: { type: "string", description: "the rule that decided whose the host is" },
              ports: { type: "array", items: { type: "integer" } },
            },
          },
          identifiers: {
            type: "array",
            description: "empty when no identifier was found in any of the sends",
            items: {
              type: "object",
              required: ["kind", "encodings", "where", "requests", "minConf"],
              properties: {
                kind: { type: "string" },
                encodings: { type: "array", items: { type: "string" } },
                where: { type: "array", items: { enum: ["url", "header", "body", "pre-encryption"] } },
                requests: { type: "integer", minimum: 1 },
                readSeqs: { type: "array", items: { type: "integer" }, description: "seqs of the hooked reads that returned the value" },
                minConf: { type: "number", minimum: 0, maximum: 1 },
                unread: { type: "integer", minimum: 1, description: "sends that carried it with no read in the sending process (the trace's noRead): sent without a read permtrace saw in that process (the device's own value, supplied by the runner)" },
              },
            },
          },
          carriesIdentifiers: { type: "boolean" },
          first: { type: "number", description: "trace time of the first send, ms" },
          last: { type: "number" },
          requests: { type: "integer", minimum: 1 },
          bytes: { type: "integer", minimum: 0 },
          tls: { enum: ["yes", "no", "mixed"] },
          layers: { type: "array", items: { type: "string" } },
          events: { type: "array", items: { type: "integer" }, description: "seqs of the first sends (at most 8)" },
          findings: { type: "array", items: { type: "string" }, description: "ids of the egress findings about this party and host" },
        },
      },
    },
  },
} as const;

/** What the trace vouches for: optional (findings files written before it lack it). */
const evidence = {
  type: "object",
  description: "What the trace can vouch for: the agent loaded, calls recorded, each scenario's outcome, completeness; `blocked` how the app kept the agent out; `problems` says why the status is blocked, incomplete or no-evidence",
  required: ["agent", "calls", "complete", "planned", "scenarios", "outcomes", "problems"],
  properties: {
    agent: {
      type: "object",
      required: ["loaded", "hooked", "absent", "failed"],
      properties: { loaded: { type: "boolean", description: "the agent reported its hook coverage" }, hooked: { type: "integer", minimum: 0 }, absent: { type: "integer", minimum: 0 }, failed: { type: "integer", minimum: 0 } },
    },
    calls: { type: "integer", minimum: 0 },
    complete: { type: "boolean" },
    planned: { type: "boolean", description: "the trace lists the scenarios it was to run (manifest plan): only then can a scenario that never ran be told" },
    scenarios: {
      type: "array",
      items: {
        type: "object",
        required: ["name", "outcome"],
        properties: {
          name: { type: "string" },
          outcome: { enum: [...SCENARIO_OUTCOMES], description: "ok: ran to the end; failed: at `step`; unfinished: the trace ends inside it; not-run: planned, never started" },
          step: { type: "integer", minimum: 0, description: "the step it failed at or was cut off in, as the trace indexes it: 0-based (timeline.jsonl's `step`)" },
          stepNumber: { type: "integer", minimum: 1, description: "the same step as every report shows it: 1-based (`step` + 1)" },
          action: { type: "string" },
          error: { type: "string" },
        },
      },
    },
    outcomes: { type: "object", required: [...SCENARIO_OUTCOMES], additionalProperties: false, properties: Object.fromEntries(SCENARIO_OUTCOMES.map((o) => [o, { type: "integer", minimum: 0 }])), description: "scenarios by outcome, all of them (the list is bounded)" },
    scenariosOmitted: { type: "integer", minimum: 1, description: "scenarios not listed past the first 1000 (those that did not run to the end first)" },
    blocked: {
      type: "array",
      description: "present when the status is blocked: each way the trace shows the app kept the agent out",
      items: {
        type: "object",
        required: ["kind", "reason", "pid"],
        properties: {
          kind: { enum: ["packed", "ended", "detached"], description: "packed: the Application class is a known packer's stub; ended: the main process ended on its own within 5 s of the agent loading, before any step but its launch completed, not by an uncaught Java exception; detached: the agent lost the main process without it ending" },
          reason: { type: "string" },
          pid: { type: "integer" },
          process: { type: "string" },
          application: { type: "string", description: "the process's Application class, as the agent saw it" },
          packer: { type: "string", description: "the packer's vendor (reports/data/packers.ts)" },
          t: { type: "number", description: "when the process ended or was detached (trace clock, ms)" },
          afterLoadMs: { type: "number", minimum: 0, description: "how long after the agent loaded (the process's launch)" },
          detach: { type: "string", description: "frida's detach reason and crash text, from the trace's process_end" },
        },
      },
    },
    problems: { type: "array", items: { type: "string" } },
  },
} as const;

/** JSON Schema of findings.json (`permtrace report`), version 1. */
export const FINDINGS_SCHEMA = {
  $schema: "https://json-schema.org/draft/2020-12/schema",
  $id: "https://permtrace.dev/schema/findings-1.json",
  title: "permtrace findings",
  type: "object",
  required: ["format", "schemaVersion", "tool", "trace", "policy", "catalogue", "rules", "summary", "parties", "scenarios", "findings", "warnings"],
  properties: {
    format: { const: "permtrace-findings" },
    schemaVersion: { const: 1 },
    tool: { type: "object", required: ["name", "version"] },
    status: {
      enum: [...REPORT_STATUSES],
      description: "clean: complete, no finding; findings: complete, with findings; incomplete: the run did not finish or a scenario failed, was cut off or never ran; no-evidence: the agent never reported loading, no call was recorded, or no planned scenario ran; blocked: the app kept the agent out (a packer's Application class, the app ended right after the agent loaded, the agent was detached: see `evidence.blocked`). `--fail-on` refuses the last three unless `--accept-incomplete`",
    },
    evidence,
    trace: {
      type: "object",
      required: ["dir", "app", "device", "startedAt", "complete", "sandbox", "calls", "stacks", "markers", "skippedLines", "truncated", "duration"],
      properties: {
        complete: { type: "boolean", description: "false when the recording run did not finish cleanly" },
        sandbox: { type: "boolean", description: "recorded on the sandbox or synthetic device, not a phone" },
        skippedLines: { type: "integer", minimum: 0 },
        ownCalls: { type: "integer", minimum: 1, description: "calls that concern only the app's own data (its own package info): counted in calls, in no tally" },
        truncated: { type: "boolean", description: "a file ended in a cut-off line" },
      },
    },
    policy: { type: "object", required: ["name", "chain"], properties: { sha256: { type: "string", pattern: "^[0-9a-f]{64}$", description: "of the effective settings, as in the trace manifest's judged.policy: what permtrace diff compares" } } },
    profile: { type: "object", required: ["app"], properties: { sha256: { type: "string", pattern: "^[0-9a-f]{64}$", description: "of the profile file read" } } },
    catalogue: { type: "object", required: ["version", "sdks"] },
    rules: {
      type: "array",
      items: {
        type: "object",
        required: ["id", "family", "title", "severity", "status", "findings"],
        properties: { status: { enum: ["evaluated", "skipped", "disabled"] }, severity: { enum: [...SEVERITIES] }, reason: { type: "string" } },
      },
    },
    valuesShown: { const: true, description: "present when the report was made with --show-values: identifier values are not redacted" },
    summary: {
      type: "object",
      required: ["findings", "bySeverity", "byRule", "byParty", "byCategory", "byScenario"],
      properties: { findingsOmitted: { type: "integer", minimum: 1, description: "findings not listed past the first 10000 (most severe and earliest first)" } },
    },
    parties: { type: "array", items: { type: "object", required: ["party", "calls", "categories"], properties: { party, ownCalls: { type: "integer", minimum: 1, description: "the party's calls about the app's own data, not in calls" } } } },
    stacks: {
      type: "array",
      description: "The busiest call stacks (at most 500)",
      items: { type: "object", required: ["id", "party", "immediateCaller", "frame", "confidence", "calls", "categories"], properties: { party, immediateCaller: party } },
    },
    scenarios: {
      type: "array",
      items: {
        type: "object",
        required: ["name", "start"],
        properties: { calls: { type: "integer", minimum: 0, description: "calls made while the scenario ran" }, categories: { type: "object", propertyNames: { enum: [...CATEGORY_IDS] } } },
      },
    },
    findings: {
      type: "array",
      items: {
        type: "object",
        required: ["id", "rule", "family", "severity", "title", "message", "references", "party", "count", "window", "evidence"],
        properties: {
          id: { type: "string", pattern: "^F\\d{4,}$" },
          rule: { type: "string" },
          family: { enum: ["consent", "refusal", "scenario", "frequency", "background", "permission", "disclosure", "necessity", "egress"] },
          severity: { enum: [...SEVERITIES] },
          references: { type: "array", minItems: 1, items: { type: "object", required: ["source", "text"] } },
          party,
          via: { type: "array", items: party, description: "the chain that led to the party: other third parties further out on the evidence stack, innermost first" },
          immediateCaller: party,
          category: { enum: [...CATEGORY_IDS] },
          scenario: { type: "string" },
          scenarios: { type: "array", items: { type: "string" }, minItems: 2, description: "a finding grouped across scenarios (scenario.unneeded_category): the scenarios it spans; evidence.details.occurrences has each one's count and times" },
          count: { type: "integer", minimum: 1 },
          window: { type: "object", required: ["start", "end"], properties: { start: { type: "number" }, end: { type: "number" } } },
          evidence: {
            type: "object",
            required: ["events", "hooks"],
            properties: {
              events: { type: "array", items: { type: "integer" }, minItems: 1 },
              stack: {
                type: "object",
                required: ["id", "frames", "responsibleFrame", "immediateFrame", "confidence", "reason"],
                properties: { confidence: { type: "number", minimum: 0, maximum: 1 }, frames: { type: "array", items: { type: "string" } } },
              },
              hooks: { type: "array", items: { type: "object", required: ["hook", "count"] } },
              screenshot: { type: "object", required: ["path", "t"] },
              step: {
                type: "object",
                required: ["scenario", "index"],
                properties: {
                  index: { type: "integer", minimum: 0, description: "the step as the trace indexes it: 0-based (timeline.jsonl's `step`), for joining with the trace" },
                  stepNumber: { type: "integer", minimum: 1, description: "the step as every report shows it: 1-based (`index` + 1)" },
                },
              },
              details: { type: "object" },
            },
          },
        },
      },
    },
    flows,
    warnings: { type: "array", items: { type: "string" } },
    activity,
    marks,
    marksOmitted: { type: "integer", minimum: 1, description: "marks left out past the per-kind cap" },
  },
} as const;

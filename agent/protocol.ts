/**
 * Every message between the agent and the runner. The agent sends with `send()`; the runner calls
 * the RPC exports. The Node side imports this file with `import type` only.
 *
 * Calls travel as compact tuples in batches; strings (hook ids, exception classes) and stacks are
 * sent once and referenced by index after. The runner turns batches into trace format v1.
 *
 * Additions that an older runner may ignore are optional fields within a version: `BatchMessage.net`
 * (egress records) is one, `BatchMessage.sendStacks` with NetTuple[8] another; an older agent sends
 * none and a runner reads batches with or without them.
 */
export const PROTOCOL_VERSION = 1;

export interface AgentConfig {
  /** The app's own package: calls about it (its own package info) are marked `own`. */
  readonly appPackage: string;
  /** Hook ids or id prefixes (`location.`) to install; default: all. */
  readonly include?: readonly string[];
  readonly exclude?: readonly string[];
  /** How identifier values leave the device: hashed (default), masked, or raw (only when asked for). */
  readonly redaction?: "hash" | "mask" | "raw";
  /** Salt for hashes: equal values hash equally within one run, not across runs. */
  readonly salt?: string;
  /** Flush after this many calls, and at least every flushMs. */
  readonly batchSize?: number;
  readonly flushMs?: number;
  /** Frames kept per stack. */
  readonly maxStackDepth?: number;
  /**
   * Sampling for very hot hooks: past `threshold` calls of one hook in one second, only one call
   * in `keepEvery` is sent in full; the others are counted (counts stay exact).
   */
  readonly sampling?: { readonly threshold: number; readonly keepEvery: number };
  /**
   * The device's identifiers as the runner read them before launch (adb, or the sandbox phone's
   * own): the matcher learns them without a read, so one sent without a hooked read is still
   * caught, as "sent without a read permtrace saw". Agent memory only: never sent back, never traced.
   */
  readonly knownValues?: readonly KnownValue[];
  /**
   * libc functions to hook with Interceptor.attach instead of replacing them (diagnostics and
   * tests): the agent does so by itself where a function is too short to replace (bionic's
   * syscall stubs, e.g. `write`), and this exercises that path where none is.
   */
  readonly nativeAttach?: readonly string[];
}

/** A device identifier the runner knows: `kind` is the matcher's IdKind (agent/engine/id-normalise.ts). */
export interface KnownValue {
  readonly kind: string;
  readonly value: string;
}

export type HookStatus = "hooked" | "absent" | "failed" | "pending";

/** [hook id, status, reason?]; a hook's index in this list is its number in call tuples. */
export type CoverageRow = readonly [string, HookStatus, string?];

/** A stack frame: [class, method, file?, line?] or, for native frames, [null, "module!symbol+0x…"]. */
export type FrameTuple = readonly [string | null, string, string?, number?];

/** [id, frames (innermost first, the hooked method excluded), truncated]. */
export type StackTuple = readonly [number, readonly FrameTuple[], boolean];

/** Bits of CallTuple[9]. */
export const CALL_FLAGS = { threw: 1, own: 2, fgKnown: 4, fg: 8, pending: 16 } as const;

/**
 * One call: [t (agent clock, ms, to the µs), hook number, category number (index in
 * CATEGORY_IDS), flags, thread id, stack id or -1, return summary string number or -1,
 * exception string number or -1, argument summary string numbers or null, requested
 * permissions or null]. Trailing fields at their default (-1 or null) are left off.
 * A call's local id is its batch's `firstId` plus its index in `calls`. It is queued before the
 * original runs, with the `pending` flag; the outcome is filled in after, or, when the batch
 * left meanwhile, sent as an OutcomeTuple.
 */
export type CallTuple = (number | readonly number[] | readonly string[] | null)[];

/** Field positions in a CallTuple. */
export const CALL = { t: 0, hook: 1, category: 2, flags: 3, tid: 4, stack: 5, ret: 6, exc: 7, args: 8, req: 9 } as const;

/** [local id of a call already sent, flags, exception string number or -1, return summary string number or -1]. */
export type OutcomeTuple = readonly [number, number, number, number];

/** Egress layers, by number in NetTuple[0]: OkHttp's request, a TLS plaintext write, a plain socket write. */
export const NET_LAYERS = ["okhttp", "tls", "socket"] as const;

/** Where a match was found, by number in NetMatchTuple[2]. */
export const NET_WHERE = ["url", "header", "body", "pre-encryption"] as const;

/**
 * One identifier found in a send: [kind (IdKind), encoding (Enc), where (index in NET_WHERE),
 * local id of the hooked read that returned the value or -1, confidence 0–1]. Never the value.
 */
export type NetMatchTuple = readonly [string, string, number, number, number];

/**
 * What an egress call sent: [layer (index in NET_LAYERS), host or null, port or -1, 1 for TLS
 * else 0, payload bytes at this layer or -1 when unknown, matches or null, HTTP method or null,
 * bytes beyond the scan bound (not scanned), id of the send's logical stack in
 * `BatchMessage.sendStacks` (optional, added within version 1)]. Trailing nulls and zeros are left off.
 */
export type NetTuple = readonly (string | number | readonly NetMatchTuple[] | null)[];

/** Field positions in a NetTuple. */
export const NET = { layer: 0, host: 1, port: 2, tls: 3, bytes: 4, matches: 5, method: 6, cut: 7, stack: 8 } as const;

/** [t, kind, detail]: foreground/background/screen changes and permission results seen in the app. */
export type LifecycleTuple = readonly [number, "foreground" | "background" | "screen_on" | "screen_off" | "permission_result", Readonly<Record<string, unknown>>?];

export interface HelloMessage {
  readonly type: "hello";
  readonly protocol: number;
  readonly agent: string;
  readonly pid: number;
  readonly apiLevel: number | null;
  /** The agent clock when the message was built, for the runner's clock handshake. */
  readonly clock: number;
  /** How Java stacks are read in this process: `Java.backtrace()`, or a Throwable's stack trace where that fails. */
  readonly stacks?: "backtrace" | "throwable";
  /** Why the fallback is in use. */
  readonly stacksNote?: string;
}

export interface CoverageMessage {
  readonly type: "coverage";
  readonly hooks: readonly CoverageRow[];
  /** The permission guarding each hook (by hook number, as `hooks`), null where none does: every call of the hook carries it. */
  readonly permissions?: readonly (string | null)[];
}

export interface BatchMessage {
  readonly type: "batch";
  /** The string table starts over with this batch's strings (the agent bounds its table). */
  readonly resetStrings?: true;
  /** Strings new since the previous batch, appended to the string table in order. */
  readonly strings: readonly string[];
  readonly stacks: readonly StackTuple[];
  /** Local id of the first call in `calls`. */
  readonly firstId: number;
  readonly calls: readonly CallTuple[];
  readonly outcomes: readonly OutcomeTuple[];
  readonly lifecycle: readonly LifecycleTuple[];
  /** Calls counted but not sent in full because of sampling: [hook number, count]. */
  readonly sampled: readonly (readonly [number, number])[];
  /**
   * Egress records (optional, added within version 1), [local id of a `network_egress` call, NetTuple]. The call is in
   * this batch or an earlier one (then still pending: its outcome comes in this batch or later).
   */
  readonly net?: readonly (readonly [number, NetTuple])[];
  /**
   * Logical stacks of sends (optional, added within version 1), numbered in a table of their own
   * and sent once each like `stacks`: a send that ran on OkHttp's dispatcher thread for an
   * enqueued call is its own frames followed by the frames where the call was enqueued (the
   * enqueue frame first). A NetTuple that names one (NetTuple[8]) is written with it in place of
   * its call's stack. It is in this batch or an earlier one.
   */
  readonly sendStacks?: readonly StackTuple[];
}

/**
 * The process's Application class (`$className` of the Application in `Application.attach`), once
 * per process and sent at once, not batched: a packer's stub there often kills the process soon
 * after, and the report names the packer from it.
 */
export interface ApplicationMessage {
  readonly type: "application";
  /** The agent clock at the attach. */
  readonly t: number;
  readonly className: string;
}

export interface AgentErrorMessage {
  readonly type: "agent-error";
  /** The hook or part of the agent where it happened. */
  readonly where: string;
  readonly message: string;
}

export type AgentMessage = HelloMessage | CoverageMessage | BatchMessage | ApplicationMessage | AgentErrorMessage;

export interface AgentStatus {
  readonly calls: number;
  readonly sampled: number;
  readonly batches: number;
  readonly errors: number;
  readonly hooked: number;
  readonly pending: number;
}

/** The RPC exports (`script.exports` on the runner side). */
export interface AgentRpc {
  init(config: AgentConfig): readonly CoverageRow[];
  status(): AgentStatus;
  /** Sends what is buffered now; returns the number of calls sent. */
  flush(): number;
  /** The agent clock now (the runner's handshake and markers). */
  mark(label: string): number;
  dispose(): void;
}

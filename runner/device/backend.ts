/**
 * The device interface the runner drives: frida's (runner/device/frida-backend.ts), the sandbox
 * device's, or a test's fake. Everything above it (sessions, scenarios, traces) is the same for all.
 */
import type { AgentConfig, AgentStatus, CoverageRow, KnownValue } from "../../agent/protocol.js";

/** Why a session ended (frida's SessionDetachReason values). */
export type DetachReason = "application-requested" | "process-replaced" | "process-terminated" | "connection-terminated" | "device-lost";

export type ScriptMessage = { readonly type: "send"; readonly payload: unknown } | { readonly type: "error"; readonly description: string; readonly stack?: string };

/** The agent's RPC exports as the host sees them: every call is asynchronous. */
export interface AgentExports {
  init(config: AgentConfig): Promise<readonly CoverageRow[]>;
  status(): Promise<AgentStatus>;
  flush(): Promise<number>;
  mark(label: string): Promise<number>;
  dispose(): Promise<void>;
}

export interface ScriptHandle {
  load(): Promise<void>;
  unload(): Promise<void>;
  /**
   * Keeps the script in the process after the session detaches (frida's Script.eternalize):
   * its hooks stay, its code is never freed. What the runner does to a process it leaves running.
   */
  eternalize(): Promise<void>;
  readonly exports: AgentExports;
  onMessage(handler: (message: ScriptMessage) => void): void;
}

export interface SessionHandle {
  readonly pid: number;
  createScript(source: string, name: string): Promise<ScriptHandle>;
  /**
   * The script compiled to the device's script runtime bytecode once, then loaded from bytes in
   * each later process: a gated process then resumes sooner (frida's watchdog). Optional.
   */
  compileScript?(source: string, name: string): Promise<Uint8Array>;
  createScriptFromBytes?(bytes: Uint8Array, name: string): Promise<ScriptHandle>;
  detach(): Promise<void>;
  onDetached(handler: (reason: DetachReason, crash: string | null) => void): void;
}

export interface ChildProcess {
  readonly pid: number;
  readonly parentPid: number;
  readonly identifier: string;
  /**
   * How it was born (frida's `Child.origin`): `fork` (Runtime.exec forks first), `exec` (the
   * forked child ran execve: `getprop`, `su`, `sh -c …`), `spawn` (posix_spawn). Absent when the
   * device layer cannot tell.
   */
  readonly origin?: "fork" | "exec" | "spawn";
  /** The program and its arguments, for `exec` (untrusted: the app chose them). */
  readonly path?: string;
  readonly argv?: readonly string[];
}

export interface DeviceHandle {
  readonly id: string;
  /** The adb serial (and Appium udid) of the device: not frida's id for a remote frida-server. */
  readonly serial: string;
  readonly name: string;
  readonly kind: "usb" | "remote" | "sandbox";
  /** The Android API level, when the device layer knows it. */
  readonly apiLevel?: number;
  /**
   * The device's own clock, when it simulates time (the sandbox): the runner's timeline and its
   * waits follow it. Real devices leave it out: host time.
   */
  readonly time?: { now(): number; sleep(ms: number): Promise<void> };
  /**
   * The device's own identifier values, when the device layer knows them (the sandbox): handed to
   * the agent's matcher before the first launch. Real devices leave it out: adb reads what it may.
   */
  knownValues?(): readonly KnownValue[];
  spawn(packageName: string): Promise<number>;
  attach(pid: number): Promise<SessionHandle>;
  resume(pid: number): Promise<void>;
  kill(pid: number): Promise<void>;
  onChildAdded(handler: (child: ChildProcess) => void): void;
  /**
   * Spawn gating: every new app process on the device waits until resumed. Android starts an
   * app's other processes (`:push`, `:remote`) from zygote, not by fork, so child gating alone
   * does not catch them. Optional: devices without it instrument forked children only.
   */
  enableSpawnGating?(): Promise<void>;
  disableSpawnGating?(): Promise<void>;
  onSpawnAdded?(handler: (spawn: { readonly pid: number; readonly identifier: string }) => void): void;
  /**
   * Frida switched spawn gating off by itself: `watchdog-timeout` when a gated spawn was held too
   * long (frida-core resumes every held spawn then, and later processes are not gated).
   */
  onSpawnGatingDisabled?(handler: (reason: string) => void): void;
}

/**
 * How the user named the device: `--device <adb-serial>` (a USB or `adb connect` device, through
 * frida's USB backend), `--device <adb-serial>@<host:port>` (the same device, frida through a
 * remote frida-server), or nothing (the first USB device).
 */
export interface DeviceSelector {
  readonly serial?: string;
  readonly remote?: string;
}

/** Parses `--device`. */
export function parseDevice(value: string | undefined): DeviceSelector {
  if (!value) return {};
  const at = value.lastIndexOf("@");
  if (at > 0) return { serial: value.slice(0, at), remote: value.slice(at + 1) };
  return { serial: value };
}

export interface DeviceBackend {
  open(selector: DeviceSelector): Promise<DeviceHandle>;
}

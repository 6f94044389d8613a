/**
 * A stand-in for the Frida runtime, enough to run the compiled agent bundle in a Node `vm`
 * context — what the sandbox device's processes run, and what the agent tests run against: send/rpc, Process, Module, Interceptor, Thread/DebugSymbol, Checksum, timers, and the
 * Java bridge of ./java.ts. Everything the agent sends is collected in `messages`.
 */
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import vm from "node:vm";
import type { AgentMessage, AgentRpc } from "../../agent/protocol.js";
import { FakeJava, type ClassSpec, type FrameSpec } from "./java.js";
import { FilterModel, isInetFamily } from "../../agent/engine/native-model.js";
import { FD_TRACK, TRACK_HOWS } from "../../agent/catalogue/native.js";

/** The compiled agent: dist/agent/permtrace-agent.js of the package this file belongs to. */
export const BUNDLE = ((): string => {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, "package.json")) && dirname(dir) !== dir) dir = dirname(dir);
  // Compiled copies of this file live in dist/runner/…: the package root is above dist.
  if (basename(dir) === "dist") dir = dirname(dir);
  return join(dir, "dist", "agent", "permtrace-agent.js");
})();

/**
 * A pointer that answers any arithmetic the bridge does at load time (ptr(…).not(), .and(…))
 * with another pointer: the stand-in's Java bridge never dereferences them.
 */
class FakePointer {
  constructor(readonly value: unknown) {
    return new Proxy(this, {
      get(target, prop, receiver) {
        if (prop in target || typeof prop === "symbol") return Reflect.get(target, prop, receiver);
        return () => receiver;
      },
    });
  }
  readCString(): string | null {
    return typeof this.value === "string" ? this.value : null;
  }
  toInt32(): number {
    return typeof this.value === "number" ? this.value : 0;
  }
  /**
   * Memory the stand-in's native calls pass (a send's buffer, a sockaddr) is a Uint8Array. As in
   * GumJS, readByteArray(n) returns a new ArrayBuffer copy of n bytes (frida-gum
   * bindings/gumjs/gumquickcore.c, gumjs_native_pointer_handle_read, GUM_MEMORY_VALUE_BYTE_ARRAY).
   */
  add(n: number): FakePointer {
    return this.value instanceof Uint8Array ? new FakePointer(this.value.subarray(n)) : this;
  }
  readByteArray(n: number): ArrayBuffer | null {
    if (!(this.value instanceof Uint8Array)) throw new Error(`the stand-in cannot read memory at ${String(this.value)}`);
    return this.value.slice(0, n).buffer;
  }
  readU8(): number {
    return new Uint8Array(this.readByteArray(1)!)[0]!;
  }
  readU16(): number {
    const b = new Uint8Array(this.readByteArray(2)!);
    return b[0]! | (b[1]! << 8); // little-endian, as arm64 and x86 are
  }
  isNull(): boolean {
    return this.value === 0 || this.value === null;
  }
  equals(other: FakePointer): boolean {
    return this.value === other.value;
  }
  toString(): string {
    return String(this.value);
  }
}

/**
 * The agent's C filter (agent/engine/native-filter.ts), which a Node vm cannot compile: its
 * replacement functions `r_<i>` run FilterModel, the same rules in TypeScript, and call the
 * agent's NativeCallbacks as the C does. Real Frida runs the C itself
 * (test/frida/native-target.test.ts).
 */
class FakeCModule {
  [name: string]: unknown;
  readonly model: FilterModel;
  readonly state_size = new FakePointer(() => 0);
  readonly originals_offset = new FakePointer(() => 0);
  readonly track_originals_offset = new FakePointer(() => 0);
  readonly pt_mark: FakePointer;
  readonly pt_disable: FakePointer;
  readonly on_send_enter: FakePointer;
  readonly on_send_leave: FakePointer;
  readonly on_track_enter: FakePointer;
  readonly on_track_leave: FakePointer;

  constructor(source: string, symbols: Record<string, FakePointer>) {
    const fn = (name: string) => symbols[name]!.value as (this: unknown, ...a: unknown[]) => unknown;
    // A NativeCallback's `this` (gumquickcore.c, gum_quick_native_callback_invoke): the context and return address.
    const self = (returnAddress: unknown) => ({ context: {}, returnAddress });
    this.model = new FilterModel({
      enter: (i, arg, ra) => fn("permtrace_enter").call(self(ra), i, new FakePointer(arg ?? 0), ra) as number,
      send: (i, fd, buf, len, addr, ra) => fn("permtrace_send").call(self(ra), i, fd, new FakePointer(buf), len, new FakePointer(addr ?? 0), ra) as number,
      leave: (i, id, retval, error, extra) => void fn("permtrace_leave").call(self(null), i, id, new FakePointer(retval), error, new FakePointer(extra ?? 0)),
      isInetSocket: (fd) => fn("getsockname")(fd) === "inet",
    });
    // The replacements the source defines, as a CModule exports its global functions.
    for (const [, i] of source.matchAll(/^r_(\d+) \(/gm)) this[`r_${i}`] = new FakePointer({ model: this.model, index: Number(i) });
    for (const [, i] of source.matchAll(/^f_(\d+) \(/gm)) this[`f_${i}`] = new FakePointer({ model: this.model, track: Number(i) });
    this.pt_mark = new FakePointer((fd: number, inet: number) => this.model.mark(fd, inet !== 0));
    this.pt_disable = new FakePointer(() => this.model.disable());
    // The C listeners Interceptor.attach takes where a function is too short to replace: attached
    // with the entry's index (or FD_TRACK's) as data, they run the same rules as the replacements.
    this.on_send_enter = new FakePointer({ model: this.model, listener: "send" });
    this.on_track_enter = new FakePointer({ model: this.model, listener: "track" });
    this.on_send_leave = this.on_send_enter;
    this.on_track_leave = this.on_track_enter;
  }
}

/** A namespace the bridge only touches lazily: any function on it returns a fake pointer. */
function inert(name: string, known: Record<string, unknown> = {}): Record<string, unknown> {
  return new Proxy(known, {
    get(target, prop) {
      if (prop in target) return target[prop as string];
      if (typeof prop === "symbol") return undefined;
      return () => new FakePointer(`${name}.${prop}`);
    },
  });
}

interface Attached {
  onEnter?: (this: Record<string, unknown>, args: FakePointer[]) => void;
  onLeave?: (this: Record<string, unknown>, retval: FakePointer) => void;
}

/** What a descriptor of the stand-in's process is: an Internet socket and its peer, or anything else. */
export type Descriptor = { readonly ip: string; readonly port: number; readonly localPort?: number; readonly udp?: boolean } | "other";

export interface Runtime {
  readonly java: FakeJava;
  /**
   * The process's descriptors, as getsockname and getpeername would answer (what GumJS's
   * `Socket.peerAddress`, `type` and `localAddress` read): set them before the app sends; `close`
   * and `connect` (arguments [fd, sockaddr bytes]) through native() change them as the kernel would.
   */
  readonly descriptors: Map<number, Descriptor>;
  readonly messages: AgentMessage[];
  readonly rpc: AgentRpc;
  /** The thread the next call runs on. */
  tid: number;
  /** The app calls a Java method: the stack is the hooked method's frame over `callers`. */
  call(className: string, method: string, params: readonly string[], args: unknown[], callers: readonly FrameSpec[], self?: unknown): unknown;
  /**
   * The app calls a libc function that the agent may have intercepted: strings stand for char *,
   * a getifaddrs list is an array of `{ name, hw? }`, a prop_info any object. `inner` is what the
   * function calls (bionic's fopen calls open); `errno` is errno after it.
   */
  native(symbol: string, args: unknown[], result: unknown, opts?: { inner?: () => void; errno?: number }): void;
  /** Waits for the agent's flush timer. */
  settle(ms?: number): Promise<void>;
  batches(): Extract<AgentMessage, { type: "batch" }>[];
}

export interface LoadOptions {
  /** The libc exports the process has (the agent's native side channels hook these). */
  readonly exports?: readonly string[];
  /** Exports too short to replace (bionic's syscall stubs): replaceFast throws on them, as frida-gum does. */
  readonly tooShort?: readonly string[];
  readonly pid?: number;
  onSend?(m: AgentMessage): void;
  /** Java.androidVersion (default "12"). */
  readonly androidVersion?: string;
  /** The agent script (default: the compiled bundle, read from dist). */
  readonly source?: string;
  /** The process's monotonic clock in ms (default: the host's performance.now()). */
  now?(): number;
  /** The process's timers (default: the host's): the sandbox runs them on its own clock. */
  readonly timers?: Timers;
}

export interface Timers {
  setTimeout(fn: (...a: unknown[]) => void, ms?: number, ...args: unknown[]): unknown;
  clearTimeout(id: unknown): void;
  setInterval(fn: (...a: unknown[]) => void, ms?: number, ...args: unknown[]): unknown;
  clearInterval(id: unknown): void;
}

export function loadAgent(classes: readonly ClassSpec[], opts: LoadOptions = {}): Runtime {
  const java = new FakeJava(classes);
  if (opts.androidVersion) java.androidVersion = opts.androidVersion;
  const messages: AgentMessage[] = [];
  const rpc: { exports: Record<string, unknown> } = { exports: {} };
  // pthread_self and getpid are libc's whatever else the process has (the native filter is given them).
  const exportsAvailable = new Set([...(opts.exports ?? ["__system_property_get", "__system_property_find", "__system_property_read_callback", "open", "openat", "fopen", "getifaddrs", "ioctl", "send", "sendto", "write", "close", "connect", "socket", "accept", "accept4"]), "pthread_self", "getpid", "getsockname"]);
  const descriptors = new Map<number, Descriptor>();
  // getsockname as the filter uses it: is the descriptor an Internet socket.
  const getsockname = (fd: number): string => (typeof descriptors.get(fd) === "object" ? "inet" : "other");
  const inet = (fd: number): Exclude<Descriptor, "other"> | null => {
    const d = descriptors.get(fd);
    return typeof d === "object" ? d : null;
  };
  const attached = new Map<string, Attached>();
  /** What replaced or attached to each function: a catalogue entry's rules, or a socket-table function's (`how`). */
  const filtered = new Map<string, { model: FilterModel; index: number } | { model: FilterModel; how: (typeof TRACK_HOWS)[number] }>();
  const state = { tid: 1 };
  const context: Record<string, unknown> = {
    Java: java.api(),
    send: (m: AgentMessage) => {
      // What frida does: the message is serialised on its way to the host.
      const copy = JSON.parse(JSON.stringify(m)) as AgentMessage;
      messages.push(copy);
      opts.onSend?.(copy);
    },
    rpc,
    Process: {
      id: opts.pid ?? 4242,
      pointerSize: 8,
      arch: "arm64",
      platform: "linux",
      getCurrentThreadId: () => state.tid,
      findModuleByName: () => null,
      // The app's native code is one library; the null pointer is in none.
      findModuleByAddress: (a: FakePointer) => (a.isNull() ? null : { name: "libapp.so", base: new FakePointer(0), size: 0 }),
      getModuleByName: (n: string) => {
        throw new Error(`unable to find module '${n}'`);
      },
      enumerateModules: () => [],
    },
    Module: {
      findGlobalExportByName: (name: string) => (exportsAvailable.has(name) ? new FakePointer(name) : null),
      getGlobalExportByName: (name: string) => {
        if (!exportsAvailable.has(name)) throw new Error(`unable to find export '${name}'`);
        return new FakePointer(name === "getsockname" ? getsockname : name);
      },
      findExportByName: () => null,
    },
    Interceptor: inert("Interceptor", {
      // The function now runs the filter's replacement `r_<i>`; the pointer returned calls the
      // original (frida-gum bindings/gumjs/gumquickinterceptor.c, gumjs_interceptor_replace_fast).
      replaceFast: (target: FakePointer, replacement: FakePointer) => {
        // What frida-gum says of a function whose first bytes it cannot relocate (bindings/gumjs/
        // gumquickinterceptor.c, gum_quick_handle_replace_ret, GUM_REPLACE_WRONG_SIGNATURE).
        if ((opts.tooShort ?? []).includes(String(target.value))) throw new Error(`unable to intercept function at ${String(target.value)}; please file a bug`);
        const r = replacement.value as { model: FilterModel; index: number } | { model: FilterModel; track: number };
        // f_<i> knows its FD_TRACK entry, as the C's does.
        filtered.set(String(target.value), "track" in r ? { model: r.model, how: FD_TRACK[r.track]!.how } : r);
        return new FakePointer(`original ${String(target.value)}`);
      },
      attach: (target: FakePointer, callbacks: Attached | { onEnter: FakePointer }, data?: FakePointer) => {
        const c = (callbacks.onEnter as FakePointer | undefined)?.value as { model: FilterModel; listener: "send" | "track" } | undefined;
        if (c?.listener) {
          // The filter's C listeners: the same rules as its replacements, the entry's index as data
          // (gumquickinterceptor.c, gumjs_interceptor_attach: NativePointer onEnter/onLeave make a
          // C call listener; the third argument is its listener_function_data).
          const n = Number(data?.value);
          // As in the C: a send listener's data is the entry's index, a socket-table listener's what to do (TRACK_HOWS).
          filtered.set(String(target.value), c.listener === "send" ? { model: c.model, index: n } : { model: c.model, how: TRACK_HOWS[n]! });
          return { detach: () => filtered.delete(String(target.value)) };
        }
        attached.set(String(target.value), callbacks as Attached);
        return { detach: () => attached.delete(String(target.value)) };
      },
    }),
    Thread: inert("Thread", { backtrace: () => [new FakePointer(0x1000), new FakePointer(0x2000)] }),
    Script: inert("Script", { runtime: "V8", nextTick: (f: (...a: unknown[]) => void, ...a: unknown[]) => queueMicrotask(() => f(...a)), bindWeak: () => 1, unbindWeak: () => undefined }),
    Memory: inert("Memory"),
    CModule: FakeCModule,
    // A NativeCallback is a pointer that calls back into JavaScript, a NativeFunction a JavaScript
    // function that calls a pointer (gumquickcore.c): here the pointer carries the function.
    NativeCallback: function (fn: (...a: unknown[]) => unknown) {
      return new FakePointer(fn);
    },
    NativeFunction: function (p: FakePointer) {
      if (typeof p.value !== "function") throw new Error(`the stand-in cannot call ${String(p.value)}`);
      return p.value;
    },
    Instruction: inert("Instruction"),
    // GumJS's Socket (frida-gum bindings/gumjs/gumquicksocket.c): peerAddress and localAddress are
    // getpeername's and getsockname's answers, null when there is none; type is "tcp"/"udp"
    // (…6), "unix:…", or null when getsockopt(SO_TYPE) fails — not a socket (gumjs_socket_get_type).
    Socket: {
      peerAddress: (fd: number) => inet(fd) && { ip: inet(fd)!.ip, port: inet(fd)!.port },
      localAddress: (fd: number) => inet(fd) && { ip: "10.0.2.15", port: inet(fd)!.localPort ?? 40000 + fd },
      type: (fd: number) => (inet(fd) ? (inet(fd)!.udp ? "udp" : "tcp") : null),
    },
    Backtracer: { ACCURATE: "accurate", FUZZY: "fuzzy" },
    DebugSymbol: { fromAddress: (a: FakePointer) => ({ toString: () => `libapp.so!fn_${Number(a.value).toString(16)}` }) },
    // GumJS's Checksum.compute takes a string, an ArrayBuffer or a number[] (@types/frida-gum, `static compute(type, data: string | ArrayBuffer | number[])`).
    Checksum: { compute: (type: string, data: string | ArrayBuffer | number[]) => createHash(type).update(typeof data === "string" ? data : Buffer.from(data as ArrayBuffer)).digest("hex") },
    NativePointer: FakePointer,
    ptr: (v: unknown) => new FakePointer(v),
    NULL: new FakePointer(0),
    // A monotonic clock with sub-millisecond resolution, as CLOCK_MONOTONIC is on the device.
    performance: { now: opts.now ?? (() => performance.now()) },
    ...(opts.timers ?? { setTimeout, clearTimeout, setInterval, clearInterval }),
    console,
  };
  vm.createContext(context);
  vm.runInContext(opts.source ?? readFileSync(BUNDLE, "utf8"), context, { filename: "permtrace-agent.js" });
  const runtime: Runtime = {
    java,
    descriptors,
    messages,
    rpc: rpc.exports as unknown as AgentRpc,
    get tid() {
      return state.tid;
    },
    set tid(v: number) {
      state.tid = v;
    },
    call(className, method, params, args, callers, self) {
      const cls = java.find(className);
      java.top = { className, methodName: method };
      java.callers = callers;
      try {
        return cls.overload(method, params).invoke(self ?? { $className: className }, args);
      } finally {
        java.top = undefined;
        java.callers = [];
      }
    },
    native(symbol, args, result, o = {}) {
      const f = filtered.get(symbol);
      // What the kernel does to the descriptor table, whether or not the agent replaced the function.
      const address = args[1] instanceof Uint8Array ? args[1] : null;
      const effect = (): void => {
        if (symbol === "close") descriptors.delete(Number(args[0]));
        if (symbol === "connect" && address && isInetFamily(address)) descriptors.set(Number(args[0]), { ip: [...address.subarray(4, 8)].join("."), port: (address[2]! << 8) | address[3]! });
      };
      if (f && "how" in f) {
        const how = f.how;
        const inet = how === "socket" ? args[0] === 2 || args[0] === 10 : address !== null && isInetFamily(address);
        f.model.track(how, Number(args[0]), inet, () => {
          o.inner?.();
          effect();
          return result;
        });
        return;
      }
      effect();
      if (f) {
        f.model.call(f.index, args, state.tid, new FakePointer(0x1000), () => {
          o.inner?.();
          return { retval: result, errno: o.errno ?? 0 };
        });
        return;
      }
      const cb = attached.get(symbol);
      const self: Record<string, unknown> = { context: {} };
      cb?.onEnter?.call(self, args.map((a) => new FakePointer(a)));
      cb?.onLeave?.call(self, new FakePointer(result));
    },
    settle: (ms = 80) => new Promise((r) => setTimeout(r, ms)),
    batches: () => messages.filter((m): m is Extract<AgentMessage, { type: "batch" }> => m.type === "batch"),
  };
  return runtime;
}

/**
 * FilterModel: the C filter of ./native-filter.ts in TypeScript, for the Frida stand-in
 * (runner/sandbox/runtime.ts), whose Node `vm` cannot compile C. Real Frida runs the C
 * (test/frida/native-target.test.ts); the stand-in's tests (test/agent/native.test.ts) run this.
 */
import { matches, NATIVE_ENTRIES, PATTERNS, type NativeEntry, type TRACK_HOWS } from "../catalogue/native.js";
import { MAX_FDS } from "./native-filter.js";

/** A call's values as the Frida stand-in passes them (strings for char *, objects for structs). */
export interface ModelCallbacks {
  enter(index: number, arg: unknown, returnAddress: unknown): number;
  /** A send on an Internet socket, before the bytes go (`addr`: sendto's destination, else null). */
  send(index: number, fd: number, buf: unknown, len: number, addr: unknown, returnAddress: unknown): number;
  leave(index: number, id: number, retval: unknown, error: number, extra: unknown): void;
  /** What getsockname says of a descriptor: true for AF_INET/AF_INET6. */
  isInetSocket(fd: number): boolean;
}

/** An interface getifaddrs returns, as the stand-in describes it: `hw` is its hardware address. */
export interface ModelInterface {
  readonly name: string;
  readonly hw?: string;
}

/**
 * The C filter, rule for rule, for the Frida stand-in: its values are the stand-in's (a
 * path is a string, getifaddrs' list an array of ModelInterface, a prop_info any object). Not
 * modelled: the quick rejections (the same answers, sooner) and the forked child's pass-through
 * (each of the stand-in's processes loads its own agent).
 */
export class FilterModel {
  private readonly guard = new Set<number>();
  private readonly props = new Map<unknown, string>();
  /** The C filter's socket table: what each descriptor was found to be, until forgotten. */
  private readonly sockets = new Map<number, boolean>();
  /** Descriptors the filter asked getsockname about (the C asks once per descriptor until it is forgotten). */
  asked = 0;
  private disabled = false;

  constructor(
    private readonly callbacks: ModelCallbacks,
    private readonly entries: readonly NativeEntry[] = NATIVE_ENTRIES,
  ) {}

  /**
   * FD_TRACK's functions, as the C's `track_before`/`track_after`: `forget` before and after;
   * `connect` marks argument 0 by the address (`inet`); `socket`/`accept` mark the descriptor
   * the call returned (`inet`: the domain is AF_INET/AF_INET6; for accept, the listening one is).
   */
  track(how: (typeof TRACK_HOWS)[number], fd: number, inet: boolean, run: () => unknown): void {
    if (how === "forget") this.sockets.delete(fd);
    const retval = run();
    if (how === "forget") this.sockets.delete(fd);
    else if (how === "connect") this.mark(fd, inet);
    else if (typeof retval === "number" && retval >= 0) this.mark(retval, how === "accept" ? this.isInet(fd) : inet);
  }

  /** pt_disable: the agent was disposed; every call passes through. */
  disable(): void {
    this.disabled = true;
  }

  /** pt_mark: what a descriptor is, as connect() or the agent found. */
  mark(fd: number, inet: boolean): void {
    if (fd >= 0 && fd < MAX_FDS) this.sockets.set(fd, inet);
  }

  /** One call of the function entry `index` is attached to; `run` is the function itself. */
  call(index: number, args: readonly unknown[], tid: number, returnAddress: unknown, run: () => { retval: unknown; errno: number }): void {
    const f = this.entries[index]!.filter;
    if (this.disabled) {
      run();
      return;
    }
    if (f.kind === "send") return this.send(index, f.addr, args, tid, returnAddress, run);
    if (this.guard.has(tid)) {
      run();
      return;
    }
    const arg = this.match(f, args);
    const deferred = f.kind === "prop-find" || f.kind === "ifaddrs";
    if (arg === null) {
      run();
      return;
    }
    this.guard.add(tid);
    let id = deferred ? -1 : this.callbacks.enter(index, arg, returnAddress);
    let out: { retval: unknown; errno: number };
    try {
      out = run();
    } finally {
      this.guard.delete(tid);
    }
    if (deferred) {
      if (f.kind === "prop-find" && !isNull(out.retval)) {
        this.props.set(out.retval, arg as string);
        return;
      }
      if (f.kind === "ifaddrs" && (out.retval !== 0 || !hasHardwareAddress(arg))) return;
      id = this.callbacks.enter(index, f.kind === "ifaddrs" ? null : arg, returnAddress);
    }
    if (id >= 0) this.callbacks.leave(index, id, out.retval, out.errno, f.kind === "prop" ? args[1] : null);
  }

  /** The C's `sent`: a send of at least one byte on an Internet socket, outside a guarded call. */
  private send(index: number, addr: 4 | undefined, args: readonly unknown[], tid: number, returnAddress: unknown, run: () => { retval: unknown; errno: number }): void {
    const fd = Number(args[0]);
    const len = Number(args[2]);
    const to = addr === undefined ? null : args[addr];
    const inet = to instanceof Uint8Array ? isInetFamily(to) : this.isInet(fd);
    if (!(len > 0) || !inet || this.guard.has(tid)) {
      run();
      return;
    }
    this.guard.add(tid);
    let out: { retval: unknown; errno: number };
    let id: number;
    try {
      id = this.callbacks.send(index, fd, args[1], Math.min(len, 0x7fffffff), addr === undefined ? null : (args[addr] ?? null), returnAddress);
      out = run();
    } finally {
      this.guard.delete(tid);
    }
    if (id >= 0) this.callbacks.leave(index, id, out.retval, out.errno, null);
  }

  private isInet(fd: number): boolean {
    if (fd < 0 || fd >= MAX_FDS) return false;
    let known = this.sockets.get(fd);
    if (known === undefined) {
      this.asked++;
      this.sockets.set(fd, (known = this.callbacks.isInetSocket(fd)));
    }
    return known;
  }

  private match(f: NativeEntry["filter"], args: readonly unknown[]): unknown {
    const arg = "arg" in f ? args[f.arg] : args[0];
    const str = typeof arg === "string" ? arg : null;
    switch (f.kind) {
      case "path":
        return str !== null && matches(str, PATTERNS.mac) ? str : null;
      case "prop":
      case "prop-find":
        return str !== null && matches(str, PATTERNS.serial) ? str : null;
      case "prop-read":
        return this.props.get(arg) ?? null;
      case "ioctl":
        return (Number(args[1]) >>> 0) === f.request ? (args[2] ?? null) : null;
      case "ifaddrs":
        return arg ?? null;
      case "send":
        return null; // handled by send()
    }
  }
}

/** A sockaddr's family (host order, little-endian here) is AF_INET (2) or AF_INET6 (10). */
export function isInetFamily(sockaddr: Uint8Array): boolean {
  const family = sockaddr[0]! | (sockaddr[1]! << 8);
  return family === 2 || family === 10;
}

function isNull(v: unknown): boolean {
  return v === null || v === undefined || v === 0;
}

function hasHardwareAddress(list: unknown): boolean {
  return Array.isArray(list) && (list as ModelInterface[]).some((i) => i.hw !== undefined && /[1-9a-f]/i.test(i.hw.replace(/:/g, "")));
}

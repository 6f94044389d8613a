/**
 * Native side channels: libc functions that read the same data as a Java API, bypassing it.
 * Data only, plus the one predicate that reads it (`matches`): agent/engine/native-filter.ts
 * compiles the same data into the C filter the agent installs, and the Frida stand-in
 * (runner/sandbox/runtime.ts) models that filter with `matches`.
 */
import type { Category } from "../../reports/trace/categories.js";

/**
 * A string pattern: `prefix`, then `middle`, then exactly `suffix`. `digits` is zero or more
 * decimal digits, `segment` one or more characters other than `/`. Simple enough to implement
 * identically in C and TypeScript (no regex engine in the filter).
 */
export interface Pattern {
  readonly prefix: string;
  readonly middle: "" | "digits" | "segment";
  readonly suffix: string;
}

/**
 * How the filter decides that a call reads an identifier:
 * - `path`: argument `arg` is a path matching `PATTERNS.mac`;
 * - `prop`: argument `arg` is a property name matching `PATTERNS.serial` (value in argument 1);
 * - `prop-find`: a look-up by name (`PATTERNS.serial`); the prop_info it returns is remembered,
 *   and recorded only when the look-up finds nothing (the modern path's empty outcome);
 * - `prop-read`: `__system_property_read_callback` on a remembered prop_info;
 * - `ioctl`: the request (argument 1) is `request`;
 * - `ifaddrs`: the list returned holds a hardware address (an AF_PACKET entry, non-zero);
 * - `send`: a write of `len` (argument 2) > 0 bytes from argument 1 on file descriptor argument 0
 *   that is an Internet socket (AF_INET or AF_INET6: known from connect() or sendto's address,
 *   else asked once per descriptor with getsockname; forgotten when the descriptor is closed);
 *   `addr` is the argument holding sendto's destination, if any.
 */
export type NativeFilter =
  | { readonly kind: "path" | "prop" | "prop-find"; readonly arg: 0 | 1 }
  | { readonly kind: "prop-read" }
  | { readonly kind: "ioctl"; readonly request: number }
  | { readonly kind: "ifaddrs" }
  | { readonly kind: "send"; readonly addr?: 4 };

/** A libc function that reads the same data as a Java API, bypassing it. */
export interface NativeEntry {
  readonly id: string;
  readonly symbol: string;
  readonly category: Category;
  readonly filter: NativeFilter;
}

const digits = (prefix: string): Pattern => ({ prefix, middle: "digits", suffix: "" });
const exact = (prefix: string): Pattern => ({ prefix, middle: "", suffix: "" });

export const PATTERNS = {
  /** Properties that hold the serial number, IMEI or MEID (OEMs' names included). */
  serial: [
    exact("ro.serialno"),
    exact("ro.boot.serialno"),
    exact("ril.serialnumber"),
    exact("gsm.device.id"),
    digits("persist.radio.imei"),
    digits("persist.radio.meid"),
    digits("ro.ril.oem.imei"),
    digits("ro.ril.oem.meid"),
    exact("persist.sys.imei"),
    exact("persist.sys.meid"),
  ],
  /** Files that hold a MAC address: an interface's address, the ARP table (neighbours' MACs). */
  mac: [{ prefix: "/sys/class/net/", middle: "segment", suffix: "/address" }, exact("/proc/net/arp")],
} as const satisfies Record<string, readonly Pattern[]>;

/** The C filter's twin (agent/engine/native-filter.ts, `pt_match`): the same rules, in TypeScript. */
export function matches(s: string, patterns: readonly Pattern[]): boolean {
  return patterns.some((p) => {
    if (!s.startsWith(p.prefix)) return false;
    let i = p.prefix.length;
    const start = i;
    if (p.middle === "digits") while (i < s.length && s[i]! >= "0" && s[i]! <= "9") i++;
    else if (p.middle === "segment") {
      while (i < s.length && s[i] !== "/") i++;
      if (i === start) return false;
    }
    return s.slice(i) === p.suffix;
  });
}

/** The identifier a property of PATTERNS.serial holds, for the egress matcher (agent/engine/egress.ts). */
export function propertyKind(name: string): "serial" | "imei" | "meid" {
  return name.includes("imei") || name === "gsm.device.id" ? "imei" : name.includes("meid") ? "meid" : "serial";
}

/** SIOCGIFHWADDR (linux/sockios.h): reads an interface's hardware address. */
export const SIOCGIFHWADDR = 0x8927;

const path = (arg: 0 | 1): NativeFilter => ({ kind: "path", arg });

export const NATIVE_ENTRIES: readonly NativeEntry[] = [
  { id: "native.libc.__system_property_get.serial", symbol: "__system_property_get", category: "phone_identifiers", filter: { kind: "prop", arg: 0 } },
  // The modern path (bionic since API 26): find the prop_info by name, then read it through a callback.
  { id: "native.libc.__system_property_find.serial", symbol: "__system_property_find", category: "phone_identifiers", filter: { kind: "prop-find", arg: 0 } },
  { id: "native.libc.__system_property_read_callback.serial", symbol: "__system_property_read_callback", category: "phone_identifiers", filter: { kind: "prop-read" } },
  { id: "native.libc.open.mac", symbol: "open", category: "network_identifiers", filter: path(0) },
  { id: "native.libc.openat.mac", symbol: "openat", category: "network_identifiers", filter: path(1) },
  // FORTIFY builds (the NDK default) call the checked variants.
  { id: "native.libc.__open_2.mac", symbol: "__open_2", category: "network_identifiers", filter: path(0) },
  { id: "native.libc.__openat_2.mac", symbol: "__openat_2", category: "network_identifiers", filter: path(1) },
  // Bionic's fopen calls open(): the filter's per-thread guard makes that one read, recorded here.
  { id: "native.libc.fopen.mac", symbol: "fopen", category: "network_identifiers", filter: path(0) },
  // Recorded only when the list carries a hardware address: apps targeting API 30+ get none.
  { id: "native.libc.getifaddrs.hwaddr", symbol: "getifaddrs", category: "network_identifiers", filter: { kind: "ifaddrs" } },
  { id: "native.libc.ioctl.SIOCGIFHWADDR", symbol: "ioctl", category: "network_identifiers", filter: { kind: "ioctl", request: SIOCGIFHWADDR } },
  // Native sends (issue 15 item 1): what native code (an SDK's own HTTP client, libcurl, Chromium's
  // net stack) writes to an Internet socket. Chromium's net stack sends with send(MSG_NOSIGNAL),
  // OpenSSL's socket BIO writes with write() (its `writesocket`); a UDP sender uses sendto. Java's
  // own socket writes reach send() too, inside a Java egress call: not recorded twice.
  { id: "native.libc.send.egress", symbol: "send", category: "network_egress", filter: { kind: "send" } },
  { id: "native.libc.sendto.egress", symbol: "sendto", category: "network_egress", filter: { kind: "send", addr: 4 } },
  { id: "native.libc.write.egress", symbol: "write", category: "network_egress", filter: { kind: "send" } },
];

/**
 * How FD_TRACK's functions keep the filter's socket table right (not recorded): `forget` — the
 * descriptor (argument 0) may next be anything; `connect` — an Internet address (argument 1)
 * makes it a socket; `socket` — the descriptor returned is one when the domain (argument 0) is
 * AF_INET/AF_INET6; `accept` — the descriptor returned is one when the listening one is.
 */
export const TRACK_HOWS = ["forget", "connect", "socket", "accept"] as const;

/**
 * Closes the filter does not see (glibc's internal `__close_nocancel`) can leave a stale bit: a
 * new socket is marked when created, accepted or connected; a file on a stale number is caught
 * by JavaScript. bionic's `close()` calls `android_fdsan_close_with_tag`, which libcore's
 * `Os.close` also calls directly (bionic libc/bionic/fdsan.cpp; libcore luni/src/main/native/
 * libcore_io_Linux.cpp, Linux_close): both are tracked. dup2/dup3 are left out (glibc's syscall
 * stubs are too short to intercept even by attach on x86-64 here).
 */
export const FD_TRACK: readonly { readonly symbol: string; readonly how: (typeof TRACK_HOWS)[number] }[] = [
  { symbol: "close", how: "forget" },
  { symbol: "android_fdsan_close_with_tag", how: "forget" },
  { symbol: "connect", how: "connect" },
  { symbol: "socket", how: "socket" },
  { symbol: "accept", how: "accept" },
  { symbol: "accept4", how: "accept" },
];

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
 * - `ifaddrs`: the list returned holds a hardware address (an AF_PACKET entry, non-zero).
 */
export type NativeFilter =
  | { readonly kind: "path" | "prop" | "prop-find"; readonly arg: 0 | 1 }
  | { readonly kind: "prop-read" }
  | { readonly kind: "ioctl"; readonly request: number }
  | { readonly kind: "ifaddrs" };

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
];

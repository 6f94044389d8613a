/**
 * Native side channels: libc functions that read the same data as a Java API, bypassing it.
 * Data only; agent/engine/native.ts installs them through Interceptor.
 */
import type { Category } from "../../reports/trace/categories.js";

/** A libc function that reads the same data as a Java API, bypassing it. */
export interface NativeEntry {
  readonly id: string;
  readonly symbol: string;
  readonly category: Category;
  /** Which argument holds the interesting string (a property name, a path), and what it must match. */
  readonly arg?: { readonly index: number; readonly match: RegExp };
  /** ioctl: the request code that reads a hardware address. */
  readonly request?: number;
}

const SERIAL_PROPS = /^(ro\.serialno|ro\.boot\.serialno|ril\.serialnumber|gsm\.device\.id|persist\.radio\.(imei|meid)\d*|ro\.ril\.oem\.(imei|meid)\d*|persist\.sys\.(imei|meid))$/;
const MAC_FILES = /^\/sys\/class\/net\/[^/]+\/address$|^\/proc\/net\/arp$/;
const SIOCGIFHWADDR = 0x8927;

export const NATIVE_ENTRIES: readonly NativeEntry[] = [
  { id: "native.libc.__system_property_get.serial", symbol: "__system_property_get", category: "phone_identifiers", arg: { index: 0, match: SERIAL_PROPS } },
  { id: "native.libc.open.mac", symbol: "open", category: "network_identifiers", arg: { index: 0, match: MAC_FILES } },
  { id: "native.libc.openat.mac", symbol: "openat", category: "network_identifiers", arg: { index: 1, match: MAC_FILES } },
  // FORTIFY builds (the NDK default) call the checked variants.
  { id: "native.libc.__open_2.mac", symbol: "__open_2", category: "network_identifiers", arg: { index: 0, match: MAC_FILES } },
  { id: "native.libc.__openat_2.mac", symbol: "__openat_2", category: "network_identifiers", arg: { index: 1, match: MAC_FILES } },
  { id: "native.libc.fopen.mac", symbol: "fopen", category: "network_identifiers", arg: { index: 0, match: MAC_FILES } },
  { id: "native.libc.getifaddrs", symbol: "getifaddrs", category: "network_identifiers" },
  { id: "native.libc.ioctl.SIOCGIFHWADDR", symbol: "ioctl", category: "network_identifiers", request: SIOCGIFHWADDR },
];


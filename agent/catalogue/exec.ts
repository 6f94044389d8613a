/**
 * Starting processes: SDKs run shell commands to read what the Java APIs guard (`getprop
 * ro.serialno`, `cat /sys/class/net/wlan0/address`, `pm list packages`, `settings get secure
 * android_id`). The runner does not gate an app's child processes, so the command line is read
 * here, where it is made.
 *
 * Which method: every `Runtime.exec` overload builds a ProcessBuilder and calls `start()`
 * (libcore `ojluni/src/main/java/java/lang/Runtime.java`, `exec(String[], String[], File)`), and
 * `ProcessBuilder.start()` hands the command array to the hidden static
 * `ProcessImpl.start(String[] cmdarray, Map environment, String dir, Redirect[] redirects,
 * boolean redirectErrorStream)` (libcore `ojluni/src/main/java/java/lang/ProcessBuilder.java`,
 * the private `start(Redirect[])`; read in LineageOS/android_libcore; OpenJDK 17 has the same
 * method, checked with reflection on the Debian JDK). Hooking it alone sees every exec and every
 * ProcessBuilder once, with the command as an array; the Java stack still shows which of the two
 * the app called, and from where.
 *
 * What is recorded: the `command` classifier (agent/engine/classifiers.ts) matches the command
 * against COMMANDS below and records only a match, in the matching rule's category. A command
 * that reads nothing listed (`ls`, `chmod`, `sh -c id`) is not personal data and is not recorded:
 * the trace has no category for "started a process". The summary is the program's name and the
 * rule that matched, with the rest of the command line as a word count and a length: a command
 * line can carry an identifier value (`sh -c "echo 8612… > f"`), so it never leaves.
 */
import type { Category } from "../../reports/trace/categories.js";
import { PATTERNS, type Pattern } from "./native.js";
import type { HookEntry } from "./types.js";

/**
 * A command that reads personal data. `program` is argv[0]'s base name (after a `busybox` or
 * `toybox` prefix); the command matches when its other words contain `words` in this order (not
 * necessarily next to each other: `settings get --user 0 secure android_id`), and, where set,
 * one of them matches `path` (a property or file name: the native side channel's patterns), or
 * `noArgs` and there is no other word.
 */
export interface CommandRule {
  readonly id: string;
  readonly program: string;
  readonly words?: readonly string[];
  readonly path?: readonly Pattern[];
  readonly noArgs?: true;
  /** A word is a content URI: the category is the provider's, as for ContentResolver calls. */
  readonly contentUri?: true;
  readonly category: Category;
}

const exact = (prefix: string): Pattern => ({ prefix, middle: "", suffix: "" });

/** Files that hold a hardware or SoC serial number (read by device-fingerprinting SDKs). */
export const SERIAL_FILES: readonly Pattern[] = [
  exact("/sys/devices/soc0/serial_number"),
  exact("/sys/class/android_usb/android0/iSerial"),
  exact("/proc/serial_num"),
];

const READERS = ["cat", "head", "tail", "more", "less", "strings", "od", "xxd", "hexdump"] as const;

/** Shells whose `-c <script>` is read as commands in turn. */
export const SHELLS: ReadonlySet<string> = new Set(["sh", "bash", "mksh", "ash", "su"]);

export const COMMANDS: readonly CommandRule[] = [
  // Properties: `getprop` alone prints every property, the serial and IMEI ones included.
  { id: "getprop-serial", program: "getprop", path: PATTERNS.serial, category: "phone_identifiers" },
  { id: "getprop-all", program: "getprop", noArgs: true, category: "phone_identifiers" },
  // Files: interface MAC addresses and the ARP table; SoC and USB serial numbers.
  ...READERS.map((program): CommandRule => ({ id: "read-mac-file", program, path: PATTERNS.mac, category: "network_identifiers" })),
  ...READERS.map((program): CommandRule => ({ id: "read-serial-file", program, path: SERIAL_FILES, category: "phone_identifiers" })),
  // Interfaces and neighbours with their hardware addresses.
  { id: "ifconfig", program: "ifconfig", category: "network_identifiers" },
  ...["link", "addr", "address", "a", "neigh", "neighbour", "neighbor"].map((w): CommandRule => ({ id: `ip-${w}`, program: "ip", words: [w], category: "network_identifiers" })),
  // Settings and identifiers through system services.
  { id: "settings-android_id", program: "settings", words: ["get", "secure", "android_id"], category: "device_identifiers" },
  { id: "settings-bluetooth_address", program: "settings", words: ["get", "secure", "bluetooth_address"], category: "bluetooth" },
  { id: "service-iphonesubinfo", program: "service", words: ["call", "iphonesubinfo"], category: "phone_identifiers" },
  { id: "dumpsys-iphonesubinfo", program: "dumpsys", words: ["iphonesubinfo"], category: "phone_identifiers" },
  // Other apps: the installed list, running processes, usage.
  { id: "pm-list-packages", program: "pm", words: ["list", "packages"], category: "installed_apps" },
  { id: "cmd-package-list", program: "cmd", words: ["package", "list", "packages"], category: "installed_apps" },
  { id: "dumpsys-package", program: "dumpsys", words: ["package"], category: "installed_apps" },
  { id: "ps", program: "ps", category: "running_apps" },
  { id: "top", program: "top", category: "running_apps" },
  { id: "dumpsys-activity", program: "dumpsys", words: ["activity"], category: "running_apps" },
  { id: "dumpsys-usagestats", program: "dumpsys", words: ["usagestats"], category: "usage_stats" },
  // Service dumps that carry location, scans, accounts.
  { id: "dumpsys-location", program: "dumpsys", words: ["location"], category: "location" },
  { id: "dumpsys-wifi", program: "dumpsys", words: ["wifi"], category: "wifi_scan" },
  { id: "cmd-wifi-scan", program: "cmd", words: ["wifi", "list-scan-results"], category: "wifi_scan" },
  { id: "dumpsys-bluetooth", program: "dumpsys", words: ["bluetooth_manager"], category: "bluetooth" },
  { id: "dumpsys-account", program: "dumpsys", words: ["account"], category: "accounts" },
  // The `content` tool queries providers like ContentResolver does.
  { id: "content", program: "content", contentUri: true, category: "contacts" },
];

const NON_PUBLIC = "hidden libcore method that Runtime.exec and ProcessBuilder.start end in";

export const EXEC: readonly HookEntry[] = [
  { id: "exec.ProcessBuilder.start", className: "java.lang.ProcessImpl", method: "start", overloads: "all", minApi: 24, category: "phone_identifiers", classify: "command", args: ["omit"], ret: "type", nonPublic: NON_PUBLIC, ref: "libcore ojluni/src/main/java/java/lang/ProcessBuilder.java" },
];

import type { KnownValue } from "../../agent/protocol.js";
import type { Exec } from "../commands/doctor.js";
import { realExec } from "../commands/doctor.js";
import type { DeviceActions } from "../scenario/executor.js";
import { PermtraceError } from "../../reports/errors.js";

/** An adb command that failed, with its output. */
export class AdbError extends PermtraceError {}

/**
 * The device side of scenario steps through adb: keys, screen, permissions, app data. Launching
 * is the frida session's (spawn with the agent loaded), given as `launch`.
 */
export class AdbActions implements DeviceActions {
  constructor(
    private readonly serial: string,
    private readonly packageName: string,
    /** Starts the app through frida (spawn → load agent → resume). */
    private readonly spawn: () => Promise<void>,
    private readonly exec: Exec = realExec,
  ) {}

  private async adb(...args: string[]): Promise<string> {
    const r = await this.exec("adb", ["-s", this.serial, ...args]);
    if (!r.ok) {
      throw new AdbError(`adb ${args.join(" ")} failed: ${(r.stderr || r.stdout).trim().split("\n")[0] ?? ""}`, {
        where: `device ${this.serial}`,
        fix: r.missing ? "install adb (Debian: apt-get install adb)" : "check the device is attached and authorised (`permtrace doctor`)",
      });
    }
    return r.stdout;
  }

  private key(code: string): Promise<string> {
    return this.adb("shell", "input", "keyevent", code);
  }

  async launch(clearData: boolean): Promise<void> {
    await this.adb("shell", "am", "force-stop", this.packageName);
    if (clearData) await this.adb("shell", "pm", "clear", this.packageName);
    await this.spawn();
  }

  async back(): Promise<void> {
    await this.key("KEYCODE_BACK");
  }

  async home(): Promise<void> {
    await this.key("KEYCODE_HOME");
  }

  /** Back to the app without a new process: the launcher intent brings its task to the front. */
  async bringToFront(): Promise<void> {
    await this.adb("shell", "monkey", "-p", this.packageName, "-c", "android.intent.category.LAUNCHER", "1");
  }

  async screenOff(): Promise<void> {
    await this.key("KEYCODE_SLEEP");
  }

  async screenOn(): Promise<void> {
    await this.key("KEYCODE_WAKEUP");
    await this.adb("shell", "wm", "dismiss-keyguard");
  }

  async grant(permission: string): Promise<void> {
    await this.adb("shell", "pm", "grant", this.packageName, permission);
  }

  async revoke(permission: string): Promise<void> {
    await this.adb("shell", "pm", "revoke", this.packageName, permission);
  }
}

/** What `permtrace run` learned of the device's identifiers before launch, and what it could not read. */
export interface DeviceValues {
  readonly values: readonly KnownValue[];
  /** One line per identifier adb refused or did not have: a send of it is caught only after a hooked read. */
  readonly warnings: readonly string[];
}

/**
 * The identifiers adb's shell may read (issue 15 item 3): `settings get secure android_id` (on
 * Android 8+ an app's Android ID is scoped to its signing key, so the shell's value may not be the
 * app's: a match of it is still a device identifier sent), `getprop ro.serialno` (empty where the
 * vendor's SELinux policy closes it to the shell) and the Wi-Fi MAC from sysfs (closed to the
 * shell on many Android 11+ builds). Each is best effort: a refusal is a warning line, never an error.
 */
const READS: readonly { readonly kind: string; readonly what: string; readonly args: readonly string[] }[] = [
  { kind: "android_id", what: "Android ID", args: ["shell", "settings", "get", "secure", "android_id"] },
  { kind: "serial", what: "serial number", args: ["shell", "getprop", "ro.serialno"] },
  { kind: "mac", what: "Wi-Fi MAC", args: ["shell", "cat", "/sys/class/net/wlan0/address"] },
];

/** Values a shell prints instead of a value. */
const NO_VALUE = /^(|null|unknown|0+|02:00:00:00:00:00)$/i;

/** Reads the device's identifiers over adb before launch; never throws. */
export async function readDeviceValues(serial: string, exec: Exec = realExec): Promise<DeviceValues> {
  const values: KnownValue[] = [];
  const warnings: string[] = [];
  for (const r of READS) {
    const out = await exec("adb", ["-s", serial, ...r.args]).catch((e: unknown) => ({ ok: false, stdout: "", stderr: String(e), missing: false }));
    const value = out.stdout.trim().split("\n")[0]?.trim() ?? "";
    // adb shell passes the command's exit status only on newer devices: a refusal may come as output.
    const refused = !out.ok || /denied|not found|no such file|error/i.test(value);
    if (!refused && !NO_VALUE.test(value)) {
      values.push({ kind: r.kind, value });
      continue;
    }
    const why = out.missing ? "adb is not installed" : refused ? ((out.stderr || out.stdout).trim().split("\n")[0] ?? "refused").slice(0, 120) : "no value";
    warnings.push(`device ${serial}: could not read the ${r.what} over adb (${why}): a send of it is caught only after a hooked read`);
  }
  return { values, warnings };
}

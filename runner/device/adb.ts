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

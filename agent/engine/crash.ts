import type { Installer } from "./installer.js";

/**
 * Sends what is buffered before the process dies. Frida calls the script's dispose on unload,
 * `exit()` and exec, but a crash, a force-stop and the low-memory killer end the process with
 * SIGKILL, and up to one flush interval of calls would be lost. An uncaught exception reaches
 * `Thread.dispatchUncaughtException` (libcore and OpenJDK alike) before the default handler
 * (Android's RuntimeInit$KillApplicationHandler) kills the process; the app's own end goes
 * through `Process.killProcess`. Both flush before the original runs. Internal hooks: no
 * coverage row, no record of their own.
 */
export function installCrashFlush(installer: Installer, flush: () => void): void {
  const before = (): void => {
    flush();
  };
  installer.add({ className: "java.lang.Thread", method: "dispatchUncaughtException", overloads: [["java.lang.Throwable"]], handler: before });
  installer.add({ className: "android.os.Process", method: "killProcess", overloads: [["int"]], handler: before });
}

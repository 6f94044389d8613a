import type { Installer } from "./installer.js";

/**
 * Sends what is buffered before the process dies. Frida calls the script's dispose on unload,
 * `exit()` and exec (frida-core lib/payload/exit-monitor.vala), but a crash, a force-stop and the
 * low-memory killer end the process with SIGKILL, and up to one flush interval of calls would be
 * lost. An uncaught exception reaches `Thread.dispatchUncaughtException` (libcore and OpenJDK
 * alike) before the default handler (Android's RuntimeInit$KillApplicationHandler) reports the
 * crash to the system over Binder and kills the process: the batch leaves meanwhile. The app
 * killing itself goes through `Process.killProcess(myPid())`, which sends SIGKILL at once; `send()`
 * only queues the message for the agent's own loop (frida-gum bindings/gumjs/gumquickscript.c),
 * so the calling thread waits a moment for it to go. Internal hooks: no coverage row, no record
 * of their own.
 */
export function installCrashFlush(installer: Installer, flush: () => number): void {
  installer.add({ className: "java.lang.Thread", method: "dispatchUncaughtException", overloads: [["java.lang.Throwable"]], handler: () => void flush() });
  installer.add({
    className: "android.os.Process",
    method: "killProcess",
    overloads: [["int"]],
    handler: (_self, args) => {
      if (args[0] !== Process.id) return;
      if (flush() > 0) Thread.sleep(0.1);
    },
  });
}

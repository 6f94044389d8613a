/**
 * Programs the shim's `device.spawn(identifier)` starts itself instead of asking frida to spawn
 * them. A JVM cannot be instrumented before it has loaded libjvm (frida-java-bridge needs a
 * running VM), so the Java target starts, prints "ready" and waits for "go" on stdin: its
 * launcher returns the pid and a `resume` that writes "go". Unregistered programs go to real
 * frida's spawn (suspended at entry) and resume.
 */
export interface Launched {
  readonly pid: number;
  resume(): Promise<void>;
}

export type Launcher = () => Promise<Launched>;

const launchers = new Map<string, Launcher>();

export function registerLauncher(identifier: string, start: Launcher): void {
  launchers.set(identifier, start);
}

export function unregisterLauncher(identifier: string): void {
  launchers.delete(identifier);
}

/** The launcher registered for an identifier, if any (used by the shim's spawn). */
export function launcherFor(identifier: string): Launcher | undefined {
  return launchers.get(identifier);
}

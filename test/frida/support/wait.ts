import { readFileSync } from "node:fs";

/** Polls `cond` every 50 ms; past `ms`, fails naming what it waited for (and `detail()`, what was seen). */
export async function waitFor(what: string, cond: () => boolean, o: { ms?: number; detail?: () => string } = {}): Promise<void> {
  const end = Date.now() + (o.ms ?? 20_000);
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}${o.detail ? `; ${o.detail()}` : ""}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Whether a process exists and is not a zombie. */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return !readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.startsWith("Z");
  } catch {
    return false;
  }
}

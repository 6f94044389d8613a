import { mkdirSync, rmdirSync, statSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { PermtraceError } from "../reports/errors.js";

/**
 * Checks, before any work, that an output directory can be created where the user asked.
 * Node's `mkdirSync(p, {recursive: true})` retries for ever when a parent exists but refuses
 * children with ENOENT (`/proc/…`): 100% CPU, no output. So the first missing level is created
 * once, without `recursive`, and removed again: a refusal becomes one line naming the flag.
 * An existing directory passes; an existing file, or a file on the way, is refused.
 */
export function checkOutDir(path: string, flag = "--out"): void {
  const fail = (problem: string): never => {
    // Exit 3 like the other file-system refusals of an --out (an existing file in the way).
    throw new PermtraceError(problem, { where: flag, fix: `choose another ${flag}` });
  };
  let missing: string | undefined;
  let at = resolve(path);
  for (;;) {
    const st = statSync(at, { throwIfNoEntry: false });
    if (st) {
      if (!st.isDirectory()) fail(`${at} is not a directory${missing ? `, so ${path} cannot be created in it` : ""}`);
      break;
    }
    missing = at;
    const up = dirname(at);
    if (up === at) break;
    at = up;
  }
  if (!missing) return;
  try {
    mkdirSync(missing);
    rmdirSync(missing);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? "an error";
    fail(`${path} cannot be created: ${dirname(missing)} does not take a new directory (${code})`);
  }
}

/** An output file (diff --out) goes into an existing directory: a missing one is named, not ENOENT. */
export function checkOutFile(path: string, flag = "--out"): void {
  const parent = dirname(resolve(path));
  const st = statSync(parent, { throwIfNoEntry: false });
  if (!st?.isDirectory()) throw new PermtraceError(`${parent} is not a directory${st ? "" : " (it does not exist)"}`, { where: flag, fix: `create it first, or choose another ${flag}` });
  if (statSync(path, { throwIfNoEntry: false })?.isDirectory()) throw new PermtraceError(`${path} is a directory`, { where: flag, fix: `name a file, e.g. ${flag} ${path.replace(/\/$/, "")}/diff.txt` });
}

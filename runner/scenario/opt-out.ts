/**
 * The `optOut` step: what the user opted out of, resolved when the suite is loaded (so a party name
 * that matches no SDK is an error on its line, not a rule that never fires), and the `opt_out`
 * marker it writes (docs/trace-format.md).
 */
import type { Category } from "../../reports/trace/categories.js";
import type { Marker } from "../../reports/trace/format.js";
import { catalogueNames } from "../../reports/profile.js";

interface OptOutObject {
  readonly purpose?: string;
  readonly parties?: readonly string[];
  readonly categories?: readonly Category[];
}

/** A party as the step names it → the party keys the rules use: `app`, `sdk:<id>` (each member of a family), `pkg:<package>`. */
function partyKeys(name: string): string[] | { problem: string; fix: string } {
  if (name === "app") return ["app"];
  // An unknown party's key is its package's first three segments (reports/sdk/attribution.ts).
  if (name.startsWith("pkg:") && name.length > 4) return [`pkg:${name.slice(4).split(".").slice(0, 3).join(".")}`];
  const index = catalogueNames();
  const byId = index.entry(name);
  if (byId) return [`sdk:${byId.id}`];
  const r = index.resolve({ name });
  if ("problem" in r) return { problem: `optOut: party ${r.problem.replace(/^SDK /, "")}`, fix: `${r.fix}; \`app\` is the app itself, \`pkg:<package>\` an uncatalogued package` };
  return r.entries.map((e) => `sdk:${e.id}`);
}

/** The step's value with its parties resolved to keys; `fail` names the step's line. */
export function resolveOptOut(value: unknown, fail: (problem: string, fix: string) => never): unknown {
  if (Array.isArray(value) || value === null || typeof value !== "object") return value;
  const o = value as OptOutObject;
  if (!o.parties) return value;
  const keys: string[] = [];
  for (const name of o.parties) {
    const k = partyKeys(name);
    if (!Array.isArray(k)) fail(k.problem, k.fix);
    for (const key of k) if (!keys.includes(key)) keys.push(key);
  }
  return { ...o, parties: keys };
}

/** The marker fields of a (resolved) optOut value. */
export function optOutMarker(p: unknown): Pick<Marker, "categories" | "purpose" | "parties"> {
  if (Array.isArray(p)) return p.length > 0 ? { categories: p as Category[] } : {};
  if (p === null || typeof p !== "object") return {};
  const o = p as OptOutObject;
  return {
    ...(o.categories && o.categories.length > 0 ? { categories: o.categories } : {}),
    ...(o.purpose ? { purpose: o.purpose } : {}),
    ...(o.parties && o.parties.length > 0 ? { parties: o.parties } : {}),
  };
}

import { CATALOGUE, CATALOGUE_VERSION } from "../../agent/catalogue/index.js";
import { NATIVE_ENTRIES } from "../../agent/catalogue/native.js";

export interface HookRow {
  readonly id: string;
  readonly target: string;
  readonly category: string;
  readonly permission?: string;
  readonly api?: string;
  readonly nonPublic?: string;
}

/** The agent's catalogue as rows: Java hooks, then native side channels and sends. */
export function hookRows(): HookRow[] {
  const java = CATALOGUE.map((e) => ({
    id: e.id,
    target: `${e.className}.${e.method}${e.overloads === "all" ? "(*)" : e.overloads.map((o) => `(${o.join(", ")})`).join(" ")}`,
    category: e.category,
    ...(e.permission ? { permission: e.permission } : {}),
    ...(e.minApi !== undefined || e.maxApi !== undefined ? { api: `${e.minApi ?? ""}–${e.maxApi ?? ""}` } : {}),
    ...(e.nonPublic ? { nonPublic: e.nonPublic } : {}),
  }));
  return [...java, ...NATIVE_ENTRIES.map((n) => ({ id: n.id, target: `libc ${n.symbol}`, category: n.category }))];
}

/** `permtrace hooks [--json]`. */
export function renderHooks(json: boolean): string {
  const rows = hookRows();
  if (json) return `${JSON.stringify({ catalogueVersion: CATALOGUE_VERSION, hooks: rows }, null, 2)}\n`;
  const width = Math.max(...rows.map((r) => r.id.length));
  const lines = rows.map((r) => `${r.id.padEnd(width)}  ${r.category.padEnd(20)} ${r.permission?.replace("android.permission.", "") ?? "-"}${r.api ? `  API ${r.api}` : ""}${r.nonPublic ? "  [non-public]" : ""}`);
  return `${lines.join("\n")}\n${rows.length} hooks (catalogue ${CATALOGUE_VERSION})\n`;
}

/**
 * Every Java source of the target: the stubs generated from the catalogue (stub-model.ts,
 * emit-java.ts), the generated call script (call-script.ts) and the hand-written classes in src/
 * (the stand-ins the agent reads for context, and the harness). Nothing generated is committed.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { callScript, LATE_CLASSES, type CallSpec } from "./call-script.js";
import { emitJava } from "./emit-java.js";
import { buildStubModel } from "./stub-model.js";

export const HAND_SOURCES = fileURLToPath(new URL("./src", import.meta.url));

/** The plugin's IdSupplier implementations: the MSA SDK's (known by name to the catalogue) and a vendor's. */
export const LATE_SUPPLIERS: readonly string[] = ["com.bun.miitmdid.pojo.IdSupplierImpl", "com.example.app.plugin.VendorSupplier"];

/** Classes only the plugin loader may define (not on the class path), as class-file paths. */
export const LATE_CLASS_FILES: readonly string[] = [...LATE_CLASSES, ...LATE_SUPPLIERS, "com.example.app.plugin.LocationFeature", "com.example.app.plugin.OaidSetup"].map((c) => `${c.replace(/\./g, "/")}.class`);

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? walk(p) : [p];
  });
}

export interface TargetSources {
  /** Source path (under the source root) → text. */
  readonly files: Map<string, string>;
  readonly calls: CallSpec[];
}

export async function generateSources(): Promise<TargetSources> {
  const model = await buildStubModel();
  const files = emitJava(model.classes);
  const script = callScript(model);
  files.set("com/example/app/Calls.java", script.source);
  for (const p of walk(HAND_SOURCES).filter((f) => f.endsWith(".java"))) files.set(relative(HAND_SOURCES, p), readFileSync(p, "utf8"));
  return { files, calls: script.calls };
}

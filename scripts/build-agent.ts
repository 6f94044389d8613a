/**
 * `npm run build:agent`: bundles agent/ (with frida-java-bridge, which Frida 17 no longer ships)
 * into one script the runner loads with frida: dist/agent/permtrace-agent.js. Type-checking is
 * tsc's job (`tsc -p agent/tsconfig.json`), bundling esbuild's.
 */
import { build } from "esbuild";
import { statSync } from "node:fs";

const outfile = process.argv[2] ?? "dist/agent/permtrace-agent.js";
await build({
  entryPoints: ["agent/index.ts"],
  bundle: true,
  format: "iife",
  platform: "neutral",
  mainFields: ["module", "main"],
  target: "es2022",
  // frida-java-bridge imports Node's `buffer`: Frida's own port stands in for it.
  alias: { buffer: "@frida/buffer" },
  outfile,
  legalComments: "inline",
  logLevel: "warning",
});
process.stdout.write(`agent bundle: ${outfile} (${Math.round(statSync(outfile).size / 1024)} KiB)\n`);

#!/usr/bin/env node
// The permtrace command. The TypeScript sources are compiled to dist/ by `npm run build`
// (run automatically by `npm ci` / `npm install` through the `prepare` script).
import { existsSync } from "node:fs";

const entry = new URL("../dist/runner/cli.js", import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write("permtrace: dist/ is missing — run `npm run build` (or `npm ci`) in the permtrace folder first\n");
  process.exit(2);
}
const { main } = await import(entry.href);
process.exitCode = await main(process.argv.slice(2));

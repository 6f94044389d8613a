// Runs `npm run build` only when a source is newer than the build's last output (the agent bundle,
// written last, so a build that failed half-way counts as stale). Plain JavaScript: it runs before
// dist/ exists. `npm run gen:trace` rebuilt everything on every call: 10 s for 0.6 s of work.
import { spawnSync } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";

const STAMP = "dist/agent/permtrace-agent.js";
const SOURCES = ["agent", "reports", "runner", "scenarios", "scripts", "test/support"];
const CONFIGS = ["package.json", "package-lock.json", "tsconfig.json", "tsconfig.build.json", "agent/tsconfig.json"];

function newest(path) {
  const st = statSync(path, { throwIfNoEntry: false });
  if (!st) return 0;
  if (!st.isDirectory()) return st.mtimeMs;
  let t = 0;
  for (const e of readdirSync(path)) if (e !== "node_modules") t = Math.max(t, newest(join(path, e)));
  return t;
}

const built = statSync(STAMP, { throwIfNoEntry: false })?.mtimeMs ?? 0;
const sources = Math.max(...SOURCES.map(newest), ...CONFIGS.map(newest));
if (sources > built) {
  const r = spawnSync("npm", ["run", "-s", "build"], { stdio: "inherit" });
  process.exit(r.status ?? 1);
}

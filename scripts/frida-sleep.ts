/**
 * Runs a piece of the agent's engine inside real Frida, out of the agent: `entry` (TypeScript
 * importing from agent/engine/) is bundled with esbuild, loaded in QuickJS into a `sleep` process
 * through PyPI's frida (the venv `npm run setup:frida` makes; needs root), and each of `calls` —
 * an RPC export's name and its arguments, `spec` standing for the spec given here — is answered
 * in turn. For measurements and tests of engine parts that need Frida's runtime (CModule,
 * ArrayBuffer.unwrap): scripts/bench-matcher.ts, test/frida/matcher-native.test.ts.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { build } from "esbuild";

const DRIVER = `
import frida, json, subprocess, sys, time
spec = json.load(sys.stdin)
target = subprocess.Popen(["sleep", "600"])
try:
    time.sleep(0.2)
    session = frida.attach(target.pid)
    script = session.create_script(open(spec["bundle"]).read(), runtime="qjs")
    script.load()
    out = []
    for name, args in spec["calls"]:
        out.append(getattr(script.exports_sync, name)(*[spec["spec"] if a == "$spec" else a for a in args]))
    print(json.dumps(out))
    script.unload()
    session.detach()
finally:
    target.kill()
`;

/** What each call returned, in order; throws with frida's last error line when the driver fails. */
export async function runInFridaSleep(python: string, engineDir: string, entry: string, spec: unknown, calls: readonly (readonly [string, readonly unknown[]])[], timeoutMs = 300_000): Promise<unknown[]> {
  const dir = mkdtempSync(join(tmpdir(), "frida-sleep-"));
  try {
    const bundle = join(dir, "script.js");
    await build({ stdin: { contents: entry, resolveDir: engineDir, loader: "ts" }, bundle: true, format: "iife", platform: "neutral", target: "es2022", outfile: bundle, logLevel: "warning" });
    const input = JSON.stringify({ bundle, spec, calls: calls.map(([name, args]) => [name, args.map((a) => (a === spec ? "$spec" : a))]) });
    const child = spawnSync(python, ["-c", DRIVER], { input, encoding: "utf8", timeout: timeoutMs });
    if (child.status !== 0) throw new Error(`the Frida driver failed (${child.status}): ${child.stderr.trim().split("\n").pop()}`);
    return JSON.parse(child.stdout) as unknown[];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Builds the target of test/frida/okhttp-async.test.ts with JDK 17's javac into a cache folder
 * keyed by a hash of its sources: `src/` (the harness and the platform stand-ins it needs, with
 * test/frida/java's BaseDexClassLoader) into
 * `classes`, `sdk/` (Umeng's sender and the app's tile fetcher, compiled against real OkHttp
 * 4.12.0 from ~/.m2) into the folder the harness's class loader reads, and OkHttp unpacked by
 * test/frida/java/okhttp-jars.ts. The result runs under test/frida/support/java-target.ts
 * (`com.example.app.Main`, with the SDK's folder as its argument).
 */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { OKHTTP_JARS, provideOkHttp } from "../java/okhttp-jars.js";
import type { JavaBuild } from "../support/java-target.js";

const HERE = dirname(fileURLToPath(import.meta.url));

function javaFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? javaFiles(join(dir, e.name)) : e.name.endsWith(".java") ? [join(dir, e.name)] : []));
}

/** Builds (or finds built) the target; OkHttp's jars must be in ~/.m2 (missingOkHttpJars()). */
export function buildAsyncTarget(javaHome: string): JavaBuild {
  // With the Java target's BaseDexClassLoader stand-in, which the agent's loader watch hooks.
  const src = [...javaFiles(join(HERE, "src")), join(HERE, "..", "java", "src", "dalvik", "system", "BaseDexClassLoader.java")];
  const sdk = javaFiles(join(HERE, "sdk"));
  const hash = createHash("sha256");
  for (const f of [...src, ...sdk].sort()) hash.update(`${relative(HERE, f)}\0${readFileSync(f, "utf8")}\0`);
  hash.update(javaHome);
  const root = join(tmpdir(), "permtrace-okhttp-async", hash.digest("hex").slice(0, 16));
  const build: JavaBuild = { root, classes: join(root, "classes"), late: join(root, "sdk"), calls: [], javaHome };
  if (!existsSync(join(root, "built"))) {
    rmSync(root, { recursive: true, force: true });
    mkdirSync(root, { recursive: true });
    const javac = join(javaHome, "bin", "javac");
    const opts = { stdio: ["ignore", "pipe", "pipe"] as ("ignore" | "pipe")[] };
    execFileSync(javac, ["-nowarn", "-encoding", "UTF-8", "-d", build.classes, ...src], opts);
    const jars = OKHTTP_JARS.map((j) => join(homedir(), ".m2", "repository", j));
    execFileSync(javac, ["-nowarn", "-encoding", "UTF-8", "-cp", [build.classes, ...jars].join(":"), "-d", build.late, ...sdk], opts);
    writeFileSync(join(root, "built"), "");
  }
  provideOkHttp(build);
  return build;
}

/**
 * The MSA SDK's IdSupplierImpl defined twice, by two class loaders (a host and a plugin that ship
 * the SDK each), on a real HotSpot JVM under real Frida through the runner's own path
 * (FridaBackend → instrumentApp → AgentSink → TraceWriter): the pass after InitSdk finds both
 * classes, and each loader's getOAID is hooked and recorded with its own value (issue 16 review:
 * keyed by name, the second class was skipped while coverage said "hooked").
 * Two URLClassLoaders stand in for the plugin loaders: on HotSpot the agent's loader watch
 * (dalvik.system.* constructors) sees neither, so only the pass after InitSdk finds them.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TRACE_FILES, type CallEvent } from "../../../reports/trace/format.js";
import { TraceWriter } from "../../../reports/trace/writer.js";
import { AgentSink } from "../../../runner/agent-sink.js";
import { FridaBackend } from "../../../runner/device/frida-backend.js";
import { instrumentApp, releaseDevice } from "../../../runner/device/session.js";
import { jdk17, realSuite, REPO } from "../prereq.js";
import { closeAll, registerLauncher, unregisterLauncher } from "../shim/frida.js";
import { JavaProcess } from "./two-loaders-target.js";

const suite = realSuite("two class loaders defining IdSupplierImpl on real Frida (test/frida/java/two-loaders.test.ts)", ["frida", "jdk"]);
const APP = "com.example.twoloaders";
const IFACE = "com.bun.miitmdid.interfaces.IdSupplier";
const IMPL = "com.bun.miitmdid.pojo.IdSupplierImpl";

const SOURCES: Record<string, string> = {
  [`base/${IFACE.replace(/\./g, "/")}.java`]: "package com.bun.miitmdid.interfaces;\npublic interface IdSupplier { boolean isSupported(); String getOAID(); String getVAID(); String getAAID(); }\n",
  "base/com/bun/miitmdid/core/MdidSdkHelper.java": "package com.bun.miitmdid.core;\npublic class MdidSdkHelper { public static int InitSdk(Object ctx, boolean log) { return 0; } }\n",
  "base/demo/Main.java": `package demo;
import java.io.*; import java.net.*;
import com.bun.miitmdid.interfaces.IdSupplier;
public class Main {
  public static void main(String[] a) throws Exception {
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in));
    System.out.println("ready"); System.out.flush();
    in.readLine();
    IdSupplier s1 = load(a[0]), s2 = load(a[1]);
    com.bun.miitmdid.core.MdidSdkHelper.InitSdk(null, false);
    // The bridge installs a JVM replacement on the script's next tick: the test says when.
    System.out.println("phase oaid"); System.out.flush();
    in.readLine();
    System.out.println("oaid1 " + s1.getOAID());
    System.out.println("oaid2 " + s2.getOAID());
    System.out.println("done"); System.out.flush();
    in.readLine();
    System.exit(0);
  }
  static IdSupplier load(String dir) throws Exception {
    URLClassLoader l = new URLClassLoader(new URL[] { new File(dir).toURI().toURL() }, Main.class.getClassLoader());
    return (IdSupplier) l.loadClass("${IMPL}").getDeclaredConstructor().newInstance();
  }
}
`,
};
const impl = (n: number): string => `package com.bun.miitmdid.pojo;
public class IdSupplierImpl implements com.bun.miitmdid.interfaces.IdSupplier {
  public boolean isSupported() { return true; }
  public String getOAID() { return "oaid-from-loader-${n}"; }
  public String getVAID() { return "v${n}"; }
  public String getAAID() { return "a${n}"; }
}
`;

/** Compiles the program: base classes, and one IdSupplierImpl per loader folder. */
function build(javaHome: string): { root: string; classes: string; loaders: string[] } {
  const root = mkdtempSync(join(tmpdir(), "permtrace-two-loaders-"));
  const files = { ...SOURCES, "l1/IdSupplierImpl.java": impl(1), "l2/IdSupplierImpl.java": impl(2) };
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, "src", path)), { recursive: true });
    writeFileSync(join(root, "src", path), text);
  }
  const javac = (out: string, cp: string[], srcs: string[]): void =>
    void execFileSync(join(javaHome, "bin", "javac"), ["-nowarn", "-d", join(root, out), ...(cp.length ? ["-cp", cp.join(":")] : []), ...srcs.map((s) => join(root, "src", s))], { stdio: ["ignore", "pipe", "pipe"] });
  javac("classes", [], Object.keys(SOURCES));
  for (const l of ["l1", "l2"]) javac(l, [join(root, "classes")], [`${l}/IdSupplierImpl.java`]);
  return { root, classes: join(root, "classes"), loaders: [join(root, "l1"), join(root, "l2")] };
}

describe.skipIf(!suite.run)("two class loaders defining the same IdSupplier implementation (real Frida, HotSpot)", () => {
  let calls: CallEvent[] = [];
  let lines: string[] = [];
  let coverage: AgentSink["coverage"] = [];

  beforeAll(async () => {
    const javaHome = jdk17().javaHome!;
    const b = build(javaHome);
    const device = await new FridaBackend().open({ serial: "local" });
    const dir = mkdtempSync(join(tmpdir(), "permtrace-two-loaders-trace-"));
    const writer = new TraceWriter(dir, { tool: { name: "permtrace", version: "test" }, device: { kind: device.kind, id: device.id, model: device.name }, app: { package: APP } });
    let sink: AgentSink | undefined;
    let target: JavaProcess | undefined;
    registerLauncher(APP, async () => {
      target = new JavaProcess(join(javaHome, "bin", "java"), ["-Xshare:off", "-cp", b.classes, "demo.Main", ...b.loaders], b.root);
      await target.waitFor((l) => l === "ready");
      return { pid: target.pid, resume: async () => target!.send("go") };
    });
    try {
      const app = await instrumentApp(device, APP, readFileSync(join(REPO, "dist", "agent", "permtrace-agent.js"), "utf8"), { appPackage: APP, salt: "s", include: ["ids."] }, {
        message: (pid, m) => (sink ??= new AgentSink(writer, { pid, clockOffset: () => 0 })).onMessage(m),
        scriptError: () => undefined,
        detached: () => undefined,
      });
      await target!.waitFor((l) => l === "phase oaid");
      const end = Date.now() + 5_000;
      while (!(sink?.coverage ?? []).some((r) => r.hook === "ids.IdSupplier.getOAID" && (r.reason ?? "").includes("2 class loaders")) && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
      target!.send("continue");
      await target!.waitFor((l) => l === "done");
      await app.flush();
      target!.send("exit");
      await target!.exited;
      await app.stop(false);
      sink?.close();
      writer.close();
      lines = target!.lines;
      coverage = sink?.coverage ?? [];
      calls = readFileSync(join(dir, TRACE_FILES.calls), "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l) as CallEvent);
    } finally {
      unregisterLauncher(APP);
      await releaseDevice(device);
      await target?.kill();
    }
  });

  afterAll(async () => {
    await closeAll();
  });

  it("hooks getOAID in both loaders' IdSupplierImpl and records each read with its own value", () => {
    expect(lines.filter((l) => l.startsWith("oaid"))).toEqual(["oaid1 oaid-from-loader-1", "oaid2 oaid-from-loader-2"]);
    expect(coverage.find((r) => r.hook === "ids.IdSupplier.getOAID")).toEqual({ hook: "ids.IdSupplier.getOAID", status: "hooked", reason: `in 2 classes implementing ${IFACE}: ${IMPL} (in 2 class loaders)` });
    const reads = calls.filter((c) => c.hook === "ids.IdSupplier.getOAID");
    expect(reads).toHaveLength(2);
    expect(new Set(reads.map((c) => c.ret)).size).toBe(2);
  });
});

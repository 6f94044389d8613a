/**
 * The harness's script of catalogue calls, generated with the stubs: every overload of every
 * catalogue entry the stubs define, called once from the app's own class (com.example.app.Calls)
 * with arguments that make the entry's filters keep it (the Android ID name for a `when`, a
 * contacts URI for `content-uri`, another app's Intent for `other-package-intent`…), then calls
 * the filters must drop. Each call prints its result through Rec; CALLS describes each for the test.
 */
import { CATALOGUE } from "../../../agent/catalogue/index.js";
import type { HookEntry } from "../../../agent/catalogue/types.js";
import type { Category } from "../../../reports/trace/categories.js";
import { src, valueOf } from "./emit-java.js";
import type { StubClass, StubMethod, StubModel } from "./stub-model.js";

export const APP_PACKAGE = "com.example.app";
export const OTHER_PACKAGE = "com.other.app";

export interface CallSpec {
  /** Index printed by the harness. */
  readonly call: number;
  readonly entry: string;
  readonly className: string;
  readonly method: string;
  readonly params: readonly string[];
  /** The declared return type ("" for a constructor). */
  readonly ret: string;
  /** Whether the agent must record it (filters keep it; its coverage decides the rest). */
  readonly kept: boolean;
  /** The call is about the app's own package. */
  readonly own?: boolean;
  /** What the call is for, when it is not the entry's plain call. */
  readonly note?: string;
  /**
   * What the trace must say where the harness cannot print what the agent sees (a process the
   * JDK started: the harness prints its exit code, the agent sees the Process): written by hand.
   */
  readonly expect?: { readonly cat: Category; readonly args: readonly string[]; readonly ret: string };
}

const CONTACTS = `android.net.Uri.parse("content://com.android.contacts/contacts/12?limit=1")`;
const MEDIA = `android.net.Uri.parse("content://media/external/images/media/5")`;
const OTHER_INTENT = `new android.content.Intent("android.intent.action.VIEW").setComponent(new android.content.ComponentName("${OTHER_PACKAGE}", "${OTHER_PACKAGE}.Main"))`;
const PERMISSIONS = `new String[] { "android.permission.CAMERA", "android.permission.READ_CONTACTS" }`;

interface Overrides {
  readonly args?: Readonly<Record<number, string>>;
}

/** An argument that keeps the call through the entry's filters, or a plain fixed one. */
function argument(e: HookEntry, m: StubMethod, i: number, o: Overrides, kinds: ReadonlyMap<string, StubClass>): string {
  if (o.args?.[i] !== undefined) return o.args[i]!;
  const type = m.params[i]!;
  if (e.when && e.when.arg === i) return JSON.stringify(e.when.oneOf[0]);
  if (e.classify === "content-uri" && i === 0) return type === "java.lang.String" ? `"com.android.contacts"` : e.category === "media_storage" ? MEDIA : CONTACTS;
  if (e.classify === "package-arg" && i === 0 && type === "java.lang.String") return JSON.stringify(OTHER_PACKAGE);
  if (e.classify === "serial-property" && i === 0) return `"ro.serialno"`;
  switch (type) {
    case "java.lang.String":
      return `"a${i}"`;
    case "java.lang.String[]":
      return PERMISSIONS;
    case "int":
      return "1";
    case "long":
      return "1000L";
    case "float":
      return "10.0f";
    case "double":
      return "39.9";
    case "boolean":
      return "true";
    case "android.net.Uri":
      return MEDIA;
    case "android.content.Intent":
      return OTHER_INTENT;
    case "android.hardware.Sensor":
      return "new android.hardware.Sensor(1)";
    case "android.content.Context":
      return "new android.app.Application()";
    case "android.content.ContentResolver":
      return "new android.content.ContentResolver()";
    case "android.app.Activity":
      return "new android.app.Activity()";
    case "byte[]":
      return "new byte[] { 1, 2, 3 }";
  }
  if (/\[\]$/.test(type)) return valueOf(type, "", kinds);
  return "null";
}

/** An instance to call on: the class itself, or an implementation of an interface. */
function receiver(c: StubClass): string {
  // The JDK's own class (the loopback interface has no hardware address: null).
  if (c.name === "java.net.NetworkInterface") return `java.net.NetworkInterface.getByName("lo")`;
  return c.kind === "interface" ? `Impl.${c.name.replace(/[.$]/g, "_")}` : `new ${src(c.name)}()`;
}

function callSource(n: number, e: HookEntry, c: StubClass, m: StubMethod, o: Overrides, kinds: ReadonlyMap<string, StubClass>): string {
  const args = m.params.map((_, i) => argument(e, m, i, o, kinds));
  const decls = m.params.map((p, i) => `final ${src(p)} a${i} = ${args[i]};`).join(" ");
  const list = m.params.map((_, i) => `(Object) a${i}`).join(", ");
  const names = m.params.map((_, i) => `a${i}`).join(", ");
  const target = m.ret === "" ? `new ${src(c.name)}(${names})` : `${m.isStatic ? src(c.name) : receiver(c)}.${m.name}(${names})`;
  const invoke = m.ret === "void" ? `${target}; r.ret(Rec.VOID);` : `r.ret(${target});`;
  return `    { ${decls} r.begin(${n}, new Object[] { ${list} }); try { ${invoke} } catch (Throwable e) { r.exc(e); } }`;
}

/** Calls the filters must drop, and one about the app's own package. */
function extraCalls(): readonly (readonly [string, string, Readonly<Record<number, string>>, Omit<CallSpec, "call" | "entry" | "className" | "method" | "params" | "ret">])[] {
  return [
    ["content.ContentResolver.query", "android.net.Uri", { 0: `android.net.Uri.parse("content://${APP_PACKAGE}.provider/items/3")` }, { kept: false, note: "the app's own provider" }],
    ["launch.ContextWrapper.startService", "android.content.Intent", { 0: `new android.content.Intent().setComponent(new android.content.ComponentName("${APP_PACKAGE}", "${APP_PACKAGE}.SyncService"))` }, { kept: false, note: "the app's own service" }],
    ["launch.ContextWrapper.sendBroadcast", "android.content.Intent", { 0: `new android.content.Intent("com.example.PING")` }, { kept: false, note: "an implicit broadcast" }],
    ["settings.Secure.getString.android_id", "android.content.ContentResolver", { 1: `"screen_brightness"` }, { kept: false, note: "a setting that identifies nothing" }],
    ["apps.PackageManager.getPackageInfo", "java.lang.String", { 0: JSON.stringify(APP_PACKAGE) }, { kept: true, own: true, note: "the app's own package" }],
    ["telephony.SystemProperties.get", "java.lang.String", { 0: `"ro.build.version.sdk"` }, { kept: false, note: "a property that identifies nothing" }],
    ["ids.ContentProviderClient.call.oaid", "java.lang.String", { 0: `"sync"` }, { kept: false, note: "a provider call that is not an OAID read" }],
  ];
}

/**
 * Entries on JDK classes the app cannot call (java.lang.ProcessImpl is package-private): the
 * harness reaches them the way apps do, through Runtime.exec and ProcessBuilder, runs real
 * commands on this machine (Linux has no getprop: the shell's `|| true` keeps the exit code 0)
 * and prints the exit code.
 */
const PROCESS = "java.lang.ProcessImpl";
const LO_MAC = "/sys/class/net/lo/address";
const SH_SCRIPT = "getprop ro.serialno 2>/dev/null || true";

function processCalls(): readonly { readonly java: string; readonly argv: readonly string[]; readonly kept: boolean; readonly expect?: CallSpec["expect"]; readonly note: string }[] {
  const ret = "type:java.lang.ProcessImpl";
  return [
    { java: `Runtime.getRuntime().exec(new String[] { "cat", "${LO_MAC}" })`, argv: ["cat", LO_MAC], kept: true, expect: { cat: "network_identifiers", args: [`cmd:cat rule:read-mac-file words:1 len:${LO_MAC.length}`], ret }, note: "Runtime.exec: a MAC file" },
    { java: `new ProcessBuilder("sh", "-c", "${SH_SCRIPT}").start()`, argv: ["sh", "-c", SH_SCRIPT], kept: true, expect: { cat: "phone_identifiers", args: [`cmd:sh rule:getprop-serial words:2 len:${`-c ${SH_SCRIPT}`.length}`], ret }, note: "ProcessBuilder: the serial through a shell" },
    { java: `Runtime.getRuntime().exec("ls /")`, argv: ["ls", "/"], kept: false, note: "a command that reads nothing personal" },
  ];
}

function processCallSource(n: number, java: string, argv: readonly string[]): string {
  const list = `new String[] { ${argv.map((a) => JSON.stringify(a)).join(", ")} }`;
  return `    { r.begin(${n}, new Object[] { (Object) ${list} }); try { Process p = ${java}; r.ret(Integer.valueOf(p.waitFor())); } catch (Throwable e) { r.exc(e); } }`;
}

/** The generated Calls class and what each of its calls is. */
export function callScript(model: StubModel, catalogue: readonly HookEntry[] = CATALOGUE): { source: string; calls: CallSpec[] } {
  const calls: CallSpec[] = [];
  const lines: string[] = [];
  const add = (e: HookEntry, m: StubMethod, o: Overrides, extra: Omit<CallSpec, "call" | "entry" | "className" | "method" | "params" | "ret">): void => {
    const c = model.classes.get(e.className)!;
    lines.push(callSource(calls.length, e, c, m, o, model.classes));
    calls.push({ call: calls.length, entry: e.id, className: e.className, method: e.method, params: m.params, ret: m.ret, ...extra });
  };
  for (const e of catalogue) {
    // Classes loaded later by a plugin class loader are called by the harness itself.
    if (LATE_CLASSES.has(e.className)) continue;
    if (e.className === PROCESS) {
      for (const p of processCalls()) {
        lines.push(processCallSource(calls.length, p.java, p.argv));
        calls.push({ call: calls.length, entry: e.id, className: e.className, method: e.method, params: ["[Ljava.lang.String;"], ret: PROCESS, kept: p.kept, note: p.note, ...(p.expect ? { expect: p.expect } : {}) });
      }
      continue;
    }
    for (const m of model.entryMethods.get(e.id)?.methods ?? []) add(e, m, {}, { kept: true });
  }
  for (const [id, first, args, extra] of extraCalls()) {
    const e = catalogue.find((x) => x.id === id)!;
    add(e, model.entryMethods.get(id)!.methods.find((m) => m.params[0] === first)!, { args }, extra);
  }
  // Java methods are limited to 64 KiB of bytecode: 40 calls per method.
  const chunks: string[] = [];
  for (let i = 0; i < lines.length; i += 40) chunks.push(`  static void run${chunks.length}(Rec r) {\n${lines.slice(i, i + 40).join("\n")}\n  }`);
  const impls = [...model.classes.values()].filter((c) => c.kind === "interface" && catalogue.some((e) => e.className === c.name)).map((c) => implSource(c, model.classes));
  const source = [
    "// Generated by test/frida/java/call-script.ts from the hook catalogue: do not edit.",
    `package ${APP_PACKAGE};`,
    "",
    "/** Every catalogue call the app makes, in catalogue order. */",
    "final class Calls {",
    "  private Calls() {}",
    `  static void run(Rec r) { ${chunks.map((_, i) => `run${i}(r);`).join(" ")} }`,
    ...chunks,
    "  /** Implementations of the catalogue's interfaces, as an SDK ships them. */",
    "  static final class Impl {",
    ...impls,
    "  }",
    "}",
    "",
  ].join("\n");
  return { source, calls };
}

function implSource(c: StubClass, kinds: ReadonlyMap<string, StubClass>): string {
  const methods = c.methods.map((m) => `public ${src(m.ret)} ${m.name}(${m.params.map((p, i) => `${src(p)} a${i}`).join(", ")}) { ${m.ret === "void" ? "" : `return ${valueOf(m.ret, m.name, kinds)};`} }`);
  return `    static final ${src(c.name)} ${c.name.replace(/[.$]/g, "_")} = new ${src(c.name)}() { ${methods.join(" ")} @Override public String toString() { return "${c.name}(impl)"; } };`;
}

/** Catalogue classes the harness defines later, through a new class loader. */
export const LATE_CLASSES: ReadonlySet<string> = new Set(["com.tencent.map.geolocation.TencentLocationManager"]);

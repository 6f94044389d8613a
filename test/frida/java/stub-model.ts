/**
 * What the Java target's stub classes contain, derived from the hook catalogue: every catalogue
 * class with the catalogue's methods (every overload the platform declares up to STUB_API for
 * "all" entries, the listed ones otherwise), every type those signatures name (empty), and the
 * few hand-decided bodies and members in STUB_EXTRAS. Classes written by hand (src/) are left out.
 */
import { CATALOGUE } from "../../../agent/catalogue/index.js";
import type { HookEntry } from "../../../agent/catalogue/types.js";
import { readAndroidApi, type ApiClass } from "./android-api.js";
import { parseDeclaration, SDK_API } from "./sdk-api.js";

/** The API level the stubs implement (Build.VERSION.SDK_INT): entries needing more are absent. */
export const STUB_API = 31;

export interface StubMethod {
  readonly name: string;
  readonly isStatic: boolean;
  readonly params: readonly string[];
  /** "void"; "" for a constructor. */
  readonly ret: string;
  /** Java statements; default: return a fixed value of the return type. */
  readonly body?: string;
}

export interface StubClass {
  readonly name: string;
  kind: "class" | "interface";
  superclass?: string;
  readonly methods: StubMethod[];
  /** Members written out as they are (fields, nested helpers). */
  readonly members: string[];
}

const PRIMITIVES = new Set(["void", "boolean", "byte", "char", "short", "int", "long", "float", "double"]);

/** A type the stubs must define (not a primitive, not the JDK's). */
export function needsStub(type: string): boolean {
  const t = type.replace(/(\[\])+$/, "");
  return t !== "" && !PRIMITIVES.has(t) && !/^javax?\./.test(t);
}

const SECURITY = (what: string): string => `throw new SecurityException("${what}: The user 10123 does not meet the requirements to access device identifiers.");`;

/**
 * Hand-decided parts: the superclasses the agent relies on, bodies that behave like the real API
 * (throwing where a normal app gets a SecurityException on API 29+, one overload calling another
 * for the reentrancy check), and members the agent reads for context (Build.VERSION.SDK_INT,
 * Activity's lifecycle callbacks).
 */
interface Extra {
  readonly superclass?: string;
  readonly members?: readonly string[];
  readonly bodies?: Readonly<Record<string, string>>;
}

export const STUB_EXTRAS: Readonly<Record<string, Extra>> = {
  "android.os.Build": { bodies: { "getSerial()": SECURITY("getSerial") } },
  "android.os.Build$VERSION": { members: [`public static int SDK_INT = ${STUB_API};`, `public static String RELEASE = "12";`] },
  "android.telephony.TelephonyManager": {
    bodies: {
      // getImei() is getImei(getSlotIndex()) on a device: one app call, two hooked overloads.
      "getImei()": "return getImei(0);",
      "getDeviceId()": SECURITY("getDeviceId"),
      "getDeviceId(int)": SECURITY("getDeviceId"),
    },
  },
  "android.provider.Settings$Secure": { bodies: { "getString(android.content.ContentResolver,java.lang.String)": `return "android_id".equals(a1) ? "9774d56d682e549c" : "v-" + a1;` } },
  "android.content.ContextWrapper": { superclass: "android.content.Context" },
  "android.app.ContextImpl": { superclass: "android.content.Context" },
  "android.app.Activity": {
    superclass: "android.content.ContextWrapper",
    members: [
      "protected void onStart() {}",
      "protected void onStop() {}",
      // Every form of startActivity funnels here on a device.
      "public void startActivity(android.content.Intent intent) { startActivityForResult(intent, -1, null); }",
      // What the system calls with the permission dialog's answer (hidden on a device).
      "public void dispatchRequestPermissionsResult(int requestCode, android.content.Intent data) { onRequestPermissionsResult(requestCode, data.getStringArrayExtra(\"android.content.pm.extra.REQUEST_PERMISSIONS_NAMES\"), data.getIntArrayExtra(\"android.content.pm.extra.REQUEST_PERMISSIONS_RESULTS\")); }",
    ],
  },
};

/** Classes written by hand in src/ (binary names): the generator never writes these. */
export const HAND_WRITTEN = new Set([
  "android.net.Uri",
  "android.content.Intent",
  "android.content.ComponentName",
  "android.content.Context",
  "android.app.Application",
  "android.app.ActivityThread",
  "android.os.PowerManager",
  "android.os.Bundle",
  "android.hardware.Sensor",
  "dalvik.system.BaseDexClassLoader",
]);

const DESCRIPTOR: Readonly<Record<string, string>> = { Z: "boolean", B: "byte", C: "char", S: "short", I: "int", J: "long", F: "float", D: "double" };

/** A catalogue parameter type (frida-java-bridge writes arrays as descriptors: `[I`, `[Ljava.lang.String;`) as Java source writes it. */
export function sourceType(t: string): string {
  if (!t.startsWith("[")) return t;
  const el = t.slice(1);
  return `${el.startsWith("L") ? el.slice(1, -1) : el.startsWith("[") ? sourceType(el) : DESCRIPTOR[el]!}[]`;
}

function sig(name: string, params: readonly string[]): string {
  return `${name}(${params.join(",")})`;
}

/** The overloads of one catalogue entry the stubs define. */
function entryMethods(e: HookEntry, api: ApiClass | undefined): StubMethod[] {
  if (e.minApi !== undefined && e.minApi > STUB_API) return [];
  if (e.method === "$init") return (e.overloads as readonly (readonly string[])[]).map((p) => ({ name: "<init>", isStatic: false, params: p.map(sourceType), ret: "" }));
  const declared = (api?.methods ?? []).filter((m) => m.name === e.method && (m.since === undefined || m.since <= STUB_API));
  if (e.overloads === "all") return declared;
  // Listed overloads: the declared return type where the platform declares it, at any level
  // (hidden ones: void).
  return e.overloads.map((listed) => {
    const p = listed.map(sourceType);
    const d = (api?.methods ?? []).find((m) => m.name === e.method && m.params.join(",") === p.join(","));
    return { name: e.method, isStatic: d?.isStatic ?? false, params: p, ret: d?.ret ?? (e.method.startsWith("should") ? "boolean" : "void") };
  });
}

/** Declared classes by binary name: the platform's, then the SDK table's. */
async function declarations(names: ReadonlySet<string>): Promise<Map<string, ApiClass>> {
  const sources = new Set(names);
  for (const s of Object.values(SDK_API)) if (s.methodsOf) sources.add(s.methodsOf);
  const api = await readAndroidApi(sources);
  for (const [name, s] of Object.entries(SDK_API)) {
    const methods = [...(s.methodsOf ? (api.get(s.methodsOf)?.methods ?? []) : []), ...s.methods.map(parseDeclaration)];
    api.set(name, { iface: s.kind === "interface", methods });
  }
  return api;
}

export interface StubModel {
  readonly classes: Map<string, StubClass>;
  /** Per catalogue entry id, the stub methods that stand for it (none when outside STUB_API). */
  readonly entryMethods: Map<string, { cls: string; methods: StubMethod[] }>;
}

/** Builds the stub model for a catalogue. */
export async function buildStubModel(catalogue: readonly HookEntry[] = CATALOGUE): Promise<StubModel> {
  const api = await declarations(new Set(catalogue.map((e) => e.className)));
  const classes = new Map<string, StubClass>();
  const classFor = (name: string): StubClass => {
    let c = classes.get(name);
    if (!c) classes.set(name, (c = { name, kind: "class", methods: [], members: [] }));
    return c;
  };
  const byEntry = new Map<string, { cls: string; methods: StubMethod[] }>();
  for (const e of catalogue) {
    // Egress entries hook the JDK's and libraries' own senders (java.net, Conscrypt, OkHttp):
    // no stub stands for them; the harness's real traffic exercises them.
    if (e.egress) continue;
    const c = classFor(e.className);
    if (api.get(e.className)?.iface) c.kind = "interface";
    const methods = entryMethods(e, api.get(e.className));
    for (const m of methods) if (!c.methods.some((x) => sig(x.name, x.params) === sig(m.name, m.params))) c.methods.push(m);
    byEntry.set(e.id, { cls: e.className, methods });
  }
  for (const [name, extra] of Object.entries(STUB_EXTRAS)) {
    const c = classFor(name);
    if (extra.superclass) c.superclass = extra.superclass;
    c.members.push(...(extra.members ?? []));
    c.methods.forEach((m, i) => {
      const body = extra.bodies?.[sig(m.name, m.params)];
      if (body) c.methods[i] = { ...m, body };
    });
  }
  // Every type a signature names, and every outer class of a nested one, must exist.
  const referenced = new Set<string>();
  for (const c of classes.values()) {
    for (const m of c.methods) for (const t of [...m.params, m.ret]) if (needsStub(t)) referenced.add(t.replace(/(\[\])+$/, ""));
    if (c.superclass) referenced.add(c.superclass);
  }
  const more = [...referenced].filter((t) => !classes.has(t) && !HAND_WRITTEN.has(t));
  const kinds = await readAndroidApi(new Set(more));
  for (const t of more) {
    const c = classFor(t);
    if (kinds.get(t)?.iface || SDK_API[t]?.kind === "interface") c.kind = "interface";
  }
  for (const name of [...classes.keys()]) {
    const parts = name.split("$");
    for (let i = 1; i < parts.length; i++) {
      const outer = parts.slice(0, i).join("$");
      if (!HAND_WRITTEN.has(outer)) classFor(outer);
    }
  }
  for (const h of HAND_WRITTEN) classes.delete(h);
  return { classes, entryMethods: byEntry };
}

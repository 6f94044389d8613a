import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { isInterfaceConstructor, PLATFORM_DTS, sinceOf, walkAndroidDts } from "../support/android-dts.js";
import { ACCOUNTS } from "../../agent/catalogue/accounts.js";
import { APPS } from "../../agent/catalogue/apps.js";
import { CAMERA_MIC } from "../../agent/catalogue/camera-mic.js";
import { CLIPBOARD } from "../../agent/catalogue/clipboard.js";
import { CONTENT } from "../../agent/catalogue/content.js";
import { DEVICE_IDS } from "../../agent/catalogue/device-ids.js";
import { EXEC } from "../../agent/catalogue/exec.js";
import { CATALOGUE, CATALOGUE_VERSION } from "../../agent/catalogue/index.js";
import { LAUNCH } from "../../agent/catalogue/launch.js";
import { LOCATION } from "../../agent/catalogue/location.js";
import { NETWORK } from "../../agent/catalogue/network.js";
import { OAID } from "../../agent/catalogue/oaid.js";
import { PERMISSIONS } from "../../agent/catalogue/permissions.js";
import { SENSORS } from "../../agent/catalogue/sensors.js";
import { TELEPHONY } from "../../agent/catalogue/telephony.js";
import { TELEPHONY_SERVICES } from "../../agent/catalogue/telephony-services.js";
import type { HookEntry } from "../../agent/catalogue/types.js";
import { WIFI_BLUETOOTH } from "../../agent/catalogue/wifi-bluetooth.js";
import { isCategory } from "../../reports/trace/categories.js";
import { OWN_PACKAGE_HOOKS } from "../../reports/trace/own-calls.js";
import { permissionInfo } from "../../reports/data/permissions.js";

const MODULES: Readonly<Record<string, readonly HookEntry[]>> = {
  location: LOCATION,
  telephony: TELEPHONY,
  "telephony-services": TELEPHONY_SERVICES,
  "device-ids": DEVICE_IDS,
  oaid: OAID,
  apps: APPS,
  content: CONTENT,
  clipboard: CLIPBOARD,
  "camera-mic": CAMERA_MIC,
  accounts: ACCOUNTS,
  sensors: SENSORS,
  "wifi-bluetooth": WIFI_BLUETOOTH,
  permissions: PERMISSIONS,
  launch: LAUNCH,
  exec: EXEC,
  network: NETWORK,
};

/** The id families (agent/catalogue/index.ts). */
const FAMILIES = new Set(["location", "telephony", "settings", "ids", "wifi", "bluetooth", "net", "apps", "content", "clipboard", "camera", "mic", "accounts", "sensors", "permission", "launch", "exec"]);

/**
 * Hidden framework classes hooked in place of the public abstract class apps program against:
 * the object behind the public type is always one of these. Ids use the public name where the
 * public class is the abstract one (PackageManager); ContextImpl keeps its own name because
 * ContextWrapper is hooked under its own as well.
 */
const IMPLEMENTS: Readonly<Record<string, { readonly publicClass: string; readonly idClass: string }>> = {
  "android.app.ApplicationPackageManager": { publicClass: "android.content.pm.PackageManager", idClass: "PackageManager" },
  "android.app.ContextImpl": { publicClass: "android.content.Context", idClass: "ContextImpl" },
  // WindowManager is an interface; the object apps get is this hidden class.
  "android.view.WindowManagerImpl": { publicClass: "android.view.WindowManager", idClass: "WindowManager" },
  // Not public: where Runtime.exec and ProcessBuilder.start end (agent/catalogue/exec.ts).
  "java.lang.ProcessImpl": { publicClass: "java.lang.ProcessBuilder", idClass: "ProcessBuilder" },
};

/** Ids the rest of the project (reports, docs, the engine) names. */
const REQUIRED_IDS = [
  "telephony.TelephonyManager.getImei",
  "telephony.TelephonyManager.getDeviceId",
  "telephony.TelephonyManager.getSubscriberId",
  "telephony.TelephonyManager.getMeid",
  "telephony.TelephonyManager.getNetworkOperatorName",
  "settings.Secure.getString.android_id",
  "apps.PackageManager.getPackageInfo",
  "apps.PackageManager.getApplicationInfo",
  "apps.PackageManager.getInstalledPackages",
  "apps.PackageManager.getInstalledApplications",
  "apps.PackageManager.queryIntentActivities",
  "apps.PackageManager.queryIntentServices",
  ...OWN_PACKAGE_HOOKS,
  "permission.Activity.requestPermissions",
  "permission.Activity.onRequestPermissionsResult",
  "clipboard.ClipboardManager.getPrimaryClip",
  "location.LocationManager.getLastKnownLocation",
  "location.LocationManager.requestLocationUpdates",
  "location.AMapLocationClient.getLastKnownLocation",
  "sensors.SensorManager.registerListener",
  "camera.Camera.open",
  "accounts.AccountManager.getAccounts",
];

const PRIMITIVES = new Set(["boolean", "byte", "char", "short", "int", "long", "float", "double"]);
// Package segments are lower case by convention, not by rule: ASUS's OAID service lives in
// com.asus.msa.SupplementaryDID.
const JAVA_CLASS = /^[a-z][a-z0-9_]*(\.[A-Za-z0-9_]+)*(\.[A-Za-z_][A-Za-z0-9_]*)(\$[A-Za-z0-9_]+)*$/;

/** A parameter type as frida-java-bridge writes it: `int`, `java.lang.String`, `[I`, `[Ljava.lang.String;`. */
function wellFormedType(t: string): boolean {
  if (PRIMITIVES.has(t)) return true;
  if (t.startsWith("[")) {
    const inner = t.slice(1);
    if (inner.startsWith("[")) return wellFormedType(inner);
    if (/^[ZBCSIJFD]$/.test(inner)) return true;
    const m = /^L(.+);$/.exec(inner);
    return m !== null && JAVA_CLASS.test(m[1]!);
  }
  return JAVA_CLASS.test(t);
}

/** The simple name of a class: the innermost one for nested classes. */
function simpleName(className: string): string {
  return className.slice(className.lastIndexOf(".") + 1).split("$").pop()!;
}

function arities(e: HookEntry): number[] | null {
  return e.overloads === "all" ? null : e.overloads.map((o) => o.length);
}

describe("hook catalogue: structure", () => {
  it("is the concatenation of the family modules, with a version", () => {
    expect(CATALOGUE).toEqual(Object.values(MODULES).flat());
    expect(CATALOGUE_VERSION).toMatch(/^\d+\.\d+\.\d+$/);
    for (const [name, entries] of Object.entries(MODULES)) {
      expect(entries.length, name).toBeGreaterThan(0);
      const file = fileURLToPath(new URL(`../../agent/catalogue/${name}.ts`, import.meta.url));
      expect(readFileSync(file, "utf8").split("\n").length, `${name}.ts stays a small module`).toBeLessThan(400);
    }
  });

  it("has unique ids of the form family.Class.method[.variant]", () => {
    const seen = new Set<string>();
    for (const e of CATALOGUE) {
      expect(seen.has(e.id), `duplicate id ${e.id}`).toBe(false);
      seen.add(e.id);
      const m = /^([a-z]+)\.([A-Z][A-Za-z0-9]*)\.(\$init|[A-Za-z_][A-Za-z0-9_]*)(\.[a-z][a-z0-9_]*)?$/.exec(e.id);
      expect(m, `id ${e.id}`).not.toBeNull();
      const [, family, cls, method] = m!;
      expect(FAMILIES.has(family!), `${e.id}: family ${family}`).toBe(true);
      expect(method, `${e.id}: method segment`).toBe(e.method);
      expect(cls, `${e.id}: class segment`).toBe(IMPLEMENTS[e.className]?.idClass ?? simpleName(e.className));
    }
  });

  it("names the ids the rest of the project relies on", () => {
    const ids = new Set(CATALOGUE.map((e) => e.id));
    for (const id of REQUIRED_IDS) expect(ids.has(id), id).toBe(true);
    const androidId = CATALOGUE.find((e) => e.id === "settings.Secure.getString.android_id")!;
    expect(androidId).toMatchObject({ className: "android.provider.Settings$Secure", method: "getString", when: { arg: 1, oneOf: ["android_id"] } });
    for (const id of ["apps.PackageManager.getPackageInfo", "apps.PackageManager.getApplicationInfo"]) {
      expect(CATALOGUE.find((e) => e.id === id)).toMatchObject({ className: "android.app.ApplicationPackageManager", classify: "package-arg", args: ["package", "raw"] });
    }
  });

  it("uses valid categories, permissions and API ranges", () => {
    for (const e of CATALOGUE) {
      expect(isCategory(e.category), `${e.id}: category ${e.category}`).toBe(true);
      if (e.permission !== undefined) {
        const known = permissionInfo(e.permission) !== undefined || /^android\.permission\.[A-Z][A-Z0-9_]*$/.test(e.permission);
        expect(known, `${e.id}: permission ${e.permission}`).toBe(true);
      }
      for (const level of [e.minApi, e.maxApi]) {
        if (level !== undefined) expect(Number.isInteger(level) && level >= 1 && level <= 40, `${e.id}: API level ${level}`).toBe(true);
      }
      if (e.minApi !== undefined && e.maxApi !== undefined) expect(e.minApi, e.id).toBeLessThanOrEqual(e.maxApi);
      expect(JAVA_CLASS.test(e.className), `${e.id}: class ${e.className}`).toBe(true);
      if (e.nonPublic !== undefined) expect(e.nonPublic.trim().length, e.id).toBeGreaterThan(0);
    }
  });

  it("lists overloads that frida-java-bridge can resolve", () => {
    for (const e of CATALOGUE) {
      if (e.overloads === "all") continue;
      expect(e.overloads.length, `${e.id}: empty overload list`).toBeGreaterThan(0);
      const keys = e.overloads.map((o) => o.join(","));
      expect(new Set(keys).size, `${e.id}: duplicate overloads`).toBe(keys.length);
      for (const o of e.overloads) for (const t of o) expect(wellFormedType(t), `${e.id}: type ${t}`).toBe(true);
      if (e.args) expect(e.args.length, `${e.id}: more argument summaries than parameters`).toBeLessThanOrEqual(Math.max(...e.overloads.map((o) => o.length)));
    }
  });

  it("keeps argument predicates within the overloads' arity", () => {
    for (const e of CATALOGUE.filter((x) => x.when)) {
      const w = e.when!;
      expect(Number.isInteger(w.arg) && w.arg >= 0, e.id).toBe(true);
      expect(w.oneOf.length, e.id).toBeGreaterThan(0);
      const a = arities(e);
      expect(a, `${e.id}: a predicate needs explicit overloads`).not.toBeNull();
      for (const n of a!) expect(w.arg, `${e.id}: when.arg beyond an overload`).toBeLessThan(n);
    }
  });

  it("gives classified entries the argument summary their classifier reads", () => {
    const first: Record<string, string> = { "content-uri": "uri", "package-arg": "package", "other-package-intent": "intent" };
    for (const e of CATALOGUE) {
      if (e.classify === undefined || first[e.classify] === undefined) continue;
      expect(e.args?.[0], `${e.id}: first argument summary`).toBe(first[e.classify]);
    }
    // Requests carry their permission list; identifiers never leave the device raw.
    for (const e of CATALOGUE.filter((x) => x.category === "permission_request")) expect(e.args?.some((a) => a === "permissions" || a === "raw"), e.id).toBe(true);
    // (MdidSdkHelper.InitSdk returns a status code, not an identifier.)
    const identifiers = ["phone_identifiers", "device_identifiers", "network_identifiers"];
    for (const e of CATALOGUE.filter((x) => identifiers.includes(x.category) && x.ret !== undefined && x.id !== "ids.MdidSdkHelper.InitSdk")) {
      expect(["hash", "type", "len", "omit"], `${e.id}: identifier returned as ${e.ret}`).toContain(e.ret);
    }
  });
});

// ---------------------------------------------------------------------------------------------
// The public Android API, from @nativescript/types-android: every public class, method overload
// and constructor of API 21–37 with the level each was added in (`@since`). Classes appear as
// `declare module android { export module telephony { export class TelephonyManager … { … } } }`;
// nested classes as `export module TelephonyManager { export class X … }`; interfaces as classes
// whose first constructor takes an implementation object. int/long/float are all `number`.

const NS_FILE = PLATFORM_DTS;

interface NsOverload {
  readonly params: readonly string[];
  readonly since?: number;
}
interface NsClass {
  readonly name: string;
  readonly base?: string;
  readonly implements: readonly string[];
  readonly since?: number;
  iface: boolean;
  readonly methods: Map<string, NsOverload[]>;
}

/** Top-level comma split of a parameter list, up to its closing parenthesis. */
function splitParams(rest: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = "";
  for (const ch of rest) {
    if (ch === "(" || ch === "<" || ch === "{" || ch === "[") depth++;
    else if (ch === ">" || ch === "}" || ch === "]") depth--;
    else if (ch === ")") {
      if (depth === 0) break;
      depth--;
    }
    if (ch === "," && depth === 0) {
      out.push(cur);
      cur = "";
      continue;
    }
    cur += ch;
  }
  if (cur.trim() !== "") out.push(cur);
  return out.map((p) => p.slice(p.indexOf(":") + 1).trim());
}

/** Reads the 10 MB declaration file line by line (once per test file): class → methods. */
async function parseAndroidApi(file: string): Promise<Map<string, NsClass>> {
  const classes = new Map<string, NsClass>();
  await walkAndroidDts(
    file,
    (c) => {
      const s = sinceOf(c.doc);
      const cls: NsClass = { name: c.name, ...(c.base !== undefined ? { base: c.base } : {}), implements: [...c.implements], ...(s !== undefined ? { since: s } : {}), iface: false, methods: new Map() };
      classes.set(c.name, cls);
      return cls;
    },
    (cls, m) => {
      if (isInterfaceConstructor(m)) cls.iface = true;
      // An interface's `constructor(implementation: { … })` is not a member; skip its body.
      if (m.name === "constructor" && m.opensBlock) return;
      const name = m.name === "constructor" ? "$init" : m.name;
      const s = sinceOf(m.doc);
      const list = cls.methods.get(name) ?? [];
      list.push({ params: splitParams(m.rest), ...(s !== undefined ? { since: s } : {}) });
      cls.methods.set(name, list);
    },
  );
  return classes;
}

/** Whether a frida-java-bridge parameter type can be the declared one (numbers are all `number`). */
function compatible(java: string, declared: string): boolean {
  const t = declared.replace(/\s*\|\s*null$/, "").trim();
  if (t.startsWith("any")) return true;
  if (java.startsWith("[")) {
    const m = /^androidNative\.Array<(.+)>$/.exec(t);
    if (!m) return false;
    const inner = java.slice(1);
    const el = inner.startsWith("[") ? inner : /^[ZBCSIJFD]$/.test(inner) ? ({ Z: "boolean", C: "char" } as Record<string, string>)[inner] ?? "int" : inner.slice(1, -1);
    return compatible(el, m[1]!);
  }
  if (PRIMITIVES.has(java)) return java === "boolean" ? t === "boolean" : java === "char" ? t === "string" || t === "number" : t === "number";
  if (java === "java.lang.String" || java === "java.lang.CharSequence") return t === "string";
  return t.replace(/<.*$/, "") === java.replace(/\$/g, ".");
}

/** Where a method is declared: the class, then its superclasses and interfaces. */
function findMethod(api: Map<string, NsClass>, className: string, method: string): { cls: NsClass; overloads: NsOverload[] } | undefined {
  const seen = new Set<string>();
  const queue = [className];
  while (queue.length > 0) {
    const c = api.get(queue.shift()!);
    if (!c || seen.has(c.name)) continue;
    seen.add(c.name);
    const overloads = c.methods.get(method);
    if (overloads) return { cls: c, overloads };
    if (method === "$init") return undefined; // constructors are not inherited
    if (c.base) queue.push(c.base);
    queue.push(...c.implements);
  }
  return undefined;
}

describe("hook catalogue: the public Android API (@nativescript/types-android)", () => {
  let api: Map<string, NsClass>;

  beforeAll(async () => {
    expect(existsSync(NS_FILE), "npm install (devDependency @nativescript/types-android)").toBe(true);
    api = await parseAndroidApi(NS_FILE);
  }, 60_000);

  it("parses the declaration file", () => {
    expect(api.size).toBeGreaterThan(6000);
    const tm = api.get("android.telephony.TelephonyManager")!;
    expect(tm.methods.get("getImei")).toEqual([{ params: [], since: 26 }, { params: ["number"], since: 26 }]);
    expect(api.get("android.provider.Settings.Secure")?.methods.get("getString")?.[0]?.params).toEqual(["android.content.ContentResolver", "string"]);
    expect(api.get("android.accounts.AccountManagerCallback")?.iface).toBe(true);
    expect(api.get("android.telephony.SubscriptionManager")?.since).toBe(22);
  });

  const publicEntries = CATALOGUE.filter((e) => e.nonPublic === undefined);

  it.each(publicEntries.map((e) => [e.id, e] as const))("%s is public API", (_id, e) => {
    const className = (IMPLEMENTS[e.className]?.publicClass ?? e.className).replace(/\$/g, ".");
    const cls = api.get(className);
    expect(cls, `class ${className}`).toBeDefined();
    const found = findMethod(api, className, e.method);
    expect(found, `${e.method} on ${className} or its supertypes`).toBeDefined();
    const { cls: owner, overloads } = found!;
    let matched: NsOverload[] = overloads;
    if (e.overloads !== "all") {
      matched = [];
      for (const wanted of e.overloads) {
        const hits = overloads.filter((o) => o.params.length === wanted.length && wanted.every((t, i) => compatible(t, o.params[i]!)));
        expect(hits.length, `public overload ${e.method}(${wanted.join(", ")}) of ${owner.name}; declared: ${overloads.map((o) => `(${o.params.join(", ")})`).join(" ")}`).toBeGreaterThan(0);
        matched.push(...hits);
      }
    }
    // The earliest level one of the hooked overloads exists on; unannotated = 21 or earlier.
    const since = Math.min(...matched.map((o) => o.since ?? owner.since ?? 21));
    if (since > 21) expect(e.minApi, `${e.id}: added in API ${since}`).toBeGreaterThanOrEqual(since);
  });

  it("keeps the nonPublic allow-list honest: none of those is public API", () => {
    for (const e of CATALOGUE.filter((x) => x.nonPublic !== undefined)) {
      const found = findMethod(api, e.className.replace(/\$/g, "."), e.method);
      expect(found, `${e.id} is public (${e.className}.${e.method}): drop its nonPublic`).toBeUndefined();
    }
  });
});

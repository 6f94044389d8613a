import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { CATALOGUE } from "../../agent/catalogue/index.js";
import type { HookEntry } from "../../agent/catalogue/types.js";
import { isInterfaceConstructor, PLATFORM_DTS, splitTop, walkAndroidDts } from "../support/android-dts.js";

// How much of the permission-guarded public Android API that reads personal data the catalogue
// hooks, measured against the APER mappings (API → permission, mined from @RequiresPermission
// annotations and the Javadoc) of API levels 26–31. The mappings are reference data kept outside
// the repository (../shared/data); without them this file skips.

const APER = fileURLToPath(new URL("../../../shared/data/aper-mapping", import.meta.url));
const NS_FILE = PLATFORM_DTS;
/** API26…API31; there is no API30 folder in the data set, which the loop tolerates. */
const LEVELS = [26, 27, 28, 29, 30, 31];
const P = "android.permission.";

/** Permissions guarding personal data: a method mapped to one of them reads such data. */
const DATA_PERMISSIONS = new Set(
  [
    "ACCESS_FINE_LOCATION", "ACCESS_COARSE_LOCATION", "ACCESS_BACKGROUND_LOCATION",
    "READ_PHONE_STATE", "READ_PRIVILEGED_PHONE_STATE", "READ_PHONE_NUMBERS",
    "READ_CONTACTS", "READ_SMS", "RECEIVE_SMS", "READ_CALL_LOG", "READ_CALENDAR",
    "CAMERA", "RECORD_AUDIO", "GET_ACCOUNTS", "ACCESS_WIFI_STATE", "BLUETOOTH_SCAN",
  ].map((p) => P + p),
);

/**
 * The legacy Bluetooth permissions guard nearly every Bluetooth call (connections, GATT
 * reads/writes, audio profiles). They count only where they guard what BLUETOOTH_SCAN and the
 * address restrictions guard today: scans and discovery, and the adapter's or a device's
 * identity (address, name, alias) and the bonded-device list.
 */
const LEGACY_BLUETOOTH = new Set([P + "BLUETOOTH", P + "BLUETOOTH_ADMIN"]);
const BLUETOOTH_IDENTITY_OR_SCAN = /Scan|Discovery|Address|Name|Alias|Bonded/;

/**
 * Not data reads, by name:
 * - setters, removals and teardown (set/remove/unregister/clear/delete/cancel/stop/disable/enable);
 * - callbacks the app implements (on…), e.g. PhoneStateListener.onCellLocationChanged;
 * - actions that change state or transmit rather than read: connect, create, write, send,
 *   publish, show, inject, begin/abort/execute (GATT transactions);
 * - add… that registers no listener, callback or alert (adding a network suggestion or a
 *   Wi-Fi Direct local service writes, it does not read).
 */
const NOT_A_READ = /^(set|remove|unregister|clear|delete|cancel|stop|disable|enable|on|connect|disconnect|create|write|send|publish|show|inject|begin|abort|execute)(?:[A-Z]|$)/;
const ADD_WITHOUT_LISTENER = /^add(?!.*(Listener|Callback|Alert)$)[A-Z]/;

/**
 * Mapped to a data permission by APER, but reading no personal data — each with why. This list
 * is for mapping artefacts and capability queries; everything else is hooked.
 */
const EXCLUDED: Readonly<Record<string, string>> = {
  "android.hardware.usb.UsbManager.hasPermission": "USB device access check; APER maps CAMERA because UVC cameras need it, nothing is read",
  "android.hardware.usb.UsbManager.requestPermission": "USB device access grant dialog (same CAMERA artefact); opens no camera",
  "android.hardware.camera2.CameraManager.isConcurrentSessionConfigurationSupported": "capability query: opens no camera",
  "android.hardware.camera2.CameraCharacteristics.getKeysNeedingPermission": "lists which metadata keys are permission-gated; no camera data",
  "android.location.LocationManager.getGnssCapabilities": "GNSS chipset capability flags; no position",
  "android.net.wifi.WifiManager.isAutoWakeupEnabled": "a Wi-Fi setting flag; no network data",
  "android.net.wifi.WifiManager.isScanThrottleEnabled": "a Wi-Fi setting flag; no scan results",
  "android.net.wifi.WifiManager.startLocalOnlyHotspot": "starts a hotspot (needs CHANGE_WIFI_STATE); nothing is read",
};

/**
 * Catalogue classes that stand for an APER class: hidden implementations hooked in place of the
 * public type apps call (PackageManager, Context), and the concrete classes implementing an
 * interface the platform declares (RegistrationManager is implemented by the MMTEL and RCS managers).
 */
const HOOKED_AS: Readonly<Record<string, readonly string[]>> = {
  "android.content.pm.PackageManager": ["android.app.ApplicationPackageManager"],
  "android.content.Context": ["android.app.ContextImpl", "android.content.ContextWrapper"],
  "android.telephony.ims.RegistrationManager": ["android.telephony.ims.ImsMmTelManager", "android.telephony.ims.ImsRcsManager"],
};

const COVERAGE_TARGET = 0.95;

interface Mapped {
  readonly className: string;
  readonly method: string;
  readonly arity: number;
  readonly signature: string;
  readonly rows: { readonly permissions: readonly string[]; readonly allOf: boolean }[];
}

/** `pkg.Class.method(argTypes)returnType :: permission[, permission] [:: anyOf|allOf]`, de-duplicated by signature. */
function readMappings(): Map<string, Mapped> {
  const out = new Map<string, Mapped>();
  for (const level of LEVELS) {
    for (const file of ["annotations-Mappings.txt", "docs-Mappings.txt"]) {
      const path = `${APER}/API${level}/${file}`;
      if (!existsSync(path)) continue;
      for (const line of readFileSync(path, "utf8").split("\n")) {
        const parts = line.trim().split(" :: ");
        const sig = parts.length >= 2 ? /^([\w.$]+)\.([\w$]+)\(([^)]*)\)/.exec(parts[0]!) : null;
        if (!sig) continue;
        const key = `${sig[1]}.${sig[2]}(${sig[3]})`;
        const m = out.get(key) ?? { className: sig[1]!, method: sig[2]!, arity: splitTop(sig[3]!).length, signature: key, rows: [] };
        m.rows.push({ permissions: parts[1]!.split(",").map((p) => p.trim()), allOf: parts[2]?.trim() === "allOf" });
        out.set(key, m);
      }
    }
  }
  return out;
}

/** Signature-level permissions (third-party apps cannot hold them), from the same data set. */
function signaturePermissions(): Set<string> {
  const path = `${APER}/API29/signature-permissions.txt`;
  return new Set(existsSync(path) ? readFileSync(path, "utf8").split("\n").map((s) => s.trim()).filter(Boolean) : []);
}

/**
 * Whether the mapping says the method reads personal data: one of its rows names a data
 * permission, unless that row requires (allOf) a signature permission besides it — then no
 * third-party app can call it (READ_PRIVILEGED_PHONE_STATE is a data permission itself: apps do
 * call those methods, and the SecurityException is evidence of the attempt).
 */
function readsPersonalData(m: Mapped, signature: ReadonlySet<string>): boolean {
  return m.rows.some((r) => {
    if (r.allOf && r.permissions.some((p) => signature.has(p) && !DATA_PERMISSIONS.has(p))) return false;
    if (r.permissions.some((p) => DATA_PERMISSIONS.has(p))) return true;
    return r.permissions.some((p) => LEGACY_BLUETOOTH.has(p)) && BLUETOOTH_IDENTITY_OR_SCAN.test(m.method);
  });
}

// The public API, read from @nativescript/types-android as in catalogue.test.ts (kept to what
// this test needs: per class, whether it is an interface and the parameter counts per method).
interface PublicClass {
  iface: boolean;
  readonly methods: Map<string, number[]>;
}

async function readPublicApi(file: string): Promise<Map<string, PublicClass>> {
  const classes = new Map<string, PublicClass>();
  await walkAndroidDts(
    file,
    (c) => {
      const cls: PublicClass = { iface: false, methods: new Map() };
      classes.set(c.name, cls);
      return cls;
    },
    (cls, m) => {
      if (isInterfaceConstructor(m)) cls.iface = true;
      // An interface's `constructor(implementation: { … })` is not a member.
      if (m.name === "constructor" && m.opensBlock) return;
      const params = splitTop(m.rest.slice(0, m.rest.lastIndexOf(")")));
      const list = cls.methods.get(m.name) ?? [];
      list.push(params.length);
      cls.methods.set(m.name, list);
    },
  );
  return classes;
}

/** Why a mapped method is left out of the denominator, or null when it counts. */
function exclusion(m: Mapped, api: Map<string, PublicClass>): string | null {
  if (EXCLUDED[`${m.className}.${m.method}`]) return "listed";
  if (NOT_A_READ.test(m.method) || ADD_WITHOUT_LISTENER.test(m.method)) return "not a read";
  const cls = api.get(m.className.replace(/\$/g, "."));
  if (!cls) return "hidden class";
  const simple = m.className.split(/[.$]/).pop()!;
  if (cls.iface && /(Listener|Callback)$/.test(simple)) return "callback interface";
  if (!cls.methods.get(m.method)?.includes(m.arity)) return "hidden method";
  return null;
}

function covers(e: HookEntry, m: Mapped): boolean {
  if (e.method !== m.method) return false;
  if (e.className !== m.className && !(HOOKED_AS[m.className] ?? []).includes(e.className)) return false;
  return e.overloads === "all" || e.overloads.some((o) => o.length === m.arity);
}

describe.skipIf(!existsSync(APER))("hook catalogue: coverage of the APER permission mappings (API 26–31)", () => {
  it(`hooks at least ${COVERAGE_TARGET * 100}% of the public data-reading methods`, async () => {
    const api = await readPublicApi(NS_FILE);
    const signature = signaturePermissions();
    const relevant = [...readMappings().values()].filter((m) => readsPersonalData(m, signature));
    const excluded = new Map<string, number>();
    const counted: Mapped[] = [];
    for (const m of relevant) {
      const why = exclusion(m, api);
      if (why === null) counted.push(m);
      else excluded.set(why, (excluded.get(why) ?? 0) + 1);
    }
    const uncovered = counted.filter((m) => !CATALOGUE.some((e) => covers(e, m))).map((m) => m.signature).sort();
    const covered = counted.length - uncovered.length;
    const ratio = covered / counted.length;
    console.log(`catalogue coverage: ${covered}/${counted.length} (${(ratio * 100).toFixed(1)}%); excluded: ${[...excluded].map(([k, n]) => `${k} ${n}`).join(", ")}`);
    // The explicit list must stay current: every name on it is still in the mappings.
    for (const name of Object.keys(EXCLUDED)) expect(relevant.some((m) => `${m.className}.${m.method}` === name), `stale exclusion ${name}`).toBe(true);
    expect(counted.length).toBeGreaterThan(100);
    expect(ratio, `uncovered:\n  ${uncovered.join("\n  ")}`).toBeGreaterThanOrEqual(COVERAGE_TARGET);
  }, 60_000);
});

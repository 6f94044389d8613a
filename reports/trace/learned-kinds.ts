/**
 * Which identifier kind each hooked read returns, by hook id — data the three parts share: the
 * agent's matcher learns the values of these reads (agent/catalogue/network.ts), the runner's sink
 * keeps the seqs of these reads for the matches that name them (runner/agent-sink.ts), and the
 * egress rules ask whether a sender read an identifier of a kind itself
 * (reports/rules/families/egress.ts). Plain data, like ./categories.ts, which the agent imports too.
 */
import type { Category } from "./categories.js";

/** The category an identifier kind belongs to (the matcher's IdKind → the trace's categories), for opt-outs of categories. */
export const KIND_CATEGORY: Readonly<Record<LearnedKind, Category>> = {
  android_id: "device_identifiers",
  oaid: "device_identifiers",
  vaid: "device_identifiers",
  aaid: "device_identifiers",
  gaid: "device_identifiers",
  serial: "device_identifiers",
  imei: "phone_identifiers",
  meid: "phone_identifiers",
  imsi: "phone_identifiers",
  iccid: "phone_identifiers",
  phone_number: "phone_number",
  mac: "network_identifiers",
  ssid: "network_identifiers",
  bssid: "network_identifiers",
  location: "location",
};

/** The matcher's identifier kinds (agent/engine/id-normalise.ts IdKind, which must accept each). */
export type LearnedKind =
  | "android_id" | "imei" | "meid" | "imsi" | "iccid" | "serial" | "phone_number"
  | "oaid" | "vaid" | "aaid" | "gaid" | "mac" | "ssid" | "bssid" | "location";

/**
 * Which identifier a hooked read returns, by hook id (first matching rule): the agent hands the
 * value to the matcher with the call's local id as its read. Reads whose value is not one
 * identifier (lists, Location lists, cell info) are left out.
 */
export const LEARNED_KINDS: readonly (readonly [RegExp, LearnedKind])[] = [
  [/^settings\.(Secure|System)\.getString\.android_id$/, "android_id"],
  [/\.getMeid$/, "meid"],
  [/\.(getImei|getPrimaryImei|getDeviceId|getIMEI)(\.|$)/, "imei"],
  [/\.getSubscriberId$/, "imsi"],
  [/\.(getSimSerialNumber|getIccId)$/, "iccid"],
  [/^telephony\.Build\.getSerial$/, "serial"],
  [/\.(getLine1Number|getPhoneNumber)$|^telephony\.SubscriptionInfo\.getNumber$/, "phone_number"],
  [/^ids\.Info\.getId$/, "gaid"],
  // Huawei's and Honor's advertising ids are their OAIDs; the vendor suppliers' getSerID (HeyTap/OPlus) too.
  [/^ids\.Info\.getId\.hms$|^settings\.Global\.getString\.oaid$|\.(getOAID|getOaid|obtainOaid|getSerID)(\.|$)/, "oaid"],
  [/\.getVAID(\.|$)/, "vaid"],
  [/\.getAAID(\.|$)/, "aaid"],
  [/^(wifi|net|bluetooth)\..*(MacAddress|HardwareAddress|\.getAddress)$|^settings\.Secure\.getString\.bluetooth_address$/, "mac"],
  [/\.getBSSID$/, "bssid"],
  [/\.getSSID$|^net\.NetworkInfo\.getExtraInfo$/, "ssid"],
  [/^location\.(LocationManager|AMapLocationClient)\.getLastKnownLocation$|^location\.LocationResult\.getLastLocation(\.hms)?$/, "location"],
  // A native property read: serial here, or the IMEI/MEID the property's name says (agent/catalogue/native.ts, propertyKind).
  [/^native\.libc\.__system_property_get\.serial$/, "serial"],
];


const kindCache = new Map<string, LearnedKind | null>();

/**
 * The kinds a hook's result may be: a native property read is the serial, the IMEI or the MEID by
 * the property's name (agent/catalogue/native.ts, propertyKind), which not every reader of a trace
 * keeps; the others, their one kind.
 */
export function learnedKinds(hook: string): readonly LearnedKind[] {
  const k = learnedKind(hook);
  return k === null ? [] : hook === NATIVE_PROPERTY ? ["serial", "imei", "meid"] : [k];
}

const NATIVE_PROPERTY = "native.libc.__system_property_get.serial";

/** The kind a hook's result is, or null when the agent does not learn it (cached per hook). */
export function learnedKind(hook: string): LearnedKind | null {
  let k = kindCache.get(hook);
  if (k === undefined) {
    k = LEARNED_KINDS.find(([re]) => re.test(hook))?.[1] ?? null;
    if (kindCache.size < 4096) kindCache.set(hook, k);
  }
  return k;
}

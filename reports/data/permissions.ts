/**
 * Android permissions that matter for privacy: the runtime ("dangerous") permissions of the
 * platform, a few privileged / special-access / normal ones that still expose personal data,
 * the runtime permission group the Settings app shows each one under, and the data categories
 * (see `../trace/categories.ts`) each one guards.
 *
 * Sources (facts derived, nothing copied or loaded at run time):
 * - the AOSP framework manifest as dumped per API level (protection levels, API 23–36);
 * - the public `android.Manifest.permission` constants and their "added in" levels;
 * - the PermissionController's platform permission → group table (modern grouping).
 *
 * One group per permission: the group it has on current Android. Historical moves are not
 * modelled (READ_CALL_LOG/WRITE_CALL_LOG/PROCESS_OUTGOING_CALLS were in PHONE before API 28,
 * ACCESS_MEDIA_LOCATION was in STORAGE before API 33, GET_ACCOUNTS is shown under CONTACTS
 * although the framework manifest stopped declaring groups in API 29).
 */
import type { Category } from "../trace/categories.js";

export interface PermissionInfo {
  /** Full permission name, e.g. `android.permission.CAMERA`. */
  readonly name: string;
  /** Runtime permission group (`android.permission-group.X`); null when the permission has none. */
  readonly group: string | null;
  /** True when the protection level includes `dangerous`: granted through a runtime dialog. */
  readonly runtime: boolean;
  /** Data categories the permission guards; empty when it guards an action, not personal data. */
  readonly categories: readonly Category[];
  /** API level the permission was added in, where known. */
  readonly addedIn?: number;
  readonly note?: string;
}

const ANDROID = "android.permission.";
const GROUP = "android.permission-group.";

/** Group labels as the Settings app shows them (current Android). */
const GROUP_LABELS: Readonly<Record<string, string>> = {
  ACTIVITY_RECOGNITION: "Physical activity",
  CALENDAR: "Calendar",
  CALL_LOG: "Call logs",
  CAMERA: "Camera",
  CONTACTS: "Contacts",
  LOCATION: "Location",
  MICROPHONE: "Microphone",
  NEARBY_DEVICES: "Nearby devices",
  NOTIFICATIONS: "Notifications",
  PHONE: "Phone",
  READ_MEDIA_AURAL: "Music and audio",
  READ_MEDIA_VISUAL: "Photos and videos",
  SENSORS: "Body sensors",
  SMS: "SMS",
  STORAGE: "Files",
  XR_TRACKING: "XR tracking data",
  XR_TRACKING_SENSITIVE: "Sensitive XR tracking data",
};

/** All runtime permission groups known here, as full `android.permission-group.X` names. */
export const PERMISSION_GROUPS: readonly string[] = Object.keys(GROUP_LABELS).map((g) => GROUP + g);

type Row = readonly [
  name: string,
  group: string | null,
  runtime: boolean,
  categories: readonly Category[],
  addedIn: number | undefined,
  note?: string,
];

// [name (short names are android.permission.*), group (short), runtime, categories, addedIn, note]
const ROWS: readonly Row[] = [
  // LOCATION
  ["ACCESS_FINE_LOCATION", "LOCATION", true, ["location"], 1],
  ["ACCESS_COARSE_LOCATION", "LOCATION", true, ["location"], 1],
  ["ACCESS_BACKGROUND_LOCATION", "LOCATION", true, ["location"], 29,
    "Location while the app is in the background; granted separately, in Settings, from API 30."],

  // CONTACTS
  ["READ_CONTACTS", "CONTACTS", true, ["contacts"], 1],
  ["WRITE_CONTACTS", "CONTACTS", true, ["contacts"], 1],
  ["GET_ACCOUNTS", "CONTACTS", true, ["accounts"], 1,
    "Lists AccountManager accounts; from API 26 apps see only accounts they own or that are made visible to them without it."],

  // PHONE
  ["READ_PHONE_STATE", "PHONE", true, ["phone_identifiers", "carrier_info", "phone_number"], 1,
    "Before API 29 it exposed IMEI/IMSI/ICCID/serial; it still gives operator/SIM data, and getLine1Number() accepts it for apps targeting API < 30."],
  ["READ_PHONE_NUMBERS", "PHONE", true, ["phone_number"], 26],
  // The call-control permissions below act on calls; they do not read stored personal data.
  ["CALL_PHONE", "PHONE", true, [], 1, "Places calls without the dialer; no data read."],
  ["ANSWER_PHONE_CALLS", "PHONE", true, [], 26, "Answers or ends incoming calls; no data read."],
  ["ADD_VOICEMAIL", "PHONE", true, [], 14,
    "Full name com.android.voicemail.permission.ADD_VOICEMAIL; writes voicemails, reads none."],
  ["USE_SIP", "PHONE", true, [], 9, "SIP calling."],
  ["ACCEPT_HANDOVER", "PHONE", true, [], 28, "Continues a call started in another app."],
  ["READ_PRIVILEGED_PHONE_STATE", "PHONE", false, ["phone_identifiers"], undefined,
    "signature|privileged system permission: required for IMEI/IMSI/ICCID/serial from API 29; third-party apps cannot hold it. Grouped with PHONE here for reporting."],

  // CALL_LOG (in PHONE before API 28)
  ["READ_CALL_LOG", "CALL_LOG", true, ["call_log"], 16],
  ["WRITE_CALL_LOG", "CALL_LOG", true, ["call_log"], 16],
  ["PROCESS_OUTGOING_CALLS", "CALL_LOG", true, ["call_log"], 1,
    "Sees the number of every outgoing call; deprecated in API 29."],

  // SMS: sending and receiving count as SMS data too (content of messages, recipients).
  ["READ_SMS", "SMS", true, ["sms"], 1],
  ["SEND_SMS", "SMS", true, ["sms"], 1],
  ["RECEIVE_SMS", "SMS", true, ["sms"], 1],
  ["RECEIVE_MMS", "SMS", true, ["sms"], 1],
  ["RECEIVE_WAP_PUSH", "SMS", true, ["sms"], 1],
  ["READ_CELL_BROADCASTS", "SMS", true, ["sms"], undefined,
    "Hidden (not in the public SDK) but dangerous; emergency cell broadcast messages."],

  // CALENDAR
  ["READ_CALENDAR", "CALENDAR", true, ["calendar"], 1],
  ["WRITE_CALENDAR", "CALENDAR", true, ["calendar"], 1],

  // CAMERA / MICROPHONE
  ["CAMERA", "CAMERA", true, ["camera"], 1],
  ["RECORD_AUDIO", "MICROPHONE", true, ["microphone"], 1],

  // STORAGE and media
  ["READ_EXTERNAL_STORAGE", "STORAGE", true, ["media_storage"], 16,
    "Replaced by READ_MEDIA_* for apps targeting API 33+."],
  ["WRITE_EXTERNAL_STORAGE", "STORAGE", true, ["media_storage"], 4,
    "No effect for apps targeting API 30+ (scoped storage)."],
  ["READ_MEDIA_IMAGES", "READ_MEDIA_VISUAL", true, ["media_storage"], 33],
  ["READ_MEDIA_VIDEO", "READ_MEDIA_VISUAL", true, ["media_storage"], 33],
  ["READ_MEDIA_VISUAL_USER_SELECTED", "READ_MEDIA_VISUAL", true, ["media_storage"], 34,
    "Partial photo/video access to the items the user picked."],
  ["READ_MEDIA_AUDIO", "READ_MEDIA_AURAL", true, ["media_storage"], 33],
  // Modern group READ_MEDIA_VISUAL (STORAGE before API 33). It un-redacts the EXIF location of
  // photos: that is where a picture was taken, read through the media store, so it is recorded
  // as media_storage rather than device location.
  ["ACCESS_MEDIA_LOCATION", "READ_MEDIA_VISUAL", true, ["media_storage"], 29,
    "Un-redacts the location stored in photos' metadata."],

  // NEARBY_DEVICES. BLUETOOTH_SCAN results can be used to derive location, but unless the app
  // also holds a location permission it gets them only if it asserts `neverForLocation`; the
  // location itself is attributed to the location permissions, so BLUETOOTH_SCAN maps to
  // bluetooth only. The same reasoning applies to NEARBY_WIFI_DEVICES.
  ["BLUETOOTH_SCAN", "NEARBY_DEVICES", true, ["bluetooth"], 31,
    "Scan results can reveal location unless the app declares neverForLocation."],
  ["BLUETOOTH_CONNECT", "NEARBY_DEVICES", true, ["bluetooth"], 31],
  ["BLUETOOTH_ADVERTISE", "NEARBY_DEVICES", true, ["bluetooth"], 31],
  ["NEARBY_WIFI_DEVICES", "NEARBY_DEVICES", true, ["wifi_scan"], 33],
  // Ranging gives distances to nearby devices: no category of ours fits, so none.
  ["UWB_RANGING", "NEARBY_DEVICES", true, [], 31, "Relative position of nearby Ultra-wideband devices."],
  ["RANGING", "NEARBY_DEVICES", true, [], 36,
    "Relative position of nearby devices (UWB, BLE channel sounding, Wi-Fi RTT); some API 35 builds already declare it."],

  // ACTIVITY_RECOGNITION / SENSORS
  ["ACTIVITY_RECOGNITION", "ACTIVITY_RECOGNITION", true, ["sensors"], 29, "Step counter, activity transitions."],
  ["BODY_SENSORS", "SENSORS", true, ["sensors"], 20,
    "Heart rate and other body sensors; replaced by Health Connect permissions (android.permission.health.*) for apps targeting API 36."],
  ["BODY_SENSORS_BACKGROUND", "SENSORS", true, ["sensors"], 33],

  // NOTIFICATIONS: not personal data.
  ["POST_NOTIFICATIONS", "NOTIFICATIONS", true, [], 33],

  // Android XR (API 36): tracking data derived from headset cameras and sensors; recorded as
  // sensors. Constants live in Jetpack XR, not android.Manifest.permission.
  ["EYE_TRACKING_COARSE", "XR_TRACKING", true, ["sensors"], 36],
  ["EYE_TRACKING_FINE", "XR_TRACKING_SENSITIVE", true, ["sensors"], 36],
  ["FACE_TRACKING", "XR_TRACKING_SENSITIVE", true, ["sensors"], 36],
  ["HAND_TRACKING", "XR_TRACKING", true, ["sensors"], 36],
  ["HEAD_TRACKING", "XR_TRACKING", true, ["sensors"], 36],
  ["SCENE_UNDERSTANDING_COARSE", "XR_TRACKING", true, ["sensors"], 36],
  ["SCENE_UNDERSTANDING_FINE", "XR_TRACKING_SENSITIVE", true, ["sensors"], 36],

  // Not runtime, but privacy-relevant: special app access granted in Settings, or normal
  // permissions that open personal data.
  ["PACKAGE_USAGE_STATS", null, false, ["usage_stats"], 23,
    "Special app access (\"Usage access\" in Settings, app-op); the constant is public from API 23."],
  ["QUERY_ALL_PACKAGES", null, false, ["installed_apps"], 30,
    "Normal, but sensitive: full package visibility from API 30; restricted on Google Play."],
  ["ACCESS_WIFI_STATE", null, false, ["network_identifiers"], 1,
    "Normal: connection info (SSID/BSSID also need location), Wi-Fi MAC before API 23; scan results need a location permission as well."],
  ["BLUETOOTH", null, false, ["bluetooth"], 1, "Normal; legacy (maxSdkVersion 30), replaced by BLUETOOTH_CONNECT."],
  ["BLUETOOTH_ADMIN", null, false, ["bluetooth"], 1, "Normal; legacy (maxSdkVersion 30), discovery; replaced by BLUETOOTH_SCAN."],
];

/** Full names whose prefix is not `android.permission.`. */
const FULL_NAMES: Readonly<Record<string, string>> = {
  ADD_VOICEMAIL: "com.android.voicemail.permission.ADD_VOICEMAIL",
};

function fullName(short: string): string {
  return FULL_NAMES[short] ?? ANDROID + short;
}

function build(): Readonly<Record<string, PermissionInfo>> {
  const out: Record<string, PermissionInfo> = {};
  for (const [short, group, runtime, categories, addedIn, note] of ROWS) {
    const name = fullName(short);
    const info: PermissionInfo = {
      name,
      group: group === null ? null : GROUP + group,
      runtime,
      categories: Object.freeze([...categories]),
      ...(addedIn !== undefined ? { addedIn } : {}),
      ...(note !== undefined ? { note } : {}),
    };
    out[name] = Object.freeze(info);
  }
  return Object.freeze(out);
}

/** Privacy-relevant Android permissions by full name. */
export const PERMISSIONS: Readonly<Record<string, PermissionInfo>> = build();

/** Short name (part after the last dot) → full name, for the permissions above. */
const BY_SHORT: ReadonlyMap<string, string> = new Map(
  Object.keys(PERMISSIONS).map((full) => [full.slice(full.lastIndexOf(".") + 1), full]),
);

/**
 * Look a permission up. Accepts full names (`android.permission.CAMERA`,
 * `com.android.voicemail.permission.ADD_VOICEMAIL`), short names (`CAMERA`, `ADD_VOICEMAIL`,
 * case-insensitive) and `Manifest.permission.CAMERA`-style references.
 */
export function permissionInfo(name: string): PermissionInfo | undefined {
  const trimmed = name.trim();
  if (trimmed === "") return undefined;
  const direct = PERMISSIONS[trimmed];
  if (direct !== undefined) return direct;
  const manifest = /^(?:android\.)?Manifest\.permission\.([A-Za-z0-9_]+)$/.exec(trimmed);
  const short = manifest?.[1] ?? (trimmed.includes(".") ? undefined : trimmed);
  if (short === undefined) return undefined;
  const full = BY_SHORT.get(short.toUpperCase());
  return full === undefined ? undefined : PERMISSIONS[full];
}

/** The runtime group of a permission; null when unknown or when it has none. */
export function permissionGroup(name: string): string | null {
  return permissionInfo(name)?.group ?? null;
}

/** The data categories a permission guards; [] when unknown. */
export function permissionCategories(name: string): readonly Category[] {
  return permissionInfo(name)?.categories ?? [];
}

/**
 * Human label of a permission group ("Location" for `android.permission-group.LOCATION`).
 * Accepts the short form (`LOCATION`) too; unknown groups get a label made from their name.
 */
export function groupLabel(group: string): string {
  const short = group.startsWith(GROUP) ? group.slice(GROUP.length) : group;
  const known = GROUP_LABELS[short];
  if (known !== undefined) return known;
  const words = short.toLowerCase().replace(/_+/g, " ").trim();
  return words === "" ? group : words.charAt(0).toUpperCase() + words.slice(1);
}

/**
 * The hook catalogue: every API family's entries in one list, in a stable order (families as
 * below, entries in module order). The installer hooks them all; the runner's --include and
 * --exclude select by id prefix.
 *
 * Ids are `family.Class.method[.variant]`. The family names the API family the trace reader sees
 * (`location`, `telephony`, `settings`, `ids`, `wifi`, `bluetooth`, `net`, `apps`, `content`,
 * `clipboard`, `camera`, `mic`, `accounts`, `sensors`, `permission`, `launch`, `exec`; egress under `net`), not the module:
 * Wi-Fi scans live with location, the Android ID with device identifiers. `Class` is the simple
 * name (the innermost one for nested classes: `settings.Secure`), or the public name where the
 * hooked class is its hidden implementation (`apps.PackageManager` hooks
 * ApplicationPackageManager). An id is never reused for another API.
 */
import { ACCOUNTS } from "./accounts.js";
import { APPS } from "./apps.js";
import { CAMERA_MIC } from "./camera-mic.js";
import { CLIPBOARD } from "./clipboard.js";
import { CONTENT } from "./content.js";
import { DEVICE_IDS } from "./device-ids.js";
import { EXEC } from "./exec.js";
import { LAUNCH } from "./launch.js";
import { LOCATION } from "./location.js";
import { NETWORK } from "./network.js";
import { OAID } from "./oaid.js";
import { PERMISSIONS } from "./permissions.js";
import { SENSORS } from "./sensors.js";
import { TELEPHONY } from "./telephony.js";
import { TELEPHONY_SERVICES } from "./telephony-services.js";
import type { HookEntry } from "./types.js";
import { WIFI_BLUETOOTH } from "./wifi-bluetooth.js";

export type { Classifier, EgressLayer, EgressSpec, HookEntry, ScanPoint, Summary } from "./types.js";
export { LEARNED_KINDS, SCAN_POINTS } from "./network.js";

/**
 * Version of the catalogue's content: bump the minor for added entries, the major when an entry
 * changes meaning or is removed (ids are never reused). Recorded with each run.
 */
export const CATALOGUE_VERSION = "1.2.0";

/** Every hook entry, family by family. */
export const CATALOGUE: readonly HookEntry[] = [
  ...LOCATION,
  ...TELEPHONY,
  ...TELEPHONY_SERVICES,
  ...DEVICE_IDS,
  ...OAID,
  ...APPS,
  ...CONTENT,
  ...CLIPBOARD,
  ...CAMERA_MIC,
  ...ACCOUNTS,
  ...SENSORS,
  ...WIFI_BLUETOOTH,
  ...PERMISSIONS,
  ...LAUNCH,
  ...EXEC,
  ...NETWORK,
];

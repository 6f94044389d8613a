/**
 * The fixed vocabulary of data categories a call event can carry (trace format v1).
 * Adding a category is a minor version of the format; renaming or removing one is a major one.
 *
 * - `data` categories are personal information in the sense of the 2019 identification methods
 *   and PIPL: reading them is "collection".
 * - `capability` categories open a sensor that captures personal information (camera, microphone…):
 *   using them is collection, but whether they are necessary depends on the feature, not the app type.
 * - `meta` categories describe behaviour around permissions, other apps and the network; they are not collection.
 */
export type CategoryClass = "data" | "capability" | "meta";

export interface CategoryInfo {
  readonly id: Category;
  readonly class: CategoryClass;
  /**
   * Values that identify or expose a person (IMEI, Android ID, numbers, coordinates, clipboard
   * text, nearby access points, file paths): redacted in outputs by default.
   */
  readonly identifying: boolean;
  readonly label: string;
  readonly labelZh: string;
  readonly description: string;
}

export const CATEGORY_IDS = [
  "location",
  "contacts",
  "sms",
  "call_log",
  "calendar",
  "phone_identifiers",
  "device_identifiers",
  "network_identifiers",
  "phone_number",
  "carrier_info",
  "installed_apps",
  "running_apps",
  "usage_stats",
  "clipboard",
  "accounts",
  "media_storage",
  "wifi_scan",
  "bluetooth",
  "camera",
  "microphone",
  "sensors",
  "permission_request",
  "permission_check",
  "other_app_launch",
  "network_egress",
] as const;

export type Category = (typeof CATEGORY_IDS)[number];

function c(
  id: Category,
  cls: CategoryClass,
  identifying: boolean,
  label: string,
  labelZh: string,
  description: string,
): CategoryInfo {
  return { id, class: cls, identifying, label, labelZh, description };
}

export const CATEGORIES: Readonly<Record<Category, CategoryInfo>> = {
  location: c("location", "data", true, "Location", "位置信息", "GPS/network/fused location, cell location and cell info, geocoding, location SDK entry points."),
  contacts: c("contacts", "data", true, "Contacts", "通讯录", "The contacts provider and contact pickers."),
  sms: c("sms", "data", true, "SMS/MMS", "短信", "SMS and MMS content providers, SMS reading APIs."),
  call_log: c("call_log", "data", true, "Call log", "通话记录", "The call log provider."),
  calendar: c("calendar", "data", true, "Calendar", "日历", "The calendar provider."),
  phone_identifiers: c("phone_identifiers", "data", true, "Phone identifiers", "设备识别码(IMEI等)", "IMEI, MEID, IMSI, ICCID, hardware serial number."),
  device_identifiers: c("device_identifiers", "data", true, "Device identifiers", "设备标识符(Android ID/OAID)", "Android ID, OAID, advertising ID, other resettable identifiers."),
  network_identifiers: c("network_identifiers", "data", true, "Network identifiers", "网络标识(MAC/BSSID)", "MAC addresses, BSSID, SSID, IP addresses, ARP table."),
  phone_number: c("phone_number", "data", true, "Phone number", "手机号码", "The line 1 / voicemail number and subscription numbers read from the device."),
  carrier_info: c("carrier_info", "data", false, "Carrier information", "运营商信息", "Network and SIM operator codes and names, SIM state."),
  installed_apps: c("installed_apps", "data", false, "Installed apps", "应用安装列表", "Lists of installed packages, or information about other packages."),
  running_apps: c("running_apps", "data", false, "Running apps", "运行中应用", "Running processes, tasks and recent tasks."),
  usage_stats: c("usage_stats", "data", false, "App usage statistics", "应用使用情况", "UsageStatsManager queries."),
  clipboard: c("clipboard", "data", true, "Clipboard", "剪切板", "Reading the clipboard or watching it."),
  accounts: c("accounts", "data", true, "Accounts", "账户信息", "AccountManager accounts and tokens."),
  media_storage: c("media_storage", "data", true, "Photos, media and files", "相册与媒体文件", "Media store images, video, audio and downloads."),
  wifi_scan: c("wifi_scan", "data", true, "Wi-Fi scans", "Wi-Fi扫描", "Wi-Fi scan results (nearby access points, usable for location)."),
  bluetooth: c("bluetooth", "data", true, "Bluetooth", "蓝牙信息", "Bluetooth adapter address/name, scans and bonded devices."),
  camera: c("camera", "capability", false, "Camera", "摄像头", "Opening a camera."),
  microphone: c("microphone", "capability", false, "Microphone", "麦克风", "Recording audio or speech recognition."),
  sensors: c("sensors", "capability", false, "Sensors", "传感器", "Motion and environment sensor listeners."),
  permission_request: c("permission_request", "meta", false, "Permission request", "权限申请", "A runtime permission request by the app."),
  permission_check: c("permission_check", "meta", false, "Permission check", "权限检查", "checkSelfPermission and similar; not collection."),
  other_app_launch: c("other_app_launch", "meta", false, "Starting other apps", "唤醒其他应用", "startActivity/startService/bindService/sendBroadcast aimed at another package."),
  // Sending is not itself collection: the egress rules judge what a send carried (its `net` matches).
  network_egress: c("network_egress", "meta", false, "Network egress", "网络外发", "Requests and writes leaving the app (OkHttp, TLS, sockets), with the identifiers they carried (`net`)."),
};

const categorySet: ReadonlySet<string> = new Set(CATEGORY_IDS);

/** Whether a string is a category of the vocabulary. */
export function isCategory(value: unknown): value is Category {
  return typeof value === "string" && categorySet.has(value);
}

/** Whether reading this category counts as collecting personal information. */
export function isCollection(category: Category): boolean {
  return CATEGORIES[category].class !== "meta";
}

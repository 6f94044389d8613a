/**
 * Device identifiers: the Android ID, advertising identifiers (Google, Huawei, the Chinese MSA
 * OAID), and the network hardware addresses that serve as identifiers (Wi-Fi and Bluetooth MAC,
 * BSSID, SSID, IP). All identifier values are hashed.
 *
 * The IMEI family and the serial number are in telephony.ts.
 */
import type { HookEntry, Implementations } from "./types.js";

const GETSTRING: readonly (readonly string[])[] = [["android.content.ContentResolver", "java.lang.String"]];
const WI = "android.net.wifi.WifiInfo";
const BA = "android.bluetooth.BluetoothAdapter";
// MAC addresses read as 02:00:00:00:00:00 from API 23 unless the caller holds this signature permission.
const LOCAL_MAC = "android.permission.LOCAL_MAC_ADDRESS";
const OAID = "MSA (China Mobile Security Alliance) OAID SDK in the app, not the platform";
const IDS = "https://developer.android.com/training/articles/user-data-ids";
// The Play services permission (not an android.permission.*), so it is named in `ref`, not `permission`.
const AD_ID = "needs com.google.android.gms.permission.AD_ID when the app targets API 33+";
const MSA_HELPER = "com.bun.miitmdid.core.MdidSdkHelper";
const MSA_IMPLEMENTATIONS: Implementations = { known: ["com.bun.miitmdid.pojo.IdSupplierImpl"], after: [`${MSA_HELPER}.InitSdk`] };

export const DEVICE_IDS: readonly HookEntry[] = [
  // Settings getString is read for dozens of names; only the identifying ones are recorded.
  { id: "settings.Secure.getString.android_id", className: "android.provider.Settings$Secure", method: "getString", overloads: GETSTRING, when: { arg: 1, oneOf: ["android_id"] }, category: "device_identifiers", args: ["omit", "raw"], ret: "hash", ref: IDS },
  // Settings.System.ANDROID_ID is the pre-API 3 name; the platform forwards the read to Secure.
  // The OAID Huawei (pps_oaid) and Honor (oaid) ROMs publish in Settings.Global: HMS's and Honor's
  // ad-identifier clients read it there before binding their services, and so do SDKs directly
  // (Android_CN_OAID's HuaweiImpl/HonorImpl; the Honor client's getAdvertisingIdInfo).
  { id: "settings.Global.getString.oaid", className: "android.provider.Settings$Global", method: "getString", overloads: GETSTRING, when: { arg: 1, oneOf: ["pps_oaid", "oaid"] }, category: "device_identifiers", args: ["omit", "raw"], ret: "hash", ref: "github.com/gzu-liyujiang/Android_CN_OAID HuaweiImpl.java, HonorImpl.java" },
  { id: "settings.System.getString.android_id", className: "android.provider.Settings$System", method: "getString", overloads: GETSTRING, when: { arg: 1, oneOf: ["android_id"] }, category: "device_identifiers", args: ["omit", "raw"], ret: "hash", ref: IDS },
  // The Bluetooth MAC and name were readable from Secure settings before API 26.
  { id: "settings.Secure.getString.bluetooth_address", className: "android.provider.Settings$Secure", method: "getString", overloads: GETSTRING, when: { arg: 1, oneOf: ["bluetooth_address", "bluetooth_name"] }, category: "bluetooth", args: ["omit", "raw"], ret: "hash" },

  // Advertising identifiers: resettable, but identifiers all the same.
  { id: "ids.AdvertisingIdClient.getAdvertisingIdInfo", className: "com.google.android.gms.ads.identifier.AdvertisingIdClient", method: "getAdvertisingIdInfo", overloads: "all", category: "device_identifiers", ret: "type", nonPublic: "Play services SDK, not the platform", ref: AD_ID },
  { id: "ids.Info.getId", className: "com.google.android.gms.ads.identifier.AdvertisingIdClient$Info", method: "getId", overloads: "all", category: "device_identifiers", ret: "hash", nonPublic: "Play services SDK, not the platform", ref: AD_ID },
  { id: "ids.AdvertisingIdClient.getAdvertisingIdInfo.androidx", className: "androidx.ads.identifier.AdvertisingIdClient", method: "getAdvertisingIdInfo", overloads: "all", category: "device_identifiers", ret: "type", nonPublic: "Jetpack library class in the app" },
  { id: "ids.AdvertisingIdClient.getAdvertisingIdInfo.hms", className: "com.huawei.hms.ads.identifier.AdvertisingIdClient", method: "getAdvertisingIdInfo", overloads: "all", category: "device_identifiers", ret: "type", nonPublic: "Huawei Mobile Services SDK, not the platform" },
  // MSA OAID SDK: InitSdk starts the read; the IdSupplier handed to the app's listener
  // (IIdentifierListener.OnSupport) returns the IDs. IdSupplier is an interface: its methods are
  // hooked in the classes implementing it (types.ts, Implementations). From MSA 1.1 that is
  // com.bun.miitmdid.pojo.IdSupplierImpl; the 1.0.x SDKs implement it per vendor in obfuscated
  // classes (com.bun.miitmdid.c.<x>.a), found among the loaded classes, also right after InitSdk
  // returns (as bundled in Baidu Tieba: n0099/open-tbclient, com/bun/miitmdid/pojo/IdSupplierImpl.java,
  // com/bun/miitmdid/core/MdidSdkHelper.java, com/bun/supplier/IdSupplier.java).
  { id: "ids.MdidSdkHelper.InitSdk", className: MSA_HELPER, method: "InitSdk", overloads: "all", category: "device_identifiers", args: ["omit", "raw"], ret: "raw", nonPublic: OAID },
  ...["getOAID", "getVAID", "getAAID"].map((m): HookEntry => ({ id: `ids.IdSupplier.${m}`, className: "com.bun.miitmdid.interfaces.IdSupplier", method: m, overloads: "all", category: "device_identifiers", ret: "hash", nonPublic: OAID, implementations: MSA_IMPLEMENTATIONS })),
  // MSA SDK 1.0.10–1.0.13 package name.
  { id: "ids.IdSupplier.getOAID.legacy", className: "com.bun.supplier.IdSupplier", method: "getOAID", overloads: "all", category: "device_identifiers", ret: "hash", nonPublic: OAID, implementations: { after: MSA_IMPLEMENTATIONS.after! } },
  // MSA SDK 1.0.2x: the listener gets a com.bun.miitmdid.supplier.IdSupplier (n0099/open-tbclient,
  // com/bun/miitmdid/supplier/IdSupplier.java; its vendors implement InnerIdSupplier, which extends it).
  ...["getOAID", "getVAID", "getAAID"].map((m): HookEntry => ({ id: `ids.IdSupplier.${m}.supplier`, className: "com.bun.miitmdid.supplier.IdSupplier", method: m, overloads: "all", category: "device_identifiers", ret: "hash", nonPublic: OAID, implementations: { after: MSA_IMPLEMENTATIONS.after! } })),

  // Wi-Fi connection identifiers. SSID and BSSID need a location permission from API 26 (else
  // "<unknown ssid>" / 02:00:00:00:00:00): they name the network and the access point, a location.
  { id: "wifi.WifiInfo.getMacAddress", className: WI, method: "getMacAddress", overloads: "all", permission: LOCAL_MAC, category: "network_identifiers", ret: "hash" },
  { id: "wifi.WifiInfo.getBSSID", className: WI, method: "getBSSID", overloads: "all", permission: "android.permission.ACCESS_FINE_LOCATION", category: "network_identifiers", ret: "hash" },
  { id: "wifi.WifiInfo.getSSID", className: WI, method: "getSSID", overloads: "all", permission: "android.permission.ACCESS_FINE_LOCATION", category: "network_identifiers", ret: "hash" },
  { id: "wifi.WifiInfo.getIpAddress", className: WI, method: "getIpAddress", overloads: "all", permission: "android.permission.ACCESS_WIFI_STATE", category: "network_identifiers", ret: "hash" },
  // The connected network's extra information: its SSID (quoted), without the location
  // permission WifiInfo.getSSID needs, up to API 27 (developer.android.com/reference/android/net/NetworkInfo#getExtraInfo()).
  { id: "net.NetworkInfo.getExtraInfo", className: "android.net.NetworkInfo", method: "getExtraInfo", overloads: "all", permission: "android.permission.ACCESS_NETWORK_STATE", category: "network_identifiers", ret: "hash" },
  // The device's Wi-Fi MAC for a device owner or an organisation-owned profile owner (API 24+).
  { id: "net.DevicePolicyManager.getWifiMacAddress", className: "android.app.admin.DevicePolicyManager", method: "getWifiMacAddress", overloads: "all", minApi: 24, category: "network_identifiers", args: ["omit"], ret: "hash" },
  // An identifier of the device within an organisation (API 31), for a work profile's owner.
  { id: "ids.DevicePolicyManager.getEnrollmentSpecificId", className: "android.app.admin.DevicePolicyManager", method: "getEnrollmentSpecificId", overloads: "all", minApi: 31, category: "device_identifiers", ret: "hash" },
  // Wi-Fi 7 (API 33, 34): the access point's multi-link device address and its links' BSSIDs;
  // the beacon's information elements (API 31) carry the SSID; a Passpoint network's id (API 35).
  { id: "wifi.WifiInfo.getApMldMacAddress", className: WI, method: "getApMldMacAddress", overloads: "all", minApi: 33, permission: "android.permission.ACCESS_FINE_LOCATION", category: "network_identifiers", ret: "hash" },
  { id: "wifi.WifiInfo.getAffiliatedMloLinks", className: WI, method: "getAffiliatedMloLinks", overloads: "all", minApi: 33, permission: "android.permission.ACCESS_FINE_LOCATION", category: "network_identifiers", ret: "len" },
  { id: "wifi.WifiInfo.getAssociatedMloLinks", className: WI, method: "getAssociatedMloLinks", overloads: "all", minApi: 34, permission: "android.permission.ACCESS_FINE_LOCATION", category: "network_identifiers", ret: "len" },
  { id: "wifi.WifiInfo.getInformationElements", className: WI, method: "getInformationElements", overloads: "all", minApi: 31, permission: "android.permission.ACCESS_FINE_LOCATION", category: "network_identifiers", ret: "len" },
  { id: "wifi.WifiInfo.getPasspointUniqueId", className: WI, method: "getPasspointUniqueId", overloads: "all", minApi: 35, category: "network_identifiers", ret: "hash" },
  // The MAC through java.net: no permission; returns null for apps targeting API 30+.
  { id: "net.NetworkInterface.getHardwareAddress", className: "java.net.NetworkInterface", method: "getHardwareAddress", overloads: "all", category: "network_identifiers", ret: "hash" },

  // The Bluetooth adapter's own address and name (the name is often the owner's).
  { id: "bluetooth.BluetoothAdapter.getAddress", className: BA, method: "getAddress", overloads: "all", permission: LOCAL_MAC, category: "bluetooth", ret: "hash" },
  { id: "bluetooth.BluetoothAdapter.getName", className: BA, method: "getName", overloads: "all", permission: "android.permission.BLUETOOTH_CONNECT", category: "bluetooth", ret: "hash" },
];

/**
 * Location: the platform LocationManager and geocoder, cell location on TelephonyManager, Wi-Fi
 * scans (nearby access points locate a device as well as GPS does) and Wi-Fi RTT ranging, and the
 * entry points of the location SDKs that apps embed instead of the platform API.
 *
 * Permission: reads that either location permission satisfies record ACCESS_FINE_LOCATION (the one
 * apps ask for location with; ACCESS_COARSE_LOCATION alone gives the same calls a coarse result);
 * GNSS status, measurements and NMEA need the fine one. Coordinates are never summarised raw:
 * locations are summarised by type, lists by length.
 */
import type { HookEntry, Implementations } from "./types.js";

const GMS_CLIENT_IMPLEMENTATIONS: Implementations = { after: ["com.google.android.gms.location.LocationServices.getFusedLocationProviderClient"] };

const LM = "android.location.LocationManager";
const TM = "android.telephony.TelephonyManager";
const WM = "android.net.wifi.WifiManager";
const FINE = "android.permission.ACCESS_FINE_LOCATION";
const COARSE = "android.permission.ACCESS_COARSE_LOCATION";
const DOCS = "developer.android.com/reference/android/location/LocationManager; APER API26–31";
const PLAY = "Play services SDK, not the platform";
const HMS = "Huawei Mobile Services SDK, not the platform";
const HMS_CLIENT = "com.huawei.hms.location.FusedLocationProviderClient";

export const LOCATION: readonly HookEntry[] = [
  // LocationManager: one-shot reads, subscriptions and GNSS raw data. The public overloads call
  // one another (and, from API 31, one LocationRequest-based overload), so `all` covers every
  // way in, including the ones apps reach through reflection.
  { id: "location.LocationManager.getLastKnownLocation", className: LM, method: "getLastKnownLocation", overloads: "all", permission: FINE, category: "location", args: ["raw"], ret: "type", ref: DOCS },
  { id: "location.LocationManager.requestLocationUpdates", className: LM, method: "requestLocationUpdates", overloads: "all", permission: FINE, category: "location", args: ["raw", "raw", "raw"] },
  { id: "location.LocationManager.requestSingleUpdate", className: LM, method: "requestSingleUpdate", overloads: "all", permission: FINE, category: "location", args: ["raw"] },
  { id: "location.LocationManager.getCurrentLocation", className: LM, method: "getCurrentLocation", overloads: "all", minApi: 30, permission: FINE, category: "location", args: ["raw"] },
  { id: "location.LocationManager.requestFlush", className: LM, method: "requestFlush", overloads: "all", minApi: 31, permission: FINE, category: "location", args: ["raw"] },
  { id: "location.LocationManager.addProximityAlert", className: LM, method: "addProximityAlert", overloads: "all", permission: FINE, category: "location", args: ["omit", "omit", "raw", "raw"] },
  // Provider queries need no permission but are how location code starts; names only.
  { id: "location.LocationManager.getProviders", className: LM, method: "getProviders", overloads: "all", category: "location", ret: "raw" },
  { id: "location.LocationManager.getBestProvider", className: LM, method: "getBestProvider", overloads: "all", category: "location", ret: "raw" },
  // GNSS status, NMEA sentences (they carry fixes), raw measurements and navigation messages.
  { id: "location.LocationManager.addGpsStatusListener", className: LM, method: "addGpsStatusListener", overloads: "all", permission: FINE, category: "location" },
  { id: "location.LocationManager.getGpsStatus", className: LM, method: "getGpsStatus", overloads: "all", permission: FINE, category: "location", ret: "type" },
  { id: "location.LocationManager.registerGnssStatusCallback", className: LM, method: "registerGnssStatusCallback", overloads: "all", minApi: 24, permission: FINE, category: "location" },
  { id: "location.LocationManager.addNmeaListener", className: LM, method: "addNmeaListener", overloads: "all", permission: FINE, category: "location" },
  { id: "location.LocationManager.registerGnssMeasurementsCallback", className: LM, method: "registerGnssMeasurementsCallback", overloads: "all", minApi: 24, permission: FINE, category: "location" },
  { id: "location.LocationManager.registerGnssNavigationMessageCallback", className: LM, method: "registerGnssNavigationMessageCallback", overloads: "all", minApi: 24, permission: FINE, category: "location" },
  { id: "location.LocationManager.registerAntennaInfoListener", className: LM, method: "registerAntennaInfoListener", overloads: "all", minApi: 30, permission: FINE, category: "location" },

  // Geocoding turns coordinates into an address and back: no permission, but the arguments are
  // the location itself, so coordinates are omitted and place names hashed.
  { id: "location.Geocoder.getFromLocation", className: "android.location.Geocoder", method: "getFromLocation", overloads: "all", category: "location", args: ["omit", "omit", "raw"], ret: "len" },
  { id: "location.Geocoder.getFromLocationName", className: "android.location.Geocoder", method: "getFromLocationName", overloads: "all", category: "location", args: ["hash", "raw"], ret: "len" },

  // Cell location: the serving and neighbouring cells locate the device without GPS.
  { id: "location.TelephonyManager.getCellLocation", className: TM, method: "getCellLocation", overloads: [[]], permission: FINE, category: "location", ret: "type" },
  { id: "location.TelephonyManager.getAllCellInfo", className: TM, method: "getAllCellInfo", overloads: [[]], permission: FINE, category: "location", ret: "len" },
  // Removed from the SDK in API 29 but still on the device: apps built against older SDKs call it
  // (the service refuses callers targeting API 29+ with a SecurityException, recorded as an attempt).
  { id: "location.TelephonyManager.getNeighboringCellInfo", className: TM, method: "getNeighboringCellInfo", overloads: [[]], permission: COARSE, category: "location", ret: "len" },
  { id: "location.TelephonyManager.requestCellInfoUpdate", className: TM, method: "requestCellInfoUpdate", overloads: "all", minApi: 29, permission: FINE, category: "location" },
  // Network scans list the cells around the device (MODIFY_PHONE_STATE or carrier privileges too).
  { id: "location.TelephonyManager.requestNetworkScan", className: TM, method: "requestNetworkScan", overloads: "all", minApi: 28, permission: FINE, category: "location" },
  { id: "location.CellLocation.requestLocationUpdate", className: "android.telephony.CellLocation", method: "requestLocationUpdate", overloads: "all", permission: FINE, category: "location" },
  { id: "location.NetworkRegistrationInfo.getCellIdentity", className: "android.telephony.NetworkRegistrationInfo", method: "getCellIdentity", overloads: "all", minApi: 30, permission: FINE, category: "location", ret: "type" },

  // Ranging (API 36, RANGING): distance and angle to nearby devices over UWB, BLE channel
  // sounding, Wi-Fi RTT; the session starts measuring here.
  { id: "location.RangingSession.start", className: "android.ranging.RangingSession", method: "start", overloads: "all", minApi: 36, permission: "android.permission.RANGING", category: "location", ref: "developer.android.com/reference/android/ranging/RangingManager" },

  // Wi-Fi scans: the access points around the device. Results need a location permission.
  { id: "wifi.WifiManager.getScanResults", className: WM, method: "getScanResults", overloads: "all", permission: FINE, category: "wifi_scan", ret: "len" },
  { id: "wifi.WifiManager.startScan", className: WM, method: "startScan", overloads: "all", permission: "android.permission.CHANGE_WIFI_STATE", category: "wifi_scan", ret: "raw" },
  { id: "wifi.WifiManager.registerScanResultsCallback", className: WM, method: "registerScanResultsCallback", overloads: "all", minApi: 30, permission: "android.permission.ACCESS_WIFI_STATE", category: "wifi_scan" },
  // Round-trip-time ranging to access points: metre-level indoor position.
  { id: "location.WifiRttManager.startRanging", className: "android.net.wifi.rtt.WifiRttManager", method: "startRanging", overloads: "all", minApi: 28, permission: FINE, category: "location" },

  // Google Play services fused location. From play-services-location 21 (Google's release notes,
  // 13 Oct 2022) the client is an interface: its methods are hooked in the classes implementing it,
  // looked for again after the factory returns one; an older SDK's class is hooked as before.
  { id: "location.FusedLocationProviderClient.getLastLocation", className: "com.google.android.gms.location.FusedLocationProviderClient", method: "getLastLocation", overloads: "all", permission: FINE, category: "location", ret: "type", implementations: GMS_CLIENT_IMPLEMENTATIONS, nonPublic: PLAY },
  { id: "location.FusedLocationProviderClient.getCurrentLocation", className: "com.google.android.gms.location.FusedLocationProviderClient", method: "getCurrentLocation", overloads: "all", permission: FINE, category: "location", args: ["raw"], ret: "type", implementations: GMS_CLIENT_IMPLEMENTATIONS, nonPublic: PLAY },
  { id: "location.FusedLocationProviderClient.requestLocationUpdates", className: "com.google.android.gms.location.FusedLocationProviderClient", method: "requestLocationUpdates", overloads: "all", permission: FINE, category: "location", args: ["raw"], implementations: GMS_CLIENT_IMPLEMENTATIONS, nonPublic: PLAY },

  // Where a fused location reaches the app, whatever client delivered it: a LocationResult
  // (a class, not an interface, in the SDK's API reference) in the LocationCallback, or extracted from the
  // PendingIntent's Intent. Hooking these, not Location.getLatitude/getLongitude, is deliberate:
  // a map reads the coordinates of one Location every frame (a hook there costs a Java↔JS
  // transition per read and floods the trace), while a result is read once per delivery.
  // LocationServices.getFusedLocationProviderClient is the factory apps get the client from,
  // stable across the versions where the client became an interface; making a client needs no
  // permission (so it carries none: a permission here would turn every app that makes its client
  // after a denial into a refusal finding).
  { id: "location.LocationServices.getFusedLocationProviderClient", className: "com.google.android.gms.location.LocationServices", method: "getFusedLocationProviderClient", overloads: "all", category: "location", ret: "type", nonPublic: PLAY },
  { id: "location.LocationResult.getLastLocation", className: "com.google.android.gms.location.LocationResult", method: "getLastLocation", overloads: "all", permission: FINE, category: "location", ret: "type", nonPublic: PLAY },
  { id: "location.LocationResult.getLocations", className: "com.google.android.gms.location.LocationResult", method: "getLocations", overloads: "all", permission: FINE, category: "location", ret: "len", nonPublic: PLAY },
  { id: "location.LocationResult.extractResult", className: "com.google.android.gms.location.LocationResult", method: "extractResult", overloads: "all", permission: FINE, category: "location", ret: "type", nonPublic: PLAY },
  // Huawei Location Kit (HMS): the same shape, its own classes (developer.huawei.com, Location
  // Kit API reference: FusedLocationProviderClient, LocationServices, LocationResult).
  { id: "location.FusedLocationProviderClient.getLastLocation.hms", className: HMS_CLIENT, method: "getLastLocation", overloads: "all", permission: FINE, category: "location", ret: "type", nonPublic: HMS },
  { id: "location.FusedLocationProviderClient.getLastLocationWithAddress.hms", className: HMS_CLIENT, method: "getLastLocationWithAddress", overloads: "all", permission: FINE, category: "location", ret: "type", nonPublic: HMS },
  { id: "location.FusedLocationProviderClient.requestLocationUpdates.hms", className: HMS_CLIENT, method: "requestLocationUpdates", overloads: "all", permission: FINE, category: "location", args: ["raw"], nonPublic: HMS },
  { id: "location.FusedLocationProviderClient.requestLocationUpdatesEx.hms", className: HMS_CLIENT, method: "requestLocationUpdatesEx", overloads: "all", permission: FINE, category: "location", args: ["raw"], nonPublic: HMS },
  { id: "location.LocationServices.getFusedLocationProviderClient.hms", className: "com.huawei.hms.location.LocationServices", method: "getFusedLocationProviderClient", overloads: "all", category: "location", ret: "type", nonPublic: HMS },
  { id: "location.LocationResult.getLastLocation.hms", className: "com.huawei.hms.location.LocationResult", method: "getLastLocation", overloads: "all", permission: FINE, category: "location", ret: "type", nonPublic: HMS },
  { id: "location.LocationResult.getLocations.hms", className: "com.huawei.hms.location.LocationResult", method: "getLocations", overloads: "all", permission: FINE, category: "location", ret: "len", nonPublic: HMS },

  // Chinese location SDKs (AMap/Gaode, Baidu, Tencent): they read the platform APIs above too,
  // but their entry points attribute the read to the SDK even when its internals are obfuscated.
  { id: "location.AMapLocationClient.startLocation", className: "com.amap.api.location.AMapLocationClient", method: "startLocation", overloads: "all", permission: FINE, category: "location", nonPublic: "AMap (Gaode) location SDK entry point" },
  { id: "location.AMapLocationClient.getLastKnownLocation", className: "com.amap.api.location.AMapLocationClient", method: "getLastKnownLocation", overloads: "all", permission: FINE, category: "location", ret: "type", nonPublic: "AMap (Gaode) location SDK entry point" },
  { id: "location.LocationClient.start", className: "com.baidu.location.LocationClient", method: "start", overloads: "all", permission: FINE, category: "location", nonPublic: "Baidu location SDK entry point" },
  { id: "location.LocationClient.requestLocation", className: "com.baidu.location.LocationClient", method: "requestLocation", overloads: "all", permission: FINE, category: "location", nonPublic: "Baidu location SDK entry point" },
  { id: "location.LocationClient.getLastKnownLocation", className: "com.baidu.location.LocationClient", method: "getLastKnownLocation", overloads: "all", permission: FINE, category: "location", ret: "type", nonPublic: "Baidu location SDK entry point" },
  { id: "location.TencentLocationManager.requestLocationUpdates", className: "com.tencent.map.geolocation.TencentLocationManager", method: "requestLocationUpdates", overloads: "all", permission: FINE, category: "location", nonPublic: "Tencent location SDK entry point" },
  { id: "location.TencentLocationManager.requestSingleFreshLocation", className: "com.tencent.map.geolocation.TencentLocationManager", method: "requestSingleFreshLocation", overloads: "all", permission: FINE, category: "location", nonPublic: "Tencent location SDK entry point" },
  { id: "location.TencentLocationManager.getLastKnownLocation", className: "com.tencent.map.geolocation.TencentLocationManager", method: "getLastKnownLocation", overloads: "all", permission: FINE, category: "location", ret: "type", nonPublic: "Tencent location SDK entry point" },
];

/**
 * What the catalogue deliberately does not hook among the public methods Android 12–16 (API
 * 31–36) added to the classes whose data it records, and why; and how it covers each dangerous
 * permission those levels added. Data for test/agent/catalogue-platforms.test.ts, which checks
 * every such method is hooked or explained here and writes the tables in docs/agent.md. Not part
 * of the agent bundle.
 */

export type Level = 31 | 32 | 33 | 34 | 35 | 36;

/** Reasons by method name shape, tried after the explicit list. */
const RULES: readonly (readonly [RegExp, string])[] = [
  [/^on[A-Z]/, "a callback the app implements"],
  [/^(is|has|can|should|supports)[A-Z]|Supported$/, "a capability or state flag"],
  [/^(set|remove|unregister|clear|delete|cancel|stop|disable|enable|disconnect|write|send|publish|show|inject|begin|abort|execute|reset|reboot|upload|purchase|allow|grant|revoke|relinquish|acknowledge|wipe|override|turnOn|validate|flush|trigger|notify|make|create|connect|bind|finish|dump|update|apply|persist|configure|enter|exit|move|post|put|recreate|release|take|unbind|use)[A-Z]?/, "changes state or acts; reads nothing"],
  [/^get\w*(Max|Min|Number|Size|Length|Count|Characteristics|Capabilities|LogSessionId|Timeout|Version)\w*$/, "a limit or capability"],
];

export function ruleReason(method: string): string | undefined {
  return RULES.find(([re]) => re.test(method))?.[1];
}

/**
 * Whole classes whose other additions read no personal data; a class listed here is looked at
 * even where the catalogue hooks nothing of it (health records).
 */
export const CLASS_REASONS: Readonly<Record<string, string>> = {
  "android.app.Activity": "UI, navigation and lifecycle",
  "android.app.admin.DevicePolicyManager": "device or profile owner policy, not personal data",
  "android.view.WindowManager": "window and input management",
  // Health Connect's records (steps, heart rate, sleep, medical records) are personal data that
  // no category of the trace format names; a `health` category is a format change (minor
  // version, reports/trace/categories.ts) left to the lead.
  "android.health.connect.HealthConnectManager": "health records: the trace has no category for health data yet",
};

const OPT_IN = "the launching app's identity, given only when that app opts in (ActivityOptions.setShareIdentityEnabled)";
const SETTING = "a setting or policy, no personal data";
const OWN = "the app's own data";
const NOT_VERIFIED = "a MediaStore wrapper (API 36) opening a media URI: whether it reaches the ContentResolver calls recorded as media_storage is not verified here (no AOSP 16 source read); not hooked so that one read is not recorded twice";

/** Methods left out, by `pkg.Class.method` (nested classes dotted). */
export const EXPLAINED: Readonly<Record<string, string>> = {
  "android.net.wifi.aware.WifiAwareManager.getPairedDevices": "the aliases of the devices the app itself paired (AOSP: @RequiresPermission ACCESS_WIFI_STATE), no scan and no other party's data",
  "android.app.Activity.getCaller": OPT_IN,
  "android.app.Activity.getCurrentCaller": OPT_IN,
  "android.app.Activity.getInitialCaller": OPT_IN,
  "android.app.Activity.getLaunchedFromPackage": OPT_IN,
  "android.app.Activity.getLaunchedFromUid": OPT_IN,
  "android.app.Activity.requestPermissions": "the device-aware overload (a deviceId argument): only the classic overload is hooked (permissions.ts); a direct call of this one is not seen",
  "android.app.ActivityManager.addApplicationStartInfoCompletionListener": OWN,
  "android.app.ActivityManager.addStartInfoTimestamp": OWN,
  "android.app.ActivityManager.getHistoricalProcessStartReasons": OWN,
  "android.bluetooth.BluetoothAdapter.getRemoteLeDevice": "makes a device object from an address the app already has",
  "android.bluetooth.BluetoothAdapter.listenUsingSocketSettings": "opens a server socket",
  "android.bluetooth.BluetoothDevice.getAddressType": "the kind of address (public or random), not the address",
  "android.content.pm.LauncherApps.getAppMarketActivityIntent": "an intent to open an app store; reads nothing",
  "android.content.pm.LauncherApps.getLauncherUserInfo": "the type of a user profile, no app or personal data",
  "android.content.pm.LauncherApps.getPrivateSpaceSettingsIntent": "an intent to open settings; reads nothing",
  "android.content.pm.LauncherApps.getShortcutIntent": "an intent for a shortcut the launcher holds; reads nothing",
  "android.content.pm.PackageManager.getGroupOfPlatformPermission": "platform permission metadata",
  "android.content.pm.PackageManager.getPlatformPermissionsForGroup": "platform permission metadata",
  "android.content.pm.PackageManager.getPackageArchiveInfo": "parses an APK file the app holds, not an installed app",
  "android.content.pm.PackageManager.parseAndroidManifest": "parses an APK file the app holds, not an installed app",
  "android.content.pm.PackageManager.getProperty": "a manifest property of a named package (argument 1), mostly the app's own; the package-arg classifier reads argument 0",
  "android.content.pm.PackageManager.getVerifiedSigningInfo": "verifies an APK file's signature, not an installed app",
  "android.content.pm.PackageManager.getSharedLibraries": "the system's shared libraries, not apps",
  "android.credentials.CredentialManager.registerCredentialDescription": "a credential provider registering its own credentials",
  "android.hardware.camera2.CameraManager.getCameraDeviceSetup": "a gap: the camera opened through it (CameraDeviceSetup.openCamera, abstract; its implementation is hidden) is not hooked",
  "android.hardware.camera2.CameraManager.getTorchStrengthLevel": "the flashlight's brightness",
  "android.location.LocationManager.addTestProvider": "a mock location provider (developer option)",
  "android.location.LocationManager.getGnssAntennaInfos": "the GNSS antennas' geometry, no position",
  "android.location.LocationManager.getProviderProperties": "a provider's properties (accuracy, power), no position",
  "android.media.AudioRecord.getRoutedDevices": "which audio devices a capture uses, no audio",
  "android.media.MediaRecorder.getRoutedDevices": "which audio devices a capture uses, no audio",
  "android.media.ExifInterface.getDateTime": "a photo's timestamp; its position is getLatLong (hooked)",
  "android.media.ExifInterface.getDateTimeDigitized": "a photo's timestamp; its position is getLatLong (hooked)",
  "android.media.ExifInterface.getDateTimeOriginal": "a photo's timestamp; its position is getLatLong (hooked)",
  "android.media.ExifInterface.getGpsDateTime": "the GPS fix's time; its position is getLatLong (hooked)",
  "android.net.wifi.WifiInfo.getApMloLinkId": "a link number, no address",
  "android.net.wifi.WifiInfo.getApplicableRedactions": "which fields are redacted",
  "android.net.wifi.WifiInfo.getCurrentSecurityType": "the network's security type",
  "android.net.wifi.WifiInfo.getSubscriptionId": "the carrier subscription of a carrier network",
  "android.net.wifi.WifiManager.addLocalOnlyConnectionFailureListener": "failures of the app's own local-only connections",
  "android.net.wifi.WifiManager.addNetworkPrivileged": "adds a network (privileged apps); reads nothing",
  "android.net.wifi.WifiManager.addSuggestionUserApprovalStatusListener": "the user's answer to the app's own network suggestions",
  "android.net.wifi.WifiManager.addWifiStateChangedListener": "Wi-Fi on or off",
  "android.net.wifi.WifiManager.disallowCurrentSuggestedNetwork": "changes state or acts; reads nothing",
  "android.net.wifi.WifiManager.getAllowedChannels": "channel lists, no networks",
  "android.net.wifi.WifiManager.getUsableChannels": "channel lists, no networks",
  "android.net.wifi.WifiManager.getPerSsidRoamingModes": SETTING,
  "android.net.wifi.WifiManager.getStaConcurrencyForMultiInternetMode": SETTING,
  "android.net.wifi.WifiManager.queryAutojoinGlobal": SETTING,
  "android.net.wifi.WifiManager.querySendDhcpHostnameRestriction": SETTING,
  "android.net.wifi.WifiManager.registerSubsystemRestartTrackingCallback": "Wi-Fi subsystem restarts",
  "android.net.wifi.WifiManager.reportCreateInterfaceImpact": "the impact of creating an interface",
  "android.net.wifi.WifiManager.startLocalOnlyHotspotWithConfiguration": "starts a hotspot; reads nothing",
  "android.net.wifi.aware.WifiAwareManager.getAvailableAwareResources": "free capacity of Wi-Fi Aware",
  "android.net.wifi.p2p.WifiP2pManager.addExternalApprover": "approves P2P connections; reads nothing",
  "android.net.wifi.p2p.WifiP2pManager.getListenState": "whether the device is discoverable",
  "android.net.wifi.p2p.WifiP2pManager.registerWifiP2pListener": "P2P state and group events; peers come from requestPeers (hooked)",
  "android.net.wifi.p2p.WifiP2pManager.startListening": "makes this device discoverable; reads nothing",
  "android.net.wifi.p2p.WifiP2pManager.startUsdBasedLocalServiceAdvertisement": "advertises a service; reads nothing",
  "android.provider.MediaStore.getRedactedUri": "a redacted URI of an item the app can read",
  "android.provider.MediaStore.markIsFavoriteStatus": "changes state or acts; reads nothing",
  "android.provider.MediaStore.openAssetFileDescriptor": NOT_VERIFIED,
  "android.provider.MediaStore.openFileDescriptor": NOT_VERIFIED,
  "android.provider.MediaStore.openTypedAssetFileDescriptor": NOT_VERIFIED,
  "android.ranging.RangingSession.addDeviceToRangingSession": "changes state or acts; reads nothing",
  "android.ranging.RangingSession.reconfigureRangingInterval": "changes state or acts; reads nothing",
  "android.ranging.RangingSession.close": "changes state or acts; reads nothing",
  "android.ranging.RangingSession.toString": "Object's",
  "android.speech.SpeechRecognizer.checkRecognitionSupport": "a capability or state flag",
  "android.telecom.Call.Details.getId": "the call's id within the app",
  "android.telecom.Call.Details.getState": "the call's state",
  "android.telecom.TelecomManager.addCall": "the app's own (self-managed) calls",
  "android.telecom.TelecomManager.addNewIncomingConference": "the app's own (self-managed) calls",
  "android.telecom.TelecomManager.startConference": "the app's own (self-managed) calls",
  "android.telecom.TelecomManager.getOwnSelfManagedPhoneAccounts": OWN,
  "android.telephony.CarrierConfigManager.registerCarrierConfigChangeListener": "tells that the carrier configuration changed; reading it is getConfig (hooked)",
  "android.telephony.NetworkRegistrationInfo.getRejectCause": "a network's rejection code",
  "android.telephony.SubscriptionInfo.getPortIndex": "the SIM's port on an eUICC, no identifier",
  "android.telephony.SubscriptionInfo.getUsageSetting": SETTING,
  "android.telephony.SubscriptionManager.getDeviceToDeviceStatusSharingPreference": SETTING,
  "android.telephony.SubscriptionManager.getSubscriptionId": "the platform's number for a SIM slot, no SIM data",
  "android.telephony.TelephonyManager.getCarrierRestrictionStatus": "whether the device is carrier-locked",
  "android.telephony.ims.ImsMmTelManager.registerImsStateCallback": "whether the IMS service is available (registration, hooked, is the carrier data)",
  "android.telephony.ims.ImsRcsManager.registerImsStateCallback": "whether the IMS service is available (registration, hooked, is the carrier data)",
  "android.telephony.ims.ProvisioningManager.registerFeatureProvisioningChangedCallback": "tells that provisioning changed; the status is hooked",
};

/** The dangerous permissions API 31–36 added, and how the catalogue covers what each guards. */
export const NEW_PERMISSIONS: Readonly<Record<string, { readonly level: Level; readonly coverage: string }>> = {
  BLUETOOTH_SCAN: { level: 31, coverage: "hooked: BluetoothAdapter discovery and state, LE scans (`bluetooth.*`)" },
  BLUETOOTH_CONNECT: { level: 31, coverage: "hooked: bonded devices, remote names and aliases, the adapter's name (`bluetooth.*`)" },
  BLUETOOTH_ADVERTISE: { level: 31, coverage: "not hooked: advertising sends, it reads nothing" },
  UWB_RANGING: { level: 31, coverage: "not hooked: the platform's UwbManager is a system API; apps range through Jetpack (androidx.core.uwb), and from API 36 through RangingSession.start (hooked, RANGING)" },
  NEARBY_WIFI_DEVICES: { level: 33, coverage: "hooked: scans without location (getScanResults, startScan, P2P and Aware discovery, channel data); `wifi_scan` calls record NEARBY_WIFI_DEVICES where it is the only guard, the location permission where either is" },
  POST_NOTIFICATIONS: { level: 33, coverage: "the request is what matters: recorded by every permission request entry with its permission list (`permission.*`)" },
  BODY_SENSORS_BACKGROUND: { level: 33, coverage: "hooked through SensorManager.registerListener (the sensor type in the summary); background use is what the report's foreground flag shows" },
  READ_MEDIA_IMAGES: { level: 33, coverage: "hooked: MediaStore queries and file opens through the ContentResolver (`content-uri` classifier: media_storage)" },
  READ_MEDIA_VIDEO: { level: 33, coverage: "hooked: as READ_MEDIA_IMAGES; and MediaStore.getOriginalMediaFormatFileDescriptor" },
  READ_MEDIA_AUDIO: { level: 33, coverage: "hooked: as READ_MEDIA_IMAGES" },
  READ_MEDIA_VISUAL_USER_SELECTED: { level: 34, coverage: "hooked: the same MediaStore queries, which return only the items the user selected; the photo picker's URIs (`media/picker/…`) too" },
  RANGING: { level: 35, coverage: "hooked: RangingSession.start (API 36, `location`)" },
  EYE_TRACKING_COARSE: { level: 36, coverage: "not hooked: Android XR's perception APIs are in the XR SDK (Jetpack XR), not the platform" },
  EYE_TRACKING_FINE: { level: 36, coverage: "not hooked: as EYE_TRACKING_COARSE" },
  FACE_TRACKING: { level: 36, coverage: "not hooked: as EYE_TRACKING_COARSE" },
  HAND_TRACKING: { level: 36, coverage: "not hooked: as EYE_TRACKING_COARSE" },
  HEAD_TRACKING: { level: 36, coverage: "not hooked: as EYE_TRACKING_COARSE" },
  SCENE_UNDERSTANDING_COARSE: { level: 36, coverage: "not hooked: as EYE_TRACKING_COARSE" },
  SCENE_UNDERSTANDING_FINE: { level: 36, coverage: "not hooked: as EYE_TRACKING_COARSE" },
};

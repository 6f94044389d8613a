/**
 * TelephonyManager: device and SIM identifiers, phone numbers, operator and network state.
 *
 * Overloads are listed explicitly: most public getters delegate to a hidden per-subscription
 * overload of the same name (`getSubscriberId()` → `getSubscriberId(int subId)`), and hooking
 * those too would record one call twice. Apps that call the hidden overloads through reflection
 * are rare and still pass through the service calls the native side channel sees.
 *
 * Permissions are the current guards: IMEI, MEID, IMSI, ICCID, NAI and the serial number needed
 * READ_PHONE_STATE before API 29 and need READ_PRIVILEGED_PHONE_STATE from API 29 (third-party
 * apps get a SecurityException: recorded as an attempt). The line 1 number needs
 * READ_PHONE_NUMBERS (READ_PHONE_STATE is accepted for apps targeting API < 30).
 */
import type { HookEntry } from "./types.js";

const TM = "android.telephony.TelephonyManager";
const RPPS = "android.permission.READ_PRIVILEGED_PHONE_STATE";
const RPS = "android.permission.READ_PHONE_STATE";
const RPN = "android.permission.READ_PHONE_NUMBERS";
const IDS = "developer.android.com/about/versions/10/privacy/changes#non-resettable-device-ids";

export const TELEPHONY: readonly HookEntry[] = [
  // Device and SIM identifiers: hashed.
  { id: "telephony.TelephonyManager.getDeviceId", className: TM, method: "getDeviceId", overloads: "all", permission: RPPS, category: "phone_identifiers", args: ["raw"], ret: "hash", ref: IDS },
  { id: "telephony.TelephonyManager.getImei", className: TM, method: "getImei", overloads: [[], ["int"]], minApi: 26, permission: RPPS, category: "phone_identifiers", args: ["raw"], ret: "hash", ref: IDS },
  { id: "telephony.TelephonyManager.getPrimaryImei", className: TM, method: "getPrimaryImei", overloads: [[]], minApi: 34, permission: RPPS, category: "phone_identifiers", ret: "hash" },
  { id: "telephony.TelephonyManager.getMeid", className: TM, method: "getMeid", overloads: [[], ["int"]], minApi: 26, permission: RPPS, category: "phone_identifiers", args: ["raw"], ret: "hash", ref: IDS },
  { id: "telephony.TelephonyManager.getSubscriberId", className: TM, method: "getSubscriberId", overloads: [[]], permission: RPPS, category: "phone_identifiers", ret: "hash", ref: IDS },
  { id: "telephony.TelephonyManager.getSimSerialNumber", className: TM, method: "getSimSerialNumber", overloads: [[]], permission: RPPS, category: "phone_identifiers", ret: "hash", ref: IDS },
  { id: "telephony.TelephonyManager.getNai", className: TM, method: "getNai", overloads: [[]], minApi: 28, permission: RPPS, category: "phone_identifiers", ret: "hash" },
  // UiccCardInfo carries the ICCID and EID of each card.
  { id: "telephony.TelephonyManager.getUiccCardsInfo", className: TM, method: "getUiccCardsInfo", overloads: [[]], minApi: 29, permission: RPPS, category: "phone_identifiers", ret: "len" },
  // The hardware serial number. The static field Build.SERIAL is a field read, not a method, and
  // cannot be hooked here ("unknown" for apps targeting API 26+); it is filled in the zygote,
  // before any app runs, so no hook in the app sees how either.
  { id: "telephony.Build.getSerial", className: "android.os.Build", method: "getSerial", overloads: [[]], minApi: 26, permission: RPPS, category: "phone_identifiers", ret: "hash", ref: IDS },
  // The hidden android.os.SystemProperties.get, reached by reflection: SDKs read the serial and
  // IMEI properties through it. Since API 26 its native side reads with
  // __system_property_find/__system_property_read_callback, so the __system_property_get hook
  // does not see it. Recorded only for the keys the native side channel treats as the serial
  // number, IMEI or MEID (`serial-property`: PATTERNS.serial in native.ts — ro.serialno,
  // ro.boot.serialno, ril.serialnumber, gsm.device.id, persist.radio.imei<n>, …): those values
  // identify the device for good. Every other key (build, locale, debug flags: read by the
  // framework itself many times a second) is not recorded; the trace has no category for
  // non-identifying device information.
  { id: "telephony.SystemProperties.get", className: "android.os.SystemProperties", method: "get", overloads: [["java.lang.String"], ["java.lang.String", "java.lang.String"]], category: "phone_identifiers", classify: "serial-property", args: ["raw"], ret: "hash", nonPublic: "hidden platform class (@SystemApi, reached by reflection)", ref: "AOSP core/java/android/os/SystemProperties.java" },

  // Phone numbers: masked.
  { id: "telephony.TelephonyManager.getLine1Number", className: TM, method: "getLine1Number", overloads: [[]], permission: RPN, category: "phone_number", ret: "mask" },
  { id: "telephony.TelephonyManager.getVoiceMailNumber", className: TM, method: "getVoiceMailNumber", overloads: [[]], permission: RPS, category: "phone_number", ret: "mask" },
  // The voicemail number's label ("Voicemail"), not a number.
  { id: "telephony.TelephonyManager.getVoiceMailAlphaTag", className: TM, method: "getVoiceMailAlphaTag", overloads: [[]], permission: RPS, category: "carrier_info", ret: "raw" },

  // Operator and SIM: no permission for the codes and names, READ_PHONE_STATE for the rest.
  { id: "telephony.TelephonyManager.getNetworkOperator", className: TM, method: "getNetworkOperator", overloads: [[]], category: "carrier_info", ret: "raw" },
  { id: "telephony.TelephonyManager.getNetworkOperatorName", className: TM, method: "getNetworkOperatorName", overloads: [[]], category: "carrier_info", ret: "raw" },
  { id: "telephony.TelephonyManager.getSimOperator", className: TM, method: "getSimOperator", overloads: [[]], category: "carrier_info", ret: "raw" },
  { id: "telephony.TelephonyManager.getSimOperatorName", className: TM, method: "getSimOperatorName", overloads: [[]], category: "carrier_info", ret: "raw" },
  { id: "telephony.TelephonyManager.getSimCountryIso", className: TM, method: "getSimCountryIso", overloads: [[]], category: "carrier_info", ret: "raw" },
  { id: "telephony.TelephonyManager.getNetworkCountryIso", className: TM, method: "getNetworkCountryIso", overloads: [[], ["int"]], category: "carrier_info", ret: "raw" },
  { id: "telephony.TelephonyManager.getSimState", className: TM, method: "getSimState", overloads: [[], ["int"]], category: "carrier_info", ret: "raw" },
  { id: "telephony.TelephonyManager.getGroupIdLevel1", className: TM, method: "getGroupIdLevel1", overloads: [[]], permission: RPS, category: "carrier_info", ret: "raw" },
  { id: "telephony.TelephonyManager.getDeviceSoftwareVersion", className: TM, method: "getDeviceSoftwareVersion", overloads: [[]], permission: RPS, category: "carrier_info", ret: "raw" },
  { id: "telephony.TelephonyManager.getForbiddenPlmns", className: TM, method: "getForbiddenPlmns", overloads: [[]], minApi: 26, permission: RPS, category: "carrier_info", ret: "len" },
  { id: "telephony.TelephonyManager.getEquivalentHomePlmns", className: TM, method: "getEquivalentHomePlmns", overloads: [[]], minApi: 31, permission: RPS, category: "carrier_info", ret: "len" },
  { id: "telephony.TelephonyManager.getCarrierConfig", className: TM, method: "getCarrierConfig", overloads: [[]], minApi: 26, permission: RPS, category: "carrier_info", ret: "type" },
  { id: "telephony.TelephonyManager.getEmergencyNumberList", className: TM, method: "getEmergencyNumberList", overloads: [[], ["int"]], minApi: 29, permission: RPS, category: "carrier_info", ret: "len" },
  { id: "telephony.TelephonyManager.getVisualVoicemailPackageName", className: TM, method: "getVisualVoicemailPackageName", overloads: [[]], minApi: 26, permission: RPS, category: "carrier_info", ret: "package" },
  { id: "telephony.TelephonyManager.getSubscriptionId", className: TM, method: "getSubscriptionId", overloads: [["android.telecom.PhoneAccountHandle"]], minApi: 30, permission: RPS, category: "carrier_info", ret: "raw" },
  { id: "telephony.TelephonyManager.getPhoneAccountHandle", className: TM, method: "getPhoneAccountHandle", overloads: [[]], minApi: 31, permission: RPPS, category: "carrier_info", ret: "type" },
  { id: "telephony.TelephonyManager.getPreferredOpportunisticDataSubscription", className: TM, method: "getPreferredOpportunisticDataSubscription", overloads: [[]], minApi: 29, permission: RPS, category: "carrier_info", ret: "raw" },

  // Call and network state. getServiceState also carries cell identity (location permission from API 29).
  { id: "telephony.TelephonyManager.getCallState", className: TM, method: "getCallState", overloads: [[]], permission: RPS, category: "carrier_info", ret: "raw" },
  { id: "telephony.TelephonyManager.getCallStateForSubscription", className: TM, method: "getCallStateForSubscription", overloads: [[]], minApi: 31, permission: RPS, category: "carrier_info", ret: "raw" },
  { id: "telephony.TelephonyManager.getCallComposerStatus", className: TM, method: "getCallComposerStatus", overloads: [[]], minApi: 31, permission: RPPS, category: "carrier_info", ret: "raw" },
  { id: "telephony.TelephonyManager.getNetworkType", className: TM, method: "getNetworkType", overloads: [[]], permission: RPS, category: "carrier_info", ret: "raw" },
  { id: "telephony.TelephonyManager.getDataNetworkType", className: TM, method: "getDataNetworkType", overloads: [[]], minApi: 24, permission: RPS, category: "carrier_info", ret: "raw" },
  { id: "telephony.TelephonyManager.getVoiceNetworkType", className: TM, method: "getVoiceNetworkType", overloads: [[]], minApi: 24, permission: RPS, category: "carrier_info", ret: "raw" },
  { id: "telephony.TelephonyManager.getServiceState", className: TM, method: "getServiceState", overloads: [[], ["int"]], minApi: 26, permission: RPS, category: "carrier_info", ret: "type" },
  { id: "telephony.TelephonyManager.getNetworkSelectionMode", className: TM, method: "getNetworkSelectionMode", overloads: [[]], minApi: 30, permission: RPS, category: "carrier_info", ret: "raw" },
  { id: "telephony.TelephonyManager.isManualNetworkSelectionAllowed", className: TM, method: "isManualNetworkSelectionAllowed", overloads: [[]], minApi: 30, permission: RPS, category: "carrier_info", ret: "raw" },
  { id: "telephony.TelephonyManager.getAllowedNetworkTypesForReason", className: TM, method: "getAllowedNetworkTypesForReason", overloads: [["int"]], minApi: 33, permission: RPPS, category: "carrier_info", args: ["raw"], ret: "raw" },
  { id: "telephony.TelephonyManager.getSupportedRadioAccessFamily", className: TM, method: "getSupportedRadioAccessFamily", overloads: [[]], minApi: 33, permission: RPPS, category: "carrier_info", ret: "raw" },
  { id: "telephony.TelephonyManager.getNetworkSlicingConfiguration", className: TM, method: "getNetworkSlicingConfiguration", overloads: "all", minApi: 31, permission: RPPS, category: "carrier_info" },
  { id: "telephony.TelephonyManager.isDataEnabled", className: TM, method: "isDataEnabled", overloads: [[]], minApi: 26, permission: RPS, category: "carrier_info", ret: "raw" },
  { id: "telephony.TelephonyManager.isDataEnabledForReason", className: TM, method: "isDataEnabledForReason", overloads: [["int"]], minApi: 31, permission: RPS, category: "carrier_info", args: ["raw"], ret: "raw" },
  { id: "telephony.TelephonyManager.isDataRoamingEnabled", className: TM, method: "isDataRoamingEnabled", overloads: [[]], minApi: 29, permission: RPS, category: "carrier_info", ret: "raw" },
  { id: "telephony.TelephonyManager.isDataConnectionAllowed", className: TM, method: "isDataConnectionAllowed", overloads: [[]], minApi: 31, permission: RPS, category: "carrier_info", ret: "raw" },
  { id: "telephony.TelephonyManager.isMultiSimSupported", className: TM, method: "isMultiSimSupported", overloads: [[]], minApi: 29, permission: RPS, category: "carrier_info", ret: "raw" },
  { id: "telephony.TelephonyManager.isModemEnabledForSlot", className: TM, method: "isModemEnabledForSlot", overloads: [["int"]], minApi: 30, permission: RPS, category: "carrier_info", args: ["raw"], ret: "raw" },
  { id: "telephony.TelephonyManager.doesSwitchMultiSimConfigTriggerReboot", className: TM, method: "doesSwitchMultiSimConfigTriggerReboot", overloads: [[]], minApi: 29, permission: RPS, category: "carrier_info", ret: "raw" },

  // Subscriptions to telephony events. The event mask decides what the listener receives (call
  // state, service state, cell location…); it is kept raw so the analysis can tell which.
  { id: "telephony.TelephonyManager.listen", className: TM, method: "listen", overloads: [["android.telephony.PhoneStateListener", "int"]], permission: RPS, category: "carrier_info", args: ["omit", "raw"] },
  { id: "telephony.TelephonyManager.registerTelephonyCallback", className: TM, method: "registerTelephonyCallback", overloads: "all", minApi: 31, permission: RPS, category: "carrier_info", args: ["raw"] },
];

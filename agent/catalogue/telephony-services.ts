/**
 * Telephony beyond TelephonyManager: subscriptions (one per SIM, each with its number and
 * ICCID), phone accounts and call state from telecom, carrier configuration, the SMS manager's
 * SIM reads and sending, and the IMS (VoLTE/VoWiFi/RCS) state. Most are READ_PHONE_STATE reads of carrier
 * data; the IMS ones accept READ_PRECISE_PHONE_STATE (or the privileged permission).
 */
import type { HookEntry } from "./types.js";

const SM = "android.telephony.SubscriptionManager";
const SI = "android.telephony.SubscriptionInfo";
const TC = "android.telecom.TelecomManager";
const CCM = "android.telephony.CarrierConfigManager";
const MMTEL = "android.telephony.ims.ImsMmTelManager";
const RCS = "android.telephony.ims.ImsRcsManager";
const RPPS = "android.permission.READ_PRIVILEGED_PHONE_STATE";
const RPS = "android.permission.READ_PHONE_STATE";
const RPN = "android.permission.READ_PHONE_NUMBERS";
const PRECISE = "android.permission.READ_PRECISE_PHONE_STATE";
const SEND = "android.permission.SEND_SMS";
const SMS_REF = "developer.android.com/reference/android/telephony/SmsManager; SEND_SMS is dangerous (AOSP core/res/AndroidManifest.xml)";

export const TELEPHONY_SERVICES: readonly HookEntry[] = [
  // SubscriptionManager (API 22): the active SIMs. Each SubscriptionInfo holds the number and ICCID.
  { id: "telephony.SubscriptionManager.getActiveSubscriptionInfoList", className: SM, method: "getActiveSubscriptionInfoList", overloads: [[]], minApi: 22, permission: RPS, category: "carrier_info", ret: "len" },
  { id: "telephony.SubscriptionManager.getActiveSubscriptionInfo", className: SM, method: "getActiveSubscriptionInfo", overloads: [["int"]], minApi: 22, permission: RPS, category: "carrier_info", args: ["raw"], ret: "type" },
  { id: "telephony.SubscriptionManager.getActiveSubscriptionInfoForSimSlotIndex", className: SM, method: "getActiveSubscriptionInfoForSimSlotIndex", overloads: [["int"]], minApi: 22, permission: RPS, category: "carrier_info", args: ["raw"], ret: "type" },
  { id: "telephony.SubscriptionManager.getActiveSubscriptionInfoCount", className: SM, method: "getActiveSubscriptionInfoCount", overloads: [[]], minApi: 22, permission: RPS, category: "carrier_info", ret: "raw" },
  { id: "telephony.SubscriptionManager.getCompleteActiveSubscriptionInfoList", className: SM, method: "getCompleteActiveSubscriptionInfoList", overloads: [[]], minApi: 30, permission: RPS, category: "carrier_info", ret: "len" },
  { id: "telephony.SubscriptionManager.getAccessibleSubscriptionInfoList", className: SM, method: "getAccessibleSubscriptionInfoList", overloads: [[]], minApi: 28, category: "carrier_info", ret: "len" },
  { id: "telephony.SubscriptionManager.getOpportunisticSubscriptions", className: SM, method: "getOpportunisticSubscriptions", overloads: [[]], minApi: 29, permission: RPS, category: "carrier_info", ret: "len" },
  { id: "telephony.SubscriptionManager.getSubscriptionsInGroup", className: SM, method: "getSubscriptionsInGroup", overloads: [["android.os.ParcelUuid"]], minApi: 29, permission: RPS, category: "carrier_info", ret: "len" },
  { id: "telephony.SubscriptionManager.isActiveSubscriptionId", className: SM, method: "isActiveSubscriptionId", overloads: [["int"]], minApi: 29, permission: RPS, category: "carrier_info", args: ["raw"], ret: "raw" },
  { id: "telephony.SubscriptionManager.getAllSubscriptionInfoList", className: SM, method: "getAllSubscriptionInfoList", overloads: "all", minApi: 34, permission: RPPS, category: "carrier_info", ret: "len" },
  // The contacts the user chose to share device-to-device status with (API 31): contact URIs.
  { id: "telephony.SubscriptionManager.getDeviceToDeviceStatusSharingContacts", className: SM, method: "getDeviceToDeviceStatusSharingContacts", overloads: "all", minApi: 31, permission: RPS, category: "contacts", args: ["raw"], ret: "len" },
  { id: "telephony.SubscriptionManager.getPhoneNumber", className: SM, method: "getPhoneNumber", overloads: "all", minApi: 33, permission: RPN, category: "phone_number", args: ["raw", "raw"], ret: "mask" },
  { id: "telephony.SubscriptionInfo.getNumber", className: SI, method: "getNumber", overloads: [[]], minApi: 22, permission: RPN, category: "phone_number", ret: "mask" },
  // Empty for third-party apps from API 29 (needs the privileged permission).
  { id: "telephony.SubscriptionInfo.getIccId", className: SI, method: "getIccId", overloads: [[]], minApi: 22, permission: RPPS, category: "phone_identifiers", ret: "hash" },

  // Telecom: phone accounts (their address is a phone number), the in-call state.
  { id: "telephony.TelecomManager.getLine1Number", className: TC, method: "getLine1Number", overloads: "all", minApi: 23, permission: RPN, category: "phone_number", ret: "mask" },
  { id: "telephony.TelecomManager.getVoiceMailNumber", className: TC, method: "getVoiceMailNumber", overloads: "all", minApi: 23, permission: RPS, category: "phone_number", ret: "mask" },
  { id: "telephony.TelecomManager.isVoiceMailNumber", className: TC, method: "isVoiceMailNumber", overloads: "all", minApi: 23, permission: RPS, category: "phone_number", args: ["omit", "mask"], ret: "raw" },
  { id: "telephony.TelecomManager.getPhoneAccount", className: TC, method: "getPhoneAccount", overloads: "all", minApi: 23, permission: RPN, category: "phone_number", ret: "type" },
  { id: "telephony.TelecomManager.getCallCapablePhoneAccounts", className: TC, method: "getCallCapablePhoneAccounts", overloads: "all", minApi: 23, permission: RPS, category: "carrier_info", ret: "len" },
  { id: "telephony.TelecomManager.getSelfManagedPhoneAccounts", className: TC, method: "getSelfManagedPhoneAccounts", overloads: "all", minApi: 26, permission: RPS, category: "carrier_info", ret: "len" },
  { id: "telephony.TelecomManager.getDefaultOutgoingPhoneAccount", className: TC, method: "getDefaultOutgoingPhoneAccount", overloads: "all", minApi: 23, permission: RPS, category: "carrier_info", args: ["raw"], ret: "type" },
  { id: "telephony.TelecomManager.getUserSelectedOutgoingPhoneAccount", className: TC, method: "getUserSelectedOutgoingPhoneAccount", overloads: "all", minApi: 29, permission: RPS, category: "carrier_info", ret: "type" },
  { id: "telephony.TelecomManager.getRegisteredPhoneAccounts", className: TC, method: "getRegisteredPhoneAccounts", overloads: "all", minApi: 35, permission: RPS, category: "carrier_info", ret: "len" },
  { id: "telephony.TelecomManager.isInCall", className: TC, method: "isInCall", overloads: "all", permission: RPS, category: "carrier_info", ret: "raw" },
  { id: "telephony.TelecomManager.isInManagedCall", className: TC, method: "isInManagedCall", overloads: "all", minApi: 26, permission: RPS, category: "carrier_info", ret: "raw" },
  { id: "telephony.TelecomManager.isTtySupported", className: TC, method: "isTtySupported", overloads: "all", minApi: 28, permission: RPS, category: "carrier_info", ret: "raw" },
  // In-call services (dialers, call screeners) read the caller's contact name from the call.
  { id: "telephony.Details.getContactPhotoUri", className: "android.telecom.Call$Details", method: "getContactPhotoUri", overloads: "all", minApi: 34, permission: "android.permission.READ_CONTACTS", category: "contacts", ret: "uri" },
  { id: "telephony.Details.getContactDisplayName", className: "android.telecom.Call$Details", method: "getContactDisplayName", overloads: "all", minApi: 30, permission: "android.permission.READ_CONTACTS", category: "contacts", ret: "mask" },

  // Carrier configuration and the operator names a ServiceState carries (redacted without a
  // location permission from API 29, because they can locate a roaming device).
  { id: "telephony.CarrierConfigManager.getConfig", className: CCM, method: "getConfig", overloads: "all", minApi: 23, permission: RPS, category: "carrier_info", ret: "type" },
  { id: "telephony.CarrierConfigManager.getConfigForSubId", className: CCM, method: "getConfigForSubId", overloads: "all", minApi: 23, permission: RPS, category: "carrier_info", args: ["raw"], ret: "type" },
  { id: "telephony.CarrierConfigManager.getConfigByComponentForSubId", className: CCM, method: "getConfigByComponentForSubId", overloads: "all", minApi: 30, permission: RPS, category: "carrier_info", args: ["raw", "raw"], ret: "type" },
  { id: "telephony.ServiceState.getOperatorAlphaLong", className: "android.telephony.ServiceState", method: "getOperatorAlphaLong", overloads: "all", permission: "android.permission.ACCESS_FINE_LOCATION", category: "carrier_info", ret: "raw" },
  { id: "telephony.ServiceState.getOperatorAlphaShort", className: "android.telephony.ServiceState", method: "getOperatorAlphaShort", overloads: "all", permission: "android.permission.ACCESS_FINE_LOCATION", category: "carrier_info", ret: "raw" },
  // SIM reads through the SMS manager: the service centre address and the SIM's SMS capacity.
  { id: "telephony.SmsManager.getSmscAddress", className: "android.telephony.SmsManager", method: "getSmscAddress", overloads: "all", minApi: 30, permission: RPPS, category: "carrier_info", ret: "mask" },
  { id: "telephony.SmsManager.getSmsCapacityOnIcc", className: "android.telephony.SmsManager", method: "getSmsCapacityOnIcc", overloads: "all", minApi: 31, permission: RPS, category: "carrier_info", ret: "raw" },

  // Sending SMS and MMS: data leaves the device over the carrier, where network capture cannot
  // see it. The destination is masked, the text summarised by its length (a multipart message by
  // its part count, a data message by its byte count), the port kept. `all` overloads: where one
  // calls another (a multipart message of one part is sent as a text), the engine records the
  // outermost only, as for every call within one class.
  { id: "telephony.SmsManager.sendTextMessage", className: "android.telephony.SmsManager", method: "sendTextMessage", overloads: "all", permission: SEND, category: "sms", args: ["mask", "omit", "len"], ref: SMS_REF },
  { id: "telephony.SmsManager.sendMultipartTextMessage", className: "android.telephony.SmsManager", method: "sendMultipartTextMessage", overloads: "all", permission: SEND, category: "sms", args: ["mask", "omit", "len"], ref: SMS_REF },
  { id: "telephony.SmsManager.sendDataMessage", className: "android.telephony.SmsManager", method: "sendDataMessage", overloads: "all", permission: SEND, category: "sms", args: ["mask", "omit", "raw", "len"], ref: SMS_REF },
  // Carrier apps and the default SMS app (MODIFY_PHONE_STATE or carrier privileges besides SEND_SMS).
  { id: "telephony.SmsManager.sendTextMessageWithoutPersisting", className: "android.telephony.SmsManager", method: "sendTextMessageWithoutPersisting", overloads: "all", minApi: 28, permission: SEND, category: "sms", args: ["mask", "omit", "len"] },
  // An MMS: its PDU is a content URI the app wrote; the URI says which.
  // Downloading a received MMS into a file of the app's (the default SMS app's job).
  // The location URL is the MMSC's link to one message's content: a capability, never sent raw.
  { id: "telephony.SmsManager.downloadMultimediaMessage", className: "android.telephony.SmsManager", method: "downloadMultimediaMessage", overloads: "all", category: "sms", args: ["omit", "omit", "uri"] },
  { id: "telephony.SmsManager.sendMultimediaMessage", className: "android.telephony.SmsManager", method: "sendMultimediaMessage", overloads: "all", permission: SEND, category: "sms", args: ["omit", "uri"] },

  // IMS (API 30): registration and VoLTE/VoWiFi/video-calling settings of a subscription.
  { id: "telephony.ImsMmTelManager.getRegistrationState", className: MMTEL, method: "getRegistrationState", overloads: "all", minApi: 30, permission: PRECISE, category: "carrier_info" },
  { id: "telephony.ImsMmTelManager.getRegistrationTransportType", className: MMTEL, method: "getRegistrationTransportType", overloads: "all", minApi: 30, permission: PRECISE, category: "carrier_info" },
  { id: "telephony.ImsMmTelManager.registerImsRegistrationCallback", className: MMTEL, method: "registerImsRegistrationCallback", overloads: "all", minApi: 30, permission: PRECISE, category: "carrier_info" },
  { id: "telephony.ImsMmTelManager.registerMmTelCapabilityCallback", className: MMTEL, method: "registerMmTelCapabilityCallback", overloads: "all", minApi: 30, permission: PRECISE, category: "carrier_info" },
  { id: "telephony.ImsMmTelManager.getVoWiFiModeSetting", className: MMTEL, method: "getVoWiFiModeSetting", overloads: "all", minApi: 30, permission: PRECISE, category: "carrier_info", ret: "raw" },
  { id: "telephony.ImsMmTelManager.isAdvancedCallingSettingEnabled", className: MMTEL, method: "isAdvancedCallingSettingEnabled", overloads: "all", minApi: 30, permission: PRECISE, category: "carrier_info", ret: "raw" },
  { id: "telephony.ImsMmTelManager.isCrossSimCallingEnabled", className: MMTEL, method: "isCrossSimCallingEnabled", overloads: "all", minApi: 31, permission: PRECISE, category: "carrier_info", ret: "raw" },
  { id: "telephony.ImsMmTelManager.isTtyOverVolteEnabled", className: MMTEL, method: "isTtyOverVolteEnabled", overloads: "all", minApi: 30, permission: PRECISE, category: "carrier_info", ret: "raw" },
  { id: "telephony.ImsMmTelManager.isVoWiFiRoamingSettingEnabled", className: MMTEL, method: "isVoWiFiRoamingSettingEnabled", overloads: "all", minApi: 30, permission: PRECISE, category: "carrier_info", ret: "raw" },
  { id: "telephony.ImsMmTelManager.isVoWiFiSettingEnabled", className: MMTEL, method: "isVoWiFiSettingEnabled", overloads: "all", minApi: 30, permission: PRECISE, category: "carrier_info", ret: "raw" },
  { id: "telephony.ImsMmTelManager.isVtSettingEnabled", className: MMTEL, method: "isVtSettingEnabled", overloads: "all", minApi: 30, permission: PRECISE, category: "carrier_info", ret: "raw" },
  { id: "telephony.ImsRcsManager.getRegistrationState", className: RCS, method: "getRegistrationState", overloads: "all", minApi: 31, permission: PRECISE, category: "carrier_info" },
  { id: "telephony.ImsRcsManager.getRegistrationTransportType", className: RCS, method: "getRegistrationTransportType", overloads: "all", minApi: 31, permission: PRECISE, category: "carrier_info" },
  { id: "telephony.ImsRcsManager.registerImsRegistrationCallback", className: RCS, method: "registerImsRegistrationCallback", overloads: "all", minApi: 31, permission: PRECISE, category: "carrier_info" },
  { id: "telephony.RcsUceAdapter.isUceSettingEnabled", className: "android.telephony.ims.RcsUceAdapter", method: "isUceSettingEnabled", overloads: "all", minApi: 30, permission: RPS, category: "carrier_info", ret: "raw" },
  { id: "telephony.ProvisioningManager.getRcsProvisioningStatusForCapability", className: "android.telephony.ims.ProvisioningManager", method: "getRcsProvisioningStatusForCapability", overloads: "all", minApi: 33, permission: PRECISE, category: "carrier_info", args: ["raw", "raw"], ret: "raw" },
  { id: "telephony.ProvisioningManager.getProvisioningStatusForCapability", className: "android.telephony.ims.ProvisioningManager", method: "getProvisioningStatusForCapability", overloads: "all", minApi: 33, permission: PRECISE, category: "carrier_info", args: ["raw", "raw"], ret: "raw" },
];

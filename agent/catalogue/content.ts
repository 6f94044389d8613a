/**
 * Content providers and the personal-data reads that do not go through them.
 *
 * Contacts, call log, SMS/MMS, calendar and the media store are content providers: every read
 * and write is a ContentResolver (or ContentProviderClient) call on a content URI. These entries
 * use the `content-uri` classifier, which sets the category from the URI's authority and path and
 * drops calls on providers that hold no personal data (the app's own, an SDK's). Their `category`
 * is therefore only the declared default; the permission depends on the URI, so none is given.
 *
 * Helpers that query a provider themselves (CallLog.Calls.getLastOutgoingCall, MediaStore's
 * getBitmap, ContactsContract's photo streams…) end in the resolver calls below and are not
 * hooked again. What is listed after them reads the data another way: the SMS of a received
 * broadcast, and the location written into a photo.
 */
import type { HookEntry } from "./types.js";

const CR = "android.content.ContentResolver";
const CPC = "android.content.ContentProviderClient";
const PROVIDERS = "developer.android.com/guide/topics/providers/content-provider-basics";

export const CONTENT: readonly HookEntry[] = [
  // ContentResolver: queries, writes and change observers.
  { id: "content.ContentResolver.query", className: CR, method: "query", overloads: "all", category: "contacts", classify: "content-uri", args: ["uri"], ret: "type", ref: PROVIDERS },
  { id: "content.ContentResolver.insert", className: CR, method: "insert", overloads: "all", category: "contacts", classify: "content-uri", args: ["uri"], ret: "uri" },
  { id: "content.ContentResolver.bulkInsert", className: CR, method: "bulkInsert", overloads: "all", category: "contacts", classify: "content-uri", args: ["uri", "len"], ret: "raw" },
  { id: "content.ContentResolver.update", className: CR, method: "update", overloads: "all", category: "contacts", classify: "content-uri", args: ["uri"], ret: "raw" },
  { id: "content.ContentResolver.delete", className: CR, method: "delete", overloads: "all", category: "contacts", classify: "content-uri", args: ["uri"], ret: "raw" },
  // call(Uri|String authority, method, arg, extras): provider-specific reads and writes.
  { id: "content.ContentResolver.call", className: CR, method: "call", overloads: "all", category: "contacts", classify: "content-uri", args: ["uri", "raw"] },
  // Watching a provider is how apps learn of new SMS, calls or photos as they arrive.
  { id: "content.ContentResolver.registerContentObserver", className: CR, method: "registerContentObserver", overloads: "all", category: "contacts", classify: "content-uri", args: ["uri", "raw"] },
  // Opening a provider's files: photos, videos, audio, contact photos, downloads.
  { id: "content.ContentResolver.openInputStream", className: CR, method: "openInputStream", overloads: "all", category: "media_storage", classify: "content-uri", args: ["uri"] },
  { id: "content.ContentResolver.openFileDescriptor", className: CR, method: "openFileDescriptor", overloads: "all", category: "media_storage", classify: "content-uri", args: ["uri", "raw"] },
  { id: "content.ContentResolver.openAssetFileDescriptor", className: CR, method: "openAssetFileDescriptor", overloads: "all", category: "media_storage", classify: "content-uri", args: ["uri", "raw"] },
  { id: "content.ContentResolver.openTypedAssetFileDescriptor", className: CR, method: "openTypedAssetFileDescriptor", overloads: "all", category: "media_storage", classify: "content-uri", args: ["uri", "raw"] },
  { id: "content.ContentResolver.openFile", className: CR, method: "openFile", overloads: "all", minApi: 29, category: "media_storage", classify: "content-uri", args: ["uri", "raw"] },
  { id: "content.ContentResolver.openAssetFile", className: CR, method: "openAssetFile", overloads: "all", minApi: 29, category: "media_storage", classify: "content-uri", args: ["uri", "raw"] },
  { id: "content.ContentResolver.openTypedAssetFile", className: CR, method: "openTypedAssetFile", overloads: "all", minApi: 29, category: "media_storage", classify: "content-uri", args: ["uri", "raw"] },
  { id: "content.ContentResolver.loadThumbnail", className: CR, method: "loadThumbnail", overloads: "all", minApi: 29, category: "media_storage", classify: "content-uri", args: ["uri"], ret: "type" },

  // ContentProviderClient: a provider acquired once and queried directly, bypassing the resolver.
  { id: "content.ContentProviderClient.query", className: CPC, method: "query", overloads: "all", category: "contacts", classify: "content-uri", args: ["uri"], ret: "type" },
  { id: "content.ContentProviderClient.insert", className: CPC, method: "insert", overloads: "all", category: "contacts", classify: "content-uri", args: ["uri"], ret: "uri" },
  { id: "content.ContentProviderClient.update", className: CPC, method: "update", overloads: "all", category: "contacts", classify: "content-uri", args: ["uri"], ret: "raw" },
  { id: "content.ContentProviderClient.delete", className: CPC, method: "delete", overloads: "all", category: "contacts", classify: "content-uri", args: ["uri"], ret: "raw" },

  // Received SMS: an SMS_RECEIVED broadcast carries the PDUs; these turn them into messages.
  // The content itself is never summarised: only how many messages and how long a body is.
  { id: "content.Intents.getMessagesFromIntent", className: "android.provider.Telephony$Sms$Intents", method: "getMessagesFromIntent", overloads: "all", permission: "android.permission.RECEIVE_SMS", category: "sms", ret: "len" },
  { id: "content.SmsMessage.createFromPdu", className: "android.telephony.SmsMessage", method: "createFromPdu", overloads: "all", permission: "android.permission.RECEIVE_SMS", category: "sms", args: ["omit", "raw"], ret: "type" },
  { id: "content.SmsMessage.getMessageBody", className: "android.telephony.SmsMessage", method: "getMessageBody", overloads: "all", permission: "android.permission.RECEIVE_SMS", category: "sms", ret: "len" },
  // The recipient of a message (API 36): another person's number.
  { id: "content.SmsMessage.getRecipientAddress", className: "android.telephony.SmsMessage", method: "getRecipientAddress", overloads: "all", minApi: 36, permission: "android.permission.RECEIVE_SMS", category: "sms", ret: "mask" },
  { id: "content.SmsMessage.getOriginatingAddress", className: "android.telephony.SmsMessage", method: "getOriginatingAddress", overloads: "all", permission: "android.permission.RECEIVE_SMS", category: "sms", ret: "mask" },

  // The original file of a transcoded video (API 31): the media itself, as openFileDescriptor opens it.
  { id: "content.MediaStore.getOriginalMediaFormatFileDescriptor", className: "android.provider.MediaStore", method: "getOriginalMediaFormatFileDescriptor", overloads: "all", minApi: 31, permission: "android.permission.READ_MEDIA_VIDEO", category: "media_storage", ret: "type" },
  // Learning that the user took a screenshot or records the screen (API 34, 35): what apps did
  // before by watching the media store's images, which the content-uri classifier records as
  // media_storage, so these are media_storage too. WindowManager is an interface: the object
  // apps get is the hidden WindowManagerImpl (AOSP core/java/android/view/WindowManagerImpl.java).
  { id: "content.Activity.registerScreenCaptureCallback", className: "android.app.Activity", method: "registerScreenCaptureCallback", overloads: "all", minApi: 34, permission: "android.permission.DETECT_SCREEN_CAPTURE", category: "media_storage", ref: "developer.android.com/about/versions/14/features/screenshot-detection" },
  { id: "content.WindowManager.addScreenRecordingCallback", className: "android.view.WindowManagerImpl", method: "addScreenRecordingCallback", overloads: "all", minApi: 35, permission: "android.permission.DETECT_SCREEN_RECORDING", category: "media_storage", ret: "raw", ref: "developer.android.com/about/versions/15/features#screen-recording-detection" },

  // Where a photo was taken: its EXIF GPS tags (redacted by the media store from API 29 unless
  // the app holds ACCESS_MEDIA_LOCATION and asks for the original).
  { id: "content.MediaStore.setRequireOriginal", className: "android.provider.MediaStore", method: "setRequireOriginal", overloads: "all", minApi: 29, permission: "android.permission.ACCESS_MEDIA_LOCATION", category: "media_storage", args: ["uri"], ret: "uri" },
  { id: "content.ExifInterface.getLatLong", className: "android.media.ExifInterface", method: "getLatLong", overloads: "all", permission: "android.permission.ACCESS_MEDIA_LOCATION", category: "media_storage", ret: "raw" },
  { id: "content.ExifInterface.getLatLong.androidx", className: "androidx.exifinterface.media.ExifInterface", method: "getLatLong", overloads: "all", permission: "android.permission.ACCESS_MEDIA_LOCATION", category: "media_storage", ret: "type", nonPublic: "Jetpack library class in the app" },
];

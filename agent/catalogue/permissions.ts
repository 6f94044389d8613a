/**
 * Runtime permissions: requests (what the app asks for, and when), checks, and the results.
 *
 * Requests are recorded where they start. On API 23+ every path ends in
 * Activity.requestPermissions; the library entry points above it (ActivityCompat, Fragment,
 * the Activity Result contracts) are hooked too so that the request is attributed to the code that
 * made it even where the platform call is reached from a framework dispatcher. Requests summarise
 * the permission list (`permissions`): the recorder copies it into the event's `req`.
 *
 * API 35 added device-aware overloads (an extra `int deviceId`) that the classic ones call:
 * only the classic overloads are hooked, so one request, check or result is recorded once.
 */
import type { HookEntry } from "./types.js";

const ACTIVITY = "android.app.Activity";
const JETPACK = "Jetpack library class in the app, not the platform (renamed where R8 obfuscates it)";
const REF = "developer.android.com/training/permissions/requesting";

export const PERMISSIONS: readonly HookEntry[] = [
  { id: "permission.Activity.requestPermissions", className: ACTIVITY, method: "requestPermissions", overloads: [["[Ljava.lang.String;", "int"]], minApi: 23, category: "permission_request", args: ["permissions", "raw"], ref: REF },
  // Below API 23 ActivityCompat answers from the manifest without asking: this is the only trace there.
  { id: "permission.ActivityCompat.requestPermissions", className: "androidx.core.app.ActivityCompat", method: "requestPermissions", overloads: "all", category: "permission_request", args: ["omit", "permissions", "raw"], nonPublic: JETPACK },
  // The platform Fragment (deprecated in API 28) and the Jetpack one.
  { id: "permission.Fragment.requestPermissions", className: "android.app.Fragment", method: "requestPermissions", overloads: "all", minApi: 23, category: "permission_request", args: ["permissions", "raw"] },
  { id: "permission.Fragment.requestPermissions.androidx", className: "androidx.fragment.app.Fragment", method: "requestPermissions", overloads: "all", category: "permission_request", args: ["permissions", "raw"], nonPublic: JETPACK },
  // Activity Result API: launching a permission contract builds its intent here, then the
  // activity's result registry calls ActivityCompat.requestPermissions (a second event, from
  // the registry). RequestPermission takes a single String: summarised raw, so its `req` is empty.
  { id: "permission.RequestPermission.createIntent", className: "androidx.activity.result.contract.ActivityResultContracts$RequestPermission", method: "createIntent", overloads: "all", category: "permission_request", args: ["omit", "raw"], nonPublic: JETPACK },
  { id: "permission.RequestMultiplePermissions.createIntent", className: "androidx.activity.result.contract.ActivityResultContracts$RequestMultiplePermissions", method: "createIntent", overloads: "all", category: "permission_request", args: ["omit", "permissions"], nonPublic: JETPACK },

  // Checks. ContextWrapper.checkSelfPermission delegates to ContextImpl, whose checkSelfPermission
  // calls checkPermission(permission, myPid, myUid); ContextCompat and PermissionChecker (Jetpack)
  // call checkPermission directly. Hooking checkPermission alone sees every check once.
  { id: "permission.ContextImpl.checkPermission", className: "android.app.ContextImpl", method: "checkPermission", overloads: [["java.lang.String", "int", "int"]], category: "permission_check", args: ["raw", "omit", "omit"], ret: "raw" },
  { id: "permission.PackageManager.checkPermission", className: "android.app.ApplicationPackageManager", method: "checkPermission", overloads: [["java.lang.String", "java.lang.String"]], category: "permission_check", args: ["raw", "package"], ret: "raw" },
  { id: "permission.Activity.shouldShowRequestPermissionRationale", className: ACTIVITY, method: "shouldShowRequestPermissionRationale", overloads: [["java.lang.String"]], minApi: 23, category: "permission_check", args: ["raw"], ret: "raw" },

  // Results: how grants and denials reach the app. Category permission_check, not
  // permission_request: the request rules (bundling at launch, asking again after a denial,
  // asking in a scenario that does not need it) count permission_request events, and a result is
  // not a new request; like a check, it tells the app the permission state. The engine also turns
  // this call into a `permission_result` timeline marker. Apps whose override does not call
  // super (AndroidX ComponentActivity consumes results of the Activity Result API itself) do not
  // reach this method: their results are seen only through the runner's permission state.
  { id: "permission.Activity.onRequestPermissionsResult", className: ACTIVITY, method: "onRequestPermissionsResult", overloads: [["int", "[Ljava.lang.String;", "[I"]], minApi: 23, category: "permission_check", args: ["raw", "permissions", "raw"] },
];

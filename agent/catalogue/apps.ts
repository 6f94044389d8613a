/**
 * Other apps: installed packages, running processes and tasks, usage statistics.
 *
 * PackageManager is abstract; the object apps get from Context.getPackageManager() is the hidden
 * android.app.ApplicationPackageManager, which implements every method, so that is the class
 * hooked (ids keep the public name). From API 30 what these return is filtered by package
 * visibility; QUERY_ALL_PACKAGES lifts the filter, so it is the permission recorded.
 *
 * Reading the app's own package is not collection: entries whose first argument is a package
 * name use the `package-arg` classifier, which flags those calls `own` (reports/trace/own-calls.ts
 * lists the same ids).
 */
import type { HookEntry } from "./types.js";

const PM = "android.app.ApplicationPackageManager";
const AM = "android.app.ActivityManager";
const USM = "android.app.usage.UsageStatsManager";
const LA = "android.content.pm.LauncherApps";
const QAP = "android.permission.QUERY_ALL_PACKAGES";
const USAGE = "android.permission.PACKAGE_USAGE_STATS";
const VISIBILITY = "developer.android.com/training/package-visibility";

export const APPS: readonly HookEntry[] = [
  // One package by name: own or another app's.
  { id: "apps.PackageManager.getPackageInfo", className: PM, method: "getPackageInfo", overloads: "all", permission: QAP, category: "installed_apps", classify: "package-arg", args: ["package", "raw"], ret: "type", ref: VISIBILITY },
  { id: "apps.PackageManager.getApplicationInfo", className: PM, method: "getApplicationInfo", overloads: "all", permission: QAP, category: "installed_apps", classify: "package-arg", args: ["package", "raw"], ret: "type", ref: VISIBILITY },
  { id: "apps.PackageManager.getInstallerPackageName", className: PM, method: "getInstallerPackageName", overloads: "all", permission: QAP, category: "installed_apps", classify: "package-arg", args: ["package"], ret: "package" },
  { id: "apps.PackageManager.getInstallSourceInfo", className: PM, method: "getInstallSourceInfo", overloads: "all", minApi: 30, permission: QAP, category: "installed_apps", classify: "package-arg", args: ["package"], ret: "type" },
  { id: "apps.PackageManager.getPackageUid", className: PM, method: "getPackageUid", overloads: "all", minApi: 24, permission: QAP, category: "installed_apps", classify: "package-arg", args: ["package", "raw"], ret: "raw" },
  { id: "apps.PackageManager.getPackageGids", className: PM, method: "getPackageGids", overloads: "all", permission: QAP, category: "installed_apps", classify: "package-arg", args: ["package", "raw"], ret: "len" },
  // The usual "is app X installed?" probe.
  { id: "apps.PackageManager.getLaunchIntentForPackage", className: PM, method: "getLaunchIntentForPackage", overloads: "all", permission: QAP, category: "installed_apps", classify: "package-arg", args: ["package"], ret: "type" },

  // One package by name, API 31–35: its target SDK, its APKs' checksums, an intent sender that
  // launches it, whether it is stopped or archived (each a probe of whether it is installed).
  { id: "apps.PackageManager.getTargetSdkVersion", className: PM, method: "getTargetSdkVersion", overloads: "all", minApi: 31, permission: QAP, category: "installed_apps", classify: "package-arg", args: ["package"], ret: "raw" },
  { id: "apps.PackageManager.requestChecksums", className: PM, method: "requestChecksums", overloads: "all", minApi: 31, permission: QAP, category: "installed_apps", classify: "package-arg", args: ["package", "raw", "raw"] },
  { id: "apps.PackageManager.getLaunchIntentSenderForPackage", className: PM, method: "getLaunchIntentSenderForPackage", overloads: "all", minApi: 33, permission: QAP, category: "installed_apps", classify: "package-arg", args: ["package"], ret: "type" },
  { id: "apps.PackageManager.isPackageStopped", className: PM, method: "isPackageStopped", overloads: "all", minApi: 35, permission: QAP, category: "installed_apps", classify: "package-arg", args: ["package"], ret: "raw" },
  { id: "apps.PackageManager.isAppArchivable", className: PM, method: "isAppArchivable", overloads: "all", minApi: 35, permission: QAP, category: "installed_apps", classify: "package-arg", args: ["package"], ret: "raw" },
  { id: "apps.PackageManager.getArchivedPackage", className: PM, method: "getArchivedPackage", overloads: "all", minApi: 35, permission: QAP, category: "installed_apps", classify: "package-arg", args: ["package"], ret: "type" },
  // Another app's resources (labels, icons): by package name or ApplicationInfo.
  { id: "apps.PackageManager.getResourcesForApplication", className: PM, method: "getResourcesForApplication", overloads: "all", permission: QAP, category: "installed_apps", classify: "package-arg", args: ["package"], ret: "type" },
  // Another app's component by name (a ComponentName: `own` when it is the app's own).
  { id: "apps.PackageManager.getActivityInfo", className: PM, method: "getActivityInfo", overloads: "all", permission: QAP, category: "installed_apps", classify: "package-arg", args: ["package", "raw"], ret: "type" },
  { id: "apps.PackageManager.getServiceInfo", className: PM, method: "getServiceInfo", overloads: "all", permission: QAP, category: "installed_apps", classify: "package-arg", args: ["package", "raw"], ret: "type" },
  { id: "apps.PackageManager.getReceiverInfo", className: PM, method: "getReceiverInfo", overloads: "all", permission: QAP, category: "installed_apps", classify: "package-arg", args: ["package", "raw"], ret: "type" },
  { id: "apps.PackageManager.getProviderInfo", className: PM, method: "getProviderInfo", overloads: "all", permission: QAP, category: "installed_apps", classify: "package-arg", args: ["package", "raw"], ret: "type" },
  // Whether one package can see another (API 33): a visibility probe of a named app.
  { id: "apps.PackageManager.canPackageQuery", className: PM, method: "canPackageQuery", overloads: "all", minApi: 33, permission: QAP, category: "installed_apps", args: ["package", "package"], ret: "raw" },
  // A provider by authority: how OAID libraries and SDKs test for a vendor's app (Meizu's openidsdk).
  { id: "apps.PackageManager.resolveContentProvider", className: PM, method: "resolveContentProvider", overloads: "all", permission: QAP, category: "installed_apps", classify: "authority-arg", args: ["raw", "raw"], ret: "type" },

  // Lists of packages: the installed-app list proper.
  { id: "apps.PackageManager.getInstalledPackages", className: PM, method: "getInstalledPackages", overloads: "all", permission: QAP, category: "installed_apps", args: ["raw"], ret: "len", ref: VISIBILITY },
  { id: "apps.PackageManager.getInstalledApplications", className: PM, method: "getInstalledApplications", overloads: "all", permission: QAP, category: "installed_apps", args: ["raw"], ret: "len", ref: VISIBILITY },
  { id: "apps.PackageManager.getPackagesHoldingPermissions", className: PM, method: "getPackagesHoldingPermissions", overloads: "all", permission: QAP, category: "installed_apps", args: ["permissions", "raw"], ret: "len" },
  { id: "apps.PackageManager.getPackagesForUid", className: PM, method: "getPackagesForUid", overloads: "all", permission: QAP, category: "installed_apps", args: ["raw"], ret: "len" },
  { id: "apps.PackageManager.getNameForUid", className: PM, method: "getNameForUid", overloads: "all", permission: QAP, category: "installed_apps", args: ["raw"], ret: "package" },
  // Intent resolution lists the apps that handle an intent (a targeted installed-app scan).
  { id: "apps.PackageManager.queryIntentActivities", className: PM, method: "queryIntentActivities", overloads: "all", permission: QAP, category: "installed_apps", args: ["intent", "raw"], ret: "len", ref: VISIBILITY },
  { id: "apps.PackageManager.queryIntentServices", className: PM, method: "queryIntentServices", overloads: "all", permission: QAP, category: "installed_apps", args: ["intent", "raw"], ret: "len", ref: VISIBILITY },
  // Activities for a list of intents at once, specific ones first: the same scan, several intents per call.
  { id: "apps.PackageManager.queryIntentActivityOptions", className: PM, method: "queryIntentActivityOptions", overloads: "all", permission: QAP, category: "installed_apps", args: ["omit", "len", "intent", "raw"], ret: "len" },
  { id: "apps.PackageManager.queryBroadcastReceivers", className: PM, method: "queryBroadcastReceivers", overloads: "all", permission: QAP, category: "installed_apps", args: ["intent", "raw"], ret: "len" },
  { id: "apps.PackageManager.queryIntentContentProviders", className: PM, method: "queryIntentContentProviders", overloads: "all", permission: QAP, category: "installed_apps", args: ["intent", "raw"], ret: "len" },
  // Apps and components that declare a named <property> in their manifest (API 31): an
  // installed-app scan by property, as queryIntentActivities is one by intent.
  ...(["Application", "Activity", "Provider", "Receiver", "Service"] as const).map((kind): HookEntry => ({ id: `apps.PackageManager.query${kind}Property`, className: PM, method: `query${kind}Property`, overloads: "all", minApi: 31, permission: QAP, category: "installed_apps", args: ["raw"], ret: "len" })),
  // The launcher's view of installed apps, per user profile; API 35 adds the private space's
  // profiles (ACCESS_HIDDEN_PROFILES) and the preinstalled system packages of a profile.
  { id: "apps.LauncherApps.getActivityList", className: LA, method: "getActivityList", overloads: "all", permission: QAP, category: "installed_apps", args: ["package", "omit"], ret: "len" },
  { id: "apps.LauncherApps.getProfiles", className: LA, method: "getProfiles", overloads: "all", minApi: 26, category: "installed_apps", ret: "len" },
  { id: "apps.LauncherApps.getPreInstalledSystemPackages", className: LA, method: "getPreInstalledSystemPackages", overloads: "all", minApi: 35, permission: "android.permission.ACCESS_HIDDEN_PROFILES", category: "installed_apps", ret: "len" },
  { id: "apps.PackageManager.queryContentProviders", className: PM, method: "queryContentProviders", overloads: "all", permission: QAP, category: "installed_apps", args: ["raw", "raw", "raw"], ret: "len" },
  { id: "apps.PackageManager.resolveActivity", className: PM, method: "resolveActivity", overloads: "all", permission: QAP, category: "installed_apps", args: ["intent", "raw"], ret: "type" },
  { id: "apps.PackageManager.resolveService", className: PM, method: "resolveService", overloads: "all", permission: QAP, category: "installed_apps", args: ["intent", "raw"], ret: "type" },

  // Running apps. Since API 21/22 these return only the caller's own tasks and processes (no
  // permission needed), but SDKs still call them to look for other apps: the attempt is the finding.
  { id: "apps.ActivityManager.getRunningAppProcesses", className: AM, method: "getRunningAppProcesses", overloads: "all", category: "running_apps", ret: "len" },
  { id: "apps.ActivityManager.getRunningTasks", className: AM, method: "getRunningTasks", overloads: "all", category: "running_apps", args: ["raw"], ret: "len" },
  { id: "apps.ActivityManager.getRecentTasks", className: AM, method: "getRecentTasks", overloads: "all", category: "running_apps", args: ["raw", "raw"], ret: "len" },
  { id: "apps.ActivityManager.getRunningServices", className: AM, method: "getRunningServices", overloads: "all", category: "running_apps", args: ["raw"], ret: "len" },

  // Usage statistics: special app access ("Usage access" in Settings).
  { id: "apps.UsageStatsManager.queryUsageStats", className: USM, method: "queryUsageStats", overloads: "all", permission: USAGE, category: "usage_stats", args: ["raw", "raw", "raw"], ret: "len" },
  { id: "apps.UsageStatsManager.queryEvents", className: USM, method: "queryEvents", overloads: "all", permission: USAGE, category: "usage_stats", args: ["raw", "raw"], ret: "type" },
  { id: "apps.UsageStatsManager.queryAndAggregateUsageStats", className: USM, method: "queryAndAggregateUsageStats", overloads: "all", permission: USAGE, category: "usage_stats", args: ["raw", "raw"], ret: "len" },
  { id: "apps.UsageStatsManager.queryEventStats", className: USM, method: "queryEventStats", overloads: "all", minApi: 28, permission: USAGE, category: "usage_stats", args: ["raw", "raw", "raw"], ret: "len" },
  { id: "apps.UsageStatsManager.queryConfigurations", className: USM, method: "queryConfigurations", overloads: "all", permission: USAGE, category: "usage_stats", args: ["raw", "raw", "raw"], ret: "len" },
];

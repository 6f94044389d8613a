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

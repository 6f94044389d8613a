/** Hooks whose first argument is a package name: reading the app's own package is not collection. */
export const OWN_PACKAGE_HOOKS: ReadonlySet<string> = new Set([
  "apps.PackageManager.getPackageInfo",
  "apps.PackageManager.getApplicationInfo",
  "apps.PackageManager.getInstallerPackageName",
  "apps.PackageManager.getInstallSourceInfo",
]);

/** Whether a call concerns only the app's own data: flagged by the agent, or its own package read. */
export function isOwnCall(ev: { readonly own?: boolean; readonly hook: string; readonly args?: readonly string[] }, appPackage: string): boolean {
  return ev.own === true || (ev.args !== undefined && ev.args[0] === appPackage && OWN_PACKAGE_HOOKS.has(ev.hook));
}

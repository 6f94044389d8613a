/**
 * Whether a content provider authority is the app's own: its package, or under it (AndroidX
 * FileProvider's `<applicationId>.fileprovider`). Pure: tested without Frida's runtime.
 */
export function isOwnAuthority(authority: unknown, appPackage: string): boolean {
  return typeof authority === "string" && (authority === appPackage || authority.startsWith(`${appPackage}.`));
}

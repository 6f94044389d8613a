/**
 * AccountManager: the accounts on the device (their names are often e-mail addresses) and their
 * credentials. Listing needs GET_ACCOUNTS (before API 26; from API 26 an app sees the accounts of
 * its own authenticator and those made visible to it). Tokens, passwords and user data are
 * restricted to the account's authenticator from API 23 and have no permission of their own;
 * their values are never summarised.
 */
import type { HookEntry } from "./types.js";

const AM = "android.accounts.AccountManager";
const GET = "android.permission.GET_ACCOUNTS";

export const ACCOUNTS: readonly HookEntry[] = [
  { id: "accounts.AccountManager.getAccounts", className: AM, method: "getAccounts", overloads: "all", permission: GET, category: "accounts", ret: "len" },
  { id: "accounts.AccountManager.getAccountsByType", className: AM, method: "getAccountsByType", overloads: "all", permission: GET, category: "accounts", args: ["raw"], ret: "len" },
  { id: "accounts.AccountManager.getAccountsByTypeAndFeatures", className: AM, method: "getAccountsByTypeAndFeatures", overloads: "all", permission: GET, category: "accounts", args: ["raw", "raw"], ret: "type" },
  { id: "accounts.AccountManager.getAccountsByTypeForPackage", className: AM, method: "getAccountsByTypeForPackage", overloads: "all", permission: GET, category: "accounts", args: ["raw", "package"], ret: "len" },
  { id: "accounts.AccountManager.hasFeatures", className: AM, method: "hasFeatures", overloads: "all", permission: GET, category: "accounts", args: ["omit", "raw"], ret: "type" },
  { id: "accounts.AccountManager.addOnAccountsUpdatedListener", className: AM, method: "addOnAccountsUpdatedListener", overloads: "all", permission: GET, category: "accounts", args: ["omit", "omit", "raw"] },
  // Credentials: the auth token type is kept (it names the service), the secrets are not.
  { id: "accounts.AccountManager.getAuthToken", className: AM, method: "getAuthToken", overloads: "all", category: "accounts", args: ["omit", "raw"], ret: "type" },
  { id: "accounts.AccountManager.getAuthTokenByFeatures", className: AM, method: "getAuthTokenByFeatures", overloads: "all", category: "accounts", args: ["raw", "raw"], ret: "type" },
  { id: "accounts.AccountManager.blockingGetAuthToken", className: AM, method: "blockingGetAuthToken", overloads: "all", category: "accounts", args: ["omit", "raw"], ret: "omit" },
  { id: "accounts.AccountManager.peekAuthToken", className: AM, method: "peekAuthToken", overloads: "all", category: "accounts", args: ["omit", "raw"], ret: "omit" },
  { id: "accounts.AccountManager.getPassword", className: AM, method: "getPassword", overloads: "all", category: "accounts", ret: "omit" },
  // Credential Manager (API 34): the user's saved passwords, passkeys and federated sign-ins,
  // handed over after a system prompt. No permission; the request's options are not summarised.
  { id: "accounts.CredentialManager.getCredential", className: "android.credentials.CredentialManager", method: "getCredential", overloads: "all", minApi: 34, category: "accounts", ref: "developer.android.com/reference/android/credentials/CredentialManager" },
  { id: "accounts.CredentialManager.prepareGetCredential", className: "android.credentials.CredentialManager", method: "prepareGetCredential", overloads: "all", minApi: 34, category: "accounts" },
  { id: "accounts.AccountManager.getUserData", className: AM, method: "getUserData", overloads: "all", category: "accounts", args: ["omit", "raw"], ret: "omit" },
];

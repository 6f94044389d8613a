import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import {
  PERMISSION_GROUPS,
  PERMISSIONS,
  groupLabel,
  permissionCategories,
  permissionGroup,
  permissionInfo,
} from "../../reports/data/permissions.js";
import { isCategory } from "../../reports/trace/categories.js";

const repoRoot = fileURLToPath(new URL("../../", import.meta.url));
const aospDir = join(repoRoot, "..", "shared", "data", "aosp-permissions");

describe("permissionInfo", () => {
  it("finds full names", () => {
    const cam = permissionInfo("android.permission.CAMERA");
    expect(cam?.name).toBe("android.permission.CAMERA");
    expect(cam?.runtime).toBe(true);
    expect(cam?.group).toBe("android.permission-group.CAMERA");
    expect(cam?.addedIn).toBe(1);
  });

  it("normalises short names and Manifest references", () => {
    expect(permissionInfo("CAMERA")?.name).toBe("android.permission.CAMERA");
    expect(permissionInfo("camera")?.name).toBe("android.permission.CAMERA");
    expect(permissionInfo(" READ_SMS ")?.name).toBe("android.permission.READ_SMS");
    expect(permissionInfo("Manifest.permission.RECORD_AUDIO")?.name).toBe("android.permission.RECORD_AUDIO");
  });

  it("handles the voicemail permission under its own prefix", () => {
    const full = "com.android.voicemail.permission.ADD_VOICEMAIL";
    expect(permissionInfo(full)?.name).toBe(full);
    expect(permissionInfo("ADD_VOICEMAIL")?.name).toBe(full);
    expect(permissionGroup(full)).toBe("android.permission-group.PHONE");
    expect(PERMISSIONS["android.permission.ADD_VOICEMAIL"]).toBeUndefined();
  });

  it("returns undefined / null / [] for unknown names", () => {
    for (const name of ["", "android.permission.NOT_A_THING", "NOT_A_THING", "com.example.permission.CAMERA"]) {
      expect(permissionInfo(name)).toBeUndefined();
      expect(permissionGroup(name)).toBeNull();
      expect(permissionCategories(name)).toEqual([]);
    }
  });
});

describe("groups", () => {
  it.each([
    ["ACCESS_FINE_LOCATION", "LOCATION"],
    ["ACCESS_BACKGROUND_LOCATION", "LOCATION"],
    ["READ_CONTACTS", "CONTACTS"],
    ["GET_ACCOUNTS", "CONTACTS"],
    ["READ_PHONE_STATE", "PHONE"],
    ["READ_PRIVILEGED_PHONE_STATE", "PHONE"],
    ["READ_CALL_LOG", "CALL_LOG"],
    ["PROCESS_OUTGOING_CALLS", "CALL_LOG"],
    ["RECEIVE_MMS", "SMS"],
    ["WRITE_CALENDAR", "CALENDAR"],
    ["RECORD_AUDIO", "MICROPHONE"],
    ["READ_EXTERNAL_STORAGE", "STORAGE"],
    ["READ_MEDIA_IMAGES", "READ_MEDIA_VISUAL"],
    ["ACCESS_MEDIA_LOCATION", "READ_MEDIA_VISUAL"],
    ["READ_MEDIA_AUDIO", "READ_MEDIA_AURAL"],
    ["BLUETOOTH_SCAN", "NEARBY_DEVICES"],
    ["NEARBY_WIFI_DEVICES", "NEARBY_DEVICES"],
    ["ACTIVITY_RECOGNITION", "ACTIVITY_RECOGNITION"],
    ["BODY_SENSORS", "SENSORS"],
    ["POST_NOTIFICATIONS", "NOTIFICATIONS"],
  ])("%s is in %s", (perm, group) => {
    expect(permissionGroup(perm)).toBe(`android.permission-group.${group}`);
  });

  it("has no group for non-runtime special-access and normal permissions", () => {
    for (const p of ["PACKAGE_USAGE_STATS", "QUERY_ALL_PACKAGES", "ACCESS_WIFI_STATE", "BLUETOOTH", "BLUETOOTH_ADMIN"]) {
      expect(permissionInfo(p)?.runtime, p).toBe(false);
      expect(permissionGroup(p), p).toBeNull();
    }
  });

  it("labels groups", () => {
    expect(groupLabel("android.permission-group.LOCATION")).toBe("Location");
    expect(groupLabel("LOCATION")).toBe("Location");
    expect(groupLabel("android.permission-group.CALL_LOG")).toBe("Call logs");
    expect(groupLabel("android.permission-group.READ_MEDIA_VISUAL")).toBe("Photos and videos");
    expect(groupLabel("android.permission-group.SOMETHING_NEW")).toBe("Something new");
  });

  it("gives every group used a known label and every group as full name", () => {
    for (const info of Object.values(PERMISSIONS)) {
      if (info.group === null) continue;
      expect(PERMISSION_GROUPS, info.name).toContain(info.group);
    }
  });
});

describe("categories", () => {
  it.each([
    ["ACCESS_COARSE_LOCATION", ["location"]],
    ["READ_CONTACTS", ["contacts"]],
    ["WRITE_CONTACTS", ["contacts"]],
    ["GET_ACCOUNTS", ["accounts"]],
    ["READ_PHONE_NUMBERS", ["phone_number"]],
    ["READ_PRIVILEGED_PHONE_STATE", ["phone_identifiers"]],
    ["READ_CALL_LOG", ["call_log"]],
    ["READ_SMS", ["sms"]],
    ["READ_CALENDAR", ["calendar"]],
    ["CAMERA", ["camera"]],
    ["RECORD_AUDIO", ["microphone"]],
    ["READ_MEDIA_VIDEO", ["media_storage"]],
    ["BLUETOOTH_CONNECT", ["bluetooth"]],
    ["NEARBY_WIFI_DEVICES", ["wifi_scan"]],
    ["BODY_SENSORS", ["sensors"]],
    ["PACKAGE_USAGE_STATS", ["usage_stats"]],
    ["QUERY_ALL_PACKAGES", ["installed_apps"]],
    ["ACCESS_WIFI_STATE", ["network_identifiers"]],
    ["POST_NOTIFICATIONS", []],
    ["CALL_PHONE", []],
  ])("%s guards %j", (perm, cats) => {
    expect(permissionCategories(perm)).toEqual(cats);
  });

  it("READ_PHONE_STATE guards identifiers and carrier info", () => {
    expect(permissionCategories("READ_PHONE_STATE")).toEqual(
      expect.arrayContaining(["phone_identifiers", "carrier_info"]),
    );
  });

  it("uses only valid categories, without duplicates", () => {
    for (const info of Object.values(PERMISSIONS)) {
      for (const c of info.categories) expect(isCategory(c), `${info.name}: ${c}`).toBe(true);
      expect(new Set(info.categories).size, info.name).toBe(info.categories.length);
    }
  });

  it("keys every entry by its own name", () => {
    for (const [key, info] of Object.entries(PERMISSIONS)) expect(info.name).toBe(key);
  });
});

interface AospDump {
  readonly permissions: Readonly<Record<string, { readonly name: string; readonly protectionLevel: string }>>;
}

describe.skipIf(!existsSync(aospDir))("AOSP dangerous permissions (API 23-36)", () => {
  it("lists every dangerous android.permission.* as a runtime permission", () => {
    const missing: string[] = [];
    let seen = 0;
    for (let api = 23; api <= 36; api++) {
      const file = join(aospDir, `permissions_${api}.json`);
      if (!existsSync(file)) continue;
      const dump = JSON.parse(readFileSync(file, "utf8")) as AospDump;
      for (const [name, p] of Object.entries(dump.permissions)) {
        if (!name.startsWith("android.permission.")) continue;
        if (!p.protectionLevel.split("|").includes("dangerous")) continue;
        seen++;
        if (PERMISSIONS[name]?.runtime !== true) missing.push(`${name} (API ${api})`);
      }
    }
    expect(seen).toBeGreaterThan(0);
    expect([...new Set(missing)]).toEqual([]);
  });
});

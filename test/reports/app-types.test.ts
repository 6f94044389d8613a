import { describe, expect, it } from "vitest";
import { APP_TYPES, APP_TYPES_SOURCE, appType } from "../../reports/data/app-types.js";
import { isCategory } from "../../reports/trace/categories.js";

describe("APP_TYPES", () => {
  it("has exactly 39 types numbered 1..39 in order", () => {
    expect(APP_TYPES).toHaveLength(39);
    APP_TYPES.forEach((t, i) => expect(t.number).toBe(i + 1));
  });

  it("has unique snake_case ids and unique Chinese and English names", () => {
    expect(new Set(APP_TYPES.map((t) => t.id)).size).toBe(39);
    expect(new Set(APP_TYPES.map((t) => t.nameZh)).size).toBe(39);
    expect(new Set(APP_TYPES.map((t) => t.name.toLowerCase())).size).toBe(39);
    for (const t of APP_TYPES) {
      expect(t.id).toMatch(/^[a-z][a-z0-9]*(?:_[a-z0-9]+)*$/);
      expect(t.nameZh).not.toMatch(/类$/);
      expect(t.basicFunction.length).toBeGreaterThan(0);
      expect(t.necessaryInfo.length).toBeGreaterThan(0);
    }
  });

  it("uses only valid categories", () => {
    for (const t of APP_TYPES) {
      for (const c of t.observableNecessary) expect(isCategory(c), `${t.id}: ${c}`).toBe(true);
    }
  });

  it("marks 13 types as needing no personal information, with nothing observable", () => {
    const none = APP_TYPES.filter((t) => t.necessaryInfo === "none");
    expect(none).toHaveLength(13);
    for (const t of none) expect(t.observableNecessary, t.id).toEqual([]);
  });

  it("starts with map navigation and ends with performance ticketing", () => {
    expect(APP_TYPES[0]?.nameZh).toBe("地图导航");
    expect(APP_TYPES[38]?.nameZh).toBe("演出票务");
  });

  it("names its source", () => {
    expect(APP_TYPES_SOURCE.effective).toBe("2021-05-01");
    expect(APP_TYPES_SOURCE.titleZh).toBe("常见类型移动互联网应用程序必要个人信息范围规定");
  });
});

describe("appType", () => {
  it("looks up by id, number, Chinese name and English name", () => {
    const map = appType("map_navigation");
    expect(map?.number).toBe(1);
    expect(appType(1)).toBe(map);
    expect(appType("1")).toBe(map);
    expect(appType("地图导航")).toBe(map);
    expect(appType("地图导航类")).toBe(map);
    expect(appType("Map Navigation")).toBe(map);
    expect(appType(32)?.id).toBe("browser");
    expect(appType("即时通信")?.id).toBe("instant_messaging");
  });

  it("returns undefined for unknown keys", () => {
    expect(appType(0)).toBeUndefined();
    expect(appType(40)).toBeUndefined();
    expect(appType(1.5)).toBeUndefined();
    expect(appType("spaceship")).toBeUndefined();
    expect(appType("")).toBeUndefined();
  });

  it("map navigation and ride-hailing need location", () => {
    expect(appType("map_navigation")?.observableNecessary).toContain("location");
    expect(appType("ride_hailing")?.observableNecessary).toContain("location");
  });

  it("browser needs nothing observable", () => {
    expect(appType("browser")?.observableNecessary).toEqual([]);
    expect(appType("browser")?.necessaryInfo).toBe("none");
  });

  it("does not treat a typed-in phone number or an in-app contact list as device data", () => {
    for (const id of ["instant_messaging", "online_shopping", "mobile_banking", "online_games"]) {
      const t = appType(id);
      expect(t?.observableNecessary, id).not.toContain("phone_number");
      expect(t?.observableNecessary, id).not.toContain("contacts");
    }
  });
});

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

  it("names its source", () => {
    expect(APP_TYPES_SOURCE.article).toBe(5);
    expect(APP_TYPES_SOURCE.issued).toBe("2021-03-12");
    expect(APP_TYPES_SOURCE.effective).toBe("2021-05-01");
    expect(APP_TYPES_SOURCE.titleZh).toBe("常见类型移动互联网应用程序必要个人信息范围规定");
    expect(APP_TYPES_SOURCE.url).toMatch(/cac\.gov\.cn/);
  });

  it("carries no unverified notes", () => {
    for (const t of APP_TYPES) expect(t.note ?? "", t.id).not.toMatch(/memory|verify|unverified/i);
  });
});

// Facts checked against the text of Article 5, items (一)–(三十九).
describe("APP_TYPES against Article 5", () => {
  it.each([
    [1, "map_navigation", "地图导航"],
    [8, "postal_courier", "邮件快件寄递"],
    [22, "car_services", "用车服务"],
    [37, "app_store", "应用商店"],
    [39, "performance_ticketing", "演出票务"],
  ] as const)("item %i is %s (%s类)", (number, id, nameZh) => {
    const t = appType(number);
    expect(t?.id).toBe(id);
    expect(t?.nameZh).toBe(nameZh);
    expect(appType(`${nameZh}类`)?.number).toBe(number);
  });

  it("the 13 types that need no personal information are items 21 and 27–38", () => {
    const none = APP_TYPES.filter((t) => t.necessaryInfo === "none");
    expect(none.map((t) => t.number)).toEqual([21, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38]);
    expect(none.map((t) => t.nameZh)).toEqual([
      "女性健康", "网络直播", "在线影音", "短视频", "新闻资讯", "运动健身", "浏览器",
      "输入法", "安全管理", "电子图书", "拍摄美化", "应用商店", "实用工具",
    ]);
  });

  it("local life services need the registered mobile number; the app store needs nothing", () => {
    expect(appType("local_life")?.necessaryInfo).toMatch(/mobile phone number/);
    expect(appType("app_store")?.necessaryInfo).toBe("none");
    expect(appType("app_store")?.basicFunction).toMatch(/search/i);
  });

  it("vehicle use lists location only for shared bikes and time-share car rental", () => {
    const t = appType(22);
    expect(t?.basicFunction).toMatch(/shared bikes.*shared cars.*rental cars/i);
    expect(t?.necessaryInfo).toMatch(/driving-licence/);
    expect(t?.necessaryInfo).toMatch(/shared bikes or time-share car rental, location information/);
    expect(t?.observableNecessary).toEqual(["location"]);
  });

  it("only map navigation, ride-hailing and vehicle use make a device category necessary (location)", () => {
    const observable = APP_TYPES.filter((t) => t.observableNecessary.length > 0);
    expect(observable.map((t) => [t.number, t.observableNecessary])).toEqual([
      [1, ["location"]],
      [2, ["location"]],
      [22, ["location"]],
    ]);
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

import { describe, expect, it } from "vitest";
import { catalogueNames } from "../../reports/profile.js";

const resolve = (name: string): string => {
  const r = catalogueNames().resolve({ name });
  return "problem" in r ? `error: ${r.problem}` : `${r.matchedBy}: ${r.entries.map((e) => e.id).join(",")}`;
};

describe("names an app's SDK list writes, resolved against the catalogue", () => {
  it("a product's Chinese and English names side by side are that product", () => {
    expect(resolve("极光推送 JPush SDK")).toBe("name: jpush");
    expect(resolve("华为推送 HMS Push Kit")).toBe("name: huawei-push");
    expect(resolve("OPPO推送 (HeyTap)")).toBe("name: oppo-push");
    expect(resolve("荣耀推送 Honor Push")).toBe("name: honor-push");
    expect(resolve("高德开放平台定位SDK")).toBe("name: amap-location");
    // A product named beside its family is the product.
    expect(resolve("友盟+ U-Push")).toBe("name: umeng-push");
    expect(resolve("极光 JPush")).toBe("name: jpush");
  });

  it("a brand declares its family; Google Analytics today is GA4 (Firebase)", () => {
    expect(resolve("高德")).toBe("family: amap-maps,amap-location,amap-search,amap-navi");
    expect(resolve("Google Analytics")).toBe("name: firebase-analytics");
    expect(resolve("Adjust")).toBe("name: adjust");
  });

  it("generic words, typos beside a family and packages match nothing: an error, never a wrong SDK", () => {
    expect(resolve("Login")).toMatch(/^error: SDK 'Login' matches no catalogue name/);
    expect(resolve("AD SDK")).toMatch(/^error: /);
    expect(resolve("Legacy")).toMatch(/^error: /);
    expect(resolve("Umeng Anlytics")).toMatch(/^error: SDK 'Umeng Anlytics' matches no/);
    expect(resolve("com.umeng")).toBe("error: 'com.umeng' is a Java package, not an SDK's name");
    const slip = catalogueNames().resolve({ name: "友盟推送", id: "jpush" });
    expect("problem" in slip && slip.problem).toBe("id 'jpush' is JPush (极光推送), but the name '友盟推送' means Umeng Push (友盟推送 / U-Push)");
    expect(resolve("腾讯")).toMatch(/^error: '腾讯' names a vendor with \d+ SDKs/);
  });
});

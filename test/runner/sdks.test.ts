import { describe, expect, it } from "vitest";
import { EXIT, main } from "../../runner/cli.js";

async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const code = await main(["--log-level", "silent", ...argv], { out: (t) => void (out += t), err: (t) => void (err += t) });
  return { code, out, err };
}

describe("permtrace sdks: what an app profile can name", () => {
  it("finds entries by Chinese name, family, vendor and package, with their ids, kinds, families, aliases and packages", async () => {
    const umeng = await cli("sdks", "友盟");
    expect(umeng.code).toBe(EXIT.ok);
    expect(umeng.out).toMatch(/^family umeng: Umeng\+ \(友盟\+\)/m);
    expect(umeng.out).toMatch(/^umeng-common {2}Umeng Common SDK \(友盟基础组件\) — Umeng\+ \(Alibaba\); analytics, family umeng; declared with any member of its family$/m);
    expect(umeng.out).toMatch(/^umeng-push-channel-xiaomi .*declared with umeng-push$/m);
    expect(umeng.out).toMatch(/^ {4}packages: org\.android\.agoo\.xiaomi$/m);
    expect(umeng.out).toMatch(/entries, 1 family matching '友盟'/);
    const byPackage = await cli("sdks", "com.qq.e.comm");
    expect(byPackage.out).toMatch(/^tencent-gdt {2}/m);
    const lib = await cli("sdks", "AndroidUtilCode");
    expect(lib.out).toMatch(/^androidutilcode {2}AndroidUtilCode \(Blankj\) — Blankj; library$/m);
  });

  it("answers in JSON, and says plainly when nothing matches", async () => {
    const json = JSON.parse((await cli("sdks", "xiaomi", "--json")).out) as { catalogueVersion: string; sdks: { id: string; packages: string[] }[] };
    expect(json.sdks.map((s) => s.id)).toEqual(expect.arrayContaining(["xiaomi-push", "umeng-push-channel-xiaomi", "jpush-channel-xiaomi"]));
    const none = await cli("sdks", "zzzqqq");
    expect(none.code).toBe(EXIT.ok);
    expect(none.out).toMatch(/^no SDK or family matching 'zzzqqq' in catalogue \S+ — /);
    const punct = await cli("sdks", "+++");
    expect(punct.code).toBe(EXIT.usage);
    expect(punct.err.trim().split("\n")).toHaveLength(1);
  });

  it("shows the domains each SDK talks to, with their sources, in text and JSON", async () => {
    const text = await cli("sdks", "umeng-analytics");
    expect(text.out).toMatch(/^umeng-analytics {2}.*\n {4}aliases: .*\n {4}packages: com\.umeng\.analytics\n {4}domains: umeng\.com \(exodus:119\)$/m);
    const getui = await cli("sdks", "getui-push");
    expect(getui.out).toMatch(/^ {4}domains: getui\.net, gepush\.com \(https:\/\/docs\.getui\.com\/\S+\); igexin\.com \(http:\/\/docs\.getui\.com\/\S+\)$/m);
    // An entry without recorded domains has no domains line.
    const none = await cli("sdks", "androidutilcode");
    expect(none.out).not.toMatch(/domains:/);
    // A host finds the SDKs whose domains cover it, at label boundaries.
    const byHost = await cli("sdks", "ALOG.umeng.com.");
    expect(byHost.out).toMatch(/^umeng-analytics {2}/m);
    expect(byHost.out).toMatch(/^umeng-feedback {2}/m);
    expect((await cli("sdks", "evilumeng.com")).out).toMatch(/^no SDK or family matching 'evilumeng\.com'/);
    const huawei = JSON.parse((await cli("sdks", "huawei-push", "--json")).out) as { sdks: { id: string; domains: { domains: string[]; source: string }[] }[] };
    expect(huawei.sdks.find((s) => s.id === "huawei-push")?.domains).toEqual([{ domains: ["dbankcloud.cn", "dbankcloud.com", "dbankcloud.ru", "hicloud.com"], source: "exodus:333" }]);
    expect(huawei.sdks.find((s) => s.id === "huawei-push-channel-umeng")?.domains ?? []).toEqual([]);
  });
});

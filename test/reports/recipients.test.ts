import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ProfileError } from "../../reports/errors.js";
import { loadAppProfile } from "../../reports/profile.js";
import { MAX_HOST_INPUT, normalizeHost, RecipientIndex, type HostParty } from "../../reports/sdk/recipients.js";

const catalogueOnly = new RecipientIndex();

function ids(p: HostParty): string[] {
  return p.kind === "sdk" ? p.sdks.map((s) => s.id) : [];
}

describe("recipients: a host attributed to a catalogued SDK", () => {
  it("matches a domain and its subdomains, naming the rule and its source", () => {
    const p = catalogueOnly.attribute("alog.umeng.com");
    expect(p.kind).toBe("sdk");
    expect(ids(p)).toEqual(["umeng-analytics", "umeng-feedback"]);
    expect(p.evidence).toBe("suffix umeng.com of sdks umeng-analytics (exodus:119), umeng-feedback (exodus:120)");
    expect(catalogueOnly.attribute("umeng.com").kind).toBe("sdk");
    expect(catalogueOnly.attribute("bugly.qq.com").evidence).toBe("suffix bugly.qq.com of sdk tencent-bugly (exodus:190)");
  });

  it("matches only at label boundaries", () => {
    for (const host of ["evilumeng.com", "umeng.com.evil.net", "umeng.co", "qq.com", "xbugly.qq.com"]) {
      const p = catalogueOnly.attribute(host);
      expect(p.kind, host).toBe("unknown");
      expect(p.evidence, host).toBe(`no rule matches ${host}`);
    }
  });

  it("prefers the most specific domain", () => {
    // amazonaws.com is nobody's; only the hosts Exodus names under it are.
    expect(catalogueOnly.attribute("s3.amazonaws.com").kind).toBe("unknown");
    expect(ids(catalogueOnly.attribute("incoming-data-sense360.s3.amazonaws.com"))).toEqual(["sense360"]);
  });

  it("ignores case, a trailing dot and a port; reads IDNs and full-width dots as a URL parser does", () => {
    for (const host of ["ALOG.Umeng.COM", "alog.umeng.com.", "alog.umeng.com:443", "ａｌｏｇ．ｕｍｅｎｇ．ｃｏｍ", "alog。umeng。com"]) {
      expect(ids(catalogueOnly.attribute(host)), host).toEqual(["umeng-analytics", "umeng-feedback"]);
    }
    const idn = new RecipientIndex({ domains: ["例子.中国"] });
    expect(idn.attribute("api.xn--fsqu00a.xn--fiqs8s").kind).toBe("app");
    expect(idn.attribute("API.例子.中国.").kind).toBe("app");
    const puny = new RecipientIndex({ domains: ["xn--fsqu00a.xn--fiqs8s"] });
    expect(puny.attribute("例子.中国")).toMatchObject({ kind: "app", host: "xn--fsqu00a.xn--fiqs8s", domain: "xn--fsqu00a.xn--fiqs8s" });
  });

  it("leaves IP literals unknown, with the address", () => {
    expect(catalogueOnly.attribute("203.0.113.7")).toEqual({ kind: "unknown", ip: "203.0.113.7", evidence: "IP address 203.0.113.7: no domain to attribute it by" });
    expect(catalogueOnly.attribute("203.0.113.7:8080")).toMatchObject({ kind: "unknown", ip: "203.0.113.7" });
    expect(catalogueOnly.attribute("[2001:DB8::1]:443")).toMatchObject({ kind: "unknown", ip: "2001:db8::1" });
    expect(catalogueOnly.attribute("2001:db8::1")).toMatchObject({ kind: "unknown", ip: "2001:db8::1" });
    // The forms a URL parser reads as IPv4 are addresses too, not names.
    expect(catalogueOnly.attribute("0x7f.1")).toMatchObject({ kind: "unknown", ip: "127.0.0.1" });
  });
});

describe("recipients: untrusted host strings never crash the matcher", () => {
  const cases: [string, unknown, RegExp][] = [
    ["empty", "", /^not a host name: an empty host$/],
    ["overlong", "a.".repeat(600_000) + "umeng.com", /overlong host \(1200009 characters\)/],
    ["just over the cap", `${"a".repeat(MAX_HOST_INPUT - 8)}.umeng.com`, /overlong host/],
    ["a NUL", "umeng.com\u0000.evil.net", /control character/],
    ["a newline", "umeng.com\nHost: x", /control character/],
    ["a space", "umeng .com", /control character or a space/],
    ["a URL", "https://alog.umeng.com/x", /not a host name \(a URL/],
    ["credentials", "user@umeng.com", /not a host name/],
    ["percent-escapes", "%75meng.com", /not a host name/],
    ["an empty label", "alog..umeng.com", /empty or overlong label/],
    ["a 64-letter label", `${"a".repeat(64)}.umeng.com`, /empty or overlong label/],
    ["bad punycode", "xn--zz.umeng.com", /not a valid host name/],
    ["bad brackets", "[umeng.com]", /not an IPv6 address/],
    ["a number", 42, /no host/],
    ["undefined", undefined, /no host/],
    ["an object", { toString: () => "umeng.com" }, /no host/],
  ];
  it.each(cases)("%s → unknown, with the reason", (_name, raw, why) => {
    const p = catalogueOnly.attribute(raw);
    expect(p.kind).toBe("unknown");
    expect(p.evidence).toMatch(why);
    expect(p.evidence.length).toBeLessThan(200);
  });

  it("quotes an invalid host escaped and cut short in its evidence", () => {
    const p = catalogueOnly.attribute(`\u001b[31m${"x".repeat(100)}`);
    expect(p.evidence).toContain("\\u001b[31m");
    expect(p.evidence).toContain("…");
  });

  it("keeps the normal form stable: normalising a normal host gives it back", () => {
    for (const h of ["alog.umeng.com", "xn--fiqs8s.cn", "under_score.example.com"]) expect(normalizeHost(h)).toEqual({ host: h });
  });
});

describe("recipients: the app's own domains and the declared sharing list", () => {
  const index = new RecipientIndex({
    domains: ["example.com", "umeng.com"],
    recipients: [
      { name: "Acme Cloud", domains: ["acme-cloud.example", "cdn.example.com"], purpose: "hosting" },
      { name: "友盟+", purpose: "statistics" },
      { name: "华为推送" },
      { name: "Sense360 data", id: "sense360", domains: ["incoming-data-sense360.s3.amazonaws.com"] },
    ],
  });

  it("attributes hosts under the app's domains to the app, over an SDK's equal domain", () => {
    expect(index.attribute("api.example.com")).toEqual({ kind: "app", host: "api.example.com", domain: "example.com", evidence: "suffix example.com of the app (profile domains[0])" });
    expect(index.attribute("umeng.com")).toMatchObject({ kind: "app", evidence: "suffix umeng.com of the app (profile domains[1])" });
    // The catalogue records umeng.com alone (Exodus's alog.umeng.com is under it): the app's equal domain takes it.
    expect(index.attribute("alog.umeng.com").kind).toBe("app");
    // A more specific catalogue domain wins over the app's shorter one.
    const qq = new RecipientIndex({ domains: ["qq.com"] });
    expect(ids(qq.attribute("android.bugly.qq.com"))).toEqual(["tencent-bugly"]);
    expect(qq.attribute("im.qq.com").kind).toBe("app");
  });

  it("attributes a recipient's own domains to it, the more specific over the app's", () => {
    const p = index.attribute("files.cdn.example.com");
    expect(p).toMatchObject({ kind: "recipient", domain: "cdn.example.com", evidence: 'suffix cdn.example.com of recipient "Acme Cloud" (profile recipients[0])' });
    expect(p.kind === "recipient" && p.entries).toEqual([]);
    expect(index.attribute("acme-cloud.example").kind).toBe("recipient");
  });

  it("names the sharing-list line that declares a catalogued SDK, by name, family or id", () => {
    const huawei = index.attribute("grs.hicloud.com");
    expect(huawei.kind).toBe("sdk");
    expect(huawei.kind === "sdk" && huawei.declaredBy.map((d) => d.name)).toEqual(["华为推送"]);
    expect(huawei.evidence).toMatch(/^suffix hicloud\.com of sdks huawei-analytics \(exodus:333\), .*huawei-push \(exodus:333\).*; declared by recipient "华为推送"$/);
    const sense = index.attribute("incoming-data-sense360.s3.amazonaws.com");
    expect(sense).toMatchObject({ kind: "sdk", evidence: 'suffix incoming-data-sense360.s3.amazonaws.com of sdk sense360 (exodus:144); declared by recipient "Sense360 data"' });
    const family = new RecipientIndex({ recipients: [{ name: "友盟+" }] }).attribute("oc.umeng.com");
    expect(family.kind === "sdk" && family.declaredBy.map((d) => d.name)).toEqual(["友盟+"]);
    expect(catalogueOnly.attribute("oc.umeng.com")).toMatchObject({ kind: "sdk", declaredBy: [] });
  });

  it("lets a recipient that lists a catalogue domain without declaring that SDK take it", () => {
    const other = new RecipientIndex({ recipients: [{ name: "Partner", domains: ["facebook.com"] }] });
    expect(other.attribute("graph.facebook.com")).toMatchObject({ kind: "recipient", evidence: 'suffix facebook.com of recipient "Partner" (profile recipients[0])' });
  });

  it("answers fast: a hundred thousand look-ups within 3 s (about 0.3 s here)", () => {
    const hosts = ["a.b.c.d.alog.umeng.com", "x.example.org", "graph.facebook.com", "203.0.113.9", "api.example.com"];
    const t0 = performance.now();
    for (let i = 0; i < 100_000; i++) index.attribute(hosts[i % hosts.length]);
    expect(performance.now() - t0).toBeLessThan(3000);
  });
});

describe("app profile: domains and recipients", () => {
  const dir = mkdtempSync(join(tmpdir(), "permtrace-recipients-"));
  let n = 0;
  function profile(body: string): string {
    const file = join(dir, `p${n++}.yaml`);
    writeFileSync(file, `app: com.example.shop\n${body}`);
    return file;
  }
  function error(body: string): ProfileError {
    try {
      loadAppProfile(profile(body));
    } catch (e) {
      if (e instanceof ProfileError) return e;
      throw e;
    }
    throw new Error("no error");
  }

  it("reads the app's domains and the sharing list", () => {
    const p = loadAppProfile(profile([
      "domains: [example.com, api.example.cn]",
      "recipients:",
      "  - name: 友盟+ 统计",
      "    purpose: statistics",
      "    categories: [device_identifiers]",
      "  - name: 顺丰速运",
      "    domains: [sf-express.com]",
      "    purpose: delivery",
      "",
    ].join("\n")));
    expect(p.domains).toEqual(["example.com", "api.example.cn"]);
    expect(p.recipients?.map((r) => r.name)).toEqual(["友盟+ 统计", "顺丰速运"]);
    const index = new RecipientIndex(p);
    expect(index.attribute("www.sf-express.com").kind).toBe("recipient");
    expect(index.attribute("ulogs.umeng.com")).toMatchObject({ kind: "sdk", declaredBy: [expect.objectContaining({ name: "友盟+ 统计" })] });
  });

  it("refuses a domain that is not a host name, on its line, saying how to write it", () => {
    const url = error("domains:\n  - example.com\n  - https://api.example.com/v1\n");
    expect(url.toLine()).toMatch(/p\d+\.yaml:4(:\d+)?: domains\[1\]: "https:\/\/api\.example\.com\/v1" is not a host name .* — write the host alone: 'api\.example\.com'$/);
    expect(error("domains: ['*.example.com']\n").toLine()).toMatch(/domains\[0\]: '\*\.example\.com' is a wildcard — write 'example\.com': a domain covers its subdomains$/);
    expect(error("domains: [10.0.0.1]\n").toLine()).toMatch(/domains\[0\]: '10\.0\.0\.1' is an IP address — /);
    expect(error("domains: [com]\n").toLine()).toMatch(/domains\[0\]: 'com' would cover every host under \.com — /);
    const nested = error("recipients:\n  - name: Acme\n    domains: [acme.example, 'bad host']\n");
    expect(nested.toLine()).toMatch(/:4(:\d+)?: recipients\[0\]\.domains\[1\]: "bad host" has a control character or a space/);
    expect(nested.toLine().split("\n")).toHaveLength(1);
  });

  it("resolves recipient names like SDK names: an unknown name needs its domains, a wrong id is an error", () => {
    const unknown = error("recipients:\n  - name: Umeng Anlytics\n");
    expect(unknown.toLine()).toMatch(/:3(:\d+)?: recipients\[0\]: recipient 'Umeng Anlytics' matches no catalogue name, alias or family — did you mean 'Umeng Analytics'.*give its `domains` if it is not catalogued\)$/);
    const id = error("recipients:\n  - name: Umeng\n    id: umeng-analitics\n    domains: [umeng.com]\n");
    expect(id.toLine()).toMatch(/:4(:\d+)?: recipients\[0\]: id 'umeng-analitics' is not in the SDK catalogue — did you mean 'umeng-analytics'/);
    expect(() => loadAppProfile(profile("recipients:\n  - name: Umeng Anlytics\n    domains: [umeng.com]\n"))).not.toThrow();
    const schema = error("recipients:\n  - name: Acme\n    domain: acme.example\n");
    expect(schema.toLine()).toMatch(/domain/);
  });
});

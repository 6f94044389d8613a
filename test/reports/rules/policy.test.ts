import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { PolicyError, ProfileError, type PermtraceError } from "../../../reports/errors.js";
import { BUILTIN_POLICIES } from "../../../reports/policy/profiles.js";
import { resolvePolicy, ruleIds } from "../../../reports/policy/policy.js";
import { loadAppProfile } from "../../../reports/profile.js";
import { analyzeDir, ruleFindings, tempDir, TraceBuilder } from "../../support/trace-builder.js";

const IMEI = "telephony.TelephonyManager.getImei";

/** Writes files into a fresh directory; returns the path of each. */
function files(spec: Record<string, string>): Record<string, string> {
  const dir = tempDir();
  const out: Record<string, string> = {};
  for (const [name, text] of Object.entries(spec)) {
    const path = join(dir, name);
    mkdirSync(join(path, ".."), { recursive: true });
    writeFileSync(path, text);
    out[name] = path;
  }
  return out;
}

const file = (text: string, name = "policy.yaml"): string => files({ [name]: text })[name]!;

function errorOf(fn: () => unknown): PermtraceError {
  try {
    fn();
  } catch (e) {
    return e as PermtraceError;
  }
  throw new Error("expected an error");
}

/** Resolves a policy file and returns the one error it gives. */
function policyError(yaml: string): { e: PermtraceError; path: string } {
  const path = file(yaml);
  const e = errorOf(() => resolvePolicy(path));
  expect(e).toBeInstanceOf(PolicyError);
  return { e, path };
}

/** No consent markers: every call is pre-consent; one IMEI read by the app. */
const preConsentTrace = (): string => new TraceBuilder().mark(0, "app_launch").call(500, IMEI, "phone_identifiers").close();

// Regression: these must run first in the file. The schemas declare draft 2020-12; a draft-07
// Ajv failed on the first compile ("no schema with key or ref …/2020-12/schema") and only
// worked from the second load on.
describe("first YAML file loaded in a process", () => {
  it("a valid policy file resolves on the first load", () => {
    expect(resolvePolicy(file("version: 1\nname: mine\n")).name).toBe("mine");
  });

  it("a valid app profile loads on the first load", () => {
    expect(loadAppProfile(file("app: com.example.app\n", "profile.yaml")).app).toBe("com.example.app");
  });
});

describe("built-in policies", () => {
  it.each(Object.keys(BUILTIN_POLICIES))("'%s' resolves with every rule filled in", (name) => {
    const p = resolvePolicy(name);
    expect(p.name).toBe(name);
    expect(p.chain).toEqual([name]);
    expect(p.initialConsent).toBe("pending");
    expect(Object.keys(p.rules).sort()).toEqual(ruleIds().sort());
  });

  it("store profiles carry their numbers on top of the strict defaults", () => {
    const t = resolvePolicy("tencent-myapp").rules;
    expect(t["frequency.rate_per_minute"]!.enabled).toBe(false);
    expect(t["frequency.rate_per_second"]!.params).toMatchObject({ limit: null, categories: { device_identifiers: 1, phone_identifiers: 1 } });
    expect(t["frequency.total_per_run"]!.params).toMatchObject({ limit: null, categories: { device_identifiers: 3 } });
    const strict = resolvePolicy().rules;
    expect(strict["frequency.rate_per_second"]).toMatchObject({ enabled: true, severity: "medium", params: { limit: null, categories: { location: 1, device_identifiers: 1 } } });
    expect(strict["permission.rerequest_after_denial"]!.params).toEqual({ windowHours: 48 });
  });

  it("an unknown name is a PolicyError with a did-you-mean", () => {
    const e = errorOf(() => resolvePolicy("strcit"));
    expect(e).toBeInstanceOf(PolicyError);
    expect(e.toLine()).toBe("--policy: 'strcit' is neither a policy file nor a built-in profile — did you mean 'strict'?");
    const far = errorOf(() => resolvePolicy("completely-unknown-profile"));
    expect(far.toLine()).toContain("built-in profiles: strict, tencent-myapp");
  });
});

describe("policy file errors: one PolicyError naming the file and line", () => {
  it("an unknown rule id", () => {
    const { e, path } = policyError("version: 1\nrules:\n  consent.pre_consent_colection:\n    enabled: false\n");
    expect(e.where).toBe(path);
    expect(e.line).toBe(3);
    expect(e.message).toBe("unknown key 'consent.pre_consent_colection' in 'rules'");
    expect(e.toLine()).toBe(`${path}:3:3: unknown key 'consent.pre_consent_colection' in 'rules' — did you mean 'consent.pre_consent_collection'?`);
  });

  it("an unknown key inside a rule (limt → limit)", () => {
    const { e, path } = policyError("rules:\n  frequency.total_per_run:\n    severity: low\n    limt: 3\n");
    expect(e.where).toBe(path);
    expect(e.line).toBe(4);
    expect(e.message).toContain("unknown key 'limt'");
    expect(e.fix).toBe("did you mean 'limit'?");
  });

  it("a bad severity value", () => {
    const { e, path } = policyError("rules:\n  background.collection:\n    graceMs: 500\n    severity: hgh\n");
    expect(e.where).toBe(path);
    expect(e.line).toBe(4);
    expect(e.message).toContain('is "hgh", not one of the allowed values');
    expect(e.fix).toBe("did you mean 'high'?");
  });

  it("a bad category in a parameter", () => {
    const { e } = policyError("rules:\n  scenario.unneeded_category:\n    ignoreCategories: [location, contatcs]\n");
    expect(e.line).toBe(3);
    expect(e.fix).toBe("did you mean 'contacts'?");
  });

  it("bad YAML syntax", () => {
    const { e, path } = policyError("version: 1\nrules:\n  background.collection:\n    graceMs: [1, 2\n");
    expect(e.where).toBe(path);
    expect(e.message).toMatch(/^YAML syntax: /);
    expect(e.line).toBeGreaterThanOrEqual(4);
    expect(e.toLine()).toContain(`${path}:${e.line}`);
  });

  it("a missing policy file named by extends", () => {
    const path = file("extends: ./nope.yaml\n");
    const e = errorOf(() => resolvePolicy(path));
    expect(e).toBeInstanceOf(PolicyError);
    // The file and line that name it (was the file's directory, with no line).
    expect(e.where).toBe(path);
    expect(e.line).toBe(1);
    expect(e.message).toContain("extends: './nope.yaml' is neither a policy file nor a built-in profile");
  });
});

describe("extends", () => {
  it("chains a built-in and files through relative paths, later files winning", () => {
    const f = files({
      "base.yaml": "extends: tencent-myapp\nrules:\n  frequency.total_per_run:\n    categories:\n      device_identifiers: 5\n  background.collection:\n    graceMs: 5000\n",
      "team/child.yaml": "name: team\nextends: ../base.yaml\nrules:\n  background.collection:\n    severity: low\n",
    });
    const p = resolvePolicy(f["team/child.yaml"]!);
    expect(p.name).toBe("team");
    expect(p.chain).toEqual(["tencent-myapp", f["base.yaml"], f["team/child.yaml"]]);
    expect(p.rules["frequency.total_per_run"]!.params.categories).toMatchObject({ phone_identifiers: 3, device_identifiers: 5, network_identifiers: 3, phone_number: 3, location: null });
    expect(p.rules["frequency.rate_per_minute"]!.enabled).toBe(false);
    expect(p.rules["background.collection"]).toMatchObject({ enabled: true, severity: "low", params: { graceMs: 5000 } });
  });

  it("a cycle is an error", () => {
    const f = files({ "a.yaml": "extends: ./b.yaml\n", "b.yaml": "extends: ./a.yaml\n" });
    const e = errorOf(() => resolvePolicy(f["a.yaml"]!));
    expect(e).toBeInstanceOf(PolicyError);
    expect(e.message).toContain("cycle");
    expect(e.fix).toContain(`${f["a.yaml"]} → ${f["b.yaml"]} → ${f["a.yaml"]}`);
  });
});

describe("policy overrides in analysis", () => {
  it("a per-category override merges with the profile's other categories", () => {
    const path = file("extends: strict\nrules:\n  frequency.rate_per_minute:\n    categories:\n      location: 2\n");
    expect(resolvePolicy(path).rules["frequency.rate_per_minute"]!.params).toMatchObject({ limit: null, categories: { location: 2, device_identifiers: 4, contacts: 10 } });
    const b = new TraceBuilder().consented(0);
    b.calls([10_000, 20_000, 30_000], "location.LocationManager.getLastKnownLocation", "location");
    b.calls([100_000, 110_000, 120_000, 130_000, 140_000], "settings.Secure.getString", "device_identifiers");
    b.calls([200_000, 205_000, 210_000, 215_000, 220_000], "media.MediaStore.query", "media_storage");
    const f = ruleFindings(analyzeDir(b.close(), { policy: path }), "frequency.rate_per_minute");
    expect(f.map((x) => [x.category, x.evidence.details!.limit]).sort()).toEqual([
      ["device_identifiers", 4],
      ["location", 2],
    ]);
  });

  it("enabled: false gives status disabled, no findings and no consent warning", () => {
    const a = analyzeDir(preConsentTrace(), { policy: file("rules:\n  consent.pre_consent_collection:\n    enabled: false\n") });
    expect(a.rules.find((r) => r.id === "consent.pre_consent_collection")).toMatchObject({ status: "disabled", findings: 0 });
    expect(ruleFindings(a, "consent.pre_consent_collection")).toEqual([]);
    expect(a.warnings.some((w) => /no consent marker/.test(w))).toBe(false);
    expect(analyzeDir(preConsentTrace()).warnings.some((w) => /no consent marker/.test(w))).toBe(true);
  });

  it("a severity override changes the finding's and the rule's severity", () => {
    const a = analyzeDir(preConsentTrace(), { policy: file("rules:\n  consent.pre_consent_collection:\n    severity: critical\n") });
    expect(ruleFindings(a, "consent.pre_consent_collection").map((f) => f.severity)).toEqual(["critical"]);
    expect(a.rules.find((r) => r.id === "consent.pre_consent_collection")!.severity).toBe("critical");
    expect(a.summary.bySeverity.critical).toBe(1);
    expect(a.findings[0]!.rule).toBe("consent.pre_consent_collection");
  });
});

describe("loadAppProfile", () => {
  it("loads a valid profile with its source", () => {
    const path = file("app: com.example.app\nappType: map_navigation\nsdks:\n  - name: 高德定位\n    categories: [location]\nuses:\n  - category: location\n    background: true\n", "profile.yaml");
    const p = loadAppProfile(path);
    expect(p).toMatchObject({ app: "com.example.app", appType: "map_navigation", source: path, sdks: [{ name: "高德定位", categories: ["location"] }] });
  });

  it("an unknown key is a ProfileError with the line and a did-you-mean", () => {
    const path = file("app: com.example.app\nsdk:\n  - name: 友盟\n", "profile.yaml");
    const e = errorOf(() => loadAppProfile(path));
    expect(e).toBeInstanceOf(ProfileError);
    expect(e.where).toBe(path);
    expect(e.line).toBe(2);
    expect(e.toLine()).toBe(`${path}:2:1: unknown key 'sdk' — did you mean 'sdks'?`);
  });

  it("an unknown key inside an SDK entry points at its line", () => {
    const path = file("app: com.example.app\nsdks:\n  - name: 友盟\n  - name: 优量汇\n    pakages: [com.qq.e]\n", "profile.yaml");
    const e = errorOf(() => loadAppProfile(path));
    expect(e).toBeInstanceOf(ProfileError);
    expect(e.line).toBe(5);
    expect(e.message).toBe("unknown key 'pakages' in 'sdks.1'");
    expect(e.fix).toBe("did you mean 'packages'?");
  });

  it("an appType that is none of the 39 types is a ProfileError on its line", () => {
    const path = file("app: com.example.app\nappType: browsr\n", "profile.yaml");
    const e = errorOf(() => loadAppProfile(path));
    expect(e).toBeInstanceOf(ProfileError);
    expect(e.line).toBe(2);
    expect(e.fix).toContain("'browser'");
  });

  it("an SDK name that matches nothing in the catalogue is one line naming the file, the line and close names — never a silent no-match", () => {
    const path = file("app: com.example.app\nsdks:\n  - name: 友盟+ 统计\n  - name: Umeng Anlytics\n  - name: Acme Tracker\n", "profile.yaml");
    const e = errorOf(() => loadAppProfile(path));
    expect(e).toBeInstanceOf(ProfileError);
    expect(e.line).toBe(4);
    expect(e.toLine().startsWith(`${path}:4:`)).toBe(true);
    expect(e.toLine()).toContain("sdks[1]: SDK 'Umeng Anlytics' matches no catalogue name, alias or family (and 1 more: 'Acme Tracker') — did you mean 'Umeng Analytics");
    expect(e.toLine()).not.toContain("\n");
  });

  it("a vendor is not an SDK; a family name, an uncatalogued SDK with its packages and a known id are", () => {
    const vendor = errorOf(() => loadAppProfile(file("app: com.example.app\nsdks:\n  - name: Tencent\n", "profile.yaml")));
    expect(vendor).toBeInstanceOf(ProfileError);
    expect(vendor.message).toMatch(/'Tencent' names a vendor with \d+ SDKs in the catalogue, not one SDK/);
    expect(vendor.fix).toContain("permtrace sdks Tencent");
    const ok = loadAppProfile(file("app: com.example.app\nsdks:\n  - name: 友盟+\n  - name: 极光推送SDK\n  - name: Acme Tracker\n    packages: [com.acme.tracker]\n  - name: 腾讯广告\n    id: tencent-gdt\n", "profile.yaml"));
    expect(ok.sdks).toHaveLength(4);
    const badId = errorOf(() => loadAppProfile(file("app: com.example.app\nsdks:\n  - name: 腾讯广告\n    id: tencent-gtd\n", "profile.yaml")));
    expect(badId.line).toBe(4);
    expect(badId.fix).toContain("'tencent-gdt'");
  });

  it("ownPackages and an SDK's packages that hold the platform or other vendors' SDKs are refused on their line", () => {
    const top = errorOf(() => loadAppProfile(file("app: com.example.app\nownPackages:\n  - com.example.app\n  - com\n", "profile.yaml")));
    expect(top).toBeInstanceOf(ProfileError);
    expect(top.line).toBe(4);
    expect(top.message).toBe("ownPackages[1]: 'com' is or holds the platform's packages (com.android.*)");
    const cn = errorOf(() => loadAppProfile(file("app: com.example.app\nownPackages: [cn]\n", "profile.yaml")));
    expect(cn.message).toBe("ownPackages[0]: 'cn' is a top-level package that holds every vendor's code");
    const platform = errorOf(() => loadAppProfile(file("app: com.example.app\nownPackages: [android.app]\n", "profile.yaml")));
    expect(platform.message).toMatch(/^ownPackages\[0\]: 'android\.app' is or holds the platform's packages/);
    const vendor = errorOf(() => loadAppProfile(file("app: com.example.app\nownPackages: [com.tencent]\n", "profile.yaml")));
    expect(vendor.message).toMatch(/^ownPackages\[0\]: 'com\.tencent' holds \d+ catalogued SDKs/);
    const sdkPackages = errorOf(() => loadAppProfile(file("app: com.example.app\nsdks:\n  - name: Acme\n    packages: [com.tencent]\n", "profile.yaml")));
    expect(sdkPackages.line).toBe(4);
    expect(sdkPackages.message).toMatch(/^sdks\[0\]\.packages\[0\]: 'com\.tencent' holds/);
    // The app's own package may hold an SDK it is the vendor of (WeChat and its Open SDK); narrow packages are fine.
    expect(loadAppProfile(file("app: com.tencent.mm\nownPackages: [com.tencent.mm, com.tencent.mm.common]\n", "profile.yaml")).ownPackages).toHaveLength(2);
  });

  it("a missing required key and a missing file", () => {
    const e = errorOf(() => loadAppProfile(file("name: Example\n", "profile.yaml")));
    expect(e).toBeInstanceOf(ProfileError);
    expect(e.message).toContain("missing 'app'");
    const missing = errorOf(() => loadAppProfile("/nonexistent/profile.yaml"));
    expect(missing.toLine()).toBe("/nonexistent/profile.yaml: app profile not found — check the path");
  });
});

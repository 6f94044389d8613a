import { describe, expect, it } from "vitest";
import { renderFindingsCsv } from "../../reports/render/csv.js";
import { renderHtml } from "../../reports/render/html/index.js";
import { renderJson } from "../../reports/render/json.js";
import { renderJunit } from "../../reports/render/junit.js";
import { renderMarkdown } from "../../reports/render/markdown.js";
import { renderSarif } from "../../reports/render/sarif.js";
import { analyzeDir, TraceBuilder } from "../support/trace-builder.js";

// Pangle's code lists the installed apps, loaded by AppLovin MAX's adapter, before consent.
const PANGLE_VIA_MAX = ["com.bytedance.sdk.openadsdk.core.l.c", "com.applovin.mediation.adapters.ByteDanceMediationAdapter.loadAd", "com.applovin.impl.mediation.MaxAdLoader.run", "com.example.app.Ads.show"];

function mediated() {
  const dir = new TraceBuilder().mark(0, "consent_shown").call(5, "apps.PackageManager.getInstalledPackages", "installed_apps", { from: PANGLE_VIA_MAX }).close();
  return analyzeDir(dir);
}

describe("the chain that led to the collecting SDK is shown in every format", () => {
  it("finding, findings.json, summary.md, CSV, JUnit, SARIF and HTML name Pangle, via AppLovin MAX", async () => {
    const a = mediated();
    const f = a.findings.find((x) => x.rule === "consent.pre_consent_collection")!;
    expect(f.party.key).toBe("sdk:bytedance-pangle");
    expect(f.via!.map((p) => p.key)).toEqual(["sdk:applovin-max-adapters", "sdk:applovin"]);
    const named = "Pangle / CSJ (穿山甲), via AppLovin MAX mediation adapters, AppLovin (MAX)";
    expect(f.message.startsWith(named)).toBe(true);
    const json = JSON.parse(renderJson(a)) as { findings: { via?: { key: string }[] }[] };
    expect(json.findings.find((x) => x.via)!.via!.map((p) => p.key)).toEqual(["sdk:applovin-max-adapters", "sdk:applovin"]);
    expect(renderMarkdown(a)).toContain(`party ${"Pangle / CSJ (穿山甲)"} (ByteDance), via AppLovin MAX mediation adapters, AppLovin (MAX)`);
    expect(renderFindingsCsv(a)).toContain(",Pangle / CSJ (穿山甲),\"AppLovin MAX mediation adapters, AppLovin (MAX)\",");
    expect(renderJunit(a)).toContain(named);
    const sarif = JSON.parse(renderSarif(a)) as { runs: { results: { properties: { via?: { key: string }[] } }[] }[] };
    expect(sarif.runs[0]!.results.some((r) => r.properties.via?.[1]?.key === "sdk:applovin")).toBe(true);
    const html = await renderHtml(a);
    expect(html).toMatch(/<dt>Via<\/dt><dd>.{0,200}AppLovin MAX mediation adapters/);
  });
});

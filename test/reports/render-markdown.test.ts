import { describe, expect, it } from "vitest";
import { mdCode, mdText } from "../../reports/render/escape.js";
import { MAX_MD_FINDINGS, renderMarkdown } from "../../reports/render/markdown.js";
import { analyzeDir, TraceBuilder, UMENG } from "../support/trace-builder.js";

const HOSTILE_PKG = "com.evil.x<script>alert(1)</script>|`a`*b*_c_[l](javascript:alert(1))\u202Eexe.gpj";

describe("Markdown summary", () => {
  it("summarises findings with party, rule, step, attribution frame and evidence", () => {
    const dir = new TraceBuilder()
      .mark(0, "app_launch")
      .mark(0, "consent_shown")
      .mark(1, "scenario_start", { scenario: "launch-accept", needs: [] })
      .mark(1, "step_start", { scenario: "launch-accept", step: 0, action: "launch" })
      .mark(2, "screenshot", { path: "screenshots/0001.png" })
      .call(5, "telephony.TelephonyManager.getImei", "phone_identifiers", { from: UMENG })
      .mark(10, "consent_accepted")
      .close();
    const md = renderMarkdown(analyzeDir(dir));
    expect(md).toMatch(/^# permtrace report: com\.example\.app 1\.0$/m);
    expect(md).toContain("> **Synthetic trace**");
    expect(md).toMatch(/### F0001 · high · Personal information collected before the privacy policy was accepted/);
    expect(md).toContain("party Umeng");
    expect(md).toContain("scenario launch-accept · step 1 launch");
    expect(md).toContain("responsible frame: `com.umeng.commonsdk.internal.a.b(Unknown Source)`");
    expect(md).toContain("nearest screenshot: `screenshots/0001.png`");
    expect(md).toMatch(/\| `consent\.pre_consent_collection` \| high \| evaluated \| 1 \|/);
  });

  it("neutralises hostile strings from the app: no HTML, no links, no broken tables or lines", () => {
    const dir = new TraceBuilder(HOSTILE_PKG.slice(0, 9))
      .mark(0, "consent_shown")
      .call(5, "x.Y.z|`\n<img src=x onerror=alert(1)>", "clipboard", { from: [`${HOSTILE_PKG}.Evil.run`] })
      .mark(6, "scenario_start", { scenario: "s<b>|\nnew line" , needs: [] })
      .call(7, "clip.get", "clipboard", { from: [`${HOSTILE_PKG}.Evil.run`] })
      .close();
    const md = renderMarkdown(analyzeDir(dir));
    // Outside code spans no tag survives; inside them CommonMark shows text literally.
    const outsideCode = md.replace(/(?<!\\)`[^`\n]*`/g, "");
    expect(outsideCode).not.toMatch(/<script|<img|<b>/i);
    // Code spans never run across lines: every line has balanced backticks.
    for (const line of md.split("\n")) expect((line.match(/(?<!\\)`/g) ?? []).length % 2, line).toBe(0);
    // Brackets are escaped outside code spans, so no link can form.
    expect(outsideCode).not.toMatch(/(?<!\\)\]\(javascript:/);
    expect(md).not.toContain("\u202E");
    for (const line of md.split("\n").filter((l) => l.startsWith("| ") && !l.startsWith("|---"))) {
      // Every table row keeps its cell count: no unescaped pipe from app strings.
      expect(line.replace(/\\\|/g, "").split("|").length, line).toBe(6);
    }
    expect(md.split("\n").every((l) => !l.startsWith("new line"))).toBe(true);
  });

  it("describes at most MAX_MD_FINDINGS findings and counts the rest: a trace can produce any number", () => {
    const b = new TraceBuilder().mark(0, "consent_shown");
    // One pre-consent finding per unknown third party (and a scenario-free rate finding or so).
    for (let i = 0; i < MAX_MD_FINDINGS + 50; i++) b.call(5 + i * 2000, "telephony.TelephonyManager.getImei", "phone_identifiers", { from: [`com.t${i}.x.Y.run`] });
    const a = analyzeDir(b.close());
    expect(a.findings.length).toBeGreaterThan(MAX_MD_FINDINGS);
    const md = renderMarkdown(a);
    expect(md.match(/^### F\d+ /gm)).toHaveLength(MAX_MD_FINDINGS);
    expect(md).toContain(`The ${MAX_MD_FINDINGS} most severe of ${a.findings.length} findings; the other ${a.findings.length - MAX_MD_FINDINGS} are in findings.json`);
    expect(md).toContain(`**${a.findings.length} finding(s)**`);
  });

  it("escapes text and code spans", () => {
    expect(mdText("a<b>&c|d*e_f`g[h]")).toBe("a&lt;b&gt;&amp;c\\|d\\*e\\_f\\`g\\[h\\]");
    expect(mdText("x".repeat(400)).length).toBe(301);
    expect(mdCode("a`b|c\nd")).toBe("`aˋb¦c d`");
    // Invisible characters, with which one name passes for another, are shown.
    expect(mdText("com.umeng\u200B.x\u{E0041}")).toBe("com.umeng\uFFFD.x\uFFFD");
    expect(mdCode("com.umeng\u2060.x")).toBe("`com.umeng\uFFFD.x`");
  });
});

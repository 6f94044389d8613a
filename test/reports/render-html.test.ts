import { createHash } from "node:crypto";
import { execFileSync } from "node:child_process";
import { closeSync, constants, mkdirSync, openSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { MAX_MARKS_PER_KIND } from "../../reports/activity.js";
import type { Analysis } from "../../reports/analyze.js";
import { clean, esc, u } from "../../reports/render/html/escape.js";
import { CSP, renderHtml } from "../../reports/render/html/index.js";
import { ScreenshotLoader } from "../../reports/render/html/screenshots.js";
import { parseFormats, runReport } from "../../runner/commands/report.js";
import { HOSTILE, hostileTrace, SHOT_NAME, TINY_PNG } from "../browser/hostile-trace.js";
import { fixedTraceDir, golden } from "../support/golden.js";
import { analyzeDir, GDT, tempDir, TraceBuilder, UMENG } from "../support/trace-builder.js";

function fixed(): { dir: string; analysis: Analysis } {
  const dir = fixedTraceDir();
  return { dir, analysis: analyzeDir(dir) };
}

/** What varies between runs (the temporary directory, the clock, versions) pinned, so the page is comparable byte for byte. */
function pinned(a: Analysis): Analysis {
  return { ...a, tool: { name: "permtrace", version: "test" }, catalogue: { version: "test", sdks: 1 }, trace: { ...a.trace, dir: "/trace", startedAt: "2026-01-01T00:00:00.000Z" } };
}


/** The text of the page's only <style> and <script>, and the tags outside them. */
function parts(html: string): { styles: string[]; scripts: string[]; tags: string[] } {
  const styles = [...html.matchAll(/<style>([\s\S]*?)<\/style>/g)].map((m) => m[1]!);
  const scripts = [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((m) => m[1]!);
  const rest = html.replace(/<style>[\s\S]*?<\/style>/g, "").replace(/<script>[\s\S]*?<\/script>/g, "");
  return { styles, scripts, tags: rest.match(/<[a-zA-Z][^>]*>/g) ?? [] };
}

const sha = (s: string): string => `'sha256-${createHash("sha256").update(s).digest("base64")}'`;

describe("HTML report", () => {
  it("matches the golden page for the fixed trace (deterministic)", async () => {
    const { dir, analysis } = fixed();
    const html = await renderHtml(pinned(analysis), { traceDir: dir });
    golden("report.html", html);
    expect(await renderHtml(pinned(analysis), { traceDir: dir })).toBe(html);
    expect(html).toContain("SANDBOX");
    expect(html).toContain('<details class="finding high" id="F0001">');
    expect(html).toContain("screenshots/0001-launch.png</code> at 0.010 s <span class=\"muted\">(not found in the trace directory)</span>");
  });

  it("has one inline style and one inline script, whose hashes are the CSP's; nothing else may load or run", async () => {
    const dir = hostileTrace();
    const html = await renderHtml(analyzeDir(dir, { showValues: true }), { traceDir: dir });
    const { styles, scripts, tags } = parts(html);
    expect(styles).toHaveLength(1);
    expect(scripts).toHaveLength(1);
    const csp = html.match(/<meta http-equiv="Content-Security-Policy" content="([^"]+)">/)![1];
    expect(csp).toBe(CSP);
    expect(csp).toBe(`default-src 'none'; img-src data:; style-src ${sha(styles[0]!)}; script-src ${sha(scripts[0]!)}; base-uri 'none'; form-action 'none'`);
    // The policy comes before anything it governs.
    expect(html.indexOf("Content-Security-Policy")).toBeLessThan(html.indexOf("<style>"));
    for (const tag of tags) {
      expect(tag, "no event handler attribute").not.toMatch(/\son[a-z]+\s*=/i);
      expect(tag, "no style attribute (CSP blocks them)").not.toMatch(/\sstyle\s*=/i);
      for (const [, attr, value] of tag.matchAll(/\s(src|href|xlink:href|action|formaction|srcset|poster|data)="([^"]*)"/gi)) {
        if (attr!.toLowerCase() === "src") expect(value, tag.slice(0, 80)).toMatch(/^data:image\/(png|jpeg);base64,[A-Za-z0-9+/=]+$/);
        else if (attr!.toLowerCase() === "href") expect(value, tag.slice(0, 80)).toMatch(/^#[\w-]+$/);
        else throw new Error(`unexpected URL attribute: ${tag.slice(0, 80)}`);
      }
    }
    expect(html).not.toMatch(/@import|<link|<iframe|<object|<embed|<base|<form/i);
    // url() only to clip paths in the page itself.
    for (const [ref] of html.matchAll(/url\([^)]*\)/gi)) expect(ref).toMatch(/^url\(#band-clip-\d+\)$/);
    // The only elements are ours: no tag name from the trace.
    const names = new Set(tags.map((t) => t.match(/^<([a-zA-Z][\w-]*)/)![1]!.toLowerCase()));
    expect([...names].filter((n) => !KNOWN_TAGS.has(n))).toEqual([]);
  });

  it("escapes hostile strings: as text, bidi overrides neutralised, long strings cut", async () => {
    const dir = hostileTrace();
    const html = await renderHtml(analyzeDir(dir, { showValues: true }), { traceDir: dir });
    const { tags } = parts(html);
    expect(tags.some((t) => /^<img src=x/i.test(t))).toBe(false);
    expect(html).not.toContain("\u202E");
    expect(html).toContain("invoice\uFFFDgnp.exe");
    expect(html).toContain(esc(HOSTILE.script));
    expect(html).toContain("&quot;&gt;&lt;img src=x onerror=window.__pwned=1&gt;");
    expect(html).toContain(HOSTILE.arabic);
    expect(html).toContain(HOSTILE.hebrew);
    expect(html).not.toContain("x".repeat(2100));
    // The real PNG is inlined; the traversal and the URL are named, not fetched.
    expect(html).toContain(`src="data:image/png;base64,${TINY_PNG.toString("base64")}"`);
    expect(html).toContain("../../../../etc/passwd</code> at 0.021 s <span class=\"muted\">(refused: outside the trace directory)</span>");
    expect(html).toContain(esc(SHOT_NAME));
  });

  it("escaping helpers: text and attribute contexts, controls, bidi, surrogate-safe cuts", () => {
    expect(esc(`<a href="x" onclick='y'>&amp;</a>`)).toBe("&lt;a href=&quot;x&quot; onclick=&#39;y&#39;&gt;&amp;amp;&lt;/a&gt;");
    expect(clean("a\u0000b\u0007c\u009bd\te\nf")).toBe("a b c d\te\nf");
    expect(clean("x\u202Ay\u2066z\u200F")).toBe("x\uFFFDy\uFFFDz\uFFFD");
    expect(esc("😀😀", 3)).toBe("😀…");
    expect(esc("abcdef", 3)).toBe("abc…");
    expect(u("\u05D0<b>")).toBe('<bdi class="u">\u05D0&lt;b&gt;</bdi>');
    // Invisible characters would let one name pass for another: shown, like bidi controls.
    expect(clean("com.umeng\u200B.commonsdk")).toBe("com.umeng\uFFFD.commonsdk");
    expect(clean("a\u200Db\u2060c\uFEFFd\u00ADe\u{E0041}f\u3164g\uFE0Fh")).toBe("a\uFFFDb\uFFFDc\uFFFDd\uFFFDe\uFFFDf\uFFFDg\uFFFDh");
    // A pile of combining marks on one letter is cut to three.
    expect(clean(`Z${"\u0336\u0301".repeat(50)}algo`)).toBe("Z\u0336\u0301\u0336algo");
    expect(clean("e\u0301\u0323")).toBe("e\u0301\u0323");
    // Grapheme clusters a line cannot wrap inside are cut to four code points and U+FFFD.
    expect(clean(`\u1100${"\u1161".repeat(150)}x`)).toBe("\u1100\u1161\u1161\u1161\uFFFDx");
    expect(clean(`${"\u0915\u094D".repeat(80)}\u0915`)).toBe("\u0915\u094D\u0915\u094D\uFFFD");
    expect(clean("\u0915\u094D\u0937\u094D\u092E\u094D\u092F 👨🏻 🇩🇪 好")).toBe("\u0915\u094D\u0937\u094D\u092E\u094D\u092F 👨🏻 🇩🇪 好");
    // A huge string is bounded before the work, and still says it was cut.
    expect(clean(`${"\u0301".repeat(100_000)}x`, 10)).toBe(`${"\u0301".repeat(3)}…`);
    expect(clean("y".repeat(100_000), 10)).toBe(`${"y".repeat(10)}…`);
  });

  it("inlines only real images inside the trace directory, within the budgets, each read once", async () => {
    const root = tempDir();
    const trace = join(root, "trace");
    mkdirSync(join(trace, "s"), { recursive: true });
    writeFileSync(join(root, "outside.png"), TINY_PNG);
    writeFileSync(join(trace, "s", "ok.png"), TINY_PNG);
    writeFileSync(join(trace, "s", "photo.jpg"), Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 16, 74, 70, 73, 70]));
    writeFileSync(join(trace, "s", "fake.png"), "<svg onload=alert(1)>");
    writeFileSync(join(trace, "s", "big.png"), Buffer.concat([TINY_PNG, Buffer.alloc(5000)]));
    symlinkSync(join(root, "outside.png"), join(trace, "s", "escape.png"));
    symlinkSync(join(trace, "s", "ok.png"), join(trace, "s", "alias.png"));
    mkdirSync(join(trace, "s", "dir.png"));
    const loader = new ScreenshotLoader(trace, { perImage: 4000, total: TINY_PNG.length * 2 + 10 });
    const reason = async (p: string) => {
      const r = await loader.load(p);
      return r.ok ? r.dataUri.slice(0, 22) : r.reason;
    };
    expect(await reason("../outside.png")).toBe("refused: outside the trace directory");
    expect(await reason("s/../../outside.png")).toBe("refused: outside the trace directory");
    expect(await reason(join(root, "outside.png"))).toBe("refused: not a path relative to the trace directory");
    expect(await reason("s/escape.png")).toBe("refused: links outside the trace directory");
    expect(await reason("s/fake.png")).toBe("refused: not a PNG or JPEG image");
    expect(await reason("s/big.png")).toBe("not inlined: larger than 0 MB");
    expect(await reason("s/dir.png")).toBe("refused: not a regular file");
    expect(await reason("s/missing.png")).toBe("not found in the trace directory");
    expect(await reason("s/ok\0.png")).toBe("refused: not a path relative to the trace directory");
    expect(await reason("")).toBe("refused: not a path relative to the trace directory");
    expect(await reason("s/ok.png")).toBe("data:image/png;base64,");
    // Another name of the same file is the same image: read and counted once.
    const alias = await loader.load("s/alias.png");
    const ok = await loader.load("s/./ok.png");
    expect(alias.ok && ok.ok && alias.key === ok.key).toBe(true);
    expect(await reason("s/photo.jpg")).toBe("data:image/jpeg;base64");
    // The budget had room for the PNG and the JPEG only: a third image is refused.
    writeFileSync(join(trace, "s", "two.png"), Buffer.concat([TINY_PNG, Buffer.from("x")]));
    expect(await reason("s/two.png")).toBe("not inlined: the report's 0 MB image budget is used up");
    expect(await new ScreenshotLoader(undefined).load("s/ok.png")).toEqual({ ok: false, reason: "not inlined: no trace directory given" });
  });

  it.skipIf(process.platform === "win32")("never opens a FIFO named as a screenshot: opening it for reading would wait for a writer forever", async () => {
    const trace = tempDir();
    const fifo = join(trace, "shot.png");
    execFileSync("mkfifo", [fifo]);
    const loader = new ScreenshotLoader(trace);
    try {
      const r = await Promise.race([loader.load("shot.png"), new Promise((done) => setTimeout(() => done("still waiting after 3 s"), 3000))]);
      expect(r).toEqual({ ok: false, reason: "refused: not a regular file" });
    } finally {
      // Should a reader be blocked in open(), a writer releases it (else: ENXIO, nobody waiting).
      try {
        closeSync(openSync(fifo, constants.O_WRONLY | constants.O_NONBLOCK));
      } catch {
        // no reader
      }
    }
  });

  it("inlines identical images once: files with the same bytes share one image and one share of the budget", async () => {
    const b = new TraceBuilder().mark(0, "consent_shown").mark(1, "screenshot", { path: "s/1.png" }).mark(40_000, "screenshot", { path: "s/2.png" });
    mkdirSync(join(b.dir, "s"));
    writeFileSync(join(b.dir, "s", "1.png"), TINY_PNG);
    writeFileSync(join(b.dir, "s", "2.png"), TINY_PNG);
    writeFileSync(join(b.dir, "s", "3.png"), Buffer.concat([TINY_PNG, Buffer.from("x")]));
    const loader = new ScreenshotLoader(b.dir, { perImage: 4000, total: TINY_PNG.length + 10 });
    const [one, two] = [await loader.load("s/1.png"), await loader.load("s/2.png")];
    expect(one.ok && two.ok && one.key === two.key).toBe(true);
    // The budget holds one image: the copy cost nothing, a different image does not fit.
    expect(await loader.load("s/3.png")).toEqual({ ok: false, reason: "not inlined: the report's 0 MB image budget is used up" });
    const dir = b
      .call(5, "telephony.TelephonyManager.getImei", "phone_identifiers", { from: UMENG })
      .call(40_005, "location.LocationManager.getLastKnownLocation", "location", { from: GDT })
      .close();
    const html = await renderHtml(analyzeDir(dir), { traceDir: dir });
    expect(html).toContain("s/2.png");
    expect(html.match(/<img /g)).toHaveLength(1);
    expect(html).toMatch(/s\/2\.png<\/code> at 40\.00 s: the same image as in <a href="#shot-1">F000\d<\/a>/);
  });

  it("shows each screenshot once: later findings link to the first", async () => {
    const b = new TraceBuilder().mark(0, "consent_shown").mark(1, "screenshot", { path: "s/1.png" });
    mkdirSync(join(b.dir, "s"));
    writeFileSync(join(b.dir, "s", "1.png"), TINY_PNG);
    const dir = b
      .call(5, "telephony.TelephonyManager.getImei", "phone_identifiers", { from: UMENG })
      .call(6, "location.LocationManager.getLastKnownLocation", "location", { from: GDT })
      .close();
    const html = await renderHtml(analyzeDir(dir), { traceDir: dir });
    expect(html.match(/<img /g)).toHaveLength(1);
    expect(html).toMatch(/the same image as in <a href="#shot-1">F000\d<\/a>/);
  });

  it("gives a finding's rate over its window, and the rule's times and periods in seconds like the rest of the page", async () => {
    const dir = new TraceBuilder()
      .consented(0)
      .calls([10_000, 40_000, 70_000, 100_000, 130_000, 160_000], "location.LocationManager.getLastKnownLocation", "location", { from: GDT })
      .close();
    const a = analyzeDir(dir);
    const poll = a.findings.find((f) => f.rule === "frequency.periodic_polling")!;
    expect(poll.evidence.details).toMatchObject({ periodMs: 30_000, start: 10_000, end: 160_000 });
    const html = await renderHtml(a, { traceDir: dir });
    const ev = html.slice(html.indexOf(`id="${poll.id}"`));
    const body = ev.slice(0, ev.indexOf("</details>"));
    expect(body).toContain("<dt>Rate</dt><dd>2.4 per minute over the window</dd>");
    expect(body).toContain("<dt>periodMs</dt><dd>30.00 s</dd>");
    expect(body).toContain("<dt>start</dt><dd>10.00 s</dd>");
    expect(body).toContain("<dt>end</dt><dd>160.0 s</dd>");
    expect(body).toContain("<dt>occurrences</dt><dd><code class=\"u\">6</code></dd>");
  });

  it("keeps identifier values out unless --show-values: the first call's raw IMEI is redacted in the page", async () => {
    const imei = "861234567890123";
    const dir = new TraceBuilder()
      .mark(0, "consent_shown")
      .calls([5, 6], "telephony.TelephonyManager.getImei", "phone_identifiers", { from: UMENG, args: [imei], ret: imei })
      .close();
    const html = await renderHtml(analyzeDir(dir), { traceDir: dir });
    expect(html).not.toContain(imei);
    expect(html).toContain(`<dt>Returned</dt><dd><code class="u">redacted:${imei.length}</code></dd>`);
    expect(await renderHtml(analyzeDir(dir, { showValues: true }), { traceDir: dir })).toContain(`<dt>Returned</dt><dd><code class="u">${imei}</code></dd>`);
  });

  it("shows at most MAX_ARGS arguments of a call, however many the trace line carries", async () => {
    const args = Array.from({ length: 5000 }, (_, i) => `arg-${i}`);
    const dir = new TraceBuilder().mark(0, "consent_shown").call(5, "telephony.TelephonyManager.getImei", "phone_identifiers", { from: UMENG, args }).close();
    const html = await renderHtml(analyzeDir(dir, { showValues: true }), { traceDir: dir });
    expect(html).toContain(">arg-19<");
    expect(html).not.toContain(">arg-20<");
    expect(html).toContain("4,980 more argument(s) not shown.");
    expect(html.length).toBeLessThan(200_000);
  });

  it("says how many timeline markers the chart leaves out past the per-kind cap", async () => {
    const b = new TraceBuilder().mark(0, "consent_shown").mark(0, "scenario_start", { scenario: "long", needs: [] });
    for (let i = 0; i < MAX_MARKS_PER_KIND + 40; i++) b.mark(10 + i, "step_start", { scenario: "long", step: i, action: "tap" });
    const dir = b.call(5, "telephony.TelephonyManager.getImei", "phone_identifiers", { from: UMENG }).close();
    const a = analyzeDir(dir);
    expect(a.marksOmitted).toBe(40);
    const html = await renderHtml(a, { traceDir: dir });
    // Step ticks on the chart (the legend's key has one more, at y1="-5").
    expect(html.match(/<line class="step" x1="[\d.]+" x2="[\d.]+" y1="20"/g)).toHaveLength(MAX_MARKS_PER_KIND);
    expect(html).toContain(`40 timeline marker(s) are not drawn: the chart shows the first ${MAX_MARKS_PER_KIND} of each kind`);
    expect(await renderHtml(analyzeDir(new TraceBuilder().call(5, "telephony.TelephonyManager.getImei", "phone_identifiers", { from: UMENG }).close()))).not.toContain("not drawn");
  });

  it("`permtrace report --format html` writes report.html next to the others", async () => {
    expect(parseFormats("json,html")).toEqual(["json", "html"]);
    const { dir } = fixed();
    const r = await runReport({ trace: dir, formats: ["html"] });
    expect(r.files).toEqual([join(dir, "report", "report.html")]);
    expect(readFileSync(r.files[0]!, "utf8")).toMatch(/^<!DOCTYPE html>\n<html lang="en">/);
  });
});

const KNOWN_TAGS = new Set(
  "html head meta title style body header nav main section footer div span p a h1 h2 h3 dl dt dd ul ol li table thead tbody tr th td code bdi strong br wbr details summary figure figcaption img input label svg g rect line path text title clippath script".split(" "),
);

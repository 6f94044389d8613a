import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { renderHtml } from "../../reports/render/html/index.js";
import { analyzeDir } from "../support/trace-builder.js";
import { HOSTILE, hostileTrace } from "./hostile-trace.js";
import { SHORT, soakTrace } from "./soak-trace.js";

/**
 * The HTML report in a real browser (Debian's chromium through playwright-core): hostile strings
 * from the trace stay text, nothing runs but our script, the CSP reports nothing, sorting,
 * filtering, the chart, its zoom and the evidence work, and the layout holds at desktop and phone widths.
 */
const CHROMIUM = "/usr/bin/chromium";
const ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];
const MISSING = `${CHROMIUM} not found: install Debian's chromium (apt-get install --no-install-recommends chromium)`;
const TIMEOUT = 120_000;

// Before any page script: collect CSP violations the page would report.
const WATCH_CSP = `window.__csp = []; document.addEventListener("securitypolicyviolation", (e) => window.__csp.push(e.violatedDirective + " " + e.blockedURI));`;

/** Evaluates an expression in the page (strings: this project's TypeScript has no DOM types). */
function js<T>(page: Page, expr: string): Promise<T> {
  return page.evaluate<T>(expr);
}

interface Watched {
  page: Page;
  dialogs: string[];
  errors: string[];
  console: string[];
}

if (!existsSync(CHROMIUM) && process.env.CI) {
  describe("HTML report in a browser", () => {
    it("needs chromium", () => {
      throw new Error(`${MISSING}. CI must provide it: .ci/run installs it before npm test.`);
    });
  });
} else {
  if (!existsSync(CHROMIUM)) console.warn(`browser test skipped: ${MISSING}`);
  describe.skipIf(!existsSync(CHROMIUM))(`HTML report in a browser${existsSync(CHROMIUM) ? "" : ` (skipped: ${MISSING})`}`, () => {
    let browser: Browser;
    let url: string;
    /** A report whose timeline is an hour's soak and two scenarios of a second or two. */
    let soakUrl: string;
    let findings: number;
    const out = mkdtempSync(join(tmpdir(), "permtrace-browser-"));

    beforeAll(async () => {
      browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS, timeout: TIMEOUT });
      const png = await phoneScreenshot(browser);
      const dir = hostileTrace(png);
      const analysis = analyzeDir(dir, { showValues: true });
      findings = analysis.findings.length;
      const file = join(out, "report.html");
      writeFileSync(file, await renderHtml(analysis, { traceDir: dir }));
      url = pathToFileURL(file).href;
      const soak = soakTrace();
      const soakFile = join(out, "soak.html");
      writeFileSync(soakFile, await renderHtml(analyzeDir(soak), { traceDir: soak }));
      soakUrl = pathToFileURL(soakFile).href;
    }, TIMEOUT);

    afterAll(async () => {
      await browser?.close();
    });

    async function open(width = 1280, javaScriptEnabled = true, page0 = url): Promise<Watched> {
      const context = await browser.newContext({ viewport: { width, height: 900 }, javaScriptEnabled });
      const page = await context.newPage();
      const w: Watched = { page, dialogs: [], errors: [], console: [] };
      await page.addInitScript(WATCH_CSP);
      page.on("dialog", (d) => {
        w.dialogs.push(d.message());
        void d.dismiss();
      });
      page.on("pageerror", (e) => w.errors.push(e.message));
      page.on("console", (m) => w.console.push(m.text()));
      await page.goto(page0, { waitUntil: "load", timeout: TIMEOUT });
      return w;
    }

    it(
      "runs nothing from the trace: no dialog, no __pwned, no CSP violation, hostile strings shown as text",
      async () => {
        const w = await open();
        const { page } = w;
        expect(await js(page, "typeof window.__pwned")).toBe("undefined");
        expect(await js(page, "window.__csp")).toEqual([]);
        expect(w.dialogs).toEqual([]);
        expect(w.errors).toEqual([]);
        expect(w.console.filter((m) => /Content.Security.Policy|Refused/i.test(m))).toEqual([]);
        expect(await js(page, "document.scripts.length")).toBe(1);
        expect(await js(page, `document.querySelectorAll('img:not([src^="data:image/"]), [onerror], [onload], [onclick]').length`)).toBe(0);
        expect(await js(page, "document.querySelectorAll('style').length")).toBe(1);
        // Shown literally, as the app wrote it, with the bidi override neutralised.
        const title = await js<string>(page, "document.title");
        expect(title).toContain(HOSTILE.script);
        const text = await js<string>(page, "document.body.innerText");
        expect(text).toContain(HOSTILE.attr);
        expect(text).toContain(HOSTILE.arabic);
        expect(text).toContain(HOSTILE.hebrew);
        expect(text).toContain("invoice\uFFFDgnp.exe");
        expect(text).not.toContain("\u202E");
        // The impostor of Umeng's package shows its zero-width space; Zalgo marks are cut to three.
        expect(text).toContain("com.umeng\uFFFD.commonsdk");
        expect(text).not.toContain("\u200B");
        expect(text).not.toMatch(/\p{M}{4}/u);
        await page.context().close();
      },
      TIMEOUT,
    );

    it(
      "sorts a table by a clicked header (numbers as numbers) and filters it by a typed word",
      async () => {
        const { page } = await open();
        const table = 'table[data-name="findings"]';
        const calls = () => js<number[]>(page, `Array.from(document.querySelectorAll('${table} tbody tr')).map((r) => Number(r.cells[6].getAttribute("data-v")))`);
        const header = page.locator(`${table} thead th`).nth(6);
        await header.locator("button").click();
        expect(await header.getAttribute("aria-sort")).toBe("ascending");
        const up = await calls();
        expect(up).toEqual([...up].sort((a, b) => a - b));
        await header.locator("button").click();
        const down = await calls();
        expect(down).toEqual([...up].sort((a, b) => b - a));
        expect(down[0]).toBeGreaterThan(down[down.length - 1]!);

        const filter = page.locator("#findings input.filter");
        await filter.fill("javascript:");
        const visible = page.locator(`${table} tbody tr:not([hidden])`);
        const shown = await visible.count();
        expect(shown).toBeGreaterThan(0);
        expect(shown).toBeLessThan(findings);
        for (const row of await visible.allInnerTexts()) expect(row).toContain("javascript:");
        await expect.poll(() => page.locator("#findings .tools .rows").innerText()).toBe(`${shown} of ${findings} rows`);
        await filter.fill("");
        expect(await visible.count()).toBe(findings);
        await page.context().close();
      },
      TIMEOUT,
    );

    it(
      "draws the timeline: bars, scenario bands, steps, consent, background, permission and screenshot marks; switches to parties",
      async () => {
        const { page } = await open();
        const svg = page.locator("svg.timeline");
        await expect.poll(async () => (await svg.boundingBox())?.width ?? 0).toBeGreaterThan(800);
        const count = (sel: string) => page.locator(`svg.timeline ${sel}`).count();
        expect(await count("g.by-cat path")).toBeGreaterThan(0);
        expect(await count("g.by-cat .hov rect")).toBeGreaterThan(0);
        expect(await count("rect.band0")).toBe(1);
        expect(await count("rect.band1")).toBe(1);
        expect(await count("line.step")).toBe(2);
        expect(await count("line.consent_accepted")).toBe(1);
        expect(await count("line.consent_shown")).toBe(1);
        expect(await count("rect.bglane")).toBe(1);
        expect(await count("path.g-dialog")).toBe(1);
        expect(await count("path.g-deny")).toBeGreaterThan(0);
        expect(await count("path.g-shot")).toBe(3);
        const tip = await page.locator("svg.timeline g.by-cat .hov rect title").first().textContent();
        expect(tip).toMatch(/ s to .* s: \d+ call\(s\)\n/);
        const shown = (sel: string) => js<string>(page, `getComputedStyle(document.querySelector('${sel}')).display`);
        expect(await shown("svg.timeline g.by-party")).toBe("none");
        await page.locator("label[for=view-party]").click();
        expect(await shown("svg.timeline g.by-party")).not.toBe("none");
        expect(await shown("svg.timeline g.by-cat")).toBe("none");
        expect(await shown(".legend.by-party")).not.toBe("none");
        await page.context().close();
      },
      TIMEOUT,
    );

    it(
      "zooms into a short scenario beside an hour's soak: by a drag, a click on its band, typed times or Enter on a band; its name appears; Show all goes back",
      async () => {
        const w = await open(1280, true, soakUrl);
        const { page } = w;
        const svg = page.locator("svg.timeline");
        const band = (name: string) => page.locator(`svg.timeline g.zb[data-name="${name}"]`);
        const label = (name: string) => band(name).locator("text.band-label");
        const zoomed = async () => (await svg.getAttribute("data-zoom"))!.split(" ").map(Number) as [number, number];
        const [tap, map] = SHORT;
        // At the full range the short scenarios are slivers: no room for a name.
        expect(await label(tap.name).textContent()).toBe("");
        expect(await label(map.name).textContent()).toBe("");
        expect(await label("background-soak").textContent()).toBe("background-soak");
        expect(await page.locator(".zoom .z-reset").isDisabled()).toBe(true);

        // Drag across the last 1.5% of the plot.
        const box = (await svg.boundingBox())!;
        const u = box.width / 1000;
        const y = box.y + u * 120;
        await page.mouse.move(box.x + u * 960, y);
        await page.mouse.down();
        await page.mouse.move(box.x + u * 968, y, { steps: 4 });
        await page.mouse.move(box.x + u * 974, y, { steps: 4 });
        await page.mouse.up();
        const [a, b] = await zoomed();
        expect(a).toBeGreaterThan(3500_000);
        expect(b - a).toBeLessThan(100_000);
        expect(await page.locator("svg.timeline rect.brush").getAttribute("visibility")).toBe("hidden");

        // A click on the band zooms to it: the name shows in full, on screen, within the chart.
        await band(tap.name).locator(":scope > rect").click();
        const [c, d] = await zoomed();
        expect(c).toBeGreaterThan(tap.start * 1000 - 500);
        expect(d).toBeLessThan(tap.end * 1000 + 500);
        expect(await label(tap.name).textContent()).toBe(tap.name);
        expect(await label(tap.name).isVisible()).toBe(true);
        const text = (await label(tap.name).boundingBox())!;
        expect(text.width).toBeGreaterThan(20);
        expect(text.x).toBeGreaterThanOrEqual(box.x);
        expect(text.x + text.width).toBeLessThanOrEqual(box.x + box.width);
        // The axis is redrawn for the range; the launch at 0 s is off it, hidden.
        expect(await page.locator("svg.timeline g.xaxis text").allTextContents()).toContain("3596.0 s");
        expect(await page.locator("svg.timeline g.pt").first().getAttribute("visibility")).toBe("hidden");
        expect(await page.locator(".zoom .z-from").inputValue()).toMatch(/^359[45]\./);
        expect(await page.locator(".zoom .hint").textContent()).toMatch(/narrower than three bars/);

        // Show all goes back to the whole run.
        await page.locator(".zoom .z-reset").click();
        expect(await zoomed()).toEqual([0, Number(await svg.getAttribute("data-d1"))]);
        expect(await label(tap.name).textContent()).toBe("");
        expect(await page.locator(".zoom .z-reset").isDisabled()).toBe(true);

        // Typed times: the second short scenario; a range that ends before it starts is refused.
        await page.locator(".zoom .z-from").fill(String(map.start - 0.1));
        await page.locator(".zoom .z-to").fill(String(map.end + 0.1));
        await page.locator(".zoom .z-to").press("Enter");
        expect(await label(map.name).textContent()).toBe(map.name);
        const before = await zoomed();
        await page.locator(".zoom .z-from").fill("20");
        await page.locator(".zoom .z-to").fill("10");
        await page.locator(".zoom .z-apply").click();
        expect(await page.locator(".zoom .z-from").getAttribute("aria-invalid")).toBe("true");
        expect(await zoomed()).toEqual(before);

        // From the keyboard: a band is a button.
        await page.locator(".zoom .z-reset").click();
        await band(tap.name).focus();
        await page.keyboard.press("Enter");
        expect(await label(tap.name).textContent()).toBe(tap.name);

        expect(w.errors).toEqual([]);
        expect(await js(page, "window.__csp")).toEqual([]);
        await page.context().close();
      },
      TIMEOUT,
    );

    it(
      "on a phone-width page says the chart scrolls sideways (and it does); not on a desktop",
      async () => {
        const phone = (await open(390, true, soakUrl)).page;
        const note = phone.locator("#timeline .scroll-note");
        expect(await note.isVisible()).toBe(true);
        expect(await note.textContent()).toMatch(/scroll it sideways/);
        const [scroll, client] = await js<[number, number]>(phone, `(() => { const c = document.querySelector("#timeline .chart"); return [c.scrollWidth, c.clientWidth]; })()`);
        expect(scroll).toBeGreaterThan(client);
        // The note comes before the chart it is about.
        const noteBox = (await note.boundingBox())!;
        expect(noteBox.y).toBeLessThan((await phone.locator("svg.timeline").boundingBox())!.y);
        await phone.context().close();
        const desk = (await open(1280, true, soakUrl)).page;
        expect(await desk.locator("#timeline .scroll-note").isVisible()).toBe(false);
        await desk.context().close();
      },
      TIMEOUT,
    );

    it(
      "opens a finding's evidence: the responsible frame highlighted, the immediate one marked, the screenshot shown",
      async () => {
        const { page } = await open();
        const withShot = page.locator("details.finding", { has: page.locator("figure.shot img") }).first();
        await withShot.locator("summary").click();
        expect(await withShot.getAttribute("open")).not.toBeNull();
        await expect.poll(() => withShot.locator("ol.stack li.resp").isVisible()).toBe(true);
        expect(await withShot.locator("ol.stack li.resp .tag.resp").innerText()).toMatch(/responsible/i);
        expect(await withShot.locator("ol.stack li.imm").count()).toBe(1);
        const img = withShot.locator("figure.shot img");
        // The first inlined screenshot in the page is this finding's (each image is inlined once).
        await expect.poll(() => js<number>(page, "document.querySelector('details.finding figure.shot img').naturalWidth")).toBeGreaterThan(0);
        expect(await img.isVisible()).toBe(true);
        // A link from the findings table opens the evidence it points to.
        const id = await js<string>(page, "document.querySelectorAll('details.finding')[1].id");
        await page.locator(`#findings a[href="#${id}"]`).click();
        await expect.poll(() => page.locator(`details#${id}`).getAttribute("open")).not.toBeNull();
        await page.context().close();
      },
      TIMEOUT,
    );

    it(
      "jumps to a finding's evidence or a section below the sticky section bar, not under it, at desktop and phone width",
      async () => {
        for (const width of [1280, 390]) {
          const { page } = await open(width);
          const clear = (sel: string) => js<[number, number]>(page, `[document.querySelector("nav.toc").getBoundingClientRect().bottom, document.querySelector(${JSON.stringify(sel)}).getBoundingClientRect().top]`);
          const id = await js<string>(page, "document.querySelectorAll('details.finding')[2].id");
          await page.locator(`#findings a[href="#${id}"]`).click();
          await expect.poll(() => page.locator(`details#${id}`).getAttribute("open")).not.toBeNull();
          const [bar, finding] = await clear(`details#${id}`);
          expect(finding, `finding at ${finding}px, the bar ends at ${bar}px (${width}px wide)`).toBeGreaterThanOrEqual(bar - 1);
          expect(finding).toBeLessThan(bar + 40);
          await page.locator('nav.toc a[href="#rules"]').click();
          const [bar2, heading] = await clear("#rules h2");
          expect(heading, `heading at ${heading}px, the bar ends at ${bar2}px (${width}px wide)`).toBeGreaterThanOrEqual(bar2 - 1);
          expect(heading).toBeLessThan(bar2 + 40);
          await page.context().close();
        }
      },
      TIMEOUT,
    );

    it(
      "does not overflow the page at desktop or phone width, evidence open; full-page screenshot",
      async () => {
        for (const width of [1280, 390]) {
          const { page } = await open(width);
          await js(page, "document.querySelectorAll('details').forEach((d) => { d.open = true; })");
          const [scroll, inner] = await js<[number, number]>(page, "[document.documentElement.scrollWidth, window.innerWidth]");
          expect(scroll, `page ${scroll}px wide in a ${inner}px window`).toBeLessThanOrEqual(inner + 2);
          const file = join(out, `report-${width}.png`);
          await page.screenshot({ path: file, fullPage: true, timeout: TIMEOUT });
          const png = readFileSync(file);
          expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
          expect(png.length).toBeGreaterThan(50_000);
          await page.context().close();
        }
      },
      TIMEOUT,
    );

    it(
      "reads without JavaScript: every row shown, evidence opens, the chart view switch works",
      async () => {
        const { page } = await open(1280, false);
        expect(await page.locator('table[data-name="findings"] tbody tr').count()).toBe(findings);
        expect(await page.locator("input.filter").count()).toBe(0);
        const first = page.locator("details.finding").first();
        await first.locator("summary").click();
        expect(await first.getAttribute("open")).not.toBeNull();
        await page.locator("label[for=view-party]").click();
        expect(await page.locator("svg.timeline g.by-party").isVisible()).toBe(true);
        // No zoom controls without script: the chart shows the whole run.
        expect(await page.locator(".zoom").count()).toBe(0);
        await page.context().close();
      },
      TIMEOUT,
    );
  });
}

/** A phone-sized screenshot of a consent dialog, rendered by the browser itself: a real PNG for the trace. */
async function phoneScreenshot(browser: Browser): Promise<Buffer> {
  const page = await browser.newPage({ viewport: { width: 360, height: 640 } });
  await page.setContent(
    `<body style="margin:0;font:16px sans-serif;background:#eef1f4"><div style="background:#0f766e;color:#fff;padding:18px;font-weight:600">Shop</div>` +
      `<div style="margin:120px 20px;padding:20px;background:#fff;border-radius:14px;box-shadow:0 4px 20px #0002"><h3 style="margin-top:0">Privacy policy</h3>` +
      `<p>We and our partners' SDKs process device identifiers and location.</p><button>Agree</button> <button>Disagree</button></div></body>`,
  );
  const png = await page.screenshot();
  await page.close();
  return png;
}

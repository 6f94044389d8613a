import type { ElementSelector } from "./executor.js";

/** What the executor needs from the UI automation side (Appium through webdriverio). */
export interface UiDriver {
  /** The element's reference, waiting up to `timeoutMs` for it; null when it never appears. */
  find(selector: ElementSelector, timeoutMs: number): Promise<string | null>;
  click(element: string): Promise<void>;
  type(element: string | null, text: string): Promise<void>;
  swipe(direction: "up" | "down" | "left" | "right", element?: string | null): Promise<void>;
  /** A PNG screenshot as base64. */
  screenshot(): Promise<string>;
}

type Browser = {
  findElements(using: string, value: string): Promise<Record<string, string>[]>;
  elementClick(id: string): Promise<unknown>;
  elementSendKeys(id: string, text: string): Promise<unknown>;
  isElementDisplayed(id: string): Promise<boolean>;
  getWindowRect(): Promise<{ width: number; height: number }>;
  performActions(actions: object[]): Promise<unknown>;
  releaseActions(): Promise<unknown>;
  takeScreenshot(): Promise<string>;
  keys(value: string | string[]): Promise<unknown>;
};

function xpathLiteral(s: string): string {
  if (!s.includes('"')) return `"${s}"`;
  if (!s.includes("'")) return `'${s}'`;
  return `concat("${s.split('"').join(`", '"', "`)}")`;
}

/** The element reference inside a W3C find result. */
function refOf(found: Record<string, string>): string {
  return found["element-6066-11e4-a52e-4f735466cecf"] ?? found.ELEMENT ?? Object.values(found)[0]!;
}

/**
 * UiDriver over a webdriverio session: text by XPath on the text and content-desc attributes
 * (what UiAutomator2 exposes), ids and accessibility ids by their locator strategies, visibility
 * checked, swipes as W3C pointer actions.
 */
export class WebdriverUi implements UiDriver {
  constructor(private readonly browser: Browser) {}

  private async candidates(s: ElementSelector): Promise<string[]> {
    let found: Record<string, string>[] = [];
    if (s.id) found = await this.browser.findElements("id", s.id);
    else if (s.accessibilityId) found = await this.browser.findElements("accessibility id", s.accessibilityId);
    else if (s.text) {
      const t = xpathLiteral(s.text);
      found = await this.browser.findElements("xpath", `//*[@text=${t} or @content-desc=${t}]`);
    }
    const visible: string[] = [];
    for (const f of found) {
      const ref = refOf(f);
      if (await this.browser.isElementDisplayed(ref).catch(() => false)) visible.push(ref);
    }
    return visible;
  }

  async find(selector: ElementSelector, timeoutMs: number): Promise<string | null> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const els = await this.candidates(selector).catch(() => []);
      const el = els[selector.index ?? 0];
      if (el) return el;
      if (Date.now() >= deadline) return null;
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  async click(element: string): Promise<void> {
    await this.browser.elementClick(element);
  }

  async type(element: string | null, text: string): Promise<void> {
    if (element) await this.browser.elementSendKeys(element, text);
    else await this.browser.keys(text);
  }

  async swipe(direction: "up" | "down" | "left" | "right"): Promise<void> {
    const { width, height } = await this.browser.getWindowRect();
    const cx = Math.round(width / 2);
    const cy = Math.round(height / 2);
    const d = { up: [0, -1], down: [0, 1], left: [-1, 0], right: [1, 0] }[direction];
    const dx = Math.round((d[0]! * width) / 3);
    const dy = Math.round((d[1]! * height) / 3);
    await this.browser.performActions([
      {
        type: "pointer",
        id: "finger",
        parameters: { pointerType: "touch" },
        actions: [
          { type: "pointerMove", duration: 0, x: cx - dx / 2, y: cy - dy / 2 },
          { type: "pointerDown", button: 0 },
          { type: "pointerMove", duration: 300, x: cx + dx / 2, y: cy + dy / 2 },
          { type: "pointerUp", button: 0 },
        ],
      },
    ]);
    await this.browser.releaseActions();
  }

  screenshot(): Promise<string> {
    return this.browser.takeScreenshot();
  }
}

/**
 * `--device sandbox`: the sandbox phone with the sample app, its device actions, and its UI — a
 * real Appium server with the fake driver showing the app's screens, each tap also delivered to
 * the app so it reacts as a phone's app would.
 */
import { createRequire } from "node:module";
import { sep } from "node:path";
import { PermtraceError, UsageError } from "../../reports/errors.js";
import { packageRoot } from "../../reports/version.js";
import type { DeviceBackend, DeviceHandle, DeviceSelector } from "../device/backend.js";
import type { DeviceActions, ElementSelector } from "../scenario/executor.js";
import type { UiDriver } from "../scenario/ui.js";
import { appiumSession } from "../scenario/appium.js";
import type { SandboxApp, UiTarget } from "./app.js";
import { SandboxDevice } from "./device.js";

export const SANDBOX = "sandbox";
/** How long the sandbox phone takes to start the app: a mid-range phone's cold start. */
export const COLD_START_MS = 1500;
/** How long a tap (and a typed character) takes on the sandbox, and a swipe: the phone's time moves only by what happens on it. */
export const TAP_MS = 100;
export const SWIPE_MS = 300;

export class SandboxBackend implements DeviceBackend {
  /** The phone opened last (one per run). */
  device: SandboxDevice | undefined;
  constructor(private readonly app: () => SandboxApp) {}

  async open(selector: DeviceSelector): Promise<DeviceHandle> {
    if (selector.serial !== undefined && selector.serial !== SANDBOX) {
      throw new UsageError(`the sandbox backend has no device '${selector.serial}'`, { where: "--device", fix: "use --device sandbox" });
    }
    this.device = new SandboxDevice(this.app());
    return this.device;
  }
}

function sandboxOf(device: DeviceHandle): SandboxDevice {
  if (!(device instanceof SandboxDevice)) throw new Error("not a sandbox device");
  return device;
}

/** What the scenario steps do to the phone: no adb, the phone's own state. */
export function sandboxActions(handle: DeviceHandle, spawn: () => Promise<void>): DeviceActions {
  const device = sandboxOf(handle);
  return {
    launch: async (clearData) => {
      if (clearData) device.clearData();
      await spawn();
      // A cold start takes a moment on a phone: the app's start-up runs in it.
      await device.time.sleep(COLD_START_MS);
    },
    back: async () => device.back(),
    home: async () => device.home(),
    bringToFront: async () => device.bringToFront(),
    screenOff: async () => device.screen(false),
    screenOn: async () => device.screen(true),
    grant: async (p) => device.grant(p),
    revoke: async (p) => device.revoke(p),
  };
}

function target(s: ElementSelector): UiTarget {
  return { ...(s.text !== undefined ? { text: s.text } : {}), ...(s.id !== undefined ? { id: s.id } : {}), ...(s.accessibilityId !== undefined ? { accessibilityId: s.accessibilityId } : {}) };
}

/**
 * The UI of the sandbox: Appium (fake driver) finds, taps and screenshots the app's screens; the
 * phone says which elements are on screen now, and hears each tap.
 */
export class SandboxUi implements UiDriver {
  private readonly targets = new Map<string, UiTarget>();
  constructor(
    private readonly inner: UiDriver,
    private readonly device: SandboxDevice,
  ) {}

  async find(selector: ElementSelector, timeoutMs: number): Promise<string | null> {
    const t = target(selector);
    // Nothing on the sandbox appears by itself while the runner waits: not on screen is not found.
    if (!this.device.shows(t)) return null;
    const ref = await this.inner.find(selector, timeoutMs);
    if (ref !== null) this.targets.set(ref, t);
    return ref;
  }

  async click(element: string): Promise<void> {
    await this.inner.click(element);
    const t = this.targets.get(element);
    if (t) this.device.tap(t);
    await this.device.time.sleep(TAP_MS);
  }

  async type(element: string | null, text: string): Promise<void> {
    await this.inner.type(element, text);
    await this.device.time.sleep(TAP_MS * text.length);
  }

  async swipe(direction: "up" | "down" | "left" | "right", element?: string | null): Promise<void> {
    await this.inner.swipe(direction, element);
    await this.device.time.sleep(SWIPE_MS);
  }

  /**
   * Appium takes its screenshot (the fake driver's, one fixed picture whatever the screen); the
   * trace gets the phone's drawing of what is on its screen, which is what evidence needs.
   */
  async screenshot(): Promise<string> {
    await this.inner.screenshot();
    return this.device.screenshot().toString("base64");
  }
}

/**
 * The folder whose node_modules holds Appium's fake driver, for the in-process server's
 * APPIUM_HOME: permtrace's own, or the project it is installed in when npm hoisted the driver.
 */
export function fakeDriverHome(): string {
  let pkg: string;
  try {
    pkg = createRequire(import.meta.url).resolve("@appium/fake-driver/package.json");
  } catch {
    throw new PermtraceError("Appium's fake driver (@appium/fake-driver) is not installed", { where: "sandbox", fix: "reinstall permtrace's dependencies (npm ci in the permtrace folder)" });
  }
  const at = pkg.lastIndexOf(`${sep}node_modules${sep}`);
  return at >= 0 ? pkg.slice(0, at) : packageRoot();
}

/** An Appium session with the fake driver on the app's screens (a server in-process unless `appiumUrl`). */
export async function sandboxUi(handle: DeviceHandle, appiumUrl?: string): Promise<{ ui: UiDriver; close(): Promise<void> }> {
  const device = sandboxOf(handle);
  const session = await appiumSession(
    { platformName: "Fake", "appium:automationName": "Fake", "appium:deviceName": SANDBOX, "appium:app": device.app.screensXml, "appium:newCommandTimeout": 0 },
    appiumUrl
      ? { serial: SANDBOX, appiumUrl, fix: `the Appium server at ${appiumUrl} must be running and have the fake driver (appium driver install --source npm @appium/fake-driver)` }
      : { serial: SANDBOX, appiumHome: fakeDriverHome(), fix: "Appium's fake driver ships with permtrace (@appium/fake-driver): reinstall permtrace's dependencies (npm ci)" },
  );
  return { ui: new SandboxUi(session.ui, device), close: session.close };
}

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { PermtraceError } from "../../reports/errors.js";
import type { DeviceHandle } from "../../runner/device/backend.js";
import { appiumUi } from "../../runner/scenario/appium.js";

describe("Appium UI for a run", () => {
  it("starts an in-process server, asks for a UiAutomator2 session on the device, and without the driver says how to get it", async () => {
    const device = { id: "socket@127.0.0.1:27042", serial: "emulator-5554", name: "x", kind: "remote" } as unknown as DeviceHandle;
    // An empty Appium home of its own: the server must not write into the real ~/.appium.
    const home = mkdtempSync(join(tmpdir(), "permtrace-appium-ui-"));
    const saved = process.env.APPIUM_HOME;
    process.env.APPIUM_HOME = home;
    const err = await appiumUi(device, "com.example.app").catch((e: unknown) => e);
    if (saved === undefined) delete process.env.APPIUM_HOME;
    else process.env.APPIUM_HOME = saved;
    rmSync(home, { recursive: true, force: true });
    expect(err).toBeInstanceOf(PermtraceError);
    expect((err as PermtraceError).toLine()).toMatch(/^appium: cannot start a UiAutomator2 session on emulator-5554: .* — the UiAutomator2 driver must be installed in the Appium home .*permtrace-appium-ui-\w+ \(APPIUM_HOME=.* npx appium@[\d.]+ driver install uiautomator2\)/);
    // Appium's own signal handlers (they shut down and exit 0) were taken off: Ctrl-C does not
    // end the run with success behind the runner's back.
    for (const signal of ["SIGINT", "SIGTERM"] as const) expect(process.listeners(signal).map((l) => l.name)).not.toContain("onSignal");
  }, 60_000);
});

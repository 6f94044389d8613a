import { describe, expect, it } from "vitest";
import { PermtraceError } from "../../reports/errors.js";
import type { DeviceHandle } from "../../runner/device/backend.js";
import { appiumUi } from "../../runner/scenario/appium.js";

describe("Appium UI for a run", () => {
  it("starts an in-process server, asks for a UiAutomator2 session on the device, and without the driver says how to get it", async () => {
    const device = { id: "socket@127.0.0.1:27042", serial: "emulator-5554", name: "x", kind: "remote" } as unknown as DeviceHandle;
    const err = await appiumUi(device, "com.example.app").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PermtraceError);
    expect((err as PermtraceError).toLine()).toMatch(/^appium: cannot start a UiAutomator2 session on emulator-5554: .* — check `permtrace doctor`: the UiAutomator2 driver must be installed/);
    // Appium's own signal handlers (they shut down and exit 0) were taken off: Ctrl-C does not
    // end the run with success behind the runner's back.
    for (const signal of ["SIGINT", "SIGTERM"] as const) expect(process.listeners(signal).map((l) => l.name)).not.toContain("onSignal");
  }, 60_000);
});

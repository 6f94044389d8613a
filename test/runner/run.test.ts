import { existsSync, lstatSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { forEachCall, openTrace } from "../../reports/trace/reader.js";
import type { DeviceBackend } from "../../runner/device/backend.js";
import { runRun } from "../../runner/commands/run.js";
import type { DeviceActions } from "../../runner/scenario/executor.js";
import type { UiDriver } from "../../runner/scenario/ui.js";
import { APP, fakeUi, noopActions, StandInDevice, suite } from "../support/stand-in-device.js";
import { tempDir } from "../support/trace-builder.js";

describe("permtrace run (stand-in device, fake UI)", () => {
  it("records every scenario into one trace, survives a crash, and reports", async () => {
    const device = new StandInDevice();
    const backend: DeviceBackend = { open: async () => device };
    const log: string[] = [];
    const out = join(tempDir(), "trace");
    const r = await runRun({
      app: APP,
      scenarios: suite(),
      out,
      backend,
      ui: async () => ({ ui: fakeUi(device), close: async () => void log.push("ui closed") }),
      actions: (_d, spawn): DeviceActions => ({
        launch: async () => spawn(),
        back: async () => undefined,
        home: async () => undefined,
        bringToFront: async () => undefined,
        screenOff: async () => undefined,
        screenOn: async () => undefined,
        grant: async () => undefined,
        revoke: async () => undefined,
      }),
      sleep: async () => undefined,
    });
    // The crash fails the tap that caused it and ends its scenario; the next one relaunches.
    expect(r.scenarios.map((s) => [s.scenario, s.status])).toEqual([
      ["accept", "ok"],
      ["crash", "failed"],
      ["after", "ok"],
    ]);
    expect(r.scenarios[1]!.failure).toMatchObject({ action: "tapOn", error: expect.stringMatching(/the app's process 1001 ended \(process-terminated/) });
    expect(r.incomplete).toMatch(/process-terminated: java.lang.IllegalStateException/);
    expect(log).toEqual(["ui closed"]);

    const trace = openTrace(out);
    expect(trace.manifest.complete).toBe(false);
    expect(trace.manifest.device.kind).toBe("sandbox");
    expect((trace.manifest.agent?.coverage ?? []).some((c) => c.status === "hooked")).toBe(true);
    const hooks: string[] = [];
    forEachCall(trace, (e) => void hooks.push(e.hook));
    // Three launches, each reading the IMEI at start-up; the map screen's two location reads.
    expect(hooks.filter((h) => h === "telephony.TelephonyManager.getImei")).toHaveLength(3);
    expect(hooks.filter((h) => h === "location.LocationManager.getLastKnownLocation")).toHaveLength(2);
    const kinds = trace.markers.map((m) => m.kind);
    expect(kinds).toContain("clock_sync");
    // Each launch is on the timeline before the app's start-up calls.
    const launches = trace.markers.filter((m) => m.kind === "app_launch").map((m) => m.t);
    expect(launches).toHaveLength(3);
    // One exchange with the agent per step: the clock re-check (3 round trips) also shows the app is
    // alive, so no separate probe — one status call is left, the last check before the trace closes.
    const steps = trace.markers.filter((m) => m.kind === "step_end").length;
    const syncs = trace.markers.filter((m) => m.kind === "clock_sync");
    // A handshake per launch, a re-check per step but the one that crashed the app (nothing left to ask).
    expect(syncs).toHaveLength(launches.length + steps - 1);
    expect(device.rpcs.status).toBe(1);
    expect(device.rpcs.mark).toBe(5 * launches.length + 3 * (steps - 1));
    expect(kinds.filter((k) => k === "scenario_start")).toHaveLength(3);
    expect(kinds).toContain("incomplete");
    // A screenshot after every step run: the crash scenario stops at the tap that crashed it.
    expect(readdirSync(join(out, "screenshots")).length).toBe(7);

    const findings = r.report.analysis.findings;
    const pre = findings.find((f) => f.rule === "consent.pre_consent_collection")!;
    expect(pre).toMatchObject({ category: "phone_identifiers", party: { key: "sdk:umeng-common" }, scenario: "accept" });
    // The map's own location read is needed; the ad SDK's is not exempt from the rules on frequency,
    // and nothing flags the app's location use in the scenario that needs it.
    expect(findings.filter((f) => f.rule === "scenario.unneeded_category" && f.category === "location")).toEqual([]);
    expect(findings.some((f) => f.rule === "disclosure.undeclared_sdk" && f.party.key === "sdk:tencent-gdt")).toBe(true);
    expect(existsSync(join(out, "report", "findings.json"))).toBe(true);
  });

  it("checks the suite and the app before touching a device", async () => {
    let opened = false;
    const backend: DeviceBackend = {
      open: async () => {
        opened = true;
        throw new Error("no");
      },
    };
    const base = { scenarios: suite(), out: join(tempDir(), "t"), backend, ui: async () => ({ ui: {} as UiDriver, close: async () => undefined }), actions: () => ({}) as DeviceActions };
    await expect(runRun({ ...base, app: "com.other" })).rejects.toThrow(/--app com.other is not the suite's app com.example.app/);
    await expect(runRun({ ...base, app: APP, policy: "strcit" })).rejects.toThrow(/'strcit' is neither a policy file nor a built-in profile/);
    expect(opened).toBe(false);
  });
});

describe("permtrace run: a UI that never comes up", () => {
  const failingUi = async (): Promise<never> => {
    throw new Error("no Appium here");
  };
  const common = () => ({ app: APP, scenarios: suite(), backend: { open: async () => new StandInDevice() } as DeviceBackend, ui: failingUi, actions: (_d: unknown, spawn: () => Promise<void>) => noopActions(spawn), sleep: async () => undefined });

  it("leaves no trace in a folder it made, and keeps a folder the user made (empty again)", async () => {
    const made = join(tempDir(), "new");
    await expect(runRun({ ...common(), out: made })).rejects.toThrow(/no Appium here/);
    expect(existsSync(made)).toBe(false);
    const mine = tempDir();
    await expect(runRun({ ...common(), out: mine })).rejects.toThrow(/no Appium here/);
    expect(existsSync(mine)).toBe(true);
    expect(readdirSync(mine)).toEqual([]);
  });

  it("removes nothing through a link: --out a symlink to the user's folder keeps the link", async () => {
    const target = tempDir();
    const link = join(tempDir(), "link");
    symlinkSync(target, link);
    await expect(runRun({ ...common(), out: link })).rejects.toThrow(/no Appium here/);
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readdirSync(target)).toEqual([]);
  });

  it("refuses an --out that holds anything", async () => {
    const dir = tempDir();
    writeFileSync(join(dir, "notes.txt"), "mine");
    await expect(runRun({ ...common(), out: dir })).rejects.toThrow(/is not an empty directory/);
    expect(readFileSync(join(dir, "notes.txt"), "utf8")).toBe("mine");
  });
});

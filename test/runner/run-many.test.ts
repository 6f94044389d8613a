import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runMany, shard } from "../../runner/commands/run-many.js";
import type { DeviceBackend } from "../../runner/device/backend.js";
import { TerminalProgress } from "../../runner/progress.js";
import { APP, fakeUi, noopActions, StandInDevice, suite } from "../support/stand-in-device.js";
import { tempDir } from "../support/trace-builder.js";

describe("several devices", () => {
  it("shards scenarios round-robin", () => {
    expect(shard(["a", "b", "c", "d", "e"], 2)).toEqual([
      ["a", "c", "e"],
      ["b", "d"],
    ]);
    expect(shard(["a"], 3)).toEqual([["a"], [], []]);
  });

  it("runs shares in parallel, one trace per device, one merged report", async () => {
    const devices = new Map<string, StandInDevice>();
    const backend: DeviceBackend = {
      open: async (sel) => {
        const d = new StandInDevice(sel.serial!);
        devices.set(sel.serial!, d);
        return d;
      },
    };
    const out = tempDir();
    const lines: string[] = [];
    const r = await runMany({
      app: APP,
      scenarios: suite(),
      out,
      devices: ["emulator-5554", "emulator-5556"],
      backend,
      ui: async (d) => ({ ui: fakeUi(d as StandInDevice), close: async () => undefined }),
      actions: (_d, spawn) => noopActions(spawn),
      sleep: async () => undefined,
      progress: (device) => {
        const p = new TerminalProgress(device, { isTTY: false } as NodeJS.WriteStream);
        return { ...p, scenario: (...a) => p.scenario(...a), step: (...a) => p.step(...a), call: (c) => p.call(c), done: () => lines.push(p.line()) };
      },
    });
    expect(r.runs.map((x) => [x.device, x.result?.scenarios.map((s) => s.scenario)])).toEqual([
      ["emulator-5554", ["accept", "after"]],
      ["emulator-5556", ["crash"]],
    ]);
    expect(existsSync(join(out, "emulator-5554", "manifest.json"))).toBe(true);
    expect(existsSync(join(out, "emulator-5556", "manifest.json"))).toBe(true);
    const merged = JSON.parse(readFileSync(join(out, "report", "findings.json"), "utf8")) as { devices: { device: string; complete?: boolean }[]; findings: { device: string; rule: string }[] };
    expect(merged.devices.map((d) => [d.device, d.complete])).toEqual([
      ["emulator-5554", true],
      ["emulator-5556", false],
    ]);
    expect(new Set(merged.findings.map((f) => f.device))).toEqual(new Set(["emulator-5554", "emulator-5556"]));
    expect(readFileSync(join(out, "report", "summary.md"), "utf8")).toMatch(/\| emulator-5556 \| 1 \| \d+ \| .*\(incomplete\) \|/);
    expect(lines.sort()[0]).toMatch(/^\[emulator-5554\] scenario 2\/2 after · step 2 assertVisible · \d+ calls \(phone_identifiers \d+/);
  });
});

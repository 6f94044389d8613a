import { describe, expect, it } from "vitest";
import type { Exec } from "../../runner/commands/doctor.js";
import { AdbActions, AdbError } from "../../runner/device/adb.js";

function recording(fail?: string): { exec: Exec; calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    exec: async (cmd, args) => {
      const line = [cmd, ...args].join(" ");
      calls.push(line);
      return fail && line.includes(fail) ? { ok: false, stdout: "", stderr: "Exception occurred while executing 'grant':\nSecurityException" } : { ok: true, stdout: "", stderr: "" };
    },
  };
}

describe("adb device actions", () => {
  it("maps scenario steps to adb commands on the chosen device, and launches through the frida spawn", async () => {
    const { exec, calls } = recording();
    let spawned = 0;
    const a = new AdbActions("R58M", "com.example.shop", async () => void spawned++, exec);
    await a.launch(true);
    await a.back();
    await a.home();
    await a.bringToFront();
    await a.screenOff();
    await a.screenOn();
    await a.grant("android.permission.CAMERA");
    await a.revoke("android.permission.CAMERA");
    expect(spawned).toBe(1);
    expect(calls).toEqual([
      "adb -s R58M shell am force-stop com.example.shop",
      "adb -s R58M shell pm clear com.example.shop",
      "adb -s R58M shell input keyevent KEYCODE_BACK",
      "adb -s R58M shell input keyevent KEYCODE_HOME",
      "adb -s R58M shell monkey -p com.example.shop -c android.intent.category.LAUNCHER 1",
      "adb -s R58M shell input keyevent KEYCODE_SLEEP",
      "adb -s R58M shell input keyevent KEYCODE_WAKEUP",
      "adb -s R58M shell wm dismiss-keyguard",
      "adb -s R58M shell pm grant com.example.shop android.permission.CAMERA",
      "adb -s R58M shell pm revoke com.example.shop android.permission.CAMERA",
    ]);
  });

  it("a failing adb command is one line with the device and a fix", async () => {
    const a = new AdbActions("R58M", "com.example.shop", async () => undefined, recording("pm grant").exec);
    const err = await a.grant("android.permission.CAMERA").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AdbError);
    expect((err as AdbError).toLine()).toBe("device R58M: adb shell pm grant com.example.shop android.permission.CAMERA failed: Exception occurred while executing 'grant': — check the device is attached and authorised (`permtrace doctor`)");
  });
});

import { createServer, type AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { PINNED_FRIDA } from "../../reports/version.js";
import { renderDoctor, runDoctor, type Exec } from "../../runner/commands/doctor.js";

/** A fake shell: canned answers by command line. */
function shell(answers: Record<string, { ok?: boolean; stdout?: string; missing?: boolean }>): Exec {
  return async (cmd, args) => {
    const key = [cmd, ...args].join(" ");
    const hit = Object.entries(answers).find(([k]) => key.startsWith(k))?.[1];
    if (!hit) return { ok: false, stdout: "", stderr: "unexpected" };
    return { ok: hit.ok ?? true, stdout: hit.stdout ?? "", stderr: "", ...(hit.missing ? { missing: true } : {}) };
  };
}

const byName = (r: Awaited<ReturnType<typeof runDoctor>>) => Object.fromEntries(r.map((c) => [c.name, c]));

describe("permtrace doctor", () => {
  it("all green: adb, an authorised device, matching frida-server running, Appium reachable", async () => {
    const r = byName(
      await runDoctor({
        exec: shell({
          "adb version": { stdout: "Android Debug Bridge version 1.0.41\n" },
          "adb devices": { stdout: "List of devices attached\nemulator-5554\tdevice\n\n" },
          "adb -s emulator-5554 shell su -c": { stdout: "17.18.0\n" },
          "adb -s emulator-5554 shell pidof": { stdout: "4242\n" },
        }),
        fridaVersion: "17.18.0",
        appiumUrl: "http://127.0.0.1:4723",
        fetch: async () => ({ ok: true, status: 200, json: async () => ({}) }),
      }),
    );
    expect(Object.values(r).map((c) => c.status)).toEqual(["ok", "ok", "ok", "ok", "ok", "ok"]);
    expect(r["frida-server"]!.detail).toBe("17.18.0, running");
  });

  it("names each environment failure with its fix", async () => {
    const missingAdb = byName(await runDoctor({ exec: shell({ adb: { ok: false, missing: true } }), fridaVersion: null, appiumHome: "/nonexistent" }));
    expect(missingAdb.adb).toMatchObject({ status: "fail", detail: "not found on PATH" });
    expect(missingAdb.adb!.fix).toMatch(/apt-get install adb/);
    expect(missingAdb.device!.status).toBe("skip");
    expect(missingAdb["frida package"]!.fix).toMatch(/npm install frida@/);
    expect(missingAdb["uiautomator2 driver"]).toMatchObject({ status: "fail", detail: "not installed in the Appium home /nonexistent (a run without --appium-url needs it)" });
    expect(missingAdb["uiautomator2 driver"]!.fix).toMatch(/^APPIUM_HOME=\/nonexistent npx appium@\d+\.\d+\.\d+ driver install uiautomator2$/);

    const unauthorized = byName(await runDoctor({ exec: shell({ "adb version": { stdout: "version 1.0.41" }, "adb devices": { stdout: "List of devices attached\nR58M\tunauthorized\n" } }), fridaVersion: "17.18.0" }));
    expect(unauthorized.device).toMatchObject({ status: "fail", detail: "R58M is unauthorized" });

    const mismatch = byName(
      await runDoctor({
        exec: shell({ "adb version": { stdout: "version 1.0.41" }, "adb devices": { stdout: "x\nR58M\tdevice\n" }, "adb -s R58M shell su -c": { stdout: "16.5.9\n" } }),
        fridaVersion: "17.18.0",
      }),
    );
    expect(mismatch["frida-server"]).toMatchObject({ status: "fail", detail: "16.5.9 on the device, frida package 17.18.0" });
    // Frida needs the same major version only: another 17.x server is fine, and says so.
    const minor = byName(
      await runDoctor({
        exec: shell({ "adb version": { stdout: "version 1.0.41" }, "adb devices": { stdout: "x\nR58M\tdevice\n" }, "adb -s R58M shell su -c": { stdout: "17.9.1\n" }, "adb -s R58M shell pidof": { stdout: "4711\n" } }),
        fridaVersion: "17.18.0",
      }),
    );
    expect(minor["frida-server"]).toMatchObject({ status: "ok", detail: "17.9.1, running (frida package 17.18.0: the same major version, which is what Frida needs)" });

    const down = byName(await runDoctor({ exec: shell({ adb: { ok: false, missing: true } }), fridaVersion: null, appiumUrl: "http://127.0.0.1:1", fetch: async () => Promise.reject(new Error("ECONNREFUSED")) }));
    expect(down.appium).toMatchObject({ status: "fail", detail: "http://127.0.0.1:1: ECONNREFUSED" });
  });

  it("--device <serial>@<host:port>: adb checks the serial, and the remote frida-server's port must answer", async () => {
    const server = createServer((c) => c.end());
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const port = (server.address() as AddressInfo).port;
    const adb = shell({
      "adb version": { stdout: "version 1.0.41" },
      "adb devices": { stdout: "List of devices attached\nemulator-5554\tdevice\n" },
    });
    try {
      const up = byName(await runDoctor({ exec: adb, device: `emulator-5554@127.0.0.1:${port}`, fridaVersion: "17.18.0", appiumHome: "/nonexistent" }));
      expect(up.device).toMatchObject({ status: "ok", detail: "emulator-5554" });
      expect(up["frida-server"]).toMatchObject({ status: "ok", detail: `127.0.0.1:${port} accepts connections (its version must be 17.18.0: not checked remotely)` });
    } finally {
      await new Promise((r) => server.close(r));
    }
    // The same port, now closed.
    const down = byName(await runDoctor({ exec: adb, device: `emulator-5554@127.0.0.1:${port}`, fridaVersion: "17.18.0", appiumHome: "/nonexistent" }));
    expect(down["frida-server"]).toMatchObject({ status: "fail", detail: `127.0.0.1:${port}: ECONNREFUSED` });
    expect(down["frida-server"]!.fix).toMatch(/frida-server -l 0\.0\.0\.0:\d+|adb forward tcp:/);
    // No port: frida's default; an unreadable address says so.
    const seen: [string, number][] = [];
    const noPort = byName(await runDoctor({ exec: adb, device: "emulator-5554@[::1]", fridaVersion: null, connect: async (h, p) => (seen.push([h, p]), undefined), appiumHome: "/nonexistent" }));
    expect(seen).toEqual([["::1", 27042]]);
    expect(noPort["frida-server"]!.status).toBe("ok");
    const bad = byName(await runDoctor({ exec: adb, device: "emulator-5554@host:port/x", fridaVersion: null, appiumHome: "/nonexistent" }));
    expect(bad["frida-server"]).toMatchObject({ status: "fail", detail: "cannot read 'host:port/x' as host:port" });
  });

  it("frida-server missing: names the release asset for the device's ABI at the frida version, and starts it detached (-D)", async () => {
    const device = (abi: string, version = "") =>
      shell({ "adb version": { stdout: "version 1.0.41" }, "adb devices": { stdout: "x\nR58M\tdevice\n" }, "adb -s R58M shell su -c": { stdout: version }, "adb -s R58M shell getprop ro.product.cpu.abi": { stdout: `${abi}\n` } });
    const arm64 = byName(await runDoctor({ exec: device("arm64-v8a"), fridaVersion: "17.18.0", appiumHome: "/nonexistent" }))["frida-server"]!;
    expect(arm64).toMatchObject({ status: "fail", detail: "not found at /data/local/tmp/frida-server" });
    expect(arm64.fix).toBe(
      "download https://github.com/frida/frida/releases/download/17.18.0/frida-server-17.18.0-android-arm64.xz (the device's ABI is arm64-v8a), unxz it, " +
        "adb -s R58M push frida-server-17.18.0-android-arm64 /data/local/tmp/frida-server, adb -s R58M shell chmod 755 /data/local/tmp/frida-server, " +
        "then start it as root, detached so it outlives the adb shell: adb -s R58M shell \"su -c '/data/local/tmp/frida-server -D'\"",
    );
    for (const [abi, arch] of [["armeabi-v7a", "arm"], ["armeabi", "arm"], ["x86", "x86"], ["x86_64", "x86_64"]] as const) {
      const r = byName(await runDoctor({ exec: device(abi), fridaVersion: "17.18.0", appiumHome: "/nonexistent" }))["frida-server"]!;
      expect(r.fix).toContain(`/17.18.0/frida-server-17.18.0-android-${arch}.xz (the device's ABI is ${abi})`);
    }
    // Without the frida package: the version package.json pins.
    const pinned = byName(await runDoctor({ exec: device("arm64-v8a"), fridaVersion: null, appiumHome: "/nonexistent" }))["frida-server"]!;
    expect(pinned.fix).toContain(`frida-server-${PINNED_FRIDA}-android-arm64.xz`);
    // An ABI frida has no build for, or what a hostile device prints: no URL made of it, shown inert.
    const odd = byName(await runDoctor({ exec: device("mips\u001b]52;c;aGk=\u0007"), fridaVersion: "17.18.0", appiumHome: "/nonexistent" }))["frida-server"]!;
    expect(odd.fix).toMatch(/^the device's ABI is 'mips.*' \(adb shell getprop ro\.product\.cpu\.abi\): download frida-server-17\.18\.0-android-<arch>\.xz for it from https:\/\/github\.com\/frida\/frida\/releases, /);
    expect(renderDoctor([odd])).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
    // Another major version on the device: stop it, then the same advice.
    const old = byName(await runDoctor({ exec: device("x86_64", "16.5.9\n"), fridaVersion: "17.18.0", appiumHome: "/nonexistent" }))["frida-server"]!;
    expect(old.fix).toMatch(/^stop it \(adb -s R58M shell "su -c 'pkill -f frida-server'"\), then download .*frida-server-17\.18\.0-android-x86_64\.xz/);
  });

  it("frida-server not running: starts it as root with -D, not with & (which dies with the adb shell)", async () => {
    const r = byName(
      await runDoctor({
        exec: shell({ "adb version": { stdout: "version 1.0.41" }, "adb devices": { stdout: "x\nemulator-5554\tdevice\n" }, "adb -s emulator-5554 shell su -c": { stdout: "17.18.0\n" }, "adb -s emulator-5554 shell pidof": { ok: false } }),
        fridaVersion: "17.18.0",
        appiumHome: "/nonexistent",
      }),
    )["frida-server"]!;
    expect(r).toMatchObject({ status: "fail", detail: "17.18.0, not running", fix: "start it as root, detached so it outlives the adb shell: adb -s emulator-5554 shell \"su -c '/data/local/tmp/frida-server -D'\"" });
  });

  it("renders one line per check", () => {
    expect(renderDoctor([{ name: "adb", status: "fail", detail: "not found on PATH", fix: "install it" }])).toBe("FAIL  adb  not found on PATH — install it\n");
  });
});

describe("permtrace doctor --device sandbox", () => {
  it("checks only what the sandbox needs: the agent bundle and Appium's fake driver, not adb or frida", async () => {
    const { runDoctor } = await import("../../runner/commands/doctor.js");
    let execs = 0;
    const results = await runDoctor({ device: "sandbox", exec: async () => (execs++, { ok: false, missing: true, stdout: "", stderr: "" }) });
    expect(execs).toBe(0);
    expect(results.map((r) => [r.name, r.status])).toEqual([
      ["node", "ok"],
      ["agent bundle", "ok"],
      ["fake driver", "ok"],
    ]);
  });
});

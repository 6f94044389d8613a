import { createServer, type AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
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
    expect(missingAdb["uiautomator2 driver"]).toMatchObject({ status: "warn", fix: "npx appium driver install uiautomator2" });

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

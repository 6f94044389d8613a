import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { AgentConfig, AgentMessage, CoverageRow } from "../../agent/protocol.js";
import { CALL } from "../../agent/protocol.js";
import { openTrace } from "../../reports/trace/reader.js";
import type { Exec } from "../../runner/commands/doctor.js";
import { runRun } from "../../runner/commands/run.js";
import { readDeviceValues } from "../../runner/device/adb.js";
import type { DeviceBackend, SessionHandle } from "../../runner/device/backend.js";
import { SSL_OUT } from "../../runner/sandbox/network.js";
import { phoneClasses, SANDBOX_VALUES, sandboxKnownValues } from "../../runner/sandbox/phone.js";
import { SandboxDevice } from "../../runner/sandbox/device.js";
import { SampleMapApp } from "../../runner/sandbox/sample-app.js";
import { loadAgent } from "../../runner/sandbox/runtime.js";
import { APP, fakeUi, noopActions, StandInDevice, suite } from "../support/stand-in-device.js";
import { tempDir } from "../support/trace-builder.js";

// Issue 15 item 3: the runner reads the device's identifiers before launch (adb, or the sandbox
// phone's own) and the agent learns them without a read, so a send of one that no hooked read
// returned is still caught, as a match without readSeq. `npm run build` first.

const ANDROID_ID = "9774d56d682e549c";
const SERIAL = "R58M41ABCDE";

/** The fake adb: answers per shell command, records what was asked. */
function fakeAdb(answers: Record<string, { ok: boolean; stdout?: string; stderr?: string; missing?: boolean }>): { exec: Exec; calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    exec: async (cmd, args) => {
      const line = [cmd, ...args].join(" ");
      calls.push(line);
      const key = Object.keys(answers).find((k) => line.endsWith(k));
      const a = key !== undefined ? answers[key]! : { ok: false, stderr: "unexpected" };
      return { ok: a.ok, stdout: a.stdout ?? "", stderr: a.stderr ?? "", ...(a.missing ? { missing: true } : {}) };
    },
  };
}

const REFUSING_DEVICE = {
  "settings get secure android_id": { ok: true, stdout: `${ANDROID_ID}\n` },
  "getprop ro.serialno": { ok: true, stdout: "\n" },
  "cat /sys/class/net/wlan0/address": { ok: false, stderr: "cat: /sys/class/net/wlan0/address: Permission denied\n" },
};

describe("reading the device's identifiers over adb", () => {
  it("reads what the shell may, and says in one line each what it could not", async () => {
    const { exec, calls } = fakeAdb(REFUSING_DEVICE);
    const r = await readDeviceValues("R58M", exec);
    expect(calls).toEqual(["adb -s R58M shell settings get secure android_id", "adb -s R58M shell getprop ro.serialno", "adb -s R58M shell cat /sys/class/net/wlan0/address"]);
    expect(r.values).toEqual([{ kind: "android_id", value: ANDROID_ID }]);
    expect(r.warnings).toEqual([
      "device R58M: could not read the serial number over adb (no value): a send of it is caught only after a hooked read",
      "device R58M: could not read the Wi-Fi MAC over adb (cat: /sys/class/net/wlan0/address: Permission denied): a send of it is caught only after a hooked read",
    ]);
  });

  it("a device that answers every read; a refusal printed as output on an older adb is still a refusal", async () => {
    const all = await readDeviceValues("X", fakeAdb({ "android_id": { ok: true, stdout: ANDROID_ID }, "ro.serialno": { ok: true, stdout: SERIAL }, "address": { ok: true, stdout: "a4:50:46:1c:2d:3e" } }).exec);
    expect(all.values.map((v) => v.kind)).toEqual(["android_id", "serial", "mac"]);
    expect(all.warnings).toEqual([]);
    const old = await readDeviceValues("X", fakeAdb({ "android_id": { ok: true, stdout: "null" }, "ro.serialno": { ok: true, stdout: SERIAL }, "address": { ok: true, stdout: "/system/bin/sh: cat: /sys/class/net/wlan0/address: Permission denied" } }).exec);
    expect(old.values).toEqual([{ kind: "serial", value: SERIAL }]);
    expect(old.warnings).toHaveLength(2);
  });

  it("without adb: three warnings saying so, no values, no throw", async () => {
    const r = await readDeviceValues("X", fakeAdb({ "": { ok: false, missing: true } }).exec);
    expect(r.values).toEqual([]);
    expect(r.warnings).toHaveLength(3);
    for (const w of r.warnings) expect(w).toMatch(/\(adb is not installed\)/);
  });
});

/** The egress calls' matches the agent sent, as [kind, encoding, where, readSeq]. */
function sentMatches(messages: readonly AgentMessage[]): unknown[] {
  const out: unknown[] = [];
  for (const m of messages) if (m.type === "batch") for (const [, net] of m.net ?? []) for (const x of (net[5] as readonly (readonly unknown[])[] | null | undefined) ?? []) out.push(x.slice(0, 4));
  return out;
}

const sslSelf = (host: string): unknown => ({ $className: SSL_OUT, this$0: { value: { getHostnameOrIP: () => host, getPort: () => 443 } } });
const post = (body: string): Uint8Array => new TextEncoder().encode(`POST /c HTTP/1.1\r\nHost: t.example\r\n\r\n${body}`);

describe("the agent learns known values at init", () => {
  const start = (knownValues: AgentConfig["knownValues"]) => {
    const rt = loadAgent(phoneClasses({ granted: new Set(), screenOn: true, clipboard: "" }));
    rt.rpc.init({ appPackage: APP, salt: "s", ...(knownValues ? { knownValues } : {}) });
    return rt;
  };
  const send = (rt: ReturnType<typeof start>, body: string): void => void rt.call(SSL_OUT, "write", ["[B", "int", "int"], [post(body), 0, post(body).length], [], sslSelf("t.example"));

  it("a known value sent without any hooked read: a match with no read (-1); the value never leaves the agent", async () => {
    const rt = start(sandboxKnownValues());
    const md5 = createHash("md5").update(SANDBOX_VALUES.androidId).digest("hex");
    send(rt, `{"did":"${md5}","tel":"${SANDBOX_VALUES.phoneNumber}"}`);
    rt.rpc.flush();
    expect(sentMatches(rt.messages)).toEqual([["android_id", "md5-lower", 2, -1], ["phone_number", "plain", 2, -1]]);
    const wire = JSON.stringify(rt.messages);
    expect(wire).not.toContain(SANDBOX_VALUES.androidId);
    expect(wire).not.toContain(md5);
    expect(wire).not.toContain("13800138000");
  });

  it("a hooked read of a known value after init: the send names that read", async () => {
    const rt = start(sandboxKnownValues());
    rt.call("android.provider.Settings$Secure", "getString", ["android.content.ContentResolver", "java.lang.String"], [null, "android_id"], []);
    send(rt, `id=${SANDBOX_VALUES.androidId}`);
    rt.rpc.flush();
    const hooks = (rt.messages.filter((x) => x.type === "coverage").pop() as { hooks: readonly CoverageRow[] }).hooks;
    const batch = rt.messages.find((x) => x.type === "batch") as Extract<AgentMessage, { type: "batch" }>;
    const readId = batch.firstId + batch.calls.findIndex((c) => hooks[c[CALL.hook] as number]![0] === "settings.Secure.getString.android_id");
    expect(sentMatches(rt.messages)).toEqual([["android_id", "plain", 2, readId]]);
  });

  it("without known values nothing is found; an unknown kind is an agent error naming the kind, not the value", async () => {
    expect((() => {
      const rt = start(undefined);
      send(rt, `id=${SANDBOX_VALUES.androidId}`);
      rt.rpc.flush();
      return sentMatches(rt.messages);
    })()).toEqual([]);
    const rt = start([{ kind: "shoe_size", value: "secret-44" }, { kind: "mac", value: "02:00:00:00:00:00" }]);
    const errors = rt.messages.filter((m) => m.type === "agent-error");
    // The placeholder MAC is refused quietly, as a read's would be.
    expect(errors).toEqual([{ type: "agent-error", where: "knownValues", message: 'unknown identifier kind "shoe_size"' }]);
    expect(JSON.stringify(rt.messages)).not.toContain("secret-44");
  });
});

describe("permtrace run hands the device's values to every agent", () => {
  it("real devices: over adb before launch; refusals are warning markers; no value in the trace", async () => {
    const device = new StandInDevice();
    const configs: AgentConfig[] = [];
    const attach = device.attach.bind(device);
    device.attach = async (pid: number): Promise<SessionHandle> => {
      const s = await attach(pid);
      return {
        ...s,
        createScript: async (src: string, name: string) => {
          const script = await s.createScript(src, name);
          return Object.defineProperty({ load: () => script.load(), unload: () => script.unload(), eternalize: () => script.eternalize(), onMessage: (h: Parameters<typeof script.onMessage>[0]) => script.onMessage(h) }, "exports", {
            get: () => ({ ...script.exports, init: (c: AgentConfig) => (configs.push(c), script.exports.init(c)) }),
          }) as typeof script;
        },
      };
    };
    const backend: DeviceBackend = { open: async () => device };
    const out = join(tempDir(), "trace");
    const { exec } = fakeAdb(REFUSING_DEVICE);
    await runRun({ app: APP, scenarios: suite(), out, backend, ui: async () => ({ ui: fakeUi(device), close: async () => undefined }), actions: (_d, spawn) => noopActions(spawn), sleep: async () => undefined, deviceValues: (d) => readDeviceValues(d.serial, exec) });
    expect(configs.length).toBeGreaterThan(0);
    for (const c of configs) expect(c.knownValues).toEqual([{ kind: "android_id", value: ANDROID_ID }]);
    const warnings = openTrace(out).markers.filter((m) => m.kind === "warning").map((m) => (m as { reason?: string }).reason);
    expect(warnings.filter((w) => /over adb/.test(w ?? ""))).toHaveLength(2);
    for (const f of readdirSync(out).filter((x) => x.endsWith(".json") || x.endsWith(".jsonl"))) expect(readFileSync(join(out, f), "utf8"), f).not.toContain(ANDROID_ID);
  });

  it("the sandbox phone supplies its own values", () => {
    expect(new SandboxDevice(new SampleMapApp()).knownValues()).toEqual([
      { kind: "android_id", value: SANDBOX_VALUES.androidId },
      { kind: "imei", value: SANDBOX_VALUES.imei },
      { kind: "phone_number", value: SANDBOX_VALUES.phoneNumber },
    ]);
  });
});

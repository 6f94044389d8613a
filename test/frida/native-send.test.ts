/**
 * Native sends in real Frida (issue 15 items 1 and 8): test/frida/native/target.c reads the serial
 * number through __system_property_get (the agent learns its value), then sends through send(),
 * write() and sendto() to servers of this test on 127.0.0.1, and writes the same bytes to a file.
 * The runner's own code records it (FridaBackend, instrumentApp, AgentSink → TraceWriter). Each
 * send is recorded once with its destination, the identifiers it carried (in the encodings and
 * places they were in, naming the read), TLS records as ciphertext with the ClientHello's server
 * name, and nothing for the file or for a request that carries no identifier.
 */
import { createHash } from "node:crypto";
import { createSocket } from "node:dgram";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer, type AddressInfo } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FD_TRACK } from "../../agent/catalogue/native.js";
import type { AgentConfig, AgentMessage } from "../../agent/protocol.js";
import { AgentSink } from "../../runner/agent-sink.js";
import type { DeviceHandle } from "../../runner/device/backend.js";
import { instrumentApp } from "../../runner/device/session.js";
import type { CallEvent } from "../../reports/trace/format.js";
import { forEachCall, openTrace } from "../../reports/trace/reader.js";
import { TraceWriter } from "../../reports/trace/writer.js";
import { realSuite } from "./prereq.js";
import { closeAll, getDeviceManager } from "./shim/frida.js";
import { nativeRig, type NativeRig } from "./support/native-target.js";
import { alive, waitFor } from "./support/wait.js";

const suite = realSuite("real-Frida native sends (test/frida/native-send.test.ts)", ["frida", "gcc"]);
/** What test/frida/native/bionic-props.c answers for ro.serialno. */
const SERIAL = "SERIAL123";

const hex = (b: Buffer | string): string => Buffer.from(b).toString("hex");
const digest = (name: string, s: string): string => createHash(name).update(s).digest("hex");

/** A TLS 1.2 record holding a ClientHello that names `host` (RFC 8446 §4.1.2, RFC 6066 §3). */
function clientHello(host: string): Buffer {
  const name = Buffer.from(host);
  const sni = Buffer.concat([Buffer.from([0, 0]), u16(name.length + 5), u16(name.length + 3), Buffer.from([0]), u16(name.length), name]);
  const body = Buffer.concat([Buffer.from([3, 3]), Buffer.alloc(32, 7), Buffer.from([0]), u16(2), Buffer.from([0x13, 0x01]), Buffer.from([1, 0]), u16(sni.length), sni]);
  const handshake = Buffer.concat([Buffer.from([1, 0, body.length >> 8, body.length & 255]), body]);
  return Buffer.concat([Buffer.from([22, 3, 1]), u16(handshake.length), handshake]);
}

function u16(n: number): Buffer {
  return Buffer.from([n >> 8, n & 255]);
}

describe.skipIf(!suite.run)("native sends in real Frida (a C target, the runner's real code)", () => {
  let dir: string;
  let device: DeviceHandle;
  let agent: string;

  let rig: NativeRig;

  beforeAll(async () => {
    rig = await nativeRig("permtrace-native-send-");
    ({ dir, device, agent } = rig);
  });

  afterAll(async () => {
    await closeAll();
    rmSync(dir, { recursive: true, force: true });
  });

  /** The target, built once, and instrumented by the runner's code with `config` added to the agent's. */
  const launch = async (config: Partial<AgentConfig> = {}) => {
    const program = existsSync(join(dir, "target")) ? join(dir, "target") : rig.build("target");
    for (const ext of ["child", "file", "errno", "drained"]) rmSync(`${program}.${ext}`, { force: true });
    const out = mkdtempSync(join(dir, "trace-"));
    const writer = new TraceWriter(out, { tool: { name: "permtrace", version: "test" }, device: { kind: "usb", id: "local" }, app: { package: program } });
    const agentErrors: string[] = [];
    const sink = new AgentSink(writer, { pid: 0, onAgentError: (w, m) => agentErrors.push(`${w}: ${m}`) });
    const detached: number[] = [];
    const state = { sent: 0 };
    const app = await instrumentApp(device, program, agent, { appPackage: "com.permtrace.native", salt: "s", flushMs: 10, ...config }, {
      message: (_pid, m: AgentMessage) => {
        if (m.type === "batch") state.sent += m.calls.length;
        sink.onMessage(m);
      },
      scriptError: () => {},
      detached: (pid) => detached.push(pid),
    });
    const local = await getDeviceManager().getDeviceById("local", 1000);
    const input = (line: string): Promise<void> => local.input(app.pid, Buffer.from(`${line}\n`));
    const flushedUntil = async (what: string, cond: () => boolean): Promise<void> => {
      const end = Date.now() + 20_000;
      while (!cond()) {
        if (Date.now() > end) throw new Error(`timed out waiting for ${what} (${state.sent} calls sent)`);
        await app.flush();
        await new Promise((r) => setTimeout(r, 50));
      }
    };
    // The target reads its identifiers on a first line, forks on a second, then takes commands.
    await input("go");
    await flushedUntil("the identifier reads", () => state.sent >= 9);
    await input("fork");
    await waitFor("the forked child", () => existsSync(`${program}.child`) && readFileSync(`${program}.child`, "utf8").endsWith("\n"));
    const finish = (): { calls: CallEvent[]; trace: ReturnType<typeof openTrace>; out: string } => {
      sink.close();
      writer.close();
      const trace = openTrace(out);
      const calls: CallEvent[] = [];
      forEachCall(trace, (e) => calls.push(e));
      return { calls, trace, out };
    };
    return { program, app, input, flushedUntil, state, detached, agentErrors, finish };
  };

  const ALL_ATTACHED = ["send", "sendto", "write", ...FD_TRACK.map((f) => f.symbol)];

  for (const mode of ["replaced", "attached"] as const) {
    it(`records each send once, with its destination and the identifiers it carried, and nothing of a file write (functions ${mode})`, async () => {
      const received: Buffer[] = [];
      const tcp = createServer((c) => {
        const parts: Buffer[] = [];
        c.on("data", (d: Buffer) => parts.push(d));
        c.on("end", () => received.push(Buffer.concat(parts)));
      });
      await new Promise<void>((r) => tcp.listen(0, "127.0.0.1", r));
      const udp = createSocket("udp4");
      udp.on("message", (m) => received.push(m));
      await new Promise<void>((r) => udp.bind(0, "127.0.0.1", r));
      const tcpPort = (tcp.address() as AddressInfo).port;
      const udpPort = udp.address().port;
      // Attached: the path the agent takes where a function is too short to replace (bionic's `write`).
      const t = await launch(mode === "attached" ? { nativeAttach: ALL_ATTACHED } : {});
      try {
        const note = mode === "attached" ? ["through Interceptor.attach: too short to replace"] : [];
        expect(t.app.coverage.filter((r) => r[0].endsWith(".egress") && r[0].startsWith("native."))).toEqual([
          ["native.libc.send.egress", "hooked", ...note],
          ["native.libc.sendto.egress", "hooked", ...note],
          ["native.libc.write.egress", "hooked", ...note],
        ]);
        const lines = [
          `send ${tcpPort} ${hex(`GET /t?sn=${digest("md5", SERIAL)} HTTP/1.1\r\nHost: api.tracker.example\r\nX-S: ${Buffer.from(SERIAL).toString("base64")}\r\n\r\n`)}`,
          `write ${tcpPort} ${hex(`POST /up HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 74\r\n\r\n{"sn":"${digest("sha256", SERIAL).toUpperCase()}"}`)}`,
          `sendto ${udpPort} ${hex(`sn=${SERIAL}`)}`,
          // A native TLS stack: the ClientHello in clear, then records whose bytes are not read for identifiers.
          `write ${tcpPort} ${hex(clientHello("tracker.example.net"))},${hex(Buffer.concat([Buffer.from([23, 3, 3, 0, 9]), Buffer.from(SERIAL)]))},${hex(`sn=${SERIAL}`)}`,
          `send ${tcpPort} ${hex("GET /tile/1/2/3.png HTTP/1.1\r\nHost: tiles.example\r\n\r\n")}`,
          `file 0 ${hex(`sn=${SERIAL}`)}`,
        ];
        for (const l of lines) await t.input(l);
        await waitFor("the servers", () => received.length >= 5);
        await t.flushedUntil("the sends' records", () => t.state.sent >= 9 + 7).catch(() => undefined);
        await t.input("exit");
        await waitFor("the target's end", () => t.detached.includes(t.app.pid));
      } finally {
        tcp.close();
        udp.close();
      }
      expect(t.agentErrors).toEqual([]);
      const { calls, trace, out } = t.finish();
      const serialRead = calls.find((c) => c.hook === "native.libc.__system_property_get.serial" && c.args?.[0] === "ro.serialno")!;
      const sends = calls.filter((c) => c.hook.endsWith(".egress"));
      const view = sends.map((c) => ({ hook: c.hook, host: c.net?.host, tls: c.net?.tls, method: c.net?.method ?? null, matches: (c.net?.matches ?? []).map((m) => `${m.kind}/${m.enc}/${m.where}/${m.readSeq === serialRead.seq ? "read" : String(m.readSeq)}`).sort() }));
      expect(view).toEqual([
        { hook: "native.libc.send.egress", host: "api.tracker.example", tls: false, method: "GET", matches: ["serial/base64/header/read", "serial/md5-lower/url/read"] },
        { hook: "native.libc.write.egress", host: "127.0.0.1", tls: false, method: "POST", matches: ["serial/sha256-upper/body/read"] },
        { hook: "native.libc.sendto.egress", host: "127.0.0.1", tls: false, method: null, matches: ["serial/plain/body/read"] },
        { hook: "native.libc.write.egress", host: "tracker.example.net", tls: true, method: null, matches: [] },
        { hook: "native.libc.write.egress", host: "tracker.example.net", tls: true, method: null, matches: [] },
        { hook: "native.libc.write.egress", host: "tracker.example.net", tls: true, method: null, matches: [] },
        { hook: "native.libc.send.egress", host: "tiles.example", tls: false, method: "GET", matches: [] },
      ]);
      expect(sends.map((c) => c.net?.port)).toEqual([tcpPort, tcpPort, udpPort, tcpPort, tcpPort, tcpPort, tcpPort]);
      for (const c of sends) {
        expect(c.out).toBe("returned");
        expect(c.cat).toBe("network_egress");
        expect(trace.stacks.get(c.stack!)!.frames[0]!.n).toMatch(/ target!/);
      }
      // The file got the bytes; nothing recorded them as a send; the write left errno alone.
      expect(readFileSync(`${t.program}.file`, "utf8")).toBe(`sn=${SERIAL}`);
      expect(readFileSync(`${t.program}.errno`, "utf8")).toBe("0\n");
      // No identifier's value in the trace.
      expect(readFileSync(join(out, "calls.jsonl"), "utf8")).not.toContain(SERIAL);
    }, 120_000);
  }

  it("leaves a process it stops running with the agent disposed but in place: a thread blocked in a replaced write returns safely", async () => {
    const t = await launch();
    await t.input("block 0 00");
    await new Promise((r) => setTimeout(r, 300));
    // The runner's end of a run for an app it leaves running (runner/device/session.ts).
    await t.app.stop(false);
    await waitFor("the detach", () => t.detached.includes(t.app.pid));
    await t.input("drain 0 00");
    await waitFor("the drained pipe", () => existsSync(`${t.program}.drained`), { ms: 10_000 });
    expect(readFileSync(`${t.program}.drained`, "utf8")).toBe(`${1 << 20}\n`);
    expect(alive(t.app.pid)).toBe(true);
    await t.input("exit");
    await waitFor("the target's end", () => !alive(t.app.pid));
    t.finish();
  }, 120_000);
});

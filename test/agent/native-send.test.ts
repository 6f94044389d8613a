import { describe, expect, it } from "vitest";
import { CALL, NET, NET_LAYERS, NET_WHERE, type CallTuple, type CoverageRow, type NetMatchTuple } from "../../agent/protocol.js";
import { ipText } from "../../agent/engine/ip-text.js";
import { tlsRecord } from "../../agent/engine/tls-record.js";
import { android, APP_STACK, type AndroidState } from "../support/android-fixture.js";
import { loadAgent, type Runtime } from "../../runner/sandbox/runtime.js";

// Native sends on the stand-in (the compiled agent; the filter's rules run as FilterModel, the
// C's twin). Real Frida runs the C on the same cases in test/frida/native-send.test.ts.

const SERIAL = "SERIAL123";
const bytes = (s: string): Uint8Array => new TextEncoder().encode(s);
/** A sockaddr_in for 127.0.0.1:port (family little-endian, port big-endian). */
const sockaddr = (ip: string, port: number): Uint8Array => Uint8Array.from([2, 0, port >> 8, port & 255, ...ip.split(".").map(Number), 0, 0, 0, 0, 0, 0, 0, 0]);

function start(opts: { tooShort?: readonly string[] } = {}): Runtime {
  const s: AndroidState = { imeiDenied: false, clipboardText: "" };
  const rt = loadAgent(android(s), opts);
  rt.rpc.init({ appPackage: "com.example.app", salt: "test-salt" });
  // The app reads the serial natively: the agent learns the value.
  rt.native("__system_property_get", ["ro.serialno", SERIAL], SERIAL.length);
  return rt;
}

interface Sent {
  hook: string;
  host: unknown;
  port: unknown;
  tls: unknown;
  layer: string;
  matches: string[];
}

function sends(rt: Runtime): Sent[] {
  const coverage = rt.messages.filter((m) => m.type === "coverage").pop() as { hooks: readonly CoverageRow[] };
  const out: Sent[] = [];
  for (const b of rt.batches()) {
    const nets = new Map(b.net ?? []);
    (b.calls as CallTuple[]).forEach((c, i) => {
      // A batch's calls are numbered from firstId (agent/protocol.ts).
      const net = nets.get(b.firstId + i);
      if (!net) return;
      const matches = ((net[NET.matches] as NetMatchTuple[] | null | undefined) ?? []).map((m) => `${m[0]}/${m[1]}/${NET_WHERE[m[2]]}/${m[3] >= 0 ? "read" : "none"}`);
      out.push({ hook: coverage.hooks[c[CALL.hook] as number]![0], host: net[NET.host], port: net[NET.port], tls: net[NET.tls], layer: NET_LAYERS[net[NET.layer] as number]!, matches: matches.sort() });
    });
  }
  return out;
}

describe("native sends on the stand-in", () => {
  it("records a send on an Internet socket once, with the host its request names and the identifiers it carried", async () => {
    const rt = start();
    rt.descriptors.set(40, { ip: "203.0.113.9", port: 80 });
    const req = bytes(`GET /t?sn=${SERIAL} HTTP/1.1\r\nHost: api.tracker.example\r\n\r\n`);
    rt.native("send", [40, req, req.length, 0], req.length);
    await rt.settle();
    expect(sends(rt)).toEqual([{ hook: "native.libc.send.egress", host: "api.tracker.example", port: 80, tls: 0, layer: "socket", matches: ["serial/plain/url/read"] }]);
    expect(JSON.stringify(rt.messages)).not.toContain(SERIAL);
  });

  it("records nothing for a write to a file, or a send of nothing", async () => {
    const rt = start();
    rt.descriptors.set(7, "other");
    rt.descriptors.set(40, { ip: "203.0.113.9", port: 80 });
    const b = bytes(`sn=${SERIAL}`);
    rt.native("write", [7, b, b.length], b.length);
    rt.native("write", [7, b, b.length], b.length);
    rt.native("send", [40, b, 0, 0], 0);
    await rt.settle();
    expect(sends(rt)).toEqual([]);
  });

  it("forgets a closed descriptor: reused for a socket, its sends are recorded", async () => {
    const rt = start();
    rt.descriptors.set(9, "other");
    const b = bytes(`sn=${SERIAL}`);
    rt.native("write", [9, b, b.length], b.length);
    rt.native("close", [9], 0);
    rt.native("connect", [9, sockaddr("198.51.100.4", 443)], 0);
    rt.native("write", [9, b, b.length], b.length);
    await rt.settle();
    expect(sends(rt)).toEqual([{ hook: "native.libc.write.egress", host: "198.51.100.4", port: 443, tls: 0, layer: "socket", matches: ["serial/plain/body/read"] }]);
  });

  it("marks a socket connected after a close it did not see (fdsan paths) and lets a descriptor taken for a socket go when it is not one", async () => {
    const rt = start();
    const b = bytes(`sn=${SERIAL}`);
    rt.descriptors.set(11, "other");
    rt.native("write", [11, b, b.length], b.length);
    // Closed and reused without close(): connect says what it is now.
    rt.descriptors.delete(11);
    rt.native("connect", [11, sockaddr("198.51.100.5", 80)], 0);
    rt.native("write", [11, b, b.length], b.length);
    // And the other way: a socket closed unseen, the number reused for a file.
    rt.descriptors.set(11, "other");
    rt.native("write", [11, b, b.length], b.length);
    await rt.settle();
    expect(sends(rt).map((s) => [s.hook, s.host])).toEqual([["native.libc.write.egress", "198.51.100.5"]]);
  });

  it("takes sendto's destination from its address", async () => {
    const rt = start();
    rt.descriptors.set(12, "other"); // an unconnected UDP socket: getpeername has nothing
    const b = bytes(`sn=${SERIAL}`);
    rt.native("sendto", [12, b, b.length, 0, sockaddr("192.0.2.7", 5353), 16], b.length);
    await rt.settle();
    expect(sends(rt)).toEqual([{ hook: "native.libc.sendto.egress", host: "192.0.2.7", port: 5353, tls: 0, layer: "socket", matches: ["serial/plain/body/read"] }]);
  });

  it("does not take a plaintext connection for TLS when its first write starts like a record", async () => {
    const rt = start();
    rt.descriptors.set(18, { ip: "203.0.113.12", port: 80 });
    const looksLike = Uint8Array.from([23, 3, 3, 0, 2, ...bytes(` sn=${SERIAL}`)]);
    const plain = bytes(`sn=${SERIAL}`);
    rt.native("write", [18, looksLike, looksLike.length], looksLike.length);
    rt.native("write", [18, plain, plain.length], plain.length);
    await rt.settle();
    expect(sends(rt).map((x) => [x.tls, x.matches])).toEqual([
      [0, ["serial/plain/body/read"]],
      [0, ["serial/plain/body/read"]],
    ]);
  });

  it("takes a UDP datagram to port 443 for QUIC: encrypted, not scanned", async () => {
    const rt = start();
    rt.descriptors.set(14, { ip: "203.0.113.11", port: 443, udp: true });
    const b = Uint8Array.from([0xc3, 0, 0, 0, 1, ...bytes(`sn=${SERIAL}`)]);
    rt.native("send", [14, b, b.length, 0], b.length);
    await rt.settle();
    expect(sends(rt).map((s) => [s.host, s.port, s.tls, s.matches])).toEqual([["203.0.113.11", 443, 1, []]]);
  });

  it("records a native TLS connection's records as ciphertext, under the server name its ClientHello gave", async () => {
    const rt = start();
    rt.descriptors.set(13, { ip: "203.0.113.10", port: 443 });
    const hello = clientHello("tracker.example.net");
    const record = Uint8Array.from([23, 3, 3, 0, SERIAL.length, ...bytes(SERIAL)]);
    const rest = bytes(`sn=${SERIAL}`); // the rest of a short write: mid-record
    for (const b of [hello, record, rest]) rt.native("write", [13, b, b.length], b.length);
    // A new connection to the same server on the same descriptor is not the old one.
    rt.native("close", [13], 0);
    rt.descriptors.set(13, { ip: "203.0.113.10", port: 443, localPort: 51000 });
    const plain = bytes(`GET /?sn=${SERIAL} HTTP/1.1\r\nHost: plain.example\r\n\r\n`);
    rt.native("write", [13, plain, plain.length], plain.length);
    await rt.settle();
    expect(sends(rt).map((s) => [s.host, s.tls, s.matches])).toEqual([
      ["tracker.example.net", 1, []],
      ["tracker.example.net", 1, []],
      ["tracker.example.net", 1, []],
      ["plain.example", 0, ["serial/plain/url/read"]],
    ]);
  });
});

describe("native sends: how the functions are hooked, and the socket table's other sources", () => {
  it("attaches where a function is too short to replace (bionic's syscall stubs) and records the same", async () => {
    const rt = start({ tooShort: ["write", "send", "sendto", "connect", "close", "socket"] });
    const cov = rt.messages.filter((m) => m.type === "coverage").pop() as { hooks: readonly CoverageRow[] };
    expect(cov.hooks.filter((r) => r[0].endsWith(".egress") && r[0].startsWith("native."))).toEqual([
      ["native.libc.send.egress", "hooked", "through Interceptor.attach: too short to replace"],
      ["native.libc.sendto.egress", "hooked", "through Interceptor.attach: too short to replace"],
      ["native.libc.write.egress", "hooked", "through Interceptor.attach: too short to replace"],
    ]);
    const b = bytes(`sn=${SERIAL}`);
    rt.descriptors.set(9, "other");
    rt.native("write", [9, b, b.length], b.length);
    rt.native("close", [9], 0);
    rt.native("socket", [2, 1, 0], 9);
    rt.native("connect", [9, sockaddr("198.51.100.4", 443)], 0);
    rt.native("write", [9, b, b.length], b.length);
    await rt.settle();
    expect(sends(rt).map((x) => [x.hook, x.host, x.matches])).toEqual([["native.libc.write.egress", "198.51.100.4", ["serial/plain/body/read"]]]);
  });

  it("watches a socket that socket() or accept() returned on a number a close the filter did not see left marked", async () => {
    const rt = start();
    const b = bytes(`sn=${SERIAL}`);
    rt.descriptors.set(15, "other");
    rt.native("write", [15, b, b.length], b.length);
    // Closed unseen (fdsan, __close_nocancel); the number comes back as an Internet socket.
    rt.descriptors.set(15, { ip: "198.51.100.6", port: 80 });
    rt.native("socket", [10, 1, 0], 15);
    rt.native("write", [15, b, b.length], b.length);
    // A listening socket's accepted connection is one too, whatever its number was.
    rt.descriptors.set(16, { ip: "0.0.0.0", port: 0 });
    rt.descriptors.set(17, "other");
    rt.native("write", [17, b, b.length], b.length);
    rt.descriptors.set(17, { ip: "198.51.100.7", port: 50000 });
    rt.native("accept4", [16, null, null, 0], 17);
    rt.native("write", [17, b, b.length], b.length);
    await rt.settle();
    expect(sends(rt).map((x) => x.host)).toEqual(["198.51.100.6", "198.51.100.7"]);
  });

  it("records and sends nothing once the agent is disposed (the runner leaves it in a running app): every hook calls its original", async () => {
    const rt = start();
    rt.descriptors.set(40, { ip: "203.0.113.9", port: 80 });
    await rt.rpc.dispose();
    const sent = rt.messages.length;
    const b = bytes(`sn=${SERIAL}`);
    rt.native("write", [40, b, b.length], b.length);
    rt.native("__system_property_get", ["ro.serialno", SERIAL], SERIAL.length);
    // A Java hook too: its original runs and answers, nothing is recorded.
    expect(rt.call("android.telephony.TelephonyManager", "getImei", [], [], APP_STACK)).toBeDefined();
    await rt.settle(120);
    expect(rt.messages.length).toBe(sent);
    expect(sends(rt)).toEqual([]);
    expect(rt.batches().flatMap((x) => x.calls).length).toBe(1); // the read made before dispose, in start()
  });
});

describe("ipText", () => {
  it("spells an address as inet_ntop does: RFC 5952 IPv6, IPv4-mapped as IPv4", () => {
    expect(ipText(Uint8Array.from([192, 0, 2, 7]))).toBe("192.0.2.7");
    const v6 = (...g: number[]): Uint8Array => Uint8Array.from(g.flatMap((x) => [x >> 8, x & 255]));
    expect(ipText(v6(0x2001, 0xdb8, 0, 0, 0, 0, 0, 1))).toBe("2001:db8::1");
    expect(ipText(v6(0x2001, 0xdb8, 0, 1, 0, 0, 0, 1))).toBe("2001:db8:0:1::1");
    expect(ipText(v6(0x2001, 0, 0, 1, 0, 0, 0xab, 1))).toBe("2001::1:0:0:ab:1");
    expect(ipText(v6(0, 0, 0, 0, 0, 0, 0, 1))).toBe("::1");
    expect(ipText(v6(0, 0, 0, 0, 0, 0, 0, 0))).toBe("::");
    expect(ipText(v6(0xfe80, 0, 0, 0, 0xABCD, 0, 0, 0))).toBe("fe80::abcd:0:0:0");
    expect(ipText(v6(0, 0, 0, 0, 0, 0xffff, 0xc000, 0x0207))).toBe("192.0.2.7");
  });
});

describe("tlsRecord", () => {
  it("reads the server name of a ClientHello, and takes other bytes for no record", () => {
    expect(tlsRecord(clientHello("Tracker.Example.NET"))).toEqual({ hello: true, sni: "tracker.example.net" });
    expect(tlsRecord(Uint8Array.from([23, 3, 3, 0, 1, 0]))).toEqual({});
    // Records follow one another to the end of the write; the last may run on into the next write.
    expect(tlsRecord(Uint8Array.from([23, 3, 3, 0, 1, 0, 23, 3, 3, 0, 2, 0, 0]))).toEqual({});
    expect(tlsRecord(Uint8Array.from([23, 3, 3, 0, 9, 0, 0]))).toEqual({});
    // Five bytes that look like a header, then plaintext that does not chain: not TLS.
    expect(tlsRecord(Uint8Array.from([23, 3, 3, 0, 2, 65, 66, 67, 68, 69, 70, 71]))).toBeNull();
    expect(tlsRecord(Uint8Array.from([23, 3, 3, 0xff, 0xff, 0]))).toBeNull();
    expect(tlsRecord(bytes("GET / HTTP/1.1\r\n"))).toBeNull();
    expect(tlsRecord(Uint8Array.from([22, 3, 1]))).toBeNull();
  });

  it("refuses a server name that is not a host name (the app's bytes are untrusted)", () => {
    expect(tlsRecord(clientHello("evil\u0000.example"))).toEqual({ hello: true });
    expect(tlsRecord(clientHello("<script>.example"))).toEqual({ hello: true });
    // A ClientHello cut short names nothing, and reads nothing past its end.
    const cut = clientHello("tracker.example.net").subarray(0, 60);
    expect(tlsRecord(cut)).toEqual({ hello: true });
  });
});

/** A TLS 1.2 record holding a ClientHello that names `host` (RFC 8446 §4.1.2, RFC 6066 §3). */
function clientHello(host: string): Uint8Array {
  const name = [...host].map((c) => c.charCodeAt(0));
  const u16 = (n: number): number[] => [n >> 8, n & 255];
  const sni = [0, 0, ...u16(name.length + 5), ...u16(name.length + 3), 0, ...u16(name.length), ...name];
  const body = [3, 3, ...new Array<number>(32).fill(7), 0, ...u16(2), 0x13, 0x01, 1, 0, ...u16(sni.length), ...sni];
  const handshake = [1, 0, body.length >> 8, body.length & 255, ...body];
  return Uint8Array.from([22, 3, 1, ...u16(handshake.length), ...handshake]);
}

import { describe, expect, it } from "vitest";
import type { CallTuple, CoverageRow } from "../../agent/protocol.js";
import { CALL, CALL_FLAGS } from "../../agent/protocol.js";
import { matches, NATIVE_ENTRIES, PATTERNS } from "../../agent/catalogue/native.js";
import { filterSource } from "../../agent/engine/native-filter.js";
import { CATEGORY_IDS } from "../../reports/trace/categories.js";
import { android, APP_STACK, type AndroidState } from "../support/android-fixture.js";
import { loadAgent, type Runtime } from "../../runner/sandbox/runtime.js";

// The compiled bundle (dist/agent/permtrace-agent.js) on the Frida stand-in, whose CModule runs
// FilterModel, the TypeScript twin of the C filter. The C itself runs in real Frida in
// test/frida/native-target.test.ts, on the same cases.

const TM = "android.telephony.TelephonyManager";
const MAC = "/sys/class/net/wlan0/address";
const SIOCGIFHWADDR = 0x8927;

function start(opts: { exports?: readonly string[] } = {}) {
  const s: AndroidState = { imeiDenied: false, clipboardText: "" };
  const rt = loadAgent(android(s), opts);
  const coverage = rt.rpc.init({ appPackage: "com.example.app", salt: "test-salt" });
  return { rt, coverage };
}

/** Every call sent so far, with hook ids, categories and strings resolved. */
function calls(rt: Runtime) {
  const strings: string[] = [];
  const coverage = rt.messages.filter((m) => m.type === "coverage").pop() as { hooks: readonly CoverageRow[] };
  const out: { hook: string; category: string; threw: boolean; ret: string | null; exc: string | null; args: string[] | null; stack: number }[] = [];
  for (const b of rt.batches()) {
    strings.push(...b.strings);
    for (const c of b.calls as CallTuple[]) {
      const at = (i: number, d: unknown) => (c.length > i ? c[i] : d);
      const ret = at(CALL.ret, -1) as number;
      const exc = at(CALL.exc, -1) as number;
      const args = at(CALL.args, null) as number[] | null;
      out.push({
        hook: coverage.hooks[c[CALL.hook] as number]![0],
        category: CATEGORY_IDS[c[CALL.category] as number]!,
        threw: ((c[CALL.flags] as number) & CALL_FLAGS.threw) !== 0,
        ret: ret >= 0 ? strings[ret]! : null,
        exc: exc >= 0 ? strings[exc]! : null,
        args: args ? args.map((i) => strings[i]!) : null,
        stack: c[CALL.stack] as number,
      });
    }
  }
  return out;
}

describe("native side channels on the stand-in", () => {
  it("hooks every entry through the C filter, and marks a missing export absent", () => {
    const { coverage } = start({ exports: ["open", "ioctl"] });
    const rows = coverage.filter((r) => r[0].startsWith("native."));
    expect(rows.map((r) => r[0])).toEqual(NATIVE_ENTRIES.map((e) => e.id));
    expect(rows.filter((r) => r[1] === "hooked").map((r) => r[0])).toEqual(["native.libc.open.mac", "native.libc.ioctl.SIOCGIFHWADDR"]);
    expect(rows.find((r) => r[0] === "native.libc.fopen.mac")).toEqual(["native.libc.fopen.mac", "absent", "fopen not exported here"]);
  });

  it("records each identifier read once, with its category, argument and native stack, and nothing for unrelated calls", async () => {
    const { rt } = start();
    rt.native("__system_property_get", ["ro.serialno", "SERIAL123"], 9);
    rt.native("__system_property_get", ["ro.build.version.sdk", "31"], 2);
    rt.native("open", [MAC, 0], 5);
    rt.native("open", ["/data/data/com.example.app/files/x", 0], 6);
    rt.native("open", ["/sys/class/net/wlan0/mtu", 0], 6);
    rt.native("openat", [-100, "/proc/net/arp", 0], 7);
    rt.native("ioctl", [3, SIOCGIFHWADDR, "wlan0"], 0);
    rt.native("ioctl", [3, 0x5401, "x"], 0);
    await rt.settle();
    const c = calls(rt);
    expect(c.map((x) => [x.hook, x.category, x.args])).toEqual([
      ["native.libc.__system_property_get.serial", "phone_identifiers", ["ro.serialno"]],
      ["native.libc.open.mac", "network_identifiers", [MAC]],
      ["native.libc.openat.mac", "network_identifiers", ["/proc/net/arp"]],
      ["native.libc.ioctl.SIOCGIFHWADDR", "network_identifiers", ["wlan0"]],
    ]);
    expect(c[0]!.ret).toMatch(/^hash:/);
    const frames = rt.batches().flatMap((b) => b.stacks)[0]![1];
    expect(frames[0]).toEqual([null, "libapp.so!fn_1000"]);
  });

  it("records fopen once: the open() bionic's fopen makes is the same read", async () => {
    const { rt } = start();
    rt.native("fopen", [MAC, "r"], 0x5000, { inner: () => rt.native("open", [MAC, 0], 5) });
    rt.native("fopen", ["/etc/hosts", "r"], 0x5000, { inner: () => rt.native("open", ["/etc/hosts", 0], 5) });
    // Another thread is not inside the fopen: its read counts.
    rt.native("fopen", [MAC, "r"], 0x5000, {
      inner: () => {
        rt.tid = 2;
        rt.native("open", [MAC, 0], 6);
        rt.tid = 1;
      },
    });
    await rt.settle();
    expect(calls(rt).map((x) => x.hook)).toEqual(["native.libc.fopen.mac", "native.libc.fopen.mac", "native.libc.open.mac"]);
  });

  it("records getifaddrs only when the list carries a hardware address", async () => {
    const { rt } = start();
    rt.native("getifaddrs", [[{ name: "lo", hw: "00:00:00:00:00:00" }, { name: "rmnet0" }]], 0);
    rt.native("getifaddrs", [[{ name: "wlan0", hw: "02:00:00:00:00:01" }]], -1, { errno: 97 });
    rt.native("getifaddrs", [[{ name: "lo", hw: "00:00:00:00:00:00" }, { name: "wlan0", hw: "a4:50:46:12:34:56" }]], 0);
    await rt.settle();
    const c = calls(rt);
    expect(c.map((x) => x.hook)).toEqual(["native.libc.getifaddrs.hwaddr"]);
    expect(c[0]!.args).toBeNull();
  });

  it("records an empty property value as such (SELinux denies by giving an empty value)", async () => {
    const { rt } = start();
    rt.native("__system_property_get", ["persist.radio.imei1", ""], 0);
    await rt.settle();
    const c = calls(rt);
    expect(c.map((x) => [x.hook, x.threw, x.ret])).toEqual([["native.libc.__system_property_get.serial", false, "len:0"]]);
  });

  it("sees the modern property path: a read through the callback, and a look-up that finds nothing", async () => {
    const { rt } = start();
    const serial = { name: "ro.serialno" };
    const sdk = { name: "ro.build.version.sdk" };
    rt.native("__system_property_find", ["ro.serialno"], serial);
    rt.native("__system_property_read_callback", [serial, 0x7000, 0], 0);
    rt.native("__system_property_read_callback", [serial, 0x7000, 0], 0);
    rt.native("__system_property_find", ["ro.build.version.sdk"], sdk);
    rt.native("__system_property_read_callback", [sdk, 0x7000, 0], 0);
    rt.native("__system_property_find", ["ro.boot.serialno"], 0);
    await rt.settle();
    expect(calls(rt).map((x) => [x.hook, x.args, x.ret])).toEqual([
      ["native.libc.__system_property_read_callback.serial", ["ro.serialno"], null],
      ["native.libc.__system_property_read_callback.serial", ["ro.serialno"], null],
      ["native.libc.__system_property_find.serial", ["ro.boot.serialno"], "null"],
    ]);
  });

  it("records a failed read with its errno", async () => {
    const { rt } = start();
    rt.native("open", [MAC, 0], -1, { errno: 13 });
    rt.native("fopen", [MAC, "r"], 0, { errno: 2 });
    await rt.settle();
    expect(calls(rt).map((x) => [x.hook, x.threw, x.exc])).toEqual([
      ["native.libc.open.mac", true, "errno:13"],
      ["native.libc.fopen.mac", true, "errno:2"],
    ]);
  });

  it("leaves the native work of a Java catalogue call to that call", async () => {
    const { rt } = start();
    const getImei = rt.java.find(TM).overload("getImei", []);
    const original = getImei.original;
    getImei.original = (self, args) => {
      rt.native("__system_property_get", ["persist.radio.imei", "351756051523999"], 15);
      return original(self, args);
    };
    rt.call(TM, "getImei", [], [], APP_STACK);
    rt.native("__system_property_get", ["persist.radio.imei", "351756051523999"], 15);
    await rt.settle();
    expect(calls(rt).map((x) => x.hook)).toEqual(["telephony.TelephonyManager.getImei", "native.libc.__system_property_get.serial"]);
  });
});

describe("the filter's rules", () => {
  it("match exactly the serial properties and MAC files", () => {
    for (const p of ["ro.serialno", "ro.boot.serialno", "persist.radio.imei", "persist.radio.imei2", "ro.ril.oem.meid1", "gsm.device.id"]) expect(matches(p, PATTERNS.serial), p).toBe(true);
    for (const p of ["ro.serialno2", "ro.serialn", "persist.radio.imeix", "persist.sys.imei1", "", "ro.build.id"]) expect(matches(p, PATTERNS.serial), p).toBe(false);
    for (const p of ["/sys/class/net/wlan0/address", "/sys/class/net/eth0/address", "/proc/net/arp"]) expect(matches(p, PATTERNS.mac), p).toBe(true);
    for (const p of ["/sys/class/net//address", "/sys/class/net/a/b/address", "/sys/class/net/wlan0/address2", "/proc/net/arp2", "/sys/class/net/wlan0/mtu"]) expect(matches(p, PATTERNS.mac), p).toBe(false);
  });

  it("are compiled into the C source for every entry, in catalogue order", () => {
    const src = filterSource();
    for (const e of NATIVE_ENTRIES) expect(src).toContain(`/* ${e.id} */`);
    expect(src.indexOf(NATIVE_ENTRIES[0]!.id)).toBeLessThan(src.indexOf(NATIVE_ENTRIES.at(-1)!.id));
    expect(src).toContain(`{ "/sys/class/net/", 2, "/address" }`);
  });
});

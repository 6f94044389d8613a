/**
 * The sandbox phone (runner/sandbox): its simulated clock, the device handle that runs the
 * compiled agent bundle in each app process, its UI wrapper, its backend and its device actions.
 * A tiny app written here (not the sample app) drives the framework through AppProcess.call.
 */
import { readFileSync } from "node:fs";
import { afterEach, describe, expect, it, vi } from "vitest";
import { CALL, CALL_FLAGS, type AgentMessage, type BatchMessage, type CoverageRow, type FrameTuple, type LifecycleTuple } from "../../agent/protocol.js";
import { PermtraceError, UsageError } from "../../reports/errors.js";
import type { DetachReason, DeviceHandle, ScriptHandle, SessionHandle } from "../../runner/device/backend.js";
import type { ElementSelector } from "../../runner/scenario/executor.js";
import type { UiDriver } from "../../runner/scenario/ui.js";
import type { AppProcess, FrameSpec, Phone, SandboxApp, UiTarget } from "../../runner/sandbox/app.js";
import { SandboxDevice } from "../../runner/sandbox/device.js";
import { COLD_START_MS, SandboxBackend, sandboxActions, SandboxUi, TAP_MS } from "../../runner/sandbox/index.js";
import { BUNDLE } from "../../runner/sandbox/runtime.js";
import { VirtualTime } from "../../runner/sandbox/time.js";

// ——— VirtualTime ———

/** Freezes the host clock VirtualTime reads; the test moves it with `real.t`. */
function frozenClock(): { t: number } {
  const real = { t: 1_000 };
  vi.spyOn(performance, "now").mockImplementation(() => real.t);
  return real;
}

describe("VirtualTime", () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it("fires timers in due order during sleep, ties by creation order, each at its due time", async () => {
    frozenClock();
    const time = new VirtualTime();
    const fired: [string, number][] = [];
    const at = (name: string) => () => void fired.push([name, time.now()]);
    time.setTimer(100, at("a100"));
    time.setTimer(50, at("b50"));
    time.setTimer(100, at("c100"));
    time.setTimer(50, at("d50"));
    time.setTimer(0, at("e0"));
    time.setTimer(-20, at("f-neg"));
    time.setTimer(300, at("late"));
    expect(fired).toEqual([]);
    await time.sleep(200);
    expect(fired).toEqual([
      ["e0", 1],
      ["f-neg", 1],
      ["b50", 50],
      ["d50", 50],
      ["a100", 100],
      ["c100", 100],
    ]);
    expect(time.now()).toBe(200);
    // The rest falls due in a later sleep, at its own time.
    await time.sleep(100);
    expect(fired.at(-1)).toEqual(["late", 300]);
  });

  it("moves only by what happens on the phone: real time never reaches it, a long sleep takes no real time", async () => {
    const time = new VirtualTime();
    expect(time.now()).toBe(0);
    const realBefore = performance.now();
    while (performance.now() - realBefore < 20) {
      // real time passes
    }
    expect(time.now()).toBe(0);
    await time.sleep(60_000);
    expect(time.now()).toBe(60_000);
    expect(performance.now() - realBefore).toBeLessThan(5_000);
    time.advance(250);
    expect(time.now()).toBe(60_250);
    // Never backwards.
    await time.sleep(-5);
    expect(time.now()).toBe(60_250);
  });

  it("repeats intervals at their period until cleared, from outside or from inside the callback", async () => {
    frozenClock();
    const time = new VirtualTime();
    const outer: number[] = [];
    const id = time.setTimer(100, () => void outer.push(time.now()), 100);
    await time.sleep(350);
    expect(outer).toEqual([100, 200, 300]);
    time.clearTimer(id);
    await time.sleep(1000);
    expect(outer).toEqual([100, 200, 300]);

    const inner: number[] = [];
    const self: number = time.setTimer(
      10,
      () => {
        inner.push(time.now());
        if (inner.length === 2) time.clearTimer(self);
      },
      30,
    );
    await time.sleep(500);
    expect(inner).toEqual([1360, 1390]);
  });

  it("fires in the same sleep a timer created by a timer callback when it falls due before the end", async () => {
    frozenClock();
    const time = new VirtualTime();
    const fired: [string, number][] = [];
    time.setTimer(100, () => {
      fired.push(["outer", time.now()]);
      time.setTimer(50, () => void fired.push(["inner-due", time.now()]));
      time.setTimer(150, () => void fired.push(["inner-after", time.now()]));
    });
    time.setTimer(120, () => void fired.push(["other", time.now()]));
    await time.sleep(200);
    expect(fired).toEqual([
      ["outer", 100],
      ["other", 120],
      ["inner-due", 150],
    ]);
    await time.sleep(100);
    expect(fired.at(-1)).toEqual(["inner-after", 250]);
  });

  it("hands a throwing callback's error to onTimerError and runs the later timers", async () => {
    frozenClock();
    const time = new VirtualTime();
    const errors: unknown[] = [];
    time.onTimerError = (err) => void errors.push(err);
    const fired: string[] = [];
    time.setTimer(10, () => {
      throw new Error("boom");
    });
    time.setTimer(10, () => void fired.push("same time"));
    time.setTimer(20, () => void fired.push("later"));
    let ticks = 0;
    time.setTimer(
      5,
      () => {
        ticks++;
        throw new Error(`tick ${ticks}`);
      },
      5,
    );
    await time.sleep(20);
    expect(fired).toEqual(["same time", "later"]);
    expect(errors.map((e) => (e as Error).message)).toEqual(["tick 1", "boom", "tick 2", "tick 3", "tick 4"]);
    // A throwing interval keeps its period.
    expect(ticks).toBe(4);
    // Without a handler the error is swallowed, the clock goes on.
    time.onTimerError = undefined;
    time.setTimer(1, () => {
      throw new Error("unhandled");
    });
    await expect(time.sleep(10)).resolves.toBeUndefined();
    expect(time.now()).toBe(30);
  });

  it("advance() fires the timers due in it at their times, synchronously; a 0 ms timer waits 1 ms", () => {
    const time = new VirtualTime();
    const fired: [string, number][] = [];
    time.setTimer(10, () => void fired.push(["10", time.now()]));
    time.setTimer(50, () => void fired.push(["50", time.now()]));
    time.setTimer(100, () => void fired.push(["100", time.now()]));
    time.advance(50);
    expect(fired).toEqual([
      ["10", 10],
      ["50", 50],
    ]);
    expect(time.now()).toBe(50);
    // A timer that re-arms itself at 0 ms cannot spin: it fires once per simulated millisecond.
    let spins = 0;
    const again = (): void => {
      spins++;
      time.setTimer(0, again);
    };
    time.setTimer(0, again);
    time.advance(49);
    expect(spins).toBe(49);
    expect(fired).toHaveLength(2);
    time.advance(1);
    expect(fired.at(-1)).toEqual(["100", 100]);
  });

  it("timers(): setTimeout/setInterval pass their arguments, report ids, clear by numeric id only", async () => {
    frozenClock();
    const time = new VirtualTime();
    const tracked: number[] = [];
    const t = time.timers((id) => tracked.push(id));
    const seen: unknown[][] = [];
    const a = t.setTimeout((...args) => void seen.push(["timeout", time.now(), ...args]), 30, "x", 2);
    const b = t.setTimeout(() => void seen.push(["default delay", time.now()]));
    const c = t.setInterval((...args) => void seen.push(["interval", time.now(), ...args]), 40, { k: 1 });
    const d = t.setTimeout(() => void seen.push(["cleared"]), 10);
    expect(tracked).toEqual([a, b, c, d]);
    expect(new Set(tracked).size).toBe(4);
    // Ids that are not numbers (a Node Timeout, a string, nothing) are ignored.
    t.clearTimeout(String(a));
    t.clearTimeout(undefined);
    t.clearInterval({ id: c });
    t.clearInterval(null);
    t.clearTimeout(d);
    await time.sleep(85);
    expect(seen).toEqual([
      ["default delay", 1],
      ["timeout", 30, "x", 2],
      ["interval", 40, { k: 1 }],
      ["interval", 80, { k: 1 }],
    ]);
    t.clearInterval(c);
    await time.sleep(200);
    expect(seen).toHaveLength(4);
    // The default tracker accepts anything.
    expect(typeof time.timers().setTimeout(() => undefined, 1)).toBe("number");
  });
});

// ——— SandboxDevice with a tiny app ———

const PKG = "com.example.tiny";
const PUSH = `${PKG}:push`;
const FINE = "android.permission.ACCESS_FINE_LOCATION";
const SECURE = "android.provider.Settings$Secure";
const GETSTRING = ["android.content.ContentResolver", "java.lang.String"];
const LM = "android.location.LocationManager";
const PC = "com.android.permissioncontroller:id/";
const DENY = `${PC}permission_deny_button`;
const ALLOW = `${PC}permission_allow_foreground_only_button`;
const ANDROID_ID_HOOK = "settings.Secure.getString.android_id";

const fr = (className: string, methodName: string, fileName?: string, lineNumber?: number): FrameSpec => ({ className, methodName, ...(fileName ? { fileName } : {}), ...(lineNumber !== undefined ? { lineNumber } : {}) });
const ON_CREATE: FrameSpec[] = [fr("com.example.tiny.Ids", "read", "Ids.kt", 7), fr("com.example.tiny.TinyApplication", "onCreate", "TinyApplication.kt", 21)];
const PUSH_STACK: FrameSpec[] = [fr("cn.jpush.android.helper.DeviceInfo", "getAndroidId"), fr("cn.jpush.android.service.PushService", "onCreate")];
const ASK_STACK: FrameSpec[] = [fr("com.example.tiny.MapActivity", "askLocation", "MapActivity.kt", 64)];
const LOCATE_STACK: FrameSpec[] = [fr("com.example.tiny.MapActivity", "locate", "MapActivity.kt", 80)];

const readAndroidId = (proc: AppProcess, callers: readonly FrameSpec[]): unknown => proc.call(SECURE, "getString", GETSTRING, [{ $className: "android.content.ContentResolver" }, "android_id"], callers);

/** A tiny app: reads the Android ID at start-up, asks for location on "ask", reads it on "locate". */
class TinyApp implements SandboxApp {
  readonly package = PKG;
  readonly versionName = "1.0";
  readonly screensXml = "/nonexistent/tiny.xml";
  readonly log: string[] = [];
  readonly results: { permissions: string[]; granted: boolean[] }[] = [];
  phone: Phone | undefined;
  /** What a process does when it starts; replaceable per test. */
  onStart: (phone: Phone, proc: AppProcess) => void = (_phone, proc) => {
    if (proc.name === PKG) readAndroidId(proc, ON_CREATE);
  };
  readonly screen: UiTarget[] = [{ id: "ask" }, { id: "locate" }, { id: "boom" }, { text: "Home" }];

  start(phone: Phone, proc: AppProcess): void {
    this.phone = phone;
    this.log.push(`start ${proc.name}`);
    this.onStart(phone, proc);
  }
  resumed(proc: AppProcess): void {
    this.log.push(`resumed ${proc.name}`);
  }
  tap(proc: AppProcess, t: UiTarget): void {
    this.log.push(`tap ${t.id ?? t.text ?? t.accessibilityId}`);
    if (t.id === "ask") this.phone!.requestPermissions(proc, [FINE], ASK_STACK);
    else if (t.id === "locate") proc.call(LM, "getLastKnownLocation", ["java.lang.String"], ["gps"], LOCATE_STACK);
    else if (t.id === "boom") proc.crash("java.lang.IllegalStateException: boom");
    else if (t.id === "locate-bg") proc.call(LM, "getLastKnownLocation", ["java.lang.String"], ["network"], LOCATE_STACK, "pool-1");
  }
  /** Whether back is handled (true) or closes the app (false). */
  backHandled = true;
  back(proc: AppProcess): boolean {
    this.log.push(`back ${proc.name}`);
    return this.backHandled;
  }
  paused(proc: AppProcess): void {
    this.log.push(`paused ${proc.name}`);
  }
  describeScreen() {
    return { title: "Tiny", elements: this.screen.map((e) => ({ label: e.id ?? e.text ?? "", kind: "button" as const })) };
  }
  shows(t: UiTarget): boolean {
    return this.screen.some((e) => (t.id !== undefined && e.id === t.id) || (t.text !== undefined && e.text === t.text));
  }
  permissionResult(_proc: AppProcess, permissions: readonly string[], granted: readonly boolean[]): void {
    this.log.push("permissionResult");
    this.results.push({ permissions: [...permissions], granted: [...granted] });
  }
  clearData(): void {
    this.log.push("clearData");
  }
  stopped(): void {
    this.log.push("stopped");
  }
}

const SOURCE = readFileSync(BUNDLE, "utf8");

interface Call {
  readonly hook: string;
  readonly frames: readonly FrameTuple[];
  readonly flags: number;
  readonly exc: string | null;
  readonly args: string[] | null;
}

/** One instrumented process, as the runner's session code sees it. */
interface Traced {
  readonly pid: number;
  readonly session: SessionHandle;
  readonly script: ScriptHandle;
  readonly coverage: readonly CoverageRow[];
  readonly messages: AgentMessage[];
  /** Messages and detaches in arrival order, with the sandbox time of arrival. */
  readonly events: ({ kind: "message"; type: AgentMessage["type"]; at: number } | { kind: "detached"; reason: DetachReason; crash: string | null })[];
  readonly detached: [DetachReason, string | null][];
  readonly scriptErrors: string[];
}

async function instrument(device: SandboxDevice, pid: number): Promise<Traced> {
  const session = await device.attach(pid);
  const messages: AgentMessage[] = [];
  const events: Traced["events"] = [];
  const detached: [DetachReason, string | null][] = [];
  const scriptErrors: string[] = [];
  session.onDetached((reason, crash) => {
    detached.push([reason, crash]);
    events.push({ kind: "detached", reason, crash });
  });
  const script = await session.createScript(SOURCE, "permtrace-agent");
  script.onMessage((m) => {
    if (m.type === "send") {
      const payload = m.payload as AgentMessage;
      messages.push(payload);
      events.push({ kind: "message", type: payload.type, at: device.time.now() });
    } else scriptErrors.push(m.description);
  });
  await script.load();
  const coverage = await script.exports.init({ appPackage: PKG, salt: "sandbox-test" });
  return { pid, session, script, coverage, messages, events, detached, scriptErrors };
}

/** spawn → instrument → resume, as instrumentApp does it. */
async function launch(device: SandboxDevice): Promise<Traced> {
  const pid = await device.spawn(PKG);
  const t = await instrument(device, pid);
  await device.resume(pid);
  return t;
}

const batches = (t: Traced): BatchMessage[] => t.messages.filter((m): m is BatchMessage => m.type === "batch");

/** Every call the agent sent, decoded (hook ids, stacks and strings resolved). */
function calls(t: Traced): Call[] {
  const hooks = t.coverage;
  let strings: string[] = [];
  const stacks = new Map<number, readonly FrameTuple[]>();
  const out: Call[] = [];
  for (const b of batches(t)) {
    if (b.resetStrings) strings = [];
    strings.push(...b.strings);
    for (const s of b.stacks) stacks.set(s[0], s[1]);
    for (const c of b.calls) {
      const at = <T>(i: number, d: T): T => (c.length > i ? (c[i] as T) : d);
      const exc = at(CALL.exc, -1);
      const args = at<number[] | null>(CALL.args, null);
      out.push({
        hook: hooks[c[CALL.hook] as number]![0],
        frames: stacks.get(at(CALL.stack, -1)) ?? [],
        flags: c[CALL.flags] as number,
        exc: exc >= 0 ? strings[exc]! : null,
        args: args ? args.map((i) => strings[i]!) : null,
      });
    }
  }
  return out;
}

const life = (t: Traced): LifecycleTuple[] => batches(t).flatMap((b) => b.lifecycle);
const kinds = (t: Traced): string[] => life(t).map((l) => l[1]);
const tuple = (f: FrameSpec): FrameTuple => [f.className, f.methodName, f.fileName, f.lineNumber];

describe("SandboxDevice: threads, back, taps", () => {
  it("runs the main thread with the process's id over the looper, a named worker thread with its own id over the pool", async () => {
    const device = new SandboxDevice(new TinyApp());
    device.grant(FINE);
    const t = await launch(device);
    device.tap({ id: "locate" });
    device.tap({ id: "locate-bg" });
    device.tap({ id: "locate-bg" });
    await t.script.exports.flush();
    const rows = batches(t).flatMap((b) => b.calls.map((c) => ({ tid: c[CALL.tid] as number, frames: b.stacks.find((x) => x[0] === c[CALL.stack])?.[1] ?? [] })));
    const located = calls(t).filter((c) => c.hook === "location.LocationManager.getLastKnownLocation");
    expect(located).toHaveLength(3);
    const tids = rows.slice(-3).map((r) => r.tid);
    expect(tids[0]).toBe(t.pid);
    // The worker's id is its own: not the process's, and not another process's (the :push one's).
    expect(tids[1]).not.toBe(t.pid);
    expect(tids[2]).toBe(tids[1]);
    expect(await device.spawn(PKG)).not.toBe(tids[1]);
    const bottom = (c: (typeof located)[number]): string => c.frames.at(-1)![0] as string;
    expect(bottom(located[0]!)).toBe("android.app.ActivityThread");
    expect(bottom(located[1]!)).toBe("java.lang.Thread");
  });

  it("unloading the script ends the agent: the app runs on, nothing more is sent; RPC results arrive as JSON", async () => {
    const device = new SandboxDevice(new TinyApp());
    device.grant(FINE);
    const t = await launch(device);
    const status = await t.script.exports.status();
    expect(JSON.parse(JSON.stringify(status))).toEqual(status);
    await t.script.unload();
    const before = t.messages.length;
    device.tap({ id: "locate" });
    await device.time.sleep(2_000);
    expect(t.messages.length).toBe(before);
    expect(device.mainProcess()).toBeDefined();
  });

  it("back on the app's first screen closes it: the activity stops and the agent sees the background", async () => {
    const app = new TinyApp();
    const device = new SandboxDevice(app);
    const t = await launch(device);
    app.backHandled = true;
    device.back();
    expect(device.foreground).toBe(true);
    app.backHandled = false;
    device.back();
    expect(device.foreground).toBe(false);
    expect(app.log.slice(-2)).toEqual([`back ${PKG}`, `paused ${PKG}`]);
    await t.script.exports.flush();
    expect(kinds(t)).toEqual(["foreground", "background"]);
  });

  it("screenshots draw what is on the phone's screen: the app's screen, the dialog over it, the launcher, black when off", async () => {
    const device = new SandboxDevice(new TinyApp());
    const png = (b: Buffer) => b.subarray(0, 8).equals(Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]));
    const off = new SandboxDevice(new TinyApp());
    const t = await launch(device);
    const app = device.screenshot();
    expect(png(app)).toBe(true);
    device.tap({ id: "ask" });
    const dialog = device.screenshot();
    device.tap({ id: "com.android.permissioncontroller:id/permission_deny_button" });
    device.home();
    const launcher = device.screenshot();
    device.screen(false);
    const black = device.screenshot();
    const all = [app, dialog, launcher, black].map((b) => b.toString("base64"));
    expect(new Set(all).size).toBe(4);
    expect(png(off.screenshot())).toBe(true);
    // Through the UI wrapper: Appium is asked too, the trace gets the drawing.
    const inner = fakeInner();
    const shot = await new SandboxUi(inner, device).screenshot();
    expect(shot).toBe(device.screenshot().toString("base64"));
    expect(t.pid).toBeGreaterThan(0);
  });

  it("a tap through SandboxUi takes the phone's time, Appium's real time does not", async () => {
    const device = new SandboxDevice(new TinyApp());
    await launch(device);
    const inner = fakeInner();
    const ui = new SandboxUi(inner, device);
    const before = device.time.now();
    const el = await ui.find({ id: "locate" }, 0);
    expect(device.time.now()).toBe(before);
    await ui.click(el!);
    expect(device.time.now()).toBe(before + TAP_MS);
  });
});

describe("SandboxDevice", () => {
  it("is a sandbox device on Android 10 with its own clock", () => {
    const device: DeviceHandle = new SandboxDevice(new TinyApp());
    expect(device).toMatchObject({ id: "sandbox", serial: "sandbox", kind: "sandbox", apiLevel: 29 });
    expect(device.time).toBeInstanceOf(VirtualTime);
  });

  it("refuses to spawn another package with a PermtraceError naming --app and the fix", async () => {
    const device = new SandboxDevice(new TinyApp());
    const err = await device.spawn("com.tencent.mm").then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(PermtraceError);
    const line = (err as PermtraceError).toLine();
    expect(line).toMatch(/^--app: /);
    expect(line).toContain("com.tencent.mm");
    expect(line).toContain(`use --app ${PKG}`);
    // No process was made.
    expect(device.main()).toBeUndefined();
  });

  it("refuses to attach to a process that does not exist", async () => {
    const device = new SandboxDevice(new TinyApp());
    await expect(device.attach(1)).rejects.toBeInstanceOf(PermtraceError);
  });

  it("loads the real agent bundle: init returns coverage, hello carries the process's pid", async () => {
    const app = new TinyApp();
    const device = new SandboxDevice(app);
    const pid = await device.spawn(PKG);
    const t = await instrument(device, pid);
    expect(t.coverage.find((r) => r[0] === ANDROID_ID_HOOK)?.[1]).toBe("hooked");
    expect(t.coverage.find((r) => r[0] === "permission.Activity.requestPermissions")?.[1]).toBe("hooked");
    expect(t.coverage.length).toBeGreaterThan(20);
    expect(t.messages.map((m) => m.type)).toEqual(["hello", "coverage"]);
    expect(t.messages[0]).toMatchObject({ type: "hello", pid, apiLevel: 29 });
    // The agent's clock is the phone's.
    expect((t.messages[0] as { clock: number }).clock).toBeCloseTo(device.time.now(), -2);
    // Spawned suspended: nothing of the app ran yet.
    expect(app.log).toEqual([]);
    expect(device.mainProcess()).toBeUndefined();
    expect(await t.script.exports.status()).toMatchObject({ calls: 0, pending: 0 });
  });

  it("resume runs the app's start, then the activity's start: the agent sees the app come to the foreground", async () => {
    const app = new TinyApp();
    let foregroundAtStart: boolean | undefined;
    app.onStart = (phone, proc) => {
      foregroundAtStart = phone.foreground;
      readAndroidId(proc, ON_CREATE);
    };
    const device = new SandboxDevice(app);
    const t = await launch(device);
    expect(app.log).toEqual([`start ${PKG}`, `resumed ${PKG}`]);
    expect(foregroundAtStart).toBe(false);
    expect(device.foreground).toBe(true);
    expect(app.phone!.foreground).toBe(true);
    expect(device.mainProcess()).toMatchObject({ pid: t.pid, name: PKG });
    await device.time.sleep(100);
    expect(kinds(t)).toEqual(["foreground"]);
    // The start-up read came before the activity started.
    const read = calls(t).find((c) => c.hook === ANDROID_ID_HOOK)!;
    expect(read).toBeDefined();
    expect(read.flags & CALL_FLAGS.fgKnown).toBe(0);
    // Resuming again is a no-op.
    await device.resume(t.pid);
    expect(app.log).toEqual([`start ${PKG}`, `resumed ${PKG}`]);
  });

  it("delivers the app's calls as agent batches with the hook id and the frames the app gave, over the looper", async () => {
    const app = new TinyApp();
    const device = new SandboxDevice(app);
    const t = await launch(device);
    await device.time.sleep(100);
    const read = calls(t).filter((c) => c.hook === ANDROID_ID_HOOK);
    expect(read).toHaveLength(1);
    expect(read[0]!.frames.slice(0, ON_CREATE.length)).toEqual(ON_CREATE.map(tuple));
    // Under the app's frames: the main thread's looper.
    expect(read[0]!.frames.slice(ON_CREATE.length).map((f) => `${f[0]}.${f[1]}`)).toEqual(["android.os.Handler.dispatchMessage", "android.os.Looper.loop", "android.app.ActivityThread.main"]);
    // The framework answered the app (the value leaves the device hashed).
    expect(JSON.stringify(t.messages)).not.toContain("5a4d0b1e2c3f4a5b");
  });

  it("runs the agent's flush timer on the simulated clock: a batch arrives during a sleep, without flush()", async () => {
    const device = new SandboxDevice(new TinyApp());
    const t = await launch(device);
    expect(await t.script.exports.status()).toMatchObject({ pending: 1, batches: 0 });
    // Real time alone does not fire the phone's timers.
    await new Promise((r) => setTimeout(r, 120));
    expect(batches(t)).toHaveLength(0);
    const before = device.time.now();
    await device.time.sleep(1500);
    const after = device.time.now();
    expect(after - before).toBeGreaterThanOrEqual(1500);
    const arrived = t.events.filter((e) => e.kind === "message" && e.type === "batch");
    expect(arrived).toHaveLength(1);
    const at = (arrived[0] as { at: number }).at;
    expect(at).toBeGreaterThanOrEqual(before);
    expect(at).toBeLessThan(before + 1500);
    expect(calls(t).map((c) => c.hook)).toContain(ANDROID_ID_HOOK);
    expect(await t.script.exports.status()).toMatchObject({ pending: 0, batches: 1 });
  });

  it("spawn gating: the :push process is announced and waits until resumed; instrumented, its agent sees its calls", async () => {
    const app = new TinyApp();
    app.onStart = (phone, proc) => {
      if (proc.name === PKG) {
        readAndroidId(proc, ON_CREATE);
        phone.startProcess(":push");
      } else readAndroidId(proc, PUSH_STACK);
    };
    const device = new SandboxDevice(app);
    const spawns: { pid: number; identifier: string }[] = [];
    device.onSpawnAdded((s) => void spawns.push({ ...s }));
    await device.enableSpawnGating();
    const main = await launch(device);
    expect(spawns).toEqual([{ pid: expect.any(Number), identifier: PUSH }]);
    const pushPid = spawns[0]!.pid;
    expect(pushPid).not.toBe(main.pid);
    expect(app.log).toEqual([`start ${PKG}`, `resumed ${PKG}`]);
    await device.time.sleep(1000);
    expect(app.log).not.toContain(`start ${PUSH}`);

    const push = await instrument(device, pushPid);
    expect(app.log).not.toContain(`start ${PUSH}`);
    await device.resume(pushPid);
    expect(app.log).toEqual([`start ${PKG}`, `resumed ${PKG}`, `start ${PUSH}`]);
    // A :push process does not start the activity.
    expect(app.log.filter((l) => l.startsWith("resumed"))).toHaveLength(1);
    await device.time.sleep(100);
    expect(push.messages[0]).toMatchObject({ type: "hello", pid: pushPid });
    const pushCalls = calls(push).filter((c) => c.hook === ANDROID_ID_HOOK);
    expect(pushCalls).toHaveLength(1);
    // Frames without a file come back without file and line.
    expect(pushCalls[0]!.frames[0]!.slice(0, 2)).toEqual([PUSH_STACK[0]!.className, PUSH_STACK[0]!.methodName]);
    // Each process's agent sees its own calls only.
    expect(calls(main).filter((c) => c.hook === ANDROID_ID_HOOK).map((c) => c.frames[0])).toEqual([tuple(ON_CREATE[0]!)]);
    expect(kinds(push)).toEqual([]);

    // Killing the app ends the :push process too.
    await device.kill(main.pid);
    expect(main.detached).toEqual([["process-terminated", null]]);
    expect(push.detached).toEqual([["process-terminated", null]]);
    expect(app.log.at(-1)).toBe("stopped");
    expect(device.main()).toBeUndefined();
    expect(device.foreground).toBe(false);
    await expect(device.attach(pushPid)).rejects.toBeInstanceOf(PermtraceError);
    // A second kill is quiet.
    await device.kill(main.pid);
    expect(main.detached).toHaveLength(1);
  });

  it("without spawn gating the :push process runs at once (uninstrumented)", async () => {
    const app = new TinyApp();
    let pushProc: AppProcess | undefined;
    app.onStart = (phone, proc) => {
      if (proc.name === PKG) phone.startProcess(":push");
      else pushProc = proc;
    };
    const device = new SandboxDevice(app);
    const spawns: unknown[] = [];
    device.onSpawnAdded((s) => void spawns.push(s));
    const main = await launch(device);
    expect(spawns).toEqual([]);
    expect(app.log).toEqual([`start ${PKG}`, `start ${PUSH}`, `resumed ${PKG}`]);
    // The uninstrumented process still reaches the framework.
    expect(readAndroidId(pushProc!, PUSH_STACK)).toBe("5a4d0b1e2c3f4a5b");
    await device.time.sleep(100);
    expect(calls(main).filter((c) => c.hook === ANDROID_ID_HOOK)).toHaveLength(0);
  });

  it("disableSpawnGating lets a gated :push process run", async () => {
    const app = new TinyApp();
    app.onStart = (phone, proc) => {
      if (proc.name === PKG) phone.startProcess(":push");
    };
    const device = new SandboxDevice(app);
    device.onSpawnAdded(() => undefined);
    await device.enableSpawnGating();
    await launch(device);
    expect(app.log).not.toContain(`start ${PUSH}`);
    await device.disableSpawnGating();
    expect(app.log).toContain(`start ${PUSH}`);
  });

  it("AppProcess.crash ends the app: FATAL EXCEPTION: main on the main session, the :push child ends too", async () => {
    const app = new TinyApp();
    app.onStart = (phone, proc) => {
      if (proc.name === PKG) phone.startProcess(":push");
    };
    const device = new SandboxDevice(app);
    const spawns: number[] = [];
    device.onSpawnAdded((s) => void spawns.push(s.pid));
    await device.enableSpawnGating();
    const main = await launch(device);
    const push = await instrument(device, spawns[0]!);
    await device.resume(spawns[0]!);
    device.tap({ id: "boom" });
    expect(main.detached).toEqual([["process-terminated", "FATAL EXCEPTION: main java.lang.IllegalStateException: boom"]]);
    expect(push.detached).toEqual([["process-terminated", null]]);
    expect(app.log.slice(-2)).toEqual(["tap boom", "stopped"]);
    expect(device.main()).toBeUndefined();
    expect(device.foreground).toBe(false);
    expect(device.shows({ id: "ask" })).toBe(false);
    // Taps on a dead app go nowhere; the next spawn is a cold start.
    device.tap({ id: "ask" });
    expect(app.log.at(-1)).toBe("stopped");
    const again = await launch(device);
    expect(again.pid).not.toBe(main.pid);
    expect(app.log.slice(-2)).toEqual([`start ${PKG}`, `resumed ${PKG}`]);
  });

  it("a framework SecurityException the app does not catch ends it, after the agent sent the throwing call", async () => {
    const app = new TinyApp();
    const device = new SandboxDevice(app);
    const main = await launch(device);
    await device.time.sleep(100);
    device.tap({ id: "locate" });
    expect(main.detached).toHaveLength(1);
    const [reason, crash] = main.detached[0]!;
    expect(reason).toBe("process-terminated");
    expect(crash).toMatch(/^FATAL EXCEPTION: main java\.lang\.SecurityException: getLastKnownLocation: permission denied/);
    // The attempt reached the host before the process died.
    const attempt = calls(main).find((c) => c.hook === "location.LocationManager.getLastKnownLocation")!;
    expect(attempt.flags & CALL_FLAGS.threw).toBe(CALL_FLAGS.threw);
    expect(attempt.exc).toBe("java.lang.SecurityException");
    expect(attempt.frames[0]).toEqual(tuple(LOCATE_STACK[0]!));
    const order = main.events.map((e) => (e.kind === "detached" ? "detached" : e.type));
    expect(order.lastIndexOf("batch")).toBeLessThan(order.indexOf("detached"));
  });

  it("an exception in the app's timer callback (AppProcess.later) ends the process it belongs to", async () => {
    const app = new TinyApp();
    app.onStart = (phone, proc) => {
      if (proc.name === PKG) {
        phone.startProcess(":push");
        proc.every(1000, () => void app.log.push(`tick ${proc.name}`));
      } else
        proc.later(500, () => {
          throw new Error("push died");
        });
    };
    const device = new SandboxDevice(app);
    const spawns: number[] = [];
    device.onSpawnAdded((s) => void spawns.push(s.pid));
    await device.enableSpawnGating();
    const main = await launch(device);
    const push = await instrument(device, spawns[0]!);
    await device.resume(spawns[0]!);
    await device.time.sleep(2500);
    // The :push process died; the app lives on, its timer still ticking.
    expect(push.detached).toEqual([["process-terminated", expect.stringMatching(/^FATAL EXCEPTION: .*java\.lang\.RuntimeException: push died$/)]]);
    expect(main.detached).toEqual([]);
    expect(app.log.filter((l) => l === `tick ${PKG}`)).toHaveLength(2);
    // Killed, its timers stop.
    await device.kill(main.pid);
    await device.time.sleep(5000);
    expect(app.log.filter((l) => l === `tick ${PKG}`)).toHaveLength(2);
  });

  it("session.detach() reports application-requested once; the process keeps running", async () => {
    const app = new TinyApp();
    const device = new SandboxDevice(app);
    const main = await launch(device);
    await main.session.detach();
    expect(main.detached).toEqual([["application-requested", null]]);
    expect(device.mainProcess()?.pid).toBe(main.pid);
    // Nothing more reaches the detached session, not even the kill.
    const n = main.messages.length;
    device.tap({ id: "ask" });
    await device.time.sleep(100);
    await device.kill(main.pid);
    expect(main.detached).toEqual([["application-requested", null]]);
    expect(main.messages).toHaveLength(n);
  });

  it("permission dialog: shown over the app, deny is recorded and reported to the app, allow grants", async () => {
    const app = new TinyApp();
    const device = new SandboxDevice(app);
    const main = await launch(device);
    expect(device.shows({ id: "ask" })).toBe(true);
    expect(device.shows({ id: DENY })).toBe(false);

    device.tap({ id: "ask" });
    expect(device.dialog).toMatchObject({ permissions: [FINE], requester: main.pid });
    // While the dialog is up only its buttons are on screen.
    expect(device.shows({ id: "ask" })).toBe(false);
    expect(device.shows({ text: "Home" })).toBe(false);
    expect(device.shows({ id: DENY })).toBe(true);
    expect(device.shows({ id: ALLOW })).toBe(true);
    expect(device.shows({ text: "Allow" })).toBe(true);
    expect(device.shows({ text: "Don’t allow" })).toBe(true);
    expect(app.results).toEqual([]);

    device.tap({ id: DENY });
    expect(device.dialog).toBeUndefined();
    expect(device.state.granted.has(FINE)).toBe(false);
    expect(app.results).toEqual([{ permissions: [FINE], granted: [false] }]);
    // The dialog's buttons are not the app's: the app heard no tap on them.
    expect(app.log.filter((l) => l.startsWith("tap"))).toEqual(["tap ask"]);
    expect(device.shows({ id: "ask" })).toBe(true);
    expect(device.shows({ id: DENY })).toBe(false);
    await device.time.sleep(100);
    const results = life(main).filter((l) => l[1] === "permission_result");
    expect(results).toHaveLength(1);
    expect(results[0]![2]).toEqual({ permissions: [FINE], granted: [false] });
    const request = calls(main).find((c) => c.hook === "permission.Activity.requestPermissions")!;
    expect(request.frames[0]).toEqual(tuple(ASK_STACK[0]!));

    device.tap({ id: "ask" });
    device.tap({ id: ALLOW });
    expect(device.state.granted.has(FINE)).toBe(true);
    expect(app.results.at(-1)).toEqual({ permissions: [FINE], granted: [true] });
    await device.time.sleep(100);
    expect(life(main).filter((l) => l[1] === "permission_result").map((l) => l[2])).toEqual([
      { permissions: [FINE], granted: [false] },
      { permissions: [FINE], granted: [true] },
    ]);
    // Granted: the location read now works (no crash), and asking again shows no dialog.
    device.tap({ id: "locate" });
    expect(main.detached).toEqual([]);
    device.tap({ id: "ask" });
    expect(device.dialog).toBeUndefined();
    expect(app.results.at(-1)).toEqual({ permissions: [FINE], granted: [true] });
  });

  it("the dialog answers to button texts, and back denies", async () => {
    const app = new TinyApp();
    const device = new SandboxDevice(app);
    await launch(device);
    device.tap({ id: "ask" });
    device.back();
    expect(device.dialog).toBeUndefined();
    expect(app.results.at(-1)).toEqual({ permissions: [FINE], granted: [false] });
    expect(app.log).not.toContain(`back ${PKG}`);
    device.tap({ id: "ask" });
    device.tap({ text: "While using the app" });
    expect(app.results.at(-1)).toEqual({ permissions: [FINE], granted: [true] });
    // Without the dialog, back goes to the app.
    device.back();
    expect(app.log.at(-1)).toBe(`back ${PKG}`);
  });

  it("revoking a permission kills the app", async () => {
    const app = new TinyApp();
    const device = new SandboxDevice(app);
    device.grant(FINE);
    const main = await launch(device);
    await device.revoke(FINE);
    expect(device.state.granted.has(FINE)).toBe(false);
    expect(main.detached).toEqual([["process-terminated", null]]);
    expect(device.main()).toBeUndefined();
    expect(app.log.at(-1)).toBe("stopped");
  });

  it("revoking a permission the app does not hold leaves it running", async () => {
    const device = new SandboxDevice(new TinyApp());
    const main = await launch(device);
    await device.revoke(FINE);
    expect(main.detached).toEqual([]);
    expect(device.main()).toBeDefined();
  });

  it("screen off stops the activity (the agent reads PowerManager.isInteractive: screen_off); screen on brings it back", async () => {
    const app = new TinyApp();
    const device = new SandboxDevice(app);
    const main = await launch(device);
    device.screen(false);
    expect(device.state.screenOn).toBe(false);
    expect(device.foreground).toBe(false);
    expect(app.phone!.foreground).toBe(false);
    expect(device.shows({ id: "ask" })).toBe(false);
    await device.time.sleep(100);
    expect(kinds(main)).toEqual(["foreground", "background", "screen_off"]);
    // Turning it off again changes nothing.
    device.screen(false);
    device.screen(true);
    expect(device.foreground).toBe(true);
    expect(device.shows({ id: "ask" })).toBe(true);
    expect(app.log.filter((l) => l.startsWith("resumed"))).toHaveLength(2);
    await device.time.sleep(100);
    expect(kinds(main)).toEqual(["foreground", "background", "screen_off", "screen_on", "foreground"]);
  });

  it("home stops the activity without screen_off; bringToFront resumes it", async () => {
    const app = new TinyApp();
    const device = new SandboxDevice(app);
    const main = await launch(device);
    device.home();
    expect(device.foreground).toBe(false);
    device.home();
    device.bringToFront();
    device.bringToFront();
    expect(device.foreground).toBe(true);
    await device.time.sleep(100);
    expect(kinds(main)).toEqual(["foreground", "background", "foreground"]);
    expect(app.log.filter((l) => l.startsWith("resumed"))).toHaveLength(2);
  });

  // With frida, an uncaught exception in a script's timer is a script error message; the app runs on.
  it("an exception in an agent's timer is a script error, not an app crash", async () => {
    const app = new TinyApp();
    const device = new SandboxDevice(app);
    const pid = await device.spawn(PKG);
    const session = await device.attach(pid);
    const detached: [DetachReason, string | null][] = [];
    session.onDetached((reason, crash) => void detached.push([reason, crash]));
    const script = await session.createScript(`rpc.exports = { init: () => [] }; setTimeout(() => { throw new Error("agent bug"); }, 10);`, "broken-agent");
    const errors: string[] = [];
    script.onMessage((m) => void (m.type === "error" && errors.push(m.description)));
    await script.load();
    await device.resume(pid);
    await device.time.sleep(100);
    expect(detached).toEqual([]);
    expect(device.mainProcess()?.pid).toBe(pid);
    expect(errors).toEqual([expect.stringContaining("agent bug")]);
  });

  it("a throw of null in app code ends the process like any uncaught exception", async () => {
    const app = new TinyApp();
    app.onStart = () => {
      throw null;
    };
    const device = new SandboxDevice(app);
    const pid = await device.spawn(PKG);
    const session = await device.attach(pid);
    const detached: [DetachReason, string | null][] = [];
    session.onDetached((reason, crash) => void detached.push([reason, crash]));
    await device.resume(pid);
    expect(detached).toEqual([["process-terminated", expect.stringMatching(/^FATAL EXCEPTION: main /)]]);
  });
});

// ——— SandboxUi ———

/** A UiDriver that finds whatever it is asked for and records what it was asked. */
function fakeInner(): UiDriver & { readonly asked: string[] } {
  const asked: string[] = [];
  let n = 0;
  return {
    asked,
    find: async (s: ElementSelector, timeoutMs: number) => {
      asked.push(`find ${JSON.stringify(s)} ${timeoutMs}`);
      return s.id === "not-in-xml" ? null : `el-${++n}`;
    },
    click: async (e) => void asked.push(`click ${e}`),
    type: async (e, text) => void asked.push(`type ${e} ${text}`),
    swipe: async (d, e) => void asked.push(`swipe ${d} ${e ?? "-"}`),
    screenshot: async () => (asked.push("screenshot"), "iVBORw0KGgo="),
  };
}

describe("SandboxUi", () => {
  it("does not look for an element the phone does not show: null at once, the inner driver not asked", async () => {
    const app = new TinyApp();
    const device = new SandboxDevice(app);
    const inner = fakeInner();
    const ui = new SandboxUi(inner, device);
    // No app running: nothing is on screen.
    expect(await ui.find({ id: "ask" }, 5000)).toBeNull();
    await launch(device);
    const started = Date.now();
    expect(await ui.find({ id: "missing" }, 60_000)).toBeNull();
    expect(await ui.find({ text: "Allow" }, 60_000)).toBeNull();
    expect(Date.now() - started).toBeLessThan(1000);
    expect(inner.asked).toEqual([]);
  });

  it("delegates a shown element to the inner driver; click taps it on the phone", async () => {
    const app = new TinyApp();
    const device = new SandboxDevice(app);
    const inner = fakeInner();
    const ui = new SandboxUi(inner, device);
    await launch(device);
    const el = await ui.find({ id: "ask", index: 0 }, 1234);
    expect(el).toBe("el-1");
    expect(inner.asked).toEqual([`find {"id":"ask","index":0} 1234`]);
    await ui.click(el!);
    expect(inner.asked.at(-1)).toBe("click el-1");
    expect(app.log.at(-1)).toBe("tap ask");
    expect(device.dialog).toBeDefined();
    // The dialog's buttons are found now; a tap on one answers it (the app hears the result, not the tap).
    const allow = await ui.find({ text: "Allow" }, 0);
    await ui.click(allow!);
    expect(device.dialog).toBeUndefined();
    expect(app.results).toEqual([{ permissions: [FINE], granted: [true] }]);
    expect(app.log.filter((l) => l.startsWith("tap"))).toEqual(["tap ask"]);
    // An element the inner driver does not find stays not found; a click on an unknown ref taps nothing.
    app.screen.push({ id: "not-in-xml" });
    expect(await ui.find({ id: "not-in-xml" }, 0)).toBeNull();
    await ui.click("el-unknown");
    expect(app.log.filter((l) => l.startsWith("tap"))).toEqual(["tap ask"]);
  });

  it("passes type and swipe through; a screenshot asks Appium too but returns the phone's drawing", async () => {
    const device = new SandboxDevice(new TinyApp());
    const inner = fakeInner();
    const ui = new SandboxUi(inner, device);
    await ui.type("el-9", "hello");
    await ui.swipe("up", null);
    expect(await ui.screenshot()).toBe(device.screenshot().toString("base64"));
    expect(inner.asked).toEqual(["type el-9 hello", "swipe up -", "screenshot"]);
  });
});

// ——— SandboxBackend and sandboxActions ———

describe("SandboxBackend", () => {
  it("opens only the sandbox: another serial is a UsageError naming --device", async () => {
    const backend = new SandboxBackend(() => new TinyApp());
    const err = await backend.open({ serial: "emulator-5554" }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(UsageError);
    expect((err as UsageError).toLine()).toMatch(/^--device: .*emulator-5554.* — use --device sandbox$/);
    expect(backend.device).toBeUndefined();
  });

  it("opens a new SandboxDevice for no serial and for 'sandbox', with the app the factory makes", async () => {
    const apps: TinyApp[] = [];
    const backend = new SandboxBackend(() => {
      const a = new TinyApp();
      apps.push(a);
      return a;
    });
    const d1 = await backend.open({});
    expect(d1).toBeInstanceOf(SandboxDevice);
    expect(backend.device).toBe(d1);
    const d2 = await backend.open({ serial: "sandbox" });
    expect(d2).toBeInstanceOf(SandboxDevice);
    expect(d2).not.toBe(d1);
    expect(backend.device).toBe(d2);
    expect((d2 as SandboxDevice).app).toBe(apps[1]);
  });
});

describe("sandboxActions", () => {
  it("refuses a device that is not the sandbox", () => {
    const other = { kind: "usb" } as unknown as DeviceHandle;
    expect(() => sandboxActions(other, async () => undefined)).toThrow(/not a sandbox device/);
  });

  it("launch(true) clears the app's data and the grants, spawns, and lets a cold start pass on the phone's clock", async () => {
    const app = new TinyApp();
    const device = new SandboxDevice(app);
    device.grant(FINE);
    const order: string[] = [];
    let traced: Traced | undefined;
    const actions = sandboxActions(device, async () => {
      order.push(`spawn granted=${device.state.granted.has(FINE)} log=${app.log.join(",")}`);
      traced = await launch(device);
    });
    const before = device.time.now();
    await actions.launch(true);
    expect(order).toEqual(["spawn granted=false log=clearData"]);
    expect(device.time.now() - before).toBeGreaterThanOrEqual(COLD_START_MS);
    // The start-up's calls arrived during the cold start.
    expect(calls(traced!).map((c) => c.hook)).toContain(ANDROID_ID_HOOK);

    await device.kill(traced!.pid);
    device.grant(FINE);
    await actions.launch(false);
    expect(app.log.filter((l) => l === "clearData")).toHaveLength(1);
    expect(device.state.granted.has(FINE)).toBe(true);
  });

  it("grant and revoke change the phone's permissions; the rest act on the phone", async () => {
    const app = new TinyApp();
    const device = new SandboxDevice(app);
    const actions = sandboxActions(device, async () => undefined);
    await actions.grant(FINE);
    expect(device.state.granted.has(FINE)).toBe(true);
    expect(app.phone).toBeUndefined();
    const main = await launch(device);
    expect(app.phone!.granted(FINE)).toBe(true);
    await actions.home();
    expect(device.foreground).toBe(false);
    await actions.bringToFront();
    expect(device.foreground).toBe(true);
    await actions.screenOff();
    expect(device.state.screenOn).toBe(false);
    await actions.screenOn();
    expect(device.state.screenOn).toBe(true);
    await actions.back();
    expect(app.log.at(-1)).toBe(`back ${PKG}`);
    await actions.revoke(FINE);
    expect(device.state.granted.has(FINE)).toBe(false);
    expect(app.phone!.granted(FINE)).toBe(false);
    expect(main.detached).toEqual([["process-terminated", null]]);
  });
});

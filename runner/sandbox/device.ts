/**
 * The sandbox phone behind the runner's device interface: processes that run the compiled agent
 * bundle in the Frida-runtime stand-in (a Node `vm` context each), the agent's messages and RPC,
 * spawn gating for the app's other processes, kills and crashes reported as frida reports them.
 * Everything above the interface — sessions, scenarios, the trace, the report — runs unchanged.
 */
import type { AgentMessage, KnownValue } from "../../agent/protocol.js";
import { PermtraceError } from "../../reports/errors.js";
import type { AgentExports, ChildProcess, DetachReason, DeviceHandle, ScriptMessage, SessionHandle } from "../device/backend.js";
import type { AppProcess, FrameSpec, Phone, SandboxApp, UiTarget } from "./app.js";
import { permissionResultIntent, phoneClasses, sandboxKnownValues, SANDBOX_API_LEVEL, SANDBOX_MODEL, SANDBOX_RELEASE, type PhoneState } from "./phone.js";
import { loadAgent, type Runtime } from "./runtime.js";
import { drawScreen } from "./screen.js";
import { VirtualTime } from "./time.js";

const ACTIVITY = "android.app.Activity";
/** The frames under any main-thread callback: the framework's looper. */
/** The frames under a task on a worker thread (an executor's pool). */
const WORKER: FrameSpec[] = [
  { className: "java.util.concurrent.ThreadPoolExecutor", methodName: "runWorker", fileName: "ThreadPoolExecutor.java", lineNumber: 1167 },
  { className: "java.util.concurrent.ThreadPoolExecutor$Worker", methodName: "run", fileName: "ThreadPoolExecutor.java", lineNumber: 641 },
  { className: "java.lang.Thread", methodName: "run", fileName: "Thread.java", lineNumber: 919 },
];
const LOOPER: FrameSpec[] = [
  { className: "android.os.Handler", methodName: "dispatchMessage", fileName: "Handler.java", lineNumber: 107 },
  { className: "android.os.Looper", methodName: "loop", fileName: "Looper.java", lineNumber: 214 },
  { className: "android.app.ActivityThread", methodName: "main", fileName: "ActivityThread.java", lineNumber: 7356 },
];

interface Proc {
  readonly pid: number;
  readonly name: string;
  state: "suspended" | "running" | "dead";
  rt?: Runtime;
  onMessage?: (m: ScriptMessage) => void;
  onDetached?: (reason: DetachReason, crash: string | null) => void;
  readonly timers: number[];
  /** The agent script was unloaded. */
  unloaded?: boolean;
  /** Worker threads by name, with their tids. */
  readonly threads: Map<string, number>;
  api?: AppProcess;
}

export class SandboxDevice implements DeviceHandle {
  readonly id = "sandbox";
  readonly serial = "sandbox";
  readonly name = SANDBOX_MODEL;
  readonly kind = "sandbox" as const;
  readonly apiLevel = SANDBOX_API_LEVEL;
  readonly time = new VirtualTime();
  readonly state: PhoneState = { granted: new Set(), screenOn: true, clipboard: "" };
  private readonly procs = new Map<number, Proc>();
  private nextPid = 4100;
  private gating = false;
  private spawnHandlers: ((s: { pid: number; identifier: string }) => void)[] = [];
  /** The activity is started (between onStart and onStop). */
  private started = false;
  /** The permission dialog on screen: what the app asked for. */
  dialog: { readonly permissions: readonly string[]; readonly requester: number } | undefined;

  constructor(readonly app: SandboxApp) {}

  /** The app's main process, when it runs. */
  main(): Proc | undefined {
    for (const p of this.procs.values()) if (p.name === this.app.package && p.state !== "dead") return p;
    return undefined;
  }

  /** The app's main process as its code sees it (for the UI and the device actions). */
  mainProcess(): AppProcess | undefined {
    const m = this.main();
    return m?.state === "running" ? m.api : undefined;
  }

  /** The phone knows its own identifiers (what its Settings and TelephonyManager answer): the runner hands them to the agent. */
  knownValues(): readonly KnownValue[] {
    return sandboxKnownValues();
  }

  get foreground(): boolean {
    return this.started;
  }

  async spawn(packageName: string): Promise<number> {
    if (packageName !== this.app.package) {
      throw new PermtraceError(`the sandbox phone has only ${this.app.package} installed, not ${packageName}`, { where: "--app", fix: `use --app ${this.app.package} with the sample app's scenarios (scenarios/sample-app), or a real device` });
    }
    return this.newProcess(packageName).pid;
  }

  private newProcess(name: string): Proc {
    const p: Proc = { pid: this.nextPid++, name, state: "suspended", timers: [], threads: new Map() };
    this.procs.set(p.pid, p);
    return p;
  }

  async attach(pid: number): Promise<SessionHandle> {
    const p = this.procs.get(pid);
    if (!p || p.state === "dead") throw new PermtraceError(`process ${pid} not found`, { where: "sandbox" });
    return {
      pid,
      createScript: async (source: string) => ({
        load: async () => {
          // The agent's clock and timers are the phone's: its flush timer fires in simulated time.
          p.rt = loadAgent(phoneClasses(this.state), {
            pid,
            source,
            androidVersion: SANDBOX_RELEASE,
            now: () => this.time.now(),
            // An exception in the agent's own timer is a script error, as frida reports it; the app runs on.
            timers: this.time.timers(
              (id) => p.timers.push(id),
              (err) => p.onMessage?.({ type: "error", description: `${(err as Error)?.message ?? String(err)}`, ...((err as Error)?.stack ? { stack: (err as Error).stack! } : {}) }),
            ),
            onSend: (m: AgentMessage) => p.onMessage?.({ type: "send", payload: m }),
          });
        },
        // Frida's unload ends the script: its hooks and timers go, nothing more is sent.
        unload: async () => {
          if (!p.rt || p.unloaded) return;
          p.unloaded = true;
          await Promise.resolve(p.rt.rpc.dispose()).catch(() => undefined);
          p.onMessage = undefined;
        },
        // Eternalized, the script stays with its hooks; the session's end no longer reaches it and
        // its messages go nowhere (frida-core src/frida.vala, Script.eternalize: eternalize_script,
        // then the script object closes on the client's side).
        eternalize: async () => {
          if (!p.rt || p.unloaded) return;
          p.unloaded = true;
          p.onMessage = undefined;
        },
        onMessage: (h: (m: ScriptMessage) => void) => void (p.onMessage = h),
        get exports(): AgentExports {
          const rpc = p.rt!.rpc;
          // RPC crosses a process boundary as JSON: what would not survive it does not here either.
          const wire = <T>(v: T): T => (v === undefined ? v : (JSON.parse(JSON.stringify(v)) as T));
          // Like frida: a script that was unloaded, or whose process died, answers nothing.
          const alive = (): void => {
            if (p.unloaded || p.state === "dead") throw new Error("script is destroyed");
          };
          return {
            init: async (c) => (alive(), wire(await rpc.init(wire(c)))),
            status: async () => (alive(), wire(await rpc.status())),
            flush: async () => (alive(), wire(await rpc.flush())),
            mark: async (l) => (alive(), wire(await rpc.mark(l))),
            dispose: async () => wire(await rpc.dispose()),
          };
        },
      }),
      detach: async () => {
        const h = p.onDetached;
        p.onDetached = undefined;
        p.onMessage = undefined;
        h?.("application-requested", null);
      },
      onDetached: (h) => void (p.onDetached = h),
    };
  }

  async resume(pid: number): Promise<void> {
    const p = this.procs.get(pid);
    if (!p || p.state !== "suspended") return;
    p.state = "running";
    p.api = this.processApi(p);
    if (!p.rt) {
      // Not instrumented (no script loaded): the app runs, the agent sees nothing — like a phone.
      p.rt = loadAgentless(this.state);
    }
    p.rt.tid = p.pid;
    // Resumed, the process binds its application: the app's class loader, then Application.attach.
    // The agent's due timers run meanwhile, as its JavaScript thread runs beside the main thread.
    p.rt.java.bindApplication([], () => this.time.advance(0));
    this.guard(p, () => {
      this.app.start(this.phone(), p.api!);
      if (p.name === this.app.package && p.state === "running") this.bringToFront();
    });
  }

  async kill(pid: number): Promise<void> {
    const p = this.procs.get(pid);
    if (!p || p.state === "dead") return;
    // Ending an app ends all its processes (am force-stop).
    for (const q of [...this.procs.values()]) if (q.state !== "dead" && (q.pid === pid || (p.name === this.app.package && q.name.startsWith(`${this.app.package}:`)))) this.end(q, "process-terminated", null);
    if (p.name === this.app.package) this.appStopped();
  }

  onChildAdded(_h: (c: ChildProcess) => void): void {
    // Android starts an app's other processes from zygote: they arrive as spawns, not children.
  }

  async enableSpawnGating(): Promise<void> {
    this.gating = true;
  }

  async disableSpawnGating(): Promise<void> {
    this.gating = false;
    for (const p of this.procs.values()) if (p.state === "suspended" && p.name !== this.app.package) await this.resume(p.pid);
  }

  onSpawnAdded(handler: (s: { readonly pid: number; readonly identifier: string }) => void): void {
    this.spawnHandlers.push(handler);
  }

  // ——— what the runner's device actions and UI do to the phone ———

  /** The user taps an element of the app (Appium already tapped it in the fake app). */
  tap(target: UiTarget): void {
    const m = this.main();
    if (!m || m.state !== "running") return;
    if (this.dialog && isDialogButton(target)) return this.answerDialog(target);
    this.guard(m, () => this.app.tap(m.api!, target));
  }

  /** Whether the element is on screen: the system dialog covers the app while it is up. */
  shows(target: UiTarget): boolean {
    if (!this.main() || this.main()!.state !== "running" || !this.started || !this.state.screenOn) return false;
    // The system dialog covers the app; without it, the app decides (its own "拒绝" is its own).
    if (this.dialog) return isDialogButton(target);
    return this.app.shows(target);
  }

  back(): void {
    const m = this.main();
    if (!m || m.state !== "running") return;
    if (this.dialog) return this.answerDialog({ id: DENY_ID });
    let handled = true;
    this.guard(m, () => void (handled = this.app.back(m.api!)));
    // Back on the app's first screen closes it: the app goes to the background.
    if (!handled) this.home();
  }

  /** Home: the activity stops (the agent sees the app go to the background). */
  home(): void {
    const m = this.main();
    if (!m || m.state !== "running" || !this.started) return;
    this.started = false;
    this.guard(m, () => {
      m.rt!.call(ACTIVITY, "onStop", [], [], this.activityFrames("performStop"));
      this.app.paused(m.api!);
    });
  }

  bringToFront(): void {
    const m = this.main();
    if (!m || m.state !== "running" || this.started) return;
    this.started = true;
    this.guard(m, () => {
      m.rt!.call(ACTIVITY, "onStart", [], [], this.activityFrames("performStart"));
      this.app.resumed(m.api!);
    });
  }

  screen(on: boolean): void {
    if (this.state.screenOn === on) return;
    if (!on) {
      // The screen going off stops the foreground activity; the agent reads the power state then.
      this.state.screenOn = false;
      this.home();
    } else {
      this.state.screenOn = true;
      this.bringToFront();
    }
  }

  grant(permission: string): void {
    this.state.granted.add(permission);
  }

  /** Revoking a runtime permission kills the app, as Android does. */
  async revoke(permission: string): Promise<void> {
    // Android kills the app when a granted permission is taken back; revoking nothing does nothing.
    if (!this.state.granted.delete(permission)) return;
    const m = this.main();
    if (m) await this.kill(m.pid);
  }

  clearData(): void {
    this.state.granted.clear();
    this.app.clearData();
  }

  /** A screenshot of what is on the phone's screen now (PNG). */
  screenshot(): Buffer {
    const m = this.main();
    const app = m && m.state === "running" && this.started ? this.app.describeScreen() : undefined;
    return drawScreen({
      on: this.state.screenOn,
      ...(app ? { app } : {}),
      ...(this.dialog && app ? { dialog: { question: dialogQuestion(this.dialog.permissions), buttons: ["While using the app", "Don't allow"] } } : {}),
    });
  }

  // ——— inside ———

  private phone(): Phone {
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const device = this;
    return {
      time: this.time,
      get foreground() {
        return device.started && device.state.screenOn;
      },
      startProcess: (suffix: string) => {
        const p = this.newProcess(`${this.app.package}${suffix}`);
        if (this.gating && this.spawnHandlers.length > 0) {
          for (const h of this.spawnHandlers) h({ pid: p.pid, identifier: p.name });
        } else void this.resume(p.pid);
      },
      granted: (permission: string) => this.state.granted.has(permission),
      requestPermissions: (from: AppProcess, permissions: readonly string[], callers: readonly FrameSpec[]) => {
        from.call(ACTIVITY, "requestPermissions", ["[Ljava.lang.String;", "int"], [[...permissions], 1], callers);
        const missing = permissions.filter((x) => !this.state.granted.has(x));
        if (missing.length === 0) return this.deliverResult(from.pid, permissions, permissions.map(() => true));
        this.dialog = { permissions, requester: from.pid };
      },
    };
  }

  private answerDialog(target: UiTarget): void {
    const d = this.dialog!;
    this.dialog = undefined;
    const allow = target.id ? ALLOW_IDS.has(target.id) : ALLOW_TEXTS.has(target.text ?? target.accessibilityId ?? "");
    if (allow) for (const x of d.permissions) this.state.granted.add(x);
    this.deliverResult(d.requester, d.permissions, d.permissions.map((x) => this.state.granted.has(x)));
  }

  private deliverResult(pid: number, permissions: readonly string[], granted: readonly boolean[]): void {
    const p = this.procs.get(pid);
    if (!p || p.state !== "running") return;
    this.guard(p, () => {
      p.rt!.call(ACTIVITY, "dispatchRequestPermissionsResult", ["int", "android.content.Intent"], [1, permissionResultIntent(permissions, granted)], this.activityFrames("dispatchActivityResult"));
      this.app.permissionResult(p.api!, permissions, granted);
    });
  }

  private activityFrames(method: string): FrameSpec[] {
    return [{ className: "android.app.Instrumentation", methodName: method === "performStart" ? "callActivityOnStart" : method, fileName: "Instrumentation.java", lineNumber: 1432 }, { className: "android.app.ActivityThread", methodName: "handleStartActivity", fileName: "ActivityThread.java", lineNumber: 3330 }, ...LOOPER];
  }

  private processApi(p: Proc): AppProcess {
    return {
      pid: p.pid,
      name: p.name,
      call: (className, method, params, args, callers, thread, self) => {
        if (p.state !== "running") throw new Error(`process ${p.pid} is not running`);
        const rt = p.rt!;
        // Android's main thread has the process's id; a worker thread gets an id of its own, by name.
        if (thread === undefined) rt.tid = p.pid;
        else {
          // Thread ids come from the kernel's one id space: no process gets the same number.
          if (!p.threads.has(thread)) p.threads.set(thread, this.nextPid++);
          rt.tid = p.threads.get(thread)!;
        }
        try {
          return rt.call(className, method, params, args, [...callers, ...(thread === undefined ? LOOPER : WORKER)], self);
        } finally {
          rt.tid = p.pid;
        }
      },
      every: (everyMs, fn, delayMs = everyMs) => void p.timers.push(this.time.setTimer(delayMs, () => this.guard(p, fn), everyMs)),
      later: (delayMs, fn) => void p.timers.push(this.time.setTimer(delayMs, () => this.guard(p, fn))),
      crash: (description) => {
        throw new AppCrash(description);
      },
    };
  }

  /** Runs app code in a process: an exception it does not catch ends the process, as on a phone. */
  private guard(p: Proc, fn: () => void): void {
    if (p.state !== "running") return;
    try {
      fn();
    } catch (err) {
      const what = err instanceof AppCrash ? err.message : javaError(err);
      this.crash(p, what);
    }
  }

  private crash(p: Proc, description: string): void {
    if (p.state === "dead") return;
    if (p.name === this.app.package) {
      for (const q of [...this.procs.values()]) if (q !== p && q.state !== "dead" && q.name.startsWith(`${this.app.package}:`)) this.end(q, "process-terminated", null);
      this.end(p, "process-terminated", `FATAL EXCEPTION: main ${description}`);
      this.appStopped();
    } else this.end(p, "process-terminated", `FATAL EXCEPTION: main ${description}`);
  }

  private end(p: Proc, reason: DetachReason, crash: string | null): void {
    p.state = "dead";
    for (const t of p.timers) this.time.clearTimer(t);
    p.timers.length = 0;
    const h = p.onDetached;
    p.onDetached = undefined;
    p.onMessage = undefined;
    h?.(reason, crash);
    this.procs.delete(p.pid);
  }

  private appStopped(): void {
    this.started = false;
    this.dialog = undefined;
    this.app.stopped();
  }
}

class AppCrash extends Error {}

/** How Android prints an exception: `java.lang.RuntimeException: message`. */
function javaError(err: unknown): string {
  const message = (err as Error | null | undefined)?.message ?? String(err);
  const cls = (err as { $className?: string } | null | undefined)?.$className;
  // The sandbox's Java exceptions carry the class name in their message already.
  return cls && !message.startsWith(cls) ? `${cls}: ${message}` : cls ? message : `java.lang.RuntimeException: ${message}`;
}

/** A process without the agent: the same framework, nobody listening. */
function loadAgentless(state: PhoneState): Runtime {
  return loadAgent(phoneClasses(state), { source: "" });
}

const PC = "com.android.permissioncontroller:id/";
const DENY_ID = `${PC}permission_deny_button`;
const ALLOW_IDS = new Set([`${PC}permission_allow_foreground_only_button`, `${PC}permission_allow_button`, `${PC}permission_allow_one_time_button`]);
const ALLOW_TEXTS = new Set(["While using the app", "Allow", "仅在使用该应用期间允许", "允许"]);
const DIALOG_TEXTS = new Set([...ALLOW_TEXTS, "Don’t allow", "Don't allow", "Deny", "拒绝", "禁止", "Deny & don’t ask again", "拒绝且不再询问"]);

function isDialogButton(t: UiTarget): boolean {
  return (t.id !== undefined && t.id.startsWith(PC)) || (t.text !== undefined && DIALOG_TEXTS.has(t.text));
}

/** The permission dialog's question, as Android words it for the permission's group. */
function dialogQuestion(permissions: readonly string[]): string {
  const p = permissions.join(" ");
  const what = /LOCATION/.test(p) ? "access this device's location" : /CAMERA/.test(p) ? "take pictures and record video" : /CONTACTS/.test(p) ? "access your contacts" : /PHONE/.test(p) ? "make and manage phone calls" : /RECORD_AUDIO/.test(p) ? "record audio" : "use a permission";
  return `Allow the app to ${what}?`;
}

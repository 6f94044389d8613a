/**
 * What an app installed on the sandbox phone is: its package, its screens (a fake-driver app
 * XML, so Appium really finds, taps and screenshots them) and its behaviour, which reacts to what
 * the phone tells it. Its code reaches Android only through `AppProcess.call`, so every call goes
 * through the agent's Java hooks with the stack the app gives it.
 */
import type { FrameSpec } from "./java.js";
import type { ScreenElement } from "./screen.js";
import type { VirtualTime } from "./time.js";

export type { FrameSpec };

/** An element as a scenario names it. */
export interface UiTarget {
  readonly text?: string;
  readonly id?: string;
  readonly accessibilityId?: string;
}

/** One running process of the app, as its code sees it. */
export interface AppProcess {
  readonly pid: number;
  /** `com.example.app` or `com.example.app:push`. */
  readonly name: string;
  /**
   * Calls a framework method: the agent sees the method's frame over `callers`, over the main
   * thread's looper — or, with `thread`, over a worker thread of that name (its own tid). `self`
   * is the receiver the hook sees (a socket's stream). Throws what Android throws.
   */
  call(className: string, method: string, params: readonly string[], args: unknown[], callers: readonly FrameSpec[], thread?: string, self?: unknown): unknown;
  /** Runs `fn` every `everyMs` (first after `delayMs`) while this process lives. */
  every(everyMs: number, fn: () => void, delayMs?: number): void;
  /** Runs `fn` once after `delayMs` while this process lives. */
  later(delayMs: number, fn: () => void): void;
  /** An uncaught exception: the process dies (the agent saw the throwing call). */
  crash(description: string): void;
}

/** What the phone offers the app: more processes, permissions, the clock. */
export interface Phone {
  readonly time: VirtualTime;
  /** Android starts another process of the app (a `:push` service), from zygote. */
  startProcess(suffix: string): void;
  granted(permission: string): boolean;
  /** Activity.requestPermissions: the system dialog comes up unless all are granted already. */
  requestPermissions(from: AppProcess, permissions: readonly string[], callers: readonly FrameSpec[]): void;
  /** Whether the app is in the foreground (an activity started) and the screen on. */
  readonly foreground: boolean;
}

export interface SandboxApp {
  readonly package: string;
  readonly versionName: string;
  /** The fake-driver app XML holding every screen's elements. */
  readonly screensXml: string;
  /** A process of the app starts (Application.onCreate; for the main process, the launcher activity follows). */
  start(phone: Phone, proc: AppProcess): void;
  /** The main activity comes to the front (launch, back from the home screen): onStart, onResume. */
  resumed(proc: AppProcess): void;
  /** The user tapped an element. */
  tap(proc: AppProcess, target: UiTarget): void;
  /** Back pressed: true when the app handled it (left a screen); false on its first screen, which then closes (the app goes to the background). */
  back(proc: AppProcess): boolean;
  /** The app left the screen (home, screen off, back on its first screen): onStop. */
  paused(proc: AppProcess): void;
  /** Whether the element is on the current screen (the fake app holds every screen's elements). */
  shows(target: UiTarget): boolean;
  /** What the current screen looks like, for the phone's screenshots: a title and its elements, in ASCII. */
  describeScreen(): { readonly title: string; readonly elements: readonly ScreenElement[] };
  /** The answer to the app's last permission request. */
  permissionResult(proc: AppProcess, permissions: readonly string[], granted: readonly boolean[]): void;
  /** `launch: {clearData: true}`: the app's stored state (consent given) is wiped. */
  clearData(): void;
  /** The app's processes died; the next start is a cold start. */
  stopped(): void;
}

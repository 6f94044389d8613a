import type { Installer } from "./installer.js";
import { now } from "./clock.js";
import { Java } from "./java.js";
import type { Recorder } from "./recorder.js";

/**
 * Foreground/background as the app sees it: started activities are counted (onStart/onStop, which
 * overlap when one activity opens another, so a switch is not a trip to the background); the
 * screen state is read when the last activity stops (screen off stops it) and turns back on at
 * the next start; grants and denials arrive through onRequestPermissionsResult. All land
 * in the timeline.
 */
export class Lifecycle {
  /** Started activities: during a switch from A to B, B starts before A stops, so it never drops to 0. */
  private resumed = 0;
  private known = false;
  private screenOff = false;

  constructor(
    private readonly recorder: Recorder,
    /** The reentrancy guard: what the agent reads itself is not recorded. */
    private readonly guarded: <T>(fn: () => T) => T = (fn) => fn(),
  ) {}

  private results(permissions: readonly string[], results: readonly number[]): void {
    this.recorder.life([now(), "permission_result", { permissions: [...permissions], granted: permissions.map((_, i) => results[i] === 0) }]);
  }

  /** PowerManager.isInteractive(), read only when the last activity stops: null when it cannot be read. */
  private interactive(): boolean | null {
    try {
      const app = Java.use("android.app.ActivityThread").currentApplication();
      const pm = Java.cast(app.getSystemService("power"), Java.use("android.os.PowerManager"));
      return pm.isInteractive() as boolean;
    } catch {
      return null;
    }
  }

  foreground(): boolean | null {
    return this.known ? this.resumed > 0 : null;
  }

  install(installer: Installer): void {
    installer.add({
      className: "android.app.Activity",
      method: "onStart",
      overloads: [[]],
      handler: () => () => {
        this.known = true;
        if (this.screenOff) {
          this.screenOff = false;
          this.recorder.life([now(), "screen_on"]);
        }
        if (this.resumed++ === 0) this.recorder.life([now(), "foreground"]);
      },
    });
    installer.add({
      className: "android.app.Activity",
      method: "onStop",
      overloads: [[]],
      handler: () => () => {
        this.known = true;
        this.resumed = Math.max(0, this.resumed - 1);
        if (this.resumed === 0) this.recorder.life([now(), "background"]);
        // The screen going off stops the foreground activity: that is when to look.
        if (!this.screenOff && this.guarded(() => this.interactive()) === false) {
          this.screenOff = true;
          this.recorder.life([now(), "screen_off"]);
        }
      },
    });
    // Every activity gets its results through dispatchRequestPermissionsResult (AndroidX's
    // ComponentActivity does not call onRequestPermissionsResult for Activity Result API requests).
    // onRequestPermissionsResult is the fallback where the dispatch method is not there.
    let dispatching = false;
    installer.add({
      className: "android.app.Activity",
      method: "dispatchRequestPermissionsResult",
      overloads: [["int", "android.content.Intent"]],
      handler: (_self, args) => {
        const intent = args[1] as { getStringArrayExtra(k: string): string[] | null; getIntArrayExtra(k: string): number[] | null } | null;
        const permissions = this.guarded(() => intent?.getStringArrayExtra("android.content.pm.extra.REQUEST_PERMISSIONS_NAMES") ?? null);
        const results = this.guarded(() => intent?.getIntArrayExtra("android.content.pm.extra.REQUEST_PERMISSIONS_RESULTS") ?? null);
        if (permissions) this.results(permissions, results ?? []);
        dispatching = true;
        return () => {
          dispatching = false;
        };
      },
    });
    installer.add({
      className: "android.app.Activity",
      method: "onRequestPermissionsResult",
      overloads: [["int", "[Ljava.lang.String;", "[I"]],
      handler: (_self, args) => {
        if (dispatching) return;
        this.results((args[1] as unknown[] | null)?.map(String) ?? [], (args[2] as number[] | null) ?? []);
      },
    });
  }
}

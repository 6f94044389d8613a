import type { Installer } from "./installer.js";
import { now } from "./clock.js";
import type { Recorder } from "./recorder.js";

/**
 * Foreground/background as the app sees it: resumed activities are counted (onResume/onPause),
 * and grants and denials arrive through onRequestPermissionsResult. Both land in the timeline.
 */
export class Lifecycle {
  private resumed = 0;
  private known = false;

  constructor(private readonly recorder: Recorder) {}

  foreground(): boolean | null {
    return this.known ? this.resumed > 0 : null;
  }

  install(installer: Installer): void {
    installer.add({
      className: "android.app.Activity",
      method: "onResume",
      overloads: [[]],
      handler: () => () => {
        this.known = true;
        if (this.resumed++ === 0) this.recorder.life([now(), "foreground"]);
      },
    });
    installer.add({
      className: "android.app.Activity",
      method: "onPause",
      overloads: [[]],
      handler: () => () => {
        this.known = true;
        this.resumed = Math.max(0, this.resumed - 1);
        if (this.resumed === 0) this.recorder.life([now(), "background"]);
      },
    });
    installer.add({
      className: "android.app.Activity",
      method: "onRequestPermissionsResult",
      overloads: [["int", "[Ljava.lang.String;", "[I"]],
      handler: (_self, args) => {
        const permissions = (args[1] as unknown[] | null)?.map(String) ?? [];
        const results = (args[2] as number[] | null) ?? [];
        this.recorder.life([now(), "permission_result", { permissions, granted: permissions.map((_, i) => results[i] === 0) }]);
      },
    });
  }
}

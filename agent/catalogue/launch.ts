/**
 * Starting other apps: activities, services and broadcasts aimed at another package (waking or
 * launching other apps, 关联启动). The `other-package-intent` classifier records a call only
 * when its Intent names another package explicitly; implicit intents and the app's own
 * components are dropped.
 *
 * Which class: Activity overrides startActivity and funnels every form into
 * startActivityForResult(Intent, int, Bundle); other contexts (Application, Service, a
 * ContextWrapper) end in ContextImpl.startActivity. Services and broadcasts go through
 * ContextWrapper, which every app context extends. Each call is seen once.
 */
import type { HookEntry } from "./types.js";

const CW = "android.content.ContextWrapper";

export const LAUNCH: readonly HookEntry[] = [
  // Activity.startActivity(Intent[, Bundle]) and startActivityForResult(Intent, int) all call this
  // overload; hooking them as well would record each launch two or three times.
  { id: "launch.Activity.startActivityForResult", className: "android.app.Activity", method: "startActivityForResult", overloads: [["android.content.Intent", "int", "android.os.Bundle"]], category: "other_app_launch", classify: "other-package-intent", args: ["intent", "raw"] },
  { id: "launch.Activity.startActivityIfNeeded", className: "android.app.Activity", method: "startActivityIfNeeded", overloads: [["android.content.Intent", "int", "android.os.Bundle"]], category: "other_app_launch", classify: "other-package-intent", args: ["intent", "raw"] },
  { id: "launch.ContextImpl.startActivity", className: "android.app.ContextImpl", method: "startActivity", overloads: [["android.content.Intent", "android.os.Bundle"]], category: "other_app_launch", classify: "other-package-intent", args: ["intent"] },
  { id: "launch.ContextWrapper.startService", className: CW, method: "startService", overloads: "all", category: "other_app_launch", classify: "other-package-intent", args: ["intent"] },
  { id: "launch.ContextWrapper.startForegroundService", className: CW, method: "startForegroundService", overloads: "all", minApi: 26, category: "other_app_launch", classify: "other-package-intent", args: ["intent"] },
  { id: "launch.ContextWrapper.bindService", className: CW, method: "bindService", overloads: "all", category: "other_app_launch", classify: "other-package-intent", args: ["intent"] },
  { id: "launch.ContextWrapper.bindIsolatedService", className: CW, method: "bindIsolatedService", overloads: "all", minApi: 29, category: "other_app_launch", classify: "other-package-intent", args: ["intent"] },
  { id: "launch.ContextWrapper.sendBroadcast", className: CW, method: "sendBroadcast", overloads: "all", category: "other_app_launch", classify: "other-package-intent", args: ["intent", "raw"] },
  { id: "launch.ContextWrapper.sendOrderedBroadcast", className: CW, method: "sendOrderedBroadcast", overloads: "all", category: "other_app_launch", classify: "other-package-intent", args: ["intent", "raw"] },
];

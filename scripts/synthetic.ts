import type { Category } from "../reports/trace/categories.js";
import type { StackFrame } from "../reports/trace/format.js";
import { termText } from "../reports/render/escape.js";
import { TraceWriter } from "../reports/trace/writer.js";
import { EGRESS_HOOKS, EgressModel, READ_SUMMARY } from "./synthetic-egress.js";

/** A small deterministic PRNG (mulberry32), so generated traces are reproducible. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface HookSpec {
  readonly hook: string;
  readonly cat: Category;
  readonly perm?: string;
  readonly api: string;
  /** The identifier the read returns, as the agent's matcher names it (agent/engine/id-normalise.ts IdKind). */
  readonly kind?: string;
}

const HOOKS: readonly HookSpec[] = [
  { hook: "telephony.TelephonyManager.getImei", cat: "phone_identifiers", perm: "android.permission.READ_PRIVILEGED_PHONE_STATE", api: "android.telephony.TelephonyManager", kind: "imei" },
  { hook: "telephony.TelephonyManager.getSubscriberId", cat: "phone_identifiers", perm: "android.permission.READ_PRIVILEGED_PHONE_STATE", api: "android.telephony.TelephonyManager", kind: "imsi" },
  { hook: "settings.Secure.getString.android_id", cat: "device_identifiers", api: "android.provider.Settings$Secure", kind: "android_id" },
  { hook: "location.LocationManager.getLastKnownLocation", cat: "location", perm: "android.permission.ACCESS_FINE_LOCATION", api: "android.location.LocationManager", kind: "location" },
  { hook: "network.WifiInfo.getMacAddress", cat: "network_identifiers", perm: "android.permission.ACCESS_WIFI_STATE", api: "android.net.wifi.WifiInfo", kind: "mac" },
  { hook: "apps.PackageManager.getInstalledPackages", cat: "installed_apps", perm: "android.permission.QUERY_ALL_PACKAGES", api: "android.app.ApplicationPackageManager" },
  { hook: "clipboard.ClipboardManager.getPrimaryClip", cat: "clipboard", api: "android.content.ClipboardManager" },
  { hook: "telephony.TelephonyManager.getNetworkOperatorName", cat: "carrier_info", api: "android.telephony.TelephonyManager" },
  { hook: "sensors.SensorManager.registerListener", cat: "sensors", api: "android.hardware.SensorManager" },
];

/** Callers by party: the frames between the API and the thread root. */
const CALLERS: readonly (readonly StackFrame[])[] = [
  [{ c: "com.example.shop.util.DeviceInfo", m: "collect", f: "DeviceInfo.kt", l: 41 }, { c: "com.example.shop.MainActivity", m: "onResume", f: "MainActivity.kt", l: 88 }],
  [{ c: "com.umeng.commonsdk.internal.utils.a", m: "b" }, { c: "com.umeng.commonsdk.UMConfigure", m: "init" }, { c: "com.example.shop.App", m: "onCreate", f: "App.kt", l: 12 }],
  [{ c: "cn.jpush.android.helper.c", m: "a" }, { c: "cn.jpush.android.service.PushService", m: "onStartCommand" }],
  [{ c: "com.qq.e.comm.managers.status.DeviceStatus", m: "getDid" }, { c: "com.qq.e.ads.splash.SplashAD", m: "fetchAndShowIn" }, { c: "com.example.shop.SplashActivity", m: "onCreate", f: "SplashActivity.kt", l: 30 }],
  [{ c: "com.amap.api.location.APSService", m: "a" }, { c: "com.example.shop.map.MapFragment", m: "locate", f: "MapFragment.kt", l: 77 }],
  [{ c: "com.bytedance.sdk.openadsdk.core.l", m: "c" }, { c: "com.bytedance.sdk.openadsdk.TTAdSdk", m: "init" }],
  [{ c: "com.acme.tracker.Collector", m: "run" }],
  [{ c: "a.b.c", m: "d" }, { c: "a.b.e", m: "run" }],
];

const ROOTS: readonly (readonly StackFrame[])[] = [
  [{ c: "android.os.Handler", m: "dispatchMessage" }, { c: "android.os.Looper", m: "loop" }, { c: "android.app.ActivityThread", m: "main" }],
  [{ c: "java.util.concurrent.ThreadPoolExecutor", m: "runWorker" }, { c: "java.util.concurrent.ThreadPoolExecutor$Worker", m: "run" }, { c: "java.lang.Thread", m: "run" }],
];

export interface SyntheticOptions {
  readonly dir: string;
  readonly events: number;
  readonly seed?: number;
  /** Mean calls per second of trace time. */
  readonly rate?: number;
  /**
   * Share of calls that start a send with an egress record (scripts/synthetic-egress.ts), 0 to
   * MAX_EGRESS; default DEFAULT_EGRESS. An OkHttp request's TLS write is one call more (about 0.35
   * of the sends are). At 0 the trace is the one generated before traces had sends, byte for byte.
   */
  readonly egress?: number;
}

/** The default share of sends among calls: a few requests per hundred hooked reads. */
export const DEFAULT_EGRESS = 0.02;
/** Past half the calls, a trace of sends is no longer an app's trace. */
export const MAX_EGRESS = 0.5;

/** An --egress value as a share, or the line saying what is wrong with it. */
export function egressShare(flag: string, value: string): number | string {
  const n = /^(0|[1-9]\d*)?(\.\d+)?$/.test(value.trim()) && value.trim() !== "" ? Number(value) : NaN;
  return n >= 0 && n <= MAX_EGRESS ? n : `${flag} must be a share of calls from 0 to ${MAX_EGRESS} (0.02: two sends in a hundred calls), not '${termText(value, 40)}'`;
}

/**
 * Writes a realistic synthetic trace: an app with several SDKs, consent shown then accepted,
 * scenarios with declared needs, background periods, a location poller every 30 s, a stack pool
 * of a few hundred stacks, and (`egress`) sends to the SDKs' and unknown hosts, some carrying
 * identifiers read earlier. Returns what it wrote.
 */
export function generateTrace(opts: SyntheticOptions): { events: number; markers: number; sends: number; durationMs: number } {
  const rand = prng(opts.seed ?? 1);
  const rate = opts.rate ?? 200;
  const w = new TraceWriter(opts.dir, {
    tool: { name: "permtrace", version: "synthetic" },
    device: { model: "Synthetic", manufacturer: "permtrace", apiLevel: 31, kind: "synthetic" },
    app: { package: "com.example.shop", versionName: "1.0.0", versionCode: 1 },
  });
  // Stack pool: every (hook, caller, root) combination.
  const pool: { spec: HookSpec; stack: number; caller: number }[] = [];
  for (const spec of HOOKS) CALLERS.forEach((caller, c) => { for (const root of ROOTS) pool.push({ spec, stack: w.stack([...caller, ...root]), caller: c }); });
  const poller = w.stack([{ c: "com.qq.e.comm.plugin.l.b", m: "run" }, ...ROOTS[1]!]);
  const pollSpec = HOOKS[3]!;
  /** The poller is the ad SDK's (CALLERS[3]). */
  const pollCaller = 3;
  const share = opts.egress ?? DEFAULT_EGRESS;
  // Without sends no random number is drawn for them: the trace stays the one from before.
  const egress = share > 0 ? new EgressModel(w, ROOTS[1]!, rand) : undefined;
  let t = 0;
  let markers = 0;
  let sends = 0;
  const mark = (m: Parameters<TraceWriter["mark"]>[0]): void => {
    w.mark(m);
    markers++;
  };
  mark({ t: 0, kind: "session_start" });
  mark({ t: 10, kind: "app_launch", pid: 4100, cold: true });
  mark({ t: 200, kind: "consent_shown" });
  // Twelve scenarios whatever the size, each at least ten minutes: a longer trace has longer
  // scenarios, not more of them, so its findings (and report) stay the same size.
  const scenarioEvery = Math.max(600_000, Math.ceil((opts.events / rate) * 1000 / 12));
  let nextScenario = 3_000;
  let scenarioIdx = 0;
  /** The scenario running: each ends as the next starts, the last with the session, as a run's do. */
  let open: string | undefined;
  let nextPoll = 5_000;
  let background = false;
  const meanGap = 1000 / rate;
  for (let i = 0; i < opts.events; i++) {
    t += -Math.log(1 - rand()) * meanGap;
    if (t >= nextScenario) {
      if (scenarioIdx === 0) mark({ t, kind: "consent_accepted" });
      const map = scenarioIdx % 3 === 1;
      if (open) mark({ t, kind: "scenario_end", scenario: open, status: "ok" });
      open = map ? `map-${scenarioIdx}` : `browse-${scenarioIdx}`;
      mark({ t, kind: "scenario_start", scenario: map ? `map-${scenarioIdx}` : `browse-${scenarioIdx}`, needs: map ? ["location"] : [] });
      mark({ t, kind: "step_start", step: 0, action: "tapOn", label: "Open" });
      scenarioIdx++;
      nextScenario += scenarioEvery;
    }
    const phase = t % scenarioEvery;
    if (!background && phase > scenarioEvery * 0.8) {
      background = true;
      mark({ t, kind: "background" });
    } else if (background && phase < scenarioEvery * 0.8) {
      background = false;
      mark({ t, kind: "foreground" });
    }
    const at = Math.round(t * 1000) / 1000;
    if (egress) {
      const tlsWrite = egress.pending(at);
      if (tlsWrite) {
        w.call(tlsWrite);
        sends++;
        continue;
      }
    }
    if (t >= nextPoll) {
      const seq = w.call({ t: nextPoll, hook: pollSpec.hook, cat: pollSpec.cat, perm: pollSpec.perm!, out: "returned", pid: 4100, tid: 4121, stack: poller, args: ["gps"], ret: "mask:31.2*,121.4*" });
      egress?.read(pollCaller, pollSpec.kind!, seq);
      nextPoll += 30_000 + (rand() - 0.5) * 1000;
      continue;
    }
    if (egress && rand() < share) {
      w.call(egress.next(at, 4100));
      sends++;
      continue;
    }
    const pick = pool[Math.floor(rand() * pool.length)]!;
    const threw = rand() < 0.02;
    const seq = w.call({
      t: at,
      hook: pick.spec.hook,
      cat: pick.spec.cat,
      ...(pick.spec.perm ? { perm: pick.spec.perm } : {}),
      out: threw ? "threw" : "returned",
      // With sends, each identifier has its own value (the egress rules compare them); without, one summary for all, as before.
      ...(threw ? { exc: "java.lang.SecurityException" } : { ret: (egress && pick.spec.kind && READ_SUMMARY[pick.spec.kind]) || "hash:5f2c9a1be07d" }),
      pid: 4100,
      tid: 4100 + Math.floor(rand() * 30),
      stack: pick.stack,
    });
    if (egress && !threw && pick.spec.kind) egress.read(pick.caller, pick.spec.kind, seq);
  }
  if (open) mark({ t: t + 1, kind: "scenario_end", scenario: open, status: "ok" });
  mark({ t: t + 1, kind: "session_end" });
  // What a run's agent reports: every generated hook installed (a report without it has no evidence).
  const hooked = [...HOOKS.map((h) => h.hook), ...(egress ? EGRESS_HOOKS : [])];
  w.updateManifest({ agent: { version: "synthetic", coverage: hooked.map((hook) => ({ hook, status: "hooked" as const })) } });
  w.close();
  return { events: opts.events, markers, sends, durationMs: t };
}

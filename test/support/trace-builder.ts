import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { analyze, type Analysis } from "../../reports/analyze.js";
import { resolvePolicy } from "../../reports/policy/policy.js";
import type { AppProfile } from "../../reports/profile.js";
import type { Category } from "../../reports/trace/categories.js";
import type { Marker, MarkerKind, NetRecord, StackFrame } from "../../reports/trace/format.js";
import { openTrace } from "../../reports/trace/reader.js";
import { TraceWriter } from "../../reports/trace/writer.js";

export function tempDir(prefix = "permtrace-test-"): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** `"com.umeng.a.b"` → frame of class com.umeng.a, method b. */
export function frame(s: string): StackFrame {
  const i = s.lastIndexOf(".");
  return { c: s.slice(0, i), m: s.slice(i + 1) };
}

const ROOT = ["android.os.Handler.dispatchMessage", "android.os.Looper.loop", "android.app.ActivityThread.main"];

export interface CallOpts {
  perm?: string;
  out?: "returned" | "threw";
  exc?: string;
  /** Frames innermost first, as "class.method"; a thread root is appended. */
  from?: readonly string[];
  req?: readonly string[];
  own?: boolean;
  args?: readonly string[];
  ret?: string;
  fg?: boolean;
  pid?: number;
  /** A network_egress call's egress record. */
  net?: NetRecord;
}

/** Writes small traces for tests through the real TraceWriter. */
export class TraceBuilder {
  readonly dir: string;
  private readonly w: TraceWriter;
  /** Hooks called, reported as the agent's coverage on close (as a real run's agent does). */
  private readonly hooks = new Set<string>();
  private agentLoaded = true;

  constructor(app = "com.example.app", dir = tempDir()) {
    this.dir = dir;
    this.w = new TraceWriter(dir, {
      tool: { name: "permtrace", version: "test" },
      device: { model: "Test", apiLevel: 31, kind: "synthetic" },
      app: { package: app, versionName: "1.0" },
    });
  }

  call(t: number, hook: string, cat: Category, o: CallOpts = {}): this {
    const frames = [...(o.from ?? ["com.example.app.Main.run"]), ...ROOT].map(frame);
    this.hooks.add(hook);
    this.w.call({
      t,
      hook,
      cat,
      ...(o.perm ? { perm: o.perm } : {}),
      out: o.out ?? "returned",
      ...(o.exc ? { exc: o.exc } : {}),
      pid: o.pid ?? 1000,
      tid: 1000,
      stack: this.w.stack(frames),
      ...(o.req ? { req: o.req } : {}),
      ...(o.own ? { own: true } : {}),
      ...(o.args ? { args: o.args } : {}),
      ...(o.ret !== undefined ? { ret: o.ret } : {}),
      ...(o.fg !== undefined ? { fg: o.fg } : {}),
      ...(o.net ? { net: o.net } : {}),
    });
    return this;
  }

  /** Several calls at the given times. */
  calls(times: readonly number[], hook: string, cat: Category, o: CallOpts = {}): this {
    for (const t of times) this.call(t, hook, cat, o);
    return this;
  }

  mark(t: number, kind: MarkerKind, fields: Omit<Marker, "t" | "kind"> = {}): this {
    this.w.mark({ t, kind, ...fields });
    return this;
  }

  /** Launch, consent shown, accepted at `at`. */
  consented(at = 1): this {
    return this.mark(0, "app_launch", { cold: true }).mark(0, "consent_shown").mark(at, "consent_accepted");
  }

  /** The agent never reported loading: no coverage in the manifest. */
  withoutAgent(): this {
    this.agentLoaded = false;
    return this;
  }

  /** The scenarios the run was to do (manifest plan), as `permtrace run` records them. */
  plan(scenarios: readonly string[]): this {
    this.w.updateManifest({ plan: { scenarios } });
    return this;
  }

  close(reason?: string): string {
    const hooks = this.hooks.size > 0 ? [...this.hooks] : ["telephony.TelephonyManager.getImei"];
    if (this.agentLoaded) this.w.updateManifest({ agent: { version: "test", coverage: hooks.map((hook) => ({ hook, status: "hooked" as const })) } });
    this.w.close(reason);
    return this.dir;
  }
}

export interface AnalyzeDirOpts {
  policy?: string;
  profile?: AppProfile;
  showValues?: boolean;
}

export function analyzeDir(dir: string, o: AnalyzeDirOpts = {}): Analysis {
  return analyze(openTrace(dir), { policy: resolvePolicy(o.policy ?? "strict"), ...(o.profile ? { profile: o.profile } : {}), showValues: o.showValues === true });
}

/** Findings of one rule. */
export function ruleFindings(a: Analysis, rule: string): Analysis["findings"] {
  return a.findings.filter((f) => f.rule === rule);
}

export const UMENG = ["com.umeng.commonsdk.internal.a.b", "com.umeng.commonsdk.UMConfigure.init", "com.example.app.App.onCreate"];
export const GDT = ["com.qq.e.comm.managers.status.DeviceStatus.getDid", "com.qq.e.ads.splash.SplashAD.fetch"];
export const APP = ["com.example.app.Main.run"];

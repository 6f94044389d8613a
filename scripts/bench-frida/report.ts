/**
 * bench:frida's printout: µs per call and ratios from the driver's JSON (driver.py), and the
 * goals of the issue "Real Frida in CI" (item 7) and of issue 15 item 9 (the egress scan's
 * share of the hooked write), each met or missed.
 */

/** A timed run, or why it could not be. */
interface Timed {
  readonly us?: number;
  readonly n?: number;
  readonly error?: string;
}

interface Hooked extends Timed {
  readonly runtime?: string | null;
  readonly calls?: number;
  /** Calls the script saw (its hit counter; for the agent, the calls it recorded). */
  readonly seen?: number;
  readonly messagesPerCall?: number;
  readonly bytesPerCall?: number;
  readonly errors?: readonly string[];
}

type NativeOp = "open-nomatch" | "open-match" | "ioctl-nomatch" | "ioctl-match";

export interface Results {
  readonly frida: string;
  readonly java?: { readonly error?: string; readonly runtime?: string | Timed; readonly bare?: Timed; readonly replacement?: Hooked; readonly agent?: Hooked; readonly camille?: Hooked; readonly bareAfter?: Timed };
  readonly native?: {
    readonly error?: string;
    readonly none?: Partial<Record<NativeOp, Timed>>;
    /** Through Interceptor.attach with empty C listeners: the least a listener costs. */
    readonly floor?: Partial<Record<NativeOp, Timed>>;
    readonly agent?: Partial<Record<NativeOp, Timed & { recorded?: number }>>;
    readonly hooked?: readonly string[];
    readonly errors?: readonly string[];
  };
  readonly egress?: EgressResults;
}

type EgressOp = "req2k" | "req64k";

/** The best timed run, and every cycle's best (one JVM each). */
type EgressTimed = Timed & { recorded?: number; calls?: number; samples?: readonly number[] };

interface EgressAgent extends Partial<Record<EgressOp, EgressTimed>> {
  readonly error?: string;
  /** Records of the one request carrying a learned value, and the matches in them. */
  readonly markedRecorded?: number;
  readonly markedMatches?: number;
  readonly errors?: readonly string[];
}

/** The egress phase: the hooked socket write with no agent, the agent with nothing learned, with `values` learned. */
export interface EgressResults {
  readonly error?: string;
  readonly none?: Partial<Record<EgressOp, EgressTimed>>;
  readonly noscan?: EgressAgent;
  readonly scan?: EgressAgent;
  readonly values?: number;
  readonly cycles?: number;
  /** Each request's size in bytes. */
  readonly bytes?: Partial<Record<EgressOp, number>>;
  /** Script.runtime inside the egress target. */
  readonly runtime?: string;
}

export interface Context {
  readonly commit: string;
  readonly machine: string;
  readonly jvm: string;
  /** The patterns the known values make (scripts/bench-frida/known-values.ts). */
  readonly patterns?: number;
}

const out = (s: string): void => void process.stdout.write(`${s}\n`);
const us = (t: Timed | undefined): string => (t?.us === undefined ? "—" : t.us < 0.1 ? t.us.toFixed(4) : t.us.toFixed(2));
const ratio = (a: Timed | undefined, b: Timed | undefined): number | undefined => (a?.us !== undefined && b?.us !== undefined && b.us > 0 ? a.us / b.us : undefined);
const added = (a: Timed | undefined, b: Timed | undefined): string => (a?.us === undefined || b?.us === undefined ? "—" : (a.us - b.us).toFixed(2));
const times = (r: number | undefined): string => (r === undefined ? "—" : `${r < 10 ? r.toFixed(2) : r.toFixed(0)}×`);

function javaRow(label: string, t: Hooked | undefined, extra = ""): void {
  if (t?.error) return out(`  ${label.padEnd(26)}not measured: ${t.error}`);
  const sent = t?.messagesPerCall === undefined ? "" : `  ${t.messagesPerCall.toFixed(3)} msg, ${t.bytesPerCall!.toFixed(0)} B per call`;
  const seen = t?.calls === undefined ? "" : `  saw ${t.seen}/${t.calls} calls`;
  out(`  ${label.padEnd(26)}${us(t).padStart(10)} µs${extra}${sent}${seen}`);
  for (const e of t?.errors?.slice(0, 1) ?? []) out(`      first error: ${e.split("\n")[0]}`);
}

function printJava(j: NonNullable<Results["java"]>): void {
  if (j.error) return out(`Java target: not measured: ${j.error}`);
  out(`  ${"bare call".padEnd(26)}${us(j.bare).padStart(10)} µs`);
  javaRow("bare Frida replacement", j.replacement);
  javaRow("permtrace agent", j.agent, `  (${times(ratio(j.agent, j.replacement))} replacement, ${times(ratio(j.agent, j.camille))} camille-style)`);
  javaRow("camille-style script", j.camille);
  out(`  ${"bare call again".padEnd(26)}${us(j.bareAfter).padStart(10)} µs`);
  if (j.agent?.calls !== undefined && j.agent.seen !== j.agent.calls)
    out(`  NOTE: the agent recorded ${j.agent.seen} of ${j.agent.calls} calls: its figure is not the cost of recording a call`);
}

const OPS: readonly [NativeOp, string][] = [
  ["open-nomatch", "open, no match"],
  ["open-match", "open, match (MAC file)"],
  ["ioctl-nomatch", "ioctl, no match"],
  ["ioctl-match", "ioctl, SIOCGIFHWADDR"],
];

function printNative(n: NonNullable<Results["native"]>): void {
  if (n.error) return out(`Native target: not measured: ${n.error}`);
  out(`  ${"".padEnd(26)}${"no hook".padStart(10)}${"empty attach".padStart(14)}${"agent".padStart(12)}${"ratio".padStart(8)}${"+µs".padStart(8)}  recorded`);
  for (const [op, label] of OPS) {
    const a = n.agent?.[op];
    const rec = a?.error ? `not measured: ${a.error}` : a?.recorded === undefined ? "" : `${a.recorded}`;
    out(`  ${label.padEnd(26)}${us(n.none?.[op]).padStart(10)}${us(n.floor?.[op]).padStart(14)}${us(a).padStart(12)}${times(ratio(a, n.none?.[op])).padStart(8)}${added(a, n.none?.[op]).padStart(8)}  ${rec}`);
  }
  out("  (empty attach: Interceptor.attach with empty C onEnter/onLeave listeners, the least a listener-based hook costs;");
  out("   a hook that replaces the function, as Interceptor.replaceFast does, keeps no invocation context and can cost less)");
  for (const e of n.errors?.slice(0, 1) ?? []) out(`  agent error: ${e.split("\n")[0]}`);
}

const EGRESS_OPS: readonly [EgressOp, string][] = [
  ["req2k", "request, 2 KiB body"],
  ["req64k", "request, 64 KiB body"],
];

/** The scan's share of the hooked write: (scan − no scan) / no scan, of the best runs. */
function scanShare(e: EgressResults, op: EgressOp): number | undefined {
  const r = ratio(e.scan?.[op], e.noscan?.[op]);
  return r === undefined ? undefined : r - 1;
}

function median(xs: readonly number[] | undefined): number | undefined {
  if (!xs || xs.length === 0) return undefined;
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}

/** The same share from the medians of the cycles, and each configuration's spread: how much the machine's load moved the figures. */
function spreadLine(e: EgressResults, op: EgressOp, label: string): string {
  const range = (t: EgressTimed | undefined): string => (t?.samples?.length ? `${Math.min(...t.samples).toFixed(0)}–${Math.max(...t.samples).toFixed(0)}` : "—");
  const [b, c] = [median(e.noscan?.[op]?.samples), median(e.scan?.[op]?.samples)];
  const share = b !== undefined && c !== undefined && b > 0 ? `${(((c - b) / b) * 100).toFixed(1)}%` : "—";
  return `  ${label}: scan share of the medians ${share}; µs per write across the cycles: no scan ${range(e.noscan?.[op])}, scan ${range(e.scan?.[op])}`;
}

/** The scan's added time split into a per-write part and a per-KiB part, from the two request sizes. */
function fixedAndPerKiB(e: EgressResults): { fixed: number; perKiB: number } | undefined {
  const added = (op: EgressOp): number | undefined => (e.scan?.[op]?.us !== undefined && e.noscan?.[op]?.us !== undefined ? e.scan[op]!.us! - e.noscan[op]!.us! : undefined);
  const [a, b, ka, kb] = [added("req2k"), added("req64k"), (e.bytes?.req2k ?? 0) / 1024, (e.bytes?.req64k ?? 0) / 1024];
  if (a === undefined || b === undefined || kb <= ka) return undefined;
  const perKiB = (b - a) / (kb - ka);
  return { fixed: a - perKiB * ka, perKiB };
}

function printEgress(e: EgressResults, ctx: Context): void {
  if (e.error) return out(`Egress: not measured: ${e.error}`);
  for (const [label, a] of [["agent, nothing learned", e.noscan], [`agent, ${e.values} values`, e.scan]] as const) if (a?.error) out(`  ${label}: not measured: ${a.error}`);
  out(`  ${"".padEnd(30)}${"no agent".padStart(10)}${"agent, no scan".padStart(16)}${"agent + scan".padStart(14)}${"scan share".padStart(12)}${"scan µs/KiB".padStart(13)}  recorded`);
  for (const [op, label] of EGRESS_OPS) {
    const bytes = e.bytes?.[op];
    const share = scanShare(e, op);
    const perKiB = e.scan?.[op]?.us !== undefined && e.noscan?.[op]?.us !== undefined && bytes ? ((e.scan[op]!.us! - e.noscan[op]!.us!) / (bytes / 1024)).toFixed(3) : "—";
    const rec = [e.noscan?.[op], e.scan?.[op]].map((t) => (t?.calls === undefined ? "—" : `${t.recorded}/${t.calls}`)).join(", ");
    out(`  ${`${label} (${bytes ?? "?"} B)`.padEnd(30)}${us(e.none?.[op]).padStart(10)}${us(e.noscan?.[op]).padStart(16)}${us(e.scan?.[op]).padStart(14)}${(share === undefined ? "—" : `${(share * 100).toFixed(1)}%`).padStart(12)}${perKiB.padStart(13)}  ${rec}`);
  }
  out(`  (µs per write, best of ${e.cycles ?? "?"} cycles; scan share = (agent + scan − agent, no scan) / agent, no scan; µs/KiB over the whole request, all of it scanned: both are within the 64 KiB scan bound's copy)`);
  for (const [op, label] of EGRESS_OPS) out(spreadLine(e, op, label));
  const split = fixedAndPerKiB(e);
  if (split) out(`  where the scan's time goes: ~${split.fixed.toFixed(1)} µs per write whatever its size, + ${split.perKiB.toFixed(3)} µs per KiB (from the two sizes)`);
  const check = (a: EgressAgent | undefined): string => (a?.markedRecorded === undefined ? "not run" : `${a.markedMatches ?? 0} match(es) in ${a.markedRecorded} record(s)`);
  out(`  check, one request carrying a learned value: with ${e.values} values ${check(e.scan)} (the scan ran); with nothing learned ${check(e.noscan)}`);
  if ((e.scan?.markedMatches ?? 0) === 0) out("  WARNING: the request carrying a learned value was recorded without a match: the scan did not run, the figures above do not measure it");
  for (const err of [...(e.noscan?.errors ?? []), ...(e.scan?.errors ?? [])].slice(0, 1)) out(`  agent error: ${err.split("\n")[0]}`);
  if (ctx.patterns !== undefined) out(`  (${e.values} values make ${ctx.patterns} patterns in the matcher)`);
}

function printGoals(r: Results): void {
  const j = r.java;
  const n = r.native;
  const goals: [string, number | undefined, number][] = [
    ["agent ≤ ½ camille-style per call", ratio(j?.agent, j?.camille), 0.5],
    ["agent ≤ 3× the bare replacement", ratio(j?.agent, j?.replacement), 3],
    ["non-matching ioctl ≤ 1.2× unhooked", ratio(n?.agent?.["ioctl-nomatch"], n?.none?.["ioctl-nomatch"]), 1.2],
    ["non-matching open ≤ 1.2× unhooked", ratio(n?.agent?.["open-nomatch"], n?.none?.["open-nomatch"]), 1.2],
  ];
  out("Goals (a benchmark, not a test):");
  for (const [what, value, limit] of goals) out(`  ${value === undefined ? "not measured" : value <= limit ? "met   " : "MISSED"}  ${what} (${times(value)})`);
  if (r.egress) {
    for (const [op, label] of EGRESS_OPS) {
      const share = scanShare(r.egress, op);
      const verdict = share === undefined || (r.egress.scan?.markedMatches ?? 0) === 0 ? "not measured" : share <= 0.2 ? "met   " : "MISSED";
      out(`  ${verdict}  egress scan adds ≤ 20% to the hooked write, ${label} (${share === undefined ? "—" : `+${(share * 100).toFixed(1)}%`})`);
    }
  }
}

/** Prints the whole report. */
export function printReport(r: Results, ctx: Context): void {
  const runtime = typeof r.java?.runtime === "string" ? r.java.runtime : (r.java?.replacement?.runtime ?? r.egress?.runtime ?? "unknown");
  out(`bench:frida — frida ${r.frida} (frida-core from PyPI's wheel); scripts run in ${runtime === "QJS" ? "QuickJS (Script.runtime \"QJS\", Frida's default)" : runtime}`);
  out(`agent measured: dist/agent/permtrace-agent.js built from ${ctx.commit}`);
  out(`machine: ${ctx.machine}; µs per call, best of the timed runs`);
  if (r.java) {
    out(`Java target: ${ctx.jvm} — not ART — TelephonyManager.getImei() (a stub) called 30 frames deep`);
    printJava(r.java);
  }
  if (r.native) {
    out("Native target: a C program (glibc), the agent with its whole catalogue");
    printNative(r.native);
  }
  if (r.egress) {
    out(`Egress (issue 15 item 9): ${ctx.jvm} — not ART — java.net.SocketOutputStream.socketWrite of one request per write to a loopback socket, the agent hooking that write alone`);
    printEgress(r.egress, ctx);
  }
  printGoals(r);
}

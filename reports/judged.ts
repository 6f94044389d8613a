import { createHash } from "node:crypto";
import { existsSync, lstatSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { stringify } from "yaml";
import type { Analysis } from "./analyze.js";
import { TraceError } from "./errors.js";
import { resolvePolicy, type ResolvedPolicy } from "./policy/policy.js";
import { loadAppProfile, type AppProfile } from "./profile.js";
import { JUDGED_FILES, type JudgedRecord, type TraceManifest } from "./trace/format.js";

/**
 * What a trace is judged with. `permtrace run` records its policy and profile in the manifest
 * (`judged`, with sha256s) and copies them into the trace, so the trace is self-contained: a later
 * report, on another machine or after the suite's profile was edited, judges it as the run did.
 */

export function sha256(data: string | Buffer): string {
  return createHash("sha256").update(data).digest("hex");
}

/** JSON with object keys sorted at every level: the same settings always hash alike. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(",")}]`;
  if (v !== null && typeof v === "object") {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o).sort().map((k) => `${JSON.stringify(k)}:${canonical(o[k])}`).join(",")}}`;
  }
  return JSON.stringify(v);
}

/** The sha256 of what a policy decides (consent start and every rule's settings), not of its name or files. */
export function policyDigest(p: ResolvedPolicy): string {
  return sha256(canonical({ initialConsent: p.initialConsent, rules: p.rules }));
}

/** The effective policy as a standalone policy file: every rule's settings, no `extends` to chase. */
export function policyFile(p: ResolvedPolicy): string {
  const rules = Object.fromEntries(Object.keys(p.rules).sort().map((id) => {
    const r = p.rules[id]!;
    return [id, { enabled: r.enabled, severity: r.severity, ...r.params }];
  }));
  const head = `# The policy permtrace run judged this trace with (${p.chain.join(" → ")}), every rule's settings.\n`;
  return head + stringify({ version: 1, name: p.name, consent: { initialState: p.initialConsent }, rules });
}

/** The manifest's `judged` record of a policy and a profile (`bytes`: the profile file as read from `path`). */
export function judgedRecord(policy: ResolvedPolicy, profile?: { readonly profile: AppProfile; readonly path: string; readonly bytes: Buffer }): JudgedRecord {
  const sources = policy.chain.filter((c) => existsSync(c)).map((path) => ({ path, sha256: sha256(readFileSync(path)) }));
  return {
    policy: { name: policy.name, chain: [...policy.chain], sha256: policyDigest(policy), ...(sources.length ? { sources } : {}) },
    ...(profile ? { profile: { app: profile.profile.app, source: profile.path, sha256: sha256(profile.bytes) } } : {}),
  };
}

export interface JudgingRequest {
  /** --policy / --profile as given; absent: the recorded ones, else strict and no profile. */
  readonly policy?: string;
  readonly profile?: string;
  /** --ignore-recorded: judge with the flags (and defaults) only. */
  readonly ignoreRecorded?: boolean;
}

export interface Judging {
  readonly policy: ResolvedPolicy;
  readonly policyDigest: string;
  readonly profile?: AppProfile;
  readonly profileDigest?: string;
  /** Where this judging departs from the run's: stated as warnings by every format. */
  readonly notes: readonly string[];
}

const FIX = "pass --policy and --profile to judge it with your own, or --ignore-recorded";

/** A recorded copy's bytes, checked against the manifest's sha256; never read through a link. */
function readCopy(traceDir: string, rel: string, what: string): Buffer {
  const path = join(traceDir, rel);
  if (!existsSync(path)) throw new TraceError(`the run recorded its ${what} but the copy is missing`, { where: path, fix: FIX });
  if (!lstatSync(path).isFile()) throw new TraceError(`the run's recorded ${what} is not a regular file (a link?): it is never followed`, { where: path, fix: FIX });
  return readFileSync(path);
}

function changed(path: string, what: string): TraceError {
  return new TraceError(`the ${what} copy does not match the sha256 the manifest recorded: it was changed after the run`, { where: path, fix: FIX });
}

function recordedPolicy(traceDir: string, rec: JudgedRecord["policy"]): ResolvedPolicy {
  readCopy(traceDir, JUDGED_FILES.policy, "policy");
  const p = resolvePolicy(join(traceDir, JUDGED_FILES.policy));
  if (policyDigest(p) !== rec.sha256) throw changed(join(traceDir, JUDGED_FILES.policy), "policy");
  // Reported under the name and chain the run used, not the copy's path.
  return { ...p, name: String(rec.name), chain: rec.chain.map(String) };
}

function recordedProfile(traceDir: string, rec: NonNullable<JudgedRecord["profile"]>): AppProfile {
  if (sha256(readCopy(traceDir, JUDGED_FILES.profile, "app profile")) !== rec.sha256) throw changed(join(traceDir, JUDGED_FILES.profile), "app profile");
  return loadAppProfile(join(traceDir, JUDGED_FILES.profile));
}

const short = (h: string): string => h.slice(0, 12);
const quoted = (s: string): string => `'${s.length > 200 ? `${s.slice(0, 200)}…` : s}'`;

/**
 * The policy and profile to judge a trace with: the flags when given, else what the run recorded
 * (checked against its sha256), else strict and no profile; with notes saying where this judging
 * is not the run's.
 */
export function chooseJudging(traceDir: string, manifest: TraceManifest, req: JudgingRequest): Judging {
  const rec = manifest.judged;
  const use = req.ignoreRecorded ? undefined : rec;
  const policy = req.policy !== undefined ? resolvePolicy(req.policy) : use ? recordedPolicy(traceDir, use.policy) : resolvePolicy();
  const profile = req.profile !== undefined ? loadAppProfile(req.profile) : use?.profile ? recordedProfile(traceDir, use.profile) : undefined;
  const digest = policyDigest(policy);
  const profileDigest = profile?.source ? sha256(readFileSync(profile.source)) : undefined;
  const notes: string[] = [];
  if (rec && req.ignoreRecorded) {
    notes.push(`judged without what the run recorded (--ignore-recorded): policy ${quoted(policy.name)}${profile ? ` and profile ${quoted(profile.source ?? profile.app)}` : " and no app profile"}, where the run used policy ${quoted(rec.policy.name)}${rec.profile ? ` and profile ${quoted(rec.profile.source)}` : ""}: findings can differ from the run's report`);
  } else if (rec) {
    if (digest !== rec.policy.sha256) notes.push(`judged with policy ${quoted(policy.name)} (sha256 ${short(digest)}), not the policy the run recorded, ${quoted(rec.policy.name)} (sha256 ${short(rec.policy.sha256)}): findings can differ from the run's report`);
    if (rec.profile && profileDigest !== undefined && profileDigest !== rec.profile.sha256) notes.push(`judged with app profile ${quoted(profile!.source!)} (sha256 ${short(profileDigest)}), not the profile the run recorded, ${quoted(rec.profile.source)} (sha256 ${short(rec.profile.sha256)}): findings can differ from the run's report`);
  }
  return { policy, policyDigest: digest, ...(profile ? { profile } : {}), ...(profileDigest ? { profileDigest } : {}), notes };
}

/** The analysis with the judging's sha256s (so `permtrace diff` can tell like from unlike) and its notes first among the warnings. */
export function stampJudging(a: Analysis, j: Judging): Analysis {
  return {
    ...a,
    policy: { ...a.policy, sha256: j.policyDigest },
    ...(a.profile ? { profile: { ...a.profile, ...(j.profileDigest ? { sha256: j.profileDigest } : {}) } } : {}),
    warnings: [...j.notes, ...a.warnings],
  };
}

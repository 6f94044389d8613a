import { closeSync, existsSync, fstatSync, readFileSync, readSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { TraceError } from "../errors.js";
import {
  MARKER_KINDS,
  TRACE_FILES,
  TRACE_FORMAT,
  TRACE_SCHEMA_VERSION,
  type CallEvent,
  type Marker,
  type StackRecord,
  type TraceManifest,
} from "./format.js";
import { callEventProblem, mayBeJson, NOT_JSON, parseLine } from "./call-check.js";
import { forEachLine, LONG_LINE, MAX_LINE_BYTES, openRegularFile } from "./lines.js";
import { READER_AJV_OPTIONS, READER_SCHEMAS, readerSchemasFingerprint } from "./schema.js";
import type { ErrorObject, ValidateFunction } from "ajv";

export { callEventProblem };

// Stacks and markers are few (bounded by distinct stacks and scenario steps): each is checked
// against its published schema. Calls are many: they get a hand-written check (callEventProblem).
type Validators = Record<keyof typeof READER_SCHEMAS, ValidateFunction>;
let validators: Validators | undefined;
function validator(kind: keyof typeof READER_SCHEMAS): ValidateFunction {
  validators ??= precompiled() ?? compiled();
  return validators[kind];
}

/** The build's precompiled validators (scripts/build-validators.ts), if present and made from these schemas. */
function precompiled(): Validators | undefined {
  try {
    const m = createRequire(import.meta.url)("./trace-validators.cjs") as Partial<Validators> & { fingerprint?: string };
    if (m.fingerprint !== readerSchemasFingerprint() || !m.stack || !m.marker || !m.manifest) return undefined;
    return { stack: m.stack, marker: m.marker, manifest: m.manifest };
  } catch {
    return undefined;
  }
}

function compiled(): Validators {
  // The schemas are this project's own, checked against the JSON Schema meta-schema by a test:
  // not checking them again here saves half the compile time.
  const { Ajv2020 } = createRequire(import.meta.url)("ajv/dist/2020.js") as typeof import("ajv/dist/2020.js");
  const ajv = new Ajv2020({ ...READER_AJV_OPTIONS, validateSchema: false });
  return { stack: ajv.compile(READER_SCHEMAS.stack), marker: ajv.compile(READER_SCHEMAS.marker), manifest: ajv.compile(READER_SCHEMAS.manifest) };
}

/** Whether this process checks traces with precompiled validators (for tests). */
export function tracePrecompiledValidators(): boolean {
  return precompiled() !== undefined;
}

/** "field 'needs' must be array", from the first schema error. */
function schemaProblem(errors: ErrorObject[] | null | undefined): string {
  const e = errors?.[0];
  if (!e) return "does not match the schema";
  const field = e.instancePath ? `field '${e.instancePath.slice(1).replace(/\//g, ".")}'` : "the line";
  if (e.keyword === "enum") return `${field} is not one of ${(e.params as { allowedValues: unknown[] }).allowedValues.slice(0, 8).map(String).join(", ")}`;
  if (e.keyword === "required") return `${field} is missing '${(e.params as { missingProperty: string }).missingProperty}'`;
  return `${field} ${e.message ?? "is invalid"}`;
}

/** A line the reader skipped, with why. Kept for the first few; all are counted. */
export interface SkippedLine {
  readonly file: string;
  readonly line: number;
  readonly problem: string;
}

export interface ReadStats {
  read: number;
  skipped: number;
  /** The last line was cut mid-write (a crash or kill): skipped and counted here too. */
  truncatedLast: boolean;
}

const KEEP_SKIPPED = 20;

/** Skipped-line bookkeeping shared by the three JSONL files. */
export class SkipLog {
  readonly samples: SkippedLine[] = [];
  readonly byProblem = new Map<string, number>();
  total = 0;

  /** Problem → its kind, for the few problems seen most (a trace of garbage repeats one problem). */
  private readonly kinds = new Map<string, string>();

  add(file: string, line: number, problem: string): void {
    this.total++;
    // Group by kind of problem: the offending value varies, the field name does not.
    let kind = this.kinds.get(problem);
    if (kind === undefined) {
      kind = problem.replace(/(unknown [a-z ]+|not) '[^']*'/g, "$1 '…'");
      if (this.kinds.size < 256) this.kinds.set(problem, kind);
    }
    const key = `${file}: ${kind}`;
    this.byProblem.set(key, (this.byProblem.get(key) ?? 0) + 1);
    if (this.samples.length < KEEP_SKIPPED) this.samples.push({ file, line, problem });
  }
}

const markerKinds: ReadonlySet<string> = new Set(MARKER_KINDS);

/** An opened trace: manifest, stacks and timeline in memory; calls streamed by `forEachCall`. */
export interface OpenTrace {
  readonly dir: string;
  readonly manifest: TraceManifest;
  /** Stacks by id. Bounded by the number of distinct stacks, not of events. */
  readonly stacks: ReadonlyMap<number, StackRecord>;
  /** Markers sorted by time (stable). */
  readonly markers: readonly Marker[];
  readonly skipped: SkipLog;
  readonly stackStats: ReadStats;
  readonly timelineStats: ReadStats;
}

function parseJsonObject(line: string): Record<string, unknown> | string {
  if (!mayBeJson(line)) return "not JSON";
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return "not JSON";
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) return "not a JSON object";
  return value as Record<string, unknown>;
}

/** Reads and checks manifest.json. Throws a TraceError naming the file and the fix. */
/** A manifest is a few KiB; past this it is not one. */
export const MAX_MANIFEST_BYTES = 16 << 20;

/**
 * manifest.json's text, read from one descriptor checked to be a plain file of at most
 * MAX_MANIFEST_BYTES (a FIFO would block the read forever, a device or a huge file exhaust memory).
 */
export function readManifestText(path: string): string {
  let fd: number;
  try {
    fd = openRegularFile(path);
  } catch (err) {
    if (err instanceof TraceError) throw new TraceError("manifest.json is not a regular file", { where: path, fix: "a trace's manifest is a plain JSON file" });
    throw err;
  }
  try {
    const size = fstatSync(fd).size;
    if (size > MAX_MANIFEST_BYTES) throw new TraceError(`manifest.json is ${Math.round(size / 2 ** 20)} MiB: not a permtrace manifest (a few KiB)`, { where: path });
    return readFileSync(fd, "utf8");
  } finally {
    closeSync(fd);
  }
}

export function readManifest(dir: string): TraceManifest {
  if (!existsSync(dir)) {
    throw new TraceError("trace directory not found", { where: dir, fix: "pass the directory a `permtrace run` wrote (it holds manifest.json)" });
  }
  if (!statSync(dir).isDirectory()) {
    throw new TraceError("not a directory", { where: dir, fix: "a trace is a directory holding manifest.json and calls.jsonl" });
  }
  const path = join(dir, TRACE_FILES.manifest);
  if (!existsSync(path)) {
    throw new TraceError("manifest.json missing: not a permtrace trace", { where: dir, fix: "pass the directory a `permtrace run` or `npm run gen:trace` wrote" });
  }
  const text = readManifestText(path);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    const m = /position (\d+)/.exec(String(err));
    const line = m ? text.slice(0, Number(m[1])).split("\n").length : undefined;
    throw new TraceError("manifest is not valid JSON", { where: path, line, fix: "the run that wrote it may have been killed before its first flush; re-run it" });
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new TraceError("manifest is not a JSON object", { where: path });
  }
  const m = value as Record<string, unknown>;
  if (m.format !== TRACE_FORMAT) {
    throw new TraceError(`format is ${JSON.stringify(m.format)}, expected "${TRACE_FORMAT}"`, { where: path, fix: "not a permtrace trace" });
  }
  if (m.schemaVersion !== TRACE_SCHEMA_VERSION) {
    const newer = typeof m.schemaVersion === "number" && m.schemaVersion > TRACE_SCHEMA_VERSION;
    throw new TraceError(`trace schema version ${JSON.stringify(m.schemaVersion)} is not supported (this permtrace reads ${TRACE_SCHEMA_VERSION})`, {
      where: path,
      fix: newer ? "upgrade permtrace" : "re-record the trace with this permtrace",
    });
  }
  const app = m.app as Record<string, unknown> | undefined;
  if (!app || typeof app.package !== "string" || app.package.length === 0) {
    throw new TraceError("app.package missing", { where: path, fix: "the manifest must name the app under test" });
  }
  const check = validator("manifest");
  if (!check(value)) throw new TraceError(`manifest ${schemaProblem(check.errors)}`, { where: path, fix: "see docs/schema/trace-manifest.schema.json" });
  return value as TraceManifest;
}

function readStacks(dir: string, skipped: SkipLog): { stacks: Map<number, StackRecord>; stats: ReadStats } {
  const stacks = new Map<number, StackRecord>();
  const stats: ReadStats = { read: 0, skipped: 0, truncatedLast: false };
  const path = join(dir, TRACE_FILES.stacks);
  if (!existsSync(path)) return { stacks, stats };
  const check = validator("stack");
  forEachLine(path, (line, lineNo, last) => {
    const v = parseJsonObject(line);
    let problem: string | undefined;
    if (typeof v === "string") problem = last ? "truncated last line" : v;
    else if (!check(v)) problem = schemaProblem(check.errors);
    else if (stacks.has(v.id as number)) problem = `stack id ${String(v.id)} defined again; the first definition is kept`;
    if (problem !== undefined) {
      stats.skipped++;
      if (last && typeof v === "string") stats.truncatedLast = true;
      skipped.add(TRACE_FILES.stacks, lineNo, problem);
      return;
    }
    stats.read++;
    stacks.set((v as { id: number }).id, v as unknown as StackRecord);
  }, (lineNo) => {
    stats.skipped++;
    skipped.add(TRACE_FILES.stacks, lineNo, LONG_LINE);
  });
  return { stacks, stats };
}

function readTimeline(dir: string, skipped: SkipLog): { markers: Marker[]; stats: ReadStats } {
  const markers: Marker[] = [];
  const stats: ReadStats = { read: 0, skipped: 0, truncatedLast: false };
  const path = join(dir, TRACE_FILES.timeline);
  if (!existsSync(path)) return { markers, stats };
  const check = validator("marker");
  forEachLine(path, (line, lineNo, last) => {
    const v = parseJsonObject(line);
    let problem: string | undefined;
    if (typeof v === "string") problem = last ? "truncated last line" : v;
    else if (typeof v.t !== "number" || !Number.isFinite(v.t)) problem = "marker without a numeric t";
    else if (typeof v.kind !== "string" || !markerKinds.has(v.kind)) problem = `unknown marker kind '${String(v.kind)}'`;
    else if (!check(v)) problem = schemaProblem(check.errors);
    if (problem !== undefined) {
      stats.skipped++;
      if (last && typeof v === "string") stats.truncatedLast = true;
      skipped.add(TRACE_FILES.timeline, lineNo, problem);
      return;
    }
    stats.read++;
    markers.push(v as unknown as Marker);
  }, (lineNo) => {
    stats.skipped++;
    skipped.add(TRACE_FILES.timeline, lineNo, LONG_LINE);
  });
  // Stable sort: writers append in time order, but several processes may interleave.
  markers.sort((a, b) => a.t - b.t);
  return { markers, stats };
}

/** Opens a trace directory: checks the manifest, loads stacks and the timeline. */
export function openTrace(dir: string): OpenTrace {
  const manifest = readManifest(dir);
  if (!existsSync(join(dir, TRACE_FILES.calls))) {
    throw new TraceError("calls.jsonl missing", { where: dir, fix: "the run recorded no calls file; check that the agent loaded" });
  }
  for (const f of [TRACE_FILES.calls, TRACE_FILES.stacks, TRACE_FILES.timeline]) {
    const p = join(dir, f);
    if (existsSync(p) && !statSync(p).isFile()) throw new TraceError("not a regular file", { where: p, fix: "a trace's JSONL files are plain files" });
  }
  const skipped = new SkipLog();
  const { stacks, stats: stackStats } = readStacks(dir, skipped);
  const { markers, stats: timelineStats } = readTimeline(dir, skipped);
  return { dir, manifest, stacks, markers, skipped, stackStats, timelineStats };
}

/**
 * Streams calls.jsonl: every valid event goes to `onCall` in file order, with the byte offset of
 * its line; invalid lines are skipped and logged in `trace.skipped`, a cut-off last line is
 * reported as truncated.
 */
export function forEachCall(trace: OpenTrace, onCall: (event: CallEvent, offset: number) => void): ReadStats {
  const stats: ReadStats = { read: 0, skipped: 0, truncatedLast: false };
  const file = TRACE_FILES.calls;
  forEachLine(join(trace.dir, file), (line, lineNo, last, offset) => {
    const v = parseLine(line);
    if (v === NOT_JSON) {
      stats.skipped++;
      if (last) stats.truncatedLast = true;
      trace.skipped.add(file, lineNo, last ? "truncated last line" : "not JSON");
      return;
    }
    if (v === null || typeof v !== "object" || Array.isArray(v)) {
      stats.skipped++;
      trace.skipped.add(file, lineNo, "not a JSON object");
      return;
    }
    const problem = callEventProblem(v as Record<string, unknown>);
    if (problem !== undefined) {
      stats.skipped++;
      trace.skipped.add(file, lineNo, problem);
      return;
    }
    stats.read++;
    onCall(v as CallEvent, offset);
  }, (lineNo) => {
    stats.skipped++;
    trace.skipped.add(file, lineNo, LONG_LINE);
  });
  return stats;
}

/** Reads calls again by their lines' byte offsets (for evidence), through one open file. */
export class CallReader {
  private fd: number | undefined;
  private buf = Buffer.allocUnsafe(1 << 16);

  constructor(private readonly trace: OpenTrace) {}

  /** The call whose line starts at `offset`, or undefined if that line is not the call `seq`. */
  at(offset: number, seq: number): CallEvent | undefined {
    try {
      this.fd ??= openRegularFile(join(this.trace.dir, TRACE_FILES.calls));
      // Read until the line's end; a line may be long (many arguments), up to MAX_LINE_BYTES.
      let n = 0;
      let end = -1;
      for (;;) {
        if (n === this.buf.length) {
          if (n >= MAX_LINE_BYTES) return undefined;
          const bigger = Buffer.allocUnsafe(n * 2);
          this.buf.copy(bigger, 0, 0, n);
          this.buf = bigger;
        }
        const got = readSync(this.fd, this.buf, n, this.buf.length - n, offset + n);
        const from = n;
        n += got;
        end = this.buf.subarray(0, n).indexOf(10, from);
        if (end >= 0 || got === 0) break;
      }
      const v = JSON.parse(this.buf.toString("utf8", 0, end < 0 ? n : end)) as CallEvent;
      return v.seq === seq ? v : undefined;
    } catch {
      return undefined;
    }
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}

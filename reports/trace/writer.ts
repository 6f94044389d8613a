import { closeSync, existsSync, mkdirSync, openSync, renameSync, writeFileSync, writeSync } from "node:fs";
import { TraceError } from "../errors.js";
import { join } from "node:path";
import {
  TRACE_FILES,
  TRACE_FORMAT,
  TRACE_SCHEMA_VERSION,
  type CallEvent,
  type Marker,
  type StackFrame,
  type TraceManifest,
} from "./format.js";

/** What the writer fills in itself. */
export type ManifestInit = Omit<TraceManifest, "format" | "schemaVersion" | "complete" | "counts" | "startedAt"> & {
  readonly startedAt?: string;
};

export type CallInput = Omit<CallEvent, "seq">;

const FLUSH_BYTES = 1 << 18;

class AppendFile {
  private readonly fd: number;
  private chunks: string[] = [];
  private size = 0;
  constructor(path: string) {
    this.fd = openSync(path, "a");
  }
  push(line: string): boolean {
    this.chunks.push(line);
    this.size += line.length;
    return this.size >= FLUSH_BYTES;
  }
  flush(): void {
    if (this.chunks.length === 0) return;
    writeSync(this.fd, this.chunks.join(""));
    this.chunks = [];
    this.size = 0;
  }
  close(): void {
    this.flush();
    closeSync(this.fd);
  }
}

/**
 * Appends a trace. Calls and stacks are buffered and written at every marker, every 256 KiB and
 * on `flush()`; the manifest says `complete: false` until `close()`. A process killed mid-run
 * therefore leaves a trace that reads up to its last flush, with at most one cut-off line.
 */
export class TraceWriter {
  readonly dir: string;
  private manifest: TraceManifest;
  private readonly calls: AppendFile;
  private readonly stacks: AppendFile;
  private readonly timeline: AppendFile;
  private readonly stackIds = new Map<string, number>();
  private nextSeq = 1;
  private counts = { calls: 0, stacks: 0, markers: 0 };
  private closed = false;
  /** Quiet stretches (a five-minute background step) still reach the disk every second. */
  private readonly timer: ReturnType<typeof setInterval>;

  constructor(dir: string, init: ManifestInit) {
    this.dir = dir;
    if (existsSync(join(dir, TRACE_FILES.manifest))) {
      throw new TraceError("already holds a trace", { where: dir, fix: "write each run to a new directory (or delete the old trace first)" });
    }
    mkdirSync(dir, { recursive: true });
    this.manifest = {
      format: TRACE_FORMAT,
      schemaVersion: TRACE_SCHEMA_VERSION,
      ...init,
      startedAt: init.startedAt ?? new Date().toISOString(),
      complete: false,
    };
    this.writeManifest();
    this.calls = new AppendFile(join(dir, TRACE_FILES.calls));
    this.stacks = new AppendFile(join(dir, TRACE_FILES.stacks));
    this.timeline = new AppendFile(join(dir, TRACE_FILES.timeline));
    this.timer = setInterval(() => this.flush(), 1000);
    this.timer.unref();
  }

  /** Interns a stack: the first time a frame list is seen it is written; its id is returned every time. */
  stack(frames: readonly StackFrame[], truncated = false): number {
    if (this.closed) return -1;
    const key = JSON.stringify(frames) + (truncated ? "+" : "");
    let id = this.stackIds.get(key);
    if (id === undefined) {
      id = this.stackIds.size + 1;
      this.stackIds.set(key, id);
      this.counts.stacks++;
      const record = truncated ? { id, frames, truncated } : { id, frames };
      if (this.stacks.push(JSON.stringify(record) + "\n")) this.flushData();
    }
    return id;
  }

  /** Appends a call; returns its seq. */
  call(event: CallInput): number {
    // Late events (a process ending after the run closed) are dropped, not written to a closed file.
    if (this.closed) return -1;
    const seq = this.nextSeq++;
    this.counts.calls++;
    if (this.calls.push(JSON.stringify({ seq, ...event }) + "\n")) this.flushData();
    return seq;
  }

  /** Appends a marker and flushes everything, so the timeline never runs ahead of the calls on disk. */
  mark(marker: Marker): void {
    if (this.closed) return;
    this.counts.markers++;
    this.timeline.push(JSON.stringify(marker) + "\n");
    this.flush();
  }

  /** Updates manifest fields (device, app, agent coverage) and rewrites it atomically. */
  updateManifest(patch: Partial<ManifestInit>): void {
    if (this.closed) return;
    this.manifest = { ...this.manifest, ...patch };
    this.writeManifest();
  }

  flush(): void {
    if (this.closed) return;
    this.flushData();
    this.timeline.flush();
  }

  /** Flushes, closes, and marks the trace complete (or incomplete with a reason). */
  close(incompleteReason?: string): void {
    if (this.closed) return;
    clearInterval(this.timer);
    this.flushData();
    this.timeline.flush();
    this.closed = true;
    this.calls.close();
    this.stacks.close();
    this.timeline.close();
    this.manifest = {
      ...this.manifest,
      endedAt: new Date().toISOString(),
      complete: incompleteReason === undefined,
      ...(incompleteReason === undefined ? {} : { incompleteReason }),
    };
    this.writeManifest();
  }

  private flushData(): void {
    // Stacks first: a call on disk never references a stack that is not.
    this.stacks.flush();
    this.calls.flush();
  }

  private writeManifest(): void {
    const path = join(this.dir, TRACE_FILES.manifest);
    const tmp = `${path}.tmp`;
    writeFileSync(tmp, JSON.stringify({ ...this.manifest, counts: { ...this.counts } }, null, 2) + "\n");
    renameSync(tmp, path);
  }
}

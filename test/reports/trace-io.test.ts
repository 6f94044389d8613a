import { execFileSync } from "node:child_process";
import { appendFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { TraceError } from "../../reports/errors.js";
import type { CallEvent } from "../../reports/trace/format.js";
import { forEachLine } from "../../reports/trace/lines.js";
import { forEachCall, openTrace, readManifestText } from "../../reports/trace/reader.js";
import { TraceWriter } from "../../reports/trace/writer.js";
import { tempDir, TraceBuilder } from "../support/trace-builder.js";

function readAll(dir: string): { events: CallEvent[]; stats: ReturnType<typeof forEachCall>; trace: ReturnType<typeof openTrace> } {
  const trace = openTrace(dir);
  const events: CallEvent[] = [];
  const stats = forEachCall(trace, (e) => events.push(e));
  return { events, stats, trace };
}

describe("trace writer and reader", () => {
  it("round-trips calls, interns stacks and sorts markers", () => {
    const b = new TraceBuilder();
    b.call(5, "telephony.TelephonyManager.getImei", "phone_identifiers", { from: ["com.umeng.a.b"] });
    b.call(6, "telephony.TelephonyManager.getImei", "phone_identifiers", { from: ["com.umeng.a.b"] });
    b.call(7, "location.LocationManager.getLastKnownLocation", "location");
    b.mark(3, "consent_accepted").mark(1, "app_launch");
    const dir = b.close();
    const { events, stats, trace } = readAll(dir);
    expect(stats).toEqual({ read: 3, skipped: 0, truncatedLast: false });
    expect(events.map((e) => e.seq)).toEqual([1, 2, 3]);
    expect(events[0]!.stack).toBe(events[1]!.stack);
    expect(events[2]!.stack).not.toBe(events[0]!.stack);
    expect(trace.stacks.size).toBe(2);
    expect(readFileSync(join(dir, "stacks.jsonl"), "utf8").trim().split("\n")).toHaveLength(2);
    expect(trace.markers.map((m) => m.kind)).toEqual(["app_launch", "consent_accepted"]);
    expect(trace.manifest.complete).toBe(true);
    expect(trace.manifest.counts).toEqual({ calls: 3, stacks: 2, markers: 2 });
  });

  it("keeps the manifest incomplete until close, and records the reason", () => {
    const dir = tempDir();
    const w = new TraceWriter(dir, { tool: { name: "permtrace", version: "t" }, device: {}, app: { package: "a.b" } });
    w.call({ t: 1, hook: "h.x", cat: "clipboard", out: "returned", pid: 1, tid: 1 });
    w.mark({ t: 2, kind: "step_start" });
    expect(JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8")).complete).toBe(false);
    // Data written before the marker is on disk already.
    expect(readFileSync(join(dir, "calls.jsonl"), "utf8")).toContain('"hook":"h.x"');
    w.close("app crashed");
    const m = JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8"));
    expect(m.complete).toBe(false);
    expect(m.incompleteReason).toBe("app crashed");
  });

  it("tolerates a cut-off last line and reports it as truncated", () => {
    const dir = new TraceBuilder().call(1, "h.a", "clipboard").call(2, "h.a", "clipboard").close();
    appendFileSync(join(dir, "calls.jsonl"), '{"seq":3,"t":3,"hook":"h.a","cat":"clip');
    const { events, stats, trace } = readAll(dir);
    expect(events).toHaveLength(2);
    expect(stats).toEqual({ read: 2, skipped: 1, truncatedLast: true });
    expect(trace.skipped.samples[0]).toEqual({ file: "calls.jsonl", line: 3, problem: "truncated last line" });
  });

  it("skips garbage and invalid events in the middle with their line numbers", () => {
    const dir = new TraceBuilder().call(1, "h.a", "clipboard").close();
    appendFileSync(
      join(dir, "calls.jsonl"),
      ["not json at all", "[1,2]", '{"seq":9,"t":4,"hook":"h.b","cat":"teleportation","out":"returned","pid":1,"tid":1}', "", '{"seq":10,"t":5,"hook":"h.c","cat":"sms","out":"returned","pid":1,"tid":1}', ""].join("\n"),
    );
    const { events, stats, trace } = readAll(dir);
    expect(events.map((e) => e.hook)).toEqual(["h.a", "h.c"]);
    expect(stats.skipped).toBe(3);
    expect(stats.truncatedLast).toBe(false);
    expect(trace.skipped.samples).toEqual([
      { file: "calls.jsonl", line: 2, problem: "not JSON" },
      { file: "calls.jsonl", line: 3, problem: "not a JSON object" },
      { file: "calls.jsonl", line: 4, problem: "unknown category 'teleportation'" },
    ]);
  });

  it("reads CRLF files, blank lines and multi-byte text across chunk boundaries", () => {
    const dir = tempDir();
    const path = join(dir, "x.jsonl");
    const line = JSON.stringify({ s: "位置信息—定位".repeat(40) });
    // Over 4 MiB so the reader crosses chunk boundaries inside multi-byte characters.
    const n = Math.ceil((5 * 1024 * 1024) / Buffer.byteLength(line));
    writeFileSync(path, Array.from({ length: n }, () => line).join("\r\n") + "\r\n\r\n");
    let ok = 0;
    const scan = forEachLine(path, (l) => {
      if (l === line) ok++;
    });
    expect(ok).toBe(n);
    expect(scan.lines).toBe(n);
    expect(scan.unterminatedLast).toBe(false);
  });

  it("refuses other schema versions with a fix", () => {
    const dir = new TraceBuilder().close();
    const p = join(dir, "manifest.json");
    writeFileSync(p, JSON.stringify({ ...JSON.parse(readFileSync(p, "utf8")), schemaVersion: 2 }));
    expect(() => openTrace(dir)).toThrowError(TraceError);
    try {
      openTrace(dir);
    } catch (e) {
      expect((e as TraceError).toLine()).toBe(`${p}: trace schema version 2 is not supported (this permtrace reads 1) — upgrade permtrace`);
    }
  });

  it("names the problem for a missing directory, a missing manifest and a corrupt one", () => {
    const missing = join(tempDir(), "nope");
    expect(() => openTrace(missing)).toThrowError(/trace directory not found/);
    const empty = tempDir();
    expect(() => openTrace(empty)).toThrowError(/manifest.json missing: not a permtrace trace/);
    const corrupt = tempDir();
    mkdirSync(corrupt, { recursive: true });
    writeFileSync(join(corrupt, "manifest.json"), '{\n  "format": "permtrace-trace",\n  oops\n}');
    try {
      openTrace(corrupt);
      expect.unreachable();
    } catch (e) {
      expect((e as TraceError).toLine()).toMatch(/manifest.json:3: manifest is not valid JSON/);
    }
  });
});

describe("line offsets", () => {
  it("gives each line's byte offset, in ASCII and UTF-8 files, with CRLF and blank lines", () => {
    const dir = tempDir();
    const path = join(dir, "x.jsonl");
    const lines = ['{"a":1}', '{"s":"位置"}', "", '{"b":"é"}', '{"c":3}'];
    writeFileSync(path, lines.join("\r\n"));
    const buf = readFileSync(path);
    const seen: [string, number][] = [];
    forEachLine(path, (l, _n, _last, offset) => seen.push([l, offset]));
    expect(seen.map(([l]) => l)).toEqual(lines.filter((l) => l));
    for (const [l, offset] of seen) expect(buf.subarray(offset, offset + Buffer.byteLength(l)).toString("utf8")).toBe(l);
  });
});

describe("over-long lines", () => {
  it("skips a stack or marker line of 64 MiB or more with its line number, and reads the rest", () => {
    const dir = new TraceBuilder().consented().call(2, "telephony.TelephonyManager.getImei", "phone_identifiers").close();
    const huge = "x".repeat(64 << 20);
    appendFileSync(join(dir, "stacks.jsonl"), `{"id":50,"frames":[{"c":"${huge}"}]}\n{"id":51,"frames":[{"c":"a.B","m":"c"}]}\n`);
    appendFileSync(join(dir, "timeline.jsonl"), `{"t":5,"kind":"background","note":"${huge}"}\n{"t":6,"kind":"foreground"}\n`);
    const stackLines = readFileSync(join(dir, "stacks.jsonl"), "utf8").split("\n").length - 2;
    const markerLines = readFileSync(join(dir, "timeline.jsonl"), "utf8").split("\n").length - 2;
    const trace = openTrace(dir);
    expect(trace.skipped.samples).toEqual([
      { file: "stacks.jsonl", line: stackLines, problem: "line longer than 64 MiB" },
      { file: "timeline.jsonl", line: markerLines, problem: "line longer than 64 MiB" },
    ]);
    expect(trace.stacks.has(51)).toBe(true);
    expect(trace.markers.at(-1)?.kind).toBe("foreground");
  }, 60_000);
});

describe("reading only plain files", () => {
  it("refuses a named pipe on the opened file itself, at once (no waiting for a writer)", () => {
    const dir = tempDir();
    const fifo = join(dir, "calls.jsonl");
    execFileSync("mkfifo", [fifo]);
    expect(() => forEachLine(fifo, () => {})).toThrow(TraceError);
    expect(() => forEachLine(fifo, () => {})).toThrow(/not a regular file/);
    expect(() => readManifestText(fifo)).toThrow(/manifest.json is not a regular file/);
    expect(() => forEachLine(dir, () => {})).toThrow();
  });
});

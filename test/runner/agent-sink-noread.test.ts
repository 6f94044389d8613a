import { describe, expect, it } from "vitest";
import { netRecord } from "../../runner/agent-sink.js";

// A match the agent made with no read (-1: a value the runner supplied) is `noRead`; one naming a
// read the sink no longer holds is neither a seq nor "no read" — a report must not say the read
// was never seen (reports/flows.ts counts `noRead` only).
describe("the sink's read links", () => {
  it("marks a match with no read as noRead, and a read out of the window as unknown", () => {
    const seqs = { get: (id: number) => (id === 7 ? 41 : undefined) };
    const r = netRecord([2, "h.example", 443, 1, 10, [["serial", "plain", 2, -1, 1], ["imei", "plain", 2, 5, 1], ["android_id", "md5-lower", 2, 7, 1]]], seqs);
    expect(r.matches).toEqual([
      { kind: "serial", enc: "plain", where: "body", noRead: true, conf: 1 },
      { kind: "imei", enc: "plain", where: "body", conf: 1 },
      { kind: "android_id", enc: "md5-lower", where: "body", readSeq: 41, conf: 1 },
    ]);
  });
});

import { describe, expect, it } from "vitest";
import { MAX_STRINGS, Recorder } from "../../agent/engine/recorder.js";
import type { AgentMessage } from "../../agent/protocol.js";
import { AgentSink } from "../../runner/agent-sink.js";
import type { CallInput, TraceWriter } from "../../reports/trace/writer.js";

/** The recorder's messages, straight into the runner's sink and a writer that keeps the calls. */
function pipeline() {
  const written: CallInput[] = [];
  const writer = { call: (e: CallInput) => written.push(e), stack: () => 1, mark: () => undefined } as unknown as TraceWriter;
  const sink = new AgentSink(writer, { pid: 1 });
  sink.onMessage({ type: "coverage", hooks: [["telephony.TelephonyManager.getImei", "hooked"]], permissions: ["android.permission.READ_PHONE_STATE"] });
  const recorder = new Recorder((m: AgentMessage) => sink.onMessage(JSON.parse(JSON.stringify(m)) as AgentMessage), { batchSize: 1_000_000, flushMs: 1_000_000 });
  return { recorder, written };
}

describe("the recorder's string table and the sink", () => {
  it("an outcome queued before the table starts over resolves to its own strings", () => {
    const { recorder, written } = pipeline();
    // A call whose outcome comes in a later batch (it was sent while in flight).
    const inFlight = recorder.begin(1, 0, 0, 1, -1, ["first"], 0, null);
    recorder.flush();
    // Fill the string table to its bound with ever-new values.
    for (let i = 0; recorder.stats.calls < MAX_STRINGS + 1; i++) {
      const id = recorder.begin(2, 0, 0, 1, -1, [`value-${i}`], 0, null);
      recorder.end(id, false, null, null);
      if (i % 1000 === 0) recorder.flush();
    }
    recorder.flush();
    // The outcome names an exception class the table already had …
    recorder.end(inFlight, true, "value-7", null);
    // … and a new string comes right after, before the next batch.
    const next = recorder.begin(3, 0, 0, 1, -1, ["brand-new"], 0, null);
    recorder.end(next, true, "java.lang.SecurityException", null);
    recorder.flush();
    const first = written.find((c) => c.args?.[0] === "first");
    expect(first).toMatchObject({ out: "threw", exc: "value-7", perm: "android.permission.READ_PHONE_STATE" });
    expect(written.find((c) => c.args?.[0] === "brand-new")).toMatchObject({ out: "threw", exc: "java.lang.SecurityException" });
  });
});

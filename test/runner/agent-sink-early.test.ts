import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { Marker } from "../../reports/trace/format.js";
import type { TraceWriter } from "../../reports/trace/writer.js";
import { AgentSink } from "../../runner/agent-sink.js";
import { BUNDLE, loadAgent } from "../../runner/sandbox/runtime.js";
import { android } from "../support/android-fixture.js";

// The sink holds batches that arrive before the coverage message naming their hooks
// (runner/agent-sink.ts, `early`). A coverage message that names no hook is still one: what
// the batches carry then (lifecycle markers) is written, not held for ever. `npm run build` first.

describe("batches before and after the coverage message", () => {
  it("an agent that hooks nothing (an include that selects no entry) still has its foreground/background markers written", async () => {
    const rt = loadAgent(android({ imeiDenied: false, clipboardText: "" }), { source: readFileSync(BUNDLE, "utf8") });
    rt.rpc.init({ appPackage: "com.example.app", include: ["no.such.family."] });
    const coverage = rt.messages.find((m) => m.type === "coverage");
    expect(coverage).toMatchObject({ hooks: [] });
    rt.call("android.app.Activity", "onStart", [], [], []);
    rt.call("android.app.Activity", "onStop", [], [], []);
    rt.rpc.flush();
    const marks: Marker[] = [];
    const writer = { call: () => 1, stack: () => 1, mark: (m: Marker) => void marks.push(m) } as unknown as TraceWriter;
    const sink = new AgentSink(writer, { pid: 7 });
    for (const m of rt.messages) sink.onMessage(m);
    sink.close();
    expect(marks.map((m) => m.kind)).toEqual(["foreground", "background"]);
  });
});

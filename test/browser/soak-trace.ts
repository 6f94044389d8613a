import { GDT, TraceBuilder, UMENG } from "../support/trace-builder.js";

const S = 1000;

/** The short scenarios after the soak, with their spans in seconds of trace time. */
export const SHORT = [
  { name: "tap-scan", start: 3595, end: 3597 },
  { name: "open-map", start: 3597.5, end: 3599 },
] as const;

/**
 * An hour-long background soak, then two scenarios of a second or two: at the full range each
 * short one is a sliver of the chart, too narrow for its name.
 */
export function soakTrace(): string {
  // The builder's times are trace milliseconds.
  const b = new TraceBuilder().consented(0.5 * S);
  b.mark(1 * S, "scenario_start", { scenario: "background-soak", needs: [] })
    .mark(1 * S, "step_start", { scenario: "background-soak", step: 0, action: "background" })
    .mark(2 * S, "background");
  // An ad SDK polling location every 30 s through the soak.
  for (let t = 30; t < 3590; t += 30) b.call(t * S, "location.LocationManager.getLastKnownLocation", "location", { from: GDT });
  b.mark(3590 * S, "foreground").mark(3590 * S, "step_end", { scenario: "background-soak", step: 0, action: "background", status: "ok" }).mark(3590 * S, "scenario_end", { scenario: "background-soak", status: "ok" });
  for (const s of SHORT) {
    b.mark(s.start * S, "scenario_start", { scenario: s.name, needs: [] })
      .mark(s.start * S, "step_start", { scenario: s.name, step: 0, action: "tapOn", label: "Scan" })
      .call((s.start + 0.5) * S, "telephony.TelephonyManager.getImei", "phone_identifiers", { from: UMENG })
      .mark((s.start + 1) * S, "step_start", { scenario: s.name, step: 1, action: "back" })
      .mark(s.end * S, "scenario_end", { scenario: s.name, status: "ok" });
  }
  return b.plan(["background-soak", ...SHORT.map((s) => s.name)]).close();
}

import { describe, expect, it } from "vitest";
import { ActivityBins, MAX_BINS, timelineMarks, TOP_PARTIES, type Activity } from "../../reports/activity.js";
import { CATEGORY_IDS } from "../../reports/trace/categories.js";
import type { Marker } from "../../reports/trace/format.js";
import { analyzeDir, GDT, TraceBuilder, UMENG } from "../support/trace-builder.js";

const party = (i: number) => ({ key: `p${i}`, name: `party ${i}`, kind: "sdk" as const });
const sum = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0);

/** The bin a time falls in, by the aggregate's own geometry. */
function binOf(a: Activity, t: number): number {
  return Math.floor((t - a.start) / a.binMs);
}

describe("activity aggregate (calls over time)", () => {
  it("starts with 1 ms bins and counts each call in its bin, by category and party", () => {
    const b = new ActivityBins();
    b.add(5, 0, 0);
    b.add(5.9, 0, 1);
    b.add(30, 3, 1);
    const a = b.result(party);
    expect(a).toMatchObject({ binMs: 1, start: 5, bins: 26 });
    expect(a.byCategory.location![0]).toBe(2);
    expect(a.byCategory[CATEGORY_IDS[3]!]![25]).toBe(1);
    expect(a.byParty.map((p) => [p.key, sum(p.counts)])).toEqual([["p1", 2], ["p0", 1]]);
    for (const s of [...Object.values(a.byCategory), ...a.byParty.map((p) => p.counts)]) expect(s).toHaveLength(26);
  });

  it("doubles the bin width, merging pairs, when the range passes MAX_BINS; counts still sum to the calls", () => {
    const b = new ActivityBins();
    const times: number[] = [];
    // A long, slightly shuffled stream: several processes interleave.
    for (let i = 0; i < 50_000; i++) times.push(i * 7.3 + ((i * 7919) % 13) - 6);
    for (const t of times) b.add(t, 0, 0);
    const a = b.result(party);
    expect(a.bins).toBeLessThanOrEqual(MAX_BINS);
    expect(a.bins).toBeGreaterThan(MAX_BINS / 2);
    expect(Math.log2(a.binMs) % 1).toBe(0);
    expect(Number.isInteger(a.start / a.binMs)).toBe(true);
    expect(sum(a.byCategory.location!)).toBe(times.length);
    // Every bin holds exactly the calls whose time falls in it.
    const expected = new Array<number>(a.bins).fill(0);
    for (const t of times) expected[binOf(a, t)]!++;
    expect(a.byCategory.location).toEqual(expected);
    expect(a.byParty[0]!.counts).toEqual(expected);
  });

  it("extends to the left for a call earlier than the first, and merges when that overflows", () => {
    const b = new ActivityBins();
    b.add(1000, 0, 0);
    b.add(1500, 0, 0);
    b.add(990, 1, 0);
    let a = b.result(party);
    expect(a.start).toBe(990);
    expect(a.bins).toBe(511);
    expect(sum(a.byParty[0]!.counts)).toBe(3);
    b.add(0, 1, 0);
    a = b.result(party);
    expect(a.start).toBe(0);
    expect(a.binMs).toBe(4);
    expect(a.byCategory.contacts![binOf(a, 990)]).toBe(1);
    expect(a.byCategory.contacts![0]).toBe(1);
    expect(a.byCategory.location![binOf(a, 1500)]).toBe(1);
    expect(sum(a.byCategory.location!) + sum(a.byCategory.contacts!)).toBe(4);
  });

  it("keeps the busiest parties and sums the rest as `other`", () => {
    const b = new ActivityBins();
    for (let p = 0; p < TOP_PARTIES + 5; p++) for (let k = 0; k <= p; k++) b.add(k, 0, p);
    const a = b.result(party);
    expect(a.byParty).toHaveLength(TOP_PARTIES + 1);
    expect(a.byParty[0]!.key).toBe(`p${TOP_PARTIES + 4}`);
    const other = a.byParty[TOP_PARTIES]!;
    expect(other).toMatchObject({ key: "other", kind: "other", name: "5 other parties" });
    expect(sum(other.counts)).toBe(1 + 2 + 3 + 4 + 5);
    expect(sum(a.byParty.flatMap((p) => p.counts))).toBe(sum(a.byCategory.location!));
  });

  it("keeps a party's bins sparse: memory grows with the bins a party has calls in, not bins × parties", () => {
    // A trace can name any number of parties (each unknown package is one): 50,000 with one call
    // each, late in a run of ~500 bins, would have held 25 million counters as dense rows.
    const b = new ActivityBins();
    const n = 50_000;
    b.add(0, 0, 0);
    for (let p = 1; p < n; p++) b.add(400_000 + p, 1, p);
    expect(b.partyCells()).toBeLessThanOrEqual(n);
    const a = b.result(party);
    expect(a.bins).toBeGreaterThan(MAX_BINS / 2);
    expect(a.byParty).toHaveLength(TOP_PARTIES + 1);
    expect(a.byParty[TOP_PARTIES]!.name).toBe(`${n - TOP_PARTIES} other parties`);
    expect(sum(a.byParty.flatMap((p) => p.counts))).toBe(n);
    // Parties untouched since the bins last widened are merged like the rest: every call in its bin.
    const all = new Array<number>(a.bins).fill(0);
    for (const p of a.byParty) p.counts.forEach((x, i) => (all[i]! += x));
    const expected = new Array<number>(a.bins).fill(0);
    expected[binOf(a, 0)]!++;
    for (let p = 1; p < n; p++) expected[binOf(a, 400_000 + p)]!++;
    expect(all).toEqual(expected);
    for (const p of a.byParty.slice(0, TOP_PARTIES)) {
      const i = Number(p.key.slice(1));
      expect(p.counts[binOf(a, i === 0 ? 0 : 400_000 + i)]).toBe(1);
    }
  });

  it("drops non-finite times and survives huge ranges", () => {
    const b = new ActivityBins();
    b.add(Number.NaN, 0, 0);
    b.add(Number.POSITIVE_INFINITY, 0, 0);
    b.add(-5, 0, 0);
    b.add(1e12, 0, 0);
    const a = b.result(party);
    expect(a.bins).toBeLessThanOrEqual(MAX_BINS);
    expect(sum(a.byCategory.location!)).toBe(2);
  });

  it("is built by analyze(): counts sum to the calls, parties named, scenarios counted", () => {
    const dir = new TraceBuilder()
      .consented(1)
      .mark(2, "scenario_start", { scenario: "browse", needs: [] })
      .calls([3, 4, 5000], "telephony.TelephonyManager.getImei", "phone_identifiers", { from: UMENG })
      .call(4.5, "location.LocationManager.getLastKnownLocation", "location", { from: GDT })
      .mark(6000, "scenario_end", { scenario: "browse" })
      .call(7000, "location.LocationManager.getLastKnownLocation", "location", { from: GDT })
      .close();
    const a = analyzeDir(dir);
    const act = a.activity!;
    expect(sum(Object.values(act.byCategory).flatMap((c) => c ?? []))).toBe(a.trace.calls);
    expect(sum(act.byParty.flatMap((p) => p.counts))).toBe(a.trace.calls);
    expect(act.byParty.map((p) => p.name).sort()).toEqual(a.parties.map((p) => p.party.name).sort());
    expect(a.scenarios[0]).toMatchObject({ name: "browse", calls: 4, categories: { phone_identifiers: 3, location: 1 } });
  });
});

describe("timeline marks", () => {
  const m = (t: number, kind: Marker["kind"], f: Partial<Marker> = {}): Marker => ({ t, kind, ...f });

  it("turns markers into moments and spans; open spans have no end", () => {
    const { marks, omitted } = timelineMarks([
      m(0, "app_launch", { cold: true }),
      m(0, "consent_shown"),
      m(1, "scenario_start", { scenario: "a" }),
      m(1, "step_start", { scenario: "a", step: 0, action: "tapOn", label: "Agree" }),
      m(2, "consent_rejected"),
      m(3, "background"),
      m(4, "permission_dialog_shown", { permissions: ["android.permission.CAMERA"] }),
      m(5, "permission_dialog_answered", { permissions: ["android.permission.CAMERA"], answer: "deny" }),
      m(6, "foreground"),
      m(7, "scenario_start", { scenario: "b" }),
      m(8, "screen_off"),
      m(9, "screenshot", { path: "s/1.png" }),
      m(10, "permission_revoked", { permissions: ["android.permission.CAMERA"] }),
    ]);
    expect(omitted).toBe(0);
    const spans = marks.filter((x) => ["scenario", "background", "screen_off"].includes(x.kind));
    expect(spans).toEqual([
      { kind: "scenario", t: 1, end: 7, label: "a" },
      { kind: "background", t: 3, end: 6 },
      { kind: "scenario", t: 7, label: "b" },
      { kind: "screen_off", t: 8 },
    ]);
    expect(marks.find((x) => x.kind === "step")).toEqual({ kind: "step", t: 1, label: "1. tapOn Agree", scenario: "a" });
    expect(marks.find((x) => x.kind === "permission_dialog_answered")?.label).toBe("deny: CAMERA");
    expect(marks.map((x) => x.t)).toEqual([...marks.map((x) => x.t)].sort((x, y) => x - y));
  });

  it("caps each kind and counts what it left out; cuts long labels", () => {
    const markers = Array.from({ length: 800 }, (_, i) => m(i, "mark", { label: "x".repeat(1000) }));
    const { marks, omitted } = timelineMarks(markers);
    expect(marks).toHaveLength(500);
    expect(omitted).toBe(300);
    expect(marks[0]!.label!.length).toBe(301);
  });
});

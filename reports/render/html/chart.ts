import { MAX_MARKS_PER_KIND, type Activity, type TimelineMark } from "../../activity.js";
import type { Analysis } from "../../analyze.js";
import { CATEGORIES, isCategory } from "../../trace/categories.js";
import { clean, esc, int, secs, u } from "./escape.js";
import { OTHER_SERIES, PALETTE } from "./style.js";

/**
 * The timeline chart: calls per time bin as stacked bars, by category or by party (a CSS-only
 * switch), over the scenario bands, step ticks, consent lines, background and screen-off
 * periods, permission events and screenshots. Server-rendered SVG with native <title> tooltips;
 * its size depends on the bin count (bounded by the analysis), never on the number of calls.
 */
export interface Series {
  readonly name: string;
  /** Palette index: colour class `s<n>`. */
  readonly colour: number;
  readonly counts: readonly number[];
  readonly total: number;
}

// Geometry in viewBox units (the SVG scales to the page width).
const W = 1000;
const LEFT = 74;
const RIGHT = 26;
const BAND = { y: 0, h: 18 };
const STEP = { y: 20, h: 7 };
const PLOT = { y: 30, h: 190 };
const AXIS_Y = PLOT.y + PLOT.h;
const BG_LANE = { y: 244, h: 10 };
const OFF_LANE = { y: 261, h: 10 };
const EVENTS_Y = 286;
const H = 298;

const r1 = (x: number): number => Math.round(x * 10) / 10;

/** The chart's series: the busiest categories (or the analysis' parties), the rest as "other". */
export function categorySeries(a: Activity): Series[] {
  const all = Object.entries(a.byCategory)
    .map(([c, counts]) => ({ c, counts: counts ?? [], total: (counts ?? []).reduce((x, y) => x + y, 0) }))
    .sort((x, y) => y.total - x.total || (x.c < y.c ? -1 : 1));
  const named = all.length > OTHER_SERIES ? all.slice(0, OTHER_SERIES - 1) : all;
  const series: Series[] = named.map((s, i) => ({ name: isCategory(s.c) ? CATEGORIES[s.c].label : s.c, colour: i, counts: s.counts, total: s.total }));
  const rest = all.slice(named.length);
  if (rest.length > 0) series.push(sumSeries(`${rest.length} other categories`, rest.map((s) => s.counts), a.bins));
  return series;
}

export function partySeries(a: Activity): Series[] {
  return a.byParty.map((p, i) => ({
    name: p.name,
    colour: p.key === "other" ? OTHER_SERIES : Math.min(i, OTHER_SERIES - 1),
    counts: p.counts,
    total: p.counts.reduce((x, y) => x + y, 0),
  }));
}

function sumSeries(name: string, parts: readonly (readonly number[])[], bins: number): Series {
  const counts = new Array<number>(bins).fill(0);
  for (const p of parts) p.forEach((n, i) => (counts[i]! += n));
  return { name, colour: OTHER_SERIES, counts, total: counts.reduce((x, y) => x + y, 0) };
}

/** 1, 2 or 5 times a power of ten, at least `raw`. */
export function niceStep(raw: number): number {
  if (!(raw > 0)) return 1;
  const p = 10 ** Math.floor(Math.log10(raw));
  for (const m of [1, 2, 5, 10]) if (m * p >= raw) return m * p;
  return 10 * p;
}

class Scale {
  constructor(
    readonly d0: number,
    readonly d1: number,
  ) {}
  x(t: number): number {
    return r1(LEFT + ((t - this.d0) / (this.d1 - this.d0)) * (W - LEFT - RIGHT));
  }
  width(ms: number): number {
    return (ms / (this.d1 - this.d0)) * (W - LEFT - RIGHT);
  }
}

function domain(a: Activity | undefined, marks: readonly TimelineMark[]): Scale | undefined {
  let d0 = a && a.bins > 0 ? a.start : Infinity;
  let d1 = a && a.bins > 0 ? a.start + a.bins * a.binMs : -Infinity;
  for (const m of marks) {
    d0 = Math.min(d0, m.t);
    d1 = Math.max(d1, m.end ?? m.t);
  }
  if (!Number.isFinite(d0) || !Number.isFinite(d1)) return undefined;
  return new Scale(d0, d1 > d0 ? d1 : d0 + 1);
}

/** The chart section's body: view switch, SVG, legends. */
export function renderChart(analysis: Analysis): string {
  const a = analysis.activity;
  const marks = analysis.marks ?? [];
  const scale = domain(a, marks);
  if (!scale) return `<p class="lead">No calls and no timeline markers were recorded.</p>`;
  const cats = a ? categorySeries(a) : [];
  const parties = a ? partySeries(a) : [];
  const yMax = a ? stackMax(a) : 0;
  // Counts are whole: never a tick between 0 and 1.
  const yStep = Math.max(1, niceStep(yMax / 4));
  const top = Math.max(yStep, Math.ceil(yMax / yStep) * yStep);
  const binText = a ? `each bar is ${secs(a.binMs)} of trace time` : "";
  const svg = [
    `<svg class="timeline tl" viewBox="0 0 ${W} ${H}" role="img" aria-labelledby="tl-title" preserveAspectRatio="xMidYMid meet">`,
    `<title id="tl-title">Calls over time${binText ? `; ${binText}` : ""}</title>`,
    scenarioBands(marks, scale),
    periods(marks, scale),
    yAxis(top, yStep),
    a ? `<g class="by-cat">${bars(cats, a, scale, top)}</g><g class="by-party">${bars(parties, a, scale, top)}</g>` : "",
    steps(marks, scale),
    consentLines(marks, scale),
    xAxis(scale),
    events(marks, scale),
    `</svg>`,
  ].join("\n");
  return [
    `<input type="radio" name="view" id="view-cat" class="view" checked><input type="radio" name="view" id="view-party" class="view">`,
    `<div class="seg" role="group" aria-label="Chart view"><label for="view-cat">By data category</label><label for="view-party">By SDK / party</label></div>`,
    `<div class="chart">`,
    svg,
    `<div class="legend by-cat">${legend(cats)}</div>`,
    `<div class="legend by-party">${legend(parties)}</div>`,
    keys(marks),
    `</div>`,
    a ? `<p class="more">${esc(binText)}; y axis: calls per bar. Hover a bar, band or mark for details.</p>` : "",
    omittedNote(analysis.marksOmitted),
  ].join("\n");
}

/** Says so when the analysis dropped timeline markers: a mark missing from the chart is not an event that did not happen. */
function omittedNote(n: number | undefined): string {
  if (!n || !(n > 0)) return "";
  return `<p class="more warn-note">${int(n)} timeline marker(s) are not drawn: the chart shows the first ${int(MAX_MARKS_PER_KIND)} of each kind (scenario, step, screenshot…). findings.json counts them as marksOmitted.</p>`;
}

function stackMax(a: Activity): number {
  let max = 0;
  for (let i = 0; i < a.bins; i++) {
    let sum = 0;
    for (const c of Object.values(a.byCategory)) sum += c?.[i] ?? 0;
    if (sum > max) max = sum;
  }
  return max;
}

/** One path per series (a sub-path per bar), and a hover column per non-empty bin with the breakdown. */
function bars(series: readonly Series[], a: Activity, s: Scale, top: number): string {
  const k = PLOT.h / top;
  const w = s.width(a.binMs);
  const gap = w > 4 ? Math.min(2, w * 0.15) : 0;
  const paths = series.map(() => [] as string[]);
  const hover: string[] = [];
  for (let i = 0; i < a.bins; i++) {
    const x = s.x(a.start + i * a.binMs) + gap / 2;
    let base = AXIS_Y;
    let total = 0;
    const parts: [string, number][] = [];
    series.forEach((se, j) => {
      const n = se.counts[i] ?? 0;
      if (n <= 0) return;
      const h = n * k;
      paths[j]!.push(`M${r1(x)} ${r1(base - h)}h${r1(w - gap)}v${r1(h)}h${r1(gap - w)}z`);
      base -= h;
      total += n;
      parts.push([se.name, n]);
    });
    if (total === 0) continue;
    parts.sort((p, q) => q[1] - p[1]);
    const lines = parts.slice(0, 8).map(([name, n]) => `${clean(name, 60)}: ${int(n)}`);
    if (parts.length > 8) lines.push(`… ${parts.length - 8} more`);
    const tip = `${secs(a.start + i * a.binMs)} to ${secs(a.start + (i + 1) * a.binMs)}: ${int(total)} call(s)\n${lines.join("\n")}`;
    hover.push(`<rect x="${r1(x)}" y="${PLOT.y}" width="${r1(Math.max(w - gap, 1))}" height="${PLOT.h}"><title>${esc(tip, 2000)}</title></rect>`);
  }
  const shapes = series.map((se, j) => (paths[j]!.length ? `<path class="s${se.colour}" d="${paths[j]!.join("")}"><title>${esc(`${clean(se.name, 120)}: ${int(se.total)} call(s)`)}</title></path>` : "")).join("");
  return `${shapes}<g class="hov">${hover.join("")}</g>`;
}

function yAxis(top: number, step: number): string {
  const out: string[] = [`<text class="lane-label" x="4" y="${PLOT.y + 10}">calls</text>`];
  for (let v = 0; v <= top + 1e-9; v += step) {
    const y = r1(AXIS_Y - (v / top) * PLOT.h);
    out.push(`<line class="grid" x1="${LEFT}" x2="${W - RIGHT}" y1="${y}" y2="${y}"/><text x="${LEFT - 6}" y="${r1(y + 4)}" text-anchor="end">${esc(int(v))}</text>`);
  }
  return out.join("");
}

function xAxis(s: Scale): string {
  const spanS = (s.d1 - s.d0) / 1000;
  const step = niceStep(spanS / 9);
  const digits = Math.max(0, -Math.floor(Math.log10(step)));
  const out = [`<line class="axis" x1="${LEFT}" x2="${W - RIGHT}" y1="${AXIS_Y}" y2="${AXIS_Y}"/>`];
  const first = Math.ceil(s.d0 / 1000 / step);
  for (let i = first; i * step <= s.d1 / 1000 + 1e-9; i++) {
    const v = i * step;
    const x = s.x(v * 1000);
    out.push(`<line class="axis" x1="${x}" x2="${x}" y1="${AXIS_Y}" y2="${AXIS_Y + 4}"/><text x="${x}" y="${AXIS_Y + 16}" text-anchor="middle">${esc(`${v.toFixed(digits)} s`)}</text>`);
  }
  out.push(
    `<text class="lane-label" x="4" y="${BG_LANE.y + 8}">background</text>`,
    `<text class="lane-label" x="4" y="${OFF_LANE.y + 8}">screen off</text>`,
    `<text class="lane-label" x="4" y="${EVENTS_Y + 4}">events</text>`,
    `<text class="lane-label" x="4" y="${BAND.y + 13}">scenarios</text>`,
  );
  return out.join("");
}

function end(m: TimelineMark, s: Scale): number {
  return m.end ?? s.d1;
}

function scenarioBands(marks: readonly TimelineMark[], s: Scale): string {
  const out: string[] = [];
  marks
    .filter((m) => m.kind === "scenario")
    .forEach((m, i) => {
      const x = s.x(m.t);
      const w = Math.max(1, r1(s.x(end(m, s)) - x));
      // SVG text cannot wrap: cut the name near what fits, and clip it to its band.
      const fit = Math.floor((w - 8) / 6.5);
      const name = clean(m.label ?? "scenario", 200);
      const label = fit >= 3 ? (name.length > fit ? `${name.slice(0, fit - 1)}…` : name) : "";
      const tip = `Scenario ${name}: ${secs(m.t)} to ${m.end === undefined ? "the end of the trace" : secs(m.end)}`;
      const clip = `band-clip-${i}`;
      out.push(
        `<rect class="band-tint${i % 2}" x="${x}" y="${PLOT.y}" width="${w}" height="${PLOT.h}"/>`,
        `<g><title>${esc(tip, 400)}</title><rect class="band${i % 2}" x="${x}" y="${BAND.y}" width="${w}" height="${BAND.h}"/>${
          label ? `<clipPath id="${clip}"><rect x="${x}" y="${BAND.y}" width="${r1(Math.max(0, w - 3))}" height="${BAND.h}"/></clipPath><text class="band-label" x="${r1(x + 4)}" y="${BAND.y + 13}" clip-path="url(#${clip})">${esc(label, 200)}</text>` : ""
        }</g>`,
      );
    });
  return out.join("\n");
}

function periods(marks: readonly TimelineMark[], s: Scale): string {
  const out: string[] = [];
  for (const m of marks) {
    if (m.kind !== "background" && m.kind !== "screen_off") continue;
    const x = s.x(m.t);
    const w = Math.max(1, r1(s.x(end(m, s)) - x));
    const bg = m.kind === "background";
    const what = bg ? "In background" : "Screen off";
    const tip = `${what}: ${secs(m.t)} to ${m.end === undefined ? "the end of the trace" : secs(m.end)}`;
    const lane = bg ? BG_LANE : OFF_LANE;
    out.push(`<g><title>${esc(tip)}</title><rect class="${bg ? "bgspan" : "offspan"}" x="${x}" y="${PLOT.y}" width="${w}" height="${PLOT.h}"/><rect class="${bg ? "bglane" : "offlane"}" x="${x}" y="${lane.y}" width="${w}" height="${lane.h}" rx="2"/></g>`);
  }
  return out.join("\n");
}

function steps(marks: readonly TimelineMark[], s: Scale): string {
  return marks
    .filter((m) => m.kind === "step")
    .map((m) => {
      const x = s.x(m.t);
      const tip = `Step ${clean(m.label ?? "", 200)}${m.scenario ? ` (scenario ${clean(m.scenario, 120)})` : ""} at ${secs(m.t)}`;
      return `<g><title>${esc(tip, 400)}</title><line class="step" x1="${x}" x2="${x}" y1="${STEP.y}" y2="${STEP.y + STEP.h}"/><line class="hit" x1="${x}" x2="${x}" y1="${STEP.y}" y2="${STEP.y + STEP.h}"/></g>`;
    })
    .join("");
}

const CONSENT_TEXT: Partial<Record<TimelineMark["kind"], [string, string]>> = {
  consent_accepted: ["Privacy policy accepted", "g-accepted"],
  consent_rejected: ["Privacy policy rejected", "g-rejected"],
  consent_shown: ["Privacy policy shown", "g-shown"],
  consent_reset: ["App data cleared: consent pending again", "g-reset"],
  incomplete: ["Run cut", "g-deny"],
};

/** Consent moments and the cut of an incomplete run: lines across the plot, with a flag on top. */
function consentLines(marks: readonly TimelineMark[], s: Scale): string {
  const out: string[] = [];
  for (const m of marks) {
    const text = CONSENT_TEXT[m.kind];
    if (!text) continue;
    const x = s.x(m.t);
    const tip = `${text[0]}${m.label ? `: ${clean(m.label, 200)}` : ""} at ${secs(m.t)}`;
    out.push(
      `<g><title>${esc(tip, 400)}</title><line class="${m.kind}" x1="${x}" x2="${x}" y1="${PLOT.y}" y2="${AXIS_Y}"/><line class="hit" x1="${x}" x2="${x}" y1="${PLOT.y}" y2="${AXIS_Y}"/><path class="${text[1]}" d="M${x} ${PLOT.y}l9 4l-9 4z"/></g>`,
    );
  }
  return out.join("\n");
}

/** Glyphs of the events lane, by mark kind: [description, glyph class, path at (0,0)]. */
const GLYPHS: Partial<Record<TimelineMark["kind"], [string, string, string]>> = {
  app_launch: ["App launched", "g-launch", "M-4 0a4 4 0 1 0 8 0a4 4 0 1 0-8 0z"],
  permission_dialog_shown: ["Permission dialog shown", "g-dialog", "M0 -6l6 6l-6 6l-6-6z"],
  permission_dialog_answered: ["Permission dialog answered", "g-allow", "M0 -6l6 6l-6 6l-6-6z"],
  permission_granted: ["Permission granted", "g-allow", "M0 -6l6 10h-12z"],
  permission_revoked: ["Permission revoked", "g-deny", "M0 6l6-10h-12z"],
  screenshot: ["Screenshot", "g-shot", "M-5 -4h3l1-2h2l1 2h3v8h-10z"],
  opt_out: ["Opted out of", "g-optout", "M-4 -4h8v8h-8z"],
  mark: ["Mark", "g-mark", "M-2.5 0a2.5 2.5 0 1 0 5 0a2.5 2.5 0 1 0-5 0z"],
};

function glyphClass(m: TimelineMark, base: string): string {
  return m.kind === "permission_dialog_answered" && !/^allow/.test(m.label ?? "") ? "g-deny" : base;
}

function events(marks: readonly TimelineMark[], s: Scale): string {
  const out: string[] = [];
  for (const m of marks) {
    const g = GLYPHS[m.kind];
    if (!g) continue;
    const x = s.x(m.t);
    const tip = `${g[0]}${m.label ? `: ${clean(m.label, 300)}` : ""} at ${secs(m.t)}`;
    out.push(`<g transform="translate(${x} ${EVENTS_Y})"><title>${esc(tip, 500)}</title><path class="${glyphClass(m, g[1])}" d="${g[2]}"/></g>`);
  }
  return out.join("\n");
}

function legend(series: readonly Series[]): string {
  if (series.length === 0) return `<span class="muted">no calls</span>`;
  return series.map((s) => `<span class="it"><span class="sw s${s.colour}"></span>${u(s.name, 120)}<span class="num">${int(s.total)}</span></span>`).join("");
}

/** The key for the marks present, each with its glyph. */
function keys(marks: readonly TimelineMark[]): string {
  const kinds = new Set(marks.map((m) => m.kind));
  const icon = (inner: string): string => `<svg class="tl" viewBox="-7 -7 14 14" aria-hidden="true">${inner}</svg>`;
  const items: string[] = [];
  const add = (when: boolean, glyph: string, text: string): void => void (when && items.push(`<span class="it">${icon(glyph)}${esc(text)}</span>`));
  add(kinds.has("scenario"), `<rect class="band0" x="-7" y="-4" width="14" height="8"/>`, "scenario");
  add(kinds.has("step"), `<line class="step" x1="0" x2="0" y1="-5" y2="5"/>`, "step");
  for (const k of ["consent_shown", "consent_accepted", "consent_rejected", "consent_reset", "incomplete"] as const) {
    add(kinds.has(k), `<line class="${k}" x1="0" x2="0" y1="-7" y2="7"/>`, CONSENT_TEXT[k]![0].replace(/:.*/, "").toLowerCase());
  }
  add(kinds.has("background"), `<rect class="bglane" x="-7" y="-4" width="14" height="8"/>`, "in background");
  add(kinds.has("screen_off"), `<rect class="offlane" x="-7" y="-4" width="14" height="8"/>`, "screen off");
  for (const [k, g] of Object.entries(GLYPHS) as [TimelineMark["kind"], [string, string, string]][]) {
    if (k === "permission_dialog_answered") {
      const answers = marks.filter((m) => m.kind === k).map((m) => glyphClass(m, g[1]));
      add(answers.includes("g-allow"), `<path class="g-allow" d="${g[2]}"/>`, "dialog allowed");
      add(answers.includes("g-deny"), `<path class="g-deny" d="${g[2]}"/>`, "dialog denied");
    } else add(kinds.has(k), `<path class="${g[1]}" d="${g[2]}"/>`, g[0].toLowerCase());
  }
  return items.length ? `<div class="legend keys">${items.join("")}</div>` : "";
}

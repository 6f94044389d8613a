import { MAX_MARKS_PER_KIND, type Activity, type TimelineMark } from "../../activity.js";
import type { Analysis } from "../../analyze.js";
import { CATEGORIES, isCategory } from "../../trace/categories.js";
import { AXIS_Y, BAND, BG_LANE, EVENTS_Y, H, LEFT, niceStep, OFF_LANE, PLOT, PW, r1, RIGHT, Scale, W, WIDE_BAR } from "./chart-geometry.js";
import { bands, bandTints, BRUSH, consentFlags, consentLines, CONSENT_TEXT, events, glyphClass, GLYPHS, periods, steps } from "./chart-marks.js";
import { clean, esc, int, secs, u } from "./escape.js";
import { OTHER_SERIES } from "./style.js";

/**
 * The timeline chart: calls per time bin as stacked bars, by category or by party (a CSS-only
 * switch), over the scenario bands, step ticks, consent lines, background and screen-off
 * periods, permission events and screenshots. Server-rendered SVG with native <title> tooltips;
 * its size depends on the bin count (bounded by the analysis), never on the number of calls.
 * The page's script zooms it into a time range (zoom-script.ts); without script it shows the whole run.
 */
export interface Series {
  readonly name: string;
  /** Palette index: colour class `s<n>`. */
  readonly colour: number;
  readonly counts: readonly number[];
  readonly total: number;
}

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

/** The chart section's body: view switch, phone note, SVG, legends. */
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
  // Two plot layers (under and over the y grid) share the viewBox the zoom narrows.
  const plot = (inner: string): string => `<svg class="plot" x="${LEFT}" y="0" width="${PW}" height="${H}" viewBox="${scale.plotBox()}" preserveAspectRatio="none">\n${inner}\n</svg>`;
  const svg = [
    `<svg class="timeline tl${a && scale.width(a.binMs) > WIDE_BAR ? " wide" : ""}" viewBox="0 0 ${W} ${H}" role="img" aria-labelledby="tl-title" preserveAspectRatio="xMidYMid meet" data-d0="${scale.d0}" data-d1="${scale.d1}"${a ? ` data-bin="${a.binMs}"` : ""}>`,
    `<title id="tl-title">Calls over time${binText ? `; ${binText}` : ""}</title>`,
    plot([bandTints(marks, scale), periods(marks, scale)].join("\n")),
    yAxis(top, yStep),
    plot([a ? `<g class="by-cat">${bars(cats, a, scale, top)}</g><g class="by-party">${bars(parties, a, scale, top)}</g>` : "", steps(marks, scale), consentLines(marks, scale)].join("\n")),
    `<g class="ov">`,
    bands(marks, scale),
    consentFlags(marks, scale),
    events(marks, scale),
    `</g>`,
    xAxis(scale),
    BRUSH,
    `</svg>`,
  ].join("\n");
  return [
    `<input type="radio" name="view" id="view-cat" class="view" checked><input type="radio" name="view" id="view-party" class="view">`,
    `<div class="seg" role="group" aria-label="Chart view"><label for="view-cat">By data category</label><label for="view-party">By SDK / party</label></div>`,
    `<p class="scroll-note">The chart is wider than this screen: scroll it sideways to see all of it.</p>`,
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

/**
 * One path per series (a sub-path per bar), and a hover column per non-empty bin with the
 * breakdown. Bars touch: a zoom stretches the plot layer, and a gap drawn in it would widen into
 * a false empty stretch; wide bars are parted by a white stroke that does not scale (`.tl.wide`).
 */
function bars(series: readonly Series[], a: Activity, s: Scale, top: number): string {
  const k = PLOT.h / top;
  const paths = series.map(() => [] as string[]);
  const hover: string[] = [];
  for (let i = 0; i < a.bins; i++) {
    const x = s.p(a.start + i * a.binMs);
    const x1 = s.p(a.start + (i + 1) * a.binMs);
    let base = AXIS_Y;
    let total = 0;
    const parts: [string, number][] = [];
    series.forEach((se, j) => {
      const n = se.counts[i] ?? 0;
      if (n <= 0) return;
      const h = n * k;
      paths[j]!.push(`M${x} ${r1(base - h)}H${x1}v${r1(h)}H${x}z`);
      base -= h;
      total += n;
      parts.push([se.name, n]);
    });
    if (total === 0) continue;
    parts.sort((p, q) => q[1] - p[1]);
    const lines = parts.slice(0, 8).map(([name, n]) => `${clean(name, 60)}: ${int(n)}`);
    if (parts.length > 8) lines.push(`… ${parts.length - 8} more`);
    const tip = `${secs(a.start + i * a.binMs)} to ${secs(a.start + (i + 1) * a.binMs)}: ${int(total)} call(s)\n${lines.join("\n")}`;
    hover.push(`<rect x="${x}" y="${PLOT.y}" width="${s.pw(a.start + i * a.binMs, a.start + (i + 1) * a.binMs)}" height="${PLOT.h}"><title>${esc(tip, 2000)}</title></rect>`);
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

/**
 * The time axis: its ticks in one group the zoom script redraws for the range shown (same rule:
 * about nine ticks at 1, 2 or 5 times a power of ten seconds), then the lane labels.
 */
function xAxis(s: Scale): string {
  const spanS = (s.d1 - s.d0) / 1000;
  const step = niceStep(spanS / 9);
  const digits = Math.max(0, -Math.floor(Math.log10(step)));
  const ticks: string[] = [];
  const first = Math.ceil(s.d0 / 1000 / step);
  for (let i = first; i * step <= s.d1 / 1000 + 1e-9; i++) {
    const v = i * step;
    const x = s.x(v * 1000);
    ticks.push(`<line class="axis" x1="${x}" x2="${x}" y1="${AXIS_Y}" y2="${AXIS_Y + 4}"/><text x="${x}" y="${AXIS_Y + 16}" text-anchor="middle">${esc(`${v.toFixed(digits)} s`)}</text>`);
  }
  return [
    `<line class="axis" x1="${LEFT}" x2="${W - RIGHT}" y1="${AXIS_Y}" y2="${AXIS_Y}"/>`,
    `<g class="xaxis">${ticks.join("")}</g>`,
    `<text class="lane-label" x="4" y="${BG_LANE.y + 8}">background</text>`,
    `<text class="lane-label" x="4" y="${OFF_LANE.y + 8}">screen off</text>`,
    `<text class="lane-label" x="4" y="${EVENTS_Y + 4}">events</text>`,
    `<text class="lane-label" x="4" y="${BAND.y + 13}">scenarios</text>`,
  ].join("");
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

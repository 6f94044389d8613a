import type { TimelineMark } from "../../activity.js";
import { clean, esc, secs } from "./escape.js";
import { AXIS_Y, BAND, BG_LANE, EVENTS_Y, fitLabel, LEFT, OFF_LANE, PLOT, r1, STEP, type Scale } from "./chart-geometry.js";

/**
 * The timeline's marks. What stretches with a zoom (tints, periods, step and consent lines) goes
 * in the plot layers, drawn once at the full range; what must keep its shape (scenario bands
 * with their labels, consent flags, event glyphs) goes in the overlay, each element carrying its
 * trace time in data-t attributes so the page's script can place it again (zoom-script.ts).
 */

function end(m: TimelineMark, s: Scale): number {
  return m.end ?? s.d1;
}

/** A number for a data- attribute: trace time, ms. */
function ms(t: number): string {
  return String(Math.round(t * 1000) / 1000);
}

const scenariosOf = (marks: readonly TimelineMark[]): TimelineMark[] => marks.filter((m) => m.kind === "scenario");

/** The scenarios' tints behind the bars (plot layer). */
export function bandTints(marks: readonly TimelineMark[], s: Scale): string {
  return scenariosOf(marks)
    .map((m, i) => `<rect class="band-tint${i % 2}" x="${s.p(m.t)}" y="${PLOT.y}" width="${s.pw(m.t, end(m, s))}" height="${PLOT.h}"/>`)
    .join("\n");
}

/**
 * The scenario bands on top (overlay): a band, its name cut to the room it has and clipped to
 * it, its times in a tooltip. Each group says its span and full name for the zoom script, which
 * zooms to it when clicked and shows more of the name as the band widens.
 */
export function bands(marks: readonly TimelineMark[], s: Scale): string {
  return scenariosOf(marks)
    .map((m, i) => {
      const x = s.x(m.t);
      const w = Math.max(1, r1(s.x(end(m, s)) - x));
      const name = clean(m.label ?? "scenario", 200);
      const tip = `Scenario ${name}: ${secs(m.t)} to ${m.end === undefined ? "the end of the trace" : secs(m.end)}`;
      const clip = `band-clip-${i}`;
      return `<g class="zb" data-t0="${ms(m.t)}" data-t1="${ms(end(m, s))}" data-name="${esc(name, 200)}"><title>${esc(tip, 400)}</title><rect class="band${i % 2}" x="${x}" y="${BAND.y}" width="${w}" height="${BAND.h}"/><clipPath id="${clip}"><rect x="${x}" y="${BAND.y}" width="${r1(Math.max(0, w - 3))}" height="${BAND.h}"/></clipPath><text class="band-label" x="${r1(x + 4)}" y="${BAND.y + 13}" clip-path="url(#${clip})">${esc(fitLabel(name, w), 200)}</text></g>`;
    })
    .join("\n");
}

/** Background and screen-off periods: a tint across the plot and a bar in their lane (plot layer). */
export function periods(marks: readonly TimelineMark[], s: Scale): string {
  const out: string[] = [];
  for (const m of marks) {
    if (m.kind !== "background" && m.kind !== "screen_off") continue;
    const x = s.p(m.t);
    const w = s.pw(m.t, end(m, s));
    const bg = m.kind === "background";
    const what = bg ? "In background" : "Screen off";
    const tip = `${what}: ${secs(m.t)} to ${m.end === undefined ? "the end of the trace" : secs(m.end)}`;
    const lane = bg ? BG_LANE : OFF_LANE;
    // No rounded corners: the zoom stretches the plot layer sideways, and its corners with it.
    out.push(`<g><title>${esc(tip)}</title><rect class="${bg ? "bgspan" : "offspan"}" x="${x}" y="${PLOT.y}" width="${w}" height="${PLOT.h}"/><rect class="${bg ? "bglane" : "offlane"}" x="${x}" y="${lane.y}" width="${w}" height="${lane.h}"/></g>`);
  }
  return out.join("\n");
}

/** Step ticks (plot layer; their stroke does not scale). */
export function steps(marks: readonly TimelineMark[], s: Scale): string {
  return marks
    .filter((m) => m.kind === "step")
    .map((m) => {
      const x = s.p(m.t);
      const tip = `Step ${clean(m.label ?? "", 200)}${m.scenario ? ` (scenario ${clean(m.scenario, 120)})` : ""} at ${secs(m.t)}`;
      return `<g><title>${esc(tip, 400)}</title><line class="step" x1="${x}" x2="${x}" y1="${STEP.y}" y2="${STEP.y + STEP.h}"/><line class="hit" x1="${x}" x2="${x}" y1="${STEP.y}" y2="${STEP.y + STEP.h}"/></g>`;
    })
    .join("");
}

export const CONSENT_TEXT: Partial<Record<TimelineMark["kind"], [string, string]>> = {
  consent_accepted: ["Privacy policy accepted", "g-accepted"],
  consent_rejected: ["Privacy policy rejected", "g-rejected"],
  consent_shown: ["Privacy policy shown", "g-shown"],
  consent_reset: ["App data cleared: consent pending again", "g-reset"],
  incomplete: ["Run cut", "g-deny"],
};

function consentTip(m: TimelineMark, text: string): string {
  return `${text}${m.label ? `: ${clean(m.label, 200)}` : ""} at ${secs(m.t)}`;
}

/** Consent moments and the cut of an incomplete run: lines across the plot (plot layer). */
export function consentLines(marks: readonly TimelineMark[], s: Scale): string {
  const out: string[] = [];
  for (const m of marks) {
    const text = CONSENT_TEXT[m.kind];
    if (!text) continue;
    const x = s.p(m.t);
    out.push(`<g><title>${esc(consentTip(m, text[0]), 400)}</title><line class="${m.kind}" x1="${x}" x2="${x}" y1="${PLOT.y}" y2="${AXIS_Y}"/><line class="hit" x1="${x}" x2="${x}" y1="${PLOT.y}" y2="${AXIS_Y}"/></g>`);
  }
  return out.join("\n");
}

/** A glyph the zoom script moves: a group at (x, y), its trace time in data-t. */
function point(t: number, s: Scale, y: number, inner: string): string {
  return `<g class="pt" data-t="${ms(t)}" data-y="${y}" transform="translate(${s.x(t)} ${y})">${inner}</g>`;
}

/** The consent lines' flags on top of the plot (overlay). */
export function consentFlags(marks: readonly TimelineMark[], s: Scale): string {
  const out: string[] = [];
  for (const m of marks) {
    const text = CONSENT_TEXT[m.kind];
    if (text) out.push(point(m.t, s, PLOT.y, `<title>${esc(consentTip(m, text[0]), 400)}</title><path class="${text[1]}" d="M0 0l9 4l-9 4z"/>`));
  }
  return out.join("\n");
}

/** Glyphs of the events lane, by mark kind: [description, glyph class, path at (0,0)]. */
export const GLYPHS: Partial<Record<TimelineMark["kind"], [string, string, string]>> = {
  app_launch: ["App launched", "g-launch", "M-4 0a4 4 0 1 0 8 0a4 4 0 1 0-8 0z"],
  permission_dialog_shown: ["Permission dialog shown", "g-dialog", "M0 -6l6 6l-6 6l-6-6z"],
  permission_dialog_answered: ["Permission dialog answered", "g-allow", "M0 -6l6 6l-6 6l-6-6z"],
  permission_granted: ["Permission granted", "g-allow", "M0 -6l6 10h-12z"],
  permission_revoked: ["Permission revoked", "g-deny", "M0 6l6-10h-12z"],
  screenshot: ["Screenshot", "g-shot", "M-5 -4h3l1-2h2l1 2h3v8h-10z"],
  opt_out: ["Opted out of", "g-optout", "M-4 -4h8v8h-8z"],
  mark: ["Mark", "g-mark", "M-2.5 0a2.5 2.5 0 1 0 5 0a2.5 2.5 0 1 0-5 0z"],
};

export function glyphClass(m: TimelineMark, base: string): string {
  return m.kind === "permission_dialog_answered" && !/^allow/.test(m.label ?? "") ? "g-deny" : base;
}

/** The events lane (overlay). */
export function events(marks: readonly TimelineMark[], s: Scale): string {
  const out: string[] = [];
  for (const m of marks) {
    const g = GLYPHS[m.kind];
    if (!g) continue;
    const tip = `${g[0]}${m.label ? `: ${clean(m.label, 300)}` : ""} at ${secs(m.t)}`;
    out.push(point(m.t, s, EVENTS_Y, `<title>${esc(tip, 500)}</title><path class="${glyphClass(m, g[1])}" d="${g[2]}"/>`));
  }
  return out.join("\n");
}

/** The selection a drag across the plot draws (the zoom script sizes and shows it). */
export const BRUSH = `<rect class="brush" x="${LEFT}" y="${PLOT.y}" width="0" height="${PLOT.h}" visibility="hidden"/>`;

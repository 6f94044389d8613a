/**
 * The timeline chart's geometry, in viewBox units (the SVG scales to the page width), and its
 * time scale. The plot layers are nested SVGs whose viewBox the page's script narrows to zoom
 * (zoom-script.ts): what they hold is drawn once, at the full range, in these units.
 */
export const W = 1000;
export const LEFT = 74;
export const RIGHT = 26;
/** Width of the plot, between the y axis and the right margin. */
export const PW = W - LEFT - RIGHT;
export const BAND = { y: 0, h: 18 } as const;
export const STEP = { y: 20, h: 7 } as const;
export const PLOT = { y: 30, h: 190 } as const;
export const AXIS_Y = PLOT.y + PLOT.h;
export const BG_LANE = { y: 244, h: 10 } as const;
export const OFF_LANE = { y: 261, h: 10 } as const;
export const EVENTS_Y = 286;
export const H = 298;
/** Width of one character of a band label (11-unit font, Latin): labels are cut to what fits. */
export const CHAR_W = 6.5;

/** Bars wider than this on screen (viewBox units) are parted by a white stroke (`.tl.wide`). */
export const WIDE_BAR = 4;

export const r1 = (x: number): number => Math.round(x * 10) / 10;

/**
 * Trace time (ms) to x: `x` in the chart's units at the full range (the overlay, the axes);
 * `p` in the plot layers, whose units are milliseconds since the chart's start, so that a zoom
 * (the plot layers' viewBox) is exact whatever its depth: bars that touch keep touching.
 */
export class Scale {
  constructor(
    readonly d0: number,
    readonly d1: number,
  ) {}
  x(t: number): number {
    return r1(LEFT + ((t - this.d0) / (this.d1 - this.d0)) * PW);
  }
  width(ms: number): number {
    return (ms / (this.d1 - this.d0)) * PW;
  }
  p(t: number): number {
    return Math.round((t - this.d0) * 1000) / 1000;
  }
  /** A span in the plot layers from t0 to t1, at least one chart unit wide at the full range. */
  pw(t0: number, t1: number): number {
    return Math.round(Math.max(t1 - t0, (this.d1 - this.d0) / PW) * 1000) / 1000;
  }
  /** The plot layers' viewBox at the full range. */
  plotBox(): string {
    return `0 0 ${this.d1 - this.d0} ${H}`;
  }
}

/** 1, 2 or 5 times a power of ten, at least `raw`. The zoom script has the same rule. */
export function niceStep(raw: number): number {
  if (!(raw > 0)) return 1;
  const p = 10 ** Math.floor(Math.log10(raw));
  for (const m of [1, 2, 5, 10]) if (m * p >= raw) return m * p;
  return 10 * p;
}

/**
 * A band's label cut to its width: nothing under three characters' room. The zoom script
 * recomputes it with the same rule when a zoom gives the band more room.
 */
export function fitLabel(name: string, width: number): string {
  const fit = Math.floor((width - 8) / CHAR_W);
  if (fit < 3) return "";
  const chars = Array.from(name);
  return chars.length > fit ? `${chars.slice(0, fit - 1).join("")}…` : name;
}

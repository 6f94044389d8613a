/**
 * The grid arithmetic of periodic-polling detection (reports/rules/period.ts): least-squares grid
 * fits of beat times against their slots, the widest covered stretch of a run, the exact minimax
 * tolerance over the convex hulls, and the shared scratch buffers.
 */

/** Beat times (first call of each burst) and burst lengths, ms. */
export interface Beats {
  readonly t: Float64Array;
  readonly dur: Float64Array;
  readonly n: number;
}

/** A least-squares line through (k, t): the grid t = a + p·k, with its residuals. */
export interface Fit {
  readonly a: number;
  readonly p: number;
  readonly worst: number;
  readonly worstAt: number;
  readonly sumSq: number;
}

export function fitGrid(beats: Beats, idx: ArrayLike<number>, ks: ArrayLike<number>, from: number, to: number): Fit {
  const t0 = beats.t[idx[from]!]!;
  let n = 0, sk = 0, skk = 0, st = 0, skt = 0;
  for (let j = from; j < to; j++) {
    const k = ks[j]!, t = beats.t[idx[j]!]! - t0;
    n++; sk += k; skk += k * k; st += t; skt += k * t;
  }
  const den = n * skk - sk * sk;
  const p = den > 0 ? (n * skt - sk * st) / den : 0;
  const a = (st - p * sk) / n;
  let worst = 0, worstAt = from, sumSq = 0;
  for (let j = from; j < to; j++) {
    const r = beats.t[idx[j]!]! - t0 - (a + p * ks[j]!);
    sumSq += r * r;
    if (Math.abs(r) > worst) {
      worst = Math.abs(r);
      worstAt = j;
    }
  }
  return { a: a + t0, p, worst, worstAt, sumSq };
}

/**
 * The longest stretch [i, j) of a run whose grid slots lack at most a share f of beats. With
 * u_j = j − (1 − f)·k_j, stretch i..j qualifies when u_j − u_i ≥ −f: the classic "widest pair
 * with A[j] ≥ A[i] − f" over prefix minima and suffix maxima, in linear time.
 */
export function widestCovered(ks: ArrayLike<number>, from: number, to: number, f: number): [number, number] {
  const m = to - from;
  if (wide.lo.length < m) wide = { lo: new Float64Array(m * 2), hi: new Float64Array(m * 2) };
  const { lo, hi } = wide;
  const g = 1 - f;
  for (let j = 0; j < m; j++) {
    const u = j - g * ks[from + j]!;
    lo[j] = j === 0 ? u : Math.min(lo[j - 1]!, u);
  }
  for (let j = m - 1; j >= 0; j--) {
    const u = j - g * ks[from + j]!;
    hi[j] = j === m - 1 ? u : Math.max(hi[j + 1]!, u);
  }
  let i = 0, j = 0, b0 = 0, b1 = 1;
  while (i < m && j < m) {
    if (hi[j]! >= lo[i]! - f - 1e-9) {
      if (j - i + 1 > b1 - b0) [b0, b1] = [i, j + 1];
      j++;
    } else i++;
  }
  return [from + b0, from + b1];
}

/** Prefix minima and suffix maxima for widestCovered, grown as needed: it runs for every run a walk settles. */
let wide = { lo: new Float64Array(64), hi: new Float64Array(64) };

/**
 * The smallest tolerance, relative to the period, within which some grid holds every beat of a
 * run (a minimax line fit): the width of the narrowest strip around the points (k, t) is
 * piecewise linear and convex in its slope s, with its breaks at the slopes of the points'
 * upper and lower convex hulls, so it is evaluated there, both hulls walked once with two
 * pointers. Exact: "every beat within ±15 % of a grid" holds exactly when this is ≤ 0.15.
 * `abs`: whether some grid holds them within ±absToleranceMs.
 */
export function minimaxTolerance(ks: ArrayLike<number>, ts: ArrayLike<number>, absMs: number): { rel: number; abs: boolean } {
  return minimaxRange(ks, ts, 0, ks.length, absMs);
}

/** minimaxTolerance of the points from..to − 1 (no subarrays: this runs for every run settled and every miss of a walk). */
export function minimaxRange(ks: ArrayLike<number>, ts: ArrayLike<number>, from: number, to: number, absMs: number): { rel: number; abs: boolean } {
  const len = to - from;
  if (len < 3) return { rel: 0, abs: true };
  if (hull.up.length < len) hull = { up: new Int32Array(len * 2), low: new Int32Array(len * 2), breaks: new Float64Array(len * 4) };
  const { up, low, breaks } = hull;
  const cross = (o: number, a: number, b: number): number => (ks[a]! - ks[o]!) * (ts[b]! - ts[o]!) - (ts[a]! - ts[o]!) * (ks[b]! - ks[o]!);
  let nu = 0, nl = 0;
  for (let i = from; i < to; i++) {
    while (nu >= 2 && cross(up[nu - 2]!, up[nu - 1]!, i) >= 0) nu--;
    while (nl >= 2 && cross(low[nl - 2]!, low[nl - 1]!, i) <= 0) nl--;
    up[nu++] = i;
    low[nl++] = i;
  }
  const slope = (h: Int32Array, e: number): number => (ts[h[e + 1]!]! - ts[h[e]!]!) / (ks[h[e + 1]!]! - ks[h[e]!]!);
  let nb = 0;
  for (let e = 0; e + 1 < nu; e++) breaks[nb++] = slope(up, e);
  for (let e = 0; e + 1 < nl; e++) breaks[nb++] = slope(low, e);
  sortBreaks(breaks, nb);
  // Upper hull: the vertex maximising t − s·k moves left as s grows; lower hull: the minimising one moves right.
  let iu = nu - 1;
  let jl = 0;
  let rel = Infinity;
  let abs = false;
  for (let b = 0; b < nb; b++) {
    const s = breaks[b]!;
    while (iu > 0 && s >= slope(up, iu - 1)) iu--;
    while (jl < nl - 1 && s >= slope(low, jl)) jl++;
    const half = (ts[up[iu]!]! - s * ks[up[iu]!]! - (ts[low[jl]!]! - s * ks[low[jl]!]!)) / 2;
    if (s > 0) rel = Math.min(rel, half / s);
    if (half <= absMs) abs = true;
  }
  return { rel: Math.max(0, rel), abs };
}

/**
 * Sorts the first n slopes ascending. Most hulls are small: insertion sort, without the
 * subarray a typed-array sort needs; the same order (slopes are finite; a −0 and a +0 may swap,
 * which changes no sum or comparison above).
 */
function sortBreaks(a: Float64Array, n: number): void {
  if (n > 32) {
    a.subarray(0, n).sort();
    return;
  }
  for (let i = 1; i < n; i++) {
    const v = a[i]!;
    let j = i - 1;
    while (j >= 0 && a[j]! > v) {
      a[j + 1] = a[j]!;
      j--;
    }
    a[j + 1] = v;
  }
}

/** Hull scratch for minimaxTolerance, grown as needed: it runs for every run a walk settles. */
let hull = { up: new Int32Array(64), low: new Int32Array(64), breaks: new Float64Array(128) };

/** One analysis's scratch for the run a walk is building: beat indices, slots, times from its first beat. */
export interface Scratch {
  readonly idx: Int32Array;
  readonly ks: Float64Array;
  readonly xs: Float64Array;
}

/** Shared by every detector (analyses never overlap), grown as needed: most keys are small. */
let scratch: Scratch = { idx: new Int32Array(256), ks: new Float64Array(256), xs: new Float64Array(256) };
export function scratchFor(n: number): Scratch {
  if (scratch.idx.length < n) scratch = { idx: new Int32Array(n * 2), ks: new Float64Array(n * 2), xs: new Float64Array(n * 2) };
  return scratch;
}


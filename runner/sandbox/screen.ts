/**
 * The sandbox phone's screenshots: a drawing of what is on its screen — the app's current
 * screen, the system permission dialog over it, the launcher when the app is in the background,
 * black when the screen is off — as a PNG (zlib from Node, no image library). The fake driver's
 * own screenshot is one fixed picture whatever the screen, which makes poor evidence.
 */
import { crc32, deflateSync } from "node:zlib";

export interface ScreenElement {
  /** ASCII label (what the font can draw; other characters become '?'). */
  readonly label: string;
  readonly kind: "button" | "text";
}

export interface ScreenState {
  readonly on: boolean;
  /** The app's screen, or undefined when the app is not in the foreground. */
  readonly app?: { readonly title: string; readonly elements: readonly ScreenElement[] };
  /** The system permission dialog over the app. */
  readonly dialog?: { readonly question: string; readonly buttons: readonly string[] };
}

const W = 270;
const H = 480;
type Rgb = readonly [number, number, number];
const BG: Rgb = [246, 247, 249];
const INK: Rgb = [30, 34, 42];
const ACCENT: Rgb = [37, 99, 235];
const WHITE: Rgb = [255, 255, 255];
const BAR: Rgb = [17, 24, 39];
const DIM: Rgb = [120, 124, 132];

// A 5×7 font: each glyph is 7 rows of 5 bits (the high bit on the left).
const FONT: Record<string, readonly number[]> = {
  A: [14, 17, 17, 31, 17, 17, 17], B: [30, 17, 17, 30, 17, 17, 30], C: [14, 17, 16, 16, 16, 17, 14], D: [30, 17, 17, 17, 17, 17, 30],
  E: [31, 16, 16, 30, 16, 16, 31], F: [31, 16, 16, 30, 16, 16, 16], G: [14, 17, 16, 23, 17, 17, 15], H: [17, 17, 17, 31, 17, 17, 17],
  I: [14, 4, 4, 4, 4, 4, 14], J: [7, 2, 2, 2, 2, 18, 12], K: [17, 18, 20, 24, 20, 18, 17], L: [16, 16, 16, 16, 16, 16, 31],
  M: [17, 27, 21, 21, 17, 17, 17], N: [17, 17, 25, 21, 19, 17, 17], O: [14, 17, 17, 17, 17, 17, 14], P: [30, 17, 17, 30, 16, 16, 16],
  Q: [14, 17, 17, 17, 21, 18, 13], R: [30, 17, 17, 30, 20, 18, 17], S: [15, 16, 16, 14, 1, 1, 30], T: [31, 4, 4, 4, 4, 4, 4],
  U: [17, 17, 17, 17, 17, 17, 14], V: [17, 17, 17, 17, 17, 10, 4], W: [17, 17, 17, 21, 21, 21, 10], X: [17, 17, 10, 4, 10, 17, 17],
  Y: [17, 17, 10, 4, 4, 4, 4], Z: [31, 1, 2, 4, 8, 16, 31],
  "0": [14, 17, 19, 21, 25, 17, 14], "1": [4, 12, 4, 4, 4, 4, 14], "2": [14, 17, 1, 2, 4, 8, 31], "3": [31, 2, 4, 2, 1, 17, 14],
  "4": [2, 6, 10, 18, 31, 2, 2], "5": [31, 16, 30, 1, 1, 17, 14], "6": [6, 8, 16, 30, 17, 17, 14], "7": [31, 1, 2, 4, 8, 8, 8],
  "8": [14, 17, 17, 14, 17, 17, 14], "9": [14, 17, 17, 15, 1, 2, 12],
  " ": [0, 0, 0, 0, 0, 0, 0], ".": [0, 0, 0, 0, 0, 12, 12], ",": [0, 0, 0, 0, 12, 4, 8], "-": [0, 0, 0, 31, 0, 0, 0],
  ":": [0, 12, 12, 0, 12, 12, 0], "?": [14, 17, 1, 2, 4, 0, 4], "!": [4, 4, 4, 4, 4, 0, 4], "'": [4, 4, 8, 0, 0, 0, 0],
  "(": [2, 4, 8, 8, 8, 4, 2], ")": [8, 4, 2, 2, 2, 4, 8], "/": [1, 1, 2, 4, 8, 16, 16], "&": [12, 18, 20, 8, 21, 18, 13],
};

class Canvas {
  readonly px = Buffer.alloc(W * H * 3);
  fill(x: number, y: number, w: number, h: number, c: Rgb): void {
    for (let j = Math.max(0, y); j < Math.min(H, y + h); j++) {
      for (let i = Math.max(0, x); i < Math.min(W, x + w); i++) {
        const o = (j * W + i) * 3;
        this.px[o] = c[0];
        this.px[o + 1] = c[1];
        this.px[o + 2] = c[2];
      }
    }
  }
  /** Text in the 5×7 font at `scale`, cut to fit `maxW`; returns the height used. */
  text(s: string, x: number, y: number, c: Rgb, scale = 2, maxW = W - x - 8): void {
    const adv = 6 * scale;
    let cx = x;
    for (const ch of s.toUpperCase()) {
      if (cx + 5 * scale > x + maxW) break;
      const g = FONT[ch] ?? FONT["?"]!;
      for (let r = 0; r < 7; r++) for (let b = 0; b < 5; b++) if (g[r]! & (16 >> b)) this.fill(cx + b * scale, y + r * scale, scale, scale, c);
      cx += adv;
    }
  }
  png(): Buffer {
    const raw = Buffer.alloc((W * 3 + 1) * H);
    for (let y = 0; y < H; y++) this.px.copy(raw, y * (W * 3 + 1) + 1, y * W * 3, (y + 1) * W * 3);
    const chunk = (type: string, data: Buffer): Buffer => {
      const len = Buffer.alloc(4);
      len.writeUInt32BE(data.length);
      const td = Buffer.concat([Buffer.from(type, "latin1"), data]);
      const crc = Buffer.alloc(4);
      crc.writeUInt32BE(crc32(td) >>> 0);
      return Buffer.concat([len, td, crc]);
    };
    const ihdr = Buffer.alloc(13);
    ihdr.writeUInt32BE(W, 0);
    ihdr.writeUInt32BE(H, 4);
    ihdr[8] = 8; // bit depth
    ihdr[9] = 2; // truecolour
    return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk("IHDR", ihdr), chunk("IDAT", deflateSync(raw)), chunk("IEND", Buffer.alloc(0))]);
  }
}

/** Wraps text into lines of at most `n` characters, at spaces where it can. */
function wrap(s: string, n: number): string[] {
  const out: string[] = [];
  let line = "";
  for (const word of s.split(/\s+/).filter(Boolean)) {
    if (line && line.length + 1 + word.length > n) {
      out.push(line);
      line = "";
    }
    line = line ? `${line} ${word}` : word.slice(0, n);
  }
  if (line) out.push(line);
  return out;
}

/** The screen as a PNG. */
export function drawScreen(s: ScreenState): Buffer {
  const c = new Canvas();
  if (!s.on) {
    c.fill(0, 0, W, H, [0, 0, 0]);
    return c.png();
  }
  c.fill(0, 0, W, H, BG);
  c.fill(0, 0, W, 18, BAR);
  c.text("12:00", 8, 5, WHITE, 1);
  if (!s.app) {
    // The launcher: the app is in the background.
    c.text("HOME SCREEN", 64, 200, DIM, 2);
    c.text("THE APP IS IN THE BACKGROUND", 52, 226, DIM, 1);
    return c.png();
  }
  c.fill(0, 18, W, 40, ACCENT);
  c.text(s.app.title, 12, 31, WHITE, 2);
  let y = 76;
  for (const e of s.app.elements) {
    if (y > H - 40) break;
    if (e.kind === "button") {
      c.fill(16, y, W - 32, 30, ACCENT);
      c.text(e.label, 26, y + 8, WHITE, 2, W - 52);
      y += 40;
    } else {
      for (const l of wrap(e.label, 20)) {
        c.text(l, 16, y, INK, 2);
        y += 20;
      }
      y += 8;
    }
  }
  if (s.dialog) {
    // The system dialog dims the app and sits over it.
    for (let o = 0; o < c.px.length; o++) c.px[o] = Math.round(c.px[o]! * 0.45);
    const top = 150;
    c.fill(20, top, W - 40, 170, WHITE);
    let dy = top + 14;
    for (const l of wrap(s.dialog.question, 18)) {
      c.text(l, 32, dy, INK, 2);
      dy += 18;
    }
    dy += 6;
    for (const b of s.dialog.buttons) {
      for (const l of wrap(b, 16)) {
        c.text(l, 32, dy, ACCENT, 2, W - 64);
        dy += 18;
      }
      dy += 8;
    }
  }
  return c.png();
}

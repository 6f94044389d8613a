import { createHash } from "node:crypto";
import { constants } from "node:fs";
import { open, realpath, stat } from "node:fs/promises";
import { isAbsolute, relative, resolve } from "node:path";

export interface ImageLimits {
  /** Largest image inlined, bytes. */
  readonly perImage: number;
  /** All inlined images together, bytes. */
  readonly total: number;
}

export const DEFAULT_IMAGE_LIMITS: ImageLimits = { perImage: 2 * 1024 * 1024, total: 20 * 1024 * 1024 };

/** An image ready to inline, or why not (a fixed phrase: no paths, so the report stays deterministic). */
export type Screenshot =
  | { readonly ok: true; readonly key: string; readonly dataUri: string; readonly width?: number; readonly height?: number }
  | { readonly ok: false; readonly reason: string };

const PNG = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const JPEG = [0xff, 0xd8, 0xff];

function startsWith(buf: Uint8Array, magic: readonly number[]): boolean {
  return buf.length >= magic.length && magic.every((b, i) => buf[i] === b);
}

/** Inside `root` (both already resolved): not the root itself, not above it. */
function inside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel !== "" && !rel.startsWith("..") && !isAbsolute(rel);
}

/**
 * Reads screenshots named by the trace (markers are hostile input) for inlining: only regular
 * files inside the trace directory after resolving symlinks (a FIFO or device is never opened
 * for reading, which could block forever), only real PNG or JPEG by their magic bytes, within
 * the per-image and total budgets. Each file is read once, and each distinct image is inlined
 * and counted once: files with the same bytes (a recorder that saves an unchanged screen again)
 * share one key.
 */
export class ScreenshotLoader {
  private used = 0;
  private readonly cache = new Map<string, Promise<Screenshot>>();
  /** By resolved path: two names of one file are read and counted once. */
  private readonly byReal = new Map<string, Promise<Screenshot>>();
  /** By content: identical images in several files are one image. */
  private readonly byHash = new Map<string, Screenshot>();
  private rootReal: Promise<string | undefined> | undefined;

  constructor(
    private readonly traceDir: string | undefined,
    private readonly limits: ImageLimits = DEFAULT_IMAGE_LIMITS,
  ) {}

  load(path: string): Promise<Screenshot> {
    let p = this.cache.get(path);
    if (!p) {
      p = this.read(path);
      this.cache.set(path, p);
    }
    return p;
  }

  private async read(path: string): Promise<Screenshot> {
    if (this.traceDir === undefined) return { ok: false, reason: "not inlined: no trace directory given" };
    if (path === "" || path.includes("\0") || isAbsolute(path)) return { ok: false, reason: "refused: not a path relative to the trace directory" };
    const root = resolve(this.traceDir);
    const full = resolve(root, path);
    if (!inside(root, full)) return { ok: false, reason: "refused: outside the trace directory" };
    this.rootReal ??= realpath(root).catch(() => undefined);
    const rootReal = await this.rootReal;
    let real: string;
    try {
      real = await realpath(full);
    } catch {
      return { ok: false, reason: "not found in the trace directory" };
    }
    if (!rootReal || !inside(rootReal, real)) return { ok: false, reason: "refused: links outside the trace directory" };
    let p = this.byReal.get(real);
    if (!p) {
      p = this.readFile(real);
      this.byReal.set(real, p);
    }
    return p;
  }

  private async readFile(real: string): Promise<Screenshot> {
    // Checked before opening: opening a FIFO for reading waits for a writer (forever).
    const before = await stat(real).catch(() => undefined);
    if (!before) return { ok: false, reason: "could not be opened" };
    if (!before.isFile()) return { ok: false, reason: "refused: not a regular file" };
    // Should the name be swapped for a FIFO or a link in between: never block, never follow.
    const fh = await open(real, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0) | (constants.O_NOFOLLOW ?? 0)).catch(() => undefined);
    if (!fh) return { ok: false, reason: "could not be opened" };
    try {
      const st = await fh.stat();
      if (!st.isFile()) return { ok: false, reason: "refused: not a regular file" };
      if (st.size > this.limits.perImage) return { ok: false, reason: `not inlined: larger than ${mb(this.limits.perImage)}` };
      const buf = new Uint8Array(st.size);
      const { bytesRead } = await fh.read(buf, 0, st.size, 0);
      const data = buf.subarray(0, bytesRead);
      const type = startsWith(data, PNG) ? "png" : startsWith(data, JPEG) ? "jpeg" : undefined;
      if (!type) return { ok: false, reason: "refused: not a PNG or JPEG image" };
      const key = createHash("sha256").update(data).digest("hex");
      const same = this.byHash.get(key);
      if (same) return same;
      if (this.used + bytesRead > this.limits.total) return { ok: false, reason: `not inlined: the report's ${mb(this.limits.total)} image budget is used up` };
      this.used += bytesRead;
      const shot: Screenshot = { ok: true, key, dataUri: `data:image/${type};base64,${Buffer.from(data).toString("base64")}`, ...(type === "png" ? pngSize(data) : {}) };
      this.byHash.set(key, shot);
      return shot;
    } finally {
      await fh.close();
    }
  }
}

/** Width and height from a PNG's IHDR chunk, so the page reserves the space before decoding. */
function pngSize(data: Uint8Array): { width?: number; height?: number } {
  if (data.length < 24 || String.fromCharCode(...data.subarray(12, 16)) !== "IHDR") return {};
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const width = view.getUint32(16);
  const height = view.getUint32(20);
  return width > 0 && height > 0 && width < 100_000 && height < 100_000 ? { width, height } : {};
}

function mb(bytes: number): string {
  return `${Math.round(bytes / (1024 * 1024))} MB`;
}

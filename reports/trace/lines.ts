import { closeSync, constants, fstatSync, openSync, readSync } from "node:fs";
import { isAscii } from "node:buffer";
import { TraceError } from "../errors.js";

const CHUNK = 1 << 22;

/** Longer lines are skipped (a trace's lines are a few hundred bytes; such a line is damage or malice). */
export const MAX_LINE_BYTES = 64 << 20;
export const LONG_LINE = "line longer than 64 MiB";

export interface LineScan {
  /** Non-blank lines handed to the callback. */
  lines: number;
  /** The file did not end with a newline: its last line may have been cut mid-write. */
  unterminatedLast: boolean;
  bytes: number;
}

/**
 * Calls `onLine` for every non-blank line of a file, synchronously, in 4 MiB chunks.
 * Synchronous on purpose: the analysis is CPU-bound and a promise per line would cost
 * more than parsing it. `last` is true for a final line with no newline after it.
 * Line numbers count every line, blank ones included, so they match an editor's; `offset` is
 * the byte offset of the line's start in the file (for reading one line again later). Lines are
 * split on bytes and decoded one by one, so offsets stay exact after invalid UTF-8.
 */
/**
 * Opens a trace file for reading, refusing anything but a regular file on the opened descriptor
 * itself: O_NONBLOCK makes opening a named pipe return at once instead of waiting for a writer,
 * so a file swapped for one after an earlier check cannot hang the reader.
 */
export function openRegularFile(path: string): number {
  const fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    if (!fstatSync(fd).isFile()) throw new TraceError("not a regular file", { where: path, fix: "a trace's files are plain files" });
    return fd;
  } catch (err) {
    closeSync(fd);
    throw err;
  }
}

export function forEachLine(
  path: string,
  onLine: (line: string, lineNo: number, last: boolean, offset: number) => void,
  onLongLine: (lineNo: number, offset: number) => void = () => {},
): LineScan {
  const fd = openRegularFile(path);
  const scan: LineScan = { lines: 0, unterminatedLast: false, bytes: 0 };
  let buf = Buffer.allocUnsafe(CHUNK);
  let have = 0; // bytes of an unfinished line kept at the front of buf
  let lineNo = 0;
  let offset = 0; // file offset of buf[0]
  let skipping = -1; // file offset where a line over MAX_LINE_BYTES started, while skipping it
  try {
    for (;;) {
      if (have === buf.length) {
        if (buf.length >= MAX_LINE_BYTES) {
          // Skip the rest of this line, whatever its length, in constant memory.
          skipping = offset;
          offset += have;
          have = 0;
        } else {
          const bigger = Buffer.allocUnsafe(buf.length * 2);
          buf.copy(bigger, 0, 0, have);
          buf = bigger;
        }
      }
      const n = readSync(fd, buf, have, buf.length - have, null);
      if (n <= 0) break;
      scan.bytes += n;
      const end = have + n;
      const bytes = buf.subarray(0, end);
      let start = 0;
      if (skipping >= 0) {
        const nl = bytes.indexOf(10);
        if (nl < 0) {
          offset += end;
          have = 0;
          continue;
        }
        lineNo++;
        onLongLine(lineNo, skipping);
        skipping = -1;
        start = nl + 1;
      }
      // Traces are mostly ASCII: one latin1 copy of the chunk, then slices of it, is several
      // times faster than decoding UTF-8 line by line.
      const text = isAscii(bytes) ? bytes.toString("latin1", 0, end) : undefined;
      let nl = bytes.indexOf(10, start);
      while (nl >= 0) {
        lineNo++;
        const stop = nl > start && bytes[nl - 1] === 13 ? nl - 1 : nl;
        if (stop > start) {
          scan.lines++;
          onLine(text !== undefined ? text.slice(start, stop) : bytes.toString("utf8", start, stop), lineNo, false, offset + start);
        }
        start = nl + 1;
        nl = bytes.indexOf(10, start);
      }
      if (start > 0) buf.copyWithin(0, start, end);
      have = end - start;
      offset += start;
    }
    if (skipping >= 0) {
      scan.unterminatedLast = true;
      onLongLine(lineNo + 1, skipping);
      return scan;
    }
    const rest = buf.toString("utf8", 0, have);
    if (rest.trim().length > 0) {
      scan.lines++;
      scan.unterminatedLast = true;
      onLine(rest, lineNo + 1, true, offset);
    }
    return scan;
  } finally {
    closeSync(fd);
  }
}

import { closeSync, openSync, readSync } from "node:fs";
import { isAscii } from "node:buffer";
import { StringDecoder } from "node:string_decoder";

const CHUNK = 1 << 22;

export interface LineScan {
  /** Non-blank lines handed to the callback. */
  lines: number;
  /** The file did not end with a newline: its last line may have been cut mid-write. */
  unterminatedLast: boolean;
  bytes: number;
}

function isAsciiString(s: string): boolean {
  return /^[\x00-\x7f]*$/.test(s);
}

/**
 * Calls `onLine` for every non-blank line of a file, synchronously, in 4 MiB chunks.
 * Synchronous on purpose: the analysis is CPU-bound and a promise per line would cost
 * more than parsing it. `last` is true for a final line with no newline after it.
 * Line numbers count every line, blank ones included, so they match an editor's; `offset` is
 * the byte offset of the line's start in the file (for reading one line again later).
 */
export function forEachLine(
  path: string,
  onLine: (line: string, lineNo: number, last: boolean, offset: number) => void,
): LineScan {
  const fd = openSync(path, "r");
  const scan: LineScan = { lines: 0, unterminatedLast: false, bytes: 0 };
  const decoder = new StringDecoder("utf8");
  const buf = Buffer.allocUnsafe(CHUNK);
  let carry = "";
  let lineNo = 0;
  let clean = true; // the decoder holds no partial character
  let carryAscii = true;
  let offset = 0; // byte offset of the next line's start
  try {
    for (;;) {
      const n = readSync(fd, buf, 0, CHUNK, null);
      if (n <= 0) break;
      scan.bytes += n;
      const bytes = n === CHUNK ? buf : buf.subarray(0, n);
      // Traces are mostly ASCII: a one-byte copy is several times faster than UTF-8 decoding.
      // The decoder is bypassed only when it holds no partial character from the chunk before.
      let decoded: string;
      let ascii = false;
      if (clean && isAscii(bytes)) {
        decoded = bytes.toString("latin1");
        ascii = true;
      } else {
        decoded = decoder.write(bytes);
        clean = bytes[n - 1]! < 0x80;
      }
      const text = carry + decoded;
      // In ASCII text a character is a byte; otherwise byte offsets are counted line by line.
      const oneByte: boolean = ascii && carryAscii;
      let start = 0;
      let nl = text.indexOf("\n", start);
      while (nl >= 0) {
        lineNo++;
        const stop = nl > start && text.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
        if (stop > start) {
          scan.lines++;
          onLine(text.slice(start, stop), lineNo, false, offset);
        }
        offset += (oneByte ? nl - start : Buffer.byteLength(text.slice(start, nl))) + 1;
        start = nl + 1;
        nl = text.indexOf("\n", start);
      }
      carry = start === 0 ? text : text.slice(start);
      carryAscii = oneByte || carry.length === 0 || isAsciiString(carry);
    }
    carry += decoder.end();
    if (carry.trim().length > 0) {
      scan.lines++;
      scan.unterminatedLast = true;
      onLine(carry, lineNo + 1, true, offset);
    }
    return scan;
  } finally {
    closeSync(fd);
  }
}

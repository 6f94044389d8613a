/**
 * What a native socket write is at the TLS layer (RFC 8446 §5.1 record header; RFC 8446 §4.1.2
 * ClientHello; RFC 6066 §3 server_name): a TLS record is ciphertext once the handshake is done,
 * so only its size says anything, but the ClientHello that opens a connection names the server
 * (SNI) in clear, which is how a native TLS stack's destination (Cronet's, Flutter's BoringSSL)
 * gets a host name. Plain TypeScript: tests run it in Node.
 */

export interface TlsRecord {
  /** The write opens a TLS connection: a ClientHello (or a ServerHello, for an accepted one). */
  readonly hello?: true;
  /** The server name a ClientHello asked for, when the write is one and names it. */
  readonly sni?: string;
}

/** A record's payload is at most 2^14 bytes plus 2048 of expansion (RFC 5246 §6.2.3; RFC 8446 §5.2 allows 2^14 + 256). */
const MAX_RECORD = (1 << 14) + 2048;

/** Content types of a TLS record: change_cipher_spec, alert, handshake, application_data. */
const TYPES = new Set([20, 21, 22, 23]);

/**
 * What a write of `total` bytes starting with `b` is at the TLS layer, or null when it is not TLS
 * records. Each record: a content type, legacy version 3.x (SSL 3.0 to TLS 1.3 all write 0x03
 * there), a length within MAX_RECORD; the records must follow one another to the end of the write
 * (the last may run past it: the rest of a record comes in the next write). A plaintext write
 * that merely starts with such five bytes does not chain, and is read as plaintext.
 */
export function tlsRecord(b: Uint8Array, total: number = b.length): TlsRecord | null {
  const end = Math.min(b.length, total);
  let i = 0;
  while (i < end) {
    if (i + 5 > b.length) break; // the header lies past the copied bytes of a long write
    if (!TYPES.has(b[i]!) || b[i + 1] !== 3 || b[i + 2]! > 4) return null;
    const length = (b[i + 3]! << 8) | b[i + 4]!;
    if (length > MAX_RECORD) return null;
    i += 5 + length;
  }
  if (i === 0) return null;
  if (b[0] !== 22 || b.length < 6 || (b[5] !== 1 && b[5] !== 2)) return {};
  if (b[5] === 2) return { hello: true };
  const sni = clientHelloSni(b);
  return sni ? { hello: true, sni } : { hello: true };
}

/** A host name as the app could have written it: a DNS name's characters only (the value is untrusted). */
const HOST = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,62})(?:\.[A-Za-z0-9-]{1,63})*\.?$/;

function clientHelloSni(b: Uint8Array): string | undefined {
  const u16 = (i: number): number => (i + 1 < b.length ? (b[i]! << 8) | b[i + 1]! : -1);
  // Record header (5), handshake type (1) and length (3), client version (2), random (32).
  let i = 5 + 4 + 2 + 32;
  if (i >= b.length) return undefined;
  i += 1 + b[i]!; // legacy_session_id
  const suites = u16(i);
  if (suites < 0) return undefined;
  i += 2 + suites;
  if (i >= b.length) return undefined;
  i += 1 + b[i]!; // legacy_compression_methods
  const extensionsLength = u16(i);
  if (extensionsLength < 0) return undefined;
  i += 2;
  const end = Math.min(b.length, i + extensionsLength);
  while (i + 4 <= end) {
    const type = u16(i);
    const length = u16(i + 2);
    i += 4;
    if (type === 0) return serverName(b, i, Math.min(end, i + length));
    i += length;
  }
  return undefined;
}

/** The first host_name entry of a server_name extension's list. */
function serverName(b: Uint8Array, from: number, end: number): string | undefined {
  let i = from + 2; // server_name_list length
  while (i + 3 <= end) {
    const type = b[i]!;
    const length = (b[i + 1]! << 8) | b[i + 2]!;
    i += 3;
    if (type === 0 && i + length <= end && length > 0 && length <= 253) {
      const name = String.fromCharCode(...b.subarray(i, i + length));
      return HOST.test(name) ? name.toLowerCase() : undefined;
    }
    i += length;
  }
  return undefined;
}

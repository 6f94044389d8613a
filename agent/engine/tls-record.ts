/**
 * What a native socket write is at the TLS layer (RFC 8446 §5.1 record header; RFC 8446 §4.1.2
 * ClientHello; RFC 6066 §3 server_name): a TLS record is ciphertext once the handshake is done,
 * so only its size says anything, but the ClientHello that opens a connection names the server
 * (SNI) in clear, which is how a native TLS stack's destination (Cronet's, Flutter's BoringSSL)
 * gets a host name. Plain TypeScript: tests run it in Node.
 */

export interface TlsRecord {
  /** The server name a ClientHello asked for, when the write is one and names it. */
  readonly sni?: string;
}

/** Content types of a TLS record: change_cipher_spec, alert, handshake, application_data. */
const TYPES = new Set([20, 21, 22, 23]);

/**
 * The TLS record `b` starts with, or null when it does not look like one (a content type, then
 * legacy version 3.x: SSL 3.0 to TLS 1.3 all write 0x03 there).
 */
export function tlsRecord(b: Uint8Array): TlsRecord | null {
  if (b.length < 5 || !TYPES.has(b[0]!) || b[1] !== 3 || b[2]! > 4) return null;
  if (b[0] !== 22 || b.length < 6 || b[5] !== 1) return {};
  const sni = clientHelloSni(b);
  return sni ? { sni } : {};
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

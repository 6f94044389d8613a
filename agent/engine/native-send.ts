/**
 * Native sends (issue 15 item 1): the JavaScript side of the C filter's `sent` (./native-filter.ts),
 * which calls `permtrace_send` only for a send of at least one byte on an Internet socket, before
 * the bytes go. Here the call is recorded like any native call (its native and Java stack), and
 * what it sent becomes an egress record (./egress.ts): the destination — sendto's address, else
 * the socket's peer (GumJS `Socket.peerAddress`, frida-gum bindings/gumjs/gumquicksocket.c) — and,
 * for plaintext, the identifiers found in it. A TLS record (a native TLS stack: Cronet's, Flutter's
 * BoringSSL) is ciphertext: its size is recorded, and its host is the server name the connection's
 * ClientHello gave (./tls-record.ts), remembered per connection. A UDP datagram to port 443 is
 * taken for QUIC, encrypted too (its server name is inside the encrypted Initial packet).
 */
import type { NativeEntry } from "../catalogue/native.js";
import { now } from "./clock.js";
import type { Destination, Payload } from "./egress-payload.js";
import type { Egress } from "./egress.js";
import { SCAN_BOUND } from "./id-matcher.js";
import type { Recorder } from "./recorder.js";
import { ipText } from "./ip-text.js";
import { tlsRecord } from "./tls-record.js";

/** Bytes read from a native send at most: the scan bound plus room for a value straddling it (as bytesOf copies a Java byte[]). */
const COPY_BOUND = SCAN_BOUND + 1024;
/** Connections whose server name is remembered at most (oldest forgotten first). */
const MAX_CONNECTIONS = 512;

interface Hook {
  readonly e: NativeEntry;
  readonly hook: number;
  readonly category: number;
}

export interface SendDeps {
  readonly hooks: ReadonlyMap<number, Hook>;
  readonly recorder: Recorder;
  readonly egress: Egress;
  readonly guarded: <T>(fn: () => T) => T;
  readonly reportError: (where: string, err: unknown) => void;
  readonly inJavaCall: () => boolean;
  readonly stackOf: (context: CpuContext, returnAddress: NativePointer) => number;
  /** Tells the filter a descriptor is not an Internet socket (it was taken for one after a close it did not see). */
  readonly markOther: (fd: number) => void;
}

const AF_INET = 2;
const AF_INET6 = 10;

/** sendto's destination (struct sockaddr_in / sockaddr_in6: family in host order, port in network order). */
export function sockaddr(p: NativePointer): { ip: string; port: number } | null {
  const family = p.readU16();
  const port = (p.add(2).readU8() << 8) | p.add(3).readU8();
  if (family === AF_INET) return { ip: ipText(new Uint8Array(p.add(4).readByteArray(4)!)), port };
  if (family !== AF_INET6) return null;
  return { ip: ipText(new Uint8Array(p.add(8).readByteArray(16)!)), port };
}

/** Whether fd is a TCP or UDP socket (GumJS `Socket.type`: null for what is not a socket, "unix:…" for a local one). */
function isInternetSocket(fd: number): boolean {
  const type = Socket.type(fd);
  return type === "tcp" || type === "udp" || type === "tcp6" || type === "udp6";
}

function isUdp(fd: number): boolean {
  const type = Socket.type(fd);
  return type === "udp" || type === "udp6";
}

/**
 * A connection's identity: both ends. The peer alone would take a new connection to the same
 * server on a reused descriptor for the old one (a TLS one's plaintext would go unread); the
 * local port differs.
 */
function connectionKey(fd: number, to: { ip: string; port: number } | null): string {
  const local = Socket.localAddress(fd) as { ip?: string; port?: number } | null;
  return `${local?.ip ?? ""}:${local?.port ?? ""}>${to ? `${to.ip}:${to.port}` : ""}`;
}

/** The socket's peer, as GumJS reads it (getpeername); null for an unconnected socket. */
function peer(fd: number): { ip: string; port: number } | null {
  const a = Socket.peerAddress(fd) as { ip?: string; port?: number } | null;
  return a && typeof a.ip === "string" ? { ip: a.ip.replace(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/, "$1"), port: a.port ?? -1 } : null;
}

/**
 * Connections seen carrying TLS, by descriptor, valid while the descriptor still talks to the same
 * peer: the server name their ClientHello gave, if any. A write that starts mid-record (the rest
 * of a short write) is then still taken for ciphertext.
 */
class TlsConnections {
  private readonly seen = new Map<number, { readonly peer: string; host: string | null }>();

  get(fd: number, peer: string): { host: string | null } | undefined {
    const c = this.seen.get(fd);
    return c && c.peer === peer ? c : undefined;
  }

  note(fd: number, peer: string, sni: string | undefined): { host: string | null } {
    const known = this.get(fd, peer);
    if (known) {
      if (sni) known.host = sni;
      return known;
    }
    this.seen.delete(fd);
    if (this.seen.size >= MAX_CONNECTIONS) this.seen.delete(this.seen.keys().next().value!);
    const c = { peer, host: sni ?? null };
    this.seen.set(fd, c);
    return c;
  }
}

/** The callback the C filter calls for a send: returns the call's recorder id, or -1 to leave it unrecorded. */
export function sendCallback(deps: SendDeps): NativeCallback<"int", ["int", "int", "pointer", "int", "pointer", "pointer"]> {
  const { hooks, recorder, egress, guarded, reportError, inJavaCall, stackOf, markOther } = deps;
  const connections = new TlsConnections();
  return new NativeCallback(
    function (this: CallbackContext, index: number, fd: number, buf: NativePointer, len: number, addr: NativePointer, returnAddress: NativePointer): number {
      const h = hooks.get(index);
      // A Java egress call's own socket write (Java's SocketOutputStream, Conscrypt's ciphertext) is that call's.
      if (h === undefined || inJavaCall()) return -1;
      try {
        return guarded(() => {
          const to = addr.isNull() ? peer(fd) : sockaddr(addr);
          if (to === null && !isInternetSocket(fd)) {
            markOther(fd);
            return -1;
          }
          const t = now();
          if (recorder.sampledOut(h.hook, t)) return -1;
          const id = recorder.begin(t, h.hook, h.category, Process.getCurrentThreadId(), stackOf(this.context, returnAddress), null, 0, null);
          const n = Math.min(len, COPY_BOUND);
          const payload: Payload = { bytes: new Uint8Array(buf.readByteArray(n)!), length: len };
          const peerKey = connectionKey(fd, to);
          // A hello opens a TLS connection (remembered); other records are ciphertext on their own.
          const record = tlsRecord(payload.bytes, len);
          const known = connections.get(fd, peerKey);
          const tls = record?.hello ? connections.note(fd, peerKey, record.sni) : (known ?? (record ? { host: null } : undefined));
          // QUIC (HTTP/3: Cronet, CDNs' SDKs) is UDP to port 443, encrypted from its first packet.
          const quic = tls === undefined && to?.port === 443 && isUdp(fd);
          const encrypted = tls !== undefined || quic;
          const dest: Destination = { host: tls?.host ?? to?.ip ?? null, port: to?.port ?? -1, tls: encrypted };
          egress.onNativeSend(id, dest, payload, encrypted);
          return id;
        });
      } catch (err) {
        reportError(h.e.id, err);
        return -1;
      }
    },
    "int",
    ["int", "int", "pointer", "int", "pointer", "pointer"],
  );
}

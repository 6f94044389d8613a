/**
 * Reading a send's payload and destination from the hooked Java objects (agent/engine/egress.ts).
 * Everything here reads; nothing changes an argument or calls a method with side effects.
 */
import { SCAN_BOUND } from "./id-matcher.js";

/** Bytes copied from a Java byte[] at most: the scan bound plus room for a value straddling it. */
const COPY_BOUND = SCAN_BOUND + 1024;

export interface Payload {
  readonly bytes: Uint8Array;
  /** The payload's full length (the copy stops at COPY_BOUND). */
  readonly length: number;
}

/** The part of a NativePointer this file uses (frida-gum bindings/gumjs: readByteArray copies n bytes into a new ArrayBuffer; null at NULL). */
interface ElementsPointer {
  add(n: number): ElementsPointer;
  readByteArray(n: number): ArrayBuffer | null;
}

/**
 * A byte[] as frida-java-bridge hands it (node_modules/frida-java-bridge/lib/types.js,
 * `PrimitiveArray`): every index read is a whole JNI GetByteArrayElements/Release (`readElement`
 * → `withElements`), which HotSpot answers with a copy of the whole array; `withElements` gives
 * one pointer to all of them.
 */
interface BridgeArray {
  readonly length: number;
  withElements<T>(fn: (elements: ElementsPointer) => T): T;
}

function isBridgeArray(a: unknown): a is BridgeArray {
  // A property that is not an index reads the wrapper's own (types.js `primitiveArrayHandler.get`): no JNI.
  return typeof (a as Partial<BridgeArray>).withElements === "function";
}

/**
 * A byte[] argument from `off` for `len` bytes, copied up to COPY_BOUND: a bridge array with
 * one `withElements` (one JNI copy, then one read of the bytes wanted); a plain array of signed
 * numbers or a Uint8Array (what a test or the stand-in may hand) by index.
 */
export function bytesOf(arr: unknown, off?: unknown, len?: unknown): Payload | null {
  const a = arr as ArrayLike<number> | null;
  if (!a || typeof a.length !== "number") return null;
  const start = typeof off === "number" && off > 0 ? Math.min(off, a.length) : 0;
  const length = typeof len === "number" && len >= 0 ? Math.min(len, a.length - start) : a.length - start;
  const n = Math.min(length, COPY_BOUND);
  if (isBridgeArray(a)) {
    if (n === 0) return { bytes: new Uint8Array(0), length };
    const buf = a.withElements((p) => p.add(start).readByteArray(n));
    return buf ? { bytes: new Uint8Array(buf), length } : null;
  }
  if (a instanceof Uint8Array) return { bytes: a.subarray(start, start + n), length };
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = a[start + i]! & 0xff;
  return { bytes: out, length };
}

/** An HTTP/1 request's parts: the request line, the header block and the body. */
export interface HttpParts {
  readonly line: Uint8Array;
  readonly headers: Uint8Array;
  readonly body: Uint8Array;
  readonly method: string;
  /** The Host header's value (without port), when there is one. */
  readonly host?: string;
}

const CR = 13;
const LF = 10;

/**
 * Splits a write that starts an HTTP/1 request ("GET /path HTTP/1.1\r\n…") so matches say url,
 * header or body; anything else (a body written alone, HTTP/2 frames) is all body.
 */
export function splitHttp(b: Uint8Array): HttpParts | null {
  let i = 0;
  while (i < b.length && i < 8 && b[i]! >= 65 && b[i]! <= 90) i++;
  if (i < 3 || b[i] !== 32) return null;
  const method = String.fromCharCode(...b.subarray(0, i));
  const eol = indexOfCrlf(b, i);
  if (eol < 0) return { line: b, headers: b.subarray(b.length), body: b.subarray(b.length), method };
  let end = eol + 2;
  let host: string | undefined;
  while (end < b.length) {
    const next = indexOfCrlf(b, end);
    if (next < 0) break;
    if (next === end) {
      end += 2;
      return { line: b.subarray(0, eol), headers: b.subarray(eol + 2, end), body: b.subarray(end), method, ...(host ? { host } : {}) };
    }
    host ??= hostHeader(b.subarray(end, next));
    end = next + 2;
  }
  return { line: b.subarray(0, eol), headers: b.subarray(eol + 2), body: b.subarray(b.length), method, ...(host ? { host } : {}) };
}

function indexOfCrlf(b: Uint8Array, from: number): number {
  for (let i = from; i + 1 < b.length; i++) if (b[i] === CR && b[i + 1] === LF) return i;
  return -1;
}

function hostHeader(line: Uint8Array): string | undefined {
  if (line.length < 6 || (line[0]! | 0x20) !== 104 || (line[1]! | 0x20) !== 111 || (line[2]! | 0x20) !== 115 || (line[3]! | 0x20) !== 116 || line[4] !== 58) return undefined;
  const v = String.fromCharCode(...line.subarray(5, Math.min(line.length, 300))).trim();
  // Host header values come from the app: only a host name's characters are kept.
  const m = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+)(?::\d+)?$/.exec(v);
  return m?.[1];
}

export interface Destination {
  readonly host: string | null;
  readonly port: number;
  readonly tls: boolean;
}

type JavaObject = Record<string, unknown>;

/** A Java field as frida-java-bridge exposes it: a wrapper whose `value` getter reads it (node_modules/frida-java-bridge/lib/class-factory.js, `Field.prototype.value`). */
function field(o: unknown, name: string): unknown {
  const f = (o as JavaObject | null)?.[name] as { value?: unknown } | undefined;
  return f && typeof f === "object" && "value" in f ? f.value : undefined;
}

function invoke(o: unknown, name: string): unknown {
  const fn = (o as JavaObject | null)?.[name];
  return typeof fn === "function" ? (fn as () => unknown).call(o) : undefined;
}

function num(v: unknown): number {
  const n = Number(v);
  return Number.isFinite(n) ? n : -1;
}

/**
 * A Conscrypt SSL output stream's peer: its outer socket (`this$0`, the synthetic field of an
 * inner class) answers getHostnameOrIP() — the host the socket was created for (the SNI name),
 * else the address — and getPort() (google/conscrypt, AbstractConscryptSocket.java).
 */
export function tlsDestination(self: unknown): Destination {
  const socket = field(self, "this$0");
  const host = invoke(socket, "getHostnameOrIP");
  return { host: host == null ? null : String(host), port: num(invoke(socket, "getPort")), tls: true };
}

/**
 * A java.net.SocketOutputStream's peer, from its `impl` field (a SocketImpl: getInetAddress() and
 * getPort(), protected, declared in java.net.SocketImpl), in OpenJDK 8 — whose java.net Android's
 * libcore ojluni carries — and 17 alike (`javap -p java.net.SocketOutputStream` on JDK 17: fields
 * impl and temp; OpenJDK 8 also has `socket`).
 */
export function socketDestination(self: unknown): Destination {
  const impl = field(self, "impl");
  const address = invoke(impl, "getInetAddress");
  const host = invoke(address, "getHostAddress");
  return { host: host == null ? null : String(host), port: num(invoke(impl, "getPort")), tls: false };
}

/** What OkHttp's CallServerInterceptor is about to send, read from the chain's request(). */
export interface OkHttpRequest extends Destination {
  readonly url: string;
  readonly method: string;
  readonly headers: string;
  /** The body's declared length, -1 when unknown or none. */
  readonly bytes: number;
}

/**
 * okhttp3.Request through its Java accessors (OkHttp 4's Kotlin properties compile to url(),
 * method(), headers(), body(); HttpUrl's to host(), port(), isHttps(): square/okhttp,
 * okhttp/src/main/kotlin/okhttp3/Request.kt and HttpUrl.kt, both with @get:JvmName).
 */
export function okhttpRequest(chain: unknown): OkHttpRequest | null {
  const request = invoke(chain, "request");
  const url = invoke(request, "url");
  if (!url) return null;
  const body = invoke(request, "body");
  return {
    host: String(invoke(url, "host") ?? "") || null,
    port: num(invoke(url, "port")),
    tls: invoke(url, "isHttps") === true,
    url: String(invoke(url, "toString") ?? ""),
    method: String(invoke(request, "method") ?? ""),
    headers: String(invoke(invoke(request, "headers"), "toString") ?? ""),
    bytes: body ? num(invoke(body, "contentLength")) : 0,
  };
}

/** A hooked read's result as the text the matcher learns (a MAC's byte[] as hex pairs, a Location as "lat,lng"). */
export function learnableValue(result: unknown): string | null {
  if (typeof result === "string") return result;
  if (result == null || typeof result !== "object") return null;
  const lat = invoke(result, "getLatitude");
  const lng = invoke(result, "getLongitude");
  if (typeof lat === "number" && typeof lng === "number") return `${lat},${lng}`;
  const a = result as ArrayLike<number>;
  if (typeof a.length !== "number" || a.length !== 6 || !(isBridgeArray(a) || typeof a[0] === "number")) return null;
  // A MAC's byte[]: read once (bytesOf), not element by element.
  return Array.from(bytesOf(a)!.bytes, (b) => b.toString(16).padStart(2, "0")).join(":");
}

/**
 * Network egress (issue 15): where what an app or SDK sends is still readable in the process —
 * OkHttp's request before it is encoded, the platform TLS stack's plaintext, a plain socket's
 * bytes — and the pre-encryption points where SDKs hand a payload to a compressor, cipher or
 * encoder. Category `network_egress` (reports/trace/categories.ts): sending is not itself
 * collection; a send's `net` record says what it carried (agent/engine/egress.ts).
 *
 * Also here: which identifier kind each hooked read returns (LEARNED_KINDS, data kept in
 * reports/trace/learned-kinds.ts), so the agent's matcher (agent/engine/id-matcher.ts) learns
 * the values the app read.
 */
import { LEARNED_KINDS as LEARNED } from "../../reports/trace/learned-kinds.js";
import type { IdKind } from "../engine/id-normalise.js";
import type { HookEntry, ScanPoint } from "./types.js";

const BYTES_OFF_LEN = ["[B", "int", "int"] as const;

// Conscrypt as the platform ships it (AOSP external/conscrypt, repackaged to com.android.org.conscrypt)
// and as apps bundle it (org.conscrypt, e.g. OkHttp's ConscryptPlatform). The SSL sockets' output
// streams are inner classes whose outer socket (`this$0`) knows the peer: getHostnameOrIP() is the
// SNI host the socket was created for, else the address (google/conscrypt,
// common/src/main/java/org/conscrypt/AbstractConscryptSocket.java; ConscryptFileDescriptorSocket.java,
// SSLOutputStream.write(byte[], int, int) → ssl.write(fd, …) → NativeCrypto.SSL_write;
// ConscryptEngineSocket.java, SSLOutputStream.write(byte[]) and write(byte[], int, int) → engine.wrap).
// NativeCrypto.SSL_write itself has the bytes but only the native SSL pointer, not the host.
const FD_REF = "google/conscrypt common/src/main/java/org/conscrypt/ConscryptFileDescriptorSocket.java (SSLOutputStream.write)";
const ENGINE_REF = "google/conscrypt common/src/main/java/org/conscrypt/ConscryptEngineSocket.java (SSLOutputStream.write)";

/** Ids name the inner class (`SSLOutputStream`) and, in the variant, which socket's and whose Conscrypt. */
function tlsEntries(pkg: string, bundled: string): HookEntry[] {
  return [
    { id: `net.SSLOutputStream.write.fd${bundled}`, className: `${pkg}.ConscryptFileDescriptorSocket$SSLOutputStream`, method: "write", overloads: [BYTES_OFF_LEN], category: "network_egress", egress: { layer: "tls", data: 0 }, ref: FD_REF, nonPublic: "Conscrypt's SSL socket internals" },
    // write(byte[]) does not go through write(byte[], int, int) in the engine socket: both hooked.
    { id: `net.SSLOutputStream.write.engine${bundled}`, className: `${pkg}.ConscryptEngineSocket$SSLOutputStream`, method: "write", overloads: [["[B"], BYTES_OFF_LEN], category: "network_egress", egress: { layer: "tls", data: 0 }, ref: ENGINE_REF, nonPublic: "Conscrypt's SSL socket internals" },
  ];
}

export const NETWORK: readonly HookEntry[] = [
  // OkHttp 3.x and 4.x: the last interceptor writes the request to the connection; its chain's
  // request() holds URL, method and headers before HTTP/2 or TLS encode them
  // (square/okhttp okhttp/src/main/kotlin/okhttp3/internal/http/CallServerInterceptor.kt; the same
  // class and package in 3.x's Java sources). An app that renames okhttp3 with R8 is not seen here
  // (its TLS writes still are).
  { id: "net.CallServerInterceptor.intercept", className: "okhttp3.internal.http.CallServerInterceptor", method: "intercept", overloads: [["okhttp3.Interceptor$Chain"]], category: "network_egress", egress: { layer: "okhttp" }, ref: "square/okhttp okhttp/src/main/kotlin/okhttp3/internal/http/CallServerInterceptor.kt", nonPublic: "OkHttp in the app, not the platform" },
  ...tlsEntries("com.android.org.conscrypt", ""),
  ...tlsEntries("org.conscrypt", "_bundled"),
  // Plain TCP through java.net: the socket's output stream writes through this private method
  // (OpenJDK and Android libcore ojluni java/net/SocketOutputStream.java: socketWrite(byte[], int, int);
  // its `impl` field, a SocketImpl, names the peer). A write nested in a TLS write on the same thread is the
  // ciphertext of that write and is not recorded (agent/engine/egress.ts).
  { id: "net.SocketOutputStream.socketWrite", className: "java.net.SocketOutputStream", method: "socketWrite", overloads: [BYTES_OFF_LEN], category: "network_egress", egress: { layer: "socket", data: 0 }, ref: "OpenJDK / AOSP libcore ojluni/src/main/java/java/net/SocketOutputStream.java", nonPublic: "java.net internals" },
];

/**
 * Pre-encryption scan points: each hooked overload is the one the others call, so one payload is
 * scanned once (android.util.Base64.encode(byte[], int) and encodeToString call
 * encode(byte[], int, int, int); Deflater.setInput(byte[]) calls setInput(byte[], int, int);
 * DeflaterOutputStream.write(byte[]) calls write(byte[], int, int)). A GZIPOutputStream write
 * also reaches Deflater.setInput: the second scan finds the same matches, which are merged.
 */
export const SCAN_POINTS: readonly ScanPoint[] = [
  { id: "scan.Cipher.update", className: "javax.crypto.Cipher", method: "update", overloads: [["[B"]], data: 0, ref: "developer.android.com/reference/javax/crypto/Cipher#update(byte[])" },
  { id: "scan.Cipher.update.range", className: "javax.crypto.Cipher", method: "update", overloads: [BYTES_OFF_LEN], data: 0, off: 1, len: 2, ref: "developer.android.com/reference/javax/crypto/Cipher#update(byte[],%20int,%20int)" },
  { id: "scan.Cipher.doFinal", className: "javax.crypto.Cipher", method: "doFinal", overloads: [["[B"]], data: 0, ref: "developer.android.com/reference/javax/crypto/Cipher#doFinal(byte[])" },
  { id: "scan.Cipher.doFinal.range", className: "javax.crypto.Cipher", method: "doFinal", overloads: [BYTES_OFF_LEN], data: 0, off: 1, len: 2, ref: "developer.android.com/reference/javax/crypto/Cipher#doFinal(byte[],%20int,%20int)" },
  { id: "scan.Deflater.setInput", className: "java.util.zip.Deflater", method: "setInput", overloads: [BYTES_OFF_LEN], data: 0, off: 1, len: 2, ref: "developer.android.com/reference/java/util/zip/Deflater#setInput(byte[],%20int,%20int)" },
  { id: "scan.GZIPOutputStream.write", className: "java.util.zip.GZIPOutputStream", method: "write", overloads: [BYTES_OFF_LEN], data: 0, off: 1, len: 2, ref: "developer.android.com/reference/java/util/zip/GZIPOutputStream#write(byte[],%20int,%20int)" },
  { id: "scan.Base64.encode", className: "android.util.Base64", method: "encode", overloads: [["[B", "int", "int", "int"]], data: 0, off: 1, len: 2, ref: "developer.android.com/reference/android/util/Base64#encode(byte[],%20int,%20int,%20int)" },
];

/**
 * OkHttp's asynchronous calls (issue 15): most SDKs send with `Call.enqueue`. The request is built
 * (its body gzipped or encrypted) on the SDK's thread, and sent on OkHttp's dispatcher thread, whose
 * stack holds only OkHttp and java.util.concurrent frames. The agent remembers each enqueued call
 * (by identity) with the caller's stack and that thread's pending pre-encryption matches, and hands
 * both to the sends of the call's run (agent/engine/egress.ts). Not catalogue entries: no call is
 * recorded and no coverage row is made; where OkHttp is absent or renamed by R8 they are not placed,
 * as net.CallServerInterceptor.intercept is not, and a dispatcher-thread send is the app's again.
 * Names checked with `javap -p` on okhttp-4.12.0.jar (RealCall.enqueue(okhttp3.Callback),
 * RealCall$AsyncCall.run(), field `final RealCall this$0`) and on okhttp-3.14.9.jar (okhttp3.RealCall
 * .enqueue(okhttp3.Callback); RealCall$AsyncCall extends NamedRunnable, whose final run() calls
 * `protected void execute()`; field `final okhttp3.RealCall this$0`).
 */
export interface AsyncPoint extends ScanPoint {
  /** `enqueue`: the caller's thread hands the call over; `run`: the dispatcher's thread runs it (`this$0` is the call). */
  readonly role: "enqueue" | "run";
}

const OKHTTP4_REF = "square/okhttp okhttp/src/main/kotlin/okhttp3/internal/connection/RealCall.kt (enqueue, inner class AsyncCall.run)";
const OKHTTP3_REF = "square/okhttp parent-3.14.9 okhttp/src/main/java/okhttp3/RealCall.java (enqueue, final class AsyncCall.execute)";

/** `data: -1`: these read no payload. */
export const ASYNC_POINTS: readonly AsyncPoint[] = [
  { id: "async.RealCall.enqueue", className: "okhttp3.internal.connection.RealCall", method: "enqueue", overloads: [["okhttp3.Callback"]], data: -1, role: "enqueue", ref: OKHTTP4_REF },
  { id: "async.RealCall.AsyncCall.run", className: "okhttp3.internal.connection.RealCall$AsyncCall", method: "run", overloads: [[]], data: -1, role: "run", ref: OKHTTP4_REF },
  { id: "async.RealCall.enqueue.okhttp3", className: "okhttp3.RealCall", method: "enqueue", overloads: [["okhttp3.Callback"]], data: -1, role: "enqueue", ref: OKHTTP3_REF },
  { id: "async.RealCall.AsyncCall.execute.okhttp3", className: "okhttp3.RealCall$AsyncCall", method: "execute", overloads: [[]], data: -1, role: "run", ref: OKHTTP3_REF },
  // OkHttp 4.0–4.3 kept 3.x's class names but its AsyncCall is a Runnable of its own: run(), no
  // execute() (javap on okhttp 4.2.2 and 4.3.1, checked by a reviewer).
  // In 3.x run() is NamedRunnable's, inherited: hooked only where AsyncCall declares it.
  { id: "async.RealCall.AsyncCall.run.okhttp40", className: "okhttp3.RealCall$AsyncCall", method: "run", overloads: [[]], data: -1, role: "run", ref: OKHTTP3_REF, declaredOnly: true },
];

/** Which identifier kind each hooked read returns: data shared with the runner and the report (reports/trace/learned-kinds.ts). */
export const LEARNED_KINDS: readonly (readonly [RegExp, IdKind])[] = LEARNED;


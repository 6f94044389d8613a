/**
 * The sandbox phone's network stack, as the agent's egress hooks see it (agent/catalogue/network.ts):
 * the platform Conscrypt's SSL output stream (a TLS write of the request's plaintext), and the
 * pre-encryption points SDKs pass their payloads through — GZIPOutputStream, Cipher, Base64.
 * Nothing leaves the sandbox: a send is the hooked write, with the bytes a real one would carry.
 *
 * Receivers as the agent reads them: the SSL output stream is an inner class whose outer socket
 * (`this$0`) answers getHostnameOrIP() and getPort() (google/conscrypt,
 * common/src/main/java/org/conscrypt/ConscryptFileDescriptorSocket.java, SSLOutputStream.write;
 * AbstractConscryptSocket.java), read as frida-java-bridge reads a field: `.value`
 * (frida-java-bridge lib/class-factory.js, `Field.prototype.value`). The bytes here are Java
 * byte[]s (Uint8Array): the stand-in bridge hands them to the agent's replacements as the real
 * one does, a PrimitiveArray whose index reads are each a JNI copy (./java-array.ts).
 */
import { createCipheriv } from "node:crypto";
import { gzipSync } from "node:zlib";
import type { AppProcess, FrameSpec } from "./app.js";
import type { ClassSpec } from "./java.js";

export const SSL_OUT = "com.android.org.conscrypt.ConscryptFileDescriptorSocket$SSLOutputStream";
const BYTES = ["[B", "int", "int"];
/** The stand-in's one Cipher: AES/CBC with the SDK's built-in key, as analytics SDKs ship it. */
const KEY = Buffer.from("permtrace-sample");
const IV = Buffer.alloc(16, 7);

const noop = (): undefined => undefined;

function aes(plain: Uint8Array): Uint8Array {
  const c = createCipheriv("aes-128-cbc", KEY, IV);
  return Uint8Array.from(Buffer.concat([c.update(plain), c.final()]));
}

export function networkClasses(): ClassSpec[] {
  return [
    { name: SSL_OUT, methods: [{ name: "write", params: BYTES, impl: noop }] },
    { name: "java.util.zip.GZIPOutputStream", methods: [{ name: "write", params: BYTES, impl: noop }] },
    { name: "java.util.zip.Deflater", methods: [{ name: "setInput", params: BYTES, impl: noop }] },
    {
      name: "javax.crypto.Cipher",
      methods: [
        { name: "doFinal", params: ["[B"], impl: (_s, a) => aes(a[0] as Uint8Array) },
        { name: "doFinal", params: BYTES, impl: noop },
        { name: "update", params: ["[B"], impl: noop },
        { name: "update", params: BYTES, impl: noop },
      ],
    },
    { name: "android.util.Base64", methods: [{ name: "encode", params: ["[B", "int", "int", "int"], impl: (_s, a) => Uint8Array.from(Buffer.from(a[0] as Uint8Array).toString("base64"), (c) => c.charCodeAt(0)) }] },
  ];
}

/** The SSL output stream of a socket connected to `host`:`port`. */
function sslStream(host: string, port: number): unknown {
  return { $className: SSL_OUT, this$0: { value: { getHostnameOrIP: () => host, getPort: () => port } } };
}

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);

/** One HTTPS request: its plaintext written to the TLS stream (HTTP/1.1, as OkHttp writes it without HTTP/2). */
export function httpsRequest(proc: AppProcess, req: { host: string; method: string; path: string; headers?: Record<string, string>; body?: Uint8Array }, callers: readonly FrameSpec[], thread: string): void {
  const body = req.body ?? new Uint8Array(0);
  const head = [`${req.method} ${req.path} HTTP/1.1`, `Host: ${req.host}`, ...Object.entries(req.headers ?? {}).map(([k, v]) => `${k}: ${v}`), ...(body.length > 0 ? [`Content-Length: ${body.length}`] : []), "", ""].join("\r\n");
  const bytes = new Uint8Array([...utf8(head), ...body]);
  proc.call(SSL_OUT, "write", BYTES, [bytes, 0, bytes.length], callers, thread, sslStream(req.host, 443));
}

/**
 * A body sealed as analytics SDKs seal theirs: gzip (GZIPOutputStream.write of the JSON), then
 * AES (Cipher.doFinal of the gzip) — each through the hooked classes on the caller's thread.
 */
export function sealedBody(proc: AppProcess, json: string, callers: readonly FrameSpec[], thread: string): Uint8Array {
  const plain = utf8(json);
  proc.call("java.util.zip.GZIPOutputStream", "write", BYTES, [plain, 0, plain.length], callers, thread);
  return proc.call("javax.crypto.Cipher", "doFinal", ["[B"], [Uint8Array.from(gzipSync(plain))], callers, thread) as Uint8Array;
}

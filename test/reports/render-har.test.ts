import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Ajv2020 } from "ajv/dist/2020.js";
import { describe, expect, it } from "vitest";
import { renderHar } from "../../reports/render/har.js";
import type { AppProfile } from "../../reports/profile.js";
import type { NetRecord } from "../../reports/trace/format.js";
import { parseFormats, runReport } from "../../runner/commands/report.js";
import { analyzeDir, APP, tempDir, TraceBuilder, UMENG } from "../support/trace-builder.js";

const ANDROID_ID = "settings.Secure.getString.android_id";
const SEND = "net.SSLOutputStream.write";
const profile: AppProfile = { app: "com.example.app", domains: ["example.com"], recipients: [{ name: "友盟+ 统计" }] };

/**
 * The HAR 1.2 spec's required fields and types (http://www.softwareishard.com/blog/har-12-spec/,
 * the spec the HAR format's users cite; its sections log, creator, entries, request, response,
 * content, cache, timings). Optional fields the spec names are allowed; custom ones start with `_`.
 */
const nameValues = { type: "array", items: { type: "object", required: ["name", "value"], properties: { name: { type: "string" }, value: { type: "string" } } } };
const HAR_12 = {
  type: "object",
  required: ["log"],
  properties: {
    log: {
      type: "object",
      required: ["version", "creator", "entries"],
      properties: {
        version: { const: "1.2" },
        creator: { type: "object", required: ["name", "version"], properties: { name: { type: "string" }, version: { type: "string" } } },
        entries: {
          type: "array",
          items: {
            type: "object",
            required: ["startedDateTime", "time", "request", "response", "cache", "timings"],
            patternProperties: { "^_": {} },
            additionalProperties: false,
            properties: {
              pageref: { type: "string" },
              startedDateTime: { type: "string", pattern: "^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?(Z|[+-]\\d{2}:\\d{2})$" },
              time: { type: "number", minimum: 0 },
              request: {
                type: "object",
                required: ["method", "url", "httpVersion", "cookies", "headers", "queryString", "headersSize", "bodySize"],
                properties: { method: { type: "string" }, url: { type: "string", format: "uri" }, httpVersion: { type: "string" }, cookies: { type: "array" }, headers: nameValues, queryString: nameValues, headersSize: { type: "integer" }, bodySize: { type: "integer" }, comment: { type: "string" } },
              },
              response: {
                type: "object",
                required: ["status", "statusText", "httpVersion", "cookies", "headers", "content", "redirectURL", "headersSize", "bodySize"],
                properties: { status: { type: "integer" }, statusText: { type: "string" }, content: { type: "object", required: ["size", "mimeType"], not: { required: ["text"] } }, redirectURL: { type: "string" } },
              },
              cache: { type: "object" },
              timings: {
                type: "object",
                required: ["send", "wait", "receive"],
                properties: { blocked: { type: "number", minimum: -1 }, dns: { type: "number", minimum: -1 }, connect: { type: "number", minimum: -1 }, ssl: { type: "number", minimum: -1 }, send: { type: "number", minimum: 0 }, wait: { type: "number", minimum: 0 }, receive: { type: "number", minimum: 0 } },
              },
              serverIPAddress: { type: "string" },
              connection: { type: "string" },
              comment: { type: "string" },
            },
          },
        },
        comment: { type: "string" },
      },
    },
  },
};

const net = (host: string, o: Partial<NetRecord> = {}): NetRecord => ({ layer: "tls", host, port: 443, tls: true, bytes: 812, ...o });

function trace(): string {
  const b = new TraceBuilder().mark(0, "app_launch").mark(0, "consent_shown");
  b.call(100, ANDROID_ID, "device_identifiers", { from: UMENG }); // seq 1
  b.call(250, SEND, "network_egress", { from: UMENG, net: net("alog.umeng.com", { method: "POST", matches: [{ kind: "android_id", enc: "md5-lower", where: "body", conf: 1, readSeq: 1 }] }) });
  b.call(300, "okhttp3.RealCall.execute", "network_egress", { from: APP, net: net("API.Example.com", { layer: "okhttp", method: "GET", port: 8443, bytes: 0 }) });
  b.call(400, SEND, "network_egress", { from: APP, net: net("evil.example/@attacker.example", { tls: false, port: 80, cut: 100 }) });
  b.call(500, SEND, "network_egress", { from: APP, net: net("::1", { tls: false, port: 8080, matches: [{ kind: "imei", enc: "base64", where: "pre-encryption", conf: 0.5 }] }) });
  return b.close();
}

describe("--format har: the recorded sends as HAR 1.2", () => {
  it("valid HAR 1.2: destinations, methods, sizes, times from the trace clock, match annotations; no bodies, path '/' and said so", () => {
    const dir = trace();
    const a = analyzeDir(dir, { profile });
    const har = JSON.parse(renderHar(a, { traceDir: dir }));
    const v = new Ajv2020({ allErrors: true, strict: false, validateFormats: false }).compile(HAR_12);
    expect(v(har), JSON.stringify(v.errors)).toBe(true);
    const e = har.log.entries;
    expect(e).toHaveLength(4);
    const t0 = Date.parse(a.trace.startedAt);
    expect(e.map((x: { startedDateTime: string }) => Date.parse(x.startedDateTime) - t0)).toEqual([250, 300, 400, 500]);
    expect(e.map((x: { request: { url: string } }) => x.request.url)).toEqual(["https://alog.umeng.com/", "https://api.example.com:8443/", "http://unknown.invalid/", "http://[::1]:8080/"]);
    expect(e.map((x: { request: { method: string } }) => x.request.method)).toEqual(["POST", "GET", "UNKNOWN", "UNKNOWN"]);
    for (const x of e) {
      expect(new URL(x.request.url).pathname).toBe("/");
      expect(x.request.comment).toContain("the path is not recorded");
      expect(x.response.status).toBe(0);
      expect(x.response.comment).toContain("unknown");
      expect(x.response.content.text).toBeUndefined();
      expect(x.request.postData).toBeUndefined();
    }
    // OkHttp's bytes are the body; a TLS write's are the whole write (kept in _permtrace).
    expect(e[1].request.bodySize).toBe(0);
    expect(e[0].request.bodySize).toBe(-1);
    expect(e[0]._permtrace).toMatchObject({ seq: 2, t: 250, host: "alog.umeng.com", tls: true, layer: "tls", bytes: 812, party: { key: "sdk:umeng-common" }, recipient: { whose: "sdk" }, matches: [{ kind: "android_id", enc: "md5-lower", where: "body", readSeq: 1, conf: 1 }] });
    expect(e[0].comment).toContain("android_id (md5-lower, body)");
    expect(e[1].comment).toContain("no identifier found");
    expect(e[1]._permtrace.recipient).toMatchObject({ whose: "app" });
    // The hostile host stays out of the URL, raw in _permtrace; the unscanned tail is said.
    expect(e[2]._permtrace).toMatchObject({ host: "evil.example/@attacker.example", notScanned: 100, party: { key: "app" } });
    expect(e[3].comment).toContain("imei (base64, pre-encryption, confidence 0.5)");
    expect(har.log.comment).toContain("4 recorded send(s)");
  });

  it("a trace without sends: a valid HAR with no entries", () => {
    const b = new TraceBuilder().consented(0);
    b.call(100, ANDROID_ID, "device_identifiers", { from: UMENG });
    const dir = b.close();
    const har = JSON.parse(renderHar(analyzeDir(dir), { traceDir: dir }));
    expect(har.log).toMatchObject({ version: "1.2", entries: [] });
  });

  it("`permtrace report --format har` writes requests.har; the format is parsed like the others", async () => {
    expect(parseFormats("json,har")).toEqual(["json", "har"]);
    expect(() => parseFormats("hra")).toThrow(/unknown report format 'hra'/);
    const dir = trace();
    const out = tempDir();
    const r = await runReport({ trace: dir, formats: ["har"], out });
    expect(r.files).toEqual([join(out, "requests.har")]);
    expect(JSON.parse(readFileSync(join(out, "requests.har"), "utf8")).log.entries).toHaveLength(4);
  });
});

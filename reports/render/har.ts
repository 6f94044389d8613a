/**
 * `--format har`: the recorded sends (network_egress events with a `net` record) as HAR 1.2
 * (http://www.softwareishard.com/blog/har-12-spec/), for the tools people already use on traffic.
 *
 * What the trace has is a destination, a method when the send starts an HTTP/1 request, a size,
 * a time and the identifiers the agent found — not the path, headers, bodies or the response.
 * So: the URL's path is always `/` (said in each entry's `comment`), headers, query string and
 * cookies are empty, the response has status 0 ("unknown"), no body is ever written (there is
 * none to write, with or without --show-values), and timings are zero with the send's moment as
 * `startedDateTime` (the trace clock: manifest.startedAt + the call's `t`). The match
 * annotations and the raw (untrusted) host are in the `_permtrace` custom field (HAR allows
 * fields starting with `_`).
 */
import type { Analysis } from "../analyze.js";
import type { Flow } from "../flows.js";
import { Attributor } from "../sdk/attribution.js";
import { SDK_CATALOGUE } from "../sdk/catalogue/index.js";
import { normalizeHost } from "../sdk/recipients.js";
import type { CallEvent, NetRecord } from "../trace/format.js";
import { forEachCall, openTrace } from "../trace/reader.js";

/** Entries written at most; past it the log's comment says how many were left out. */
export const MAX_HAR_ENTRIES = 100_000;

const PATH_NOTE = "the path is not recorded (permtrace records the destination, not the URL): '/' stands for it";

export interface HarContext {
  readonly traceDir: string;
}

/** The HAR document of the trace's recorded sends (read again from calls.jsonl: the analysis keeps aggregates only). */
export function renderHar(a: Analysis, ctx: HarContext): string {
  const trace = openTrace(ctx.traceDir);
  const base = Date.parse(trace.manifest.startedAt);
  const t0 = Number.isFinite(base) ? base : 0;
  // The analysis attributed stacks with the profile's own packages too; the manifest's are what the trace itself says.
  const attributor = new Attributor(SDK_CATALOGUE, [trace.manifest.app.package, ...(trace.manifest.app.ownPackages ?? [])]);
  const whose = new Map<string, Flow["recipient"]>((a.flows?.flows ?? []).map((f) => [f.recipient.host, f.recipient]));
  const sends: { ev: CallEvent; net: NetRecord }[] = [];
  let left = 0;
  forEachCall(trace, (ev) => {
    if (!ev.net) return;
    if (sends.length < MAX_HAR_ENTRIES) sends.push({ ev, net: ev.net });
    else left++;
  });
  sends.sort((x, y) => x.ev.t - y.ev.t || x.ev.seq - y.ev.seq);
  const entries = sends.map(({ ev, net }) => {
    const party = attributor.attribute(ev.stack === undefined ? undefined : trace.stacks.get(ev.stack)).responsible;
    return entry(ev, net, t0, { key: party.key, name: party.name }, whose.get(net.host ?? ""));
  });
  const log = {
    version: "1.2",
    creator: { name: a.tool.name, version: a.tool.version, comment: "permtrace: sends recorded inside the app by its Frida agent" },
    entries,
    comment: `${a.trace.app}: ${entries.length} recorded send(s)${left > 0 ? `, ${left} more not written past ${MAX_HAR_ENTRIES}` : ""}. Destinations, methods, sizes, times and the identifiers found; no paths, headers, bodies or responses are recorded.${Number.isFinite(base) ? "" : " The trace's start time is unreadable: times count from 1970-01-01."}`,
  };
  return `${JSON.stringify({ log }, null, 2)}\n`;
}

function entry(ev: CallEvent, net: NetRecord, t0: number, party: { key: string; name: string }, recipient: Flow["recipient"] | undefined) {
  const matches = net.matches ?? [];
  const found = matches.length > 0 ? `identifiers found: ${matches.map((m) => `${m.kind} (${m.enc}, ${m.where}${m.conf < 1 ? `, confidence ${m.conf}` : ""})`).join("; ")}` : "no identifier found";
  const method = typeof net.method === "string" && net.method !== "" ? net.method : "UNKNOWN";
  // OkHttp's bytes are the body's declared length; a TLS or socket write's are the whole write.
  const body = net.layer === "okhttp" && typeof net.bytes === "number" ? net.bytes : -1;
  return {
    startedDateTime: new Date(t0 + ev.t).toISOString(),
    time: 0,
    request: {
      method,
      url: url(net),
      httpVersion: "",
      headers: [],
      queryString: [],
      cookies: [],
      headersSize: -1,
      bodySize: body,
      comment: `${PATH_NOTE}${method === "UNKNOWN" ? "; the method is unknown (not the start of an HTTP/1 request, or not recorded)" : ""}`,
    },
    response: { status: 0, statusText: "unknown", httpVersion: "", headers: [], cookies: [], content: { size: 0, mimeType: "" }, redirectURL: "", headersSize: -1, bodySize: -1, comment: "the response is not recorded: status 0 means unknown" },
    cache: {},
    timings: { blocked: -1, dns: -1, connect: -1, ssl: -1, send: 0, wait: 0, receive: 0, comment: "durations are not recorded: startedDateTime is when the agent saw the send" },
    ...(net.port !== undefined ? { connection: String(net.port) } : {}),
    comment: `${found}; ${net.tls ? "TLS" : "cleartext"}, seen at the ${net.layer} layer, ${typeof net.bytes === "number" ? `${net.bytes} bytes` : "size unknown"}; event #${ev.seq} in calls.jsonl`,
    _permtrace: {
      seq: ev.seq,
      t: ev.t,
      hook: ev.hook,
      party,
      host: net.host ?? null,
      ...(recipient ? { recipient: { whose: recipient.whose, label: recipient.label, evidence: recipient.evidence } } : {}),
      ...(net.port !== undefined ? { port: net.port } : {}),
      tls: net.tls,
      layer: net.layer,
      ...(net.bytes !== undefined ? { bytes: net.bytes } : {}),
      ...(net.cut !== undefined ? { notScanned: net.cut } : {}),
      matches: matches.map((m) => ({ kind: m.kind, enc: m.enc, where: m.where, conf: m.conf, ...(m.readSeq !== undefined ? { readSeq: m.readSeq } : {}) })),
    },
  };
}

/**
 * The destination as a URL. The host comes from the app: only a host name or IP address that
 * parses as one goes into the URL (anything else — "evil.example/@x" — becomes `unknown.invalid`,
 * the raw string staying in `_permtrace.host`), so a viewer's link never points elsewhere.
 */
function url(net: NetRecord): string {
  const scheme = net.tls ? "https" : "http";
  const n = normalizeHost(net.host);
  const host = "host" in n ? n.host : "ip" in n ? (n.ip.includes(":") ? `[${n.ip}]` : n.ip) : "unknown.invalid";
  const port = typeof net.port === "number" && Number.isInteger(net.port) && net.port > 0 && net.port < 65536 && net.port !== (net.tls ? 443 : 80) ? `:${net.port}` : "";
  return `${scheme}://${host}${port}/`;
}

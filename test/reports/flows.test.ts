import { Ajv2020 } from "ajv/dist/2020.js";
import { describe, expect, it } from "vitest";
import { MAX_FLOWS } from "../../reports/flows.js";
import type { AppProfile } from "../../reports/profile.js";
import { renderHtml } from "../../reports/render/html/index.js";
import { renderJson } from "../../reports/render/json.js";
import { renderMarkdown } from "../../reports/render/markdown.js";
import { renderSarif } from "../../reports/render/sarif.js";
import { renderXlsx } from "../../reports/render/xlsx.js";
import type { NetRecord } from "../../reports/trace/format.js";
import { SCHEMAS } from "../../scripts/schemas.js";
import { analyzeDir, APP, TraceBuilder, UMENG } from "../support/trace-builder.js";

const ANDROID_ID = "settings.Secure.getString.android_id";
const SEND = "net.SSLOutputStream.write";
const profile: AppProfile = { app: "com.example.app", domains: ["example.com"], recipients: [{ name: "友盟+ 统计" }] };

const net = (host: string, o: Partial<NetRecord> = {}): NetRecord => ({ layer: "tls", host, port: 443, tls: true, bytes: 100, ...o });
const md5 = (readSeq: number) => ({ kind: "android_id", enc: "md5-lower", where: "body" as const, conf: 1, readSeq });

describe("flows: party → recipient → identifiers", () => {
  it("aggregates sends per party and host: identifiers with encodings and where, times, counts, bytes, TLS, samples and findings", () => {
    const b = new TraceBuilder().mark(0, "app_launch").mark(0, "consent_shown");
    b.call(100, ANDROID_ID, "device_identifiers", { from: UMENG }); // seq 1
    b.call(200, SEND, "network_egress", { from: UMENG, net: net("alog.umeng.com", { bytes: 800, matches: [md5(1)] }) });
    b.call(300, SEND, "network_egress", { from: UMENG, net: net("alog.umeng.com", { tls: false, port: 80, bytes: 200, matches: [md5(1), { kind: "android_id", enc: "base64", where: "url", conf: 0.6, noRead: true }] }) });
    b.call(400, SEND, "network_egress", { from: APP, net: net("tiles.maps.example.org", { bytes: 50 }) });
    const a = analyzeDir(b.close(), { profile });
    const fl = a.flows!;
    expect(fl.requests).toBe(3);
    expect(fl.flows).toHaveLength(2);
    const [umeng, tiles] = fl.flows;
    expect(umeng).toMatchObject({
      party: { key: "sdk:umeng-common" },
      recipient: { host: "alog.umeng.com", whose: "sdk", ports: [80, 443] },
      carriesIdentifiers: true,
      first: 200,
      last: 300,
      requests: 2,
      bytes: 1000,
      tls: "mixed",
      layers: ["tls"],
      events: [2, 3],
    });
    expect(umeng!.recipient.evidence).toMatch(/umeng\.com/);
    // One of the sends had no read of it in its process (noRead): sent without a read permtrace saw (once).
    expect(umeng!.identifiers).toEqual([{ kind: "android_id", encodings: ["base64", "md5-lower"], where: ["body", "url"], requests: 2, readSeqs: [1], minConf: 0.6, unread: 1 }]);
    // The before-consent and cleartext findings about this party and host are linked.
    const ids = a.findings.filter((f) => f.family === "egress").map((f) => f.id).sort();
    expect(ids.length).toBeGreaterThanOrEqual(2);
    expect([...umeng!.findings!].sort()).toEqual(ids);
    // A send with no identifier is a flow (a host contacted) that carries none, and has no finding.
    expect(tiles).toMatchObject({ party: { key: "app" }, recipient: { host: "tiles.maps.example.org", whose: "unknown" }, identifiers: [], carriesIdentifiers: false, tls: "yes", requests: 1 });
    expect(tiles!.findings).toBeUndefined();
    // findings.json carries them, valid against the published schema.
    const v = new Ajv2020({ allErrors: true, strict: false }).compile(SCHEMAS["findings.schema.json"]!);
    const doc = JSON.parse(renderJson(a));
    expect(doc.flows.flows).toHaveLength(2);
    expect(v(doc), JSON.stringify(v.errors)).toBe(true);
  });

  it("says in every format when an identifier was sent without a read permtrace saw in that process (the device's own value, no hooked read of it); a read out of the runner's window is not that", async () => {
    const b = new TraceBuilder().consented(0);
    b.call(200, SEND, "network_egress", { from: UMENG, net: net("alog.umeng.com", { matches: [{ kind: "serial", enc: "md5-lower", where: "body", conf: 1, noRead: true }, { kind: "imei", enc: "plain", where: "body", conf: 1 }] }) });
    const a = analyzeDir(b.close(), { profile });
    expect(a.flows!.flows[0]!.identifiers).toEqual([
      { kind: "imei", encodings: ["plain"], where: ["body"], requests: 1, minConf: 1 },
      { kind: "serial", encodings: ["md5-lower"], where: ["body"], requests: 1, minConf: 1, unread: 1 },
    ]);
    expect(renderMarkdown(a)).toContain("serial (md5-lower, body, sent without a read permtrace saw in that process 1×)");
    expect(await renderHtml(a)).toContain("sent without a read permtrace saw in that process (1×)");
    expect(renderSarif(a)).toContain("serial (md5-lower; body; sent without a read permtrace saw in that process 1×)");
    const doc = JSON.parse(renderJson(a));
    expect(doc.flows.flows[0].identifiers[1].unread).toBe(1);
    const v = new Ajv2020({ allErrors: true, strict: false }).compile(SCHEMAS["findings.schema.json"]!);
    expect(v(doc), JSON.stringify(v.errors)).toBe(true);
    const { default: ExcelJS } = await import("exceljs");
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await renderXlsx(a)) as unknown as ArrayBuffer);
    expect(String(wb.getWorksheet("Flows")!.getRow(2).getCell(6).value)).toBe("imei (plain; body; 1×); serial (md5-lower; body; 1×; sent without a read permtrace saw in that process 1×)");
  });

  it("no egress record: no flows field (findings.json is as before)", () => {
    const b = new TraceBuilder().consented(0);
    b.call(100, ANDROID_ID, "device_identifiers", { from: UMENG });
    expect(analyzeDir(b.close()).flows).toBeUndefined();
  });

  it("bounded: flows past MAX_FLOWS are counted, not listed", () => {
    const b = new TraceBuilder().consented(0);
    for (let i = 0; i < MAX_FLOWS + 3; i++) b.call(10 + i, SEND, "network_egress", { from: APP, net: net(`h${i}.example.net`) });
    b.call(5000, SEND, "network_egress", { from: APP, net: net(`h${MAX_FLOWS + 1}.example.net`) });
    const fl = analyzeDir(b.close()).flows!;
    expect(fl.flows).toHaveLength(MAX_FLOWS);
    expect(fl).toMatchObject({ requests: MAX_FLOWS + 4, omittedFlows: 3, omittedRequests: 4 });
  });
});

/** A host name an app could put in a request or SNI: markup, a bidi override, a formula. */
const HOSTILE = '<img src=x onerror=alert(1)>"\u202Egpj.evil.example';

function hostileTrace(): string {
  const b = new TraceBuilder().mark(0, "app_launch").mark(0, "consent_shown");
  b.call(100, ANDROID_ID, "device_identifiers", { from: UMENG });
  b.call(200, SEND, "network_egress", { from: UMENG, net: net(HOSTILE, { matches: [md5(1)] }) });
  b.call(300, SEND, "network_egress", { from: APP, net: net("=HYPERLINK(\"http://x\")", { tls: false }) });
  return b.close();
}

describe("flows in the HTML report and the workbook", () => {
  it("HTML: a data-flow section, linked from the contents, every app string escaped, nothing loaded", async () => {
    const dir = hostileTrace();
    const a = analyzeDir(dir, { profile });
    const html = await renderHtml(a, { traceDir: dir });
    expect(html).toContain(`<a href="#flows">Data flows</a>`);
    const section = /<section id="flows">[\s\S]*?<\/section>/.exec(html)![0];
    expect(section).toContain("Data flows");
    expect(section).toContain("&lt;img src=x onerror=alert(1)&gt;&quot;\uFFFDgpj.evil.example");
    expect(section).not.toContain("<img");
    expect(section).not.toContain("\u202E");
    // No element loads anything (the text " src=x" is there, escaped, inside a code element).
    expect(section).not.toMatch(/<[a-z]+\s[^>]*\b(src|href)="(?!#)/);
    expect(section).toContain("md5-lower");
    expect(section).toContain("none found");
    expect(section).toContain("<strong>cleartext</strong>");
    // The before-consent finding about the flow links to its evidence.
    const f = a.findings.find((x) => x.rule === "egress.identifier_before_consent")!;
    expect(section).toContain(`<a href="#${f.id}">${f.id}</a>`);
    expect(html).toContain(`id="${f.id}"`);
  });

  it("Markdown and SARIF carry the flows too, app strings escaped", () => {
    const a = analyzeDir(hostileTrace(), { profile });
    const md = renderMarkdown(a);
    const section = md.slice(md.indexOf("## Data flows"), md.indexOf("## ", md.indexOf("## Data flows") + 3));
    expect(section).toContain("| Party | To | Identifiers | Requests | TLS | Findings |");
    expect(section).toContain("md5-lower");
    expect(section).not.toContain("<img");
    expect(section).not.toContain("\u202E");
    const sarif = JSON.parse(renderSarif(a)) as { runs: { properties: { flows?: { host: string; identifiers: string[] }[] } }[] };
    const flows = sarif.runs[0]!.properties.flows!;
    expect(flows.some((f) => f.identifiers.some((i) => i.startsWith("android_id (md5-lower")))).toBe(true);
    expect(JSON.stringify(flows)).not.toContain("\u202E");
  });

  it("HTML: no flows, no section and no link", async () => {
    const b = new TraceBuilder().consented(0);
    b.call(100, ANDROID_ID, "device_identifiers", { from: UMENG });
    const html = await renderHtml(analyzeDir(b.close()));
    expect(html).not.toContain('id="flows"');
    expect(html).not.toContain('href="#flows"');
  });

  it("XLSX: a Flows sheet, app strings through the formula neutraliser", async () => {
    const { default: ExcelJS } = await import("exceljs");
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await renderXlsx(analyzeDir(hostileTrace(), { profile }))) as unknown as ArrayBuffer);
    const ws = wb.getWorksheet("Flows")!;
    expect(ws.getRow(1).getCell(2).value).toBe("Host");
    expect(ws.rowCount).toBe(3);
    const hosts = [ws.getRow(2).getCell(2).value, ws.getRow(3).getCell(2).value];
    expect(hosts).toContain('\'=HYPERLINK("http://x")');
    expect(hosts.some((h) => String(h).includes("\uFFFDgpj.evil.example") && !String(h).includes("\u202E"))).toBe(true);
    const umeng = ws.getRow(2).getCell(6).value;
    expect(String(umeng)).toContain("android_id (md5-lower; body; 1×)");
    expect(ws.getRow(3).getCell(6).value).toBe("none found");
  });
});

import type { Analysis } from "../../analyze.js";
import { UNREAD, type Flow } from "../../flows.js";
import { esc, int, secs, u, uc } from "./escape.js";
import { FULL_EVIDENCE, num, table, td } from "./tables.js";

/** Rows shown; findings.json lists every flow (at most 500). */
const MAX_FLOW_ROWS = 500;

const WHOSE: Readonly<Record<Flow["recipient"]["whose"], string>> = { app: "app", sdk: "SDK", recipient: "declared", unknown: "unknown" };

/**
 * The data-flow section: party → recipient → identifiers of the recorded sends, with times,
 * counts and links to the egress findings' evidence. Hosts, party names, identifier kinds and
 * encodings come from the app or its trace: all through `u`/`uc`/`esc` (escape.ts).
 */
export function flowsSection(a: Analysis): string {
  const fl = a.flows;
  if (!fl || fl.flows.length === 0) return "";
  // Evidence anchors exist for the first FULL_EVIDENCE findings only (findings.ts).
  const anchored = new Set(a.findings.slice(0, FULL_EVIDENCE).map((f) => f.id));
  const rows = fl.flows.map((f) => [
    td(u(f.party.name, 120)),
    td(`${uc(f.recipient.host || "(no host)", 253)}${f.recipient.ports.length > 0 ? `<span class="muted">:${esc(f.recipient.ports.join(","), 60)}</span>` : ""}<br><span class="muted" title="${esc(f.recipient.evidence, 300)}">${esc(WHOSE[f.recipient.whose])} · ${u(f.recipient.label, 120)}</span>`),
    td(identifiers(f), { v: f.identifiers.length }),
    td(esc(secs(f.first)), { num: true, v: f.first }),
    td(esc(secs(f.last)), { num: true, v: f.last }),
    num(f.requests),
    num(f.bytes),
    td(f.tls === "yes" ? "TLS" : f.tls === "no" ? `<strong>cleartext</strong>` : "mixed", { cls: "nw" }),
    td(links(f, anchored)),
  ]);
  const cols = [{ head: "Party" }, { head: "Recipient" }, { head: "Identifiers" }, { head: "First", num: true }, { head: "Last", num: true }, { head: "Requests", num: true }, { head: "Bytes", num: true }, { head: "TLS" }, { head: "Evidence" }];
  const omitted = fl.omittedFlows ? `<p class="more">${int(fl.omittedFlows)} more party → host pair(s) with ${int(fl.omittedRequests ?? 0)} send(s) not listed past the first ${int(fl.flows.length)}.</p>` : "";
  const lead = `Who sent what to whom: ${int(fl.requests)} recorded send(s), by the party on the send's stack, to the destination host and whose it is, with the identifiers the agent found in them (never their values). Events are seqs in calls.jsonl.`;
  return `<section id="flows"><h2>Data flows</h2><p class="lead">${esc(lead)}</p>${table("flows", cols, rows, MAX_FLOW_ROWS)}${omitted}</section>`;
}

function identifiers(f: Flow): string {
  if (!f.carriesIdentifiers) return `<span class="muted">none found</span>`;
  return f.identifiers
    .map((i) => `${uc(i.kind, 60)} <span class="muted">${esc(i.encodings.join(", "), 200)} · ${esc(i.where.join(", "), 60)} · ${int(i.requests)}×${i.minConf < 1 ? ` · conf ≥ ${esc(i.minConf.toFixed(2))}` : ""}${i.readSeqs ? ` · read ${esc(i.readSeqs.map((s) => `#${s}`).join(" "), 120)}` : ""}${i.unread ? ` · ${UNREAD} (${int(i.unread)}×)` : ""}</span>`)
    .join("<br>");
}

function links(f: Flow, anchored: ReadonlySet<string>): string {
  const found = (f.findings ?? []).map((id) => (anchored.has(id) ? `<a href="#${esc(id)}">${esc(id)}</a>` : esc(id)));
  const events = `<span class="muted">events ${esc(f.events.map((s) => `#${s}`).join(" "), 200)}</span>`;
  return found.length > 0 ? `${found.join(" ")}<br>${events}` : events;
}

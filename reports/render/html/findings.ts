import type { Analysis } from "../../analyze.js";
import { RULES } from "../../rules/index.js";
import type { Finding, PartySummary } from "../../rules/types.js";
import { esc, int, secs, u, uc } from "./escape.js";
import type { ScreenshotLoader } from "./screenshots.js";
import { stepNumber } from "../step-number.js";
import { categoryLabel, FULL_EVIDENCE, ruleId, sevBadge } from "./tables.js";

interface FirstCall {
  seq?: unknown;
  hook?: unknown;
  out?: unknown;
  exc?: unknown;
  args?: unknown;
  /** Arguments the analysis already left out (it keeps at most 20). */
  argsOmitted?: unknown;
  ret?: unknown;
  pid?: unknown;
  tid?: unknown;
}

const kv = (k: string, v: string): string => `<dt>${esc(k)}</dt><dd>${v}</dd>`;

function party(p: PartySummary): string {
  const extra = [p.sdkKind ?? p.kind.replace(/_/g, " "), p.vendor ? `by ${p.vendor}` : "", p.package && p.package !== p.name ? p.package : ""].filter(Boolean);
  return `${u(p.name, 200)}${extra.length ? ` <span class="muted">${u(extra.join(" · "), 300)}</span>` : ""}`;
}

/** A rule definition's https link for a reference, if it has one; finding data never supplies URLs. */
function referenceUrl(rule: string, index: number): string | undefined {
  const ref = RULES.get(rule)?.references[index] as { url?: unknown } | undefined;
  if (typeof ref?.url !== "string") return undefined;
  try {
    return new URL(ref.url).protocol === "https:" ? ref.url : undefined;
  } catch {
    return undefined;
  }
}

function references(f: Finding): string {
  const items = f.references.map((r, i) => {
    const source = `${esc(r.source)}${r.clause ? ` ${esc(r.clause)}` : ""}`;
    const url = referenceUrl(f.rule, i);
    const head = url ? `<a href="${esc(url, 2000)}" rel="noreferrer noopener">${source}</a>` : `<strong>${source}</strong>`;
    return `<li>${head}: ${esc(r.text, 1000)}</li>`;
  });
  return `<ul class="plain refs">${items.join("")}</ul>`;
}

function stack(f: Finding): string {
  const s = f.evidence.stack;
  if (!s) return `<p class="muted">No stack was recorded for these calls.</p>`;
  const frames = s.frames.map((fr, i) => {
    const cls = [i === s.responsibleFrame ? "resp" : "", i === s.immediateFrame ? "imm" : ""].filter(Boolean).join(" ");
    const tags = `${i === s.responsibleFrame ? `<span class="tag resp">responsible</span>` : ""}${i === s.immediateFrame ? `<span class="tag imm">immediate caller</span>` : ""}`;
    return `<li${cls ? ` class="${cls}"` : ""}><bdi class="u">${esc(fr, 600)}</bdi>${tags}</li>`;
  });
  const omitted = s.omittedFrames ? `<p class="more">${int(s.omittedFrames)} outer frame(s) not shown.</p>` : "";
  return `<ol class="stack" aria-label="Stack ${s.id}, innermost first">${frames.join("")}</ol>${omitted}`;
}

/** Arguments shown per call: a call line of the trace may carry any number of them. */
export const MAX_ARGS = 20;

function firstCall(fc: FirstCall | undefined): string {
  if (!fc || typeof fc !== "object") return "";
  const args = Array.isArray(fc.args) ? fc.args : [];
  const hidden = Math.max(0, args.length - MAX_ARGS) + (typeof fc.argsOmitted === "number" && fc.argsOmitted > 0 ? fc.argsOmitted : 0);
  const more = hidden > 0 ? `<p class="more">${int(hidden)} more argument(s) not shown.</p>` : "";
  const rows = [
    kv("Event", `#${esc(fc.seq)} · pid ${esc(fc.pid)} · tid ${esc(fc.tid)}`),
    kv("Hook", uc(fc.hook, 200)),
    kv("Outcome", `${esc(fc.out)}${fc.exc !== undefined ? ` ${uc(fc.exc, 200)}` : ""}`),
    args.length ? kv("Arguments", `<ol class="plain">${args.slice(0, MAX_ARGS).map((x) => `<li>${uc(x, 300)}</li>`).join("")}</ol>${more}`) : "",
    fc.ret !== undefined ? kv("Returned", uc(fc.ret, 300)) : "",
  ];
  return `<h3>First call</h3><dl class="kv">${rows.join("")}</dl>`;
}

/** Rule details that are moments of trace time (ms), shown in seconds like the rest of the page. */
const MOMENTS = new Set(["start", "end", "peakAt", "deniedAt", "backgroundSince"]);

/** Rule-specific facts, whatever their shape: key, and the value as JSON text; times and `…Ms` durations in seconds. */
function details(d: Readonly<Record<string, unknown>> | undefined): string {
  const entries = Object.entries(d ?? {}).filter(([k]) => k !== "firstCall");
  if (entries.length === 0) return "";
  const rows = entries.map(([k, v]) =>
    typeof v === "number" && Number.isFinite(v) && (MOMENTS.has(k) || /Ms$/.test(k)) ? kv(k, esc(secs(v))) : kv(k, uc(JSON.stringify(v) ?? String(v), 1500)),
  );
  return `<h3>Details</h3><dl class="kv">${rows.join("")}</dl>`;
}

/** Calls per minute over the finding's window, when it spans a second or more and has more than one call. */
function rate(f: Finding): string {
  const ms = f.window.end - f.window.start;
  if (!(ms >= 1000) || f.count < 2) return "";
  const perMin = (f.count / ms) * 60_000;
  const text = perMin >= 100 ? int(perMin) : perMin >= 10 ? perMin.toFixed(1) : perMin.toPrecision(2);
  return `${text} per minute over the window`;
}

/** Screenshots are inlined once: the first finding showing one carries the image, later ones link to it. */
export class ShotIndex {
  private readonly seen = new Map<string, { id: string; finding: string }>();
  constructor(private readonly loader: ScreenshotLoader) {}

  async render(f: Finding): Promise<string> {
    const shot = f.evidence.screenshot;
    if (!shot) return "";
    const caption = `${uc(shot.path, 300)} at ${esc(secs(shot.t))}`;
    const img = await this.loader.load(shot.path);
    if (!img.ok) return `<h3>Nearest screenshot</h3><p>${caption} <span class="muted">(${esc(img.reason)})</span></p>`;
    const prev = this.seen.get(img.key);
    if (prev) return `<h3>Nearest screenshot</h3><p>${caption}: the same image as in <a href="#${prev.id}">${esc(prev.finding)}</a>.</p>`;
    const id = `shot-${this.seen.size + 1}`;
    this.seen.set(img.key, { id, finding: f.id });
    const size = img.width && img.height ? ` width="${img.width}" height="${img.height}"` : "";
    return `<h3>Nearest screenshot</h3><figure class="shot" id="${id}"><img src="${img.dataUri}"${size} alt="Screenshot nearest to finding ${esc(f.id)}"><figcaption>${caption}</figcaption></figure>`;
  }
}

async function evidence(f: Finding, shots: ShotIndex): Promise<string> {
  const e = f.evidence;
  const st = e.stack;
  const step = e.step ? `${int(stepNumber(e.step.index))}${e.step.action ? ` ${u(e.step.action, 80)}` : ""}${e.step.label ? ` ${u(e.step.label, 200)}` : ""} <span class="muted">of ${u(e.step.scenario, 200)}</span>` : "";
  const facts = [
    kv("Rule", `${ruleId(f.rule)} <span class="muted">${esc(f.family)}</span>`),
    kv("Party", party(f.party)),
    f.via ? kv("Via", f.via.map(party).join(", ")) : "",
    f.immediateCaller ? kv("Immediate caller", party(f.immediateCaller)) : "",
    f.category ? kv("Data category", `${esc(categoryLabel(f.category))} <span class="muted">${esc(f.category)}</span>`) : "",
    f.scenario ? kv("Scenario", u(f.scenario, 300)) : "",
    f.scenarios ? kv("Scenarios", u(f.scenarios.join(", "), 600)) : "",
    step ? kv("Step", step) : "",
    kv("Window", `${esc(secs(f.window.start))} to ${esc(secs(f.window.end))} <span class="muted">(${esc(secs(f.window.end - f.window.start))})</span>`),
    kv("Calls", int(f.count)),
    rate(f) ? kv("Rate", esc(rate(f))) : "",
    st ? kv("Attribution", `<span class="conf">${esc(st.confidence.toFixed(2))}</span> ${u(st.reason, 500)}`) : "",
    kv("Sample events", esc(e.events.map((n) => `#${n}`).join(" "), 1000)),
    e.hooks.length ? kv("Hooks", `<ul class="plain">${e.hooks.map((h) => `<li>${uc(h.hook, 200)} ×${int(h.count)}</li>`).join("")}</ul>`) : "",
  ];
  return `<div class="body">
<p class="msg">${u(f.message, 2000)}</p>
<div class="cols"><div><dl class="kv">${facts.join("")}</dl>${details(e.details)}${firstCall(e.details?.firstCall as FirstCall | undefined)}</div>
<div><h3>Stack${st ? ` <span class="muted">#${esc(st.id)}, innermost frame first</span>` : ""}</h3>${stack(f)}${await shots.render(f)}<h3>Basis</h3>${references(f)}</div></div>
</div>`;
}

/** The evidence section: a <details> per finding, the first FULL_EVIDENCE of them. */
export async function evidenceSection(a: Analysis, loader: ScreenshotLoader): Promise<string> {
  if (a.findings.length === 0) return "";
  const shots = new ShotIndex(loader);
  const out: string[] = [];
  for (const f of a.findings.slice(0, FULL_EVIDENCE)) {
    const who = `${u(f.party.name, 120)}${f.category ? ` · ${esc(categoryLabel(f.category))}` : ""} · ${int(f.count)} call(s)`;
    out.push(`<details class="finding ${f.severity}" id="${esc(f.id)}"><summary>${sevBadge(f.severity)}<span class="fid">${esc(f.id)}</span><span class="ttl">${esc(f.title)}</span><span class="who">${who}</span></summary>\n${await evidence(f, shots)}</details>`);
  }
  const rest = a.findings.length - FULL_EVIDENCE;
  const more = rest > 0 ? `<p class="more">The evidence of the other ${int(rest)} finding(s) is in findings.json; they are listed in the findings table.</p>` : "";
  return `<section id="evidence"><h2>Evidence</h2><p class="lead">Per finding: who, where in the stack, when, how often, and the first call.</p>\n${out.join("\n")}\n${more}</section>`;
}

/**
 * The report's one inline stylesheet. Its SHA-256 goes into the Content-Security-Policy, so it
 * is a constant: no app data, and no style= attributes anywhere (CSP would block them); the
 * chart colours come from classes and SVG presentation attributes.
 */

/** Series colours of the timeline chart (colour-blind-aware, after Tableau 10); the last is "other". */
export const PALETTE = ["#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#86bcb6", "#d37295", "#a0cbe8", "#bab0ac"] as const;
export const OTHER_SERIES = PALETTE.length - 1;

const series = PALETTE.map((c, i) => `.s${i}{fill:${c};background:${c}}`).join("\n");

export const STYLE = `
:root{--fg:#1f2328;--muted:#59636e;--line:#d8dee4;--soft:#f6f8fa;--accent:#0b5cad;--ink:#0f172a;
--critical:#7f1d1d;--high:#b91c1c;--medium:#c2410c;--low:#a16207;--info:#475569;--ok:#15803d;--warn:#b45309}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%;scroll-padding-top:60px}
body{margin:0;color:var(--fg);background:#fff;font:14px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans","Liberation Sans","DejaVu Sans",Arial,"Noto Sans CJK SC","PingFang SC","Microsoft YaHei",sans-serif}
code,.mono,kbd{font-family:ui-monospace,"SFMono-Regular","DejaVu Sans Mono","Liberation Mono",Menlo,Consolas,monospace;font-size:12.5px}
a{color:var(--accent)}
.u{overflow-wrap:anywhere;unicode-bidi:isolate}
.wrap{max-width:1240px;margin:0 auto;padding:0 28px}
header.top{background:var(--ink);color:#e2e8f0;padding:22px 0 18px;border-bottom:4px solid var(--accent)}
header.top .kicker{font-size:12px;letter-spacing:.08em;text-transform:uppercase;color:#94a3b8}
header.top h1{margin:2px 0 10px;font-size:24px;font-weight:650;color:#fff;overflow-wrap:anywhere}
header.top h1 .ver{font-weight:400;color:#cbd5e1;margin-left:8px}
.verdict{margin:0 0 14px;padding:10px 14px;border-radius:8px;border:2px solid transparent;font-size:14px}
.verdict ul{margin:6px 0 0;padding-left:20px}
.verdict li{overflow-wrap:anywhere}
.verdict .ev{margin-top:6px;font-size:12px;opacity:.85}
.verdict.blocked,.verdict.no-evidence,.verdict.incomplete{background:#fee2e2;color:#7f1d1d;border-color:#b91c1c}
.verdict.findings{background:#fef3c7;color:#713f12}
.verdict.clean{background:#dcfce7;color:#14532d}
.flags{display:flex;flex-wrap:wrap;gap:8px;margin:0 0 12px}
.flag{display:inline-block;padding:2px 10px;border-radius:999px;font-size:12px;font-weight:600;border:1px solid transparent}
.flag.ok{background:#dcfce7;color:#14532d}
.flag.bad{background:#fee2e2;color:#7f1d1d}
.flag.sandbox{background:#fde68a;color:#713f12;letter-spacing:.06em}
.flag.plain{background:#1e293b;color:#cbd5e1;border-color:#334155}
.facts{display:grid;grid-template-columns:repeat(auto-fill,minmax(210px,1fr));gap:6px 24px;margin:0}
.facts div{min-width:0}
.facts dt{font-size:11px;text-transform:uppercase;letter-spacing:.06em;color:#94a3b8}
.facts dd{margin:0;color:#f1f5f9;overflow-wrap:anywhere}
nav.toc{position:sticky;top:0;z-index:2;background:#fff;border-bottom:1px solid var(--line)}
nav.toc .wrap{display:flex;flex-wrap:nowrap;gap:2px 18px;padding-top:8px;padding-bottom:8px;font-size:13px;white-space:nowrap;overflow-x:auto;scrollbar-width:thin}
nav.toc a{text-decoration:none;color:var(--muted)}
nav.toc a:hover{color:var(--accent)}
main{padding-bottom:48px}
section{margin-top:34px}
h2{font-size:18px;font-weight:650;margin:0 0 4px;padding-bottom:6px;border-bottom:1px solid var(--line)}
h3{font-size:14px;font-weight:650;margin:18px 0 6px}
p.lead{color:var(--muted);margin:6px 0 12px}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(130px,1fr));gap:12px;margin-top:14px}
.card{border:1px solid var(--line);border-radius:8px;padding:10px 14px;background:#fff;border-top:4px solid var(--line)}
.card .n{font-size:26px;font-weight:650;font-variant-numeric:tabular-nums;line-height:1.2}
.card .l{font-size:12px;color:var(--muted);text-transform:uppercase;letter-spacing:.05em}
.card.critical{border-top-color:var(--critical)}.card.high{border-top-color:var(--high)}.card.medium{border-top-color:var(--medium)}
.card.low{border-top-color:var(--low)}.card.info{border-top-color:var(--info)}.card.total{border-top-color:var(--ink)}
.card.zero .n{color:#9aa4ae}
.warnings{margin:16px 0 0;padding:10px 14px 10px 34px;border:1px solid #f5d48a;background:#fffbeb;border-radius:8px;color:#713f12}
.warnings li{margin:2px 0;overflow-wrap:anywhere}
.sev{display:inline-block;min-width:64px;text-align:center;padding:1px 8px;border-radius:4px;font-size:11.5px;font-weight:650;color:#fff;text-transform:uppercase;letter-spacing:.04em}
.sev.critical{background:var(--critical)}.sev.high{background:var(--high)}.sev.medium{background:var(--medium)}.sev.low{background:var(--low)}.sev.info{background:var(--info)}
.st{font-size:12px;padding:1px 7px;border-radius:4px;background:var(--soft);border:1px solid var(--line);color:var(--muted)}
.st.evaluated{color:var(--ok);border-color:#bbf7d0;background:#f0fdf4}.st.skipped{color:var(--warn);border-color:#fde68a;background:#fffbeb}
.tw{overflow-x:auto;border:1px solid var(--line);border-radius:8px;margin-top:6px}
.tw.scroll{max-height:620px;overflow:auto}
code.rid{overflow-wrap:normal}
table{border-collapse:collapse;width:100%;font-size:13px}
th,td{padding:6px 10px;text-align:left;vertical-align:top;border-bottom:1px solid var(--line)}
thead th{background:var(--soft);font-weight:600;color:#374151;white-space:nowrap;position:sticky;top:0}
tbody tr:last-child td{border-bottom:0}
tbody tr:hover td{background:#f8fafc}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
td.nw{white-space:nowrap}
td.muted,.muted{color:var(--muted)}
button.sort{all:unset;cursor:pointer;border-radius:3px}
button.sort:focus-visible{outline:2px solid var(--accent)}
button.sort::after{content:" \\2195";color:#9aa4ae;font-size:11px}
th[aria-sort=ascending] button.sort::after{content:" \\25B2";color:var(--accent)}
th[aria-sort=descending] button.sort::after{content:" \\25BC";color:var(--accent)}
.tools{display:flex;align-items:center;gap:10px;margin-top:10px}
input.filter{font:inherit;padding:5px 10px;border:1px solid var(--line);border-radius:6px;width:min(320px,100%)}
input.filter:focus{outline:2px solid #bfdbfe;border-color:var(--accent)}
.tools .rows{font-size:12px;color:var(--muted)}
.more{font-size:12.5px;color:var(--muted);margin:6px 2px 0}
.more.warn-note{color:var(--warn);font-weight:600}
.chips{display:flex;flex-wrap:wrap;gap:4px}
.chip{font-size:12px;padding:0 6px;border-radius:4px;background:var(--soft);border:1px solid var(--line);white-space:nowrap}
.view{position:absolute;opacity:0;pointer-events:none}
.seg{display:inline-flex;border:1px solid var(--line);border-radius:6px;overflow:hidden;margin:10px 0 6px}
.seg label{padding:4px 14px;font-size:13px;cursor:pointer;color:var(--muted);background:#fff}
.seg label+label{border-left:1px solid var(--line)}
#view-cat:checked~.seg label[for=view-cat],#view-party:checked~.seg label[for=view-party]{background:var(--ink);color:#fff}
#view-cat:focus-visible~.seg label[for=view-cat],#view-party:focus-visible~.seg label[for=view-party]{outline:2px solid var(--accent)}
#view-cat:checked~.chart .by-party,#view-party:checked~.chart .by-cat{display:none}
.chart{border:1px solid var(--line);border-radius:8px;padding:8px 10px 10px;overflow-x:auto}
.chart svg.timeline{display:block;width:100%;min-width:720px;height:auto}
.tl text{font-size:11px;fill:#4b5563;unicode-bidi:plaintext}
.tl .axis{stroke:#9aa4ae;stroke-width:1}
.tl .grid{stroke:#eef1f4;stroke-width:1}
.tl .lane-label{font-size:10.5px;fill:#6b7280}
.tl .band0{fill:#e8eef7}.tl .band1{fill:#dde6f3}
.tl .band-tint0{fill:#f7f9fc}.tl .band-tint1{fill:#fff}
.tl .band-label{font-size:11px;fill:#1e3a5f;font-weight:600}
.tl .step{stroke:#64748b;stroke-width:1}
.tl .bgspan{fill:#94a3b8;fill-opacity:.16}
.tl .bglane{fill:#64748b}
.tl .offspan{fill:#0f172a;fill-opacity:.10}
.tl .offlane{fill:#0f172a}
.tl .hit{stroke:transparent;stroke-width:9}
svg.plot{overflow:hidden}
.tl .plot line{vector-effect:non-scaling-stroke}
.tl.wide .plot path{stroke:#fff;stroke-width:1.5;vector-effect:non-scaling-stroke}
svg.timeline.zoomable{cursor:crosshair}
.tl .zb{cursor:zoom-in}
.tl .zb:focus{outline:none}
.tl .zb:focus-visible rect{stroke:var(--accent);stroke-width:2}
.tl .band-label{pointer-events:none}
.tl .brush{fill:#0b5cad;fill-opacity:.15;stroke:#0b5cad;stroke-width:1;pointer-events:none}
.scroll-note{display:none;font-size:12.5px;color:var(--muted);margin:0 2px 6px}
@media (max-width:800px){.scroll-note{display:block}}
.zoom{display:flex;flex-wrap:wrap;align-items:center;gap:6px 10px;margin:2px 0 8px;font-size:13px}
.zoom label{display:inline-flex;align-items:center;gap:4px;color:var(--muted)}
.zoom input{font:inherit;width:7.5em;padding:3px 6px;border:1px solid var(--line);border-radius:6px}
.zoom input[aria-invalid=true]{border-color:var(--high);outline:1px solid var(--high)}
.zoom button{font:inherit;padding:3px 12px;border:1px solid var(--line);border-radius:6px;background:#fff;color:var(--fg);cursor:pointer}
.zoom button:disabled{color:#9aa4ae;cursor:default}
.zoom .hint{color:var(--muted);font-size:12px}
.tl .hov rect{fill:transparent}
.tl .hov rect:hover{fill:#0f172a;fill-opacity:.07}
.tl .consent_accepted{stroke:#15803d;stroke-width:2}
.tl .consent_rejected{stroke:#b91c1c;stroke-width:2}
.tl .consent_shown{stroke:#475569;stroke-width:1.5;stroke-dasharray:4 3}
.tl .consent_reset{stroke:#c2410c;stroke-width:1.5;stroke-dasharray:4 3}
.tl .incomplete{stroke:#7f1d1d;stroke-width:2;stroke-dasharray:2 2}
.tl .g-accepted{fill:#15803d}.tl .g-rejected{fill:#b91c1c}.tl .g-shown{fill:#475569}.tl .g-reset{fill:#c2410c}
.tl .g-dialog{fill:#7c3aed}.tl .g-allow{fill:#15803d}.tl .g-deny{fill:#b91c1c}
.tl .g-shot{fill:#0b5cad}.tl .g-launch{fill:#0f172a}.tl .g-mark{fill:#6b7280}.tl .g-optout{fill:#c2410c}
.legend{display:flex;flex-wrap:wrap;gap:4px 16px;margin:8px 4px 0;font-size:12.5px}
.legend .it{display:inline-flex;align-items:center;gap:6px;min-width:0}
.legend .sw{display:inline-block;width:11px;height:11px;border-radius:2px;flex:none}
.legend .num{color:var(--muted);font-variant-numeric:tabular-nums}
.legend svg{width:14px;height:14px;flex:none}
.keys{border-top:1px dashed var(--line);margin-top:8px;padding-top:6px}
${series}
details.finding{border:1px solid var(--line);border-left:5px solid var(--info);border-radius:8px;margin:10px 0;background:#fff}
details.finding.critical{border-left-color:var(--critical)}details.finding.high{border-left-color:var(--high)}
details.finding.medium{border-left-color:var(--medium)}details.finding.low{border-left-color:var(--low)}
details.finding>summary{cursor:pointer;padding:9px 14px;display:flex;flex-wrap:wrap;align-items:baseline;gap:4px 10px;list-style:none}
details.finding>summary::-webkit-details-marker{display:none}
details.finding>summary::before{content:"\\25B8";color:#9aa4ae;width:10px}
details.finding[open]>summary::before{content:"\\25BE"}
details.finding[open]>summary{border-bottom:1px solid var(--line);background:var(--soft)}
summary .fid{font-family:ui-monospace,"DejaVu Sans Mono",monospace;font-size:12.5px;color:var(--muted)}
summary .ttl{font-weight:600}
summary .who{color:var(--muted);min-width:0}
.body{padding:12px 16px 16px}
.msg{margin:0 0 12px;font-size:14px;overflow-wrap:anywhere}
dl.kv{display:grid;grid-template-columns:minmax(120px,max-content) 1fr;gap:4px 16px;margin:0}
dl.kv dt{color:var(--muted);font-size:12.5px}
dl.kv dd{margin:0;min-width:0;overflow-wrap:anywhere}
.cols{display:grid;grid-template-columns:repeat(auto-fit,minmax(min(340px,100%),1fr));gap:8px 28px}
.cols>div{min-width:0}
.cols>div>h3:first-child{margin-top:0}
ol.stack{margin:4px 0 0;padding:0;list-style:none;counter-reset:fr -1;border:1px solid var(--line);border-radius:6px;overflow:hidden}
ol.stack li{counter-increment:fr;padding:2px 10px 2px 44px;position:relative;font-family:ui-monospace,"DejaVu Sans Mono",monospace;font-size:12px;overflow-wrap:anywhere;border-bottom:1px solid #f0f2f4}
ol.stack li:last-child{border-bottom:0}
ol.stack li::before{content:counter(fr);position:absolute;left:0;width:34px;text-align:right;color:#9aa4ae}
ol.stack li.resp{background:#fff4e5;box-shadow:inset 3px 0 0 var(--medium);font-weight:600}
ol.stack li.imm{background:#eef5ff}
ol.stack li.resp.imm{background:#fff4e5}
.tag{display:inline-block;font-family:system-ui,sans-serif;font-size:10.5px;font-weight:650;text-transform:uppercase;letter-spacing:.04em;padding:0 5px;margin-left:8px;border-radius:3px;vertical-align:1px}
.tag.resp{background:var(--medium);color:#fff}.tag.imm{background:var(--accent);color:#fff}
.conf{display:inline-block;min-width:38px;font-variant-numeric:tabular-nums;font-weight:600}
ul.plain{margin:2px 0;padding-left:18px}
ul.plain li{overflow-wrap:anywhere}
figure.shot{margin:6px 0 0}
figure.shot img{display:block;max-width:min(100%,300px);max-height:540px;width:auto;height:auto;border:1px solid var(--line);border-radius:6px;background:var(--soft)}
figure.shot figcaption{font-size:12px;color:var(--muted);margin-top:4px;overflow-wrap:anywhere}
.refs li{margin:3px 0}
footer{border-top:1px solid var(--line);color:var(--muted);font-size:12px;padding:14px 0 28px}
@media print{html{scroll-padding-top:0}nav.toc{position:static}.tools{display:none}.tw.scroll{max-height:none;overflow:visible}details.finding{break-inside:avoid}header.top{background:#fff;color:#000}}
`;

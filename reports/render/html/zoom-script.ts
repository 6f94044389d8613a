import { CHAR_W, WIDE_BAR } from "./chart-geometry.js";

/**
 * The timeline's zoom, part of the report's one inline script (script.ts). A short scenario
 * beside a long background soak is a sliver at the full range: the user zooms into a time range
 * by dragging across the plot (a mouse or pen; a finger scrolls the chart), by typing it in the
 * from/to boxes, or by clicking (or focusing and pressing Enter on) a scenario's band; "Show all"
 * goes back. Zooming narrows the viewBox of the plot layers (svg.plot, drawn once by chart.ts in
 * milliseconds since the chart's start) and places the overlay again from each element's data-t attributes:
 * scenario bands with their labels, cut to the room they now have, consent flags, event glyphs,
 * and the time axis's ticks. App strings (a band's data-name) only ever become textContent or an
 * attribute's value. Without script the chart shows the whole run and no controls.
 */
export const ZOOM_SCRIPT = `
(function () {
  var NS = "http://www.w3.org/2000/svg";
  var CHAR_W = ${CHAR_W}, WIDE_BAR = ${WIDE_BAR};
  var svg = document.querySelector("svg.timeline");
  var chart = svg && svg.parentNode;
  var plots = svg ? svg.querySelectorAll("svg.plot") : [];
  if (!svg || !chart || plots.length === 0) return;
  var d0 = Number(svg.getAttribute("data-d0")), d1 = Number(svg.getAttribute("data-d1"));
  var bin = Number(svg.getAttribute("data-bin")) || 0;
  if (!(d1 > d0)) return;
  var H = svg.viewBox.baseVal.height;
  var L = plots[0].x.baseVal.value, PW = plots[0].width.baseVal.value, R = L + PW;
  // Below this span a zoom stops: at most 100,000 times the full range, and 1 ms.
  var MIN = Math.max(1, (d1 - d0) / 1e5);
  var z0 = d0, z1 = d1;
  function x(t) { return L + ((t - z0) / (z1 - z0)) * PW; }
  function timeAt(u) { return z0 + ((u - L) / PW) * (z1 - z0); }
  function r(v) { return Math.round(v * 100) / 100; }
  function niceStep(raw) {
    if (!(raw > 0)) return 1;
    var p = Math.pow(10, Math.floor(Math.log10(raw)));
    var ms = [1, 2, 5, 10];
    for (var i = 0; i < ms.length; i++) if (ms[i] * p >= raw) return ms[i] * p;
    return 10 * p;
  }
  function fit(name, width) {
    var n = Math.floor((width - 8) / CHAR_W);
    if (n < 3) return "";
    var chars = Array.from(name);
    return chars.length > n ? chars.slice(0, n - 1).join("") + "\\u2026" : name;
  }
  function el(name, attrs, text) {
    var e = document.createElementNS(NS, name);
    for (var k in attrs) e.setAttribute(k, String(attrs[k]));
    if (text !== undefined) e.textContent = text;
    return e;
  }
  function show(e, on) { e.setAttribute("visibility", on ? "visible" : "hidden"); }

  var bands = svg.querySelectorAll("g.zb");
  var points = svg.querySelectorAll("g.pt");
  var axis = svg.querySelector("g.xaxis");
  var brush = svg.querySelector("rect.brush");
  var axisY = Number((svg.querySelector("line.axis") || { getAttribute: function () { return 0; } }).getAttribute("y1"));

  function placeBand(g) {
    var a = Math.max(x(Number(g.getAttribute("data-t0"))), L), b = Math.min(x(Number(g.getAttribute("data-t1"))), R);
    var band = g.querySelector("rect"), clip = g.querySelector("clipPath rect"), label = g.querySelector("text");
    if (!(b > a)) { show(g, false); return; }
    show(g, true);
    var w = Math.max(1, b - a);
    band.setAttribute("x", r(a)); band.setAttribute("width", r(w));
    clip.setAttribute("x", r(a)); clip.setAttribute("width", r(Math.max(0, w - 3)));
    label.setAttribute("x", r(a + 4));
    label.textContent = fit(g.getAttribute("data-name") || "", w);
  }
  function placePoint(g) {
    var px = x(Number(g.getAttribute("data-t")));
    show(g, px >= L - 0.5 && px <= R + 0.5);
    g.setAttribute("transform", "translate(" + r(px) + " " + g.getAttribute("data-y") + ")");
  }
  function drawAxis() {
    while (axis.firstChild) axis.removeChild(axis.firstChild);
    var step = niceStep((z1 - z0) / 1000 / 9);
    var digits = Math.max(0, -Math.floor(Math.log10(step)));
    for (var i = Math.ceil(z0 / 1000 / step); i * step <= z1 / 1000 + 1e-9; i++) {
      var v = i * step, px = r(x(v * 1000));
      axis.appendChild(el("line", { "class": "axis", x1: px, x2: px, y1: axisY, y2: axisY + 4 }));
      axis.appendChild(el("text", { x: px, y: axisY + 16, "text-anchor": "middle" }, v.toFixed(digits) + " s"));
    }
  }
  function secs(t, span) {
    var d = span < 1000 ? 3 : span < 100000 ? 2 : 1;
    return (t / 1000).toFixed(d);
  }

  // The controls, before the chart: from/to in seconds of trace time, Zoom, Show all, a hint.
  var bar = document.createElement("div");
  bar.className = "zoom";
  bar.setAttribute("role", "group");
  bar.setAttribute("aria-label", "Zoom the timeline");
  function box(text, cls) {
    var l = document.createElement("label");
    var i = document.createElement("input");
    i.type = "number"; i.step = "any"; i.className = cls; i.min = String(d0 / 1000); i.max = String(d1 / 1000);
    l.appendChild(document.createTextNode(text));
    l.appendChild(i);
    l.appendChild(document.createTextNode("s"));
    bar.appendChild(l);
    return i;
  }
  function button(text, cls) {
    var b = document.createElement("button");
    b.type = "button"; b.className = cls; b.textContent = text;
    bar.appendChild(b);
    return b;
  }
  var from = box("From", "z-from"), to = box("to", "z-to");
  var apply = button("Zoom", "z-apply"), reset = button("Show all", "z-reset");
  var hint = document.createElement("span");
  hint.className = "hint";
  var HINT = "Drag across the chart with a mouse, click a scenario's band, or type a range, to zoom in.";
  bar.appendChild(hint);
  chart.parentNode.insertBefore(bar, chart);
  svg.classList.add("zoomable");

  function draw() {
    var box = (z0 - d0) + " 0 " + (z1 - z0) + " " + H;
    for (var i = 0; i < plots.length; i++) plots[i].setAttribute("viewBox", box);
    for (var j = 0; j < bands.length; j++) placeBand(bands[j]);
    for (var k = 0; k < points.length; k++) placePoint(points[k]);
    drawAxis();
    from.value = secs(z0, z1 - z0); to.value = secs(z1, z1 - z0);
    from.removeAttribute("aria-invalid"); to.removeAttribute("aria-invalid");
    reset.disabled = z0 === d0 && z1 === d1;
    // Bars are the analysis' time bins: zoomed closer than a few, the chart says so.
    var barW = bin > 0 ? (bin / (z1 - z0)) * PW : 0;
    svg.classList.toggle("wide", barW > WIDE_BAR);
    hint.textContent = barW > PW / 3 ? "Each bar is " + secs(bin, bin) + " s of trace time, the finest the report keeps: this range is narrower than three bars." : HINT;
    svg.setAttribute("data-zoom", z0 + " " + z1);
  }
  function zoom(a, b) {
    a = Math.max(d0, Math.min(a, d1)); b = Math.max(d0, Math.min(b, d1));
    if (b - a < MIN) {
      var c = (a + b) / 2;
      a = Math.max(d0, Math.min(c - MIN / 2, d1 - MIN)); b = a + MIN;
    }
    z0 = a; z1 = b;
    draw();
  }
  function zoomToBand(g) {
    var t0 = Number(g.getAttribute("data-t0")), t1 = Number(g.getAttribute("data-t1"));
    // A little room either side, so the band's start and end show.
    var pad = (t1 - t0) * 0.04;
    zoom(t0 - pad, t1 + pad);
  }
  function typed() {
    var a = Number(from.value) * 1000, b = Number(to.value) * 1000;
    var ok = from.value !== "" && to.value !== "" && isFinite(a) && isFinite(b) && b > a;
    if (!ok) { from.setAttribute("aria-invalid", "true"); to.setAttribute("aria-invalid", "true"); return; }
    zoom(a, b);
  }
  apply.addEventListener("click", typed);
  [from, to].forEach(function (i) { i.addEventListener("keydown", function (e) { if (e.key === "Enter") typed(); }); });
  reset.addEventListener("click", function () { zoom(d0, d1); });

  Array.prototype.forEach.call(bands, function (g) {
    g.setAttribute("tabindex", "0");
    g.setAttribute("role", "button");
    g.setAttribute("aria-label", "Zoom to scenario " + (g.getAttribute("data-name") || ""));
    g.addEventListener("keydown", function (e) {
      if (e.key === "Enter" || e.key === " ") { e.preventDefault(); zoomToBand(g); }
    });
  });

  // Dragging across the plot selects a range; a click without a drag on a band zooms to it.
  function unitX(e) {
    var m = svg.getScreenCTM();
    if (!m) return null;
    var p = svg.createSVGPoint();
    p.x = e.clientX; p.y = e.clientY;
    return p.matrixTransform(m.inverse()).x;
  }
  // With the pointer captured, the click that follows goes to the svg, not the band: the band
  // pressed is remembered, and that click skipped. A finger's tap (no capture) is a plain click.
  var start = null, dragged = false, pressed = null, skipClick = false;
  svg.addEventListener("pointerdown", function (e) {
    skipClick = false;
    if (e.button !== 0 || e.pointerType === "touch") return;
    var u = unitX(e);
    if (u === null || u < L || u > R) return;
    start = u; dragged = false;
    pressed = e.target && e.target.closest ? e.target.closest("g.zb") : null;
    svg.setPointerCapture(e.pointerId);
    e.preventDefault();
  });
  svg.addEventListener("pointermove", function (e) {
    if (start === null) return;
    var u = Math.max(L, Math.min(unitX(e), R));
    if (Math.abs(u - start) > 3) dragged = true;
    if (!dragged) return;
    brush.setAttribute("x", r(Math.min(u, start)));
    brush.setAttribute("width", r(Math.abs(u - start)));
    show(brush, true);
  });
  function end(e, done) {
    if (start === null) return;
    var u = Math.max(L, Math.min(unitX(e), R)), s = start;
    start = null;
    show(brush, false);
    if (!done) return;
    skipClick = true;
    if (dragged) zoom(timeAt(Math.min(s, u)), timeAt(Math.max(s, u)));
    else if (pressed) zoomToBand(pressed);
  }
  svg.addEventListener("pointerup", function (e) { end(e, true); });
  svg.addEventListener("pointercancel", function (e) { end(e, false); });
  svg.addEventListener("click", function (e) {
    if (skipClick) { skipClick = false; return; }
    var g = e.target && e.target.closest ? e.target.closest("g.zb") : null;
    if (g) zoomToBand(g);
  });
  draw();
})();
`;

import { ZOOM_SCRIPT } from "./zoom-script.js";

/** Sortable, filterable tables and opening a targeted finding. */
const TABLES_SCRIPT = `
"use strict";
(function () {
  var collator = new Intl.Collator("en", { numeric: true, sensitivity: "base" });
  function key(cell) {
    if (!cell) return "";
    var v = cell.getAttribute("data-v");
    return v !== null ? v : (cell.textContent || "").trim();
  }
  function compare(x, y) {
    var nx = Number(x), ny = Number(y);
    if (x !== "" && y !== "" && isFinite(nx) && isFinite(ny)) return nx - ny;
    return collator.compare(x, y);
  }
  function sortBy(table, th, col) {
    var dir = th.getAttribute("aria-sort") === "ascending" ? "descending" : "ascending";
    var heads = th.parentNode.children;
    for (var i = 0; i < heads.length; i++) heads[i].setAttribute("aria-sort", "none");
    th.setAttribute("aria-sort", dir);
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    var sign = dir === "ascending" ? 1 : -1;
    rows.sort(function (a, b) { return sign * compare(key(a.cells[col]), key(b.cells[col])); });
    for (var r = 0; r < rows.length; r++) body.appendChild(rows[r]);
  }
  function filter(table, input, count) {
    var q = input.value.trim().toLowerCase();
    var rows = table.tBodies[0].rows;
    var shown = 0;
    for (var i = 0; i < rows.length; i++) {
      var hit = q === "" || (rows[i].textContent || "").toLowerCase().indexOf(q) >= 0;
      rows[i].hidden = !hit;
      if (hit) shown++;
    }
    count.textContent = q === "" ? rows.length + " rows" : shown + " of " + rows.length + " rows";
  }
  function enhance(table) {
    if (!table.tHead || !table.tBodies[0]) return;
    var heads = table.tHead.rows[0].cells;
    Array.prototype.forEach.call(heads, function (th, col) {
      var b = document.createElement("button");
      b.type = "button";
      b.className = "sort";
      b.title = "Sort by this column";
      while (th.firstChild) b.appendChild(th.firstChild);
      th.appendChild(b);
      th.setAttribute("aria-sort", "none");
      b.addEventListener("click", function () { sortBy(table, th, col); });
    });
    var bar = document.createElement("div");
    bar.className = "tools";
    var input = document.createElement("input");
    input.type = "search";
    input.className = "filter";
    input.placeholder = "Filter rows";
    input.setAttribute("aria-label", "Filter " + (table.getAttribute("data-name") || "table"));
    var count = document.createElement("span");
    count.className = "rows";
    bar.appendChild(input);
    bar.appendChild(count);
    var box = table.parentNode;
    box.parentNode.insertBefore(bar, box);
    input.addEventListener("input", function () { filter(table, input, count); });
    filter(table, input, count);
  }
  var tables = document.querySelectorAll("table.sortable");
  for (var i = 0; i < tables.length; i++) enhance(tables[i]);
  function openTarget() {
    var id;
    try { id = decodeURIComponent(location.hash.slice(1)); } catch (e) { return; }
    var el = id ? document.getElementById(id) : null;
    while (el) {
      if (el.tagName === "DETAILS") el.open = true;
      el = el.parentElement;
    }
  }
  window.addEventListener("hashchange", openTarget);
  openTarget();
})();
`;

/**
 * The report's one inline script: sortable headers and a filter box for every `table.sortable`,
 * and opening a finding's <details> when a link targets it. It only reads textContent and
 * builds elements with DOM calls (never innerHTML), so app strings in cells stay text. The page
 * reads fully without it: the filter boxes and sort buttons are created here, and so are the
 * timeline's zoom controls (zoom-script.ts).
 * Its SHA-256 goes into the page's Content-Security-Policy: keep it a constant.
 */
export const SCRIPT = `${TABLES_SCRIPT}${ZOOM_SCRIPT}`;

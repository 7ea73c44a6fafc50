// The steps of the analysis as panels (one shown at a time, chosen in the navigation), drawing
// deferred until a panel is shown, and what the tables share: sorting by a column and
// downloading as CSV.
"use strict";
(function (Q) {
  const { $, el } = Q;
  const S = Q.S;
  const PANELS = ["data", "correlations", "extract", "rotate", "results", "export", "help"];
  let current = "data";
  const pending = new Map(); // panel -> Map(key -> draw)

  Q.visible = (name) => current === name;
  Q.panel = () => current;
  // Draws now if `panel` is shown, else when it is next shown (the latest draw of each key).
  Q.drawIn = function (panel, key, draw) {
    if (current === panel) { draw(); return; }
    if (!pending.has(panel)) pending.set(panel, new Map());
    pending.get(panel).set(key, draw);
  };
  // Shows panel `name` (and what was waiting to be drawn in it).
  Q.go = function (name, focus) {
    if (!PANELS.includes(name)) return;
    const button = document.querySelector('button.go[data-panel="' + name + '"]');
    if (button && button.disabled) return;
    current = name;
    for (const p of PANELS) $("panel-" + p).hidden = p !== name;
    for (const b of document.querySelectorAll("button.go")) {
      if (b.dataset.panel === name) b.setAttribute("aria-current", "step"); else b.removeAttribute("aria-current");
    }
    const waiting = pending.get(name);
    if (waiting) { pending.delete(name); for (const draw of waiting.values()) draw(); }
    try { sessionStorage.setItem("qstudy:panel", name); } catch { /* not kept */ }
    if (focus) $("h-" + ({ data: "data", correlations: "corr", extract: "extract", rotate: "rotate", results: "results", export: "export", help: "help" })[name]).focus();
  };
  for (const b of document.querySelectorAll("button.go")) b.addEventListener("click", () => Q.go(b.dataset.panel));
  // Links to the help (and within it) open the help panel at that part.
  document.addEventListener("click", (e) => {
    const a = e.target.closest && e.target.closest("a.help-link");
    if (!a) return;
    e.preventDefault();
    Q.go("help");
    const target = $(a.getAttribute("href").slice(1));
    if (target) { target.setAttribute("tabindex", "-1"); target.focus(); target.scrollIntoView(); }
  });
  // The skip link lands on the heading of the panel shown.
  document.querySelector("a.skip").addEventListener("click", (e) => {
    e.preventDefault();
    const h = document.querySelector("section.panel:not([hidden]) h2");
    if (h) { h.setAttribute("tabindex", "-1"); h.focus(); }
  });
  for (const h of document.querySelectorAll("section.panel h2")) h.setAttribute("tabindex", "-1");

  function enable(names) {
    for (const n of names) {
      const b = document.querySelector('button.go[data-panel="' + n + '"]');
      if (b) b.disabled = false;
    }
  }
  let restored = false;
  Q.onRender((what) => {
    if (what === "opened") enable(["correlations", "extract"]);
    if (S.shown && (what === "shown" || what === "opened")) enable(["rotate", "results", "export"]);
    // after a reload, the panel the user was on
    if (!restored && S.shown && what === "shown") {
      restored = true;
      let kept = null;
      try { kept = sessionStorage.getItem("qstudy:panel"); } catch { /* none */ }
      if (kept && kept !== current) Q.go(kept);
    }
  });

  // ---- tables ------------------------------------------------------------------------
  // A table of `rows` (arrays of cells: {text, value, cls}) under `head` (column names),
  // sortable by a click on a column's heading (numbers by value, text by text), with the row
  // header in column 0 when `rowHeader`.
  Q.table = function (table, head, rows, opts) {
    opts = opts || {};
    const thead = el("thead");
    const tr = el("tr");
    head.forEach((h, j) => {
      const left = rows.length && /\bl\b/.test(rows[0].cells[j]?.cls || "");
      const th = el("th", left ? { scope: "col", class: "l" } : { scope: "col" });
      if (opts.sortable === false) th.textContent = h;
      else {
        const b = el("button", { type: "button", class: "sort", "aria-label": "Sort by " + h }, h);
        b.addEventListener("click", () => sortBy(j));
        th.append(b);
      }
      tr.append(th);
    });
    thead.append(tr);
    const tbody = el("tbody");
    const made = rows.map((r) => {
      const row = el("tr", r.attrs || {});
      r.cells.forEach((c, j) => {
        const cell = el(j === 0 && opts.rowHeader ? "th" : "td", j === 0 && opts.rowHeader ? { scope: "row", class: "l" } : { class: c.cls || "" });
        cell.textContent = c.text;
        if (c.style) cell.setAttribute("style", c.style);
        row.append(cell);
      });
      tbody.append(row);
      return { row, r };
    });
    table.replaceChildren(thead, tbody);
    let by = null, dir = 1;
    function sortBy(j) {
      dir = by === j ? -dir : (typeof rows[0]?.cells[j]?.value === "number" ? -1 : 1);
      by = j;
      const key = (m) => m.r.cells[j].value !== undefined ? m.r.cells[j].value : m.r.cells[j].text;
      const sorted = made.slice().sort((x, y) => {
        const a = key(x), b = key(y);
        return (a < b ? -1 : a > b ? 1 : 0) * dir;
      });
      tbody.replaceChildren(...sorted.map((m) => m.row));
      thead.querySelectorAll("th").forEach((th, i) => {
        if (i === j) th.setAttribute("aria-sort", dir > 0 ? "ascending" : "descending"); else th.removeAttribute("aria-sort");
      });
    }
    table.csv = { head, rows: rows.map((r) => r.cells.map((c) => (c.full !== undefined ? c.full : c.value !== undefined ? c.value : c.text))) };
  };

  // CSV of a header and rows (full-precision numbers as JSON writes them).
  function csvText(head, rows) {
    const cell = (v) => {
      const s = v === null || v === undefined ? "" : String(v);
      return /[",\n\r]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s;
    };
    return [head, ...rows].map((r) => r.map(cell).join(",")).join("\r\n") + "\r\n";
  }
  Q.csvText = csvText;
  Q.downloadBlob = function (blob, name) {
    const a = el("a", { href: URL.createObjectURL(blob), download: name });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
  };
  // A "Download as CSV" button for `table` (whose `csv` Q.table set), placed after `after`.
  Q.csvButton = function (table, label, file) {
    const id = "csv-" + table.id;
    if ($(id)) return;
    const b = el("button", { type: "button", id: id, class: "csv", "aria-label": "Download " + label + " as CSV" }, "CSV");
    b.addEventListener("click", () => {
      if (!table.csv) return;
      Q.downloadBlob(new Blob([csvText(table.csv.head, table.csv.rows)], { type: "text/csv" }), file + ".csv");
    });
    const box = table.closest(".scroll") || table;
    box.insertAdjacentElement("beforebegin", b);
  };
})(window.QS);

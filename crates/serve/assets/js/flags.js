// 4. Loadings and flags: the table of rotated loadings (a click flags or unflags), inverting and
// splitting factors, naming them, and the warnings of the analysis next to what they are about.
"use strict";
(function (Q) {
  const { $, el, fmt } = Q;
  const S = Q.S;

  // Flags or unflags sort `id` on factor `name` (a click in the table or on the chart).
  function toggleFlag(id, name) {
    if (!S.shown) return;
    const res = S.shown.results;
    const i = S.summary.opened.sort_ids.indexOf(id);
    const j = res.factors.findIndex((f) => f.name === name);
    if (i < 0 || j < 0) return;
    // Edits waiting for the engine count: two quick clicks on a cell flag and unflag it.
    const flaggedByEngine = res.flags[i][j];
    Q.edit((o) => {
      const edit = id + "=" + name;
      if (o.flag.includes(edit)) o.flag = o.flag.filter((p) => p !== edit);
      else if (o.unflag.includes(edit)) o.unflag = o.unflag.filter((p) => p !== edit);
      else if (flaggedByEngine) o.unflag.push(edit);
      else o.flag.push(edit);
    });
  }
  // On the chart: the factor plotted on that axis (of a split factor, the half the sort is in).
  Q.toggleFlagOnAxis = function (id, axis) {
    if (!S.shown) return;
    const res = S.shown.results;
    const i = S.summary.opened.sort_ids.indexOf(id);
    const halves = res.factors.filter((f) => f.source_factor === axis);
    if (i < 0 || !halves.length) return;
    const f = halves.length === 1 ? halves[0] : halves[res.rotated.loadings[i][axis - 1] >= 0 ? 0 : 1];
    toggleFlag(id, f.name);
  };

  // The warnings about each sort and each factor (for the table's rows and the characteristics).
  function about() {
    const sorts = new Map(), factors = new Map();
    for (const w of S.shown.warnings) {
      for (const s of w.sorts || []) sorts.set(s, (sorts.get(s) || []).concat([w.text]));
      for (const f of w.factors || []) factors.set(f, (factors.get(f) || []).concat([w.text]));
    }
    return { sorts, factors };
  }
  Q.warningsAbout = about;

  // Up to VIRTUAL sorts the table is built once per set of sorts and factors and then updated
  // in place; beyond, only the rows in view (and a few around) exist, redrawn as it scrolls.
  const VIRTUAL = 200, ROW_PX = 24, AROUND = 15;
  let built = null;
  function header(names) {
    const head = el("tr", { "aria-rowindex": "1" });
    head.append(el("th", { scope: "col" }, "Sort"));
    for (const f of names) head.append(el("th", { scope: "col" }, f));
    head.append(el("th", { scope: "col" }, "h\u00b2"), el("th", { scope: "col", class: "l" }, "Warnings"));
    const thead = el("thead");
    thead.append(head);
    return thead;
  }
  function row(i, names) {
    const id = S.summary.opened.sort_ids[i];
    const tr = el("tr", { "data-sort": id, "aria-rowindex": String(i + 2) });
    tr.append(el("th", { scope: "row", class: "l" }, id));
    const cells = names.map((name) => {
      const td = el("td", { class: "cell", tabindex: "0", role: "button", "data-sort": id, "data-factor": name });
      tr.append(td);
      return td;
    });
    const h2 = el("td");
    const warn = el("td", { class: "l warn" });
    tr.append(h2, warn);
    return { tr, cells, h2, warn };
  }
  function fill(r, i, names, w) {
    const res = S.shown.results;
    const id = S.summary.opened.sort_ids[i];
    names.forEach((name, j) => {
      const td = r.cells[j];
      const flagged = res.flags[i][j];
      const v = fmt(res.factor_loadings[i][j], 4);
      const text = v + (flagged ? " X" : "");
      if (td.textContent !== text) td.textContent = text;
      td.className = "cell" + (flagged ? " flag" : "");
      td.setAttribute("aria-pressed", String(flagged));
      td.setAttribute("aria-label", v + (flagged ? ", flagged" : "") + ": " + (flagged ? "unflag " : "flag ") + id + " on " + name);
    });
    r.h2.textContent = fmt(res.rotated.communalities[i], 4);
    const mine = w.sorts.get(id) || [];
    r.warn.textContent = mine.length ? "\u26a0 " + mine.join("; ") : "";
  }
  function drawLoadings() {
    const res = S.shown.results;
    const ids = S.summary.opened.sort_ids;
    const names = res.factors.map((f) => f.name);
    const shape = ids.length + ":" + names.join(",");
    const t = $("loadings");
    t.setAttribute("aria-rowcount", String(ids.length + 1));
    const w = about();
    if (ids.length > VIRTUAL) { drawWindow(names, w, shape); return; }
    if (!built || built.shape !== shape) {
      const body = el("tbody");
      const rows = ids.map((_, i) => { const r = row(i, names); body.append(r.tr); return r; });
      t.replaceChildren(header(names), body);
      t.classList.remove("virtual");
      built = { shape, rows };
    }
    ids.forEach((_, i) => fill(built.rows[i], i, names, w));
  }
  // The rows in view of the scroll box, between two spacers of the rows' height.
  function drawWindow(names, w, shape) {
    const t = $("loadings");
    const n = S.summary.opened.sort_ids.length;
    // the scroll position as the last scroll event left it: reading it here would force a
    // layout of everything drawn so far (thousands of points)
    const first = Math.max(0, Math.floor(scrollTop / ROW_PX) - AROUND);
    const count = Math.ceil(VIEW_PX / ROW_PX) + 2 * AROUND;
    const last = Math.min(n, first + count);
    const focused = document.activeElement && t.contains(document.activeElement) ? document.activeElement.dataset : null;
    const body = el("tbody");
    const spacer = (rows) => {
      const tr = el("tr", { class: "spacer", "aria-hidden": "true" });
      const td = el("td", { colspan: String(names.length + 3) });
      td.style.height = rows * ROW_PX + "px";
      tr.append(td);
      return tr;
    };
    body.append(spacer(first));
    for (let i = first; i < last; i++) {
      const r = row(i, names);
      fill(r, i, names, w);
      body.append(r.tr);
    }
    body.append(spacer(n - last));
    if (!built || built.shape !== shape || !built.virtual) {
      t.replaceChildren(header(names), body);
      t.classList.add("virtual");
      built = { shape, virtual: true, names };
    } else t.replaceChild(body, t.tBodies[0]);
    built.names = names;
    if (focused && focused.sort) {
      const again = t.querySelector('td.cell[data-sort="' + CSS.escape(focused.sort) + '"][data-factor="' + CSS.escape(focused.factor) + '"]');
      if (again) again.focus();
    }
  }
  let scrolling = false;
  let scrollTop = 0;
  const VIEW_PX = 420; // the scroll box's height (style.css: .scroll)
  $("loadings").parentElement.addEventListener("scroll", (e) => {
    scrollTop = e.target.scrollTop;
    if (!built || !built.virtual || scrolling) return;
    scrolling = true;
    requestAnimationFrame(() => { scrolling = false; drawWindow(built.names, about(), built.shape); });
  });
  // One listener for the whole table (clicks and Enter/Space on a focused cell).
  function act(td) {
    if (!td || !td.classList.contains("cell")) return;
    const { sort, factor } = td.dataset;
    toggleFlag(sort, factor);
  }
  $("loadings").addEventListener("click", (e) => act(e.target.closest("td.cell")));
  $("loadings").addEventListener("keydown", (e) => {
    if (e.key === "Enter" || e.key === " ") { e.preventDefault(); act(e.target.closest("td.cell")); }
  });

  function drawInvertSplit() {
    const k = S.shown.results.options.factors;
    const parts = [];
    for (let f = 1; f <= k; f++) {
      for (const [key, word, what] of [["invert", "invert", "Invert F" + f + " (turn its loadings and array over)"],
        ["split", "split", "Split F" + f + " into its positive and negative poles"]]) {
        const cb = el("input", { type: "checkbox", id: key + "-" + f, "aria-label": what });
        cb.checked = S.head[key].includes(f);
        cb.addEventListener("change", () => Q.edit((o) => {
          o[key] = cb.checked ? o[key].concat([f]).sort((x, y) => x - y) : o[key].filter((x) => x !== f);
        }));
        const label = el("label", { title: what });
        label.append(cb, document.createTextNode(" " + word + " F" + f));
        parts.push(label);
      }
    }
    $("invert-split").replaceChildren(...parts);
  }

  function drawNames() {
    $("names").replaceChildren(...S.shown.results.factors.map((f) => {
      const label = el("label", {}, f.name + " ");
      const input = el("input", { type: "text", id: "name-" + f.name, size: "24", value: S.head.factor_names[f.name] || "",
        "aria-label": "Name of " + f.name });
      if (!S.head.factor_names[f.name] && f.label) input.placeholder = f.label;
      input.addEventListener("change", () => Q.edit((o) => {
        const v = input.value.trim();
        if (v) o.factor_names[f.name] = v; else delete o.factor_names[f.name];
      }));
      label.append(input);
      return label;
    }));
  }

  // The warnings, grouped as in warnings.txt.
  function drawWarnings() {
    const ws = S.shown.warnings;
    const box = $("warnings");
    $("warnings-count").textContent = ws.length ? ws.length + " warning(s)" : "No warnings.";
    const groups = new Map();
    for (const w of ws) groups.set(w.group || "", (groups.get(w.group || "") || []).concat([w]));
    const parts = [];
    for (const [, list] of groups) {
      const ul = el("ul");
      for (const w of list) ul.append(el("li", { "data-sorts": (w.sorts || []).join(" "), "data-factors": (w.factors || []).join(" ") }, w.text));
      parts.push(ul);
    }
    box.replaceChildren(...parts);
  }

  Q.onRender((what) => {
    if (what === "opened") built = null;
    if (!S.shown || !(what === "shown" || what === "failed" || what === "opened")) return;
    $("step-flags").hidden = false;
    drawLoadings();
    drawInvertSplit();
    drawNames();
    drawWarnings();
  });
})(window.QS);

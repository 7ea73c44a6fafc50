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
  // The rows are shown in file order, sorted by a column, or grouped by defining factor
  // (KADE's view: the sorts of each factor together, highest loading first).
  const VIRTUAL = 200, ROW_PX = 24, AROUND = 15;
  let built = null;
  let sortCol = null, sortDir = -1; // column: null file order, -1 the Sort column, j factor j, "h2"; dir: 1 ascending, -1 descending
  let active = null; // { sort, factor }: the cell in the tab order (arrow keys move it)

  function definingOf(res, i) {
    const j = res.flags[i].indexOf(true);
    return j < 0 ? res.factors.length : j;
  }
  // The sorts' indices in the order shown.
  function order(res) {
    const n = S.summary.opened.sort_ids.length;
    const idx = Array.from({ length: n }, (_, i) => i);
    const ids = S.summary.opened.sort_ids;
    const grouped = $("loadings-group").value === "factor";
    const L = res.factor_loadings;
    const byCol = (x, y) => {
      if (sortCol === null) return 0;
      if (sortCol === -1) return (ids[x] < ids[y] ? -1 : ids[x] > ids[y] ? 1 : 0) * sortDir;
      const v = (i) => (sortCol === "h2" ? res.rotated.communalities[i] : L[i][sortCol]);
      return (v(x) - v(y)) * sortDir;
    };
    if (grouped) {
      const g = idx.map((i) => definingOf(res, i));
      idx.sort((x, y) => g[x] - g[y] || byCol(x, y) || (g[x] < res.factors.length ? Math.abs(L[y][g[y]]) - Math.abs(L[x][g[x]]) : 0) || x - y);
    } else if (sortCol !== null) idx.sort((x, y) => byCol(x, y) || x - y);
    return idx;
  }
  function header(names) {
    const head = el("tr", { "aria-rowindex": "1" });
    const cols = [["Sort", -1], ...names.map((f, j) => [f, j]), ["h\u00b2", "h2"]];
    for (const [label, col] of cols) {
      const th = el("th", { scope: "col", "data-col": String(col) });
      const b = el("button", { type: "button", class: "sort", "aria-label": "Sort the sorts by " + (col === "h2" ? "communality" : label) }, label);
      b.addEventListener("click", () => {
        if (sortCol === col) sortDir = -sortDir; else { sortCol = col; sortDir = col === -1 ? 1 : -1; }
        drawLoadings();
      });
      th.append(b);
      head.append(th);
    }
    head.append(el("th", { scope: "col", class: "l" }, "Defines"), el("th", { scope: "col", class: "l" }, "Warnings"));
    const thead = el("thead");
    thead.append(head);
    return thead;
  }
  function markSorted(t) {
    for (const th of t.querySelectorAll("thead th[data-col]")) {
      const col = th.dataset.col === "h2" ? "h2" : Number(th.dataset.col);
      if (col === sortCol) th.setAttribute("aria-sort", sortDir < 0 ? "descending" : "ascending"); else th.removeAttribute("aria-sort");
    }
  }
  function row(i, names) {
    const id = S.summary.opened.sort_ids[i];
    const tr = el("tr", { "data-sort": id });
    tr.append(el("th", { scope: "row", class: "l" }, id));
    const cells = names.map((name) => {
      const td = el("td", { class: "cell", tabindex: "-1", "data-sort": id, "data-factor": name });
      td.drawn = {};
      tr.append(td);
      return td;
    });
    const h2 = el("td");
    const defines = el("td", { class: "l" });
    const warn = el("td", { class: "l warn" });
    tr.append(h2, defines, warn);
    return { tr, cells, h2, defines, warn };
  }
  function fill(r, i, names, w, pos) {
    const res = S.shown.results;
    const id = S.summary.opened.sort_ids[i];
    r.tr.setAttribute("aria-rowindex", String(pos + 2));
    const on = [];
    names.forEach((name, j) => {
      const td = r.cells[j];
      const flagged = res.flags[i][j];
      if (flagged) on.push(name);
      const v = fmt(res.factor_loadings[i][j], 4);
      if (td.drawn.v === v && td.drawn.flagged === flagged) return;
      td.drawn.v = v;
      td.drawn.flagged = flagged;
      td.textContent = v + (flagged ? " X" : "");
      td.className = "cell" + (flagged ? " flag" : "");
      td.setAttribute("aria-selected", String(flagged));
      td.setAttribute("aria-label", v + (flagged ? ", flagged" : "") + ", " + id + " on " + name + (flagged ? " (Enter: unflag)" : " (Enter: flag)"));
    });
    const h2 = fmt(res.rotated.communalities[i], 4);
    if (r.h2.textContent !== h2) r.h2.textContent = h2;
    const d = on.join(" ");
    if (r.defines.textContent !== d) r.defines.textContent = d;
    const mine = w.sorts.get(id) || [];
    const text = mine.length ? "\u26a0 " + mine.join("; ") : "";
    if (r.warn.textContent !== text) r.warn.textContent = text;
    const tab = active && active.sort === id ? active.factor : null;
    r.cells.forEach((td, j) => {
      const want = tab === names[j] ? "0" : "-1";
      if (td.getAttribute("tabindex") !== want) td.setAttribute("tabindex", want);
    });
  }
  function drawLoadings() {
    const res = S.shown.results;
    const ids = S.summary.opened.sort_ids;
    const names = res.factors.map((f) => f.name);
    const shape = ids.length + ":" + names.join(",");
    const t = $("loadings");
    if (!active || !names.includes(active.factor) || !ids.includes(active.sort)) active = { sort: ids[0], factor: names[0] };
    if (t.getAttribute("aria-rowcount") !== String(ids.length + 1)) t.setAttribute("aria-rowcount", String(ids.length + 1));
    const w = about();
    const idx = order(res);
    if (ids.length > VIRTUAL) { drawWindow(names, w, shape, idx); markSorted(t); return; }
    if (!built || built.shape !== shape) {
      const body = el("tbody");
      const rows = ids.map((_, i) => row(i, names));
      t.replaceChildren(header(names), body);
      t.classList.remove("virtual");
      built = { shape, rows, orderKey: null };
      // the box's height fits the rows (a fixed height keeps a step's relayout inside it)
      $("loadings-box").style.height = Math.min(420, 26 + 25 * ids.length) + "px";
    }
    const orderKey = idx.join(",");
    if (built.orderKey !== orderKey) {
      t.tBodies[0].replaceChildren(...idx.map((i) => built.rows[i].tr));
      built.orderKey = orderKey;
    }
    built.idx = idx;
    idx.forEach((i, pos) => fill(built.rows[i], i, names, w, pos));
    markSorted(t);
  }
  // The rows in view of the scroll box, between two spacers of the rows' height.
  function drawWindow(names, w, shape, idx) {
    const t = $("loadings");
    const n = S.summary.opened.sort_ids.length;
    // the scroll position as the last scroll event left it: reading it here would force a
    // layout of everything drawn so far (thousands of points)
    const first = Math.max(0, Math.floor(scrollTop / ROW_PX) - AROUND);
    const count = Math.ceil(VIEW_PX / ROW_PX) + 2 * AROUND;
    const last = Math.min(n, first + count);
    // the same rows in view as drawn last: updated in place (focus stays where it is; moving
    // it would lay the whole page out at once)
    const orderKey = idx.join(",");
    if (built && built.virtual && built.shape === shape && built.first === first && built.last === last && built.orderKey === orderKey) {
      for (let pos = first; pos < last; pos++) fill(built.rows[pos - first], idx[pos], names, w, pos);
      built.idx = idx;
      return;
    }
    const focused = document.activeElement && t.contains(document.activeElement) ? document.activeElement.dataset : null;
    const body = el("tbody");
    const spacer = (rows) => {
      const tr = el("tr", { class: "spacer", "aria-hidden": "true" });
      const td = el("td", { colspan: String(names.length + 4) });
      td.style.height = rows * ROW_PX + "px";
      tr.append(td);
      return tr;
    };
    body.append(spacer(first));
    const rows = [];
    for (let pos = first; pos < last; pos++) {
      const r = row(idx[pos], names);
      fill(r, idx[pos], names, w, pos);
      body.append(r.tr);
      rows.push(r);
    }
    body.append(spacer(n - last));
    if (!built || built.shape !== shape || !built.virtual) {
      t.replaceChildren(header(names), body);
      t.classList.add("virtual");
      built = { shape, virtual: true, names };
      $("loadings-box").style.height = VIEW_PX + "px";
    } else t.replaceChild(body, t.tBodies[0]);
    Object.assign(built, { names, idx, first, last, orderKey, rows });
    if (focused && focused.sort) {
      const again = t.querySelector('td.cell[data-sort="' + CSS.escape(focused.sort) + '"][data-factor="' + CSS.escape(focused.factor) + '"]');
      if (again) again.focus({ preventScroll: true });
    }
  }
  let scrolling = false;
  let scrollTop = 0;
  const VIEW_PX = 420; // the scroll box's height (style.css: .scroll)
  $("loadings-box").addEventListener("scroll", (e) => {
    scrollTop = e.target.scrollTop;
    if (!built || !built.virtual || scrolling) return;
    scrolling = true;
    requestAnimationFrame(() => { scrolling = false; drawWindow(built.names, about(), built.shape, built.idx); });
  });
  $("loadings-group").addEventListener("change", () => { if (S.shown) drawLoadings(); });
  // One listener for the whole table (clicks and Enter/Space on a focused cell).
  function act(td) {
    if (!td || !td.classList.contains("cell")) return;
    const { sort, factor } = td.dataset;
    active = { sort, factor };
    toggleFlag(sort, factor);
  }
  $("loadings").addEventListener("click", (e) => act(e.target.closest("td.cell")));
  // Arrow keys move between cells (Home/End: first and last factor; Page Up/Down: 10 rows).
  function move(td, key) {
    const res = S.shown.results;
    const ids = S.summary.opened.sort_ids;
    const names = res.factors.map((f) => f.name);
    const idx = built.idx;
    let pos = idx.indexOf(ids.indexOf(td.dataset.sort));
    let j = names.indexOf(td.dataset.factor);
    if (key === "ArrowDown") pos++; else if (key === "ArrowUp") pos--;
    else if (key === "ArrowRight") j++; else if (key === "ArrowLeft") j--;
    else if (key === "Home") j = 0; else if (key === "End") j = names.length - 1;
    else if (key === "PageDown") pos += 10; else if (key === "PageUp") pos -= 10;
    pos = Math.max(0, Math.min(idx.length - 1, pos));
    j = Math.max(0, Math.min(names.length - 1, j));
    active = { sort: ids[idx[pos]], factor: names[j] };
    const box = $("loadings-box");
    if (built.virtual) {
      const top = pos * ROW_PX;
      if (top < box.scrollTop || top > box.scrollTop + VIEW_PX - 2 * ROW_PX) box.scrollTop = Math.max(0, top - VIEW_PX / 2);
      scrollTop = box.scrollTop;
      drawWindow(built.names, about(), built.shape, built.idx);
    } else drawLoadings();
    const next = $("loadings").querySelector('td.cell[data-sort="' + CSS.escape(active.sort) + '"][data-factor="' + CSS.escape(active.factor) + '"]');
    if (next) next.focus();
  }
  $("loadings").addEventListener("keydown", (e) => {
    const td = e.target.closest("td.cell");
    if (!td) return;
    if (e.key === "Enter" || e.key === " ") { e.preventDefault(); act(td); return; }
    if (["ArrowDown", "ArrowUp", "ArrowLeft", "ArrowRight", "Home", "End", "PageDown", "PageUp"].includes(e.key)) { e.preventDefault(); move(td, e.key); }
  });

  // The checkboxes, the names and the warnings are rebuilt only when what they show changed.
  const drawn = {};
  const changed = (what, key) => { const k = JSON.stringify(key); if (drawn[what] === k) return false; drawn[what] = k; return true; };
  function drawInvertSplit() {
    const k = S.shown.results.options.factors;
    if (!changed("invert", k)) {
      // the boxes show the choices (a change the engine refused is taken back)
      for (let f = 1; f <= k; f++) for (const key of ["invert", "split"]) $(key + "-" + f).checked = S.head[key].includes(f);
      return;
    }
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
    if (!changed("names", [S.shown.results.factors.map((f) => [f.name, f.label]), S.head.factor_names])) {
      for (const f of S.shown.results.factors) {
        const input = $("name-" + f.name);
        if (input && document.activeElement !== input) input.value = S.head.factor_names[f.name] || "";
      }
      return;
    }
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
    if (!changed("warnings", ws)) return;
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
    if (what === "opened") { built = null; active = null; for (const k of Object.keys(drawn)) delete drawn[k]; }
    if (!S.shown || !(what === "shown" || what === "failed" || what === "opened")) return;
    drawLoadings();
    drawInvertSplit();
    drawNames();
    drawWarnings();
  });
})(window.QS);

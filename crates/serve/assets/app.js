// qstudy workbench page. Every number comes from the engine (the JSON API); this script only
// keeps the user's choices, sends them, and draws what comes back.
"use strict";
(function () {
  const token = new URLSearchParams(location.search).get("token") || "";
  const $ = (id) => document.getElementById(id);
  const NS = "http://www.w3.org/2000/svg";
  let summary = null; // the open input
  let opts = null; // the choices of the analysis shown (the server's OptionLayer, as JSON)
  // The choices as the server sends them leave out empty lists and names: give them here.
  function complete(o) {
    for (const key of ["rotate", "flag", "unflag", "invert", "split"]) o[key] = o[key] || [];
    o.factor_names = o.factor_names || {};
    return o;
  }
  // A rotation step "A,B,DEG" as numbers.
  const stepOf = (s) => s.split(",").map(Number);
  let results = null; // its results
  let stepSigns = []; // per factor, +1 or -1: its plotted loadings against the space a step turns
  let undo = [];
  let redo = [];
  let busy = false;

  function el(tag, attrs, text) {
    const e = tag.startsWith("svg:") ? document.createElementNS(NS, tag.slice(4)) : document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
    if (text !== undefined) e.textContent = text;
    return e;
  }
  function clone(o) { return JSON.parse(JSON.stringify(o)); }
  function fmt(x, d) { return x === null || x === undefined ? "" : Number(x).toFixed(d); }
  function status(text) { $("status").textContent = text; }
  function showError(message) {
    const e = $("error");
    if (message) { e.textContent = "error: " + message; e.hidden = false; } else { e.textContent = ""; e.hidden = true; }
  }

  async function api(path, body, binary) {
    const r = await fetch(path, {
      method: body === undefined ? "GET" : "POST",
      headers: { "X-Qstudy-Token": token, "Content-Type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (binary && r.ok) return { blob: await r.blob(), name: (r.headers.get("Content-Disposition") || "").replace(/.*filename="([^"]+)".*/, "$1") };
    const j = await r.json();
    if (!r.ok || j.error) throw new Error(j.error || ("HTTP " + r.status));
    return j;
  }

  // ---- open ---------------------------------------------------------------------------
  function readFile(file, name) {
    return new Promise((resolve, reject) => {
      const fr = new FileReader();
      fr.onload = () => resolve({ name: name, data: String(fr.result).replace(/^data:[^,]*,/, "") });
      fr.onerror = () => reject(new Error(name + ": could not be read"));
      fr.readAsDataURL(file);
    });
  }
  async function upload(list) {
    const files = [];
    for (const f of list) files.push(await readFile(f, f.webkitRelativePath || f.name));
    if (!files.length) return;
    status("reading " + files.map((f) => f.name).join(", ") + " ...");
    try {
      const s = await api("/api/load", { files: files });
      showError(null);
      await opened(s);
    } catch (e) {
      showError(e.message);
      status(summary ? "kept " + summary.opened.input : "nothing open");
    }
  }
  async function opened(s) {
    if (!s.opened) return;
    summary = s;
    const o = s.opened;
    $("summary").textContent = o.input + (o.title ? " (" + o.title + ")" : "") + ": " + o.sorts + " sorts x " +
      o.statements + " statements, grid " + o.grid + "; " + o.format + (o.note ? ". " + o.note : "");
    const colour = $("colour");
    colour.replaceChildren(el("option", { value: "" }, "flags"));
    for (const a of o.attributes) colour.append(el("option", { value: a }, a));
    for (const id of ["step-extract"]) $(id).hidden = false;
    // The values each control offers come from the server (one list of options, shared with
    // the command line and study.toml).
    for (const id of ["numerics", "correlation", "method", "rotation"]) {
      $(id).replaceChildren(...s.fields[id].map((v) => el("option", { value: v }, v)));
    }
    opts = complete(s.options);
    undo = []; redo = [];
    results = null;
    stepSigns = [];
    setControls();
    status("opened " + o.input);
    await runFactors(!opts.factors);
  }
  $("file").addEventListener("change", (e) => upload(Array.from(e.target.files)));
  $("folder").addEventListener("change", (e) => upload(Array.from(e.target.files)));
  const drop = $("drop");
  drop.addEventListener("dragover", (e) => { e.preventDefault(); drop.classList.add("over"); });
  drop.addEventListener("dragleave", () => drop.classList.remove("over"));
  drop.addEventListener("drop", async (e) => {
    e.preventDefault(); drop.classList.remove("over");
    const files = [];
    const walk = (entry, prefix) => new Promise((resolve) => {
      if (entry.isFile) entry.file((f) => { files.push({ f: f, name: prefix + f.name }); resolve(); }, resolve);
      else if (entry.isDirectory) {
        const reader = entry.createReader();
        reader.readEntries(async (entries) => { for (const x of entries) await walk(x, prefix + entry.name + "/"); resolve(); }, resolve);
      } else resolve();
    });
    const items = Array.from(e.dataTransfer.items || []).map((i) => i.webkitGetAsEntry && i.webkitGetAsEntry()).filter(Boolean);
    if (items.length) { for (const it of items) await walk(it, ""); }
    else for (const f of e.dataTransfer.files) files.push({ f: f, name: f.name });
    const list = files.map((x) => { const f = x.f; Object.defineProperty(f, "webkitRelativePath", { value: x.name }); return f; });
    upload(list);
  });

  // ---- options ------------------------------------------------------------------------
  function setControls() {
    $("numerics").value = opts.numerics;
    $("correlation").value = opts.correlation;
    $("method").value = opts.method;
    $("extract").value = opts.extract || "";
    $("rotation").value = opts.rotation;
    $("k").value = opts.factors || "";
    $("flag-p").value = String(opts.flag_p);
    $("majority").checked = opts.flag_majority;
  }
  for (const id of ["numerics", "correlation", "method", "rotation"]) {
    $(id).addEventListener("change", () => change((o) => { o[id] = $(id).value; }));
  }
  $("extract").addEventListener("change", () => change((o) => { const v = parseInt($("extract").value, 10); o.extract = v > 0 ? v : null; }));
  $("flag-p").addEventListener("change", () => change((o) => { o.flag_p = parseFloat($("flag-p").value); }));
  $("majority").addEventListener("change", () => change((o) => { o.flag_majority = $("majority").checked; }));
  $("keep").addEventListener("click", () => {
    const k = parseInt($("k").value, 10);
    change((o) => {
      o.factors = isNaN(k) ? null : k;
      o.rotate = o.rotate.filter((s) => stepOf(s).slice(0, 2).every((f) => f <= o.factors));
    });
  });
  $("run-factors").addEventListener("click", () => runFactors(false));

  async function runFactors(useRecommendation) {
    const t0 = performance.now();
    status("parallel analysis ...");
    try {
      const r = (await api("/api/factors", opts)).report;
      drawScree(r);
      $("recommendation").replaceChildren(el("p", {}, "Recommended: " + r.recommended + " factor(s)."),
        ...r.reasons.map((x) => el("p", { class: "hint" }, x)));
      if (useRecommendation) {
        $("k").value = r.recommended;
        const o = clone(opts); o.factors = r.recommended;
        await apply(o, false);
      } else if (opts.factors && !results) {
        await apply(clone(opts), false);
      }
      status("factors report in " + Math.round(performance.now() - t0) + " ms");
    } catch (e) { showError(e.message); }
  }

  function drawScree(r) {
    const W = 420, H = 240, P = 36;
    const obs = r.eigenvalues, thr = r.parallel.random_percentile || [];
    const top = Math.max(1, ...obs, ...thr);
    const x = (i) => P + (i * (W - 2 * P)) / Math.max(1, obs.length - 1);
    const y = (v) => H - P - (v / top) * (H - 2 * P);
    const svg = el("svg:svg", { width: W, height: H, viewBox: "0 0 " + W + " " + H, role: "img" });
    svg.append(el("svg:line", { x1: P, y1: H - P, x2: W - P, y2: H - P, stroke: "#888" }));
    svg.append(el("svg:line", { x1: P, y1: P, x2: P, y2: H - P, stroke: "#888" }));
    const line = (vals, colour, dash) => svg.append(el("svg:polyline", {
      points: vals.map((v, i) => x(i) + "," + y(v)).join(" "), fill: "none", stroke: colour, "stroke-width": 2, "stroke-dasharray": dash || "" }));
    line(obs, "#1565c0");
    if (thr.length) line(thr.slice(0, obs.length), "#c62828", "5,4");
    obs.forEach((v, i) => {
      const c = el("svg:circle", { cx: x(i), cy: y(v), r: 4, fill: "#1565c0" });
      c.append(el("svg:title", {}, "F" + (i + 1) + ": " + fmt(v, 4)));
      svg.append(c);
      svg.append(el("svg:text", { x: x(i), y: H - P + 14, "text-anchor": "middle", "font-size": 11 }, String(i + 1)));
    });
    svg.append(el("svg:text", { x: P, y: P - 8, "font-size": 11 }, "eigenvalues (blue), parallel analysis " + r.parallel.percentile + "th percentile (red)"));
    $("scree").replaceChildren(svg);
  }

  // ---- analysis -----------------------------------------------------------------------
  // Runs the analysis of `next`; on success it becomes the current one (recorded for undo),
  // on failure the error is shown and the current analysis stays.
  async function apply(next, record) {
    if (busy) return false;
    busy = true;
    document.body.classList.add("busy");
    const t0 = performance.now();
    try {
      const r = await api("/api/analyze", next);
      if (record && opts) { undo.push(opts); redo = []; }
      opts = next;
      results = r.results;
      stepSigns = r.step_signs || [];
      showError(null);
      render();
      status("analysed in " + Math.round(performance.now() - t0) + " ms");
      return true;
    } catch (e) {
      showError(e.message);
      setControls();
      return false;
    } finally {
      busy = false;
      document.body.classList.remove("busy");
    }
  }
  function change(mutate) {
    if (!opts) return;
    const next = clone(opts);
    mutate(next);
    if (!next.factors) { opts = next; return; }
    return apply(next, true);
  }
  // Undo and redo move whole sets of choices between the two stacks; the stacks are updated
  // before the analysis is drawn (so the buttons' state is right), and restored if it fails.
  async function travel(from, to) {
    if (!from.length || busy) return;
    const target = from.pop();
    to.push(opts);
    if (!(await apply(target, false))) { to.pop(); from.push(target); }
  }
  $("undo").addEventListener("click", () => travel(undo, redo));
  $("redo").addEventListener("click", () => travel(redo, undo));

  function rotateBy(deg) {
    const a = parseInt($("fa").value, 10), b = parseInt($("fb").value, 10);
    if (!(deg !== 0 && isFinite(deg) && a && b && a !== b)) {
      if (a === b) showError("choose two different factors to rotate");
      return;
    }
    // A step turns the factors as they are before being reflected or inverted: on a plot
    // where one of the two is mirrored, the engine's clockwise is the screen's anticlockwise.
    const turn = deg * (stepSigns[a - 1] || 1) * (stepSigns[b - 1] || 1);
    return change((o) => { o.rotate.push(a + "," + b + "," + turn); });
  }
  for (const btn of document.querySelectorAll("button.rot")) {
    btn.addEventListener("click", () => rotateBy(parseFloat(btn.dataset.deg)));
  }
  $("rotate").addEventListener("click", () => rotateBy(parseFloat($("angle").value)));
  $("angle").addEventListener("keydown", (e) => { if (e.key === "Enter") rotateBy(parseFloat($("angle").value)); });
  $("fa").addEventListener("change", drawScatter);
  $("fb").addEventListener("change", drawScatter);
  $("colour").addEventListener("change", drawScatter);

  function render() {
    for (const id of ["step-rotate", "step-flags", "step-results"]) $(id).hidden = false;
    $("k").value = opts.factors;
    setControls();
    const k = results.options.factors;
    for (const [id, def] of [["fa", 1], ["fb", 2]]) {
      const s = $(id);
      const keep = parseInt(s.value, 10);
      s.replaceChildren(...Array.from({ length: k }, (_, i) => el("option", { value: i + 1 }, "F" + (i + 1))));
      s.value = keep && keep <= k ? keep : Math.min(def, k);
    }
    $("steps").replaceChildren(...opts.rotate.map((st) => {
      const [a, b, deg] = stepOf(st);
      return el("li", {}, "F" + a + ", F" + b + ": " + deg + "\u00b0");
    }));
    $("undo").disabled = !undo.length;
    $("redo").disabled = !redo.length;
    drawScatter();
    drawLoadings();
    drawInvertSplit();
    drawNames();
    drawResults();
  }

  function drawScatter() {
    if (!results) return;
    const a = parseInt($("fa").value, 10) - 1, b = parseInt($("fb").value, 10) - 1;
    const S = 440, C = S / 2, R = S / 2 - 24;
    const svg = el("svg:svg", { width: S, height: S, viewBox: "0 0 " + S + " " + S, role: "img", tabindex: "-1" });
    svg.append(el("svg:circle", { cx: C, cy: C, r: R, fill: "none", stroke: "#ddd" }));
    svg.append(el("svg:line", { x1: C - R, y1: C, x2: C + R, y2: C, stroke: "#999" }));
    svg.append(el("svg:line", { x1: C, y1: C - R, x2: C, y2: C + R, stroke: "#999" }));
    svg.append(el("svg:text", { x: S - 4, y: C - 4, "text-anchor": "end", "font-size": 12 }, "F" + (a + 1)));
    svg.append(el("svg:text", { x: C + 4, y: 14, "font-size": 12 }, "F" + (b + 1)));
    const g = el("svg:g", { id: "points" });
    const attr = $("colour").value;
    const palette = ["#1565c0", "#e65100", "#2e7d32", "#6a1b9a", "#c62828", "#00838f", "#5d4037", "#9e9d24"];
    const groups = {};
    const ids = summary.opened.sort_ids;
    const parts = summary.opened.participants || [];
    ids.forEach((id, i) => {
      const l = results.rotated.loadings[i];
      const x = C + l[a] * R, y = C - l[b] * R;
      const flagged = results.factors.map((f, j) => results.flags[i][j] ? f : null).filter(Boolean);
      let fill, stroke = "#333";
      if (attr) {
        const v = (parts[i] && parts[i].attributes[attr]) || "";
        if (!(v in groups)) groups[v] = palette[Object.keys(groups).length % palette.length];
        fill = groups[v];
      } else if (flagged.some((f) => f.source_factor === a + 1)) fill = palette[0];
      else if (flagged.some((f) => f.source_factor === b + 1)) fill = palette[1];
      else if (flagged.length) fill = "#bbb";
      else { fill = "#fff"; stroke = "#777"; }
      const c = el("svg:circle", { cx: x, cy: y, r: 6, fill: fill, stroke: stroke, "data-id": id, class: "pt" });
      c.append(el("svg:title", {}, id + ": F" + (a + 1) + " " + fmt(l[a], 3) + ", F" + (b + 1) + " " + fmt(l[b], 3) +
        (flagged.length ? "; flagged on " + flagged.map((f) => f.name).join(", ") : "")));
      g.append(c);
    });
    svg.append(g);
    const legend = attr ? Object.entries(groups).map(([v, c]) => [v || "(none)", c])
      : [["flagged F" + (a + 1), palette[0]], ["flagged F" + (b + 1), palette[1]], ["flagged elsewhere", "#bbb"], ["not flagged", "#fff"]];
    legend.forEach(([name, colour], i) => {
      svg.append(el("svg:circle", { cx: 10, cy: 12 + 16 * i, r: 5, fill: colour, stroke: "#333" }));
      svg.append(el("svg:text", { x: 20, y: 16 + 16 * i, "font-size": 11 }, name));
    });
    // Drag to rotate: the points turn with the pointer (a display transform); on release the
    // angle becomes one rotation step computed by the engine. Positive = clockwise, as the
    // engine's steps turn the points.
    // A click on a point (no drag) flags or unflags that sort on the horizontal factor
    // (Shift-click: the vertical one), as a click in the loadings table does.
    let start = null, deg = 0, picked = null;
    const angleAt = (e) => { const r = svg.getBoundingClientRect(); return Math.atan2(e.clientY - r.top - C, e.clientX - r.left - C) * 180 / Math.PI; };
    svg.addEventListener("pointerdown", (e) => {
      picked = e.target.classList && e.target.classList.contains("pt") ? { id: e.target.dataset.id, shift: e.shiftKey } : null;
      start = angleAt(e); deg = 0; svg.setPointerCapture(e.pointerId);
    });
    svg.addEventListener("pointermove", (e) => {
      if (start === null) return;
      deg = angleAt(e) - start;
      if (deg > 180) deg -= 360; if (deg < -180) deg += 360;
      deg = Math.round(deg * 10) / 10;
      g.setAttribute("transform", "rotate(" + deg + " " + C + " " + C + ")");
      status("drag: " + deg + "\u00b0");
    });
    svg.addEventListener("pointerup", () => {
      if (start === null) return;
      start = null;
      if (Math.abs(deg) >= 0.1) { rotateBy(deg); return; }
      g.removeAttribute("transform");
      if (picked) {
        const f = results.factors.find((x) => x.source_factor === (picked.shift ? b : a) + 1);
        const i = summary.opened.sort_ids.indexOf(picked.id);
        if (f && i >= 0) toggleFlag(picked.id, f.name, results.flags[i][results.factors.indexOf(f)]);
      }
    });
    $("scatter").replaceChildren(svg);
  }

  function toggleFlag(id, factor, flagged) {
    return change((o) => {
      const edit = id + "=" + factor;
      if (flagged) {
        if (o.flag.includes(edit)) o.flag = o.flag.filter((p) => p !== edit); else o.unflag.push(edit);
      } else {
        if (o.unflag.includes(edit)) o.unflag = o.unflag.filter((p) => p !== edit); else o.flag.push(edit);
      }
    });
  }

  function drawLoadings() {
    const t = $("loadings");
    const head = el("tr");
    head.append(el("th", {}, "Sort"));
    for (const f of results.factors) head.append(el("th", {}, f.name));
    head.append(el("th", {}, "h\u00b2"));
    const rows = [head];
    summary.opened.sort_ids.forEach((id, i) => {
      const tr = el("tr");
      tr.append(el("td", { class: "l" }, id));
      results.factors.forEach((f, j) => {
        const flagged = results.flags[i][j];
        const td = el("td", { class: "cell" + (flagged ? " flag" : ""), tabindex: "0", role: "button",
          "data-sort": id, "data-factor": f.name, "aria-pressed": String(flagged),
          "aria-label": id + " on " + f.name + (flagged ? ", flagged" : "") }, fmt(results.factor_loadings[i][j], 4) + (flagged ? " X" : ""));
        const act = () => toggleFlag(id, f.name, flagged).then(() => {
          const again = document.querySelector('td.cell[data-sort="' + CSS.escape(id) + '"][data-factor="' + CSS.escape(f.name) + '"]');
          if (again) again.focus();
        });
        td.addEventListener("click", act);
        td.addEventListener("keydown", (e) => { if (e.key === "Enter" || e.key === " ") { e.preventDefault(); act(); } });
        tr.append(td);
      });
      tr.append(el("td", {}, fmt(results.rotated.communalities[i], 4)));
      rows.push(tr);
    });
    t.replaceChildren(...rows);
  }

  function drawInvertSplit() {
    const span = $("invert-split");
    const parts = [];
    for (let f = 1; f <= results.options.factors; f++) {
      for (const [key, word] of [["invert", "invert"], ["split", "split"]]) {
        const cb = el("input", { type: "checkbox", id: key + "-" + f });
        cb.checked = opts[key].includes(f);
        cb.addEventListener("change", () => change((o) => {
          o[key] = cb.checked ? o[key].concat([f]).sort((x, y) => x - y) : o[key].filter((x) => x !== f);
        }));
        const label = el("label", {});
        label.append(cb, document.createTextNode(" " + word + " F" + f));
        parts.push(label);
      }
    }
    span.replaceChildren(...parts);
  }

  function drawNames() {
    $("names").replaceChildren(...results.factors.map((f) => {
      const label = el("label", {}, f.name + " ");
      const input = el("input", { type: "text", id: "name-" + f.name, size: "24", value: opts.factor_names[f.name] || "" });
      input.addEventListener("change", () => change((o) => {
        const v = input.value.trim();
        if (v) o.factor_names[f.name] = v; else delete o.factor_names[f.name];
      }));
      label.append(input);
      return label;
    }));
  }

  function statementText(s) {
    const ids = summary.opened.statement_ids, labels = summary.opened.statement_labels;
    const i = ids.indexOf(s);
    return labels && i >= 0 ? labels[i] : "";
  }

  function drawResults() {
    const fs = results.factors;
    const ch = [el("tr")];
    for (const h of ["Factor", "Name", "Defining sorts", "Eigenvalue", "% Var", "Reliability", "SE"]) ch[0].append(el("th", {}, h));
    for (const f of fs) {
      const tr = el("tr");
      for (const v of [f.name, f.label || "", f.defining_sorts.length, fmt(f.eigenvalue, 4), fmt(f.explained_variance, 1),
        fmt(f.composite_reliability, 3), fmt(f.se, 3)]) tr.append(el("td", { class: typeof v === "string" && isNaN(v) ? "l" : "" }, String(v)));
      ch.push(tr);
    }
    $("characteristics").replaceChildren(...ch);
    const head = el("tr");
    head.append(el("th", {}, "#"), el("th", {}, "Statement"));
    for (const f of fs) head.append(el("th", {}, f.name));
    const rows = [head];
    summary.opened.statement_ids.forEach((s, i) => {
      const tr = el("tr");
      tr.append(el("td", {}, String(s)), el("td", { class: "l" }, statementText(s)));
      for (const f of fs) tr.append(el("td", {}, f.array ? String(f.array[i]) : ""));
      rows.push(tr);
    });
    $("arrays").replaceChildren(...rows);
    $("distinguishing").replaceChildren(...fs.map((f) => {
      const d = el("div");
      d.append(el("h4", {}, f.name + (f.label ? " (" + f.label + ")" : "") + ": " + f.distinguishing.length + " statement(s)"));
      const ul = el("ul");
      for (const x of f.distinguishing) ul.append(el("li", {}, x.statement + " " + statementText(x.statement) + " (" + x.direction + ", p < " + x.p + ")"));
      d.append(ul);
      return d;
    }));
    $("consensus").replaceChildren(...results.consensus.map((c) => el("li", {}, c.statement + " " + statementText(c.statement) +
      " (no pair differs at p < " + c.nonsignificant_at + ")")));
  }

  async function saveBlob(path) {
    if (!opts || !results) return;
    try {
      const r = await api(path, opts, true);
      const a = el("a", { href: URL.createObjectURL(r.blob), download: r.name || "qstudy.zip" });
      document.body.append(a);
      a.click();
      a.remove();
      status("saved " + (r.name || "qstudy.zip"));
    } catch (e) { showError(e.message); }
  }
  $("save").addEventListener("click", () => saveBlob("/api/save"));
  $("download").addEventListener("click", () => saveBlob("/api/download"));

  // Keyboard: arrows on the scatter's controls are plain buttons; nothing else is needed.
  api("/api/state").then(opened).catch((e) => showError(e.message));
})();

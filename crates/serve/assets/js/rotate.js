// 3. Hand rotation: the loadings of two factors plotted against each other, turned by buttons,
// a typed angle or a drag; a click on a point flags or unflags that sort.
//
// What the user sees turns by the angle asked, clockwise for a positive angle (↻). The engine
// turns factors A and B of a step "A,B,DEG" clockwise in the plane (A horizontal, B vertical)
// for DEG > 0 and never reflects a factor after a step (docs/methods.md, judgmental rotation),
// so a step on the plotted pair is the plotted turn, except for an inverted factor, whose plotted
// loadings are negated: its turn goes the other way, and the page sends DEG times the signs.
"use strict";
(function (Q) {
  const { $, el, fmt } = Q;
  const S = Q.S;
  const SIZE = 460, C = SIZE / 2, RAD = SIZE / 2 - 28;
  const CLICK_PX = 4; // a press that moves less than this is a click, not a drag
  // the figures' colours (qstudy-plot's CATEGORICAL: Okabe-Ito without its yellow)
  const PALETTE = ["#0072b2", "#d55e00", "#009e73", "#cc79a7", "#e69f00", "#56b4e9", "#000000"];
  const SIG = "#6b6b6b"; // the significance circle

  const sign = (o, f) => (o.invert.includes(f) ? -1 : 1);
  const stepOf = (s) => s.split(",").map(Number);
  const axes = () => ({ a: parseInt($("fa").value, 10), b: parseInt($("fb").value, 10) });
  Q.axes = () => axes();
  let wantedAxes = null;
  Q.setAxes = (x) => { wantedAxes = x; };

  // Turns the plotted pair by `deg` degrees clockwise on screen (one step).
  function rotateBy(deg, control) {
    const { a, b } = axes();
    if (!(a && b) || a === b) {
      Q.fieldError($("fb"), "Choose two different factors to rotate");
      return;
    }
    if (!isFinite(deg) || deg === 0) return;
    if (Math.abs(deg) > 360) {
      if (control) Q.fieldError(control, "Angle: give degrees from -360 to 360");
      return;
    }
    Q.edit((o) => {
      const turn = deg * sign(o, a) * sign(o, b);
      o.rotate.push(a + "," + b + "," + Number(turn.toFixed(6)));
    });
  }
  for (const btn of document.querySelectorAll("button.rot")) {
    btn.addEventListener("click", () => rotateBy(parseFloat(btn.dataset.deg)));
  }
  function typed() {
    const input = $("angle");
    const raw = input.value.trim();
    const v = Number(raw);
    if (raw === "" || !isFinite(v) || Math.abs(v) > 360 || v === 0) {
      Q.fieldError(input, "Angle: give degrees from -360 to 360, other than 0 (positive turns clockwise)");
      return;
    }
    Q.fieldError(input, null);
    rotateBy(v, input);
  }
  $("rotate").addEventListener("click", typed);
  $("angle").addEventListener("keydown", (e) => { if (e.key === "Enter") { e.preventDefault(); typed(); } });
  $("angle").addEventListener("input", () => Q.fieldError($("angle"), null));
  for (const id of ["fa", "fb"]) {
    $(id).addEventListener("change", () => {
      const { a, b } = axes();
      Q.fieldError($("fb"), a === b ? "Choose two different factors to rotate" : null);
      drawScatter(true);
      Q.persist();
    });
  }
  $("colour").addEventListener("change", () => drawScatter(true));
  $("undo").addEventListener("click", () => Q.undo());
  $("redo").addEventListener("click", () => Q.redo());

  // The steps as the user made them: the plotted pair and the turn on screen.
  let stepsKey = null;
  function drawSteps() {
    const o = S.head;
    $("undo").disabled = !Q.canUndo();
    $("redo").disabled = !Q.canRedo();
    const key = JSON.stringify([o.rotate, o.invert]);
    if (key === stepsKey) return;
    stepsKey = key;
    $("steps").replaceChildren(...o.rotate.map((st, i) => {
      const [a, b, deg] = stepOf(st);
      const shown = deg * sign(o, a) * sign(o, b);
      const li = el("li", { "data-step": st, "data-degrees": String(shown) },
        "F" + a + " (horizontal), F" + b + " (vertical): " + Math.abs(shown) + "\u00b0 " + (shown >= 0 ? "clockwise" : "anticlockwise"));
      li.title = "step " + (i + 1) + "; study.toml: \"" + st + "\"";
      return li;
    }));
    const total = $("steps-total");
    total.textContent = o.rotate.length ? o.rotate.length + " step(s)" : "No hand rotation yet.";
  }

  function setAxisChoices(k) {
    const keepA = (wantedAxes && wantedAxes.a) || parseInt($("fa").value, 10);
    const keepB = (wantedAxes && wantedAxes.b) || parseInt($("fb").value, 10);
    wantedAxes = null;
    for (const id of ["fa", "fb"]) {
      const s = $(id);
      if (s.options.length !== k) s.replaceChildren(...Array.from({ length: k }, (_, i) => el("option", { value: i + 1 }, "F" + (i + 1))));
    }
    let a = keepA >= 1 && keepA <= k ? keepA : 1;
    let b = keepB >= 1 && keepB <= k ? keepB : Math.min(2, k);
    if (a === b) { a = 1; b = k >= 2 ? 2 : 1; }
    $("fa").value = a; $("fb").value = b;
    Q.fieldError($("fb"), null);
  }

  // ---- the chart ---------------------------------------------------------------------
  let chart = null; // { svg, g, points: Map id -> circle, legend }
  function build() {
    const svg = el("svg:svg", { width: SIZE, height: SIZE, viewBox: "0 0 " + SIZE + " " + SIZE, role: "img" });
    svg.append(el("svg:circle", { cx: C, cy: C, r: RAD, fill: "none", stroke: "#ccc" }));
    for (const v of [-1, -0.5, 0.5, 1]) {
      svg.append(el("svg:line", { x1: C + v * RAD, y1: C - 4, x2: C + v * RAD, y2: C + 4, stroke: "#999" }));
      svg.append(el("svg:text", { x: C + v * RAD, y: C + 16, "text-anchor": "middle", "font-size": 10, fill: "#555" }, String(v)));
      svg.append(el("svg:line", { x1: C - 4, y1: C - v * RAD, x2: C + 4, y2: C - v * RAD, stroke: "#999" }));
      svg.append(el("svg:text", { x: C - 8, y: C - v * RAD + 4, "text-anchor": "end", "font-size": 10, fill: "#555" }, String(v)));
    }
    svg.append(el("svg:line", { x1: C - RAD, y1: C, x2: C + RAD, y2: C, stroke: "#999" }));
    svg.append(el("svg:line", { x1: C, y1: C - RAD, x2: C, y2: C + RAD, stroke: "#999" }));
    const sig = el("svg:circle", { id: "significance", cx: C, cy: C, r: 0, fill: "none", stroke: SIG, "stroke-width": 1.5, "stroke-dasharray": "5,4" });
    svg.append(sig);
    const xl = el("svg:text", { x: SIZE - 6, y: C - 6, "text-anchor": "end", "font-size": 13, "font-weight": "bold" });
    const yl = el("svg:text", { x: C + 6, y: 14, "font-size": 13, "font-weight": "bold" });
    svg.append(xl, yl);
    const g = el("svg:g", { id: "points" });
    const labels = el("svg:g", { id: "point-labels", "font-size": 9, fill: "#333", "pointer-events": "none" });
    g.append(labels);
    svg.append(g);
    const legend = el("svg:g", { id: "legend" });
    svg.append(legend);
    chart = { svg, g, labels, legend, sig, xl, yl, points: new Map(), texts: new Map() };
    // a point's tooltip is written when the pointer comes over it, not at every redraw
    g.addEventListener("pointerover", (e) => {
      const c = e.target;
      if (!c.tip || !S.shown) return;
      const t = c.tip;
      const title = c.querySelector("title") || c.appendChild(el("svg:title"));
      const res = S.shown.results;
      const flagged = res.factors.filter((f, j) => res.flags[t.i][j]).map((f) => f.name);
      title.textContent = c.dataset.sort + ": F" + t.a + " " + fmt(t.lx, 3) + ", F" + t.b + " " + fmt(t.ly, 3) +
        (flagged.length ? "; flagged on " + flagged.join(", ") : "");
    });
    attachPointer(svg);
    $("scatter").replaceChildren(svg);
  }

  // Each id beside its point where it overlaps no other label and no point: the first free of
  // eight places around it (right, left, above, below, then the corners); an id with no free
  // place is left to the point's tooltip.
  const CHAR_PX = 5.2, LINE_PX = 9, GAP = 7;
  function placeLabels(places) {
    const boxes = [];
    const pts = places.map((p) => ({ x0: p.x - 6, x1: p.x + 6, y0: p.y - 6, y1: p.y + 6 }));
    const hit = (b) => boxes.some((o) => b.x0 < o.x1 && o.x0 < b.x1 && b.y0 < o.y1 && o.y0 < b.y1) ||
      pts.some((o) => b.x0 < o.x1 && o.x0 < b.x1 && b.y0 < o.y1 && o.y0 < b.y1);
    for (const p of places) {
      const w = p.id.length * CHAR_PX, h = LINE_PX;
      const tries = [[GAP, 3], [-GAP - w, 3], [-w / 2, -GAP], [-w / 2, GAP + h], [GAP, -GAP], [-GAP - w, -GAP], [GAP, GAP + h], [-GAP - w, GAP + h]];
      let chosen = null;
      for (const [dx, dy] of tries) {
        const b = { x0: p.x + dx, x1: p.x + dx + w, y0: p.y + dy - h, y1: p.y + dy };
        if (b.x0 >= 0 && b.x1 <= SIZE && b.y0 >= 0 && b.y1 <= SIZE && !hit(b)) { chosen = [dx, dy, b]; break; }
      }
      const shown = chosen !== null;
      if (p.t.drawnShown !== shown) { p.t.style.display = shown ? "" : "none"; p.t.drawnShown = shown; }
      if (!shown) continue;
      boxes.push(chosen[2]);
      const x = String(Math.round((p.x + chosen[0]) * 10) / 10), y = String(Math.round((p.y + chosen[1]) * 10) / 10);
      if (p.t.drawnX !== x) { p.t.setAttribute("x", x); p.t.drawnX = x; }
      if (p.t.drawnY !== y) { p.t.setAttribute("y", y); p.t.drawnY = y; }
    }
  }

  function drawScatter() {
    const sh = S.shown;
    if (!sh) return;
    const k = sh.results.options.factors;
    $("scatter-one").hidden = k >= 2;
    $("scatter").hidden = k < 2;
    if (k < 2) return;
    if (!chart) build();
    const { a, b } = axes();
    const A = a - 1, B = b - 1;
    preview(0);
    chart.xl.textContent = "F" + a + " \u2192";
    chart.yl.textContent = "\u2191 F" + b;
    chart.svg.setAttribute("aria-label", "Loadings of every sort on F" + a + " (horizontal) and F" + b +
      " (vertical). Drag to rotate; click a sort to flag or unflag it on F" + a + " (Shift-click: F" + b + ").");
    const z = { 0.05: 1.96, 0.01: 2.576, 0.001: 3.291 }[sh.opts.flag_p] || 1.96;
    const sig = z / Math.sqrt(S.summary.opened.statements);
    chart.sig.setAttribute("r", String(Math.min(1, sig) * RAD));
    const attr = $("colour").value;
    const groups = {};
    const ids = S.summary.opened.sort_ids;
    const parts = S.summary.opened.participants || [];
    const res = sh.results;
    const labelled = ids.length <= 120;
    const seen = new Set();
    const places = [];
    const sources = res.factors.map((f) => f.source_factor);
    // a colour per plotted factor, and one per half of a split one
    const flagColour = {};
    const flagLegend = [];
    let next = 0;
    for (const axis of [a, b]) {
      res.factors.forEach((f, j) => {
        if (f.source_factor !== axis || j in flagColour) return;
        flagColour[j] = PALETTE[next++ % PALETTE.length];
        flagLegend.push(["flagged on " + f.name, flagColour[j]]);
      });
    }
    ids.forEach((id, i) => {
      const l = res.rotated.loadings[i];
      const lx = l[A], ly = l[B];
      const fl = res.flags[i];
      let fill, stroke = "#333";
      if (attr) {
        const v = (parts[i] && parts[i].attributes[attr]) || "";
        if (!(v in groups)) groups[v] = PALETTE[Object.keys(groups).length % PALETTE.length];
        fill = groups[v];
      } else {
        let on = null, any = false;
        for (let j = 0; j < fl.length; j++) if (fl[j]) { any = true; if (on === null && (sources[j] === a || sources[j] === b)) on = j; }
        if (on !== null) fill = flagColour[on]; else if (any) fill = "#999"; else { fill = "#fff"; stroke = "#666"; }
      }
      let c = chart.points.get(id);
      if (!c) {
        c = el("svg:circle", { r: 6, class: "pt", "data-sort": id });
        c.drawn = { fill: "", stroke: "" };
        chart.points.set(id, c);
        chart.g.insertBefore(c, chart.labels);
      }
      seen.add(id);
      // only what changed is written, positions through the SVG DOM (at thousands of sorts the
      // writes are the time)
      if (c.drawn.x !== lx || c.drawn.y !== ly) {
        c.cx.baseVal.value = C + lx * RAD;
        c.cy.baseVal.value = C - ly * RAD;
        c.setAttribute("data-x", String(lx));
        c.setAttribute("data-y", String(ly));
        c.drawn.x = lx;
        c.drawn.y = ly;
      }
      if (c.drawn.fill !== fill) { c.setAttribute("fill", fill); c.drawn.fill = fill; }
      if (c.drawn.stroke !== stroke) { c.setAttribute("stroke", stroke); c.drawn.stroke = stroke; }
      c.tip = { a, b, lx, ly, i };
      let t = chart.texts.get(id);
      if (labelled) {
        if (!t) { t = el("svg:text", {}, id); chart.texts.set(id, t); chart.labels.append(t); }
        places.push({ t, id, x: C + lx * RAD, y: C - ly * RAD });
      } else if (t) { t.remove(); chart.texts.delete(id); }
    });
    placeLabels(places);
    for (const [id, c] of chart.points) if (!seen.has(id)) { c.remove(); chart.points.delete(id); }
    const legend = attr ? Object.entries(groups).map(([v, col]) => [v || "(none)", col])
      : [...flagLegend, ["flagged elsewhere", "#999"], ["not flagged", "#fff"]];
    chart.legend.replaceChildren();
    legend.forEach(([name, colour], i) => {
      chart.legend.append(el("svg:circle", { cx: 10, cy: 12 + 16 * i, r: 5, fill: colour, stroke: "#333" }));
      chart.legend.append(el("svg:text", { x: 20, y: 16 + 16 * i, "font-size": 11 }, name));
    });
    chart.legend.append(el("svg:text", { x: 10, y: SIZE - 8, "font-size": 10, fill: SIG },
      "dashed circle: significant loading (" + fmt(sig, 3) + ")"));
  }
  Q.drawScatter = drawScatter;

  // The turn on screen of the steps the user made that the engine has not answered yet (on the
  // plotted pair; 0 if any other change is waiting): shown at once, replaced by the answer.
  function waiting() {
    if (!S.shown) return 0;
    const done = S.shown.opts.rotate, want = S.head.rotate;
    if (want.length < done.length || !done.every((st, i) => st === want[i])) return 0;
    const { a, b } = axes();
    let d = 0;
    for (const st of want.slice(done.length)) {
      const [x, y, deg] = stepOf(st);
      const turn = deg * sign(S.head, x) * sign(S.head, y);
      if (x === a && y === b) d += turn; else if (x === b && y === a) d -= turn; else return 0;
    }
    return d;
  }
  function preview(extra) {
    if (!chart) return;
    const d = waiting() + extra;
    if (d) chart.g.setAttribute("transform", "rotate(" + d + " " + C + " " + C + ")"); else chart.g.removeAttribute("transform");
  }

  // Drag to rotate: the points turn with the pointer (a display transform) and, on release,
  // the angle becomes one step. A press that moves less than CLICK_PX is a click: on a point it
  // flags or unflags that sort on the horizontal factor (Shift: the vertical one).
  function attachPointer(svg) {
    let press = null;
    const angleAt = (e) => {
      const r = svg.getBoundingClientRect();
      const s = r.width / SIZE;
      return Math.atan2(e.clientY - r.top - C * s, e.clientX - r.left - C * s) * 180 / Math.PI;
    };
    svg.addEventListener("pointerdown", (e) => {
      if (e.button !== 0) return;
      const t = e.target;
      press = { x: e.clientX, y: e.clientY, angle: angleAt(e), deg: 0, drag: false,
        pick: t.classList && t.classList.contains("pt") ? { id: t.dataset.sort, shift: e.shiftKey } : null };
      svg.setPointerCapture(e.pointerId);
    });
    svg.addEventListener("pointermove", (e) => {
      if (!press) return;
      if (!press.drag && Math.hypot(e.clientX - press.x, e.clientY - press.y) < CLICK_PX) return;
      press.drag = true;
      let deg = angleAt(e) - press.angle;
      if (deg > 180) deg -= 360;
      if (deg < -180) deg += 360;
      press.deg = Math.round(deg * 10) / 10;
      preview(press.deg);
      Q.status("drag: " + press.deg + "\u00b0 " + (press.deg >= 0 ? "clockwise" : "anticlockwise"));
    });
    const end = () => {
      if (!press) return;
      const p = press;
      press = null;
      if (p.drag) {
        // the preview stays until the engine's answer is drawn
        if (p.deg !== 0) rotateBy(p.deg); else preview(0);
        return;
      }
      if (p.pick) Q.toggleFlagOnAxis(p.pick.id, p.pick.shift ? axes().b : axes().a);
    };
    svg.addEventListener("pointerup", end);
    svg.addEventListener("pointercancel", () => { press = null; preview(0); });
  }

  Q.onRender((what) => {
    if (what === "opened") { chart = null; stepsKey = null; $("scatter").replaceChildren(); }
    if (!S.head) return;
    drawSteps();
    // steps waiting for a slow engine are shown at once; a quick one's answer comes sooner than
    // a frame drawn for the preview would (and would only delay it)
    if (what === "head" && S.slowAnswers) preview(0);
    if (S.shown && (what === "shown" || what === "failed" || what === "opened")) {
      setAxisChoices(S.shown.results.options.factors);
      drawScatter();
    }
  });
})(window.QS);

// 2. Extraction: the options that give the unrotated solution, the scree with parallel
// analysis, and how many factors to keep.
"use strict";
(function (Q) {
  const { $, el, fmt } = Q;
  const S = Q.S;
  const UPSTREAM = ["numerics", "correlation", "method", "rotation"];
  // What the controls' values say to a researcher.
  const WORDS = { pqmethod: "PQMethod and KADE", qmethod: "R qmethod", pearson: "Pearson", spearman: "Spearman (ranks)",
    kendall: "Kendall (ranks)", centroid: "Brown's centroid", pca: "principal components", varimax: "varimax", none: "none (by hand only)", horst: "Horst (iterated centroid)" };

  // The controls show the choices; `typing` leaves the number being typed in "Factors to keep".
  function setControls(typing) {
    const o = S.head;
    if (!o) return;
    for (const id of UPSTREAM) $(id).value = o[id];
    $("extract").value = o.extract || "";
    if (!(typing && document.activeElement === $("k"))) $("k").value = o.factors || "";
    $("flag-p").value = String(o.flag_p);
    $("majority").checked = o.flag_majority;
  }
  Q.setControls = setControls;

  // A change that gives a new unrotated or rotated solution: the hand steps belong to the old
  // one. Asks before discarding them; "no" puts the control back.
  function upstream(mutate, what) {
    const steps = S.head.rotate.length;
    if (steps && !window.confirm("Changing " + what + " gives a new solution, and your " + steps +
      " hand rotation step(s) were made on the old one. Discard them and go on?")) {
      setControls();
      return false;
    }
    Q.edit((o) => { if (mutate(o) === false) return false; o.rotate = []; });
    if (steps) Q.note(["Discarded " + steps + " hand rotation step(s): they were made on the solution before " + what + " changed."]);
    return true;
  }
  const words = { numerics: "whose numbers to follow", correlation: "the correlation", method: "the extraction method", rotation: "the rotation" };
  for (const id of UPSTREAM) {
    $(id).addEventListener("change", () => {
      const v = $(id).value;
      if (upstream((o) => { o[id] = v; }, words[id]) && id !== "rotation") runFactors(false);
    });
  }
  $("extract").addEventListener("change", () => {
    const raw = $("extract").value.trim();
    const v = Number(raw);
    if (raw !== "" && !(Number.isInteger(v) && v >= 1)) {
      Q.fieldError($("extract"), "Factors to extract: a whole number of at least 1, or empty for the method's default");
      return;
    }
    Q.fieldError($("extract"), null);
    if (upstream((o) => { o.extract = raw === "" ? null : v; }, "how many factors are extracted")) runFactors(false);
  });
  $("flag-p").addEventListener("change", () => Q.edit((o) => { o.flag_p = parseFloat($("flag-p").value); }));
  $("majority").addEventListener("change", () => Q.edit((o) => { o.flag_majority = $("majority").checked; }));

  // Factors to keep: a whole number from 1, applied by Keep or Enter; refused at the control.
  function keep() {
    const input = $("k");
    const raw = input.value.trim();
    const k = Number(raw);
    if (raw === "" || !Number.isInteger(k) || k < 1) {
      Q.fieldError(input, "Factors to keep: give a whole number of at least 1 (the scree and the recommendation help choose)");
      return;
    }
    Q.fieldError(input, null);
    if (k === S.head.factors) return;
    upstream((o) => { o.factors = k; }, "the number of factors kept");
  }
  $("keep").addEventListener("click", keep);
  $("k").addEventListener("keydown", (e) => { if (e.key === "Enter") { e.preventDefault(); keep(); } });
  $("k").addEventListener("input", () => Q.fieldError($("k"), null));
  $("run-factors").addEventListener("click", () => runFactors(false));

  // The scree and the recommendation of the current extraction options; a later call wins.
  let asked = 0;
  async function runFactors(useRecommendation) {
    if (!S.head) return;
    const mine = ++asked;
    const t0 = performance.now();
    Q.status("parallel analysis ...");
    try {
      const r = (await Q.api("/api/factors", S.head)).report;
      if (mine !== asked) return;
      drawScree(r);
      $("recommendation").replaceChildren(el("p", {}, "Recommended: " + r.recommended + " factor(s)."),
        ...r.reasons.map((x) => el("p", { class: "hint" }, x)));
      if (useRecommendation && !S.head.factors) Q.settle((o) => { o.factors = r.recommended; });
      Q.status("scree and recommendation in " + Math.round(performance.now() - t0) + " ms");
    } catch (e) { if (mine === asked) Q.showError(e.message); }
  }
  Q.runFactors = runFactors;

  function ticks(top) {
    const step = top <= 2 ? 0.5 : top <= 6 ? 1 : top <= 15 ? 2 : Math.ceil(top / 8);
    const t = [];
    for (let v = 0; v <= top + 1e-9; v += step) t.push(Number(v.toFixed(2)));
    return t;
  }
  // The scree as `plots/scree.*` of the command line draws it: the eigenvalues of the
  // correlation matrix (`parallel.observed`) against the random data's percentile (the line of
  // parallel analysis; the leading points above it are `parallel.retained`), the Kaiser line at
  // 1, and, when the extraction is not PCA, its own eigenvalues (grey; those above 1 are the
  // Kaiser-Guttman count).
  function drawScree(r) {
    const W = 460, H = 280, L = 44, R = 14, T = 48, B = 36;
    const pa = r.parallel || {};
    const obs = pa.observed && pa.observed.length ? pa.observed : r.eigenvalues;
    const thr = (pa.random_percentile || []).slice(0, obs.length);
    const own = r.extraction === "pca" ? [] : (r.eigenvalues || []).slice(0, obs.length);
    const top = Math.max(1.5, ...obs, ...thr, ...own) * 1.05;
    const x = (i) => L + (i * (W - L - R)) / Math.max(1, obs.length - 1);
    const y = (v) => H - B - (Math.max(0, v) / top) * (H - T - B);
    const leading = obs.findIndex((v, i) => !(i < thr.length && v > thr[i]));
    const above = thr.length ? (leading < 0 ? obs.length : leading) : 0;
    const svg = el("svg:svg", { width: W, height: H, viewBox: "0 0 " + W + " " + H, role: "img",
      "aria-label": "Scree plot: " + obs.length + " eigenvalues of the correlation matrix; " + above + " above the parallel-analysis line" });
    for (const v of ticks(top)) {
      svg.append(el("svg:line", { x1: L - 4, y1: y(v), x2: W - R, y2: y(v), stroke: v === 0 ? "#888" : "#eee" }));
      svg.append(el("svg:text", { x: L - 7, y: y(v) + 4, "text-anchor": "end", "font-size": 11 }, String(v)));
    }
    svg.append(el("svg:line", { x1: L, y1: T, x2: L, y2: H - B, stroke: "#888" }));
    svg.append(el("svg:text", { x: 12, y: (T + H - B) / 2, "font-size": 11, transform: "rotate(-90 12 " + (T + H - B) / 2 + ")", "text-anchor": "middle" }, "eigenvalue"));
    svg.append(el("svg:text", { x: (L + W - R) / 2, y: H - 4, "font-size": 11, "text-anchor": "middle" }, "factor"));
    svg.append(el("svg:line", { x1: L, y1: y(1), x2: W - R, y2: y(1), stroke: "#555", "stroke-dasharray": "2,3" }));
    svg.append(el("svg:text", { x: W - R, y: y(1) - 3, "text-anchor": "end", "font-size": 10, fill: "#555" }, "Kaiser (1)"));
    const line = (vals, colour, dash) => svg.append(el("svg:polyline", {
      points: vals.map((v, i) => x(i) + "," + y(v)).join(" "), fill: "none", stroke: colour, "stroke-width": 2, "stroke-dasharray": dash || "" }));
    if (own.length) line(own, "#999");
    if (thr.length) line(thr, "#d55e00", "6,4");
    line(obs, "#0072b2");
    const g = el("svg:g", { id: "scree-points" });
    obs.forEach((v, i) => {
      const up = i < above;
      const c = el("svg:circle", { cx: x(i), cy: y(v), r: 4.5, fill: up ? "#0072b2" : "#fff", stroke: "#0072b2", "stroke-width": 2,
        "data-factor": i + 1, "data-eigenvalue": v, "data-above": String(up) });
      c.append(el("svg:title", {}, "F" + (i + 1) + ": eigenvalue " + fmt(v, 3) + (i < thr.length ? ", random " + fmt(thr[i], 3) : "")));
      g.append(c);
      if (obs.length <= 40 || (i + 1) % 5 === 0 || i === 0) svg.append(el("svg:text", { x: x(i), y: H - B + 14, "text-anchor": "middle", "font-size": 10 }, String(i + 1)));
    });
    svg.append(g);
    const key = [["#0072b2", "", "eigenvalues of the correlation matrix (filled: above the orange line)"],
      ["#d55e00", "6,4", "random data, " + (pa.percentile || 95) + "th percentile (parallel analysis)"]];
    if (own.length) key.push(["#999", "", r.extraction + " eigenvalues"]);
    key.forEach(([colour, dash, text], i) => {
      svg.append(el("svg:line", { x1: L + 4, y1: 10 + 13 * i, x2: L + 26, y2: 10 + 13 * i, stroke: colour, "stroke-width": 2, "stroke-dasharray": dash }));
      svg.append(el("svg:text", { x: L + 32, y: 14 + 13 * i, "font-size": 11 }, text));
    });
    $("scree").replaceChildren(svg);
    const kaiser = r.kaiser_guttman !== undefined ? r.kaiser_guttman : obs.filter((v) => v > 1).length;
    $("scree-text").textContent = (thr.length
      ? above + " leading eigenvalue(s) of the correlation matrix above the parallel-analysis line; "
      : "") + kaiser + " " + (own.length ? r.extraction + " " : "") + "eigenvalue(s) above 1 (Kaiser-Guttman).";
    $("scree-text").dataset.above = String(above);
  }

  Q.onRender((what) => {
    if (what === "opened") {
      for (const id of UPSTREAM) $(id).replaceChildren(...S.summary.fields[id].map((v) => el("option", { value: v }, WORDS[v] || v)));
    }
    setControls(what === "head" || what === "shown");
  });
})(window.QS);

// 5. Results: factor characteristics, factor correlations, the composite sorts (the figures of
// `qstudy analyze`), z-scores and ranks, distinguishing and consensus statements, crib sheets.
// Every number is the engine's (the analysis answer); each table downloads as CSV.
"use strict";
(function (Q) {
  const { $, el, fmt } = Q;
  const S = Q.S;
  const SYMBOL = { higher: "\u25b2", lower: "\u25bc", mixed: "\u25c6" };
  const stars = (p) => (p <= 0.01 + 1e-12 ? "**" : "*");

  function statementText(s) {
    const o = S.summary.opened;
    const i = o.statement_ids.indexOf(s);
    return o.statement_labels && i >= 0 ? o.statement_labels[i] : "";
  }
  const signed = (v) => (v > 0 ? "+" : "") + v;
  const caption = (f) => f.name + (f.label ? " (" + f.label + ")" : "");

  function drawCharacteristics(res) {
    const w = Q.warningsAbout();
    const rows = res.factors.map((f) => {
      const mine = w.factors.get(f.name) || [];
      return { attrs: { "data-factor": f.name }, cells: [
        { text: f.name }, { text: f.label || "", cls: "l" },
        { text: String(f.defining_sorts.length), value: f.defining_sorts.length },
        { text: fmt(f.eigenvalue, 4), value: f.eigenvalue }, { text: fmt(f.explained_variance, 1), value: f.explained_variance },
        { text: fmt(f.composite_reliability, 3), value: f.composite_reliability }, { text: fmt(f.se, 3), value: f.se },
        { text: f.defining_sorts.join(" "), cls: "l" },
        { text: mine.length ? "\u26a0 " + mine.join("; ") : "", cls: "l warn" }] };
    });
    Q.table($("characteristics"), ["Factor", "Name", "Defining sorts", "Eigenvalue", "% variance", "Composite reliability", "SE of z-scores", "Defined by", "Warnings"], rows, { rowHeader: true });
    Q.csvButton($("characteristics"), "the factor characteristics", "characteristics");
  }

  function drawFactorCorrelations(res) {
    const fs = res.factors;
    const rows = fs.map((f, i) => ({ attrs: { "data-factor": f.name }, cells: [{ text: f.name },
      ...fs.map((_, j) => ({ text: fmt(res.factor_correlations[i][j], 4), value: res.factor_correlations[i][j], full: res.factor_correlations[i][j] }))] }));
    Q.table($("factor-correlations"), ["Factor", ...fs.map((f) => f.name)], rows, { rowHeader: true, sortable: false });
    Q.csvButton($("factor-correlations"), "the correlations between factors", "factor-correlations");
  }

  function drawZscores(res) {
    const o = S.summary.opened;
    const fs = res.factors.filter((f) => f.zscores);
    const rows = o.statement_ids.map((s, i) => ({ attrs: { "data-statement": String(s) }, cells: [
      { text: String(s), value: s }, { text: statementText(s), cls: "l text" },
      ...fs.flatMap((f) => [
        { text: fmt(f.zscores[i], 3), value: f.zscores[i], full: f.zscores[i] },
        { text: String(f.ranks[i]), value: f.ranks[i] },
        { text: signed(f.array[i]), value: f.array[i] }])] }));
    Q.table($("zscores"), ["Statement", "Text", ...fs.flatMap((f) => [f.name + " z", f.name + " rank", f.name + " array"])], rows);
    Q.csvButton($("zscores"), "the z-scores, ranks and arrays", "zscores");
  }

  // Per factor, its distinguishing statements from the highest z-score down, with every
  // factor's array value and z-score beside them.
  function drawDistinguishing(res) {
    const o = S.summary.opened;
    const fs = res.factors.filter((f) => f.zscores);
    const parts = [];
    for (const f of fs) {
      const list = (f.distinguishing || []).slice();
      const at = (s) => o.statement_ids.indexOf(s);
      list.sort((x, y) => f.zscores[at(y.statement)] - f.zscores[at(x.statement)]);
      const h = el("h4", { id: "dist-" + f.name }, caption(f) + ": " + list.length + " distinguishing statement(s)");
      const table = el("table", { id: "distinguishing-" + f.name, "data-factor": f.name });
      const rows = list.map((d) => {
        const i = at(d.statement);
        return { attrs: { "data-statement": String(d.statement) }, cells: [
          { text: String(d.statement), value: d.statement }, { text: statementText(d.statement), cls: "l text" },
          { text: SYMBOL[d.direction] + stars(d.p) + " " + d.direction, cls: "l" }, { text: "p < " + d.p, value: d.p },
          ...fs.flatMap((g) => [{ text: signed(g.array[i]), value: g.array[i], cls: g === f ? "own" : "" },
            { text: fmt(g.zscores[i], 2), value: g.zscores[i], full: g.zscores[i], cls: g === f ? "own" : "" }])] };
      });
      parts.push(h, table);
      Q.table(table, ["Statement", "Text", "Direction", "Level", ...fs.flatMap((g) => [g.name + " array", g.name + " z"])], rows);
    }
    $("distinguishing").replaceChildren(...parts);
    for (const f of fs) Q.csvButton($("distinguishing-" + f.name), "the distinguishing statements of " + f.name, "distinguishing-" + f.name);
  }

  function drawConsensus(res) {
    const o = S.summary.opened;
    const fs = res.factors.filter((f) => f.zscores);
    const rows = res.consensus.map((c) => {
      const i = o.statement_ids.indexOf(c.statement);
      return { attrs: { "data-statement": String(c.statement) }, cells: [
        { text: String(c.statement), value: c.statement }, { text: statementText(c.statement), cls: "l text" },
        { text: "\u2248 no pair differs at p < " + c.nonsignificant_at, value: c.nonsignificant_at, cls: "l" },
        ...fs.flatMap((g) => [{ text: signed(g.array[i]), value: g.array[i] }, { text: fmt(g.zscores[i], 2), value: g.zscores[i], full: g.zscores[i] }])] };
    });
    Q.table($("consensus"), ["Statement", "Text", "Consensus", ...fs.flatMap((g) => [g.name + " array", g.name + " z"])], rows);
    Q.csvButton($("consensus"), "the consensus statements", "consensus");
  }

  function drawCrib(res) {
    const o = S.summary.opened;
    const words = [["top", "Highest in the array"], ["ranked_higher", "Ranked higher than by every other factor"],
      ["ranked_lower", "Ranked lower than by every other factor"], ["bottom", "Lowest in the array"]];
    const parts = [];
    const csvRows = [];
    for (const c of res.crib_sheets || []) {
      const f = res.factors.find((x) => x.name === c.factor);
      if (!f) continue;
      const box = el("div", { class: "crib", "data-factor": f.name });
      box.append(el("h4", {}, caption(f)));
      for (const [key, title] of words) {
        box.append(el("h5", {}, title));
        const ul = el("ul");
        for (const s of c[key] || []) {
          const i = o.statement_ids.indexOf(s);
          ul.append(el("li", { "data-statement": String(s) }, signed(f.array[i]) + "  " + s + " " + statementText(s)));
          csvRows.push([f.name, key, s, f.array[i], f.zscores[i], statementText(s)]);
        }
        if (!(c[key] || []).length) ul.append(el("li", { class: "hint" }, "none"));
        box.append(ul);
      }
      parts.push(box);
    }
    const crib = $("crib");
    crib.replaceChildren(...parts);
    crib.csv = { head: ["factor", "group", "statement", "array", "z", "text"], rows: csvRows };
    Q.csvButton(crib, "the crib sheets", "crib-sheets");
  }

  // The composite sorts, drawn by the engine as `plots/composite-*.svg` (shown as images).
  let composites = { key: null, figures: [] };
  let askedFigures = 0;
  async function drawComposites(opts) {
    const key = JSON.stringify(opts);
    if (composites.key === key) return;
    const mine = ++askedFigures;
    try {
      const r = await Q.api("/api/composites", opts);
      if (mine !== askedFigures) return;
      composites = { key, figures: r.figures };
      S.composites = r.figures; // for tests: the SVG as drawn
      $("composites").replaceChildren(...r.figures.map((f, i) => {
        const fig = el("figure", { class: "composite", "data-name": f.name });
        const img = el("img", { src: URL.createObjectURL(new Blob([f.svg], { type: "image/svg+xml" })), alt: f.title + " (the factor array on the grid, statements as cards)" });
        const cap = el("figcaption", {}, f.title + " ");
        for (const fmtName of ["svg", "png"]) {
          const b = el("button", { type: "button", "aria-label": "Download " + f.title + " as " + fmtName.toUpperCase() }, fmtName.toUpperCase());
          b.addEventListener("click", async () => {
            try {
              const got = await Q.api("/api/figure?index=" + i + "&format=" + fmtName, opts, true);
              Q.downloadBlob(got.blob, got.name || f.name + "." + fmtName);
            } catch (e) { Q.showError(e.message); }
          });
          cap.append(b, document.createTextNode(" "));
        }
        fig.append(img, cap);
        return fig;
      }));
    } catch (e) { if (mine === askedFigures) Q.showError(e.message); }
  }

  // The methods paragraph, its references and the reporting checklist (results.json's).
  function drawMethods(res) {
    $("methods-text").textContent = res.methods_text || "";
    $("methods-references").replaceChildren(...(res.methods_references || []).map((r) => el("li", {}, r)));
    const rows = (res.reporting_checklist || []).map((c) => ({ cells: [{ text: c.item, cls: "l" },
      { text: c.answer === null || c.answer === undefined ? "not recorded: state it yourself" : c.answer, cls: "l" }] }));
    Q.table($("checklist"), ["Reporting item (Churruca et al. 2021)", "This analysis"], rows, { sortable: false });
    Q.csvButton($("checklist"), "the reporting checklist", "reporting-checklist");
  }
  $("copy-methods").addEventListener("click", async () => {
    const text = $("methods-text").textContent;
    try { await navigator.clipboard.writeText(text); Q.status("methods paragraph copied"); } catch {
      const range = document.createRange();
      range.selectNodeContents($("methods-text"));
      const sel = window.getSelection();
      sel.removeAllRanges();
      sel.addRange(range);
      Q.status("methods paragraph selected: copy it with Ctrl+C");
    }
  });

  // How the composite sorts are drawn (no number depends on it): kept with the choices.
  function setFigureControls() {
    const o = S.head;
    if (!o) return;
    if (document.activeElement !== $("figure-font-size")) $("figure-font-size").value = o.figure_font_size ?? "";
    if (document.activeElement !== $("figure-card-width")) $("figure-card-width").value = o.figure_card_width ?? "";
    $("figure-numbers-only").checked = Boolean(o.figure_numbers_only);
    $("figure-legend").checked = o.figure_legend !== false;
  }
  for (const [id, key, lo, hi, words] of [["figure-font-size", "figure_font_size", 6, 40, "Text size: a number from 6 to 40, or empty for the default"],
    ["figure-card-width", "figure_card_width", 40, 1000, "Card width: a whole number from 40 to 1000, or empty for the default"]]) {
    $(id).addEventListener("change", () => {
      const raw = $(id).value.trim();
      const v = Number(raw);
      if (raw !== "" && !(isFinite(v) && v >= lo && v <= hi && (key !== "figure_card_width" || Number.isInteger(v)))) { Q.fieldError($(id), words); return; }
      Q.fieldError($(id), null);
      Q.edit((o) => { if (raw === "") delete o[key]; else o[key] = v; });
    });
  }
  $("figure-numbers-only").addEventListener("change", () => Q.edit((o) => { o.figure_numbers_only = $("figure-numbers-only").checked; }));
  $("figure-legend").addEventListener("change", () => Q.edit((o) => { o.figure_legend = $("figure-legend").checked; }));

  let drawnKey = null;
  function drawResults() {
    const sh = S.shown;
    if (!sh) return;
    const res = sh.results;
    drawMethods(res);
    drawCharacteristics(res);
    drawFactorCorrelations(res);
    drawComposites(sh.opts);
    // the statement tables are rebuilt only when what they show changed
    const key = JSON.stringify([res.factors.map((f) => [f.name, f.label, f.zscores, f.distinguishing]), res.consensus]);
    if (key === drawnKey) return;
    drawnKey = key;
    drawZscores(res);
    drawDistinguishing(res);
    drawConsensus(res);
    drawCrib(res);
  }

  Q.onRender((what) => {
    setFigureControls();
    if (what === "opened") { drawnKey = null; composites = { key: null, figures: [] }; }
    if (!S.shown || !(what === "shown" || what === "failed" || what === "opened")) return;
    Q.drawIn("results", "all", drawResults);
  });
})(window.QS);

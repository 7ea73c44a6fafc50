// 2. Correlations: the correlation matrix of the sorts as a heatmap and a sortable table,
// ordered by defining factor once there is a solution.
"use strict";
(function (Q) {
  const { $, el, fmt } = Q;
  const S = Q.S;
  const TABLE_MAX = 120; // sorts shown in the table (the CSV has all)
  let got = null; // { key, sort_ids, correlation }
  let asked = 0;

  // Blue (-1) through white (0) to red (+1): the ColorBrewer RdBu scheme (colour-blind safe).
  const STOPS = [[-1, [33, 102, 172]], [-0.5, [103, 169, 207]], [0, [247, 247, 247]], [0.5, [239, 138, 98]], [1, [178, 24, 43]]];
  function colour(r) {
    const v = Math.max(-1, Math.min(1, r));
    for (let i = 1; i < STOPS.length; i++) {
      if (v <= STOPS[i][0]) {
        const [a, ca] = STOPS[i - 1], [b, cb] = STOPS[i];
        const t = (v - a) / (b - a);
        return ca.map((c, j) => Math.round(c + t * (cb[j] - c)));
      }
    }
    return STOPS[STOPS.length - 1][1];
  }
  Q.corrColour = colour;
  // Black or white, whichever reads better on `rgb` (WCAG relative luminance).
  function ink(rgb) {
    const lin = rgb.map((c) => { const v = c / 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); });
    const L = 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2];
    return (L + 0.05) / 0.05 >= 1.05 / (L + 0.05) ? "#000" : "#fff";
  }

  // The sorts in the order chosen: by defining factor (then by loading, highest first; sorts
  // defining no factor last), or as in the file.
  function order() {
    const n = got.sort_ids.length;
    const idx = Array.from({ length: n }, (_, i) => i);
    if ($("corr-order").value !== "factor" || !S.shown) return { idx, groups: null };
    const res = S.shown.results;
    const of = idx.map((i) => { const j = res.flags[i].indexOf(true); return j < 0 ? res.factors.length : j; });
    idx.sort((x, y) => of[x] - of[y] || Math.abs(res.factor_loadings[y][of[y]] || 0) - Math.abs(res.factor_loadings[x][of[x]] || 0) || x - y);
    return { idx, groups: idx.map((i) => (of[i] < res.factors.length ? res.factors[of[i]].name : "none")) };
  }

  function draw() {
    if (!got) return;
    const { idx, groups } = order();
    const ids = got.sort_ids, r = got.correlation, n = ids.length;
    if (!r) {
      $("heatmap").replaceChildren(el("p", {}, "The correlation matrix of " + n + " sorts is not kept (results.json keeps it up to 2,000 sorts)."));
      $("heatmap-text").textContent = "";
      $("corr-table").replaceChildren();
      return;
    }
    // the heatmap: one pixel block per pair on a canvas
    const px = Math.max(1, Math.min(14, Math.floor(560 / n)));
    const side = px * n;
    const canvas = el("canvas", { width: side, height: side, role: "img",
      "aria-label": "Heatmap of the correlations between the " + n + " sorts" + (groups ? ", ordered by defining factor" : "") + ": red is alike, blue is opposite" });
    const ctx = canvas.getContext("2d");
    const img = ctx.createImageData(side, side);
    for (let a = 0; a < n; a++) {
      for (let b = 0; b < n; b++) {
        const [cr, cg, cb] = colour(r[idx[a]][idx[b]]);
        for (let y = a * px; y < (a + 1) * px; y++) {
          for (let x = b * px; x < (b + 1) * px; x++) {
            const o = (y * side + x) * 4;
            img.data[o] = cr; img.data[o + 1] = cg; img.data[o + 2] = cb; img.data[o + 3] = 255;
          }
        }
      }
    }
    ctx.putImageData(img, 0, 0);
    canvas.style.width = Math.max(side, 280) + "px";
    canvas.style.height = Math.max(side, 280) + "px";
    canvas.style.imageRendering = "pixelated";
    const tip = el("p", { class: "hint", id: "heatmap-tip", "aria-live": "polite" }, "Point at a cell to read its pair.");
    canvas.addEventListener("mousemove", (e) => {
      const box = canvas.getBoundingClientRect();
      const a = Math.floor(((e.clientY - box.top) / box.height) * n), b = Math.floor(((e.clientX - box.left) / box.width) * n);
      if (a < 0 || b < 0 || a >= n || b >= n) return;
      tip.textContent = ids[idx[a]] + " and " + ids[idx[b]] + ": r = " + fmt(r[idx[a]][idx[b]], 3);
    });
    const key = el("div", { class: "corr-key" });
    for (const v of [-1, -0.5, 0, 0.5, 1]) {
      const sw = el("span", { class: "swatch" });
      sw.style.background = "rgb(" + colour(v).join(",") + ")";
      key.append(sw, document.createTextNode(" " + v + " "));
    }
    $("heatmap").replaceChildren(canvas, key, tip);
    $("heatmap").dataset.order = idx.map((i) => ids[i]).join(" ");
    let text = n + " sorts, " + (groups ? "ordered by defining factor" : "in file order") + ".";
    if (groups) {
      const counts = new Map();
      for (const g of groups) counts.set(g, (counts.get(g) || 0) + 1);
      text += " Blocks: " + [...counts].map(([g, c]) => (g === "none" ? "defining no factor" : g) + " " + c).join(", ") + ".";
    }
    $("heatmap-text").textContent = text;
    // the table (up to TABLE_MAX sorts; the CSV holds every sort)
    const shown = idx.slice(0, TABLE_MAX);
    const rows = shown.map((i) => ({ attrs: { "data-sort": ids[i] }, cells: [{ text: ids[i] }, ...shown.map((j) => {
      const [cr, cg, cb] = colour(r[i][j]);
      return { text: fmt(r[i][j], 2), value: r[i][j], full: r[i][j], style: "background:rgb(" + cr + "," + cg + "," + cb + ");color:" + ink([cr, cg, cb]) };
    })] }));
    Q.table($("corr-table"), ["Sort", ...shown.map((i) => ids[i])], rows, { rowHeader: true });
    $("corr-table").csv = { head: ["Sort", ...idx.map((i) => ids[i])], rows: idx.map((i) => [ids[i], ...idx.map((j) => r[i][j])]) };
    Q.csvButton($("corr-table"), "the correlation matrix", "correlations");
    if (n > TABLE_MAX) $("heatmap-text").textContent += " The table shows the first " + TABLE_MAX + "; the CSV has all " + n + ".";
  }

  async function load() {
    if (!S.head) return;
    const key = S.head.correlation + "|" + S.head.numerics;
    if (got && got.key === key) { draw(); return; }
    const mine = ++asked;
    try {
      const opts = S.shown ? S.shown.opts : Q.clone(S.head);
      if (!opts.factors) opts.factors = 1;
      const c = await Q.api("/api/correlation", opts);
      if (mine !== asked) return;
      got = { key, sort_ids: c.sort_ids, correlation: c.correlation };
      draw();
    } catch (e) { if (mine === asked) Q.showError(e.message); }
  }
  $("corr-order").addEventListener("change", draw);

  Q.onRender((what) => {
    if (what === "opened") { got = null; $("heatmap").replaceChildren(); $("corr-table").replaceChildren(); }
    if (!S.head || !(what === "opened" || what === "shown")) return;
    // redrawn only when shown, and fetched again only when the correlation changes
    Q.drawIn("correlations", "matrix", load);
  });
})(window.QS);

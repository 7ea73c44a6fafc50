// 1. Data (after opening): each participant's sort drawn on the grid (KADE's "data book") and
// how the sorts placed each statement.
"use strict";
(function (Q) {
  const { $, el, fmt } = Q;
  const S = Q.S;
  let data = null; // /api/data of the open input
  let asked = 0;

  function label(s) {
    const o = S.summary.opened;
    const i = o.statement_ids.indexOf(s);
    return o.statement_labels && i >= 0 ? o.statement_labels[i] : "";
  }

  // One sort on the grid: a column per grid value, the statements placed there as cards.
  function drawBook() {
    if (!data) return;
    const o = S.summary.opened;
    const i = $("book-sort").selectedIndex;
    if (i < 0) return;
    const values = data.sorts[i];
    const cols = new Map();
    values.forEach((v, j) => { if (!cols.has(v)) cols.set(v, []); cols.get(v).push(o.statement_ids[j]); });
    const keys = [...cols.keys()].sort((a, b) => a - b);
    const box = $("book");
    box.setAttribute("aria-label", o.sort_ids[i] + "'s sort: " + keys.map((v) => (v > 0 ? "+" : "") + v + ": " + cols.get(v).join(", ")).join("; "));
    box.replaceChildren(...keys.map((v) => {
      const col = el("div", { class: "col", "data-value": String(v) });
      col.append(el("div", { class: "colhead" }, (v > 0 ? "+" : "") + v));
      for (const s of cols.get(v).sort((a, b) => a - b)) {
        const text = label(s);
        const card = el("div", { class: "card", "data-statement": String(s) });
        card.append(el("b", {}, String(s)), document.createTextNode(text ? " " + text : ""));
        if (text) card.title = s + ": " + text;
        col.append(card);
      }
      return col;
    }));
  }

  function drawStats() {
    if (!data) return;
    const o = S.summary.opened;
    const rows = o.statement_ids.map((s, j) => {
      const st = data.statistics[j];
      return { attrs: { "data-statement": String(s) }, cells: [
        { text: String(s), value: s }, { text: label(s), cls: "l text" },
        { text: fmt(st.mean, 2), value: st.mean, full: st.mean }, { text: fmt(st.sd, 2), value: st.sd, full: st.sd },
        { text: String(st.min), value: st.min }, { text: String(st.max), value: st.max }] };
    });
    Q.table($("statement-stats"), ["Statement", "Text", "Mean", "SD", "Lowest", "Highest"], rows);
    Q.csvButton($("statement-stats"), "the statement statistics", "statement-statistics");
  }

  async function load() {
    const mine = ++asked;
    try {
      const d = await Q.api("/api/data");
      if (mine !== asked) return;
      data = d;
      drawBook();
      drawStats();
    } catch (e) { if (mine === asked) Q.showError(e.message); }
  }

  $("book-sort").addEventListener("change", drawBook);
  const step = (d) => {
    const s = $("book-sort");
    const i = s.selectedIndex + d;
    if (i >= 0 && i < s.options.length) { s.selectedIndex = i; drawBook(); }
  };
  $("book-prev").addEventListener("click", () => step(-1));
  $("book-next").addEventListener("click", () => step(1));

  Q.onRender((what) => {
    if (what !== "opened") return;
    data = null;
    const o = S.summary.opened;
    $("data-view").hidden = false;
    // up to a few thousand names in the list; the data book draws one sort at a time
    $("book-sort").replaceChildren(...o.sort_ids.map((id, i) => el("option", { value: String(i) }, id)));
    $("book").replaceChildren();
    $("statement-stats").replaceChildren();
    Q.drawIn("data", "load", load);
  });
})(window.QS);

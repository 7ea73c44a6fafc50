// 5. Viewpoints: factor characteristics, the factor arrays, distinguishing and consensus
// statements; saving the study and downloading the results.
"use strict";
(function (Q) {
  const { $, el, fmt } = Q;
  const S = Q.S;

  function statementText(s) {
    const o = S.summary.opened;
    const i = o.statement_ids.indexOf(s);
    return o.statement_labels && i >= 0 ? o.statement_labels[i] : "";
  }

  let drawnKey = null;
  function drawResults() {
    const res = S.shown.results;
    const fs = res.factors;
    const w = Q.warningsAbout();
    const ch = [el("tr")];
    for (const h of ["Factor", "Name", "Defining sorts", "Eigenvalue", "% Var", "Reliability", "SE", "Warnings"]) ch[0].append(el("th", { scope: "col" }, h));
    for (const f of fs) {
      const tr = el("tr", { "data-factor": f.name });
      for (const v of [f.name, f.label || "", f.defining_sorts.length, fmt(f.eigenvalue, 4), fmt(f.explained_variance, 1),
        fmt(f.composite_reliability, 3), fmt(f.se, 3)]) tr.append(el("td", { class: typeof v === "string" && isNaN(v) ? "l" : "" }, String(v)));
      const mine = w.factors.get(f.name) || [];
      tr.append(el("td", { class: "l warn" }, mine.length ? "\u26a0 " + mine.join("; ") : ""));
      ch.push(tr);
    }
    $("characteristics").replaceChildren(...ch);
    // the arrays, distinguishing and consensus statements are rebuilt only when what they show
    // changed (a small hand step mostly leaves them as they were)
    const key = JSON.stringify([fs.map((f) => [f.name, f.label, f.array, f.distinguishing]), res.consensus]);
    if (key === drawnKey) return;
    drawnKey = key;
    const head = el("tr");
    head.append(el("th", { scope: "col" }, "#"), el("th", { scope: "col" }, "Statement"));
    for (const f of fs) head.append(el("th", { scope: "col" }, f.name));
    const rows = [head];
    S.summary.opened.statement_ids.forEach((s, i) => {
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
    $("consensus").replaceChildren(...res.consensus.map((c) => el("li", {}, c.statement + " " + statementText(c.statement) +
      " (no pair differs at p < " + c.nonsignificant_at + ")")));
  }

  async function saveBlob(path) {
    if (!S.shown) return;
    try {
      const r = await Q.api(path, S.shown.opts, true);
      const a = el("a", { href: URL.createObjectURL(r.blob), download: r.name || "qstudy.zip" });
      document.body.append(a);
      a.click();
      a.remove();
      Q.saved();
      Q.status("saved " + (r.name || "qstudy.zip"));
    } catch (e) { Q.showError(e.message); }
  }
  $("save").addEventListener("click", () => saveBlob("/api/save"));
  $("download").addEventListener("click", () => saveBlob("/api/download"));

  Q.onRender((what) => {
    if (what === "opened") drawnKey = null;
    if (!S.shown || !(what === "shown" || what === "failed" || what === "opened")) return;
    $("step-results").hidden = false;
    drawResults();
  });
})(window.QS);

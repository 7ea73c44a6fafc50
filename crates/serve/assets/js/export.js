// 6. Save and export: the study (data and every choice, as `study.toml`) and the results (the
// output set of `qstudy analyze`), each as a zip.
"use strict";
(function (Q) {
  const { $ } = Q;
  const S = Q.S;

  async function saveBlob(path) {
    if (!S.shown) return;
    try {
      const r = await Q.api(path, S.shown.opts, true);
      Q.downloadBlob(r.blob, r.name || "qstudy.zip");
      Q.saved();
      Q.status("saved " + (r.name || "qstudy.zip"));
    } catch (e) { Q.showError(e.message); }
  }
  $("save").addEventListener("click", () => saveBlob("/api/save"));
  $("download").addEventListener("click", () => saveBlob("/api/download"));
})(window.QS);

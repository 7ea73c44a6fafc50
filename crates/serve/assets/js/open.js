// 1. Open: the file picker, the folder picker, and a file or folder dropped anywhere on the page.
"use strict";
(function (Q) {
  const { $ } = Q;

  // The files are sent as they are (no copy in the page): the server writes them as they
  // arrive (load.rs, UploadWriter: "QSUP1\n", then per file its name's length, the name, its
  // size and its bytes).
  function framed(list) {
    const enc = new TextEncoder();
    const parts = [enc.encode("QSUP1\n")];
    for (const x of list) {
      const name = enc.encode(x.name);
      const head = new DataView(new ArrayBuffer(4 + name.length + 8));
      head.setUint32(0, name.length, true);
      new Uint8Array(head.buffer, 4, name.length).set(name);
      head.setBigUint64(4 + name.length, BigInt(x.file.size), true);
      parts.push(head.buffer, x.file);
    }
    return new Blob(parts);
  }
  async function upload(list) {
    if (!list.length) return;
    Q.status("reading " + list.map((f) => f.name).join(", ") + " ...");
    try {
      const r = await fetch("/api/upload", { method: "POST", headers: { "X-Qstudy-Token": Q.token, "Content-Type": "application/octet-stream" }, body: framed(list) });
      let s;
      try { s = await r.json(); } catch { throw new Error("the workbench answered " + r.status + " without a message"); }
      if (!r.ok || s.error) throw new Error(s.error || "the workbench answered " + r.status);
      Q.showError(null);
      Q.status("opened " + s.opened.input);
      await Q.open(s, true);
    } catch (e) {
      Q.showError(e.message);
      Q.status(Q.S.summary ? "still open: " + Q.S.summary.opened.input : "nothing open");
    }
  }
  const picked = (input) => Array.from(input.files).map((f) => ({ file: f, name: f.webkitRelativePath || f.name }));
  $("file").addEventListener("change", (e) => upload(picked(e.target)));
  $("folder").addEventListener("change", (e) => upload(picked(e.target)));

  // A drop anywhere on the page opens what was dropped (never navigates away from the page).
  async function dropped(dt) {
    const files = [];
    const walk = (entry, prefix) => new Promise((resolve) => {
      if (entry.isFile) entry.file((f) => { files.push({ file: f, name: prefix + f.name }); resolve(); }, resolve);
      else if (entry.isDirectory) {
        const reader = entry.createReader();
        const all = [];
        const more = () => reader.readEntries(async (entries) => {
          if (entries.length) { all.push(...entries); more(); return; }
          for (const x of all) await walk(x, prefix + entry.name + "/");
          resolve();
        }, resolve);
        more();
      } else resolve();
    });
    const entries = Array.from(dt.items || []).map((i) => i.webkitGetAsEntry && i.webkitGetAsEntry()).filter(Boolean);
    if (entries.length) { for (const it of entries) await walk(it, ""); } else for (const f of dt.files) files.push({ file: f, name: f.name });
    return files;
  }
  let depth = 0;
  const hasFiles = (e) => Array.from((e.dataTransfer && e.dataTransfer.types) || []).includes("Files");
  document.addEventListener("dragenter", (e) => { if (hasFiles(e)) { depth++; document.body.classList.add("dragging"); } });
  document.addEventListener("dragleave", () => { depth = Math.max(0, depth - 1); if (!depth) document.body.classList.remove("dragging"); });
  document.addEventListener("dragover", (e) => { e.preventDefault(); if (e.dataTransfer) e.dataTransfer.dropEffect = "copy"; });
  document.addEventListener("drop", async (e) => {
    e.preventDefault();
    depth = 0;
    document.body.classList.remove("dragging");
    if (!e.dataTransfer) return;
    upload(await dropped(e.dataTransfer));
  });

  Q.onRender((what) => {
    if (what !== "opened") return;
    const o = Q.S.summary.opened;
    $("summary").textContent = o.input + (o.title ? " (" + o.title + ")" : "") + ": " + o.sorts + " sorts x " +
      o.statements + " statements, grid " + o.grid + "; " + o.format + (o.note ? ". " + o.note : "");
  });
})(window.QS);

// qstudy workbench page: shared helpers (elements, numbers, the API, messages).
// The page's code is split by panel (assets/js/*.js, inlined in this order by the server):
//   base.js      helpers                    session.js  choices, queue, undo, keeping the session
//   panels.js    the steps as panels, tables (sorting, CSV)
//   open.js      1. Data: opening files      data.js     1. Data: each sort on its grid, statements
//   correlations.js  2. Correlations         extract.js  3. Extraction, scree, factors to keep
//   rotate.js    4. Hand rotation (chart)    flags.js    4. Loadings, flags, names, warnings
//   results.js   5. Results                  export.js   6. Save and export
//   main.js      start-up
// Every number comes from the engine (the JSON API); the page keeps the user's choices, sends
// them, and draws what comes back.
"use strict";
window.QS = (function () {
  const token = new URLSearchParams(location.search).get("token") || "";
  const $ = (id) => document.getElementById(id);
  const NS = "http://www.w3.org/2000/svg";

  function el(tag, attrs, text) {
    const e = tag.startsWith("svg:") ? document.createElementNS(NS, tag.slice(4)) : document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
    if (text !== undefined) e.textContent = text;
    return e;
  }
  const clone = (o) => JSON.parse(JSON.stringify(o));
  const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);
  const fmt = (x, d) => (x === null || x === undefined ? "" : Number(x).toFixed(d));
  function status(text) { $("status").textContent = text; }

  // A message about no one control (a file that cannot be read, the engine refusing a choice).
  function showError(message) {
    const e = $("error");
    if (message) { e.textContent = "error: " + message; e.hidden = false; } else { e.textContent = ""; e.hidden = true; }
  }
  // A message at the control it is about: shown beside it, announced, and tied to it.
  function fieldError(control, message) {
    const id = control.id + "-error";
    let p = $(id);
    if (!message) {
      if (p) p.remove();
      control.removeAttribute("aria-invalid");
      control.removeAttribute("aria-describedby");
      return;
    }
    if (!p) {
      p = el("span", { id: id, class: "field-error", role: "alert" });
      (control.closest("label") || control).after(p);
    }
    p.textContent = message;
    control.setAttribute("aria-invalid", "true");
    control.setAttribute("aria-describedby", id);
  }
  // Notes the page shows after a change (choices dropped, steps discarded): kept until the next.
  function note(lines) {
    const n = $("notes");
    n.replaceChildren(...(lines || []).map((t) => el("li", {}, t)));
    n.hidden = !(lines && lines.length);
  }

  // One API call. Answers `{"error"}` become a thrown Error with the message; a request
  // replaced by a later one (409 superseded) throws an Error with `superseded` set.
  async function api(path, body, binary) {
    const r = await fetch(path, {
      method: body === undefined ? "GET" : "POST",
      headers: { "X-Qstudy-Token": token, "Content-Type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (binary && r.ok) return { blob: await r.blob(), name: (r.headers.get("Content-Disposition") || "").replace(/.*filename="([^"]+)".*/, "$1") };
    let j;
    try { j = await r.json(); } catch { throw new Error("the workbench answered " + r.status + " without a message"); }
    if (!r.ok || j.error) {
      const e = new Error(j.error || "the workbench answered " + r.status);
      e.superseded = Boolean(j.superseded);
      throw e;
    }
    return j;
  }

  return { token, $, el, clone, same, fmt, status, showError, fieldError, note, api };
})();

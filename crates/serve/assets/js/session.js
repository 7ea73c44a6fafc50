// The session: the open input, the choices the user made (`head`), the analysis on screen
// (`shown`), undo and redo, the queue of requests, and keeping all of it across a reload or a
// crash of the tab (localStorage, per server session and input).
//
// Every change is made to `head` at once (so quick clicks and key presses are never lost: each
// is one change, and one undo entry); the engine is asked for the latest `head` whenever it is
// idle, so changes made while a request runs are sent together once it returns.
"use strict";
(function (Q) {
  const S = {
    summary: null, // /api/state: the open input and the controls' values
    head: null, // the choices as the user made them (the server's OptionLayer, as JSON)
    shown: null, // { opts, results, warnings }: the analysis on screen
    undo: [],
    redo: [],
    confirmed: { undo: [], redo: [] }, // the stacks when `shown` was confirmed
    running: false,
    generation: 0, // which open input: an answer for an earlier one is dropped
    dirty: false, // changes since the last save or download
    changedAt: 0, // when the latest change was made (click-to-paint timing)
    renderers: [],
  };
  Q.S = S;

  // The choices as the server sends them leave out empty lists and names: give them here.
  function complete(o) {
    for (const key of ["rotate", "flag", "unflag", "invert", "split"]) o[key] = o[key] || [];
    o.factor_names = o.factor_names || {};
    return o;
  }
  Q.complete = complete;
  Q.onRender = (f) => S.renderers.push(f);
  function render(what) { for (const f of S.renderers) f(what); }
  Q.render = render;

  // ---- keeping the session -----------------------------------------------------------
  const KEEP = 200; // undo entries kept
  function key() {
    const o = S.summary && S.summary.opened;
    return o ? "qstudy:" + Q.token + ":" + o.input + ":" + o.sorts + "x" + o.statements : null;
  }
  function persist() {
    const k = key();
    if (!k || !S.head) return;
    try {
      localStorage.setItem(k, JSON.stringify({ head: S.head, undo: S.undo.slice(-KEEP), redo: S.redo.slice(-KEEP), dirty: S.dirty, axes: Q.axes ? Q.axes() : null }));
    } catch { /* storage full or refused: the session still works, it is just not kept */ }
  }
  Q.persist = persist;
  function restored() {
    const k = key();
    if (!k) return null;
    try { return JSON.parse(localStorage.getItem(k) || "null"); } catch { return null; }
  }
  window.addEventListener("beforeunload", (e) => {
    persist();
    if (S.dirty) { e.preventDefault(); e.returnValue = ""; }
  });
  Q.saved = () => { S.dirty = false; persist(); };

  // ---- opening -----------------------------------------------------------------------
  // A newly opened input (or the one the server still has open after a reload).
  Q.open = async function (summary, fresh) {
    if (!summary.opened) return;
    S.summary = summary;
    S.shown = null;
    S.generation++;
    const kept = fresh ? null : restored();
    if (kept && kept.head) {
      S.head = complete(kept.head);
      S.undo = kept.undo || [];
      S.redo = kept.redo || [];
      S.dirty = Boolean(kept.dirty);
      if (kept.axes && Q.setAxes) Q.setAxes(kept.axes);
      Q.note(["Restored this session's choices: " + S.head.rotate.length + " rotation step(s), " +
        (S.head.flag.length + S.head.unflag.length) + " flag change(s), " + Object.keys(S.head.factor_names).length + " factor name(s)."]);
    } else {
      S.head = complete(Q.clone(summary.options));
      S.undo = []; S.redo = [];
      S.dirty = false;
      Q.note([]);
    }
    S.confirmed = { undo: S.undo.slice(), redo: S.redo.slice() };
    render("opened");
    persist();
    // the analysis of a known k does not wait for the scree (parallel analysis of a large
    // study takes longer than the analysis)
    pump();
    await Q.runFactors(!S.head.factors);
  };

  // ---- changes -----------------------------------------------------------------------
  // One change of the user: `mutate` edits a copy of the choices (returning false cancels it).
  Q.edit = function (mutate) {
    if (!S.head) return;
    const next = Q.clone(S.head);
    if (mutate(next) === false || Q.same(next, S.head)) return;
    S.undo.push(S.head);
    if (S.undo.length > KEEP) S.undo.shift();
    S.redo = [];
    S.head = next;
    S.dirty = true;
    S.changedAt = performance.now();
    persist();
    render("head");
    pump();
  };
  // A change that is not the user's (the recommended number of factors when none is given):
  // no undo entry.
  Q.settle = function (mutate) {
    if (!S.head) return;
    const next = Q.clone(S.head);
    mutate(next);
    S.head = next;
    persist();
    render("head");
    pump();
  };
  Q.canUndo = () => S.undo.length > 0;
  Q.canRedo = () => S.redo.length > 0;
  function travel(from, to) {
    if (!from.length) return;
    to.push(S.head);
    S.head = from.pop();
    S.dirty = true;
    S.changedAt = performance.now();
    persist();
    render("head");
    pump();
  }
  Q.undo = () => travel(S.undo, S.redo);
  Q.redo = () => travel(S.redo, S.undo);

  // Asks the engine for the latest choices when it is idle; again when it returns if the user
  // changed something meanwhile.
  async function pump() {
    if (S.running || !S.head || !S.head.factors) return;
    if (S.shown && Q.same(S.shown.opts, S.head)) return;
    S.running = true;
    // "working" is shown only for an answer slower than a glance (a quick one would only
    // cost a frame of the whole page)
    const slow = setTimeout(() => Q.$("status").setAttribute("aria-busy", "true"), 150);
    const sending = S.head;
    const generation = S.generation;
    const t0 = performance.now();
    let stale = false;
    try {
      const r = await Q.api("/api/analyze", sending);
      const answered = performance.now();
      // another input was opened meanwhile: this answer is not about it
      if (generation !== S.generation) { stale = true; return; }
      // The server fits the choices to the factors kept (dropping, with a note, what no longer
      // applies): the choices on screen are the ones it applied.
      const applied = r.options ? complete(r.options) : sending;
      if (S.head === sending) S.head = applied;
      S.shown = { opts: applied, results: r.results, warnings: r.warnings || [] };
      S.confirmed = { undo: S.undo.slice(), redo: S.redo.slice() };
      if (r.dropped && r.dropped.length) Q.note(r.dropped);
      Q.showError(null);
      persist();
      render("shown");
      const drawn = performance.now();
      S.slowAnswers = drawn - t0 > 100;
      const ms = Math.round(drawn - t0);
      // click to painted: the frame after the answer is drawn (and where the time went)
      requestAnimationFrame(() => {
        const painted = performance.now();
        S.lastPaint = Math.round(painted - S.changedAt);
        document.body.dataset.paintMs = String(S.lastPaint);
        document.body.dataset.paintPhases = [answered, drawn, painted].map((t) => Math.round(t - S.changedAt)).join(" ");
      });
      Q.status("analysed in " + ms + " ms");
    } catch (e) {
      if (generation !== S.generation) { stale = true; return; }
      if (e.superseded) {
        Q.status("another tab of this workbench asked for an analysis: asking again");
        if (!S.shown) setTimeout(pump, 200);
      } else {
        // The choices that failed are taken back: the analysis on screen stays, and so do the
        // stacks as they were for it.
        Q.showError(e.message);
        Q.note([]);
        if (S.shown) {
          S.head = S.shown.opts;
          S.undo = S.confirmed.undo.slice();
          S.redo = S.confirmed.redo.slice();
        } else {
          S.head = Q.clone(S.head);
          S.head.factors = null;
        }
        persist();
        render("failed");
      }
    } finally {
      S.running = false;
      clearTimeout(slow);
      if (Q.$("status").hasAttribute("aria-busy")) Q.$("status").removeAttribute("aria-busy");
      if (stale) pump();
    }
    if (S.shown && !Q.same(S.shown.opts, S.head)) pump();
  }
  Q.pump = pump;

  // Keyboard: Ctrl+Z undo, Ctrl+Shift+Z (or Ctrl+Y) redo, except while typing in a field.
  document.addEventListener("keydown", (e) => {
    if (!(e.ctrlKey || e.metaKey) || e.altKey) return;
    const t = e.target;
    if (t && (t.tagName === "TEXTAREA" || (t.tagName === "INPUT" && !["checkbox", "radio", "button"].includes(t.type)))) return;
    const k = e.key.toLowerCase();
    if (k === "z" && !e.shiftKey) { e.preventDefault(); Q.undo(); } else if ((k === "z" && e.shiftKey) || k === "y") { e.preventDefault(); Q.redo(); }
  });
})(window.QS);

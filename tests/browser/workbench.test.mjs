// Real-browser journeys of `qstudy serve`: Debian's chromium driven by playwright-core, on the
// bundled fixtures, as a researcher uses the page. One journey per defect issue 21 names (and
// the earlier ones), each asserting what the user sees: plotted coordinates (`data-x`/`data-y`
// of each point), the step list, messages, that nothing was dropped. Each journey runs in a
// fresh browser context (its own storage) and, where it ends with an analysis, saves the study
// and downloads the results: `qstudy analyze` on the saved study must give the downloaded
// results.json exactly.
//
// Writes target/browser-artifacts/journeys.json ({"name": {"ok": bool, ...measured}}) and a
// screenshot per step (target/browser-artifacts/NN-*.png). Any console error fails the test.
//
// Run: `cargo build -p qstudy-cli && (cd tests/browser && npm ci && npm test)`.
// QSTUDY_BIN overrides the binary (default target/debug/qstudy); CHROMIUM the browser
// (default /usr/bin/chromium). Without chromium the test is skipped, except with CI=true.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { root, startServer, planted } from "./support.mjs";

const bin = process.env.QSTUDY_BIN || path.join(root, "target/debug/qstudy");
const chromium = process.env.CHROMIUM || "/usr/bin/chromium";
const artifacts = path.join(root, "target/browser-artifacts");
const APSE = ["study.toml", "statements.csv", "sorts.csv", "participants.csv"].map((f) => path.join(root, "fixtures/apse-2023", f));
const LIPSET = ["LIPSET.DAT", "LIPSET.STA"].map((f) => path.join(root, "fixtures/lipset", f));
const haveChromium = fs.existsSync(chromium);
if (!haveChromium && process.env.CI === "true") {
  throw new Error(`${chromium} is missing: CI must install chromium (apt-get install chromium)`);
}
if (!haveChromium) console.log(`# skipped: ${chromium} not found (apt-get install chromium)`);

function unzip(zip, dir) {
  fs.mkdirSync(dir, { recursive: true });
  try {
    execFileSync("unzip", ["-q", zip, "-d", dir]);
  } catch {
    execFileSync("python3", ["-m", "zipfile", "-e", zip, dir]);
  }
}

// ---- what the page shows -----------------------------------------------------------------
// The plotted points: sort id -> plotted loadings on the horizontal and vertical factor.
const points = (page) => page.$$eval("#scatter circle.pt", (cs) =>
  Object.fromEntries(cs.map((c) => [c.dataset.sort, { x: Number(c.dataset.x), y: Number(c.dataset.y) }])));
// Per point, how far it turned clockwise on screen (degrees) from `a` to `b`; points nearer the
// origin than 0.05 have no defined angle and are left out. Also checks that no point was dropped
// and that distances from the origin are kept (a turn, not a mirror or a scaling).
function turns(a, b) {
  assert.deepEqual(Object.keys(b).sort(), Object.keys(a).sort(), "the same sorts are plotted");
  const out = [];
  for (const [id, p] of Object.entries(a)) {
    const q = b[id];
    const r = Math.hypot(p.x, p.y);
    assert.ok(Math.abs(Math.hypot(q.x, q.y) - r) < 1e-9, `${id} kept its distance from the origin`);
    if (r < 0.05) continue;
    let d = (Math.atan2(p.y, p.x) - Math.atan2(q.y, q.x)) * 180 / Math.PI;
    while (d > 180) d -= 360;
    while (d <= -180) d += 360;
    out.push(d);
  }
  return out;
}
// Every point turned by `deg` clockwise (to `tol` degrees): the largest error.
function assertTurned(a, b, deg, tol, what) {
  const t = turns(a, b);
  let want = deg % 360;
  if (want > 180) want -= 360;
  if (want <= -180) want += 360;
  const err = Math.max(...t.map((d) => Math.abs(((d - want + 540) % 360) - 180)));
  assert.ok(err <= tol, `${what}: every point should turn ${deg}° clockwise; worst is off by ${err}°`);
  return err;
}
const settled = (page) => page.waitForFunction(() => window.QS && QS.S.shown && !QS.S.running && QS.same(QS.S.head, QS.S.shown.opts), null, { timeout: 120_000 });
const stepList = (page) => page.$$eval("#steps li", (ls) => ls.map((l) => l.textContent));
const errorText = async (page) => ((await page.isVisible("#error")) ? (await page.textContent("#error")) : "");
const columns = (page) => page.$$eval("#loadings thead th", (ths) => ths.map((t) => t.textContent));
// Shows a step of the analysis (a panel).
const go = (page, panel) => page.click(`button.go[data-panel="${panel}"]`);

test("workbench journeys", { skip: !haveChromium, timeout: 1_500_000 }, async () => {
  const { chromium: pw } = await import("playwright-core");
  fs.rmSync(artifacts, { recursive: true, force: true });
  fs.mkdirSync(artifacts, { recursive: true });
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "qstudy-browser-"));
  const { child, url } = await startServer(bin);
  const browser = await pw.launch({ executablePath: chromium, args: ["--no-sandbox"] });
  const errors = [];
  const journeys = {};
  const failed = [];
  let shots = 0;
  let replays = 0;

  const contexts = new Set(); // the journey's browser contexts, closed when it ends (failed or not)
  async function fresh() {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true, bypassCSP: true });
    contexts.add(context);
    const page = await context.newPage();
    page.on("console", (m) => { if (m.type() === "error") errors.push(m.text()); });
    page.on("pageerror", (e) => errors.push(String(e)));
    await page.goto(url);
    return page;
  }
  const shot = (page, name, locator) => {
    const file = path.join(artifacts, String(++shots).padStart(2, "0") + "-" + name + ".png");
    return locator ? page.locator(locator).screenshot({ path: file }) : page.screenshot({ path: file });
  };
  // Opens `files` by the file picker and waits for their analysis (not that of the input the
  // server had open when the page loaded, which the page shows first).
  async function open(page, files, sorts) {
    await page.waitForFunction(() => window.QS && QS.S.started);
    const before = await page.evaluate(() => QS.S.generation);
    await page.setInputFiles("#file", files);
    await page.waitForFunction(([g, n]) => QS.S.generation > g && document.querySelectorAll("#loadings tbody tr").length === n, [before, sorts], { timeout: 120_000 });
    await settled(page);
    await go(page, "rotate");
  }
  async function keep(page, k) {
    await go(page, "extract");
    await page.fill("#k", String(k));
    await page.press("#k", "Enter");
    await page.waitForFunction((k) => window.QS && QS.S.shown && QS.S.shown.results.options.factors === k, k, { timeout: 120_000 });
    await settled(page);
    await go(page, "rotate");
  }
  // Saves the study and downloads the results; `qstudy analyze` on the saved study must give
  // the downloaded results.json exactly.
  async function replay(page, light) {
    const n = ++replays;
    const was = await page.evaluate(() => QS.panel());
    await go(page, "export");
    try { return await replayHere(page, light, n); } finally { await go(page, was); }
  }
  async function replayHere(page, light, n) {
    if (light) {
      // a large study in the debug build: the saved study against the page's own answer (the
      // download would build every figure and report)
      const [saved] = await Promise.all([page.waitForEvent("download", { timeout: 300_000 }), page.click("#save")]);
      const studyZip = path.join(work, `study-${n}.zip`);
      await saved.saveAs(studyZip);
      unzip(studyZip, path.join(work, `study-${n}`));
      const studyDir = path.join(work, `study-${n}`, fs.readdirSync(path.join(work, `study-${n}`))[0]);
      execFileSync(bin, ["analyze", studyDir, "--out", path.join(work, `cli-${n}`), "--no-plots", "--quiet"], { stdio: "pipe" });
      const cli = JSON.parse(fs.readFileSync(path.join(work, `cli-${n}/results.json`), "utf8"));
      const fromCli = JSON.parse(JSON.stringify(cli));
      delete fromCli.correlation;
      fromCli.unrotated.loadings = [];
      const fromPage = await page.evaluate(() => QS.S.shown.results);
      assert.deepEqual(fromCli, fromPage, "qstudy analyze on the saved study gives the page's results");
      return { results: fromPage, cli };
    }
    const [saved] = await Promise.all([page.waitForEvent("download", { timeout: 300_000 }), page.click("#save")]);
    const studyZip = path.join(work, `study-${n}.zip`);
    await saved.saveAs(studyZip);
    const [down] = await Promise.all([page.waitForEvent("download", { timeout: 300_000 }), page.click("#download")]);
    const resultsZip = path.join(work, `results-${n}.zip`);
    await down.saveAs(resultsZip);
    unzip(studyZip, path.join(work, `study-${n}`));
    unzip(resultsZip, path.join(work, `download-${n}`));
    const studyDir = path.join(work, `study-${n}`, fs.readdirSync(path.join(work, `study-${n}`))[0]);
    const downDir = path.join(work, `download-${n}`, fs.readdirSync(path.join(work, `download-${n}`))[0]);
    execFileSync(bin, ["analyze", studyDir, "--out", path.join(work, `cli-${n}`), "--no-plots", "--quiet"], { stdio: "pipe" });
    const fromCli = JSON.parse(fs.readFileSync(path.join(work, `cli-${n}/results.json`), "utf8"));
    const fromPage = JSON.parse(fs.readFileSync(path.join(downDir, "results.json"), "utf8"));
    assert.deepEqual(fromCli, fromPage, "qstudy analyze on the saved study gives the page's results");
    // and the page shows the loadings it downloads
    const shown = await page.evaluate(() => QS.S.shown.results.rotated.loadings);
    assert.deepEqual(shown, fromPage.rotated.loadings);
    return { studyDir, downDir, results: fromPage, toml: fs.readFileSync(path.join(studyDir, "study.toml"), "utf8") };
  }
  // JOURNEYS=REGEX runs only the journeys whose name matches (while working on one).
  const only = process.env.JOURNEYS ? new RegExp(process.env.JOURNEYS) : null;
  async function journey(name, body) {
    if (only && !only.test(name)) return;
    journeys[name] = { ok: false };
    try {
      const measured = await body();
      journeys[name] = { ok: true, ...(measured || {}) };
    } catch (e) {
      journeys[name] = { ok: false, error: String(e && e.stack || e) };
      failed.push(name);
    } finally {
      for (const c of contexts) await c.close().catch(() => {});
      contexts.clear();
    }
  }

  try {
    // ---- the first look: a broken file, then APSE -----------------------------------------
    await journey("broken-file-message-in-page-words", async () => {
      const page = await fresh();
      await shot(page, "start");
      const broken = path.join(work, "broken.csv");
      fs.writeFileSync(broken, "P01,P02\n1,2\n3\n");
      await page.setInputFiles("#file", [broken]);
      await page.waitForSelector("#error:not([hidden])");
      const message = await page.textContent("#error");
      assert.match(message, /^error: broken\.csv/);
      assert.doesNotMatch(message, /--[a-z]/, "no command-line flag in the page's message");
      assert.doesNotMatch(message, /qstudy-serve-|\/tmp\//, "no server path");
      await shot(page, "broken-file");
      await page.context().close();
      return { message };
    });

    await journey("open-apse-and-keep-4", async () => {
      const page = await fresh();
      await open(page, APSE, 32);
      assert.match(await page.textContent("#summary"), /32 sorts x 40 statements/);
      assert.deepEqual(await page.$$eval("#method option", (os) => os.map((o) => o.value)), ["centroid", "pca", "horst"]);
      assert.deepEqual(await columns(page), ["Sort", "F1", "F2", "F3", "F4", "h²", "Defines", "Warnings"]);
      const pts = await points(page);
      assert.equal(Object.keys(pts).length, 32, "every sort is plotted");
      await shot(page, "apse-opened");
      await page.context().close();
      return { plotted_points: 32 };
    });

    // ---- 1. rotation turns the way it says ------------------------------------------------
    for (const [name, files, sorts, k] of [["lipset", LIPSET, 9, 3], ["apse", APSE, 32, 4]]) {
      await journey(`ten-clockwise-10-degree-clicks-turn-100-degrees-${name}`, async () => {
        const page = await fresh();
        await open(page, files, sorts);
        await keep(page, k);
        await page.selectOption("#fa", "1");
        await page.selectOption("#fb", "2");
        const start = await points(page);
        let before = start;
        let worstStep = 0;
        for (let i = 1; i <= 10; i++) {
          await page.click('button[aria-label="Rotate clockwise by 10 degrees"]');
          await settled(page);
          const now = await points(page);
          worstStep = Math.max(worstStep, assertTurned(before, now, 10, 0.01, `click ${i}`));
          before = now;
          if (i === 5) await shot(page, `rotation-${name}-after-5-clicks`, "#panel-rotate");
        }
        const worst = assertTurned(start, before, 100, 0.01, "ten clicks");
        const list = await stepList(page);
        assert.equal(list.length, 10);
        for (const s of list) assert.equal(s, "F1 (horizontal), F2 (vertical): 10° clockwise");
        await shot(page, `rotation-${name}-after-10-clicks`, "#panel-rotate");
        const r = await replay(page);
        assert.equal(r.results.options.rotation_steps.length, 10);
        await page.context().close();
        return { clicks: 10, worst_error_degrees_total: worst, worst_error_degrees_per_click: worstStep, steps_listed: list.length };
      });
    }

    await journey("typed-135-degrees-and-a-60-degree-drag-end-where-they-say", async () => {
      const page = await fresh();
      await open(page, APSE, 32);
      const a = await points(page);
      await page.fill("#angle", "135");
      await page.press("#angle", "Enter");
      await settled(page);
      const b = await points(page);
      const typedErr = assertTurned(a, b, 135, 0.01, "typed 135");
      // a drag of 60 degrees clockwise about the chart's centre
      await page.locator("#scatter svg").scrollIntoViewIfNeeded();
      const box = await page.locator("#scatter svg").boundingBox();
      const [cx, cy, r] = [box.x + box.width / 2, box.y + box.height / 2, box.width * 0.4];
      const at = (deg) => [cx + r * Math.cos(deg * Math.PI / 180), cy + r * Math.sin(deg * Math.PI / 180)];
      await page.mouse.move(...at(-20));
      await page.mouse.down();
      for (let d = -15; d <= 40; d += 5) await page.mouse.move(...at(d));
      const previewed = await page.$eval("#points", (g) => g.getAttribute("transform"));
      await page.mouse.up();
      await settled(page);
      const c = await points(page);
      const list = await stepList(page);
      assert.equal(list.length, 2);
      assert.equal(list[1], "F1 (horizontal), F2 (vertical): 60° clockwise");
      const dragErr = assertTurned(b, c, 60, 0.01, "60° drag");
      assert.match(previewed, /^rotate\(60 /, "the drag previews the same turn");
      // no jump on release: the picture after release is the preview's
      await shot(page, "typed-and-drag", "#panel-rotate");
      await replay(page);
      await page.context().close();
      return { typed_error_degrees: typedErr, drag_error_degrees: dragErr, preview: previewed };
    });

    await journey("after-inverting-a-factor-and-swapping-axes-clockwise-stays-clockwise", async () => {
      const page = await fresh();
      await open(page, APSE, 32);
      await page.check("#invert-1");
      await settled(page);
      await page.selectOption("#fa", "2");
      await page.selectOption("#fb", "1");
      const a = await points(page);
      await page.click('button[aria-label="Rotate clockwise by 5 degrees"]');
      await settled(page);
      const b = await points(page);
      const err = assertTurned(a, b, 5, 0.01, "clockwise 5 after inverting F1, axes swapped");
      const list = await stepList(page);
      assert.deepEqual(list, ["F2 (horizontal), F1 (vertical): 5° clockwise"]);
      await page.click('button[aria-label="Rotate anticlockwise by 10 degrees"]');
      await settled(page);
      assertTurned(b, await points(page), -10, 0.01, "anticlockwise 10");
      const steps = await stepList(page);
      await replay(page);
      await page.context().close();
      return { error_degrees: err, steps };
    });

    // ---- 2. fast input is queued, none dropped -------------------------------------------
    await journey("ten-rapid-enter-presses-make-ten-steps", async () => {
      const page = await fresh();
      await open(page, APSE, 32);
      const a = await points(page);
      await page.focus('button[aria-label="Rotate clockwise by 1 degree"]');
      for (let i = 0; i < 10; i++) await page.keyboard.press("Enter", { delay: 0 });
      await settled(page);
      const list = await stepList(page);
      assert.equal(list.length, 10, "ten steps");
      const err = assertTurned(a, await points(page), 10, 0.01, "ten rapid 1° steps");
      // undo by keyboard, twice; redo once
      await page.keyboard.press("Control+z");
      await page.keyboard.press("Control+z");
      await page.keyboard.press("Control+Shift+z");
      await settled(page);
      assert.equal((await stepList(page)).length, 9);
      await replay(page);
      await page.context().close();
      return { steps: list.length, error_degrees: err, after_undo_undo_redo: 9 };
    });

    // ---- 3. a click that wobbles is still a click ----------------------------------------
    await journey("a-click-with-a-2px-wobble-flags-instead-of-rotating", async () => {
      const page = await fresh();
      await open(page, APSE, 32);
      const before = await points(page);
      // a point on top of any other (points can overlap): the one the pointer hits
      await page.locator("#scatter svg").scrollIntoViewIfNeeded();
      const circles = page.locator("#scatter circle.pt");
      let sort = null, x = 0, y = 0;
      for (let i = 0; i < (await circles.count()) && !sort; i++) {
        const box = await circles.nth(i).boundingBox();
        [x, y] = [box.x + box.width / 2, box.y + box.height / 2];
        const id = await circles.nth(i).getAttribute("data-sort");
        const hit = await page.evaluate(([x, y]) => { const e = document.elementFromPoint(x, y); return e && e.dataset ? e.dataset.sort : null; }, [x, y]);
        if (hit === id) sort = id;
      }
      assert.ok(sort, "a point the pointer can hit");
      const was = await page.$eval(`#loadings td.cell[data-sort="${sort}"][data-factor="F1"]`, (td) => td.classList.contains("flag"));
      await page.mouse.move(x, y);
      await page.mouse.down();
      await page.mouse.move(x + 1, y + 1);
      await page.mouse.move(x + 2, y - 1);
      await page.mouse.up();
      await settled(page);
      assert.equal((await stepList(page)).length, 0, "no rotation step");
      const now = await page.$eval(`#loadings td.cell[data-sort="${sort}"][data-factor="F1"]`, (td) => td.classList.contains("flag"));
      assert.equal(now, !was, "the sort's flag on F1 toggled");
      assertTurned(before, await points(page), 0, 1e-12, "no turn");
      await replay(page);
      await page.context().close();
      return { sort, flagged_before: was, flagged_after: now };
    });

    // ---- 4. any k on APSE; choices on factors that went away are dropped with a note ---------
    await journey("apse-keeps-3-factors", async () => {
      const page = await fresh();
      await open(page, APSE, 32);
      await keep(page, 3);
      assert.equal(await errorText(page), "");
      assert.deepEqual(await columns(page), ["Sort", "F1", "F2", "F3", "h²", "Defines", "Warnings"]);
      const notes = await page.textContent("#notes");
      assert.match(notes, /F4/, "a note says what was dropped");
      await shot(page, "apse-keep-3");
      const r = await replay(page);
      assert.equal(r.results.factors.length, 3);
      await page.context().close();
      return { factors: 3, note: notes };
    });

    // ---- 5. split of a named, hand-flagged factor ----------------------------------------
    await journey("split-a-named-hand-flagged-factor", async () => {
      const page = await fresh();
      await open(page, APSE, 32);
      // flag by hand a sort not yet flagged on F1
      const cell = page.locator('#loadings td.cell[data-factor="F1"]:not(.flag)').first();
      const sort = await cell.getAttribute("data-sort");
      await cell.focus();
      await page.keyboard.press("Enter");
      await settled(page);
      await page.check("#split-1");
      await settled(page);
      assert.equal(await errorText(page), "");
      const cols = await columns(page);
      assert.ok(cols.includes("F1a") && cols.includes("F1b"), cols.join(","));
      assert.ok(await page.isChecked("#split-1"));
      await go(page, "results");
      const names = await page.$$eval("#characteristics tr", (trs) => trs.map((t) => t.textContent));
      await go(page, "rotate");
      assert.ok(names.some((t) => t.includes("galvanised dialogues (a)")), "the name carried to the halves");
      const flaggedHalf = await page.$$eval(`#loadings td.cell.flag[data-sort="${sort}"]`, (tds) => tds.map((t) => t.dataset.factor));
      assert.ok(flaggedHalf.some((f) => f === "F1a" || f === "F1b"), `${sort} stays flagged on a half of F1: ${flaggedHalf}`);
      await shot(page, "split", "#panel-rotate");
      // and back
      await page.uncheck("#split-1");
      await settled(page);
      assert.ok((await columns(page)).includes("F1"));
      await page.check("#split-1");
      await settled(page);
      await replay(page);
      await page.context().close();
      return { sort, flagged_on: flaggedHalf, columns: cols };
    });

    // ---- 6. invalid values are refused at their control -----------------------------------
    await journey("invalid-factors-to-keep-refused-at-the-control", async () => {
      const page = await fresh();
      await open(page, APSE, 32);
      const messages = {};
      await go(page, "extract");
      for (const v of ["", "0", "-2", "2.5"]) {
        await page.fill("#k", v);
        await page.press("#k", "Enter");
        const m = await page.textContent("#k-error");
        assert.match(m, /Factors to keep: give a whole number of at least 1/);
        assert.equal(await page.getAttribute("#k", "aria-invalid"), "true");
        assert.deepEqual(await columns(page), ["Sort", "F1", "F2", "F3", "F4", "h²", "Defines", "Warnings"], "the analysis stays");
        messages[JSON.stringify(v)] = m;
      }
      await shot(page, "invalid-k", "#panel-extract");
      // the page still works
      await go(page, "rotate");
      await page.click('button[aria-label="Rotate clockwise by 5 degrees"]');
      await settled(page);
      assert.equal((await stepList(page)).length, 1);
      await go(page, "extract");
      // an impossible k: the engine's message, the analysis kept (and the step it asked about)
      page.once("dialog", (d) => d.accept());
      await page.fill("#k", "99");
      await page.press("#k", "Enter");
      await page.waitForSelector("#error:not([hidden])");
      const too = await errorText(page);
      assert.match(too, /99 factors/);
      assert.doesNotMatch(too, /--[a-z]/);
      await settled(page);
      assert.equal((await columns(page)).length, 8);
      assert.equal(await page.inputValue("#k"), "4");
      assert.equal((await stepList(page)).length, 1, "the failed change took nothing away");
      await page.context().close();
      return { messages, too_many: too };
    });

    // ---- 7. changing the solution asks before discarding hand steps ------------------------
    await journey("changing-method-asks-before-discarding-hand-steps", async () => {
      const page = await fresh();
      await open(page, APSE, 32);
      await page.click('button[aria-label="Rotate clockwise by 10 degrees"]');
      await settled(page);
      let asked = null;
      await go(page, "extract");
      page.once("dialog", (d) => { asked = d.message(); d.dismiss(); });
      await page.selectOption("#method", "pca");
      assert.ok(asked && /hand rotation step/.test(asked), "asked first");
      assert.equal(await page.inputValue("#method"), "centroid", "no: the method stays");
      assert.equal((await stepList(page)).length, 1, "no: the steps stay");
      page.once("dialog", (d) => d.accept());
      await page.selectOption("#method", "pca");
      await settled(page);
      assert.equal((await stepList(page)).length, 0, "yes: the steps are gone");
      assert.match(await page.textContent("#notes"), /Discarded 1 hand rotation step/);
      // k=1 then k=2: the axes are F1 and F2 again
      await keep(page, 1);
      assert.ok(await page.isVisible("#scatter-one"));
      await keep(page, 2);
      assert.equal(await page.inputValue("#fa"), "1");
      assert.equal(await page.inputValue("#fb"), "2");
      // the "two different factors" message goes once fixed
      await page.selectOption("#fb", "1");
      assert.match(await page.textContent("#fb-error"), /two different factors/);
      await page.selectOption("#fb", "2");
      assert.equal(await page.$("#fb-error"), null);
      await replay(page);
      await page.context().close();
      return { asked };
    });

    // ---- 8. nothing lost: reload, and a drop anywhere ------------------------------------
    await journey("reload-restores-the-session", async () => {
      const page = await fresh();
      await open(page, APSE, 32);
      await page.click('button[aria-label="Rotate clockwise by 10 degrees"]');
      await page.click('button[aria-label="Rotate anticlockwise by 5 degrees"]');
      const cell = page.locator('#loadings td.cell[data-factor="F2"]:not(.flag)').first();
      const sort = await cell.getAttribute("data-sort");
      await cell.click();
      await settled(page);
      await page.fill("#name-F3", "renamed in the browser");
      await page.press("#name-F3", "Tab");
      await settled(page);
      const before = await points(page);
      let asked = false;
      page.once("dialog", (d) => { asked = d.type() === "beforeunload"; d.accept(); });
      await page.reload();
      await settled(page);
      assert.ok(asked, "leaving with unsaved changes asks first");
      assert.equal((await stepList(page)).length, 2);
      assert.ok(await page.$eval(`#loadings td.cell[data-sort="${sort}"][data-factor="F2"]`, (td) => td.classList.contains("flag")));
      assert.equal(await page.inputValue("#name-F3"), "renamed in the browser");
      assertTurned(before, await points(page), 0, 1e-12, "the same picture after the reload");
      await shot(page, "reloaded");
      // a file dropped outside the drop zone opens it, and the page stays
      const dat = fs.readFileSync(LIPSET[0]).toString("base64");
      const sta = fs.readFileSync(LIPSET[1]).toString("base64");
      await page.evaluate(([dat, sta]) => {
        const dt = new DataTransfer();
        const bytes = (b) => Uint8Array.from(atob(b), (c) => c.charCodeAt(0));
        dt.items.add(new File([bytes(dat)], "LIPSET.DAT"));
        dt.items.add(new File([bytes(sta)], "LIPSET.STA"));
        document.querySelector("#panel-rotate").dispatchEvent(new DragEvent("drop", { dataTransfer: dt, bubbles: true, cancelable: true }));
      }, [dat, sta]);
      await page.waitForFunction(() => document.querySelectorAll("#loadings tbody tr").length === 9, null, { timeout: 60_000 });
      assert.ok(page.url().startsWith(url.split("?")[0]), "the page did not navigate away");
      await page.context().close();
      return { steps_restored: 2, flag_restored: sort, asked_before_leaving: asked, dropped_file_opened: true };
    });

    // ---- 9. warnings in the page ---------------------------------------------------------
    await journey("warnings-in-the-page-match-warnings-txt", async () => {
      const page = await fresh();
      await open(page, APSE, 32);
      // a sort flagged on two factors
      const cell = page.locator('#loadings td.cell[data-factor="F2"]:not(.flag)').first();
      await cell.click();
      await settled(page);
      const shown = await page.$$eval("#warnings li", (ls) => ls.map((l) => l.textContent));
      const r = await replay(page);
      const txt = fs.readFileSync(path.join(r.downDir, "warnings.txt"), "utf8").trim().split("\n").filter(Boolean);
      assert.equal(shown.length, txt.length, `the page shows ${shown.length} warnings, warnings.txt has ${txt.length}`);
      const rowWarned = await page.$$eval("#loadings td.warn", (tds) => tds.filter((t) => t.textContent).length);
      assert.ok(rowWarned > 0, "warnings are shown next to the loadings rows they are about");
      await shot(page, "warnings", "#panel-rotate");
      await page.context().close();
      return { page_warnings: shown.length, warnings_txt_lines: txt.length, rows_marked: rowWarned };
    });

    // ---- 10. messages in the page's words --------------------------------------------------
    await journey("messages-name-the-page-not-the-command-line", async () => {
      const page = await fresh();
      const found = {};
      const lone = path.join(work, "LONE.STA");
      fs.copyFileSync(LIPSET[1], lone);
      const odd = path.join(work, "sorts.sav");
      fs.writeFileSync(odd, "not a q sort");
      for (const f of [lone, odd]) {
        await page.setInputFiles("#file", [f]);
        await page.waitForSelector("#error:not([hidden])");
        const m = await errorText(page);
        found[path.basename(f)] = m;
        assert.doesNotMatch(m, /--[a-z]/, m);
        assert.doesNotMatch(m, /qstudy-serve-|\/tmp\//, m);
        await page.evaluate(() => QS.showError(null));
      }
      await page.context().close();
      return { messages: found };
    });

    // ---- 11. a correct, live scree -----------------------------------------------------------
    await journey("scree-points-above-the-line-match-the-text", async () => {
      const page = await fresh();
      await open(page, LIPSET, 9);
      const read = () => page.evaluate(() => ({
        above: document.querySelectorAll('#scree-points circle[data-above="true"]').length,
        text: document.querySelector("#scree-text").textContent,
        ticks: document.querySelectorAll("#scree svg text").length,
        eigen: Array.from(document.querySelectorAll("#scree-points circle")).map((c) => Number(c.dataset.eigenvalue)),
      }));
      await go(page, "extract");
      const centroid = await read();
      const said = Number(centroid.text.match(/^(\d+) leading/)[1]);
      assert.equal(centroid.above, said);
      await shot(page, "scree-lipset", "#panel-extract");
      // the scree follows the options that change it
      await page.selectOption("#correlation", "spearman");
      await page.waitForFunction((old) => JSON.stringify(Array.from(document.querySelectorAll("#scree-points circle")).map((c) => Number(c.dataset.eigenvalue))) !== old,
        JSON.stringify(centroid.eigen), { timeout: 60_000 });
      await settled(page);
      const spearman = await read();
      assert.equal(spearman.above, Number(spearman.text.match(/^(\d+) leading/)[1]));
      await page.context().close();
      return { pearson_above: centroid.above, text: centroid.text, spearman_above: spearman.above, spearman_text: spearman.text };
    });

    // ---- 12. a step redraws in place (the times are measured by latency.mjs, a benchmark) -----
    await journey("a-step-or-flag-redraws-in-place", async () => {
      const page = await fresh();
      await open(page, APSE, 32);
      // mark the elements drawn: a step or a flag must update them, not rebuild them
      await page.evaluate(() => {
        document.querySelector("#loadings td.cell").dataset.marked = "1";
        document.querySelector("#scatter circle.pt").dataset.marked = "1";
      });
      const paint = [];
      for (const act of [
        () => page.click('button[aria-label="Rotate clockwise by 1 degree"]'),
        () => page.locator("#loadings td.cell").nth(5).click(),
      ]) {
        await page.evaluate(() => { delete document.body.dataset.paintMs; });
        await act();
        await page.waitForFunction(() => document.body.dataset.paintMs !== undefined);
        await settled(page);
        paint.push(Number(await page.evaluate(() => document.body.dataset.paintMs)));
      }
      const kept = await page.evaluate(() => [
        document.querySelectorAll('#loadings td.cell[data-marked="1"]').length,
        document.querySelectorAll('#scatter circle.pt[data-marked="1"]').length,
      ]);
      assert.deepEqual(kept, [1, 1], "the table cell and the plotted point were updated, not rebuilt");
      await page.context().close();
      return { click_to_paint_ms_debug_build: paint, elements_kept: true };
    });

    // ---- issue 22: the workbench II ---------------------------------------------------------
    await journey("every-panel-explains-itself-and-is-axe-clean", async () => {
      const page = await fresh();
      await open(page, APSE, 32);
      const axe = fs.readFileSync(path.join(root, "tests/browser/node_modules/axe-core/axe.min.js"), "utf8");
      await page.addScriptTag({ content: axe });
      const panels = {};
      for (const p of ["data", "correlations", "extract", "rotate", "results", "export", "help"]) {
        await go(page, p);
        if (p === "results") await page.waitForFunction(() => document.querySelectorAll("#composites figure").length > 0, null, { timeout: 60_000 });
        if (p === "correlations") await page.waitForSelector("#heatmap canvas", { timeout: 60_000 });
        if (p === "data") await page.waitForSelector("#statement-stats tbody tr", { timeout: 60_000 });
        if (p === "extract") await page.waitForSelector("#scree svg", { timeout: 300_000 });
        const help = await page.$eval(`#panel-${p} .help`, (e) => e.textContent.trim());
        assert.ok(help.length > 80, `${p}: a "what this is and what to do" text`);
        const result = await page.evaluate(async () => {
          const r = await window.axe.run(document, { resultTypes: ["violations"] });
          return r.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.length, help: v.help, target: v.nodes.slice(0, 3).map((n) => n.target.join(" ")) }));
        });
        const serious = result.filter((v) => v.impact === "serious" || v.impact === "critical");
        assert.deepEqual(serious, [], `${p}: axe-core serious or critical violations`);
        await shot(page, `panel-${p}`);
        panels[p] = { help_chars: help.length, axe_violations: result.length, axe_serious_or_critical: serious.length, minor: result.map((v) => v.id) };
      }
      await page.context().close();
      return { panels };
    });

    await journey("download-reached-in-at-most-15-tab-presses", async () => {
      const page = await fresh();
      await open(page, APSE, 32);
      await page.goto(page.url());
      await settled(page);
      await page.evaluate(() => document.activeElement && document.activeElement.blur());
      let presses = 0;
      const path_ = [];
      for (; presses < 40; ) {
        await page.keyboard.press("Tab");
        presses++;
        const f = await page.evaluate(() => { const e = document.activeElement; return { id: e.id, panel: e.dataset && e.dataset.panel, text: (e.getAttribute("aria-label") || e.textContent || "").trim().slice(0, 40) }; });
        path_.push(f.id || f.panel || f.text);
        if (f.panel === "export") { await page.keyboard.press("Enter"); path_.push("(Enter)"); }
        if (f.id === "download") break;
      }
      assert.ok(presses <= 15, `Download after ${presses} Tab presses: ${path_.join(" > ")}`);
      await page.context().close();
      return { tab_presses: presses, path: path_ };
    });

    await journey("results-panel-shows-the-engines-numbers-and-figures", async () => {
      const page = await fresh();
      await open(page, APSE, 32);
      await go(page, "results");
      await page.waitForFunction(() => QS.S.composites && QS.S.composites.length === 4 && document.querySelectorAll("#composites figure img").length === 4, null, { timeout: 60_000 });
      const page_ = await page.evaluate(() => ({
        svgs: QS.S.composites.map((f) => [f.name, f.svg]),
        z: document.querySelector("#zscores").csv,
        fc: document.querySelector("#factor-correlations").csv,
        crib: document.querySelectorAll("#crib .crib").length,
        dist: Array.from(document.querySelectorAll("#distinguishing table")).map((t) => t.tBodies[0].rows.length),
      }));
      await shot(page, "results-composites", "#composites");
      // the figures' settings: statement numbers only, larger text
      const before = page_.svgs[0][1];
      await page.check("#figure-numbers-only");
      await page.fill("#figure-font-size", "18");
      await page.press("#figure-font-size", "Tab");
      await settled(page);
      await page.waitForFunction((b) => QS.S.composites && QS.S.composites[0].svg !== b && QS.S.shown.opts.figure_font_size === 18, before, { timeout: 60_000 });
      page_.svgs = await page.evaluate(() => QS.S.composites.map((f) => [f.name, f.svg]));
      assert.notEqual(page_.svgs[0][1], before, "the settings change the picture");
      const methods = await page.textContent("#methods-text");
      await shot(page, "results-numbers-only", "#composites");
      const r = await replay(page);
      assert.equal(methods, r.results.methods_text, "the methods paragraph is results.json's");
      assert.match(r.toml, /figure_numbers_only = true/);
      // the composite pictures are the CLI's
      for (const [name, svg] of page_.svgs) {
        assert.equal(svg, fs.readFileSync(path.join(r.downDir, "plots", name + ".svg"), "utf8"), `${name}: the page's picture is the downloaded one`);
      }
      const cli = path.join(work, "cli-figures");
      execFileSync(bin, ["analyze", r.studyDir, "--out", cli, "--quiet"], { stdio: "pipe" });
      for (const [name, svg] of page_.svgs) assert.equal(svg, fs.readFileSync(path.join(cli, "plots", name + ".svg"), "utf8"), `${name}: the CLI's picture`);
      // z-scores, ranks, arrays and the factor correlations are results.json's, to the bit
      const res = r.results;
      page_.z.rows.forEach((row, i) => {
        res.factors.forEach((f, j) => {
          assert.equal(row[2 + 3 * j], f.zscores[i]);
          assert.equal(row[3 + 3 * j], f.ranks[i]);
          assert.equal(row[4 + 3 * j], f.array[i]);
        });
      });
      page_.fc.rows.forEach((row, i) => row.slice(1).forEach((v, j) => assert.equal(v, res.factor_correlations[i][j])));
      assert.equal(page_.crib, res.crib_sheets.length);
      assert.deepEqual(page_.dist, res.factors.map((f) => f.distinguishing.length));
      await page.context().close();
      return { composites: page_.svgs.map((x) => x[0]), zscore_rows: page_.z.rows.length, factor_correlations: page_.fc.rows.length, crib_sheets: page_.crib, distinguishing: page_.dist };
    });

    await journey("loadings-table-sorts-groups-and-moves-by-arrow-keys", async () => {
      const page = await fresh();
      await open(page, APSE, 32);
      const order = () => page.$$eval("#loadings tbody tr", (trs) => trs.map((t) => t.dataset.sort));
      const byFile = await order();
      await page.click('button[aria-label="Sort the sorts by F2"]');
      const byF2 = await order();
      const l = await page.evaluate(() => QS.S.shown.results.factor_loadings.map((r) => r[1]));
      const ids = await page.evaluate(() => QS.S.summary.opened.sort_ids);
      const want = ids.map((id, i) => [id, l[i]]).sort((a, b) => b[1] - a[1] || ids.indexOf(a[0]) - ids.indexOf(b[0])).map((x) => x[0]);
      assert.deepEqual(byF2, want, "sorted by F2, highest first");
      assert.equal(await page.getAttribute('#loadings th[data-col="1"]', "aria-sort"), "descending");
      await page.selectOption("#loadings-group", "factor");
      const grouped = await page.$$eval("#loadings tbody tr", (trs) => trs.map((t) => t.querySelector("td.l").textContent.split(" ")[0] || "none"));
      const seen = [];
      for (const g of grouped) if (seen[seen.length - 1] !== g) seen.push(g);
      assert.equal(new Set(seen).size, seen.length, `each factor's sorts together: ${seen.join(",")}`);
      await shot(page, "loadings-grouped", "#loadings-box");
      // arrow keys move between cells; Enter flags
      const first = page.locator("#loadings td.cell").first();
      await first.focus();
      const start = await page.evaluate(() => ({ sort: document.activeElement.dataset.sort, factor: document.activeElement.dataset.factor }));
      await page.keyboard.press("ArrowDown");
      await page.keyboard.press("ArrowRight");
      const moved = await page.evaluate(() => ({ sort: document.activeElement.dataset.sort, factor: document.activeElement.dataset.factor, label: document.activeElement.getAttribute("aria-label") }));
      const rows = await order();
      assert.equal(moved.sort, rows[rows.indexOf(start.sort) + 1]);
      assert.equal(moved.factor, "F2");
      assert.match(moved.label, /^-?\d\.\d{4}/, "the value is read first");
      await page.keyboard.press("Enter");
      await settled(page);
      const flagged = await page.$eval(`#loadings td.cell[data-sort="${moved.sort}"][data-factor="F2"]`, (td) => td.getAttribute("aria-selected"));
      await page.context().close();
      return { file_order_first: byFile[0], f2_order_first: byF2[0], groups: seen, moved_to: moved, flag_after_enter: flagged };
    });

    await journey("data-and-correlations-panels", async () => {
      const page = await fresh();
      await open(page, APSE, 32);
      await go(page, "data");
      await page.waitForSelector("#book .card");
      await page.selectOption("#book-sort", { label: "O05" });
      const cards = await page.$$eval("#book .col", (cols) => cols.map((c) => [Number(c.dataset.value), Array.from(c.querySelectorAll(".card")).map((x) => Number(x.dataset.statement))]));
      // the file's row for O05
      const lines = fs.readFileSync(path.join(root, "fixtures/apse-2023/sorts.csv"), "utf8").trim().split(/\r?\n/);
      const head = lines[0].split(",");
      const row = lines.find((x) => x.startsWith("O05,")).split(",");
      for (const [v, ss] of cards) for (const st of ss) assert.equal(Number(row[head.indexOf(String(st))] ?? row[st]), v, `O05 statement ${st}`);
      assert.equal(cards.reduce((n, c) => n + c[1].length, 0), 40, "every statement on the grid");
      await shot(page, "data-book", "#panel-data");
      await go(page, "correlations");
      await page.waitForSelector("#heatmap canvas");
      const order = await page.$eval("#heatmap", (h) => h.dataset.order.split(" "));
      const text = await page.textContent("#heatmap-text");
      assert.match(text, /ordered by defining factor\. Blocks: F1 \d+, F2 \d+, F3 \d+, F4 \d+/);
      const corr = await page.evaluate(() => document.querySelector("#corr-table").csv);
      // the light replay: the saved study through `qstudy analyze --no-plots`, no download
      const r = await replay(page, true);
      const ids = r.cli.input.sort_ids;
      corr.rows.forEach((rowv) => rowv.slice(1).forEach((v, j) => assert.equal(v, r.cli.correlation[ids.indexOf(rowv[0])][ids.indexOf(order[j])])));
      await page.context().close();
      return { book_columns: cards.length, heatmap_order_first: order.slice(0, 6), text };
    });

    await journey("a-saved-study-zip-reopens-to-the-same-session", async () => {
      const page = await fresh();
      await open(page, APSE, 32);
      await page.click('button[aria-label="Rotate clockwise by 10 degrees"]');
      await settled(page);
      await page.locator('#loadings td.cell[data-factor="F3"]:not(.flag)').first().click();
      await settled(page);
      await page.fill("#name-F1", "reopened viewpoint");
      await page.press("#name-F1", "Tab");
      await settled(page);
      const before = await page.evaluate(() => QS.S.shown.results);
      await go(page, "export");
      const [saved] = await Promise.all([page.waitForEvent("download"), page.click("#save")]);
      const zip = path.join(work, "reopen-study.zip");
      await saved.saveAs(zip);
      await go(page, "data");
      const g = await page.evaluate(() => QS.S.generation);
      await page.setInputFiles("#file", [zip]);
      await page.waitForFunction((g) => QS.S.generation > g, g, { timeout: 60_000 });
      await settled(page);
      const after = await page.evaluate(() => QS.S.shown.results);
      assert.deepEqual(after, before, "the reopened zip gives the same analysis");
      assert.equal((await stepList(page)).length, 1);
      assert.match(await page.textContent("#summary"), /32 sorts x 40 statements/);
      await shot(page, "reopened-zip", "#panel-data");
      await page.context().close();
      return { reopened: path.basename(zip), steps: 1, same_results: true };
    });

    // last: its scree (parallel analysis of 300 sorts, minutes in a debug build) goes on in the
    // server after the page closes, and would hold up the journeys after it
    await journey("a-study-of-300-sorts-shows-the-rows-in-view", async () => {
      const page = await fresh();
      const dir = planted(bin, path.join(work, "planted-300"), 300);
      await page.setInputFiles("#file", ["study.toml", "statements.csv", "sorts.csv", "participants.csv"].map((f) => path.join(dir, f)).filter((f) => fs.existsSync(f)));
      await page.waitForFunction(() => window.QS && QS.S.shown && QS.S.summary.opened.sorts === 300, null, { timeout: 120_000 });
      await settled(page);
      await go(page, "rotate");
      const rows = () => page.$$eval("#loadings tbody tr:not(.spacer)", (trs) => trs.map((t) => t.dataset.sort));
      const first = await rows();
      assert.ok(first.length < 100 && first[0] === "P0001", `a window of rows: ${first.length}`);
      assert.equal(await page.getAttribute("#loadings", "aria-rowcount"), "301");
      assert.equal(Object.keys(await points(page)).length, 300, "every sort is plotted");
      // scroll to the end: the last sorts come into view, and a click there flags
      await page.$eval("#loadings", (t) => { t.parentElement.scrollTop = t.parentElement.scrollHeight; });
      await page.waitForFunction(() => Array.from(document.querySelectorAll("#loadings tbody tr")).some((t) => t.dataset.sort === "P0300"));
      const cell = page.locator('#loadings td.cell[data-sort="P0300"][data-factor="F1"]');
      const was = await cell.evaluate((td) => td.classList.contains("flag"));
      await cell.click();
      await settled(page);
      const now = await page.$eval('#loadings td.cell[data-sort="P0300"][data-factor="F1"]', (td) => td.classList.contains("flag"));
      assert.equal(now, !was);
      await shot(page, "300-sorts", "#panel-rotate");
      await replay(page, true);
      await page.context().close();
      return { rows_drawn: first.length, last_row_flag_toggled: true };
    });

    await journey("no-console-errors", async () => {
      assert.deepEqual(errors, [], "console errors");
      return { console_errors: 0 };
    });
  } finally {
    fs.writeFileSync(path.join(artifacts, "journeys.json"), JSON.stringify(journeys, null, 2) + "\n");
    await browser.close();
    child.kill();
  }
  assert.deepEqual(failed, [], "journeys failed: " + failed.map((n) => n + ": " + journeys[n].error).join("\n\n"));
});

// Real-browser test of `qstudy serve`: Debian's chromium driven by playwright-core.
// Opens the APSE fixture through the file picker, keeps 4 factors, rotates F1/F2 by 5 degrees,
// flags one sort by hand (keyboard), names a factor, saves the study and downloads the results;
// then `qstudy analyze` on the saved study must give the downloaded results.json. Screenshots
// of each step go to target/browser-artifacts/, and what each journey measured (with whether it
// got through) to target/browser-artifacts/journeys.json. Any console error fails the test.
//
// Run: `cargo build -p qstudy-cli && (cd tests/browser && npm ci && npm test)`.
// QSTUDY_BIN overrides the binary (default target/debug/qstudy); CHROMIUM the browser
// (default /usr/bin/chromium). Without chromium the test is skipped, except with CI=true.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn, execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const bin = process.env.QSTUDY_BIN || path.join(root, "target/debug/qstudy");
const chromium = process.env.CHROMIUM || "/usr/bin/chromium";
const artifacts = path.join(root, "target/browser-artifacts");
const fixture = path.join(root, "fixtures/apse-2023");
const haveChromium = fs.existsSync(chromium);
if (!haveChromium && process.env.CI === "true") {
  throw new Error(`${chromium} is missing: CI must install chromium (apt-get install chromium)`);
}
if (!haveChromium) console.log(`# skipped: ${chromium} not found (apt-get install chromium)`);

function startServer() {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, ["serve", "--no-open", "--port", "0"], { stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    child.stdout.on("data", (d) => {
      out += d;
      const m = out.match(/http:\/\/127\.0\.0\.1:\d+\/\?token=[0-9a-f]+/);
      if (m) resolve({ child, url: m[0] });
    });
    child.on("exit", (code) => reject(new Error(`qstudy serve exited with ${code}: ${out}`)));
  });
}

function unzip(zip, dir) {
  fs.mkdirSync(dir, { recursive: true });
  try {
    execFileSync("unzip", ["-q", zip, "-d", dir]);
  } catch {
    execFileSync("python3", ["-m", "zipfile", "-e", zip, dir]);
  }
}

test("workbench: open, keep 4, rotate, flag, name, save; analyze reproduces the download", { skip: !haveChromium, timeout: 300_000 }, async () => {
  const { chromium: pw } = await import("playwright-core");
  fs.rmSync(artifacts, { recursive: true, force: true });
  fs.mkdirSync(artifacts, { recursive: true });
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "qstudy-browser-"));
  const { child, url } = await startServer();
  const browser = await pw.launch({ executablePath: chromium, args: ["--no-sandbox"] });
  const errors = [];
  // journeys.json: {"name": {"ok": bool, ...measured}}; a journey that throws stays ok: false.
  const journeys = {};
  let current = null;
  const begin = (name) => { current = name; journeys[name] = { ok: false }; };
  const done = (measured = {}) => { Object.assign(journeys[current], measured, { ok: true }); };
  // The plotted points of the rotation chart: id and position relative to the centre.
  const points = (page) => page.$$eval("#scatter svg circle.pt", (cs) => {
    const svg = cs[0] && cs[0].ownerSVGElement;
    const [w, h] = svg ? [svg.viewBox.baseVal.width, svg.viewBox.baseVal.height] : [0, 0];
    return cs.map((c) => ({ id: c.getAttribute("data-id"), x: c.cx.baseVal.value - w / 2, y: h / 2 - c.cy.baseVal.value }));
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 }, acceptDownloads: true, bypassCSP: true });
    page.on("console", (m) => { if (m.type() === "error") errors.push(m.text()); });
    page.on("pageerror", (e) => errors.push(String(e)));
    const shot = (name) => page.screenshot({ path: path.join(artifacts, name + ".png"), fullPage: false });
    await page.goto(url);
    await shot("01-start");

    // A broken file: the CLI's one-line error, nothing open.
    begin("broken-file-shows-the-cli-message");
    const broken = path.join(work, "broken.csv");
    fs.writeFileSync(broken, "P01,P02\n1,2\n3\n");
    await page.setInputFiles("#file", [broken]);
    await page.waitForSelector("#error:not([hidden])");
    let cli;
    try {
      execFileSync(bin, ["analyze", "broken.csv", "--out", "o"], { cwd: work, stdio: "pipe" });
    } catch (e) { cli = String(e.stderr).trim(); }
    assert.equal(await page.textContent("#error"), cli);
    done({ message: cli });

    // Open the APSE study (its files, as the picker gives a directory's files).
    begin("open-apse-and-keep-4");
    const files = ["study.toml", "statements.csv", "sorts.csv", "participants.csv"].map((f) => path.join(fixture, f));
    await page.setInputFiles("#file", files);
    await page.waitForFunction(() => document.querySelectorAll("#loadings tr").length === 33, null, { timeout: 120_000 });
    await page.waitForSelector("#scree svg", { timeout: 120_000 });
    assert.match(await page.textContent("#summary"), /32 sorts x 40 statements/);
    await page.fill("#k", "4");
    await page.click("#keep");
    await page.waitForFunction(() => document.querySelectorAll("#loadings tr:first-child th").length === 6);
    await page.locator("#step-extract").screenshot({ path: path.join(artifacts, "02-extraction-scree.png") });
    // the controls offer the values the server lists
    const methods = await page.$$eval("#method option", (os) => os.map((o) => o.value));
    assert.deepEqual(methods, ["centroid", "pca", "horst"]);
    const opened = await points(page);
    assert.equal(opened.length, 32, "every sort is plotted");
    const rows = (await page.locator("#loadings tr").count()) - 1;
    done({ loadings_rows: rows, method_choices: methods, plotted_points: opened.length });

    // An impossible k: the engine's message, the analysis kept.
    begin("impossible-k-keeps-the-analysis");
    await page.fill("#k", "99");
    await page.click("#keep");
    await page.waitForSelector("#error:not([hidden])");
    assert.match(await page.textContent("#error"), /^error: .*99 factors asked for/);
    assert.equal(await page.locator("#loadings tr:first-child th").count(), 6);
    done({ message: await page.textContent("#error") });
    await page.fill("#k", "4");

    // Rotate F1/F2 by 5 degrees (keyboard: focus the button, press Enter): every point turns
    // about the centre by 5 degrees, none is dropped.
    begin("rotate-f1-f2-by-5-degrees");
    await page.selectOption("#fa", "1");
    await page.selectOption("#fb", "2");
    const before = await points(page);
    await page.focus('button.rot[data-deg="5"]');
    await page.keyboard.press("Enter");
    await page.waitForFunction(() => document.querySelectorAll("#steps li").length === 1);
    assert.match(await page.textContent("#steps"), /F1, F2: 5°/);
    // the plot is redrawn with the step list (one render)
    const after = await points(page);
    assert.equal(after.length, before.length, "no point dropped");
    const turns = before.map((p) => {
      const q = after.find((a) => a.id === p.id);
      let d = (Math.atan2(q.y, q.x) - Math.atan2(p.y, p.x)) * 180 / Math.PI;
      if (d > 180) d -= 360;
      if (d < -180) d += 360;
      return { d, r: Math.hypot(p.x, p.y) };
    }).filter((t) => t.r > 20);
    const turn = turns.map((t) => Math.abs(t.d)).sort((a, b) => a - b)[Math.floor(turns.length / 2)];
    await page.locator("#step-rotate").screenshot({ path: path.join(artifacts, "03-rotation.png") });
    assert.ok(Math.abs(turn - 5) < 0.5, `the points turned ${turn} degrees`);
    done({ plotted_points: after.length, median_turn_degrees: Number(turn.toFixed(3)) });

    // Undo / redo, and a drag on the plot (one more step), undone.
    begin("undo-redo-and-drag");
    const steps = (n) => page.waitForFunction((n) => document.querySelectorAll("#steps li").length === n, n);
    await page.click('button.rot[data-deg="10"]');
    await steps(2);
    await page.click("#undo");
    await steps(1);
    await page.click("#redo");
    await steps(2);
    await page.click("#undo");
    await steps(1);
    const box = await page.locator("#scatter svg").boundingBox();
    const [cx, cy] = [box.x + box.width / 2, box.y + box.height / 2];
    await page.mouse.move(cx + 150, cy - 40);
    await page.mouse.down();
    await page.mouse.move(cx + 120, cy + 60, { steps: 6 });
    await page.mouse.up();
    await steps(2);
    assert.match(await page.locator("#steps li").nth(1).textContent(), /^F1, F2: \d+(\.\d)?°$/);
    await page.click("#undo");
    await steps(1);
    done({ steps_after_undo: 1 });

    // Flag one sort by hand on F1 (a cell not flagged yet), from the keyboard.
    begin("flag-a-sort-from-the-keyboard");
    const cell = page.locator('#loadings td.cell[data-factor="F1"]:not(.flag)').first();
    const sort = await cell.getAttribute("data-sort");
    await cell.focus();
    await page.keyboard.press("Enter");
    await page.waitForSelector(`#loadings td.cell.flag[data-factor="F1"][data-sort="${sort}"]`);
    await shot("04-flag");
    done({ sort, factor: "F1" });

    // Name F2.
    begin("name-a-factor");
    await page.fill("#name-F2", "browser-named viewpoint");
    await page.press("#name-F2", "Tab");
    await page.waitForFunction(() => document.querySelector("#characteristics").textContent.includes("browser-named viewpoint"));
    await page.locator("#step-results").screenshot({ path: path.join(artifacts, "05-viewpoints.png") });
    done({ name: "browser-named viewpoint" });

    // Save the study and download the results.
    begin("save-and-download-reproduce-with-the-cli");
    const [saved] = await Promise.all([page.waitForEvent("download"), page.click("#save")]);
    const studyZip = path.join(artifacts, "study.zip");
    await saved.saveAs(studyZip);
    const [down] = await Promise.all([page.waitForEvent("download"), page.click("#download")]);
    const resultsZip = path.join(artifacts, "results.zip");
    await down.saveAs(resultsZip);
    unzip(studyZip, path.join(work, "study"));
    unzip(resultsZip, path.join(work, "download"));
    const studyDir = path.join(work, "study", fs.readdirSync(path.join(work, "study"))[0]);
    const downDir = path.join(work, "download", fs.readdirSync(path.join(work, "download"))[0]);
    const toml = fs.readFileSync(path.join(studyDir, "study.toml"), "utf8");
    assert.match(toml, /rotate = \["1,2,5"\]/);
    assert.match(toml, new RegExp(`flag = \\["${sort}=F1"\\]`));
    assert.match(toml, /F2 = "browser-named viewpoint"/);

    execFileSync(bin, ["analyze", studyDir, "--out", path.join(work, "cli"), "--no-plots", "--quiet"], { stdio: "pipe" });
    const fromCli = JSON.parse(fs.readFileSync(path.join(work, "cli/results.json"), "utf8"));
    const fromPage = JSON.parse(fs.readFileSync(path.join(downDir, "results.json"), "utf8"));
    assert.deepEqual(fromCli.rotated.loadings, fromPage.rotated.loadings);
    assert.deepEqual(fromCli.flags, fromPage.flags);
    assert.deepEqual(fromCli.factors.map((f) => f.array), fromPage.factors.map((f) => f.array));
    assert.deepEqual(fromCli, fromPage);
    assert.deepEqual(fromPage.options.rotation_steps, [[1, 2, 5]]);
    assert.deepEqual(fromPage.options.manual_flags, [[sort, "F1"]]);
    assert.equal(fromPage.factors[1].label, "browser-named viewpoint");
    for (const f of ["report.lis", "results.xlsx", "tables", "plots", "report.html"]) {
      assert.ok(fs.existsSync(path.join(downDir, f)), `download lacks ${f}`);
    }
    done({ files: ["report.lis", "results.xlsx", "tables", "plots", "report.html"], results_equal: true });
    begin("no-console-errors");
    assert.deepEqual(errors, [], "console errors");
    done({ console_errors: 0 });
  } finally {
    fs.writeFileSync(path.join(artifacts, "journeys.json"), JSON.stringify(journeys, null, 2) + "\n");
    await browser.close();
    child.kill();
  }
});

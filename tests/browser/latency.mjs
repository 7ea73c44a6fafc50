// Benchmark (not a test): click-to-paint latency of the workbench, in real chromium.
// For APSE (32 sorts), a planted study of 300 sorts and one of 6,000 (both generated with
// `qstudy simulate` from APSE's design, its four viewpoints, sorts cycling over them), it
// times 20 rotation steps (↻1°) and 20 flag clicks in the loadings table, each from the click
// to the first frame painted after the engine's answer is drawn, and prints the medians.
//
// Run: `cargo build --release -p qstudy-cli && (cd tests/browser && npm run latency)`.
// QSTUDY_BIN overrides the binary (default target/release/qstudy).
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { chromium as pw } from "playwright-core";
import { root, startServer, planted } from "./support.mjs";

const bin = process.env.QSTUDY_BIN || path.join(root, "target/release/qstudy");
const chromium = process.env.CHROMIUM || "/usr/bin/chromium";
const RUNS = 20;

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };

async function measure(browser, name, study, sorts) {
  const { child, url } = await startServer(bin, study);
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 }, bypassCSP: true });
  await page.goto(url);
  await page.waitForFunction((n) => window.QS && QS.S.summary && QS.S.summary.opened.sorts === n && QS.S.shown && !QS.S.running, sorts, { timeout: 600_000 });
  // the rotation and flags step, where both happen
  await page.click('button.go[data-panel="rotate"]');
  // click-to-paint: from the input event to the frame after the answer is drawn
  const once = async (act) => {
    await page.evaluate(() => { delete document.body.dataset.paintMs; });
    await act();
    await page.waitForFunction(() => document.body.dataset.paintMs !== undefined && !QS.S.running, null, { timeout: 600_000 });
    return Number(await page.evaluate(() => document.body.dataset.paintMs));
  };
  const steps = [];
  for (let i = 0; i < RUNS; i++) steps.push(await once(() => page.click('button[aria-label="Rotate clockwise by 1 degree"]')));
  const flags = [];
  for (let i = 0; i < RUNS; i++) {
    const cell = page.locator("#loadings td.cell").nth(i % 4);
    flags.push(await once(() => cell.click()));
  }
  await page.close();
  child.kill();
  return { name, sorts, rotation_step_ms: median(steps), flag_click_ms: median(flags), runs: RUNS };
}

const browser = await pw.launch({ executablePath: chromium, args: ["--no-sandbox"] });
const rows = [];
try {
  rows.push(await measure(browser, "APSE", path.join(root, "fixtures/apse-2023"), 32));
  for (const n of (process.env.SIZES || "300,6000").split(",").map(Number)) rows.push(await measure(browser, `planted-${n}`, planted(bin, fs.mkdtempSync(path.join(os.tmpdir(), `qstudy-latency-${n}-`)), n), n));
} finally {
  await browser.close();
}
console.log("| study | sorts | rotation step (median ms) | flag click (median ms) |");
console.log("|---|---|---|---|");
for (const r of rows) console.log(`| ${r.name} | ${r.sorts} | ${r.rotation_step_ms} | ${r.flag_click_ms} |`);

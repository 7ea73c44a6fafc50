import path from "node:path";
import { chromium as pw } from "playwright-core";
import { root, startServer } from "./support.mjs";
const bin = path.join(root, "target/release/qstudy");
const browser = await pw.launch({ executablePath: "/usr/bin/chromium", args: ["--no-sandbox"] });
const { child, url } = await startServer(bin, process.argv[2]);
const page = await browser.newPage({ viewport: { width: 1280, height: 900 }, bypassCSP: true });
await page.goto(url);
await page.waitForFunction(() => window.QS && QS.S.summary && QS.S.shown && !QS.S.running, null, { timeout: 60000 });
await page.click("button.go[data-panel=rotate]");
await page.evaluate(() => {
  window.__t = {};
  QS.S.renderers = QS.S.renderers.map((f, i) => (what) => { const t = performance.now(); f(what); const d = performance.now() - t; const k = i + ":" + what; (window.__t[k] = window.__t[k] || []).push(d); });
});
const btn = process.env.FLAG ? "#loadings td.cell >> nth=5" : 'button[aria-label="Rotate clockwise by 1 degree"]';
for (let i = 0; i < 10; i++) {
  await page.evaluate(() => { delete document.body.dataset.paintMs; });
  await page.click(btn);
  await page.waitForFunction(() => document.body.dataset.paintMs !== undefined && !QS.S.running);
}
const t = await page.evaluate(() => Object.fromEntries(Object.entries(window.__t).map(([k, v]) => [k, (v.sort((a, b) => a - b)[Math.floor(v.length / 2)]).toFixed(2)])));
console.log(t);
await browser.close(); child.kill();

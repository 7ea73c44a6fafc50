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
const btn = process.env.FLAG ? "#loadings td.cell >> nth=5" : 'button[aria-label="Rotate clockwise by 1 degree"]';
const out = [];
for (let i = 0; i < 15; i++) {
  await page.evaluate(() => { delete document.body.dataset.paintMs; performance.clearResourceTimings(); });
  await page.click(btn);
  await page.waitForFunction(() => document.body.dataset.paintMs !== undefined && !QS.S.running);
  const r = await page.evaluate(() => {
    const e = performance.getEntriesByType("resource").filter((x) => x.name.includes("/api/analyze")).pop();
    const c = QS.S.changedAt;
    return [document.body.dataset.paintMs, document.body.dataset.paintPhases, e && [e.startTime - c, e.requestStart - c, e.responseStart - c, e.responseEnd - c, e.transferSize].map((v) => Math.round(v))];
  });
  out.push(JSON.stringify(r));
}
console.log(out.join("\n"));
await browser.close(); child.kill();

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
const cdp = await page.context().newCDPSession(page);
await cdp.send("Profiler.enable");
await cdp.send("Profiler.setSamplingInterval", { interval: 100 });
await cdp.send("Profiler.start");
const btn = process.env.FLAG ? "#loadings td.cell >> nth=5" : 'button[aria-label="Rotate clockwise by 1 degree"]';
for (let i = 0; i < 10; i++) {
  await page.evaluate(() => { delete document.body.dataset.paintMs; });
  await page.click(btn);
  await page.waitForFunction(() => document.body.dataset.paintMs !== undefined && !QS.S.running);
}
const { profile } = await cdp.send("Profiler.stop");
const self = new Map();
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const dt = profile.timeDeltas; let total = 0;
profile.samples.forEach((id, i) => { const n = byId.get(id); const k = n.callFrame.functionName + " " + (n.callFrame.url.split("/").pop() || "") + ":" + n.callFrame.lineNumber; self.set(k, (self.get(k) || 0) + dt[i]); total += dt[i]; });
console.log([...self].sort((a, b) => b[1] - a[1]).slice(0, 25).map(([k, v]) => (v / 1000).toFixed(1) + " ms  " + k).join("\n"));
await browser.close(); child.kill();

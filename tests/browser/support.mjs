// What the browser test and the latency benchmark share: starting `qstudy serve`, and studies
// of any size planted on APSE's viewpoints.
import { spawn, execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

// Starts `BIN serve --no-open --port 0 [INPUT]`; resolves with the child and the page's URL.
export function startServer(bin, input) {
  return new Promise((resolve, reject) => {
    const args = ["serve", "--no-open", "--port", "0"].concat(input ? [input] : []);
    const child = spawn(bin, args, { stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    child.stdout.on("data", (d) => {
      out += d;
      const m = out.match(/http:\/\/127\.0\.0\.1:\d+\/\?token=[0-9a-f]+/);
      if (m) resolve({ child, url: m[0] });
    });
    child.on("exit", (code) => reject(new Error(`qstudy serve exited with ${code}: ${out}`)));
  });
}

// A study directory `dir` of `n` sorts planted on APSE's four viewpoints (`qstudy simulate`,
// sorts cycling over them, loadings 0.5-0.8, 40 statements; ids P0001...); returns `dir`.
export function planted(bin, dir, n) {
  fs.mkdirSync(dir, { recursive: true });
  const design = fs.readFileSync(path.join(root, "fixtures/apse-2023/design.toml"), "utf8");
  const head = design.slice(0, design.indexOf("[[participants]]")).replace(/\[factor_names\][^[]*/, "");
  const names = [...design.matchAll(/^name = "([^"]+)"/gm)].map((m) => m[1]);
  let body = head;
  for (let i = 0; i < n; i++) {
    body += `\n[[participants]]\nid = "P${String(i + 1).padStart(Math.max(4, String(n).length), "0")}"\nloadings = [{ viewpoint = "${names[i % names.length]}", min = 0.5, max = 0.8 }]\n`;
  }
  fs.copyFileSync(path.join(root, "fixtures/apse-2023/statements.csv"), path.join(dir, "statements.csv"));
  fs.writeFileSync(path.join(dir, "design.toml"), body);
  execFileSync(bin, ["simulate", path.join(dir, "design.toml"), "--out", dir, "--quiet"]);
  return dir;
}

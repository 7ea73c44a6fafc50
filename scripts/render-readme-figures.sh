#!/usr/bin/env bash
# Regenerates the README's figures: the composite sorts of the APSE study's four viewpoints,
# docs/apse-composite-F1.png ... F4.png (1200 px wide). Run from anywhere:
#   scripts/render-readme-figures.sh
set -euo pipefail
cd "$(dirname "$0")/.."

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
cargo build --release --quiet
./target/release/qstudy analyze fixtures/apse-2023 --out "$out" --no-plots --quiet
for f in F1 F2 F3 F4; do
  ./target/release/qstudy plot "$out/results.json" --kind composite --factors "$f" \
    --width 1200 --out "docs/apse-composite-$f.png"
done

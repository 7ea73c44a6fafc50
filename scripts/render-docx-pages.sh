#!/usr/bin/env bash
# Regenerates the README's two pages of the APSE study's report.docx, rendered by LibreOffice:
# docs/img/report-docx-methods.png (page 3: methods, factors, factor arrays) and
# docs/img/report-docx-checklist.png (the last page: the reporting checklist). Needs
# soffice (Debian: libreoffice-writer) and pdftoppm (poppler-utils). Run from anywhere:
#   scripts/render-docx-pages.sh
set -euo pipefail
cd "$(dirname "$0")/.."

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
cargo build --release --quiet
./target/release/qstudy analyze fixtures/apse-2023 --out "$out/apse" --quiet
soffice "-env:UserInstallation=file://$out/profile" --headless --convert-to pdf \
  --outdir "$out" "$out/apse/report.docx" >/dev/null
pages=$(pdfinfo "$out/report.pdf" | sed -n 's/^Pages: *//p')
pdftoppm -r 90 -png -singlefile -f 3 -l 3 "$out/report.pdf" docs/img/report-docx-methods
pdftoppm -r 90 -png -singlefile -f "$pages" -l "$pages" "$out/report.pdf" \
  docs/img/report-docx-checklist

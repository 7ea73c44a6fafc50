#!/usr/bin/env bash
# Coverage-guided fuzzing of qstudy's readers with cargo-fuzz (libFuzzer); see docs/fuzzing.md.
#   scripts/fuzz.sh [RUNS] [TARGET...]     (default: 1000000 runs of every target, one at a time)
# Needs cargo-fuzz (`cargo install cargo-fuzz`). No sanitizer (-s none): runs on stable rustc;
# RUSTC_BOOTSTRAP=1 is set so that an ASan build (`-s address`) works on stable too. A crash is saved under
# fuzz/artifacts/TARGET/; copy it to fixtures/fuzz/TARGET/ so that tests/it/fuzz_regressions.rs
# replays it on every `cargo test`.
set -euo pipefail
cd "$(dirname "$0")/../fuzz"
runs="${1:-1000000}"
shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  targets=(csv json eqwebsort statements xlsx pqmethod study_toml study_csv http upload)
fi
for t in "${targets[@]}"; do
  mkdir -p "corpus/$t"
  echo "== $t: $runs runs"
  # The workbook targets unpack every input: comparison tracing inside zlib and memchr took
  # 60% of their time (~40 runs/s), so they are built without it, in their own target dir.
  build=()
  case "$t" in
    xlsx | upload) build=(--no-trace-compares --target-dir target/no-trace-compares) ;;
  esac
  RUSTC_BOOTSTRAP=1 cargo fuzz run -O -s none "${build[@]}" "$t" "corpus/$t" "seeds/$t" -- \
    -runs="$runs" -timeout=10 -rss_limit_mb=4096 -max_len=16384 \
    -print_final_stats=1 2>&1 | tee "corpus/$t.log" | grep -E "^#[0-9]+ +DONE|stat::|Done [0-9]+ runs|ERROR|panicked" || true
done

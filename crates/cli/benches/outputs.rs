//! Benchmarks of `qstudy analyze`'s outputs (docs/performance.md):
//! `cargo bench -p qstudy-cli --bench outputs`.
//!
//! - `analyze_process`: `qstudy analyze` of the APSE fixture as a process (the release binary),
//!   with every output and with `--no-plots`.
//!
//! The engine's benchmarks are qstudy-core's (`crates/core/benches/engine.rs`), the figures'
//! qstudy-app's (`crates/app/benches/figures.rs`).

use std::path::PathBuf;

fn main() {
    divan::main();
}

fn fixture(rel: &str) -> PathBuf {
    [env!("CARGO_MANIFEST_DIR"), "..", "..", "fixtures", rel]
        .iter()
        .collect()
}

#[divan::bench(args = ["all outputs", "--no-plots"], sample_count = 20)]
fn analyze_process(bencher: divan::Bencher, mode: &str) {
    let exe = env!("CARGO_BIN_EXE_qstudy");
    let input = fixture("apse-2023");
    bencher
        .with_inputs(|| tempfile::tempdir().expect("tempdir"))
        .bench_local_values(|dir| {
            let mut cmd = std::process::Command::new(exe);
            cmd.arg("analyze")
                .arg(&input)
                .arg("--out")
                .arg(dir.path().join("out"))
                .arg("--quiet")
                .stderr(std::process::Stdio::null());
            if mode == "--no-plots" {
                cmd.arg("--no-plots");
            }
            let status = cmd.status().expect("run qstudy");
            assert!(status.success());
            dir
        });
}

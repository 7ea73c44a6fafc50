//! Benchmarks of `qstudy analyze`'s outputs (docs/performance.md):
//! `cargo bench -p qstudy-cli --bench outputs`.
//!
//! - `analyze_process`: `qstudy analyze` of the APSE fixture as a process (the release binary),
//!   with every output and with `--no-plots`;
//! - `figures_apse`: every figure of the APSE analysis as SVG and PNG, and report.html
//!   (`qstudy_plot::render_outputs`), on 1 and 2 threads.
//!
//! The engine's benchmarks are qstudy-core's (`crates/core/benches/engine.rs`).

use std::path::PathBuf;

use qstudy_core::analysis::{AnalysisOptions, analyze};
use qstudy_core::validate::{ValidationOptions, validate};

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

#[divan::bench(args = [1, 2], sample_count = 10, sample_size = 1)]
fn figures_apse(bencher: divan::Bencher, threads: usize) {
    let loaded = qstudy_io::read_sorts(&fixture("apse-2023"), None).expect("fixture");
    let opts = ValidationOptions {
        grid: loaded.grid.clone(),
        free_distribution: false,
    };
    let study = validate(&loaded.table, &opts).expect("valid fixture");
    let options = AnalysisOptions {
        factors: 4,
        ..Default::default()
    };
    let mut results = analyze(&study, &options).expect("analysis");
    if let Some(p) = loaded.participants() {
        results.attach_participants(p.to_vec());
    }
    let info = qstudy_plot::ReportInfo::default();
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .expect("pool");
    bencher.bench(|| {
        pool.install(|| {
            let gallery =
                qstudy_plot::standard_plots(&results, &Default::default()).expect("figures");
            divan::black_box(
                qstudy_plot::render_outputs(&results, &gallery, &info).expect("render"),
            )
        })
    });
}

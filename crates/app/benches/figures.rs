//! Benchmark of the figures of an analysis (docs/performance.md):
//! `cargo bench -p qstudy-app --bench figures`.
//!
//! - `figures_apse`: every figure of the APSE analysis as SVG and PNG, and report.html
//!   (`qstudy_app::figures::render_outputs`), on 1 and 2 threads.

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
    let info = qstudy_report::ReportInfo::default();
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .expect("pool");
    bencher.bench(|| {
        pool.install(|| {
            let gallery =
                qstudy_plot::standard_plots(&results, &Default::default()).expect("figures");
            divan::black_box(
                qstudy_app::figures::render_outputs(&results, &gallery, &info).expect("render"),
            )
        })
    });
}

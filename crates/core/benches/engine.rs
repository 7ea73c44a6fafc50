//! Benchmarks of docs/performance.md: `cargo bench -p qstudy-cli --bench engine`.
//!
//! - `analyze_process`: `qstudy analyze` of the APSE fixture as a process (the release binary),
//!   with every output and with `--no-plots`;
//! - `pca_varimax` / `centroid`: extraction + varimax on planted studies of 60 statements
//!   (the `n x n` matrix is never formed above `DENSE_LIMIT` sorts);
//! - `analyze_core`: the whole core analysis (`analyze`, which also forms the correlation matrix
//!   written to results.json when n <= 2000);
//! - `bootstrap_redu_fut`: 1000 replicates of REDU-FUT (49 x 36, PCA, 3 factors) on 1 and 2
//!   threads;
//! - `parallel_analysis_apse`: 1000 random studies on the APSE design (32 x 40);
//! - `figures_apse`: every figure of the APSE analysis as SVG and PNG, and report.html
//!   (`qstudy_plot::render_outputs`), on 1 and 2 threads.

use std::path::PathBuf;
use std::sync::OnceLock;

use ndarray::s;
use qstudy_core::analysis::{AnalysisOptions, analyze};
use qstudy_core::bootstrap::{BootstrapOptions, bootstrap};
use qstudy_core::correlate::{Engine, Persons};
use qstudy_core::extract::extract_persons;
use qstudy_core::retention::{RetentionOptions, parallel_analysis};
use qstudy_core::rotate::{Rotation, VarimaxMethod, rotate};
use qstudy_core::synthetic::planted_study;
use qstudy_core::validate::{ValidationOptions, validate};
use qstudy_core::{Correlation, Extraction, Grid, Study};

fn main() {
    divan::main();
}

fn fixture(rel: &str) -> PathBuf {
    [env!("CARGO_MANIFEST_DIR"), "..", "..", "fixtures", rel]
        .iter()
        .collect()
}

fn load(rel: &str) -> Study {
    let loaded = qstudy_io::read_sorts(&fixture(rel), None).expect("fixture");
    let opts = ValidationOptions {
        grid: loaded.grid.clone(),
        free_distribution: false,
    };
    validate(&loaded.table, &opts).expect("valid fixture")
}

/// A planted study of `n` sorts x 60 statements (grid -5..5), 5 viewpoints, seed 1.
fn planted(n: usize) -> &'static Study {
    static SMALL: OnceLock<Study> = OnceLock::new();
    static LARGE: OnceLock<Study> = OnceLock::new();
    let cell = if n <= 2000 { &SMALL } else { &LARGE };
    cell.get_or_init(|| {
        let grid: Grid = "-5:2,-4:3,-3:4,-2:6,-1:8,0:14,1:8,2:6,3:4,4:3,5:2"
            .parse()
            .expect("grid");
        let t = planted_study(&grid, n, 5, (0.45, 0.75), 1).table;
        validate(&t, &ValidationOptions::default()).expect("valid")
    })
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

fn extract_and_rotate(study: &Study, method: Extraction, extract: usize, keep: usize) {
    let persons = Persons::new(study.values(), Correlation::Pearson, Engine::Auto);
    let e = extract_persons(&persons, method, extract);
    let r = rotate(
        e.loadings.slice(s![.., ..keep]),
        Rotation::Varimax,
        VarimaxMethod::Svd,
        qstudy_core::rotate::Orientation::Reflect,
        &[],
    )
    .expect("rotation");
    divan::black_box(r);
}

#[divan::bench(args = [2000, 100_000], sample_count = 10, sample_size = 1)]
fn pca_varimax(bencher: divan::Bencher, n: usize) {
    let study = planted(n);
    bencher.bench(|| extract_and_rotate(study, Extraction::Pca, 5, 5));
}

#[divan::bench(args = [2000], sample_count = 10, sample_size = 1)]
fn centroid(bencher: divan::Bencher, n: usize) {
    let study = planted(n);
    bencher.bench(|| extract_and_rotate(study, Extraction::Centroid, 7, 5));
}

#[divan::bench(args = [2000, 100_000], sample_count = 10, sample_size = 1)]
fn analyze_core(bencher: divan::Bencher, n: usize) {
    let study = planted(n);
    let opts = AnalysisOptions {
        extraction: Extraction::Pca,
        factors: 5,
        ..Default::default()
    };
    bencher.bench(|| divan::black_box(analyze(study, &opts).expect("analysis")));
}

#[divan::bench(args = [1, 2], sample_count = 10, sample_size = 1)]
fn bootstrap_redu_fut(bencher: divan::Bencher, threads: usize) {
    let study = load("redu-fut/qsorts.csv");
    let opts = AnalysisOptions {
        extraction: Extraction::Pca,
        factors: 3,
        ..Default::default()
    };
    let bopts = BootstrapOptions {
        replicates: 1000,
        ..Default::default()
    };
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .expect("pool");
    bencher.bench(|| {
        pool.install(|| {
            divan::black_box(bootstrap(&study, &opts, &bopts, &|_| {}).expect("bootstrap"))
        })
    });
}

#[divan::bench(sample_count = 10, sample_size = 1)]
fn parallel_analysis_apse(bencher: divan::Bencher) {
    let study = load("apse-2023");
    let ropts = RetentionOptions::default();
    bencher.bench(|| {
        divan::black_box(parallel_analysis(
            &study,
            Correlation::Pearson,
            &ropts,
            &|_| {},
        ))
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

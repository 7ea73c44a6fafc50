//! Benchmarks of the engine (docs/performance.md): `cargo bench -p qstudy-core --bench engine`.
//!
//! - `pca_varimax` / `centroid`: extraction + varimax on planted studies of 60 statements
//!   (the `n x n` matrix is never formed above `DENSE_LIMIT` sorts);
//! - `analyze_core`: the whole core analysis (`analyze`, which also forms the correlation matrix
//!   written to results.json when n <= 2000);
//! - `bootstrap_redu_fut`: 1000 replicates of REDU-FUT (49 x 36, PCA, 3 factors) on 1 and 2
//!   threads;
//! - `parallel_analysis_apse`: 1000 random studies on the APSE design (32 x 40).
//!
//! The two fixtures are plain CSVs read here, so that the engine's benchmarks need nothing
//! but the engine (`qstudy analyze` as a process and the figures: `crates/cli/benches/outputs.rs`).

use std::path::PathBuf;
use std::sync::OnceLock;

use ndarray::s;
use qstudy_core::analysis::{AnalysisOptions, analyze};
use qstudy_core::bootstrap::{BootstrapOptions, bootstrap};
use qstudy_core::correlate::{CorrelationForm, SortCorrelation};
use qstudy_core::extract::extract_persons;
use qstudy_core::retention::{RetentionOptions, parallel_analysis};
use qstudy_core::rotate::{Rotation, VarimaxMethod, rotate};
use qstudy_core::synthetic::planted_study;
use qstudy_core::validate::{ValidationOptions, validate};
use qstudy_core::{Correlation, Extraction, Grid, SortTable, Study};

fn main() {
    divan::main();
}

fn fixture(rel: &str) -> String {
    let p: PathBuf = [env!("CARGO_MANIFEST_DIR"), "..", "..", "fixtures", rel]
        .iter()
        .collect();
    std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

fn cells(line: &str) -> Vec<&str> {
    line.split(',')
        .map(|c| c.trim().trim_matches('"'))
        .collect()
}

fn number(cell: &str) -> i32 {
    cell.parse().expect("a sort value")
}

/// REDU-FUT (`redu-fut/qsorts.csv`: one row per statement, a label column, one column per
/// sort), its grid inferred from the sorts.
fn redu_fut() -> Study {
    let text = fixture("redu-fut/qsorts.csv");
    let mut lines = text.lines().filter(|l| !l.trim().is_empty());
    let ids: Vec<String> = cells(lines.next().expect("header"))[1..]
        .iter()
        .map(|s| s.to_string())
        .collect();
    let mut values = vec![Vec::new(); ids.len()];
    for line in lines {
        for (sort, cell) in values.iter_mut().zip(&cells(line)[1..]) {
            sort.push(number(cell));
        }
    }
    let table = SortTable {
        missing: Vec::new(),
        sort_ids: ids,
        statement_labels: None,
        values,
    };
    validate(&table, &ValidationOptions::default()).expect("valid fixture")
}

/// APSE (`apse-2023/sorts.csv`: one row per sort, its id first) in the grid of its
/// `study.toml`.
fn apse() -> Study {
    let toml = fixture("apse-2023/study.toml");
    let grid: Grid = toml
        .lines()
        .find_map(|l| l.strip_prefix("grid = "))
        .expect("grid in study.toml")
        .trim_matches('"')
        .parse()
        .expect("grid");
    let text = fixture("apse-2023/sorts.csv");
    let (mut sort_ids, mut values) = (Vec::new(), Vec::new());
    for line in text.lines().skip(1).filter(|l| !l.trim().is_empty()) {
        let row = cells(line);
        sort_ids.push(row[0].to_string());
        values.push(row[1..].iter().map(|c| number(c)).collect());
    }
    let table = SortTable {
        missing: Vec::new(),
        sort_ids,
        statement_labels: None,
        values,
    };
    let opts = ValidationOptions {
        grid: Some(grid),
        free_distribution: false,
    };
    validate(&table, &opts).expect("valid fixture")
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

fn extract_and_rotate(study: &Study, method: Extraction, extract: usize, keep: usize) {
    let persons = SortCorrelation::new(study.values(), Correlation::Pearson, CorrelationForm::Auto);
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
    let study = redu_fut();
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
    let study = apse();
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

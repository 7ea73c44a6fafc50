//! Tests of the bootstrap: determinism across threads, shrinking errors, planted flags.

use super::align::best_matching;
use super::*;
use crate::data::Grid;
use crate::validate::{ValidationOptions, validate};

fn planted(n: usize, seed: u64) -> (Study, synthetic::Planted) {
    let grid: Grid = "-4:2,-3:3,-2:4,-1:6,0:10,1:6,2:4,3:3,4:2".parse().unwrap();
    let sim = synthetic::planted_study(&grid, n, 2, (0.65, 0.8), seed);
    (
        validate(&sim.table, &ValidationOptions::default()).unwrap(),
        sim,
    )
}

fn run(study: &Study, extraction: Extraction, b: usize, threads: usize) -> BootstrapResults {
    let opts = AnalysisOptions {
        factors: 2,
        extraction,
        ..Default::default()
    };
    let bopts = BootstrapOptions {
        replicates: b,
        seed: 7,
        ..Default::default()
    };
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .unwrap()
        .install(|| bootstrap(study, &opts, &bopts, &|_| {}))
        .unwrap()
}

#[test]
fn same_seed_same_results_on_any_number_of_threads() {
    let (s, _) = planted(24, 1);
    for extraction in [Extraction::Pca, Extraction::Centroid] {
        // more replicates than a batch, so batches and threads both vary
        let one = run(&s, extraction, BATCH + 9, 1);
        let three = run(&s, extraction, BATCH + 9, 3);
        assert_eq!(one, three);
        assert_eq!(
            serde_json::to_string(&one).unwrap(),
            serde_json::to_string(&three).unwrap()
        );
    }
}

#[test]
fn standard_errors_shrink_as_the_study_grows() {
    let mean_se = |r: &BootstrapResults| {
        let se: Vec<f64> = r
            .factors
            .iter()
            .flat_map(|f| f.se.clone().unwrap())
            .collect();
        se.iter().sum::<f64>() / se.len() as f64
    };
    let (small, _) = planted(16, 2);
    let (large, _) = planted(64, 2);
    let (a, b) = (
        run(&small, Extraction::Pca, 40, 2),
        run(&large, Extraction::Pca, 40, 2),
    );
    assert!(
        mean_se(&b) < 0.8 * mean_se(&a),
        "{} vs {}",
        mean_se(&b),
        mean_se(&a)
    );
    let loading_se = |r: &BootstrapResults| {
        let v: Vec<f64> = r.loadings.se.iter().flatten().flatten().copied().collect();
        v.iter().sum::<f64>() / v.len() as f64
    };
    assert!(loading_se(&b) < loading_se(&a));
}

#[test]
fn planted_sorts_are_flagged_nearly_always() {
    let (s, sim) = planted(30, 3);
    let r = run(&s, Extraction::Pca, 60, 2);
    // the factor of each viewpoint: where its participants are flagged in the full sample
    for v in 0..2 {
        let holders: Vec<usize> = (0..30).filter(|&i| sim.viewpoint[i] == v).collect();
        let f = (0..2)
            .max_by_key(|&f| {
                holders
                    .iter()
                    .filter(|&&i| r.loadings.flagged[i][f])
                    .count()
            })
            .unwrap();
        let freq: Vec<f64> = holders
            .iter()
            .map(|&i| r.loadings.flag_frequency[i][f].unwrap())
            .collect();
        let mean = freq.iter().sum::<f64>() / freq.len() as f64;
        assert!(mean > 0.9, "viewpoint {v}: {freq:?}");
    }
    assert_eq!(r.replicates_used, 60);
    assert!(r.factors.iter().all(|f| f.match_correlation > 0.9));
}

#[test]
fn matching_handles_more_factors_greedily() {
    let c = vec![
        vec![0.1, 0.9, 0.0, 0.0, 0.0, 0.0, 0.0],
        vec![0.9, 0.1, 0.0, 0.0, 0.0, 0.0, 0.0],
        vec![0.0, 0.0, 0.0, 0.0, 0.0, 0.0, -0.8],
        vec![0.0, 0.0, 0.7, 0.0, 0.0, 0.0, 0.0],
        vec![0.0, 0.0, 0.0, 0.6, 0.0, 0.0, 0.0],
        vec![0.0, 0.0, 0.0, 0.0, 0.5, 0.0, 0.0],
        vec![0.0, 0.0, 0.0, 0.0, 0.0, 0.4, 0.0],
    ];
    assert_eq!(best_matching(&c), vec![1, 0, 3, 4, 5, 6, 2]);
    let small: Vec<Vec<f64>> = c[..3].iter().map(|r| r[..3].to_vec()).collect();
    assert_eq!(best_matching(&small), vec![1, 0, 2]);
}

#[test]
fn bad_options_are_refused() {
    let (s, _) = planted(12, 4);
    let opts = AnalysisOptions {
        factors: 2,
        ..Default::default()
    };
    let b = |replicates, interval| BootstrapOptions {
        replicates,
        interval,
        ..Default::default()
    };
    assert!(matches!(
        bootstrap(&s, &opts, &b(1, 0.95), &|_| {}),
        Err(BootstrapError::TooFewReplicates(1))
    ));
    assert!(matches!(
        bootstrap(&s, &opts, &b(10, 1.5), &|_| {}),
        Err(BootstrapError::BadInterval(_))
    ));
    let split = AnalysisOptions {
        flagging: FlaggingOptions {
            split: vec![1],
            ..Default::default()
        },
        ..opts
    };
    assert_eq!(
        bootstrap(&s, &split, &b(10, 0.95), &|_| {}),
        Err(BootstrapError::Split)
    );
}

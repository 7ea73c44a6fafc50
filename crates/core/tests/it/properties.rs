//! Property tests of the invariants of the pipeline on random forced-grid studies.

use ndarray::Array2;
use proptest::prelude::*;
use qstudy_core::Compatibility;
use qstudy_core::analysis::{AnalysisOptions, AnalysisResults, analyze};
use qstudy_core::rotate::{Orientation, Rotation, RotationStep, VarimaxMethod, rotate};
use qstudy_core::validate::{ValidationOptions, validate};
use qstudy_core::{Correlation, Extraction, Grid, SortTable};

const GRIDS: [&str; 3] = [
    "-2:1,-1:2,0:3,1:2,2:1",
    "-3:1,-2:2,-1:3,0:4,1:3,2:2,3:1",
    "-4:2,-3:2,-2:3,-1:4,0:4,1:4,2:3,3:2,4:2",
];

/// Casts scores into a grid: the lowest score gets the lowest grid value (ties by position).
fn cast(scores: &[f64], grid: &Grid) -> Vec<i32> {
    let mut idx: Vec<usize> = (0..scores.len()).collect();
    idx.sort_by(|&a, &b| scores[a].total_cmp(&scores[b]).then(a.cmp(&b)));
    let mut out = vec![0; scores.len()];
    for (v, i) in grid.expanded().into_iter().zip(idx) {
        out[i] = v;
    }
    out
}

/// A random study with structure, as real ones have: 2-3 viewpoints (random ideal sorts);
/// each participant holds one of them (possibly reversed) plus noise of a random strength,
/// cast into the forced grid. Fully random sorts are included through strong noise.
fn study_strategy() -> impl Strategy<Value = SortTable> {
    (0usize..GRIDS.len(), 6usize..14, 2usize..4).prop_flat_map(|(g, n, views)| {
        let grid: Grid = GRIDS[g].parse().unwrap();
        let m = grid.cells();
        let ideals = prop::collection::vec(prop::collection::vec(-1.0f64..1.0, m), views);
        let people = prop::collection::vec(
            (
                0..views,
                prop::bool::weighted(0.15),
                0.1f64..1.5,
                prop::collection::vec(-1.0f64..1.0, m),
            ),
            n,
        );
        (ideals, people).prop_map(move |(ideals, people)| {
            let values = people
                .iter()
                .map(|(v, reversed, noise, e)| {
                    let sign = if *reversed { -1.0 } else { 1.0 };
                    let scores: Vec<f64> = (0..m)
                        .map(|j| sign * ideals[*v][j] + noise * e[j])
                        .collect();
                    cast(&scores, &grid)
                })
                .collect::<Vec<_>>();
            SortTable {
                missing: Vec::new(),
                sort_ids: (1..=values.len()).map(|i| format!("S{i}")).collect(),
                statement_labels: None,
                values,
            }
        })
    })
}

fn options_strategy() -> impl Strategy<Value = AnalysisOptions> {
    (
        prop::sample::select(vec![Extraction::Centroid, Extraction::Pca]),
        prop::sample::select(vec![
            Correlation::Pearson,
            Correlation::Spearman,
            Correlation::Kendall,
        ]),
        prop::sample::select(vec![
            None,
            Some(VarimaxMethod::Pqmethod),
            Some(VarimaxMethod::Svd),
            Some(VarimaxMethod::Pairwise),
        ]),
        prop::sample::select(vec![Compatibility::Pqmethod, Compatibility::Qmethod]),
        2usize..4,
    )
        .prop_map(
            |(extraction, correlation, varimax, numerics, factors)| AnalysisOptions {
                numerics,
                extraction,
                correlation,
                varimax,
                factors,
                ..Default::default()
            },
        )
}

fn run(table: &SortTable, opts: &AnalysisOptions) -> AnalysisResults {
    let study = validate(table, &ValidationOptions::default()).unwrap();
    analyze(&study, opts).unwrap()
}

fn matrix(rows: &[Vec<f64>]) -> Array2<f64> {
    Array2::from_shape_fn((rows.len(), rows[0].len()), |(i, j)| rows[i][j])
}

/// 48 cases per property from a fixed seed, so CI is reproducible; set PROPTEST_RNG_SEED (and
/// PROPTEST_CASES) to explore other cases.
fn config() -> ProptestConfig {
    let default = ProptestConfig::default();
    ProptestConfig {
        cases: if std::env::var("PROPTEST_CASES").is_ok() {
            default.cases
        } else {
            48
        },
        failure_persistence: None,
        rng_seed: if std::env::var("PROPTEST_RNG_SEED").is_ok() {
            default.rng_seed
        } else {
            proptest::test_runner::RngSeed::Fixed(20_231_124)
        },
        ..default
    }
}

/// Random `n x k` loading matrices with entries in (-0.95, 0.95).
fn loadings_strategy() -> impl Strategy<Value = Array2<f64>> {
    (3usize..30, 2usize..6).prop_flat_map(|(n, k)| {
        prop::collection::vec(-0.95f64..0.95, n * k)
            .prop_map(move |v| Array2::from_shape_vec((n, k), v).unwrap())
    })
}

proptest! {
    #![proptest_config(config())]

    /// Every varimax form (PQMethod's, R's SVD form, Kaiser's pairwise to convergence) is an
    /// orthogonal rotation: it keeps each sort's communality and never lowers the criterion.
    #[test]
    fn every_varimax_form_is_orthogonal_and_keeps_communalities(a in loadings_strategy()) {
        use qstudy_core::rotate::{varimax, varimax_criterion, varimax_pqmethod, varimax_r};
        let k = a.ncols();
        for (name, (rot, t, _)) in [
            ("pqmethod", varimax_pqmethod(a.view())),
            ("svd", varimax_r(a.view(), 1e-5)),
            ("pairwise", varimax(a.view())),
        ] {
            let tt = t.t().dot(&t);
            for i in 0..k { for j in 0..k {
                let want = if i == j { 1.0 } else { 0.0 };
                prop_assert!((tt[[i, j]] - want).abs() < 1e-10, "{}: T'T", name);
            }}
            for i in 0..a.nrows() {
                let h0 = a.row(i).dot(&a.row(i));
                let h1 = rot.row(i).dot(&rot.row(i));
                prop_assert!((h0 - h1).abs() < 1e-10, "{}: communality of row {}", name, i);
            }
            prop_assert!(varimax_criterion(rot.view()) >= varimax_criterion(a.view()) - 1e-9, "{}: criterion", name);
        }
    }

    #[test]
    fn rotation_is_orthogonal_and_keeps_communalities(
        table in study_strategy(),
        opts in options_strategy(),
        degrees in -90.0f64..90.0,
    ) {
        let mut opts = opts;
        opts.rotation_steps = vec![RotationStep { a: 1, b: 2, degrees }];
        let res = run(&table, &opts);
        let k = opts.factors;
        let unrot = matrix(&res.unrotated.loadings);
        let unrot = unrot.slice(ndarray::s![.., ..k]);
        let rot = matrix(&res.rotated.loadings);
        let t = matrix(&res.rotated.rotation_matrix);
        // T is orthogonal
        let tt = t.t().dot(&t);
        for i in 0..k { for j in 0..k {
            let want = if i == j { 1.0 } else { 0.0 };
            prop_assert!((tt[[i, j]] - want).abs() < 1e-10);
        }}
        // rotated = unrotated x T
        let back = unrot.dot(&t);
        for (a, b) in back.iter().zip(rot.iter()) { prop_assert!((a - b).abs() < 1e-10); }
        // communalities unchanged
        for i in 0..rot.nrows() {
            let h_u: f64 = unrot.row(i).iter().map(|v| v * v).sum();
            prop_assert!((h_u - res.rotated.communalities[i]).abs() < 1e-10);
        }
    }

    #[test]
    fn zscores_are_standard_and_arrays_follow_the_grid(table in study_strategy(), opts in options_strategy()) {
        let res = run(&table, &opts);
        let grid: Vec<i32> = {
            let mut g: Vec<i32> = table.values[0].clone();
            g.sort();
            g
        };
        for f in &res.factors {
            if let (Some(z), Some(a)) = (&f.zscores, &f.array) {
                let m = z.len() as f64;
                let mean = z.iter().sum::<f64>() / m;
                let var = z.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>() / (m - 1.0);
                prop_assert!(mean.abs() < 1e-10);
                prop_assert!((var - 1.0).abs() < 1e-10);
                let mut sorted = a.clone();
                sorted.sort();
                prop_assert_eq!(&sorted, &grid);
                // The array is monotone in z.
                for i in 0..z.len() { for j in 0..z.len() {
                    if z[i] < z[j] { prop_assert!(a[i] <= a[j]); }
                }}
            }
        }
    }

    /// PCA only: the centroid method reflects the first of tied variables (PQMethod's rule), so
    /// with exactly tied column sums its factors depend on the order of the sorts by design.
    /// `centroid_is_order_free_without_ties` covers the centroid on real data.
    #[test]
    fn permuting_sorts_permutes_loadings(table in study_strategy(), opts in options_strategy(), seed in any::<u64>()) {
        let mut opts = opts;
        opts.extraction = Extraction::Pca;
        opts.varimax = Some(VarimaxMethod::Pairwise);
        let n = table.values.len();
        let mut perm: Vec<usize> = (0..n).collect();
        // deterministic Fisher-Yates from the seed
        let mut s = seed;
        for i in (1..n).rev() {
            s = s.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            perm.swap(i, (s >> 33) as usize % (i + 1));
        }
        let permuted = SortTable {
            missing: Vec::new(),
            sort_ids: perm.iter().map(|&i| table.sort_ids[i].clone()).collect(),
            statement_labels: None,
            values: perm.iter().map(|&i| table.values[i].clone()).collect(),
        };
        let a = run(&table, &opts);
        let b = run(&permuted, &opts);
        for (new, &old) in perm.iter().enumerate() {
            for f in 0..opts.factors {
                prop_assert!((a.rotated.loadings[old][f] - b.rotated.loadings[new][f]).abs() < 1e-8,
                    "sort {} factor {}: {} vs {} with {:?} {:?} {:?}", old, f, a.rotated.loadings[old][f], b.rotated.loadings[new][f], opts.extraction, opts.varimax, opts.correlation);
            }
            prop_assert_eq!(&a.flags[old], &b.flags[new]);
        }
    }

    /// With the pairwise (fully converged) varimax: R's stopping rule (`svd`) halts on a relative
    /// criterion change, which rounding in the last bits can move by one iteration in flat
    /// criterion landscapes (seen once in ~2000 random studies, 5e-3 in a loading).
    #[test]
    fn permuting_statements_permutes_zscores(table in study_strategy(), opts in options_strategy(), seed in any::<u64>()) {
        let mut opts = opts;
        opts.varimax = Some(VarimaxMethod::Pairwise);
        let m = table.values[0].len();
        let mut perm: Vec<usize> = (0..m).collect();
        let mut s = seed;
        for i in (1..m).rev() {
            s = s.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            perm.swap(i, (s >> 33) as usize % (i + 1));
        }
        let permuted = SortTable {
            missing: Vec::new(),
            sort_ids: table.sort_ids.clone(),
            statement_labels: None,
            values: table.values.iter().map(|row| perm.iter().map(|&j| row[j]).collect()).collect(),
        };
        let a = run(&table, &opts);
        let b = run(&permuted, &opts);
        for (x, y) in a.rotated.loadings.iter().flatten().zip(b.rotated.loadings.iter().flatten()) {
            prop_assert!((x - y).abs() < 1e-8, "{} vs {} with {:?} {:?} {:?}", x, y, opts.extraction, opts.varimax, opts.correlation);
        }
        for (fa, fb) in a.factors.iter().zip(&b.factors) {
            if let (Some(za), Some(zb)) = (&fa.zscores, &fb.zscores) {
                for (new, &old) in perm.iter().enumerate() {
                    prop_assert!((za[old] - zb[new]).abs() < 1e-8);
                }
            }
        }
    }
}

#[test]
fn plain_rotation_has_identity_matrix() {
    let l = ndarray::array![[0.6, 0.2], [0.1, 0.7], [-0.5, 0.3]];
    let r = rotate(
        l.view(),
        Rotation::None,
        VarimaxMethod::Svd,
        Orientation::Reflect,
        &[],
    )
    .unwrap();
    assert_eq!(r.matrix, Array2::eye(2));
}

/// Lipset reversed in sort order gives the reversed centroid solution (no tied column sums).
#[test]
fn centroid_is_order_free_without_ties() {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../fixtures/lipset/lipset_sorts.csv"
    ))
    .unwrap();
    let mut lines = text.lines();
    let ids: Vec<String> = lines.next().unwrap().split(',').map(String::from).collect();
    let mut values = vec![Vec::new(); ids.len()];
    for l in lines {
        for (i, v) in l.split(',').enumerate() {
            values[i].push(v.trim().parse().unwrap());
        }
    }
    let table = SortTable {
        missing: Vec::new(),
        sort_ids: ids.clone(),
        statement_labels: None,
        values: values.clone(),
    };
    let reversed = SortTable {
        missing: Vec::new(),
        sort_ids: ids.iter().rev().cloned().collect(),
        statement_labels: None,
        values: values.iter().rev().cloned().collect(),
    };
    let opts = AnalysisOptions {
        factors: 3,
        ..Default::default()
    };
    let (a, b) = (run(&table, &opts), run(&reversed, &opts));
    let n = ids.len();
    for i in 0..n {
        for f in 0..7 {
            assert!(
                (a.unrotated.loadings[i][f] - b.unrotated.loadings[n - 1 - i][f]).abs() < 1e-10
            );
        }
    }
}

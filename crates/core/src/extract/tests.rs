use super::*;
use ndarray::array;

#[test]
fn pca_reconstructs_r_with_all_components() {
    let r = array![[1.0, 0.6, -0.3], [0.6, 1.0, 0.2], [-0.3, 0.2, 1.0]];
    let e = pca(&r, 3);
    let back = e.loadings.dot(&e.loadings.t());
    for (x, y) in back.iter().zip(r.iter()) {
        assert!((x - y).abs() < 1e-10);
    }
    let total: f64 = e.eigenvalues.iter().sum();
    assert!((total - 3.0).abs() < 1e-10);
}

#[test]
fn centroid_first_factor_of_positive_matrix_is_positive() {
    let r = array![[1.0, 0.6, 0.5], [0.6, 1.0, 0.4], [0.5, 0.4, 1.0]];
    let e = centroid(&r, 1);
    assert!(e.loadings.iter().all(|&a| a > 0.0));
}

/// `n` random sorts of `m` values with two planted viewpoints (some reversed) and noise.
fn random_values(n: usize, m: usize, seed: u64) -> Array2<f64> {
    use rand::{Rng, SeedableRng};
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
    let views: Vec<Vec<f64>> = (0..2)
        .map(|_| (0..m).map(|_| rng.random::<f64>() - 0.5).collect())
        .collect();
    let mut x = Array2::zeros((n, m));
    for i in 0..n {
        let sign = if rng.random::<f64>() < 0.2 { -1.0 } else { 1.0 };
        let noise = 0.2 + rng.random::<f64>();
        for j in 0..m {
            x[[i, j]] = sign * views[i % 2][j] + noise * (rng.random::<f64>() - 0.5);
        }
    }
    x
}

fn assert_same(a: &Extracted, b: &Extracted, tol: f64) {
    assert_eq!(a.loadings.dim(), b.loadings.dim());
    for (x, y) in a.loadings.iter().zip(b.loadings.iter()) {
        assert!((x - y).abs() < tol, "{x} vs {y}");
    }
    assert_eq!(a.capped, b.capped);
    assert_eq!(a.shortfall.is_some(), b.shortfall.is_some());
}

#[test]
fn factored_pca_equals_dense_pca() {
    use crate::correlate::{Correlation, correlation_matrix};
    for (n, m, seed) in [(9, 33, 1), (60, 20, 2), (25, 25, 3), (120, 12, 4)] {
        let x = random_values(n, m, seed);
        let r = correlation_matrix(&x, Correlation::Pearson);
        let f = Factored::new(&x, Correlation::Pearson).unwrap();
        let count = 8.min(n.min(m) - 1);
        let (d, fa) = (pca(&r, count), pca_factored(&f, count));
        assert_same(&d, &fa, 1e-10);
        for (p, q) in d.all_eigenvalues.iter().zip(&fa.all_eigenvalues) {
            assert!((p - q).abs() < 1e-10, "{p} {q}");
        }
        let lead = leading_eigenvalues(&SortCorrelation::Factored(f));
        assert_eq!(lead.len(), n.min(m));
        for (p, q) in lead.iter().zip(&d.all_eigenvalues) {
            assert!((p - q).abs() < 1e-10, "{p} {q}");
        }
    }
}

#[test]
fn factored_centroid_equals_dense_centroid() {
    use crate::correlate::{Correlation, correlation_matrix};
    // Later factors of these studies need many reflections (about half the sorts).
    for (n, m, seed) in [(9, 33, 5), (60, 20, 6), (150, 30, 7), (400, 16, 8)] {
        let x = random_values(n, m, seed);
        let r = correlation_matrix(&x, Correlation::Pearson);
        let f = Factored::new(&x, Correlation::Pearson).unwrap();
        let count = 7.min(n.min(m) - 1);
        let dense = centroid(&r, count);
        assert_same(&dense, &centroid_factored(&f, count), 1e-10);
        // a short selected prefix: scans run past it and the order is re-selected
        assert_same(
            &dense,
            &centroid_factored_with(&f, count, 4, CentroidVariant::Pqmethod),
            1e-10,
        );
        // qmethod's convention on both engines
        let dense_q = centroid_variant(&r, count, CentroidVariant::Qmethod);
        for prefix in [PREFIX_MIN, 4] {
            let fq = centroid_factored_with(&f, count, prefix, CentroidVariant::Qmethod);
            assert_same(&dense_q, &fq, 1e-10);
        }
    }
}

#[test]
fn horst_settles_and_reports_its_passes() {
    let r = array![
        [1.0, 0.18778, 0.16290],
        [0.18778, 1.0, 0.55882],
        [0.16290, 0.55882, 1.0]
    ];
    let loose = horst(
        &r,
        2,
        &HorstOptions {
            iterations: 30,
            threshold: 0.001,
        },
    );
    // PQMethod's own protocol of this matrix (fixtures/uhh/UHH.UNR) lists 8 iterations.
    assert_eq!(
        loose.horst,
        Some(HorstRun {
            iterations: 8,
            converged: true
        })
    );
    let capped = horst(
        &r,
        2,
        &HorstOptions {
            iterations: 3,
            threshold: 0.0001,
        },
    );
    assert_eq!(
        capped.horst,
        Some(HorstRun {
            iterations: 3,
            converged: false
        })
    );
    // communalities of the last pass are the estimates it used, within the threshold
    let tight = horst(&r, 2, &HorstOptions::default());
    assert!(tight.horst.unwrap().converged);
}

#[test]
fn centroid_reflects_negative_variables() {
    // Variable 3 correlates negatively with both others: reflected, then un-reflected.
    let r = array![[1.0, 0.6, -0.5], [0.6, 1.0, -0.4], [-0.5, -0.4, 1.0]];
    let e = centroid(&r, 1);
    assert!(e.loadings[[0, 0]] > 0.0 && e.loadings[[1, 0]] > 0.0);
    assert!(e.loadings[[2, 0]] < 0.0);
}

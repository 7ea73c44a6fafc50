//! Near-ties said out loud: matrices built so that a centroid reflection or PQMethod's varimax
//! skip rule is decided by a hair, and the warnings that say so (methods section 3 and 4,
//! "Near-ties").

use ndarray::{Array2, array};
use qstudy_core::Warning;
use qstudy_core::correlate::SortCorrelation;
use qstudy_core::extract::{
    self, CentroidVariant, ExtractRequest, ExtractSettings, Extraction, centroid_variant,
};
use qstudy_core::rotate::{
    self, Orientation, PQMETHOD_VARIMAX_SKIP, Rotation, VarimaxMethod, varimax_pqmethod_traced,
};

fn ids(n: usize) -> Vec<String> {
    (1..=n).map(|i| format!("S{i}")).collect()
}

/// A correlation-like matrix whose column sums of variables 3 and 4 (0-based 2 and 3) are
/// `-0.5` and `-0.5 - delta`, the most negative ones, while their rows differ.
fn two_sums_apart(delta: f64) -> Array2<f64> {
    let (r02, r03, r12, r13, r23) = (-0.3, -0.2 - delta, -0.3, -0.4, 0.1);
    array![
        [1.0, 0.5, r02, r03],
        [0.5, 1.0, r12, r13],
        [r02, r12, 1.0, r23],
        [r03, r13, r23, 1.0],
    ]
}

fn extraction_warnings(r: Array2<f64>, variant: CentroidVariant, keep: usize) -> Vec<Warning> {
    let request = ExtractRequest {
        method: Extraction::Centroid,
        extract: Some(keep),
        keep,
        settings: ExtractSettings {
            centroid: variant,
            ..Default::default()
        },
    };
    let n = r.nrows();
    let stage = extract::run(&SortCorrelation::Dense(r), 4, &request);
    stage.warnings(&ids(n), keep)
}

#[test]
fn column_sums_1e9_apart_are_a_near_tie() {
    // relative margin: 0.5e-9 / 0.5 = 1e-9
    let w = extraction_warnings(two_sums_apart(0.5e-9), CentroidVariant::Pqmethod, 1);
    let ties: Vec<&Warning> = w
        .iter()
        .filter(|w| w.group() == "centroid_near_tie")
        .collect();
    assert_eq!(ties.len(), 1, "{w:?}");
    match ties[0] {
        Warning::CentroidNearTie {
            factor,
            chosen,
            other,
            margin,
        } => {
            assert_eq!((*factor, chosen.as_str(), other.as_str()), (1, "S4", "S3"));
            assert!((margin - 1e-9).abs() < 1e-12, "{margin}");
        }
        other => panic!("{other:?}"),
    }
    let text = ties[0].to_string();
    assert!(
        text.starts_with(
            "centroid factor 1: sort 'S4' was reflected before sort 'S3' by a relative margin of 1.0e-9"
        ),
        "{text}"
    );
    assert!(text.chars().count() <= 300, "{text}");
    assert!(text.contains("KADE"), "{text}");
    assert_eq!(ties[0].sorts(), ["S4", "S3"]);
    // the same under qmethod's convention
    let w = extraction_warnings(two_sums_apart(0.5e-9), CentroidVariant::Qmethod, 1);
    assert!(w.iter().any(|w| w.group() == "centroid_near_tie"), "{w:?}");
}

#[test]
fn a_clear_margin_or_a_later_factor_not_kept_is_not_warned() {
    // 0.5e-5 / 0.5 = 1e-5: decided by the data, not by rounding
    let w = extraction_warnings(two_sums_apart(0.5e-5), CentroidVariant::Pqmethod, 1);
    assert!(!w.iter().any(|w| w.group() == "centroid_near_tie"), "{w:?}");
    // a near-tie in factor 1 is not about factor 2's extraction, but factor 1 is always kept
    let e = centroid_variant(&two_sums_apart(0.5e-9), 2, CentroidVariant::Pqmethod);
    assert!(!e.near_ties.is_empty());
    assert_eq!(e.near_ties[0].factor, 0);
}

#[test]
fn identical_sorts_tie_without_a_warning_but_qmethod_is_told() {
    // identical sorts: their sums tie exactly, and either may go first
    // sorts 5 and 6 identical, both against the block of 1-4
    let r = Array2::from_shape_fn((6, 6), |(i, j)| match (i < 4, j < 4) {
        _ if i == j => 1.0,
        (true, true) => 0.6,
        (false, false) => 1.0,
        _ => -0.5,
    });
    let w = extraction_warnings(r.clone(), CentroidVariant::Pqmethod, 1);
    assert!(w.is_empty(), "{w:?}");
    let w = extraction_warnings(r, CentroidVariant::Qmethod, 1);
    assert_eq!(
        w,
        [Warning::QmethodCentroidTie {
            factor: 1,
            sorts: vec!["S5".into(), "S6".into()]
        }]
    );
    let text = w[0].to_string();
    assert!(text.contains("tmat[,oo] <- vec"), "{text}");
    assert!(
        text.contains("its factors from 1 on are corrupted"),
        "{text}"
    );
    assert!(text.ends_with("tied sorts: 'S5' and 'S6'"), "{text}");
}

#[test]
fn the_factored_centroid_finds_the_same_near_tie() {
    // sorts whose correlations put two column sums within 1e-9: found the same way by the
    // dense and the factored extraction
    use qstudy_core::correlate::{Correlation, CorrelationForm};
    let x = array![
        [2.0, 1.0, 0.0, -1.0, -2.0, 0.0],
        [1.0, 2.0, 0.0, -2.0, -1.0, 0.0],
        [-2.0, 0.0, 1.0, 2.0, 0.0, -1.0],
        [-1.0, -2.0, 2.0, 0.0, 1.0, 0.0],
        [0.0, 1.0, -1.0, 0.0, 2.0, -2.0],
    ];
    let request = ExtractRequest {
        method: Extraction::Centroid,
        extract: Some(3),
        keep: 3,
        settings: ExtractSettings::default(),
    };
    let dense = extract::run(
        &SortCorrelation::new(&x, Correlation::Pearson, CorrelationForm::Dense),
        6,
        &request,
    );
    let factored = extract::run(
        &SortCorrelation::new(&x, Correlation::Pearson, CorrelationForm::Factored),
        6,
        &request,
    );
    let pairs = |e: &extract::ExtractStage| -> Vec<(usize, usize, usize)> {
        e.extracted
            .near_ties
            .iter()
            .map(|t| (t.factor, t.chosen, t.other))
            .collect()
    };
    assert_eq!(pairs(&dense), pairs(&factored));
}

/// `tan 4t = |num / den|` of the pair (0, 1) in the first cycle of PQMethod's varimax on
/// `loadings` (Kaiser-normalised), as `varimax_pqmethod` computes it; and `den`.
fn first_tan4t(loadings: &Array2<f64>) -> (f64, f64) {
    let n = loadings.nrows() as f64;
    let (mut sa, mut sb, mut sc, mut sd) = (0.0, 0.0, 0.0, 0.0);
    for row in loadings.rows() {
        let h = row.dot(&row).sqrt();
        let (x, y) = (row[0] / h, row[1] / h);
        let u = (x + y) * (x - y);
        let v = 2.0 * x * y;
        sa += u;
        sb += v;
        sc += (u + v) * (u - v);
        sd += 2.0 * u * v;
    }
    let num = sd - 2.0 * sa * (sb / n);
    let den = sc - (sa * sa - sb * sb) / n;
    ((num / den).abs(), den)
}

/// Loadings at the varimax optimum (Kaiser's rotation to full convergence) turned by `phi`
/// radians.
fn turned(phi: f64) -> Array2<f64> {
    let start = array![
        [0.8, 0.05],
        [0.7, -0.1],
        [0.75, 0.15],
        [0.1, 0.8],
        [-0.05, 0.7],
        [0.2, 0.65],
        [0.5, 0.45]
    ];
    let (base, _, _) = rotate::varimax(start.view());
    let (c, s) = (phi.cos(), phi.sin());
    let mut out = base.clone();
    for mut row in out.rows_mut() {
        let (x, y) = (row[0], row[1]);
        row[0] = x * c + y * s;
        row[1] = -x * s + y * c;
    }
    out
}

/// The turn that puts the first cycle's `tan 4t` at `target` (bisection; `tan 4t` grows with
/// the turn near the optimum).
fn turn_for(target: f64) -> Array2<f64> {
    // the optimum of the base first: where tan 4t is smallest
    let (mut lo, mut hi) = (0.0f64, 0.05f64);
    let f = |phi: f64| first_tan4t(&turned(phi)).0 - target;
    let mut flo = f(lo);
    for _ in 0..200 {
        let mid = 0.5 * (lo + hi);
        let fm = f(mid);
        if (fm < 0.0) == (flo < 0.0) {
            lo = mid;
            flo = fm;
        } else {
            hi = mid;
        }
    }
    turned(0.5 * (lo + hi))
}

#[test]
fn tan4t_within_1e7_of_the_skip_threshold_is_a_near_tie() {
    // The base loadings' own first-cycle tan 4t, then turns that move it across 0.00116.
    let (t0, den0) = first_tan4t(&turned(0.0));
    assert!(t0 < 1e-9 && den0 > 0.0, "{t0} {den0}");
    for (offset, skipped) in [(-5e-8, true), (5e-8, false)] {
        let target = PQMETHOD_VARIMAX_SKIP + offset;
        let a = turn_for(target);
        let (t, den) = first_tan4t(&a);
        assert!((t - target).abs() < 1e-12 && den > 0.0, "{t} {den}");
        let (_, _, _, near) = varimax_pqmethod_traced(a.view());
        let first = near
            .iter()
            .find(|s| s.p == 0 && s.q == 1)
            .expect("a near skip");
        assert_eq!(first.skipped, skipped);
        assert!((first.tan4t - PQMETHOD_VARIMAX_SKIP).abs() < 1e-7);
        let rotated = rotate::rotate(
            a.view(),
            Rotation::Varimax,
            VarimaxMethod::Pqmethod,
            Orientation::Reflect,
            &[],
        )
        .unwrap();
        let w = rotate::warnings(&rotated);
        assert_eq!(w.len(), 1, "{w:?}");
        assert_eq!(w[0].group(), "varimax_near_skip");
        assert_eq!(w[0].factors(), ["F1", "F2"]);
        let text = w[0].to_string();
        let verb = if skipped {
            "were not rotated"
        } else {
            "were rotated"
        };
        assert!(text.contains(verb), "{text}");
        assert!(text.contains("skip threshold 0.00116"), "{text}");
        assert!(text.chars().count() <= 300, "{text}");
    }
    // far from the threshold: nothing to say
    let a = turn_for(PQMETHOD_VARIMAX_SKIP * 3.0);
    let rotated = rotate::rotate(
        a.view(),
        Rotation::Varimax,
        VarimaxMethod::Pqmethod,
        Orientation::Reflect,
        &[],
    )
    .unwrap();
    assert!(rotate::warnings(&rotated).is_empty());
    // R's varimax has no skip rule
    let a = turn_for(PQMETHOD_VARIMAX_SKIP + 5e-8);
    let rotated = rotate::rotate(
        a.view(),
        Rotation::Varimax,
        VarimaxMethod::Svd,
        Orientation::AsIs,
        &[],
    )
    .unwrap();
    assert!(rotate::warnings(&rotated).is_empty());
}

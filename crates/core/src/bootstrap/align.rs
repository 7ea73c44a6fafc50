//! Alignment of a bootstrap replicate's factors with the full-sample factors: matching of order
//! and sign by correlation, then (optionally) an orthogonal Procrustes rotation.

use nalgebra::DMatrix;
use ndarray::{Array2, ArrayView2};

use super::Alignment;

/// Largest number of factors whose best matching is searched over every permutation; above it
/// the matching is greedy (largest absolute correlation first).
const EXHAUSTIVE_MATCHING: usize = 6;

/// A replicate's loadings aligned with the target.
#[derive(Debug, Clone, PartialEq)]
pub struct Aligned {
    /// `n x k` aligned loadings.
    pub loadings: Array2<f64>,
    /// `permutation[j]`: the replicate factor matched to target factor `j`.
    pub permutation: Vec<usize>,
    /// The sign applied to it.
    pub signs: Vec<f64>,
    /// |correlation| between the matched factor and target factor `j`.
    pub correlations: Vec<f64>,
}

/// Aligns `loadings` (`n x k`) with `target` (the full-sample loadings of the same sorts):
/// each target factor gets the replicate factor whose loadings correlate with it most (the
/// matching maximising the sum of absolute correlations, over every permutation up to six
/// factors, greedily above), reflected when that correlation is negative; with
/// [`Alignment::Procrustes`] the matched loadings are then rotated by the orthogonal `Q`
/// minimising `|L Q - target|` (`Q = U V^T` from the SVD `L^T target = U S V^T`).
///
/// ```
/// use ndarray::array;
/// use qstudy_core::bootstrap::{align, Alignment};
/// let target = array![[0.8, 0.1], [0.7, -0.2], [0.1, 0.9], [-0.2, 0.6]];
/// // the same factors swapped, one reflected
/// let rep = array![[0.1, -0.8], [-0.2, -0.7], [0.9, -0.1], [0.6, 0.2]];
/// let a = align(rep.view(), target.view(), Alignment::Match);
/// assert_eq!(a.permutation, vec![1, 0]);
/// assert_eq!(a.signs, vec![-1.0, 1.0]);
/// assert!((&a.loadings - &target).iter().all(|d| d.abs() < 1e-12));
/// ```
pub fn align(loadings: ArrayView2<f64>, target: ArrayView2<f64>, method: Alignment) -> Aligned {
    let (n, k) = loadings.dim();
    let corr: Vec<Vec<f64>> = (0..k)
        .map(|i| {
            (0..k)
                .map(|j| crate::correlate::pearson_r(loadings.column(i), target.column(j)))
                .collect()
        })
        .collect();
    let permutation = best_matching(&corr);
    let signs: Vec<f64> = (0..k)
        .map(|j| {
            if corr[permutation[j]][j] < 0.0 {
                -1.0
            } else {
                1.0
            }
        })
        .collect();
    let correlations = (0..k).map(|j| corr[permutation[j]][j].abs()).collect();
    let mut out = Array2::from_shape_fn((n, k), |(i, j)| signs[j] * loadings[[i, permutation[j]]]);
    if method == Alignment::Procrustes && k > 1 {
        let c = out.t().dot(&target);
        let svd = DMatrix::from_fn(k, k, |i, j| c[[i, j]]).svd(true, true);
        let (u, vt) = (svd.u.expect("u"), svd.v_t.expect("v_t"));
        let q = &u * &vt;
        out = out.dot(&Array2::from_shape_fn((k, k), |(i, j)| q[(i, j)]));
    }
    Aligned {
        loadings: out,
        permutation,
        signs,
        correlations,
    }
}

/// `p[j]` = the row matched to column `j`, maximising `sum_j |c[p[j]][j]|`: every permutation
/// for up to [`EXHAUSTIVE_MATCHING`] factors (the first in lexicographic order on ties),
/// greedily above (largest absolute value first, lowest indices on ties).
pub(super) fn best_matching(c: &[Vec<f64>]) -> Vec<usize> {
    let k = c.len();
    if k <= EXHAUSTIVE_MATCHING {
        fn search(
            c: &[Vec<f64>],
            j: usize,
            used: &mut [bool],
            current: &mut Vec<usize>,
            sum: f64,
            best: &mut (f64, Vec<usize>),
        ) {
            let k = c.len();
            if j == k {
                if sum > best.0 {
                    *best = (sum, current.clone());
                }
                return;
            }
            for i in 0..k {
                if !used[i] {
                    used[i] = true;
                    current.push(i);
                    search(c, j + 1, used, current, sum + c[i][j].abs(), best);
                    current.pop();
                    used[i] = false;
                }
            }
        }
        let mut best = (f64::NEG_INFINITY, (0..k).collect());
        search(
            c,
            0,
            &mut vec![false; k],
            &mut Vec::with_capacity(k),
            0.0,
            &mut best,
        );
        best.1
    } else {
        let mut p = vec![usize::MAX; k];
        let mut used = vec![false; k];
        for _ in 0..k {
            let mut pick = (f64::NEG_INFINITY, 0, 0);
            for (j, pj) in p.iter().enumerate() {
                if *pj != usize::MAX {
                    continue;
                }
                for (i, &u) in used.iter().enumerate() {
                    if !u && c[i][j].abs() > pick.0 {
                        pick = (c[i][j].abs(), i, j);
                    }
                }
            }
            p[pick.2] = pick.1;
            used[pick.1] = true;
        }
        p
    }
}

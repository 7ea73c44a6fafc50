//! Stage 5: the composite sort of each factor: weights, z-scores, the factor array and ranks.

use ndarray::{Array1, Array2, ArrayView1};

use crate::data::Grid;
use crate::flag::{FactorColumn, Flagging};
use crate::warning::Warning;

/// Brown's (1980) weight of a defining sort with loading `f`: `f / (1 - f^2)`.
/// Undefined (infinite or sign-flipped) for `|f| >= 1`: callers check first.
///
/// ```
/// assert!((qstudy_core::score::weight(0.5) - 0.5 / 0.75).abs() < 1e-15);
/// ```
pub fn weight(f: f64) -> f64 {
    f / (1.0 - f * f)
}

/// The composite sort of one factor.
#[derive(Debug, Clone, PartialEq)]
pub struct Composite {
    /// Weights of the defining sorts, in the order given.
    pub weights: Vec<f64>,
    /// z-scores per statement (mean 0, sample SD 1).
    pub zscores: Vec<f64>,
    /// The factor array: grid values handed out in order of z.
    pub array: Vec<i32>,
    /// Ranks per statement (1 = highest z).
    pub ranks: Vec<usize>,
}

/// Builds the composite sort of a factor from its defining sorts.
///
/// `standardized` is the `n x m` matrix of row-standardised sorts; `defining` lists
/// `(sort index, loading)`. Each defining sort's standardised row is weighted by
/// [`weight`] and summed; the sums are standardised across statements. `None` when there is
/// no defining sort or the weighted sum has no variance.
pub fn composite(
    standardized: &Array2<f64>,
    defining: &[(usize, f64)],
    grid: &Grid,
) -> Option<Composite> {
    if defining.is_empty() {
        return None;
    }
    let m = standardized.ncols();
    let mut sum = Array1::<f64>::zeros(m);
    let weights: Vec<f64> = defining.iter().map(|&(_, f)| weight(f)).collect();
    for (&(i, _), w) in defining.iter().zip(&weights) {
        sum.scaled_add(*w, &standardized.row(i));
    }
    let zscores = standardize(sum.view())?;
    let array = factor_array(&zscores, grid);
    let ranks = ranks(&zscores);
    Some(Composite {
        weights,
        zscores,
        array,
        ranks,
    })
}

/// Standardises a vector (mean 0, sample SD 1); `None` when it has no variance.
pub fn standardize(x: ArrayView1<f64>) -> Option<Vec<f64>> {
    let (mean, sd) = crate::correlate::mean_sd(x);
    if sd.is_nan() || sd <= 1e-12 * (1.0 + mean.abs()) {
        return None;
    }
    Some(x.iter().map(|v| (v - mean) / sd).collect())
}

/// Statement indices in ascending order of z; ties (equal z) put the higher-numbered statement
/// first, so it receives the lower grid value (KADE's rule).
pub fn ascending_order(z: &[f64]) -> Vec<usize> {
    let mut idx: Vec<usize> = (0..z.len()).collect();
    idx.sort_by(|&a, &b| z[a].total_cmp(&z[b]).then(b.cmp(&a)));
    idx
}

/// The factor array: the grid's values, lowest first, handed to statements in ascending order
/// of z (ties as in [`ascending_order`]). The array has exactly the grid's distribution.
///
/// ```
/// use qstudy_core::{Grid, score::factor_array};
/// let grid: Grid = "-1:1,0:2,1:1".parse().unwrap();
/// assert_eq!(factor_array(&[0.5, -1.2, 1.4, 0.5], &grid), vec![0, -1, 1, 0]);
/// ```
pub fn factor_array(z: &[f64], grid: &Grid) -> Vec<i32> {
    let values = grid.expanded();
    let mut array = vec![0; z.len()];
    for (value, idx) in values.into_iter().zip(ascending_order(z)) {
        array[idx] = value;
    }
    array
}

/// Groups of statements (0-based, ascending) whose z-scores are equal (to 1e-12, relative) yet
/// received different array values: where a program that gives tied statements one averaged
/// rank (qmethod) hands out other values, possibly breaking the grid.
///
/// ```
/// use qstudy_core::{Grid, score::{factor_array, ties_across_columns}};
/// let grid: Grid = "-1:1,0:1,1:1".parse().unwrap();
/// let z = [0.0, 0.0, 1.0];
/// assert_eq!(ties_across_columns(&z, &factor_array(&z, &grid)), vec![vec![0, 1]]);
/// ```
pub fn ties_across_columns(z: &[f64], array: &[i32]) -> Vec<Vec<usize>> {
    let order = ascending_order(z);
    let mut groups = Vec::new();
    let mut start = 0;
    while start < order.len() {
        let mut end = start + 1;
        let z0 = z[order[start]];
        while end < order.len() && (z[order[end]] - z0).abs() <= 1e-12 * (1.0 + z0.abs()) {
            end += 1;
        }
        let group = &order[start..end];
        if group.iter().any(|&i| array[i] != array[group[0]]) {
            let mut g = group.to_vec();
            g.sort_unstable();
            groups.push(g);
        }
        start = end;
    }
    groups
}

/// Ranks (1 = highest z), the exact reverse of [`ascending_order`].
pub fn ranks(z: &[f64]) -> Vec<usize> {
    let m = z.len();
    let mut ranks = vec![0; m];
    for (pos, idx) in ascending_order(z).into_iter().enumerate() {
        ranks[idx] = m - pos;
    }
    ranks
}

/// One viewpoint column's composite: its defining sorts and their composite sort.
#[derive(Debug, Clone, PartialEq)]
pub struct FactorScores {
    /// `(sort index, loading)` of the defining sorts, in sort order.
    pub defining: Vec<(usize, f64)>,
    /// The composite (`None` without defining sorts or when they cancel out).
    pub composite: Option<Composite>,
}

/// The scoring stage of an analysis: the composite of every viewpoint column of `flagging`.
/// Flagged row `i` of the loadings is row `row(i)` of `standardized` (the identity for an
/// analysis; the resampled sort for a bootstrap replicate).
///
/// ```
/// use ndarray::array;
/// use qstudy_core::{Grid, flag::{flag, FlaggingOptions}, score};
/// let values = array![[-1.0, 0.0, 1.0], [-1.0, 1.0, 0.0], [1.0, 0.0, -1.0]];
/// let standardized = qstudy_core::correlate::standardize_rows(&values);
/// let loadings = array![[0.9], [0.8], [-0.2]];
/// let f = flag(loadings.view(), &[], 3, &FlaggingOptions { p: 0.5, ..Default::default() }).unwrap();
/// let grid: Grid = "-1:1,0:1,1:1".parse().unwrap();
/// let scores = score::run(&standardized, &f, |i| i, &grid);
/// assert_eq!(scores[0].defining.len(), 2);
/// assert_eq!(scores[0].composite.as_ref().unwrap().array, [-1, 0, 1]);
/// ```
pub fn run(
    standardized: &Array2<f64>,
    flagging: &Flagging,
    row: impl Fn(usize) -> usize,
    grid: &Grid,
) -> Vec<FactorScores> {
    (0..flagging.columns.len())
        .map(|c| {
            let defining: Vec<(usize, f64)> = (0..flagging.flags.len())
                .filter(|&i| flagging.flags[i][c])
                .map(|i| (row(i), flagging.loadings[[i, c]]))
                .collect();
            let composite = composite(standardized, &defining, grid);
            FactorScores {
                defining,
                composite,
            }
        })
        .collect()
}

/// The warnings of the scoring: factors without a composite and, with `ties` (qmethod
/// numerics), equal z-scores in different grid columns.
pub fn warnings(
    scores: &[FactorScores],
    columns: &[FactorColumn],
    statement_ids: &[u32],
    ties: bool,
) -> Vec<Warning> {
    let mut warnings = Vec::new();
    for (s, col) in scores.iter().zip(columns) {
        let Some(c) = &s.composite else {
            let factor = col.name.clone();
            warnings.push(if s.defining.is_empty() {
                Warning::NoDefiningSort { factor }
            } else {
                Warning::CompositeCancels { factor }
            });
            continue;
        };
        if ties {
            for group in ties_across_columns(&c.zscores, &c.array) {
                warnings.push(Warning::TiesAcrossColumns {
                    factor: col.name.clone(),
                    statements: group.iter().map(|&s| statement_ids[s]).collect(),
                });
            }
        }
    }
    warnings
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    #[test]
    fn ties_give_higher_statement_the_lower_value() {
        let grid: Grid = "-1:1,0:1,1:1".parse().unwrap();
        assert_eq!(factor_array(&[0.0, 0.0, 1.0], &grid), vec![0, -1, 1]);
        assert_eq!(ranks(&[0.0, 0.0, 1.0]), vec![2, 3, 1]);
    }

    #[test]
    fn single_defining_sort_reproduces_its_ranking() {
        let grid: Grid = "-1:1,0:2,1:1".parse().unwrap();
        let x = array![[-1.0, 0.0, 1.0, 0.0], [0.0, 1.0, 0.0, -1.0]];
        let z = crate::correlate::standardize_rows(&x);
        let c = composite(&z, &[(0, 0.6)], &grid).unwrap();
        assert_eq!(c.array, vec![-1, 0, 1, 0]);
        let mean: f64 = c.zscores.iter().sum::<f64>() / 4.0;
        assert!(mean.abs() < 1e-12);
    }

    #[test]
    fn no_defining_sort_no_array() {
        let grid: Grid = "-1:1,1:1".parse().unwrap();
        let z = array![[-1.0, 1.0]];
        assert!(composite(&z, &[], &grid).is_none());
    }
}

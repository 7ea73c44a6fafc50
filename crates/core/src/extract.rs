//! Stage 2: factor extraction from the correlation matrix: Brown's centroid (PQMethod QCENT)
//! and principal components.

use nalgebra::{DMatrix, SymmetricEigen};
use ndarray::{Array2, ArrayView1, Axis};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// The extraction method.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Extraction {
    /// Brown's centroid method as in PQMethod's QCENT (qstudy default).
    #[default]
    Centroid,
    /// Principal components of the correlation matrix.
    Pca,
}

impl Extraction {
    /// The name used in options and `results.json`.
    pub fn as_str(self) -> &'static str {
        match self {
            Extraction::Centroid => "centroid",
            Extraction::Pca => "pca",
        }
    }

    /// How many factors are extracted when not told: 7 centroid factors (PQMethod) or
    /// 8 components (PQMethod/KADE display).
    pub fn default_count(self) -> usize {
        match self {
            Extraction::Centroid => 7,
            Extraction::Pca => 8,
        }
    }
}

impl fmt::Display for Extraction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Extraction {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.to_ascii_lowercase().as_str() {
            "centroid" => Ok(Extraction::Centroid),
            "pca" => Ok(Extraction::Pca),
            other => Err(format!(
                "unknown extraction method '{other}' (expected centroid or pca)"
            )),
        }
    }
}

/// Unrotated factors.
#[derive(Debug, Clone, PartialEq)]
pub struct Extracted {
    /// `n x N` loadings.
    pub loadings: Array2<f64>,
    /// Column sums of squared loadings (for PCA, the eigenvalues of R).
    pub eigenvalues: Vec<f64>,
    /// For PCA: every eigenvalue of the correlation matrix, descending (for scree and
    /// retention rules). Empty for the centroid method.
    pub all_eigenvalues: Vec<f64>,
    /// Why fewer factors than asked were extracted, if so.
    pub shortfall: Option<String>,
    /// Centroid only: `(factor, sort)` pairs (0-based) whose communality estimate reached 1
    /// during the iteration and was held at 1 (a Heywood case).
    pub capped: Vec<(usize, usize)>,
}

/// Convergence limit of the centroid communality iteration (PQMethod/KADE: 0.001 on a^2).
pub const CENTROID_TOLERANCE: f64 = 0.001;
/// Starting diagonal estimate of the centroid communality iteration (PQMethod/KADE).
pub const CENTROID_START_DIAGONAL: f64 = 0.5;
const CENTROID_MAX_ITERATIONS: usize = 1000;
/// Column sums closer than this (relative) are ties in the reflection step.
const CENTROID_TIE: f64 = 1e-10;

/// Extracts up to `count` factors from the correlation matrix `r`.
///
/// ```
/// use ndarray::array;
/// use qstudy_core::extract::{extract, Extraction};
/// let r = array![[1.0, 0.6, 0.5], [0.6, 1.0, 0.4], [0.5, 0.4, 1.0]];
/// let pca = extract(&r, Extraction::Pca, 2);
/// assert_eq!(pca.loadings.dim(), (3, 2));
/// assert!(pca.eigenvalues[0] > pca.eigenvalues[1]);
/// ```
pub fn extract(r: &Array2<f64>, method: Extraction, count: usize) -> Extracted {
    match method {
        Extraction::Centroid => centroid(r, count),
        Extraction::Pca => pca(r, count),
    }
}

/// Sum of squared loadings of each column.
pub fn column_sums_of_squares(loadings: &Array2<f64>) -> Vec<f64> {
    loadings.axis_iter(Axis(1)).map(|c| c.dot(&c)).collect()
}

/// `sum_i a_i |a_i|`: the sign criterion of KADE/PQMethod (a factor is reflected when it
/// is negative).
pub fn signed_square_sum(column: ArrayView1<f64>) -> f64 {
    column.iter().map(|a| a * a.abs()).sum()
}

/// Brown's centroid method, factor by factor on the residual matrix (methods section 3).
pub fn centroid(r: &Array2<f64>, count: usize) -> Extracted {
    let n = r.nrows();
    let mut residual = r.clone();
    let mut columns: Vec<Vec<f64>> = Vec::with_capacity(count);
    let mut shortfall = None;
    let mut capped = Vec::new();
    for factor in 0..count {
        match centroid_factor(&residual) {
            Ok((a, held)) => {
                capped.extend(held.into_iter().map(|i| (factor, i)));
                for i in 0..n {
                    for j in 0..n {
                        residual[[i, j]] -= a[i] * a[j];
                    }
                    residual[[i, i]] = 1.0;
                }
                columns.push(a);
            }
            Err(why) => {
                shortfall = Some(format!("centroid factor {}: {why}", factor + 1));
                break;
            }
        }
    }
    let k = columns.len();
    let loadings = Array2::from_shape_fn((n, k), |(i, f)| columns[f][i]);
    Extracted {
        eigenvalues: column_sums_of_squares(&loadings),
        loadings,
        all_eigenvalues: Vec::new(),
        shortfall,
        capped,
    }
}

/// One centroid factor of the (residual) matrix `res`, with original signs, and the variables
/// whose communality estimate was held at 1; or why there is none.
///
/// A communality estimate cannot exceed 1 (the diagonal of R). When one variable dominates the
/// column sums, the plain iteration `d_j <- a_j^2` would push `a_j` up without bound (it
/// diverges: `a_j^2 ~ 1 + a_j^2`), so the estimate used on the diagonal is held at 1 and the
/// variable reported. This changes nothing where the iteration stays below 1, which is every
/// ordinary study (and PQMethod's and KADE's results).
fn centroid_factor(res: &Array2<f64>) -> Result<(Vec<f64>, Vec<usize>), &'static str> {
    let n = res.nrows();
    // Off-diagonal column sums.
    let mut t: Vec<f64> = (0..n)
        .map(|j| (0..n).filter(|&i| i != j).map(|i| res[[i, j]]).sum())
        .collect();
    // Reflection towards a positive manifold: flip the most negative variable until none is.
    let mut sign = vec![1.0f64; n];
    // Each reflection strictly raises the total of the off-diagonal sums, so this ends; the
    // cap only guards against rounding ping-pong on exact zeros.
    for _ in 0..(100 * n + 100) {
        // The most negative sum, first index on ties. Sums equal in exact arithmetic can differ
        // in the last bits depending on the order of the data, so values within TIE of each
        // other count as ties, and sums above -TIE as non-negative: the choice then depends on
        // the data, not on rounding.
        let tmin = t.iter().copied().fold(f64::INFINITY, f64::min);
        let tie = CENTROID_TIE * (1.0 + tmin.abs());
        if tmin >= -tie {
            break;
        }
        let jmin = t.iter().position(|&v| v <= tmin + tie).unwrap_or(0);
        // Reflecting variable jmin negates its row and column (diagonal unchanged).
        sign[jmin] = -sign[jmin];
        for (i, ti) in t.iter_mut().enumerate() {
            if i != jmin {
                // T_i loses r_i,jmin and gains -r_i,jmin (in the current reflected space).
                *ti -= 2.0 * sign[i] * (-sign[jmin]) * res[[i, jmin]];
            }
        }
        t[jmin] = -t[jmin];
    }
    // Communality iteration.
    let mut d = vec![CENTROID_START_DIAGONAL; n];
    let mut a = vec![0.0; n];
    let mut converged = false;
    for _ in 0..CENTROID_MAX_ITERATIONS {
        let s: Vec<f64> = t.iter().zip(&d).map(|(ti, di)| ti + di).collect();
        let total: f64 = s.iter().sum();
        if total.is_nan() || total <= 1e-12 {
            return Err("the residual correlations leave no positive centroid sum");
        }
        let root = total.sqrt();
        let mut change = 0.0f64;
        for j in 0..n {
            a[j] = s[j] / root;
            let a2 = (a[j] * a[j]).min(1.0);
            change = change.max((a2 - d[j]).abs());
            d[j] = a2;
        }
        if change <= CENTROID_TOLERANCE {
            converged = true;
            break;
        }
    }
    if !converged {
        return Err("the communality iteration does not converge");
    }
    let held = (0..n).filter(|&j| d[j] >= 1.0).collect();
    Ok((a.iter().zip(&sign).map(|(aj, sj)| aj * sj).collect(), held))
}

/// Principal components: eigenvectors of `r` scaled by the square roots of their
/// eigenvalues, in decreasing order of eigenvalue, each reflected so that
/// `sum a|a| >= 0`. Only components with a positive eigenvalue are extracted.
pub fn pca(r: &Array2<f64>, count: usize) -> Extracted {
    let n = r.nrows();
    let dm = DMatrix::from_fn(n, n, |i, j| r[[i, j]]);
    let eig = SymmetricEigen::new(dm);
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&a, &b| {
        eig.eigenvalues[b]
            .total_cmp(&eig.eigenvalues[a])
            .then(a.cmp(&b))
    });
    let all: Vec<f64> = order.iter().map(|&i| eig.eigenvalues[i]).collect();
    let positive = all.iter().take_while(|&&l| l > 1e-10 * n as f64).count();
    let k = count.min(positive);
    let shortfall = (k < count)
        .then(|| format!("the correlation matrix has only {positive} positive eigenvalue(s)"));
    let mut loadings = Array2::zeros((n, k));
    for (f, &idx) in order.iter().take(k).enumerate() {
        let scale = eig.eigenvalues[idx].sqrt();
        for i in 0..n {
            loadings[[i, f]] = eig.eigenvectors[(i, idx)] * scale;
        }
        if signed_square_sum(loadings.column(f)) < 0.0 {
            loadings.column_mut(f).mapv_inplace(|v| -v);
        }
    }
    Extracted {
        eigenvalues: column_sums_of_squares(&loadings),
        loadings,
        all_eigenvalues: all,
        shortfall,
        capped: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
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

    #[test]
    fn centroid_reflects_negative_variables() {
        // Variable 3 correlates negatively with both others: reflected, then un-reflected.
        let r = array![[1.0, 0.6, -0.5], [0.6, 1.0, -0.4], [-0.5, -0.4, 1.0]];
        let e = centroid(&r, 1);
        assert!(e.loadings[[0, 0]] > 0.0 && e.loadings[[1, 0]] > 0.0);
        assert!(e.loadings[[2, 0]] < 0.0);
    }
}

//! Stage 1: correlation between persons (sorts) over the statements.

use ndarray::{Array1, Array2, ArrayView1, Axis};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// The correlation coefficient between sorts.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Correlation {
    /// Pearson's r (all anchors' default).
    #[default]
    Pearson,
    /// Spearman's rho: Pearson on ranks, ties given their average rank.
    Spearman,
    /// Kendall's tau-b (ties corrected), as R's `cor(method = "kendall")`.
    Kendall,
}

impl Correlation {
    /// The name used in options and `results.json`.
    pub fn as_str(self) -> &'static str {
        match self {
            Correlation::Pearson => "pearson",
            Correlation::Spearman => "spearman",
            Correlation::Kendall => "kendall",
        }
    }
}

impl fmt::Display for Correlation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Correlation {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.to_ascii_lowercase().as_str() {
            "pearson" => Ok(Correlation::Pearson),
            "spearman" => Ok(Correlation::Spearman),
            "kendall" => Ok(Correlation::Kendall),
            other => Err(format!(
                "unknown correlation '{other}' (expected pearson, spearman or kendall)"
            )),
        }
    }
}

/// Row-standardises an `n x m` matrix: each row gets mean 0 and sample SD 1.
///
/// Rows must have non-zero variance (guaranteed for a validated study).
pub fn standardize_rows(x: &Array2<f64>) -> Array2<f64> {
    let mut z = x.clone();
    for mut row in z.axis_iter_mut(Axis(0)) {
        let m = row.len() as f64;
        let mean = row.sum() / m;
        row.mapv_inplace(|v| v - mean);
        let sd = (row.dot(&row) / (m - 1.0)).sqrt();
        row.mapv_inplace(|v| v / sd);
    }
    z
}

/// The `n x n` correlation matrix between the rows of `values` (sorts x statements).
///
/// ```
/// use ndarray::array;
/// use qstudy_core::correlate::{correlation_matrix, Correlation};
/// let x = array![[1.0, 2.0, 3.0], [3.0, 2.0, 1.0], [1.0, 3.0, 2.0]];
/// let r = correlation_matrix(&x, Correlation::Pearson);
/// assert!((r[[0, 1]] + 1.0).abs() < 1e-12);
/// assert_eq!(r[[2, 2]], 1.0);
/// ```
pub fn correlation_matrix(values: &Array2<f64>, method: Correlation) -> Array2<f64> {
    match method {
        Correlation::Pearson => pearson(values),
        Correlation::Spearman => {
            let ranked = Array2::from_shape_vec(
                values.raw_dim(),
                values
                    .axis_iter(Axis(0))
                    .flat_map(|row| average_ranks(row).to_vec())
                    .collect(),
            )
            .expect("same shape");
            pearson(&ranked)
        }
        Correlation::Kendall => kendall(values),
    }
}

fn pearson(values: &Array2<f64>) -> Array2<f64> {
    let m = values.ncols() as f64;
    let z = standardize_rows(values);
    let mut r = z.dot(&z.t()) / (m - 1.0);
    let n = r.nrows();
    for i in 0..n {
        r[[i, i]] = 1.0;
        for j in 0..i {
            // exact symmetry and range, whatever the rounding of the product
            let v = r[[i, j]].clamp(-1.0, 1.0);
            r[[i, j]] = v;
            r[[j, i]] = v;
        }
    }
    r
}

/// Ranks of a vector (1 = smallest), ties given the average of their ranks.
pub fn average_ranks(x: ArrayView1<f64>) -> Array1<f64> {
    let m = x.len();
    let mut idx: Vec<usize> = (0..m).collect();
    idx.sort_by(|&a, &b| x[a].total_cmp(&x[b]));
    let mut ranks = Array1::zeros(m);
    let mut i = 0;
    while i < m {
        let mut j = i;
        while j + 1 < m && x[idx[j + 1]] == x[idx[i]] {
            j += 1;
        }
        let avg = (i + j) as f64 / 2.0 + 1.0;
        for &k in &idx[i..=j] {
            ranks[k] = avg;
        }
        i = j + 1;
    }
    ranks
}

/// Kendall's tau-b between two vectors.
pub fn kendall_tau_b(x: ArrayView1<f64>, y: ArrayView1<f64>) -> f64 {
    let m = x.len();
    let (mut concordant_minus_discordant, mut pairs_x, mut pairs_y) = (0i64, 0i64, 0i64);
    for i in 0..m {
        for j in (i + 1)..m {
            let dx = (x[i] - x[j]).signum() as i64 * i64::from(x[i] != x[j]);
            let dy = (y[i] - y[j]).signum() as i64 * i64::from(y[i] != y[j]);
            concordant_minus_discordant += dx * dy;
            pairs_x += dx.abs();
            pairs_y += dy.abs();
        }
    }
    concordant_minus_discordant as f64 / ((pairs_x as f64) * (pairs_y as f64)).sqrt()
}

fn kendall(values: &Array2<f64>) -> Array2<f64> {
    let n = values.nrows();
    let mut r = Array2::eye(n);
    for i in 0..n {
        for j in 0..i {
            let t = kendall_tau_b(values.row(i), values.row(j));
            r[[i, j]] = t;
            r[[j, i]] = t;
        }
    }
    r
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    #[test]
    fn ranks_average_ties() {
        let r = average_ranks(array![3.0, 1.0, 3.0, 2.0].view());
        assert_eq!(r, array![3.5, 1.0, 3.5, 2.0]);
    }

    #[test]
    fn tau_b_with_ties_matches_hand_value() {
        // x = 1,2,2,3 ; y = 1,3,2,2: concordant 3, discordant 1, ties x 1 pair, ties y 1 pair
        // tau_b = (3 - 1) / sqrt((6-1)(6-1)) = 0.4
        let t = kendall_tau_b(
            array![1.0, 2.0, 2.0, 3.0].view(),
            array![1.0, 3.0, 2.0, 2.0].view(),
        );
        assert!((t - 0.4).abs() < 1e-12, "{t}");
    }

    #[test]
    fn spearman_is_pearson_on_ranks() {
        let x = array![[1.0, 5.0, 3.0, 2.0, 4.0], [2.0, 4.0, 4.0, 1.0, 5.0]];
        let s = correlation_matrix(&x, Correlation::Spearman);
        // ranks: [1,5,3,2,4] and [2,3.5,3.5,1,5]
        let p = correlation_matrix(
            &array![[1.0, 5.0, 3.0, 2.0, 4.0], [2.0, 3.5, 3.5, 1.0, 5.0]],
            Correlation::Pearson,
        );
        assert!((s[[0, 1]] - p[[0, 1]]).abs() < 1e-12);
    }
}

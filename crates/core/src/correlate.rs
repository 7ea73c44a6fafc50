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

/// Mean and sample standard deviation (`m - 1`) of a vector: the mean is ndarray's `sum`
/// over `m`, the sum of squared deviations runs in order. The one rule of the standardised
/// vectors: factor scores ([`crate::score::standardize`]) and the ideal sorts of simulations.
///
/// ```
/// use ndarray::array;
/// use qstudy_core::correlate::mean_sd;
/// let (mean, sd) = mean_sd(array![1.0, 2.0, 3.0].view());
/// assert_eq!((mean, sd), (2.0, 1.0));
/// ```
pub fn mean_sd(x: ArrayView1<f64>) -> (f64, f64) {
    let m = x.len() as f64;
    let mean = x.sum() / m;
    let ss: f64 = x.iter().map(|v| (v - mean) * (v - mean)).sum();
    (mean, (ss / (m - 1.0)).sqrt())
}

/// Mean and sample standard deviation (`n - 1`) of a slice, both sums in order (not
/// [`mean_sd`]'s ndarray `sum`, which may add in another order); `(0, 0)` for no values and SD 0
/// for one. The descriptive statistics the reports print beside each sort.
///
/// ```
/// use qstudy_core::correlate::mean_sd_in_order;
/// assert_eq!(mean_sd_in_order(&[-1.0, 0.0, 1.0]), (0.0, 1.0));
/// assert_eq!(mean_sd_in_order(&[]), (0.0, 0.0));
/// ```
pub fn mean_sd_in_order(values: &[f64]) -> (f64, f64) {
    let n = values.len() as f64;
    if values.is_empty() {
        return (0.0, 0.0);
    }
    let mean = values.iter().sum::<f64>() / n;
    if values.len() < 2 {
        return (mean, 0.0);
    }
    let ss: f64 = values.iter().map(|v| (v - mean) * (v - mean)).sum();
    (mean, (ss / (n - 1.0)).sqrt())
}

/// Row-standardises an `n x m` matrix: each row gets mean 0 and sample SD 1.
///
/// Rows must have non-zero variance (guaranteed for a validated study). The sum of squares is
/// ndarray's `dot` of the centred row (8-way unrolled), not the in-order sum of [`mean_sd`]:
/// every correlation and every factor score rests on these bits, and the two orders differ in
/// the last place whenever a row's mean is not exact (a free distribution, or a grid whose
/// values do not sum to a multiple of `m`), so merging the two would change outputs.
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

/// Pearson's r between two vectors of the same length, 0 when either has no variance: the one
/// pairwise correlation (factor scores in [`crate::compare`], loadings in bootstrap alignment).
/// Sums run in order, from 0.
///
/// ```
/// use ndarray::array;
/// use qstudy_core::correlate::pearson_r;
/// let x = array![1.0, 2.0, 3.0];
/// assert!((pearson_r(x.view(), array![3.0, 2.0, 1.0].view()) + 1.0).abs() < 1e-15);
/// assert_eq!(pearson_r(x.view(), array![2.0, 2.0, 2.0].view()), 0.0);
/// ```
pub fn pearson_r(x: ArrayView1<f64>, y: ArrayView1<f64>) -> f64 {
    let n = x.len() as f64;
    let mean = |v: ArrayView1<f64>| v.iter().fold(0.0, |s, a| s + a) / n;
    let (mx, my) = (mean(x), mean(y));
    let (mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0);
    for (a, b) in x.iter().zip(y) {
        sxy += (a - mx) * (b - my);
        sxx += (a - mx) * (a - mx);
        syy += (b - my) * (b - my);
    }
    let d = (sxx * syy).sqrt();
    if d > 0.0 { sxy / d } else { 0.0 }
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
        Correlation::Spearman => pearson(&ranked_rows(values)),
        Correlation::Kendall => kendall(values),
    }
}

/// Each row replaced by its average ranks (Spearman's rho is Pearson's r on these).
fn ranked_rows(values: &Array2<f64>) -> Array2<f64> {
    Array2::from_shape_vec(
        values.raw_dim(),
        values
            .axis_iter(Axis(0))
            .flat_map(|row| average_ranks(row).to_vec())
            .collect(),
    )
    .expect("same shape")
}

/// Largest `n` for which [`CorrelationForm::Auto`] forms the `n x n` correlation matrix and extracts
/// from it (the path every reference test checks); above it, extraction works on the
/// `n x m` factor of [`Factored`] in time and memory linear in `n`.
pub const DENSE_LIMIT: usize = 300;

/// How extraction sees the correlation between persons.
///
/// Both give the same factors (to floating-point rounding, ~1e-12; tested on the fixtures);
/// the dense path is the one the anchors' numbers are checked on, the factored one grows
/// with `n m` instead of `n^2` (memory) and `n^3` (PCA time).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CorrelationForm {
    /// Dense for `n <= DENSE_LIMIT` (and always for Kendall), factored above.
    #[default]
    Auto,
    /// Always form the `n x n` matrix.
    Dense,
    /// Never form it (except for Kendall's tau, which has no `Z Z^T` form).
    Factored,
}

impl CorrelationForm {
    /// Whether an analysis of `n` sorts with `method` uses the factored path.
    pub fn is_factored(self, n: usize, method: Correlation) -> bool {
        method != Correlation::Kendall
            && match self {
                CorrelationForm::Auto => n > DENSE_LIMIT,
                CorrelationForm::Dense => false,
                CorrelationForm::Factored => true,
            }
    }
}

/// The correlation matrix between persons held as a factor: `R = W W^T` with `W` the `n x m`
/// row-standardised sorts (ranks for Spearman) divided by `sqrt(m - 1)`, so that `R v` costs
/// `O(n m)` (`W (W^T v)`) and the `n x n` matrix is never formed.
///
/// ```
/// use ndarray::array;
/// use qstudy_core::correlate::{correlation_matrix, Correlation, Factored};
/// let x = array![[1.0, 2.0, 3.0, 5.0], [3.0, 2.0, 1.0, 0.0], [1.0, 3.0, 2.0, 2.0]];
/// let f = Factored::new(&x, Correlation::Pearson).unwrap();
/// let r = correlation_matrix(&x, Correlation::Pearson);
/// let v = array![0.5, -1.0, 2.0];
/// let (a, b) = (f.apply(v.view()), r.dot(&v));
/// assert!((&a - &b).iter().all(|d| d.abs() < 1e-12));
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Factored {
    w: Array2<f64>,
}

impl Factored {
    /// The factor of the Pearson or Spearman correlations between the rows of `values`;
    /// `None` for Kendall's tau (not a product of standardised scores).
    pub fn new(values: &Array2<f64>, method: Correlation) -> Option<Factored> {
        let scaled = |x: &Array2<f64>| {
            let scale = 1.0 / (x.ncols() as f64 - 1.0).sqrt();
            let mut w = standardize_rows(x);
            w.mapv_inplace(|v| v * scale);
            w
        };
        match method {
            Correlation::Pearson => Some(Factored { w: scaled(values) }),
            Correlation::Spearman => Some(Factored {
                w: scaled(&ranked_rows(values)),
            }),
            Correlation::Kendall => None,
        }
    }

    /// The `n x m` factor `W` (`R = W W^T`).
    pub fn w(&self) -> &Array2<f64> {
        &self.w
    }

    /// Number of persons `n`.
    pub fn n(&self) -> usize {
        self.w.nrows()
    }

    /// `R v = W (W^T v)`, in `O(n m)`.
    pub fn apply(&self, v: ArrayView1<f64>) -> Array1<f64> {
        self.w.dot(&self.w.t().dot(&v))
    }

    /// Column `j` of `R`: `W w_j`.
    pub fn column(&self, j: usize) -> Array1<f64> {
        self.w.dot(&self.w.row(j))
    }

    /// The `m x m` Gram matrix `W^T W`: its eigenvalues are the non-zero eigenvalues of `R`.
    pub fn gram(&self) -> Array2<f64> {
        self.w.t().dot(&self.w)
    }

    /// The `n x n` matrix itself (for output; `O(n^2)` memory), exactly symmetric with a unit
    /// diagonal and entries in `[-1, 1]`.
    pub fn to_dense(&self) -> Array2<f64> {
        let mut r = self.w.dot(&self.w.t());
        tidy_correlation(&mut r);
        r
    }
}

/// Exact symmetry, unit diagonal and range, whatever the rounding of the product.
fn tidy_correlation(r: &mut Array2<f64>) {
    let n = r.nrows();
    for i in 0..n {
        r[[i, i]] = 1.0;
        for j in 0..i {
            let v = r[[i, j]].clamp(-1.0, 1.0);
            r[[i, j]] = v;
            r[[j, i]] = v;
        }
    }
}

/// The correlation between persons as extraction needs it: the matrix, or its factor.
#[derive(Debug, Clone, PartialEq)]
pub enum SortCorrelation {
    /// The `n x n` matrix.
    Dense(Array2<f64>),
    /// `R = W W^T`, never formed.
    Factored(Factored),
}

impl SortCorrelation {
    /// Builds what `engine` asks for `values` (sorts x statements).
    pub fn new(
        values: &Array2<f64>,
        method: Correlation,
        engine: CorrelationForm,
    ) -> SortCorrelation {
        if engine.is_factored(values.nrows(), method) {
            SortCorrelation::Factored(Factored::new(values, method).expect("not Kendall"))
        } else {
            SortCorrelation::Dense(correlation_matrix(values, method))
        }
    }

    /// Number of persons `n`.
    pub fn n(&self) -> usize {
        match self {
            SortCorrelation::Dense(r) => r.nrows(),
            SortCorrelation::Factored(f) => f.n(),
        }
    }

    /// The `n x n` matrix (formed from the factor when it is not held).
    pub fn dense(&self) -> std::borrow::Cow<'_, Array2<f64>> {
        match self {
            SortCorrelation::Dense(r) => std::borrow::Cow::Borrowed(r),
            SortCorrelation::Factored(f) => std::borrow::Cow::Owned(f.to_dense()),
        }
    }
}

fn pearson(values: &Array2<f64>) -> Array2<f64> {
    let m = values.ncols() as f64;
    let z = standardize_rows(values);
    let mut r = z.dot(&z.t()) / (m - 1.0);
    tidy_correlation(&mut r);
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

#[cfg(test)]
mod pearson_tests {
    use super::*;

    /// `pearson_r` gives, bit for bit, the correlation of in-order sums: on slices and on the
    /// strided columns of an `n x k` loadings matrix (ndarray's sum of a strided view runs in
    /// order from 0 too).
    #[test]
    fn bit_identical_to_in_order_sums() {
        let in_order = |x: &[f64], y: &[f64]| {
            let n = x.len() as f64;
            let (mx, my) = (x.iter().sum::<f64>() / n, y.iter().sum::<f64>() / n);
            let (mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0);
            for (a, b) in x.iter().zip(y) {
                sxy += (a - mx) * (b - my);
                sxx += (a - mx) * (a - mx);
                syy += (b - my) * (b - my);
            }
            sxy / (sxx * syy).sqrt()
        };
        let mut s: u64 = 11;
        let mut next = || {
            s = s
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (s >> 11) as f64 / (1u64 << 53) as f64 - 0.3
        };
        for n in 3..80 {
            let (x, y): (Vec<f64>, Vec<f64>) = (0..n).map(|_| (next(), next())).unzip();
            let r = pearson_r(x.as_slice().into(), y.as_slice().into());
            assert_eq!(r.to_bits(), in_order(&x, &y).to_bits(), "n {n}");
            let loadings = Array2::from_shape_fn((n, 3), |_| next());
            for (i, j) in [(0, 1), (2, 0), (1, 1)] {
                let (a, b) = (loadings.column(i), loadings.column(j));
                assert_eq!(
                    pearson_r(a, b).to_bits(),
                    in_order(&a.to_vec(), &b.to_vec()).to_bits()
                );
            }
        }
    }
}

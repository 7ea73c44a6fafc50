//! Stage 2: factor extraction from the correlation matrix: Brown's centroid (PQMethod QCENT)
//! and principal components.
//!
//! The extractions' helpers come in dense and factored forms, kept side by side so that each
//! pair is read together (their equivalence tests are in `extract/tests.rs`). The stage call
//! of an analysis (how many factors, its warnings) is in `extract/stage.rs`.

use nalgebra::{DMatrix, SymmetricEigen};
use ndarray::{Array1, Array2, ArrayView1, ArrayView2, Axis, s};
use serde::{Deserialize, Serialize};
use std::fmt;

use crate::correlate::{Factored, SortCorrelation};
use std::str::FromStr;

mod stage;
pub use stage::{ExtractRequest, ExtractStage, run};

/// The extraction method.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Extraction {
    /// Brown's centroid method as in PQMethod's QCENT (qstudy default).
    #[default]
    Centroid,
    /// Principal components of the correlation matrix.
    Pca,
    /// PQMethod's Horst 5.5 centroid: the k factors are re-extracted with iterated communality
    /// estimates on the diagonal until they settle ([`horst`]).
    Horst,
}

impl Extraction {
    /// The name used in options and `results.json`.
    pub fn as_str(self) -> &'static str {
        match self {
            Extraction::Centroid => "centroid",
            Extraction::Pca => "pca",
            Extraction::Horst => "horst",
        }
    }

    /// How many factors are extracted when not told: 7 centroid factors (PQMethod) or
    /// 8 components (PQMethod/KADE display). Horst's iteration runs over the whole solution, so
    /// an analysis extracts exactly the factors it keeps; 7 is used where no count is kept
    /// (retention).
    pub fn default_count(self) -> usize {
        match self {
            Extraction::Centroid | Extraction::Horst => 7,
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
            "horst" => Ok(Extraction::Horst),
            other => Err(format!(
                "unknown extraction method '{other}' (expected centroid, pca or horst)"
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
    /// Horst only: the passes run and whether the communalities settled within the limit.
    pub horst: Option<HorstRun>,
    /// Centroid only: per factor, the first reflection decided by a near-tie ([`NEAR_TIE`]).
    pub near_ties: Vec<NearTie>,
    /// Centroid with qmethod's convention only: per factor, the first set of sorts (0-based)
    /// whose column sums tie at the minimum, which qmethod reflects at once (`factor`, sorts).
    pub exact_ties: Vec<(usize, Vec<usize>)>,
}

/// A reflection of the centroid decided by a near-tie: the two most negative column sums of
/// two sorts that are not interchangeable (their residual rows differ) were within a relative
/// margin of [`NEAR_TIE`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NearTie {
    /// The factor (0-based).
    pub factor: usize,
    /// The sort reflected (0-based).
    pub chosen: usize,
    /// The sort whose sum came within the margin (0-based).
    pub other: usize,
    /// `(T_other - T_chosen) / |T_chosen|`.
    pub margin: f64,
}

/// How a Horst extraction ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HorstRun {
    /// Passes run after the first (PQMethod's iteration count).
    pub iterations: usize,
    /// Whether the largest change of the diagonal fell to the threshold.
    pub converged: bool,
}

/// Which centroid convention is followed (methods section 7b).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CentroidVariant {
    /// PQMethod/KADE QCENT: diagonal estimates start at 0.5, stop when no `a^2` moves by more
    /// than 0.001.
    #[default]
    Pqmethod,
    /// qmethod's `centroid()`: estimates start at the column's mean off-diagonal correlation
    /// `T_j / (n - 1)`, stop when every `|d_j - a_j^2| < 1e-5`.
    Qmethod,
}

/// Settings of the Horst 5.5 iteration (PQMethod's defaults: 30 iterations, 0.0001).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct HorstOptions {
    /// Largest number of re-extractions after the first pass.
    pub iterations: usize,
    /// Convergence: the largest change of a diagonal estimate between passes.
    pub threshold: f64,
}

impl Default for HorstOptions {
    fn default() -> Self {
        HorstOptions {
            iterations: 30,
            threshold: 0.0001,
        }
    }
}

/// Everything extraction needs beyond the method and the count.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct ExtractSettings {
    /// Centroid convention.
    pub centroid: CentroidVariant,
    /// Horst iteration settings.
    pub horst: HorstOptions,
}

/// Convergence limit of the centroid communality iteration (PQMethod/KADE: 0.001 on a^2).
pub const CENTROID_TOLERANCE: f64 = 0.001;
/// Convergence limit of qmethod's centroid iteration (`spc`).
pub const QMETHOD_CENTROID_TOLERANCE: f64 = 1e-5;
/// Starting diagonal estimate of the centroid communality iteration (PQMethod/KADE).
pub const CENTROID_START_DIAGONAL: f64 = 0.5;
const CENTROID_MAX_ITERATIONS: usize = 1000;
/// Column sums closer than this (relative) are ties in the reflection step.
const CENTROID_TIE: f64 = 1e-10;
/// A reflection decided by a relative margin below this between the two most negative column
/// sums is a near-tie: another program's rounding may decide it the other way (warned).
pub const NEAR_TIE: f64 = 1e-6;

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
    extract_with(r, method, count, &ExtractSettings::default())
}

/// [`extract`] with the centroid convention and Horst settings given.
pub fn extract_with(
    r: &Array2<f64>,
    method: Extraction,
    count: usize,
    settings: &ExtractSettings,
) -> Extracted {
    match method {
        Extraction::Centroid => centroid_variant(r, count, settings.centroid),
        Extraction::Pca => pca(r, count),
        Extraction::Horst => horst(r, count, &settings.horst),
    }
}

/// Extracts up to `count` factors from the correlation between persons, dense or factored
/// ([`crate::correlate::SortCorrelation`]): the factored path gives the dense path's factors to
/// floating-point rounding in time and memory linear in `n`.
///
/// ```
/// use ndarray::array;
/// use qstudy_core::correlate::{Correlation, CorrelationForm, SortCorrelation};
/// use qstudy_core::extract::{extract_persons, Extraction};
/// let x = array![[1.0, 2.0, 3.0, 4.0, 5.0], [2.0, 1.0, 3.0, 5.0, 4.0],
///                [5.0, 4.0, 3.0, 1.0, 2.0], [1.0, 3.0, 2.0, 4.0, 5.0]];
/// let dense = extract_persons(&SortCorrelation::new(&x, Correlation::Pearson, CorrelationForm::Dense), Extraction::Pca, 2);
/// let fact = extract_persons(&SortCorrelation::new(&x, Correlation::Pearson, CorrelationForm::Factored), Extraction::Pca, 2);
/// assert!((&dense.loadings - &fact.loadings).iter().all(|d| d.abs() < 1e-10));
/// ```
pub fn extract_persons(persons: &SortCorrelation, method: Extraction, count: usize) -> Extracted {
    extract_persons_with(persons, method, count, &ExtractSettings::default())
}

/// [`extract_persons`] with the centroid convention and Horst settings given. Horst works on
/// the dense matrix (formed from the factor when the correlation is factored).
pub fn extract_persons_with(
    persons: &SortCorrelation,
    method: Extraction,
    count: usize,
    settings: &ExtractSettings,
) -> Extracted {
    match persons {
        SortCorrelation::Dense(r) => extract_with(r, method, count, settings),
        SortCorrelation::Factored(f) => match method {
            Extraction::Centroid => centroid_factored_with(f, count, PREFIX_MIN, settings.centroid),
            Extraction::Pca => pca_factored(f, count),
            Extraction::Horst => {
                let w = f.w();
                let mut r = w.dot(&w.t());
                r.diag_mut().fill(1.0);
                horst(&r, count, &settings.horst)
            }
        },
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
    centroid_variant(r, count, CentroidVariant::Pqmethod)
}

/// [`centroid`] following PQMethod's or qmethod's convention (methods section 7b). Both reflect
/// the most negative column sum (first index on ties) until none is negative; qmethod reflects
/// every exactly tied minimum at once, which differs only when column sums tie exactly.
pub fn centroid_variant(r: &Array2<f64>, count: usize, variant: CentroidVariant) -> Extracted {
    let n = r.nrows();
    let mut residual = r.clone();
    let mut columns: Vec<Vec<f64>> = Vec::with_capacity(count);
    let mut shortfall = None;
    let mut capped = Vec::new();
    let mut ties = Vec::new();
    for factor in 0..count {
        match centroid_factor(&residual, variant) {
            Ok((a, held, tie)) => {
                capped.extend(held.into_iter().map(|i| (factor, i)));
                ties.push(tie);
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
    let (near_ties, exact_ties) = FactorTies::collect(ties);
    Extracted {
        eigenvalues: column_sums_of_squares(&loadings),
        loadings,
        all_eigenvalues: Vec::new(),
        shortfall,
        capped,
        horst: None,
        near_ties,
        exact_ties,
    }
}

/// The ties met while reflecting the sorts of one centroid factor.
#[derive(Debug, Clone, Default)]
struct FactorTies {
    /// The first reflection decided by a near-tie: (chosen, other, margin).
    near: Option<(usize, usize, f64)>,
    /// The first set of sorts tied at the minimum (qmethod convention only).
    exact: Vec<usize>,
}

impl FactorTies {
    /// Looks at one reflection step: `jmin` is about to be reflected, its sum `tmin` the
    /// lowest among `sums` (every sum that can be within [`NEAR_TIE`] of it, with its sort);
    /// `same(a, b)` says whether sorts `a` and `b` are interchangeable (equal residual rows),
    /// in which case which of them goes first changes nothing.
    fn observe(
        &mut self,
        sums: impl Iterator<Item = (usize, f64)> + Clone,
        jmin: usize,
        tmin: f64,
        qmethod: bool,
        same: impl Fn(usize, usize) -> bool,
    ) {
        let tie = CENTROID_TIE * (1.0 + tmin.abs());
        if qmethod && self.exact.is_empty() {
            let mut tied: Vec<usize> = sums
                .clone()
                .filter(|&(_, v)| v <= tmin + tie)
                .map(|(k, _)| k)
                .collect();
            if tied.len() > 1 {
                tied.sort_unstable();
                tied.dedup();
                self.exact = tied;
            }
        }
        if self.near.is_some() {
            return;
        }
        let near = NEAR_TIE * tmin.abs();
        let mut best: Option<(usize, f64)> = None;
        for (k, v) in sums {
            if k == jmin || v - tmin > near {
                continue;
            }
            let margin = ((v - tmin) / tmin.abs()).max(0.0);
            if best.is_none_or(|(bk, bm)| margin < bm || (margin == bm && k < bk)) && !same(jmin, k)
            {
                best = Some((k, margin));
            }
        }
        self.near = best.map(|(k, margin)| (jmin, k, margin));
    }

    /// The ties of every factor, in factor order.
    fn collect(ties: Vec<FactorTies>) -> (Vec<NearTie>, Vec<(usize, Vec<usize>)>) {
        let mut near = Vec::new();
        let mut exact = Vec::new();
        for (factor, t) in ties.into_iter().enumerate() {
            if let Some((chosen, other, margin)) = t.near {
                near.push(NearTie {
                    factor,
                    chosen,
                    other,
                    margin,
                });
            }
            if !t.exact.is_empty() {
                exact.push((factor, t.exact));
            }
        }
        (near, exact)
    }
}

/// Whether `values(a, i)` and `values(b, i)` agree for every `i` but `a` and `b` (to 1e-9):
/// two sorts whose residual rows are equal are interchangeable in the reflection.
fn rows_agree(n: usize, a: usize, b: usize, values: impl Fn(usize, usize) -> f64) -> bool {
    (0..n)
        .filter(|&i| i != a && i != b)
        .all(|i| (values(a, i) - values(b, i)).abs() <= 1e-9)
}

/// One centroid factor of the (residual) matrix `res`, with original signs, and the variables
/// whose communality estimate was held at 1; or why there is none.
///
/// A communality estimate cannot exceed 1 (the diagonal of R). When one variable dominates the
/// column sums, the plain iteration `d_j <- a_j^2` would push `a_j` up without bound (it
/// diverges: `a_j^2 ~ 1 + a_j^2`), so the estimate used on the diagonal is held at 1 and the
/// variable reported. This changes nothing where the iteration stays below 1, which is every
/// ordinary study (and PQMethod's and KADE's results).
fn centroid_factor(
    res: &Array2<f64>,
    variant: CentroidVariant,
) -> Result<(Vec<f64>, Vec<usize>, FactorTies), &'static str> {
    let n = res.nrows();
    // Off-diagonal column sums. The residual is exactly symmetric (R is made so, and each
    // update subtracts a_i a_j = a_j a_i from both halves), so row j holds column j's values
    // in the same order: summing the contiguous row gives the column sum bit for bit.
    let mut t: Vec<f64> = (0..n)
        .map(|j| {
            res.row(j)
                .iter()
                .enumerate()
                .filter(|&(i, _)| i != j)
                .map(|(_, &v)| v)
                .sum()
        })
        .collect();
    // Reflection towards a positive manifold: flip the most negative variable until none is.
    let mut sign = vec![1.0f64; n];
    let mut ties = FactorTies::default();
    // Each reflection strictly raises the total of the off-diagonal sums, so this ends; the
    // cap only guards against rounding ping-pong on exact zeros.
    for _ in 0..(100 * n + 100) {
        let Some(jmin) = most_negative(&t) else {
            break;
        };
        ties.observe(
            t.iter().copied().enumerate(),
            jmin,
            t[jmin],
            variant == CentroidVariant::Qmethod,
            |a, b| rows_agree(n, a, b, |r, i| sign[r] * res[[r, i]]),
        );
        // Reflecting variable jmin negates its row and column (diagonal unchanged).
        sign[jmin] = -sign[jmin];
        let column = res.row(jmin);
        for (i, ti) in t.iter_mut().enumerate() {
            if i != jmin {
                // T_i loses r_i,jmin and gains -r_i,jmin (in the current reflected space).
                *ti -= 2.0 * sign[i] * (-sign[jmin]) * column[i];
            }
        }
        t[jmin] = -t[jmin];
    }
    let (a, held) = centroid_loadings(&t, &sign, variant)?;
    Ok((a, held, ties))
}

/// The variable to reflect: the most negative sum, first index on ties; `None` when no sum is
/// negative. Sums equal in exact arithmetic can differ in the last bits depending on the order
/// of the data, so values within TIE of each other count as ties, and sums above -TIE as
/// non-negative: the choice then depends on the data, not on rounding.
fn most_negative(t: &[f64]) -> Option<usize> {
    let tmin = t.iter().copied().fold(f64::INFINITY, f64::min);
    let tie = CENTROID_TIE * (1.0 + tmin.abs());
    if tmin >= -tie {
        return None;
    }
    Some(t.iter().position(|&v| v <= tmin + tie).unwrap_or(0))
}

/// The communality iteration of one centroid factor from the reflected off-diagonal sums `t`
/// and the reflection signs: loadings with original signs, and the variables whose estimate
/// was held at 1.
fn centroid_loadings(
    t: &[f64],
    sign: &[f64],
    variant: CentroidVariant,
) -> Result<(Vec<f64>, Vec<usize>), &'static str> {
    let n = t.len();
    let (mut d, tolerance) = match variant {
        CentroidVariant::Pqmethod => (vec![CENTROID_START_DIAGONAL; n], CENTROID_TOLERANCE),
        CentroidVariant::Qmethod => {
            let denominator = (n.max(2) - 1) as f64;
            (
                t.iter().map(|ti| ti / denominator).collect(),
                QMETHOD_CENTROID_TOLERANCE,
            )
        }
    };
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
            // PQMethod's estimate cannot pass 1 (held there); qmethod's is not bounded.
            let a2 = match variant {
                CentroidVariant::Pqmethod => (a[j] * a[j]).min(1.0),
                CentroidVariant::Qmethod => a[j] * a[j],
            };
            change = change.max((a2 - d[j]).abs());
            d[j] = a2;
        }
        let done = match variant {
            CentroidVariant::Pqmethod => change <= tolerance,
            CentroidVariant::Qmethod => change < tolerance,
        };
        if done {
            converged = true;
            break;
        }
    }
    if !converged {
        return Err("the communality iteration does not converge");
    }
    let held = match variant {
        CentroidVariant::Pqmethod => (0..n).filter(|&j| d[j] >= 1.0).collect(),
        CentroidVariant::Qmethod => Vec::new(),
    };
    Ok((a.iter().zip(sign).map(|(aj, sj)| aj * sj).collect(), held))
}

/// Brown's centroid method on the factored correlation `R = W W^T`, never forming an `n x n`
/// matrix: the same steps and conventions as [`centroid`] (reflection of the most negative
/// sum with the same tie rule, diagonal 0.5 start, 0.001 stop, estimate held at 1), with the
/// residual `R - A A^T` (off-diagonal) applied as `W (W^T v) - A (A^T v)`. Memory `O(n m)`.
pub fn centroid_factored(f: &Factored, count: usize) -> Extracted {
    centroid_factored_with(f, count, PREFIX_MIN, CentroidVariant::Pqmethod)
}

/// [`centroid_factored`] with the smallest selected prefix given (tests shrink it to run the
/// re-selection paths on small studies).
fn centroid_factored_with(
    f: &Factored,
    count: usize,
    prefix_min: usize,
    variant: CentroidVariant,
) -> Extracted {
    let w = f.w();
    let n = w.nrows();
    let mut loadings = Array2::<f64>::zeros((n, count));
    let mut shortfall = None;
    let mut capped = Vec::new();
    let mut ties = Vec::new();
    let mut k = 0;
    for factor in 0..count {
        match centroid_factor_factored(
            w.view(),
            loadings.slice(s![.., ..factor]),
            prefix_min,
            variant,
        ) {
            Ok((a, held, tie)) => {
                capped.extend(held.into_iter().map(|i| (factor, i)));
                ties.push(tie);
                loadings.column_mut(factor).assign(&Array1::from(a));
                k += 1;
            }
            Err(why) => {
                shortfall = Some(format!("centroid factor {}: {why}", factor + 1));
                break;
            }
        }
    }
    let loadings = loadings.slice(s![.., ..k]).to_owned();
    let (near_ties, exact_ties) = FactorTies::collect(ties);
    Extracted {
        eigenvalues: column_sums_of_squares(&loadings),
        loadings,
        all_eigenvalues: Vec::new(),
        shortfall,
        capped,
        horst: None,
        near_ties,
        exact_ties,
    }
}

/// One centroid factor of the residual `E = W W^T - A A^T` (off-diagonal part).
///
/// In the reflected space with signs `s`, the off-diagonal sums are `T_i = s_i g_i - c_i` with
/// `g = W (W^T s) - A (A^T s)` and `c_i = E_ii`. Reflecting `j` adds `-2 s_j E[:, j]` to `g`, a
/// change `W du - A dv` with `du`, `dv` accumulated in `O(m + k)`. The most negative sum is
/// found without recomputing every `T_i`: since the last full evaluation (`T_ref`, sorted),
/// `|T_i - T_ref_i| <= |w_i| |du| + |a_i| |dv|`, so only the variables whose `T_ref_i` minus
/// that bound can still reach the minimum (plus those reflected since) are evaluated exactly;
/// the full evaluation is redone when that work has added up to `n` evaluations.
fn centroid_factor_factored(
    w: ArrayView2<f64>,
    a: ArrayView2<f64>,
    prefix_min: usize,
    variant: CentroidVariant,
) -> Result<(Vec<f64>, Vec<usize>, FactorTies), &'static str> {
    let n = w.nrows();
    let mut r = Reflection::new(w, a, prefix_min);
    let mut ties = FactorTies::default();
    while r.steps < 100 * n + 100 {
        if r.work >= n {
            r.evaluate_all();
        }
        let Some(best) = r.scan() else {
            // The minimum may lie beyond the selected prefix.
            if r.fresh {
                r.prefix = n;
            }
            r.work = n;
            continue;
        };
        r.fresh = false;
        r.steps += 1;
        r.work += r.counted;
        // The same rule as `most_negative`, over the only variables that can qualify.
        let tie = CENTROID_TIE * (1.0 + best.abs());
        if best >= -tie {
            break;
        }
        let jmin = r.lowest(best, tie);
        ties.observe(
            r.evaluated.iter().copied(),
            jmin,
            best,
            variant == CentroidVariant::Qmethod,
            |x, y| r.interchangeable(x, y),
        );
        r.reflect(jmin);
    }
    let t: Vec<f64> = (0..n).map(|i| r.sum(i)).collect();
    let (a, held) = centroid_loadings(&t, &r.sign, variant)?;
    Ok((a, held, ties))
}

/// The reflection search of [`centroid_factor_factored`]: the signs, the sums at the last full
/// evaluation and the change accumulated since.
struct Reflection<'w> {
    w: ArrayView2<'w, f64>,
    a: ArrayView2<'w, f64>,
    /// The residual's diagonal `E_ii`.
    c: Vec<f64>,
    /// The largest row norms of `W` and `A`.
    w_norm_max: f64,
    a_norm_max: f64,
    /// A bound of `max|E_ij|`: `max|w|^2 + max|a|^2`.
    e_max: f64,
    /// The reflection signs.
    sign: Vec<f64>,
    /// g = W (W^T s) - A (A^T s) at the last full evaluation.
    g: Array1<f64>,
    /// The change of `W^T s` and `A^T s` since the last full evaluation.
    du: Array1<f64>,
    dv: Array1<f64>,
    /// The sums at the last full evaluation.
    t_ref: Vec<f64>,
    /// How many of the lowest sums are selected and sorted.
    prefix: usize,
    /// Only the low end of the order is ever scanned: it is selected in O(n) and sorted; when
    /// a scan runs past it, the evaluation is redone (and, right after one, the order made
    /// whole).
    order: Vec<usize>,
    /// Variables reflected since the full evaluation, and the list of them:
    /// (variable, its sum when last evaluated, at which step).
    touched: Vec<bool>,
    touched_list: Vec<(usize, f64, usize)>,
    /// Evaluations since the last full one.
    work: usize,
    /// Whether no step was taken since the last full evaluation.
    fresh: bool,
    /// The (variable, sum) pairs the last scan evaluated: every variable whose sum can be
    /// the lowest, and those whose sum can be within [`NEAR_TIE`] of it (for the warning).
    evaluated: Vec<(usize, f64)>,
    /// How many of `evaluated` the choice needed (the work counted towards a full
    /// evaluation: the near-tie candidates do not change when it is redone).
    counted: usize,
    /// Reflections so far.
    steps: usize,
}

impl<'w> Reflection<'w> {
    /// All signs +1, evaluated in full.
    fn new(w: ArrayView2<'w, f64>, a: ArrayView2<'w, f64>, prefix_min: usize) -> Self {
        let (n, m) = w.dim();
        let k = a.ncols();
        let c: Vec<f64> = (0..n)
            .map(|i| w.row(i).dot(&w.row(i)) - a.row(i).dot(&a.row(i)))
            .collect();
        let w_norm_max = (0..n)
            .map(|i| w.row(i).dot(&w.row(i)).sqrt())
            .fold(0.0f64, f64::max);
        let a_norm_max = (0..n)
            .map(|i| a.row(i).dot(&a.row(i)).sqrt())
            .fold(0.0f64, f64::max);
        let sign = vec![1.0f64; n];
        let ones = Array1::<f64>::ones(n);
        let g: Array1<f64> = w.dot(&w.t().dot(&ones)) - a.dot(&a.t().dot(&ones));
        let prefix = n.min(prefix_min.max(n / 8));
        let t_ref: Vec<f64> = (0..n).map(|i| sign[i] * g[i] - c[i]).collect();
        let order = lowest_sorted(&t_ref, prefix);
        Reflection {
            w,
            a,
            c,
            w_norm_max,
            a_norm_max,
            e_max: w_norm_max * w_norm_max + a_norm_max * a_norm_max,
            sign,
            g,
            du: Array1::<f64>::zeros(m),
            dv: Array1::<f64>::zeros(k),
            t_ref,
            prefix,
            order,
            touched: vec![false; n],
            touched_list: Vec::new(),
            work: 0,
            fresh: true,
            evaluated: Vec::new(),
            counted: 0,
            steps: 0,
        }
    }

    /// Variable `i`'s current off-diagonal sum in the reflected space.
    fn sum(&self, i: usize) -> f64 {
        self.sign[i] * (self.g[i] + self.w.row(i).dot(&self.du) - self.a.row(i).dot(&self.dv))
            - self.c[i]
    }

    /// Full evaluation: folds the accumulated change into `g` and selects the lowest sums
    /// again.
    fn evaluate_all(&mut self) {
        let n = self.sign.len();
        let g = std::mem::replace(&mut self.g, Array1::zeros(0));
        self.g = g + self.w.dot(&self.du) - self.a.dot(&self.dv);
        self.du.fill(0.0);
        self.dv.fill(0.0);
        self.t_ref = (0..n)
            .map(|i| self.sign[i] * self.g[i] - self.c[i])
            .collect();
        self.order = lowest_sorted(&self.t_ref, self.prefix);
        for &(i, ..) in &self.touched_list {
            self.touched[i] = false;
        }
        self.touched_list.clear();
        self.work = 0;
        self.fresh = true;
    }

    /// Evaluates exactly the variables whose sum can still be the lowest (into `evaluated`)
    /// and returns the lowest; `None` when the scan ran past the selected prefix.
    fn scan(&mut self) -> Option<f64> {
        let n = self.sign.len();
        let beta = self.w_norm_max * self.du.dot(&self.du).sqrt()
            + self.a_norm_max * self.dv.dot(&self.dv).sqrt();
        self.evaluated.clear();
        self.counted = 0;
        let mut best = f64::INFINITY;
        let mut complete = self.order.len() == n;
        // Past the choice's cut-off, a variable is evaluated only for the near-tie warning: its
        // sum cannot lower `best` (its bound is above it), and it is not counted as work.
        let mut past = false;
        for &i in &self.order {
            if self.touched[i] {
                continue;
            }
            let bound = self.t_ref[i] - beta;
            if best.is_finite() && bound > best + CENTROID_TIE * (1.0 + best.abs()) {
                complete = true;
                past = true;
                if bound > best + NEAR_TIE * best.abs() {
                    break;
                }
            }
            let v = self.sum(i);
            best = best.min(v);
            self.evaluated.push((i, v));
            if !past {
                self.counted += 1;
            }
        }
        // Variables reflected since the full evaluation: each later reflection moved their sum
        // by at most 2 max|E_ij| <= 2 (max|w|^2 + max|a|^2), so most need no evaluation.
        let mut touched_list = std::mem::take(&mut self.touched_list);
        for (i, t_at, step_at) in touched_list.iter_mut() {
            let bound = *t_at - 2.0 * (self.steps - *step_at) as f64 * self.e_max;
            if best.is_finite() && bound > best + CENTROID_TIE * (1.0 + best.abs()) {
                if bound <= best + NEAR_TIE * best.abs() {
                    // for the warning only: its stored sum is left as it was
                    self.evaluated.push((*i, self.sum(*i)));
                }
                continue;
            }
            let v = self.sum(*i);
            (*t_at, *step_at) = (v, self.steps);
            best = best.min(v);
            self.evaluated.push((*i, v));
            self.counted += 1;
        }
        self.touched_list = touched_list;
        complete.then_some(best)
    }

    /// Whether sorts `a` and `b` are interchangeable in the reflection: the same rows of `W`
    /// and of the factors so far (to 1e-9) and the same sign.
    fn interchangeable(&self, a: usize, b: usize) -> bool {
        let close = |x: ArrayView1<f64>, y: ArrayView1<f64>| {
            x.iter().zip(y.iter()).all(|(p, q)| (p - q).abs() <= 1e-9)
        };
        self.sign[a] == self.sign[b]
            && close(self.w.row(a), self.w.row(b))
            && close(self.a.row(a), self.a.row(b))
    }

    /// The lowest-numbered variable whose evaluated sum is within `tie` of `best`.
    fn lowest(&self, best: f64, tie: f64) -> usize {
        self.evaluated
            .iter()
            .filter(|&&(_, v)| v <= best + tie)
            .map(|&(i, _)| i)
            .min()
            .expect("the minimum qualifies")
    }

    /// Reflects variable `jmin` (one of the last scan's).
    fn reflect(&mut self, jmin: usize) {
        let s_old = self.sign[jmin];
        self.sign[jmin] = -s_old;
        self.du.scaled_add(-2.0 * s_old, &self.w.row(jmin));
        self.dv.scaled_add(-2.0 * s_old, &self.a.row(jmin));
        // Its own sum changes sign exactly (T_j -> -T_j).
        let t_new = -self
            .evaluated
            .iter()
            .find(|&&(i, _)| i == jmin)
            .expect("evaluated")
            .1;
        if self.touched[jmin] {
            let entry = self
                .touched_list
                .iter_mut()
                .find(|e| e.0 == jmin)
                .expect("touched");
            (entry.1, entry.2) = (t_new, self.steps);
        } else {
            self.touched[jmin] = true;
            self.touched_list.push((jmin, t_new, self.steps));
        }
    }
}

/// Most sorts Horst 5.5 is run on: it needs the `n x n` matrix (200 MB at this size).
pub const HORST_MAX_SORTS: usize = 5000;

/// Sign flips allowed per Horst factor (PQMethod's cap).
const HORST_MAX_FLIPS: usize = 750;

/// PQMethod's Horst 5.5 centroid (methods section 7b), in full precision. The first pass
/// extracts `count` factors from `r` with unities on the diagonal; each factor: the current
/// diagonal `D` is set aside and zeroed, `W` = row sums, signs `V` (all +1) flipped greedily
/// on the sort with the smallest `W_j V_j` (last index on ties) while it is negative (each flip
/// updates `W`; at most 750), then `a = (W + D.V) / sqrt(sum |W + D.V|)` and the residual is
/// `(R with diagonal D) - a a^T`. After a pass the new diagonal is `min(1, sum of a^2)`
/// (the communalities of the pass); the passes repeat from `r` with that diagonal until the
/// largest change of the diagonal is at most `threshold`, or `iterations` further passes have
/// run (then [`HorstRun::converged`] is false: a warning, not an error).
///
/// ```
/// use ndarray::array;
/// use qstudy_core::extract::{horst, HorstOptions};
/// let r = array![[1.0, 0.6, 0.5, 0.1], [0.6, 1.0, 0.4, 0.2], [0.5, 0.4, 1.0, -0.1], [0.1, 0.2, -0.1, 1.0]];
/// let e = horst(&r, 2, &HorstOptions::default());
/// assert_eq!(e.loadings.dim(), (4, 2));
/// assert!(e.horst.unwrap().iterations >= 1);
/// ```
pub fn horst(r: &Array2<f64>, count: usize, options: &HorstOptions) -> Extracted {
    let n = r.nrows();
    let k = count.min(n);
    let mut diagonal: Vec<f64> = (0..n).map(|i| r[[i, i]]).collect();
    let mut passes = 0;
    let (loadings, converged) = loop {
        let loadings = horst_pass(r, &diagonal, k);
        let communality: Vec<f64> = (0..n)
            .map(|i| loadings.row(i).dot(&loadings.row(i)))
            .collect();
        // PQMethod measures the residual diagonal (estimate used minus communality found),
        // before the new estimate is capped at 1.
        let change = diagonal
            .iter()
            .zip(&communality)
            .map(|(d, h)| (d - h).abs())
            .fold(0.0f64, f64::max);
        let new: Vec<f64> = communality.iter().map(|h| h.min(1.0)).collect();
        if change <= options.threshold {
            break (loadings, true);
        }
        passes += 1;
        if passes > options.iterations {
            break (loadings, false);
        }
        diagonal = new;
    };
    Extracted {
        eigenvalues: column_sums_of_squares(&loadings),
        loadings,
        all_eigenvalues: Vec::new(),
        shortfall: (k < count).then(|| format!("only {n} sorts")),
        capped: Vec::new(),
        horst: Some(HorstRun {
            iterations: passes.min(options.iterations),
            converged,
        }),
        near_ties: Vec::new(),
        exact_ties: Vec::new(),
    }
}

/// One Horst pass: `k` factors of `r` with `diagonal` in place of its diagonal.
fn horst_pass(r: &Array2<f64>, diagonal: &[f64], k: usize) -> Array2<f64> {
    let n = r.nrows();
    let mut res = r.clone();
    for (i, &d) in diagonal.iter().enumerate() {
        res[[i, i]] = d;
    }
    let mut loadings = Array2::<f64>::zeros((n, k));
    for f in 0..k {
        let d: Vec<f64> = (0..n).map(|i| res[[i, i]]).collect();
        res.diag_mut().fill(0.0);
        let mut w: Vec<f64> = (0..n).map(|i| res.row(i).sum()).collect();
        let mut v = vec![1.0f64; n];
        for _ in 0..HORST_MAX_FLIPS {
            let mut jj = 0;
            for i in 0..n {
                if w[jj] * v[jj] >= w[i] * v[i] {
                    jj = i;
                }
            }
            if w[jj] * v[jj] >= 0.0 {
                break;
            }
            v[jj] = -v[jj];
            for (i, wi) in w.iter_mut().enumerate() {
                *wi += 2.0 * res[[i, jj]] * v[jj];
            }
        }
        let a: Vec<f64> = (0..n).map(|i| w[i] + d[i] * v[i]).collect();
        let total: f64 = a.iter().map(|x| x.abs()).sum();
        let scale = if total > 0.0 { 1.0 / total.sqrt() } else { 0.0 };
        for i in 0..n {
            loadings[[i, f]] = a[i] * scale;
        }
        for i in 0..n {
            res[[i, i]] = d[i];
        }
        for i in 0..n {
            let ai = loadings[[i, f]];
            for j in 0..n {
                res[[i, j]] -= ai * loadings[[j, f]];
            }
        }
    }
    loadings
}

/// Smallest prefix of the order the factored centroid selects at each full evaluation.
const PREFIX_MIN: usize = 1024;

/// The indices of the `len` smallest values, in ascending order of value, ties by index.
fn lowest_sorted(t: &[f64], len: usize) -> Vec<usize> {
    let by_value = |&a: &usize, &b: &usize| t[a].total_cmp(&t[b]).then(a.cmp(&b));
    let mut idx: Vec<usize> = (0..t.len()).collect();
    if len < idx.len() {
        idx.select_nth_unstable_by(len, by_value);
        idx.truncate(len);
    }
    idx.sort_unstable_by(by_value);
    idx
}

/// Principal components of the factored correlation `R = W W^T` through the thin SVD of `W`:
/// the eigenvectors `v` of the `m x m` Gram matrix `W^T W` give `R`'s eigenvalues and the
/// loadings `W v` (= `u sqrt(lambda)`), in `O(n m^2)` time and `O(n m)` memory. Same order,
/// sign rule and positivity cap as [`pca`]; `all_eigenvalues` holds the `min(n, m)` eigenvalues
/// of the Gram matrix followed by the zeros of `R`'s remaining `n - m` (rank at most `m - 1`).
pub fn pca_factored(f: &Factored, count: usize) -> Extracted {
    let w = f.w();
    let (n, m) = w.dim();
    let (values, vectors) = gram_eigen(w);
    let mut all: Vec<f64> = values.iter().take(n).copied().collect();
    all.resize(n, 0.0);
    let positive = all.iter().take_while(|&&l| l > 1e-10 * n as f64).count();
    let k = count.min(positive);
    let shortfall = (k < count)
        .then(|| format!("the correlation matrix has only {positive} positive eigenvalue(s)"));
    let v = Array2::from_shape_fn((m, k), |(j, c)| vectors[(j, c)]);
    components(w.dot(&v), all, shortfall)
}

/// Principal components from their loadings: each column's sign chosen so that its signed
/// squares sum to at least 0, the eigenvalues the columns' sums of squares.
fn components(mut loadings: Array2<f64>, all: Vec<f64>, shortfall: Option<String>) -> Extracted {
    for c in 0..loadings.ncols() {
        if signed_square_sum(loadings.column(c)) < 0.0 {
            loadings.column_mut(c).mapv_inplace(|x| -x);
        }
    }
    Extracted {
        eigenvalues: column_sums_of_squares(&loadings),
        loadings,
        all_eigenvalues: all,
        shortfall,
        capped: Vec::new(),
        horst: None,
        near_ties: Vec::new(),
        exact_ties: Vec::new(),
    }
}

/// Eigenvalues (descending) and unit eigenvectors (columns, same order) of `W^T W`.
fn gram_eigen(w: &Array2<f64>) -> (Vec<f64>, DMatrix<f64>) {
    let m = w.ncols();
    let g = w.t().dot(w);
    let eig = SymmetricEigen::new(DMatrix::from_fn(m, m, |i, j| g[[i, j]]));
    let mut order: Vec<usize> = (0..m).collect();
    order.sort_by(|&a, &b| {
        eig.eigenvalues[b]
            .total_cmp(&eig.eigenvalues[a])
            .then(a.cmp(&b))
    });
    let values = order.iter().map(|&i| eig.eigenvalues[i]).collect();
    let vectors = DMatrix::from_fn(m, m, |j, c| eig.eigenvectors[(j, order[c])]);
    (values, vectors)
}

/// The eigenvalues of the correlation between persons, descending, without eigenvectors (for
/// retention rules and parallel analysis): all `n` of the dense matrix, or the `min(n, m)`
/// largest from the factor, computed from the smaller of `W W^T` (`n x n`) and `W^T W`
/// (`m x m`) (the others are 0).
pub fn leading_eigenvalues(persons: &SortCorrelation) -> Vec<f64> {
    let sorted_desc = |mut v: Vec<f64>| {
        v.sort_by(|a, b| b.total_cmp(a));
        v
    };
    match persons {
        SortCorrelation::Dense(r) => {
            let n = r.nrows();
            let dm = DMatrix::from_fn(n, n, |i, j| r[[i, j]]);
            sorted_desc(dm.symmetric_eigenvalues().iter().copied().collect())
        }
        SortCorrelation::Factored(f) => {
            let w = f.w();
            let (n, m) = w.dim();
            let g = if n <= m { w.dot(&w.t()) } else { w.t().dot(w) };
            let p = g.nrows();
            let dm = DMatrix::from_fn(p, p, |i, j| g[[i, j]]);
            let mut v = sorted_desc(dm.symmetric_eigenvalues().iter().copied().collect());
            v.truncate(n.min(m));
            v
        }
    }
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
    }
    components(loadings, all, shortfall)
}

#[cfg(test)]
mod tests;

//! Stage 3: rotation: varimax (Kaiser-normalised), none, and judgmental (hand) steps.

use ndarray::{Array2, ArrayView2};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

use crate::error::{AnalysisError, Given};
use crate::extract::signed_square_sum;

/// The analytic rotation applied before any judgmental step.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Rotation {
    /// Kaiser-normalised varimax (qstudy default).
    #[default]
    Varimax,
    /// No analytic rotation.
    None,
}

impl Rotation {
    /// The name used in options and `results.json`.
    pub fn as_str(self) -> &'static str {
        match self {
            Rotation::Varimax => "varimax",
            Rotation::None => "none",
        }
    }
}

impl fmt::Display for Rotation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Rotation {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.to_ascii_lowercase().as_str() {
            "varimax" => Ok(Rotation::Varimax),
            "none" => Ok(Rotation::None),
            other => Err(format!(
                "unknown rotation '{other}' (expected varimax or none)"
            )),
        }
    }
}

/// How varimax is computed. All maximise the same criterion; they stop at different points.
/// The numerics profile ([`crate::numerics::Compatibility`]) picks one; this is the expert override.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum VarimaxMethod {
    /// PQMethod's QVARIMAX as ported by KADE (methods section 7b): Kaiser's pairwise
    /// rotations with PQMethod's skip rule (a pair whose `tan 4t < 0.00116` with a
    /// non-negative denominator is not rotated in that cycle), its quadrant rules and constants,
    /// stopping after 4 consecutive cycles whose criterion changed by less than 1e-8 or after
    /// 225 cycles (default of the `pqmethod` profile).
    #[default]
    Pqmethod,
    /// R's `stats::varimax` (SVD iteration from the identity, stopping when the criterion grows
    /// by less than a factor 1 + 1e-5), as used by qmethod (default of the `qmethod` profile).
    Svd,
    /// Kaiser's pairwise rotations, pairs (1,2), (1,3), ..., (k-1,k) as PQMethod/KADE, run to
    /// full convergence (every angle below 1e-12 rad): the exact optimum.
    Pairwise,
}

impl VarimaxMethod {
    /// The name used in options and `results.json`.
    pub fn as_str(self) -> &'static str {
        match self {
            VarimaxMethod::Pqmethod => "pqmethod",
            VarimaxMethod::Svd => "svd",
            VarimaxMethod::Pairwise => "pairwise",
        }
    }
}

impl FromStr for VarimaxMethod {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.to_ascii_lowercase().as_str() {
            "pqmethod" => Ok(VarimaxMethod::Pqmethod),
            "svd" => Ok(VarimaxMethod::Svd),
            "pairwise" => Ok(VarimaxMethod::Pairwise),
            other => Err(format!(
                "unknown varimax method '{other}' (expected pqmethod, svd or pairwise)"
            )),
        }
    }
}

/// Convergence of [`VarimaxMethod::Svd`]: R's default `eps`.
pub const VARIMAX_SVD_EPS: f64 = 1e-5;

/// One judgmental rotation step: rotate the plane of factors `a` and `b` (1-based) by
/// `degrees`: a' = a cos t + b sin t, b' = -a sin t + b cos t (clockwise for t > 0).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct RotationStep {
    /// First factor (1-based).
    pub a: usize,
    /// Second factor (1-based).
    pub b: usize,
    /// Angle in degrees.
    pub degrees: f64,
}

impl FromStr for RotationStep {
    type Err = String;
    /// Parses `A,B,DEG`, e.g. `1,2,15` or `2,3,-7.5`.
    fn from_str(s: &str) -> Result<Self, String> {
        let parts: Vec<&str> = s.split(',').map(str::trim).collect();
        let bad = || format!("rotation step '{s}' is not A,B,DEGREES (e.g. 1,2,15)");
        if parts.len() != 3 {
            return Err(bad());
        }
        let a = parts[0].parse().map_err(|_| bad())?;
        let b = parts[1].parse().map_err(|_| bad())?;
        let degrees = parts[2].parse().map_err(|_| bad())?;
        Ok(RotationStep { a, b, degrees })
    }
}

impl fmt::Display for RotationStep {
    /// `A,B,DEG`, as [`FromStr`] reads it (e.g. `1,2,15`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{},{},{}", self.a, self.b, self.degrees)
    }
}

/// Rotated loadings and the orthogonal matrix that produced them:
/// `loadings = unrotated * matrix`.
#[derive(Debug, Clone, PartialEq)]
pub struct Rotated {
    /// `n x k` rotated loadings.
    pub loadings: Array2<f64>,
    /// `k x k` orthogonal rotation matrix (reflections included).
    pub matrix: Array2<f64>,
    /// Varimax cycles run (None when varimax was not applied).
    pub varimax_cycles: Option<usize>,
    /// Per factor, +1 or -1: how its column as given compares with the same column in the
    /// space the judgmental steps turn (the rotated, oriented factors). [`rotate`] never
    /// reflects after the steps, so it leaves every factor +1; only an inversion ([`run`])
    /// makes a factor -1: a step of `d` degrees then turns its points the other way on a plot
    /// of the final loadings. Empty: every factor is +1.
    pub step_signs: Vec<f64>,
    /// PQMethod's varimax only: the pairs whose skip rule was decided by a near-tie
    /// ([`NEAR_SKIP`]), each with its closest call.
    pub near_skips: Vec<NearSkip>,
}

/// A pair of factors for which PQMethod's skip rule (`tan 4t < 0.00116`: not rotated) was
/// decided by a margin below [`NEAR_SKIP`]: its closest call.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NearSkip {
    /// The first factor of the pair (0-based).
    pub p: usize,
    /// The second factor (0-based).
    pub q: usize,
    /// The cycle (1-based).
    pub cycle: usize,
    /// `tan 4t = |num / den|`.
    pub tan4t: f64,
    /// Whether the pair was left unrotated.
    pub skipped: bool,
}

/// The warnings of the rotation: each pair of factors whose PQMethod skip rule was decided by
/// a near-tie ([`Rotated::near_skips`]).
pub fn warnings(rotated: &Rotated) -> Vec<crate::warning::Warning> {
    rotated
        .near_skips
        .iter()
        .map(|s| crate::warning::Warning::VarimaxNearSkip {
            a: s.p + 1,
            b: s.q + 1,
            cycle: s.cycle,
            tan4t: s.tan4t,
            skipped: s.skipped,
        })
        .collect()
}

/// A skip decision of PQMethod's varimax with `|tan 4t - 0.00116|` below this is a near-tie:
/// `tan 4t = |num / den|` is a ratio, so this is the margin between `num` and `0.00116 den`
/// relative to `den`.
pub const NEAR_SKIP: f64 = 1e-6;

/// Varimax convergence: stop when every pair's angle in a cycle is below this (radians).
pub const VARIMAX_ANGLE_TOLERANCE: f64 = 1e-12;
/// Varimax cycle cap.
pub const VARIMAX_MAX_CYCLES: usize = 1000;

/// Kaiser-normalised varimax by successive pairwise rotations (Kaiser 1958), pairs in the order
/// (1,2), (1,3), ..., (k-1,k), cycles repeated until no pair rotates by more than
/// [`VARIMAX_ANGLE_TOLERANCE`]. Returns the rotated loadings, the rotation matrix and the cycles.
///
/// ```
/// use ndarray::array;
/// use qstudy_core::rotate::varimax;
/// let a = array![[0.7, 0.5], [0.6, 0.6], [0.5, -0.6], [0.6, -0.5]];
/// let (rot, t, _) = varimax(a.view());
/// let back = a.dot(&t);
/// assert!((&back - &rot).iter().all(|d| d.abs() < 1e-12));
/// ```
pub fn varimax(loadings: ArrayView2<f64>) -> (Array2<f64>, Array2<f64>, usize) {
    let (n, k) = loadings.dim();
    let mut t = Array2::eye(k);
    if k < 2 {
        return (loadings.to_owned(), t, 0);
    }
    let h: Vec<f64> = loadings
        .rows()
        .into_iter()
        .map(|r| r.dot(&r).sqrt())
        .collect();
    let mut x = loadings.to_owned();
    for (i, &hi) in h.iter().enumerate() {
        if hi > 0.0 {
            x.row_mut(i).mapv_inplace(|v| v / hi);
        }
    }
    let nf = n as f64;
    let mut cycles = 0;
    while cycles < VARIMAX_MAX_CYCLES {
        cycles += 1;
        let mut largest = 0.0f64;
        for p in 0..k {
            for q in (p + 1)..k {
                let (mut sa, mut sb, mut sc, mut sd) = (0.0, 0.0, 0.0, 0.0);
                for i in 0..n {
                    let (xp, xq) = (x[[i, p]], x[[i, q]]);
                    let u = xp * xp - xq * xq;
                    let v = 2.0 * xp * xq;
                    sa += u;
                    sb += v;
                    sc += u * u - v * v;
                    sd += 2.0 * u * v;
                }
                let num = sd - 2.0 * sa * sb / nf;
                let den = sc - (sa * sa - sb * sb) / nf;
                let phi = num.atan2(den) / 4.0;
                if phi.abs() > 0.0 {
                    rotate_columns(&mut x, p, q, phi);
                    rotate_columns(&mut t, p, q, phi);
                }
                largest = largest.max(phi.abs());
            }
        }
        if largest < VARIMAX_ANGLE_TOLERANCE {
            break;
        }
    }
    let rotated = loadings.dot(&t);
    (rotated, t, cycles)
}

/// Varimax exactly as R's `stats::varimax(normalize = TRUE, eps)` computes it (the SVD
/// iteration used by qmethod), stopping when the criterion grows by less than a factor
/// `1 + eps`. Returns the rotated loadings, the rotation matrix and the iterations.
pub fn varimax_r(loadings: ArrayView2<f64>, eps: f64) -> (Array2<f64>, Array2<f64>, usize) {
    let (n, k) = loadings.dim();
    if k < 2 {
        return (loadings.to_owned(), Array2::eye(k), 0);
    }
    let mut x = loadings.to_owned();
    for mut row in x.rows_mut() {
        let h = row.dot(&row).sqrt();
        if h > 0.0 {
            row.mapv_inplace(|v| v / h);
        }
    }
    let mut t = Array2::<f64>::eye(k);
    let mut d = 0.0;
    let mut iterations = 0;
    for _ in 0..1000 {
        iterations += 1;
        let z = x.dot(&t);
        let col_ss: Vec<f64> = (0..k).map(|j| z.column(j).dot(&z.column(j))).collect();
        let target = Array2::from_shape_fn((n, k), |(i, j)| {
            let v = z[[i, j]];
            v * v * v - v * col_ss[j] / n as f64
        });
        let b = x.t().dot(&target);
        let svd = nalgebra::DMatrix::from_fn(k, k, |i, j| b[[i, j]]).svd(true, true);
        let (u, vt) = (svd.u.expect("u"), svd.v_t.expect("v_t"));
        let tt = &u * &vt;
        t = Array2::from_shape_fn((k, k), |(i, j)| tt[(i, j)]);
        let dpast = d;
        d = svd.singular_values.sum();
        if d < dpast * (1.0 + eps) {
            break;
        }
    }
    (loadings.dot(&t), t, iterations)
}

/// PQMethod's varimax cycle limit.
pub const PQMETHOD_VARIMAX_MAX_CYCLES: usize = 225;
/// PQMethod's convergence test: the criterion changed by less than this ...
pub const PQMETHOD_VARIMAX_TV_CHANGE: f64 = 1e-8;
/// ... on this many consecutive cycles.
pub const PQMETHOD_VARIMAX_STABLE_CYCLES: usize = 4;
/// PQMethod's skip threshold on `tan 4t` (and on `cot 4t`, see [`varimax_pqmethod`]).
pub const PQMETHOD_VARIMAX_SKIP: f64 = 0.00116;
/// PQMethod's spelling of cos 45 degrees = sin 45 degrees.
const PQMETHOD_COS45: f64 = 0.7071066;

/// Varimax as PQMethod's QVARIMAX computes it (the KADE/Ken-Q port, methods section 7b), in
/// full f64 precision: rows Kaiser-normalised (0 when `h^2 = 0`); each cycle first measures the
/// criterion `TV = sum_f [n sum a^4 - (sum a^2)^2] / n^2`, counts the cycle as stable when
/// `|TV - TV_prev| < 1e-8` (the first cycle compares with 0), then rotates every pair
/// (1,2), (1,3), ..., (k-1,k) in place; it stops after the cycle that makes 4 consecutive
/// stable ones, or after 225 cycles. For a pair with `num = D - 2AB/n`, `den = C - (A^2-B^2)/n`:
///
/// * `num < den`: `tan 4t = |num/den|`; below 0.00116 the pair is skipped when `den >= 0`,
///   rotated by 45 degrees (cos = sin = 0.7071066) when `den < 0`;
/// * `num = den`: skipped when `num + den < 0.00116`, else `4t` = 45 degrees (0.7071066);
/// * `num > den`: `c = |num/den|` is taken as `cot 4t` (below 0.00116, `4t` = 90 degrees),
///   exactly as the port does;
///
/// then `cos t`, `sin t` by the half-angle formulas, turned to `45 - t` degrees (with the
/// 0.7071066 constant) when `den <= 0`, `sin` negated when `num <= 0` (the pair is then
/// normalised to `cos^2 + sin^2 = 1`: the constant changes no angle, only the length); columns
/// `x' = x cos + y sin`, `y' = -x sin + y cos`. De-normalised at the end. Returns the rotated
/// loadings, the rotation matrix and the cycles run.
///
/// ```
/// use ndarray::array;
/// use qstudy_core::rotate::varimax_pqmethod;
/// let a = array![[0.7, 0.5], [0.6, 0.6], [0.5, -0.6], [0.6, -0.5]];
/// let (rot, t, _) = varimax_pqmethod(a.view());
/// assert!((&a.dot(&t) - &rot).iter().all(|d| d.abs() < 1e-12));
/// ```
pub fn varimax_pqmethod(loadings: ArrayView2<f64>) -> (Array2<f64>, Array2<f64>, usize) {
    let (l, t, cycles, _) = varimax_pqmethod_traced(loadings);
    (l, t, cycles)
}

/// [`varimax_pqmethod`], and the pairs whose skip rule was decided by a near-tie
/// ([`NearSkip`]), in pair order.
pub fn varimax_pqmethod_traced(
    loadings: ArrayView2<f64>,
) -> (Array2<f64>, Array2<f64>, usize, Vec<NearSkip>) {
    let (n, k) = loadings.dim();
    let mut t = Array2::<f64>::eye(k);
    if k < 2 {
        return (loadings.to_owned(), t, 0, Vec::new());
    }
    let mut near: Vec<Option<NearSkip>> = vec![None; k * k];
    let mut x = loadings.to_owned();
    for mut row in x.rows_mut() {
        let h = row.dot(&row).sqrt();
        if h > 0.0 {
            row.mapv_inplace(|v| v / h);
        } else {
            row.fill(0.0);
        }
    }
    let nf = n as f64;
    let criterion = |x: &Array2<f64>| -> f64 {
        (0..k)
            .map(|f| {
                let (mut s2, mut s4) = (0.0, 0.0);
                for i in 0..n {
                    let a2 = x[[i, f]] * x[[i, f]];
                    s2 += a2;
                    s4 += a2 * a2;
                }
                (nf * s4 - s2 * s2) / (nf * nf)
            })
            .sum()
    };
    let mut previous = 0.0;
    let mut stable = 0;
    let mut cycles = 0;
    loop {
        let tv = criterion(&x);
        if (tv - previous).abs() < PQMETHOD_VARIMAX_TV_CHANGE {
            stable += 1;
        } else {
            stable = 0;
        }
        previous = tv;
        cycles += 1;
        for p in 0..k {
            for q in (p + 1)..k {
                let (mut sa, mut sb, mut sc, mut sd) = (0.0, 0.0, 0.0, 0.0);
                for i in 0..n {
                    let (xp, xq) = (x[[i, p]], x[[i, q]]);
                    let u = (xp + xq) * (xp - xq);
                    let v = 2.0 * xp * xq;
                    sa += u;
                    sb += v;
                    sc += (u + v) * (u - v);
                    sd += 2.0 * u * v;
                }
                let num = sd - 2.0 * sa * (sb / nf);
                let den = sc - (sa * sa - sb * sb) / nf;
                if num < den && den >= 0.0 {
                    let tan4t = (num / den).abs();
                    let margin = (tan4t - PQMETHOD_VARIMAX_SKIP).abs();
                    let closer = near[p * k + q]
                        .is_none_or(|c| margin < (c.tan4t - PQMETHOD_VARIMAX_SKIP).abs());
                    if margin < NEAR_SKIP && closer {
                        near[p * k + q] = Some(NearSkip {
                            p,
                            q,
                            cycle: cycles,
                            tan4t,
                            skipped: tan4t < PQMETHOD_VARIMAX_SKIP,
                        });
                    }
                }
                if let Some((sin, cos)) = pqmethod_angle(num, den) {
                    rotate_columns_sc(&mut x, p, q, sin, cos);
                    rotate_columns_sc(&mut t, p, q, sin, cos);
                }
            }
        }
        if stable >= PQMETHOD_VARIMAX_STABLE_CYCLES || cycles >= PQMETHOD_VARIMAX_MAX_CYCLES {
            break;
        }
    }
    (
        loadings.dot(&t),
        t,
        cycles,
        near.into_iter().flatten().collect(),
    )
}

/// `(sin, cos)` of PQMethod's rotation angle for a pair, or `None` when the pair is skipped.
fn pqmethod_angle(num: f64, den: f64) -> Option<(f64, f64)> {
    let (cos4, sin4);
    if num < den {
        let tan4 = (num / den).abs();
        if tan4 < PQMETHOD_VARIMAX_SKIP {
            if den >= 0.0 {
                return None;
            }
            return Some((PQMETHOD_COS45, PQMETHOD_COS45));
        }
        cos4 = 1.0 / (1.0 + tan4 * tan4).sqrt();
        sin4 = tan4 * cos4;
    } else if num == den {
        if num + den < PQMETHOD_VARIMAX_SKIP {
            return None;
        }
        cos4 = PQMETHOD_COS45;
        sin4 = PQMETHOD_COS45;
    } else {
        let ctn4 = (num / den).abs();
        if ctn4 < PQMETHOD_VARIMAX_SKIP {
            cos4 = 0.0;
            sin4 = 1.0;
        } else {
            sin4 = 1.0 / (1.0 + ctn4 * ctn4).sqrt();
            cos4 = ctn4 * sin4;
        }
    }
    let cos2 = ((1.0 + cos4) / 2.0).sqrt();
    let sin2 = sin4 / (2.0 * cos2);
    let cost = ((1.0 + cos2) / 2.0).sqrt();
    let sint = sin2 / (2.0 * cost);
    let (mut sinp, cosp) = if den <= 0.0 {
        (
            (PQMETHOD_COS45 * cost - PQMETHOD_COS45 * sint).abs(),
            PQMETHOD_COS45 * cost + PQMETHOD_COS45 * sint,
        )
    } else {
        (sint, cost)
    };
    if num <= 0.0 {
        sinp = -sinp;
    }
    // PQMethod's 0.7071066 only scales cos and sin alike (the angle is the same), but by
    // 2 * 0.7071066^2 = 0.99999815, which would shrink the loadings a little at each such
    // rotation; normalising keeps the rotation orthogonal and the angle PQMethod's.
    let norm = sinp.hypot(cosp);
    Some((sinp / norm, cosp / norm))
}

/// Rotates columns `p` and `q` of `m` given the sine and cosine:
/// p' = p cos + q sin, q' = -p sin + q cos.
fn rotate_columns_sc(m: &mut Array2<f64>, p: usize, q: usize, s: f64, c: f64) {
    for i in 0..m.nrows() {
        let (a, b) = (m[[i, p]], m[[i, q]]);
        m[[i, p]] = a * c + b * s;
        m[[i, q]] = -a * s + b * c;
    }
}

/// qmethod's (psych::principal's) treatment of rotated principal components: columns ordered
/// by decreasing sum of squared loadings (stable: equal sums keep their order), then each
/// column whose plain sum is negative negated. Applied to loadings and matrix alike.
pub fn order_and_sign_as_psych(loadings: &mut Array2<f64>, matrix: &mut Array2<f64>) {
    let k = loadings.ncols();
    let ss: Vec<f64> = (0..k)
        .map(|f| loadings.column(f).dot(&loadings.column(f)))
        .collect();
    let mut order: Vec<usize> = (0..k).collect();
    order.sort_by(|&a, &b| ss[b].total_cmp(&ss[a]));
    let l0 = loadings.clone();
    let m0 = matrix.clone();
    for (to, &from) in order.iter().enumerate() {
        let sign = if l0.column(from).sum() < 0.0 {
            -1.0
        } else {
            1.0
        };
        loadings
            .column_mut(to)
            .assign(&l0.column(from).mapv(|v| v * sign));
        matrix
            .column_mut(to)
            .assign(&m0.column(from).mapv(|v| v * sign));
    }
}

/// Rotates columns `p` and `q` of `m` by `angle` radians:
/// p' = p cos + q sin, q' = -p sin + q cos.
fn rotate_columns(m: &mut Array2<f64>, p: usize, q: usize, angle: f64) {
    let (s, c) = angle.sin_cos();
    for i in 0..m.nrows() {
        let (a, b) = (m[[i, p]], m[[i, q]]);
        m[[i, p]] = a * c + b * s;
        m[[i, q]] = -a * s + b * c;
    }
}

/// Reflects each factor whose `sum a|a|` is negative (loadings and matrix columns), keeping
/// the order. Returns the reflected factors (0-based).
pub fn reflect_negative(loadings: &mut Array2<f64>, matrix: &mut Array2<f64>) -> Vec<usize> {
    let mut flipped = Vec::new();
    for f in 0..loadings.ncols() {
        if signed_square_sum(loadings.column(f)) < 0.0 {
            loadings.column_mut(f).mapv_inplace(|v| -v);
            matrix.column_mut(f).mapv_inplace(|v| -v);
            flipped.push(f);
        }
    }
    flipped
}

/// How the factors are oriented (signed and ordered) after the analytic rotation.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Orientation {
    /// PQMethod/KADE: reflect every factor with `sum a|a| < 0`, keep the order (qstudy default).
    #[default]
    Reflect,
    /// psych::principal (qmethod's PCA): order by decreasing sum of squares, negate columns
    /// whose plain sum is negative ([`order_and_sign_as_psych`]).
    Psych,
    /// As the rotation leaves them (qmethod's centroid + `stats::varimax`).
    AsIs,
}

/// Rotates the `n x k` unrotated loadings: the analytic rotation, the orientation of the
/// factors, then each judgmental step in order.
///
/// The sign convention (the orientation) applies once, to the analytically rotated factors;
/// the judgmental steps turn those oriented factors and are never followed by a reflection,
/// under every profile. A sequence of steps is then a pure rotation of each plane it turns (no
/// factor is mirrored between two steps: the picture a user turns by hand never flips), and
/// a factor turned so that `sum a|a| < 0` stays so (inverting it is a choice of its own).
/// Ten steps of 10 degrees on factors 1 and 2 equal one step of 100 degrees.
pub fn rotate(
    unrotated: ArrayView2<f64>,
    rotation: Rotation,
    method: VarimaxMethod,
    orientation: Orientation,
    steps: &[RotationStep],
) -> Result<Rotated, AnalysisError> {
    let k = unrotated.ncols();
    check_steps(steps, k)?;
    let mut near_skips = Vec::new();
    let (mut loadings, mut matrix, cycles) = match rotation {
        Rotation::Varimax => {
            let (l, t, c) = match method {
                VarimaxMethod::Pqmethod => {
                    let (l, t, c, near) = varimax_pqmethod_traced(unrotated);
                    near_skips = near;
                    (l, t, c)
                }
                VarimaxMethod::Svd => varimax_r(unrotated, VARIMAX_SVD_EPS),
                VarimaxMethod::Pairwise => varimax(unrotated),
            };
            (l, t, Some(c))
        }
        Rotation::None => (unrotated.to_owned(), Array2::eye(k), None),
    };
    match orientation {
        Orientation::Reflect => {
            if rotation == Rotation::Varimax {
                reflect_negative(&mut loadings, &mut matrix);
            }
        }
        Orientation::Psych => order_and_sign_as_psych(&mut loadings, &mut matrix),
        Orientation::AsIs => {}
    }
    if !steps.is_empty() {
        for s in steps {
            rotate_columns(&mut matrix, s.a - 1, s.b - 1, s.degrees.to_radians());
        }
        loadings = unrotated.dot(&matrix);
    }
    Ok(Rotated {
        loadings,
        matrix,
        varimax_cycles: cycles,
        step_signs: vec![1.0; k],
        near_skips,
    })
}

/// Checks judgmental rotation steps for `k` factors: both factors in `1..=k`, two different
/// factors, a finite angle.
///
/// ```
/// use qstudy_core::rotate::{check_steps, RotationStep};
/// assert!(check_steps(&[RotationStep { a: 1, b: 2, degrees: 15.0 }], 2).is_ok());
/// assert!(check_steps(&[RotationStep { a: 1, b: 3, degrees: 15.0 }], 2).is_err());
/// ```
pub fn check_steps(steps: &[RotationStep], k: usize) -> Result<(), AnalysisError> {
    for (i, s) in steps.iter().enumerate() {
        for f in [s.a, s.b] {
            if f == 0 || f > k {
                return Err(AnalysisError::UnknownFactor {
                    context: Given::RotationStep {
                        number: i + 1,
                        a: s.a,
                        b: s.b,
                        degrees: s.degrees,
                    },
                    factor: f.to_string(),
                    valid: format!("1..{k}"),
                });
            }
        }
        if s.a == s.b {
            return Err(AnalysisError::SameFactorRotation {
                step: i + 1,
                a: s.a,
                b: s.b,
            });
        }
        if !s.degrees.is_finite() {
            return Err(AnalysisError::BadAngle { step: i + 1 });
        }
    }
    Ok(())
}

/// Checks the factors to invert (1-based) for `k` rotated factors.
///
/// ```
/// assert!(qstudy_core::rotate::check_invert(&[2], 2).is_ok());
/// assert!(qstudy_core::rotate::check_invert(&[3], 2).is_err());
/// ```
pub fn check_invert(invert: &[usize], k: usize) -> Result<(), AnalysisError> {
    match invert.iter().find(|&&f| f == 0 || f > k) {
        Some(f) => Err(AnalysisError::UnknownFactor {
            context: Given::Invert,
            factor: f.to_string(),
            valid: format!("1..{k}"),
        }),
        None => Ok(()),
    }
}

/// What the rotation stage of an analysis is asked for.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RotateRequest<'a> {
    /// Analytic rotation.
    pub rotation: Rotation,
    /// How varimax is computed.
    pub method: VarimaxMethod,
    /// How the rotated factors are signed and ordered.
    pub orientation: Orientation,
    /// Judgmental steps, in order, after the analytic rotation.
    pub steps: &'a [RotationStep],
    /// Factors (1-based) negated afterwards.
    pub invert: &'a [usize],
}

/// The rotation stage: [`rotate`] the first `k` unrotated factors (`k` = the columns of
/// `unrotated`), then negate the inverted factors (loadings and matrix columns).
///
/// ```
/// use ndarray::array;
/// use qstudy_core::rotate::{self, Orientation, Rotation, RotateRequest, VarimaxMethod};
/// let a = array![[0.7, 0.2], [0.6, -0.3], [0.2, 0.8]];
/// let request = RotateRequest { rotation: Rotation::None, method: VarimaxMethod::Pqmethod,
///     orientation: Orientation::Reflect, steps: &[], invert: &[2] };
/// let r = rotate::run(a.view(), &request).unwrap();
/// assert_eq!(r.loadings[[2, 1]], -0.8);
/// ```
pub fn run(
    unrotated: ArrayView2<f64>,
    request: &RotateRequest<'_>,
) -> Result<Rotated, AnalysisError> {
    let k = unrotated.ncols();
    check_steps(request.steps, k)?;
    check_invert(request.invert, k)?;
    let mut rotated = rotate(
        unrotated,
        request.rotation,
        request.method,
        request.orientation,
        request.steps,
    )?;
    for &f in request.invert {
        rotated.loadings.column_mut(f - 1).mapv_inplace(|v| -v);
        rotated.matrix.column_mut(f - 1).mapv_inplace(|v| -v);
        if let Some(sign) = rotated.step_signs.get_mut(f - 1) {
            *sign = -*sign;
        }
    }
    Ok(rotated)
}

/// The varimax criterion of a loading matrix after Kaiser normalisation (larger is simpler).
pub fn varimax_criterion(loadings: ArrayView2<f64>) -> f64 {
    let (n, k) = loadings.dim();
    let nf = n as f64;
    let mut total = 0.0;
    for f in 0..k {
        let (mut s2, mut s4) = (0.0, 0.0);
        for i in 0..n {
            let row = loadings.row(i);
            let h = row.dot(&row).sqrt();
            let a = if h > 0.0 { loadings[[i, f]] / h } else { 0.0 };
            s2 += a * a;
            s4 += a * a * a * a;
        }
        total += (nf * s4 - s2 * s2) / (nf * nf);
    }
    total
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    fn sample() -> Array2<f64> {
        array![
            [0.7, 0.4, 0.1],
            [0.6, 0.5, -0.2],
            [0.5, -0.6, 0.3],
            [0.6, -0.5, 0.1],
            [0.3, 0.2, 0.7],
            [-0.4, 0.3, 0.5]
        ]
    }

    #[test]
    fn varimax_improves_criterion_and_is_a_local_optimum() {
        let a = sample();
        let (r, t, _) = varimax(a.view());
        let c = varimax_criterion(r.view());
        assert!(c > varimax_criterion(a.view()));
        // Any small extra rotation of a pair lowers the criterion.
        for (p, q) in [(0, 1), (0, 2), (1, 2)] {
            for eps in [1e-3, -1e-3] {
                let mut m = t.clone();
                rotate_columns(&mut m, p, q, eps);
                assert!(varimax_criterion(a.dot(&m).view()) <= c + 1e-12);
            }
        }
    }

    #[test]
    fn svd_and_pairwise_reach_the_same_optimum() {
        let a = sample();
        let (x, _, _) = varimax(a.view());
        let (y, _, _) = varimax_r(a.view(), 1e-12);
        for (p, q) in x.iter().zip(y.iter()) {
            assert!((p - q).abs() < 1e-6, "{p} {q}");
        }
    }

    #[test]
    fn judgmental_step_follows_the_documented_formula() {
        let a = array![[1.0, 0.0], [0.0, 1.0]];
        for orientation in [Orientation::Reflect, Orientation::Psych, Orientation::AsIs] {
            let r = rotate(
                a.view(),
                Rotation::None,
                VarimaxMethod::Svd,
                orientation,
                &[RotationStep {
                    a: 1,
                    b: 2,
                    degrees: 90.0,
                }],
            )
            .unwrap();
            // a' = a cos + b sin = b ; b' = -a sin + b cos = -a, and no reflection after the
            // step: b' keeps its negative loading.
            assert!((r.loadings[[1, 0]] - 1.0).abs() < 1e-12, "{orientation:?}");
            assert!((r.loadings[[0, 1]] + 1.0).abs() < 1e-12, "{orientation:?}");
            assert!(r.loadings[[0, 0]].abs() < 1e-12 && r.loadings[[1, 1]].abs() < 1e-12);
        }
    }

    #[test]
    fn a_factor_turned_negative_by_hand_stays_negative() {
        // Varimax and the pqmethod orientation give two factors with sum a|a| >= 0; a half
        // turn of their plane makes both negative, and nothing reflects them back.
        let a = sample();
        let oriented = rotate(
            a.view(),
            Rotation::Varimax,
            VarimaxMethod::Pqmethod,
            Orientation::Reflect,
            &[],
        )
        .unwrap();
        let half = [RotationStep {
            a: 1,
            b: 2,
            degrees: 180.0,
        }];
        let turned = rotate(
            a.view(),
            Rotation::Varimax,
            VarimaxMethod::Pqmethod,
            Orientation::Reflect,
            &half,
        )
        .unwrap();
        for f in 0..2 {
            assert!(signed_square_sum(oriented.loadings.column(f)) > 0.0);
            assert!(signed_square_sum(turned.loadings.column(f)) < 0.0);
            for i in 0..a.nrows() {
                let want = -oriented.loadings[[i, f]];
                assert!((turned.loadings[[i, f]] - want).abs() < 1e-12);
            }
        }
        for i in 0..a.nrows() {
            assert!((turned.loadings[[i, 2]] - oriented.loadings[[i, 2]]).abs() < 1e-12);
        }
        assert_eq!(turned.step_signs, [1.0, 1.0, 1.0]);
    }

    #[test]
    fn step_signs_carry_only_the_inversions() {
        let a = array![[1.0, 0.0], [0.0, 1.0]];
        let quarter = [RotationStep {
            a: 1,
            b: 2,
            degrees: 90.0,
        }];
        fn request<'a>(
            steps: &'a [RotationStep],
            invert: &'a [usize],
            orientation: Orientation,
        ) -> RotateRequest<'a> {
            RotateRequest {
                rotation: Rotation::None,
                method: VarimaxMethod::Svd,
                orientation,
                steps,
                invert,
            }
        }
        let signs = |r: RotateRequest<'_>| -> Vec<f64> { run(a.view(), &r).unwrap().step_signs };
        // b' = -a after the quarter turn: no reflection follows the steps, under any profile
        for orientation in [Orientation::Reflect, Orientation::Psych, Orientation::AsIs] {
            assert_eq!(signs(request(&quarter, &[], orientation)), [1.0, 1.0]);
            assert_eq!(signs(request(&quarter, &[1, 2], orientation)), [-1.0, -1.0]);
            assert_eq!(signs(request(&[], &[2], orientation)), [1.0, -1.0]);
            assert_eq!(signs(request(&quarter, &[1], orientation)), [-1.0, 1.0]);
        }
        // A step of d degrees turns the plotted points (x = F1, y = F2) clockwise by
        // d * s1 * s2: with F2 inverted, -10 degrees turns them 10 degrees clockwise.
        for orientation in [Orientation::Reflect, Orientation::AsIs] {
            let s = signs(request(&[], &[2], orientation));
            let turn = [RotationStep {
                a: 1,
                b: 2,
                degrees: 10.0 * s[0] * s[1],
            }];
            let r = run(a.view(), &request(&turn, &[2], orientation)).unwrap();
            let angle = r.loadings[[0, 1]].atan2(r.loadings[[0, 0]]).to_degrees();
            assert!((angle + 10.0).abs() < 1e-9, "{angle}");
        }
    }

    #[test]
    fn bad_steps_are_rejected() {
        let a = sample();
        let step = |a, b| RotationStep { a, b, degrees: 5.0 };
        assert!(
            rotate(
                a.view(),
                Rotation::None,
                VarimaxMethod::Svd,
                Orientation::Reflect,
                &[step(1, 4)]
            )
            .is_err()
        );
        assert!(
            rotate(
                a.view(),
                Rotation::None,
                VarimaxMethod::Svd,
                Orientation::Reflect,
                &[step(2, 2)]
            )
            .is_err()
        );
        assert!("1,2".parse::<RotationStep>().is_err());
        assert_eq!(
            "1, 3,-7.5".parse::<RotationStep>().unwrap(),
            RotationStep {
                a: 1,
                b: 3,
                degrees: -7.5
            }
        );
    }

    mod properties {
        use super::super::*;
        use ndarray::Array2;
        use proptest::prelude::*;

        /// 64 cases from a fixed seed (CI is reproducible), nothing written to disk.
        fn config() -> ProptestConfig {
            ProptestConfig {
                cases: 64,
                failure_persistence: None,
                rng_seed: proptest::test_runner::RngSeed::Fixed(21),
                ..ProptestConfig::default()
            }
        }

        /// Random `n x k` loadings in (-0.95, 0.95), `k` in 2..6.
        fn loadings() -> impl Strategy<Value = Array2<f64>> {
            (3usize..25, 2usize..6).prop_flat_map(|(n, k)| {
                prop::collection::vec(-0.95f64..0.95, n * k)
                    .prop_map(move |v| Array2::from_shape_vec((n, k), v).unwrap())
            })
        }

        /// Loadings with a sequence of steps on random pairs of its factors (any angle in
        /// -360..360), an analytic rotation and an orientation.
        fn case() -> impl Strategy<Value = (Array2<f64>, Vec<RotationStep>, Rotation, Orientation)>
        {
            loadings().prop_flat_map(|a| {
                let k = a.ncols();
                let step = (1..=k, 1..k, -360.0f64..360.0).prop_map(move |(p, d, degrees)| {
                    // b is any factor but a
                    RotationStep {
                        a: p,
                        b: (p - 1 + d) % k + 1,
                        degrees,
                    }
                });
                (
                    Just(a),
                    prop::collection::vec(step, 1..8),
                    prop_oneof![Just(Rotation::Varimax), Just(Rotation::None)],
                    prop_oneof![
                        Just(Orientation::Reflect),
                        Just(Orientation::Psych),
                        Just(Orientation::AsIs)
                    ],
                )
            })
        }

        fn rotated(
            a: &Array2<f64>,
            steps: &[RotationStep],
            rotation: Rotation,
            orientation: Orientation,
        ) -> Rotated {
            rotate(
                a.view(),
                rotation,
                VarimaxMethod::Pqmethod,
                orientation,
                steps,
            )
            .unwrap()
        }

        fn determinant(m: &Array2<f64>) -> f64 {
            let k = m.nrows();
            nalgebra::DMatrix::from_fn(k, k, |i, j| m[[i, j]]).determinant()
        }

        proptest! {
            #![proptest_config(config())]

            /// Every step maps the loadings before it to those after it by the rotation of
            /// its plane, with determinant +1: no factor is ever mirrored by a step.
            #[test]
            fn each_step_is_a_plane_rotation_without_mirror(
                (a, steps, rotation, orientation) in case()
            ) {
                let k = a.ncols();
                for j in 0..steps.len() {
                    let before = rotated(&a, &steps[..j], rotation, orientation);
                    let after = rotated(&a, &steps[..=j], rotation, orientation);
                    // the turn taking one to the other: before.matrix^T after.matrix
                    let q = before.matrix.t().dot(&after.matrix);
                    let s = steps[j];
                    let (p, r) = (s.a - 1, s.b - 1);
                    let (sin, cos) = s.degrees.to_radians().sin_cos();
                    for x in 0..k {
                        for y in 0..k {
                            let want = match (x, y) {
                                _ if (x, y) == (p, p) || (x, y) == (r, r) => cos,
                                _ if (x, y) == (r, p) => sin,
                                _ if (x, y) == (p, r) => -sin,
                                _ if x == y => 1.0,
                                _ => 0.0,
                            };
                            prop_assert!((q[[x, y]] - want).abs() < 1e-12,
                                "step {}: q[{},{}] = {} (want {})", j + 1, x, y, q[[x, y]], want);
                        }
                    }
                    prop_assert!((determinant(&q) - 1.0).abs() < 1e-12);
                    let mapped = before.loadings.dot(&q);
                    for (m, l) in mapped.iter().zip(after.loadings.iter()) {
                        prop_assert!((m - l).abs() < 1e-12, "step {}: {} vs {}", j + 1, m, l);
                    }
                    prop_assert!(after.step_signs.iter().all(|&s| s == 1.0));
                }
            }

            /// `n` steps of `d` degrees on one pair equal one step of `n d` degrees.
            #[test]
            fn steps_on_one_pair_add_up(
                (a, steps, rotation, orientation) in case(),
                n in 1usize..12,
                degrees in -90.0f64..90.0,
            ) {
                let pair = steps[0];
                let many = vec![RotationStep { degrees, ..pair }; n];
                let one = [RotationStep { degrees: degrees * n as f64, ..pair }];
                let many = rotated(&a, &many, rotation, orientation);
                let one = rotated(&a, &one, rotation, orientation);
                for (x, y) in many.loadings.iter().zip(one.loadings.iter()) {
                    prop_assert!((x - y).abs() < 1e-12, "{} vs {}", x, y);
                }
                for (x, y) in many.matrix.iter().zip(one.matrix.iter()) {
                    prop_assert!((x - y).abs() < 1e-12, "{} vs {}", x, y);
                }
            }

            /// Steps keep every sort's communality.
            #[test]
            fn steps_keep_communalities((a, steps, rotation, orientation) in case()) {
                let r = rotated(&a, &steps, rotation, orientation);
                for i in 0..a.nrows() {
                    let h0 = a.row(i).dot(&a.row(i));
                    let h1 = r.loadings.row(i).dot(&r.loadings.row(i));
                    prop_assert!((h0 - h1).abs() < 1e-12, "row {}: {} vs {}", i, h0, h1);
                }
            }
        }
    }
}

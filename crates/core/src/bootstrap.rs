//! The bootstrap of a Q study (Zabala & Pascual 2016; qmethod's `qmboots`), methods section 9.
//!
//! Each replicate resamples the `n` sorts with replacement, extracts and rotates `k` factors as
//! the full analysis does, aligns them with the full-sample solution (the target), and
//! recomputes the automatic flags and the z-scores. The results are the bootstrap mean, standard
//! error (SD over replicates), bias (mean minus full-sample value) and percentile interval of
//! every z-score, the mean, SE and bias of every loading with the frequency with which each sort
//! is flagged on each factor, and distinguishing and consensus statements on the bootstrap
//! estimates.
//!
//! Replicates run in parallel (rayon). Replicate `b` draws its resample from stream `b` of the
//! seed ([`crate::synthetic::rng`]) and the replicates are summarised in replicate order, so the
//! same seed gives identical results whatever the number of threads.

use std::fmt;
use std::str::FromStr;

use nalgebra::DMatrix;
use ndarray::{Array2, ArrayView2, Axis};
use rand::Rng;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::analysis::{AnalysisOptions, analyze};
use crate::compare::{Consensus, Distinguishing};
use crate::correlate::{self, Correlation, Engine, Persons};
use crate::data::Study;
use crate::error::AnalysisError;
use crate::extract::{self, Extraction};
use crate::flag::{self, FlaggingOptions};
use crate::retention::percentile;
use crate::rotate::{self, Rotation, VarimaxMethod};
use crate::score;
use crate::synthetic;

/// The schema tag of `bootstrap.json`.
pub const SCHEMA: &str = "qstudy.bootstrap/1";

/// Replicates computed in parallel before they are summarised in order (bounds the memory
/// held at once to this many replicates).
const BATCH: usize = 64;

/// Largest number of factors whose best matching is searched over every permutation; above it
/// the matching is greedy (largest absolute correlation first).
const EXHAUSTIVE_MATCHING: usize = 6;

/// How a replicate's factors are aligned with the full-sample solution.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Alignment {
    /// Order and sign by correlation matching only (as qmethod's `qindtest`).
    Match,
    /// Correlation matching, then the orthogonal Procrustes rotation onto the target
    /// (qstudy default; qmethod's `indet = "both"`).
    #[default]
    Procrustes,
}

impl Alignment {
    /// The name used in options and `bootstrap.json`.
    pub fn as_str(self) -> &'static str {
        match self {
            Alignment::Match => "match",
            Alignment::Procrustes => "procrustes",
        }
    }
}

impl fmt::Display for Alignment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Alignment {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.to_ascii_lowercase().as_str() {
            "match" => Ok(Alignment::Match),
            "procrustes" => Ok(Alignment::Procrustes),
            other => Err(format!(
                "unknown alignment '{other}' (expected match or procrustes)"
            )),
        }
    }
}

/// Settings of the bootstrap.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BootstrapOptions {
    /// Number of replicates `B` (1000).
    pub replicates: usize,
    /// Seed of the resampling (1).
    pub seed: u64,
    /// Alignment with the full-sample solution.
    pub alignment: Alignment,
    /// Level of the percentile intervals of the z-scores (0.95).
    pub interval: f64,
}

impl Default for BootstrapOptions {
    fn default() -> Self {
        BootstrapOptions {
            replicates: 1000,
            seed: 1,
            alignment: Alignment::Procrustes,
            interval: 0.95,
        }
    }
}

/// A bootstrap that cannot be run.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum BootstrapError {
    /// The full-sample analysis failed.
    #[error(transparent)]
    Analysis(#[from] AnalysisError),
    /// Fewer than two replicates asked for.
    #[error("{0} replicate(s) asked for: the bootstrap needs at least 2")]
    TooFewReplicates(usize),
    /// An interval level outside (0, 1).
    #[error("interval level {0} is not in (0, 1)")]
    BadInterval(f64),
    /// Split factors were asked for.
    #[error(
        "split factors (--split) are not bootstrapped: bootstrap the whole factor and read its poles from the loadings"
    )]
    Split,
    /// Every replicate failed.
    #[error(
        "no replicate could be analysed: every resample had fewer than {factors} extractable factor(s)"
    )]
    NoReplicate {
        /// Factors asked for.
        factors: usize,
    },
}

/// `input` of `bootstrap.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BootstrapInput {
    /// n.
    pub sorts: usize,
    /// m.
    pub statements: usize,
    /// Sort ids in input order.
    pub sort_ids: Vec<String>,
    /// Statement ids.
    pub statement_ids: Vec<u32>,
    /// `[[value, count], ...]`.
    pub grid: Vec<[i64; 2]>,
}

/// `options` of `bootstrap.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BootstrapSettings {
    /// Replicates asked for.
    pub replicates: usize,
    /// Seed.
    pub seed: u64,
    /// `match|procrustes`.
    pub alignment: Alignment,
    /// Level of the percentile intervals.
    pub interval: f64,
    /// Whose conventions the numbers follow.
    pub numerics: crate::numerics::Numerics,
    /// Correlation between sorts.
    pub correlation: Correlation,
    /// Extraction.
    pub extraction: Extraction,
    /// Factors kept.
    pub factors: usize,
    /// Analytic rotation.
    pub rotation: Rotation,
    /// How varimax is computed.
    pub varimax_method: VarimaxMethod,
    /// Significance level of the automatic flags.
    pub flag_p: f64,
    /// Majority rule of the automatic flags.
    pub flag_majority: bool,
}

/// One factor's bootstrap.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FactorBootstrap {
    /// `F1`, `F2`, ...
    pub name: String,
    /// The name given after interpretation, if any.
    pub label: Option<String>,
    /// Replicates in which the factor had z-scores (at least one defining sort).
    pub replicates: usize,
    /// Defining sorts in the full sample.
    pub defining_sorts: usize,
    /// Mean number of defining sorts over the replicates.
    pub mean_defining_sorts: f64,
    /// Full-sample z-scores (null when the factor has no array).
    pub zscores: Option<Vec<f64>>,
    /// Full-sample factor array.
    pub array: Option<Vec<i32>>,
    /// Bootstrap estimate of each z-score: its mean over the replicates (null with fewer than
    /// two replicates with z-scores; so are the fields below).
    pub mean: Option<Vec<f64>>,
    /// Bootstrap standard error: the SD (denominator B - 1) over the replicates.
    pub se: Option<Vec<f64>>,
    /// `mean - zscores` (null also when the full sample has no z-scores).
    pub bias: Option<Vec<f64>>,
    /// Lower end of the percentile interval.
    pub lower: Option<Vec<f64>>,
    /// Upper end of the percentile interval.
    pub upper: Option<Vec<f64>>,
    /// The factor array of the bootstrap estimates (`mean` cast into the grid).
    pub bootstrap_array: Option<Vec<i32>>,
    /// Distinguishing statements on the bootstrap estimates.
    pub distinguishing: Vec<Distinguishing>,
    /// Mean absolute correlation between the replicate factor matched to it and the target
    /// loadings (before any Procrustes rotation): how clearly it is found again.
    pub match_correlation: f64,
}

/// The loadings' bootstrap, `n x k` matrices (sorts in input order).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LoadingsBootstrap {
    /// Full-sample rotated loadings (the target).
    pub full: Vec<Vec<f64>>,
    /// Full-sample automatic flags.
    pub flagged: Vec<Vec<bool>>,
    /// Replicates that include each sort (about 63% of them).
    pub replicates: Vec<usize>,
    /// Bootstrap mean (null for a sort in fewer than two replicates; so are SE and bias).
    pub mean: Vec<Vec<Option<f64>>>,
    /// Bootstrap standard error (SD over the replicates that include the sort).
    pub se: Vec<Vec<Option<f64>>>,
    /// `mean - full`.
    pub bias: Vec<Vec<Option<f64>>>,
    /// Share of the replicates including the sort in which it is flagged on the factor.
    pub flag_frequency: Vec<Vec<Option<f64>>>,
}

/// How the alignment went.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AlignmentSummary {
    /// `match|procrustes`.
    pub method: Alignment,
    /// Replicates whose factors came out in another order than the target's.
    pub reordered: usize,
    /// Replicates in which at least one factor came out reflected.
    pub reflected: usize,
}

/// The whole of `bootstrap.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BootstrapResults {
    /// [`SCHEMA`].
    pub schema: String,
    /// What was analysed.
    pub input: BootstrapInput,
    /// How.
    pub options: BootstrapSettings,
    /// Replicates analysed.
    pub replicates_used: usize,
    /// Replicates that could not be analysed (fewer extractable factors than kept).
    pub replicates_failed: usize,
    /// One entry per factor.
    pub factors: Vec<FactorBootstrap>,
    /// The loadings.
    pub loadings: LoadingsBootstrap,
    /// Consensus statements on the bootstrap estimates.
    pub consensus: Vec<Consensus>,
    /// Alignment diagnostics.
    pub alignment: AlignmentSummary,
    /// Warnings, one sentence each.
    pub warnings: Vec<String>,
}

/// One analysed replicate.
struct Replicate {
    /// The resampled sorts (indices into the study).
    idx: Vec<usize>,
    /// `n x k` aligned loadings, rows as `idx`.
    loadings: Array2<f64>,
    /// `n x k` flags, rows as `idx`.
    flags: Vec<Vec<bool>>,
    /// z-scores per factor (None without defining sorts).
    zscores: Vec<Option<Vec<f64>>>,
    /// Defining sorts per factor.
    defining: Vec<usize>,
    /// Whether the factors were reordered, reflected.
    reordered: bool,
    reflected: bool,
    /// |correlation| of each target factor with its match.
    matched: Vec<f64>,
}

/// Everything a replicate needs, shared by the threads.
struct Context<'a> {
    study: &'a Study,
    options: &'a AnalysisOptions,
    bootstrap: &'a BootstrapOptions,
    target: Array2<f64>,
    standardized: Array2<f64>,
    flagging: FlaggingOptions,
    k: usize,
}

/// Runs the bootstrap. `options` are the analysis options (`factors` must be set); manual
/// flags are not applied (flags are recomputed automatically in every replicate and in the
/// full sample, as qmethod does) and split factors are refused. `progress` is called once per
/// finished replicate.
///
/// ```
/// use qstudy_core::{Grid, analysis::AnalysisOptions, synthetic::planted_study};
/// use qstudy_core::bootstrap::{bootstrap, BootstrapOptions};
/// use qstudy_core::validate::{validate, ValidationOptions};
/// let grid: Grid = "-3:2,-2:3,-1:4,0:6,1:4,2:3,3:2".parse().unwrap();
/// let sim = planted_study(&grid, 20, 2, (0.6, 0.8), 3);
/// let study = validate(&sim.table, &ValidationOptions::default()).unwrap();
/// let opts = AnalysisOptions { factors: 2, ..Default::default() };
/// let b = bootstrap(&study, &opts, &BootstrapOptions { replicates: 20, ..Default::default() }, &|_| {}).unwrap();
/// assert_eq!(b.factors.len(), 2);
/// assert!(b.factors[0].se.as_ref().unwrap().iter().all(|&se| se > 0.0));
/// ```
pub fn bootstrap(
    study: &Study,
    options: &AnalysisOptions,
    bopts: &BootstrapOptions,
    progress: &(dyn Fn(usize) + Sync),
) -> Result<BootstrapResults, BootstrapError> {
    if bopts.replicates < 2 {
        return Err(BootstrapError::TooFewReplicates(bopts.replicates));
    }
    if !(bopts.interval > 0.0 && bopts.interval < 1.0) {
        return Err(BootstrapError::BadInterval(bopts.interval));
    }
    if !options.flagging.split.is_empty() {
        return Err(BootstrapError::Split);
    }
    let mut warnings = Vec::new();
    if !options.flagging.flags.is_empty() || !options.flagging.unflags.is_empty() {
        warnings.push(
            "manual flags are not applied: the full sample and every replicate are flagged automatically".to_string(),
        );
    }
    if !options.rotation_steps.is_empty() {
        warnings.push(
            "judgmental rotation steps shape the full-sample target only: replicates are rotated analytically and aligned with it".to_string(),
        );
    }
    if !options.flagging.automatic {
        warnings.push(
            "--no-auto-flag is ignored: the bootstrap recomputes flags automatically".to_string(),
        );
    }
    let mut full_options = options.clone();
    full_options.flagging.flags.clear();
    full_options.flagging.unflags.clear();
    full_options.flagging.automatic = true;
    let full = analyze(study, &full_options)?;
    let (n, m, k) = (study.n_sorts(), study.n_statements(), options.factors);
    let target = Array2::from_shape_fn((n, k), |(i, f)| full.rotated.loadings[i][f]);
    let ctx = Context {
        study,
        options,
        bootstrap: bopts,
        target,
        standardized: correlate::standardize_rows(study.values()),
        flagging: FlaggingOptions {
            p: options.flagging.p,
            majority: options.flagging.majority,
            ..FlaggingOptions::default()
        },
        k,
    };

    let mut acc = Accumulator::new(n, k);
    let mut start = 0;
    while start < bopts.replicates {
        let end = (start + BATCH).min(bopts.replicates);
        let batch: Vec<Option<Replicate>> = (start..end)
            .into_par_iter()
            .map(|b| {
                let r = replicate(&ctx, b);
                progress(1);
                r
            })
            .collect();
        for r in batch {
            acc.add(r);
        }
        start = end;
    }
    if acc.used == 0 {
        return Err(BootstrapError::NoReplicate { factors: k });
    }
    if acc.failed > 0 {
        warnings.push(format!(
            "{} of {} replicates could not be analysed (fewer than {k} extractable factors in the resample) and are left out",
            acc.failed, bopts.replicates
        ));
    }
    Ok(acc.finish(&ctx, &full, warnings, m))
}

/// One replicate: resample, extract, rotate, align, flag, score. `None` when the resample has
/// fewer than `k` extractable factors.
fn replicate(ctx: &Context<'_>, b: usize) -> Option<Replicate> {
    let n = ctx.study.n_sorts();
    let m = ctx.study.n_statements();
    let mut rng = synthetic::rng(ctx.bootstrap.seed, b as u64);
    let idx: Vec<usize> = (0..n).map(|_| rng.random_range(0..n)).collect();
    let values = ctx.study.values().select(Axis(0), &idx);
    let persons = Persons::new(&values, ctx.options.correlation, Engine::Auto);
    let extracted = extract::extract_persons_with(
        &persons,
        ctx.options.extraction,
        ctx.k,
        &ctx.options.extract_settings(),
    );
    drop(persons);
    if extracted.loadings.ncols() < ctx.k {
        return None;
    }
    let rotated = rotate::rotate(
        extracted.loadings.view(),
        ctx.options.rotation,
        ctx.options.varimax_method(),
        ctx.options.orientation(),
        &[],
    )
    .ok()?;
    let target = ctx.target.select(Axis(0), &idx);
    let aligned = align(
        rotated.loadings.view(),
        target.view(),
        ctx.bootstrap.alignment,
    );
    let flagging = flag::flag(aligned.loadings.view(), &[], m, &ctx.flagging).ok()?;
    let mut zscores = Vec::with_capacity(ctx.k);
    let mut defining = Vec::with_capacity(ctx.k);
    for f in 0..ctx.k {
        let def: Vec<(usize, f64)> = (0..n)
            .filter(|&i| flagging.flags[i][f])
            .map(|i| (idx[i], aligned.loadings[[i, f]]))
            .collect();
        defining.push(def.len());
        zscores
            .push(score::composite(&ctx.standardized, &def, ctx.study.grid()).map(|c| c.zscores));
    }
    Some(Replicate {
        idx,
        loadings: aligned.loadings,
        flags: flagging.flags,
        zscores,
        defining,
        reordered: aligned.permutation.iter().enumerate().any(|(j, &p)| p != j),
        reflected: aligned.signs.iter().any(|&s| s < 0.0),
        matched: aligned.correlations,
    })
}

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
                .map(|j| correlate::pearson_r(loadings.column(i), target.column(j)))
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
fn best_matching(c: &[Vec<f64>]) -> Vec<usize> {
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

/// Running mean and sum of squared deviations (Welford), added in replicate order.
#[derive(Debug, Clone, Copy, Default)]
struct Running {
    count: usize,
    mean: f64,
    m2: f64,
}

impl Running {
    fn push(&mut self, x: f64) {
        self.count += 1;
        let d = x - self.mean;
        self.mean += d / self.count as f64;
        self.m2 += d * (x - self.mean);
    }
    fn mean(&self) -> Option<f64> {
        (self.count >= 2).then_some(self.mean)
    }
    fn sd(&self) -> Option<f64> {
        (self.count >= 2).then(|| (self.m2 / (self.count - 1) as f64).sqrt())
    }
}

/// The summaries, fed the replicates in order.
struct Accumulator {
    used: usize,
    failed: usize,
    loadings: Vec<Vec<Running>>,
    flagged: Vec<Vec<usize>>,
    zscores: Vec<Vec<Vec<f64>>>,
    defining: Vec<usize>,
    matched: Vec<f64>,
    reordered: usize,
    reflected: usize,
    first: Vec<usize>,
}

impl Accumulator {
    fn new(n: usize, k: usize) -> Self {
        Accumulator {
            used: 0,
            failed: 0,
            loadings: vec![vec![Running::default(); k]; n],
            flagged: vec![vec![0; k]; n],
            zscores: vec![Vec::new(); k],
            defining: vec![0; k],
            matched: vec![0.0; k],
            reordered: 0,
            reflected: 0,
            first: vec![usize::MAX; n],
        }
    }

    fn add(&mut self, r: Option<Replicate>) {
        let Some(r) = r else {
            self.failed += 1;
            return;
        };
        self.used += 1;
        self.reordered += usize::from(r.reordered);
        self.reflected += usize::from(r.reflected);
        // A sort drawn more than once has identical rows: it counts once, at its first draw.
        for (pos, &i) in r.idx.iter().enumerate() {
            if self.first[i] == usize::MAX {
                self.first[i] = pos;
                for f in 0..self.defining.len() {
                    self.loadings[i][f].push(r.loadings[[pos, f]]);
                    self.flagged[i][f] += usize::from(r.flags[pos][f]);
                }
            }
        }
        for &i in &r.idx {
            self.first[i] = usize::MAX;
        }
        for (f, z) in r.zscores.into_iter().enumerate() {
            if let Some(z) = z {
                self.zscores[f].push(z);
            }
            self.defining[f] += r.defining[f];
            self.matched[f] += r.matched[f];
        }
    }

    fn finish(
        self,
        ctx: &Context<'_>,
        full: &crate::analysis::AnalysisResults,
        warnings: Vec<String>,
        m: usize,
    ) -> BootstrapResults {
        let (n, k) = (ctx.study.n_sorts(), ctx.k);
        let level = ctx.bootstrap.interval;
        let (p_lo, p_hi) = (50.0 * (1.0 - level), 50.0 * (1.0 + level));
        let mut factors = Vec::with_capacity(k);
        for f in 0..k {
            let reps = &self.zscores[f];
            let fr = &full.factors[f];
            let stats = (reps.len() >= 2).then(|| {
                let mut mean = vec![0.0; m];
                let mut se = vec![0.0; m];
                let mut lower = vec![0.0; m];
                let mut upper = vec![0.0; m];
                let mut column = Vec::with_capacity(reps.len());
                for s in 0..m {
                    let mut run = Running::default();
                    column.clear();
                    for z in reps {
                        run.push(z[s]);
                        column.push(z[s]);
                    }
                    column.sort_by(f64::total_cmp);
                    mean[s] = run.mean;
                    se[s] = run.sd().expect("two or more");
                    lower[s] = percentile(&column, p_lo);
                    upper[s] = percentile(&column, p_hi);
                }
                (mean, se, lower, upper)
            });
            let bias = match (&stats, &fr.zscores) {
                (Some((mean, ..)), Some(z)) => {
                    Some(mean.iter().zip(z).map(|(a, b)| a - b).collect())
                }
                _ => None,
            };
            let bootstrap_array = stats
                .as_ref()
                .map(|(mean, ..)| score::factor_array(mean, ctx.study.grid()));
            let (mean, se, lower, upper) = match stats {
                Some((a, b, c, d)) => (Some(a), Some(b), Some(c), Some(d)),
                None => (None, None, None, None),
            };
            factors.push(FactorBootstrap {
                name: fr.name.clone(),
                label: fr.label.clone(),
                replicates: reps.len(),
                defining_sorts: fr.defining_sorts.len(),
                mean_defining_sorts: self.defining[f] as f64 / self.used as f64,
                zscores: fr.zscores.clone(),
                array: fr.array.clone(),
                mean,
                se,
                bias,
                lower,
                upper,
                bootstrap_array,
                distinguishing: Vec::new(),
                match_correlation: self.matched[f] / self.used as f64,
            });
        }
        let consensus = distinguish(&mut factors, ctx.study.statement_ids());

        let full_loadings = full.rotated.loadings.clone();
        let mut mean = vec![vec![None; k]; n];
        let mut se = vec![vec![None; k]; n];
        let mut bias = vec![vec![None; k]; n];
        let mut freq = vec![vec![None; k]; n];
        let mut replicates = vec![0; n];
        for i in 0..n {
            for f in 0..k {
                let run = &self.loadings[i][f];
                replicates[i] = run.count;
                mean[i][f] = run.mean();
                se[i][f] = run.sd();
                bias[i][f] = run.mean().map(|x| x - full_loadings[i][f]);
                freq[i][f] = (run.count > 0).then(|| self.flagged[i][f] as f64 / run.count as f64);
            }
        }
        let o = ctx.options;
        BootstrapResults {
            schema: SCHEMA.to_string(),
            input: BootstrapInput {
                sorts: n,
                statements: m,
                sort_ids: ctx.study.sort_ids().to_vec(),
                statement_ids: ctx.study.statement_ids().to_vec(),
                grid: ctx.study.grid().pairs(),
            },
            options: BootstrapSettings {
                replicates: ctx.bootstrap.replicates,
                seed: ctx.bootstrap.seed,
                alignment: ctx.bootstrap.alignment,
                numerics: o.numerics,
                interval: ctx.bootstrap.interval,
                correlation: o.correlation,
                extraction: o.extraction,
                factors: k,
                rotation: o.rotation,
                varimax_method: o.varimax_method(),
                flag_p: o.flagging.p,
                flag_majority: o.flagging.majority,
            },
            replicates_used: self.used,
            replicates_failed: self.failed,
            factors,
            loadings: LoadingsBootstrap {
                full: full_loadings,
                flagged: full.flags.clone(),
                replicates,
                mean,
                se,
                bias,
                flag_frequency: freq,
            },
            consensus,
            alignment: AlignmentSummary {
                method: ctx.bootstrap.alignment,
                reordered: self.reordered,
                reflected: self.reflected,
            },
            warnings,
        }
    }
}

/// Distinguishing and consensus statements on the bootstrap estimates: as methods section 7
/// with each statement's own standard error of difference
/// `SED_ab(s) = sqrt(SE_a(s)^2 + SE_b(s)^2)` from the bootstrap SEs, and the bootstrap means
/// in place of the z-scores. Factors without estimates take no part.
fn distinguish(factors: &mut [FactorBootstrap], statement_ids: &[u32]) -> Vec<Consensus> {
    let with: Vec<usize> = (0..factors.len())
        .filter(|&f| factors[f].mean.is_some() && factors[f].se.is_some())
        .collect();
    let (distinguishing, consensus) = {
        let mean = |x: usize, s: usize| factors[with[x]].mean.as_ref().map_or(0.0, |m| m[s]);
        let se = |x: usize, s: usize| factors[with[x]].se.as_ref().map_or(0.0, |e| e[s]);
        crate::compare::significance(with.len(), statement_ids, mean, |a, b, s| {
            (se(a, s).powi(2) + se(b, s).powi(2)).sqrt()
        })
    };
    for (x, d) in distinguishing.into_iter().enumerate() {
        factors[with[x]].distinguishing = d;
    }
    consensus
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::Grid;
    use crate::validate::{ValidationOptions, validate};

    fn planted(n: usize, seed: u64) -> (Study, synthetic::Planted) {
        let grid: Grid = "-4:2,-3:3,-2:4,-1:6,0:10,1:6,2:4,3:3,4:2".parse().unwrap();
        let sim = synthetic::planted_study(&grid, n, 2, (0.65, 0.8), seed);
        (
            validate(&sim.table, &ValidationOptions::default()).unwrap(),
            sim,
        )
    }

    fn run(study: &Study, extraction: Extraction, b: usize, threads: usize) -> BootstrapResults {
        let opts = AnalysisOptions {
            factors: 2,
            extraction,
            ..Default::default()
        };
        let bopts = BootstrapOptions {
            replicates: b,
            seed: 7,
            ..Default::default()
        };
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap()
            .install(|| bootstrap(study, &opts, &bopts, &|_| {}))
            .unwrap()
    }

    #[test]
    fn same_seed_same_results_on_any_number_of_threads() {
        let (s, _) = planted(24, 1);
        for extraction in [Extraction::Pca, Extraction::Centroid] {
            // more replicates than a batch, so batches and threads both vary
            let one = run(&s, extraction, BATCH + 9, 1);
            let three = run(&s, extraction, BATCH + 9, 3);
            assert_eq!(one, three);
            assert_eq!(
                serde_json::to_string(&one).unwrap(),
                serde_json::to_string(&three).unwrap()
            );
        }
    }

    #[test]
    fn standard_errors_shrink_as_the_study_grows() {
        let mean_se = |r: &BootstrapResults| {
            let se: Vec<f64> = r
                .factors
                .iter()
                .flat_map(|f| f.se.clone().unwrap())
                .collect();
            se.iter().sum::<f64>() / se.len() as f64
        };
        let (small, _) = planted(16, 2);
        let (large, _) = planted(64, 2);
        let (a, b) = (
            run(&small, Extraction::Pca, 40, 2),
            run(&large, Extraction::Pca, 40, 2),
        );
        assert!(
            mean_se(&b) < 0.8 * mean_se(&a),
            "{} vs {}",
            mean_se(&b),
            mean_se(&a)
        );
        let loading_se = |r: &BootstrapResults| {
            let v: Vec<f64> = r.loadings.se.iter().flatten().flatten().copied().collect();
            v.iter().sum::<f64>() / v.len() as f64
        };
        assert!(loading_se(&b) < loading_se(&a));
    }

    #[test]
    fn planted_sorts_are_flagged_nearly_always() {
        let (s, sim) = planted(30, 3);
        let r = run(&s, Extraction::Pca, 60, 2);
        // the factor of each viewpoint: where its participants are flagged in the full sample
        for v in 0..2 {
            let holders: Vec<usize> = (0..30).filter(|&i| sim.viewpoint[i] == v).collect();
            let f = (0..2)
                .max_by_key(|&f| {
                    holders
                        .iter()
                        .filter(|&&i| r.loadings.flagged[i][f])
                        .count()
                })
                .unwrap();
            let freq: Vec<f64> = holders
                .iter()
                .map(|&i| r.loadings.flag_frequency[i][f].unwrap())
                .collect();
            let mean = freq.iter().sum::<f64>() / freq.len() as f64;
            assert!(mean > 0.9, "viewpoint {v}: {freq:?}");
        }
        assert_eq!(r.replicates_used, 60);
        assert!(r.factors.iter().all(|f| f.match_correlation > 0.9));
    }

    #[test]
    fn matching_handles_more_factors_greedily() {
        let c = vec![
            vec![0.1, 0.9, 0.0, 0.0, 0.0, 0.0, 0.0],
            vec![0.9, 0.1, 0.0, 0.0, 0.0, 0.0, 0.0],
            vec![0.0, 0.0, 0.0, 0.0, 0.0, 0.0, -0.8],
            vec![0.0, 0.0, 0.7, 0.0, 0.0, 0.0, 0.0],
            vec![0.0, 0.0, 0.0, 0.6, 0.0, 0.0, 0.0],
            vec![0.0, 0.0, 0.0, 0.0, 0.5, 0.0, 0.0],
            vec![0.0, 0.0, 0.0, 0.0, 0.0, 0.4, 0.0],
        ];
        assert_eq!(best_matching(&c), vec![1, 0, 3, 4, 5, 6, 2]);
        let small: Vec<Vec<f64>> = c[..3].iter().map(|r| r[..3].to_vec()).collect();
        assert_eq!(best_matching(&small), vec![1, 0, 2]);
    }

    #[test]
    fn bad_options_are_refused() {
        let (s, _) = planted(12, 4);
        let opts = AnalysisOptions {
            factors: 2,
            ..Default::default()
        };
        let b = |replicates, interval| BootstrapOptions {
            replicates,
            interval,
            ..Default::default()
        };
        assert!(matches!(
            bootstrap(&s, &opts, &b(1, 0.95), &|_| {}),
            Err(BootstrapError::TooFewReplicates(1))
        ));
        assert!(matches!(
            bootstrap(&s, &opts, &b(10, 1.5), &|_| {}),
            Err(BootstrapError::BadInterval(_))
        ));
        let split = AnalysisOptions {
            flagging: FlaggingOptions {
                split: vec![1],
                ..Default::default()
            },
            ..opts
        };
        assert_eq!(
            bootstrap(&s, &split, &b(10, 0.95), &|_| {}),
            Err(BootstrapError::Split)
        );
    }
}

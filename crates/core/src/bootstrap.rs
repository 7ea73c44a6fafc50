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

use ndarray::{Array2, Axis};
use rand::Rng;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::analysis::{AnalysisOptions, analyze};
use crate::compare::{Consensus, Distinguishing};
use crate::correlate::{self, Correlation, CorrelationForm, SortCorrelation};
use crate::data::Study;
use crate::error::AnalysisError;
use crate::extract::{self, ExtractRequest, Extraction};
use crate::flag::{self, FlaggingOptions};
use crate::retention::percentile;
use crate::rotate::{self, RotateRequest, Rotation, VarimaxMethod};
use crate::score;
use crate::synthetic;
use crate::warning::Warning;

mod align;
pub use align::{Aligned, align};

/// The schema tag of `bootstrap.json`.
pub const SCHEMA: &str = "qstudy.bootstrap/1";

/// Replicates computed in parallel before they are summarised in order (bounds the memory
/// held at once to this many replicates).
const BATCH: usize = 64;

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
        "split factors are not bootstrapped: bootstrap the whole factor and read its poles from the loadings"
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
    pub numerics: crate::numerics::Compatibility,
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
    /// Warnings (each written as its sentence).
    pub warnings: Vec<Warning>,
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
    /// Replicates extract exactly `k` factors,
    extract: ExtractRequest,
    /// rotate them analytically (no judgmental step, no inversion: alignment follows),
    rotate: RotateRequest<'a>,
    /// and flag them automatically.
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
    let mut warnings = check_options(options, bopts)?;
    let mut full_options = options.clone();
    full_options.flagging.flags.clear();
    full_options.flagging.unflags.clear();
    full_options.flagging.automatic = true;
    let full = analyze(study, &full_options)?;
    let (m, k) = (study.n_statements(), options.factors);
    let ctx = Context::new(study, options, bopts, &full);
    let acc = run_replicates(&ctx, progress);
    if acc.used == 0 {
        return Err(BootstrapError::NoReplicate { factors: k });
    }
    if acc.failed > 0 {
        warnings.push(Warning::ReplicatesFailed {
            failed: acc.failed,
            replicates: bopts.replicates,
            factors: k,
        });
    }
    Ok(acc.finish(&ctx, &full, warnings, m))
}

/// Refuses options the bootstrap cannot honour; the warnings about those it overrides.
fn check_options(
    options: &AnalysisOptions,
    bopts: &BootstrapOptions,
) -> Result<Vec<Warning>, BootstrapError> {
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
        warnings.push(Warning::BootstrapManualFlags);
    }
    if !options.rotation_steps.is_empty() {
        warnings.push(Warning::BootstrapRotationSteps);
    }
    if !options.flagging.automatic {
        warnings.push(Warning::BootstrapAutomaticFlagging);
    }
    Ok(warnings)
}

impl<'a> Context<'a> {
    /// The context of the replicates: the full sample's rotated loadings are their target.
    fn new(
        study: &'a Study,
        options: &'a AnalysisOptions,
        bopts: &'a BootstrapOptions,
        full: &crate::analysis::AnalysisResults,
    ) -> Self {
        let (n, k) = (study.n_sorts(), options.factors);
        let target = Array2::from_shape_fn((n, k), |(i, f)| full.rotated.loadings[i][f]);
        Context {
            study,
            options,
            bootstrap: bopts,
            target,
            standardized: correlate::standardize_rows(study.values()),
            extract: ExtractRequest {
                extract: Some(k),
                keep: k,
                ..options.extract_request()
            },
            rotate: RotateRequest {
                steps: &[],
                invert: &[],
                ..options.rotate_request()
            },
            flagging: FlaggingOptions {
                p: options.flagging.p,
                majority: options.flagging.majority,
                ..FlaggingOptions::default()
            },
            k,
        }
    }
}

/// Runs the replicates in parallel batches of [`BATCH`] and accumulates them in replicate
/// order (so the summaries do not depend on the threads).
fn run_replicates(ctx: &Context<'_>, progress: &(dyn Fn(usize) + Sync)) -> Accumulator {
    let replicates = ctx.bootstrap.replicates;
    let mut acc = Accumulator::new(ctx.study.n_sorts(), ctx.k);
    let mut start = 0;
    while start < replicates {
        let end = (start + BATCH).min(replicates);
        let batch: Vec<Option<Replicate>> = (start..end)
            .into_par_iter()
            .map(|b| {
                let r = replicate(ctx, b);
                progress(1);
                r
            })
            .collect();
        for r in batch {
            acc.add(r);
        }
        start = end;
    }
    acc
}

/// Per statement, over the replicates' z-scores: their mean, standard error and the
/// interval's percentiles.
struct ZscoreSummary {
    mean: Vec<f64>,
    se: Vec<f64>,
    lower: Vec<f64>,
    upper: Vec<f64>,
}

/// The [`ZscoreSummary`] of the replicates' z-scores `reps` (two or more), with the
/// `(p_lo, p_hi)` percentiles.
fn zscore_summary(reps: &[Vec<f64>], m: usize, (p_lo, p_hi): (f64, f64)) -> ZscoreSummary {
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
    ZscoreSummary {
        mean,
        se,
        lower,
        upper,
    }
}

/// One replicate: resample, extract, rotate, align, flag, score. `None` when the resample has
/// fewer than `k` extractable factors or its rotated loadings are not all finite.
fn replicate(ctx: &Context<'_>, b: usize) -> Option<Replicate> {
    let (n, m) = (ctx.study.n_sorts(), ctx.study.n_statements());
    let mut rng = synthetic::rng(ctx.bootstrap.seed, b as u64);
    let idx: Vec<usize> = (0..n).map(|_| rng.random_range(0..n)).collect();
    let values = ctx.study.values().select(Axis(0), &idx);
    let persons = SortCorrelation::new(&values, ctx.options.correlation, CorrelationForm::Auto);
    let extraction = extract::run(&persons, m, &ctx.extract);
    drop(persons);
    extraction.check_keep(ctx.k).ok()?;
    let rotated = rotate::run(extraction.extracted.loadings.view(), &ctx.rotate).ok()?;
    // A degenerate resample can leave loadings undefined (NaN): the replicate is left out
    // (counted in `replicates_failed`) rather than aligned.
    if !rotated.loadings.iter().all(|a| a.is_finite()) {
        return None;
    }
    let target = ctx.target.select(Axis(0), &idx);
    let aligned = align(
        rotated.loadings.view(),
        target.view(),
        ctx.bootstrap.alignment,
    );
    let flagging = flag::run(aligned.loadings.view(), &[], m, &ctx.flagging).ok()?;
    let scores = score::run(&ctx.standardized, &flagging, |i| idx[i], ctx.study.grid());
    let defining = scores.iter().map(|s| s.defining.len()).collect();
    let zscores = scores
        .into_iter()
        .map(|s| s.composite.map(|c| c.zscores))
        .collect();
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

    /// The results: the full sample's values beside the replicates' summaries.
    fn finish(
        self,
        ctx: &Context<'_>,
        full: &crate::analysis::AnalysisResults,
        warnings: Vec<Warning>,
        m: usize,
    ) -> BootstrapResults {
        let n = ctx.study.n_sorts();
        let mut factors: Vec<FactorBootstrap> =
            (0..ctx.k).map(|f| self.factor(ctx, full, f, m)).collect();
        let consensus = distinguish(&mut factors, ctx.study.statement_ids());
        BootstrapResults {
            schema: SCHEMA.to_string(),
            input: BootstrapInput {
                sorts: n,
                statements: m,
                sort_ids: ctx.study.sort_ids().to_vec(),
                statement_ids: ctx.study.statement_ids().to_vec(),
                grid: ctx.study.grid().pairs(),
            },
            options: settings(ctx),
            replicates_used: self.used,
            replicates_failed: self.failed,
            factors,
            loadings: self.loadings(ctx, full),
            consensus,
            alignment: AlignmentSummary {
                method: ctx.bootstrap.alignment,
                reordered: self.reordered,
                reflected: self.reflected,
            },
            warnings,
        }
    }

    /// Factor `f`'s z-scores over the replicates beside the full sample's (its distinguishing
    /// statements left empty: they compare factors).
    fn factor(
        &self,
        ctx: &Context<'_>,
        full: &crate::analysis::AnalysisResults,
        f: usize,
        m: usize,
    ) -> FactorBootstrap {
        let level = ctx.bootstrap.interval;
        let (p_lo, p_hi) = (50.0 * (1.0 - level), 50.0 * (1.0 + level));
        let reps = &self.zscores[f];
        let fr = &full.factors[f];
        let stats = (reps.len() >= 2).then(|| zscore_summary(reps, m, (p_lo, p_hi)));
        let bias = match (&stats, &fr.zscores) {
            (Some(stats), Some(z)) => Some(stats.mean.iter().zip(z).map(|(a, b)| a - b).collect()),
            _ => None,
        };
        let bootstrap_array = stats
            .as_ref()
            .map(|stats| score::factor_array(&stats.mean, ctx.study.grid()));
        let (mean, se, lower, upper) = match stats {
            Some(s) => (Some(s.mean), Some(s.se), Some(s.lower), Some(s.upper)),
            None => (None, None, None, None),
        };
        FactorBootstrap {
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
        }
    }

    /// Each sort's loadings and flags over the replicates that drew it, beside the full
    /// sample's.
    fn loadings(
        &self,
        ctx: &Context<'_>,
        full: &crate::analysis::AnalysisResults,
    ) -> LoadingsBootstrap {
        let (n, k) = (ctx.study.n_sorts(), ctx.k);
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
        LoadingsBootstrap {
            full: full_loadings,
            flagged: full.flags.clone(),
            replicates,
            mean,
            se,
            bias,
            flag_frequency: freq,
        }
    }
}

/// The options the results record.
fn settings(ctx: &Context<'_>) -> BootstrapSettings {
    let o = ctx.options;
    BootstrapSettings {
        replicates: ctx.bootstrap.replicates,
        seed: ctx.bootstrap.seed,
        alignment: ctx.bootstrap.alignment,
        numerics: o.numerics,
        interval: ctx.bootstrap.interval,
        correlation: o.correlation,
        extraction: o.extraction,
        factors: ctx.k,
        rotation: o.rotation,
        varimax_method: o.varimax_method(),
        flag_p: o.flagging.p,
        flag_majority: o.flagging.majority,
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
mod tests;

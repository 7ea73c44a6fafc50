//! How many factors to keep (methods section 8): eigenvalues and scree, Kaiser-Guttman,
//! Humphrey's rule, defining sorts per factor for every number of factors, parallel analysis
//! (Horn 1965) with random sorts on the study's own forced grid, and a recommendation with its
//! reasons. `qstudy factors` prints it; `qstudy analyze` without a number of factors uses the
//! recommendation.
//!
//! Parallel analysis runs its iterations in parallel (rayon); iteration `i` draws from stream
//! `i` of the seed ([`crate::synthetic::rng`]), so the report is identical whatever the number
//! of threads.

use ndarray::{Array2, s};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::analysis::AnalysisOptions;
use crate::correlate::{Correlation, CorrelationForm, SortCorrelation};
use crate::data::Study;
use crate::error::AnalysisError;
use crate::extract::{self, Extracted, Extraction};
use crate::flag::{self, FlaggingOptions};
use crate::rotate::{self, Rotation, VarimaxMethod};
use crate::synthetic;

/// The schema tag of the serialised [`RetentionReport`].
pub const SCHEMA: &str = "qstudy.retention/1";

/// Settings of the parallel analysis.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RetentionOptions {
    /// Random studies drawn (1000).
    pub iterations: usize,
    /// Seed of the random sorts (1).
    pub seed: u64,
    /// Percentile of the random eigenvalues an observed one must exceed (95).
    pub percentile: f64,
}

impl Default for RetentionOptions {
    fn default() -> Self {
        RetentionOptions {
            iterations: 1000,
            seed: 1,
            percentile: 95.0,
        }
    }
}

/// Parallel analysis: the eigenvalues of the correlation matrix against those of random
/// studies of the same size on the same grid.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ParallelAnalysis {
    /// Random studies drawn.
    pub iterations: usize,
    /// Their seed.
    pub seed: u64,
    /// The percentile compared with.
    pub percentile: f64,
    /// Eigenvalues of the study's correlation matrix, descending (the `min(n, m)` largest).
    pub observed: Vec<f64>,
    /// Mean of the random eigenvalues of each rank.
    pub random_mean: Vec<f64>,
    /// The percentile of the random eigenvalues of each rank.
    pub random_percentile: Vec<f64>,
    /// Leading observed eigenvalues above their random percentile.
    pub retained: usize,
}

/// Humphrey's rule for one unrotated factor.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Humphrey {
    /// The two largest absolute loadings.
    pub largest: [f64; 2],
    /// Their product.
    pub product: f64,
    /// `2 / sqrt(m)` (twice the standard error of a zero correlation).
    pub threshold: f64,
    /// `product > threshold`.
    pub significant: bool,
}

/// The rotated solution with a given number of factors.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Solution {
    /// Factors kept.
    pub factors: usize,
    /// Defining sorts (automatic flags) per factor.
    pub defining: Vec<usize>,
    /// Whether every factor has at least two defining sorts.
    pub every_factor_defined: bool,
}

/// The retention report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RetentionReport {
    /// [`SCHEMA`].
    pub schema: String,
    /// n.
    pub sorts: usize,
    /// m.
    pub statements: usize,
    /// Correlation between sorts.
    pub correlation: Correlation,
    /// Extraction method of `eigenvalues`, Kaiser-Guttman, Humphrey and the solutions.
    pub extraction: Extraction,
    /// Factors extracted (the solutions go up to this, capped at `min(n, m) - 1`).
    pub extracted: usize,
    /// Unrotated eigenvalues (sums of squared loadings) of the extracted factors: the scree.
    pub eigenvalues: Vec<f64>,
    /// 100 * eigenvalue / n.
    pub explained_variance: Vec<f64>,
    /// Leading factors with an eigenvalue above 1.
    pub kaiser_guttman: usize,
    /// Humphrey's rule, one entry per extracted factor.
    pub humphrey: Vec<Humphrey>,
    /// Leading factors that pass Humphrey's rule.
    pub humphrey_retained: usize,
    /// Parallel analysis.
    pub parallel: ParallelAnalysis,
    /// The rotated solutions with 1, 2, ... factors.
    pub solutions: Vec<Solution>,
    /// The recommended number of factors.
    pub recommended: usize,
    /// Why, one sentence each.
    pub reasons: Vec<String>,
}

/// Percentile `p` (0..100) of sorted values, with linear interpolation between order
/// statistics (R's `quantile(type = 7)`).
///
/// ```
/// use qstudy_core::retention::percentile;
/// assert_eq!(percentile(&[1.0, 2.0, 3.0, 4.0, 5.0], 50.0), 3.0);
/// assert!((percentile(&[1.0, 2.0, 3.0, 4.0], 95.0) - 3.85).abs() < 1e-12);
/// ```
pub fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let h = (sorted.len() - 1) as f64 * (p / 100.0).clamp(0.0, 1.0);
    let lo = h.floor() as usize;
    let hi = (lo + 1).min(sorted.len() - 1);
    sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo])
}

/// Parallel analysis of `study`: `options.iterations` studies of `n` random sorts on its grid
/// (each a uniformly random arrangement of the grid's values), correlated as the study is;
/// the study keeps as many leading factors as it has eigenvalues above the chosen percentile of
/// the random eigenvalues of the same rank. `progress` is called once per finished iteration.
pub fn parallel_analysis(
    study: &Study,
    correlation: Correlation,
    options: &RetentionOptions,
    progress: &(dyn Fn(usize) + Sync),
) -> ParallelAnalysis {
    let (n, m) = (study.n_sorts(), study.n_statements());
    let len = n.min(m);
    let mut observed = extract::leading_eigenvalues(&SortCorrelation::new(
        study.values(),
        correlation,
        CorrelationForm::Auto,
    ));
    observed.truncate(len);
    let cells = study.grid().expanded();
    let random: Vec<Vec<f64>> = (0..options.iterations)
        .into_par_iter()
        .map(|it| {
            let mut rng = synthetic::rng(options.seed, it as u64);
            let mut values = Array2::<f64>::zeros((n, m));
            for mut row in values.rows_mut() {
                let sort = synthetic::random_sort(&cells, &mut rng);
                row.iter_mut()
                    .zip(sort)
                    .for_each(|(x, v)| *x = f64::from(v));
            }
            let mut e = extract::leading_eigenvalues(&SortCorrelation::new(
                &values,
                correlation,
                CorrelationForm::Auto,
            ));
            e.resize(len, 0.0);
            progress(1);
            e
        })
        .collect();
    let mut random_mean = vec![0.0; len];
    let mut random_percentile = vec![0.0; len];
    for r in 0..len {
        let mut column: Vec<f64> = random.iter().map(|e| e[r]).collect();
        random_mean[r] = column.iter().sum::<f64>() / column.len().max(1) as f64;
        column.sort_by(f64::total_cmp);
        random_percentile[r] = percentile(&column, options.percentile);
    }
    let retained = if options.iterations == 0 {
        0
    } else {
        observed
            .iter()
            .zip(&random_percentile)
            .take_while(|(o, p)| o > p)
            .count()
    };
    ParallelAnalysis {
        iterations: options.iterations,
        seed: options.seed,
        percentile: options.percentile,
        observed,
        random_mean,
        random_percentile,
        retained,
    }
}

/// Humphrey's rule (Brown 1980): a factor is significant when the product of its two largest
/// absolute loadings exceeds twice the standard error `1 / sqrt(m)`.
pub fn humphrey(column: ndarray::ArrayView1<f64>, m: usize) -> Humphrey {
    let mut abs: Vec<f64> = column.iter().map(|a| a.abs()).collect();
    abs.sort_by(|a, b| b.total_cmp(a));
    let largest = [
        abs.first().copied().unwrap_or(0.0),
        abs.get(1).copied().unwrap_or(0.0),
    ];
    let product = largest[0] * largest[1];
    let threshold = 2.0 / (m as f64).sqrt();
    Humphrey {
        largest,
        product,
        threshold,
        significant: product > threshold,
    }
}

/// The retention report of `study` under `options` (its correlation, extraction, number
/// extracted, rotation and flagging level; `options.factors` is not used).
///
/// Recommendation: the largest `k` not above the number of factors parallel analysis retains
/// whose rotated `k`-factor solution gives every factor at least two defining sorts; 1 when
/// none does. Kaiser-Guttman and Humphrey's rule are reported beside it, not binding.
///
/// ```
/// use qstudy_core::{Grid, analysis::AnalysisOptions, synthetic::planted_study};
/// use qstudy_core::retention::{retention, RetentionOptions};
/// use qstudy_core::validate::{validate, ValidationOptions};
/// let grid: Grid = "-3:2,-2:3,-1:4,0:6,1:4,2:3,3:2".parse().unwrap();
/// let sim = planted_study(&grid, 30, 2, (0.6, 0.8), 3);
/// let study = validate(&sim.table, &ValidationOptions::default()).unwrap();
/// let ropts = RetentionOptions { iterations: 100, ..Default::default() };
/// let report = retention(&study, &AnalysisOptions::default(), &ropts, &|_| {}).unwrap();
/// assert_eq!(report.recommended, 2);
/// ```
pub fn retention(
    study: &Study,
    options: &AnalysisOptions,
    retention_options: &RetentionOptions,
    progress: &(dyn Fn(usize) + Sync),
) -> Result<RetentionReport, AnalysisError> {
    let (n, m) = (study.n_sorts(), study.n_statements());
    let extracted = extract_all(study, options)?;
    let big_n = extracted.loadings.ncols();
    let eigenvalues = extracted.eigenvalues.clone();
    let kaiser_guttman = eigenvalues.iter().take_while(|&&e| e > 1.0).count();
    let humphrey: Vec<Humphrey> = (0..big_n)
        .map(|f| self::humphrey(extracted.loadings.column(f), m))
        .collect();
    let humphrey_retained = humphrey.iter().take_while(|h| h.significant).count();
    let parallel = parallel_analysis(study, options.correlation, retention_options, progress);

    let max_k = big_n.min(n.min(m) - 1);
    let solutions = solutions(&extracted.loadings, max_k, options, m)?;

    let upper = parallel.retained.min(max_k);
    let chosen = (1..=upper)
        .rev()
        .find(|&k| solutions[k - 1].every_factor_defined);
    let recommended = chosen.unwrap_or(1);

    let rules = Rules {
        parallel: &parallel,
        kaiser_guttman,
        humphrey_retained,
        extraction: options.extraction,
        n,
        m,
    };
    let reasons = rules.reasons(&solutions, chosen, upper);

    Ok(RetentionReport {
        schema: SCHEMA.to_string(),
        sorts: n,
        statements: m,
        correlation: options.correlation,
        extraction: options.extraction,
        extracted: big_n,
        explained_variance: eigenvalues.iter().map(|e| 100.0 * e / n as f64).collect(),
        eigenvalues,
        kaiser_guttman,
        humphrey,
        humphrey_retained,
        parallel,
        solutions,
        recommended,
        reasons,
    })
}

/// The options checked, the factors extracted as `options` ask (at most as many as the study
/// allows); an error when none could be.
fn extract_all(study: &Study, options: &AnalysisOptions) -> Result<Extracted, AnalysisError> {
    let (n, m) = (study.n_sorts(), study.n_statements());
    options.check_for(n)?;
    if options.extract == Some(0) {
        return Err(AnalysisError::NoExtraction);
    }
    if !(options.flagging.p > 0.0 && options.flagging.p < 1.0) {
        return Err(AnalysisError::BadFlagP(options.flagging.p));
    }
    let cap = n.min(m - 1);
    let count = options
        .extract
        .unwrap_or_else(|| options.extraction.default_count())
        .min(cap);
    let persons = SortCorrelation::new(study.values(), options.correlation, CorrelationForm::Auto);
    let extracted = extract::extract_persons_with(
        &persons,
        options.extraction,
        count,
        &options.extract_settings(),
    );
    drop(persons);
    if extracted.loadings.ncols() == 0 {
        return Err(AnalysisError::TooFewExtracted {
            factors: 1,
            extracted: 0,
            shortfall: extracted.shortfall,
            explicit: false,
        });
    }
    Ok(extracted)
}

/// The rotated and flagged solutions of 1 to `max_k` factors.
fn solutions(
    loadings: &Array2<f64>,
    max_k: usize,
    options: &AnalysisOptions,
    m: usize,
) -> Result<Vec<Solution>, AnalysisError> {
    let flagging = FlaggingOptions {
        p: options.flagging.p,
        majority: options.flagging.majority,
        ..FlaggingOptions::default()
    };
    (1..=max_k)
        .map(|k| {
            solution(
                loadings,
                k,
                options.rotation,
                options.varimax_method(),
                options.orientation(),
                &flagging,
                m,
            )
        })
        .collect()
}

/// What the retention rules found, for the sentences of [`RetentionReport::reasons`].
struct Rules<'a> {
    parallel: &'a ParallelAnalysis,
    kaiser_guttman: usize,
    humphrey_retained: usize,
    extraction: Extraction,
    n: usize,
    m: usize,
}

impl Rules<'_> {
    /// The reasons of the recommendation: each rule's count, then why `chosen` (the largest
    /// `k <= upper` whose solution defines every factor) is recommended.
    fn reasons(&self, solutions: &[Solution], chosen: Option<usize>, upper: usize) -> Vec<String> {
        let Rules {
            parallel,
            kaiser_guttman,
            humphrey_retained,
            extraction,
            n,
            m,
        } = *self;
        let mut reasons = vec![
            format!(
                "parallel analysis: {} eigenvalue(s) of the correlation matrix exceed the {}th percentile of {} random studies of {n} sorts on the same grid",
                parallel.retained,
                trim(parallel.percentile),
                parallel.iterations
            ),
            format!(
                "Kaiser-Guttman: the first {kaiser_guttman} {} factor(s) have an eigenvalue above 1",
                extraction
            ),
            format!(
                "Humphrey's rule: the first {humphrey_retained} factor(s) have a product of their two largest loadings above 2/sqrt({m}) = {:.4}",
                2.0 / (m as f64).sqrt()
            ),
        ];
        let counts = |s: &Solution| {
            s.defining
                .iter()
                .enumerate()
                .map(|(f, c)| format!("F{} {c}", f + 1))
                .collect::<Vec<_>>()
                .join(", ")
        };
        match chosen {
            Some(k) => {
                reasons.push(format!(
                    "with {k} factor(s) every factor has at least two defining sorts ({})",
                    counts(&solutions[k - 1])
                ));
                if k < upper {
                    reasons.push(format!(
                        "with {} factors some factor has fewer than two defining sorts ({})",
                        k + 1,
                        counts(&solutions[k])
                    ));
                }
                let others: Vec<String> = [
                    ("Kaiser-Guttman", kaiser_guttman),
                    ("Humphrey's rule", humphrey_retained),
                ]
                .iter()
                .filter(|(_, c)| *c != k)
                .map(|(rule, c)| format!("{rule} would keep {c}"))
                .collect();
                if !others.is_empty() {
                    reasons.push(format!(
                        "{}: reported, not binding (parallel analysis is the more accurate rule; Kaiser-Guttman tends to keep too many factors)",
                        others.join(", ")
                    ));
                }
                reasons.push(format!(
                    "recommended: {k} factor(s), the most that parallel analysis allows with at least two defining sorts per factor"
                ));
            }
            None if upper == 0 => reasons.push(
                "recommended: 1 factor, the least an analysis keeps: no rule supports even one factor (the sorts look like random ones)"
                    .to_string(),
            ),
            None => reasons.push(format!(
                "recommended: 1 factor: no solution of 1 to {upper} factors gives every factor two defining sorts"
            )),
        }
        reasons
    }
}

/// `95.0` as `95`, `97.5` as `97.5`.
fn trim(x: f64) -> String {
    let s = format!("{x}");
    s.strip_suffix(".0").map(str::to_string).unwrap_or(s)
}

fn solution(
    unrotated: &Array2<f64>,
    k: usize,
    rotation: Rotation,
    varimax: VarimaxMethod,
    orientation: rotate::Orientation,
    flagging: &FlaggingOptions,
    m: usize,
) -> Result<Solution, AnalysisError> {
    let rotated = rotate::rotate(
        unrotated.slice(s![.., ..k]),
        rotation,
        varimax,
        orientation,
        &[],
    )?;
    let flags = flag::flag(rotated.loadings.view(), &[], m, flagging)?;
    let defining: Vec<usize> = (0..k)
        .map(|f| flags.flags.iter().filter(|row| row[f]).count())
        .collect();
    Ok(Solution {
        factors: k,
        every_factor_defined: defining.iter().all(|&c| c >= 2),
        defining,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::Grid;
    use crate::validate::{ValidationOptions, validate};

    fn study(n: usize, views: usize, seed: u64) -> Study {
        let grid: Grid = "-4:2,-3:3,-2:4,-1:6,0:10,1:6,2:4,3:3,4:2".parse().unwrap();
        let sim = synthetic::planted_study(&grid, n, views, (0.55, 0.8), seed);
        validate(&sim.table, &ValidationOptions::default()).unwrap()
    }

    #[test]
    fn planted_viewpoints_are_recommended() {
        for views in [1, 3] {
            let s = study(30, views, 11);
            let ropts = RetentionOptions {
                iterations: 200,
                ..Default::default()
            };
            for extraction in [Extraction::Centroid, Extraction::Pca] {
                let opts = AnalysisOptions {
                    extraction,
                    ..Default::default()
                };
                let r = retention(&s, &opts, &ropts, &|_| {}).unwrap();
                assert_eq!(r.recommended, views, "{extraction}: {:?}", r.reasons);
                assert!(r.parallel.retained >= views);
            }
        }
    }

    #[test]
    fn random_sorts_get_one_factor_and_say_why() {
        let grid: Grid = "-2:2,-1:3,0:4,1:3,2:2".parse().unwrap();
        let t = synthetic::random_sorts(&grid, 20, 4);
        let s = validate(&t, &ValidationOptions::default()).unwrap();
        let ropts = RetentionOptions {
            iterations: 200,
            ..Default::default()
        };
        let r = retention(&s, &AnalysisOptions::default(), &ropts, &|_| {}).unwrap();
        assert_eq!(r.parallel.retained, 0);
        assert_eq!(r.recommended, 1);
        assert!(
            r.reasons.last().unwrap().contains("random"),
            "{:?}",
            r.reasons
        );
    }

    #[test]
    fn parallel_analysis_is_the_same_on_any_number_of_threads() {
        let s = study(25, 2, 3);
        let ropts = RetentionOptions {
            iterations: 60,
            ..Default::default()
        };
        let run = |threads| {
            rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap()
                .install(|| parallel_analysis(&s, Correlation::Pearson, &ropts, &|_| {}))
        };
        assert_eq!(run(1), run(3));
    }

    #[test]
    fn humphrey_rule_follows_the_definition() {
        let col = ndarray::array![0.1, -0.6, 0.5, 0.2];
        let h = humphrey(col.view(), 25);
        assert_eq!(h.largest, [0.6, 0.5]);
        assert!((h.product - 0.3).abs() < 1e-15);
        assert!((h.threshold - 0.4).abs() < 1e-15);
        assert!(!h.significant);
    }
}

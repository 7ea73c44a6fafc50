//! The whole pipeline: from a validated [`Study`] and [`AnalysisOptions`] to
//! [`AnalysisResults`], whose serialisation is `results.json` (schema `qstudy.results/1`).

use ndarray::{Array2, s};
use serde::{Deserialize, Serialize};

use crate::compare::{
    self, Consensus, CribSheet, Distinguishing, FactorSummary, PairDifferences, Spread,
};
use crate::correlate::{self, Correlation, Engine, Persons};
use crate::data::Study;
use crate::error::AnalysisError;
use crate::extract::{self, ExtractSettings, Extraction, HorstOptions, column_sums_of_squares};
use crate::flag::{self, FlaggingOptions};
use crate::numerics::Numerics;
use crate::rotate::{self, Orientation, Rotation, RotationStep, VarimaxMethod};
use crate::score;

/// The schema tag written into `results.json`.
pub const SCHEMA: &str = "qstudy.results/1";

/// Largest `n` for which the `n x n` correlation matrix is written by default.
pub const CORRELATION_OUTPUT_LIMIT: usize = 2000;

/// Every choice of an analysis, with the defaults of `docs/methods.md`.
///
/// ```
/// use qstudy_core::analysis::AnalysisOptions;
/// let o = AnalysisOptions { factors: 3, ..Default::default() };
/// assert_eq!(o.extraction.as_str(), "centroid");
/// assert_eq!(o.flagging.p, 0.05);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AnalysisOptions {
    /// Whose conventions the numbers follow (PQMethod/KADE or qmethod).
    pub numerics: Numerics,
    /// Correlation between sorts.
    pub correlation: Correlation,
    /// Extraction method.
    pub extraction: Extraction,
    /// Factors to extract (`None`: 7 centroid / 8 PCA, capped by the data).
    pub extract: Option<usize>,
    /// Factors kept and rotated.
    pub factors: usize,
    /// Analytic rotation.
    pub rotation: Rotation,
    /// How varimax is computed: `None` follows the numerics profile (an expert override).
    pub varimax: Option<VarimaxMethod>,
    /// Horst 5.5 settings (used with [`Extraction::Horst`]).
    pub horst: HorstOptions,
    /// Judgmental rotation steps, applied in order after the analytic rotation.
    pub rotation_steps: Vec<RotationStep>,
    /// Flagging of defining sorts.
    pub flagging: FlaggingOptions,
    /// Write the correlation matrix even when `n` exceeds [`CORRELATION_OUTPUT_LIMIT`].
    pub keep_correlation: bool,
    /// Names given to factors after interpretation, by factor name (`F1`, `F2a`, ...), e.g.
    /// `F1` -> "settled accommodation".
    pub factor_names: std::collections::BTreeMap<String, String>,
}

impl Default for AnalysisOptions {
    fn default() -> Self {
        AnalysisOptions {
            numerics: Numerics::Pqmethod,
            correlation: Correlation::Pearson,
            extraction: Extraction::Centroid,
            extract: None,
            factors: 0,
            rotation: Rotation::Varimax,
            varimax: None,
            horst: HorstOptions::default(),
            rotation_steps: Vec::new(),
            flagging: FlaggingOptions::default(),
            keep_correlation: false,
            factor_names: std::collections::BTreeMap::new(),
        }
    }
}

impl AnalysisOptions {
    /// The varimax algorithm used: the override, or the profile's.
    pub fn varimax_method(&self) -> VarimaxMethod {
        self.varimax.unwrap_or_else(|| self.numerics.varimax())
    }

    /// The extraction settings of the profile.
    pub fn extract_settings(&self) -> ExtractSettings {
        ExtractSettings {
            centroid: self.numerics.centroid(),
            horst: self.horst,
        }
    }

    /// How rotated factors are signed and ordered.
    pub fn orientation(&self) -> Orientation {
        self.numerics.orientation(self.extraction)
    }

    /// Checks the Horst settings (and that Horst's `n x n` matrix fits, for `n` sorts): a
    /// clear one-line error when they make no sense.
    pub fn check_for(&self, n: usize) -> Result<(), AnalysisError> {
        if self.extraction == Extraction::Horst && n > extract::HORST_MAX_SORTS {
            return Err(AnalysisError::BadOption(format!(
                "--method horst works on the n x n correlation matrix: at most {} sorts, this study has {n} (use --method centroid)",
                extract::HORST_MAX_SORTS
            )));
        }
        self.check()
    }

    /// Checks the Horst settings: a clear one-line error when they make no sense.
    pub fn check(&self) -> Result<(), AnalysisError> {
        if self.horst.iterations == 0 {
            return Err(AnalysisError::BadOption(
                "--horst-iterations must be at least 1".into(),
            ));
        }
        if !(self.horst.threshold.is_finite() && self.horst.threshold > 0.0) {
            return Err(AnalysisError::BadOption(format!(
                "--horst-threshold must be a positive number, not {}",
                self.horst.threshold
            )));
        }
        Ok(())
    }
}

/// `input` of `results.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InputSummary {
    /// m.
    pub statements: usize,
    /// n.
    pub sorts: usize,
    /// Sort ids in input order.
    pub sort_ids: Vec<String>,
    /// Statement ids (1..m).
    pub statement_ids: Vec<u32>,
    /// `[[value, count], ...]`: the grid used for arrays.
    pub grid: Vec<[i64; 2]>,
    /// Statement labels or texts, when the input had them.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub statement_labels: Option<Vec<String>>,
    /// Whether non-forced sorts were accepted.
    pub free_distribution: bool,
}

/// `options` of `results.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OptionsSummary {
    /// `pqmethod|qmethod`: whose conventions the numbers follow.
    pub numerics: Numerics,
    /// `pearson|spearman|kendall`.
    pub correlation: Correlation,
    /// `centroid|pca`.
    pub extraction: Extraction,
    /// Factors actually extracted.
    pub extracted: usize,
    /// Factors kept.
    pub factors: usize,
    /// `varimax|none`.
    pub rotation: Rotation,
    /// `pqmethod|svd|pairwise` (how varimax was computed).
    pub varimax_method: VarimaxMethod,
    /// Horst 5.5 settings, when that extraction was used.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub horst: Option<HorstOptions>,
    /// `[[a, b, degrees], ...]`.
    pub rotation_steps: Vec<(usize, usize, f64)>,
    /// Significance level of automatic flagging.
    pub flag_p: f64,
    /// Majority-of-common-variance rule.
    pub flag_majority: bool,
    /// Whether automatic flagging was applied.
    pub flag_automatic: bool,
    /// Manual flags `[id, factor]`.
    pub manual_flags: Vec<[String; 2]>,
    /// Manual unflags `[id, factor]`.
    pub manual_unflags: Vec<[String; 2]>,
    /// Inverted factors (1-based).
    pub inverted: Vec<usize>,
    /// Split factors (1-based).
    pub split: Vec<usize>,
}

/// `unrotated` of `results.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UnrotatedResults {
    /// `n x N` loadings.
    pub loadings: Vec<Vec<f64>>,
    /// Sums of squared loadings.
    pub eigenvalues: Vec<f64>,
    /// 100 * eigenvalue / n.
    pub explained_variance: Vec<f64>,
    /// PCA only: all eigenvalues of the correlation matrix, descending.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub correlation_eigenvalues: Vec<f64>,
}

/// `rotated` of `results.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RotatedResults {
    /// `n x k` loadings (after inversion of factors, if asked).
    pub loadings: Vec<Vec<f64>>,
    /// Sums of squared loadings.
    pub eigenvalues: Vec<f64>,
    /// 100 * eigenvalue / n.
    pub explained_variance: Vec<f64>,
    /// Row sums of squared loadings.
    pub communalities: Vec<f64>,
    /// `k x k` matrix T with rotated = unrotated[:, ..k] x T (inversions included).
    pub rotation_matrix: Vec<Vec<f64>>,
    /// Varimax cycles run.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub varimax_cycles: Option<usize>,
}

/// One entry of `factors` in `results.json`: a viewpoint.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FactorResult {
    /// `F1`, or `F1a`/`F1b` for split factors.
    pub name: String,
    /// The name given after interpretation (`--name F1="..."` or the study), if any.
    pub label: Option<String>,
    /// The rotated factor it comes from (1-based).
    pub source_factor: usize,
    /// Defining sort ids, in input order.
    pub defining_sorts: Vec<String>,
    /// Loadings of the defining sorts on this factor.
    pub defining_loadings: Vec<f64>,
    /// Weights f / (1 - f^2), one per defining sort.
    pub weights: Vec<f64>,
    /// z-scores in statement order (null when the factor has no defining sort).
    pub zscores: Option<Vec<f64>>,
    /// Factor array in statement order (null when no defining sort).
    pub array: Option<Vec<i32>>,
    /// Ranks, 1 = highest z (null when no defining sort).
    pub ranks: Option<Vec<usize>>,
    /// 0.8 p / (1 + 0.8 (p - 1)) (null when no defining sort).
    pub composite_reliability: Option<f64>,
    /// sqrt(1 - reliability) (null when no defining sort).
    pub se: Option<f64>,
    /// Sum of squared loadings of this column.
    pub eigenvalue: f64,
    /// 100 * eigenvalue / n.
    pub explained_variance: f64,
    /// Statements that distinguish it from every other factor.
    pub distinguishing: Vec<Distinguishing>,
}

/// The whole of `results.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AnalysisResults {
    /// [`SCHEMA`].
    pub schema: String,
    /// What was analysed.
    pub input: InputSummary,
    /// How.
    pub options: OptionsSummary,
    /// `n x n` correlations (omitted when n > 2000 unless asked for).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub correlation: Option<Vec<Vec<f64>>>,
    /// Unrotated factors.
    pub unrotated: UnrotatedResults,
    /// Rotated factors.
    pub rotated: RotatedResults,
    /// `n x k'` loadings of the viewpoint columns (equals `rotated.loadings` unless a factor is
    /// split).
    pub factor_loadings: Vec<Vec<f64>>,
    /// `n x k'` flags, true = defining sort (k' = number of entries of `factors`).
    pub flags: Vec<Vec<bool>>,
    /// The viewpoints.
    pub factors: Vec<FactorResult>,
    /// `k' x k'` correlations between the factors' z-scores (null where a factor has none).
    pub factor_correlations: Vec<Vec<Option<f64>>>,
    /// `k' x k'` standard errors of differences (null where a factor has no array).
    pub sed: Vec<Vec<Option<f64>>>,
    /// Consensus statements.
    pub consensus: Vec<Consensus>,
    /// Descending arrays of differences, one per pair of factors with arrays.
    pub differences: Vec<PairDifferences>,
    /// Statements from consensus to disagreement (variance of z across factors).
    pub consensus_order: Vec<Spread>,
    /// Crib sheets of the factors with arrays.
    pub crib_sheets: Vec<CribSheet>,
    /// Participants with their attributes (input order), when the input has attributes.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub participants: Option<Vec<crate::data::Participant>>,
    /// Factor make-up by participant attribute (see [`crate::groups`]), when the input has
    /// attributes.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub groups: Option<Vec<crate::groups::GroupComparison>>,
    /// Warnings, one sentence each.
    pub warnings: Vec<String>,
}

fn rows(a: &Array2<f64>) -> Vec<Vec<f64>> {
    a.rows().into_iter().map(|r| r.to_vec()).collect()
}

fn percent(eigen: &[f64], n: usize) -> Vec<f64> {
    eigen.iter().map(|e| 100.0 * e / n as f64).collect()
}

/// Runs the whole analysis.
///
/// ```
/// use qstudy_core::{SortTable, validate::{validate, ValidationOptions}};
/// use qstudy_core::analysis::{analyze, AnalysisOptions};
/// let table = SortTable {
///     sort_ids: vec!["A".into(), "B".into(), "C".into(), "D".into()],
///     statement_labels: None,
///     values: vec![
///         vec![-2, -1, -1, 0, 0, 0, 1, 1, 2],
///         vec![-1, -2, 0, -1, 0, 1, 0, 2, 1],
///         vec![2, 1, 1, 0, 0, 0, -1, -1, -2],
///         vec![0, 0, -1, 2, 1, -2, 1, -1, 0],
///     ],
/// };
/// let study = validate(&table, &ValidationOptions::default()).unwrap();
/// let opts = AnalysisOptions { factors: 2, ..Default::default() };
/// let res = analyze(&study, &opts).unwrap();
/// assert_eq!(res.factors.len(), 2);
/// assert_eq!(res.flags.len(), 4);
/// ```
pub fn analyze(study: &Study, options: &AnalysisOptions) -> Result<AnalysisResults, AnalysisError> {
    analyze_with(study, options, Engine::Auto)
}

/// [`analyze`] with the extraction path chosen: [`Engine::Auto`] (what [`analyze`] does) forms
/// the `n x n` correlation matrix up to [`correlate::DENSE_LIMIT`] sorts and works on its
/// `n x m` factor above (linear in `n`); the two agree to floating-point rounding.
pub fn analyze_with(
    study: &Study,
    options: &AnalysisOptions,
    engine: Engine,
) -> Result<AnalysisResults, AnalysisError> {
    let n = study.n_sorts();
    let m = study.n_statements();
    let k = options.factors;
    options.check_for(n)?;
    if k == 0 {
        return Err(AnalysisError::NoFactors);
    }
    let max_k = n.min(m) - 1;
    if k > max_k {
        return Err(AnalysisError::TooManyFactors {
            asked: k,
            n,
            m,
            max: max_k,
        });
    }
    if options.extract == Some(0) {
        return Err(AnalysisError::NoExtraction);
    }
    let columns = flag::factor_columns(k, &options.flagging.split)?;
    if let Some(unknown) = options
        .factor_names
        .keys()
        .find(|name| !columns.iter().any(|c| &c.name == *name))
    {
        return Err(AnalysisError::UnknownFactor {
            context: "factor name".into(),
            factor: unknown.clone(),
            valid: columns
                .iter()
                .map(|c| c.name.as_str())
                .collect::<Vec<_>>()
                .join(", "),
        });
    }
    let mut warnings = Vec::new();

    // 1. correlate (the n x n matrix, or its n x m factor for large n)
    let persons = Persons::new(study.values(), options.correlation, engine);

    // 2. extract
    let cap = n.min(m - 1);
    let asked = match (options.extract, options.extraction) {
        (Some(e), _) => e,
        (None, Extraction::Horst) => k,
        (None, e) => e.default_count().max(k),
    };
    let count = asked.min(cap);
    let extracted = extract::extract_persons_with(
        &persons,
        options.extraction,
        count,
        &options.extract_settings(),
    );
    if let Some(run) = extracted.horst
        && !run.converged
    {
        warnings.push(format!(
            "Horst: the communality estimates did not settle within {} iterations (threshold {}): no convergence, the last pass is used",
            options.horst.iterations, options.horst.threshold
        ));
    }
    let n_extracted = extracted.loadings.ncols();
    if n_extracted < k {
        return Err(AnalysisError::TooFewExtracted {
            factors: k,
            extracted: n_extracted,
            why: match (&extracted.shortfall, options.extract) {
                (Some(why), _) => format!(": {why}"),
                (None, Some(_)) => " (--extract)".to_string(),
                (None, None) => String::new(),
            },
        });
    }
    if n_extracted < asked {
        warnings.push(format!(
            "{asked} factors were to be extracted but only {n_extracted} could be{}",
            extracted.shortfall.as_ref().map_or_else(
                || format!(" ({n} sorts x {m} statements)"),
                |w| format!(": {w}")
            )
        ));
    }

    for &(f, i) in &extracted.capped {
        warnings.push(format!(
            "centroid factor {}: the communality estimate of sort '{}' reached 1 and was held at 1 (a Heywood case)",
            f + 1,
            study.sort_ids()[i]
        ));
    }

    // 3. rotate
    let unrotated_k = extracted.loadings.slice(s![.., ..k]);
    let mut rotated = rotate::rotate(
        unrotated_k,
        options.rotation,
        options.varimax_method(),
        options.orientation(),
        &options.rotation_steps,
    )?;
    for &f in &options.flagging.invert {
        if f == 0 || f > k {
            return Err(AnalysisError::UnknownFactor {
                context: "--invert".into(),
                factor: f.to_string(),
                valid: format!("1..{k}"),
            });
        }
        rotated.loadings.column_mut(f - 1).mapv_inplace(|v| -v);
        rotated.matrix.column_mut(f - 1).mapv_inplace(|v| -v);
    }

    // 4. flag
    let flagging = flag::flag(
        rotated.loadings.view(),
        study.sort_ids(),
        m,
        &options.flagging,
    )?;
    let kv = flagging.columns.len();
    for i in 0..n {
        for f in 0..k {
            let a = rotated.loadings[[i, f]];
            if a.abs() >= 1.0 {
                warnings.push(format!(
                    "sort '{}' has loading {a:.4} on F{} (|a| >= 1, a Heywood case): its weight is undefined, so it is not flagged automatically on that factor",
                    study.sort_ids()[i],
                    f + 1
                ));
            }
        }
    }
    let mut unflagged = Vec::new();
    for i in 0..n {
        let id = &study.sort_ids()[i];
        let on: Vec<usize> = (0..kv).filter(|&c| flagging.flags[i][c]).collect();
        if on.is_empty() {
            unflagged.push(id.clone());
        }
        if on.len() > 1 {
            let names: Vec<&str> = on
                .iter()
                .map(|&c| flagging.columns[c].name.as_str())
                .collect();
            warnings.push(format!(
                "sort '{id}' is flagged on more than one factor ({}): it enters each composite",
                names.join(", ")
            ));
        }
        for &c in &on {
            let a = flagging.loadings[[i, c]];
            if a.abs() >= 1.0 {
                return Err(AnalysisError::Heywood {
                    sort: id.clone(),
                    factor: flagging.columns[c].name.clone(),
                    loading: a,
                });
            }
            if a < 0.0 {
                warnings.push(format!(
                    "sort '{id}' is flagged on {} with a negative loading ({a:.4}): it enters the composite with a negative weight",
                    flagging.columns[c].name
                ));
            }
        }
    }
    if !unflagged.is_empty() {
        warnings.push(format!(
            "{} sort(s) define no factor: {}",
            unflagged.len(),
            unflagged.join(", ")
        ));
    }

    // 5. score
    let standardized = correlate::standardize_rows(study.values());
    let mut composites = Vec::with_capacity(kv);
    for (c, col) in flagging.columns.iter().enumerate() {
        let defining: Vec<(usize, f64)> = (0..n)
            .filter(|&i| flagging.flags[i][c])
            .map(|i| (i, flagging.loadings[[i, c]]))
            .collect();
        let comp = score::composite(&standardized, &defining, study.grid());
        if comp.is_none() {
            warnings.push(if defining.is_empty() {
                format!("{} has no defining sort: it has no z-scores and no array", col.name)
            } else {
                format!(
                    "the weighted sorts of {} cancel out (no variance): it has no z-scores and no array",
                    col.name
                )
            });
        }
        if options.numerics == Numerics::Qmethod
            && let Some(c) = &comp
        {
            for group in score::ties_across_columns(&c.zscores, &c.array) {
                let ids: Vec<String> = group
                    .iter()
                    .map(|&s| study.statement_ids()[s].to_string())
                    .collect();
                warnings.push(format!(
                    "{}: statements {} have equal z-scores but fall in different grid columns: qmethod gives them one averaged rank (its array can differ there and break the grid); qstudy keeps the grid, the higher-numbered statement taking the lower value",
                    col.name,
                    ids.join(", ")
                ));
            }
        }
        composites.push((defining, comp));
    }

    // 6. compare (factors with an array only)
    let with_array: Vec<usize> = (0..kv).filter(|&c| composites[c].1.is_some()).collect();
    let characteristics: Vec<Option<(f64, f64)>> = composites
        .iter()
        .map(|(def, comp)| {
            comp.as_ref().map(|_| {
                let rel = compare::composite_reliability(def.len());
                (rel, compare::standard_error(rel))
            })
        })
        .collect();
    let summaries: Vec<FactorSummary<'_>> = with_array
        .iter()
        .map(|&c| {
            let comp = composites[c].1.as_ref().expect("filtered");
            FactorSummary {
                name: &flagging.columns[c].name,
                zscores: &comp.zscores,
                array: &comp.array,
                se: characteristics[c].expect("has array").1,
            }
        })
        .collect();
    let comparison = compare::compare(&summaries, study.statement_ids());
    if with_array.len() < 2 {
        warnings.push(
            "fewer than two factors have an array: no distinguishing or consensus statements"
                .to_string(),
        );
    }
    let mut factor_correlations = vec![vec![None; kv]; kv];
    let mut sed = vec![vec![None; kv]; kv];
    for (x, &a) in with_array.iter().enumerate() {
        for (y, &b) in with_array.iter().enumerate() {
            factor_correlations[a][b] = Some(comparison.correlations[x][y]);
            sed[a][b] = Some(comparison.sed[x][y]);
        }
    }

    let column_eigen = column_sums_of_squares(&flagging.loadings);
    let factors: Vec<FactorResult> = flagging
        .columns
        .iter()
        .enumerate()
        .map(|(c, col)| {
            let (defining, comp) = &composites[c];
            let dist = with_array
                .iter()
                .position(|&x| x == c)
                .map(|x| comparison.distinguishing[x].clone())
                .unwrap_or_default();
            FactorResult {
                name: col.name.clone(),
                label: options.factor_names.get(&col.name).cloned(),
                source_factor: col.source + 1,
                defining_sorts: defining
                    .iter()
                    .map(|&(i, _)| study.sort_ids()[i].clone())
                    .collect(),
                defining_loadings: defining.iter().map(|&(_, a)| a).collect(),
                weights: defining.iter().map(|&(_, a)| score::weight(a)).collect(),
                zscores: comp.as_ref().map(|c| c.zscores.clone()),
                array: comp.as_ref().map(|c| c.array.clone()),
                ranks: comp.as_ref().map(|c| c.ranks.clone()),
                composite_reliability: characteristics[c].map(|x| x.0),
                se: characteristics[c].map(|x| x.1),
                eigenvalue: column_eigen[c],
                explained_variance: 100.0 * column_eigen[c] / n as f64,
                distinguishing: dist,
            }
        })
        .collect();

    let rot_eigen = column_sums_of_squares(&rotated.loadings);
    let communalities = rotated
        .loadings
        .rows()
        .into_iter()
        .map(|r| r.dot(&r))
        .collect();
    let keep_r = n <= CORRELATION_OUTPUT_LIMIT || options.keep_correlation;
    let steps = options
        .rotation_steps
        .iter()
        .map(|s| (s.a, s.b, s.degrees))
        .collect();
    let edits = |v: &[flag::FlagEdit]| {
        v.iter()
            .map(|e| [e.sort.clone(), e.factor.clone()])
            .collect()
    };

    Ok(AnalysisResults {
        schema: SCHEMA.to_string(),
        input: InputSummary {
            statements: m,
            sorts: n,
            sort_ids: study.sort_ids().to_vec(),
            statement_ids: study.statement_ids().to_vec(),
            grid: study.grid().pairs(),
            statement_labels: study.statement_labels().map(<[String]>::to_vec),
            free_distribution: study.free_distribution(),
        },
        options: OptionsSummary {
            numerics: options.numerics,
            correlation: options.correlation,
            extraction: options.extraction,
            extracted: n_extracted,
            factors: k,
            rotation: options.rotation,
            varimax_method: options.varimax_method(),
            horst: (options.extraction == Extraction::Horst).then_some(options.horst),
            rotation_steps: steps,
            flag_p: options.flagging.p,
            flag_majority: options.flagging.majority,
            flag_automatic: options.flagging.automatic,
            manual_flags: edits(&options.flagging.flags),
            manual_unflags: edits(&options.flagging.unflags),
            inverted: options.flagging.invert.clone(),
            split: options.flagging.split.clone(),
        },
        correlation: keep_r.then(|| match &persons {
            Persons::Dense(r) => rows(r),
            Persons::Factored(_) => rows(&correlate::correlation_matrix(
                study.values(),
                options.correlation,
            )),
        }),
        unrotated: UnrotatedResults {
            loadings: rows(&extracted.loadings),
            explained_variance: percent(&extracted.eigenvalues, n),
            eigenvalues: extracted.eigenvalues,
            correlation_eigenvalues: extracted.all_eigenvalues,
        },
        rotated: RotatedResults {
            loadings: rows(&rotated.loadings),
            explained_variance: percent(&rot_eigen, n),
            eigenvalues: rot_eigen,
            communalities,
            rotation_matrix: rows(&rotated.matrix),
            varimax_cycles: rotated.varimax_cycles,
        },
        factor_loadings: rows(&flagging.loadings),
        flags: flagging.flags,
        factors,
        factor_correlations,
        sed,
        consensus: comparison.consensus,
        differences: comparison.differences,
        consensus_order: comparison.consensus_order,
        crib_sheets: comparison.crib_sheets,
        participants: None,
        groups: None,
        warnings,
    })
}

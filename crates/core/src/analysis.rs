//! The whole pipeline: from a validated [`Study`] and [`AnalysisOptions`] to
//! [`AnalysisResults`], whose serialisation is `results.json` (schema `qstudy.results/1`).

use std::borrow::Cow;

use ndarray::{Array2, s};
use serde::{Deserialize, Serialize};

use crate::compare::{
    self, Compared, Consensus, CribSheet, Distinguishing, PairDifferences, Spread,
};
use crate::correlate::{self, Correlation, CorrelationForm, SortCorrelation};
use crate::data::{Participant, Study};
use crate::error::AnalysisError;
use crate::extract::{self, ExtractStage, Extraction, HorstOptions, column_sums_of_squares};
use crate::flag::{self, FlagEdit, Flagging};
use crate::groups;
use crate::methods::{ChecklistItem, RetentionEvidence};
use crate::numerics::Compatibility;
use crate::rotate::{self, Rotated, Rotation, VarimaxMethod};
use crate::score::{self, FactorScores};
use crate::select::LeftOut;
use crate::warning::Warning;

pub use crate::options::{AnalysisOptions, CORRELATION_OUTPUT_LIMIT};

/// The schema tag written into `results.json`.
pub const SCHEMA: &str = "qstudy.results/1";

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
    pub numerics: Compatibility,
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
    /// Sort ids left out by hand (`exclude`), as given.
    #[serde(default)]
    pub exclude: Vec<String>,
    /// Attribute conditions every analysed sort meets (`where`), as given:
    /// `{attribute, values}`.
    #[serde(default, rename = "where")]
    pub where_: Vec<ConditionSummary>,
    /// Whether incomplete sorts are left out (else refused).
    #[serde(default)]
    pub drop_incomplete: bool,
    /// The sorts of the input left out by the selection, in input order, with why: not a
    /// choice but what the choices above did to this input (filled by the caller that applied
    /// the selection; see [`crate::select::select`]).
    #[serde(default)]
    pub left_out: Vec<LeftOut>,
}

/// One condition of `options.where`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConditionSummary {
    /// The attribute.
    pub attribute: String,
    /// The values kept.
    pub values: Vec<String>,
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
    /// The name given after interpretation (on the command line or by the study), if any; a
    /// half of a split factor without a name of its own takes the whole factor's, followed by
    /// ` (a)` or ` (b)`.
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
    pub participants: Option<Vec<Participant>>,
    /// Factor make-up by participant attribute (see [`crate::groups`]), when the input has
    /// attributes.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub groups: Option<Vec<groups::GroupComparison>>,
    /// Warnings (each written as its sentence).
    pub warnings: Vec<Warning>,
    /// The evidence on which qstudy chose the number of factors, when the user did not give it.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub retention: Option<RetentionEvidence>,
    /// The methods paragraph ([`crate::methods::methods`]): the analysis in words, for a paper.
    #[serde(default)]
    pub methods_text: String,
    /// The references the methods paragraph cites.
    #[serde(default)]
    pub methods_references: Vec<String>,
    /// The reporting checklist ([`crate::methods::reporting_checklist`]).
    #[serde(default)]
    pub reporting_checklist: Vec<ChecklistItem>,
}

fn rows(a: &Array2<f64>) -> Vec<Vec<f64>> {
    a.rows().into_iter().map(|r| r.to_vec()).collect()
}

fn percent(eigen: &[f64], n: usize) -> Vec<f64> {
    eigen.iter().map(|e| 100.0 * e / n as f64).collect()
}

/// Runs the whole analysis: [`Analysis::new`] then [`Analysis::results`].
///
/// ```
/// use qstudy_core::{SortTable, validate::{validate, ValidationOptions}};
/// use qstudy_core::analysis::{analyze, AnalysisOptions};
/// let table = SortTable {
///     missing: Vec::new(),
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
    analyze_with(study, options, CorrelationForm::Auto)
}

/// [`analyze`] with the extraction path chosen: [`CorrelationForm::Auto`] (what [`analyze`] does) forms
/// the `n x n` correlation matrix up to [`correlate::DENSE_LIMIT`] sorts and works on its
/// `n x m` factor above (linear in `n`); the two agree to floating-point rounding.
pub fn analyze_with(
    study: &Study,
    options: &AnalysisOptions,
    engine: CorrelationForm,
) -> Result<AnalysisResults, AnalysisError> {
    Ok(Analysis::with_engine(study, options.clone(), engine)?.results())
}

/// A stage of the analysis, in pipeline order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Stage {
    /// The correlation between sorts ([`crate::correlate`]).
    Correlate,
    /// The unrotated factors ([`crate::extract`]).
    Extract,
    /// Analytic rotation, judgmental steps and inversion ([`crate::rotate`]).
    Rotate,
    /// Defining sorts ([`crate::flag`]).
    Flag,
    /// Composites: z-scores and factor arrays ([`crate::score`]).
    Score,
    /// Characteristics and comparisons of the factors ([`crate::compare`]).
    Compare,
}

impl Stage {
    /// Every stage, in pipeline order.
    pub const ALL: [Stage; 6] = [
        Stage::Correlate,
        Stage::Extract,
        Stage::Rotate,
        Stage::Flag,
        Stage::Score,
        Stage::Compare,
    ];

    /// The first stage whose output depends on an option that differs between `old` and
    /// `new`; `None` when only what the results show changes (factor names, whether the
    /// correlation matrix is kept).
    ///
    /// ```
    /// use qstudy_core::analysis::{AnalysisOptions, Stage};
    /// use qstudy_core::RotationStep;
    /// let old = AnalysisOptions { factors: 2, ..Default::default() };
    /// let mut new = old.clone();
    /// new.rotation_steps.push(RotationStep { a: 1, b: 2, degrees: 10.0 });
    /// assert_eq!(Stage::first_affected(&old, &new), Some(Stage::Rotate));
    /// new.factors = 3; // 7 centroid factors are extracted either way
    /// assert_eq!(Stage::first_affected(&old, &new), Some(Stage::Rotate));
    /// ```
    pub fn first_affected(old: &AnalysisOptions, new: &AnalysisOptions) -> Option<Stage> {
        if old.correlation != new.correlation {
            Some(Stage::Correlate)
        } else if old.numerics != new.numerics
            || old.extraction != new.extraction
            || old.horst != new.horst
            || old.extract_request().asked() != new.extract_request().asked()
        {
            Some(Stage::Extract)
        } else if old.factors != new.factors || old.rotate_request() != new.rotate_request() {
            Some(Stage::Rotate)
        } else if old.flagging != new.flagging {
            Some(Stage::Flag)
        } else {
            None
        }
    }

    fn index(self) -> usize {
        self as usize
    }
}

/// One analysis session: a study, its options and the output of every stage, re-run from the
/// first stage an edit affects (a rotation step re-runs rotation onward, a flag edit flagging
/// onward: the correlation and extraction are kept). Every option is checked before any
/// computation, and an edit that fails leaves the session as it was.
///
/// ```
/// use qstudy_core::{FlagEdit, Grid, RotationStep, synthetic::planted_study};
/// use qstudy_core::analysis::{Analysis, AnalysisOptions, Stage};
/// use qstudy_core::validate::{validate, ValidationOptions};
/// let grid: Grid = "-3:2,-2:3,-1:4,0:6,1:4,2:3,3:2".parse().unwrap();
/// let sim = planted_study(&grid, 12, 2, (0.6, 0.8), 7);
/// let study = validate(&sim.table, &ValidationOptions::default()).unwrap();
/// let mut options = AnalysisOptions { factors: 2, ..Default::default() };
/// let mut analysis = Analysis::new(&study, options.clone())?;
/// // a judgmental rotation step: rotation, flagging, scores and comparison are re-run
/// options.rotation_steps.push(RotationStep { a: 1, b: 2, degrees: 5.0 });
/// assert_eq!(analysis.set_options(options.clone())?, Some(Stage::Rotate));
/// // a manual flag: flagging onward
/// let sort = study.sort_ids()[0].clone();
/// options.flagging.flags.push(FlagEdit { sort, factor: "2".into() });
/// assert_eq!(analysis.set_options(options)?, Some(Stage::Flag));
/// assert_eq!(analysis.runs(Stage::Extract), 1); // extracted once
/// assert_eq!(analysis.runs(Stage::Flag), 3);
/// let results = analysis.results();
/// assert_eq!(results.options.rotation_steps, vec![(1, 2, 5.0)]);
/// # Ok::<(), qstudy_core::AnalysisError>(())
/// ```
#[derive(Debug, Clone)]
pub struct Analysis<'a> {
    study: Cow<'a, Study>,
    options: AnalysisOptions,
    engine: CorrelationForm,
    standardized: Array2<f64>,
    persons: SortCorrelation,
    extraction: ExtractStage,
    rotated: Rotated,
    flagging: Flagging,
    scores: Vec<FactorScores>,
    compared: Compared,
    runs: [usize; 6],
    /// The warnings of the data checks ([`crate::checks`]): the study's, computed once.
    checks: Vec<Warning>,
}

/// The stages after extraction: rotation, flagging, scores and comparison.
struct Downstream {
    rotated: Rotated,
    flagging: Flagging,
    scores: Vec<FactorScores>,
    compared: Compared,
}

impl Downstream {
    /// Runs the stages after extraction with `options`; `kept` is the rotation to keep when
    /// it does not need re-running (a flag edit), `None` to rotate.
    fn run(
        study: &Study,
        standardized: &Array2<f64>,
        extracted: &ExtractStage,
        kept: Option<&Rotated>,
        options: &AnalysisOptions,
    ) -> Result<Downstream, AnalysisError> {
        let (ids, m) = (study.sort_ids(), study.n_statements());
        extracted.check_keep(options.factors)?;
        let rotated = match kept {
            Some(r) => r.clone(),
            None => {
                let unrotated = extracted
                    .extracted
                    .loadings
                    .slice(s![.., ..options.factors]);
                rotate::run(unrotated, &options.rotate_request())?
            }
        };
        let flagging = flag::run(rotated.loadings.view(), ids, m, &options.flagging)?;
        let scores = score::run(standardized, &flagging, |i| i, study.grid());
        let compared = compare::run(&flagging.columns, &scores, study.statement_ids());
        Ok(Downstream {
            rotated,
            flagging,
            scores,
            compared,
        })
    }
}

/// The stages from a given one onward, computed from the earlier ones of a session (`None`:
/// not re-run).
struct Rerun {
    persons: Option<SortCorrelation>,
    extraction: Option<ExtractStage>,
    downstream: Downstream,
}

impl<'a> Analysis<'a> {
    /// Checks the options ([`AnalysisOptions::validate`]) and runs every stage on `study`.
    pub fn new(study: &'a Study, options: AnalysisOptions) -> Result<Analysis<'a>, AnalysisError> {
        Analysis::build(Cow::Borrowed(study), options, CorrelationForm::Auto)
    }

    /// [`Analysis::new`] with the correlation engine chosen (see [`analyze_with`]).
    pub fn with_engine(
        study: &'a Study,
        options: AnalysisOptions,
        engine: CorrelationForm,
    ) -> Result<Analysis<'a>, AnalysisError> {
        Analysis::build(Cow::Borrowed(study), options, engine)
    }

    /// [`Analysis::new`] owning its study (to keep a session, e.g. one per browser session).
    pub fn owned(
        study: Study,
        options: AnalysisOptions,
    ) -> Result<Analysis<'static>, AnalysisError> {
        Analysis::build(Cow::Owned(study), options, CorrelationForm::Auto)
    }

    fn build(
        study: Cow<'a, Study>,
        options: AnalysisOptions,
        engine: CorrelationForm,
    ) -> Result<Analysis<'a>, AnalysisError> {
        options.validate(&study)?;
        let checks = crate::checks::data_warnings(&study);
        let persons = SortCorrelation::new(study.values(), options.correlation, engine);
        let standardized = correlate::standardize_rows(study.values());
        let extraction = extract::run(&persons, study.n_statements(), &options.extract_request());
        let later = Downstream::run(&study, &standardized, &extraction, None, &options)?;
        Ok(Analysis {
            study,
            options,
            engine,
            standardized,
            persons,
            extraction,
            rotated: later.rotated,
            flagging: later.flagging,
            scores: later.scores,
            compared: later.compared,
            runs: [1; 6],
            checks,
        })
    }

    /// Runs the stages from `from` with `options`, without touching the session.
    fn rerun(&self, options: &AnalysisOptions, from: Stage) -> Result<Rerun, AnalysisError> {
        let study = &*self.study;
        let persons = (from <= Stage::Correlate)
            .then(|| SortCorrelation::new(study.values(), options.correlation, self.engine));
        let extraction = (from <= Stage::Extract).then(|| {
            let persons = persons.as_ref().unwrap_or(&self.persons);
            extract::run(persons, study.n_statements(), &options.extract_request())
        });
        let extracted = extraction.as_ref().unwrap_or(&self.extraction);
        let kept = (from > Stage::Rotate).then_some(&self.rotated);
        let downstream = Downstream::run(study, &self.standardized, extracted, kept, options)?;
        Ok(Rerun {
            persons,
            extraction,
            downstream,
        })
    }

    fn commit(&mut self, r: Rerun, from: Stage) {
        if let Some(p) = r.persons {
            self.persons = p;
        }
        if let Some(e) = r.extraction {
            self.extraction = e;
        }
        let Downstream {
            rotated,
            flagging,
            scores,
            compared,
        } = r.downstream;
        self.rotated = rotated;
        self.flagging = flagging;
        self.scores = scores;
        self.compared = compared;
        for stage in Stage::ALL.into_iter().filter(|&s| s >= from) {
            self.runs[stage.index()] += 1;
        }
    }

    /// Replaces the options: checks them first, then re-runs from the first stage they affect
    /// ([`Stage::first_affected`]), which is returned (`None`: nothing needed re-running). On
    /// an error the session is left as it was.
    pub fn set_options(
        &mut self,
        options: AnalysisOptions,
    ) -> Result<Option<Stage>, AnalysisError> {
        options.validate(&self.study)?;
        let first = Stage::first_affected(&self.options, &options);
        if let Some(from) = first {
            let rerun = self.rerun(&options, from)?;
            self.commit(rerun, from);
        }
        self.options = options;
        Ok(first)
    }

    /// The study analysed.
    pub fn study(&self) -> &Study {
        &self.study
    }
    /// The current options.
    pub fn options(&self) -> &AnalysisOptions {
        &self.options
    }
    /// The correlation between sorts (dense or factored).
    pub fn persons(&self) -> &SortCorrelation {
        &self.persons
    }
    /// The output of the extraction stage.
    pub fn extraction(&self) -> &ExtractStage {
        &self.extraction
    }
    /// The rotated factors (after inversion).
    pub fn rotated(&self) -> &Rotated {
        &self.rotated
    }
    /// The viewpoint columns, their loadings and flags.
    pub fn flagging(&self) -> &Flagging {
        &self.flagging
    }
    /// The composite of every viewpoint column.
    pub fn scores(&self) -> &[FactorScores] {
        &self.scores
    }
    /// The comparison of the factors.
    pub fn compared(&self) -> &Compared {
        &self.compared
    }
    /// How many times `stage` has been computed in this session.
    pub fn runs(&self, stage: Stage) -> usize {
        self.runs[stage.index()]
    }

    /// The warnings: the data checks', then stage by stage.
    pub fn warnings(&self) -> Vec<Warning> {
        let ids = self.study.sort_ids();
        let mut w = self.checks.clone();
        w.extend(self.extraction.warnings(ids, self.options.factors));
        w.extend(rotate::warnings(&self.rotated));
        w.extend(flag::warnings(
            self.rotated.loadings.view(),
            &self.flagging,
            ids,
        ));
        w.extend(score::warnings(
            &self.scores,
            &self.flagging.columns,
            self.study.statement_ids(),
            self.options.numerics == Compatibility::Qmethod,
        ));
        w.extend(self.compared.warnings());
        w
    }

    /// The results (`results.json`), without participants (see
    /// [`AnalysisResults::attach_participants`]).
    pub fn results(&self) -> AnalysisResults {
        let (study, o) = (&*self.study, &self.options);
        let n = study.n_sorts();
        let rot_eigen = column_sums_of_squares(&self.rotated.loadings);
        let communalities = self
            .rotated
            .loadings
            .rows()
            .into_iter()
            .map(|r| r.dot(&r))
            .collect();
        let keep_r = n <= CORRELATION_OUTPUT_LIMIT || o.keep_correlation;
        let extracted = &self.extraction.extracted;
        AnalysisResults {
            schema: SCHEMA.to_string(),
            input: InputSummary::of(study),
            options: OptionsSummary::of(o, self.extraction.count()),
            correlation: keep_r.then(|| match &self.persons {
                SortCorrelation::Dense(r) => rows(r),
                SortCorrelation::Factored(_) => rows(&correlate::correlation_matrix(
                    study.values(),
                    o.correlation,
                )),
            }),
            unrotated: UnrotatedResults {
                loadings: rows(&extracted.loadings),
                explained_variance: percent(&extracted.eigenvalues, n),
                eigenvalues: extracted.eigenvalues.clone(),
                correlation_eigenvalues: extracted.all_eigenvalues.clone(),
            },
            rotated: RotatedResults {
                loadings: rows(&self.rotated.loadings),
                explained_variance: percent(&rot_eigen, n),
                eigenvalues: rot_eigen,
                communalities,
                rotation_matrix: rows(&self.rotated.matrix),
                varimax_cycles: self.rotated.varimax_cycles,
            },
            factor_loadings: rows(&self.flagging.loadings),
            flags: self.flagging.flags.clone(),
            factors: self.factor_results(),
            factor_correlations: self.compared.factor_correlations.clone(),
            sed: self.compared.sed.clone(),
            consensus: self.compared.comparison.consensus.clone(),
            differences: self.compared.comparison.differences.clone(),
            consensus_order: self.compared.comparison.consensus_order.clone(),
            crib_sheets: self.compared.comparison.crib_sheets.clone(),
            participants: None,
            groups: None,
            warnings: self.warnings(),
            retention: None,
            methods_text: String::new(),
            methods_references: Vec::new(),
            reporting_checklist: Vec::new(),
        }
        .described()
    }

    /// `factors` of the results: one entry per viewpoint column.
    fn factor_results(&self) -> Vec<FactorResult> {
        let study = &*self.study;
        let n = study.n_sorts();
        let column_eigen = column_sums_of_squares(&self.flagging.loadings);
        let characteristics = &self.compared.characteristics;
        self.flagging
            .columns
            .iter()
            .zip(&self.scores)
            .enumerate()
            .map(|(c, (col, s))| {
                let comp = s.composite.as_ref();
                FactorResult {
                    name: col.name.clone(),
                    label: col.label(&self.options.factor_names),
                    source_factor: col.source + 1,
                    defining_sorts: s
                        .defining
                        .iter()
                        .map(|&(i, _)| study.sort_ids()[i].clone())
                        .collect(),
                    defining_loadings: s.defining.iter().map(|&(_, a)| a).collect(),
                    weights: s.defining.iter().map(|&(_, a)| score::weight(a)).collect(),
                    zscores: comp.map(|c| c.zscores.clone()),
                    array: comp.map(|c| c.array.clone()),
                    ranks: comp.map(|c| c.ranks.clone()),
                    composite_reliability: characteristics[c].map(|x| x.0),
                    se: characteristics[c].map(|x| x.1),
                    eigenvalue: column_eigen[c],
                    explained_variance: 100.0 * column_eigen[c] / n as f64,
                    distinguishing: self.compared.distinguishing(c),
                }
            })
            .collect()
    }
}

impl InputSummary {
    /// What `study` is.
    pub fn of(study: &Study) -> InputSummary {
        InputSummary {
            statements: study.n_statements(),
            sorts: study.n_sorts(),
            sort_ids: study.sort_ids().to_vec(),
            statement_ids: study.statement_ids().to_vec(),
            grid: study.grid().pairs(),
            statement_labels: study.statement_labels().map(<[String]>::to_vec),
            free_distribution: study.free_distribution(),
        }
    }
}

impl OptionsSummary {
    /// The summary of `options` with `extracted` factors extracted.
    pub fn of(options: &AnalysisOptions, extracted: usize) -> OptionsSummary {
        let edits = |v: &[FlagEdit]| {
            v.iter()
                .map(|e| [e.sort.clone(), e.factor.clone()])
                .collect()
        };
        OptionsSummary {
            numerics: options.numerics,
            correlation: options.correlation,
            extraction: options.extraction,
            extracted,
            factors: options.factors,
            rotation: options.rotation,
            varimax_method: options.varimax_method(),
            horst: (options.extraction == Extraction::Horst).then_some(options.horst),
            rotation_steps: options
                .rotation_steps
                .iter()
                .map(|s| (s.a, s.b, s.degrees))
                .collect(),
            flag_p: options.flagging.p,
            flag_majority: options.flagging.majority,
            flag_automatic: options.flagging.automatic,
            manual_flags: edits(&options.flagging.flags),
            manual_unflags: edits(&options.flagging.unflags),
            inverted: options.invert.clone(),
            split: options.flagging.split.clone(),
            exclude: options.selection.exclude.clone(),
            where_: options
                .selection
                .conditions
                .iter()
                .map(|c| ConditionSummary {
                    attribute: c.attribute.clone(),
                    values: c.values.clone(),
                })
                .collect(),
            drop_incomplete: options.selection.drop_incomplete,
            left_out: Vec::new(),
        }
    }
}

impl AnalysisResults {
    /// Attaches participants to the results and computes the group comparison
    /// (`participants`, `groups`; see [`crate::groups`]). Does nothing when no participant has
    /// attributes.
    pub fn attach_participants(&mut self, participants: Vec<Participant>) {
        if participants.iter().all(|p| p.attributes.is_empty()) {
            return;
        }
        let names: Vec<&str> = self.factors.iter().map(|f| f.name.as_str()).collect();
        self.groups = Some(groups::compare_groups(
            &self.input.sort_ids,
            &names,
            &self.factor_loadings,
            &self.flags,
            &participants,
        ));
        self.participants = Some(participants);
        self.describe();
    }

    /// Records the evidence on which the number of factors was chosen (when qstudy chose it)
    /// and words the methods again.
    pub fn set_retention(&mut self, retention: Option<RetentionEvidence>) {
        self.retention = retention;
        self.describe();
    }

    /// Words what the results record: `methods_text`, `methods_references` and
    /// `reporting_checklist` ([`crate::methods`]), from the rest of the results.
    pub fn describe(&mut self) {
        let (text, references) = crate::methods::methods(self);
        self.methods_text = text;
        self.methods_references = references;
        self.reporting_checklist = crate::methods::reporting_checklist(self);
    }

    /// [`AnalysisResults::describe`], by value.
    fn described(mut self) -> Self {
        self.describe();
        self
    }
}

#[cfg(test)]
mod tests;

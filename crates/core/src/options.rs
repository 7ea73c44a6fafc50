//! The options of an analysis: [`AnalysisOptions`], with the defaults of `docs/methods.md` in
//! one [`Default`] impl, their checks (all made before any computation) and the requests each
//! stage is given.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::correlate::Correlation;
use crate::data::Study;
use crate::error::AnalysisError;
use crate::extract::{self, ExtractRequest, ExtractSettings, Extraction, HorstOptions};
use crate::flag::{self, FlaggingOptions};
use crate::numerics::Numerics;
use crate::rotate::{self, Orientation, RotateRequest, Rotation, RotationStep, VarimaxMethod};

/// Largest `n` for which the `n x n` correlation matrix is written by default.
pub const CORRELATION_OUTPUT_LIMIT: usize = 2000;

/// Every choice of an analysis, with the defaults of `docs/methods.md`.
///
/// ```
/// use qstudy_core::options::AnalysisOptions;
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
    pub factor_names: BTreeMap<String, String>,
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
            factor_names: BTreeMap::new(),
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

impl AnalysisOptions {
    /// Checks every option against the study before any computation: the Horst settings, the
    /// number of factors (at least 1, at most `min(n, m) - 1`), `extract`, the split factors,
    /// the factor names, the judgmental rotation steps, the inverted factors, the flagging p
    /// level and every manual flag's sort and factor. Only what depends on the data (too few
    /// factors extracted, a Heywood case among the defining sorts) is found later.
    ///
    /// ```
    /// use qstudy_core::{SortTable, validate::{validate, ValidationOptions}};
    /// use qstudy_core::{AnalysisError, options::AnalysisOptions};
    /// let table = SortTable {
    ///     sort_ids: vec!["A".into(), "B".into(), "C".into()],
    ///     statement_labels: None,
    ///     values: vec![vec![-1, 0, 0, 1], vec![0, -1, 1, 0], vec![1, 0, 0, -1]],
    /// };
    /// let study = validate(&table, &ValidationOptions::default()).unwrap();
    /// let mut o = AnalysisOptions { factors: 2, ..Default::default() };
    /// assert!(o.validate(&study).is_ok());
    /// o.flagging.invert = vec![3];
    /// assert!(matches!(o.validate(&study), Err(AnalysisError::UnknownFactor { .. })));
    /// ```
    pub fn validate(&self, study: &Study) -> Result<(), AnalysisError> {
        let (n, m, k) = (study.n_sorts(), study.n_statements(), self.factors);
        self.check_for(n)?;
        if k == 0 {
            return Err(AnalysisError::NoFactors);
        }
        let max = n.min(m) - 1;
        if k > max {
            return Err(AnalysisError::TooManyFactors {
                asked: k,
                n,
                m,
                max,
            });
        }
        if self.extract == Some(0) {
            return Err(AnalysisError::NoExtraction);
        }
        let columns = flag::factor_columns(k, &self.flagging.split)?;
        if let Some(unknown) = self
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
        rotate::check_steps(&self.rotation_steps, k)?;
        rotate::check_invert(&self.flagging.invert, k)?;
        flag::check(&self.flagging, study.sort_ids(), k)
    }

    /// What the extraction stage is asked for.
    pub fn extract_request(&self) -> ExtractRequest {
        ExtractRequest {
            method: self.extraction,
            extract: self.extract,
            keep: self.factors,
            settings: self.extract_settings(),
        }
    }

    /// What the rotation stage is asked for.
    pub fn rotate_request(&self) -> RotateRequest<'_> {
        RotateRequest {
            rotation: self.rotation,
            method: self.varimax_method(),
            orientation: self.orientation(),
            steps: &self.rotation_steps,
            invert: &self.flagging.invert,
        }
    }
}

//! The extraction stage of an analysis: how many factors to extract, the call, and the
//! warnings it gives rise to.

use crate::correlate::SortCorrelation;
use crate::error::AnalysisError;
use crate::warning::Warning;

use super::{ExtractSettings, Extracted, Extraction, HorstOptions, extract_persons_with};

/// What the extraction stage is asked for.
///
/// ```
/// use qstudy_core::extract::{ExtractRequest, Extraction};
/// let r = ExtractRequest { method: Extraction::Centroid, extract: None, keep: 3, settings: Default::default() };
/// assert_eq!(r.asked(), 7); // PQMethod's seven centroid factors
/// assert_eq!(r.count(10, 5), 4); // capped by the data: min(n, m - 1)
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ExtractRequest {
    /// Extraction method.
    pub method: Extraction,
    /// Factors to extract when given.
    pub extract: Option<usize>,
    /// Factors to keep and rotate afterwards.
    pub keep: usize,
    /// Centroid convention and Horst settings.
    pub settings: ExtractSettings,
}

impl ExtractRequest {
    /// Factors to extract before the data's cap: the explicit count, else the kept factors for
    /// Horst, else the method's default count (at least the kept factors).
    pub fn asked(&self) -> usize {
        match (self.extract, self.method) {
            (Some(e), _) => e,
            (None, Extraction::Horst) => self.keep,
            (None, e) => e.default_count().max(self.keep),
        }
    }

    /// Factors actually asked of the extraction for `n` sorts of `m` statements.
    pub fn count(&self, n: usize, m: usize) -> usize {
        self.asked().min(n.min(m.saturating_sub(1)))
    }
}

/// The output of the extraction stage.
#[derive(Debug, Clone, PartialEq)]
pub struct ExtractStage {
    /// The unrotated factors.
    pub extracted: Extracted,
    /// Factors that were to be extracted ([`ExtractRequest::asked`]).
    pub asked: usize,
    /// Whether the count was given explicitly.
    pub explicit: bool,
    /// Statements of the study (for the warnings).
    pub statements: usize,
    /// The Horst settings used.
    pub horst: HorstOptions,
}

/// Runs the extraction stage on the correlation between persons of a study of `m` statements.
///
/// ```
/// use ndarray::array;
/// use qstudy_core::correlate::{Correlation, CorrelationForm, SortCorrelation};
/// use qstudy_core::extract::{self, ExtractRequest, Extraction};
/// let x = array![[1.0, 2.0, 3.0, 4.0, 5.0], [2.0, 1.0, 3.0, 5.0, 4.0],
///                [5.0, 4.0, 3.0, 1.0, 2.0], [1.0, 3.0, 2.0, 4.0, 5.0]];
/// let persons = SortCorrelation::new(&x, Correlation::Pearson, CorrelationForm::Auto);
/// let request = ExtractRequest { method: Extraction::Pca, extract: None, keep: 2, settings: Default::default() };
/// let stage = extract::run(&persons, 5, &request);
/// assert_eq!(stage.extracted.loadings.ncols(), 4); // 8 asked, 4 possible
/// assert!(stage.check_keep(2).is_ok());
/// ```
pub fn run(persons: &SortCorrelation, m: usize, request: &ExtractRequest) -> ExtractStage {
    let extracted = extract_persons_with(
        persons,
        request.method,
        request.count(persons.n(), m),
        &request.settings,
    );
    ExtractStage {
        extracted,
        asked: request.asked(),
        explicit: request.extract.is_some(),
        statements: m,
        horst: request.settings.horst,
    }
}

impl ExtractStage {
    /// Factors extracted.
    pub fn count(&self) -> usize {
        self.extracted.loadings.ncols()
    }

    /// Checks that `keep` factors can be kept: an error when fewer were extracted.
    pub fn check_keep(&self, keep: usize) -> Result<(), AnalysisError> {
        let extracted = self.count();
        if extracted >= keep {
            return Ok(());
        }
        Err(AnalysisError::TooFewExtracted {
            factors: keep,
            extracted,
            shortfall: self.extracted.shortfall.clone(),
            explicit: self.explicit,
        })
    }

    /// The warnings of the extraction: Horst without convergence, fewer factors than asked,
    /// centroid Heywood cases (sorts named by `sort_ids`), and, among the `kept` first
    /// factors (a later centroid factor does not change an earlier one), reflections decided
    /// by a near-tie and the exact ties that corrupt qmethod's own centroid.
    pub fn warnings(&self, sort_ids: &[String], kept: usize) -> Vec<Warning> {
        let mut warnings = Vec::new();
        if let Some(run) = self.extracted.horst
            && !run.converged
        {
            warnings.push(Warning::HorstNotConverged {
                iterations: self.horst.iterations,
                threshold: self.horst.threshold,
            });
        }
        let (asked, extracted) = (self.asked, self.count());
        if extracted < asked {
            warnings.push(Warning::FewerExtracted {
                asked,
                extracted,
                sorts: self.extracted.loadings.nrows(),
                statements: self.statements,
                shortfall: self.extracted.shortfall.clone(),
            });
        }
        for &(f, i) in &self.extracted.capped {
            warnings.push(Warning::CentroidHeywood {
                factor: f + 1,
                sort: sort_ids[i].clone(),
            });
        }
        let id = |i: usize| sort_ids.get(i).cloned().unwrap_or_default();
        for (f, sorts) in self.extracted.exact_ties.iter().filter(|t| t.0 < kept) {
            warnings.push(Warning::QmethodCentroidTie {
                factor: f + 1,
                sorts: sorts.iter().map(|&i| id(i)).collect(),
            });
        }
        for t in self.extracted.near_ties.iter().filter(|t| t.factor < kept) {
            warnings.push(Warning::CentroidNearTie {
                factor: t.factor + 1,
                chosen: id(t.chosen),
                other: id(t.other),
                margin: t.margin,
            });
        }
        warnings
    }
}

//! The choices of a workbench session, as the page sends them (JSON), and their translation to
//! the engine's [`AnalysisOptions`] and to a study's `[analysis]` keys.

use std::collections::BTreeMap;

use qstudy_core::analysis::AnalysisOptions;
use qstudy_core::options::OptionLayer;
use qstudy_core::{
    Compatibility, Correlation, Extraction, FlagEdit, Rotation, RotationStep, VarimaxMethod,
};
use qstudy_io::AnalysisDefaults;
use serde::{Deserialize, Serialize};

/// Every choice the page makes, in the page's JSON: what `study.toml`'s `[analysis]` and
/// `[factor_names]` hold once saved.
///
/// ```
/// let o: qstudy_serve::PageOptions =
///     serde_json::from_str(r#"{"factors": 4, "steps": [[1, 2, 5.0]], "flags": [["C13", "F1"]]}"#).unwrap();
/// let a = o.analysis_options();
/// assert_eq!(a.factors, 4);
/// assert_eq!(a.rotation_steps[0].degrees, 5.0);
/// assert_eq!(a.flagging.flags[0].sort, "C13");
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PageOptions {
    /// `pqmethod` or `qmethod`.
    pub numerics: Compatibility,
    /// `pearson`, `spearman` or `kendall`.
    pub correlation: Correlation,
    /// `centroid`, `pca` or `horst`.
    pub method: Extraction,
    /// Factors extracted (`None`: the method's default).
    pub extract: Option<usize>,
    /// Factors kept (0: not chosen yet).
    pub factors: usize,
    /// `varimax` or `none`.
    pub rotation: Rotation,
    /// Expert override of the profile's varimax (kept from a study, not shown).
    pub varimax: Option<VarimaxMethod>,
    /// Horst 5.5 iterations (kept from a study).
    pub horst_iterations: Option<usize>,
    /// Horst 5.5 threshold (kept from a study).
    pub horst_threshold: Option<f64>,
    /// Judgmental rotation steps `[a, b, degrees]` (1-based factors), in order.
    pub steps: Vec<(usize, usize, f64)>,
    /// Significance level of automatic flagging.
    pub flag_p: f64,
    /// Majority-of-common-variance rule.
    pub majority: bool,
    /// Automatic flagging on.
    pub automatic: bool,
    /// Manual flags `[sort id, factor]` (`F1`, `F2a`...).
    pub flags: Vec<(String, String)>,
    /// Manual unflags `[sort id, factor]`.
    pub unflags: Vec<(String, String)>,
    /// Inverted factors (1-based).
    pub invert: Vec<usize>,
    /// Split factors (1-based).
    pub split: Vec<usize>,
    /// Factor names (`F1` -> name).
    pub names: BTreeMap<String, String>,
}

impl Default for PageOptions {
    fn default() -> Self {
        let a = AnalysisOptions::default();
        PageOptions {
            numerics: a.numerics,
            correlation: a.correlation,
            method: a.extraction,
            extract: None,
            factors: 0,
            rotation: a.rotation,
            varimax: None,
            horst_iterations: None,
            horst_threshold: None,
            steps: Vec::new(),
            flag_p: a.flagging.p,
            majority: a.flagging.majority,
            automatic: a.flagging.automatic,
            flags: Vec::new(),
            unflags: Vec::new(),
            invert: Vec::new(),
            split: Vec::new(),
            names: BTreeMap::new(),
        }
    }
}

fn edits(list: &[(String, String)]) -> Vec<FlagEdit> {
    list.iter()
        .map(|(sort, factor)| FlagEdit {
            sort: sort.clone(),
            factor: factor.clone(),
        })
        .collect()
}

impl PageOptions {
    /// These choices as one layer of options (what the command line or a study's `[analysis]`
    /// and `[factor_names]` would give).
    pub fn layer(&self) -> OptionLayer {
        OptionLayer {
            numerics: Some(self.numerics),
            method: Some(self.method),
            horst_iterations: self.horst_iterations,
            horst_threshold: self.horst_threshold,
            extract: self.extract,
            factors: (self.factors > 0).then_some(self.factors),
            rotation: Some(self.rotation),
            varimax: self.varimax,
            rotate: self
                .steps
                .iter()
                .map(|&(a, b, degrees)| RotationStep { a, b, degrees })
                .collect(),
            correlation: Some(self.correlation),
            flag_p: Some(self.flag_p),
            flag_majority: Some(self.majority),
            flag: edits(&self.flags),
            unflag: edits(&self.unflags),
            invert: self.invert.clone(),
            split: self.split.clone(),
            auto_flag: Some(self.automatic),
            factor_names: self.names.clone(),
            // Options the page does not set (e.g. keep_correlation) come from the defaults.
            ..Default::default()
        }
    }

    /// The engine's options for these choices (the defaults of [`AnalysisOptions::default`] for
    /// the rest).
    pub fn analysis_options(&self) -> AnalysisOptions {
        self.layer().resolve()
    }
}

/// The study's `[analysis]` keys <-> the session's choices: the only code of the workbench that
/// knows how `study.toml` spells rotation steps (`"A,B,DEG"`) and flags (`"ID=F"`).
/// `to_study` gives what a saved study holds; `from_study` the session a study starts with (an
/// error names the key that does not parse).
///
/// ```
/// use qstudy_serve::{PageOptions, options::study_keys};
/// let o = PageOptions { factors: 4, steps: vec![(1, 2, 5.0)], flags: vec![("C13".into(), "F1".into())], ..Default::default() };
/// let d = study_keys::to_study(&o);
/// assert_eq!(d.rotate[0].to_string(), "1,2,5");
/// assert_eq!(d.flag[0].to_string(), "C13=F1");
/// assert_eq!(study_keys::from_study(&d, &Default::default()), o);
/// ```
pub mod study_keys {
    use super::*;

    /// The `[analysis]` keys holding every choice of `o` (factor names go to `[factor_names]`).
    pub fn to_study(o: &PageOptions) -> AnalysisDefaults {
        o.layer()
    }

    /// The session a study's defaults and factor names start (the built-in defaults for what
    /// they do not give).
    pub fn from_study(d: &AnalysisDefaults, names: &BTreeMap<String, String>) -> PageOptions {
        let base = PageOptions::default();
        let pairs = |list: &[FlagEdit]| {
            list.iter()
                .map(|e| (e.sort.clone(), e.factor.clone()))
                .collect::<Vec<_>>()
        };
        PageOptions {
            numerics: d.numerics.unwrap_or(base.numerics),
            correlation: d.correlation.unwrap_or(base.correlation),
            method: d.method.unwrap_or(base.method),
            extract: d.extract,
            factors: d.factors.unwrap_or(0),
            rotation: d.rotation.unwrap_or(base.rotation),
            varimax: d.varimax,
            horst_iterations: d.horst_iterations,
            horst_threshold: d.horst_threshold,
            steps: d.rotate.iter().map(|r| (r.a, r.b, r.degrees)).collect(),
            flag_p: d.flag_p.unwrap_or(base.flag_p),
            majority: d.flag_majority.unwrap_or(base.majority),
            automatic: d.auto_flag.unwrap_or(base.automatic),
            flags: pairs(&d.flag),
            unflags: pairs(&d.unflag),
            invert: d.invert.clone(),
            split: d.split.clone(),
            names: names.clone(),
        }
    }
}

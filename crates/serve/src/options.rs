//! The page's choices: the same [`OptionLayer`] as the command line's flags and a study's
//! `[analysis]` and `[factor_names]`, in the same spelling (its JSON is the page's wire
//! format), and the list of the choices each control offers, which the page reads from the
//! server instead of repeating it.

use qstudy_app::analysis::{Input, Layers};
use qstudy_core::options::OptionLayer;
use qstudy_core::{Compatibility, Correlation, Extraction, Rotation};
use serde::Serialize;

/// What the page's controls offer: for each option with a fixed set of values, the values, in
/// the order shown.
///
/// ```
/// let fields = qstudy_serve::options::fields();
/// assert_eq!(fields.method, ["centroid", "pca", "horst"]);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Fields {
    /// `numerics`: whose numbers to reproduce.
    pub numerics: Vec<&'static str>,
    /// `correlation`.
    pub correlation: Vec<&'static str>,
    /// `method`: the extraction.
    pub method: Vec<&'static str>,
    /// `rotation`: the analytic rotation.
    pub rotation: Vec<&'static str>,
}

/// The values each control of the page offers.
pub fn fields() -> Fields {
    Fields {
        numerics: [Compatibility::Pqmethod, Compatibility::Qmethod]
            .map(|v| v.as_str())
            .to_vec(),
        correlation: [
            Correlation::Pearson,
            Correlation::Spearman,
            Correlation::Kendall,
        ]
        .map(|v| v.as_str())
        .to_vec(),
        method: [Extraction::Centroid, Extraction::Pca, Extraction::Horst]
            .map(|v| v.as_str())
            .to_vec(),
        rotation: [Rotation::Varimax, Rotation::None]
            .map(|v| v.as_str())
            .to_vec(),
    }
}

/// The choices a session on `input` starts from: its study's `[analysis]` and
/// `[factor_names]` (or nothing) over the defaults, every option given, so that each control
/// shows a value.
///
/// ```no_run
/// # fn f(input: &qstudy_app::analysis::Input) {
/// let start = qstudy_serve::options::starting(input);
/// assert_eq!(start.flag_p, Some(0.05));
/// # }
/// ```
pub fn starting(input: &Input) -> OptionLayer {
    OptionLayer::of(&input.options(&OptionLayer::default(), Layers::OverStudy))
}

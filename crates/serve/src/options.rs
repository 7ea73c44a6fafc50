//! The page's choices: the same [`OptionLayer`] as the command line's flags and a study's
//! `[analysis]` and `[factor_names]`, in the same spelling (its JSON is the page's wire
//! format), and the list of the choices each control offers, which the page reads from the
//! server instead of repeating it.

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

/// The choices a session starts from: every option as `layer` (a study's `[analysis]` and
/// `[factor_names]`, or nothing) resolves it over the defaults, given in full, so that each
/// control shows a value.
///
/// ```
/// use qstudy_core::options::OptionLayer;
/// let start = qstudy_serve::options::starting(&OptionLayer { factors: Some(4), ..Default::default() });
/// assert_eq!((start.factors, start.flag_p), (Some(4), Some(0.05)));
/// ```
pub fn starting(layer: &OptionLayer) -> OptionLayer {
    OptionLayer::of(&layer.resolve())
}

//! The options of an analysis: [`AnalysisOptions`], with the defaults of `docs/methods.md` in
//! one [`Default`] impl, their checks (all made before any computation) and the requests each
//! stage is given.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::correlate::Correlation;
use crate::data::Study;
use crate::error::{AnalysisError, Given};
use crate::extract::{self, ExtractRequest, ExtractSettings, Extraction, HorstOptions};
use crate::flag::{self, FlagEdit, FlaggingOptions};
use crate::numerics::Compatibility;
use crate::rotate::{self, Orientation, RotateRequest, Rotation, RotationStep, VarimaxMethod};
use crate::select::{Condition, Selection};

mod fit;

pub use fit::{Dropped, Gone};

/// The statement text sizes a composite figure accepts, in pixels at the reference width of
/// 1600 (scaled with the figure's width).
pub const FIGURE_FONT_SIZES: std::ops::RangeInclusive<f64> = 6.0..=40.0;
/// The card widths a composite figure accepts, in pixels at the reference width of 1600.
pub const FIGURE_CARD_WIDTHS: std::ops::RangeInclusive<u32> = 40..=1000;

/// How the composite sorts are drawn (`--figure-font-size`, `--figure-card-width`,
/// `--figure-numbers-only`, `--no-figure-legend`): no number depends on them. The defaults draw
/// the figures as they always were.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FigureSettings {
    /// Statement text size in pixels at the reference width (`None`: 13.5, or 12.5 on narrow
    /// cards).
    pub font_size: Option<f64>,
    /// Card width in pixels at the reference width (`None`: the figure's width shared by the
    /// columns); the figure is then as wide as its columns.
    pub card_width: Option<u32>,
    /// Cards show statement numbers only (no text).
    pub numbers_only: bool,
    /// The key to the cards' marks under the grid.
    pub legend: bool,
}

impl Default for FigureSettings {
    fn default() -> Self {
        FigureSettings {
            font_size: None,
            card_width: None,
            numbers_only: false,
            legend: true,
        }
    }
}

impl FigureSettings {
    /// Checks the sizes: a clear one-line error when one is out of range.
    pub fn check(&self) -> Result<(), AnalysisError> {
        if let Some(v) = self.font_size
            && !FIGURE_FONT_SIZES.contains(&v)
        {
            return Err(AnalysisError::BadFigureFontSize(v));
        }
        if let Some(v) = self.card_width
            && !FIGURE_CARD_WIDTHS.contains(&v)
        {
            return Err(AnalysisError::BadFigureCardWidth(v));
        }
        Ok(())
    }
}

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
    /// Which sorts are analysed: those left out by id, by attribute or as incomplete
    /// ([`crate::select`]; applied to the table as read, before the data checks).
    pub selection: Selection,
    /// Whose conventions the numbers follow (PQMethod/KADE or qmethod).
    pub numerics: Compatibility,
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
    /// Factors (1-based) whose loadings are negated after the rotation (before flagging).
    pub invert: Vec<usize>,
    /// Flagging of defining sorts.
    pub flagging: FlaggingOptions,
    /// Write the correlation matrix even when `n` exceeds [`CORRELATION_OUTPUT_LIMIT`].
    pub keep_correlation: bool,
    /// Names given to factors after interpretation, by factor name (`F1`, `F2a`, ...), e.g.
    /// `F1` -> "settled accommodation". A name for a split factor (`F1` when `F1` is split)
    /// names its halves `NAME (a)` and `NAME (b)`, unless a half has a name of its own
    /// ([`crate::flag::FactorColumn::label`]).
    pub factor_names: BTreeMap<String, String>,
    /// How the composite figures are drawn (no number depends on it).
    pub figures: FigureSettings,
}

impl Default for AnalysisOptions {
    fn default() -> Self {
        AnalysisOptions {
            selection: Selection::default(),
            numerics: Compatibility::Pqmethod,
            correlation: Correlation::Pearson,
            extraction: Extraction::Centroid,
            extract: None,
            factors: 0,
            rotation: Rotation::Varimax,
            varimax: None,
            horst: HorstOptions::default(),
            rotation_steps: Vec::new(),
            invert: Vec::new(),
            flagging: FlaggingOptions::default(),
            keep_correlation: false,
            factor_names: BTreeMap::new(),
            figures: FigureSettings::default(),
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
            return Err(AnalysisError::HorstTooManySorts {
                sorts: n,
                max: extract::HORST_MAX_SORTS,
            });
        }
        self.check()
    }

    /// Checks the Horst settings: a clear one-line error when they make no sense.
    pub fn check(&self) -> Result<(), AnalysisError> {
        if self.horst.iterations == 0 {
            return Err(AnalysisError::NoHorstIterations);
        }
        if !(self.horst.threshold.is_finite() && self.horst.threshold > 0.0) {
            return Err(AnalysisError::BadHorstThreshold(self.horst.threshold));
        }
        self.figures.check()
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
    ///     missing: Vec::new(),
    ///     sort_ids: vec!["A".into(), "B".into(), "C".into()],
    ///     statement_labels: None,
    ///     values: vec![vec![-1, 0, 0, 1], vec![0, -1, 1, 0], vec![1, 0, 0, -1]],
    /// };
    /// let study = validate(&table, &ValidationOptions::default()).unwrap();
    /// let mut o = AnalysisOptions { factors: 2, ..Default::default() };
    /// assert!(o.validate(&study).is_ok());
    /// o.invert = vec![3];
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
            .find(|name| !flag::names_a_factor(&columns, name))
        {
            return Err(AnalysisError::UnknownFactor {
                context: Given::FactorName,
                factor: unknown.clone(),
                valid: columns
                    .iter()
                    .map(|c| c.name.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
            });
        }
        rotate::check_steps(&self.rotation_steps, k)?;
        rotate::check_invert(&self.invert, k)?;
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
            invert: &self.invert,
        }
    }
}

/// How one field of an [`OptionLayer`] is given, merged and applied.
trait Layered: Sized {
    /// The value applied to the options when the field is given.
    type Value;
    /// This layer's field over the `lower` one.
    fn over(self, lower: Self) -> Self;
    /// The value, when the field is given.
    fn given(&self) -> Option<Self::Value>;
}

/// A single value: given or not.
impl<T: Clone> Layered for Option<T> {
    type Value = T;
    fn over(self, lower: Self) -> Self {
        self.or(lower)
    }
    fn given(&self) -> Option<T> {
        self.clone()
    }
}

/// A list: given when not empty, and then replacing the lower layer's list whole.
impl<T: Clone> Layered for Vec<T> {
    type Value = Vec<T>;
    fn over(self, lower: Self) -> Self {
        if self.is_empty() { lower } else { self }
    }
    fn given(&self) -> Option<Vec<T>> {
        (!self.is_empty()).then(|| self.clone())
    }
}

/// A map: this layer's entries added to (and replacing those of) the lower layer's.
impl<T: Clone> Layered for BTreeMap<String, T> {
    type Value = BTreeMap<String, T>;
    fn over(self, lower: Self) -> Self {
        let mut merged = lower;
        merged.extend(self);
        merged
    }
    fn given(&self) -> Option<Self::Value> {
        (!self.is_empty()).then(|| self.clone())
    }
}

/// Declares [`OptionLayer`] from one list of fields: each field's declaration (its serde
/// attributes give its study.toml key) and how its value is applied to [`AnalysisOptions`].
macro_rules! option_layer {
    ($(
        $(#[$attr:meta])*
        $field:ident: $ty:ty => |$o:ident, $v:ident| $apply:expr, |$g:ident| $get:expr;
    )*) => {
        /// One layer of analysis options, every field optional: the `[analysis]` table of a
        /// study's `study.toml` (same keys, in this order) or the command line. Layers are
        /// merged with [`OptionLayer::over`] and applied to the defaults of
        /// [`AnalysisOptions::default`] by [`OptionLayer::resolve`]: a default is written once,
        /// there. Rotation steps and manual flags are typed, read from and written as the
        /// strings `"A,B,DEG"` and `"ID=F"`.
        ///
        /// ```
        /// use qstudy_core::options::{AnalysisOptions, OptionLayer};
        /// use qstudy_core::{Extraction, RotationStep};
        /// let study = OptionLayer { factors: Some(3), method: Some(Extraction::Pca), ..Default::default() };
        /// let cli = OptionLayer { factors: Some(2), rotate: vec!["1,2,15".parse().unwrap()], ..Default::default() };
        /// let o: AnalysisOptions = cli.over(study).resolve();
        /// assert_eq!((o.factors, o.extraction), (2, Extraction::Pca));
        /// assert_eq!(o.rotation_steps, [RotationStep { a: 1, b: 2, degrees: 15.0 }]);
        /// assert_eq!(o.flagging.p, AnalysisOptions::default().flagging.p);
        /// ```
        #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
        #[cfg_attr(feature = "clap", derive(clap::Args))]
        #[serde(deny_unknown_fields)]
        pub struct OptionLayer {
            $( $(#[$attr])* pub $field: $ty, )*
        }

        impl OptionLayer {
            /// This layer over `lower`: each field of this layer when given, else `lower`'s.
            pub fn over(self, lower: OptionLayer) -> OptionLayer {
                OptionLayer { $( $field: Layered::over(self.$field, lower.$field), )* }
            }

            /// Every field given, as `options` has it (the number of factors only when chosen,
            /// the Horst settings only with that method):
            /// the layer that [`OptionLayer::resolve`]s to `options`. What the workbench's page
            /// starts from and sends back.
            pub fn of(options: &AnalysisOptions) -> OptionLayer {
                OptionLayer { $( $field: { let $g = options; $get }, )* }
            }

            /// Writes the fields given onto `options`.
            pub fn apply(&self, options: &mut AnalysisOptions) {
                $(
                    if let Some($v) = Layered::given(&self.$field) {
                        let $o = &mut *options;
                        $apply;
                    }
                )*
            }
        }
    };
}

option_layer! {
    /// Leave out the sorts with these ids (comma-separated, repeatable; replaces the study's
    /// list), e.g. a participant's second submission or a test run.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "clap", arg(long = "exclude", value_name = "ID,...", value_delimiter = ','))]
    exclude: Vec<String> => |o, v| o.selection.exclude = v, |o| o.selection.exclude.clone();
    /// Analyse only the sorts whose participant attribute ATTR has one of the values
    /// (repeatable: every condition must hold; replaces the study's), e.g. role=officer.
    #[serde(default, rename = "where", skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "clap", arg(long = "where", value_name = "ATTR=VALUE[,VALUE]"))]
    where_: Vec<Condition> => |o, v| o.selection.conditions = v, |o| o.selection.conditions.clone();
    /// Leave incomplete sorts (a cell without a value) out of the analysis, with a warning,
    /// instead of refusing the input (study.toml: `drop_incomplete = true`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "clap", arg(long = "drop-incomplete", num_args = 0, default_missing_value = "true"))]
    drop_incomplete: Option<bool> => |o, v| o.selection.drop_incomplete = v, |o| o.selection.drop_incomplete.then_some(true);
    /// Whose numbers to reproduce: pqmethod (PQMethod/KADE/Ken-Q) or qmethod (R qmethod 1.8.4):
    /// centroid, varimax, factor signs and order follow that program [default: pqmethod, or
    /// the study's].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "clap", arg(long, value_name = "pqmethod|qmethod"))]
    numerics: Option<Compatibility> => |o, v| o.numerics = v, |o| Some(o.numerics);
    /// Factor extraction method: centroid, pca or horst (PQMethod's Horst 5.5 centroid)
    /// [default: centroid, or the study's].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "clap", arg(long, value_name = "centroid|pca|horst"))]
    method: Option<Extraction> => |o, v| o.extraction = v, |o| Some(o.extraction);
    /// Horst 5.5: largest number of iterations [default: 30, as PQMethod].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "clap", arg(long, value_name = "N"))]
    horst_iterations: Option<usize> => |o, v| o.horst.iterations = v, |o| (o.extraction == Extraction::Horst).then_some(o.horst.iterations);
    /// Horst 5.5: convergence threshold on the communality estimates [default: 0.0001].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "clap", arg(long, value_name = "T"))]
    horst_threshold: Option<f64> => |o, v| o.horst.threshold = v, |o| (o.extraction == Extraction::Horst).then_some(o.horst.threshold);
    /// Number of factors to extract (default: 7 centroid, 8 PCA, the kept factors for Horst;
    /// capped by the data).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "clap", arg(long, value_name = "N"))]
    extract: Option<usize> => |o, v| o.extract = Some(v), |o| o.extract;
    /// Number of factors to keep, rotate and interpret (required unless the study gives it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "clap", arg(long, value_name = "K"))]
    factors: Option<usize> => |o, v| o.factors = v, |o| (o.factors > 0).then_some(o.factors);
    /// Analytic rotation [default: varimax, or the study's].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "clap", arg(long, value_name = "varimax|none"))]
    rotation: Option<Rotation> => |o, v| o.rotation = v, |o| Some(o.rotation);
    /// Expert override of the profile's varimax: pqmethod (PQMethod's QVARIMAX), svd (R's
    /// stats::varimax, as qmethod) or pairwise (Kaiser's pairwise rotations to full
    /// convergence) [default: the numerics profile's].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "clap", arg(long, value_name = "pqmethod|svd|pairwise"))]
    varimax: Option<VarimaxMethod> => |o, v| o.varimax = Some(v), |o| o.varimax;
    /// Judgmental rotation step A,B,DEGREES after the analytic rotation (repeatable, in order;
    /// replaces the study's steps).
    #[serde(default, skip_serializing_if = "Vec::is_empty", with = "as_text")]
    #[cfg_attr(feature = "clap", arg(long = "rotate", value_name = "A,B,DEG", allow_hyphen_values = true))]
    rotate: Vec<RotationStep> => |o, v| o.rotation_steps = v, |o| o.rotation_steps.clone();
    /// Correlation between sorts [default: pearson].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "clap", arg(long, value_name = "pearson|spearman|kendall"))]
    correlation: Option<Correlation> => |o, v| o.correlation = v, |o| Some(o.correlation);
    /// Significance level of automatic flagging [default: 0.05].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "clap", arg(long, value_name = "P"))]
    flag_p: Option<f64> => |o, v| o.flagging.p = v, |o| Some(o.flagging.p);
    /// Drop the majority-of-common-variance rule of automatic flagging (study.toml:
    /// `flag_majority = false`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "clap", arg(long = "no-majority", num_args = 0, default_missing_value = "false"))]
    flag_majority: Option<bool> => |o, v| o.flagging.majority = v, |o| Some(o.flagging.majority);
    /// Flag sort ID on factor F by hand (repeatable), e.g. US3=2 or P07=F1b.
    #[serde(default, skip_serializing_if = "Vec::is_empty", with = "as_text")]
    #[cfg_attr(feature = "clap", arg(long = "flag", value_name = "ID=F"))]
    flag: Vec<FlagEdit> => |o, v| o.flagging.flags = v, |o| o.flagging.flags.clone();
    /// Remove a flag of sort ID on factor F (repeatable).
    #[serde(default, skip_serializing_if = "Vec::is_empty", with = "as_text")]
    #[cfg_attr(feature = "clap", arg(long = "unflag", value_name = "ID=F"))]
    unflag: Vec<FlagEdit> => |o, v| o.flagging.unflags = v, |o| o.flagging.unflags.clone();
    /// Invert factor F (negate its loadings) before flagging (repeatable).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "clap", arg(long = "invert", value_name = "F"))]
    invert: Vec<usize> => |o, v| o.invert = v, |o| o.invert.clone();
    /// Split bipolar factor F into Fa (positive loaders) and Fb (negative loaders); F's name and
    /// the flags given for F carry to the halves (repeatable).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "clap", arg(long = "split", value_name = "F"))]
    split: Vec<usize> => |o, v| o.flagging.split = v, |o| o.flagging.split.clone();
    /// No automatic flagging: only the manual flags decide (study.toml: `auto_flag = false`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "clap", arg(long = "no-auto-flag", num_args = 0, default_missing_value = "false"))]
    auto_flag: Option<bool> => |o, v| o.flagging.automatic = v, |o| Some(o.flagging.automatic);
    /// Write the correlation matrix even for more than 2000 sorts (command line only).
    #[serde(skip)]
    #[cfg_attr(feature = "clap", arg(long = "keep-correlation", num_args = 0, default_missing_value = "true"))]
    keep_correlation: Option<bool> => |o, v| o.keep_correlation = v, |o| Some(o.keep_correlation);
    /// Composite figures: statement text size in pixels at the default width of 1600, 6-40
    /// [default: 13.5, 12.5 on narrow cards].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "clap", arg(long, value_name = "PX"))]
    figure_font_size: Option<f64> => |o, v| o.figures.font_size = Some(v), |o| o.figures.font_size;
    /// Composite figures: card width in pixels at the default width of 1600, 40-1000; the figure
    /// is as wide as its columns [default: the figure's width shared by the columns].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "clap", arg(long, value_name = "PX"))]
    figure_card_width: Option<u32> => |o, v| o.figures.card_width = Some(v), |o| o.figures.card_width;
    /// Composite figures: statement numbers only on the cards, no texts (study.toml:
    /// `figure_numbers_only = true`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "clap", arg(long = "figure-numbers-only", num_args = 0, default_missing_value = "true"))]
    figure_numbers_only: Option<bool> => |o, v| o.figures.numbers_only = v, |o| Some(o.figures.numbers_only);
    /// Composite figures: no key to the marks under the grid (study.toml: `figure_legend =
    /// false`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "clap", arg(long = "no-figure-legend", num_args = 0, default_missing_value = "false"))]
    figure_legend: Option<bool> => |o, v| o.figures.legend = v, |o| Some(o.figures.legend);
    /// Factor names after interpretation (a study's `[factor_names]`, or the command line's;
    /// a study writes them in their own table).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    #[cfg_attr(feature = "clap", arg(skip))]
    factor_names: BTreeMap<String, String> => |o, v| o.factor_names.extend(v), |o| o.factor_names.clone();
}

impl OptionLayer {
    /// The options: this layer applied to [`AnalysisOptions::default`].
    pub fn resolve(&self) -> AnalysisOptions {
        let mut options = AnalysisOptions::default();
        self.apply(&mut options);
        options
    }
}

/// (De)serialises a list of typed values as the list of their texts (`FromStr` / `Display`).
mod as_text {
    use std::fmt::Display;
    use std::str::FromStr;

    use serde::{Deserialize, Deserializer, Serializer, de::Error};

    pub fn serialize<T: Display, S: Serializer>(items: &[T], s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(items.iter().map(ToString::to_string))
    }

    pub fn deserialize<'de, T, D>(d: D) -> Result<Vec<T>, D::Error>
    where
        T: FromStr<Err = String>,
        D: Deserializer<'de>,
    {
        Vec::<String>::deserialize(d)?
            .iter()
            .map(|s| s.parse().map_err(D::Error::custom))
            .collect()
    }
}

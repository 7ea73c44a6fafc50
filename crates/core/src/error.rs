//! Typed errors of the analysis library. Every message names the sort, statement or factor
//! concerned and what was expected, in one line.

use thiserror::Error;

use crate::flag::FlagEdit;

/// A malformed grid specification (`VALUE:COUNT,...`).
#[derive(Debug, Clone, PartialEq, Error)]
pub enum GridSpecError {
    /// A part that is not `VALUE:COUNT`.
    #[error("grid part '{0}' is not VALUE:COUNT (e.g. -4:2,-3:3,...,4:2)")]
    Syntax(String),
    /// The same value given twice.
    #[error("grid value {0} is given more than once")]
    DuplicateValue(i32),
    /// No cell at all.
    #[error("the grid has no cells")]
    Empty,
}

/// A data check of section 1 of the methods failed. Sorts are named by their id, statements
/// by their number (1-based).
#[derive(Debug, Clone, PartialEq, Error)]
pub enum ValidationError {
    /// Fewer than two sorts.
    #[error("{found} sort(s) found: a Q study needs at least 2 sorts")]
    TooFewSorts { found: usize },
    /// Fewer than two statements.
    #[error("{found} statement(s) found: a Q study needs at least 2 statements")]
    TooFewStatements { found: usize },
    /// An empty participant id.
    #[error("sort number {index} has an empty id")]
    EmptyId { index: usize },
    /// The same participant id twice.
    #[error("duplicate sort id '{id}' (sorts number {first} and {second}); ids must be unique")]
    DuplicateId {
        id: String,
        first: usize,
        second: usize,
    },
    /// A sort with the wrong number of values.
    #[error("sort '{sort}' has {found} values, expected {expected} (one per statement)")]
    WrongLength {
        sort: String,
        expected: usize,
        found: usize,
    },
    /// A sort with cells that hold no value (statements 1-based, ascending).
    #[error("sort '{sort}' is incomplete: no value for {}", statement_list(.statements))]
    Incomplete {
        sort: String,
        statements: Vec<usize>,
    },
    /// Statement labels that do not match the number of statements.
    #[error("{found} statement labels given for {expected} statements")]
    LabelCount { expected: usize, found: usize },
    /// A value outside the grid's range.
    #[error(
        "sort '{sort}', statement {statement}: value {value} is off the grid (expected {min}..{max})"
    )]
    OffGrid {
        sort: String,
        statement: usize,
        value: i32,
        min: i32,
        max: i32,
    },
    /// A value inside the range that the grid has no column for.
    #[error(
        "sort '{sort}', statement {statement}: value {value} is not a column of the grid {grid}"
    )]
    NotAColumn {
        sort: String,
        statement: usize,
        value: i32,
        grid: String,
    },
    /// Every value of a sort is the same: its correlation is undefined.
    #[error(
        "sort '{sort}' has zero variance (all {m} values are {value}): its correlation with other sorts is undefined"
    )]
    ZeroVariance { sort: String, m: usize, value: i32 },
    /// A sort that breaks the forced distribution.
    #[error(
        "sort '{sort}' breaks the forced grid: column {value} holds {found} statement(s), expected {expected} (allow a free distribution to accept non-forced sorts)"
    )]
    BrokenGrid {
        sort: String,
        value: i32,
        expected: usize,
        found: usize,
    },
    /// The grid has a different number of cells than there are statements.
    #[error("the grid {grid} has {cells} cells but there are {statements} statements")]
    GridSize {
        grid: String,
        cells: usize,
        statements: usize,
    },
    /// Statement ids that are not one unique id per statement.
    #[error("statement ids: {why}")]
    StatementIds { why: String },
    /// No grid given and the sorts do not share one distribution.
    #[error(
        "no grid given and the sorts do not share one distribution (sort '{sort}' differs from sort '{first}'): give the grid (VALUE:COUNT,...)"
    )]
    GridNotInferable { sort: String, first: String },
}

/// A selection of sorts ([`crate::select::Selection`]) that cannot be applied: it names a sort,
/// an attribute or a value the input does not have, or keeps too few sorts. Options are named
/// plainly (`exclude`, `where`); each front end words them its own way.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum SelectionError {
    /// An excluded id that no sort has.
    #[error("exclude: no sort with id '{id}'")]
    UnknownSort { id: String },
    /// A condition, but the participants have no attributes.
    #[error("where {condition}: the input has no participant attributes to select sorts by")]
    NoAttributes { condition: String },
    /// A condition on an attribute no participant has.
    #[error(
        "where {condition}: no participant has the attribute '{attribute}' (attributes: {})",
        known.join(", ")
    )]
    UnknownAttribute {
        condition: String,
        attribute: String,
        known: Vec<String>,
    },
    /// A condition with a value no participant has.
    #[error(
        "where {condition}: no participant has {attribute} '{value}' (values: {})",
        known.join(", ")
    )]
    UnknownValue {
        condition: String,
        attribute: String,
        value: String,
        known: Vec<String>,
    },
    /// The selection keeps fewer than 2 sorts.
    #[error("the selection keeps {kept} of {total} sorts: a Q study needs at least 2 sorts")]
    TooFew { kept: usize, total: usize },
}

/// `statement 4` or `statements 4, 7, 12` (1-based numbers).
pub(crate) fn statement_list(statements: &[usize]) -> String {
    let numbers: Vec<String> = statements.iter().map(ToString::to_string).collect();
    match numbers.len() {
        1 => format!("statement {}", numbers[0]),
        _ => format!("statements {}", numbers.join(", ")),
    }
}

/// The options asked for something the data cannot give.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum AnalysisError {
    /// More factors asked for than the data allow.
    #[error(
        "{asked} factors asked for, but {n} sorts x {m} statements allow at most {max} (min(n, m) - 1)"
    )]
    TooManyFactors {
        asked: usize,
        n: usize,
        m: usize,
        max: usize,
    },
    /// Zero factors asked for.
    #[error("the number of factors must be at least 1")]
    NoFactors,
    /// Fewer factors extracted than are to be kept.
    #[error("{}", self.worded(&PlainWords))]
    TooFewExtracted {
        factors: usize,
        extracted: usize,
        /// Why the extraction stopped, when it says.
        shortfall: Option<String>,
        /// Whether the number of factors to extract was given (and is the cause).
        explicit: bool,
    },
    /// Zero factors to extract.
    #[error("the number of factors to extract must be at least 1")]
    NoExtraction,
    /// A factor reference (in a rotation step, a flag edit, the inverted or split factors, the
    /// factor names) that is not a factor.
    #[error("{}", self.worded(&PlainWords))]
    UnknownFactor {
        context: Given,
        factor: String,
        valid: String,
    },
    /// A sort id (in a flag edit) that is not in the data.
    #[error("{}", self.worded(&PlainWords))]
    UnknownSort { context: Given, id: String },
    /// A judgmental rotation step that rotates a factor with itself.
    #[error("rotation step {step}: factors a and b must differ (got {a},{b})")]
    SameFactorRotation { step: usize, a: usize, b: usize },
    /// A non-finite angle.
    #[error("rotation step {step}: the angle must be a finite number of degrees")]
    BadAngle { step: usize },
    /// A flag p level outside (0, 1).
    #[error("flag p level {0} is not in (0, 1)")]
    BadFlagP(f64),
    /// Horst extraction asked for more sorts than its `n x n` matrix allows.
    #[error("{}", self.worded(&PlainWords))]
    HorstTooManySorts { sorts: usize, max: usize },
    /// Zero Horst iterations.
    #[error("{}", self.worded(&PlainWords))]
    NoHorstIterations,
    /// A Horst threshold that is not a positive number.
    #[error("{}", self.worded(&PlainWords))]
    BadHorstThreshold(f64),
    /// A composite figure's statement text size outside [`crate::options::FIGURE_FONT_SIZES`].
    #[error("{}", self.worded(&PlainWords))]
    BadFigureFontSize(f64),
    /// A composite figure's card width outside [`crate::options::FIGURE_CARD_WIDTHS`].
    #[error("{}", self.worded(&PlainWords))]
    BadFigureCardWidth(u32),
    /// A defining sort with |loading| >= 1, whose weight f/(1-f^2) is undefined.
    #[error("{}", self.worded(&PlainWords))]
    Heywood {
        sort: String,
        factor: String,
        loading: f64,
    },
    /// A factor split twice or split and named inconsistently.
    #[error("factor {0} is split more than once")]
    DuplicateSplit(usize),
}

/// Where a factor or sort named in the options was given, for an error about it.
#[derive(Debug, Clone, PartialEq)]
pub enum Given {
    /// A name given to a factor after interpretation.
    FactorName,
    /// Judgmental rotation step number `number` (1-based): factors `a` and `b`, `degrees`.
    RotationStep {
        number: usize,
        a: usize,
        b: usize,
        degrees: f64,
    },
    /// The factors to invert.
    Invert,
    /// The factors to split.
    Split,
    /// A flag added by hand.
    Flag(FlagEdit),
    /// A flag removed by hand.
    Unflag(FlagEdit),
}

impl std::fmt::Display for Given {
    /// The option in plain words, e.g. `manual flag US3=2`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Given::FactorName => f.write_str("factor name"),
            Given::RotationStep {
                number,
                a,
                b,
                degrees,
            } => write!(f, "rotation step {number} ({a},{b},{degrees})"),
            Given::Invert => f.write_str("inverted factors"),
            Given::Split => f.write_str("split factors"),
            Given::Flag(edit) => write!(f, "manual flag {edit}"),
            Given::Unflag(edit) => write!(f, "removed flag {edit}"),
        }
    }
}

/// An option an error is about, for [`OptionWords::option`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OptionWord<'a> {
    /// The extraction method, with a value (`horst`, `centroid`).
    Method(&'a str),
    /// The number of factors to extract.
    Extract,
    /// Horst's largest number of iterations.
    HorstIterations,
    /// Horst's convergence threshold.
    HorstThreshold,
    /// The composite figures' statement text size.
    FigureFontSize,
    /// The composite figures' card width.
    FigureCardWidth,
}

/// How a front end names the options an error is about: the command line by its flags, the
/// workbench by its controls. The sentences around the names are written once, in
/// [`AnalysisError::worded`]; [`PlainWords`] gives the library's own (the errors' `Display`).
pub trait OptionWords {
    /// Where a factor or sort was named (`--flag US3=2`; `manual flag US3=2`).
    fn given(&self, given: &Given) -> String {
        given.to_string()
    }
    /// An option (`--method horst`, `Method horst`, `Horst extraction`).
    fn option(&self, option: OptionWord<'_>) -> String;
    /// How to remove `sort`'s flag on `factor`, shown in brackets when there is a way to say it.
    fn unflag(&self, sort: &str, factor: &str) -> Option<String>;
}

/// The library's own words for options: plain names, no flag or control.
#[derive(Debug, Clone, Copy, Default)]
pub struct PlainWords;

impl OptionWords for PlainWords {
    fn option(&self, option: OptionWord<'_>) -> String {
        match option {
            OptionWord::Method("horst") => "Horst extraction".into(),
            OptionWord::Method(method) => format!("{method} extraction"),
            OptionWord::Extract => "the number of factors to extract was given".into(),
            OptionWord::HorstIterations => "the number of Horst iterations".into(),
            OptionWord::HorstThreshold => "the Horst threshold".into(),
            OptionWord::FigureFontSize => "the figures' font size".into(),
            OptionWord::FigureCardWidth => "the figures' card width".into(),
        }
    }
    fn unflag(&self, _sort: &str, _factor: &str) -> Option<String> {
        None
    }
}

impl AnalysisError {
    /// The one-line message with the options named by `words`.
    ///
    /// ```
    /// use qstudy_core::error::{AnalysisError, OptionWord, OptionWords};
    /// struct Flags;
    /// impl OptionWords for Flags {
    ///     fn option(&self, o: OptionWord<'_>) -> String {
    ///         match o {
    ///             OptionWord::Method(m) => format!("--method {m}"),
    ///             OptionWord::Extract => "--extract".into(),
    ///             OptionWord::HorstIterations => "--horst-iterations".into(),
    ///             OptionWord::HorstThreshold => "--horst-threshold".into(),
    ///             OptionWord::FigureFontSize => "--figure-font-size".into(),
    ///             OptionWord::FigureCardWidth => "--figure-card-width".into(),
    ///         }
    ///     }
    ///     fn unflag(&self, s: &str, f: &str) -> Option<String> { Some(format!("--unflag {s}={f}")) }
    /// }
    /// let e = AnalysisError::NoHorstIterations;
    /// assert_eq!(e.worded(&Flags), "--horst-iterations must be at least 1");
    /// assert_eq!(e.to_string(), "the number of Horst iterations must be at least 1");
    /// ```
    pub fn worded(&self, words: &dyn OptionWords) -> String {
        match self {
            AnalysisError::TooFewExtracted {
                factors,
                extracted,
                shortfall,
                explicit,
            } => {
                let why = match (shortfall, explicit) {
                    (Some(why), _) => format!(": {why}"),
                    (None, true) => format!(" ({})", words.option(OptionWord::Extract)),
                    (None, false) => String::new(),
                };
                format!("{factors} factor(s) to keep but only {extracted} extracted{why}")
            }
            AnalysisError::UnknownFactor {
                context,
                factor,
                valid,
            } => format!(
                "{}: factor '{factor}' does not exist (factors are {valid})",
                words.given(context)
            ),
            AnalysisError::UnknownSort { context, id } => {
                format!("{}: no sort with id '{id}'", words.given(context))
            }
            AnalysisError::HorstTooManySorts { sorts, max } => format!(
                "{} works on the n x n correlation matrix: at most {max} sorts, this study has {sorts} (use {})",
                words.option(OptionWord::Method("horst")),
                words.option(OptionWord::Method("centroid"))
            ),
            AnalysisError::NoHorstIterations => format!(
                "{} must be at least 1",
                words.option(OptionWord::HorstIterations)
            ),
            AnalysisError::BadHorstThreshold(t) => format!(
                "{} must be a positive number, not {t}",
                words.option(OptionWord::HorstThreshold)
            ),
            AnalysisError::BadFigureFontSize(v) => {
                let r = crate::options::FIGURE_FONT_SIZES;
                format!(
                    "{} must be a number of pixels from {} to {}, not {v}",
                    words.option(OptionWord::FigureFontSize),
                    r.start(),
                    r.end()
                )
            }
            AnalysisError::BadFigureCardWidth(v) => {
                let r = crate::options::FIGURE_CARD_WIDTHS;
                format!(
                    "{} must be from {} to {} pixels, not {v}",
                    words.option(OptionWord::FigureCardWidth),
                    r.start(),
                    r.end()
                )
            }
            AnalysisError::Heywood {
                sort,
                factor,
                loading,
            } => format!(
                "sort '{sort}' defines {factor} with loading {loading:.4} (|a| >= 1, a Heywood case): its weight f/(1-f^2) is undefined; unflag it{} or extract differently",
                words
                    .unflag(sort, factor)
                    .map(|how| format!(" ({how})"))
                    .unwrap_or_default()
            ),
            other => other.to_string(),
        }
    }
}

/// A simulation design that cannot be simulated.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum DesignError {
    /// The grid does not have one cell per statement.
    #[error("the grid has {cells} cells but the design has {statements} statements")]
    GridSize { cells: usize, statements: usize },
    /// No viewpoint.
    #[error("the design defines no viewpoint")]
    NoViewpoints,
    /// Fewer than two participants.
    #[error("the design has {0} participant(s); at least 2 are needed")]
    TooFewParticipants(usize),
    /// An ideal sort with the wrong number of values.
    #[error(
        "viewpoint '{viewpoint}': the ideal sort has {found} values, expected {expected} (one per statement)"
    )]
    IdealLength {
        viewpoint: String,
        found: usize,
        expected: usize,
    },
    /// An ideal sort value that is not a column of the grid.
    #[error(
        "viewpoint '{viewpoint}', statement {statement}: ideal value {value} is not on the grid {grid}"
    )]
    IdealOffGrid {
        viewpoint: String,
        statement: u32,
        value: i32,
        grid: String,
    },
    /// An ideal sort that does not follow the grid's column counts.
    #[error(
        "viewpoint '{viewpoint}': the ideal sort breaks the grid: column {value} holds {found} statement(s), expected {expected}"
    )]
    IdealBreaksGrid {
        viewpoint: String,
        value: i32,
        found: usize,
        expected: usize,
    },
    /// The same participant id twice.
    #[error("participant id '{0}' is given more than once")]
    DuplicateParticipant(String),
    /// A loading naming a viewpoint index that does not exist.
    #[error("participant '{participant}': viewpoint number {index} does not exist")]
    UnknownViewpointIndex { participant: String, index: usize },
    /// A loading range outside -1..1 or reversed.
    #[error(
        "participant '{participant}', viewpoint '{viewpoint}': loading range {min}..{max} must lie within -1..1 with min <= max"
    )]
    LoadingRange {
        participant: String,
        viewpoint: String,
        min: f64,
        max: f64,
    },
    /// Loadings whose squares may add up to more than 1.
    #[error(
        "participant '{participant}': the squared loadings may add up to {total:.3}, more than 1 (all of a sort's variance)"
    )]
    TooMuchVariance { participant: String, total: f64 },
}

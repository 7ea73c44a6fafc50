//! Reading and validating an input in one call, as every command (and the workbench) does.

use std::path::Path;

use qstudy_core::validate::{ValidationOptions, validate, validate_all};
use qstudy_core::{Grid, Study, ValidationError};

use crate::{InputFormat, LoadedSorts, ReadError, read_sorts};

/// Why an input could not be loaded: it could not be read, or it is not a valid study. The
/// message names the file and the place (sort, statement, line) as `LoadedSorts::describe`.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// Reading failed.
    #[error(transparent)]
    Read(#[from] ReadError),
    /// The sorts were read but fail validation: the error with its place in the input.
    #[error(transparent)]
    Invalid(#[from] Invalid),
}

/// A validation error of an input with where it is: the file and, where the error names a sort
/// or statement, its place in the file ([`LoadedSorts::locate`]). Its message is one line.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{}", self.message(&self.error.to_string()))]
pub struct Invalid {
    /// The validation error.
    pub error: ValidationError,
    /// The file and the place in it (`data/x.csv: line 3, column 2`).
    pub(crate) place: String,
    /// What the reader adds (a hint about the file's layout), with its leading space.
    pub(crate) note: String,
}

impl Invalid {
    /// The one-line message with `text` as the error's words (a front end's own wording of
    /// [`Invalid::error`]).
    pub fn message(&self, text: &str) -> String {
        // Ids and labels read from a file may hold line breaks (quoted CSV cells).
        crate::error::one_line(&format!("{}: {text}{}", self.place, self.note))
    }
}

/// Reads `input` (a file or study directory; `format` when the path and content do not tell)
/// and validates it against `grid` (else the grid the input gives, else the one its sorts
/// share); a study directory's statement ids are kept.
///
/// ```
/// let (loaded, study) =
///     qstudy_io::load_study(std::path::Path::new("../../fixtures/lipset/LIPSET.DAT"), None, None, false)
///         .unwrap();
/// assert_eq!(study.n_sorts(), loaded.table.sort_ids.len());
/// ```
pub fn load_study(
    input: &Path,
    format: Option<InputFormat>,
    grid: Option<Grid>,
    free_distribution: bool,
) -> Result<(LoadedSorts, Study), LoadError> {
    let loaded = read_sorts(input, format)?;
    let vopts = ValidationOptions {
        grid: grid.or_else(|| loaded.grid.clone()),
        free_distribution,
    };
    let study = validate(&loaded.table, &vopts).map_err(|e| loaded.locate(&e))?;
    let study = with_study_ids(&loaded, study)?;
    Ok((loaded, study))
}

/// Validates sorts already read against `grid` (else the grid the input gives), listing every
/// problem found with its place ([`LoadedSorts::locate`]), not only the first: what
/// `qstudy validate` reports.
///
/// ```
/// let loaded = qstudy_io::read_sorts("../../fixtures/lipset/LIPSET.DAT".as_ref(), None).unwrap();
/// let study = qstudy_io::validate_every_problem(&loaded, None, false).unwrap();
/// assert_eq!(study.n_sorts(), 9);
/// ```
pub fn validate_every_problem(
    loaded: &LoadedSorts,
    grid: Option<Grid>,
    free_distribution: bool,
) -> Result<Study, Vec<Invalid>> {
    let options = ValidationOptions {
        grid: grid.or_else(|| loaded.grid.clone()),
        free_distribution,
    };
    let problems: Vec<Invalid> = validate_all(&loaded.table, &options)
        .iter()
        .map(|e| loaded.locate(e))
        .collect();
    if !problems.is_empty() {
        return Err(problems);
    }
    let study = validate(&loaded.table, &options).map_err(|e| vec![loaded.locate(&e)])?;
    with_study_ids(loaded, study).map_err(|e| vec![e])
}

/// A study directory's statement ids given to `study` (default `1..m` otherwise).
fn with_study_ids(loaded: &LoadedSorts, study: Study) -> Result<Study, Invalid> {
    match &loaded.study {
        Some(info) => study
            .with_statement_ids(info.statements.iter().map(|s| s.id).collect())
            .map_err(|error| Invalid {
                error,
                place: crate::error::shown(&info.dir),
                note: String::new(),
            }),
        None => Ok(study),
    }
}

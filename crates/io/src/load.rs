//! Reading and validating an input in one call, as every command (and the workbench) does.

use std::path::Path;

use qstudy_core::validate::{ValidationOptions, validate, validate_all};
use qstudy_core::{Grid, Study};

use crate::{InputFormat, LoadedSorts, ReadError, read_sorts};

/// Why an input could not be loaded: it could not be read, or it is not a valid study. The
/// message names the file and the place (sort, statement, line) as `LoadedSorts::describe`.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// Reading failed.
    #[error(transparent)]
    Read(#[from] ReadError),
    /// The sorts were read but fail validation (the described, one-line message).
    #[error("{0}")]
    Invalid(String),
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
    let study =
        validate(&loaded.table, &vopts).map_err(|e| LoadError::Invalid(loaded.describe(&e)))?;
    let study = with_study_ids(&loaded, study).map_err(LoadError::Invalid)?;
    Ok((loaded, study))
}

/// Validates sorts already read against `grid` (else the grid the input gives), listing every
/// problem found (each one line, as `LoadedSorts::describe` places it), not only the first:
/// what `qstudy validate` reports.
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
) -> Result<Study, Vec<String>> {
    let options = ValidationOptions {
        grid: grid.or_else(|| loaded.grid.clone()),
        free_distribution,
    };
    let problems: Vec<String> = validate_all(&loaded.table, &options)
        .iter()
        .map(|e| loaded.describe(e))
        .collect();
    if !problems.is_empty() {
        return Err(problems);
    }
    let study = validate(&loaded.table, &options).map_err(|e| vec![loaded.describe(&e)])?;
    with_study_ids(loaded, study).map_err(|e| vec![e])
}

/// A study directory's statement ids given to `study` (default `1..m` otherwise).
fn with_study_ids(loaded: &LoadedSorts, study: Study) -> Result<Study, String> {
    match &loaded.study {
        Some(info) => study
            .with_statement_ids(info.statements.iter().map(|s| s.id).collect())
            .map_err(|e| format!("{}: {e}", info.dir.display())),
        None => Ok(study),
    }
}

//! Reading and validating an input in one call, as every command (and the workbench) does.

use std::path::Path;

use qstudy_core::validate::{ValidationOptions, validate};
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
    let mut study =
        validate(&loaded.table, &vopts).map_err(|e| LoadError::Invalid(loaded.describe(&e)))?;
    if let Some(info) = &loaded.study {
        study = study
            .with_statement_ids(info.statements.iter().map(|s| s.id).collect())
            .map_err(|e| LoadError::Invalid(format!("{}: {e}", info.dir.display())))?;
    }
    Ok((loaded, study))
}

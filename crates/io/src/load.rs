//! Reading and validating an input in one call, as every command (and the workbench) does.

use std::path::{Path, PathBuf};

use qstudy_core::validate::{ValidationOptions, validate, validate_all};
use qstudy_core::{Grid, Study, ValidationError};

use crate::{InputFormat, LoadedSorts, Location, ReadError, read_sorts};

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
    /// The file (or study directory) it is in.
    pub(crate) file: PathBuf,
    /// The place in the file (`line 3, column 2`), when known (boxed: the error stays small).
    pub(crate) location: Option<Box<Location>>,
    /// What the reader adds (a hint about the file's layout), with its leading space (a boxed
    /// `str`: the error stays small).
    pub(crate) note: Box<str>,
}

impl Invalid {
    /// The one-line message with `text` as the error's words (a front end's own wording of
    /// [`Invalid::error`]).
    pub fn message(&self, text: &str) -> String {
        let file = crate::error::shown(&self.file);
        let place = match &self.location {
            Some(loc) => format!("{file}: {loc}"),
            None => file,
        };
        // Ids and labels read from a file may hold line breaks (quoted CSV cells).
        crate::error::one_line(&format!("{place}: {text}{}", self.note))
    }

    /// This error with its file passed through `map` (see [`ReadError::map_paths`]).
    pub fn map_paths(self, map: &dyn Fn(&Path) -> PathBuf) -> Invalid {
        Invalid {
            file: map(&self.file),
            ..self
        }
    }
}

impl LoadError {
    /// This error with every path it names passed through `map` (see
    /// [`ReadError::map_paths`]).
    pub fn map_paths(self, map: &dyn Fn(&Path) -> PathBuf) -> LoadError {
        match self {
            LoadError::Read(e) => LoadError::Read(e.map_paths(map)),
            LoadError::Invalid(e) => LoadError::Invalid(e.map_paths(map)),
        }
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
                file: info.dir.clone(),
                location: None,
                note: Box::default(),
            }),
        None => Ok(study),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_invalid_input_is_named_by_its_mapped_path() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("ungridded.csv");
        std::fs::write(&file, "A,B\n1,0\n0,0\n-1,1\n").unwrap();
        let e = load_study(&file, None, None, false).unwrap_err();
        assert!(matches!(e, LoadError::Invalid(_)), "{e}");
        let full = e.to_string();
        assert!(
            full.starts_with(&format!("{}: column 2: ", file.display())),
            "{full}"
        );
        let mapped = e.map_paths(&|p| p.strip_prefix(dir.path()).unwrap().to_path_buf());
        assert_eq!(
            mapped.to_string(),
            full.replace(&format!("{}/", dir.path().display()), "")
        );
        assert!(
            mapped
                .to_string()
                .starts_with("ungridded.csv: column 2: no grid given")
        );
    }
}

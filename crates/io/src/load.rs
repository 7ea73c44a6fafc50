//! Reading and validating an input in one call, as every command (and the workbench) does.

use std::path::{Path, PathBuf};

use qstudy_core::select::{LeftOut, Selection, select};
use qstudy_core::validate::{ValidationOptions, check, validate, validate_all};
use qstudy_core::{Grid, SelectionError, Study, ValidationError};

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
    /// Incomplete sorts (cells without a value), each with its place and the statements it
    /// lacks: all of them, so that every missing cell is named at once.
    #[error("{}", incomplete_message(.0, &|e| e.to_string()))]
    Incomplete(Vec<Invalid>),
    /// The selection of sorts cannot be applied to the input (a sort, attribute or value it
    /// does not have; too few sorts left).
    #[error("{}: {error}", crate::error::shown(.file))]
    Selection {
        /// The input.
        file: PathBuf,
        /// What is wrong (boxed: the error stays small).
        error: Box<SelectionError>,
    },
}

/// The one-line message of incomplete sorts, each error worded by `text`: `FILE: 2
/// incomplete sort(s): line 4: sort 'P3' is incomplete: ...; line 9: ...`.
pub(crate) fn incomplete_message(
    sorts: &[Invalid],
    text: &dyn Fn(&ValidationError) -> String,
) -> String {
    let file = sorts
        .first()
        .map(|i| crate::error::shown(&i.file))
        .unwrap_or_default();
    let parts: Vec<String> = sorts
        .iter()
        .map(|i| {
            let words = text(&i.error);
            match &i.location {
                Some(loc) => format!("{loc}: {words}"),
                None => words,
            }
        })
        .collect();
    crate::error::one_line(&format!(
        "{file}: {} incomplete sort(s): {}",
        sorts.len(),
        parts.join("; ")
    ))
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
            LoadError::Incomplete(v) => {
                LoadError::Incomplete(v.into_iter().map(|e| e.map_paths(map)).collect())
            }
            LoadError::Selection { file, error } => LoadError::Selection {
                file: map(&file),
                error,
            },
        }
    }

    /// The message of incomplete sorts with each error worded by `text` (a front end's own
    /// words, which say how to leave incomplete sorts out); `None` for another error.
    pub fn incomplete(&self, text: &dyn Fn(&ValidationError) -> String) -> Option<String> {
        match self {
            LoadError::Incomplete(sorts) => Some(incomplete_message(sorts, text)),
            _ => None,
        }
    }
}

/// The sorts of `loaded` that `selection` keeps ([`qstudy_core::select::select`]): `None`
/// when it keeps them all (the sorts as read), else the subset ([`LoadedSorts::subset`]);
/// and the sorts left out, with why. Errors name the input.
///
/// ```
/// use qstudy_core::select::Selection;
/// let loaded = qstudy_io::read_sorts("../../fixtures/lipset/LIPSET.DAT".as_ref(), None).unwrap();
/// let s = Selection { exclude: vec!["FR9".into()], ..Default::default() };
/// let (kept, left_out) = qstudy_io::select_sorts(&loaded, &s).unwrap();
/// assert_eq!(kept.unwrap().table.sort_ids.len(), 8);
/// assert_eq!(left_out[0].sort, "FR9");
/// ```
pub fn select_sorts(
    loaded: &LoadedSorts,
    selection: &Selection,
) -> Result<(Option<LoadedSorts>, Vec<LeftOut>), LoadError> {
    let selected = select(&loaded.table, loaded.participants(), selection).map_err(|error| {
        LoadError::Selection {
            file: loaded
                .study
                .as_ref()
                .map_or_else(|| loaded.path.clone(), |s| s.dir.clone()),
            error: Box::new(error),
        }
    })?;
    if selected.keeps_all() {
        return Ok((None, Vec::new()));
    }
    Ok((Some(loaded.subset(&selected.kept)), selected.left_out))
}

/// Validates sorts read against `grid` (else the grid the input gives, else the one its
/// sorts share): the study, with a study directory's statement ids; or the first problem with
/// its place, or every incomplete sort when there are incomplete sorts
/// ([`LoadError::Incomplete`]).
pub fn validate_loaded(
    loaded: &LoadedSorts,
    grid: Option<Grid>,
    free_distribution: bool,
) -> Result<Study, LoadError> {
    let vopts = ValidationOptions {
        grid: grid.or_else(|| loaded.grid.clone()),
        free_distribution,
    };
    let study = check(&loaded.table, &vopts).map_err(|problems| {
        let incomplete: Vec<Invalid> = problems
            .iter()
            .filter(|e| matches!(e, ValidationError::Incomplete { .. }))
            .map(|e| loaded.locate(e))
            .collect();
        if incomplete.is_empty() {
            LoadError::Invalid(loaded.locate(&problems[0]))
        } else {
            LoadError::Incomplete(incomplete)
        }
    })?;
    Ok(with_study_ids(loaded, study)?)
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
    let study = validate_loaded(&loaded, grid, free_distribution)?;
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

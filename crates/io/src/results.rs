//! Writing `results.json` (schema `qstudy.results/1`), atomically; reading it back, or the
//! `bootstrap.json` and `retention.json` of the other commands ([`read_results_file`]).

use std::io::Write;
use std::path::{Path, PathBuf};

use qstudy_core::AnalysisResults;

/// The results could not be written.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    /// The output directory could not be created.
    #[error("{path}: cannot create the output directory: {source}")]
    CreateDir {
        /// The directory.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// The output path exists and is not a directory.
    #[error("{path}: exists and is not a directory")]
    NotADirectory {
        /// The path.
        path: PathBuf,
    },
    /// Writing or renaming the file failed.
    #[error("{path}: cannot write: {source}")]
    Write {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// Serialisation failed (a non-finite number, which the analysis never produces).
    #[error("{path}: cannot serialise the results: {source}")]
    Serialize {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: serde_json::Error,
    },
}

/// Writes `bytes` to `path` through a temporary file in the same directory and a rename, so
/// the file is either the old one or the complete new one, never half-written.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), WriteError> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let err = |source| WriteError::Write {
        path: path.to_path_buf(),
        source: without_temp_path(source),
    };
    // Temporary files are created private (0600); the result is an ordinary file: the
    // permissions of the file it replaces, or 0644.
    let mut builder = tempfile::Builder::new();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(
            std::fs::metadata(path)
                .map(|m| m.permissions())
                .unwrap_or_else(|_| std::fs::Permissions::from_mode(0o644)),
        );
    }
    let mut tmp = builder.tempfile_in(dir).map_err(err)?;
    tmp.as_file_mut().write_all(bytes).map_err(err)?;
    tmp.as_file().sync_all().map_err(err)?;
    tmp.persist(path).map_err(|e| err(e.error))?;
    Ok(())
}

/// `e` without the `at path ".tmpXYZ"` that the `tempfile` crate adds: the message names the
/// file the user asked for, never the temporary one.
fn without_temp_path(e: std::io::Error) -> std::io::Error {
    let text = e.get_ref().map(ToString::to_string);
    match text.as_deref().and_then(|t| t.split_once(" at path ")) {
        Some((cause, _)) => std::io::Error::new(e.kind(), cause.to_string()),
        None => e,
    }
}

/// Serialises the results as compact JSON (full-precision numbers, shortest round-trip
/// representation, trailing newline). Compact because the correlation matrix of a large study
/// has millions of entries; `jq .` or any JSON viewer pretty-prints it.
pub fn results_json(results: &AnalysisResults) -> Result<String, serde_json::Error> {
    let mut s = serde_json::to_string(results)?;
    s.push('\n');
    Ok(s)
}

/// Writes the results to `out` as [`results_json`] serialises them, without building the text
/// in memory (the results of 10^5 sorts are tens of megabytes).
pub fn write_results_json_to<W: Write>(
    mut out: W,
    results: &AnalysisResults,
) -> Result<(), serde_json::Error> {
    serde_json::to_writer(&mut out, results)?;
    out.write_all(b"\n").map_err(serde_json::Error::io)?;
    out.flush().map_err(serde_json::Error::io)
}

/// Writes `DIR/results.json` (creating `DIR` if needed) and returns its path.
///
/// ```no_run
/// # fn demo(results: &qstudy_core::AnalysisResults) {
/// let path = qstudy_io::write_results_json(std::path::Path::new("out"), results).unwrap();
/// assert!(path.ends_with("results.json"));
/// # }
/// ```
pub fn write_results_json(dir: &Path, results: &AnalysisResults) -> Result<PathBuf, WriteError> {
    if dir.exists() && !dir.is_dir() {
        return Err(WriteError::NotADirectory {
            path: dir.to_path_buf(),
        });
    }
    std::fs::create_dir_all(dir).map_err(|source| WriteError::CreateDir {
        path: dir.to_path_buf(),
        source,
    })?;
    let path = dir.join("results.json");
    let text = results_json(results).map_err(|source| WriteError::Serialize {
        path: path.clone(),
        source,
    })?;
    write_atomic(&path, text.as_bytes())?;
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_write_error_names_the_file_not_the_temporary_one() {
        let tmp = tempfile::tempdir().unwrap();
        let missing = tmp.path().join("missing/results.json");
        let e = write_atomic(&missing, b"{}").unwrap_err().to_string();
        assert!(
            e.starts_with(&format!("{}: cannot write: ", missing.display())),
            "{e}"
        );
        assert!(!e.contains(" at path "), "no temporary file named: {e}");
        #[cfg(unix)]
        assert!(e.ends_with("No such file or directory (os error 2)"), "{e}");
    }

    #[test]
    fn atomic_write_replaces_whole_file_with_ordinary_permissions() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.txt");
        write_atomic(&path, b"first").unwrap();
        write_atomic(&path, b"second").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"second");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o644);
        }
        // Nothing else is left in the directory.
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn streamed_json_is_the_same_text() {
        use qstudy_core::validate::{ValidationOptions, validate};
        let values = vec![
            vec![-1, 0, 0, 1],
            vec![1, 0, 0, -1],
            vec![0, -1, 1, 0],
            vec![-1, 0, 1, 0],
        ];
        let table = qstudy_core::SortTable {
            missing: Vec::new(),
            sort_ids: ["A", "B", "C", "D"].map(String::from).to_vec(),
            statement_labels: None,
            values,
        };
        let study = validate(&table, &ValidationOptions::default()).unwrap();
        let options = qstudy_core::AnalysisOptions {
            factors: 1,
            ..Default::default()
        };
        let results = qstudy_core::analyze(&study, &options).unwrap();
        let mut bytes = Vec::new();
        write_results_json_to(&mut bytes, &results).unwrap();
        assert_eq!(
            String::from_utf8(bytes).unwrap(),
            results_json(&results).unwrap()
        );
    }
}

/// A results file of qstudy, read back: told apart by its `schema`.
#[derive(Debug, Clone)]
pub enum ResultsFile {
    /// `results.json` (`qstudy analyze`).
    Analysis(Box<AnalysisResults>),
    /// `bootstrap.json` (`qstudy bootstrap`).
    Bootstrap(Box<qstudy_core::bootstrap::BootstrapResults>),
    /// `retention.json` (`qstudy factors --out`).
    Retention(Box<qstudy_core::retention::RetentionReport>),
}

/// A results file could not be read back; each message names the file.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ReadResultsError {
    /// The file could not be read.
    #[error("{}: cannot read: {source}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// Not JSON at all.
    #[error("{}: not JSON ({source}); expected the results.json written by `qstudy analyze`", path.display())]
    NotJson {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: serde_json::Error,
    },
    /// JSON of a known schema that does not parse as that file.
    #[error("{}: not a qstudy {what} file: {source}; expected the {what}.json written by `qstudy {command}`", path.display())]
    Malformed {
        /// The file.
        path: PathBuf,
        /// `results`, `bootstrap` or `retention`.
        what: &'static str,
        /// The command that writes it.
        command: &'static str,
        /// The cause.
        source: serde_json::Error,
    },
    /// JSON with no schema, or another one.
    #[error("{}: schema is {}, expected \"{}\" (the results.json written by `qstudy analyze`), or \"{}\" / \"{}\" (the bootstrap.json of `qstudy bootstrap`, the retention.json of `qstudy factors`)", path.display(), found.as_ref().map_or_else(|| "missing".to_string(), |s| format!("\"{s}\"")), qstudy_core::analysis::SCHEMA, qstudy_core::bootstrap::SCHEMA, qstudy_core::retention::SCHEMA)]
    UnknownSchema {
        /// The file.
        path: PathBuf,
        /// The schema found, if any.
        found: Option<String>,
    },
}

/// Reads a `results.json`, `bootstrap.json` or `retention.json` written by qstudy (told apart
/// by their schema).
///
/// ```
/// let missing = qstudy_io::read_results_file("no/such/results.json".as_ref()).unwrap_err();
/// assert!(missing.to_string().starts_with("no/such/results.json: cannot read"));
/// ```
pub fn read_results_file(path: &Path) -> Result<ResultsFile, ReadResultsError> {
    let text = std::fs::read_to_string(path).map_err(|source| ReadResultsError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    let value: serde_json::Value =
        serde_json::from_str(&text).map_err(|source| ReadResultsError::NotJson {
            path: path.to_path_buf(),
            source,
        })?;
    let schema = value
        .get("schema")
        .and_then(|s| s.as_str())
        .map(str::to_string);
    let malformed = |what, command| {
        move |source| ReadResultsError::Malformed {
            path: path.to_path_buf(),
            what,
            command,
            source,
        }
    };
    match schema.as_deref() {
        Some(qstudy_core::analysis::SCHEMA) => serde_json::from_value(value)
            .map(|r| ResultsFile::Analysis(Box::new(r)))
            .map_err(malformed("results", "analyze")),
        Some(qstudy_core::bootstrap::SCHEMA) => serde_json::from_value(value)
            .map(|r| ResultsFile::Bootstrap(Box::new(r)))
            .map_err(malformed("bootstrap", "bootstrap")),
        Some(qstudy_core::retention::SCHEMA) => serde_json::from_value(value)
            .map(|r| ResultsFile::Retention(Box::new(r)))
            .map_err(malformed("retention", "factors")),
        _ => Err(ReadResultsError::UnknownSchema {
            path: path.to_path_buf(),
            found: schema,
        }),
    }
}

//! Writing `results.json` (schema `qstudy.results/1`), atomically.

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
        source,
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
    tmp.write_all(bytes).map_err(err)?;
    tmp.as_file().sync_all().map_err(err)?;
    tmp.persist(path).map_err(|e| err(e.error))?;
    Ok(())
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

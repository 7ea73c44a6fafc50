//! Opening an input: a path given on the command line, or files uploaded by the page (written
//! into a private directory, `0700` with files `0600`, inside the session's
//! ([`crate::private::SessionDir`]), and read by `qstudy_io::read_sorts`, with the readers'
//! limits). Errors are the readers' one-line messages, naming the file as uploaded.

use std::io::Write;
use std::path::{Component, Path, PathBuf};
use std::sync::Mutex;

use qstudy_app::analysis::{Input, InputChoices, Layers};
use qstudy_core::Analysis;
use qstudy_core::options::OptionLayer;
use qstudy_io::ReadOptions;

use crate::error::ServeError;
use crate::private::{SessionDir, create_private_dir, create_private_file, private_dir_builder};

/// Most files one upload may hold (a study directory is a handful).
pub const MAX_UPLOAD_FILES: usize = 64;

/// An opened input: the sorts as read, the validated study, as shown to the user (the path
/// typed, or the uploaded file's name), its analysis kept between the page's requests, and the
/// private directory of an upload.
#[derive(Debug)]
pub struct Opened {
    /// The input, its sorts selected as its study says.
    pub input: Input,
    /// The analysis of the last choices, re-run from the first stage the next ones affect
    /// (`qstudy_app::analysis::Input::analyze_kept`); one analysis at a time uses it.
    pub kept: Mutex<Kept>,
    /// The private directory holding uploaded files (deleted when dropped).
    pub upload_dir: Option<tempfile::TempDir>,
}

/// What the workbench keeps between the page's requests: the analysis of the last choices,
/// and the input of their selection of sorts when it is not the opened input's (the page left
/// out other sorts: its input selected again, [`Input::reselect`]).
#[derive(Debug, Default)]
pub struct Kept {
    /// The input of the last choices' selection, when it differs from the opened input's.
    pub input: Option<std::sync::Arc<Input>>,
    /// The analysis of the last choices, on that input (or the opened one).
    pub analysis: Option<Analysis<'static>>,
}

/// Reads and validates `input` as `qstudy analyze INPUT` does (format from the path and
/// content, the grid of the file or study, the study's selection of sorts), with the same
/// one-line error.
///
/// ```no_run
/// let opened = qstudy_serve::load::open_path("fixtures/apse-2023".as_ref()).unwrap();
/// assert_eq!(opened.input.study.n_sorts(), 32);
/// ```
pub fn open_path(input: &Path) -> Result<Opened, ServeError> {
    let input = Input::open(
        input,
        &InputChoices::default(),
        &OptionLayer::default(),
        Layers::OverStudy,
        input.display().to_string(),
    )?;
    Ok(Opened {
        input,
        kept: Mutex::new(Kept::default()),
        upload_dir: None,
    })
}

/// A relative path of an uploaded file (`study.toml`, `apse-2023/sorts.csv`): only plain
/// components, at most 4 deep; anything else (absolute, `..`, empty) is refused.
fn safe_relative(name: &str) -> Result<PathBuf, ServeError> {
    let path = Path::new(name);
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::Normal(part) => out.push(part),
            Component::CurDir => {}
            _ => {
                return Err(ServeError::UploadName {
                    name: name.to_string(),
                });
            }
        }
    }
    if out.as_os_str().is_empty() || out.components().count() > 4 || name.contains(['\\', '\0']) {
        return Err(ServeError::UploadName {
            name: name.to_string(),
        });
    }
    Ok(out)
}

/// Writes uploaded files (`(relative name, bytes)`) into a private temporary directory and opens
/// them: a study directory (files with a `study.toml`), a PQMethod `.DAT` with its `.STA`, or
/// one file of any format qstudy reads. Messages name the files as uploaded (relative to the
/// temporary directory), so they read as `qstudy analyze` run beside the files.
///
/// The directory is made in the system's temporary directory; the workbench uses
/// [`open_upload_in`] its session's directory.
pub fn open_upload(files: &[(String, Vec<u8>)]) -> Result<Opened, ServeError> {
    open_upload_in(files, None)
}

/// [`open_upload`], the files written into a directory inside `session` (when given).
pub fn open_upload_in(
    files: &[(String, Vec<u8>)],
    session: Option<&SessionDir>,
) -> Result<Opened, ServeError> {
    open_upload_with(files, session, None)
}

/// [`open_upload_in`], the participant ids taken from the column (or key) `id_column` when
/// given. A file uploaded with a `.txt` or `.xml` file beside it (and no `study.toml` or
/// `.DAT`) takes its statement texts from that file.
pub fn open_upload_with(
    files: &[(String, Vec<u8>)],
    session: Option<&SessionDir>,
    id_column: Option<String>,
) -> Result<Opened, ServeError> {
    let (dir, rels) = write_upload(files, session)?;
    let (input, statements) = upload_input(&rels)?;
    let full = if input.as_os_str().is_empty() {
        dir.path().to_path_buf()
    } else {
        dir.path().join(&input)
    };
    let shown = if input.as_os_str().is_empty() {
        "study".to_string()
    } else {
        input.display().to_string()
    };
    let choices = InputChoices {
        read: ReadOptions {
            id_column,
            statements: statements.map(|s| dir.path().join(s)),
        },
        ..Default::default()
    };
    // The readers name the files they read by their full path; the user knows them by the
    // names they uploaded.
    let input = Input::open(
        &full,
        &choices,
        &OptionLayer::default(),
        Layers::OverStudy,
        shown,
    )
    .map_err(|e| ServeError::Upload(e.map_paths(&|p| as_uploaded(p, dir.path()))))?;
    Ok(Opened {
        input,
        kept: Mutex::new(Kept::default()),
        upload_dir: Some(dir),
    })
}

/// A path under the upload directory `dir` as the user uploaded it: relative to `dir` (`.`
/// for `dir` itself). Any other path is named by its file name alone: nothing of the server's
/// directories is shown.
pub(crate) fn as_uploaded(path: &Path, dir: &Path) -> PathBuf {
    match path.strip_prefix(dir) {
        Ok(rel) if rel.as_os_str().is_empty() => PathBuf::from("."),
        Ok(rel) => rel.to_path_buf(),
        Err(_) => path
            .file_name()
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from(".")),
    }
}

/// Writes the uploaded files into a fresh private temporary directory; returns it and the
/// files' relative paths, in upload order.
fn write_upload(
    files: &[(String, Vec<u8>)],
    session: Option<&SessionDir>,
) -> Result<(tempfile::TempDir, Vec<PathBuf>), ServeError> {
    if files.is_empty() {
        return Err(ServeError::NoUpload);
    }
    if files.len() > MAX_UPLOAD_FILES {
        return Err(ServeError::TooManyFiles {
            count: files.len(),
            max: MAX_UPLOAD_FILES,
        });
    }
    let dir = match session {
        Some(session) => session.upload_dir()?,
        None => private_dir_builder("qstudy-upload-")
            .tempdir()
            .map_err(|source| ServeError::Disk {
                path: PathBuf::from("the temporary directory"),
                source,
            })?,
    };
    let mut rels = Vec::new();
    for (name, bytes) in files {
        let rel = safe_relative(name)?;
        let path = dir.path().join(&rel);
        let disk = |source| ServeError::Disk {
            path: rel.clone(),
            source,
        };
        if let Some(parent) = path.parent() {
            create_private_dir(parent).map_err(disk)?;
        }
        // A name given twice is refused (create_new), not silently overwritten.
        let mut file = create_private_file(&path).map_err(|e| {
            if e.kind() == std::io::ErrorKind::AlreadyExists {
                ServeError::UploadTwice { name: name.clone() }
            } else {
                disk(e)
            }
        })?;
        file.write_all(bytes).map_err(disk)?;
        rels.push(rel);
    }
    Ok((dir, rels))
}

/// What to open among the uploaded files: the directory of the shallowest `study.toml`, else
/// the `.DAT` (its `.STA` beside it), else the one file, or the one file with its statements
/// (the other of two files, a `.txt` or `.xml`).
fn upload_input(rels: &[PathBuf]) -> Result<(PathBuf, Option<PathBuf>), ServeError> {
    let is = |p: &PathBuf, ext: &str| {
        p.extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| e.eq_ignore_ascii_case(ext))
    };
    if let Some(manifest) = rels
        .iter()
        .filter(|p| p.file_name().is_some_and(|n| n == qstudy_io::MANIFEST))
        .min_by_key(|p| p.components().count())
    {
        Ok((
            manifest.parent().map(Path::to_path_buf).unwrap_or_default(),
            None,
        ))
    } else if let Some(dat) = rels.iter().find(|p| is(p, "dat")) {
        Ok((dat.clone(), None))
    } else if rels.len() == 1 {
        Ok((rels[0].clone(), None))
    } else if let [a, b] = rels {
        match (is(a, "txt") || is(a, "xml"), is(b, "txt") || is(b, "xml")) {
            (true, false) => Ok((b.clone(), Some(a.clone()))),
            (false, true) => Ok((a.clone(), Some(b.clone()))),
            _ => Err(ServeError::NoStudy { count: 2 }),
        }
    } else {
        Err(ServeError::NoStudy { count: rels.len() })
    }
}

#[cfg(test)]
mod tests {
    use super::{as_uploaded, safe_relative};
    use std::path::Path;

    #[test]
    fn uploaded_files_are_named_as_uploaded() {
        let dir = Path::new("/tmp/qstudy-serve-x/upload-y");
        assert_eq!(as_uploaded(&dir.join("a/b.csv"), dir), Path::new("a/b.csv"));
        assert_eq!(as_uploaded(dir, dir), Path::new("."));
        assert_eq!(
            as_uploaded(Path::new("/elsewhere/c.csv"), dir),
            Path::new("c.csv")
        );
    }

    #[test]
    fn uploaded_names_stay_inside_the_directory() {
        for ok in ["sorts.csv", "apse/study.toml", "./a.csv"] {
            assert!(safe_relative(ok).is_ok(), "{ok}");
        }
        for bad in [
            "/etc/passwd",
            "../x.csv",
            "a/../../x",
            "",
            ".",
            "a\\b",
            "a/b/c/d/e.csv",
        ] {
            assert!(safe_relative(bad).is_err(), "{bad}");
        }
    }
}

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
/// given.
pub fn open_upload_with(
    files: &[(String, Vec<u8>)],
    session: Option<&SessionDir>,
    id_column: Option<String>,
) -> Result<Opened, ServeError> {
    // a study saved by the workbench (or any zip of a study directory): its files
    if let [(name, bytes)] = files
        && has_extension(name, "zip")
    {
        return open_upload_with(&unpack_zip(name, bytes)?, session, id_column);
    }
    let (dir, rels) = write_upload(files, session)?;
    open_written_with(dir, rels, session, id_column)
}

/// Opens the files of an upload written into `dir` (`rels`: their names, in upload order):
/// the files of a zip, or the input among them (the directory of the shallowest `study.toml`,
/// else the `.DAT`, else the one file, or the one file with its statements: the other of two
/// files, a `.txt` or `.xml`).
pub fn open_written(
    dir: tempfile::TempDir,
    rels: Vec<PathBuf>,
    session: Option<&SessionDir>,
) -> Result<Opened, ServeError> {
    open_written_with(dir, rels, session, None)
}

/// [`open_written`], the participant ids taken from the column (or key) `id_column` when
/// given.
pub fn open_written_with(
    dir: tempfile::TempDir,
    rels: Vec<PathBuf>,
    session: Option<&SessionDir>,
    id_column: Option<String>,
) -> Result<Opened, ServeError> {
    if let [zip] = rels.as_slice()
        && has_extension(&zip.to_string_lossy(), "zip")
    {
        let name = zip.display().to_string();
        let bytes = std::fs::read(dir.path().join(zip)).map_err(|source| ServeError::Disk {
            path: zip.clone(),
            source,
        })?;
        drop(dir);
        return open_upload_with(&unpack_zip(&name, &bytes)?, session, id_column);
    }
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

/// Most bytes the files of one streamed upload may hold together ([`UploadWriter`]): the
/// readers' cap on one input file.
pub const MAX_UPLOAD_BYTES: u64 = 1 << 30;

/// The first bytes of a streamed upload.
pub const UPLOAD_MAGIC: &[u8] = b"QSUP1\n";

/// Longest file name in a streamed upload, in bytes.
const MAX_NAME_BYTES: usize = 1024;

/// Writes a streamed upload (`POST /api/upload`) into a private directory as its bytes arrive,
/// never holding a file in memory: [`UPLOAD_MAGIC`], then per file its name's length (`u32`,
/// little-endian), the name (UTF-8, a plain relative path), its size (`u64`, little-endian)
/// and its bytes. At most [`MAX_UPLOAD_FILES`] files and [`MAX_UPLOAD_BYTES`] in all, counted
/// from the sizes declared before any byte is written; a name given twice is refused.
#[derive(Debug)]
pub struct UploadWriter {
    dir: tempfile::TempDir,
    rels: Vec<PathBuf>,
    /// Bytes of the magic, a name's length, a name or a size, while they are incomplete.
    pending: Vec<u8>,
    stage: Stage,
    total: u64,
}

#[derive(Debug)]
enum Stage {
    Magic,
    NameLength,
    Name(usize),
    Size(PathBuf),
    Data {
        file: std::fs::File,
        rel: PathBuf,
        left: u64,
    },
}

impl UploadWriter {
    /// A writer into a fresh private directory (inside `session` when given).
    pub fn new(session: Option<&SessionDir>) -> Result<UploadWriter, ServeError> {
        Ok(UploadWriter {
            dir: upload_dir(session)?,
            rels: Vec::new(),
            pending: Vec::new(),
            stage: Stage::Magic,
            total: 0,
        })
    }

    fn broken(why: &str) -> ServeError {
        ServeError::UploadBroken {
            why: why.to_string(),
        }
    }

    /// Takes `need` bytes into `pending` from `chunk` (advancing it); true once complete.
    fn gather(&mut self, chunk: &mut &[u8], need: usize) -> bool {
        let take = (need - self.pending.len()).min(chunk.len());
        self.pending.extend_from_slice(&chunk[..take]);
        *chunk = &chunk[take..];
        self.pending.len() == need
    }

    /// The next bytes of the upload.
    pub fn feed(&mut self, mut chunk: &[u8]) -> Result<(), ServeError> {
        while !chunk.is_empty() {
            match &mut self.stage {
                Stage::Magic => {
                    if self.gather(&mut chunk, UPLOAD_MAGIC.len()) {
                        if self.pending != UPLOAD_MAGIC {
                            return Err(Self::broken("it does not start as the page sends files"));
                        }
                        self.pending.clear();
                        self.stage = Stage::NameLength;
                    }
                }
                Stage::NameLength => {
                    if self.gather(&mut chunk, 4) {
                        let n = u32::from_le_bytes(self.pending[..4].try_into().unwrap_or_default())
                            as usize;
                        self.pending.clear();
                        if n == 0 || n > MAX_NAME_BYTES {
                            return Err(Self::broken("a file name is empty or longer than 1 KiB"));
                        }
                        if self.rels.len() == MAX_UPLOAD_FILES {
                            return Err(ServeError::TooManyFiles {
                                count: MAX_UPLOAD_FILES + 1,
                                max: MAX_UPLOAD_FILES,
                            });
                        }
                        self.stage = Stage::Name(n);
                    }
                }
                Stage::Name(n) => {
                    let n = *n;
                    if self.gather(&mut chunk, n) {
                        let name = String::from_utf8(std::mem::take(&mut self.pending))
                            .map_err(|_| Self::broken("a file name is not UTF-8 text"))?;
                        self.stage = Stage::Size(safe_relative(&name)?);
                    }
                }
                Stage::Size(rel) => {
                    let rel = rel.clone();
                    if self.gather(&mut chunk, 8) {
                        let size =
                            u64::from_le_bytes(self.pending[..8].try_into().unwrap_or_default());
                        self.pending.clear();
                        self.total = self.total.saturating_add(size);
                        if self.total > MAX_UPLOAD_BYTES {
                            return Err(ServeError::UploadTooLarge {
                                max_mib: MAX_UPLOAD_BYTES >> 20,
                            });
                        }
                        let file = self.create(&rel)?;
                        self.rels.push(rel.clone());
                        self.stage = Stage::Data {
                            file,
                            rel,
                            left: size,
                        };
                    }
                }
                Stage::Data { file, rel, left } => {
                    let take = (*left).min(chunk.len() as u64) as usize;
                    file.write_all(&chunk[..take])
                        .map_err(|source| ServeError::Disk {
                            path: rel.clone(),
                            source,
                        })?;
                    *left -= take as u64;
                    chunk = &chunk[take..];
                    if *left == 0 {
                        self.stage = Stage::NameLength;
                    }
                }
            }
            // a file of 0 bytes is complete at once
            if let Stage::Data { left: 0, .. } = self.stage {
                self.stage = Stage::NameLength;
            }
        }
        Ok(())
    }

    fn create(&self, rel: &Path) -> Result<std::fs::File, ServeError> {
        let path = self.dir.path().join(rel);
        let disk = |source| ServeError::Disk {
            path: rel.to_path_buf(),
            source,
        };
        if let Some(parent) = path.parent() {
            create_private_dir(parent).map_err(disk)?;
        }
        create_private_file(&path).map_err(|e| {
            if e.kind() == std::io::ErrorKind::AlreadyExists {
                ServeError::UploadTwice {
                    name: rel.display().to_string(),
                }
            } else {
                disk(e)
            }
        })
    }

    /// The directory and the files' names, once the upload ended where a file does.
    pub fn finish(mut self) -> Result<(tempfile::TempDir, Vec<PathBuf>), ServeError> {
        if let Stage::Data { left: 0, .. } = self.stage {
            self.stage = Stage::NameLength;
        }
        match self.stage {
            Stage::NameLength if self.pending.is_empty() && !self.rels.is_empty() => {
                Ok((self.dir, self.rels))
            }
            Stage::Magic | Stage::NameLength if self.rels.is_empty() => Err(ServeError::NoUpload),
            _ => Err(Self::broken("it ended in the middle of a file")),
        }
    }
}

/// A fresh private directory for an upload: inside `session` when given, else in the system's
/// temporary directory.
fn upload_dir(session: Option<&SessionDir>) -> Result<tempfile::TempDir, ServeError> {
    match session {
        Some(session) => session.upload_dir(),
        None => private_dir_builder("qstudy-upload-")
            .tempdir()
            .map_err(|source| ServeError::Disk {
                path: PathBuf::from("the temporary directory"),
                source,
            }),
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
    let dir = upload_dir(session)?;
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

/// Whether `name` ends in `.EXT` (any case).
fn has_extension(name: &str, ext: &str) -> bool {
    Path::new(name)
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case(ext))
}

/// Most bytes the files of one uploaded zip may unpack to, together (the readers' own cap on
/// one input file).
pub const MAX_ZIP_UNPACKED_BYTES: u64 = 1 << 30;

/// The files of an uploaded zip (a study saved by the workbench): at most
/// [`MAX_UPLOAD_FILES`] files, [`MAX_ZIP_UNPACKED_BYTES`] unpacked in all (counted as they are
/// unpacked, not as the archive declares), names as an upload's ([`safe_relative`]).
fn unpack_zip(name: &str, bytes: &[u8]) -> Result<Vec<(String, Vec<u8>)>, ServeError> {
    use std::io::Read;
    let bad = |why: String| ServeError::UploadZip {
        name: name.to_string(),
        why,
    };
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes))
        .map_err(|e| bad(format!("not a zip archive that can be read ({e})")))?;
    let mut files = Vec::new();
    let mut left = MAX_ZIP_UNPACKED_BYTES;
    for i in 0..archive.len() {
        let entry = archive
            .by_index(i)
            .map_err(|e| bad(format!("entry {} cannot be read ({e})", i + 1)))?;
        if entry.is_dir() {
            continue;
        }
        let entry_name = entry.name().to_string();
        safe_relative(&entry_name)?;
        if files.len() == MAX_UPLOAD_FILES {
            return Err(bad(format!(
                "holds more than {MAX_UPLOAD_FILES} files: a saved study holds a handful"
            )));
        }
        let mut data = Vec::new();
        entry.take(left + 1).read_to_end(&mut data).map_err(|e| {
            bad(format!(
                "'{}' cannot be unpacked ({e})",
                entry_name.escape_debug()
            ))
        })?;
        if data.len() as u64 > left {
            return Err(bad(format!(
                "unpacks to more than {} MiB",
                MAX_ZIP_UNPACKED_BYTES >> 20
            )));
        }
        left -= data.len() as u64;
        files.push((entry_name, data));
    }
    if files.is_empty() {
        return Err(bad("holds no file".to_string()));
    }
    Ok(files)
}

/// What to open among the uploaded files: the directory of the shallowest `study.toml`, else
/// the `.DAT` (its `.STA` beside it), else the one file (a `.STA` alone is refused: it has no
/// sorts), or the one file with its statements (the other of two files, a `.txt` or `.xml`).
fn upload_input(rels: &[PathBuf]) -> Result<(PathBuf, Option<PathBuf>), ServeError> {
    let is = |p: &PathBuf, ext: &str| has_extension(&p.to_string_lossy(), ext);
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
    } else if let Some(sta) = rels.iter().find(|p| is(p, "sta")) {
        Err(ServeError::LoneSta {
            name: sta.display().to_string(),
        })
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
    use super::{MAX_UPLOAD_BYTES, UPLOAD_MAGIC, UploadWriter, as_uploaded, safe_relative};
    use crate::error::ServeError;
    use std::path::Path;

    /// The page's framing of `files`.
    fn framed(files: &[(&str, &[u8])]) -> Vec<u8> {
        let mut out = UPLOAD_MAGIC.to_vec();
        for (name, data) in files {
            out.extend((name.len() as u32).to_le_bytes());
            out.extend(name.as_bytes());
            out.extend((data.len() as u64).to_le_bytes());
            out.extend(*data);
        }
        out
    }

    #[test]
    fn a_streamed_upload_is_written_whatever_its_chunks() {
        let files: [(&str, &[u8]); 3] = [
            ("a/sorts.csv", b"id,1\nP1,0\n"),
            ("empty.txt", b""),
            ("b.txt", b"xyz"),
        ];
        let bytes = framed(&files);
        for chunk in [1, 2, 7, bytes.len()] {
            let mut w = UploadWriter::new(None).unwrap();
            for c in bytes.chunks(chunk) {
                w.feed(c).unwrap();
            }
            let (dir, rels) = w.finish().unwrap();
            assert_eq!(rels.len(), 3, "chunks of {chunk}");
            for (name, data) in files {
                assert_eq!(
                    std::fs::read(dir.path().join(name)).unwrap(),
                    data,
                    "{name}, chunks of {chunk}"
                );
            }
        }
    }

    #[test]
    fn a_streamed_upload_that_is_broken_too_large_or_cut_is_refused() {
        let feed = |bytes: &[u8]| {
            let mut w = UploadWriter::new(None).unwrap();
            w.feed(bytes).and_then(|()| w.finish()).map(|_| ())
        };
        assert!(matches!(
            feed(b"PK\x03\x04 not ours"),
            Err(ServeError::UploadBroken { .. })
        ));
        assert!(matches!(feed(b""), Err(ServeError::NoUpload)));
        let whole = framed(&[("a.csv", b"1234")]);
        assert!(matches!(
            feed(&whole[..whole.len() - 1]),
            Err(ServeError::UploadBroken { .. })
        ));
        assert!(matches!(
            feed(&framed(&[("a.csv", b"1"), ("a.csv", b"2")])),
            Err(ServeError::UploadTwice { .. })
        ));
        assert!(matches!(
            feed(&framed(&[("../a.csv", b"1")])),
            Err(ServeError::UploadName { .. })
        ));
        // the sizes declared count before a byte is written
        let mut big = UPLOAD_MAGIC.to_vec();
        big.extend(5u32.to_le_bytes());
        big.extend(b"a.csv");
        big.extend((MAX_UPLOAD_BYTES + 1).to_le_bytes());
        assert!(matches!(feed(&big), Err(ServeError::UploadTooLarge { .. })));
        let mut long = UPLOAD_MAGIC.to_vec();
        long.extend(u32::MAX.to_le_bytes());
        assert!(matches!(feed(&long), Err(ServeError::UploadBroken { .. })));
    }

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

//! The one output writer of qstudy: nothing is lost, nothing is half-written.
//!
//! Every command that writes files builds them into a fresh **staging directory** (with
//! [`write_file`] and [`stream_file`], or any other means), then flushes all of it to disk and
//! only then **publishes** it, in one of two ways:
//!
//! - [`publish`] (`qstudy analyze`): the staging directory *becomes* `DIR`.
//!   - `DIR` does not exist: the staging directory (beside `DIR`, same parent, so the same file
//!     system) is renamed to `DIR`.
//!   - `DIR` is an empty directory: it is removed and the staging directory renamed to `DIR`
//!     (nothing can be lost, so no `force` is needed).
//!   - `DIR` is a non-empty directory: refused unless `force`. With `force`, `DIR` must hold a
//!     previous output, listed by its manifest ([`MANIFEST`], written last into every output
//!     from the files actually staged), nothing but the files that manifest lists, and not the
//!     input: a file the user put there (`notes.txt`) makes `force` refuse, naming it, so it is
//!     never deleted; nor a file it lists whose SHA-256 changed since (the user edited it):
//!     `force` refuses, naming it. Then the old `DIR` is renamed aside, the staging directory
//!     renamed to `DIR`, and the old one deleted.
//!   - `DIR` exists and is not a directory: refused.
//!
//!   A crash at any point leaves either the old or the new complete directory (at worst under
//!   its hidden name beside `DIR`: `.DIR.qstudy-new-*` for the new one, `.DIR.qstudy-old-*` for
//!   the old one); a failure before the swap leaves `DIR` untouched and removes the staging
//!   directory; a failure of the second rename puts the old `DIR` back.
//! - [`publish_into`] (`bootstrap`, `factors --out`, `plot`, `convert`, `simulate`): the staged
//!   files are *added* to `DIR`, replacing files of the same names and touching nothing else.
//!   When `DIR` does not exist, the staging directory is renamed to `DIR` as above. Otherwise
//!   the staging directory is made inside `DIR` (`DIR/.qstudy-new-*`); once every file is
//!   built and flushed, every destination is checked (a directory where a file goes, or a file
//!   where a directory goes, refuses the whole output before anything changes), then each file
//!   is renamed into place, the file it replaces kept aside (`DIR/.qstudy-old-*`) until all are
//!   in; if one rename fails, the files already moved are taken back out and the old ones put
//!   back. With a manifest, `DIR/.qstudy-manifest` lists the files of the previous manifest and
//!   the new ones, so that `--force` of a later output can replace them.
//!
//! A failure while building (a figure that cannot be drawn, a full disk) therefore leaves `DIR`
//! exactly as it was, with no partial file. Errors name each file under `DIR` as given, never
//! under the hidden staging directory ([`Staging`] is the sink the build fills).
//!
//! Each run names its hidden entries after a token of its own and holds a lock file beside
//! them (`.NAME.qstudy-lock-*`, `DIR/.qstudy-lock-*`) for as long as it lives; the system
//! releases the lock when the process ends, however it ends. Once its output is in place, a
//! run removes the hidden entries of every run into `DIR` that is over (killed, or cut off by
//! a crash: its lock free, or no lock file at all), beside `DIR` and inside it, and reports each
//! ([`OutputWarning::LeftoverRemoved`]); a run still in progress is never touched, and `force`
//! refuses a `DIR` another run is writing into ([`OutputError::Busy`]).
//!
//! ```
//! use qstudy_io::output_dir::{self, OutputError};
//! let tmp = tempfile::tempdir().unwrap();
//! let out = tmp.path().join("out");
//! output_dir::publish(&out, false, &[], |staging| -> Result<(), OutputError> {
//!     output_dir::write_file(staging, "tables/a.csv", b"x\n1\n")
//! })
//! .unwrap();
//! assert!(out.join("tables/a.csv").is_file());
//! assert!(out.join(output_dir::MANIFEST).is_file());
//! ```

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

mod fsutil;
mod into;
mod staging;
#[cfg(test)]
mod tests;

use fsutil::{
    changed_files, foreign_files, join_rel, parent_of, read_manifest, sync_dir, sync_tree,
    write_manifest,
};
pub use into::publish_into;
pub use staging::Staging;
use staging::{Place, State};

/// The manifest of an output directory: after a comment line, one line per file qstudy wrote
/// there, its SHA-256 and its `/`-separated path (`SHA256  PATH`, as `sha256sum` prints them).
/// `force` replaces a directory only when it holds nothing else and every file it lists is as
/// qstudy wrote it. A line without a hash (a manifest of an older qstudy) lists a file that is
/// replaced unchecked, as it was then.
pub const MANIFEST: &str = ".qstudy-manifest";

/// Foreign files named in a refusal, at most.
const FOREIGN_SHOWN: usize = 10;

/// The output could not be written; every message is one line naming the path.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum OutputError {
    /// `DIR` (or a directory on the way to a file) exists and is not a directory.
    #[error("{path}: exists and is not a directory")]
    NotADirectory {
        /// The path.
        path: PathBuf,
    },
    /// A file is to be written where a directory is.
    #[error("{path}: is a directory; a file of this output goes there")]
    IsADirectory {
        /// The path.
        path: PathBuf,
    },
    /// `DIR` holds files and `force` was not given.
    #[error("{path}: the output directory exists and is not empty; use --force to replace it")]
    NotEmpty {
        /// The output directory.
        path: PathBuf,
    },
    /// `force` on a directory that holds no previous output.
    #[error(
        "{path}: not replaced, even with --force: it does not hold a previous qstudy output (no {MANIFEST} listing what qstudy wrote there); choose another --out"
    )]
    NotAnOutput {
        /// The output directory.
        path: PathBuf,
    },
    /// `force` on a previous output that also holds files qstudy did not write.
    #[error(
        "{path}: not replaced, even with --force: it holds {} that qstudy did not write ({}); move {} away or choose another --out",
        if .files.len() == 1 { "a file" } else { "files" },
        shown_list(.files),
        if .files.len() == 1 { "it" } else { "them" }
    )]
    Foreign {
        /// The output directory.
        path: PathBuf,
        /// The files qstudy did not write, `/`-separated, relative to it.
        files: Vec<String>,
    },
    /// `force` on a previous output in which a file qstudy wrote was changed since (its
    /// SHA-256 is no longer the one in the manifest).
    #[error(
        "{path}: not replaced, even with --force: {} changed after qstudy wrote {}; move {} away (or delete {} yourself) or choose another --out",
        if .files.len() == 1 { format!("{} was", shown_list(.files)) } else { format!("{} were", shown_list(.files)) },
        if .files.len() == 1 { "it" } else { "them" },
        if .files.len() == 1 { "it" } else { "them" },
        if .files.len() == 1 { "it" } else { "them" }
    )]
    Changed {
        /// The output directory.
        path: PathBuf,
        /// The changed files, `/`-separated, relative to it.
        files: Vec<String>,
    },
    /// `force` on a directory another qstudy run is writing into.
    #[error(
        "{path}: not replaced: another qstudy run is writing into it; run again once it has finished"
    )]
    Busy {
        /// The output directory.
        path: PathBuf,
    },
    /// A file of a previous output could not be read to check that it is unchanged.
    #[error("{path}: cannot read it to check that it is as qstudy wrote it: {source}")]
    Check {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// `force` on a directory that contains the input.
    #[error("{path}: not replaced: it contains the input {input}; choose another --out")]
    ContainsInput {
        /// The output directory.
        path: PathBuf,
        /// The input inside it.
        input: PathBuf,
    },
    /// A directory could not be created (or read).
    #[error("{path}: cannot create the directory: {source}")]
    CreateDir {
        /// The directory.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// A file could not be written.
    #[error("{path}: cannot write: {source}")]
    Write {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// The new output could not be put in place; the previous one is unchanged.
    #[error(
        "{path}: cannot put the new output in place ({source}); the previous content is unchanged"
    )]
    Publish {
        /// The output directory.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
}

impl OutputError {
    /// The error with its path (the file or directory it names) passed through `f`.
    fn map_path(self, f: impl FnOnce(PathBuf) -> PathBuf) -> Self {
        use OutputError::*;
        match self {
            NotADirectory { path } => NotADirectory { path: f(path) },
            IsADirectory { path } => IsADirectory { path: f(path) },
            NotEmpty { path } => NotEmpty { path: f(path) },
            NotAnOutput { path } => NotAnOutput { path: f(path) },
            Busy { path } => Busy { path: f(path) },
            Foreign { path, files } => Foreign {
                path: f(path),
                files,
            },
            Changed { path, files } => Changed {
                path: f(path),
                files,
            },
            Check { path, source } => Check {
                path: f(path),
                source,
            },
            ContainsInput { path, input } => ContainsInput {
                path: f(path),
                input,
            },
            CreateDir { path, source } => CreateDir {
                path: f(path),
                source,
            },
            Write { path, source } => Write {
                path: f(path),
                source,
            },
            Publish { path, source } => Publish {
                path: f(path),
                source,
            },
        }
    }
}

/// What [`publish`] or [`publish_into`] did.
#[derive(Debug, Clone, PartialEq)]
pub struct Published {
    /// The output directory (the target of a symbolic link given as `DIR`).
    pub dir: PathBuf,
    /// What the user should know about: the previous output kept under a hidden name, the
    /// leftovers of interrupted runs removed. The edges word them.
    pub warnings: Vec<OutputWarning>,
}

/// The files a writer of whole files (`convert`, `simulate`) put in place, and what its run
/// has to tell ([`Published::warnings`]).
#[derive(Debug, Clone, PartialEq)]
pub struct Written {
    /// The paths written, as the caller named them.
    pub paths: Vec<PathBuf>,
    /// The warnings of the run.
    pub warnings: Vec<OutputWarning>,
}

/// Something an output run did besides its files, for the user to know (worded by the edge
/// that shows it; not `non_exhaustive`, so that an edge words every one).
#[derive(Debug, Clone, PartialEq)]
pub enum OutputWarning {
    /// The previous output, moved aside, could not be deleted afterwards: it is still there.
    OldOutputKept {
        /// Where it is (`.DIR.qstudy-old-*` beside `DIR`, or `DIR/.qstudy-old-*`).
        path: PathBuf,
    },
    /// The leftover of an interrupted run (its staging directory, or the previous output it
    /// had set aside) was removed: a run into this directory that was killed, or cut off by a
    /// crash, before it could tidy up.
    LeftoverRemoved {
        /// What was removed (`.DIR.qstudy-new-*` beside `DIR`, `DIR/.qstudy-new-*`, ...).
        path: PathBuf,
    },
    /// The leftover of an interrupted run could not be removed.
    LeftoverKept {
        /// The leftover.
        path: PathBuf,
        /// Why (the system's message).
        reason: String,
    },
}

/// How `DIR` is to be replaced, decided before anything is built.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Target {
    Missing,
    Empty,
    Previous,
}

/// Test hooks: called between the steps of the swap.
#[derive(Default)]
struct Hooks {
    /// After the old `DIR` (or the first old file) was moved aside, before the new one is
    /// renamed into place.
    after_aside: Option<fn(staging: &Path)>,
}

/// Builds the output with `build` into a staging directory beside `dir`, then publishes it as
/// `dir`, replacing a previous output only with `force` (see the module documentation).
/// `protect` lists paths (the input) that `force` must never delete. `build`'s error type is
/// the caller's, holding an [`OutputError`].
///
/// ```
/// use qstudy_io::output_dir::{self, OutputError};
/// let tmp = tempfile::tempdir().unwrap();
/// let out = tmp.path().join("out");
/// let write = |text: &'static str| {
///     move |staging: &output_dir::Staging| output_dir::write_file(staging, "results.json", text.as_bytes())
/// };
/// output_dir::publish(&out, false, &[], write("old")).unwrap();
/// // not empty: refused without force
/// let e = output_dir::publish(&out, false, &[], write("new")).unwrap_err();
/// assert!(matches!(e, OutputError::NotEmpty { .. }));
/// output_dir::publish(&out, true, &[], write("new")).unwrap();
/// assert_eq!(std::fs::read_to_string(out.join("results.json")).unwrap(), "new");
/// ```
pub fn publish<E: From<OutputError>>(
    dir: &Path,
    force: bool,
    protect: &[&Path],
    build: impl FnOnce(&Staging) -> Result<(), E>,
) -> Result<Published, E> {
    publish_with(dir, force, protect, build, &Hooks::default())
}

fn publish_with<E: From<OutputError>>(
    dir: &Path,
    force: bool,
    protect: &[&Path],
    build: impl FnOnce(&Staging) -> Result<(), E>,
    hooks: &Hooks,
) -> Result<Published, E> {
    let target = resolve(dir)?;
    // Refuse early, before anything is built.
    inspect(&target, dir, force, protect)?;
    let staging = Staging::beside(&target, dir)?;
    build(&staging)?;
    write_manifest(staging.path()).map_err(|e| staging.shown_error(e))?;
    // Crash safety rests on this: every file and directory of the staging tree is on disk
    // before the rename below can make it visible as `DIR`. Files are written without a flush
    // each (`write_file`) and flushed here all at once, several at a time: a journaling file
    // system commits the concurrent flushes together instead of one commit per file, and
    // files written by any other means are covered too. A crash before the rename leaves the
    // old `DIR` and a hidden staging directory; after it, a complete new `DIR` (its content
    // was durable before its name changed); the parent's own flush below only makes the
    // rename itself durable.
    sync_tree(staging.path()).map_err(|e| staging.shown_error(e))?;

    // The state may have changed while building: look again.
    let parent = parent_of(&target);
    let mut warnings = Vec::new();
    match inspect(&target, dir, force, protect)? {
        (Target::Missing, _) => rename_new(&staging, &target, dir)?,
        (Target::Empty, _) => {
            fs::remove_dir(&target).map_err(|source| OutputError::Publish {
                path: dir.to_path_buf(),
                source,
            })?;
            rename_new(&staging, &target, dir)?;
        }
        (Target::Previous, leftovers) => {
            let old = staging.aside();
            fs::rename(&target, &old).map_err(|source| OutputError::Publish {
                path: dir.to_path_buf(),
                source,
            })?;
            if let Some(hook) = hooks.after_aside {
                hook(staging.path());
            }
            if let Err(source) = fs::rename(staging.path(), &target) {
                // put the old output back; if even that fails, it stays under its hidden name
                let _ = fs::rename(&old, &target);
                return Err(OutputError::Publish {
                    path: dir.to_path_buf(),
                    source,
                }
                .into());
            }
            staging.disarm();
            if fs::remove_dir_all(&old).is_err() {
                warnings.push(OutputWarning::OldOutputKept { path: old });
            } else {
                // the leftovers of interrupted runs inside the old output went with it
                warnings.extend(
                    leftovers
                        .into_iter()
                        .map(|path| OutputWarning::LeftoverRemoved { path }),
                );
            }
        }
    }
    sync_dir(&parent);
    warnings.extend(staging.clean(&Place::beside(&target)));
    Ok(Published {
        dir: target,
        warnings,
    })
}

fn rename_new(staging: &Staging, target: &Path, shown: &Path) -> Result<(), OutputError> {
    fs::rename(staging.path(), target).map_err(|source| OutputError::Publish {
        path: shown.to_path_buf(),
        source,
    })?;
    staging.disarm();
    Ok(())
}

/// The directory to write: `dir` itself, or what it points to when it is a symbolic link, or
/// its canonical form when it has no last component (`.`, `..`).
fn resolve(dir: &Path) -> Result<PathBuf, OutputError> {
    let is_link = fs::symlink_metadata(dir).is_ok_and(|m| m.file_type().is_symlink());
    let needs_name = matches!(
        dir.components().next_back(),
        None | Some(std::path::Component::CurDir | std::path::Component::ParentDir)
    ) || dir.file_name().is_none();
    if is_link || needs_name {
        let canonical = fs::canonicalize(dir).map_err(|source| OutputError::CreateDir {
            path: dir.to_path_buf(),
            source,
        })?;
        if canonical.file_name().is_none() {
            return Err(OutputError::NotAnOutput {
                path: dir.to_path_buf(),
            });
        }
        return Ok(canonical);
    }
    Ok(dir.to_path_buf())
}

/// How `target` (`shown` in messages) would be replaced, or why it must not be. With
/// [`Target::Previous`], the leftovers of interrupted runs inside it (`DIR/.qstudy-new-*`, as
/// `DIR/...`), which go with it.
fn inspect(
    target: &Path,
    shown: &Path,
    force: bool,
    protect: &[&Path],
) -> Result<(Target, Vec<PathBuf>), OutputError> {
    let meta = match fs::metadata(target) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Ok((Target::Missing, Vec::new()));
        }
        Err(source) => {
            return Err(OutputError::CreateDir {
                path: shown.to_path_buf(),
                source,
            });
        }
    };
    if !meta.is_dir() {
        return Err(OutputError::NotADirectory {
            path: shown.to_path_buf(),
        });
    }
    let mut entries = fs::read_dir(target).map_err(|source| OutputError::CreateDir {
        path: shown.to_path_buf(),
        source,
    })?;
    if entries.next().is_none() {
        return Ok((Target::Empty, Vec::new()));
    }
    if !force {
        return Err(OutputError::NotEmpty {
            path: shown.to_path_buf(),
        });
    }
    let Some(listed) = read_manifest(target) else {
        return Err(OutputError::NotAnOutput {
            path: shown.to_path_buf(),
        });
    };
    // The hidden entries of other runs inside: a live one's are not to be pulled from under
    // it; those of interrupted runs are qstudy's, not the user's, and go with the old output.
    let inside = Place::inside(target);
    let mut ours = Vec::new();
    let mut leftovers = Vec::new();
    for (token, run) in staging::runs_at(&inside) {
        if let State::Live = staging::state(&inside, &token) {
            return Err(OutputError::Busy {
                path: shown.to_path_buf(),
            });
        }
        for entry in run.dirs.iter().chain(&run.lock) {
            if let Some(name) = entry.file_name() {
                ours.push(name.to_string_lossy().into_owned());
            }
        }
        leftovers.extend(
            run.dirs
                .iter()
                .filter_map(|d| d.file_name())
                .map(|name| shown.join(name)),
        );
    }
    let foreign =
        foreign_files(target, &listed, &ours).map_err(|source| OutputError::CreateDir {
            path: shown.to_path_buf(),
            source,
        })?;
    if !foreign.is_empty() {
        return Err(OutputError::Foreign {
            path: shown.to_path_buf(),
            files: foreign,
        });
    }
    if let Ok(t) = fs::canonicalize(target) {
        for p in protect {
            let Ok(p) = fs::canonicalize(p) else {
                continue;
            };
            if p.starts_with(&t) {
                return Err(OutputError::ContainsInput {
                    path: shown.to_path_buf(),
                    input: p,
                });
            }
        }
    }
    // Last, as it reads every file: a file qstudy wrote and the user changed since is kept.
    let changed = changed_files(target, &listed).map_err(|(rel, source)| OutputError::Check {
        path: join_rel(shown, &rel),
        source,
    })?;
    if !changed.is_empty() {
        return Err(OutputError::Changed {
            path: shown.to_path_buf(),
            files: changed,
        });
    }
    Ok((Target::Previous, leftovers))
}

/// `a, b, c` or `a, b, ... and 12 more`, each quoted on one line.
fn shown_list(files: &[String]) -> String {
    let mut shown: Vec<String> = files
        .iter()
        .take(FOREIGN_SHOWN)
        .map(|f| format!("{:?}", f))
        .collect();
    if files.len() > FOREIGN_SHOWN {
        shown.push(format!("and {} more", files.len() - FOREIGN_SHOWN));
    }
    shown.join(", ")
}

/// Creates the directories of `rel` (`/`-separated) under `staging` and the file itself.
fn create_file(staging: &Path, rel: &str) -> Result<(PathBuf, fs::File), OutputError> {
    let path = join_rel(staging, rel);
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).map_err(|source| OutputError::CreateDir {
            path: parent.to_path_buf(),
            source,
        })?;
    }
    let file = fs::File::create(&path).map_err(|source| OutputError::Write {
        path: path.clone(),
        source,
    })?;
    Ok((path, file))
}

/// Where the files of an output set go: a staging directory (a [`Path`], published as a
/// whole by [`publish`] or [`publish_into`]) or memory ([`MemorySink`], which the workbench
/// zips). The output sets are written once, against this trait, whatever their destination.
/// Files may be created from several threads at once.
pub trait Sink: Sync {
    /// Creates `rel` (`/`-separated; its directories too) for writing. The file holds its
    /// bytes once [`SinkFile::finish`] returns.
    fn create(&self, rel: &str) -> Result<Box<dyn SinkFile + '_>, OutputError>;
    /// How `rel` is named in errors.
    fn path_of(&self, rel: &str) -> PathBuf;
    /// Flushes the files `rels`, done, to their storage now (disk: several at a time, so that
    /// the wait for their data is not all at the end); nothing to do in memory.
    fn flush_files(&self, rels: &[&str]) -> Result<(), OutputError> {
        let _ = rels;
        Ok(())
    }
}

/// A file being written into a [`Sink`]: seekable (a workbook is written with seeks), sendable
/// (a long output is built on a thread of its own).
pub trait SinkFile: Write + std::io::Seek + Send {
    /// Ends the file: its buffered bytes are written (not flushed to disk: [`publish`] flushes
    /// the whole staging directory).
    fn finish(self: Box<Self>) -> Result<(), OutputError>;
}

/// A file of a staging directory, through a 64 KiB buffer.
struct DirFile {
    path: PathBuf,
    w: std::io::BufWriter<fs::File>,
}

impl Write for DirFile {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.w.write(buf)
    }
    fn write_all(&mut self, buf: &[u8]) -> std::io::Result<()> {
        self.w.write_all(buf)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.w.flush()
    }
}

impl std::io::Seek for DirFile {
    fn seek(&mut self, pos: std::io::SeekFrom) -> std::io::Result<u64> {
        self.w.seek(pos)
    }
}

impl SinkFile for DirFile {
    fn finish(mut self: Box<Self>) -> Result<(), OutputError> {
        let DirFile { path, w } = &mut *self;
        w.flush().map_err(|source| OutputError::Write {
            path: path.clone(),
            source,
        })
    }
}

/// A staging directory: files are created under it.
impl Sink for Path {
    fn create(&self, rel: &str) -> Result<Box<dyn SinkFile + '_>, OutputError> {
        let (path, file) = create_file(self, rel)?;
        Ok(Box::new(DirFile {
            path,
            w: std::io::BufWriter::with_capacity(1 << 16, file),
        }))
    }
    fn path_of(&self, rel: &str) -> PathBuf {
        join_rel(self, rel)
    }
    fn flush_files(&self, rels: &[&str]) -> Result<(), OutputError> {
        let paths: Vec<PathBuf> = rels.iter().map(|rel| join_rel(self, rel)).collect();
        fsutil::sync_files(&paths)
    }
}

/// An output set held in memory, file by file: what the workbench zips for a download, with
/// no file written to disk.
///
/// ```
/// use qstudy_io::output_dir::{MemorySink, write_file};
/// let sink = MemorySink::default();
/// write_file(&sink, "tables/b.csv", b"b").unwrap();
/// write_file(&sink, "a.txt", b"a").unwrap();
/// let files = sink.into_files();
/// assert_eq!(files[0], ("a.txt".to_string(), b"a".to_vec()));
/// ```
#[derive(Debug, Default)]
pub struct MemorySink {
    files: std::sync::Mutex<Vec<(String, Vec<u8>)>>,
}

/// A file of a [`MemorySink`], added to it when finished.
struct MemoryFile<'a> {
    rel: String,
    bytes: std::io::Cursor<Vec<u8>>,
    sink: &'a MemorySink,
}

impl Write for MemoryFile<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.bytes.write(buf)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl std::io::Seek for MemoryFile<'_> {
    fn seek(&mut self, pos: std::io::SeekFrom) -> std::io::Result<u64> {
        self.bytes.seek(pos)
    }
}

impl SinkFile for MemoryFile<'_> {
    fn finish(self: Box<Self>) -> Result<(), OutputError> {
        let MemoryFile { rel, bytes, sink } = *self;
        let mut files = sink.files.lock().unwrap_or_else(|e| e.into_inner());
        files.retain(|(name, _)| *name != rel);
        files.push((rel, bytes.into_inner()));
        Ok(())
    }
}

impl Sink for MemorySink {
    fn create(&self, rel: &str) -> Result<Box<dyn SinkFile + '_>, OutputError> {
        Ok(Box::new(MemoryFile {
            rel: rel.to_string(),
            bytes: std::io::Cursor::new(Vec::new()),
            sink: self,
        }))
    }
    fn path_of(&self, rel: &str) -> PathBuf {
        PathBuf::from(rel)
    }
}

impl MemorySink {
    /// The files, `(relative path, bytes)`, in the order of a directory listed depth first
    /// with names sorted (whatever order, or thread, they were written in).
    pub fn into_files(self) -> Vec<(String, Vec<u8>)> {
        let mut files = self.files.into_inner().unwrap_or_else(|e| e.into_inner());
        files.sort_by(|a, b| a.0.split('/').cmp(b.0.split('/')));
        files
    }
}

/// Writes `bytes` as `rel` (`/`-separated) into `sink`, creating subdirectories. In a staging
/// directory the file is not flushed here: [`publish`] and [`publish_into`] flush the whole
/// staging directory before publishing it.
///
/// ```
/// let tmp = tempfile::tempdir().unwrap();
/// qstudy_io::output_dir::write_file(tmp.path(), "plots/a.svg", b"<svg/>").unwrap();
/// assert!(tmp.path().join("plots/a.svg").is_file());
/// ```
pub fn write_file(sink: &(impl Sink + ?Sized), rel: &str, bytes: &[u8]) -> Result<(), OutputError> {
    let mut file = sink.create(rel)?;
    file.write_all(bytes).map_err(|source| OutputError::Write {
        path: sink.path_of(rel),
        source,
    })?;
    file.finish()
}

/// Flushes the files `rels` (`/`-separated) of `sink` to disk now ([`Sink::flush_files`]).
/// [`publish`] and [`publish_into`] flush the whole directory anyway; flushing the outputs
/// that are done while another is still being written moves the wait for their data off the
/// end (a flushed file is quick to flush again).
///
/// ```
/// let tmp = tempfile::tempdir().unwrap();
/// qstudy_io::output_dir::write_file(tmp.path(), "a.txt", b"a").unwrap();
/// qstudy_io::output_dir::flush_files(tmp.path(), &["a.txt"]).unwrap();
/// assert!(qstudy_io::output_dir::flush_files(tmp.path(), &["b.txt"]).is_err());
/// ```
pub fn flush_files(sink: &(impl Sink + ?Sized), rels: &[&str]) -> Result<(), OutputError> {
    sink.flush_files(rels)
}

/// Creates `rel` (`/`-separated) in `sink`, lets `write` fill it, then ends it
/// ([`SinkFile::finish`]). For outputs too large to build in memory first. `write`'s error
/// type is the caller's, holding an [`OutputError`].
///
/// ```
/// use std::io::Write;
/// use qstudy_io::output_dir::{stream_file, OutputError};
/// let tmp = tempfile::tempdir().unwrap();
/// stream_file(tmp.path(), "big.txt", |w| -> Result<(), OutputError> {
///     writeln!(w, "line").map_err(|source| OutputError::Write { path: "big.txt".into(), source })
/// })
/// .unwrap();
/// assert_eq!(std::fs::read_to_string(tmp.path().join("big.txt")).unwrap(), "line\n");
/// ```
pub fn stream_file<T, E: From<OutputError>>(
    sink: &(impl Sink + ?Sized),
    rel: &str,
    write: impl FnOnce(&mut dyn SinkFile) -> Result<T, E>,
) -> Result<T, E> {
    let mut file = sink.create(rel)?;
    let value = write(&mut *file)?;
    file.finish()?;
    Ok(value)
}

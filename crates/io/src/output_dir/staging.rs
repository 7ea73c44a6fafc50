//! A run's hidden directories and the lock that tells them from the leftovers of a run that
//! was interrupted (killed, a power cut).
//!
//! Every run has a token, `PID-N` (new for each run of the process), and keeps its hidden
//! entries in one place, named after it: beside `DIR` (`.NAME.qstudy-new-TOKEN`, the staging
//! directory, `.NAME.qstudy-old-TOKEN`, the previous output set aside, and
//! `.NAME.qstudy-lock-TOKEN`) or inside it (`.qstudy-new-TOKEN`, `.qstudy-old-TOKEN`,
//! `.qstudy-lock-TOKEN`). The lock file is created and locked (`File::try_lock`, an advisory
//! lock the operating system releases when the process ends, however it ends) before the
//! run's directories exist, and removed, still locked, only after they are gone. So a run's
//! directories with a lock file that can be locked, or with none, belong to a run that is
//! over: they are leftovers, and the next run into that directory removes them; while the lock
//! is held they are never touched.

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use super::fsutil::{hidden_stem, join_rel, parent_of};
use super::{DirFile, OutputError, OutputWarning, Sink, SinkFile, create_file};

/// Runs of this process so far: each run's token is new.
static RUNS: AtomicU64 = AtomicU64::new(0);

/// Tokens tried before giving up (each taken name is skipped).
const ATTEMPTS: usize = 1000;

/// The kinds of a run's hidden entries.
const NEW: &str = "new";
const OLD: &str = "old";
const LOCK: &str = "lock";

/// Where runs keep their hidden entries: a directory and the start of their names (`.NAME.`
/// beside `DIR`, `.` inside it).
#[derive(Debug, Clone)]
pub(super) struct Place {
    dir: PathBuf,
    hidden: String,
}

impl Place {
    /// Beside `target`, in its parent: `.NAME.qstudy-*`.
    pub(super) fn beside(target: &Path) -> Self {
        Place {
            dir: parent_of(target),
            hidden: format!("{}.", hidden_stem(target)),
        }
    }

    /// Inside `target`: `.qstudy-*`.
    pub(super) fn inside(target: &Path) -> Self {
        Place {
            dir: target.to_path_buf(),
            hidden: ".".to_string(),
        }
    }

    fn entry(&self, kind: &str, token: &str) -> PathBuf {
        self.dir
            .join(format!("{}qstudy-{kind}-{token}", self.hidden))
    }

    /// The kind and token of a hidden entry of this place named `name`.
    fn parse<'a>(&self, name: &'a str) -> Option<(&'static str, &'a str)> {
        let rest = name.strip_prefix(&self.hidden)?.strip_prefix("qstudy-")?;
        [NEW, OLD, LOCK].into_iter().find_map(|kind| {
            let token = rest.strip_prefix(kind)?.strip_prefix('-')?;
            let (pid, n) = token.split_once('-')?;
            let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
            (digits(pid) && digits(n)).then_some((kind, token))
        })
    }
}

/// The lock of a live run: its file, locked, and its path. Dropped, the file is removed (still
/// locked) and then closed, which releases the lock.
pub(super) struct RunLock {
    path: PathBuf,
    _file: fs::File,
}

impl Drop for RunLock {
    fn drop(&mut self) {
        let _ = fs::remove_file(&self.path);
    }
}

/// Whether `file` is the file at `path` now (not one removed since, nor another made in its
/// place). Where that cannot be told (not Unix), whether `path` exists.
fn is_file_at(file: &fs::File, path: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        match (file.metadata(), fs::symlink_metadata(path)) {
            (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
            _ => false,
        }
    }
    #[cfg(not(unix))]
    {
        let _ = file;
        fs::symlink_metadata(path).is_ok()
    }
}

/// A staging directory being filled by a run: a [`Sink`] whose files are named in errors
/// under the output directory the user gave (`DIR/plots/x.svg`), never under the hidden name
/// of the staging directory. Removed with its content when dropped, unless published; its
/// run's lock is released after it.
pub struct Staging {
    path: PathBuf,
    /// The output directory as given, naming the files in errors.
    shown: PathBuf,
    place: Place,
    token: String,
    armed: AtomicBool,
    /// Last: dropped after the directory is removed.
    _lock: Option<RunLock>,
}

impl std::fmt::Debug for Staging {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Staging")
            .field("shown", &self.shown)
            .finish_non_exhaustive()
    }
}

impl Staging {
    /// A new staging directory beside `target` (`.NAME.qstudy-new-*`), its parents created.
    pub(super) fn beside(target: &Path, shown: &Path) -> Result<Self, OutputError> {
        let parent = parent_of(target);
        fs::create_dir_all(&parent).map_err(|source| OutputError::CreateDir {
            path: parent.clone(),
            source,
        })?;
        Self::create(Place::beside(target), shown)
    }

    /// A new staging directory inside `target` (`DIR/.qstudy-new-*`).
    pub(super) fn inside(target: &Path, shown: &Path) -> Result<Self, OutputError> {
        Self::create(Place::inside(target), shown)
    }

    /// The run's lock file, created and locked first, then its staging directory, under a
    /// token none of whose names is taken.
    fn create(place: Place, shown: &Path) -> Result<Self, OutputError> {
        let failed = |source| OutputError::CreateDir {
            path: shown.to_path_buf(),
            source,
        };
        let pid = std::process::id();
        for _ in 0..ATTEMPTS {
            let token = format!("{pid}-{}", RUNS.fetch_add(1, Ordering::Relaxed));
            let lock_path = place.entry(LOCK, &token);
            let file = match fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&lock_path)
            {
                Ok(f) => f,
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
                Err(source) => return Err(failed(source)),
            };
            let locked = match file.try_lock() {
                Ok(()) => true,
                // a cleaning run holds it, taking it for a leftover: another token
                Err(fs::TryLockError::WouldBlock) => false,
                // no locks on this file system: the run goes on unprotected (a run that cannot
                // lock a file never removes another's either)
                Err(fs::TryLockError::Error(_)) => true,
            };
            let lock = RunLock {
                path: lock_path.clone(),
                _file: file,
            };
            // removed meanwhile by a cleaning run that took it for a leftover: another token
            if !locked || !is_file_at(&lock._file, &lock_path) {
                continue;
            }
            if fs::symlink_metadata(place.entry(OLD, &token)).is_ok() {
                continue;
            }
            let path = place.entry(NEW, &token);
            match fs::create_dir(&path) {
                Ok(()) => {
                    return Ok(Staging {
                        path,
                        shown: shown.to_path_buf(),
                        place,
                        token,
                        armed: AtomicBool::new(true),
                        _lock: Some(lock),
                    });
                }
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
                Err(source) => return Err(failed(source)),
            }
        }
        Err(failed(std::io::Error::new(
            std::io::ErrorKind::AlreadyExists,
            "no free name for the staging directory",
        )))
    }

    /// The staging directory itself (never shown: see [`Staging::shown_error`]).
    pub(super) fn path(&self) -> &Path {
        &self.path
    }

    /// Where this run sets the previous output (or the files it replaces) aside:
    /// `.NAME.qstudy-old-TOKEN` or `DIR/.qstudy-old-TOKEN`, covered by the run's lock.
    pub(super) fn aside(&self) -> PathBuf {
        self.place.entry(OLD, &self.token)
    }

    pub(super) fn disarm(&self) {
        self.armed.store(false, Ordering::Relaxed);
    }

    /// Removes the leftovers of interrupted runs at `place` (never this run's own).
    pub(super) fn clean(&self, place: &Place) -> Vec<OutputWarning> {
        clean(place, Some(&self.token))
    }

    /// `e` with a path inside the staging directory named as the user knows it: the same
    /// path under the output directory given.
    pub(super) fn shown_error(&self, e: OutputError) -> OutputError {
        e.map_path(|p| match p.strip_prefix(&self.path) {
            Ok(rel) if rel.as_os_str().is_empty() => self.shown.clone(),
            Ok(rel) => self.shown.join(rel),
            Err(_) => p,
        })
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if self.armed.load(Ordering::Relaxed) {
            let _ = fs::remove_dir_all(&self.path);
        }
    }
}

/// A run's staging directory: files are created under it, and named under the output
/// directory in errors.
impl Sink for Staging {
    fn create(&self, rel: &str) -> Result<Box<dyn SinkFile + '_>, OutputError> {
        let (_, file) = create_file(&self.path, rel).map_err(|e| self.shown_error(e))?;
        Ok(Box::new(DirFile {
            path: join_rel(&self.shown, rel),
            w: std::io::BufWriter::with_capacity(1 << 16, file),
        }))
    }
    fn path_of(&self, rel: &str) -> PathBuf {
        join_rel(&self.shown, rel)
    }
    fn flush_files(&self, rels: &[&str]) -> Result<(), OutputError> {
        self.path
            .as_path()
            .flush_files(rels)
            .map_err(|e| self.shown_error(e))
    }
}

/// The hidden entries of one run at a place.
#[derive(Debug, Default)]
pub(super) struct Run {
    /// Its staging and set-aside directories (any other kind of entry under such a name too).
    pub(super) dirs: Vec<PathBuf>,
    /// Its lock file, when listed.
    pub(super) lock: Option<PathBuf>,
}

/// Whether a run is over.
pub(super) enum State {
    /// Its lock is held (or cannot be tested): it is running.
    Live,
    /// Over: its lock file is gone, or it is locked now by this process (`Held`, kept until
    /// the run's entries are removed).
    Over(Option<Held>),
}

/// The lock file of a run that is over, locked by this process.
pub(super) struct Held {
    path: PathBuf,
    _file: fs::File,
}

impl Held {
    /// Removes the lock file (still locked), then releases it.
    fn remove(self) {
        let _ = fs::remove_file(&self.path);
    }
}

/// The runs with hidden entries at `place`, by token (none when it cannot be read).
pub(super) fn runs_at(place: &Place) -> std::collections::BTreeMap<String, Run> {
    let mut runs = std::collections::BTreeMap::<String, Run>::new();
    let Ok(entries) = fs::read_dir(&place.dir) else {
        return runs;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(name) = name.to_str() else { continue };
        let Some((kind, token)) = place.parse(name) else {
            continue;
        };
        let run = runs.entry(token.to_string()).or_default();
        if kind == LOCK {
            run.lock = Some(entry.path());
        } else {
            run.dirs.push(entry.path());
        }
    }
    runs
}

/// Whether the run `token` at `place` is over: its lock file is looked up again (a listing is
/// no snapshot), and locked if it is there.
pub(super) fn state(place: &Place, token: &str) -> State {
    let path = place.entry(LOCK, token);
    let file = match fs::OpenOptions::new().read(true).open(&path) {
        Ok(f) => f,
        // no lock file: a run of an older qstudy, or one that removed it, after its directories
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return State::Over(None),
        Err(_) => return State::Live,
    };
    match file.try_lock() {
        Ok(()) if is_file_at(&file, &path) => State::Over(Some(Held { path, _file: file })),
        // removed since it was opened: the run ended, its directories are gone
        Ok(()) if fs::symlink_metadata(&path).is_err() => State::Over(None),
        _ => State::Live,
    }
}

/// Removes the entries of every run at `place` that is over (never those of `own`): each of
/// its directories a warning (removed, or why not), then its lock file.
pub(super) fn clean(place: &Place, own: Option<&str>) -> Vec<OutputWarning> {
    let mut warnings = Vec::new();
    for (token, run) in runs_at(place) {
        if Some(token.as_str()) == own {
            continue;
        }
        let State::Over(held) = state(place, &token) else {
            continue;
        };
        for dir in &run.dirs {
            let removed = match fs::symlink_metadata(dir) {
                Ok(m) if m.is_dir() => fs::remove_dir_all(dir),
                Ok(_) => fs::remove_file(dir),
                Err(e) => Err(e),
            };
            match removed {
                Ok(()) => warnings.push(OutputWarning::LeftoverRemoved { path: dir.clone() }),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => warnings.push(OutputWarning::LeftoverKept {
                    path: dir.clone(),
                    reason: e.to_string(),
                }),
            }
        }
        // the lock file last, while it is still locked
        if let Some(held) = held {
            held.remove();
        }
    }
    warnings
}

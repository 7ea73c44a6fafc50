//! The workbench's private files: the directory of a running session (uploads, and the page
//! opener that carries the token to the browser), readable by its user only, removed when the
//! session ends, and removed at the next start if the process that made it died.
//!
//! A session directory is `qstudy-serve-*` in the system's temporary directory, created `0700`
//! (files in it `0600`), holding a lock file (`.lock`) that the running server holds locked
//! (`File::try_lock`). At start, every `qstudy-serve-*` directory whose lock can be taken
//! belongs to a server that is gone (killed, or crashed) and is removed; the lock of a live
//! server, in this process or another, cannot be taken, and its directory is left alone, as is a
//! directory without a lock file (not made this way).

use std::fs::{self, File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::error::ServeError;

/// The prefix of every session directory in the temporary directory.
pub const SESSION_PREFIX: &str = "qstudy-serve-";

/// The lock file of a session directory.
const LOCK: &str = ".lock";

/// A session's private directory, removed (with every upload in it) when dropped.
#[derive(Debug)]
pub struct SessionDir {
    // Declared first, dropped first: the lock is released before the directory is removed
    // (Windows removes no directory holding an open file).
    _lock: File,
    dir: tempfile::TempDir,
}

/// The permissions of a private directory (`0700` on Unix).
pub(crate) fn private_dir_builder(prefix: &str) -> tempfile::Builder<'_, '_> {
    let mut b = tempfile::Builder::new();
    b.prefix(prefix);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        b.permissions(fs::Permissions::from_mode(0o700));
    }
    b
}

/// Creates `path` for writing, readable by its owner only (`0600` on Unix); fails if it exists.
pub fn create_private_file(path: &Path) -> std::io::Result<File> {
    let mut o = OpenOptions::new();
    o.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        o.mode(0o600);
    }
    o.open(path)
}

/// Creates the directory `path` (and its missing parents), readable by its owner only.
pub fn create_private_dir(path: &Path) -> std::io::Result<()> {
    let mut b = fs::DirBuilder::new();
    b.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        b.mode(0o700);
    }
    b.create(path)
}

impl SessionDir {
    /// A fresh session directory in `parent` (the system's temporary directory when `None`),
    /// after removing the directories there of sessions that are gone; returns it and the
    /// directories removed.
    pub fn create(parent: Option<&Path>) -> Result<(SessionDir, Vec<PathBuf>), ServeError> {
        let parent = parent.map_or_else(std::env::temp_dir, Path::to_path_buf);
        let removed = remove_stale(&parent);
        let disk = |source| ServeError::Disk {
            path: parent.clone(),
            source,
        };
        let dir = private_dir_builder(SESSION_PREFIX)
            .tempdir_in(&parent)
            .map_err(disk)?;
        let lock = create_private_file(&dir.path().join(LOCK)).map_err(disk)?;
        lock.try_lock().map_err(|e| {
            disk(match e {
                fs::TryLockError::Error(e) => e,
                fs::TryLockError::WouldBlock => std::io::Error::other("its lock is taken"),
            })
        })?;
        Ok((SessionDir { _lock: lock, dir }, removed))
    }

    /// The directory.
    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// A fresh private directory for one upload, inside the session's.
    pub fn upload_dir(&self) -> Result<tempfile::TempDir, ServeError> {
        private_dir_builder("upload-")
            .tempdir_in(self.dir.path())
            .map_err(|source| ServeError::Disk {
                path: PathBuf::from("the workbench's private directory"),
                source,
            })
    }
}

/// Removes the session directories in `parent` whose server is gone (their lock can be taken);
/// returns them. Failures are skipped: another user's directory, or one being removed.
fn remove_stale(parent: &Path) -> Vec<PathBuf> {
    let Ok(entries) = fs::read_dir(parent) else {
        return Vec::new();
    };
    let mut removed = Vec::new();
    for entry in entries.flatten() {
        let name = entry.file_name();
        if !name.to_string_lossy().starts_with(SESSION_PREFIX)
            || !entry.file_type().is_ok_and(|t| t.is_dir())
        {
            continue;
        }
        let path = entry.path();
        let Ok(lock) = File::open(path.join(LOCK)) else {
            continue;
        };
        if lock.try_lock().is_ok() && fs::remove_dir_all(&path).is_ok() {
            removed.push(path);
        }
    }
    removed
}

/// The page opener: a private HTML file that sends the browser to `url` (which carries the
/// token), so that the token is never on a command line other users can read (`ps`). Removed
/// when dropped.
#[derive(Debug)]
pub struct Opener {
    path: PathBuf,
    // The directory made for it, removed with it (None: it lives in the session directory).
    dir: Option<tempfile::TempDir>,
}

impl Opener {
    /// Writes the opener into `dir` (a private directory the browser can read).
    pub fn write(dir: &Path, url: &str) -> std::io::Result<Opener> {
        let path = dir.join("open-workbench.html");
        let mut f = create_private_file(&path)?;
        // The URL is ours: 127.0.0.1, a port and a hex token; nothing to escape.
        write!(
            f,
            "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
             <meta http-equiv=\"refresh\" content=\"0;url={url}\">\
             <title>qstudy workbench</title></head>\
             <body><p><a href=\"{url}\">Open the qstudy workbench</a></p></body></html>\n"
        )?;
        f.sync_all()?;
        Ok(Opener { path, dir: None })
    }

    /// Writes the opener where the user's browser can read it: on Linux, a private directory
    /// under the user's data directory (`$XDG_DATA_HOME/qstudy`, else `~/.local/share/qstudy`),
    /// since browsers packaged as snaps cannot read the system's temporary directory; elsewhere
    /// (or when there is no home), the session directory, which is private to the user.
    pub fn write_for_browser(session: &SessionDir, url: &str) -> std::io::Result<Opener> {
        if cfg!(target_os = "linux")
            && let Some(data) = std::env::var_os("XDG_DATA_HOME")
                .filter(|d| Path::new(d).is_absolute())
                .map(PathBuf::from)
                .or_else(|| std::env::var_os("HOME").map(|h| Path::new(&h).join(".local/share")))
        {
            let parent = data.join("qstudy");
            if create_private_dir(&parent).is_ok()
                && let Ok(dir) = private_dir_builder("serve-").tempdir_in(&parent)
            {
                let mut opener = Opener::write(dir.path(), url)?;
                opener.dir = Some(dir);
                return Ok(opener);
            }
        }
        Opener::write(session.path(), url)
    }

    /// The file to open.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for Opener {
    fn drop(&mut self) {
        if self.dir.is_none() {
            let _ = fs::remove_file(&self.path);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_session_directory_is_private_and_a_dead_ones_is_removed_at_the_next_start() {
        let parent = tempfile::tempdir().unwrap();
        let (live, removed) = SessionDir::create(Some(parent.path())).unwrap();
        assert!(removed.is_empty());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = fs::metadata(live.path()).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o700);
            let up = live.upload_dir().unwrap();
            assert_eq!(
                fs::metadata(up.path()).unwrap().permissions().mode() & 0o777,
                0o700
            );
            let f = up.path().join("a.csv");
            create_private_file(&f).unwrap();
            assert_eq!(
                fs::metadata(&f).unwrap().permissions().mode() & 0o777,
                0o600
            );
        }
        // a dead session: its directory and lock file are there, nobody holds the lock
        let dead = parent.path().join(format!("{SESSION_PREFIX}dead"));
        fs::create_dir(&dead).unwrap();
        File::create(dead.join(LOCK)).unwrap();
        fs::write(dead.join("sorts.csv"), "x").unwrap();
        // not ours: no lock file
        let other = parent.path().join(format!("{SESSION_PREFIX}other"));
        fs::create_dir(&other).unwrap();
        let (second, removed) = SessionDir::create(Some(parent.path())).unwrap();
        assert_eq!(removed, vec![dead.clone()]);
        assert!(!dead.exists());
        assert!(other.exists(), "a directory without a lock is not ours");
        assert!(live.path().exists(), "a live session's directory stays");
        let (first, second) = (live.path().to_path_buf(), second.path().to_path_buf());
        drop(live);
        assert!(!first.exists() && second.exists());
    }

    #[test]
    fn the_opener_sends_the_browser_to_the_address_and_is_removed_with_the_session() {
        let parent = tempfile::tempdir().unwrap();
        let (session, _) = SessionDir::create(Some(parent.path())).unwrap();
        let url = "http://127.0.0.1:8080/?token=00ff";
        let opener = Opener::write(session.path(), url).unwrap();
        let html = fs::read_to_string(opener.path()).unwrap();
        assert!(html.contains(&format!("content=\"0;url={url}\"")), "{html}");
        let path = opener.path().to_path_buf();
        drop(opener);
        assert!(!path.exists());
    }
}

//! File-system helpers of the output writer: the listing of a tree, the manifest, hidden
//! names, and flushing a tree to disk.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

use super::{MANIFEST, OutputError};

/// Flushes run at once by [`sync_tree`].
const SYNC_THREADS: usize = 8;

/// Every entry under `root` that is not a directory, as `/`-separated relative paths, sorted;
/// directories only when they are empty (so that an empty directory a user made counts too).
/// Symbolic links are listed, never followed.
pub(super) fn tree_entries(root: &Path) -> std::io::Result<Vec<String>> {
    let mut out = Vec::new();
    let mut stack = vec![(root.to_path_buf(), String::new())];
    while let Some((dir, rel)) = stack.pop() {
        let mut empty = true;
        for entry in fs::read_dir(&dir)? {
            let entry = entry?;
            empty = false;
            let name = entry.file_name().to_string_lossy().into_owned();
            let child = if rel.is_empty() {
                name
            } else {
                format!("{rel}/{name}")
            };
            if entry.file_type()?.is_dir() {
                stack.push((entry.path(), child));
            } else {
                out.push(child);
            }
        }
        if empty && !rel.is_empty() {
            out.push(format!("{rel}/"));
        }
    }
    out.sort();
    Ok(out)
}

/// The text of a manifest listing `files` (the manifest itself left out).
pub(super) fn manifest_text<'a>(files: impl IntoIterator<Item = &'a String>) -> String {
    let mut text = String::from(
        "# Files written by qstudy; `--force` replaces this directory only if it holds nothing else.\n",
    );
    for f in files.into_iter().filter(|f| *f != MANIFEST) {
        text.push_str(f);
        text.push('\n');
    }
    text
}

/// Writes [`MANIFEST`] into `staging`, listing every file staged there.
pub(super) fn write_manifest(staging: &Path) -> Result<(), OutputError> {
    let files = tree_entries(staging).map_err(|source| OutputError::Write {
        path: staging.join(MANIFEST),
        source,
    })?;
    super::write_file(staging, MANIFEST, manifest_text(&files).as_bytes())
}

/// The paths a previous output's manifest lists, or `None` when it has none (or an unreadable
/// one: such a directory is not replaced).
pub(super) fn read_manifest(dir: &Path) -> Option<BTreeSet<String>> {
    let path = dir.join(MANIFEST);
    let meta = fs::symlink_metadata(&path).ok()?;
    // A regular file of sane size: a manifest is a few hundred bytes.
    if !meta.is_file() || meta.len() > 1 << 24 {
        return None;
    }
    let text = fs::read_to_string(&path).ok()?;
    Some(
        text.lines()
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .map(str::to_string)
            .collect(),
    )
}

/// The entries of `dir` that its manifest does not list (the manifest itself aside).
pub(super) fn foreign_files(dir: &Path, listed: &BTreeSet<String>) -> std::io::Result<Vec<String>> {
    Ok(tree_entries(dir)?
        .into_iter()
        .filter(|f| f != MANIFEST && !listed.contains(f))
        .collect())
}

/// `rel` (`/`-separated) under `root`.
pub(super) fn join_rel(root: &Path, rel: &str) -> PathBuf {
    rel.split('/')
        .filter(|c| !c.is_empty())
        .fold(root.to_path_buf(), |p, c| p.join(c))
}

pub(super) fn parent_of(target: &Path) -> PathBuf {
    match target.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// `.NAME` for the hidden names beside `DIR` (at most 40 characters of the name).
pub(super) fn hidden_stem(target: &Path) -> String {
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "out".to_string());
    format!(".{}", name.chars().take(40).collect::<String>())
}

/// A name `PREFIXpid-n` in `parent` that does not exist yet.
pub(super) fn unused_name(parent: &Path, prefix: &str) -> PathBuf {
    let pid = std::process::id();
    (0u64..)
        .map(|n| parent.join(format!("{prefix}{pid}-{n}")))
        .find(|p| fs::symlink_metadata(p).is_err())
        .expect("an unused name")
}

/// Flushes a directory's entries to disk (best effort: not every platform can).
pub(super) fn sync_dir(dir: &Path) {
    if let Ok(d) = fs::File::open(dir) {
        let _ = d.sync_all();
    }
}

/// Flushes every file under `root`, every directory under it and `root` itself to disk, at
/// most [`SYNC_THREADS`] at a time (the threads wait on the disk, they use no CPU). A file that
/// cannot be flushed is an error naming it; directories are flushed on a best-effort basis
/// (not every platform can), as [`sync_dir`].
pub(super) fn sync_tree(root: &Path) -> Result<(), OutputError> {
    let mut files = Vec::new();
    let mut dirs = vec![root.to_path_buf()];
    let mut next = 0;
    while next < dirs.len() {
        let dir = dirs[next].clone();
        next += 1;
        let entries = fs::read_dir(&dir).map_err(|source| OutputError::Write {
            path: dir.clone(),
            source,
        })?;
        for entry in entries {
            let entry = entry.map_err(|source| OutputError::Write {
                path: dir.clone(),
                source,
            })?;
            match entry.file_type() {
                Ok(t) if t.is_dir() => dirs.push(entry.path()),
                Ok(t) if t.is_file() => files.push(entry.path()),
                _ => {}
            }
        }
    }
    // Sorted, so that the error reported when several files fail is always the same one.
    files.sort();
    let jobs: Vec<(&Path, bool)> = files
        .iter()
        .map(|f| (f.as_path(), true))
        .chain(dirs.iter().map(|d| (d.as_path(), false)))
        .collect();
    sync_jobs(&jobs)
}

/// Flushes `files` to disk, at most [`SYNC_THREADS`] at a time; the first that cannot be
/// flushed (in the given order) is the error.
pub(super) fn sync_files(files: &[PathBuf]) -> Result<(), OutputError> {
    let jobs: Vec<(&Path, bool)> = files.iter().map(|f| (f.as_path(), true)).collect();
    sync_jobs(&jobs)
}

/// Flushes each `(path, is_file)` to disk, at most [`SYNC_THREADS`] at a time: a file that
/// cannot be flushed is an error naming it (the first in `jobs` order), a directory is
/// flushed on a best-effort basis ([`sync_dir`]).
fn sync_jobs(jobs: &[(&Path, bool)]) -> Result<(), OutputError> {
    let failures = std::sync::Mutex::new(Vec::new());
    let taken = std::sync::atomic::AtomicUsize::new(0);
    std::thread::scope(|scope| {
        for _ in 0..SYNC_THREADS.min(jobs.len()) {
            scope.spawn(|| {
                loop {
                    let i = taken.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    let Some(&(path, is_file)) = jobs.get(i) else {
                        break;
                    };
                    if !is_file {
                        sync_dir(path);
                        continue;
                    }
                    // (Windows flushes only handles opened for writing.)
                    let file = fs::OpenOptions::new()
                        .read(true)
                        .write(cfg!(windows))
                        .open(path);
                    if let Err(source) = file.and_then(|f| f.sync_all()) {
                        failures.lock().unwrap_or_else(|e| e.into_inner()).push((
                            i,
                            path.to_path_buf(),
                            source,
                        ));
                    }
                }
            });
        }
    });
    let mut failures = failures.into_inner().unwrap_or_else(|e| e.into_inner());
    failures.sort_by_key(|f| f.0);
    match failures.into_iter().next() {
        Some((_, path, source)) => Err(OutputError::Write { path, source }),
        None => Ok(()),
    }
}

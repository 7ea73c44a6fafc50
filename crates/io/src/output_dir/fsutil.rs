//! File-system helpers of the output writer: the listing of a tree, the manifest, hidden
//! names, and flushing a tree to disk.

use std::collections::BTreeMap;
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

/// A manifest's entries: each `/`-separated path qstudy wrote, with the SHA-256 (hex) of the
/// file as written; `None` for an empty directory, and for every path of a manifest written
/// by a qstudy older than the hashes (trusted as it was: such a file is replaced unchecked).
pub(super) type Listed = BTreeMap<String, Option<String>>;

/// The first line of every manifest.
const MANIFEST_HEADER: &str = "# Files written by qstudy, each after its SHA-256; `--force` replaces this directory only if it holds nothing else and no file was changed.\n";

/// The text of a manifest listing `entries` (the manifest itself left out): a comment, then
/// one line per entry, `SHA256  PATH` (as `sha256sum` prints them) or `PATH/` for an empty
/// directory.
pub(super) fn manifest_text(entries: &Listed) -> String {
    let mut text = String::from(MANIFEST_HEADER);
    for (path, hash) in entries.iter().filter(|(p, _)| *p != MANIFEST) {
        if let Some(hash) = hash {
            text.push_str(hash);
            text.push_str("  ");
        }
        text.push_str(path);
        text.push('\n');
    }
    text
}

/// Writes [`MANIFEST`] into `staging`, listing every file staged there with its SHA-256.
pub(super) fn write_manifest(staging: &Path) -> Result<(), OutputError> {
    let entries = tree_entries(staging).map_err(|source| OutputError::Write {
        path: staging.join(MANIFEST),
        source,
    })?;
    let listed = hashed(staging, entries)?;
    super::write_file(staging, MANIFEST, manifest_text(&listed).as_bytes())
}

/// `entries` (paths under `root`) with the SHA-256 of each file (`None` for an empty
/// directory, `x/`); the files hashed several at a time.
pub(super) fn hashed(root: &Path, entries: Vec<String>) -> Result<Listed, OutputError> {
    let paths: Vec<Option<PathBuf>> = entries
        .iter()
        .map(|rel| (!rel.ends_with('/')).then(|| join_rel(root, rel)))
        .collect();
    let files: Vec<PathBuf> = paths.iter().flatten().cloned().collect();
    let mut hashes = hash_files(&files).into_iter();
    let mut listed = Listed::new();
    for (rel, path) in entries.into_iter().zip(paths) {
        let hash = match path {
            None => None,
            Some(path) => match hashes.next() {
                Some(Ok(hash)) => Some(hash),
                Some(Err(source)) => return Err(OutputError::Write { path, source }),
                None => None,
            },
        };
        listed.insert(rel, hash);
    }
    Ok(listed)
}

/// The entries of a previous output's manifest, or `None` when it has none (or an unreadable
/// one: such a directory is not replaced). A line `SHA256  PATH` (64 hexadecimal digits, two
/// spaces) lists a file with its hash; any other line a path without one.
pub(super) fn read_manifest(dir: &Path) -> Option<Listed> {
    let path = dir.join(MANIFEST);
    let meta = fs::symlink_metadata(&path).ok()?;
    // A regular file of sane size: a manifest is a few kilobytes.
    if !meta.is_file() || meta.len() > 1 << 24 {
        return None;
    }
    let text = fs::read_to_string(&path).ok()?;
    Some(
        text.lines()
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .map(manifest_line)
            .collect(),
    )
}

/// A manifest line: its path and, when it starts with one, its SHA-256.
fn manifest_line(line: &str) -> (String, Option<String>) {
    let hashed = line.len() > 66
        && line.as_bytes()[..64]
            .iter()
            .all(|c| c.is_ascii_digit() || (b'a'..=b'f').contains(c))
        && &line[64..66] == "  ";
    if hashed {
        (line[66..].to_string(), Some(line[..64].to_string()))
    } else {
        (line.to_string(), None)
    }
}

/// The entries of `dir` that its manifest does not list (the manifest itself aside), leaving
/// out the entries named `ignore` at the top of `dir` and everything under them.
pub(super) fn foreign_files(
    dir: &Path,
    listed: &Listed,
    ignore: &[String],
) -> std::io::Result<Vec<String>> {
    Ok(tree_entries(dir)?
        .into_iter()
        .filter(|f| f != MANIFEST && !listed.contains_key(f))
        .filter(|f| {
            let top = f.split('/').next().unwrap_or_default();
            !ignore.iter().any(|i| i == top)
        })
        .collect())
}

/// The files `listed` with a hash whose content in `dir` is no longer what qstudy wrote: a
/// different SHA-256, or no longer a regular file (a symbolic link, ...). A listed file that
/// is gone is not changed (there is nothing to lose). Err: a file that could not be read, and
/// why.
pub(super) fn changed_files(
    dir: &Path,
    listed: &Listed,
) -> Result<Vec<String>, (String, std::io::Error)> {
    let mut changed = Vec::new();
    let mut check = Vec::new();
    for (rel, hash) in listed {
        let Some(hash) = hash else { continue };
        let path = join_rel(dir, rel);
        match fs::symlink_metadata(&path) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err((rel.clone(), e)),
            Ok(m) if m.is_file() => check.push((rel, hash, path)),
            Ok(_) => changed.push(rel.clone()),
        }
    }
    let paths: Vec<PathBuf> = check.iter().map(|(_, _, p)| p.clone()).collect();
    for ((rel, hash, _), found) in check.iter().zip(hash_files(&paths)) {
        match found {
            Ok(found) if found == **hash => {}
            Ok(_) => changed.push((*rel).clone()),
            Err(e) => return Err(((*rel).clone(), e)),
        }
    }
    changed.sort();
    Ok(changed)
}

/// The SHA-256 (lowercase hex) of the file at `path`, read in 64 KiB pieces.
pub(super) fn sha256_file(path: &Path) -> std::io::Result<String> {
    use sha2::Digest;
    use std::io::Read;
    let mut file = fs::File::open(path)?;
    let mut hasher = sha2::Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    loop {
        let n = match file.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        hasher.update(&buf[..n]);
    }
    Ok(hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect())
}

/// [`sha256_file`] of each of `paths`, in order, several at a time (as many as the machine
/// has cores, at most [`SYNC_THREADS`]).
pub(super) fn hash_files(paths: &[PathBuf]) -> Vec<std::io::Result<String>> {
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(SYNC_THREADS)
        .min(paths.len());
    if threads <= 1 {
        return paths.iter().map(|p| sha256_file(p)).collect();
    }
    let taken = std::sync::atomic::AtomicUsize::new(0);
    let results = std::sync::Mutex::new(Vec::with_capacity(paths.len()));
    std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| {
                loop {
                    let i = taken.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    let Some(path) = paths.get(i) else { break };
                    let hash = sha256_file(path);
                    results
                        .lock()
                        .unwrap_or_else(|e| e.into_inner())
                        .push((i, hash));
                }
            });
        }
    });
    let mut results = results.into_inner().unwrap_or_else(|e| e.into_inner());
    results.sort_by_key(|r| r.0);
    results.into_iter().map(|(_, h)| h).collect()
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

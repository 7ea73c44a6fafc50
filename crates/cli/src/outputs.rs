//! The output directory of `qstudy analyze`: nothing is lost, nothing is half-written.
//!
//! Every output (`results.json`, `report.lis`, `results.xlsx`, `tables/*.csv`, and whatever
//! else the caller writes, such as `plots/` and `report.html`) is built into a fresh staging
//! directory beside `DIR` (same parent, so the same file system), then all of it flushed to
//! disk.
//! Only then is the staging directory published:
//!
//! - `DIR` does not exist: the staging directory is renamed to `DIR`.
//! - `DIR` is an empty directory: it is removed and the staging directory renamed to `DIR`
//!   (nothing can be lost, so no `--force` is needed).
//! - `DIR` is a non-empty directory: refused (exit 5) unless `--force`. With `--force`, `DIR`
//!   must hold a previous output, listed by its manifest ([`MANIFEST`], written last into every
//!   output from the files actually staged), nothing but the files that manifest lists, and not
//!   the input: a file the user put there (`notes.txt`) makes `--force` refuse, naming it, so
//!   it is never deleted. Then the old `DIR` is renamed aside, the staging directory renamed to
//!   `DIR`, and the old one deleted.
//! - `DIR` exists and is not a directory: refused.
//!
//! A crash at any point leaves either the old or the new complete directory (at worst under
//! its hidden name beside `DIR`: `.DIR.qstudy-new-*` for the new one, `.DIR.qstudy-old-*` for
//! the old one); a failure before the swap leaves `DIR` untouched and removes the staging
//! directory; a failure of the second rename puts the old `DIR` back.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use qstudy_core::AnalysisResults;
use qstudy_report::{ReportContext, ReportError};

/// The manifest of an output directory: one `/`-separated path per line of every file qstudy
/// wrote there (after a comment line). `--force` replaces a directory only when it holds
/// nothing else.
pub(crate) const MANIFEST: &str = ".qstudy-manifest";

/// Foreign files named in a refusal, at most.
const FOREIGN_SHOWN: usize = 10;

/// The output could not be written; every message is one line naming the path.
#[derive(Debug, thiserror::Error)]
pub(crate) enum OutputError {
    /// `DIR` exists and is not a directory.
    #[error("{path}: exists and is not a directory")]
    NotADirectory { path: PathBuf },
    /// `DIR` holds files and `--force` was not given.
    #[error("{path}: the output directory exists and is not empty; use --force to replace it")]
    NotEmpty { path: PathBuf },
    /// `--force` on a directory that holds no previous output.
    #[error(
        "{path}: not replaced, even with --force: it does not hold a previous qstudy output (no {MANIFEST} listing what qstudy wrote there); choose another --out"
    )]
    NotAnOutput { path: PathBuf },
    /// `--force` on a previous output that also holds files qstudy did not write.
    #[error(
        "{path}: not replaced, even with --force: it holds {} that qstudy did not write ({}); move {} away or choose another --out",
        if .files.len() == 1 { "a file" } else { "files" },
        shown_list(.files),
        if .files.len() == 1 { "it" } else { "them" }
    )]
    Foreign { path: PathBuf, files: Vec<String> },
    /// `--force` on a directory that contains the input.
    #[error("{path}: not replaced: it contains the input {input}; choose another --out")]
    ContainsInput { path: PathBuf, input: PathBuf },
    /// A directory could not be created.
    #[error("{path}: cannot create the directory: {source}")]
    CreateDir {
        path: PathBuf,
        source: std::io::Error,
    },
    /// A file could not be written.
    #[error("{path}: cannot write: {source}")]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    /// The new output could not be put in place; the previous one is unchanged.
    #[error(
        "{path}: cannot put the new output in place ({source}); the previous content is unchanged"
    )]
    Publish {
        path: PathBuf,
        source: std::io::Error,
    },
    /// A report could not be built.
    #[error("{path}: {source}")]
    Report { path: PathBuf, source: ReportError },
    /// The results could not be serialised.
    #[error("{path}: cannot serialise the results: {source}")]
    Serialize {
        path: PathBuf,
        source: serde_json::Error,
    },
    /// Another output (a figure, ...) could not be built: a one-line message naming its file.
    #[error("{0}")]
    Other(String),
}

/// What [`publish`] did.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Published {
    /// The output directory.
    pub dir: PathBuf,
    /// The previous output, moved aside, when it could not be deleted afterwards.
    pub leftover: Option<PathBuf>,
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
    /// After the old `DIR` was moved aside, before the staging directory is renamed.
    after_aside: Option<fn(staging: &Path)>,
}

/// Builds the output with `build` into a staging directory beside `dir`, then publishes it as
/// `dir` (see the module documentation). `protect` lists paths (the input) that `--force` must
/// never delete.
pub(crate) fn publish(
    dir: &Path,
    force: bool,
    protect: &[&Path],
    build: impl FnOnce(&Path) -> Result<(), OutputError>,
) -> Result<Published, OutputError> {
    publish_with(dir, force, protect, build, &Hooks::default())
}

fn publish_with(
    dir: &Path,
    force: bool,
    protect: &[&Path],
    build: impl FnOnce(&Path) -> Result<(), OutputError>,
    hooks: &Hooks,
) -> Result<Published, OutputError> {
    let target = resolve(dir)?;
    // Refuse early, before anything is built.
    inspect(&target, dir, force, protect)?;
    let parent = parent_of(&target);
    fs::create_dir_all(&parent).map_err(|source| OutputError::CreateDir {
        path: parent.clone(),
        source,
    })?;
    let name = hidden_stem(&target);
    let staging = Staging::create(&parent, &format!("{name}.qstudy-new-"), dir)?;
    build(staging.path())?;
    write_manifest(staging.path())?;
    // Crash safety rests on this: every file and directory of the staging tree is on disk
    // before the rename below can make it visible as `DIR`. Files are written without a flush
    // each (`write_file`) and flushed here all at once, several at a time: a journaling file
    // system commits the concurrent flushes together instead of one commit per file, and
    // files written by any other means are covered too. A crash before the rename leaves the
    // old `DIR` and a hidden staging directory; after it, a complete new `DIR` (its content
    // was durable before its name changed); the parent's own flush below only makes the
    // rename itself durable.
    sync_tree(staging.path())?;

    // The state may have changed while building: look again.
    let mut leftover = None;
    match inspect(&target, dir, force, protect)? {
        Target::Missing => rename_new(&staging, &target, dir)?,
        Target::Empty => {
            fs::remove_dir(&target).map_err(|source| OutputError::Publish {
                path: dir.to_path_buf(),
                source,
            })?;
            rename_new(&staging, &target, dir)?;
        }
        Target::Previous => {
            let old = unused_name(&parent, &format!("{name}.qstudy-old-"));
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
                });
            }
            staging.disarm();
            if fs::remove_dir_all(&old).is_err() {
                leftover = Some(old);
            }
        }
    }
    sync_dir(&parent);
    Ok(Published {
        dir: target,
        leftover,
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

fn inspect(
    target: &Path,
    shown: &Path,
    force: bool,
    protect: &[&Path],
) -> Result<Target, OutputError> {
    let meta = match fs::metadata(target) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Target::Missing),
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
        return Ok(Target::Empty);
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
    let foreign = foreign_files(target, &listed).map_err(|source| OutputError::CreateDir {
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
    Ok(Target::Previous)
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

/// Every entry under `root` that is not a directory, as `/`-separated relative paths, sorted;
/// directories only when they are empty (so that an empty directory a user made counts too).
/// Symbolic links are listed, never followed.
fn tree_entries(root: &Path) -> std::io::Result<Vec<String>> {
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

/// Writes [`MANIFEST`] into `staging`, listing every file staged there.
fn write_manifest(staging: &Path) -> Result<(), OutputError> {
    let files = tree_entries(staging).map_err(|source| OutputError::Write {
        path: staging.join(MANIFEST),
        source,
    })?;
    let mut text = String::from(
        "# Files written by qstudy; `--force` replaces this directory only if it holds nothing else.\n",
    );
    for f in files.iter().filter(|f| *f != MANIFEST) {
        text.push_str(f);
        text.push('\n');
    }
    write_file(staging, MANIFEST, text.as_bytes())
}

/// The paths a previous output's manifest lists, or `None` when it has none (or an unreadable
/// one: such a directory is not replaced).
fn read_manifest(dir: &Path) -> Option<std::collections::HashSet<String>> {
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
fn foreign_files(
    dir: &Path,
    listed: &std::collections::HashSet<String>,
) -> std::io::Result<Vec<String>> {
    Ok(tree_entries(dir)?
        .into_iter()
        .filter(|f| f != MANIFEST && !listed.contains(f))
        .collect())
}

fn parent_of(target: &Path) -> PathBuf {
    match target.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// `.NAME` for the hidden names beside `DIR` (at most 40 characters of the name).
fn hidden_stem(target: &Path) -> String {
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "out".to_string());
    format!(".{}", name.chars().take(40).collect::<String>())
}

/// A name `PREFIXpid-n` in `parent` that does not exist yet.
fn unused_name(parent: &Path, prefix: &str) -> PathBuf {
    let pid = std::process::id();
    (0u64..)
        .map(|n| parent.join(format!("{prefix}{pid}-{n}")))
        .find(|p| fs::symlink_metadata(p).is_err())
        .expect("an unused name")
}

/// The staging directory: removed with its content when dropped, unless published.
struct Staging {
    path: PathBuf,
    armed: std::cell::Cell<bool>,
}

impl Staging {
    fn create(parent: &Path, prefix: &str, shown: &Path) -> Result<Self, OutputError> {
        let pid = std::process::id();
        for n in 0u64.. {
            let path = parent.join(format!("{prefix}{pid}-{n}"));
            match fs::create_dir(&path) {
                Ok(()) => {
                    return Ok(Staging {
                        path,
                        armed: std::cell::Cell::new(true),
                    });
                }
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
                Err(source) => {
                    return Err(OutputError::CreateDir {
                        path: shown.to_path_buf(),
                        source,
                    });
                }
            }
        }
        unreachable!("u64 names do not run out")
    }

    fn path(&self) -> &Path {
        &self.path
    }

    fn disarm(&self) {
        self.armed.set(false);
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if self.armed.get() {
            let _ = fs::remove_dir_all(&self.path);
        }
    }
}

/// Flushes a directory's entries to disk (best effort: not every platform can).
fn sync_dir(dir: &Path) {
    if let Ok(d) = fs::File::open(dir) {
        let _ = d.sync_all();
    }
}

/// Flushes every file under `root`, every directory under it and `root` itself to disk, at
/// most [`SYNC_THREADS`] at a time (the threads wait on the disk, they use no CPU). A file that
/// cannot be flushed is an error naming it; directories are flushed on a best-effort basis
/// (not every platform can), as [`sync_dir`].
fn sync_tree(root: &Path) -> Result<(), OutputError> {
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

/// Flushes run at once by [`sync_tree`].
const SYNC_THREADS: usize = 8;

/// Writes `bytes` as `rel` (`/`-separated) under `staging`, creating subdirectories. The file
/// is not flushed here: [`publish`] flushes the whole staging directory before publishing it.
pub(crate) fn write_file(staging: &Path, rel: &str, bytes: &[u8]) -> Result<(), OutputError> {
    let path = rel.split('/').fold(staging.to_path_buf(), |p, c| p.join(c));
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).map_err(|source| OutputError::CreateDir {
            path: parent.to_path_buf(),
            source,
        })?;
    }
    let err = |source| OutputError::Write {
        path: path.clone(),
        source,
    };
    let mut file = fs::File::create(&path).map_err(err)?;
    file.write_all(bytes).map_err(err)?;
    Ok(())
}

/// Draws every figure of `results` and the report page (`qstudy-plot`, in parallel on rayon's
/// pool): `(path, bytes)` of `plots/*.svg`, `plots/*.png` and `report.html`, in a fixed order.
/// `shown` is the output directory named in errors.
pub(crate) fn figure_files(
    shown: &Path,
    results: &AnalysisResults,
    options: &qstudy_plot::PlotOptions,
    info: &qstudy_plot::ReportInfo,
) -> Result<Vec<(String, Vec<u8>)>, OutputError> {
    let failed = |e: qstudy_plot::PlotError| {
        OutputError::Other(format!("{}: {e}", shown.join("plots").display()))
    };
    let gallery = qstudy_plot::standard_plots(results, options).map_err(failed)?;
    Ok(qstudy_plot::render_outputs(results, &gallery, info)
        .map_err(failed)?
        .into_iter()
        .map(|f| (f.path, f.bytes))
        .collect())
}

/// Writes `results.json` and every report of `qstudy-report` (`report.lis`, `results.xlsx`,
/// `tables/*.csv`) into `staging`, each streamed into its file as it is built (no report is
/// ever whole in memory: a study of 10^5 sorts has a 430 MB workbook before compression). The
/// workbook, the longest, is built on a thread of its own meanwhile. Returns the workbook's
/// notes on what it left out to stay within Excel's limits (none for ordinary studies).
/// `shown` is the output directory named in errors.
pub(crate) fn write_reports(
    staging: &Path,
    shown: &Path,
    results: &AnalysisResults,
    ctx: &ReportContext,
) -> Result<Vec<String>, OutputError> {
    let report = |source| OutputError::Report {
        path: shown.to_path_buf(),
        source,
    };
    std::thread::scope(|scope| {
        let workbook = scope.spawn(|| {
            stream_file(staging, "results.xlsx", |w| {
                qstudy_report::write_results_xlsx(results, ctx, w).map_err(report)
            })
        });
        let others = (|| {
            stream_file(staging, "results.json", |w| {
                qstudy_io::write_results_json_to(w, results).map_err(|source| {
                    if source.is_io() {
                        OutputError::Write {
                            path: staging.join("results.json"),
                            source: source.into(),
                        }
                    } else {
                        OutputError::Serialize {
                            path: shown.join("results.json"),
                            source,
                        }
                    }
                })
            })?;
            stream_file(staging, "report.lis", |w| {
                qstudy_report::write_report_lis(results, ctx, w).map_err(|source| {
                    OutputError::Write {
                        path: staging.join("report.lis"),
                        source,
                    }
                })
            })?;
            for table in qstudy_report::CsvTable::of(results) {
                stream_file(staging, table.path(), |w| {
                    qstudy_report::write_csv_table(results, table, w).map_err(report)
                })?;
            }
            Ok(())
        })();
        let notes = workbook
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        others.and(notes)
    })
}

/// Creates `rel` (`/`-separated) under `staging` with its directories, lets `write` fill it
/// through a buffer, then flushes the buffer (not to disk: [`publish`] flushes the whole
/// staging directory).
fn stream_file<T>(
    staging: &Path,
    rel: &str,
    write: impl FnOnce(&mut std::io::BufWriter<fs::File>) -> Result<T, OutputError>,
) -> Result<T, OutputError> {
    let path = rel.split('/').fold(staging.to_path_buf(), |p, c| p.join(c));
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).map_err(|source| OutputError::CreateDir {
            path: parent.to_path_buf(),
            source,
        })?;
    }
    let err = |source| OutputError::Write {
        path: path.clone(),
        source,
    };
    let file = fs::File::create(&path).map_err(err)?;
    let mut w = std::io::BufWriter::with_capacity(1 << 16, file);
    let value = write(&mut w)?;
    w.flush().map_err(err)?;
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    }

    /// A previous output in `out` by hand: `results.json` and a manifest listing it and `more`.
    fn previous(out: &Path, more: &[&str]) {
        fs::create_dir_all(out).unwrap();
        fs::write(out.join("results.json"), "old").unwrap();
        let mut m = String::from("# manifest\nresults.json\n");
        for f in more {
            m.push_str(f);
            m.push('\n');
        }
        fs::write(out.join(MANIFEST), m).unwrap();
    }

    fn write_output(staging: &Path, marker: &str) -> Result<(), OutputError> {
        write_file(staging, "results.json", marker.as_bytes())?;
        write_file(staging, "tables/a.csv", b"x\n1\n")
    }

    #[test]
    fn creates_a_missing_directory_and_its_parents() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("a/b/out");
        let p = publish(&out, false, &[], |s| write_output(s, "new")).unwrap();
        assert_eq!(p.dir, out);
        assert_eq!(fs::read_to_string(out.join("results.json")).unwrap(), "new");
        assert_eq!(
            fs::read_to_string(out.join("tables/a.csv")).unwrap(),
            "x\n1\n"
        );
        assert_eq!(names(&tmp.path().join("a/b")), ["out"]);
    }

    #[test]
    fn an_empty_directory_is_replaced_without_force() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("out");
        fs::create_dir(&out).unwrap();
        publish(&out, false, &[], |s| write_output(s, "new")).unwrap();
        assert_eq!(fs::read_to_string(out.join("results.json")).unwrap(), "new");
        assert_eq!(names(tmp.path()), ["out"]);
    }

    #[test]
    fn a_non_empty_directory_needs_force_and_is_left_alone() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("out");
        fs::create_dir(&out).unwrap();
        fs::write(out.join("results.json"), "old").unwrap();
        let mut built = false;
        let e = publish(&out, false, &[], |_| {
            built = true;
            Ok(())
        })
        .unwrap_err();
        assert!(matches!(e, OutputError::NotEmpty { .. }));
        assert!(e.to_string().contains("--force"), "{e}");
        assert!(
            !built,
            "nothing is built when the directory would be refused"
        );
        assert_eq!(fs::read_to_string(out.join("results.json")).unwrap(), "old");
        assert_eq!(names(tmp.path()), ["out"]);
    }

    #[test]
    fn force_replaces_a_previous_output_completely() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("out");
        // The previous run wrote a file this one does not: it is qstudy's, so it goes.
        previous(&out, &["stale.txt", "plots/"]);
        fs::write(out.join("stale.txt"), "stale").unwrap();
        fs::create_dir(out.join("plots")).unwrap();
        let p = publish(&out, true, &[], |s| write_output(s, "new")).unwrap();
        assert_eq!(p.leftover, None);
        assert_eq!(names(&out), [MANIFEST, "results.json", "tables"]);
        assert_eq!(fs::read_to_string(out.join("results.json")).unwrap(), "new");
        assert_eq!(
            fs::read_to_string(out.join(MANIFEST)).unwrap(),
            "# Files written by qstudy; `--force` replaces this directory only if it holds nothing else.\nresults.json\ntables/a.csv\n"
        );
        assert_eq!(names(tmp.path()), ["out"]);
    }

    #[test]
    fn force_never_deletes_a_file_qstudy_did_not_write() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("out");
        publish(&out, false, &[], |s| write_output(s, "old")).unwrap();
        fs::write(out.join("notes.txt"), "mine").unwrap();
        fs::create_dir_all(out.join("tables/extra")).unwrap();
        fs::write(out.join("tables/extra/mine.csv"), "mine").unwrap();
        fs::create_dir(out.join("empty")).unwrap();
        let mut built = false;
        let e = publish(&out, true, &[], |_| {
            built = true;
            Ok(())
        })
        .unwrap_err();
        assert!(matches!(e, OutputError::Foreign { .. }), "{e}");
        assert!(!built);
        assert_eq!(
            e.to_string(),
            format!(
                "{}: not replaced, even with --force: it holds files that qstudy did not write (\"empty/\", \"notes.txt\", \"tables/extra/mine.csv\"); move them away or choose another --out",
                out.display()
            )
        );
        assert_eq!(fs::read_to_string(out.join("notes.txt")).unwrap(), "mine");
        assert_eq!(fs::read_to_string(out.join("results.json")).unwrap(), "old");
        // Once they are gone, --force replaces the output.
        fs::remove_file(out.join("notes.txt")).unwrap();
        fs::remove_dir_all(out.join("tables/extra")).unwrap();
        fs::remove_dir(out.join("empty")).unwrap();
        publish(&out, true, &[], |s| write_output(s, "new")).unwrap();
        assert_eq!(fs::read_to_string(out.join("results.json")).unwrap(), "new");
    }

    #[test]
    fn many_foreign_files_are_counted() {
        let files: Vec<String> = (0..13).map(|i| format!("f{i:02}")).collect();
        let shown = shown_list(&files);
        assert!(shown.ends_with("\"f09\", and 3 more"), "{shown}");
    }

    #[test]
    fn force_never_deletes_a_directory_that_is_not_an_output() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("home");
        fs::create_dir(&out).unwrap();
        fs::write(out.join("thesis.docx"), "precious").unwrap();
        let e = publish(&out, true, &[], |s| write_output(s, "new")).unwrap_err();
        assert!(matches!(e, OutputError::NotAnOutput { .. }), "{e}");
        assert_eq!(names(&out), ["thesis.docx"]);
        assert_eq!(names(tmp.path()), ["home"]);
    }

    #[test]
    fn force_never_deletes_the_input() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("out");
        previous(&out, &["sorts.csv"]);
        fs::write(out.join("sorts.csv"), "A,B\n1,-1\n").unwrap();
        let input = out.join("sorts.csv");
        let e = publish(&out, true, &[&input], |s| write_output(s, "new")).unwrap_err();
        assert!(matches!(e, OutputError::ContainsInput { .. }), "{e}");
        assert!(input.exists());
    }

    #[test]
    fn a_file_in_the_way_is_refused() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("out");
        fs::write(&out, "not a directory").unwrap();
        let e = publish(&out, true, &[], |s| write_output(s, "new")).unwrap_err();
        assert!(matches!(e, OutputError::NotADirectory { .. }));
        assert_eq!(names(tmp.path()), ["out"]);
    }

    #[test]
    fn a_failure_while_building_leaves_the_old_output_and_no_staging_directory() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("out");
        previous(&out, &[]);
        let e = publish(&out, true, &[], |s| {
            write_output(s, "new")?;
            Err(OutputError::Other("plots/x.png: cannot draw".to_string()))
        })
        .unwrap_err();
        assert_eq!(e.to_string(), "plots/x.png: cannot draw");
        assert_eq!(names(&out), [MANIFEST, "results.json"]);
        assert_eq!(fs::read_to_string(out.join("results.json")).unwrap(), "old");
        assert_eq!(names(tmp.path()), ["out"]);
    }

    #[test]
    fn a_failure_during_the_swap_puts_the_old_output_back() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("out");
        previous(&out, &[]);
        // the staging directory disappears after the old one was moved aside: the second
        // rename fails
        let hooks = Hooks {
            after_aside: Some(|staging| fs::remove_dir_all(staging).unwrap()),
        };
        let e = publish_with(&out, true, &[], |s| write_output(s, "new"), &hooks).unwrap_err();
        assert!(matches!(e, OutputError::Publish { .. }), "{e}");
        assert!(e.to_string().contains("unchanged"), "{e}");
        assert_eq!(fs::read_to_string(out.join("results.json")).unwrap(), "old");
        assert_eq!(names(tmp.path()), ["out"]);
    }

    #[test]
    fn the_whole_staging_tree_is_flushed_and_a_failure_names_the_path() {
        let tmp = tempfile::tempdir().unwrap();
        write_file(tmp.path(), "plots/deep/a.svg", b"<svg/>").unwrap();
        write_file(tmp.path(), "results.json", b"{}").unwrap();
        sync_tree(tmp.path()).unwrap();
        let missing = tmp.path().join("missing");
        let e = sync_tree(&missing).unwrap_err();
        assert!(matches!(e, OutputError::Write { .. }), "{e}");
        assert!(e.to_string().contains("missing"), "{e}");
    }

    #[test]
    fn dot_resolves_to_the_current_directory_name() {
        let tmp = tempfile::tempdir().unwrap();
        let inner = tmp.path().join("x").join("..").join("out");
        let p = resolve(&tmp.path().join("x").join("..")).unwrap_err();
        assert!(matches!(p, OutputError::CreateDir { .. }));
        fs::create_dir(tmp.path().join("x")).unwrap();
        let r = resolve(&tmp.path().join("x").join("..")).unwrap();
        assert_eq!(r, fs::canonicalize(tmp.path()).unwrap());
        assert_eq!(resolve(&inner).unwrap(), inner);
    }

    #[test]
    fn hidden_names_are_short_and_unused() {
        let long = "n".repeat(300);
        assert_eq!(hidden_stem(Path::new(&long)).chars().count(), 41);
        let tmp = tempfile::tempdir().unwrap();
        let a = unused_name(tmp.path(), ".out.qstudy-old-");
        fs::create_dir(&a).unwrap();
        assert_ne!(unused_name(tmp.path(), ".out.qstudy-old-"), a);
    }
}

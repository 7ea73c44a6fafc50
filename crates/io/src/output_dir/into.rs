//! [`publish_into`]: the staged files added to an existing directory, all or none.

use std::fs;
use std::path::{Path, PathBuf};

use super::fsutil::{
    hashed, join_rel, manifest_text, parent_of, read_manifest, sync_dir, sync_tree, tree_entries,
    write_manifest,
};
use super::{
    Hooks, MANIFEST, OutputError, OutputWarning, Place, Published, Staging, rename_new, resolve,
    write_file,
};

/// Builds files with `build` into a staging directory, then adds them to `dir`: each replaces
/// the file of the same name, nothing else in `dir` is touched (see the module documentation).
/// A missing `dir` (and its parents) is created. With `manifest`, `dir`'s [`MANIFEST`] lists
/// the new files besides those it listed before. Nothing in `dir` changes when `build` fails
/// or when a new file's place is taken by a directory (or a directory's by a file).
///
/// ```
/// use qstudy_io::output_dir::{self, OutputError};
/// let tmp = tempfile::tempdir().unwrap();
/// std::fs::write(tmp.path().join("notes.txt"), "mine").unwrap();
/// output_dir::publish_into(tmp.path(), true, |staging| -> Result<(), OutputError> {
///     output_dir::write_file(staging, "plots/scree.svg", b"<svg/>")
/// })
/// .unwrap();
/// assert!(tmp.path().join("plots/scree.svg").is_file());
/// assert_eq!(std::fs::read_to_string(tmp.path().join("notes.txt")).unwrap(), "mine");
/// let manifest = std::fs::read_to_string(tmp.path().join(output_dir::MANIFEST)).unwrap();
/// // the file with its SHA-256, as `sha256sum` prints it
/// assert!(manifest.ends_with(
///     "\nd4dc56669143034f31aa309635d4113d9ad76a02b1739da22c965ed2049be9e6  plots/scree.svg\n"
/// ));
/// ```
pub fn publish_into<E: From<OutputError>>(
    dir: &Path,
    manifest: bool,
    build: impl FnOnce(&Staging) -> Result<(), E>,
) -> Result<Published, E> {
    publish_into_with(dir, manifest, build, &Hooks::default())
}

pub(super) fn publish_into_with<E: From<OutputError>>(
    dir: &Path,
    manifest: bool,
    build: impl FnOnce(&Staging) -> Result<(), E>,
    hooks: &Hooks,
) -> Result<Published, E> {
    let target = resolve(dir)?;
    match fs::metadata(&target) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            // A new directory: built beside it and renamed, as `publish` does.
            let staging = Staging::beside(&target, dir)?;
            build(&staging)?;
            if manifest {
                write_manifest(staging.path()).map_err(|e| staging.shown_error(e))?;
            }
            sync_tree(staging.path()).map_err(|e| staging.shown_error(e))?;
            rename_new(&staging, &target, dir)?;
            sync_dir(&parent_of(&target));
            let warnings = staging.clean(&Place::beside(&target));
            return Ok(Published {
                dir: target,
                warnings,
            });
        }
        Err(source) => {
            return Err(OutputError::CreateDir {
                path: dir.to_path_buf(),
                source,
            }
            .into());
        }
        Ok(m) if !m.is_dir() => {
            return Err(OutputError::NotADirectory {
                path: dir.to_path_buf(),
            }
            .into());
        }
        Ok(_) => {}
    }
    let staging = Staging::inside(&target, dir)?;
    build(&staging)?;
    let listing_error = |source| OutputError::Write {
        path: dir.to_path_buf(),
        source,
    };
    let mut files: Vec<String> = tree_entries(staging.path())
        .map_err(listing_error)?
        .into_iter()
        .filter(|f| !f.ends_with('/'))
        .collect();
    if manifest {
        // the entries listed before, each new file with its hash
        let mut listed = read_manifest(&target).unwrap_or_default();
        let new = hashed(staging.path(), files.clone()).map_err(|e| staging.shown_error(e))?;
        listed.extend(new);
        write_file(&staging, MANIFEST, manifest_text(&listed).as_bytes())?;
        files.retain(|f| f != MANIFEST);
        files.push(MANIFEST.to_string());
    }
    sync_tree(staging.path()).map_err(|e| staging.shown_error(e))?;
    for rel in &files {
        check_place(&target, rel)?;
    }
    let kept = swap(&target, dir, &staging, &files, hooks)?;
    let mut warnings: Vec<OutputWarning> = kept
        .map(|path| OutputWarning::OldOutputKept { path })
        .into_iter()
        .collect();
    warnings.extend(staging.clean(&Place::inside(&target)));
    warnings.extend(staging.clean(&Place::beside(&target)));
    Ok(Published {
        dir: target,
        warnings,
    })
}

/// Refuses, before anything changes, a file of the output whose place in `target` is taken
/// by a directory, or whose directory is a file.
fn check_place(target: &Path, rel: &str) -> Result<(), OutputError> {
    let parts: Vec<&str> = rel.split('/').filter(|c| !c.is_empty()).collect();
    let mut path = target.to_path_buf();
    for (i, part) in parts.iter().enumerate() {
        path.push(part);
        let last = i + 1 == parts.len();
        match fs::symlink_metadata(&path) {
            Err(_) => return Ok(()),
            Ok(m) if last => {
                if m.is_dir() {
                    return Err(OutputError::IsADirectory { path });
                }
            }
            Ok(_) => {
                if !fs::metadata(&path).is_ok_and(|m| m.is_dir()) {
                    return Err(OutputError::NotADirectory { path });
                }
            }
        }
    }
    Ok(())
}

/// Creates the missing directories from `target` down to `dir`, recording each in `made`.
fn create_dirs(target: &Path, dir: &Path, made: &mut Vec<PathBuf>) -> std::io::Result<()> {
    let mut missing: Vec<&Path> = dir
        .ancestors()
        .take_while(|a| *a != target && fs::symlink_metadata(a).is_err())
        .collect();
    missing.reverse();
    for d in missing {
        match fs::create_dir(d) {
            Ok(()) => made.push(d.to_path_buf()),
            // made meanwhile by another run into `target`
            Err(e)
                if e.kind() == std::io::ErrorKind::AlreadyExists
                    && fs::metadata(d).is_ok_and(|m| m.is_dir()) => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

/// Moves each staged file to its place in `target`, the file it replaces kept aside until all
/// are in; on a failure, undoes every move and returns the error. Returns the directory of the
/// old files when it could not be removed afterwards.
fn swap(
    target: &Path,
    shown: &Path,
    staging: &Staging,
    files: &[String],
    hooks: &Hooks,
) -> Result<Option<PathBuf>, OutputError> {
    let old = staging.aside();
    let staging = staging.path();
    let mut old_made = false;
    let mut made = Vec::new();
    let mut done: Vec<(PathBuf, Option<PathBuf>)> = Vec::new();
    let mut parents = std::collections::BTreeSet::new();
    for (i, rel) in files.iter().enumerate() {
        let dest = join_rel(target, rel);
        let parent = parent_of(&dest);
        let mut step = || -> std::io::Result<Option<PathBuf>> {
            create_dirs(target, &parent, &mut made)?;
            let aside = if fs::symlink_metadata(&dest).is_ok() {
                if !old_made {
                    fs::create_dir(&old)?;
                    old_made = true;
                }
                let aside = old.join(i.to_string());
                match fs::rename(&dest, &aside) {
                    Ok(()) => Some(aside),
                    // moved away meanwhile by another run into `target`: nothing to keep
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
                    Err(e) => return Err(e),
                }
            } else {
                None
            };
            if let Err(e) = fs::rename(join_rel(staging, rel), &dest) {
                if let Some(a) = &aside {
                    let _ = fs::rename(a, &dest);
                }
                return Err(e);
            }
            Ok(aside)
        };
        match step() {
            Ok(aside) => done.push((dest, aside)),
            Err(source) => {
                // Undo: the new files out, the old ones back, the directories made removed.
                for (dest, aside) in done.iter().rev() {
                    let _ = fs::remove_file(dest);
                    if let Some(a) = aside {
                        let _ = fs::rename(a, dest);
                    }
                }
                for d in made.iter().rev() {
                    let _ = fs::remove_dir(d);
                }
                if old_made {
                    let _ = fs::remove_dir(&old);
                }
                return Err(OutputError::Publish {
                    path: shown.to_path_buf(),
                    source,
                });
            }
        }
        parents.insert(parent);
        if let Some(hook) = hooks.after_aside {
            hook(staging);
        }
    }
    for p in &parents {
        sync_dir(p);
    }
    sync_dir(target);
    Ok((old_made && fs::remove_dir_all(&old).is_err()).then_some(old))
}

//! The output directory of `qstudy analyze`: built beside DIR and published at once, never
//! left half-overwritten; a non-empty DIR is replaced only with --force (exit 5 otherwise).

use std::path::{Path, PathBuf};

use support::{Run, fixture, qstudy};

fn analyze(out: &Path, extra: &[&str]) -> Run {
    let mut args = vec![
        "analyze".to_string(),
        fixture("lipset/LIPSET.DAT"),
        "--factors".to_string(),
        "3".to_string(),
        "--no-plots".to_string(),
        "--out".to_string(),
        out.to_string_lossy().into_owned(),
    ];
    args.extend(extra.iter().map(|s| s.to_string()));
    qstudy(&args)
}

/// Names in `dir`, sorted.
fn names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

/// Every file under `dir` with its bytes, sorted by path.
fn snapshot(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    fn walk(base: &Path, dir: &Path, out: &mut Vec<(PathBuf, Vec<u8>)>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk(base, &p, out);
            } else {
                out.push((
                    p.strip_prefix(base).unwrap().to_path_buf(),
                    std::fs::read(&p).unwrap(),
                ));
            }
        }
    }
    let mut v = Vec::new();
    walk(dir, dir, &mut v);
    v.sort();
    v
}

const OUTPUTS: [&str; 10] = [
    ".qstudy-manifest",
    "report.lis",
    "results.json",
    "results.xlsx",
    "tables/characteristics.csv",
    "tables/consensus.csv",
    "tables/distinguishing.csv",
    "tables/loadings.csv",
    "tables/scores.csv",
    "warnings.txt",
];

#[test]
fn a_fresh_directory_gets_every_output_and_nothing_else_is_left_beside_it() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let run = analyze(&out, &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let files: Vec<String> = snapshot(&out)
        .into_iter()
        .map(|(p, _)| p.to_string_lossy().replace('\\', "/"))
        .collect();
    assert_eq!(files, OUTPUTS);
    assert_eq!(names(tmp.path()), ["out"], "no staging directory left");
    assert!(
        run.stdout
            .contains("report.lis, results.xlsx, tables/*.csv")
    );
}

#[test]
fn an_existing_empty_directory_is_used() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    std::fs::create_dir(&out).unwrap();
    let run = analyze(&out, &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(out.join("report.lis").is_file());
    assert_eq!(names(tmp.path()), ["out"]);
}

#[test]
fn a_previous_output_is_not_replaced_without_force() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    assert_eq!(analyze(&out, &[]).code, 0);
    let before = snapshot(&out);
    let run = analyze(&out, &["--flag-p", "0.01"]);
    assert_eq!(run.code, 5, "{}", run.stderr);
    assert!(
        run.stderr.starts_with("error: ") && run.stderr.contains("use --force to replace it"),
        "{}",
        run.stderr
    );
    assert_eq!(run.stderr.lines().count(), 1, "{}", run.stderr);
    assert!(
        run.stderr.contains(&*out.to_string_lossy()),
        "names the directory"
    );
    assert_eq!(snapshot(&out), before, "the previous output is untouched");
    assert_eq!(names(tmp.path()), ["out"]);
}

#[test]
fn a_directory_with_other_files_is_refused_even_with_force() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("notes");
    std::fs::create_dir(&out).unwrap();
    std::fs::write(out.join("interview.txt"), "keep me").unwrap();
    for extra in [&[][..], &["--force"][..]] {
        let run = analyze(&out, extra);
        assert_eq!(run.code, 5, "{extra:?}: {}", run.stderr);
        assert_eq!(names(&out), ["interview.txt"]);
    }
    let run = analyze(&out, &["--force"]);
    assert!(run.stderr.contains("no .qstudy-manifest"), "{}", run.stderr);
    assert_eq!(names(tmp.path()), ["notes"]);
}

#[test]
fn force_replaces_the_previous_output_completely() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    assert_eq!(analyze(&out, &[]).code, 0);
    // As if the older run had drawn a figure (listed in its manifest): it is qstudy's, so it
    // goes, though this run draws none.
    std::fs::create_dir(out.join("plots")).unwrap();
    std::fs::write(out.join("plots/F1.svg"), "<svg/>").unwrap();
    let manifest = out.join(".qstudy-manifest");
    let listed = std::fs::read_to_string(&manifest).unwrap();
    std::fs::write(&manifest, format!("{listed}plots/F1.svg\n")).unwrap();
    let run = analyze(&out, &["--force", "--flag-p", "0.01"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let files: Vec<String> = snapshot(&out)
        .into_iter()
        .map(|(p, _)| p.to_string_lossy().replace('\\', "/"))
        .collect();
    assert_eq!(files, OUTPUTS, "nothing of the old directory survives");
    assert_eq!(support::results(&out)["options"]["flag_p"], 0.01);
    assert_eq!(
        names(tmp.path()),
        ["out"],
        "no staging or old directory left"
    );
}

/// A file of the previous output that the user edited is not deleted by --force: the run
/// refuses on one line naming it (relative to DIR) and saying what to do; DIR is untouched.
#[test]
fn force_refuses_to_delete_a_file_the_user_changed() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    assert_eq!(analyze(&out, &[]).code, 0);
    let lis = out.join("report.lis");
    let mut text = std::fs::read_to_string(&lis).unwrap();
    text.push_str("\nMy reading of factor 2: ...\n");
    std::fs::write(&lis, &text).unwrap();
    let before = snapshot(&out);
    let run = analyze(&out, &["--force", "--flag-p", "0.01"]);
    assert_eq!(run.code, 5, "{}", run.stderr);
    assert_eq!(run.stderr.lines().count(), 1, "{}", run.stderr);
    assert!(
        run.stderr
            .starts_with(&format!("error: {}: ", out.display()))
            && run
                .stderr
                .contains("\"report.lis\" was changed after qstudy wrote it")
            && run.stderr.contains("move it away"),
        "{}",
        run.stderr
    );
    assert_eq!(snapshot(&out), before, "DIR is untouched");
    assert_eq!(names(tmp.path()), ["out"]);
    // moved away, the rest is replaced
    std::fs::rename(&lis, tmp.path().join("my-report.lis")).unwrap();
    let run = analyze(&out, &["--force", "--flag-p", "0.01"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(support::results(&out)["options"]["flag_p"], 0.01);
}

/// The hidden leftovers of a run that was killed (its staging directory beside DIR, with its
/// lock file, which the system released; one inside DIR) are removed by the next run into DIR
/// and each reported on a warning line; another output's are left alone.
#[test]
fn leftovers_of_an_interrupted_run_are_removed_and_reported() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    assert_eq!(analyze(&out, &[]).code, 0);
    let beside = tmp.path().join(".out.qstudy-new-4000001-0");
    std::fs::create_dir_all(beside.join("tables")).unwrap();
    std::fs::write(beside.join("results.json"), "{}").unwrap();
    std::fs::write(tmp.path().join(".out.qstudy-lock-4000001-0"), "").unwrap();
    let inside = out.join(".qstudy-new-4000002-0");
    std::fs::create_dir(&inside).unwrap();
    std::fs::write(inside.join("bootstrap.json"), "{}").unwrap();
    let other = tmp.path().join(".other.qstudy-new-4000001-0");
    std::fs::create_dir(&other).unwrap();
    let run = analyze(&out, &["--force", "--flag-p", "0.01"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    for left in [&beside, &inside] {
        assert!(
            run.stderr.contains(&format!(
                "warning: removed the leftover of an interrupted run: {}\n",
                left.display()
            )),
            "{} in {}",
            left.display(),
            run.stderr
        );
    }
    assert_eq!(names(tmp.path()), [".other.qstudy-new-4000001-0", "out"]);
    assert_eq!(support::results(&out)["options"]["flag_p"], 0.01);
    // nothing left: the next run has nothing to report
    let run = analyze(&out, &["--force"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(!run.stderr.contains("leftover"), "{}", run.stderr);
}

#[test]
fn a_file_in_place_of_the_directory_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    std::fs::write(&out, "a file").unwrap();
    let run = analyze(&out, &["--force"]);
    assert_eq!(run.code, 5);
    assert!(run.stderr.contains("is not a directory"), "{}", run.stderr);
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "a file");
}

/// Drops this thread's file-system privileges (Linux `setfsuid`) so that permission bits
/// apply even when the tests run as root; restores them when dropped. Other threads (other
/// tests) are not affected.
struct Unprivileged {
    #[cfg(target_os = "linux")]
    previous: u32,
}

#[cfg(target_os = "linux")]
#[allow(unsafe_code)]
unsafe extern "C" {
    fn setfsuid(fsuid: u32) -> i32;
}

#[allow(unsafe_code)]
impl Unprivileged {
    fn new() -> Self {
        #[cfg(target_os = "linux")]
        {
            // SAFETY: setfsuid only changes this thread's file-system user id; 65534 is
            // `nobody`. For a non-root caller it fails and changes nothing.
            let previous = unsafe { setfsuid(65534) } as u32;
            Unprivileged { previous }
        }
        #[cfg(not(target_os = "linux"))]
        Unprivileged {}
    }
}

#[allow(unsafe_code)]
impl Drop for Unprivileged {
    fn drop(&mut self) {
        #[cfg(target_os = "linux")]
        // SAFETY: restores the file-system user id saved in `new`.
        unsafe {
            setfsuid(self.previous);
        }
    }
}

#[cfg(unix)]
fn chmod(path: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

/// A failure in the middle (everything built, then the swap refused by the file system):
/// the old output stays complete and in place, and no staging directory is left behind.
///
/// As root (this thread's file-system privileges dropped, Linux): the parent has the sticky
/// bit, like /tmp, so the old output (owned by root) cannot be moved aside by `nobody`, while
/// the staging directory is built. As an ordinary user: the parent is read-only, so the
/// staging directory cannot even be created.
#[cfg(unix)]
#[test]
fn a_failure_in_the_middle_leaves_the_old_output_intact() {
    let tmp = tempfile::tempdir().unwrap();
    let parent = tmp.path().join("work");
    std::fs::create_dir(&parent).unwrap();
    let out = parent.join("out");
    assert_eq!(analyze(&out, &[]).code, 0);
    let before = snapshot(&out);
    chmod(tmp.path(), 0o755);
    let probe = parent.join("probe");
    std::fs::create_dir(&probe).unwrap();
    chmod(&parent, 0o1777);
    let sticky_stops_us = {
        let _guard = Unprivileged::new();
        let moved = std::fs::rename(&probe, parent.join("probe2"));
        if moved.is_ok() {
            std::fs::rename(parent.join("probe2"), &probe).unwrap();
        }
        moved.is_err()
    };
    std::fs::remove_dir(&probe).unwrap();
    let run = if sticky_stops_us {
        let _guard = Unprivileged::new();
        analyze(&out, &["--force", "--flag-p", "0.01"])
    } else {
        chmod(&parent, 0o555);
        if std::fs::write(parent.join("probe"), "x").is_ok() {
            let _ = std::fs::remove_file(parent.join("probe"));
            chmod(&parent, 0o755);
            eprintln!("skipped: the file system refuses this process nothing here");
            return;
        }
        analyze(&out, &["--force", "--flag-p", "0.01"])
    };
    chmod(&parent, 0o755);
    assert_eq!(run.code, 5, "{}", run.stderr);
    assert_eq!(run.stderr.lines().count(), 1, "{}", run.stderr);
    if sticky_stops_us {
        assert!(run.stderr.contains("unchanged"), "{}", run.stderr);
    }
    assert_eq!(
        snapshot(&out),
        before,
        "the old output is complete and unchanged"
    );
    assert_eq!(names(&parent), ["out"], "no staging directory left");
}

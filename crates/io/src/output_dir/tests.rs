//! Tests of the output writer.

use super::fsutil::{hidden_stem, sync_tree};
use super::into::publish_into_with;
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

/// The SHA-256 of `text`, in hex.
fn sha(text: &str) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(text.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The first line of every manifest.
const HEADER: &str = "# Files written by qstudy, each after its SHA-256; `--force` replaces this directory only if it holds nothing else and no file was changed.\n";

fn write_output(staging: &(impl Sink + ?Sized), marker: &str) -> Result<(), OutputError> {
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
    assert_eq!(p.warnings, []);
    assert_eq!(names(&out), [MANIFEST, "results.json", "tables"]);
    assert_eq!(fs::read_to_string(out.join("results.json")).unwrap(), "new");
    assert_eq!(
        fs::read_to_string(out.join(MANIFEST)).unwrap(),
        format!(
            "{HEADER}{}  results.json\n{}  tables/a.csv\n",
            sha("new"),
            sha("x\n1\n")
        )
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
        Err(OutputError::Write {
            path: "plots/x.png".into(),
            source: std::io::Error::other("cannot draw"),
        })
    })
    .unwrap_err();
    assert_eq!(e.to_string(), "plots/x.png: cannot write: cannot draw");
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
    let target = tmp.path().join(&long);
    let a = Staging::beside(&target, &target).unwrap();
    let b = Staging::beside(&target, &target).unwrap();
    assert_ne!(a.path(), b.path());
    assert_ne!(a.aside(), b.aside());
    for p in [a.path().to_path_buf(), a.aside()] {
        let name = p.file_name().unwrap().to_string_lossy().into_owned();
        assert!(name.len() < 80, "{name}");
        assert!(
            name.starts_with(&format!(".{}.qstudy-", "n".repeat(40))),
            "{name}"
        );
    }
    drop((a, b));
    assert!(
        names(tmp.path()).is_empty(),
        "no staging directory or lock left"
    );
}

/// `publish_into` with a build that writes `results.json` and `plots/a.svg`.
fn add(dir: &Path, marker: &'static str) -> Result<Published, OutputError> {
    publish_into(dir, true, |s| -> Result<(), OutputError> {
        write_file(s, "results.json", marker.as_bytes())?;
        write_file(s, "plots/a.svg", b"<svg/>")
    })
}

#[test]
fn publish_into_adds_files_and_keeps_the_others() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    // a missing directory is made whole, with its manifest
    add(&out, "one").unwrap();
    assert_eq!(names(&out), [MANIFEST, "plots", "results.json"]);
    assert_eq!(names(tmp.path()), ["out"]);
    fs::write(out.join("notes.txt"), "mine").unwrap();
    fs::write(out.join("plots/b.svg"), "mine too").unwrap();
    let p = add(&out, "two").unwrap();
    assert_eq!(p.warnings, []);
    assert_eq!(fs::read_to_string(out.join("results.json")).unwrap(), "two");
    assert_eq!(fs::read_to_string(out.join("notes.txt")).unwrap(), "mine");
    assert_eq!(
        names(&out),
        [MANIFEST, "notes.txt", "plots", "results.json"]
    );
    assert_eq!(names(&out.join("plots")), ["a.svg", "b.svg"]);
    // the manifest lists what qstudy wrote, not the user's files
    assert_eq!(
        fs::read_to_string(out.join(MANIFEST)).unwrap(),
        format!(
            "{HEADER}{}  plots/a.svg\n{}  results.json\n",
            sha("<svg/>"),
            sha("two")
        )
    );
}

#[test]
fn publish_into_merges_the_manifest_and_writes_none_when_asked_not_to() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    publish(&out, false, &[], |s| write_output(s, "old")).unwrap();
    add(&out, "new").unwrap();
    let manifest = fs::read_to_string(out.join(MANIFEST)).unwrap();
    assert!(
        manifest.ends_with(&format!(
            "\n{}  plots/a.svg\n{}  results.json\n{}  tables/a.csv\n",
            sha("<svg/>"),
            sha("new"),
            sha("x\n1\n")
        )),
        "{manifest}"
    );
    // every file is qstudy's: --force replaces it
    publish(&out, true, &[], |s| write_output(s, "again")).unwrap();

    let bare = tmp.path().join("bare");
    fs::create_dir(&bare).unwrap();
    publish_into(&bare, false, |s| write_file(s, "x.csv", b"1")).unwrap();
    assert_eq!(names(&bare), ["x.csv"]);
}

#[test]
fn publish_into_changes_nothing_when_the_build_fails() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    add(&out, "old").unwrap();
    let before = fs::read_to_string(out.join(MANIFEST)).unwrap();
    let e = publish_into(&out, true, |s| {
        write_file(s, "results.json", b"half")?;
        write_file(s, "extra.csv", b"half")?;
        Err(OutputError::Write {
            path: "plots/x.png".into(),
            source: std::io::Error::other("cannot draw"),
        })
    })
    .unwrap_err();
    assert!(e.to_string().contains("cannot draw"), "{e}");
    assert_eq!(names(&out), [MANIFEST, "plots", "results.json"]);
    assert_eq!(fs::read_to_string(out.join("results.json")).unwrap(), "old");
    assert_eq!(fs::read_to_string(out.join(MANIFEST)).unwrap(), before);
    // a missing directory is not created either
    let missing = tmp.path().join("missing");
    let e = publish_into(&missing, true, |_| -> Result<(), OutputError> {
        Err(OutputError::NotEmpty { path: "x".into() })
    });
    assert!(e.is_err());
    assert_eq!(names(tmp.path()), ["out"]);
}

#[test]
fn publish_into_refuses_a_file_in_the_way_before_changing_anything() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    fs::create_dir(&out).unwrap();
    fs::write(out.join("results.json"), "old").unwrap();
    // a file where the directory plots/ goes
    fs::write(out.join("plots"), "a file").unwrap();
    let e = add(&out, "new").unwrap_err();
    assert!(matches!(e, OutputError::NotADirectory { .. }), "{e}");
    assert!(e.to_string().contains("plots"), "{e}");
    assert_eq!(names(&out), ["plots", "results.json"]);
    assert_eq!(fs::read_to_string(out.join("results.json")).unwrap(), "old");
    // a directory where a file goes
    fs::remove_file(out.join("plots")).unwrap();
    fs::create_dir_all(out.join("plots/a.svg")).unwrap();
    let e = add(&out, "new").unwrap_err();
    assert!(matches!(e, OutputError::IsADirectory { .. }), "{e}");
    assert_eq!(names(&out), ["plots", "results.json"]);
    assert_eq!(fs::read_to_string(out.join("results.json")).unwrap(), "old");
    // and DIR itself a file
    let file = tmp.path().join("file");
    fs::write(&file, "x").unwrap();
    assert!(matches!(
        add(&file, "new").unwrap_err(),
        OutputError::NotADirectory { .. }
    ));
}

#[test]
fn publish_into_undoes_every_move_when_one_fails() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    fs::create_dir(&out).unwrap();
    fs::write(out.join("results.json"), "old").unwrap();
    // the staging directory disappears after the first file was moved: the next move fails
    let hooks = Hooks {
        after_aside: Some(|staging| fs::remove_dir_all(staging).unwrap()),
    };
    let e = publish_into_with(
        &out,
        true,
        |s| -> Result<(), OutputError> {
            write_file(s, "a/new.csv", b"new")?;
            write_file(s, "results.json", b"new")
        },
        &hooks,
    )
    .unwrap_err();
    assert!(matches!(e, OutputError::Publish { .. }), "{e}");
    assert_eq!(names(&out), ["results.json"]);
    assert_eq!(fs::read_to_string(out.join("results.json")).unwrap(), "old");
}

/// Every error about a file being built names it under the output directory given, never
/// under the hidden staging directory (`.out.qstudy-new-*`, `out/.qstudy-new-*`).
#[test]
fn errors_name_the_output_directory_not_the_staging_one() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let clash = |s: &Staging| -> Result<(), OutputError> {
        write_file(s, "tables", b"a file where a directory goes")?;
        write_file(s, "tables/a.csv", b"x")
    };
    let unflushed = |s: &Staging| -> Result<(), OutputError> {
        write_file(s, "results.json", b"{}")?;
        flush_files(s, &["results.json", "plots/missing.svg"])
    };
    let streamed = |s: &Staging| -> Result<(), OutputError> {
        stream_file(s, "report.lis", |w| {
            let _ = w.write_all(b"half");
            Err(OutputError::Write {
                path: s.path_of("report.lis"),
                source: std::io::Error::other("disk full"),
            })
        })
    };
    type Build<'a> = &'a dyn Fn(&Staging) -> Result<(), OutputError>;
    let cases: [(Build, &str); 3] = [
        (&clash, "tables"),
        (&unflushed, "plots/missing.svg"),
        (&streamed, "report.lis"),
    ];
    for (build, named) in cases {
        let expected = out.join(named);
        // a new directory (staged beside it), then an existing one (staged inside it)
        for existing in [false, true] {
            if existing {
                fs::create_dir_all(&out).unwrap();
            }
            let e = if existing {
                publish_into(&out, true, build).unwrap_err()
            } else {
                publish(&out, false, &[], build).unwrap_err()
            }
            .to_string();
            assert!(!e.contains("qstudy-new"), "{e}");
            assert!(
                e.starts_with(&format!("{}: ", expected.display())),
                "{e} names {}",
                expected.display()
            );
            if existing {
                assert!(names(&out).is_empty());
                fs::remove_dir(&out).unwrap();
            }
            assert!(names(tmp.path()).is_empty());
        }
    }
}

/// A file qstudy wrote and the user changed since (its SHA-256 no longer the manifest's) is
/// never deleted by `force`: the run refuses on one line naming it, before building anything,
/// and the directory is left as it was.
#[test]
fn force_never_deletes_a_file_the_user_changed() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    publish(&out, false, &[], |s| write_output(s, "old")).unwrap();
    fs::write(out.join("tables/a.csv"), "x\n1\nmy note\n").unwrap();
    let manifest = fs::read_to_string(out.join(MANIFEST)).unwrap();
    let mut built = false;
    let e = publish(&out, true, &[], |s| {
        built = true;
        write_output(s, "new")
    })
    .unwrap_err();
    assert!(matches!(e, OutputError::Changed { .. }), "{e}");
    assert!(!built, "refused before anything is built");
    assert_eq!(
        e.to_string(),
        format!(
            "{}: not replaced, even with --force: \"tables/a.csv\" was changed after qstudy wrote it; move it away (or delete it yourself) or choose another --out",
            out.display()
        )
    );
    assert_eq!(
        fs::read_to_string(out.join("tables/a.csv")).unwrap(),
        "x\n1\nmy note\n"
    );
    assert_eq!(fs::read_to_string(out.join("results.json")).unwrap(), "old");
    assert_eq!(fs::read_to_string(out.join(MANIFEST)).unwrap(), manifest);
    assert_eq!(names(tmp.path()), ["out"]);
    // two changed (one replaced by a symbolic link): both named
    fs::write(out.join("results.json"), "edited").unwrap();
    let e = publish(&out, true, &[], |s| write_output(s, "new")).unwrap_err();
    assert!(
        e.to_string().contains(
            "\"results.json\", \"tables/a.csv\" were changed after qstudy wrote them; move them away"
        ),
        "{e}"
    );
    // put back as qstudy wrote it (or removed), the output is replaced
    fs::write(out.join("results.json"), "old").unwrap();
    fs::remove_dir_all(out.join("tables")).unwrap();
    publish(&out, true, &[], |s| write_output(s, "new")).unwrap();
    assert_eq!(fs::read_to_string(out.join("results.json")).unwrap(), "new");
}

#[cfg(unix)]
#[test]
fn a_listed_file_replaced_by_a_link_counts_as_changed() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    publish(&out, false, &[], |s| write_output(s, "old")).unwrap();
    let mine = tmp.path().join("mine.json");
    fs::write(&mine, "old").unwrap();
    fs::remove_file(out.join("results.json")).unwrap();
    std::os::unix::fs::symlink(&mine, out.join("results.json")).unwrap();
    let e = publish(&out, true, &[], |s| write_output(s, "new")).unwrap_err();
    assert!(
        matches!(e, OutputError::Changed { ref files, .. } if files == &["results.json"]),
        "{e}"
    );
    assert!(out.join("results.json").is_symlink());
}

/// A manifest of a qstudy older than the hashes (paths only) is trusted as it was: `force`
/// replaces the files it lists unchecked; the new manifest has hashes.
#[test]
fn a_manifest_without_hashes_is_trusted_as_before() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    previous(&out, &[]);
    fs::write(out.join("results.json"), "edited by hand").unwrap();
    publish(&out, true, &[], |s| write_output(s, "new")).unwrap();
    assert_eq!(fs::read_to_string(out.join("results.json")).unwrap(), "new");
    let manifest = fs::read_to_string(out.join(MANIFEST)).unwrap();
    assert!(
        manifest.contains(&format!("{}  results.json\n", sha("new"))),
        "{manifest}"
    );
    // publish_into keeps an old entry as it was and hashes its own files
    previous(&out, &[]);
    fs::write(out.join(MANIFEST), "# old\nresults.json\ntables/a.csv\n").unwrap();
    publish_into(&out, true, |s| write_file(s, "plots/a.svg", b"<svg/>")).unwrap();
    assert_eq!(
        fs::read_to_string(out.join(MANIFEST)).unwrap(),
        format!(
            "{HEADER}{}  plots/a.svg\nresults.json\ntables/a.csv\n",
            sha("<svg/>")
        )
    );
}

#[test]
fn manifest_lines_read_with_and_without_hashes() {
    let tmp = tempfile::tempdir().unwrap();
    let h = sha("x");
    fs::write(
        tmp.path().join(MANIFEST),
        format!("# c\n{h}  a b.csv\nplots/\nold.txt\n{}  short\n", &h[..10]),
    )
    .unwrap();
    let listed = super::fsutil::read_manifest(tmp.path()).unwrap();
    assert_eq!(listed["a b.csv"], Some(h.clone()));
    assert_eq!(listed["plots/"], None);
    assert_eq!(listed["old.txt"], None);
    // not a full hash: the whole line is a path
    assert!(listed.contains_key(&format!("{}  short", &h[..10])));
}

/// The hidden entries an interrupted run leaves (killed between its steps: the operating
/// system released its lock): a staging directory with files, a set-aside previous output,
/// and their lock file; `prefix` is `.out.` beside `out`, `.` inside it.
fn interrupted_run(place: &Path, prefix: &str, token: &str) -> Vec<PathBuf> {
    let new = place.join(format!("{prefix}qstudy-new-{token}"));
    let old = place.join(format!("{prefix}qstudy-old-{token}"));
    fs::create_dir_all(new.join("tables")).unwrap();
    fs::write(new.join("tables/a.csv"), "x").unwrap();
    fs::create_dir_all(&old).unwrap();
    fs::write(old.join("results.json"), "older").unwrap();
    fs::write(place.join(format!("{prefix}qstudy-lock-{token}")), "").unwrap();
    vec![new, old]
}

fn removed(p: &Published) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = p
        .warnings
        .iter()
        .filter_map(|w| match w {
            OutputWarning::LeftoverRemoved { path } => Some(path.clone()),
            _ => None,
        })
        .collect();
    v.sort();
    v
}

#[test]
fn leftovers_beside_the_directory_are_removed_and_reported() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    publish(&out, false, &[], |s| write_output(s, "old")).unwrap();
    let mut left = interrupted_run(tmp.path(), ".out.", "4000001-0");
    // an older qstudy's staging directory: no lock file at all
    let bare = tmp.path().join(".out.qstudy-new-4000002-3");
    fs::create_dir(&bare).unwrap();
    left.push(bare);
    // not ours: another output's, and names that only look alike
    fs::create_dir(tmp.path().join(".other.qstudy-new-4000001-0")).unwrap();
    fs::create_dir(tmp.path().join(".out.qstudy-new-x")).unwrap();
    let p = publish(&out, true, &[], |s| write_output(s, "new")).unwrap();
    left.sort();
    assert_eq!(removed(&p), left);
    assert_eq!(
        names(tmp.path()),
        [".other.qstudy-new-4000001-0", ".out.qstudy-new-x", "out"]
    );
    // publish_into cleans beside the directory too
    let mut left = interrupted_run(tmp.path(), ".out.", "4000003-0");
    let p = add(&out, "again").unwrap();
    left.sort();
    assert_eq!(removed(&p), left);
    assert_eq!(names(tmp.path()).len(), 3);
}

#[test]
fn leftovers_inside_the_directory_are_removed_and_reported() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    add(&out, "one").unwrap();
    // publish_into: removed after its own files are in
    let mut left = interrupted_run(&out, ".", "4000004-0");
    let p = add(&out, "two").unwrap();
    left.sort();
    assert_eq!(removed(&p), left);
    assert_eq!(names(&out), [MANIFEST, "plots", "results.json"]);
    // publish with force: they are qstudy's, not foreign; they go with the old output
    interrupted_run(&out, ".", "4000005-0");
    let p = publish(&out, true, &[], |s| write_output(s, "new")).unwrap();
    assert_eq!(
        removed(&p),
        [
            out.join(".qstudy-new-4000005-0"),
            out.join(".qstudy-old-4000005-0")
        ]
    );
    assert_eq!(names(&out), [MANIFEST, "results.json", "tables"]);
    // without force a directory holding them is still not empty
    interrupted_run(&out, ".", "4000006-0");
    assert!(matches!(
        publish(&out, false, &[], |s| write_output(s, "x")).unwrap_err(),
        OutputError::NotEmpty { .. }
    ));
}

/// The staging directory of a run still in progress (its lock held) is never touched: not by
/// another run's cleaning beside or inside the directory, and `force` does not pull the
/// directory from under a run writing into it.
#[test]
fn a_live_run_is_never_touched() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    add(&out, "one").unwrap();
    let beside = Staging::beside(&out, &out).unwrap();
    write_file(&beside, "results.json", b"in progress").unwrap();
    let inside = Staging::inside(&out, &out).unwrap();
    write_file(&inside, "plots/a.svg", b"in progress").unwrap();
    let p = add(&out, "two").unwrap();
    assert_eq!(p.warnings, []);
    assert!(beside.path().join("results.json").is_file());
    assert!(inside.path().join("plots/a.svg").is_file());
    // force refuses, leaving all as it was
    let before = fs::read_to_string(out.join(MANIFEST)).unwrap();
    let e = publish(&out, true, &[], |s| write_output(s, "new")).unwrap_err();
    assert!(matches!(e, OutputError::Busy { .. }), "{e}");
    assert_eq!(
        e.to_string(),
        format!(
            "{}: not replaced: another qstudy run is writing into it; run again once it has finished",
            out.display()
        )
    );
    assert_eq!(fs::read_to_string(out.join(MANIFEST)).unwrap(), before);
    assert!(inside.path().join("plots/a.svg").is_file());
    // once the run is over (here: dropped), the next one goes through and leaves nothing
    drop(inside);
    publish(&out, true, &[], |s| write_output(s, "new")).unwrap();
    assert!(beside.path().join("results.json").is_file());
    drop(beside);
    assert_eq!(names(tmp.path()), ["out"]);
}

/// Runs at once into one directory (threads of one process, as the workbench's could be): each
/// `publish_into` adds its files, exactly one `publish` of a new directory wins and the others
/// are refused as not empty; nothing hidden is left.
#[test]
fn concurrent_runs_into_one_directory() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let results: Vec<bool> = std::thread::scope(|scope| {
        let runs: Vec<_> = (0..6)
            .map(|i| {
                let out = &out;
                scope.spawn(move || {
                    publish(out, false, &[], |s| write_output(s, &format!("run {i}"))).is_ok()
                })
            })
            .collect();
        runs.into_iter().map(|r| r.join().unwrap()).collect()
    });
    assert_eq!(results.iter().filter(|ok| **ok).count(), 1, "{results:?}");
    assert_eq!(names(tmp.path()), ["out"]);
    std::thread::scope(|scope| {
        for i in 0..6 {
            let out = &out;
            scope.spawn(move || {
                publish_into(out, true, |s| {
                    write_file(s, &format!("plots/{i}.svg"), b"<svg/>")?;
                    write_file(s, "shared.txt", format!("{i}").as_bytes())
                })
                .unwrap()
            });
        }
    });
    for i in 0..6 {
        assert!(out.join(format!("plots/{i}.svg")).is_file());
    }
    assert_eq!(names(tmp.path()), ["out"]);
    assert!(
        names(&out)
            .iter()
            .all(|n| !n.contains("qstudy-") || n == MANIFEST),
        "{:?}",
        names(&out)
    );
}

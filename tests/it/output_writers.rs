//! `qstudy bootstrap`, `factors --out` and `plot` write through the one output writer
//! (`qstudy_io::output_dir::publish_into`): their files are staged, then added to DIR at once
//! with a manifest; a failure leaves DIR exactly as it was, with no partial file and no staging
//! directory.

use std::path::{Path, PathBuf};

use support::{Run, fixture, qstudy};

const LIPSET: &str = "lipset/LIPSET.DAT";

fn run(args: &[&str]) -> Run {
    qstudy(args)
}

fn bootstrap(out: &Path) -> Run {
    run(&[
        "bootstrap",
        &fixture(LIPSET),
        "--factors",
        "3",
        "--replicates",
        "20",
        "--seed",
        "3",
        "--out",
        &out.to_string_lossy(),
    ])
}

fn factors(out: &Path) -> Run {
    run(&[
        "factors",
        &fixture(LIPSET),
        "--iterations",
        "40",
        "--out",
        &out.to_string_lossy(),
    ])
}

fn analyze(out: &Path, extra: &[&str]) -> Run {
    let mut args = vec![
        "analyze".to_string(),
        fixture(LIPSET),
        "--factors".into(),
        "3".into(),
        "--out".into(),
        out.to_string_lossy().into_owned(),
    ];
    args.extend(extra.iter().map(|s| s.to_string()));
    qstudy(&args)
}

/// Every file under `dir` (`/`-separated relative paths) with its bytes, sorted.
fn snapshot(dir: &Path) -> Vec<(String, Vec<u8>)> {
    fn walk(base: &Path, dir: &Path, out: &mut Vec<(String, Vec<u8>)>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p: PathBuf = e.unwrap().path();
            let rel = p
                .strip_prefix(base)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            if p.is_dir() {
                walk(base, &p, out);
            } else {
                out.push((rel, std::fs::read(&p).unwrap()));
            }
        }
    }
    let mut v = Vec::new();
    walk(dir, dir, &mut v);
    v.sort();
    v
}

/// The files a manifest lists (`SHA256  PATH` lines), each checked against its hash.
fn manifest(dir: &Path) -> Vec<String> {
    use sha2::Digest;
    std::fs::read_to_string(dir.join(".qstudy-manifest"))
        .expect("a manifest")
        .lines()
        .filter(|l| !l.starts_with('#'))
        .map(|l| {
            let (hash, path) = l.split_once("  ").expect("SHA256  PATH");
            let bytes = std::fs::read(dir.join(path)).unwrap();
            let actual: String = sha2::Sha256::digest(&bytes)
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect();
            assert_eq!(hash, actual, "{path}: the manifest's SHA-256 is the file's");
            path.to_string()
        })
        .collect()
}

/// Every file of `dir` but its manifest.
fn files(dir: &Path) -> Vec<String> {
    snapshot(dir)
        .into_iter()
        .map(|(p, _)| p)
        .filter(|p| p != ".qstudy-manifest")
        .collect()
}

/// A directory holding a previous file of the user's and `plots` as a file, where the command
/// needs a directory: every output is refused and nothing changes.
fn blocked(tmp: &Path) -> PathBuf {
    let out = tmp.join("out");
    std::fs::create_dir(&out).unwrap();
    std::fs::write(out.join("notes.txt"), "mine").unwrap();
    std::fs::write(out.join("plots"), "a file where plots/ goes").unwrap();
    out
}

fn assert_untouched(out: &Path, before: &[(String, Vec<u8>)], run: &Run) {
    assert_eq!(run.code, 5, "{}", run.stderr);
    assert!(
        run.stderr.starts_with("error: ") && run.stderr.contains("plots"),
        "{}",
        run.stderr
    );
    assert!(
        !run.stderr.contains("qstudy-new"),
        "the message names DIR, not the staging directory: {}",
        run.stderr
    );
    assert_eq!(snapshot(out), before, "DIR is left exactly as it was");
    let hidden: Vec<_> = std::fs::read_dir(out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("qstudy-"))
        .collect();
    assert!(hidden.is_empty(), "no staging directory left: {hidden:?}");
}

#[test]
fn bootstrap_writes_a_manifest_and_never_half_writes() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("boot");
    let r = bootstrap(&out);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(manifest(&out), files(&out));
    assert_eq!(
        files(&out),
        [
            "bootstrap.json",
            "bootstrap_loadings.csv",
            "bootstrap_zscores.csv",
            "plots/bootstrap-zscores.png",
            "plots/bootstrap-zscores.svg"
        ]
    );

    let out = blocked(tmp.path());
    let before = snapshot(&out);
    assert_untouched(&out, &before, &bootstrap(&out));
}

#[test]
fn factors_writes_a_manifest_and_never_half_writes() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("retention");
    let r = factors(&out);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(manifest(&out), files(&out));
    assert_eq!(
        files(&out),
        ["plots/scree.png", "plots/scree.svg", "retention.json"]
    );

    let out = blocked(tmp.path());
    let before = snapshot(&out);
    assert_untouched(&out, &before, &factors(&out));
}

#[test]
fn plot_writes_a_manifest_and_never_half_writes() {
    let tmp = tempfile::tempdir().unwrap();
    let analysis = tmp.path().join("analysis");
    assert_eq!(analyze(&analysis, &["--no-plots"]).code, 0);
    let json = analysis.join("results.json").to_string_lossy().into_owned();

    let out = tmp.path().join("figures");
    let r = run(&[
        "plot",
        &json,
        "--kind",
        "composite",
        "--out",
        &out.to_string_lossy(),
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(manifest(&out), files(&out));
    assert_eq!(files(&out).len(), 6, "{:?}", files(&out));

    // a directory where a figure goes: refused before any figure is written
    let out = tmp.path().join("blocked");
    std::fs::create_dir_all(out.join("composite-F2.png")).unwrap();
    std::fs::write(out.join("notes.txt"), "mine").unwrap();
    let before = snapshot(&out);
    let r = run(&[
        "plot",
        &json,
        "--kind",
        "composite",
        "--out",
        &out.to_string_lossy(),
    ]);
    assert_eq!(r.code, 5, "{}", r.stderr);
    assert!(r.stderr.contains("composite-F2.png"), "{}", r.stderr);
    assert_eq!(snapshot(&out), before);
    assert!(!out.join("composite-F1.svg").exists());
}

#[test]
fn files_added_to_an_analyze_output_keep_it_replaceable_with_force() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    assert_eq!(analyze(&out, &[]).code, 0);
    // plot's default place is plots/ beside results.json: listed by that output's manifest
    let json = out.join("results.json").to_string_lossy().into_owned();
    let r = run(&["plot", &json, "--kind", "scree", "--width", "700"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(!out.join("plots/.qstudy-manifest").exists());
    // bootstrap into the same directory: its files join the manifest
    let r = bootstrap(&out);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let listed = manifest(&out);
    assert!(listed.contains(&"bootstrap.json".to_string()), "{listed:?}");
    assert_eq!(listed, files(&out), "every file is listed");
    // so --force replaces the whole directory, bootstrap's files included
    let r = analyze(&out, &["--force"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(!out.join("bootstrap.json").exists());
    assert_eq!(manifest(&out), files(&out));
}

/// `bootstrap --out DIR` removes the staging directory a killed run left inside DIR, and says
/// so.
#[test]
fn bootstrap_removes_the_leftover_of_an_interrupted_run() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("boot");
    std::fs::create_dir(&out).unwrap();
    let left = out.join(".qstudy-new-4000003-1");
    std::fs::create_dir(&left).unwrap();
    std::fs::write(left.join("bootstrap.json"), "half").unwrap();
    std::fs::write(out.join(".qstudy-lock-4000003-1"), "").unwrap();
    let r = bootstrap(&out);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr.contains(&format!(
            "warning: removed the leftover of an interrupted run: {}",
            left.display()
        )),
        "{}",
        r.stderr
    );
    assert_eq!(manifest(&out), files(&out), "nothing hidden left");
}

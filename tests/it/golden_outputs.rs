//! Golden outputs: every file `qstudy` writes, on every fixture that analyses and on a set of
//! option variants, is byte-identical to the SHA-256 recorded in `tests/golden/outputs.sha256`.
//!
//! This is the safety net of refactors (issue 14): a refactor must leave every output byte for
//! byte as it was. When an output changes *on purpose* (a new key, a fixed number, a new table),
//! review the listed differences and re-record the manifest:
//!
//! ```text
//! QSTUDY_BLESS=1 cargo test --test it golden_outputs
//! git diff tests/golden/outputs.sha256   # review, then commit it with the change
//! ```
//!
//! Inputs are given as paths relative to the package root (the working directory of
//! `cargo test`): `report.html` and a converted `study.toml` quote the input path as typed, so an
//! absolute path would make the manifest depend on where the repository is checked out.
//!
//! Every case draws its figures and report.html (the whole test takes ~17 s in a debug build).

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};
use support::qstudy;

/// The manifest, relative to the package root.
const MANIFEST: &str = "tests/golden/outputs.sha256";

/// One run of the CLI. `{out}` in `args` is replaced by the case's (fresh, empty) output
/// directory; every file found under it afterwards is hashed.
struct Case {
    name: &'static str,
    args: Vec<&'static str>,
}

fn case(name: &'static str, args: &[&'static str]) -> Case {
    Case {
        name,
        args: args.to_vec(),
    }
}

/// `qstudy analyze INPUT EXTRA... --out {out}`.
fn analyze(name: &'static str, input: &'static str, extra: &[&'static str]) -> Case {
    let mut args = vec!["analyze", input];
    args.extend_from_slice(extra);
    args.extend_from_slice(&["--out", "{out}"]);
    Case { name, args }
}

fn cases() -> Vec<Case> {
    const LIPSET: &str = "fixtures/lipset/LIPSET.DAT";
    let k3 = ["--factors", "3"];
    let k2 = ["--factors", "2"];
    vec![
        // Every fixture input that analyses (the study directory carries its own options).
        analyze("apse-2023", "fixtures/apse-2023", &[]),
        analyze("lipset", LIPSET, &k3),
        analyze("koc", "fixtures/koc/KOC.DAT", &["--factors", "4"]),
        analyze("redu-fut", "fixtures/redu-fut/qsorts.csv", &k3),
        analyze("cegebe", "fixtures/cegebe/htmlq_export.csv", &k3),
        analyze("uhh", "fixtures/uhh/UHH.DAT", &["--factors", "1"]),
        analyze(
            "kade-buzzwords",
            "fixtures/kade-demo/buzzwords/sorts.csv",
            &k2,
        ),
        analyze(
            "kade-ipad",
            "fixtures/kade-demo/ipad-survey-japanese/sorts.csv",
            &k2,
        ),
        analyze(
            "kade-motivational",
            "fixtures/kade-demo/motivational/sorts.csv",
            &k2,
        ),
        analyze(
            "kenq-buzzwords",
            "fixtures/kenq-web-demo/buzzwords/sorts.csv",
            &k2,
        ),
        analyze(
            "kenq-ipad",
            "fixtures/kenq-web-demo/ipad-survey-japanese/sorts.csv",
            &k2,
        ),
        analyze(
            "kenq-motivational",
            "fixtures/kenq-web-demo/motivational/sorts.csv",
            &k2,
        ),
        analyze("civicon-before", "fixtures/civicon/sorts_before.csv", &k3),
        analyze("civicon-after", "fixtures/civicon/sorts_after.csv", &k3),
        // The collection tools' exports with their statements, and a selection of sorts.
        analyze(
            "eqwebsort-netlify",
            "fixtures/eqwebsort/apse-netlify.csv",
            &[
                "--id-column",
                "urlUsercode",
                "--statements",
                "fixtures/apse-2023/statements.csv",
                "--factors",
                "4",
            ],
        ),
        analyze(
            "eqwebsort-sheets",
            "fixtures/eqwebsort/lipset-sheets.csv",
            &[
                "--statements",
                "fixtures/eqwebsort/lipset-statements.xml",
                "--factors",
                "3",
            ],
        ),
        analyze(
            "apse-2023-where-officers",
            "fixtures/apse-2023",
            &["--where", "role=officer"],
        ),
        analyze(
            "kade-ipad-qmethod-centroid",
            "fixtures/kade-demo/ipad-survey-japanese/sorts.csv",
            &[
                "--numerics",
                "qmethod",
                "--factors",
                "5",
                "--rotation",
                "none",
            ],
        ),
        // Option variants on Lipset (9 sorts x 33 statements).
        analyze("lipset-pca", LIPSET, &["--factors", "3", "--method", "pca"]),
        analyze(
            "lipset-qmethod",
            LIPSET,
            &["--factors", "3", "--numerics", "qmethod"],
        ),
        analyze(
            "lipset-horst",
            LIPSET,
            &["--factors", "3", "--method", "horst"],
        ),
        analyze(
            "lipset-unrotated",
            LIPSET,
            &["--factors", "3", "--rotation", "none"],
        ),
        analyze(
            "lipset-rotate",
            LIPSET,
            &["--factors", "3", "--rotate", "1,2,10"],
        ),
        analyze(
            "lipset-flag-unflag",
            LIPSET,
            &["--factors", "3", "--flag", "FR9=3", "--unflag", "US8=1"],
        ),
        analyze(
            "lipset-invert",
            LIPSET,
            &["--factors", "3", "--invert", "2"],
        ),
        analyze(
            "lipset-split",
            LIPSET,
            &["--factors", "3", "--method", "pca", "--split", "2"],
        ),
        analyze(
            "lipset-spearman",
            LIPSET,
            &["--factors", "3", "--correlation", "spearman"],
        ),
        // The other commands that write files.
        case(
            "factors-lipset",
            &[
                "factors",
                LIPSET,
                "--iterations",
                "200",
                "--seed",
                "5",
                "--out",
                "{out}",
            ],
        ),
        case(
            "bootstrap-lipset",
            &[
                "bootstrap",
                LIPSET,
                "--factors",
                "3",
                "--replicates",
                "50",
                "--seed",
                "7",
                "--out",
                "{out}",
            ],
        ),
        case(
            "convert-lipset-pqmethod",
            &["convert", LIPSET, "--to", "pqmethod", "{out}/LIPSET.DAT"],
        ),
        case(
            "convert-lipset-csv",
            &["convert", LIPSET, "--to", "csv", "{out}/lipset.csv"],
        ),
        case(
            "convert-lipset-study",
            &["convert", LIPSET, "--to", "study", "{out}/lipset"],
        ),
    ]
}

/// Every file under `dir` (path relative to `dir`, `/`-separated) with the SHA-256 of its bytes.
fn hashes(dir: &Path) -> BTreeMap<String, String> {
    fn walk(base: &Path, dir: &Path, out: &mut BTreeMap<String, String>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(base, &path, out);
            } else {
                let rel = path.strip_prefix(base).unwrap();
                let rel = rel.to_string_lossy().replace('\\', "/");
                let digest = Sha256::digest(std::fs::read(&path).unwrap());
                let mut hex = String::with_capacity(64);
                for b in digest {
                    write!(hex, "{b:02x}").unwrap();
                }
                out.insert(rel, hex);
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

/// Runs one case in a fresh directory under `tmp`; its output files and their hashes.
fn run(tmp: &Path, case: &Case) -> BTreeMap<String, String> {
    let out: PathBuf = tmp.join(case.name);
    std::fs::create_dir(&out).unwrap();
    let out_s = out.to_string_lossy();
    let args: Vec<String> = case
        .args
        .iter()
        .map(|a| a.replace("{out}", &out_s))
        .collect();
    let r = qstudy(&args);
    assert_eq!(
        r.code, 0,
        "case {}: qstudy {:?} failed:\n{}",
        case.name, args, r.stderr
    );
    let files = hashes(&out);
    assert!(!files.is_empty(), "case {}: no output written", case.name);
    files
}

type Manifest = BTreeMap<String, BTreeMap<String, String>>;

/// The manifest's text: a comment, then `SHA256  CASE/PATH` lines sorted by case and path.
fn render(m: &Manifest) -> String {
    let mut s = String::from(
        "# SHA-256 of every output of tests/it/golden_outputs.rs (one line per case/file).\n\
         # Re-record only for an intended change: QSTUDY_BLESS=1 cargo test --test it golden_outputs\n",
    );
    for (case, files) in m {
        for (path, hash) in files {
            writeln!(s, "{hash}  {case}/{path}").unwrap();
        }
    }
    s
}

fn parse(text: &str) -> Manifest {
    let mut m = Manifest::new();
    for (i, line) in text.lines().enumerate() {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let (hash, name) = line
            .split_once("  ")
            .unwrap_or_else(|| panic!("{MANIFEST}:{}: expected `SHA256  CASE/PATH`", i + 1));
        let (case, path) = name
            .split_once('/')
            .unwrap_or_else(|| panic!("{MANIFEST}:{}: expected `CASE/PATH`", i + 1));
        m.entry(case.to_string())
            .or_default()
            .insert(path.to_string(), hash.to_string());
    }
    m
}

/// Differences between the expected and the actual outputs, per case; empty when equal.
fn differences(expected: &Manifest, actual: &Manifest) -> String {
    let mut report = String::new();
    let cases: BTreeSet<&String> = expected.keys().chain(actual.keys()).collect();
    let empty = BTreeMap::new();
    for case in cases {
        let (e, a) = match (expected.get(case), actual.get(case)) {
            (None, Some(_)) => {
                writeln!(report, "case {case}: new case, not in the manifest").unwrap();
                continue;
            }
            (Some(_), None) => {
                writeln!(report, "case {case}: in the manifest, no longer run").unwrap();
                continue;
            }
            (e, a) => (e.unwrap_or(&empty), a.unwrap_or(&empty)),
        };
        let mut lines = Vec::new();
        let paths: BTreeSet<&String> = e.keys().chain(a.keys()).collect();
        for p in paths {
            match (e.get(p), a.get(p)) {
                (Some(x), Some(y)) if x != y => lines.push(format!("  differs: {p}")),
                (Some(_), None) => lines.push(format!("  missing: {p} (expected, not written)")),
                (None, Some(_)) => lines.push(format!("  extra:   {p} (written, not expected)")),
                _ => {}
            }
        }
        if !lines.is_empty() {
            writeln!(report, "case {case}:\n{}", lines.join("\n")).unwrap();
        }
    }
    report
}

#[test]
fn every_output_is_byte_identical_to_the_golden_manifest() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    assert_eq!(
        std::env::current_dir().unwrap().canonicalize().unwrap(),
        root.canonicalize().unwrap(),
        "run from the package root (as `cargo test` does): inputs are relative paths"
    );
    let tmp = tempfile::tempdir().unwrap();
    let mut actual = Manifest::new();
    for c in cases() {
        let files = run(tmp.path(), &c);
        assert!(
            actual.insert(c.name.to_string(), files).is_none(),
            "case {} twice",
            c.name
        );
    }
    let manifest = root.join(MANIFEST);
    if std::env::var("QSTUDY_BLESS").as_deref() == Ok("1") {
        std::fs::create_dir_all(manifest.parent().unwrap()).unwrap();
        std::fs::write(&manifest, render(&actual)).unwrap();
        eprintln!("QSTUDY_BLESS=1: wrote {}", manifest.display());
        return;
    }
    let text = std::fs::read_to_string(&manifest).unwrap_or_else(|e| {
        panic!(
            "{}: {e}; record it with QSTUDY_BLESS=1 cargo test --test it golden_outputs",
            manifest.display()
        )
    });
    let diff = differences(&parse(&text), &actual);
    assert!(
        diff.is_empty(),
        "outputs differ from {MANIFEST}:\n{diff}\n\
         If (and only if) these changes are intended, re-record the manifest with\n  \
         QSTUDY_BLESS=1 cargo test --test it golden_outputs\n\
         and review `git diff {MANIFEST}` before committing it. Never bless to make a refactor \
         pass: a refactor must leave every output byte-identical."
    );
}

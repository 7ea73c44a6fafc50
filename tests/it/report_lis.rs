//! `report.lis`, the PQMethod-style text report written by `qstudy analyze`.
//!
//! Golden file: `tests/golden/lipset.lis` is the report of
//! `qstudy analyze fixtures/lipset/LIPSET.DAT --factors 3`, compared byte for byte. When the
//! report changes on purpose, regenerate it with
//!
//! ```sh
//! QSTUDY_BLESS=1 cargo test --test it report_lis
//! ```
//!
//! and review the diff of `tests/golden/lipset.lis` before committing it.

use std::path::{Path, PathBuf};

use support::{fixture, qstudy};

fn analyze(args: &[&str]) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let mut all = vec!["analyze"];
    all.extend_from_slice(args);
    all.extend(["--no-plots", "--out", out.to_str().unwrap()]);
    let run = qstudy(&all);
    assert_eq!(run.code, 0, "{}", run.stderr);
    (dir, out)
}

fn golden(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/golden")
        .join(name)
}

#[test]
fn lipset_report_matches_the_golden_file() {
    let (_d, out) = analyze(&[&fixture("lipset/LIPSET.DAT"), "--factors", "3"]);
    let fresh = std::fs::read_to_string(out.join("report.lis")).unwrap();
    let path = golden("lipset.lis");
    if std::env::var_os("QSTUDY_BLESS").is_some_and(|v| v == "1") {
        std::fs::write(&path, &fresh).unwrap();
        eprintln!("blessed {}", path.display());
        return;
    }
    let expected = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e} (QSTUDY_BLESS=1 creates it)", path.display()));
    if fresh != expected {
        let (line, (a, b)) = fresh
            .lines()
            .zip(expected.lines())
            .enumerate()
            .find(|(_, (a, b))| a != b)
            .map(|(i, p)| (i + 1, p))
            .unwrap_or((
                fresh.lines().count().min(expected.lines().count()) + 1,
                ("<end>", "<end>"),
            ));
        panic!(
            "report.lis differs from {} at line {line}:\n  new: {a}\n  old: {b}\n(QSTUDY_BLESS=1 regenerates it)",
            path.display()
        );
    }
}

#[test]
fn lipset_report_holds_the_analysis_numbers() {
    let (_d, out) = analyze(&[&fixture("lipset/LIPSET.DAT"), "--factors", "3"]);
    let text = std::fs::read_to_string(out.join("report.lis")).unwrap();
    let r = support::results(&out);
    // loadings with 4 decimals and an X for each defining sort
    let us1 = r["factor_loadings"][0][0].as_f64().unwrap();
    assert!(
        text.contains(&format!("  1 US1             {us1:.4}X")),
        "{us1}"
    );
    // normalized z-scores with 3 decimals
    let z33 = r["factors"][0]["zscores"][32].as_f64().unwrap();
    assert!(text.contains(&format!("{z33:.3}")));
    // the study title heads every page
    let pages = text.lines().filter(|l| l.contains("PAGE")).count();
    let titled = text
        .lines()
        .filter(|l| l.starts_with("qstudy                     Lipset Study (PQMETHOD testfile"))
        .count();
    assert!(pages >= 15);
    assert_eq!(pages, titled);
}

#[test]
fn apse_report_names_the_factors_and_adds_the_group_make_up() {
    let (_d, out) = analyze(&[&fixture("apse-2023")]);
    let text = std::fs::read_to_string(out.join("report.lis")).unwrap();
    for name in [
        "galvanised dialogues",
        "settled accommodation",
        "frustrated expectations",
        "stressed collaboration",
    ] {
        // in the summary, the legends of the multi-factor tables and the per-factor titles
        assert!(text.matches(name).count() >= 10, "{name}");
    }
    assert!(text.contains("Normalized Factor Scores -- For Factor 2 (settled accommodation)"));
    assert!(text.contains("Distinguishing Statements for Factor 4 (stressed collaboration)"));
    let pqmethod_end = text
        .find("Consensus Statements  --  Those That Do Not Distinguish")
        .unwrap();
    let groups = text
        .find("Group Make-up by role  (qstudy addition)")
        .unwrap();
    assert!(groups > pqmethod_end, "qstudy's additions come last");
    assert!(text.contains("councillor (n=16)  officer (n=16)  Fisher p"));
    // the order of PQMethod's sections
    let order = [
        "Correlation Matrix Between Sorts",
        "Unrotated Factor Matrix",
        "Cumulative Communalities Matrix",
        "Factor Matrix with an X Indicating a Defining Sort",
        "Factor Scores with Corresponding Ranks",
        "Correlations Between Factor Scores",
        "Normalized Factor Scores -- For Factor 1",
        "Descending Array of Differences Between Factors 1 and 2",
        "Factor Q-Sort Values for Each Statement",
        "Factor Q-Sort Values for Statements sorted by Consensus vs. Disagreement",
        "Factor Characteristics",
        "Standard Errors for Differences in Factor Z-Scores",
        "Distinguishing Statements for Factor 1",
        "Consensus Statements",
    ];
    let at: Vec<usize> = order
        .iter()
        .map(|t| {
            text.find(&format!("\n{t}"))
                .unwrap_or_else(|| panic!("{t}"))
        })
        .collect();
    assert!(at.windows(2).all(|w| w[0] < w[1]), "{at:?}");
    assert!(
        !text.contains("Free Distribution Data Results"),
        "forced data"
    );
}

#[test]
fn free_distribution_data_get_their_section() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("free.csv");
    // four sorts that do not share one distribution
    std::fs::write(
        &csv,
        "A,B,C,D\n-2,-2,2,1\n-1,-1,1,2\n0,-1,0,0\n0,0,0,-1\n1,1,-1,-2\n2,2,-2,0\n",
    )
    .unwrap();
    let out = dir.path().join("out");
    let run = qstudy(&[
        "analyze",
        csv.to_str().unwrap(),
        "--factors",
        "1",
        "--grid=-2:1,-1:1,0:2,1:1,2:1",
        "--free-distribution",
        "--no-plots",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let text = std::fs::read_to_string(out.join("report.lis")).unwrap();
    let free = text.find("\nFree Distribution Data Results").unwrap();
    assert!(free > text.find("\nFactor Matrix with an X").unwrap());
    assert!(
        free < text
            .find("\nFactor Scores with Corresponding Ranks")
            .unwrap()
    );
    assert!(text.contains("MEAN   ST.DEV."));
}

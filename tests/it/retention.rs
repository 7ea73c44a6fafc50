//! `qstudy factors` (the retention report) and `qstudy analyze` without a number of factors.

use serde_json::Value;
use support::{fixture, qstudy, results};

fn retention_json(dir: &std::path::Path) -> Value {
    let text = std::fs::read_to_string(dir.join("retention.json")).expect("retention.json");
    serde_json::from_str(&text).expect("valid JSON")
}

#[test]
fn factors_recommends_the_planted_viewpoints_of_apse() {
    let dir = tempfile::tempdir().unwrap();
    let run = qstudy(&[
        "factors",
        &fixture("apse-2023"),
        "--iterations",
        "300",
        "--out",
        dir.path().to_str().unwrap(),
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    for part in [
        "Eigenvalue",
        "Humphrey",
        "Parallel analysis: 300 random studies of 32 sorts",
        "Defining sorts per factor",
        "Kaiser-Guttman:",
        "Recommendation: 4 factor(s)",
    ] {
        assert!(run.stdout.contains(part), "{part}: {}", run.stdout);
    }
    let r = retention_json(dir.path());
    assert_eq!(r["schema"], "qstudy.retention/1");
    assert_eq!(r["recommended"], 4);
    assert_eq!(r["extraction"], "centroid", "the study's default method");
    assert_eq!(r["parallel"]["iterations"], 300);
    assert_eq!(r["solutions"].as_array().unwrap().len(), 7);
    assert_eq!(
        r["solutions"][3]["defining"],
        serde_json::json!([6, 10, 8, 8])
    );
    assert!(!r["reasons"].as_array().unwrap().is_empty());
}

#[test]
fn the_report_is_the_same_on_any_number_of_threads() {
    let dir = tempfile::tempdir().unwrap();
    let run = |threads: &str| {
        let out = dir.path().join(threads);
        let r = qstudy(&[
            "factors",
            &fixture("redu-fut/qsorts.csv"),
            "--method",
            "pca",
            "--iterations",
            "100",
            "--seed",
            "9",
            "--threads",
            threads,
            "--out",
            out.to_str().unwrap(),
        ]);
        assert_eq!(r.code, 0, "{}", r.stderr);
        std::fs::read(out.join("retention.json")).unwrap()
    };
    assert_eq!(run("1"), run("2"));
}

#[test]
fn analyze_without_factors_uses_the_recommendation_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let run = qstudy(&[
        "analyze",
        &fixture("redu-fut/qsorts.csv"),
        "--method",
        "pca",
        "--no-plots",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.starts_with("factors: 3 (not given"),
        "{}",
        run.stdout
    );
    let r = results(&out);
    assert_eq!(r["options"]["factors"], 3);
    assert!(
        r["warnings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|w| w.as_str().unwrap().contains("not given: 3 kept")),
        "{}",
        r["warnings"]
    );
    // the recommendation is that of `qstudy factors` with the same options
    let f = qstudy(&[
        "factors",
        &fixture("redu-fut/qsorts.csv"),
        "--method",
        "pca",
    ]);
    assert!(
        f.stdout.contains("Recommendation: 3 factor(s)"),
        "{}",
        f.stdout
    );
}

#[test]
fn factors_errors_name_the_file() {
    let missing = fixture("no-such-file.csv");
    let run = qstudy(&["factors", &missing]);
    assert_eq!(run.code, 3);
    assert!(run.stderr.contains("no-such-file.csv"), "{}", run.stderr);
    let run = qstudy(&[
        "factors",
        &fixture("lipset/LIPSET.DAT"),
        "--percentile",
        "100",
    ]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    let run = qstudy(&["factors", &fixture("lipset/LIPSET.DAT"), "--flag-p", "2"]);
    assert_eq!(run.code, 4);
    assert!(run.stderr.contains("LIPSET.DAT"), "{}", run.stderr);
}

//! Bad input: one test each. Every case must end with a non-zero exit code and a one-line error
//! that names the file and the row/column or sort id and says what was expected; never a panic,
//! and no results.json written.

use support::qstudy;

/// Writes `content` as `name` in a temp dir, runs `qstudy analyze FILE EXTRA... --out DIR`,
/// and returns (exit code, the error line).
fn fails(name: &str, content: &str, extra: &[&str]) -> (i32, String) {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join(name);
    std::fs::write(&file, content).unwrap();
    let out = dir.path().join("out");
    let mut args = vec!["analyze".to_string(), file.to_string_lossy().into_owned()];
    args.extend(extra.iter().map(|s| s.to_string()));
    args.extend(["--out".to_string(), out.to_string_lossy().into_owned()]);
    let run = qstudy(&args);
    assert_ne!(run.code, 0, "must fail: {}", run.stdout);
    assert!(!out.join("results.json").exists(), "no results on failure");
    let errors: Vec<&str> = run
        .stderr
        .lines()
        .filter(|l| l.starts_with("error: "))
        .collect();
    assert_eq!(errors.len(), 1, "exactly one error line: {}", run.stderr);
    assert!(
        errors[0].contains(name),
        "the error names the file: {}",
        errors[0]
    );
    (run.code, errors[0].to_string())
}

const GOOD_HEADER: &str = "A,B,C,D\n";

#[test]
fn ragged_row() {
    let (code, e) = fails(
        "ragged.csv",
        "A,B,C\n1,0,-1\n0,1\n-1,-1,0\n",
        &["--factors", "1"],
    );
    assert_eq!(code, 3);
    assert!(e.contains("line 3") && e.contains("expected 3"), "{e}");
}

#[test]
fn non_integer_value() {
    let (code, e) = fails(
        "nonint.csv",
        "A,B,C\n1,0,-1\n0,1.5,1\n-1,-1,0\n",
        &["--factors", "1"],
    );
    assert_eq!(code, 3);
    assert!(
        e.contains("line 3")
            && e.contains("column 2")
            && e.contains("'1.5'")
            && e.contains("integer"),
        "{e}"
    );
}

#[test]
fn value_off_the_grid() {
    let (code, e) = fails(
        "off.csv",
        "A,B,C\n1,0,-1\n0,1,0\n-1,-1,5\n",
        &["--factors", "1", "--grid=-1:1,0:1,1:1"],
    );
    assert_eq!(code, 3);
    assert!(
        e.contains("sort 'C'")
            && e.contains("statement 3")
            && e.contains("value 5")
            && e.contains("-1..1"),
        "{e}"
    );
    assert!(e.contains("line 4, column 3"), "{e}");
}

#[test]
fn sort_breaking_the_forced_grid() {
    let content = format!("{GOOD_HEADER}-1,0,1,0\n0,-1,0,1\n0,1,-1,0\n1,0,0,1\n");
    let (code, e) = fails(
        "broken.csv",
        &content,
        &["--factors", "1", "--grid=-1:1,0:2,1:1"],
    );
    assert_eq!(code, 3);
    assert!(
        e.contains("sort 'D'") && e.contains("breaks the forced grid") && e.contains("expected"),
        "{e}"
    );
    // the remedy is named by its flag
    assert!(e.contains("use --free-distribution"), "{e}");
}

#[test]
fn duplicate_id() {
    let (code, e) = fails(
        "dup.csv",
        "A,B,A\n1,0,-1\n0,1,0\n-1,-1,1\n",
        &["--factors", "1"],
    );
    assert_eq!(code, 3);
    assert!(
        e.contains("duplicate sort id 'A'") && e.contains("line 1, column 3"),
        "{e}"
    );
}

#[test]
fn zero_variance_sort() {
    let (code, e) = fails(
        "zero.csv",
        "A,B,C\n1,0,0\n0,0,0\n-1,0,0\n",
        &["--factors", "1"],
    );
    assert_eq!(code, 3);
    assert!(
        e.contains("sort 'B'") && e.contains("zero variance") && e.contains("column 2"),
        "{e}"
    );
}

#[test]
fn too_many_factors() {
    let (code, e) = fails(
        "k.csv",
        "A,B,C\n1,0,-1\n0,1,0\n-1,-1,1\n",
        &["--factors", "3"],
    );
    assert_eq!(code, 4);
    assert!(
        e.contains("3 factors asked for") && e.contains("at most 2"),
        "{e}"
    );
}

#[test]
fn empty_file() {
    let (code, e) = fails("empty.csv", "", &["--factors", "1"]);
    assert_eq!(code, 3);
    assert!(e.contains("empty") && e.contains("expected"), "{e}");
}

#[test]
fn distributions_differ_without_grid() {
    let content = format!("{GOOD_HEADER}-1,0,1,0\n0,-1,0,1\n0,1,-1,0\n1,0,0,1\n");
    let (code, e) = fails("nogrid.csv", &content, &["--factors", "1"]);
    assert_eq!(code, 3);
    assert!(e.contains("--grid") && e.contains("sort 'D'"), "{e}");
}

#[test]
fn unknown_sort_in_flag() {
    let content = std::fs::read_to_string(support::fixture("lipset/lipset_sorts.csv")).unwrap();
    let (code, e) = fails(
        "lipset.csv",
        &content,
        &["--factors", "2", "--flag", "XX9=1"],
    );
    assert_eq!(code, 4);
    assert!(e.contains("no sort with id 'XX9'"), "{e}");
}

#[test]
fn options_are_named_by_their_flags() {
    let content = std::fs::read_to_string(support::fixture("lipset/lipset_sorts.csv")).unwrap();
    for (extra, needle) in [
        (
            vec!["--factors", "2", "--invert", "4"],
            "--invert: factor '4' does not exist (factors are 1..2)",
        ),
        (
            vec!["--factors", "2", "--split", "3"],
            "--split: factor '3' does not exist (factors are 1..2)",
        ),
        (
            vec!["--factors", "2", "--unflag", "US1=F7"],
            "--unflag US1=F7: factor 'F7' does not exist (factors are F1, F2)",
        ),
    ] {
        let (code, e) = fails("lipset.csv", &content, &extra);
        assert_eq!(code, 4);
        assert!(e.contains(needle), "{extra:?}: {e}");
    }
}

#[test]
fn bad_option_values_are_usage_errors() {
    for args in [
        vec![
            "analyze",
            "x.csv",
            "--out",
            "o",
            "--factors",
            "2",
            "--method",
            "ml",
        ],
        vec![
            "analyze",
            "x.csv",
            "--out",
            "o",
            "--factors",
            "2",
            "--rotate",
            "1,2",
        ],
        vec![
            "analyze",
            "x.csv",
            "--out",
            "o",
            "--factors",
            "2",
            "--grid",
            "-4=2",
        ],
        vec!["analyze", "x.csv", "--factors", "2"],
    ] {
        let run = qstudy(&args);
        assert_eq!(run.code, 2, "{args:?}: {}", run.stderr);
    }
}

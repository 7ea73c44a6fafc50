//! The real binary as a process: exit codes and no panic on bad input.

use assert_cmd::Command;
use predicates::prelude::*;

fn fixture(rel: &str) -> String {
    format!("{}/../../fixtures/{rel}", env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn analyze_succeeds_on_lipset() {
    let dir = tempfile::tempdir().unwrap();
    Command::cargo_bin("qstudy")
        .unwrap()
        .args([
            "analyze",
            &fixture("lipset/LIPSET.DAT"),
            "--factors",
            "3",
            "--out",
        ])
        .arg(dir.path())
        .assert()
        .success()
        .stdout(predicate::str::contains("F1"))
        .stderr(predicate::str::contains(
            "warning: 1 sort(s) define no factor: FR9",
        ));
    assert!(dir.path().join("results.json").exists());
}

#[test]
fn bad_inputs_exit_non_zero_without_panic() {
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        ("ragged.csv", "A,B,C\n1,0,-1\n0,1\n-1,-1,0\n", 3),
        ("nonint.csv", "A,B,C\n1,0,-1\n0,x,1\n-1,-1,0\n", 3),
        ("dup.csv", "A,B,A\n1,0,-1\n0,1,0\n-1,-1,1\n", 3),
        ("zero.csv", "A,B,C\n1,0,0\n0,0,0\n-1,0,0\n", 3),
        ("empty.csv", "", 3),
        ("bad.dat", "  0  2  3 T\n", 3),
        ("notes.txt", "hello", 3),
    ];
    for (name, content, code) in cases {
        let file = dir.path().join(name);
        std::fs::write(&file, content).unwrap();
        Command::cargo_bin("qstudy")
            .unwrap()
            .arg("analyze")
            .arg(&file)
            .args(["--factors", "1", "--out"])
            .arg(dir.path().join("out"))
            .assert()
            .code(code)
            .stderr(
                predicate::str::starts_with("error: ")
                    .and(predicate::str::contains("panicked").not()),
            );
    }
    Command::cargo_bin("qstudy")
        .unwrap()
        .args(["analyze", "missing.csv", "--factors", "1", "--out"])
        .arg(dir.path().join("out"))
        .assert()
        .code(3)
        .stderr(predicate::str::contains("missing.csv"));
    assert!(!dir.path().join("out").join("results.json").exists());
}

#[test]
fn usage_errors_exit_2() {
    Command::cargo_bin("qstudy")
        .unwrap()
        .args(["analyze", "x.csv"])
        .assert()
        .code(2);
}

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

/// A run killed while it builds (SIGKILL: no chance to tidy up) leaves its hidden staging
/// directory beside DIR; the next run into DIR removes it and says so. A second run started
/// meanwhile into the same DIR leaves the first run's staging directory alone: both succeed.
#[cfg(unix)]
#[test]
fn the_leftover_of_a_killed_run_is_removed_by_the_next_one() {
    use std::process::Stdio;
    use std::time::{Duration, Instant};
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let bin = env!("CARGO_BIN_EXE_qstudy");
    let start = || {
        std::process::Command::new(bin)
            .args([
                "analyze",
                &fixture("apse-2023"),
                "--force",
                "--quiet",
                "--out",
            ])
            .arg(&out)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap()
    };
    let staging = || {
        std::fs::read_dir(tmp.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .find(|n| n.starts_with(".out.qstudy-new-"))
    };
    // waits for a run's staging directory to appear; `None` when the run ended first
    let wait = |child: &mut std::process::Child| {
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            if let Some(name) = staging() {
                return Some(name);
            }
            if child.try_wait().unwrap().is_some() || Instant::now() > deadline {
                return None;
            }
            std::thread::sleep(Duration::from_millis(2));
        }
    };

    // a live run is left alone by a second run into the same DIR
    let mut first = start();
    if wait(&mut first).is_some() {
        Command::cargo_bin("qstudy")
            .unwrap()
            .args(["analyze", &fixture("lipset/LIPSET.DAT"), "--factors", "3"])
            .args(["--no-plots", "--force", "--out"])
            .arg(&out)
            .assert()
            .success()
            .stderr(predicate::str::contains("leftover").not());
    }
    let done = first.wait_with_output().unwrap();
    assert!(
        done.status.success(),
        "{}",
        String::from_utf8_lossy(&done.stderr)
    );

    // a killed run's staging directory is removed by the next run
    let mut killed = start();
    let seen = wait(&mut killed);
    let _ = killed.kill();
    killed.wait().unwrap();
    // (the run may have ended, or published, just before it was killed)
    let Some(name) = seen.and_then(|_| staging()) else {
        eprintln!("skipped: the run was not caught while it built");
        return;
    };
    Command::cargo_bin("qstudy")
        .unwrap()
        .args(["analyze", &fixture("lipset/LIPSET.DAT"), "--factors", "3"])
        .args(["--no-plots", "--force", "--out"])
        .arg(&out)
        .assert()
        .success()
        .stderr(predicate::str::contains(format!(
            "warning: removed the leftover of an interrupted run: {}",
            tmp.path().join(&name).display()
        )));
    let left: Vec<String> = std::fs::read_dir(tmp.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(left, ["out"]);
}

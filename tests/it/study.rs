//! The study directory format: a study reads and analyses with its defaults; every kind of
//! mistake gives one error line naming the file (and line) and what was expected.

use std::path::Path;

use support::qstudy;

const MANIFEST: &str = r#"title = "Tiny study"
grid = "-1:1,0:2,1:1"
statements = "statements.csv"
sorts = "sorts.csv"
participants = "participants.csv"

[analysis]
method = "pca"
factors = 1

[factor_names]
F1 = "the one view"
"#;
const STATEMENTS: &str = "id,text,tag\n10,Ten,a\n20,Twenty,a\n30,Thirty,b\n40,Forty,b\n";
const SORTS: &str = "id,40,10,20,30\nA,1,-1,0,0\nB,1,0,-1,0\nC,0,-1,0,1\nD,-1,1,0,0\n";
const PARTICIPANTS: &str = "id,role\nA,councillor\nB,officer\nC,councillor\nD,officer\n";

fn study(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let s = dir.path().join("s");
    std::fs::create_dir(&s).unwrap();
    for (name, text) in files {
        std::fs::write(s.join(name), text).unwrap();
    }
    dir
}

fn good() -> Vec<(&'static str, &'static str)> {
    vec![
        ("study.toml", MANIFEST),
        ("statements.csv", STATEMENTS),
        ("sorts.csv", SORTS),
        ("participants.csv", PARTICIPANTS),
    ]
}

fn analyze(dir: &Path) -> support::Run {
    let out = dir.join("out");
    qstudy(&[
        "analyze",
        dir.join("s").to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ])
}

/// Replaces one file of the good study and returns the single error line.
fn error_with(name: &str, text: &str) -> (i32, String) {
    let mut files = good();
    files.retain(|(n, _)| *n != name);
    if !text.is_empty() {
        files.push((name, text));
    }
    let dir = study(&files);
    let run = analyze(dir.path());
    assert_ne!(run.code, 0, "{}", run.stdout);
    let lines: Vec<&str> = run
        .stderr
        .lines()
        .filter(|l| l.starts_with("error: "))
        .collect();
    assert_eq!(lines.len(), 1, "{}", run.stderr);
    (run.code, lines[0].to_string())
}

#[test]
fn a_study_analyses_with_its_defaults_ids_and_names() {
    let dir = study(&good());
    let run = analyze(dir.path());
    assert_eq!(run.code, 0, "{}", run.stderr);
    let r = support::results(&dir.path().join("out"));
    assert_eq!(r["options"]["extraction"], "pca");
    assert_eq!(
        r["input"]["statement_ids"],
        serde_json::json!([10, 20, 30, 40])
    );
    // Columns came in the order 40,10,20,30 and are read back in statement order.
    assert_eq!(r["input"]["statement_labels"][3], "Forty");
    assert_eq!(r["factors"][0]["label"], "the one view");
    assert_eq!(r["participants"][1]["attributes"]["role"], "officer");
    // Command-line options override the study's.
    let out = dir.path().join("out2");
    let run = qstudy(&[
        "analyze",
        dir.path().join("s").to_str().unwrap(),
        "--method",
        "centroid",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(support::results(&out)["options"]["extraction"], "centroid");
}

#[test]
fn manifest_mistakes() {
    let (code, e) = error_with("study.toml", "");
    assert_eq!(code, 3);
    assert!(e.contains("without study.toml"), "{e}");
    let (_, e) = error_with("study.toml", &MANIFEST.replace("grid =", "gird ="));
    assert!(e.contains("study.toml: line") && e.contains("gird"), "{e}");
    let (_, e) = error_with(
        "study.toml",
        &MANIFEST.replace("-1:1,0:2,1:1", "-1:1,0:2,1"),
    );
    assert!(e.contains("study.toml") && e.contains("grid"), "{e}");
    let (_, e) = error_with(
        "study.toml",
        &MANIFEST.replace("method = \"pca\"", "method = \"ml\""),
    );
    assert!(e.contains("study.toml: line 8") && e.contains("ml"), "{e}");
}

#[test]
fn missing_statements_file() {
    let (code, e) = error_with("statements.csv", "");
    assert_eq!(code, 3);
    assert!(e.contains("statements.csv: file not found"), "{e}");
}

#[test]
fn statements_mistakes() {
    let (_, e) = error_with(
        "statements.csv",
        "id,text\n10,Ten\n10,Again\n30,Thirty\n40,Forty\n",
    );
    assert!(
        e.contains("statements.csv: line 3") && e.contains("statement id 10 is given twice"),
        "{e}"
    );
    let (_, e) = error_with("statements.csv", "id,words\n10,Ten\n");
    assert!(
        e.contains("statements.csv: line 1") && e.contains("no 'text' column"),
        "{e}"
    );
}

#[test]
fn sorts_mistakes() {
    let (_, e) = error_with("sorts.csv", "id,40,10,20\nA,1,-1,0\n");
    assert!(
        e.contains("sorts.csv: line 1") && e.contains("no column for statement 30"),
        "{e}"
    );
    let (_, e) = error_with("sorts.csv", "id,40,10,20,30,50\nA,1,-1,0,0,0\n");
    assert!(
        e.contains("statement 50, which the statements file does not have"),
        "{e}"
    );
    let (_, e) = error_with("sorts.csv", &SORTS.replace("B,1,0,-1,0", "B,1,0,x,0"));
    assert!(
        e.contains("sorts.csv: line 3") && e.contains("'x' is not an integer"),
        "{e}"
    );
    let (_, e) = error_with("sorts.csv", &SORTS.replace("B,1,0,-1,0", "B,1,0,-1"));
    assert!(e.contains("sorts.csv: line 3"), "{e}");
    // Semantic errors point into sorts.csv too: B breaks the grid.
    let (_, e) = error_with("sorts.csv", &SORTS.replace("B,1,0,-1,0", "B,1,1,-1,0"));
    assert!(
        e.contains("sorts.csv: line 3") && e.contains("sort 'B' breaks the forced grid"),
        "{e}"
    );
    let (_, e) = error_with("sorts.csv", &SORTS.replace("C,0,-1,0,1", "A,0,-1,0,1"));
    assert!(
        e.contains("sorts.csv: line 4") && e.contains("duplicate sort id 'A' (first on line 2)"),
        "{e}"
    );
}

#[test]
fn participants_mistakes() {
    let (_, e) = error_with(
        "participants.csv",
        "id,role\nA,councillor\nB,officer\nC,councillor\n",
    );
    assert!(
        e.contains("participants.csv") && e.contains("sort 'D' has no row"),
        "{e}"
    );
    let (_, e) = error_with("participants.csv", &format!("{PARTICIPANTS}E,officer\n"));
    assert!(
        e.contains("participants.csv: line 6") && e.contains("participant 'E' has no sort"),
        "{e}"
    );
}

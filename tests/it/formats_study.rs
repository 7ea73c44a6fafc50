//! Gaps in the study directory's validation tests (`study.rs` has the main ones): each
//! remaining kind of mistake gives a one-line error naming the file, the line and what was
//! expected, through `qstudy validate`.

use support::qstudy;

const MANIFEST: &str = "title = \"T\"\ngrid = \"-1:1,0:2,1:1\"\nstatements = \"statements.csv\"\nsorts = \"sorts.csv\"\nparticipants = \"participants.csv\"\n";
const STATEMENTS: &str = "id,text\n1,One\n2,Two\n3,Three\n4,Four\n";
const SORTS: &str = "id,1,2,3,4\nA,1,-1,0,0\nB,1,0,-1,0\nC,0,-1,0,1\n";
const PARTICIPANTS: &str = "id,role\nA,councillor\nB,officer\nC,officer\n";

/// A study with one file replaced; `qstudy validate` on it; (exit code, error lines).
fn validate_with(name: &str, text: &str) -> (i32, Vec<String>) {
    let dir = tempfile::tempdir().unwrap();
    let s = dir.path().join("s");
    std::fs::create_dir(&s).unwrap();
    for (n, t) in [
        ("study.toml", MANIFEST),
        ("statements.csv", STATEMENTS),
        ("sorts.csv", SORTS),
        ("participants.csv", PARTICIPANTS),
    ] {
        std::fs::write(s.join(n), if n == name { text } else { t }).unwrap();
    }
    let run = qstudy(&["validate", s.to_str().unwrap()]);
    let errors: Vec<String> = run
        .stderr
        .lines()
        .filter(|l| l.starts_with("error: "))
        .map(str::to_string)
        .collect();
    for e in &errors {
        assert!(e.starts_with(&format!("error: {}", s.display())), "{e}");
    }
    (run.code, errors)
}

fn one_error(name: &str, text: &str, needles: &[&str]) {
    let (code, errors) = validate_with(name, text);
    assert_eq!(code, 3, "{name}: {errors:?}");
    assert_eq!(errors.len(), 1, "{errors:?}");
    for n in needles {
        assert!(errors[0].contains(n), "{n:?} in {}", errors[0]);
    }
}

#[test]
fn the_good_study_validates() {
    let (code, errors) = validate_with("none", "");
    assert_eq!(code, 0, "{errors:?}");
}

#[test]
fn statements_file_gaps() {
    one_error(
        "statements.csv",
        "id,text\n1,One\n2,\n3,Three\n4,Four\n",
        &["statements.csv: line 3", "statement 2 has no text"],
    );
    one_error(
        "statements.csv",
        "id,text\n1,One\n0,Zero\n3,Three\n4,Four\n",
        &["statements.csv: line 3", "'0' is not a positive integer"],
    );
    one_error(
        "statements.csv",
        "id,text\n1,One\n",
        &[
            "statements.csv",
            "1 statement(s); a Q study needs at least 2",
        ],
    );
}

#[test]
fn sorts_file_gaps() {
    one_error(
        "sorts.csv",
        "id,1,2,x,4\nA,1,-1,0,0\n",
        &[
            "sorts.csv: line 1",
            "column 4 header 'x' is not a statement id",
        ],
    );
    one_error(
        "sorts.csv",
        "id,1,2,2,4\nA,1,-1,0,0\n",
        &["sorts.csv: line 1", "statement 2 has two columns"],
    );
    one_error("sorts.csv", "", &["sorts.csv: the file is empty"]);
    one_error(
        "sorts.csv",
        "sort,1,2,3,4\nA,1,-1,0,0\n",
        &["sorts.csv: line 1", "no 'id' column"],
    );
}

#[test]
fn participants_file_gaps() {
    one_error(
        "participants.csv",
        "id,role\nA,councillor\nB,officer\nA,officer\nC,officer\n",
        &[
            "participants.csv: line 4",
            "participant 'A' is listed twice",
        ],
    );
    one_error(
        "participants.csv",
        "id,role\nA,councillor\nB\nC,officer\n",
        &["participants.csv: line 3", "1 field, expected 2"],
    );
    one_error(
        "participants.csv",
        "name,role\nA,councillor\n",
        &["participants.csv: line 1", "no 'id' column"],
    );
}

#[test]
fn manifest_gaps() {
    one_error(
        "study.toml",
        &format!("{MANIFEST}\n[analysis]\nfactors = 1\nrotations = \"none\"\n"),
        &["study.toml: line", "rotations"],
    );
    one_error(
        "study.toml",
        "title = \"T\"\ngrid = \"-1:1,0:2,1:1\"\nsorts = \"sorts.csv\"\n",
        &["study.toml", "statements"],
    );
    // The grid of the manifest is checked against the sorts: every problem is listed.
    let (code, errors) = validate_with("study.toml", &MANIFEST.replace("0:2", "0:1,2:1"));
    assert_eq!(code, 3);
    assert!(
        errors
            .iter()
            .any(|e| e.contains("sorts.csv") && e.contains("off the grid")
                || e.contains("breaks the forced grid")),
        "{errors:?}"
    );
}

/// A key given twice names the key, its table and the line, on one line.
#[test]
fn a_duplicate_key_is_named() {
    one_error(
        "study.toml",
        &format!("{MANIFEST}\n[analysis]\nfactors = 1\nrotation = \"none\"\nfactors = 2\n"),
        &[
            "study.toml: line 10: duplicate key `factors` in [analysis]",
            "give each key once",
        ],
    );
    one_error(
        "study.toml",
        &format!("{MANIFEST}sorts = \"sorts.csv\"\n"),
        &["study.toml: line 6: duplicate key `sorts`"],
    );
}

#[test]
fn a_file_is_not_a_study() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("x.csv");
    std::fs::write(&f, "A,B\n1,-1\n-1,1\n").unwrap();
    let run = qstudy(&["validate", f.to_str().unwrap(), "--format", "study"]);
    assert_eq!(run.code, 3);
    assert!(
        run.stderr
            .contains("is not a directory; a study is a directory with a study.toml"),
        "{}",
        run.stderr
    );
}

//! Malformed input of every reader: a truncated line, a wrong count, a bad number, a duplicate
//! id, a missing statements file, an unknown format. Each gives exit 3 (2 for a usage error)
//! and one-line messages that start with the file and name the line (or sheet, participant)
//! and what was expected; never a panic.

use std::path::{Path, PathBuf};

use support::{fixture, qstudy};

/// Writes `files` (name, bytes) into a temp dir; returns it and the path of the first.
fn files(files: &[(&str, &[u8])]) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    for (name, bytes) in files {
        let path = dir.path().join(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).unwrap();
        }
        std::fs::write(&path, bytes).unwrap();
    }
    let first = dir.path().join(files[0].0);
    (dir, first)
}

/// `qstudy validate INPUT EXTRA...` must fail with exit 3; returns the error lines. Every
/// error line starts with `error: ` and a path inside the temp dir, and is one line.
fn invalid(input: &Path, extra: &[&str], dir: &Path) -> Vec<String> {
    let mut args = vec!["validate".to_string(), input.to_string_lossy().into_owned()];
    args.extend(extra.iter().map(|s| s.to_string()));
    let run = qstudy(&args);
    assert_eq!(
        run.code,
        3,
        "{}: {}{}",
        input.display(),
        run.stdout,
        run.stderr
    );
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
    let errors: Vec<String> = run
        .stderr
        .lines()
        .filter(|l| l.starts_with("error: "))
        .map(str::to_string)
        .collect();
    assert!(!errors.is_empty(), "{}", run.stderr);
    for e in &errors {
        assert!(
            e.starts_with(&format!("error: {}", dir.display())),
            "names the file: {e}"
        );
    }
    errors
}

/// The one error line that contains `needle`.
fn find<'a>(errors: &'a [String], needle: &str) -> &'a str {
    errors
        .iter()
        .find(|e| e.contains(needle))
        .unwrap_or_else(|| panic!("no error with {needle:?} in {errors:#?}"))
}

/// A small KADE/Ken-Q-like workbook: a `sorts` sheet of participant rows (the cells given,
/// numbers as numbers) and optionally a `statements` sheet.
fn workbook(rows: &[&[&str]], statements: Option<&[&str]>) -> Vec<u8> {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("sorts").unwrap();
    for (r, row) in rows.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            match cell.parse::<f64>() {
                Ok(n) => ws.write_number(r as u32, c as u16, n).unwrap(),
                Err(_) => ws.write_string(r as u32, c as u16, *cell).unwrap(),
            };
        }
    }
    if let Some(texts) = statements {
        let ws = wb.add_worksheet();
        ws.set_name("statements").unwrap();
        ws.write_string(0, 0, "Statements").unwrap();
        for (r, t) in texts.iter().enumerate() {
            ws.write_string(r as u32 + 1, 0, *t).unwrap();
        }
    }
    wb.save_to_buffer().unwrap()
}

const DAT: &str = "  0  3  4 Small\r\n -1  1  0  0  0  0  0  1  2  1  0  0  0  0  0  0  0  0  0  0  0  0\r\nA          1 0 0-1\r\nBB        -1 0 1 0\r\nCC         0 1-1 0\r\n";

/// A study directory whose `sorts.csv` is `sorts` (3 statements, grid -1..1).
fn study(sorts: &str) -> (tempfile::TempDir, PathBuf) {
    let (dir, _) = files(&[
        (
            "s/study.toml",
            b"title = \"T\"\ngrid = \"-1:1,0:1,1:1\"\nstatements = \"statements.csv\"\nsorts = \"sorts.csv\"\n",
        ),
        ("s/statements.csv", b"id,text\n1,one\n2,two\n3,three\n"),
        ("s/sorts.csv", sorts.as_bytes()),
    ]);
    let path = dir.path().join("s");
    (dir, path)
}

#[test]
fn truncated_line_every_reader() {
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        (
            "q.csv",
            b"A,B,C\n1,0,-1\n0,1\n-1,-1,1\n".to_vec(),
            "q.csv: line 3: 2 fields, expected 3",
        ),
        (
            "rows.csv",
            b"id,1,2,3\nP1,1,0,-1\nP2,0,1\n".to_vec(),
            "rows.csv: line 3: 3 fields, expected 4",
        ),
        (
            "htmlq.csv",
            b"sid;uid;s1;s2;s3\n01;;1;0;-1\n02;;0;1\n".to_vec(),
            "htmlq.csv: line 3: 4 fields, expected 5",
        ),
        (
            "eq.json",
            b"{\"a\": {\"sort\": \"1|0|-1\"},\n \"b\": {\"sort\": \"0|1".to_vec(),
            "eq.json: line 2, column",
        ),
        (
            "T.DAT",
            DAT.replace("BB        -1 0 1 0", "BB        -1 0 1")
                .into_bytes(),
            "T.DAT: line 4 (sort 'BB'): the line is 16 characters wide, expected 18",
        ),
    ];
    for (name, bytes, expected) in cases {
        let (dir, path) = files(&[(name, &bytes)]);
        let errors = invalid(&path, &[], dir.path());
        find(&errors, expected);
    }
    // A workbook cut short is not a workbook.
    let book = workbook(
        &[&["id", "1", "2"], &["P1", "1", "-1"], &["P2", "-1", "1"]],
        None,
    );
    let (dir, path) = files(&[("cut.xlsx", &book[..book.len() / 2])]);
    let errors = invalid(&path, &[], dir.path());
    find(&errors, "cut.xlsx: not a readable XLSX workbook");
    // A study's sorts file with a short row.
    let (dir, path) = study("id,1,2,3\nP1,1,0,-1\nP2,0,1\n");
    let errors = invalid(&path, &[], dir.path());
    find(&errors, "sorts.csv: line 3: 3 fields, expected 4");
}

#[test]
fn wrong_count_every_reader() {
    let (dir, path) = files(&[(
        "T.DAT",
        DAT.replace("CC         0 1-1 0\r\n", "").as_bytes(),
    )]);
    let errors = invalid(&path, &[], dir.path());
    find(
        &errors,
        "T.DAT: line 1 says 3 sorts but 2 sort line(s) follow",
    );
    let (dir, path) = files(&[("T.DAT", DAT.as_bytes()), ("T.STA", b"one\r\ntwo\r\n")]);
    let errors = invalid(&path, &[], dir.path());
    find(&errors, "T.STA: 2 statement line(s), expected 4");
    let (dir, path) = files(&[(
        "eq.json",
        b"{\"a\": {\"sort\": \"1|0|-1\"},\n \"b\": {\"sort\": \"0|1\"}}",
    )]);
    let errors = invalid(&path, &[], dir.path());
    find(
        &errors,
        "eq.json: line 2, participant 'b': field \"sort\" has 2 value(s), expected 3",
    );
    let (dir, path) = files(&[("rows.csv", b"id,1,2,4\nP1,1,0,-1\n")]);
    let errors = invalid(&path, &[], dir.path());
    find(&errors, "rows.csv: line 1: no column for statement 3");
    let (dir, path) = files(&[("h.csv", b"sid;uid;s1;s3\n01;;1;-1\n02;;-1;1\n")]);
    let errors = invalid(&path, &[], dir.path());
    find(&errors, "h.csv: line 1: no column for statement 2");
    let book = workbook(
        &[&["id", "1", "2"], &["P1", "1", "-1"], &["P2", "-1", "1"]],
        Some(&["only one"]),
    );
    let (dir, path) = files(&[("b.xlsx", &book)]);
    let errors = invalid(&path, &[], dir.path());
    find(
        &errors,
        "b.xlsx: sheet 'statements': 1 statement text(s), expected 2",
    );
    let (dir, path) = study("id,1,2\nP1,1,-1\n");
    let errors = invalid(&path, &[], dir.path());
    find(&errors, "sorts.csv: line 1: no column for statement 3");
    // Too few sorts for a study: every reader's table goes through the same checks.
    let (dir, path) = files(&[("one.csv", b"A\n1\n0\n-1\n")]);
    let errors = invalid(&path, &[], dir.path());
    find(&errors, "1 sort(s) found: a Q study needs at least 2 sorts");
}

#[test]
fn bad_number_every_reader() {
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        (
            "q.csv",
            b"A,B\n1,x\n-1,1\n".to_vec(),
            "q.csv: line 2, column 2 (sort 'B', statement 1): 'x' is not an integer",
        ),
        (
            "rows.csv",
            b"id,1,2\nP1,1,-1\nP2,1.5,1\n".to_vec(),
            "rows.csv: line 3, column 2 (sort 'P2', statement 1): '1.5' is not an integer",
        ),
        (
            "h.csv",
            b"sid;uid;s1;s2\n01;;+1;-1\n02;;+x;+1\n".to_vec(),
            "h.csv: line 3, column 3 (sort '02', statement 1): '+x' is not an integer",
        ),
        (
            "eq.json",
            b"{\"a\": {\"sort\": \"1|-1\"},\n \"b\": {\"sort\": \"a|1\"}}".to_vec(),
            "eq.json: line 2, participant 'b': field \"sort\", value 1 (statement 1): 'a' is not an integer",
        ),
        (
            "T.DAT",
            DAT.replace("BB        -1 0 1 0", "BB        -1 x 1 0")
                .into_bytes(),
            "T.DAT: line 4, columns 13-14 (statement 2 of sort 'BB'): ' x' is not a right-aligned integer",
        ),
    ];
    for (name, bytes, expected) in cases {
        let (dir, path) = files(&[(name, &bytes)]);
        let errors = invalid(&path, &[], dir.path());
        find(&errors, expected);
    }
    let book = workbook(
        &[&["id", "1", "2"], &["P1", "1", "-1"], &["P2", "abc", "1"]],
        None,
    );
    let (dir, path) = files(&[("b.xlsx", &book)]);
    let errors = invalid(&path, &[], dir.path());
    find(
        &errors,
        "b.xlsx: line 3, column 2 (sort 'P2', statement 1): 'abc' is not an integer",
    );
    let (dir, path) = study("id,1,2,3\nP1,1,0,-1\nP2,2.5,0,1\n");
    let errors = invalid(&path, &[], dir.path());
    find(
        &errors,
        "sorts.csv: line 3: column 2 (sort 'P2', statement 1): '2.5' is not an integer",
    );
}

#[test]
fn duplicate_id_every_reader() {
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("q.csv", b"A,B,A\n1,0,-1\n0,1,0\n-1,-1,1\n".to_vec(), "q.csv: line 1, column 3: duplicate sort id 'A'"),
        (
            "rows.csv",
            b"id,1,2,3\nP1,1,0,-1\nP1,0,1,-1\n".to_vec(),
            "rows.csv: line 3, column 1: duplicate sort id 'P1'",
        ),
        (
            "h.csv",
            b"sid;uid;s1;s2;s3\n01;;1;0;-1\n01;;0;1;-1\n".to_vec(),
            "h.csv: line 3, column 1: duplicate sort id '01'",
        ),
        (
            "eq.json",
            b"[\n {\"uid\": \"u\", \"sort\": \"1|0|-1\"},\n {\"uid\": \"u\", \"sort\": \"0|1|-1\"}\n]".to_vec(),
            "eq.json: line 3: duplicate sort id 'u'",
        ),
        (
            "T.DAT",
            DAT.replace("CC         0 1-1 0", "A          0 1-1 0").into_bytes(),
            "T.DAT: line 5, columns 1-8: duplicate sort id 'A'",
        ),
    ];
    for (name, bytes, expected) in cases {
        let (dir, path) = files(&[(name, &bytes)]);
        let errors = invalid(&path, &[], dir.path());
        find(&errors, expected);
    }
    let book = workbook(
        &[
            &["id", "1", "2", "3"],
            &["P1", "1", "0", "-1"],
            &["P1", "0", "1", "-1"],
        ],
        None,
    );
    let (dir, path) = files(&[("b.xlsx", &book)]);
    let errors = invalid(&path, &[], dir.path());
    find(&errors, "b.xlsx: line 3, column 1: duplicate sort id 'P1'");
    let (dir, path) = study("id,1,2,3\nP1,1,0,-1\nP1,0,1,-1\n");
    let errors = invalid(&path, &[], dir.path());
    find(
        &errors,
        "sorts.csv: line 3: column 1: duplicate sort id 'P1' (first on line 2)",
    );
}

#[test]
fn missing_statements_file() {
    // A study whose statements file is missing.
    let (dir, path) = study("id,1,2,3\nP1,1,0,-1\nP2,0,1,-1\n");
    std::fs::remove_file(path.join("statements.csv")).unwrap();
    let errors = invalid(&path, &[], dir.path());
    find(&errors, "statements.csv: file not found");
    // ...or a participants file it names.
    let (dir, path) = study("id,1,2,3\nP1,1,0,-1\nP2,0,1,-1\n");
    let manifest = path.join("study.toml");
    let text = std::fs::read_to_string(&manifest).unwrap();
    std::fs::write(&manifest, format!("{text}participants = \"people.csv\"\n")).unwrap();
    let errors = invalid(&path, &[], dir.path());
    find(&errors, "people.csv: file not found");
    // A PQMethod .DAT without its .STA is read without statement texts (not an error), and a
    // workbook without a statements sheet likewise.
    let (_dir, path) = files(&[("T.DAT", DAT.as_bytes())]);
    let run = qstudy(&["validate", &path.to_string_lossy()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
}

#[test]
fn unknown_format() {
    let (dir, path) = files(&[("sorts.sav", b"A,B\n1,-1\n-1,1\n")]);
    let errors = invalid(&path, &[], dir.path());
    let e = find(
        &errors,
        "sorts.sav: unknown input format (extension '.sav')",
    );
    assert!(e.contains(".xlsx (KADE/Ken-Q workbook)"), "{e}");
    assert!(
        e.contains("(csv, csv-rows, htmlq, netlify, sheets, json, xlsx, pqmethod or study)"),
        "{e}"
    );
    // A format forced on a file of another: the reader says what it expected.
    let (dir, path) = files(&[("sorts.csv", b"A,B\n1,-1\n-1,1\n")]);
    let errors = invalid(&path, &["--format", "xlsx"], dir.path());
    find(&errors, "sorts.csv: not a readable XLSX workbook");
    let errors = invalid(&path, &["--format", "json"], dir.path());
    find(&errors, "sorts.csv: line 1, column 1: not valid JSON");
    let errors = invalid(&path, &["--format", "htmlq"], dir.path());
    find(
        &errors,
        "sorts.csv: line 1: the header has no 'sid' or 'uid' column",
    );
    // A file chosen by content that then fails says which format it was read as and why.
    let (dir, path) = files(&[("x.csv", b"Participant,1,2,3\nP1,1,0\n")]);
    let errors = invalid(&path, &[], dir.path());
    let e = find(&errors, "x.csv: line 2: 3 fields, expected 4");
    assert!(
        e.contains("(read as CSV with one row per participant because the header on line 1 starts with the id column 'Participant'"),
        "{e}"
    );
    // An unknown --format name is a usage error (exit 2).
    let run = qstudy(&[
        "validate",
        &fixture("lipset/LIPSET.DAT"),
        "--format",
        "spss",
    ]);
    assert_eq!(run.code, 2);
}

#[test]
fn validate_reports_every_problem_not_only_the_first() {
    // Two duplicate ids, an empty id and a value off the given grid.
    let (dir, path) = files(&[(
        "many.csv",
        b"A,B,A,,B\n1,0,-1,0,1\n0,1,0,1,0\n-1,-1,1,-1,5\n",
    )]);
    let errors = invalid(&path, &["--grid=-1:1,0:1,1:1"], dir.path());
    find(&errors, "line 1, column 3: duplicate sort id 'A'");
    find(&errors, "line 1, column 5: duplicate sort id 'B'");
    find(&errors, "sort number 4 has an empty id");
    assert!(errors.len() >= 3, "{errors:#?}");
    let run = qstudy(&["validate", &path.to_string_lossy(), "--grid=-1:1,0:1,1:1"]);
    assert!(
        run.stderr.ends_with(&format!(
            "{}: {} problem(s) found\n",
            path.display(),
            errors.len()
        )),
        "{}",
        run.stderr
    );
    // Clean input: exit 0 and one line on stdout.
    let run = qstudy(&["validate", &fixture("lipset/LIPSET.DAT")]);
    assert_eq!(run.code, 0);
    assert_eq!(
        run.stdout,
        format!(
            "{}: OK: 9 sorts x 33 statements, grid -4..4 (-4:2,-3:3,-2:4,-1:5,0:5,1:5,2:4,3:3,4:2), read as PQMethod .DAT/.STA\n",
            fixture("lipset/LIPSET.DAT")
        )
    );
    assert!(run.stderr.is_empty());
}

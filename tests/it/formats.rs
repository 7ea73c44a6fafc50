//! Every input format on the real files of `fixtures/` (copies of `../shared/datasets`): each
//! imports and analyses, the detection by content picks the right reader, participants'
//! attributes travel into `results.json`, and the CEGEBE HTMLQ export reproduces the authors'
//! published qmethod results.

use std::path::Path;

use serde_json::Value;
use support::{fixture, qstudy, results};

/// Runs `qstudy analyze INPUT ARGS... --out DIR` and returns the results.
fn analyze(input: &str, args: &[&str]) -> Value {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let mut all = vec!["analyze".to_string(), input.to_string()];
    all.extend(args.iter().map(|s| s.to_string()));
    all.extend(["--out".into(), out.to_string_lossy().into_owned()]);
    let run = qstudy(&all);
    assert_eq!(run.code, 0, "{input}: {}", run.stderr);
    results(&out)
}

/// `qstudy validate INPUT` must succeed; returns its line.
fn validate_ok(input: &str, args: &[&str]) -> String {
    let mut all = vec!["validate".to_string(), input.to_string()];
    all.extend(args.iter().map(|s| s.to_string()));
    let run = qstudy(&all);
    assert_eq!(run.code, 0, "{input}: {}", run.stderr);
    run.stdout
}

/// A real file: (fixture, format read as, sorts, statements, grid range).
type RealFile = (&'static str, &'static str, usize, usize, (i32, i32));

const REAL_FILES: &[RealFile] = &[
    ("cegebe/htmlq_export.csv", "HTMLQ/FlashQ", 13, 36, (-5, 5)),
    ("civicon/sorts_before.csv", "qmethod CSV", 18, 77, (-7, 7)),
    ("civicon/sorts_after.csv", "qmethod CSV", 18, 77, (-7, 7)),
    (
        "kade-demo/buzzwords/sorts.csv",
        "qmethod CSV",
        50,
        50,
        (-5, 5),
    ),
    (
        "kade-demo/ipad-survey-japanese/sorts.csv",
        "qmethod CSV",
        80,
        60,
        (-5, 5),
    ),
    (
        "kade-demo/motivational/sorts.csv",
        "qmethod CSV",
        40,
        80,
        (-5, 5),
    ),
    (
        "kenq-web-demo/buzzwords/sorts.csv",
        "qmethod CSV",
        60,
        50,
        (-5, 5),
    ),
    (
        "kenq-web-demo/ipad-survey-japanese/sorts.csv",
        "qmethod CSV",
        80,
        60,
        (-5, 5),
    ),
    (
        "kenq-web-demo/motivational/sorts.csv",
        "qmethod CSV",
        120,
        80,
        (-5, 5),
    ),
    ("lipset/LIPSET.DAT", "PQMethod", 9, 33, (-4, 4)),
    ("lipset/lipset_sorts.csv", "qmethod CSV", 9, 33, (-4, 4)),
    ("koc/KOC.DAT", "PQMethod", 38, 36, (-5, 5)),
    ("koc/koc_sorts.csv", "qmethod CSV", 38, 36, (-5, 5)),
    ("uhh/UHH.DAT", "PQMethod", 3, 69, (-6, 6)),
    ("redu-fut/qsorts.csv", "qmethod CSV", 49, 36, (-5, 5)),
    ("apse-2023", "study directory", 32, 40, (-4, 4)),
    ("apse-2023-officers", "study directory", 16, 40, (-4, 4)),
    (
        "apse-2023-lancaster-officers",
        "study directory",
        4,
        40,
        (-4, 4),
    ),
    ("eqwebsort/apse-netlify.csv", "Netlify", 32, 40, (-4, 4)),
    (
        "eqwebsort/lipset-sheets.csv",
        "Google Sheets",
        9,
        33,
        (-4, 4),
    ),
];

fn check_real_files(range: std::ops::Range<usize>) {
    for &(file, format, n, m, (lo, hi)) in &REAL_FILES[range] {
        let path = fixture(file);
        let line = validate_ok(&path, &[]);
        assert!(
            line.contains(&format!("OK: {n} sorts x {m} statements, grid {lo}..{hi}")),
            "{file}: {line}"
        );
        assert!(line.contains(format), "{file} read as {format}: {line}");
        // A study directory carries its own options (4 factors for APSE); plain files get 2.
        let dir = Path::new(&path).is_dir();
        let args: &[&str] = if dir { &[] } else { &["--factors", "2"] };
        let r = analyze(&path, args);
        let k = if dir {
            r["options"]["factors"].as_u64().unwrap() as usize
        } else {
            2
        };
        assert_eq!(r["input"]["sorts"], n, "{file}");
        assert_eq!(r["input"]["statements"], m, "{file}");
        assert_eq!(r["factors"].as_array().unwrap().len(), k, "{file}");
    }
}

// Split in three so that the test harness runs them in parallel.
#[test]
fn every_real_file_imports_and_analyses_1() {
    check_real_files(0..5);
}

#[test]
fn every_real_file_imports_and_analyses_2() {
    check_real_files(5..10);
}

#[test]
fn every_real_file_imports_and_analyses_3() {
    check_real_files(10..REAL_FILES.len());
}

#[test]
fn the_list_covers_every_sorts_file_in_the_fixtures() {
    // Any new data set copied into fixtures/ must be added to REAL_FILES.
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let mut found = Vec::new();
    let mut stack = vec![root.clone()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            let rel = path
                .strip_prefix(&root)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            if path.is_dir() {
                if path.join("study.toml").exists() {
                    found.push(rel);
                } else {
                    stack.push(path);
                }
                continue;
            }
            let name = path.file_name().unwrap().to_string_lossy().to_lowercase();
            let is_sorts = name.ends_with(".dat")
                || name.starts_with("sorts")
                || name.contains("qsorts")
                || name.contains("_sorts")
                || name.contains("htmlq")
                || name.contains("netlify")
                || name.contains("sheets");
            if is_sorts && !rel.starts_with("apse-2023/") {
                found.push(rel);
            }
        }
    }
    found.sort();
    let mut listed: Vec<String> = REAL_FILES.iter().map(|f| f.0.to_string()).collect();
    listed.sort();
    assert_eq!(found, listed);
}

#[test]
fn htmlq_attributes_travel_into_results() {
    let r = analyze(
        &fixture("cegebe/htmlq_export.csv"),
        &["--method", "pca", "--factors", "3"],
    );
    // The sid is the id (the uid column is empty), leading zeros kept.
    assert_eq!(r["input"]["sort_ids"][0], "02071051");
    let participants = r["participants"].as_array().unwrap();
    assert_eq!(participants.len(), 13);
    let a = &participants[0]["attributes"];
    assert_eq!(a["npos"], "21");
    assert_eq!(a["form3_1"], "1");
    assert_eq!(a["datetime"], "2018-02-07 10:51:25");
    // Emptied free-text fields are left out, not kept as "".
    assert!(a.get("comment23").is_none(), "{a}");
    let groups: Vec<&str> = r["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["attribute"].as_str().unwrap())
        .collect();
    assert!(groups.contains(&"form3_1"), "{groups:?}");
}

/// CEGEBE (PROVENANCE.md): the authors analysed the HTMLQ export with R qmethod, PCA + varimax,
/// 3 factors, automatic flagging. The import + `qstudy analyze --method pca --factors 3`
/// reproduces their flags exactly and their z-scores at the published precision (2 decimals);
/// the factor arrays are identical except where two statements have exactly the same z-score
/// (F3, statements 26 and 28): qmethod then gives both the value of the lower rank (R's
/// `rank()` averages ties and the fractional index truncates), putting three statements in
/// the -4 column that holds two, while qstudy keeps the forced distribution.
#[test]
fn cegebe_reproduces_the_published_qmethod_results() {
    let r = analyze(
        &fixture("cegebe/htmlq_export.csv"),
        &["--method", "pca", "--factors", "3"],
    );
    let flags_csv =
        std::fs::read_to_string(fixture("cegebe/published_QMethods_Flags.csv")).unwrap();
    let ids = r["input"]["sort_ids"].as_array().unwrap();
    for (i, line) in flags_csv.lines().skip(1).enumerate() {
        let cells: Vec<&str> = line.split(',').collect();
        // qmethod read the sid as a number: "02071051" became 2071051.
        assert_eq!(
            ids[i].as_str().unwrap().trim_start_matches('0'),
            cells[0],
            "sort order"
        );
        for f in 0..3 {
            assert_eq!(
                r["flags"][i][f].as_bool().unwrap(),
                cells[f + 1] == "True",
                "flag of {} on F{}",
                cells[0],
                f + 1
            );
        }
    }
    let mut reader = csv_rows(&fixture("cegebe/published_QMethod_z-scores.csv"));
    reader.remove(0);
    assert_eq!(reader.len(), 36);
    let mut differing = Vec::new();
    for (s, row) in reader.iter().enumerate() {
        for f in 0..3 {
            let z: f64 = row[1 + 2 * f].parse().unwrap();
            let array: i64 = row[2 + 2 * f].parse().unwrap();
            let ours_z = r["factors"][f]["zscores"][s].as_f64().unwrap();
            assert!(
                (ours_z - z).abs() <= 0.005 + 1e-9,
                "statement {} F{}: z {ours_z} vs published {z}",
                s + 1,
                f + 1
            );
            if r["factors"][f]["array"][s].as_i64().unwrap() != array {
                differing.push((f + 1, s + 1));
            }
        }
    }
    assert_eq!(differing, [(3, 26)], "arrays differ only at the exact tie");
    let z26 = r["factors"][2]["zscores"][25].as_f64().unwrap();
    let z28 = r["factors"][2]["zscores"][27].as_f64().unwrap();
    assert!((z26 - z28).abs() < 1e-12, "statements 26 and 28 tie on F3");
    assert_eq!(r["factors"][2]["array"][27], -4);
    assert_eq!(r["factors"][2]["array"][25], -3);
}

/// A tiny CSV reader for the published files (quoted fields with commas).
fn csv_rows(path: &str) -> Vec<Vec<String>> {
    let text = std::fs::read_to_string(path).unwrap();
    text.lines()
        .map(|line| {
            let mut fields = Vec::new();
            let (mut cur, mut quoted) = (String::new(), false);
            for c in line.chars() {
                match c {
                    '"' => quoted = !quoted,
                    ',' if !quoted => fields.push(std::mem::take(&mut cur)),
                    _ => cur.push(c),
                }
            }
            fields.push(cur);
            fields
        })
        .collect()
}

#[test]
fn participant_rows_csv_is_detected_and_keeps_attributes() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("kenq.csv");
    // Ken-Q/KADE CSV import layout: a header, then name + one value per statement; here with
    // attribute columns too.
    std::fs::write(
        &file,
        "Participant,role,council,1,2,3,4\n\
         C01,councillor,Swansea,1,0,-1,0\n\
         C02,councillor,Cardiff,0,1,0,-1\n\
         O01,officer,Swansea,-1,0,1,0\n\
         O02,officer,Cardiff,0,-1,0,1\n",
    )
    .unwrap();
    let path = file.to_string_lossy().into_owned();
    let line = validate_ok(&path, &[]);
    assert!(
        line.contains("OK: 4 sorts x 4 statements, grid -1..1"),
        "{line}"
    );
    assert!(line.contains("one row per participant"), "{line}");
    assert!(line.contains("2 participant attribute(s)"), "{line}");
    let r = analyze(&path, &["--factors", "1"]);
    assert_eq!(r["input"]["sort_ids"][2], "O01");
    assert_eq!(r["participants"][2]["attributes"]["role"], "officer");
    // Forcing the other layout reads the same file as statements x sorts, and fails clearly.
    let run = qstudy(&["validate", &path, "--format", "csv"]);
    assert_eq!(run.code, 3);
    assert!(run.stderr.contains("kenq.csv: line 2"), "{}", run.stderr);
}

#[test]
fn easy_htmlq_json_with_attributes() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("firebase.json");
    std::fs::write(
        &file,
        r#"{
  "-LbA1": {"sort": "2|1|0|-1|-2|0|1|-1|0", "uid": "p1", "form0": "officer", "comment4": "too strong"},
  "-LbA2": {"sort": "-2|-1|0|1|2|0|-1|1|0", "uid": "p2", "form0": "councillor"},
  "-LbA3": {"sort": "1|2|0|-1|-2|1|0|-1|0", "uid": "p3", "form0": "officer"},
  "-LbA4": {"sort": "-1|-2|0|1|2|-1|0|1|0", "uid": "p4", "form0": "councillor"}
}"#,
    )
    .unwrap();
    let path = file.to_string_lossy().into_owned();
    let line = validate_ok(&path, &[]);
    assert!(
        line.contains("OK: 4 sorts x 9 statements, grid -2..2") && line.contains("easy-htmlq"),
        "{line}"
    );
    let r = analyze(&path, &["--factors", "1"]);
    assert_eq!(r["input"]["sort_ids"][0], "-LbA1");
    assert_eq!(r["participants"][0]["attributes"]["comment4"], "too strong");
    assert_eq!(r["participants"][1]["attributes"]["form0"], "councillor");
}

/// A KADE/Ken-Q style workbook built here (no XLSX sample exists in the shared data sets):
/// `statements`, `sorts` (participant rows) and `pattern` sheets.
#[test]
fn xlsx_workbook_kade_layout() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("study.xlsx");
    let lipset = qstudy_io::read_sorts(Path::new(&fixture("lipset/LIPSET.DAT")), None).unwrap();
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("statements").unwrap();
    ws.write_string(0, 0, "Statements").unwrap();
    for (s, text) in lipset
        .table
        .statement_labels
        .as_ref()
        .unwrap()
        .iter()
        .enumerate()
    {
        ws.write_string(s as u32 + 1, 0, text).unwrap();
    }
    let ws = wb.add_worksheet();
    ws.set_name("sorts").unwrap();
    ws.write_string(0, 0, "Participant").unwrap();
    for s in 0..33u16 {
        ws.write_number(0, s + 1, f64::from(s + 1)).unwrap();
    }
    for (i, (id, row)) in lipset
        .table
        .sort_ids
        .iter()
        .zip(&lipset.table.values)
        .enumerate()
    {
        ws.write_string(i as u32 + 1, 0, id).unwrap();
        for (s, v) in row.iter().enumerate() {
            ws.write_number(i as u32 + 1, s as u16 + 1, f64::from(*v))
                .unwrap();
        }
    }
    let ws = wb.add_worksheet();
    ws.set_name("pattern").unwrap();
    ws.write_string(0, 0, "Pattern").unwrap();
    let counts = [0, 0, 2, 3, 4, 5, 5, 5, 4, 3, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0];
    for (c, n) in counts.iter().enumerate() {
        ws.write_number(1, c as u16, f64::from(*n)).unwrap();
    }
    wb.save(&file).unwrap();
    let path = file.to_string_lossy().into_owned();
    let line = validate_ok(&path, &[]);
    assert!(
        line.contains("OK: 9 sorts x 33 statements, grid -4..4") && line.contains("XLSX"),
        "{line}"
    );
    // Same numbers as the .DAT it was made from.
    let from_xlsx = analyze(&path, &["--factors", "3"]);
    let from_dat = analyze(&fixture("lipset/LIPSET.DAT"), &["--factors", "3"]);
    assert_eq!(from_xlsx["rotated"], from_dat["rotated"]);
    assert_eq!(from_xlsx["flags"], from_dat["flags"]);
    assert_eq!(
        from_xlsx["input"]["statement_labels"],
        from_dat["input"]["statement_labels"]
    );
}

#[test]
fn format_option_overrides_detection() {
    // An HTMLQ-looking header read as participant rows: sid is then the id column.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("h.csv");
    std::fs::write(&file, "sid;uid;s1;s2;s3\n01;a;1;0;-1\n02;b;-1;0;1\n").unwrap();
    let path = file.to_string_lossy().into_owned();
    assert!(validate_ok(&path, &[]).contains("HTMLQ"));
    let rows = validate_ok(&path, &["--format", "csv-rows"]);
    assert!(rows.contains("one row per participant"), "{rows}");
    let run = qstudy(&["validate", &path, "--format", "nonsense"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains(
            "expected csv, csv-rows, htmlq, netlify, sheets, json, xlsx, pqmethod or study"
        ),
        "{}",
        run.stderr
    );
}

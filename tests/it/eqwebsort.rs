//! The collection tools' exports and statements beside any input (issue 24): EQ Web Sort's
//! Netlify and Google Sheets CSV exports, `--statements` (text, HTMLQ's statements.xml, CSV) and
//! `--id-column`, each compared with the bundled study its fixture was built from
//! (`fixtures/eqwebsort/PROVENANCE.md`).

use serde_json::Value;
use support::{fixture, qstudy};

/// `qstudy analyze ARGS... --out DIR`: the exit code, stderr and `results.json` as written.
pub(crate) fn analyze_raw(args: &[&str]) -> (String, String) {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let mut all: Vec<String> = vec!["analyze".into()];
    all.extend(args.iter().map(|s| s.to_string()));
    all.extend(["--out".into(), out.to_string_lossy().into_owned()]);
    let run = qstudy(&all);
    assert_eq!(run.code, 0, "{args:?}: {}", run.stderr);
    (
        std::fs::read_to_string(out.join("results.json")).unwrap(),
        run.stdout,
    )
}

/// The end of the JSON value starting at `start` (an object, array, string or scalar).
fn value_end(text: &str, start: usize) -> usize {
    let bytes = text.as_bytes();
    let (mut depth, mut in_string, mut escaped) = (0usize, false, false);
    for (i, &b) in bytes.iter().enumerate().skip(start) {
        if in_string {
            if escaped {
                escaped = false;
            } else if b == b'\\' {
                escaped = true;
            } else if b == b'"' {
                in_string = false;
                if depth == 0 {
                    return i + 1;
                }
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'{' | b'[' => depth += 1,
            b'}' | b']' => {
                if depth == 0 {
                    return i;
                }
                depth -= 1;
                if depth == 0 {
                    return i + 1;
                }
            }
            b',' if depth == 0 => return i,
            _ => {}
        }
    }
    bytes.len()
}

/// The text of a `results.json` without its top-level `keys` (each `"key":value` cut out with
/// its comma), the rest byte for byte as written.
pub(crate) fn without(text: &str, keys: &[&str]) -> String {
    let mut text = text.to_string();
    for key in keys {
        let pattern = format!(",\"{key}\":");
        if let Some(at) = text.find(&pattern) {
            let end = value_end(&text, at + pattern.len());
            text.replace_range(at..end, "");
        }
    }
    text
}

fn json(text: &str) -> Value {
    serde_json::from_str(text).unwrap()
}

const APSE_NAMES: [&str; 4] = [
    "F1=galvanised dialogues",
    "F2=settled accommodation",
    "F3=frustrated expectations",
    "F4=stressed collaboration",
];

#[test]
fn the_netlify_export_gives_the_study_it_was_made_from() {
    let netlify = fixture("eqwebsort/apse-netlify.csv");
    let statements = fixture("apse-2023/statements.csv");
    let mut args = vec![
        netlify.as_str(),
        "--id-column",
        "urlUsercode",
        "--statements",
        statements.as_str(),
        "--factors",
        "4",
    ];
    for n in APSE_NAMES {
        args.extend(["--name", n]);
    }
    let (from_export, _) = analyze_raw(&args);
    let (from_study, _) = analyze_raw(&[&fixture("apse-2023")]);
    // The export's own fields (projectName, randomId, dates...) are its participants'
    // attributes (and the reporting checklist describes them): everything else is the same,
    // byte for byte.
    let keys = ["participants", "groups", "reporting_checklist"];
    assert_eq!(without(&from_export, &keys), without(&from_study, &keys));
    let (e, s) = (json(&from_export), json(&from_study));
    for (p, q) in e["participants"]
        .as_array()
        .unwrap()
        .iter()
        .zip(s["participants"].as_array().unwrap())
    {
        assert_eq!(p["id"], q["id"]);
        assert_eq!(p["attributes"]["qNum1-text"], q["attributes"]["role"]);
        assert_eq!(p["attributes"]["qNum2-text"], q["attributes"]["council"]);
        assert_eq!(p["attributes"]["partId"], "anonymous");
    }
    // the survey answers drive the group comparison as the study's columns do
    let groups: Vec<&str> = e["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["attribute"].as_str().unwrap())
        .collect();
    assert!(groups.contains(&"qNum1-text"), "{groups:?}");
}

#[test]
fn netlify_ids_are_the_random_ids_unless_another_key_is_chosen() {
    let netlify = fixture("eqwebsort/apse-netlify.csv");
    let run = qstudy(&["validate", &netlify]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout
            .contains("OK: 32 sorts x 40 statements, grid -4..4")
            && run
                .stdout
                .contains("read as EQ Web Sort Netlify CSV export"),
        "{}",
        run.stdout
    );
    let (r, _) = analyze_raw(&[&netlify, "--factors", "2"]);
    let r = json(&r);
    // partId is "anonymous" for everyone: randomId, as KADE takes
    assert_eq!(r["input"]["sort_ids"][0], "d93a44ac-d25");
    assert_eq!(r["participants"][0]["attributes"]["urlUsercode"], "C01");
    let run = qstudy(&["validate", &netlify, "--id-column", "email"]);
    assert_eq!(run.code, 3);
    assert!(
        run.stderr.contains(
            "no key 'email' for the participant ids; expected one of the submissions' keys (projectName, partId, randomId, urlUsercode, dateTime,"
        ),
        "{}",
        run.stderr
    );
}

#[test]
fn the_sheets_export_gives_the_study_it_was_made_from() {
    let sheets = fixture("eqwebsort/lipset-sheets.csv");
    let sta = fixture("lipset/LIPSET.STA");
    let (from_export, _) = analyze_raw(&[&sheets, "--statements", &sta, "--factors", "3"]);
    let (from_dat, _) = analyze_raw(&[&fixture("lipset/LIPSET.DAT"), "--factors", "3"]);
    let keys = ["participants", "groups", "reporting_checklist"];
    assert_eq!(without(&from_export, &keys), without(&from_dat, &keys));
    let e = json(&from_export);
    assert_eq!(e["input"]["sort_ids"][4], "JP5");
    assert_eq!(e["participants"][0]["attributes"]["projectName"], "Lipset");
    // `no data` is EQ Web Sort's null: left out
    assert!(
        e["participants"][0]["attributes"]
            .get("urlUsercode")
            .is_none()
    );
}

#[test]
fn a_statements_file_beside_any_input_gives_the_study_with_texts() {
    let dat = fixture("lipset/LIPSET.DAT");
    let csv = fixture("lipset/lipset_sorts.csv");
    let (from_dat, _) = analyze_raw(&[&dat, "--factors", "3"]);
    for statements in [
        fixture("lipset/LIPSET.STA"),
        fixture("eqwebsort/lipset-statements.xml"),
    ] {
        let (from_csv, _) = analyze_raw(&[&csv, "--statements", &statements, "--factors", "3"]);
        assert_eq!(from_csv, from_dat, "{statements}");
    }
    // KADE's own pair: sorts.csv and statements.txt
    let ipad = fixture("kade-demo/ipad-survey-japanese/sorts.csv");
    let txt = fixture("kade-demo/ipad-survey-japanese/statements.txt");
    let (r, _) = analyze_raw(&[&ipad, "--statements", &txt, "--factors", "2"]);
    let labels = json(&r)["input"]["statement_labels"].clone();
    assert_eq!(labels.as_array().unwrap().len(), 60);
    assert!(labels[0].as_str().unwrap().starts_with("私は、iPadが"));
}

#[test]
fn a_statements_file_that_does_not_fit_is_refused() {
    let dat = fixture("lipset/LIPSET.DAT");
    let sta = fixture("lipset/LIPSET.STA");
    let run = qstudy(&["validate", &dat, "--statements", &sta]);
    assert_eq!(run.code, 3);
    assert!(
        run.stderr
            .contains("has statement texts (or labels) of its own; expected a statements file only for an input without them"),
        "{}",
        run.stderr
    );
    let txt = fixture("kade-demo/ipad-survey-japanese/statements.txt");
    let run = qstudy(&[
        "validate",
        &fixture("lipset/lipset_sorts.csv"),
        "--statements",
        &txt,
    ]);
    assert_eq!(run.code, 3);
    assert!(
        run.stderr
            .contains("60 statement(s), expected 33 (one per statement of"),
        "{}",
        run.stderr
    );
    let run = qstudy(&["validate", &fixture("apse-2023"), "--statements", &txt]);
    assert_eq!(run.code, 3);
    assert!(
        run.stderr
            .contains("a study directory names its statements in study.toml"),
        "{}",
        run.stderr
    );
}

#[test]
fn the_id_column_is_chosen_where_a_file_has_one() {
    let dir = tempfile::tempdir().unwrap();
    let rows = dir.path().join("rows.csv");
    std::fs::write(
        &rows,
        "name,code,1,2,3\nAnn,P1,1,0,-1\nBob,P2,-1,0,1\nCy,P3,0,1,-1\n",
    )
    .unwrap();
    let rows = rows.to_string_lossy().into_owned();
    let (r, _) = analyze_raw(&[&rows, "--id-column", "code", "--factors", "1"]);
    let r = json(&r);
    assert_eq!(
        r["input"]["sort_ids"],
        serde_json::json!(["P1", "P2", "P3"])
    );
    assert_eq!(r["participants"][0]["attributes"]["name"], "Ann");
    let firebase = dir.path().join("eq.json");
    std::fs::write(
        &firebase,
        r#"{"-Na1": {"partId": "P1", "sort": "1|0|-1"}, "-Na2": {"partId": "P2", "sort": "-1|0|1"}, "-Na3": {"partId": "P3", "sort": "0|1|-1"}}"#,
    )
    .unwrap();
    let (r, _) = analyze_raw(&[
        &firebase.to_string_lossy(),
        "--id-column",
        "partId",
        "--factors",
        "1",
    ]);
    let r = json(&r);
    assert_eq!(
        r["input"]["sort_ids"],
        serde_json::json!(["P1", "P2", "P3"])
    );
    assert_eq!(r["participants"][0]["attributes"]["key"], "-Na1");
    // a layout whose ids are its header refuses one
    let run = qstudy(&[
        "validate",
        &fixture("lipset/lipset_sorts.csv"),
        "--id-column",
        "US1",
    ]);
    assert_eq!(run.code, 3);
    assert!(
        run.stderr
            .contains("the ids cannot be taken from a column 'US1' in qmethod CSV"),
        "{}",
        run.stderr
    );
    let run = qstudy(&["validate", &rows, "--id-column", "email"]);
    assert_eq!(run.code, 3);
    assert!(
        run.stderr.contains("no column 'email' for the participant ids; expected one of the header's columns ('name', 'code')"),
        "{}",
        run.stderr
    );
}

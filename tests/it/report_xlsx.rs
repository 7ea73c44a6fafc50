//! `results.xlsx` read back with calamine and checked cell by cell against `results.json`:
//! loadings and flags, z-scores and ranks, factor arrays, factor characteristics. Numbers must
//! be stored as numbers (not text) at full precision.

use std::path::PathBuf;

use calamine::{Data, Range, Reader, Xlsx};
use serde_json::Value;
use support::{fixture, qstudy};

/// Row of the column headers and first data row (0-based), as the workbook lays them out.
const HEADER: u32 = 1;
const FIRST: u32 = 2;

fn analyze(args: &[&str]) -> (tempfile::TempDir, PathBuf, Value) {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let mut all = vec!["analyze"];
    all.extend_from_slice(args);
    all.extend(["--no-plots", "--out", out.to_str().unwrap()]);
    let run = qstudy(&all);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let r = support::results(&out);
    (dir, out, r)
}

fn workbook(out: &std::path::Path) -> Xlsx<std::io::BufReader<std::fs::File>> {
    calamine::open_workbook(out.join("results.xlsx")).unwrap()
}

fn number(range: &Range<Data>, row: u32, col: u32) -> f64 {
    match range.get_value((row, col)) {
        Some(Data::Float(v)) => *v,
        other => panic!("({row}, {col}): expected a number, found {other:?}"),
    }
}

fn text(range: &Range<Data>, row: u32, col: u32) -> String {
    match range.get_value((row, col)) {
        Some(Data::String(s)) => s.clone(),
        None | Some(Data::Empty) => String::new(),
        other => panic!("({row}, {col}): expected text, found {other:?}"),
    }
}

fn f(v: &Value) -> f64 {
    v.as_f64().unwrap()
}

/// Equal to the last bit, give or take one unit: serde_json's default number parser (used to
/// read results.json here) may be one unit in the last place off the exact value, which the
/// workbook stores.
fn same(a: f64, b: f64) -> bool {
    a == b || (a - b).abs() <= 2.0 * f64::EPSILON * a.abs().max(b.abs())
}

fn assert_same(a: f64, b: f64, what: &str) {
    assert!(same(a, b), "{what}: workbook {a}, results.json {b}");
}

/// Factors (indices) with an array.
fn with_array(r: &Value) -> Vec<usize> {
    let factors = r["factors"].as_array().unwrap();
    (0..factors.len())
        .filter(|&i| !factors[i]["array"].is_null())
        .collect()
}

fn check_workbook(out: &std::path::Path, r: &Value) {
    let mut wb = workbook(out);
    let factors = r["factors"].as_array().unwrap();
    let ids = r["input"]["sort_ids"].as_array().unwrap();
    let m = r["input"]["statements"].as_u64().unwrap() as usize;

    // loadings and flags, one row per sort, two columns per factor
    let loadings = wb.worksheet_range("Factor Loadings").unwrap();
    for (c, fr) in factors.iter().enumerate() {
        let header = text(&loadings, HEADER, 2 + 2 * c as u32);
        assert!(header.starts_with(fr["name"].as_str().unwrap()), "{header}");
        if let Some(label) = fr["label"].as_str() {
            assert!(header.contains(label), "{header}");
        }
    }
    for (i, id) in ids.iter().enumerate() {
        let row = FIRST + i as u32;
        assert_eq!(text(&loadings, row, 1), id.as_str().unwrap());
        assert_eq!(number(&loadings, row, 0), (i + 1) as f64);
        for c in 0..factors.len() {
            let col = 2 + 2 * c as u32;
            assert_same(
                number(&loadings, row, col),
                f(&r["factor_loadings"][i][c]),
                &format!("loading of {id} on F{}", c + 1),
            );
            let flagged = r["flags"][i][c].as_bool().unwrap();
            assert_eq!(text(&loadings, row, col + 1) == "flagged", flagged);
        }
        assert_same(
            number(&loadings, row, 2 + 2 * factors.len() as u32),
            f(&r["rotated"]["communalities"][i]),
            "communality",
        );
    }

    // z-scores and ranks in statement order, two columns per factor with an array
    let arrays = with_array(r);
    let ranks = wb.worksheet_range("Factor Score Ranks").unwrap();
    for s in 0..m {
        let row = FIRST + s as u32;
        assert_eq!(
            number(&ranks, row, 0),
            f(&r["input"]["statement_ids"][s]),
            "statement number"
        );
        if let Some(labels) = r["input"]["statement_labels"].as_array() {
            assert_eq!(text(&ranks, row, 1), labels[s].as_str().unwrap());
        }
        for (k, &a) in arrays.iter().enumerate() {
            let col = 2 + 2 * k as u32;
            assert_same(
                number(&ranks, row, col),
                f(&factors[a]["zscores"][s]),
                "z-score",
            );
            assert_eq!(number(&ranks, row, col + 1), f(&factors[a]["ranks"][s]));
        }
    }

    // factor arrays in statement order
    let sheet = wb.worksheet_range("Factor Arrays").unwrap();
    for (k, &a) in arrays.iter().enumerate() {
        assert!(
            text(&sheet, HEADER, 2 + k as u32).starts_with(factors[a]["name"].as_str().unwrap())
        );
    }
    for (k, &a) in arrays.iter().enumerate() {
        let array = factors[a]["array"].as_array().unwrap();
        assert_eq!(array.len(), m);
        for (s, v) in array.iter().enumerate() {
            assert_eq!(
                number(&sheet, FIRST + s as u32, 2 + k as u32),
                f(v),
                "array of F{} at statement {}",
                a + 1,
                s + 1
            );
        }
    }

    // each factor's scores sheet: statements by descending z with their Q-sort values
    for &a in &arrays {
        let name = factors[a]["name"].as_str().unwrap();
        let sheet = wb.worksheet_range(&format!("{name} Scores")).unwrap();
        let mut last = f64::INFINITY;
        for k in 0..m {
            let row = FIRST + k as u32;
            let s = (number(&sheet, row, 0) as usize)
                .checked_sub(1)
                .expect("statement ids 1..m");
            let z = number(&sheet, row, 2);
            assert_same(z, f(&factors[a]["zscores"][s]), "z-score");
            assert_eq!(number(&sheet, row, 3), f(&factors[a]["array"][s]));
            assert!(z <= last);
            last = z;
        }
    }

    // factor characteristics: one column per factor
    let chars = wb.worksheet_range("Factor Characteristics").unwrap();
    let rows = [
        "No. of Defining Variables",
        "Average Rel. Coef.",
        "Composite Reliability",
        "S.E. of Factor Z-Scores",
        "Eigenvalue",
        "% Explained Variance",
    ];
    for (k, label) in rows.iter().enumerate() {
        assert_eq!(text(&chars, FIRST + k as u32, 0), *label);
    }
    for (c, fr) in factors.iter().enumerate() {
        let col = 1 + c as u32;
        assert!(text(&chars, HEADER, col).starts_with(fr["name"].as_str().unwrap()));
        assert_eq!(
            number(&chars, FIRST, col),
            fr["defining_sorts"].as_array().unwrap().len() as f64
        );
        assert_eq!(number(&chars, FIRST + 1, col), 0.8);
        if fr["composite_reliability"].is_null() {
            assert!(matches!(
                chars.get_value((FIRST + 2, col)),
                None | Some(Data::Empty)
            ));
        } else {
            assert_same(
                number(&chars, FIRST + 2, col),
                f(&fr["composite_reliability"]),
                "composite reliability",
            );
            assert_same(number(&chars, FIRST + 3, col), f(&fr["se"]), "SE");
        }
        assert_same(
            number(&chars, FIRST + 4, col),
            f(&fr["eigenvalue"]),
            "eigenvalue",
        );
        assert_same(
            number(&chars, FIRST + 5, col),
            f(&fr["explained_variance"]),
            "% explained variance",
        );
    }
}

#[test]
fn lipset_workbook_matches_results_json_cell_by_cell() {
    let (_d, out, r) = analyze(&[&fixture("lipset/LIPSET.DAT"), "--factors", "3"]);
    check_workbook(&out, &r);
}

#[test]
fn apse_workbook_matches_results_json_cell_by_cell() {
    let (_d, out, r) = analyze(&[&fixture("apse-2023")]);
    check_workbook(&out, &r);
    let wb = workbook(&out);
    let names = wb.sheet_names();
    assert_eq!(names.first().map(String::as_str), Some("Overview"));
    assert_eq!(names.last().map(String::as_str), Some("Group Make-up"));
}

#[test]
fn sheets_follow_kades_order() {
    let (_d, out, _) = analyze(&[&fixture("lipset/LIPSET.DAT"), "--factors", "3"]);
    let names = workbook(&out).sheet_names();
    let expected = [
        "Overview",
        "Statements",
        "Q sorts",
        "Correlation Matrix",
        "Unrotated Factors",
        "Cumul Comm Matrix",
        "Factor Loadings",
        "Loadings Table",
        "Factor Score Ranks",
        "Factor Score Correlations",
        "F1 Weights",
        "F1 Sorts Corr",
        "F1 Scores",
        "F2 Weights",
        "F2 Sorts Corr",
        "F2 Scores",
        "F3 Weights",
        "F3 Sorts Corr",
        "F3 Scores",
        "Diff F1 F2",
        "Diff F1 F3",
        "Diff F2 F3",
        "Factor Arrays",
        "Consensus-Disagreement",
        "Factor Characteristics",
        "Std Errors Diffs",
        "Dist State F1",
        "Dist State F2",
        "Dist State F3",
        "Consensus Statements",
        "F1 Crib Sheet",
        "F2 Crib Sheet",
        "F3 Crib Sheet",
    ];
    assert_eq!(names, expected);
}

#[test]
fn the_workbook_is_byte_identical_across_runs() {
    let (_a, out_a, _) = analyze(&[&fixture("lipset/LIPSET.DAT"), "--factors", "3"]);
    let (_b, out_b, _) = analyze(&[&fixture("lipset/LIPSET.DAT"), "--factors", "3"]);
    for file in [
        "results.xlsx",
        "report.lis",
        "tables/loadings.csv",
        "tables/scores.csv",
    ] {
        assert!(
            std::fs::read(out_a.join(file)).unwrap() == std::fs::read(out_b.join(file)).unwrap(),
            "{file} differs between two runs"
        );
    }
}

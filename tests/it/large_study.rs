//! A study wider than a worksheet: `qstudy analyze` of 17,000 sorts x 20 statements, generated
//! with one planted viewpoint and analysed without rotation (so the first factor has more
//! defining sorts than Excel has columns), writes every report, and `results.xlsx` stays
//! within Excel's limits
//! (docs/formats.md, "results.xlsx"): every sort is a row, and the raw sorts that do not fit
//! beside the factor's scores are left out with a note and a warning.

use calamine::{Data, Range, Reader, Xlsx};
use qstudy_core::Grid;
use qstudy_core::synthetic::planted_study;
use support::qstudy;

const SORTS: usize = 17_000;
/// 20 statements.
const GRID: &str = "-3:1,-2:2,-1:4,0:6,1:4,2:2,3:1";
/// Excel's limits: rows and columns of a worksheet.
const MAX_ROWS: u32 = 1_048_576;
const MAX_COLS: u32 = 16_384;
/// Row of the column headers and first data row (0-based).
const HEADER: u32 = 1;
const FIRST: u32 = 2;

/// Writes the study as a qmethod CSV (a header of sort ids, one row per statement).
fn write_study(path: &std::path::Path) -> Vec<String> {
    let grid: Grid = GRID.parse().unwrap();
    let table = planted_study(&grid, SORTS, 1, (0.65, 0.85), 11).table;
    let mut text = table.sort_ids.join(",");
    text.push('\n');
    for s in 0..grid.expanded().len() {
        let row: Vec<String> = table.values.iter().map(|v| v[s].to_string()).collect();
        text.push_str(&row.join(","));
        text.push('\n');
    }
    std::fs::write(path, text).unwrap();
    table.sort_ids
}

fn ids_of(r: &serde_json::Value, factor: usize) -> Vec<String> {
    r["factors"][factor]["defining_sorts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_string())
        .collect()
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
        other => panic!("({row}, {col}): expected text, found {other:?}"),
    }
}

/// Equal up to the last bit or so (results.json read back with serde_json's default parser).
fn same(a: f64, b: f64) -> bool {
    a == b || (a - b).abs() <= 2.0 * f64::EPSILON * a.abs().max(b.abs())
}

#[test]
fn a_study_wider_than_a_worksheet_gets_a_workbook_within_excels_limits() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("wide.csv");
    let ids = write_study(&csv);
    let out = dir.path().join("out");
    let run = qstudy(&[
        "analyze",
        csv.to_str().unwrap(),
        "--method",
        "pca",
        "--factors",
        "2",
        "--rotation",
        "none",
        "--no-plots",
        "--out",
        out.to_str().unwrap(),
    ]);
    let stderr: String = run.stderr.chars().take(2000).collect();
    assert_eq!(run.code, 0, "{stderr}");
    assert!(
        run.stderr
            .contains("warning: results.xlsx: sheet 'F1 Scores': the raw sorts of its"),
        "{stderr}"
    );
    let r = support::results(&out);
    let defining = r["factors"][0]["defining_sorts"].as_array().unwrap().len();
    assert!(
        defining + 4 > MAX_COLS as usize,
        "{defining} defining sorts"
    );

    // the terminal gets a short summary whatever the size: a few ids per factor, warnings
    // grouped, and where the full list is
    let terminal = format!("{}{}", run.stdout, run.stderr);
    assert!(
        terminal.lines().count() <= 60 && terminal.len() <= 8 * 1024,
        "{} lines, {} bytes:\n{}",
        terminal.lines().count(),
        terminal.len(),
        terminal.chars().take(4000).collect::<String>()
    );
    assert!(
        run.stdout
            .contains(&format!("{defining} ({}, ", ids_of(&r, 0)[0]))
            && run.stdout.contains(" more)"),
        "{}",
        run.stdout
    );
    // warnings.txt lists every warning in full, one a line: the analysis's (as results.json)
    // and the workbook's notes
    let listed = std::fs::read_to_string(out.join("warnings.txt")).unwrap();
    let lines: Vec<&str> = listed.lines().collect();
    let warnings: Vec<&str> = r["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w.as_str().unwrap())
        .collect();
    assert!(!warnings.is_empty());
    assert_eq!(lines[..warnings.len()], warnings[..]);
    assert!(
        lines[warnings.len()..]
            .iter()
            .any(|l| l.starts_with("results.xlsx: sheet 'F1 Scores': the raw sorts of its")),
        "{lines:?}"
    );
    if warnings.iter().any(|w| w.len() > 1000) {
        assert!(run.stderr.contains("warnings.txt"), "{stderr}");
    }

    let mut wb: Xlsx<_> = calamine::open_workbook(out.join("results.xlsx")).unwrap();
    let names = wb.sheet_names();
    for name in &names {
        let range = wb.worksheet_range(name).unwrap();
        if let Some((row, col)) = range.end() {
            assert!(
                row < MAX_ROWS && col < MAX_COLS,
                "{name}: ends at ({row}, {col})"
            );
        }
    }
    for sheet in [
        "Overview",
        "Q sorts",
        "Factor Loadings",
        "F1 Scores",
        "F1 Weights",
    ] {
        assert!(names.iter().any(|n| n == sheet), "{sheet} missing");
    }

    // every sort is a row of the per-sort sheets, with its numbers
    let loadings = wb.worksheet_range("Factor Loadings").unwrap();
    for i in [0, SORTS / 2, SORTS - 1] {
        let row = FIRST + i as u32;
        assert_eq!(text(&loadings, row, 1), ids[i]);
        for c in 0..2 {
            let v = number(&loadings, row, 2 + 2 * c as u32);
            let expected = r["factor_loadings"][i][c].as_f64().unwrap();
            assert!(same(v, expected), "{v} != {expected}");
        }
    }
    let sorts = wb.worksheet_range("Q sorts").unwrap();
    assert_eq!(text(&sorts, FIRST + SORTS as u32 - 1, 1), ids[SORTS - 1]);
    assert_eq!(sorts.end().map(|(_, c)| c), Some(2 + 20 + 1));

    // the first factor's scores, without the raw sorts: the note says where they are
    let scores = wb.worksheet_range("F1 Scores").unwrap();
    let note = text(&scores, HEADER, 4);
    assert!(note.contains("'Q sorts' sheet has every sort"), "{note}");
    let z = r["factors"][0]["zscores"].as_array().unwrap();
    let top = z
        .iter()
        .map(|v| v.as_f64().unwrap())
        .fold(f64::MIN, f64::max);
    assert!(same(number(&scores, FIRST, 2), top));
    assert_eq!(scores.end().map(|(_, c)| c), Some(4));
    let overview = wb.worksheet_range("Overview").unwrap();
    assert!(
        overview
            .rows()
            .any(|row| row.get(1).is_some_and(|v| v.to_string() == note)),
        "the overview lists the note"
    );

    // the other reports hold every sort too
    let table = std::fs::read_to_string(out.join("tables/loadings.csv")).unwrap();
    assert_eq!(table.lines().count(), SORTS + 1);
    let lis = std::fs::read_to_string(out.join("report.lis")).unwrap();
    let last = format!("{SORTS} {}", ids[SORTS - 1]);
    assert_eq!(
        lis.lines().filter(|l| l.starts_with(&last)).count(),
        3,
        "unrotated, cumulative communalities, factor matrix"
    );
}

use super::*;
use crate::testdata::sample;
use calamine::{Data, Reader, Xlsx};

fn open(bytes: Vec<u8>) -> Xlsx<std::io::Cursor<Vec<u8>>> {
    Xlsx::new(std::io::Cursor::new(bytes)).unwrap()
}

#[test]
fn sheets_come_in_kades_order() {
    let (r, ctx) = sample();
    let wb = open(results_xlsx(&r, &ctx).unwrap());
    assert_eq!(
        wb.sheet_names(),
        [
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
            "Diff F1 F2",
            "Factor Arrays",
            "Consensus-Disagreement",
            "Factor Characteristics",
            "Std Errors Diffs",
            "Dist State F1",
            "Dist State F2",
            "Consensus Statements",
            "F1 Crib Sheet",
            "F2 Crib Sheet",
        ]
    );
}

#[test]
fn loadings_are_numbers_at_full_precision() {
    let (r, ctx) = sample();
    let mut wb = open(results_xlsx(&r, &ctx).unwrap());
    let range = wb.worksheet_range("Factor Loadings").unwrap();
    assert_eq!(
        range.get_value((HEADER_ROW, 2)),
        Some(&Data::String("F1".to_string()))
    );
    for i in 0..r.input.sorts {
        let row = FIRST_ROW + i as u32;
        assert_eq!(
            range.get_value((row, 1)),
            Some(&Data::String(r.input.sort_ids[i].clone()))
        );
        for c in 0..r.factors.len() {
            assert_eq!(
                range.get_value((row, 2 + 2 * c as u32)),
                Some(&Data::Float(r.factor_loadings[i][c]))
            );
            let flag = range.get_value((row, 3 + 2 * c as u32));
            if r.flags[i][c] {
                assert_eq!(flag, Some(&Data::String("flagged".to_string())));
            } else {
                assert!(matches!(flag, None | Some(Data::Empty)));
            }
        }
    }
}

#[test]
fn a_huge_correlation_matrix_is_left_to_results_json() {
    let (mut r, ctx) = sample();
    let n = crate::MATRIX_LIMIT + 1;
    r.correlation = Some(vec![vec![0.5; n]; n]);
    let mut wb = open(results_xlsx(&r, &ctx).unwrap());
    let range = wb.worksheet_range("Correlation Matrix").unwrap();
    let Some(Data::String(note)) = range.get_value((HEADER_ROW, 0)) else {
        panic!("no note");
    };
    assert!(note.contains("results.json"), "{note}");
    assert_eq!(range.get_value((FIRST_ROW, 2)), None);
}

#[test]
fn the_workbook_is_byte_identical_for_the_same_results() {
    let (r, ctx) = sample();
    assert_eq!(
        results_xlsx(&r, &ctx).unwrap(),
        results_xlsx(&r, &ctx).unwrap()
    );
}

/// Makes `r` free-distribution data whose sorts have a `role`, taking `roles` in turn (so the
/// workbook has its "Free Dist" and "Group Make-up" sheets).
fn free_with_roles(r: &mut AnalysisResults, roles: &[&str]) {
    r.input.free_distribution = true;
    let participants: Vec<qstudy_core::Participant> = r
        .input
        .sort_ids
        .iter()
        .enumerate()
        .map(|(i, id)| qstudy_core::Participant {
            id: id.clone(),
            attributes: [("role".to_string(), roles[i % roles.len()].to_string())].into(),
        })
        .collect();
    r.attach_participants(participants);
}

#[test]
fn free_distribution_and_groups_add_their_sheets() {
    let (mut r, ctx) = sample();
    free_with_roles(&mut r, &["a", "b"]);
    let wb = open(results_xlsx(&r, &ctx).unwrap());
    let names = wb.sheet_names();
    let at = |n: &str| names.iter().position(|s| s == n).unwrap();
    assert_eq!(at("Free Dist"), at("Loadings Table") + 1);
    assert_eq!(names.last().map(String::as_str), Some("Group Make-up"));
}

/// Every cell of every sheet lies within `rows` x `cols`.
fn within(bytes: Vec<u8>, rows: u32, cols: u32) -> Xlsx<std::io::Cursor<Vec<u8>>> {
    let mut wb = open(bytes);
    for name in wb.sheet_names() {
        let range = wb.worksheet_range(&name).unwrap();
        if let Some((r, c)) = range.end() {
            assert!(r < rows && c < cols, "{name}: ends at ({r}, {c})");
        }
    }
    wb
}

fn limited(rows: u64, cols: u64) -> (Vec<u8>, Vec<String>) {
    let (r, ctx) = sample();
    let mut bytes = std::io::Cursor::new(Vec::new());
    let notes = write_with_limits(&r, &ctx, &mut bytes, Limits { rows, cols }).unwrap();
    (bytes.into_inner(), notes)
}

#[test]
fn sheets_beyond_the_limits_keep_their_place_and_say_why() {
    let (r, ctx) = sample();
    let names = open(results_xlsx(&r, &ctx).unwrap()).sheet_names();
    // 6 sorts need 8 rows (title and header included): every per-sort sheet is too long
    let (bytes, notes) = limited(7, 100);
    let mut wb = within(bytes, 7, 100);
    assert_eq!(wb.sheet_names(), names, "the same sheets in the same order");
    for sheet in [
        "Q sorts",
        "Unrotated Factors",
        "Factor Loadings",
        "Loadings Table",
    ] {
        let range = wb.worksheet_range(sheet).unwrap();
        let Some(Data::String(note)) = range.get_value((HEADER_ROW, 0)) else {
            panic!("{sheet}: no note");
        };
        assert!(
            note.starts_with(&format!("sheet '{sheet}' not written: ")),
            "{note}"
        );
        assert!(note.contains("rows exceed Excel's limit of 7"), "{note}");
        assert!(notes.contains(note), "{note} is returned");
    }
    let q = wb.worksheet_range("Q sorts").unwrap();
    assert!(
        notes
            .iter()
            .any(|n| n.contains("the input holds the sorts"))
    );
    assert_eq!(q.get_value((FIRST_ROW, 2)), None);
    // the overview keeps as many items as fit, then says how many more there are
    let overview = wb.worksheet_range("Overview").unwrap();
    let last = (0..7)
        .filter_map(|row| match overview.get_value((row, 1)) {
            Some(Data::String(s)) => Some(s.clone()),
            _ => None,
        })
        .collect::<Vec<_>>();
    assert!(last.iter().any(|s| s.contains("more warnings")), "{last:?}");
    assert!(last.last().unwrap().starts_with("qstudy "), "{last:?}");
}

#[test]
fn the_overview_lists_what_was_left_out() {
    let (bytes, notes) = limited(MAX_ROWS, 12);
    assert!(!notes.is_empty());
    let mut wb = within(bytes, MAX_ROWS as u32, 12);
    let overview = wb.worksheet_range("Overview").unwrap();
    let listed: Vec<String> = overview
        .rows()
        .filter(|row| row.first() == Some(&Data::String("Not in this workbook".to_string())))
        .filter_map(|row| match row.get(1) {
            Some(Data::String(s)) => Some(s.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(listed, notes);
}

#[test]
fn raw_sorts_that_do_not_fit_are_left_out_of_the_scores() {
    let (r, _) = sample();
    let defining = r.factors[0].defining_sorts.len() as u64;
    assert!(defining >= 2);
    // one column too few for the raw sorts of F1
    let (bytes, notes) = limited(MAX_ROWS, 3 + defining);
    let mut wb = within(bytes, MAX_ROWS as u32, 3 + defining as u32);
    let scores = wb.worksheet_range("F1 Scores").unwrap();
    let Some(Data::String(note)) = scores.get_value((HEADER_ROW, 4)) else {
        panic!("no note in the header row");
    };
    assert!(note.contains("raw sorts of its"), "{note}");
    assert!(notes.contains(note));
    let z = r.factors[0].zscores.as_ref().unwrap();
    let top = z.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    assert_eq!(scores.get_value((FIRST_ROW, 2)), Some(&Data::Float(top)));
    assert!(
        matches!(scores.get_value((FIRST_ROW, 4)), None | Some(Data::Empty)),
        "no raw sort"
    );
    // with room for them, the raw sorts are there
    let (bytes, notes) = limited(MAX_ROWS, 100);
    assert!(notes.is_empty(), "{notes:?}");
    let mut wb = open(bytes);
    let scores = wb.worksheet_range("F1 Scores").unwrap();
    assert!(matches!(
        scores.get_value((FIRST_ROW, 4)),
        Some(Data::Float(_))
    ));
}

#[test]
fn texts_longer_than_a_cell_are_clipped() {
    let (mut r, ctx) = sample();
    r.warnings
        .push(qstudy_core::Warning::Text("é".repeat(MAX_TEXT + 10)));
    let mut wb = open(results_xlsx(&r, &ctx).unwrap());
    let overview = wb.worksheet_range("Overview").unwrap();
    let long = overview
        .rows()
        .filter_map(|row| match row.get(1) {
            Some(Data::String(s)) if s.starts_with('é') => Some(s.clone()),
            _ => None,
        })
        .next()
        .unwrap();
    assert_eq!(long.chars().count(), MAX_TEXT);
    assert!(long.ends_with('…'));
}

#[test]
fn numbers_are_grouped_by_thousands() {
    assert_eq!(grouped(0), "0");
    assert_eq!(grouped(999), "999");
    assert_eq!(grouped(16_384), "16,384");
    assert_eq!(grouped(1_048_576), "1,048,576");
}

/// A planted study of `n` sorts on a 40-statement grid, some of its ids in need of escaping.
fn planted(n: usize) -> (AnalysisResults, ReportContext) {
    use qstudy_core::synthetic::planted_study;
    use qstudy_core::validate::{ValidationOptions, validate};
    use qstudy_core::{AnalysisOptions, Grid, analyze};
    let grid: Grid = "-4:2,-3:3,-2:4,-1:6,0:10,1:6,2:4,3:3,4:2".parse().unwrap();
    let mut table = planted_study(&grid, n, 3, (0.5, 0.8), 7).table;
    let odd = [
        "a&b<c>",
        " lead",
        "tail\t",
        "_x0041_",
        "ctl\u{1}x",
        "ünï",
        "q\"uote'",
    ];
    for (id, name) in table.sort_ids.iter_mut().zip(odd) {
        *id = name.to_string();
    }
    let study = validate(&table, &ValidationOptions::default()).unwrap();
    let options = AnalysisOptions {
        factors: 3,
        ..Default::default()
    };
    let results = analyze(&study, &options).unwrap();
    let ctx = ReportContext {
        title: Some("Planted & <escaped>".to_string()),
        sorts: Some(
            table
                .values
                .iter()
                .map(|r| r.iter().map(|&v| f64::from(v)).collect())
                .collect(),
        ),
    };
    (results, ctx)
}

fn with_rows(r: &AnalysisResults, ctx: &ReportContext, rows: RowsMode) -> Vec<u8> {
    let mut bytes = std::io::Cursor::new(Vec::new());
    write_with(r, ctx, &mut bytes, EXCEL, rows).unwrap();
    bytes.into_inner()
}

/// Every part of a workbook, decompressed, by name in the archive's order.
fn parts(bytes: &[u8]) -> Vec<(String, Vec<u8>)> {
    use std::io::Read;
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    (0..zip.len())
        .map(|i| {
            let mut part = zip.by_index(i).unwrap();
            let mut content = Vec::new();
            part.read_to_end(&mut content).unwrap();
            (part.name().to_string(), content)
        })
        .collect()
}

/// `a` and `b` have the same parts; else the first difference, in context.
fn assert_same_parts(a: &[(String, Vec<u8>)], b: &[(String, Vec<u8>)]) {
    let names = |p: &[(String, Vec<u8>)]| p.iter().map(|p| p.0.clone()).collect::<Vec<_>>();
    assert_eq!(names(a), names(b));
    for ((name, x), (_, y)) in a.iter().zip(b) {
        if x != y {
            let at = x.iter().zip(y).take_while(|(p, q)| p == q).count();
            let show = |v: &[u8]| {
                String::from_utf8_lossy(&v[at.saturating_sub(150)..(at + 150).min(v.len())])
                    .into_owned()
            };
            panic!(
                "{name} differs at byte {at} ({} vs {} bytes):\n{}\n---\n{}",
                x.len(),
                y.len(),
                show(x),
                show(y)
            );
        }
    }
}

/// The spliced rows give the workbook `rust_xlsxwriter` writes with every cell: the same
/// parts, byte for byte once decompressed (ids with entities, control characters, a literal
/// `_x0041_` and edge spaces; a NaN loading; free distribution and groups sheets; a sheet
/// left out by the limits).
#[test]
fn bulk_rows_give_the_workbook_of_every_cell_written_by_rust_xlsxwriter() {
    let (mut r, ctx) = planted(150);
    r.factor_loadings[3][1] = f64::NAN;
    r.factors[0].weights[0] = f64::INFINITY;
    let reference = with_rows(&r, &ctx, RowsMode::Reference);
    let bulk = with_rows(&r, &ctx, RowsMode::Bulk);
    let (a, b) = (parts(&reference), parts(&bulk));
    assert_same_parts(&a, &b);
    let spliced = a
        .iter()
        .filter(|(name, x)| name.starts_with("xl/worksheets/") && x.len() > 10_000)
        .count();
    assert!(spliced >= 8, "{spliced} large sheets");
    // and it reads back: ids, numbers, the NaN as text
    let mut wb = open(bulk);
    let range = wb.worksheet_range("Factor Loadings").unwrap();
    assert_eq!(
        range.get_value((FIRST_ROW, 1)),
        Some(&Data::String("a&b<c>".to_string()))
    );
    assert_eq!(
        range.get_value((FIRST_ROW + 3, 4)),
        Some(&Data::String("NAN".to_string()))
    );
    assert_eq!(
        range.get_value((FIRST_ROW + 10, 2)),
        Some(&Data::Float(r.factor_loadings[10][0]))
    );

    // free distribution, groups, and the raw sorts left out of the scores by the limits
    free_with_roles(&mut r, &["a", "b", "c"]);
    let small = Limits {
        rows: 1_000,
        cols: 40,
    };
    let write = |rows| {
        let mut bytes = std::io::Cursor::new(Vec::new());
        let notes = write_with(&r, &ctx, &mut bytes, small, rows).unwrap();
        (parts(bytes.get_ref()), notes)
    };
    let (a, notes_a) = write(RowsMode::Reference);
    let (b, notes_b) = write(RowsMode::Bulk);
    assert_eq!(notes_a, notes_b);
    assert!(!notes_a.is_empty());
    assert_same_parts(&a, &b);
}

#[test]
fn large_workbooks_take_the_bulk_rows_small_ones_every_cell() {
    let (r, ctx) = sample();
    assert!(!large(&r));
    let small = results_xlsx(&r, &ctx).unwrap();
    assert_eq!(small, with_rows(&r, &ctx, RowsMode::Cells));
    let (r, ctx) = planted(1_300);
    assert!(large(&r));
    let large = results_xlsx(&r, &ctx).unwrap();
    assert_eq!(large, with_rows(&r, &ctx, RowsMode::Bulk));
    assert_same_parts(
        &parts(&large),
        &parts(&with_rows(&r, &ctx, RowsMode::Reference)),
    );
}

/// The bytes of a large workbook, whose sheets are built and compressed on rayon's pool, do
/// not depend on the number of threads.
#[test]
fn large_workbooks_do_not_depend_on_the_threads() {
    let (r, ctx) = planted(400);
    assert!(large(&r));
    let on = |threads| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap()
            .install(|| results_xlsx(&r, &ctx).unwrap())
    };
    let one = on(1);
    assert!(one == on(2));
    assert!(one == on(5));
}

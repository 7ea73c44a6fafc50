use super::*;
use crate::{read_sorts, read_sorts_from_str};
use qstudy_core::validate::{ValidationOptions, validate};

fn fixture(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures")
        .join(rel)
}

fn round_trip(dat: &str, sta: &str) {
    let loaded = read_sorts(&fixture(dat), None).unwrap();
    let study = validate(
        &loaded.table,
        &ValidationOptions {
            grid: loaded.grid.clone(),
            free_distribution: false,
        },
    )
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join(Path::new(dat).file_name().unwrap());
    let e = export(&loaded, &study, OutputFormat::Pqmethod, &out).unwrap();
    assert_eq!(e.files.len(), 2);
    assert_eq!(e.files[0].1, std::fs::read(fixture(dat)).unwrap(), "{dat}");
    assert_eq!(e.files[1].1, std::fs::read(fixture(sta)).unwrap(), "{sta}");
    assert_eq!(
        e.files[1].0.file_name(),
        Path::new(sta).file_name(),
        "the .STA is named after the .DAT"
    );
}

#[test]
fn lipset_uhh_and_koc_round_trip_byte_for_byte() {
    round_trip("lipset/LIPSET.DAT", "lipset/LIPSET.STA");
    round_trip("uhh/UHH.DAT", "uhh/UHH.STA");
    round_trip("koc/KOC.DAT", "koc/KOC.STA");
}

#[test]
fn style_of_files() {
    let lipset = std::fs::read(fixture("lipset/LIPSET.DAT")).unwrap();
    let s = PqmethodStyle::of_files(&lipset, None);
    assert_eq!(s, PqmethodStyle::default());
    let uhh_sta = std::fs::read(fixture("uhh/UHH.STA")).unwrap();
    let s = PqmethodStyle::of_files(&lipset, Some(&uhh_sta));
    assert!(!s.sta_crlf && !s.sta_final_line_end);
    assert_eq!(PqmethodStyle::of_files(b"", None), PqmethodStyle::default());
}

fn table(ids: &[&str], values: Vec<Vec<i32>>) -> SortTable {
    SortTable {
        missing: Vec::new(),
        sort_ids: ids.iter().map(|s| s.to_string()).collect(),
        statement_labels: None,
        values,
    }
}

#[test]
fn pqmethod_refusals() {
    let f = Path::new("o/x.DAT");
    let wide: Grid = "-7:1,0:1,7:1".parse().unwrap();
    let t = table(&["A", "B"], vec![vec![-7, 0, 7], vec![7, 0, -7]]);
    let e = pqmethod_dat(f, &t, &wide, None, &Default::default()).unwrap_err();
    assert_eq!(
        e.to_string(),
        "o/x.DAT: cannot write a PQMethod file: the grid -7:1,0:1,7:1 (-7..7) goes beyond PQMethod's range -6..13 (the .DAT distribution line has slots for the values -6 to 13 only); convert to csv or study instead"
    );
    let g: Grid = "-1:1,0:1,1:1".parse().unwrap();
    for (id, problem) in [
        ("ABCDEFGHI", "longer than 8"),
        ("Jos\u{e9}", "not ASCII"),
        (" A", "starts with a blank"),
        ("", "empty"),
    ] {
        let t = table(&[id], vec![vec![-1, 0, 1]]);
        let e = pqmethod_dat(f, &t, &g, None, &Default::default()).unwrap_err();
        assert!(e.to_string().contains(problem), "{e}");
        assert!(
            e.to_string().starts_with("o/x.DAT: cannot write sort id"),
            "{e}"
        );
    }
    let t = table(&["A"], vec![vec![-1, 0, 20]]);
    let e = pqmethod_dat(f, &t, &g, None, &Default::default()).unwrap_err();
    assert!(
        e.to_string().contains("statement 3 has the value 20"),
        "{e}"
    );
    let t = table(&["A"], vec![vec![-1, 0, 1]]);
    let e = pqmethod_dat(f, &t, &g, Some("a\nb"), &Default::default()).unwrap_err();
    assert!(e.to_string().contains("the title"), "{e}");
    let sta = Path::new("o/x.STA");
    let e = pqmethod_sta(sta, &["a".into(), " ".into()], &Default::default()).unwrap_err();
    assert_eq!(
        e.to_string(),
        "o/x.STA: cannot write statement 2: it has no text; a .STA needs one non-blank line per statement"
    );
    let e = pqmethod_sta(sta, &["a\nb".into()], &Default::default()).unwrap_err();
    assert!(e.to_string().contains("line break"), "{e}");
}

#[test]
fn a_pqmethod_project_is_written_whole_or_not_at_all() {
    let loaded = read_sorts(&fixture("lipset/LIPSET.DAT"), None).unwrap();
    let study = validate(&loaded.table, &Default::default()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("LIPSET.DAT");
    let e = export(&loaded, &study, OutputFormat::Pqmethod, &out).unwrap();
    // a directory where the .STA goes: refused, and the .DAT is not written either
    std::fs::create_dir(dir.path().join("LIPSET.STA")).unwrap();
    let err = write_export(&e, true).unwrap_err();
    assert!(err.to_string().contains("LIPSET.STA"), "{err}");
    assert!(!out.exists());
    std::fs::remove_dir(dir.path().join("LIPSET.STA")).unwrap();
    // a missing directory is created
    let deeper = dir.path().join("a/b/LIPSET.DAT");
    let e = export(&loaded, &study, OutputFormat::Pqmethod, &deeper).unwrap();
    assert_eq!(write_export(&e, false).unwrap().paths.len(), 2);
    assert!(dir.path().join("a/b/LIPSET.STA").is_file());
}

#[test]
fn csv_round_trip_and_study_export() {
    let loaded = read_sorts(&fixture("lipset/LIPSET.DAT"), None).unwrap();
    let csv = qmethod_csv(&loaded.table);
    let back = read_sorts_from_str(&csv, "x.csv", InputFormat::QmethodCsv).unwrap();
    assert_eq!(back.table, loaded.table);
    let study = validate(&loaded.table, &Default::default()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("lipset-study");
    let e = export(&loaded, &study, OutputFormat::Study, &out).unwrap();
    let written = write_export(&e, false).unwrap();
    assert_eq!(
        written.paths.len(),
        3,
        "no participants file without attributes"
    );
    assert_eq!(written.warnings, []);
    let again = read_sorts(&out, None).unwrap();
    assert_eq!(again.table.values, loaded.table.values);
    assert_eq!(again.table.sort_ids, loaded.table.sort_ids);
    assert_eq!(again.table.statement_labels, loaded.table.statement_labels);
    assert_eq!(again.title, loaded.title);
    // Refuses to overwrite without force; overwrites with it.
    let e2 = export(&loaded, &study, OutputFormat::Study, &out).unwrap();
    let err = write_export(&e2, false).unwrap_err();
    assert!(
        err.to_string()
            .ends_with("already exists; give --force to overwrite it")
    );
    write_export(&e2, true).unwrap();
    // A .DAT target needs a .dat name.
    let err = export(
        &loaded,
        &study,
        OutputFormat::Pqmethod,
        &dir.path().join("x.csv"),
    )
    .unwrap_err();
    assert!(
        err.to_string().contains("expected a .DAT file name"),
        "{err}"
    );
}

#[test]
fn output_format_names() {
    assert_eq!("DAT".parse::<OutputFormat>(), Ok(OutputFormat::Pqmethod));
    assert_eq!("qmethod".parse::<OutputFormat>(), Ok(OutputFormat::Csv));
    assert_eq!("Study".parse::<OutputFormat>(), Ok(OutputFormat::Study));
    assert_eq!(
        "xls".parse::<OutputFormat>().unwrap_err().to_string(),
        "unknown output format 'xls' (expected pqmethod, csv or study)"
    );
    for f in [
        OutputFormat::Pqmethod,
        OutputFormat::Csv,
        OutputFormat::Study,
    ] {
        assert_eq!(f.to_string().parse::<OutputFormat>(), Ok(f));
    }
}

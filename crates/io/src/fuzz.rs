//! Property tests on arbitrary input for every reader (`docs/fuzzing.md`): whatever the bytes,
//! a reader returns `Ok` or a one-line error that starts with the file name; never a panic.
//! The semantic messages of [`crate::LoadedSorts::describe`] on whatever was read obey the same
//! rule. The number of cases per property is proptest's (`PROPTEST_CASES`, 256 by default, set
//! lower here so that `cargo test` stays quick); a longer campaign raises it.

use proptest::prelude::*;
use qstudy_core::validate::{ValidationOptions, validate_all};

use crate::{InputFormat, read_sorts, read_sorts_from_bytes};

/// Cases per property in an ordinary `cargo test`; `PROPTEST_CASES` overrides it.
fn cases(default: u32) -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(default);
    ProptestConfig {
        cases,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

fn fixture(rel: &str) -> Vec<u8> {
    std::fs::read(crate::fixture(rel)).unwrap_or_default()
}

/// Real files in every format, to mutate.
fn seeds() -> Vec<(&'static str, Vec<u8>)> {
    vec![
        ("x.DAT", fixture("lipset/LIPSET.DAT")),
        ("x.DAT", fixture("uhh/UHH.DAT")),
        ("x.csv", fixture("lipset/lipset_sorts.csv")),
        ("x.csv", fixture("cegebe/htmlq_export.csv")),
        ("x.csv", fixture("apse-2023/sorts.csv")),
        ("x.csv", fixture("redu-fut/qsorts.csv")),
        (
            "x.json",
            br#"{"-La": {"sort": "1|0|-1", "uid": "u", "comment1": "x"}, "-Lb": {"sort": "-1|0|1", "npos": 2}}"#
                .to_vec(),
        ),
        ("x.xlsx", small_workbook(&[&["id", "1", "2", "3"], &["P1", "1", "0", "-1"], &["P2", "-1", "0", "1"]])),
    ]
}

/// A workbook with one `sorts` sheet of the given cells (numbers written as numbers).
fn small_workbook(rows: &[&[&str]]) -> Vec<u8> {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    let _ = ws.set_name("sorts");
    for (r, row) in rows.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            let (r, c) = (r as u32, c as u16);
            let _ = match cell.parse::<f64>() {
                Ok(n) => ws.write_number(r, c, n),
                Err(_) => ws.write_string(r, c, *cell),
            };
        }
    }
    wb.save_to_buffer().unwrap_or_default()
}

/// The rule every outcome obeys.
fn check(result: Result<crate::LoadedSorts, crate::ReadError>, name: &str) {
    match result {
        Ok(l) => {
            for e in validate_all(&l.table, &ValidationOptions::default()) {
                let msg = l.describe(&e);
                assert!(msg.starts_with(&format!("{name}: ")), "{msg}");
                assert!(!msg.contains('\n'), "{msg}");
            }
            let _ = l.participants();
        }
        Err(e) => {
            let msg = e.to_string();
            assert!(msg.starts_with(&format!("{name}: ")), "{msg}");
            assert!(!msg.contains('\n') && !msg.contains('\r'), "{msg}");
        }
    }
}

/// Every reader, forced and by detection.
fn read_all_ways(bytes: &[u8]) {
    for format in InputFormat::ALL {
        check(read_sorts_from_bytes(bytes, "fuzz", Some(format)), "fuzz");
    }
    for name in ["fuzz.csv", "fuzz.tsv", "fuzz.json", "fuzz.xlsx", "fuzz.dat"] {
        check(read_sorts_from_bytes(bytes, name, None), name);
    }
}

/// Bytes drawn mostly from what Q-sort files are made of.
fn qsort_bytes() -> impl Strategy<Value = Vec<u8>> {
    let alphabet: &[u8] = b"0123456789 -+,;|\t\r\n\"'{}[]:sidu.xAZ\xef\xbb\xbf\xe9\x1a";
    prop::collection::vec(prop::sample::select(alphabet.to_vec()), 0..300)
}

/// A real file with a few bytes replaced, inserted, removed, or cut short.
fn mutated() -> impl Strategy<Value = (usize, Vec<u8>)> {
    let n = seeds().len();
    (
        0..n,
        prop::collection::vec((any::<u16>(), 0u8..4, any::<u8>()), 1..6),
    )
        .prop_map(|(i, edits)| {
            let seeds = seeds();
            let mut b = seeds.get(i).map(|(_, b)| b.clone()).unwrap_or_default();
            for (at, op, byte) in edits {
                let at = usize::from(at) % (b.len() + 1);
                match op {
                    0 if at < b.len() => b[at] = byte,
                    1 => b.insert(at, byte),
                    2 if at < b.len() => {
                        b.remove(at);
                    }
                    3 => b.truncate(at),
                    _ => {}
                }
            }
            (i, b)
        })
}

proptest! {
    #![proptest_config(cases(96))]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
        read_all_ways(&bytes);
    }

    #[test]
    fn qsort_like_bytes_never_panic(bytes in qsort_bytes()) {
        read_all_ways(&bytes);
    }

    #[test]
    fn mutated_real_files_never_panic((i, bytes) in mutated()) {
        let seeds = seeds();
        let name = seeds.get(i).map_or("fuzz.csv", |(n, _)| *n);
        check(read_sorts_from_bytes(&bytes, name, None), name);
        read_all_ways(&bytes);
    }

    #[test]
    fn arbitrary_workbook_cells_never_panic(
        cells in prop::collection::vec(
            prop::collection::vec(
                prop_oneof!["-?[0-9]{1,2}", "[a-zA-Z ]{0,6}", "(id|sid|uid|s[0-9]|[0-9])"],
                0..6,
            ),
            0..6,
        )
    ) {
        let rows: Vec<Vec<&str>> = cells.iter().map(|r| r.iter().map(String::as_str).collect()).collect();
        let rows: Vec<&[&str]> = rows.iter().map(Vec::as_slice).collect();
        let bytes = small_workbook(&rows);
        check(read_sorts_from_bytes(&bytes, "fuzz.xlsx", None), "fuzz.xlsx");
    }
}

proptest! {
    #![proptest_config(cases(24))]

    /// The files read from disk: a `.DAT` with a fuzzed `.STA` beside it, and a study
    /// directory with fuzzed statements, sorts and participants files.
    #[test]
    fn files_on_disk_never_panic(sta in qsort_bytes(), sorts in qsort_bytes(), which in 0usize..3) {
        let dir = tempfile::tempdir().unwrap();
        let dat = dir.path().join("T.DAT");
        std::fs::write(&dat, fixture("lipset/LIPSET.DAT")).unwrap();
        std::fs::write(dir.path().join("T.STA"), &sta).unwrap();
        // The message names the .DAT or, for a .STA problem, the .STA: both in `dir`.
        match read_sorts(&dat, None) {
            Ok(l) => check(Ok(l), &dat.display().to_string()),
            Err(e) => {
                let msg = e.to_string();
                assert!(msg.starts_with(&dir.path().join("T.").display().to_string()), "{msg}");
                assert!(!msg.contains('\n'), "{msg}");
            }
        }

        let study = dir.path().join("study");
        std::fs::create_dir(&study).unwrap();
        for f in ["study.toml", "statements.csv", "sorts.csv", "participants.csv"] {
            std::fs::write(study.join(f), fixture(&format!("apse-2023/{f}"))).unwrap();
        }
        let target = ["statements.csv", "sorts.csv", "participants.csv"][which];
        std::fs::write(study.join(target), &sorts).unwrap();
        match read_sorts(&study, None) {
            Ok(l) => check(Ok(l), &study.join("sorts.csv").display().to_string()),
            Err(e) => {
                let msg = e.to_string();
                assert!(msg.starts_with(&study.display().to_string()), "{msg}");
                assert!(!msg.contains('\n'), "{msg}");
            }
        }
    }
}

//! The checks run on every input by the fuzz targets (`fuzz/`, cargo-fuzz) and by the stable
//! regression test that replays the inputs they found (`tests/it/fuzz_regressions.rs`, the files
//! under `fixtures/fuzz/`). Each function reads `bytes` as one kind of input and panics when
//! a reader breaks a rule: a panic inside a reader, an error that is not one line or does not
//! start with the file's name, or a table that is read but whose validation messages break
//! the same rule. See `docs/fuzzing.md`.
//!
//! ```
//! qstudy_io::harness::csv(b"A,B\n1,-1\n-1,1\n");
//! qstudy_io::harness::study_toml(b"title = \"t\"\ngrid = \"-1:1,1:1\"\nstatements = \"/etc/passwd\"\nsorts = \"sorts.csv\"\n");
//! ```

use std::path::Path;

use crate::{InputFormat, LoadedSorts, ReadError, read_sorts, read_sorts_from_bytes};

pub mod workbook;

/// Checks a reader's result: errors and validation messages are one line naming the file,
/// also once incomplete sorts are left out (the selection and the checks after it).
fn check(result: Result<LoadedSorts, ReadError>, file: &str) {
    match result {
        Ok(loaded) => {
            for e in qstudy_core::validate::validate_all(&loaded.table, &Default::default()) {
                let msg = loaded.describe(&e);
                assert!(!msg.contains('\n'), "multi-line message: {msg}");
            }
            let drop = qstudy_core::select::Selection {
                drop_incomplete: true,
                ..Default::default()
            };
            for selection in [Default::default(), drop] {
                let checked = crate::select_sorts(&loaded, &selection).and_then(|(kept, _)| {
                    crate::validate_loaded(kept.as_ref().unwrap_or(&loaded), None, false)
                });
                if let Err(e) = checked {
                    let msg = e.to_string();
                    assert!(!msg.contains('\n'), "multi-line message: {msg}");
                    assert!(msg.starts_with(file), "message does not name {file}: {msg}");
                }
            }
        }
        Err(e) => {
            let msg = e.to_string();
            assert!(!msg.contains('\n'), "multi-line error: {msg}");
            assert!(msg.starts_with(file), "error does not name {file}: {msg}");
        }
    }
}

/// A CSV file: told apart by content, then read in each CSV layout explicitly.
pub fn csv(bytes: &[u8]) {
    check(read_sorts_from_bytes(bytes, "fuzz.csv", None), "fuzz.csv");
    for format in [
        InputFormat::QmethodCsv,
        InputFormat::CsvRows,
        InputFormat::Htmlq,
    ] {
        check(
            read_sorts_from_bytes(bytes, "fuzz.csv", Some(format)),
            "fuzz.csv",
        );
    }
}

/// An EQ Web Sort CSV export: told apart by content, then read as a Netlify and a Google
/// Sheets export explicitly, with the default ids and with `partId` as the id column.
pub fn eqwebsort(bytes: &[u8]) {
    check(read_sorts_from_bytes(bytes, "fuzz.csv", None), "fuzz.csv");
    for format in [InputFormat::NetlifyCsv, InputFormat::SheetsCsv] {
        for id_column in [None, Some("partId")] {
            check(
                crate::dispatch::parse_bytes(
                    bytes,
                    Path::new("fuzz.csv"),
                    format,
                    false,
                    id_column,
                ),
                "fuzz.csv",
            );
        }
    }
}

/// A statements file: read as HTMLQ's `statements.xml` and as text, one statement per line;
/// then given to a table of two sorts, as `--statements` does.
pub fn statements(bytes: &[u8]) {
    for (name, xml) in [("fuzz.xml", true), ("fuzz.txt", false)] {
        match crate::statements::parse_statements(bytes, Path::new(name), xml) {
            Ok(statements) => assert!(statements.iter().all(|s| !s.text.is_empty() && s.id > 0)),
            Err(e) => {
                let msg = e.to_string();
                assert!(!msg.contains('\n'), "multi-line error: {msg}");
                assert!(msg.starts_with(name), "error does not name {name}: {msg}");
            }
        }
    }
    if let Ok(dir) = tempfile::tempdir() {
        let (sorts, file) = (dir.path().join("s.csv"), dir.path().join("fuzz.xml"));
        if std::fs::write(&sorts, "A,B\n1,-1\n-1,1\n0,0\n").is_ok()
            && std::fs::write(&file, bytes).is_ok()
        {
            let options = crate::ReadOptions {
                statements: Some(file.clone()),
                ..Default::default()
            };
            if let Err(e) = crate::read_sorts_with(&sorts, None, &options) {
                let msg = e.to_string();
                assert!(!msg.contains('\n'), "multi-line error: {msg}");
                assert!(msg.starts_with(&file.display().to_string()), "{msg}");
            }
        }
    }
}

/// An easy-htmlq / EQ Web Sort JSON file.
pub fn json(bytes: &[u8]) {
    check(read_sorts_from_bytes(bytes, "fuzz.json", None), "fuzz.json");
}

/// An XLSX workbook: the bytes themselves when they start with `PK` (a zip archive's
/// signature), else the workbook [`workbook::inflated`] builds from them (one part replaced by
/// a piece of text repeated up to megabytes, to reach the limits of the parts' unpacked
/// sizes).
pub fn xlsx(bytes: &[u8]) {
    if bytes.starts_with(b"PK") {
        check(read_sorts_from_bytes(bytes, "fuzz.xlsx", None), "fuzz.xlsx");
    } else {
        let built = workbook::inflated(bytes);
        check(
            read_sorts_from_bytes(&built, "fuzz.xlsx", None),
            "fuzz.xlsx",
        );
    }
}

/// The files of an upload to the workbench (`qstudy_serve::load::open_upload`), from a fuzz
/// input: records of a name length (1 byte), the name (lossy UTF-8), a content length (4
/// bytes, little endian) and the content, each length cut to the bytes left. A file named
/// `*.xlsx` whose content does not start with `PK` is the workbook [`workbook::inflated`]
/// builds from it.
pub fn upload_files(bytes: &[u8]) -> Vec<(String, Vec<u8>)> {
    let mut files = Vec::new();
    let mut rest = bytes;
    while let Some((&n, after)) = rest.split_first() {
        let (name, after) = after.split_at(usize::from(n).min(after.len()));
        let (len, after) = match after.split_first_chunk::<4>() {
            Some((len, after)) => (u32::from_le_bytes(*len) as usize, after),
            None => (after.len(), &after[after.len()..]),
        };
        let (data, after) = after.split_at(len.min(after.len()));
        let name = String::from_utf8_lossy(name).into_owned();
        let data = if name.ends_with(".xlsx") && !data.starts_with(b"PK") {
            workbook::inflated(data)
        } else {
            data.to_vec()
        };
        files.push((name, data));
        rest = after;
    }
    files
}

/// The bytes of a fuzz input for [`upload_files`] (its inverse, for files not built).
pub fn upload_input(files: &[(&str, &[u8])]) -> Vec<u8> {
    let mut v = Vec::new();
    for (name, data) in files {
        v.push(name.len() as u8);
        v.extend_from_slice(&name.as_bytes()[..usize::from(name.len() as u8)]);
        v.extend_from_slice(&(data.len() as u32).to_le_bytes());
        v.extend_from_slice(data);
    }
    v
}

/// Checks an error of the workbench's upload (`qstudy_serve::load::open_upload`): one line.
pub fn upload_error(message: &str) {
    assert!(!message.contains('\n'), "multi-line error: {message}");
}

/// A PQMethod project: the bytes up to the first NUL are the `.DAT`, those after it (if any)
/// the `.STA` beside it; both are written to a fresh directory and read from there.
pub fn pqmethod(bytes: &[u8]) {
    if let Ok(dir) = tempfile::tempdir() {
        pqmethod_in(dir.path(), bytes);
    }
}

/// [`pqmethod`] in an existing scratch directory (emptied of the files it writes first).
pub fn pqmethod_in(scratch: &Path, bytes: &[u8]) {
    let (dat, sta) = match bytes.iter().position(|&b| b == 0) {
        Some(i) => (&bytes[..i], Some(&bytes[i + 1..])),
        None => (bytes, None),
    };
    check(read_sorts_from_bytes(dat, "fuzz.dat", None), "fuzz.dat");
    let path = scratch.join("FUZZ.DAT");
    let sta_path = scratch.join("FUZZ.STA");
    let _ = std::fs::remove_file(&sta_path);
    let written = std::fs::write(&path, dat)
        .and_then(|()| sta.map_or(Ok(()), |s| std::fs::write(&sta_path, s)));
    if written.is_ok() {
        let shown = scratch.display().to_string();
        check(read_sorts(&path, None), &shown);
    }
}

/// The files of a small valid study, for [`study_toml`] and [`study_csv`].
const STATEMENTS: &[u8] = b"id,text\n1,one\n2,two\n3,three\n";
const SORTS: &[u8] = b"id,1,2,3\nA,-1,0,1\nB,1,0,-1\nC,0,1,-1\n";
const PARTICIPANTS: &[u8] = b"id,role\nA,x\nB,y\nC,z\n";
const MANIFEST: &[u8] = b"title = \"t\"\ngrid = \"-1:1,0:1,1:1\"\nstatements = \"statements.csv\"\nsorts = \"sorts.csv\"\nparticipants = \"participants.csv\"\n";

fn study(d: &Path, manifest: &[u8], statements: &[u8], sorts: &[u8], participants: &[u8]) {
    let study = d.join("study");
    let fresh = std::fs::create_dir(&study).is_ok();
    let files = [
        ("study.toml", manifest),
        ("statements.csv", statements),
        ("sorts.csv", sorts),
        ("participants.csv", participants),
    ];
    // The constant files are written once per scratch directory (the readers never change
    // them), the fuzzed ones every time.
    let constant = |bytes: &[u8]| {
        [MANIFEST, STATEMENTS, SORTS, PARTICIPANTS]
            .iter()
            .any(|c| std::ptr::eq(*c, bytes))
    };
    let written = files
        .iter()
        .filter(|(_, bytes)| fresh || !constant(bytes))
        .try_for_each(|(name, bytes)| std::fs::write(study.join(name), bytes));
    // A file outside the study that a manifest may try to name: never read, never quoted.
    let secret = if fresh {
        std::fs::write(d.join("secret.csv"), b"id,text\nhunter2-secret,x\n")
    } else {
        Ok(())
    };
    if written.is_err() || secret.is_err() {
        return;
    }
    let result = read_sorts(&study, None);
    if let Err(e) = &result {
        let msg = e.to_string();
        assert!(
            !msg.contains("hunter2"),
            "quotes a file outside the study: {msg}"
        );
    }
    check(result, &d.display().to_string());
}

/// A `study.toml` (with valid statements, sorts and participants files beside it).
pub fn study_toml(bytes: &[u8]) {
    if let Ok(dir) = tempfile::tempdir() {
        study_toml_in(dir.path(), bytes);
    }
}

/// [`study_toml`] in an existing scratch directory (its files are overwritten).
pub fn study_toml_in(scratch: &Path, bytes: &[u8]) {
    study(scratch, bytes, STATEMENTS, SORTS, PARTICIPANTS);
}

/// A study's CSV files under a valid manifest: the bytes are split at NUL bytes into
/// `statements.csv`, `sorts.csv` and `participants.csv` (missing parts are empty).
pub fn study_csv(bytes: &[u8]) {
    if let Ok(dir) = tempfile::tempdir() {
        study_csv_in(dir.path(), bytes);
    }
}

/// [`study_csv`] in an existing scratch directory (its files are overwritten).
pub fn study_csv_in(scratch: &Path, bytes: &[u8]) {
    let mut parts = bytes.splitn(3, |&b| b == 0);
    let statements = parts.next().unwrap_or_default();
    let sorts = parts.next().unwrap_or_default();
    let participants = parts.next().unwrap_or_default();
    study(scratch, MANIFEST, statements, sorts, participants);
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_valid_study_reads() {
        let dir = tempfile::tempdir().unwrap();
        for (name, bytes) in [
            ("study.toml", super::MANIFEST),
            ("statements.csv", super::STATEMENTS),
            ("sorts.csv", super::SORTS),
            ("participants.csv", super::PARTICIPANTS),
        ] {
            std::fs::write(dir.path().join(name), bytes).unwrap();
        }
        let l = crate::read_study(dir.path()).unwrap();
        assert_eq!(l.table.sort_ids, ["A", "B", "C"]);
    }
}

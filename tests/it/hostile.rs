//! Hostile input and the user's files (issue 12): one test per finding, each making its own
//! input. Every bad input ends with exit 3 and one error line naming the file and the place;
//! nothing panics, aborts or hangs; `--force` never deletes a file qstudy did not write; no
//! CSV cell starts with a live formula.

use std::io::Write as _;
use std::path::Path;

use support::{Run, qstudy};

/// The `error: ` lines of a run.
fn errors(run: &Run) -> Vec<&str> {
    run.stderr
        .lines()
        .filter(|l| l.starts_with("error: "))
        .collect()
}

/// Asserts exit 3 with exactly one error line containing every needle; returns it.
fn refused(run: &Run, needles: &[&str]) -> String {
    assert_eq!(run.code, 3, "exit 3 expected: {}", run.stderr);
    let e = errors(run);
    assert_eq!(e.len(), 1, "one error line: {}", run.stderr);
    for n in needles {
        assert!(e[0].contains(n), "'{n}' not in: {}", e[0]);
    }
    e[0].to_string()
}

// --- Workbooks: a far-away cell ---------------------------------------------------------------

/// CRC-32 (IEEE), for the stored zip below.
fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in bytes {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// A zip archive of `files`, stored (not compressed).
fn stored_zip(files: &[(&str, String)]) -> Vec<u8> {
    let (mut out, mut central) = (Vec::new(), Vec::new());
    for (name, text) in files {
        let (data, offset) = (text.as_bytes(), out.len() as u32);
        let (crc, size) = (crc32(data), data.len() as u32);
        let common = |v: &mut Vec<u8>| {
            v.extend_from_slice(&[20, 0, 0, 0, 0, 0, 0, 0, 0, 0]); // version, flags, stored, time, date
            v.extend_from_slice(&crc.to_le_bytes());
            v.extend_from_slice(&size.to_le_bytes());
            v.extend_from_slice(&size.to_le_bytes());
            v.extend_from_slice(&(name.len() as u16).to_le_bytes());
            v.extend_from_slice(&0u16.to_le_bytes()); // extra
        };
        out.extend_from_slice(b"PK\x03\x04");
        common(&mut out);
        out.extend_from_slice(name.as_bytes());
        out.extend_from_slice(data);
        central.extend_from_slice(b"PK\x01\x02\x14\x00");
        common(&mut central);
        central.extend_from_slice(&[0; 6]); // comment length, disk, internal attributes
        central.extend_from_slice(&[0; 4]); // external attributes
        central.extend_from_slice(&offset.to_le_bytes());
        central.extend_from_slice(name.as_bytes());
    }
    let (at, len, n) = (out.len() as u32, central.len() as u32, files.len() as u16);
    out.extend_from_slice(&central);
    out.extend_from_slice(b"PK\x05\x06\0\0\0\0");
    out.extend_from_slice(&n.to_le_bytes());
    out.extend_from_slice(&n.to_le_bytes());
    out.extend_from_slice(&len.to_le_bytes());
    out.extend_from_slice(&at.to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes());
    out
}

/// A one-sheet workbook whose sheet XML holds `cells` (`(reference, value)`), as KADE's are.
fn workbook(cells: &[(&str, &str)]) -> Vec<u8> {
    let mut sheet = String::from(
        r#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row>"#,
    );
    for (r, v) in cells {
        match v.parse::<f64>() {
            Ok(_) => sheet.push_str(&format!(r#"<c r="{r}"><v>{v}</v></c>"#)),
            Err(_) => sheet.push_str(&format!(
                r#"<c r="{r}" t="inlineStr"><is><t>{v}</t></is></c>"#
            )),
        }
    }
    sheet.push_str("</row></sheetData></worksheet>");
    let ns = "http://schemas.openxmlformats.org";
    stored_zip(&[
        (
            "[Content_Types].xml",
            format!(
                r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="{ns}/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/></Types>"#
            ),
        ),
        (
            "_rels/.rels",
            format!(
                r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{ns}/package/2006/relationships"><Relationship Id="rId1" Type="{ns}/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#
            ),
        ),
        (
            "xl/workbook.xml",
            format!(
                r#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{ns}/spreadsheetml/2006/main" xmlns:r="{ns}/officeDocument/2006/relationships"><sheets><sheet name="sorts" sheetId="1" r:id="rId1"/></sheets></workbook>"#
            ),
        ),
        (
            "xl/_rels/workbook.xml.rels",
            format!(
                r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{ns}/package/2006/relationships"><Relationship Id="rId1" Type="{ns}/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#
            ),
        ),
        ("xl/worksheets/sheet1.xml", sheet),
    ])
}

const SORT_CELLS: [(&str, &str); 8] = [
    ("A1", "id"),
    ("B1", "1"),
    ("C1", "2"),
    ("D1", "3"),
    ("A2", "P1"),
    ("B2", "-1"),
    ("C2", "0"),
    ("D2", "1"),
];

#[test]
fn a_workbook_cell_far_away_is_an_error_not_an_abort() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("kade.xlsx");
    // The workbook itself reads (cells given one by one, no dense range).
    let mut cells = SORT_CELLS.to_vec();
    cells.extend([("A3", "P2"), ("B3", "1"), ("C3", "0"), ("D3", "-1")]);
    std::fs::write(&file, workbook(&cells)).unwrap();
    let run = qstudy(&["validate", file.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    // Cells beyond Excel's last row and column: calamine's dense range of them was ~1.4 TB.
    for far in ["XFD4000000", "ZZZZZ1", "A4294967295"] {
        let mut cells = SORT_CELLS.to_vec();
        cells.push((far, "1"));
        std::fs::write(&file, workbook(&cells)).unwrap();
        let run = qstudy(&["validate", file.to_str().unwrap()]);
        let e = refused(&run, &["kade.xlsx", "sheet 'sorts'"]);
        assert!(
            e.contains("beyond Excel's last row") || e.contains("cannot be read"),
            "{e}"
        );
    }
    // Within Excel's limits, the last cell of the sheet: read without a dense range, and the
    // stray value is reported at its place.
    let mut cells = SORT_CELLS.to_vec();
    cells.push(("XFD1048576", "1"));
    std::fs::write(&file, workbook(&cells)).unwrap();
    let run = qstudy(&["validate", file.to_str().unwrap()]);
    refused(&run, &["kade.xlsx", "line 1048576"]);
}

// --- A 100,000-column header ------------------------------------------------------------------

#[test]
fn a_wide_participant_rows_header_is_read_in_linear_time() {
    // Quadratic before: 2.2 s at 100,000 columns, ~9 s at 200,000 (docs/performance.md has the
    // timing now; tests hold no timed assertion).
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("wide.csv");
    let n = 200_000;
    let mut text = String::from("id");
    for s in 1..=n {
        text.push_str(&format!(",{s}"));
    }
    text.push('\n');
    for (id, sign) in [("P1", 1), ("P2", -1)] {
        text.push_str(id);
        for s in 0..n {
            text.push_str(&format!(",{}", if s % 2 == 0 { sign } else { -sign }));
        }
        text.push('\n');
    }
    std::fs::write(&file, text).unwrap();
    let run = qstudy(&["validate", file.to_str().unwrap(), "--free-distribution"]);
    // Read (2 sorts of 200,000 statements); whatever validation says, no panic or hang.
    assert!(run.code == 0 || run.code == 3, "{}", run.stderr);
    assert!(errors(&run).len() <= 1, "{}", run.stderr);
}

// --- Study files confined to the study directory ---------------------------------------------

const SORTS: &str = "id,1,2,3\nA,-1,0,1\nB,1,0,-1\nC,0,1,-1\n";
const STATEMENTS: &str = "id,text\n1,one\n2,two\n3,three\n";

/// A study in `root/study` whose manifest names `statements` as its statements file.
fn study(root: &Path, statements: &str) -> std::path::PathBuf {
    let s = root.join("study");
    std::fs::create_dir_all(&s).unwrap();
    std::fs::write(
        s.join("study.toml"),
        format!(
            "title = \"t\"\ngrid = \"-1:1,0:1,1:1\"\n\nstatements = {statements:?}\nsorts = \"sorts.csv\"\n"
        ),
    )
    .unwrap();
    std::fs::write(s.join("sorts.csv"), SORTS).unwrap();
    std::fs::write(s.join("statements.csv"), STATEMENTS).unwrap();
    s
}

#[test]
fn study_files_outside_the_study_are_refused_and_never_quoted() {
    let root = tempfile::tempdir().unwrap();
    let secret = root.path().join("secret.csv");
    std::fs::write(&secret, "id,text\nhunter2-secret-token,x\n").unwrap();
    let cases = [
        ("/etc/passwd".to_string(), "absolute"),
        (secret.to_string_lossy().into_owned(), "absolute"),
        (
            "../secret.csv".to_string(),
            "leads out of the study directory",
        ),
        ("../../x".to_string(), "leads out of the study directory"),
        (
            "sub/../../secret.csv".to_string(),
            "leads out of the study directory",
        ),
        (".".to_string(), "the study directory itself"),
        ("".to_string(), "empty"),
    ];
    for (name, why) in cases {
        let s = study(root.path(), &name);
        let run = qstudy(&["validate", s.to_str().unwrap()]);
        let e = refused(&run, &["study.toml: line 4: statements = ", why]);
        assert!(!e.contains("hunter2"), "{e}");
    }
    // A symbolic link inside the study that points outside it.
    #[cfg(unix)]
    {
        let s = study(root.path(), "link.csv");
        let _ = std::fs::remove_file(s.join("link.csv"));
        std::os::unix::fs::symlink(&secret, s.join("link.csv")).unwrap();
        let run = qstudy(&["validate", s.to_str().unwrap()]);
        let e = refused(&run, &["study.toml: line 4", "outside the study directory"]);
        assert!(!e.contains("hunter2"), "{e}");
        // One that points inside it is followed.
        let _ = std::fs::remove_file(s.join("link.csv"));
        std::os::unix::fs::symlink(s.join("statements.csv"), s.join("link.csv")).unwrap();
        let run = qstudy(&["validate", s.to_str().unwrap()]);
        assert_eq!(run.code, 0, "{}", run.stderr);
    }
}

#[cfg(unix)]
#[test]
fn devices_pipes_and_directories_are_refused_without_reading() {
    let root = tempfile::tempdir().unwrap();
    // A study naming /dev/zero through a link inside it, a FIFO and a directory.
    let s = study(root.path(), "zero.csv");
    std::os::unix::fs::symlink("/dev/zero", s.join("zero.csv")).unwrap();
    let run = qstudy(&["validate", s.to_str().unwrap()]);
    refused(&run, &["study.toml: line 4", "outside the study directory"]);

    let fifo = s.join("fifo.csv");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status();
    if made.is_ok_and(|st| st.success()) {
        let s = study(root.path(), "fifo.csv");
        let run = qstudy(&["validate", s.to_str().unwrap()]);
        refused(
            &run,
            &[
                "study.toml: line 4",
                "named pipe",
                "expected a regular file",
            ],
        );
        // A FIFO given on the command line as a file.
        let run = qstudy(&["validate", fifo.to_str().unwrap()]);
        refused(
            &run,
            &["fifo.csv: is a named pipe (FIFO); expected a regular file"],
        );
    }
    std::fs::create_dir(s.join("adir")).unwrap();
    let s = study(root.path(), "adir");
    let run = qstudy(&["validate", s.to_str().unwrap()]);
    refused(
        &run,
        &[
            "study.toml: line 4",
            "is a directory; expected a regular file",
        ],
    );

    // Devices given on the command line.
    let run = qstudy(&["validate", "/dev/zero", "--format", "csv"]);
    refused(&run, &["/dev/zero: is a device; expected a regular file"]);
    let run = qstudy(&["validate", "/dev/null", "--format", "pqmethod"]);
    refused(&run, &["/dev/null: is a device"]);
}

#[test]
fn a_file_above_the_size_limit_is_refused_before_it_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("huge.csv");
    // A sparse file: no disk space is used.
    let f = std::fs::File::create(&file).unwrap();
    f.set_len(qstudy_io::limits::MAX_INPUT_BYTES + 1).unwrap();
    drop(f);
    let run = qstudy(&["validate", file.to_str().unwrap()]);
    refused(
        &run,
        &["huge.csv: the file is 1073741825 bytes, above the limit of 1073741824 bytes"],
    );
}

// --- --force keeps the user's files -----------------------------------------------------------

fn analyze(input: &Path, out: &Path, extra: &[&str]) -> Run {
    let mut args = vec![
        "analyze".to_string(),
        input.to_string_lossy().into_owned(),
        "--factors".into(),
        "2".into(),
        "--no-plots".into(),
        "--out".into(),
        out.to_string_lossy().into_owned(),
    ];
    args.extend(extra.iter().map(|s| s.to_string()));
    qstudy(&args)
}

#[test]
fn force_never_deletes_a_file_the_user_put_in_the_output_directory() {
    let dir = tempfile::tempdir().unwrap();
    let input = Path::new(&support::fixture("lipset/LIPSET.DAT")).to_path_buf();
    let out = dir.path().join("out");
    assert_eq!(analyze(&input, &out, &[]).code, 0);
    std::fs::write(out.join("notes.txt"), "my interview notes").unwrap();
    let run = analyze(&input, &out, &["--force"]);
    assert_eq!(run.code, 5, "{}", run.stderr);
    let e = errors(&run);
    assert_eq!(e.len(), 1, "{}", run.stderr);
    assert!(
        e[0].contains("not replaced, even with --force")
            && e[0].contains("\"notes.txt\"")
            && e[0].contains(&*out.to_string_lossy()),
        "{}",
        e[0]
    );
    assert_eq!(
        std::fs::read_to_string(out.join("notes.txt")).unwrap(),
        "my interview notes"
    );
    assert!(
        out.join("results.json").is_file(),
        "the old output is intact"
    );
    // Without the foreign file, --force replaces the output (the README's main command).
    std::fs::remove_file(out.join("notes.txt")).unwrap();
    let run = analyze(&input, &out, &["--force"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
}

// --- CSV injection ----------------------------------------------------------------------------

#[test]
fn no_csv_table_cell_starts_with_a_live_formula() {
    let dir = tempfile::tempdir().unwrap();
    let s = dir.path().join("study");
    std::fs::create_dir(&s).unwrap();
    std::fs::write(
        s.join("study.toml"),
        "title = \"t\"\ngrid = \"-2:1,-1:2,0:3,1:2,2:1\"\nstatements = \"statements.csv\"\nsorts = \"sorts.csv\"\nparticipants = \"participants.csv\"\n",
    )
    .unwrap();
    let texts = [
        "=1+1",
        "=HYPERLINK(\"http://evil.example\",\"click\")",
        "+SUM(A1:A2)",
        "-2+3",
        "@cmd",
        "\tTab first",
        "\rCR first",
        "plain",
        "-5",
    ];
    let mut st = String::from("id,text\n");
    for (i, t) in texts.iter().enumerate() {
        st.push_str(&format!("{},\"{}\"\n", i + 1, t.replace('"', "\"\"")));
    }
    std::fs::write(s.join("statements.csv"), st).unwrap();
    let ids = ["=1+1", "@SUM(1)", "+x", "-y", "P5", "P6", "P7", "P8"];
    let rows = [
        [-2, -1, -1, 0, 0, 0, 1, 1, 2],
        [2, 1, 1, 0, 0, 0, -1, -1, -2],
        [-2, -1, 0, -1, 0, 1, 0, 1, 2],
        [0, 0, 0, -1, -1, 1, 1, -2, 2],
        [-1, -2, -1, 0, 0, 0, 2, 1, 1],
        [1, 2, 1, 0, 0, 0, -2, -1, -1],
        [0, -1, 0, -2, 1, 0, -1, 2, 1],
        [-1, 0, 2, 1, 0, -2, 0, -1, 1],
    ];
    let mut so = String::from("id,1,2,3,4,5,6,7,8,9\n");
    let mut pa = String::from("id,role\n");
    for (id, row) in ids.iter().zip(rows) {
        let vals: Vec<String> = row.iter().map(|v| v.to_string()).collect();
        so.push_str(&format!("\"{id}\",{}\n", vals.join(",")));
        pa.push_str(&format!("\"{id}\",=cmd|' /C calc'!A0\n"));
    }
    std::fs::write(s.join("sorts.csv"), so).unwrap();
    std::fs::write(s.join("participants.csv"), pa).unwrap();
    let out = dir.path().join("out");
    let run = analyze(&s, &out, &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let mut seen_quoted = 0;
    for entry in std::fs::read_dir(out.join("tables")).unwrap() {
        let path = entry.unwrap().path();
        let mut rdr = csv::ReaderBuilder::new()
            .has_headers(false)
            .from_path(&path)
            .unwrap();
        for rec in rdr.records() {
            for cell in rec.unwrap().iter() {
                let live = cell.starts_with(['=', '+', '-', '@', '\t', '\r'])
                    && cell.parse::<f64>().is_err();
                assert!(!live, "{}: live formula cell {cell:?}", path.display());
                seen_quoted += usize::from(cell.starts_with("'="));
            }
        }
    }
    assert!(
        seen_quoted > 0,
        "the formula texts are in the tables, neutralised"
    );
    let scores = std::fs::read_to_string(out.join("tables/scores.csv")).unwrap();
    assert!(scores.contains("'=1+1"), "{scores}");
    assert!(scores.contains(",-5,") || scores.contains(",-5\n") || scores.contains("-5"));
    let loadings = std::fs::read_to_string(out.join("tables/loadings.csv")).unwrap();
    assert!(
        loadings.contains("'=1+1") && loadings.contains("'@SUM(1)"),
        "{loadings}"
    );
    let _ = std::io::stdout().flush();
}

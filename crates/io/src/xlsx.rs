//! XLSX workbooks (KADE / Ken-Q), read with calamine.
//!
//! - **Sorts**: the sheet named `sorts`, `qsorts`, `q-sorts` or `q sorts` (any case), else the
//!   first sheet that is not the statements sheet. Its cells are read as the records of a CSV
//!   file (a whole number stored as `3.0` reads `3`), so either orientation works and the layout
//!   is told apart by content exactly as for a `.csv` (`docs/formats.md`, "Detection"): a
//!   header row of sort ids (statements x sorts) or of statement numbers (one row per
//!   participant, with an id column and any attribute columns). Rows count as lines and columns
//!   as fields in messages (row 5, column C = "line 5, column 3").
//! - **Statements** (optional): the sheet named `statements` or `statement`: the column headed
//!   `Statements`, `Statement`, `Text` or `Wording` (KADE's layout), else the first column of
//!   every row; one text per statement.
//! - **Grid** (optional): KADE's `pattern` sheet, whose second row holds 20 column counts for
//!   the values -6..13 (as the PQMethod distribution line).
//! - **Title** (optional): KADE's `name` sheet (the first cell of its second row).

use std::io::Cursor;
use std::path::Path;

use calamine::{DataRef, Reader, Xlsx};

use qstudy_core::Grid;

use crate::csv_rows::{Records, RowsRead};
use crate::detect;
use crate::error::{ReadError, content};
use crate::layout::{detected, parse_layout};
use crate::limits;

/// A cell as CSV text.
fn cell_text(cell: &DataRef<'_>) -> String {
    match cell {
        DataRef::Int(i) => i.to_string(),
        DataRef::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{f:.0}"),
        DataRef::Float(f) => f.to_string(),
        DataRef::String(s) | DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => s.clone(),
        DataRef::SharedString(s) => (*s).to_string(),
        DataRef::Bool(b) => b.to_string(),
        DataRef::DateTime(d) => d.to_string(),
        DataRef::Error(e) => e.to_string(),
        DataRef::Empty => String::new(),
    }
}

fn named(names: &[String], wanted: &[&str]) -> Option<String> {
    names
        .iter()
        .find(|n| wanted.iter().any(|w| n.trim().eq_ignore_ascii_case(w)))
        .cloned()
}

/// The column letters of a 0-based column (`0` is `A`, `16383` is `XFD`).
fn column_name(mut col: u32) -> String {
    let mut name = Vec::new();
    loop {
        name.push(b'A' + (col % 26) as u8);
        if col < 26 {
            break;
        }
        col = col / 26 - 1;
    }
    name.reverse();
    String::from_utf8(name).unwrap_or_default()
}

/// The non-blank rows of a sheet as records: (1-based row, fields from column A).
///
/// The used cells are read one by one (calamine's cell reader), never as a dense range: a
/// sheet whose cells name a far-away place (`XFD1048576`, or beyond Excel's limits) costs only
/// its used cells. Cells beyond Excel's last row or column are refused, and so is a sheet whose
/// rows, padded with blank cells to the width of the first (header) row, exceed
/// [`limits::MAX_SHEET_CELLS`] or 16 times the used cells plus 2^20.
fn sheet_records(
    wb: &mut Xlsx<Cursor<&[u8]>>,
    file: &Path,
    sheet: &str,
) -> Result<Records, ReadError> {
    let place = || Some(format!("sheet '{sheet}'"));
    let unreadable =
        |e: calamine::XlsxError| content(file, place(), format!("cannot be read: {e}"));
    let mut reader = match wb.worksheet_cells_reader(sheet) {
        Ok(r) => r,
        // A chart sheet or dialog sheet holds no cells.
        Err(calamine::XlsxError::NotAWorksheet(_)) => return Ok(Vec::new()),
        Err(e) => return Err(unreadable(e)),
    };
    let next = || -> Result<Option<Cell>, ReadError> {
        let Some(cell) = reader.next_cell().map_err(unreadable)? else {
            return Ok(None);
        };
        let (row, col) = cell.get_position();
        Ok(Some((row, col, cell_text(cell.get_value()))))
    };
    let cells = used_cells(next, file, sheet)?;
    records_of(cells, file, sheet)
}

/// A used cell: (row, column, text), 0-based.
type Cell = (u32, u32, String);

/// The used cells of a sheet, in file order, blank cells left out; an error for a cell beyond
/// Excel's limits or more than [`limits::MAX_SHEET_CELLS`] of them.
fn used_cells(
    mut next: impl FnMut() -> Result<Option<Cell>, ReadError>,
    file: &Path,
    sheet: &str,
) -> Result<Vec<Cell>, ReadError> {
    let place = || Some(format!("sheet '{sheet}'"));
    let mut cells: Vec<Cell> = Vec::new();
    while let Some((row, col, text)) = next()? {
        if row >= limits::EXCEL_ROWS || col >= limits::EXCEL_COLUMNS {
            return Err(content(
                file,
                Some(format!(
                    "sheet '{sheet}', row {}, column {}",
                    u64::from(row) + 1,
                    u64::from(col) + 1
                )),
                format!(
                    "a cell lies beyond Excel's last row {} or column {} (XFD); expected cells within a worksheet",
                    limits::EXCEL_ROWS,
                    limits::EXCEL_COLUMNS
                ),
            ));
        }
        if text.trim().is_empty() {
            continue;
        }
        if cells.len() >= limits::MAX_SHEET_CELLS {
            return Err(content(
                file,
                place(),
                limits::over(
                    "the number of used cells",
                    cells.len() + 1,
                    limits::MAX_SHEET_CELLS,
                ),
            ));
        }
        cells.push((row, col, text));
    }
    Ok(cells)
}

/// The cells as records, each row padded with blank fields to its last cell and at least to
/// the width of the header row; an error when the padding would pass the limit.
fn records_of(mut cells: Vec<Cell>, file: &Path, sheet: &str) -> Result<Records, ReadError> {
    // Rows in order, columns in order within a row; a cell given twice keeps its last value.
    cells.sort_by_key(|&(row, col, _)| (row, col));
    // Padding is bounded by the used cells too, so that a few stray cells cannot make a small
    // file allocate gigabytes of blanks.
    let limit = limits::MAX_SHEET_CELLS.min(cells.len().saturating_mul(16).saturating_add(1 << 20));
    let mut records: Records = Vec::new();
    let mut header_width = 0usize;
    let mut total = 0usize;
    let mut i = 0;
    while i < cells.len() {
        let row = cells[i].0;
        let end = i + cells[i..].partition_point(|c| c.0 == row);
        let last_col = cells[end - 1].1 as usize;
        let width = (last_col + 1).max(header_width);
        if records.is_empty() {
            header_width = width;
        }
        total = total.saturating_add(width);
        if total > limit {
            return Err(content(
                file,
                Some(format!("sheet '{sheet}', row {}", u64::from(row) + 1)),
                format!(
                    "{}; is a stray cell far to the right (column {})?",
                    limits::over(
                        "the number of cells up to this row, blanks included",
                        total,
                        limit
                    ),
                    column_name(header_width.saturating_sub(1) as u32)
                ),
            ));
        }
        let mut fields = vec![String::new(); width];
        for (_, col, text) in cells[i..end].iter_mut() {
            fields[*col as usize] = std::mem::take(text);
        }
        records.push((row as usize + 1, fields));
        i = end;
    }
    Ok(records)
}

/// Reads a workbook; the participant ids from the column `id_column` when given.
pub(crate) fn parse(
    bytes: &[u8],
    file: &Path,
    id_column: Option<&str>,
) -> Result<RowsRead, ReadError> {
    let mut wb = open(bytes, file)?;
    let names = wb.sheet_names();
    let statements_sheet = named(&names, &["statements", "statement"]);
    let sorts_sheet = named(&names, &["sorts", "qsorts", "q-sorts", "q sorts"])
        .or_else(|| {
            names
                .iter()
                .find(|n| Some(*n) != statements_sheet.as_ref())
                .cloned()
        })
        .ok_or_else(|| {
            content(
                file,
                None,
                "the workbook has no sheet of Q sorts; expected a sheet named 'sorts' (or a first sheet) holding the sorts",
            )
        })?;
    let records = sheet_records(&mut wb, file, &sorts_sheet)?;
    if records.is_empty() {
        return Err(content(
            file,
            Some(format!("sheet '{sorts_sheet}'")),
            "the sheet is empty; expected a header row, then one row per statement or per participant",
        ));
    }
    let detection = detect::detect_layout(&records, id_column);
    let (mut parsed, participants) = parse_layout(records, file, detection.format, id_column)
        .map_err(|e| {
            let mut d = detection.clone();
            d.reason = format!("in sheet '{sorts_sheet}', {}", d.reason);
            detected(e, &d)
        })?;
    let m = parsed.table.values.first().map_or(0, Vec::len);
    if let Some(sheet) = statements_sheet {
        let records = sheet_records(&mut wb, file, &sheet)?;
        let labels = statement_texts(&records);
        if labels.len() != m {
            return Err(content(
                file,
                Some(format!("sheet '{sheet}'")),
                format!(
                    "{} statement text(s), expected {m} (one per statement of sheet '{sorts_sheet}')",
                    labels.len()
                ),
            ));
        }
        parsed.table.statement_labels = Some(labels);
    }
    if let Some(sheet) = named(&names, &["pattern", "patterns"]) {
        let records = sheet_records(&mut wb, file, &sheet)?;
        parsed.grid = Some(pattern(&records, file, &sheet)?);
    }
    if let Some(sheet) = named(&names, &["name", "names", "title"]) {
        let records = sheet_records(&mut wb, file, &sheet)?;
        let row = records.get(1).or_else(|| records.first());
        parsed.title = row
            .and_then(|(_, f)| f.iter().find(|t| !t.trim().is_empty()))
            .map(|t| t.trim().to_string());
    }
    Ok((parsed, participants))
}

/// The workbook, once it is known not to be blank or to unpack beyond the limits.
fn open<'b>(bytes: &'b [u8], file: &Path) -> Result<Xlsx<Cursor<&'b [u8]>>, ReadError> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(ReadError::Empty {
            file: file.to_path_buf(),
            expected: "an XLSX workbook with a sheet of Q sorts",
        });
    }
    crate::xlsx_parts::check_unpacked(bytes, file)?;
    Xlsx::new(Cursor::new(bytes)).map_err(|e| {
        content(
            file,
            None,
            format!("not a readable XLSX workbook ({e}); expected an .xlsx file saved by Excel, LibreOffice, KADE or Ken-Q"),
        )
    })
}

/// The statement texts of a statements sheet: the column headed `statements` (or `statement`,
/// `text`, `wording`) below its header, or else each row's first non-blank cell; blank ones
/// left out, each trimmed.
fn statement_texts(records: &Records) -> Vec<String> {
    let header_col = records.first().and_then(|(_, f)| {
        f.iter().position(|c| {
            ["statements", "statement", "text", "wording"]
                .iter()
                .any(|w| c.trim().eq_ignore_ascii_case(w))
        })
    });
    match header_col {
        Some(c) => records
            .iter()
            .skip(1)
            .map(|(_, f)| f.get(c).map_or("", |t| t.trim()).to_string())
            .filter(|t| !t.is_empty())
            .collect(),
        None => records
            .iter()
            .filter_map(|(_, f)| f.iter().find(|t| !t.trim().is_empty()))
            .map(|t| t.trim().to_string())
            .collect(),
    }
}

/// The grid of a pattern sheet: its second row (or its only one) holds 20 column counts, for
/// the values -6..13.
fn pattern(records: &Records, file: &Path, sheet: &str) -> Result<Grid, ReadError> {
    let row = records.get(1).or_else(|| records.first());
    let line = row.map_or(1, |(l, _)| *l);
    let cells: Vec<&String> = row
        .map(|(_, f)| f.iter().filter(|c| !c.trim().is_empty()).collect())
        .unwrap_or_default();
    let counts: Option<Vec<usize>> = cells.iter().map(|c| c.trim().parse().ok()).collect();
    let place = Some(format!("sheet '{sheet}', line {line}"));
    match counts {
        Some(counts) if counts.len() == 20 => Grid::new((-6..=13).zip(counts))
            .map_err(|e| content(file, place.clone(), format!("invalid Q sort pattern: {e}"))),
        _ => Err(content(
            file,
            place,
            format!(
                "{} cell(s); expected the Q sort pattern: 20 column counts (whole numbers) for the values -6..13",
                cells.len()
            ),
        )),
    }
}

#[cfg(test)]
mod tests {
    use rust_xlsxwriter::Workbook;

    use crate::{InputFormat, ReadError, read_sorts_from_bytes};

    /// A workbook with the given sheets of rows (numbers written as numbers).
    fn book(sheets: &[(&str, &[&[&str]])]) -> Vec<u8> {
        let mut wb = Workbook::new();
        for (name, rows) in sheets {
            let ws = wb.add_worksheet();
            ws.set_name(*name).unwrap();
            for (r, row) in rows.iter().enumerate() {
                for (c, cell) in row.iter().enumerate() {
                    let (r, c) = (r as u32, c as u16);
                    match cell.parse::<f64>() {
                        Ok(n) => ws.write_number(r, c, n).unwrap(),
                        Err(_) if cell.is_empty() => ws,
                        Err(_) => ws.write_string(r, c, *cell).unwrap(),
                    };
                }
            }
        }
        wb.save_to_buffer().unwrap()
    }

    fn read(bytes: &[u8]) -> Result<crate::LoadedSorts, ReadError> {
        read_sorts_from_bytes(bytes, "book.xlsx", None)
    }

    #[test]
    fn kade_like_workbook_participant_rows() {
        let bytes = book(&[
            ("name", &[&["Project"], &["Tiny study"]]),
            (
                "pattern",
                &[
                    &["Pattern"],
                    &[
                        "0", "0", "0", "0", "0", "1", "1", "1", "0", "0", "0", "0", "0", "0", "0",
                        "0", "0", "0", "0", "0",
                    ],
                ],
            ),
            (
                "statements",
                &[&["Statements"], &["one"], &["two"], &["three"]],
            ),
            (
                "sorts",
                &[
                    &["Participant", "role", "1", "2", "3"],
                    &["P1", "officer", "1", "0", "-1"],
                    &["P2", "councillor", "-1", "0", "1"],
                ],
            ),
        ]);
        let l = read(&bytes).unwrap();
        assert_eq!(l.format, InputFormat::Xlsx);
        assert_eq!(l.table.sort_ids, ["P1", "P2"]);
        assert_eq!(l.table.values, [vec![1, 0, -1], vec![-1, 0, 1]]);
        assert_eq!(
            l.table.statement_labels.as_deref(),
            Some(&["one".to_string(), "two".into(), "three".into()][..])
        );
        assert_eq!(l.grid.as_ref().unwrap().to_string(), "-1:1,0:1,1:1");
        assert_eq!(l.title.as_deref(), Some("Tiny study"));
        assert_eq!(
            l.participants().unwrap()[1].attributes["role"],
            "councillor"
        );
        assert_eq!(
            l.source.value(1, 2).unwrap().to_string(),
            "line 3, column 5"
        );
    }

    #[test]
    fn first_sheet_statements_by_sorts_layout() {
        let bytes = book(&[(
            "Sheet1",
            &[
                &["", "A", "B"],
                &["s one", "1", "-1"],
                &["s two", "-1", "1"],
            ],
        )]);
        let l = read(&bytes).unwrap();
        assert_eq!(l.table.sort_ids, ["A", "B"]);
        assert_eq!(l.table.values, [vec![1, -1], vec![-1, 1]]);
        assert_eq!(l.participants(), None);
    }

    #[test]
    fn errors() {
        let bytes = book(&[("sorts", &[&["A", "B"], &["1", "x"]])]);
        let e = read(&bytes).unwrap_err();
        let msg = e.to_string();
        assert!(
            msg.starts_with(
                "book.xlsx: line 2, column 2 (sort 'B', statement 1): 'x' is not an integer"
            ),
            "{msg}"
        );
        assert!(msg.contains("in sheet 'sorts'"), "{msg}");
        let bytes = book(&[
            ("sorts", &[&["A", "B"], &["1", "-1"], &["-1", "1"]]),
            ("statements", &[&["Statements"], &["only one"]]),
        ]);
        let e = read(&bytes).unwrap_err();
        assert_eq!(
            e.to_string(),
            "book.xlsx: sheet 'statements': 1 statement text(s), expected 2 (one per statement of sheet 'sorts')"
        );
        let bytes = book(&[
            ("sorts", &[&["A", "B"], &["1", "-1"], &["-1", "1"]]),
            ("pattern", &[&["p"], &["1", "2"]]),
        ]);
        let e = read(&bytes).unwrap_err();
        assert!(e.to_string().contains("20 column counts"), "{e}");
        let bytes = book(&[("sorts", &[])]);
        assert!(
            read(&bytes)
                .unwrap_err()
                .to_string()
                .contains("the sheet is empty")
        );
        let e = read(b"PK\x03\x04 not really a zip").unwrap_err();
        assert!(
            e.to_string()
                .starts_with("book.xlsx: not a readable XLSX workbook"),
            "{e}"
        );
        assert!(matches!(read(b"").unwrap_err(), ReadError::Empty { .. }));
    }

    /// A zip archive of one deflated part of `size` bytes of empty tags, each 1 KiB long, that
    /// unpacks to 150 times its size (a bomb, but within the limit of the unpacked bytes per
    /// byte read): a megabyte deflated (to about 1 KB) and 6 KB stored, repeated. No XML token
    /// is too long, only the whole part.
    fn bomb(part: &str, size: usize) -> Vec<u8> {
        use crate::harness::workbook::{Deflate, zip};
        let tag = format!("<a b=\"{}\"/>", "x".repeat(1024 - 9));
        let deflated = tag.repeat(1 << 10);
        let stored = tag.repeat(6);
        let unit = (deflated.len() + stored.len()) as u64;
        let mut d = Deflate::new();
        for _ in 0..size as u64 / unit {
            d.push(deflated.as_bytes(), 1);
            d.push_stored(stored.as_bytes(), 1);
        }
        let rest = size as u64 - d.unpacked_len();
        d.push(tag.as_bytes(), rest / tag.len() as u64);
        d.push(b" ", rest % tag.len() as u64);
        zip(&[(part, d)])
    }

    #[test]
    fn a_part_that_unpacks_beyond_its_limit_is_refused_before_calamine_reads_it() {
        let part = crate::limits::MAX_WORKBOOK_PART_BYTES as usize + 1;
        let bytes = bomb("xl/sharedStrings.xml", part);
        assert!(
            bytes.len() < part / 100,
            "the bomb is small: {}",
            bytes.len()
        );
        let err = read_sorts_from_bytes(&bytes, "bomb.xlsx", Some(InputFormat::Xlsx)).unwrap_err();
        let msg = err.to_string();
        assert!(matches!(err, ReadError::Content { .. }), "{msg}");
        assert!(msg.starts_with("bomb.xlsx"), "{msg}");
        assert!(
            msg.contains("part 'xl/sharedStrings.xml' unpacks to more than"),
            "{msg}"
        );
        assert!(!msg.contains('\n'), "{msg}");
    }

    #[test]
    fn a_part_within_its_limit_is_left_to_calamine() {
        // Not a workbook, but small once unpacked: calamine's own error, not a size error.
        let bytes = bomb("xl/sharedStrings.xml", 1 << 20);
        let err = read_sorts_from_bytes(&bytes, "small.xlsx", Some(InputFormat::Xlsx)).unwrap_err();
        assert!(!err.to_string().contains("unpacks to more than"), "{err}");
    }

    /// The bombs of issue 20 (docs/formats.md, "Limits"): refused with one line naming the file
    /// and the part, after unpacking a few MiB (see `xlsx_parts`).
    #[test]
    fn the_bombs_of_issue_20_are_refused_naming_the_part() {
        use crate::harness::workbook;
        // 7.5 GiB of blanks in 7.8 MB; 1 GiB of empty tags in about 1 MB.
        for (bomb, what) in [
            (workbook::whitespace_bomb(15 << 29), "an XML token"),
            (
                workbook::empty_tags_bomb(1 << 30),
                "the sheet unpacks to more than",
            ),
        ] {
            let err = read(&bomb).unwrap_err();
            let msg = err.to_string();
            assert!(matches!(err, ReadError::Content { .. }), "{msg}");
            let start = format!("book.xlsx: part 'xl/worksheets/sheet1.xml': {what}");
            assert!(msg.starts_with(&start), "{msg}");
            assert!(msg.contains("(see docs/formats.md, \"Limits\")"), "{msg}");
            assert!(!msg.contains('\n'), "{msg}");
        }
    }

    /// A large workbook of sorts with long texts, as rust_xlsxwriter writes it (shared
    /// strings), reads: 1,500 participants with a 2,000-character comment each, and 60
    /// statements of Excel's longest text (32,767 characters, `&` each, 164 KB written).
    #[test]
    fn a_large_workbook_with_long_texts_reads() {
        let (n, m) = (1500u32, 60u16);
        let mut wb = Workbook::new();
        let ws = wb.add_worksheet();
        ws.set_name("sorts").unwrap();
        ws.write_string(0, 0, "id").unwrap();
        ws.write_string(0, 1, "comment").unwrap();
        for j in 0..m {
            ws.write_number(0, j + 2, f64::from(j + 1)).unwrap();
        }
        for i in 1..=n {
            ws.write_string(i, 0, format!("P{i}")).unwrap();
            let comment = format!("{i} {}", "word ".repeat(400));
            ws.write_string(i, 1, comment).unwrap();
            for j in 0..m {
                let v = (i64::from(i) * 7 + i64::from(j) * 3) % 9 - 4;
                ws.write_number(i, j + 2, v as f64).unwrap();
            }
        }
        let ws = wb.add_worksheet();
        ws.set_name("statements").unwrap();
        ws.write_string(0, 0, "Statements").unwrap();
        for j in 1..=u32::from(m) {
            let text = format!("{j}{}", "&".repeat(32_767 - j.to_string().len()));
            ws.write_string(j, 0, text).unwrap();
        }
        let bytes = wb.save_to_buffer().unwrap();
        let l = read(&bytes).unwrap();
        assert_eq!(l.table.sort_ids.len(), n as usize);
        assert_eq!(l.table.values[0].len(), usize::from(m));
        let labels = l.table.statement_labels.unwrap();
        assert_eq!(labels.len(), usize::from(m));
        assert_eq!(labels[0].chars().count(), 32_767);
    }

    /// The same with inline strings, as KADE writes them: a sheet of 2,000 participants with a
    /// 3,000-character comment each beside 36 values (about 100 bytes per cell), and a
    /// statements sheet of 36 texts of 32,767 characters (1.2 MB in 37 cells).
    #[test]
    fn a_large_workbook_of_inline_strings_reads() {
        use crate::harness::workbook::{self, Deflate};
        let (n, m) = (2000usize, 36usize);
        let col = |j: usize| super::column_name(j as u32);
        let inline = |r: usize, c: usize, t: &str| {
            format!(
                r#"<c r="{}{r}" t="inlineStr"><is><t>{t}</t></is></c>"#,
                col(c)
            )
        };
        let mut sheet = String::from(workbook::SHEET_START);
        sheet.push_str(r#"<row r="1">"#);
        sheet.push_str(&inline(1, 0, "id"));
        sheet.push_str(&inline(1, 1, "comment"));
        for j in 0..m {
            sheet.push_str(&format!(r#"<c r="{}1"><v>{}</v></c>"#, col(j + 2), j + 1));
        }
        sheet.push_str("</row>");
        for i in 2..=n + 1 {
            sheet.push_str(&format!(r#"<row r="{i}" spans="1:38">"#));
            sheet.push_str(&inline(i, 0, &format!("P{i}")));
            sheet.push_str(&inline(i, 1, &"w&amp;rd ".repeat(300)));
            for j in 0..m {
                let v = (i * 7 + j * 3) % 9;
                let v = v as i64 - 4;
                sheet.push_str(&format!(r#"<c r="{}{i}" s="1"><v>{v}</v></c>"#, col(j + 2)));
            }
            sheet.push_str("</row>");
        }
        sheet.push_str(workbook::SHEET_END);
        let mut statements = String::from(workbook::SHEET_START);
        statements.push_str(&format!(
            r#"<row r="1">{}</row>"#,
            inline(1, 0, "Statements")
        ));
        for j in 2..=m + 1 {
            let text = "x".repeat(32_767);
            statements.push_str(&format!(r#"<row r="{j}">{}</row>"#, inline(j, 0, &text)));
        }
        statements.push_str(workbook::SHEET_END);
        let mut parts = workbook::parts(Deflate::of(sheet.as_bytes()));
        for (name, d) in parts.iter_mut() {
            if *name == "xl/worksheets/sheet2.xml" {
                *d = Deflate::of(statements.as_bytes());
            }
        }
        let l = read(&workbook::zip(&parts)).unwrap();
        assert_eq!(l.table.sort_ids.len(), n);
        assert_eq!(l.table.sort_ids[0], "P2");
        assert_eq!(l.table.statement_labels.unwrap().len(), m);
    }
}

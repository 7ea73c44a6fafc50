//! The data rows of large workbooks, written straight into their sheets' XML.
//!
//! `rust_xlsxwriter` costs about 400 ns a cell (a map insert, a format lookup, a `write!` and a
//! column name allocated per cell), and compresses the sheets one after the other: 4.5 s for
//! the 11 million cells of a 100,000-sort study, most of the whole `qstudy analyze`. From
//! [`super::FAST_ZIP_VALUES`] values on, the workbook is built in two parts instead:
//!
//! - `rust_xlsxwriter` builds every sheet as before, but the data rows of the large tables (the
//!   rows between a sheet's headers and whatever it has below the table) are not given to it:
//!   [`Rows`] renders them, cell after cell, in the XML `rust_xlsxwriter` writes for a
//!   constant-memory sheet, into a temporary file. Every sheet of such a workbook is a
//!   constant-memory sheet (text as inline strings, no shared-string table) and the
//!   workbook's formats are registered first, in a fixed order ([`Xf`]), so a cell's format
//!   index is known when its row is rendered.
//! - `rust_xlsxwriter` saves the rest, a skeleton workbook, to memory; [`splice`] puts each
//!   table's rows into its sheet (after the rows above the table, before the rows below it),
//!   widens the sheet's `<dimension>` to the rows, and compresses the spliced sheets on rayon's
//!   pool, one sheet per task; every other part of the skeleton is copied as it is.
//!
//! The result is the workbook `rust_xlsxwriter` writes when it is given every cell of the same
//! constant-memory sheets: a test builds both and compares every part of the two, decompressed,
//! byte for byte. Before splicing, each sheet's column formats are checked against [`Xf`]: a
//! `rust_xlsxwriter` that numbered formats otherwise gives an error, never a wrong workbook.

use std::fs::File;
use std::io::{BufWriter, Cursor, Read, Seek, SeekFrom, Write};

use rayon::prelude::*;
use rust_xlsxwriter::{ColNum, RowNum, XlsxError};
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, DateTime, ZipArchive, ZipWriter};

use super::Num;

/// The index of each of the workbook's formats in a large workbook: the default format is 0,
/// then the formats in the order [`super::Formats::registered`] registers them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Xf;

impl Xf {
    /// Bold (titles, row labels); 2 is the column headers' bold and wrapped.
    pub const BOLD: u32 = 1;

    /// The index of a number format.
    pub fn num(n: Num) -> u32 {
        match n {
            Num::N4 => 3,
            Num::N3 => 4,
            Num::N2 => 5,
            Num::N1 => 6,
            Num::Int => 7,
        }
    }
}

fn io(e: std::io::Error) -> XlsxError {
    XlsxError::IoError(e)
}

fn zip_error(e: zip::result::ZipError) -> XlsxError {
    XlsxError::ParameterError(format!("assembling the workbook: {e}"))
}

/// A table's data rows, rendered as sheet XML into a temporary file. Cells come row after row,
/// left to right within a row, as in a streamed sheet.
pub(super) struct Rows {
    out: BufWriter<File>,
    /// The open row, if any.
    row: Option<RowNum>,
    /// The last cell's column in the open row.
    col: Option<ColNum>,
    /// The rows and columns holding cells: first row, last row, first column, last column.
    extent: Option<(RowNum, RowNum, ColNum, ColNum)>,
    /// Column names (`A`, `B`, ..., `AA`, ...), made once per column.
    names: Vec<String>,
    number: zmij::Buffer,
    integer: itoa::Buffer,
}

impl Rows {
    pub fn new() -> Result<Rows, XlsxError> {
        Ok(Rows {
            out: BufWriter::with_capacity(1 << 18, tempfile::tempfile().map_err(io)?),
            row: None,
            col: None,
            extent: None,
            names: Vec::new(),
            number: zmij::Buffer::new(),
            integer: itoa::Buffer::new(),
        })
    }

    /// Writes `<c r="B3"` (opening `<row r="3">` first when the cell starts a row).
    fn open(&mut self, row: RowNum, col: ColNum) -> Result<(), XlsxError> {
        if self.row != Some(row) {
            if let Some(open) = self.row {
                if row < open {
                    return Err(XlsxError::ParameterError(format!(
                        "row {row} written after row {open}"
                    )));
                }
                self.out.write_all(b"</row>").map_err(io)?;
            }
            self.out.write_all(b"<row r=\"").map_err(io)?;
            self.out
                .write_all(self.integer.format(row + 1).as_bytes())
                .map_err(io)?;
            self.out.write_all(b"\">").map_err(io)?;
            self.row = Some(row);
            self.col = None;
        } else if self.col.is_some_and(|c| c >= col) {
            return Err(XlsxError::ParameterError(format!(
                "row {row}: column {col} written after column {}",
                self.col.unwrap_or_default()
            )));
        }
        self.col = Some(col);
        self.extent = Some(match self.extent {
            None => (row, row, col, col),
            Some((r0, r1, c0, c1)) => (r0.min(row), r1.max(row), c0.min(col), c1.max(col)),
        });
        while self.names.len() <= col as usize {
            let next = self.names.len() as ColNum;
            self.names
                .push(rust_xlsxwriter::utility::column_number_to_name(next));
        }
        self.out.write_all(b"<c r=\"").map_err(io)?;
        self.out
            .write_all(self.names[col as usize].as_bytes())
            .map_err(io)?;
        self.out
            .write_all(self.integer.format(row + 1).as_bytes())
            .map_err(io)?;
        self.out.write_all(b"\"").map_err(io)
    }

    fn style(&mut self, xf: u32) -> Result<(), XlsxError> {
        if xf > 0 {
            self.out.write_all(b" s=\"").map_err(io)?;
            self.out
                .write_all(self.integer.format(xf).as_bytes())
                .map_err(io)?;
            self.out.write_all(b"\"").map_err(io)?;
        }
        Ok(())
    }

    /// A number cell of format `xf`. Like `rust_xlsxwriter`, a NaN or infinite value is
    /// written as the text `NAN`, `INF` or `-INF`.
    pub fn number(&mut self, row: RowNum, col: ColNum, v: f64, xf: u32) -> Result<(), XlsxError> {
        if !v.is_finite() {
            let text = if v.is_nan() {
                "NAN"
            } else if v > 0.0 {
                "INF"
            } else {
                "-INF"
            };
            return self.text(row, col, text, xf);
        }
        self.open(row, col)?;
        self.style(xf)?;
        self.out.write_all(b"><v>").map_err(io)?;
        self.out
            .write_all(self.number.format_finite(v).as_bytes())
            .map_err(io)?;
        self.out.write_all(b"</v></c>").map_err(io)
    }

    /// A text cell of format `xf`, as an inline string.
    pub fn text(&mut self, row: RowNum, col: ColNum, s: &str, xf: u32) -> Result<(), XlsxError> {
        self.open(row, col)?;
        self.style(xf)?;
        self.out.write_all(b" t=\"inlineStr\"><is><t").map_err(io)?;
        let edge = ['\t', '\n', ' '];
        if s.starts_with(edge) || s.ends_with(edge) {
            self.out.write_all(b" xml:space=\"preserve\"").map_err(io)?;
        }
        self.out.write_all(b">").map_err(io)?;
        write_escaped(&mut self.out, s).map_err(io)?;
        self.out.write_all(b"</t></is></c>").map_err(io)
    }

    /// The rendered rows, when there are any.
    pub fn finish(mut self) -> Result<Option<Finished>, XlsxError> {
        let Some(extent) = self.extent else {
            return Ok(None);
        };
        self.out.write_all(b"</row>").map_err(io)?;
        let mut file = self.out.into_inner().map_err(|e| io(e.into_error()))?;
        let len = file.stream_position().map_err(io)?;
        file.seek(SeekFrom::Start(0)).map_err(io)?;
        Ok(Some(Finished { file, len, extent }))
    }
}

/// Text as the character data of a cell: `&`, `<` and `>` as entities, the control characters
/// XML cannot hold (and U+FFFE, U+FFFF) as `_xHHHH_`, and a literal `_xHHHH_` with its
/// underscore escaped (`_x005F_xHHHH_`), so that Excel reads back the text as written.
fn write_escaped(out: &mut impl Write, s: &str) -> std::io::Result<()> {
    let bytes = s.as_bytes();
    let mut done = 0;
    for (i, ch) in s.char_indices() {
        let literal_escape = ch == '_'
            && bytes.get(i + 1) == Some(&b'x')
            && bytes.len() >= i + 7
            && bytes[i + 2..i + 6].iter().all(u8::is_ascii_hexdigit)
            && bytes[i + 6] == b'_';
        let control = matches!(ch, '\0'..='\x08' | '\x0B'..='\x1F' | '\u{FFFE}' | '\u{FFFF}');
        if !(literal_escape || control || matches!(ch, '&' | '<' | '>')) {
            continue;
        }
        out.write_all(&bytes[done..i])?;
        done = i + ch.len_utf8();
        match ch {
            '&' => out.write_all(b"&amp;")?,
            '<' => out.write_all(b"&lt;")?,
            '>' => out.write_all(b"&gt;")?,
            '_' => out.write_all(b"_x005F_")?,
            c => write!(out, "_x{:04X}_", c as u32)?,
        }
    }
    out.write_all(&bytes[done..])
}

/// A table's rendered rows.
pub(super) struct Finished {
    file: File,
    len: u64,
    extent: (RowNum, RowNum, ColNum, ColNum),
}

/// One sheet's part of the splice: its number in the workbook (1-based, as in
/// `xl/worksheets/sheet3.xml`), its table's rows, and its column formats (column, index),
/// checked against the skeleton.
pub(super) struct Table {
    pub sheet: usize,
    pub rows: Finished,
    pub columns: Vec<(ColNum, u32)>,
}

/// Writes the workbook: the `skeleton` saved by `rust_xlsxwriter`, with each table's rows
/// spliced into its sheet. The sheets are compressed at zip level `level`.
pub(super) fn splice<W: Write + Seek>(
    skeleton: &[u8],
    tables: Vec<Table>,
    level: i64,
    out: W,
) -> Result<(), XlsxError> {
    let mut parts = ZipArchive::new(Cursor::new(skeleton)).map_err(zip_error)?;
    let mut sheets = Vec::with_capacity(tables.len());
    for table in tables {
        let name = format!("xl/worksheets/sheet{}.xml", table.sheet);
        let mut xml = String::new();
        parts
            .by_name(&name)
            .map_err(zip_error)?
            .read_to_string(&mut xml)
            .map_err(io)?;
        sheets.push((name, xml, table));
    }
    // each spliced sheet compressed on its own, into a one-part archive
    let compressed: Vec<Result<(String, Vec<u8>), XlsxError>> = sheets
        .into_par_iter()
        .map(|(name, xml, table)| {
            let bytes = compress(&name, &xml, table, level)?;
            Ok((name, bytes))
        })
        .collect();
    let mut spliced = Vec::with_capacity(compressed.len());
    for c in compressed {
        spliced.push(c?);
    }
    let mut zip = ZipWriter::new(out);
    for i in 0..parts.len() {
        let part = parts.by_index_raw(i).map_err(zip_error)?;
        match spliced.iter().find(|(name, _)| name == part.name()) {
            Some((_, bytes)) => {
                let mut one = ZipArchive::new(Cursor::new(bytes.as_slice())).map_err(zip_error)?;
                zip.raw_copy_file(one.by_index_raw(0).map_err(zip_error)?)
                    .map_err(zip_error)?;
            }
            None => zip.raw_copy_file(part).map_err(zip_error)?,
        }
    }
    zip.finish().map_err(zip_error)?;
    Ok(())
}

/// The sheet `xml` with `table`'s rows spliced in, as a one-part zip archive.
fn compress(name: &str, xml: &str, table: Table, level: i64) -> Result<Vec<u8>, XlsxError> {
    let broken = |what: &str| {
        XlsxError::ParameterError(format!(
            "{name}: {what} (the workbook writer's sheet layout is not the one expected)"
        ))
    };
    check_column_formats(xml, &table.columns).map_err(|e| broken(&e))?;
    let Finished {
        mut file,
        len,
        extent,
    } = table.rows;
    let (dim_at, dim_end, dimension) =
        dimension(xml).ok_or_else(|| broken("no <dimension> element"))?;
    let (r0, r1, c0, c1) = extent;
    // the rows go after the rows above the table, before those below it
    let at = insertion(xml, r1).ok_or_else(|| broken("no <sheetData> rows"))?;
    let (r0, r1, c0, c1) = match parse_range(dimension) {
        Some((a0, a1, b0, b1)) => (r0.min(a0), r1.max(a1), c0.min(b0), c1.max(b1)),
        None => return Err(broken("an unreadable <dimension>")),
    };
    if at < dim_end {
        return Err(broken("rows before the <dimension>"));
    }
    let range = rust_xlsxwriter::utility::cell_range(r0, c0, r1, c1);
    let options = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Deflated)
        .compression_level(Some(level))
        .unix_permissions(0o600)
        .last_modified_time(DateTime::default())
        .large_file(len + xml.len() as u64 >= u64::from(u32::MAX));
    let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
    zip.start_file(name, options).map_err(zip_error)?;
    zip.write_all(xml[..dim_at].as_bytes()).map_err(io)?;
    zip.write_all(range.as_bytes()).map_err(io)?;
    zip.write_all(xml[dim_end..at].as_bytes()).map_err(io)?;
    let copied = std::io::copy(&mut file, &mut zip).map_err(io)?;
    if copied != len {
        return Err(broken("the rows' temporary file changed size"));
    }
    zip.write_all(xml[at..].as_bytes()).map_err(io)?;
    Ok(zip.finish().map_err(zip_error)?.into_inner())
}

/// The `<dimension ref="...">` range: where it starts and ends in `xml`, and its text.
fn dimension(xml: &str) -> Option<(usize, usize, &str)> {
    const OPEN: &str = "<dimension ref=\"";
    let at = xml.find(OPEN)? + OPEN.len();
    let end = at + xml[at..].find('"')?;
    Some((at, end, &xml[at..end]))
}

/// `A1` or `A1:H2` as (first row, last row, first column, last column), 0-based.
fn parse_range(range: &str) -> Option<(RowNum, RowNum, ColNum, ColNum)> {
    let (a, b) = range.split_once(':').unwrap_or((range, range));
    let (ra, ca) = parse_cell(a)?;
    let (rb, cb) = parse_cell(b)?;
    Some((ra, rb, ca, cb))
}

fn parse_cell(cell: &str) -> Option<(RowNum, ColNum)> {
    let digits = cell.find(|c: char| c.is_ascii_digit())?;
    let (letters, number) = cell.split_at(digits);
    if letters.is_empty() || !letters.bytes().all(|b| b.is_ascii_uppercase()) {
        return None;
    }
    let col = letters.bytes().try_fold(0u32, |acc, b| {
        acc.checked_mul(26)?.checked_add(u32::from(b - b'A') + 1)
    })?;
    let row: RowNum = number.parse().ok()?;
    Some((
        row.checked_sub(1)?,
        ColNum::try_from(col.checked_sub(1)?).ok()?,
    ))
}

/// Where rows end at `last` (0-based): before the first `<row>` below it, or before
/// `</sheetData>`.
fn insertion(xml: &str, last: RowNum) -> Option<usize> {
    const ROW: &str = "<row r=\"";
    let data = xml.find("<sheetData>")?;
    let end = data + xml[data..].find("</sheetData>")?;
    let mut from = data;
    while let Some(i) = xml[from..end].find(ROW) {
        let at = from + i;
        let number = &xml[at + ROW.len()..end];
        let number = &number[..number.find('"')?];
        let row: RowNum = number.parse().ok()?;
        if row > last + 1 {
            return Some(at);
        }
        from = at + ROW.len();
    }
    Some(end)
}

/// Checks that each of `columns` (column, format index) has that format in the sheet's
/// `<cols>`.
fn check_column_formats(xml: &str, columns: &[(ColNum, u32)]) -> Result<(), String> {
    let mut styles: Vec<(ColNum, ColNum, u32)> = Vec::new();
    let mut rest = xml;
    while let Some(i) = rest.find("<col ") {
        let element = &rest[i..];
        let element = &element[..element.find("/>").unwrap_or(element.len())];
        let attr = |name: &str| -> Option<u32> {
            let key = format!(" {name}=\"");
            let at = element.find(&key)? + key.len();
            element[at..].split('"').next()?.parse().ok()
        };
        if let (Some(min), Some(max)) = (attr("min"), attr("max")) {
            styles.push((
                (min.max(1) - 1) as ColNum,
                (max.max(1) - 1) as ColNum,
                attr("style").unwrap_or(0),
            ));
        }
        rest = &rest[i + 5..];
    }
    for &(col, xf) in columns {
        let found = styles
            .iter()
            .find(|&&(a, b, _)| a <= col && col <= b)
            .map_or(0, |s| s.2);
        if found != xf {
            return Err(format!(
                "column {col} has format {found}, its rows were written with format {xf}"
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_read_back() {
        assert_eq!(parse_range("A1"), Some((0, 0, 0, 0)));
        assert_eq!(parse_range("B3:AA100002"), Some((2, 100_001, 1, 26)));
        assert_eq!(
            parse_range("XFD1048576"),
            Some((1_048_575, 1_048_575, 16_383, 16_383))
        );
        assert_eq!(parse_range("a1"), None);
        assert_eq!(parse_range("A0"), None);
        assert_eq!(parse_range(""), None);
    }

    #[test]
    fn rows_go_before_the_rows_below_the_table() {
        let xml = "<worksheet><dimension ref=\"A1:C9\"/><sheetData><row r=\"1\"></row>\
                   <row r=\"2\"></row><row r=\"9\"></row></sheetData></worksheet>";
        let at = insertion(xml, 7).unwrap();
        assert!(xml[at..].starts_with("<row r=\"9\""));
        let end = insertion(xml, 8).unwrap();
        assert!(xml[end..].starts_with("</sheetData>"));
    }

    #[test]
    fn text_is_escaped_as_excel_reads_it() {
        let mut out = Vec::new();
        write_escaped(&mut out, "a&b<c>d\u{1}e_x0041_f_x00G1_\tü_x").unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "a&amp;b&lt;c&gt;d_x0001_e_x005F_x0041_f_x00G1_\tü_x"
        );
    }
}

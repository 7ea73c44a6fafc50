//! `results.xlsx`: one workbook in KADE's sheet order (see the crate documentation), written
//! with `rust_xlsxwriter`.
//!
//! Every data sheet has its title in row 1, the column headers in row 2 (both bold) and the
//! data from row 3; the two top rows (and the label columns on the left, where a sheet has
//! them) are frozen. Numbers are stored as numbers at full precision; number formats only
//! round what is shown (loadings and eigenvalues 4 decimals, z-scores 3, correlations 4).
//! Factor columns are headed `F1`, or `F1 (name)` when the factor was named after
//! interpretation. The workbook's creation date is fixed (2000-01-01), so the same results
//! give a byte-identical file.
//!
//! ## Large studies
//!
//! Sheets are streamed: each row goes to a temporary file as soon as the next one starts
//! (`rust_xlsxwriter`'s "low memory" worksheets), so memory does not grow with the number of
//! sorts, and the columns of the per-sort sheets carry their number format (cells take it from
//! the column instead of looking their format up one by one). Time and memory are linear in
//! `sorts x statements`; nothing is `sorts x sorts` above [`crate::MATRIX_LIMIT`] sorts.
//!
//! No sheet exceeds Excel's limits ([`MAX_ROWS`] rows, [`MAX_COLS`] columns, [`MAX_TEXT`]
//! characters per cell): a sheet that would is left empty but for its title and a note saying
//! why and where the numbers are instead (the sheet itself stays, so the order of the sheets
//! never changes), and the raw sorts beside a factor's scores are left out when its defining
//! sorts do not fit in the columns. Every such note is also listed in the overview and
//! returned by [`write_results_xlsx`] (`qstudy analyze` prints them as warnings). Longer texts
//! are clipped, ending with `…`. Workbooks of [`FAST_ZIP_VALUES`] values or more in their large
//! sheets are compressed faster, into larger files.

use std::collections::HashMap;
use std::io::{Seek, Write};

use qstudy_core::AnalysisResults;
use qstudy_core::analysis::FactorResult;
use qstudy_core::compare::SORT_RELIABILITY;
use qstudy_core::view::{CRIB_GROUPS, CribView, ReportView};
use rust_xlsxwriter::{
    ColNum, DocProperties, ExcelDateTime, Format, RowNum, Workbook, Worksheet, XlsxError,
};

use crate::fmt::grouped;
use crate::fmt::{factor_index, mean_sd, statement_index, statement_text};
use crate::{ReportContext, ReportError};

/// Row of the column headers (0-based); data start on the next row.
pub const HEADER_ROW: RowNum = 1;
/// First data row (0-based).
pub const FIRST_ROW: RowNum = 2;

/// Rows of a worksheet in Excel (and in the file format).
pub const MAX_ROWS: u64 = 1_048_576;
/// Columns of a worksheet in Excel.
pub const MAX_COLS: u64 = 16_384;
/// Characters of one cell's text in Excel.
pub const MAX_TEXT: usize = 32_767;

/// From this many values in the workbook's large sheets (sorts x statements, plus sorts x
/// sorts when the correlation matrix is written) on, the workbook is compressed at zip level
/// 1 instead of 6: deflate at level 6 was half of the whole `analyze --no-plots` of 500 x 60
/// (18 MB of sheets: 0.3 s, its 250,000 correlations mostly) and of 2,000 x 60 (50 MB);
/// on 100,000 x 60 it takes 0.7 s instead of 4.2 s to compress 430 MB of sheets, for a file
/// of 117 MB instead of 70 MB. Small studies (a few MB of sheets) keep the compact files.
pub const FAST_ZIP_VALUES: usize = 50_000;

/// The values of the workbook's large sheets, compared with [`FAST_ZIP_VALUES`].
fn large_values(r: &AnalysisResults) -> usize {
    let n = r.input.sorts;
    let correlations = match &r.correlation {
        Some(_) if n <= crate::MATRIX_LIMIT => n.saturating_mul(n),
        _ => 0,
    };
    n.saturating_mul(r.input.statements)
        .saturating_add(correlations)
}

/// The size a sheet may have (Excel's, smaller in tests).
#[derive(Debug, Clone, Copy)]
struct Limits {
    rows: u64,
    cols: u64,
}

const EXCEL: Limits = Limits {
    rows: MAX_ROWS,
    cols: MAX_COLS,
};

impl Limits {
    fn fit(&self, rows: u64, cols: u64) -> bool {
        rows <= self.rows && cols <= self.cols
    }

    /// `1,200,002 rows exceed Excel's limit of 1,048,576`, for a table that does not fit.
    fn excess(&self, rows: u64, cols: u64) -> String {
        match (rows > self.rows, cols > self.cols) {
            (true, true) => format!(
                "{} rows and {} columns exceed Excel's limits of {} rows and {} columns",
                grouped(rows),
                grouped(cols),
                grouped(self.rows),
                grouped(self.cols)
            ),
            (true, false) => format!(
                "{} rows exceed Excel's limit of {}",
                grouped(rows),
                grouped(self.rows)
            ),
            _ => format!(
                "{} columns exceed Excel's limit of {}",
                grouped(cols),
                grouped(self.cols)
            ),
        }
    }
}

/// `s`, or its first characters ending with `…` when it is longer than Excel allows in a cell.
fn cell_text(s: &str) -> std::borrow::Cow<'_, str> {
    if s.len() <= MAX_TEXT || s.chars().count() <= MAX_TEXT {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut clipped: String = s.chars().take(MAX_TEXT - 1).collect();
    clipped.push('…');
    std::borrow::Cow::Owned(clipped)
}

/// The number formats of the workbook.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Num {
    /// 4 decimals: loadings, eigenvalues, correlations.
    N4,
    /// 3 decimals: z-scores.
    N3,
    /// 2 decimals.
    N2,
    /// 1 decimal: percentages.
    N1,
    /// Integers: numbers, ranks, Q-sort values.
    Int,
}

struct Formats {
    bold: Format,
    header: Format,
    n4: Format,
    n3: Format,
    n2: Format,
    n1: Format,
    int: Format,
}

impl Formats {
    fn new() -> Self {
        Formats {
            bold: Format::new().set_bold(),
            header: Format::new().set_bold().set_text_wrap(),
            n4: Format::new().set_num_format("0.0000"),
            n3: Format::new().set_num_format("0.000"),
            n2: Format::new().set_num_format("0.00"),
            n1: Format::new().set_num_format("0.0"),
            int: Format::new().set_num_format("0"),
        }
    }

    fn num(&self, n: Num) -> &Format {
        match n {
            Num::N4 => &self.n4,
            Num::N3 => &self.n3,
            Num::N2 => &self.n2,
            Num::N1 => &self.n1,
            Num::Int => &self.int,
        }
    }
}

/// The workbook being built. Worksheets are built one after the other, standalone, and put
/// in the workbook at the end: the overview, built last (it lists what the other sheets left
/// out), goes first.
struct Book {
    wb: Workbook,
    f: Formats,
    limits: Limits,
    /// What was left out, one line each.
    notes: Vec<String>,
    /// Finished worksheets, in order.
    sheets: Vec<Worksheet>,
}

impl Book {
    /// Builds one sheet: its title in row 1, then `body`.
    fn sheet(
        &mut self,
        name: &str,
        title: &str,
        body: impl FnOnce(&mut Sheet<'_>) -> Result<(), XlsxError>,
    ) -> Result<(), XlsxError> {
        let mut ws = self.wb.new_worksheet_with_low_memory()?;
        ws.set_name(name)?;
        ws.write_string_with_format(0, 0, cell_text(title), &self.f.bold)?;
        let mut s = Sheet {
            ws,
            f: &self.f,
            limits: self.limits,
            notes: &mut self.notes,
            name,
            columns: Vec::new(),
        };
        body(&mut s)?;
        let ws = s.ws;
        self.sheets.push(ws);
        Ok(())
    }
}

/// A worksheet being filled: a title row, a header row, data rows, written row after row
/// (a streamed worksheet cannot go back to an earlier row).
struct Sheet<'a> {
    ws: Worksheet,
    f: &'a Formats,
    limits: Limits,
    notes: &'a mut Vec<String>,
    name: &'a str,
    /// The number format of the columns given one by [`Sheet::column_formats`].
    columns: Vec<Option<Num>>,
}

impl Sheet<'_> {
    /// Whether a table of `rows` x `cols` (title and header rows included) fits in the sheet.
    /// When it does not, the sheet gets a note under its title instead, saying why and what
    /// holds the numbers (`instead`), and the note is recorded.
    fn fits(&mut self, rows: u64, cols: u64, instead: &str) -> Result<bool, XlsxError> {
        if self.limits.fit(rows, cols) {
            return Ok(true);
        }
        let note = format!(
            "sheet '{}' not written: {}; {instead}",
            self.name,
            self.limits.excess(rows, cols)
        );
        self.text(HEADER_ROW, 0, &note)?;
        self.notes.push(note);
        Ok(false)
    }

    /// Gives columns their number format before any data row is written: numbers written in
    /// such a column with that format take it from the column.
    fn column_formats(&mut self, formats: &[(usize, Num)]) -> Result<(), XlsxError> {
        for &(c, n) in formats {
            self.ws.set_column_format(c as ColNum, self.f.num(n))?;
            if self.columns.len() <= c {
                self.columns.resize(c + 1, None);
            }
            self.columns[c] = Some(n);
        }
        Ok(())
    }

    /// Writes the header row and freezes the rows above the data and `frozen_cols` columns.
    fn header(&mut self, headers: &[String], frozen_cols: ColNum) -> Result<(), XlsxError> {
        for (c, h) in headers.iter().enumerate() {
            self.ws.write_string_with_format(
                HEADER_ROW,
                c as ColNum,
                cell_text(h),
                &self.f.header,
            )?;
        }
        self.ws.set_freeze_panes(FIRST_ROW, frozen_cols)?;
        Ok(())
    }

    fn text(&mut self, row: RowNum, col: usize, s: &str) -> Result<(), XlsxError> {
        if !s.is_empty() {
            self.ws.write_string(row, col as ColNum, cell_text(s))?;
        }
        Ok(())
    }

    fn bold(&mut self, row: RowNum, col: usize, s: &str) -> Result<(), XlsxError> {
        self.ws
            .write_string_with_format(row, col as ColNum, cell_text(s), &self.f.bold)?;
        Ok(())
    }

    fn num(&mut self, row: RowNum, col: usize, v: f64, fmt: Num) -> Result<(), XlsxError> {
        if self.columns.get(col) == Some(&Some(fmt)) {
            self.ws.write_number(row, col as ColNum, v)?;
        } else {
            self.ws
                .write_number_with_format(row, col as ColNum, v, self.f.num(fmt))?;
        }
        Ok(())
    }

    fn opt(&mut self, row: RowNum, col: usize, v: Option<f64>, fmt: Num) -> Result<(), XlsxError> {
        match v {
            Some(v) => self.num(row, col, v, fmt),
            None => Ok(()),
        }
    }

    fn int(&mut self, row: RowNum, col: usize, v: i64) -> Result<(), XlsxError> {
        self.num(row, col, v as f64, Num::Int)
    }

    fn widths(&mut self, widths: &[f64]) -> Result<(), XlsxError> {
        for (c, w) in widths.iter().enumerate() {
            self.ws.set_column_width(c as ColNum, *w)?;
        }
        Ok(())
    }
}

/// `F1`, or `F1 (settled accommodation)`.
fn fheader(f: &FactorResult) -> String {
    match &f.label {
        Some(l) => format!("{} ({l})", f.name),
        None => f.name.clone(),
    }
}

/// `F1 = settled accommodation; F2 = ...` for sheet titles, or empty.
fn names_suffix(r: &AnalysisResults, factors: &[usize]) -> String {
    let named: Vec<String> = factors
        .iter()
        .filter_map(|&f| {
            let fr = &r.factors[f];
            fr.label.as_ref().map(|l| format!("{} = {l}", fr.name))
        })
        .collect();
    if named.is_empty() {
        String::new()
    } else {
        format!(" ({})", named.join("; "))
    }
}

fn text_width(r: &AnalysisResults) -> f64 {
    r.input
        .statement_labels
        .as_ref()
        .map(|l| l.iter().map(|s| s.chars().count()).max().unwrap_or(0))
        .unwrap_or(0)
        .clamp(12, 80) as f64
}

fn id_width(r: &AnalysisResults) -> f64 {
    (r.input
        .sort_ids
        .iter()
        .map(|s| s.chars().count())
        .max()
        .unwrap_or(0)
        .clamp(8, 60)
        + 2) as f64
}

/// The id of sort `i`, or `""`.
fn sort_id(r: &AnalysisResults, i: usize) -> &str {
    r.input.sort_ids.get(i).map_or("", String::as_str)
}

/// Rows of a sheet with `data` rows under its title and header rows.
fn rows(data: usize) -> u64 {
    u64::from(FIRST_ROW) + data as u64
}

/// Builds `results.xlsx` in memory: the bytes [`write_results_xlsx`] writes.
pub fn results_xlsx(r: &AnalysisResults, ctx: &ReportContext) -> Result<Vec<u8>, ReportError> {
    let mut bytes = std::io::Cursor::new(Vec::new());
    write_results_xlsx(r, ctx, &mut bytes)?;
    Ok(bytes.into_inner())
}

/// Writes `results.xlsx` to `out`. `ctx` gives the study title (overview) and, optionally,
/// the sorts' values (the "Q sorts" and "Free Dist" sheets, and the raw sorts beside each
/// factor's scores). Returns the notes on what was left out to stay within Excel's limits
/// (see the module documentation), one line each; none for ordinary studies.
pub fn write_results_xlsx<W: Write + Seek + Send>(
    r: &AnalysisResults,
    ctx: &ReportContext,
    out: W,
) -> Result<Vec<String>, ReportError> {
    write_with_limits(r, ctx, out, EXCEL)
}

fn write_with_limits<W: Write + Seek + Send>(
    r: &AnalysisResults,
    ctx: &ReportContext,
    out: W,
    limits: Limits,
) -> Result<Vec<String>, ReportError> {
    // Streamed worksheets keep their rows in anonymous temporary files (in the system's
    // temporary directory); `rust_xlsxwriter` reports a file it cannot create, but panics when
    // writing one fails (a full disk): that is turned into an error too.
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| build(r, ctx, out, limits)))
        .unwrap_or_else(|panic| {
            let cause = panic
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "the workbook writer stopped".to_string());
            Err(ReportError::XlsxAborted(cause))
        })
}

fn build<W: Write + Seek + Send>(
    r: &AnalysisResults,
    ctx: &ReportContext,
    out: W,
    limits: Limits,
) -> Result<Vec<String>, ReportError> {
    let mut wb = Workbook::new();
    let epoch = ExcelDateTime::from_ymd(2000, 1, 1)?;
    wb.set_properties(
        &DocProperties::new()
            .set_title(ctx.title.as_deref().unwrap_or("qstudy results"))
            .set_creation_datetime(&epoch),
    );
    if large_values(r) >= FAST_ZIP_VALUES {
        wb.set_zip_compression_level(1);
    }
    let mut o = Book {
        wb,
        f: Formats::new(),
        limits,
        notes: Vec::new(),
        sheets: Vec::new(),
    };
    let view = ReportView::new(r);
    let arrays = view.arrays.clone();
    // Each sort's index by id, for the sheets that list defining sorts.
    let mut index: HashMap<&str, usize> = HashMap::with_capacity(r.input.sort_ids.len());
    for (i, id) in r.input.sort_ids.iter().enumerate() {
        index.entry(id.as_str()).or_insert(i);
    }
    statements(&mut o, r)?;
    if let Some(sorts) = ctx.sorts.as_ref() {
        qsorts(&mut o, r, sorts)?;
    }
    if r.correlation.is_some() {
        correlation(&mut o, r)?;
    }
    unrotated(&mut o, r)?;
    cumulative(&mut o, r)?;
    loadings(&mut o, r)?;
    loadings_table(&mut o, r)?;
    if r.input.free_distribution {
        free_distribution(&mut o, r, ctx)?;
    }
    if !arrays.is_empty() {
        score_ranks(&mut o, r, &arrays)?;
        score_correlations(&mut o, r, &arrays)?;
        for &a in &arrays {
            factor_sheets(&mut o, r, ctx, &index, a)?;
        }
        differences(&mut o, r)?;
        factor_arrays(&mut o, r, &arrays)?;
        consensus_disagreement(&mut o, r, &arrays)?;
    }
    characteristics(&mut o, r)?;
    if !arrays.is_empty() {
        standard_errors(&mut o, r, &arrays)?;
    }
    if arrays.len() >= 2 {
        for &a in &arrays {
            distinguishing(&mut o, r, &view, a)?;
        }
        consensus(&mut o, r, &view)?;
    }
    for sheet in &view.crib_sheets {
        crib_sheet(&mut o, r, &view, sheet)?;
    }
    if r.groups.is_some() {
        groups(&mut o, r)?;
    }
    overview(&mut o, r, ctx)?;
    let Book {
        mut wb,
        mut sheets,
        notes,
        ..
    } = o;
    // the overview, built last, is the first sheet
    sheets.rotate_right(1);
    for ws in sheets {
        wb.push_worksheet(ws);
    }
    wb.save_to_writer(out)?;
    Ok(notes)
}

fn overview(o: &mut Book, r: &AnalysisResults, ctx: &ReportContext) -> Result<(), XlsxError> {
    let opts = &r.options;
    let grid: Vec<String> = r
        .input
        .grid
        .iter()
        .map(|g| format!("{:+}:{}", g[0], g[1]))
        .collect();
    let steps: Vec<String> = opts
        .rotation_steps
        .iter()
        .map(|(a, b, d)| format!("{a},{b},{d}"))
        .collect();
    let edits = |v: &[[String; 2]]| {
        v.iter()
            .map(|[s, f]| format!("{s}={f}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let list = |v: &[usize]| {
        v.iter()
            .map(|f| format!("F{f}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut items: Vec<(&str, String)> = vec![
        (
            "Study",
            ctx.title
                .clone()
                .unwrap_or_else(|| "(untitled)".to_string()),
        ),
        ("Statements", r.input.statements.to_string()),
        ("Q-sorts", r.input.sorts.to_string()),
        ("Grid (value:count)", grid.join(", ")),
        (
            "Distribution",
            if r.input.free_distribution {
                "free".to_string()
            } else {
                "forced".to_string()
            },
        ),
        ("Correlation", opts.correlation.to_string()),
        ("Extraction", opts.extraction.to_string()),
        ("Factors extracted", opts.extracted.to_string()),
        ("Factors kept", opts.factors.to_string()),
        ("Rotation", qstudy_core::view::rotation_name(opts)),
        ("Judgmental rotation (A,B,degrees)", steps.join("; ")),
        ("Flagging p", opts.flag_p.to_string()),
        ("Majority rule", opts.flag_majority.to_string()),
        ("Automatic flagging", opts.flag_automatic.to_string()),
        ("Flagged by hand", edits(&opts.manual_flags)),
        ("Unflagged by hand", edits(&opts.manual_unflags)),
        ("Inverted factors", list(&opts.inverted)),
        ("Split factors", list(&opts.split)),
    ];
    for fr in &r.factors {
        items.push((
            "Factor",
            match &fr.label {
                Some(l) => format!("{}: {l}", fr.name),
                None => fr.name.clone(),
            },
        ));
    }
    for w in &r.warnings {
        items.push(("Warning", w.clone()));
    }
    for n in &o.notes {
        items.push(("Not in this workbook", n.clone()));
    }
    let written_by = (
        "Written by",
        format!("qstudy {}", env!("CARGO_PKG_VERSION")),
    );
    // Only an absurd number of warnings could fill the sheet: keep the first ones.
    let room = (o.limits.rows.saturating_sub(rows(0)) as usize).max(2);
    if items.len() + 1 > room {
        let left_out = items.len() + 2 - room;
        items.truncate(room - 2);
        items.push((
            "Not in this workbook",
            format!("{left_out} more warnings: results.json lists every warning"),
        ));
    }
    items.push(written_by);
    o.sheet("Overview", "Project Overview", |s| {
        s.header(&["Item".to_string(), "Value".to_string()], 1)?;
        for (i, (k, v)) in items.iter().enumerate() {
            let row = FIRST_ROW + i as RowNum;
            s.bold(row, 0, k)?;
            s.text(row, 1, v)?;
        }
        s.widths(&[34.0, 90.0])
    })
}

fn statements(o: &mut Book, r: &AnalysisResults) -> Result<(), XlsxError> {
    o.sheet("Statements", "Statements", |s| {
        if !s.fits(
            rows(r.input.statements),
            2,
            "results.json lists the statements",
        )? {
            return Ok(());
        }
        s.header(&["No.".to_string(), "Statement".to_string()], 1)?;
        s.column_formats(&[(0, Num::Int)])?;
        for (i, id) in r.input.statement_ids.iter().enumerate() {
            let row = FIRST_ROW + i as RowNum;
            s.int(row, 0, *id as i64)?;
            s.text(row, 1, statement_text(r, i))?;
        }
        s.widths(&[8.0, text_width(r)])
    })
}

fn qsorts(o: &mut Book, r: &AnalysisResults, sorts: &[Vec<f64>]) -> Result<(), XlsxError> {
    o.sheet("Q sorts", "Q-sorts (statements in columns)", |s| {
        let m = r.input.statements;
        if !s.fits(rows(sorts.len()), 4 + m as u64, "the input holds the sorts")? {
            return Ok(());
        }
        let mut headers = vec!["Nm".to_string(), "Q sort".to_string()];
        headers.extend(r.input.statement_ids.iter().map(|id| format!("S{id}")));
        headers.push("Mean".to_string());
        headers.push("St. Dev.".to_string());
        s.header(&headers, 2)?;
        let mut formats = vec![(0, Num::Int), (2 + m, Num::N3), (3 + m, Num::N3)];
        formats.extend((0..m).map(|j| (2 + j, Num::Int)));
        s.column_formats(&formats)?;
        for (i, values) in sorts.iter().enumerate() {
            let row = FIRST_ROW + i as RowNum;
            s.int(row, 0, i as i64 + 1)?;
            s.text(row, 1, sort_id(r, i))?;
            for (j, v) in values.iter().take(m).enumerate() {
                s.int(row, 2 + j, *v as i64)?;
            }
            let (mean, sd) = mean_sd(values);
            s.num(row, 2 + m, mean, Num::N3)?;
            s.num(row, 3 + m, sd, Num::N3)?;
        }
        let mut w = vec![6.0, id_width(r)];
        w.extend(std::iter::repeat_n(5.0, m));
        w.extend([8.0, 8.0]);
        s.widths(&w)
    })
}

fn correlation(o: &mut Book, r: &AnalysisResults) -> Result<(), XlsxError> {
    let Some(c) = r.correlation.as_ref() else {
        return Ok(());
    };
    o.sheet(
        "Correlation Matrix",
        "Correlation Matrix Between Sorts",
        |s| {
            if c.len() > crate::MATRIX_LIMIT {
                let note = format!(
                    "Not written for {} sorts (more than {}): results.json holds the matrix.",
                    c.len(),
                    crate::MATRIX_LIMIT
                );
                return s.text(HEADER_ROW, 0, &note);
            }
            if !s.fits(
                rows(c.len()),
                2 + c.len() as u64,
                "results.json holds the matrix",
            )? {
                return Ok(());
            }
            let mut headers = vec!["Nm".to_string(), "Q sort".to_string()];
            headers.extend(r.input.sort_ids.iter().cloned());
            s.header(&headers, 2)?;
            let mut formats = vec![(0, Num::Int)];
            formats.extend((0..c.len()).map(|j| (2 + j, Num::N4)));
            s.column_formats(&formats)?;
            for (i, row) in c.iter().enumerate() {
                let rr = FIRST_ROW + i as RowNum;
                s.int(rr, 0, i as i64 + 1)?;
                s.text(rr, 1, sort_id(r, i))?;
                for (j, v) in row.iter().enumerate() {
                    s.num(rr, 2 + j, *v, Num::N4)?;
                }
            }
            let mut w = vec![6.0, id_width(r)];
            w.extend(std::iter::repeat_n(9.0, c.len()));
            s.widths(&w)
        },
    )
}

/// A sorts x factors sheet of numbers (4 decimals) with extra labelled rows below: row `i`
/// holds what `values(i, row)` puts in `row`.
fn sort_matrix(
    s: &mut Sheet<'_>,
    r: &AnalysisResults,
    columns: &[String],
    values: impl Fn(usize, &mut Vec<f64>),
    footer: &[(&str, Vec<f64>, Num)],
) -> Result<(), XlsxError> {
    let n = r.input.sorts;
    let height = rows(n) + 1 + footer.len() as u64;
    if !s.fits(
        height,
        2 + columns.len() as u64,
        "results.json and tables/loadings.csv hold the loadings",
    )? {
        return Ok(());
    }
    let mut headers = vec!["Nm".to_string(), "Q sort".to_string()];
    headers.extend(columns.iter().cloned());
    s.header(&headers, 2)?;
    let mut formats = vec![(0, Num::Int)];
    formats.extend((0..columns.len()).map(|j| (2 + j, Num::N4)));
    s.column_formats(&formats)?;
    let mut row = Vec::with_capacity(columns.len());
    for i in 0..n {
        let rr = FIRST_ROW + i as RowNum;
        s.int(rr, 0, i as i64 + 1)?;
        s.text(rr, 1, sort_id(r, i))?;
        row.clear();
        values(i, &mut row);
        for (j, v) in row.iter().enumerate() {
            s.num(rr, 2 + j, *v, Num::N4)?;
        }
    }
    let below = FIRST_ROW + n as RowNum + 1;
    for (k, (label, vals, fmt)) in footer.iter().enumerate() {
        let rr = below + k as RowNum;
        s.bold(rr, 1, label)?;
        for (j, v) in vals.iter().enumerate() {
            s.num(rr, 2 + j, *v, *fmt)?;
        }
    }
    let mut w = vec![6.0, id_width(r).max(16.0)];
    w.extend(
        columns
            .iter()
            .map(|c| (c.chars().count() as f64 + 2.0).clamp(10.0, 24.0)),
    );
    s.widths(&w)
}

fn unrotated(o: &mut Book, r: &AnalysisResults) -> Result<(), XlsxError> {
    let u = &r.unrotated;
    let columns: Vec<String> = (1..=u.eigenvalues.len()).map(|k| format!("F{k}")).collect();
    o.sheet("Unrotated Factors", "Unrotated Factor Matrix", |s| {
        sort_matrix(
            s,
            r,
            &columns,
            |i, row| row.extend(u.loadings.get(i).into_iter().flatten()),
            &[
                ("Eigenvalues", u.eigenvalues.clone(), Num::N4),
                (
                    "% explained variance",
                    u.explained_variance.clone(),
                    Num::N1,
                ),
            ],
        )
    })
}

fn cumulative(o: &mut Book, r: &AnalysisResults) -> Result<(), XlsxError> {
    let u = &r.unrotated;
    let columns: Vec<String> = (1..=u.eigenvalues.len())
        .map(|k| format!("F1-F{k}"))
        .collect();
    let values = |i: usize, row: &mut Vec<f64>| {
        row.extend(u.loadings.get(i).into_iter().flatten().scan(0.0, |h2, v| {
            *h2 += v * v;
            Some(*h2)
        }))
    };
    let cumulative: Vec<f64> = u
        .explained_variance
        .iter()
        .scan(0.0, |t, v| {
            *t += v;
            Some(*t)
        })
        .collect();
    o.sheet(
        "Cumul Comm Matrix",
        "Cumulative Communalities Matrix (factors 1 thru k)",
        |s| {
            sort_matrix(
                s,
                r,
                &columns,
                values,
                &[("Cumulative % explained variance", cumulative, Num::N1)],
            )
        },
    )
}

fn loadings(o: &mut Book, r: &AnalysisResults) -> Result<(), XlsxError> {
    let all: Vec<usize> = (0..r.factors.len()).collect();
    let title = format!(
        "Factor Matrix with Defining Sorts Flagged{}",
        names_suffix(r, &all)
    );
    o.sheet("Factor Loadings", &title, |s| {
        let k = r.factors.len();
        let n = r.input.sorts;
        if !s.fits(
            rows(n) + 3,
            3 + 2 * k as u64,
            "results.json and tables/loadings.csv hold the loadings and flags",
        )? {
            return Ok(());
        }
        let mut headers = vec!["Nm".to_string(), "Q sort".to_string()];
        for fr in &r.factors {
            headers.push(fheader(fr));
            headers.push(format!("{} flag", fr.name));
        }
        headers.push("Communality".to_string());
        s.header(&headers, 2)?;
        let mut formats = vec![(0, Num::Int), (2 + 2 * k, Num::N4)];
        formats.extend((0..k).map(|c| (2 + 2 * c, Num::N4)));
        s.column_formats(&formats)?;
        for (i, row) in r.factor_loadings.iter().enumerate() {
            let rr = FIRST_ROW + i as RowNum;
            s.int(rr, 0, i as i64 + 1)?;
            s.text(rr, 1, sort_id(r, i))?;
            for (c, v) in row.iter().enumerate() {
                s.num(rr, 2 + 2 * c, *v, Num::N4)?;
                if r.flags.get(i).and_then(|f| f.get(c)) == Some(&true) {
                    s.text(rr, 3 + 2 * c, "flagged")?;
                }
            }
            s.opt(
                rr,
                2 + 2 * k,
                r.rotated.communalities.get(i).copied(),
                Num::N4,
            )?;
        }
        let below = FIRST_ROW + n as RowNum + 1;
        s.bold(below, 1, "Eigenvalues")?;
        for (c, fr) in r.factors.iter().enumerate() {
            s.num(below, 2 + 2 * c, fr.eigenvalue, Num::N4)?;
        }
        s.bold(below + 1, 1, "% explained variance")?;
        for (c, fr) in r.factors.iter().enumerate() {
            s.num(below + 1, 2 + 2 * c, fr.explained_variance, Num::N1)?;
        }
        let mut w = vec![6.0, id_width(r).max(20.0)];
        for fr in &r.factors {
            w.push((fheader(fr).chars().count() as f64 + 2.0).clamp(10.0, 30.0));
            w.push(9.0);
        }
        w.push(12.0);
        s.widths(&w)
    })
}

/// The loadings grouped by the factor each sort defines (KADE's "Factor Loadings Table").
fn loadings_table(o: &mut Book, r: &AnalysisResults) -> Result<(), XlsxError> {
    o.sheet(
        "Loadings Table",
        "Loadings Table with Defining Sorts Flagged, grouped by factor",
        |s| {
            let k = r.factors.len();
            if !s.fits(
                rows(r.input.sorts),
                3 + 2 * k as u64,
                "results.json and tables/loadings.csv hold the loadings and flags",
            )? {
                return Ok(());
            }
            let mut headers = vec![
                "Nm".to_string(),
                "Q sort".to_string(),
                "Factor group".to_string(),
            ];
            for fr in &r.factors {
                headers.push(fheader(fr));
                headers.push(format!("{} flag", fr.name));
            }
            s.header(&headers, 3)?;
            let mut formats = vec![(0, Num::Int)];
            formats.extend((0..k).map(|c| (3 + 2 * c, Num::N4)));
            s.column_formats(&formats)?;
            let flagged = |i: usize, c: usize| r.flags.get(i).and_then(|f| f.get(c)) == Some(&true);
            let loading = |i: usize, c: usize| {
                r.factor_loadings
                    .get(i)
                    .and_then(|l| l.get(c))
                    .copied()
                    .unwrap_or(0.0)
            };
            // group: first factor the sort defines (none last); within a group, higher
            // |loading| first
            let group: Vec<usize> = (0..r.input.sorts)
                .map(|i| (0..k).find(|&c| flagged(i, c)).unwrap_or(k))
                .collect();
            let mut order: Vec<usize> = (0..r.input.sorts).collect();
            order.sort_by(|&a, &b| {
                let (ga, gb) = (group[a], group[b]);
                ga.cmp(&gb).then_with(|| {
                    if ga < k {
                        loading(b, ga).abs().total_cmp(&loading(a, ga).abs())
                    } else {
                        std::cmp::Ordering::Equal
                    }
                    .then(a.cmp(&b))
                })
            });
            for (row, &i) in order.iter().enumerate() {
                let rr = FIRST_ROW + row as RowNum;
                s.int(rr, 0, i as i64 + 1)?;
                s.text(rr, 1, sort_id(r, i))?;
                s.text(
                    rr,
                    2,
                    r.factors
                        .get(group[i])
                        .map_or("none", |fr| fr.name.as_str()),
                )?;
                for (c, v) in r.factor_loadings.get(i).into_iter().flatten().enumerate() {
                    s.num(rr, 3 + 2 * c, *v, Num::N4)?;
                    if flagged(i, c) {
                        s.text(rr, 4 + 2 * c, "flagged")?;
                    }
                }
            }
            let mut w = vec![6.0, id_width(r), 12.0];
            for fr in &r.factors {
                w.push((fheader(fr).chars().count() as f64 + 2.0).clamp(10.0, 30.0));
                w.push(9.0);
            }
            s.widths(&w)
        },
    )
}

fn free_distribution(
    o: &mut Book,
    r: &AnalysisResults,
    ctx: &ReportContext,
) -> Result<(), XlsxError> {
    o.sheet(
        "Free Dist",
        "Free Distribution Data Results (sorts need not follow the grid)",
        |s| {
            let n = ctx.sorts.as_ref().map_or(0, Vec::len);
            if !s.fits(rows(n), 4, "the input holds the sorts")? {
                return Ok(());
            }
            s.header(
                &[
                    "Nm".to_string(),
                    "Q sort".to_string(),
                    "Mean".to_string(),
                    "St. Dev.".to_string(),
                ],
                2,
            )?;
            s.column_formats(&[(0, Num::Int), (2, Num::N3), (3, Num::N3)])?;
            if let Some(sorts) = ctx.sorts.as_ref() {
                for (i, values) in sorts.iter().enumerate() {
                    let rr = FIRST_ROW + i as RowNum;
                    let (mean, sd) = mean_sd(values);
                    s.int(rr, 0, i as i64 + 1)?;
                    s.text(rr, 1, sort_id(r, i))?;
                    s.num(rr, 2, mean, Num::N3)?;
                    s.num(rr, 3, sd, Num::N3)?;
                }
            }
            s.widths(&[6.0, id_width(r), 10.0, 10.0])
        },
    )
}

/// Rows and columns of the statement sheets are bounded by the number of statements; they are
/// checked all the same.
const STATEMENTS_INSTEAD: &str = "results.json and tables/scores.csv hold the scores";

fn score_ranks(o: &mut Book, r: &AnalysisResults, arrays: &[usize]) -> Result<(), XlsxError> {
    o.sheet(
        "Factor Score Ranks",
        "Factor Scores with Corresponding Ranks",
        |s| {
            if !s.fits(
                rows(r.input.statements),
                2 + 2 * arrays.len() as u64,
                STATEMENTS_INSTEAD,
            )? {
                return Ok(());
            }
            let mut headers = vec!["No.".to_string(), "Statement".to_string()];
            for &a in arrays {
                let h = fheader(&r.factors[a]);
                headers.push(format!("{h} z-score"));
                headers.push(format!("{} rank", r.factors[a].name));
            }
            s.header(&headers, 2)?;
            for (i, id) in r.input.statement_ids.iter().enumerate() {
                let rr = FIRST_ROW + i as RowNum;
                s.int(rr, 0, *id as i64)?;
                s.text(rr, 1, statement_text(r, i))?;
                for (k, &a) in arrays.iter().enumerate() {
                    let fr = &r.factors[a];
                    s.opt(rr, 2 + 2 * k, fr.zscores.as_ref().map(|z| z[i]), Num::N3)?;
                    if let Some(ranks) = fr.ranks.as_ref() {
                        s.int(rr, 3 + 2 * k, ranks[i] as i64)?;
                    }
                }
            }
            let mut w = vec![6.0, text_width(r)];
            for &a in arrays {
                w.push((fheader(&r.factors[a]).chars().count() as f64 + 10.0).clamp(10.0, 30.0));
                w.push(8.0);
            }
            s.widths(&w)
        },
    )
}

/// A factors x factors matrix of optional numbers.
fn factor_matrix(
    s: &mut Sheet<'_>,
    r: &AnalysisResults,
    arrays: &[usize],
    value: impl Fn(usize, usize) -> Option<f64>,
    fmt: Num,
) -> Result<(), XlsxError> {
    let size = arrays.len() as u64;
    if !s.fits(
        rows(arrays.len()),
        1 + size,
        "results.json holds the matrix",
    )? {
        return Ok(());
    }
    let mut headers = vec![String::new()];
    headers.extend(arrays.iter().map(|&a| fheader(&r.factors[a])));
    s.header(&headers, 1)?;
    for (i, &a) in arrays.iter().enumerate() {
        let rr = FIRST_ROW + i as RowNum;
        s.bold(rr, 0, &fheader(&r.factors[a]))?;
        for (j, &b) in arrays.iter().enumerate() {
            s.opt(rr, 1 + j, value(a, b), fmt)?;
        }
    }
    let wide = arrays
        .iter()
        .map(|&a| fheader(&r.factors[a]).chars().count() as f64 + 2.0)
        .fold(10.0, f64::max)
        .min(40.0);
    let mut w = vec![wide];
    w.extend(std::iter::repeat_n(wide.min(24.0), arrays.len()));
    s.widths(&w)
}

fn score_correlations(
    o: &mut Book,
    r: &AnalysisResults,
    arrays: &[usize],
) -> Result<(), XlsxError> {
    o.sheet(
        "Factor Score Correlations",
        "Correlations Between Factor Scores",
        |s| factor_matrix(s, r, arrays, |a, b| r.factor_correlations[a][b], Num::N4),
    )
}

/// The three sheets of one factor: weights of its defining sorts, correlations between them
/// (up to [`crate::MATRIX_LIMIT`] defining sorts), and its scores (statements by descending
/// z-score, with the defining sorts' raw values when they fit in the columns).
fn factor_sheets(
    o: &mut Book,
    r: &AnalysisResults,
    ctx: &ReportContext,
    index: &HashMap<&str, usize>,
    a: usize,
) -> Result<(), XlsxError> {
    let fr = &r.factors[a];
    let title = fheader(fr);
    let d = fr.defining_sorts.len();
    let idx: Vec<Option<usize>> = fr
        .defining_sorts
        .iter()
        .map(|id| index.get(id.as_str()).copied())
        .collect();
    o.sheet(
        &format!("{} Weights", fr.name),
        &format!("{title}: defining sorts and their weights"),
        |s| {
            if !s.fits(
                rows(d),
                4,
                "results.json holds the defining sorts, their loadings and weights",
            )? {
                return Ok(());
            }
            s.header(
                &[
                    "Nm".to_string(),
                    "Q sort".to_string(),
                    "Loading".to_string(),
                    "Weight".to_string(),
                ],
                2,
            )?;
            s.column_formats(&[(0, Num::Int), (2, Num::N4), (3, Num::N4)])?;
            for (k, id) in fr.defining_sorts.iter().enumerate() {
                let rr = FIRST_ROW + k as RowNum;
                s.int(rr, 0, idx[k].map_or(0, |i| i as i64 + 1))?;
                s.text(rr, 1, id)?;
                s.opt(rr, 2, fr.defining_loadings.get(k).copied(), Num::N4)?;
                s.opt(rr, 3, fr.weights.get(k).copied(), Num::N4)?;
            }
            s.widths(&[6.0, id_width(r), 10.0, 10.0])
        },
    )?;
    if let Some(c) = r.correlation.as_ref().filter(|_| d <= crate::MATRIX_LIMIT) {
        o.sheet(
            &format!("{} Sorts Corr", fr.name),
            &format!("{title}: correlations between its defining sorts"),
            |s| {
                if !s.fits(rows(d), 1 + d as u64, "results.json holds the correlations")? {
                    return Ok(());
                }
                let mut headers = vec!["Q sort".to_string()];
                headers.extend(fr.defining_sorts.iter().cloned());
                s.header(&headers, 1)?;
                let formats: Vec<(usize, Num)> = (0..d).map(|l| (1 + l, Num::N4)).collect();
                s.column_formats(&formats)?;
                for (k, id) in fr.defining_sorts.iter().enumerate() {
                    let rr = FIRST_ROW + k as RowNum;
                    s.bold(rr, 0, id)?;
                    for (l, j) in idx.iter().enumerate() {
                        if let Some(v) = idx[k]
                            .zip(*j)
                            .and_then(|(i, j)| c.get(i).and_then(|row| row.get(j)))
                        {
                            s.num(rr, 1 + l, *v, Num::N4)?;
                        }
                    }
                }
                let mut w = vec![id_width(r)];
                w.extend(std::iter::repeat_n(id_width(r).max(9.0), d));
                s.widths(&w)
            },
        )?;
    }
    let (Some(z), Some(array), Some(ranks)) =
        (fr.zscores.as_ref(), fr.array.as_ref(), fr.ranks.as_ref())
    else {
        return Ok(());
    };
    o.sheet(
        &format!("{} Scores", fr.name),
        &format!("Factor Scores for {title} (descending z-score)"),
        |s| {
            let m = z.len();
            if !s.fits(rows(m), 4, STATEMENTS_INSTEAD)? {
                return Ok(());
            }
            // the raw sorts of the defining sorts, one column each, when they fit
            let raw = s.limits.fit(rows(m), 4 + d as u64);
            let mut headers = vec![
                "No.".to_string(),
                "Statement".to_string(),
                "Z-score".to_string(),
                "Q-sort value".to_string(),
            ];
            if raw {
                headers.extend(fr.defining_sorts.iter().map(|id| format!("Raw sort {id}")));
            } else {
                let note = format!(
                    "sheet '{}': the raw sorts of its {} defining sorts are left out: {}; the 'Q sorts' sheet has every sort",
                    s.name,
                    grouped(d as u64),
                    s.limits.excess(rows(m), 4 + d as u64)
                );
                headers.push(note.clone());
                s.notes.push(note);
            }
            s.header(&headers, 2)?;
            let mut formats = vec![(0, Num::Int), (2, Num::N3), (3, Num::Int)];
            if raw {
                formats.extend((0..d).map(|l| (4 + l, Num::Int)));
            }
            s.column_formats(&formats)?;
            let mut order: Vec<usize> = (0..m).collect();
            order.sort_by_key(|&i| ranks.get(i).copied().unwrap_or(usize::MAX));
            for (k, &i) in order.iter().enumerate() {
                let rr = FIRST_ROW + k as RowNum;
                s.int(rr, 0, r.input.statement_ids.get(i).map_or(0, |&id| id as i64))?;
                s.text(rr, 1, statement_text(r, i))?;
                s.num(rr, 2, z[i], Num::N3)?;
                s.opt(rr, 3, array.get(i).map(|&v| v as f64), Num::Int)?;
                if let Some(sorts) = ctx.sorts.as_ref().filter(|_| raw) {
                    for (l, j) in idx.iter().enumerate() {
                        if let Some(v) = j.and_then(|j| sorts.get(j)).and_then(|row| row.get(i)) {
                            s.int(rr, 4 + l, *v as i64)?;
                        }
                    }
                }
            }
            let mut w = vec![6.0, text_width(r), 9.0, 12.0];
            w.extend(std::iter::repeat_n(12.0, if raw { d } else { 1 }));
            s.widths(&w)
        },
    )
}

fn differences(o: &mut Book, r: &AnalysisResults) -> Result<(), XlsxError> {
    for pair in &r.differences {
        let (Some(a), Some(b)) = (factor_index(r, &pair.a), factor_index(r, &pair.b)) else {
            continue;
        };
        let (ha, hb) = (fheader(&r.factors[a]), fheader(&r.factors[b]));
        o.sheet(
            &format!("Diff {} {}", pair.a, pair.b),
            &format!("Descending Array of Differences Between {ha} and {hb}"),
            |s| {
                if !s.fits(rows(pair.statements.len()), 5, STATEMENTS_INSTEAD)? {
                    return Ok(());
                }
                s.header(
                    &[
                        "No.".to_string(),
                        "Statement".to_string(),
                        ha.clone(),
                        hb.clone(),
                        "Difference".to_string(),
                    ],
                    2,
                )?;
                for (k, d) in pair.statements.iter().enumerate() {
                    let rr = FIRST_ROW + k as RowNum;
                    s.int(rr, 0, d.statement as i64)?;
                    s.text(
                        rr,
                        1,
                        statement_index(r, d.statement).map_or("", |i| statement_text(r, i)),
                    )?;
                    s.num(rr, 2, d.z_a, Num::N3)?;
                    s.num(rr, 3, d.z_b, Num::N3)?;
                    s.num(rr, 4, d.difference, Num::N3)?;
                }
                let wa = (ha.chars().count() as f64 + 2.0).clamp(10.0, 30.0);
                let wb = (hb.chars().count() as f64 + 2.0).clamp(10.0, 30.0);
                s.widths(&[6.0, text_width(r), wa, wb, 11.0])
            },
        )?;
    }
    Ok(())
}

fn array_headers(r: &AnalysisResults, arrays: &[usize]) -> Vec<String> {
    let mut headers = vec!["No.".to_string(), "Statement".to_string()];
    headers.extend(arrays.iter().map(|&a| fheader(&r.factors[a])));
    headers
}

fn array_widths(r: &AnalysisResults, arrays: &[usize]) -> Vec<f64> {
    let mut w = vec![6.0, text_width(r)];
    w.extend(
        arrays
            .iter()
            .map(|&a| (fheader(&r.factors[a]).chars().count() as f64 + 2.0).clamp(8.0, 24.0)),
    );
    w
}

fn factor_arrays(o: &mut Book, r: &AnalysisResults, arrays: &[usize]) -> Result<(), XlsxError> {
    o.sheet(
        "Factor Arrays",
        "Factor Q-Sort Values for Each Statement",
        |s| {
            if !s.fits(
                rows(r.input.statements),
                2 + arrays.len() as u64,
                STATEMENTS_INSTEAD,
            )? {
                return Ok(());
            }
            s.header(&array_headers(r, arrays), 2)?;
            for (i, id) in r.input.statement_ids.iter().enumerate() {
                let rr = FIRST_ROW + i as RowNum;
                s.int(rr, 0, *id as i64)?;
                s.text(rr, 1, statement_text(r, i))?;
                for (k, &a) in arrays.iter().enumerate() {
                    if let Some(array) = r.factors[a].array.as_ref() {
                        s.int(rr, 2 + k, array[i] as i64)?;
                    }
                }
            }
            s.widths(&array_widths(r, arrays))
        },
    )
}

fn consensus_disagreement(
    o: &mut Book,
    r: &AnalysisResults,
    arrays: &[usize],
) -> Result<(), XlsxError> {
    o.sheet(
        "Consensus-Disagreement",
        "Factor Q-Sort Values for Statements sorted by Consensus vs. Disagreement (Variance across Factor Z-Scores)",
        |s| {
            if !s.fits(
                rows(r.consensus_order.len()),
                3 + arrays.len() as u64,
                STATEMENTS_INSTEAD,
            )? {
                return Ok(());
            }
            let mut headers = array_headers(r, arrays);
            headers.push("Z-score variance".to_string());
            s.header(&headers, 2)?;
            for (k, spread) in r.consensus_order.iter().enumerate() {
                let Some(i) = statement_index(r, spread.statement) else {
                    continue;
                };
                let rr = FIRST_ROW + k as RowNum;
                s.int(rr, 0, spread.statement as i64)?;
                s.text(rr, 1, statement_text(r, i))?;
                for (c, &a) in arrays.iter().enumerate() {
                    if let Some(array) = r.factors[a].array.as_ref() {
                        s.int(rr, 2 + c, array[i] as i64)?;
                    }
                }
                s.num(rr, 2 + arrays.len(), spread.variance, Num::N3)?;
            }
            let mut w = array_widths(r, arrays);
            w.push(12.0);
            s.widths(&w)
        },
    )
}

/// Row labels of the characteristics sheet, in order.
pub const CHARACTERISTICS_ROWS: [&str; 6] = [
    "No. of Defining Variables",
    "Average Rel. Coef.",
    "Composite Reliability",
    "S.E. of Factor Z-Scores",
    "Eigenvalue",
    "% Explained Variance",
];

fn characteristics(o: &mut Book, r: &AnalysisResults) -> Result<(), XlsxError> {
    o.sheet("Factor Characteristics", "Factor Characteristics", |s| {
        if !s.fits(
            rows(CHARACTERISTICS_ROWS.len()),
            1 + r.factors.len() as u64,
            "results.json and tables/characteristics.csv hold them",
        )? {
            return Ok(());
        }
        let mut headers = vec![String::new()];
        headers.extend(r.factors.iter().map(fheader));
        s.header(&headers, 1)?;
        // row after row: a streamed sheet cannot go back to an earlier row
        for (k, label) in CHARACTERISTICS_ROWS.iter().enumerate() {
            let rr = FIRST_ROW + k as RowNum;
            s.bold(rr, 0, label)?;
            for (c, fr) in r.factors.iter().enumerate() {
                let col = 1 + c;
                match k {
                    0 => s.int(rr, col, fr.defining_sorts.len() as i64)?,
                    1 => s.num(rr, col, SORT_RELIABILITY, Num::N2)?,
                    2 => s.opt(rr, col, fr.composite_reliability, Num::N3)?,
                    3 => s.opt(rr, col, fr.se, Num::N3)?,
                    4 => s.num(rr, col, fr.eigenvalue, Num::N4)?,
                    _ => s.num(rr, col, fr.explained_variance, Num::N1)?,
                }
            }
        }
        let mut w = vec![28.0];
        w.extend(
            r.factors
                .iter()
                .map(|fr| (fheader(fr).chars().count() as f64 + 2.0).clamp(10.0, 30.0)),
        );
        s.widths(&w)
    })
}

fn standard_errors(o: &mut Book, r: &AnalysisResults, arrays: &[usize]) -> Result<(), XlsxError> {
    o.sheet(
        "Std Errors Diffs",
        "Standard Errors for Differences in Factor Z-Scores (diagonal: within a factor)",
        |s| factor_matrix(s, r, arrays, |a, b| r.sed[a][b], Num::N3),
    )
}

/// Q-sort value and z-score of every factor with an array, from column `col`.
fn qsv_z(
    s: &mut Sheet<'_>,
    r: &AnalysisResults,
    arrays: &[usize],
    rr: RowNum,
    col: usize,
    i: usize,
) -> Result<(), XlsxError> {
    for (k, &a) in arrays.iter().enumerate() {
        let fr = &r.factors[a];
        if let Some(array) = fr.array.as_ref() {
            s.int(rr, col + 2 * k, array[i] as i64)?;
        }
        s.opt(
            rr,
            col + 1 + 2 * k,
            fr.zscores.as_ref().map(|z| z[i]),
            Num::N3,
        )?;
    }
    Ok(())
}

fn qsv_z_headers(r: &AnalysisResults, arrays: &[usize]) -> Vec<String> {
    arrays
        .iter()
        .flat_map(|&a| {
            let h = fheader(&r.factors[a]);
            [
                format!("{h} Q-SV"),
                format!("{} Z-score", r.factors[a].name),
            ]
        })
        .collect()
}

fn distinguishing(
    o: &mut Book,
    r: &AnalysisResults,
    view: &ReportView,
    a: usize,
) -> Result<(), XlsxError> {
    let arrays = &view.arrays;
    let fr = &r.factors[a];
    o.sheet(
        &format!("Dist State {}", fr.name),
        &format!(
            "Distinguishing Statements for {} (p < .05; significance and direction of this factor)",
            fheader(fr)
        ),
        |s| {
            if !s.fits(
                rows(fr.distinguishing.len()),
                4 + 2 * arrays.len() as u64,
                "results.json and tables/distinguishing.csv hold them",
            )? {
                return Ok(());
            }
            let mut headers = vec![
                "No.".to_string(),
                "Statement".to_string(),
                "Significance".to_string(),
                "Direction".to_string(),
            ];
            headers.extend(qsv_z_headers(r, arrays));
            s.header(&headers, 2)?;
            for (k, d) in view.distinguishing[a].iter().enumerate() {
                let rr = FIRST_ROW + k as RowNum;
                s.int(rr, 0, d.id as i64)?;
                s.text(rr, 1, statement_text(r, d.statement))?;
                s.text(rr, 2, &crate::fmt::p_text(d.p))?;
                s.text(rr, 3, d.direction.as_str())?;
                qsv_z(s, r, arrays, rr, 4, d.statement)?;
            }
            let mut w = vec![6.0, text_width(r), 12.0, 10.0];
            for &b in arrays {
                w.push((fheader(&r.factors[b]).chars().count() as f64 + 7.0).clamp(9.0, 30.0));
                w.push(10.0);
            }
            s.widths(&w)
        },
    )
}

fn consensus(o: &mut Book, r: &AnalysisResults, view: &ReportView) -> Result<(), XlsxError> {
    let arrays = &view.arrays;
    o.sheet(
        "Consensus Statements",
        "Consensus Statements -- Those That Do Not Distinguish Between ANY Pair of Factors",
        |s| {
            if !s.fits(
                rows(r.consensus.len()),
                3 + 2 * arrays.len() as u64,
                "results.json and tables/consensus.csv hold them",
            )? {
                return Ok(());
            }
            let mut headers = vec![
                "No.".to_string(),
                "Statement".to_string(),
                "Non-significant at".to_string(),
            ];
            headers.extend(qsv_z_headers(r, arrays));
            s.header(&headers, 2)?;
            for (k, c) in view.consensus.iter().enumerate() {
                let rr = FIRST_ROW + k as RowNum;
                s.int(rr, 0, c.id as i64)?;
                s.text(rr, 1, statement_text(r, c.statement))?;
                s.text(rr, 2, if c.at_05() { "p > .05" } else { "p > .01" })?;
                qsv_z(s, r, arrays, rr, 3, c.statement)?;
            }
            let mut w = vec![6.0, text_width(r), 16.0];
            for &b in arrays {
                w.push((fheader(&r.factors[b]).chars().count() as f64 + 7.0).clamp(9.0, 30.0));
                w.push(10.0);
            }
            s.widths(&w)
        },
    )
}

fn crib_sheet(
    o: &mut Book,
    r: &AnalysisResults,
    view: &ReportView,
    sheet: &CribView,
) -> Result<(), XlsxError> {
    let a = sheet.factor;
    let fr = &r.factors[a];
    let Some(array) = fr.array.as_ref() else {
        return Ok(());
    };
    o.sheet(
        &format!("{} Crib Sheet", fr.name),
        &format!(
            "Crib Sheet for {}: relative ranking of statements",
            fheader(fr)
        ),
        |s| {
            let others = view.others(a);
            let labels: [&str; CRIB_GROUPS] = [
                "Highest ranked",
                "Ranked higher than in other factors",
                "Ranked lower than in other factors",
                "Lowest ranked",
            ];
            let height: usize = sheet.groups.iter().map(Vec::len).sum();
            if !s.fits(
                rows(height),
                4 + others.len() as u64,
                "results.json holds the crib sheet",
            )? {
                return Ok(());
            }
            let mut headers = vec![
                "Group".to_string(),
                "No.".to_string(),
                "Statement".to_string(),
                fheader(fr),
            ];
            headers.extend(others.iter().map(|&b| fheader(&r.factors[b])));
            s.header(&headers, 3)?;
            let mut rr = FIRST_ROW;
            for (label, rows) in labels.iter().zip(&sheet.groups) {
                for &i in rows {
                    s.text(rr, 0, label)?;
                    s.int(rr, 1, r.input.statement_ids[i] as i64)?;
                    s.text(rr, 2, statement_text(r, i))?;
                    s.int(rr, 3, array[i] as i64)?;
                    for (k, &b) in others.iter().enumerate() {
                        if let Some(ob) = r.factors[b].array.as_ref() {
                            s.int(rr, 4 + k, ob[i] as i64)?;
                        }
                    }
                    rr += 1;
                }
            }
            let mut w = vec![32.0, 6.0, text_width(r)];
            w.push((fheader(fr).chars().count() as f64 + 2.0).clamp(8.0, 24.0));
            w.extend(
                others.iter().map(|&b| {
                    (fheader(&r.factors[b]).chars().count() as f64 + 2.0).clamp(8.0, 24.0)
                }),
            );
            s.widths(&w)
        },
    )
}

fn groups(o: &mut Book, r: &AnalysisResults) -> Result<(), XlsxError> {
    let Some(groups) = r.groups.as_ref() else {
        return Ok(());
    };
    o.sheet(
        "Group Make-up",
        "Group make-up of each factor by participant attribute (qstudy addition)",
        |s| {
            let height: usize = groups
                .iter()
                .map(|g| g.levels.len() * g.factors.len())
                .sum();
            if !s.fits(
                rows(height),
                7,
                "results.json and tables/groups.csv hold the group make-up",
            )? {
                return Ok(());
            }
            s.header(
                &[
                    "Attribute".to_string(),
                    "Level".to_string(),
                    "Sorts".to_string(),
                    "Factor".to_string(),
                    "Defining sorts".to_string(),
                    "Mean loading".to_string(),
                    "Fisher p".to_string(),
                ],
                2,
            )?;
            s.column_formats(&[(2, Num::Int), (4, Num::Int), (5, Num::N3), (6, Num::N3)])?;
            let mut rr = FIRST_ROW;
            for g in groups {
                for (l, level) in g.levels.iter().enumerate() {
                    for gf in &g.factors {
                        s.text(rr, 0, &g.attribute)?;
                        s.text(rr, 1, level)?;
                        s.int(rr, 2, g.sorts_per_level.get(l).map_or(0, |n| *n) as i64)?;
                        let name = factor_index(r, &gf.factor)
                            .map_or_else(|| gf.factor.clone(), |a| fheader(&r.factors[a]));
                        s.text(rr, 3, &name)?;
                        s.int(rr, 4, gf.defining.get(l).map_or(0, |n| *n) as i64)?;
                        s.opt(rr, 5, gf.mean_loading.get(l).copied().flatten(), Num::N3)?;
                        s.opt(rr, 6, gf.fisher_p, Num::N3)?;
                        rr += 1;
                    }
                }
            }
            s.widths(&[14.0, 16.0, 8.0, 30.0, 14.0, 13.0, 10.0])
        },
    )
}

#[cfg(test)]
mod tests {
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

    #[test]
    fn free_distribution_and_groups_add_their_sheets() {
        let (mut r, ctx) = sample();
        r.input.free_distribution = true;
        let participants: Vec<qstudy_core::Participant> = r
            .input
            .sort_ids
            .iter()
            .enumerate()
            .map(|(i, id)| qstudy_core::Participant {
                id: id.clone(),
                attributes: [(
                    "role".to_string(),
                    if i % 2 == 0 { "a" } else { "b" }.to_string(),
                )]
                .into(),
            })
            .collect();
        qstudy_core::groups::attach_participants(&mut r, participants);
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
        r.warnings.push("é".repeat(MAX_TEXT + 10));
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
}

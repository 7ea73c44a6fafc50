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
//! (`rust_xlsxwriter`'s "low memory" worksheets), and the columns of the per-sort sheets carry
//! their number format (cells take it from the column instead of looking their format up one
//! by one). In large workbooks the per-sort tables' rows are kept compressed in memory instead
//! (`bulk`: about a quarter of their XML, 117 MB for 100,000 x 60). Time and memory are
//! linear in `sorts x statements`; nothing is `sorts x sorts` above [`crate::MATRIX_LIMIT`]
//! sorts.
//!
//! No sheet exceeds Excel's limits ([`MAX_ROWS`] rows, [`MAX_COLS`] columns, [`MAX_TEXT`]
//! characters per cell): a sheet that would is left empty but for its title and a note saying
//! why and where the numbers are instead (the sheet itself stays, so the order of the sheets
//! never changes), and the raw sorts beside a factor's scores are left out when its defining
//! sorts do not fit in the columns. Every such note is also listed in the overview and
//! returned by [`write_results_xlsx`] (`qstudy analyze` prints them as warnings). Longer texts
//! are clipped, ending with `…`. Workbooks of [`FAST_ZIP_VALUES`] values or more in their large
//! sheets are compressed faster, into larger files, and the data rows of their per-sort tables
//! are rendered by `bulk` instead of cell by cell (every text there an inline string): the
//! same sheets, cells and formats, with less work per cell (see the module).

use std::collections::HashMap;
use std::io::{Seek, Write};
use std::sync::Mutex;

use rayon::prelude::*;

use qstudy_core::AnalysisResults;
use qstudy_core::compare::SORT_RELIABILITY;
use qstudy_core::view::{CRIB_GROUPS, CribView, ReportView};
use rust_xlsxwriter::{
    ColNum, DocProperties, ExcelDateTime, Format, RowNum, Workbook, Worksheet, XlsxError,
};

use crate::fmt::grouped;
use crate::fmt::{factor_head, factor_index, statement_cell, statement_index};
use crate::{ReportContext, ReportError};
use qstudy_core::correlate::mean_sd_in_order;

mod bulk;
mod factors;
mod overview;
mod sorts;
mod statements;
#[cfg(test)]
mod tests;

pub use factors::CHARACTERISTICS_ROWS;
use factors::*;
use overview::overview;
use sorts::*;
use statements::*;

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

/// Whether the workbook is large: [`FAST_ZIP_VALUES`] values or more in its large sheets
/// (compressed faster, its tables' rows rendered by `bulk`).
fn large(r: &AnalysisResults) -> bool {
    let n = r.input.sorts;
    let correlations = match &r.correlation {
        Some(_) if n <= crate::MATRIX_LIMIT => n.saturating_mul(n),
        _ => 0,
    };
    n.saturating_mul(r.input.statements)
        .saturating_add(correlations)
        >= FAST_ZIP_VALUES
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

/// The number formats of the workbook, declared in the order a large workbook registers them
/// (`bulk::Xf::NUMBERS`).
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

    /// The formats in the order a large workbook registers them first ([`bulk::Xf`] gives
    /// their indices).
    fn registered(&self) -> impl Iterator<Item = &Format> {
        [&self.bold, &self.header]
            .into_iter()
            .chain(bulk::Xf::NUMBERS.map(|n| self.num(n)))
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
struct Book<'a, 's> {
    /// The workbook, shared by the books of sheets built at the same time (it only makes
    /// their worksheets).
    wb: &'a Mutex<Workbook>,
    f: &'a Formats,
    limits: Limits,
    rows: RowsMode,
    /// Where and how the tables' rows are compressed, in [`RowsMode::Bulk`].
    bulk: Option<bulk::Compression<'a, 's>>,
    /// What was left out, one line each.
    notes: Vec<String>,
    /// Finished worksheets, in order, each with its table's rows when [`RowsMode::Bulk`]
    /// rendered them.
    sheets: Vec<Built>,
}

/// A finished worksheet, its table's rendered rows ([`RowsMode::Bulk`]) and its columns'
/// format indices (column, index), checked against the saved sheet before the rows go in.
type Built = (Worksheet, Option<bulk::Finished>, Vec<(ColNum, u32)>);

/// What a workbook's build leaves: its notes and, when tables' rows are to be spliced in, the
/// saved skeleton and the tables.
type Saved = (Vec<String>, Option<(Vec<u8>, Vec<bulk::Table>)>);

/// How the cells of a workbook are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum RowsMode {
    /// Every cell through `rust_xlsxwriter`, in "low memory" sheets (text in the shared-string
    /// table): workbooks under [`FAST_ZIP_VALUES`].
    Cells,
    /// The data rows of the tables rendered by [`bulk::Rows`] and spliced into the sheets
    /// (constant-memory sheets, formats registered first): larger workbooks.
    Bulk,
    /// What [`RowsMode::Bulk`] stands for: the same sheets, every cell through
    /// `rust_xlsxwriter` (tests compare the two).
    #[cfg(test)]
    Reference,
}

impl<'s> Book<'_, 's> {
    /// Builds one sheet: its title in row 1, then `body`.
    fn sheet(
        &mut self,
        name: &str,
        title: &str,
        body: impl FnOnce(&mut Sheet<'_, 's>) -> Result<(), XlsxError>,
    ) -> Result<(), XlsxError> {
        let mut ws = {
            let mut wb = self.wb.lock().unwrap_or_else(|e| e.into_inner());
            match self.rows {
                RowsMode::Cells => wb.new_worksheet_with_low_memory()?,
                _ => wb.new_worksheet_with_constant_memory()?,
            }
        };
        ws.set_name(name)?;
        ws.write_string_with_format(0, 0, cell_text(title), &self.f.bold)?;
        let mut s = Sheet {
            ws,
            f: self.f,
            limits: self.limits,
            notes: &mut self.notes,
            name,
            columns: Vec::new(),
            bulk: self.bulk.as_ref(),
            table: None,
            finished: None,
        };
        body(&mut s)?;
        let columns = s
            .columns
            .iter()
            .enumerate()
            .filter_map(|(c, n)| n.map(|n| (c as ColNum, bulk::Xf::num(n))))
            .collect();
        self.sheets.push((s.ws, s.finished, columns));
        Ok(())
    }
}

/// A worksheet being filled: a title row, a header row, data rows, written row after row
/// (a streamed worksheet cannot go back to an earlier row).
struct Sheet<'a, 's> {
    ws: Worksheet,
    f: &'a Formats,
    limits: Limits,
    notes: &'a mut Vec<String>,
    name: &'a str,
    /// The number format of the columns given one by [`Sheet::column_formats`].
    columns: Vec<Option<Num>>,
    /// Where and how the table's rows are compressed, in [`RowsMode::Bulk`], where
    /// [`bulk::Rows`] renders them.
    bulk: Option<&'a bulk::Compression<'a, 's>>,
    /// The rows of the table being written by [`Sheet::table`], in [`RowsMode::Bulk`].
    table: Option<bulk::Rows<'a, 's>>,
    /// The table's rows once written.
    finished: Option<bulk::Finished>,
}

impl<'a, 's> Sheet<'a, 's> {
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

    /// Writes a table's data rows with `body` (one table per sheet, after its header row, rows
    /// in order, columns left to right within a row). In [`RowsMode::Bulk`] its cells are
    /// rendered by [`bulk::Rows`]; the rows after it, if any, are the sheet's again.
    fn table(
        &mut self,
        body: impl FnOnce(&mut Self) -> Result<(), XlsxError>,
    ) -> Result<(), XlsxError> {
        if let Some(compression) = self.bulk {
            if self.finished.is_some() || self.table.is_some() {
                return Err(XlsxError::ParameterError(format!(
                    "sheet '{}': a second table",
                    self.name
                )));
            }
            self.table = Some(bulk::Rows::new(compression));
        }
        let written = body(self);
        if let Some(table) = self.table.take() {
            self.finished = table.finish();
        }
        written
    }

    fn text(&mut self, row: RowNum, col: usize, s: &str) -> Result<(), XlsxError> {
        if s.is_empty() {
            return Ok(());
        }
        if let Some(t) = self.table.as_mut() {
            // text takes its column's format, as in `rust_xlsxwriter`
            let xf = match self.columns.get(col) {
                Some(&Some(n)) => bulk::Xf::num(n),
                _ => 0,
            };
            return t.text(row, col as ColNum, &cell_text(s), xf);
        }
        self.ws.write_string(row, col as ColNum, cell_text(s))?;
        Ok(())
    }

    fn bold(&mut self, row: RowNum, col: usize, s: &str) -> Result<(), XlsxError> {
        if let Some(t) = self.table.as_mut() {
            return t.text(row, col as ColNum, &cell_text(s), bulk::Xf::BOLD);
        }
        self.ws
            .write_string_with_format(row, col as ColNum, cell_text(s), &self.f.bold)?;
        Ok(())
    }

    fn num(&mut self, row: RowNum, col: usize, v: f64, fmt: Num) -> Result<(), XlsxError> {
        if let Some(t) = self.table.as_mut() {
            return t.number(row, col as ColNum, v, bulk::Xf::num(fmt));
        }
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
    let rows = if large(r) {
        RowsMode::Bulk
    } else {
        RowsMode::Cells
    };
    write_with(r, ctx, out, limits, rows)
}

fn write_with<W: Write + Seek + Send>(
    r: &AnalysisResults,
    ctx: &ReportContext,
    out: W,
    limits: Limits,
    rows: RowsMode,
) -> Result<Vec<String>, ReportError> {
    // Streamed worksheets keep their rows in anonymous temporary files (in the system's
    // temporary directory); `rust_xlsxwriter` reports a file it cannot create, but panics when
    // writing one fails (a full disk): that is turned into an error too.
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        build(r, ctx, out, limits, rows)
    }))
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
    rows: RowsMode,
) -> Result<Vec<String>, ReportError> {
    let fast = large(r);
    let level = if fast { 1 } else { 6 };
    let f = Formats::new();
    let wb = Mutex::new(new_workbook(ctx, fast, &f, rows)?);
    let mut out = Some(out);
    // The tables' rows are compressed on rayon's pool while the sheets are built and the
    // skeleton saved; the scope ends when every piece is done.
    let built = rayon::in_place_scope(|scope| -> Result<Saved, ReportError> {
        let compression = (rows == RowsMode::Bulk).then(|| bulk::Compression::new(scope, level));
        let book = || Book {
            wb: &wb,
            f: &f,
            limits,
            rows,
            bulk: compression.clone(),
            notes: Vec::new(),
            sheets: Vec::new(),
        };
        let view = ReportView::new(r);
        let content = Content::new(r, ctx, &view);
        let mut o = book();
        if rows == RowsMode::Cells {
            for group in SheetGroup::ALL {
                content.build(group, &mut o)?;
            }
        } else {
            let parts = SheetGroup::ALL
                .par_iter()
                .map(|&group| {
                    let mut part = book();
                    content.build(group, &mut part)?;
                    Ok((part.sheets, part.notes))
                })
                .collect::<Result<Vec<_>, XlsxError>>()?;
            for (sheets, notes) in parts {
                o.sheets.extend(sheets);
                o.notes.extend(notes);
            }
        }
        overview(&mut o, r, ctx)?;
        let Book { sheets, notes, .. } = o;
        let mut wb = wb.lock().unwrap_or_else(|e| e.into_inner());
        let tables = push_sheets(&mut wb, sheets);
        if tables.is_empty() {
            if let Some(out) = out.take() {
                wb.save_to_writer(out)?;
            }
            return Ok((notes, None));
        }
        let mut skeleton = std::io::Cursor::new(Vec::new());
        wb.save_to_writer(&mut skeleton)?;
        Ok((notes, Some((skeleton.into_inner(), tables))))
    })?;
    let (notes, spliced) = built;
    if let (Some((skeleton, tables)), Some(out)) = (spliced, out) {
        bulk::splice(&skeleton, tables, level, out)?;
    }
    Ok(notes)
}

/// An empty workbook with the document's title, a fixed creation date (the same bytes on
/// every run), the compression level of its size, and (unless every cell is written through
/// `rust_xlsxwriter`) every format registered first.
fn new_workbook(
    ctx: &ReportContext,
    fast: bool,
    f: &Formats,
    rows: RowsMode,
) -> Result<Workbook, XlsxError> {
    let mut wb = Workbook::new();
    let epoch = ExcelDateTime::from_ymd(2000, 1, 1)?;
    wb.set_properties(
        &DocProperties::new()
            .set_title(ctx.title.as_deref().unwrap_or("qstudy results"))
            .set_creation_datetime(&epoch),
    );
    if fast {
        wb.set_zip_compression_level(1);
    }
    if rows != RowsMode::Cells {
        // every format registered first, in a fixed order, so that rendered rows know their
        // indices (`bulk::Xf`): a sheet that is never saved registers them
        let mut first = wb.new_worksheet_with_constant_memory()?;
        for (c, format) in f.registered().enumerate() {
            first.set_column_format(c as ColNum, format)?;
        }
    }
    Ok(wb)
}

/// Puts the built sheets into the workbook, the overview (built last) first; the tables whose
/// rows are to be spliced in, by their sheet's place.
fn push_sheets(wb: &mut Workbook, mut sheets: Vec<Built>) -> Vec<bulk::Table> {
    sheets.rotate_right(1);
    let mut tables = Vec::new();
    for (i, (ws, rows, columns)) in sheets.into_iter().enumerate() {
        wb.push_worksheet(ws);
        if let Some(rows) = rows {
            tables.push(bulk::Table {
                sheet: i + 1,
                rows,
                columns,
            });
        }
    }
    tables
}

/// The sheets after the overview, in their order, in groups. A large workbook builds the
/// groups at the same time, each into a book of its own (their sheets share nothing: formats
/// registered first, text inline), and puts them together in this order; a small one builds
/// them one after the other into one book (its formats and shared strings are numbered as they
/// first appear).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SheetGroup {
    /// The statements and the sorts.
    Sorts,
    /// The correlations between sorts.
    Correlations,
    /// The unrotated factors and their cumulative variance.
    Unrotated,
    /// The rotated loadings.
    Loadings,
    /// Each factor's scores, and the tables comparing the factors.
    Factors,
    /// The statements' tables: characteristics, errors, distinguishing, consensus, crib
    /// sheets, groups.
    Statements,
}

impl SheetGroup {
    const ALL: [SheetGroup; 6] = [
        SheetGroup::Sorts,
        SheetGroup::Correlations,
        SheetGroup::Unrotated,
        SheetGroup::Loadings,
        SheetGroup::Factors,
        SheetGroup::Statements,
    ];
}

/// What the sheets are built from.
struct Content<'r> {
    r: &'r AnalysisResults,
    ctx: &'r ReportContext,
    view: &'r ReportView,
    /// Each sort's index by id, for the sheets that list defining sorts.
    index: HashMap<&'r str, usize>,
}

impl<'r> Content<'r> {
    fn new(r: &'r AnalysisResults, ctx: &'r ReportContext, view: &'r ReportView) -> Self {
        let mut index: HashMap<&str, usize> = HashMap::with_capacity(r.input.sort_ids.len());
        for (i, id) in r.input.sort_ids.iter().enumerate() {
            index.entry(id.as_str()).or_insert(i);
        }
        Content {
            r,
            ctx,
            view,
            index,
        }
    }

    /// Builds `group`'s sheets into `o`.
    fn build(&self, group: SheetGroup, o: &mut Book) -> Result<(), XlsxError> {
        let (r, ctx, view) = (self.r, self.ctx, self.view);
        let arrays = &view.arrays;
        match group {
            SheetGroup::Sorts => {
                statements(o, r)?;
                if let Some(sorts) = ctx.sorts.as_ref() {
                    qsorts(o, r, sorts)?;
                }
            }
            SheetGroup::Correlations => {
                if r.correlation.is_some() {
                    correlation(o, r)?;
                }
            }
            SheetGroup::Unrotated => {
                unrotated(o, r)?;
                cumulative(o, r)?;
            }
            SheetGroup::Loadings => {
                loadings(o, r)?;
                loadings_table(o, r)?;
                if r.input.free_distribution {
                    free_distribution(o, r, ctx)?;
                }
            }
            SheetGroup::Factors => {
                if !arrays.is_empty() {
                    score_ranks(o, r, arrays)?;
                    score_correlations(o, r, arrays)?;
                    for &a in arrays {
                        factor_sheets(o, r, ctx, &self.index, a)?;
                    }
                    differences(o, r)?;
                    factor_arrays(o, r, arrays)?;
                    consensus_disagreement(o, r, arrays)?;
                }
            }
            SheetGroup::Statements => self.statement_sheets(o)?,
        }
        Ok(())
    }

    fn statement_sheets(&self, o: &mut Book) -> Result<(), XlsxError> {
        let (r, view) = (self.r, self.view);
        let arrays = &view.arrays;
        characteristics(o, r)?;
        if !arrays.is_empty() {
            standard_errors(o, r, arrays)?;
        }
        if arrays.len() >= 2 {
            for &a in arrays {
                distinguishing(o, r, view, a)?;
            }
            consensus(o, r, view)?;
        }
        for sheet in &view.crib_sheets {
            crib_sheet(o, r, view, sheet)?;
        }
        if r.groups.is_some() {
            groups(o, r)?;
        }
        Ok(())
    }
}

//! `tables/*.csv`: the main tables as plain CSV for R, Python or a spreadsheet. Numbers are
//! written at full precision (the shortest text that reads back to the same `f64`), booleans as
//! `true`/`false`, missing values as empty fields; comma-separated, LF line ends, a header row.
//! A text cell (sort id, statement text, label...) that a spreadsheet would run as a formula
//! is written with a leading apostrophe ([`spreadsheet_safe`]).
//!
//! | file | one row per | columns |
//! |---|---|---|
//! | `loadings.csv` | sort | `sort`, then `F1`, `F1_flag`, `F2`, `F2_flag`, ... (viewpoint columns; `_flag` true = defining sort), `communality` |
//! | `scores.csv` | statement | `statement`, `text`, then `F1_z`, `F1_array`, `F1_rank`, ... (factors with an array) |
//! | `distinguishing.csv` | factor and statement | `factor`, `label`, `statement`, `text`, `p`, `direction`, `z`, `array` |
//! | `consensus.csv` | consensus statement | `statement`, `text`, `nonsignificant_at`, then `F1_z`, `F1_array`, ... |
//! | `characteristics.csv` | factor | `factor`, `label`, `defining_sorts`, `average_reliability`, `composite_reliability`, `se`, `eigenvalue`, `explained_variance` |
//! | `groups.csv` (with participant attributes) | attribute, level and factor | `attribute`, `level`, `sorts`, `factor`, `label`, `defining`, `mean_loading`, `fisher_p` |

use std::borrow::Cow;
use std::fmt::Write as _;
use std::io::Write;

use qstudy_core::AnalysisResults;
use qstudy_core::compare::SORT_RELIABILITY;

use crate::fmt::{statement_cell, statement_index, with_array};
use crate::{ReportError, ReportFile};

/// A text cell made safe to open in a spreadsheet (CSV injection, as OWASP recommends): a text
/// that starts with `=`, `+`, `-`, `@`, a tab or a carriage return and is not a plain number
/// gets a leading apostrophe, so that Excel, LibreOffice or Google Sheets show it as text
/// instead of running it as a formula. Anything else is returned as it is.
///
/// ```
/// use qstudy_report::tables::spreadsheet_safe;
/// assert_eq!(spreadsheet_safe("=HYPERLINK(\"http://x\")"), "'=HYPERLINK(\"http://x\")");
/// assert_eq!(spreadsheet_safe("@SUM(A1)"), "'@SUM(A1)");
/// assert_eq!(spreadsheet_safe("-3"), "-3"); // a number stays a number
/// assert_eq!(spreadsheet_safe("+2.5e-3"), "+2.5e-3");
/// assert_eq!(spreadsheet_safe("-1+1"), "'-1+1");
/// assert_eq!(spreadsheet_safe("Trust matters"), "Trust matters");
/// ```
pub fn spreadsheet_safe(text: &str) -> Cow<'_, str> {
    match text.as_bytes().first() {
        Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r') if !is_plain_number(text) => {
            Cow::Owned(format!("'{text}"))
        }
        _ => Cow::Borrowed(text),
    }
}

/// A decimal number: optional sign, digits with an optional fraction, optional exponent.
fn is_plain_number(text: &str) -> bool {
    let b = text.as_bytes();
    let mut i = usize::from(matches!(b.first(), Some(b'+' | b'-')));
    let digits = |i: &mut usize| {
        let start = *i;
        while b.get(*i).is_some_and(u8::is_ascii_digit) {
            *i += 1;
        }
        *i - start
    };
    let mut n = digits(&mut i);
    if b.get(i) == Some(&b'.') {
        i += 1;
        n += digits(&mut i);
    }
    if n == 0 {
        return false;
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        if digits(&mut i) == 0 {
            return false;
        }
    }
    i == b.len()
}

/// One CSV table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CsvTable {
    /// `tables/loadings.csv`: one row per sort.
    Loadings,
    /// `tables/scores.csv`: one row per statement.
    Scores,
    /// `tables/distinguishing.csv`: one row per factor and distinguishing statement.
    Distinguishing,
    /// `tables/consensus.csv`: one row per consensus statement.
    Consensus,
    /// `tables/characteristics.csv`: one row per factor.
    Characteristics,
    /// `tables/groups.csv`: one row per attribute, level and factor.
    Groups,
}

impl CsvTable {
    /// The table's path in the output directory (`tables/loadings.csv`, ...).
    pub fn path(self) -> &'static str {
        match self {
            CsvTable::Loadings => "tables/loadings.csv",
            CsvTable::Scores => "tables/scores.csv",
            CsvTable::Distinguishing => "tables/distinguishing.csv",
            CsvTable::Consensus => "tables/consensus.csv",
            CsvTable::Characteristics => "tables/characteristics.csv",
            CsvTable::Groups => "tables/groups.csv",
        }
    }

    /// The tables of `r`, in order: every table, `groups.csv` only when the results have a
    /// group comparison.
    pub fn of(r: &AnalysisResults) -> Vec<CsvTable> {
        let mut tables = vec![
            CsvTable::Loadings,
            CsvTable::Scores,
            CsvTable::Distinguishing,
            CsvTable::Consensus,
            CsvTable::Characteristics,
        ];
        if r.groups.is_some() {
            tables.push(CsvTable::Groups);
        }
        tables
    }
}

/// `tables/loadings.csv`, `scores.csv`, `distinguishing.csv`, `consensus.csv`,
/// `characteristics.csv`, and `groups.csv` when the results have a group comparison, built in
/// memory.
pub fn csv_tables(r: &AnalysisResults) -> Result<Vec<ReportFile>, ReportError> {
    CsvTable::of(r)
        .into_iter()
        .map(|table| {
            let mut bytes = Vec::new();
            write_csv_table(r, table, &mut bytes)?;
            Ok(ReportFile {
                path: table.path().to_string(),
                bytes,
            })
        })
        .collect()
}

/// Writes one table to `out`, row after row (nothing but the current row is held in memory).
pub fn write_csv_table<W: Write>(
    r: &AnalysisResults,
    table: CsvTable,
    out: W,
) -> Result<(), ReportError> {
    let mut rows = Rows {
        w: csv::WriterBuilder::new()
            .terminator(csv::Terminator::Any(b'\n'))
            .from_writer(out),
        buf: String::new(),
    };
    match table {
        CsvTable::Loadings => loadings(r, &mut rows),
        CsvTable::Scores => scores(r, &mut rows),
        CsvTable::Distinguishing => distinguishing(r, &mut rows),
        CsvTable::Consensus => consensus(r, &mut rows),
        CsvTable::Characteristics => characteristics(r, &mut rows),
        CsvTable::Groups => groups(r, &mut rows),
    }
    .and_then(|()| rows.w.flush().map_err(csv::Error::from))
    .map_err(|source| ReportError::Csv {
        file: table.path().to_string(),
        source,
    })
}

/// A CSV writer taking one field at a time.
struct Rows<W: Write> {
    w: csv::Writer<W>,
    /// Reused to format numbers.
    buf: String,
}

type Csv = Result<(), csv::Error>;

impl<W: Write> Rows<W> {
    /// A text cell, made safe for a spreadsheet ([`spreadsheet_safe`]).
    fn text(&mut self, s: &str) -> Csv {
        self.w.write_field(spreadsheet_safe(s).as_bytes())
    }

    /// A number at full precision: the shortest text that reads back to the same `f64`.
    fn num(&mut self, x: f64) -> Csv {
        self.display(x)
    }

    /// A number, or an empty field for none.
    fn opt(&mut self, x: Option<f64>) -> Csv {
        self.opt_display(x)
    }

    /// A value, or an empty field for none.
    fn opt_display(&mut self, x: Option<impl std::fmt::Display>) -> Csv {
        match x {
            Some(x) => self.display(x),
            None => self.text(""),
        }
    }

    fn display(&mut self, x: impl std::fmt::Display) -> Csv {
        self.buf.clear();
        let _ = write!(self.buf, "{x}");
        self.w.write_field(&self.buf)
    }

    /// Ends the row.
    fn end(&mut self) -> Csv {
        self.w.write_record(None::<&[u8]>)
    }

    fn header(&mut self, names: &[&str]) -> Csv {
        for n in names {
            self.text(n)?;
        }
        self.end()
    }
}

fn loadings<W: Write>(r: &AnalysisResults, w: &mut Rows<W>) -> Csv {
    w.text("sort")?;
    for f in &r.factors {
        w.text(&f.name)?;
        w.text(&format!("{}_flag", f.name))?;
    }
    w.text("communality")?;
    w.end()?;
    for (i, id) in r.input.sort_ids.iter().enumerate() {
        w.text(id)?;
        for c in 0..r.factors.len() {
            w.opt(r.factor_loadings.get(i).and_then(|l| l.get(c)).copied())?;
            let flagged = r.flags.get(i).and_then(|f| f.get(c)) == Some(&true);
            w.text(if flagged { "true" } else { "false" })?;
        }
        w.opt(r.rotated.communalities.get(i).copied())?;
        w.end()?;
    }
    Ok(())
}

fn scores<W: Write>(r: &AnalysisResults, w: &mut Rows<W>) -> Csv {
    let arrays = with_array(r);
    w.text("statement")?;
    w.text("text")?;
    for &f in &arrays {
        let name = &r.factors[f].name;
        w.text(&format!("{name}_z"))?;
        w.text(&format!("{name}_array"))?;
        w.text(&format!("{name}_rank"))?;
    }
    w.end()?;
    for (s, id) in r.input.statement_ids.iter().enumerate() {
        w.display(id)?;
        w.text(statement_cell(r, s))?;
        for &f in &arrays {
            let fr = &r.factors[f];
            w.opt(fr.zscores.as_ref().map(|z| z[s]))?;
            w.opt_display(fr.array.as_ref().map(|a| a[s]))?;
            w.opt_display(fr.ranks.as_ref().map(|k| k[s]))?;
        }
        w.end()?;
    }
    Ok(())
}

fn distinguishing<W: Write>(r: &AnalysisResults, w: &mut Rows<W>) -> Csv {
    w.header(&[
        "factor",
        "label",
        "statement",
        "text",
        "p",
        "direction",
        "z",
        "array",
    ])?;
    for f in &r.factors {
        for d in &f.distinguishing {
            let s = statement_index(r, d.statement);
            w.text(&f.name)?;
            w.text(f.label.as_deref().unwrap_or(""))?;
            w.display(d.statement)?;
            w.text(s.map_or("", |s| statement_cell(r, s)))?;
            w.num(d.p)?;
            w.text(d.direction.as_str())?;
            w.opt(s.and_then(|s| f.zscores.as_ref().map(|z| z[s])))?;
            w.opt_display(s.and_then(|s| f.array.as_ref().map(|a| a[s])))?;
            w.end()?;
        }
    }
    Ok(())
}

fn consensus<W: Write>(r: &AnalysisResults, w: &mut Rows<W>) -> Csv {
    let arrays = with_array(r);
    w.text("statement")?;
    w.text("text")?;
    w.text("nonsignificant_at")?;
    for &f in &arrays {
        let name = &r.factors[f].name;
        w.text(&format!("{name}_z"))?;
        w.text(&format!("{name}_array"))?;
    }
    w.end()?;
    for c in qstudy_core::view::ReportView::new(r).consensus {
        let s = c.statement;
        w.display(c.id)?;
        w.text(statement_cell(r, s))?;
        w.num(c.nonsignificant_at)?;
        for &f in &arrays {
            let fr = &r.factors[f];
            w.opt(fr.zscores.as_ref().map(|z| z[s]))?;
            w.opt_display(fr.array.as_ref().map(|a| a[s]))?;
        }
        w.end()?;
    }
    Ok(())
}

fn characteristics<W: Write>(r: &AnalysisResults, w: &mut Rows<W>) -> Csv {
    w.header(&[
        "factor",
        "label",
        "defining_sorts",
        "average_reliability",
        "composite_reliability",
        "se",
        "eigenvalue",
        "explained_variance",
    ])?;
    for f in &r.factors {
        w.text(&f.name)?;
        w.text(f.label.as_deref().unwrap_or(""))?;
        w.display(f.defining_sorts.len())?;
        w.num(SORT_RELIABILITY)?;
        w.opt(f.composite_reliability)?;
        w.opt(f.se)?;
        w.num(f.eigenvalue)?;
        w.num(f.explained_variance)?;
        w.end()?;
    }
    Ok(())
}

fn groups<W: Write>(r: &AnalysisResults, w: &mut Rows<W>) -> Csv {
    let Some(groups) = r.groups.as_ref() else {
        return Ok(());
    };
    w.header(&[
        "attribute",
        "level",
        "sorts",
        "factor",
        "label",
        "defining",
        "mean_loading",
        "fisher_p",
    ])?;
    for g in groups {
        for (l, level) in g.levels.iter().enumerate() {
            for gf in &g.factors {
                let label = crate::fmt::factor_index(r, &gf.factor)
                    .and_then(|f| r.factors[f].label.as_deref())
                    .unwrap_or("");
                w.text(&g.attribute)?;
                w.text(level)?;
                w.display(g.sorts_per_level.get(l).map_or(0, |n| *n))?;
                w.text(&gf.factor)?;
                w.text(label)?;
                w.display(gf.defining.get(l).map_or(0, |n| *n))?;
                w.opt(gf.mean_loading.get(l).copied().flatten())?;
                w.opt(gf.fisher_p)?;
                w.end()?;
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testdata::sample;

    fn read(file: &ReportFile) -> Vec<csv::StringRecord> {
        csv::Reader::from_reader(file.bytes.as_slice())
            .records()
            .map(|r| r.unwrap())
            .collect()
    }

    #[test]
    fn loadings_and_scores_read_back_at_full_precision() {
        let (r, _) = sample();
        let files = csv_tables(&r).unwrap();
        let loadings = &files[0];
        assert_eq!(loadings.path, "tables/loadings.csv");
        let header = String::from_utf8(loadings.bytes.clone()).unwrap();
        assert!(header.starts_with("sort,F1,F1_flag,F2,F2_flag,communality\n"));
        for (i, rec) in read(loadings).iter().enumerate() {
            assert_eq!(&rec[0], r.input.sort_ids[i].as_str());
            for c in 0..2 {
                let v: f64 = rec[1 + 2 * c].parse().unwrap();
                assert_eq!(v, r.factor_loadings[i][c]);
                assert_eq!(rec[2 + 2 * c].parse::<bool>().unwrap(), r.flags[i][c]);
            }
        }
        let scores = read(&files[1]);
        assert_eq!(scores.len(), r.input.statements);
        for (s, rec) in scores.iter().enumerate() {
            let z: f64 = rec[2].parse().unwrap();
            assert_eq!(z, r.factors[0].zscores.as_ref().unwrap()[s]);
            assert_eq!(
                rec[3].parse::<i32>().unwrap(),
                r.factors[0].array.as_ref().unwrap()[s]
            );
        }
    }

    /// A writer that accepts `room` bytes, then fails.
    struct Full {
        room: usize,
    }

    impl std::io::Write for Full {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            if self.room < buf.len() {
                return Err(std::io::Error::other("disk full"));
            }
            self.room -= buf.len();
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn a_failing_writer_is_an_error_naming_the_table() {
        let (r, _) = sample();
        let e = write_csv_table(&r, CsvTable::Loadings, Full { room: 10 }).unwrap_err();
        assert!(e.to_string().starts_with("tables/loadings.csv: "), "{e}");
        assert!(e.to_string().contains("disk full"), "{e}");
    }

    #[test]
    fn characteristics_have_one_row_per_factor() {
        let (r, _) = sample();
        let files = csv_tables(&r).unwrap();
        let rows = read(&files[4]);
        assert_eq!(rows.len(), r.factors.len());
        assert_eq!(&rows[0][0], "F1");
        assert_eq!(
            rows[0][4].parse::<f64>().unwrap(),
            r.factors[0].composite_reliability.unwrap()
        );
        assert!(!files.iter().any(|f| f.path == "tables/groups.csv"));
    }
}

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

use qstudy_core::AnalysisResults;
use qstudy_core::analysis::FactorResult;
use qstudy_core::compare::SORT_RELIABILITY;
use rust_xlsxwriter::{
    ColNum, DocProperties, ExcelDateTime, Format, RowNum, Workbook, Worksheet, XlsxError,
};

use crate::fmt::{factor_index, mean_sd, statement_index, statement_text, with_array};
use crate::{ReportContext, ReportError};

/// Row of the column headers (0-based); data start on the next row.
pub const HEADER_ROW: RowNum = 1;
/// First data row (0-based).
pub const FIRST_ROW: RowNum = 2;

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
}

/// A worksheet being filled: a title row, a header row, data rows.
struct Sheet<'a> {
    ws: &'a mut Worksheet,
    f: &'a Formats,
}

impl<'a> Sheet<'a> {
    fn new(
        wb: &'a mut Workbook,
        f: &'a Formats,
        name: &str,
        title: &str,
    ) -> Result<Self, XlsxError> {
        let ws = wb.add_worksheet();
        ws.set_name(name)?;
        ws.write_string_with_format(0, 0, title, &f.bold)?;
        Ok(Sheet { ws, f })
    }

    /// Writes the header row and freezes the rows above the data and `frozen_cols` columns.
    fn header(&mut self, headers: &[String], frozen_cols: ColNum) -> Result<(), XlsxError> {
        for (c, h) in headers.iter().enumerate() {
            self.ws
                .write_string_with_format(HEADER_ROW, c as ColNum, h, &self.f.header)?;
        }
        self.ws.set_freeze_panes(FIRST_ROW, frozen_cols)?;
        Ok(())
    }

    fn text(&mut self, row: RowNum, col: usize, s: &str) -> Result<(), XlsxError> {
        if !s.is_empty() {
            self.ws.write_string(row, col as ColNum, s)?;
        }
        Ok(())
    }

    fn bold(&mut self, row: RowNum, col: usize, s: &str) -> Result<(), XlsxError> {
        self.ws
            .write_string_with_format(row, col as ColNum, s, &self.f.bold)?;
        Ok(())
    }

    fn num(&mut self, row: RowNum, col: usize, v: f64, fmt: &Format) -> Result<(), XlsxError> {
        self.ws
            .write_number_with_format(row, col as ColNum, v, fmt)?;
        Ok(())
    }

    fn opt(
        &mut self,
        row: RowNum,
        col: usize,
        v: Option<f64>,
        fmt: &Format,
    ) -> Result<(), XlsxError> {
        match v {
            Some(v) => self.num(row, col, v, fmt),
            None => Ok(()),
        }
    }

    fn int(&mut self, row: RowNum, col: usize, v: i64) -> Result<(), XlsxError> {
        let fmt = &self.f.int.clone();
        self.num(row, col, v as f64, fmt)
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
        .max(8)
        + 2) as f64
}

/// Builds `results.xlsx`. `ctx` gives the study title (overview) and, optionally, the sorts'
/// values (the "Q sorts" and "Free Dist" sheets, and the raw sorts beside each factor's
/// scores).
pub fn results_xlsx(r: &AnalysisResults, ctx: &ReportContext) -> Result<Vec<u8>, ReportError> {
    let mut wb = Workbook::new();
    let epoch = ExcelDateTime::from_ymd(2000, 1, 1)?;
    wb.set_properties(
        &DocProperties::new()
            .set_title(ctx.title.as_deref().unwrap_or("qstudy results"))
            .set_creation_datetime(&epoch),
    );
    let f = Formats::new();
    let arrays = with_array(r);
    overview(&mut wb, &f, r, ctx)?;
    statements(&mut wb, &f, r)?;
    if let Some(sorts) = ctx.sorts.as_ref() {
        qsorts(&mut wb, &f, r, sorts)?;
    }
    if r.correlation.is_some() {
        correlation(&mut wb, &f, r)?;
    }
    unrotated(&mut wb, &f, r)?;
    cumulative(&mut wb, &f, r)?;
    loadings(&mut wb, &f, r)?;
    loadings_table(&mut wb, &f, r)?;
    if r.input.free_distribution {
        free_distribution(&mut wb, &f, r, ctx)?;
    }
    if !arrays.is_empty() {
        score_ranks(&mut wb, &f, r, &arrays)?;
        score_correlations(&mut wb, &f, r, &arrays)?;
        for &a in &arrays {
            factor_sheets(&mut wb, &f, r, ctx, a)?;
        }
        differences(&mut wb, &f, r)?;
        factor_arrays(&mut wb, &f, r, &arrays)?;
        consensus_disagreement(&mut wb, &f, r, &arrays)?;
    }
    characteristics(&mut wb, &f, r)?;
    if !arrays.is_empty() {
        standard_errors(&mut wb, &f, r, &arrays)?;
    }
    if arrays.len() >= 2 {
        for &a in &arrays {
            distinguishing(&mut wb, &f, r, &arrays, a)?;
        }
        consensus(&mut wb, &f, r, &arrays)?;
    }
    for sheet in &r.crib_sheets {
        if let Some(a) = factor_index(r, &sheet.factor) {
            crib_sheet(&mut wb, &f, r, &arrays, a)?;
        }
    }
    if r.groups.is_some() {
        groups(&mut wb, &f, r)?;
    }
    Ok(wb.save_to_buffer()?)
}

fn overview(
    wb: &mut Workbook,
    f: &Formats,
    r: &AnalysisResults,
    ctx: &ReportContext,
) -> Result<(), XlsxError> {
    let mut s = Sheet::new(wb, f, "Overview", "Project Overview")?;
    let o = &r.options;
    let grid: Vec<String> = r
        .input
        .grid
        .iter()
        .map(|g| format!("{:+}:{}", g[0], g[1]))
        .collect();
    let steps: Vec<String> = o
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
    let mut rows: Vec<(&str, String)> = vec![
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
        ("Correlation", o.correlation.to_string()),
        ("Extraction", o.extraction.to_string()),
        ("Factors extracted", o.extracted.to_string()),
        ("Factors kept", o.factors.to_string()),
        (
            "Rotation",
            if o.rotation == qstudy_core::Rotation::Varimax {
                format!("varimax ({})", o.varimax_method.as_str())
            } else {
                o.rotation.to_string()
            },
        ),
        ("Judgmental rotation (A,B,degrees)", steps.join("; ")),
        ("Flagging p", o.flag_p.to_string()),
        ("Majority rule", o.flag_majority.to_string()),
        ("Automatic flagging", o.flag_automatic.to_string()),
        ("Flagged by hand", edits(&o.manual_flags)),
        ("Unflagged by hand", edits(&o.manual_unflags)),
        ("Inverted factors", list(&o.inverted)),
        ("Split factors", list(&o.split)),
    ];
    for fr in &r.factors {
        rows.push((
            "Factor",
            match &fr.label {
                Some(l) => format!("{}: {l}", fr.name),
                None => fr.name.clone(),
            },
        ));
    }
    for w in &r.warnings {
        rows.push(("Warning", w.clone()));
    }
    rows.push((
        "Written by",
        format!("qstudy {}", env!("CARGO_PKG_VERSION")),
    ));
    s.header(&["Item".to_string(), "Value".to_string()], 1)?;
    for (i, (k, v)) in rows.iter().enumerate() {
        let row = FIRST_ROW + i as RowNum;
        s.bold(row, 0, k)?;
        s.text(row, 1, v)?;
    }
    s.widths(&[34.0, 90.0])
}

fn statements(wb: &mut Workbook, f: &Formats, r: &AnalysisResults) -> Result<(), XlsxError> {
    let mut s = Sheet::new(wb, f, "Statements", "Statements")?;
    s.header(&["No.".to_string(), "Statement".to_string()], 1)?;
    for (i, id) in r.input.statement_ids.iter().enumerate() {
        let row = FIRST_ROW + i as RowNum;
        s.int(row, 0, *id as i64)?;
        s.text(row, 1, statement_text(r, i))?;
    }
    s.widths(&[8.0, text_width(r)])
}

fn qsorts(
    wb: &mut Workbook,
    f: &Formats,
    r: &AnalysisResults,
    sorts: &[Vec<f64>],
) -> Result<(), XlsxError> {
    let mut s = Sheet::new(wb, f, "Q sorts", "Q-sorts (statements in columns)")?;
    let mut headers = vec!["Nm".to_string(), "Q sort".to_string()];
    headers.extend(r.input.statement_ids.iter().map(|id| format!("S{id}")));
    headers.push("Mean".to_string());
    headers.push("St. Dev.".to_string());
    s.header(&headers, 2)?;
    let m = r.input.statements;
    for (i, values) in sorts.iter().enumerate() {
        let row = FIRST_ROW + i as RowNum;
        s.int(row, 0, i as i64 + 1)?;
        s.text(row, 1, r.input.sort_ids.get(i).map_or("", String::as_str))?;
        for (j, v) in values.iter().enumerate() {
            s.int(row, 2 + j, *v as i64)?;
        }
        let (mean, sd) = mean_sd(values);
        s.num(row, 2 + m, mean, &f.n3)?;
        s.num(row, 3 + m, sd, &f.n3)?;
    }
    let mut w = vec![6.0, id_width(r)];
    w.extend(std::iter::repeat_n(5.0, m));
    w.extend([8.0, 8.0]);
    s.widths(&w)
}

fn correlation(wb: &mut Workbook, f: &Formats, r: &AnalysisResults) -> Result<(), XlsxError> {
    let Some(c) = r.correlation.as_ref() else {
        return Ok(());
    };
    let mut s = Sheet::new(
        wb,
        f,
        "Correlation Matrix",
        "Correlation Matrix Between Sorts",
    )?;
    if c.len() > crate::MATRIX_LIMIT {
        let note = format!(
            "Not written for {} sorts (more than {}): results.json holds the matrix.",
            c.len(),
            crate::MATRIX_LIMIT
        );
        return s.text(HEADER_ROW, 0, &note);
    }
    let mut headers = vec!["Nm".to_string(), "Q sort".to_string()];
    headers.extend(r.input.sort_ids.iter().cloned());
    s.header(&headers, 2)?;
    for (i, row) in c.iter().enumerate() {
        let rr = FIRST_ROW + i as RowNum;
        s.int(rr, 0, i as i64 + 1)?;
        s.text(rr, 1, &r.input.sort_ids[i])?;
        for (j, v) in row.iter().enumerate() {
            s.num(rr, 2 + j, *v, &f.n4)?;
        }
    }
    let mut w = vec![6.0, id_width(r)];
    w.extend(std::iter::repeat_n(9.0, c.len()));
    s.widths(&w)
}

/// A sorts x factors sheet of numbers with extra labelled rows below.
fn sort_matrix(
    s: &mut Sheet<'_>,
    r: &AnalysisResults,
    columns: &[String],
    values: &[Vec<f64>],
    footer: &[(&str, Vec<f64>, &Format)],
) -> Result<(), XlsxError> {
    let mut headers = vec!["Nm".to_string(), "Q sort".to_string()];
    headers.extend(columns.iter().cloned());
    s.header(&headers, 2)?;
    let n4 = s.f.n4.clone();
    for (i, row) in values.iter().enumerate() {
        let rr = FIRST_ROW + i as RowNum;
        s.int(rr, 0, i as i64 + 1)?;
        s.text(rr, 1, &r.input.sort_ids[i])?;
        for (j, v) in row.iter().enumerate() {
            s.num(rr, 2 + j, *v, &n4)?;
        }
    }
    let below = FIRST_ROW + values.len() as RowNum + 1;
    for (k, (label, vals, fmt)) in footer.iter().enumerate() {
        let rr = below + k as RowNum;
        s.bold(rr, 1, label)?;
        for (j, v) in vals.iter().enumerate() {
            s.num(rr, 2 + j, *v, fmt)?;
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

fn unrotated(wb: &mut Workbook, f: &Formats, r: &AnalysisResults) -> Result<(), XlsxError> {
    let u = &r.unrotated;
    let mut s = Sheet::new(wb, f, "Unrotated Factors", "Unrotated Factor Matrix")?;
    let columns: Vec<String> = (1..=u.eigenvalues.len()).map(|k| format!("F{k}")).collect();
    sort_matrix(
        &mut s,
        r,
        &columns,
        &u.loadings,
        &[
            ("Eigenvalues", u.eigenvalues.clone(), &f.n4),
            ("% explained variance", u.explained_variance.clone(), &f.n1),
        ],
    )
}

fn cumulative(wb: &mut Workbook, f: &Formats, r: &AnalysisResults) -> Result<(), XlsxError> {
    let u = &r.unrotated;
    let mut s = Sheet::new(
        wb,
        f,
        "Cumul Comm Matrix",
        "Cumulative Communalities Matrix (factors 1 thru k)",
    )?;
    let columns: Vec<String> = (1..=u.eigenvalues.len())
        .map(|k| format!("F1-F{k}"))
        .collect();
    let values: Vec<Vec<f64>> = u
        .loadings
        .iter()
        .map(|row| {
            row.iter()
                .scan(0.0, |h2, v| {
                    *h2 += v * v;
                    Some(*h2)
                })
                .collect()
        })
        .collect();
    let cumulative: Vec<f64> = u
        .explained_variance
        .iter()
        .scan(0.0, |t, v| {
            *t += v;
            Some(*t)
        })
        .collect();
    sort_matrix(
        &mut s,
        r,
        &columns,
        &values,
        &[("Cumulative % explained variance", cumulative, &f.n1)],
    )
}

fn loadings(wb: &mut Workbook, f: &Formats, r: &AnalysisResults) -> Result<(), XlsxError> {
    let all: Vec<usize> = (0..r.factors.len()).collect();
    let title = format!(
        "Factor Matrix with Defining Sorts Flagged{}",
        names_suffix(r, &all)
    );
    let mut s = Sheet::new(wb, f, "Factor Loadings", &title)?;
    let mut headers = vec!["Nm".to_string(), "Q sort".to_string()];
    for fr in &r.factors {
        headers.push(fheader(fr));
        headers.push(format!("{} flag", fr.name));
    }
    headers.push("Communality".to_string());
    s.header(&headers, 2)?;
    let k = r.factors.len();
    for (i, row) in r.factor_loadings.iter().enumerate() {
        let rr = FIRST_ROW + i as RowNum;
        s.int(rr, 0, i as i64 + 1)?;
        s.text(rr, 1, &r.input.sort_ids[i])?;
        for (c, v) in row.iter().enumerate() {
            s.num(rr, 2 + 2 * c, *v, &f.n4)?;
            if r.flags[i][c] {
                s.text(rr, 3 + 2 * c, "flagged")?;
            }
        }
        s.opt(
            rr,
            2 + 2 * k,
            r.rotated.communalities.get(i).copied(),
            &f.n4,
        )?;
    }
    let below = FIRST_ROW + r.input.sorts as RowNum + 1;
    s.bold(below, 1, "Eigenvalues")?;
    s.bold(below + 1, 1, "% explained variance")?;
    for (c, fr) in r.factors.iter().enumerate() {
        s.num(below, 2 + 2 * c, fr.eigenvalue, &f.n4)?;
        s.num(below + 1, 2 + 2 * c, fr.explained_variance, &f.n1)?;
    }
    let mut w = vec![6.0, id_width(r).max(20.0)];
    for fr in &r.factors {
        w.push((fheader(fr).chars().count() as f64 + 2.0).clamp(10.0, 30.0));
        w.push(9.0);
    }
    w.push(12.0);
    s.widths(&w)
}

/// The loadings grouped by the factor each sort defines (KADE's "Factor Loadings Table").
fn loadings_table(wb: &mut Workbook, f: &Formats, r: &AnalysisResults) -> Result<(), XlsxError> {
    let mut s = Sheet::new(
        wb,
        f,
        "Loadings Table",
        "Loadings Table with Defining Sorts Flagged, grouped by factor",
    )?;
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
    // group: first factor the sort defines (none last); within a group, higher |loading| first
    let group = |i: usize| {
        (0..r.factors.len())
            .find(|&c| r.flags[i][c])
            .unwrap_or(r.factors.len())
    };
    let mut order: Vec<usize> = (0..r.input.sorts).collect();
    order.sort_by(|&a, &b| {
        let (ga, gb) = (group(a), group(b));
        ga.cmp(&gb).then_with(|| {
            if ga < r.factors.len() {
                r.factor_loadings[b][ga]
                    .abs()
                    .total_cmp(&r.factor_loadings[a][ga].abs())
            } else {
                std::cmp::Ordering::Equal
            }
            .then(a.cmp(&b))
        })
    });
    for (k, &i) in order.iter().enumerate() {
        let rr = FIRST_ROW + k as RowNum;
        s.int(rr, 0, i as i64 + 1)?;
        s.text(rr, 1, &r.input.sort_ids[i])?;
        let g = group(i);
        s.text(
            rr,
            2,
            r.factors.get(g).map_or("none", |fr| fr.name.as_str()),
        )?;
        for (c, v) in r.factor_loadings[i].iter().enumerate() {
            s.num(rr, 3 + 2 * c, *v, &f.n4)?;
            if r.flags[i][c] {
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
}

fn free_distribution(
    wb: &mut Workbook,
    f: &Formats,
    r: &AnalysisResults,
    ctx: &ReportContext,
) -> Result<(), XlsxError> {
    let mut s = Sheet::new(
        wb,
        f,
        "Free Dist",
        "Free Distribution Data Results (sorts need not follow the grid)",
    )?;
    s.header(
        &[
            "Nm".to_string(),
            "Q sort".to_string(),
            "Mean".to_string(),
            "St. Dev.".to_string(),
        ],
        2,
    )?;
    if let Some(sorts) = ctx.sorts.as_ref() {
        for (i, values) in sorts.iter().enumerate() {
            let rr = FIRST_ROW + i as RowNum;
            let (mean, sd) = mean_sd(values);
            s.int(rr, 0, i as i64 + 1)?;
            s.text(rr, 1, r.input.sort_ids.get(i).map_or("", String::as_str))?;
            s.num(rr, 2, mean, &f.n3)?;
            s.num(rr, 3, sd, &f.n3)?;
        }
    }
    s.widths(&[6.0, id_width(r), 10.0, 10.0])
}

fn score_ranks(
    wb: &mut Workbook,
    f: &Formats,
    r: &AnalysisResults,
    arrays: &[usize],
) -> Result<(), XlsxError> {
    let mut s = Sheet::new(
        wb,
        f,
        "Factor Score Ranks",
        "Factor Scores with Corresponding Ranks",
    )?;
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
            s.opt(rr, 2 + 2 * k, fr.zscores.as_ref().map(|z| z[i]), &f.n3)?;
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
}

/// A factors x factors matrix of optional numbers.
fn factor_matrix(
    s: &mut Sheet<'_>,
    r: &AnalysisResults,
    arrays: &[usize],
    value: impl Fn(usize, usize) -> Option<f64>,
    fmt: &Format,
) -> Result<(), XlsxError> {
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
    wb: &mut Workbook,
    f: &Formats,
    r: &AnalysisResults,
    arrays: &[usize],
) -> Result<(), XlsxError> {
    let mut s = Sheet::new(
        wb,
        f,
        "Factor Score Correlations",
        "Correlations Between Factor Scores",
    )?;
    factor_matrix(&mut s, r, arrays, |a, b| r.factor_correlations[a][b], &f.n4)
}

/// The three sheets of one factor: weights of its defining sorts, correlations between them,
/// and its scores (statements by descending z-score, with the defining sorts' raw values).
fn factor_sheets(
    wb: &mut Workbook,
    f: &Formats,
    r: &AnalysisResults,
    ctx: &ReportContext,
    a: usize,
) -> Result<(), XlsxError> {
    let fr = &r.factors[a];
    let title = fheader(fr);
    let index_of = |id: &String| r.input.sort_ids.iter().position(|s| s == id);
    {
        let mut s = Sheet::new(
            wb,
            f,
            &format!("{} Weights", fr.name),
            &format!("{title}: defining sorts and their weights"),
        )?;
        s.header(
            &[
                "Nm".to_string(),
                "Q sort".to_string(),
                "Loading".to_string(),
                "Weight".to_string(),
            ],
            2,
        )?;
        for (k, id) in fr.defining_sorts.iter().enumerate() {
            let rr = FIRST_ROW + k as RowNum;
            s.int(rr, 0, index_of(id).map_or(0, |i| i as i64 + 1))?;
            s.text(rr, 1, id)?;
            s.opt(rr, 2, fr.defining_loadings.get(k).copied(), &f.n4)?;
            s.opt(rr, 3, fr.weights.get(k).copied(), &f.n4)?;
        }
        s.widths(&[6.0, id_width(r), 10.0, 10.0])?;
    }
    if let Some(c) = r
        .correlation
        .as_ref()
        .filter(|_| fr.defining_sorts.len() <= crate::MATRIX_LIMIT)
    {
        let mut s = Sheet::new(
            wb,
            f,
            &format!("{} Sorts Corr", fr.name),
            &format!("{title}: correlations between its defining sorts"),
        )?;
        let mut headers = vec!["Q sort".to_string()];
        headers.extend(fr.defining_sorts.iter().cloned());
        s.header(&headers, 1)?;
        let idx: Vec<Option<usize>> = fr.defining_sorts.iter().map(index_of).collect();
        for (k, id) in fr.defining_sorts.iter().enumerate() {
            let rr = FIRST_ROW + k as RowNum;
            s.bold(rr, 0, id)?;
            for (l, j) in idx.iter().enumerate() {
                if let (Some(i), Some(j)) = (idx[k], j) {
                    s.num(rr, 1 + l, c[i][*j], &f.n4)?;
                }
            }
        }
        let mut w = vec![id_width(r)];
        w.extend(std::iter::repeat_n(id_width(r).max(9.0), idx.len()));
        s.widths(&w)?;
    }
    let (Some(z), Some(array), Some(ranks)) =
        (fr.zscores.as_ref(), fr.array.as_ref(), fr.ranks.as_ref())
    else {
        return Ok(());
    };
    let mut s = Sheet::new(
        wb,
        f,
        &format!("{} Scores", fr.name),
        &format!("Factor Scores for {title} (descending z-score)"),
    )?;
    let mut headers = vec![
        "No.".to_string(),
        "Statement".to_string(),
        "Z-score".to_string(),
        "Q-sort value".to_string(),
    ];
    headers.extend(fr.defining_sorts.iter().map(|id| format!("Raw sort {id}")));
    s.header(&headers, 2)?;
    let mut order: Vec<usize> = (0..z.len()).collect();
    order.sort_by_key(|&i| ranks[i]);
    let idx: Vec<Option<usize>> = fr.defining_sorts.iter().map(index_of).collect();
    for (k, &i) in order.iter().enumerate() {
        let rr = FIRST_ROW + k as RowNum;
        s.int(rr, 0, r.input.statement_ids[i] as i64)?;
        s.text(rr, 1, statement_text(r, i))?;
        s.num(rr, 2, z[i], &f.n3)?;
        s.int(rr, 3, array[i] as i64)?;
        if let Some(sorts) = ctx.sorts.as_ref() {
            for (l, j) in idx.iter().enumerate() {
                if let Some(v) = j.and_then(|j| sorts.get(j)).and_then(|row| row.get(i)) {
                    s.int(rr, 4 + l, *v as i64)?;
                }
            }
        }
    }
    let mut w = vec![6.0, text_width(r), 9.0, 12.0];
    w.extend(std::iter::repeat_n(12.0, idx.len()));
    s.widths(&w)
}

fn differences(wb: &mut Workbook, f: &Formats, r: &AnalysisResults) -> Result<(), XlsxError> {
    for pair in &r.differences {
        let (Some(a), Some(b)) = (factor_index(r, &pair.a), factor_index(r, &pair.b)) else {
            continue;
        };
        let (ha, hb) = (fheader(&r.factors[a]), fheader(&r.factors[b]));
        let mut s = Sheet::new(
            wb,
            f,
            &format!("Diff {} {}", pair.a, pair.b),
            &format!("Descending Array of Differences Between {ha} and {hb}"),
        )?;
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
            s.num(rr, 2, d.z_a, &f.n3)?;
            s.num(rr, 3, d.z_b, &f.n3)?;
            s.num(rr, 4, d.difference, &f.n3)?;
        }
        let wa = (ha.chars().count() as f64 + 2.0).clamp(10.0, 30.0);
        let wb_ = (hb.chars().count() as f64 + 2.0).clamp(10.0, 30.0);
        s.widths(&[6.0, text_width(r), wa, wb_, 11.0])?;
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

fn factor_arrays(
    wb: &mut Workbook,
    f: &Formats,
    r: &AnalysisResults,
    arrays: &[usize],
) -> Result<(), XlsxError> {
    let mut s = Sheet::new(
        wb,
        f,
        "Factor Arrays",
        "Factor Q-Sort Values for Each Statement",
    )?;
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
}

fn consensus_disagreement(
    wb: &mut Workbook,
    f: &Formats,
    r: &AnalysisResults,
    arrays: &[usize],
) -> Result<(), XlsxError> {
    let mut s = Sheet::new(
        wb,
        f,
        "Consensus-Disagreement",
        "Factor Q-Sort Values for Statements sorted by Consensus vs. Disagreement (Variance across Factor Z-Scores)",
    )?;
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
        s.num(rr, 2 + arrays.len(), spread.variance, &f.n3)?;
    }
    let mut w = array_widths(r, arrays);
    w.push(12.0);
    s.widths(&w)
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

fn characteristics(wb: &mut Workbook, f: &Formats, r: &AnalysisResults) -> Result<(), XlsxError> {
    let mut s = Sheet::new(wb, f, "Factor Characteristics", "Factor Characteristics")?;
    let mut headers = vec![String::new()];
    headers.extend(r.factors.iter().map(fheader));
    s.header(&headers, 1)?;
    for (k, label) in CHARACTERISTICS_ROWS.iter().enumerate() {
        s.bold(FIRST_ROW + k as RowNum, 0, label)?;
    }
    for (c, fr) in r.factors.iter().enumerate() {
        let col = 1 + c;
        s.int(FIRST_ROW, col, fr.defining_sorts.len() as i64)?;
        s.num(FIRST_ROW + 1, col, SORT_RELIABILITY, &f.n2)?;
        s.opt(FIRST_ROW + 2, col, fr.composite_reliability, &f.n3)?;
        s.opt(FIRST_ROW + 3, col, fr.se, &f.n3)?;
        s.num(FIRST_ROW + 4, col, fr.eigenvalue, &f.n4)?;
        s.num(FIRST_ROW + 5, col, fr.explained_variance, &f.n1)?;
    }
    let mut w = vec![28.0];
    w.extend(
        r.factors
            .iter()
            .map(|fr| (fheader(fr).chars().count() as f64 + 2.0).clamp(10.0, 30.0)),
    );
    s.widths(&w)
}

fn standard_errors(
    wb: &mut Workbook,
    f: &Formats,
    r: &AnalysisResults,
    arrays: &[usize],
) -> Result<(), XlsxError> {
    let mut s = Sheet::new(
        wb,
        f,
        "Std Errors Diffs",
        "Standard Errors for Differences in Factor Z-Scores (diagonal: within a factor)",
    )?;
    factor_matrix(&mut s, r, arrays, |a, b| r.sed[a][b], &f.n3)
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
    let n3 = s.f.n3.clone();
    for (k, &a) in arrays.iter().enumerate() {
        let fr = &r.factors[a];
        if let Some(array) = fr.array.as_ref() {
            s.int(rr, col + 2 * k, array[i] as i64)?;
        }
        s.opt(rr, col + 1 + 2 * k, fr.zscores.as_ref().map(|z| z[i]), &n3)?;
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
    wb: &mut Workbook,
    f: &Formats,
    r: &AnalysisResults,
    arrays: &[usize],
    a: usize,
) -> Result<(), XlsxError> {
    let fr = &r.factors[a];
    let mut s = Sheet::new(
        wb,
        f,
        &format!("Dist State {}", fr.name),
        &format!(
            "Distinguishing Statements for {} (p < .05; significance and direction of this factor)",
            fheader(fr)
        ),
    )?;
    let mut headers = vec![
        "No.".to_string(),
        "Statement".to_string(),
        "Significance".to_string(),
        "Direction".to_string(),
    ];
    headers.extend(qsv_z_headers(r, arrays));
    s.header(&headers, 2)?;
    let z = fr.zscores.as_ref();
    let mut rows: Vec<(usize, &qstudy_core::compare::Distinguishing)> = fr
        .distinguishing
        .iter()
        .filter_map(|d| statement_index(r, d.statement).map(|i| (i, d)))
        .collect();
    if let Some(z) = z {
        rows.sort_by(|x, y| z[y.0].total_cmp(&z[x.0]).then(x.0.cmp(&y.0)));
    }
    for (k, (i, d)) in rows.iter().enumerate() {
        let rr = FIRST_ROW + k as RowNum;
        s.int(rr, 0, d.statement as i64)?;
        s.text(rr, 1, statement_text(r, *i))?;
        s.text(rr, 2, &crate::fmt::p_text(d.p))?;
        s.text(rr, 3, &d.direction)?;
        qsv_z(&mut s, r, arrays, rr, 4, *i)?;
    }
    let mut w = vec![6.0, text_width(r), 12.0, 10.0];
    for &b in arrays {
        w.push((fheader(&r.factors[b]).chars().count() as f64 + 7.0).clamp(9.0, 30.0));
        w.push(10.0);
    }
    s.widths(&w)
}

fn consensus(
    wb: &mut Workbook,
    f: &Formats,
    r: &AnalysisResults,
    arrays: &[usize],
) -> Result<(), XlsxError> {
    let mut s = Sheet::new(
        wb,
        f,
        "Consensus Statements",
        "Consensus Statements -- Those That Do Not Distinguish Between ANY Pair of Factors",
    )?;
    let mut headers = vec![
        "No.".to_string(),
        "Statement".to_string(),
        "Non-significant at".to_string(),
    ];
    headers.extend(qsv_z_headers(r, arrays));
    s.header(&headers, 2)?;
    for (k, c) in r.consensus.iter().enumerate() {
        let Some(i) = statement_index(r, c.statement) else {
            continue;
        };
        let rr = FIRST_ROW + k as RowNum;
        s.int(rr, 0, c.statement as i64)?;
        s.text(rr, 1, statement_text(r, i))?;
        s.text(
            rr,
            2,
            if c.nonsignificant_at >= 0.05 {
                "p > .05"
            } else {
                "p > .01"
            },
        )?;
        qsv_z(&mut s, r, arrays, rr, 3, i)?;
    }
    let mut w = vec![6.0, text_width(r), 16.0];
    for &b in arrays {
        w.push((fheader(&r.factors[b]).chars().count() as f64 + 7.0).clamp(9.0, 30.0));
        w.push(10.0);
    }
    s.widths(&w)
}

fn crib_sheet(
    wb: &mut Workbook,
    f: &Formats,
    r: &AnalysisResults,
    arrays: &[usize],
    a: usize,
) -> Result<(), XlsxError> {
    let Some(sheet) = r.crib_sheets.iter().find(|c| c.factor == r.factors[a].name) else {
        return Ok(());
    };
    let fr = &r.factors[a];
    let (Some(z), Some(array)) = (fr.zscores.as_ref(), fr.array.as_ref()) else {
        return Ok(());
    };
    let mut s = Sheet::new(
        wb,
        f,
        &format!("{} Crib Sheet", fr.name),
        &format!(
            "Crib Sheet for {}: relative ranking of statements",
            fheader(fr)
        ),
    )?;
    let others: Vec<usize> = arrays.iter().copied().filter(|&b| b != a).collect();
    let mut headers = vec![
        "Group".to_string(),
        "No.".to_string(),
        "Statement".to_string(),
        fheader(fr),
    ];
    headers.extend(others.iter().map(|&b| fheader(&r.factors[b])));
    s.header(&headers, 3)?;
    let groups: [(&str, &Vec<u32>); 4] = [
        ("Highest ranked", &sheet.top),
        ("Ranked higher than in other factors", &sheet.ranked_higher),
        ("Ranked lower than in other factors", &sheet.ranked_lower),
        ("Lowest ranked", &sheet.bottom),
    ];
    let mut rr = FIRST_ROW;
    for (label, ids) in groups {
        let mut rows: Vec<usize> = ids
            .iter()
            .filter_map(|&id| statement_index(r, id))
            .collect();
        rows.sort_by(|&x, &y| z[y].total_cmp(&z[x]).then(x.cmp(&y)));
        for i in rows {
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
        others
            .iter()
            .map(|&b| (fheader(&r.factors[b]).chars().count() as f64 + 2.0).clamp(8.0, 24.0)),
    );
    s.widths(&w)
}

fn groups(wb: &mut Workbook, f: &Formats, r: &AnalysisResults) -> Result<(), XlsxError> {
    let Some(groups) = r.groups.as_ref() else {
        return Ok(());
    };
    let mut s = Sheet::new(
        wb,
        f,
        "Group Make-up",
        "Group make-up of each factor by participant attribute (qstudy addition)",
    )?;
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
                s.opt(rr, 5, gf.mean_loading.get(l).copied().flatten(), &f.n3)?;
                s.opt(rr, 6, gf.fisher_p, &f.n3)?;
                rr += 1;
            }
        }
    }
    s.widths(&[14.0, 16.0, 8.0, 30.0, 14.0, 13.0, 10.0])
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
}

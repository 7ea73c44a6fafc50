//! `report.lis`: the analysis as a fixed-width text report with PQMethod's tables in PQMethod's
//! order, so that PQMethod users find each table where they expect it.
//!
//! Sections, in order (each starts a "page" with a header line):
//!
//! 0. Analysis (qstudy's summary of the input and the options)
//! 1. Correlation Matrix Between Sorts
//! 2. Unrotated Factor Matrix
//! 3. Cumulative Communalities Matrix
//! 4. Factor Matrix with an X Indicating a Defining Sort
//! 5. Free Distribution Data Results (only for free-distribution data)
//! 6. Factor Scores with Corresponding Ranks
//! 7. Correlations Between Factor Scores
//! 8. Normalized Factor Scores, one page per factor
//! 9. Descending Array of Differences Between Factors, one page per pair
//! 10. Factor Q-Sort Values for Each Statement
//! 11. Factor Q-Sort Values for Statements sorted by Consensus vs. Disagreement
//! 12. Factor Characteristics
//! 13. Standard Errors for Differences in Factor Z-Scores
//! 14. Distinguishing Statements, one page per factor
//! 15. Consensus Statements
//!
//! then qstudy's additions, marked as such: crib sheets, group make-up (when the input has
//! participant attributes) and the warnings.

use std::io::Write;

use qstudy_core::AnalysisResults;
use qstudy_core::compare::Direction;
use qstudy_core::view::{CRIB_GROUPS, ReportView};

use crate::ReportContext;
use crate::fmt::{
    clip, factor_title, fixed, grid_mean_variance, has_texts, left, mean_sd, number, push_blanks,
    push_fixed, push_left, right, statement_index, statement_text,
};

/// Width of the statement-text column (PQMethod clips statement texts to a fixed width).
pub const TEXT_WIDTH: usize = 55;
/// Columns of the correlation matrix per block.
const CORRELATION_BLOCK: usize = 20;
/// Bytes of text collected before they are handed to the writer.
const CHUNK: usize = 1 << 16;

/// Builds `report.lis` from the results. `ctx` adds the study title (page headers) and, for
/// free-distribution data, the sorts' values (their means and standard deviations).
///
/// ```
/// # fn demo(results: &qstudy_core::AnalysisResults) {
/// let text = qstudy_report::report_lis(results, &qstudy_report::ReportContext::default());
/// assert!(text.contains("Factor Matrix with an X Indicating a Defining Sort"));
/// # }
/// ```
pub fn report_lis(results: &AnalysisResults, ctx: &ReportContext) -> String {
    let mut bytes = Vec::new();
    // writing into a Vec<u8> cannot fail
    let _ = write_report_lis(results, ctx, &mut bytes);
    String::from_utf8(bytes).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

/// Writes `report.lis` (the text of [`report_lis`]) to `out` as it is built, in chunks of
/// 64 KiB, so a study of 10^5 sorts never holds its whole report in memory. The only error is
/// the writer's.
pub fn write_report_lis(
    results: &AnalysisResults,
    ctx: &ReportContext,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    let view = ReportView::new(results);
    let mut w = Lis::new(results, ctx, &view, out);
    w.analysis();
    w.correlation_matrix();
    w.unrotated();
    w.cumulative_communalities();
    w.factor_matrix();
    if results.input.free_distribution {
        w.free_distribution();
    }
    w.scores_with_ranks();
    w.factor_score_correlations();
    w.normalized_scores();
    w.differences();
    w.qsort_values();
    w.consensus_vs_disagreement();
    w.characteristics();
    w.standard_errors();
    w.distinguishing();
    w.consensus();
    w.additions();
    w.finish()
}

struct Lis<'a> {
    r: &'a AnalysisResults,
    ctx: &'a ReportContext,
    /// Text not yet handed to `sink`.
    out: String,
    sink: &'a mut dyn Write,
    /// The first error of `sink`; nothing more is written after it.
    error: Option<std::io::Error>,
    page: usize,
    /// Width of the sort-number field.
    nw: usize,
    /// Width of the sort-id field.
    idw: usize,
    /// Width of the whole sort label (number, id), and of row labels such as `Eigenvalues`.
    pw: usize,
    /// Factors with an array (indices into `r.factors`).
    arrays: Vec<usize>,
    /// The rows of the tables, in the order shown.
    view: &'a ReportView,
}

impl<'a> Lis<'a> {
    fn new(
        r: &'a AnalysisResults,
        ctx: &'a ReportContext,
        view: &'a ReportView,
        sink: &'a mut dyn Write,
    ) -> Self {
        let n = r.input.sorts;
        let nw = n.to_string().len().max(3);
        let idw = r
            .input
            .sort_ids
            .iter()
            .map(|s| s.chars().count())
            .max()
            .unwrap_or(0)
            .max(8);
        Lis {
            r,
            ctx,
            out: String::with_capacity(CHUNK + 4096),
            sink,
            error: None,
            page: 0,
            nw,
            idw,
            pw: (nw + 1 + idw).max(16),
            arrays: view.arrays.clone(),
            view,
        }
    }

    /// Appends one line, without trailing blanks.
    fn line(&mut self, s: &str) {
        self.out.push_str(s.trim_end());
        self.out.push('\n');
        if self.out.len() >= CHUNK {
            self.flush();
        }
    }

    /// Hands the collected text to the writer.
    fn flush(&mut self) {
        if self.error.is_none()
            && let Err(e) = self.sink.write_all(self.out.as_bytes())
        {
            self.error = Some(e);
        }
        self.out.clear();
    }

    /// Writes what is left; the first error of the writer, if any.
    fn finish(mut self) -> std::io::Result<()> {
        self.flush();
        if let Some(e) = self.error.take() {
            return Err(e);
        }
        self.sink.flush()
    }

    fn blank(&mut self) {
        self.out.push('\n');
    }

    /// Starts a new page: the page header (program, study title, page number) and the title.
    fn page(&mut self, title: &str) {
        self.page += 1;
        if self.page > 1 {
            self.blank();
            self.blank();
        }
        let study = self.ctx.title.as_deref().unwrap_or("");
        let header = format!(
            "{}{}PAGE {:>4}",
            left("qstudy", 27),
            left(&clip(study, 85), 86),
            self.page
        );
        self.line(&header);
        self.blank();
        self.line(title);
        self.blank();
    }

    /// One line per named factor (`Factor 1 = settled accommodation`), for tables that head
    /// factors by number only; nothing when no factor was named.
    fn legend(&mut self, factors: &[usize]) {
        let named: Vec<String> = factors
            .iter()
            .filter_map(|&f| {
                let fr = &self.r.factors[f];
                fr.label
                    .as_ref()
                    .map(|l| format!("  Factor {} = {l}", number(&fr.name)))
            })
            .collect();
        if !named.is_empty() {
            for l in named {
                self.line(&l);
            }
            self.blank();
        }
    }

    fn all_factors(&self) -> Vec<usize> {
        (0..self.r.factors.len()).collect()
    }

    /// `  1 US1     ` padded to the label width, appended to `l`.
    fn push_sort_label(&self, l: &mut String, i: usize) {
        use std::fmt::Write;
        let start = l.len();
        let _ = write!(l, "{:>nw$} ", i + 1, nw = self.nw);
        push_left(l, &self.r.input.sort_ids[i], self.idw);
        // every part is narrower than the label width (`pw` is at least `nw + 1 + idw`)
        let used = l[start..].chars().count();
        push_blanks(l, self.pw.saturating_sub(used));
    }

    fn row_label(&self, s: &str) -> String {
        left(&format!(" {s}"), self.pw)
    }

    /// The statement columns of a row: number, text (clipped), number again.
    fn statement(&self, s: usize) -> String {
        let id = self.r.input.statement_ids[s];
        if has_texts(self.r) {
            format!(
                "{id:>4} {} {id:>4}",
                left(statement_text(self.r, s), TEXT_WIDTH)
            )
        } else {
            format!("{id:>4}")
        }
    }

    fn statement_header(&self) -> String {
        if has_texts(self.r) {
            format!(
                "{:>4} {} {:>4}",
                "No.",
                left("Statement", TEXT_WIDTH),
                "No."
            )
        } else {
            format!("{:>4}", "No.")
        }
    }

    fn statement_blank(&self) -> String {
        " ".repeat(self.statement_header().chars().count())
    }

    fn need_arrays(&mut self) -> bool {
        if self.arrays.is_empty() {
            self.line("No factor has defining sorts: there are no factor scores.");
            false
        } else {
            true
        }
    }

    // ---- page 1: what was analysed, and how ----------------------------------------------

    fn analysis(&mut self) {
        let r = self.r;
        self.page("Analysis (qstudy summary)");
        self.line("The tables of PQMethod's report, in PQMethod's order, from qstudy's results.");
        self.line(
            "Numbers are rounded for display only; results.json holds them at full precision.",
        );
        self.blank();
        let grid: Vec<String> = r.input.grid.iter().map(|g| g[1].to_string()).collect();
        let (lo, hi) = (
            r.input.grid.first().map_or(0, |g| g[0]),
            r.input.grid.last().map_or(0, |g| g[0]),
        );
        self.line(&format!(
            " Input:        {} Q-sorts x {} statements",
            r.input.sorts, r.input.statements
        ));
        self.line(&format!(
            " Grid:         {lo:+}..{hi:+}, column heights {} ({})",
            grid.join(" "),
            if r.input.free_distribution {
                "free distribution: sorts need not follow them"
            } else {
                "forced distribution"
            }
        ));
        let o = &r.options;
        self.line(&format!(" Correlation:  {}", o.correlation));
        self.line(&format!(
            " Extraction:   {}, {} factors extracted, {} kept",
            o.extraction, o.extracted, o.factors
        ));
        let mut rotation = qstudy_core::view::rotation_name(o);
        if !o.rotation_steps.is_empty() {
            let steps: Vec<String> = o
                .rotation_steps
                .iter()
                .map(|(a, b, d)| format!("{a},{b} by {d} degrees"))
                .collect();
            rotation.push_str(&format!(", then by hand: {}", steps.join("; ")));
        }
        self.line(&format!(" Rotation:     {rotation}"));
        let mut flagging = if o.flag_automatic {
            format!(
                "automatic at p < {}{}",
                o.flag_p,
                if o.flag_majority {
                    ", majority of common variance"
                } else {
                    ""
                }
            )
        } else {
            "by hand only".to_string()
        };
        let edits = |v: &[[String; 2]]| {
            v.iter()
                .map(|[s, f]| format!("{s}={f}"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        if !o.manual_flags.is_empty() {
            flagging.push_str(&format!("; flagged by hand: {}", edits(&o.manual_flags)));
        }
        if !o.manual_unflags.is_empty() {
            flagging.push_str(&format!(
                "; unflagged by hand: {}",
                edits(&o.manual_unflags)
            ));
        }
        self.line(&format!(" Flagging:     {flagging}"));
        let list = |v: &[usize]| {
            v.iter()
                .map(|f| format!("F{f}"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        if !o.inverted.is_empty() {
            self.line(&format!(" Inverted:     {}", list(&o.inverted)));
        }
        if !o.split.is_empty() {
            self.line(&format!(" Split:        {}", list(&o.split)));
        }
        let named: Vec<String> = r
            .factors
            .iter()
            .filter_map(|f| f.label.as_ref().map(|l| format!("{} = {l}", f.name)))
            .collect();
        if !named.is_empty() {
            self.line(&format!(" Factor names: {}", named.join("; ")));
        }
    }

    // ---- 1 ---------------------------------------------------------------------------------

    fn correlation_matrix(&mut self) {
        self.page("Correlation Matrix Between Sorts");
        let Some(c) = self.r.correlation.as_ref() else {
            self.line(
                "Not kept: the study has more than 2000 sorts (analyze --keep-correlation keeps it).",
            );
            return;
        };
        let n = c.len();
        if n > crate::MATRIX_LIMIT {
            self.line(&format!(
                "Not printed for {n} sorts (more than {}): results.json holds it.",
                crate::MATRIX_LIMIT
            ));
            return;
        }
        self.line("(correlations multiplied by 100 and rounded)");
        self.blank();
        for start in (0..n).step_by(CORRELATION_BLOCK) {
            let end = (start + CORRELATION_BLOCK).min(n);
            let mut header = left(" QSORT", self.pw);
            for j in start..end {
                header.push_str(&right(&(j + 1).to_string(), 5));
            }
            self.line(&header);
            let mut l = String::new();
            for (i, row) in c.iter().enumerate() {
                l.clear();
                self.push_sort_label(&mut l, i);
                for v in &row[start..end] {
                    push_fixed(&mut l, v * 100.0, 0, 5);
                }
                self.line(&l);
            }
            if end < n {
                self.blank();
            }
        }
    }

    // ---- 2, 3 --------------------------------------------------------------------------------

    fn factor_numbers_header(&self, count: usize, width: usize) -> String {
        let mut header = left(" QSORT", self.pw);
        for f in 0..count {
            header.push_str(&right(&(f + 1).to_string(), width));
        }
        header
    }

    fn unrotated(&mut self) {
        let u = &self.r.unrotated;
        let count = u.eigenvalues.len();
        self.page("Unrotated Factor Matrix");
        self.line(&format!("{}Factors", " ".repeat(self.pw + 4)));
        self.line(&self.factor_numbers_header(count, 10));
        let mut l = String::new();
        for (i, row) in u.loadings.iter().enumerate() {
            l.clear();
            self.push_sort_label(&mut l, i);
            for v in row {
                push_fixed(&mut l, *v, 4, 10);
            }
            self.line(&l);
        }
        self.blank();
        let mut l = self.row_label("Eigenvalues");
        for e in &u.eigenvalues {
            l.push_str(&right(&fixed(*e, 4), 10));
        }
        self.line(&l);
        let mut l = self.row_label("% expl.Var.");
        for v in &u.explained_variance {
            l.push_str(&right(&fixed(*v, 0), 10));
        }
        self.line(&l);
        if !u.correlation_eigenvalues.is_empty() {
            self.blank();
            self.line("Eigenvalues of the correlation matrix (all components):");
            let values: Vec<String> = u
                .correlation_eigenvalues
                .iter()
                .map(|e| fixed(*e, 4))
                .collect();
            for chunk in values.chunks(10) {
                let l: String = chunk.iter().map(|v| right(v, 10)).collect();
                self.line(&l);
            }
        }
    }

    fn cumulative_communalities(&mut self) {
        let u = &self.r.unrotated;
        let count = u.eigenvalues.len();
        self.page("Cumulative Communalities Matrix");
        self.line(&format!("{}Factors 1 Thru ....", " ".repeat(self.pw + 4)));
        self.line(&self.factor_numbers_header(count, 10));
        let mut l = String::new();
        for (i, row) in u.loadings.iter().enumerate() {
            l.clear();
            self.push_sort_label(&mut l, i);
            let mut h2 = 0.0;
            for v in row {
                h2 += v * v;
                push_fixed(&mut l, h2, 4, 10);
            }
            self.line(&l);
        }
        self.blank();
        let mut l = self.row_label("cum% expl.Var.");
        let mut total = 0.0;
        for v in &u.explained_variance {
            total += v;
            l.push_str(&right(&fixed(total, 0), 10));
        }
        self.line(&l);
    }

    // ---- 4 -------------------------------------------------------------------------------------

    fn factor_matrix(&mut self) {
        let r = self.r;
        self.page("Factor Matrix with an X Indicating a Defining Sort");
        self.legend(&self.all_factors());
        self.line(&format!("{}Loadings", " ".repeat(self.pw + 4)));
        let mut header = left(" QSORT", self.pw);
        for f in &r.factors {
            header.push_str(&right(number(&f.name), 10));
            header.push(' ');
        }
        self.line(&header);
        let mut l = String::new();
        for (i, row) in r.factor_loadings.iter().enumerate() {
            l.clear();
            self.push_sort_label(&mut l, i);
            for (c, v) in row.iter().enumerate() {
                push_fixed(&mut l, *v, 4, 10);
                l.push(if r.flags[i][c] { 'X' } else { ' ' });
            }
            self.line(&l);
        }
        self.blank();
        let mut l = self.row_label("% expl.Var.");
        for f in &r.factors {
            l.push_str(&right(&fixed(f.explained_variance, 0), 10));
            l.push(' ');
        }
        self.line(&l);
        let defining: usize = r.flags.iter().filter(|row| row.iter().any(|&x| x)).count();
        self.blank();
        self.line(&format!(
            "{defining} of {} sorts define a factor (X).",
            r.input.sorts
        ));
    }

    // ---- 5 -------------------------------------------------------------------------------------

    fn free_distribution(&mut self) {
        self.page("Free Distribution Data Results");
        self.line(
            "The sorts need not follow the grid's column heights. Factor arrays use the grid:",
        );
        let grid: Vec<String> = self
            .r
            .input
            .grid
            .iter()
            .map(|g| format!("{:+}:{}", g[0], g[1]))
            .collect();
        self.line(&format!("  {}", grid.join("  ")));
        self.blank();
        let Some(sorts) = self.ctx.sorts.as_ref() else {
            self.line("(the sorts' values were not given to the report: no means and deviations)");
            return;
        };
        let mut header = left(" QSORT", self.pw);
        header.push_str(&right("MEAN", 10));
        header.push_str(&right("ST.DEV.", 10));
        self.line(&header);
        let mut l = String::new();
        for (i, values) in sorts.iter().enumerate() {
            let (mean, sd) = mean_sd(values);
            l.clear();
            self.push_sort_label(&mut l, i);
            push_fixed(&mut l, mean, 3, 10);
            push_fixed(&mut l, sd, 3, 10);
            self.line(&l);
        }
    }

    // ---- 6 -------------------------------------------------------------------------------------

    /// The factor numbers of the factors with an array, each right-aligned in `width`
    /// characters and followed by `gap` blanks.
    fn factor_columns(&self, width: usize, gap: usize) -> String {
        let mut l = String::new();
        for &f in &self.arrays {
            l.push_str(&right(number(&self.r.factors[f].name), width));
            l.push_str(&" ".repeat(gap));
        }
        l
    }

    fn scores_with_ranks(&mut self) {
        self.page("Factor Scores with Corresponding Ranks");
        if !self.need_arrays() {
            return;
        }
        self.legend(&self.arrays.clone());
        self.line(&format!("{}  Factors", self.statement_blank()));
        self.line(&format!(
            "{}{}",
            self.statement_blank(),
            self.factor_columns(7, 4)
        ));
        let mut header = self.statement_header();
        for _ in &self.arrays {
            header.push_str(&right("Z-SCR", 7));
            header.push_str(&right("RNK", 4));
        }
        self.line(&header);
        self.blank();
        for s in 0..self.r.input.statements {
            let mut l = self.statement(s);
            for &f in &self.arrays {
                let fr = &self.r.factors[f];
                let z = fr.zscores.as_ref().map_or(0.0, |z| z[s]);
                let rank = fr.ranks.as_ref().map_or(0, |r| r[s]);
                l.push_str(&right(&fixed(z, 2), 7));
                l.push_str(&right(&rank.to_string(), 4));
            }
            self.line(&l);
        }
    }

    // ---- 7 -------------------------------------------------------------------------------------

    fn factor_matrix_of(&mut self, values: impl Fn(usize, usize) -> Option<f64>, dp: usize) {
        let arrays = self.arrays.clone();
        let mut header = left("", 12);
        for &f in &arrays {
            header.push_str(&right(number(&self.r.factors[f].name), 10));
        }
        self.line(&header);
        self.blank();
        for &a in &arrays {
            let mut l = left(&format!(" {}", number(&self.r.factors[a].name)), 12);
            for &b in &arrays {
                let v = values(a, b).map_or_else(|| "--".to_string(), |v| fixed(v, dp));
                l.push_str(&right(&v, 10));
            }
            self.line(&l);
        }
    }

    fn factor_score_correlations(&mut self) {
        self.page("Correlations Between Factor Scores");
        if !self.need_arrays() {
            return;
        }
        self.legend(&self.arrays.clone());
        let r = self.r;
        self.factor_matrix_of(|a, b| r.factor_correlations[a][b], 4);
    }

    // ---- 8 -------------------------------------------------------------------------------------

    fn normalized_scores(&mut self) {
        for f in self.arrays.clone() {
            let fr = &self.r.factors[f];
            let (Some(z), Some(ranks)) = (fr.zscores.as_ref(), fr.ranks.as_ref()) else {
                continue;
            };
            self.page(&format!(
                "Normalized Factor Scores -- For {}",
                factor_title(fr)
            ));
            let mut order: Vec<usize> = (0..z.len()).collect();
            order.sort_by_key(|&s| ranks[s]);
            let header = format!("{}{}", self.statement_header(), right("Z-SCORES", 10));
            self.line(&header);
            self.blank();
            for s in order {
                let l = format!("{}{}", self.statement(s), right(&fixed(z[s], 3), 10));
                self.line(&l);
            }
        }
    }

    // ---- 9 -------------------------------------------------------------------------------------

    fn differences(&mut self) {
        let r = self.r;
        for pair in &r.differences {
            let (Some(a), Some(b)) = (
                crate::fmt::factor_index(r, &pair.a),
                crate::fmt::factor_index(r, &pair.b),
            ) else {
                continue;
            };
            self.page(&format!(
                "Descending Array of Differences Between Factors {} and {}",
                number(&pair.a),
                number(&pair.b)
            ));
            self.legend(&[a, b]);
            let header = format!(
                "{}{}{}{}",
                self.statement_header(),
                right(number(&pair.a), 9),
                right(number(&pair.b), 9),
                right("Difference", 12)
            );
            self.line(&header);
            self.blank();
            for d in &pair.statements {
                let Some(s) = statement_index(r, d.statement) else {
                    continue;
                };
                let l = format!(
                    "{}{}{}{}",
                    self.statement(s),
                    right(&fixed(d.z_a, 3), 9),
                    right(&fixed(d.z_b, 3), 9),
                    right(&fixed(d.difference, 3), 12)
                );
                self.line(&l);
            }
        }
    }

    // ---- 10, 11 --------------------------------------------------------------------------------

    fn array_cells(&self, s: usize) -> String {
        self.arrays
            .iter()
            .map(|&f| {
                let v = self.r.factors[f].array.as_ref().map_or(0, |a| a[s]);
                right(&v.to_string(), 6)
            })
            .collect()
    }

    fn qsort_values(&mut self) {
        self.page("Factor Q-Sort Values for Each Statement");
        if !self.need_arrays() {
            return;
        }
        self.legend(&self.arrays.clone());
        self.line(&format!("{}  Factor Arrays", self.statement_blank()));
        self.line(&format!(
            "{}{}",
            self.statement_header(),
            self.factor_columns(6, 0)
        ));
        self.blank();
        for s in 0..self.r.input.statements {
            let l = format!("{}{}", self.statement(s), self.array_cells(s));
            self.line(&l);
        }
        let (_, var) = grid_mean_variance(&self.r.input.grid);
        self.blank();
        self.line(&format!(
            "Variance = {}   St. Dev. = {}   (of the grid's values)",
            fixed(var, 3),
            fixed(var.sqrt(), 3)
        ));
    }

    fn consensus_vs_disagreement(&mut self) {
        self.page(
            "Factor Q-Sort Values for Statements sorted by Consensus vs. Disagreement (Variance across Factor Z-Scores)",
        );
        if !self.need_arrays() {
            return;
        }
        self.legend(&self.arrays.clone());
        self.line(&format!("{}  Factor Arrays", self.statement_blank()));
        let header = format!(
            "{}{}{}",
            self.statement_header(),
            self.factor_columns(6, 0),
            right("Z-VAR", 10)
        );
        self.line(&header);
        self.blank();
        for spread in &self.r.consensus_order {
            let Some(s) = statement_index(self.r, spread.statement) else {
                continue;
            };
            let l = format!(
                "{}{}{}",
                self.statement(s),
                self.array_cells(s),
                right(&fixed(spread.variance, 3), 10)
            );
            self.line(&l);
        }
    }

    // ---- 12, 13 --------------------------------------------------------------------------------

    fn characteristics(&mut self) {
        let r = self.r;
        self.page("Factor Characteristics");
        self.legend(&self.all_factors());
        let lw = 28;
        let mut header = format!("{}{}", " ".repeat(lw), "Factors");
        self.line(&header);
        header = " ".repeat(lw);
        for f in &r.factors {
            header.push_str(&right(number(&f.name), 10));
        }
        self.line(&header);
        self.blank();
        let labels = [
            "No. of Defining Variables",
            "Average Rel. Coef.",
            "Composite Reliability",
            "S.E. of Factor Z-Scores",
            "Eigenvalue",
            "% expl.Var.",
        ];
        let dash = || "--".to_string();
        for (k, label) in labels.iter().enumerate() {
            let mut l = left(&format!(" {label}"), lw);
            for f in &r.factors {
                let cell = match k {
                    0 => f.defining_sorts.len().to_string(),
                    1 => fixed(qstudy_core::compare::SORT_RELIABILITY, 3),
                    2 => f.composite_reliability.map_or_else(dash, |v| fixed(v, 3)),
                    3 => f.se.map_or_else(dash, |v| fixed(v, 3)),
                    4 => fixed(f.eigenvalue, 4),
                    _ => fixed(f.explained_variance, 0),
                };
                l.push_str(&right(&cell, 10));
            }
            self.line(&l);
        }
    }

    fn standard_errors(&mut self) {
        self.page("Standard Errors for Differences in Factor Z-Scores");
        if !self.need_arrays() {
            return;
        }
        self.line("(the diagonal holds the standard error of differences within a factor)");
        self.blank();
        self.legend(&self.arrays.clone());
        let r = self.r;
        self.factor_matrix_of(|a, b| r.sed[a][b], 3);
    }

    // ---- 14, 15 --------------------------------------------------------------------------------

    /// Q-SV and Z-SCR of every factor with an array, for statement `s`; `marks` gives the two
    /// marker characters after the z-score of the factor at that index (if any).
    fn qsv_zscr(&self, s: usize, marks: Option<(usize, char, char)>) -> String {
        let mut l = String::new();
        for &f in &self.arrays {
            let fr = &self.r.factors[f];
            let v = fr.array.as_ref().map_or(0, |a| a[s]);
            let z = fr.zscores.as_ref().map_or(0.0, |z| z[s]);
            l.push_str(&right(&v.to_string(), 6));
            l.push_str(&right(&fixed(z, 2), 8));
            match marks {
                Some((m, a, b)) if m == f => {
                    l.push(a);
                    l.push(b);
                }
                _ => l.push_str("  "),
            }
        }
        l
    }

    fn qsv_header(&mut self, lead: &str) {
        let mut l = format!("{}{lead}", self.statement_blank());
        for &f in &self.arrays {
            l.push_str(&right(number(&self.r.factors[f].name), 14));
            l.push_str("  ");
        }
        self.line(&l);
        let mut l = format!("{}{lead}", self.statement_header());
        for _ in &self.arrays {
            l.push_str(&right("Q-SV", 6));
            l.push_str(&right("Z-SCR", 8));
            l.push_str("  ");
        }
        self.line(&l);
        self.blank();
    }

    fn distinguishing(&mut self) {
        if self.arrays.len() < 2 {
            self.page("Distinguishing Statements");
            self.line(
                "Fewer than two factors have an array: no statement can distinguish a factor.",
            );
            return;
        }
        for f in self.arrays.clone() {
            let r = self.r;
            let fr = &r.factors[f];
            self.page(&format!(
                "Distinguishing Statements for {}",
                factor_title(fr)
            ));
            self.line("(p < .05; * marks p < .01; > and < mark a z-score above or below that of every other factor)");
            self.line("Q-SV is the factor's Q-sort value, Z-SCR its z-score.");
            self.blank();
            self.legend(&self.arrays.clone());
            self.qsv_header("");
            let rows: Vec<(usize, char, char)> = self.view.distinguishing[f]
                .iter()
                .map(|d| {
                    let star = if d.at_01() { '*' } else { ' ' };
                    let dir = match d.direction {
                        Direction::Higher => '>',
                        Direction::Lower => '<',
                        Direction::Mixed => ' ',
                    };
                    (d.statement, star, dir)
                })
                .collect();
            if rows.is_empty() {
                self.line("(none)");
            }
            for (s, star, dir) in rows {
                let l = format!(
                    "{}{}",
                    self.statement(s),
                    self.qsv_zscr(s, Some((f, star, dir)))
                );
                self.line(&l);
            }
        }
    }

    fn consensus(&mut self) {
        self.page(
            "Consensus Statements  --  Those That Do Not Distinguish Between ANY Pair of Factors.",
        );
        if self.arrays.len() < 2 {
            self.line("Fewer than two factors have an array: no consensus statements.");
            return;
        }
        self.line("(no pair of factors differs on these at p < .01; on those marked * no pair differs even at p < .05)");
        self.blank();
        self.legend(&self.arrays.clone());
        self.qsv_header(" ");
        if self.r.consensus.is_empty() {
            self.line("(none)");
        }
        for c in self.view.consensus.clone() {
            let star = if c.at_05() { "*" } else { " " };
            let s = c.statement;
            let l = format!("{}{star}{}", self.statement(s), self.qsv_zscr(s, None));
            self.line(&l);
        }
    }

    // ---- qstudy's additions --------------------------------------------------------------------

    fn additions(&mut self) {
        self.crib_sheets();
        self.group_makeup();
        self.warnings();
    }

    fn crib_sheets(&mut self) {
        let r = self.r;
        let view = self.view;
        for sheet in &view.crib_sheets {
            let f = sheet.factor;
            let fr = &r.factors[f];
            let Some(array) = fr.array.as_ref() else {
                continue;
            };
            self.page(&format!(
                "Crib Sheet for {}  (qstudy addition, after Watts & Stenner 2012)",
                factor_title(fr)
            ));
            self.legend(&view.arrays);
            let others = view.others(f);
            let mut header = format!("{}{}", self.statement_header(), right(number(&fr.name), 6));
            for &g in &others {
                header.push_str(&right(number(&r.factors[g].name), 6));
            }
            let top = array.iter().copied().max().unwrap_or(0);
            let bottom = array.iter().copied().min().unwrap_or(0);
            let titles: [String; CRIB_GROUPS] = [
                format!("Highest ranked statements ({top:+})"),
                format!(
                    "Ranked higher in Factor {} than in every other factor",
                    number(&fr.name)
                ),
                format!(
                    "Ranked lower in Factor {} than in every other factor",
                    number(&fr.name)
                ),
                format!("Lowest ranked statements ({bottom:+})"),
            ];
            for (title, rows) in titles.iter().zip(&sheet.groups) {
                self.line(title);
                self.line(&header);
                if rows.is_empty() {
                    self.line("  (none)");
                }
                for &s in rows {
                    let mut l = format!("{}{}", self.statement(s), right(&array[s].to_string(), 6));
                    for &g in &others {
                        let v = r.factors[g].array.as_ref().map_or(0, |a| a[s]);
                        l.push_str(&right(&v.to_string(), 6));
                    }
                    self.line(&l);
                }
                self.blank();
            }
        }
    }

    fn group_makeup(&mut self) {
        let r = self.r;
        let Some(groups) = r.groups.as_ref() else {
            return;
        };
        for g in groups {
            self.page(&format!(
                "Group Make-up by {}  (qstudy addition)",
                g.attribute
            ));
            self.line("Each cell: defining sorts of that level (mean loading on the factor of all its sorts).");
            if g.levels.len() == 2 {
                self.line(
                    "Fisher p: two-sided Fisher's exact test of defining / not defining by level.",
                );
            }
            self.blank();
            self.legend(&self.all_factors());
            let widths: Vec<usize> = g
                .levels
                .iter()
                .zip(&g.sorts_per_level)
                .map(|(l, n)| (l.chars().count() + format!(" (n={n})").len() + 2).max(14))
                .collect();
            let mut header = left("", 12);
            for ((level, n), w) in g.levels.iter().zip(&g.sorts_per_level).zip(&widths) {
                header.push_str(&right(&format!("{level} (n={n})"), *w));
            }
            if g.levels.len() == 2 {
                header.push_str(&right("Fisher p", 10));
            }
            self.line(&header);
            self.blank();
            for gf in &g.factors {
                let mut l = left(&format!(" Factor {}", number(&gf.factor)), 12);
                for ((d, m), w) in gf.defining.iter().zip(&gf.mean_loading).zip(&widths) {
                    let mean = m.map_or_else(|| "--".to_string(), |v| fixed(v, 2));
                    l.push_str(&right(&format!("{d} ({mean})"), *w));
                }
                if g.levels.len() == 2 {
                    let p = gf
                        .fisher_p
                        .map_or_else(|| "--".to_string(), |p| fixed(p, 3));
                    l.push_str(&right(&p, 10));
                }
                self.line(&l);
            }
        }
    }

    fn warnings(&mut self) {
        if self.r.warnings.is_empty() {
            return;
        }
        self.page("Warnings  (qstudy addition)");
        for w in &self.r.warnings {
            self.line(&format!("- {w}"));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testdata::sample;

    const TITLES: [&str; 15] = [
        "Correlation Matrix Between Sorts",
        "Unrotated Factor Matrix",
        "Cumulative Communalities Matrix",
        "Factor Matrix with an X Indicating a Defining Sort",
        "Free Distribution Data Results",
        "Factor Scores with Corresponding Ranks",
        "Correlations Between Factor Scores",
        "Normalized Factor Scores -- For Factor 1",
        "Descending Array of Differences Between Factors 1 and 2",
        "Factor Q-Sort Values for Each Statement",
        "Factor Q-Sort Values for Statements sorted by Consensus vs. Disagreement",
        "Factor Characteristics",
        "Standard Errors for Differences in Factor Z-Scores",
        "Distinguishing Statements for Factor 1",
        "Consensus Statements  --  Those That Do Not Distinguish Between ANY Pair of Factors.",
    ];

    fn position(text: &str, title: &str) -> Option<usize> {
        text.lines().position(|l| l.starts_with(title))
    }

    #[test]
    fn the_sections_follow_pqmethods_order() {
        let (r, ctx) = sample();
        let text = report_lis(&r, &ctx);
        let mut last = 0;
        for title in TITLES {
            if title.starts_with("Free Distribution") {
                assert_eq!(position(&text, title), None, "forced data");
                continue;
            }
            let p = position(&text, title).unwrap_or_else(|| panic!("missing {title}"));
            assert!(p > last, "{title} out of order");
            last = p;
        }
        let crib = position(&text, "Crib Sheet for Factor 1").unwrap();
        assert!(
            crib > last,
            "qstudy's additions come after PQMethod's sections"
        );
    }

    #[test]
    fn free_distribution_data_get_their_section() {
        let (mut r, ctx) = sample();
        r.input.free_distribution = true;
        let text = report_lis(&r, &ctx);
        let p = position(&text, "Free Distribution Data Results").unwrap();
        assert!(p > position(&text, "Factor Matrix with an X").unwrap());
        assert!(p < position(&text, "Factor Scores with Corresponding Ranks").unwrap());
        // every sort of the sample has mean 0 and sample SD 1.2247 (values -2..2)
        assert!(text.contains("  6 Fiona"), "{text}");
        assert!(text.contains("0.000     1.225"), "{text}");
    }

    #[test]
    fn named_factors_are_shown_where_factors_are_named() {
        let (mut r, ctx) = sample();
        r.factors[0].label = Some("the optimists".to_string());
        let text = report_lis(&r, &ctx);
        assert!(text.contains("Normalized Factor Scores -- For Factor 1 (the optimists)"));
        assert!(text.contains("Distinguishing Statements for Factor 1 (the optimists)"));
        assert!(text.contains("  Factor 1 = the optimists"));
        assert!(text.contains("Factor names: F1 = the optimists"));
    }

    #[test]
    fn layout_is_fixed_width_and_deterministic() {
        let (r, ctx) = sample();
        let a = report_lis(&r, &ctx);
        assert_eq!(a, report_lis(&r, &ctx));
        assert!(a.lines().all(|l| l == l.trim_end()), "no trailing blanks");
        let header = a.lines().next().unwrap();
        assert!(header.starts_with("qstudy                     Tiny test study"));
        assert_eq!(header.find("PAGE"), Some(113), "PAGE in column 114");
        // the defining loadings carry an X right after the 4-decimal loading
        let x_rows = a
            .lines()
            .skip_while(|l| !l.starts_with("Factor Matrix with an X"))
            .take_while(|l| !l.starts_with(" % expl.Var."))
            .filter(|l| l.contains('X') && !l.starts_with("Factor"))
            .count();
        let flagged = r.flags.iter().filter(|f| f.iter().any(|&x| x)).count();
        assert_eq!(x_rows, flagged);
        // scores with ranks: text from column 6, 55 wide; per factor 11 characters, the
        // z-score (2 decimals) ending 4 characters before the end of its block, then the rank
        let row = a
            .lines()
            .skip_while(|l| !l.starts_with("Factor Scores with Corresponding Ranks"))
            .find(|l| l.starts_with("   1 "))
            .unwrap();
        assert_eq!(&row[5..60], left("Statement number 1", 55));
        let chars: Vec<char> = row.chars().collect();
        let n = chars.len();
        let last: String = chars[n - 11..].iter().collect();
        let f = r.factors.len() - 1;
        let z = r.factors[f].zscores.as_ref().unwrap()[0];
        let rank = r.factors[f].ranks.as_ref().unwrap()[0];
        assert_eq!(last, format!("{:>7}{:>4}", fixed(z, 2), rank));
    }

    #[test]
    fn a_huge_correlation_matrix_is_left_to_results_json() {
        let (mut r, ctx) = sample();
        let n = crate::MATRIX_LIMIT + 1;
        r.correlation = Some(vec![vec![0.5; n]; n]);
        let text = report_lis(&r, &ctx);
        assert!(
            text.contains(&format!("Not printed for {n} sorts")),
            "{text}"
        );
    }

    #[test]
    fn the_streamed_report_is_the_same_text_and_a_failing_writer_is_an_error() {
        let (r, ctx) = sample();
        let text = report_lis(&r, &ctx);
        let mut streamed = Vec::new();
        write_report_lis(&r, &ctx, &mut streamed).unwrap();
        assert_eq!(streamed, text.as_bytes());
        let mut tiny = [0u8; 100];
        let e = write_report_lis(&r, &ctx, &mut &mut tiny[..]).unwrap_err();
        assert_eq!(e.kind(), std::io::ErrorKind::WriteZero);
    }

    #[test]
    fn statements_without_texts_keep_their_numbers() {
        let (mut r, ctx) = sample();
        r.input.statement_labels = None;
        let text = report_lis(&r, &ctx);
        assert!(text.contains(" No.  Z-SCR RNK  Z-SCR RNK"), "{text}");
        assert!(!text.contains("Statement number"));
    }
}

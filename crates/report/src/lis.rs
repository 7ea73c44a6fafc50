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
    clip, factor_in_words, fixed, grid_mean_variance, has_texts, left, number, push_blanks,
    push_fixed, push_left, right, statement_cell, statement_index,
};
use qstudy_core::correlate::mean_sd_in_order;

mod factors;
mod sorts;
mod statements;
#[cfg(test)]
mod tests;

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
            .map(|s| crate::fmt::width(s))
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
        let used = crate::fmt::width(&l[start..]);
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
                left(statement_cell(self.r, s), TEXT_WIDTH)
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
        " ".repeat(crate::fmt::width(&self.statement_header()))
    }

    fn need_arrays(&mut self) -> bool {
        if self.arrays.is_empty() {
            self.line("No factor has defining sorts: there are no factor scores.");
            false
        } else {
            true
        }
    }
}

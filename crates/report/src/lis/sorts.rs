//! Sections 0-5 of report.lis: the analysis, the correlation matrix, the unrotated factors, cumulative communalities, the factor matrix and free-distribution data.

use super::*;
use crate::fmt::{factor_numbers, flag_edits};
use qstudy_core::analysis::OptionsSummary;

impl Lis<'_> {
    // ---- page 1: what was analysed, and how ----------------------------------------------

    pub(super) fn analysis(&mut self) {
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
        self.line(&format!(" Rotation:     {}", rotation_line(o)));
        self.line(&format!(" Flagging:     {}", flagging_line(o)));
        if !o.inverted.is_empty() {
            self.line(&format!(" Inverted:     {}", factor_numbers(&o.inverted)));
        }
        if !o.split.is_empty() {
            self.line(&format!(" Split:        {}", factor_numbers(&o.split)));
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

    pub(super) fn correlation_matrix(&mut self) {
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

    pub(super) fn factor_numbers_header(&self, count: usize, width: usize) -> String {
        let mut header = left(" QSORT", self.pw);
        for f in 0..count {
            header.push_str(&right(&(f + 1).to_string(), width));
        }
        header
    }

    pub(super) fn unrotated(&mut self) {
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

    pub(super) fn cumulative_communalities(&mut self) {
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

    pub(super) fn factor_matrix(&mut self) {
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

    pub(super) fn free_distribution(&mut self) {
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
            let (mean, sd) = mean_sd_in_order(values);
            l.clear();
            self.push_sort_label(&mut l, i);
            push_fixed(&mut l, mean, 3, 10);
            push_fixed(&mut l, sd, 3, 10);
            self.line(&l);
        }
    }
}

/// The rotation, then the judgmental steps if any: `varimax, then by hand: 1,2 by 10 degrees`.
fn rotation_line(o: &OptionsSummary) -> String {
    let mut rotation = qstudy_core::view::rotation_name(o);
    if !o.rotation_steps.is_empty() {
        let steps: Vec<String> = o
            .rotation_steps
            .iter()
            .map(|(a, b, d)| format!("{a},{b} by {d} degrees"))
            .collect();
        rotation.push_str(&format!(", then by hand: {}", steps.join("; ")));
    }
    rotation
}

/// How sorts were flagged: automatically (at which p, with or without the majority rule) or
/// by hand only, then the flags set and removed by hand.
fn flagging_line(o: &OptionsSummary) -> String {
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
    if !o.manual_flags.is_empty() {
        flagging.push_str(&format!(
            "; flagged by hand: {}",
            flag_edits(&o.manual_flags)
        ));
    }
    if !o.manual_unflags.is_empty() {
        flagging.push_str(&format!(
            "; unflagged by hand: {}",
            flag_edits(&o.manual_unflags)
        ));
    }
    flagging
}

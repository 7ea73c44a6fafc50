//! Sections 6-13 of report.lis: factor scores and ranks, their correlations, normalized scores, differences, Q-sort values, consensus vs. disagreement, characteristics and standard errors.

use super::*;

impl Lis<'_> {
    // ---- 6 -------------------------------------------------------------------------------------

    /// The factor numbers of the factors with an array, each right-aligned in `width`
    /// characters and followed by `gap` blanks.
    pub(super) fn factor_columns(&self, width: usize, gap: usize) -> String {
        let mut l = String::new();
        for &f in &self.arrays {
            l.push_str(&right(number(&self.r.factors[f].name), width));
            l.push_str(&" ".repeat(gap));
        }
        l
    }

    pub(super) fn scores_with_ranks(&mut self) {
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

    pub(super) fn factor_matrix_of(
        &mut self,
        values: impl Fn(usize, usize) -> Option<f64>,
        dp: usize,
    ) {
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

    pub(super) fn factor_score_correlations(&mut self) {
        self.page("Correlations Between Factor Scores");
        if !self.need_arrays() {
            return;
        }
        self.legend(&self.arrays.clone());
        let r = self.r;
        self.factor_matrix_of(|a, b| r.factor_correlations[a][b], 4);
    }

    // ---- 8 -------------------------------------------------------------------------------------

    pub(super) fn normalized_scores(&mut self) {
        for f in self.arrays.clone() {
            let fr = &self.r.factors[f];
            let (Some(z), Some(ranks)) = (fr.zscores.as_ref(), fr.ranks.as_ref()) else {
                continue;
            };
            self.page(&format!(
                "Normalized Factor Scores -- For {}",
                factor_in_words(fr)
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

    pub(super) fn differences(&mut self) {
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

    pub(super) fn array_cells(&self, s: usize) -> String {
        self.arrays
            .iter()
            .map(|&f| {
                let v = self.r.factors[f].array.as_ref().map_or(0, |a| a[s]);
                right(&v.to_string(), 6)
            })
            .collect()
    }

    pub(super) fn qsort_values(&mut self) {
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

    pub(super) fn consensus_vs_disagreement(&mut self) {
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

    pub(super) fn characteristics(&mut self) {
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

    pub(super) fn standard_errors(&mut self) {
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
}

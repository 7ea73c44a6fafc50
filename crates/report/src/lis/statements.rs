//! Sections 14-15 of report.lis and qstudy's additions: distinguishing and consensus statements (read from the report view), crib sheets, group make-up and warnings.

use super::*;

impl Lis<'_> {
    // ---- 14, 15 --------------------------------------------------------------------------------

    /// Q-SV and Z-SCR of every factor with an array, for statement `s`; `marks` gives the two
    /// marker characters after the z-score of the factor at that index (if any).
    pub(super) fn qsv_zscr(&self, s: usize, marks: Option<(usize, char, char)>) -> String {
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

    pub(super) fn qsv_header(&mut self, lead: &str) {
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

    pub(super) fn distinguishing(&mut self) {
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
                factor_in_words(fr)
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

    pub(super) fn consensus(&mut self) {
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

    pub(super) fn additions(&mut self) {
        self.crib_sheets();
        self.group_makeup();
        self.warnings();
    }

    pub(super) fn crib_sheets(&mut self) {
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
                factor_in_words(fr)
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

    pub(super) fn group_makeup(&mut self) {
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
                .map(|(l, n)| (crate::fmt::width(l) + format!(" (n={n})").len() + 2).max(14))
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

    pub(super) fn warnings(&mut self) {
        if self.r.warnings.is_empty() {
            return;
        }
        self.page("Warnings  (qstudy addition)");
        for w in &self.r.warnings {
            self.line(&format!("- {w}"));
        }
    }
}

//! A typed, read-only view of [`AnalysisResults`] that every report and figure reads: which
//! factors have an array, the rows of the distinguishing, consensus and crib-sheet tables in
//! the order they are shown, the phrases that describe the options, and which figures the
//! results call for. Pure data: formatting and file formats stay in the report and plot
//! crates, which read this view instead of each restating it.

use crate::analysis::{AnalysisResults, OptionsSummary};
use crate::compare::{Consensus, Direction, Distinguishing};
use crate::rotate::Rotation;

/// One row of a factor's distinguishing statements.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DistinguishingRow {
    /// Statement index (0-based, statement order).
    pub statement: usize,
    /// Statement id.
    pub id: u32,
    /// 0.01 or 0.05.
    pub p: f64,
    /// Higher, lower or mixed.
    pub direction: Direction,
}

impl DistinguishingRow {
    /// Whether it distinguishes at p < .01.
    pub fn at_01(&self) -> bool {
        self.p <= 0.01
    }
}

/// One row of the consensus statements.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ConsensusRow {
    /// Statement index (0-based, statement order).
    pub statement: usize,
    /// Statement id.
    pub id: u32,
    /// 0.05 (no pair differs even at p < .05) or 0.01.
    pub nonsignificant_at: f64,
}

impl ConsensusRow {
    /// Whether no pair of factors differs even at p < .05.
    pub fn at_05(&self) -> bool {
        self.nonsignificant_at >= 0.05
    }
}

/// The four groups of a crib sheet, in the order shown.
pub const CRIB_GROUPS: usize = 4;

/// A factor's crib sheet as shown: four groups of statement indices (top of the array, ranked
/// higher than in every other factor, ranked lower, bottom), each by descending z-score.
#[derive(Debug, Clone, PartialEq)]
pub struct CribView {
    /// Index of the factor in `results.factors`.
    pub factor: usize,
    /// Top, ranked higher, ranked lower, bottom.
    pub groups: [Vec<usize>; CRIB_GROUPS],
}

/// The view of one [`AnalysisResults`].
///
/// ```
/// # fn demo(results: &qstudy_core::AnalysisResults) {
/// let view = qstudy_core::view::ReportView::new(results);
/// for &f in &view.arrays {
///     for row in &view.distinguishing[f] {
///         println!("{} {} {}", results.factors[f].name, row.id, row.direction);
///     }
/// }
/// # }
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct ReportView {
    /// Factors with z-scores and an array (indices into `results.factors`).
    pub arrays: Vec<usize>,
    /// Per factor (every factor of `results.factors`): its distinguishing statements by
    /// descending z-score (statement order on ties, and when it has no z-scores).
    pub distinguishing: Vec<Vec<DistinguishingRow>>,
    /// The consensus statements, in statement order.
    pub consensus: Vec<ConsensusRow>,
    /// The crib sheets of the factors with z-scores and an array, in `results.crib_sheets`
    /// order.
    pub crib_sheets: Vec<CribView>,
}

impl ReportView {
    /// Builds the view (linear in the statements and factors).
    pub fn new(r: &AnalysisResults) -> ReportView {
        let arrays = with_array(r);
        let distinguishing = r
            .factors
            .iter()
            .map(|f| distinguishing_rows(r, &f.distinguishing, f.zscores.as_deref()))
            .collect();
        let consensus = r
            .consensus
            .iter()
            .filter_map(|c| {
                statement_index(r, c.statement).map(|s| ConsensusRow {
                    statement: s,
                    id: c.statement,
                    nonsignificant_at: c.nonsignificant_at,
                })
            })
            .collect();
        let crib_sheets = r
            .crib_sheets
            .iter()
            .filter_map(|sheet| {
                let f = factor_index(r, &sheet.factor)?;
                let fr = &r.factors[f];
                let z = fr.zscores.as_deref()?;
                fr.array.as_ref()?;
                let group = |ids: &[u32]| {
                    let mut rows: Vec<usize> = ids
                        .iter()
                        .filter_map(|&id| statement_index(r, id))
                        .collect();
                    by_descending_z(&mut rows, z);
                    rows
                };
                Some(CribView {
                    factor: f,
                    groups: [
                        group(&sheet.top),
                        group(&sheet.ranked_higher),
                        group(&sheet.ranked_lower),
                        group(&sheet.bottom),
                    ],
                })
            })
            .collect();
        ReportView {
            arrays,
            distinguishing,
            consensus,
            crib_sheets,
        }
    }

    /// The factors with an array other than `f`.
    pub fn others(&self, f: usize) -> Vec<usize> {
        self.arrays.iter().copied().filter(|&g| g != f).collect()
    }
}

/// Sorts statement indices by descending z-score, then statement order.
fn by_descending_z(rows: &mut [usize], z: &[f64]) {
    rows.sort_by(|&x, &y| z[y].total_cmp(&z[x]).then(x.cmp(&y)));
}

fn distinguishing_rows(
    r: &AnalysisResults,
    list: &[Distinguishing],
    z: Option<&[f64]>,
) -> Vec<DistinguishingRow> {
    let mut rows: Vec<DistinguishingRow> = list
        .iter()
        .filter_map(|d| {
            statement_index(r, d.statement).map(|s| DistinguishingRow {
                statement: s,
                id: d.statement,
                p: d.p,
                direction: d.direction,
            })
        })
        .collect();
    if let Some(z) = z {
        rows.sort_by(|x, y| {
            z[y.statement]
                .total_cmp(&z[x.statement])
                .then(x.statement.cmp(&y.statement))
        });
    }
    rows
}

/// The factors with z-scores and an array (indices into `results.factors`).
pub fn with_array(r: &AnalysisResults) -> Vec<usize> {
    (0..r.factors.len())
        .filter(|&f| r.factors[f].zscores.is_some() && r.factors[f].array.is_some())
        .collect()
}

/// Index of statement `id` in statement order.
pub fn statement_index(r: &AnalysisResults, id: u32) -> Option<usize> {
    r.input.statement_ids.iter().position(|&s| s == id)
}

/// The text of statement `s` (0-based) as the input gave it; `None` when the input had no
/// statement texts.
pub fn statement_text(r: &AnalysisResults, s: usize) -> Option<&str> {
    r.input
        .statement_labels
        .as_ref()
        .and_then(|l| l.get(s))
        .map(String::as_str)
}

/// Index of the factor named `name` (`F1`, `F2a`).
pub fn factor_index(r: &AnalysisResults, name: &str) -> Option<usize> {
    r.factors.iter().position(|f| f.name == name)
}

/// How statement `s` (0-based) distinguishes factor `f`, if it does.
pub fn distinguishing_of(r: &AnalysisResults, f: usize, s: usize) -> Option<&Distinguishing> {
    let id = r.input.statement_ids[s];
    r.factors[f]
        .distinguishing
        .iter()
        .find(|d| d.statement == id)
}

/// The consensus entry of statement `s` (0-based), if it is a consensus statement.
pub fn consensus_of(r: &AnalysisResults, s: usize) -> Option<&Consensus> {
    let id = r.input.statement_ids[s];
    r.consensus.iter().find(|c| c.statement == id)
}

// ---- the options, in words -------------------------------------------------------------------

/// `pearson correlation, centroid (7 extracted)`.
pub fn method_phrase(o: &OptionsSummary) -> String {
    format!(
        "{} correlation, {} ({} extracted)",
        o.correlation, o.extraction, o.extracted
    )
}

/// `varimax rotation`, `varimax rotation + 2 judgmental step(s)`.
pub fn rotation_phrase(o: &OptionsSummary) -> String {
    if o.rotation_steps.is_empty() {
        format!("{} rotation", o.rotation)
    } else {
        format!(
            "{} rotation + {} judgmental step(s)",
            o.rotation,
            o.rotation_steps.len()
        )
    }
}

/// The rotation with varimax's method: `varimax (pqmethod)`, `none`.
pub fn rotation_name(o: &OptionsSummary) -> String {
    if o.rotation == Rotation::Varimax {
        format!("{} ({})", o.rotation, o.varimax_method.as_str())
    } else {
        o.rotation.to_string()
    }
}

// ---- which figures the results call for ------------------------------------------------------

/// The factors that have a composite sort (those with an array).
pub fn composite_factors(r: &AnalysisResults) -> Vec<usize> {
    (0..r.factors.len())
        .filter(|&f| r.factors[f].array.is_some())
        .collect()
}

/// The pairs of factors that get a loadings map: every pair but the two halves of one split
/// factor.
pub fn loadings_pairs(r: &AnalysisResults) -> Vec<(usize, usize)> {
    let k = r.factors.len();
    (0..k)
        .flat_map(|a| (a + 1..k).map(move |b| (a, b)))
        .filter(|&(a, b)| r.factors[a].source_factor != r.factors[b].source_factor)
        .collect()
}

/// The participant attributes that get a group make-up: those compared, in results order.
pub fn group_attributes(r: &AnalysisResults) -> Vec<&str> {
    r.groups
        .iter()
        .flatten()
        .map(|g| g.attribute.as_str())
        .collect()
}

/// A name made safe for a file: ASCII letters, digits, `-` and `_` kept, anything else `_`.
///
/// ```
/// assert_eq!(qstudy_core::view::file_safe("role/team 2"), "role_team_2");
/// ```
pub fn file_safe(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::{AnalysisOptions, analyze};
    use crate::validate::{ValidationOptions, validate};

    fn results() -> AnalysisResults {
        let table = crate::SortTable {
            sort_ids: (0..6).map(|i| format!("S{i}")).collect(),
            statement_labels: None,
            values: vec![
                vec![-2, -1, -1, 0, 0, 0, 1, 1, 2],
                vec![-2, -1, 0, -1, 0, 1, 0, 1, 2],
                vec![2, 1, 1, 0, 0, 0, -1, -1, -2],
                vec![2, 1, 0, 1, 0, -1, 0, -1, -2],
                vec![0, 0, -1, 2, 1, -2, 1, -1, 0],
                vec![0, -1, 0, 2, 1, -2, 1, 0, -1],
            ],
        };
        let study = validate(&table, &ValidationOptions::default()).unwrap();
        analyze(
            &study,
            &AnalysisOptions {
                factors: 2,
                ..Default::default()
            },
        )
        .unwrap()
    }

    #[test]
    fn rows_follow_descending_z_and_statement_order() {
        let r = results();
        let v = ReportView::new(&r);
        for (f, rows) in v.distinguishing.iter().enumerate() {
            assert_eq!(rows.len(), r.factors[f].distinguishing.len());
            if let Some(z) = r.factors[f].zscores.as_ref() {
                for w in rows.windows(2) {
                    let (a, b) = (w[0].statement, w[1].statement);
                    assert!(z[a] > z[b] || (z[a] == z[b] && a < b));
                }
            }
        }
        for w in v.consensus.windows(2) {
            assert!(w[0].statement < w[1].statement);
        }
        for c in &v.crib_sheets {
            let z = r.factors[c.factor].zscores.as_ref().unwrap();
            for g in &c.groups {
                for w in g.windows(2) {
                    assert!(z[w[0]] >= z[w[1]]);
                }
            }
        }
    }

    #[test]
    fn directions_keep_their_strings() {
        for (d, s) in [
            (Direction::Higher, "\"higher\""),
            (Direction::Lower, "\"lower\""),
            (Direction::Mixed, "\"mixed\""),
        ] {
            assert_eq!(serde_json::to_string(&d).unwrap(), s);
            assert_eq!(serde_json::from_str::<Direction>(s).unwrap(), d);
        }
    }

    #[test]
    fn options_read_as_phrases() {
        let mut r = results();
        assert_eq!(rotation_phrase(&r.options), "varimax rotation");
        r.options.rotation_steps.push((1, 2, 10.0));
        assert_eq!(
            rotation_phrase(&r.options),
            "varimax rotation + 1 judgmental step(s)"
        );
        assert!(method_phrase(&r.options).starts_with("pearson correlation, "));
    }

    #[test]
    fn figures_leave_out_the_halves_of_a_split_factor() {
        let mut r = results();
        assert_eq!(loadings_pairs(&r), vec![(0, 1)]);
        r.factors[1].source_factor = r.factors[0].source_factor;
        assert!(loadings_pairs(&r).is_empty());
        assert!(group_attributes(&r).is_empty());
    }
}

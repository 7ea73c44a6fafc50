//! Stage 6: factor characteristics and comparisons: reliability, SE and SED, correlations
//! between factors' z-scores, distinguishing and consensus statements, descending arrays of
//! differences, consensus-to-disagreement order and crib sheets.

use serde::{Deserialize, Serialize};

use crate::correlate::pearson_r;
use crate::flag::z_for_p;
use crate::warning::Warning;

/// Average reliability coefficient of one sort (Brown 1980's convention).
pub const SORT_RELIABILITY: f64 = 0.8;

/// Composite reliability of a factor with `p` defining sorts: `0.8 p / (1 + 0.8 (p - 1))`.
///
/// ```
/// let r = qstudy_core::compare::composite_reliability(3);
/// assert!((r - 12.0 / 13.0).abs() < 1e-15);
/// ```
pub fn composite_reliability(p: usize) -> f64 {
    let p = p as f64;
    SORT_RELIABILITY * p / (1.0 + SORT_RELIABILITY * (p - 1.0))
}

/// Standard error of a factor's z-scores: `sqrt(1 - r_c)`.
pub fn standard_error(reliability: f64) -> f64 {
    (1.0 - reliability).sqrt()
}

/// The inputs of the comparison for one factor with an array.
#[derive(Debug, Clone, PartialEq)]
pub struct FactorSummary<'a> {
    /// Factor name (`F1`, `F2a`, ...).
    pub name: &'a str,
    /// z-scores per statement.
    pub zscores: &'a [f64],
    /// Factor array per statement.
    pub array: &'a [i32],
    /// Standard error of its z-scores.
    pub se: f64,
}

/// A statement that distinguishes a factor from every other factor.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Distinguishing {
    /// Statement id.
    pub statement: u32,
    /// The strictest level (0.01 or 0.05) at which it differs from every other factor.
    pub p: f64,
    /// Whether the factor ranks it above every other factor, below, or neither
    /// (`"higher"`, `"lower"`, `"mixed"` in results.json).
    pub direction: Direction,
}

/// How a distinguishing statement sets a factor apart; serialised as `"higher"`, `"lower"`,
/// `"mixed"` (the strings of results.json).
///
/// ```
/// use qstudy_core::compare::Direction;
/// assert_eq!(Direction::Higher.as_str(), "higher");
/// assert_eq!(serde_json::to_string(&Direction::Mixed).unwrap(), "\"mixed\"");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    /// Above every other factor.
    Higher,
    /// Below every other factor.
    Lower,
    /// Significantly different from every other factor, above some and below others.
    Mixed,
}

impl Direction {
    /// `higher`, `lower` or `mixed`, as in results.json.
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::Higher => "higher",
            Direction::Lower => "lower",
            Direction::Mixed => "mixed",
        }
    }
}

impl std::fmt::Display for Direction {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A statement on which no pair of factors differs significantly at p < .01.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Consensus {
    /// Statement id.
    pub statement: u32,
    /// 0.05: no pair differs even at p < .05; 0.01: none at p < .01 but some at p < .05.
    pub nonsignificant_at: f64,
}

/// One statement's difference between two factors.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Difference {
    /// Statement id.
    pub statement: u32,
    /// `z_a - z_b`.
    pub difference: f64,
    /// z-score in factor a.
    pub z_a: f64,
    /// z-score in factor b.
    pub z_b: f64,
}

/// Descending array of differences between factors a and b.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PairDifferences {
    /// Factor a.
    pub a: String,
    /// Factor b.
    pub b: String,
    /// Every statement, by `z_a - z_b` descending.
    pub statements: Vec<Difference>,
}

/// How much the factors disagree on one statement.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Spread {
    /// Statement id.
    pub statement: u32,
    /// Variance (population) of its z-scores across factors.
    pub variance: f64,
}

/// A crib sheet (Watts & Stenner 2012) for one factor.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CribSheet {
    /// Factor name.
    pub factor: String,
    /// Statements at the top value of the array.
    pub top: Vec<u32>,
    /// Statements (not at the top) ranked higher in this factor's array than in every other.
    pub ranked_higher: Vec<u32>,
    /// Statements (not at the bottom) ranked lower in this factor's array than in every other.
    pub ranked_lower: Vec<u32>,
    /// Statements at the bottom value of the array.
    pub bottom: Vec<u32>,
}

/// Everything the comparison stage computes.
#[derive(Debug, Clone, PartialEq)]
pub struct Comparison {
    /// `SED[a][b] = sqrt(SE_a^2 + SE_b^2)`.
    pub sed: Vec<Vec<f64>>,
    /// Pearson correlations between the factors' z-scores.
    pub correlations: Vec<Vec<f64>>,
    /// Distinguishing statements per factor, in statement order.
    pub distinguishing: Vec<Vec<Distinguishing>>,
    /// Consensus statements, in statement order.
    pub consensus: Vec<Consensus>,
    /// One entry per pair (a < b).
    pub differences: Vec<PairDifferences>,
    /// Statements from consensus (lowest variance) to disagreement.
    pub consensus_order: Vec<Spread>,
    /// One crib sheet per factor.
    pub crib_sheets: Vec<CribSheet>,
}

/// Distinguishing statements of each of `k` factors and the consensus statements, given each
/// factor's estimate `z(factor, statement)` and the standard error of the difference of two
/// factors on a statement, `sed(a, b, statement)` (the same for every statement in the classical
/// analysis; per statement for bootstrap estimates). A difference is significant at level p when
/// `|z_a - z_b| > z_p * SED` (1.96 and 2.576); a zero SED makes any non-zero difference
/// significant. Needs `k >= 2` (otherwise nothing is returned).
pub fn significance(
    k: usize,
    statement_ids: &[u32],
    z: impl Fn(usize, usize) -> f64,
    sed: impl Fn(usize, usize, usize) -> f64,
) -> (Vec<Vec<Distinguishing>>, Vec<Consensus>) {
    let (z05, z01) = (z_for_p(0.05), z_for_p(0.01));
    let mut distinguishing = vec![Vec::new(); k];
    let mut consensus = Vec::new();
    if k < 2 {
        return (distinguishing, consensus);
    }
    // |d| / SED, infinite when a non-zero difference has no error.
    let ratio = |d: f64, e: f64| {
        if e > 0.0 {
            d.abs() / e
        } else if d != 0.0 {
            f64::INFINITY
        } else {
            0.0
        }
    };
    for (a, list) in distinguishing.iter_mut().enumerate() {
        for (s, &id) in statement_ids.iter().enumerate() {
            let mut level = 0.01;
            let (mut above, mut below) = (true, true);
            for b in (0..k).filter(|&b| b != a) {
                let d = z(a, s) - z(b, s);
                let r = ratio(d, sed(a, b, s));
                if r <= z05 {
                    level = 0.0;
                    break;
                }
                if r <= z01 {
                    level = 0.05;
                }
                above &= d > 0.0;
                below &= d < 0.0;
            }
            if level > 0.0 {
                let direction = if above {
                    Direction::Higher
                } else if below {
                    Direction::Lower
                } else {
                    Direction::Mixed
                };
                list.push(Distinguishing {
                    statement: id,
                    p: level,
                    direction,
                });
            }
        }
    }
    for (s, &id) in statement_ids.iter().enumerate() {
        let mut worst = 0.0f64; // largest |d| / SED over pairs
        for a in 0..k {
            for b in (a + 1)..k {
                worst = worst.max(ratio(z(a, s) - z(b, s), sed(a, b, s)));
            }
        }
        if worst <= z01 {
            consensus.push(Consensus {
                statement: id,
                nonsignificant_at: if worst <= z05 { 0.05 } else { 0.01 },
            });
        }
    }
    (distinguishing, consensus)
}

/// Compares the factors that have an array. `statement_ids` names the statements.
///
/// Significance uses `|z_a - z_b| > z_p * SED_ab` with z = 1.96 (p < .05) and 2.576 (p < .01).
pub fn compare(factors: &[FactorSummary<'_>], statement_ids: &[u32]) -> Comparison {
    let k = factors.len();
    let sed: Vec<Vec<f64>> = factors
        .iter()
        .map(|a| {
            factors
                .iter()
                .map(|b| (a.se * a.se + b.se * b.se).sqrt())
                .collect()
        })
        .collect();
    let (distinguishing, consensus) = significance(
        k,
        statement_ids,
        |f, s| factors[f].zscores[s],
        |a, b, _| sed[a][b],
    );
    Comparison {
        sed,
        correlations: score_correlations(factors),
        distinguishing,
        consensus,
        differences: pair_differences(factors, statement_ids),
        consensus_order: consensus_order(factors, statement_ids),
        crib_sheets: factors
            .iter()
            .enumerate()
            .map(|(a, _)| crib_sheet(factors, a, statement_ids))
            .collect(),
    }
}

/// The correlations between the factors' z-scores (1 on the diagonal).
fn score_correlations(factors: &[FactorSummary<'_>]) -> Vec<Vec<f64>> {
    factors
        .iter()
        .enumerate()
        .map(|(i, a)| {
            factors
                .iter()
                .enumerate()
                .map(|(j, b)| {
                    if i == j {
                        1.0
                    } else {
                        pearson_r(a.zscores.into(), b.zscores.into())
                    }
                })
                .collect()
        })
        .collect()
}

/// For each pair of factors, every statement's difference of z-scores, largest first
/// (statement order on ties).
fn pair_differences(factors: &[FactorSummary<'_>], statement_ids: &[u32]) -> Vec<PairDifferences> {
    let (k, m) = (factors.len(), statement_ids.len());
    let mut differences = Vec::new();
    for a in 0..k {
        for b in (a + 1)..k {
            let mut rows: Vec<Difference> = (0..m)
                .map(|s| Difference {
                    statement: statement_ids[s],
                    difference: factors[a].zscores[s] - factors[b].zscores[s],
                    z_a: factors[a].zscores[s],
                    z_b: factors[b].zscores[s],
                })
                .collect();
            rows.sort_by(|x, y| {
                y.difference
                    .total_cmp(&x.difference)
                    .then(x.statement.cmp(&y.statement))
            });
            differences.push(PairDifferences {
                a: factors[a].name.to_string(),
                b: factors[b].name.to_string(),
                statements: rows,
            });
        }
    }
    differences
}

/// The statements by the variance of their z-scores across the factors, lowest (most
/// agreed on) first (statement order on ties).
fn consensus_order(factors: &[FactorSummary<'_>], statement_ids: &[u32]) -> Vec<Spread> {
    let k = factors.len();
    let mut order: Vec<Spread> = (0..statement_ids.len())
        .map(|s| {
            let z: Vec<f64> = factors.iter().map(|f| f.zscores[s]).collect();
            let mean = z.iter().sum::<f64>() / k.max(1) as f64;
            let variance = z.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>() / k.max(1) as f64;
            Spread {
                statement: statement_ids[s],
                variance,
            }
        })
        .collect();
    order.sort_by(|x, y| {
        x.variance
            .total_cmp(&y.variance)
            .then(x.statement.cmp(&y.statement))
    });
    order
}

/// Factor `a`'s crib sheet: the statements at the top and bottom of its array, and those it
/// ranks higher (lower) than every other factor does.
fn crib_sheet(factors: &[FactorSummary<'_>], a: usize, statement_ids: &[u32]) -> CribSheet {
    let k = factors.len();
    let fa = &factors[a];
    let top_value = fa.array.iter().copied().max().unwrap_or(0);
    let bottom_value = fa.array.iter().copied().min().unwrap_or(0);
    let mut sheet = CribSheet {
        factor: fa.name.to_string(),
        top: Vec::new(),
        ranked_higher: Vec::new(),
        ranked_lower: Vec::new(),
        bottom: Vec::new(),
    };
    for (s, &id) in statement_ids.iter().enumerate() {
        let v = fa.array[s];
        let others = factors
            .iter()
            .enumerate()
            .filter(|&(b, _)| b != a)
            .map(|(_, fb)| fb.array[s]);
        let higher = k >= 2 && others.clone().all(|o| v > o);
        let lower = k >= 2 && others.clone().all(|o| v < o);
        if v == top_value {
            sheet.top.push(id);
        } else if v == bottom_value {
            sheet.bottom.push(id);
        } else if higher {
            sheet.ranked_higher.push(id);
        } else if lower {
            sheet.ranked_lower.push(id);
        }
    }
    sheet
}

/// The output of the comparison stage of an analysis, by viewpoint column.
#[derive(Debug, Clone, PartialEq)]
pub struct Compared {
    /// Per column: `(composite reliability, standard error)`, when it has an array.
    pub characteristics: Vec<Option<(f64, f64)>>,
    /// The columns with an array, in order: those compared.
    pub with_array: Vec<usize>,
    /// The comparison of the columns with an array (indexed as `with_array`).
    pub comparison: Comparison,
    /// `columns x columns` correlations between z-scores (`None` where one has no array).
    pub factor_correlations: Vec<Vec<Option<f64>>>,
    /// `columns x columns` standard errors of differences (`None` where one has no array).
    pub sed: Vec<Vec<Option<f64>>>,
}

/// The comparison stage of an analysis: the characteristics of every viewpoint column, then
/// [`compare`] of those with an array.
///
/// ```
/// use qstudy_core::compare;
/// let compared = compare::run(&[], &[], &[1, 2, 3]);
/// assert!(compared.with_array.is_empty());
/// assert_eq!(compared.warnings().len(), 1); // fewer than two factors with an array
/// ```
pub fn run(
    columns: &[crate::flag::FactorColumn],
    scores: &[crate::score::FactorScores],
    statement_ids: &[u32],
) -> Compared {
    let kv = scores.len();
    let with_array: Vec<usize> = (0..kv).filter(|&c| scores[c].composite.is_some()).collect();
    let characteristics: Vec<Option<(f64, f64)>> = scores
        .iter()
        .map(|s| {
            s.composite.as_ref().map(|_| {
                let rel = composite_reliability(s.defining.len());
                (rel, standard_error(rel))
            })
        })
        .collect();
    let summaries: Vec<FactorSummary<'_>> = with_array
        .iter()
        .filter_map(|&c| {
            let comp = scores[c].composite.as_ref()?;
            Some(FactorSummary {
                name: &columns[c].name,
                zscores: &comp.zscores,
                array: &comp.array,
                se: characteristics[c]?.1,
            })
        })
        .collect();
    let comparison = compare(&summaries, statement_ids);
    let mut factor_correlations = vec![vec![None; kv]; kv];
    let mut sed = vec![vec![None; kv]; kv];
    for (x, &a) in with_array.iter().enumerate() {
        for (y, &b) in with_array.iter().enumerate() {
            factor_correlations[a][b] = Some(comparison.correlations[x][y]);
            sed[a][b] = Some(comparison.sed[x][y]);
        }
    }
    Compared {
        characteristics,
        with_array,
        comparison,
        factor_correlations,
        sed,
    }
}

impl Compared {
    /// The distinguishing statements of column `c` (none when it has no array).
    pub fn distinguishing(&self, c: usize) -> Vec<Distinguishing> {
        self.with_array
            .iter()
            .position(|&x| x == c)
            .map(|x| self.comparison.distinguishing[x].clone())
            .unwrap_or_default()
    }

    /// The warnings of the comparison.
    pub fn warnings(&self) -> Vec<Warning> {
        if self.with_array.len() < 2 {
            vec![Warning::FewerThanTwoArrays]
        } else {
            Vec::new()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distinguishing_and_consensus_levels() {
        // SE = sqrt(1 - 12/13) for p = 3: SED = sqrt(2) * SE = 0.3922
        let se = standard_error(composite_reliability(3));
        let sed = (2.0f64).sqrt() * se;
        let za = [0.0, 3.0 * sed, 2.2 * sed, 0.5 * sed];
        let zb = [0.0, 0.0, 0.0, 0.0];
        let arr = [0, 0, 0, 0];
        let f = [
            FactorSummary {
                name: "F1",
                zscores: &za,
                array: &arr,
                se,
            },
            FactorSummary {
                name: "F2",
                zscores: &zb,
                array: &arr,
                se,
            },
        ];
        let c = compare(&f, &[1, 2, 3, 4]);
        let d1: Vec<(u32, f64)> = c.distinguishing[0]
            .iter()
            .map(|d| (d.statement, d.p))
            .collect();
        assert_eq!(d1, vec![(2, 0.01), (3, 0.05)]);
        let cons: Vec<(u32, f64)> = c
            .consensus
            .iter()
            .map(|d| (d.statement, d.nonsignificant_at))
            .collect();
        assert_eq!(cons, vec![(1, 0.05), (3, 0.01), (4, 0.05)]);
        assert!((c.sed[0][1] - 0.392232270276368).abs() < 1e-12);
        assert_eq!(c.differences[0].statements[0].statement, 2);
    }
}

//! Read-only views of [`AnalysisResults`] in the figures' words: factor titles, statement
//! texts, distinguishing marks and their symbols, signed grid values. `report.html` uses the
//! same words, so the page's tables and the figures it shows agree.

use std::collections::BTreeSet;

use qstudy_core::AnalysisResults;
use qstudy_core::analysis::FactorResult;
use qstudy_core::compare::Distinguishing;

use crate::PlotError;

pub use qstudy_core::compare::Direction;

/// A distinguishing mark: direction and level (0.05 or 0.01).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Mark {
    /// Higher, lower or mixed.
    pub direction: Direction,
    /// The level: 0.05 or 0.01.
    pub p: f64,
}

impl Mark {
    pub fn from(d: &Distinguishing) -> Mark {
        Mark {
            direction: d.direction,
            p: d.p,
        }
    }
    /// `▲`, `▼` or `◆`.
    pub fn symbol(self) -> &'static str {
        match self.direction {
            Direction::Higher => "▲",
            Direction::Lower => "▼",
            Direction::Mixed => "◆",
        }
    }
    /// `**` (p < .01) or `*` (p < .05).
    pub fn stars(self) -> &'static str {
        if self.p <= 0.01 + 1e-12 { "**" } else { "*" }
    }
}

/// A figure's name for a factor: `F1 settled accommodation` (the label trimmed), or `F1`
/// without a label or with a blank one.
pub fn factor_caption(f: &FactorResult) -> String {
    caption(&f.name, f.label.as_deref())
}

/// [`factor_caption`] of a factor named `name` with `label`.
pub fn caption(name: &str, label: Option<&str>) -> String {
    match label {
        Some(label) if !label.trim().is_empty() => format!("{name} {}", label.trim()),
        _ => name.to_string(),
    }
}

/// `3 defining sorts`, `1 defining sort`.
pub fn defining_count(n: usize) -> String {
    if n == 1 {
        "1 defining sort".to_string()
    } else {
        format!("{n} defining sorts")
    }
}

/// The text of statement `i` (0-based) as a figure shows it: trimmed, `None` when the input had
/// no texts or this one is blank.
pub fn statement_caption(r: &AnalysisResults, i: usize) -> Option<&str> {
    qstudy_core::view::statement_text(r, i)
        .map(str::trim)
        .filter(|s| !s.is_empty())
}

/// Distinguishing mark of statement `i` for factor `f`.
pub fn mark(r: &AnalysisResults, f: usize, i: usize) -> Option<Mark> {
    qstudy_core::view::distinguishing_of(r, f, i).map(Mark::from)
}

/// The level at which statement `i` is a consensus statement, if it is one.
pub fn consensus(r: &AnalysisResults, i: usize) -> Option<f64> {
    qstudy_core::view::consensus_of(r, i).map(|c| c.nonsignificant_at)
}

/// A grid value as printed on a column head: `−4`, `0`, `+4` (typographic minus).
pub fn signed(v: i64) -> String {
    match v {
        0 => "0".to_string(),
        v if v > 0 => format!("+{v}"),
        v => format!("−{}", -v),
    }
}

/// Resolves a factor given as `2`, `F2`, `f2`, `F1a` to its index in `factors`.
pub fn resolve_factor(r: &AnalysisResults, s: &str) -> Result<usize, PlotError> {
    let names: Vec<&str> = r.factors.iter().map(|f| f.name.as_str()).collect();
    resolve_name(&names, s)
}

/// Resolves a factor given as `2`, `F2`, `f2`, `F1a` to its index in `names` (`F1`, ...).
pub(crate) fn resolve_name(names: &[&str], s: &str) -> Result<usize, PlotError> {
    let t = s.trim();
    let name = if t.starts_with(['F', 'f']) {
        format!("F{}", &t[1..])
    } else {
        format!("F{t}")
    };
    names
        .iter()
        .position(|f| f.eq_ignore_ascii_case(&name))
        .ok_or_else(|| PlotError::UnknownFactor {
            factor: s.to_string(),
            valid: names.join(", "),
        })
}

/// Factor `f` (0-based) of the results; an error naming the factors there are when there is
/// no such factor.
pub(crate) fn factor_at(r: &AnalysisResults, f: usize) -> Result<&FactorResult, PlotError> {
    r.factors.get(f).ok_or_else(|| PlotError::UnknownFactor {
        factor: (f + 1).to_string(),
        valid: r
            .factors
            .iter()
            .map(|f| f.name.as_str())
            .collect::<Vec<_>>()
            .join(", "),
    })
}

/// The attributes of the participants, sorted.
pub fn attributes(r: &AnalysisResults) -> Vec<String> {
    let participants = r.participants.as_deref().unwrap_or_default();
    qstudy_core::groups::attribute_names(participants)
        .into_iter()
        .map(str::to_string)
        .collect()
}

/// The attribute figures use when none is chosen: among those the group comparison covers,
/// the one with the fewest levels (the first in name order on a tie), e.g. `role`.
pub fn default_attribute(r: &AnalysisResults) -> Option<String> {
    r.groups
        .iter()
        .flatten()
        .min_by_key(|g| g.levels.len())
        .map(|g| g.attribute.clone())
}

/// The value of `attribute` for each sort (input order); checks the attribute exists.
pub(crate) fn levels_of(
    r: &AnalysisResults,
    attribute: &str,
) -> Result<(Vec<String>, Vec<Option<usize>>), PlotError> {
    let known = attributes(r);
    if !known.iter().any(|a| a == attribute) {
        return Err(PlotError::UnknownAttribute {
            attribute: attribute.to_string(),
            valid: if known.is_empty() {
                "none: the results have no participant attributes".to_string()
            } else {
                known.join(", ")
            },
        });
    }
    let participants = r.participants.as_deref().unwrap_or(&[]);
    let value = |id: &String| {
        participants
            .iter()
            .find(|p| &p.id == id)
            .and_then(|p| p.attributes.get(attribute))
            .map(|v| v.trim().to_string())
            .filter(|v| !v.is_empty())
    };
    let values: Vec<Option<String>> = r.input.sort_ids.iter().map(value).collect();
    let levels: Vec<String> = values
        .iter()
        .flatten()
        .cloned()
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let index = values
        .iter()
        .map(|v| v.as_ref().and_then(|v| levels.iter().position(|l| l == v)))
        .collect();
    Ok((levels, index))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signed_values_use_a_typographic_minus() {
        assert_eq!(signed(-4), "−4");
        assert_eq!(signed(0), "0");
        assert_eq!(signed(3), "+3");
    }

    #[test]
    fn counts_agree_in_number() {
        assert_eq!(defining_count(1), "1 defining sort");
        assert_eq!(defining_count(0), "0 defining sorts");
    }
}

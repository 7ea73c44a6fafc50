//! Group comparison: who defines each factor, by participant attribute (councillors vs
//! officers, by council), with Fisher's exact test where the attribute has two levels.
//!
//! No anchor offers this; it answers questions like the APSE study's "is a viewpoint held by
//! councillors, by officers, or by both?".

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};
use statrs::distribution::{Discrete, Hypergeometric};

use crate::data::Participant;

/// One factor's make-up by the levels of one attribute.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GroupFactor {
    /// Factor name (`F1`, `F2a`, ...).
    pub factor: String,
    /// Defining sorts per level (order of `levels`).
    pub defining: Vec<usize>,
    /// Mean loading on the factor of all sorts of each level (`null` for an empty level).
    pub mean_loading: Vec<Option<f64>>,
    /// Two-sided Fisher's exact test of defining / not defining by level (two levels only;
    /// `null` otherwise).
    pub fisher_p: Option<f64>,
}

/// The comparison for one attribute.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GroupComparison {
    /// Attribute name, e.g. `role`.
    pub attribute: String,
    /// Its levels, sorted.
    pub levels: Vec<String>,
    /// Number of sorts at each level.
    pub sorts_per_level: Vec<usize>,
    /// One entry per factor, in factor order.
    pub factors: Vec<GroupFactor>,
}

/// Two-sided p of Fisher's exact test on the 2 x 2 table `[[a, b], [c, d]]`: the probability,
/// under the hypergeometric law with the table's margins, of tables no more likely than the one
/// observed (relative tolerance 1e-7, as R's `fisher.test`).
///
/// ```
/// use qstudy_core::groups::fisher_exact_2x2;
/// // R: fisher.test(matrix(c(3, 1, 1, 3), 2))$p.value == 0.4857143
/// assert!((fisher_exact_2x2(3, 1, 1, 3) - 0.4857142857).abs() < 1e-9);
/// ```
pub fn fisher_exact_2x2(a: usize, b: usize, c: usize, d: usize) -> f64 {
    let total = (a + b + c + d) as u64;
    let row1 = (a + b) as u64;
    let col1 = (a + c) as u64;
    if total == 0 {
        return 1.0;
    }
    let Ok(h) = Hypergeometric::new(total, col1, row1) else {
        return 1.0;
    };
    let lo = row1.saturating_sub(total - col1);
    let hi = row1.min(col1);
    let observed = h.pmf(a as u64);
    let p: f64 = (lo..=hi)
        .map(|x| h.pmf(x))
        .filter(|&px| px <= observed * (1.0 + 1e-7))
        .sum();
    p.min(1.0)
}

/// Compares the factors' defining sorts by every participant attribute that splits the sorts
/// into 2 to 12 groups, each level holding fewer than all sorts (an attribute with a distinct
/// value per sort, like a name, is skipped). Participants are matched to sorts by id; sorts
/// without a participant entry are left out of that attribute's comparison.
///
/// `ids` are the sort ids, `factors` the factor names, `loadings[i][c]` and `flags[i][c]` the
/// loading and flag of sort `i` on factor `c` (as `factor_loadings` and `flags` of
/// `results.json`; `AnalysisResults::attach_participants` in the analysis module attaches this
/// comparison to the results).
///
/// ```
/// use std::collections::BTreeMap;
/// use qstudy_core::{Participant, groups::compare_groups};
/// let ids: Vec<String> = ["A", "B", "C"].iter().map(|s| s.to_string()).collect();
/// let role = |r: &str| BTreeMap::from([("role".to_string(), r.to_string())]);
/// let people: Vec<Participant> = ids.iter().zip(["x", "x", "y"])
///     .map(|(id, r)| Participant { id: id.clone(), attributes: role(r) }).collect();
/// let g = compare_groups(&ids, &["F1"], &[vec![0.8], vec![0.7], vec![0.1]],
///     &[vec![true], vec![true], vec![false]], &people);
/// assert_eq!(g[0].factors[0].defining, [2, 0]);
/// ```
pub fn compare_groups(
    ids: &[String],
    factors: &[&str],
    loadings: &[Vec<f64>],
    flags: &[Vec<bool>],
    participants: &[Participant],
) -> Vec<GroupComparison> {
    let mut out = Vec::new();
    for attribute in attribute_names(participants) {
        // level of each sort (by sort index)
        let level_of: Vec<Option<&String>> = ids
            .iter()
            .map(|id| {
                participants
                    .iter()
                    .find(|p| &p.id == id)
                    .and_then(|p| p.attributes.get(attribute))
                    .filter(|v| !v.trim().is_empty())
            })
            .collect();
        let levels: Vec<String> = level_of
            .iter()
            .flatten()
            .map(|s| s.to_string())
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        let counted = level_of.iter().flatten().count();
        if levels.len() < 2 || levels.len() > 12 || levels.len() >= counted {
            continue;
        }
        // each sort's level (index into `levels`), if it has one
        let level: Vec<Option<usize>> = level_of
            .iter()
            .map(|s| s.and_then(|v| levels.iter().position(|l| l == v)))
            .collect();
        let sorts_per_level: Vec<usize> = (0..levels.len())
            .map(|l| level.iter().filter(|&&s| s == Some(l)).count())
            .collect();
        let factors = factors
            .iter()
            .enumerate()
            .map(|(c, f)| group_factor(f, c, &level, &sorts_per_level, loadings, flags))
            .collect();
        out.push(GroupComparison {
            attribute: attribute.to_string(),
            levels,
            sorts_per_level,
            factors,
        });
    }
    out
}

/// The names of the participants' attributes, sorted, each once.
pub fn attribute_names(participants: &[Participant]) -> BTreeSet<&str> {
    participants
        .iter()
        .flat_map(|p| p.attributes.keys().map(String::as_str))
        .collect()
}

/// Factor `f` (column `c`) by level: its defining sorts, their mean loading, and Fisher's
/// exact test of the defining counts when there are two levels.
fn group_factor(
    f: &str,
    c: usize,
    level: &[Option<usize>],
    sorts_per_level: &[usize],
    loadings: &[Vec<f64>],
    flags: &[Vec<bool>],
) -> GroupFactor {
    let levels = sorts_per_level.len();
    let mut defining = vec![0usize; levels];
    let mut sums = vec![0.0f64; levels];
    for (i, l) in level.iter().enumerate() {
        if let Some(l) = *l {
            sums[l] += loadings[i][c];
            if flags[i][c] {
                defining[l] += 1;
            }
        }
    }
    let mean_loading = sums
        .iter()
        .zip(sorts_per_level)
        .map(|(s, &n)| (n > 0).then(|| s / n as f64))
        .collect();
    let fisher_p = (levels == 2).then(|| {
        fisher_exact_2x2(
            defining[0],
            sorts_per_level[0] - defining[0],
            defining[1],
            sorts_per_level[1] - defining[1],
        )
    });
    GroupFactor {
        factor: f.to_string(),
        defining,
        mean_loading,
        fisher_p,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fisher_matches_r() {
        // R: fisher.test(matrix(c(8, 2, 1, 5), 2))$p.value = 0.03496503
        assert!((fisher_exact_2x2(8, 1, 2, 5) - 0.034965035).abs() < 1e-8);
        // exact sum of hypergeometric terms (computed with integer binomials): 0.68508219
        assert!((fisher_exact_2x2(5, 3, 11, 13) - 0.685082190).abs() < 1e-8);
        assert_eq!(fisher_exact_2x2(0, 0, 0, 0), 1.0);
        assert!((fisher_exact_2x2(4, 4, 4, 4) - 1.0).abs() < 1e-12);
    }
}

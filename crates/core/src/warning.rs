//! The warnings of an analysis or a bootstrap: what was found and the values it is about. Each
//! front end words them for its users; [`std::fmt::Display`] gives the plain sentence written
//! into `results.json`, `warnings.txt` and the reports.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// One warning, with the sorts, factors, statements and numbers it is about. Factors are
/// named as in the results (`F1`, `F2a`) unless a field says otherwise.
///
/// ```
/// use qstudy_core::Warning;
/// let w = Warning::NoDefiningSort { factor: "F3".into() };
/// assert_eq!(w.to_string(), "F3 has no defining sort: it has no z-scores and no array");
/// ```
#[derive(Debug, Clone, PartialEq)]
pub enum Warning {
    /// Horst's communality estimates did not converge: the last pass is used.
    HorstNotConverged {
        /// Largest number of iterations.
        iterations: usize,
        /// Convergence threshold.
        threshold: f64,
    },
    /// Fewer factors could be extracted than were to be extracted.
    FewerExtracted {
        /// Factors that were to be extracted.
        asked: usize,
        /// Factors extracted.
        extracted: usize,
        /// Sorts of the study.
        sorts: usize,
        /// Statements of the study.
        statements: usize,
        /// Why the extraction stopped, when it says (else the data's size is the cause).
        shortfall: Option<String>,
    },
    /// A centroid communality estimate reached 1 and was held there (a Heywood case).
    CentroidHeywood {
        /// The centroid factor (1-based).
        factor: usize,
        /// The sort id.
        sort: String,
    },
    /// A rotated loading with `|a| >= 1`: the sort is not flagged automatically on it.
    HeywoodLoading {
        /// The sort id.
        sort: String,
        /// The rotated factor (1-based).
        factor: usize,
        /// The loading.
        loading: f64,
    },
    /// A sort flagged on more than one factor.
    FlaggedOnSeveral {
        /// The sort id.
        sort: String,
        /// The factors it is flagged on.
        factors: Vec<String>,
    },
    /// A sort flagged with a negative loading.
    NegativeFlag {
        /// The sort id.
        sort: String,
        /// The factor it is flagged on.
        factor: String,
        /// Its loading there.
        loading: f64,
    },
    /// Sorts flagged on no factor.
    DefineNoFactor {
        /// The sort ids, in input order.
        sorts: Vec<String>,
    },
    /// A factor without defining sorts.
    NoDefiningSort {
        /// The factor.
        factor: String,
    },
    /// A factor whose weighted defining sorts cancel out.
    CompositeCancels {
        /// The factor.
        factor: String,
    },
    /// Statements with equal z-scores in different grid columns (qmethod numerics).
    TiesAcrossColumns {
        /// The factor.
        factor: String,
        /// The statement ids.
        statements: Vec<u32>,
    },
    /// Fewer than two factors have an array: nothing to compare.
    FewerThanTwoArrays,
    /// The bootstrap does not apply manual flags.
    BootstrapManualFlags,
    /// The bootstrap applies judgmental rotation steps to the full-sample target only.
    BootstrapRotationSteps,
    /// Automatic flagging was turned off, which the bootstrap cannot do.
    BootstrapAutomaticFlagging,
    /// Bootstrap replicates that could not be analysed.
    ReplicatesFailed {
        /// Replicates left out.
        failed: usize,
        /// Replicates run.
        replicates: usize,
        /// Factors each replicate had to extract.
        factors: usize,
    },
    /// The number of factors to keep was not given: the retention report's recommendation
    /// (that of `qstudy factors`) was kept.
    FactorsRecommended {
        /// Factors kept.
        kept: usize,
    },
    /// A sort identical, statement by statement, to an earlier one: the same viewpoint counted
    /// twice (a second submission, a test run?).
    IdenticalSorts {
        /// The later sort.
        sort: String,
        /// The first sort it is identical to.
        first: String,
    },
    /// Two different sorts that correlate at or above [`crate::checks::NEAR_IDENTICAL_R`].
    NearIdenticalSorts {
        /// The earlier sort.
        sort: String,
        /// The later sort.
        other: String,
        /// Their Pearson correlation.
        r: f64,
    },
    /// The check for sorts correlating at 0.99 or above could not be completed (a study too
    /// large for the exact pairwise check whose sorts collide too often, see `docs/methods.md`).
    NearIdenticalUnchecked {
        /// Sorts of the study.
        sorts: usize,
    },
    /// Incomplete sorts left out of the analysis, as asked, each with the statements
    /// (1-based) it has no value for.
    IncompleteLeftOut {
        /// `(sort, statements)` in input order.
        sorts: Vec<(String, Vec<usize>)>,
    },
    /// A reflection of the centroid decided by a near-tie: the two most negative column sums
    /// were within a relative margin below [`crate::extract::NEAR_TIE`] (and the two sorts
    /// are not interchangeable), so a program computing the sums with other rounding can
    /// reflect the other sort first.
    CentroidNearTie {
        /// The centroid factor (1-based).
        factor: usize,
        /// The sort reflected.
        chosen: String,
        /// The sort whose sum came within the margin.
        other: String,
        /// `|T_chosen - T_other| / max(|T_chosen|, |T_other|)`.
        margin: f64,
    },
    /// With qmethod's numerics: column sums tied exactly at the minimum, which qmethod 1.8.4's
    /// `centroid()` reflects together with an assignment that scrambles its residual matrix.
    QmethodCentroidTie {
        /// The centroid factor (1-based).
        factor: usize,
        /// The tied sorts, in input order.
        sorts: Vec<String>,
    },
    /// PQMethod's varimax skip rule (`tan 4t < 0.00116`: the pair is not rotated) decided by
    /// a margin below [`crate::rotate::NEAR_SKIP`].
    VarimaxNearSkip {
        /// The first factor of the pair (1-based).
        a: usize,
        /// The second factor of the pair (1-based).
        b: usize,
        /// The varimax cycle (1-based) of the closest call.
        cycle: usize,
        /// `tan 4t` there.
        tan4t: f64,
        /// Whether the pair was left unrotated there.
        skipped: bool,
    },
    /// A warning read back from a file. `results.json` and `bootstrap.json` hold warnings as
    /// sentences only, so reading one back keeps the sentence as it is (written again, it is
    /// byte for byte the same) without the values it was about.
    Text(String),
}

impl fmt::Display for Warning {
    /// The warning as one plain sentence.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Warning::HorstNotConverged {
                iterations,
                threshold,
            } => write!(
                f,
                "Horst: the communality estimates did not settle within {iterations} iterations (threshold {threshold}): no convergence, the last pass is used"
            ),
            Warning::FewerExtracted {
                asked,
                extracted,
                sorts,
                statements,
                shortfall,
            } => {
                write!(
                    f,
                    "{asked} factors were to be extracted but only {extracted} could be"
                )?;
                match shortfall {
                    Some(why) => write!(f, ": {why}"),
                    None => write!(f, " ({sorts} sorts x {statements} statements)"),
                }
            }
            Warning::CentroidHeywood { factor, sort } => write!(
                f,
                "centroid factor {factor}: the communality estimate of sort '{sort}' reached 1 and was held at 1 (a Heywood case)"
            ),
            Warning::HeywoodLoading {
                sort,
                factor,
                loading,
            } => write!(
                f,
                "sort '{sort}' has loading {loading:.4} on F{factor} (|a| >= 1, a Heywood case): its weight is undefined, so it is not flagged automatically on that factor"
            ),
            Warning::FlaggedOnSeveral { sort, factors } => write!(
                f,
                "sort '{sort}' is flagged on more than one factor ({}): it enters each composite",
                factors.join(", ")
            ),
            Warning::NegativeFlag {
                sort,
                factor,
                loading,
            } => write!(
                f,
                "sort '{sort}' is flagged on {factor} with a negative loading ({loading:.4}): it enters the composite with a negative weight"
            ),
            Warning::DefineNoFactor { sorts } => write!(
                f,
                "{} sort(s) define no factor: {}",
                sorts.len(),
                sorts.join(", ")
            ),
            Warning::NoDefiningSort { factor } => write!(
                f,
                "{factor} has no defining sort: it has no z-scores and no array"
            ),
            Warning::CompositeCancels { factor } => write!(
                f,
                "the weighted sorts of {factor} cancel out (no variance): it has no z-scores and no array"
            ),
            Warning::TiesAcrossColumns { factor, statements } => {
                write!(f, "{factor}: statements ")?;
                for (i, s) in statements.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{s}")?;
                }
                f.write_str(
                    " have equal z-scores but fall in different grid columns: qmethod gives them one averaged rank (its array can differ there and break the grid); qstudy keeps the grid, the higher-numbered statement taking the lower value",
                )
            }
            Warning::FewerThanTwoArrays => f.write_str(
                "fewer than two factors have an array: no distinguishing or consensus statements",
            ),
            Warning::BootstrapManualFlags => f.write_str(
                "manual flags are not applied: the full sample and every replicate are flagged automatically",
            ),
            Warning::BootstrapRotationSteps => f.write_str(
                "judgmental rotation steps shape the full-sample target only: replicates are rotated analytically and aligned with it",
            ),
            Warning::BootstrapAutomaticFlagging => f.write_str(
                "automatic flagging cannot be turned off: the bootstrap recomputes flags automatically",
            ),
            Warning::ReplicatesFailed {
                failed,
                replicates,
                factors,
            } => write!(
                f,
                "{failed} of {replicates} replicates could not be analysed (fewer than {factors} extractable factors in the resample, or loadings left undefined by a degenerate resample) and are left out"
            ),
            Warning::FactorsRecommended { kept } => write!(
                f,
                "the number of factors to keep was not given: {kept} kept, as `qstudy factors` recommends"
            ),
            Warning::IdenticalSorts { sort, first } => write!(
                f,
                "sort '{sort}' is identical to sort '{first}': the same sort twice weighs its viewpoint twice (a second submission or a test run?); leave one out if so"
            ),
            Warning::NearIdenticalSorts { sort, other, r } => write!(
                f,
                "sorts '{sort}' and '{other}' correlate at {r:.4} (0.99 or above): nearly the same sort twice (a second submission?); leave one out if so"
            ),
            Warning::NearIdenticalUnchecked { sorts } => write!(
                f,
                "the check for sorts that correlate at 0.99 or above was not completed on these {sorts} sorts (too many candidate pairs); identical sorts were checked"
            ),
            Warning::IncompleteLeftOut { sorts } => {
                write!(f, "{} incomplete sort(s) left out: ", sorts.len())?;
                for (i, (sort, statements)) in sorts.iter().enumerate() {
                    if i > 0 {
                        f.write_str("; ")?;
                    }
                    write!(
                        f,
                        "'{sort}' (no value for {})",
                        crate::error::statement_list(statements)
                    )?;
                }
                Ok(())
            }
            Warning::CentroidNearTie {
                factor,
                chosen,
                other,
                margin,
            } => write!(
                f,
                "centroid factor {factor}: sort '{chosen}' was reflected before sort '{other}' by a relative margin of {margin:.1e} in their column sums (below 1e-6): PQMethod or KADE (8-decimal sums) or qmethod may reflect '{other}' first and get a mirrored or different factor {factor} and later ones"
            ),
            Warning::QmethodCentroidTie { factor, sorts } => write!(
                f,
                "centroid factor {factor}: qmethod 1.8.4's centroid() reflects exactly tied column sums at once with `tmat[,oo] <- vec` (R fills it column by column and scrambles its residual): its factors from {factor} on are corrupted; qstudy reflects them correctly; tied sorts: {}",
                quoted(sorts)
            ),
            Warning::VarimaxNearSkip {
                a,
                b,
                cycle,
                tan4t,
                skipped,
            } => write!(
                f,
                "varimax (PQMethod's) cycle {cycle}: F{a} and F{b} were {} as tan 4t = {tan4t:.9} is {} the skip threshold 0.00116 by less than 1e-6: PQMethod (single precision) or KADE (rounded loadings) may decide this pair the other way and differ in later decimals",
                if *skipped { "not rotated" } else { "rotated" },
                if *skipped { "below" } else { "above" }
            ),
            Warning::Text(text) => f.write_str(text),
        }
    }
}

/// `'A', 'B' and 'C'`.
fn quoted(ids: &[String]) -> String {
    let q: Vec<String> = ids.iter().map(|id| format!("'{id}'")).collect();
    match q.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
        _ => q.join(""),
    }
}

impl Warning {
    /// A short key of the warning's kind, stable across versions (`flagged_on_several`,
    /// `negative_flag`, `define_no_factor`...): warnings of one kind are one group for a front
    /// end. A warning read back from a file is `text`.
    ///
    /// ```
    /// use qstudy_core::Warning;
    /// assert_eq!(Warning::FewerThanTwoArrays.group(), "fewer_than_two_arrays");
    /// ```
    pub fn group(&self) -> &'static str {
        match self {
            Warning::HorstNotConverged { .. } => "horst_not_converged",
            Warning::FewerExtracted { .. } => "fewer_extracted",
            Warning::CentroidHeywood { .. } => "centroid_heywood",
            Warning::HeywoodLoading { .. } => "heywood_loading",
            Warning::FlaggedOnSeveral { .. } => "flagged_on_several",
            Warning::NegativeFlag { .. } => "negative_flag",
            Warning::DefineNoFactor { .. } => "define_no_factor",
            Warning::NoDefiningSort { .. } => "no_defining_sort",
            Warning::CompositeCancels { .. } => "composite_cancels",
            Warning::TiesAcrossColumns { .. } => "ties_across_columns",
            Warning::FewerThanTwoArrays => "fewer_than_two_arrays",
            Warning::BootstrapManualFlags => "bootstrap_manual_flags",
            Warning::BootstrapRotationSteps => "bootstrap_rotation_steps",
            Warning::BootstrapAutomaticFlagging => "bootstrap_automatic_flagging",
            Warning::ReplicatesFailed { .. } => "replicates_failed",
            Warning::FactorsRecommended { .. } => "factors_recommended",
            Warning::IdenticalSorts { .. } => "identical_sorts",
            Warning::NearIdenticalSorts { .. } => "near_identical_sorts",
            Warning::NearIdenticalUnchecked { .. } => "near_identical_unchecked",
            Warning::IncompleteLeftOut { .. } => "incomplete_left_out",
            Warning::CentroidNearTie { .. } => "centroid_near_tie",
            Warning::QmethodCentroidTie { .. } => "qmethod_centroid_tie",
            Warning::VarimaxNearSkip { .. } => "varimax_near_skip",
            Warning::Text(_) => "text",
        }
    }

    /// The ids of the sorts the warning is about, in its order (none for most).
    ///
    /// ```
    /// use qstudy_core::Warning;
    /// let w = Warning::DefineNoFactor { sorts: vec!["A".into(), "B".into()] };
    /// assert_eq!(w.sorts(), ["A", "B"]);
    /// ```
    pub fn sorts(&self) -> Vec<&str> {
        match self {
            Warning::CentroidHeywood { sort, .. }
            | Warning::HeywoodLoading { sort, .. }
            | Warning::FlaggedOnSeveral { sort, .. }
            | Warning::NegativeFlag { sort, .. } => vec![sort.as_str()],
            Warning::DefineNoFactor { sorts } | Warning::QmethodCentroidTie { sorts, .. } => {
                sorts.iter().map(String::as_str).collect()
            }
            Warning::IdenticalSorts { sort, first } => vec![first.as_str(), sort.as_str()],
            Warning::NearIdenticalSorts { sort, other, .. } => vec![sort.as_str(), other.as_str()],
            Warning::CentroidNearTie { chosen, other, .. } => {
                vec![chosen.as_str(), other.as_str()]
            }
            Warning::IncompleteLeftOut { sorts } => sorts.iter().map(|(s, _)| s.as_str()).collect(),
            _ => Vec::new(),
        }
    }

    /// The factors of the results the warning is about, named as in the results (`F1`,
    /// `F2a`); none for most. A centroid factor (before rotation) is not one of them.
    ///
    /// ```
    /// use qstudy_core::Warning;
    /// let w = Warning::HeywoodLoading { sort: "A".into(), factor: 2, loading: 1.01 };
    /// assert_eq!(w.factors(), ["F2"]);
    /// ```
    pub fn factors(&self) -> Vec<String> {
        match self {
            Warning::HeywoodLoading { factor, .. } => vec![format!("F{factor}")],
            Warning::FlaggedOnSeveral { factors, .. } => factors.clone(),
            Warning::VarimaxNearSkip { a, b, .. } => vec![format!("F{a}"), format!("F{b}")],
            Warning::NegativeFlag { factor, .. }
            | Warning::NoDefiningSort { factor }
            | Warning::CompositeCancels { factor }
            | Warning::TiesAcrossColumns { factor, .. } => vec![factor.clone()],
            _ => Vec::new(),
        }
    }
}

/// Written as its sentence.
impl Serialize for Warning {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// Read back as [`Warning::Text`].
impl<'de> Deserialize<'de> for Warning {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d).map(Warning::Text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_warning_is_written_and_read_back_as_its_sentence() {
        let w = Warning::NegativeFlag {
            sort: "A".into(),
            factor: "F2".into(),
            loading: -0.41234,
        };
        let json = serde_json::to_string(&w).unwrap();
        assert_eq!(
            json,
            "\"sort 'A' is flagged on F2 with a negative loading (-0.4123): it enters the composite with a negative weight\""
        );
        let back: Warning = serde_json::from_str(&json).unwrap();
        assert_eq!(back.to_string(), w.to_string());
        assert_eq!(serde_json::to_string(&back).unwrap(), json);
    }

    #[test]
    fn ties_list_the_statements() {
        let w = Warning::TiesAcrossColumns {
            factor: "F3".into(),
            statements: vec![7, 10],
        };
        assert!(
            w.to_string()
                .starts_with("F3: statements 7, 10 have equal z-scores")
        );
    }
}

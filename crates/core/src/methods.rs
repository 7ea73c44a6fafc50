//! What a paper reports about an analysis, in words: the methods paragraph
//! ([`methods_text`], `results.json`'s `methods_text`) and the reporting checklist
//! ([`reporting_checklist`], `reporting_checklist`) of the items of Churruca et al. (2021,
//! Table 4) that an analysis can answer. Both are pure functions of the results (what was
//! recorded: `options`, `retention` when qstudy chose the number of factors, the factors and
//! the participants' attributes); numbers are rounded here for display only.

use serde::{Deserialize, Serialize};

use crate::analysis::{AnalysisResults, OptionsSummary};
use crate::correlate::Correlation;
use crate::extract::Extraction;
use crate::flag::z_for_p;
use crate::numerics::Compatibility;
use crate::retention::RetentionReport;
use crate::rotate::{Rotation, VarimaxMethod};

/// The version of qstudy that wrote the results (every crate of the workspace shares it).
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// `retention` of `results.json`: the evidence on which qstudy chose the number of factors
/// kept, when the user did not give it (the retention report of `qstudy factors`, in short).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RetentionEvidence {
    /// The number recommended (and kept).
    pub recommended: usize,
    /// Leading factors with an eigenvalue above 1 (Kaiser-Guttman).
    pub kaiser_guttman: usize,
    /// Leading factors that pass Humphrey's rule.
    pub humphrey: usize,
    /// Leading eigenvalues above the parallel analysis' percentile (Horn 1965).
    pub parallel: usize,
    /// Random studies of the parallel analysis.
    pub iterations: usize,
    /// Their seed.
    pub seed: u64,
    /// The percentile compared with.
    pub percentile: f64,
    /// Why, one sentence each (the report's `reasons`).
    pub reasons: Vec<String>,
}

impl RetentionEvidence {
    /// The evidence of a retention report.
    pub fn of(report: &RetentionReport) -> RetentionEvidence {
        RetentionEvidence {
            recommended: report.recommended,
            kaiser_guttman: report.kaiser_guttman,
            humphrey: report.humphrey_retained,
            parallel: report.parallel.retained,
            iterations: report.parallel.iterations,
            seed: report.parallel.seed,
            percentile: report.parallel.percentile,
            reasons: report.reasons.clone(),
        }
    }
}

/// One item of the reporting checklist: what a paper should say, and what the analysis
/// recorded (`None`: nothing, the researcher states it).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChecklistItem {
    /// The item, in a few words.
    pub item: String,
    /// The recorded answer, or `None` when qstudy has not recorded it.
    pub answer: Option<String>,
}

/// What an item without a recorded answer says.
pub const NOT_RECORDED: &str = "not recorded: state it yourself";

/// The references the methods paragraph cites, in the order of first citation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Reference {
    Brown1980,
    Kaiser1958,
    Horn1965,
    Zabala2014,
    Schmolck2014,
    WattsStenner2012,
}

impl Reference {
    fn text(self) -> &'static str {
        match self {
            Reference::Brown1980 => {
                "Brown, S. R. (1980). Political subjectivity: Applications of Q methodology in political science. New Haven: Yale University Press."
            }
            Reference::Kaiser1958 => {
                "Kaiser, H. F. (1958). The varimax criterion for analytic rotation in factor analysis. Psychometrika, 23(3), 187-200."
            }
            Reference::Horn1965 => {
                "Horn, J. L. (1965). A rationale and test for the number of factors in factor analysis. Psychometrika, 30(2), 179-185."
            }
            Reference::Zabala2014 => {
                "Zabala, A. (2014). qmethod: A package to explore human perspectives using Q methodology. The R Journal, 6(2), 163-173."
            }
            Reference::Schmolck2014 => {
                "Schmolck, P. (2014). PQMethod (version 2.35) [Computer software]."
            }
            Reference::WattsStenner2012 => {
                "Watts, S., & Stenner, P. (2012). Doing Q methodological research: Theory, method and interpretation. London: Sage."
            }
        }
    }
}

/// Small counts in words (`seven`), larger ones in digits.
fn count_word(n: usize) -> String {
    const WORDS: [&str; 11] = [
        "no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
    ];
    WORDS
        .get(n)
        .map_or_else(|| n.to_string(), |w| (*w).to_string())
}

/// `count_word` with a capital, for the start of a sentence.
fn capital(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(first) => first.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

/// `n thing`/`n things`.
fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{} {}", count_word(n), if n == 1 { one } else { many })
}

/// `a`, `a and b`, `a, b and c`.
fn and_list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// A signed grid value: `+2`, `0`, `−3` (typographic minus).
fn signed(v: i64) -> String {
    match v {
        v if v > 0 => format!("+{v}"),
        v if v < 0 => format!("−{}", v.unsigned_abs()),
        _ => "0".to_string(),
    }
}

/// A number with `d` decimals and a typographic minus.
fn num(v: f64, d: usize) -> String {
    let s = format!("{v:.d$}");
    match s.strip_prefix('-') {
        Some(rest) if rest.chars().any(|c| c.is_ascii_digit() && c != '0') => format!("−{rest}"),
        Some(rest) => rest.to_string(),
        None => s,
    }
}

/// A p level as written in papers: `.05`, `.01`, `.001`.
fn p_level(p: f64) -> String {
    let s = format!("{p}");
    s.strip_prefix('0').map_or(s.clone(), str::to_string)
}

fn correlation_words(c: Correlation) -> &'static str {
    match c {
        Correlation::Pearson => "Pearson's product-moment correlation",
        Correlation::Spearman => "Spearman's rank correlation",
        Correlation::Kendall => "Kendall's tau-b",
    }
}

fn profile_words(p: Compatibility) -> &'static str {
    match p {
        Compatibility::Pqmethod => "the conventions of PQMethod 2.35, KADE and Ken-Q",
        Compatibility::Qmethod => "the conventions of the R package qmethod 1.8.4",
    }
}

fn varimax_words(v: VarimaxMethod) -> &'static str {
    match v {
        VarimaxMethod::Pqmethod => "as PQMethod computes it",
        VarimaxMethod::Svd => "in the SVD form of R's stats::varimax",
        VarimaxMethod::Pairwise => "by Kaiser's pairwise rotations to full convergence",
    }
}

/// The grid in words: `the sorts followed a forced distribution from −4 to +4 (2, 3, 5, ...
/// statements per column)`.
fn grid_words(r: &AnalysisResults) -> String {
    let grid = &r.input.grid;
    let (Some(first), Some(last)) = (grid.first(), grid.last()) else {
        return "the grid was not recorded".to_string();
    };
    let counts: Vec<String> = grid.iter().map(|g| g[1].to_string()).collect();
    let range = format!(
        "from {} to {} ({} statements per column)",
        signed(first[0]),
        signed(last[0]),
        counts.join(", ")
    );
    if r.input.free_distribution {
        format!("the sorts were free-distributed; the factor arrays use the grid {range}")
    } else {
        format!("the sorts followed a forced distribution {range}")
    }
}

/// The rotation steps in words: `factors 1 and 2 by 10° (clockwise)`.
fn steps_words(o: &OptionsSummary) -> Vec<String> {
    o.rotation_steps
        .iter()
        .map(|&(a, b, deg)| format!("factors {a} and {b} by {}°", trim_number(deg)))
        .collect()
}

/// A number as short as it reads back (`10`, `2.5`, `-7.25`).
fn trim_number(v: f64) -> String {
    let s = format!("{v}");
    s.replacen('-', "−", 1)
}

/// The manual flag edits in words: `C03 on F2`.
fn edits_words(v: &[[String; 2]]) -> Vec<String> {
    v.iter()
        .map(|[sort, factor]| {
            let f = if factor.starts_with('F') {
                factor.clone()
            } else {
                format!("F{factor}")
            };
            format!("{sort} on {f}")
        })
        .collect()
}

/// Cites `r`: records it, returns `(Author Year)`'s text.
fn cite(refs: &mut Vec<Reference>, r: Reference) -> &'static str {
    if !refs.contains(&r) {
        refs.push(r);
    }
    match r {
        Reference::Brown1980 => "Brown 1980",
        Reference::Kaiser1958 => "Kaiser 1958",
        Reference::Horn1965 => "Horn 1965",
        Reference::Zabala2014 => "Zabala 2014",
        Reference::Schmolck2014 => "Schmolck 2014",
        Reference::WattsStenner2012 => "Watts & Stenner 2012",
    }
}

/// The methods paragraph and the references it cites, in citation order.
///
/// ```
/// # fn demo(results: &qstudy_core::AnalysisResults) {
/// let (text, references) = qstudy_core::methods::methods(results);
/// assert!(text.contains("qstudy"));
/// assert!(!references.is_empty());
/// # }
/// ```
pub fn methods(r: &AnalysisResults) -> (String, Vec<String>) {
    let o = &r.options;
    let mut refs = Vec::new();
    let mut s = Vec::<String>::new();
    let extraction = match o.extraction {
        Extraction::Centroid => format!(
            "the centroid method ({}; {})",
            cite(&mut refs, Reference::Brown1980),
            match o.numerics {
                Compatibility::Pqmethod => "PQMethod's QCENT procedure",
                Compatibility::Qmethod => "qmethod's centroid procedure",
            }
        ),
        Extraction::Horst => {
            let h = o.horst.unwrap_or_default();
            format!(
                "PQMethod's Horst 5.5 centroid method ({}; at most {} iterations, convergence threshold {})",
                cite(&mut refs, Reference::Schmolck2014),
                h.iterations,
                h.threshold
            )
        }
        Extraction::Pca => "principal component analysis".to_string(),
    };
    s.push(format!(
        "The {} Q-sorts of {} statements were analysed by person (Q) factor analysis in qstudy {VERSION} (numerics profile {}: {}).",
        r.input.sorts,
        r.input.statements,
        o.numerics.as_str(),
        profile_words(o.numerics),
    ));
    s.push(format!("{}.", capital(&grid_words(r))));
    s.push(format!(
        "The sorts were correlated with {} and {} were extracted by {extraction}.",
        correlation_words(o.correlation),
        plural(o.extracted, "factor", "factors"),
    ));
    let kept = plural(o.factors, "factor was", "factors were");
    match &r.retention {
        Some(e) => {
            let horn = cite(&mut refs, Reference::Horn1965);
            s.push(format!(
                "{} kept, as qstudy recommends: parallel analysis ({horn}; {} random studies on the study's grid, seed {}, {}th percentile of the random eigenvalues) retained {}; the Kaiser-Guttman criterion (eigenvalues above 1) gave {} and Humphrey's rule {} ({}); the number kept is the largest up to the parallel-analysis count at which every factor has at least two defining sorts ({}).",
                capital(&kept),
                e.iterations,
                e.seed,
                trim_number(e.percentile),
                e.parallel,
                e.kaiser_guttman,
                e.humphrey,
                cite(&mut refs, Reference::Brown1980),
                cite(&mut refs, Reference::WattsStenner2012),
            ));
        }
        None => s.push(format!(
            "{} kept for rotation and interpretation, a number chosen by the researcher.",
            capital(&kept)
        )),
    }
    let steps = steps_words(o);
    let rotation = match o.rotation {
        Rotation::Varimax => format!(
            "{} rotated by varimax ({}; Kaiser-normalised, {})",
            if o.factors == 1 {
                "It was"
            } else {
                "They were"
            },
            cite(&mut refs, Reference::Kaiser1958),
            varimax_words(o.varimax_method)
        ),
        Rotation::None => format!(
            "{} not rotated analytically",
            if o.factors == 1 {
                "It was"
            } else {
                "They were"
            }
        ),
    };
    if steps.is_empty() {
        s.push(format!("{rotation}."));
    } else {
        s.push(format!(
            "{rotation}, then by hand ({}): {}{}.",
            match steps.len() {
                1 => "one judgmental rotation".to_string(),
                n => format!("{} judgmental rotations, in this order", count_word(n)),
            },
            and_list(&steps),
            " (positive angles clockwise)"
        ));
    }
    if !o.inverted.is_empty() {
        let inv: Vec<String> = o.inverted.iter().map(|f| format!("F{f}")).collect();
        s.push(format!(
            "{} {} inverted (its loadings negated) before flagging.",
            if inv.len() == 1 { "Factor" } else { "Factors" },
            and_list(&inv)
        ));
    }
    if !o.split.is_empty() {
        let halves: Vec<String> = o
            .split
            .iter()
            .map(|f| format!("F{f} into F{f}a (positive loadings) and F{f}b (negative loadings)"))
            .collect();
        s.push(format!(
            "Bipolar {} split: {}.",
            if o.split.len() == 1 {
                "factor was"
            } else {
                "factors were"
            },
            and_list(&halves)
        ));
    }
    let m = r.input.statements as f64;
    let limit = z_for_p(o.flag_p) / m.sqrt();
    if o.flag_automatic {
        s.push(format!(
            "A sort was flagged as defining a factor when its loading was significant at p < {} (|a| > {}/√{} = {}){}.",
            p_level(o.flag_p),
            num(z_for_p(o.flag_p), 3),
            r.input.statements,
            num(limit, 3),
            if o.flag_majority {
                " and its square exceeded the sum of its squared loadings on the other factors (the majority of its common variance)"
            } else {
                ""
            }
        ));
    } else {
        s.push(
            "No sort was flagged automatically: the defining sorts were chosen by hand."
                .to_string(),
        );
    }
    let flags = edits_words(&o.manual_flags);
    let unflags = edits_words(&o.manual_unflags);
    match (flags.is_empty(), unflags.is_empty()) {
        (true, true) if o.flag_automatic => {
            s.push("No flag was changed by hand.".to_string());
        }
        (true, true) => {}
        _ => {
            let mut parts = Vec::new();
            if !flags.is_empty() {
                parts.push(format!("flagged {}", and_list(&flags)));
            }
            if !unflags.is_empty() {
                parts.push(format!("unflagged {}", and_list(&unflags)));
            }
            s.push(format!("By hand, the researcher {}.", parts.join(" and ")));
        }
    }
    s.push(format!(
        "Each factor's z-scores are the weighted average of its defining sorts (weight f/(1 − f²); {}), turned into a factor array on the grid; a statement distinguishes a factor when its z-score differs from that of every other factor at p < .05 (p < .01 marked), and is a consensus statement when no pair of factors differs at p < .01.",
        cite(&mut refs, Reference::Brown1980)
    ));
    let described: Vec<String> = r
        .factors
        .iter()
        .map(|f| {
            format!(
                "{} ({} defining {}, {}%)",
                f.name,
                f.defining_sorts.len(),
                if f.defining_sorts.len() == 1 {
                    "sort"
                } else {
                    "sorts"
                },
                num(f.explained_variance, 1)
            )
        })
        .collect();
    let total: f64 = r.rotated.explained_variance.iter().sum();
    let defining: usize = (0..r.input.sorts)
        .filter(|&i| r.flags.get(i).is_some_and(|row| row.iter().any(|&x| x)))
        .count();
    s.push(format!(
        "The factors, with their defining sorts and the variance each explains: {}; together {}% of the variance, with {} of the {} sorts defining a factor.",
        and_list(&described),
        num(total, 1),
        defining,
        r.input.sorts
    ));
    if o.numerics == Compatibility::Qmethod {
        cite(&mut refs, Reference::Zabala2014);
    }
    refs.sort();
    (
        s.join(" "),
        refs.iter().map(|r| r.text().to_string()).collect(),
    )
}

/// The methods paragraph (`methods_text` of `results.json`).
pub fn methods_text(r: &AnalysisResults) -> String {
    methods(r).0
}

/// The items of the reporting checklist (Churruca et al. 2021, Table 4, and the analytic
/// choices it names), each with the answer the results record or `None`.
pub fn reporting_checklist(r: &AnalysisResults) -> Vec<ChecklistItem> {
    let o = &r.options;
    let item = |item: &str, answer: Option<String>| ChecklistItem {
        item: item.to_string(),
        answer,
    };
    let defining: Vec<String> = r
        .factors
        .iter()
        .map(|f| {
            format!(
                "{}: {} defining, {}% of the variance",
                f.name,
                f.defining_sorts.len(),
                num(f.explained_variance, 1)
            )
        })
        .collect();
    let total: f64 = r.rotated.explained_variance.iter().sum();
    let who = match &r.groups {
        Some(groups) if !groups.is_empty() => {
            let parts: Vec<String> = groups
                .iter()
                .map(|g| {
                    let levels: Vec<String> = g
                        .levels
                        .iter()
                        .zip(&g.sorts_per_level)
                        .map(|(l, n)| format!("{l} {n}"))
                        .collect();
                    format!("{}: {}", g.attribute, levels.join(", "))
                })
                .collect();
            format!("; recorded attributes: {}", parts.join("; "))
        }
        _ => "; who they are: not recorded, state it yourself".to_string(),
    };
    let retention = match &r.retention {
        Some(e) => format!(
            "{} kept, as recommended: parallel analysis retained {}, Kaiser-Guttman {}, Humphrey's rule {}; the largest number up to the parallel-analysis count at which every factor has at least two defining sorts",
            o.factors, e.parallel, e.kaiser_guttman, e.humphrey
        ),
        None => format!(
            "{} kept, chosen by the researcher (the reasons: state them yourself)",
            o.factors
        ),
    };
    let mut rotation = match o.rotation {
        Rotation::Varimax => format!("varimax ({})", o.varimax_method.as_str()),
        Rotation::None => "no analytic rotation".to_string(),
    };
    if !o.rotation_steps.is_empty() {
        rotation.push_str(&format!(", then by hand: {}", steps_words(o).join(", ")));
    }
    let mut flagging = if o.flag_automatic {
        format!(
            "automatic: |loading| > {} (p < {}){}",
            num(z_for_p(o.flag_p) / (r.input.statements as f64).sqrt(), 3),
            p_level(o.flag_p),
            if o.flag_majority {
                " and the majority of common variance"
            } else {
                ""
            }
        )
    } else {
        "by hand only".to_string()
    };
    let flags = edits_words(&o.manual_flags);
    let unflags = edits_words(&o.manual_unflags);
    if flags.is_empty() && unflags.is_empty() {
        flagging.push_str("; no manual changes");
    } else {
        if !flags.is_empty() {
            flagging.push_str(&format!("; flagged by hand: {}", flags.join(", ")));
        }
        if !unflags.is_empty() {
            flagging.push_str(&format!("; unflagged by hand: {}", unflags.join(", ")));
        }
    }
    if !o.inverted.is_empty() {
        let inv: Vec<String> = o.inverted.iter().map(|f| format!("F{f}")).collect();
        flagging.push_str(&format!("; inverted: {}", inv.join(", ")));
    }
    if !o.split.is_empty() {
        let split: Vec<String> = o.split.iter().map(|f| format!("F{f}")).collect();
        flagging.push_str(&format!("; split: {}", split.join(", ")));
    }
    let mut pairs = Vec::new();
    for a in 0..r.factors.len() {
        for b in a + 1..r.factors.len() {
            if let Some(Some(v)) = r.factor_correlations.get(a).and_then(|row| row.get(b)) {
                pairs.push(format!(
                    "{}–{} {}",
                    r.factors[a].name,
                    r.factors[b].name,
                    num(*v, 2)
                ));
            }
        }
    }
    let distinguishing: usize = r.factors.iter().map(|f| f.distinguishing.len()).sum();
    vec![
        item(
            "How the statements of the Q-set were collected (the concourse)",
            None,
        ),
        item("How the statements were refined to the final Q-set", None),
        item(
            "Number of statements in the final Q-set",
            Some(format!(
                "{}{}",
                r.input.statements,
                if r.input.statement_labels.is_some() {
                    " (texts in the factor arrays)"
                } else {
                    " (their texts were not in the input)"
                }
            )),
        ),
        item("Piloting, and what it changed", None),
        item(
            "The sorting materials: the distribution (ranking scale)",
            Some(format!(
                "{}; the anchors (e.g. most disagree / most agree): state them yourself",
                grid_words(r)
            )),
        ),
        item(
            "How the Q-sorting was administered (in person, online, software)",
            None,
        ),
        item(
            "The P-set: how many participants, and who",
            Some(format!("{} Q-sorts{who}", r.input.sorts)),
        ),
        item(
            "Other methods used with the Q-sorts (interviews, comments)",
            None,
        ),
        item(
            "Correlation between sorts",
            Some(correlation_words(o.correlation).to_string()),
        ),
        item(
            "Factor extraction and the number extracted",
            Some(format!("{}, {} extracted", extraction_name(o), o.extracted)),
        ),
        item("How many factors were kept, and why", Some(retention)),
        item("Rotation", Some(rotation)),
        item("Flagging criteria and manual changes", Some(flagging)),
        item(
            "Defining sorts and variance explained per factor",
            Some(format!(
                "{}; together {}%",
                defining.join("; "),
                num(total, 1)
            )),
        ),
        item(
            "Correlations between factors",
            Some(if pairs.is_empty() {
                "none (fewer than two factors with z-scores)".to_string()
            } else {
                pairs.join(", ")
            }),
        ),
        item(
            "Criteria for distinguishing and consensus statements",
            Some(format!(
                "distinguishing: differs from every other factor at p < .05 (p < .01 marked); consensus: no pair differs at p < .01; {} distinguishing and {} consensus statements",
                distinguishing,
                r.consensus.len()
            )),
        ),
        item(
            "Software and version used for the analysis",
            Some(format!(
                "qstudy {VERSION}, numerics profile {} ({}); the software used to collect the sorts: state it yourself",
                o.numerics.as_str(),
                profile_words(o.numerics)
            )),
        ),
        item(
            "How the factors were interpreted (crib sheets are in this report)",
            None,
        ),
        item(
            "A narrative for each factor, with statements and participants' words",
            None,
        ),
    ]
}

fn extraction_name(o: &OptionsSummary) -> &'static str {
    match o.extraction {
        Extraction::Centroid => "centroid",
        Extraction::Pca => "principal component analysis",
        Extraction::Horst => "Horst 5.5 centroid",
    }
}

#[cfg(test)]
mod tests;

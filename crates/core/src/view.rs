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
/// Only the characters: a name of an output file is [`file_part`] (bounded, and never the
/// same for two different names).
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

/// Longest [`file_part`], in bytes.
pub const FILE_PART_MAX: usize = 40;

/// Longest [`file_stem`], in bytes: with a directory (`plots/`) and an extension (`.svg`), each
/// component of an output path stays far below the 255 bytes file systems allow.
pub const FILE_STEM_MAX: usize = 120;

/// Hexadecimal digits of the SHA-256 that tells shortened names apart (40 bits).
const HASH_DIGITS: usize = 10;

/// A text from the data (a participant attribute, a factor name, an input's name) as a part
/// of a file name: safe on every file system, at most [`FILE_PART_MAX`] bytes, and never the
/// same for two different texts.
///
/// A text of ASCII letters, digits, `-` and `_` of at most [`FILE_PART_MAX`] bytes is kept as
/// it is (`role`, `F1`, `form3_1`). Any other (a space, a `/`, a letter outside ASCII, too
/// long, empty) is made safe ([`file_safe`]), cut to fit, and followed by `-` and the first 10
/// hexadecimal digits of the SHA-256 of the original text, so that `a b` and `a_b` stay two
/// names and a survey question of 300 characters gives a short, stable one. A kept text never
/// ends in `-` and 10 hexadecimal digits (such a text is hashed too), so a kept name and a
/// hashed one never meet.
///
/// ```
/// use qstudy_core::view::file_part;
/// assert_eq!(file_part("role"), "role");
/// assert_eq!(file_part("a b"), "a_b-c8687a08aa");
/// assert_ne!(file_part("a b"), file_part("a_b"));
/// assert_eq!(file_part(&"How long have you worked here? ".repeat(10)).len(), 40);
/// ```
pub fn file_part(s: &str) -> String {
    if kept(s, FILE_PART_MAX) {
        s.to_string()
    } else {
        shortened(&file_safe(s), s, FILE_PART_MAX)
    }
}

/// `prefix` and the [`file_part`] of each of `parts`, joined by `-` (`loadings-F1-F2`), at most
/// [`FILE_STEM_MAX`] bytes: a longer stem is cut and followed by the hash of the whole, as
/// [`file_part`] does.
///
/// ```
/// use qstudy_core::view::{file_stem, FILE_STEM_MAX};
/// assert_eq!(file_stem("loadings", &["F1", "F2"]), "loadings-F1-F2");
/// let many: Vec<String> = (1..=40).map(|f| format!("F{f}")).collect();
/// let many: Vec<&str> = many.iter().map(String::as_str).collect();
/// assert_eq!(file_stem("zscores", &many).len(), FILE_STEM_MAX);
/// ```
pub fn file_stem(prefix: &str, parts: &[&str]) -> String {
    let mut stem = prefix.to_string();
    for part in parts {
        stem.push('-');
        stem.push_str(&file_part(part));
    }
    if stem.len() <= FILE_STEM_MAX {
        stem
    } else {
        shortened(&stem, &stem, FILE_STEM_MAX)
    }
}

/// Whether `s` is a file name part as it is: not empty, at most `max` bytes of ASCII letters,
/// digits, `-` and `_`, and not ending like a shortened name (`-` and 10 hexadecimal digits).
fn kept(s: &str, max: usize) -> bool {
    let safe = |c: u8| c.is_ascii_alphanumeric() || c == b'-' || c == b'_';
    let b = s.as_bytes();
    let looks_hashed = b.len() > HASH_DIGITS
        && b[b.len() - HASH_DIGITS - 1] == b'-'
        && b[b.len() - HASH_DIGITS..]
            .iter()
            .all(|c| c.is_ascii_digit() || (b'a'..=b'f').contains(c));
    !b.is_empty() && b.len() <= max && b.iter().all(|&c| safe(c)) && !looks_hashed
}

/// `safe` (ASCII; else cut at a character boundary) cut to leave room for the hash, then `-`
/// and the hash of `original`; just the hash when nothing of `safe` is left.
fn shortened(safe: &str, original: &str, max: usize) -> String {
    use sha2::Digest;
    let digest = sha2::Sha256::digest(original.as_bytes());
    let hash: String = digest
        .iter()
        .flat_map(|b| [b >> 4, b & 0xf])
        .take(HASH_DIGITS)
        .map(|d| char::from_digit(u32::from(d), 16).unwrap_or('0'))
        .collect();
    let mut keep = safe.len().min(max.saturating_sub(HASH_DIGITS + 1));
    while !safe.is_char_boundary(keep) {
        keep -= 1;
    }
    if keep == 0 {
        hash
    } else {
        format!("{}-{hash}", &safe[..keep])
    }
}

/// The [`file_part`] of each compared participant attribute ([`group_attributes`]), in results
/// order, told apart also where letter case alone differs (`Role` and `role`, one file on
/// macOS's and Windows' file systems): an attribute whose part equals an earlier one's but for
/// case gets the hash of its text. The same for every figure set drawn from these results.
///
/// ```
/// # fn demo(r: &qstudy_core::AnalysisResults) {
/// for (attribute, part) in qstudy_core::view::attribute_file_parts(r) {
///     println!("plots/groups-{part}.svg shows {attribute}");
/// }
/// # }
/// ```
pub fn attribute_file_parts(r: &AnalysisResults) -> Vec<(&str, String)> {
    let mut seen = std::collections::HashSet::new();
    group_attributes(r)
        .into_iter()
        .map(|a| {
            let mut part = file_part(a);
            if !seen.insert(part.to_ascii_lowercase()) {
                part = shortened(&file_safe(a), a, FILE_PART_MAX);
                seen.insert(part.to_ascii_lowercase());
            }
            (a, part)
        })
        .collect()
}

/// `stems` told apart within one output set: each stem equal to an earlier one (ignoring
/// letter case, as macOS's and Windows' file systems do) is followed by `-2`, `-3`, ... (the
/// first not taken). [`file_part`] never gives two texts one name, so this only happens to
/// names joined from several parts (`loadings-a-b-c` for the pairs `a-b`, `c` and `a`,
/// `b-c`) or differing in case alone.
///
/// ```
/// let stems = qstudy_core::view::unique_file_stems(vec!["x".into(), "X".into(), "y".into()]);
/// assert_eq!(stems, ["x", "X-2", "y"]);
/// ```
pub fn unique_file_stems(stems: Vec<String>) -> Vec<String> {
    let mut taken: std::collections::HashSet<String> =
        stems.iter().map(|s| s.to_ascii_lowercase()).collect();
    let mut seen = std::collections::HashSet::new();
    stems
        .into_iter()
        .map(|stem| {
            if seen.insert(stem.to_ascii_lowercase()) {
                return stem;
            }
            let unique = (2u64..)
                .map(|n| format!("{stem}-{n}"))
                .find(|s| !taken.contains(&s.to_ascii_lowercase()))
                .unwrap_or_default();
            taken.insert(unique.to_ascii_lowercase());
            seen.insert(unique.to_ascii_lowercase());
            unique
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
            missing: Vec::new(),
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

    #[test]
    fn file_parts_keep_ordinary_names_and_shorten_the_rest_stably() {
        let forty = "x".repeat(40);
        for kept in [
            "role",
            "F1",
            "F2a",
            "form3_1",
            "council",
            "a-b",
            forty.as_str(),
        ] {
            assert_eq!(file_part(kept), kept);
        }
        let question =
            "How many years have you worked in local government? (count every post) ".repeat(4);
        let part = file_part(&question);
        assert_eq!(part.len(), FILE_PART_MAX);
        assert!(part.starts_with("How_many_years_have_you_worke-"), "{part}");
        assert_eq!(part, file_part(&question), "stable");
        // changed by sanitising, too long, empty, or ending like a hash: the hash is added
        assert_eq!(file_part("a b"), "a_b-c8687a08aa");
        assert_eq!(file_part(""), "e3b0c44298");
        let accented = file_part("Région");
        assert!(
            accented.starts_with("R_gion-") && accented.len() == 17,
            "{accented}"
        );
        let hashlike = file_part("x-0123456789");
        assert!(hashlike.starts_with("x-0123456789-"), "{hashlike}");
        let long = "y".repeat(41);
        assert_eq!(file_part(&long).len(), FILE_PART_MAX);
        assert_ne!(file_part(&long), file_part(&"y".repeat(42)));
    }

    #[test]
    fn different_texts_never_share_a_file_part() {
        let texts = [
            "a b",
            "a_b",
            "a/b",
            "a.b",
            "a-b",
            "a\u{e9}b",
            "A b",
            "a b ",
            " a b",
            "a__b",
            "",
            "_",
            " ",
            "a_b-c8687a08aa",
            "role",
            "Role",
        ];
        let mut seen = std::collections::HashMap::new();
        for t in texts {
            let part = file_part(t);
            assert!(part.len() <= FILE_PART_MAX);
            assert!(
                part.bytes()
                    .all(|c| c.is_ascii_alphanumeric() || c == b'-' || c == b'_')
            );
            if let Some(other) = seen.insert(part.clone(), t) {
                panic!("{t:?} and {other:?} both give {part}");
            }
        }
        // long texts that share their first 300 characters
        let base = "q".repeat(300);
        let (a, b) = (format!("{base}1"), format!("{base}2"));
        assert_ne!(file_part(&a), file_part(&b));
    }

    #[test]
    fn file_stems_are_bounded_and_stems_of_a_set_told_apart() {
        assert_eq!(file_stem("groups", &["role"]), "groups-role");
        assert_eq!(file_stem("zscores", &["F1", "F3"]), "zscores-F1-F3");
        let long: Vec<String> = (0..9).map(|i| format!("{i}{}", "z".repeat(39))).collect();
        let long: Vec<&str> = long.iter().map(String::as_str).collect();
        let stem = file_stem("zscores", &long);
        assert_eq!(stem.len(), FILE_STEM_MAX);
        assert_ne!(stem, file_stem("zscores", &long[..8]));
        // a prefix outside ASCII is cut at a character boundary, never in a character
        let stem = file_stem(&"é".repeat(100), &["F1"]);
        assert!(stem.len() <= FILE_STEM_MAX, "{stem}");
        let stems = unique_file_stems(
            ["loadings-a-b-c", "loadings-a-b-c", "x-2", "x", "X", "x"]
                .map(String::from)
                .to_vec(),
        );
        assert_eq!(
            stems,
            [
                "loadings-a-b-c",
                "loadings-a-b-c-2",
                "x-2",
                "x",
                "X-3",
                "x-4"
            ]
        );
    }

    #[test]
    fn attributes_that_differ_in_case_alone_get_two_files() {
        let mut r = results();
        let group = |attribute: &str| crate::groups::GroupComparison {
            attribute: attribute.to_string(),
            levels: Vec::new(),
            sorts_per_level: Vec::new(),
            factors: Vec::new(),
        };
        r.groups = Some(vec![
            group("role"),
            group("Role"),
            group("a b"),
            group("a_b"),
        ]);
        let parts = attribute_file_parts(&r);
        assert_eq!(parts[0], ("role", "role".to_string()));
        assert!(
            parts[1].1.starts_with("Role-") && parts[1].1.len() == 15,
            "{parts:?}"
        );
        assert_eq!(parts[2], ("a b", "a_b-c8687a08aa".to_string()));
        assert_eq!(parts[3], ("a_b", "a_b".to_string()));
    }
}

//! Terminal output that stays short at any study size: id lists are abbreviated and repeated
//! warnings grouped, with a pointer to the full text (`results.json` and `warnings.txt`).

/// Ids listed in full on the terminal before the rest is counted ("... and 19,990 more").
pub(crate) const SHOWN_IDS: usize = 8;
/// Warnings of one kind printed in full before the rest of the kind is counted.
pub(crate) const SHOWN_PER_KIND: usize = 2;
/// Kinds of warnings printed before the rest is counted.
pub(crate) const SHOWN_KINDS: usize = 12;
/// Characters of one warning printed on the terminal (the full text is in `warnings.txt`).
pub(crate) const LINE_CHARS: usize = 300;
/// Characters of one id printed in a summary list.
const ID_CHARS: usize = 24;

use std::mem::Discriminant;

use qstudy_core::Warning;
// The file of a run's full list of warnings and its notes' wording, shared with the library's
// output set.
pub(crate) use qstudy_app::outputs::{WARNINGS_FILE, all_warnings};

/// `n` with thousands separated by commas: `19990` -> `19,990`.
fn grouped(n: usize) -> String {
    qstudy_report::grouped(n as u64)
}

/// At most `max` characters of `s`, with `...` when cut.
fn clip(s: &str, max: usize) -> String {
    match s.char_indices().nth(max) {
        Some((cut, _)) => format!("{}...", &s[..cut]),
        None => s.to_string(),
    }
}

/// The ids joined by `, `, at most [`SHOWN_IDS`] of them (each clipped), the rest counted:
/// `C01, C02, ..., C08, ... and 19,992 more`.
///
/// ```ignore
/// let ids: Vec<String> = (1..=20).map(|i| format!("S{i}")).collect();
/// assert_eq!(abbreviated_ids(&ids[..2]), "S1, S2");
/// assert!(abbreviated_ids(&ids).ends_with("S8, ... and 12 more"));
/// ```
pub(crate) fn abbreviated_ids(ids: &[String]) -> String {
    // Listing 9 or 10 ids costs no more than "... and 2 more".
    let shown = if ids.len() <= SHOWN_IDS + 2 {
        ids.len()
    } else {
        SHOWN_IDS
    };
    let mut out = ids[..shown]
        .iter()
        .map(|id| clip(id, ID_CHARS))
        .collect::<Vec<_>>()
        .join(", ");
    if shown < ids.len() {
        out.push_str(&format!(", ... and {} more", grouped(ids.len() - shown)));
    }
    out
}

/// The kind of a warning on the terminal: warnings of one kind are grouped. An analysis
/// warning's kind is its variant (the same finding about other sorts or factors); a note of the
/// output set is a kind of its own unless it is the same text.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) enum Kind {
    /// An analysis or bootstrap warning, by its variant.
    Warning(Discriminant<Warning>),
    /// A note of the output set, by its text.
    Note(String),
}

/// The warnings to print, each with its kind and in the command line's words: the analysis's
/// `warnings`, then the output set's `notes` (as [`all_warnings`] words them).
pub(crate) fn shown_warnings(warnings: &[Warning], notes: &[String]) -> Vec<(Kind, String)> {
    warnings
        .iter()
        .map(|w| {
            (
                Kind::Warning(std::mem::discriminant(w)),
                crate::words::warning(w),
            )
        })
        .chain(
            all_warnings(&[], notes, &None)
                .into_iter()
                .map(|n| (Kind::Note(n.clone()), n)),
        )
        .collect()
}

/// One warning for the terminal: at most [`LINE_CHARS`] characters, cut at a `, ` when it
/// is a long list, with what was cut counted.
fn shortened(w: &str) -> String {
    if w.chars().count() <= LINE_CHARS {
        return w.to_string();
    }
    let (cut, _) = w
        .char_indices()
        .nth(LINE_CHARS)
        .expect("longer than the cut");
    let head = &w[..cut];
    // a list: cut after its last whole item and count the items left out
    if let Some(at) = head.rfind(", ") {
        let rest = w[at + 2..].split(", ").count();
        return format!("{}, ... and {} more", &w[..at], grouped(rest));
    }
    format!("{head}...")
}

/// The lines to print for `warnings` (each with its [`Kind`], without the `warning: ` prefix),
/// in their order of first appearance: long warnings shortened, at most [`SHOWN_PER_KIND`] of
/// each kind in full then one line counting the rest of the kind, at most [`SHOWN_KINDS`]
/// kinds. `full` names where the whole list is; it is mentioned whenever something was left
/// out.
///
/// ```ignore
/// let ws: Vec<Warning> = (0..100).map(|i| Warning::NoDefiningSort { factor: format!("F{i}") }).collect();
/// assert_eq!(grouped_warnings(&shown_warnings(&ws, &[]), "warnings.txt").len(), 4);
/// ```
pub(crate) fn grouped_warnings(warnings: &[(Kind, String)], full: &str) -> Vec<String> {
    // kinds in order of first appearance, with the indices of their warnings
    let mut kinds: Vec<Vec<usize>> = Vec::new();
    let mut index: std::collections::HashMap<&Kind, usize> = std::collections::HashMap::new();
    for (i, (k, _)) in warnings.iter().enumerate() {
        match index.get(k) {
            Some(&at) => kinds[at].push(i),
            None => {
                index.insert(k, kinds.len());
                kinds.push(vec![i]);
            }
        }
    }
    let mut lines = Vec::new();
    let mut left_out = false;
    for members in kinds.iter().take(SHOWN_KINDS) {
        for &i in members.iter().take(SHOWN_PER_KIND) {
            let text = &warnings[i].1;
            let line = shortened(text);
            left_out |= line.len() != text.len();
            lines.push(line);
        }
        if members.len() > SHOWN_PER_KIND {
            lines.push(format!(
                "... and {} more warning(s) like the ones above",
                grouped(members.len() - SHOWN_PER_KIND)
            ));
            left_out = true;
        }
    }
    if kinds.len() > SHOWN_KINDS {
        let rest: usize = kinds[SHOWN_KINDS..].iter().map(Vec::len).sum();
        lines.push(format!("... and {} other warning(s)", grouped(rest)));
        left_out = true;
    }
    if left_out {
        lines.push(format!(
            "the full list of {} warning(s) is in {full}",
            grouped(warnings.len())
        ));
    }
    lines
}

/// Each factor's name with its label (`F1 (settled accommodation)`), and the width of the
/// widest (at least 6, the width of the `Factor` heading) for the summary tables; each name
/// is padded with blanks to that display width.
pub(crate) fn factor_labels<'a>(
    factors: impl Iterator<Item = (&'a String, &'a Option<String>)>,
) -> (Vec<String>, usize) {
    let names: Vec<String> = factors
        .map(|(name, label)| match label {
            Some(label) => format!("{name} ({label})"),
            None => name.clone(),
        })
        .collect();
    let width = names
        .iter()
        .map(|n| display_width(n))
        .max()
        .unwrap_or(0)
        .max(6);
    // padded here by display width (a Japanese name takes two columns a character), so the
    // callers print the names as they are
    let padded = names
        .into_iter()
        .map(|n| {
            let pad = width - display_width(&n);
            n + &" ".repeat(pad)
        })
        .collect();
    (padded, width)
}

/// The columns `s` takes on a terminal (two for East Asian wide characters).
pub(crate) fn display_width(s: &str) -> usize {
    s.chars()
        .map(|c| unicode_width::UnicodeWidthChar::width(c).unwrap_or(1))
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(n: usize) -> Vec<String> {
        (1..=n).map(|i| format!("C{i:02}")).collect()
    }

    #[test]
    fn numbers_are_grouped_by_thousands() {
        assert_eq!(grouped(0), "0");
        assert_eq!(grouped(999), "999");
        assert_eq!(grouped(1000), "1,000");
        assert_eq!(grouped(19_990), "19,990");
        assert_eq!(grouped(1_234_567), "1,234,567");
    }

    #[test]
    fn short_id_lists_are_listed_whole() {
        assert_eq!(abbreviated_ids(&ids(2)), "C01, C02");
        assert_eq!(abbreviated_ids(&ids(10)).split(", ").count(), 10);
    }

    #[test]
    fn long_id_lists_list_a_few_and_count_the_rest() {
        let s = abbreviated_ids(&ids(20_000));
        assert_eq!(
            s,
            "C01, C02, C03, C04, C05, C06, C07, C08, ... and 19,992 more"
        );
        let long = vec!["x".repeat(10_000); 3];
        assert!(abbreviated_ids(&long).len() < 100);
    }

    /// Warnings as the command line shows them, with their kinds.
    fn shown(ws: &[Warning]) -> Vec<(Kind, String)> {
        shown_warnings(ws, &[])
    }

    #[test]
    fn warnings_of_one_kind_are_grouped_and_counted() {
        let mut ws: Vec<Warning> = (0..5000)
            .map(|i| Warning::NegativeFlag {
                sort: format!("S{i}"),
                factor: format!("F{}", i % 3 + 1),
                loading: -(i as f64) / 10_000.0,
            })
            .collect();
        ws.insert(1, Warning::FewerThanTwoArrays);
        let lines = grouped_warnings(&shown(&ws), "out/warnings.txt");
        assert_eq!(lines.len(), 5, "{lines:#?}");
        assert!(lines[0].contains("'S0'"));
        assert!(lines[1].contains("'S1'"));
        assert_eq!(
            lines[2],
            "... and 4,998 more warning(s) like the ones above"
        );
        assert_eq!(lines[3], Warning::FewerThanTwoArrays.to_string());
        assert_eq!(
            lines[4],
            "the full list of 5,001 warning(s) is in out/warnings.txt"
        );
    }

    #[test]
    fn few_warnings_are_printed_as_they_are() {
        let ws = vec![
            Warning::FewerThanTwoArrays,
            Warning::NoDefiningSort {
                factor: "F1".into(),
            },
            Warning::NoDefiningSort {
                factor: "F2".into(),
            },
        ];
        let texts: Vec<String> = ws.iter().map(ToString::to_string).collect();
        assert_eq!(grouped_warnings(&shown(&ws), "w.txt"), texts);
    }

    #[test]
    fn warnings_are_in_the_command_line_words_and_notes_follow() {
        let ws = [Warning::BootstrapAutomaticFlagging];
        let lines = grouped_warnings(&shown_warnings(&ws, &["a".into(), "b".into()]), "w.txt");
        assert_eq!(
            lines,
            [
                "--no-auto-flag is ignored: the bootstrap recomputes flags automatically",
                "results.xlsx: a",
                "results.xlsx: b"
            ]
        );
    }

    #[test]
    fn a_long_list_in_one_warning_is_cut_and_counted() {
        let w = Warning::DefineNoFactor { sorts: ids(20_000) };
        let lines = grouped_warnings(&shown(&[w]), "w.txt");
        assert_eq!(lines.len(), 2);
        assert!(lines[0].len() <= LINE_CHARS + 40, "{}", lines[0]);
        assert!(lines[0].ends_with("more"), "{}", lines[0]);
        let shown = lines[0].matches(", C").count() + 1;
        let more: usize = lines[0]
            .rsplit("and ")
            .next()
            .unwrap()
            .trim_end_matches(" more")
            .replace(',', "")
            .parse()
            .unwrap();
        assert_eq!(shown + more, 20_000, "{}", lines[0]);
        assert_eq!(lines[1], "the full list of 1 warning(s) is in w.txt");
    }

    #[test]
    fn many_kinds_are_capped() {
        let notes: Vec<String> = (0..100).map(|i| "x".repeat(i + 1)).collect();
        let lines = grouped_warnings(&shown_warnings(&[], &notes), "w.txt");
        assert_eq!(lines.len(), SHOWN_KINDS + 2);
        assert_eq!(lines[SHOWN_KINDS], "... and 88 other warning(s)");
    }
}

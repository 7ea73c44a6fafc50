//! Telling the layouts of a CSV file (or of a spreadsheet's sorts sheet) apart by content:
//! HTMLQ/FlashQ export, one row per participant, or the qmethod layout (one row per statement).
//!
//! The rules, in order, on the header (the first non-blank row), as documented in
//! `docs/formats.md` ("Detection"):
//!
//! 1. **HTMLQ/FlashQ**: a `sid` or `uid` column and at least two `s<N>` columns.
//! 2. **Participant rows**: the first header cell names the id column (`id`, `participant`,
//!    `name`, `respondent`, `sort`, `qsort`, `person`, `subject`, `sorter`) and at least two
//!    other cells number statements (`12`, `s12`, `S12`, `statement 12`, `item 12`).
//! 3. **Participant rows**: the first header cell is empty or text (not a statement number),
//!    every other header cell numbers a statement, and every data row holds the same values in
//!    some order (each row follows one forced distribution) while the columns do not.
//! 4. Otherwise the **qmethod layout** (statements x sorts), as before.

use crate::InputFormat;
use crate::text::parse_int;

/// The layout chosen for a table and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Detection {
    /// [`InputFormat::Htmlq`], [`InputFormat::CsvRows`] or [`InputFormat::QmethodCsv`].
    pub(crate) format: InputFormat,
    /// Why, for messages: "the header on line 1 has ...".
    pub(crate) reason: String,
}

/// The statement number a header cell gives: `12`, `s12`, `S12`, `statement 12`, `item_12`,
/// `#12` (a positive integer, optionally after one of those prefixes and a separator).
pub(crate) fn statement_number(cell: &str) -> Option<u32> {
    let t = cell.trim().to_ascii_lowercase();
    let rest = match ["statement", "item", "s", "#"]
        .iter()
        .find_map(|p| t.strip_prefix(p))
    {
        Some(rest) => rest.trim_start_matches([' ', '_', '-', '.', '#']),
        None => t.as_str(),
    };
    if rest.is_empty() || !rest.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    rest.parse::<u32>().ok().filter(|&n| n > 0)
}

/// An HTMLQ/FlashQ statement column: `s` followed by digits only (`s1`, `S12`).
pub(crate) fn htmlq_statement(cell: &str) -> Option<u32> {
    let t = cell.trim();
    let digits = t.strip_prefix(['s', 'S'])?;
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse::<u32>().ok().filter(|&n| n > 0)
}

/// A header cell that names the participant id column.
pub(crate) fn is_id_name(cell: &str) -> bool {
    let t: String = cell
        .trim()
        .chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect();
    [
        "id",
        "participant",
        "participantid",
        "participants",
        "name",
        "respondent",
        "respondentid",
        "sort",
        "sortid",
        "qsort",
        "person",
        "subject",
        "sorter",
    ]
    .contains(&t.as_str())
}

/// Whether a header is an HTMLQ/FlashQ export's: `sid` or `uid`, and two or more `s<N>`.
pub(crate) fn is_htmlq_header(header: &[String]) -> bool {
    let has_id = header
        .iter()
        .any(|h| h.trim().eq_ignore_ascii_case("sid") || h.trim().eq_ignore_ascii_case("uid"));
    has_id && header.iter().filter_map(|h| htmlq_statement(h)).count() >= 2
}

/// The layout of non-blank records (the first is the header); `id_column`, when the user
/// named the id column, is a reason to read one row per participant.
pub(crate) fn detect_layout(
    records: &[(usize, Vec<String>)],
    id_column: Option<&str>,
) -> Detection {
    let Some((line, header)) = records.first() else {
        return Detection {
            format: InputFormat::QmethodCsv,
            reason: "the file has no header".into(),
        };
    };
    if crate::eqwebsort::netlify_column(records).is_some() {
        return Detection {
            format: InputFormat::NetlifyCsv,
            reason: format!(
                "the header on line {line} has a qSortData column, or the row below it holds 'sort:|' results"
            ),
        };
    }
    if crate::eqwebsort::is_sheets(records) {
        return Detection {
            format: InputFormat::SheetsCsv,
            reason: format!(
                "the rows from line {line} hold 'sort: ...' and 'randomId: ...' or 'partId: ...' cells"
            ),
        };
    }
    let mut header: Vec<&str> = header.iter().map(|h| h.trim()).collect();
    while header.last().is_some_and(|h| h.is_empty()) {
        header.pop();
    }
    let owned: Vec<String> = header.iter().map(|h| h.to_string()).collect();
    if is_htmlq_header(&owned) {
        return Detection {
            format: InputFormat::Htmlq,
            reason: format!("the header on line {line} has sid/uid and s1..sN columns"),
        };
    }
    let (first, rest) = match header.split_first() {
        Some((f, r)) => (*f, r),
        None => ("", &[][..]),
    };
    let numbered = rest
        .iter()
        .filter(|h| statement_number(h).is_some())
        .count();
    if let Some(name) = id_column
        && header.iter().any(|h| h.eq_ignore_ascii_case(name.trim()))
        && numbered >= 2
    {
        return Detection {
            format: InputFormat::CsvRows,
            reason: format!(
                "the header on line {line} has the id column '{}' given and numbers the statements",
                name.trim()
            ),
        };
    }
    if is_id_name(first) && numbered >= 2 {
        return Detection {
            format: InputFormat::CsvRows,
            reason: format!(
                "the header on line {line} starts with the id column '{first}' and numbers the statements"
            ),
        };
    }
    let all_numbered = numbered >= 2 && numbered == rest.len();
    if all_numbered && statement_number(first).is_none() && parse_int(first).is_none() {
        let data = records.get(1..).unwrap_or(&[]);
        if rows_follow_one_distribution(data, header.len()) {
            return Detection {
                format: InputFormat::CsvRows,
                reason: format!(
                    "the header on line {line} numbers the statements and every row holds the same distribution of values (one sort per row)"
                ),
            };
        }
        return Detection {
            format: InputFormat::QmethodCsv,
            reason: format!(
                "the header on line {line} numbers its columns but the rows do not all hold the same distribution of values (so the columns are the sorts)"
            ),
        };
    }
    Detection {
        format: InputFormat::QmethodCsv,
        reason: format!(
            "the header on line {line} has no sid/uid columns (HTMLQ/FlashQ) and no id column followed by statement numbers (one row per participant)"
        ),
    }
}

/// True when there are at least 2 data rows, every row's values (fields 2..width) are integers
/// with the same multiset, and the columns' multisets are not all equal.
fn rows_follow_one_distribution(data: &[(usize, Vec<String>)], width: usize) -> bool {
    if data.len() < 2 || width < 3 {
        return false;
    }
    let mut rows: Vec<Vec<i32>> = Vec::with_capacity(data.len());
    for (_, fields) in data {
        let mut row = Vec::with_capacity(width);
        let mut incomplete = false;
        for c in 1..width {
            let field = fields.get(c).map_or("", String::as_str);
            match parse_int(field) {
                Some(v) => row.push(v),
                // an incomplete sort does not show its distribution: it does not count
                None if crate::text::is_missing(field) => incomplete = true,
                None => return false,
            }
        }
        if !incomplete {
            rows.push(row);
        }
    }
    if rows.len() < 2 {
        return false;
    }
    let sorted = |mut v: Vec<i32>| {
        v.sort_unstable();
        v
    };
    let Some(first_row) = rows.first().map(|r| sorted(r.clone())) else {
        return false;
    };
    if rows.iter().any(|r| sorted(r.clone()) != first_row) {
        return false;
    }
    let column = |c: usize| sorted(rows.iter().filter_map(|r| r.get(c).copied()).collect());
    let first_col = column(0);
    (1..width - 1).any(|c| column(c) != first_col)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn detect_layout_of(records: &[(usize, Vec<String>)]) -> Detection {
        detect_layout(records, None)
    }

    fn records(text: &str) -> Vec<(usize, Vec<String>)> {
        text.lines()
            .enumerate()
            .map(|(i, l)| (i + 1, l.split(',').map(str::to_string).collect()))
            .collect()
    }

    #[test]
    fn statement_numbers() {
        for (cell, n) in [
            ("12", Some(12)),
            (" s3 ", Some(3)),
            ("S10", Some(10)),
            ("statement 4", Some(4)),
            ("Statement_5", Some(5)),
            ("item-6", Some(6)),
            ("#7", Some(7)),
            ("0", None),
            ("-1", None),
            ("sid", None),
            ("P01", None),
            ("s", None),
            ("", None),
            ("1.5", None),
        ] {
            assert_eq!(statement_number(cell), n, "{cell:?}");
        }
        assert_eq!(htmlq_statement("s12"), Some(12));
        assert_eq!(htmlq_statement("statement 12"), None);
        assert_eq!(htmlq_statement("sid"), None);
    }

    #[test]
    fn id_names() {
        for c in [
            "id",
            "ID",
            "Participant",
            "participant_id",
            "Name",
            "q-sort",
            "Sort ID",
        ] {
            assert!(is_id_name(c), "{c}");
        }
        for c in ["", "P01", "participant_1", "statement", "Unnamed: 0"] {
            assert!(!is_id_name(c), "{c}");
        }
    }

    #[test]
    fn layouts() {
        let d = detect_layout_of(&records("sid;uid;s1;s2".replace(';', ",").as_str()));
        assert_eq!(d.format, InputFormat::Htmlq);
        let d = detect_layout_of(&records("id,1,2,3\nP1,1,0,-1\n"));
        assert_eq!(d.format, InputFormat::CsvRows);
        assert!(d.reason.contains("'id'"), "{}", d.reason);
        let d = detect_layout_of(&records("Participant,role,s1,s2,s3\nP1,x,1,0,-1\n"));
        assert_eq!(d.format, InputFormat::CsvRows);
        // No id name: decided by the distribution of the rows.
        let rows = ",1,2,3\nP1,1,0,-1\nP2,0,-1,1\nP3,1,-1,0\n";
        assert_eq!(
            detect_layout_of(&records(rows)).format,
            InputFormat::CsvRows
        );
        let columns = ",1,2,3\nS1,1,0,-1\nS2,0,1,0\nS3,-1,-1,1\n";
        assert_eq!(
            detect_layout_of(&records(columns)).format,
            InputFormat::QmethodCsv
        );
        // The qmethod layout, including an all-numeric header (sorts numbered 1..n).
        for q in [
            "US1,US2,US3\n-1,1,0\n0,-1,1\n",
            ",P01,P02\nD01,1,-1\n",
            "1,2,3\n1,0,-1\n0,1,-1\n",
            "-1,-1,2\n1,-1,0\n0,2,-2\n",
            "participant_1,participant_2\n1,0\n",
            "",
        ] {
            assert_eq!(
                detect_layout_of(&records(q)).format,
                InputFormat::QmethodCsv,
                "{q:?}"
            );
        }
    }
}

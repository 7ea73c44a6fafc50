//! EQ Web Sort's two CSV exports (github:shawnbanasick/eq-web-sort): the Netlify form export
//! and the Google Sheets export. Both carry, per participant, the results object EQ Web Sort
//! builds on its submit page (`projectName`, `partId`, `randomId`, `urlUsercode`, `dateTime`,
//! page times, `npos`/`nneu`/`nneg`, post-sort comments, survey answers, then `sort`: the
//! grid values of statements 1, 2, 3... separated by `|`; `no data` where a value is null).
//!
//! - **Netlify CSV**: the Netlify form `contact` has one field, `qSortData`, holding the
//!   object as text, `key:| value | key:| value | ...` (`SubmitButtonNetlify.jsx`). The export
//!   has a header row (`qSortData`, then Netlify's own columns) and one row per submission.
//! - **Google Sheets CSV**: EQ Web Sort appends the object to `Sheet1` through Stein, one cell
//!   per key, `key: value`, under a header row of column numbers `1, 2, 3...`
//!   (`SubmitButtonGS.jsx`); downloaded as CSV, one row per submission.
//!
//! Ids: `partId` when every participant has one and they all differ, else `randomId` (what
//! KADE takes), or the key given by `--id-column`. Every other key is a participant attribute
//! (`no data` left out). A sort with a statement value that is empty is incomplete (a missing
//! value); a sort that is `no data` has every value missing; a sort with fewer values than the
//! others is refused (EQ Web Sort lists only the statements placed, so which are missing cannot
//! be told).

use std::collections::{BTreeMap, HashSet};
use std::path::Path;

use qstudy_core::{Participant, SortTable};

use crate::Parsed;
use crate::csv_rows::{Records, RowsRead};
use crate::error::{ReadError, content};
use crate::source::SourceMap;
use crate::text::{is_missing, parse_int};

const EXPECTED_NETLIFY: &str = "an EQ Web Sort Netlify export: a header row (qSortData, ...), then one row per submission whose qSortData cell reads 'partId:| ... | randomId:| ... | sort:| 2|-1|0|... |'";
const EXPECTED_SHEETS: &str = "an EQ Web Sort Google Sheets export: a header row (1, 2, 3, ...), then one row per submission of cells 'key: value' ('partId: ...', 'randomId: ...', ..., 'sort: 2|-1|0|...')";

/// EQ Web Sort's marker of a null value.
const NO_DATA: &str = "no data";

/// The column of a Netlify export that holds the results: `qSortData` (any case), else the
/// first whose first data cell holds `sort:|`.
pub(crate) fn netlify_column(records: &[(usize, Vec<String>)]) -> Option<usize> {
    let (_, header) = records.first()?;
    header
        .iter()
        .position(|h| h.trim().eq_ignore_ascii_case("qSortData"))
        .or_else(|| {
            let (_, row) = records.get(1)?;
            row.iter().position(|c| c.contains("sort:|"))
        })
}

/// Whether records look like a Google Sheets export: a cell of the first row that is not a
/// header of numbers (or of the header) reads `sort: ...`, and another `randomId: ...` or
/// `partId: ...`.
pub(crate) fn is_sheets(records: &[(usize, Vec<String>)]) -> bool {
    records.iter().take(2).any(|(_, row)| {
        let key = |k: &str| {
            row.iter().any(|c| {
                c.trim_start()
                    .strip_prefix(k)
                    .is_some_and(|rest| rest.starts_with(':') && !rest.starts_with(":|"))
            })
        };
        key("sort") && (key("randomId") || key("partId"))
    })
}

/// The `key:| value |` pairs of a Netlify `qSortData` text, in order. A key is a run of
/// letters, digits, `_`, `-` or `.` right before `:|`, at the start of the text or after `|`;
/// its value runs to the next key (trimmed, the separating `|` dropped). Linear in the text.
pub(crate) fn netlify_pairs(text: &str) -> Vec<(String, String)> {
    let bytes = text.as_bytes();
    let is_key = |b: u8| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.');
    // (key start, value start) of each key
    let mut keys: Vec<(usize, usize, usize)> = Vec::new();
    let mut at = 0;
    while let Some(found) = memchr::memmem::find(&bytes[at..], b":|") {
        let colon = at + found;
        let mut start = colon;
        while start > 0 && is_key(bytes[start - 1]) {
            start -= 1;
        }
        let before = bytes[..start]
            .iter()
            .rev()
            .find(|b| !b.is_ascii_whitespace());
        if start < colon && matches!(before, None | Some(b'|')) {
            keys.push((start, colon, colon + 2));
        }
        at = colon + 2;
    }
    let mut pairs = Vec::with_capacity(keys.len());
    for (i, &(start, colon, value_start)) in keys.iter().enumerate() {
        let value_end = match keys.get(i + 1) {
            Some(&(next, _, _)) => next,
            None => bytes.len(),
        };
        let value = text
            .get(value_start..value_end)
            .unwrap_or_default()
            .trim()
            .trim_end_matches('|')
            .trim();
        pairs.push((
            text.get(start..colon).unwrap_or_default().to_string(),
            value.to_string(),
        ));
    }
    pairs
}

/// One submission: its line and its keys and values, in order.
struct Submission {
    line: usize,
    pairs: Vec<(String, String)>,
}

/// Reads a Netlify CSV export; the ids from the key `id_column` when given.
pub(crate) fn parse_netlify(
    records: Records,
    file: &Path,
    id_column: Option<&str>,
) -> Result<RowsRead, ReadError> {
    let Some((header_line, header)) = records.first().cloned() else {
        return Err(ReadError::Empty {
            file: file.to_path_buf(),
            expected: EXPECTED_NETLIFY,
        });
    };
    let Some(column) = netlify_column(&records) else {
        return Err(content(
            file,
            Some(format!("line {header_line}")),
            format!("no qSortData column; expected {EXPECTED_NETLIFY}"),
        ));
    };
    let mut submissions = Vec::with_capacity(records.len().saturating_sub(1));
    for (line, fields) in records.into_iter().skip(1) {
        let text = fields.get(column).map_or("", String::as_str);
        let mut pairs = netlify_pairs(text);
        if !pairs.iter().any(|(k, _)| k == "sort") {
            return Err(content(
                file,
                Some(format!("line {line}, column {}", column + 1)),
                format!(
                    "{} holds no 'sort:| ... |' results; expected {EXPECTED_NETLIFY}",
                    crate::error::show(text)
                ),
            ));
        }
        // Netlify's own columns (its submission date...) as attributes, after EQ Web Sort's.
        for (c, value) in fields.iter().enumerate() {
            let name = header.get(c).map_or("", |h| h.trim());
            if c != column && !name.is_empty() && !value.trim().is_empty() {
                pairs.push((name.to_string(), value.trim().to_string()));
            }
        }
        submissions.push(Submission { line, pairs });
    }
    build(file, header_line, submissions, id_column, EXPECTED_NETLIFY)
}

/// Reads a Google Sheets CSV export; the ids from the key `id_column` when given.
pub(crate) fn parse_sheets(
    records: Records,
    file: &Path,
    id_column: Option<&str>,
) -> Result<RowsRead, ReadError> {
    let Some((first_line, first)) = records.first() else {
        return Err(ReadError::Empty {
            file: file.to_path_buf(),
            expected: EXPECTED_SHEETS,
        });
    };
    let header_line = *first_line;
    // The header row of column numbers, unless the first row is already a submission.
    let has_header = !first
        .iter()
        .any(|c| sheets_key(c).is_some_and(|(k, _)| k == "sort"));
    let mut submissions = Vec::with_capacity(records.len());
    for (line, fields) in records.into_iter().skip(usize::from(has_header)) {
        let mut pairs = Vec::with_capacity(fields.len());
        for (c, cell) in fields.iter().enumerate() {
            if cell.trim().is_empty() {
                continue;
            }
            let Some((key, value)) = sheets_key(cell) else {
                return Err(content(
                    file,
                    Some(format!("line {line}, column {}", c + 1)),
                    format!(
                        "{} is not a 'key: value' cell; expected {EXPECTED_SHEETS}",
                        crate::error::show(cell)
                    ),
                ));
            };
            pairs.push((key.to_string(), value.to_string()));
        }
        if !pairs.iter().any(|(k, _)| k == "sort") {
            return Err(content(
                file,
                Some(format!("line {line}")),
                format!("no 'sort: ...' cell; expected {EXPECTED_SHEETS}"),
            ));
        }
        submissions.push(Submission { line, pairs });
    }
    build(file, header_line, submissions, id_column, EXPECTED_SHEETS)
}

/// A Sheets cell `key: value` (the key a run of letters, digits, `_`, `-`, `.`).
fn sheets_key(cell: &str) -> Option<(&str, &str)> {
    let cell = cell.trim();
    let (key, value) = cell.split_once(':')?;
    let ok = !key.is_empty()
        && key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.'));
    ok.then(|| (key, value.trim()))
}

/// A submission's sort: its values (`None` for a missing one); `None` when it is `no data`.
fn sort_of(
    file: &Path,
    s: &Submission,
    expected: &str,
) -> Result<Option<Vec<Option<i32>>>, ReadError> {
    let sort = s
        .pairs
        .iter()
        .find(|(k, _)| k == "sort")
        .map_or("", |(_, v)| v.as_str());
    if sort.trim() == NO_DATA {
        return Ok(None);
    }
    let mut values = Vec::new();
    for (i, v) in sort.split('|').enumerate() {
        match parse_int(v) {
            Some(n) => values.push(Some(n)),
            None if is_missing(v) => values.push(None),
            None => {
                return Err(content(
                    file,
                    Some(format!("line {}", s.line)),
                    format!(
                        "sort, value {} (statement {}): {} is not an integer; expected {expected}",
                        i + 1,
                        i + 1,
                        crate::error::show(v)
                    ),
                ));
            }
        }
    }
    Ok(Some(values))
}

/// The sorts, ids and attributes of the submissions.
fn build(
    file: &Path,
    header_line: usize,
    submissions: Vec<Submission>,
    id_column: Option<&str>,
    expected: &str,
) -> Result<RowsRead, ReadError> {
    if submissions.is_empty() {
        return Err(content(
            file,
            Some(format!("line {header_line}")),
            format!("no submission follows; expected {expected}"),
        ));
    }
    let sorts: Vec<Option<Vec<Option<i32>>>> = submissions
        .iter()
        .map(|s| sort_of(file, s, expected))
        .collect::<Result<_, _>>()?;
    let Some((first, m)) = sorts
        .iter()
        .enumerate()
        .find_map(|(i, s)| s.as_ref().map(|v| (i, v.len())))
    else {
        return Err(content(
            file,
            None,
            format!("every sort is 'no data'; expected {expected}"),
        ));
    };
    let id_key = id_key(file, header_line, &submissions, id_column)?;
    let mut table = SortTable::default();
    let mut participants = Vec::with_capacity(submissions.len());
    let mut sort_lines = Vec::with_capacity(submissions.len());
    for (i, (s, sort)) in submissions.iter().zip(sorts).enumerate() {
        let value = |key: &str| {
            s.pairs
                .iter()
                .find(|(k, _)| k == key)
                .map(|(_, v)| v.trim())
                .filter(|v| !v.is_empty() && *v != NO_DATA)
        };
        let id = match &id_key {
            Some(key) => value(key).unwrap_or_default().to_string(),
            None => format!("P{}", i + 1),
        };
        let row = match sort {
            Some(values) if values.len() != m => {
                return Err(content(
                    file,
                    Some(format!("line {}, participant '{id}'", s.line)),
                    format!(
                        "sort has {} value(s), expected {m} (as the submission on line {} has: one per statement); EQ Web Sort writes only the statements placed, so which are missing cannot be told",
                        values.len(),
                        submissions[first].line
                    ),
                ));
            }
            Some(values) => values,
            None => vec![None; m],
        };
        let index = table.sort_ids.len();
        table.values.push(
            row.iter()
                .enumerate()
                .map(|(statement, v)| {
                    v.unwrap_or_else(|| {
                        table.missing.push((index, statement));
                        0
                    })
                })
                .collect(),
        );
        let attributes: BTreeMap<String, String> = s
            .pairs
            .iter()
            .filter(|(k, _)| k != "sort" && Some(k) != id_key.as_ref())
            .filter_map(|(k, _)| value(k).map(|v| (k.clone(), v.to_string())))
            .collect();
        participants.push(Participant {
            id: id.clone(),
            attributes,
        });
        table.sort_ids.push(id);
        sort_lines.push(s.line);
    }
    Ok((
        Parsed {
            table,
            grid: None,
            title: None,
            source: SourceMap::Records { sort_lines },
        },
        Some(participants),
    ))
}

/// The key the ids are taken from: `id_column` (checked to be a key of the submissions), else
/// `partId` when every submission has a distinct one, else `randomId` when every submission
/// has one, else none (`P1`, `P2`...).
fn id_key(
    file: &Path,
    header_line: usize,
    submissions: &[Submission],
    id_column: Option<&str>,
) -> Result<Option<String>, ReadError> {
    let has = |s: &Submission, key: &str| -> Option<String> {
        s.pairs
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.trim().to_string())
            .filter(|v| !v.is_empty() && v != NO_DATA)
    };
    if let Some(name) = id_column {
        let wanted = name.trim();
        let key = submissions
            .iter()
            .flat_map(|s| s.pairs.iter().map(|(k, _)| k))
            .find(|k| k.eq_ignore_ascii_case(wanted))
            .cloned();
        return match key {
            Some(k) => Ok(Some(k)),
            None => {
                let mut keys: Vec<&str> = Vec::new();
                let mut seen = HashSet::new();
                for (k, _) in submissions.iter().flat_map(|s| &s.pairs) {
                    if k != "sort" && seen.insert(k.as_str()) {
                        keys.push(k);
                    }
                }
                Err(content(
                    file,
                    Some(format!("line {header_line}")),
                    format!(
                        "no key '{wanted}' for the participant ids; expected one of the submissions' keys ({})",
                        keys.join(", ")
                    ),
                ))
            }
        };
    }
    let mut seen = HashSet::with_capacity(submissions.len());
    let distinct = submissions
        .iter()
        .all(|s| has(s, "partId").is_some_and(|v| seen.insert(v)));
    if distinct {
        return Ok(Some("partId".into()));
    }
    if submissions.iter().all(|s| has(s, "randomId").is_some()) {
        return Ok(Some("randomId".into()));
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{InputFormat, read_sorts_from_bytes, read_sorts_from_str};

    #[test]
    fn netlify_pairs_split_at_keys_only() {
        let p = netlify_pairs(
            "projectName:| my study | partId:| anonymous | randomId:| 367eee86-f28 | comment:| a | b: c | sort:| 2|-1|0|-2|1 | ",
        );
        let keys: Vec<&str> = p.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(
            keys,
            ["projectName", "partId", "randomId", "comment", "sort"]
        );
        assert_eq!(p[3].1, "a | b: c");
        assert_eq!(p[4].1, "2|-1|0|-2|1");
        assert!(netlify_pairs("no keys here").is_empty());
        assert_eq!(netlify_pairs("sort:|1|2|").len(), 1);
    }

    const NETLIFY: &str = "qSortData,created_at\n\
\"projectName:| t | partId:| p1 | randomId:| r1 | urlUsercode:| no data | sort:| 1|0|-1 | \",2024-01-02\n\
\"projectName:| t | partId:| p2 | randomId:| r2 | urlUsercode:| u2 | sort:| -1||1 | \",2024-01-03\n";

    #[test]
    fn netlify_export() {
        let l = read_sorts_from_bytes(NETLIFY.as_bytes(), "n.csv", None).unwrap();
        assert_eq!(l.format, InputFormat::NetlifyCsv);
        assert_eq!(l.table.sort_ids, ["p1", "p2"]);
        assert_eq!(l.table.values, [vec![1, 0, -1], vec![-1, 0, 1]]);
        assert_eq!(l.table.missing, [(1, 1)]);
        let p = l.participants().unwrap();
        assert_eq!(p[0].attributes["randomId"], "r1");
        assert_eq!(p[0].attributes["created_at"], "2024-01-02");
        assert!(!p[0].attributes.contains_key("urlUsercode"));
        assert_eq!(l.source.sort(1).unwrap().to_string(), "line 3");
        let by = |key| {
            let records =
                crate::dispatch::csv_records(NETLIFY.as_bytes(), Path::new("n.csv")).unwrap();
            parse_netlify(records, Path::new("n.csv"), Some(key))
        };
        assert_eq!(by("randomid").unwrap().0.table.sort_ids, ["r1", "r2"]);
        let Err(e) = by("email") else {
            panic!("an unknown key is refused")
        };
        assert!(
            e.to_string()
                .contains("no key 'email' for the participant ids; expected one of the submissions' keys (projectName, partId, randomId, urlUsercode, created_at)"),
            "{e}"
        );
    }

    #[test]
    fn sheets_export() {
        let text = "1,2,3,4,5\r\n\
projectName: t,partId: anonymous,randomId: r1,urlUsercode: no data,sort: 1|0|-1\r\n\
projectName: t,partId: anonymous,randomId: r2,\"comment: yes, sure\",sort: no data\r\n";
        let l = read_sorts_from_bytes(text.as_bytes(), "s.csv", None).unwrap();
        assert_eq!(l.format, InputFormat::SheetsCsv);
        // partIds are not distinct: randomId
        assert_eq!(l.table.sort_ids, ["r1", "r2"]);
        assert_eq!(l.table.missing, [(1, 0), (1, 1), (1, 2)]);
        let p = l.participants().unwrap();
        assert_eq!(p[1].attributes["comment"], "yes, sure");
        assert_eq!(p[1].attributes["partId"], "anonymous");
        let e = read_sorts_from_str(
            "1,2\npartId: a,sort: 1|x\n",
            "s.csv",
            InputFormat::SheetsCsv,
        )
        .unwrap_err();
        assert_eq!(
            e.to_string(),
            "s.csv: line 2: sort, value 2 (statement 2): 'x' is not an integer; expected an EQ Web Sort Google Sheets export: a header row (1, 2, 3, ...), then one row per submission of cells 'key: value' ('partId: ...', 'randomId: ...', ..., 'sort: 2|-1|0|...')"
        );
        let e = read_sorts_from_str(
            "1,2\npartId: a,sort: 1|0|-1\npartId: b,sort: 1|-1\n",
            "s.csv",
            InputFormat::SheetsCsv,
        )
        .unwrap_err();
        assert!(
            e.to_string()
                .starts_with("s.csv: line 3, participant 'b': sort has 2 value(s), expected 3"),
            "{e}"
        );
    }
}

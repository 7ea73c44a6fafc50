//! Tables with one row per participant: a participant-rows CSV (KADE's and Ken-Q's CSV import
//! layout, also the sorts sheet of a workbook) and the HTMLQ/FlashQ export (`sid;uid;s1;...`).
//! Both read non-blank records with their 1-based lines (see `csv_sorts::read_records`).
//!
//! - **Id column**: the first header cell that names one (`id`, `participant`, `name`... see
//!   [`is_id_name`]), else the first column. HTMLQ/FlashQ: `uid` when every row has one and they
//!   are unique, else `sid`.
//! - **Statement columns**: the header cells that number a statement (`12`, `s12`, `statement
//!   12`; HTMLQ: `s12`) when there are at least two; they must be numbered 1..m, each once, in
//!   any order. Without numbered cells, every column but the id is a statement, in file order.
//! - **Attribute columns**: every other column (role, council, HTMLQ form and comment fields,
//!   durations...): kept per participant, empty cells left out.

use std::collections::BTreeMap;
use std::path::Path;

use qstudy_core::{Participant, SortTable};

use crate::Parsed;
use crate::detect::{htmlq_statement, is_id_name, statement_number};
use crate::error::{ReadError, check_row_fills, content};
use crate::source::SourceMap;
use crate::text::parse_value;

/// Records with their lines; the first is the header.
pub(crate) type Records = Vec<(usize, Vec<String>)>;

/// A table with one row per participant, and the participants' attributes (`None` when the
/// table has no attribute column).
pub(crate) type RowsRead = (Parsed, Option<Vec<Participant>>);

const EXPECTED_ROWS: &str =
    "a header row (id column, then statement numbers), then one row per participant";
const EXPECTED_HTMLQ: &str =
    "an HTMLQ/FlashQ export: a header sid;uid;s1;s2;...;sN, then one row per participant";

/// The header cells, trimmed, without trailing empty cells.
fn header_cells(header: &[String]) -> Vec<String> {
    let mut cells: Vec<String> = header.iter().map(|c| c.trim().to_string()).collect();
    while cells.last().is_some_and(|c| c.is_empty()) {
        cells.pop();
    }
    cells
}

/// The column named `name` (any case, blanks around ignored), or an error listing the columns
/// a participant id can be taken from (`candidates`).
pub(crate) fn named_column(
    file: &Path,
    header_line: usize,
    header: &[String],
    name: &str,
    candidates: &[usize],
) -> Result<usize, ReadError> {
    let wanted = name.trim();
    header
        .iter()
        .position(|h| h.trim().eq_ignore_ascii_case(wanted))
        .ok_or_else(|| {
            let names: Vec<String> = candidates
                .iter()
                .filter_map(|&c| header.get(c))
                .filter(|h| !h.is_empty())
                .map(|h| format!("'{h}'"))
                .collect();
            content(
                file,
                Some(format!("line {header_line}")),
                format!(
                    "no column '{wanted}' for the participant ids; expected one of the header's columns ({})",
                    names.join(", ")
                ),
            )
        })
}

/// Reads a participant-rows table; the ids from the column `id_column` when given.
pub(crate) fn parse_rows(
    records: Records,
    file: &Path,
    id_column: Option<&str>,
) -> Result<RowsRead, ReadError> {
    let mut records = records.into_iter();
    let Some((header_line, header)) = records.next() else {
        return Err(ReadError::Empty {
            file: file.to_path_buf(),
            expected: EXPECTED_ROWS,
        });
    };
    let header = header_cells(&header);
    let id_col = match id_column {
        Some(name) => {
            let candidates: Vec<usize> = (0..header.len())
                .filter(|&c| statement_number(&header[c]).is_none())
                .collect();
            named_column(file, header_line, &header, name, &candidates)?
        }
        None => header.iter().position(|h| is_id_name(h)).unwrap_or(0),
    };
    let numbered: Vec<(usize, u32)> = header
        .iter()
        .enumerate()
        .filter(|&(c, _)| c != id_col)
        .filter_map(|(c, h)| statement_number(h).map(|n| (c, n)))
        .collect();
    let (statements, attributes): (Vec<(usize, u32)>, Vec<usize>) = if numbered.len() >= 2 {
        let attrs = other_columns(header.len(), id_col, &numbered);
        (numbered, attrs)
    } else {
        let cols = (0..header.len()).filter(|&c| c != id_col);
        (
            cols.zip(1u32..).collect(),
            Vec::new(), // every column is a statement
        )
    };
    let rows: Records = records.collect();
    let columns = Columns {
        file,
        header_line,
        header: &header,
        id_col,
        attributes: &attributes,
        expected: EXPECTED_ROWS,
    };
    build(&columns, statements, rows)
}

/// Reads an HTMLQ/FlashQ export; the ids from the column `id_column` when given.
pub(crate) fn parse_htmlq(
    records: Records,
    file: &Path,
    id_column: Option<&str>,
) -> Result<RowsRead, ReadError> {
    let mut records = records.into_iter();
    let Some((header_line, header)) = records.next() else {
        return Err(ReadError::Empty {
            file: file.to_path_buf(),
            expected: EXPECTED_HTMLQ,
        });
    };
    let header = header_cells(&header);
    let find = |name: &str| header.iter().position(|h| h.eq_ignore_ascii_case(name));
    let (sid, uid) = (find("sid"), find("uid"));
    if sid.is_none() && uid.is_none() {
        return Err(content(
            file,
            Some(format!("line {header_line}")),
            format!("the header has no 'sid' or 'uid' column; expected {EXPECTED_HTMLQ}"),
        ));
    }
    let statements: Vec<(usize, u32)> = header
        .iter()
        .enumerate()
        .filter_map(|(c, h)| htmlq_statement(h).map(|n| (c, n)))
        .collect();
    if statements.is_empty() {
        return Err(content(
            file,
            Some(format!("line {header_line}")),
            format!("the header has no statement columns s1, s2, ...; expected {EXPECTED_HTMLQ}"),
        ));
    }
    let rows: Records = records.collect();
    // uid when every row has a distinct one (a participant code), else sid (the session id).
    let id_col = match (id_column, uid, sid) {
        (Some(name), ..) => {
            let candidates: Vec<usize> = (0..header.len())
                .filter(|&c| htmlq_statement(&header[c]).is_none())
                .collect();
            named_column(file, header_line, &header, name, &candidates)?
        }
        (None, uid, sid) => htmlq_default_id(&rows, uid, sid),
    };
    let statements: Vec<(usize, u32)> = statements
        .into_iter()
        .filter(|&(c, _)| c != id_col)
        .collect();
    let attributes = other_columns(header.len(), id_col, &statements);
    let columns = Columns {
        file,
        header_line,
        header: &header,
        id_col,
        attributes: &attributes,
        expected: EXPECTED_HTMLQ,
    };
    build(&columns, statements, rows)
}

/// HTMLQ's id column: `uid` when every row has a distinct one, else `sid`.
fn htmlq_default_id(rows: &Records, uid: Option<usize>, sid: Option<usize>) -> usize {
    match (uid, sid) {
        (Some(u), Some(s)) => {
            let uids: Vec<&str> = rows
                .iter()
                .map(|(_, f)| f.get(u).map_or("", |v| v.trim()))
                .collect();
            let mut seen = std::collections::HashSet::with_capacity(uids.len());
            let distinct = uids.iter().all(|v| !v.is_empty() && seen.insert(*v));
            if distinct { u } else { s }
        }
        (Some(c), None) | (None, Some(c)) => c,
        (None, None) => 0,
    }
}

/// The columns that are neither the id nor a statement, in order (linear time: a header may
/// have a million columns).
fn other_columns(width: usize, id_col: usize, statements: &[(usize, u32)]) -> Vec<usize> {
    let mut taken = vec![false; width];
    for &(c, _) in statements {
        if let Some(t) = taken.get_mut(c) {
            *t = true;
        }
    }
    (0..width).filter(|&c| c != id_col && !taken[c]).collect()
}

/// Checks that the statement columns are numbered 1..m (each once) and returns their field
/// indices in statement order.
fn statement_columns(
    file: &Path,
    header_line: usize,
    mut statements: Vec<(usize, u32)>,
) -> Result<Vec<usize>, ReadError> {
    if statements.is_empty() {
        return Err(content(
            file,
            Some(format!("line {header_line}")),
            format!("the header has no statement column; expected {EXPECTED_ROWS}"),
        ));
    }
    statements.sort_by_key(|&(c, n)| (n, c));
    let m = statements.len();
    for pair in statements.windows(2) {
        if let [(a, n), (b, k)] = pair
            && n == k
        {
            return Err(content(
                file,
                Some(format!("line {header_line}, column {}", b + 1)),
                format!(
                    "statement {n} has a second column (columns {} and {}); expected one column per statement",
                    a + 1,
                    b + 1
                ),
            ));
        }
    }
    for (i, &(_, n)) in statements.iter().enumerate() {
        let expected = u32::try_from(i + 1).unwrap_or(u32::MAX);
        if n != expected {
            return Err(content(
                file,
                Some(format!("line {header_line}")),
                format!(
                    "no column for statement {expected}; expected the {m} statement columns to be numbered 1..{m}"
                ),
            ));
        }
    }
    Ok(statements.into_iter().map(|(c, _)| c).collect())
}

/// A participant-rows header: where its id, statements and attributes are.
struct Columns<'a> {
    file: &'a Path,
    header_line: usize,
    header: &'a [String],
    id_col: usize,
    /// The columns that are neither the id nor a statement.
    attributes: &'a [usize],
    /// What the layout expects, for the error of a header without rows.
    expected: &'static str,
}

/// The sorts (and the participants' attributes, when there are attribute columns) of the rows
/// below the header; `statements` are the (column, statement number) pairs of the header.
fn build(
    columns: &Columns<'_>,
    statements: Vec<(usize, u32)>,
    rows: Records,
) -> Result<RowsRead, ReadError> {
    let Columns {
        file,
        header_line,
        id_col,
        ..
    } = *columns;
    let cols = statement_columns(file, header_line, statements)?;
    if rows.is_empty() {
        return Err(content(
            file,
            Some(format!("line {header_line}")),
            format!(
                "the header is not followed by any participant row; expected {}",
                columns.expected
            ),
        ));
    }
    let mut table = SortTable::default();
    let mut sort_lines = Vec::with_capacity(rows.len());
    let mut participants = Vec::with_capacity(rows.len());
    for (line, fields) in &rows {
        let (id, row, missing) = columns.sort_row(*line, fields, &cols)?;
        let sort = table.sort_ids.len();
        table
            .missing
            .extend(missing.into_iter().map(|statement| (sort, statement)));
        participants.push(Participant {
            id: id.clone(),
            attributes: columns.attributes_of(fields),
        });
        table.sort_ids.push(id);
        table.values.push(row);
        sort_lines.push(*line);
    }
    let source = SourceMap::Rows {
        header_line,
        id_column: id_col + 1,
        sort_lines,
        statement_columns: cols.iter().map(|c| c + 1).collect(),
    };
    let participants = (!columns.attributes.is_empty()).then_some(participants);
    Ok((
        Parsed {
            table,
            grid: None,
            title: None,
            source,
        },
        participants,
    ))
}

impl Columns<'_> {
    /// A row's sort id, its values in statement order (`cols`: each statement's column) and
    /// the statements (0-based) whose cell is empty.
    fn sort_row(
        &self,
        line: usize,
        fields: &[String],
        cols: &[usize],
    ) -> Result<(String, Vec<i32>, Vec<usize>), ReadError> {
        let width = self.header.len();
        check_row_fills(self.file, line, fields, width, self.header_line)?;
        let field = |c: usize| fields.get(c).map_or("", String::as_str);
        let id = field(self.id_col).trim().to_string();
        let mut row = Vec::with_capacity(cols.len());
        let mut missing = Vec::new();
        for (s, &c) in cols.iter().enumerate() {
            match parse_value(field(c)) {
                Some(Some(v)) => row.push(v),
                Some(None) => {
                    row.push(0);
                    missing.push(s);
                }
                None => {
                    return Err(ReadError::NotAnInteger {
                        file: self.file.to_path_buf(),
                        line,
                        column: c + 1,
                        sort: id,
                        statement: s + 1,
                        found: field(c).to_string(),
                    });
                }
            }
        }
        Ok((id, row, missing))
    }

    /// A row's attributes: each non-blank attribute cell under its header (`column N` when
    /// the header cell is empty).
    fn attributes_of(&self, fields: &[String]) -> BTreeMap<String, String> {
        let field = |c: usize| fields.get(c).map_or("", String::as_str);
        self.attributes
            .iter()
            .filter_map(|&c| {
                let value = field(c).trim();
                let name = self.header.get(c).map_or("", String::as_str);
                let name = if name.is_empty() {
                    format!("column {}", c + 1)
                } else {
                    name.to_string()
                };
                (!value.is_empty()).then(|| (name, value.to_string()))
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{InputFormat, read_sorts_from_bytes, read_sorts_from_str};

    fn rows(text: &str) -> Result<crate::LoadedSorts, ReadError> {
        read_sorts_from_str(text, "data/r.csv", InputFormat::CsvRows)
    }

    #[test]
    fn participant_rows_with_attributes_any_column_order() {
        let l = rows("id,role,3,1,2\nP1,officer,-1,1,0\nP2,,1,-1,0\n").unwrap();
        assert_eq!(l.table.sort_ids, ["P1", "P2"]);
        // Statement columns reordered by number: 1, 2, 3.
        assert_eq!(l.table.values, [vec![1, 0, -1], vec![-1, 0, 1]]);
        let p = l.participants().unwrap();
        assert_eq!(p[0].attributes["role"], "officer");
        assert!(p[1].attributes.is_empty());
        assert_eq!(
            l.source.value(0, 0).unwrap().to_string(),
            "line 2, column 4"
        );
        assert_eq!(l.source.sort_id(1).unwrap().to_string(), "line 3, column 1");
    }

    #[test]
    fn unnumbered_header_takes_every_column_in_order() {
        let l = rows("name,a,b,c\nX,1,0,-1\nY,0,1,-1\n").unwrap();
        assert_eq!(l.table.values[0], [1, 0, -1]);
        assert_eq!(l.participants(), None);
    }

    #[test]
    fn statement_numbering_errors() {
        let e = rows("id,1,2,2\nP1,1,0,-1\n").unwrap_err();
        assert_eq!(
            e.to_string(),
            "data/r.csv: line 1, column 4: statement 2 has a second column (columns 3 and 4); expected one column per statement"
        );
        let e = rows("id,1,2,4\nP1,1,0,-1\n").unwrap_err();
        assert_eq!(
            e.to_string(),
            "data/r.csv: line 1: no column for statement 3; expected the 3 statement columns to be numbered 1..3"
        );
        let e = rows("id\nP1\n").unwrap_err();
        assert!(e.to_string().contains("no statement column"), "{e}");
        let e = rows("id,1,2\n").unwrap_err();
        assert!(
            e.to_string()
                .contains("not followed by any participant row"),
            "{e}"
        );
    }

    #[test]
    fn row_errors() {
        let e = rows("id,1,2,3\nP1,1,0,-1\nP2,1,0\n").unwrap_err();
        assert_eq!(
            e.to_string(),
            "data/r.csv: line 3: 3 fields, expected 4 (one per column of the header on line 1)"
        );
        let e = rows("id,1,2,3\nP1,1,x,-1\n").unwrap_err();
        assert_eq!(
            e.to_string(),
            "data/r.csv: line 2, column 3 (sort 'P1', statement 2): 'x' is not an integer; expected a whole number such as -3, 0 or +2"
        );
        let e = rows("").unwrap_err();
        assert!(matches!(e, ReadError::Empty { .. }), "{e}");
    }

    #[test]
    fn htmlq_ids_and_attributes() {
        let text = "sid;uid;s2;s1;npos;comment1;\n01;a;+1;-1;3;fine;\n02;b; 0;+2;4;;\n";
        let l = read_sorts_from_str(text, "h.csv", InputFormat::Htmlq).unwrap();
        // Distinct uids are the ids; sid becomes an attribute.
        assert_eq!(l.table.sort_ids, ["a", "b"]);
        assert_eq!(l.table.values, [vec![-1, 1], vec![2, 0]]);
        let p = l.participants().unwrap();
        assert_eq!(p[0].attributes["sid"], "01");
        assert_eq!(p[0].attributes["comment1"], "fine");
        assert!(!p[1].attributes.contains_key("comment1"));
        // Empty uids: the sid is the id.
        let text = "sid;uid;s1;s2\n01;;+1;-1\n02;;-1;+1\n";
        let l = read_sorts_from_bytes(text.as_bytes(), "h.csv", None).unwrap();
        assert_eq!(l.format, InputFormat::Htmlq);
        assert_eq!(l.table.sort_ids, ["01", "02"]);
        let e = read_sorts_from_str("a;b\n1;2\n", "h.csv", InputFormat::Htmlq).unwrap_err();
        assert!(
            e.to_string()
                .starts_with("h.csv: line 1: the header has no 'sid' or 'uid' column"),
            "{e}"
        );
        let e = read_sorts_from_str("sid;x\n1;2\n", "h.csv", InputFormat::Htmlq).unwrap_err();
        assert!(e.to_string().contains("no statement columns"), "{e}");
    }
}

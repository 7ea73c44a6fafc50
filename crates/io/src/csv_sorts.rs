//! The qmethod CSV layout: one row per statement, one column per sort, a header row of sort ids
//! and an optional first column of statement labels.

use std::path::Path;

use qstudy_core::SortTable;

use crate::Parsed;
use crate::error::{ReadError, check_row_fills, content};
use crate::source::SourceMap;
use crate::text::{decode_text, parse_int, parse_value, strip_bom};

const EXPECTED: &str =
    "a header row of sort ids, then one row of integer values per statement (qmethod CSV layout)";

/// Reads the qmethod CSV layout from raw bytes (UTF-8, or Latin-1 where a field is not UTF-8).
pub(crate) fn parse(bytes: &[u8], file: &Path) -> Result<Parsed, ReadError> {
    let bytes = strip_bom(bytes);
    let records = read_records(bytes, file)?;
    parse_records(records, file)
}

/// Reads the qmethod layout from non-blank records with their 1-based lines (from a CSV file,
/// or the rows of a spreadsheet).
pub(crate) fn parse_records(
    records: Vec<(usize, Vec<String>)>,
    file: &Path,
) -> Result<Parsed, ReadError> {
    let mut records = records.into_iter();
    let Some((header_line, header)) = records.next() else {
        return Err(ReadError::Empty {
            file: file.to_path_buf(),
            expected: EXPECTED,
        });
    };
    let rows: Vec<(usize, Vec<String>)> = records.collect();
    if rows.is_empty() {
        return Err(ReadError::NoStatements {
            file: file.to_path_buf(),
            line: header_line,
        });
    }

    // Trailing empty header cells (a spreadsheet artefact) do not make columns.
    let mut header: Vec<String> = header.iter().map(|c| c.trim().to_string()).collect();
    while header.last().is_some_and(|c| c.is_empty()) {
        header.pop();
    }
    let width = header.len();

    let label_column = has_label_column(&header, &rows);
    let first_sort = usize::from(label_column);
    let sort_ids: Vec<String> = header.iter().skip(first_sort).cloned().collect();
    if sort_ids.is_empty() {
        return Err(ReadError::NoSorts {
            file: file.to_path_buf(),
            line: header_line,
            label_column,
        });
    }

    let layout = Layout {
        file,
        first_sort,
        sort_ids: &sort_ids,
    };
    let mut values: Vec<Vec<i32>> = vec![Vec::with_capacity(rows.len()); sort_ids.len()];
    let mut missing = Vec::new();
    let mut labels = Vec::with_capacity(rows.len());
    let mut statement_lines = Vec::with_capacity(rows.len());
    for (statement, (line, fields)) in rows.iter().enumerate() {
        check_row_fills(file, *line, fields, width, header_line)?;
        if label_column {
            labels.push(fields.first().map_or("", |f| f.trim()).to_string());
        }
        layout.push_values(statement, *line, fields, &mut values, &mut missing)?;
        statement_lines.push(*line);
    }

    let numeric_header = sort_ids.iter().all(|id| parse_int(id).is_some());
    Ok(Parsed {
        table: SortTable {
            missing,
            sort_ids,
            statement_labels: label_column.then_some(labels),
            values,
        },
        grid: None,
        title: None,
        source: SourceMap::Csv {
            header_line,
            label_column,
            sort_columns: (first_sort + 1..=width).collect(),
            statement_lines,
            numeric_header,
        },
    })
}

/// Where a qmethod layout's values are: what a statement row is read against.
struct Layout<'a> {
    file: &'a Path,
    /// The column of the first sort (1 after a label column).
    first_sort: usize,
    sort_ids: &'a [String],
}

impl Layout<'_> {
    /// Adds statement `statement`'s value in each sort (`values`, a vector per sort); an
    /// empty cell is a missing value (`missing`: sort, statement).
    fn push_values(
        &self,
        statement: usize,
        line: usize,
        fields: &[String],
        values: &mut [Vec<i32>],
        missing: &mut Vec<(usize, usize)>,
    ) -> Result<(), ReadError> {
        for (sort, ((column, field), (id, sort_values))) in fields
            .iter()
            .enumerate()
            .skip(self.first_sort)
            .zip(self.sort_ids.iter().zip(values.iter_mut()))
            .enumerate()
        {
            match parse_value(field) {
                Some(Some(v)) => sort_values.push(v),
                Some(None) => {
                    sort_values.push(0);
                    missing.push((sort, statement));
                }
                None => {
                    return Err(ReadError::NotAnInteger {
                        file: self.file.to_path_buf(),
                        line,
                        column: column + 1,
                        sort: id.clone(),
                        statement: statement + 1,
                        found: field.clone(),
                    });
                }
            }
        }
        Ok(())
    }
}

/// The first column holds statement labels when its header cell is empty or most of its values
/// are not integers. (A first column with only a few non-integers is a sort with bad values, so
/// that a typo reports an error instead of silently turning the sort into labels.)
fn has_label_column(header: &[String], rows: &[(usize, Vec<String>)]) -> bool {
    match header.first() {
        None => false,
        Some(first) if first.is_empty() => true,
        Some(_) => {
            let non_integers = rows
                .iter()
                .filter(|(_, fields)| fields.first().and_then(|f| parse_int(f)).is_none())
                .count();
            non_integers * 2 > rows.len()
        }
    }
}

/// All non-blank records with their 1-based line numbers. A record whose fields are all blank
/// (an empty line, spaces, or only delimiters) is skipped wherever it is.
pub(crate) fn read_records(
    bytes: &[u8],
    file: &Path,
) -> Result<Vec<(usize, Vec<String>)>, ReadError> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(detect_delimiter(bytes))
        .from_reader(bytes);
    let lines = LineIndex::new(bytes);
    let mut records = Vec::new();
    let mut record = csv::ByteRecord::new();
    loop {
        match reader.read_byte_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                let line = e.position().map_or(0, |p| lines.line_of(p.byte()));
                return Err(ReadError::Csv {
                    file: file.to_path_buf(),
                    line,
                    message: e.to_string().replace(['\n', '\r'], " "),
                });
            }
        }
        if record.len() > crate::limits::MAX_FIELDS {
            let line = record.position().map_or(0, |p| lines.line_of(p.byte()));
            return Err(content(
                file,
                Some(format!("line {line}")),
                crate::limits::over(
                    "the number of fields",
                    record.len(),
                    crate::limits::MAX_FIELDS,
                ),
            ));
        }
        let fields: Vec<String> = record.iter().map(decode_text).collect();
        if fields.iter().all(|f| f.trim().is_empty()) {
            continue;
        }
        let line = record.position().map_or(0, |p| lines.line_of(p.byte()));
        records.push((line, fields));
    }
    Ok(records)
}

/// Line numbers from byte offsets. (The `csv` crate's own line count is off after the empty
/// lines it skips, and a record's position points at the first skipped line break.)
struct LineIndex<'a> {
    bytes: &'a [u8],
    /// Offset just past each line break (`\n`, `\r\n` or a lone `\r`).
    line_starts: Vec<usize>,
}

impl<'a> LineIndex<'a> {
    fn new(bytes: &'a [u8]) -> Self {
        let line_starts = bytes
            .iter()
            .enumerate()
            .filter(|&(i, &b)| b == b'\n' || (b == b'\r' && bytes.get(i + 1) != Some(&b'\n')))
            .map(|(i, _)| i + 1)
            .collect();
        LineIndex { bytes, line_starts }
    }

    /// The 1-based line of the first byte at or after `offset` that is not a line break.
    fn line_of(&self, offset: u64) -> usize {
        let mut at = usize::try_from(offset).unwrap_or(usize::MAX);
        while let Some(b'\r' | b'\n') = self.bytes.get(at) {
            at += 1;
        }
        1 + self.line_starts.partition_point(|&start| start <= at)
    }
}

/// `,` unless the first non-blank line has more `;` (or tabs) outside quotes.
fn detect_delimiter(bytes: &[u8]) -> u8 {
    let first = bytes
        .split(|&b| b == b'\n')
        .find(|l| l.iter().any(|b| !b.is_ascii_whitespace()))
        .unwrap_or(&[]);
    let (mut commas, mut semicolons, mut tabs, mut quoted) = (0usize, 0usize, 0usize, false);
    for &b in first {
        match b {
            b'"' => quoted = !quoted,
            b',' if !quoted => commas += 1,
            b';' if !quoted => semicolons += 1,
            b'\t' if !quoted => tabs += 1,
            _ => {}
        }
    }
    if semicolons > commas && semicolons >= tabs {
        b';'
    } else if tabs > commas && tabs > semicolons {
        b'\t'
    } else {
        b','
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{InputFormat, read_sorts, read_sorts_from_str};

    use crate::fixture;

    fn read_csv(text: &str) -> Result<crate::LoadedSorts, ReadError> {
        read_sorts_from_str(text, "data/t.csv", InputFormat::QmethodCsv)
    }

    #[test]
    fn lipset_csv() {
        let l = read_sorts(&fixture("lipset/lipset_sorts.csv"), None).unwrap();
        assert_eq!(l.format, InputFormat::QmethodCsv);
        assert_eq!(
            l.table.sort_ids,
            [
                "US1", "US2", "US3", "US4", "JP5", "CA6", "UK7", "US8", "FR9"
            ]
        );
        assert_eq!(l.table.values.len(), 9);
        assert!(l.table.values.iter().all(|v| v.len() == 33));
        assert_eq!(l.table.statement_labels, None);
        assert_eq!(
            l.table.values[0],
            [
                -1, 0, -2, 0, -2, 1, 0, -1, 0, -1, 1, 1, 2, 3, -1, -4, -3, -3, -1, -4, 3, 2, 3, 1,
                1, 0, 4, 2, 2, -3, -2, -2, 4
            ]
        );
        assert_eq!(l.grid, None);
        assert_eq!(l.title, None);
        match &l.source {
            SourceMap::Csv {
                header_line,
                label_column,
                sort_columns,
                statement_lines,
                numeric_header,
            } => {
                assert_eq!(*header_line, 1);
                assert!(!label_column);
                assert_eq!(sort_columns, &(1..=9).collect::<Vec<_>>());
                assert_eq!(statement_lines, &(2..=34).collect::<Vec<_>>());
                assert!(!numeric_header);
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn redu_fut_label_column() {
        let l = read_sorts(&fixture("redu-fut/qsorts.csv"), None).unwrap();
        let ids: Vec<String> = (1..=49).map(|i| format!("P{i:02}")).collect();
        assert_eq!(l.table.sort_ids, ids);
        let labels: Vec<String> = (1..=36).map(|i| format!("D{i:02}")).collect();
        assert_eq!(l.table.statement_labels.as_ref(), Some(&labels));
        assert!(l.table.values.iter().all(|v| v.len() == 36));
        // D01,4,4,0,-2,...: the first value of P01 and P04.
        assert_eq!(l.table.values[0][0], 4);
        assert_eq!(l.table.values[3][0], -2);
        assert!(matches!(
            l.source,
            SourceMap::Csv {
                label_column: true,
                ..
            }
        ));
        assert_eq!(
            l.source.value(0, 0).unwrap().to_string(),
            "line 2, column 2"
        );
    }

    #[test]
    fn semicolons_plus_signs_bom_whitespace_and_blank_lines() {
        let text = "\u{feff}A; B ;C\r\n\r\n +1;-1; 0\r\n\r\n0 ;+0;-2\r\n;;\r\n\r\n";
        let l = read_csv(text).unwrap();
        assert_eq!(l.table.sort_ids, ["A", "B", "C"]);
        assert_eq!(l.table.values, [vec![1, 0], vec![-1, 0], vec![0, -2]]);
        match &l.source {
            SourceMap::Csv {
                statement_lines, ..
            } => assert_eq!(statement_lines, &[3, 5]),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn empty_first_header_cell_means_labels_even_if_integers() {
        let l = read_csv(",A,B\n1,1,-1\n2,-1,1\n").unwrap();
        assert_eq!(l.table.sort_ids, ["A", "B"]);
        assert_eq!(
            l.table.statement_labels,
            Some(vec!["1".to_string(), "2".to_string()])
        );
    }

    #[test]
    fn quoted_labels_with_delimiters() {
        let l = read_csv("\"\",A,B\n\"one, two\",1,-1\n\"three\",-1,1\n").unwrap();
        assert_eq!(
            l.table.statement_labels,
            Some(vec!["one, two".to_string(), "three".to_string()])
        );
    }

    #[test]
    fn trailing_empty_columns_are_ignored() {
        let l = read_csv("A,B,,\n1,-1,,\n-1,1\n").unwrap();
        assert_eq!(l.table.sort_ids, ["A", "B"]);
        assert_eq!(l.table.values, [vec![1, -1], vec![-1, 1]]);
    }

    #[test]
    fn latin1_fields_are_decoded() {
        let bytes = b",Jos\xe9,B\nS1,1,-1\nS2,-1,1\n";
        let p = parse(bytes, Path::new("l1.csv")).unwrap();
        assert_eq!(p.table.sort_ids, ["Jos\u{e9}", "B"]);
    }

    #[test]
    fn ragged_row() {
        let e = read_csv("A,B,C\n1,2,3\n1,2\n").unwrap_err();
        assert!(matches!(
            e,
            ReadError::RaggedRow {
                line: 3,
                found: 2,
                expected: 3,
                ..
            }
        ));
        let msg = e.to_string();
        assert_eq!(
            msg,
            "data/t.csv: line 3: 2 fields, expected 3 (one per column of the header on line 1)"
        );
        let e = read_csv("A,B\n1,2\n1,2,3\n").unwrap_err();
        assert!(
            e.to_string()
                .starts_with("data/t.csv: line 3: 3 fields, expected 2")
        );
    }

    #[test]
    fn non_integer_x() {
        let e = read_csv("US1,US2\n1,2\n-1,x\n").unwrap_err();
        assert_eq!(
            e.to_string(),
            "data/t.csv: line 3, column 2 (sort 'US2', statement 2): 'x' is not an integer; \
             expected a whole number such as -3, 0 or +2"
        );
    }

    #[test]
    fn non_integer_decimal() {
        let e = read_csv(",US1,US2\nS1,1.5,2\nS2,-1,1\n").unwrap_err();
        let msg = e.to_string();
        assert!(
            msg.starts_with(
                "data/t.csv: line 2, column 2 (sort 'US1', statement 1): '1.5' is not an integer"
            ),
            "{msg}"
        );
        assert!(msg.contains("expected a whole number"), "{msg}");
    }

    #[test]
    fn an_empty_value_is_missing() {
        let l = read_csv("A,B\n1,\n2,1\n-1,NA\n").unwrap();
        assert_eq!(l.table.values[1], [0, 1, 0]);
        assert_eq!(l.table.missing, [(1, 0), (1, 2)]);
        assert_eq!(l.table.incomplete(), [(1, vec![0, 2])]);
    }

    #[test]
    fn mostly_integer_first_column_is_a_sort_with_a_typo() {
        let e = read_csv("A,B\n1,1\nx,2\n3,3\n").unwrap_err();
        assert!(
            matches!(
                e,
                ReadError::NotAnInteger {
                    line: 3,
                    column: 1,
                    ..
                }
            ),
            "{e}"
        );
    }

    #[test]
    fn empty_file() {
        for text in ["", "\n\n", "  \r\n ;; \n"] {
            let e = read_csv(text).unwrap_err();
            assert!(matches!(e, ReadError::Empty { .. }), "{e}");
            assert_eq!(
                e.to_string(),
                "data/t.csv: the file is empty; expected a header row of sort ids, then one row \
                 of integer values per statement (qmethod CSV layout)"
            );
        }
    }

    #[test]
    fn header_only() {
        let e = read_csv("US1,US2,US3\n\n").unwrap_err();
        assert_eq!(
            e.to_string(),
            "data/t.csv: line 1 holds the header but no statement rows follow; expected one \
             row per statement below the header"
        );
    }

    #[test]
    fn only_a_label_column() {
        let e = read_csv("\"\"\nD01\nD02\n").unwrap_err();
        // A lone empty header cell is a blank record: D01 becomes the header and D02 its row.
        assert!(
            matches!(
                e,
                ReadError::NotAnInteger { .. } | ReadError::NoSorts { .. }
            ),
            "{e}"
        );
        let e = read_csv("label\nD01\nD02\n").unwrap_err();
        assert!(
            matches!(
                e,
                ReadError::NoSorts {
                    line: 1,
                    label_column: true,
                    ..
                }
            ),
            "{e}"
        );
        assert!(
            e.to_string()
                .starts_with("data/t.csv: line 1: the header names no sorts")
        );
    }

    #[test]
    fn duplicate_header_ids_are_kept_for_core() {
        let l = read_csv("A,A,B\n1,-1,0\n-1,1,0\n0,0,0\n").unwrap();
        assert_eq!(l.table.sort_ids, ["A", "A", "B"]);
        let err = qstudy_core::validate::validate(&l.table, &Default::default()).unwrap_err();
        assert!(matches!(
            err,
            qstudy_core::ValidationError::DuplicateId { .. }
        ));
        assert_eq!(
            l.describe(&err),
            "data/t.csv: line 1, column 2: duplicate sort id 'A' (sorts number 1 and 2); ids must be unique"
        );
    }

    #[test]
    fn numeric_header_hint() {
        let l = read_csv("-1,-1,2\n1,-1,0\n0,2,-2\n").unwrap();
        let err = qstudy_core::validate::validate(&l.table, &Default::default()).unwrap_err();
        let msg = l.describe(&err);
        assert!(
            msg.starts_with("data/t.csv: line 1, column 2: duplicate sort id '-1'"),
            "{msg}"
        );
        assert!(msg.contains("is the header row missing?"), "{msg}");
    }

    #[test]
    fn line_numbers_after_blank_lines_and_quoted_newlines() {
        for (text, lines) in [
            ("A,B\n1,2\n3,4\n", vec![2, 3]),
            ("A,B\r\n\r\n1,2\r\n\r\n3,4\r\n", vec![3, 5]),
            ("\n\nA,B\n\n1,2\n\n\n3,4", vec![5, 8]),
            ("\"\",A,B\n\"x\ny\",1,2\n\"z\",3,4\n", vec![2, 4]),
            ("A,B\r1,2\r\r3,4\r", vec![2, 4]),
        ] {
            let l = read_csv(text).unwrap();
            match &l.source {
                SourceMap::Csv {
                    statement_lines, ..
                } => assert_eq!(statement_lines, &lines, "{text:?}"),
                other => panic!("{other:?}"),
            }
        }
    }

    #[test]
    fn delimiter_detection() {
        assert_eq!(detect_delimiter(b"a,b,c"), b',');
        assert_eq!(detect_delimiter(b"\n\na;b;c\n1,5;2,5"), b';');
        assert_eq!(detect_delimiter(b"\"x;y;z\",a,b"), b',');
        assert_eq!(detect_delimiter(b"a\tb\tc"), b'\t');
        assert_eq!(detect_delimiter(b""), b',');
    }
}

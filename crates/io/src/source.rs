//! Where each sort and statement of a [`LoadedSorts`](crate::LoadedSorts) came from, so that
//! the semantic errors found later by core can point into the file.

use std::fmt;
use std::path::PathBuf;

/// The layout of the file a table was read from, with the line/column of every sort and
/// statement. Sort and statement *indices* are 0-based (table order); lines and columns are
/// 1-based, as in an editor.
///
/// ```
/// use qstudy_io::{read_sorts_from_str, InputFormat};
/// let loaded = read_sorts_from_str(",A,B\nS1,1,-1\nS2,-1,1\n", "t.csv", InputFormat::QmethodCsv).unwrap();
/// // Sort B (index 1), statement 2 (index 1): line 3, field 3.
/// assert_eq!(loaded.source.value(1, 1).unwrap().to_string(), "line 3, column 3");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SourceMap {
    /// qmethod CSV: one row per statement, one column per sort.
    Csv {
        /// Line of the header row (1 unless blank lines precede it).
        header_line: usize,
        /// Whether the first column holds statement labels.
        label_column: bool,
        /// Field number (1-based) of each sort's column, in sort order.
        sort_columns: Vec<usize>,
        /// Line of each statement's row, in statement order.
        statement_lines: Vec<usize>,
        /// Whether every sort id in the header is an integer (a hint that the header row is
        /// missing and line 1 is data).
        numeric_header: bool,
    },
    /// PQMethod `.DAT`: line 1 header, line 2 distribution, one line per sort; the values are
    /// 2-character fields starting at column 11.
    /// A CSV with one row per participant (the study directory's sorts file): sort `i` on line
    /// `sort_lines[i]`, statement `s` in column `statement_columns[s]` (1-based).
    Rows {
        /// Line of the header.
        header_line: usize,
        /// Column of the participant ids (1-based).
        id_column: usize,
        /// Line of each sort.
        sort_lines: Vec<usize>,
        /// Column of each statement (1-based).
        statement_columns: Vec<usize>,
    },
    Dat {
        /// Line of each sort, in sort order.
        sort_lines: Vec<usize>,
        /// Number of statements (values per sort line).
        statements: usize,
        /// The `.STA` file the statement texts came from, if one was found.
        statements_file: Option<PathBuf>,
    },
    /// One record per sort with no columns (an easy-htmlq JSON object per participant): sort
    /// `i` starts on line `sort_lines[i]`; values have no place of their own.
    Records {
        /// Line where each sort's record starts.
        sort_lines: Vec<usize>,
    },
}

/// A place in a file: a line and/or a column range (1-based).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Location {
    /// The line, when the place is on one line.
    pub line: Option<usize>,
    /// The first and last column, when the place is in a column range.
    pub columns: Option<(usize, usize)>,
}

impl fmt::Display for Location {
    /// `line 5, column 3`, `line 4, columns 17-18`, `line 4` or `column 3`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let cols = self.columns.map(|(a, b)| {
            if a == b {
                format!("column {a}")
            } else {
                format!("columns {a}-{b}")
            }
        });
        match (self.line, cols) {
            (Some(l), Some(c)) => write!(f, "line {l}, {c}"),
            (Some(l), None) => write!(f, "line {l}"),
            (None, Some(c)) => f.write_str(&c),
            (None, None) => Ok(()),
        }
    }
}

/// First column of the values on a PQMethod sort line.
pub(crate) const DAT_FIRST_VALUE_COLUMN: usize = 11;

impl SourceMap {
    /// The map of the sorts `kept` (indices, in the order given), for a table subset the same
    /// way ([`qstudy_core::SortTable::subset`]).
    pub fn subset(&self, kept: &[usize]) -> SourceMap {
        let pick = |v: &[usize]| kept.iter().filter_map(|&i| v.get(i).copied()).collect();
        match self {
            SourceMap::Csv {
                header_line,
                label_column,
                sort_columns,
                statement_lines,
                numeric_header,
            } => SourceMap::Csv {
                header_line: *header_line,
                label_column: *label_column,
                sort_columns: pick(sort_columns),
                statement_lines: statement_lines.clone(),
                numeric_header: *numeric_header,
            },
            SourceMap::Rows {
                header_line,
                id_column,
                sort_lines,
                statement_columns,
            } => SourceMap::Rows {
                header_line: *header_line,
                id_column: *id_column,
                sort_lines: pick(sort_lines),
                statement_columns: statement_columns.clone(),
            },
            SourceMap::Dat {
                sort_lines,
                statements,
                statements_file,
            } => SourceMap::Dat {
                sort_lines: pick(sort_lines),
                statements: *statements,
                statements_file: statements_file.clone(),
            },
            SourceMap::Records { sort_lines } => SourceMap::Records {
                sort_lines: pick(sort_lines),
            },
        }
    }

    /// Where the whole of sort `sort` (0-based) is: a CSV column or a `.DAT` line.
    pub fn sort(&self, sort: usize) -> Option<Location> {
        match self {
            SourceMap::Csv { sort_columns, .. } => sort_columns.get(sort).map(|&c| Location {
                line: None,
                columns: Some((c, c)),
            }),
            SourceMap::Dat { sort_lines, .. }
            | SourceMap::Rows { sort_lines, .. }
            | SourceMap::Records { sort_lines } => sort_lines.get(sort).map(|&l| Location {
                line: Some(l),
                columns: None,
            }),
        }
    }

    /// Where sort `sort`'s id (0-based) is written: the CSV header cell or `.DAT` columns 1-8.
    pub fn sort_id(&self, sort: usize) -> Option<Location> {
        match self {
            SourceMap::Csv {
                sort_columns,
                header_line,
                ..
            } => sort_columns.get(sort).map(|&c| Location {
                line: Some(*header_line),
                columns: Some((c, c)),
            }),
            SourceMap::Dat { sort_lines, .. } => sort_lines.get(sort).map(|&l| Location {
                line: Some(l),
                columns: Some((1, 8)),
            }),
            SourceMap::Rows {
                sort_lines,
                id_column,
                ..
            } => sort_lines.get(sort).map(|&l| Location {
                line: Some(l),
                columns: Some((*id_column, *id_column)),
            }),
            SourceMap::Records { sort_lines } => sort_lines.get(sort).map(|&l| Location {
                line: Some(l),
                columns: None,
            }),
        }
    }

    /// Where the value of sort `sort` for statement `statement` (both 0-based) is.
    pub fn value(&self, sort: usize, statement: usize) -> Option<Location> {
        match self {
            SourceMap::Csv {
                sort_columns,
                statement_lines,
                ..
            } => {
                let c = *sort_columns.get(sort)?;
                let l = *statement_lines.get(statement)?;
                Some(Location {
                    line: Some(l),
                    columns: Some((c, c)),
                })
            }
            SourceMap::Rows {
                sort_lines,
                statement_columns,
                ..
            } => {
                let l = *sort_lines.get(sort)?;
                let c = *statement_columns.get(statement)?;
                Some(Location {
                    line: Some(l),
                    columns: Some((c, c)),
                })
            }
            SourceMap::Dat {
                sort_lines,
                statements,
                ..
            } => {
                if statement >= *statements {
                    return None;
                }
                let l = *sort_lines.get(sort)?;
                let first = DAT_FIRST_VALUE_COLUMN.checked_add(statement.checked_mul(2)?)?;
                Some(Location {
                    line: Some(l),
                    columns: Some((first, first + 1)),
                })
            }
            SourceMap::Records { .. } => None,
        }
    }
}

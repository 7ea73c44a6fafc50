//! The syntactic errors of the readers: every message is one line that starts with the file
//! path and, where there is one, the line (1-based) and column, then says what was expected.

use std::path::{Path, PathBuf};

use thiserror::Error;

/// A file could not be read as Q sorts.
///
/// Every [`Display`](std::fmt::Display) is one line starting with the file path, e.g.
/// `data/x.csv: line 5, column 3 (sort 'US3'): 'x' is not an integer; expected ...`.
/// The semantic checks (grid, zero variance, duplicate ids...) are done later by
/// [`qstudy_core::validate`]; see [`crate::LoadedSorts::describe`] for their messages.
///
/// ```
/// use qstudy_io::{read_sorts_from_str, InputFormat, ReadError};
/// let err = read_sorts_from_str("A,B\n1,x\n", "t.csv", InputFormat::QmethodCsv).unwrap_err();
/// assert!(matches!(err, ReadError::NotAnInteger { line: 2, column: 2, .. }));
/// assert!(err.to_string().starts_with("t.csv: line 2, column 2"));
/// ```
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum ReadError {
    /// The path does not exist.
    #[error("{}: file not found", shown(.file))]
    NotFound {
        /// The missing path.
        file: PathBuf,
    },
    /// The file exists but could not be read.
    #[error("{}: cannot read the file: {source}", shown(.file))]
    Io {
        /// The file.
        file: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// A directory was given.
    #[error("{}: is a directory, not a file of the format given (a study directory is read with --format study or no --format)", shown(.file))]
    IsDirectory {
        /// The directory.
        file: PathBuf,
    },
    /// The path is not a regular file (a device such as `/dev/zero`, a named pipe, a socket,
    /// or a directory where a file is expected).
    #[error("{}: is {kind}; expected a regular file", shown(.file))]
    NotRegular {
        /// The path.
        file: PathBuf,
        /// What it is instead.
        kind: &'static str,
    },
    /// The file is larger than [`crate::limits::MAX_INPUT_BYTES`].
    #[error("{}: the file is {size} bytes, above the limit of {limit} bytes for an input (see docs/formats.md, \"Limits\")", shown(.file))]
    TooLarge {
        /// The file.
        file: PathBuf,
        /// Its size.
        size: u64,
        /// The limit.
        limit: u64,
    },
    /// No format given and the extension is not one we know.
    #[error("{}: unknown input format{}; supported: .csv/.tsv (qmethod CSV: statements x sorts, one row per participant, or HTMLQ/FlashQ export, told apart by content), .dat (PQMethod .DAT, with its .STA beside it), .json (easy-htmlq/EQ Web Sort) and .xlsx (KADE/Ken-Q workbook); give the format explicitly for other names ({})", shown(.file), .extension.as_deref().map(|e| format!(" (extension '.{}')", one_line(e))).unwrap_or_else(|| " (no extension)".to_string()), crate::InputFormat::NAMES)]
    UnknownFormat {
        /// The file.
        file: PathBuf,
        /// Its extension, when it has one.
        extension: Option<String>,
    },
    /// The file holds nothing but blanks.
    #[error("{}: the file is empty; expected {expected}", shown(.file))]
    Empty {
        /// The file.
        file: PathBuf,
        /// What the format needs.
        expected: &'static str,
    },
    /// A CSV file with a header and no statement row.
    #[error("{}: line {line} holds the header but no statement rows follow; expected one row per statement below the header", shown(.file))]
    NoStatements {
        /// The file.
        file: PathBuf,
        /// The header's line.
        line: usize,
    },
    /// A CSV header that names no sort.
    #[error("{}: line {line}: the header names no sorts; expected the sort ids as column headers{}", shown(.file), if *.label_column { " after the statement label column" } else { "" })]
    NoSorts {
        /// The file.
        file: PathBuf,
        /// The header's line.
        line: usize,
        /// Whether a statement label column was detected.
        label_column: bool,
    },
    /// A CSV row with a different number of fields than the header.
    #[error("{}: line {line}: {found} field{}, expected {expected} (one per column of the header on line {header_line})", shown(.file), if *.found == 1 { "" } else { "s" })]
    RaggedRow {
        /// The file.
        file: PathBuf,
        /// The row's line.
        line: usize,
        /// Its number of fields.
        found: usize,
        /// The header's number of columns.
        expected: usize,
        /// The header's line.
        header_line: usize,
    },
    /// A problem in a study directory's files (manifest, statements, sorts, participants) or a
    /// simulation design.
    #[error("{}{}: {}", shown(.file), .line.map(|l| format!(": line {l}")).unwrap_or_default(), one_line(.message))]
    Study {
        /// The file (or the directory).
        file: PathBuf,
        /// The line, when known.
        line: Option<usize>,
        /// What is wrong and what was expected.
        message: String,
    },
    /// A CSV value that is not an integer.
    #[error("{}: line {line}, column {column} (sort '{}', statement {statement}): {} is not an integer; expected a whole number such as -3, 0 or +2", shown(.file), one_line(.sort), show(.found))]
    NotAnInteger {
        /// The file.
        file: PathBuf,
        /// The row's line.
        line: usize,
        /// The field number (1-based).
        column: usize,
        /// The sort id of the column.
        sort: String,
        /// The statement number (1-based).
        statement: usize,
        /// The text found.
        found: String,
    },
    /// The CSV parser itself failed.
    #[error("{}: line {line}: malformed CSV: {message}", shown(.file))]
    Csv {
        /// The file.
        file: PathBuf,
        /// The line where the parser stopped.
        line: usize,
        /// The parser's message.
        message: String,
    },
    /// A fixed-width field of a PQMethod file that could not be read.
    #[error("{}: line {line}, columns {first}-{last} ({}): {} {problem}; expected {expected}", shown(.file), one_line(.what), show(.found))]
    DatField {
        /// The file.
        file: PathBuf,
        /// The line.
        line: usize,
        /// First column of the field (1-based).
        first: usize,
        /// Last column of the field (1-based).
        last: usize,
        /// What the field holds, e.g. "number of sorts" or "statement 4 of sort 'US3'".
        what: String,
        /// The text found.
        found: String,
        /// What is wrong with it.
        problem: FieldProblem,
        /// What was expected.
        expected: &'static str,
    },
    /// A line that the format requires is missing or blank.
    #[error("{}: line {line} is {}; expected {expected}", shown(.file), if *.blank { "blank" } else { "missing" })]
    MissingLine {
        /// The file.
        file: PathBuf,
        /// The line.
        line: usize,
        /// Whether the line exists but is blank (else the file ends before it).
        blank: bool,
        /// What the line should hold.
        expected: String,
    },
    /// The distribution line's range is outside PQMethod's -6..+13 or reversed.
    #[error("{}: line 2, columns 1-6: the distribution range {low}..{high} is invalid; expected lowest <= highest within -6..13", shown(.file))]
    DistributionRange {
        /// The file.
        file: PathBuf,
        /// Lowest value given.
        low: i32,
        /// Highest value given.
        high: i32,
    },
    /// The distribution counts do not add up to the number of statements.
    #[error("{}: line 2: the distribution counts sum to {sum}, expected {statements} (the number of statements on line 1)", shown(.file))]
    DistributionSum {
        /// The file.
        file: PathBuf,
        /// The sum of the counts.
        sum: usize,
        /// The number of statements from line 1.
        statements: usize,
    },
    /// The grid built from the distribution line is not valid.
    #[error("{}: line 2: invalid distribution: {source}", shown(.file))]
    Grid {
        /// The file.
        file: PathBuf,
        /// The grid error.
        source: qstudy_core::GridSpecError,
    },
    /// A different number of sort lines than the header says.
    #[error("{}: line 1 says {expected} sorts but {found} sort line(s) follow{}; expected one line per sort after the distribution line", shown(.file), sort_lines(*.found))]
    SortCount {
        /// The file.
        file: PathBuf,
        /// Sorts announced on line 1.
        expected: usize,
        /// Sort lines found.
        found: usize,
    },
    /// A PQMethod sort line too short for its values.
    #[error("{}: line {line} (sort '{}'): the line is {found} characters wide, expected {expected} (8-character id, 2 blanks, {statements} values of 2 characters)", shown(.file), one_line(.sort))]
    LineTooShort {
        /// The file.
        file: PathBuf,
        /// The line.
        line: usize,
        /// The sort id.
        sort: String,
        /// The line's width.
        found: usize,
        /// The width needed.
        expected: usize,
        /// The number of statements.
        statements: usize,
    },
    /// A PQMethod sort line with more than the announced number of values.
    #[error("{}: line {line} (sort '{}'): unexpected {} after column {expected}; expected only {statements} values of 2 characters (the number of statements on line 1)", shown(.file), one_line(.sort), show(.extra))]
    ExtraText {
        /// The file.
        file: PathBuf,
        /// The line.
        line: usize,
        /// The sort id.
        sort: String,
        /// The text after the last value.
        extra: String,
        /// The width of a complete line.
        expected: usize,
        /// The number of statements.
        statements: usize,
    },
    /// A problem in a participant-rows CSV, an HTMLQ/FlashQ export, an easy-htmlq JSON file or
    /// an XLSX workbook, at a place in it (`line 3, column 5`, `participant 'P1', field 'sort'`,
    /// `sheet 'sorts'`...).
    #[error("{}{}: {}", shown(.file), .place.as_deref().map(|p| format!(": {}", one_line(p))).unwrap_or_default(), one_line(.message))]
    Content {
        /// The file.
        file: PathBuf,
        /// Where in the file, when it can be said.
        place: Option<String>,
        /// What is wrong and what was expected.
        message: String,
    },
    /// A file whose format was chosen by its content failed to read in that format: the
    /// message says which format was tried and why it was chosen.
    #[error("{source} (read as {} because {}; give the format explicitly to read it otherwise)", .format.description(), one_line(.reason))]
    Detected {
        /// The format the content pointed to.
        format: crate::InputFormat,
        /// Why (the detection rule that matched, and those that did not).
        reason: String,
        /// The reader's error.
        source: Box<ReadError>,
    },
    /// A `.STA` file with a different number of statements than the `.DAT`.
    #[error("{}: {found} statement line(s), expected {expected} (the number of statements in {}); expected one statement text per line", shown(.file), shown(.dat))]
    StatementCount {
        /// The `.STA` file.
        file: PathBuf,
        /// The `.DAT` file.
        dat: PathBuf,
        /// Non-empty lines found.
        found: usize,
        /// Statements in the `.DAT`.
        expected: usize,
    },
}

/// What is wrong with a fixed-width field of a PQMethod file ([`ReadError::DatField`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum FieldProblem {
    /// Not an integer at all.
    NotAnInteger,
    /// A value field that is not an integer right-aligned in its 2 characters.
    NotRightAligned,
    /// A negative count.
    Negative,
    /// A zero count where at least 1 is needed.
    Zero,
    /// A field that must be blank and is not.
    NotBlank,
}

impl std::fmt::Display for FieldProblem {
    /// The problem as a verb phrase, e.g. `is not an integer`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            FieldProblem::NotAnInteger => "is not an integer",
            FieldProblem::NotRightAligned => "is not a right-aligned integer",
            FieldProblem::Negative => "is negative",
            FieldProblem::Zero => "is zero",
            FieldProblem::NotBlank => "is not blank",
        })
    }
}

impl ReadError {
    /// The file the error is about (for a `.STA` problem, the `.STA` file).
    ///
    /// ```
    /// use qstudy_io::{read_sorts_from_str, InputFormat};
    /// let err = read_sorts_from_str("", "empty.csv", InputFormat::QmethodCsv).unwrap_err();
    /// assert_eq!(err.file(), std::path::Path::new("empty.csv"));
    /// ```
    pub fn file(&self) -> &std::path::Path {
        match self {
            ReadError::NotFound { file }
            | ReadError::Io { file, .. }
            | ReadError::IsDirectory { file }
            | ReadError::NotRegular { file, .. }
            | ReadError::TooLarge { file, .. }
            | ReadError::UnknownFormat { file, .. }
            | ReadError::Empty { file, .. }
            | ReadError::NoStatements { file, .. }
            | ReadError::NoSorts { file, .. }
            | ReadError::RaggedRow { file, .. }
            | ReadError::NotAnInteger { file, .. }
            | ReadError::Csv { file, .. }
            | ReadError::DatField { file, .. }
            | ReadError::MissingLine { file, .. }
            | ReadError::DistributionRange { file, .. }
            | ReadError::DistributionSum { file, .. }
            | ReadError::Grid { file, .. }
            | ReadError::SortCount { file, .. }
            | ReadError::LineTooShort { file, .. }
            | ReadError::ExtraText { file, .. }
            | ReadError::StatementCount { file, .. }
            | ReadError::Study { file, .. }
            | ReadError::Content { file, .. } => file,
            ReadError::Detected { source, .. } => source.file(),
        }
    }
}

/// A [`ReadError::Content`]: `place` in `file` (`line 3, column 5`, `sheet 'sorts'`...) and
/// what is wrong there and what was expected.
pub(crate) fn content(file: &Path, place: Option<String>, message: impl Into<String>) -> ReadError {
    ReadError::Content {
        file: file.to_path_buf(),
        place,
        message: message.into(),
    }
}

/// A row under a header of `width` columns (on `header_line`) must fill them; cells beyond
/// them may stand only if blank (a spreadsheet's trailing empty cells). Else a
/// [`ReadError::RaggedRow`].
pub(crate) fn check_row_fills(
    file: &Path,
    line: usize,
    fields: &[String],
    width: usize,
    header_line: usize,
) -> Result<(), ReadError> {
    let extra_filled = fields.iter().skip(width).any(|f| !f.trim().is_empty());
    if fields.len() < width || extra_filled {
        return Err(ragged(file, line, fields, width, header_line));
    }
    Ok(())
}

/// A row under a header of `width` columns (on `header_line`) must have exactly `width`
/// fields. Else a [`ReadError::RaggedRow`].
pub(crate) fn check_row_exact(
    file: &Path,
    line: usize,
    fields: &[String],
    width: usize,
    header_line: usize,
) -> Result<(), ReadError> {
    if fields.len() != width {
        return Err(ragged(file, line, fields, width, header_line));
    }
    Ok(())
}

fn ragged(
    file: &Path,
    line: usize,
    fields: &[String],
    width: usize,
    header_line: usize,
) -> ReadError {
    ReadError::RaggedRow {
        file: file.to_path_buf(),
        line,
        found: fields.len(),
        expected: width,
        header_line,
    }
}

/// A text for a one-line message: control characters (line breaks, tabs...) escaped as `\n`,
/// `\t`, `\u{1a}`; everything else as it is.
pub(crate) fn one_line(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_control() {
            out.extend(c.escape_debug());
        } else {
            out.push(c);
        }
    }
    out
}

/// A path as messages show it: control characters escaped (a file named with a line break,
/// uploaded or given on the command line), so that a message stays on one line.
pub(crate) fn shown(path: &Path) -> String {
    one_line(&path.display().to_string())
}

/// Quotes a found text for a message; names blanks explicitly. Control characters are escaped so
/// that the message stays on one line.
pub(crate) fn show(found: &str) -> String {
    if found.trim().is_empty() {
        if found.is_empty() {
            "an empty field".to_string()
        } else {
            "a blank field".to_string()
        }
    } else {
        let clipped: String = found.chars().take(40).collect();
        let more = if found.chars().count() > 40 {
            "..."
        } else {
            ""
        };
        format!("'{}{more}'", clipped.escape_debug())
    }
}

fn sort_lines(found: usize) -> String {
    match found {
        0 => String::new(),
        1 => " (line 3)".to_string(),
        n => format!(" (lines 3-{})", n + 2),
    }
}

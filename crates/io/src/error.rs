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
    #[error("{}", self.worded(&CommandWords))]
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
    #[error("{}", self.worded(&CommandWords))]
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
    #[error("{}", self.worded(&CommandWords))]
    Detected {
        /// The format the content pointed to.
        format: crate::InputFormat,
        /// Why (the detection rule that matched, and those that did not).
        reason: String,
        /// The reader's error.
        source: Box<ReadError>,
    },
    /// A blank line among the statements of a `.STA` file.
    #[error("{}: line {line} is blank; expected one statement text per line ({statements} statements in {})", shown(.file), shown(.dat))]
    StaBlankLine {
        /// The `.STA` file.
        file: PathBuf,
        /// The `.DAT` file.
        dat: PathBuf,
        /// The blank line.
        line: usize,
        /// Statements in the `.DAT`.
        statements: usize,
    },
    /// A file a study directory's manifest names that is not a regular file (a directory, a
    /// device...).
    #[error("{}{}: {}: {} is {kind}; expected a regular file", shown(.file), .line.map(|l| format!(": line {l}")).unwrap_or_default(), one_line(.named), shown(.path))]
    StudyNotRegular {
        /// The manifest.
        file: PathBuf,
        /// The manifest's line naming it.
        line: Option<usize>,
        /// How the manifest names it (`sorts = "data"`).
        named: String,
        /// The path named.
        path: PathBuf,
        /// What it is instead.
        kind: &'static str,
    },
    /// An id column was named for a format whose sort ids are not a column (the qmethod
    /// layout's header of sort ids, a `.DAT`'s id field, a study's `id` column).
    #[error("{}: the ids cannot be taken from a column '{}' in {}: {}", shown(.file), one_line(.column), .format.description(), no_id_column_why(*.format))]
    NoIdColumn {
        /// The file.
        file: PathBuf,
        /// The format it was read as.
        format: crate::InputFormat,
        /// The column named.
        column: String,
    },
    /// A file of statement texts given for an input that has texts of its own, or that does
    /// not match the input's statements.
    #[error("{}: {}", shown(.file), one_line(.message))]
    Statements {
        /// The statements file.
        file: PathBuf,
        /// What is wrong and what was expected.
        message: String,
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
            | ReadError::StaBlankLine { file, .. }
            | ReadError::StudyNotRegular { file, .. }
            | ReadError::Study { file, .. }
            | ReadError::NoIdColumn { file, .. }
            | ReadError::Statements { file, .. }
            | ReadError::Content { file, .. } => file,
            ReadError::Detected { source, .. } => source.file(),
        }
    }
}

impl ReadError {
    /// This error with every path it names passed through `map`: the workbench names the files
    /// of an upload relative to the directory they were written into, as the user uploaded
    /// them.
    ///
    /// ```
    /// use std::path::Path;
    /// use qstudy_io::{read_sorts_from_str, InputFormat};
    /// let err = read_sorts_from_str("", "/tmp/up/x.csv", InputFormat::QmethodCsv).unwrap_err();
    /// let err = err.map_paths(&|p| p.strip_prefix("/tmp/up").unwrap_or(p).to_path_buf());
    /// assert!(err.to_string().starts_with("x.csv: the file is empty"));
    /// ```
    pub fn map_paths(self, map: &dyn Fn(&Path) -> PathBuf) -> ReadError {
        let mut e = self;
        match &mut e {
            ReadError::Detected { source, .. } => {
                let inner = std::mem::replace(
                    source.as_mut(),
                    ReadError::NotFound {
                        file: PathBuf::new(),
                    },
                );
                **source = inner.map_paths(map);
            }
            ReadError::StatementCount { file, dat, .. }
            | ReadError::StaBlankLine { file, dat, .. } => {
                *file = map(file);
                *dat = map(dat);
            }
            ReadError::StudyNotRegular { file, path, .. } => {
                *file = map(file);
                *path = map(path);
            }
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
            | ReadError::Study { file, .. }
            | ReadError::NoIdColumn { file, .. }
            | ReadError::Statements { file, .. }
            | ReadError::Content { file, .. } => *file = map(file),
        }
        e
    }

    /// The one-line message with the ways to choose a format said by `words` (the command
    /// line's `--format`, or what the workbench can be given); the same as
    /// [`std::fmt::Display`] with [`CommandWords`].
    ///
    /// ```
    /// use qstudy_io::{CommandWords, FormatWords, ReadError};
    /// struct Page;
    /// impl FormatWords for Page {
    ///     fn unknown_format(&self, _extension: Option<&str>) -> Option<String> { None }
    ///     fn directory(&self) -> Option<String> { None }
    ///     fn detected(&self) -> Option<String> { None }
    /// }
    /// let e = ReadError::IsDirectory { file: "data".into() };
    /// assert_eq!(e.worded(&Page), "data: is a directory, not a file of the format given");
    /// assert_eq!(e.worded(&CommandWords), e.to_string());
    /// ```
    pub fn worded(&self, words: &dyn FormatWords) -> String {
        let then =
            |hint: Option<String>, sep: &str| hint.map(|h| format!("{sep}{h}")).unwrap_or_default();
        match self {
            ReadError::IsDirectory { file } => format!(
                "{}: is a directory, not a file of the format given{}",
                shown(file),
                then(words.directory().map(|h| format!("({h})")), " ")
            ),
            ReadError::UnknownFormat { file, extension } => format!(
                "{}: unknown input format{}; supported: .csv/.tsv (qmethod CSV: statements x sorts, one row per participant, HTMLQ/FlashQ export, or EQ Web Sort's Netlify or Google Sheets export, told apart by content), .dat (PQMethod .DAT, with its .STA beside it), .json (easy-htmlq/EQ Web Sort) and .xlsx (KADE/Ken-Q workbook){}",
                shown(file),
                extension
                    .as_deref()
                    .map(|e| format!(" (extension '.{}')", one_line(e)))
                    .unwrap_or_else(|| " (no extension)".to_string()),
                then(words.unknown_format(extension.as_deref()), "; ")
            ),
            ReadError::Detected {
                format,
                reason,
                source,
            } => format!(
                "{} (read as {} because {}{})",
                source.worded(words),
                format.description(),
                one_line(reason),
                then(words.detected(), "; ")
            ),
            other => other.to_string(),
        }
    }
}

/// How a front end says what to do when an input's format is not the one wanted, for
/// [`ReadError::worded`]: the command line names its `--format` option ([`CommandWords`],
/// the readers' own messages); the workbench, which reads uploads by their names and content
/// only, what to upload instead. `None`: nothing to add.
pub trait FormatWords {
    /// After the list of supported extensions, for a file of another (or no) `extension`.
    fn unknown_format(&self, extension: Option<&str>) -> Option<String>;
    /// After "is a directory, not a file of the format given", in brackets.
    fn directory(&self) -> Option<String>;
    /// After why a format was chosen by the file's content.
    fn detected(&self) -> Option<String>;
}

/// The readers' own words for choosing a format: the command line's `--format`. What
/// [`ReadError`]'s [`std::fmt::Display`] says.
#[derive(Debug, Clone, Copy, Default)]
pub struct CommandWords;

impl FormatWords for CommandWords {
    fn unknown_format(&self, _extension: Option<&str>) -> Option<String> {
        Some(format!(
            "give the format explicitly for other names ({})",
            crate::InputFormat::NAMES
        ))
    }
    fn directory(&self) -> Option<String> {
        Some("a study directory is read with --format study or no --format".to_string())
    }
    fn detected(&self) -> Option<String> {
        Some("give the format explicitly to read it otherwise".to_string())
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

/// Why a format has no id column to choose.
fn no_id_column_why(format: crate::InputFormat) -> &'static str {
    match format {
        crate::InputFormat::PqmethodDat => {
            "a sort's id is the first 8 characters of its line; expected an id column only for a file with one row per participant"
        }
        crate::InputFormat::Study => {
            "a study's sorts file has its 'id' column; expected an id column only for a file with one row per participant"
        }
        _ => {
            "its header row holds the sort ids (one column per sort); expected an id column only for a file with one row per participant"
        }
    }
}

fn sort_lines(found: usize) -> String {
    match found {
        0 => String::new(),
        1 => " (line 3)".to_string(),
        n => format!(" (lines 3-{})", n + 2),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Words that add nothing.
    struct Nothing;

    impl FormatWords for Nothing {
        fn unknown_format(&self, _extension: Option<&str>) -> Option<String> {
            None
        }
        fn directory(&self) -> Option<String> {
            None
        }
        fn detected(&self) -> Option<String> {
            None
        }
    }

    #[test]
    fn the_ways_to_choose_a_format_are_the_front_ends_words() {
        let unknown = ReadError::UnknownFormat {
            file: "x.sav".into(),
            extension: Some("sav".into()),
        };
        let detected = ReadError::Detected {
            format: crate::InputFormat::QmethodCsv,
            reason: "why".into(),
            source: Box::new(ReadError::IsDirectory { file: "d".into() }),
        };
        for e in [&unknown, &detected] {
            assert_eq!(e.worded(&CommandWords), e.to_string());
        }
        assert!(
            unknown
                .to_string()
                .ends_with("(KADE/Ken-Q workbook); give the format explicitly for other names (csv, csv-rows, htmlq, netlify, sheets, json, xlsx, pqmethod or study)")
        );
        assert!(unknown.worded(&Nothing).ends_with("(KADE/Ken-Q workbook)"));
        assert_eq!(
            detected.to_string(),
            "d: is a directory, not a file of the format given (a study directory is read with --format study or no --format) (read as qmethod CSV (statements x sorts) because why; give the format explicitly to read it otherwise)"
        );
        assert_eq!(
            detected.worded(&Nothing),
            "d: is a directory, not a file of the format given (read as qmethod CSV (statements x sorts) because why)"
        );
    }

    #[test]
    fn every_path_of_an_error_is_mapped() {
        let under = |p: &Path| Path::new("/up").join(p);
        let bare = |p: &Path| p.strip_prefix("/up").unwrap_or(p).to_path_buf();
        let errors = [
            ReadError::StaBlankLine {
                file: under("a.STA".as_ref()),
                dat: under("a.DAT".as_ref()),
                line: 2,
                statements: 4,
            },
            ReadError::StudyNotRegular {
                file: under("study.toml".as_ref()),
                line: Some(7),
                named: "sorts = \"s\"".into(),
                path: under("s".as_ref()),
                kind: "a directory",
            },
            ReadError::StatementCount {
                file: under("a.STA".as_ref()),
                dat: under("a.DAT".as_ref()),
                found: 1,
                expected: 2,
            },
            ReadError::Detected {
                format: crate::InputFormat::QmethodCsv,
                reason: "why".into(),
                source: Box::new(ReadError::NotFound {
                    file: under("x.csv".as_ref()),
                }),
            },
        ];
        let texts = [
            "a.STA: line 2 is blank; expected one statement text per line (4 statements in a.DAT)",
            "study.toml: line 7: sorts = \"s\": s is a directory; expected a regular file",
            "a.STA: 1 statement line(s), expected 2 (the number of statements in a.DAT); expected one statement text per line",
            "x.csv: file not found (read as qmethod CSV (statements x sorts) because why; give the format explicitly to read it otherwise)",
        ];
        for (e, text) in errors.into_iter().zip(texts) {
            assert!(e.to_string().contains("/up/"), "{e}");
            assert_eq!(e.map_paths(&bare).to_string(), text);
        }
    }
}

//! # qstudy-io
//!
//! Readers and writers of Q-sort files for qstudy. These are read into a
//! [`qstudy_core::SortTable`] (see [`InputFormat`]):
//!
//! - the **qmethod CSV** layout (`.csv`): rows = statements, columns = sorts, a header row of
//!   sort ids and an optional first column of statement labels;
//! - **CSV with one row per participant** (KADE's and Ken-Q's CSV), with attribute columns;
//! - **HTMLQ / FlashQ** exports (`sid;uid;s1;...`), form fields and comments as attributes;
//! - **EQ Web Sort's Netlify and Google Sheets CSV exports** (`sort:| a|b|c |`, `sort: a|b|c`);
//! - **easy-htmlq / EQ Web Sort JSON** (`"sort": "a|b|c"` per participant);
//! - **XLSX** workbooks (KADE / Ken-Q), read with calamine;
//! - **PQMethod** project files (`.dat`, with the `.sta` statement texts beside it);
//! - a qstudy **study directory**.
//!
//! A `.csv` is told apart by content (`docs/formats.md`, "Detection"). The writers
//! ([`pqmethod_dat`], [`pqmethod_sta`], [`qmethod_csv`], [`study_dir_files`], and [`export`] for
//! `qstudy convert`) give PQMethod files back byte for byte.
//!
//! The readers do the *syntactic* checks (file missing or empty, ragged rows, non-integer
//! values, header problems) and report them as a [`ReadError`] naming the file, the line and the
//! column. The *semantic* checks (grid, zero variance, duplicate ids...) are done by
//! [`qstudy_core::validate`]; [`LoadedSorts::describe`] turns their errors into messages that
//! point into the file. See `docs/formats.md` for the exact formats.
//!
//! ```
//! use qstudy_io::{read_sorts_from_str, InputFormat};
//! let csv = "US1,US2,US3\n-1,1,0\n0,-1,1\n1,0,-1\n";
//! let loaded = read_sorts_from_str(csv, "study.csv", InputFormat::QmethodCsv).unwrap();
//! assert_eq!(loaded.table.sort_ids, ["US1", "US2", "US3"]);
//! assert_eq!(loaded.table.values[1], [1, -1, 0]); // sort US2, statements 1..3
//! ```

use std::path::{Path, PathBuf};

use qstudy_core::{Grid, Participant, SortTable, ValidationError};

mod csv_rows;
mod csv_sorts;
mod detect;
mod dispatch;
mod eqwebsort;
mod error;
mod export;
#[cfg(test)]
mod fuzz;
/// The checks of the fuzz targets (they panic on a broken invariant, by design): built only
/// with the `fuzz-harness` feature, which the fuzz targets and the regression test turn on
/// (and for this crate's own tests).
#[cfg(any(test, feature = "fuzz-harness"))]
pub mod harness;
mod input_format;
mod json_sorts;
mod layout;
pub mod limits;
mod load;
pub mod output_dir;
mod pqmethod;
mod results;
mod source;
mod statements;
mod study;
mod text;
mod xlsx;
mod xlsx_parts;

pub use error::{CommandWords, FieldProblem, FormatWords, ReadError};
pub use export::{
    Export, ExportError, OutputFormat, PQMETHOD_MAX, PQMETHOD_MIN, PqmethodStyle, StudyChoices,
    UnknownOutputFormat, export, pqmethod_dat, pqmethod_sta, qmethod_csv, study_directory,
    write_export,
};
pub use input_format::{InputFormat, UnknownFormatName};
pub use load::{
    Invalid, LoadError, load_study, select_sorts, validate_every_problem, validate_loaded,
};
pub use results::{
    ReadResultsError, ResultsFile, WriteError, read_results_file, results_json, write_atomic,
    write_results_json, write_results_json_to,
};
pub use source::{Location, SourceMap};
pub use statements::read_statement_file;
pub use study::{
    AnalysisDefaults, DesignStudy, MANIFEST, Statement, StudyInfo, read_design, read_statements,
    read_study, study_files, write_study,
};
pub use study::{StudyContents, study_dir_files};

/// Sorts read from a file, not yet validated: pass `table` (and `grid`, if the file had one) to
/// [`qstudy_core::validate::validate`], and report its errors with [`LoadedSorts::describe`].
///
/// ```
/// use qstudy_io::{read_sorts_from_str, InputFormat};
/// let dat = "  0  2  3 Tiny\n -1  1  0  0  0  0  0  1  1  1  0  0  0  0  0  0  0  0  0  0  0  0\n\
///            P1        -1 0 1\nP2         1 0-1\n";
/// let loaded = read_sorts_from_str(dat, "tiny.dat", InputFormat::PqmethodDat).unwrap();
/// assert_eq!(loaded.title.as_deref(), Some("Tiny"));
/// assert_eq!(loaded.grid.unwrap().to_string(), "-1:1,0:1,1:1");
/// assert_eq!(loaded.table.values, [vec![-1, 0, 1], vec![1, 0, -1]]);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct LoadedSorts {
    /// The sorts: ids in input order, optional statement labels, one value row per sort.
    pub table: SortTable,
    /// The grid from the `.DAT` distribution line (or a study's manifest, or a KADE workbook's
    /// pattern sheet); `None` when the file has none.
    pub grid: Option<Grid>,
    /// The study title (`.DAT` line 1); `None` for CSV or an empty title.
    pub title: Option<String>,
    /// The format the file was read as.
    pub format: InputFormat,
    /// The file read (for [`read_sorts_from_str`], the name given).
    pub path: PathBuf,
    /// Where each sort and statement came from.
    pub source: SourceMap,
    /// For a study directory: statements, participants, analysis defaults, factor names.
    pub study: Option<StudyInfo>,
    /// Participants with the attributes the file carries (HTMLQ/FlashQ form fields and
    /// comments, easy-htmlq JSON fields, attribute columns of a participant-rows CSV or XLSX),
    /// in sort order; `None` when the file has none. A study directory keeps its participants
    /// in `study`: use [`LoadedSorts::participants`] to get either.
    pub participants: Option<Vec<Participant>>,
}

/// What the user says about an input beyond its format: which column holds the participant
/// ids, and a file of statement texts for an input without them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReadOptions {
    /// The column (or key, or JSON field) the participant ids are taken from, in a file with
    /// one row (or record) per participant; refused by the other layouts.
    pub id_column: Option<String>,
    /// A file of statement texts ([`read_statement_file`]: one per line, HTMLQ's
    /// `statements.xml`, or `id,text` CSV) for an input that has none.
    pub statements: Option<PathBuf>,
}

/// What a format parser hands back.
pub(crate) struct Parsed {
    pub(crate) table: SortTable,
    pub(crate) grid: Option<Grid>,
    pub(crate) title: Option<String>,
    pub(crate) source: SourceMap,
}

impl Parsed {
    fn into_loaded(self, format: InputFormat, path: PathBuf) -> LoadedSorts {
        LoadedSorts {
            table: self.table,
            grid: self.grid,
            title: self.title,
            format,
            path,
            source: self.source,
            study: None,
            participants: None,
        }
    }
}

/// Reads a file of Q sorts. `format`: `None` to choose by extension (any case) and, for `.csv`
/// and `.tsv`, by content: HTMLQ/FlashQ, participant rows or the qmethod layout (see
/// `docs/formats.md`, "Detection").
///
/// For a `.DAT`, the statement texts are read from the `.STA` beside it (same stem, extension
/// `sta` in any case) when there is one; without one `statement_labels` is `None`.
///
/// Errors: the file is missing, unreadable or a directory; no format given and an unknown
/// extension; any syntax error of the format (see [`ReadError`]).
///
/// ```no_run
/// use qstudy_io::read_sorts;
/// let loaded = read_sorts("fixtures/lipset/LIPSET.DAT".as_ref(), None)?;
/// assert_eq!(loaded.table.sort_ids.len(), 9);
/// # Ok::<(), qstudy_io::ReadError>(())
/// ```
pub fn read_sorts(path: &Path, format: Option<InputFormat>) -> Result<LoadedSorts, ReadError> {
    read_sorts_with(path, format, &ReadOptions::default())
}

/// [`read_sorts`] with the id column and a statements file given ([`ReadOptions`]).
///
/// ```no_run
/// use qstudy_io::{read_sorts_with, ReadOptions};
/// let options = ReadOptions { statements: Some("statements.txt".into()), ..Default::default() };
/// let loaded = read_sorts_with("sorts.csv".as_ref(), None, &options)?;
/// assert!(loaded.table.statement_labels.is_some());
/// # Ok::<(), qstudy_io::ReadError>(())
/// ```
pub fn read_sorts_with(
    path: &Path,
    format: Option<InputFormat>,
    options: &ReadOptions,
) -> Result<LoadedSorts, ReadError> {
    let mut loaded = read_file(path, format, options.id_column.as_deref())?;
    if let Some(file) = &options.statements {
        attach_statements(&mut loaded, file)?;
    }
    Ok(loaded)
}

/// Gives sorts read without statement texts those of `file` ([`read_statement_file`]): one
/// per statement, with ids `1..m` when the file has ids (XML, CSV). Refused for a study
/// directory (its manifest names its statements) and for an input with texts of its own.
pub fn attach_statements(loaded: &mut LoadedSorts, file: &Path) -> Result<(), ReadError> {
    let refuse = |message: String| ReadError::Statements {
        file: file.to_path_buf(),
        message,
    };
    let input = crate::error::shown(&loaded.path);
    if loaded.study.is_some() {
        return Err(refuse(format!(
            "a study directory names its statements in study.toml (statements = \"...\"); expected a statements file only for an input without texts ({input} has them)"
        )));
    }
    if loaded.table.statement_labels.is_some() {
        return Err(refuse(format!(
            "{input} has statement texts (or labels) of its own; expected a statements file only for an input without them"
        )));
    }
    let mut statements = read_statement_file(file)?;
    let m = loaded.table.values.first().map_or(0, Vec::len);
    if statements.len() != m {
        return Err(refuse(format!(
            "{} statement(s), expected {m} (one per statement of {input})",
            statements.len()
        )));
    }
    statements.sort_by_key(|s| s.id);
    if let Some((i, s)) = statements
        .iter()
        .enumerate()
        .find(|(i, s)| s.id as usize != i + 1)
    {
        return Err(refuse(format!(
            "statement id {} where {} was expected: the ids must be 1..{m}, the statement numbers of {input}",
            s.id,
            i + 1
        )));
    }
    loaded.table.statement_labels = Some(statements.into_iter().map(|s| s.text).collect());
    Ok(())
}

/// [`read_sorts`] without a statements file.
fn read_file(
    path: &Path,
    format: Option<InputFormat>,
    id_column: Option<&str>,
) -> Result<LoadedSorts, ReadError> {
    let meta = std::fs::metadata(path).map_err(|e| io_error(path, e))?;
    if meta.is_dir() || format == Some(InputFormat::Study) {
        if !meta.is_dir() {
            return Err(ReadError::Study {
                file: path.to_path_buf(),
                line: None,
                message: "is not a directory; a study is a directory with a study.toml".into(),
            });
        }
        if format.is_some_and(|f| f != InputFormat::Study) {
            return Err(ReadError::IsDirectory {
                file: path.to_path_buf(),
            });
        }
        layout::no_id_column(path, InputFormat::Study, id_column)?;
        return read_study(path);
    }
    let auto = format.is_none();
    let format = match format.or_else(|| InputFormat::from_path(path)) {
        Some(f) => f,
        None => {
            return Err(ReadError::UnknownFormat {
                file: path.to_path_buf(),
                extension: path.extension().map(|e| e.to_string_lossy().into_owned()),
            });
        }
    };
    let bytes = limits::read_input(path)?;
    let mut loaded = dispatch::parse_bytes(&bytes, path, format, auto, id_column)?;
    if loaded.format == InputFormat::PqmethodDat
        && let Some(sta) = pqmethod::find_sta(path)
    {
        let sta_bytes = limits::read_input(&sta)?;
        let expected = match &loaded.source {
            SourceMap::Dat { statements, .. } => *statements,
            _ => 0,
        };
        let labels = pqmethod::parse_sta(&sta_bytes, &sta, path, expected)?;
        loaded.table.statement_labels = Some(labels);
        if let SourceMap::Dat {
            statements_file, ..
        } = &mut loaded.source
        {
            *statements_file = Some(sta);
        }
    }
    Ok(loaded)
}

/// Reads Q sorts from text; `name` is used as the file name in messages. For
/// [`InputFormat::PqmethodDat`] no `.STA` is read (`statement_labels` is `None`).
///
/// ```
/// use qstudy_io::{read_sorts_from_str, InputFormat};
/// let csv = "Unnamed: 0,P01,P02\nD01,+2,-1\nD02,-2,1\n";
/// let loaded = read_sorts_from_str(csv, "q.csv", InputFormat::QmethodCsv).unwrap();
/// assert_eq!(loaded.table.sort_ids, ["P01", "P02"]);
/// assert_eq!(loaded.table.statement_labels, Some(vec!["D01".into(), "D02".into()]));
/// assert_eq!(loaded.table.values, [vec![2, -2], vec![-1, 1]]);
///
/// let err = read_sorts_from_str("P01,P02\n1,2\n3\n", "q.csv", InputFormat::QmethodCsv).unwrap_err();
/// assert_eq!(err.to_string(), "q.csv: line 3: 1 field, expected 2 (one per column of the header on line 1)");
/// ```
pub fn read_sorts_from_str(
    text: &str,
    name: &str,
    format: InputFormat,
) -> Result<LoadedSorts, ReadError> {
    dispatch::parse_bytes(text.as_bytes(), Path::new(name), format, false, None)
}

/// Reads Q sorts from raw bytes (any format, XLSX included); `name` is used as the file name in
/// messages and, when `format` is `None`, to choose the format by extension and content as
/// [`read_sorts`] does. No `.STA` is read.
///
/// ```
/// use qstudy_io::{read_sorts_from_bytes, InputFormat};
/// let htmlq = b"sid;uid;s1;s2;s3;comment1\n01;;+1; 0;-1;yes\n02;;-1; 0;+1;\n";
/// let loaded = read_sorts_from_bytes(htmlq, "export.csv", None).unwrap();
/// assert_eq!(loaded.format, InputFormat::Htmlq);
/// assert_eq!(loaded.table.sort_ids, ["01", "02"]);
/// assert_eq!(loaded.table.values[0], [1, 0, -1]);
/// let p = loaded.participants().unwrap();
/// assert_eq!(p[0].attributes["comment1"], "yes");
/// ```
pub fn read_sorts_from_bytes(
    bytes: &[u8],
    name: &str,
    format: Option<InputFormat>,
) -> Result<LoadedSorts, ReadError> {
    let path = Path::new(name);
    let auto = format.is_none();
    let format = match format.or_else(|| InputFormat::from_path(path)) {
        Some(f) => f,
        None => {
            return Err(ReadError::UnknownFormat {
                file: path.to_path_buf(),
                extension: path.extension().map(|e| e.to_string_lossy().into_owned()),
            });
        }
    };
    dispatch::parse_bytes(bytes, path, format, auto, None)
}

impl LoadedSorts {
    /// The sorts `kept` (indices into the table, in the order given), with their
    /// participants and their places in the file: what a selection of sorts analyses
    /// ([`select_sorts`]).
    pub fn subset(&self, kept: &[usize]) -> LoadedSorts {
        let pick = |people: &[Participant]| -> Vec<Participant> {
            kept.iter()
                .filter_map(|&i| people.get(i).cloned())
                .collect()
        };
        LoadedSorts {
            table: self.table.subset(kept),
            grid: self.grid.clone(),
            title: self.title.clone(),
            format: self.format,
            path: self.path.clone(),
            source: self.source.subset(kept),
            study: self.study.as_ref().map(|info| StudyInfo {
                participants: pick(&info.participants),
                ..info.clone()
            }),
            participants: self.participants.as_deref().map(pick),
        }
    }

    /// The study's title: a study directory's `title`, else the file's own (a `.DAT`'s first
    /// line); `None` when the input has none.
    pub fn study_title(&self) -> Option<String> {
        self.study
            .as_ref()
            .map(|s| s.title.clone())
            .or_else(|| self.title.clone())
    }

    /// The participants with their attributes: a study directory's, or those the file carries
    /// (see [`LoadedSorts::participants`](struct.LoadedSorts.html#structfield.participants));
    /// `None` when the input has none.
    pub fn participants(&self) -> Option<&[Participant]> {
        match &self.study {
            Some(info) => Some(info.participants.as_slice()),
            None => self.participants.as_deref(),
        }
    }

    /// One-line message for a core validation error, prefixed with the file and, where the error
    /// names a sort and/or statement, its location in the file.
    ///
    /// For CSV, statement `s` is on its row's line (line `s + 1` without blank lines) and sort
    /// `i` in its column (field `i + 1`, `+ 1` with a label column); for `.DAT`, sort `i` is on
    /// line `i + 3` and statement `s` at columns `11 + 2(s-1)`..`12 + 2(s-1)`.
    ///
    /// ```
    /// use qstudy_core::{Grid, validate::{validate, ValidationOptions}};
    /// use qstudy_io::{read_sorts_from_str, InputFormat};
    /// let loaded = read_sorts_from_str("A,B\n-1,1\n0,7\n1,0\n", "data/x.csv", InputFormat::QmethodCsv).unwrap();
    /// let opts = ValidationOptions { grid: Some("-1:1,0:1,1:1".parse::<Grid>().unwrap()), ..Default::default() };
    /// let err = validate(&loaded.table, &opts).unwrap_err();
    /// assert_eq!(
    ///     loaded.describe(&err),
    ///     "data/x.csv: line 3, column 2: sort 'B', statement 2: value 7 is off the grid (expected -1..1)"
    /// );
    /// ```
    pub fn describe(&self, err: &ValidationError) -> String {
        self.locate(err).to_string()
    }

    /// A core validation error with its file and place, as [`LoadedSorts::describe`] gives
    /// them: for a front end to word the error itself ([`Invalid::message`]).
    pub fn locate(&self, err: &ValidationError) -> Invalid {
        let index_of = |id: &str| self.table.sort_ids.iter().position(|s| s == id);
        let mut file = self.path.clone();
        let location = match err {
            ValidationError::OffGrid {
                sort, statement, ..
            }
            | ValidationError::NotAColumn {
                sort, statement, ..
            } => index_of(sort).and_then(|i| {
                statement
                    .checked_sub(1)
                    .and_then(|s| self.source.value(i, s))
            }),
            ValidationError::WrongLength { sort, .. }
            | ValidationError::Incomplete { sort, .. }
            | ValidationError::ZeroVariance { sort, .. }
            | ValidationError::BrokenGrid { sort, .. }
            | ValidationError::GridNotInferable { sort, .. } => {
                index_of(sort).and_then(|i| self.source.sort(i))
            }
            ValidationError::EmptyId { index } => {
                index.checked_sub(1).and_then(|i| self.source.sort_id(i))
            }
            ValidationError::DuplicateId { second, .. } => {
                second.checked_sub(1).and_then(|i| self.source.sort_id(i))
            }
            ValidationError::LabelCount { .. } => match &self.source {
                SourceMap::Dat {
                    statements_file: Some(sta),
                    ..
                } => {
                    file = sta.clone();
                    None
                }
                SourceMap::Csv {
                    label_column: true, ..
                } => Some(Location {
                    line: None,
                    columns: Some((1, 1)),
                }),
                _ => None,
            },
            ValidationError::GridSize { grid, .. } => {
                let from_dat = matches!(self.source, SourceMap::Dat { .. })
                    && self.grid.as_ref().is_some_and(|g| g.to_string() == *grid);
                from_dat.then_some(Location {
                    line: Some(2),
                    columns: None,
                })
            }
            _ => None,
        };
        let mut note = String::new();
        if let (
            ValidationError::DuplicateId { .. },
            SourceMap::Csv {
                numeric_header: true,
                header_line,
                ..
            },
        ) = (err, &self.source)
        {
            note = format!(
                " (line {header_line} is read as the header of sort ids but holds only numbers: is the header row missing?)"
            );
        }
        Invalid {
            error: err.clone(),
            file,
            location: location.map(Box::new),
            note: note.into_boxed_str(),
        }
    }
}

pub(crate) fn io_error(path: &Path, e: std::io::Error) -> ReadError {
    if e.kind() == std::io::ErrorKind::NotFound {
        ReadError::NotFound {
            file: path.to_path_buf(),
        }
    } else {
        ReadError::Io {
            file: path.to_path_buf(),
            source: e,
        }
    }
}

/// A file of the repository's `fixtures/` (for the unit tests of every reader).
#[cfg(test)]
pub(crate) fn fixture(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures")
        .join(rel)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_name_with_a_line_break_stays_on_one_line() {
        // A name uploaded to the workbench, or a path given on the command line.
        for (name, bytes) in [
            ("a\nb.c\nd", &b"x"[..]),
            ("a\nb.csv", b""),
            ("a\rb.csv", b"A,B\n1,x\n"),
            ("a\nb.xlsx", b"PK\x03\x04 not a zip"),
        ] {
            let msg = read_sorts_from_bytes(bytes, name, None)
                .unwrap_err()
                .to_string();
            assert!(!msg.contains(['\n', '\r']), "{msg}");
            assert!(msg.starts_with(&name.escape_debug().to_string()), "{msg}");
        }
    }

    #[test]
    fn unknown_extension() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sorts.sav");
        std::fs::write(&path, "A,B\n1,2\n").unwrap();
        let e = read_sorts(&path, None).unwrap_err();
        assert_eq!(
            e.to_string(),
            format!(
                "{}: unknown input format (extension '.sav'); supported: .csv/.tsv (qmethod CSV: statements x sorts, one row per participant, HTMLQ/FlashQ export, or EQ Web Sort's Netlify or Google Sheets export, told apart by content), .dat (PQMethod .DAT, with its .STA beside it), .json (easy-htmlq/EQ Web Sort) and .xlsx (KADE/Ken-Q workbook); give the format explicitly for other names (csv, csv-rows, htmlq, netlify, sheets, json, xlsx, pqmethod or study)",
                path.display()
            )
        );
        let bare = dir.path().join("sorts");
        std::fs::write(&bare, "A,B\n1,2\n").unwrap();
        let e = read_sorts(&bare, None).unwrap_err();
        assert!(
            e.to_string()
                .contains("unknown input format (no extension)"),
            "{e}"
        );
        // An explicit format overrides the extension.
        let l = read_sorts(&path, Some(InputFormat::QmethodCsv)).unwrap();
        assert_eq!(l.table.sort_ids, ["A", "B"]);
        assert_eq!(l.path, path);
    }

    #[test]
    fn missing_file_and_directory() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("nope.csv");
        let e = read_sorts(&path, None).unwrap_err();
        assert!(matches!(e, ReadError::NotFound { .. }));
        assert_eq!(e.to_string(), format!("{}: file not found", path.display()));
        assert_eq!(e.file(), path);
        let e = read_sorts(dir.path(), None).unwrap_err();
        assert_eq!(
            e.to_string(),
            format!(
                "{}: is a directory without study.toml; expected a study directory (see docs/formats.md) or a .csv/.dat file",
                dir.path().display()
            )
        );
        let e = read_sorts(dir.path(), Some(InputFormat::QmethodCsv)).unwrap_err();
        assert!(matches!(e, ReadError::IsDirectory { .. }), "{e}");
    }

    #[test]
    fn empty_file_on_disk() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("empty.DAT");
        std::fs::write(&path, "").unwrap();
        let e = read_sorts(&path, None).unwrap_err();
        assert!(matches!(e, ReadError::Empty { .. }), "{e}");
        assert!(
            e.to_string()
                .starts_with(&format!("{}: the file is empty", path.display()))
        );
    }

    #[test]
    fn describe_points_into_csv_and_dat() {
        use qstudy_core::validate::{ValidationOptions, validate};
        let csv = read_sorts(&fixture("lipset/lipset_sorts.csv"), None).unwrap();
        let dat = read_sorts(&fixture("lipset/LIPSET.DAT"), None).unwrap();
        let err = ValidationError::OffGrid {
            sort: "US3".into(),
            statement: 4,
            value: 7,
            min: -4,
            max: 4,
        };
        let csv_name = fixture("lipset/lipset_sorts.csv").display().to_string();
        let dat_name = fixture("lipset/LIPSET.DAT").display().to_string();
        assert_eq!(
            csv.describe(&err),
            format!(
                "{csv_name}: line 5, column 3: sort 'US3', statement 4: value 7 is off the grid (expected -4..4)"
            )
        );
        assert_eq!(
            dat.describe(&err),
            format!(
                "{dat_name}: line 5, columns 17-18: sort 'US3', statement 4: value 7 is off the grid (expected -4..4)"
            )
        );
        let zero = ValidationError::ZeroVariance {
            sort: "JP5".into(),
            m: 33,
            value: 0,
        };
        assert!(
            csv.describe(&zero)
                .starts_with(&format!("{csv_name}: column 5: sort 'JP5'"))
        );
        assert!(
            dat.describe(&zero)
                .starts_with(&format!("{dat_name}: line 7: sort 'JP5'"))
        );
        let empty = ValidationError::EmptyId { index: 2 };
        assert_eq!(
            dat.describe(&empty),
            format!("{dat_name}: line 4, columns 1-8: sort number 2 has an empty id")
        );
        let few = ValidationError::TooFewSorts { found: 1 };
        assert_eq!(
            csv.describe(&few),
            format!("{csv_name}: 1 sort(s) found: a Q study needs at least 2 sorts")
        );
        let size = ValidationError::GridSize {
            grid: dat.grid.as_ref().unwrap().to_string(),
            cells: 33,
            statements: 34,
        };
        assert!(
            dat.describe(&size)
                .starts_with(&format!("{dat_name}: line 2: the grid"))
        );
        let labels = ValidationError::LabelCount {
            expected: 33,
            found: 32,
        };
        assert!(
            dat.describe(&labels)
                .starts_with(&fixture("lipset/LIPSET.STA").display().to_string())
        );
        // An unknown sort id still gets the file prefix.
        let other = ValidationError::ZeroVariance {
            sort: "??".into(),
            m: 3,
            value: 0,
        };
        assert!(
            csv.describe(&other)
                .starts_with(&format!("{csv_name}: sort '??'"))
        );
        // A real validation of a broken sort.
        let mut broken = dat.clone();
        broken.table.values[8][0] = 4;
        let opts = ValidationOptions {
            grid: dat.grid.clone(),
            free_distribution: false,
        };
        let e = validate(&broken.table, &opts).unwrap_err();
        assert!(
            broken.describe(&e).starts_with(&format!(
                "{dat_name}: line 11: sort 'FR9' breaks the forced grid"
            )),
            "{}",
            broken.describe(&e)
        );
    }

    /// A deterministic linear congruential generator (Knuth's MMIX constants).
    struct Lcg(u64);

    impl Lcg {
        fn next(&mut self) -> u64 {
            self.0 = self
                .0
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            self.0 >> 33
        }
        fn below(&mut self, n: usize) -> usize {
            (self.next() % n.max(1) as u64) as usize
        }
    }

    /// Random and garbled inputs must give `Ok` or `Err`, never a panic.
    #[test]
    fn fuzz_no_panic() {
        const ALPHABET: &[u8] = b"0123456789 -+,;\t\r\n\"'x.AZ\xef\xbb\xbf\xe9\x1a";
        let seeds: Vec<Vec<u8>> = [
            "lipset/LIPSET.DAT",
            "lipset/lipset_sorts.csv",
            "redu-fut/qsorts.csv",
            "uhh/UHH.DAT",
            "lipset/LIPSET.STA",
        ]
        .iter()
        .map(|f| std::fs::read(fixture(f)).unwrap())
        .collect();
        let mut rng = Lcg(0x5eed_1234);
        let mut results = (0usize, 0usize);
        for round in 0..240 {
            let bytes: Vec<u8> = if round % 3 == 0 {
                // Pure noise from a Q-sort-ish alphabet.
                let len = rng.below(400);
                (0..len)
                    .map(|_| ALPHABET[rng.below(ALPHABET.len())])
                    .collect()
            } else {
                // A real file with a few bytes changed, inserted, deleted or truncated.
                let mut b = seeds[rng.below(seeds.len())].clone();
                for _ in 0..=rng.below(3) {
                    let at = rng.below(b.len() + 1);
                    match rng.below(10) {
                        // Mostly digit swaps, which keep the syntax and reach core's checks.
                        0..=4 if at < b.len() && b[at].is_ascii_digit() => {
                            b[at] = b"0123456789"[rng.below(10)];
                        }
                        0..=5 if at < b.len() => b[at] = ALPHABET[rng.below(ALPHABET.len())],
                        6 | 7 => b.insert(at, ALPHABET[rng.below(ALPHABET.len())]),
                        8 if at < b.len() => {
                            b.remove(at);
                        }
                        9 => b.truncate(at),
                        _ => {}
                    }
                }
                b
            };
            let text = String::from_utf8_lossy(&bytes);
            for format in InputFormat::ALL {
                match read_sorts_from_str(&text, "fuzz", format) {
                    Ok(l) => {
                        results.0 += 1;
                        // describe must not panic either.
                        for e in qstudy_core::validate::validate_all(&l.table, &Default::default())
                        {
                            let msg = l.describe(&e);
                            assert!(msg.starts_with("fuzz: ") && !msg.contains('\n'), "{msg}");
                        }
                    }
                    Err(e) => {
                        results.1 += 1;
                        let msg = e.to_string();
                        assert!(msg.starts_with("fuzz: ") && !msg.contains('\n'), "{msg}");
                    }
                }
            }
            // The byte-level parsers (Latin-1 path) too.
            let _ = csv_sorts::parse(&bytes, Path::new("fuzz"));
            let _ = pqmethod::parse_dat(&bytes, Path::new("fuzz"));
            let _ = pqmethod::parse_sta(&bytes, Path::new("fuzz"), Path::new("d"), 33);
        }
        // Both outcomes occur, so the mutations exercise the success paths too.
        assert!(results.0 > 0 && results.1 > 0, "{results:?}");
    }
}

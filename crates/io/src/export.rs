//! Writers: PQMethod `.DAT`/`.STA` (byte for byte as PQMethod writes them, or as the PQMethod
//! files an input came from), the qmethod CSV layout and a study directory; and
//! [`export`] / [`write_export`], what `qstudy convert` does.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use qstudy_core::{Grid, SortTable, Study};

use crate::output_dir;
use crate::results::WriteError;
use crate::source::SourceMap;
use crate::study::{AnalysisDefaults, Statement, StudyContents, study_dir_files};
use crate::{InputFormat, LoadedSorts};

/// Lowest and highest value a PQMethod `.DAT` can hold (its distribution line has 20 slots,
/// for -6..13).
pub const PQMETHOD_MIN: i32 = -6;
/// See [`PQMETHOD_MIN`].
pub const PQMETHOD_MAX: i32 = 13;

/// The formats `qstudy convert` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OutputFormat {
    /// PQMethod `.DAT` with its `.STA` beside it.
    Pqmethod,
    /// The qmethod CSV layout (statements x sorts; a first column of statement texts when the
    /// input has them).
    Csv,
    /// A qstudy study directory.
    Study,
}

impl fmt::Display for OutputFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            OutputFormat::Pqmethod => "pqmethod",
            OutputFormat::Csv => "csv",
            OutputFormat::Study => "study",
        })
    }
}

/// An output format name that is not known.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown output format '{0}' (expected pqmethod, csv or study)")]
pub struct UnknownOutputFormat(pub String);

impl FromStr for OutputFormat {
    type Err = UnknownOutputFormat;

    /// `pqmethod` / `dat`, `csv` / `qmethod`, `study` (any case).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let t = s.trim();
        let any = |names: &[&str]| names.iter().any(|n| t.eq_ignore_ascii_case(n));
        if any(&["pqmethod", "dat"]) {
            Ok(OutputFormat::Pqmethod)
        } else if any(&["csv", "qmethod", "qmethod-csv"]) {
            Ok(OutputFormat::Csv)
        } else if any(&["study"]) {
            Ok(OutputFormat::Study)
        } else {
            Err(UnknownOutputFormat(s.to_string()))
        }
    }
}

/// A file could not be written in the format asked for. Every message is one line starting
/// with the output path.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ExportError {
    /// The grid goes beyond what a PQMethod `.DAT` can describe.
    #[error("{}: cannot write a PQMethod file: the grid {grid} goes beyond PQMethod's range -6..13 (the .DAT distribution line has slots for the values -6 to 13 only); convert to csv or study instead", crate::error::shown(.file))]
    GridOutOfRange {
        /// The output file.
        file: PathBuf,
        /// The grid.
        grid: String,
    },
    /// A value that does not fit a PQMethod value field.
    #[error("{}: cannot write sort '{sort}': statement {statement} has the value {value}, beyond PQMethod's range -6..13", crate::error::shown(.file))]
    ValueOutOfRange {
        /// The output file.
        file: PathBuf,
        /// The sort id.
        sort: String,
        /// The statement (1-based).
        statement: usize,
        /// The value.
        value: i32,
    },
    /// A sort id that PQMethod's 8 fixed columns cannot hold.
    #[error("{}: cannot write sort id '{id}': {problem}; PQMethod ids are at most 8 ASCII characters (columns 1-8 of a sort line)", crate::error::shown(.file), id = .id.escape_debug())]
    SortId {
        /// The output file.
        file: PathBuf,
        /// The id.
        id: String,
        /// What is wrong with it.
        problem: &'static str,
    },
    /// More sorts or statements than the 3-character fields of line 1 hold.
    #[error("{}: cannot write {count} {what}: PQMethod's header has 3 characters for the number (at most 999)", crate::error::shown(.file))]
    TooMany {
        /// The output file.
        file: PathBuf,
        /// "sorts" or "statements".
        what: &'static str,
        /// How many.
        count: usize,
    },
    /// A text that cannot be written on one line.
    #[error("{}: cannot write {what}: {problem}", crate::error::shown(.file))]
    Text {
        /// The output file.
        file: PathBuf,
        /// What, e.g. "statement 4" or "the title".
        what: String,
        /// What is wrong.
        problem: &'static str,
    },
    /// The path given is not of the kind the format needs.
    #[error("{}: {message}", crate::error::shown(.file))]
    Path {
        /// The path.
        file: PathBuf,
        /// What was expected.
        message: String,
    },
    /// An output file exists already.
    #[error("{}: already exists; give --force to overwrite it", crate::error::shown(.file))]
    Exists {
        /// The file.
        file: PathBuf,
    },
    /// Writing failed.
    #[error(transparent)]
    Write(#[from] WriteError),
    /// The output could not be staged or put in place.
    #[error(transparent)]
    Output(#[from] output_dir::OutputError),
}

/// The byte layout of a PQMethod project: what PQMethod 2.35 writes by default, or, read from
/// existing files with [`PqmethodStyle::of_files`], what they have, so that a `.DAT`/`.STA`
/// read and written again comes out byte for byte the same.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PqmethodStyle {
    /// `.DAT` lines end with CR LF (else LF).
    pub crlf: bool,
    /// Line 1 is padded with blanks to this many characters (PQMethod: 78, a 68-character
    /// title field after the three numbers and a blank).
    pub header_width: usize,
    /// The first field of line 1 (0 in PQMethod's files).
    pub flag: i32,
    /// `.STA` lines end with CR LF (else LF).
    pub sta_crlf: bool,
    /// The last `.STA` line ends with a line end (PQMethod requires it).
    pub sta_final_line_end: bool,
}

impl Default for PqmethodStyle {
    fn default() -> Self {
        PqmethodStyle {
            crlf: true,
            header_width: 78,
            flag: 0,
            sta_crlf: true,
            sta_final_line_end: true,
        }
    }
}

impl PqmethodStyle {
    /// The layout of existing `.DAT` (and `.STA`) bytes; PQMethod's default where they do not
    /// tell.
    ///
    /// ```
    /// use qstudy_io::PqmethodStyle;
    /// let s = PqmethodStyle::of_files(b"  0  2  3 T  \n", Some(b"a\nb"));
    /// assert!(!s.crlf && !s.sta_crlf && !s.sta_final_line_end);
    /// assert_eq!(s.header_width, 13);
    /// ```
    pub fn of_files(dat: &[u8], sta: Option<&[u8]>) -> Self {
        let mut style = PqmethodStyle::default();
        let dat = dat.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(dat);
        if let Some(end) = dat.iter().position(|&b| b == b'\n') {
            let line = dat.get(..end).unwrap_or(&[]);
            style.crlf = line.last() == Some(&b'\r');
            let line = line.strip_suffix(b"\r").unwrap_or(line);
            style.header_width = String::from_utf8_lossy(line).chars().count();
            style.flag = String::from_utf8_lossy(line.get(..3).unwrap_or(&[]))
                .trim()
                .parse()
                .unwrap_or(0);
        }
        if let Some(sta) = sta {
            if let Some(end) = sta.iter().position(|&b| b == b'\n') {
                style.sta_crlf = end > 0 && sta.get(end - 1) == Some(&b'\r');
            }
            style.sta_final_line_end = sta.last() == Some(&b'\n');
        }
        style
    }
}

/// The `.DAT` bytes of sorts on a grid (a validated [`Study`]'s): line 1 flag, number of sorts,
/// number of statements and title (padded to the style's width), line 2 the distribution, then
/// one line per sort (id in columns 1-8, 2 blanks, 2 characters per value). `file` names the
/// output in messages.
///
/// Errors: a grid beyond -6..13, a value beyond it, an id longer than 8 characters, not ASCII
/// or starting with a blank, more than 999 sorts or statements, a title with a line break.
///
/// ```
/// use qstudy_core::{Grid, SortTable};
/// use qstudy_io::{PqmethodStyle, pqmethod_dat};
/// let t = SortTable { missing: vec![], sort_ids: vec!["P1".into(), "P2".into()], statement_labels: None,
///     values: vec![vec![-1, 0, 1], vec![1, 0, -1]] };
/// let grid: Grid = "-1:1,0:1,1:1".parse().unwrap();
/// let style = PqmethodStyle { header_width: 0, crlf: false, ..Default::default() };
/// let dat = pqmethod_dat("t.DAT".as_ref(), &t, &grid, Some("Tiny"), &style).unwrap();
/// assert_eq!(String::from_utf8(dat).unwrap(),
///     "  0  2  3 Tiny\n -1  1  0  0  0  0  0  1  1  1  0  0  0  0  0  0  0  0  0  0  0  0\n\
///      P1        -1 0 1\nP2         1 0-1\n");
/// ```
pub fn pqmethod_dat(
    file: &Path,
    table: &SortTable,
    grid: &Grid,
    title: Option<&str>,
    style: &PqmethodStyle,
) -> Result<Vec<u8>, ExportError> {
    let eol = if style.crlf { "\r\n" } else { "\n" };
    if grid.min() < PQMETHOD_MIN || grid.max() > PQMETHOD_MAX {
        return Err(ExportError::GridOutOfRange {
            file: file.to_path_buf(),
            grid: format!("{} ({}..{})", grid, grid.min(), grid.max()),
        });
    }
    let n = table.sort_ids.len();
    let m = grid.cells();
    for (what, count) in [("sorts", n), ("statements", m)] {
        if count > 999 {
            return Err(ExportError::TooMany {
                file: file.to_path_buf(),
                what,
                count,
            });
        }
    }
    let title = title.unwrap_or("");
    if title.contains(['\n', '\r']) {
        return Err(ExportError::Text {
            file: file.to_path_buf(),
            what: "the title".into(),
            problem: "it holds a line break; a .DAT title is the rest of line 1",
        });
    }
    let mut out = format!("{:>3}{n:>3}{m:>3} {title}", style.flag);
    let width = out.chars().count();
    if width < style.header_width {
        out.extend(std::iter::repeat_n(' ', style.header_width - width));
    }
    out.push_str(eol);
    out.push_str(&format!("{:>3}{:>3}", grid.min(), grid.max()));
    for value in PQMETHOD_MIN..=PQMETHOD_MAX {
        out.push_str(&format!("{:>3}", grid.count_of(value)));
    }
    out.push_str(eol);
    for (id, row) in table.sort_ids.iter().zip(&table.values) {
        if let Some(problem) = dat_id_problem(id) {
            return Err(ExportError::SortId {
                file: file.to_path_buf(),
                id: id.clone(),
                problem,
            });
        }
        out.push_str(&format!("{id:<8}  "));
        for (s, &v) in row.iter().enumerate() {
            if !(PQMETHOD_MIN..=PQMETHOD_MAX).contains(&v) {
                return Err(ExportError::ValueOutOfRange {
                    file: file.to_path_buf(),
                    sort: id.clone(),
                    statement: s + 1,
                    value: v,
                });
            }
            out.push_str(&format!("{v:>2}"));
        }
        out.push_str(eol);
    }
    Ok(out.into_bytes())
}

/// Why `id` cannot stand in columns 1-8 of a `.DAT` sort line, if it cannot.
fn dat_id_problem(id: &str) -> Option<&'static str> {
    if id.is_empty() {
        Some("it is empty")
    } else if !id.is_ascii() {
        Some("it is not ASCII")
    } else if id.chars().count() > 8 {
        Some("it is longer than 8 characters")
    } else if id.starts_with(char::is_whitespace) {
        Some("it starts with a blank")
    } else if id.chars().any(|c| c.is_ascii_control()) {
        Some("it holds a control character")
    } else {
        None
    }
}

/// The `.STA` bytes: one statement text per line. `file` names the output in messages.
///
/// Errors: an empty text (PQMethod needs one non-blank line per statement) or one holding a
/// line break.
///
/// ```
/// use qstudy_io::{PqmethodStyle, pqmethod_sta};
/// let sta = pqmethod_sta("t.STA".as_ref(), &["one".into(), "two".into()], &Default::default()).unwrap();
/// assert_eq!(sta, b"one\r\ntwo\r\n");
/// ```
pub fn pqmethod_sta(
    file: &Path,
    labels: &[String],
    style: &PqmethodStyle,
) -> Result<Vec<u8>, ExportError> {
    let eol = if style.sta_crlf { "\r\n" } else { "\n" };
    let mut out = String::new();
    for (i, text) in labels.iter().enumerate() {
        let what = || format!("statement {}", i + 1);
        if text.trim().is_empty() {
            return Err(ExportError::Text {
                file: file.to_path_buf(),
                what: what(),
                problem: "it has no text; a .STA needs one non-blank line per statement",
            });
        }
        if text.contains(['\n', '\r']) {
            return Err(ExportError::Text {
                file: file.to_path_buf(),
                what: what(),
                problem: "its text holds a line break; a .STA holds one statement per line",
            });
        }
        out.push_str(text);
        if i + 1 < labels.len() || style.sta_final_line_end {
            out.push_str(eol);
        }
    }
    Ok(out.into_bytes())
}

/// The qmethod CSV layout: a header of sort ids, one row per statement; with statement texts,
/// a first column of them under an empty header cell. LF line ends, quoting where needed.
///
/// ```
/// use qstudy_core::SortTable;
/// let t = SortTable { missing: vec![], sort_ids: vec!["A".into(), "B".into()],
///     statement_labels: Some(vec!["one, two".into(), "three".into()]),
///     values: vec![vec![1, -1], vec![-1, 1]] };
/// assert_eq!(qstudy_io::qmethod_csv(&t), ",A,B\n\"one, two\",1,-1\nthree,-1,1\n");
/// ```
pub fn qmethod_csv(table: &SortTable) -> String {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new());
    let labels = table.statement_labels.as_ref();
    let mut header: Vec<String> = Vec::new();
    if labels.is_some() {
        header.push(String::new());
    }
    header.extend(table.sort_ids.iter().cloned());
    // Writing to a Vec cannot fail.
    let _ = w.write_record(&header);
    let m = table.values.first().map_or(0, Vec::len);
    for s in 0..m {
        let mut row: Vec<String> = Vec::with_capacity(table.values.len() + 1);
        if let Some(labels) = labels {
            row.push(labels.get(s).cloned().unwrap_or_default());
        }
        row.extend(
            table
                .values
                .iter()
                .map(|v| v.get(s).map(|x| x.to_string()).unwrap_or_default()),
        );
        let _ = w.write_record(&row);
    }
    let bytes = w.into_inner().unwrap_or_default();
    String::from_utf8_lossy(&bytes).into_owned()
}

/// Files to write for a conversion, and notes on what the target format cannot keep.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Export {
    /// Paths and their bytes, in writing order.
    pub files: Vec<(PathBuf, Vec<u8>)>,
    /// A directory to create first (a study), if any.
    pub dir: Option<PathBuf>,
    /// One sentence each: what was left out or made up.
    pub notes: Vec<String>,
}

/// The `.STA` path beside a `.DAT`: same stem, `STA` when the `.DAT` extension is upper case.
fn sta_path(dat: &Path) -> PathBuf {
    let upper = dat
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.chars().any(|c| c.is_ascii_uppercase()));
    dat.with_extension(if upper { "STA" } else { "sta" })
}

/// The bytes of the original PQMethod files of an input read from them, for its style.
fn original_style(loaded: &LoadedSorts) -> PqmethodStyle {
    if loaded.format != InputFormat::PqmethodDat {
        return PqmethodStyle::default();
    }
    let Ok(dat) = crate::limits::read_input(&loaded.path) else {
        return PqmethodStyle::default();
    };
    let sta = match &loaded.source {
        SourceMap::Dat {
            statements_file: Some(sta),
            ..
        } => crate::limits::read_input(sta).ok(),
        _ => None,
    };
    PqmethodStyle::of_files(&dat, sta.as_deref())
}

/// What `qstudy convert` writes for `loaded` (validated as `study`) in format `to` at `out`: a
/// `.DAT` path (with the `.STA` beside it), a `.csv` path, or a study directory.
///
/// A PQMethod input converted to PQMethod keeps its own line ends and header width, so that
/// its files come out byte for byte; every other input gets PQMethod's own layout (CR LF, a
/// 78-character header line). Nothing is written here: see [`write_export`].
pub fn export(
    loaded: &LoadedSorts,
    study: &Study,
    to: OutputFormat,
    out: &Path,
) -> Result<Export, ExportError> {
    let mut notes = Vec::new();
    let attribute_names: Vec<String> = loaded
        .participants()
        .map(|ps| {
            ps.iter()
                .flat_map(|p| p.attributes.keys().cloned())
                .collect::<std::collections::BTreeSet<_>>()
                .into_iter()
                .collect()
        })
        .unwrap_or_default();
    if to != OutputFormat::Study && !attribute_names.is_empty() {
        notes.push(format!(
            "the participants' attributes ({}) are not kept in {to} files; convert to study to keep them",
            attribute_names.join(", ")
        ));
    }
    match to {
        OutputFormat::Pqmethod => export_pqmethod(loaded, study, out, notes),
        OutputFormat::Csv => export_csv(loaded, study, out, notes),
        OutputFormat::Study => export_study(loaded, study, out, notes),
    }
}

/// [`export`] to a PQMethod `.DAT` (and `.STA` when the input has statement texts).
fn export_pqmethod(
    loaded: &LoadedSorts,
    study: &Study,
    out: &Path,
    mut notes: Vec<String>,
) -> Result<Export, ExportError> {
    let table = &loaded.table;
    let ext_ok = out
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("dat"));
    if !ext_ok {
        return Err(ExportError::Path {
            file: out.to_path_buf(),
            message:
                "expected a .DAT file name for a PQMethod project (the .STA is written beside it)"
                    .into(),
        });
    }
    let style = original_style(loaded);
    let title = loaded
        .title
        .clone()
        .or_else(|| loaded.study.as_ref().map(|s| s.title.clone()));
    let dat = pqmethod_dat(out, table, study.grid(), title.as_deref(), &style)?;
    let mut files = vec![(out.to_path_buf(), dat)];
    match &table.statement_labels {
        Some(labels) => {
            let sta = sta_path(out);
            let bytes = pqmethod_sta(&sta, labels, &style)?;
            files.push((sta, bytes));
        }
        None => notes.push(
            "the input has no statement texts, so no .STA was written (PQMethod needs one to run)"
                .into(),
        ),
    }
    Ok(Export {
        files,
        dir: None,
        notes,
    })
}

/// [`export`] to a qmethod CSV.
fn export_csv(
    loaded: &LoadedSorts,
    study: &Study,
    out: &Path,
    mut notes: Vec<String>,
) -> Result<Export, ExportError> {
    let table = &loaded.table;
    notes.push(format!(
        "a CSV file does not hold the grid: give --grid {} when analysing it if its sorts do not all share that distribution",
        study.grid()
    ));
    Ok(Export {
        files: vec![(out.to_path_buf(), qmethod_csv(table).into_bytes())],
        dir: None,
        notes,
    })
}

/// [`export`] to a study directory.
fn export_study(
    loaded: &LoadedSorts,
    study: &Study,
    out: &Path,
    mut notes: Vec<String>,
) -> Result<Export, ExportError> {
    if out.exists() && !out.is_dir() {
        return Err(ExportError::Path {
            file: out.to_path_buf(),
            message: "exists and is not a directory; a study is written as a directory".into(),
        });
    }
    let info = loaded.study.as_ref();
    let choices = StudyChoices {
        comment: format!(
            "Converted by `qstudy convert` from {} ({}).",
            loaded.path.display(),
            loaded.format.description()
        ),
        // the sorts written are those selected: the selection is not written again
        defaults: info.map(|i| AnalysisDefaults {
            exclude: Vec::new(),
            where_: Vec::new(),
            drop_incomplete: None,
            ..i.defaults.clone()
        }),
        factor_names: info.map(|i| i.factor_names.clone()).unwrap_or_default(),
    };
    let (files, placeholders) = study_files_of(loaded, study, choices);
    if placeholders {
        notes.push(
            "the input lacks statement texts: statements.csv holds 'Statement N' in their place"
                .into(),
        );
    }
    Ok(Export {
        files: files
            .into_iter()
            .map(|(name, text)| (out.join(name), text.into_bytes()))
            .collect(),
        dir: Some(out.to_path_buf()),
        notes,
    })
}

/// What a study directory holds besides the sorts, statements and participants: the comment
/// heading its `study.toml`, its `[analysis]` and `[factor_names]`.
#[derive(Debug, Clone, Default)]
pub struct StudyChoices {
    /// The comment line of `study.toml` (without `# `).
    pub comment: String,
    /// The `[analysis]` table.
    pub defaults: Option<AnalysisDefaults>,
    /// The `[factor_names]` table.
    pub factor_names: BTreeMap<String, String>,
}

/// The files of a study directory (relative names, text) holding the sorts, statements and
/// participants of `loaded` (validated as `study`) with `choices`: what the workbench saves,
/// built in memory. A missing statement text is `Statement N`.
///
/// ```
/// use qstudy_io::{StudyChoices, load_study, study_directory};
/// let (loaded, study) = load_study("../../fixtures/lipset/LIPSET.DAT".as_ref(), None, None, false).unwrap();
/// let choices = StudyChoices { comment: "Saved.".into(), ..Default::default() };
/// let files = study_directory(&loaded, &study, choices);
/// assert!(files.iter().any(|(name, text)| *name == "study.toml" && text.starts_with("# Saved.")));
/// ```
pub fn study_directory(
    loaded: &LoadedSorts,
    study: &Study,
    choices: StudyChoices,
) -> Vec<(&'static str, String)> {
    study_files_of(loaded, study, choices).0
}

/// [`study_directory`], and whether a statement text was missing.
fn study_files_of(
    loaded: &LoadedSorts,
    study: &Study,
    choices: StudyChoices,
) -> (Vec<(&'static str, String)>, bool) {
    let table = &loaded.table;
    let info = loaded.study.as_ref();
    let (statements, placeholders) = statements_to_export(loaded, study);
    let title = info
        .map(|i| i.title.clone())
        .or_else(|| loaded.title.clone())
        .unwrap_or_else(|| {
            loaded
                .path
                .file_stem()
                .map_or_else(|| "Q study".into(), |s| s.to_string_lossy().into_owned())
        });
    let files = study_dir_files(&StudyContents {
        comment: Some(choices.comment),
        title,
        description: info.and_then(|i| i.description.clone()),
        citation: info.and_then(|i| i.citation.clone()),
        grid: study.grid(),
        statements: &statements,
        sort_ids: &table.sort_ids,
        values: &table.values,
        missing: &table.missing,
        participants: loaded.participants(),
        defaults: choices.defaults,
        factor_names: choices.factor_names,
    });
    (files, placeholders)
}

/// The statements of the exported study: each text from the input (`Statement N` in place of
/// a missing or blank one: then `true` beside them), each tag from the input study if any.
fn statements_to_export(loaded: &LoadedSorts, study: &Study) -> (Vec<Statement>, bool) {
    let table = &loaded.table;
    let tags: BTreeMap<u32, Option<String>> = loaded
        .study
        .as_ref()
        .map(|i| i.statements.iter().map(|s| (s.id, s.tag.clone())).collect())
        .unwrap_or_default();
    let mut placeholders = false;
    let statements: Vec<Statement> = study
        .statement_ids()
        .iter()
        .enumerate()
        .map(|(s, &id)| {
            let text = table
                .statement_labels
                .as_ref()
                .and_then(|l| l.get(s))
                .filter(|t| !t.trim().is_empty())
                .cloned()
                .unwrap_or_else(|| {
                    placeholders = true;
                    format!("Statement {id}")
                });
            Statement {
                id,
                text,
                tag: tags.get(&id).cloned().flatten(),
            }
        })
        .collect();
    (statements, placeholders)
}

/// Writes an [`Export`]: refuses, before writing anything, when a file exists and `force` is
/// false; then builds every file in a staging directory and adds them all at once to their
/// directory (the study directory, or the directory of the `.DAT`/`.csv`, created if needed)
/// with [`output_dir::publish_into`]: a failure leaves no file written. Returns the paths
/// written and the warnings of the run (leftovers of an interrupted run removed).
pub fn write_export(export: &Export, force: bool) -> Result<output_dir::Written, ExportError> {
    if !force && let Some((path, _)) = export.files.iter().find(|(p, _)| p.exists()) {
        return Err(ExportError::Exists { file: path.clone() });
    }
    let Some((first, _)) = export.files.first() else {
        return Ok(output_dir::Written {
            paths: Vec::new(),
            warnings: Vec::new(),
        });
    };
    let dir = export.dir.clone().unwrap_or_else(|| match first.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    });
    let mut files = Vec::with_capacity(export.files.len());
    for (path, bytes) in &export.files {
        let rel = match (&export.dir, path.strip_prefix(&dir)) {
            (_, Ok(rel)) => rel.to_path_buf(),
            (None, Err(_)) => PathBuf::from(path.file_name().unwrap_or_default()),
            (Some(_), Err(_)) => {
                return Err(ExportError::Path {
                    file: path.clone(),
                    message: format!(
                        "not inside the output directory {}",
                        crate::error::shown(&dir)
                    ),
                });
            }
        };
        let rel: Vec<String> = rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        files.push((rel.join("/"), bytes));
    }
    let published = output_dir::publish_into(&dir, false, |staging| {
        files
            .iter()
            .try_for_each(|(rel, bytes)| output_dir::write_file(staging, rel, bytes))
    })?;
    Ok(output_dir::Written {
        paths: export.files.iter().map(|(p, _)| p.clone()).collect(),
        warnings: published.warnings,
    })
}

#[cfg(test)]
mod tests;

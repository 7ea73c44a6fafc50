//! The qstudy study directory: a manifest (`study.toml`) naming the title, grid, statements,
//! sorts and participants files, optional analysis defaults and factor names, and the writer of
//! a study directory. The simulation design file (`design.toml`) read by `qstudy simulate` is in
//! `study/design.rs`.
//!
//! ```text
//! my-study/
//!   study.toml          title, grid, file names, [analysis] defaults, [factor_names]
//!   statements.csv      id,text,tag
//!   sorts.csv           id,<statement id>,<statement id>,...   (one row per participant)
//!   participants.csv    id,<attribute>,<attribute>,...          (optional)
//! ```

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use toml::Spanned;

use qstudy_core::options::OptionLayer;
use qstudy_core::simulate::Simulated;
use qstudy_core::{Grid, Participant, SortTable};

use crate::error::{ReadError, check_row_exact};
use crate::source::SourceMap;
use crate::{InputFormat, LoadedSorts};

/// The manifest file name of a study directory.
pub const MANIFEST: &str = "study.toml";

/// One statement of a study.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Statement {
    /// Statement id (a positive integer).
    pub id: u32,
    /// Its text.
    pub text: String,
    /// Optional theme tag.
    pub tag: Option<String>,
}

/// The `[analysis]` table a study may carry (analysis defaults; command-line options override
/// them): one [`OptionLayer`], typed, with rotation steps `"A,B,DEG"` and manual flags `"ID=F"`
/// checked when the manifest is read (errors name its line).
pub type AnalysisDefaults = OptionLayer;

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Manifest {
    title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    citation: Option<String>,
    grid: String,
    statements: Spanned<String>,
    sorts: Spanned<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    participants: Option<Spanned<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    analysis: Option<AnalysisDefaults>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    factor_names: BTreeMap<String, String>,
}

/// What a study directory adds to the sorts.
#[derive(Debug, Clone, PartialEq)]
pub struct StudyInfo {
    /// The directory.
    pub dir: PathBuf,
    /// Title.
    pub title: String,
    /// Free description, if any.
    pub description: Option<String>,
    /// How to cite the study, if given.
    pub citation: Option<String>,
    /// The statements, in statement order.
    pub statements: Vec<Statement>,
    /// Participants with attributes, in sort order (empty attributes when there is no
    /// participants file).
    pub participants: Vec<Participant>,
    /// Analysis defaults.
    pub defaults: AnalysisDefaults,
    /// Factor names after interpretation (`F1` -> name).
    pub factor_names: BTreeMap<String, String>,
}

fn study_error(file: &Path, line: Option<usize>, message: impl Into<String>) -> ReadError {
    ReadError::Study {
        file: file.to_path_buf(),
        line,
        message: message.into(),
    }
}

/// A file's text: a regular file within the size limit ([`crate::limits`]).
fn read_text(path: &Path) -> Result<String, ReadError> {
    let bytes = crate::limits::read_input(path)?;
    Ok(crate::text::decode(&bytes))
}

fn line_of(text: &str, byte: usize) -> usize {
    text.as_bytes()[..byte.min(text.len())]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

/// A CSV file as (line, fields) records; the first is the header. Blank lines are skipped.
fn csv_records(path: &Path) -> Result<Vec<(usize, Vec<String>)>, ReadError> {
    let text = read_text(path)?;
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut out = Vec::new();
    let mut record = csv::StringRecord::new();
    let mut lines = crate::text::Lines::new(&text);
    loop {
        let pos = rdr.position().byte() as usize;
        match rdr.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {
                let start = record.position().map_or(pos, |p| p.byte() as usize);
                if record.len() > crate::limits::MAX_FIELDS {
                    return Err(study_error(
                        path,
                        Some(lines.line_of(start)),
                        crate::limits::over(
                            "the number of fields",
                            record.len(),
                            crate::limits::MAX_FIELDS,
                        ),
                    ));
                }
                let fields: Vec<String> = record.iter().map(|f| f.trim().to_string()).collect();
                if fields.iter().all(String::is_empty) {
                    continue;
                }
                out.push((lines.line_of(start), fields));
            }
            Err(e) => {
                let line = e.position().map(|p| lines.line_of(p.byte() as usize));
                return Err(study_error(path, line, format!("not valid CSV: {e}")));
            }
        }
    }
    if out.is_empty() {
        return Err(ReadError::Empty {
            file: path.to_path_buf(),
            expected: "a header row, then one row per entry",
        });
    }
    Ok(out)
}

fn column(header: &[String], name: &str) -> Option<usize> {
    header.iter().position(|h| h.eq_ignore_ascii_case(name))
}

/// Reads `statements.csv`: columns `id`, `text`, optional `tag`.
pub fn read_statements(path: &Path) -> Result<Vec<Statement>, ReadError> {
    let records = csv_records(path)?;
    let (hline, header) = &records[0];
    let id_col = column(header, "id").ok_or_else(|| {
        study_error(
            path,
            Some(*hline),
            "the header has no 'id' column; expected id,text[,tag]",
        )
    })?;
    let text_col = column(header, "text").ok_or_else(|| {
        study_error(
            path,
            Some(*hline),
            "the header has no 'text' column; expected id,text[,tag]",
        )
    })?;
    let tag_col = column(header, "tag");
    let mut out: Vec<Statement> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for (line, fields) in &records[1..] {
        let get = |c: usize| fields.get(c).map(String::as_str).unwrap_or("");
        let id: u32 = get(id_col).parse().ok().filter(|&v| v > 0).ok_or_else(|| {
            study_error(
                path,
                Some(*line),
                format!("statement id '{}' is not a positive integer", get(id_col)),
            )
        })?;
        if !seen.insert(id) {
            return Err(study_error(
                path,
                Some(*line),
                format!("statement id {id} is given twice"),
            ));
        }
        let text = get(text_col).to_string();
        if text.is_empty() {
            return Err(study_error(
                path,
                Some(*line),
                format!("statement {id} has no text"),
            ));
        }
        let tag = tag_col
            .map(|c| get(c).to_string())
            .filter(|t| !t.is_empty());
        out.push(Statement { id, text, tag });
    }
    if out.len() < 2 {
        return Err(study_error(
            path,
            None,
            format!("{} statement(s); a Q study needs at least 2", out.len()),
        ));
    }
    Ok(out)
}

/// Reads a sorts file with one row per participant: `id,<statement id>,...`. Columns may come
/// in any order; the result follows `statements` order.
fn read_sort_rows(
    path: &Path,
    statements: &[Statement],
) -> Result<(SortTable, SourceMap), ReadError> {
    let records = csv_records(path)?;
    let (hline, header) = &records[0];
    let id_col = column(header, "id").ok_or_else(|| {
        study_error(
            path,
            Some(*hline),
            "the header has no 'id' column; expected id followed by one column per statement id",
        )
    })?;
    let cols = statement_columns(path, *hline, header, id_col, statements)?;
    let mut table = SortTable::default();
    let mut sort_lines = Vec::new();
    let mut first_of: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for (line, fields) in &records[1..] {
        check_row_exact(path, *line, fields, header.len(), *hline)?;
        let id = fields[id_col].clone();
        if let Some(&first) = first_of.get(&id) {
            return Err(study_error(
                path,
                Some(*line),
                format!(
                    "column {}: duplicate sort id '{id}' (first on line {}); ids must be unique",
                    id_col + 1,
                    sort_lines[first]
                ),
            ));
        }
        let (row, missing) = sort_values(path, *line, fields, &id, &cols, statements)?;
        let sort = table.sort_ids.len();
        table
            .missing
            .extend(missing.into_iter().map(|statement| (sort, statement)));
        first_of.insert(id.clone(), sort_lines.len());
        table.sort_ids.push(id);
        table.values.push(row);
        sort_lines.push(*line);
    }
    table.statement_labels = Some(statements.iter().map(|s| s.text.clone()).collect());
    let source = SourceMap::Rows {
        header_line: *hline,
        id_column: id_col + 1,
        sort_lines,
        statement_columns: cols.iter().map(|c| c + 1).collect(),
    };
    Ok((table, source))
}

/// The column (0-based) of each statement, in `statements` order, from a sorts file's header:
/// every column but `id_col` names a statement id, each statement has exactly one.
fn statement_columns(
    path: &Path,
    hline: usize,
    header: &[String],
    id_col: usize,
    statements: &[Statement],
) -> Result<Vec<usize>, ReadError> {
    let mut col_of = vec![None; statements.len()];
    let index_of: std::collections::HashMap<u32, usize> = statements
        .iter()
        .enumerate()
        .map(|(i, st)| (st.id, i))
        .collect();
    for (c, h) in header.iter().enumerate() {
        if c == id_col {
            continue;
        }
        let sid: u32 = h.trim().parse().map_err(|_| {
            study_error(
                path,
                Some(hline),
                format!("column {} header '{h}' is not a statement id", c + 1),
            )
        })?;
        let s = *index_of.get(&sid).ok_or_else(|| {
            study_error(
                path,
                Some(hline),
                format!(
                    "column {} is statement {sid}, which the statements file does not have",
                    c + 1
                ),
            )
        })?;
        if col_of[s].is_some() {
            return Err(study_error(
                path,
                Some(hline),
                format!("statement {sid} has two columns"),
            ));
        }
        col_of[s] = Some(c);
    }
    if let Some(s) = col_of.iter().position(Option::is_none) {
        return Err(study_error(
            path,
            Some(hline),
            format!(
                "no column for statement {}; expected one column per statement",
                statements[s].id
            ),
        ));
    }
    Ok(col_of.into_iter().flatten().collect())
}

/// Sort `id`'s values on `line`, in `statements` order, from its columns `cols`, and the
/// statements (0-based) whose cell is empty (missing).
fn sort_values(
    path: &Path,
    line: usize,
    fields: &[String],
    id: &str,
    cols: &[usize],
    statements: &[Statement],
) -> Result<(Vec<i32>, Vec<usize>), ReadError> {
    let mut row = Vec::with_capacity(cols.len());
    let mut missing = Vec::new();
    for (s, &c) in cols.iter().enumerate() {
        if crate::text::is_missing(&fields[c]) {
            row.push(0);
            missing.push(s);
            continue;
        }
        let v = crate::text::parse_int(&fields[c]).ok_or_else(|| {
            study_error(
                path,
                Some(line),
                format!(
                    "column {} (sort '{id}', statement {}): '{}' is not an integer; expected a whole number such as -3, 0 or +2",
                    c + 1,
                    statements[s].id,
                    fields[c]
                ),
            )
        })?;
        row.push(v);
    }
    Ok((row, missing))
}

/// Reads `participants.csv`: `id` plus attribute columns; every sort must have a row.
fn read_participants(path: &Path, sort_ids: &[String]) -> Result<Vec<Participant>, ReadError> {
    let records = csv_records(path)?;
    let (hline, header) = &records[0];
    let id_col = column(header, "id").ok_or_else(|| {
        study_error(
            path,
            Some(*hline),
            "the header has no 'id' column; expected id followed by attribute columns",
        )
    })?;
    let mut by_id: BTreeMap<String, (usize, BTreeMap<String, String>)> = BTreeMap::new();
    for (line, fields) in &records[1..] {
        check_row_exact(path, *line, fields, header.len(), *hline)?;
        let id = fields[id_col].clone();
        let attributes = header
            .iter()
            .zip(fields)
            .enumerate()
            .filter(|(c, _)| *c != id_col)
            .map(|(_, (h, v))| (h.clone(), v.clone()))
            .collect();
        if by_id.insert(id.clone(), (*line, attributes)).is_some() {
            return Err(study_error(
                path,
                Some(*line),
                format!("participant '{id}' is listed twice"),
            ));
        }
    }
    let mut out = Vec::with_capacity(sort_ids.len());
    for id in sort_ids {
        // `get`, not `remove`: a sort id given twice is reported by the validation of the
        // sorts, with its line.
        let (_, attributes) = by_id.get(id).ok_or_else(|| {
            study_error(
                path,
                None,
                format!(
                    "sort '{id}' has no row; expected one row per participant of the sorts file"
                ),
            )
        })?;
        out.push(Participant {
            id: id.clone(),
            attributes: attributes.clone(),
        });
    }
    let sorted: std::collections::HashSet<&String> = sort_ids.iter().collect();
    if let Some((id, (line, _))) = by_id.iter().find(|(id, _)| !sorted.contains(id)) {
        return Err(study_error(
            path,
            Some(*line),
            format!("participant '{id}' has no sort in the sorts file"),
        ));
    }
    Ok(out)
}

fn parse_manifest<T: for<'de> Deserialize<'de>>(path: &Path) -> Result<(T, String), ReadError> {
    let text = read_text(path)?;
    let value = parse_manifest_text(&text, path)?;
    Ok((value, text))
}

fn parse_manifest_text<T: for<'de> Deserialize<'de>>(
    text: &str,
    path: &Path,
) -> Result<T, ReadError> {
    toml::from_str(text).map_err(|e| {
        let line = e.span().map(|s| line_of(text, s.start));
        let message = e.message().trim();
        let message = match e.span() {
            Some(span) if message == "duplicate key" => duplicate_key(text, span),
            _ => message.to_string(),
        };
        study_error(path, line, message)
    })
}

/// The message of a TOML key given twice (the parser's own says only `duplicate key`): the
/// key as written at `span` and the table it is in (`[analysis]`), or, for a table header
/// given twice, that table.
fn duplicate_key(text: &str, span: std::ops::Range<usize>) -> String {
    let key = text
        .get(span.clone())
        .map(|k| crate::error::one_line(k.trim()))
        .unwrap_or_default();
    let line_start = text
        .get(..span.start)
        .and_then(|before| before.rfind('\n'))
        .map_or(0, |i| i + 1);
    let line = text[line_start..].lines().next().unwrap_or_default();
    // a dotted key (`analysis.factors = 3`) as written, rather than its last part
    let key = match line.find('=') {
        Some(eq) if span.start < line_start + eq && !line.trim_start().starts_with('[') => {
            crate::error::one_line(line[..eq].trim())
        }
        _ => key,
    };
    if header_end(line.trim()).is_some() {
        return format!(
            "duplicate key `{key}`: the table {} is given twice; give each table once",
            header_of(line)
        );
    }
    match table_header_before(&text[..line_start]) {
        Some(header) => format!("duplicate key `{key}` in {header}: give each key once in a table"),
        None => format!("duplicate key `{key}`: give each key once"),
    }
}

/// A table header line (`[analysis]  # comment`) without its comment, on one line.
fn header_of(line: &str) -> String {
    let line = line.trim();
    crate::error::one_line(&line[..header_end(line).unwrap_or(line.len())])
}

/// Where the table header that `line` (trimmed) is ends, after its `]` or `]]`: `None` when
/// the line is not a header (an element of a multi-line array, `[1, 2],`).
fn header_end(line: &str) -> Option<usize> {
    if !line.starts_with('[') || line.contains(',') {
        return None;
    }
    let close = line.find(']')?;
    let end = close + line[close..].chars().take_while(|&c| c == ']').count();
    let rest = line[end..].trim_start();
    (rest.is_empty() || rest.starts_with('#')).then_some(end)
}

/// The last table header (`[analysis]`, `[[x]]`) in `text`, outside multi-line strings.
fn table_header_before(text: &str) -> Option<String> {
    let mut header = None;
    let mut open: Option<&str> = None;
    for line in text.lines() {
        let trimmed = line.trim();
        if let Some(delimiter) = open {
            if trimmed.matches(delimiter).count() % 2 == 1 {
                open = None;
            }
            continue;
        }
        if header_end(trimmed).is_some() {
            header = Some(header_of(trimmed));
            continue;
        }
        open = ["\"\"\"", "'''"]
            .into_iter()
            .find(|d| trimmed.matches(d).count() % 2 == 1);
    }
    header
}

/// Checks a file name given by a manifest, without touching the file system: not empty, no
/// NUL, relative, and no `..` that climbs out of the manifest's directory. Returns the
/// message for the manifest's line when it is refused.
fn check_name(key: &str, name: &str) -> Result<(), String> {
    use std::path::Component;
    let shown = format!("{key} = {:?}", crate::error::one_line(name));
    if name.trim().is_empty() {
        return Err(format!(
            "{shown}: the file name is empty; expected a file in the study directory"
        ));
    }
    if name.contains('\0') {
        return Err(format!("{shown}: the file name holds a NUL character"));
    }
    let path = Path::new(name);
    // `/x`, `C:\x` and `\\server\x` all count as absolute, on every platform.
    let windows_absolute =
        name.starts_with('\\') || name.starts_with('/') || name.as_bytes().get(1) == Some(&b':');
    if path.is_absolute() || path.has_root() || windows_absolute {
        return Err(format!(
            "{shown}: the path is absolute; expected a path relative to the study directory, inside it"
        ));
    }
    let mut depth = 0usize;
    for component in path.components() {
        match component {
            Component::Normal(_) => depth += 1,
            Component::CurDir => {}
            Component::ParentDir => {
                if depth == 0 {
                    return Err(format!(
                        "{shown}: the path leads out of the study directory ('..'); expected a file inside it"
                    ));
                }
                depth -= 1;
            }
            Component::RootDir | Component::Prefix(_) => {
                return Err(format!(
                    "{shown}: the path is absolute; expected a path relative to the study directory, inside it"
                ));
            }
        }
    }
    if depth == 0 {
        return Err(format!(
            "{shown}: names the study directory itself; expected a file in it"
        ));
    }
    Ok(())
}

/// The file a manifest names under `key` (`statements = "..."` on some line of `manifest`):
/// relative, inside `dir` after resolving symbolic links, and a regular file. A symbolic link
/// inside the directory that points inside it is followed; one that points outside is refused,
/// as are absolute paths, `..` that climbs out, devices, pipes and directories. The error names
/// the manifest's line and never reads the file, so nothing of a file outside the study is
/// ever quoted.
fn confined(
    dir: &Path,
    manifest: &Path,
    text: &str,
    key: &str,
    name: &Spanned<String>,
) -> Result<PathBuf, ReadError> {
    let line = Some(line_of(text, name.span().start));
    let refuse = |message: String| study_error(manifest, line, message);
    let value = name.get_ref();
    check_name(key, value).map_err(refuse)?;
    let shown = format!("{key} = {:?}", crate::error::one_line(value));
    let path = dir.join(value);
    let root = std::fs::canonicalize(dir).map_err(|e| crate::io_error(dir, e))?;
    let real = match std::fs::canonicalize(&path) {
        Ok(real) => real,
        // A missing file (or a dangling link): reported as not found, the path as named.
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(ReadError::NotFound { file: path });
        }
        Err(e) => return Err(crate::io_error(&path, e)),
    };
    if !real.starts_with(&root) || real == root {
        return Err(refuse(format!(
            "{shown}: the path resolves (through a symbolic link) to a place outside the study directory; expected a file inside it"
        )));
    }
    let meta = std::fs::metadata(&real).map_err(|e| crate::io_error(&path, e))?;
    crate::limits::check_regular(&path, &meta).map_err(|e| match e {
        ReadError::NotRegular { kind, .. } => ReadError::StudyNotRegular {
            file: manifest.to_path_buf(),
            line,
            named: shown.clone(),
            path: path.clone(),
            kind,
        },
        other => other,
    })?;
    Ok(path)
}

/// The manifest of the study directory `dir` (its path, parsed, and its text): refused when
/// there is none, or when it is a link to a place outside the study.
fn study_manifest(dir: &Path) -> Result<(PathBuf, Manifest, String), ReadError> {
    let manifest_path = dir.join(MANIFEST);
    let Ok(meta) = std::fs::symlink_metadata(&manifest_path) else {
        return Err(study_error(
            dir,
            None,
            format!(
                "is a directory without {MANIFEST}; expected a study directory (see docs/formats.md) or a .csv/.dat file"
            ),
        ));
    };
    if meta.file_type().is_symlink() {
        // A linked manifest must stay inside the study too.
        let root = std::fs::canonicalize(dir).map_err(|e| crate::io_error(dir, e))?;
        let real = std::fs::canonicalize(&manifest_path)
            .map_err(|e| crate::io_error(&manifest_path, e))?;
        if !real.starts_with(&root) {
            return Err(study_error(
                &manifest_path,
                None,
                "is a symbolic link to a place outside the study directory; expected the study's own manifest",
            ));
        }
    }
    let (manifest, text): (Manifest, String) = parse_manifest(&manifest_path)?;
    Ok((manifest_path, manifest, text))
}

/// Reads a study directory (its `study.toml` and the files it names).
///
/// ```no_run
/// let loaded = qstudy_io::read_study(std::path::Path::new("fixtures/apse-2023")).unwrap();
/// assert_eq!(loaded.table.sort_ids.len(), 32);
/// ```
pub fn read_study(dir: &Path) -> Result<LoadedSorts, ReadError> {
    let (manifest_path, manifest, text) = study_manifest(dir)?;
    let grid: Grid = manifest
        .grid
        .parse()
        .map_err(|e| study_error(&manifest_path, None, format!("grid: {e}")))?;
    let statements_path = confined(
        dir,
        &manifest_path,
        &text,
        "statements",
        &manifest.statements,
    )?;
    let sorts_path = confined(dir, &manifest_path, &text, "sorts", &manifest.sorts)?;
    let participants_path = match &manifest.participants {
        Some(p) => Some(confined(dir, &manifest_path, &text, "participants", p)?),
        None => None,
    };
    let statements = crate::statements::read_statement_file(&statements_path)?;
    let (table, source) = read_sort_rows(&sorts_path, &statements)?;
    let participants = match &participants_path {
        Some(p) => read_participants(p, &table.sort_ids)?,
        None => table
            .sort_ids
            .iter()
            .map(|id| Participant {
                id: id.clone(),
                attributes: BTreeMap::new(),
            })
            .collect(),
    };
    let mut defaults = manifest.analysis.unwrap_or_default();
    // names written inside [analysis] count too; [factor_names] wins
    let mut factor_names = std::mem::take(&mut defaults.factor_names);
    factor_names.extend(manifest.factor_names);
    Ok(LoadedSorts {
        grid: Some(grid),
        title: Some(manifest.title.clone()),
        format: InputFormat::Study,
        path: sorts_path,
        source,
        table,
        study: Some(StudyInfo {
            dir: dir.to_path_buf(),
            title: manifest.title,
            description: manifest.description,
            citation: manifest.citation,
            statements,
            participants,
            defaults,
            factor_names,
        }),
        participants: None,
    })
}

mod design;
pub use design::{DesignStudy, read_design};

// ---------------------------------------------------------------------------------------------
// Writing a study directory

fn csv_line(fields: &[String]) -> String {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new());
    // Writing to a Vec cannot fail.
    let _ = w.write_record(fields);
    let bytes = w.into_inner().unwrap_or_default();
    String::from_utf8_lossy(&bytes).into_owned()
}

/// What a study directory holds, for [`study_dir_files`].
#[derive(Debug, Clone, PartialEq)]
pub struct StudyContents<'a> {
    /// A comment line put first in `study.toml` (without the `# `), if any.
    pub comment: Option<String>,
    /// Title.
    pub title: String,
    /// Description.
    pub description: Option<String>,
    /// Citation.
    pub citation: Option<String>,
    /// The grid.
    pub grid: &'a Grid,
    /// The statements, in statement order (their ids head the sorts' columns).
    pub statements: &'a [Statement],
    /// Sort ids, in order.
    pub sort_ids: &'a [String],
    /// One row of values per sort, in statement order.
    pub values: &'a [Vec<i32>],
    /// The cells without a value (`(sort, statement)`, 0-based): written as empty cells.
    pub missing: &'a [(usize, usize)],
    /// Participants with attributes: written as `participants.csv` when given.
    pub participants: Option<&'a [Participant]>,
    /// Analysis defaults.
    pub defaults: Option<AnalysisDefaults>,
    /// Factor names.
    pub factor_names: BTreeMap<String, String>,
}

/// The files of a study directory, by name: `study.toml`, `statements.csv`, `sorts.csv` and,
/// when there are participants, `participants.csv` (one column per attribute any participant
/// has, in name order). Deterministic: the same inputs give the same bytes.
pub fn study_dir_files(c: &StudyContents) -> Vec<(&'static str, String)> {
    let manifest = Manifest {
        title: c.title.clone(),
        description: c.description.clone(),
        citation: c.citation.clone(),
        grid: c.grid.to_string(),
        statements: Spanned::new(0..0, "statements.csv".into()),
        sorts: Spanned::new(0..0, "sorts.csv".into()),
        participants: c
            .participants
            .map(|_| Spanned::new(0..0, "participants.csv".into())),
        // factor names have their own table
        analysis: c.defaults.clone().map(|d| OptionLayer {
            factor_names: BTreeMap::new(),
            ..d
        }),
        factor_names: c.factor_names.clone(),
    };
    let toml_text = toml::to_string(&manifest).unwrap_or_default();
    let study_toml = match &c.comment {
        Some(comment) => format!("# {comment}\n{toml_text}"),
        None => toml_text,
    };
    let mut statements = csv_line(&["id".into(), "text".into(), "tag".into()]);
    for s in c.statements {
        statements.push_str(&csv_line(&[
            s.id.to_string(),
            s.text.clone(),
            s.tag.clone().unwrap_or_default(),
        ]));
    }
    let mut header = vec!["id".to_string()];
    header.extend(c.statements.iter().map(|s| s.id.to_string()));
    let mut sorts = csv_line(&header);
    let missing: std::collections::HashSet<(usize, usize)> = c.missing.iter().copied().collect();
    for (i, (id, row)) in c.sort_ids.iter().zip(c.values).enumerate() {
        let mut fields = vec![id.clone()];
        fields.extend(row.iter().enumerate().map(|(s, v)| {
            if missing.contains(&(i, s)) {
                String::new()
            } else {
                v.to_string()
            }
        }));
        sorts.push_str(&csv_line(&fields));
    }
    let mut files = vec![
        ("study.toml", study_toml),
        ("statements.csv", statements),
        ("sorts.csv", sorts),
    ];
    if let Some(participants) = c.participants {
        let attrs: Vec<String> = participants
            .iter()
            .flat_map(|p| p.attributes.keys().cloned())
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect();
        let mut header = vec!["id".to_string()];
        header.extend(attrs.iter().cloned());
        let mut text = csv_line(&header);
        for p in participants {
            let mut fields = vec![p.id.clone()];
            fields.extend(
                attrs
                    .iter()
                    .map(|a| p.attributes.get(a).cloned().unwrap_or_default()),
            );
            text.push_str(&csv_line(&fields));
        }
        files.push(("participants.csv", text));
    }
    files
}

/// The files of a generated study, by name: `study.toml`, `statements.csv`, `sorts.csv`,
/// `participants.csv`, `truth.csv` (the loadings drawn per participant and viewpoint).
/// Deterministic: the same inputs give the same bytes.
pub fn study_files(ds: &DesignStudy, sim: &Simulated, seed: u64) -> Vec<(&'static str, String)> {
    let mut files = study_dir_files(&StudyContents {
        comment: Some(format!(
            "Generated by `qstudy simulate` (seed {seed}); edit the design, not this file."
        )),
        title: ds.title.clone(),
        description: ds.description.clone(),
        citation: ds.citation.clone(),
        grid: &ds.design.grid,
        statements: &ds.statements,
        sort_ids: &sim.table.sort_ids,
        values: &sim.table.values,
        missing: &sim.table.missing,
        participants: Some(&sim.participants),
        defaults: ds.defaults.clone(),
        factor_names: ds.factor_names.clone(),
    });
    let mut header = vec!["id".to_string()];
    header.extend(ds.design.viewpoints.iter().map(|v| v.name.clone()));
    let mut truth = csv_line(&header);
    for (id, lam) in sim.table.sort_ids.iter().zip(&sim.drawn) {
        let mut fields = vec![id.clone()];
        fields.extend(lam.iter().map(|l| format!("{l:.4}")));
        truth.push_str(&csv_line(&fields));
    }
    files.push(("truth.csv", truth));
    files
}

/// Writes the files of [`study_files`] into `dir` (created if needed): built in a staging
/// directory, then added to `dir` all at once ([`crate::output_dir::publish_into`]), replacing
/// the study files of the same names and nothing else. A failure leaves `dir` as it was.
/// Returns the paths written and the warnings of the run.
pub fn write_study(
    dir: &Path,
    files: &[(&'static str, String)],
) -> Result<crate::output_dir::Written, crate::output_dir::OutputError> {
    use crate::output_dir;
    let published = output_dir::publish_into(dir, false, |staging| {
        files
            .iter()
            .try_for_each(|(name, text)| output_dir::write_file(staging, name, text.as_bytes()))
    })?;
    Ok(output_dir::Written {
        paths: files.iter().map(|(name, _)| dir.join(name)).collect(),
        warnings: published.warnings,
    })
}

#[cfg(test)]
mod tests;

//! What the page saves and downloads, as zip archives: the study directory holding every choice
//! of the session ([`study_zip`]) and the output directory of `qstudy analyze`
//! ([`results_zip`]).

use std::io::Write;
use std::path::Path;

use qstudy_core::AnalysisResults;
use qstudy_io::{OutputFormat, read_sorts};
use zip::write::SimpleFileOptions;

use crate::load::Opened;
use crate::options::{SessionOptions, study_keys};

/// A zip archive of `files` (`/`-separated relative paths), each under `top/`, in the order
/// given, with fixed timestamps (the same files give the same bytes).
fn zip_of(top: &str, files: &[(String, Vec<u8>)]) -> Result<Vec<u8>, String> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .last_modified_time(zip::DateTime::default());
    for (path, bytes) in files {
        zip.start_file(format!("{top}/{path}"), options)
            .map_err(|e| e.to_string())?;
        zip.write_all(bytes).map_err(|e| e.to_string())?;
    }
    Ok(zip.finish().map_err(|e| e.to_string())?.into_inner())
}

/// The study directory of the session as a zip (`NAME/study.toml`, `statements.csv`,
/// `sorts.csv`, `participants.csv`): the sorts, statements and participants of the input, and
/// every choice in `study.toml`'s `[analysis]` and `[factor_names]`, so that `qstudy analyze`
/// on the unpacked directory reproduces the session's results. Written by the study writer of
/// `qstudy convert --to study` (`qstudy_io::export`).
pub fn study_zip(opened: &Opened, options: &SessionOptions, name: &str) -> Result<Vec<u8>, String> {
    let work = tempfile::Builder::new()
        .prefix("qstudy-save-")
        .tempdir()
        .map_err(|e| format!("could not create a temporary directory: {e}"))?;
    // A non-study input is first written as a study (its statements, sorts, participants),
    // then read back: both then go through the same writer.
    let converted;
    let loaded = match &opened.loaded.study {
        Some(_) => &opened.loaded,
        None => {
            let dir = work.path().join("converted");
            let export =
                qstudy_io::export(&opened.loaded, &opened.study, OutputFormat::Study, &dir)
                    .map_err(|e| e.to_string())?;
            qstudy_io::write_export(&export, false).map_err(|e| e.to_string())?;
            converted = read_sorts(&dir, None).map_err(|e| e.to_string())?;
            &converted
        }
    };
    let mut loaded = loaded.clone();
    if let Some(info) = &mut loaded.study {
        info.defaults = study_keys::to_study(options);
        info.factor_names = options.names.clone();
    }
    let out = work.path().join(name);
    let export = qstudy_io::export(&loaded, &opened.study, OutputFormat::Study, &out)
        .map_err(|e| e.to_string())?;
    let comment = format!("# Saved by `qstudy serve` from {}.", opened.shown);
    let files: Vec<(String, Vec<u8>)> = export
        .files
        .into_iter()
        .map(|(path, bytes)| {
            let rel = path
                .strip_prefix(&out)
                .unwrap_or(&path)
                .to_string_lossy()
                .replace('\\', "/");
            let bytes = if rel == qstudy_io::MANIFEST {
                let text = String::from_utf8_lossy(&bytes);
                let body = match text.strip_prefix('#') {
                    Some(rest) => rest.split_once('\n').map_or("", |(_, b)| b).to_string(),
                    None => text.into_owned(),
                };
                format!("{comment}\n{body}").into_bytes()
            } else {
                bytes
            };
            (rel, bytes)
        })
        .collect();
    zip_of(name, &files)
}

/// The files of `qstudy analyze`'s output directory for `results` (results.json, report.lis,
/// results.xlsx, tables/, warnings.txt and, with `plots`, plots/ and report.html), by relative
/// path in a fixed order: written by the same library function as the command
/// ([`qstudy_report::outputs::write_analysis`]) into a private directory, then read back.
pub fn output_files(
    opened: &Opened,
    results: &AnalysisResults,
    plots: bool,
) -> Result<Vec<(String, Vec<u8>)>, String> {
    let dir = tempfile::tempdir().map_err(|e| format!("cannot create a working directory: {e}"))?;
    let title = opened
        .loaded
        .study
        .as_ref()
        .map(|s| s.title.clone())
        .or(opened.loaded.title.clone());
    let ctx = qstudy_report::ReportContext::from_study(title.clone(), &opened.study);
    let figures = qstudy_report::outputs::Figures {
        options: Default::default(),
        info: qstudy_plot::ReportInfo {
            title,
            source: Some(opened.shown.clone()),
        },
    };
    let shown = Path::new(&opened.shown);
    qstudy_report::outputs::write_analysis(
        dir.path(),
        shown,
        results,
        &ctx,
        plots.then_some(&figures),
    )
    .map_err(|e| e.to_string())?;
    let mut files = Vec::new();
    read_tree(dir.path(), "", &mut files)
        .map_err(|e| format!("cannot read the outputs back: {e}"))?;
    Ok(files)
}

/// Every file below `dir`, as (`prefix` + relative path with `/`, bytes), names sorted.
fn read_tree(dir: &Path, prefix: &str, files: &mut Vec<(String, Vec<u8>)>) -> std::io::Result<()> {
    let mut entries: Vec<_> = std::fs::read_dir(dir)?.collect::<Result<_, _>>()?;
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let name = format!("{prefix}{}", entry.file_name().to_string_lossy());
        if entry.file_type()?.is_dir() {
            read_tree(&entry.path(), &format!("{name}/"), files)?;
        } else {
            files.push((name, std::fs::read(entry.path())?));
        }
    }
    Ok(())
}

/// [`output_files`] as a zip under `name/`.
pub fn results_zip(
    opened: &Opened,
    results: &AnalysisResults,
    name: &str,
) -> Result<Vec<u8>, String> {
    zip_of(name, &output_files(opened, results, true)?)
}

/// A file-name-safe stem for the archives: letters, digits, `-`, `_`, `.` kept.
pub fn stem(shown: &str) -> String {
    let base = Path::new(shown)
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "study".into());
    let safe: String = base
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "-_".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    if safe.is_empty() {
        "study".into()
    } else {
        safe
    }
}

//! What the page saves and downloads, as zip archives: the study directory holding every choice
//! of the session ([`study_zip`]) and the output directory of `qstudy analyze`
//! ([`results_zip`]).

use std::io::Write;
use std::path::Path;

use qstudy_app::analysis::{Analyzed, Input};
use qstudy_io::output_dir::MemorySink;
use qstudy_io::{OutputFormat, read_sorts};
use zip::write::SimpleFileOptions;

use crate::error::ServeError;
use crate::options::{PageOptions, study_keys};

/// A zip archive of `files` (`/`-separated relative paths), each under `top/`, in the order
/// given, with fixed timestamps (the same files give the same bytes).
fn zip_of(top: &str, files: &[(String, Vec<u8>)]) -> Result<Vec<u8>, ServeError> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .last_modified_time(zip::DateTime::default());
    for (path, bytes) in files {
        zip.start_file(format!("{top}/{path}"), options)?;
        zip.write_all(bytes).map_err(zip::result::ZipError::Io)?;
    }
    Ok(zip.finish()?.into_inner())
}

/// The study directory of the session as a zip (`NAME/study.toml`, `statements.csv`,
/// `sorts.csv`, `participants.csv`): the sorts, statements and participants of the input, and
/// every choice in `study.toml`'s `[analysis]` and `[factor_names]`, so that `qstudy analyze`
/// on the unpacked directory reproduces the session's results. Written by the study writer of
/// `qstudy convert --to study` (`qstudy_io::export`).
pub fn study_zip(opened: &Input, options: &PageOptions, name: &str) -> Result<Vec<u8>, ServeError> {
    let work = tempfile::Builder::new()
        .prefix("qstudy-save-")
        .tempdir()
        .map_err(|source| ServeError::Disk {
            path: std::env::temp_dir(),
            source,
        })?;
    // A non-study input is first written as a study (its statements, sorts, participants),
    // then read back: both then go through the same writer.
    let converted;
    let loaded = match &opened.loaded.study {
        Some(_) => &opened.loaded,
        None => {
            let dir = work.path().join("converted");
            let export =
                qstudy_io::export(&opened.loaded, &opened.study, OutputFormat::Study, &dir)?;
            qstudy_io::write_export(&export, false)?;
            converted = read_sorts(&dir, None)?;
            &converted
        }
    };
    let mut loaded = loaded.clone();
    if let Some(info) = &mut loaded.study {
        info.defaults = study_keys::to_study(options);
        info.factor_names = options.names.clone();
    }
    let out = work.path().join(name);
    let export = qstudy_io::export(&loaded, &opened.study, OutputFormat::Study, &out)?;
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

/// The files of `qstudy analyze`'s output directory for the analysis (results.json,
/// report.lis, results.xlsx, tables/, warnings.txt and, with `plots`, plots/ and report.html),
/// by relative path in the order of a sorted directory listing: written by the same library
/// function as the command ([`Analyzed::write`]) into memory.
pub fn output_files(
    input: &Input,
    analyzed: &Analyzed,
    plots: bool,
) -> Result<Vec<(String, Vec<u8>)>, ServeError> {
    let sink = MemorySink::default();
    analyzed.write(input, &sink, Path::new(&input.shown), plots)?;
    Ok(sink.into_files())
}

/// [`output_files`] as a zip under `name/`.
pub fn results_zip(input: &Input, analyzed: &Analyzed, name: &str) -> Result<Vec<u8>, ServeError> {
    zip_of(name, &output_files(input, analyzed, true)?)
}

/// A file-name-safe stem for the archives: the input's file stem, letters, digits, `-`, `_`
/// kept (`study` when nothing is left).
pub fn stem(shown: &str) -> String {
    let base = Path::new(shown)
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let safe = qstudy_core::view::file_safe(&base);
    if safe.is_empty() {
        "study".into()
    } else {
        safe
    }
}

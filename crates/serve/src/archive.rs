//! What the page saves and downloads, as zip archives: the study directory holding every choice
//! of the session ([`study_zip`]) and the output directory of `qstudy analyze`
//! ([`results_zip`]).

use std::io::Write;
use std::path::Path;

use qstudy_app::analysis::{Analyzed, Input};
use qstudy_io::output_dir::MemorySink;
use qstudy_io::{StudyChoices, study_directory};
use zip::write::SimpleFileOptions;

use crate::error::ServeError;
use qstudy_core::options::OptionLayer;

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
/// on the unpacked directory reproduces the session's results. Built in memory by the study
/// writer of `qstudy convert --to study` (`qstudy_io::study_directory`).
pub fn study_zip(input: &Input, options: &OptionLayer, name: &str) -> Result<Vec<u8>, ServeError> {
    let choices = StudyChoices {
        comment: format!("Saved by `qstudy serve` from {}.", input.shown),
        defaults: Some(options.clone()),
        factor_names: options.factor_names.clone(),
    };
    let files: Vec<(String, Vec<u8>)> = study_directory(&input.loaded, &input.study, choices)
        .into_iter()
        .map(|(rel, text)| (rel.to_string(), text.into_bytes()))
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

/// A file-name-safe stem for the archives: the input's file stem as a part of a file name
/// ([`qstudy_core::view::file_part`]: kept when it is a short run of ASCII letters, digits, `-`
/// and `_`, otherwise made safe, cut and followed by a hash of it; `study` when there is none).
pub fn stem(shown: &str) -> String {
    let base = Path::new(shown)
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    if base.is_empty() {
        "study".into()
    } else {
        qstudy_core::view::file_part(&base)
    }
}

/// The name of a saved study of the input shown as `shown`: `STEM-study`, or the stem itself
/// when it already ends so (a saved study reopened and saved again, or a study directory
/// uploaded as loose files, shown as `study`).
pub fn study_name(shown: &str) -> String {
    let stem = stem(shown);
    if stem == "study" || stem.ends_with("-study") {
        stem
    } else {
        format!("{stem}-study")
    }
}

#[cfg(test)]
mod tests {
    use super::{stem, study_name};

    #[test]
    fn a_saved_study_is_named_once() {
        assert_eq!(study_name("apse-2023"), "apse-2023-study");
        assert_eq!(study_name("apse-2023-study"), "apse-2023-study");
        assert_eq!(study_name("study"), "study");
    }

    #[test]
    fn archive_stems_are_the_input_name_bounded() {
        assert_eq!(stem("fixtures/lipset/LIPSET.DAT"), "LIPSET");
        assert_eq!(stem("apse-2023"), "apse-2023");
        assert_eq!(stem(""), "study");
        let long = stem(&format!("/tmp/{}.csv", "Survey export ".repeat(20)));
        assert_eq!(long.len(), qstudy_core::view::FILE_PART_MAX);
        assert!(long.starts_with("Survey_export_"), "{long}");
        assert_ne!(stem("my study.csv"), stem("my_study.csv"));
    }
}

//! Dispatch from a format (given, or implied by the extension and told by content) to its
//! reader. See `docs/formats.md` ("Detection").

use std::path::Path;

use crate::csv_rows::{self, Records, RowsRead};
use crate::detect::{self, Detection};
use crate::error::ReadError;
use crate::{InputFormat, LoadedSorts, csv_sorts, json_sorts, pqmethod, xlsx};

/// Non-blank CSV records with their lines (byte-order mark dropped; delimiter `,`, `;` or tab).
pub(crate) fn csv_records(bytes: &[u8], file: &Path) -> Result<Records, ReadError> {
    csv_sorts::read_records(crate::text::strip_bom(bytes), file)
}

/// Reads records in the layout `format` (one of the three CSV layouts).
pub(crate) fn parse_layout(
    records: Records,
    file: &Path,
    format: InputFormat,
) -> Result<RowsRead, ReadError> {
    match format {
        InputFormat::Htmlq => csv_rows::parse_htmlq(records, file),
        InputFormat::CsvRows => csv_rows::parse_rows(records, file),
        _ => Ok((csv_sorts::parse_records(records, file)?, None)),
    }
}

/// A reader's error in a format chosen by content, with the reason (an empty file needs none).
pub(crate) fn detected(err: ReadError, detection: &Detection) -> ReadError {
    match err {
        ReadError::Empty { .. } => err,
        other => ReadError::Detected {
            format: detection.format,
            reason: detection.reason.clone(),
            source: Box::new(other),
        },
    }
}

/// Reads `bytes` as `format`; with `auto`, a CSV-family file is told apart by content.
pub(crate) fn parse_bytes(
    bytes: &[u8],
    path: &Path,
    format: InputFormat,
    auto: bool,
) -> Result<LoadedSorts, ReadError> {
    let (parsed, participants, format) = match format {
        InputFormat::QmethodCsv if auto => {
            let records = csv_records(bytes, path)?;
            let detection = detect::detect_layout(&records);
            let (parsed, participants) = parse_layout(records, path, detection.format)
                .map_err(|e| detected(e, &detection))?;
            (parsed, participants, detection.format)
        }
        InputFormat::QmethodCsv => (csv_sorts::parse(bytes, path)?, None, format),
        InputFormat::CsvRows | InputFormat::Htmlq => {
            let (parsed, participants) = parse_layout(csv_records(bytes, path)?, path, format)?;
            (parsed, participants, format)
        }
        InputFormat::EasyHtmlqJson => {
            let (parsed, participants) = json_sorts::parse(bytes, path)?;
            (parsed, participants, format)
        }
        InputFormat::Xlsx => {
            let (parsed, participants) = xlsx::parse(bytes, path)?;
            (parsed, participants, format)
        }
        InputFormat::PqmethodDat => (pqmethod::parse_dat(bytes, path)?, None, format),
        InputFormat::Study => {
            return Err(ReadError::Study {
                file: path.to_path_buf(),
                line: None,
                message: "a study is a directory; it cannot be read from text".into(),
            });
        }
    };
    let mut loaded = parsed.into_loaded(format, path.to_path_buf());
    loaded.participants = participants;
    Ok(loaded)
}

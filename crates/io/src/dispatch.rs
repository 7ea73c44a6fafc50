//! Dispatch from a format (given, or implied by the extension and told by content) to its
//! reader. See `docs/formats.md` ("Detection").

use std::path::Path;

use crate::csv_rows::Records;
use crate::detect;
use crate::error::ReadError;
use crate::layout::{detected, parse_layout};
use crate::{InputFormat, LoadedSorts, csv_sorts, json_sorts, pqmethod, xlsx};

/// Non-blank CSV records with their lines (byte-order mark dropped; delimiter `,`, `;` or tab).
pub(crate) fn csv_records(bytes: &[u8], file: &Path) -> Result<Records, ReadError> {
    csv_sorts::read_records(crate::text::strip_bom(bytes), file)
}

/// Reads `bytes` as `format`; with `auto`, a CSV-family file is told apart by content. The
/// participant ids from the column (or key) `id_column` when given.
pub(crate) fn parse_bytes(
    bytes: &[u8],
    path: &Path,
    format: InputFormat,
    auto: bool,
    id_column: Option<&str>,
) -> Result<LoadedSorts, ReadError> {
    let (parsed, participants, format) = match format {
        InputFormat::QmethodCsv if auto => {
            let records = csv_records(bytes, path)?;
            let detection = detect::detect_layout(&records, id_column);
            let (parsed, participants) = parse_layout(records, path, detection.format, id_column)
                .map_err(|e| detected(e, &detection))?;
            (parsed, participants, detection.format)
        }
        InputFormat::QmethodCsv => {
            crate::layout::no_id_column(path, format, id_column)?;
            (csv_sorts::parse(bytes, path)?, None, format)
        }
        InputFormat::CsvRows
        | InputFormat::Htmlq
        | InputFormat::NetlifyCsv
        | InputFormat::SheetsCsv => {
            let records = csv_records(bytes, path)?;
            let (parsed, participants) = parse_layout(records, path, format, id_column)?;
            (parsed, participants, format)
        }
        InputFormat::EasyHtmlqJson => {
            let (parsed, participants) = json_sorts::parse(bytes, path, id_column)?;
            (parsed, participants, format)
        }
        InputFormat::Xlsx => {
            let (parsed, participants) = xlsx::parse(bytes, path, id_column)?;
            (parsed, participants, format)
        }
        InputFormat::PqmethodDat => {
            crate::layout::no_id_column(path, format, id_column)?;
            (pqmethod::parse_dat(bytes, path)?, None, format)
        }
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

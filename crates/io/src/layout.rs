//! The three CSV-family layouts (qmethod CSV, participant rows, HTMLQ/FlashQ) read from
//! records, whether the records come from a `.csv` ([`crate::formats`]) or from a workbook
//! sheet ([`crate::xlsx`]): both readers use this module, neither the other.

use std::path::Path;

use crate::csv_rows::{self, Records, RowsRead};
use crate::detect::Detection;
use crate::error::ReadError;
use crate::{InputFormat, csv_sorts};

/// Reads records in the layout `format` (one of the CSV layouts); the participant ids from
/// the column `id_column` when given (a layout without an id column refuses it).
pub(crate) fn parse_layout(
    records: Records,
    file: &Path,
    format: InputFormat,
    id_column: Option<&str>,
) -> Result<RowsRead, ReadError> {
    match format {
        InputFormat::Htmlq => csv_rows::parse_htmlq(records, file, id_column),
        InputFormat::CsvRows => csv_rows::parse_rows(records, file, id_column),
        InputFormat::NetlifyCsv => crate::eqwebsort::parse_netlify(records, file, id_column),
        InputFormat::SheetsCsv => crate::eqwebsort::parse_sheets(records, file, id_column),
        _ => {
            no_id_column(file, format, id_column)?;
            Ok((csv_sorts::parse_records(records, file)?, None))
        }
    }
}

/// Refuses an id column for a layout without one (the qmethod CSV, PQMethod, a study).
pub(crate) fn no_id_column(
    file: &Path,
    format: InputFormat,
    id_column: Option<&str>,
) -> Result<(), ReadError> {
    match id_column {
        Some(column) => Err(ReadError::NoIdColumn {
            file: file.to_path_buf(),
            format,
            column: column.to_string(),
        }),
        None => Ok(()),
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

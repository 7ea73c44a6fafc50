//! The three CSV-family layouts (qmethod CSV, participant rows, HTMLQ/FlashQ) read from
//! records, whether the records come from a `.csv` ([`crate::formats`]) or from a workbook
//! sheet ([`crate::xlsx`]): both readers use this module, neither the other.

use std::path::Path;

use crate::csv_rows::{self, Records, RowsRead};
use crate::detect::Detection;
use crate::error::ReadError;
use crate::{InputFormat, csv_sorts};

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

//! The limits every reader enforces on untrusted input (`docs/formats.md`, "Limits").
//!
//! They are far above any real Q study (10^6 sorts of ~100 statements fit within each of
//! them) and far below what would exhaust the machine: a file beyond one is refused with a
//! one-line error naming the file and the limit, before anything large is allocated.
//!
//! ```
//! use qstudy_io::limits;
//! assert_eq!(limits::MAX_INPUT_BYTES, 1 << 30);
//! assert!(limits::MAX_FIELDS > 1_000_000); // a qmethod CSV of 10^6 sorts has 10^6 columns
//! ```

use std::fs::Metadata;
use std::path::Path;

use crate::error::ReadError;

/// Largest input file read, in bytes (1 GiB): a CSV of 10^6 sorts x 100 statements takes
/// about 310 MB, its JSON export about 350 MB.
pub const MAX_INPUT_BYTES: u64 = 1 << 30;

/// Most fields in one CSV record (header or row), and most columns of a workbook row:
/// 2,000,000 (a qmethod CSV has one column per sort).
pub const MAX_FIELDS: usize = 2_000_000;

/// Most statements a file may declare (PQMethod `.DAT` line 1, statement columns): 10,000.
pub const MAX_STATEMENTS: usize = 10_000;

/// Most sorts a file may declare (PQMethod `.DAT` line 1): 10,000,000.
pub const MAX_SORTS: usize = 10_000_000;

/// Most cells of a workbook sheet that are read, counting the blank cells between used ones
/// that a row is padded with: 150,000,000 (10^6 sorts x 100 statements plus ids and
/// attributes). Rows and columns beyond Excel's own limits (1,048,576 rows, 16,384 columns)
/// are refused as well.
pub const MAX_SHEET_CELLS: usize = 150_000_000;

/// Most bytes a workbook part other than a worksheet may unpack to (256 MiB): the shared
/// strings, styles and workbook parts are read whole, so their unpacked size bounds memory.
pub const MAX_WORKBOOK_PART_BYTES: u64 = 256 << 20;

/// Most bytes a whole workbook may unpack to (8 GiB): worksheets are streamed cell by cell,
/// and this bounds the time a small, highly compressed file can take (10^6 sorts x 100
/// statements unpack to about 4 GB).
pub const MAX_WORKBOOK_UNPACKED_BYTES: u64 = 8 << 30;

/// Excel's last row (1-based).
pub const EXCEL_ROWS: u32 = 1_048_576;

/// Excel's last column (1-based, `XFD`).
pub const EXCEL_COLUMNS: u32 = 16_384;

/// What a path is, for a message about a file that is not a regular file.
fn kind(meta: &Metadata) -> &'static str {
    let t = meta.file_type();
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_fifo() {
            return "a named pipe (FIFO)";
        }
        if t.is_char_device() || t.is_block_device() {
            return "a device";
        }
        if t.is_socket() {
            return "a socket";
        }
    }
    if t.is_dir() {
        "a directory"
    } else {
        "not a regular file"
    }
}

/// Reads a whole input file after checking that it is a regular file (following symbolic
/// links) of at most [`MAX_INPUT_BYTES`]; the read itself stops past the limit too, in case the
/// file grows meanwhile.
pub(crate) fn read_input(path: &Path) -> Result<Vec<u8>, ReadError> {
    use std::io::Read;
    let meta = std::fs::metadata(path).map_err(|e| crate::io_error(path, e))?;
    check_regular(path, &meta)?;
    let file = std::fs::File::open(path).map_err(|e| crate::io_error(path, e))?;
    let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
    file.take(MAX_INPUT_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| crate::io_error(path, e))?;
    if bytes.len() as u64 > MAX_INPUT_BYTES {
        return Err(too_large(path, bytes.len() as u64));
    }
    Ok(bytes)
}

/// Refuses anything but a regular file of at most [`MAX_INPUT_BYTES`].
pub(crate) fn check_regular(path: &Path, meta: &Metadata) -> Result<(), ReadError> {
    if !meta.is_file() {
        return Err(ReadError::NotRegular {
            file: path.to_path_buf(),
            kind: kind(meta),
        });
    }
    if meta.len() > MAX_INPUT_BYTES {
        return Err(too_large(path, meta.len()));
    }
    Ok(())
}

fn too_large(path: &Path, size: u64) -> ReadError {
    ReadError::TooLarge {
        file: path.to_path_buf(),
        size,
        limit: MAX_INPUT_BYTES,
    }
}

/// A message for a count beyond a limit: `'what' is N, above the limit of L`.
pub(crate) fn over(what: &str, found: usize, limit: usize) -> String {
    format!("{what} ({found}) is above the limit of {limit} (see docs/formats.md, \"Limits\")")
}

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
//!
//! **Fuzzing.** Built for a fuzz campaign (`cfg(fuzzing)`, which `cargo fuzz` sets), the byte
//! limits of workbooks (a token, a sheet's base allowance, a part read whole, all parts, the
//! expansion allowance, the shared strings declared) are [`FUZZ_SCALE`] times smaller, so that
//! inputs of kilobytes reach every refusal as megabytes would. The code that enforces them is
//! the same; the real values are tested by `tests/it/xlsx_bombs.rs`.

use std::fs::Metadata;
use std::path::Path;

use crate::error::ReadError;

/// How much smaller the byte limits of workbooks are in a fuzz build (`cfg(fuzzing)`): 256.
pub const FUZZ_SCALE: u64 = 256;

/// `n`, or `n` / [`FUZZ_SCALE`] in a fuzz build.
const fn scaled(n: u64) -> u64 {
    if cfg!(fuzzing) { n / FUZZ_SCALE } else { n }
}

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
pub const MAX_WORKBOOK_PART_BYTES: u64 = scaled(256 << 20);

/// Most bytes the parts of a workbook that calamine reads (sheets, shared strings, styles, the
/// workbook and its relationships) may unpack to in all (8 GiB): worksheets are streamed cell
/// by cell, and this bounds the time a workbook of many small cells can take (10^6 sorts x 100
/// statements unpack to about 4 GB). Parts calamine never reads (pictures, printer settings,
/// document properties) are never unpacked.
pub const MAX_WORKBOOK_UNPACKED_BYTES: u64 = scaled(8 << 30);

/// Longest XML token of a workbook part that calamine reads, in bytes (1 MiB): a tag with its
/// attributes, the text between two tags, or the whole of an element whose content calamine
/// gathers into one value (a string `<si>` or `<is>`, a text `<t>`, a value `<v>`, a defined
/// name). calamine's XML parser holds a token whole in memory, so this bounds the memory one
/// part can take however far it unpacks. An Excel cell holds at most 32,767 characters
/// (196,602 bytes even if every one is written as `&quot;`), and the longest tags of real parts
/// (a sheet's `<row>` and `<c>`, the styles, the workbook's sheet list) are a few hundred bytes.
pub const MAX_XML_TOKEN_BYTES: u64 = scaled(1 << 20);

/// What a worksheet may unpack to beyond [`MAX_SHEET_BYTES_PER_CELL`] per cell, in bytes
/// (4 MiB): the parts of a sheet that are not cells (its views, column widths, merged cells,
/// page setup), and a small sheet's cells with long texts. The largest of these in a real
/// workbook is the column list, at most 16,384 `<col>` elements of ~60 bytes (1 MB).
pub const MAX_SHEET_BASE_BYTES: u64 = scaled(4 << 20);

/// What a worksheet may unpack to per cell element (`<c>`) seen so far, beyond
/// [`MAX_SHEET_BASE_BYTES`], in bytes (4 KiB). Checked while the sheet is unpacked, before
/// calamine reads it: a sheet of filler (a long run of blanks, millions of empty tags) is
/// refused after a few MiB instead of taking seconds and gigabytes. Excel, LibreOffice,
/// rust_xlsxwriter, KADE and Ken-Q write 25-60 bytes per number cell and about 100 per row of
/// markup; a row of a participant with a 3,000-character comment beside 40 sorted values
/// averages under 200 bytes per cell.
pub const MAX_SHEET_BYTES_PER_CELL: u64 = 4 << 10;

/// Most strings a workbook's shared-strings part may declare (`uniqueCount`, which calamine
/// reserves room for before reading them): 16,777,216. A study of 10^6 participants with a
/// unique id and two free-text answers each has about 3 million.
pub const MAX_SHARED_STRINGS: u64 = scaled(1 << 24);

/// Most bytes the parts of a workbook that calamine reads may unpack to per byte of the file
/// read while unpacking them (at most the file's size), beyond
/// [`MAX_WORKBOOK_EXPANSION_BASE_BYTES`]: 200. Real workbooks compress 8-15 times (measured on
/// rust_xlsxwriter sheets of 1.2 million cells, random, identical or blank-but-styled, and
/// shared strings); Apache POI, which KADE reads workbooks with, refuses more than 100 by
/// default. Deflate reaches 1,032, and a sheet of millions of tiny cell elements (`<c/>`) or a
/// shared-strings part of millions of empty strings (`<si/>`) is no filler but takes calamine
/// seconds per GiB and, for the strings, 24 bytes of memory per 5 bytes unpacked: this bounds
/// what the reader does per byte of its input.
pub const MAX_WORKBOOK_EXPANSION: u64 = 200;

/// What the parts of a workbook that calamine reads may unpack to beyond
/// [`MAX_WORKBOOK_EXPANSION`] times the bytes read (4 MiB): a small workbook may compress
/// better than a large one.
pub const MAX_WORKBOOK_EXPANSION_BASE_BYTES: u64 = scaled(4 << 20);

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

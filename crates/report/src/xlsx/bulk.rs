//! The data rows of large workbooks, written straight into their sheets' XML.
//!
//! `rust_xlsxwriter` costs about 400 ns a cell (a map insert, a format lookup, a `write!` and a
//! column name allocated per cell, a row spilled to a temporary file) and compresses the
//! sheets one after the other: 4.5 s for the 11 million cells of a 100,000-sort study, most of
//! the whole `qstudy analyze`. From [`super::FAST_ZIP_VALUES`] values on, the workbook is
//! built in two parts instead:
//!
//! - `rust_xlsxwriter` builds every sheet as before, but the data rows of the per-sort tables
//!   (the rows between a sheet's headers and whatever it has below the table) are not given
//!   to it: [`Rows`] renders them, cell after cell, in the XML `rust_xlsxwriter` writes for a
//!   constant-memory sheet, and hands them in 1 MB pieces to rayon's pool, where each piece is
//!   compressed on its own ([`Segment`]) while the workbook goes on being built. Every sheet of
//!   such a workbook is a constant-memory sheet (text as inline strings, no shared-string
//!   table) and the workbook's formats are registered first, in a fixed order ([`Xf`]), so a
//!   cell's format index is known when its row is rendered.
//! - `rust_xlsxwriter` saves the rest, a skeleton workbook, to memory; [`splice`] puts each
//!   table's pieces into its sheet (after the rows above the table, before the rows below
//!   it), widens the sheet's `<dimension>` to the rows, and copies every other part of the
//!   skeleton as it is.
//!
//! The pieces are cut at row ends past a fixed size and each is compressed alone, so the bytes
//! do not depend on the threads. The result is the workbook `rust_xlsxwriter` writes when it is
//! given every cell of the same constant-memory sheets: a test builds both and compares every
//! part of the two, decompressed, byte for byte. Before splicing, each sheet's column formats
//! are checked against [`Xf`]: a `rust_xlsxwriter` that numbered formats otherwise gives an
//! error, never a wrong workbook.

use std::io::{Cursor, Read, Seek, Write};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

use rust_xlsxwriter::{ColNum, RowNum, XlsxError};
use zip::{ZipArchive, ZipWriter};

use super::Num;

/// The index of each of the workbook's formats in a large workbook: the default format is 0,
/// then bold (titles, row labels), bold and wrapped (column headers), then the number formats
/// in the order of [`Xf::NUMBERS`]; [`super::Formats::registered`] registers them so.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Xf;

impl Xf {
    pub const BOLD: u32 = 1;
    /// The number formats, in the order they are registered after the two bold ones: the
    /// order [`Num`] declares them in.
    pub const NUMBERS: [Num; 5] = [Num::N4, Num::N3, Num::N2, Num::N1, Num::Int];

    /// The index of a number format (a cast: it is asked for every cell).
    pub fn num(n: Num) -> u32 {
        3 + n as u32
    }
}

fn io(e: std::io::Error) -> XlsxError {
    XlsxError::IoError(e)
}

fn zip_error(e: zip::result::ZipError) -> XlsxError {
    XlsxError::ParameterError(format!("assembling the workbook: {e}"))
}

/// Bytes of rendered rows compressed together: a table's rows are cut at the first row end
/// past this size, and each piece is compressed on its own, on rayon's pool, while the
/// workbook goes on being built. A piece's buffer has room for half as much again, so that
/// the row that crosses the size does not make it grow (a row of up to 128 KiB).
const CHUNK: usize = 256 << 10;
/// Bytes of rendered rows a workbook lets wait for compression at most: it bounds the memory
/// of the rows (each new buffer costs its page faults) while the pool keeps busy.
const IN_FLIGHT: usize = 4 << 20;

/// A workbook's pieces on their way to compression: the bytes waiting, and the buffers of
/// pieces already compressed, kept for the next ones (a fresh 1 MB buffer costs its page
/// faults each time).
#[derive(Debug, Default)]
pub(super) struct Queue {
    waiting: AtomicUsize,
    free: Mutex<Vec<Vec<u8>>>,
}

impl Queue {
    fn buffer(&self) -> Vec<u8> {
        let kept = self.free.lock().unwrap_or_else(|e| e.into_inner()).pop();
        kept.unwrap_or_else(|| Vec::with_capacity(CHUNK + CHUNK / 2))
    }

    fn recycle(&self, mut buffer: Vec<u8>) {
        buffer.clear();
        let mut free = self.free.lock().unwrap_or_else(|e| e.into_inner());
        if free.len() < 8 {
            free.push(buffer);
        }
    }
}

/// A piece of a sheet's XML compressed on its own as raw deflate: ended at a byte boundary by
/// a sync flush (or, for the last piece, by the final block), so that the pieces one after the
/// other are one deflate stream (as pigz does). `crc` and `len` are those of the uncompressed
/// bytes.
pub(super) struct Segment {
    bytes: Vec<u8>,
    crc: crc32fast::Hasher,
    len: u64,
}

impl Segment {
    fn of(data: &[u8], level: u32, last: bool) -> Result<Segment, XlsxError> {
        use flate2::{Compress, Compression, FlushCompress, Status};
        thread_local! {
            /// This thread's compressor and its level: setting one up costs as much as
            /// compressing tens of kilobytes.
            static COMPRESS: std::cell::RefCell<Option<(u32, Compress)>> =
                const { std::cell::RefCell::new(None) };
        }
        let flush = if last {
            FlushCompress::Finish
        } else {
            FlushCompress::Sync
        };
        let mut bytes = Vec::with_capacity(data.len() / 4 + 64);
        COMPRESS.with_borrow_mut(|cached| {
            let z = match cached {
                Some((l, z)) if *l == level => {
                    z.reset();
                    z
                }
                _ => {
                    &mut cached
                        .insert((level, Compress::new(Compression::new(level), false)))
                        .1
                }
            };
            loop {
                let read = z.total_in() as usize;
                if bytes.capacity() - bytes.len() < 1024 {
                    bytes.reserve(bytes.capacity().max(4096));
                }
                let status = z
                    .compress_vec(&data[read..], &mut bytes, flush)
                    .map_err(|e| XlsxError::ParameterError(format!("compressing a sheet: {e}")))?;
                let done = z.total_in() as usize == data.len();
                // a flush is complete when the output buffer was not filled
                if done && (status == Status::StreamEnd || !last && bytes.len() < bytes.capacity())
                {
                    return Ok::<(), XlsxError>(());
                }
            }
        })?;
        let mut crc = crc32fast::Hasher::new();
        crc.update(data);
        Ok(Segment {
            bytes,
            crc,
            len: data.len() as u64,
        })
    }
}

/// Where and how a workbook's table rows are compressed: the scope whose tasks compress
/// them, the zip level, and the queue of pieces waiting (shared by all the workbook's tables).
#[derive(Clone)]
pub(super) struct Compression<'a, 's> {
    scope: &'a rayon::Scope<'s>,
    level: u32,
    queue: Arc<Queue>,
}

impl<'a, 's> Compression<'a, 's> {
    pub fn new(scope: &'a rayon::Scope<'s>, level: u32) -> Self {
        Compression {
            scope,
            level,
            queue: Arc::default(),
        }
    }
}

/// A segment being compressed, filled in when its task is done.
type Pending = Arc<OnceLock<Result<Segment, XlsxError>>>;

/// A table's data rows, rendered as sheet XML and compressed piece by piece on rayon's pool.
/// Cells come row after row, left to right within a row, as in a streamed sheet.
pub(super) struct Rows<'a, 's> {
    compression: Compression<'a, 's>,
    buf: Vec<u8>,
    pieces: Vec<Pending>,
    /// The open row, if any.
    row: Option<RowNum>,
    /// The last cell's column in the open row.
    col: Option<ColNum>,
    /// The rows and columns holding cells: first row, last row, first column, last column.
    extent: Option<(RowNum, RowNum, ColNum, ColNum)>,
    /// Column names (`A`, `B`, ..., `AA`, ...), made once per column.
    names: Vec<String>,
    /// The open row's number and a quote (`3"`).
    row_ref: Vec<u8>,
    number: zmij::Buffer,
    integer: itoa::Buffer,
}

impl<'a, 's> Rows<'a, 's> {
    /// Rows whose pieces are compressed as `compression` says.
    pub fn new(compression: &Compression<'a, 's>) -> Rows<'a, 's> {
        Rows {
            buf: compression.queue.buffer(),
            compression: compression.clone(),
            pieces: Vec::new(),
            row: None,
            col: None,
            extent: None,
            names: Vec::new(),
            row_ref: Vec::new(),
            number: zmij::Buffer::new(),
            integer: itoa::Buffer::new(),
        }
    }

    /// Hands the rendered rows to a compression task.
    /// Hands the rendered rows to a compression task, or compresses them here when the
    /// workbook's pieces waiting to be compressed already hold [`IN_FLIGHT`] bytes (so memory
    /// stays bounded when the rows are rendered faster than they are compressed; the bytes
    /// are the same either way).
    fn send(&mut self) {
        let Compression {
            scope,
            level,
            queue,
        } = &self.compression;
        let data = std::mem::replace(&mut self.buf, queue.buffer());
        let slot: Pending = Arc::new(OnceLock::new());
        let len = data.len();
        if queue.waiting.fetch_add(len, Ordering::Relaxed) + len > IN_FLIGHT {
            queue.waiting.fetch_sub(len, Ordering::Relaxed);
            let _ = slot.set(Segment::of(&data, *level, false));
            queue.recycle(data);
        } else {
            let task = Arc::clone(&slot);
            let level = *level;
            let queue = Arc::clone(queue);
            scope.spawn(move |_| {
                let _ = task.set(Segment::of(&data, level, false));
                queue.waiting.fetch_sub(len, Ordering::Relaxed);
                queue.recycle(data);
            });
        }
        self.pieces.push(slot);
    }

    /// Writes `<c r="B3"` (opening `<row r="3">` first when the cell starts a row).
    fn open(&mut self, row: RowNum, col: ColNum) -> Result<(), XlsxError> {
        if self.row != Some(row) {
            if let Some(open) = self.row {
                if row < open {
                    return Err(XlsxError::ParameterError(format!(
                        "row {row} written after row {open}"
                    )));
                }
                self.buf.extend_from_slice(b"</row>");
                if self.buf.len() >= CHUNK {
                    self.send();
                }
            }
            // the row's number and a quote, written once a row
            self.row_ref.clear();
            self.row_ref
                .extend_from_slice(self.integer.format(row + 1).as_bytes());
            self.row_ref.push(b'"');
            self.buf.extend_from_slice(b"<row r=\"");
            self.buf.extend_from_slice(&self.row_ref);
            self.buf.push(b'>');
            self.row = Some(row);
            self.col = None;
        } else if self.col.is_some_and(|c| c >= col) {
            return Err(XlsxError::ParameterError(format!(
                "row {row}: column {col} written after column {}",
                self.col.unwrap_or_default()
            )));
        }
        self.col = Some(col);
        self.extent = Some(match self.extent {
            None => (row, row, col, col),
            Some((r0, r1, c0, c1)) => (r0.min(row), r1.max(row), c0.min(col), c1.max(col)),
        });
        while self.names.len() <= col as usize {
            let next = self.names.len() as ColNum;
            self.names
                .push(rust_xlsxwriter::utility::column_number_to_name(next));
        }
        self.buf.extend_from_slice(b"<c r=\"");
        self.buf
            .extend_from_slice(self.names[col as usize].as_bytes());
        self.buf.extend_from_slice(&self.row_ref);
        Ok(())
    }

    fn style(&mut self, xf: u32) {
        if xf > 0 {
            self.buf.extend_from_slice(b" s=\"");
            self.buf
                .extend_from_slice(self.integer.format(xf).as_bytes());
            self.buf.push(b'"');
        }
    }

    /// A number cell of format `xf`. Like `rust_xlsxwriter`, a NaN or infinite value is
    /// written as the text `NAN`, `INF` or `-INF`.
    pub fn number(&mut self, row: RowNum, col: ColNum, v: f64, xf: u32) -> Result<(), XlsxError> {
        if !v.is_finite() {
            let text = if v.is_nan() {
                "NAN"
            } else if v > 0.0 {
                "INF"
            } else {
                "-INF"
            };
            return self.text(row, col, text, xf);
        }
        self.open(row, col)?;
        self.style(xf);
        self.buf.extend_from_slice(b"><v>");
        self.buf
            .extend_from_slice(self.number.format_finite(v).as_bytes());
        self.buf.extend_from_slice(b"</v></c>");
        Ok(())
    }

    /// A text cell of format `xf`, as an inline string.
    pub fn text(&mut self, row: RowNum, col: ColNum, s: &str, xf: u32) -> Result<(), XlsxError> {
        self.open(row, col)?;
        self.style(xf);
        self.buf.extend_from_slice(b" t=\"inlineStr\"><is><t");
        let edge = ['\t', '\n', ' '];
        if s.starts_with(edge) || s.ends_with(edge) {
            self.buf.extend_from_slice(b" xml:space=\"preserve\"");
        }
        self.buf.push(b'>');
        write_escaped(&mut self.buf, s);
        self.buf.extend_from_slice(b"</t></is></c>");
        Ok(())
    }

    /// The rendered rows, when there are any.
    pub fn finish(mut self) -> Option<Finished> {
        let extent = self.extent?;
        self.buf.extend_from_slice(b"</row>");
        self.send();
        Some(Finished {
            pieces: self.pieces,
            extent,
        })
    }
}

/// Text as the character data of a cell: `&`, `<` and `>` as entities, the control characters
/// XML cannot hold (and U+FFFE, U+FFFF) as `_xHHHH_`, and a literal `_xHHHH_` with its
/// underscore escaped (`_x005F_xHHHH_`), so that Excel reads back the text as written.
fn write_escaped(out: &mut Vec<u8>, s: &str) {
    let bytes = s.as_bytes();
    let mut done = 0;
    for (i, ch) in s.char_indices() {
        let literal_escape = ch == '_'
            && bytes.get(i + 1) == Some(&b'x')
            && bytes.len() >= i + 7
            && bytes[i + 2..i + 6].iter().all(u8::is_ascii_hexdigit)
            && bytes[i + 6] == b'_';
        let control = matches!(ch, '\0'..='\x08' | '\x0B'..='\x1F' | '\u{FFFE}' | '\u{FFFF}');
        if !(literal_escape || control || matches!(ch, '&' | '<' | '>')) {
            continue;
        }
        out.extend_from_slice(&bytes[done..i]);
        done = i + ch.len_utf8();
        match ch {
            '&' => out.extend_from_slice(b"&amp;"),
            '<' => out.extend_from_slice(b"&lt;"),
            '>' => out.extend_from_slice(b"&gt;"),
            '_' => out.extend_from_slice(b"_x005F_"),
            c => out.extend_from_slice(format!("_x{:04X}_", c as u32).as_bytes()),
        }
    }
    out.extend_from_slice(&bytes[done..]);
}

/// A table's rendered rows, compressed (or being compressed) piece by piece.
pub(super) struct Finished {
    pieces: Vec<Pending>,
    extent: (RowNum, RowNum, ColNum, ColNum),
}

/// One sheet's part of the splice: its number in the workbook (1-based, as in
/// `xl/worksheets/sheet3.xml`), its table's rows, and its column formats (column, index),
/// checked against the skeleton.
pub(super) struct Table {
    pub sheet: usize,
    pub rows: Finished,
    pub columns: Vec<(ColNum, u32)>,
}

/// Writes the workbook: the `skeleton` saved by `rust_xlsxwriter`, with each table's rows
/// spliced into its sheet, compressed at zip `level`. The tables' pieces must be compressed
/// (their scope ended).
pub(super) fn splice<W: Write + Seek>(
    skeleton: &[u8],
    tables: Vec<Table>,
    level: u32,
    out: W,
) -> Result<(), XlsxError> {
    let mut parts = ZipArchive::new(Cursor::new(skeleton)).map_err(zip_error)?;
    let mut spliced = Vec::with_capacity(tables.len());
    for table in tables {
        let name = format!("xl/worksheets/sheet{}.xml", table.sheet);
        let mut xml = String::new();
        parts
            .by_name(&name)
            .map_err(zip_error)?
            .read_to_string(&mut xml)
            .map_err(io)?;
        let one = sheet_archive(&name, &xml, table, level)?;
        spliced.push((name, one));
    }
    let mut zip = ZipWriter::new(out);
    for i in 0..parts.len() {
        let part = parts.by_index_raw(i).map_err(zip_error)?;
        match spliced.iter().find(|(name, _)| name == part.name()) {
            Some((_, one)) => {
                let mut one = ZipArchive::new(one.reader()).map_err(zip_error)?;
                zip.raw_copy_file(one.by_index_raw(0).map_err(zip_error)?)
                    .map_err(zip_error)?;
            }
            None => zip.raw_copy_file(part).map_err(zip_error)?,
        }
    }
    zip.finish().map_err(zip_error)?;
    Ok(())
}

/// The sheet `xml` with `table`'s rows spliced in, as a one-part zip archive: its head (to
/// the table, with the `<dimension>` widened), the table's pieces, then its tail, compressed
/// one after the other into one deflate stream.
fn sheet_archive(name: &str, xml: &str, table: Table, level: u32) -> Result<OnePart, XlsxError> {
    let broken = |what: &str| {
        XlsxError::ParameterError(format!(
            "{name}: {what} (the workbook writer's sheet layout is not the one expected)"
        ))
    };
    check_column_formats(xml, &table.columns).map_err(|e| broken(&e))?;
    let Finished { pieces, extent } = table.rows;
    let (dim_at, dim_end, dimension) =
        dimension(xml).ok_or_else(|| broken("no <dimension> element"))?;
    let (r0, r1, c0, c1) = extent;
    // the rows go after the rows above the table, before those below it
    let at = insertion(xml, r1).ok_or_else(|| broken("no <sheetData> rows"))?;
    let (r0, r1, c0, c1) = match parse_range(dimension) {
        Some((a0, a1, b0, b1)) => (r0.min(a0), r1.max(a1), c0.min(b0), c1.max(b1)),
        None => return Err(broken("an unreadable <dimension>")),
    };
    if at < dim_end {
        return Err(broken("rows before the <dimension>"));
    }
    let head = [
        &xml[..dim_at],
        &rust_xlsxwriter::utility::cell_range(r0, c0, r1, c1),
        &xml[dim_end..at],
    ]
    .concat();
    let mut segments = vec![Segment::of(head.as_bytes(), level, false)?];
    for piece in pieces {
        let segment = Arc::into_inner(piece)
            .and_then(OnceLock::into_inner)
            .ok_or_else(|| broken("a piece of its rows was not compressed"))??;
        segments.push(segment);
    }
    segments.push(Segment::of(&xml.as_bytes()[at..], level, true)?);
    one_part_archive(name, segments).ok_or_else(|| broken("over 4 GiB of XML"))
}

/// A zip archive of one part, `name`, whose deflated content is `segments` one after the
/// other: what `zip` writes for a deflated file (no zip64), given content it did not compress
/// itself. `None` when a size needs zip64. It is read in place ([`OnePart::reader`]), without
/// copying the segments together.
fn one_part_archive(name: &str, segments: Vec<Segment>) -> Option<OnePart> {
    let mut crc = crc32fast::Hasher::new();
    let (mut packed, mut unpacked) = (0u64, 0u64);
    for s in &segments {
        crc.combine(&s.crc);
        packed += s.bytes.len() as u64;
        unpacked += s.len;
    }
    let (packed, unpacked) = (u32::try_from(packed).ok()?, u32::try_from(unpacked).ok()?);
    let crc = crc.finalize();
    let name_len = u16::try_from(name.len()).ok()?;
    // DOS date of 1980-01-01 00:00 (zip's `DateTime::default()`), deflate, version 2.0
    let common = |out: &mut Vec<u8>| {
        for v in [20u16, 0, 8, 0, 0x21] {
            out.extend_from_slice(&v.to_le_bytes());
        }
        for v in [crc, packed, unpacked] {
            out.extend_from_slice(&v.to_le_bytes());
        }
        out.extend_from_slice(&name_len.to_le_bytes());
        out.extend_from_slice(&0u16.to_le_bytes()); // extra field
    };
    let mut head = Vec::with_capacity(30 + name.len());
    head.extend_from_slice(&0x0403_4b50u32.to_le_bytes());
    common(&mut head);
    head.extend_from_slice(name.as_bytes());
    let directory = u32::try_from(head.len() as u64 + u64::from(packed)).ok()?;
    let mut tail = Vec::with_capacity(46 + 22 + name.len());
    tail.extend_from_slice(&0x0201_4b50u32.to_le_bytes());
    tail.extend_from_slice(&(3u16 << 8 | 20).to_le_bytes()); // made by: Unix, 2.0
    common(&mut tail);
    tail.extend_from_slice(&[0; 6]); // comment, disk, internal attributes
    tail.extend_from_slice(&(0o100_600u32 << 16).to_le_bytes()); // a file, rw-------
    tail.extend_from_slice(&0u32.to_le_bytes()); // its local header's offset
    tail.extend_from_slice(name.as_bytes());
    let directory_len = tail.len() as u32;
    tail.extend_from_slice(&0x0605_4b50u32.to_le_bytes());
    tail.extend_from_slice(&[0, 0, 0, 0, 1, 0, 1, 0]); // disks, one entry
    tail.extend_from_slice(&directory_len.to_le_bytes());
    tail.extend_from_slice(&directory.to_le_bytes());
    tail.extend_from_slice(&0u16.to_le_bytes()); // comment
    Some(OnePart {
        head,
        segments,
        tail,
    })
}

/// A one-part archive: its local header, its deflated segments, its directory.
struct OnePart {
    head: Vec<u8>,
    segments: Vec<Segment>,
    tail: Vec<u8>,
}

impl OnePart {
    /// The archive's bytes, read and sought in place.
    fn reader(&self) -> Chain<'_> {
        let mut parts = vec![self.head.as_slice()];
        parts.extend(self.segments.iter().map(|s| s.bytes.as_slice()));
        parts.push(&self.tail);
        let len = parts.iter().map(|p| p.len() as u64).sum();
        Chain { parts, pos: 0, len }
    }
}

/// Byte slices read one after the other as one seekable stream.
struct Chain<'a> {
    parts: Vec<&'a [u8]>,
    pos: u64,
    len: u64,
}

impl Read for Chain<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let mut start = 0u64;
        for part in &self.parts {
            let end = start + part.len() as u64;
            if self.pos < end {
                let from = &part[(self.pos - start) as usize..];
                let n = from.len().min(buf.len());
                buf[..n].copy_from_slice(&from[..n]);
                self.pos += n as u64;
                return Ok(n);
            }
            start = end;
        }
        Ok(0)
    }
}

impl Seek for Chain<'_> {
    fn seek(&mut self, to: std::io::SeekFrom) -> std::io::Result<u64> {
        let pos = match to {
            std::io::SeekFrom::Start(p) => Some(p),
            std::io::SeekFrom::End(d) => self.len.checked_add_signed(d),
            std::io::SeekFrom::Current(d) => self.pos.checked_add_signed(d),
        };
        self.pos = pos.ok_or_else(|| {
            std::io::Error::new(std::io::ErrorKind::InvalidInput, "seek before the start")
        })?;
        Ok(self.pos)
    }
}

/// The `<dimension ref="...">` range: where it starts and ends in `xml`, and its text.
fn dimension(xml: &str) -> Option<(usize, usize, &str)> {
    const OPEN: &str = "<dimension ref=\"";
    let at = xml.find(OPEN)? + OPEN.len();
    let end = at + xml[at..].find('"')?;
    Some((at, end, &xml[at..end]))
}

/// `A1` or `A1:H2` as (first row, last row, first column, last column), 0-based.
fn parse_range(range: &str) -> Option<(RowNum, RowNum, ColNum, ColNum)> {
    let (a, b) = range.split_once(':').unwrap_or((range, range));
    let (ra, ca) = parse_cell(a)?;
    let (rb, cb) = parse_cell(b)?;
    Some((ra, rb, ca, cb))
}

fn parse_cell(cell: &str) -> Option<(RowNum, ColNum)> {
    let digits = cell.find(|c: char| c.is_ascii_digit())?;
    let (letters, number) = cell.split_at(digits);
    if letters.is_empty() || !letters.bytes().all(|b| b.is_ascii_uppercase()) {
        return None;
    }
    let col = letters.bytes().try_fold(0u32, |acc, b| {
        acc.checked_mul(26)?.checked_add(u32::from(b - b'A') + 1)
    })?;
    let row: RowNum = number.parse().ok()?;
    Some((
        row.checked_sub(1)?,
        ColNum::try_from(col.checked_sub(1)?).ok()?,
    ))
}

/// Where rows end at `last` (0-based): before the first `<row>` below it, or before
/// `</sheetData>`.
fn insertion(xml: &str, last: RowNum) -> Option<usize> {
    const ROW: &str = "<row r=\"";
    let data = xml.find("<sheetData>")?;
    let end = data + xml[data..].find("</sheetData>")?;
    let mut from = data;
    while let Some(i) = xml[from..end].find(ROW) {
        let at = from + i;
        let number = &xml[at + ROW.len()..end];
        let number = &number[..number.find('"')?];
        let row: RowNum = number.parse().ok()?;
        if row > last + 1 {
            return Some(at);
        }
        from = at + ROW.len();
    }
    Some(end)
}

/// Checks that each of `columns` (column, format index) has that format in the sheet's
/// `<cols>`.
fn check_column_formats(xml: &str, columns: &[(ColNum, u32)]) -> Result<(), String> {
    let mut styles: Vec<(ColNum, ColNum, u32)> = Vec::new();
    let mut rest = xml;
    while let Some(i) = rest.find("<col ") {
        let element = &rest[i..];
        let element = &element[..element.find("/>").unwrap_or(element.len())];
        let attr = |name: &str| -> Option<u32> {
            let key = format!(" {name}=\"");
            let at = element.find(&key)? + key.len();
            element[at..].split('"').next()?.parse().ok()
        };
        if let (Some(min), Some(max)) = (attr("min"), attr("max")) {
            styles.push((
                (min.max(1) - 1) as ColNum,
                (max.max(1) - 1) as ColNum,
                attr("style").unwrap_or(0),
            ));
        }
        rest = &rest[i + 5..];
    }
    for &(col, xf) in columns {
        let found = styles
            .iter()
            .find(|&&(a, b, _)| a <= col && col <= b)
            .map_or(0, |s| s.2);
        if found != xf {
            return Err(format!(
                "column {col} has format {found}, its rows were written with format {xf}"
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn number_formats_are_numbered_in_their_registration_order() {
        for (i, &n) in Xf::NUMBERS.iter().enumerate() {
            assert_eq!(Xf::num(n), 3 + i as u32);
        }
    }

    #[test]
    fn ranges_read_back() {
        assert_eq!(parse_range("A1"), Some((0, 0, 0, 0)));
        assert_eq!(parse_range("B3:AA100002"), Some((2, 100_001, 1, 26)));
        assert_eq!(
            parse_range("XFD1048576"),
            Some((1_048_575, 1_048_575, 16_383, 16_383))
        );
        assert_eq!(parse_range("a1"), None);
        assert_eq!(parse_range("A0"), None);
        assert_eq!(parse_range(""), None);
    }

    #[test]
    fn rows_go_before_the_rows_below_the_table() {
        let xml = "<worksheet><dimension ref=\"A1:C9\"/><sheetData><row r=\"1\"></row>\
                   <row r=\"2\"></row><row r=\"9\"></row></sheetData></worksheet>";
        let at = insertion(xml, 7).unwrap();
        assert!(xml[at..].starts_with("<row r=\"9\""));
        let end = insertion(xml, 8).unwrap();
        assert!(xml[end..].starts_with("</sheetData>"));
    }

    /// A table of many pieces, compressed on the pool and put in a one-part archive, reads
    /// back as the XML it was rendered as.
    #[test]
    fn pieces_make_one_deflate_stream() {
        let mut expected = Vec::from(&b"<head>"[..]);
        let (segments, extent) = rayon::in_place_scope(|scope| {
            let mut rows = Rows::new(&Compression::new(scope, 1));
            for r in 2..30_000u32 {
                rows.text(r, 1, "id&", 0).unwrap();
                expected.extend_from_slice(
                    format!(
                        "<row r=\"{}\"><c r=\"B{0}\" t=\"inlineStr\"><is><t>id&amp;</t></is></c>",
                        r + 1
                    )
                    .as_bytes(),
                );
                for c in 2..8u16 {
                    let v = f64::from(r) / f64::from(c);
                    rows.number(r, c, v, Xf::num(Num::N4)).unwrap();
                    let name = rust_xlsxwriter::utility::column_number_to_name(c);
                    let v = zmij::Buffer::new().format_finite(v).to_string();
                    expected.extend_from_slice(
                        format!("<c r=\"{name}{}\" s=\"3\"><v>{v}</v></c>", r + 1).as_bytes(),
                    );
                }
                expected.extend_from_slice(b"</row>");
            }
            let done = rows.finish().unwrap();
            (done.pieces, done.extent)
        });
        expected.extend_from_slice(b"<tail/>");
        assert_eq!(extent, (2, 29_999, 1, 7));
        assert!(segments.len() > 3, "{} pieces", segments.len());
        let mut all = vec![Segment::of(b"<head>", 1, false).unwrap()];
        for p in segments {
            all.push(Arc::into_inner(p).unwrap().into_inner().unwrap().unwrap());
        }
        all.push(Segment::of(b"<tail/>", 1, true).unwrap());
        let archive = one_part_archive("x/sheet.xml", all).unwrap();
        let mut zip = ZipArchive::new(archive.reader()).unwrap();
        let mut back = Vec::new();
        zip.by_name("x/sheet.xml")
            .unwrap()
            .read_to_end(&mut back)
            .unwrap();
        assert!(
            back == expected,
            "{} vs {} bytes",
            back.len(),
            expected.len()
        );
    }

    #[test]
    fn chained_slices_read_and_seek_as_one() {
        let (a, b, c) = (&b"abc"[..], &b""[..], &b"defg"[..]);
        let mut chain = Chain {
            parts: vec![a, b, c],
            pos: 0,
            len: 7,
        };
        let mut all = Vec::new();
        chain.read_to_end(&mut all).unwrap();
        assert_eq!(all, b"abcdefg");
        assert_eq!(chain.seek(std::io::SeekFrom::End(-5)).unwrap(), 2);
        let mut two = [0; 2];
        chain.read_exact(&mut two).unwrap();
        assert_eq!(&two, b"cd");
        assert_eq!(chain.seek(std::io::SeekFrom::Current(-4)).unwrap(), 0);
        assert!(chain.seek(std::io::SeekFrom::Current(-1)).is_err());
    }

    #[test]
    fn cells_come_in_order() {
        rayon::in_place_scope(|scope| {
            assert!(Rows::new(&Compression::new(scope, 1)).finish().is_none());
            let mut rows = Rows::new(&Compression::new(scope, 1));
            rows.number(5, 3, 1.0, 0).unwrap();
            assert!(rows.number(5, 3, 1.0, 0).is_err());
            assert!(rows.number(4, 4, 1.0, 0).is_err());
        });
    }

    #[test]
    fn column_formats_are_checked_against_the_saved_sheet() {
        let xml = "<cols><col min=\"1\" max=\"1\" width=\"6.7\" style=\"7\" customWidth=\"1\"/>\
                   <col min=\"3\" max=\"5\" width=\"9\" style=\"3\" customWidth=\"1\"/>\
                   <col min=\"6\" max=\"6\" width=\"9\" customWidth=\"1\"/></cols>";
        assert!(check_column_formats(xml, &[(0, 7), (2, 3), (4, 3), (5, 0), (9, 0)]).is_ok());
        let e = check_column_formats(xml, &[(3, 4)]).unwrap_err();
        assert_eq!(
            e,
            "column 3 has format 3, its rows were written with format 4"
        );
        assert!(check_column_formats(xml, &[(1, 3)]).is_err());
    }

    #[test]
    fn text_is_escaped_as_excel_reads_it() {
        let mut out = Vec::new();
        write_escaped(&mut out, "a&b<c>d\u{1}e_x0041_f_x00G1_\tü_x");
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "a&amp;b&lt;c&gt;d_x0001_e_x005F_x0041_f_x00G1_\tü_x"
        );
    }
}

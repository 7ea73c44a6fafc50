//! Workbooks built byte by byte, for the tests and fuzz targets of the workbook reader: a zip
//! writer whose entries are deflate streams given piece by piece, a piece compressed once and
//! its compressed bytes repeated, so that a workbook of a few megabytes can unpack to
//! gigabytes without the test deflating them (the decompression bombs of
//! `docs/formats.md`, "Limits"), and the fuzz input format that builds such a workbook
//! ([`inflated`]).
//!
//! ```
//! use qstudy_io::harness::workbook;
//! // 1 GiB of blanks in the sheet of sorts, in a workbook of about a megabyte.
//! let bomb = workbook::whitespace_bomb(1 << 30);
//! assert!(bomb.len() < 1_200_000, "{}", bomb.len());
//! let err = qstudy_io::read_sorts_from_bytes(&bomb, "bomb.xlsx", None).unwrap_err();
//! assert!(err.to_string().starts_with("bomb.xlsx: part 'xl/worksheets/sheet1.xml': "), "{err}");
//! ```

use flate2::{Compress, Compression, FlushCompress};

/// A part's deflate stream, built piece by piece; [`zip()`] ends it.
#[derive(Clone)]
pub struct Deflate {
    /// The compressed pieces so far, each ending with a full flush (no final block yet).
    data: Vec<u8>,
    /// Bytes it unpacks to.
    size: u64,
    /// CRC-32 of those bytes.
    crc: crc32fast::Hasher,
    /// Bytes of copies of a piece compressed at once, and how hard.
    chunk: usize,
    level: Compression,
}

impl Default for Deflate {
    fn default() -> Self {
        Deflate::new()
    }
}

/// Bytes of text compressed at once when a piece is repeated: the compressed chunk is then
/// repeated as many times as needed.
const CHUNK: usize = 1 << 20;

/// `text` deflated from a fresh state and ended with a full flush: a run of non-final
/// blocks that needs no earlier bytes, so that copies of it can follow each other.
fn flushed(text: &[u8], level: Compression) -> Vec<u8> {
    let mut c = Compress::new(level, false);
    let mut out = Vec::with_capacity(text.len() / 64 + 64);
    loop {
        if out.len() == out.capacity() {
            out.reserve(out.capacity().max(64));
        }
        let done = usize::try_from(c.total_in()).unwrap_or(usize::MAX);
        c.compress_vec(&text[done.min(text.len())..], &mut out, FlushCompress::Full)
            .expect("deflate of a piece of a test workbook");
        let all_in = usize::try_from(c.total_in()).is_ok_and(|n| n == text.len());
        // The flush is complete once a call leaves room in the output.
        if all_in && out.len() < out.capacity() {
            return out;
        }
    }
}

/// Appends `piece` to `total` `times` times (its CRC-32 combined by doubling).
fn combine_times(total: &mut crc32fast::Hasher, piece: &crc32fast::Hasher, mut times: u64) {
    let mut power = piece.clone();
    while times > 0 {
        if times & 1 == 1 {
            total.combine(&power);
        }
        times >>= 1;
        if times > 0 {
            let p = power.clone();
            power.combine(&p);
        }
    }
}

impl Deflate {
    /// An empty stream, compressed as tightly as deflate can (a megabyte of copies of a piece
    /// at a time, at the best level).
    pub fn new() -> Deflate {
        Deflate {
            data: Vec::new(),
            size: 0,
            crc: crc32fast::Hasher::new(),
            chunk: CHUNK,
            level: Compression::best(),
        }
    }

    /// An empty stream compressed more quickly (64 KiB of copies of a piece at a time), for
    /// fuzz inputs: 250-500 bytes unpacked per byte instead of 1,000.
    pub fn quick() -> Deflate {
        Deflate {
            chunk: 64 << 10,
            level: Compression::best(),
            ..Deflate::new()
        }
    }

    /// A stream of `text`.
    pub fn of(text: &[u8]) -> Deflate {
        let mut d = Deflate::new();
        d.push(text, 1);
        d
    }

    /// Appends `text`, `times` times: up to a megabyte of copies is compressed once, and its
    /// compressed bytes are repeated.
    pub fn push(&mut self, text: &[u8], times: u64) {
        if text.is_empty() || times == 0 {
            return;
        }
        let per_chunk = (self.chunk / text.len()).max(1) as u64;
        let per_chunk = per_chunk.min(times);
        let copies = |n: u64| -> Vec<u8> {
            let n = usize::try_from(n).unwrap_or(usize::MAX);
            text.repeat(n)
        };
        let chunk = copies(per_chunk);
        let compressed = flushed(&chunk, self.level);
        let mut crc = crc32fast::Hasher::new();
        crc.update(&chunk);
        let whole = times / per_chunk;
        for _ in 0..whole {
            self.data.extend_from_slice(&compressed);
        }
        combine_times(&mut self.crc, &crc, whole);
        let rest = times % per_chunk;
        if rest > 0 {
            let tail = copies(rest);
            self.data.extend_from_slice(&flushed(&tail, self.level));
            self.crc.update(&tail);
        }
        self.size += times * text.len() as u64;
    }

    /// Appends `text` uncompressed (stored blocks of up to 65,535 bytes), `times` times: a
    /// stream of a chosen ratio, with [`Deflate::push`].
    pub fn push_stored(&mut self, text: &[u8], times: u64) {
        let mut blocks = Vec::new();
        for block in text.chunks(usize::from(u16::MAX)) {
            let len = block.len() as u16;
            // Not final, stored; the stream is at a byte boundary after a full flush.
            blocks.push(0x00);
            blocks.extend_from_slice(&len.to_le_bytes());
            blocks.extend_from_slice(&(!len).to_le_bytes());
            blocks.extend_from_slice(block);
        }
        let mut crc = crc32fast::Hasher::new();
        crc.update(text);
        for _ in 0..times {
            self.data.extend_from_slice(&blocks);
        }
        combine_times(&mut self.crc, &crc, times);
        self.size += times * text.len() as u64;
    }

    /// Bytes the stream unpacks to so far.
    pub fn unpacked_len(&self) -> u64 {
        self.size
    }
}

/// A zip archive of deflated entries (ZIP64 sizes for those of 4 GiB or more), the way a
/// spreadsheet program writes one: sizes and CRC-32 in the local and central headers.
pub fn zip(entries: &[(&str, Deflate)]) -> Vec<u8> {
    let (mut out, mut central) = (Vec::new(), Vec::new());
    for (name, d) in entries {
        let mut data = d.data.clone();
        // The final block: empty, fixed Huffman codes.
        data.extend_from_slice(&[0x03, 0x00]);
        let (packed, size, crc) = (data.len() as u64, d.size, d.crc.clone().finalize());
        let zip64 = packed >= u64::from(u32::MAX) || size >= u64::from(u32::MAX);
        let offset = u32::try_from(out.len()).unwrap_or(u32::MAX);
        let (packed32, size32) = if zip64 {
            (u32::MAX, u32::MAX)
        } else {
            (packed as u32, size as u32)
        };
        let mut extra = Vec::new();
        if zip64 {
            extra.extend_from_slice(&1u16.to_le_bytes());
            extra.extend_from_slice(&16u16.to_le_bytes());
            extra.extend_from_slice(&size.to_le_bytes());
            extra.extend_from_slice(&packed.to_le_bytes());
        }
        let version: u16 = if zip64 { 45 } else { 20 };
        let common = |v: &mut Vec<u8>| {
            v.extend_from_slice(&version.to_le_bytes()); // version needed
            v.extend_from_slice(&0u16.to_le_bytes()); // flags
            v.extend_from_slice(&8u16.to_le_bytes()); // deflated
            v.extend_from_slice(&0u16.to_le_bytes()); // time
            v.extend_from_slice(&0x21u16.to_le_bytes()); // date: 1980-01-01
            v.extend_from_slice(&crc.to_le_bytes());
            v.extend_from_slice(&packed32.to_le_bytes());
            v.extend_from_slice(&size32.to_le_bytes());
            v.extend_from_slice(&(name.len() as u16).to_le_bytes());
            v.extend_from_slice(&(extra.len() as u16).to_le_bytes());
        };
        out.extend_from_slice(b"PK\x03\x04");
        common(&mut out);
        out.extend_from_slice(name.as_bytes());
        out.extend_from_slice(&extra);
        out.extend_from_slice(&data);
        central.extend_from_slice(b"PK\x01\x02");
        central.extend_from_slice(&version.to_le_bytes()); // version made by
        common(&mut central);
        // Comment length, disk, internal and external attributes.
        central.extend_from_slice(&[0; 10]);
        central.extend_from_slice(&offset.to_le_bytes());
        central.extend_from_slice(name.as_bytes());
        central.extend_from_slice(&extra);
    }
    let at = u32::try_from(out.len()).unwrap_or(u32::MAX);
    let (len, n) = (central.len() as u32, entries.len() as u16);
    out.extend_from_slice(&central);
    out.extend_from_slice(b"PK\x05\x06\0\0\0\0");
    out.extend_from_slice(&n.to_le_bytes());
    out.extend_from_slice(&n.to_le_bytes());
    out.extend_from_slice(&len.to_le_bytes());
    out.extend_from_slice(&at.to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes());
    out
}

const NS: &str = "http://schemas.openxmlformats.org";

/// The start of a sheet, up to and including `<sheetData>`.
pub const SHEET_START: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><dimension ref="A1:D4"/><sheetData>"#;

/// The end of a sheet, from `</sheetData>` on.
pub const SHEET_END: &str = "</sheetData></worksheet>";

/// The rows of the sheet `sorts` of [`parts`]: a header of statement numbers under `id`, and
/// three participants (their ids shared strings 1..3).
pub const SORTS_ROWS: &str = concat!(
    r#"<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1"><v>1</v></c><c r="C1"><v>2</v></c><c r="D1"><v>3</v></c></row>"#,
    r#"<row r="2"><c r="A2" t="s"><v>1</v></c><c r="B2"><v>-1</v></c><c r="C2"><v>0</v></c><c r="D2"><v>1</v></c></row>"#,
    r#"<row r="3"><c r="A3" t="s"><v>2</v></c><c r="B3"><v>1</v></c><c r="C3"><v>0</v></c><c r="D3"><v>-1</v></c></row>"#,
    r#"<row r="4"><c r="A4" t="s"><v>3</v></c><c r="B4"><v>0</v></c><c r="C4"><v>1</v></c><c r="D4"><v>-1</v></c></row>"#,
);

/// The parts of a small valid workbook (sheets `sorts` and `statements`, shared strings,
/// styles), by name, as written by a spreadsheet program; `sheet` is the sheet of sorts.
pub fn parts(sheet: Deflate) -> Vec<(&'static str, Deflate)> {
    let text = |s: String| Deflate::of(s.as_bytes());
    let xml = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#;
    vec![
        (
            "[Content_Types].xml",
            text(format!(
                r#"{xml}<Types xmlns="{NS}/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/worksheets/sheet2.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/><Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/></Types>"#
            )),
        ),
        (
            "_rels/.rels",
            text(format!(
                r#"{xml}<Relationships xmlns="{NS}/package/2006/relationships"><Relationship Id="rId1" Type="{NS}/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#
            )),
        ),
        (
            "xl/workbook.xml",
            text(format!(
                r#"{xml}<workbook xmlns="{NS}/spreadsheetml/2006/main" xmlns:r="{NS}/officeDocument/2006/relationships"><sheets><sheet name="sorts" sheetId="1" r:id="rId1"/><sheet name="statements" sheetId="2" r:id="rId2"/></sheets></workbook>"#
            )),
        ),
        (
            "xl/_rels/workbook.xml.rels",
            text(format!(
                r#"{xml}<Relationships xmlns="{NS}/package/2006/relationships"><Relationship Id="rId1" Type="{NS}/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="{NS}/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet2.xml"/><Relationship Id="rId3" Type="{NS}/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/><Relationship Id="rId4" Type="{NS}/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>"#
            )),
        ),
        ("xl/worksheets/sheet1.xml", sheet),
        (
            "xl/worksheets/sheet2.xml",
            text(format!(
                r#"{SHEET_START}<row r="1"><c r="A1" t="s"><v>4</v></c></row><row r="2"><c r="A2" t="s"><v>5</v></c></row><row r="3"><c r="A3" t="s"><v>6</v></c></row><row r="4"><c r="A4" t="s"><v>7</v></c></row>{SHEET_END}"#
            )),
        ),
        (
            "xl/sharedStrings.xml",
            text(format!(
                r#"{xml}<sst xmlns="{NS}/spreadsheetml/2006/main" count="8" uniqueCount="8"><si><t>id</t></si><si><t>P1</t></si><si><t>P2</t></si><si><t>P3</t></si><si><t>Statements</t></si><si><t>one</t></si><si><t>two</t></si><si><t>three</t></si></sst>"#
            )),
        ),
        (
            "xl/styles.xml",
            text(format!(
                r#"{xml}<styleSheet xmlns="{NS}/spreadsheetml/2006/main"><numFmts count="0"/><cellXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/></cellXfs></styleSheet>"#
            )),
        ),
    ]
}

/// The sheet of sorts of [`parts`], valid, with `filler` repeated `times` times after its
/// rows (inside `<sheetData>`).
fn sheet_with(filler: &[u8], times: u64) -> Deflate {
    let mut sheet = Deflate::of(format!("{SHEET_START}{SORTS_ROWS}").as_bytes());
    sheet.push(filler, times);
    sheet.push(SHEET_END.as_bytes(), 1);
    sheet
}

/// A workbook whose sheet of sorts holds one run of `blanks` spaces after its rows: one text
/// token of that length (issue 20: 7.5 GiB of them in a 7.8 MB workbook took 8 GB and 18 s).
pub fn whitespace_bomb(blanks: u64) -> Vec<u8> {
    zip(&parts(sheet_with(b" ", blanks)))
}

/// A workbook whose sheet of sorts holds about `bytes` of empty tags `<a/>` after its rows
/// (issue 20: 1 GiB of them in a 1 MB workbook took 25 s).
pub fn empty_tags_bomb(bytes: u64) -> Vec<u8> {
    zip(&parts(sheet_with(b"<a/>", bytes / 4)))
}

/// Most bytes [`inflated`] repeats a piece to: 12 MiB, past every limit of the scan of the
/// parts (a token, the allowance of a sheet, and, for a short piece, the bytes unpacked per
/// byte read of a small file), and quick enough to fuzz; 1 MiB in a fuzz build, whose limits
/// are [`limits::FUZZ_SCALE`] times smaller but whose allowance per byte read is the same.
///
/// [`limits::FUZZ_SCALE`]: crate::limits::FUZZ_SCALE
pub const MAX_INFLATED: u64 = if cfg!(fuzzing) { 1 << 20 } else { 12 << 20 };

/// The workbook of a fuzz input: byte 0 chooses which part of [`parts`] the input replaces
/// (its value modulo 6: the sheet of sorts, the sheet of statements, the shared strings, the
/// styles, the workbook, the workbook's relationships), bytes 1-2 a repeat count (byte 1,
/// doubled as many times as byte 2 is above 240: up to 255 x 2^15), and the rest is the part's
/// text as `PREFIX NUL PIECE NUL SUFFIX`: the piece repeated that many times, up to
/// [`MAX_INFLATED`] bytes, so that an input of a few hundred bytes unpacks to megabytes (and a
/// random byte 2 mostly does not: fuzzing stays quick).
pub fn inflated(bytes: &[u8]) -> Vec<u8> {
    const CHOSEN: [&str; 6] = [
        "xl/worksheets/sheet1.xml",
        "xl/worksheets/sheet2.xml",
        "xl/sharedStrings.xml",
        "xl/styles.xml",
        "xl/workbook.xml",
        "xl/_rels/workbook.xml.rels",
    ];
    let chosen = CHOSEN[usize::from(bytes.first().copied().unwrap_or(0)) % CHOSEN.len()];
    let times = match bytes.get(1..3) {
        Some(&[count, doublings]) => u64::from(count) << doublings.saturating_sub(240),
        _ => 1,
    };
    let mut text = bytes.get(3..).unwrap_or_default().splitn(3, |&b| b == 0);
    let (prefix, piece, suffix) = (
        text.next().unwrap_or_default(),
        text.next().unwrap_or_default(),
        text.next().unwrap_or_default(),
    );
    let times = times.min(MAX_INFLATED / (piece.len() as u64).max(1));
    let mut part = Deflate::quick();
    part.push(prefix, 1);
    part.push(piece, times);
    part.push(suffix, 1);
    let mut all = parts(sheet_with(b"", 0));
    for (name, d) in all.iter_mut() {
        if *name == chosen {
            *d = part.clone();
        }
    }
    zip(&all)
}

/// The bytes of a fuzz input for [`inflated`] (its inverse): the piece repeated `count` x
/// 2^`doublings` times (`doublings` up to 15).
pub fn inflated_input(
    part: u8,
    (count, doublings): (u8, u8),
    prefix: &str,
    piece: &str,
    suffix: &str,
) -> Vec<u8> {
    let mut v = vec![
        part,
        count,
        if doublings == 0 {
            0
        } else {
            240 + doublings.min(15)
        },
    ];
    for (i, t) in [prefix, piece, suffix].iter().enumerate() {
        if i > 0 {
            v.push(0);
        }
        v.extend_from_slice(t.as_bytes());
    }
    v
}

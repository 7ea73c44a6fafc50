//! The parts of a workbook's zip archive, measured and scanned before calamine opens it.
//!
//! Deflate reaches ~1000:1, so a small `.xlsx` can unpack to gigabytes, and calamine's XML
//! parser (quick-xml) holds each token whole in memory: one run of blanks or one tag of
//! gigabytes would take gigabytes, and a sheet of nothing but empty tags would take
//! calamine seconds per gigabyte. So every part calamine will read is unpacked here first, in
//! chunks, into nothing, and scanned as it streams (docs/formats.md, "Limits"):
//!
//! - every XML token (a tag with its attributes, the text between two tags, or the whole of an
//!   element whose content calamine gathers into one value: `<si>`, `<is>`, `<t>`, `<v>`,
//!   `<definedName>`) is at most [`limits::MAX_XML_TOKEN_BYTES`];
//! - a sheet unpacks to at most [`limits::MAX_SHEET_BASE_BYTES`] plus
//!   [`limits::MAX_SHEET_BYTES_PER_CELL`] per cell element (`<c>`) seen so far, so that its
//!   bytes are cells, not filler;
//! - the shared strings declare (`uniqueCount`, reserved by calamine up front) at most
//!   [`limits::MAX_SHARED_STRINGS`];
//! - a part read whole unpacks to at most [`limits::MAX_WORKBOOK_PART_BYTES`], all of them to
//!   at most [`limits::MAX_WORKBOOK_UNPACKED_BYTES`];
//! - all of them unpack to at most [`limits::MAX_WORKBOOK_EXPANSION`] bytes per byte of the
//!   file read so far, plus [`limits::MAX_WORKBOOK_EXPANSION_BASE_BYTES`]: a sheet of
//!   millions of tiny cells, or shared strings of millions of empty ones, are no filler, but
//!   take calamine time (and memory) per byte; this holds them to what the input's size
//!   allows.
//!
//! Each is checked after every chunk of [`CHUNK`] bytes, so a bomb is refused after a few
//! MiB of unpacking, before calamine reads anything. The scanner follows quick-xml's rules for
//! where a token ends (quotes in tags, `-->`, `]]>`, `?>`), erring on the long side: a
//! `<!DOCTYPE` runs to the end of the part. Parts calamine never reads (pictures, printer
//! settings, document properties) are never unpacked.

use std::cell::Cell;
use std::io::{Cursor, Read, Seek, SeekFrom};
use std::path::Path;
use std::rc::Rc;

use crate::error::{ReadError, content};
use crate::limits;

/// Bytes unpacked between two checks.
const CHUNK: usize = 64 << 10;

/// Most text elements tracked open at once (they nest one or two deep in real parts): beyond
/// it, the rest of the part is held to one token's length.
const MAX_OPEN: usize = 16;

/// The elements whose whole content calamine gathers into one buffer or string (a shared or
/// inline string, its text runs, a cell value, a defined name), by local name.
const TEXT_ELEMENTS: [&[u8]; 5] = [b"si", b"is", b"t", b"v", b"definedName"];

/// How calamine reads a part of the archive.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    /// The shared strings, read whole.
    SharedStrings,
    /// The styles, the workbook or its relationships, read whole.
    Whole,
    /// A sheet, streamed cell by cell.
    Sheet,
}

/// How calamine reads the part named `name`, if it ever does. calamine looks parts up by name
/// ignoring ASCII case and `\` against `/`, and opens a sheet at any path `xl/worksheets/...`
/// (or `chartsheets`, `dialogsheets`) the workbook's relationships name.
fn kind(name: &str) -> Option<Kind> {
    let n = name.replace('\\', "/").to_ascii_lowercase();
    match n.as_str() {
        "xl/sharedstrings.xml" => Some(Kind::SharedStrings),
        "xl/styles.xml" | "xl/workbook.xml" | "xl/_rels/workbook.xml.rels" => Some(Kind::Whole),
        _ if n.starts_with("xl/")
            && matches!(
                n.split('/').nth(1),
                Some("worksheets" | "chartsheets" | "dialogsheets")
            ) =>
        {
            Some(Kind::Sheet)
        }
        _ => None,
    }
}

/// The file, counting the bytes the zip reader reads from it.
struct Counted<'a> {
    inner: Cursor<&'a [u8]>,
    read: Rc<Cell<u64>>,
}

impl Read for Counted<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.read.set(self.read.get().saturating_add(n as u64));
        Ok(n)
    }
}

impl Seek for Counted<'_> {
    fn seek(&mut self, pos: SeekFrom) -> std::io::Result<u64> {
        self.inner.seek(pos)
    }
}

/// Why a part is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Over {
    /// A token (or text element) starting at this byte runs past the limit.
    Token { start: u64 },
    /// A sheet of this many bytes has this few cells.
    Sheet { bytes: u64, cells: u64 },
    /// The shared strings declare this many strings.
    SharedStrings { declared: u128 },
    /// The parts read so far unpack to more than this many bytes, from this many bytes read.
    Expansion { allowed: u64, read: u64 },
}

/// Where the scanner is within the XML.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// Text between tokens.
    Text,
    /// Just after a `<`.
    Open,
    /// Just after `<!`.
    Bang,
    /// In `<!--`...`-->`.
    Comment,
    /// In `<![`...`]]>`.
    CData,
    /// In `<!DOCTYPE`: to the end of the part (its end is not looked for).
    Doctype,
    /// In `<?`...`?>`.
    Pi,
    /// In a start or end tag: `quote` is the open quote (0 outside quotes).
    Tag { end: bool, quote: u8 },
}

/// The streaming scan of one part.
struct Scan {
    kind: Kind,
    /// Bytes of the part before the current chunk.
    at: u64,
    /// Where the current token began.
    token_start: u64,
    state: State,
    /// The last two bytes of the current token (for `-->`, `]]>`, `?>` and `/>`).
    last: [u8; 2],
    /// The name of the current tag, while `naming`.
    name: Vec<u8>,
    naming: bool,
    /// The bytes of an `<sst>` tag, for its `uniqueCount`.
    sst: Option<Vec<u8>>,
    /// The open text elements: qualified name and where their start tag began.
    open: Vec<(Vec<u8>, u64)>,
    /// Where the earliest text element left untracked (beyond [`MAX_OPEN`]) began.
    untracked: Option<u64>,
    /// Cell elements seen.
    cells: u64,
}

impl Scan {
    fn new(kind: Kind) -> Scan {
        Scan {
            kind,
            at: 0,
            token_start: 0,
            state: State::Text,
            last: [0; 2],
            name: Vec::new(),
            naming: false,
            sst: None,
            open: Vec::new(),
            untracked: None,
            cells: 0,
        }
    }

    /// Scans the next chunk of the part, then checks the limits at its end.
    fn feed(&mut self, chunk: &[u8]) -> Result<(), Over> {
        let mut i = 0;
        while i < chunk.len() {
            i = self.step(chunk, i)?;
        }
        self.at += chunk.len() as u64;
        self.check(self.at)
    }

    /// The limits at offset `now` of the part: the current token, the open text elements
    /// and, in a sheet, the bytes for the cells seen.
    fn check(&self, now: u64) -> Result<(), Over> {
        let max = limits::MAX_XML_TOKEN_BYTES;
        if now - self.token_start > max {
            return Err(Over::Token {
                start: self.token_start,
            });
        }
        let oldest = self.open.iter().map(|o| o.1).chain(self.untracked).min();
        if let Some(start) = oldest.filter(|&s| now - s > max) {
            return Err(Over::Token { start });
        }
        self.check_sheet(now)
    }

    /// In a sheet, the bytes up to offset `now` against the cells seen.
    fn check_sheet(&self, now: u64) -> Result<(), Over> {
        if self.kind == Kind::Sheet {
            let allowed = limits::MAX_SHEET_BASE_BYTES
                .saturating_add(self.cells.saturating_mul(limits::MAX_SHEET_BYTES_PER_CELL));
            if now > allowed {
                return Err(Over::Sheet {
                    bytes: now,
                    cells: self.cells,
                });
            }
        }
        Ok(())
    }

    /// Remembers the last two bytes of the token.
    fn saw(&mut self, b: u8) {
        self.last = [self.last[1], b];
    }

    /// A token ends at chunk[i] (included); the text after it begins.
    fn end_token(&mut self, i: usize) -> Result<(), Over> {
        let end = self.at + i as u64 + 1;
        if end - self.token_start > limits::MAX_XML_TOKEN_BYTES {
            return Err(Over::Token {
                start: self.token_start,
            });
        }
        self.token_start = end;
        self.state = State::Text;
        Ok(())
    }

    /// Scans from chunk[i] within the current state; returns where to go on.
    fn step(&mut self, chunk: &[u8], i: usize) -> Result<usize, Over> {
        match self.state {
            State::Text => match memchr::memchr(b'<', &chunk[i..]) {
                Some(k) => {
                    let lt = self.at + (i + k) as u64;
                    if lt - self.token_start > limits::MAX_XML_TOKEN_BYTES {
                        return Err(Over::Token {
                            start: self.token_start,
                        });
                    }
                    self.token_start = lt;
                    self.state = State::Open;
                    self.last = [0, b'<'];
                    Ok(i + k + 1)
                }
                None => Ok(chunk.len()),
            },
            State::Open => {
                let b = chunk[i];
                self.name.clear();
                self.naming = true;
                self.sst = None;
                match b {
                    b'!' => {
                        self.state = State::Bang;
                        self.saw(b);
                        Ok(i + 1)
                    }
                    b'?' => {
                        self.state = State::Pi;
                        self.saw(b);
                        Ok(i + 1)
                    }
                    b'/' => {
                        self.state = State::Tag {
                            end: true,
                            quote: 0,
                        };
                        self.saw(b);
                        Ok(i + 1)
                    }
                    // The byte is the tag's first: scanned as such.
                    _ => {
                        self.state = State::Tag {
                            end: false,
                            quote: 0,
                        };
                        Ok(i)
                    }
                }
            }
            State::Bang => {
                let b = chunk[i];
                self.saw(b);
                self.state = match b {
                    b'-' => State::Comment,
                    b'[' => State::CData,
                    b'D' | b'd' => State::Doctype,
                    // quick-xml refuses anything else after `<!`: ended like a tag.
                    _ => State::Tag {
                        end: false,
                        quote: 0,
                    },
                };
                Ok(i + 1)
            }
            State::Doctype => Ok(chunk.len()),
            State::Comment | State::CData | State::Pi => self.special(chunk, i),
            State::Tag { end, quote } => self.tag(chunk, i, end, quote),
        }
    }

    /// In a comment, CDATA section or processing instruction: up to its closing `>`.
    fn special(&mut self, chunk: &[u8], i: usize) -> Result<usize, Over> {
        let Some(k) = memchr::memchr(b'>', &chunk[i..]) else {
            if let Some(&b) = chunk.last() {
                if chunk.len() - i >= 2 {
                    self.last = [chunk[chunk.len() - 2], b];
                } else {
                    self.saw(b);
                }
            }
            return Ok(chunk.len());
        };
        let gt = i + k;
        // The two bytes before this `>`, within the token.
        let before = match k {
            0 => self.last,
            1 => [self.last[1], chunk[i]],
            _ => [chunk[gt - 2], chunk[gt - 1]],
        };
        let index = self.at + gt as u64 - self.token_start;
        let closed = match self.state {
            // quick-xml ends a comment at a `--` + `>` from the seventh byte on (`<!---->`).
            State::Comment => before == *b"--" && index >= 6,
            State::CData => before == *b"]]",
            // `<?>` is a whole processing instruction to quick-xml.
            _ => before[1] == b'?',
        };
        if closed {
            self.end_token(gt)?;
        } else {
            self.last = [before[1], b'>'];
        }
        Ok(gt + 1)
    }

    /// In a start or end tag: its name, then up to its `>` outside quotes.
    fn tag(&mut self, chunk: &[u8], mut i: usize, end: bool, mut quote: u8) -> Result<usize, Over> {
        while self.naming && i < chunk.len() {
            let b = chunk[i];
            if b == b'>' && quote == 0 {
                return self.close_tag(i, end);
            }
            if is_space(b) && !end {
                self.naming = false;
                self.named()?;
            } else {
                if quote == 0 && (b == b'"' || b == b'\'') {
                    quote = b;
                } else if quote == b {
                    quote = 0;
                }
                self.name.push(b);
            }
            self.saw(b);
            i += 1;
        }
        while i < chunk.len() {
            let rest = &chunk[i..];
            let found = if quote == 0 {
                memchr::memchr3(b'>', b'"', b'\'', rest)
            } else {
                memchr::memchr(quote, rest)
            };
            let Some(k) = found else {
                if let Some(sst) = self.sst.as_mut() {
                    sst.extend_from_slice(rest);
                }
                self.remember(chunk, i, chunk.len());
                self.state = State::Tag { end, quote };
                return Ok(chunk.len());
            };
            let at = i + k;
            if let Some(sst) = self.sst.as_mut() {
                sst.extend_from_slice(&rest[..k]);
            }
            self.remember(chunk, i, at);
            let b = chunk[at];
            if b == b'>' && quote == 0 {
                return self.close_tag(at, end);
            }
            if let Some(sst) = self.sst.as_mut() {
                sst.push(b);
            }
            quote = if quote == 0 { b } else { 0 };
            self.saw(b);
            i = at + 1;
        }
        self.state = State::Tag { end, quote };
        Ok(i)
    }

    /// Remembers the last two bytes of chunk[from..to] (and those before it).
    fn remember(&mut self, chunk: &[u8], from: usize, to: usize) {
        match to - from {
            0 => {}
            1 => self.saw(chunk[from]),
            _ => self.last = [chunk[to - 2], chunk[to - 1]],
        }
    }

    /// A start tag's name is complete (`self.name`): a cell counts, a text element opens, an
    /// `<sst>` tag's bytes are kept.
    fn named(&mut self) -> Result<(), Over> {
        let local = local_name(&self.name);
        if local == b"c" && self.kind == Kind::Sheet {
            // The bytes before this cell were allowed by the cells before it.
            self.check_sheet(self.token_start)?;
            self.cells += 1;
        }
        if local == b"sst" && self.kind == Kind::SharedStrings {
            self.sst = Some(Vec::new());
        }
        Ok(())
    }

    /// The tag ends at chunk[i] (`>`).
    fn close_tag(&mut self, i: usize, end: bool) -> Result<usize, Over> {
        let empty = self.last[1] == b'/';
        if self.naming {
            self.naming = false;
            if empty && !end && self.name.last() == Some(&b'/') {
                self.name.pop();
            }
            if !end {
                self.named()?;
            }
        }
        if end {
            // quick-xml's end name: all after `</`, trailing blanks trimmed.
            let n = self
                .name
                .iter()
                .rposition(|&b| !is_space(b))
                .map_or(0, |p| p + 1);
            let name = &self.name[..n];
            let end = self.at + i as u64 + 1;
            let max = limits::MAX_XML_TOKEN_BYTES;
            if let Some(&(_, start)) = self
                .open
                .iter()
                .find(|(open, start)| open.as_slice() == name && end - start > max)
            {
                return Err(Over::Token { start });
            }
            self.open.retain(|(open, _)| open.as_slice() != name);
        } else {
            let local = local_name(&self.name);
            if !empty
                && TEXT_ELEMENTS.contains(&local)
                && !self.open.iter().any(|o| o.0 == self.name)
            {
                if self.open.len() < MAX_OPEN {
                    self.open.push((self.name.clone(), self.token_start));
                } else {
                    let start = self.token_start;
                    self.untracked = Some(self.untracked.map_or(start, |u| u.min(start)));
                }
            }
            let declared = self.sst.take().and_then(|sst| unique_count(&sst));
            if let Some(declared) = declared.filter(|&d| d > u128::from(limits::MAX_SHARED_STRINGS))
            {
                return Err(Over::SharedStrings { declared });
            }
        }
        self.end_token(i)?;
        Ok(i + 1)
    }
}

/// XML white space, as quick-xml has it.
fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | b'\n')
}

/// The local part of a qualified name (after its first `:`), as quick-xml has it.
fn local_name(name: &[u8]) -> &[u8] {
    match memchr::memchr(b':', name) {
        Some(c) => &name[c + 1..],
        None => name,
    }
}

/// The number in an `<sst>` tag's `uniqueCount="..."` attribute, when it is one (as calamine
/// reads it: the raw digits); saturated far above any limit.
fn unique_count(attributes: &[u8]) -> Option<u128> {
    let mut rest = attributes;
    while let Some(p) = memchr::memmem::find(rest, b"uniqueCount") {
        let before = p.checked_sub(1).map(|b| rest[b]);
        let after = &rest[p + b"uniqueCount".len()..];
        rest = after;
        if before.is_some_and(|b| !is_space(b)) {
            continue;
        }
        let after = trim_start(after);
        let Some(after) = after.strip_prefix(b"=") else {
            continue;
        };
        let after = trim_start(after);
        let Some((&q, value)) = after
            .split_first()
            .filter(|(q, _)| matches!(q, b'"' | b'\''))
        else {
            continue;
        };
        let value = &value[..memchr::memchr(q, value).unwrap_or(value.len())];
        let digits = value.strip_prefix(b"+").unwrap_or(value);
        if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
            return None;
        }
        return Some(digits.iter().fold(0u128, |n, d| {
            n.saturating_mul(10).saturating_add(u128::from(d - b'0'))
        }));
    }
    None
}

fn trim_start(mut b: &[u8]) -> &[u8] {
    while let Some((&c, rest)) = b.split_first() {
        if !is_space(c) {
            break;
        }
        b = rest;
    }
    b
}

/// Unpacks and scans every part of the workbook's zip archive that calamine reads (see the
/// module's documentation); an error naming the part and the limit for the first beyond one.
/// A file that is not a zip archive, and a part that cannot be unpacked, are left for
/// calamine to report.
pub(crate) fn check_unpacked(bytes: &[u8], file: &Path) -> Result<(), ReadError> {
    unpack(bytes, file, &mut 0)
}

/// [`check_unpacked`], counting the bytes unpacked in `unpacked`.
fn unpack(bytes: &[u8], file: &Path, unpacked_in_all: &mut u64) -> Result<(), ReadError> {
    let read = Rc::new(Cell::new(0u64));
    let file_bytes = Counted {
        inner: Cursor::new(bytes),
        read: Rc::clone(&read),
    };
    let Ok(mut archive) = zip::ZipArchive::new(file_bytes) else {
        return Ok(());
    };
    // The bytes read for the parts, not for the archive's directory.
    read.set(0);
    let mut total: u64 = 0;
    let mut buf = vec![0u8; CHUNK];
    for i in 0..archive.len() {
        let mut part = match archive.by_index(i) {
            Ok(part) => part,
            // An unreadable part is calamine's to report, if it needs it.
            Err(_) => continue,
        };
        let name = part.name().to_string();
        let Some(kind) = kind(&name) else {
            continue;
        };
        let part_limit = if kind == Kind::Sheet {
            limits::MAX_WORKBOOK_UNPACKED_BYTES
        } else {
            limits::MAX_WORKBOOK_PART_BYTES
        };
        let budget = part_limit.min(limits::MAX_WORKBOOK_UNPACKED_BYTES - total);
        let mut scan = Scan::new(kind);
        let mut unpacked: u64 = 0;
        let refused = loop {
            let n = match part.read(&mut buf) {
                Ok(0) => break None,
                Ok(n) => n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                // A corrupt part is calamine's to report, if it needs it.
                Err(_) => break None,
            };
            unpacked += n as u64;
            *unpacked_in_all += n as u64;
            if unpacked > budget {
                let (what, limit) = if unpacked > part_limit {
                    (format!("part '{name}'"), part_limit)
                } else {
                    (
                        "the workbook".to_string(),
                        limits::MAX_WORKBOOK_UNPACKED_BYTES,
                    )
                };
                return Err(content(
                    file,
                    None,
                    format!(
                        "{what} unpacks to more than {limit} bytes (see docs/formats.md, \"Limits\"); expected a workbook of Q sorts, not a compressed archive of this size"
                    ),
                ));
            }
            // Bytes read again (parts sharing data, headers read twice) count once.
            let from = read.get().min(bytes.len() as u64);
            let allowed = limits::MAX_WORKBOOK_EXPANSION_BASE_BYTES
                .saturating_add(limits::MAX_WORKBOOK_EXPANSION.saturating_mul(from));
            if total + unpacked > allowed {
                break Some(Over::Expansion {
                    allowed,
                    read: from,
                });
            }
            if let Err(over) = scan.feed(&buf[..n]) {
                break Some(over);
            }
        };
        if let Some(over) = refused {
            return Err(refusal(file, &name, &over));
        }
        total += unpacked;
    }
    Ok(())
}

/// The one-line error for a part beyond a limit of the scan.
fn refusal(file: &Path, name: &str, over: &Over) -> ReadError {
    let bomb = "expected a workbook of Q sorts, not a decompression bomb";
    let message = match over {
        Over::Token { start } => format!(
            "an XML token (a tag, the text between two tags, or one string or cell value) longer than {} bytes starts at byte {start} unpacked (see docs/formats.md, \"Limits\"); {bomb}",
            limits::MAX_XML_TOKEN_BYTES
        ),
        Over::Sheet { bytes, cells } => format!(
            "the sheet unpacks to more than {bytes} bytes with {cells} cell(s) so far, above the limit of {} bytes plus {} per cell (see docs/formats.md, \"Limits\"); {bomb}",
            limits::MAX_SHEET_BASE_BYTES,
            limits::MAX_SHEET_BYTES_PER_CELL
        ),
        Over::Expansion { allowed, read } => format!(
            "the workbook unpacks to more than {allowed} bytes from the {read} bytes of it read so far, above the limit of {} bytes per byte read plus {} (see docs/formats.md, \"Limits\"); {bomb}",
            limits::MAX_WORKBOOK_EXPANSION,
            limits::MAX_WORKBOOK_EXPANSION_BASE_BYTES
        ),
        Over::SharedStrings { declared } => format!(
            "{}; {bomb}",
            limits::over(
                "the number of shared strings declared (uniqueCount)",
                usize::try_from(*declared).unwrap_or(usize::MAX),
                usize::try_from(limits::MAX_SHARED_STRINGS).unwrap_or(usize::MAX)
            )
        ),
    };
    content(file, Some(format!("part '{name}'")), message)
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::{Kind, Over, Scan, kind, unpack};
    use crate::harness::workbook::{self, Deflate};
    use crate::limits::{
        MAX_SHARED_STRINGS, MAX_SHEET_BASE_BYTES, MAX_SHEET_BYTES_PER_CELL, MAX_WORKBOOK_EXPANSION,
        MAX_WORKBOOK_EXPANSION_BASE_BYTES, MAX_XML_TOKEN_BYTES,
    };

    const MIB: u64 = 1 << 20;

    /// Scans `xml` in chunks of `size` bytes (the last one shorter); the cells counted.
    fn scan_in(kind: Kind, xml: &[u8], size: usize) -> Result<u64, Over> {
        let mut scan = Scan::new(kind);
        for chunk in xml.chunks(size.max(1)) {
            scan.feed(chunk)?;
        }
        Ok(scan.cells)
    }

    /// Scans `xml` whole, and in chunks of 1, 2, 3, 7 and 4096 bytes: the same answer each way.
    fn scan(kind: Kind, xml: &[u8]) -> Result<u64, Over> {
        // Where a sheet is found too long depends on where the chunks end.
        let same = |r: Result<u64, Over>| match r {
            Err(Over::Sheet { .. }) => Err(Over::Sheet { bytes: 0, cells: 0 }),
            r => r,
        };
        let whole = scan_in(kind, xml, xml.len());
        for size in [1, 2, 3, 7, 4096, 1 << 16] {
            // Chunks of a few bytes are slow on megabytes.
            if size < 4096 && xml.len() > 1 << 16 {
                continue;
            }
            assert_eq!(
                same(scan_in(kind, xml, size)),
                same(whole.clone()),
                "chunks of {size}"
            );
        }
        whole
    }

    fn repeat(s: &str, bytes: u64) -> String {
        s.repeat((bytes as usize).div_ceil(s.len()))
    }

    /// An empty tag of 64 bytes: filler of few tokens (scanning is slow in a debug build).
    const TAG: &str = "<a b=\"0123456789012345678901234567890123456789012345678901234\"/>";

    /// `bytes` (rounded up to 64) of empty tags.
    fn tags(bytes: u64) -> String {
        repeat(TAG, bytes)
    }

    #[test]
    fn parts_are_told_apart_as_calamine_looks_them_up() {
        assert_eq!(kind("xl/sharedStrings.xml"), Some(Kind::SharedStrings));
        assert_eq!(kind("XL\\SharedStrings.XML"), Some(Kind::SharedStrings));
        assert_eq!(kind("xl/styles.xml"), Some(Kind::Whole));
        assert_eq!(kind("xl/workbook.xml"), Some(Kind::Whole));
        assert_eq!(kind("xl/_rels/workbook.xml.rels"), Some(Kind::Whole));
        // A sheet may be named anything under xl/worksheets/, as the relationships say.
        assert_eq!(kind("xl/worksheets/sheet1.xml"), Some(Kind::Sheet));
        assert_eq!(kind("XL/Worksheets/Data.bin"), Some(Kind::Sheet));
        assert_eq!(kind("xl\\worksheets\\sheet1.xml"), Some(Kind::Sheet));
        assert_eq!(kind("xl/worksheets"), Some(Kind::Sheet));
        assert_eq!(kind("xl/chartsheets/sheet1.xml"), Some(Kind::Sheet));
        assert_eq!(kind("xl/dialogsheets/sheet1.xml"), Some(Kind::Sheet));
        // Never read by calamine: never unpacked.
        for name in [
            "xl/media/image1.png",
            "docProps/core.xml",
            "[Content_Types].xml",
            "_rels/.rels",
            "xl/theme/theme1.xml",
            "xl/printerSettings/printerSettings1.bin",
            "/xl/worksheets/sheet1.xml",
            "xlworksheets/sheet1.xml",
        ] {
            assert_eq!(kind(name), None, "{name}");
        }
    }

    #[test]
    fn a_real_sheet_passes_and_its_cells_are_counted() {
        let xml = format!(
            "{}{}<mergeCells count=\"1\"><mergeCell ref=\"A1:B1\"/></mergeCells>{}",
            workbook::SHEET_START,
            workbook::SORTS_ROWS,
            workbook::SHEET_END
        );
        assert_eq!(scan(Kind::Sheet, xml.as_bytes()), Ok(16));
        // Prefixed cells count (calamine matches the local name); `<col>`, `<cols>` do not.
        let xml = r#"<x:worksheet><x:cols><x:col min="1"/></x:cols><x:sheetData><x:row><x:c r="A1"/><x:c r="B1"><x:v>1</x:v></x:c><c/><cc/></x:row></x:sheetData></x:worksheet>"#;
        assert_eq!(scan(Kind::Sheet, xml.as_bytes()), Ok(3));
        // Only sheets count cells.
        assert_eq!(scan(Kind::Whole, xml.as_bytes()), Ok(0));
    }

    #[test]
    fn a_text_run_or_tag_is_at_most_the_token_limit() {
        let max = MAX_XML_TOKEN_BYTES;
        let text = |n: u64| format!("<a>{}</a>", " ".repeat(n as usize));
        assert!(scan(Kind::Whole, text(max).as_bytes()).is_ok());
        assert_eq!(
            scan(Kind::Whole, text(max + 1).as_bytes()),
            Err(Over::Token { start: 3 })
        );
        // Text before the first tag, and after the last one.
        let lead = format!("{}<a/>", " ".repeat(max as usize + 1));
        assert_eq!(
            scan(Kind::Whole, lead.as_bytes()),
            Err(Over::Token { start: 0 })
        );
        let tail = format!("<a/>{}", " ".repeat(max as usize + 1));
        assert_eq!(
            scan(Kind::Whole, tail.as_bytes()),
            Err(Over::Token { start: 4 })
        );
        // A tag: its attributes count, `>` inside quotes does not end it (as quick-xml reads
        // it), in start and end tags alike.
        let attr = |q: char, fill: &str| format!("<x/><a b={q}{}{q}/>", repeat(fill, max));
        for (q, fill) in [('"', "x"), ('"', ">"), ('\'', ">\"")] {
            assert_eq!(
                scan(Kind::Whole, attr(q, fill).as_bytes()),
                Err(Over::Token { start: 4 }),
                "{q} {fill}"
            );
        }
        let end = format!("<a></a b=\"{}\">", ">".repeat(max as usize));
        assert_eq!(
            scan(Kind::Whole, end.as_bytes()),
            Err(Over::Token { start: 3 })
        );
        // Many short tokens of the same total are fine.
        let many = format!("<a>{}</a>", repeat("<b x=\"1\"/>text", 2 * max));
        assert!(scan(Kind::Whole, many.as_bytes()).is_ok());
    }

    #[test]
    fn comments_cdata_instructions_and_doctypes_end_where_quick_xml_ends_them() {
        let max = MAX_XML_TOKEN_BYTES as usize;
        // `>` alone does not end them.
        for (open, close) in [("<!--", "-->"), ("<![CDATA[", "]]>"), ("<?pi", "?>")] {
            let long = format!("<a/>{open}{}{close}<a/>", ">".repeat(max));
            assert_eq!(
                scan(Kind::Whole, long.as_bytes()),
                Err(Over::Token { start: 4 }),
                "{open}"
            );
            let short = format!("<a/>{open} x > y {close}{}<a/>", tags(max as u64));
            assert!(scan(Kind::Whole, short.as_bytes()).is_ok(), "{open}");
        }
        // The shortest ones, and their false ends.
        for xml in ["<!---->", "<?>", "<![CDATA[]]>", "<![]]>"] {
            let ok = format!("{xml}{}", tags(2 * max as u64));
            assert!(scan(Kind::Whole, ok.as_bytes()).is_ok(), "{xml}");
        }
        for xml in ["<!-->", "<!--->"] {
            let long = format!("{xml}{}", tags(2 * max as u64));
            assert_eq!(
                scan(Kind::Whole, long.as_bytes()),
                Err(Over::Token { start: 0 }),
                "{xml} is not a whole comment"
            );
        }
        // A doctype runs to the end of the part.
        let doctype = format!("<!DOCTYPE x><a>{}</a>", tags(2 * max as u64));
        assert_eq!(
            scan(Kind::Whole, doctype.as_bytes()),
            Err(Over::Token { start: 0 })
        );
    }

    #[test]
    fn an_element_calamine_reads_into_one_value_is_one_token() {
        let max = MAX_XML_TOKEN_BYTES as usize;
        let filler = tags(max as u64 + 1);
        for open in [
            "<t>",
            "<t xml:space=\"preserve\">",
            "<x:t>",
            "<si>",
            "<is>",
            "<v>",
        ] {
            let name = open[1..].split([' ', '>']).next().unwrap();
            let xml = format!("<r>{open}x{filler}</{name}></r>");
            assert_eq!(
                scan(Kind::Whole, xml.as_bytes()),
                Err(Over::Token { start: 3 }),
                "{open}"
            );
            // Closed in time, and repeated: fine.
            let xml = format!(
                "<r>{}</r>",
                format!("{open}x{TAG}</{name}>").repeat(max / 32)
            );
            assert!(scan(Kind::Whole, xml.as_bytes()).is_ok(), "{open}");
        }
        // calamine reads `<si>` up to its first `</si>`: a nested one closes it too.
        let xml = format!("<sst><si><si>x</si>{filler}</sst>");
        assert!(scan(Kind::SharedStrings, xml.as_bytes()).is_ok());
        // An empty element holds nothing.
        let xml = format!("<sst><si/>{filler}</sst>");
        assert!(scan(Kind::SharedStrings, xml.as_bytes()).is_ok());
        // Another prefix is another element: `</y:t>` does not close `<x:t>`; a closing tag
        // with trailing blanks does.
        let xml = format!("<x:t>a</y:t>{filler}");
        assert_eq!(
            scan(Kind::Whole, xml.as_bytes()),
            Err(Over::Token { start: 0 })
        );
        let xml = format!("<x:t>a</x:t \n>{filler}");
        assert!(scan(Kind::Whole, xml.as_bytes()).is_ok());
        // Beyond 16 open at once, the rest of the part is held to one token's length.
        let open: String = (0..20).map(|i| format!("<p{i}:t>")).collect();
        let close: String = (0..20).map(|i| format!("</p{i}:t>")).collect();
        let xml = format!("{open}{close}{filler}");
        assert!(matches!(
            scan(Kind::Whole, xml.as_bytes()),
            Err(Over::Token { .. })
        ));
        let open: String = (0..16).map(|i| format!("<p{i}:t>")).collect();
        let close: String = (0..16).map(|i| format!("</p{i}:t>")).collect();
        let xml = format!("{open}{close}{filler}");
        assert!(scan(Kind::Whole, xml.as_bytes()).is_ok());
    }

    #[test]
    fn a_sheet_is_its_cells_not_filler() {
        let base = MAX_SHEET_BASE_BYTES;
        let filler = tags;
        // Filler within the allowance passes; beyond it, refused within a chunk.
        let xml = format!("<sheetData>{}</sheetData>", filler(base - 100));
        assert_eq!(scan(Kind::Sheet, xml.as_bytes()), Ok(0));
        let xml = format!("<sheetData>{}</sheetData>", filler(base + 100));
        match scan(Kind::Sheet, xml.as_bytes()) {
            Err(Over::Sheet { bytes, cells: 0 }) => {
                assert!(
                    bytes > base && bytes <= base + super::CHUNK as u64,
                    "{bytes}"
                );
            }
            other => panic!("{other:?}"),
        }
        // Each cell seen so far allows more.
        let cells = 1000;
        let xml = format!(
            "<sheetData>{}{}</sheetData>",
            "<c r=\"A1\"><v>1</v></c>".repeat(cells),
            filler(base + (cells as u64) * MAX_SHEET_BYTES_PER_CELL - 30_000)
        );
        assert_eq!(scan(Kind::Sheet, xml.as_bytes()), Ok(cells as u64));
        // Not the cells to come: filler first is refused.
        let xml = format!(
            "<sheetData>{}{}</sheetData>",
            filler(base + 100_000),
            "<c r=\"A1\"><v>1</v></c>".repeat(cells),
        );
        assert!(matches!(
            scan(Kind::Sheet, xml.as_bytes()),
            Err(Over::Sheet { .. })
        ));
        // Parts read whole have no such limit.
        let xml = format!("<sst>{}</sst>", filler(base + 100_000));
        assert!(scan(Kind::SharedStrings, xml.as_bytes()).is_ok());
    }

    #[test]
    fn the_shared_strings_declared_are_limited() {
        let sst =
            |attrs: &str| format!("<?xml version=\"1.0\"?><sst {attrs}><si><t>a</t></si></sst>");
        let max = MAX_SHARED_STRINGS;
        for ok in [
            "count=\"1\" uniqueCount=\"1\"".to_string(),
            format!("uniqueCount=\"{max}\""),
            format!("uniqueCount = '{max}'"),
            // Not a number calamine reads: it reserves nothing.
            "uniqueCount=\"x99999999999999\"".to_string(),
            "uniqueCount=\"\"".to_string(),
            // Another attribute.
            "myuniqueCount=\"99999999999999\"".to_string(),
        ] {
            assert!(
                scan(Kind::SharedStrings, sst(&ok).as_bytes()).is_ok(),
                "{ok}"
            );
        }
        for (bad, declared) in [
            (format!("uniqueCount=\"{}\"", max + 1), u128::from(max + 1)),
            (
                "count=\"1\"\n uniqueCount=\"000018446744073709551615\"".to_string(),
                u128::from(u64::MAX),
            ),
            (format!("uniqueCount=\"{}\"", "9".repeat(50)), u128::MAX),
        ] {
            assert_eq!(
                scan(Kind::SharedStrings, sst(&bad).as_bytes()),
                Err(Over::SharedStrings { declared }),
                "{bad}"
            );
        }
        // Prefixed: calamine matches the local name `sst`.
        let xml = format!("<x:sst uniqueCount=\"{}\">", max + 1);
        assert!(scan(Kind::SharedStrings, xml.as_bytes()).is_err());
        // Only in the shared strings.
        assert!(scan(Kind::Whole, xml.as_bytes()).is_ok());
    }

    /// Unpacks a workbook as the reader does: the error, and the bytes unpacked meanwhile.
    fn unpacked(bytes: &[u8]) -> (Result<(), String>, u64) {
        let mut n = 0;
        let r = unpack(bytes, Path::new("bomb.xlsx"), &mut n).map_err(|e| e.to_string());
        (r, n)
    }

    #[test]
    fn the_whitespace_bomb_of_issue_20_is_refused_after_a_mebibyte() {
        // 7.5 GiB of blanks in one text token, in a workbook of 7.8 MB.
        let bomb = workbook::whitespace_bomb(15 << 29);
        assert!(bomb.len() < 8_000_000, "{}", bomb.len());
        let (r, n) = unpacked(&bomb);
        let msg = r.unwrap_err();
        assert!(n < 2 * MIB, "unpacked {n} bytes");
        assert!(
            msg.starts_with(&format!(
                "bomb.xlsx: part 'xl/worksheets/sheet1.xml': an XML token (a tag, the text between two tags, or one string or cell value) longer than {MAX_XML_TOKEN_BYTES} bytes starts at byte "
            )),
            "{msg}"
        );
        assert!(msg.contains("docs/formats.md, \"Limits\""), "{msg}");
        assert!(!msg.contains('\n'), "{msg}");
    }

    #[test]
    fn the_empty_tags_bomb_of_issue_20_is_refused_after_a_few_mebibytes() {
        // 1 GiB of `<a/>` in a workbook of about a megabyte.
        let bomb = workbook::empty_tags_bomb(1 << 30);
        assert!(bomb.len() < 1_200_000, "{}", bomb.len());
        let (r, n) = unpacked(&bomb);
        let msg = r.unwrap_err();
        assert!(n < MAX_SHEET_BASE_BYTES + 2 * MIB, "unpacked {n} bytes");
        assert!(
            msg.starts_with(
                "bomb.xlsx: part 'xl/worksheets/sheet1.xml': the sheet unpacks to more than "
            ),
            "{msg}"
        );
        assert!(msg.contains("with 16 cell(s) so far"), "{msg}");
        assert!(!msg.contains('\n'), "{msg}");
    }

    #[test]
    fn a_part_calamine_never_reads_is_never_unpacked() {
        // 16 GiB of blanks in a picture, beside a valid workbook: not even looked at.
        let mut parts = workbook::parts({
            let mut d = Deflate::of(workbook::SHEET_START.as_bytes());
            d.push(workbook::SORTS_ROWS.as_bytes(), 1);
            d.push(workbook::SHEET_END.as_bytes(), 1);
            d
        });
        let mut picture = Deflate::new();
        picture.push(b" ", 16 << 30);
        parts.push(("xl/media/image1.png", picture));
        let book = workbook::zip(&parts);
        let (r, n) = unpacked(&book);
        assert_eq!(r, Ok(()));
        assert!(n < 10_000, "unpacked {n} bytes");
        let l = crate::read_sorts_from_bytes(&book, "book.xlsx", None).unwrap();
        assert_eq!(l.table.sort_ids, ["P1", "P2", "P3"]);
        assert_eq!(l.table.values[0], [-1, 0, 1]);
        assert_eq!(
            l.table.statement_labels.as_deref(),
            Some(&["one".to_string(), "two".into(), "three".into()][..])
        );
    }

    /// A workbook of the sorts sheet of [`workbook::parts`] followed by `filler` `times` times
    /// (in the sheet), or with its shared strings followed by it.
    fn with_filler(shared_strings: bool, filler: &[u8], times: u64) -> Vec<u8> {
        let mut sheet =
            Deflate::of(format!("{}{}", workbook::SHEET_START, workbook::SORTS_ROWS).as_bytes());
        if !shared_strings {
            sheet.push(filler, times);
        }
        sheet.push(workbook::SHEET_END.as_bytes(), 1);
        let mut parts = workbook::parts(sheet);
        if shared_strings {
            let mut sst = Deflate::of(b"<sst uniqueCount=\"4\"><si><t>id</t></si><si><t>P1</t></si><si><t>P2</t></si><si><t>P3</t></si>");
            sst.push(filler, times);
            sst.push(b"</sst>", 1);
            for (name, d) in parts.iter_mut() {
                if *name == "xl/sharedStrings.xml" {
                    *d = sst.clone();
                }
            }
        }
        workbook::zip(&parts)
    }

    #[test]
    fn cells_or_strings_by_the_million_are_held_to_the_bytes_read() {
        // 1 GiB of empty cells (no filler, but 18 s of calamine); 256 MiB of empty shared
        // strings (1.2 GB of memory and 12 s); 256 MiB of empty tags in the shared strings
        // (16 s): each from under a megabyte, refused after a few MiB.
        for (bytes, what) in [
            (with_filler(false, b"<c/>", 1 << 28), "sheet1.xml"),
            (
                with_filler(false, b"<c r=\"A1\"><v>1</v></c>", (1 << 30) / 22),
                "sheet1.xml",
            ),
            (
                with_filler(true, b"<si/>", (256 << 20) / 5),
                "sharedStrings.xml",
            ),
            (
                with_filler(true, b"<a/>", (256 << 20) / 4),
                "sharedStrings.xml",
            ),
        ] {
            assert!(bytes.len() < 3_000_000, "{}", bytes.len());
            let (r, n) = unpacked(&bytes);
            let msg = r.unwrap_err();
            assert!(n < 16 * MIB, "{what}: unpacked {n} bytes");
            assert!(
                msg.starts_with(&format!(
                    "bomb.xlsx: part 'xl/{}': the workbook unpacks to more than ",
                    if what == "sheet1.xml" {
                        "worksheets/sheet1.xml"
                    } else {
                        what
                    }
                )),
                "{msg}"
            );
            assert!(msg.contains(&format!("above the limit of {MAX_WORKBOOK_EXPANSION} bytes per byte read plus {MAX_WORKBOOK_EXPANSION_BASE_BYTES}")), "{msg}");
        }
        // The same number of cells, written as a spreadsheet program writes them (each with
        // its place, random values): read.
        let mut x: u64 = 7;
        let mut sheet = format!("{}{}", workbook::SHEET_START, workbook::SORTS_ROWS);
        for r in 5..40_000 {
            sheet.push_str(&format!("<row r=\"{r}\">"));
            for c in ["A", "B", "C", "D"] {
                x = x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
                sheet.push_str(&format!("<c r=\"{c}{r}\"><v>{}</v></c>", (x >> 40) % 9));
            }
            sheet.push_str("</row>");
        }
        sheet.push_str(workbook::SHEET_END);
        let book = workbook::zip(&workbook::parts(Deflate::of(sheet.as_bytes())));
        assert_eq!(unpacked(&book).0, Ok(()));
    }

    #[test]
    fn parts_that_share_their_data_count_its_bytes_once() {
        // A sheet of 30 MB of cells that compresses 150 times (a megabyte deflated, 6 KB
        // stored), then 40 more parts whose directory entries point at its data: 1.2 GB from
        // 200 KB.
        let tag = format!("<c r=\"A1\" b=\"{}\"/>", "x".repeat(1024 - 16));
        assert_eq!(tag.len(), 1024);
        let mut d = Deflate::new();
        for _ in 0..28 {
            d.push(tag.repeat(1024).as_bytes(), 1);
            d.push_stored(tag.repeat(6).as_bytes(), 1);
        }
        let one = workbook::zip(&[("xl/worksheets/sheet0.xml", d)]);
        // Split the archive: local part, central record, end record.
        let eocd = one.len() - 22;
        let at = u32::from_le_bytes(one[eocd + 16..eocd + 20].try_into().unwrap()) as usize;
        let record = &one[at..eocd];
        let mut shared = one[..at].to_vec();
        let n = 41u16;
        for i in 0..n {
            let mut r = record.to_vec();
            // The name's last digit before `.xml`: sheet0 .. sheet40 (same length: a letter).
            let name_at = 46 + "xl/worksheets/sheet".len();
            r[name_at] = b'A' + i as u8;
            shared.extend_from_slice(&r);
        }
        let mut end = one[eocd..].to_vec();
        end[8..10].copy_from_slice(&n.to_le_bytes());
        end[10..12].copy_from_slice(&n.to_le_bytes());
        end[12..16].copy_from_slice(&(record.len() as u32 * u32::from(n)).to_le_bytes());
        shared.extend_from_slice(&end);
        // Each part alone is within the limits: the first is read whole.
        let (r, n) = unpacked(&one);
        assert_eq!(r, Ok(()));
        assert!(n > 29_000_000, "{n}");
        let (r, n) = unpacked(&shared);
        let msg = r.unwrap_err();
        assert!(msg.contains("the workbook unpacks to more than"), "{msg}");
        let allowed =
            MAX_WORKBOOK_EXPANSION_BASE_BYTES + MAX_WORKBOOK_EXPANSION * shared.len() as u64;
        assert!(n <= allowed + 2 * MIB, "{n} > {allowed}");
    }

    #[test]
    fn the_inflated_fuzz_workbook_reads_and_reaches_the_limits() {
        // The valid workbook: its sheet of sorts given whole.
        let sheet = format!("{}{}", workbook::SHEET_START, workbook::SORTS_ROWS);
        let input = workbook::inflated_input(0, (1, 0), &sheet, "", workbook::SHEET_END);
        let l = crate::read_sorts_from_bytes(&workbook::inflated(&input), "f.xlsx", None);
        assert_eq!(l.unwrap().table.sort_ids, ["P1", "P2", "P3"]);
        // Its sheet of sorts with more participants.
        let input = workbook::inflated_input(
            0,
            (150, 1),
            &format!("{}{}", workbook::SHEET_START, workbook::SORTS_ROWS),
            "<row><c t=\"inlineStr\"><is><t>P</t></is></c><c><v>1</v></c><c><v>0</v></c><c><v>-1</v></c></row>",
            workbook::SHEET_END,
        );
        let e = crate::read_sorts_from_bytes(&workbook::inflated(&input), "f.xlsx", None);
        // Read, then its duplicate ids found by validation (not a reading error).
        assert_eq!(e.unwrap().table.sort_ids.len(), 303);
        // 2 MiB of blanks, from a few bytes.
        let input = workbook::inflated_input(6, (128, 8), "<sst>", &" ".repeat(64), "</sst>");
        assert!(input.len() < 100);
        let e = crate::read_sorts_from_bytes(&workbook::inflated(&input), "f.xlsx", None)
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with("f.xlsx: part 'xl/worksheets/sheet1.xml': an XML token"),
            "{e}"
        );
        let input = workbook::inflated_input(
            2,
            (255, 8),
            "<sst><si><t>",
            &"<a/>".repeat(8),
            "</t></si></sst>",
        );
        let e = crate::read_sorts_from_bytes(&workbook::inflated(&input), "f.xlsx", None)
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with("f.xlsx: part 'xl/sharedStrings.xml': an XML token"),
            "{e}"
        );
        // Empty strings by the million, from 40 bytes: beyond the bytes per byte read.
        let input = workbook::inflated_input(2, (255, 15), "<sst>", "<si/>", "</sst>");
        let e = crate::read_sorts_from_bytes(&workbook::inflated(&input), "f.xlsx", None)
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with("f.xlsx: part 'xl/sharedStrings.xml': the workbook unpacks to more than"),
            "{e}"
        );
    }
}

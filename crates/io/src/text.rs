//! The text rules every reader shares: how bytes become text ([`decode`], [`decode_text`],
//! [`strip_bom`]), what a sort value looks like ([`parse_int`]), and line numbers of byte
//! offsets ([`Lines`]). One rule each, so that the formats cannot drift apart.

/// The UTF-8 byte-order mark.
const BOM: &[u8] = b"\xEF\xBB\xBF";

/// `bytes` without a leading UTF-8 byte-order mark (one; the rest is content).
pub(crate) fn strip_bom(bytes: &[u8]) -> &[u8] {
    bytes.strip_prefix(BOM).unwrap_or(bytes)
}

/// The one text decoder: UTF-8 if valid, else one byte per character as written by older
/// Windows tools (PQMethod `.STA` files, Excel's "CSV" export): Windows-1252, that is Latin-1
/// with the bytes 0x80-0x9F read as `€`, `’`, `“`... (the five it leaves undefined, e.g. 0x81,
/// stay the control characters U+0081...). A byte-order mark is kept: see [`decode`].
///
/// Readers decode whole files ([`decode`]), CSV fields or `.DAT` lines with it, so that a file
/// mixing UTF-8 and single-byte text keeps its valid UTF-8 parts.
pub(crate) fn decode_text(bytes: &[u8]) -> String {
    match std::str::from_utf8(bytes) {
        Ok(s) => s.to_string(),
        // WHATWG's windows-1252 decoder maps every byte, so nothing is lost or replaced.
        Err(_) => encoding_rs::WINDOWS_1252
            .decode_without_bom_handling(bytes)
            .0
            .into_owned(),
    }
}

/// A whole file's text: the byte-order mark dropped, then [`decode_text`].
pub(crate) fn decode(bytes: &[u8]) -> String {
    decode_text(strip_bom(bytes))
}

/// The one integer rule for sort values (and the integer fields of a `.DAT`): surrounding
/// whitespace, then at most one sign (`+` or `-`) and ASCII digits, within `i32`. So `+2`,
/// ` -3 ` and `007` are integers; `++1`, `+-1`, `1.0`, `1e2`, `−1` (a Unicode minus) and the
/// empty text are not. Callers turn `None` into an error naming the file, the place and what
/// was expected.
pub(crate) fn parse_int(text: &str) -> Option<i32> {
    // `i32::from_str` takes exactly one optional sign and ASCII digits.
    text.trim().parse::<i32>().ok()
}

/// The one rule for a cell without a value (an incomplete sort): empty or blank, or `NA` (as
/// R writes a missing value). Such a cell is recorded as missing ([`qstudy_core::SortTable`]'s
/// `missing`), not an error: the data checks refuse the incomplete sort, naming it, unless the
/// selection leaves incomplete sorts out.
pub(crate) fn is_missing(text: &str) -> bool {
    let t = text.trim();
    t.is_empty() || t == "NA"
}

/// A sort value: `Some(Some(v))` for an integer, `Some(None)` for a missing value
/// ([`is_missing`]), `None` for anything else (an error of the reader).
pub(crate) fn parse_value(text: &str) -> Option<Option<i32>> {
    match parse_int(text) {
        Some(v) => Some(Some(v)),
        None if is_missing(text) => Some(None),
        None => None,
    }
}

/// Line numbers of byte offsets that only increase: linear in the text overall.
pub(crate) struct Lines<'a> {
    text: &'a [u8],
    at: usize,
    line: usize,
}

impl<'a> Lines<'a> {
    pub(crate) fn new(text: &'a str) -> Self {
        Lines {
            text: text.as_bytes(),
            at: 0,
            line: 1,
        }
    }

    /// The 1-based line of `byte`; from the start again when `byte` is before the last one.
    pub(crate) fn line_of(&mut self, byte: usize) -> usize {
        let byte = byte.min(self.text.len());
        if byte < self.at {
            self.at = 0;
            self.line = 1;
        }
        self.line += self.text[self.at..byte]
            .iter()
            .filter(|&&b| b == b'\n')
            .count();
        self.at = byte;
        self.line
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn single_byte_decoding() {
        assert_eq!(decode_text(b"caf\xe9"), "caf\u{e9}");
        assert_eq!(
            decode_text(b"it\x92s \x93ok\x94 \x80"),
            "it\u{2019}s \u{201c}ok\u{201d} \u{20ac}"
        );
        assert_eq!(decode_text("caf\u{e9}".as_bytes()), "caf\u{e9}");
        assert_eq!(decode_text(b"\x81\xff"), "\u{81}\u{ff}");
    }

    #[test]
    fn every_byte_decodes_to_one_character() {
        // Windows-1252 at 0x80-0x9F (undefined bytes kept as C1 controls), Latin-1 elsewhere.
        const HIGH: [char; 32] = [
            '\u{20ac}', '\u{81}', '\u{201a}', '\u{192}', '\u{201e}', '\u{2026}', '\u{2020}',
            '\u{2021}', '\u{2c6}', '\u{2030}', '\u{160}', '\u{2039}', '\u{152}', '\u{8d}',
            '\u{17d}', '\u{8f}', '\u{90}', '\u{2018}', '\u{2019}', '\u{201c}', '\u{201d}',
            '\u{2022}', '\u{2013}', '\u{2014}', '\u{2dc}', '\u{2122}', '\u{161}', '\u{203a}',
            '\u{153}', '\u{9d}', '\u{17e}', '\u{178}',
        ];
        // Prefixed by 0xFF so that no byte is valid UTF-8 on its own.
        for b in 0..=255u8 {
            let text = decode_text(&[0xff, b]);
            let expected = match b {
                0x80..=0x9f => HIGH[usize::from(b - 0x80)],
                _ => char::from(b),
            };
            assert_eq!(text, format!("\u{ff}{expected}"), "byte {b:#04x}");
        }
    }

    #[test]
    fn byte_order_mark() {
        assert_eq!(decode(b"\xEF\xBB\xBFA,B"), "A,B");
        assert_eq!(decode(b"\xEF\xBB\xBF\xEF\xBB\xBFA"), "\u{feff}A");
        assert_eq!(decode_text(b"\xEF\xBB\xBFA"), "\u{feff}A");
        assert_eq!(strip_bom(b"\xEF\xBB"), b"\xEF\xBB");
        // A BOM before single-byte text: dropped, the rest decoded byte by byte.
        assert_eq!(decode(b"\xEF\xBB\xBFcaf\xe9"), "caf\u{e9}");
    }

    #[test]
    fn one_integer_rule() {
        for (text, value) in [
            ("3", 3),
            ("+2", 2),
            (" -3 ", -3),
            ("\t007\r", 7),
            ("-0", 0),
            ("+0", 0),
            ("2147483647", i32::MAX),
            ("-2147483648", i32::MIN),
        ] {
            assert_eq!(parse_int(text), Some(value), "{text:?}");
        }
        for text in [
            "",
            " ",
            "+",
            "-",
            "++1",
            "+-1",
            "-+1",
            "--1",
            "1.0",
            "1e2",
            "0x1",
            "\u{2212}1",
            "1 2",
            "+ 1",
            "2147483648",
            "x",
            "1,0",
        ] {
            assert_eq!(parse_int(text), None, "{text:?}");
        }
    }

    /// `++1` is refused by every reader, with an error naming the file, the place and what was
    /// expected.
    #[test]
    fn every_reader_refuses_a_doubled_sign() {
        use crate::{InputFormat, read_sorts, read_sorts_from_str};
        let cases = [
            (
                InputFormat::QmethodCsv,
                "A,B\n1,-1\n++1,1\n",
                "q.csv: line 3",
            ),
            (
                InputFormat::CsvRows,
                "id,1,2\nA,1,-1\nB,++1,1\n",
                "q.csv: line 3",
            ),
            (
                InputFormat::Htmlq,
                "sid;uid;s1;s2\nA;;1;-1\nB;;++1;1\n",
                "q.csv: line 3",
            ),
            (
                InputFormat::EasyHtmlqJson,
                "[{\"uid\":\"A\",\"sort\":\"1|-1\"},\n{\"uid\":\"B\",\"sort\":\"++1|1\"}]",
                "q.csv: line 2",
            ),
            (
                InputFormat::PqmethodDat,
                "  0  2  2 T\n -1  1  0  0  0  0  0  1  0  1  0  0  0  0  0\nA          1-1\nB         ++ 1\n",
                "q.csv: line 4",
            ),
        ];
        for (format, text, place) in cases {
            let e = read_sorts_from_str(text, "q.csv", format)
                .unwrap_err()
                .to_string();
            assert!(e.starts_with(place), "{format}: {e}");
            assert!(e.contains("integer"), "{format}: {e}");
        }
        let dir = tempfile::tempdir().unwrap();
        for (name, text) in [
            (
                "study.toml",
                "title = \"T\"\ngrid = \"-1:1,1:1\"\nstatements = \"statements.csv\"\nsorts = \"sorts.csv\"\n",
            ),
            ("statements.csv", "id,text\n1,One\n2,Two\n"),
            ("sorts.csv", "id,1,2\nA,1,-1\nB,++1,-1\n"),
        ] {
            std::fs::write(dir.path().join(name), text).unwrap();
        }
        let e = read_sorts(dir.path(), None).unwrap_err().to_string();
        assert!(e.contains("sorts.csv: line 3"), "{e}");
        assert!(
            e.contains("'++1' is not an integer; expected a whole number"),
            "{e}"
        );
    }

    #[test]
    fn lines_of_increasing_offsets() {
        let text = "a\nbb\n\nc";
        let mut lines = Lines::new(text);
        assert_eq!(lines.line_of(0), 1);
        assert_eq!(lines.line_of(2), 2);
        assert_eq!(lines.line_of(6), 4);
        assert_eq!(lines.line_of(99), 4);
        // Going back starts over.
        assert_eq!(lines.line_of(1), 1);
    }
}

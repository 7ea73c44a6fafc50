//! Statement texts from a file of their own, for an input that has none (`--statements`, or a
//! study directory's `statements = "..."`): a text file with one statement per line
//! (KADE's `statements.txt`), HTMLQ/FlashQ's `statements.xml`, or a study's `statements.csv`
//! (`id,text[,tag]`). Told apart by the extension (`.xml`, `.csv`, anything else is text) and,
//! for text, by content (a file starting with `<?xml` or `<statements` is XML).

use std::collections::HashSet;
use std::path::Path;

use crate::error::{ReadError, content};
use crate::study::Statement;
use crate::text::Lines;

const EXPECTED_TEXT: &str = "one statement text per line";
const EXPECTED_XML: &str = "HTMLQ's statements.xml: <statements> holding one <statement id=\"N\">text</statement> per statement";

/// Reads a statements file (text, XML or CSV; see the module). Ids: the XML's `id`
/// attributes, the CSV's `id` column, `1..m` for text. Errors name the file and the line.
pub fn read_statement_file(path: &Path) -> Result<Vec<Statement>, ReadError> {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    if ext.as_deref() == Some("csv") {
        return crate::study::read_statements(path);
    }
    let bytes = crate::limits::read_input(path)?;
    parse_statements(&bytes, path, ext.as_deref() == Some("xml"))
}

/// Statements from bytes: XML when `xml` or when the text starts with `<?xml` or
/// `<statements`, else one per line.
pub(crate) fn parse_statements(
    bytes: &[u8],
    file: &Path,
    xml: bool,
) -> Result<Vec<Statement>, ReadError> {
    let text = crate::text::decode(bytes);
    let head = text.trim_start();
    if xml || head.starts_with("<?xml") || head.starts_with("<statements") {
        parse_xml(&text, file)
    } else {
        parse_lines(&text, file)
    }
}

/// One statement per line, trimmed; blank lines at the end ignored, a blank line between
/// statements refused (a statement would be lost or shifted).
fn parse_lines(text: &str, file: &Path) -> Result<Vec<Statement>, ReadError> {
    let lines: Vec<&str> = text.lines().collect();
    let last = lines.iter().rposition(|l| !l.trim().is_empty());
    let Some(last) = last else {
        return Err(ReadError::Empty {
            file: file.to_path_buf(),
            expected: EXPECTED_TEXT,
        });
    };
    let mut out = Vec::with_capacity(last + 1);
    for (i, line) in lines[..=last].iter().enumerate() {
        let t = line.trim();
        if t.is_empty() {
            return Err(content(
                file,
                Some(format!("line {}", i + 1)),
                format!(
                    "the line is blank; expected {EXPECTED_TEXT} (a blank line would shift the statements after it)"
                ),
            ));
        }
        out.push(Statement {
            id: u32::try_from(i + 1).unwrap_or(u32::MAX),
            text: t.to_string(),
            tag: None,
        });
    }
    Ok(out)
}

/// The text between `open` and `close` starting at `at`, or an error at `at`'s line.
fn skip_to(
    text: &str,
    at: usize,
    close: &str,
    what: &str,
    file: &Path,
    lines: &mut Lines,
) -> Result<usize, ReadError> {
    match text.get(at..).and_then(|t| t.find(close)) {
        Some(i) => Ok(at + i + close.len()),
        None => Err(content(
            file,
            Some(format!("line {}", lines.line_of(at))),
            format!("{what} is not closed by '{close}'; expected {EXPECTED_XML}"),
        )),
    }
}

/// XML text with its five predefined entities and character references resolved (any other
/// `&...;` is kept as written).
fn unescape(raw: &str, out: &mut String) {
    let mut rest = raw;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let after = &rest[amp..];
        // an entity is short: look for its ';' among the next few bytes only (linear)
        let end = after.bytes().take(13).position(|b| b == b';');
        let resolved = end.and_then(|e| {
            let name = &after[1..e];
            let c = match name {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                _ => {
                    let code =
                        if let Some(hex) = name.strip_prefix("#x").or(name.strip_prefix("#X")) {
                            u32::from_str_radix(hex, 16).ok()
                        } else {
                            name.strip_prefix('#').and_then(|d| d.parse().ok())
                        };
                    code.and_then(char::from_u32)
                }
            };
            c.map(|c| (c, e))
        });
        match resolved {
            Some((c, e)) => {
                out.push(c);
                rest = &after[e + 1..];
            }
            None => {
                out.push('&');
                rest = &after[1..];
            }
        }
    }
    out.push_str(rest);
}

/// The value of attribute `name` in a start tag's text (after the element name).
fn attribute<'a>(tag: &'a str, name: &str) -> Option<&'a str> {
    let mut rest = tag;
    loop {
        let eq = rest.find('=')?;
        let key = rest[..eq].trim();
        let after = rest[eq + 1..].trim_start();
        let quote = after.chars().next()?;
        if quote != '"' && quote != '\'' {
            return None;
        }
        let close = after[1..].find(quote)?;
        if key == name {
            return Some(&after[1..1 + close]);
        }
        rest = &after[close + 2..];
    }
}

/// HTMLQ's `statements.xml`: every `<statement id="N">` element in order, its text trimmed
/// (line breaks and tabs made spaces), entities and CDATA sections resolved, markup inside kept
/// as written. Comments, the declaration and other elements are skipped. Linear in the text.
fn parse_xml(text: &str, file: &Path) -> Result<Vec<Statement>, ReadError> {
    let mut lines = Lines::new(text);
    let mut out: Vec<Statement> = Vec::new();
    let mut ids = HashSet::new();
    let mut at = 0;
    while let Some(i) = text.get(at..).and_then(|t| t.find('<')) {
        let lt = at + i;
        let rest = &text[lt..];
        if rest.starts_with("<!--") {
            at = skip_to(text, lt + 4, "-->", "a comment", file, &mut lines)?;
        } else if rest.starts_with("<![CDATA[") {
            at = skip_to(text, lt + 9, "]]>", "a CDATA section", file, &mut lines)?;
        } else if rest.starts_with("<?") {
            at = skip_to(
                text,
                lt + 2,
                "?>",
                "a processing instruction",
                file,
                &mut lines,
            )?;
        } else if is_statement_tag(rest) {
            let tag_end = skip_to(text, lt, ">", "a <statement> tag", file, &mut lines)?;
            let line = lines.line_of(lt);
            let tag = &text[lt + "<statement".len()..tag_end - 1];
            let place = || Some(format!("line {line}"));
            let id: u32 = match attribute(tag, "id").map(str::trim) {
                Some(v) => v.parse().ok().filter(|&n| n > 0).ok_or_else(|| {
                    content(
                        file,
                        place(),
                        format!(
                            "statement id '{v}' is not a positive integer; expected {EXPECTED_XML}"
                        ),
                    )
                })?,
                None => {
                    return Err(content(
                        file,
                        place(),
                        format!("a <statement> without an id attribute; expected {EXPECTED_XML}"),
                    ));
                }
            };
            if !ids.insert(id) {
                return Err(content(
                    file,
                    place(),
                    format!("statement id {id} is given twice"),
                ));
            }
            if tag.trim_end().ends_with('/') {
                return Err(content(
                    file,
                    place(),
                    format!("statement {id} has no text"),
                ));
            }
            let (raw, end) = statement_content(text, tag_end, file, &mut lines)?;
            let text_of: String = raw
                .chars()
                .map(|c| if c.is_whitespace() { ' ' } else { c })
                .collect();
            let text_of = text_of.trim().to_string();
            if text_of.is_empty() {
                return Err(content(
                    file,
                    place(),
                    format!("statement {id} has no text"),
                ));
            }
            out.push(Statement {
                id,
                text: text_of,
                tag: None,
            });
            at = end;
        } else {
            at = lt + 1;
        }
    }
    if out.is_empty() {
        return Err(content(
            file,
            None,
            format!("no <statement> element; expected {EXPECTED_XML}"),
        ));
    }
    Ok(out)
}

/// Whether `rest` starts with a `<statement` start tag (not `<statements`).
fn is_statement_tag(rest: &str) -> bool {
    rest.strip_prefix("<statement")
        .and_then(|r| r.chars().next())
        .is_some_and(|c| c.is_whitespace() || c == '>' || c == '/')
}

/// A statement's text from `from` (just after its start tag) to its `</statement>`: CDATA
/// kept raw, comments dropped, entities resolved, other markup kept; and where it ends.
fn statement_content(
    text: &str,
    from: usize,
    file: &Path,
    lines: &mut Lines,
) -> Result<(String, usize), ReadError> {
    let mut out = String::new();
    let mut at = from;
    loop {
        let Some(i) = text.get(at..).and_then(|t| t.find('<')) else {
            return Err(content(
                file,
                Some(format!("line {}", lines.line_of(from))),
                format!("a <statement> is not closed by '</statement>'; expected {EXPECTED_XML}"),
            ));
        };
        let lt = at + i;
        unescape(&text[at..lt], &mut out);
        let rest = &text[lt..];
        if rest.starts_with("</statement") {
            let end = skip_to(text, lt, ">", "a </statement> tag", file, lines)?;
            return Ok((out, end));
        } else if rest.starts_with("<![CDATA[") {
            let end = skip_to(text, lt + 9, "]]>", "a CDATA section", file, lines)?;
            out.push_str(&text[lt + 9..end - 3]);
            at = end;
        } else if rest.starts_with("<!--") {
            at = skip_to(text, lt + 4, "-->", "a comment", file, lines)?;
        } else {
            out.push('<');
            at = lt + 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn xml(text: &str) -> Result<Vec<Statement>, ReadError> {
        parse_statements(text.as_bytes(), Path::new("s.xml"), true)
    }

    #[test]
    fn htmlq_statements_xml() {
        let s = xml("<?xml version=\"1.0\"?>\n<!-- <statement id=\"9\">example</statement> -->\n<statements version=\"1.0\" htmlParse=\"false\">\n  <statement id=\"1\">Cars &amp; buses</statement>\n  <statement id='2'>\n  Two\n  lines &#233;</statement>\n  <statement id=\"3\"><![CDATA[a <b> c]]></statement>\n</statements>\n").unwrap();
        let texts: Vec<(u32, &str)> = s.iter().map(|s| (s.id, s.text.as_str())).collect();
        assert_eq!(
            texts,
            [(1, "Cars & buses"), (2, "Two   lines é"), (3, "a <b> c")]
        );
    }

    #[test]
    fn xml_errors_name_the_line() {
        let e = xml("<statements>\n<statement>x</statement>\n</statements>").unwrap_err();
        assert_eq!(
            e.to_string(),
            format!(
                "s.xml: line 2: a <statement> without an id attribute; expected {EXPECTED_XML}"
            )
        );
        let e = xml(
            "<statements>\n<statement id=\"1\">x</statement>\n<statement id=\"1\">y</statement>",
        )
        .unwrap_err();
        assert_eq!(
            e.to_string(),
            "s.xml: line 3: statement id 1 is given twice"
        );
        let e = xml("<statements>\n<statement id=\"a\">x</statement>").unwrap_err();
        assert!(
            e.to_string().contains("'a' is not a positive integer"),
            "{e}"
        );
        let e = xml("<statements>\n<statement id=\"1\">x").unwrap_err();
        assert!(
            e.to_string()
                .starts_with("s.xml: line 2: a <statement> is not closed"),
            "{e}"
        );
        let e = xml("<statements></statements>").unwrap_err();
        assert!(e.to_string().contains("no <statement> element"), "{e}");
        let e = xml("<statements><!-- x").unwrap_err();
        assert!(e.to_string().contains("a comment is not closed"), "{e}");
    }

    #[test]
    fn text_lines() {
        let s = parse_statements(
            "\u{feff}First\r\n Second \n\n".as_bytes(),
            Path::new("s.txt"),
            false,
        )
        .unwrap();
        assert_eq!(
            s.iter().map(|s| s.text.as_str()).collect::<Vec<_>>(),
            ["First", "Second"]
        );
        assert_eq!(s[1].id, 2);
        let e = parse_statements(b"a\n\nb\n", Path::new("s.txt"), false).unwrap_err();
        assert!(
            e.to_string()
                .starts_with("s.txt: line 2: the line is blank"),
            "{e}"
        );
        let e = parse_statements(b" \n", Path::new("s.txt"), false).unwrap_err();
        assert!(matches!(e, ReadError::Empty { .. }), "{e}");
    }
}

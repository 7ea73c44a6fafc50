//! PQMethod project files: the fixed-column `.DAT` (sorts) and the `.STA` (statement texts).

use std::path::{Path, PathBuf};

use qstudy_core::{Grid, SortTable};

use crate::Parsed;
use crate::error::{FieldProblem, ReadError};
use crate::source::{DAT_FIRST_VALUE_COLUMN, SourceMap};
use crate::text::{decode_text, parse_int, strip_bom};

const EXPECTED_DAT: &str = "a PQMethod .DAT file: a header line (flag, number of sorts, number of statements, title), a distribution line, then one line per sort";
const EXPECTED_HEADER: &str = "line 1 to hold 3 right-aligned integers in 3-character fields (flag, number of sorts, number of statements) followed by the study title";
const EXPECTED_DISTRIBUTION: &str = "line 2 to hold, in 3-character fields, the lowest and highest grid values then 20 column counts for the values -6..13";
const EXPECTED_SORT_LINE: &str =
    "a sort line: the sort id in columns 1-8, 2 blanks, then one 2-character value per statement";
const EXPECTED_VALUE: &str = "a right-aligned integer in 2 characters, e.g. ' 3' or '-2'";

/// Lowest and highest value PQMethod's distribution line can describe.
const SLOT_MIN: i32 = -6;
const SLOT_MAX: i32 = 13;

/// Reads a PQMethod `.DAT` file from raw bytes (the `.STA` is read separately).
pub(crate) fn parse_dat(bytes: &[u8], file: &Path) -> Result<Parsed, ReadError> {
    let mut lines = decode_lines(bytes);
    while lines.last().is_some_and(|l| is_blank(l)) {
        lines.pop();
    }
    let Some(header) = lines.first() else {
        return Err(ReadError::Empty {
            file: file.to_path_buf(),
            expected: EXPECTED_DAT,
        });
    };
    let (n, m, title) = read_header(file, header)?;

    // Line 2: lowest, highest, 20 counts for -6..13.
    let distribution = match lines.get(1) {
        Some(l) if !is_blank(l) => l,
        other => {
            return Err(ReadError::MissingLine {
                file: file.to_path_buf(),
                line: 2,
                blank: other.is_some(),
                expected: format!("the distribution: {EXPECTED_DISTRIBUTION}"),
            });
        }
    };
    let grid = read_distribution(file, distribution, m)?;

    // Lines 3..: one per sort.
    let sort_lines = lines.get(2..).unwrap_or(&[]);
    if let Some(blank) = sort_lines.iter().position(|l| is_blank(l)) {
        return Err(ReadError::MissingLine {
            file: file.to_path_buf(),
            line: blank + 3,
            blank: true,
            expected: EXPECTED_SORT_LINE.to_string(),
        });
    }
    if sort_lines.len() != n {
        return Err(ReadError::SortCount {
            file: file.to_path_buf(),
            expected: n,
            found: sort_lines.len(),
        });
    }
    let mut sort_ids = Vec::with_capacity(n);
    let mut values = Vec::with_capacity(n);
    for (i, chars) in sort_lines.iter().enumerate() {
        let line = i + 3;
        let (id, row) = read_sort_line(file, chars, line, m)?;
        sort_ids.push(id);
        values.push(row);
    }

    Ok(Parsed {
        table: SortTable {
            missing: Vec::new(),
            sort_ids,
            statement_labels: None,
            values,
        },
        grid: Some(grid),
        title,
        source: SourceMap::Dat {
            sort_lines: (3..3 + n).collect(),
            statements: m,
            statements_file: None,
        },
    })
}

/// Line 1 of a `.DAT`: the flag, the number of sorts and the number of statements (3
/// characters each), then the study title (`None` when blank).
fn read_header(file: &Path, header: &[char]) -> Result<(usize, usize, Option<String>), ReadError> {
    if is_blank(header) {
        return Err(ReadError::MissingLine {
            file: file.to_path_buf(),
            line: 1,
            blank: true,
            expected: format!("the header: {EXPECTED_HEADER}"),
        });
    }
    let field =
        |start: usize, what: &str| int_field(file, header, 1, start, 3, what, EXPECTED_HEADER);
    let _flag = field(0, "flag")?;
    let n = field(3, "number of sorts")?;
    let m = field(6, "number of statements")?;
    let n = checked_count(file, header, 1, 3, "number of sorts", n, false)?;
    let m = checked_count(file, header, 1, 6, "number of statements", m, true)?;
    let title: String = header.iter().skip(9).collect();
    let title = Some(title.trim().to_string()).filter(|t| !t.is_empty());
    Ok((n, m, title))
}

/// Line 2 of a `.DAT`: lowest, highest, then 20 counts for the values -6..13, summing to `m`.
fn read_distribution(file: &Path, distribution: &[char], m: usize) -> Result<Grid, ReadError> {
    let low = int_field(
        file,
        distribution,
        2,
        0,
        3,
        "lowest value",
        EXPECTED_DISTRIBUTION,
    )?;
    let high = int_field(
        file,
        distribution,
        2,
        3,
        3,
        "highest value",
        EXPECTED_DISTRIBUTION,
    )?;
    if low > high || low < SLOT_MIN || high > SLOT_MAX {
        return Err(ReadError::DistributionRange {
            file: file.to_path_buf(),
            low,
            high,
        });
    }
    let mut pairs = Vec::new();
    let mut sum = 0usize;
    for value in low..=high {
        // In range -6..13, so the slot index is 0..19.
        let slot = usize::try_from(value - SLOT_MIN).unwrap_or(0);
        let start = 6 + 3 * slot;
        let what = format!("count of grid value {value}");
        let count = int_field(
            file,
            distribution,
            2,
            start,
            3,
            &what,
            EXPECTED_DISTRIBUTION,
        )?;
        let count = checked_count(file, distribution, 2, start, &what, count, false)?;
        sum = sum.saturating_add(count);
        pairs.push((value, count));
    }
    if sum != m {
        return Err(ReadError::DistributionSum {
            file: file.to_path_buf(),
            sum,
            statements: m,
        });
    }
    Grid::new(pairs).map_err(|source| ReadError::Grid {
        file: file.to_path_buf(),
        source,
    })
}

/// A sort line of a `.DAT` (line `line`): the id in columns 1-8, 2 blanks, then `m` values of
/// 2 characters and nothing after them.
fn read_sort_line(
    file: &Path,
    chars: &[char],
    line: usize,
    m: usize,
) -> Result<(String, Vec<i32>), ReadError> {
    let width = DAT_FIRST_VALUE_COLUMN - 1 + 2 * m;
    let id: String = chars.iter().take(8).collect();
    let id = id.trim_end().to_string();
    if chars.len() < width {
        return Err(ReadError::LineTooShort {
            file: file.to_path_buf(),
            line,
            sort: id,
            found: chars.len(),
            expected: width,
            statements: m,
        });
    }
    let separator = text(chars, 8, 2);
    if !separator.trim().is_empty() {
        return Err(ReadError::DatField {
            file: file.to_path_buf(),
            line,
            first: 9,
            last: 10,
            what: format!("after sort id '{id}'"),
            found: separator,
            problem: FieldProblem::NotBlank,
            expected: "2 blanks after the 8-character sort id (is the line shifted, or the id longer than 8 characters?)",
        });
    }
    let extra = text(chars, width, usize::MAX);
    if !is_blank(&extra.chars().collect::<Vec<_>>()) {
        return Err(ReadError::ExtraText {
            file: file.to_path_buf(),
            line,
            sort: id,
            extra: extra.trim_end().to_string(),
            expected: width,
            statements: m,
        });
    }
    let mut row = Vec::with_capacity(m);
    for s in 0..m {
        let start = DAT_FIRST_VALUE_COLUMN - 1 + 2 * s;
        let raw = text(chars, start, 2);
        match parse_value_field(&raw) {
            Some(v) => row.push(v),
            None => {
                return Err(ReadError::DatField {
                    file: file.to_path_buf(),
                    line,
                    first: start + 1,
                    last: start + 2,
                    what: format!("statement {} of sort '{id}'", s + 1),
                    found: raw,
                    problem: FieldProblem::NotRightAligned,
                    expected: EXPECTED_VALUE,
                });
            }
        }
    }
    Ok((id, row))
}

/// Reads a PQMethod `.STA`: exactly `expected` statement texts, one per line (CRLF or LF),
/// trailing blank lines allowed. A line that is not UTF-8 is decoded as Latin-1.
pub(crate) fn parse_sta(
    bytes: &[u8],
    file: &Path,
    dat: &Path,
    expected: usize,
) -> Result<Vec<String>, ReadError> {
    let mut lines = decode_lines(bytes);
    while lines.last().is_some_and(|l| is_blank(l)) {
        lines.pop();
    }
    if let Some(blank) = lines.iter().position(|l| is_blank(l)) {
        return Err(ReadError::StaBlankLine {
            file: file.to_path_buf(),
            dat: dat.to_path_buf(),
            line: blank + 1,
            statements: expected,
        });
    }
    if lines.len() != expected {
        return Err(ReadError::StatementCount {
            file: file.to_path_buf(),
            dat: dat.to_path_buf(),
            found: lines.len(),
            expected,
        });
    }
    Ok(lines
        .iter()
        .map(|l| l.iter().collect::<String>().trim().to_string())
        .collect())
}

/// The `.STA` beside a `.DAT`: same directory, same stem, extension `sta` in any case. An exact
/// stem match is preferred over one differing only in case.
pub(crate) fn find_sta(dat: &Path) -> Option<PathBuf> {
    let stem = dat.file_stem()?.to_str()?;
    let dir = match dat.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let mut candidates: Vec<(bool, PathBuf)> = std::fs::read_dir(dir)
        .ok()?
        .filter_map(Result::ok)
        .filter_map(|entry| {
            let path = entry.path();
            let ext = path.extension()?.to_str()?;
            let other_stem = path.file_stem()?.to_str()?;
            let same_stem = other_stem.eq_ignore_ascii_case(stem);
            (ext.eq_ignore_ascii_case("sta") && same_stem && path.is_file())
                .then(|| (other_stem != stem, dir.join(entry.file_name())))
        })
        .collect();
    candidates.sort();
    candidates.into_iter().next().map(|(_, p)| p)
}

/// Lines split on LF with a trailing CR removed, each decoded (UTF-8, else Latin-1) into chars so
/// that columns count characters. A UTF-8 byte-order mark is dropped.
fn decode_lines(bytes: &[u8]) -> Vec<Vec<char>> {
    strip_bom(bytes)
        .split(|&b| b == b'\n')
        .map(|l| {
            let l = l.strip_suffix(b"\r").unwrap_or(l);
            decode_text(l).chars().collect()
        })
        .collect()
}

/// Blank: only whitespace (or the DOS end-of-file mark Ctrl-Z).
fn is_blank(line: &[char]) -> bool {
    line.iter().all(|c| c.is_whitespace() || *c == '\u{1a}')
}

/// The characters `start..start + width` of a line (fewer, or none, when the line is shorter).
fn text(line: &[char], start: usize, width: usize) -> String {
    line.iter().skip(start).take(width).collect()
}

fn int_field(
    file: &Path,
    line: &[char],
    line_no: usize,
    start: usize,
    width: usize,
    what: &str,
    expected: &'static str,
) -> Result<i32, ReadError> {
    let raw = text(line, start, width);
    parse_int(&raw).ok_or_else(|| ReadError::DatField {
        file: file.to_path_buf(),
        line: line_no,
        first: start + 1,
        last: start + width,
        what: what.to_string(),
        found: raw,
        problem: FieldProblem::NotAnInteger,
        expected,
    })
}

/// A count from a 3-character field: not negative, and not zero when `positive`.
fn checked_count(
    file: &Path,
    line: &[char],
    line_no: usize,
    start: usize,
    what: &str,
    value: i32,
    positive: bool,
) -> Result<usize, ReadError> {
    match usize::try_from(value) {
        Ok(v) if v > 0 || !positive => Ok(v),
        _ => Err(ReadError::DatField {
            file: file.to_path_buf(),
            line: line_no,
            first: start + 1,
            last: start + 3,
            what: what.to_string(),
            found: text(line, start, 3),
            problem: if value < 0 {
                FieldProblem::Negative
            } else {
                FieldProblem::Zero
            },
            expected: if positive {
                "a number of at least 1"
            } else {
                "a number of at least 0"
            },
        }),
    }
}

/// A 2-character value field: right-aligned, so the second character is a digit and the first a
/// blank, a sign or a digit (`-1`, ` 0`, `12`, `+3`).
fn parse_value_field(raw: &str) -> Option<i32> {
    let mut chars = raw.chars();
    let (a, b) = (chars.next()?, chars.next()?);
    if chars.next().is_some() || !b.is_ascii_digit() {
        return None;
    }
    if !(a == ' ' || a == '-' || a == '+' || a.is_ascii_digit()) {
        return None;
    }
    parse_int(raw)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{InputFormat, read_sorts, read_sorts_from_str};

    use crate::fixture;

    fn dat(text: &str) -> Result<crate::LoadedSorts, ReadError> {
        read_sorts_from_str(text, "data/T.DAT", InputFormat::PqmethodDat)
    }

    const SMALL: &str = "  0  3  4 Small test\r\n -1  1  0  0  0  0  0  1  2  1  0  0  0  0  0  0  0  0  0  0  0  0\r\nA          1 0 0-1\r\nBB        -1 0 1 0\r\nCCCCCCCC   0 1-1 0\r\n";

    #[test]
    fn small_dat() {
        let l = dat(SMALL).unwrap();
        assert_eq!(l.table.sort_ids, ["A", "BB", "CCCCCCCC"]);
        assert_eq!(
            l.table.values,
            [vec![1, 0, 0, -1], vec![-1, 0, 1, 0], vec![0, 1, -1, 0]]
        );
        assert_eq!(l.grid.unwrap().to_string(), "-1:1,0:2,1:1");
        assert_eq!(l.title.as_deref(), Some("Small test"));
        assert_eq!(l.table.statement_labels, None);
        // LF line ends and no final newline work the same.
        let lf = SMALL.replace("\r\n", "\n");
        assert_eq!(dat(lf.trim_end()).unwrap().table, l.table);
    }

    #[test]
    fn lipset_dat_and_sta_match_csv() {
        let d = read_sorts(&fixture("lipset/LIPSET.DAT"), None).unwrap();
        let c = read_sorts(&fixture("lipset/lipset_sorts.csv"), None).unwrap();
        assert_eq!(d.format, InputFormat::PqmethodDat);
        assert_eq!(d.table.sort_ids, c.table.sort_ids);
        assert_eq!(d.table.values, c.table.values);
        assert_eq!(
            d.table.values[0],
            [
                -1, 0, -2, 0, -2, 1, 0, -1, 0, -1, 1, 1, 2, 3, -1, -4, -3, -3, -1, -4, 3, 2, 3, 1,
                1, 0, 4, 2, 2, -3, -2, -2, 4
            ]
        );
        assert_eq!(
            d.grid.as_ref().unwrap().to_string(),
            "-4:2,-3:3,-2:4,-1:5,0:5,1:5,2:4,3:3,4:2"
        );
        assert_eq!(
            d.title.as_deref(),
            Some("Lipset Study (PQMETHOD testfile; cf. Brown, 1980, pp. 183ff.)")
        );
        let labels = d.table.statement_labels.as_ref().unwrap();
        assert_eq!(labels.len(), 33);
        assert_eq!(
            labels[0],
            "We accept improvements in status and power of lower class"
        );
        match &d.source {
            SourceMap::Dat {
                sort_lines,
                statements_file,
                ..
            } => {
                assert_eq!(sort_lines, &(3..=11).collect::<Vec<_>>());
                assert_eq!(
                    statements_file.as_ref().and_then(|p| p.file_name()),
                    Some(std::ffi::OsStr::new("LIPSET.STA"))
                );
            }
            other => panic!("{other:?}"),
        }
        // The whole thing validates against the DAT's own grid.
        let opts = qstudy_core::validate::ValidationOptions {
            grid: d.grid.clone(),
            free_distribution: false,
        };
        assert!(qstudy_core::validate::validate(&d.table, &opts).is_ok());
    }

    #[test]
    fn koc_dat() {
        let l = read_sorts(&fixture("koc/KOC.DAT"), None).unwrap();
        assert_eq!(l.table.sort_ids.len(), 38);
        assert_eq!(l.table.sort_ids[0], "01Edelst");
        assert_eq!(l.table.sort_ids[37], "38WS1975");
        assert!(l.table.values.iter().all(|v| v.len() == 36));
        assert_eq!(&l.table.values[0][..5], &[1, 0, -1, -2, 0]);
        assert_eq!(
            l.grid.as_ref().unwrap().to_string(),
            "-5:1,-4:2,-3:3,-2:4,-1:5,0:6,1:5,2:4,3:3,4:2,5:1"
        );
        assert_eq!(l.table.statement_labels.as_ref().map(Vec::len), Some(36));
        // The DAT agrees with the CSV decoded from it.
        let c = read_sorts(&fixture("koc/koc_sorts.csv"), None).unwrap();
        assert_eq!(c.table.sort_ids, l.table.sort_ids);
        assert_eq!(c.table.values, l.table.values);
    }

    #[test]
    fn uhh_dat_and_its_csv_like_sta() {
        let l = read_sorts(&fixture("uhh/UHH.DAT"), None).unwrap();
        assert_eq!(l.table.sort_ids, ["VK", "BF", "DR"]);
        assert!(l.table.values.iter().all(|v| v.len() == 69));
        let grid = l.grid.as_ref().unwrap();
        assert_eq!((grid.min(), grid.max()), (-6, 6));
        assert_eq!(
            grid.to_string(),
            "-6:1,-5:2,-4:3,-3:5,-2:8,-1:10,0:11,1:10,2:8,3:5,4:3,5:2,6:1"
        );
        assert_eq!(l.title.as_deref(), Some("UHH test"));
        // UHH.STA is a CSV (id,"text"), but it has 69 lines (the last without a final newline),
        // so it is accepted line by line.
        let labels = l.table.statement_labels.as_ref().unwrap();
        assert_eq!(labels.len(), 69);
        assert!(labels[0].starts_with("T101, People should be taxed"));
    }

    #[test]
    fn sta_with_wrong_line_count() {
        let dir = tempfile::tempdir().unwrap();
        let dat_path = dir.path().join("UHH.DAT");
        std::fs::copy(fixture("uhh/UHH.DAT"), &dat_path).unwrap();
        // Drop the last statement line of the STA.
        let sta = std::fs::read(fixture("uhh/UHH.STA")).unwrap();
        let cut = sta.iter().rposition(|&b| b == b'\n').unwrap();
        std::fs::write(dir.path().join("uhh.sta"), &sta[..cut]).unwrap();
        let e = read_sorts(&dat_path, None).unwrap_err();
        assert!(
            matches!(
                e,
                ReadError::StatementCount {
                    found: 68,
                    expected: 69,
                    ..
                }
            ),
            "{e}"
        );
        let sta_path = dir.path().join("uhh.sta");
        assert_eq!(
            e.to_string(),
            format!(
                "{}: 68 statement line(s), expected 69 (the number of statements in {}); expected one statement text per line",
                sta_path.display(),
                dat_path.display()
            )
        );
    }

    #[test]
    fn sta_blank_line_in_the_middle_and_latin1() {
        let dir = tempfile::tempdir().unwrap();
        let dat_path = dir.path().join("small.dat");
        std::fs::write(&dat_path, SMALL).unwrap();
        let sta_path = dir.path().join("small.STA");
        std::fs::write(&sta_path, b"one\r\n\r\nthree\r\nfour\r\n").unwrap();
        let e = read_sorts(&dat_path, None).unwrap_err();
        assert_eq!(
            e.to_string(),
            format!(
                "{}: line 2 is blank; expected one statement text per line (4 statements in {})",
                sta_path.display(),
                dat_path.display()
            )
        );
        std::fs::write(
            &sta_path,
            b"caf\xe9 \r\nna\xefve\r\nthree\r\nfour\r\n\r\n\r\n",
        )
        .unwrap();
        let l = read_sorts(&dat_path, None).unwrap();
        assert_eq!(
            l.table.statement_labels.unwrap(),
            ["caf\u{e9}", "na\u{ef}ve", "three", "four"]
        );
        // Without a .STA: no labels, not an error.
        std::fs::remove_file(&sta_path).unwrap();
        let l = read_sorts(&dat_path, None).unwrap();
        assert_eq!(l.table.statement_labels, None);
        assert!(matches!(
            l.source,
            SourceMap::Dat {
                statements_file: None,
                ..
            }
        ));
    }

    #[test]
    fn fewer_sort_lines_than_header() {
        let text = SMALL.replace("CCCCCCCC   0 1-1 0\r\n", "");
        let e = dat(&text).unwrap_err();
        assert_eq!(
            e.to_string(),
            "data/T.DAT: line 1 says 3 sorts but 2 sort line(s) follow (lines 3-4); expected one line per sort after the distribution line"
        );
    }

    #[test]
    fn field_not_an_integer() {
        let text = SMALL.replace("BB        -1 0 1 0", "BB        -1 x 1 0");
        let e = dat(&text).unwrap_err();
        assert_eq!(
            e.to_string(),
            "data/T.DAT: line 4, columns 13-14 (statement 2 of sort 'BB'): ' x' is not a right-aligned integer; expected a right-aligned integer in 2 characters, e.g. ' 3' or '-2'"
        );
        // A line shifted left ("1 ") and an id longer than 8 characters are caught too.
        let text = SMALL.replace("A          1 0 0-1", "A         1 0 0 -1");
        let e = dat(&text).unwrap_err();
        assert!(
            matches!(
                e,
                ReadError::DatField {
                    line: 3,
                    first: 11,
                    last: 12,
                    ..
                }
            ),
            "{e}"
        );
        let text = SMALL.replace("A          1 0 0-1", "ABCDEFGHI  1 0 0-1");
        let e = dat(&text).unwrap_err();
        assert!(
            matches!(
                e,
                ReadError::DatField {
                    line: 3,
                    first: 9,
                    last: 10,
                    ..
                }
            ),
            "{e}"
        );
        assert!(
            e.to_string()
                .contains("is the line shifted, or the id longer than 8 characters?")
        );
    }

    #[test]
    fn sort_line_too_short_or_too_long() {
        let text = SMALL.replace("BB        -1 0 1 0", "BB        -1 0 1");
        let e = dat(&text).unwrap_err();
        assert_eq!(
            e.to_string(),
            "data/T.DAT: line 4 (sort 'BB'): the line is 16 characters wide, expected 18 (8-character id, 2 blanks, 4 values of 2 characters)"
        );
        let text = SMALL.replace("BB        -1 0 1 0", "BB        -1 0 1 0 1  ");
        let e = dat(&text).unwrap_err();
        assert!(
            e.to_string().starts_with(
                "data/T.DAT: line 4 (sort 'BB'): unexpected ' 1' after column 18; expected only 4 values"
            ),
            "{e}"
        );
    }

    #[test]
    fn bad_header_and_distribution() {
        let e = dat("  0  x  4 T\r\n").unwrap_err();
        assert_eq!(
            e.to_string(),
            format!(
                "data/T.DAT: line 1, columns 4-6 (number of sorts): '  x' is not an integer; expected {EXPECTED_HEADER}"
            )
        );
        let e = dat("0 3 4 Title\r\n").unwrap_err();
        assert!(matches!(e, ReadError::DatField { line: 1, .. }), "{e}");
        let e = dat("  0  3  4 T\r\n").unwrap_err();
        assert!(
            e.to_string()
                .starts_with("data/T.DAT: line 2 is missing; expected the distribution"),
            "{e}"
        );
        let text = SMALL.replace(
            " -1  1  0  0  0  0  0  1  2  1",
            " -1  1  0  0  0  0  0  1  2  2",
        );
        let e = dat(&text).unwrap_err();
        assert_eq!(
            e.to_string(),
            "data/T.DAT: line 2: the distribution counts sum to 5, expected 4 (the number of statements on line 1)"
        );
        let text = SMALL.replace(" -1  1  0", " -7  1  0");
        let e = dat(&text).unwrap_err();
        assert!(
            matches!(
                e,
                ReadError::DistributionRange {
                    low: -7,
                    high: 1,
                    ..
                }
            ),
            "{e}"
        );
        let text = SMALL.replace(
            " -1  1  0  0  0  0  0  1  2  1  0  0  0  0  0  0  0  0  0  0  0  0",
            " -1  1  0  0  0  0  0  1  2",
        );
        let e = dat(&text).unwrap_err();
        assert!(
            e.to_string().starts_with(
                "data/T.DAT: line 2, columns 28-30 (count of grid value 1): an empty field is not an integer"
            ),
            "{e}"
        );
        let e = dat("  0 -3  4 T\r\n").unwrap_err();
        assert!(
            e.to_string()
                .contains("(number of sorts): ' -3' is negative"),
            "{e}"
        );
    }

    #[test]
    fn blank_sort_line_and_empty_file() {
        let text = SMALL.replace("BB        -1 0 1 0", "   ");
        let e = dat(&text).unwrap_err();
        assert!(
            e.to_string()
                .starts_with("data/T.DAT: line 4 is blank; expected a sort line"),
            "{e}"
        );
        let e = dat(" \r\n\r\n").unwrap_err();
        assert!(matches!(e, ReadError::Empty { .. }), "{e}");
        assert!(
            e.to_string()
                .starts_with("data/T.DAT: the file is empty; expected a PQMethod .DAT file")
        );
    }

    #[test]
    fn value_fields() {
        assert_eq!(parse_value_field(" 3"), Some(3));
        assert_eq!(parse_value_field("-6"), Some(-6));
        assert_eq!(parse_value_field("13"), Some(13));
        assert_eq!(parse_value_field("+2"), Some(2));
        assert_eq!(parse_value_field("3 "), None);
        assert_eq!(parse_value_field("  "), None);
        assert_eq!(parse_value_field("-"), None);
        assert_eq!(parse_value_field("x1"), None);
    }
}

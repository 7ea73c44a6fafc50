//! Small display helpers shared by the reports: fixed-point numbers, clipping and padding by
//! characters, factor and statement names. Display only: the results stay full precision.

use qstudy_core::AnalysisResults;
use qstudy_core::analysis::FactorResult;

/// `n` with its thousands separated by commas, for messages and summaries.
///
/// ```
/// assert_eq!(qstudy_report::grouped(1_048_576), "1,048,576");
/// assert_eq!(qstudy_report::grouped(999), "999");
/// ```
pub fn grouped(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// `x` with `dp` decimals; a value that rounds to zero is printed without a minus sign
/// (`-0.00004` -> `0.0000`), so tables do not show `-0.0000`.
pub(crate) fn fixed(x: f64, dp: usize) -> String {
    let s = format!("{x:.dp$}");
    if s.starts_with('-') && s[1..].chars().all(|c| c == '0' || c == '.') {
        s[1..].to_string()
    } else {
        s
    }
}

/// Appends `x` with `dp` decimals, right-aligned in `width` characters: the same text as
/// `right(&fixed(x, dp), width)`, without allocating (the per-sort tables of a large study
/// have millions of cells).
pub(crate) fn push_fixed(buf: &mut String, x: f64, dp: usize, width: usize) {
    use std::fmt::Write;
    if let Some((negative, scaled)) = scaled_fixed(x, dp) {
        let unit = 10u64.pow(dp as u32);
        let (int, frac) = (scaled / unit, scaled % unit);
        let digits = int.checked_ilog10().unwrap_or(0) as usize + 1;
        let len = usize::from(negative) + digits + if dp > 0 { 1 + dp } else { 0 };
        push_blanks(buf, width.saturating_sub(len));
        if negative {
            buf.push('-');
        }
        let mut digits = itoa::Buffer::new();
        buf.push_str(digits.format(int));
        if dp > 0 {
            buf.push('.');
            let frac = digits.format(frac);
            push_zeros(buf, dp.saturating_sub(frac.len()));
            buf.push_str(frac);
        }
        return;
    }
    let start = buf.len();
    let _ = write!(buf, "{x:>width$.dp$}");
    let written = &buf[start..];
    let number = written.trim_start_matches(' ');
    if number.starts_with('-') && number[1..].bytes().all(|c| c == b'0' || c == b'.') {
        // a value that rounds to zero loses its minus sign, as in `fixed`
        let minus = start + (written.len() - number.len());
        if written.len() > width {
            buf.remove(minus);
        } else {
            buf.replace_range(minus..=minus, " ");
        }
    }
}

/// `|x|` rounded to `dp` decimals as an integer count of `10^-dp`, and whether the text has a
/// minus sign, when that is certain without the general formatter (whose exact mode is slow):
/// `|x| 10^dp` is computed with one rounding, so away from a tie (`.5`, where the error could
/// matter) it rounds as the exact value does, which is what `format!` prints. `None` near a
/// tie, for large or non-finite values and more than 4 decimals.
fn scaled_fixed(x: f64, dp: usize) -> Option<(bool, u64)> {
    const SCALE: [f64; 5] = [1.0, 10.0, 100.0, 1000.0, 10000.0];
    let t = x.abs() * SCALE.get(dp)?;
    // t < 1e9: its error is below 1.2e-7, well inside the margin around ties
    if t.is_nan() || t >= 1e9 {
        return None;
    }
    let frac = t - t.floor();
    if (frac - 0.5).abs() < 1e-6 {
        return None;
    }
    let scaled = t.round() as u64;
    Some((x < 0.0 && scaled > 0, scaled))
}

/// The columns `c` takes in a fixed-width text: 2 for the wide characters of East Asian
/// scripts, 0 for combining marks, 1 otherwise (control characters too).
pub(crate) fn char_width(c: char) -> usize {
    unicode_width::UnicodeWidthChar::width(c).unwrap_or(1)
}

/// The columns `s` takes in a fixed-width text (its display width).
pub(crate) fn width(s: &str) -> usize {
    s.chars().map(char_width).sum()
}

/// Appends `s` clipped to `width` columns and padded with blanks to exactly `width`: the
/// same text as `left(s, width)`, without allocating.
pub(crate) fn push_left(buf: &mut String, s: &str, width: usize) {
    let mut n = 0;
    for c in s.chars() {
        let w = char_width(c);
        if n + w > width {
            break;
        }
        buf.push(c);
        n += w;
    }
    push_blanks(buf, width - n);
}

/// Appends `n` blanks.
pub(crate) fn push_blanks(buf: &mut String, n: usize) {
    const BLANKS: &str = "                                ";
    match BLANKS.get(..n) {
        Some(blanks) => buf.push_str(blanks),
        None => buf.extend(std::iter::repeat_n(' ', n)),
    }
}

fn push_zeros(buf: &mut String, n: usize) {
    buf.extend(std::iter::repeat_n('0', n));
}

/// The longest start of `s` that takes at most `width` columns: whole characters only, so a
/// double-width character that would straddle the edge is left out.
pub(crate) fn clip(s: &str, width: usize) -> String {
    let mut n = 0;
    s.chars()
        .take_while(|&c| {
            n += char_width(c);
            n <= width
        })
        .collect()
}

/// `s` clipped to `width` columns and padded with blanks on the right to exactly `width`.
pub(crate) fn left(s: &str, width: usize) -> String {
    let c = clip(s, width);
    let n = self::width(&c);
    format!("{c}{}", " ".repeat(width - n))
}

/// `s` padded with blanks on the left to at least `width` columns.
pub(crate) fn right(s: &str, width: usize) -> String {
    let n = self::width(s);
    if n >= width {
        s.to_string()
    } else {
        format!("{}{s}", " ".repeat(width - n))
    }
}

/// A factor's number as PQMethod heads its columns: `F1` -> `1`, `F2a` -> `2a`.
pub(crate) fn number(name: &str) -> &str {
    name.strip_prefix('F').unwrap_or(name)
}

/// A factor in words, as the PQMethod-style listing heads its sections: `Factor 1`, or
/// `Factor 1 (settled accommodation)` when the factor was named.
pub(crate) fn factor_in_words(f: &FactorResult) -> String {
    match &f.label {
        Some(label) => format!("Factor {} ({label})", number(&f.name)),
        None => format!("Factor {}", number(&f.name)),
    }
}

/// A factor as a spreadsheet column head: `F1`, or `F1 (settled accommodation)`.
pub(crate) fn factor_head(f: &FactorResult) -> String {
    match &f.label {
        Some(l) => format!("{} ({l})", f.name),
        None => f.name.clone(),
    }
}

/// The text of statement `s` (0-based) as the input gave it, or `""` when the input had no
/// statement texts (a table cell is never missing).
pub(crate) fn statement_cell(r: &AnalysisResults, s: usize) -> &str {
    qstudy_core::view::statement_text(r, s).unwrap_or("")
}

/// Flags set or removed by hand, as `sort=factor` pairs: `S1=F1, S4=F2`.
pub(crate) fn flag_edits(v: &[[String; 2]]) -> String {
    v.iter()
        .map(|[s, f]| format!("{s}={f}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Factor numbers (1-based) as names: `F1, F3`.
pub(crate) fn factor_numbers(v: &[usize]) -> String {
    v.iter()
        .map(|f| format!("F{f}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Whether the input had statement texts.
pub(crate) fn has_texts(r: &AnalysisResults) -> bool {
    r.input.statement_labels.is_some()
}

pub(crate) use qstudy_core::view::{factor_index, statement_index, with_array};

/// Mean and population variance of the grid's values, cell by cell (`[[value, count], ...]`).
pub(crate) fn grid_mean_variance(grid: &[[i64; 2]]) -> (f64, f64) {
    let cells: f64 = grid.iter().map(|g| g[1] as f64).sum();
    if cells == 0.0 {
        return (0.0, 0.0);
    }
    let mean = grid.iter().map(|g| g[0] as f64 * g[1] as f64).sum::<f64>() / cells;
    let var = grid
        .iter()
        .map(|g| (g[0] as f64 - mean).powi(2) * g[1] as f64)
        .sum::<f64>()
        / cells;
    (mean, var)
}

/// `0.01` -> `p < .01`, `0.05` -> `p < .05`, anything else `p < 0.1` etc.
pub(crate) fn p_text(p: f64) -> String {
    if p == 0.01 {
        "p < .01".to_string()
    } else if p == 0.05 {
        "p < .05".to_string()
    } else {
        format!("p < {p}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixed_rounds_and_drops_negative_zero() {
        assert_eq!(fixed(0.61559, 4), "0.6156");
        assert_eq!(fixed(-0.00004, 4), "0.0000");
        assert_eq!(fixed(-0.5, 2), "-0.50");
        assert_eq!(fixed(-1.81121, 3), "-1.811");
    }

    #[test]
    fn push_fixed_is_right_of_fixed() {
        let values = [
            0.61559,
            -0.00004,
            -0.5,
            -1.81121,
            0.0,
            -0.0,
            12345.678,
            -12345.678,
            0.00005,
            -0.00005,
            99.5,
            -0.4,
            -0.6,
            1e-300,
            -1e-300,
            f64::NAN,
            f64::INFINITY,
        ];
        for x in values {
            for dp in [0, 2, 3, 4] {
                for width in [0, 3, 5, 7, 10] {
                    let mut buf = "ab".to_string();
                    push_fixed(&mut buf, x, dp, width);
                    assert_eq!(
                        buf,
                        format!("ab{}", right(&fixed(x, dp), width)),
                        "{x} {dp} {width}"
                    );
                }
            }
        }
    }

    #[test]
    fn push_fixed_is_right_of_fixed_for_many_values() {
        // values of every magnitude, exact ties (0.125, 2.5) and the doubles next to them
        let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let mut values = vec![
            0.125,
            2.5,
            0.5,
            1.5,
            -2.5,
            0.00005,
            -0.00015,
            0.12345,
            99999.99995,
        ];
        for _ in 0..5_000 {
            let mantissa = (next() % 2_000_000) as f64 / 1_000_000.0 - 1.0;
            let exponent = (next() % 16) as i32 - 8;
            values.push(mantissa * 10f64.powi(exponent));
            let tie = (next() % 100_000) as f64 + 0.5;
            for dp in 0..5 {
                let t = tie / 10f64.powi(dp);
                values.extend([
                    t,
                    -t,
                    f64::from_bits(t.to_bits() + 1),
                    f64::from_bits(t.to_bits() - 1),
                ]);
            }
        }
        for x in values {
            for dp in [0, 1, 2, 3, 4] {
                let mut buf = String::new();
                push_fixed(&mut buf, x, dp, 10);
                assert_eq!(buf, right(&fixed(x, dp), 10), "{x:e} with {dp} decimals");
            }
        }
    }

    #[test]
    fn push_left_is_left() {
        for (s, w) in [("Zürich", 4), ("ab", 4), ("", 3), ("long", 0)] {
            let mut buf = String::new();
            push_left(&mut buf, s, w);
            assert_eq!(buf, left(s, w));
        }
    }

    #[test]
    fn clipping_and_padding_count_columns() {
        // Japanese characters take two columns: padding and clipping count them twice, and a
        // character that does not fit whole is left out, never cut
        assert_eq!(left("授業", 6), "授業  ");
        assert_eq!(left("授業です", 5), "授業 ");
        assert_eq!(width(&left("授業です", 5)), 5);
        assert_eq!(right("授業", 6), "  授業");
        assert_eq!(clip("a授", 2), "a");
        let mut buf = String::new();
        push_left(&mut buf, "授業です", 7);
        assert_eq!(buf, left("授業です", 7));
        assert_eq!(width("e\u{301}"), 1);
    }

    #[test]
    fn clipping_and_padding_count_characters() {
        assert_eq!(left("Zürich", 4), "Züri");
        assert_eq!(left("ab", 4), "ab  ");
        assert_eq!(right("ä", 3), "  ä");
        assert_eq!(right("long", 2), "long");
    }

    #[test]
    fn factor_numbers() {
        assert_eq!(number("F1"), "1");
        assert_eq!(number("F2b"), "2b");
    }

    #[test]
    fn statistics() {
        let (m, v) = grid_mean_variance(&[[-1, 1], [0, 2], [1, 1]]);
        assert_eq!(m, 0.0);
        assert!((v - 0.5).abs() < 1e-15);
        assert_eq!(p_text(0.01), "p < .01");
    }
}

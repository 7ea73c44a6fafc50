use super::*;
use crate::testdata::sample;

const TITLES: [&str; 15] = [
    "Correlation Matrix Between Sorts",
    "Unrotated Factor Matrix",
    "Cumulative Communalities Matrix",
    "Factor Matrix with an X Indicating a Defining Sort",
    "Free Distribution Data Results",
    "Factor Scores with Corresponding Ranks",
    "Correlations Between Factor Scores",
    "Normalized Factor Scores -- For Factor 1",
    "Descending Array of Differences Between Factors 1 and 2",
    "Factor Q-Sort Values for Each Statement",
    "Factor Q-Sort Values for Statements sorted by Consensus vs. Disagreement",
    "Factor Characteristics",
    "Standard Errors for Differences in Factor Z-Scores",
    "Distinguishing Statements for Factor 1",
    "Consensus Statements  --  Those That Do Not Distinguish Between ANY Pair of Factors.",
];

fn position(text: &str, title: &str) -> Option<usize> {
    text.lines().position(|l| l.starts_with(title))
}

#[test]
fn the_sections_follow_pqmethods_order() {
    let (r, ctx) = sample();
    let text = report_lis(&r, &ctx);
    let mut last = 0;
    for title in TITLES {
        if title.starts_with("Free Distribution") {
            assert_eq!(position(&text, title), None, "forced data");
            continue;
        }
        let p = position(&text, title).unwrap_or_else(|| panic!("missing {title}"));
        assert!(p > last, "{title} out of order");
        last = p;
    }
    let crib = position(&text, "Crib Sheet for Factor 1").unwrap();
    assert!(
        crib > last,
        "qstudy's additions come after PQMethod's sections"
    );
}

#[test]
fn free_distribution_data_get_their_section() {
    let (mut r, ctx) = sample();
    r.input.free_distribution = true;
    let text = report_lis(&r, &ctx);
    let p = position(&text, "Free Distribution Data Results").unwrap();
    assert!(p > position(&text, "Factor Matrix with an X").unwrap());
    assert!(p < position(&text, "Factor Scores with Corresponding Ranks").unwrap());
    // every sort of the sample has mean 0 and sample SD 1.2247 (values -2..2)
    assert!(text.contains("  6 Fiona"), "{text}");
    assert!(text.contains("0.000     1.225"), "{text}");
}

#[test]
fn named_factors_are_shown_where_factors_are_named() {
    let (mut r, ctx) = sample();
    r.factors[0].label = Some("the optimists".to_string());
    let text = report_lis(&r, &ctx);
    assert!(text.contains("Normalized Factor Scores -- For Factor 1 (the optimists)"));
    assert!(text.contains("Distinguishing Statements for Factor 1 (the optimists)"));
    assert!(text.contains("  Factor 1 = the optimists"));
    assert!(text.contains("Factor names: F1 = the optimists"));
}

#[test]
fn layout_is_fixed_width_and_deterministic() {
    let (r, ctx) = sample();
    let a = report_lis(&r, &ctx);
    assert_eq!(a, report_lis(&r, &ctx));
    assert!(a.lines().all(|l| l == l.trim_end()), "no trailing blanks");
    let header = a.lines().next().unwrap();
    assert!(header.starts_with("qstudy                     Tiny test study"));
    assert_eq!(header.find("PAGE"), Some(113), "PAGE in column 114");
    // the defining loadings carry an X right after the 4-decimal loading
    let x_rows = a
        .lines()
        .skip_while(|l| !l.starts_with("Factor Matrix with an X"))
        .take_while(|l| !l.starts_with(" % expl.Var."))
        .filter(|l| l.contains('X') && !l.starts_with("Factor"))
        .count();
    let flagged = r.flags.iter().filter(|f| f.iter().any(|&x| x)).count();
    assert_eq!(x_rows, flagged);
    // scores with ranks: text from column 6, 55 wide; per factor 11 characters, the
    // z-score (2 decimals) ending 4 characters before the end of its block, then the rank
    let row = a
        .lines()
        .skip_while(|l| !l.starts_with("Factor Scores with Corresponding Ranks"))
        .find(|l| l.starts_with("   1 "))
        .unwrap();
    assert_eq!(&row[5..60], left("Statement number 1", 55));
    let chars: Vec<char> = row.chars().collect();
    let n = chars.len();
    let last: String = chars[n - 11..].iter().collect();
    let f = r.factors.len() - 1;
    let z = r.factors[f].zscores.as_ref().unwrap()[0];
    let rank = r.factors[f].ranks.as_ref().unwrap()[0];
    assert_eq!(last, format!("{:>7}{:>4}", fixed(z, 2), rank));
}

#[test]
fn a_huge_correlation_matrix_is_left_to_results_json() {
    let (mut r, ctx) = sample();
    let n = crate::MATRIX_LIMIT + 1;
    r.correlation = Some(vec![vec![0.5; n]; n]);
    let text = report_lis(&r, &ctx);
    assert!(
        text.contains(&format!("Not printed for {n} sorts")),
        "{text}"
    );
}

#[test]
fn the_streamed_report_is_the_same_text_and_a_failing_writer_is_an_error() {
    let (r, ctx) = sample();
    let text = report_lis(&r, &ctx);
    let mut streamed = Vec::new();
    write_report_lis(&r, &ctx, &mut streamed).unwrap();
    assert_eq!(streamed, text.as_bytes());
    let mut tiny = [0u8; 100];
    let e = write_report_lis(&r, &ctx, &mut &mut tiny[..]).unwrap_err();
    assert_eq!(e.kind(), std::io::ErrorKind::WriteZero);
}

#[test]
fn statements_without_texts_keep_their_numbers() {
    let (mut r, ctx) = sample();
    r.input.statement_labels = None;
    let text = report_lis(&r, &ctx);
    assert!(text.contains(" No.  Z-SCR RNK  Z-SCR RNK"), "{text}");
    assert!(!text.contains("Statement number"));
}

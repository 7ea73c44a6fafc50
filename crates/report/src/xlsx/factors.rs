//! The sheets of the factors: scores and ranks, correlations, each factor's weights, correlations and scores, differences, arrays, consensus vs. disagreement, characteristics and standard errors.

use super::*;

/// Rows and columns of the statement sheets are bounded by the number of statements; they are
/// checked all the same.
const STATEMENTS_INSTEAD: &str = "results.json and tables/scores.csv hold the scores";

pub(super) fn score_ranks(
    o: &mut Book,
    r: &AnalysisResults,
    arrays: &[usize],
) -> Result<(), XlsxError> {
    o.sheet(
        "Factor Score Ranks",
        "Factor Scores with Corresponding Ranks",
        |s| {
            if !s.fits(
                rows(r.input.statements),
                2 + 2 * arrays.len() as u64,
                STATEMENTS_INSTEAD,
            )? {
                return Ok(());
            }
            let mut headers = vec!["No.".to_string(), "Statement".to_string()];
            for &a in arrays {
                let h = factor_head(&r.factors[a]);
                headers.push(format!("{h} z-score"));
                headers.push(format!("{} rank", r.factors[a].name));
            }
            s.header(&headers, 2)?;
            for (i, id) in r.input.statement_ids.iter().enumerate() {
                let rr = FIRST_ROW + i as RowNum;
                s.int(rr, 0, *id as i64)?;
                s.text(rr, 1, statement_cell(r, i))?;
                for (k, &a) in arrays.iter().enumerate() {
                    let fr = &r.factors[a];
                    s.opt(rr, 2 + 2 * k, fr.zscores.as_ref().map(|z| z[i]), Num::N3)?;
                    if let Some(ranks) = fr.ranks.as_ref() {
                        s.int(rr, 3 + 2 * k, ranks[i] as i64)?;
                    }
                }
            }
            let mut w = vec![6.0, text_width(r)];
            for &a in arrays {
                w.push(
                    (factor_head(&r.factors[a]).chars().count() as f64 + 10.0).clamp(10.0, 30.0),
                );
                w.push(8.0);
            }
            s.widths(&w)
        },
    )
}

/// A factors x factors matrix of optional numbers.
fn factor_matrix(
    s: &mut Sheet<'_, '_>,
    r: &AnalysisResults,
    arrays: &[usize],
    value: impl Fn(usize, usize) -> Option<f64>,
    fmt: Num,
) -> Result<(), XlsxError> {
    let size = arrays.len() as u64;
    if !s.fits(
        rows(arrays.len()),
        1 + size,
        "results.json holds the matrix",
    )? {
        return Ok(());
    }
    let mut headers = vec![String::new()];
    headers.extend(arrays.iter().map(|&a| factor_head(&r.factors[a])));
    s.header(&headers, 1)?;
    for (i, &a) in arrays.iter().enumerate() {
        let rr = FIRST_ROW + i as RowNum;
        s.bold(rr, 0, &factor_head(&r.factors[a]))?;
        for (j, &b) in arrays.iter().enumerate() {
            s.opt(rr, 1 + j, value(a, b), fmt)?;
        }
    }
    let wide = arrays
        .iter()
        .map(|&a| factor_head(&r.factors[a]).chars().count() as f64 + 2.0)
        .fold(10.0, f64::max)
        .min(40.0);
    let mut w = vec![wide];
    w.extend(std::iter::repeat_n(wide.min(24.0), arrays.len()));
    s.widths(&w)
}

pub(super) fn score_correlations(
    o: &mut Book,
    r: &AnalysisResults,
    arrays: &[usize],
) -> Result<(), XlsxError> {
    o.sheet(
        "Factor Score Correlations",
        "Correlations Between Factor Scores",
        |s| factor_matrix(s, r, arrays, |a, b| r.factor_correlations[a][b], Num::N4),
    )
}

/// The three sheets of one factor: weights of its defining sorts, correlations between them
/// (up to [`crate::MATRIX_LIMIT`] defining sorts), and its scores (statements by descending
/// z-score, with the defining sorts' raw values when they fit in the columns).
pub(super) fn factor_sheets(
    o: &mut Book,
    r: &AnalysisResults,
    ctx: &ReportContext,
    index: &HashMap<&str, usize>,
    a: usize,
) -> Result<(), XlsxError> {
    let idx: Vec<Option<usize>> = r.factors[a]
        .defining_sorts
        .iter()
        .map(|id| index.get(id.as_str()).copied())
        .collect();
    factor_weights(o, r, a, &idx)?;
    factor_sorts_correlations(o, r, a, &idx)?;
    factor_scores(o, r, ctx, a, &idx)
}

/// The "F1 Weights" sheet: the factor's defining sorts, their loadings and weights. `idx`: each
/// defining sort's index among the sorts.
fn factor_weights(
    o: &mut Book,
    r: &AnalysisResults,
    a: usize,
    idx: &[Option<usize>],
) -> Result<(), XlsxError> {
    let fr = &r.factors[a];
    let title = factor_head(fr);
    let d = fr.defining_sorts.len();
    o.sheet(
        &format!("{} Weights", fr.name),
        &format!("{title}: defining sorts and their weights"),
        |s| {
            if !s.fits(
                rows(d),
                4,
                "results.json holds the defining sorts, their loadings and weights",
            )? {
                return Ok(());
            }
            s.header(
                &[
                    "Nm".to_string(),
                    "Q sort".to_string(),
                    "Loading".to_string(),
                    "Weight".to_string(),
                ],
                2,
            )?;
            s.column_formats(&[(0, Num::Int), (2, Num::N4), (3, Num::N4)])?;
            s.table(|s| {
                for (k, id) in fr.defining_sorts.iter().enumerate() {
                    let rr = FIRST_ROW + k as RowNum;
                    s.int(rr, 0, idx[k].map_or(0, |i| i as i64 + 1))?;
                    s.text(rr, 1, id)?;
                    s.opt(rr, 2, fr.defining_loadings.get(k).copied(), Num::N4)?;
                    s.opt(rr, 3, fr.weights.get(k).copied(), Num::N4)?;
                }
                Ok(())
            })?;
            s.widths(&[6.0, id_width(r), 10.0, 10.0])
        },
    )
}

/// The "F1 Sorts Corr" sheet: correlations between the factor's defining sorts (up to
/// [`crate::MATRIX_LIMIT`] of them, when the correlation matrix was kept).
fn factor_sorts_correlations(
    o: &mut Book,
    r: &AnalysisResults,
    a: usize,
    idx: &[Option<usize>],
) -> Result<(), XlsxError> {
    let fr = &r.factors[a];
    let title = factor_head(fr);
    let d = fr.defining_sorts.len();
    if let Some(c) = r.correlation.as_ref().filter(|_| d <= crate::MATRIX_LIMIT) {
        o.sheet(
            &format!("{} Sorts Corr", fr.name),
            &format!("{title}: correlations between its defining sorts"),
            |s| {
                if !s.fits(rows(d), 1 + d as u64, "results.json holds the correlations")? {
                    return Ok(());
                }
                let mut headers = vec!["Q sort".to_string()];
                headers.extend(fr.defining_sorts.iter().cloned());
                s.header(&headers, 1)?;
                let formats: Vec<(usize, Num)> = (0..d).map(|l| (1 + l, Num::N4)).collect();
                s.column_formats(&formats)?;
                s.table(|s| {
                    for (k, id) in fr.defining_sorts.iter().enumerate() {
                        let rr = FIRST_ROW + k as RowNum;
                        s.bold(rr, 0, id)?;
                        for (l, j) in idx.iter().enumerate() {
                            if let Some(v) = idx[k]
                                .zip(*j)
                                .and_then(|(i, j)| c.get(i).and_then(|row| row.get(j)))
                            {
                                s.num(rr, 1 + l, *v, Num::N4)?;
                            }
                        }
                    }
                    Ok(())
                })?;
                let mut w = vec![id_width(r)];
                w.extend(std::iter::repeat_n(id_width(r).max(9.0), d));
                s.widths(&w)
            },
        )?;
    }
    Ok(())
}

/// The "F1 Scores" sheet: statements by descending z-score, with the defining sorts' raw values
/// when they fit in the columns.
fn factor_scores(
    o: &mut Book,
    r: &AnalysisResults,
    ctx: &ReportContext,
    a: usize,
    idx: &[Option<usize>],
) -> Result<(), XlsxError> {
    let fr = &r.factors[a];
    let title = factor_head(fr);
    let d = fr.defining_sorts.len();
    let (Some(z), Some(array), Some(ranks)) =
        (fr.zscores.as_ref(), fr.array.as_ref(), fr.ranks.as_ref())
    else {
        return Ok(());
    };
    o.sheet(
        &format!("{} Scores", fr.name),
        &format!("Factor Scores for {title} (descending z-score)"),
        |s| {
            let m = z.len();
            if !s.fits(rows(m), 4, STATEMENTS_INSTEAD)? {
                return Ok(());
            }
            // the raw sorts of the defining sorts, one column each, when they fit
            let raw = s.limits.fit(rows(m), 4 + d as u64);
            let mut headers = vec![
                "No.".to_string(),
                "Statement".to_string(),
                "Z-score".to_string(),
                "Q-sort value".to_string(),
            ];
            if raw {
                headers.extend(fr.defining_sorts.iter().map(|id| format!("Raw sort {id}")));
            } else {
                let note = format!(
                    "sheet '{}': the raw sorts of its {} defining sorts are left out: {}; the 'Q sorts' sheet has every sort",
                    s.name,
                    grouped(d as u64),
                    s.limits.excess(rows(m), 4 + d as u64)
                );
                headers.push(note.clone());
                s.notes.push(note);
            }
            s.header(&headers, 2)?;
            let mut formats = vec![(0, Num::Int), (2, Num::N3), (3, Num::Int)];
            if raw {
                formats.extend((0..d).map(|l| (4 + l, Num::Int)));
            }
            s.column_formats(&formats)?;
            let mut order: Vec<usize> = (0..m).collect();
            order.sort_by_key(|&i| ranks.get(i).copied().unwrap_or(usize::MAX));
            s.table(|s| {
                for (k, &i) in order.iter().enumerate() {
                    let rr = FIRST_ROW + k as RowNum;
                    s.int(rr, 0, r.input.statement_ids.get(i).map_or(0, |&id| id as i64))?;
                    s.text(rr, 1, statement_cell(r, i))?;
                    s.num(rr, 2, z[i], Num::N3)?;
                    s.opt(rr, 3, array.get(i).map(|&v| v as f64), Num::Int)?;
                    if let Some(sorts) = ctx.sorts.as_ref().filter(|_| raw) {
                        for (l, j) in idx.iter().enumerate() {
                            if let Some(v) = j.and_then(|j| sorts.get(j)).and_then(|row| row.get(i)) {
                                s.int(rr, 4 + l, *v as i64)?;
                            }
                        }
                    }
                }
                Ok(())
            })?;
            let mut w = vec![6.0, text_width(r), 9.0, 12.0];
            w.extend(std::iter::repeat_n(12.0, if raw { d } else { 1 }));
            s.widths(&w)
        },
    )
}

pub(super) fn differences(o: &mut Book, r: &AnalysisResults) -> Result<(), XlsxError> {
    for pair in &r.differences {
        let (Some(a), Some(b)) = (factor_index(r, &pair.a), factor_index(r, &pair.b)) else {
            continue;
        };
        let (ha, hb) = (factor_head(&r.factors[a]), factor_head(&r.factors[b]));
        o.sheet(
            &format!("Diff {} {}", pair.a, pair.b),
            &format!("Descending Array of Differences Between {ha} and {hb}"),
            |s| {
                if !s.fits(rows(pair.statements.len()), 5, STATEMENTS_INSTEAD)? {
                    return Ok(());
                }
                s.header(
                    &[
                        "No.".to_string(),
                        "Statement".to_string(),
                        ha.clone(),
                        hb.clone(),
                        "Difference".to_string(),
                    ],
                    2,
                )?;
                for (k, d) in pair.statements.iter().enumerate() {
                    let rr = FIRST_ROW + k as RowNum;
                    s.int(rr, 0, d.statement as i64)?;
                    s.text(
                        rr,
                        1,
                        statement_index(r, d.statement).map_or("", |i| statement_cell(r, i)),
                    )?;
                    s.num(rr, 2, d.z_a, Num::N3)?;
                    s.num(rr, 3, d.z_b, Num::N3)?;
                    s.num(rr, 4, d.difference, Num::N3)?;
                }
                let wa = (ha.chars().count() as f64 + 2.0).clamp(10.0, 30.0);
                let wb = (hb.chars().count() as f64 + 2.0).clamp(10.0, 30.0);
                s.widths(&[6.0, text_width(r), wa, wb, 11.0])
            },
        )?;
    }
    Ok(())
}

fn array_headers(r: &AnalysisResults, arrays: &[usize]) -> Vec<String> {
    let mut headers = vec!["No.".to_string(), "Statement".to_string()];
    headers.extend(arrays.iter().map(|&a| factor_head(&r.factors[a])));
    headers
}

fn array_widths(r: &AnalysisResults, arrays: &[usize]) -> Vec<f64> {
    let mut w = vec![6.0, text_width(r)];
    w.extend(
        arrays
            .iter()
            .map(|&a| (factor_head(&r.factors[a]).chars().count() as f64 + 2.0).clamp(8.0, 24.0)),
    );
    w
}

pub(super) fn factor_arrays(
    o: &mut Book,
    r: &AnalysisResults,
    arrays: &[usize],
) -> Result<(), XlsxError> {
    o.sheet(
        "Factor Arrays",
        "Factor Q-Sort Values for Each Statement",
        |s| {
            if !s.fits(
                rows(r.input.statements),
                2 + arrays.len() as u64,
                STATEMENTS_INSTEAD,
            )? {
                return Ok(());
            }
            s.header(&array_headers(r, arrays), 2)?;
            for (i, id) in r.input.statement_ids.iter().enumerate() {
                let rr = FIRST_ROW + i as RowNum;
                s.int(rr, 0, *id as i64)?;
                s.text(rr, 1, statement_cell(r, i))?;
                for (k, &a) in arrays.iter().enumerate() {
                    if let Some(array) = r.factors[a].array.as_ref() {
                        s.int(rr, 2 + k, array[i] as i64)?;
                    }
                }
            }
            s.widths(&array_widths(r, arrays))
        },
    )
}

pub(super) fn consensus_disagreement(
    o: &mut Book,
    r: &AnalysisResults,
    arrays: &[usize],
) -> Result<(), XlsxError> {
    o.sheet(
        "Consensus-Disagreement",
        "Factor Q-Sort Values for Statements sorted by Consensus vs. Disagreement (Variance across Factor Z-Scores)",
        |s| {
            if !s.fits(
                rows(r.consensus_order.len()),
                3 + arrays.len() as u64,
                STATEMENTS_INSTEAD,
            )? {
                return Ok(());
            }
            let mut headers = array_headers(r, arrays);
            headers.push("Z-score variance".to_string());
            s.header(&headers, 2)?;
            for (k, spread) in r.consensus_order.iter().enumerate() {
                let Some(i) = statement_index(r, spread.statement) else {
                    continue;
                };
                let rr = FIRST_ROW + k as RowNum;
                s.int(rr, 0, spread.statement as i64)?;
                s.text(rr, 1, statement_cell(r, i))?;
                for (c, &a) in arrays.iter().enumerate() {
                    if let Some(array) = r.factors[a].array.as_ref() {
                        s.int(rr, 2 + c, array[i] as i64)?;
                    }
                }
                s.num(rr, 2 + arrays.len(), spread.variance, Num::N3)?;
            }
            let mut w = array_widths(r, arrays);
            w.push(12.0);
            s.widths(&w)
        },
    )
}

/// Row labels of the characteristics sheet, in order.
pub const CHARACTERISTICS_ROWS: [&str; 6] = [
    "No. of Defining Variables",
    "Average Rel. Coef.",
    "Composite Reliability",
    "S.E. of Factor Z-Scores",
    "Eigenvalue",
    "% Explained Variance",
];

pub(super) fn characteristics(o: &mut Book, r: &AnalysisResults) -> Result<(), XlsxError> {
    o.sheet("Factor Characteristics", "Factor Characteristics", |s| {
        if !s.fits(
            rows(CHARACTERISTICS_ROWS.len()),
            1 + r.factors.len() as u64,
            "results.json and tables/characteristics.csv hold them",
        )? {
            return Ok(());
        }
        let mut headers = vec![String::new()];
        headers.extend(r.factors.iter().map(factor_head));
        s.header(&headers, 1)?;
        // row after row: a streamed sheet cannot go back to an earlier row
        for (k, label) in CHARACTERISTICS_ROWS.iter().enumerate() {
            let rr = FIRST_ROW + k as RowNum;
            s.bold(rr, 0, label)?;
            for (c, fr) in r.factors.iter().enumerate() {
                let col = 1 + c;
                match k {
                    0 => s.int(rr, col, fr.defining_sorts.len() as i64)?,
                    1 => s.num(rr, col, SORT_RELIABILITY, Num::N2)?,
                    2 => s.opt(rr, col, fr.composite_reliability, Num::N3)?,
                    3 => s.opt(rr, col, fr.se, Num::N3)?,
                    4 => s.num(rr, col, fr.eigenvalue, Num::N4)?,
                    _ => s.num(rr, col, fr.explained_variance, Num::N1)?,
                }
            }
        }
        let mut w = vec![28.0];
        w.extend(
            r.factors
                .iter()
                .map(|fr| (factor_head(fr).chars().count() as f64 + 2.0).clamp(10.0, 30.0)),
        );
        s.widths(&w)
    })
}

pub(super) fn standard_errors(
    o: &mut Book,
    r: &AnalysisResults,
    arrays: &[usize],
) -> Result<(), XlsxError> {
    o.sheet(
        "Std Errors Diffs",
        "Standard Errors for Differences in Factor Z-Scores (diagonal: within a factor)",
        |s| factor_matrix(s, r, arrays, |a, b| r.sed[a][b], Num::N3),
    )
}

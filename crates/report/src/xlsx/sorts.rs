//! The sheets of the sorts: statements, Q sorts, correlations, unrotated and rotated loadings, the loadings table and free-distribution data.

use super::*;

pub(super) fn statements(o: &mut Book, r: &AnalysisResults) -> Result<(), XlsxError> {
    o.sheet("Statements", "Statements", |s| {
        if !s.fits(
            rows(r.input.statements),
            2,
            "results.json lists the statements",
        )? {
            return Ok(());
        }
        s.header(&["No.".to_string(), "Statement".to_string()], 1)?;
        s.column_formats(&[(0, Num::Int)])?;
        for (i, id) in r.input.statement_ids.iter().enumerate() {
            let row = FIRST_ROW + i as RowNum;
            s.int(row, 0, *id as i64)?;
            s.text(row, 1, statement_cell(r, i))?;
        }
        s.widths(&[8.0, text_width(r)])
    })
}

pub(super) fn qsorts(
    o: &mut Book,
    r: &AnalysisResults,
    sorts: &[Vec<f64>],
) -> Result<(), XlsxError> {
    o.sheet("Q sorts", "Q-sorts (statements in columns)", |s| {
        let m = r.input.statements;
        if !s.fits(rows(sorts.len()), 4 + m as u64, "the input holds the sorts")? {
            return Ok(());
        }
        let mut headers = vec!["Nm".to_string(), "Q sort".to_string()];
        headers.extend(r.input.statement_ids.iter().map(|id| format!("S{id}")));
        headers.push("Mean".to_string());
        headers.push("St. Dev.".to_string());
        s.header(&headers, 2)?;
        let mut formats = vec![(0, Num::Int), (2 + m, Num::N3), (3 + m, Num::N3)];
        formats.extend((0..m).map(|j| (2 + j, Num::Int)));
        s.column_formats(&formats)?;
        s.table(|s| {
            for (i, values) in sorts.iter().enumerate() {
                let row = FIRST_ROW + i as RowNum;
                s.int(row, 0, i as i64 + 1)?;
                s.text(row, 1, sort_id(r, i))?;
                for (j, v) in values.iter().take(m).enumerate() {
                    s.int(row, 2 + j, *v as i64)?;
                }
                let (mean, sd) = mean_sd_in_order(values);
                s.num(row, 2 + m, mean, Num::N3)?;
                s.num(row, 3 + m, sd, Num::N3)?;
            }
            Ok(())
        })?;
        let mut w = vec![6.0, id_width(r)];
        w.extend(std::iter::repeat_n(5.0, m));
        w.extend([8.0, 8.0]);
        s.widths(&w)
    })
}

pub(super) fn correlation(o: &mut Book, r: &AnalysisResults) -> Result<(), XlsxError> {
    let Some(c) = r.correlation.as_ref() else {
        return Ok(());
    };
    o.sheet(
        "Correlation Matrix",
        "Correlation Matrix Between Sorts",
        |s| {
            if c.len() > crate::MATRIX_LIMIT {
                let note = format!(
                    "Not written for {} sorts (more than {}): results.json holds the matrix.",
                    c.len(),
                    crate::MATRIX_LIMIT
                );
                return s.text(HEADER_ROW, 0, &note);
            }
            if !s.fits(
                rows(c.len()),
                2 + c.len() as u64,
                "results.json holds the matrix",
            )? {
                return Ok(());
            }
            let mut headers = vec!["Nm".to_string(), "Q sort".to_string()];
            headers.extend(r.input.sort_ids.iter().cloned());
            s.header(&headers, 2)?;
            let mut formats = vec![(0, Num::Int)];
            formats.extend((0..c.len()).map(|j| (2 + j, Num::N4)));
            s.column_formats(&formats)?;
            s.table(|s| {
                for (i, row) in c.iter().enumerate() {
                    let rr = FIRST_ROW + i as RowNum;
                    s.int(rr, 0, i as i64 + 1)?;
                    s.text(rr, 1, sort_id(r, i))?;
                    for (j, v) in row.iter().enumerate() {
                        s.num(rr, 2 + j, *v, Num::N4)?;
                    }
                }
                Ok(())
            })?;
            let mut w = vec![6.0, id_width(r)];
            w.extend(std::iter::repeat_n(9.0, c.len()));
            s.widths(&w)
        },
    )
}

/// A sorts x factors sheet of numbers (4 decimals) with extra labelled rows below: row `i`
/// holds what `values(i, row)` puts in `row`.
fn sort_matrix(
    s: &mut Sheet<'_, '_>,
    r: &AnalysisResults,
    columns: &[String],
    values: impl Fn(usize, &mut Vec<f64>),
    footer: &[(&str, Vec<f64>, Num)],
) -> Result<(), XlsxError> {
    let n = r.input.sorts;
    let height = rows(n) + 1 + footer.len() as u64;
    if !s.fits(
        height,
        2 + columns.len() as u64,
        "results.json and tables/loadings.csv hold the loadings",
    )? {
        return Ok(());
    }
    let mut headers = vec!["Nm".to_string(), "Q sort".to_string()];
    headers.extend(columns.iter().cloned());
    s.header(&headers, 2)?;
    let mut formats = vec![(0, Num::Int)];
    formats.extend((0..columns.len()).map(|j| (2 + j, Num::N4)));
    s.column_formats(&formats)?;
    let mut row = Vec::with_capacity(columns.len());
    s.table(|s| {
        for i in 0..n {
            let rr = FIRST_ROW + i as RowNum;
            s.int(rr, 0, i as i64 + 1)?;
            s.text(rr, 1, sort_id(r, i))?;
            row.clear();
            values(i, &mut row);
            for (j, v) in row.iter().enumerate() {
                s.num(rr, 2 + j, *v, Num::N4)?;
            }
        }
        Ok(())
    })?;
    let below = FIRST_ROW + n as RowNum + 1;
    for (k, (label, vals, fmt)) in footer.iter().enumerate() {
        let rr = below + k as RowNum;
        s.bold(rr, 1, label)?;
        for (j, v) in vals.iter().enumerate() {
            s.num(rr, 2 + j, *v, *fmt)?;
        }
    }
    let mut w = vec![6.0, id_width(r).max(16.0)];
    w.extend(
        columns
            .iter()
            .map(|c| (c.chars().count() as f64 + 2.0).clamp(10.0, 24.0)),
    );
    s.widths(&w)
}

pub(super) fn unrotated(o: &mut Book, r: &AnalysisResults) -> Result<(), XlsxError> {
    let u = &r.unrotated;
    let columns: Vec<String> = (1..=u.eigenvalues.len()).map(|k| format!("F{k}")).collect();
    o.sheet("Unrotated Factors", "Unrotated Factor Matrix", |s| {
        sort_matrix(
            s,
            r,
            &columns,
            |i, row| row.extend(u.loadings.get(i).into_iter().flatten()),
            &[
                ("Eigenvalues", u.eigenvalues.clone(), Num::N4),
                (
                    "% explained variance",
                    u.explained_variance.clone(),
                    Num::N1,
                ),
            ],
        )
    })
}

pub(super) fn cumulative(o: &mut Book, r: &AnalysisResults) -> Result<(), XlsxError> {
    let u = &r.unrotated;
    let columns: Vec<String> = (1..=u.eigenvalues.len())
        .map(|k| format!("F1-F{k}"))
        .collect();
    let values = |i: usize, row: &mut Vec<f64>| {
        row.extend(u.loadings.get(i).into_iter().flatten().scan(0.0, |h2, v| {
            *h2 += v * v;
            Some(*h2)
        }))
    };
    let cumulative: Vec<f64> = u
        .explained_variance
        .iter()
        .scan(0.0, |t, v| {
            *t += v;
            Some(*t)
        })
        .collect();
    o.sheet(
        "Cumul Comm Matrix",
        "Cumulative Communalities Matrix (factors 1 thru k)",
        |s| {
            sort_matrix(
                s,
                r,
                &columns,
                values,
                &[("Cumulative % explained variance", cumulative, Num::N1)],
            )
        },
    )
}

pub(super) fn loadings(o: &mut Book, r: &AnalysisResults) -> Result<(), XlsxError> {
    let all: Vec<usize> = (0..r.factors.len()).collect();
    let title = format!(
        "Factor Matrix with Defining Sorts Flagged{}",
        names_suffix(r, &all)
    );
    o.sheet("Factor Loadings", &title, |s| {
        let k = r.factors.len();
        let n = r.input.sorts;
        if !s.fits(
            rows(n) + 3,
            3 + 2 * k as u64,
            "results.json and tables/loadings.csv hold the loadings and flags",
        )? {
            return Ok(());
        }
        let mut headers = vec!["Nm".to_string(), "Q sort".to_string()];
        for fr in &r.factors {
            headers.push(factor_head(fr));
            headers.push(format!("{} flag", fr.name));
        }
        headers.push("Communality".to_string());
        s.header(&headers, 2)?;
        let mut formats = vec![(0, Num::Int), (2 + 2 * k, Num::N4)];
        formats.extend((0..k).map(|c| (2 + 2 * c, Num::N4)));
        s.column_formats(&formats)?;
        s.table(|s| {
            for (i, row) in r.factor_loadings.iter().enumerate() {
                let rr = FIRST_ROW + i as RowNum;
                s.int(rr, 0, i as i64 + 1)?;
                s.text(rr, 1, sort_id(r, i))?;
                for (c, v) in row.iter().enumerate() {
                    s.num(rr, 2 + 2 * c, *v, Num::N4)?;
                    if r.flags.get(i).and_then(|f| f.get(c)) == Some(&true) {
                        s.text(rr, 3 + 2 * c, "flagged")?;
                    }
                }
                s.opt(
                    rr,
                    2 + 2 * k,
                    r.rotated.communalities.get(i).copied(),
                    Num::N4,
                )?;
            }
            Ok(())
        })?;
        let below = FIRST_ROW + n as RowNum + 1;
        s.bold(below, 1, "Eigenvalues")?;
        for (c, fr) in r.factors.iter().enumerate() {
            s.num(below, 2 + 2 * c, fr.eigenvalue, Num::N4)?;
        }
        s.bold(below + 1, 1, "% explained variance")?;
        for (c, fr) in r.factors.iter().enumerate() {
            s.num(below + 1, 2 + 2 * c, fr.explained_variance, Num::N1)?;
        }
        let mut w = vec![6.0, id_width(r).max(20.0)];
        for fr in &r.factors {
            w.push((factor_head(fr).chars().count() as f64 + 2.0).clamp(10.0, 30.0));
            w.push(9.0);
        }
        w.push(12.0);
        s.widths(&w)
    })
}

/// The loadings grouped by the factor each sort defines (KADE's "Factor Loadings Table").
pub(super) fn loadings_table(o: &mut Book, r: &AnalysisResults) -> Result<(), XlsxError> {
    o.sheet(
        "Loadings Table",
        "Loadings Table with Defining Sorts Flagged, grouped by factor",
        |s| {
            let k = r.factors.len();
            if !s.fits(
                rows(r.input.sorts),
                3 + 2 * k as u64,
                "results.json and tables/loadings.csv hold the loadings and flags",
            )? {
                return Ok(());
            }
            let mut headers = vec![
                "Nm".to_string(),
                "Q sort".to_string(),
                "Factor group".to_string(),
            ];
            for fr in &r.factors {
                headers.push(factor_head(fr));
                headers.push(format!("{} flag", fr.name));
            }
            s.header(&headers, 3)?;
            let mut formats = vec![(0, Num::Int)];
            formats.extend((0..k).map(|c| (3 + 2 * c, Num::N4)));
            s.column_formats(&formats)?;
            let (group, order) = grouped_by_factor(r);
            s.table(|s| {
                for (row, &i) in order.iter().enumerate() {
                    let rr = FIRST_ROW + row as RowNum;
                    s.int(rr, 0, i as i64 + 1)?;
                    s.text(rr, 1, sort_id(r, i))?;
                    s.text(
                        rr,
                        2,
                        r.factors
                            .get(group[i])
                            .map_or("none", |fr| fr.name.as_str()),
                    )?;
                    for (c, v) in r.factor_loadings.get(i).into_iter().flatten().enumerate() {
                        s.num(rr, 3 + 2 * c, *v, Num::N4)?;
                        if flagged(r, i, c) {
                            s.text(rr, 4 + 2 * c, "flagged")?;
                        }
                    }
                }
                Ok(())
            })?;
            let mut w = vec![6.0, id_width(r), 12.0];
            for fr in &r.factors {
                w.push((factor_head(fr).chars().count() as f64 + 2.0).clamp(10.0, 30.0));
                w.push(9.0);
            }
            s.widths(&w)
        },
    )
}

/// Whether sort `i` is flagged on factor `c`.
fn flagged(r: &AnalysisResults, i: usize, c: usize) -> bool {
    r.flags.get(i).and_then(|f| f.get(c)) == Some(&true)
}

/// Each sort's group (the first factor it defines; the number of factors for none) and the
/// sorts in table order: by group (none last), within a group higher |loading| first, then
/// in sort order.
fn grouped_by_factor(r: &AnalysisResults) -> (Vec<usize>, Vec<usize>) {
    let k = r.factors.len();
    let loading = |i: usize, c: usize| {
        r.factor_loadings
            .get(i)
            .and_then(|l| l.get(c))
            .copied()
            .unwrap_or(0.0)
    };
    let group: Vec<usize> = (0..r.input.sorts)
        .map(|i| (0..k).find(|&c| flagged(r, i, c)).unwrap_or(k))
        .collect();
    let mut order: Vec<usize> = (0..r.input.sorts).collect();
    order.sort_by(|&a, &b| {
        let (ga, gb) = (group[a], group[b]);
        ga.cmp(&gb).then_with(|| {
            if ga < k {
                loading(b, ga).abs().total_cmp(&loading(a, ga).abs())
            } else {
                std::cmp::Ordering::Equal
            }
            .then(a.cmp(&b))
        })
    });
    (group, order)
}

pub(super) fn free_distribution(
    o: &mut Book,
    r: &AnalysisResults,
    ctx: &ReportContext,
) -> Result<(), XlsxError> {
    o.sheet(
        "Free Dist",
        "Free Distribution Data Results (sorts need not follow the grid)",
        |s| {
            let n = ctx.sorts.as_ref().map_or(0, Vec::len);
            if !s.fits(rows(n), 4, "the input holds the sorts")? {
                return Ok(());
            }
            s.header(
                &[
                    "Nm".to_string(),
                    "Q sort".to_string(),
                    "Mean".to_string(),
                    "St. Dev.".to_string(),
                ],
                2,
            )?;
            s.column_formats(&[(0, Num::Int), (2, Num::N3), (3, Num::N3)])?;
            s.table(|s| {
                if let Some(sorts) = ctx.sorts.as_ref() {
                    for (i, values) in sorts.iter().enumerate() {
                        let rr = FIRST_ROW + i as RowNum;
                        let (mean, sd) = mean_sd_in_order(values);
                        s.int(rr, 0, i as i64 + 1)?;
                        s.text(rr, 1, sort_id(r, i))?;
                        s.num(rr, 2, mean, Num::N3)?;
                        s.num(rr, 3, sd, Num::N3)?;
                    }
                }
                Ok(())
            })?;
            s.widths(&[6.0, id_width(r), 10.0, 10.0])
        },
    )
}

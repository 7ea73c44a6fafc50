//! The sheets of the statements read from the report view: distinguishing, consensus, crib sheets, and the group make-up.

use super::*;

/// Q-sort value and z-score of every factor with an array, from column `col`.
fn qsv_z(
    s: &mut Sheet<'_, '_>,
    r: &AnalysisResults,
    arrays: &[usize],
    rr: RowNum,
    col: usize,
    i: usize,
) -> Result<(), XlsxError> {
    for (k, &a) in arrays.iter().enumerate() {
        let fr = &r.factors[a];
        if let Some(array) = fr.array.as_ref() {
            s.int(rr, col + 2 * k, array[i] as i64)?;
        }
        s.opt(
            rr,
            col + 1 + 2 * k,
            fr.zscores.as_ref().map(|z| z[i]),
            Num::N3,
        )?;
    }
    Ok(())
}

fn qsv_z_headers(r: &AnalysisResults, arrays: &[usize]) -> Vec<String> {
    arrays
        .iter()
        .flat_map(|&a| {
            let h = factor_head(&r.factors[a]);
            [
                format!("{h} Q-SV"),
                format!("{} Z-score", r.factors[a].name),
            ]
        })
        .collect()
}

pub(super) fn distinguishing(
    o: &mut Book,
    r: &AnalysisResults,
    view: &ReportView,
    a: usize,
) -> Result<(), XlsxError> {
    let arrays = &view.arrays;
    let fr = &r.factors[a];
    o.sheet(
        &format!("Dist State {}", fr.name),
        &format!(
            "Distinguishing Statements for {} (p < .05; significance and direction of this factor)",
            factor_head(fr)
        ),
        |s| {
            if !s.fits(
                rows(fr.distinguishing.len()),
                4 + 2 * arrays.len() as u64,
                "results.json and tables/distinguishing.csv hold them",
            )? {
                return Ok(());
            }
            let mut headers = vec![
                "No.".to_string(),
                "Statement".to_string(),
                "Significance".to_string(),
                "Direction".to_string(),
            ];
            headers.extend(qsv_z_headers(r, arrays));
            s.header(&headers, 2)?;
            for (k, d) in view.distinguishing[a].iter().enumerate() {
                let rr = FIRST_ROW + k as RowNum;
                s.int(rr, 0, d.id as i64)?;
                s.text(rr, 1, statement_cell(r, d.statement))?;
                s.text(rr, 2, &crate::fmt::p_text(d.p))?;
                s.text(rr, 3, d.direction.as_str())?;
                qsv_z(s, r, arrays, rr, 4, d.statement)?;
            }
            let mut w = vec![6.0, text_width(r), 12.0, 10.0];
            for &b in arrays {
                w.push((factor_head(&r.factors[b]).chars().count() as f64 + 7.0).clamp(9.0, 30.0));
                w.push(10.0);
            }
            s.widths(&w)
        },
    )
}

pub(super) fn consensus(
    o: &mut Book,
    r: &AnalysisResults,
    view: &ReportView,
) -> Result<(), XlsxError> {
    let arrays = &view.arrays;
    o.sheet(
        "Consensus Statements",
        "Consensus Statements -- Those That Do Not Distinguish Between ANY Pair of Factors",
        |s| {
            if !s.fits(
                rows(r.consensus.len()),
                3 + 2 * arrays.len() as u64,
                "results.json and tables/consensus.csv hold them",
            )? {
                return Ok(());
            }
            let mut headers = vec![
                "No.".to_string(),
                "Statement".to_string(),
                "Non-significant at".to_string(),
            ];
            headers.extend(qsv_z_headers(r, arrays));
            s.header(&headers, 2)?;
            for (k, c) in view.consensus.iter().enumerate() {
                let rr = FIRST_ROW + k as RowNum;
                s.int(rr, 0, c.id as i64)?;
                s.text(rr, 1, statement_cell(r, c.statement))?;
                s.text(rr, 2, if c.at_05() { "p > .05" } else { "p > .01" })?;
                qsv_z(s, r, arrays, rr, 3, c.statement)?;
            }
            let mut w = vec![6.0, text_width(r), 16.0];
            for &b in arrays {
                w.push((factor_head(&r.factors[b]).chars().count() as f64 + 7.0).clamp(9.0, 30.0));
                w.push(10.0);
            }
            s.widths(&w)
        },
    )
}

pub(super) fn crib_sheet(
    o: &mut Book,
    r: &AnalysisResults,
    view: &ReportView,
    sheet: &CribView,
) -> Result<(), XlsxError> {
    let a = sheet.factor;
    let fr = &r.factors[a];
    let Some(array) = fr.array.as_ref() else {
        return Ok(());
    };
    o.sheet(
        &format!("{} Crib Sheet", fr.name),
        &format!(
            "Crib Sheet for {}: relative ranking of statements",
            factor_head(fr)
        ),
        |s| {
            let others = view.others(a);
            let labels: [&str; CRIB_GROUPS] = [
                "Highest ranked",
                "Ranked higher than in other factors",
                "Ranked lower than in other factors",
                "Lowest ranked",
            ];
            let height: usize = sheet.groups.iter().map(Vec::len).sum();
            if !s.fits(
                rows(height),
                4 + others.len() as u64,
                "results.json holds the crib sheet",
            )? {
                return Ok(());
            }
            let mut headers = vec![
                "Group".to_string(),
                "No.".to_string(),
                "Statement".to_string(),
                factor_head(fr),
            ];
            headers.extend(others.iter().map(|&b| factor_head(&r.factors[b])));
            s.header(&headers, 3)?;
            let mut rr = FIRST_ROW;
            for (label, rows) in labels.iter().zip(&sheet.groups) {
                for &i in rows {
                    s.text(rr, 0, label)?;
                    s.int(rr, 1, r.input.statement_ids[i] as i64)?;
                    s.text(rr, 2, statement_cell(r, i))?;
                    s.int(rr, 3, array[i] as i64)?;
                    for (k, &b) in others.iter().enumerate() {
                        if let Some(ob) = r.factors[b].array.as_ref() {
                            s.int(rr, 4 + k, ob[i] as i64)?;
                        }
                    }
                    rr += 1;
                }
            }
            let mut w = vec![32.0, 6.0, text_width(r)];
            w.push((factor_head(fr).chars().count() as f64 + 2.0).clamp(8.0, 24.0));
            w.extend(others.iter().map(|&b| {
                (factor_head(&r.factors[b]).chars().count() as f64 + 2.0).clamp(8.0, 24.0)
            }));
            s.widths(&w)
        },
    )
}

pub(super) fn groups(o: &mut Book, r: &AnalysisResults) -> Result<(), XlsxError> {
    let Some(groups) = r.groups.as_ref() else {
        return Ok(());
    };
    o.sheet(
        "Group Make-up",
        "Group make-up of each factor by participant attribute (qstudy addition)",
        |s| {
            let height: usize = groups
                .iter()
                .map(|g| g.levels.len() * g.factors.len())
                .sum();
            if !s.fits(
                rows(height),
                7,
                "results.json and tables/groups.csv hold the group make-up",
            )? {
                return Ok(());
            }
            s.header(
                &[
                    "Attribute".to_string(),
                    "Level".to_string(),
                    "Sorts".to_string(),
                    "Factor".to_string(),
                    "Defining sorts".to_string(),
                    "Mean loading".to_string(),
                    "Fisher p".to_string(),
                ],
                2,
            )?;
            s.column_formats(&[(2, Num::Int), (4, Num::Int), (5, Num::N3), (6, Num::N3)])?;
            let mut rr = FIRST_ROW;
            for g in groups {
                for (l, level) in g.levels.iter().enumerate() {
                    for gf in &g.factors {
                        s.text(rr, 0, &g.attribute)?;
                        s.text(rr, 1, level)?;
                        s.int(rr, 2, g.sorts_per_level.get(l).map_or(0, |n| *n) as i64)?;
                        let name = factor_index(r, &gf.factor)
                            .map_or_else(|| gf.factor.clone(), |a| factor_head(&r.factors[a]));
                        s.text(rr, 3, &name)?;
                        s.int(rr, 4, gf.defining.get(l).map_or(0, |n| *n) as i64)?;
                        s.opt(rr, 5, gf.mean_loading.get(l).copied().flatten(), Num::N3)?;
                        s.opt(rr, 6, gf.fisher_p, Num::N3)?;
                        rr += 1;
                    }
                }
            }
            s.widths(&[14.0, 16.0, 8.0, 30.0, 14.0, 13.0, 10.0])
        },
    )
}

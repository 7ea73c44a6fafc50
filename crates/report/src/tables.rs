//! `tables/*.csv`: the main tables as plain CSV for R, Python or a spreadsheet. Numbers are
//! written at full precision (the shortest text that reads back to the same `f64`), booleans as
//! `true`/`false`, missing values as empty fields; comma-separated, LF line ends, a header row.
//!
//! | file | one row per | columns |
//! |---|---|---|
//! | `loadings.csv` | sort | `sort`, then `F1`, `F1_flag`, `F2`, `F2_flag`, ... (viewpoint columns; `_flag` true = defining sort), `communality` |
//! | `scores.csv` | statement | `statement`, `text`, then `F1_z`, `F1_array`, `F1_rank`, ... (factors with an array) |
//! | `distinguishing.csv` | factor and statement | `factor`, `label`, `statement`, `text`, `p`, `direction`, `z`, `array` |
//! | `consensus.csv` | consensus statement | `statement`, `text`, `nonsignificant_at`, then `F1_z`, `F1_array`, ... |
//! | `characteristics.csv` | factor | `factor`, `label`, `defining_sorts`, `average_reliability`, `composite_reliability`, `se`, `eigenvalue`, `explained_variance` |
//! | `groups.csv` (with participant attributes) | attribute, level and factor | `attribute`, `level`, `sorts`, `factor`, `label`, `defining`, `mean_loading`, `fisher_p` |

use qstudy_core::AnalysisResults;
use qstudy_core::compare::SORT_RELIABILITY;

use crate::fmt::{statement_index, statement_text, with_array};
use crate::{ReportError, ReportFile};

fn num(x: f64) -> String {
    x.to_string()
}

fn opt(x: Option<f64>) -> String {
    x.map_or_else(String::new, num)
}

/// Writes `rows` (header first) as CSV bytes.
fn csv_bytes(file: &str, rows: Vec<Vec<String>>) -> Result<ReportFile, ReportError> {
    let err = |source| ReportError::Csv {
        file: file.to_string(),
        source,
    };
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new());
    for row in rows {
        w.write_record(&row).map_err(err)?;
    }
    let bytes = w.into_inner().map_err(|e| err(e.into_error().into()))?;
    Ok(ReportFile {
        path: file.to_string(),
        bytes,
    })
}

/// `tables/loadings.csv`, `scores.csv`, `distinguishing.csv`, `consensus.csv`,
/// `characteristics.csv`, and `groups.csv` when the results have a group comparison.
pub fn csv_tables(r: &AnalysisResults) -> Result<Vec<ReportFile>, ReportError> {
    let mut files = vec![
        csv_bytes("tables/loadings.csv", loadings(r))?,
        csv_bytes("tables/scores.csv", scores(r))?,
        csv_bytes("tables/distinguishing.csv", distinguishing(r))?,
        csv_bytes("tables/consensus.csv", consensus(r))?,
        csv_bytes("tables/characteristics.csv", characteristics(r))?,
    ];
    if let Some(rows) = groups(r) {
        files.push(csv_bytes("tables/groups.csv", rows)?);
    }
    Ok(files)
}

fn loadings(r: &AnalysisResults) -> Vec<Vec<String>> {
    let mut header = vec!["sort".to_string()];
    for f in &r.factors {
        header.push(f.name.clone());
        header.push(format!("{}_flag", f.name));
    }
    header.push("communality".to_string());
    let mut rows = vec![header];
    for (i, id) in r.input.sort_ids.iter().enumerate() {
        let mut row = vec![id.clone()];
        for c in 0..r.factors.len() {
            row.push(num(r.factor_loadings[i][c]));
            row.push(r.flags[i][c].to_string());
        }
        row.push(opt(r.rotated.communalities.get(i).copied()));
        rows.push(row);
    }
    rows
}

fn scores(r: &AnalysisResults) -> Vec<Vec<String>> {
    let arrays = with_array(r);
    let mut header = vec!["statement".to_string(), "text".to_string()];
    for &f in &arrays {
        let name = &r.factors[f].name;
        header.extend([
            format!("{name}_z"),
            format!("{name}_array"),
            format!("{name}_rank"),
        ]);
    }
    let mut rows = vec![header];
    for (s, id) in r.input.statement_ids.iter().enumerate() {
        let mut row = vec![id.to_string(), statement_text(r, s).to_string()];
        for &f in &arrays {
            let fr = &r.factors[f];
            row.push(opt(fr.zscores.as_ref().map(|z| z[s])));
            row.push(
                fr.array
                    .as_ref()
                    .map_or_else(String::new, |a| a[s].to_string()),
            );
            row.push(
                fr.ranks
                    .as_ref()
                    .map_or_else(String::new, |k| k[s].to_string()),
            );
        }
        rows.push(row);
    }
    rows
}

fn distinguishing(r: &AnalysisResults) -> Vec<Vec<String>> {
    let header = [
        "factor",
        "label",
        "statement",
        "text",
        "p",
        "direction",
        "z",
        "array",
    ];
    let mut rows = vec![header.iter().map(|s| s.to_string()).collect::<Vec<_>>()];
    for f in &r.factors {
        for d in &f.distinguishing {
            let s = statement_index(r, d.statement);
            rows.push(vec![
                f.name.clone(),
                f.label.clone().unwrap_or_default(),
                d.statement.to_string(),
                s.map_or("", |s| statement_text(r, s)).to_string(),
                num(d.p),
                d.direction.clone(),
                opt(s.and_then(|s| f.zscores.as_ref().map(|z| z[s]))),
                s.and_then(|s| f.array.as_ref().map(|a| a[s].to_string()))
                    .unwrap_or_default(),
            ]);
        }
    }
    rows
}

fn consensus(r: &AnalysisResults) -> Vec<Vec<String>> {
    let arrays = with_array(r);
    let mut header = vec![
        "statement".to_string(),
        "text".to_string(),
        "nonsignificant_at".to_string(),
    ];
    for &f in &arrays {
        let name = &r.factors[f].name;
        header.extend([format!("{name}_z"), format!("{name}_array")]);
    }
    let mut rows = vec![header];
    for c in &r.consensus {
        let Some(s) = statement_index(r, c.statement) else {
            continue;
        };
        let mut row = vec![
            c.statement.to_string(),
            statement_text(r, s).to_string(),
            num(c.nonsignificant_at),
        ];
        for &f in &arrays {
            let fr = &r.factors[f];
            row.push(opt(fr.zscores.as_ref().map(|z| z[s])));
            row.push(
                fr.array
                    .as_ref()
                    .map_or_else(String::new, |a| a[s].to_string()),
            );
        }
        rows.push(row);
    }
    rows
}

fn characteristics(r: &AnalysisResults) -> Vec<Vec<String>> {
    let header = [
        "factor",
        "label",
        "defining_sorts",
        "average_reliability",
        "composite_reliability",
        "se",
        "eigenvalue",
        "explained_variance",
    ];
    let mut rows = vec![header.iter().map(|s| s.to_string()).collect::<Vec<_>>()];
    for f in &r.factors {
        rows.push(vec![
            f.name.clone(),
            f.label.clone().unwrap_or_default(),
            f.defining_sorts.len().to_string(),
            num(SORT_RELIABILITY),
            opt(f.composite_reliability),
            opt(f.se),
            num(f.eigenvalue),
            num(f.explained_variance),
        ]);
    }
    rows
}

fn groups(r: &AnalysisResults) -> Option<Vec<Vec<String>>> {
    let groups = r.groups.as_ref()?;
    let header = [
        "attribute",
        "level",
        "sorts",
        "factor",
        "label",
        "defining",
        "mean_loading",
        "fisher_p",
    ];
    let mut rows = vec![header.iter().map(|s| s.to_string()).collect::<Vec<_>>()];
    for g in groups {
        for (l, level) in g.levels.iter().enumerate() {
            for gf in &g.factors {
                let label = crate::fmt::factor_index(r, &gf.factor)
                    .and_then(|f| r.factors[f].label.clone())
                    .unwrap_or_default();
                rows.push(vec![
                    g.attribute.clone(),
                    level.clone(),
                    g.sorts_per_level.get(l).map_or(0, |n| *n).to_string(),
                    gf.factor.clone(),
                    label,
                    gf.defining.get(l).map_or(0, |n| *n).to_string(),
                    opt(gf.mean_loading.get(l).copied().flatten()),
                    opt(gf.fisher_p),
                ]);
            }
        }
    }
    Some(rows)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testdata::sample;

    fn read(file: &ReportFile) -> Vec<csv::StringRecord> {
        csv::Reader::from_reader(file.bytes.as_slice())
            .records()
            .map(|r| r.unwrap())
            .collect()
    }

    #[test]
    fn loadings_and_scores_read_back_at_full_precision() {
        let (r, _) = sample();
        let files = csv_tables(&r).unwrap();
        let loadings = &files[0];
        assert_eq!(loadings.path, "tables/loadings.csv");
        let header = String::from_utf8(loadings.bytes.clone()).unwrap();
        assert!(header.starts_with("sort,F1,F1_flag,F2,F2_flag,communality\n"));
        for (i, rec) in read(loadings).iter().enumerate() {
            assert_eq!(&rec[0], r.input.sort_ids[i].as_str());
            for c in 0..2 {
                let v: f64 = rec[1 + 2 * c].parse().unwrap();
                assert_eq!(v, r.factor_loadings[i][c]);
                assert_eq!(rec[2 + 2 * c].parse::<bool>().unwrap(), r.flags[i][c]);
            }
        }
        let scores = read(&files[1]);
        assert_eq!(scores.len(), r.input.statements);
        for (s, rec) in scores.iter().enumerate() {
            let z: f64 = rec[2].parse().unwrap();
            assert_eq!(z, r.factors[0].zscores.as_ref().unwrap()[s]);
            assert_eq!(
                rec[3].parse::<i32>().unwrap(),
                r.factors[0].array.as_ref().unwrap()[s]
            );
        }
    }

    #[test]
    fn characteristics_have_one_row_per_factor() {
        let (r, _) = sample();
        let files = csv_tables(&r).unwrap();
        let rows = read(&files[4]);
        assert_eq!(rows.len(), r.factors.len());
        assert_eq!(&rows[0][0], "F1");
        assert_eq!(
            rows[0][4].parse::<f64>().unwrap(),
            r.factors[0].composite_reliability.unwrap()
        );
        assert!(!files.iter().any(|f| f.path == "tables/groups.csv"));
    }
}

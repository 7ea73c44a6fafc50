//! The CSV summaries of a bootstrap (`bootstrap_zscores.csv`, `bootstrap_loadings.csv`).

use qstudy_core::bootstrap::BootstrapResults;

use crate::tables::spreadsheet_safe;

fn num(x: Option<f64>) -> String {
    x.map(|v| v.to_string()).unwrap_or_default()
}

/// `bootstrap_zscores.csv`: one row per factor and statement.
pub fn zscores_csv(r: &BootstrapResults) -> Result<Vec<u8>, csv::Error> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        "factor",
        "statement",
        "z",
        "mean",
        "se",
        "bias",
        "lower",
        "upper",
        "array",
        "bootstrap_array",
        "distinguishing_p",
    ])?;
    for f in &r.factors {
        for (s, id) in r.input.statement_ids.iter().enumerate() {
            let at = |v: &Option<Vec<f64>>| v.as_ref().map(|v| v[s]);
            let ai =
                |v: &Option<Vec<i32>>| v.as_ref().map(|v| v[s].to_string()).unwrap_or_default();
            let dist = f
                .distinguishing
                .iter()
                .find(|d| d.statement == *id)
                .map(|d| d.p.to_string())
                .unwrap_or_default();
            w.write_record([
                spreadsheet_safe(&f.name).into_owned(),
                id.to_string(),
                num(at(&f.zscores)),
                num(at(&f.mean)),
                num(at(&f.se)),
                num(at(&f.bias)),
                num(at(&f.lower)),
                num(at(&f.upper)),
                ai(&f.array),
                ai(&f.bootstrap_array),
                dist,
            ])?;
        }
    }
    w.into_inner().map_err(|e| e.into_error().into())
}

/// `bootstrap_loadings.csv`: one row per sort and factor.
pub fn loadings_csv(r: &BootstrapResults) -> Result<Vec<u8>, csv::Error> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        "sort",
        "factor",
        "loading",
        "mean",
        "se",
        "bias",
        "flagged",
        "flag_frequency",
        "replicates",
    ])?;
    let l = &r.loadings;
    for (i, id) in r.input.sort_ids.iter().enumerate() {
        for (f, factor) in r.factors.iter().enumerate() {
            w.write_record([
                spreadsheet_safe(id).into_owned(),
                spreadsheet_safe(&factor.name).into_owned(),
                l.full[i][f].to_string(),
                num(l.mean[i][f]),
                num(l.se[i][f]),
                num(l.bias[i][f]),
                l.flagged[i][f].to_string(),
                num(l.flag_frequency[i][f]),
                l.replicates[i].to_string(),
            ])?;
        }
    }
    w.into_inner().map_err(|e| e.into_error().into())
}

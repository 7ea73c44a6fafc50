//! The output set of `qstudy bootstrap`: `bootstrap.json`, `bootstrap_zscores.csv`,
//! `bootstrap_loadings.csv` and the figure `plots/bootstrap-zscores.svg` and `.png`
//! (docs/formats.md, "bootstrap.json").

use std::path::{Path, PathBuf};

use qstudy_core::bootstrap::BootstrapResults;
use qstudy_io::output_dir;

use super::{OutputsError, figure_formats};
use crate::tables::spreadsheet_safe;

/// Writes the output set of a bootstrap into `staging`: `bootstrap.json`, the two CSV
/// summaries and, with `plots`, the figure of the z-scores with their intervals as SVG and
/// PNG (the figure of `qstudy plot DIR/bootstrap.json --kind bootstrap`). Returns the paths
/// written, under `shown` (the output directory named in errors and messages), in order.
///
/// ```
/// # fn demo(results: &qstudy_core::bootstrap::BootstrapResults) {
/// let out = std::path::Path::new("boot");
/// qstudy_io::output_dir::publish_into(out, true, |staging| {
///     qstudy_report::outputs::write_bootstrap(staging, out, results, true).map(|_| ())
/// })
/// .unwrap();
/// # }
/// ```
pub fn write_bootstrap(
    staging: &Path,
    shown: &Path,
    r: &BootstrapResults,
    plots: bool,
) -> Result<Vec<PathBuf>, OutputsError> {
    let json = "bootstrap.json";
    super::write_json(staging, shown, json, r)?;
    let table = |name: &str, bytes: Result<Vec<u8>, csv::Error>| {
        let bytes = bytes.map_err(|source| OutputsError::Table {
            path: shown.join(name),
            source,
        })?;
        output_dir::write_file(staging, name, &bytes).map_err(OutputsError::from)
    };
    table("bootstrap_zscores.csv", zscores_csv(r))?;
    table("bootstrap_loadings.csv", loadings_csv(r))?;
    let mut written: Vec<PathBuf> = [json, "bootstrap_zscores.csv", "bootstrap_loadings.csv"]
        .iter()
        .map(|n| shown.join(n))
        .collect();
    if plots {
        let plot = qstudy_plot::bootstrap_plot(r, &[], &qstudy_plot::PlotOptions::default())
            .map_err(|source| OutputsError::Plot {
                path: shown.join("plots"),
                source,
            })?;
        written.extend(figure_formats(staging, shown, &plot)?);
    }
    Ok(written)
}

fn num(x: Option<f64>) -> String {
    x.map(|v| v.to_string()).unwrap_or_default()
}

/// One row per factor and statement.
fn zscores_csv(r: &BootstrapResults) -> Result<Vec<u8>, csv::Error> {
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

/// One row per sort and factor.
fn loadings_csv(r: &BootstrapResults) -> Result<Vec<u8>, csv::Error> {
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

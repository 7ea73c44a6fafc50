//! The output set of `qstudy bootstrap`: `bootstrap.json`, `bootstrap_zscores.csv`,
//! `bootstrap_loadings.csv` and the figure `plots/bootstrap-zscores.svg` and `.png`
//! (docs/formats.md, "bootstrap.json").

use std::path::{Path, PathBuf};

use qstudy_core::bootstrap::BootstrapResults;
use qstudy_io::output_dir::{self, Sink};

use super::{OutputsError, figure_formats};
use qstudy_report::bootstrap::{loadings_csv, zscores_csv};

/// Writes the output set of a bootstrap into `staging`: `bootstrap.json`, the two CSV
/// summaries and, with `plots`, the figure of the z-scores with their intervals as SVG and
/// PNG (the figure of `qstudy plot DIR/bootstrap.json --kind bootstrap`). Returns the paths
/// written, under `shown` (the output directory named in errors and messages), in order.
///
/// ```
/// # fn demo(results: &qstudy_core::bootstrap::BootstrapResults) {
/// let out = std::path::Path::new("boot");
/// qstudy_io::output_dir::publish_into(out, true, |staging| {
///     qstudy_app::outputs::write_bootstrap(staging, out, results, true).map(|_| ())
/// })
/// .unwrap();
/// # }
/// ```
pub fn write_bootstrap(
    staging: &(impl Sink + ?Sized),
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

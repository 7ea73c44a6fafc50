//! The output set of `qstudy factors --out DIR`: `retention.json` and the scree plot with the
//! parallel-analysis threshold, `plots/scree.svg` and `.png` (docs/formats.md,
//! "retention.json").

use std::path::{Path, PathBuf};

use qstudy_core::retention::RetentionReport;
use qstudy_io::output_dir::Sink;

use super::{OutputsError, figure_formats};

/// Writes the retention report into `staging` as `retention.json` and, with `plots`, its scree
/// plot with the parallel-analysis threshold (the figure of `qstudy plot DIR/retention.json
/// --kind scree`). Returns the paths written, under `shown` (the output directory named in
/// errors and messages), in order.
///
/// ```
/// # fn demo(report: &qstudy_core::retention::RetentionReport) {
/// let out = std::path::Path::new("retention");
/// qstudy_io::output_dir::publish_into(out, true, |staging| {
///     qstudy_app::outputs::write_retention(staging, out, report, true).map(|_| ())
/// })
/// .unwrap();
/// # }
/// ```
pub fn write_retention(
    staging: &(impl Sink + ?Sized),
    shown: &Path,
    r: &RetentionReport,
    plots: bool,
) -> Result<Vec<PathBuf>, OutputsError> {
    let json = "retention.json";
    super::write_json(staging, shown, json, r)?;
    let mut written = vec![shown.join(json)];
    if plots {
        let plot = qstudy_plot::retention_scree(r, &qstudy_plot::PlotOptions::default()).map_err(
            |source| OutputsError::Plot {
                path: shown.join("plots"),
                source,
            },
        )?;
        written.extend(figure_formats(staging, shown, &plot)?);
    }
    Ok(written)
}

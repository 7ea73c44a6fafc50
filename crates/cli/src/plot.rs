//! `qstudy plot`: redraws figures from a `results.json` (every figure of `qstudy analyze`), a
//! `bootstrap.json` (the bootstrap of the z-scores) or a `retention.json` (the scree plot with
//! the parallel-analysis threshold).

use std::io::Write;
use std::path::{Path, PathBuf};

use clap::Args;
use qstudy_core::AnalysisResults;
use qstudy_core::bootstrap::BootstrapResults;
use qstudy_core::retention::RetentionReport;
use qstudy_io::output_dir::{self, OutputError};
use qstudy_io::{ResultsFile, read_results_file};
use qstudy_plot::{ImageFormat, Kind, Plot, PlotError, PlotOptions, resolve_factor};

use crate::error::CliError;
use crate::{EXIT_ANALYSIS, EXIT_INPUT, EXIT_OUTPUT, EXIT_USAGE};

#[derive(Debug, Args)]
pub struct PlotArgs {
    /// The results.json written by `qstudy analyze` (or the bootstrap.json of `qstudy
    /// bootstrap`, the retention.json of `qstudy factors`).
    results: PathBuf,
    /// The figure: composite, loadings, scree, zscores or groups (results.json); bootstrap
    /// (bootstrap.json); scree (retention.json).
    #[arg(long, value_name = "KIND")]
    kind: Kind,
    /// Factors, e.g. 1 or F2 or 1,3 or all. composite: those drawn [all with an array];
    /// loadings: the pair [every pair]; zscores, bootstrap: those shown [all with z-scores].
    #[arg(long, value_name = "F,..")]
    factors: Option<String>,
    /// Participant attribute: the colours of the loadings map [the attribute with the fewest
    /// levels]; the attribute of the group make-up [every attribute compared].
    #[arg(long, value_name = "NAME")]
    attribute: Option<String>,
    /// Width in pixels (PNG width; text and lines scale with it).
    #[arg(long, value_name = "PX", default_value_t = qstudy_plot::DEFAULT_WIDTH)]
    width: u32,
    /// Image format [both; with --out FILE, its extension].
    #[arg(long, value_name = "svg|png")]
    format: Option<ImageFormat>,
    /// Where to write: a file ending in .svg or .png when one figure is drawn, otherwise a
    /// directory [plots/ beside RESULTS].
    #[arg(long, value_name = "PATH")]
    out: Option<PathBuf>,
}

/// A failure: exit code and message (without `error: `).
type Failure = (i32, String);

fn plot_failure(e: PlotError) -> Failure {
    let code = match e {
        PlotError::Draw(_) | PlotError::Encode(_) => EXIT_OUTPUT,
        PlotError::Width { .. } => EXIT_USAGE,
        _ => EXIT_ANALYSIS,
    };
    (code, e.to_string())
}

/// The figures of a bootstrap.json: the bootstrap of the z-scores only.
fn bootstrap_figures(a: &PlotArgs, b: &BootstrapResults) -> Result<Vec<Plot>, Failure> {
    if a.kind != Kind::Bootstrap {
        return Err((
            EXIT_USAGE,
            format!(
                "{}: a bootstrap.json draws only --kind bootstrap, not {} (that figure is drawn from the results.json of `qstudy analyze`)",
                a.results.display(),
                a.kind
            ),
        ));
    }
    if a.attribute.is_some() {
        return Err((
            EXIT_USAGE,
            "--attribute does not apply to the bootstrap figure".to_string(),
        ));
    }
    let options = PlotOptions {
        width: a.width,
        ..Default::default()
    };
    let in_file = |(code, message): Failure| (code, format!("{}: {message}", a.results.display()));
    let factors = match a.factors.as_deref().map(str::trim) {
        None => Vec::new(),
        Some(s) if s.eq_ignore_ascii_case("all") => Vec::new(),
        Some(s) => s
            .split(',')
            .map(|f| qstudy_plot::resolve_bootstrap_factor(b, f).map_err(plot_failure))
            .collect::<Result<Vec<_>, _>>()
            .map_err(in_file)?,
    };
    qstudy_plot::bootstrap_plot(b, &factors, &options)
        .map(|p| vec![p])
        .map_err(|e| in_file(plot_failure(e)))
}

/// The figure of a retention.json: its scree plot with the parallel-analysis threshold.
fn retention_figures(a: &PlotArgs, r: &RetentionReport) -> Result<Vec<Plot>, Failure> {
    if a.kind != Kind::Scree {
        return Err((
            EXIT_USAGE,
            format!(
                "{}: a retention.json draws only --kind scree, not {}",
                a.results.display(),
                a.kind
            ),
        ));
    }
    if a.factors.is_some() || a.attribute.is_some() {
        return Err((
            EXIT_USAGE,
            "--factors and --attribute do not apply to the scree plot".to_string(),
        ));
    }
    let options = PlotOptions {
        width: a.width,
        ..Default::default()
    };
    qstudy_plot::retention_scree(r, &options)
        .map(|p| vec![p])
        .map_err(|e| {
            let (code, message) = plot_failure(e);
            (code, format!("{}: {message}", a.results.display()))
        })
}

/// The factors of `--factors` (0-based); `None` for all / not given.
fn factor_list(r: &AnalysisResults, spec: Option<&str>) -> Result<Option<Vec<usize>>, Failure> {
    match spec.map(str::trim) {
        None => Ok(None),
        Some(s) if s.eq_ignore_ascii_case("all") => Ok(None),
        Some(s) => s
            .split(',')
            .map(|f| resolve_factor(r, f).map_err(plot_failure))
            .collect::<Result<Vec<_>, _>>()
            .map(Some),
    }
}

fn figures(a: &PlotArgs, r: &AnalysisResults) -> Result<Vec<Plot>, Failure> {
    let options = PlotOptions {
        width: a.width,
        attribute: a.attribute.clone(),
        ..Default::default()
    };
    let factors = factor_list(r, a.factors.as_deref())?;
    let k = r.factors.len();
    let plots = match a.kind {
        Kind::Composite => {
            let chosen = factors.unwrap_or_else(|| qstudy_core::view::composite_factors(r));
            if chosen.is_empty() {
                return Err(plot_failure(PlotError::NoArrays));
            }
            chosen
                .into_iter()
                .map(|f| qstudy_plot::composite_sort(r, f, &options))
                .collect::<Result<Vec<_>, _>>()
        }
        Kind::Loadings => {
            let pairs: Vec<(usize, usize)> = match factors {
                Some(f) if f.len() == 2 => vec![(f[0], f[1])],
                Some(f) => {
                    return Err((
                        EXIT_USAGE,
                        format!(
                            "--factors: a loadings map needs two factors (e.g. --factors 1,2), got {}",
                            f.len()
                        ),
                    ));
                }
                None => qstudy_core::view::loadings_pairs(r),
            };
            if pairs.is_empty() {
                return Err((
                    EXIT_ANALYSIS,
                    format!(
                        "{}: a loadings map needs two factors; the results have {k}",
                        a.results.display()
                    ),
                ));
            }
            pairs
                .into_iter()
                .map(|(x, y)| qstudy_plot::loadings_map(r, x, y, &options))
                .collect()
        }
        Kind::Scree => {
            if factors.is_some() {
                return Err((
                    EXIT_USAGE,
                    "--factors does not apply to the scree plot".to_string(),
                ));
            }
            qstudy_plot::scree_plot(r, &options).map(|p| vec![p])
        }
        Kind::Zscores => {
            qstudy_plot::zscore_plot(r, &factors.unwrap_or_default(), &options).map(|p| vec![p])
        }
        Kind::Groups => {
            if factors.is_some() {
                return Err((
                    EXIT_USAGE,
                    "--factors does not apply to the group make-up (it shows every factor)"
                        .to_string(),
                ));
            }
            let attributes: Vec<&str> = match &a.attribute {
                Some(at) => vec![at.as_str()],
                None => qstudy_core::view::group_attributes(r),
            };
            if attributes.is_empty() {
                return Err((
                    EXIT_ANALYSIS,
                    format!(
                        "{}: the results have no participant attributes, so there is no group make-up to draw (analyse a study directory with a participants file)",
                        a.results.display()
                    ),
                ));
            }
            attributes
                .iter()
                .map(|&at| qstudy_plot::group_makeup(r, at, &options))
                .collect()
        }
        Kind::Bootstrap => {
            return Err((
                EXIT_USAGE,
                format!(
                    "{}: --kind bootstrap is drawn from the bootstrap.json of `qstudy bootstrap --out DIR`, not from a results.json",
                    a.results.display()
                ),
            ));
        }
    };
    plots.map_err(|e| {
        let (code, message) = plot_failure(e);
        (code, format!("{}: {message}", a.results.display()))
    })
}

/// Where the figures go: the directory they are added to (with its manifest or not) and, per
/// file, the figure's index, its format, its path in that directory and the path printed.
struct Targets {
    root: PathBuf,
    manifest: bool,
    files: Vec<(usize, ImageFormat, String, PathBuf)>,
}

/// Where each figure goes: `--out FILE` (one figure, no manifest), `--out DIR`, or by default
/// `plots/` beside RESULTS, listed by the manifest of RESULTS's directory when it is a qstudy
/// output (so that `analyze --force` can still replace it), else by one in `plots/`.
fn targets(a: &PlotArgs, plots: &[Plot]) -> Result<Targets, Failure> {
    let as_file = a.out.as_ref().and_then(|out| {
        out.extension()
            .and_then(|e| e.to_str())
            .and_then(|e| e.parse::<ImageFormat>().ok())
            .map(|f| (out.clone(), f))
    });
    if let Some((file, ext_format)) = as_file {
        if plots.len() != 1 {
            return Err((
                EXIT_USAGE,
                format!(
                    "--out {}: {} figures are drawn, so --out must be a directory (or choose one with --factors/--attribute)",
                    file.display(),
                    plots.len()
                ),
            ));
        }
        if let Some(f) = a.format
            && f != ext_format
        {
            return Err((
                EXIT_USAGE,
                format!(
                    "--out {} ends in .{} but --format is {}",
                    file.display(),
                    ext_format.extension(),
                    f.extension()
                ),
            ));
        }
        let root = match file.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let name = file
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        return Ok(Targets {
            root,
            manifest: false,
            files: vec![(0, ext_format, name, file)],
        });
    }
    let (root, prefix) = match &a.out {
        Some(d) => (d.clone(), ""),
        None => {
            let beside = a
                .results
                .parent()
                .filter(|p| !p.as_os_str().is_empty())
                .unwrap_or(Path::new("."));
            if beside.join(output_dir::MANIFEST).is_file() {
                (beside.to_path_buf(), "plots/")
            } else {
                (beside.join("plots"), "")
            }
        }
    };
    let dir = match prefix {
        "" => root.clone(),
        p => root.join(p.trim_end_matches('/')),
    };
    let formats = match a.format {
        Some(f) => vec![f],
        None => vec![ImageFormat::Svg, ImageFormat::Png],
    };
    let mut files = Vec::new();
    for (i, p) in plots.iter().enumerate() {
        for &f in &formats {
            let name = format!("{}.{}", p.name(), f.extension());
            files.push((i, f, format!("{prefix}{name}"), dir.join(name)));
        }
    }
    Ok(Targets {
        root,
        manifest: true,
        files,
    })
}

/// Draws the figures, then adds them to their directory at once (`qstudy_io::output_dir::
/// publish_into`): a figure that cannot be drawn or written leaves no file.
fn run(a: &PlotArgs, out: &mut dyn Write) -> Result<(), Failure> {
    let source = read_results_file(&a.results).map_err(|e| (EXIT_INPUT, e.to_string()))?;
    let plots = match source {
        ResultsFile::Analysis(r) => figures(a, &r)?,
        ResultsFile::Bootstrap(b) => bootstrap_figures(a, &b)?,
        ResultsFile::Retention(r) => retention_figures(a, &r)?,
    };
    let targets = targets(a, &plots)?;
    let rendered = targets
        .files
        .iter()
        .map(|(i, format, _, _)| plots[*i].render(*format).map_err(plot_failure))
        .collect::<Result<Vec<_>, _>>()?;
    output_dir::publish_into(&targets.root, targets.manifest, |staging| {
        for ((_, _, rel, _), bytes) in targets.files.iter().zip(&rendered) {
            output_dir::write_file(staging, rel, bytes)?;
        }
        Ok::<(), OutputError>(())
    })
    .map_err(|e| (EXIT_OUTPUT, e.to_string()))?;
    for (_, _, _, shown) in &targets.files {
        let _ = writeln!(out, "{}", shown.display());
    }
    Ok(())
}

pub(crate) fn plot_command(
    a: &PlotArgs,
    out: &mut dyn Write,
    _err: &mut dyn Write,
) -> Result<(), CliError> {
    run(a, out).map_err(|(code, message)| CliError {
        code,
        message: Some(message),
    })
}

//! `qstudy plot`: redraws figures from a `results.json` (every figure of `qstudy analyze`), a
//! `bootstrap.json` (the bootstrap of the z-scores) or a `retention.json` (the scree plot with
//! the parallel-analysis threshold).

use std::io::Write;
use std::path::{Path, PathBuf};

use clap::Args;
use qstudy_app::redraw::{self, Choice, RedrawError, Request};
use qstudy_io::output_dir::{self, OutputError};
use qstudy_io::read_results_file;
use qstudy_plot::{ImageFormat, Kind, Plot, PlotError};

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

fn plot_failure(e: PlotError) -> CliError {
    let code = match e {
        PlotError::Draw(_) | PlotError::Encode(_) => EXIT_OUTPUT,
        PlotError::Width { .. } => EXIT_USAGE,
        _ => EXIT_ANALYSIS,
    };
    CliError::new(code, e.to_string())
}

/// A redraw error in the command line's words (its flags), with its exit code.
fn redraw_failure(a: &PlotArgs, e: RedrawError) -> CliError {
    let file = a.results.display();
    match e {
        RedrawError::Plot(e) => {
            let e = plot_failure(e);
            CliError::new(e.code, format!("{file}: {}", e.message.unwrap_or_default()))
        }
        RedrawError::WrongKind {
            file: "bootstrap.json",
            kind,
            ..
        } => CliError::new(
            EXIT_USAGE,
            format!(
                "{file}: a bootstrap.json draws only --kind bootstrap, not {kind} (that figure is drawn from the results.json of `qstudy analyze`)"
            ),
        ),
        RedrawError::WrongKind {
            file: "retention.json",
            kind,
            ..
        } => CliError::new(
            EXIT_USAGE,
            format!("{file}: a retention.json draws only --kind scree, not {kind}"),
        ),
        RedrawError::WrongKind { .. } => CliError::new(
            EXIT_USAGE,
            format!(
                "{file}: --kind bootstrap is drawn from the bootstrap.json of `qstudy bootstrap --out DIR`, not from a results.json"
            ),
        ),
        RedrawError::DoesNotApply { choice, kind } => {
            let message = match (choice, kind) {
                (Choice::Attribute, _) => "--attribute does not apply to the bootstrap figure",
                (Choice::FactorsAndAttribute, _) => {
                    "--factors and --attribute do not apply to the scree plot"
                }
                (Choice::Factors, Kind::Groups) => {
                    "--factors does not apply to the group make-up (it shows every factor)"
                }
                (Choice::Factors, _) => "--factors does not apply to the scree plot",
            };
            CliError::new(EXIT_USAGE, message.to_string())
        }
        RedrawError::LoadingsPair { got } => CliError::new(
            EXIT_USAGE,
            format!("--factors: a loadings map needs two factors (e.g. --factors 1,2), got {got}"),
        ),
        RedrawError::TooFewFactors { factors } => CliError::new(
            EXIT_ANALYSIS,
            format!("{file}: a loadings map needs two factors; the results have {factors}"),
        ),
        RedrawError::NoAttributes => CliError::new(
            EXIT_ANALYSIS,
            format!(
                "{file}: the results have no participant attributes, so there is no group make-up to draw (analyse a study directory with a participants file)"
            ),
        ),
        e => CliError::new(EXIT_ANALYSIS, format!("{file}: {e}")),
    }
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
fn targets(a: &PlotArgs, plots: &[Plot]) -> Result<Targets, CliError> {
    let as_file = a.out.as_ref().and_then(|out| {
        out.extension()
            .and_then(|e| e.to_str())
            .and_then(|e| e.parse::<ImageFormat>().ok())
            .map(|f| (out.clone(), f))
    });
    if let Some((file, ext_format)) = as_file {
        return file_target(a, plots, file, ext_format);
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

/// `--out FILE`: the one figure drawn, in the format of the file's extension, no manifest.
fn file_target(
    a: &PlotArgs,
    plots: &[Plot],
    file: PathBuf,
    ext_format: ImageFormat,
) -> Result<Targets, CliError> {
    if plots.len() != 1 {
        return Err(CliError::new(
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
        return Err(CliError::new(
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
    Ok(Targets {
        root,
        manifest: false,
        files: vec![(0, ext_format, name, file)],
    })
}

/// Draws the figures, then adds them to their directory at once (`qstudy_io::output_dir::
/// publish_into`): a figure that cannot be drawn or written leaves no file.
fn run(a: &PlotArgs, out: &mut dyn Write, err: &mut dyn Write) -> Result<(), CliError> {
    let source =
        read_results_file(&a.results).map_err(|e| CliError::new(EXIT_INPUT, e.to_string()))?;
    let request = Request {
        kind: Some(a.kind),
        factors: a.factors.clone(),
        attribute: a.attribute.clone(),
        width: a.width,
    };
    let plots = redraw::figures(&source, &request).map_err(|e| redraw_failure(a, e))?;
    let targets = targets(a, &plots)?;
    let rendered = targets
        .files
        .iter()
        .map(|(i, format, _, _)| plots[*i].render(*format).map_err(plot_failure))
        .collect::<Result<Vec<_>, _>>()?;
    let published = output_dir::publish_into(&targets.root, targets.manifest, |staging| {
        for ((_, _, rel, _), bytes) in targets.files.iter().zip(&rendered) {
            output_dir::write_file(staging, rel, bytes)?;
        }
        Ok::<(), OutputError>(())
    })
    .map_err(|e| CliError::new(EXIT_OUTPUT, e.to_string()))?;
    crate::words::print_output_warnings(err, &published.warnings);
    for (_, _, _, shown) in &targets.files {
        let _ = writeln!(out, "{}", shown.display());
    }
    Ok(())
}

pub(crate) fn plot_command(
    a: &PlotArgs,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<(), CliError> {
    run(a, out, err)
}

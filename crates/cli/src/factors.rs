//! `qstudy factors`: how many factors to keep. Eigenvalues and scree, Kaiser-Guttman,
//! Humphrey's rule, defining sorts per factor for every number of factors, parallel analysis on
//! the study's own grid, and a recommendation with its reasons (docs/methods.md, "How many
//! factors").

use std::io::Write;
use std::path::PathBuf;

use clap::Args;
use qstudy_app::outputs::write_retention;
use qstudy_core::analysis::AnalysisOptions;
use qstudy_core::retention::{RetentionOptions, RetentionReport, retention};
use qstudy_core::{Compatibility, Correlation, Extraction, Grid, Rotation, Study, VarimaxMethod};
use qstudy_io::{AnalysisDefaults, InputFormat, output_dir};

use crate::error::CliError;
use crate::input::{ReadArgs, SelectionArgs, load_input};
use crate::progress::{Progress, with_threads};

#[derive(Debug, Args)]
pub struct FactorsArgs {
    /// Input: a study directory, a Q-sort file (any format `analyze` reads).
    input: PathBuf,
    /// Input format, when the path and content do not tell.
    #[arg(long, value_name = "FORMAT")]
    format: Option<InputFormat>,
    /// How the input is read (id column, statements file).
    #[command(flatten)]
    read: ReadArgs,
    /// Which sorts are kept.
    #[command(flatten)]
    select: SelectionArgs,
    /// Whose numbers to reproduce: pqmethod or qmethod [default: pqmethod, or the study's].
    #[arg(long, value_name = "pqmethod|qmethod")]
    numerics: Option<Compatibility>,
    /// Factor extraction method [default: centroid, or the study's].
    #[arg(long, value_name = "centroid|pca|horst")]
    method: Option<Extraction>,
    /// Number of factors to extract and examine (default: 7 centroid, 8 PCA; capped by the data).
    #[arg(long, value_name = "N")]
    extract: Option<usize>,
    /// Correlation between sorts [default: pearson, or the study's].
    #[arg(long, value_name = "pearson|spearman|kendall")]
    correlation: Option<Correlation>,
    /// Analytic rotation of the solutions whose defining sorts are counted [default: varimax].
    #[arg(long, value_name = "varimax|none")]
    rotation: Option<Rotation>,
    /// Expert override of the profile's varimax [default: the --numerics profile's].
    #[arg(long, value_name = "pqmethod|svd|pairwise")]
    varimax: Option<VarimaxMethod>,
    /// Significance level of the automatic flags counted as defining sorts [default: 0.05].
    #[arg(long, value_name = "P")]
    flag_p: Option<f64>,
    /// Drop the majority-of-common-variance rule of automatic flagging.
    #[arg(long)]
    no_majority: bool,
    /// Random studies drawn by parallel analysis.
    #[arg(long, value_name = "N", default_value_t = 1000)]
    iterations: usize,
    /// Seed of parallel analysis's random sorts.
    #[arg(long, value_name = "S", default_value_t = 1)]
    seed: u64,
    /// Percentile of the random eigenvalues an observed eigenvalue must exceed.
    #[arg(long, value_name = "PCT", default_value_t = 95.0)]
    percentile: f64,
    /// The forced grid VALUE:COUNT,... (when the sorts do not share one distribution).
    #[arg(long, value_name = "SPEC", allow_hyphen_values = true)]
    grid: Option<Grid>,
    /// Accept sorts that do not follow the grid's column counts.
    #[arg(long)]
    free_distribution: bool,
    /// Also write the report as DIR/retention.json and its scree plot with the
    /// parallel-analysis threshold as DIR/plots/scree.svg and .png.
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// With --out, do not draw the scree plot.
    #[arg(long)]
    no_plots: bool,
    /// Worker threads (default: one per core); the report is the same with any number.
    #[arg(long, value_name = "N")]
    threads: Option<usize>,
}

/// The options of the retention report: command line first, then the study's `[analysis]`
/// (only what the report reads: the others describe one solution), then the defaults.
fn resolve(a: &FactorsArgs, d: &AnalysisDefaults) -> AnalysisOptions {
    let study = AnalysisDefaults {
        numerics: d.numerics,
        method: d.method,
        extract: d.extract,
        correlation: d.correlation,
        rotation: d.rotation,
        varimax: d.varimax,
        flag_p: d.flag_p,
        flag_majority: d.flag_majority,
        ..Default::default()
    };
    let cli = AnalysisDefaults {
        numerics: a.numerics,
        method: a.method,
        extract: a.extract,
        correlation: a.correlation,
        rotation: a.rotation,
        varimax: a.varimax,
        flag_p: a.flag_p,
        flag_majority: a.no_majority.then_some(false),
        ..Default::default()
    };
    cli.over(study).resolve()
}

/// The retention report of `study` with a progress bar.
fn report(
    study: &Study,
    options: &AnalysisOptions,
    retention_options: &RetentionOptions,
    threads: Option<usize>,
) -> Result<RetentionReport, CliError> {
    let progress = Progress::new(retention_options.iterations, "parallel analysis");
    let result = with_threads(threads, || {
        retention(study, options, retention_options, &|d| progress.inc(d))
    })
    .map_err(CliError::usage)?;
    progress.finish();
    result.map_err(|e| CliError::analysis(crate::words::analysis_error(&e)))
}

/// The line `analyze` prints when it uses the recommendation.
pub(crate) fn recommendation_note(r: &RetentionReport) -> String {
    format!(
        "factors: {} (not given: the recommendation of `qstudy factors`, parallel analysis of {} random studies, at least two defining sorts per factor)",
        r.recommended, r.parallel.iterations
    )
}

pub(crate) fn factors_command(
    a: &FactorsArgs,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<(), CliError> {
    let input = load_input(
        &a.input,
        a.format,
        a.grid.clone(),
        a.free_distribution,
        &a.read,
        &a.select.layer(),
    )?;
    let (loaded, study) = (&input.loaded, &input.study);
    for note in input.left_out_notes() {
        let _ = writeln!(err, "note: {note}");
    }
    if !(a.percentile > 0.0 && a.percentile < 100.0) {
        return Err(CliError::usage(format!(
            "--percentile {} is not in (0, 100)",
            a.percentile
        )));
    }
    let empty = AnalysisDefaults::default();
    let defaults = loaded.study.as_ref().map_or(&empty, |i| &i.defaults);
    let options = resolve(a, defaults);
    let ropts = RetentionOptions {
        iterations: a.iterations,
        seed: a.seed,
        percentile: a.percentile,
    };
    let r = report(study, &options, &ropts, a.threads).map_err(|e| CliError {
        message: e.message.map(|m| format!("{}: {m}", a.input.display())),
        ..e
    })?;
    if let Some(dir) = &a.out {
        // retention.json and the scree plot, staged and then added to DIR at once with its
        // manifest: a failure leaves DIR as it was.
        let published = output_dir::publish_into(dir, true, |staging| {
            write_retention(staging, dir, &r, !a.no_plots).map(|_| ())
        })
        .map_err(|e| CliError::output(e.to_string()))?;
        crate::words::print_output_warnings(err, &published.warnings);
    }
    let _ = write_report(out, &r, study, &options, a);
    Ok(())
}

fn write_report(
    out: &mut dyn Write,
    r: &RetentionReport,
    study: &Study,
    options: &AnalysisOptions,
    a: &FactorsArgs,
) -> std::io::Result<()> {
    let grid = study.grid();
    writeln!(
        out,
        "{}: {} sorts x {} statements, grid {}..{}",
        a.input.display(),
        r.sorts,
        r.statements,
        grid.min(),
        grid.max()
    )?;
    writeln!(
        out,
        "{} correlation, {} ({} extracted), {} rotation, flags at p < {}",
        r.correlation, r.extraction, r.extracted, options.rotation, options.flagging.p
    )?;
    writeln!(out)?;
    write_eigenvalues(out, r)?;
    write_parallel(out, r)?;
    write_solutions(out, r)?;
    writeln!(
        out,
        "Kaiser-Guttman: {}   Humphrey's rule: {}   parallel analysis: {}",
        r.kaiser_guttman, r.humphrey_retained, r.parallel.retained
    )?;
    writeln!(out, "Recommendation: {} factor(s)", r.recommended)?;
    for reason in &r.reasons {
        writeln!(out, "  - {reason}")?;
    }
    if let Some(dir) = &a.out {
        writeln!(out, "\nreport: {}", dir.join("retention.json").display())?;
        if !a.no_plots {
            writeln!(
                out,
                "scree plot: {} (.svg, .png)",
                dir.join("plots").join("scree").display()
            )?;
        }
    }
    Ok(())
}

/// The eigenvalues with Humphrey's rule and a text scree.
fn write_eigenvalues(out: &mut dyn Write, r: &RetentionReport) -> std::io::Result<()> {
    let threshold = 2.0 / (r.statements as f64).sqrt();
    let top = r.eigenvalues.iter().copied().fold(0.0f64, f64::max);
    writeln!(
        out,
        "Factor  Eigenvalue   % Var   Humphrey (a1 x a2 > {threshold:.4})   Scree"
    )?;
    for (f, ((e, v), h)) in r
        .eigenvalues
        .iter()
        .zip(&r.explained_variance)
        .zip(&r.humphrey)
        .enumerate()
    {
        let bar = if top > 0.0 {
            "#".repeat(((e / top) * 30.0).round().max(0.0) as usize)
        } else {
            String::new()
        };
        writeln!(
            out,
            "F{:<5} {:>10.4} {:>7.1}   {:.3} x {:.3} = {:.4} {:<4}   {bar}",
            f + 1,
            e,
            v,
            h.largest[0],
            h.largest[1],
            h.product,
            if h.significant { "yes" } else { "no" },
        )?;
    }
    writeln!(out)
}

/// The observed and random eigenvalues of parallel analysis.
fn write_parallel(out: &mut dyn Write, r: &RetentionReport) -> std::io::Result<()> {
    let p = &r.parallel;
    writeln!(
        out,
        "Parallel analysis: {} random studies of {} sorts on the same grid (seed {}), {}th percentile",
        p.iterations, r.sorts, p.seed, p.percentile
    )?;
    writeln!(
        out,
        "Rank    Observed  Random mean  Random {:>4}",
        format!("{}%", p.percentile)
    )?;
    let shown = p.observed.len().min(r.extracted.max(p.retained + 1));
    for i in 0..shown {
        writeln!(
            out,
            "{:<5} {:>10.4} {:>12.4} {:>11.4}  {}",
            i + 1,
            p.observed[i],
            p.random_mean[i],
            p.random_percentile[i],
            if i < p.retained { "kept" } else { "" }
        )?;
    }
    writeln!(out)
}

/// The defining sorts of each factor for every number of factors.
fn write_solutions(out: &mut dyn Write, r: &RetentionReport) -> std::io::Result<()> {
    writeln!(out, "Defining sorts per factor")?;
    for s in &r.solutions {
        let counts: Vec<String> = s
            .defining
            .iter()
            .enumerate()
            .map(|(f, c)| format!("F{} {c}", f + 1))
            .collect();
        writeln!(
            out,
            "{:>2} factor(s): {}{}",
            s.factors,
            counts.join(", "),
            if s.every_factor_defined {
                ""
            } else {
                "  (a factor with fewer than 2)"
            }
        )?;
    }
    writeln!(out)
}

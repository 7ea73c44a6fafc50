//! `qstudy bootstrap`: the bootstrap of a Q study (Zabala & Pascual 2016): DIR/bootstrap.json,
//! CSV summaries of the z-scores and loadings (docs/formats.md, "bootstrap.json") and, unless
//! `--no-plots`, the figure of the z-scores with their intervals
//! (DIR/plots/bootstrap-zscores.svg, .png).

use std::io::Write;
use std::path::{Path, PathBuf};

use clap::Args;
use qstudy_app::outputs::{OutputsError, write_bootstrap};
use qstudy_core::bootstrap::{Alignment, BootstrapOptions, BootstrapResults, bootstrap};
use qstudy_io::output_dir;

use crate::analyze::{AnalyzeArgs, prepare};
use crate::error::CliError;
use crate::progress::{Progress, with_threads};
use crate::words;

#[derive(Debug, Args)]
pub struct BootstrapArgs {
    #[command(flatten)]
    analysis: AnalyzeArgs,
    /// Number of bootstrap replicates (resamples of the sorts).
    #[arg(long, value_name = "B", default_value_t = 1000)]
    replicates: usize,
    /// Seed of the resampling: the same seed gives the same results on any number of threads.
    #[arg(long, value_name = "S", default_value_t = 1)]
    seed: u64,
    /// Alignment of each replicate with the full-sample factors: match (order and sign by
    /// correlation, as qmethod's qindtest) or procrustes (match, then Procrustes rotation).
    #[arg(
        long = "align",
        value_name = "match|procrustes",
        default_value = "procrustes"
    )]
    align: Alignment,
    /// Level of the percentile intervals of the z-scores.
    #[arg(long, value_name = "LEVEL", default_value_t = 0.95)]
    interval: f64,
    /// Worker threads (default: one per core).
    #[arg(long, value_name = "N")]
    threads: Option<usize>,
}

pub(crate) fn bootstrap_command(
    a: &BootstrapArgs,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<(), CliError> {
    let input = a.analysis.input();
    let (opened, resolved) = prepare(&a.analysis)?;
    let bopts = BootstrapOptions {
        replicates: a.replicates,
        seed: a.seed,
        alignment: a.align,
        interval: a.interval,
    };
    let progress = Progress::new(a.replicates, "bootstrap");
    let result = with_threads(a.threads, || {
        bootstrap(&opened.study, &resolved.options, &bopts, &|d| {
            progress.inc(d)
        })
    })
    .map_err(CliError::usage)?;
    progress.finish();
    let results = result.map_err(|e| {
        CliError::analysis(format!(
            "{}: {}",
            input.display(),
            words::bootstrap_error(&e)
        ))
    })?;
    let written = write_outputs(a.analysis.out(), &results, !a.analysis.no_plots(), err)?;
    // grouped and shortened as `analyze` prints them; bootstrap.json has them all
    let full = format!(
        "{} (`warnings`)",
        a.analysis.out().join("bootstrap.json").display()
    );
    let shown = crate::terminal::shown_warnings(&results.warnings, &[]);
    for line in crate::terminal::grouped_warnings(&shown, &full) {
        let _ = writeln!(err, "warning: {line}");
    }
    if !a.analysis.quiet() {
        if let Some(r) = &resolved.retention {
            let _ = writeln!(out, "{}", crate::factors::recommendation_note(r));
        }
        let _ = write_summary(out, &results, input);
        for p in written {
            let _ = writeln!(out, "wrote {}", p.display());
        }
    }
    Ok(())
}

/// Writes DIR/bootstrap.json, DIR/bootstrap_zscores.csv, DIR/bootstrap_loadings.csv and, with
/// `plots`, DIR/plots/bootstrap-zscores.svg and .png (`qstudy_app::outputs::write_bootstrap`),
/// staged and then added to DIR at once with its manifest (`qstudy_io::output_dir::publish_into`):
/// a failure leaves DIR as it was. Returns the paths written.
fn write_outputs(
    dir: &Path,
    r: &BootstrapResults,
    plots: bool,
    err: &mut dyn Write,
) -> Result<Vec<PathBuf>, CliError> {
    let mut written = Vec::new();
    let published = output_dir::publish_into(dir, true, |staging| {
        written = write_bootstrap(staging, dir, r, plots)?;
        Ok::<(), OutputsError>(())
    })
    .map_err(|e| CliError::output(e.to_string()))?;
    crate::words::print_output_warnings(err, &published.warnings);
    Ok(written)
}

fn write_summary(out: &mut dyn Write, r: &BootstrapResults, input: &Path) -> std::io::Result<()> {
    let o = &r.options;
    writeln!(
        out,
        "{}: {} sorts x {} statements; {} correlation, {}, {} factor(s), {} rotation",
        input.display(),
        r.input.sorts,
        r.input.statements,
        o.correlation,
        o.extraction,
        o.factors,
        o.rotation
    )?;
    writeln!(
        out,
        "{} replicates (seed {}), {} alignment: {} analysed, {} reordered, {} with a reflected factor",
        o.replicates,
        o.seed,
        o.alignment,
        r.replicates_used,
        r.alignment.reordered,
        r.alignment.reflected
    )?;
    writeln!(out)?;
    let (names, width) =
        crate::terminal::factor_labels(r.factors.iter().map(|f| (&f.name, &f.label)));
    writeln!(
        out,
        "{:<width$} {:>8} {:>13} {:>8} {:>10}  Same array value",
        "Factor", "Defining", "Mean defining", "Match r", "Mean SE(z)"
    )?;
    let m = r.input.statements;
    for (f, name) in r.factors.iter().zip(&names) {
        let mean_se =
            f.se.as_ref()
                .map(|se| format!("{:.3}", se.iter().sum::<f64>() / se.len() as f64))
                .unwrap_or_else(|| "-".into());
        let same = match (&f.array, &f.bootstrap_array) {
            (Some(a), Some(b)) => {
                format!("{}/{m}", a.iter().zip(b).filter(|(x, y)| x == y).count())
            }
            _ => "-".into(),
        };
        writeln!(
            out,
            "{name} {:>8} {:>13.1} {:>8.3} {:>10}  {}",
            f.defining_sorts, f.mean_defining_sorts, f.match_correlation, mean_se, same
        )?;
    }
    // Defining sorts of the full sample that the replicates flag less than half the time.
    let mut unstable = Vec::new();
    for (i, id) in r.input.sort_ids.iter().enumerate() {
        for (f, factor) in r.factors.iter().enumerate() {
            if let Some(q) = r.loadings.flag_frequency[i][f]
                && r.loadings.flagged[i][f]
                && q < 0.5
            {
                unstable.push(format!("{id} ({} {q:.2})", factor.name));
            }
        }
    }
    writeln!(out)?;
    if unstable.is_empty() {
        writeln!(
            out,
            "Every defining sort is flagged on its factor in at least half of its replicates."
        )?;
    } else {
        writeln!(
            out,
            "Defining sorts flagged in fewer than half of their replicates: {}",
            unstable.join(", ")
        )?;
    }
    writeln!(out)
}

//! `qstudy analyze`: the whole analysis of one input, written to `DIR/results.json`.

use std::io::Write;
use std::path::{Path, PathBuf};

use clap::Args;
use qstudy_core::analysis::{AnalysisOptions, AnalysisResults, analyze};
use qstudy_core::options::OptionLayer;
use qstudy_core::retention::RetentionReport;
use qstudy_core::{Extraction, Grid, Study, Warning};
use qstudy_io::output_dir;
use qstudy_io::{InputFormat, LoadedSorts};
use qstudy_report::outputs::{
    AnalysisWritten, Figures, OutputsError, figures_left_out, write_analysis,
};

use crate::input::load_input;
use crate::words;
use crate::{EXIT_ANALYSIS, EXIT_OUTPUT};

#[derive(Debug, Args)]
pub struct AnalyzeArgs {
    /// Input: a study directory (with study.toml), a CSV (qmethod layout, one row per
    /// participant, or an HTMLQ/FlashQ export), an easy-htmlq JSON, an XLSX workbook or a
    /// PQMethod .DAT (with its .STA beside it).
    input: PathBuf,
    /// Input format, when the path and content do not tell (csv, csv-rows, htmlq, json, xlsx,
    /// pqmethod, study).
    #[arg(long, value_name = "FORMAT")]
    format: Option<InputFormat>,
    /// Output directory (created if missing).
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    /// The analysis options (each declared once, with its flag and study.toml key, in
    /// `qstudy_core::options`).
    #[command(flatten)]
    options: OptionLayer,
    /// The forced grid VALUE:COUNT,... (required when the sorts do not share one distribution).
    #[arg(long, value_name = "SPEC", allow_hyphen_values = true)]
    grid: Option<Grid>,
    /// Accept sorts that do not follow the grid's column counts.
    #[arg(long)]
    free_distribution: bool,
    /// Name a factor after interpretation (repeatable), e.g. --name F1="settled accommodation".
    #[arg(long = "name", value_name = "F=NAME", value_parser = parse_name)]
    name: Vec<(String, String)>,
    /// Print nothing but errors.
    #[arg(long, short)]
    quiet: bool,
    /// Do not draw the figures (DIR/plots/) and the report (DIR/report.html).
    #[arg(long)]
    no_plots: bool,
    /// Replace DIR when it holds a previous output (it is swapped for the new one at once).
    #[arg(long)]
    force: bool,
}

/// The analysis options: command-line options first, then the study's `[analysis]` and
/// `[factor_names]`, then the defaults of [`AnalysisOptions::default`].
fn resolve_options(
    a: &AnalyzeArgs,
    loaded: &LoadedSorts,
) -> Result<AnalysisOptions, (i32, String)> {
    let cli = a.layer();
    let study = loaded
        .study
        .as_ref()
        .map(|info| OptionLayer {
            factor_names: info.factor_names.clone(),
            ..info.defaults.clone()
        })
        .unwrap_or_default();
    let given_horst = cli.horst_iterations.is_some() || cli.horst_threshold.is_some();
    // `factors` is 0 when not given: `prepare` puts the recommendation of `qstudy factors` there.
    let options = cli.over(study).resolve();
    if options.extraction != Extraction::Horst && given_horst {
        return Err((
            crate::EXIT_USAGE,
            "--horst-iterations and --horst-threshold apply only with --method horst".to_string(),
        ));
    }
    Ok(options)
}

impl AnalyzeArgs {
    /// The analysis options given on the command line, as one layer.
    fn layer(&self) -> OptionLayer {
        OptionLayer {
            factor_names: self.name.iter().cloned().collect(),
            ..self.options.clone()
        }
    }

    /// The input path.
    pub(crate) fn input(&self) -> &Path {
        &self.input
    }
    /// The output directory.
    pub(crate) fn out(&self) -> &Path {
        &self.out
    }
    /// Whether to print nothing but errors.
    pub(crate) fn quiet(&self) -> bool {
        self.quiet
    }
    /// Whether to skip the figures.
    pub(crate) fn no_plots(&self) -> bool {
        self.no_plots
    }
}

/// The loaded input, the validated study, the resolved options and, when the number of factors
/// was not given, the retention report that chose it.
pub(crate) type Prepared = (LoadedSorts, Study, AnalysisOptions, Option<RetentionReport>);

/// Loads and validates the input and resolves the options (for `analyze` and `bootstrap`).
/// When neither the command line nor the study gives the number of factors, it is the
/// recommendation of `qstudy factors` (default parallel analysis: 1000 random studies, seed 1,
/// 95th percentile), and its report is returned.
pub(crate) fn prepare(a: &AnalyzeArgs) -> Result<Prepared, (i32, String)> {
    let (loaded, study) = load_input(&a.input, a.format, a.grid.clone(), a.free_distribution)?;
    let given = a
        .options
        .factors
        .or(loaded.study.as_ref().and_then(|i| i.defaults.factors));
    let mut options = resolve_options(a, &loaded)?;
    let mut retention = None;
    if given.is_none() {
        let ropts = qstudy_core::retention::RetentionOptions::default();
        let r = crate::factors::report(&study, &options, &ropts, None)
            .map_err(|(code, m)| (code, format!("{}: {m}", a.input.display())))?;
        options.factors = r.recommended;
        retention = Some(r);
    }
    Ok((loaded, study, options, retention))
}

pub(crate) fn analyze_command(a: &AnalyzeArgs, out: &mut dyn Write, err: &mut dyn Write) -> i32 {
    let (loaded, study, options, retention) = match prepare(a) {
        Ok(x) => x,
        Err((code, message)) => {
            let _ = writeln!(err, "error: {message}");
            return code;
        }
    };
    let mut results = match analyze(&study, &options) {
        Ok(r) => r,
        Err(e) => {
            let e = words::analysis_error(&e);
            let _ = writeln!(err, "error: {}: {e}", a.input.display());
            return EXIT_ANALYSIS;
        }
    };
    if let Some(r) = &retention {
        if !a.quiet {
            let _ = writeln!(out, "{}", crate::factors::recommendation_note(r));
        }
        results.warnings.push(Warning::FactorsRecommended {
            kept: options.factors,
        });
    }
    if let Some(participants) = loaded.participants() {
        results.attach_participants(participants.to_vec());
    }
    let written = match write_outputs(a, &loaded, &study, &results, retention.as_ref(), err) {
        Ok(w) => w,
        Err(code) => return code,
    };
    // Repeated warnings are grouped, long ones shortened: the full list is in results.json
    // (`warnings`) and DIR/warnings.txt.
    let all = crate::terminal::shown_warnings(&results.warnings, &written.xlsx_notes);
    let full = format!(
        "{} (and results.json `warnings`)",
        a.out.join(crate::terminal::WARNINGS_FILE).display()
    );
    for line in crate::terminal::grouped_warnings(&all, &full) {
        let _ = writeln!(err, "warning: {line}");
    }
    if !a.quiet {
        let _ = write_summary(out, &results, &a.input);
        let _ = writeln!(out, "results: {}", a.out.join("results.json").display());
        let _ = writeln!(
            out,
            "reports: {} (report.lis, results.xlsx, tables/*.csv)",
            a.out.display()
        );
        if written.figures {
            let _ = writeln!(
                out,
                "report: {} (figures in {})",
                a.out.join("report.html").display(),
                a.out.join("plots").display()
            );
        }
    }
    0
}

/// Writes the output set of `results` (`qstudy_report::outputs::write_analysis`: results.json,
/// report.lis, results.xlsx, tables/, warnings.txt, plots/, report.html) into a staging
/// directory and publishes it as DIR at once (`qstudy_io::output_dir::publish`). On failure,
/// the message is printed and the exit code returned.
fn write_outputs(
    a: &AnalyzeArgs,
    loaded: &LoadedSorts,
    study: &Study,
    results: &AnalysisResults,
    retention: Option<&RetentionReport>,
    err: &mut dyn Write,
) -> Result<AnalysisWritten, i32> {
    let title = loaded
        .study
        .as_ref()
        .map(|s| s.title.clone())
        .or(loaded.title.clone());
    let ctx = qstudy_report::ReportContext::from_study(title.clone(), study);
    let figures = (!a.no_plots).then(|| Figures {
        info: qstudy_plot::ReportInfo {
            title,
            source: Some(a.input.display().to_string()),
        },
        // The parallel analysis that chose the number of factors, when one did, draws its
        // threshold on the scree plot (with --factors none is run: it would cost more than
        // every figure together).
        options: qstudy_plot::PlotOptions {
            scree_threshold: retention
                .map(|r| qstudy_plot::ScreeThreshold::from_parallel(&r.parallel)),
            ..Default::default()
        },
    });
    // Beyond this many sorts figures cannot be read: left out with a warning, shown at once
    // (`qstudy plot` can still draw one).
    if figures.is_some()
        && let Some(w) = figures_left_out(results)
    {
        let _ = writeln!(err, "warning: {w}");
    }
    let mut written = AnalysisWritten::default();
    let published = output_dir::publish(&a.out, a.force, &[a.input.as_path()], |staging| {
        written = write_analysis(staging, &a.out, results, &ctx, figures.as_ref())?;
        Ok::<(), OutputsError>(())
    });
    match published {
        Ok(p) => {
            if let Some(old) = p.leftover {
                let _ = writeln!(
                    err,
                    "warning: the previous output was moved to {} and could not be deleted",
                    old.display()
                );
            }
            Ok(written)
        }
        Err(e) => {
            let _ = writeln!(err, "error: {e}");
            Err(EXIT_OUTPUT)
        }
    }
}

/// The short summary table: factor, eigenvalue, % variance, defining sorts.
fn write_summary(
    out: &mut dyn Write,
    r: &AnalysisResults,
    input: &std::path::Path,
) -> std::io::Result<()> {
    let grid = &r.input.grid;
    let (lo, hi) = (grid[0][0], grid[grid.len() - 1][0]);
    writeln!(
        out,
        "{}: {} sorts x {} statements, grid {lo}..{hi}{}",
        input.display(),
        r.input.sorts,
        r.input.statements,
        if r.input.free_distribution {
            " (free distribution)"
        } else {
            ""
        }
    )?;
    writeln!(
        out,
        "{}, {} of {} kept, {}; {} numerics",
        qstudy_core::view::method_phrase(&r.options),
        r.options.factors,
        r.options.extracted,
        qstudy_core::view::rotation_phrase(&r.options),
        r.options.numerics
    )?;
    writeln!(out)?;
    let (names, width) =
        crate::terminal::factor_labels(r.factors.iter().map(|f| (&f.name, &f.label)));
    writeln!(
        out,
        "{:<width$} {:>10} {:>7}  Defining sorts",
        "Factor", "Eigenvalue", "% Var"
    )?;
    for (f, name) in r.factors.iter().zip(&names) {
        let ids = if f.defining_sorts.is_empty() {
            "none".to_string()
        } else {
            format!(
                "{} ({})",
                f.defining_sorts.len(),
                crate::terminal::abbreviated_ids(&f.defining_sorts)
            )
        };
        writeln!(
            out,
            "{:<width$} {:>10.4} {:>7.1}  {}",
            name, f.eigenvalue, f.explained_variance, ids
        )?;
    }
    writeln!(out)
}

/// Parses `F1=settled accommodation` (also `1=...`) into `("F1", "settled accommodation")`.
fn parse_name(s: &str) -> Result<(String, String), String> {
    let (f, name) = s
        .split_once('=')
        .ok_or_else(|| format!("'{s}' is not F=NAME (e.g. F1=\"settled accommodation\")"))?;
    let f = f.trim();
    let f = f.strip_prefix(['F', 'f']).unwrap_or(f);
    let name = name.trim().trim_matches('"');
    if f.is_empty() || name.is_empty() {
        return Err(format!(
            "'{s}' is not F=NAME (e.g. F1=\"settled accommodation\")"
        ));
    }
    Ok((format!("F{}", f.to_ascii_lowercase()), name.to_string()))
}

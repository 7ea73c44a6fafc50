//! `qstudy analyze`: the whole analysis of one input, written to `DIR/results.json`.

use std::io::Write;
use std::path::{Path, PathBuf};

use clap::Args;
use qstudy_app::analysis::{Analyzed, Input, Layers, Resolved};
use qstudy_app::outputs::{AnalysisWritten, OutputsError, figures_left_out};
use qstudy_core::analysis::AnalysisResults;
use qstudy_core::options::OptionLayer;
use qstudy_core::retention::RetentionOptions;
use qstudy_core::{Extraction, Grid};
use qstudy_io::InputFormat;
use qstudy_io::output_dir;

use crate::error::CliError;
use crate::input::{ReadArgs, load_input};
use crate::progress::Progress;
use crate::words;

#[derive(Debug, Args)]
pub struct AnalyzeArgs {
    /// Input: a study directory (with study.toml), a CSV (qmethod layout, one row per
    /// participant, or an HTMLQ/FlashQ export), an easy-htmlq JSON, an XLSX workbook or a
    /// PQMethod .DAT (with its .STA beside it).
    input: PathBuf,
    /// Input format, when the path and content do not tell (csv, csv-rows, htmlq, netlify,
    /// sheets, json, xlsx, pqmethod, study).
    #[arg(long, value_name = "FORMAT")]
    format: Option<InputFormat>,
    /// How the input is read (id column, statements file).
    #[command(flatten)]
    read: ReadArgs,
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

/// Loads and validates the input and resolves the options (for `analyze` and `bootstrap`):
/// the command line over the study's `[analysis]` over the defaults, the number of factors
/// recommended (with a progress bar) when neither gives it.
pub(crate) fn prepare(a: &AnalyzeArgs) -> Result<(Input, Resolved), CliError> {
    let given = a.layer();
    let input = load_input(
        &a.input,
        a.format,
        a.grid.clone(),
        a.free_distribution,
        &a.read,
        &given,
    )?;
    let horst_given = given.horst_iterations.is_some() || given.horst_threshold.is_some();
    if horst_given && input.options(&given, Layers::OverStudy).extraction != Extraction::Horst {
        return Err(CliError::usage(
            "--horst-iterations and --horst-threshold apply only with --method horst",
        ));
    }
    let iterations = RetentionOptions::default().iterations;
    let progress = Progress::new(iterations, "parallel analysis");
    let resolved = input
        .resolve(&given, Layers::OverStudy, &|d| progress.inc(d))
        .map_err(|e| {
            CliError::analysis(format!(
                "{}: {}",
                a.input.display(),
                words::analysis_error(&e)
            ))
        })?;
    progress.finish();
    Ok((input, resolved))
}

pub(crate) fn analyze_command(
    a: &AnalyzeArgs,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<(), CliError> {
    let (input, resolved) = prepare(a)?;
    let analyzed = input.analyze(resolved).map_err(|e| {
        CliError::analysis(format!(
            "{}: {}",
            a.input.display(),
            words::analysis_error(&e)
        ))
    })?;
    if !a.quiet {
        for note in input.left_out_notes() {
            let _ = writeln!(out, "{note}");
        }
    }
    if let Some(r) = &analyzed.retention
        && !a.quiet
    {
        let _ = writeln!(out, "{}", crate::factors::recommendation_note(r));
    }
    let written = write_outputs(a, &input, &analyzed, err)?;
    let results = &analyzed.results;
    // Repeated warnings are grouped, long ones shortened: the full list is in results.json
    // (`warnings`) and DIR/warnings.txt.
    let mut all = crate::terminal::shown_warnings(&results.warnings, &written.xlsx_notes);
    all.extend(written.missing_glyphs.iter().map(|m| {
        let w = m.to_string();
        (crate::terminal::Kind::Note(w.clone()), w)
    }));
    let full = format!(
        "{} (and results.json `warnings`)",
        a.out.join(crate::terminal::WARNINGS_FILE).display()
    );
    for line in crate::terminal::grouped_warnings(&all, &full) {
        let _ = writeln!(err, "warning: {line}");
    }
    if !a.quiet {
        let _ = write_summary(out, results, &a.input);
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
    Ok(())
}

/// Writes the output set of the analysis ([`Analyzed::write`]: results.json, report.lis,
/// results.xlsx, tables/, warnings.txt, plots/, report.html) into a staging directory and
/// publishes it as DIR at once (`qstudy_io::output_dir::publish`).
fn write_outputs(
    a: &AnalyzeArgs,
    input: &Input,
    analyzed: &Analyzed,
    err: &mut dyn Write,
) -> Result<AnalysisWritten, CliError> {
    // Beyond this many sorts figures cannot be read: left out with a warning, shown at once
    // (`qstudy plot` can still draw one).
    if !a.no_plots
        && let Some(w) = figures_left_out(&analyzed.results)
    {
        let _ = writeln!(err, "warning: {w}");
    }
    let mut written = AnalysisWritten::default();
    let published = output_dir::publish(&a.out, a.force, &[a.input.as_path()], |staging| {
        written = analyzed.write(input, staging, &a.out, !a.no_plots)?;
        Ok::<(), OutputsError>(())
    })
    .map_err(|e| CliError::output(e.to_string()))?;
    crate::words::print_output_warnings(err, &published.warnings);
    Ok(written)
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
            "{name} {:>10.4} {:>7.1}  {}",
            f.eigenvalue, f.explained_variance, ids
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

//! `qstudy analyze`: the whole analysis of one input, written to `DIR/results.json`.

use std::io::Write;
use std::path::PathBuf;

use clap::Args;
use qstudy_core::analysis::{AnalysisOptions, AnalysisResults, analyze};
use qstudy_core::validate::{ValidationOptions, validate};
use qstudy_core::{
    Correlation, Extraction, FlagEdit, FlaggingOptions, Grid, Rotation, RotationStep, VarimaxMethod,
};
use qstudy_io::{InputFormat, read_sorts, write_results_json};

use crate::{EXIT_ANALYSIS, EXIT_INPUT, EXIT_OUTPUT};

#[derive(Debug, Args)]
pub struct AnalyzeArgs {
    /// Input file: qmethod-layout CSV (statements x sorts) or PQMethod .DAT (with .STA beside it).
    input: PathBuf,
    /// Input format, when the extension does not tell (csv, pqmethod).
    #[arg(long, value_name = "FORMAT")]
    format: Option<InputFormat>,
    /// Output directory (created if missing).
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    /// Factor extraction method.
    #[arg(long, default_value = "centroid", value_name = "centroid|pca")]
    method: Extraction,
    /// Number of factors to extract (default: 7 centroid, 8 PCA; capped by the data).
    #[arg(long, value_name = "N")]
    extract: Option<usize>,
    /// Number of factors to keep, rotate and interpret.
    #[arg(long, value_name = "K")]
    factors: usize,
    /// Analytic rotation.
    #[arg(long, default_value = "varimax", value_name = "varimax|none")]
    rotation: Rotation,
    /// Varimax algorithm: svd (R's stats::varimax, as qmethod) or pairwise (Kaiser's pairwise
    /// rotations as PQMethod/KADE, to full convergence).
    #[arg(long, default_value = "svd", value_name = "svd|pairwise")]
    varimax: VarimaxMethod,
    /// Judgmental rotation step A,B,DEGREES after the analytic rotation (repeatable, in order).
    #[arg(long = "rotate", value_name = "A,B,DEG", allow_hyphen_values = true)]
    rotate: Vec<RotationStep>,
    /// Correlation between sorts.
    #[arg(
        long,
        default_value = "pearson",
        value_name = "pearson|spearman|kendall"
    )]
    correlation: Correlation,
    /// Significance level of automatic flagging.
    #[arg(long, default_value_t = 0.05, value_name = "P")]
    flag_p: f64,
    /// Drop the majority-of-common-variance rule of automatic flagging.
    #[arg(long)]
    no_majority: bool,
    /// No automatic flagging: only --flag decides.
    #[arg(long)]
    no_auto_flag: bool,
    /// Flag sort ID on factor F by hand (repeatable), e.g. --flag US3=2 or --flag P07=F1b.
    #[arg(long = "flag", value_name = "ID=F")]
    flag: Vec<FlagEdit>,
    /// Remove a flag of sort ID on factor F (repeatable).
    #[arg(long = "unflag", value_name = "ID=F")]
    unflag: Vec<FlagEdit>,
    /// Invert factor F (negate its loadings) before flagging (repeatable).
    #[arg(long = "invert", value_name = "F")]
    invert: Vec<usize>,
    /// Split bipolar factor F into Fa (positive loaders) and Fb (negative loaders) (repeatable).
    #[arg(long = "split", value_name = "F")]
    split: Vec<usize>,
    /// The forced grid VALUE:COUNT,... (required when the sorts do not share one distribution).
    #[arg(long, value_name = "SPEC", allow_hyphen_values = true)]
    grid: Option<Grid>,
    /// Accept sorts that do not follow the grid's column counts.
    #[arg(long)]
    free_distribution: bool,
    /// Write the correlation matrix even for more than 2000 sorts.
    #[arg(long)]
    keep_correlation: bool,
    /// Name a factor after interpretation (repeatable), e.g. --name F1="settled accommodation".
    #[arg(long = "name", value_name = "F=NAME", value_parser = parse_name)]
    name: Vec<(String, String)>,
    /// Print nothing but errors.
    #[arg(long, short)]
    quiet: bool,
}

pub(crate) fn analyze_command(a: &AnalyzeArgs, out: &mut dyn Write, err: &mut dyn Write) -> i32 {
    let loaded = match read_sorts(&a.input, a.format) {
        Ok(l) => l,
        Err(e) => {
            let _ = writeln!(err, "error: {e}");
            return EXIT_INPUT;
        }
    };
    let grid = a.grid.clone().or_else(|| loaded.grid.clone());
    let vopts = ValidationOptions {
        grid,
        free_distribution: a.free_distribution,
    };
    let study = match validate(&loaded.table, &vopts) {
        Ok(s) => s,
        Err(e) => {
            let _ = writeln!(err, "error: {}", loaded.describe(&e));
            return EXIT_INPUT;
        }
    };
    let options = AnalysisOptions {
        correlation: a.correlation,
        extraction: a.method,
        extract: a.extract,
        factors: a.factors,
        rotation: a.rotation,
        varimax: a.varimax,
        rotation_steps: a.rotate.clone(),
        flagging: FlaggingOptions {
            p: a.flag_p,
            majority: !a.no_majority,
            automatic: !a.no_auto_flag,
            flags: a.flag.clone(),
            unflags: a.unflag.clone(),
            invert: a.invert.clone(),
            split: a.split.clone(),
        },
        keep_correlation: a.keep_correlation,
        factor_names: a.name.iter().cloned().collect(),
    };
    let results = match analyze(&study, &options) {
        Ok(r) => r,
        Err(e) => {
            let _ = writeln!(err, "error: {}: {e}", a.input.display());
            return EXIT_ANALYSIS;
        }
    };
    let path = match write_results_json(&a.out, &results) {
        Ok(p) => p,
        Err(e) => {
            let _ = writeln!(err, "error: {e}");
            return EXIT_OUTPUT;
        }
    };
    for w in &results.warnings {
        let _ = writeln!(err, "warning: {w}");
    }
    if !a.quiet {
        let _ = write_summary(out, &results, &loaded.path);
        let _ = writeln!(out, "results: {}", path.display());
    }
    0
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
        "{} correlation, {} ({} extracted), {} of {} kept, {} rotation{}",
        r.options.correlation,
        r.options.extraction,
        r.options.extracted,
        r.options.factors,
        r.options.extracted,
        r.options.rotation,
        if r.options.rotation_steps.is_empty() {
            String::new()
        } else {
            format!(" + {} judgmental step(s)", r.options.rotation_steps.len())
        }
    )?;
    writeln!(out)?;
    let names: Vec<String> = r
        .factors
        .iter()
        .map(|f| match &f.label {
            Some(label) => format!("{} ({label})", f.name),
            None => f.name.clone(),
        })
        .collect();
    let width = names
        .iter()
        .map(|n| n.chars().count())
        .max()
        .unwrap_or(0)
        .max(6);
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
                f.defining_sorts.join(", ")
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

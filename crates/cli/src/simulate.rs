//! `qstudy simulate`: Q-sorts generated from a design of planted viewpoints, written as a study
//! directory.

use std::io::Write;
use std::path::PathBuf;

use clap::Args;
use qstudy_core::simulate::simulate;
use qstudy_io::{read_design, study_files, write_study};

use crate::error::CliError;

#[derive(Debug, Args)]
pub struct SimulateArgs {
    /// The design file (design.toml: grid, statements, viewpoints as ideal sorts, participants
    /// with loading ranges; see docs/formats.md).
    design: PathBuf,
    /// Seed of the random numbers (default: the design's `seed`).
    #[arg(long, value_name = "S")]
    seed: Option<u64>,
    /// Output study directory (created if missing; its study files are replaced).
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    /// Print nothing but errors.
    #[arg(long, short)]
    quiet: bool,
}

pub(crate) fn simulate_command(
    a: &SimulateArgs,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<(), CliError> {
    let ds = read_design(&a.design).map_err(|e| CliError::input(e.to_string()))?;
    let Some(seed) = a.seed.or(ds.seed) else {
        return Err(CliError::input(format!(
            "{}: no seed: give --seed S or `seed = S` in the design",
            a.design.display()
        )));
    };
    let sim = simulate(&ds.design, seed)
        .map_err(|e| CliError::input(format!("{}: {e}", a.design.display())))?;
    let files = study_files(&ds, &sim, seed);
    let written = write_study(&a.out, &files).map_err(|e| CliError::output(e.to_string()))?;
    crate::words::print_output_warnings(err, &written.warnings);
    if !a.quiet {
        let _ = writeln!(
            out,
            "{} participants x {} statements, {} viewpoints, seed {seed}",
            sim.table.sort_ids.len(),
            ds.statements.len(),
            ds.design.viewpoints.len()
        );
        for p in written.paths {
            let _ = writeln!(out, "wrote {}", p.display());
        }
    }
    Ok(())
}

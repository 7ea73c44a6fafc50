//! `qstudy simulate`: Q-sorts generated from a design of planted viewpoints, written as a study
//! directory.

use std::io::Write;
use std::path::PathBuf;

use clap::Args;
use qstudy_core::simulate::simulate;
use qstudy_io::{read_design, study_files, write_study};

use crate::{EXIT_INPUT, EXIT_OUTPUT};

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

pub(crate) fn simulate_command(a: &SimulateArgs, out: &mut dyn Write, err: &mut dyn Write) -> i32 {
    let ds = match read_design(&a.design) {
        Ok(d) => d,
        Err(e) => {
            let _ = writeln!(err, "error: {e}");
            return EXIT_INPUT;
        }
    };
    let Some(seed) = a.seed.or(ds.seed) else {
        let _ = writeln!(
            err,
            "error: {}: no seed: give --seed S or `seed = S` in the design",
            a.design.display()
        );
        return EXIT_INPUT;
    };
    let sim = match simulate(&ds.design, seed) {
        Ok(s) => s,
        Err(e) => {
            let _ = writeln!(err, "error: {}: {e}", a.design.display());
            return EXIT_INPUT;
        }
    };
    let files = study_files(&ds, &sim, seed);
    match write_study(&a.out, &files) {
        Ok(paths) => {
            if !a.quiet {
                let _ = writeln!(
                    out,
                    "{} participants x {} statements, {} viewpoints, seed {seed}",
                    sim.table.sort_ids.len(),
                    ds.statements.len(),
                    ds.design.viewpoints.len()
                );
                for p in paths {
                    let _ = writeln!(out, "wrote {}", p.display());
                }
            }
            0
        }
        Err(e) => {
            let _ = writeln!(err, "error: {e}");
            EXIT_OUTPUT
        }
    }
}

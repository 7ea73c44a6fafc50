//! `qstudy validate INPUT`: reads and checks an input and reports every problem found (a syntax
//! error stops the reading; then every data problem: ids, lengths, zero variance, grid), one
//! line each. Exit 0 when clean, 3 otherwise.

use std::io::Write;
use std::path::PathBuf;

use clap::Args;
use qstudy_core::Grid;
use qstudy_core::groups::attribute_names;
use qstudy_io::{InputFormat, read_sorts, validate_every_problem};

use crate::EXIT_INPUT;
use crate::error::CliError;

#[derive(Debug, Args)]
pub struct ValidateArgs {
    /// Input: any format `analyze` reads.
    input: PathBuf,
    /// Input format, when the path and content do not tell (csv, csv-rows, htmlq, json, xlsx,
    /// pqmethod, study).
    #[arg(long, value_name = "FORMAT")]
    format: Option<InputFormat>,
    /// The forced grid VALUE:COUNT,... to check the sorts against (default: the file's, or
    /// inferred when every sort has the same distribution).
    #[arg(long, value_name = "SPEC", allow_hyphen_values = true)]
    grid: Option<Grid>,
    /// Accept sorts that do not follow the grid's column counts.
    #[arg(long)]
    free_distribution: bool,
}

pub(crate) fn validate_command(
    a: &ValidateArgs,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<(), CliError> {
    let loaded = read_sorts(&a.input, a.format).map_err(|e| {
        let _ = writeln!(err, "error: {e}");
        let _ = writeln!(
            err,
            "{}: 1 problem found (reading stops at the first syntax error)",
            a.input.display()
        );
        CliError::reported(EXIT_INPUT)
    })?;
    let study = validate_every_problem(&loaded, a.grid.clone(), a.free_distribution).map_err(
        |problems| {
            for p in &problems {
                let text = crate::words::validation_error(&p.error);
                let _ = writeln!(err, "error: {}", p.message(&text));
            }
            let _ = writeln!(
                err,
                "{}: {} problem(s) found",
                a.input.display(),
                problems.len()
            );
            CliError::reported(EXIT_INPUT)
        },
    )?;
    let grid = study.grid();
    let attributes = loaded
        .participants()
        .map_or(0, |ps| attribute_names(ps).len());
    let _ = writeln!(
        out,
        "{}: OK: {} sorts x {} statements, grid {}..{} ({}){}, read as {}{}",
        a.input.display(),
        study.n_sorts(),
        study.n_statements(),
        grid.min(),
        grid.max(),
        grid,
        if study.free_distribution() {
            ", free distribution"
        } else {
            ""
        },
        loaded.format.description(),
        if attributes > 0 {
            format!(", {attributes} participant attribute(s)")
        } else {
            String::new()
        }
    );
    Ok(())
}

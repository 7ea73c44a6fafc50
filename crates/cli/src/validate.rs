//! `qstudy validate INPUT`: reads and checks an input and reports every problem found (a syntax
//! error stops the reading; then every data problem: ids, lengths, zero variance, grid), one
//! line each. Exit 0 when clean, 3 otherwise.

use std::io::Write;
use std::path::PathBuf;

use clap::Args;
use qstudy_core::validate::{ValidationOptions, validate, validate_all};
use qstudy_core::{Grid, ValidationError};
use qstudy_io::{InputFormat, LoadedSorts, read_sorts};

use crate::EXIT_INPUT;

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

pub(crate) fn validate_command(a: &ValidateArgs, out: &mut dyn Write, err: &mut dyn Write) -> i32 {
    let loaded = match read_sorts(&a.input, a.format) {
        Ok(l) => l,
        Err(e) => {
            let _ = writeln!(err, "error: {e}");
            let _ = writeln!(
                err,
                "{}: 1 problem found (reading stops at the first syntax error)",
                a.input.display()
            );
            return EXIT_INPUT;
        }
    };
    let options = ValidationOptions {
        grid: a.grid.clone().or_else(|| loaded.grid.clone()),
        free_distribution: a.free_distribution,
    };
    let mut problems: Vec<String> = validate_all(&loaded.table, &options)
        .iter()
        .map(|e| described(&loaded, e))
        .collect();
    let study = if problems.is_empty() {
        match validate(&loaded.table, &options) {
            Ok(study) => match &loaded.study {
                Some(info) => {
                    match study.with_statement_ids(info.statements.iter().map(|s| s.id).collect()) {
                        Ok(s) => Some(s),
                        Err(e) => {
                            problems.push(format!("{}: {e}", info.dir.display()));
                            None
                        }
                    }
                }
                None => Some(study),
            },
            Err(e) => {
                problems.push(described(&loaded, &e));
                None
            }
        }
    } else {
        None
    };
    match study {
        Some(study) if problems.is_empty() => {
            let grid = study.grid();
            let attributes = loaded
                .participants()
                .map(|ps| {
                    ps.iter()
                        .flat_map(|p| p.attributes.keys())
                        .collect::<std::collections::BTreeSet<_>>()
                        .len()
                })
                .unwrap_or(0);
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
            0
        }
        _ => {
            for p in &problems {
                let _ = writeln!(err, "error: {p}");
            }
            let _ = writeln!(
                err,
                "{}: {} problem(s) found",
                a.input.display(),
                problems.len()
            );
            EXIT_INPUT
        }
    }
}

/// A validation error with its file and place, in the command line's words.
fn described(loaded: &LoadedSorts, e: &ValidationError) -> String {
    loaded.locate(e).message(&crate::words::validation_error(e))
}

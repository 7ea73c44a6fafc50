//! `qstudy validate INPUT`: reads and checks an input and reports every problem found (a syntax
//! error stops the reading; then every data problem: ids, lengths, incomplete sorts, zero
//! variance, grid), one line each, after saying which sorts the selection left out. Exit 0 when
//! clean, 3 otherwise. The data checks that only warn (identical sorts, sorts correlating at
//! 0.99 or above) are printed as warnings.

use std::io::Write;
use std::path::PathBuf;

use clap::Args;
use qstudy_app::analysis::{Layers, left_out_notes, selection_of};
use qstudy_core::groups::attribute_names;
use qstudy_core::{Grid, ValidationError, Warning};
use qstudy_io::{InputFormat, read_sorts_with, select_sorts, validate_every_problem};

use crate::EXIT_INPUT;
use crate::error::CliError;
use crate::input::{ReadArgs, SelectionArgs};

#[derive(Debug, Args)]
pub struct ValidateArgs {
    /// Input: any format `analyze` reads.
    input: PathBuf,
    /// Input format, when the path and content do not tell (csv, csv-rows, htmlq, netlify,
    /// sheets, json, xlsx, pqmethod, study).
    #[arg(long, value_name = "FORMAT")]
    format: Option<InputFormat>,
    /// How the input is read (id column, statements file).
    #[command(flatten)]
    read: ReadArgs,
    /// Which sorts are kept (the study's own selection applies too).
    #[command(flatten)]
    select: SelectionArgs,
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
    let loaded = read_sorts_with(&a.input, a.format, &a.read.options()).map_err(|e| {
        let _ = writeln!(err, "error: {e}");
        let _ = writeln!(
            err,
            "{}: 1 problem found (reading stops at the first syntax error)",
            a.input.display()
        );
        CliError::reported(EXIT_INPUT)
    })?;
    let selection = selection_of(&loaded, &a.select.layer(), Layers::OverStudy);
    let (selected, left_out) = select_sorts(&loaded, &selection).map_err(|e| {
        let _ = writeln!(err, "error: {}", crate::words::load_error(&e));
        let _ = writeln!(err, "{}: 1 problem found", a.input.display());
        CliError::reported(EXIT_INPUT)
    })?;
    for note in left_out_notes(
        &left_out,
        loaded.table.sort_ids.len(),
        &selection.conditions,
    ) {
        let _ = writeln!(out, "{}: {note}", a.input.display());
    }
    let sorts = selected.as_ref().unwrap_or(&loaded);
    let study =
        validate_every_problem(sorts, a.grid.clone(), a.free_distribution).map_err(|problems| {
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
            if problems
                .iter()
                .any(|p| matches!(p.error, ValidationError::Incomplete { .. }))
            {
                let _ = writeln!(
                    err,
                    "note: give --drop-incomplete to leave incomplete sorts out (with a warning)"
                );
            }
            CliError::reported(EXIT_INPUT)
        })?;
    let grid = study.grid();
    let attributes = sorts
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
    let incomplete: Vec<(String, Vec<usize>)> = left_out
        .iter()
        .filter_map(|l| match &l.reason {
            qstudy_core::select::LeftOutReason::Incomplete { statements } => {
                Some((l.sort.clone(), statements.clone()))
            }
            _ => None,
        })
        .collect();
    let mut warnings = Vec::new();
    if !incomplete.is_empty() {
        warnings.push(Warning::IncompleteLeftOut { sorts: incomplete });
    }
    warnings.extend(qstudy_core::checks::data_warnings(&study));
    for w in &warnings {
        let _ = writeln!(err, "warning: {}", crate::words::warning(w));
    }
    Ok(())
}

//! `qstudy convert IN --to pqmethod|csv|study OUT`: reads any input format, validates it as
//! `analyze` does, and writes it as a PQMethod project (`OUT` a `.DAT` path, the `.STA` beside
//! it), a qmethod CSV (`OUT` a file) or a study directory (`OUT` a directory).

use std::io::Write;
use std::path::PathBuf;

use clap::Args;
use qstudy_core::Grid;
use qstudy_io::{InputFormat, OutputFormat, export, write_export};

use crate::error::CliError;
use crate::input::{ReadArgs, SelectionArgs, load_input};

#[derive(Debug, Args)]
pub struct ConvertArgs {
    /// Input: any format `analyze` reads (study directory, CSV, HTMLQ/FlashQ, easy-htmlq JSON,
    /// XLSX, PQMethod .DAT).
    input: PathBuf,
    /// Output format: pqmethod (OUT.DAT + .STA beside it), csv (qmethod layout) or study (a
    /// directory).
    #[arg(long, value_name = "pqmethod|csv|study")]
    to: OutputFormat,
    /// Output: a .DAT path, a .csv path or a directory.
    output: PathBuf,
    /// Input format, when the path and content do not tell (csv, csv-rows, htmlq, netlify,
    /// sheets, json, xlsx, pqmethod, study).
    #[arg(long, value_name = "FORMAT")]
    format: Option<InputFormat>,
    /// How the input is read (id column, statements file).
    #[command(flatten)]
    read: ReadArgs,
    /// Which sorts are kept.
    #[command(flatten)]
    select: SelectionArgs,
    /// The forced grid VALUE:COUNT,... (when the sorts do not share one distribution).
    #[arg(long, value_name = "SPEC", allow_hyphen_values = true)]
    grid: Option<Grid>,
    /// Accept sorts that do not follow the grid's column counts.
    #[arg(long)]
    free_distribution: bool,
    /// Overwrite output files that exist.
    #[arg(long)]
    force: bool,
    /// Print nothing but errors and notes.
    #[arg(long, short)]
    quiet: bool,
}

pub(crate) fn convert_command(
    a: &ConvertArgs,
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
    // what analyze would analyse: the sorts selected
    let (loaded, study) = (input.sorts(), &input.study);
    for note in input.left_out_notes() {
        let _ = writeln!(err, "note: {note} (not written)");
    }
    let files =
        export(loaded, study, a.to, &a.output).map_err(|e| CliError::output(e.to_string()))?;
    let written = write_export(&files, a.force).map_err(|e| CliError::output(e.to_string()))?;
    crate::words::print_output_warnings(err, &written.warnings);
    for note in &files.notes {
        let _ = writeln!(err, "note: {note}");
    }
    if !a.quiet {
        let grid = study.grid();
        let _ = writeln!(
            out,
            "{}: {} sorts x {} statements, grid {}..{}, read as {}",
            a.input.display(),
            study.n_sorts(),
            study.n_statements(),
            grid.min(),
            grid.max(),
            loaded.format.description()
        );
        for path in written.paths {
            let _ = writeln!(out, "wrote {}", path.display());
        }
    }
    Ok(())
}

//! Reading and validating an input, shared by the commands that analyse or convert one.

use std::path::Path;

use qstudy_app::analysis::Input;
use qstudy_core::Grid;
use qstudy_io::{InputFormat, load_study};

use crate::error::CliError;

/// Reads and validates an input (file or study directory); the input is shown as typed.
pub(crate) fn load_input(
    input: &Path,
    format: Option<InputFormat>,
    grid: Option<Grid>,
    free_distribution: bool,
) -> Result<Input, CliError> {
    let (loaded, study) = load_study(input, format, grid, free_distribution)
        .map_err(|e| CliError::input(crate::words::load_error(&e)))?;
    Ok(Input {
        loaded,
        study,
        shown: input.display().to_string(),
    })
}

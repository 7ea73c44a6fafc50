//! Reading and validating an input, shared by the commands that analyse or convert one.

use std::path::Path;

use qstudy_core::{Grid, Study};
use qstudy_io::{InputFormat, LoadedSorts, load_study};

use crate::EXIT_INPUT;

/// Reads and validates an input (file or study directory). On failure: the exit code and the
/// one-line message (without the `error: ` prefix).
pub(crate) fn load_input(
    input: &Path,
    format: Option<InputFormat>,
    grid: Option<Grid>,
    free_distribution: bool,
) -> Result<(LoadedSorts, Study), (i32, String)> {
    load_study(input, format, grid, free_distribution)
        .map_err(|e| (EXIT_INPUT, crate::words::load_error(&e)))
}

//! Reading and validating an input, shared by the commands that analyse or convert one.

use std::path::Path;

use qstudy_core::Grid;
use qstudy_core::Study;
use qstudy_core::validate::{ValidationOptions, validate};
use qstudy_io::{InputFormat, LoadedSorts, read_sorts};

use crate::EXIT_INPUT;

/// Reads and validates an input (file or study directory). On failure: the exit code and the
/// one-line message (without the `error: ` prefix).
pub(crate) fn load_input(
    input: &Path,
    format: Option<InputFormat>,
    grid: Option<Grid>,
    free_distribution: bool,
) -> Result<(LoadedSorts, Study), (i32, String)> {
    let loaded = read_sorts(input, format).map_err(|e| (EXIT_INPUT, e.to_string()))?;
    let vopts = ValidationOptions {
        grid: grid.or_else(|| loaded.grid.clone()),
        free_distribution,
    };
    let mut study =
        validate(&loaded.table, &vopts).map_err(|e| (EXIT_INPUT, loaded.describe(&e)))?;
    if let Some(info) = &loaded.study {
        study = study
            .with_statement_ids(info.statements.iter().map(|s| s.id).collect())
            .map_err(|e| (EXIT_INPUT, format!("{}: {e}", info.dir.display())))?;
    }
    Ok((loaded, study))
}

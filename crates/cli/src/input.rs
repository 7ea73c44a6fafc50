//! Reading, selecting and validating an input, shared by the commands that analyse, check or
//! convert one; and the flags that say how.

use std::path::{Path, PathBuf};

use clap::Args;
use qstudy_app::analysis::{Checked, Input, InputChoices, Layers};
use qstudy_core::Grid;
use qstudy_core::options::OptionLayer;
use qstudy_core::select::Condition;
use qstudy_io::{InputFormat, ReadOptions};

use crate::error::CliError;

/// How an input is read beyond its format: the id column and a statements file.
#[derive(Debug, Clone, Default, Args)]
pub(crate) struct ReadArgs {
    /// Statement texts for an input without them: a text file with one statement per line
    /// (KADE's statements.txt), HTMLQ's statements.xml, or an id,text CSV.
    #[arg(long, value_name = "FILE")]
    statements: Option<PathBuf>,
    /// The column (or key, or JSON field) holding the participant ids, in a file with one row
    /// per participant (e.g. randomId, partId or urlUsercode of an EQ Web Sort export).
    #[arg(long, value_name = "NAME")]
    id_column: Option<String>,
}

impl ReadArgs {
    /// As the reader takes them.
    pub(crate) fn options(&self) -> ReadOptions {
        ReadOptions {
            id_column: self.id_column.clone(),
            statements: self.statements.clone(),
        }
    }
}

/// The selection of sorts, for the commands that do not take every analysis option
/// (`validate`, `factors`, `convert`); `analyze` and `bootstrap` take them with the others.
#[derive(Debug, Clone, Default, Args)]
pub(crate) struct SelectionArgs {
    /// Leave out the sorts with these ids (comma-separated, repeatable).
    #[arg(long = "exclude", value_name = "ID,...", value_delimiter = ',')]
    exclude: Vec<String>,
    /// Keep only the sorts whose participant attribute ATTR has one of the values
    /// (repeatable: every condition must hold), e.g. role=officer.
    #[arg(long = "where", value_name = "ATTR=VALUE[,VALUE]")]
    where_: Vec<Condition>,
    /// Leave incomplete sorts out, with a warning, instead of refusing the input.
    #[arg(long)]
    drop_incomplete: bool,
}

impl SelectionArgs {
    /// The selection as a layer of options.
    pub(crate) fn layer(&self) -> OptionLayer {
        OptionLayer {
            exclude: self.exclude.clone(),
            where_: self.where_.clone(),
            drop_incomplete: self.drop_incomplete.then_some(true),
            ..Default::default()
        }
    }
}

/// Reads, selects (the selection of `given` over the study's) and validates an input (file or
/// study directory); the input is shown as typed.
pub(crate) fn load_input(
    input: &Path,
    format: Option<InputFormat>,
    grid: Option<Grid>,
    free_distribution: bool,
    read: &ReadArgs,
    given: &OptionLayer,
) -> Result<Input, CliError> {
    let choices = InputChoices {
        format,
        read: read.options(),
        checked: Checked {
            grid,
            free_distribution,
        },
    };
    Input::open(
        input,
        &choices,
        given,
        Layers::OverStudy,
        input.display().to_string(),
    )
    .map_err(|e| CliError::input(crate::words::load_error(&e)))
}

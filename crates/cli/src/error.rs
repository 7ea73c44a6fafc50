//! The one error of the command line: an exit code and what to print, printed by [`crate::run`]
//! in one place (`error: MESSAGE`).

use crate::{EXIT_ANALYSIS, EXIT_INPUT, EXIT_OUTPUT, EXIT_USAGE};

/// A command failed: the exit code and its message (`None` when the command has already
/// reported why, as `validate` does with its list of problems).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct CliError {
    /// The exit code (`EXIT_*`).
    pub code: i32,
    /// The one-line message, without `error: `.
    pub message: Option<String>,
}

impl CliError {
    /// A usage error (exit 2): options that do not go together.
    pub(crate) fn usage(message: impl Into<String>) -> CliError {
        CliError::new(EXIT_USAGE, message)
    }
    /// The input could not be read or failed validation (exit 3).
    pub(crate) fn input(message: impl Into<String>) -> CliError {
        CliError::new(EXIT_INPUT, message)
    }
    /// The analysis cannot be done with these options (exit 4).
    pub(crate) fn analysis(message: impl Into<String>) -> CliError {
        CliError::new(EXIT_ANALYSIS, message)
    }
    /// The output could not be written (exit 5).
    pub(crate) fn output(message: impl Into<String>) -> CliError {
        CliError::new(EXIT_OUTPUT, message)
    }
    /// Exit with `code`, the reason already printed.
    pub(crate) fn reported(code: i32) -> CliError {
        CliError {
            code,
            message: None,
        }
    }
    /// Exit with `code` and `message`.
    pub(crate) fn new(code: i32, message: impl Into<String>) -> CliError {
        CliError {
            code,
            message: Some(message.into()),
        }
    }
}

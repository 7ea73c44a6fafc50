//! The command line's words for the library's errors and warnings: where an error or warning is
//! about an option, it names the option by its flag (`--invert`, `--horst-iterations`); the
//! rest is the library's own sentence.

use qstudy_core::bootstrap::BootstrapError;
use qstudy_core::error::{OptionWord, OptionWords};
use qstudy_core::{AnalysisError, Given, SelectionError, ValidationError, Warning};
use qstudy_io::LoadError;
use qstudy_io::output_dir::OutputWarning;

/// The command line's names of options: its flags.
struct Flags;

impl OptionWords for Flags {
    fn given(&self, g: &Given) -> String {
        match g {
            Given::Invert => "--invert".to_string(),
            Given::Split => "--split".to_string(),
            Given::Flag(edit) => format!("--flag {edit}"),
            Given::Unflag(edit) => format!("--unflag {edit}"),
            Given::FactorName | Given::RotationStep { .. } => g.to_string(),
        }
    }
    fn option(&self, option: OptionWord<'_>) -> String {
        match option {
            OptionWord::Method(method) => format!("--method {method}"),
            OptionWord::Extract => "--extract".to_string(),
            OptionWord::HorstIterations => "--horst-iterations".to_string(),
            OptionWord::HorstThreshold => "--horst-threshold".to_string(),
            OptionWord::FigureFontSize => "--figure-font-size".to_string(),
            OptionWord::FigureCardWidth => "--figure-card-width".to_string(),
        }
    }
    fn unflag(&self, sort: &str, factor: &str) -> Option<String> {
        Some(format!("--unflag {sort}={factor}"))
    }
}

/// An analysis error, options named by their flags.
pub(crate) fn analysis_error(e: &AnalysisError) -> String {
    e.worded(&Flags)
}

/// A bootstrap error, options named by their flags.
pub(crate) fn bootstrap_error(e: &BootstrapError) -> String {
    match e {
        BootstrapError::Analysis(e) => analysis_error(e),
        BootstrapError::Split => "split factors (--split) are not bootstrapped: bootstrap the whole factor and read its poles from the loadings".to_string(),
        _ => e.to_string(),
    }
}

/// A validation error, the remedies named by their flags.
pub(crate) fn validation_error(e: &ValidationError) -> String {
    match e {
        ValidationError::BrokenGrid {
            sort,
            value,
            expected,
            found,
        } => format!(
            "sort '{sort}' breaks the forced grid: column {value} holds {found} statement(s), expected {expected} (use --free-distribution to accept non-forced sorts)"
        ),
        ValidationError::GridNotInferable { sort, first } => format!(
            "no grid given and the sorts do not share one distribution (sort '{sort}' differs from sort '{first}'): give the grid with --grid VALUE:COUNT,..."
        ),
        _ => e.to_string(),
    }
}

/// An input that could not be loaded: the file and place, then the validation error in the
/// command line's words.
pub(crate) fn load_error(e: &LoadError) -> String {
    match e {
        LoadError::Invalid(invalid) => invalid.message(&validation_error(&invalid.error)),
        LoadError::Incomplete(_) => format!(
            "{}; complete them, or give --drop-incomplete to leave incomplete sorts out",
            e.incomplete(&validation_error).unwrap_or_default()
        ),
        LoadError::Selection { file, error } => {
            format!("{}: {}", file.display(), selection_error(error))
        }
        _ => e.to_string(),
    }
}

/// A selection of sorts that cannot be applied, the options named by their flags.
pub(crate) fn selection_error(e: &SelectionError) -> String {
    let text = e.to_string();
    match e {
        SelectionError::UnknownSort { id } => format!("--exclude {id}: no sort with id '{id}'"),
        SelectionError::NoAttributes { .. }
        | SelectionError::UnknownAttribute { .. }
        | SelectionError::UnknownValue { .. } => format!("--{text}"),
        SelectionError::TooFew { .. } => format!("{text} (see --exclude and --where)"),
    }
}

/// A warning, options named by their flags.
pub(crate) fn warning(w: &Warning) -> String {
    match w {
        Warning::BootstrapAutomaticFlagging => {
            "--no-auto-flag is ignored: the bootstrap recomputes flags automatically".to_string()
        }
        _ => w.to_string(),
    }
}

/// A warning of the output writer.
pub(crate) fn output_warning(w: &OutputWarning) -> String {
    match w {
        OutputWarning::OldOutputKept { path } => format!(
            "the previous output was moved to {} and could not be deleted",
            path.display()
        ),
        OutputWarning::LeftoverRemoved { path } => format!(
            "removed the leftover of an interrupted run: {}",
            path.display()
        ),
        OutputWarning::LeftoverKept { path, reason } => format!(
            "could not remove the leftover of an interrupted run: {} ({reason})",
            path.display()
        ),
    }
}

/// Prints each warning of the output writer on its own line, `warning: ...`.
pub(crate) fn print_output_warnings(err: &mut dyn std::io::Write, warnings: &[OutputWarning]) {
    for w in warnings {
        let _ = writeln!(err, "warning: {}", output_warning(w));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use qstudy_core::FlagEdit;

    #[test]
    fn options_are_named_by_their_flags() {
        assert_eq!(
            analysis_error(&AnalysisError::NoHorstIterations),
            "--horst-iterations must be at least 1"
        );
        let e = AnalysisError::UnknownSort {
            context: Given::Flag(FlagEdit {
                sort: "XX9".into(),
                factor: "1".into(),
            }),
            id: "XX9".into(),
        };
        assert_eq!(analysis_error(&e), "--flag XX9=1: no sort with id 'XX9'");
        let e = AnalysisError::UnknownFactor {
            context: Given::Invert,
            factor: "4".into(),
            valid: "1..3".into(),
        };
        assert_eq!(
            analysis_error(&e),
            "--invert: factor '4' does not exist (factors are 1..3)"
        );
        let e = AnalysisError::TooFewExtracted {
            factors: 3,
            extracted: 2,
            shortfall: None,
            explicit: true,
        };
        assert_eq!(
            analysis_error(&e),
            "3 factor(s) to keep but only 2 extracted (--extract)"
        );
        assert!(warning(&Warning::BootstrapAutomaticFlagging).starts_with("--no-auto-flag"));
    }

    #[test]
    fn output_warnings_name_the_path() {
        let path = std::path::PathBuf::from("work/.out.qstudy-new-12-0");
        assert_eq!(
            output_warning(&OutputWarning::LeftoverRemoved { path: path.clone() }),
            "removed the leftover of an interrupted run: work/.out.qstudy-new-12-0"
        );
        let mut err = Vec::new();
        print_output_warnings(
            &mut err,
            &[OutputWarning::LeftoverKept {
                path,
                reason: "Permission denied".into(),
            }],
        );
        assert_eq!(
            String::from_utf8(err).unwrap(),
            "warning: could not remove the leftover of an interrupted run: work/.out.qstudy-new-12-0 (Permission denied)\n"
        );
    }

    #[test]
    fn the_rest_is_the_library_sentence() {
        let e = AnalysisError::NoFactors;
        assert_eq!(analysis_error(&e), e.to_string());
        let w = Warning::FewerThanTwoArrays;
        assert_eq!(warning(&w), w.to_string());
    }
}

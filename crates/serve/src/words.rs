//! The workbench's words for the engine's errors: where an error is about an option, it names
//! the option as the page shows it (the Method and Extract controls, the invert and split boxes,
//! a click in the loadings table) or as the study's `study.toml` key the page keeps; the rest is
//! the engine's own sentence.

use qstudy_core::error::{OptionWord, OptionWords};
use qstudy_core::{AnalysisError, Given};

/// The page's names of options: its controls, the study.toml keys it keeps, a click.
struct Page;

impl OptionWords for Page {
    fn given(&self, g: &Given) -> String {
        match g {
            Given::Invert => "invert".to_string(),
            Given::Split => "split".to_string(),
            Given::Flag(edit) => format!("flag of {} on {}", edit.sort, edit.factor),
            Given::Unflag(edit) => format!("unflag of {} on {}", edit.sort, edit.factor),
            Given::FactorName => "Factor names".to_string(),
            Given::RotationStep { .. } => g.to_string(),
        }
    }
    fn option(&self, option: OptionWord<'_>) -> String {
        match option {
            OptionWord::Method(method) => format!("Method {method}"),
            OptionWord::Extract => "Extract".to_string(),
            OptionWord::HorstIterations => "the study's horst_iterations".to_string(),
            OptionWord::HorstThreshold => "the study's horst_threshold".to_string(),
        }
    }
    fn unflag(&self, _sort: &str, factor: &str) -> Option<String> {
        Some(format!("click its cell on {factor} in the loadings table"))
    }
}

/// An analysis error in the page's words.
///
/// ```
/// use qstudy_core::{AnalysisError, Given};
/// let e = AnalysisError::UnknownFactor { context: Given::Split, factor: "4".into(), valid: "1..3".into() };
/// assert_eq!(qstudy_serve::words::analysis_error(&e), "split: factor '4' does not exist (factors are 1..3)");
/// ```
pub fn analysis_error(e: &AnalysisError) -> String {
    e.worded(&Page)
}

#[cfg(test)]
mod tests {
    use super::*;
    use qstudy_core::FlagEdit;

    #[test]
    fn options_are_named_as_the_page_shows_them() {
        let e = AnalysisError::UnknownSort {
            context: Given::Flag(FlagEdit {
                sort: "XX9".into(),
                factor: "F1".into(),
            }),
            id: "XX9".into(),
        };
        assert_eq!(
            analysis_error(&e),
            "flag of XX9 on F1: no sort with id 'XX9'"
        );
        let e = AnalysisError::TooFewExtracted {
            factors: 3,
            extracted: 2,
            shortfall: None,
            explicit: true,
        };
        assert_eq!(
            analysis_error(&e),
            "3 factor(s) to keep but only 2 extracted (Extract)"
        );
        assert!(!analysis_error(&AnalysisError::NoHorstIterations).contains("--"));
        let e = AnalysisError::NoFactors;
        assert_eq!(analysis_error(&e), e.to_string());
    }
}

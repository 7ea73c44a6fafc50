//! The workbench's words for the engine's errors: where an error is about an option, it names
//! the option as the page shows it (the Method and Extract controls, the invert and split boxes,
//! a click in the loadings table) or as the study's `study.toml` key the page keeps; the rest is
//! the engine's own sentence.

use qstudy_core::error::{OptionWord, OptionWords};
use qstudy_core::options::{Dropped, Gone};
use qstudy_core::{AnalysisError, Given, ValidationError, Warning};
use qstudy_io::{FormatWords, LoadError};

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
            OptionWord::FigureFontSize => "Figure font size".to_string(),
            OptionWord::FigureCardWidth => "Figure card width".to_string(),
        }
    }
    fn unflag(&self, _sort: &str, factor: &str) -> Option<String> {
        Some(format!("click its cell on {factor} in the loadings table"))
    }
}

/// The page's words for choosing an input's format: the workbench reads an upload by its
/// names and content only, so it says what to upload instead.
struct Uploads;

impl FormatWords for Uploads {
    fn unknown_format(&self, extension: Option<&str>) -> Option<String> {
        Some(match extension {
            Some(e) if e.eq_ignore_ascii_case("sta") => {
                "a .STA holds the statements of a PQMethod project: open it together with its .DAT"
                    .to_string()
            }
            _ => "open a file with the extension of its format, or a study directory with its study.toml".to_string(),
        })
    }
    fn directory(&self) -> Option<String> {
        Some("open the study directory itself, with its study.toml".to_string())
    }
    fn detected(&self) -> Option<String> {
        None
    }
}

/// A validation error of the input in the page's words: where the command line names an
/// option the page does not have (the grid, a free distribution), what to give instead.
///
/// ```
/// use qstudy_core::ValidationError;
/// let e = ValidationError::GridNotInferable { sort: "B".into(), first: "A".into() };
/// assert!(!qstudy_serve::words::validation_error(&e).contains("--"));
/// ```
pub fn validation_error(e: &ValidationError) -> String {
    match e {
        ValidationError::BrokenGrid {
            sort,
            value,
            expected,
            found,
        } => format!(
            "sort '{sort}' breaks the forced grid: column {value} holds {found} statement(s), expected {expected} (the workbench accepts only sorts that follow the grid: correct the sort or the input's grid)"
        ),
        ValidationError::GridNotInferable { sort, first } => format!(
            "no grid given and the sorts do not share one distribution (sort '{sort}' differs from sort '{first}'): open the sorts as a study directory whose study.toml gives the grid (grid = \"VALUE:COUNT,...\")"
        ),
        _ => e.to_string(),
    }
}

/// An input that could not be read or is not a valid study, in the page's words: the file and
/// place as the reader names them, then what is wrong and what to open instead.
pub fn load_error(e: &LoadError) -> String {
    match e {
        LoadError::Read(e) => e.worded(&Uploads),
        LoadError::Invalid(invalid) => invalid.message(&validation_error(&invalid.error)),
        LoadError::Incomplete(_) => format!(
            "{}; complete them, or leave incomplete sorts out (drop incomplete)",
            e.incomplete(&validation_error).unwrap_or_default()
        ),
        LoadError::Selection { .. } => e.to_string(),
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

/// A warning of the analysis in the page's words: the plain sentence of `results.json` and
/// `warnings.txt`, but for the ones that name a command.
///
/// ```
/// use qstudy_core::Warning;
/// let w = Warning::FactorsRecommended { kept: 3 };
/// assert_eq!(qstudy_serve::words::warning(&w), "Factors to keep was not given: 3 kept, as the parallel analysis of the scree recommends");
/// ```
pub fn warning(w: &Warning) -> String {
    match w {
        Warning::FactorsRecommended { kept } => format!(
            "Factors to keep was not given: {kept} kept, as the parallel analysis of the scree recommends"
        ),
        _ => w.to_string(),
    }
}

/// The note of `warnings.txt` when the figures are left out of the results (more than
/// `limit` sorts), as the page says it: they are left out of the download.
pub fn figures_left_out(sorts: usize, limit: usize) -> String {
    format!(
        "{sorts} sorts: the downloaded results hold no figures and no report.html (they are drawn for at most {limit} sorts)"
    )
}

/// `F1`, `F1 and F2`, `F1, F2 and F3`.
fn factor_list(factors: &[usize]) -> String {
    let names: Vec<String> = factors.iter().map(|f| format!("F{f}")).collect();
    match names.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
        _ => names.concat(),
    }
}

/// Why a choice no longer applies, after `: `.
fn gone(factor: &str, why: Gone) -> String {
    match why {
        Gone::NotKept { kept } => format!("{factor} is no longer kept ({kept} factors)"),
        Gone::NotSplit => format!("{factor} is not split"),
    }
}

/// A choice dropped (or moved) because it no longer applies to the factors kept, as one line
/// for the page: what it was, then why.
///
/// ```
/// use qstudy_core::options::{Dropped, Gone};
/// let d = Dropped::FactorName { factor: "F4".into(), name: "Reformers".into(), why: Gone::NotKept { kept: 3 } };
/// assert_eq!(qstudy_serve::words::dropped(&d), "the name 'Reformers' of F4: F4 is no longer kept (3 factors)");
/// ```
pub fn dropped(d: &Dropped) -> String {
    let edit_of = |unflag: bool| if unflag { "unflag" } else { "flag" };
    match d {
        Dropped::FactorName { factor, name, why } => {
            let whole = match why {
                Gone::NotSplit => factor.trim_end_matches(['a', 'b']).to_string(),
                Gone::NotKept { .. } => factor.clone(),
            };
            format!("the name '{name}' of {factor}: {}", gone(&whole, *why))
        }
        Dropped::Flag { edit, unflag, kept } => format!(
            "the {} of {} on {}: {}",
            edit_of(*unflag),
            edit.sort,
            shown_factor(&edit.factor),
            gone(&factor_name(&edit.factor), Gone::NotKept { kept: *kept })
        ),
        Dropped::FlagCarried {
            edit,
            unflag,
            to,
            duplicate: false,
        } => format!(
            "the {} of {} on {} now applies to {to}: {to} is not split",
            edit_of(*unflag),
            edit.sort,
            shown_factor(&edit.factor)
        ),
        Dropped::FlagCarried {
            edit,
            unflag,
            to,
            duplicate: true,
        } => format!(
            "the {} of {} on {}: {to} is not split, and the same {} on {to} is already given",
            edit_of(*unflag),
            edit.sort,
            shown_factor(&edit.factor),
            edit_of(*unflag)
        ),
        Dropped::Invert { factor, kept } => format!(
            "inverting F{factor}: {}",
            gone(&format!("F{factor}"), Gone::NotKept { kept: *kept })
        ),
        Dropped::Split { factor, kept } => format!(
            "splitting F{factor}: {}",
            gone(&format!("F{factor}"), Gone::NotKept { kept: *kept })
        ),
        Dropped::RotationSteps {
            steps,
            factors,
            kept,
        } => {
            let list = factor_list(factors);
            let verb = if factors.len() == 1 { "is" } else { "are" };
            format!(
                "{} hand rotation step{} on {list}: {list} {verb} no longer kept ({kept} factors)",
                steps.len(),
                if steps.len() == 1 { "" } else { "s" },
            )
        }
    }
}

/// A factor as a flag names it (`4`, `f4`, `F4B`) as the page shows it (`F4`, `F4b`).
fn shown_factor(typed: &str) -> String {
    let t = typed.trim();
    let t = t.strip_prefix(['F', 'f']).unwrap_or(t);
    format!("F{}", t.to_ascii_lowercase())
}

/// The whole factor of a factor a flag names (`F4` of `4`, `f4`, `F4b`).
fn factor_name(typed: &str) -> String {
    shown_factor(typed).trim_end_matches(['a', 'b']).to_string()
}

/// The note for an input opened without statement texts where a file beside it would give
/// them: a PQMethod `.DAT` without its `.STA`.
pub fn missing_statements(shown: &str, has_texts: bool) -> Option<String> {
    let path = std::path::Path::new(shown);
    let dat = path
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("dat"));
    (dat && !has_texts).then(|| {
        let stem = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        format!(
            "{} was opened without its .STA: the statements have numbers but no texts; open it again together with {stem}.STA to see them",
            path.file_name()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default()
        )
    })
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

    #[test]
    fn dropped_choices_say_what_and_why() {
        let kept = 3;
        let cases = [
            (
                Dropped::FactorName {
                    factor: "F2b".into(),
                    name: "contra".into(),
                    why: Gone::NotSplit,
                },
                "the name 'contra' of F2b: F2 is not split",
            ),
            (
                Dropped::Flag {
                    edit: "US1=4".parse().unwrap(),
                    unflag: true,
                    kept,
                },
                "the unflag of US1 on F4: F4 is no longer kept (3 factors)",
            ),
            (
                Dropped::FlagCarried {
                    edit: "US1=F2a".parse().unwrap(),
                    unflag: false,
                    to: "F2".into(),
                    duplicate: false,
                },
                "the flag of US1 on F2a now applies to F2: F2 is not split",
            ),
            (
                Dropped::FlagCarried {
                    edit: "US1=F2a".parse().unwrap(),
                    unflag: false,
                    to: "F2".into(),
                    duplicate: true,
                },
                "the flag of US1 on F2a: F2 is not split, and the same flag on F2 is already given",
            ),
            (
                Dropped::Invert { factor: 4, kept },
                "inverting F4: F4 is no longer kept (3 factors)",
            ),
            (
                Dropped::Split { factor: 5, kept },
                "splitting F5: F5 is no longer kept (3 factors)",
            ),
            (
                Dropped::RotationSteps {
                    steps: vec!["1,4,5".parse().unwrap(), "4,2,5".parse().unwrap()],
                    factors: vec![4],
                    kept,
                },
                "2 hand rotation steps on F4: F4 is no longer kept (3 factors)",
            ),
            (
                Dropped::RotationSteps {
                    steps: vec!["5,4,5".parse().unwrap()],
                    factors: vec![4, 5],
                    kept,
                },
                "1 hand rotation step on F4 and F5: F4 and F5 are no longer kept (3 factors)",
            ),
        ];
        for (d, text) in cases {
            assert_eq!(dropped(&d), text);
        }
    }
}

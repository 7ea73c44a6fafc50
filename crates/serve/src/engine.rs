//! The one place where the workbench calls the analysis engine: every rotation step, flag click
//! or option change of the page comes here (so the engine entry point can be switched in one
//! module, e.g. to a re-runnable analysis session).

use qstudy_core::Study;
use qstudy_core::analysis::{AnalysisOptions, AnalysisResults, analyze};

use qstudy_core::retention::{RetentionOptions, RetentionReport, retention};
use qstudy_io::LoadedSorts;

/// Runs the whole analysis of `study` with `options`, the participants' attributes of `loaded`
/// attached (as `qstudy analyze` does). The error is the engine's one-line message in the
/// page's words.
///
/// ```no_run
/// # fn f(loaded: &qstudy_io::LoadedSorts, study: &qstudy_core::Study) {
/// let options = qstudy_core::AnalysisOptions { factors: 4, ..Default::default() };
/// let results = qstudy_serve::engine::run(loaded, study, &options).unwrap();
/// assert_eq!(results.factors.len(), 4);
/// # }
/// ```
pub fn run(
    loaded: &LoadedSorts,
    study: &Study,
    options: &AnalysisOptions,
) -> Result<AnalysisResults, String> {
    let mut results = analyze(study, options).map_err(|e| crate::words::analysis_error(&e))?;
    if let Some(participants) = loaded.participants() {
        results.attach_participants(participants.to_vec());
    }
    Ok(results)
}

/// The report of `qstudy factors` with its defaults (parallel analysis of 1000 random studies,
/// seed 1, 95th percentile): eigenvalues, scree, Kaiser-Guttman, Humphrey, recommendation.
///
/// ```no_run
/// # fn f(study: &qstudy_core::Study) {
/// let report = qstudy_serve::engine::factors(study, &Default::default()).unwrap();
/// assert!(report.recommended >= 1);
/// # }
/// ```
pub fn factors(study: &Study, options: &AnalysisOptions) -> Result<RetentionReport, String> {
    let ropts = RetentionOptions::default();
    retention(study, options, &ropts, &|_| {}).map_err(|e| crate::words::analysis_error(&e))
}

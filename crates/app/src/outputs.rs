//! The output sets of qstudy, each written into a [`Sink`]: a staging directory, which the
//! caller publishes ([`qstudy_io::output_dir::publish`] makes it `DIR` at once,
//! [`qstudy_io::output_dir::publish_into`] adds it to `DIR`, all or nothing, so `DIR` is never
//! half-written), or memory ([`qstudy_io::output_dir::MemorySink`], which the workbench zips).
//!
//! - [`write_analysis`]: one analysis, as `qstudy analyze --out DIR` writes it (and the
//!   workbench serves it): `results.json`, `report.lis`, `results.xlsx`, `tables/*.csv`,
//!   `warnings.txt` and, unless left out, `plots/*.svg`, `plots/*.png` and `report.html`.
//! - [`write_bootstrap`]: `qstudy bootstrap`'s `bootstrap.json`, CSV summaries and figure.
//! - [`write_retention`]: `qstudy factors --out`'s `retention.json` and scree plot.

use std::path::{Path, PathBuf};

use qstudy_core::{AnalysisResults, Warning};
use qstudy_io::output_dir::{self, OutputError, Sink};
use qstudy_report::{ReportContext, ReportError, ReportInfo};

mod bootstrap;
mod retention;

pub use bootstrap::write_bootstrap;
pub use retention::write_retention;

/// The file of every warning of a run, one a line, in full.
pub const WARNINGS_FILE: &str = "warnings.txt";

/// Most sorts for which the figures and `report.html` are drawn: figures label every sort
/// (loadings maps), so beyond this many they take minutes and cannot be read.
pub const FIGURE_SORT_LIMIT: usize = 5000;

/// An output of the analysis could not be built or written; every message is one line naming
/// the path.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum OutputsError {
    /// A file could not be written or the output directory not published.
    #[error(transparent)]
    Output(#[from] OutputError),
    /// A report could not be built.
    #[error("{path}: {source}")]
    Report {
        /// The output directory.
        path: PathBuf,
        /// The cause.
        source: ReportError,
    },
    /// The results could not be serialised.
    #[error("{path}: cannot serialise the results: {source}")]
    Serialize {
        /// The JSON file (`DIR/results.json`, ...).
        path: PathBuf,
        /// The cause.
        source: serde_json::Error,
    },
    /// A CSV summary could not be built.
    #[error("{path}: {source}")]
    Table {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: csv::Error,
    },
    /// A figure or `report.html` could not be drawn.
    #[error("{path}: {source}")]
    Plot {
        /// `DIR/plots`.
        path: PathBuf,
        /// The cause.
        source: qstudy_plot::PlotError,
    },
}

/// The figures to draw with the reports: their options and the report page's title and source.
#[derive(Debug, Clone, Default)]
pub struct Figures {
    /// Options of every figure (a parallel-analysis threshold on the scree plot, ...).
    pub options: qstudy_plot::PlotOptions,
    /// Title and source shown by `report.html`.
    pub info: ReportInfo,
}

/// What [`write_analysis`] wrote besides the files.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AnalysisWritten {
    /// The workbook's notes on what it left out to stay within Excel's limits (none for
    /// ordinary studies).
    pub xlsx_notes: Vec<String>,
    /// Why the figures were left out although asked for (too many sorts), if they were.
    pub figures_left_out: Option<String>,
    /// Whether `plots/`, `report.html` and `report.docx` were written.
    pub figures: bool,
    /// The scripts of the texts that no font of the machine draws in the figures (they show
    /// empty boxes there), with the statements and names they are in.
    pub missing_glyphs: Vec<qstudy_plot::fonts::MissingGlyphs>,
}

/// The warning given when `results` has too many sorts for the figures
/// ([`FIGURE_SORT_LIMIT`]), `None` otherwise.
///
/// ```
/// # fn demo(results: &qstudy_core::AnalysisResults) {
/// if let Some(w) = qstudy_app::outputs::figures_left_out(results) {
///     eprintln!("warning: {w}");
/// }
/// # }
/// ```
pub fn figures_left_out(results: &AnalysisResults) -> Option<String> {
    (results.input.sorts > FIGURE_SORT_LIMIT).then(|| {
        format!(
            "{} sorts: figures and report.html are drawn for at most {FIGURE_SORT_LIMIT} sorts; they are left out (use `qstudy plot` for single figures)",
            results.input.sorts
        )
    })
}

/// Every warning of a run, in the order shown: the analysis's, the workbook's notes
/// (`results.xlsx: ...`), then the figures' (when they were left out).
///
/// ```
/// use qstudy_core::Warning;
/// let all = qstudy_app::outputs::all_warnings(&[Warning::FewerThanTwoArrays], &["b".into()], &None);
/// assert_eq!(all[1], "results.xlsx: b");
/// ```
pub fn all_warnings(
    analysis: &[Warning],
    xlsx_notes: &[String],
    figures: &Option<String>,
) -> Vec<String> {
    analysis
        .iter()
        .map(ToString::to_string)
        .chain(xlsx_notes.iter().map(|n| format!("results.xlsx: {n}")))
        .chain(figures.iter().cloned())
        .collect()
}

/// Writes the whole output set of `results` into `staging` (an empty directory or memory): the reports,
/// `warnings.txt` and, with `figures` (and at most [`FIGURE_SORT_LIMIT`] sorts), the figures
/// and `report.html`. The figures are drawn on rayon's pool while this thread builds the
/// reports, each streamed into its file as it is built (the workbook on a thread of its own);
/// the bytes do not depend on the number of threads. `shown` is the output directory named in
/// errors. Nothing is published here.
///
/// ```
/// # fn demo(results: &qstudy_core::AnalysisResults, study: &qstudy_core::Study) {
/// use qstudy_app::outputs::{OutputsError, Figures, write_analysis};
/// let out = std::path::Path::new("out");
/// let ctx = qstudy_report::ReportContext::from_study(None, study);
/// let figures = Figures::default();
/// qstudy_io::output_dir::publish(out, false, &[], |staging| {
///     write_analysis(staging, out, results, &ctx, Some(&figures)).map(|_| ())
/// })
/// .unwrap();
/// // the same files in memory
/// let memory = qstudy_io::output_dir::MemorySink::default();
/// write_analysis(&memory, out, results, &ctx, Some(&figures)).unwrap();
/// assert!(memory.into_files().iter().any(|(path, _)| path == "results.json"));
/// # }
/// ```
pub fn write_analysis(
    staging: &(impl Sink + ?Sized),
    shown: &Path,
    results: &AnalysisResults,
    ctx: &ReportContext,
    figures: Option<&Figures>,
) -> Result<AnalysisWritten, OutputsError> {
    let left_out = figures.and_then(|_| figures_left_out(results));
    let figures = figures.filter(|_| left_out.is_none());
    std::thread::scope(|scope| {
        let drawn = figures.map(|f| scope.spawn(|| figure_files(shown, results, f)));
        let xlsx_notes = write_reports(staging, shown, results, ctx)?;
        let missing_glyphs = match figures {
            Some(_) => qstudy_plot::fonts::missing_glyphs(results),
            None => Vec::new(),
        };
        let mut all = all_warnings(&results.warnings, &xlsx_notes, &left_out);
        all.extend(missing_glyphs.iter().map(ToString::to_string));
        let text: String = all.iter().map(|w| format!("{w}\n")).collect();
        output_dir::write_file(staging, WARNINGS_FILE, text.as_bytes())?;
        if let Some(drawn) = drawn {
            let files = drawn
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic))?;
            for (path, bytes) in files {
                output_dir::write_file(staging, &path, &bytes)?;
            }
        }
        Ok(AnalysisWritten {
            xlsx_notes,
            figures_left_out: left_out,
            figures: figures.is_some(),
            missing_glyphs,
        })
    })
}

/// Writes `value` as one line of JSON (and a newline) to `staging/name`.
pub(crate) fn write_json<T: serde::Serialize>(
    staging: &(impl Sink + ?Sized),
    shown: &Path,
    name: &str,
    value: &T,
) -> Result<(), OutputsError> {
    let mut text = serde_json::to_string(value).map_err(|source| OutputsError::Serialize {
        path: shown.join(name),
        source,
    })?;
    text.push('\n');
    output_dir::write_file(staging, name, text.as_bytes())?;
    Ok(())
}

/// Renders `plot` as `plots/NAME.svg` and `plots/NAME.png` (both at once) into `staging`;
/// returns their paths under `shown`.
fn figure_formats(
    staging: &(impl Sink + ?Sized),
    shown: &Path,
    plot: &qstudy_plot::Plot,
) -> Result<Vec<PathBuf>, OutputsError> {
    use qstudy_plot::ImageFormat;
    let formats = [ImageFormat::Svg, ImageFormat::Png];
    let rendered = rayon::join(|| plot.render(formats[0]), || plot.render(formats[1]));
    let mut written = Vec::new();
    for (format, bytes) in formats.into_iter().zip([rendered.0, rendered.1]) {
        let name = format!("{}.{}", plot.name(), format.extension());
        let path = shown.join("plots").join(&name);
        let bytes = bytes.map_err(|source| OutputsError::Plot {
            path: path.clone(),
            source,
        })?;
        output_dir::write_file(staging, &format!("plots/{name}"), &bytes)?;
        written.push(path);
    }
    Ok(written)
}

/// Draws every figure of `results` and the report page (`qstudy-plot`, in parallel on rayon's
/// pool), then the Word report that embeds the composite sorts and the scree plot: `(path,
/// bytes)` of `plots/*.svg`, `plots/*.png`, `report.html` and `report.docx`, in a fixed order.
fn figure_files(
    shown: &Path,
    results: &AnalysisResults,
    figures: &Figures,
) -> Result<Vec<(String, Vec<u8>)>, OutputsError> {
    let failed = |source| OutputsError::Plot {
        path: shown.join("plots"),
        source,
    };
    let gallery = qstudy_plot::standard_plots(results, &figures.options).map_err(failed)?;
    let mut files: Vec<(String, Vec<u8>)> =
        crate::figures::render_outputs(results, &gallery, &figures.info)
            .map_err(failed)?
            .into_iter()
            .map(|f| (f.path, f.bytes))
            .collect();
    let docx = {
        use qstudy_plot::Kind;
        let named: Vec<(&qstudy_plot::Plot, String)> = gallery
            .plots
            .iter()
            .filter(|p| matches!(p.kind(), Kind::Composite | Kind::Scree))
            .map(|p| (p, format!("plots/{}.png", p.name())))
            .collect();
        let embedded: Vec<qstudy_report::docx::DocxFigure> = named
            .iter()
            .filter_map(|(p, file)| {
                let (_, png) = files.iter().find(|(path, _)| path == file)?;
                Some(qstudy_report::docx::DocxFigure {
                    title: p.title(),
                    file,
                    png,
                    size: p.size(),
                })
            })
            .collect();
        qstudy_report::docx::report_docx(results, &figures.info, &embedded).map_err(|source| {
            OutputsError::Report {
                path: shown.to_path_buf(),
                source,
            }
        })?
    };
    files.push((DOCX.to_string(), docx));
    Ok(files)
}

/// The Word report, beside `report.html`.
pub const DOCX: &str = "report.docx";

/// Writes `results.json` and every report (`report.lis`, `results.xlsx`, `tables/*.csv`) into
/// `staging`, each streamed into its file as it is built (no report is ever whole in memory: a
/// study of 10^5 sorts has a 430 MB workbook before compression). The workbook, the longest,
/// is built on a thread of its own meanwhile. Returns the workbook's notes.
fn write_reports(
    staging: &(impl Sink + ?Sized),
    shown: &Path,
    results: &AnalysisResults,
    ctx: &ReportContext,
) -> Result<Vec<String>, OutputsError> {
    let report = |source| OutputsError::Report {
        path: shown.to_path_buf(),
        source,
    };
    const JSON: &str = "results.json";
    const LIS: &str = "report.lis";
    std::thread::scope(|scope| {
        let workbook = scope.spawn(|| {
            output_dir::stream_file(staging, "results.xlsx", |w| {
                qstudy_report::write_results_xlsx(results, ctx, w).map_err(report)
            })
        });
        let others = (|| {
            output_dir::stream_file(staging, JSON, |w| {
                qstudy_io::write_results_json_to(w, results).map_err(|source| {
                    if source.is_io() {
                        OutputsError::Output(OutputError::Write {
                            path: staging.path_of(JSON),
                            source: source.into(),
                        })
                    } else {
                        OutputsError::Serialize {
                            path: shown.join(JSON),
                            source,
                        }
                    }
                })
            })?;
            output_dir::stream_file(staging, LIS, |w| {
                qstudy_report::write_report_lis(results, ctx, w).map_err(|source| {
                    OutputsError::Output(OutputError::Write {
                        path: staging.path_of(LIS),
                        source,
                    })
                })
            })?;
            let mut done = vec![JSON, LIS];
            for table in qstudy_report::CsvTable::of(results) {
                output_dir::stream_file(staging, table.path(), |w| {
                    qstudy_report::write_csv_table(results, table, w).map_err(report)
                })?;
                done.push(table.path());
            }
            // to disk while the workbook is still being built, rather than all at the end
            output_dir::flush_files(staging, &done)?;
            Ok(())
        })();
        let notes = workbook
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        others.and(notes)
    })
}

//! # qstudy-report
//!
//! The reports of one analysis, all built from the same [`AnalysisResults`] (the content of
//! `results.json`), as bytes: the reports touch no file system, so the caller (the
//! application layer, `qstudy-app`) decides where they go.
//!
//! | file | built by | what |
//! |---|---|---|
//! | `report.lis` | [`report_lis`], [`write_report_lis`] | PQMethod-style fixed-width text report: PQMethod's 15 tables in PQMethod's order, then qstudy's additions (crib sheets, group make-up, warnings) |
//! | `results.xlsx` | [`results_xlsx`], [`write_results_xlsx`] | one workbook, sheets in KADE's order (numbers stored as numbers, frozen header rows) |
//! | `tables/*.csv` | [`csv_tables`], [`write_csv_table`] | loadings with flags, z-scores and arrays, distinguishing and consensus statements, factor characteristics (and group make-up) |
//! | `report.html` | [`report_html`] | one self-contained page: the study summary, the methods paragraph, the main tables, the crib sheets and every figure (drawn by `qstudy-plot`) inline |
//! | `report.docx` | [`docx::report_docx`] | a Word document for a paper: title page, contents, methods and references, the tables, the composite sorts and scree plot, the reporting checklist |
//! | `bootstrap_*.csv` | [`bootstrap`] | the bootstrap's summaries of the z-scores and the loadings |
//!
//! Every report is a pure function of the results plus a [`ReportContext`] (the study title
//! and, optionally, the sorts' values for the sheets and sections that show raw sorts); the
//! same input gives byte-identical files. Numbers are rounded for display only in `report.lis`;
//! the workbook and the CSV tables hold them at full precision (the workbook's number formats
//! round what Excel shows, not what it stores).
//!
//! Each report can be built in memory (`report_lis`, `results_xlsx`, `csv_tables`,
//! [`report_files`]) or written as it is built to any writer (the `write_*` functions), which is
//! what `qstudy analyze` does: a study of 10^5 sorts then never holds a whole report in memory.
//! Time and memory are linear in `sorts x statements`, and the workbook stays within Excel's
//! limits whatever the number of sorts ([`xlsx`]).
//!
//! ## What follows PQMethod, and what could not be verified
//!
//! Verified from public material: the section titles and their order (PQMethod 2.35's report
//! as mirrored by qmethod's `export.qm(style = "PQMethod")`, and the project's
//! `methods.md` section 10); the page header (program name in column 1, study title from
//! column 28, `PAGE n` from column 114, from a `.LIS` written by PQMethod 2.35); the rows of
//! "Factor Scores with Corresponding Ranks" (statement text from column 6, 55 characters wide,
//! then per factor an 11-character block: z-score with 2 decimals, rank in the last 4
//! characters, as a public parser of PQMethod output reads them); loadings and eigenvalues with 4 decimals, normalized z-scores with 3 decimals, an `X`
//! after a defining loading, `*` for p < .01 among distinguishing statements (p < .05) and for
//! p > .05 among consensus statements.
//!
//! Not verified (no real `.LIS` of a complete analysis was available): the exact column widths
//! and header lines of the other tables, the correlation matrix printed as integers x 100 in
//! blocks of 20 sorts, the `% expl.Var.` rows as whole percentages, the order of rows within
//! the distinguishing statements (here by descending z-score), the `>`/`<` direction markers
//! (qstudy's), the variance line under the Q-sort values, and where PQMethod breaks pages.
//! qstudy does not split wide tables into several pages of factors; lines grow instead. Line
//! ends are LF (PQMethod writes CRLF). The explanatory notes under the titles are qstudy's own
//! words.
//!
//! The workbook follows the sheet order of KADE's results workbook (from KADE's source):
//! overview, statements, sorts, correlation matrix, unrotated factors, cumulative
//! communalities, factor loadings, loadings table, free distribution, factor score ranks,
//! factor score correlations, per factor its weights, sort correlations and scores, the
//! descending differences per pair, consensus-disagreement, factor characteristics, standard
//! errors of differences, distinguishing statements per factor, consensus statements and crib
//! sheets. qstudy adds a "Factor Arrays" sheet (PQMethod's Q-sort values) before
//! consensus-disagreement, shows the free-distribution sheet only for free-distribution data
//! (KADE always shows it) and appends "Group Make-up" when the input has participant
//! attributes. Sheet names and labels are qstudy's.

use qstudy_core::{AnalysisResults, Study};

pub mod bootstrap;
pub mod docx;
mod fmt;
pub mod html;
pub mod lis;
pub mod tables;
pub mod xlsx;

pub use fmt::grouped;
pub use html::{ReportInfo, report_html};
pub use lis::{report_lis, write_report_lis};
pub use tables::{CsvTable, csv_tables, write_csv_table};
pub use xlsx::{results_xlsx, write_results_xlsx};

/// Largest number of sorts for which the correlation matrix between sorts is printed in
/// `report.lis` and written to `results.xlsx` (a 2000 x 2000 matrix is 4 million cells: seconds
/// to compress, 200 MB of sheet XML, and unreadable anyway); above it the report and the
/// workbook point to `results.json`, which keeps the matrix up to 2000 sorts by default.
pub const MATRIX_LIMIT: usize = 1000;

/// What the reports need besides the results.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ReportContext {
    /// The study title (a `.DAT` header or `study.toml`), shown in page headers and the
    /// overview sheet.
    pub title: Option<String>,
    /// The sorts' values, one row per sort in input order (statement order within a row).
    /// Optional: without them the workbook has no "Q sorts" sheet and the free-distribution
    /// section shows no means and deviations.
    pub sorts: Option<Vec<Vec<f64>>>,
}

impl ReportContext {
    /// The context of a validated study: its title and every sort's values.
    ///
    /// ```
    /// use qstudy_core::{SortTable, validate::{validate, ValidationOptions}};
    /// let t = SortTable {
    ///     missing: Vec::new(),
    ///     sort_ids: vec!["A".into(), "B".into()],
    ///     values: vec![vec![-1, 0, 1], vec![1, 0, -1]],
    ///     ..Default::default()
    /// };
    /// let study = validate(&t, &ValidationOptions::default()).unwrap();
    /// let ctx = qstudy_report::ReportContext::from_study(None, &study);
    /// assert_eq!(ctx.sorts.unwrap()[1], vec![1.0, 0.0, -1.0]);
    /// ```
    pub fn from_study(title: Option<String>, study: &Study) -> Self {
        ReportContext {
            title,
            sorts: Some(
                study
                    .values()
                    .rows()
                    .into_iter()
                    .map(|r| r.to_vec())
                    .collect(),
            ),
        }
    }
}

/// A report could not be built.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    /// The workbook writer failed.
    #[error("results.xlsx: {0}")]
    Xlsx(#[from] rust_xlsxwriter::XlsxError),
    /// The workbook writer stopped while writing its temporary files (a full disk).
    #[error("results.xlsx: the workbook could not be written: {0}")]
    XlsxAborted(String),
    /// The Word document could not be packed.
    #[error("report.docx: {0}")]
    Docx(String),
    /// A CSV table could not be written.
    #[error("{file}: {source}")]
    Csv {
        /// The table (`tables/loadings.csv`, ...).
        file: String,
        /// The cause.
        source: csv::Error,
    },
}

/// One built report: its path relative to the output directory (`/`-separated) and its bytes.
#[derive(Debug, Clone, PartialEq)]
pub struct ReportFile {
    /// `report.lis`, `results.xlsx`, `tables/loadings.csv`, ...
    pub path: String,
    /// The content.
    pub bytes: Vec<u8>,
}

/// Every report of the results: `report.lis`, `results.xlsx`, then the CSV tables.
pub fn report_files(
    results: &AnalysisResults,
    ctx: &ReportContext,
) -> Result<Vec<ReportFile>, ReportError> {
    let mut files = vec![
        ReportFile {
            path: "report.lis".to_string(),
            bytes: report_lis(results, ctx).into_bytes(),
        },
        ReportFile {
            path: "results.xlsx".to_string(),
            bytes: results_xlsx(results, ctx)?,
        },
    ];
    files.extend(csv_tables(results)?);
    Ok(files)
}

#[cfg(test)]
pub(crate) mod testdata {
    use qstudy_core::validate::{ValidationOptions, validate};
    use qstudy_core::{AnalysisOptions, AnalysisResults, SortTable, analyze};

    /// A small analysis: 6 sorts x 9 statements, two factors, with statement texts.
    pub(crate) fn sample() -> (AnalysisResults, crate::ReportContext) {
        let values = vec![
            vec![-2, -1, -1, 0, 0, 0, 1, 1, 2],
            vec![-1, -2, 0, -1, 0, 1, 0, 2, 1],
            vec![-2, -1, 0, -1, 0, 1, 1, 0, 2],
            vec![2, 1, 1, 0, 0, 0, -1, -1, -2],
            vec![1, 2, 0, 1, 0, -1, 0, -2, -1],
            vec![0, 0, -1, 2, 1, -2, 1, -1, 0],
        ];
        let table = SortTable {
            missing: Vec::new(),
            sort_ids: ["A", "B", "C", "D", "E", "Fiona"]
                .map(String::from)
                .to_vec(),
            statement_labels: Some((1..=9).map(|s| format!("Statement number {s}")).collect()),
            values: values.clone(),
        };
        let study = validate(&table, &ValidationOptions::default()).unwrap();
        let options = AnalysisOptions {
            factors: 2,
            ..Default::default()
        };
        let results = analyze(&study, &options).unwrap();
        let ctx = crate::ReportContext {
            title: Some("Tiny test study".to_string()),
            sorts: Some(
                values
                    .iter()
                    .map(|r| r.iter().map(|&v| v as f64).collect())
                    .collect(),
            ),
        };
        (results, ctx)
    }

    #[test]
    fn report_files_lists_every_report() {
        let (r, ctx) = sample();
        let files = crate::report_files(&r, &ctx).unwrap();
        let paths: Vec<&str> = files.iter().map(|f| f.path.as_str()).collect();
        assert_eq!(
            paths,
            [
                "report.lis",
                "results.xlsx",
                "tables/loadings.csv",
                "tables/scores.csv",
                "tables/distinguishing.csv",
                "tables/consensus.csv",
                "tables/characteristics.csv"
            ]
        );
        assert!(files.iter().all(|f| !f.bytes.is_empty()));
    }
}

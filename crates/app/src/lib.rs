//! # qstudy-app
//!
//! The application layer: runs one job of qstudy, from its input to its whole output set, for
//! both edges (the command line, `qstudy-cli`, and the workbench, `qstudy-serve`). The edges
//! parse, call these functions and word the results for their users; they hold no analysis or
//! output orchestration of their own.
//!
//! | job | entry point |
//! |---|---|
//! | an analysis: options resolved, the number of factors recommended when not given, participants attached | [`analysis::Input`] |
//! | an analysis's output set: `results.json`, reports, `warnings.txt`, figures, `report.html` | [`outputs::write_analysis`] |
//! | the figures and `report.html`, rendered as files | [`figures::render_outputs`] |
//! | a bootstrap's output set | [`outputs::write_bootstrap`] |
//! | a retention report's output set (`qstudy factors --out`) | [`outputs::write_retention`] |
//! | figures redrawn from a results file (`qstudy plot`) | [`redraw::figures`] |
//!
//! Every output set is written into a [`qstudy_io::output_dir::Sink`]: a staging directory
//! that `qstudy_io::output_dir` publishes at once, or memory for the workbench's downloads.

pub mod analysis;
pub mod figures;
pub mod outputs;
pub mod redraw;

pub use qstudy_plot::PlotError;

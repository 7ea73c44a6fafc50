//! The integration tests of qstudy, one test binary (`it`) with one module per concern: the CLI
//! run in-process on the bundled fixtures (the `support` library of this package), the
//! workbench's HTTP API, the golden outputs. Inputs are paths relative to the package root, the
//! working directory `cargo test` gives the binary.
//!
//! `cargo test --test it` runs them all; `cargo test --test it MODULE::` one module.

mod analyze;
mod apse;
mod bad_input;
mod bootstrap;
mod bootstrap_plot;
mod convert;
mod engine_paths;
mod eqwebsort;
mod formats;
mod formats_malformed;
mod formats_study;
mod fuzz_regressions;
mod golden_outputs;
mod hostile;
mod large_study;
mod near_ties;
mod numerics;
mod output_dir;
mod output_names;
mod output_writers;
mod plot;
mod plot_report;
mod report_docx;
mod report_lis;
mod report_tables;
mod report_xlsx;
mod retention;
mod scree_threshold;
mod scripts;
mod select;
mod serve;
mod serve_limits;
mod simulate;
mod start;
mod study;
mod xlsx_bombs;

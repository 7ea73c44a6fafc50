//! # qstudy-core
//!
//! The pure analysis engine of qstudy: no file formats, no printing.
//!
//! The pipeline, one module per stage:
//! [`validate`] → [`correlate`] → [`extract`] → [`rotate`] → [`flag`] → [`score`] → [`compare`],
//! run by the session [`analysis::Analysis`] (options: [`options::AnalysisOptions`]).

pub mod analysis;
pub mod bootstrap;
pub mod checks;
pub mod compare;
pub mod correlate;
pub mod data;
pub mod error;
pub mod extract;
pub mod flag;
pub mod groups;
pub mod methods;
pub mod numerics;
pub mod options;
pub mod retention;
pub mod rotate;
pub mod score;
pub mod select;
pub mod simulate;
pub mod synthetic;
pub mod validate;
pub mod view;
pub mod warning;

pub use analysis::{Analysis, AnalysisOptions, AnalysisResults, Stage, analyze};
pub use correlate::{Correlation, CorrelationForm};
pub use data::{Grid, GridColumn, Participant, SortTable, StatementStatistics, Study};
pub use error::{
    AnalysisError, DesignError, Given, GridSpecError, SelectionError, ValidationError,
};
pub use extract::Extraction;
pub use flag::{FlagEdit, FlaggingOptions};
pub use numerics::Compatibility;
pub use rotate::{Rotation, RotationStep, VarimaxMethod};
pub use warning::Warning;

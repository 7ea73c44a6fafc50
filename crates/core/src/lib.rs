//! # qstudy-core
//!
//! The pure analysis engine of qstudy: no file formats, no printing.
//!
//! The pipeline, one module per stage:
//! [`validate`] → [`correlate`] → [`extract`] → [`rotate`] → [`flag`] → [`score`] → [`compare`],
//! orchestrated by [`analysis::analyze`].

pub mod data;
pub mod error;
pub mod validate;

pub use data::{Grid, GridColumn, SortTable, Study};
pub use error::{AnalysisError, GridSpecError, ValidationError};

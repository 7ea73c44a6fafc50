//! The integration tests of qstudy-core, one test binary (`it`): reference checks against the
//! anchors' outputs in `fixtures/` and property tests of the pipeline's invariants.
//!
//! `cargo test -p qstudy-core --test it` runs them all; `... --test it MODULE::` one module.

mod near_ties;
mod properties;
mod reference;

#![no_main]
//! Fuzz target `upload`: the workbench's upload path; see docs/fuzzing.md and
//! `qstudy_serve::harness::upload`.

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| qstudy_serve::harness::upload(data));

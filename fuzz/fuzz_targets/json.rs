#![no_main]
//! Fuzz target `json`: see docs/fuzzing.md and `qstudy_io::harness::json`.

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| qstudy_io::harness::json(data));

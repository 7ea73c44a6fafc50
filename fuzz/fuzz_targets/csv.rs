#![no_main]
//! Fuzz target `csv`: see docs/fuzzing.md and `qstudy_io::harness::csv`.

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| qstudy_io::harness::csv(data));

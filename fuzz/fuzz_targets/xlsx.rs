#![no_main]
//! Fuzz target `xlsx`: see docs/fuzzing.md and `qstudy_io::harness::xlsx`.

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| qstudy_io::harness::xlsx(data));

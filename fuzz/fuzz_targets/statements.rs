#![no_main]
//! Fuzz target `statements`: see docs/fuzzing.md and `qstudy_io::harness::statements`.

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| qstudy_io::harness::statements(data));
